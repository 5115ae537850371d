/**
 * `@ft/atomics`: layer 1 of ft. The shared address space (one shared
 * `WebAssembly.Memory`, u32 addresses, fixed-length views; shared memory is
 * accessed with `Atomics.*` directly, DESIGN.md §3), thread slots and parker
 * words, the parking lot, PyMutex and the rest of CPython's lock family, and
 * critical sections.
 *
 * @packageDocumentation
 */

export { describeValue, throwNotASize } from './argument-checks.js';
export type { HeapMemory } from './bulk-memory.js';
export { monotonicMs } from './clock.js';
export { CriticalSectionStack } from './critical-section-stack.js';
export {
  criticalSectionBegin,
  criticalSectionBegin2,
  criticalSectionEnd,
  criticalSectionHolds,
  criticalSectionResume,
  criticalSectionResumeOnAttach,
  criticalSectionSuspendAll,
} from './critical-section.js';
export { FatalError, fatalError, formatAddress } from './fatal.js';
export { HeapContext, type BlockingHook } from './heap-context.js';
export {
  HEAP_DEFAULT_SIZE,
  HEAP_LAYOUT_VERSION,
  HEAP_MAGIC,
  HEAP_MAX_SIZE,
  HEAP_MIN_SIZE,
  MUTEX_HAS_PARKED_BIT,
  MUTEX_LOCKED_BIT,
  ONCE_INITIALIZED,
  PARKING_LOT_BUCKETS,
  RECURSIVE_MUTEX_SIZE,
  REGION_GRANULE_SIZE,
  RWMUTEX_SIZE,
  SEQLOCK_SIZE,
  STRIPED_LOCKS_DEFAULT_COUNT,
  THREAD_DEFAULT_CAPACITY,
  THREAD_MAX_CAPACITY,
  THREAD_SLOT_SIZE,
  EVAL_ASYNC_EXCEPTION_BIT,
  EVAL_CALLS_TO_DO_BIT,
  EVAL_EVENTS_MASK,
  EVAL_EXPLICIT_MERGE_BIT,
  EVAL_GC_SCHEDULED_BIT,
  EVAL_GIL_DROP_REQUEST_BIT,
  EVAL_JIT_INVALIDATE_COLD_BIT,
  EVAL_PLEASE_STOP_BIT,
  EVAL_SIGNALS_PENDING_BIT,
  EVAL_VERSION_UNIT,
  STATUS_ATTACHED,
  STATUS_DETACHED,
  STATUS_SHUTTING_DOWN,
  STATUS_SUSPENDED,
} from './layout.js';
export { callOnce, onceFlagIsInitialized, type OnceFunction } from './once-flag.js';
export {
  park,
  PARK_AGAIN,
  PARK_OK,
  PARK_TIMEOUT,
  parkedInBucket,
  parkUnparkValue,
  unparkAll,
  type UnparkCallback,
  unparkOne,
} from './parking-lot.js';
export { eventIsSet, eventNotify, eventWait, eventWaitTimed } from './py-event.js';
export {
  LOCK_ACQUIRED,
  LOCK_DETACH,
  LOCK_DONT_DETACH,
  LOCK_FAILURE,
  MUTEX_MAX_SPIN_COUNT,
  MUTEX_SPIN_READS,
  MUTEX_TIME_TO_BE_FAIR_MS,
  mutexIsLocked,
  mutexLock,
  mutexLockFlags,
  mutexLockTimed,
  mutexTryLock,
  mutexUnlock,
} from './py-mutex.js';
export { rawMutexLock, rawMutexTryLock, rawMutexUnlock } from './raw-mutex.js';
export {
  recursiveMutexIsLockedByMe,
  recursiveMutexLock,
  recursiveMutexLockTimed,
  recursiveMutexOwner,
  recursiveMutexTryLock,
  recursiveMutexUnlock,
} from './recursive-mutex.js';
export { regionAlloc, regionFree, regionStats, type RegionStats } from './region-allocator.js';
export {
  rwMutexIsWriteLocked,
  rwMutexLock,
  rwMutexReaderCount,
  rwMutexRLock,
  rwMutexRUnlock,
  rwMutexUnlock,
} from './rw-mutex.js';
export {
  SEQLOCK_MAX_SPIN_COUNT,
  seqLockAbandonWrite,
  seqLockBeginRead,
  seqLockEndRead,
  seqLockLockWrite,
  seqLockUnlockWrite,
} from './seq-lock.js';
export { SharedHeap, type SharedHeapHandle, type SharedHeapOptions } from './shared-heap.js';
export { attach, detach, participantStatus, shutDown, suspend } from './attach-detach.js';
export {
  clearEvalBreakerBits,
  evalBreakerBits,
  handlePending,
  instrumentationVersion,
  pollSafePoint,
  pollSafePointAt,
  SAFE_POINT_POLL_INTERVAL,
  safePoint,
  setEvalBreakerBits,
  setEvalBreakerBitsAll,
  setEvalBreakerHandler,
  setInstrumentationVersion,
} from './eval-breaker.js';
export {
  assertWorldStopped,
  isWorldStopped,
  shutDownOthers,
  startTheWorld,
  startTheWorldAll,
  stopTheWorld,
  stopTheWorldAll,
  type StopTheWorldOptions,
} from './stop-the-world.js';
export {
  currentParticipant,
  groupCreate,
  groupDelete,
  Participant,
  participantCreate,
  participantDelete,
  worldOf,
  type AttachGate,
  type EvalBreakerHandler,
  type ParticipantHooks,
} from './world-state.js';
export { yieldThread } from './spin.js';
export {
  stripedLockFor,
  stripedLockLock,
  stripedLocksCount,
  stripedLocksCreate,
  stripedLockUnlock,
} from './striped-locks.js';
export { isThreadLive, liveThreadCount, maxThreadId, parkerPost, parkerWait, threadGeneration, threadSlotAddress } from './thread-slots.js';
