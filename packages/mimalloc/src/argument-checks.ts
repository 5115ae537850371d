/**
 * What the public entry points accept, decided once for the package (the
 * same rule as `@ft/obmalloc`'s, so a caller meets one rule across the
 * allocator layers). C's types do half of mimalloc's checking: a `size_t` is
 * an integer and a pointer is a pointer. A JavaScript caller can pass
 * anything, and a value that reaches the address arithmetic unchecked writes
 * somewhere it should not (`NaN >>> 2` is word 0, the heap's magic; `2 ** 40`
 * wraps into the heap). So every entry point checks its numbers before it
 * touches memory:
 *
 * | value | a size (`size`, `count`, `alignment`) | an address (`p`) | a heap tag |
 * |---|---|---|---|
 * | integer that fits | accepted | 0 is NULL; otherwise accepted in `[heap.regionStart, heap.size)` | 0 … 15 accepted |
 * | integer too large to allocate (above `MI_MAX_ALLOC_SIZE` or the heap, 2^32, 2^40) | the call returns 0 (NULL), as C's `malloc` | `RangeError` | `RangeError` |
 * | negative integer | `RangeError` | `RangeError` | `RangeError` |
 * | `NaN`, ±`Infinity`, a fraction (1.5) | `RangeError` | `RangeError` | `RangeError` |
 * | not a number (string, bigint, array, object, `null`, `undefined`, boolean) | `TypeError` | `TypeError` | `TypeError` |
 *
 * A fraction is always a `RangeError`: sizes are never rounded. An alignment
 * that is a non-negative integer but not a power of two up to 2 MiB makes
 * the call return 0, as `mi_malloc_aligned` does. Every check runs before
 * anything is written, so a rejected call leaves the heap as it was.
 *
 * Whether an accepted address is a live block of this interpreter's heaps is
 * the caller's C contract: without checked mode a double free, or a foreign
 * or interior pointer inside the heap, is undefined behaviour as in C; with
 * checked mode it is a `FatalError` naming the address.
 *
 * The hot paths test inline (`typeof x === 'number' && x >>> 0 === x`, an
 * integer 0 … 2^32 − 1, plus the range) and call these functions only when
 * that fails, so a valid call pays a few compares; `typeof` comes first so
 * that no conversion (`valueOf`, a bigint's `TypeError`) runs on a bad value.
 */

import { describeValue, formatAddress, throwNotASize } from '@ft/atomics';
import { MI_MAX_TAG } from './layout.js';

/** Whether `v` is an integer Number that is not negative (any magnitude). */
function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Checks a size argument that must be a non-negative integer; throws
 * otherwise. Integers too large to allocate pass: the caller returns 0 for them.
 * @internal
 */
export function checkSize(fn: string, what: string, v: unknown): void {
  if (!isNonNegativeInteger(v)) throwNotASize(fn, what, v);
}

/**
 * Throws the error for an address that is not 0 and not an integer in
 * `[low, high)`.
 * @internal
 */
export function rejectAddress(fn: string, p: unknown, low: number, high: number): never {
  if (typeof p !== 'number') throw new TypeError(`${fn}: the address must be a number, got ${describeValue(p)}`);
  if (!Number.isInteger(p)) throw new RangeError(`${fn}: the address must be an integer, got ${describeValue(p)}`);
  const where = p >= 0 && p <= 0xffffffff ? formatAddress(p) : describeValue(p);
  throw new RangeError(`${fn}: address ${where} is not inside the heap's allocatable range (${formatAddress(low)} to ${formatAddress(high - 1)}), nor 0 (NULL)`);
}

/**
 * Throws the error for a heap tag that is not an integer from 0 to 15.
 * @internal
 */
export function rejectTag(tag: unknown): never {
  if (typeof tag !== 'number') throw new TypeError(`heap tag must be a number, got ${describeValue(tag)}`);
  throw new RangeError(`heap tag must be an integer from 0 to ${MI_MAX_TAG}, got ${describeValue(tag)}`);
}

/**
 * Checks a boolean option or flag (`force`, `checked`): a non-boolean is
 * refused rather than read as truthy, since `'false'` would be true.
 * @internal
 */
export function checkBoolean(fn: string, what: string, v: unknown): void {
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${what} must be a boolean, got ${describeValue(v)}`);
}

/**
 * Checks an integer option in `[min, max]`: `TypeError` for a non-number,
 * `RangeError` otherwise.
 * @internal
 */
export function checkIntegerIn(fn: string, what: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${what} must be a number, got ${describeValue(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${fn}: ${what} must be an integer from ${min} to ${max}, got ${describeValue(v)}`);
}
