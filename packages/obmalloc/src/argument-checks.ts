/**
 * What the public entry points accept, decided once for the whole package.
 * C's types do half of CPython's checking: a `size_t` is an integer and a
 * pointer is a pointer. A JavaScript caller can pass anything, and a string
 * size or a `NaN` address that reaches the allocators corrupts the shared
 * heap (`"100" + 24` is a string; `NaN >>> 2` is word 0, the heap's magic).
 * So every entry point checks its numbers before it touches memory, with
 * the rule Node.js uses for its own integer arguments:
 *
 * | value | a size (`n`, `nelem`, `elsize`) | an address (`p`) |
 * |---|---|---|
 * | integer 0 … 2^31 − 1 | accepted | 0 is NULL; else accepted if in the heap's allocatable range |
 * | integer above 2^31 − 1 (2^31, 2^40, 1e300) | the call returns 0 (NULL), as CPython for `n > PY_SSIZE_T_MAX` | `RangeError` |
 * | negative integer | `RangeError` | `RangeError` |
 * | `NaN`, ±`Infinity`, a fraction (1.5) | `RangeError` | `RangeError` |
 * | not a number (string, bigint, array, object, `null`, `undefined`, boolean) | `TypeError` | `TypeError` |
 *
 * A fraction is always a `RangeError`: sizes are never rounded. The checks
 * run before anything is written, so a rejected call leaves the heap as it
 * was. Accepted addresses lie in `[heap.regionStart, heap.size)`: below is
 * the heap's reserved prefix (header, thread table, parking-lot buckets),
 * which no allocator hands out. Whether an accepted address is a live block
 * of the right domain is the caller's C contract, checked only by the debug
 * hooks.
 *
 * The hot paths test `typeof n === 'number' && (n | 0) === n && n >= 0`
 * (an int32 that is not negative: exactly 0 … 2^31 − 1) inline and call
 * the functions below only when that fails; `typeof` comes first so that
 * no conversion (`valueOf`, a bigint's `TypeError`) runs on a bad value.
 */

import { describeValue, throwNotASize } from '@ft/atomics';

/** Largest request (`PY_SSIZE_T_MAX` of a 32-bit build): 2^31 − 1. @public */
export const MAX_REQUEST_SIZE = 0x7fffffff;

/** Whether `v` is a non-negative integer Number (any magnitude). */
function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * The outcome of a size the inline test rejected: 0 (NULL) for an integer
 * above {@link MAX_REQUEST_SIZE}; throws for anything that is not a size.
 */
export function rejectSize(fn: string, what: string, n: unknown): number {
  if (isNonNegativeInteger(n)) return 0;
  throwNotASize(fn, what, n);
}

/**
 * The outcome of a calloc whose arguments the inline test rejected: throws
 * for the first argument that is not a size; 0 (NULL) when both are sizes
 * and one is above {@link MAX_REQUEST_SIZE}.
 */
export function rejectCallocSizes(fn: string, nelem: unknown, elsize: unknown): number {
  if (!isNonNegativeInteger(nelem)) throwNotASize(fn, 'nelem', nelem);
  if (!isNonNegativeInteger(elsize)) throwNotASize(fn, 'elsize', elsize);
  return 0;
}

/**
 * Throws the error for an address outside `[low, high)` or not an integer
 * Number (0, NULL, is the caller's to handle before).
 */
export function rejectAddress(fn: string, p: unknown, low: number, high: number): never {
  if (typeof p !== 'number') throw new TypeError(`${fn}: the address must be a number, got ${describeValue(p)}`);
  const range = `0x${low.toString(16)} to 0x${(high - 1).toString(16)}`;
  if (!Number.isInteger(p)) throw new RangeError(`${fn}: the address must be an integer, got ${describeValue(p)}`);
  const shown = p >= 0 ? `0x${p.toString(16)}` : describeValue(p);
  throw new RangeError(`${fn}: address ${shown} is not inside the heap's allocatable range (${range}), nor 0 (NULL)`);
}
