/**
 * Allocating and freeing GC objects (`_PyObject_GC_New`/`NewVar` through
 * `gc_alloc`, and `PyObject_GC_Del`): `allocObject` of `@ft/refcount` puts
 * the instance of a GC type in the GC heap, where collections find it; this
 * adds the allocation counting that schedules them.
 */

import { allocObject, freeObject } from '@ft/refcount';
import type { GcThread } from './gc-thread.js';
import { recordAllocation, recordDeallocation } from './schedule.js';
import { gcUntrack } from './tracking.js';

/**
 * A new, untracked instance of the GC type `type` with one reference, or 0
 * when memory is exhausted (`_PyObject_GC_New`, or `_PyObject_GC_NewVar`
 * with `nitems`). The caller tracks it once its fields are valid.
 * @example
 * ```ts
 * const op = gcNew(gt, pairType);
 * // ... fill in its fields ...
 * gcTrack(gt.rc, op);
 * ```
 * @public
 */
export function gcNew(gt: GcThread, type: number, nitems = 0): number {
  const op = allocObject(gt.rc, type, nitems);
  if (op !== 0) recordAllocation(gt);
  return op;
}

/**
 * Frees a GC object's memory (`PyObject_GC_Del`), for a GC type's dealloc:
 * untracks it if its dealloc did not, counts the deallocation, frees. It
 * does not release the instance's reference to a heap type: the dealloc does
 * that after the free (`decrefType`), as CPython's `subtype_dealloc`.
 * @public
 */
export function gcDel(gt: GcThread, op: number): void {
  // The object is being destroyed: nobody else touches its bits (tracking.ts's contract).
  gcUntrack(gt.rc, op);
  recordDeallocation(gt);
  freeObject(gt.rc, op);
}
