/**
 * The debug hooks write whole words (8-byte stores, DataView stores at any
 * alignment) and check guards with 8-byte compares; these tests pin every
 * byte they touch — and every byte they must not touch — against a
 * byte-by-byte model of the documented layout, for block addresses of every
 * alignment, sizes 0..40 and around word and line boundaries, each domain,
 * with and without serial numbers and object-header protection.
 *
 * The base allocator under test hands out blocks inside regions pre-filled
 * with a marker byte, so the expected content of the whole region is known
 * exactly: frame, fill, untouched object header, and untouched slack on both
 * sides.
 */

import { FatalError, SharedHeap } from '@ft/atomics';
import { miCreate, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  API_ID,
  CLEAN_BYTE,
  DEAD_BYTE,
  debugAllocator,
  DEBUG_S,
  FORBIDDEN_BYTE,
  freeThreadedAllocators,
  OBJECT_PROTECTED_BYTES,
  type AllocatorDomain,
  type MemAllocator,
} from '../src/index.js';

const MARK = 0x11;
/** Bytes of slack before and after each block inside its region. */
const SLACK = 32;
const REGION = 4096;

let heap: SharedHeap;
let t: MiThread;
let raw: MemAllocator;

beforeEach(() => {
  heap = SharedHeap.create({ size: 32 << 20 });
  t = miThreadInit(heap, miCreate(heap), null);
  raw = freeThreadedAllocators(t).raw;
});

afterEach(() => {
  miThreadExit(t);
  heap.close();
});

/**
 * A base allocator that puts each block at `region + SLACK + misalign` in a
 * fresh region filled with MARK; free does nothing (so the freed bytes can
 * be read), realloc stays in place when `inPlace` (else moves to a fresh
 * region, copying as a real realloc does).
 */
class MarkedBase implements MemAllocator {
  readonly regions: number[] = [];
  lastBlock = 0;
  constructor(
    private readonly misalign: number,
    private readonly inPlace = true,
  ) {}
  private fresh(): number {
    const region = raw.malloc(REGION);
    if (region === 0 || region % 16 !== 0) throw new Error('test region');
    heap.u8.fill(MARK, region, region + REGION);
    this.regions.push(region);
    return region;
  }
  malloc = (n: number): number => {
    if (n + 2 * SLACK + 8 > REGION) throw new Error('test block too large');
    this.lastBlock = this.fresh() + SLACK + this.misalign;
    return this.lastBlock;
  };
  calloc = (nelem: number, elsize: number): number => {
    const b = this.malloc(nelem * elsize);
    heap.u8.fill(0, b, b + nelem * elsize);
    return b;
  };
  realloc = (b: number, n: number): number => {
    if (this.inPlace) return b;
    const q = this.malloc(n);
    heap.u8.copyWithin(q, b, b + Math.min(n, REGION - 2 * SLACK - 8));
    return q;
  };
  free = (): void => {};
  release(): void {
    for (const r of this.regions) raw.free(r);
  }
}

/** The model: what a region holding block `b` of n bytes must contain. */
function expectedLive(b: number, n: number, apiId: string, serial: number | null, fill: (i: number) => number): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < 4; i++) m.set(b + i, 0);
  for (let i = 0; i < 4; i++) m.set(b + 4 + i, (n >>> (24 - 8 * i)) & 0xff);
  m.set(b + DEBUG_S, apiId.charCodeAt(0));
  for (let i = 1; i < DEBUG_S; i++) m.set(b + DEBUG_S + i, FORBIDDEN_BYTE);
  const p = b + 2 * DEBUG_S;
  for (let i = 0; i < n; i++) m.set(p + i, fill(i));
  for (let i = 0; i < DEBUG_S; i++) m.set(p + n + i, FORBIDDEN_BYTE);
  if (serial !== null) {
    for (let i = 0; i < 4; i++) m.set(p + n + DEBUG_S + i, 0);
    for (let i = 0; i < 4; i++) m.set(p + n + DEBUG_S + 4 + i, (serial >>> (24 - 8 * i)) & 0xff);
  }
  return m;
}

/** Compares a whole region with the model; bytes the model leaves out must still be MARK. */
function expectRegion(region: number, model: Map<number, number>, what: string): void {
  const u8 = heap.u8;
  const wrong: string[] = [];
  for (let a = region; a < region + REGION; a++) {
    const want = model.get(a) ?? MARK;
    if (u8[a] !== want) wrong.push(`+${a - region}: 0x${u8[a].toString(16)} want 0x${want.toString(16)}`);
  }
  expect(wrong.slice(0, 8), `${what}: ${wrong.length} wrong bytes`).toEqual([]);
}

function readSerial(p: number, n: number): number {
  const s = p + n + DEBUG_S;
  const u8 = heap.u8;
  return ((u8[s + 4] << 24) | (u8[s + 5] << 16) | (u8[s + 6] << 8) | u8[s + 7]) >>> 0;
}

const SIZES = [...Array.from({ length: 41 }, (_, i) => i), 47, 48, 49, 55, 56, 57, 63, 64, 65, 100, 255, 256, 257, 511, 512, 513, 1000, 2047];

const CONFIGS: { domain: AllocatorDomain; freeThreaded: boolean; serial: boolean }[] = [
  { domain: 'raw', freeThreaded: true, serial: false },
  { domain: 'mem', freeThreaded: true, serial: false },
  { domain: 'object', freeThreaded: true, serial: false },
  { domain: 'object', freeThreaded: false, serial: false },
  { domain: 'mem', freeThreaded: true, serial: true },
  { domain: 'object', freeThreaded: true, serial: true },
];

describe('debug hooks: every byte, every alignment (word stores against a byte model)', () => {
  for (const { domain, freeThreaded, serial } of CONFIGS) {
    const label = `${domain}${freeThreaded ? '' : ' (GIL mode)'}${serial ? ' + serial numbers' : ''}`;
    const protect = domain === 'object' && freeThreaded ? OBJECT_PROTECTED_BYTES : 0;

    it(`${label}: malloc, calloc and free`, () => {
      for (const misalign of [0, 1, 2, 3, 4, 5, 6, 7, 8]) {
        const base = new MarkedBase(misalign);
        const a = debugAllocator(heap, base, domain, { freeThreaded, serialNumbers: serial });
        for (const n of SIZES) {
          const what = `${label}, block at +${misalign}, n = ${n}`;
          const p = a.malloc(n);
          const b = base.lastBlock;
          expect(p).toBe(b + 2 * DEBUG_S);
          const region = base.regions[base.regions.length - 1];
          const s = serial ? readSerial(p, n) : null;
          expectRegion(region, expectedLive(b, n, API_ID[domain], s, (i) => (i < protect ? MARK : CLEAN_BYTE)), `${what}, after malloc`);

          a.free(p);
          // Freed, as CPython's debug free: header, data, trailing guard and
          // serial number all dead, except the object header's bytes (the
          // first `protect` bytes at p keep whatever they held, guard bytes too).
          const dead = expectedLive(b, n, API_ID[domain], s, (i) => (i < protect ? MARK : DEAD_BYTE));
          for (let i = 0; i < 2 * DEBUG_S; i++) dead.set(b + i, DEAD_BYTE);
          for (let i = protect; i < n + (serial ? 2 : 1) * DEBUG_S; i++) dead.set(p + i, DEAD_BYTE);
          expectRegion(region, dead, `${what}, after free`);

          const c = a.calloc(1, n);
          const cregion = base.regions[base.regions.length - 1];
          const cs = serial ? readSerial(c, n) : null;
          expectRegion(cregion, expectedLive(base.lastBlock, n, API_ID[domain], cs, () => 0), `${what}, after calloc`);
          a.free(c);
        }
        base.release();
      }
    });

    it(`${label}: realloc in place, growth 0xCD and shrink 0xDD`, () => {
      const pairs: [number, number][] = [];
      for (const from of [0, 1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 40, 63, 100]) {
        for (const to of [0, 1, 2, 5, 8, 12, 15, 16, 17, 23, 33, 64, 65, 120]) if (to !== from) pairs.push([from, to]);
      }
      for (const misalign of [0, 3, 4, 8]) {
        const base = new MarkedBase(misalign, true);
        const a = debugAllocator(heap, base, domain, { freeThreaded, serialNumbers: serial });
        for (const [from, to] of pairs) {
          const what = `${label}, block at +${misalign}, realloc ${from} → ${to}`;
          const p = a.malloc(from);
          const b = base.lastBlock;
          const region = base.regions[base.regions.length - 1];
          // Data the caller wrote (the object header included): realloc keeps it.
          for (let i = 0; i < from; i++) heap.u8[p + i] = 0x40 + (i & 0x3f);
          const before = heap.u8.slice(p, p + Math.max(from, to) + 2 * DEBUG_S);
          const q = a.realloc(p, to);
          expect(q).toBe(p);
          const s = serial ? readSerial(q, to) : null;
          // Growth is clean except inside the object header, which keeps
          // whatever it held (there, the old trailer's bytes).
          const model = expectedLive(b, to, API_ID[domain], s, (i) => (i < from ? 0x40 + (i & 0x3f) : i < protect ? before[i] : CLEAN_BYTE));
          if (to < from) {
            // The cut-off bytes up to the old trailer's end (old trailer and serial included) are dead, the header excepted.
            const tail = (serial ? 2 : 1) * DEBUG_S;
            for (let i = to + tail; i < from + tail; i++) model.set(p + i, i < protect ? before[i] : DEAD_BYTE);
          }
          expectRegion(region, model, what);
          a.free(q);
        }
        base.release();
      }
    });

    it(`${label}: realloc that moves the block`, () => {
      const base = new MarkedBase(0, false);
      const a = debugAllocator(heap, base, domain, { freeThreaded, serialNumbers: serial });
      for (const [from, to] of [[10, 100], [100, 10], [33, 34], [5, 0]] as const) {
        const p = a.malloc(from);
        for (let i = 0; i < from; i++) heap.u8[p + i] = 0x40 + (i & 0x3f);
        const extra = (serial ? 4 : 3) * DEBUG_S;
        const old = heap.u8.slice(p - 2 * DEBUG_S, p + from - 2 * DEBUG_S + extra);
        const q = a.realloc(p, to);
        expect(q).not.toBe(p);
        const s = serial ? readSerial(q, to) : null;
        const region = base.regions[base.regions.length - 1];
        // The base realloc copied the old block (frame included); the hooks
        // rewrote the frame and filled the growth, the object header excepted.
        const copied = (i: number): number => (i + 2 * DEBUG_S < old.length ? old[i + 2 * DEBUG_S] : MARK);
        const model = expectedLive(base.lastBlock, to, API_ID[domain], s, (i) => (i < from ? 0x40 + (i & 0x3f) : i < protect ? copied(i) : CLEAN_BYTE));
        for (let i = 0; i < Math.min(old.length, to + extra); i++) {
          const addr = base.lastBlock + i;
          if (!model.has(addr)) model.set(addr, old[i]);
        }
        expectRegion(region, model, `${label}, realloc ${from} → ${to} (moved)`);
        a.free(q);
      }
      base.release();
    });
  }
});

describe('debug hooks: the word-wise guard check finds every damaged byte', () => {
  function fatalMessage(fn: () => void): string {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(FatalError);
      return (e as Error).message;
    }
    throw new Error('expected a fatal error');
  }

  for (const op of ['free', 'realloc'] as const) {
    it(`${op}: each leading and trailing pad byte, each alignment of the tail`, () => {
      for (const misalign of [0, 8, 3]) {
        const base = new MarkedBase(misalign);
        const a = debugAllocator(heap, base, 'mem');
        const call = op === 'free' ? (p: number) => a.free(p) : (p: number) => void a.realloc(p, 5);
        const name = op === 'free' ? '_PyMem_DebugFree' : '_PyMem_DebugRealloc';
        for (const n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 100]) {
          for (let k = 1; k < DEBUG_S; k++) {
            const p = a.malloc(n);
            heap.u8[p - k] = 0x41;
            const message = fatalMessage(() => call(p));
            expect(message).toMatch(new RegExp(`${name}: bad leading pad byte`));
            expect(message).toMatch(new RegExp(`at p-${k}: 0x41 \\*\\*\\* OUCH`));
          }
          for (let k = 0; k < DEBUG_S; k++) {
            for (const bad of [0x00, 0xfc, 0xff]) {
              const p = a.malloc(n);
              heap.u8[p + n + k] = bad;
              const message = fatalMessage(() => call(p));
              expect(message, `n = ${n}, tail+${k} = 0x${bad.toString(16)}`).toMatch(new RegExp(`${name}: bad trailing pad byte`));
              expect(message).toMatch(new RegExp(`at tail\\+${k}: 0x${bad.toString(16).padStart(2, '0')} \\*\\*\\* OUCH`));
              expect(message).toMatch(new RegExp(`${n} bytes originally requested`));
            }
          }
          // A bad API id is reported before the pads.
          const p = a.malloc(n);
          heap.u8[p - DEBUG_S] = 'o'.charCodeAt(0);
          heap.u8[p + n] = 0;
          expect(fatalMessage(() => call(p))).toMatch(new RegExp(`${name}: bad ID: Allocated using API 'o', verified using API 'm'`));
        }
        base.release();
      }
    });
  }

  it('the size field: its low half decides where the tail is; its high half is not read (as before)', () => {
    const base = new MarkedBase(0);
    const a = debugAllocator(heap, base, 'raw');
    const p = a.malloc(20);
    heap.u8[p - 2 * DEBUG_S] = 0x7f; // high half of the size
    a.free(p);
    const q = a.malloc(20);
    heap.u8[q - DEBUG_S - 1] = 24; // low byte of the size: 20 → 24, the tail moves onto guard bytes and past them
    expect(fatalMessage(() => a.free(q))).toMatch(/bad trailing pad byte/);
    base.release();
  });

  it('a pointer that is not a block (misaligned, near 0) takes the byte-wise path', () => {
    const base = new MarkedBase(0);
    const a = debugAllocator(heap, base, 'mem');
    const p = a.malloc(32);
    expect(fatalMessage(() => a.free(p + 1))).toMatch(/bad ID/);
    // Too low for a header (p - 16 < 0): reported as a bad address, without reading below 0.
    expect(fatalMessage(() => a.free(8))).toMatch(/p=0x00000008: too close to the heap's start[^]*bad address: 0x00000008/);
    a.free(p);
    base.release();
  });
});
