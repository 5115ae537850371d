// The heap's bulk memory: fill (memset) and copy (memmove) through
// WebAssembly over the heap's shared memory — exact bytes, neighbours
// untouched, overlapping copies, u32 addresses above 2 GiB, out-of-range
// ranges rejected without a write, and workers filling and copying with
// their own instances over the same memory.
import { afterEach, describe, expect, it } from 'vitest';
import { regionAlloc, SharedHeap } from '../src/index.js';
import type { ActorData } from './workers/actor.worker.js';

const heaps: SharedHeap[] = [];
function newHeap(size = 4 << 20): SharedHeap {
  const heap = SharedHeap.create({ size });
  heaps.push(heap);
  return heap;
}

afterEach(() => {
  while (heaps.length > 0) heaps.pop()!.close();
});

/** A deterministic byte pattern over [from, from + length). */
function pattern(heap: SharedHeap, from: number, length: number, seed: number): void {
  for (let i = 0; i < length; i++) heap.u8[from + i] = (i * 31 + seed) & 0xff;
}

describe('heap.fill', () => {
  it('sets exactly the range, at every alignment and length, and nothing around it', () => {
    const heap = newHeap();
    const region = regionAlloc(heap, 8192);
    for (const start of [0, 1, 7, 8, 13, 64]) {
      for (const length of [0, 1, 2, 7, 8, 9, 31, 64, 100, 513, 4000]) {
        const from = region + 64 + start;
        pattern(heap, region, 8192, start + length);
        heap.fill(from, 0xcd, length);
        for (let a = region; a < region + 8192; a++) {
          const want = a >= from && a < from + length ? 0xcd : ((a - region) * 31 + start + length) & 0xff;
          if (heap.u8[a] !== want) throw new Error(`fill(${start}, ${length}): byte ${a - from} is ${heap.u8[a]}, want ${want}`);
        }
      }
    }
  });

  it('takes the low 8 bits of the byte, as memset does', () => {
    const heap = newHeap();
    const region = regionAlloc(heap, 4096);
    heap.fill(region, 0x1dd, 16);
    expect(Array.from(heap.u8.subarray(region, region + 16))).toEqual(new Array(16).fill(0xdd));
    heap.fill(region, -1, 4);
    expect(Array.from(heap.u8.subarray(region, region + 5))).toEqual([0xff, 0xff, 0xff, 0xff, 0xdd]);
  });

  it('a range that leaves the memory throws and writes nothing', () => {
    const heap = newHeap(1 << 20);
    const end = heap.buffer.byteLength;
    heap.fill(end - 16, 0x11, 16);
    expect(() => heap.fill(end - 8, 0x22, 16)).toThrowError(/out of bounds/);
    expect(Array.from(heap.u8.subarray(end - 16, end))).toEqual(new Array(16).fill(0x11));
    expect(() => heap.fill(end, 0x22, 1)).toThrowError(/out of bounds/);
    heap.fill(end, 0x22, 0); // an empty range at the end is fine, as in memset
  });

  it('reaches u32 addresses above 2 GiB (negative as i32)', () => {
    const heap = newHeap(3 * 2 ** 30);
    const high = 2 ** 31 + 2 ** 29 + 40; // 0xA0000028: 2.5 GiB
    heap.u8[high - 1] = 1;
    heap.u8[high + 100] = 2;
    heap.fill(high, 0x5a, 100);
    expect(heap.u8[high - 1]).toBe(1);
    expect(heap.u8.subarray(high, high + 100).every((b) => b === 0x5a)).toBe(true);
    expect(heap.u8[high + 100]).toBe(2);
    heap.copy(high + 200, high, 100);
    expect(heap.u8.subarray(high + 200, high + 300).every((b) => b === 0x5a)).toBe(true);
    // And a copy from low to high addresses, across the sign boundary.
    const low = regionAlloc(heap, 4096);
    pattern(heap, low, 64, 9);
    heap.copy(high + 400, low, 64);
    expect(Array.from(heap.u8.subarray(high + 400, high + 464))).toEqual(Array.from(heap.u8.subarray(low, low + 64)));
  });
});

describe('heap.copy', () => {
  it('copies disjoint ranges exactly, leaving the source and the neighbours alone', () => {
    const heap = newHeap();
    const region = regionAlloc(heap, 8192);
    for (const length of [0, 1, 5, 8, 33, 256, 1000]) {
      pattern(heap, region, 8192, length);
      const src = region + 3;
      const dst = region + 4096 + 5;
      const want = Array.from(heap.u8.subarray(src, src + length));
      heap.copy(dst, src, length);
      expect(Array.from(heap.u8.subarray(dst, dst + length))).toEqual(want);
      expect(Array.from(heap.u8.subarray(src, src + length))).toEqual(want);
      expect(heap.u8[dst - 1]).toBe(((dst - 1 - region) * 31 + length) & 0xff);
      expect(heap.u8[dst + length]).toBe(((dst + length - region) * 31 + length) & 0xff);
    }
  });

  it('overlapping ranges move as memmove does, in both directions', () => {
    const heap = newHeap();
    const region = regionAlloc(heap, 4096);
    for (const shift of [1, 7, 8, 100, -1, -8, -100]) {
      pattern(heap, region, 4096, 3);
      const src = region + 1024;
      const want = Array.from(heap.u8.subarray(src, src + 1000));
      heap.copy(src + shift, src, 1000);
      expect(Array.from(heap.u8.subarray(src + shift, src + shift + 1000))).toEqual(want);
    }
  });

  it('a range that leaves the memory throws and writes nothing', () => {
    const heap = newHeap(1 << 20);
    const end = heap.buffer.byteLength;
    const region = regionAlloc(heap, 4096);
    pattern(heap, region, 64, 1);
    heap.fill(end - 64, 0, 64);
    expect(() => heap.copy(end - 32, region, 64)).toThrowError(/out of bounds/);
    expect(() => heap.copy(region, end - 32, 64)).toThrowError(/out of bounds/);
    expect(heap.u8.subarray(end - 64, end).every((b) => b === 0)).toBe(true);
    expect(heap.u8[region]).toBe(1);
  });
});

describe('bulk memory in workers', () => {
  it('two workers fill and copy their own halves at the same time, with their own instances', async () => {
    const { nextMessage, spawnTsWorker } = await import('@ft/harness');
    const heap = newHeap();
    const length = 100_000;
    const region = regionAlloc(heap, 4 * length + 4096);
    const flags = region + 4 * length; // one release word per worker
    const halves = [region, region + 2 * length];
    const workers = halves.map((addr, i) =>
      spawnTsWorker(new URL('./workers/actor.worker.ts', import.meta.url), {
        heap: heap.handle(),
        action: 'fill-copy',
        addr,
        length,
        release: flags + 64 * i,
      } satisfies ActorData),
    );
    try {
      const replies = await Promise.all(workers.map((w) => nextMessage<{ tid: number; done: boolean }>(w)));
      for (let i = 0; i < 2; i++) {
        // The release word carries the worker's tid (Atomics.store after its
        // fill and copy), so these plain reads see everything it wrote.
        const tid = Atomics.load(heap.i32, (flags + 64 * i) >>> 2);
        expect(tid).toBe(replies[i].tid);
        const byte = (0xa5 + tid) & 0xff;
        const bytes = heap.u8.subarray(halves[i], halves[i] + 2 * length);
        expect(bytes.every((b) => b === byte)).toBe(true);
      }
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  });
});
