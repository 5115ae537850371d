/**
 * Heap visiting (mimalloc `mi_heap_visit_blocks`, CPython's
 * `_mi_abandoned_pool_visit_blocks`): what the GC uses to find every object,
 * since free-threaded CPython keeps no list of them. Visits every live block
 * of the heaps with the given tags in every thread of the interpreter, and of
 * abandoned segments' pages with those tags.
 *
 * Every thread's pending batches of frees (remote-batch.ts) are pushed
 * first, then each page's free lists are collected so its `used` count is exact;
 * then an empty page is skipped, a one-block or completely used page is
 * walked directly, and any other page gets a bitmap with one bit per free
 * block, built from its free list (block index = offset / block size).
 *
 * Only safe while no thread allocates, frees, abandons or reclaims in the
 * interpreter (the GC stops the world first): it touches other threads' pages.
 */

import { assertWorldStopped, currentParticipant, fatalError } from '@ft/atomics';
import {
  HEAP_INITIALIZED_OFFSET,
  MI_HEAPS_PER_THREAD,
  MI_SEGMENT_TAG,
  MI_SLICE_SHIFT,
  PAGE_BLOCK_SIZE_OFFSET,
  PAGE_CAPACITY_OFFSET,
  PAGE_RECORD_SIZE,
  PAGE_SLICE_OFFSET_OFFSET,
  MI_OBJECT_DEBUG_OFFSET,
  PAGE_DEBUG_OFFSET_OFFSET,
  PAGE_FREE_OFFSET,
  PAGE_START_OFFSET,
  PAGE_TAG_OFFSET,
  PAGE_USED_OFFSET,
  SEGMENT_ABANDONED_NEXT_OFFSET,
  SEGMENT_SLICE_ENTRIES_OFFSET,
  SEGMENT_SLICES_OFFSET,
  SEGMENT_TAG_OFFSET,
  SEGMENT_THREAD_ID_OFFSET,
  SHARED_ABANDONED_OFFSET,
  SHARED_VISITED_OFFSET,
  THREAD_INITIALIZED_OFFSET,
  THREAD_TID_OFFSET,
} from './layout.js';
import { checkIntegerIn } from './argument-checks.js';
import { heapDelayedFreeAll } from './free.js';
import { segmentMapEntry, threadCapacity, threadTableEntry } from './mi-shared.js';
import { heapRecord, MiThread } from './mi-thread.js';
import { pageFreeCollect } from './page.js';
import { pushPendingFrees } from './remote-batch.js';
import { forEachHeapPage } from './page-queue.js';
import { forEachPage, segmentOf } from './segment.js';

/**
 * Receives each live block: its address, its size, and the address of the
 * object in it — the block's address, plus on the object heaps what precedes
 * the object (the debug hooks' 16-byte header when they are on, the GC
 * pre-header on heap 3), as CPython's `gc_visit_heaps` computes it.
 * @public
 */
export type MiBlockVisitor = (block: number, size: number, object: number) => void;

/**
 * A test seam: the control variant of the batched-free world test turns the
 * push of pending batches off, to show that its exact check catches a
 * visit that takes pending blocks for live ones. Never false otherwise.
 * @internal
 */
export const visitSeams = { pushPendingFrees: true };

/** Scratch bitmap of free blocks, grown as needed (thread-local). */
let freeMap = new Uint32Array(2048);

/**
 * Visits every live block in heaps whose tag bit is set in `tagMask`
 * (bit `1 << tag`), across all threads of `t`'s interpreter and its abandoned
 * segments. Returns the number of blocks visited. `tagMask` must be an
 * integer from 0 to 0xFFFF and `visitor` a function (`TypeError` /
 * `RangeError` otherwise, before any page is touched).
 *
 * SAFETY: the caller guarantees that no other thread allocates, frees,
 * abandons or reclaims in the interpreter meanwhile (the GC stops the world
 * first; CPython's `gc_visit_heaps` holds the same contract). When the
 * calling thread has a world participant (`@ft/atomics`), that is asserted:
 * its group's world (or the whole world) must be stopped by this thread. Under it this
 * thread may act as every other thread: it drains their heaps' delayed-free
 * lists and collects their pages' free lists as their owner would (rows 7
 * and 10 of the delayed-free table, through a MiThread over that thread's
 * record), and it walks the abandoned pool's lists without the pool mutex,
 * since nobody can push or pop. Every plain access below relies on this.
 * @example
 * ```ts
 * // with the world stopped: count GC objects
 * let n = 0;
 * miVisitBlocks(t, (1 << MI_HEAP_GC) | (1 << MI_HEAP_GC_PRE), () => n++);
 * ```
 * @public
 */
export function miVisitBlocks(t: MiThread, tagMask: number, visitor: MiBlockVisitor): number {
  checkIntegerIn('miVisitBlocks', 'tagMask', tagMask, 0, 0xffff);
  if (typeof visitor !== 'function') throw new TypeError(`miVisitBlocks: visitor must be a function, got ${visitor === null ? 'null' : typeof visitor}`);
  const participant = currentParticipant();
  if (participant !== null && participant.heap === t.heap) assertWorldStopped(t.heap, participant.group);
  const u32 = t.u32;
  let visited = 0;
  const capacity = threadCapacity(t.heap, t.shared);
  const owners: MiThread[] = [];
  for (let tid = 1; tid < capacity; tid++) {
    const record = Atomics.load(u32, threadTableEntry(t.shared, tid) >>> 2);
    if (record === 0 || Atomics.load(u32, (record + THREAD_INITIALIZED_OFFSET) >>> 2) === 0) continue;
    // SAFETY: the record's tid was written before the record was published;
    // acting as its thread is safe under the world-stopped contract above.
    const owner = tid === t.tid ? t : new MiThread(t.heap, t.shared, record, u32[(record + THREAD_TID_OFFSET) >>> 2], t.qsbr);
    owners.push(owner);
    // Every thread's pending frees reach their pages before any page is
    // walked: a block waiting in a batch is free, not a live object.
    if (visitSeams.pushPendingFrees) pushPendingFrees(owner);
  }
  for (const owner of owners) {
    const record = owner.record;
    // Collect the other thread's pages as that thread (its record, our views);
    // a page emptied on the way takes its QSBR goal from us, as in CPython.
    for (let tag = 0; tag < MI_HEAPS_PER_THREAD; tag++) {
      if ((tagMask & (1 << tag)) === 0) continue;
      const heap = heapRecord(record, tag);
      if (Atomics.load(u32, (heap + HEAP_INITIALIZED_OFFSET) >>> 2) === 0) continue;
      heapDelayedFreeAll(owner, heap);
      forEachHeapPage(owner, heap, (page) => {
        visited += visitPage(owner, page, visitor);
      });
    }
  }
  for (const list of [SHARED_ABANDONED_OFFSET, SHARED_VISITED_OFFSET]) {
    for (let segment = u32[(t.shared + list) >>> 2]; segment !== 0; segment = u32[(segment + SEGMENT_ABANDONED_NEXT_OFFSET) >>> 2]) {
      forEachPage(t, segment, (page) => {
        if ((tagMask & (1 << t.u8[page + PAGE_TAG_OFFSET])) !== 0) visited += visitPage(t, page, visitor);
      });
    }
  }
  return visited;
}

/**
 * Visits the live blocks of one page (`mi_heap_area_visit_blocks`).
 * SAFETY: `t` acts as the page's owner, under miVisitBlocks's contract.
 */
function visitPage(t: MiThread, page: number, visitor: MiBlockVisitor): number {
  const u32 = t.u32;
  pageFreeCollect(t, page, true);
  const used = u32[(page + PAGE_USED_OFFSET) >>> 2];
  if (used === 0) return 0;
  const blockSize = u32[(page + PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  const start = u32[(page + PAGE_START_OFFSET) >>> 2];
  const capacity = t.heap.u16[(page + PAGE_CAPACITY_OFFSET) >>> 1];
  // The visitor also gets the object: the block plus what precedes the
  // object in it (the debug hooks' header, a GC pre-header), as CPython's
  // gc_visit_heaps adds the debug offset (gh-112529). A page's debug offset
  // is that plus the protected object header (MI_OBJECT_DEBUG_OFFSET) on the
  // object heaps, and 0 on the others.
  const debugOffset = t.u8[page + PAGE_DEBUG_OFFSET_OFFSET];
  const objectOffset = debugOffset === 0 ? 0 : debugOffset - MI_OBJECT_DEBUG_OFFSET;
  if (capacity === 1) {
    visitor(start, blockSize, start + objectOffset);
    return 1;
  }
  if (used === capacity) {
    for (let i = 0, block = start; i < capacity; i++, block += blockSize) visitor(block, blockSize, block + objectOffset);
    return capacity;
  }
  const words = (capacity + 31) >>> 5;
  if (freeMap.length < words) freeMap = new Uint32Array(words * 2);
  freeMap.fill(0, 0, words);
  let free = 0;
  for (let block = u32[(page + PAGE_FREE_OFFSET) >>> 2]; block !== 0; block = u32[block >>> 2]) {
    // Blocks are a whole number of block sizes from the start: the division is exact.
    const index = (block - start) / blockSize;
    if (!(index >= 0 && index < capacity) || index !== Math.floor(index)) {
      fatalError(`heap visit: free list of page at ${start} holds ${block}, not one of its blocks`);
    }
    freeMap[index >>> 5] |= 1 << (index & 31);
    free++;
  }
  if (free + used !== capacity) fatalError(`heap visit: page at ${start} has ${used} used + ${free} free ≠ ${capacity} blocks`);
  let visited = 0;
  for (let i = 0; i < capacity; i++) {
    if ((freeMap[i >>> 5] & (1 << (i & 31))) === 0) {
      const block = start + i * blockSize;
      visitor(block, blockSize, block + objectOffset);
      visited++;
    }
  }
  return visited;
}

/**
 * The thread that owns the segment holding `p` — a live block or an object
 * in one — or 0 while the segment is abandoned (mimalloc's
 * `_mi_ptr_segment(p)->thread_id`). The collector gives a surviving object
 * this owner back in `ob_tid` after borrowing the field (CPython's
 * `gc_restore_tid`). A snapshot: the world is stopped when the GC reads it.
 * @beta
 */
export function miBlockOwner(t: MiThread, p: number): number {
  return Atomics.load(t.u32, (segmentOf(p) + SEGMENT_THREAD_ID_OFFSET) >>> 2);
}

/**
 * Whether `p` is the address of an object in a block of a page whose heap
 * tag is in `tagMask` (bit `1 << tag`) — the block start plus the page's
 * object offset, as {@link miVisitBlocks} reports it. It does not say the
 * block is live: a freed block's address passes too. The collector uses it
 * to refuse what a faulty traverse function hands it (a foreign or interior
 * address) before writing to it. Never throws and never writes to the heap.
 * When it answers true and `range` is given, `range` receives the page's
 * objects: [first object address, end of the last block, block size], so a
 * caller can check further addresses of that page itself while the page
 * cannot change (the world is stopped).
 * SAFETY: plain reads of page records other threads may own: the world is
 * stopped when the collector calls it; otherwise the answer may be stale.
 * @beta
 */
export function miIsObjectAddress(t: MiThread, p: number, tagMask: number, range?: Uint32Array): boolean {
  if (typeof p !== 'number' || p >>> 0 !== p || (p & 3) !== 0 || p - t.addressLow < 0 || p - t.addressLow >= t.addressSpan) return false;
  const u32 = t.u32;
  const segment = Atomics.load(u32, segmentMapEntry(t.heap, t.shared, p) >>> 2);
  if (segment === 0 || p <= segment || u32[(segment + SEGMENT_TAG_OFFSET) >>> 2] !== MI_SEGMENT_TAG) return false;
  const entries = u32[(segment + SEGMENT_SLICE_ENTRIES_OFFSET) >>> 2];
  const index = (p - segment) >>> MI_SLICE_SHIFT;
  if (index >= entries) return false;
  const first = segment + SEGMENT_SLICES_OFFSET;
  const record = first + index * PAGE_RECORD_SIZE;
  const page = record - u32[(record + PAGE_SLICE_OFFSET_OFFSET) >>> 2];
  // A stale back offset (inside a free span) may point anywhere: only a record of this segment will do.
  if (page < first || page > record || (page - first) % PAGE_RECORD_SIZE !== 0) return false;
  const blockSize = u32[(page + PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  if (blockSize < 2 || (tagMask & (1 << t.u8[page + PAGE_TAG_OFFSET])) === 0) return false;
  const debugOffset = t.u8[page + PAGE_DEBUG_OFFSET_OFFSET];
  const firstObject = u32[(page + PAGE_START_OFFSET) >>> 2] + (debugOffset === 0 ? 0 : debugOffset - MI_OBJECT_DEBUG_OFFSET);
  const end = firstObject + t.heap.u16[(page + PAGE_CAPACITY_OFFSET) >>> 1] * blockSize;
  const offset = p - firstObject;
  if (!(offset >= 0 && p < end && offset % blockSize === 0)) return false;
  if (range !== undefined) {
    range[0] = firstObject;
    range[1] = end;
    range[2] = blockSize;
  }
  return true;
}
