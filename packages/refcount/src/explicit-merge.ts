/**
 * The explicit merge of an object's two counts (`_Py_ExplicitMergeRefcount`),
 * used by the owner when it takes its merge queue, by a thread merging for an
 * owner that has exited, and by the collector with the world stopped: after
 * it, the object has no owner and is counted atomically in `ob_ref_shared`
 * alone (flags MERGED).
 */

import {
  IMMORTAL_REFCNT,
  IMMORTAL_REFCNT_LOCAL,
  OB_REF_LOCAL_INDEX,
  OB_REF_SHARED_INDEX,
  OB_TID_INDEX,
  REF_MERGED,
  REF_SHARED_COUNT_MAX,
  REF_SHARED_SHIFT,
} from './layout.js';
import type { RcThread } from './rc-thread.js';

/**
 * Merges both counts and clears the owner (`_Py_ExplicitMergeRefcount`):
 * `ob_ref_local` and `ob_tid` are zeroed before the shared word becomes
 * `(shared + local + extra) | REF_MERGED`. Returns the merged count; the caller
 * deallocates at zero. Only the owner may call it, a thread holding the
 * owner's merge bucket lock after the owner exited, or the collector with the
 * world stopped. Not for immortal objects.
 * @beta
 */
export function explicitMergeRefcount(t: RcThread, op: number, extra: number): number {
  const u32 = t.u32;
  const i = op >>> 2;
  // SAFETY (the three plain accesses): owner; or the owner has exited (its
  // last writes are ordered before its unlink from the merge bucket, whose
  // lock the caller holds); or the world is stopped.
  const local = u32[i + OB_REF_LOCAL_INDEX];
  u32[i + OB_REF_LOCAL_INDEX] = 0;
  u32[i + OB_TID_INDEX] = 0;
  let shared = Atomics.load(t.i32, i + OB_REF_SHARED_INDEX);
  for (;;) {
    const refcnt = (shared >> REF_SHARED_SHIFT) + local + extra;
    if (refcnt > REF_SHARED_COUNT_MAX) {
      // A count past the shared word's range makes the object immortal (DESIGN.md §5).
      Atomics.store(t.u32, i + OB_REF_LOCAL_INDEX, IMMORTAL_REFCNT_LOCAL);
      return IMMORTAL_REFCNT;
    }
    const seen = Atomics.compareExchange(t.i32, i + OB_REF_SHARED_INDEX, shared, (refcnt << REF_SHARED_SHIFT) | REF_MERGED);
    if (seen === shared) return refcnt;
    shared = seen;
  }
}
