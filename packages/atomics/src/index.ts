/**
 * `@ft/atomics`: layer 1 of ft. The shared address space (one SharedArrayBuffer,
 * u32 addresses), atomics with named memory orders, thread slots and parker
 * words, the parking lot, PyMutex and the rest of CPython's lock family, and
 * critical sections.
 *
 * @packageDocumentation
 */

export * from './atomic-ops.js';
export type { HeapMemory } from './bulk-memory.js';
export * from './clock.js';
export * from './critical-section.js';
export * from './fatal.js';
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
} from './layout.js';
export * from './once-flag.js';
export * from './parking-lot.js';
export * from './py-event.js';
export * from './py-mutex.js';
export * from './raw-mutex.js';
export * from './recursive-mutex.js';
export * from './region-allocator.js';
export * from './rw-mutex.js';
export * from './seq-lock.js';
export * from './shared-heap.js';
export * from './spin.js';
export * from './striped-locks.js';
export { isThreadLive, liveThreadCount, maxThreadId, parkerPost, parkerWait, threadGeneration, threadSlotAddress } from './thread-slots.js';
