/**
 * Page queues (mimalloc `src/page-queue.c`): each heap keeps one doubly
 * linked queue of pages per size class, a queue of large and huge pages
 * (`MI_BIN_HUGE`) and a queue of full pages (`MI_BIN_FULL`), plus the direct
 * table that maps every small size to the first page of its class (the
 * allocation fast path's only lookup).
 *
 * Only the thread that owns a heap links and unlinks its pages (or a thread
 * acting as that owner: one that abandons the heap for an exited thread, or
 * heap visiting while the world is stopped), so every access here is plain.
 */

import {
  HEAP_DIRECT_OFFSET,
  HEAP_QUEUES_OFFSET,
  MI_BIN_COUNT,
  MI_BIN_FULL,
  MI_BIN_HUGE,
  MI_MEDIUM_OBJ_SIZE_MAX,
  PAGE_BLOCK_SIZE_OFFSET,
  PAGE_FLAG_IN_FULL,
  PAGE_FLAGS_OFFSET,
  PAGE_NEXT_OFFSET,
  PAGE_PREV_OFFSET,
  PAGE_XHEAP_OFFSET,
  QUEUE_FIRST_OFFSET,
  QUEUE_LAST_OFFSET,
  QUEUE_SIZE,
} from './layout.js';
import type { MiThread } from './mi-thread.js';
import { binOfSize, directFirst, directLast } from './size-class.js';

// Module-local copies of layout constants (root README, "Notes for contributors").
const K_HEAP_DIRECT_OFFSET = HEAP_DIRECT_OFFSET;
const K_HEAP_QUEUES_OFFSET = HEAP_QUEUES_OFFSET;
const K_QUEUE_SIZE = QUEUE_SIZE;
const K_QUEUE_FIRST_OFFSET = QUEUE_FIRST_OFFSET;
const K_QUEUE_LAST_OFFSET = QUEUE_LAST_OFFSET;
const K_PAGE_NEXT_OFFSET = PAGE_NEXT_OFFSET;
const K_PAGE_PREV_OFFSET = PAGE_PREV_OFFSET;
const K_PAGE_FLAGS_OFFSET = PAGE_FLAGS_OFFSET;
const K_PAGE_BLOCK_SIZE_OFFSET = PAGE_BLOCK_SIZE_OFFSET;
const K_PAGE_XHEAP_OFFSET = PAGE_XHEAP_OFFSET;

/** Address of a heap's queue for `bin`. @internal */
export function queueOf(heap: number, bin: number): number {
  return heap + K_HEAP_QUEUES_OFFSET + bin * K_QUEUE_SIZE;
}

/**
 * The first page of a heap queue, read by the heap's owner.
 * SAFETY: queue heads are owner-only fields (see layout.ts).
 * @internal
 */
export function queueFirst(t: MiThread, heap: number, bin: number): number {
  return t.u32[(queueOf(heap, bin) + K_QUEUE_FIRST_OFFSET) >>> 2];
}

/**
 * The heap a page belongs to, read by its owner.
 * SAFETY: `xheap` is written only by the page's owner (init, reclaim,
 * abandon), so the owner may read it plain; other threads use `Atomics.load`.
 * @internal
 */
export function ownerHeap(t: MiThread, page: number): number {
  return t.u32[(page + K_PAGE_XHEAP_OFFSET) >>> 2];
}

/**
 * The bin a page's queue has: full, huge (large and huge pages) or its size class.
 * SAFETY: the flags and block size are owner-only fields, and the caller is the page's owner.
 * @internal
 */
export function pageBin(t: MiThread, page: number): number {
  if ((t.u8[page + K_PAGE_FLAGS_OFFSET] & PAGE_FLAG_IN_FULL) !== 0) return MI_BIN_FULL;
  const blockSize = t.u32[(page + K_PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  return blockSize > MI_MEDIUM_OBJ_SIZE_MAX ? MI_BIN_HUGE : binOfSize(blockSize);
}

/**
 * Points the direct-table entries of `bin` at `page` (or the empty page).
 * SAFETY: the direct table is an owner-only part of the heap record.
 */
function directUpdate(t: MiThread, heap: number, bin: number, page: number): void {
  // Checked mode keeps the table empty, so every allocation takes the
  // validating generic path and the fast path needs no mode test.
  const target = page === 0 || t.checked ? t.emptyPage : page;
  const last = directLast(bin);
  for (let w = directFirst(bin); w <= last; w++) t.u32[(heap + K_HEAP_DIRECT_OFFSET + 4 * w) >>> 2] = target;
}

/**
 * Pushes a page at the front of a heap queue (`mi_page_queue_push`).
 * SAFETY: queue heads and the pages' queue links are owner-only fields.
 * @internal
 */
export function queuePush(t: MiThread, heap: number, bin: number, page: number): void {
  const u32 = t.u32;
  const q = queueOf(heap, bin);
  const first = u32[(q + K_QUEUE_FIRST_OFFSET) >>> 2];
  u32[(page + K_PAGE_NEXT_OFFSET) >>> 2] = first;
  u32[(page + K_PAGE_PREV_OFFSET) >>> 2] = 0;
  if (first !== 0) u32[(first + K_PAGE_PREV_OFFSET) >>> 2] = page;
  else u32[(q + K_QUEUE_LAST_OFFSET) >>> 2] = page;
  u32[(q + K_QUEUE_FIRST_OFFSET) >>> 2] = page;
  if (bin < MI_BIN_HUGE) directUpdate(t, heap, bin, page);
}

/**
 * Appends a page at the end of a heap queue (`mi_page_queue_enqueue_from`):
 * a page coming back from the full queue has just one free block, so it must
 * not displace the page the direct table points at.
 * SAFETY: queue heads and the pages' queue links are owner-only fields.
 * @internal
 */
export function queueAppend(t: MiThread, heap: number, bin: number, page: number): void {
  const u32 = t.u32;
  const q = queueOf(heap, bin);
  const last = u32[(q + K_QUEUE_LAST_OFFSET) >>> 2];
  if (last === 0) {
    queuePush(t, heap, bin, page);
    return;
  }
  u32[(page + K_PAGE_PREV_OFFSET) >>> 2] = last;
  u32[(page + K_PAGE_NEXT_OFFSET) >>> 2] = 0;
  u32[(last + K_PAGE_NEXT_OFFSET) >>> 2] = page;
  u32[(q + K_QUEUE_LAST_OFFSET) >>> 2] = page;
}

/**
 * Unlinks a page from a heap queue (`mi_page_queue_remove`).
 * SAFETY: queue heads and the pages' queue links are owner-only fields.
 * @internal
 */
export function queueRemove(t: MiThread, heap: number, bin: number, page: number): void {
  const u32 = t.u32;
  const q = queueOf(heap, bin);
  const next = u32[(page + K_PAGE_NEXT_OFFSET) >>> 2];
  const prev = u32[(page + K_PAGE_PREV_OFFSET) >>> 2];
  if (prev !== 0) u32[(prev + K_PAGE_NEXT_OFFSET) >>> 2] = next;
  else {
    u32[(q + K_QUEUE_FIRST_OFFSET) >>> 2] = next;
    if (bin < MI_BIN_HUGE) directUpdate(t, heap, bin, next);
  }
  if (next !== 0) u32[(next + K_PAGE_PREV_OFFSET) >>> 2] = prev;
  else u32[(q + K_QUEUE_LAST_OFFSET) >>> 2] = prev;
  u32[(page + K_PAGE_NEXT_OFFSET) >>> 2] = 0;
  u32[(page + K_PAGE_PREV_OFFSET) >>> 2] = 0;
}

/**
 * Whether `page` is the only page of its queue (head and tail): the retire
 * rule keeps such a page a few collection cycles.
 * SAFETY: queue heads are owner-only fields.
 * @internal
 */
export function queueHoldsOnly(t: MiThread, heap: number, bin: number, page: number): boolean {
  const q = queueOf(heap, bin);
  return t.u32[(q + K_QUEUE_FIRST_OFFSET) >>> 2] === page && t.u32[(q + K_QUEUE_LAST_OFFSET) >>> 2] === page;
}

/**
 * Calls `fn` for every page in every queue of an initialised heap, at most
 * `limit` pages in all; `fn` may unlink the page it is given.
 * SAFETY: queue heads and links are read plain by the heap's owner (or a
 * thread acting as the owner while the owner runs no mimalloc code: heap
 * visiting with the world stopped, abandoning for an exited thread), or by
 * miStats, which reads another thread's queues as a snapshot: stale links
 * can then lead anywhere, even round a cycle, so it passes a `limit`.
 * @internal
 */
export function forEachHeapPage(t: MiThread, heap: number, fn: (page: number, bin: number) => void, limit = Infinity): void {
  const u32 = t.u32;
  let left = limit;
  for (let bin = 0; bin < MI_BIN_COUNT; bin++) {
    let page = queueFirst(t, heap, bin);
    while (page !== 0) {
      if (--left < 0) return;
      const next = u32[(page + K_PAGE_NEXT_OFFSET) >>> 2];
      fn(page, bin);
      page = next;
    }
  }
}
