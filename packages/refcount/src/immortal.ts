/**
 * Immortal objects (PEP 683): `ob_ref_local` = 0xFFFFFFFF. Every incref and
 * decref tests for it first and does nothing, so an immortal object is never
 * deallocated and its header's cache line is never written by counting.
 */

import { getRefcount } from './biased-refcount.js';
import { GC_BITS_DEFERRED, GC_BITS_TRACKED, REF_DEFERRED, IMMORTAL_REFCNT_LOCAL, OB_FLAG_IMMORTAL, OB_FLAGS_OFFSET, OB_GC_BITS_OFFSET, OB_REF_LOCAL_INDEX, OB_REF_SHARED_INDEX, OB_TID_INDEX } from './layout.js';
import type { RcThread } from './rc-thread.js';

/** Whether `op` is immortal (`_Py_IsImmortal`). @public */
export function isImmortal(t: RcThread, op: number): boolean {
  // SAFETY: racy for a non-owner but exact for this test: once immortal, the
  // word never changes (biased-refcount.ts, file comment).
  return t.u32[(op >>> 2) + OB_REF_LOCAL_INDEX] === IMMORTAL_REFCNT_LOCAL;
}

/**
 * Makes `op` immortal (`_Py_SetImmortal`): no owner, local count saturated,
 * shared count 0, untracked from the GC. The references it had become
 * uncounted, so they leave this thread's reference total (their later
 * decrefs are no-ops). Already immortal objects are left alone.
 *
 * As CPython's, this is for objects no other thread is counting at the
 * moment — at creation, by the owner, or with the world stopped: an owner
 * that read `ob_ref_local` just before could write its increment back over
 * the immortal value.
 * @public
 */
export function immortalize(t: RcThread, op: number): void {
  if (isImmortal(t, op)) return;
  // A deferred object's count includes the uncounted bias.
  // SAFETY: under this function's contract nobody changes op's bits
  // concurrently; if someone did, a stale bit would only skew the reference
  // total, a statistic.
  // Other threads may still set GC bits atomically (the contract above is about counts only).
  const deferred = (Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_DEFERRED) !== 0;
  if (t.refDebug === true) t.refTotal -= getRefcount(t, op) - (deferred ? REF_DEFERRED : 0);
  const i = op >>> 2;
  Atomics.store(t.u32, i + OB_TID_INDEX, 0);
  Atomics.store(t.u32, i + OB_REF_LOCAL_INDEX, IMMORTAL_REFCNT_LOCAL);
  Atomics.store(t.i32, i + OB_REF_SHARED_INDEX, 0);
  Atomics.and(t.u8, op + OB_GC_BITS_OFFSET, ~GC_BITS_TRACKED);
  Atomics.or(t.heap.u16, (op + OB_FLAGS_OFFSET) >>> 1, OB_FLAG_IMMORTAL);
}
