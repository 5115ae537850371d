/**
 * A thread's mimalloc state (mimalloc's `mi_tld_t` and heaps, CPython's
 * `_mimalloc_thread_state`): a record in shared memory with the thread's
 * free-span queues, its list of QSBR-delayed pages and one heap record per
 * tag, plus a thread-local `MiThread` object with the views and addresses the
 * hot paths need. The heaps live in shared memory because other threads push
 * onto a heap's delayed-free list and the GC walks every thread's pages.
 */

import { fatalError, regionAlloc, type SharedHeap } from '@ft/atomics';
import { QsbrThread } from '@ft/qsbr';
import { checkIntegerIn, rejectTag } from './argument-checks.js';
import {
  HEAP_DEBUG_OFFSET_OFFSET,
  HEAP_DIRECT_OFFSET,
  HEAP_INITIALIZED_OFFSET,
  HEAP_PAGE_COUNT_OFFSET,
  HEAP_QUEUES_OFFSET,
  HEAP_RECORD_SIZE,
  HEAP_TAG_OFFSET,
  HEAP_THREAD_OFFSET,
  HEAP_USE_QSBR_OFFSET,
  MI_BIN_COUNT,
  MI_HEAP_GC_PRE,
  MI_HEAP_MEM,
  MI_HEAP_OBJECT,
  MI_MAX_TAG,
  MI_OBJECT_DEBUG_OFFSET,
  MI_PAGES_DIRECT,
  MI_PENDING_SLOTS,
  MI_STANDARD_HEAPS,
  MI_THREAD_TAG,
  QUEUE_BLOCK_SIZE_OFFSET,
  QUEUE_SIZE,
  SHARED_CHECKED_OFFSET,
  SHARED_EMPTY_PAGE_OFFSET,
  THREAD_HEAPS_OFFSET,
  THREAD_INITIALIZED_OFFSET,
  THREAD_RECORD_SIZE,
  THREAD_PENDING_OFFSET,
  THREAD_SHARED_OFFSET,
  THREAD_TAG_OFFSET,
  THREAD_TID_OFFSET,
} from './layout.js';
import { checkMiShared, threadTableEntry } from './mi-shared.js';
import { binBlockSize } from './size-class.js';

// Module-local copy for the tag check on the allocation path (see the root README).
const K_MI_MAX_TAG = MI_MAX_TAG;

/**
 * One thread's handle on its mimalloc state. Thread-local: create it with
 * {@link miThreadInit} on the thread that allocates with it.
 * @public
 */
export class MiThread {
  // The fields are `declare`d and assigned once in the constructor: with ES2022
  // class fields a plain declaration first defines each field as `undefined`,
  // so V8 sees it change and tracks it as a mutable field of any representation.
  // Assigned once, every field is a constant field with an exact
  // representation (Smi, or a typed array of a known map): the hot paths load
  // `t.u32` and `t.fastPathTid` without a map or Smi check, and where `t` is a
  // constant V8 folds the view's data pointer and length into the code
  // (measured: malloc + free of 32 bytes 10.2 → 6.0 ns).
  /** This thread's view of the heap. */
  declare readonly heap: SharedHeap;
  /** Cached views (the hot paths use them directly). */
  declare readonly u8: Uint8Array;
  /** Cached u32 view. */
  declare readonly u32: Uint32Array;
  /** Cached i32 view. */
  declare readonly i32: Int32Array;
  /** Thread id that owns the record (the allocating thread's tid). */
  declare readonly tid: number;
  /** Address of the interpreter's mimalloc state. */
  declare readonly shared: number;
  /** Address of the thread record. */
  declare readonly record: number;
  /** Address of the mem heap's record (tag 0), the default for `miMalloc`. */
  declare readonly memHeap: number;
  /** Address of the all-zero page the direct table points at for sizes without a page. */
  declare readonly emptyPage: number;
  /** QSBR registration used for delayed page reuse (null: object pages are freed at once). */
  declare readonly qsbr: QsbrThread | null;
  /** Checked mode (from the interpreter's state). */
  declare readonly checked: boolean;
  /**
   * The tid the free fast path compares segment owners with: -1 in checked
   * mode, so that every free takes the validating path without a mode test.
   */
  declare readonly fastPathTid: number;
  /**
   * The lowest address a block can have (the heap's `regionStart`): the
   * entry points refuse addresses outside `[addressLow, addressLow + addressSpan)`.
   */
  declare readonly addressLow: number;
  /** Bytes from {@link MiThread.addressLow} to the end of the heap. */
  declare readonly addressSpan: number;
  /** u32 index of the thread record's first pending-batch slot (remote-batch.ts). @internal */
  declare readonly pendingIndex: number;
  /**
   * This thread's private copy of its pending batches (remote-batch.ts):
   * per slot, the page, the count, the capacity and the u32 index of the
   * node's count word; valid while the shared slot is not 0.
   * @internal
   */
  declare readonly pending: Uint32Array;
  /** True after the thread's heaps were abandoned. */
  exited = false;
  /**
   * Bytes the allocator's debug hooks put before each object (0, or 16 with
   * the hooks on); set by {@link miThreadSetDebugHeader}.
   */
  debugHeaderBytes = 0;
  /**
   * The heap the object domain allocates from (CPython's
   * `tstate->mimalloc.current_object_heap`): `MI_HEAP_OBJECT`, switched to
   * `MI_HEAP_GC` around the allocation of a GC type's instance, so that the
   * collector finds it by visiting the GC heaps.
   */
  currentObjectTag: number = MI_HEAP_OBJECT;

  /** @internal */
  constructor(heap: SharedHeap, shared: number, record: number, tid: number, qsbr: QsbrThread | null) {
    this.heap = heap;
    this.u8 = heap.u8;
    this.u32 = heap.u32;
    this.i32 = heap.i32;
    this.tid = tid;
    this.shared = shared;
    this.record = record;
    this.memHeap = heapRecord(record, MI_HEAP_MEM);
    this.pendingIndex = (record + THREAD_PENDING_OFFSET) >>> 2;
    this.pending = new Uint32Array(4 * MI_PENDING_SLOTS);
    this.emptyPage = shared + SHARED_EMPTY_PAGE_OFFSET;
    this.qsbr = qsbr;
    // SAFETY: `checked` is written once by the creator before it publishes
    // the state (the Atomics.store of its tag, which checkMiShared loaded).
    this.checked = heap.u32[(shared + SHARED_CHECKED_OFFSET) >>> 2] !== 0;
    this.fastPathTid = this.checked ? -1 : tid;
    this.addressLow = heap.regionStart;
    this.addressSpan = heap.size - heap.regionStart;
  }
}

/**
 * Address of the heap record for `tag` in a thread record.
 * @internal
 */
export function heapRecord(record: number, tag: number): number {
  return record + THREAD_HEAPS_OFFSET + tag * HEAP_RECORD_SIZE;
}

/**
 * Sets up the calling thread's mimalloc state (CPython `tstate_mimalloc_bind`):
 * the four standard heaps mem (0), object (1), gc (2) and gc with pre-header
 * (3); the object heaps delay the reuse of emptied pages through `qsbr`
 * (null: emptied pages are freed at once).
 * Throws when the heap has no room for the thread record; a `FatalError`
 * when `shared` is not mimalloc state or the thread already has some; a
 * `TypeError` when `qsbr` is neither null nor a `QsbrThread` of the same heap.
 * @example
 * ```ts
 * const t = miThreadInit(heap, mi, qsbrThread);
 * const p = miMalloc(t, 100);
 * miFree(t, p);
 * miThreadExit(t); // abandons pages that still hold live blocks
 * ```
 * @public
 */
export function miThreadInit(heap: SharedHeap, shared: number, qsbr: QsbrThread | null): MiThread {
  checkMiShared(heap, shared);
  checkQsbrThread('miThreadInit', heap, qsbr);
  const entry = threadTableEntry(shared, heap.tid);
  if (Atomics.load(heap.u32, entry >>> 2) !== 0) fatalError(`thread ${heap.tid} already has mimalloc state`);
  const record = regionAlloc(heap, THREAD_RECORD_SIZE);
  if (record === 0) throw new Error('miThreadInit: out of shared memory for the thread record');
  // SAFETY: the record is ours and unpublished until the table entry is set.
  const u32 = heap.u32;
  u32[(record + THREAD_TAG_OFFSET) >>> 2] = MI_THREAD_TAG;
  u32[(record + THREAD_TID_OFFSET) >>> 2] = heap.tid;
  u32[(record + THREAD_SHARED_OFFSET) >>> 2] = shared;
  const t = new MiThread(heap, shared, record, heap.tid, qsbr);
  for (let tag = 0; tag < MI_STANDARD_HEAPS; tag++) initHeap(t, tag);
  Atomics.store(u32, entry >>> 2, record);
  Atomics.store(u32, (record + THREAD_INITIALIZED_OFFSET) >>> 2, 1);
  return t;
}

/**
 * Fails unless `qsbr` is null or a QSBR registration on the same memory as
 * `heap` (its goals would otherwise be read from another heap).
 * @internal
 */
export function checkQsbrThread(fn: string, heap: SharedHeap, qsbr: unknown): void {
  if (qsbr === null) return;
  if (!(qsbr instanceof QsbrThread) || qsbr.heap.buffer !== heap.buffer) {
    throw new TypeError(`${fn}: qsbr must be null or a QsbrThread registered on the same heap`);
  }
}

/**
 * The heap record of `tag` (0..15) of thread `t`, initialising tags above 3
 * on first use. A tag that is not an integer from 0 to 15 is a `TypeError`
 * (not a number) or a `RangeError`.
 * SAFETY: `initialized` is written by the owner thread only (with
 * `Atomics.store`, for visitors); `t` is that owner.
 * @internal
 */
export function heapOfTag(t: MiThread, tag: number): number {
  if (!(typeof tag === 'number' && tag >>> 0 === tag && tag <= K_MI_MAX_TAG)) rejectTag(tag);
  const heap = heapRecord(t.record, tag);
  if (t.u32[(heap + HEAP_INITIALIZED_OFFSET) >>> 2] === 0) initHeap(t, tag);
  return heap;
}

/** Whether `tag` is one of the object heaps (object, gc, gc with pre-header). */
function isObjectHeap(tag: number): boolean {
  return tag !== MI_HEAP_MEM && tag <= MI_HEAP_GC_PRE;
}

/** Bytes of the GC pre-header (managed dict and weakref pointers) before an object of heap 3. */
const GC_PRE_HEADER_BYTES = 16;

/** The debug offset of heap `tag` of `t`: the protected object header, widened by the debug hooks' header. */
function debugOffsetOf(t: MiThread, tag: number): number {
  if (!isObjectHeap(tag)) return 0;
  return (tag === MI_HEAP_GC_PRE ? MI_OBJECT_DEBUG_OFFSET + GC_PRE_HEADER_BYTES : MI_OBJECT_DEBUG_OFFSET) + t.debugHeaderBytes;
}

/**
 * Initialises heap record `tag` of `t`'s thread record.
 * SAFETY: the record is written by its owner only; visitors look at it only
 * after they see `initialized` set (Atomics.store, last).
 */
function initHeap(t: MiThread, tag: number): void {
  const u32 = t.u32;
  const heap = heapRecord(t.record, tag);
  // Object heaps protect the header bytes and wait for QSBR before reusing pages.
  const objectHeap = isObjectHeap(tag);
  u32[(heap + HEAP_TAG_OFFSET) >>> 2] = tag;
  u32[(heap + HEAP_USE_QSBR_OFFSET) >>> 2] = objectHeap && t.qsbr !== null ? 1 : 0;
  u32[(heap + HEAP_DEBUG_OFFSET_OFFSET) >>> 2] = debugOffsetOf(t, tag);
  u32[(heap + HEAP_THREAD_OFFSET) >>> 2] = t.record;
  for (let w = 0; w < MI_PAGES_DIRECT; w++) u32[(heap + HEAP_DIRECT_OFFSET + 4 * w) >>> 2] = t.emptyPage;
  for (let bin = 0; bin < MI_BIN_COUNT; bin++) {
    u32[(heap + HEAP_QUEUES_OFFSET + bin * QUEUE_SIZE + QUEUE_BLOCK_SIZE_OFFSET) >>> 2] = binBlockSize(bin);
  }
  Atomics.store(u32, (heap + HEAP_INITIALIZED_OFFSET) >>> 2, 1);
}

/** Largest debug header {@link miThreadSetDebugHeader} accepts (the page field is a byte). */
const MAX_DEBUG_HEADER_BYTES = 64;

/**
 * Widens the debug offset of thread `t`'s object heaps (tags 1, 2, 3) by the
 * `bytes` the allocator's debug hooks put before each object, as CPython's
 * `tstate_mimalloc_bind` adds `2 * sizeof(size_t)` when `_PyMem_DebugEnabled()`:
 * the object header then starts `bytes` into the block, and checked mode's
 * 0xDD fill of a freed block must skip it there. Only pages created
 * afterwards take the new offset (a page keeps the offset of the heap that
 * created it, as in CPython), so call it before the thread allocates
 * objects: it throws when an object heap already has pages and the offset
 * would change. Calling it again with the same value does nothing.
 * Not on any hot path: the offset is read only by checked mode's free.
 * @example
 * ```ts
 * const t = miThreadInit(heap, mi, qsbrThread);
 * miThreadSetDebugHeader(t, 16);   // the debug hooks go on before the first object
 * ```
 * @public
 */
export function miThreadSetDebugHeader(t: MiThread, bytes: number): void {
  checkIntegerIn('miThreadSetDebugHeader', 'the debug header', bytes, 0, MAX_DEBUG_HEADER_BYTES);
  if (bytes % 8 !== 0) {
    throw new RangeError(`miThreadSetDebugHeader: the debug header must be a multiple of 8 from 0 to ${MAX_DEBUG_HEADER_BYTES} bytes, got ${bytes}`);
  }
  if (bytes === t.debugHeaderBytes) return;
  // SAFETY: heap records, page counts included, are owner-only fields.
  const u32 = t.u32;
  for (let tag = MI_HEAP_MEM + 1; tag <= MI_HEAP_GC_PRE; tag++) {
    const heap = heapRecord(t.record, tag);
    if (u32[(heap + HEAP_PAGE_COUNT_OFFSET) >>> 2] !== 0) {
      throw new Error(
        `miThreadSetDebugHeader: thread ${t.tid}'s heap ${tag} already has pages with a ${u32[(heap + HEAP_DEBUG_OFFSET_OFFSET) >>> 2]}-byte debug offset; set the debug header before the thread allocates objects`,
      );
    }
  }
  t.debugHeaderBytes = bytes;
  // SAFETY: heap records are written by their owner thread only; other
  // threads read a page's copy of the offset, and these heaps have no page yet.
  for (let tag = MI_HEAP_MEM + 1; tag <= MI_HEAP_GC_PRE; tag++) {
    u32[(heapRecord(t.record, tag) + HEAP_DEBUG_OFFSET_OFFSET) >>> 2] = debugOffsetOf(t, tag);
  }
}
