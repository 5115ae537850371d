/**
 * Reference totals (CPython's `Py_REF_DEBUG` accounting, `_Py_GetRefTotal`),
 * kept only by interpreters created with `refDebug` (as only CPython's debug
 * builds keep them): every counted incref and decref moves its thread's
 * `t.refTotal` with a plain update (a thread-local JavaScript number, not
 * shared memory); a thread's total is added to the interpreter's shared one
 * when it exits or asks.
 */

import { RC_REF_TOTAL_OFFSET } from './layout.js';
import type { RcThread } from './rc-thread.js';

/** Adds the thread's unmerged reference total to the interpreter's and zeroes it. @public */
export function mergeRefTotal(t: RcThread): void {
  Atomics.add(t.i32, (t.state + RC_REF_TOTAL_OFFSET) >>> 2, t.refTotal);
  t.refTotal = 0;
}

/**
 * The interpreter's reference total (`_Py_GetRefTotal`): the merged totals
 * of threads that exited (or called {@link mergeRefTotal}) plus the calling
 * thread's own. With every other thread exited, an interpreter whose objects
 * are all gone reports exactly the references held by immortal-free
 * long-lived roots — zero in a leak-free test. Throws when the interpreter
 * was created without `refDebug` (like `sys.gettotalrefcount`, which only a
 * debug build has).
 * @public
 */
export function getTotalRefcount(t: RcThread): number {
  if (!t.refDebug) throw new Error('getTotalRefcount: this interpreter does not count the reference total; create it with rcCreate(..., { refDebug: true })');
  return Atomics.load(t.i32, (t.state + RC_REF_TOTAL_OFFSET) >>> 2) + t.refTotal;
}
