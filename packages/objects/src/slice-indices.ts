/**
 * The index arithmetic of slices (`PySlice_Unpack`'s checks and
 * `PySlice_AdjustIndices`), below every sequence that slices: plain
 * numbers in, the adjusted bounds and the count out.
 */

import { errRaiseInt } from './errors.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';

/**
 * The bounds a slice selects once adjusted to a sequence's length
 * ({@link sliceAdjustIndices} writes them): the first index, the index it
 * stops before, and the step.
 * @public
 */
export interface SliceIndices {
  /** The first index selected (when the slice is not empty). */
  start: number;
  /** The bound the indices stop before (exclusive, in the direction of the step). */
  stop: number;
  /** The step (None read as 1). */
  step: number;
}

/**
 * `PySlice_Unpack` + `PySlice_AdjustIndices(length, &start, &stop, step)`:
 * the number of items `seq[start:stop:step]` selects in a sequence of
 * `length`, with the adjusted bounds written to `out` (CPython's clamping:
 * negative bounds count from the end, bounds past either end are clamped,
 * to -1 and `length - 1` when stepping backwards). `null` is None. Bounds
 * and step are integers of any size (±Infinity reads as "past any
 * length"); `step` must not be 0 — check it first with
 * {@link sliceUnpackCheck}.
 * @example
 * ```ts
 * const s: SliceIndices = { start: 0, stop: 0, step: 0 };
 * sliceAdjustIndices(10, null, null, -3, s); // 4, s = { start: 9, stop: -1, step: -3 }
 * ```
 * @public
 */
export function sliceAdjustIndices(length: number, start: number | null, stop: number | null, step: number | null, out: SliceIndices): number {
  const st = step === null ? 1 : step;
  // None: PySlice_Unpack's PY_SSIZE_T_MAX / PY_SSIZE_T_MIN, which the clamping below turns into the ends.
  let lo = start === null ? (st < 0 ? Infinity : 0) : start;
  let hi = stop === null ? (st < 0 ? -Infinity : Infinity) : stop;
  if (lo < 0) {
    lo += length;
    if (lo < 0) lo = st < 0 ? -1 : 0;
  } else if (lo >= length) {
    lo = st < 0 ? length - 1 : length;
  }
  if (hi < 0) {
    hi += length;
    if (hi < 0) hi = st < 0 ? -1 : 0;
  } else if (hi >= length) {
    hi = st < 0 ? length - 1 : length;
  }
  out.start = lo;
  out.stop = hi;
  out.step = st;
  // Both bounds now lie in [-1, length], so the division is of small integers and exact.
  if (st < 0) return hi < lo ? Math.floor((lo - hi - 1) / -st) + 1 : 0;
  return lo < hi ? Math.floor((hi - lo - 1) / st) + 1 : 0;
}

/** Whether `x` is null or an integral number (±Infinity included). */
function isBound(x: number | null): boolean {
  return x === null || x === Math.floor(x);
}

/**
 * The checks `PySlice_Unpack` makes before {@link sliceAdjustIndices}: 0,
 * or -1 with ValueError "slice step cannot be zero" (or SystemError "bad
 * argument to internal function" for a bound that is not an integral
 * number: a caller's bug, as a NULL would be in C).
 * @public
 */
export function sliceUnpackCheck(t: ObThread, start: number | null, stop: number | null, step: number | null): number {
  if (!isBound(start) || !isBound(stop) || !isBound(step)) return errRaiseInt(t, StaticType.SystemError, 'bad argument to internal function');
  if (step === 0) return errRaiseInt(t, StaticType.ValueError, 'slice step cannot be zero');
  return 0;
}

