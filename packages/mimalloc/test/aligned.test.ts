/**
 * Aligned allocation (miHeapMallocAligned): alignments from 1 byte to
 * 1 MiB, bad alignments, and the edge cases around the segment size.
 */

import { formatAddress } from '@ft/atomics';
import { afterEach, describe, expect, it } from 'vitest';
import { MI_HEAP_GC, MI_HEAP_MEM, MI_MAX_ALLOC_SIZE, miCollect, miFree, miHeapMallocAligned, miStats, miUsableSize } from '../src/index.js';
import { closeHeaps, KiB, MiB, setup, live, fill, allBytes } from './fixture.js';

afterEach(closeHeaps);

describe.each([true, false])('checked = %s', (checked) => {
  it('aligned allocation for alignments 32 B .. 1 MiB: aligned, usable, disjoint, and miFree of the aligned pointer works', () => {
    const { t } = setup(checked, 128 * MiB);
    const live: { p: number; size: number; byte: number }[] = [];
    let byte = 1;
    for (let shift = 5; shift <= 20; shift++) {
      const alignment = 2 ** shift;
      for (const size of [0, 1, 16, 100, 5000, 40 * KiB, 200 * KiB]) {
        for (const tag of [MI_HEAP_MEM, MI_HEAP_GC]) {
          const p = miHeapMallocAligned(t, tag, size, alignment);
          expect(p, `size ${size} alignment ${alignment}`).not.toBe(0);
          expect(p % alignment, `${formatAddress(p)} aligned to ${alignment}`).toBe(0);
          expect(miUsableSize(t, p)).toBeGreaterThanOrEqual(size);
          fill(t, p, size, byte);
          live.push({ p, size, byte });
          byte = (byte % 255) + 1;
        }
      }
    }
    const sorted = [...live].sort((a, b) => a.p - b.p);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].p).toBeGreaterThanOrEqual(sorted[i - 1].p + sorted[i - 1].size);
    for (const b of live) {
      expect(allBytes(t, b.p, b.size, b.byte)).toBe(true);
      miFree(t, b.p);
    }
    miCollect(t, true);
    const stats = miStats(t);
    expect([stats.liveBlocks, stats.segments, stats.hugeSegments]).toEqual([0, 0, 0]);
  });


  it('aligned allocation with small alignments behaves like malloc; bad alignments return 0 or are refused', () => {
    const { t } = setup(checked);
    for (const alignment of [1, 2, 4, 8, 16]) {
      const p = miHeapMallocAligned(t, MI_HEAP_MEM, 24, alignment);
      expect(p % alignment).toBe(0);
      expect(miUsableSize(t, p)).toBeGreaterThanOrEqual(24);
      miFree(t, p);
    }
    expect(miHeapMallocAligned(t, MI_HEAP_MEM, 0, 16) % 16).toBe(0);
    expect(miHeapMallocAligned(t, MI_HEAP_MEM, 1, 16) % 16).toBe(0);
    // Integers that are not a power of two up to 2 MiB: 0, as mi_malloc_aligned.
    for (const alignment of [0, 3, 48, 1000, 2 ** 31, 2 ** 32]) {
      expect(miHeapMallocAligned(t, MI_HEAP_MEM, 64, alignment), `alignment ${alignment}`).toBe(0);
    }
    // Not sizes: refused (see argument-checks.ts).
    for (const alignment of [-16, NaN, 16.5, Infinity]) {
      expect(() => miHeapMallocAligned(t, MI_HEAP_MEM, 64, alignment), `alignment ${alignment}`).toThrow(RangeError);
    }
    for (const size of [MI_MAX_ALLOC_SIZE, 2 ** 32]) {
      expect(miHeapMallocAligned(t, MI_HEAP_MEM, size, 64), `size ${size}`).toBe(0);
    }
    for (const size of [NaN, Infinity]) {
      expect(() => miHeapMallocAligned(t, MI_HEAP_MEM, size, 64), `size ${size}`).toThrow(RangeError);
    }
  });

});

describe('aligned allocation edge cases', () => {
  // Regression: miHeapMallocAligned computed `size + alignment - 1` before
  // any size check, so a negative size became a positive request. A negative
  // size is now refused before anything is allocated.
  it('aligned allocation of a negative size is refused, nothing allocated', () => {
    for (const checked of [false, true]) {
      const { t } = setup(checked);
      const got: string[] = [];
      const before = miStats(t);
      for (const alignment of [32, 64, 4096]) {
        for (const size of [-1, -16, -31]) {
          try {
            const p = miHeapMallocAligned(t, MI_HEAP_MEM, size, alignment);
            got.push(`size ${size} alignment ${alignment} -> ${formatAddress(p)}`);
          } catch (e) {
            if (!(e instanceof RangeError)) got.push(`size ${size} alignment ${alignment}: ${String(e)}`);
          }
        }
      }
      expect.soft(got, `checked ${checked}: results other than a RangeError`).toEqual([]);
      expect(miStats(t)).toEqual(before);
    }
  });

  // BUG (reported): alignments above the 4 MiB segment size are accepted
  // (up to 2^30), but the aligned pointer can then lie past the huge
  // segment's first 4 MiB window, where segmentOf() ((p - 1) & ~mask) finds
  // no header: miUsableSize reads garbage (0) and the unchecked miFree never
  // finds the page, leaking the huge segment. (mimalloc caps ordinary aligned
  // allocation at MI_ALIGNMENT_MAX and places bigger alignments at the start
  // of a dedicated huge segment.)
  it('alignments of 8 and 16 MiB either fail cleanly or give a block that frees (no leaked huge segment)', () => {
    for (const checked of [false, true]) {
      const { t } = setup(checked, 256 * MiB);
      for (const alignment of [8 * MiB, 16 * MiB]) {
        const ps: number[] = [];
        for (let i = 0; i < 3; i++) {
          const p = miHeapMallocAligned(t, MI_HEAP_MEM, 64, alignment);
          if (p === 0) continue;
          expect(p % alignment).toBe(0);
          expect.soft(miUsableSize(t, p), `checked ${checked}: usable size of ${formatAddress(p)} (alignment ${alignment})`).toBeGreaterThanOrEqual(64);
          ps.push(p);
        }
        for (const p of ps) miFree(t, p);
        miCollect(t, true);
        expect.soft(miStats(t).hugeSegments, `checked ${checked}: huge segments left after freeing ${ps.length} blocks aligned to ${alignment}`).toBe(0);
      }
    }
  });
});
