/**
 * miHeapRealloc: growth and shrinking through every page kind, contents
 * kept, in place or moved, failure keeping the block.
 */

import { FatalError } from '@ft/atomics';
import { afterEach, describe, expect, it } from 'vitest';
import { MI_HEAP_MEM, miCollect, miFree, miHeapRealloc, miMalloc, miStats, miUsableSize } from '../src/index.js';
import { closeHeaps, KiB, MiB, setup, live } from './fixture.js';

afterEach(closeHeaps);

describe.each([true, false])('checked = %s', (checked) => {
  it('realloc grows and shrinks preserving contents; realloc(0, n) allocates; failure or refusal keeps the block', () => {
    const { t } = setup(checked);
    const tag = MI_HEAP_MEM;
    let p = miHeapRealloc(t, tag, 0, 100);
    expect(p).not.toBe(0);
    let size = 100;
    const byteAt = (i: number, seed: number): number => (i * 13 + seed) & 0xff;
    for (let i = 0; i < size; i++) t.u8[p + i] = byteAt(i, size);
    // grow through small, medium, large and huge, then shrink back
    for (const next of [200, 5000, 100 * KiB, 1 * MiB, 3 * MiB, 9 * MiB, 2 * MiB, 300 * KiB, 1000, 17]) {
      const q = miHeapRealloc(t, tag, p, next);
      expect(q, `realloc ${size} -> ${next}`).not.toBe(0);
      expect(miUsableSize(t, q)).toBeGreaterThanOrEqual(next);
      const kept = Math.min(size, next);
      let wrong = -1;
      for (let i = 0; i < kept && wrong < 0; i++) if (t.u8[q + i] !== byteAt(i, size)) wrong = i;
      expect(wrong, `first changed byte after ${size} -> ${next}`).toBe(-1);
      p = q;
      size = next;
      for (let i = 0; i < size; i++) t.u8[p + i] = byteAt(i, size);
    }
    // failure: 0 (a size too large) or a RangeError (not a size), p stays valid and intact
    expect(miHeapRealloc(t, tag, p, 2 ** 32)).toBe(0);
    expect(() => miHeapRealloc(t, tag, p, NaN)).toThrow(RangeError);
    expect(() => miHeapRealloc(t, tag, p, -1)).toThrow(RangeError);
    for (let i = 0; i < size; i++) expect(t.u8[p + i]).toBe(byteAt(i, size));
    miFree(t, p);
    expect(live(t)).toBe(0);
  });


  it('realloc copies exactly the old contents (every byte) on growth', () => {
    const { t } = setup(checked);
    for (const [from, to] of [
      [10, 100],
      [100, 1000],
      [1000, 50 * KiB],
      [50 * KiB, 500 * KiB],
      [500 * KiB, 4 * MiB],
      [4 * MiB, 5 * MiB],
    ]) {
      const p = miMalloc(t, from);
      for (let i = 0; i < from; i++) t.u8[p + i] = (i * 31 + 7) & 0xff;
      const q = miHeapRealloc(t, MI_HEAP_MEM, p, to);
      expect(q).not.toBe(0);
      let bad = -1;
      for (let i = 0; i < from; i++) {
        if (t.u8[q + i] !== ((i * 31 + 7) & 0xff)) {
          bad = i;
          break;
        }
      }
      expect(bad, `${from} -> ${to}: first wrong byte`).toBe(-1);
      miFree(t, q);
    }
  });


  it('realloc keeps the block in place for a small shrink, moves it for a much smaller size', () => {
    const { t } = setup(checked);
    const p = miMalloc(t, 1000);
    for (let i = 0; i < 1000; i++) t.u8[p + i] = i & 0xff;
    expect(miHeapRealloc(t, MI_HEAP_MEM, p, 900)).toBe(p);
    const q = miHeapRealloc(t, MI_HEAP_MEM, p, 10);
    expect(q).not.toBe(p);
    expect(q).not.toBe(0);
    expect(miUsableSize(t, q)).toBeLessThan(100);
    for (let i = 0; i < 10; i++) expect(t.u8[q + i]).toBe(i);
    // realloc to 0 returns a fresh minimal block and frees the old one
    const r = miHeapRealloc(t, MI_HEAP_MEM, q, 0);
    expect(r).not.toBe(0);
    if (checked) expect(() => miFree(t, q)).toThrow(FatalError);
    const big = miMalloc(t, 8 * MiB);
    const small = miHeapRealloc(t, MI_HEAP_MEM, big, 100);
    expect(small).not.toBe(big);
    expect(miUsableSize(t, small)).toBeLessThan(1000);
    miFree(t, r);
    miFree(t, small);
    miCollect(t, true);
    expect([miStats(t).liveBlocks, miStats(t).hugeSegments]).toEqual([0, 0]);
  });

});
