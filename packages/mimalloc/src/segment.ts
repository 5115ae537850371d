/**
 * Segments, slices and free spans (mimalloc `src/segment.c`). A segment is a
 * 4 MiB region aligned to its size; its first slice holds the header and one
 * 64-byte record per slice. Pages are runs of slices carved from free spans,
 * which the owning thread keeps in 36 queues binned by length; freeing a page
 * coalesces its slices with free neighbours. A segment whose last page is
 * freed goes back to the region allocator. Blocks larger than half a segment
 * get a huge segment holding one page.
 *
 * The functions here run on the thread that owns the segment, or on a
 * thread that holds an abandoned segment exclusively (popped from the
 * pool); each says in its doc why its plain accesses are safe.
 */

import { fatalError, formatAddress, regionAlloc, regionFree } from '@ft/atomics';
import {
  MI_LAYOUT_VERSION,
  MI_SEGMENT_MASK,
  MI_SEGMENT_SIZE,
  MI_SEGMENT_TAG,
  MI_SLICE_SHIFT,
  MI_SLICE_SIZE,
  MI_SLICES_PER_SEGMENT,
  MI_SPAN_QUEUES,
  PAGE_BLOCK_SIZE_OFFSET,
  PAGE_NEXT_OFFSET,
  PAGE_PREV_OFFSET,
  PAGE_RECORD_SIZE,
  PAGE_SLICE_COUNT_OFFSET,
  PAGE_SLICE_OFFSET_OFFSET,
  PAGE_XSLICE_OFFSET_OFFSET,
  SEGMENT_KIND_HUGE,
  SEGMENT_KIND_NORMAL,
  SEGMENT_KIND_OFFSET,
  SEGMENT_SHARED_OFFSET,
  SEGMENT_SIZE_OFFSET,
  SEGMENT_SLICE_ENTRIES_OFFSET,
  SEGMENT_SLICES_OFFSET,
  SEGMENT_TAG_OFFSET,
  SEGMENT_THREAD_ID_OFFSET,
  SEGMENT_USED_OFFSET,
  SEGMENT_VERSION_OFFSET,
  SHARED_HUGE_SEGMENTS_OFFSET,
  SHARED_SEGMENTS_OFFSET,
  SPAN_QUEUE_FIRST_OFFSET,
  SPAN_QUEUE_LAST_OFFSET,
  SPAN_QUEUE_SIZE,
  THREAD_SEGMENTS_OFFSET,
  THREAD_SPANS_OFFSET,
} from './layout.js';
import { segmentMapEntry } from './mi-shared.js';
import type { MiThread } from './mi-thread.js';

/** A page record's slice index within its segment. */
function sliceIndex(segment: number, record: number): number {
  return (record - segment - SEGMENT_SLICES_OFFSET) / PAGE_RECORD_SIZE;
}

/**
 * The segment a block (or a page record) belongs to. The `- 1` maps an
 * address exactly at a segment's end to that segment (blocks never start at a
 * segment's first byte: the header is there).
 * @internal
 */
export function segmentOf(addr: number): number {
  return ((addr - 1) & ~MI_SEGMENT_MASK) >>> 0;
}

/**
 * The page record of a block (`_mi_segment_page_of`): the slice's record, then
 * back to the page's first slice. Huge segments have one page.
 * SAFETY: the back offset is written by the segment's owner when it makes
 * the page, before any block of it is handed out, and changes only when the
 * page is freed: a caller holding a live block (or owning the segment)
 * reads a settled value.
 * @internal
 */
export function pageOf(t: MiThread, segment: number, addr: number): number {
  const u32 = t.u32;
  // A block address lies in its segment's first 4 MiB (huge blocks start in
  // slice 1, aligned ones at most 2 MiB further), so the index is below 64 and
  // every such slice has a record pointing at its page.
  const record = segment + SEGMENT_SLICES_OFFSET + ((addr - segment) >>> MI_SLICE_SHIFT) * PAGE_RECORD_SIZE;
  return record - u32[(record + PAGE_SLICE_OFFSET_OFFSET) >>> 2];
}

/**
 * Address of the first byte of a page's memory.
 * @internal
 */
export function pageMemory(page: number): number {
  const segment = segmentOf(page);
  return segment + sliceIndex(segment, page) * MI_SLICE_SIZE;
}

/** Span queue bin of a span of `n` slices (`mi_slice_bin8`). */
function spanBin(n: number): number {
  if (n <= 1) return n;
  const m = n - 1;
  const s = 31 - Math.clz32(m);
  if (s <= 2) return m + 1;
  return ((s << 2) | ((m >>> (s - 2)) & 3)) - 4;
}

/** Address of `t`'s free-span queue for spans of `n` slices. */
function spanQueue(t: MiThread, n: number): number {
  return t.record + THREAD_SPANS_OFFSET + Math.min(spanBin(n), MI_SPAN_QUEUES - 1) * SPAN_QUEUE_SIZE;
}

/**
 * Marks slices [first, first + n) as one free span (first and last records).
 * SAFETY: the records of free slices are the segment holder's.
 */
function writeSpan(t: MiThread, first: number, n: number): void {
  const u32 = t.u32;
  u32[(first + PAGE_SLICE_COUNT_OFFSET) >>> 2] = n;
  u32[(first + PAGE_SLICE_OFFSET_OFFSET) >>> 2] = 0;
  u32[(first + PAGE_BLOCK_SIZE_OFFSET) >>> 2] = 0;
  if (n > 1) {
    const last = first + (n - 1) * PAGE_RECORD_SIZE;
    u32[(last + PAGE_SLICE_COUNT_OFFSET) >>> 2] = 0;
    u32[(last + PAGE_SLICE_OFFSET_OFFSET) >>> 2] = (n - 1) * PAGE_RECORD_SIZE;
    u32[(last + PAGE_BLOCK_SIZE_OFFSET) >>> 2] = 0;
  }
}

/**
 * Pushes a free span on `t`'s queue for its length.
 * SAFETY: span queues live in `t`'s thread record and link records of
 * `t`'s own segments: owner-only fields.
 */
function spanPush(t: MiThread, span: number): void {
  const u32 = t.u32;
  const q = spanQueue(t, u32[(span + PAGE_SLICE_COUNT_OFFSET) >>> 2]);
  const first = u32[(q + SPAN_QUEUE_FIRST_OFFSET) >>> 2];
  u32[(span + PAGE_NEXT_OFFSET) >>> 2] = first;
  u32[(span + PAGE_PREV_OFFSET) >>> 2] = 0;
  if (first !== 0) u32[(first + PAGE_PREV_OFFSET) >>> 2] = span;
  else u32[(q + SPAN_QUEUE_LAST_OFFSET) >>> 2] = span;
  u32[(q + SPAN_QUEUE_FIRST_OFFSET) >>> 2] = span;
}

/**
 * Unlinks a free span from `t`'s queue for its length.
 * SAFETY: as spanPush.
 */
function spanRemove(t: MiThread, span: number): void {
  const u32 = t.u32;
  const q = spanQueue(t, u32[(span + PAGE_SLICE_COUNT_OFFSET) >>> 2]);
  const next = u32[(span + PAGE_NEXT_OFFSET) >>> 2];
  const prev = u32[(span + PAGE_PREV_OFFSET) >>> 2];
  if (prev !== 0) u32[(prev + PAGE_NEXT_OFFSET) >>> 2] = next;
  else u32[(q + SPAN_QUEUE_FIRST_OFFSET) >>> 2] = next;
  if (next !== 0) u32[(next + PAGE_PREV_OFFSET) >>> 2] = prev;
  else u32[(q + SPAN_QUEUE_LAST_OFFSET) >>> 2] = prev;
  u32[(span + PAGE_NEXT_OFFSET) >>> 2] = 0;
  u32[(span + PAGE_PREV_OFFSET) >>> 2] = 0;
}

/**
 * Whether the segment's free spans sit in its owner's span queues (not abandoned).
 * SAFETY: the thread id is written by the owner (its own tid, or 0 when it
 * abandons) and by a reclaimer that holds the segment exclusively: the
 * caller, owner or holder, reads its own latest write.
 */
function spansQueued(t: MiThread, segment: number): boolean {
  return t.u32[(segment + SEGMENT_THREAD_ID_OFFSET) >>> 2] !== 0;
}

/**
 * Turns slices [first, first + n) into a page: the first record starts it, the
 * others point back to it. Returns the page record.
 * SAFETY: the slices were free, so no other thread holds a block in them;
 * the records (and the copies other threads' frees read) are published with
 * the first block handed out of the page.
 */
function makePage(t: MiThread, segment: number, first: number, n: number): number {
  const u32 = t.u32;
  u32[(first + PAGE_SLICE_COUNT_OFFSET) >>> 2] = n;
  u32[(first + PAGE_SLICE_OFFSET_OFFSET) >>> 2] = 0;
  u32[(first + PAGE_XSLICE_OFFSET_OFFSET) >>> 2] = 0;
  u32[(first + PAGE_BLOCK_SIZE_OFFSET) >>> 2] = 2; // "a page" until initialised with its block size
  // Back pointers for the slices a block address can fall in: all of a normal
  // segment's, the first 4 MiB of a huge one (further records would run into
  // the block's memory).
  const backPointers = Math.min(n, MI_SLICES_PER_SEGMENT - 1);
  for (let k = 1; k < backPointers; k++) {
    const record = first + k * PAGE_RECORD_SIZE;
    u32[(record + PAGE_SLICE_COUNT_OFFSET) >>> 2] = 0;
    u32[(record + PAGE_SLICE_OFFSET_OFFSET) >>> 2] = k * PAGE_RECORD_SIZE;
    // The copy other threads' frees read (see free.ts); the page is not
    // published yet, and the copy does not change while the page exists.
    u32[(record + PAGE_XSLICE_OFFSET_OFFSET) >>> 2] = k * PAGE_RECORD_SIZE;
    u32[(record + PAGE_BLOCK_SIZE_OFFSET) >>> 2] = 1;
  }
  u32[(segment + SEGMENT_USED_OFFSET) >>> 2]++;
  return first;
}

/**
 * Takes `needed` slices from the thread's free spans (`mi_segments_page_find_and_allocate`):
 * the first span at least that long from the smallest fitting bin up; the rest
 * of the span goes back to the queues. Returns the page record or 0.
 * SAFETY: span queues and free-span records are `t`'s owner-only fields.
 * @internal
 */
export function allocatePageSlices(t: MiThread, needed: number): number {
  const u32 = t.u32;
  for (let bin = spanBin(needed); bin < MI_SPAN_QUEUES; bin++) {
    const q = t.record + THREAD_SPANS_OFFSET + bin * SPAN_QUEUE_SIZE;
    for (let span = u32[(q + SPAN_QUEUE_FIRST_OFFSET) >>> 2]; span !== 0; span = u32[(span + PAGE_NEXT_OFFSET) >>> 2]) {
      const n = u32[(span + PAGE_SLICE_COUNT_OFFSET) >>> 2];
      if (n < needed) continue;
      spanRemove(t, span);
      if (n > needed) {
        const rest = span + needed * PAGE_RECORD_SIZE;
        writeSpan(t, rest, n - needed);
        spanPush(t, rest);
      }
      return makePage(t, segmentOf(span), span, needed);
    }
  }
  return 0;
}

/**
 * Writes a fresh segment's header and publishes it in the segment map.
 * SAFETY: a fresh region nobody else knows yet (zero-filled); the thread
 * record's segment count is an owner-only field.
 */
function initSegmentHeader(t: MiThread, segment: number, kind: number, size: number, entries: number): void {
  const u32 = t.u32;
  u32[(segment + SEGMENT_TAG_OFFSET) >>> 2] = MI_SEGMENT_TAG;
  u32[(segment + SEGMENT_VERSION_OFFSET) >>> 2] = MI_LAYOUT_VERSION;
  u32[(segment + SEGMENT_KIND_OFFSET) >>> 2] = kind;
  u32[(segment + SEGMENT_SIZE_OFFSET) >>> 2] = size;
  u32[(segment + SEGMENT_SLICE_ENTRIES_OFFSET) >>> 2] = entries;
  u32[(segment + SEGMENT_SHARED_OFFSET) >>> 2] = t.shared;
  // Slice 0 holds this header: mark it "interior" so it never coalesces; the
  // record after the last entry is a sentinel of the same kind.
  u32[(segment + SEGMENT_SLICES_OFFSET + PAGE_BLOCK_SIZE_OFFSET) >>> 2] = 1;
  u32[(segment + SEGMENT_SLICES_OFFSET + PAGE_SLICE_COUNT_OFFSET) >>> 2] = 1;
  u32[(segment + SEGMENT_SLICES_OFFSET + entries * PAGE_RECORD_SIZE + PAGE_BLOCK_SIZE_OFFSET) >>> 2] = 1;
  Atomics.store(u32, (segment + SEGMENT_THREAD_ID_OFFSET) >>> 2, t.tid);
  setSegmentMap(t, segment, size, segment);
  u32[(t.record + THREAD_SEGMENTS_OFFSET) >>> 2]++;
}

function setSegmentMap(t: MiThread, segment: number, size: number, value: number): void {
  for (let window = segment; window < segment + size; window += MI_SEGMENT_SIZE) {
    Atomics.store(t.u32, segmentMapEntry(t.heap, t.shared, window) >>> 2, value);
  }
}

/**
 * Allocates a fresh 4 MiB segment for thread `t` and queues its 63 free
 * slices as one span. Returns false when the heap is out of memory.
 * @internal
 */
export function segmentAllocNormal(t: MiThread): boolean {
  const segment = regionAlloc(t.heap, MI_SEGMENT_SIZE, MI_SEGMENT_SIZE);
  if (segment === 0) return false;
  initSegmentHeader(t, segment, SEGMENT_KIND_NORMAL, MI_SEGMENT_SIZE, MI_SLICES_PER_SEGMENT);
  const first = segment + SEGMENT_SLICES_OFFSET + PAGE_RECORD_SIZE;
  writeSpan(t, first, MI_SLICES_PER_SEGMENT - 1);
  spanPush(t, first);
  Atomics.add(t.u32, (t.shared + SHARED_SEGMENTS_OFFSET) >>> 2, 1);
  return true;
}

/**
 * Allocates a huge segment holding one page for a block of `blockBytes`
 * (aligned to the segment size like every segment). Returns the page record,
 * or 0 when the size cannot be represented or the heap is out of memory —
 * never a smaller segment (CPython's slice-count overflow fix).
 * @internal
 */
export function segmentAllocHuge(t: MiThread, blockBytes: number): number {
  const slices = 1 + Math.ceil(blockBytes / MI_SLICE_SIZE);
  const size = slices * MI_SLICE_SIZE;
  if (!Number.isSafeInteger(size) || size > t.heap.size || slices > 0xffffffff) return 0;
  const segment = regionAlloc(t.heap, size, MI_SEGMENT_SIZE);
  if (segment === 0) return 0;
  initSegmentHeader(t, segment, SEGMENT_KIND_HUGE, size, 2);
  Atomics.add(t.u32, (t.shared + SHARED_HUGE_SEGMENTS_OFFSET) >>> 2, 1);
  return makePage(t, segment, segment + SEGMENT_SLICES_OFFSET + PAGE_RECORD_SIZE, slices - 1);
}

/**
 * Frees a page's slices in its segment (`mi_segment_page_clear` +
 * `mi_segment_span_free_coalesce`): the record is reset, the slices join their
 * free neighbours, and the span is queued for the owner (abandoned segments'
 * spans are queued when a thread reclaims them). A segment left with no pages
 * is released. The caller has taken the page out of its heap queue.
 * SAFETY: the caller owns the segment or holds it exclusively; the page is
 * empty, so no other thread holds one of its blocks (a thread that still
 * frees into it would be a double free).
 * @returns false when the segment itself was released.
 * @internal
 */
export function segmentPageFree(t: MiThread, page: number): boolean {
  const u32 = t.u32;
  const segment = segmentOf(page);
  const queued = spansQueued(t, segment);
  const used = --u32[(segment + SEGMENT_USED_OFFSET) >>> 2];
  if (u32[(segment + SEGMENT_KIND_OFFSET) >>> 2] === SEGMENT_KIND_HUGE || used === 0) {
    segmentFree(t, segment);
    return false;
  }
  let first = page;
  let n = u32[(page + PAGE_SLICE_COUNT_OFFSET) >>> 2];
  // Reset the record's page fields (bytes 8..63) so nothing stale survives.
  t.heap.fill(page + PAGE_BLOCK_SIZE_OFFSET, 0, PAGE_RECORD_SIZE - PAGE_BLOCK_SIZE_OFFSET);
  const entries = u32[(segment + SEGMENT_SLICE_ENTRIES_OFFSET) >>> 2];
  const after = first + n * PAGE_RECORD_SIZE;
  if (sliceIndex(segment, after) < entries && u32[(after + PAGE_BLOCK_SIZE_OFFSET) >>> 2] === 0) {
    if (queued) spanRemove(t, after);
    n += u32[(after + PAGE_SLICE_COUNT_OFFSET) >>> 2];
  }
  const before = first - PAGE_RECORD_SIZE;
  if (u32[(before + PAGE_BLOCK_SIZE_OFFSET) >>> 2] === 0) {
    const start = before - u32[(before + PAGE_SLICE_OFFSET_OFFSET) >>> 2];
    if (queued) spanRemove(t, start);
    n += u32[(start + PAGE_SLICE_COUNT_OFFSET) >>> 2];
    first = start;
  }
  writeSpan(t, first, n);
  if (queued) spanPush(t, first);
  return true;
}

/**
 * Returns a segment to the region allocator, taking its free spans out of the
 * owner's queues first.
 * SAFETY: the caller owns the segment or holds it exclusively, and it has
 * no page in use. The tag is cleared plain: only checked mode's free reads
 * it, after the segment map (cleared with Atomics first), and a read that
 * races with this belongs to a free of a block that is no longer live,
 * which checked mode reports on a best-effort basis (see freeChecked).
 * @internal
 */
export function segmentFree(t: MiThread, segment: number): void {
  const u32 = t.u32;
  const huge = u32[(segment + SEGMENT_KIND_OFFSET) >>> 2] === SEGMENT_KIND_HUGE;
  const owned = spansQueued(t, segment);
  if (!huge && owned) forEachFreeSpan(t, segment, (span) => spanRemove(t, span));
  if (owned) u32[(t.record + THREAD_SEGMENTS_OFFSET) >>> 2]--;
  const size = u32[(segment + SEGMENT_SIZE_OFFSET) >>> 2];
  setSegmentMap(t, segment, size, 0);
  u32[(segment + SEGMENT_TAG_OFFSET) >>> 2] = 0;
  Atomics.sub(u32, (t.shared + (huge ? SHARED_HUGE_SEGMENTS_OFFSET : SHARED_SEGMENTS_OFFSET)) >>> 2, 1);
  regionFree(t.heap, segment, size);
}

/**
 * Calls `fn` with the first record of every free span (`pages` false) or
 * every page in use (`pages` true) of a segment, walking slice runs.
 * SAFETY: the records are read by the segment's owner or exclusive holder,
 * by heap visiting with the world stopped, or by miStats as a snapshot.
 */
function forEachRun(t: MiThread, segment: number, pages: boolean, fn: (record: number) => void): void {
  const u32 = t.u32;
  const entries = u32[(segment + SEGMENT_SLICE_ENTRIES_OFFSET) >>> 2];
  for (let i = 1; i < entries; ) {
    const record = segment + SEGMENT_SLICES_OFFSET + i * PAGE_RECORD_SIZE;
    const n = u32[(record + PAGE_SLICE_COUNT_OFFSET) >>> 2];
    if (n === 0) fatalError(`segment ${formatAddress(segment)}: slice ${i} is not the start of a page or span`);
    if ((u32[(record + PAGE_BLOCK_SIZE_OFFSET) >>> 2] >= 2) === pages) fn(record);
    i += n;
  }
}

/**
 * Calls `fn` with the first record of every free span of a segment.
 * @internal
 */
export function forEachFreeSpan(t: MiThread, segment: number, fn: (span: number) => void): void {
  forEachRun(t, segment, false, fn);
}

/**
 * Calls `fn` with every page record (in use) of a segment.
 * @internal
 */
export function forEachPage(t: MiThread, segment: number, fn: (page: number) => void): void {
  forEachRun(t, segment, true, fn);
}

/**
 * Puts every free span of a just-reclaimed segment into `t`'s queues.
 * @internal
 */
export function queueFreeSpans(t: MiThread, segment: number): void {
  forEachFreeSpan(t, segment, (span) => spanPush(t, span));
}

/**
 * Removes every free span of a segment that is being abandoned from `t`'s queues.
 * @internal
 */
export function unqueueFreeSpans(t: MiThread, segment: number): void {
  forEachFreeSpan(t, segment, (span) => spanRemove(t, span));
}
