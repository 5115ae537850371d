import { describe, expect, it } from 'vitest';
import {
  binBlockSize,
  binOfSize,
  binOfWordSize,
  blockStartOffset,
  MI_BIN_HUGE,
  MI_LARGE_OBJ_SIZE_MAX,
  MI_MEDIUM_OBJ_SIZE_MAX,
  MI_SMALL_OBJ_SIZE_MAX,
  pageSlicesFor,
} from '../src/index.js';
import { MI_BIN_FULL, MI_MEDIUM_OBJ_WSIZE_MAX, MI_PAGES_DIRECT, MI_SLICE_SIZE } from '../src/layout.js';
import { directFirst, directLast } from '../src/size-class.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Every size 0..128 KiB: step 1 up to 4096, then a stride that still hits every word count near bin edges. */
function sizes(): number[] {
  const out: number[] = [];
  for (let s = 0; s <= 4096; s++) out.push(s);
  for (let s = 4097; s <= MI_MEDIUM_OBJ_SIZE_MAX; s += 7) out.push(s);
  // The stride must not skip the boundaries that matter: the last size of every bin and the one after it.
  for (let bin = 1; bin < MI_BIN_HUGE; bin++) {
    const b = binBlockSize(bin);
    if (b !== 0) out.push(b, b + 1);
  }
  out.push(MI_MEDIUM_OBJ_SIZE_MAX);
  return [...new Set(out)].filter((s) => s <= MI_MEDIUM_OBJ_SIZE_MAX).sort((a, b) => a - b);
}

/** The block size the allocator uses for a request (`heapMalloc`: bins up to 128 KiB, 16-byte rounding above). */
function blockSizeFor(size: number): number {
  return size <= MI_MEDIUM_OBJ_SIZE_MAX ? binBlockSize(binOfSize(size)) : Math.ceil(size / 16) * 16;
}

describe('bins', () => {
  const all = sizes();

  it('every size up to 128 KiB maps to a bin whose block size holds it', () => {
    // Collect violations and compare once: an expect per size would dominate the run time.
    const bad: string[] = [];
    for (const s of all) {
      const bin = binOfSize(s);
      if (!(bin >= 1 && bin < MI_BIN_HUGE) || !(binBlockSize(bin) >= s)) bad.push(`${s} -> bin ${bin} (${binBlockSize(bin)} bytes)`);
    }
    expect(all.length).toBeGreaterThan(4096 + 17000);
    expect(bad).toEqual([]);
  });

  it('every bin block size is the largest size of its bin (one more byte lands in the next used bin)', () => {
    for (let bin = 1; bin < MI_BIN_HUGE; bin++) {
      const b = binBlockSize(bin);
      if (b === 0) continue;
      expect(binOfSize(b), `bin of its own block size ${b}`).toBe(bin);
      if (b < MI_MEDIUM_OBJ_SIZE_MAX) expect(binOfSize(b + 1)).toBeGreaterThan(bin);
    }
  });

  it('the small classes are 8, 16, 32, 48, 64 bytes (2-word alignment, as on 64-bit CPython)', () => {
    const small = [0, 1, 8, 9, 16, 17, 32, 33, 48, 49, 64].map((s) => binBlockSize(binOfSize(s)));
    expect(small).toEqual([8, 8, 8, 16, 16, 32, 32, 48, 48, 64, 64]);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(binOfWordSize)).toEqual([1, 1, 2, 4, 4, 6, 6, 8, 8]);
    // Bins 3, 5 and 7 are never used: they have no block size.
    expect([3, 5, 7].map(binBlockSize)).toEqual([0, 0, 0]);
  });

  it('blocks of 16 bytes and more are multiples of 16 (object blocks stay 16-byte aligned)', () => {
    for (let bin = 1; bin < MI_BIN_HUGE; bin++) {
      const b = binBlockSize(bin);
      if (b >= 16) expect(b % 16, `block size ${b} of bin ${bin}`).toBe(0);
      if (b !== 0) expect(b % 8).toBe(0);
    }
  });

  it('bins are monotonic in the size, and consecutive used bins have growing block sizes', () => {
    let prev = 0;
    const bad: string[] = [];
    for (const s of all) {
      const bin = binOfSize(s);
      if (bin < prev) bad.push(`bin of ${s} is ${bin}, below ${prev}`);
      prev = bin;
    }
    expect(bad).toEqual([]);
    let prevBlock = 0;
    for (let bin = 1; bin < MI_BIN_HUGE; bin++) {
      const b = binBlockSize(bin);
      if (b === 0) continue;
      expect(b).toBeGreaterThan(prevBlock);
      prevBlock = b;
    }
    expect(prevBlock).toBe(MI_MEDIUM_OBJ_SIZE_MAX);
    expect(binOfSize(MI_MEDIUM_OBJ_SIZE_MAX)).toBe(52);
    expect(binOfWordSize(MI_MEDIUM_OBJ_WSIZE_MAX + 1)).toBe(MI_BIN_HUGE);
    expect(binOfSize(MI_MEDIUM_OBJ_SIZE_MAX + 1)).toBe(MI_BIN_HUGE);
    expect(MI_BIN_FULL).toBe(MI_BIN_HUGE + 1);
  });

  /*
   * Waste bound, proved from the bin formula. For wsize > 8 let w = wsize - 1
   * and b = floor(log2 w) ≥ 3. A bin holds the word sizes
   * [2^b + k·2^(b-2) + 1, 2^b + (k+1)·2^(b-2)] (k = 0..3), so
   *   block B = 8·(2^b + (k+1)·2^(b-2)) ≥ 10·2^b,
   *   request s ≥ 8·(2^b + k·2^(b-2)) + 1 ≥ 8·2^b + 1,
   *   B − s ≤ 8·2^(b-2) − 1 = 2^(b+1) − 1.
   * Hence (B − s)/B < 2^(b+1)/(10·2^b) = 1/5 and (B − s)/s < 2^(b+1)/(8·2^b) = 1/4,
   * and both are approached at s = 8·2^b + 1 (k = 0). The "12.5%" in
   * size-class.ts and the facts file is the *average*, not a bound: 65 bytes get an 80-byte block.
   */
  it('above 64 bytes a block wastes less than 1/5 of itself (< 1/4 of the request), and that bound is tight', () => {
    let worstOfBlock = 0;
    let worstOfRequest = 0;
    const bad: string[] = [];
    for (const s of all) {
      if (s <= 64) continue;
      const b = binBlockSize(binOfSize(s));
      // Exact integer forms of (b - s)/b < 1/5 and (b - s)/s < 1/4, and the
      // proof's per-size bound b - s ≤ 2^(top+1) - 1 with top the top bit of wsize - 1.
      const w = Math.ceil(s / 8) - 1;
      const top = 31 - Math.clz32(w);
      if (!(5 * (b - s) < b) || !(4 * (b - s) < s) || !(b - s <= 2 ** (top + 1) - 1)) bad.push(`size ${s} in block ${b}`);
      worstOfBlock = Math.max(worstOfBlock, (b - s) / b);
      worstOfRequest = Math.max(worstOfRequest, (b - s) / s);
    }
    expect(bad).toEqual([]);
    // Tight: 65537 bytes (wsize 8193) get an 81920-byte block.
    expect(binBlockSize(binOfSize(65537))).toBe(81920);
    expect(worstOfBlock).toBeCloseTo((81920 - 65537) / 81920, 12);
    expect(worstOfBlock).toBeGreaterThan(0.1999);
    expect(worstOfRequest).toBeGreaterThan(0.24);
    // So "≤ 12.5% waste" does not hold as a worst case:
    expect(binBlockSize(binOfSize(65))).toBe(80);
    expect(worstOfBlock).toBeGreaterThan(0.125);
  });

  it('the direct table covers word sizes 0..128 (1 KiB)', () => {
    expect(MI_PAGES_DIRECT).toBe(129);
    expect(binOfSize(1024)).toBe(24);
    expect(binBlockSize(24)).toBe(1024);
    expect(binOfSize(1025)).toBe(25);
    expect(binBlockSize(25)).toBe(1280);
  });
});

describe('pages and block starts', () => {
  // [request size, block size, slices of its page, offset of block 0 in the page]
  const table: [number, number, number, number][] = [
    [1, 8, 1, 24],
    [8, 8, 1, 24],
    [64, 64, 1, 192],
    [512, 512, 1, 512],
    [513, 640, 1, 0],
    [16 * KiB, 16 * KiB, 1, 0],
    [16 * KiB + 1, 20 * KiB, 8, 0],
    [128 * KiB, 128 * KiB, 8, 0],
    [128 * KiB + 1, 128 * KiB + 16, 3, 0],
    [512 * KiB, 512 * KiB, 8, 0],
    [512 * KiB + 1, 512 * KiB + 16, 16, 0],
    [2 * MiB, 2 * MiB, 32, 0],
    [2 * MiB + 1, 2 * MiB + 16, 0, 0],
  ];

  it.each(table)('request %i: block %i, %i slices, block 0 at %i', (size, block, slices, start) => {
    expect(blockSizeFor(size)).toBe(block);
    expect(pageSlicesFor(block)).toBe(slices);
    expect(blockStartOffset(block)).toBe(start);
  });

  it('pageSlicesFor at the kind boundaries (small ≤ 16 KiB, medium ≤ 128 KiB, large ≤ 2 MiB, then huge = 0)', () => {
    expect(pageSlicesFor(MI_SMALL_OBJ_SIZE_MAX)).toBe(1);
    expect(pageSlicesFor(MI_SMALL_OBJ_SIZE_MAX + 1)).toBe(8);
    expect(pageSlicesFor(MI_MEDIUM_OBJ_SIZE_MAX)).toBe(8);
    expect(pageSlicesFor(MI_MEDIUM_OBJ_SIZE_MAX + 1)).toBe(3);
    expect(pageSlicesFor(192 * KiB)).toBe(3);
    expect(pageSlicesFor(192 * KiB + 1)).toBe(4);
    expect(pageSlicesFor(512 * KiB)).toBe(8);
    expect(pageSlicesFor(512 * KiB + 1)).toBe(16);
    expect(pageSlicesFor(1 * MiB)).toBe(16);
    expect(pageSlicesFor(1 * MiB + 1)).toBe(24);
    expect(pageSlicesFor(MI_LARGE_OBJ_SIZE_MAX)).toBe(32);
    expect(pageSlicesFor(MI_LARGE_OBJ_SIZE_MAX + 1)).toBe(0);
    expect(pageSlicesFor(64 * MiB)).toBe(0);
  });

  it('a large page always holds its one block', () => {
    for (let block = MI_MEDIUM_OBJ_SIZE_MAX + 16; block <= MI_LARGE_OBJ_SIZE_MAX; block += 4080) {
      const bytes = pageSlicesFor(block) * MI_SLICE_SIZE;
      expect(bytes).toBeGreaterThanOrEqual(block);
      expect(bytes - block).toBeLessThan(block > 512 * KiB ? 512 * KiB : MI_SLICE_SIZE);
    }
  });

  it('blockStartOffset: 3 blocks in for 8..64, 1 block for ..512, 0 above; the offset keeps blocks aligned to their size', () => {
    expect(blockStartOffset(8)).toBe(24);
    expect(blockStartOffset(16)).toBe(48);
    expect(blockStartOffset(48)).toBe(144);
    expect(blockStartOffset(64)).toBe(192);
    expect(blockStartOffset(80)).toBe(80);
    expect(blockStartOffset(512)).toBe(512);
    expect(blockStartOffset(513)).toBe(0);
    expect(blockStartOffset(640)).toBe(0);
    for (let bin = 1; bin < MI_BIN_HUGE; bin++) {
      const b = binBlockSize(bin);
      if (b === 0 || pageSlicesFor(b) !== 1) continue;
      expect(blockStartOffset(b) % b).toBe(0);
      // A small page still holds many blocks after the offset.
      expect(Math.floor((MI_SLICE_SIZE - blockStartOffset(b)) / b)).toBeGreaterThanOrEqual(4);
      expect(Math.floor((MI_SLICE_SIZE - blockStartOffset(b)) / b)).toBeLessThan(65536);
    }
  });

  it('the direct-table range of each bin holds exactly the word sizes of that bin (none for bins above 1 KiB)', () => {
    const owner = new Array<number>(MI_PAGES_DIRECT).fill(-1);
    for (let bin = 0; bin < MI_BIN_HUGE; bin++) {
      for (let w = directFirst(bin); w <= directLast(bin); w++) {
        expect(w, `bin ${bin}`).toBeGreaterThanOrEqual(0);
        expect(w, `bin ${bin}`).toBeLessThan(MI_PAGES_DIRECT);
        expect(owner[w], `word size ${w} claimed by bins ${owner[w]} and ${bin}`).toBe(-1);
        owner[w] = bin;
        expect(w === 0 ? 1 : binOfWordSize(w), `word size ${w}`).toBe(bin);
      }
    }
    expect(owner.every((bin) => bin >= 0)).toBe(true);
  });
});
