/**
 * Pages and page queues (mimalloc `src/page.c`, `src/page-queue.c`) with
 * CPython's QSBR hooks (`_PyMem_mi_page_maybe_free`, `_PyMem_mi_heap_collect_qsbr`
 * in `Objects/obmalloc.c`).
 *
 * A page hands out blocks from `free`; the owner frees onto `localFree`;
 * other threads push onto the atomic `xthreadFree` list. When `free` runs
 * dry the owner collects the other two lists. Each heap keeps one queue of
 * pages per size class, a queue of full pages (which other threads' first
 * free re-surfaces through the heap's delayed-free list) and a direct table
 * from small sizes to a page with free blocks. Empty pages of the object
 * heaps are not freed at once: they wait for a QSBR goal, and can still serve
 * their own size class meanwhile, which cancels the wait.
 *
 * All plain accesses here are to owner-only fields (see layout.ts); the
 * cross-thread ones (`xthreadFree`, `xheap`) use Atomics.
 */

import { fatalError, formatAddress, yieldThread } from '@ft/atomics';
import { qsbrDeferredAdvance, qsbrGoalReached, qsbrPoll } from '@ft/qsbr';
import {
  HEAP_DEBUG_OFFSET_OFFSET,
  HEAP_DIRECT_OFFSET,
  HEAP_PAGE_COUNT_OFFSET,
  HEAP_QUEUES_OFFSET,
  HEAP_RETIRED_MAX_OFFSET,
  HEAP_RETIRED_MIN_OFFSET,
  HEAP_TAG_OFFSET,
  HEAP_USE_QSBR_OFFSET,
  MI_BIN_FULL,
  MI_BIN_HUGE,
  MI_DELAYED_FREEING,
  MI_MAX_EXTEND_SIZE,
  MI_MEDIUM_OBJ_SIZE_MAX,
  MI_MIN_EXTEND,
  MI_NEVER_DELAYED_FREE,
  MI_NO_DELAYED_FREE,
  MI_USE_DELAYED_FREE,
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
  PAGE_NEXT_OFFSET,
  PAGE_PREV_OFFSET,
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
  PAGE_XHEAP_OFFSET,
  PAGE_XTHREAD_FREE_OFFSET,
  QUEUE_SIZE,
  SEGMENT_ABANDONED_OFFSET,
  SEGMENT_USED_OFFSET,
  THREAD_QSBR_HEAD_OFFSET,
  THREAD_QSBR_TAIL_OFFSET,
} from './layout.js';
import type { MiThread } from './mi-thread.js';
import { segmentAbandon } from './abandoned-pool.js';
import { pageMemory, segmentOf, segmentPageFree } from './segment.js';
import { binOfSize, blockStartOffset, directFirst, directLast } from './size-class.js';

// Module-local copies of the layout constants used on hot paths: V8 checks
// an imported binding for its temporal dead zone on every use, a local
// const is folded into the code.
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
const K_PAGE_NEXT_OFFSET = PAGE_NEXT_OFFSET;
const K_PAGE_PREV_OFFSET = PAGE_PREV_OFFSET;
const K_HEAP_DIRECT_OFFSET = HEAP_DIRECT_OFFSET;
const K_HEAP_QUEUES_OFFSET = HEAP_QUEUES_OFFSET;
const K_QUEUE_SIZE = QUEUE_SIZE;
const K_PAGE_RETIRE_EXPIRE_OFFSET = PAGE_RETIRE_EXPIRE_OFFSET;
const K_PAGE_BLOCK_SIZE_OFFSET = PAGE_BLOCK_SIZE_OFFSET;
const K_PAGE_XHEAP_OFFSET = PAGE_XHEAP_OFFSET;
const K_MI_NO_DELAYED_FREE = MI_NO_DELAYED_FREE;
const K_MI_NEVER_DELAYED_FREE = MI_NEVER_DELAYED_FREE;

/** Address of a heap's queue for `bin`. @internal */
export function queueOf(heap: number, bin: number): number {
  return heap + K_HEAP_QUEUES_OFFSET + bin * K_QUEUE_SIZE;
}

/**
 * The heap a page belongs to, read by its owner. SAFETY: `xheap` is written
 * only by the page's owner (init, reclaim, abandon), so the owner may read it
 * plain; other threads use `Atomics.load`.
 */
function ownerHeap(t: MiThread, page: number): number {
  return t.u32[(page + K_PAGE_XHEAP_OFFSET) >>> 2];
}

/** The bin a page's queue has: full, huge (large and huge pages) or its size class. @internal */
export function pageBin(t: MiThread, page: number): number {
  if ((t.u8[page + K_PAGE_FLAGS_OFFSET] & PAGE_FLAG_IN_FULL) !== 0) return MI_BIN_FULL;
  const blockSize = t.u32[(page + K_PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  return blockSize > MI_MEDIUM_OBJ_SIZE_MAX ? MI_BIN_HUGE : binOfSize(blockSize);
}

/**
 * The delayed-free state a page gets back when its owner takes a block that
 * another thread freed through the heap's delayed-free list (the first step of
 * `_mi_free_delayed_block`).
 *
 * mimalloc always re-arms USE_DELAYED_FREE, so that the next cross-thread free
 * tells the owner again and a page emptied by other threads is noticed even if
 * its owner never walks that queue again. Departure: the first page of a small
 * or medium size class's queue gets NO_DELAYED_FREE. The owner collects that
 * page's thread-free list every time the page's free list runs dry (findPage),
 * so the notice would tell it nothing new, while a notice costs the freeing
 * thread three compare-exchanges and a push onto a heap-wide list head instead
 * of one compare-exchange, and the owner one more. With mimalloc's rule, about
 * one cross-thread free in ten of the producer/consumer benchmark took that
 * path (each refill of the owner re-armed the pages it had been told about),
 * and an item cost about twice as much. What it gives up: a first page emptied
 * by other threads while its owner allocates nothing of that size is freed at
 * the owner's next collect (or exit) rather than at its next slow-path
 * allocation of any size, where notices are taken. Pages
 * further back, in the full queue, and large pages keep mimalloc's rule.
 * @internal
 */
export function pageRearmedDelayedState(t: MiThread, page: number): number {
  const bin = pageBin(t, page);
  if (bin < MI_BIN_HUGE && t.u32[queueOf(ownerHeap(t, page), bin) >>> 2] === page) return K_MI_NO_DELAYED_FREE;
  return MI_USE_DELAYED_FREE;
}

/** Points the direct-table entries of `bin` at `page` (or the empty page). */
function directUpdate(t: MiThread, heap: number, bin: number, page: number): void {
  // Checked mode keeps the table empty, so every allocation takes the
  // validating generic path and the fast path needs no mode test.
  const target = page === 0 || t.checked ? t.emptyPage : page;
  const last = directLast(bin);
  for (let w = directFirst(bin); w <= last; w++) t.u32[(heap + K_HEAP_DIRECT_OFFSET + 4 * w) >>> 2] = target;
}

/** Pushes a page at the front of a heap queue (`mi_page_queue_push`). @internal */
export function queuePush(t: MiThread, heap: number, bin: number, page: number): void {
  const u32 = t.u32;
  const q = queueOf(heap, bin);
  const first = u32[q >>> 2];
  u32[(page + K_PAGE_NEXT_OFFSET) >>> 2] = first;
  u32[(page + K_PAGE_PREV_OFFSET) >>> 2] = 0;
  if (first !== 0) u32[(first + K_PAGE_PREV_OFFSET) >>> 2] = page;
  else u32[(q + 4) >>> 2] = page;
  u32[q >>> 2] = page;
  if (bin < MI_BIN_HUGE) directUpdate(t, heap, bin, page);
}

/**
 * Appends a page at the end of a heap queue (`mi_page_queue_enqueue_from`):
 * a page coming back from the full queue has just one free block, so it must
 * not displace the page the direct table points at.
 */
function queueAppend(t: MiThread, heap: number, bin: number, page: number): void {
  const u32 = t.u32;
  const q = queueOf(heap, bin);
  const last = u32[(q + 4) >>> 2];
  if (last === 0) {
    queuePush(t, heap, bin, page);
    return;
  }
  u32[(page + K_PAGE_PREV_OFFSET) >>> 2] = last;
  u32[(page + K_PAGE_NEXT_OFFSET) >>> 2] = 0;
  u32[(last + K_PAGE_NEXT_OFFSET) >>> 2] = page;
  u32[(q + 4) >>> 2] = page;
}

/** Unlinks a page from a heap queue (`mi_page_queue_remove`). @internal */
export function queueRemove(t: MiThread, heap: number, bin: number, page: number): void {
  const u32 = t.u32;
  const q = queueOf(heap, bin);
  const next = u32[(page + K_PAGE_NEXT_OFFSET) >>> 2];
  const prev = u32[(page + K_PAGE_PREV_OFFSET) >>> 2];
  if (prev !== 0) u32[(prev + K_PAGE_NEXT_OFFSET) >>> 2] = next;
  else {
    u32[q >>> 2] = next;
    if (bin < MI_BIN_HUGE) directUpdate(t, heap, bin, next);
  }
  if (next !== 0) u32[(next + K_PAGE_PREV_OFFSET) >>> 2] = prev;
  else u32[(q + 4) >>> 2] = prev;
  u32[(page + K_PAGE_NEXT_OFFSET) >>> 2] = 0;
  u32[(page + K_PAGE_PREV_OFFSET) >>> 2] = 0;
}

/**
 * Initialises a fresh page for `blockSize` blocks of `heap` and carves the
 * first blocks (`mi_page_init`): it copies the heap's tag, QSBR use and debug
 * offset, as CPython's patch does.
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
  // USE_DELAYED_FREE: the first free by another thread goes to the heap's
  // delayed list, so the owner notices even pages it never walks again
  // (large pages are always fresh).
  // SAFETY: the page has no blocks yet; the copy is read only for live blocks.
  u32[(page + PAGE_XALIGNED_OFFSET) >>> 2] = 0;
  Atomics.store(u32, (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2, MI_USE_DELAYED_FREE);
  Atomics.store(u32, (page + K_PAGE_XHEAP_OFFSET) >>> 2, heap);
  pageExtend(t, page);
}

/**
 * Carves up to 4 KiB worth (at least 4) more blocks onto the free list
 * (`mi_page_extend_free`), in address order.
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
 * `localFree`.
 *
 * In the states NO_DELAYED_FREE and NEVER_DELAYED_FREE no other thread
 * changes the state bits (freeing threads only push blocks, keeping them;
 * only the owner moves the state, and we are the owner), so one
 * `Atomics.exchange` that leaves the state takes the list. In the other
 * states a freeing thread may move the state (USE_DELAYED_FREE →
 * DELAYED_FREEING → NO_DELAYED_FREE), so the list is taken with a
 * compare-exchange that keeps whatever state it finds. The list is then
 * walked with plain reads: its blocks are ours once the exchange unlinked them.
 */
function pageThreadFreeTake(t: MiThread, page: number, tf: number): void {
  const u32 = t.u32;
  const index = (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2;
  const state = tf & 3;
  if (state === K_MI_NO_DELAYED_FREE || state === K_MI_NEVER_DELAYED_FREE) {
    if (tf >>> 2 === 0) return;
    tf = Atomics.exchange(u32, index, state);
  } else {
    for (;;) {
      if (tf >>> 2 === 0) return;
      const seen = Atomics.compareExchange(u32, index, tf, tf & 3);
      if (seen === tf) break;
      tf = seen;
    }
  }
  const head = (tf & ~3) >>> 0;
  if (head === 0) return;
  const capacity = t.heap.u16[(page + K_PAGE_CAPACITY_OFFSET) >>> 1];
  let count = 1;
  let tail = head;
  for (let next = u32[tail >>> 2]; next !== 0; next = u32[tail >>> 2]) {
    tail = next;
    if (++count > capacity) {
      fatalError(`thread-free list of page ${formatAddress(page)} is corrupted: more than its ${capacity} blocks`);
    }
  }
  u32[tail >>> 2] = u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2];
  u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2] = head;
  u32[(page + K_PAGE_USED_OFFSET) >>> 2] -= count;
}

/**
 * Collects the thread-free and local-free lists into `free`
 * (`_mi_page_free_collect`). With `force`, local blocks are appended even if
 * `free` is not empty (heap walking needs exact lists).
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
 * Tries to set the page's delayed-free state (`_mi_page_try_use_delayed_free`);
 * false when another thread is in the middle of a delayed free.
 * @internal
 */
export function pageTryUseDelayedFree(t: MiThread, page: number, delay: number, overrideNever: boolean): boolean {
  const u32 = t.u32;
  const index = (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2;
  let yields = 0;
  for (;;) {
    const tf = Atomics.load(u32, index);
    const old = tf & 3;
    if (old === MI_DELAYED_FREEING) {
      // The other thread is a few instructions from done, unless it was
      // descheduled. mimalloc yields up to 4 times; giving the core away here
      // sleeps ~70 µs instead of sched_yield's microsecond, so spin a while
      // and then report failure: the caller retries later (the delayed block
      // goes back on the heap's list) or waits (pageUseDelayedFree).
      if (yields >= 4) return false;
      yields++;
      for (let spin = 0; spin < 256 && (Atomics.load(u32, index) & 3) === MI_DELAYED_FREEING; spin++);
      continue;
    }
    if (old === delay || (!overrideNever && old === MI_NEVER_DELAYED_FREE)) return true;
    if (Atomics.compareExchange(u32, index, tf, ((tf & ~3) | delay) >>> 0) === tf) return true;
  }
}

/** Sets the delayed-free state, waiting out a concurrent delayed free. @internal */
export function pageUseDelayedFree(t: MiThread, page: number, delay: number, overrideNever: boolean): void {
  while (!pageTryUseDelayedFree(t, page, delay, overrideNever)) yieldThread();
}

/**
 * Moves a page without free blocks to the heap's full queue
 * (`mi_page_to_full`); other threads' first free into it will go through the
 * heap's delayed-free list so the owner notices.
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
 * Brings a page out of the full queue (`_mi_page_unfull`).
 * @internal
 */
export function pageUnfull(t: MiThread, page: number): void {
  const u8 = t.u8;
  if ((u8[page + K_PAGE_FLAGS_OFFSET] & PAGE_FLAG_IN_FULL) === 0) return;
  const heap = ownerHeap(t, page);
  pageUseDelayedFree(t, page, MI_NO_DELAYED_FREE, false);
  queueRemove(t, heap, MI_BIN_FULL, page);
  u8[page + K_PAGE_FLAGS_OFFSET] &= ~PAGE_FLAG_IN_FULL;
  queueAppend(t, heap, pageBin(t, page), page);
}

/**
 * Frees an all-free page back to its segment (`_mi_page_free`).
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
 * A page whose last block was freed (`_mi_page_retire`): the only page of a
 * small or medium size class is kept a few collection cycles, as mimalloc
 * does, so alternating malloc/free does not free and re-create it; otherwise
 * it may be freed (after QSBR, for object heaps).
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
    const q = queueOf(heap, bin);
    if (u32[q >>> 2] === page && u32[(q + 4) >>> 2] === page) {
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
 * @internal
 */
export function collectRetired(t: MiThread, heap: number, force: boolean): void {
  const u8 = t.u8;
  const u32 = t.u32;
  let min = MI_BIN_FULL;
  let max = 0;
  for (let bin = u32[(heap + HEAP_RETIRED_MIN_OFFSET) >>> 2]; bin <= u32[(heap + HEAP_RETIRED_MAX_OFFSET) >>> 2] && bin < MI_BIN_HUGE; bin++) {
    const page = u32[queueOf(heap, bin) >>> 2];
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

/**
 * Frees an all-free page, or — for an object heap — gives it a QSBR goal
 * first and frees it only once the goal is reached
 * (`_PyMem_mi_page_maybe_free`). Returns whether the page was freed.
 * @internal
 */
export function pageMaybeFree(t: MiThread, page: number): boolean {
  const u8 = t.u8;
  const useQsbr = (u8[page + K_PAGE_FLAGS_OFFSET] & PAGE_FLAG_USE_QSBR) !== 0;
  if (useQsbr && t.qsbr !== null) {
    const goal = t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2];
    if (goal !== 0 && qsbrGoalReached(t.qsbr, goal)) {
      pageFree(t, page);
      return true;
    }
    pageClearQsbr(t, page);
    u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] = 0;
    t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] = qsbrDeferredAdvance(t.qsbr);
    qsbrListAppend(t, page);
    return false;
  }
  pageFree(t, page);
  return true;
}

function qsbrListAppend(t: MiThread, page: number): void {
  const u32 = t.u32;
  const tail = u32[(t.record + THREAD_QSBR_TAIL_OFFSET) >>> 2];
  u32[(page + K_PAGE_QSBR_PREV_OFFSET) >>> 2] = tail;
  u32[(page + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = 0;
  if (tail !== 0) u32[(tail + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = page;
  else u32[(t.record + THREAD_QSBR_HEAD_OFFSET) >>> 2] = page;
  u32[(t.record + THREAD_QSBR_TAIL_OFFSET) >>> 2] = page;
  t.u8[page + K_PAGE_FLAGS_OFFSET] |= K_PAGE_FLAG_IN_QSBR_LIST;
}

/**
 * Takes a page off the thread's QSBR list, keeping its goal (abandon: the
 * reclaimer honours it).
 * @internal
 */
export function qsbrListRemove(t: MiThread, page: number): void {
  const u8 = t.u8;
  if ((u8[page + K_PAGE_FLAGS_OFFSET] & K_PAGE_FLAG_IN_QSBR_LIST) === 0) return;
  const u32 = t.u32;
  const next = u32[(page + K_PAGE_QSBR_NEXT_OFFSET) >>> 2];
  const prev = u32[(page + K_PAGE_QSBR_PREV_OFFSET) >>> 2];
  if (prev !== 0) u32[(prev + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = next;
  else u32[(t.record + THREAD_QSBR_HEAD_OFFSET) >>> 2] = next;
  if (next !== 0) u32[(next + K_PAGE_QSBR_PREV_OFFSET) >>> 2] = prev;
  else u32[(t.record + THREAD_QSBR_TAIL_OFFSET) >>> 2] = prev;
  u32[(page + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = 0;
  u32[(page + K_PAGE_QSBR_PREV_OFFSET) >>> 2] = 0;
  u8[page + K_PAGE_FLAGS_OFFSET] &= ~K_PAGE_FLAG_IN_QSBR_LIST;
}

/**
 * Drops a page's QSBR goal and takes it off the list (`_PyMem_mi_page_clear_qsbr`).
 * @internal
 */
export function pageClearQsbr(t: MiThread, page: number): void {
  t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] = 0;
  qsbrListRemove(t, page);
}

/**
 * Re-attaches a reclaimed page's QSBR goal to the reclaiming thread
 * (`_PyMem_mi_page_reclaimed`): kept while the page is still empty, dropped otherwise.
 * @internal
 */
export function pageReclaimedQsbr(t: MiThread, page: number): void {
  if (t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] === 0) return;
  if (t.u32[(page + K_PAGE_USED_OFFSET) >>> 2] === 0 && t.qsbr !== null) {
    t.u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] = 0;
    qsbrListAppend(t, page);
  } else {
    t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] = 0;
  }
}

/**
 * Whether an empty page may be freed now as far as QSBR is concerned
 * (`_PyMem_mi_page_is_safe_to_free`).
 * @internal
 */
export function pageIsSafeToFree(t: MiThread, page: number): boolean {
  const goal = t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2];
  if ((t.u8[page + K_PAGE_FLAGS_OFFSET] & PAGE_FLAG_USE_QSBR) === 0 || goal === 0) return true;
  return t.qsbr !== null && qsbrGoalReached(t.qsbr, goal);
}

/**
 * Frees the thread's QSBR-delayed pages whose goal is reached, oldest first,
 * stopping at the first that is not (`_PyMem_mi_heap_collect_qsbr`). A page
 * that was reused meanwhile just leaves the list.
 * @internal
 */
export function collectQsbrPages(t: MiThread): void {
  const qsbr = t.qsbr;
  if (qsbr === null) return;
  const u32 = t.u32;
  let page = u32[(t.record + THREAD_QSBR_HEAD_OFFSET) >>> 2];
  while (page !== 0) {
    const next = u32[(page + K_PAGE_QSBR_NEXT_OFFSET) >>> 2];
    if (u32[(page + K_PAGE_USED_OFFSET) >>> 2] !== 0) {
      pageClearQsbr(t, page);
    } else if (!qsbrPoll(qsbr, t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2])) {
      return;
    } else {
      pageFree(t, page);
    }
    page = next;
  }
}
