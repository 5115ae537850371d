/**
 * The C library functions that float and complex arithmetic call
 * (`pow`, `hypot`), written here because JavaScript's differ from the C
 * library CPython runs on: V8's `Math.pow` is off by an ulp in about one
 * case in ten (even `x ** 3`), and `Math.hypot` in one in five.
 *
 * - {@link libmPow} is correctly rounded but for about one input in a
 *   million (double-double logarithm and exponential, about 2^-75
 *   relative error before the one rounding), and exact where a result
 *   can be a halfway case (integral exponents up to 64, half-integral
 *   powers of perfect squares). glibc's pow is within 0.52 ulp, so the
 *   two differ in the last bit for a few inputs in ten thousand (the
 *   tests check those against the exact value).
 * - {@link libmHypot} is C. F. Borges' algorithm ("An Improved Algorithm
 *   for hypot(a, b)", 2019) with the correction for machines without
 *   fused multiply-add, which glibc 2.35+ uses on x86-64: the same
 *   results, bit for bit.
 *
 * Double-double values are pairs (hi, lo) with |lo| ≤ ulp(hi)/2; the
 * helpers leave their result in module-scope registers (thread-local) so
 * that nothing allocates.
 */

// ---------------------------------------------------------------------------
// Double-double arithmetic (Dekker, Knuth).
// ---------------------------------------------------------------------------

/** The result of the last double-double operation. */
let H = 0;
let L = 0;

/** Veltkamp's splitter 2^27 + 1. */
const SPLIT = 134217729;

/** a + b exactly as H + L. */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  L = a - (s - bb) + (b - bb);
  H = s;
}

/** a + b exactly as H + L, for |a| ≥ |b| (or a = 0). */
function fastTwoSum(a: number, b: number): void {
  const s = a + b;
  L = b - (s - a);
  H = s;
}

/** a × b exactly as H + L (no overflow in the splits: |a|, |b| < 2^995). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  L = ah * bh - p + ah * bl + al * bh + al * bl;
  H = p;
}

/** (ah, al) × (bh, bl). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const e = L + (ah * bl + al * bh);
  fastTwoSum(H, e);
}

/** (ah, al) + (bh, bl), accurate under cancellation. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const s = H;
  let e = L;
  twoSum(al, bl);
  const f = L;
  e += H;
  fastTwoSum(s, e);
  fastTwoSum(H, L + f);
}

/** (ah, al) / b. */
function ddDivD(ah: number, al: number, b: number): void {
  const q = ah / b;
  twoProd(q, b);
  const r = ah - H - L + al;
  fastTwoSum(q, r / b);
}

// ---------------------------------------------------------------------------
// Tables, built on first use: ln(i/512) for i = 362…724 and e^(j/128) for
// j = -45…45, as double-doubles, by series in double-double.
// ---------------------------------------------------------------------------

const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;
const LOG_FIRST = 362;
const LOG_LAST = 724;
let logHi: Float64Array | null = null;
let logLo: Float64Array | null = null;
const EXP_STEPS = 45;
let expHi: Float64Array | null = null;
let expLo: Float64Array | null = null;

/** ln(c) for a c near 1 by 2·atanh((c-1)/(c+1)), all in double-double (c - 1 and c + 1 exact). */
function logSeries(c: number): void {
  const s = (c - 1) / (c + 1);
  twoProd(s, c + 1);
  fastTwoSum(s, (c - 1 - H - L) / (c + 1));
  const sh = H;
  const sl = L;
  ddMul(sh, sl, sh, sl);
  const s2h = H;
  const s2l = L;
  let th = sh;
  let tl = sl;
  let sumH = sh;
  let sumL = sl;
  for (let k = 3; k < 80; k += 2) {
    ddMul(th, tl, s2h, s2l);
    th = H;
    tl = L;
    ddDivD(th, tl, k);
    if (Math.abs(H) < 1e-40) break;
    ddAdd(sumH, sumL, H, L);
    sumH = H;
    sumL = L;
  }
  H = 2 * sumH;
  L = 2 * sumL;
}

function buildTables(): void {
  const lh = new Float64Array(LOG_LAST - LOG_FIRST + 1);
  const ll = new Float64Array(LOG_LAST - LOG_FIRST + 1);
  for (let i = LOG_FIRST; i <= LOG_LAST; i++) {
    logSeries(i / 512);
    lh[i - LOG_FIRST] = H;
    ll[i - LOG_FIRST] = L;
  }
  const eh = new Float64Array(2 * EXP_STEPS + 1);
  const el = new Float64Array(2 * EXP_STEPS + 1);
  for (let j = -EXP_STEPS; j <= EXP_STEPS; j++) {
    // Taylor series of e^(j/128), the argument exact.
    const r = j / 128;
    let th = 1;
    let tl = 0;
    let sumH = 1;
    let sumL = 0;
    for (let k = 1; k < 60; k++) {
      ddMul(th, tl, r, 0);
      ddDivD(H, L, k);
      th = H;
      tl = L;
      if (Math.abs(th) < 1e-40) break;
      ddAdd(sumH, sumL, th, tl);
      sumH = H;
      sumL = L;
    }
    eh[j + EXP_STEPS] = sumH;
    el[j + EXP_STEPS] = sumL;
  }
  logHi = lh;
  logLo = ll;
  expHi = eh;
  expLo = el;
}

// ---------------------------------------------------------------------------
// ln(x) and e^z in double-double, to about 2^-75 relative.
// ---------------------------------------------------------------------------

const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** The significand in [1, 2) and the exponent of the last {@link normalize}d x (module scope: thread-local). */
let normM = 0;
let normE = 0;

/** x = normM · 2^normE for a finite x > 0. */
function normalize(x: number): void {
  let e = 0;
  if (x < 2 ** -1022) {
    x *= 2 ** 64; // a subnormal: exact
    e = -64;
  }
  scratch[0] = x;
  const hi = scratchWords[1]!;
  normE = e + ((hi >>> 20) & 0x7ff) - 1023;
  scratchWords[1] = (hi & 0x800fffff) | 0x3ff00000;
  normM = scratch[0]!;
}

/** 1/k with the sign of the k-th term of ln(1 + u), for the double tail. */
const LOG_TAIL = [0, 1, -1 / 2, 1 / 3, -1 / 4, 1 / 5, -1 / 6, 1 / 7, -1 / 8, 1 / 9, -1 / 10];

/** ln(x) for a finite x > 0, as (H, L). */
function ddLog(x: number): void {
  normalize(x);
  let m = normM;
  let e = normE;
  if (m > Math.SQRT2) {
    m /= 2;
    e++;
  }
  // m = c·(1 + u) with c = i/512 the nearest table point: |u| < 2^-9.4.
  const i = Math.round(m * 512);
  const c = i / 512;
  const d = m - c; // exact
  const q = d / c;
  twoProd(q, c);
  fastTwoSum(q, (d - H - L) / c);
  const uh = H;
  const ul = L;
  // ln(1 + u) = u - u²/2 + u³·(1/3 - u/4 + …): u and u²/2 in double-double, the rest (below 2^-20 of it) in double.
  twoProd(uh, uh);
  const sqh = H;
  const sql = L + 2 * uh * ul;
  let tail = LOG_TAIL[10]!;
  for (let k = 9; k >= 3; k--) tail = LOG_TAIL[k]! + uh * tail;
  tail *= sqh * uh;
  ddAdd(uh, ul, -0.5 * sqh, tail - 0.5 * sql);
  const lh = H;
  const ll = L;
  ddAdd(logHi![i - LOG_FIRST]!, logLo![i - LOG_FIRST]!, lh, ll);
  const th = H;
  const tl = L;
  twoProd(e, LN2_HI);
  ddAdd(H, L + e * LN2_LO, th, tl);
}

/** 1/n! for the double tail of e^r. */
const INV_FACTORIAL = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320, 1 / 362880];

/** e^(zh + zl) rounded once to a double (subnormals at their own precision). */
function ddExpRounded(zh: number, zl: number): number {
  if (zh > 710) return Infinity;
  if (zh < -746) return 0;
  // z = k·ln2 + j/128 + r, |r| ≤ 1/256.
  const k = Math.round(zh / LN2_HI);
  twoProd(k, LN2_HI);
  const r0 = zh - H; // exact: the two are close
  fastTwoSum(r0, zl - L - k * LN2_LO);
  const j = Math.round(H * 128);
  twoSum(H - j / 128, L); // the subtraction is exact
  const rh = H;
  const rl = L;
  // e^r - 1 = r + r²/2 + r³·(1/6 + r/24 + …): r and r²/2 in double-double, the rest in double.
  twoProd(rh, rh);
  const half = 0.5 * H;
  const halfLo = 0.5 * L + rh * rl;
  let tail = INV_FACTORIAL[9]!;
  for (let n = 8; n >= 3; n--) tail = tail * rh + INV_FACTORIAL[n]!;
  tail *= H * rh;
  ddAdd(rh, rl, half, halfLo + tail);
  // 1 + (e^r - 1), times e^(j/128).
  const mh = H;
  const ml = L;
  fastTwoSum(1, mh);
  fastTwoSum(H, L + ml);
  ddMul(expHi![j + EXP_STEPS]!, expLo![j + EXP_STEPS]!, H, L);
  return scaleRounded(H, L, k);
}

/** (h + l) · 2^k rounded once to a double, subnormals included (h + l normalized, h > 0). */
function scaleRounded(h: number, l: number, k: number): number {
  const k1 = k >> 1;
  const v = h * 2 ** k1 * 2 ** (k - k1);
  if (v >= 2 ** -1022) return v; // normal (or Infinity): h is already rounded, the scaling exact
  // Subnormal: count in units of 2^-1074 and round half to even once.
  const shift = k + 1074;
  const s1 = shift >> 1;
  const a = h * 2 ** s1 * 2 ** (shift - s1); // exact: below 2^53 units
  const b = l * 2 ** s1 * 2 ** (shift - s1);
  const ai = Math.floor(a);
  const frac = a - ai + b;
  let n = ai;
  if (frac > 0.5 || (frac === 0.5 && ai % 2 === 1)) n++;
  else if (frac < -0.5 || (frac === -0.5 && ai % 2 === 1)) n--;
  return n * 2 ** -1074;
}

/**
 * x^n for an integer 0 < |n| ≤ 64, by squaring in double-double: where
 * the result could be a halfway case it has at most 54 significant bits,
 * every partial power then fits a double-double exactly, and the one
 * rounding at the end is exact too.
 */
function powInt(x: number, n: number): number {
  normalize(x);
  let rh = 1;
  let rl = 0;
  let ph = normM;
  let pl = 0;
  let left = n < 0 ? -n : n;
  for (;;) {
    if ((left & 1) === 1) {
      ddMul(rh, rl, ph, pl);
      rh = H;
      rl = L;
    }
    left >>= 1;
    if (left === 0) break;
    ddMul(ph, pl, ph, pl);
    ph = H;
    pl = L;
  }
  if (n < 0) {
    const q = 1 / rh;
    twoProd(q, rh);
    fastTwoSum(q, (1 - H - L - q * rl) / rh);
    rh = H;
    rl = L;
  }
  return scaleRounded(rh, rl, normE * n);
}

// ---------------------------------------------------------------------------
// The functions.
// ---------------------------------------------------------------------------

/**
 * `pow(x, y)` for a finite x > 0, x ≠ 1, and a finite y ≠ 0 (float_pow
 * has dealt with every other case): correctly rounded but for about one
 * input in a million, halfway cases exact. Overflow gives Infinity,
 * underflow 0 or a subnormal.
 * @internal
 */
export function libmPow(x: number, y: number): number {
  if (y === 1) return x;
  if (y === 2) return x * x;
  if (y === -1) return 1 / x;
  if (y === 0.5) return Math.sqrt(x);
  const ay = y < 0 ? -y : y;
  if (ay <= 64 && Math.floor(y) === y) return powInt(x, y);
  if (ay <= 32 && Math.floor(2 * y) === 2 * y) {
    // A half-integral power of a perfect square is an integral power of its root: maybe a halfway case.
    const root = Math.sqrt(x);
    twoProd(root, root);
    if (H === x && L === 0) return powInt(root, 2 * y);
  }
  if (logHi === null) buildTables();
  ddLog(x);
  const lh = H;
  const ll = L;
  const zh = y * lh;
  // Far past the range (and a y too large to split): the result overflows or underflows.
  if (zh > 800) return Infinity;
  if (zh < -800) return 0;
  twoProd(y, lh);
  fastTwoSum(H, L + y * ll);
  return ddExpRounded(H, L);
}

const HYPOT_SCALE = 2 ** -600;
const HYPOT_LARGE = 2 ** 511;
const HYPOT_TINY = 2 ** -511;
const HYPOT_EPS = 2 ** -54;

/** Borges' correction of sqrt(ax² + ay²), ax ≥ ay ≥ 0, without fused multiply-add. */
function hypotKernel(ax: number, ay: number): number {
  let h = Math.sqrt(ax * ax + ay * ay);
  let t1: number;
  let t2: number;
  if (h <= 2 * ay) {
    const delta = h - ay;
    t1 = ax * (2 * delta - ax);
    t2 = (delta - 2 * (ax - ay)) * delta;
  } else {
    const delta = h - ax;
    t1 = 2 * delta * (ax - 2 * ay);
    t2 = (4 * delta - ay) * ay + delta * delta;
  }
  h -= (t1 + t2) / (2 * h);
  return h;
}

/**
 * `hypot(x, y)` of finite x, y, as glibc (2.35+) computes it on x86-64:
 * scaled by 2^±600 near the ends of the range, the smaller operand
 * ignored below 2^-54 of the larger.
 * @internal
 */
export function libmHypot(x: number, y: number): number {
  x = Math.abs(x);
  y = Math.abs(y);
  const ax = x < y ? y : x;
  const ay = x < y ? x : y;
  if (ax > HYPOT_LARGE) {
    if (ay <= ax * HYPOT_EPS) return ax + ay;
    return hypotKernel(ax * HYPOT_SCALE, ay * HYPOT_SCALE) / HYPOT_SCALE;
  }
  if (ay < HYPOT_TINY) {
    if (ax >= ay / HYPOT_EPS) return ax + ay;
    return hypotKernel(ax / HYPOT_SCALE, ay / HYPOT_SCALE) * HYPOT_SCALE;
  }
  if (ay <= ax * HYPOT_EPS) return ax + ay;
  return hypotKernel(ax, ay);
}
