/**
 * Layouts of the shared structures `@ft/refcount` owns, declared once: the
 * object header (DESIGN.md §5), the type core, the per-interpreter refcount
 * state (merge-queue buckets, unique-id pool, reference total), the per-thread
 * record and the chunks of a merge queue.
 *
 * Offsets are bytes from the structure's start; `_INDEX` constants are the
 * same offsets in 4-byte words, for `heap.u32[(address >>> 2) + X_INDEX]`.
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------
// Object header (`PyObject` of the free-threaded build, 32-bit words).
//
//  off  width  field          written by                      read by / order
//  0    u32    ob_tid         creator; merger (owner or with   everyone; plain by the owner test,
//                             the bucket lock); GC (world      Atomics where CPython uses seq_cst
//                             stopped, as a link)              (queueing) — gh-119999 ordering
//  4    u16    ob_flags       creator (immortal/static flags)  plain
//  6    u8     ob_mutex       PyMutex (Atomics on the byte)    PyMutex
//  7    u8     ob_gc_bits     Atomics on the byte (or world    GC, deferred test
//                             stopped)
//  8    u32    ob_ref_local   owner thread only, plain         owner; others while the world is
//                             (0xFFFFFFFF = immortal)          stopped or as an immortal hint
//  12   i32    ob_ref_shared  Atomics (count << 2 | flags)     Atomics, or a plain hint re-validated
//                                                              by a CAS
//  16   u32    ob_type        creator                          everyone (immutable while alive)
//  20   u32    ob_size        variable-size objects only
//
// ob_ref_shared flag states (low two bits):
//   0 INIT           nobody else looked: the owner may free at local zero without a CAS
//   1 MAYBE_WEAKREF  a lock-free reader may try to incref: the owner must merge with a CAS
//   2 QUEUED         handed to the owner's merge queue (the queue holds one reference)
//   3 MERGED         local and shared merged; ob_tid is 0; terminal until resurrection
// ---------------------------------------------------------------------------

/** `ob_tid`: the owning thread id, 0 = merged or immortal. @beta */ export const OB_TID_OFFSET = 0;
/** `ob_flags` (u16): OB_FLAG_* bits. @beta */ export const OB_FLAGS_OFFSET = 4;
/** `ob_mutex`: the object's PyMutex byte (critical sections). @beta */ export const OB_MUTEX_OFFSET = 6;
/** `ob_gc_bits` (u8): GC_BITS_* bits, changed with byte atomics. @beta */ export const OB_GC_BITS_OFFSET = 7;
/** `ob_ref_local` (u32): the owner's count; 0xFFFFFFFF = immortal. @beta */ export const OB_REF_LOCAL_OFFSET = 8;
/** `ob_ref_shared` (i32): (shared count × 4) + REF_* flags. @beta */ export const OB_REF_SHARED_OFFSET = 12;
/** `ob_type`: address of the type object. @beta */ export const OB_TYPE_OFFSET = 16;
/** `ob_size` of variable-size objects (`PyVarObject`). @beta */ export const OB_SIZE_OFFSET = 20;
/** Bytes of `PyObject_HEAD`. @beta */ export const OBJECT_HEADER_SIZE = 20;
/** Bytes of `PyObject_VAR_HEAD`. @beta */ export const VAR_OBJECT_HEADER_SIZE = 24;

/** `ob_tid` in words from the object address. */ export const OB_TID_INDEX = OB_TID_OFFSET >>> 2;
/** The word holding `ob_flags`, `ob_mutex` and `ob_gc_bits`, in words from the object address. */
export const OB_FLAGS_INDEX = OB_FLAGS_OFFSET >>> 2;
/** `ob_ref_local` in words from the object address. */ export const OB_REF_LOCAL_INDEX = OB_REF_LOCAL_OFFSET >>> 2;
/** `ob_ref_shared` in words from the object address. */ export const OB_REF_SHARED_INDEX = OB_REF_SHARED_OFFSET >>> 2;
/** `ob_type` in words from the object address. */ export const OB_TYPE_INDEX = OB_TYPE_OFFSET >>> 2;
/** `ob_size` in words from the object address. */ export const OB_SIZE_INDEX = OB_SIZE_OFFSET >>> 2;

/** `ob_ref_local` of an immortal object (`_Py_IMMORTAL_REFCNT_LOCAL`). @beta */
export const IMMORTAL_REFCNT_LOCAL = 0xffffffff;
/**
 * What {@link getRefcount} reports for an immortal object: CPython 3.14's
 * `_Py_IMMORTAL_INITIAL_REFCNT` (3 · 2^30).
 * @public
 */
export const IMMORTAL_REFCNT = 3 * 2 ** 30;
/** `_Py_REF_SHARED_SHIFT`. */ export const REF_SHARED_SHIFT = 2;
/** `_Py_REF_SHARED_FLAG_MASK`. @beta */ export const REF_SHARED_FLAG_MASK = 0x3;
/** One counted reference in `ob_ref_shared`. @beta */ export const REF_SHARED_UNIT = 1 << REF_SHARED_SHIFT;
/** Shared flags: nobody else looked (`_Py_REF_SHARED_INIT`). */ export const REF_SHARED_INIT = 0;
/** Shared flags: lock-free readers may try to incref (`_Py_REF_MAYBE_WEAKREF`). @beta */ export const REF_MAYBE_WEAKREF = 1;
/** Shared flags: queued for its owner to merge (`_Py_REF_QUEUED`). @beta */ export const REF_QUEUED = 2;
/** Shared flags: counts merged, no owner (`_Py_REF_MERGED`). @beta */ export const REF_MERGED = 3;
/** Largest shared count: `ob_ref_shared` is an i32 holding `count << 2`. */
export const REF_SHARED_COUNT_MAX = (2 ** 31 - 1) >> REF_SHARED_SHIFT;
/**
 * The bias a deferred object's shared count carries (CPython 3.14's
 * `_Py_REF_DEFERRED`, there 2^60 − 1). Ours is 2^26: with 30 bits of shared
 * count it still leaves 2^29 − 2^26 real references before saturation, and no
 * plausible number of uncounted stack references can take it to zero.
 * @beta
 */
export const REF_DEFERRED = 1 << 26;

// ob_flags (CPython 3.14).
/** `_Py_IMMORTAL_FLAGS`. @beta */ export const OB_FLAG_IMMORTAL = 1 << 0;
/** `_Py_STATICALLY_ALLOCATED_FLAG`. @beta */ export const OB_FLAG_STATICALLY_ALLOCATED = 1 << 2;

// ob_gc_bits (`_PyGC_BITS_*`). The GC layer owns their meaning; they are
// declared here because the header is this layer's.
/** `_PyGC_BITS_TRACKED`: tracked by the cycle GC. @beta */ export const GC_BITS_TRACKED = 1;
/** `_PyGC_BITS_FINALIZED`: tp_finalize has run. @beta */ export const GC_BITS_FINALIZED = 2;
/** `_PyGC_BITS_UNREACHABLE`: found unreachable by a collection. @beta */ export const GC_BITS_UNREACHABLE = 4;
/** `_PyGC_BITS_FROZEN`: frozen by gc.freeze(). @beta */ export const GC_BITS_FROZEN = 8;
/** `_PyGC_BITS_SHARED`: may be read by other threads (lock-free containers). @beta */ export const GC_BITS_SHARED = 16;
/** `_PyGC_BITS_ALIVE`: reachable (3.14 marking). @beta */ export const GC_BITS_ALIVE = 32;
/** `_PyGC_BITS_DEFERRED`: deferred reference counting. @beta */ export const GC_BITS_DEFERRED = 64;

// ---------------------------------------------------------------------------
// Type core: the part of a type object the low layers read. A type object is
// a variable-size object (its header includes ob_size), so the core starts at
// 24. All fields are written by the type's creator before the type is
// published and never change afterwards, except `unique_id` (cleared under the
// unique-id pool lock when per-thread counting is disabled).
//
//  off  width  field         meaning
//  24   u32    tp_flags      TYPE_FLAG_* (CPython's Py_TPFLAGS_* bit values)
//  28   u32    tp_basicsize  bytes of an instance without items
//  32   u32    tp_itemsize   bytes per item of a variable-size instance
//  36   u32    tp_dealloc    behaviour id (dealloc registry)
//  40   u32    tp_traverse   behaviour id (traverse registry), 0 = none
//  44   u32    tp_clear      behaviour id (clear registry), 0 = none
//  48   u32    tp_finalize   behaviour id (finalize registry), 0 = none
//  52   u32    unique_id     per-thread refcount id, 0 = none (`_Py_INVALID_UNIQUE_ID`)
//  56..63      reserved for the objects layer's use
// ---------------------------------------------------------------------------

/** Type core: `tp_flags` (TYPE_FLAG_* bits). @beta */ export const TP_FLAGS_OFFSET = 24;
/** Type core: `tp_basicsize` in bytes. @beta */ export const TP_BASICSIZE_OFFSET = 28;
/** Type core: `tp_itemsize` in bytes. @beta */ export const TP_ITEMSIZE_OFFSET = 32;
/** Type core: dealloc behaviour id. @beta */ export const TP_DEALLOC_OFFSET = 36;
/** Type core: traverse behaviour id (0 = none). @beta */ export const TP_TRAVERSE_OFFSET = 40;
/** Type core: clear behaviour id (0 = none). @beta */ export const TP_CLEAR_OFFSET = 44;
/** Type core: finalize behaviour id (0 = none). @beta */ export const TP_FINALIZE_OFFSET = 48;
/** Type core: unique id for per-thread counting (0 = none). @beta */ export const TP_UNIQUE_ID_OFFSET = 52;
/** Bytes of the type core; the objects layer's type object extends it. @beta */
export const TYPE_CORE_SIZE = 64;

/** `tp_flags` in words from the type address. */ export const TP_FLAGS_INDEX = TP_FLAGS_OFFSET >>> 2;
/** The dealloc id in words from the type address. */ export const TP_DEALLOC_INDEX = TP_DEALLOC_OFFSET >>> 2;
/** The unique id in words from the type address. */ export const TP_UNIQUE_ID_INDEX = TP_UNIQUE_ID_OFFSET >>> 2;

/** A static, immortal builtin type (`_Py_TPFLAGS_STATIC_BUILTIN`). @beta */ export const TYPE_FLAG_STATIC_BUILTIN = 1 << 1;
/** `Py_TPFLAGS_HEAPTYPE`: a refcounted type object. @beta */ export const TYPE_FLAG_HEAPTYPE = 1 << 9;
/** `Py_TPFLAGS_HAVE_GC`: instances are tracked by the cycle GC. @beta */ export const TYPE_FLAG_HAVE_GC = 1 << 14;

// ---------------------------------------------------------------------------
// Per-interpreter refcount state. Region-allocated.
//
//  off   width        field               written by                 read by
//  0     u32          tag                 create                     attach
//  4     u32          version             create                     attach
//  8     u32          fingerprint         create (behaviour registries)  join (compare)
//  12    u32          mode                create (0 biased, 1 naive) every thread at join
//  16    i32          refTotal            Atomics.add at thread exit  getTotalRefcount
//  20    i32          immortalize         Atomics (3.13 measure: -1 off, 0 armed, 1 done)
//  24    i32          threads             Atomics (registered thread count)
//  28    u8 (word)    pool mutex          PyMutex byte
//  32    u32          pool table          under the pool lock: address of u32[size] objects
//  36    u32          pool size           under the pool lock (entries)
//  40    u32          pool free bitmap    under the pool lock: 1 bit per id, 1 = free
//  44    u32          pool live ids       under the pool lock
//  48    i32          threadsEverJoined   Atomics (first non-main thread detection)
//  52    u32          refDebug            create (1: count the reference total, Py_REF_DEBUG) every thread at join
//  64    8 × 257      merge buckets       { u8 PyMutex (word), u32 first thread record }
// ---------------------------------------------------------------------------

/** Type tag of the refcount state ('RCNT'). */ export const RC_STATE_TAG = 0x544e4352;
/** Layout version of this package's structures. @public */ export const REFCOUNT_LAYOUT_VERSION = 2;
/** Refcount state: type tag. */ export const RC_TAG_OFFSET = 0;
/** Refcount state: layout version. */ export const RC_VERSION_OFFSET = 4;
/** Refcount state: behaviour-registry fingerprint. */ export const RC_FINGERPRINT_OFFSET = 8;
/** Refcount state: RC_MODE_*. */ export const RC_MODE_OFFSET = 12;
/** Refcount state: merged reference total. */ export const RC_REF_TOTAL_OFFSET = 16;
/** Refcount state: the 3.13 measure's state. */ export const RC_IMMORTALIZE_OFFSET = 20;
/** Refcount state: registered threads. */ export const RC_THREADS_OFFSET = 24;
/** Refcount state: unique-id pool lock. */ export const RC_POOL_MUTEX_OFFSET = 28;
/** Refcount state: unique-id table address. */ export const RC_POOL_TABLE_OFFSET = 32;
/** Refcount state: unique-id pool size. */ export const RC_POOL_SIZE_OFFSET = 36;
/** Refcount state: free-id bitmap address. */ export const RC_POOL_BITMAP_OFFSET = 40;
/** Refcount state: ids in use. */ export const RC_POOL_LIVE_OFFSET = 44;
/** Refcount state: threads that ever joined. */ export const RC_THREADS_EVER_OFFSET = 48;
/** Refcount state: 1 if threads count the reference total (`Py_REF_DEBUG`). */ export const RC_REF_DEBUG_OFFSET = 52;
/** Refcount state: the merge buckets. */ export const RC_BUCKETS_OFFSET = 64;
/** `_Py_BRC_NUM_BUCKETS` (a prime). */ export const BRC_NUM_BUCKETS = 257;
/** Bytes per merge bucket. */ export const BRC_BUCKET_SIZE = 8;
/** Merge bucket: PyMutex byte. */ export const BRC_BUCKET_MUTEX_OFFSET = 0;
/** Merge bucket: first thread record. */ export const BRC_BUCKET_HEAD_OFFSET = 4;
/** Bytes of the refcount state. */ export const RC_STATE_SIZE = RC_BUCKETS_OFFSET + BRC_NUM_BUCKETS * BRC_BUCKET_SIZE;

/** Reference counting mode: biased (CPython's). */ export const RC_MODE_BIASED = 0;
/** Reference counting mode: one atomic count per object (benchmark baseline only). */ export const RC_MODE_NAIVE = 1;

/** Smallest unique-id pool (`POOL_MIN_SIZE`). */ export const UNIQUE_ID_POOL_MIN_SIZE = 8;

// ---------------------------------------------------------------------------
// Per-thread record (`_brc_thread_state` plus the per-thread refcount array),
// 64 bytes, linked into its merge bucket.
//
//  off  width  field            written by                     read by
//  0    u32    next             under the bucket lock          under the bucket lock
//  4    u32    tid              at registration                under the bucket lock
//  8    u32    objectsToMerge   under the bucket lock (top chunk)  owner under the bucket lock
//  12   i32    mergeRequest     Atomics.or by queueing threads Atomics by the owner (default eval breaker)
//  16   u32    evalBreaker      owner, before registration     queueing threads (address of an Int32 word)
//  20   u32    evalBreakerBit   owner, before registration     queueing threads
//  24   u32    counts           owner (plain); GC with the world stopped: address of i32[size]
//  28   u32    countsSize       owner (plain); GC with the world stopped
// ---------------------------------------------------------------------------

/** Thread record: next in its bucket. */ export const TR_NEXT_OFFSET = 0;
/** Thread record: tid. */ export const TR_TID_OFFSET = 4;
/** Thread record: queue top chunk. */ export const TR_OBJECTS_TO_MERGE_OFFSET = 8;
/** Thread record: default merge-request word. */ export const TR_MERGE_REQUEST_OFFSET = 12;
/** Thread record: address of the word to signal. */ export const TR_EVAL_BREAKER_OFFSET = 16;
/** Thread record: the bit to set in it. */ export const TR_EVAL_BREAKER_BIT_OFFSET = 20;
/** Thread record: per-thread count array. */ export const TR_COUNTS_OFFSET = 24;
/** Thread record: entries in it. */ export const TR_COUNTS_SIZE_OFFSET = 28;
/** Bytes of a thread record. */ export const THREAD_RECORD_SIZE = 64;

// ---------------------------------------------------------------------------
// Object-stack chunk (`_PyObjectStackChunk`): one 4 KiB region.
//
//  off  width      field  meaning
//  0    u32        prev   the chunk below, 0 = bottom
//  4    u32        n      objects in this chunk
//  8    u32 × 1022 objs
// ---------------------------------------------------------------------------

/** Bytes of an object-stack chunk. */ export const STACK_CHUNK_SIZE = 4096;
/** Chunk: the chunk below. */ export const STACK_CHUNK_PREV_OFFSET = 0;
/** Chunk: objects held. */ export const STACK_CHUNK_N_OFFSET = 4;
/** Chunk: the objects. */ export const STACK_CHUNK_OBJS_OFFSET = 8;
/** Objects per chunk. */ export const STACK_CHUNK_CAPACITY = (STACK_CHUNK_SIZE - STACK_CHUNK_OBJS_OFFSET) >>> 2;
/** Empty chunks a thread keeps for reuse (CPython keeps 4). */ export const STACK_CHUNK_CACHE = 4;
