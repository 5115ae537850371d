/**
 * `int` (`Objects/longobject.c`), the part the containers and their tests
 * need: 3.12's layout (`lv_tag` with the sign and digit count, 30-bit
 * digits), the immortal small ints -5 … 256, conversion from and to
 * JavaScript numbers (every safe integer: at most two digits), the 32-bit
 * build's hash (modulo 2^31 - 1), comparison and `repr`. Arithmetic is
 * `@ft/objects` (II)'s.
 *
 * An int is immutable once published: every field is read plain.
 */

import { allocObject, incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { errNoMemory, errRaise } from './errors.js';
import {
  HASH_MODULUS,
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
} from './layout.js';
import type { ObThread } from './ob-thread.js';

/**
 * A new int of `ndigits` digits with the sign bits `sign`, digits to be
 * written before it is published; 0 with MemoryError.
 * @internal
 */
export function longAlloc(t: ObThread, ndigits: number, sign: number): number {
  // The type's item size is one digit; a zero has one digit too (CPython allocates it).
  const op = allocObject(t.rc, t.types[StaticType.Int]!, ndigits === 0 ? 1 : ndigits);
  if (op === 0) return errNoMemory(t);
  t.u32[(op + LONG_TAG_OFFSET) >>> 2] = (ndigits << LONG_NON_SIZE_BITS) | sign; // SAFETY: not published yet
  return op;
}

/** The immortal small int `v` (-5 … 256), a borrowed reference that needs no counting. @public */
export function smallInt(t: ObThread, v: number): number {
  return t.u32[t.smallIntsIndex + v - SMALL_INT_MIN]!;
}

/**
 * `PyLong_FromLong` / `PyLong_FromDouble` for an integral JavaScript
 * number: a new reference (a small int is immortal), or 0 with an
 * exception (ValueError for a fraction, OverflowError past the safe range).
 * @public
 */
export function intFromNumber(t: ObThread, v: number): number {
  if (v >= SMALL_INT_MIN && v <= SMALL_INT_MAX && (v | 0) === v) return smallInt(t, v);
  if (!Number.isSafeInteger(v)) {
    if (!Number.isFinite(v)) return errRaise(t, Number.isNaN(v) ? StaticType.ValueError : StaticType.OverflowError, Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
    if (Math.trunc(v) !== v) return errRaise(t, StaticType.ValueError, `${v} is not an integer`);
    return errRaise(t, StaticType.OverflowError, `${v} is outside the integers ft converts from JavaScript numbers (±2**53)`);
  }
  const sign = v < 0 ? LONG_SIGN_NEGATIVE : 0;
  const magnitude = Math.abs(v);
  const ndigits = magnitude < LONG_BASE ? 1 : 2;
  const op = longAlloc(t, ndigits, sign);
  if (op === 0) return 0;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  // SAFETY: not published yet.
  t.u32[d] = magnitude % LONG_BASE;
  if (ndigits === 2) t.u32[d + 1] = Math.floor(magnitude / LONG_BASE);
  return op;
}

/**
 * `PyLong_FromString`'s result for a JavaScript bigint: a new reference
 * (a small int is immortal), or 0 with MemoryError.
 * @public
 */
export function intFromBigInt(t: ObThread, v: bigint): number {
  if (v >= BigInt(SMALL_INT_MIN) && v <= BigInt(SMALL_INT_MAX)) return smallInt(t, Number(v));
  const negative = v < 0n;
  let magnitude = negative ? -v : v;
  const digits: number[] = [];
  while (magnitude > 0n) {
    digits.push(Number(magnitude & BigInt(LONG_MASK)));
    magnitude >>= BigInt(LONG_SHIFT);
  }
  const op = longAlloc(t, digits.length, negative ? LONG_SIGN_NEGATIVE : 0);
  if (op === 0) return 0;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  for (let i = 0; i < digits.length; i++) t.u32[d + i] = digits[i]!; // SAFETY: not published yet
  return op;
}

/** The int `op` (any int subclass, bool too) as a JavaScript bigint, exactly. @public */
export function intAsBigInt(t: ObThread, op: number): bigint {
  const tag = t.u32[(op + LONG_TAG_OFFSET) >>> 2]!;
  const n = tag >>> LONG_NON_SIZE_BITS;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << BigInt(LONG_SHIFT)) | BigInt(t.u32[d + i]!);
  return (tag & LONG_SIGN_MASK) === LONG_SIGN_NEGATIVE ? -v : v;
}

/**
 * `_PyLong_Copy` (`int.__index__` / `long_long` of a subclass or bool):
 * a new exact int with `op`'s value; 0 with MemoryError.
 * @public
 */
export function intCopy(t: ObThread, op: number): number {
  if (intCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  if (intIsCompact(t, op)) return intFromNumber(t, intCompactValue(t, op));
  return intFromBigInt(t, intAsBigInt(t, op));
}

/** Whether `op` is an exact int (`PyLong_CheckExact`). @public */
export function intCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Int];
}

/** `_PyLong_IsCompact`: at most one digit. @public */
export function intIsCompact(t: ObThread, op: number): boolean {
  return t.u32[(op + LONG_TAG_OFFSET) >>> 2]! < 2 << LONG_NON_SIZE_BITS;
}

/** `_PyLong_CompactValue`: the value of a compact int. @public */
export function intCompactValue(t: ObThread, op: number): number {
  const tag = t.u32[(op + LONG_TAG_OFFSET) >>> 2]!;
  return (1 - (tag & LONG_SIGN_MASK)) * t.u32[(op + LONG_DIGITS_OFFSET) >>> 2]!;
}

/** Digits of an int. @internal */
export function intDigitCount(t: ObThread, op: number): number {
  return t.u32[(op + LONG_TAG_OFFSET) >>> 2]! >>> LONG_NON_SIZE_BITS;
}

/** The sign: -1, 0 or 1. @public */
export function intSign(t: ObThread, op: number): number {
  return 1 - (t.u32[(op + LONG_TAG_OFFSET) >>> 2]! & LONG_SIGN_MASK);
}

/**
 * The value as a JavaScript number: exact for ints within ±2^53, the
 * nearest double beyond (as `float(n)`, without its OverflowError).
 * @public
 */
export function intAsNumber(t: ObThread, op: number): number {
  const tag = t.u32[(op + LONG_TAG_OFFSET) >>> 2]!;
  const sign = 1 - (tag & LONG_SIGN_MASK);
  const n = tag >>> LONG_NON_SIZE_BITS;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * LONG_BASE + t.u32[d + i]!;
  return sign * v;
}

/** `long_hash` of a 32-bit build: the value modulo 2^31 - 1 with its sign, -1 becoming -2. @public */
export function intHash(t: ObThread, op: number): number {
  const tag = t.u32[(op + LONG_TAG_OFFSET) >>> 2]!;
  const sign = 1 - (tag & LONG_SIGN_MASK);
  const n = tag >>> LONG_NON_SIZE_BITS;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  let x = 0;
  // x = (x * 2^30 + digit) mod (2^31 - 1), most significant digit first, as CPython folds.
  for (let i = n - 1; i >= 0; i--) {
    x = (((x << 30) & 0x7fffffff) | (x >>> 1)) >>> 0; // rotate left by 30 within 31 bits: x * 2^30 mod (2^31 - 1)
    x += t.u32[d + i]!;
    if (x >= HASH_MODULUS) x -= HASH_MODULUS;
  }
  const h = sign * x;
  return h === -1 ? -2 : h;
}

/** Compares two ints: negative, 0 or positive (`long_compare`). @public */
export function intCompare(t: ObThread, a: number, b: number): number {
  if (a === b) return 0;
  const u32 = t.u32;
  const ta = u32[(a + LONG_TAG_OFFSET) >>> 2]!;
  const tb = u32[(b + LONG_TAG_OFFSET) >>> 2]!;
  const sa = 1 - (ta & LONG_SIGN_MASK);
  const sb = 1 - (tb & LONG_SIGN_MASK);
  if (sa !== sb) return sa - sb;
  const na = ta >>> LONG_NON_SIZE_BITS;
  const nb = tb >>> LONG_NON_SIZE_BITS;
  if (na !== nb) return sa * (na - nb);
  const da = (a + LONG_DIGITS_OFFSET) >>> 2;
  const db = (b + LONG_DIGITS_OFFSET) >>> 2;
  for (let i = na - 1; i >= 0; i--) {
    const d = u32[da + i]! - u32[db + i]!;
    if (d !== 0) return sa * d;
  }
  return 0;
}

/** `long_to_decimal_string` as JavaScript text. @public */
export function intReprJs(t: ObThread, op: number): string {
  const n = intDigitCount(t, op);
  if (n <= 1) return String(intCompactValue(t, op));
  let v = 0n;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  for (let i = n - 1; i >= 0; i--) v = (v << 30n) | BigInt(t.u32[d + i]!);
  return (intSign(t, op) < 0 ? '-' : '') + v.toString();
}
