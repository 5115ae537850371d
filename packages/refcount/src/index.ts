/**
 * `@ft/refcount`: layer 5 of ft. The free-threaded object header, biased
 * reference counting with merge queues, immortal and deferred objects,
 * per-thread reference counts through unique ids, lock-free try-incref, and
 * reference totals.
 *
 * Layout constants are exported only for the header and type-core fields the
 * layers above read (`@beta`); the package's own bookkeeping stays inside.
 *
 * @packageDocumentation
 */

export {
  GC_BITS_ALIVE,
  GC_BITS_DEFERRED,
  GC_BITS_FINALIZED,
  GC_BITS_FROZEN,
  GC_BITS_SHARED,
  GC_BITS_TRACKED,
  GC_BITS_UNREACHABLE,
  IMMORTAL_REFCNT,
  IMMORTAL_REFCNT_LOCAL,
  OB_FLAG_IMMORTAL,
  OB_FLAG_STATICALLY_ALLOCATED,
  OB_FLAGS_OFFSET,
  OB_GC_BITS_OFFSET,
  OB_MUTEX_OFFSET,
  OB_REF_LOCAL_OFFSET,
  OB_REF_SHARED_OFFSET,
  OB_SIZE_OFFSET,
  OB_TID_OFFSET,
  OB_TYPE_OFFSET,
  OBJECT_HEADER_SIZE,
  REF_DEFERRED,
  REF_MAYBE_WEAKREF,
  REF_MERGED,
  REF_QUEUED,
  REF_SHARED_FLAG_MASK,
  REF_SHARED_UNIT,
  REFCOUNT_LAYOUT_VERSION,
  TP_BASICSIZE_OFFSET,
  TP_CLEAR_OFFSET,
  TP_DEALLOC_OFFSET,
  TP_FINALIZE_OFFSET,
  TP_FLAGS_OFFSET,
  TP_ITEMSIZE_OFFSET,
  TP_TRAVERSE_OFFSET,
  TP_UNIQUE_ID_OFFSET,
  TYPE_CORE_SIZE,
  TYPE_FLAG_HAVE_GC,
  TYPE_FLAG_HEAPTYPE,
  TYPE_FLAG_STATIC_BUILTIN,
  VAR_OBJECT_HEADER_SIZE,
} from './layout.js';
export { RcThread, type ClearFn, type DeallocFn, type FinalizeFn, type RcThreadOptions, type TraverseFn } from './rc-thread.js';
export { BehaviourRegistry, OBJECT_DEALLOC, TYPE_DEALLOC, type BehaviourKind } from './behaviour-registry.js';
export { rcCreate, type RcOptions } from './rc-state.js';
export { getTotalRefcount, mergeRefTotal } from './ref-total.js';
export { clearGcBits, gcBits, initObject, initStaticObject, objectOwner, objectSize, objectType, setGcBits, sharedFlags } from './object-header.js';
export { deallocate, TRASHCAN_DEPTH } from './dealloc.js';
export { FreeList, freeListBind, freeListPop, freeListPush } from './free-list.js';
export { explicitMergeRefcount } from './explicit-merge.js';
export { drainMergeQueuesStopped, mergeQueueLength, mergeRequested, processMergeQueue, rcSetEvalBreaker } from './merge-queue.js';
export { decref, decrefSharedIsDead, getRefcount, incref, increfN } from './biased-refcount.js';
export { resurrectEnd, resurrectStart } from './resurrect.js';
export { immortalize, isImmortal } from './immortal.js';
export { disableDeferredRefcount, enableDeferredRefcount, hasDeferredRefcount, immortalizeDeferredObjects } from './deferred.js';
export {
  assignUniqueId,
  decrefType,
  disableTypePerThreadRefcounting,
  increfType,
  mergeAllPerThreadRefcounts,
  mergePerThreadRefcounts,
  releaseUniqueId,
  setTypeUniqueId,
  threadDecref,
  threadIncref,
  uniqueIdsInUse,
} from './unique-ids.js';
export { isUniquelyReferenced, newRefWithLock, setMaybeWeakref, tryIncref, tryIncrefCompare, tryIncrefFast, tryIncrefShared, xGetRef } from './try-incref.js';
export { allocObject, freeObject } from './object-memory.js';
export { createHeapType, createMetatype, createStaticType, typeFlags, typeIsGc, typeUniqueId, type TypeSpec } from './type-core.js';
export { rcThreadExit, rcThreadInit, registeredThreads } from './thread-lifecycle.js';
