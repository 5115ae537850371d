/**
 * `@ft/refcount`: layer 5 of ft. The free-threaded object header, biased
 * reference counting with merge queues, immortal and deferred objects,
 * per-thread reference counts through unique ids, lock-free try-incref, and
 * reference totals.
 *
 * @packageDocumentation
 */

export * from './layout.js';
export * from './behaviour-registry.js';
export { rcCreate, IMMORTALIZE_ARMED, IMMORTALIZE_DONE, IMMORTALIZE_OFF, type RcOptions } from './rc-state.js';
export { getTotalRefcount, mergeRefTotal, rcSetEvalBreaker, registeredThreads, rcThreadExit, rcThreadInit, RcThread, type RcThreadOptions, type RcWorld } from './rc-thread.js';
export { deallocate, decref, decrefSharedIsDead, explicitMergeRefcount, getRefcount, incref, increfN, TRASHCAN_DEPTH } from './biased-refcount.js';
export { resurrectEnd, resurrectStart } from './resurrect.js';
export { mergeQueueLength, mergeRequested, processMergeQueue } from './merge-queue.js';
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
export { clearGcBits, gcBits, initObject, initStaticObject, objectOwner, objectSize, objectType, setGcBits, sharedFlags } from './object-header.js';
export { allocObject, freeObject, OBJECT_DEALLOC, TYPE_DEALLOC } from './object-memory.js';
export { createHeapType, createMetatype, createStaticType, typeFlags, typeIsGc, typeUniqueId, type TypeSpec } from './type-core.js';
