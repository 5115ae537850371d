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
//  52   u32    regionBytesInUse   under regionLock (plain write) / stats (Atomics.load)
//  56   u32    regionsInUse       under regionLock (plain write) / stats (Atomics.load)
//  60   u32    regionHighWater    under regionLock (plain): highest the bump pointer has been;
//                                  memory below it may be dirty, above it is still zero
//  64   u32    threadRegistrations total registrations ever (Atomics.add) / stats
//  68..127     reserved (zero)
// ---------------------------------------------------------------------------

/** Magic number at address 0: the bytes 'F','T','H','P' read as a little-endian u32. @public */
export const HEAP_MAGIC = 0x50485446;
/** Layout version of every structure in this package; bumped on any layout change. @public */
export const HEAP_LAYOUT_VERSION = 1;

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
