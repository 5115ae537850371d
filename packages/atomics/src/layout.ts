/**
 * Layouts of every shared structure that `@ft/atomics` owns, declared once.
 *
 * Addresses are byte offsets into the heap's SharedArrayBuffer (u32, 0 = NULL).
 * Constants follow DESIGN.md §6: `_OFFSET` bytes from the start of a structure,
 * `_SIZE` bytes, `_BIT`/`_MASK` bit patterns. Nothing outside this package uses
 * a raw numeric offset into these structures.
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------
// Heap header, at address 0. Address 0 is NULL, so the header doubles as the
// reserved prefix: nothing is ever handed out below HEAP_PREFIX_SIZE.
//
//  off  width  field              writer / reader, order
//  0    u32    magic              creator once (plain, before the handle is posted) / attach (plain)
//  4    u32    layoutVersion      creator once / attach
//  8    u32    heapSize           creator once / all (plain, immutable)
//  12   u32    regionStart        creator once / all (plain, immutable): first byte of the region area
//  16   u32    threadCapacity     creator once / all (plain, immutable)
//  20   u32    threadTable        creator once / all (plain, immutable): address of thread slot 0
//  24   u32    bucketTable        creator once / all (plain, immutable): address of parking-lot bucket 0
//  28   i32    fenceWord          fences (Atomics.add of 0); never read for its value
//  32   i32    liveThreads        register/unregister (Atomics) / stats (Atomics)
//  36   i32    maxTid             register (Atomics CAS, only grows) / scanners (Atomics)
//  40   i32    regionLock         raw mutex word guarding the region allocator
//  44   u32    regionBump         under regionLock (plain): first never-used byte
//  48   u32    regionFreeHead     under regionLock (plain): first free extent, address-ordered list
//  52   u32    regionBytesInUse   under regionLock (plain): regionStats reads it under the lock too
//  56   u32    regionsInUse       under regionLock (plain): regionStats reads it under the lock too
//  60   u32    regionHighWater    under regionLock (plain): highest the bump pointer has been;
//                                  memory below it may be dirty, above it is still zero
//  64   u32    threadRegistrations total registrations ever (Atomics.add) / stats
//  68   u32    world              the world record (world-state.ts): 0 until first used; set once by
//                                  Atomics CAS from 0, read with Atomics.load
//  72..127     reserved (zero)
// ---------------------------------------------------------------------------

/** Magic number at address 0: the bytes 'F','T','H','P' read as a little-endian u32. @public */
export const HEAP_MAGIC = 0x50485446;
/** Layout version of every structure in this package; bumped on any layout change. @public */
export const HEAP_LAYOUT_VERSION = 2;

/** @public */ export const HEAP_MAGIC_OFFSET = 0;
/** @public */ export const HEAP_LAYOUT_VERSION_OFFSET = 4;
/** @public */ export const HEAP_SIZE_OFFSET = 8;
/** @public */ export const HEAP_REGION_START_OFFSET = 12;
/** @public */ export const HEAP_THREAD_CAPACITY_OFFSET = 16;
/** @public */ export const HEAP_THREAD_TABLE_OFFSET = 20;
/** @public */ export const HEAP_BUCKET_TABLE_OFFSET = 24;
/** @public */ export const HEAP_FENCE_WORD_OFFSET = 28;
/** @public */ export const HEAP_LIVE_THREADS_OFFSET = 32;
/** @public */ export const HEAP_MAX_TID_OFFSET = 36;
/** @public */ export const HEAP_REGION_LOCK_OFFSET = 40;
/** @public */ export const HEAP_REGION_BUMP_OFFSET = 44;
/** @public */ export const HEAP_REGION_FREE_HEAD_OFFSET = 48;
/** @public */ export const HEAP_REGION_BYTES_IN_USE_OFFSET = 52;
/** @public */ export const HEAP_REGION_HIGH_WATER_OFFSET = 60;
/** @public */ export const HEAP_REGIONS_IN_USE_OFFSET = 56;
/** The world record's address (0 until the world is first used). */ export const HEAP_WORLD_OFFSET = 68;
/** @public */ export const HEAP_THREAD_REGISTRATIONS_OFFSET = 64;
/** Size of the header proper; the thread table follows it. @public */
export const HEAP_HEADER_SIZE = 128;

/** Smallest heap accepted by {@link SharedHeap.create} (1 MiB). @public */
export const HEAP_MIN_SIZE = 1 << 20;
/** Largest heap: addresses are u32, so 4 GiB - 1 byte (DESIGN.md §2). @public */
export const HEAP_MAX_SIZE = 0xffffffff;
/** Default heap size (1 GiB); the OS commits pages only when first touched. @public */
export const HEAP_DEFAULT_SIZE = 1 << 30;

// ---------------------------------------------------------------------------
// Thread slot: one 64-byte record per thread id, slot `tid` at
// threadTable + tid * THREAD_SLOT_SIZE (slot 0 is never used: tid 0 = "no owner").
// 64 bytes so that two threads' slots never share a cache line.
//
//  off  width  field          writer / reader, order
//  0    i32    state          register/unregister (Atomics CAS/store) / scanners (Atomics.load): 0 free, 1 live
//  4    i32    parker         the thread's semaphore word: waiter resets and waits (Atomics),
//                             unparker posts (Atomics.store 1 + notify)
//  8    u32    waitAddr       under the bucket lock (plain): address the thread is parked on
//  12   u32    waitNext       under the bucket lock (plain): next waiter's tid in the bucket queue
//  16   u32    waitPrev       under the bucket lock (plain): previous waiter's tid
//  20   i32    isUnparking    under the bucket lock (plain): an unparker dequeued us and will post
//  24   i32    unparkValue    unparker under the bucket lock, before the post / waiter after the
//                             post (plain; ordered by the Atomics post/wait on `parker`)
//  28   u32    generation     register (Atomics.add): changes each time the tid is reused
//  32   f64    parkArg        waiter, under the bucket lock / unpark callback, under the bucket lock
//  40   u32    parks          owner only (plain): number of times this thread parked (statistics)
//  44..63      reserved
// ---------------------------------------------------------------------------

/** Bytes per thread slot: one cache line, so threads never false-share. @public */ export const THREAD_SLOT_SIZE = 64;
/** @public */ export const THREAD_STATE_OFFSET = 0;
/** @public */ export const THREAD_PARKER_OFFSET = 4;
/** @public */ export const THREAD_WAIT_ADDR_OFFSET = 8;
/** @public */ export const THREAD_WAIT_NEXT_OFFSET = 12;
/** @public */ export const THREAD_WAIT_PREV_OFFSET = 16;
/** @public */ export const THREAD_IS_UNPARKING_OFFSET = 20;
/** @public */ export const THREAD_UNPARK_VALUE_OFFSET = 24;
/** @public */ export const THREAD_GENERATION_OFFSET = 28;
/** @public */ export const THREAD_PARK_ARG_OFFSET = 32;
/** @public */ export const THREAD_PARKS_OFFSET = 40;
/** Thread slot state: free. @public */ export const THREAD_STATE_FREE = 0;
/** Thread slot state: registered to a live thread. @public */ export const THREAD_STATE_LIVE = 1;
/** Default number of thread ids a heap can hand out at once. @public */
export const THREAD_DEFAULT_CAPACITY = 1024;
/** Largest thread capacity (tids must fit in 16 bits for packed owner words). @public */
export const THREAD_MAX_CAPACITY = 0xfffe;

// ---------------------------------------------------------------------------
// Parking-lot bucket (CPython parking_lot.c: 257 buckets, index = address % 257).
// Padded to 64 bytes: buckets are locked by unrelated threads at once.
//
//  off  width  field        writer / reader, order
//  0    i32    lock         raw mutex word (Atomics)
//  4    u32    head         under lock (plain): first waiter's tid (FIFO), 0 = empty
//  8    u32    tail         under lock (plain): last waiter's tid
//  12   u32    numWaiters   under lock (plain) / statistics (Atomics.load)
//  16..63      reserved
// ---------------------------------------------------------------------------

/** Number of parking-lot buckets (a prime, as in CPython). @public */ export const PARKING_LOT_BUCKETS = 257;
/** @public */ export const BUCKET_SIZE = 64;
/** @public */ export const BUCKET_LOCK_OFFSET = 0;
/** @public */ export const BUCKET_HEAD_OFFSET = 4;
/** @public */ export const BUCKET_TAIL_OFFSET = 8;
/** @public */ export const BUCKET_NUM_WAITERS_OFFSET = 12;

// ---------------------------------------------------------------------------
// Region allocator ("the OS"): regions are multiples of REGION_GRANULE_SIZE
// inside [regionStart, heapSize). A free extent stores its own bookkeeping in
// its first 8 bytes, written only under the region lock:
//
//  off  width  field   meaning
//  0    u32    size    bytes in this free extent (multiple of the granule)
//  4    u32    next    address of the next free extent (higher address), 0 = end
// ---------------------------------------------------------------------------

/** Granule of the region allocator (4 KiB, an OS page). @public */ export const REGION_GRANULE_SIZE = 4096;
/** @public */ export const FREE_EXTENT_SIZE_OFFSET = 0;
/** @public */ export const FREE_EXTENT_NEXT_OFFSET = 4;
/** The region area starts on this boundary. @public */ export const REGION_AREA_ALIGN = 65536;

// ---------------------------------------------------------------------------
// PyMutex (1 byte), PyEvent (1 byte), once flag (1 byte): CPython lock.c bits.
//
//  value  PyMutex                    PyEvent           once flag
//  0      unlocked                   unset             not initialised
//  1      locked                     set               initialiser running
//  2      unlocked, waiters parked   unset, waiters    —
//  3      locked, waiters parked     —                 running, waiters parked
//  4      —                          —                 initialised
// ---------------------------------------------------------------------------

/** PyMutex bit: held (`_Py_LOCKED`). @public */ export const MUTEX_LOCKED_BIT = 1;
/** PyMutex bit: some thread is parked on it (`_Py_HAS_PARKED`). @public */ export const MUTEX_HAS_PARKED_BIT = 2;
/** Once-flag value: initialised (`_Py_ONCE_INITIALIZED`). @public */ export const ONCE_INITIALIZED = 4;

// ---------------------------------------------------------------------------
// Recursive mutex (CPython _PyRecursiveMutex), 12 bytes, 4-aligned.
//
//  off  width  field   writer / reader, order
//  0    u8     mutex   a PyMutex
//  4    u32    owner   owner (Atomics.store) / anyone (Atomics.load: "is it me?")
//  8    u32    level   owner only (plain): extra acquisitions beyond the first
// ---------------------------------------------------------------------------

/** Bytes of a recursive mutex (4-byte aligned). @public */ export const RECURSIVE_MUTEX_SIZE = 12;
/** @public */ export const RECURSIVE_MUTEX_MUTEX_OFFSET = 0;
/** @public */ export const RECURSIVE_MUTEX_OWNER_OFFSET = 4;
/** @public */ export const RECURSIVE_MUTEX_LEVEL_OFFSET = 8;

// ---------------------------------------------------------------------------
// RW mutex (CPython _PyRWMutex), one i32 word:
//  bit 0 WRITE_LOCKED, bit 1 HAS_PARKED, bits 2.. reader count.
// ---------------------------------------------------------------------------

/** Bytes of an RW mutex (one 4-byte aligned Int32). @public */ export const RWMUTEX_SIZE = 4;
/** @public */ export const RWMUTEX_WRITE_LOCKED_BIT = 1;
/** @public */ export const RWMUTEX_HAS_PARKED_BIT = 2;
/** @public */ export const RWMUTEX_READER_SHIFT = 2;
/** One reader in the RW mutex word. @public */ export const RWMUTEX_READER_UNIT = 1 << RWMUTEX_READER_SHIFT;

// ---------------------------------------------------------------------------
// Sequence lock (CPython _PySeqLock), one u32: even = stable, odd = writer active.
// ---------------------------------------------------------------------------

/** Bytes of a seqlock (one 4-byte aligned u32). @public */ export const SEQLOCK_SIZE = 4;

// ---------------------------------------------------------------------------
// Striped locks: a header and `count` PyMutex bytes, each on its own 64-byte
// line so that stripes held by different threads do not share a cache line.
//
//  off  width  field    writer / reader
//  0    u32    tag      creator once / users (plain, immutable): STRIPED_LOCKS_TAG
//  4    u32    count    creator once / users (plain, immutable): number of stripes
//  8    u32    version  creator once / users (plain, immutable): HEAP_LAYOUT_VERSION
//  64 + i*64   u8       stripe i's PyMutex
// ---------------------------------------------------------------------------

/** Type tag of a striped-lock table ('STRL'). @public */ export const STRIPED_LOCKS_TAG = 0x4c525453;
/** @public */ export const STRIPED_LOCKS_TAG_OFFSET = 0;
/** @public */ export const STRIPED_LOCKS_COUNT_OFFSET = 4;
/** @public */ export const STRIPED_LOCKS_VERSION_OFFSET = 8;
/** @public */ export const STRIPED_LOCKS_HEADER_SIZE = 64;
/** @public */ export const STRIPED_LOCKS_STRIDE = 64;
/** Stripe count CPython uses for weakref lists. @public */ export const STRIPED_LOCKS_DEFAULT_COUNT = 127;

// ---------------------------------------------------------------------------
// The world (DESIGN.md §4; CPython pystate.c's stop-the-world, _PyRuntime's
// HEAD_LOCK and stoptheworld_mutex). One world per heap, created on first use
// and found through the heap header; groups (interpreters) hang off it, and
// participants (thread states) off their group.
//
// World record (WORLD_SIZE bytes, one region):
//  off  width  field         writer / reader, order
//  0    u32    tag           creator once (before the CAS that publishes it) / all: WORLD_TAG
//  4    u8     headLock      PyMutex (HEAD_LOCK): guards every `next`/`head` link below and the
//                             STW records' requested/stopped/countdown/requester fields
//  8    i32    stwRwMutex    RW mutex (stoptheworld_mutex): a global stop holds it exclusively,
//                             a group's stop shared
//  12   u32    groupsHead    under headLock (plain): first group
//  16   u32    nextGroupId   under headLock (plain): last group id handed out
//  64   STW record of the global stop (STW_SIZE bytes)
//
// STW record (`_stoptheworld_state`, STW_SIZE bytes, 4-aligned):
//  0    u8     mutex         PyMutex: serialises stop attempts of this scope
//  1    u8     stopEvent     PyEvent: the last countdown decrement notifies the requester
//  4    i32    requested     under headLock (Atomics.store) / suspending participants under
//                             headLock, assertWorldStopped (Atomics.load)
//  8    i32    stopped       requester under headLock (Atomics.store) / assertWorldStopped (Atomics.load)
//  12   i32    countdown     under headLock (plain): participants still to stop
//  16   u32    requester     under headLock (plain): the requesting participant's address, or 0
//  20   u32    requesterTid  under headLock (Atomics.store) / re-entrancy check (Atomics.load)
//  24   u32    isGlobal      creator once (plain, immutable): 1 for the world's own record
//
// Group record (`PyInterpreterState`'s thread list and stoptheworld; GROUP_SIZE bytes):
//  0    u32    tag           creator once / all (plain, immutable while live): GROUP_TAG, 0 once deleted
//  4    u32    id            creator once (immutable): ≥ 1, per world
//  8    u32    next          under headLock: next group of the world
//  12   u32    participants  under headLock: first participant of the group
//  16   u32    world         creator once (immutable): the world record
//  20   i32    version       instrumentation version (multiple of 256): Atomics; new participants copy it
//  24   u32    count         under headLock: participants in the group
//  28   u32    nextId        under headLock: last participant id handed out
//  32   STW record of the group's stop (STW_SIZE bytes)
//
// Participant record (a thread state's shared part; one 64-byte line, since
// its owner polls its eval breaker while other threads set bits in it):
//  0    i32    status        owner ↔ ATTACHED, stopper → SUSPENDED and back (Atomics; waited on
//                             with the parking lot while SUSPENDED); values below
//  4    i32    evalBreaker   Atomics only: low 8 bits event bits (EVAL_*_BIT), bits 8.. the
//                             instrumentation version; the owner polls it with Atomics.load
//  8    u32    tid           creator once (immutable): owning thread
//  12   u32    group         creator once (immutable): the group record
//  16   u32    next          under headLock: next participant of the group
//  20   u32    prev          under headLock: previous participant, 0 for the first
//  24   u32    id            creator once (immutable): ≥ 1, per group
//  28   u32    tag           creator once / checks (plain): PARTICIPANT_TAG while linked, 0 after delete
//
// Status transitions (CPython `_Py_THREAD_*`):
//  from          event                                  by                      to
//  DETACHED      attach                                 owner (CAS)             ATTACHED
//  ATTACHED      detach / blocking wait                 owner (store)           DETACHED
//  ATTACHED      please-stop seen at a safe point       owner (store)           SUSPENDED
//  DETACHED      stop-the-world scan                    requester (CAS)         SUSPENDED
//  SUSPENDED     start-the-world                        requester (store)       DETACHED (+ unpark)
//  (created)     created while a stop is requested      creator under headLock  SUSPENDED
//  any           shut down (finalization)               owner / finalizer       SHUTTING_DOWN
// ---------------------------------------------------------------------------

/** World record type tag ('WRLD'). */ export const WORLD_TAG = 0x444c5257;
/** Bytes of the world record. */ export const WORLD_SIZE = 128;
/** @public */ export const WORLD_TAG_OFFSET = 0;
/** @public */ export const WORLD_HEAD_LOCK_OFFSET = 4;
/** @public */ export const WORLD_STW_RWMUTEX_OFFSET = 8;
/** @public */ export const WORLD_GROUPS_HEAD_OFFSET = 12;
/** @public */ export const WORLD_NEXT_GROUP_ID_OFFSET = 16;
/** @public */ export const WORLD_STW_OFFSET = 64;

/** Bytes of a stop-the-world record. */ export const STW_SIZE = 32;
/** @public */ export const STW_MUTEX_OFFSET = 0;
/** @public */ export const STW_EVENT_OFFSET = 1;
/** @public */ export const STW_REQUESTED_OFFSET = 4;
/** @public */ export const STW_STOPPED_OFFSET = 8;
/** @public */ export const STW_COUNTDOWN_OFFSET = 12;
/** @public */ export const STW_REQUESTER_OFFSET = 16;
/** @public */ export const STW_REQUESTER_TID_OFFSET = 20;
/** @public */ export const STW_IS_GLOBAL_OFFSET = 24;

/** Group record type tag ('WGRP'). */ export const GROUP_TAG = 0x50524757;
/** Bytes of a group record. */ export const GROUP_SIZE = 64;
/** @public */ export const GROUP_TAG_OFFSET = 0;
/** @public */ export const GROUP_ID_OFFSET = 4;
/** @public */ export const GROUP_NEXT_OFFSET = 8;
/** @public */ export const GROUP_PARTICIPANTS_OFFSET = 12;
/** @public */ export const GROUP_WORLD_OFFSET = 16;
/** @public */ export const GROUP_VERSION_OFFSET = 20;
/** @public */ export const GROUP_COUNT_OFFSET = 24;
/** @public */ export const GROUP_NEXT_ID_OFFSET = 28;
/** @public */ export const GROUP_STW_OFFSET = 32;

/** Participant record type tag ('WPRT'). */ export const PARTICIPANT_TAG = 0x54525057;
/** Bytes of a participant record: one cache line. @public */ export const PARTICIPANT_SIZE = 64;
/** @public */ export const PARTICIPANT_STATUS_OFFSET = 0;
/** @public */ export const PARTICIPANT_EVAL_BREAKER_OFFSET = 4;
/** @public */ export const PARTICIPANT_TID_OFFSET = 8;
/** @public */ export const PARTICIPANT_GROUP_OFFSET = 12;
/** @public */ export const PARTICIPANT_NEXT_OFFSET = 16;
/** @public */ export const PARTICIPANT_PREV_OFFSET = 20;
/** @public */ export const PARTICIPANT_ID_OFFSET = 24;
/** @public */ export const PARTICIPANT_TAG_OFFSET = 28;

/** Status: not running runtime code (`_Py_THREAD_DETACHED`). @public */ export const STATUS_DETACHED = 0;
/** Status: running runtime code (`_Py_THREAD_ATTACHED`). @public */ export const STATUS_ATTACHED = 1;
/** Status: stopped by a stop-the-world (`_Py_THREAD_SUSPENDED`). @public */ export const STATUS_SUSPENDED = 2;
/** Status: finalizing; may never attach again (`_Py_THREAD_SHUTTING_DOWN`). @public */ export const STATUS_SHUTTING_DOWN = 3;

/** Eval-breaker bit: a GIL waiter asks the holder to drop it (`_PY_GIL_DROP_REQUEST_BIT`). @public */ export const EVAL_GIL_DROP_REQUEST_BIT = 1 << 0;
/** Eval-breaker bit: signals pending (`_PY_SIGNALS_PENDING_BIT`). @public */ export const EVAL_SIGNALS_PENDING_BIT = 1 << 1;
/** Eval-breaker bit: pending calls (`_PY_CALLS_TO_DO_BIT`). @public */ export const EVAL_CALLS_TO_DO_BIT = 1 << 2;
/** Eval-breaker bit: an async exception is pending (`_PY_ASYNC_EXCEPTION_BIT`). @public */ export const EVAL_ASYNC_EXCEPTION_BIT = 1 << 3;
/** Eval-breaker bit: a collection is scheduled (`_PY_GC_SCHEDULED_BIT`). @public */ export const EVAL_GC_SCHEDULED_BIT = 1 << 4;
/** Eval-breaker bit: a stop-the-world asks this thread to suspend (`_PY_EVAL_PLEASE_STOP_BIT`). @public */ export const EVAL_PLEASE_STOP_BIT = 1 << 5;
/** Eval-breaker bit: objects are queued for this thread's explicit merge (`_PY_EVAL_EXPLICIT_MERGE_BIT`). @public */ export const EVAL_EXPLICIT_MERGE_BIT = 1 << 6;
/** Eval-breaker bit: JIT housekeeping (`_PY_EVAL_JIT_INVALIDATE_COLD_BIT`, 3.14). @public */ export const EVAL_JIT_INVALIDATE_COLD_BIT = 1 << 7;
/** The event bits of an eval-breaker word (`_PY_EVAL_EVENTS_MASK`). @public */ export const EVAL_EVENTS_MASK = 0xff;
/** Instrumentation versions count in steps of this above the event bits (`_PY_EVAL_EVENTS_BITS`). @public */ export const EVAL_VERSION_UNIT = 1 << 8;

