/**
 * Resurrection during deallocation (CPython `_PyObject_ResurrectStart`,
 * `_PyObject_ResurrectEnd`, `pycore_object.h` / `Objects/object.c`): a
 * finalizer called from a dealloc (`tp_finalize`, `__del__`) needs the dying
 * object to be a valid reference while it runs, and may store it somewhere.
 * The dealloc gives the object one reference owned by the current thread,
 * runs the finalizer, then takes the reference back: if nothing else took one
 * the dealloc continues, otherwise the object lives on.
 *
 * Only the refcount words and `ob_tid` are touched: `ob_gc_bits`, `ob_mutex`
 * and `ob_flags` keep their values (CPython once re-initialised the whole
 * header here, which cleared the GC's tracked and finalized bits).
 */

import { decrefSharedIsDead } from './biased-refcount.js';
import { explicitMergeRefcount } from './explicit-merge.js';
import { isImmortal } from './immortal.js';
import { OB_REF_LOCAL_INDEX, OB_REF_SHARED_INDEX, OB_TID_INDEX } from './layout.js';
import type { RcThread } from './rc-thread.js';

/**
 * Gives an object whose count is zero one reference owned by this thread
 * (`_PyObject_ResurrectStart`). Call it in a dealloc before running code
 * that may see the object.
 * @example
 * ```ts
 * registry.add('dealloc', 'with-finalizer', (t, op) => {
 *   resurrectStart(t, op);
 *   runFinalizer(t, op);
 *   if (resurrectEnd(t, op)) return; // the finalizer kept it alive
 *   freeObject(t, op);
 * });
 * ```
 * @public
 */
export function resurrectStart(t: RcThread, op: number): void {
  const i = op >>> 2;
  if (t.refDebug === true) t.refTotal++;
  Atomics.store(t.u32, i + OB_TID_INDEX, t.tid);
  Atomics.store(t.u32, i + OB_REF_LOCAL_INDEX, 1);
  Atomics.store(t.i32, i + OB_REF_SHARED_INDEX, 0);
}

/**
 * Takes back the reference {@link resurrectStart} gave (`_PyObject_ResurrectEnd`).
 * Returns true when the object was resurrected (someone else holds a
 * reference now: stop deallocating), false when it is dead again (continue).
 * @public
 */
export function resurrectEnd(t: RcThread, op: number): boolean {
  const i = op >>> 2;
  if (t.refDebug === true) t.refTotal--;
  // SAFETY: resurrectStart made this thread the owner; the local count is
  // used (and written) only if the owner test (biased-refcount.ts, file
  // comment) still says so.
  const local = t.u32[i + OB_REF_LOCAL_INDEX];
  const shared = Atomics.load(t.i32, i + OB_REF_SHARED_INDEX);
  if (t.u32[i + OB_TID_INDEX] === t.tid && local === 1 && shared === 0) {
    // Fast path: the finalizer's reference was the only one.
    t.u32[i + OB_REF_LOCAL_INDEX] = 0;
    return false;
  }
  return resurrectEndSlow(t, op);
}

function resurrectEndSlow(t: RcThread, op: number): boolean {
  if (isImmortal(t, op)) return true;
  // Owned: give up ownership and merge (simpler than distinguishing cases, as CPython).
  // SAFETY: the owner test (biased-refcount.ts, file comment).
  if (t.u32[(op >>> 2) + OB_TID_INDEX] === t.tid) return explicitMergeRefcount(t, op, -1) !== 0;
  return !decrefSharedIsDead(t, op);
}
