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
import { tryReclaim } from './abandon.js';
import { miCollect } from './collect.js';
import { heapDelayedFreeAll, miFree } from './free.js';
import { heapOfTag, type MiThread } from './mi-thread.js';
import {
  collectQsbrPages,
  collectRetired,
  pageClearQsbr,
  pageExtend,
  pageFreeCollect,
  pageInit,
  pageToFull,
  queueOf,
  queuePush,
} from './page.js';
import { allocatePageSlices, pageOf, segmentAllocHuge, segmentAllocNormal, segmentOf } from './segment.js';
import { binBlockSize, binOfSize, pageSlicesFor } from './size-class.js';

// Module-local copies of the layout constants used on the fast path: V8
// checks an imported binding for its temporal dead zone on every use, a local
// const is folded into the code (measured: 13 → 6 ns per malloc + free pair).
const K_HEAP_DIRECT_OFFSET = HEAP_DIRECT_OFFSET;
const K_PAGE_FREE_OFFSET = PAGE_FREE_OFFSET;
const K_PAGE_USED_OFFSET = PAGE_USED_OFFSET;
const K_MI_SMALL_SIZE_MAX = MI_SMALL_SIZE_MAX;

/**
 * Allocates `size` bytes from heap record `heap` of thread `t`; 0 when out of
 * memory or the size is not representable (`mi_heap_malloc`).
 * @internal
 */
export function heapMalloc(t: MiThread, heap: number, size: number): number {
  // `size >>> 0 === size`: a non-negative integer (fractions and NaN take the
  // generic path). In checked mode the direct table points only at the empty page.
  if (size <= K_MI_SMALL_SIZE_MAX && size >>> 0 === size) {
    const u32 = t.u32;
    const page = u32[(heap + K_HEAP_DIRECT_OFFSET + ((size + 7) >>> 3) * 4) >>> 2];
    const block = u32[(page + K_PAGE_FREE_OFFSET) >>> 2];
    if (block !== 0) {
      // SAFETY: owner-only page fields (the page belongs to one of t's heaps).
      u32[(page + K_PAGE_FREE_OFFSET) >>> 2] = u32[block >>> 2];
      u32[(page + K_PAGE_USED_OFFSET) >>> 2]++;
      return block;
    }
  }
  return mallocGeneric(t, heap, size);
}

/** The generic path (`_mi_malloc_generic`). */
function mallocGeneric(t: MiThread, heap: number, size: number): number {
  if (!(size >= 0) || size > MI_MAX_ALLOC_SIZE || size > t.heap.size) return 0;
  size = Math.ceil(size);
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

function popBlock(t: MiThread, page: number): number {
  const u32 = t.u32;
  const block = u32[(page + PAGE_FREE_OFFSET) >>> 2];
  const next = u32[block >>> 2];
  if (t.checked) checkFreeLink(t, page, block, next);
  u32[(page + PAGE_FREE_OFFSET) >>> 2] = next;
  u32[(page + PAGE_USED_OFFSET) >>> 2]++;
  return block;
}

/** Checked mode: a free-list link must be 0 or a block of the same page. */
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

/** A page of `heap` with a free block for `size`, or 0 (`mi_find_page`). */
function findPage(t: MiThread, heap: number, size: number): number {
  if (size > MI_MEDIUM_OBJ_SIZE_MAX) return largeOrHugePage(t, heap, size);
  const bin = binOfSize(size);
  const page = t.u32[queueOf(heap, bin) >>> 2];
  if (page !== 0) {
    pageFreeCollect(t, page, false);
    if (t.u32[(page + PAGE_FREE_OFFSET) >>> 2] !== 0) {
      t.u8[page + PAGE_RETIRE_EXPIRE_OFFSET] = 0;
      pageClearQsbr(t, page);
      return page;
    }
  }
  return findFreePage(t, heap, bin);
}

/**
 * Walks the size class's queue for a page with free blocks, extending or
 * retiring pages to the full queue on the way, then makes a fresh page
 * (`mi_page_queue_find_free_ex`).
 */
function findFreePage(t: MiThread, heap: number, bin: number): number {
  const u32 = t.u32;
  const u16 = t.heap.u16;
  let page = u32[queueOf(heap, bin) >>> 2];
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
  return freshPage(t, heap, bin, binBlockSize(bin));
}

/** Slices for a page: from free spans, else a reclaimed abandoned segment, else a new segment. */
function allocatePage(t: MiThread, slices: number, blockSize: number): number {
  let page = allocatePageSlices(t, slices);
  if (page !== 0) return page;
  for (let attempt = 0; attempt < 2 && page === 0; attempt++) {
    if (attempt === 0 ? !tryReclaim(t, slices, blockSize, MI_MAX_SEGMENT_RECLAIM) : !segmentAllocNormal(t)) continue;
    page = allocatePageSlices(t, slices);
  }
  return page;
}

function freshPage(t: MiThread, heap: number, bin: number, blockSize: number): number {
  const page = allocatePage(t, pageSlicesFor(blockSize), blockSize);
  if (page === 0) return 0;
  pageInit(t, heap, page, blockSize);
  queuePush(t, heap, bin, page);
  t.u32[(heap + HEAP_PAGE_COUNT_OFFSET) >>> 2]++;
  return page;
}

/**
 * Large blocks (up to 2 MiB) get a page of their own in a normal segment;
 * larger ones a huge segment (`mi_large_huge_page_alloc`).
 */
function largeOrHugePage(t: MiThread, heap: number, size: number): number {
  collectQsbrPages(t);
  const blockSize = Math.ceil(size / 16) * 16;
  const slices = pageSlicesFor(blockSize);
  const page = slices === 0 ? segmentAllocHuge(t, blockSize) : allocatePage(t, slices, blockSize);
  if (page === 0) return 0;
  pageInit(t, heap, page, blockSize);
  queuePush(t, heap, MI_BIN_HUGE, page);
  t.u32[(heap + HEAP_PAGE_COUNT_OFFSET) >>> 2]++;
  return page;
}

/**
 * Allocates `size` bytes from the heap with tag `tag` (0 mem, 1 object, 2 gc,
 * 3 gc with pre-header, 4..15 custom). Returns 0 when out of memory or when
 * the size cannot be represented; never a block smaller than asked.
 * @public
 */
export function miHeapMalloc(t: MiThread, tag: number, size: number): number {
  return heapMalloc(t, heapOfTag(t, tag), size);
}

/**
 * `mi_malloc` on the thread's mem heap (tag 0).
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
 * Allocates and zero-fills (`mi_heap_zalloc`).
 * @public
 */
export function miHeapZalloc(t: MiThread, tag: number, size: number): number {
  const p = miHeapMalloc(t, tag, size);
  if (p !== 0) t.heap.fill(p, 0, size);
  return p;
}

/**
 * `count` elements of `size` bytes, zeroed; 0 when the product overflows the
 * address space (`mi_heap_calloc`).
 * @public
 */
export function miHeapCalloc(t: MiThread, tag: number, count: number, size: number): number {
  const total = count * size;
  if (!Number.isSafeInteger(total) || count < 0 || size < 0 || total > MI_MAX_ALLOC_SIZE) return 0;
  return miHeapZalloc(t, tag, total);
}

/**
 * The bytes usable in the block at `p` (at least what was asked; `mi_usable_size`).
 * @public
 */
export function miUsableSize(t: MiThread, p: number): number {
  if (p === 0) return 0;
  const segment = segmentOf(p);
  const page = pageOf(t, segment, p);
  const u32 = t.u32;
  const blockSize = u32[(page + PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  if ((t.u8[page + PAGE_FLAGS_OFFSET] & PAGE_FLAG_HAS_ALIGNED) === 0) return blockSize;
  const start = u32[(page + PAGE_START_OFFSET) >>> 2];
  return blockSize - ((p - start) % blockSize);
}

/**
 * Resizes a block (`mi_heap_realloc`): in place when the new size still fits
 * and does not waste more than half the block; otherwise a new block of the
 * same heap, the contents copied, the old block freed. `p` = 0 allocates;
 * on failure returns 0 and `p` stays valid.
 * @public
 */
export function miHeapRealloc(t: MiThread, tag: number, p: number, size: number): number {
  if (p === 0) return miHeapMalloc(t, tag, size);
  const usable = miUsableSize(t, p);
  if (size <= usable && size >= usable / 2 && size > 0) return p;
  const q = miHeapMalloc(t, tag, size);
  if (q === 0) return 0;
  t.heap.copy(q, p, Math.min(usable, size));
  miFree(t, p);
  return q;
}

/**
 * Allocates `size` bytes whose address is a multiple of `alignment` (a power
 * of two up to 2 MiB; 0 otherwise; `mi_heap_malloc_aligned`). Blocks are 16-byte aligned anyway; larger
 * alignments over-allocate and mark the page so that `miFree` finds the block
 * start again.
 * @public
 */
export function miHeapMallocAligned(t: MiThread, tag: number, size: number, alignment: number): number {
  // Alignments up to half a segment (`MI_ALIGNMENT_MAX`): the aligned address
  // then stays in the block's first 4 MiB, where its segment can be found.
  if (!(size >= 0) || !Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0 || alignment > MI_LARGE_OBJ_SIZE_MAX) return 0;
  // Blocks of 16 bytes and up are 16-byte aligned; only the 8-byte class is not.
  if (alignment <= 16) return miHeapMalloc(t, tag, alignment === 16 ? Math.max(size, 16) : size);
  const p = miHeapMalloc(t, tag, size + alignment - 1);
  if (p === 0) return 0;
  const aligned = Math.ceil(p / alignment) * alignment;
  if (aligned !== p) {
    // SAFETY: owner-only page fields; other threads read the copy only for
    // blocks handed to them after this write (see free.ts).
    const page = pageOf(t, segmentOf(p), p);
    t.u8[page + PAGE_FLAGS_OFFSET] |= PAGE_FLAG_HAS_ALIGNED;
    t.u32[(page + PAGE_XALIGNED_OFFSET) >>> 2] = 1;
  }
  return aligned;
}
