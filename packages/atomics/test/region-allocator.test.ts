// The region allocator: alignment, granule rounding, zero-filled regions,
// coalescing and bump lowering, clean failure on malformed or oversized
// requests, fatal errors on double or foreign release, and a seeded randomized
// run against a shadow model of the documented policy (first fit over the
// address-ordered free list, then the bump pointer).
import { afterEach, describe, expect, it } from 'vitest';
import { fatalMessage } from './helpers/fatal-message.js';
import {
  formatAddress,
  HEAP_MAX_SIZE,
  REGION_GRANULE_SIZE,
  regionAlloc,
  regionFree,
  regionStats,
  SharedHeap,
  type RegionStats,
} from '../src/index.js';
// Offsets of package-internal layouts: tests of the owning package read them from layout.ts.
import {
  HEAP_REGION_BUMP_OFFSET,
  HEAP_REGION_FREE_HEAD_OFFSET,
  HEAP_REGION_LOCK_OFFSET,
} from '../src/layout.js';

const KiB = 1024;
const MiB = 1024 * 1024;
const PAGE = REGION_GRANULE_SIZE;

const heaps: SharedHeap[] = [];
function newHeap(size: number = 64 * MiB): SharedHeap {
  const heap = SharedHeap.create({ size });
  heaps.push(heap);
  return heap;
}

afterEach(() => {
  while (heaps.length > 0) heaps.pop()!.close();
});

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** End of the region area: the heap size rounded down to the granule. */
function areaEnd(heap: SharedHeap): number {
  return Math.floor(heap.size / PAGE) * PAGE;
}

function hex(addr: number): string {
  return '0x' + addr.toString(16).padStart(8, '0');
}

function lockWord(heap: SharedHeap): number {
  return Atomics.load(heap.i32, HEAP_REGION_LOCK_OFFSET >>> 2);
}

function bump(heap: SharedHeap): number {
  return heap.u32[HEAP_REGION_BUMP_OFFSET >>> 2]!;
}

function stats(
  heap: SharedHeap,
  s: { bytesInUse: number; regionsInUse: number; freeBytes: number; freeExtents: number; untouchedBytes: number },
): RegionStats {
  return { ...s, capacity: areaEnd(heap) - heap.regionStart };
}

/** Index of the first non-zero byte of [addr, addr + size), or -1. */
function firstNonZero(heap: SharedHeap, addr: number, size: number): number {
  const i = heap.u8.subarray(addr, addr + size).findIndex((b) => b !== 0);
  return i < 0 ? -1 : addr + i;
}


describe('regionAlloc basics', () => {
  it('the first region starts the region area; sizes are rounded up to 4096', () => {
    const heap = newHeap();
    const rs = heap.regionStart;
    const cap = areaEnd(heap) - rs;
    expect(regionStats(heap)).toEqual(stats(heap, { bytesInUse: 0, regionsInUse: 0, freeBytes: 0, freeExtents: 0, untouchedBytes: cap }));

    expect(regionAlloc(heap, 1)).toBe(rs);
    expect(regionStats(heap)).toEqual(stats(heap, { bytesInUse: 4096, regionsInUse: 1, freeBytes: 0, freeExtents: 0, untouchedBytes: cap - 4096 }));
    expect(regionAlloc(heap, 4096)).toBe(rs + 4096);
    expect(regionAlloc(heap, 4097)).toBe(rs + 8192);
    expect(regionAlloc(heap, 8191)).toBe(rs + 16384);
    expect(regionAlloc(heap, 100 * KiB)).toBe(rs + 24576);
    const used = 4096 + 4096 + 8192 + 8192 + 100 * KiB;
    expect(regionStats(heap)).toEqual(stats(heap, { bytesInUse: used, regionsInUse: 5, freeBytes: 0, freeExtents: 0, untouchedBytes: cap - used }));
    expect(bump(heap)).toBe(rs + used);
    expect(lockWord(heap)).toBe(0);
  });

  it('freeing with the unrounded size releases the rounded region', () => {
    const heap = newHeap();
    const rs = heap.regionStart;
    const a = regionAlloc(heap, 5000);
    const b = regionAlloc(heap, 1);
    regionFree(heap, a, 5000);
    expect(regionStats(heap)).toMatchObject({ bytesInUse: 4096, regionsInUse: 1, freeBytes: 8192, freeExtents: 1 });
    regionFree(heap, b, 1);
    expect(regionStats(heap)).toMatchObject({ bytesInUse: 0, regionsInUse: 0, freeBytes: 0, freeExtents: 0 });
    expect(bump(heap)).toBe(rs);
  });
});

describe('alignment', () => {
  const aligns = Array.from({ length: 13 }, (_, i) => 4096 * 2 ** i); // 4 KiB .. 16 MiB

  it.each(aligns)('align %i from the bump pointer', (align) => {
    const heap = newHeap();
    const rs = heap.regionStart;
    const end = areaEnd(heap);
    expect(regionAlloc(heap, 4096)).toBe(rs); // misalign the bump pointer
    const expected = alignUp(rs + 4096, align);
    const a = regionAlloc(heap, 3 * 4096, align);
    expect(a).toBe(expected);
    expect(a % align).toBe(0);
    const gap = expected - (rs + 4096);
    expect(regionStats(heap)).toEqual(
      stats(heap, { bytesInUse: 4 * 4096, regionsInUse: 2, freeBytes: gap, freeExtents: gap > 0 ? 1 : 0, untouchedBytes: end - a - 3 * 4096 }),
    );
    // Freeing both gives everything back, gap included.
    regionFree(heap, a, 3 * 4096);
    regionFree(heap, rs, 4096);
    expect(regionStats(heap)).toEqual(stats(heap, { bytesInUse: 0, regionsInUse: 0, freeBytes: 0, freeExtents: 0, untouchedBytes: end - rs }));
  });

  it.each(aligns.slice(1))('align %i from a free extent', (align) => {
    const heap = newHeap();
    const rs = heap.regionStart;
    expect(regionAlloc(heap, 4096)).toBe(rs);
    const big = regionAlloc(heap, 20 * MiB);
    expect(big).toBe(rs + 4096);
    const guard = regionAlloc(heap, 4096);
    expect(guard).toBe(big + 20 * MiB);
    regionFree(heap, big, 20 * MiB);
    const before = regionStats(heap);
    expect(before).toMatchObject({ freeBytes: 20 * MiB, freeExtents: 1, regionsInUse: 2 });

    const a = regionAlloc(heap, 4096, align);
    expect(a).toBe(alignUp(big, align));
    expect(a % align).toBe(0);
    expect(a + 4096).toBeLessThanOrEqual(guard);
    // The extent is split around the region: head (if any) and tail.
    expect(regionStats(heap)).toEqual({
      ...before,
      bytesInUse: before.bytesInUse + 4096,
      regionsInUse: 3,
      freeBytes: 20 * MiB - 4096,
      freeExtents: a > big ? 2 : 1,
    });
    regionFree(heap, a, 4096);
    expect(regionStats(heap)).toEqual(before);
  });

  it.each([1, 2, 8, 16, 64, 2048])('align %i (below the granule) gives granule-aligned, adjacent regions', (align) => {
    const heap = newHeap();
    const rs = heap.regionStart;
    expect(regionAlloc(heap, 100, align)).toBe(rs);
    expect(regionAlloc(heap, 100, align)).toBe(rs + 4096);
    expect(regionStats(heap).freeExtents).toBe(0);
  });

  it('align 2**31 on a heap larger than 2 GiB', () => {
    const heap = newHeap(2 ** 31 + MiB);
    const rs = heap.regionStart;
    const a = regionAlloc(heap, 4096, 2 ** 31);
    expect(a).toBe(2 ** 31);
    expect(regionAlloc(heap, 4096, 2 ** 31)).toBe(0);
    expect(regionStats(heap)).toMatchObject({ regionsInUse: 1, freeBytes: 2 ** 31 - rs, freeExtents: 1 });
    // The gap below it is handed out first fit.
    expect(regionAlloc(heap, MiB)).toBe(rs);
    regionFree(heap, rs, MiB);
    regionFree(heap, a, 4096);
    expect(regionStats(heap)).toMatchObject({ bytesInUse: 0, regionsInUse: 0, freeBytes: 0, freeExtents: 0, untouchedBytes: areaEnd(heap) - rs });
  });

  it('the largest heap: regions reach the very end without wrapping around', () => {
    const heap = newHeap(HEAP_MAX_SIZE);
    const rs = heap.regionStart;
    const end = areaEnd(heap);
    expect(end).toBe(0xfffff000);
    expect(regionAlloc(heap, HEAP_MAX_SIZE)).toBe(0);
    expect(regionAlloc(heap, end - rs + 1)).toBe(0);
    const a = regionAlloc(heap, 4096, 2 ** 31);
    expect(a).toBe(2 ** 31);
    const top = regionAlloc(heap, end - 2 ** 31 - 4096);
    expect(top).toBe(2 ** 31 + 4096);
    expect(regionStats(heap).untouchedBytes).toBe(0);
    expect(regionAlloc(heap, 2 ** 31)).toBe(0); // only the gap below 2 GiB is left
    const low = regionAlloc(heap, 4096);
    expect(low).toBe(rs);
    expect(regionStats(heap)).toEqual(
      stats(heap, { bytesInUse: end - 2 ** 31 + 4096, regionsInUse: 3, freeBytes: 2 ** 31 - rs - 4096, freeExtents: 1, untouchedBytes: 0 }),
    );
    heap.u8[end - 1] = 0x7e; // the last byte of the last region is addressable
    expect(heap.u8[end - 1]).toBe(0x7e);
    regionFree(heap, top, end - 2 ** 31 - 4096);
    regionFree(heap, a, 4096);
    regionFree(heap, low, 4096);
    expect(regionStats(heap)).toEqual(stats(heap, { bytesInUse: 0, regionsInUse: 0, freeBytes: 0, freeExtents: 0, untouchedBytes: end - rs }));
  });

  it('never-used memory is handed out without being touched (pages stay uncommitted)', () => {
    const heap = newHeap(HEAP_MAX_SIZE);
    const before = process.memoryUsage().rss;
    const region = regionAlloc(heap, 2 ** 31);
    expect(region).not.toBe(0);
    // Zero-filling it would commit 2 GiB; the buffer is already zero there.
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * MiB);
    regionFree(heap, region, 2 ** 31);
  });

  it('the largest heap: the whole region area in one region', () => {
    // A fresh heap: reusing the area above would zero-fill (and commit) 4 GiB.
    const heap = newHeap(HEAP_MAX_SIZE);
    const rs = heap.regionStart;
    const end = areaEnd(heap);
    expect(regionAlloc(heap, end - rs)).toBe(rs);
    expect(regionStats(heap).untouchedBytes).toBe(0);
    regionFree(heap, rs, end - rs);
  });
});

describe('zero-filled regions', () => {
  it('a region freed back to the bump pointer reads as zeros when handed out again', () => {
    const heap = newHeap();
    const a = regionAlloc(heap, 8192);
    heap.u8.fill(0xab, a, a + 8192);
    regionFree(heap, a, 8192);
    const b = regionAlloc(heap, 8192);
    expect(b).toBe(a);
    expect(firstNonZero(heap, b, 8192), 'first non-zero byte of the reused region').toBe(-1);
  });

  it('regions coalesced into the bump pointer read as zeros when handed out as one larger region', () => {
    const heap = newHeap();
    const a = regionAlloc(heap, 4096);
    const b = regionAlloc(heap, 4096);
    heap.u8.fill(0xcd, a, a + 4096);
    heap.u8.fill(0xef, b, b + 4096);
    regionFree(heap, a, 4096); // becomes a free extent (b is still live)
    regionFree(heap, b, 4096); // coalesces with it and lowers the bump pointer
    expect(regionStats(heap)).toMatchObject({ freeExtents: 0, untouchedBytes: areaEnd(heap) - heap.regionStart });
    const c = regionAlloc(heap, 8192);
    expect(c).toBe(a);
    expect(firstNonZero(heap, c, 8192), 'first non-zero byte of the reused region').toBe(-1);
  });

  it('a region reused from the free list reads as zeros', () => {
    const heap = newHeap();
    const a = regionAlloc(heap, 8192);
    const guard = regionAlloc(heap, 4096);
    heap.u8.fill(0xab, a, a + 8192);
    heap.u8.fill(0x11, guard, guard + 4096);
    regionFree(heap, a, 8192);
    const b = regionAlloc(heap, 8192);
    expect(b).toBe(a);
    expect(firstNonZero(heap, b, 8192)).toBe(-1);
    // The neighbour was not touched by the zero fill.
    expect(heap.u8[guard]).toBe(0x11);
    expect(heap.u8[guard + 4095]).toBe(0x11);
  });

  it('pieces split from a dirty extent read as zeros, extent bookkeeping included', () => {
    const heap = newHeap();
    const a = regionAlloc(heap, 4 * 4096);
    const guard = regionAlloc(heap, 4096);
    heap.u8.fill(0x5a, a, a + 4 * 4096);
    regionFree(heap, a, 4 * 4096);
    const p1 = regionAlloc(heap, 4096);
    expect(p1).toBe(a);
    const p2 = regionAlloc(heap, 4096); // the remainder's extent header lived here
    expect(p2).toBe(a + 4096);
    const p3 = regionAlloc(heap, 8192);
    expect(p3).toBe(a + 8192);
    expect(firstNonZero(heap, p1, 4096)).toBe(-1);
    expect(firstNonZero(heap, p2, 4096)).toBe(-1);
    expect(firstNonZero(heap, p3, 8192)).toBe(-1);
    expect(regionStats(heap)).toMatchObject({ freeExtents: 0, regionsInUse: 4 });
    expect(guard).toBe(a + 4 * 4096);
  });
});

describe('coalescing', () => {
  const orders: number[][] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const cases = orders.flatMap((order) => [
    [`${order.join(',')}, with a live guard region above`, order, true] as const,
    [`${order.join(',')}, last region at the bump pointer`, order, false] as const,
  ]);

  it.each(cases)('free order %s', (_label, order, guard) => {
    const heap = newHeap();
    const rs = heap.regionStart;
    const end = areaEnd(heap);
    const size = 8192;
    const regions = [regionAlloc(heap, size), regionAlloc(heap, size), regionAlloc(heap, size)];
    expect(regions).toEqual([rs, rs + size, rs + 2 * size]);
    const guardBytes = guard ? 4096 : 0;
    if (guard) expect(regionAlloc(heap, 4096)).toBe(rs + 3 * size);
    const top = rs + 3 * size + guardBytes;
    expect(regionStats(heap)).toEqual(
      stats(heap, { bytesInUse: 3 * size + guardBytes, regionsInUse: 3 + (guard ? 1 : 0), freeBytes: 0, freeExtents: 0, untouchedBytes: end - top }),
    );

    const freed = new Set<number>();
    for (const i of order) {
      regionFree(heap, regions[i]!, size);
      freed.add(i);
      // Expected: maximal runs of freed neighbours form one extent each; a run
      // that reaches the bump pointer (the last region, without a guard) is
      // absorbed into it instead.
      const runs: [number, number][] = [];
      for (let j = 0; j < 3; j++) {
        if (!freed.has(j)) continue;
        const last = runs[runs.length - 1];
        if (last && last[1] === j) last[1] = j + 1;
        else runs.push([j, j + 1]);
      }
      let expectedBump = top;
      const extents = runs.filter(([from, to]) => {
        if (!guard && to === 3) {
          expectedBump = rs + from * size;
          return false;
        }
        return true;
      });
      expect(regionStats(heap), `after freeing ${[...freed].join(',')}`).toEqual(
        stats(heap, {
          bytesInUse: (3 - freed.size) * size + guardBytes,
          regionsInUse: 3 - freed.size + (guard ? 1 : 0),
          freeBytes: extents.reduce((n, [from, to]) => n + (to - from) * size, 0),
          freeExtents: extents.length,
          untouchedBytes: end - expectedBump,
        }),
      );
      expect(bump(heap)).toBe(expectedBump);
    }

    if (guard) {
      // One extent of all three, and it serves one request of their total size.
      expect(regionStats(heap)).toMatchObject({ freeBytes: 3 * size, freeExtents: 1 });
      expect(heap.u32[HEAP_REGION_FREE_HEAD_OFFSET >>> 2]).toBe(rs);
      expect(regionAlloc(heap, 3 * size)).toBe(rs);
      expect(regionStats(heap)).toMatchObject({ freeBytes: 0, freeExtents: 0, regionsInUse: 2 });
      regionFree(heap, rs, 3 * size);
      regionFree(heap, rs + 3 * size, 4096);
    }
    expect(regionStats(heap)).toEqual(stats(heap, { bytesInUse: 0, regionsInUse: 0, freeBytes: 0, freeExtents: 0, untouchedBytes: end - rs }));
    expect(bump(heap)).toBe(rs);
    expect(heap.u32[HEAP_REGION_FREE_HEAD_OFFSET >>> 2]).toBe(0);
  });
});

describe('requests that fail return 0 cleanly', () => {
  /** A heap with a live region and a free extent, so both paths are exercised. */
  function busyHeap(): SharedHeap {
    const heap = newHeap(16 * MiB);
    const a = regionAlloc(heap, 8192);
    regionAlloc(heap, 4096);
    regionFree(heap, a, 8192);
    return heap;
  }

  const badSizes: [string, number][] = [
    ['0', 0],
    ['-1', -1],
    ['-4096', -4096],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['1.5', 1.5],
    ['2**32', 2 ** 32],
    ['2**53', 2 ** 53],
    ['heap size + 1', 16 * MiB + 1],
    ['heap size (larger than the region area)', 16 * MiB],
  ];
  it.each(badSizes)('size %s', (_label, size) => {
    const heap = busyHeap();
    const before = regionStats(heap);
    const bumpBefore = bump(heap);
    expect(regionAlloc(heap, size)).toBe(0);
    expect(regionAlloc(heap, size, 65536)).toBe(0);
    expect(regionStats(heap)).toEqual(before);
    expect(bump(heap)).toBe(bumpBefore);
    expect(lockWord(heap)).toBe(0);
    // The allocator still works afterwards.
    expect(regionAlloc(heap, 8192)).toBe(heap.regionStart);
  });

  const badAligns: [string, number][] = [
    ['0', 0],
    ['-4096', -4096],
    ['3', 3],
    ['6000', 6000],
    ['4097', 4097],
    ['1.5', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['2**32', 2 ** 32],
    ['2**33', 2 ** 33],
    ['2**31 + 4096', 2 ** 31 + 4096],
  ];
  it.each(badAligns)('align %s', (_label, align) => {
    const heap = busyHeap();
    const before = regionStats(heap);
    expect(regionAlloc(heap, 4096, align)).toBe(0);
    expect(regionStats(heap)).toEqual(before);
    expect(lockWord(heap)).toBe(0);
    expect(regionAlloc(heap, 4096)).toBe(heap.regionStart);
  });

  it('an alignment larger than the heap (2**31 on a 16 MiB heap) fails and changes nothing', () => {
    const heap = busyHeap();
    const before = regionStats(heap);
    expect(regionAlloc(heap, 4096, 2 ** 31)).toBe(0);
    expect(regionStats(heap)).toEqual(before);
  });

  it('a request that does not fit returns 0 and leaves stats unchanged', () => {
    const heap = newHeap(16 * MiB);
    const rs = heap.regionStart;
    const cap = areaEnd(heap) - rs;
    expect(regionAlloc(heap, cap - 8192)).toBe(rs);
    const full = regionStats(heap);
    expect(full).toEqual(stats(heap, { bytesInUse: cap - 8192, regionsInUse: 1, freeBytes: 0, freeExtents: 0, untouchedBytes: 8192 }));
    expect(regionAlloc(heap, 8193)).toBe(0);
    expect(regionAlloc(heap, 8192, 65536)).toBe(0); // fits by size, not by alignment
    expect(regionStats(heap)).toEqual(full);
    expect(lockWord(heap)).toBe(0);
    expect(regionAlloc(heap, 8192)).toBe(rs + cap - 8192);
    expect(regionStats(heap).untouchedBytes).toBe(0);
    expect(regionAlloc(heap, 1)).toBe(0);
  });

  it('fragmented free memory: no extent is large enough, so the request fails', () => {
    const heap = newHeap(16 * MiB);
    const rs = heap.regionStart;
    const cap = areaEnd(heap) - rs;
    // Eight single pages, then the rest of the area in one region.
    const pages = Array.from({ length: 8 }, () => regionAlloc(heap, 4096));
    expect(pages[7]).toBe(rs + 7 * 4096);
    expect(regionAlloc(heap, cap - 8 * 4096)).toBe(rs + 8 * 4096);
    for (let i = 1; i < 8; i += 2) regionFree(heap, pages[i]!, 4096); // free 1, 3, 5, 7
    const before = regionStats(heap);
    expect(before).toMatchObject({ freeBytes: 4 * 4096, freeExtents: 4, untouchedBytes: 0 });
    expect(regionAlloc(heap, 8192)).toBe(0);
    // Every free page is at an odd page offset from the 64 KiB-aligned area start.
    expect(regionAlloc(heap, 4096, 8192)).toBe(0);
    expect(regionStats(heap)).toEqual(before);
    // First fit: the lowest extent.
    expect(regionAlloc(heap, 4096)).toBe(rs + 4096);
  });
});

describe('fatal misuse of regionFree', () => {
  it('double release of a region on the free list names the address', () => {
    const heap = newHeap();
    const a = regionAlloc(heap, 8192);
    regionAlloc(heap, 4096);
    regionFree(heap, a, 8192);
    const before = regionStats(heap);
    const msg = fatalMessage(() => regionFree(heap, a, 8192));
    expect(msg).toContain(hex(a));
    expect(msg).toContain(formatAddress(a));
    expect(msg).toMatch(/double release/);
    expect(regionStats(heap)).toEqual(before);
    expect(lockWord(heap)).toBe(0);
  });

  it('double release of a region absorbed into the bump pointer names the address', () => {
    const heap = newHeap();
    const a = regionAlloc(heap, 8192);
    regionFree(heap, a, 8192);
    const before = regionStats(heap);
    const msg = fatalMessage(() => regionFree(heap, a, 8192));
    expect(msg).toContain(hex(a));
    expect(regionStats(heap)).toEqual(before);
    expect(lockWord(heap)).toBe(0);
  });

  it('double release of a region merged with its neighbour names the address', () => {
    const heap = newHeap();
    const a = regionAlloc(heap, 4096);
    const b = regionAlloc(heap, 4096);
    regionAlloc(heap, 4096);
    regionFree(heap, a, 4096);
    regionFree(heap, b, 4096);
    const before = regionStats(heap);
    expect(before).toMatchObject({ freeExtents: 1, freeBytes: 8192 });
    expect(fatalMessage(() => regionFree(heap, b, 4096))).toContain(hex(b));
    expect(fatalMessage(() => regionFree(heap, a, 4096))).toContain(hex(a));
    expect(regionStats(heap)).toEqual(before);
  });

  it('a release overlapping free memory (part of a free extent, or the next one) is fatal', () => {
    const heap = newHeap();
    const a = regionAlloc(heap, 3 * 4096);
    const b = regionAlloc(heap, 4096);
    const c = regionAlloc(heap, 8192);
    regionAlloc(heap, 4096);
    regionFree(heap, a, 3 * 4096);
    regionFree(heap, c, 8192);
    const before = regionStats(heap);
    expect(fatalMessage(() => regionFree(heap, a + 4096, 4096))).toContain(hex(a + 4096));
    // b is live, but a wrong (too large) size runs into the free extent at c.
    expect(fatalMessage(() => regionFree(heap, b, 8192))).toContain(hex(b));
    expect(regionStats(heap)).toEqual(before);
    expect(lockWord(heap)).toBe(0);
  });

  it('releasing memory that was never handed out names the address', () => {
    const heap = newHeap();
    const rs = heap.regionStart;
    const before = regionStats(heap);
    const cases: number[] = [rs, rs + MiB, areaEnd(heap) - 4096];
    for (const addr of cases) {
      const msg = fatalMessage(() => regionFree(heap, addr, 4096));
      expect(msg).toContain(hex(addr));
      expect(msg).toMatch(/never handed out/);
    }
    // Above a live region too.
    const a = regionAlloc(heap, 4096);
    expect(fatalMessage(() => regionFree(heap, a + 4096, 4096))).toContain(hex(a + 4096));
    expect(fatalMessage(() => regionFree(heap, a, 8192))).toContain(hex(a));
    expect(regionStats(heap)).toEqual({ ...before, bytesInUse: 4096, regionsInUse: 1, untouchedBytes: before.untouchedBytes - 4096 });
    expect(lockWord(heap)).toBe(0);
  });

  it('addresses outside the region area, unaligned addresses and bad sizes are fatal', () => {
    const heap = newHeap();
    const rs = heap.regionStart;
    const a = regionAlloc(heap, 8192);
    const before = regionStats(heap);
    const cases: [number, number][] = [
      [0, 4096],
      [4096, 4096],
      [rs - 4096, 4096],
      [a + 1, 4096],
      [a + 2048, 4096],
      [heap.size, 4096],
      [areaEnd(heap), 4096],
      [0x80000000, 4096],
      [a, 0],
      [a, -4096],
      [a, Number.NaN],
    ];
    for (const [addr, size] of cases) {
      const msg = fatalMessage(() => regionFree(heap, addr, size));
      expect(msg, `regionFree(${addr}, ${size})`).toContain(hex(addr));
    }
    expect(regionStats(heap)).toEqual(before);
    expect(lockWord(heap)).toBe(0);
    regionFree(heap, a, 8192);
    expect(regionStats(heap).regionsInUse).toBe(0);
  });
});

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 0x100000000) * n);
  };
}

/**
 * Shadow model of the documented policy: first fit over the address-ordered
 * free extents, else the bump pointer (alignment gaps become free extents);
 * releases coalesce with neighbours, and an extent reaching the bump pointer
 * lowers it.
 */
class ShadowAllocator {
  free: [number, number][] = [];
  bump: number;
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    this.bump = start;
  }

  alloc(bytes: number, align: number): number {
    for (let i = 0; i < this.free.length; i++) {
      const [s, e] = this.free[i]!;
      const a = alignUp(s, align);
      if (a + bytes <= e) {
        const pieces: [number, number][] = [];
        if (a > s) pieces.push([s, a]);
        if (a + bytes < e) pieces.push([a + bytes, e]);
        this.free.splice(i, 1, ...pieces);
        return a;
      }
    }
    const a = alignUp(this.bump, align);
    if (a + bytes > this.end) return 0;
    const old = this.bump;
    this.bump = a + bytes;
    if (a > old) this.insert(old, a);
    return a;
  }

  release(addr: number, bytes: number): void {
    this.insert(addr, addr + bytes);
  }

  private insert(s: number, e: number): void {
    this.free.push([s, e]);
    this.free.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const x of this.free) {
      const last = merged[merged.length - 1];
      if (last && last[1] === x[0]) last[1] = x[1];
      else merged.push([x[0], x[1]]);
    }
    const last = merged[merged.length - 1];
    if (last && last[1] === this.bump) {
      this.bump = last[0];
      merged.pop();
    }
    this.free = merged;
  }

  freeBytes(): number {
    return this.free.reduce((n, [s, e]) => n + e - s, 0);
  }
}

describe('randomized against a shadow model', () => {
  const SEED = Number(process.env.FT_TEST_SEED ?? 0x2f6a91c3) >>> 0;
  const STEPS = 2000;

  it(`2000 random alloc/free steps (seed ${SEED}; replay with FT_TEST_SEED=${SEED})`, () => {
    const heap = newHeap(128 * MiB);
    const rs = heap.regionStart;
    const end = areaEnd(heap);
    const cap = end - rs;
    const rand = prng(SEED);
    const model = new ShadowAllocator(rs, end);

    interface Live {
      addr: number;
      size: number;
      bytes: number;
      tag: number;
    }
    const live: Live[] = [];
    let allocs = 0;
    let frees = 0;
    let failures = 0;
    let bytesInUse = 0;

    const pickSize = (): number => {
      const r = rand(10);
      if (r < 5) return 1 + rand(16 * KiB);
      if (r < 8) return 1 + rand(256 * KiB);
      if (r < 9) return 4096 * (1 + rand(64));
      return 1 + rand(MiB);
    };
    const pickAlign = (): number | undefined => {
      const r = rand(10);
      if (r < 3) return undefined; // the default: one granule
      if (r < 4) return 2 ** rand(12); // below the granule: 1 .. 2048
      return 2 ** (12 + rand(9)); // 4 KiB .. 1 MiB
    };

    for (let step = 0; step < STEPS; step++) {
      const where = `seed ${SEED}, step ${step}`;
      const wantAlloc = live.length === 0 || rand(100) < (live.length < 8 ? 80 : live.length > 120 ? 20 : 55);
      if (wantAlloc) {
        const size = pickSize();
        const align = pickAlign();
        const bytes = alignUp(size, PAGE);
        const alignment = Math.max(align ?? PAGE, PAGE);
        const expected = model.alloc(bytes, alignment);
        const before = regionStats(heap);
        const addr = align === undefined ? regionAlloc(heap, size) : regionAlloc(heap, size, align);
        expect(addr, `${where}: regionAlloc(${size}, ${align}) vs model`).toBe(expected);
        if (addr === 0) {
          failures++;
          expect(regionStats(heap), `${where}: a failed request changes nothing`).toEqual(before);
        } else {
          allocs++;
          expect(addr % alignment, `${where}: alignment`).toBe(0);
          expect(addr, `${where}: inside the region area`).toBeGreaterThanOrEqual(rs);
          expect(addr + bytes, `${where}: inside the heap`).toBeLessThanOrEqual(heap.size);
          for (const r of live) {
            const disjoint = addr + bytes <= r.addr || r.addr + r.bytes <= addr;
            expect(disjoint, `${where}: ${hex(addr)}+${bytes} overlaps live ${hex(r.addr)}+${r.bytes}`).toBe(true);
          }
          const tag = (step % 254) + 1;
          heap.u8[addr] = tag;
          heap.u8[addr + bytes - 1] = tag ^ 0xff;
          live.push({ addr, size, bytes, tag });
          bytesInUse += bytes;
        }
      } else {
        const i = rand(live.length);
        const r = live[i]!;
        live[i] = live[live.length - 1]!;
        live.pop();
        // Release with the requested or the rounded size: both mean the same region.
        regionFree(heap, r.addr, rand(2) === 0 ? r.size : r.bytes);
        model.release(r.addr, r.bytes);
        bytesInUse -= r.bytes;
        frees++;
      }

      expect(regionStats(heap), `${where}: stats vs model`).toEqual({
        bytesInUse,
        regionsInUse: live.length,
        freeBytes: model.freeBytes(),
        freeExtents: model.free.length,
        untouchedBytes: end - model.bump,
        capacity: cap,
      });
      for (const r of live) {
        if (heap.u8[r.addr] !== r.tag || heap.u8[r.addr + r.bytes - 1] !== (r.tag ^ 0xff)) {
          expect.fail(`${where}: contents of live region ${hex(r.addr)}+${r.bytes} were overwritten`);
        }
      }
    }

    // The run must have exercised both operations substantially.
    expect(allocs).toBeGreaterThan(STEPS / 3);
    expect(frees).toBeGreaterThan(STEPS / 4);
    expect(failures).toBeLessThan(allocs / 10);

    // Free everything, in random order.
    while (live.length > 0) {
      const i = rand(live.length);
      const r = live[i]!;
      live[i] = live[live.length - 1]!;
      live.pop();
      expect(heap.u8[r.addr]).toBe(r.tag);
      regionFree(heap, r.addr, r.size);
    }
    expect(regionStats(heap)).toEqual({
      bytesInUse: 0,
      regionsInUse: 0,
      freeBytes: 0,
      freeExtents: 0,
      untouchedBytes: cap,
      capacity: cap,
    });
    expect(bump(heap)).toBe(rs);
    expect(heap.u32[HEAP_REGION_FREE_HEAD_OFFSET >>> 2]).toBe(0);
    expect(lockWord(heap)).toBe(0);
  });
});
