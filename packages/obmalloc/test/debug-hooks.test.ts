import { FatalError, SharedHeap } from '@ft/atomics';
import { miCreate, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AllocatorDomains,
  CLEAN_BYTE,
  createAllocatorDomains,
  DEAD_BYTE,
  debugAllocator,
  FORBIDDEN_BYTE,
  freeThreadedAllocators,
  getAllocator,
  pyMemFree,
  pyMemMalloc,
  pyObjectFree,
  pyObjectMalloc,
  setupDebugHooks,
  type MemAllocator,
} from '../src/index.js';

let heap: SharedHeap;
let t: MiThread;
let domains: AllocatorDomains;

beforeEach(() => {
  heap = SharedHeap.create({ size: 32 << 20 });
  t = miThreadInit(heap, miCreate(heap), null);
  const a = freeThreadedAllocators(t);
  domains = new AllocatorDomains(heap, a.raw, a.mem, a.object);
});

afterEach(() => {
  miThreadExit(t);
  heap.close();
});

const bytes = (from: number, to: number): number[] => Array.from(heap.u8.subarray(from, to));

/** Runs `fn`, expects a FatalError, returns its message. */
function fatal(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FatalError);
    return (e as Error).message;
  }
  throw new Error('expected a fatal error');
}

describe('debug hooks: block layout, byte for byte', () => {
  it('size big-endian, API id, 7 forbidden bytes, data 0xCD, 8 forbidden bytes', () => {
    setupDebugHooks(heap, domains);
    const p = pyMemMalloc(domains, 300);
    expect(bytes(p - 16, p - 8)).toEqual([0, 0, 0, 0, 0, 0, 1, 44]); // 300 = 0x012c
    expect(heap.u8[p - 8]).toBe('m'.charCodeAt(0));
    expect(bytes(p - 7, p)).toEqual(new Array(7).fill(FORBIDDEN_BYTE));
    expect(bytes(p, p + 300).every((b) => b === CLEAN_BYTE)).toBe(true);
    expect(bytes(p + 300, p + 308)).toEqual(new Array(8).fill(FORBIDDEN_BYTE));
    pyMemFree(domains, p);
  });

  it('each domain writes its own id; calloc data is zero, not 0xCD', () => {
    setupDebugHooks(heap, domains);
    for (const [domain, id] of [['raw', 'r'], ['mem', 'm'], ['object', 'o']] as const) {
      const a = getAllocator(domains, domain);
      const p = a.calloc(4, 8);
      expect(String.fromCharCode(heap.u8[p - 8])).toBe(id);
      expect(bytes(p, p + 32).every((b) => b === 0)).toBe(true);
      a.free(p);
    }
  });

  it('freed memory is 0xDD, header included', () => {
    setupDebugHooks(heap, domains);
    const p = pyMemMalloc(domains, 64);
    pyMemFree(domains, p);
    // mimalloc reuses the first word of the freed block for its free list.
    expect(bytes(p - 16 + 4, p + 64).every((b) => b === DEAD_BYTE)).toBe(true);
  });

  it('the object domain never fills the first 16 data bytes (ob_tid … ob_ref_shared)', () => {
    setupDebugHooks(heap, domains);
    const p = pyObjectMalloc(domains, 64);
    expect(bytes(p, p + 16).every((b) => b !== CLEAN_BYTE)).toBe(true);
    expect(bytes(p + 16, p + 64).every((b) => b === CLEAN_BYTE)).toBe(true);
    heap.u8.fill(0x11, p, p + 16); // refcount words a lock-free reader may still read
    pyObjectFree(domains, p);
    expect(bytes(p, p + 16).every((b) => b === 0x11)).toBe(true);
    expect(bytes(p + 16, p + 64).every((b) => b === DEAD_BYTE)).toBe(true);
  });

  it('checked mimalloc under the hooks keeps the shifted object header of a freed block (debug offset widened by 16)', () => {
    // The header sits 16 bytes into the mimalloc block, behind the hooks' own
    // header; mimalloc's 0xDD fill must skip it as the hooks' fill does.
    for (const how of ['createAllocatorDomains', 'setupDebugHooks'] as const) {
      const h = SharedHeap.create({ size: 32 << 20 });
      const mt = miThreadInit(h, miCreate(h, { checked: true }), null);
      let d: AllocatorDomains;
      if (how === 'createAllocatorDomains') d = createAllocatorDomains(h, 'mimalloc_debug', { mi: mt });
      else {
        const a = freeThreadedAllocators(mt);
        d = new AllocatorDomains(h, a.raw, a.mem, a.object);
        setupDebugHooks(h, d, { mi: mt });
      }
      for (const size of [16, 48, 200, 3000]) {
        const keep = pyObjectMalloc(d, size); // keeps the page in use
        const p = pyObjectMalloc(d, size);
        h.u8.fill(0x11, p, p + 16); // ob_tid, flags, ob_ref_local, ob_ref_shared
        pyObjectFree(d, p);
        const header = Array.from(h.u8.subarray(p, p + 16));
        expect(header, `${how}, ${size} bytes: the freed object's header`).toEqual(new Array(16).fill(0x11));
        expect(Array.from(h.u8.subarray(p + 16, p + size)).every((b) => b === DEAD_BYTE), `${how}, ${size} bytes: the rest is dead`).toBe(true);
        pyObjectFree(d, keep);
      }
      miThreadExit(mt);
      h.close();
    }
  });

  it('realloc fills growth with 0xCD and keeps the data', () => {
    setupDebugHooks(heap, domains);
    const mem = getAllocator(domains, 'mem');
    const p = mem.malloc(10);
    heap.u8.fill(7, p, p + 10);
    const q = mem.realloc(p, 100);
    expect(bytes(q, q + 10)).toEqual(new Array(10).fill(7));
    expect(bytes(q + 10, q + 100).every((b) => b === CLEAN_BYTE)).toBe(true);
    expect(bytes(q + 100, q + 108)).toEqual(new Array(8).fill(FORBIDDEN_BYTE));
    const r = mem.realloc(q, 20);
    expect(bytes(r, r + 10)).toEqual(new Array(10).fill(7));
    expect(bytes(r + 20, r + 28)).toEqual(new Array(8).fill(FORBIDDEN_BYTE));
    mem.free(r);
  });

  it('serial numbers follow the trailer and count calls', () => {
    const raw = debugAllocator(heap, getAllocator(domains, 'raw'), 'raw', { serialNumbers: true });
    const a = raw.malloc(8);
    const b = raw.malloc(8);
    // n = 8: trailer at p+8..p+16, serial (big-endian, low word last) at p+16..p+24.
    const serial = (p: number): number => ((heap.u8[p + 20] << 24) | (heap.u8[p + 21] << 16) | (heap.u8[p + 22] << 8) | heap.u8[p + 23]) >>> 0;
    expect(bytes(a + 8, a + 16)).toEqual(new Array(8).fill(FORBIDDEN_BYTE));
    expect(serial(b)).toBe(serial(a) + 1);
    raw.free(a);
    raw.free(b);
  });

  it('setupDebugHooks wraps once', () => {
    setupDebugHooks(heap, domains);
    const mem = getAllocator(domains, 'mem');
    setupDebugHooks(heap, domains);
    expect(getAllocator(domains, 'mem')).toBe(mem);
  });
});

describe('debug hooks: misuse is a fatal error with a dump', () => {
  it('buffer underflow', () => {
    setupDebugHooks(heap, domains);
    const p = pyMemMalloc(domains, 32);
    heap.u8[p - 1] = 0x41;
    const message = fatal(() => pyMemFree(domains, p));
    expect(message).toMatch(/bad leading pad byte/);
    expect(message).toMatch(new RegExp(`p=0x${p.toString(16).padStart(8, '0')}: API 'm'`));
    expect(message).toMatch(/32 bytes originally requested/);
    expect(message).toMatch(/at p-1: 0x41 \*\*\* OUCH/);
  });

  it('buffer overflow', () => {
    setupDebugHooks(heap, domains);
    const p = pyMemMalloc(domains, 32);
    heap.u8[p + 32] = 0x78;
    const message = fatal(() => pyMemFree(domains, p));
    expect(message).toMatch(/bad trailing pad byte/);
    expect(message).toMatch(/at tail\+0: 0x78 \*\*\* OUCH/);
    expect(message).toMatch(/Data at p: cd cd/);
  });

  it('freeing with the wrong domain', () => {
    setupDebugHooks(heap, domains);
    const p = pyMemMalloc(domains, 32);
    const message = fatal(() => pyObjectFree(domains, p));
    expect(message).toMatch(/bad ID: Allocated using API 'm', verified using API 'o'/);
  });

  it('double free', () => {
    setupDebugHooks(heap, domains);
    const p = pyMemMalloc(domains, 32);
    pyMemFree(domains, p);
    expect(fatal(() => pyMemFree(domains, p))).toMatch(/bad ID: Allocated using API '\\xdd'/);
  });

  it('mem and object calls without an attached thread state; raw is allowed', () => {
    let attached = true;
    setupDebugHooks(heap, domains, { isAttached: () => attached });
    attached = false;
    expect(fatal(() => pyMemMalloc(domains, 8))).toMatch(/without an attached thread state \(API 'm'\)/);
    expect(fatal(() => pyObjectMalloc(domains, 8))).toMatch(/API 'o'/);
    const raw = getAllocator(domains, 'raw');
    raw.free(raw.malloc(8));
  });

  it('the report includes the allocation traceback when one is known', () => {
    setupDebugHooks(heap, domains, { allocationTraceback: () => '  File "x.py", line 3' });
    const p = pyMemMalloc(domains, 8);
    heap.u8[p + 8] = 0;
    expect(fatal(() => pyMemFree(domains, p))).toMatch(/Memory block allocated at[\s\S]*x\.py", line 3/);
  });

  it('the hooks add 24 bytes and fail cleanly when that would overflow', () => {
    const seen: number[] = [];
    const base = getAllocator(domains, 'raw');
    const counting: MemAllocator = { ...base, malloc: (n) => (seen.push(n), base.malloc(n)) };
    const raw = debugAllocator(heap, counting, 'raw');
    raw.free(raw.malloc(100));
    expect(seen).toEqual([124]);
    expect(raw.malloc(0x7fffffff - 10)).toBe(0);
  });
});
