/**
 * Statistics of an interpreter's mimalloc heaps: segments, pages by kind,
 * live blocks and bytes per size class, the abandoned pool and the pages
 * waiting for QSBR. Exact when no other thread allocates or frees meanwhile;
 * otherwise a snapshot good for reports (DESIGN.md §3 allows racy plain
 * reads for statistics). It never writes shared memory.
 */

import {
  HEAP_INITIALIZED_OFFSET,
  HEAP_THREAD_DELAYED_FREE_OFFSET,
  MI_BIN_HUGE,
  MI_HEAPS_PER_THREAD,
  MI_MEDIUM_OBJ_SIZE_MAX,
  MI_SEGMENT_SIZE,
  MI_SLICE_SIZE,
  MI_SMALL_OBJ_SIZE_MAX,
  PAGE_BLOCK_SIZE_OFFSET,
  PAGE_QSBR_GOAL_OFFSET,
  PAGE_QSBR_NEXT_OFFSET,
  PAGE_USED_OFFSET,
  PAGE_XBATCH_OFFSET,
  PAGE_XTHREAD_FREE_OFFSET,
  SEGMENT_ABANDONED_NEXT_OFFSET,
  SEGMENT_KIND_HUGE,
  SEGMENT_KIND_OFFSET,
  SHARED_ABANDONED_COUNT_OFFSET,
  SHARED_ABANDONED_OFFSET,
  SHARED_HUGE_SEGMENTS_OFFSET,
  SHARED_RECLAIMED_OFFSET,
  SHARED_SEGMENTS_OFFSET,
  SHARED_VISITED_COUNT_OFFSET,
  SHARED_VISITED_OFFSET,
  THREAD_QSBR_HEAD_OFFSET,
} from './layout.js';
import { entryBlock, entryBlockCount } from './batch-node.js';
import { MI_DELAYED_STATE_MASK } from './delayed-free-state.js';
import { threadCapacity, threadTableEntry } from './mi-shared.js';
import { heapRecord, type MiThread } from './mi-thread.js';
import { forEachHeapPage } from './page-queue.js';
import { pendingBlocksByPage } from './remote-batch.js';
import { forEachPage, pageOf, segmentOf } from './segment.js';
import { binOfSize } from './size-class.js';

/**
 * Occupancy of one size class.
 * @public
 */
export interface MiBinStats {
  /** Bin index (size class). */
  bin: number;
  /** Block size of the class. */
  blockSize: number;
  /** Blocks allocated and not freed. */
  liveBlocks: number;
  /** `liveBlocks × blockSize`. */
  liveBytes: number;
  /** Pages of this class. */
  pages: number;
}

/**
 * Statistics of an interpreter's mimalloc state.
 * @public
 */
export interface MiStats {
  /** Normal (4 MiB) segments alive. */
  segments: number;
  /** Huge segments alive. */
  hugeSegments: number;
  /** Pages by kind: small (≤ 16 KiB blocks), medium (≤ 128 KiB), large, huge. */
  pages: { small: number; medium: number; large: number; huge: number };
  /** Live blocks over all classes. */
  liveBlocks: number;
  /** Live bytes (block sizes) over all classes. */
  liveBytes: number;
  /** Per size class, only classes with pages. */
  bins: MiBinStats[];
  /** Segments in the abandoned pool (both lists). */
  abandonedSegments: number;
  /** Pages in abandoned segments. */
  abandonedPages: number;
  /** Segments reclaimed by some thread so far. */
  reclaimedSegments: number;
  /** Empty object pages waiting for their QSBR goal (in threads' lists or abandoned with a goal). */
  qsbrPendingPages: number;
  /** Threads with mimalloc state. */
  threads: number;
}

/**
 * Blocks on a page's thread-free list (a batch node counts its blocks),
 * walking at most 2^16 entries.
 * SAFETY: plain reads of links another thread may be changing: a bounded,
 * read-only walk (a stale link can only make the count wrong).
 */
function threadFreeBlocks(u32: Uint32Array, page: number): number {
  const shape = u32[(page + PAGE_XBATCH_OFFSET) >>> 2];
  let n = 0;
  let steps = 0;
  for (let e = (Atomics.load(u32, (page + PAGE_XTHREAD_FREE_OFFSET) >>> 2) & ~MI_DELAYED_STATE_MASK) >>> 0; e !== 0 && steps < 0x10000; e = u32[entryBlock(e) >>> 2], steps++) {
    n += entryBlockCount(u32, e, shape);
  }
  return n;
}

/**
 * Walks every page of the interpreter's heaps and pool.
 *
 * SAFETY: every plain read here (page records, queue links, heap and
 * thread records, free lists, the pool's lists without its mutex) may race
 * with the threads that own them unless the caller knows they are idle.
 * The reads are aligned words, every walk is bounded (a stale link may
 * lead round a cycle: no list can hold more pages than the heap has
 * slices, nor more blocks than the bounds below) and nothing is written, so
 * a race can make the figures wrong (or, when an abandoned segment is
 * reclaimed or freed under the walk, end it with a `FatalError` about a
 * slice record) but cannot harm the heap or hang. Exact after the other
 * threads have stopped or joined.
 * @public
 */
export function miStats(t: MiThread): MiStats {
  const u32 = t.u32;
  const maxPages = Math.ceil(t.heap.size / MI_SLICE_SIZE);
  const bins = new Map<number, MiBinStats>();
  const stats: MiStats = {
    segments: Atomics.load(u32, (t.shared + SHARED_SEGMENTS_OFFSET) >>> 2),
    hugeSegments: Atomics.load(u32, (t.shared + SHARED_HUGE_SEGMENTS_OFFSET) >>> 2),
    pages: { small: 0, medium: 0, large: 0, huge: 0 },
    liveBlocks: 0,
    liveBytes: 0,
    bins: [],
    abandonedSegments: Atomics.load(u32, (t.shared + SHARED_ABANDONED_COUNT_OFFSET) >>> 2) + Atomics.load(u32, (t.shared + SHARED_VISITED_COUNT_OFFSET) >>> 2),
    abandonedPages: 0,
    reclaimedSegments: Atomics.load(u32, (t.shared + SHARED_RECLAIMED_OFFSET) >>> 2),
    qsbrPendingPages: 0,
    threads: 0,
  };
  const countPage = (page: number): void => {
    const blockSize = u32[(page + PAGE_BLOCK_SIZE_OFFSET) >>> 2];
    const huge = u32[(segmentOf(page) + SEGMENT_KIND_OFFSET) >>> 2] === SEGMENT_KIND_HUGE;
    if (huge) stats.pages.huge++;
    else if (blockSize <= MI_SMALL_OBJ_SIZE_MAX) stats.pages.small++;
    else if (blockSize <= MI_MEDIUM_OBJ_SIZE_MAX) stats.pages.medium++;
    else stats.pages.large++;
    // `used` already excludes the owner's local frees; other threads' frees
    // (on the page's list, or the heap's delayed list) count until collected.
    const live =
      u32[(page + PAGE_USED_OFFSET) >>> 2] -
      threadFreeBlocks(u32, page) -
      (delayedPerPage.get(page) ?? 0);
    // Large and huge pages share the huge bin; keep them apart by block size.
    const bin = blockSize > MI_MEDIUM_OBJ_SIZE_MAX ? MI_BIN_HUGE : binOfSize(blockSize);
    const key = bin === MI_BIN_HUGE ? -blockSize : bin;
    let entry = bins.get(key);
    if (entry === undefined) {
      entry = { bin, blockSize, liveBlocks: 0, liveBytes: 0, pages: 0 };
      bins.set(key, entry);
    }
    entry.pages++;
    entry.liveBlocks += live;
    entry.liveBytes += live * blockSize;
    stats.liveBlocks += live;
    stats.liveBytes += live * blockSize;
  };
  const capacity = threadCapacity(t.heap, t.shared);
  const records: number[] = [];
  for (let tid = 1; tid < capacity; tid++) {
    const record = Atomics.load(u32, threadTableEntry(t.shared, tid) >>> 2);
    if (record !== 0) records.push(record);
  }
  // Blocks waiting on heaps' delayed-free lists and in threads' pending
  // batches (remote-batch.ts), by page.
  const delayedPerPage = new Map<number, number>();
  for (const record of records) {
    pendingBlocksByPage(t, record, delayedPerPage);
    for (let tag = 0; tag < MI_HEAPS_PER_THREAD; tag++) {
      const heap = heapRecord(record, tag);
      let n = 0;
      for (let e = Atomics.load(u32, (heap + HEAP_THREAD_DELAYED_FREE_OFFSET) >>> 2); e !== 0 && n < 0x100000; e = u32[entryBlock(e) >>> 2], n++) {
        const b = entryBlock(e);
        const page = pageOf(t, segmentOf(b), b);
        delayedPerPage.set(page, (delayedPerPage.get(page) ?? 0) + entryBlockCount(u32, e, u32[(page + PAGE_XBATCH_OFFSET) >>> 2]));
      }
    }
  }
  for (const record of records) {
    stats.threads++;
    let steps = 0;
    for (let page = u32[(record + THREAD_QSBR_HEAD_OFFSET) >>> 2]; page !== 0 && steps < maxPages; page = u32[(page + PAGE_QSBR_NEXT_OFFSET) >>> 2], steps++) stats.qsbrPendingPages++;
    for (let tag = 0; tag < MI_HEAPS_PER_THREAD; tag++) {
      const heap = heapRecord(record, tag);
      if (Atomics.load(u32, (heap + HEAP_INITIALIZED_OFFSET) >>> 2) !== 0) forEachHeapPage(t, heap, countPage, maxPages);
    }
  }
  const maxSegments = Math.ceil(t.heap.size / MI_SEGMENT_SIZE);
  for (const list of [SHARED_ABANDONED_OFFSET, SHARED_VISITED_OFFSET]) {
    let steps = 0;
    for (let segment = u32[(t.shared + list) >>> 2]; segment !== 0 && steps < maxSegments; segment = u32[(segment + SEGMENT_ABANDONED_NEXT_OFFSET) >>> 2], steps++) {
      forEachPage(t, segment, (page) => {
        stats.abandonedPages++;
        if (t.i32[(page + PAGE_QSBR_GOAL_OFFSET) >>> 2] !== 0 && u32[(page + PAGE_USED_OFFSET) >>> 2] === 0) stats.qsbrPendingPages++;
        countPage(page);
      });
    }
  }
  stats.bins = [...bins.values()].sort((a, b) => a.bin - b.bin || a.blockSize - b.blockSize);
  return stats;
}
