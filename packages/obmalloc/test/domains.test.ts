import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadExit, miThreadInit, miUsableSize, type MiThread } from '@ft/mimalloc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AllocatorDomains,
  freeThreadedAllocators,
  getAllocator,
  MAX_REQUEST_SIZE,
  pymallocAllocator,
  pymallocAttach,
  pymallocBlockSize,
  pymallocCreate,
  pymallocRawAllocatedBlocks,
  pymallocStats,
  pyMemCalloc,
  pyMemFree,
  pyMemMalloc,
  pyMemRawCalloc,
  pyMemRawFree,
  pyMemRawMalloc,
  pyMemRawRealloc,
  pyMemRealloc,
  pyObjectCalloc,
  pyObjectFree,
  pyObjectMalloc,
  pyObjectRealloc,
  setAllocator,
  type AllocatorDomain,
  type MemAllocator,
} from '../src/index.js';

let heap: SharedHeap;
let t: MiThread;

beforeEach(() => {
  heap = SharedHeap.create({ size: 64 << 20 });
  t = miThreadInit(heap, miCreate(heap, { checked: true }), null);
});

afterEach(() => {
  miThreadExit(t);
  heap.close();
});

type Api = {
  malloc: (d: AllocatorDomains, n: number) => number;
  calloc: (d: AllocatorDomains, nelem: number, elsize: number) => number;
  realloc: (d: AllocatorDomains, p: number, n: number) => number;
  free: (d: AllocatorDomains, p: number) => void;
};
const APIS: Record<AllocatorDomain, Api> = {
  raw: { malloc: pyMemRawMalloc, calloc: pyMemRawCalloc, realloc: pyMemRawRealloc, free: pyMemRawFree },
  mem: { malloc: pyMemMalloc, calloc: pyMemCalloc, realloc: pyMemRealloc, free: pyMemFree },
  object: { malloc: pyObjectMalloc, calloc: pyObjectCalloc, realloc: pyObjectRealloc, free: pyObjectFree },
};

/** The presets: free-threaded (mimalloc heaps) and GIL mode (pymalloc for mem and object). */
const PRESETS: Record<string, () => AllocatorDomains> = {
  'free-threaded (mimalloc)': () => {
    const a = freeThreadedAllocators(t);
    return new AllocatorDomains(heap, a.raw, a.mem, a.object);
  },
  'GIL mode (pymalloc)': () => {
    const a = freeThreadedAllocators(t);
    const pm = pymallocCreate(heap);
    return new AllocatorDomains(heap, a.raw, pymallocAllocator(pm, a.raw), pymallocAllocator(pm, a.raw));
  },
};

describe.each(Object.entries(PRESETS))('%s', (_preset, make) => {
  describe.each(['raw', 'mem', 'object'] as const)('the %s domain', (domain) => {
    const api = APIS[domain];

    it('malloc(0) returns distinct non-NULL blocks', () => {
      const d = make();
      const blocks = [api.malloc(d, 0), api.malloc(d, 0), api.malloc(d, 0)];
      expect(blocks.every((b) => b !== 0)).toBe(true);
      expect(new Set(blocks).size).toBe(3);
      for (const b of blocks) api.free(d, b);
    });

    it('calloc zeroes, also reused memory, and returns non-NULL for zero arguments', () => {
      const d = make();
      for (const n of [1, 16, 100, 512, 513, 5000]) {
        const dirty = api.malloc(d, n);
        heap.u8.fill(0xab, dirty, dirty + n);
        api.free(d, dirty);
        const p = api.calloc(d, n, 1);
        expect(p).not.toBe(0);
        expect(heap.u8.subarray(p, p + n).every((b) => b === 0)).toBe(true);
        api.free(d, p);
      }
      for (const [a, b] of [[0, 8], [8, 0], [0, 0]]) {
        const p = api.calloc(d, a, b);
        expect(p).not.toBe(0);
        api.free(d, p);
      }
    });

    it('calloc fails cleanly when nelem * elsize overflows', () => {
      const d = make();
      expect(api.calloc(d, 0x10000, 0x10000)).toBe(0);
      expect(api.calloc(d, MAX_REQUEST_SIZE, 2)).toBe(0);
      // A negative count is not a size: a RangeError (test/bad-values.test.ts has the whole table).
      expect(() => api.calloc(d, -1, 8)).toThrow(RangeError);
    });

    it('requests above the largest size fail with NULL', () => {
      const d = make();
      expect(api.malloc(d, MAX_REQUEST_SIZE + 1)).toBe(0);
      expect(api.malloc(d, 2 ** 40)).toBe(0);
      // Values that are not sizes throw instead (test/bad-values.test.ts).
      expect(() => api.malloc(d, -1)).toThrow(RangeError);
      expect(() => api.malloc(d, Number.NaN)).toThrow(RangeError);
    });

    it('realloc(NULL, n) allocates; realloc keeps contents; realloc(p, 0) returns non-NULL', () => {
      const d = make();
      const p = api.realloc(d, 0, 40);
      expect(p).not.toBe(0);
      for (let i = 0; i < 40; i++) heap.u8[p + i] = i + 1;
      const q = api.realloc(d, p, 3000);
      expect(q).not.toBe(0);
      for (let i = 0; i < 40; i++) expect(heap.u8[q + i]).toBe(i + 1);
      const r = api.realloc(d, q, 10);
      for (let i = 0; i < 10; i++) expect(heap.u8[r + i]).toBe(i + 1);
      const z = api.realloc(d, r, 0);
      expect(z).not.toBe(0);
      api.free(d, z);
    });

    it('a failed realloc returns NULL and leaves the block valid', () => {
      const d = make();
      const p = api.malloc(d, 64);
      heap.u8.fill(0x5a, p, p + 64);
      expect(api.realloc(d, p, 1 << 30)).toBe(0); // more than the 64 MiB heap
      expect(heap.u8.subarray(p, p + 64).every((b) => b === 0x5a)).toBe(true);
      api.free(d, p); // still a valid block: checked mode would throw otherwise
    });

    it('freeing NULL does nothing', () => {
      const d = make();
      expect(() => api.free(d, 0)).not.toThrow();
    });
  });
});

describe('GIL mode routing', () => {
  it('pymalloc serves 1..512 bytes, raw serves 0 and larger requests, and raw blocks are counted', () => {
    const a = freeThreadedAllocators(t);
    const pm = pymallocCreate(heap);
    const object = pymallocAllocator(pm, a.raw);
    const small = object.malloc(512);
    const large = object.malloc(513);
    const empty = object.malloc(0);
    expect(pymallocBlockSize(pm, small)).toBe(512);
    expect(pymallocBlockSize(pm, large)).toBe(0);
    expect(pymallocBlockSize(pm, empty)).toBe(0);
    expect(miUsableSize(t, large)).toBeGreaterThanOrEqual(513);
    expect(pymallocRawAllocatedBlocks(pm)).toBe(2);
    // A pymalloc block that grows past 512 bytes moves to raw; a raw block stays raw.
    const moved = object.realloc(small, 600);
    expect(pymallocBlockSize(pm, moved)).toBe(0);
    expect(pymallocRawAllocatedBlocks(pm)).toBe(3);
    const stillRaw = object.realloc(large, 100);
    expect(stillRaw).not.toBe(0);
    expect(pymallocRawAllocatedBlocks(pm)).toBe(3);
    // The count lives in the state: another thread's allocator on the same
    // state (under the interpreter's lock) sees and updates the same number.
    const view = SharedHeap.attach(heap.handle());
    const otherMi = miThreadInit(view, t.shared, null);
    const other = pymallocAllocator(pymallocAttach(view, pm.state), freeThreadedAllocators(otherMi).raw);
    other.free(moved);
    miThreadExit(otherMi);
    view.close();
    expect(pymallocRawAllocatedBlocks(pm)).toBe(2);
    for (const p of [stillRaw, empty]) object.free(p);
    expect(pymallocRawAllocatedBlocks(pm)).toBe(0);
    expect(pymallocStats(pm).blocksInUse).toBe(0);
  });

  it('shrinking by less than a quarter keeps the pymalloc block in place', () => {
    const a = freeThreadedAllocators(t);
    const object = pymallocAllocator(pymallocCreate(heap), a.raw);
    const p = object.malloc(128);
    expect(object.realloc(p, 100)).toBe(p);
    expect(object.realloc(p, 128)).toBe(p);
    expect(object.realloc(p, 64)).not.toBe(p);
  });
});

describe('get/set allocator', () => {
  it('a hook that wraps the previous allocator sees every call of its domain only', () => {
    const a = freeThreadedAllocators(t);
    const d = new AllocatorDomains(heap, a.raw, a.mem, a.object);
    const previous = getAllocator(d, 'mem');
    const seen: string[] = [];
    const hook: MemAllocator = {
      malloc: (n) => (seen.push(`malloc ${n}`), previous.malloc(n)),
      calloc: (x, y) => (seen.push(`calloc ${x}x${y}`), previous.calloc(x, y)),
      realloc: (p, n) => (seen.push(`realloc ${n}`), previous.realloc(p, n)),
      free: (p) => (seen.push('free'), previous.free(p)),
    };
    setAllocator(d, 'mem', hook);
    expect(getAllocator(d, 'mem')).toBe(hook);
    const p = pyMemMalloc(d, 10);
    const q = pyMemRealloc(d, p, 20);
    pyMemFree(d, q);
    pyMemFree(d, pyMemCalloc(d, 2, 3));
    pyObjectFree(d, pyObjectMalloc(d, 5));
    pyMemRawFree(d, pyMemRawMalloc(d, 5));
    pyMemFree(d, 0);
    expect(seen).toEqual(['malloc 10', 'realloc 20', 'free', 'calloc 2x3', 'free']);
  });

  it('realloc(NULL) reaches the allocator as malloc', () => {
    const a = freeThreadedAllocators(t);
    const d = new AllocatorDomains(heap, a.raw, a.mem, a.object);
    const calls: string[] = [];
    setAllocator(d, 'raw', { ...a.raw, malloc: (n) => (calls.push('malloc'), a.raw.malloc(n)), realloc: (p, n) => (calls.push('realloc'), a.raw.realloc(p, n)) });
    pyMemRawFree(d, pyMemRawRealloc(d, 0, 8));
    expect(calls).toEqual(['malloc']);
  });
});
