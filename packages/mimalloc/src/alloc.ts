/**
 * Allocation (mimalloc `src/alloc.c`, `src/page.c` generic path). The fast
 * path is the direct table: one load for the page, one for its free list,
 * one store, one increment — plain accesses to owner-only fields, no
 * `Atomics` call. Everything else (an empty list, large sizes, checked mode)
 * takes the generic path, which processes delayed frees, finds or makes a
 * page, and then pops.
 */

import { fatalError, formatAddress } from '@ft/atomics';
import {
  HEAP_DIRECT_OFFSET,
  HEAP_PAGE_COUNT_OFFSET,
  MI_BIN_HUGE,
  MI_LARGE_OBJ_SIZE_MAX,
  MI_MAX_ALLOC_SIZE,
  MI_MAX_SEGMENT_RECLAIM,
  MI_MEDIUM_OBJ_SIZE_MAX,
  MI_SMALL_SIZE_MAX,
  PAGE_BLOCK_SIZE_OFFSET,
  PAGE_CAPACITY_OFFSET,
  PAGE_FLAG_HAS_ALIGNED,
  PAGE_FLAGS_OFFSET,
  PAGE_FREE_OFFSET,
  PAGE_NEXT_OFFSET,
  PAGE_RESERVED_OFFSET,
  PAGE_RETIRE_EXPIRE_OFFSET,
  PAGE_START_OFFSET,
  PAGE_USED_OFFSET,
  PAGE_XALIGNED_OFFSET,
} from './layout.js';
import { RECLAIMED_NONE, RECLAIMED_PAGE, tryReclaim } from './abandon.js';
import { checkSize, rejectAddress } from './argument-checks.js';
import { miCollect } from './collect.js';
import { heapDelayedFreeAll, miFree } from './free.js';
import { heapOfTag, type MiThread } from './mi-thread.js';
import { collectQsbrPages, collectRetired, pageExtend, pageFreeCollect, pageInit, pageToFull } from './page.js';
import { queueFirst, queuePush } from './page-queue.js';
import { pageClearQsbr } from './qsbr-page-list.js';
import { allocatePageSlices, pageOf, segmentAllocHuge, segmentAllocNormal, segmentOf } from './segment.js';
import { binBlockSize, binOfSize, pageSlicesFor } from './size-class.js';

// Module-local copies of the layout constants used on the fast path (root README, "Notes for contributors").
const K_HEAP_DIRECT_OFFSET = HEAP_DIRECT_OFFSET;
const K_PAGE_FREE_OFFSET = PAGE_FREE_OFFSET;
const K_PAGE_USED_OFFSET = PAGE_USED_OFFSET;
const K_MI_SMALL_SIZE_MAX = MI_SMALL_SIZE_MAX;

/**
 * Allocates `size` bytes from heap record `heap` of thread `t`
 * (`mi_heap_malloc`): 0 when out of memory or when `size` is an integer too
 * large to allocate; a `TypeError` or `RangeError` for a size that is not a
 * non-negative integer (see argument-checks.ts).
 * @internal
 */
export function heapMalloc(t: MiThread, heap: number, size: number): number {
  // `size >>> 0 === size`: an integer 0 … 2^32 − 1; anything else takes the
  // generic path, which checks it. `typeof` first, so that no conversion
  // runs on a bad value. In checked mode the direct table points only at the
  // empty page.
  if (typeof size === 'number' && size <= K_MI_SMALL_SIZE_MAX && size >>> 0 === size) {
    // SAFETY: the direct table and the page's `free` and `used` are
    // owner-only fields (the page belongs to one of t's heaps), and the
    // block on the free list is ours to hand out.
    const u32 = t.u32;
    const page = u32[(heap + K_HEAP_DIRECT_OFFSET + ((size + 7) >>> 3) * 4) >>> 2];
    const block = u32[(page + K_PAGE_FREE_OFFSET) >>> 2];
    if (block !== 0) {
      u32[(page + K_PAGE_FREE_OFFSET) >>> 2] = u32[block >>> 2];
      u32[(page + K_PAGE_USED_OFFSET) >>> 2]++;
      return block;
    }
  }
  return mallocGeneric(t, heap, size);
}

/** The generic path (`_mi_malloc_generic`). */
function mallocGeneric(t: MiThread, heap: number, size: number): number {
  checkSize('mimalloc', 'the size', size);
  if (size > MI_MAX_ALLOC_SIZE || size > t.heap.size) return 0;
  heapDelayedFreeAll(t, heap);
  let page = findPage(t, heap, size);
  if (page === 0) {
    // Out of memory: collect everything that can be freed and try once more.
    miCollect(t, true);
    page = findPage(t, heap, size);
    if (page === 0) return 0;
  }
  return popBlock(t, page);
}

/**
 * Pops the first block of a page's free list.
 * SAFETY: `free`, `used` and the free blocks' links are owner-only fields.
 */
function popBlock(t: MiThread, page: number): number {
  const u32 = t.u32;
  const block = u32[(page + PAGE_FREE_OFFSET) >>> 2];
  const next = u32[block >>> 2];
  if (t.checked === true) checkFreeLink(t, page, block, next);
  u32[(page + PAGE_FREE_OFFSET) >>> 2] = next;
  u32[(page + PAGE_USED_OFFSET) >>> 2]++;
  return block;
}

/**
 * Checked mode: a free-list link must be 0 or a block of the same page.
 * SAFETY: reads owner-only fields of a page of `t`.
 */
function checkFreeLink(t: MiThread, page: number, block: number, next: number): void {
  if (next === 0) return;
  const u32 = t.u32;
  const start = u32[(page + PAGE_START_OFFSET) >>> 2];
  const blockSize = u32[(page + PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  const capacity = t.heap.u16[(page + PAGE_CAPACITY_OFFSET) >>> 1];
  if (next < start || next >= start + capacity * blockSize || (next - start) % blockSize !== 0) {
    fatalError(`free list corrupted: block ${formatAddress(block)} links to ${formatAddress(next)}, not a block of its page`);
  }
}

/**
 * A page of `heap` with a free block for `size`, or 0 (`mi_find_page`).
 * SAFETY: the page's `free` and retire counter are owner-only fields.
 */
function findPage(t: MiThread, heap: number, size: number): number {
  if (size > MI_MEDIUM_OBJ_SIZE_MAX) return largeOrHugePage(t, heap, size);
  const bin = binOfSize(size);
  const page = queueFirst(t, heap, bin);
  if (page !== 0) {
    pageFreeCollect(t, page, false);
    if (t.u32[(page + PAGE_FREE_OFFSET) >>> 2] !== 0) {
      t.u8[page + PAGE_RETIRE_EXPIRE_OFFSET] = 0;
      pageClearQsbr(t, page);
      return page;
    }
  }
  return findFreePage(t, heap, bin, true);
}

/**
 * Walks the size class's queue for a page with free blocks, extending or
 * retiring pages to the full queue on the way, then makes a fresh page
 * (`mi_page_queue_find_free_ex`). When no fresh page comes on the first try,
 * the queue is walked once more: making it may have reclaimed an abandoned
 * page of this size class with free blocks into the queue instead.
 * SAFETY: the queue links, `free`, capacity and retire counter are owner-only fields.
 */
function findFreePage(t: MiThread, heap: number, bin: number, firstTry: boolean): number {
  const u32 = t.u32;
  const u16 = t.heap.u16;
  let page = queueFirst(t, heap, bin);
  while (page !== 0) {
    const next = u32[(page + PAGE_NEXT_OFFSET) >>> 2];
    pageFreeCollect(t, page, false);
    if (u32[(page + PAGE_FREE_OFFSET) >>> 2] !== 0) break;
    if (u16[(page + PAGE_CAPACITY_OFFSET) >>> 1] < u16[(page + PAGE_RESERVED_OFFSET) >>> 1]) {
      pageExtend(t, page);
      break;
    }
    pageToFull(t, heap, bin, page);
    page = next;
  }
  if (page !== 0) {
    t.u8[page + PAGE_RETIRE_EXPIRE_OFFSET] = 0;
    pageClearQsbr(t, page);
    return page;
  }
  // Before carving new memory, let pages whose QSBR goal passed go back.
  collectQsbrPages(t);
  collectRetired(t, heap, false);
  const fresh = freshPage(t, heap, bin, binBlockSize(bin));
  if (fresh === 0 && firstTry) return findFreePage(t, heap, bin, false);
  return fresh;
}

/**
 * Slices for a page of `heap` (`mi_segments_page_alloc` with
 * `mi_segment_reclaim_or_alloc`): from the thread's free spans, else from an
 * abandoned segment with room, else from a new segment. Returns 0 when out
 * of memory, and also when the reclaim brought a page of `blockSize` with
 * free blocks into `heap` (the caller finds it in its queue). A reclaimed
 * segment whose room was for another heap's page leaves the spans short:
 * the search goes on in the pool, which that reclaim made smaller.
 */
function allocatePage(t: MiThread, heap: number, slices: number, blockSize: number): number {
  for (;;) {
    const page = allocatePageSlices(t, slices);
    if (page !== 0) return page;
    const reclaimed = tryReclaim(t, heap, slices, blockSize, MI_MAX_SEGMENT_RECLAIM);
    if (reclaimed === RECLAIMED_PAGE) return 0;
    if (reclaimed === RECLAIMED_NONE && !segmentAllocNormal(t)) return 0;
  }
}

/**
 * A fresh page of `blockSize` blocks queued in `bin` of `heap`, or 0.
 * SAFETY: the heap's page count is an owner-only field.
 */
function freshPage(t: MiThread, heap: number, bin: number, blockSize: number): number {
  const page = allocatePage(t, heap, pageSlicesFor(blockSize), blockSize);
  if (page === 0) return 0;
  pageInit(t, heap, page, blockSize);
  queuePush(t, heap, bin, page);
  t.u32[(heap + HEAP_PAGE_COUNT_OFFSET) >>> 2]++;
  return page;
}

/**
 * Large blocks (up to 2 MiB) get a page of their own in a normal segment;
 * larger ones a huge segment (`mi_large_huge_page_alloc`).
 * SAFETY: the heap's page count is an owner-only field.
 */
function largeOrHugePage(t: MiThread, heap: number, size: number): number {
  collectQsbrPages(t);
  const blockSize = Math.ceil(size / 16) * 16;
  const slices = pageSlicesFor(blockSize);
  const page = slices === 0 ? segmentAllocHuge(t, blockSize) : allocatePage(t, heap, slices, blockSize);
  if (page === 0) return 0;
  pageInit(t, heap, page, blockSize);
  queuePush(t, heap, MI_BIN_HUGE, page);
  t.u32[(heap + HEAP_PAGE_COUNT_OFFSET) >>> 2]++;
  return page;
}

/**
 * Allocates `size` bytes from the heap with tag `tag` (0 mem, 1 object, 2 gc,
 * 3 gc with pre-header, 4..15 custom; `mi_heap_malloc`). Never a block
 * smaller than asked. Returns 0 when out of memory or when `size` is an
 * integer too large to allocate (above `MI_MAX_ALLOC_SIZE` or the heap).
 * Throws, before anything is allocated, a `TypeError` when `size` or `tag`
 * is not a number and a `RangeError` when it is negative, fractional, `NaN`
 * or infinite (or a tag above 15).
 * @public
 */
export function miHeapMalloc(t: MiThread, tag: number, size: number): number {
  return heapMalloc(t, heapOfTag(t, tag), size);
}

/**
 * `mi_malloc` on the thread's mem heap (tag 0); sizes as for {@link miHeapMalloc}.
 * @example
 * ```ts
 * const p = miMalloc(t, 64);
 * if (p === 0) throw new Error('out of shared memory');
 * miFree(t, p);
 * ```
 * @public
 */
export function miMalloc(t: MiThread, size: number): number {
  return heapMalloc(t, t.memHeap, size);
}

/**
 * Allocates and zero-fills (`mi_heap_zalloc`); sizes as for {@link miHeapMalloc}.
 * @public
 */
export function miHeapZalloc(t: MiThread, tag: number, size: number): number {
  const p = heapMalloc(t, heapOfTag(t, tag), size);
  if (p !== 0) t.heap.fill(p, 0, size);
  return p;
}

/**
 * `count` elements of `size` bytes, zeroed (`mi_heap_calloc`); 0 when the
 * product is too large to allocate (it never wraps). `count` and `size` are
 * checked as sizes of {@link miHeapMalloc}.
 * @public
 */
export function miHeapCalloc(t: MiThread, tag: number, count: number, size: number): number {
  const heap = heapOfTag(t, tag);
  checkSize('miHeapCalloc', 'count', count);
  checkSize('miHeapCalloc', 'size', size);
  const total = count * size;
  if (total > MI_MAX_ALLOC_SIZE) return 0;
  const p = heapMalloc(t, heap, total);
  if (p !== 0) t.heap.fill(p, 0, total);
  return p;
}

/**
 * Checks an address argument: 0 or an integer inside the heap's allocatable
 * range; throws otherwise (see argument-checks.ts).
 */
function checkAddress(fn: string, t: MiThread, p: number): void {
  if (!(typeof p === 'number' && p >>> 0 === p && (p - t.addressLow) >>> 0 < t.addressSpan) && p !== 0) {
    rejectAddress(fn, p, t.addressLow, t.addressLow + t.addressSpan);
  }
}

/**
 * The usable size of a live block at `p` (checked by the caller).
 * SAFETY: plain reads of the page's block size, start and has-aligned flag,
 * possibly another thread's page: the block size and start were written
 * before the block at `p` was allocated and handing `p` to this thread
 * synchronized; they do not change while `p` is live. The flag is set
 * before an aligned pointer is handed out and cleared only when the page is
 * empty; for a block start either value gives the same result.
 */
function usableSize(t: MiThread, p: number): number {
  const page = pageOf(t, segmentOf(p), p);
  const u32 = t.u32;
  const blockSize = u32[(page + PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  if ((t.u8[page + PAGE_FLAGS_OFFSET] & PAGE_FLAG_HAS_ALIGNED) === 0) return blockSize;
  const start = u32[(page + PAGE_START_OFFSET) >>> 2];
  return blockSize - ((p - start) % blockSize);
}

/**
 * The bytes usable in the block at `p` (at least what was asked;
 * `mi_usable_size`); 0 for 0. `p` is checked as by {@link miFree}.
 * @public
 */
export function miUsableSize(t: MiThread, p: number): number {
  checkAddress('miUsableSize', t, p);
  return p === 0 ? 0 : usableSize(t, p);
}

/**
 * Resizes a block (`mi_heap_realloc`): in place when the new size still fits
 * and does not waste more than half the block; otherwise a new block of the
 * same heap, the contents copied, the old block freed. `p` = 0 allocates.
 * Returns 0 when out of memory or `size` is too large to allocate, and `p`
 * stays valid. `p` is checked as by {@link miFree} and `size` as by
 * {@link miHeapMalloc}, both before anything is allocated or freed.
 * @public
 */
export function miHeapRealloc(t: MiThread, tag: number, p: number, size: number): number {
  const heap = heapOfTag(t, tag);
  checkAddress('miHeapRealloc', t, p);
  checkSize('miHeapRealloc', 'size', size);
  if (p === 0) return heapMalloc(t, heap, size);
  const usable = usableSize(t, p);
  if (size <= usable && size >= usable / 2 && size > 0) return p;
  const q = heapMalloc(t, heap, size);
  if (q === 0) return 0;
  t.heap.copy(q, p, Math.min(usable, size));
  miFree(t, p);
  return q;
}

/**
 * Allocates `size` bytes whose address is a multiple of `alignment`
 * (`mi_heap_malloc_aligned`). Blocks are 16-byte aligned anyway; larger
 * alignments over-allocate and mark the page so that `miFree` finds the
 * block start again. Returns 0 when out of memory, when `size` is too large
 * to allocate, or when `alignment` is not a power of two up to 2 MiB.
 * `size` and `alignment` are checked as sizes of {@link miHeapMalloc}.
 * @public
 */
export function miHeapMallocAligned(t: MiThread, tag: number, size: number, alignment: number): number {
  const heap = heapOfTag(t, tag);
  checkSize('miHeapMallocAligned', 'size', size);
  checkSize('miHeapMallocAligned', 'alignment', alignment);
  // Alignments up to half a segment (`MI_ALIGNMENT_MAX`): the aligned address
  // then stays in the block's first 4 MiB, where its segment can be found.
  if (alignment === 0 || alignment > MI_LARGE_OBJ_SIZE_MAX || (alignment & (alignment - 1)) !== 0) return 0;
  // Blocks of 16 bytes and up are 16-byte aligned; only the 8-byte class is not.
  if (alignment <= 16) return heapMalloc(t, heap, alignment === 16 ? Math.max(size, 16) : size);
  const p = heapMalloc(t, heap, size + alignment - 1);
  if (p === 0) return 0;
  const aligned = Math.ceil(p / alignment) * alignment;
  if (aligned !== p) {
    // SAFETY: the flag is an owner-only field; other threads read the copy
    // only for blocks handed to them after this write (see free.ts).
    const page = pageOf(t, segmentOf(p), p);
    t.u8[page + PAGE_FLAGS_OFFSET] |= PAGE_FLAG_HAS_ALIGNED;
    t.u32[(page + PAGE_XALIGNED_OFFSET) >>> 2] = 1;
  }
  return aligned;
}
