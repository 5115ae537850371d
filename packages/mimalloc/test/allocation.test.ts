/**
 * Allocation: malloc, zalloc and calloc in every standard heap, sizes
 * from 0 to huge, what cannot be allocated, heap tags, the shared empty page.
 */

import { formatAddress, regionStats } from '@ft/atomics';
import { afterEach, describe, expect, it } from 'vitest';
import { MI_HEAP_GC, MI_HEAP_GC_PRE, MI_HEAP_MEM, MI_HEAP_OBJECT, MI_MAX_ALLOC_SIZE, miCollect, miFree, miHeapCalloc, miHeapMalloc, miHeapRealloc, miHeapZalloc, miMalloc, miStats, miUsableSize } from '../src/index.js';
import { PAGE_RECORD_SIZE, SHARED_EMPTY_PAGE_OFFSET } from '../src/layout.js';
import { closeHeaps, KiB, MiB, HEAP_SIZE, setup, live, fill, allBytes, allocateUntil } from './fixture.js';

afterEach(closeHeaps);

describe.each([true, false])('checked = %s', (checked) => {
  it('malloc(0) returns a distinct non-zero block each time, in every standard heap', () => {
    const { t } = setup(checked);
    const seen = new Set<number>();
    for (let tag = 0; tag < 4; tag++) {
      for (let i = 0; i < 300; i++) {
        const p = miHeapMalloc(t, tag, 0);
        expect(p).not.toBe(0);
        expect(p % 8).toBe(0);
        expect(seen.has(p)).toBe(false);
        seen.add(p);
        expect(miUsableSize(t, p)).toBeGreaterThanOrEqual(8);
      }
    }
    expect(live(t)).toBe(1200);
    for (const p of seen) miFree(t, p);
    expect(live(t)).toBe(0);
  });


  it('usable size ≥ requested, 16-byte alignment from 16 bytes on, 8-byte below, blocks never overlap', () => {
    const { t } = setup(checked);
    const sizes: number[] = [];
    for (let s = 1; s <= 2048; s++) sizes.push(s);
    for (let s = 2049; s <= 300 * KiB; s = Math.ceil(s * 1.07)) sizes.push(s);
    sizes.push(16 * KiB, 16 * KiB + 1, 128 * KiB, 128 * KiB + 1, 2 * MiB, 2 * MiB + 1, 5 * MiB + 3);
    const live: [number, number][] = [];
    const bad: string[] = [];
    for (const s of sizes) {
      const p = miMalloc(t, s);
      if (p === 0) {
        bad.push(`${s}: out of memory`);
        continue;
      }
      if (miUsableSize(t, p) < s) bad.push(`${s}: usable ${miUsableSize(t, p)}`);
      if (s >= 16 && p % 16 !== 0) bad.push(`${s}: ${formatAddress(p)} not 16-byte aligned`);
      if (p % 8 !== 0) bad.push(`${s}: ${formatAddress(p)} not 8-byte aligned`);
      live.push([p, s]);
    }
    expect(bad).toEqual([]);
    live.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < live.length; i++) expect(live[i][0]).toBeGreaterThanOrEqual(live[i - 1][0] + live[i - 1][1]);
    for (const [p] of live) miFree(t, p);
    miCollect(t, true);
    const stats = miStats(t);
    expect([stats.liveBlocks, stats.segments, stats.hugeSegments]).toEqual([0, 0, 0]);
  });


  it('calloc zeroes reused (dirty) memory', () => {
    const { t } = setup(checked);
    for (const [tag, size] of [
      [MI_HEAP_MEM, 100],
      [MI_HEAP_OBJECT, 48],
      [MI_HEAP_GC_PRE, 200],
      [MI_HEAP_MEM, 3000],
      [MI_HEAP_GC, 40 * KiB],
    ]) {
      const p = miHeapMalloc(t, tag, size);
      const keep = miHeapMalloc(t, tag, size); // keeps the page alive while p is free
      fill(t, p, size, 0xab);
      miFree(t, p);
      const { got, others } = allocateUntil(t, tag, size, p, true);
      expect(allBytes(t, got, size, 0), `calloc(1, ${size}) in heap ${tag}`).toBe(true);
      // zalloc too
      miFree(t, got);
      fill(t, got + 4, size - 4, 0xee); // dirty it again while it is free
      const again = allocateUntil(t, tag, size, got, false);
      miFree(t, again.got);
      const z = allocateUntil(t, tag, size, got, true);
      expect(allBytes(t, z.got, size, 0)).toBe(true);
      for (const q of [...others, ...again.others, ...z.others, z.got, keep]) miFree(t, q);
    }
    const z = miHeapZalloc(t, MI_HEAP_OBJECT, 777);
    expect(allBytes(t, z, 777, 0)).toBe(true);
    miFree(t, z);
    expect(live(t)).toBe(0);
  });


  it('calloc returns 0 when count * size overflows and refuses negative or non-integer factors, without touching the heap', () => {
    const { heap, t } = setup(checked);
    const p = miMalloc(t, 64);
    fill(t, p, 64, 0x5a);
    const before = { stats: miStats(t), region: regionStats(heap) };
    const cases: [number, number][] = [
      [MI_MAX_ALLOC_SIZE, 2],
      [2, MI_MAX_ALLOC_SIZE],
      [MI_MAX_ALLOC_SIZE + 1, 1],
      [65536, 65536],
      [2 ** 20, 2 ** 12],
      [2 ** 40, 2 ** 40],
      [2 ** 53, 2],
      [2 ** 31, 2 ** 31],
    ];
    for (const [count, size] of cases) {
      for (let tag = 0; tag < 4; tag++) expect(miHeapCalloc(t, tag, count, size), `calloc(${count}, ${size})`).toBe(0);
    }
    // Not sizes at all: refused with a RangeError (see argument-checks.ts).
    const refused: [number, number][] = [
      [-1, 16],
      [16, -1],
      [-16, -16],
      [NaN, 1],
      [1, NaN],
      [Infinity, 0],
      [Infinity, 1],
      [1.5, 2],
    ];
    for (const [count, size] of refused) {
      for (let tag = 0; tag < 4; tag++) expect(() => miHeapCalloc(t, tag, count, size), `calloc(${count}, ${size})`).toThrow(RangeError);
    }
    expect(miStats(t)).toEqual(before.stats);
    expect(regionStats(heap)).toEqual(before.region);
    expect(allBytes(t, p, 64, 0x5a)).toBe(true);
    // Products that fit are fine, including 0.
    const q = miHeapCalloc(t, MI_HEAP_MEM, 0, 100);
    expect(q).not.toBe(0);
    const r = miHeapCalloc(t, MI_HEAP_MEM, 1000, 1000);
    expect(r).not.toBe(0);
    expect(miUsableSize(t, r)).toBeGreaterThanOrEqual(1_000_000);
    expect(allBytes(t, r, 1_000_000, 0)).toBe(true);
    for (const x of [p, q, r]) miFree(t, x);
  });


  it('sizes that cannot fit return 0, sizes that are not sizes are refused, and neither corrupts anything (malloc, zalloc, realloc from 0, in every heap)', () => {
    const { heap, t } = setup(checked);
    const blocks = [16, 1000, 20 * KiB, 300 * KiB, 3 * MiB].map((s, i) => {
      const p = miMalloc(t, s);
      fill(t, p, s, 0x11 * (i + 1));
      return [p, s] as const;
    });
    const before = { stats: miStats(t), region: regionStats(heap) };
    const impossible = [HEAP_SIZE, HEAP_SIZE + 1, 60 * MiB, MI_MAX_ALLOC_SIZE, MI_MAX_ALLOC_SIZE + 1, 2 ** 31, 2 ** 32, 2 ** 32 + 16, 2 ** 53];
    for (const size of impossible) {
      for (let tag = 0; tag < 4; tag++) {
        expect(miHeapMalloc(t, tag, size), `malloc(${size}) in heap ${tag}`).toBe(0);
        expect(miHeapZalloc(t, tag, size), `zalloc(${size})`).toBe(0);
        expect(miHeapRealloc(t, tag, 0, size), `realloc(0, ${size})`).toBe(0);
      }
      expect(miMalloc(t, size)).toBe(0);
    }
    const notSizes = [Infinity, NaN, -1, -16, -(2 ** 32), -Infinity, 0.5, 1023.5];
    for (const size of notSizes) {
      for (let tag = 0; tag < 4; tag++) {
        expect(() => miHeapMalloc(t, tag, size), `malloc(${size}) in heap ${tag}`).toThrow(RangeError);
        expect(() => miHeapZalloc(t, tag, size), `zalloc(${size})`).toThrow(RangeError);
        expect(() => miHeapRealloc(t, tag, 0, size), `realloc(0, ${size})`).toThrow(RangeError);
      }
      expect(() => miMalloc(t, size)).toThrow(RangeError);
    }
    const after = miStats(t);
    expect(live(t)).toBe(blocks.length);
    expect(after.segments).toBe(before.stats.segments);
    expect(after.hugeSegments).toBe(before.stats.hugeSegments);
    expect(regionStats(heap)).toEqual(before.region);
    blocks.forEach(([p, s], i) => expect(allBytes(t, p, s, 0x11 * (i + 1)), `block of ${s}`).toBe(true));
    // The heap still works.
    const p = miMalloc(t, 40 * MiB);
    expect(p).not.toBe(0);
    miFree(t, p);
    for (const [q] of blocks) miFree(t, q);
    miCollect(t, true);
    expect([miStats(t).segments, miStats(t).hugeSegments, miStats(t).liveBlocks]).toEqual([0, 0, 0]);
  });


  it('large (1 MiB) and huge (8 MiB) blocks allocate and free; segment counts return to 0', () => {
    const { t } = setup(checked);
    const large = miMalloc(t, 1 * MiB);
    const huge = miMalloc(t, 8 * MiB);
    const gcHuge = miHeapMalloc(t, MI_HEAP_GC, 3 * MiB);
    for (const p of [large, huge, gcHuge]) expect(p).not.toBe(0);
    fill(t, large, 1 * MiB, 0x4c);
    fill(t, huge, 8 * MiB, 0x48);
    fill(t, gcHuge, 3 * MiB, 0x47);
    let s = miStats(t);
    expect(s.segments).toBe(1);
    expect(s.hugeSegments).toBe(2);
    expect(s.pages.large).toBe(1);
    expect(s.pages.huge).toBe(2);
    expect(s.liveBlocks).toBe(3);
    expect(allBytes(t, large, 1 * MiB, 0x4c)).toBe(true);
    expect(allBytes(t, huge, 8 * MiB, 0x48)).toBe(true);
    miFree(t, huge);
    miFree(t, large);
    miFree(t, gcHuge);
    miCollect(t, true);
    s = miStats(t);
    expect([s.segments, s.hugeSegments, s.liveBlocks, s.pages.large, s.pages.huge]).toEqual([0, 0, 0, 0, 0]);
    // and again: the memory is reusable
    const again = miMalloc(t, 8 * MiB);
    expect(again).not.toBe(0);
    miFree(t, again);
    miCollect(t, true);
    expect(miStats(t).hugeSegments).toBe(0);
  });


  it('the shared empty page stays all zero through allocation and free', () => {
    const { mi, t } = setup(checked);
    const ps: number[] = [];
    for (let i = 0; i < 5000; i++) ps.push(miHeapMalloc(t, i & 3, (i * 37) % 1100));
    for (const p of ps) miFree(t, p);
    miCollect(t, true);
    for (let i = 0; i < 100; i++) miFree(t, miMalloc(t, i));
    const empty = t.u8.subarray(mi + SHARED_EMPTY_PAGE_OFFSET, mi + SHARED_EMPTY_PAGE_OFFSET + PAGE_RECORD_SIZE);
    expect(empty.every((b) => b === 0)).toBe(true);
  });


  it('heap tags outside 0..15 are refused', () => {
    const { t } = setup(checked);
    for (const tag of [16, 17, 31, -1, 1.5, NaN, 2 ** 32]) {
      expect(() => miHeapMalloc(t, tag, 8), `tag ${tag}`).toThrow(RangeError);
    }
    for (const tag of ['1', null, undefined, 1n, {}, [1]]) {
      expect(() => miHeapMalloc(t, tag as unknown as number, 8), `tag ${String(tag)}`).toThrow(TypeError);
    }
    // custom tags 4..15 work
    for (let tag = 4; tag <= 15; tag++) {
      const p = miHeapMalloc(t, tag, 40);
      expect(p).not.toBe(0);
      miFree(t, p);
    }
  });
});
