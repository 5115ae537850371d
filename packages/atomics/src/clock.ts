/**
 * A monotonic clock in milliseconds that every worker of the process reads
 * alike: `performance.timeOrigin` differs per worker, but origin + now() is the
 * same timeline, so a deadline written by one thread can be compared by another
 * (the PyMutex fairness rule does exactly that). Sub-microsecond resolution.
 */

const ORIGIN_MS = performance.timeOrigin;

/**
 * Milliseconds on a clock shared by all workers of the process (CPython:
 * `_PyTime_MonotonicUnchecked`, in ms instead of ns).
 * @public
 */
export function monotonicMs(): number {
  return ORIGIN_MS + performance.now();
}
