/**
 * The life of a page (mimalloc `src/page.c`): a page is initialised for one
 * block size, carves its blocks onto its free list a few at a time, collects
 * the blocks freed into it, moves to its heap's full queue when it has none
 * left and back when one is freed, and when all its blocks are free is
 * retired: kept a few collection cycles if it is the only page of its size
 * class, otherwise freed back to its segment — for the object heaps only
 * after its QSBR goal (see qsbr-page-list.ts).
 *
 * A page hands out blocks from `free`; the owner frees onto `localFree`;
 * other threads push onto the thread-free list in the segment's thread-free
 * array (see delayed-free-state.ts). When `free` runs dry the owner collects
 * the other two lists.
 *
 * Every function here runs on the page's owner (or on a thread acting as the
 * owner: one that abandons an exited thread's heaps, heap visiting while the
 * world is stopped, or a reclaimer holding the page's abandoned segment
 * exclusively); each one's doc says why its plain accesses are safe. The
 * thread-free word and `xheap`, which other threads read, use Atomics.
 */

import { fatalError, formatAddress } from '@ft/atomics';
import { MI_DELAYED_STATE_MASK, MI_NEVER_DELAYED_FREE, MI_NO_DELAYED_FREE, MI_USE_DELAYED_FREE, pageUseDelayedFree } from './delayed-free-state.js';
import {
  HEAP_DEBUG_OFFSET_OFFSET,
  HEAP_PAGE_COUNT_OFFSET,
  HEAP_RETIRED_MAX_OFFSET,
  HEAP_RETIRED_MIN_OFFSET,
  HEAP_TAG_OFFSET,
  HEAP_USE_QSBR_OFFSET,
  MI_BATCH_MAX,
  MI_BATCH_TAG,
  MI_BIN_FULL,
  MI_BIN_HUGE,
  MI_MAX_EXTEND_SIZE,
  MI_MEDIUM_OBJ_SIZE_MAX,
  MI_MIN_EXTEND,
  MI_RETIRE_CYCLES,
  MI_SLICE_SIZE,
  MI_SMALL_OBJ_SIZE_MAX,
  PAGE_BLOCK_SIZE_OFFSET,
  PAGE_CAPACITY_OFFSET,
  PAGE_DEBUG_OFFSET_OFFSET,
  PAGE_FLAG_HAS_ALIGNED,
  PAGE_FLAG_IN_FULL,
  PAGE_FLAG_IN_QSBR_LIST,
  PAGE_FLAG_USE_QSBR,
  PAGE_FLAGS_OFFSET,
  PAGE_FREE_OFFSET,
  PAGE_LOCAL_FREE_OFFSET,
  PAGE_QSBR_GOAL_OFFSET,
  PAGE_QSBR_NEXT_OFFSET,
  PAGE_QSBR_PREV_OFFSET,
  PAGE_RESERVED_OFFSET,
  PAGE_RETIRE_EXPIRE_OFFSET,
  PAGE_SLICE_COUNT_OFFSET,
  PAGE_START_OFFSET,
  PAGE_TAG_OFFSET,
  PAGE_USED_OFFSET,
  PAGE_XALIGNED_OFFSET,
  PAGE_XBATCH_OFFSET,
  PAGE_XHEAP_OFFSET,
  PAGE_XTHREAD_FREE_OFFSET,
  SEGMENT_ABANDONED_OFFSET,
  SEGMENT_USED_OFFSET,
} from './layout.js';
import { batchShape } from './batch-node.js';
import type { MiThread } from './mi-thread.js';
import { segmentAbandon } from './abandoned-pool.js';
import { ownerHeap, pageBin, queueAppend, queueFirst, queueHoldsOnly, queuePush, queueRemove } from './page-queue.js';
import { pageClearQsbr, pageQsbrMustWait, qsbrListFirstReady } from './qsbr-page-list.js';
import { pageMemory, segmentOf, segmentPageFree } from './segment.js';
import { binOfSize, blockStartOffset } from './size-class.js';

// Module-local copies of the layout constants used on hot paths (see the root README).
const K_PAGE_XTHREAD_FREE_OFFSET = PAGE_XTHREAD_FREE_OFFSET;
const K_PAGE_LOCAL_FREE_OFFSET = PAGE_LOCAL_FREE_OFFSET;
const K_PAGE_FREE_OFFSET = PAGE_FREE_OFFSET;
const K_PAGE_USED_OFFSET = PAGE_USED_OFFSET;
const K_PAGE_CAPACITY_OFFSET = PAGE_CAPACITY_OFFSET;
const K_PAGE_FLAGS_OFFSET = PAGE_FLAGS_OFFSET;
const K_PAGE_QSBR_GOAL_OFFSET = PAGE_QSBR_GOAL_OFFSET;
const K_PAGE_FLAG_IN_QSBR_LIST = PAGE_FLAG_IN_QSBR_LIST;
const K_PAGE_QSBR_NEXT_OFFSET = PAGE_QSBR_NEXT_OFFSET;
const K_PAGE_QSBR_PREV_OFFSET = PAGE_QSBR_PREV_OFFSET;
const K_PAGE_RETIRE_EXPIRE_OFFSET = PAGE_RETIRE_EXPIRE_OFFSET;
const K_PAGE_BLOCK_SIZE_OFFSET = PAGE_BLOCK_SIZE_OFFSET;
const K_PAGE_XHEAP_OFFSET = PAGE_XHEAP_OFFSET;
const K_MI_DELAYED_STATE_MASK = MI_DELAYED_STATE_MASK;
const K_MI_NO_DELAYED_FREE = MI_NO_DELAYED_FREE;
const K_MI_NEVER_DELAYED_FREE = MI_NEVER_DELAYED_FREE;
const K_MI_BATCH_TAG = MI_BATCH_TAG;
const K_PAGE_XBATCH_OFFSET = PAGE_XBATCH_OFFSET;

/**
 * Initialises a fresh page for `blockSize` blocks of `heap` and carves the
 * first blocks (`mi_page_init`): it copies the heap's tag, QSBR use and debug
 * offset, as CPython's patch does.
 * SAFETY: the page was just carved from the owner's free spans: no other
 * thread holds one of its blocks, so nothing reads the record until a block
 * is handed out (which synchronizes).
 * @internal
 */
export function pageInit(t: MiThread, heap: number, page: number, blockSize: number): void {
  const u8 = t.u8;
  const u32 = t.u32;
  const memory = pageMemory(page);
  const start = u32[(page + PAGE_SLICE_COUNT_OFFSET) >>> 2] === 1 ? blockStartOffset(blockSize) : 0;
  const bytes = u32[(page + PAGE_SLICE_COUNT_OFFSET) >>> 2] * MI_SLICE_SIZE - start;
  u32[(page + K_PAGE_BLOCK_SIZE_OFFSET) >>> 2] = blockSize;
  t.heap.u16[(page + K_PAGE_CAPACITY_OFFSET) >>> 1] = 0;
  t.heap.u16[(page + PAGE_RESERVED_OFFSET) >>> 1] = Math.min(0xffff, Math.floor(bytes / blockSize));
  u32[(page + K_PAGE_FREE_OFFSET) >>> 2] = 0;
  u32[(page + K_PAGE_USED_OFFSET) >>> 2] = 0;
  u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2] = 0;
  u32[(page + PAGE_START_OFFSET) >>> 2] = memory + start;
  t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] = 0;
  u32[(page + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = 0;
  u32[(page + K_PAGE_QSBR_PREV_OFFSET) >>> 2] = 0;
  u8[page + K_PAGE_FLAGS_OFFSET] = u32[(heap + HEAP_USE_QSBR_OFFSET) >>> 2] !== 0 ? PAGE_FLAG_USE_QSBR : 0;
  u8[page + PAGE_TAG_OFFSET] = u32[(heap + HEAP_TAG_OFFSET) >>> 2];
  u8[page + PAGE_DEBUG_OFFSET_OFFSET] = u32[(heap + HEAP_DEBUG_OFFSET_OFFSET) >>> 2];
  u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] = 0;
  // SAFETY: the has-aligned copy and the batch shape are read by other
  // threads only for live blocks.
  u32[(page + PAGE_XALIGNED_OFFSET) >>> 2] = 0;
  u32[(page + PAGE_XBATCH_OFFSET) >>> 2] = batchShape(blockSize, u8[page + PAGE_DEBUG_OFFSET_OFFSET], t.heap.u16[(page + PAGE_RESERVED_OFFSET) >>> 1]);
  // Row 1 of the delayed-free table: the first free by another thread goes to
  // the heap's delayed list, so the owner notices even pages it never walks
  // again (large pages are always fresh).
  Atomics.store(u32, (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2, MI_USE_DELAYED_FREE);
  Atomics.store(u32, (page + K_PAGE_XHEAP_OFFSET) >>> 2, heap);
  pageExtend(t, page);
}

/**
 * Carves up to 4 KiB worth (at least 4) more blocks onto the free list
 * (`mi_page_extend_free`), in address order.
 * SAFETY: owner-only page fields, and blocks past `capacity` that no thread
 * has ever been handed.
 * @internal
 */
export function pageExtend(t: MiThread, page: number): void {
  const u32 = t.u32;
  const u16 = t.heap.u16;
  const capacity = u16[(page + K_PAGE_CAPACITY_OFFSET) >>> 1];
  const reserved = u16[(page + PAGE_RESERVED_OFFSET) >>> 1];
  if (capacity >= reserved) return;
  const blockSize = u32[(page + K_PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  const maxExtend = blockSize >= MI_MAX_EXTEND_SIZE ? MI_MIN_EXTEND : Math.max(MI_MIN_EXTEND, Math.floor(MI_MAX_EXTEND_SIZE / blockSize));
  const extend = Math.min(reserved - capacity, maxExtend);
  const first = u32[(page + PAGE_START_OFFSET) >>> 2] + capacity * blockSize;
  let block = first;
  for (let i = 1; i < extend; i++) {
    u32[block >>> 2] = block + blockSize;
    block += blockSize;
  }
  u32[block >>> 2] = u32[(page + K_PAGE_FREE_OFFSET) >>> 2];
  u32[(page + K_PAGE_FREE_OFFSET) >>> 2] = first;
  u16[(page + K_PAGE_CAPACITY_OFFSET) >>> 1] = capacity + extend;
}

/**
 * Moves the cross-thread free list onto `localFree` (`_mi_page_thread_free_collect`).
 * @internal
 */
export function pageThreadFreeCollect(t: MiThread, page: number): void {
  pageThreadFreeTake(t, page, Atomics.load(t.u32, (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2));
}

/**
 * Takes the whole thread-free list, given `tf`, a value of the page's
 * thread-free word the caller loaded with `Atomics.load`, and moves it onto
 * `localFree` (row 7 of the delayed-free table).
 *
 * In the states NO_DELAYED_FREE and NEVER_DELAYED_FREE no other thread
 * changes the state bits (freeing threads only push blocks, keeping them;
 * only the owner moves the state, and we are the owner), so one
 * `Atomics.exchange` that leaves the state takes the list. In the other
 * states a freeing thread may move the state (rows 2 and 3), so the list is
 * taken with a compare-exchange that keeps whatever state it finds.
 *
 * Entries may be batch nodes (batch-node.ts): each stands for its count of
 * blocks, whose addresses it holds.
 *
 * SAFETY: the list is walked with plain reads of the entries' links and the
 * nodes' counts and addresses: once the exchange unlinked them, the blocks
 * are ours, and the freeing threads' writes happened before their
 * compare-exchanges that published them, which our exchange read.
 * `localFree` and `used` are owner-only fields.
 */
function pageThreadFreeTake(t: MiThread, page: number, tf: number): void {
  const u32 = t.u32;
  const index = (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2;
  const state = tf & K_MI_DELAYED_STATE_MASK;
  if (state === K_MI_NO_DELAYED_FREE || state === K_MI_NEVER_DELAYED_FREE) {
    if (tf >>> 2 === 0) return;
    tf = Atomics.exchange(u32, index, state);
  } else {
    for (;;) {
      if (tf >>> 2 === 0) return;
      const seen = Atomics.compareExchange(u32, index, tf, tf & K_MI_DELAYED_STATE_MASK);
      if (seen === tf) break;
      tf = seen;
    }
  }
  const head = (tf & ~K_MI_DELAYED_STATE_MASK) >>> 0;
  if (head === 0) return;
  const capacity = t.heap.u16[(page + K_PAGE_CAPACITY_OFFSET) >>> 1];
  const countOffset = u32[(page + K_PAGE_XBATCH_OFFSET) >>> 2] >>> 8;
  let local = u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2];
  let count = 0;
  // Every block, a node's included, is linked onto localFree here, by us:
  // its link is written into a line that the other thread did not write
  // (batch-node.ts). An entry's link (and a node's count and addresses) are
  // read before the entry's own link is overwritten.
  for (let entry = head; entry !== 0; ) {
    const block = (entry & ~7) >>> 0;
    const next = u32[block >>> 2];
    if ((entry & K_MI_BATCH_TAG) !== 0) {
      const countIndex = (block + countOffset) >>> 2;
      const n = u32[countIndex];
      if (n < 2 || n > MI_BATCH_MAX || count + n > capacity) batchCorrupted(page, block, n);
      for (let i = 1; i < n; i++) {
        const other = u32[countIndex + i];
        u32[other >>> 2] = local;
        local = other;
      }
      count += n;
    } else if (++count > capacity) {
      fatalError(`thread-free list of page ${formatAddress(page)} is corrupted: more than its ${capacity} blocks`);
    }
    u32[block >>> 2] = local;
    local = block;
    entry = next;
  }
  u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2] = local;
  u32[(page + K_PAGE_USED_OFFSET) >>> 2] -= count;
}

/** The fatal report of a batch node whose count cannot be right (kept out of line). */
function batchCorrupted(page: number, node: number, count: number): never {
  fatalError(`thread-free list of page ${formatAddress(page)} is corrupted: batch node ${formatAddress(node)} counts ${count} blocks`);
}

/**
 * Collects the thread-free and local-free lists into `free`
 * (`_mi_page_free_collect`). With `force`, local blocks are appended even if
 * `free` is not empty (heap walking needs exact lists).
 * SAFETY: `free`, `localFree` and the free blocks' links are owner-only.
 * @internal
 */
export function pageFreeCollect(t: MiThread, page: number, force: boolean): void {
  const u32 = t.u32;
  const tf = Atomics.load(u32, (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2);
  if (force || tf >>> 2 !== 0) pageThreadFreeTake(t, page, tf);
  const local = u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2];
  if (local === 0) return;
  const free = u32[(page + K_PAGE_FREE_OFFSET) >>> 2];
  if (free === 0) {
    u32[(page + K_PAGE_FREE_OFFSET) >>> 2] = local;
    u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2] = 0;
    // The page serves allocations again: a pending QSBR free is cancelled.
    pageClearQsbr(t, page);
  } else if (force) {
    let tail = local;
    while (u32[tail >>> 2] !== 0) tail = u32[tail >>> 2];
    u32[tail >>> 2] = free;
    u32[(page + K_PAGE_FREE_OFFSET) >>> 2] = local;
    u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2] = 0;
  }
}

/**
 * Moves a page without free blocks to the heap's full queue
 * (`mi_page_to_full`); other threads' first free into it will go through the
 * heap's delayed-free list so the owner notices (row 8).
 * SAFETY: the flags byte is an owner-only field.
 * @internal
 */
export function pageToFull(t: MiThread, heap: number, bin: number, page: number): void {
  queueRemove(t, heap, bin, page);
  t.u8[page + K_PAGE_FLAGS_OFFSET] |= PAGE_FLAG_IN_FULL;
  queuePush(t, heap, MI_BIN_FULL, page);
  pageUseDelayedFree(t, page, MI_USE_DELAYED_FREE, false);
  // A block freed by another thread just before USE_DELAYED_FREE was set went
  // to the thread-free list without telling us: collect it now.
  pageFreeCollect(t, page, false);
}

/**
 * Brings a page out of the full queue (`_mi_page_unfull`, row 9).
 * SAFETY: the flags byte is an owner-only field.
 * @internal
 */
export function pageUnfull(t: MiThread, page: number): void {
  const u8 = t.u8;
  if ((u8[page + K_PAGE_FLAGS_OFFSET] & PAGE_FLAG_IN_FULL) === 0) return;
  const heap = ownerHeap(t, page);
  pageUseDelayedFree(t, page, K_MI_NO_DELAYED_FREE, false);
  queueRemove(t, heap, MI_BIN_FULL, page);
  u8[page + K_PAGE_FLAGS_OFFSET] &= ~PAGE_FLAG_IN_FULL;
  queueAppend(t, heap, pageBin(t, page), page);
}

/**
 * Frees an all-free page back to its segment (`_mi_page_free`).
 * SAFETY: the heap's page count and the segment's counts are owner-only fields.
 * @internal
 */
export function pageFree(t: MiThread, page: number): void {
  const heap = ownerHeap(t, page);
  pageClearQsbr(t, page);
  queueRemove(t, heap, pageBin(t, page), page);
  t.u32[(heap + HEAP_PAGE_COUNT_OFFSET) >>> 2]--;
  const segment = segmentOf(page);
  if (!segmentPageFree(t, page)) return;
  // At thread exit, the pages left may now all be abandoned ones.
  const abandoned = t.u32[(segment + SEGMENT_ABANDONED_OFFSET) >>> 2];
  if (abandoned !== 0 && abandoned === t.u32[(segment + SEGMENT_USED_OFFSET) >>> 2]) segmentAbandon(t, segment);
}

/**
 * Frees an all-free page, or — for an object heap — gives it a QSBR goal
 * first and frees it only once the goal is reached
 * (`_PyMem_mi_page_maybe_free`). Returns whether the page was freed.
 * @internal
 */
export function pageMaybeFree(t: MiThread, page: number): boolean {
  if (pageQsbrMustWait(t, page)) return false;
  pageFree(t, page);
  return true;
}

/**
 * Frees the thread's QSBR-delayed pages whose goal is reached, oldest first,
 * stopping at the first that is not (`_PyMem_mi_heap_collect_qsbr`).
 * @internal
 */
export function collectQsbrPages(t: MiThread): void {
  for (let page = qsbrListFirstReady(t); page !== 0; page = qsbrListFirstReady(t)) pageFree(t, page);
}

/**
 * A page whose last block was freed (`_mi_page_retire`): the only page of a
 * small or medium size class is kept a few collection cycles, as mimalloc
 * does, so alternating malloc/free does not free and re-create it; otherwise
 * it may be freed (after QSBR, for object heaps).
 * SAFETY: the flags, retire counter and the heap's retired range are owner-only fields.
 * @internal
 */
export function pageRetire(t: MiThread, page: number): void {
  const u8 = t.u8;
  const u32 = t.u32;
  // Already retained (the only page of its class, emptied again after reuse
  // through the direct table): nothing to decide until the next collection.
  if (u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] !== 0 && (u8[page + K_PAGE_FLAGS_OFFSET] & (PAGE_FLAG_IN_FULL | PAGE_FLAG_HAS_ALIGNED | K_PAGE_FLAG_IN_QSBR_LIST)) === 0) {
    return;
  }
  u8[page + K_PAGE_FLAGS_OFFSET] &= ~PAGE_FLAG_HAS_ALIGNED;
  // SAFETY: the page is empty, so no other thread holds one of its blocks to
  // free, and the copy is read only for live blocks (see free.ts).
  u32[(page + PAGE_XALIGNED_OFFSET) >>> 2] = 0;
  pageClearQsbr(t, page);
  pageUnfull(t, page);
  const heap = ownerHeap(t, page);
  const blockSize = u32[(page + K_PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  if (blockSize <= MI_MEDIUM_OBJ_SIZE_MAX) {
    const bin = binOfSize(blockSize);
    if (queueHoldsOnly(t, heap, bin, page)) {
      u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] = 1 + (blockSize <= MI_SMALL_OBJ_SIZE_MAX ? MI_RETIRE_CYCLES : MI_RETIRE_CYCLES / 4);
      if (bin < u32[(heap + HEAP_RETIRED_MIN_OFFSET) >>> 2]) u32[(heap + HEAP_RETIRED_MIN_OFFSET) >>> 2] = bin;
      if (bin > u32[(heap + HEAP_RETIRED_MAX_OFFSET) >>> 2]) u32[(heap + HEAP_RETIRED_MAX_OFFSET) >>> 2] = bin;
      return;
    }
  }
  pageMaybeFree(t, page);
}

/**
 * Ages retired pages and frees those whose time is up (`_mi_heap_collect_retired`).
 * SAFETY: the heap's retired range, the queues and the pages' counters are owner-only fields.
 * @internal
 */
export function collectRetired(t: MiThread, heap: number, force: boolean): void {
  const u8 = t.u8;
  const u32 = t.u32;
  let min = MI_BIN_FULL;
  let max = 0;
  for (let bin = u32[(heap + HEAP_RETIRED_MIN_OFFSET) >>> 2]; bin <= u32[(heap + HEAP_RETIRED_MAX_OFFSET) >>> 2] && bin < MI_BIN_HUGE; bin++) {
    const page = queueFirst(t, heap, bin);
    if (page === 0 || u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] === 0) continue;
    if (u32[(page + K_PAGE_USED_OFFSET) >>> 2] === 0) {
      const expire = --u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET];
      if (force || expire === 0) {
        pageMaybeFree(t, page);
        continue;
      }
      if (bin < min) min = bin;
      if (bin > max) max = bin;
    } else {
      u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] = 0;
    }
  }
  u32[(heap + HEAP_RETIRED_MIN_OFFSET) >>> 2] = min;
  u32[(heap + HEAP_RETIRED_MAX_OFFSET) >>> 2] = max;
}
