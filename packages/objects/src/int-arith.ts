/**
 * int arithmetic (`Objects/longobject.c`): the number slots of `int` (and
 * `bool`'s own `&`, `|`, `^`). Registered by builtin-types.ts through
 * {@link registerIntNumberSlots}.
 *
 * Every slot first takes CPython's fast path for two compact operands
 * (one digit, |v| < 2^30): the values are JavaScript numbers, the result
 * is computed exactly without a bigint or a digit loop (a product of two
 * compacts can pass 2^53, so it is split in 15-bit halves), and a result
 * in -5 … 256 is the immortal small int. Past one digit:
 * - linear operations (`+`, `-`, shifts, `&`, `|`, `^`, `~`, division by
 *   one digit) run over the 30-bit digits, CPython's algorithms (`x_add`,
 *   `x_sub`, two's-complement bitwise ops, `inplace_divrem1`);
 * - multiplication is schoolbook over the digits while the operands are
 *   short, and V8's `BigInt` multiply past that (measured: at 100 × 100
 *   digits V8's multiply plus the linear conversions both ways is about
 *   2× faster than a schoolbook loop in JavaScript; V8 itself switches to
 *   Karatsuba and beyond, which replaces CPython's Karatsuba above 70
 *   digits);
 * - division by a multi-digit int, powers and modular inverses use
 *   `BigInt` (with CPython's floor semantics applied on top).
 * The stored form is always CPython's 30-bit digits.
 *
 * A slot that does not know its operands (one is not an int) answers
 * `NotImplemented`; errors are CPython 3.13's types and messages.
 *
 * Ints are immutable once published: operands are read plain; a result's
 * digits are written before it is returned (SAFETY: not published yet,
 * for every write to a fresh result in this file).
 */

import { decref, OB_TYPE_OFFSET } from '@ft/refcount';
import { errNoMemory, errRaise } from './errors.js';
import { floatFromDouble, longAsDouble } from './float.js';
import { intToString } from './int-format.js';
import { digitsToBigInt, intAsBigInt, intCopy, intFromBigInt, longAlloc, longFromSafe, longNormalize, smallInt } from './int.js';
import {
  LONG_BASE,
  LONG_DIGITS_OFFSET,
  LONG_MASK,
  LONG_NON_SIZE_BITS,
  LONG_SHIFT,
  LONG_SIGN_MASK,
  LONG_SIGN_NEGATIVE,
  LONG_TAG_OFFSET,
  SMALL_INT_MAX,
  SMALL_INT_MIN,
  StaticType,
  TPFLAGS_LONG_SUBCLASS,
} from './layout.js';
import type { ObThread, SlotKind } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeHasFlag } from './subtype.js';
import { tupleNew, tupleSetItemInit } from './tuple.js';

/** Tags below this are compact (at most one digit): `ndigits << 3 | sign` with `ndigits <= 1`. */
const COMPACT_TAG_LIMIT = 2 << LONG_NON_SIZE_BITS;

/**
 * The largest bigint V8 builds (2^30 bits): a result past it is a
 * MemoryError here, as an allocation that size would be in CPython.
 */
const BIGINT_MAX_BITS = 2 ** 30;

/**
 * Whether the operands, not both exact ints (the fast paths test that
 * inline), are both ints all the same (bools, subclasses' instances).
 */
function bothIntsSlow(t: ObThread, a: number, b: number): boolean {
  return isInt(t, a) && isInt(t, b);
}

/** `PyLong_Check(op)`: an int, bool or an instance of an int subclass. */
function isInt(t: ObThread, op: number): boolean {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  return type === t.types[StaticType.Int] || type === t.types[StaticType.Bool] || typeHasFlag(t, type, TPFLAGS_LONG_SUBCLASS);
}

function tagOf(t: ObThread, op: number): number {
  return t.u32[(op + LONG_TAG_OFFSET) >>> 2]!;
}

/** The value of a compact int from its tag (`medium_value`). */
function compactValue(t: ObThread, op: number, tag: number): number {
  return (1 - (tag & LONG_SIGN_MASK)) * t.u32[(op + LONG_DIGITS_OFFSET) >>> 2]!;
}

function isNegativeTag(tag: number): boolean {
  return (tag & LONG_SIGN_MASK) === LONG_SIGN_NEGATIVE;
}

/** Bits of the magnitude of the `n`-digit int whose digits start at word `d`. */
function bitLength(u32: Uint32Array, d: number, n: number): number {
  return n === 0 ? 0 : (n - 1) * LONG_SHIFT + (32 - Math.clz32(u32[d + n - 1]!));
}

/** The magnitude of an int as a bigint. */
function magnitudeBig(t: ObThread, op: number, tag: number): bigint {
  return digitsToBigInt(t.u32, (op + LONG_DIGITS_OFFSET) >>> 2, tag >>> LONG_NON_SIZE_BITS);
}

/**
 * Compares the magnitudes of `a` and `b` (`x_sub`'s and the division's
 * first question): negative, 0 or positive.
 */
function compareMagnitudes(u32: Uint32Array, da: number, na: number, db: number, nb: number): number {
  if (na !== nb) return na - nb;
  for (let i = na - 1; i >= 0; i--) {
    const diff = u32[da + i]! - u32[db + i]!;
    if (diff !== 0) return diff;
  }
  return 0;
}

// --- + and - ---------------------------------------------------------------------------

/** `x_add`: |a| + |b| with the sign `negative`. */
function magnitudeAdd(t: ObThread, a: number, na: number, b: number, nb: number, negative: boolean): number {
  if (na < nb) {
    const x = a;
    a = b;
    b = x;
    const n = na;
    na = nb;
    nb = n;
  }
  const z = longAlloc(t, na + 1, 0);
  if (z === 0) return 0;
  const u32 = t.u32;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  const db = (b + LONG_DIGITS_OFFSET) >>> 2;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  let carry = 0;
  let i = 0;
  for (; i < nb; i++) {
    const s = u32[da + i]! + u32[db + i]! + carry;
    u32[dz + i] = s & LONG_MASK;
    carry = s >>> LONG_SHIFT;
  }
  for (; i < na; i++) {
    const s = u32[da + i]! + carry;
    u32[dz + i] = s & LONG_MASK;
    carry = s >>> LONG_SHIFT;
  }
  u32[dz + i] = carry;
  return longNormalize(t, z, na + 1, negative);
}

/** `x_sub`: |a| - |b|, negated when `negative`. */
function magnitudeSub(t: ObThread, a: number, na: number, b: number, nb: number, negative: boolean): number {
  const u32 = t.u32;
  let da = (a + LONG_DIGITS_OFFSET) >>> 2;
  let db = (b + LONG_DIGITS_OFFSET) >>> 2;
  if (na < nb || (na === nb && compareMagnitudes(u32, da, na, db, nb) < 0)) {
    negative = !negative;
    const d = da;
    da = db;
    db = d;
    const n = na;
    na = nb;
    nb = n;
  }
  if (na === nb) {
    // Equal top digits cancel: the difference has fewer digits.
    while (na > 0 && u32[da + na - 1] === u32[db + na - 1]) na--;
    if (na === 0) return smallInt(t, 0);
    nb = na;
  }
  const z = longAlloc(t, na, 0);
  if (z === 0) return 0;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  let borrow = 0;
  let i = 0;
  for (; i < nb; i++) {
    const s = u32[da + i]! - u32[db + i]! - borrow;
    u32[dz + i] = s & LONG_MASK;
    borrow = s < 0 ? 1 : 0;
  }
  for (; i < na; i++) {
    const s = u32[da + i]! - borrow;
    u32[dz + i] = s & LONG_MASK;
    borrow = s < 0 ? 1 : 0;
  }
  return longNormalize(t, z, na, negative);
}

/** `long_add`. */
function longAdd(t: ObThread, a: number, b: number): number {
  const u32 = t.u32;
  const int = t.types[StaticType.Int]!;
  if ((u32[(a + OB_TYPE_OFFSET) >>> 2] !== int || u32[(b + OB_TYPE_OFFSET) >>> 2] !== int) && !bothIntsSlow(t, a, b)) return t.notImplemented;
  const ta = u32[(a + LONG_TAG_OFFSET) >>> 2]!;
  const tb = u32[(b + LONG_TAG_OFFSET) >>> 2]!;
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    // The compact path, expanded inline (it is what a specialized instruction calls).
    const va = (1 - (ta & LONG_SIGN_MASK)) * u32[(a + LONG_DIGITS_OFFSET) >>> 2]!;
    const vb = (1 - (tb & LONG_SIGN_MASK)) * u32[(b + LONG_DIGITS_OFFSET) >>> 2]!;
    const v = va + vb;
    return v >= SMALL_INT_MIN && v <= SMALL_INT_MAX ? u32[t.smallIntsIndex + v - SMALL_INT_MIN]! : longFromSafe(t, v);
  }
  const negA = isNegativeTag(ta);
  if (negA === isNegativeTag(tb)) return magnitudeAdd(t, a, ta >>> LONG_NON_SIZE_BITS, b, tb >>> LONG_NON_SIZE_BITS, negA);
  return magnitudeSub(t, a, ta >>> LONG_NON_SIZE_BITS, b, tb >>> LONG_NON_SIZE_BITS, negA);
}

/** `long_sub`. */
function longSub(t: ObThread, a: number, b: number): number {
  const u32 = t.u32;
  const int = t.types[StaticType.Int]!;
  if ((u32[(a + OB_TYPE_OFFSET) >>> 2] !== int || u32[(b + OB_TYPE_OFFSET) >>> 2] !== int) && !bothIntsSlow(t, a, b)) return t.notImplemented;
  const ta = u32[(a + LONG_TAG_OFFSET) >>> 2]!;
  const tb = u32[(b + LONG_TAG_OFFSET) >>> 2]!;
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    // The compact path, expanded inline (it is what a specialized instruction calls).
    const va = (1 - (ta & LONG_SIGN_MASK)) * u32[(a + LONG_DIGITS_OFFSET) >>> 2]!;
    const vb = (1 - (tb & LONG_SIGN_MASK)) * u32[(b + LONG_DIGITS_OFFSET) >>> 2]!;
    const v = va - vb;
    return v >= SMALL_INT_MIN && v <= SMALL_INT_MAX ? u32[t.smallIntsIndex + v - SMALL_INT_MIN]! : longFromSafe(t, v);
  }
  const negA = isNegativeTag(ta);
  if (negA !== isNegativeTag(tb)) return magnitudeAdd(t, a, ta >>> LONG_NON_SIZE_BITS, b, tb >>> LONG_NON_SIZE_BITS, negA);
  return magnitudeSub(t, a, ta >>> LONG_NON_SIZE_BITS, b, tb >>> LONG_NON_SIZE_BITS, negA);
}

// --- * ---------------------------------------------------------------------------------

/**
 * The int ±x·y of two magnitudes below 2^30 whose product passes 2^53:
 * x is split in 15-bit halves so that every partial product is exact.
 */
function longFromProduct(t: ObThread, x: number, y: number, negative: boolean): number {
  const lo = (x & 0x7fff) * y; // < 2^45
  const hi = (x >>> 15) * y; // < 2^45; x·y = hi·2^15 + lo
  const hiHigh = Math.floor(hi / 0x8000);
  const hiLow = hi - hiHigh * 0x8000;
  const s = lo + hiLow * 0x8000; // < 2^46
  const sHigh = Math.floor(s / LONG_BASE);
  const d0 = s - sHigh * LONG_BASE;
  const d1 = sHigh + hiHigh; // < 2^30: x·y < 2^60
  const z = longAlloc(t, 2, negative ? LONG_SIGN_NEGATIVE : 0);
  if (z === 0) return 0;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  t.u32[dz] = d0;
  t.u32[dz + 1] = d1;
  return z;
}

/** The multiplier split in 15-bit halves (module scope: thread-local). */
let splitLo = new Float64Array(64);
let splitHi = new Float64Array(64);

/**
 * Whether the schoolbook loop beats V8's multiply with the conversions to
 * and from bigints (measured on Node 20: about 2–4 ns per digit pair
 * against some 20 ns per digit converted; they meet near 40 × 40 digits);
 * also keeps every column sum below 2^53 (at most 2^45 per term, fewer
 * than 200 terms per column).
 */
function schoolbookFits(na: number, nb: number): boolean {
  return na * nb < 20 * (na + nb) && (na < 200 || nb < 200);
}

/**
 * `x_mul` in column order (Comba): each result digit's column of digit
 * products, the multiplier split in 15-bit halves so that every product
 * and the column sums are exact doubles, the carry passed on in a local.
 */
function mulSchoolbook(t: ObThread, a: number, na: number, b: number, nb: number, negative: boolean): number {
  const nz = na + nb;
  const z = longAlloc(t, nz, 0);
  if (z === 0) return 0;
  if (splitLo.length < nb) {
    splitLo = new Float64Array(nb * 2);
    splitHi = new Float64Array(nb * 2);
  }
  const bl = splitLo;
  const bh = splitHi;
  const u32 = t.u32;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  const db = (b + LONG_DIGITS_OFFSET) >>> 2;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  for (let j = 0; j < nb; j++) {
    const digit = u32[db + j]!;
    bl[j] = digit & 0x7fff;
    bh[j] = digit >>> 15;
  }
  let carry = 0;
  for (let k = 0; k < nz - 1; k++) {
    // Column k: a[i]·b[k - i], as lo + hi·2^15.
    let lo = carry;
    let hi = 0;
    const last = k < na ? k : na - 1;
    for (let i = k < nb ? 0 : k - nb + 1, j = k - i; i <= last; i++, j--) {
      const x = u32[da + i]!;
      lo += x * bl[j]!;
      hi += x * bh[j]!;
    }
    // Divisions by powers of two are exact (and far cheaper than a double %).
    const hiHigh = Math.floor(hi / 0x8000);
    const v = lo + (hi - hiHigh * 0x8000) * 0x8000;
    const vHigh = Math.floor(v / LONG_BASE);
    u32[dz + k] = v - vHigh * LONG_BASE;
    carry = vHigh + hiHigh;
  }
  u32[dz + nz - 1] = carry;
  return longNormalize(t, z, nz, negative);
}

/** `long_mul`. */
function longMul(t: ObThread, a: number, b: number): number {
  const u32 = t.u32;
  const int = t.types[StaticType.Int]!;
  if ((u32[(a + OB_TYPE_OFFSET) >>> 2] !== int || u32[(b + OB_TYPE_OFFSET) >>> 2] !== int) && !bothIntsSlow(t, a, b)) return t.notImplemented;
  const ta = u32[(a + LONG_TAG_OFFSET) >>> 2]!;
  const tb = u32[(b + LONG_TAG_OFFSET) >>> 2]!;
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    const va = (1 - (ta & LONG_SIGN_MASK)) * u32[(a + LONG_DIGITS_OFFSET) >>> 2]!;
    const vb = (1 - (tb & LONG_SIGN_MASK)) * u32[(b + LONG_DIGITS_OFFSET) >>> 2]!;
    const p = va * vb;
    // A rounded product of at least 2^53 stays at least 2^53: below it, p is exact.
    if (p <= Number.MAX_SAFE_INTEGER && p >= -Number.MAX_SAFE_INTEGER) return p >= SMALL_INT_MIN && p <= SMALL_INT_MAX ? u32[t.smallIntsIndex + p - SMALL_INT_MIN]! : longFromSafe(t, p);
    return longFromProduct(t, va < 0 ? -va : va, vb < 0 ? -vb : vb, p < 0);
  }
  return mulSlow(t, a, ta, b, tb);
}

function mulSlow(t: ObThread, a: number, ta: number, b: number, tb: number): number {
  const na = ta >>> LONG_NON_SIZE_BITS;
  const nb = tb >>> LONG_NON_SIZE_BITS;
  if (na === 0 || nb === 0) return smallInt(t, 0);
  const negative = isNegativeTag(ta) !== isNegativeTag(tb);
  if (schoolbookFits(na, nb)) return mulSchoolbook(t, a, na, b, nb, negative);
  if ((na + nb) * LONG_SHIFT > BIGINT_MAX_BITS) return errNoMemory(t);
  const p = magnitudeBig(t, a, ta) * magnitudeBig(t, b, tb);
  return intFromBigInt(t, negative ? -p : p);
}

// --- //, %, divmod -------------------------------------------------------------------------

/** The second result of {@link longDivmod} (module scope: thread-local). */
let divmodRemainder = 0;

const WANT_QUOTIENT = 1;
const WANT_REMAINDER = 2;

/**
 * `l_divmod`: floor division of two ints. Returns the quotient (when
 * `want` has {@link WANT_QUOTIENT}; else 1) and leaves the remainder in
 * {@link divmodRemainder} (when it has {@link WANT_REMAINDER}; else 0);
 * both new references. 0 with ZeroDivisionError `zeroMessage` or
 * MemoryError (nothing is left to release).
 */
function longDivmod(t: ObThread, a: number, b: number, want: number, zeroMessage: string): number {
  divmodRemainder = 0;
  const ta = tagOf(t, a);
  const tb = tagOf(t, b);
  const nb = tb >>> LONG_NON_SIZE_BITS;
  if (nb === 0) return errRaise(t, StaticType.ZeroDivisionError, zeroMessage);
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    const va = compactValue(t, a, ta);
    const vb = compactValue(t, b, tb);
    // Both within ±2^30: % is exact; the quotient of the floor remainder is exact too.
    let r = va % vb;
    if (r !== 0 && (r ^ vb) < 0) r += vb;
    return divmodResults(t, want, (va - r) / vb, r);
  }
  const u32 = t.u32;
  const na = ta >>> LONG_NON_SIZE_BITS;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  const db = (b + LONG_DIGITS_OFFSET) >>> 2;
  const negA = isNegativeTag(ta);
  const negB = isNegativeTag(tb);
  if (compareMagnitudes(u32, da, na, db, nb) < 0) {
    // |a| < |b|: the quotient is 0 (same signs, or a zero) or -1.
    if (na === 0 || negA === negB) {
      if ((want & WANT_REMAINDER) !== 0) {
        // `long_long(a)`: a bool's or a subclass's value as an exact int (`True % 2**70` is 1, not True).
        const r = intCopy(t, a);
        if (r === 0) return 0;
        divmodRemainder = r;
      }
      return (want & WANT_QUOTIENT) !== 0 ? smallInt(t, 0) : 1;
    }
    if ((want & WANT_REMAINDER) !== 0) {
      const r = longAdd(t, a, b);
      if (r === 0) return 0;
      divmodRemainder = r;
    }
    return (want & WANT_QUOTIENT) !== 0 ? smallInt(t, -1) : 1;
  }
  if (nb === 1) return divmodByDigit(t, a, na, negA, u32[db]!, negB, want);
  const A = magnitudeBig(t, a, ta);
  const B = magnitudeBig(t, b, tb);
  let q = A / B;
  let r = A % B;
  // Truncated → floor: a nonzero remainder takes the divisor's sign.
  if (negA !== negB) {
    q = -q;
    if (r !== 0n) {
      q -= 1n;
      r = B - r;
    }
  }
  if (negB) r = -r;
  let quotient = 1;
  if ((want & WANT_QUOTIENT) !== 0) {
    quotient = intFromBigInt(t, q);
    if (quotient === 0) return 0;
  }
  if ((want & WANT_REMAINDER) !== 0) {
    const rem = intFromBigInt(t, r);
    if (rem === 0) {
      if (quotient !== 1) decref(t.rc, quotient);
      return 0;
    }
    divmodRemainder = rem;
  }
  return quotient;
}

/** The quotient and remainder of the compact path as ints. */
function divmodResults(t: ObThread, want: number, q: number, r: number): number {
  let quotient = 1;
  if ((want & WANT_QUOTIENT) !== 0) {
    quotient = longFromSafe(t, q);
    if (quotient === 0) return 0;
  }
  if ((want & WANT_REMAINDER) !== 0) {
    const rem = longFromSafe(t, r);
    if (rem === 0) {
      if (quotient !== 1) decref(t.rc, quotient);
      return 0;
    }
    divmodRemainder = rem;
  }
  return quotient;
}

/**
 * `divrem1` / `inplace_divrem1`: |a| divided by the digit `m` in one pass
 * from the top; each step divides a 60-bit partial remainder in two
 * 15-bit halves so that every intermediate stays exact in a double.
 * Returns the remainder; the quotient's digits go to word `dq` when it is
 * not 0.
 */
function divremDigit(u32: Uint32Array, da: number, na: number, m: number, dq: number): number {
  let rem = 0;
  for (let i = na - 1; i >= 0; i--) {
    const digit = u32[da + i]!;
    const x = rem * 0x8000 + (digit >>> 15); // < 2^45
    const q1 = Math.floor(x / m);
    const y = (x - q1 * m) * 0x8000 + (digit & 0x7fff);
    const q2 = Math.floor(y / m);
    rem = y - q2 * m;
    if (dq !== 0) u32[dq + i] = q1 * 0x8000 + q2;
  }
  return rem;
}

/** Floor divmod by a one-digit divisor `m` (|a| ≥ m). */
function divmodByDigit(t: ObThread, a: number, na: number, negA: boolean, m: number, negB: boolean, want: number): number {
  const u32 = t.u32;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  let quotient = 1;
  let rem: number;
  if ((want & WANT_QUOTIENT) !== 0) {
    // One more digit for the floor's increment of the magnitude.
    const q = longAlloc(t, na + 1, 0);
    if (q === 0) return 0;
    const dq = (q + LONG_DIGITS_OFFSET) >>> 2;
    rem = divremDigit(u32, da, na, m, dq);
    if (negA !== negB && rem !== 0) {
      // -(|a| // m) - 1: the magnitude goes up by one.
      let i = 0;
      while (u32[dq + i] === LONG_MASK) u32[dq + i++] = 0;
      u32[dq + i]!++;
    }
    quotient = longNormalize(t, q, na + 1, negA !== negB);
  } else {
    rem = divremDigit(u32, da, na, m, 0);
  }
  if ((want & WANT_REMAINDER) !== 0) {
    // Truncated remainder ±rem (a's sign) → floor: the divisor's sign when nonzero.
    let r = negA ? -rem : rem;
    if (r !== 0 && negA !== negB) r += negB ? -m : m;
    const remainder = longFromSafe(t, r);
    if (remainder === 0) {
      if (quotient !== 1) decref(t.rc, quotient);
      return 0;
    }
    divmodRemainder = remainder;
  }
  return quotient;
}

/** `long_div` (`//`). */
function longFloorDiv(t: ObThread, a: number, b: number): number {
  if (!isInt(t, a) || !isInt(t, b)) return t.notImplemented;
  return longDivmod(t, a, b, WANT_QUOTIENT, 'integer division or modulo by zero');
}

/** `long_mod` (`%`). */
function longMod(t: ObThread, a: number, b: number): number {
  if (!isInt(t, a) || !isInt(t, b)) return t.notImplemented;
  if (longDivmod(t, a, b, WANT_REMAINDER, 'integer modulo by zero') === 0) return 0;
  return divmodRemainder;
}

/** `long_divmod` (`divmod(a, b)`): a new `(q, r)` tuple. */
function longDivmodSlot(t: ObThread, a: number, b: number): number {
  if (!isInt(t, a) || !isInt(t, b)) return t.notImplemented;
  const q = longDivmod(t, a, b, WANT_QUOTIENT | WANT_REMAINDER, 'integer division or modulo by zero');
  if (q === 0) return 0;
  const r = divmodRemainder;
  const tuple = tupleNew(t, 2);
  if (tuple === 0) {
    decref(t.rc, q);
    decref(t.rc, r);
    return 0;
  }
  tupleSetItemInit(t, tuple, 0, q);
  tupleSetItemInit(t, tuple, 1, r);
  return tuple;
}

// --- / -----------------------------------------------------------------------------------

/** `ldexp` for a double `x` that has at most 53 significant bits and a result that is exactly representable. */
function ldexp(x: number, e: number): number {
  if (e > 1023) return x * 2 ** 1023 * 2 ** (e - 1023);
  if (e < -1022) return x * 2 ** -1022 * 2 ** (e + 1022);
  return x * 2 ** e;
}

/**
 * The correctly rounded double of a/b for magnitudes `a` (`aBits` bits,
 * not 0) and `b` (`bBits` bits), CPython's `long_true_divide` steps:
 * about 55 bits of quotient, a sticky bit for what is left, one rounding
 * (half to even) to the precision the result has — fewer bits for a
 * subnormal. Infinity when it overflows.
 */
function divideToDouble(a: bigint, aBits: number, b: bigint, bBits: number): number {
  const DBL_MANT_DIG = 53;
  const DBL_MAX_EXP = 1024;
  const DBL_MIN_EXP = -1021;
  const diff = aBits - bBits;
  if (diff > DBL_MAX_EXP) return Infinity;
  if (diff < DBL_MIN_EXP - DBL_MANT_DIG - 1) return 0;
  const shift = Math.max(diff, DBL_MIN_EXP) - DBL_MANT_DIG - 2;
  let inexact = false;
  let x: bigint;
  if (shift <= 0) {
    x = a << BigInt(-shift);
  } else {
    x = a >> BigInt(shift);
    if ((a & ((1n << BigInt(shift)) - 1n)) !== 0n) inexact = true;
  }
  const q = x / b;
  if (x % b !== 0n) inexact = true;
  // q < 2^56: its bit length from two parts.
  const qHigh = Number(q >> 30n);
  const xBits = qHigh === 0 ? 32 - Math.clz32(Number(q)) : 30 + 32 - Math.clz32(qHigh);
  const extraBits = Math.max(xBits, DBL_MIN_EXP - shift) - DBL_MANT_DIG;
  const mask = 1 << (extraBits - 1);
  const low = Number(q & 0xffn) | (inexact ? 1 : 0);
  let kept = Number(q >> BigInt(extraBits)); // at most 53 bits: exact
  if ((low & mask) !== 0 && (low & (3 * mask - 1)) !== 0) kept += 1;
  const exponent = shift + extraBits;
  const keptBits = kept >= 2 ** 32 ? 64 - Math.clz32(Math.floor(kept / 2 ** 32)) : 32 - Math.clz32(kept);
  if (keptBits + exponent > DBL_MAX_EXP) return Infinity;
  return ldexp(kept, exponent);
}

/** `long_true_divide` (`/`): the correctly rounded float quotient. */
function longTrueDivide(t: ObThread, a: number, b: number): number {
  if (!isInt(t, a) || !isInt(t, b)) return t.notImplemented;
  const ta = tagOf(t, a);
  const tb = tagOf(t, b);
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    const vb = compactValue(t, b, tb);
    if (vb === 0) return errRaise(t, StaticType.ZeroDivisionError, 'division by zero');
    // Both exact doubles: IEEE division rounds once, as CPython's fast path.
    return floatFromDouble(t, compactValue(t, a, ta) / vb);
  }
  return trueDivideSlow(t, a, ta, b, tb);
}

/** Whether an int is within ±2^53 (CPython's "small" operands of true division). */
function fitsDouble(u32: Uint32Array, d: number, n: number): boolean {
  return n <= 1 || (n === 2 && u32[d + 1]! < 2 ** 23);
}

function trueDivideSlow(t: ObThread, a: number, ta: number, b: number, tb: number): number {
  const na = ta >>> LONG_NON_SIZE_BITS;
  const nb = tb >>> LONG_NON_SIZE_BITS;
  if (nb === 0) return errRaise(t, StaticType.ZeroDivisionError, 'division by zero');
  const negate = isNegativeTag(ta) !== isNegativeTag(tb);
  if (na === 0) return floatFromDouble(t, negate ? -0 : 0);
  const u32 = t.u32;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  const db = (b + LONG_DIGITS_OFFSET) >>> 2;
  if (fitsDouble(u32, da, na) && fitsDouble(u32, db, nb)) {
    const x = na === 1 ? u32[da]! : u32[da + 1]! * LONG_BASE + u32[da]!;
    const y = nb === 1 ? u32[db]! : u32[db + 1]! * LONG_BASE + u32[db]!;
    return floatFromDouble(t, negate ? -(x / y) : x / y);
  }
  const aBits = bitLength(u32, da, na);
  const bBits = bitLength(u32, db, nb);
  // Decided before converting a huge operand.
  if (aBits - bBits > 1024) return errRaise(t, StaticType.OverflowError, 'integer division result too large for a float');
  if (aBits - bBits < -1021 - 53 - 1) return floatFromDouble(t, negate ? -0 : 0);
  const v = divideToDouble(digitsToBigInt(u32, da, na), aBits, digitsToBigInt(u32, db, nb), bBits);
  if (v === Infinity) return errRaise(t, StaticType.OverflowError, 'integer division result too large for a float');
  return floatFromDouble(t, negate ? -v : v);
}

// --- float(int) ----------------------------------------------------------------------------

/** `long_float` (`float(n)`). */
function longFloat(t: ObThread, op: number): number {
  const v = longAsDouble(t, op);
  if (v === -1 && t.error.type !== 0) return 0;
  return floatFromDouble(t, v);
}

// --- ** and pow() --------------------------------------------------------------------------

/** a mod m for 0 ≤ a < 2^47 and m < 2^30: a floored quotient (off by one at most) and a correction, cheaper than a double %. */
function modSmall(a: number, m: number): number {
  const r = a - Math.floor(a / m) * m;
  return r < 0 ? r + m : r >= m ? r - m : r;
}

/** x·y mod m for x, y < m < 2^30, exact in doubles (y split in 15-bit halves). */
function mulMod(x: number, y: number, m: number): number {
  return modSmall(modSmall(x * (y >>> 15), m) * 0x8000 + x * (y & 0x7fff), m);
}

/** |op| mod m for a one-digit modulus m, by {@link divremDigit}. */
function magnitudeModDigit(t: ObThread, op: number, tag: number, m: number): number {
  return divremDigit(t.u32, (op + LONG_DIGITS_OFFSET) >>> 2, tag >>> LONG_NON_SIZE_BITS, m, 0);
}

/** The inverse of x modulo m (both numbers, 0 ≤ x < m < 2^30), or -1 when gcd(x, m) ≠ 1. */
function inverseModNumber(x: number, m: number): number {
  let r0 = m;
  let r1 = x;
  let s0 = 0;
  let s1 = 1;
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    // |s| stays below m, and q·s1 below 2^60 only when m is that large: it is below 2^30.
    const s2 = s0 - q * s1;
    s0 = s1;
    s1 = s2;
  }
  if (r0 !== 1) return -1;
  return s0 < 0 ? s0 + m : s0;
}

/** The inverse of x modulo m (bigints, 0 ≤ x < m), or -1n when gcd(x, m) ≠ 1 (`long_invmod`). */
function inverseModBig(x: bigint, m: bigint): bigint {
  let r0 = m;
  let r1 = x;
  let s0 = 0n;
  let s1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const s2 = s0 - q * s1;
    s0 = s1;
    s1 = s2;
  }
  if (r0 !== 1n) return -1n;
  return s0 < 0n ? s0 + m : s0;
}

/** `long_pow` (`a ** b`, `pow(a, b, c)`). */
function longPow(t: ObThread, a: number, b: number, c: number): number {
  if (!isInt(t, a) || !isInt(t, b)) return t.notImplemented;
  if (c !== t.none) {
    if (!isInt(t, c)) return t.notImplemented;
    return powMod(t, a, b, c);
  }
  const tb = tagOf(t, b);
  if (isNegativeTag(tb)) return powNegative(t, a, b);
  const ta = tagOf(t, a);
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    const base = compactValue(t, a, ta);
    const e = compactValue(t, b, tb);
    const magnitude = base < 0 ? -base : base;
    // Square-and-multiply in doubles while the result stays below 2^53 (then every step is exact).
    if (magnitude <= 1 || e * Math.log2(magnitude) < 52.9) {
      if (magnitude <= 1) return smallInt(t, e === 0 || magnitude === 1 ? (base < 0 && (e & 1) === 1 ? -1 : 1) : 0);
      let result = 1;
      let square = base;
      for (let k = e; k > 0; k >>>= 1) {
        if ((k & 1) === 1) result *= square;
        if (k > 1) square *= square;
      }
      return longFromSafe(t, result);
    }
  }
  return powSlow(t, a, ta, b, tb);
}

function powSlow(t: ObThread, a: number, ta: number, b: number, tb: number): number {
  const u32 = t.u32;
  const na = ta >>> LONG_NON_SIZE_BITS;
  const nb = tb >>> LONG_NON_SIZE_BITS;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  const db = (b + LONG_DIGITS_OFFSET) >>> 2;
  const negative = isNegativeTag(ta) && nb > 0 && (u32[db]! & 1) === 1;
  if (nb === 0) return smallInt(t, 1);
  if (na === 0) return smallInt(t, 0);
  if (na === 1 && u32[da] === 1) return smallInt(t, negative ? -1 : 1);
  // At least (bits(a) - 1)·b bits: past what V8 holds is a MemoryError (CPython's allocation fails long before).
  const e = nb === 1 ? u32[db]! : nb === 2 ? u32[db + 1]! * LONG_BASE + u32[db]! : Infinity;
  if ((bitLength(u32, da, na) - 1) * e > BIGINT_MAX_BITS) return errNoMemory(t);
  const p = magnitudeBig(t, a, ta) ** BigInt(e);
  return intFromBigInt(t, negative ? -p : p);
}

/**
 * `a ** b` for b < 0 without a modulus: CPython hands it to float's
 * `**` — both operands converted to doubles (OverflowError "int too large
 * to convert to float"), 0.0 to a negative power is a ZeroDivisionError.
 * The double x = float(a) is an integer, so x ** -n = 1 / x^n, computed
 * here exactly and rounded once (libm's pow is correctly rounded on
 * these).
 */
function powNegative(t: ObThread, a: number, b: number): number {
  const x = longAsDouble(t, a);
  if (x === -1 && t.error.type !== 0) return 0;
  const y = longAsDouble(t, b);
  if (y === -1 && t.error.type !== 0) return 0;
  if (x === 0) return errRaise(t, StaticType.ZeroDivisionError, '0.0 cannot be raised to a negative power');
  const n = -y;
  // float_pow: a negative base with an odd integral exponent (as a double: past 2^53 it is even) negates.
  const negate = x < 0 && n < 2 ** 53 && n % 2 === 1;
  const magnitude = x < 0 ? -x : x;
  if (magnitude === 1) return floatFromDouble(t, negate ? -1 : 1);
  let xBits = Math.floor(Math.log2(magnitude)) + 1; // log2 may round up just below a power of two: corrected
  if (2 ** (xBits - 1) > magnitude) xBits--;
  else if (2 ** xBits <= magnitude) xBits++;
  // x^n ≥ 2^((bits-1)·n) ≥ 2^1076: 1 / x^n rounds to 0.
  if ((xBits - 1) * n >= 1076) return floatFromDouble(t, negate ? -0 : 0);
  const denominator = BigInt(magnitude) ** BigInt(n);
  const v = divideToDouble(1n, 1, denominator, denominator.toString(2).length);
  return floatFromDouble(t, negate ? -v : v);
}

/** Three-argument `pow(a, b, c)`. */
function powMod(t: ObThread, a: number, b: number, c: number): number {
  const u32 = t.u32;
  const tc = tagOf(t, c);
  const nc = tc >>> LONG_NON_SIZE_BITS;
  if (nc === 0) return errRaise(t, StaticType.ValueError, 'pow() 3rd argument cannot be 0');
  const negativeOutput = isNegativeTag(tc);
  const ta = tagOf(t, a);
  const tb = tagOf(t, b);
  const dc = (c + LONG_DIGITS_OFFSET) >>> 2;
  if (nc === 1 && u32[dc] === 1) return smallInt(t, 0);
  const negA = isNegativeTag(ta);
  const negExp = isNegativeTag(tb);
  const nb = tb >>> LONG_NON_SIZE_BITS;
  const db = (b + LONG_DIGITS_OFFSET) >>> 2;
  if (nc === 1) {
    // A one-digit modulus: everything in doubles.
    const m = u32[dc]!;
    let base = magnitudeModDigit(t, a, ta, m);
    if (negA && base !== 0) base = m - base;
    if (negExp) {
      base = inverseModNumber(base, m);
      if (base < 0) return errRaise(t, StaticType.ValueError, 'base is not invertible for the given modulus');
    }
    let r = 1;
    for (let i = nb - 1; i >= 0; i--) {
      const digit = u32[db + i]!;
      for (let bit = LONG_SHIFT - 1; bit >= 0; bit--) {
        r = mulMod(r, r, m);
        if (((digit >>> bit) & 1) === 1) r = mulMod(r, base, m);
      }
    }
    if (negativeOutput && r !== 0) r -= m;
    return longFromSafe(t, r);
  }
  const m = magnitudeBig(t, c, tc);
  let base = intAsBigInt(t, a) % m;
  if (base < 0n) base += m;
  if (negExp) {
    base = inverseModBig(base, m);
    if (base < 0n) return errRaise(t, StaticType.ValueError, 'base is not invertible for the given modulus');
  }
  let r = 1n;
  for (let i = nb - 1; i >= 0; i--) {
    const digit = u32[db + i]!;
    for (let bit = LONG_SHIFT - 1; bit >= 0; bit--) {
      r = (r * r) % m;
      if (((digit >>> bit) & 1) === 1) r = (r * base) % m;
    }
  }
  if (negativeOutput && r !== 0n) r -= m;
  return intFromBigInt(t, r);
}

// --- unary ---------------------------------------------------------------------------------

/** A new int of `op`'s magnitude with the sign `negative`. */
function magnitudeCopy(t: ObThread, op: number, n: number, negative: boolean): number {
  const z = longAlloc(t, n, negative ? LONG_SIGN_NEGATIVE : 0);
  if (z === 0) return 0;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  t.u32.copyWithin((z + LONG_DIGITS_OFFSET) >>> 2, d, d + n);
  return z;
}

/** `long_neg`. */
function longNeg(t: ObThread, op: number): number {
  const tag = tagOf(t, op);
  if (tag < COMPACT_TAG_LIMIT) return longFromSafe(t, -compactValue(t, op, tag));
  return magnitudeCopy(t, op, tag >>> LONG_NON_SIZE_BITS, !isNegativeTag(tag));
}

/** `long_long` (unary `+`): the int itself, or an exact copy of a subclass's or bool's value. */
function longPos(t: ObThread, op: number): number {
  return intCopy(t, op);
}

/** `long_abs`. */
function longAbs(t: ObThread, op: number): number {
  return isNegativeTag(tagOf(t, op)) ? longNeg(t, op) : intCopy(t, op);
}

/** The magnitude of `op` plus one, with the sign `negative` (`~` of a multi-digit int). */
function magnitudeIncrement(t: ObThread, op: number, n: number, negative: boolean): number {
  const z = longAlloc(t, n + 1, 0);
  if (z === 0) return 0;
  const u32 = t.u32;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  let carry = 1;
  for (let i = 0; i < n; i++) {
    const s = u32[d + i]! + carry;
    u32[dz + i] = s & LONG_MASK;
    carry = s >>> LONG_SHIFT;
  }
  u32[dz + n] = carry;
  return longNormalize(t, z, n + 1, negative);
}

/** The magnitude of `op` (not 0) minus one, positive. */
function magnitudeDecrement(t: ObThread, op: number, n: number): number {
  const z = longAlloc(t, n, 0);
  if (z === 0) return 0;
  const u32 = t.u32;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  let borrow = 1;
  for (let i = 0; i < n; i++) {
    const s = u32[d + i]! - borrow;
    u32[dz + i] = s & LONG_MASK;
    borrow = s < 0 ? 1 : 0;
  }
  return longNormalize(t, z, n, false);
}

/** `long_invert` (`~a` = -(a + 1)). */
function longInvert(t: ObThread, op: number): number {
  const tag = tagOf(t, op);
  if (tag < COMPACT_TAG_LIMIT) return longFromSafe(t, -(compactValue(t, op, tag) + 1));
  const n = tag >>> LONG_NON_SIZE_BITS;
  return isNegativeTag(tag) ? magnitudeDecrement(t, op, n) : magnitudeIncrement(t, op, n, true);
}

// --- << and >> -----------------------------------------------------------------------------

/**
 * The shift count `b` (a non-negative int) as a number — past 2^53 it is
 * only "huge", which every caller treats alike (`divmod_shift` clips it).
 */
function shiftCount(t: ObThread, b: number, tb: number): number {
  const n = tb >>> LONG_NON_SIZE_BITS;
  const u32 = t.u32;
  const d = (b + LONG_DIGITS_OFFSET) >>> 2;
  if (n <= 1) return n === 0 ? 0 : u32[d]!;
  if (n === 2) return u32[d + 1]! * LONG_BASE + u32[d]!;
  return Infinity;
}

/** `long_lshift`. */
function longLshift(t: ObThread, a: number, b: number): number {
  if (!isInt(t, a) || !isInt(t, b)) return t.notImplemented;
  const tb = tagOf(t, b);
  if (isNegativeTag(tb)) return errRaise(t, StaticType.ValueError, 'negative shift count');
  const ta = tagOf(t, a);
  const na = ta >>> LONG_NON_SIZE_BITS;
  if (na === 0) return smallInt(t, 0);
  const s = shiftCount(t, b, tb);
  if (ta < COMPACT_TAG_LIMIT && s <= 22) return longFromSafe(t, compactValue(t, a, ta) * (1 << s)); // |a|·2^s < 2^52
  const wordShift = Math.floor(s / LONG_SHIFT);
  const rem = s - wordShift * LONG_SHIFT;
  const nz = na + wordShift + (rem !== 0 ? 1 : 0);
  if (!(nz <= 2 ** 31)) return errNoMemory(t);
  const z = longAlloc(t, nz, 0);
  if (z === 0) return 0;
  const u32 = t.u32;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  const dz = ((z + LONG_DIGITS_OFFSET) >>> 2) + wordShift; // the digits below stay 0 (longAlloc zeroes)
  if (rem === 0) {
    u32.copyWithin(dz, da, da + na);
  } else {
    let carry = 0;
    for (let i = 0; i < na; i++) {
      const digit = u32[da + i]!;
      u32[dz + i] = ((digit << rem) & LONG_MASK) | carry;
      carry = digit >>> (LONG_SHIFT - rem);
    }
    u32[dz + na] = carry;
  }
  return longNormalize(t, z, nz, isNegativeTag(ta));
}

/** `long_rshift`: floor division by 2^b (so -1 >> n is -1). */
function longRshift(t: ObThread, a: number, b: number): number {
  if (!isInt(t, a) || !isInt(t, b)) return t.notImplemented;
  const tb = tagOf(t, b);
  if (isNegativeTag(tb)) return errRaise(t, StaticType.ValueError, 'negative shift count');
  const ta = tagOf(t, a);
  const s = shiftCount(t, b, tb);
  if (ta < COMPACT_TAG_LIMIT) return longFromSafe(t, compactValue(t, a, ta) >> (s > 31 ? 31 : s));
  const negative = isNegativeTag(ta);
  const na = ta >>> LONG_NON_SIZE_BITS;
  const wordShift = Math.floor(s / LONG_SHIFT);
  if (wordShift >= na) return smallInt(t, negative ? -1 : 0);
  const rem = s - wordShift * LONG_SHIFT;
  const u32 = t.u32;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  // A negative value rounds toward -inf: its magnitude goes up by one when a 1 bit is shifted out.
  let lost = false;
  if (negative) {
    for (let i = 0; i < wordShift && !lost; i++) lost = u32[da + i] !== 0;
    if (!lost && rem !== 0) lost = (u32[da + wordShift]! & ((1 << rem) - 1)) !== 0;
  }
  const nz = na - wordShift + (lost ? 1 : 0);
  const z = longAlloc(t, nz, 0);
  if (z === 0) return 0;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  const n = na - wordShift;
  if (rem === 0) {
    u32.copyWithin(dz, da + wordShift, da + na);
  } else {
    for (let i = 0; i < n; i++) {
      const next = i + 1 < n ? u32[da + wordShift + i + 1]! : 0;
      u32[dz + i] = (u32[da + wordShift + i]! >>> rem) | ((next << (LONG_SHIFT - rem)) & LONG_MASK);
    }
  }
  if (lost) {
    let i = 0;
    while (u32[dz + i] === LONG_MASK) u32[dz + i++] = 0;
    u32[dz + i]!++;
  }
  return longNormalize(t, z, nz, negative);
}

// --- &, |, ^ -------------------------------------------------------------------------------

const AND = 0;
const OR = 1;
const XOR = 2;

/**
 * `long_bitwise`: the operands in two's complement (infinitely sign
 * extended: a negative magnitude is complemented and incremented digit
 * by digit), the operation per digit, and a negative result turned back
 * into its magnitude the same way.
 */
function bitwiseSlow(t: ObThread, a: number, ta: number, b: number, tb: number, op: number): number {
  const na = ta >>> LONG_NON_SIZE_BITS;
  const nb = tb >>> LONG_NON_SIZE_BITS;
  const negA = isNegativeTag(ta);
  const negB = isNegativeTag(tb);
  const negZ = op === AND ? negA && negB : op === OR ? negA || negB : negA !== negB;
  const n = (na > nb ? na : nb) + 1; // one more: the sign extension, where a negative result's magnitude may end
  const z = longAlloc(t, n, 0);
  if (z === 0) return 0;
  const u32 = t.u32;
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  const db = (b + LONG_DIGITS_OFFSET) >>> 2;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  let carryA = 1;
  let carryB = 1;
  let carryZ = 1;
  for (let i = 0; i < n; i++) {
    let x = i < na ? u32[da + i]! : 0;
    if (negA) {
      x = (x ^ LONG_MASK) + carryA;
      carryA = x >>> LONG_SHIFT;
      x &= LONG_MASK;
    }
    let y = i < nb ? u32[db + i]! : 0;
    if (negB) {
      y = (y ^ LONG_MASK) + carryB;
      carryB = y >>> LONG_SHIFT;
      y &= LONG_MASK;
    }
    let r = op === AND ? x & y : op === OR ? x | y : x ^ y;
    if (negZ) {
      r = (r ^ LONG_MASK) + carryZ;
      carryZ = r >>> LONG_SHIFT;
      r &= LONG_MASK;
    }
    u32[dz + i] = r;
  }
  return longNormalize(t, z, n, negZ);
}

/** `long_and`. */
function longAnd(t: ObThread, a: number, b: number): number {
  const u32 = t.u32;
  const int = t.types[StaticType.Int]!;
  if ((u32[(a + OB_TYPE_OFFSET) >>> 2] !== int || u32[(b + OB_TYPE_OFFSET) >>> 2] !== int) && !bothIntsSlow(t, a, b)) return t.notImplemented;
  const ta = u32[(a + LONG_TAG_OFFSET) >>> 2]!;
  const tb = u32[(b + LONG_TAG_OFFSET) >>> 2]!;
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    // The compact path, expanded inline. Within ±2^30, JavaScript's 32-bit two's complement gives Python's answer.
    const va = (1 - (ta & LONG_SIGN_MASK)) * u32[(a + LONG_DIGITS_OFFSET) >>> 2]!;
    const vb = (1 - (tb & LONG_SIGN_MASK)) * u32[(b + LONG_DIGITS_OFFSET) >>> 2]!;
    const v = va & vb;
    return v >= SMALL_INT_MIN && v <= SMALL_INT_MAX ? u32[t.smallIntsIndex + v - SMALL_INT_MIN]! : longFromSafe(t, v);
  }
  return bitwiseSlow(t, a, ta, b, tb, AND);
}

/** `long_or`. */
function longOr(t: ObThread, a: number, b: number): number {
  const u32 = t.u32;
  const int = t.types[StaticType.Int]!;
  if ((u32[(a + OB_TYPE_OFFSET) >>> 2] !== int || u32[(b + OB_TYPE_OFFSET) >>> 2] !== int) && !bothIntsSlow(t, a, b)) return t.notImplemented;
  const ta = u32[(a + LONG_TAG_OFFSET) >>> 2]!;
  const tb = u32[(b + LONG_TAG_OFFSET) >>> 2]!;
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    // The compact path, expanded inline (it is what a specialized instruction calls).
    const va = (1 - (ta & LONG_SIGN_MASK)) * u32[(a + LONG_DIGITS_OFFSET) >>> 2]!;
    const vb = (1 - (tb & LONG_SIGN_MASK)) * u32[(b + LONG_DIGITS_OFFSET) >>> 2]!;
    const v = va | vb;
    return v >= SMALL_INT_MIN && v <= SMALL_INT_MAX ? u32[t.smallIntsIndex + v - SMALL_INT_MIN]! : longFromSafe(t, v);
  }
  return bitwiseSlow(t, a, ta, b, tb, OR);
}

/** `long_xor`. */
function longXor(t: ObThread, a: number, b: number): number {
  const u32 = t.u32;
  const int = t.types[StaticType.Int]!;
  if ((u32[(a + OB_TYPE_OFFSET) >>> 2] !== int || u32[(b + OB_TYPE_OFFSET) >>> 2] !== int) && !bothIntsSlow(t, a, b)) return t.notImplemented;
  const ta = u32[(a + LONG_TAG_OFFSET) >>> 2]!;
  const tb = u32[(b + LONG_TAG_OFFSET) >>> 2]!;
  if (ta < COMPACT_TAG_LIMIT && tb < COMPACT_TAG_LIMIT) {
    // The compact path, expanded inline (it is what a specialized instruction calls).
    const va = (1 - (ta & LONG_SIGN_MASK)) * u32[(a + LONG_DIGITS_OFFSET) >>> 2]!;
    const vb = (1 - (tb & LONG_SIGN_MASK)) * u32[(b + LONG_DIGITS_OFFSET) >>> 2]!;
    const v = va ^ vb;
    return v >= SMALL_INT_MIN && v <= SMALL_INT_MAX ? u32[t.smallIntsIndex + v - SMALL_INT_MIN]! : longFromSafe(t, v);
  }
  return bitwiseSlow(t, a, ta, b, tb, XOR);
}

/** Whether both operands are bools (`bool_and` and friends answer a bool then). */
function bothBools(t: ObThread, a: number, b: number): boolean {
  const bool = t.types[StaticType.Bool]!;
  return t.u32[(a + OB_TYPE_OFFSET) >>> 2] === bool && t.u32[(b + OB_TYPE_OFFSET) >>> 2] === bool;
}

/** `bool_and`. */
function boolAnd(t: ObThread, a: number, b: number): number {
  if (bothBools(t, a, b)) return a === t.true && b === t.true ? t.true : t.false;
  return longAnd(t, a, b);
}

/** `bool_or`. */
function boolOr(t: ObThread, a: number, b: number): number {
  if (bothBools(t, a, b)) return a === t.true || b === t.true ? t.true : t.false;
  return longOr(t, a, b);
}

/** `bool_xor`. */
function boolXor(t: ObThread, a: number, b: number): number {
  if (bothBools(t, a, b)) return (a === t.true) !== (b === t.true) ? t.true : t.false;
  return longXor(t, a, b);
}

/**
 * `int.__round__(ndigits)` (`_PyLong_DivmodNear` of `long_round`): `op`
 * itself (an exact copy) for `ndigits` ≥ 0; else rounded to a multiple of
 * 10^-ndigits, halves to even. `ndigits` is an int (a JavaScript integer
 * or a bigint for a huge one). A new reference, or 0 with MemoryError.
 * @public
 */
export function intRound(t: ObThread, op: number, ndigits: bigint): number {
  if (ndigits >= 0n) return intCopy(t, op);
  const v = intAsBigInt(t, op);
  // |v| < 10^k for every k past its digit count: the result is 0 (a half rounds to even 0 too).
  if (-ndigits > BigInt(v.toString().length + 1)) return smallInt(t, 0);
  const pow = 10n ** -ndigits;
  let q = v / pow;
  let r = v % pow;
  if (r < 0n) {
    q -= 1n;
    r += pow;
  }
  // Round half to even: past the half, or at it with an odd quotient.
  if (2n * r > pow || (2n * r === pow && (q & 1n) === 1n)) q += 1n;
  return intFromBigInt(t, q * pow);
}

/** `long_to_decimal_string` for `repr`, with CPython's limit on the digits. */
function longRepr(t: ObThread, op: number): number {
  return intToString(t, op, 10);
}

/** The number-slot ids of `int` and of `bool`, registered in a fixed order. @internal */
export interface IntNumberSlots {
  readonly int: Partial<Record<SlotKind, number>>;
  readonly bool: Partial<Record<SlotKind, number>>;
}

/** Registers int's and bool's number slots (always the same ones, in the same order). @internal */
export function registerIntNumberSlots(slots: SlotRegistry): IntNumberSlots {
  const int: Partial<Record<SlotKind, number>> = {
    // int's repr with the digit limit; it replaces the unlimited one builtin-types.ts registers.
    repr: slots.add('repr', 'int/limited', longRepr),
    add: slots.add('add', 'int', longAdd),
    subtract: slots.add('subtract', 'int', longSub),
    multiply: slots.add('multiply', 'int', longMul),
    remainder: slots.add('remainder', 'int', longMod),
    divmod: slots.add('divmod', 'int', longDivmodSlot),
    power: slots.add('power', 'int', longPow),
    negative: slots.add('negative', 'int', longNeg),
    positive: slots.add('positive', 'int', longPos),
    absolute: slots.add('absolute', 'int', longAbs),
    invert: slots.add('invert', 'int', longInvert),
    lshift: slots.add('lshift', 'int', longLshift),
    rshift: slots.add('rshift', 'int', longRshift),
    and: slots.add('and', 'int', longAnd),
    xor: slots.add('xor', 'int', longXor),
    or: slots.add('or', 'int', longOr),
    float: slots.add('float', 'int', longFloat),
    floorDivide: slots.add('floorDivide', 'int', longFloorDiv),
    trueDivide: slots.add('trueDivide', 'int', longTrueDivide),
  };
  const bool: Partial<Record<SlotKind, number>> = {
    and: slots.add('and', 'bool', boolAnd),
    xor: slots.add('xor', 'bool', boolXor),
    or: slots.add('or', 'bool', boolOr),
  };
  return { int, bool };
}
