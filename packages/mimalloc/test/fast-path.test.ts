/**
 * The unchecked fast paths: the direct table, fractional sizes, page
 * counts, and cross-thread frees that find their page from the
 * thread-free line.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { MI_HEAP_MEM, miCollect, miFree, miHeapMallocAligned, miMalloc, miStats, miUsableSize } from '../src/index.js';
import { closeHeaps, KiB, MiB, setup, secondThread, live } from './fixture.js';

afterEach(closeHeaps);

describe('unchecked fast path', () => {
  // Regression: the direct-table fast path truncated a fractional size
  // ((8.5 + 7) >>> 3 = 1 word) while the generic path rounded it up. A
  // fraction is now refused on every path (see argument-checks.ts), so it
  // can never get a block smaller than asked.
  it('a fractional size never gets a block smaller than asked: it is refused, on the fast path too', () => {
    const { t } = setup(false);
    const warm = miMalloc(t, 8); // makes the 8-byte page the direct-table entry
    const before = miStats(t);
    for (const size of [8.5, 15.5, 16.25, 1023.5]) {
      expect(() => miMalloc(t, size), `miMalloc(${size})`).toThrow(RangeError);
    }
    expect(miStats(t)).toEqual(before);
    expect(miUsableSize(t, warm)).toBe(8);
    miFree(t, warm);
  });

  it('a page of a class above 1 KiB never becomes the direct-table page of small sizes', () => {
    const { t } = setup(false);
    const small = miMalloc(t, 355);
    const medium = miMalloc(t, 100 * KiB);
    const large = miMalloc(t, 40 * KiB);
    for (const size of [1, 16, 100, 355, 1000, 1024]) {
      const p = miMalloc(t, size);
      expect(miUsableSize(t, p), `usable size for ${size}`).toBeLessThanOrEqual(Math.max(16, size * 1.25));
      miFree(t, p);
    }
    for (const p of [small, medium, large]) miFree(t, p);
  });

  it('fast-path allocations and frees balance the page counts', () => {
    const { t } = setup(false);
    const ps: number[] = [];
    for (let i = 0; i < 10000; i++) ps.push(miMalloc(t, (i % 64) * 16));
    expect(new Set(ps).size).toBe(ps.length);
    expect(live(t)).toBe(10000);
    for (let i = 0; i < ps.length; i += 2) miFree(t, ps[i]);
    expect(live(t)).toBe(5000);
    for (let i = 1; i < ps.length; i += 2) miFree(t, ps[i]);
    miCollect(t, true);
    expect([miStats(t).liveBlocks, miStats(t).segments]).toEqual([0, 0]);
  });

  it('cross-thread frees find the page from the thread-free line: aligned pointers, later slices of medium, large and huge pages', () => {
    const env = setup(false);
    const { t } = env;
    const t2 = secondThread(env);
    const blocks: number[] = [];
    // Medium blocks: a page of 8 slices, so most blocks lie past its first slice.
    for (let i = 0; i < 20; i++) blocks.push(miMalloc(t, 20 * KiB));
    // A large block (its own page of many slices) and a huge one (own segment).
    blocks.push(miMalloc(t, 1 * MiB), miMalloc(t, 6 * MiB));
    // Aligned pointers inside small, medium and large blocks (the page is marked has-aligned).
    for (const [size, alignment] of [
      [100, 256],
      [5000, 4096],
      [40 * KiB, 64 * KiB],
      [300 * KiB, 1 * MiB],
    ]) {
      for (let i = 0; i < 4; i++) blocks.push(miHeapMallocAligned(t, MI_HEAP_MEM, size, alignment));
    }
    for (const p of blocks) expect(p).not.toBe(0);
    // Block starts in the small and medium pages with aligned blocks: a block
    // start's usable size there is the whole block, an interior pointer's less.
    const keepers = [100 + 255, 5000 + 4095].map((size) => miMalloc(t, size));
    const blockSizes = keepers.map((k) => miUsableSize(t, k));
    const before = live(t);
    for (const p of blocks) miFree(t2, p);
    // Every free reached its block (an aligned pointer was mapped back to the block start).
    expect(before - live(t)).toBe(blocks.length);
    // What the owner hands out again from those pages are block starts.
    [100 + 255, 5000 + 4095].forEach((size, i) => {
      const again = Array.from({ length: 6 }, () => miMalloc(t, size));
      for (const q of again) expect(miUsableSize(t, q), `re-allocated ${size}`).toBe(blockSizes[i]);
      for (const q of again) miFree(t, q);
    });
    for (const k of keepers) miFree(t, k);
    miCollect(t, true);
    expect([miStats(t).liveBlocks, miStats(t).segments, miStats(t).hugeSegments]).toEqual([0, 0, 0]);
  });
});
