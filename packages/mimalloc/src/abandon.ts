/**
 * Thread exit, abandonment and reclamation (mimalloc `src/segment.c`,
 * `_mi_heap_collect_abandon`, with CPython's per-interpreter pool and
 * reclaim-by-tag). A thread that exits frees its empty pages and abandons the
 * rest; a segment whose every page is abandoned goes to the interpreter's
 * abandoned pool. A thread that needs memory pops a few abandoned segments,
 * frees what became empty, and adopts a segment that has room — each of its
 * pages joins the adopting thread's heap with the same tag, so GC pages stay
 * in GC heaps.
 *
 * The pool is two lists (abandoned, visited) under a PyMutex: abandoning and
 * reclaiming are rare, and a lock avoids the ABA tags mimalloc's lock-free
 * list needs.
 */

import { regionFree, type SharedHeap } from '@ft/atomics';
import type { QsbrThread } from '@ft/qsbr';
import { checkIntegerIn } from './argument-checks.js';
import {
  HEAP_INITIALIZED_OFFSET,
  HEAP_PAGE_COUNT_OFFSET,
  MI_HEAPS_PER_THREAD,
  MI_MEDIUM_OBJ_SIZE_MAX,
  PAGE_BLOCK_SIZE_OFFSET,
  PAGE_CAPACITY_OFFSET,
  PAGE_FLAG_IN_FULL,
  PAGE_FLAGS_OFFSET,
  PAGE_FREE_OFFSET,
  PAGE_RESERVED_OFFSET,
  PAGE_SLICE_COUNT_OFFSET,
  PAGE_TAG_OFFSET,
  PAGE_USED_OFFSET,
  PAGE_XHEAP_OFFSET,
  SEGMENT_ABANDONED_OFFSET,
  SEGMENT_ABANDONED_VISITS_OFFSET,
  SEGMENT_THREAD_ID_OFFSET,
  SEGMENT_USED_OFFSET,
  SHARED_ABANDONED_COUNT_OFFSET,
  SHARED_ABANDONED_OFFSET,
  SHARED_RECLAIMED_OFFSET,
  SHARED_VISITED_COUNT_OFFSET,
  SHARED_VISITED_OFFSET,
  THREAD_RECORD_SIZE,
  THREAD_SEGMENTS_OFFSET,
  THREAD_TID_OFFSET,
} from './layout.js';
import { heapDelayedFreeAll } from './free.js';
import { checkMiShared, threadCapacity, threadTableEntry } from './mi-shared.js';
import { checkQsbrThread, heapOfTag, heapRecord, MiThread } from './mi-thread.js';
import { MI_NEVER_DELAYED_FREE, MI_USE_DELAYED_FREE, pageUseDelayedFree } from './delayed-free-state.js';
import { collectQsbrPages, collectRetired, pageFreeCollect, pageMaybeFree } from './page.js';
import { forEachHeapPage, pageBin, queuePush, queueRemove } from './page-queue.js';
import { pageIsSafeToFree, pageReclaimedQsbr, qsbrListRemove } from './qsbr-page-list.js';
import { pushPendingFrees } from './remote-batch.js';
import { poolPop, poolPush, segmentAbandon } from './abandoned-pool.js';
import { forEachFreeSpan, forEachPage, queueFreeSpans, segmentOf, segmentPageFree } from './segment.js';

/**
 * Abandons the calling thread's heaps at thread exit (CPython
 * `_PyThreadState_ClearMimallocHeaps`): empty pages are freed (or wait for
 * QSBR), pages with live blocks stay where they are for another thread to
 * reclaim and for heap visiting to find, and the thread record is released.
 * Calling it again does nothing.
 *
 * SAFETY (for the whole exit: heapCollectAbandon, pageAbandon): the heaps'
 * and pages' owner-only fields are written plain by the thread that owns
 * them, or by a thread acting for one that runs no mimalloc code any more
 * (miAbandonThread's contract), so they still have one writer. Other
 * threads' frees meet the pages through the thread-free words (Atomics); no
 * free uses a heap's delayed list once its pages are NEVER_DELAYED_FREE.
 * @public
 */
export function miThreadExit(t: MiThread): void {
  if (t.exited) return;
  // Pending frees into other threads' pages first: the record that holds them goes away below.
  pushPendingFrees(t);
  for (let tag = 0; tag < MI_HEAPS_PER_THREAD; tag++) {
    const heap = heapRecord(t.record, tag);
    if (t.u32[(heap + HEAP_INITIALIZED_OFFSET) >>> 2] !== 0) heapCollectAbandon(t, heap);
  }
  t.exited = true;
  Atomics.store(t.u32, threadTableEntry(t.shared, t.tid) >>> 2, 0);
  regionFree(t.heap, t.record, THREAD_RECORD_SIZE);
}

/**
 * Abandons the heaps of thread `tid` from another thread, for a thread that
 * can no longer do it itself (a heap can be abandoned from a different thread
 * than the one that created it). That thread must not be running mimalloc code.
 * `qsbr` is the calling thread's registration (empty object pages get their
 * QSBR goal from it). Returns false when `tid` has no mimalloc state.
 * A `tid` that is not an integer from 1 to the heap's thread capacity is a
 * `TypeError` (not a number) or `RangeError`, and a `qsbr` that is neither
 * null nor a registration on this heap a `TypeError`, before anything is written.
 * @public
 */
export function miAbandonThread(heap: SharedHeap, shared: number, tid: number, qsbr: QsbrThread | null): boolean {
  checkMiShared(heap, shared);
  checkIntegerIn('miAbandonThread', 'tid', tid, 1, threadCapacity(heap, shared) - 1);
  checkQsbrThread('miAbandonThread', heap, qsbr);
  const record = Atomics.load(heap.u32, threadTableEntry(shared, tid) >>> 2);
  if (record === 0) return false;
  // SAFETY: the record's tid was written before the record was published
  // with the Atomics.store of its table entry, which the load above read.
  miThreadExit(new MiThread(heap, shared, record, heap.u32[(record + THREAD_TID_OFFSET) >>> 2], qsbr));
  return true;
}

/** Abandons one heap (`_mi_heap_collect_abandon`); SAFETY: see miThreadExit. */
function heapCollectAbandon(t: MiThread, heap: number): void {
  // Row 11: from now on no free may go through this heap's delayed list.
  forEachHeapPage(t, heap, (page) => pageUseDelayedFree(t, page, MI_NEVER_DELAYED_FREE, false));
  heapDelayedFreeAll(t, heap);
  collectQsbrPages(t);
  collectRetired(t, heap, true);
  forEachHeapPage(t, heap, (page) => {
    pageFreeCollect(t, page, true);
    if (t.u32[(page + PAGE_USED_OFFSET) >>> 2] === 0 && pageMaybeFree(t, page)) return;
    pageAbandon(t, heap, page);
  });
}

/** `_mi_page_abandon` + `mi_segment_page_abandon`; SAFETY: see miThreadExit. */
function pageAbandon(t: MiThread, heap: number, page: number): void {
  const u32 = t.u32;
  queueRemove(t, heap, pageBin(t, page), page);
  t.u8[page + PAGE_FLAGS_OFFSET] &= ~PAGE_FLAG_IN_FULL;
  u32[(heap + HEAP_PAGE_COUNT_OFFSET) >>> 2]--;
  // Keep the QSBR goal: whoever reclaims the page must honour it.
  qsbrListRemove(t, page);
  Atomics.store(u32, (page + PAGE_XHEAP_OFFSET) >>> 2, 0);
  const segment = segmentOf(page);
  const abandoned = ++u32[(segment + SEGMENT_ABANDONED_OFFSET) >>> 2];
  if (abandoned === u32[(segment + SEGMENT_USED_OFFSET) >>> 2]) segmentAbandon(t, segment);
}

/**
 * Examines an abandoned segment we hold exclusively: collects the free lists
 * of its pages and frees those that became empty (and QSBR-safe). Returns
 * whether it now has room for `needed` slices or a page of `blockSize` blocks
 * with free space (`mi_segment_check_free`). May free the whole segment.
 * SAFETY: the caller popped the segment from the pool, so no other thread
 * owns or examines it: its records are ours to read and write plain (other
 * threads' frees go through the thread-free words, with Atomics).
 */
function segmentCheckFree(t: MiThread, segment: number, needed: number, blockSize: number): { room: boolean; freed: boolean } {
  const u32 = t.u32;
  let room = false;
  // Collect the pages first: freeing the last one releases the segment, whose
  // records must not be read after that.
  for (const page of pagesOf(t, segment)) {
    pageFreeCollect(t, page, false);
    if (u32[(page + PAGE_USED_OFFSET) >>> 2] === 0 && pageIsSafeToFree(t, page)) {
      u32[(segment + SEGMENT_ABANDONED_OFFSET) >>> 2]--;
      const last = u32[(segment + SEGMENT_USED_OFFSET) >>> 2] === 1;
      segmentPageFree(t, page);
      if (last) return { room: false, freed: true };
    } else if (u32[(page + PAGE_BLOCK_SIZE_OFFSET) >>> 2] === blockSize && pageHasRoom(t, page)) {
      room = true;
    }
  }
  forEachFreeSpan(t, segment, (span) => {
    if (u32[(span + PAGE_SLICE_COUNT_OFFSET) >>> 2] >= needed) room = true;
  });
  return { room, freed: false };
}

/**
 * Whether a page can hand out a block without new slices (`mi_page_has_any_available`):
 * free blocks, or capacity left to extend into.
 * SAFETY: `free`, capacity and reserved are read by the page's owner or the
 * exclusive holder of its abandoned segment.
 */
function pageHasRoom(t: MiThread, page: number): boolean {
  return t.u32[(page + PAGE_FREE_OFFSET) >>> 2] !== 0 || t.heap.u16[(page + PAGE_CAPACITY_OFFSET) >>> 1] < t.heap.u16[(page + PAGE_RESERVED_OFFSET) >>> 1];
}

function pagesOf(t: MiThread, segment: number): number[] {
  const pages: number[] = [];
  forEachPage(t, segment, (page) => pages.push(page));
  return pages;
}

/** {@link tryReclaim}: nothing adopted with room. @internal */
export const RECLAIMED_NONE = 0;
/** {@link tryReclaim}: a page of the requested block size with free space joined the requesting heap. @internal */
export const RECLAIMED_PAGE = 1;
/** {@link tryReclaim}: a segment with room was adopted, its free spans now in the thread's queues. @internal */
export const RECLAIMED_SEGMENT = 2;

/**
 * Tries to adopt an abandoned segment with room for `needed` slices or a page
 * of `blockSize` (`mi_segment_try_reclaim`): examines up to `maxSegments`.
 * A segment examined for the fourth time is adopted even without room, to
 * bound the pool, and the search goes on: adopting it answers nothing about
 * the request. Returns {@link RECLAIMED_PAGE} when a page of `blockSize`
 * with free space joined `heap` (CPython's `right_page_reclaimed`: the
 * caller looks at its queue again rather than carving a new page),
 * {@link RECLAIMED_SEGMENT} when a segment with room was adopted otherwise,
 * {@link RECLAIMED_NONE} when none was found.
 * SAFETY: each popped segment is held exclusively (see segmentCheckFree).
 * @internal
 */
export function tryReclaim(t: MiThread, heap: number, needed: number, blockSize: number, maxSegments: number): number {
  const u32 = t.u32;
  for (let i = 0; i < maxSegments; i++) {
    const segment = poolPop(t);
    if (segment === 0) return RECLAIMED_NONE;
    const visits = ++u32[(segment + SEGMENT_ABANDONED_VISITS_OFFSET) >>> 2];
    const { room, freed } = segmentCheckFree(t, segment, needed, blockSize);
    if (freed) continue;
    if (room) return segmentReclaim(t, segment, heap, blockSize) ? RECLAIMED_PAGE : RECLAIMED_SEGMENT;
    if (visits > 3) segmentReclaim(t, segment, heap, 0);
    else poolPush(t, segment, SHARED_VISITED_OFFSET, SHARED_VISITED_COUNT_OFFSET);
  }
  return RECLAIMED_NONE;
}

/**
 * Adopts an abandoned segment (`mi_segment_reclaim`): each page joins the
 * heap of `t` whose tag is the page's tag (never another tag's heap), empty
 * safe pages are freed, free spans join `t`'s queues. Row 13 of the
 * delayed-free table. Returns whether a page of `blockSize` blocks (small or
 * medium) with free space joined `requester` (`right_page_reclaimed`).
 * SAFETY: the segment is held exclusively (popped from the pool) until the
 * Atomics.store of our tid makes it ours; its records and `t`'s heaps are
 * then owner-only fields of `t`.
 */
function segmentReclaim(t: MiThread, segment: number, requester: number, blockSize: number): boolean {
  const u32 = t.u32;
  Atomics.store(u32, (segment + SEGMENT_THREAD_ID_OFFSET) >>> 2, t.tid);
  u32[(segment + SEGMENT_ABANDONED_VISITS_OFFSET) >>> 2] = 0;
  u32[(t.record + THREAD_SEGMENTS_OFFSET) >>> 2]++;
  Atomics.add(u32, (t.shared + SHARED_RECLAIMED_OFFSET) >>> 2, 1);
  queueFreeSpans(t, segment);
  let rightPage = false;
  for (const page of pagesOf(t, segment)) {
    u32[(segment + SEGMENT_ABANDONED_OFFSET) >>> 2]--;
    const heap = heapOfTag(t, t.u8[page + PAGE_TAG_OFFSET]);
    Atomics.store(u32, (page + PAGE_XHEAP_OFFSET) >>> 2, heap);
    pageUseDelayedFree(t, page, MI_USE_DELAYED_FREE, true);
    pageFreeCollect(t, page, false);
    if (u32[(page + PAGE_USED_OFFSET) >>> 2] === 0 && pageIsSafeToFree(t, page)) {
      const last = u32[(segment + SEGMENT_USED_OFFSET) >>> 2] === 1;
      segmentPageFree(t, page);
      if (last) return false;
      continue;
    }
    queuePush(t, heap, pageBin(t, page), page);
    u32[(heap + HEAP_PAGE_COUNT_OFFSET) >>> 2]++;
    pageReclaimedQsbr(t, page);
    // Large pages are never looked up in a queue (each allocation makes one): only small and medium count.
    if (heap === requester && blockSize <= MI_MEDIUM_OBJ_SIZE_MAX && u32[(page + PAGE_BLOCK_SIZE_OFFSET) >>> 2] === blockSize && pageHasRoom(t, page)) rightPage = true;
  }
  return rightPage;
}

/**
 * Examines every abandoned segment: frees empty pages and segments, leaves
 * the rest in the pool (part of `mi_heap_collect(force)`).
 * SAFETY: each popped segment is held exclusively (see segmentCheckFree).
 * @internal
 */
export function collectAbandoned(t: MiThread): void {
  const u32 = t.u32;
  const total = Atomics.load(u32, (t.shared + SHARED_ABANDONED_COUNT_OFFSET) >>> 2) + Atomics.load(u32, (t.shared + SHARED_VISITED_COUNT_OFFSET) >>> 2);
  const keep: number[] = [];
  for (let i = 0; i < total; i++) {
    const segment = poolPop(t);
    if (segment === 0) break;
    if (!segmentCheckFree(t, segment, Number.MAX_SAFE_INTEGER, 0).freed) keep.push(segment);
  }
  for (const segment of keep) poolPush(t, segment, SHARED_ABANDONED_OFFSET, SHARED_ABANDONED_COUNT_OFFSET);
}
