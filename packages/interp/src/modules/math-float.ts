/**
 * The double-precision algorithms behind the math module
 * (`Modules/mathmodule.c` and the C library functions it calls) that
 * JavaScript lacks or computes differently: `frexp`/`ldexp` with correct
 * subnormal rounding, exact rounding of a scaled big integer (for `fma`,
 * `sumprod` and `log` of huge ints), `fsum`'s exact partial sums
 * (Shewchuk), the `hypot`/`dist` vector norm with CPython's lossless
 * squaring and differential correction, IEEE `remainder`, `nextafter`,
 * and the Lanczos `gamma`/`lgamma`.
 *
 * Everything here is plain numbers; the module (math.ts) maps NaN and
 * infinite results to CPython's ValueError/OverflowError.
 */

const bitsView = new DataView(new ArrayBuffer(8));

/** The biased exponent field of `x` (0 for zeros and subnormals). */
function exponentField(x: number): number {
  bitsView.setFloat64(0, x);
  return (bitsView.getUint16(0) >>> 4) & 0x7ff;
}

/** Whether the sign bit of `x` is set (−0.0 and negative NaNs too). */
export function signBit(x: number): boolean {
  bitsView.setFloat64(0, x);
  return (bitsView.getUint8(0) & 0x80) !== 0;
}

/** C `copysign(x, y)`: |x| with the sign bit of y (NaNs included). */
export function copySign(x: number, y: number): number {
  const ax = Math.abs(x);
  return signBit(y) ? -ax : ax;
}

/** 2^n for n in [−1074, 1023], exactly (built from its bits). */
function pow2(n: number): number {
  if (n >= -1022) {
    bitsView.setUint32(0, (n + 1023) << 20);
    bitsView.setUint32(4, 0);
  } else {
    // Subnormal: a single mantissa bit.
    const bit = n + 1074; // 0 … 51
    bitsView.setUint32(0, bit >= 32 ? 1 << (bit - 32) : 0);
    bitsView.setUint32(4, bit >= 32 ? 0 : 2 ** bit);
  }
  return bitsView.getFloat64(0);
}

/** C `frexp`: [m, e] with x = m·2^e and 0.5 ≤ |m| < 1; zeros, infinities and NaN give [x, 0]. */
export function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let field = exponentField(x);
  let shift = 0;
  if (field === 0) {
    // Subnormal: make it normal first (exact).
    x *= 2 ** 64;
    shift = 64;
    field = exponentField(x);
  }
  const e = field - 1022;
  return [x * pow2(-e), e - shift];
}

/**
 * C `ldexp(x, n)`: x·2^n rounded once (ties to even), ±0 on underflow,
 * ±inf on overflow.
 */
export function ldexp(x: number, n: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const [m, e] = frexp(x);
  const k = e + n; // x = m·2^k, 0.5 ≤ |m| < 1
  if (k > 1024) return x > 0 ? Infinity : -Infinity;
  // Below 2^-1075 (half the least subnormal) everything rounds to zero.
  if (k < -1074) return x > 0 ? 0 : -0;
  if (k === 1024) return m * 2 * pow2(1023);
  // One multiplication by an exact power of two: one rounding.
  return m * pow2(k);
}

/** The number of bits of a nonnegative bigint. */
export function bigBitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * n·2^e rounded to the nearest double, ties to even, with subnormals and
 * overflow to ±inf (what a correctly rounded operation returns).
 */
export function roundScaled(n: bigint, e: number): number {
  if (n === 0n) return 0;
  const negative = n < 0n;
  let a = negative ? -n : n;
  const top = bigBitLength(a) - 1 + e; // the exponent of the leading bit
  const lsb = Math.max(top - 52, -1074); // the weight of the last bit kept
  let exp = e;
  if (lsb > e) {
    const shift = BigInt(lsb - e);
    const q = a >> shift;
    const rem = a - (q << shift);
    const half = 1n << (shift - 1n);
    a = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
    exp = lsb;
  }
  // a < 2^54 here: exact as a number; scale in exact steps.
  let v = Number(a);
  while (exp > 1023) {
    v *= pow2(1023);
    exp -= 1023;
    if (!Number.isFinite(v)) break;
  }
  while (exp < -1022) {
    // Multiply the mantissa down in steps that stay exact until the last.
    const step = Math.max(exp, -1022);
    v *= pow2(step);
    exp -= step;
  }
  v *= pow2(exp);
  return negative ? -v : v;
}

/** A finite double as [integer mantissa, exponent] with x = m·2^e exactly. */
export function doubleToScaled(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  const [m, e] = frexp(x);
  // m has at most 53 significant bits.
  return [BigInt(m * 2 ** 53), e - 53];
}

/** The exact value of a*b + c rounded once (C `fma`), for finite a, b, c. */
export function fmaFinite(a: number, b: number, c: number): number {
  const [ma, ea] = doubleToScaled(a);
  const [mb, eb] = doubleToScaled(b);
  const [mc, ec] = doubleToScaled(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = (ma * mb << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (sum === 0n) {
    // An exact zero: its sign as IEEE addition gives it.
    const product = a * b;
    return product + c;
  }
  return roundScaled(sum, e);
}

/**
 * `math.fsum`'s accumulator: Shewchuk's non-overlapping partials (exact
 * sums of doubles), with the sums of infinities and NaNs kept apart.
 */
export class ExactSum {
  private readonly partials: number[] = [];
  private specialSum = 0;
  private infSum = 0;

  /** Adds x; false on an intermediate overflow (a finite x whose running sum overflowed). */
  add(x: number): boolean {
    const p = this.partials;
    const original = x;
    let i = 0;
    for (let j = 0; j < p.length; j++) {
      let y = p[j]!;
      if (Math.abs(x) < Math.abs(y)) {
        const swap = x;
        x = y;
        y = swap;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    p.length = i;
    if (x !== 0) {
      if (!Number.isFinite(x)) {
        if (Number.isFinite(original)) return false;
        if (!Number.isNaN(original)) this.infSum += original;
        this.specialSum += original;
        p.length = 0;
      } else {
        p.push(x);
      }
    }
    return true;
  }

  /**
   * The correctly rounded sum; a string is the ValueError message of an
   * inf − inf.
   */
  result(): number | string {
    if (this.specialSum !== 0) {
      if (Number.isNaN(this.infSum)) return '-inf + inf in fsum';
      return this.specialSum;
    }
    const p = this.partials;
    let n = p.length;
    if (n === 0) return 0;
    let hi = p[--n]!;
    let lo = 0;
    // Add from the top until the sum is inexact; lo is its error.
    while (n > 0) {
      const x = hi;
      const y = p[--n]!;
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Half-way case: the partials below decide which way to round.
    if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }
}

/** a·b as hi + lo exactly (Dekker's product, no fused multiply-add). */
function twoProduct(a: number, b: number): [number, number] {
  const SPLIT = 134217729; // 2^27 + 1
  const hi = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const lo = ((ah * bh - hi) + ah * bl + al * bh) + al * bl;
  return [hi, lo];
}

const DBL_MIN = 2.2250738585072014e-308;

/**
 * CPython's `vector_norm` (math.hypot, math.dist): the Euclidean norm of
 * the absolute values `vec`, whose largest is `max`, scaled to [0.5, 1),
 * squared losslessly, summed with the low parts carried apart, then one
 * Newton correction of the square root.
 */
export function vectorNorm(vec: number[], max: number, foundNaN: boolean): number {
  const n = vec.length;
  if (max === Infinity) return max;
  if (foundNaN) return NaN;
  if (max === 0 || n <= 1) return max;
  const maxE = frexp(max)[1];
  if (maxE < -1023) {
    // 2^-maxE would overflow: make the subnormals normal first.
    for (let i = 0; i < n; i++) vec[i] = vec[i]! / DBL_MIN;
    return DBL_MIN * vectorNorm(vec, max / DBL_MIN, foundNaN);
  }
  const scale = ldexp(1, -maxE);
  let csum = 1;
  let frac1 = 0;
  let frac2 = 0;
  for (let i = 0; i < n; i++) {
    const x = vec[i]! * scale;
    const [phi, plo] = twoProduct(x, x);
    const hi = csum + phi;
    frac2 += csum - hi + phi;
    csum = hi;
    frac1 += plo;
  }
  let h = Math.sqrt(csum - 1 + (frac1 + frac2));
  const [phi, plo] = twoProduct(-h, h);
  const hi = csum + phi;
  frac2 += csum - hi + phi;
  csum = hi;
  frac1 += plo;
  const x = csum - 1 + (frac1 + frac2);
  h += x / (2 * h);
  return h / scale;
}

/** 2^(1/3) and 2^(2/3), for the exponent's remainder mod 3. */
const CBRT2 = 1.2599210498948731648;
const SQR_CBRT2 = 1.5874010519681994748;
const CBRT_FACTOR = [1 / SQR_CBRT2, 1 / CBRT2, 1, CBRT2, SQR_CBRT2];

/**
 * The cube root as glibc (up to 2.40) computes it: x = m·2^e, a degree-6
 * polynomial guess for ∛m, one Halley step, times 2^((e mod 3)/3), then
 * 2^(e div 3). It is not always the correctly rounded root (∛1e-10 is two
 * ulps off), but it is CPython's on Linux.
 */
export function cbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x + x;
  const [xm, xe] = frexp(Math.abs(x));
  const u =
    0.354895765043919860 +
    (1.50819193781584896 + (-2.11499494167371287 + (2.44693122563534430 + (-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm) * xm) * xm) * xm;
  const t2 = u * u * u;
  // C's % and / truncate toward zero, as JavaScript's % and Math.trunc do.
  const ym = ((u * (t2 + 2 * xm)) / (2 * t2 + xm)) * CBRT_FACTOR[2 + (xe % 3)]!;
  return ldexp(x > 0 ? ym : -ym, Math.trunc(xe / 3));
}

/** IEEE 754 `remainder(x, y)`: x − n·y for the integer n nearest x/y (ties to even); exact. */
export function remainder(x: number, y: number): number {
  if (Number.isNaN(x)) return x;
  if (Number.isNaN(y)) return y;
  if (!Number.isFinite(x) || y === 0) return NaN;
  if (!Number.isFinite(y)) return x;
  let ay = Math.abs(y);
  // m = |x| mod 2|y|, exact; 2|y| = inf past the largest double leaves |x|.
  let m = Math.abs(x) % (2 * ay);
  // Halving a subnormal could round: scale tiny values up first (exact).
  const tiny = ay < 2 ** -1000;
  if (tiny) {
    m *= 2 ** 60;
    ay *= 2 ** 60;
  }
  const half = 0.5 * ay;
  let r: number;
  if (m <= half) {
    r = m; // n even on a tie
  } else {
    const d = m - ay; // exact (Sterbenz)
    r = d < half ? d : d - ay; // on a tie at 1.5|y|, n + 2 is the even one
  }
  if (tiny) r *= 2 ** -60;
  return signBit(x) ? -r : r;
}

/** C `nextafter(x, y)`: the next double after x toward y. */
export function nextAfter(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return x + y;
  if (x === y) return y;
  if (x === 0) return y > 0 ? 5e-324 : -5e-324;
  bitsView.setFloat64(0, x);
  let bits = bitsView.getBigUint64(0);
  // Away from zero is +1 on the bits, toward zero −1, whatever the sign.
  bits += (y > x) === (x > 0) ? 1n : -1n;
  bitsView.setBigUint64(0, bits);
  return bitsView.getFloat64(0);
}

/** The doubles in order as signed integers (−0.0 and 0.0 both 0). */
export function orderedBits(x: number): bigint {
  bitsView.setFloat64(0, x);
  const bits = bitsView.getBigInt64(0);
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
}

/** The inverse of {@link orderedBits}. */
export function fromOrderedBits(n: bigint): number {
  bitsView.setBigInt64(0, n < 0n ? -n | -0x8000000000000000n : n);
  return bitsView.getFloat64(0);
}

// ---------------------------------------------------------------------------
// gamma and lgamma: the Lanczos approximation (N = 13, g ≈ 6.0247, the
// parameters of Boost's lanczos13m53, as a rational function), the
// reflection formula for negative x, and sin(πx) computed exactly enough
// near the integers.
// ---------------------------------------------------------------------------

const LANCZOS_G = 6.024680040776729583740234375;
const LANCZOS_G_MINUS_HALF = 5.524680040776729583740234375;
const LANCZOS_NUM = [
  23531376880.410759688572007674451636754734846804940, 42919803642.649098768957899047001988850926355848959,
  35711959237.355668049440185451547166705960488635843, 17921034426.037209699919755754458931112671403265390,
  6039542586.3520280050642916443072979210699388420708, 1439720407.3117216736632230727949123939715485786772,
  248874557.86205415651146038641322942321632125127801, 31426415.585400194380614231628318205362874684987640,
  2876370.6289353724412254090516208496135991145378768, 186056.26539522349504029498971604569928220784236328,
  8071.6720023658162106380029022722506138218516325024, 210.82427775157934587250973392071336271166969580291,
  2.5066282746310002701649081771338373386264310793408,
];
/** The denominator x(x+1)…(x+11) expanded. */
const LANCZOS_DEN = [0, 39916800, 120543840, 150917976, 105258076, 45995730, 13339535, 2637558, 357423, 32670, 1925, 66, 1];
const PI = 3.141592653589793;
const LOG_PI = 1.1447298858494002;

/** The Lanczos sum for x > 0, as a rational function (in 1/x past 5, to stay finite). */
function lanczosSum(x: number): number {
  let num = 0;
  let den = 0;
  const last = LANCZOS_NUM.length - 1;
  if (x < 5) {
    for (let i = last; i >= 0; i--) {
      num = num * x + LANCZOS_NUM[i]!;
      den = den * x + LANCZOS_DEN[i]!;
    }
  } else {
    for (let i = 0; i <= last; i++) {
      num = num / x + LANCZOS_NUM[i]!;
      den = den / x + LANCZOS_DEN[i]!;
    }
  }
  return num / den;
}

/** sin(πx) for finite x, reduced to [0, 2) first so that it is exact at the integers. */
function sinPi(x: number): number {
  const y = Math.abs(x) % 2;
  const quadrant = Math.round(2 * y);
  let r: number;
  switch (quadrant) {
    case 0:
      r = Math.sin(PI * y);
      break;
    case 1:
      r = Math.cos(PI * (y - 0.5));
      break;
    case 2:
      r = Math.sin(PI * (1 - y)); // not −sin(π(y−1)): that is −0.0 at y = 1
      break;
    case 3:
      r = -Math.cos(PI * (y - 1.5));
      break;
    default:
      r = Math.sin(PI * (y - 2));
  }
  return copySign(1, x) * r;
}

/** 0! … 22!: Γ(n) for the integers 1 … 23, exact in a double. */
const GAMMA_INTEGRAL: number[] = [];
for (let i = 0, f = 1; i < 23; i++) {
  GAMMA_INTEGRAL.push(f);
  f *= i + 1;
}

/** The outcome of gamma/lgamma: a value, or CPython's errno (EDOM: ValueError; ERANGE: OverflowError). */
export interface Errno {
  value: number;
  errno: 'EDOM' | 'ERANGE' | null;
}

/** Γ(x) (CPython's `m_tgamma`). `pow` is the C library's (a correctly rounded one). */
export function gamma(x: number, pow: (a: number, b: number) => number): Errno {
  if (!Number.isFinite(x)) {
    if (Number.isNaN(x) || x > 0) return { value: x, errno: null };
    return { value: NaN, errno: 'EDOM' };
  }
  if (x === 0) return { value: copySign(Infinity, x), errno: 'EDOM' };
  if (x === Math.floor(x)) {
    if (x < 0) return { value: NaN, errno: 'EDOM' };
    if (x <= GAMMA_INTEGRAL.length) return { value: GAMMA_INTEGRAL[x - 1]!, errno: null };
  }
  const absx = Math.abs(x);
  if (absx < 1e-20) {
    const r = 1 / x;
    return { value: r, errno: Number.isFinite(r) ? null : 'ERANGE' };
  }
  if (absx > 200) {
    if (x < 0) return { value: 0 / sinPi(x), errno: null };
    return { value: Infinity, errno: 'ERANGE' };
  }
  const y = absx + LANCZOS_G_MINUS_HALF;
  // The rounding error of y, for the correction factor 1 + e·g/y.
  let err: number;
  if (absx > LANCZOS_G_MINUS_HALF) err = y - absx - LANCZOS_G_MINUS_HALF;
  else err = y - LANCZOS_G_MINUS_HALF - absx;
  const z = (err * LANCZOS_G) / y;
  let r: number;
  if (x < 0) {
    r = (((-PI / sinPi(absx)) / absx) * Math.exp(y)) / lanczosSum(absx);
    r -= z * r;
    if (absx < 140) {
      r /= pow(y, absx - 0.5);
    } else {
      const half = pow(y, absx / 2 - 0.25);
      r /= half;
      r /= half;
    }
  } else {
    r = lanczosSum(absx) / Math.exp(y);
    r += z * r;
    if (absx < 140) {
      r *= pow(y, absx - 0.5);
    } else {
      const half = pow(y, absx / 2 - 0.25);
      r *= half;
      r *= half;
    }
  }
  return { value: r, errno: Number.isFinite(r) ? null : 'ERANGE' };
}

/** log|Γ(x)| (CPython's `m_lgamma`). */
export function lgamma(x: number): Errno {
  if (!Number.isFinite(x)) return { value: Number.isNaN(x) ? x : Infinity, errno: null };
  if (x === Math.floor(x) && x <= 2) {
    if (x <= 0) return { value: Infinity, errno: 'EDOM' };
    return { value: 0, errno: null };
  }
  const absx = Math.abs(x);
  if (absx < 1e-20) return { value: -Math.log(absx), errno: null };
  let r = Math.log(lanczosSum(absx)) - LANCZOS_G;
  r += (absx - 0.5) * (Math.log(absx + LANCZOS_G - 0.5) - 1);
  if (x < 0) r = LOG_PI - Math.log(Math.abs(sinPi(absx))) - Math.log(absx) - r;
  return { value: r, errno: Number.isFinite(r) ? null : 'ERANGE' };
}
