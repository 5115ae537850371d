/**
 * `int` (`Objects/longobject.c`), the object itself: 3.12's layout
 * (`lv_tag` with the sign and digit count, 30-bit digits), the immortal
 * small ints -5 … 256, conversion from and to JavaScript numbers (every
 * safe integer: at most two digits) and bigints (linear in the digit
 * count both ways: through hexadecimal text, which V8 parses and prints
 * natively), the 32-bit build's hash (modulo 2^31 - 1), comparison and
 * `repr`. Arithmetic is int-arith.ts's, text and bytes int-format.ts's.
 *
 * An int is immutable once published: every field is read plain. A
 * fresh int's digits are written before it is handed out (`longAlloc`
 * returns it zeroed and unpublished).
 */

import { allocObject, decref, freeListPop, freeListPush, freeObject, incref, initObject, OB_TYPE_OFFSET } from '@ft/refcount';
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
  LONG_SIGN_ZERO,
  LONG_TAG_OFFSET,
  SMALL_INT_MAX,
  SMALL_INT_MIN,
  StaticType,
} from './layout.js';
import type { ObThread } from './ob-thread.js';

export { INT_FREELIST_MAX } from './free-lists.js';

/**
 * The most digits an int can have: `lv_tag` keeps the count in its upper
 * 29 bits (CPython's `MAX_LONG_DIGITS` is bounded by `Py_ssize_t`).
 * @internal
 */
export const LONG_MAX_DIGITS = 2 ** 29 - 1;

/**
 * `_PyLong_New`: a new int of `ndigits` digits (zeroed) with the sign bits
 * `sign`, its digits to be written before it is published; 0 with
 * MemoryError (also for a count past {@link LONG_MAX_DIGITS}: CPython's
 * shifts and powers that large fail in the allocator with MemoryError).
 * @internal
 */
export function longAlloc(t: ObThread, ndigits: number, sign: number): number {
  if (ndigits > LONG_MAX_DIGITS) return errNoMemory(t);
  // A one-digit int the thread freed before (3.14's free list of compact ints): a fresh header.
  let op = ndigits <= 1 ? freeListPop(t.intFreeList) : 0;
  if (op !== 0) {
    initObject(t.rc, op, t.types[StaticType.Int]!);
  } else {
    // The type's item size is one digit; a zero has one digit too (CPython allocates it).
    op = allocObject(t.rc, t.types[StaticType.Int]!, ndigits === 0 ? 1 : ndigits);
    if (op === 0) return errNoMemory(t);
  }
  t.u32[(op + LONG_TAG_OFFSET) >>> 2] = (ndigits << LONG_NON_SIZE_BITS) | sign; // SAFETY: not published yet
  return op;
}

/**
 * `long_dealloc`: an exact one-digit int goes to the thread's free list
 * while it has room (its block stays allocated, for {@link longAlloc});
 * others are freed. The owner's last `decref` of an int it never shared
 * puts it there itself (`@ft/refcount`'s free lists); this runs for the rest.
 * @internal
 */
export function intDealloc(t: ObThread, op: number): void {
  // SAFETY: op is dead: its header and tag are this thread's to read.
  if (!freeListPush(t.intFreeList, t.u32, op, t.u32[(op + OB_TYPE_OFFSET) >>> 2]!)) freeObject(t.rc, op);
}

/** Frees the thread's free-listed ints: when it leaves the runtime. @internal */
export function intClearFreeList(t: ObThread): void {
  for (let op = freeListPop(t.intFreeList); op !== 0; op = freeListPop(t.intFreeList)) freeObject(t.rc, op);
}

/**
 * `long_normalize` + `maybe_small_long`: finishes a fresh int `op` whose
 * first `ndigits` digits were written (the top ones may be zero) — its
 * tag gets the real digit count and the sign — and returns it, or the
 * immortal small int of the same value after freeing `op`.
 * @internal
 */
export function longNormalize(t: ObThread, op: number, ndigits: number, negative: boolean): number {
  const u32 = t.u32;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  let n = ndigits;
  while (n > 0 && u32[d + n - 1] === 0) n--; // SAFETY: not published yet (every access here)
  if (n <= 1) {
    const v = n === 0 ? 0 : negative ? -u32[d]! : u32[d]!;
    if (v >= SMALL_INT_MIN && v <= SMALL_INT_MAX) {
      decref(t.rc, op);
      return smallInt(t, v);
    }
  }
  u32[(op + LONG_TAG_OFFSET) >>> 2] = (n << LONG_NON_SIZE_BITS) | (n === 0 ? LONG_SIGN_ZERO : negative ? LONG_SIGN_NEGATIVE : 0);
  return op;
}

/**
 * An int of the safe integer `v` (|v| < 2^53, so at most two digits): a
 * new reference (a small int is immortal), or 0 with MemoryError.
 * @internal
 */
export function longFromSafe(t: ObThread, v: number): number {
  if (v >= SMALL_INT_MIN && v <= SMALL_INT_MAX) return smallInt(t, v);
  if (v < 0) return v > -LONG_BASE ? longFromDigit(t, -v, LONG_SIGN_NEGATIVE) : longFromTwoDigits(t, -v, LONG_SIGN_NEGATIVE);
  return v < LONG_BASE ? longFromDigit(t, v, 0) : longFromTwoDigits(t, v, 0);
}

/**
 * A new one-digit int of the digit `digit` (not 0) and sign bits `sign`;
 * 0 with MemoryError. The VM's commonest allocation (every int result
 * past the small ints, every `range` item): taken from the thread's free
 * list in a few lines that inline into the caller, allocated out of line
 * when the list is empty.
 * @internal
 */
export function longFromDigit(t: ObThread, digit: number, sign: number): number {
  const op = freeListPop(t.intFreeList);
  if (op === 0) return longFromDigitAllocated(t, digit, sign);
  initObject(t.rc, op, t.types[StaticType.Int]!);
  const u32 = t.u32;
  // SAFETY: not published yet.
  u32[(op + LONG_TAG_OFFSET) >>> 2] = (1 << LONG_NON_SIZE_BITS) | sign;
  u32[(op + LONG_DIGITS_OFFSET) >>> 2] = digit;
  return op;
}

/** {@link longFromDigit} with an empty free list. */
function longFromDigitAllocated(t: ObThread, digit: number, sign: number): number {
  const op = longAlloc(t, 1, sign);
  if (op !== 0) t.u32[(op + LONG_DIGITS_OFFSET) >>> 2] = digit; // SAFETY: not published yet
  return op;
}

/** A new two-digit int of the magnitude `magnitude` (2^30 ≤ it < 2^53); 0 with MemoryError. */
function longFromTwoDigits(t: ObThread, magnitude: number, sign: number): number {
  const op = longAlloc(t, 2, sign);
  if (op === 0) return 0;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  const hi = Math.floor(magnitude / LONG_BASE);
  // SAFETY: not published yet.
  t.u32[d] = magnitude - hi * LONG_BASE;
  t.u32[d + 1] = hi;
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
  return Number.isSafeInteger(v) ? longFromSafe(t, v) : intFromUnsafeNumber(t, v);
}

/** {@link intFromNumber}'s errors, out of line: NaN, infinities, fractions and integers past ±2^53. */
function intFromUnsafeNumber(t: ObThread, v: number): number {
  if (!Number.isFinite(v)) return errRaise(t, Number.isNaN(v) ? StaticType.ValueError : StaticType.OverflowError, Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
  if (Math.trunc(v) !== v) return errRaise(t, StaticType.ValueError, `${v} is not an integer`);
  return errRaise(t, StaticType.OverflowError, `${v} is outside the integers ft converts from JavaScript numbers (±2**53)`);
}

/** Hexadecimal digits' character codes, and a scratch buffer for the text (module scope: thread-local). */
const HEX_CODES = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
let hexScratch = new Uint8Array(256);
const latin1 = new TextDecoder('latin1');

/** Digit counts up to which shifting digits into a bigint beats building hexadecimal text (measured on V8). */
const BIGINT_SHIFT_MAX_DIGITS = 12;

/**
 * The magnitude of the `n` digits at `u32[d…]` as a bigint, in time linear
 * in `n`: "0x…" text that `BigInt()` parses natively (30-bit digits
 * regrouped into 4-bit nibbles), shifting for a few digits.
 * @internal
 */
export function digitsToBigInt(u32: Uint32Array, d: number, n: number): bigint {
  if (n <= 2) return n === 0 ? 0n : n === 1 ? BigInt(u32[d]!) : u32[d + 1]! < 2 ** 23 ? BigInt(u32[d + 1]! * LONG_BASE + u32[d]!) : (BigInt(u32[d + 1]!) << 30n) | BigInt(u32[d]!);
  if (n <= BIGINT_SHIFT_MAX_DIGITS) {
    let v = BigInt(u32[d + n - 1]!);
    for (let i = n - 2; i >= 0; i--) v = (v << 30n) | BigInt(u32[d + i]!);
    return v;
  }
  const chars = 2 + Math.ceil((n * LONG_SHIFT) / 4);
  if (hexScratch.length < chars) hexScratch = new Uint8Array(chars * 2);
  const buf = hexScratch;
  buf[0] = 48; // '0'
  buf[1] = 120; // 'x'
  let p = chars - 1;
  let pending = 0; // bits of the previous digit not yet written (fewer than 4)
  let pendingBits = 0;
  for (let i = 0; i < n; i++) {
    let x = u32[d + i]!;
    let left = LONG_SHIFT;
    if (pendingBits > 0) {
      const take = 4 - pendingBits;
      buf[p--] = HEX_CODES[pending | ((x & ((1 << take) - 1)) << pendingBits)]!;
      x >>>= take;
      left -= take;
    }
    for (; left >= 4; left -= 4) {
      buf[p--] = HEX_CODES[x & 15]!;
      x >>>= 4;
    }
    pending = x;
    pendingBits = left;
  }
  if (pendingBits > 0) buf[p--] = HEX_CODES[pending]!;
  while (p >= 2) buf[p--] = 48;
  return BigInt(latin1.decode(buf.subarray(0, chars)));
}

/** The base-32 text of a large bigint as bytes (module scope: thread-local); `TextEncoder.encodeInto` beats `charCodeAt` on long text. */
let base32Scratch = new Uint8Array(1024);
const utf8 = new TextEncoder();

/**
 * `PyLong_FromString`'s result for a JavaScript bigint: a new reference
 * (a small int is immortal), or 0 with MemoryError. Linear in the size:
 * V8 prints the magnitude in base 32, where six characters are exactly
 * one 30-bit digit.
 * @public
 */
export function intFromBigInt(t: ObThread, v: bigint): number {
  if (v >= -0x1fffffffffffffn && v <= 0x1fffffffffffffn) return longFromSafe(t, Number(v));
  const negative = v < 0n;
  const text = (negative ? -v : v).toString(32);
  const length = text.length;
  const ndigits = Math.ceil(length / 6);
  const op = longAlloc(t, ndigits, negative ? LONG_SIGN_NEGATIVE : 0);
  if (op === 0) return 0;
  const u32 = t.u32;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  // Digit k is the characters [length - 6(k + 1), length - 6k).
  if (length <= 256) {
    for (let k = 0, end = length; end > 0; k++, end -= 6) {
      let digit = 0;
      for (let i = end > 6 ? end - 6 : 0; i < end; i++) {
        const c = text.charCodeAt(i);
        digit = (digit << 5) | (c <= 57 ? c - 48 : c - 87);
      }
      u32[d + k] = digit; // SAFETY: not published yet
    }
  } else {
    if (base32Scratch.length < length) base32Scratch = new Uint8Array(length * 2);
    const bytes = base32Scratch;
    utf8.encodeInto(text, bytes);
    for (let k = 0, end = length; end > 0; k++, end -= 6) {
      let digit = 0;
      for (let i = end > 6 ? end - 6 : 0; i < end; i++) {
        const c = bytes[i]!;
        digit = (digit << 5) | (c <= 57 ? c - 48 : c - 87);
      }
      u32[d + k] = digit; // SAFETY: not published yet
    }
  }
  return op;
}

/** The int `op` (any int subclass, bool too) as a JavaScript bigint, exactly. @public */
export function intAsBigInt(t: ObThread, op: number): bigint {
  const tag = t.u32[(op + LONG_TAG_OFFSET) >>> 2]!;
  const v = digitsToBigInt(t.u32, (op + LONG_DIGITS_OFFSET) >>> 2, tag >>> LONG_NON_SIZE_BITS);
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

/**
 * `long_to_decimal_string` as JavaScript text, without CPython's limit on
 * the digits (int-format.ts's `intToString` applies it, as `repr` does).
 * @public
 */
export function intReprJs(t: ObThread, op: number): string {
  const n = intDigitCount(t, op);
  if (n <= 1) return String(intCompactValue(t, op));
  if (n === 2 && t.u32[((op + LONG_DIGITS_OFFSET) >>> 2) + 1]! < 2 ** 23) return String(intAsNumber(t, op));
  return intAsBigInt(t, op).toString();
}
