/**
 * `@ft/gc`: layer 6 of ft. The free-threaded cycle collector: a
 * stop-the-world mark and sweep that finds objects by visiting mimalloc's GC
 * heaps, with CPython's finalizer, weakref and resurrection rules, its
 * scheduling, and the `gc` module's API.
 *
 * @packageDocumentation
 */

export {
  DEBUG_COLLECTABLE,
  DEBUG_LEAK,
  DEBUG_SAVEALL,
  DEBUG_STATS,
  DEBUG_UNCOLLECTABLE,
  GC_DEFAULT_OLD_THRESHOLD,
  GC_DEFAULT_THRESHOLD,
  GC_LAYOUT_VERSION,
  GC_REASON_HEAP,
  GC_REASON_MANUAL,
  GC_REASON_SHUTDOWN,
  GC_STATE_SIZE,
  GC_STATE_TAG,
  LOCAL_ALLOC_COUNT_THRESHOLD,
  NUM_GENERATIONS,
} from './layout.js';
export { GcThread, type GcCallbackInfo, type GcHooks, type WeakrefHooks } from './gc-thread.js';
export { gcIsFinalized, gcIsTracked, gcTrack, gcUntrack } from './tracking.js';
export { recordAllocation, recordDeallocation, scheduleGc } from './schedule.js';
export { gcDel, gcNew } from './gc-alloc.js';
export { gcClearGarbage, gcGarbage } from './garbage.js';
export {
  gcCollect,
  gcDisable,
  gcEnable,
  gcFreeze,
  gcGetCount,
  gcGetDebug,
  gcGetFreezeCount,
  gcGetObjects,
  gcGetPauseStats,
  gcGetReferents,
  gcGetReferrers,
  gcGetStats,
  gcGetThreshold,
  gcIsEnabled,
  gcSetDebug,
  gcSetThreshold,
  gcUnfreeze,
  gcVisitObjects,
  type GcGenerationStats,
  type GcPauseStats,
} from './gc-api.js';
export { gcCreate, gcThreadExit, gcThreadInit } from './gc-lifecycle.js';
