/**
 * Layouts of the shared structures `@ft/qsbr` owns, declared once.
 *
 * Sequences are u32 compared with wrap-around-safe arithmetic (see
 * sequence.ts); CPython's are u64, which DESIGN.md §3 asks us to avoid.
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------
// QSBR shared state (CPython `_qsbr_shared`, one per interpreter), 192 bytes,
// region-allocated. The slot table is segmented: chunk k holds
// QSBR_FIRST_CHUNK_SLOTS << k slots and is never moved once published, so
// scanners need no stop-the-world to survive growth (CPython reallocates one
// array under a stop-the-world pause instead). The two sequences, read by
// every quiescent state and poll, have a cache line of their own.
//
//  off  width  field           writer / reader, order
//  0    u32    tag             creator once / attachers (plain, immutable): QSBR_TAG
//  4    u32    layoutVersion   creator once / attachers (plain, immutable)
//  8    u8     mutex           PyMutex guarding slot reservation (free list, chunk growth)
//  12   u32    freeList        under mutex (plain): first free slot's address, 0 = none
//  16   u32    registryPrint   first registrant (Atomics CAS 0 → print) / registrants (Atomics.load)
//  20   i32    interpHasWork   under queueMutex (Atomics.store) / processors (Atomics.load, a hint)
//  24   u8     queueMutex      PyMutex guarding the interpreter's delayed-free queue
//  28   u32    queueHead       under queueMutex (plain): first chunk of the interpreter queue
//  32   u32    queueTail       under queueMutex (plain): last chunk
//  36   u32    liveThreads     under mutex (Atomics.add) / stats (Atomics.load)
//  40   u32    freedItems      released slots' and fini's counts (Atomics.add) / stats
//  44   u32    queuedItems     released slots' counts (Atomics.add) / stats
//  48..63      reserved
//  64   i32    wrSeq           advance (Atomics.add) / everyone (Atomics.load); always odd
//  68   i32    rdSeq           pollers (Atomics CAS, only moves forward) / everyone (Atomics.load)
//  72..127     reserved (keeps the sequences' line to themselves)
//  128  u32×16 chunkDir        under mutex (Atomics.store) / scanners (Atomics.load): chunk k's address
//
// Sequences are stored and loaded through the Int32 view: JavaScript then
// always sees them as small integers (a u32 above 2^31 would be a heap
// number, allocated on every load); the wrap-around-safe comparisons work
// on either representation.
// ---------------------------------------------------------------------------

/** Type tag of QSBR shared state ('QSBR' as little-endian bytes). @public */
export const QSBR_TAG = 0x52425351;
/** Layout version of this package's structures. @public */
export const QSBR_LAYOUT_VERSION = 1;
/** @public */ export const QSBR_TAG_OFFSET = 0;
/** @public */ export const QSBR_LAYOUT_VERSION_OFFSET = 4;
/** @public */ export const QSBR_WR_SEQ_OFFSET = 64;
/** @public */ export const QSBR_RD_SEQ_OFFSET = 68;
/** @public */ export const QSBR_MUTEX_OFFSET = 8;
/** @public */ export const QSBR_FREE_LIST_OFFSET = 12;
/** @public */ export const QSBR_REGISTRY_PRINT_OFFSET = 16;
/** @public */ export const QSBR_INTERP_HAS_WORK_OFFSET = 20;
/** @public */ export const QSBR_QUEUE_MUTEX_OFFSET = 24;
/** @public */ export const QSBR_QUEUE_HEAD_OFFSET = 28;
/** @public */ export const QSBR_QUEUE_TAIL_OFFSET = 32;
/** @public */ export const QSBR_LIVE_THREADS_OFFSET = 36;
/** @public */ export const QSBR_FREED_ITEMS_OFFSET = 40;
/** @public */ export const QSBR_QUEUED_ITEMS_OFFSET = 44;
/** @public */ export const QSBR_CHUNK_DIR_OFFSET = 128;
/** Number of slot-table chunks: 8 · (2^16 − 1) slots at most. @public */
export const QSBR_CHUNK_DIR_ENTRIES = 16;
/** Bytes per chunk-directory entry (a u32 address): entry k is at `QSBR_CHUNK_DIR_OFFSET + k * QSBR_CHUNK_DIR_ENTRY_SIZE`. */
export const QSBR_CHUNK_DIR_ENTRY_SIZE = 4;
/** Bytes of the QSBR shared state. @public */ export const QSBR_SHARED_SIZE = 192;
/** Slots in chunk 0 (CPython's `MIN_ARRAY_SIZE`); chunk k holds this times 2^k. @public */
export const QSBR_FIRST_CHUNK_SLOTS = 8;

// ---------------------------------------------------------------------------
// Per-thread QSBR slot (CPython `_qsbr_thread_state` in a 64-byte `_qsbr_pad`).
//
//  off  width  field      writer / reader, order
//  0    i32    seq        owner (Atomics.store) / scanners (Atomics.load): QSBR_OFFLINE or a wrSeq
//  4    u32    allocated  under the shared mutex (plain): 1 while a thread holds the slot
//  8    u32    freeNext   under the shared mutex (plain): next free slot's address
//  12   u32    tid        owner at register (plain) / diagnostics: the holder's thread id
//  16   u32    queueHead  owner only (plain): first chunk of its delayed-free queue
//  20   u32    queueTail  owner only (plain): last chunk
//  24   u32    queued     owner only (plain write) / stats (Atomics.load): blocks it queued
//  28   u32    freed      owner only (plain write) / stats (Atomics.load): blocks its processing freed
//  32..63      reserved
// ---------------------------------------------------------------------------

/** Bytes per thread slot: one cache line. @public */ export const QSBR_SLOT_SIZE = 64;
/** @public */ export const QSBR_SLOT_SEQ_OFFSET = 0;
/** @public */ export const QSBR_SLOT_ALLOCATED_OFFSET = 4;
/** @public */ export const QSBR_SLOT_FREE_NEXT_OFFSET = 8;
/** @public */ export const QSBR_SLOT_TID_OFFSET = 12;
/** @public */ export const QSBR_SLOT_QUEUE_HEAD_OFFSET = 16;
/** @public */ export const QSBR_SLOT_QUEUE_TAIL_OFFSET = 20;
/** @public */ export const QSBR_SLOT_QUEUED_OFFSET = 24;
/** @public */ export const QSBR_SLOT_FREED_OFFSET = 28;

// ---------------------------------------------------------------------------
// Delayed-free work chunk (CPython `_mem_work_chunk`): one 4 KiB region.
// Items are (address, goal, freeId) triples, queued in non-decreasing goal
// order. Owned by one thread's queue, or by the interpreter queue under its
// mutex; only the owner touches it (plain accesses).
//
//  off  width  field   meaning
//  0    u32    tag     WORK_CHUNK_TAG, so a stray pointer fails fast
//  4    u32    next    next chunk in the queue, 0 = last
//  8    u32    rdIdx   first item not yet freed
//  12   u32    wrIdx   first free item place
//  16 + 12·i   item i: u32 address, u32 goal, u32 freeId
// ---------------------------------------------------------------------------

/** Type tag of a delayed-free work chunk ('QWRK'). @public */ export const WORK_CHUNK_TAG = 0x4b525751;
/** Bytes of a delayed-free work chunk (one region granule). @public */ export const WORK_CHUNK_SIZE = 4096;
/** @public */ export const WORK_CHUNK_TAG_OFFSET = 0;
/** @public */ export const WORK_CHUNK_NEXT_OFFSET = 4;
/** @public */ export const WORK_CHUNK_RD_IDX_OFFSET = 8;
/** @public */ export const WORK_CHUNK_WR_IDX_OFFSET = 12;
/** @public */ export const WORK_CHUNK_ITEMS_OFFSET = 16;
/** @public */ export const WORK_ITEM_SIZE = 12;
/** @public */ export const WORK_ITEM_ADDRESS_OFFSET = 0;
/** @public */ export const WORK_ITEM_GOAL_OFFSET = 4;
/** @public */ export const WORK_ITEM_FREE_ID_OFFSET = 8;
/** Items per chunk: (4096 − 16) / 12 = 340 (CPython: 254 16-byte items). @public */
export const WORK_ITEMS_PER_CHUNK = Math.floor((WORK_CHUNK_SIZE - WORK_CHUNK_ITEMS_OFFSET) / WORK_ITEM_SIZE);
