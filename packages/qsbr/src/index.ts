/**
 * `@ft/qsbr`: layer 2 of ft. Quiescent-state-based reclamation over the
 * shared heap (write/read sequences, per-thread slots, poll, deferred
 * advance) and the delayed-free queue built on it.
 *
 * @packageDocumentation
 */

export {
  freeDelayed,
  pendingDelayed,
  processAllDelayedStopped,
  processDelayed,
  qsbrFiniDelayed,
  qsbrUnregister,
} from './delayed-free.js';
export { type DelayedFreeCallback, FreeCallbackRegistry } from './free-callback-registry.js';
export {
  QSBR_FIRST_CHUNK_SLOTS,
  QSBR_LAYOUT_VERSION,
  QSBR_SHARED_SIZE,
  QSBR_SLOT_SIZE,
  QSBR_TAG,
  WORK_CHUNK_SIZE,
  WORK_ITEMS_PER_CHUNK,
} from './layout.js';
export { qsbrCreate, qsbrStats, type QsbrOptions, type QsbrStats } from './qsbr-shared.js';
export {
  qsbrAdvance,
  qsbrAttach,
  qsbrDeferredAdvance,
  qsbrDetach,
  qsbrGoalReached,
  qsbrIsAttached,
  qsbrPoll,
  qsbrPollScan,
  qsbrQuiescentState,
  qsbrRegister,
  qsbrSynchronize,
  QsbrThread,
} from './qsbr-thread.js';
export {
  QSBR_DEFERRED_LIMIT,
  QSBR_INCR,
  QSBR_INITIAL,
  QSBR_OFFLINE,
  seqLessOrEqual,
  seqLessThan,
  seqNext,
} from './sequence.js';
