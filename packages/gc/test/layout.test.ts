import { SharedHeap, groupCreate } from '@ft/atomics';
import { expectLayout, type LayoutField } from '@ft/harness/layout-check';
import { describe, expect, it } from 'vitest';
import { gcCreate } from '../src/index.js';
import * as L from '../src/layout.js';

describe('layout', () => {
  it('GC state: aligned, non-overlapping fields inside its 128 bytes', () => {
    const fields: LayoutField[] = [
      ['tag', L.GC_TAG_OFFSET, 4],
      ['version', L.GC_VERSION_OFFSET, 4],
      ['collecting', L.GC_COLLECTING_OFFSET, 4],
      ['enabled', L.GC_ENABLED_OFFSET, 4],
      ['youngThreshold', L.GC_YOUNG_THRESHOLD_OFFSET, 4],
      ['old0Threshold', L.GC_OLD0_THRESHOLD_OFFSET, 4],
      ['old1Threshold', L.GC_OLD1_THRESHOLD_OFFSET, 4],
      ['youngCount', L.GC_YOUNG_COUNT_OFFSET, 4],
      ['old0Count', L.GC_OLD0_COUNT_OFFSET, 4],
      ['old1Count', L.GC_OLD1_COUNT_OFFSET, 4],
      ['longLivedTotal', L.GC_LONG_LIVED_TOTAL_OFFSET, 4],
      ['debug', L.GC_DEBUG_OFFSET, 4],
      ['freezeActive', L.GC_FREEZE_ACTIVE_OFFSET, 4],
      ['group', L.GC_GROUP_OFFSET, 4],
      ['garbage', L.GC_GARBAGE_OFFSET, 4],
      ['garbageLength', L.GC_GARBAGE_LENGTH_OFFSET, 4],
      ['garbageCapacity', L.GC_GARBAGE_CAPACITY_OFFSET, 4],
      ['garbageMutex', L.GC_GARBAGE_MUTEX_OFFSET, 1],
      ['stats', L.GC_STATS_OFFSET, L.NUM_GENERATIONS * L.GC_STATS_SIZE],
      ['pauses', L.GC_PAUSES_OFFSET, 4],
      ['pauseTotalMs', L.GC_PAUSE_TOTAL_MS_OFFSET, 8],
      ['pauseMaxMs', L.GC_PAUSE_MAX_MS_OFFSET, 8],
    ];
    expectLayout(fields, L.GC_STATE_SIZE);
    // The old generations' counts follow the young one in order: the collector indexes them.
    expect(L.GC_OLD1_COUNT_OFFSET - L.GC_OLD0_COUNT_OFFSET).toBe(4);
    expect(L.GC_OLD0_COUNT_OFFSET - L.GC_YOUNG_COUNT_OFFSET).toBe(4);
  });

  it('DEBUG_* flags have CPython values', () => {
    expect([L.DEBUG_STATS, L.DEBUG_COLLECTABLE, L.DEBUG_UNCOLLECTABLE, L.DEBUG_SAVEALL, L.DEBUG_LEAK]).toEqual([1, 2, 4, 32, 38]);
  });

  it('gcCreate writes the tag, version, defaults and group', () => {
    const heap = SharedHeap.create({ size: 16 << 20 });
    const group = groupCreate(heap);
    const state = gcCreate(heap, group);
    expect(state % 64).toBe(0);
    expect(heap.u32[(state + L.GC_TAG_OFFSET) >>> 2]).toBe(L.GC_STATE_TAG);
    expect(heap.u32[(state + L.GC_VERSION_OFFSET) >>> 2]).toBe(L.GC_LAYOUT_VERSION);
    expect(heap.u32[(state + L.GC_GROUP_OFFSET) >>> 2]).toBe(group);
    expect(heap.i32[(state + L.GC_YOUNG_THRESHOLD_OFFSET) >>> 2]).toBe(2000);
    expect(() => gcCreate(heap, 0)).toThrow(TypeError);
    heap.close();
  });
});
