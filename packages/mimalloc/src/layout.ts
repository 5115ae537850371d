/**
 * Layouts and constants of `@ft/mimalloc`, declared once.
 *
 * Sizes follow mimalloc v2 as CPython vendors it, scaled to a 32-bit address
 * space: slices stay 64 KiB and pages keep their sizes (small 64 KiB, medium
 * 512 KiB), but a segment is 4 MiB (64 slices) instead of 32 MiB. A heap is
 * at most 4 GiB and by default 1 GiB, and every thread that allocates owns at
 * least one segment: with 32 MiB segments 64 threads would reserve 2 GiB of
 * address space before allocating anything, with 4 MiB it is 256 MiB, and
 * segment-size alignment wastes less of the region allocator's space. Large
 * objects go up to half a segment (2 MiB); bigger ones get a huge segment.
 *
 * @packageDocumentation
 */

/** Bytes per mimalloc word (size classes count 8-byte words, as on 64-bit CPython). @public */
export const MI_WORD_SIZE = 8;
/** log2 of the slice size. @public */ export const MI_SLICE_SHIFT = 16;
/** 64 KiB. @public */ export const MI_SLICE_SIZE = 1 << MI_SLICE_SHIFT;
/** log2 of the segment size. @public */ export const MI_SEGMENT_SHIFT = 22;
/** 4 MiB; segments are aligned to their size, so `(p - 1) & ~mask` finds a block's segment. @public */
export const MI_SEGMENT_SIZE = 1 << MI_SEGMENT_SHIFT;
/** @public */ export const MI_SEGMENT_MASK = MI_SEGMENT_SIZE - 1;
/** @public */ export const MI_SLICES_PER_SEGMENT = MI_SEGMENT_SIZE / MI_SLICE_SIZE;
/** Small pages: one slice. @public */ export const MI_SMALL_PAGE_SIZE = MI_SLICE_SIZE;
/** Medium pages: 8 slices. @public */ export const MI_MEDIUM_PAGE_SIZE = 8 * MI_SLICE_SIZE;
/** Largest block of a small page (16 KiB). @public */ export const MI_SMALL_OBJ_SIZE_MAX = MI_SMALL_PAGE_SIZE / 4;
/** Largest block of a medium page (128 KiB); larger blocks get a page of their own. @public */ export const MI_MEDIUM_OBJ_SIZE_MAX = MI_MEDIUM_PAGE_SIZE / 4;
/** @public */ export const MI_MEDIUM_OBJ_WSIZE_MAX = MI_MEDIUM_OBJ_SIZE_MAX / MI_WORD_SIZE;
/** Larger blocks get a huge segment of their own. @public */ export const MI_LARGE_OBJ_SIZE_MAX = MI_SEGMENT_SIZE / 2;
/** Sizes up to this use the direct page table (128 words). @public */ export const MI_SMALL_SIZE_MAX = 128 * MI_WORD_SIZE;
/** Entries of the direct page table: word sizes 0..128. @public */ export const MI_PAGES_DIRECT = 129;
/** Bin of large and huge pages. @public */ export const MI_BIN_HUGE = 73;
/** Queue of full pages. @public */ export const MI_BIN_FULL = 74;
/** Page queues per heap. @public */ export const MI_BIN_COUNT = 75;
/** Blocks are at least this aligned (except the 8-byte class). @public */ export const MI_MAX_ALIGN_SIZE = 16;
/** Bytes carved from a fresh page at a time (`MI_MAX_EXTEND_SIZE`). @public */ export const MI_MAX_EXTEND_SIZE = 4096;
/** At least this many blocks per extension (`MI_MIN_EXTEND`). @public */ export const MI_MIN_EXTEND = 4;
/** Retire cycles of an empty small page before it is freed. @public */ export const MI_RETIRE_CYCLES = 16;
/** Abandoned segments examined per reclaim attempt (`max_segment_reclaim`). @public */ export const MI_MAX_SEGMENT_RECLAIM = 8;
/** Free-span queues per thread (`MI_SEGMENT_BIN_MAX + 1`). @public */ export const MI_SPAN_QUEUES = 36;
/** Largest request: the heap cannot hold more than this in one block. @public */ export const MI_MAX_ALLOC_SIZE = 0x7fff0000;

/** Tag of the mem heap (`PyMem_Malloc`); heap tags follow CPython's `_Py_MIMALLOC_HEAP_*`. @public */ export const MI_HEAP_MEM = 0;
/** Tag of the heap for non-GC objects. @public */ export const MI_HEAP_OBJECT = 1;
/** Tag of the heap for GC objects without a pre-header. @public */ export const MI_HEAP_GC = 2;
/** Tag of the heap for GC objects with a pre-header (managed dict/weakref). @public */ export const MI_HEAP_GC_PRE = 3;
/** CPython's four heaps, initialised for every thread. @public */ export const MI_STANDARD_HEAPS = 4;
/** Tags are 4 bits: a thread can have a heap for each of 16 tags. @public */ export const MI_MAX_TAG = 15;
/** Heap records per thread (one per tag; tags 4..15 are initialised on first use). @public */
export const MI_HEAPS_PER_THREAD = MI_MAX_TAG + 1;

/**
 * Bytes at the start of an object block that no debug fill may touch: the
 * object header up to `ob_type` (`ob_tid`, flags/mutex/gc bits, both
 * refcount words; DESIGN.md §5), so lock-free readers of a just-freed
 * object's refcount fields see what they expect.
 * @public
 */
export const MI_OBJECT_DEBUG_OFFSET = 16;

// ---------------------------------------------------------------------------
// Page record (`mi_page_t`), one per slice in the segment's slice array, 64 B.
// A record is a page start (sliceCount ≥ 1, blockSize ≥ 2), a page's interior
// slice (sliceCount 0, blockSize 1, sliceOffset = bytes back to the start
// record), a free span's first slice (sliceCount ≥ 1, blockSize 0) or a free
// span's last slice (sliceCount 0, blockSize 0, sliceOffset back to the first).
//
//  off  width  field         writer / reader, order
//  0    u32    sliceCount    segment owner (plain)
//  4    u32    sliceOffset   segment owner (plain): bytes back to the start record
//  8    u32    blockSize     segment owner (plain); read by freeing threads after the page is published
//  12   u16    capacity      owner (plain): blocks carved so far
//  14   u16    reserved      owner (plain): blocks that fit
//  16   u32    free          owner (plain): allocation free list
//  20   u32    used          owner (plain): blocks in use, incl. those other threads freed not yet collected
//  24   u32    localFree     owner (plain): blocks the owner freed
//  28   u32    (reserved)    unused: the thread-free word lives in the segment's thread-free array, see below
//  32   u32    xheap         owner (Atomics.store) / freeing threads (Atomics.load): heap record, 0 = abandoned
//  36   u32    next          owner (plain): page-queue or span-queue link
//  40   u32    prev          owner (plain)
//  44   i32    qsbrGoal      owner (plain): QSBR goal before the empty page may really be freed; 0 = none
//  48   u32    qsbrNext      owner (plain): link in the thread's list of QSBR-delayed pages
//  52   u32    qsbrPrev      owner (plain)
//  56   u32    pageStart     segment owner (plain): address of block 0
//  60   u8     flags         owner (plain): 1 in-full, 2 has-aligned, 4 use-qsbr, 8 in-qsbr-list
//  61   u8     tag           owner (plain): heap tag (0..15)
//  62   u8     debugOffset   owner (plain)
//  63   u8     retireExpire  owner (plain)
// ---------------------------------------------------------------------------

/** @public */ export const PAGE_RECORD_SIZE = 64;
/** @public */ export const PAGE_SLICE_COUNT_OFFSET = 0;
/** @public */ export const PAGE_SLICE_OFFSET_OFFSET = 4;
/** @public */ export const PAGE_BLOCK_SIZE_OFFSET = 8;
/** @public */ export const PAGE_CAPACITY_OFFSET = 12;
/** @public */ export const PAGE_RESERVED_OFFSET = 14;
/** @public */ export const PAGE_FREE_OFFSET = 16;
/** @public */ export const PAGE_USED_OFFSET = 20;
/** @public */ export const PAGE_LOCAL_FREE_OFFSET = 24;
/**
 * A page's cross-thread free list | delayed-free state (low 2 bits; the
 * states, their writers and the transition table are in
 * delayed-free-state.ts), written by any thread with Atomics CAS. It is not
 * in the 64-byte record, whose `free` and
 * `used` the owner writes on every allocation: it sits in a parallel array in
 * the segment header, one cache line per slice, at this fixed distance from the
 * record, so other threads' frees do not bounce the owner's cache line.
 * @public
 */
export const PAGE_XTHREAD_FREE_OFFSET = 8192 - 64;
/**
 * The owner's copy of the slice's back offset (`sliceOffset`), in the slice's
 * line of the thread-free array, for other threads' frees: written with the
 * record in makePage, read plainly by freeing threads (see free.ts).
 * @public
 */
export const PAGE_XSLICE_OFFSET_OFFSET = PAGE_XTHREAD_FREE_OFFSET + 4;
/**
 * The owner's copy of the page's has-aligned flag (1 or 0), in the page's line
 * of the thread-free array, for other threads' frees: written with the flag.
 * @public
 */
export const PAGE_XALIGNED_OFFSET = PAGE_XTHREAD_FREE_OFFSET + 8;
/**
 * The page's batch shape for other threads' frees (see remote-batch.ts), in
 * the page's line of the thread-free array: bits 0..7 the most blocks one
 * batch node carries (0 or 1: no batching), bits 8..15 the byte offset of
 * the node's count word in the block. Written by the owner in makePage.
 * @public
 */
export const PAGE_XBATCH_OFFSET = PAGE_XTHREAD_FREE_OFFSET + 12;
/**
 * Bit 2 of an entry of a thread-free or delayed-free list (blocks are
 * ≥ 8-byte aligned): the entry is a batch node, a freed block that carries
 * the addresses of more freed blocks of its page (see remote-batch.ts).
 * @public
 */
export const MI_BATCH_TAG = 4;
/** The most blocks one batch node carries: itself and 15 addresses, 64 bytes from its count word on. @public */
export const MI_BATCH_MAX = 16;
/** Pending batches a thread keeps, one per slot, a slot chosen by the page's address. @public */
export const MI_PENDING_SLOTS = 32;
/** @public */ export const PAGE_XHEAP_OFFSET = 32;
/** @public */ export const PAGE_NEXT_OFFSET = 36;
/** @public */ export const PAGE_PREV_OFFSET = 40;
/** @public */ export const PAGE_QSBR_GOAL_OFFSET = 44;
/** @public */ export const PAGE_QSBR_NEXT_OFFSET = 48;
/** @public */ export const PAGE_QSBR_PREV_OFFSET = 52;
/** @public */ export const PAGE_START_OFFSET = 56;
/** @public */ export const PAGE_FLAGS_OFFSET = 60;
/** @public */ export const PAGE_TAG_OFFSET = 61;
/** @public */ export const PAGE_DEBUG_OFFSET_OFFSET = 62;
/** @public */ export const PAGE_RETIRE_EXPIRE_OFFSET = 63;
/** @public */ export const PAGE_FLAG_IN_FULL = 1;
/** @public */ export const PAGE_FLAG_HAS_ALIGNED = 2;
/** @public */ export const PAGE_FLAG_USE_QSBR = 4;
/** @public */ export const PAGE_FLAG_IN_QSBR_LIST = 8;

// ---------------------------------------------------------------------------
// Segment header (`mi_segment_t`), at the segment's start, in its first slice.
//
//  off  width  field            writer / reader, order
//  0    u32    tag              creator (plain, before publication): MI_SEGMENT_TAG
//  4    u32    version          creator: MI_LAYOUT_VERSION
//  8    u32    threadId         owner or reclaimer (Atomics.store) / freeing threads (see free.ts)
//  12   u32    kind             creator: 0 normal, 1 huge
//  16   u32    segmentSize      creator: bytes
//  20   u32    sliceEntries     creator: slice records in use (64 normal, 2 huge)
//  24   u32    used             owner (plain): pages in use
//  28   u32    abandoned        owner (plain): abandoned pages
//  32   u32    abandonedVisits  pool holder (plain, under the pool mutex or as reclaimer)
//  36   u32    abandonedNext    under the pool mutex (plain): next segment in a pool list
//  40   u32    shared           creator: the interpreter's mimalloc state
//  64   slices[sliceEntries + 1] page records, 64 B each
//  8192 thread-free lines: slice i's at 8192 + 64·i, one cache line each:
//       +0 u32 thread-free word | delayed state  any thread (Atomics CAS) / owner (Atomics); see delayed-free-state.ts
//       +4 u32 sliceOffset copy                   segment owner (plain, makePage) / freeing threads (plain, see free.ts)
//       +8 u32 has-aligned copy (page's line)     owner (plain, with the flag) / freeing threads (plain)
//       +12 u32 batch shape (page's line)         owner (plain, makePage) / freeing threads (plain)
// ---------------------------------------------------------------------------

/** Type tag of a segment ('MISG'). @public */ export const MI_SEGMENT_TAG = 0x4753494d;
/** Layout version of this package's structures. @public */ export const MI_LAYOUT_VERSION = 3;
/** @public */ export const SEGMENT_TAG_OFFSET = 0;
/** @public */ export const SEGMENT_VERSION_OFFSET = 4;
/** @public */ export const SEGMENT_THREAD_ID_OFFSET = 8;
/** @public */ export const SEGMENT_KIND_OFFSET = 12;
/** @public */ export const SEGMENT_SIZE_OFFSET = 16;
/** @public */ export const SEGMENT_SLICE_ENTRIES_OFFSET = 20;
/** @public */ export const SEGMENT_USED_OFFSET = 24;
/** @public */ export const SEGMENT_ABANDONED_OFFSET = 28;
/** @public */ export const SEGMENT_ABANDONED_VISITS_OFFSET = 32;
/** @public */ export const SEGMENT_ABANDONED_NEXT_OFFSET = 36;
/** @public */ export const SEGMENT_SHARED_OFFSET = 40;
/** @public */ export const SEGMENT_SLICES_OFFSET = 64;
/** Start of the segment's thread-free array (see PAGE_XTHREAD_FREE_OFFSET). @public */ export const SEGMENT_THREAD_FREE_OFFSET = 8192;
/** @public */ export const SEGMENT_KIND_NORMAL = 0;
/** @public */ export const SEGMENT_KIND_HUGE = 1;

// ---------------------------------------------------------------------------
// Heap record (`mi_heap_t`), four per thread inside the thread record.
//
//  off  width  field              writer / reader, order
//  0    u32    tag                owner at init (plain)
//  4    u32    useQsbr            owner at init (plain): empty pages wait for a QSBR goal
//  8    u32    debugOffset        owner at init, or miThreadSetDebugHeader before the heap has pages (plain)
//  12   u32    threadDelayedFree  any thread (Atomics CAS push) / owner (Atomics.exchange): block list
//  16   u32    thread             owner at init (plain): the thread record
//  20   u32    pageCount          owner (plain)
//  24   u32    retiredMin         owner (plain): lowest bin with a retired page
//  28   u32    retiredMax         owner (plain)
//  32   u32    initialized        owner (Atomics.store) / visitors (Atomics.load)
//  64   u32 × MI_PAGES_DIRECT     owner (plain): direct page table by word size
//  592  12 × MI_BIN_COUNT         owner (plain): page queues {first +0, last +4, blockSize +8}
// ---------------------------------------------------------------------------

/** @public */ export const HEAP_TAG_OFFSET = 0;
/** @public */ export const HEAP_USE_QSBR_OFFSET = 4;
/** @public */ export const HEAP_DEBUG_OFFSET_OFFSET = 8;
/** @public */ export const HEAP_THREAD_DELAYED_FREE_OFFSET = 12;
/** @public */ export const HEAP_THREAD_OFFSET = 16;
/** @public */ export const HEAP_PAGE_COUNT_OFFSET = 20;
/** @public */ export const HEAP_RETIRED_MIN_OFFSET = 24;
/** @public */ export const HEAP_RETIRED_MAX_OFFSET = 28;
/** @public */ export const HEAP_INITIALIZED_OFFSET = 32;
/** @public */ export const HEAP_DIRECT_OFFSET = 64;
/** @public */ export const HEAP_QUEUES_OFFSET = 592;
/** @public */ export const QUEUE_SIZE = 12;
/** @public */ export const QUEUE_FIRST_OFFSET = 0;
/** @public */ export const QUEUE_LAST_OFFSET = 4;
/** @public */ export const QUEUE_BLOCK_SIZE_OFFSET = 8;
/** @public */ export const HEAP_RECORD_SIZE = 1536;

// ---------------------------------------------------------------------------
// Thread record (mimalloc's `mi_tld_t` plus CPython's `_mimalloc_thread_state`).
//
//  off  width  field          writer / reader, order
//  0    u32    tag            owner at init: MI_THREAD_TAG
//  4    u32    tid            owner at init
//  8    u32    shared         owner at init: the interpreter's mimalloc state
//  12   u32    initialized    owner (Atomics.store) / visitors (Atomics.load)
//  16   u32    qsbrHead       owner (plain): QSBR-delayed empty pages, oldest first
//  20   u32    qsbrTail       owner (plain)
//  24   u32    segments       owner (plain): segments owned
//  64   8 × MI_SPAN_QUEUES    owner (plain): free-span queues {first +0, last +4}
//  512  HEAP_RECORD_SIZE × 16 heap records, record i has tag i
//  25088 u32 × MI_PENDING_SLOTS owner (plain) / visitors with the world stopped: pending batch nodes
// ---------------------------------------------------------------------------

/** Type tag of a thread record ('MITD'). @public */ export const MI_THREAD_TAG = 0x4454494d;
/** @public */ export const THREAD_TAG_OFFSET = 0;
/** @public */ export const THREAD_TID_OFFSET = 4;
/** @public */ export const THREAD_SHARED_OFFSET = 8;
/** @public */ export const THREAD_INITIALIZED_OFFSET = 12;
/** @public */ export const THREAD_QSBR_HEAD_OFFSET = 16;
/** @public */ export const THREAD_QSBR_TAIL_OFFSET = 20;
/** @public */ export const THREAD_SEGMENTS_OFFSET = 24;
/** @public */ export const THREAD_SPANS_OFFSET = 64;
/** @public */ export const SPAN_QUEUE_SIZE = 8;
/** @public */ export const SPAN_QUEUE_FIRST_OFFSET = 0;
/** @public */ export const SPAN_QUEUE_LAST_OFFSET = 4;
/** @public */ export const THREAD_HEAPS_OFFSET = 512;
/**
 * The thread's pending batches of frees into other threads' pages (see
 * remote-batch.ts): one node address per slot, 0 = none. In shared memory
 * so that heap visiting and `miAbandonThread` can push them.
 * @public
 */
export const THREAD_PENDING_OFFSET = THREAD_HEAPS_OFFSET + MI_HEAPS_PER_THREAD * HEAP_RECORD_SIZE;
/** @public */ export const THREAD_RECORD_SIZE = THREAD_PENDING_OFFSET + MI_PENDING_SLOTS * 4;

// ---------------------------------------------------------------------------
// Interpreter state (CPython `interp->mimalloc`): abandoned pool, thread
// table, an all-zero "empty page" the direct table points at when a size has
// no page, and the segment map.
//
//  off  width  field             writer / reader, order
//  0    u32    tag               creator: MI_SHARED_TAG
//  4    u32    version           creator
//  8    u32    checked           creator: checked mode for every thread
//  12   u8     poolMutex         PyMutex guarding the abandoned lists
//  16   u32    abandoned         under poolMutex (plain): first abandoned segment
//  20   u32    visited           under poolMutex (plain): abandoned segments already visited
//  24   u32    abandonedCount    under poolMutex (Atomics.store) / stats (Atomics.load)
//  28   u32    visitedCount      under poolMutex (Atomics.store) / stats
//  32   u32    threadCapacity    creator
//  36   u32    segments          Atomics.add / stats: normal segments alive
//  40   u32    hugeSegments      Atomics.add / stats
//  44   u32    reclaimed         Atomics.add / stats: segments reclaimed so far
//  64   64 B   emptyPage         never written: free = 0, so the fast path falls through
//  128  u32 × (threadCapacity+1) owner (Atomics.store) / visitors: thread record by tid
//  …    u32 × MI_SEGMENT_MAP_SIZE segment creator/freer (Atomics.store) / checked free (Atomics.load):
//                                segment start for every 4 MiB window it covers
// ---------------------------------------------------------------------------

/** Type tag of the interpreter's mimalloc state ('MISH'). @public */ export const MI_SHARED_TAG = 0x4853494d;
/** @public */ export const SHARED_TAG_OFFSET = 0;
/** @public */ export const SHARED_VERSION_OFFSET = 4;
/** @public */ export const SHARED_CHECKED_OFFSET = 8;
/** @public */ export const SHARED_POOL_MUTEX_OFFSET = 12;
/** @public */ export const SHARED_ABANDONED_OFFSET = 16;
/** @public */ export const SHARED_VISITED_OFFSET = 20;
/** @public */ export const SHARED_ABANDONED_COUNT_OFFSET = 24;
/** @public */ export const SHARED_VISITED_COUNT_OFFSET = 28;
/** @public */ export const SHARED_THREAD_CAPACITY_OFFSET = 32;
/** @public */ export const SHARED_SEGMENTS_OFFSET = 36;
/** @public */ export const SHARED_HUGE_SEGMENTS_OFFSET = 40;
/** @public */ export const SHARED_RECLAIMED_OFFSET = 44;
/** @public */ export const SHARED_EMPTY_PAGE_OFFSET = 64;
/** @public */ export const SHARED_THREAD_TABLE_OFFSET = 128;
/** One entry per 4 MiB window of a 4 GiB address space. @public */ export const MI_SEGMENT_MAP_SIZE = 1024;
