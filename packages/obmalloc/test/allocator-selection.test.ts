import { SharedHeap } from '@ft/atomics';
import { MI_SEGMENT_SIZE, miCreate, miThreadExit, miThreadInit, miUsableSize, type MiThread } from '@ft/mimalloc';

// mimalloc's page-record layout, to tell which heap (tag) a block came from.
const SEGMENT_SLICES_OFFSET = 64;
const PAGE_RECORD_SIZE = 64;
const PAGE_SLICE_OFFSET_OFFSET = 4;
const PAGE_TAG_OFFSET = 61;
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ALLOCATOR_NAMES,
  allocatorNameFromEnv,
  createAllocatorDomains,
  parseAllocatorName,
  pymallocBlockSize,
  pymallocCreate,
  pyMemFree,
  pyMemMalloc,
  pyObjectFree,
  pyObjectMalloc,
  type Pymalloc,
} from '../src/index.js';

let heap: SharedHeap;
let t: MiThread;
let pm: Pymalloc;

beforeEach(() => {
  heap = SharedHeap.create({ size: 32 << 20 });
  t = miThreadInit(heap, miCreate(heap), null);
  pm = pymallocCreate(heap);
});

afterEach(() => {
  miThreadExit(t);
  heap.close();
});

/** Which mimalloc heap tag a block came from, or -1 when it is pymalloc's. */
function tagOf(p: number): number {
  if (pymallocBlockSize(pm, p) !== 0) return -1;
  return heap.u8[pageRecordOf(p) + PAGE_TAG_OFFSET];
}

/** The mimalloc page record of a block (as mimalloc's pageOf computes it). */
function pageRecordOf(p: number): number {
  const segment = ((p - 1) & ~(MI_SEGMENT_SIZE - 1)) >>> 0;
  const record = segment + SEGMENT_SLICES_OFFSET + ((p - segment) >>> 16) * PAGE_RECORD_SIZE;
  return record - heap.u32[(record + PAGE_SLICE_OFFSET_OFFSET) >>> 2];
}

describe('allocator names', () => {
  it('accepts the PYTHONMALLOC names and lists them for an unknown one', () => {
    for (const name of ALLOCATOR_NAMES) expect(parseAllocatorName(name)).toBe(name);
    expect(() => parseAllocatorName('jemalloc')).toThrow(/unknown memory allocator 'jemalloc'; valid names: default, debug, pymalloc, pymalloc_debug, mimalloc, mimalloc_debug, malloc, malloc_debug/);
    expect(() => parseAllocatorName('jemalloc')).toThrow(RangeError);
  });

  it('reads FT_MALLOC, defaulting to default', () => {
    expect(allocatorNameFromEnv({})).toBe('default');
    expect(allocatorNameFromEnv({ FT_MALLOC: '' })).toBe('default');
    expect(allocatorNameFromEnv({ FT_MALLOC: 'mimalloc_debug' })).toBe('mimalloc_debug');
    expect(() => allocatorNameFromEnv({ FT_MALLOC: 'nope' })).toThrow(/valid names/);
  });
});

describe('what each name installs', () => {
  it('default in free-threaded mode: mimalloc mem (tag 0) and object (tag 1) heaps, raw heap tag 4', () => {
    const d = createAllocatorDomains(heap, 'default', { mi: t });
    const m = pyMemMalloc(d, 40);
    const o = pyObjectMalloc(d, 40);
    const r = d.raw.malloc(40);
    expect([tagOf(m), tagOf(o), tagOf(r)]).toEqual([0, 1, 4]);
    for (const [f, p] of [[pyMemFree, m], [pyObjectFree, o]] as const) f(d, p);
    d.raw.free(r);
  });

  it('default in GIL mode is pymalloc for mem and object', () => {
    const d = createAllocatorDomains(heap, 'default', { mi: t, mode: 'gil', pymalloc: pm });
    const m = pyMemMalloc(d, 40);
    expect(tagOf(m)).toBe(-1);
    expect(tagOf(pyObjectMalloc(d, 600))).toBe(4); // above 512 bytes: raw
    pyMemFree(d, m);
  });

  it('pymalloc is refused in free-threaded mode with a clear message', () => {
    expect(() => createAllocatorDomains(heap, 'pymalloc', { mi: t })).toThrow(/not available in free-threaded mode/);
    expect(() => createAllocatorDomains(heap, 'pymalloc_debug', { mi: t })).toThrow(/not available in free-threaded mode/);
    expect(() => createAllocatorDomains(heap, 'pymalloc', { mi: t, mode: 'gil' })).toThrow(/needs the interpreter's pymalloc state/);
  });

  it('malloc sends every domain to the raw heap', () => {
    const d = createAllocatorDomains(heap, 'malloc', { mi: t });
    expect([tagOf(pyMemMalloc(d, 16)), tagOf(pyObjectMalloc(d, 16))]).toEqual([4, 4]);
  });

  it('debug names wrap the same allocators in the debug hooks', () => {
    for (const name of ['debug', 'mimalloc_debug', 'malloc_debug'] as const) {
      const d = createAllocatorDomains(heap, name, { mi: t });
      const p = pyMemMalloc(d, 24);
      expect(String.fromCharCode(heap.u8[p - 8])).toBe('m');
      expect(miUsableSize(t, p - 16)).toBeGreaterThanOrEqual(24 + 24);
      pyMemFree(d, p);
    }
    const gil = createAllocatorDomains(heap, 'pymalloc_debug', { mi: t, mode: 'gil', pymalloc: pm });
    const p = pyObjectMalloc(gil, 24);
    expect(pymallocBlockSize(pm, p - 16)).toBe(48); // 24 + 24 bytes of hooks
    pyObjectFree(gil, p);
  });
});
