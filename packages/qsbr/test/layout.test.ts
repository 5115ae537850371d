import { expectLayout, tagText } from '@ft/harness/layout-check';
import { describe, expect, it } from 'vitest';
import * as L from '../src/layout.js';

describe('layout', () => {
  it('QSBR shared state: aligned, non-overlapping, 192 bytes, sequences on a line of their own', () => {
    expectLayout(
      [
        ['tag', L.QSBR_TAG_OFFSET, 4],
        ['layoutVersion', L.QSBR_LAYOUT_VERSION_OFFSET, 4],
        ['wrSeq', L.QSBR_WR_SEQ_OFFSET, 4],
        ['rdSeq', L.QSBR_RD_SEQ_OFFSET, 4],
        ['mutex', L.QSBR_MUTEX_OFFSET, 1],
        ['freeList', L.QSBR_FREE_LIST_OFFSET, 4],
        ['registryPrint', L.QSBR_REGISTRY_PRINT_OFFSET, 4],
        ['interpHasWork', L.QSBR_INTERP_HAS_WORK_OFFSET, 4],
        ['queueMutex', L.QSBR_QUEUE_MUTEX_OFFSET, 1],
        ['queueHead', L.QSBR_QUEUE_HEAD_OFFSET, 4],
        ['queueTail', L.QSBR_QUEUE_TAIL_OFFSET, 4],
        ['liveThreads', L.QSBR_LIVE_THREADS_OFFSET, 4],
        ['freedItems', L.QSBR_FREED_ITEMS_OFFSET, 4],
        ['queuedItems', L.QSBR_QUEUED_ITEMS_OFFSET, 4],
        ['chunkDir', L.QSBR_CHUNK_DIR_OFFSET, 4 * L.QSBR_CHUNK_DIR_ENTRIES, 4],
      ],
      L.QSBR_SHARED_SIZE,
    );
    expect(L.QSBR_SHARED_SIZE % 64).toBe(0);
    // Every quiescent state and poll reads the sequences: no other field may share their line.
    const line = Math.floor(L.QSBR_WR_SEQ_OFFSET / 64);
    expect(Math.floor(L.QSBR_RD_SEQ_OFFSET / 64)).toBe(line);
    const others = [L.QSBR_TAG_OFFSET, L.QSBR_MUTEX_OFFSET, L.QSBR_FREE_LIST_OFFSET, L.QSBR_QUEUE_MUTEX_OFFSET, L.QSBR_LIVE_THREADS_OFFSET, L.QSBR_FREED_ITEMS_OFFSET, L.QSBR_QUEUED_ITEMS_OFFSET, L.QSBR_CHUNK_DIR_OFFSET];
    for (const offset of others) expect(Math.floor(offset / 64)).not.toBe(line);
  });

  it('per-thread slots: one 64-byte line each', () => {
    expect(L.QSBR_SLOT_SIZE).toBe(64);
    expectLayout(
      [
        ['seq', L.QSBR_SLOT_SEQ_OFFSET, 4],
        ['allocated', L.QSBR_SLOT_ALLOCATED_OFFSET, 4],
        ['freeNext', L.QSBR_SLOT_FREE_NEXT_OFFSET, 4],
        ['tid', L.QSBR_SLOT_TID_OFFSET, 4],
        ['queueHead', L.QSBR_SLOT_QUEUE_HEAD_OFFSET, 4],
        ['queueTail', L.QSBR_SLOT_QUEUE_TAIL_OFFSET, 4],
        ['queued', L.QSBR_SLOT_QUEUED_OFFSET, 4],
        ['freed', L.QSBR_SLOT_FREED_OFFSET, 4],
      ],
      L.QSBR_SLOT_SIZE,
    );
  });

  it('work chunks: header then items, exactly one 4 KiB region', () => {
    expectLayout(
      [
        ['tag', L.WORK_CHUNK_TAG_OFFSET, 4],
        ['next', L.WORK_CHUNK_NEXT_OFFSET, 4],
        ['rdIdx', L.WORK_CHUNK_RD_IDX_OFFSET, 4],
        ['wrIdx', L.WORK_CHUNK_WR_IDX_OFFSET, 4],
        ['items', L.WORK_CHUNK_ITEMS_OFFSET, L.WORK_ITEMS_PER_CHUNK * L.WORK_ITEM_SIZE, 4],
      ],
      L.WORK_CHUNK_SIZE,
    );
    expectLayout(
      [
        ['address', L.WORK_ITEM_ADDRESS_OFFSET, 4],
        ['goal', L.WORK_ITEM_GOAL_OFFSET, 4],
        ['freeId', L.WORK_ITEM_FREE_ID_OFFSET, 4],
      ],
      L.WORK_ITEM_SIZE,
    );
    expect(L.WORK_ITEMS_PER_CHUNK).toBe(340);
    expect(L.WORK_CHUNK_SIZE).toBe(4096);
  });

  it('tags spell their names in little-endian bytes', () => {
        expect(tagText(L.QSBR_TAG)).toBe('QSBR');
    expect(tagText(L.WORK_CHUNK_TAG)).toBe('QWRK');
  });

  it('the chunked slot table holds up to 8 · (2^16 − 1) threads', () => {
    expect(L.QSBR_FIRST_CHUNK_SLOTS * (2 ** L.QSBR_CHUNK_DIR_ENTRIES - 1)).toBe(524_280);
  });
});
