import { SharedHeap } from '@ft/atomics';
import { expectLayout, tagText, type LayoutField } from '@ft/harness/layout-check';
import { describe, expect, it } from 'vitest';
import { miCreate } from '../src/index.js';
import * as D from '../src/delayed-free-state.js';
import * as L from '../src/layout.js';

describe('layout', () => {
  it('thread-free words: a parallel array in the segment header, one cache line per slice', () => {
    expect(L.PAGE_XTHREAD_FREE_OFFSET).toBe(L.SEGMENT_THREAD_FREE_OFFSET - L.SEGMENT_SLICES_OFFSET);
    expect(L.SEGMENT_THREAD_FREE_OFFSET).toBeGreaterThanOrEqual(L.SEGMENT_SLICES_OFFSET + (L.MI_SLICES_PER_SEGMENT + 1) * L.PAGE_RECORD_SIZE);
    expect(L.SEGMENT_THREAD_FREE_OFFSET + (L.MI_SLICES_PER_SEGMENT + 1) * 64).toBeLessThanOrEqual(L.MI_SLICE_SIZE);
    expect(L.SEGMENT_THREAD_FREE_OFFSET % 64).toBe(0);
  });

  it('page record: aligned, non-overlapping, 64 bytes, every byte accounted for', () => {
    const fields: LayoutField[] = [
      ['sliceCount', L.PAGE_SLICE_COUNT_OFFSET, 4],
      ['sliceOffset', L.PAGE_SLICE_OFFSET_OFFSET, 4],
      ['blockSize', L.PAGE_BLOCK_SIZE_OFFSET, 4],
      ['capacity', L.PAGE_CAPACITY_OFFSET, 2],
      ['reserved', L.PAGE_RESERVED_OFFSET, 2],
      ['free', L.PAGE_FREE_OFFSET, 4],
      ['used', L.PAGE_USED_OFFSET, 4],
      ['localFree', L.PAGE_LOCAL_FREE_OFFSET, 4],
      ['reserved (thread-free word lives in the segment array)', 28, 4],
      ['xheap', L.PAGE_XHEAP_OFFSET, 4],
      ['next', L.PAGE_NEXT_OFFSET, 4],
      ['prev', L.PAGE_PREV_OFFSET, 4],
      ['qsbrGoal', L.PAGE_QSBR_GOAL_OFFSET, 4],
      ['qsbrNext', L.PAGE_QSBR_NEXT_OFFSET, 4],
      ['qsbrPrev', L.PAGE_QSBR_PREV_OFFSET, 4],
      ['pageStart', L.PAGE_START_OFFSET, 4],
      ['flags', L.PAGE_FLAGS_OFFSET, 1],
      ['tag', L.PAGE_TAG_OFFSET, 1],
      ['debugOffset', L.PAGE_DEBUG_OFFSET_OFFSET, 1],
      ['retireExpire', L.PAGE_RETIRE_EXPIRE_OFFSET, 1],
    ];
    expect(L.PAGE_RECORD_SIZE).toBe(64);
    expectLayout(fields, L.PAGE_RECORD_SIZE);
    expect(fields.reduce((sum, f) => sum + f[2], 0)).toBe(L.PAGE_RECORD_SIZE);
    // The fields the span code resets on free (bytes 8..63) exclude the slice links.
    expect(L.PAGE_BLOCK_SIZE_OFFSET).toBe(8);
    // Flag bits are distinct single bits of the flags byte.
    const flags = [L.PAGE_FLAG_IN_FULL, L.PAGE_FLAG_HAS_ALIGNED, L.PAGE_FLAG_USE_QSBR, L.PAGE_FLAG_IN_QSBR_LIST];
    for (const f of flags) expect(f & (f - 1)).toBe(0);
    expect(flags.reduce((a, b) => a | b, 0)).toBe(15);
    // A tag fits in 4 bits (CPython's `tag:4`).
    expect(L.MI_MAX_TAG).toBe(15);
    expect(L.MI_HEAPS_PER_THREAD).toBe(16);
  });

  it('delayed-free states fit the two low bits of xthreadFree (blocks are ≥ 8-byte aligned)', () => {
    expect([D.MI_USE_DELAYED_FREE, D.MI_DELAYED_FREEING, D.MI_NO_DELAYED_FREE, D.MI_NEVER_DELAYED_FREE]).toEqual([0, 1, 2, 3]);
    expect(D.MI_DELAYED_STATE_MASK).toBe(3);
    // Every block address leaves the mask bits clear.
    expect(L.MI_WORD_SIZE & D.MI_DELAYED_STATE_MASK).toBe(0);
  });

  it('segment header: aligned, non-overlapping, slices start after it', () => {
    expectLayout(
      [
        ['tag', L.SEGMENT_TAG_OFFSET, 4],
        ['version', L.SEGMENT_VERSION_OFFSET, 4],
        ['threadId', L.SEGMENT_THREAD_ID_OFFSET, 4],
        ['kind', L.SEGMENT_KIND_OFFSET, 4],
        ['segmentSize', L.SEGMENT_SIZE_OFFSET, 4],
        ['sliceEntries', L.SEGMENT_SLICE_ENTRIES_OFFSET, 4],
        ['used', L.SEGMENT_USED_OFFSET, 4],
        ['abandoned', L.SEGMENT_ABANDONED_OFFSET, 4],
        ['abandonedVisits', L.SEGMENT_ABANDONED_VISITS_OFFSET, 4],
        ['abandonedNext', L.SEGMENT_ABANDONED_NEXT_OFFSET, 4],
        ['shared', L.SEGMENT_SHARED_OFFSET, 4],
        ['slices', L.SEGMENT_SLICES_OFFSET, (L.MI_SLICES_PER_SEGMENT + 1) * L.PAGE_RECORD_SIZE, 64],
      ],
      L.MI_SLICE_SIZE,
    );
    expect(L.SEGMENT_KIND_NORMAL).not.toBe(L.SEGMENT_KIND_HUGE);
  });

  it('segment header + (64 + 1) slice records fit in the first 64 KiB slice', () => {
    expect(L.MI_SLICE_SIZE).toBe(64 * 1024);
    expect(L.MI_SEGMENT_SIZE).toBe(4 * 1024 * 1024);
    expect(L.MI_SLICES_PER_SEGMENT).toBe(64);
    expect(L.MI_SEGMENT_MASK).toBe(L.MI_SEGMENT_SIZE - 1);
    expect(1 << L.MI_SEGMENT_SHIFT).toBe(L.MI_SEGMENT_SIZE);
    expect(1 << L.MI_SLICE_SHIFT).toBe(L.MI_SLICE_SIZE);
    const end = L.SEGMENT_SLICES_OFFSET + (L.MI_SLICES_PER_SEGMENT + 1) * L.PAGE_RECORD_SIZE;
    expect(end).toBe(4224);
    expect(end).toBeLessThanOrEqual(L.MI_SLICE_SIZE);
    // Page records are 64-byte aligned inside a segment (segments are 4 MiB-aligned).
    expect(L.SEGMENT_SLICES_OFFSET % 64).toBe(0);
  });

  it('page kinds follow mimalloc scaled to 4 MiB segments', () => {
    expect(L.MI_SMALL_PAGE_SIZE).toBe(L.MI_SLICE_SIZE);
    expect(L.MI_MEDIUM_PAGE_SIZE).toBe(8 * L.MI_SLICE_SIZE);
    expect(L.MI_SMALL_OBJ_SIZE_MAX).toBe(16 * 1024);
    expect(L.MI_MEDIUM_OBJ_SIZE_MAX).toBe(128 * 1024);
    expect(L.MI_MEDIUM_OBJ_WSIZE_MAX).toBe(16 * 1024);
    expect(L.MI_LARGE_OBJ_SIZE_MAX).toBe(2 * 1024 * 1024);
    expect(L.MI_SMALL_SIZE_MAX).toBe(1024);
    expect(L.MI_PAGES_DIRECT).toBe(L.MI_SMALL_SIZE_MAX / L.MI_WORD_SIZE + 1);
    expect([L.MI_BIN_HUGE, L.MI_BIN_FULL, L.MI_BIN_COUNT]).toEqual([73, 74, 75]);
    expect(L.MI_SPAN_QUEUES).toBe(36);
    // A large page (≤ half a segment) always fits the 63 free slices of a fresh segment.
    expect(L.MI_LARGE_OBJ_SIZE_MAX / L.MI_SLICE_SIZE).toBeLessThanOrEqual(L.MI_SLICES_PER_SEGMENT - 1);
    expect(L.MI_MAX_ALLOC_SIZE).toBeLessThan(2 ** 31);
    expect(L.MI_MAX_ALLOC_SIZE % L.MI_SLICE_SIZE).toBe(0);
  });

  it('heap record: aligned, non-overlapping, direct table and queues inside, 64-byte padded', () => {
    expectLayout(
      [
        ['tag', L.HEAP_TAG_OFFSET, 4],
        ['useQsbr', L.HEAP_USE_QSBR_OFFSET, 4],
        ['debugOffset', L.HEAP_DEBUG_OFFSET_OFFSET, 4],
        ['threadDelayedFree', L.HEAP_THREAD_DELAYED_FREE_OFFSET, 4],
        ['thread', L.HEAP_THREAD_OFFSET, 4],
        ['pageCount', L.HEAP_PAGE_COUNT_OFFSET, 4],
        ['retiredMin', L.HEAP_RETIRED_MIN_OFFSET, 4],
        ['retiredMax', L.HEAP_RETIRED_MAX_OFFSET, 4],
        ['initialized', L.HEAP_INITIALIZED_OFFSET, 4],
        ['direct', L.HEAP_DIRECT_OFFSET, 4 * L.MI_PAGES_DIRECT, 4],
        ['queues', L.HEAP_QUEUES_OFFSET, L.QUEUE_SIZE * L.MI_BIN_COUNT, 4],
      ],
      L.HEAP_RECORD_SIZE,
    );
    expectLayout(
      [
        ['first', L.QUEUE_FIRST_OFFSET, 4],
        ['last', L.QUEUE_LAST_OFFSET, 4],
        ['blockSize', L.QUEUE_BLOCK_SIZE_OFFSET, 4],
      ],
      L.QUEUE_SIZE,
    );
    expect(L.HEAP_RECORD_SIZE % 64).toBe(0);
  });

  it('thread record: aligned, non-overlapping, span queues and 16 heap records inside, 64-byte padded', () => {
    const fields: LayoutField[] = [
      ['tag', L.THREAD_TAG_OFFSET, 4],
      ['tid', L.THREAD_TID_OFFSET, 4],
      ['shared', L.THREAD_SHARED_OFFSET, 4],
      ['initialized', L.THREAD_INITIALIZED_OFFSET, 4],
      ['qsbrHead', L.THREAD_QSBR_HEAD_OFFSET, 4],
      ['qsbrTail', L.THREAD_QSBR_TAIL_OFFSET, 4],
      ['segments', L.THREAD_SEGMENTS_OFFSET, 4],
      ['spans', L.THREAD_SPANS_OFFSET, L.SPAN_QUEUE_SIZE * L.MI_SPAN_QUEUES, 4],
    ];
    for (let tag = 0; tag < L.MI_HEAPS_PER_THREAD; tag++) {
      fields.push([`heap ${tag}`, L.THREAD_HEAPS_OFFSET + tag * L.HEAP_RECORD_SIZE, L.HEAP_RECORD_SIZE, 64]);
    }
    expectLayout(fields, L.THREAD_RECORD_SIZE);
    expectLayout(
      [
        ['first', L.SPAN_QUEUE_FIRST_OFFSET, 4],
        ['last', L.SPAN_QUEUE_LAST_OFFSET, 4],
      ],
      L.SPAN_QUEUE_SIZE,
    );
    expect(L.THREAD_RECORD_SIZE % 64).toBe(0);
    expect(L.THREAD_HEAPS_OFFSET % 64).toBe(0);
  });

  it('THREAD_RECORD_SIZE is 512 + 16 heap records + the pending-batch slots', () => {
    expect(L.THREAD_HEAPS_OFFSET).toBe(512);
    expect(L.THREAD_PENDING_OFFSET).toBe(512 + 16 * L.HEAP_RECORD_SIZE);
    expect(L.THREAD_RECORD_SIZE).toBe(L.THREAD_PENDING_OFFSET + 4 * L.MI_PENDING_SLOTS);
    expect(L.THREAD_RECORD_SIZE).toBe(25216);
    // The slot hash masks with MI_PENDING_SLOTS - 1.
    expect(L.MI_PENDING_SLOTS & (L.MI_PENDING_SLOTS - 1)).toBe(0);
  });

  it('batch nodes: the tag bit is clear in every block address and apart from the delayed state', () => {
    expect(L.MI_BATCH_TAG & D.MI_DELAYED_STATE_MASK).toBe(0);
    expect(L.MI_BATCH_TAG).toBeLessThan(L.MI_WORD_SIZE);
    // The thread-free line's four words: thread-free, slice offset, has-aligned, batch shape.
    expect([L.PAGE_XSLICE_OFFSET_OFFSET, L.PAGE_XALIGNED_OFFSET, L.PAGE_XBATCH_OFFSET].map((o) => o - L.PAGE_XTHREAD_FREE_OFFSET)).toEqual([4, 8, 12]);
    // Count and addresses fit one byte of the shape.
    expect(L.MI_BATCH_MAX).toBeLessThanOrEqual(255);
  });

  it('interpreter state: header fields, empty page, thread table and segment map do not overlap', () => {
    const capacity = 1024 + 1;
    const tableBytes = 4 * capacity;
    const mapOffset = L.SHARED_THREAD_TABLE_OFFSET + tableBytes;
    const size = mapOffset + 4 * L.MI_SEGMENT_MAP_SIZE;
    expectLayout(
      [
        ['tag', L.SHARED_TAG_OFFSET, 4],
        ['version', L.SHARED_VERSION_OFFSET, 4],
        ['checked', L.SHARED_CHECKED_OFFSET, 4],
        ['poolMutex', L.SHARED_POOL_MUTEX_OFFSET, 1],
        ['abandoned', L.SHARED_ABANDONED_OFFSET, 4],
        ['visited', L.SHARED_VISITED_OFFSET, 4],
        ['abandonedCount', L.SHARED_ABANDONED_COUNT_OFFSET, 4],
        ['visitedCount', L.SHARED_VISITED_COUNT_OFFSET, 4],
        ['threadCapacity', L.SHARED_THREAD_CAPACITY_OFFSET, 4],
        ['segments', L.SHARED_SEGMENTS_OFFSET, 4],
        ['hugeSegments', L.SHARED_HUGE_SEGMENTS_OFFSET, 4],
        ['reclaimed', L.SHARED_RECLAIMED_OFFSET, 4],
        ['emptyPage', L.SHARED_EMPTY_PAGE_OFFSET, L.PAGE_RECORD_SIZE, 64],
        ['threadTable', L.SHARED_THREAD_TABLE_OFFSET, tableBytes, 4],
        ['segmentMap', mapOffset, 4 * L.MI_SEGMENT_MAP_SIZE, 4],
      ],
      size,
    );
    // The pool mutex byte has a word of its own (nothing else in bytes 12..15).
    expect(L.SHARED_ABANDONED_OFFSET).toBeGreaterThanOrEqual(L.SHARED_POOL_MUTEX_OFFSET + 4);
    // One segment-map entry per 4 MiB window of a 4 GiB address space.
    expect(L.MI_SEGMENT_MAP_SIZE * L.MI_SEGMENT_SIZE).toBe(2 ** 32);
  });

  it('miCreate lays the state out as declared: table for tids 0..capacity, empty page all zero', () => {
    const heap = SharedHeap.create({ size: 8 << 20, threadCapacity: 7 });
    try {
      const shared = miCreate(heap, { checked: true });
      expect(shared).toBeGreaterThan(0);
      expect(shared % 64).toBe(0);
      const u32 = heap.u32;
      expect(u32[(shared + L.SHARED_TAG_OFFSET) >>> 2]).toBe(L.MI_SHARED_TAG);
      expect(u32[(shared + L.SHARED_VERSION_OFFSET) >>> 2]).toBe(L.MI_LAYOUT_VERSION);
      expect(u32[(shared + L.SHARED_CHECKED_OFFSET) >>> 2]).toBe(1);
      expect(u32[(shared + L.SHARED_THREAD_CAPACITY_OFFSET) >>> 2]).toBe(8);
      const empty = heap.u8.subarray(shared + L.SHARED_EMPTY_PAGE_OFFSET, shared + L.SHARED_EMPTY_PAGE_OFFSET + L.PAGE_RECORD_SIZE);
      expect(empty.every((b) => b === 0)).toBe(true);
    } finally {
      heap.close();
    }
  });

  it("tags spell 'MISG', 'MITD', 'MISH' in little-endian bytes", () => {
    expect(tagText(L.MI_SEGMENT_TAG)).toBe('MISG');
    expect(tagText(L.MI_THREAD_TAG)).toBe('MITD');
    expect(tagText(L.MI_SHARED_TAG)).toBe('MISH');
    const bytes = new Uint8Array(new Uint32Array([L.MI_SEGMENT_TAG, L.MI_THREAD_TAG, L.MI_SHARED_TAG]).buffer);
    expect(new TextDecoder().decode(bytes)).toBe('MISGMITDMISH');
  });

  it('object debug offset protects the header up to ob_type (DESIGN §5: 16 bytes)', () => {
    expect(L.MI_OBJECT_DEBUG_OFFSET).toBe(16);
    expect([L.MI_HEAP_MEM, L.MI_HEAP_OBJECT, L.MI_HEAP_GC, L.MI_HEAP_GC_PRE, L.MI_STANDARD_HEAPS]).toEqual([0, 1, 2, 3, 4]);
  });
});
