// Named-order atomics over heap addresses: round trips, read-modify-writes
// returning the PREVIOUS value, compare-exchange returning the value found,
// wrap-around at each width, 64-bit values beyond 2^53, addresses above 2^31,
// and fences that leave every data word alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compareExchangeInt32,
  compareExchangeInt64,
  compareExchangeUint16,
  compareExchangeUint32,
  compareExchangeUint8,
  exchangeInt32,
  exchangeInt64,
  exchangeUint16,
  exchangeUint32,
  exchangeUint8,
  fenceAcquire,
  fenceRelease,
  fenceSeqCst,
  fetchAddInt32,
  fetchAddInt64,
  fetchAddUint16,
  fetchAddUint32,
  fetchAddUint8,
  fetchAndInt32,
  fetchAndInt64,
  fetchAndUint16,
  fetchAndUint32,
  fetchAndUint8,
  fetchOrInt32,
  fetchOrInt64,
  fetchOrUint16,
  fetchOrUint32,
  fetchOrUint8,
  loadInt32,
  loadInt32Acquire,
  loadInt32Relaxed,
  loadInt64,
  loadInt64Acquire,
  loadInt64Relaxed,
  loadUint16,
  loadUint16Acquire,
  loadUint16Relaxed,
  loadUint32,
  loadUint32Acquire,
  loadUint32Relaxed,
  loadUint8,
  loadUint8Acquire,
  loadUint8Relaxed,
  regionAlloc,
  SharedHeap,
  storeInt32,
  storeInt32Relaxed,
  storeInt32Release,
  storeInt64,
  storeInt64Relaxed,
  storeInt64Release,
  storeUint16,
  storeUint16Relaxed,
  storeUint16Release,
  storeUint32,
  storeUint32Relaxed,
  storeUint32Release,
  storeUint8,
  storeUint8Relaxed,
  storeUint8Release,
} from '../src/index.js';
// Offsets of package-internal layouts: tests of the owning package read them from layout.ts.
import {
  HEAP_FENCE_WORD_OFFSET,
} from '../src/layout.js';

type Load = (heap: SharedHeap, addr: number) => number;
type Store = (heap: SharedHeap, addr: number, value: number) => void;
type Rmw = (heap: SharedHeap, addr: number, value: number) => number;
type Cas = (heap: SharedHeap, addr: number, expected: number, desired: number) => number;

interface NumberWidth {
  name: string;
  bytes: number;
  loads: readonly [string, Load][];
  stores: readonly [string, Store][];
  exchange: Rmw;
  compareExchange: Cas;
  fetchAdd: Rmw;
  fetchAnd: Rmw;
  fetchOr: Rmw;
  /** Values that must round-trip unchanged. */
  samples: readonly number[];
  /** [start, addend, expected result] wrap-around cases of fetchAdd. */
  wraps: readonly [number, number, number][];
  /** Reads the field's bytes little-endian straight from the heap, independently of the ops under test. */
  raw: (heap: SharedHeap, addr: number) => number;
}

function rawLE(heap: SharedHeap, addr: number, bytes: number, signed: boolean): number {
  const dv = new DataView(heap.buffer, addr, bytes);
  switch (bytes) {
    case 1:
      return dv.getUint8(0);
    case 2:
      return dv.getUint16(0, true);
    default:
      return signed ? dv.getInt32(0, true) : dv.getUint32(0, true);
  }
}

const WIDTHS: readonly NumberWidth[] = [
  {
    name: 'Uint8',
    bytes: 1,
    loads: [
      ['loadUint8', loadUint8],
      ['loadUint8Relaxed', loadUint8Relaxed],
      ['loadUint8Acquire', loadUint8Acquire],
    ],
    stores: [
      ['storeUint8', storeUint8],
      ['storeUint8Relaxed', storeUint8Relaxed],
      ['storeUint8Release', storeUint8Release],
    ],
    exchange: exchangeUint8,
    compareExchange: compareExchangeUint8,
    fetchAdd: fetchAddUint8,
    fetchAnd: fetchAndUint8,
    fetchOr: fetchOrUint8,
    samples: [0, 1, 0x5a, 0x7f, 0x80, 0xfe, 0xff],
    wraps: [
      [255, 1, 0],
      [250, 10, 4],
      [0, -1, 255],
      [0x80, 0x80, 0],
    ],
    raw: (heap, addr) => rawLE(heap, addr, 1, false),
  },
  {
    name: 'Uint16',
    bytes: 2,
    loads: [
      ['loadUint16', loadUint16],
      ['loadUint16Relaxed', loadUint16Relaxed],
      ['loadUint16Acquire', loadUint16Acquire],
    ],
    stores: [
      ['storeUint16', storeUint16],
      ['storeUint16Relaxed', storeUint16Relaxed],
      ['storeUint16Release', storeUint16Release],
    ],
    exchange: exchangeUint16,
    compareExchange: compareExchangeUint16,
    fetchAdd: fetchAddUint16,
    fetchAnd: fetchAndUint16,
    fetchOr: fetchOrUint16,
    samples: [0, 1, 0xff, 0x100, 0x1234, 0x7fff, 0x8000, 0xbeef, 0xffff],
    wraps: [
      [0xffff, 1, 0],
      [0xfff0, 0x20, 0x10],
      [0, -1, 0xffff],
    ],
    raw: (heap, addr) => rawLE(heap, addr, 2, false),
  },
  {
    name: 'Int32',
    bytes: 4,
    loads: [
      ['loadInt32', loadInt32],
      ['loadInt32Relaxed', loadInt32Relaxed],
      ['loadInt32Acquire', loadInt32Acquire],
    ],
    stores: [
      ['storeInt32', storeInt32],
      ['storeInt32Relaxed', storeInt32Relaxed],
      ['storeInt32Release', storeInt32Release],
    ],
    exchange: exchangeInt32,
    compareExchange: compareExchangeInt32,
    fetchAdd: fetchAddInt32,
    fetchAnd: fetchAndInt32,
    fetchOr: fetchOrInt32,
    samples: [0, 1, -1, 123456789, -987654321, 0x7fffffff, -0x80000000],
    wraps: [
      [0x7fffffff, 1, -0x80000000],
      [-0x80000000, -1, 0x7fffffff],
      [0, -1, -1],
      [-1, 1, 0],
    ],
    raw: (heap, addr) => rawLE(heap, addr, 4, true),
  },
  {
    name: 'Uint32',
    bytes: 4,
    loads: [
      ['loadUint32', loadUint32],
      ['loadUint32Relaxed', loadUint32Relaxed],
      ['loadUint32Acquire', loadUint32Acquire],
    ],
    stores: [
      ['storeUint32', storeUint32],
      ['storeUint32Relaxed', storeUint32Relaxed],
      ['storeUint32Release', storeUint32Release],
    ],
    exchange: exchangeUint32,
    compareExchange: compareExchangeUint32,
    fetchAdd: fetchAddUint32,
    fetchAnd: fetchAndUint32,
    fetchOr: fetchOrUint32,
    samples: [0, 1, 0x7fffffff, 0x80000000, 0xdeadbeef, 0xfffffffe, 0xffffffff],
    wraps: [
      [0xffffffff, 1, 0],
      [0xfffffff0, 0x20, 0x10],
      [0, -1, 0xffffffff],
      [0x80000000, 0x80000000, 0],
    ],
    raw: (heap, addr) => rawLE(heap, addr, 4, false),
  },
];

/** Byte offsets of each width's field inside the test block: aligned to the width, not beyond. */
const FIELD_OFFSET: Record<string, number> = {
  Uint8: 3, // odd
  Uint16: 6, // 2-aligned, not 4-aligned
  Int32: 12, // 4-aligned, not 8-aligned
  Uint32: 20, // 4-aligned, not 8-aligned
  Int64: 40, // 8-aligned
};

const SENTINEL = 0xa5;

let heap: SharedHeap;
let block: number;

beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
  block = regionAlloc(heap, 4096);
  expect(block).not.toBe(0);
  // Sentinels everywhere around the fields: only the field under test may change.
  heap.u8.fill(SENTINEL, block, block + 128);
});

afterEach(() => {
  heap.close();
});

/** Asserts every byte of [block, block + 128) outside [addr, addr + bytes) still holds the sentinel. */
function expectNeighboursUntouched(addr: number, bytes: number): void {
  for (let a = block; a < block + 128; a++) {
    if (a >= addr && a < addr + bytes) continue;
    if (heap.u8[a] !== SENTINEL) expect.fail(`byte at +${a - block} changed to ${heap.u8[a]} (field at +${addr - block}, ${bytes} bytes)`);
  }
}

describe.each(WIDTHS)('$name', (w) => {
  const addrOf = (): number => block + FIELD_OFFSET[w.name]!;

  it('store/load round-trips through every order variant, and lands at the right bytes', () => {
    const addr = addrOf();
    for (const value of w.samples) {
      for (const [storeName, store] of w.stores) {
        store(heap, addr, value);
        expect(w.raw(heap, addr), `${storeName}(${value}) bytes`).toBe(value);
        for (const [loadName, load] of w.loads) {
          expect(load(heap, addr), `${storeName}(${value}) then ${loadName}`).toBe(value);
        }
      }
    }
    expectNeighboursUntouched(addr, w.bytes);
  });

  it('exchange returns the previous value and leaves the new one', () => {
    const addr = addrOf();
    const [a, b, c] = [w.samples[1]!, w.samples[3]!, w.samples[w.samples.length - 1]!];
    w.stores[0]![1](heap, addr, a);
    expect(w.exchange(heap, addr, b)).toBe(a);
    expect(w.loads[0]![1](heap, addr)).toBe(b);
    expect(w.exchange(heap, addr, c)).toBe(b);
    expect(w.raw(heap, addr)).toBe(c);
    expect(w.exchange(heap, addr, c)).toBe(c);
    expect(w.raw(heap, addr)).toBe(c);
    expectNeighboursUntouched(addr, w.bytes);
  });

  it('fetchAdd/fetchAnd/fetchOr return the previous value and leave the new one', () => {
    const addr = addrOf();
    const store = w.stores[0]![1];
    const load = w.loads[0]![1];
    store(heap, addr, 5);
    expect(w.fetchAdd(heap, addr, 3)).toBe(5);
    expect(load(heap, addr)).toBe(8);
    expect(w.fetchAdd(heap, addr, 0)).toBe(8);
    expect(load(heap, addr)).toBe(8);
    expect(w.fetchAdd(heap, addr, -2)).toBe(8);
    expect(load(heap, addr)).toBe(6);

    store(heap, addr, 0b1110_1100);
    expect(w.fetchAnd(heap, addr, 0b0011_1010)).toBe(0b1110_1100);
    expect(load(heap, addr)).toBe(0b0010_1000);
    expect(w.fetchOr(heap, addr, 0b0100_0011)).toBe(0b0010_1000);
    expect(load(heap, addr)).toBe(0b0110_1011);
    expect(w.fetchOr(heap, addr, 0)).toBe(0b0110_1011);
    expect(w.fetchAnd(heap, addr, 0)).toBe(0b0110_1011);
    expect(load(heap, addr)).toBe(0);
    expectNeighboursUntouched(addr, w.bytes);
  });

  it('fetchAnd/fetchOr use every bit of the width', () => {
    const addr = addrOf();
    const allOnes = w.name === 'Int32' ? -1 : 2 ** (8 * w.bytes) - 1;
    w.stores[0]![1](heap, addr, 0);
    expect(w.fetchOr(heap, addr, allOnes)).toBe(0);
    expect(w.raw(heap, addr)).toBe(allOnes);
    const highBit = w.name === 'Int32' ? -0x80000000 : 2 ** (8 * w.bytes - 1);
    expect(w.fetchAnd(heap, addr, highBit)).toBe(allOnes);
    expect(w.raw(heap, addr)).toBe(highBit);
    expectNeighboursUntouched(addr, w.bytes);
  });

  it('compareExchange returns the value found, and writes only on success', () => {
    const addr = addrOf();
    const [a, b, c] = [w.samples[1]!, w.samples[2]!, w.samples[4]!];
    w.stores[0]![1](heap, addr, a);
    // Failure: expected differs; the value found comes back, memory unchanged.
    expect(w.compareExchange(heap, addr, b, c)).toBe(a);
    expect(w.raw(heap, addr)).toBe(a);
    // Success: returns expected (== the value found) and writes desired.
    expect(w.compareExchange(heap, addr, a, c)).toBe(a);
    expect(w.raw(heap, addr)).toBe(c);
    // The old expected now fails.
    expect(w.compareExchange(heap, addr, a, b)).toBe(c);
    expect(w.raw(heap, addr)).toBe(c);
    expectNeighboursUntouched(addr, w.bytes);
  });

  it.each(w.wraps)('fetchAdd wraps at the width: %i + %i -> %i', (start, addend, result) => {
    const addr = addrOf();
    w.stores[0]![1](heap, addr, start);
    expect(w.fetchAdd(heap, addr, addend)).toBe(start);
    expect(w.loads[0]![1](heap, addr)).toBe(result);
    expect(w.raw(heap, addr)).toBe(result);
    expectNeighboursUntouched(addr, w.bytes);
  });
});

describe('byte order of multi-byte fields', () => {
  it('fields are little-endian at their own address', () => {
    const a16 = block + FIELD_OFFSET.Uint16!;
    storeUint16(heap, a16, 0xbeef);
    expect([heap.u8[a16], heap.u8[a16 + 1]]).toEqual([0xef, 0xbe]);
    const a32 = block + FIELD_OFFSET.Uint32!;
    storeUint32(heap, a32, 0x11223344);
    expect(Array.from(heap.u8.subarray(a32, a32 + 4))).toEqual([0x44, 0x33, 0x22, 0x11]);
    const i32 = block + FIELD_OFFSET.Int32!;
    storeInt32(heap, i32, -2);
    expect(Array.from(heap.u8.subarray(i32, i32 + 4))).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect(loadUint32(heap, i32)).toBe(0xfffffffe); // same word through the unsigned view
    const a64 = block + FIELD_OFFSET.Int64!;
    storeInt64(heap, a64, 0x0102030405060708n);
    expect(Array.from(heap.u8.subarray(a64, a64 + 8))).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(loadUint32(heap, a64)).toBe(0x05060708);
    expect(loadUint32(heap, a64 + 4)).toBe(0x01020304);
  });
});

describe('Int64', () => {
  const addrOf = (): number => block + FIELD_OFFSET.Int64!;
  const BIG = 2n ** 60n + 12345n; // far beyond 2^53
  const MAX = 2n ** 63n - 1n;
  const MIN = -(2n ** 63n);

  it('store/load round-trips through every order variant, beyond 2^53', () => {
    const addr = addrOf();
    const stores = [storeInt64, storeInt64Relaxed, storeInt64Release];
    const loads = [loadInt64, loadInt64Relaxed, loadInt64Acquire];
    for (const value of [0n, 1n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 3n, BIG, MAX, MIN]) {
      for (const store of stores) {
        store(heap, addr, value);
        expect(new DataView(heap.buffer, addr, 8).getBigInt64(0, true)).toBe(value);
        for (const load of loads) expect(load(heap, addr)).toBe(value);
      }
    }
    expectNeighboursUntouched(addr, 8);
  });

  it('exchange and fetchAdd/fetchAnd/fetchOr return the previous value and leave the new one', () => {
    const addr = addrOf();
    storeInt64(heap, addr, BIG);
    expect(exchangeInt64(heap, addr, -BIG)).toBe(BIG);
    expect(loadInt64(heap, addr)).toBe(-BIG);
    expect(fetchAddInt64(heap, addr, 2n * BIG)).toBe(-BIG);
    expect(loadInt64(heap, addr)).toBe(BIG);
    expect(fetchAddInt64(heap, addr, 1n)).toBe(BIG);
    expect(loadInt64(heap, addr)).toBe(BIG + 1n);
    expect(fetchAndInt64(heap, addr, 2n ** 60n)).toBe(BIG + 1n);
    expect(loadInt64(heap, addr)).toBe(2n ** 60n);
    expect(fetchOrInt64(heap, addr, 0xffn | (1n << 40n))).toBe(2n ** 60n);
    expect(loadInt64(heap, addr)).toBe(2n ** 60n + (1n << 40n) + 0xffn);
    expectNeighboursUntouched(addr, 8);
  });

  it('compareExchange returns the value found, and writes only on success', () => {
    const addr = addrOf();
    storeInt64(heap, addr, BIG);
    expect(compareExchangeInt64(heap, addr, BIG + 1n, 7n)).toBe(BIG); // differs only in the low bit
    expect(loadInt64(heap, addr)).toBe(BIG);
    expect(compareExchangeInt64(heap, addr, BIG - 2n ** 60n, 7n)).toBe(BIG); // differs only in the high word
    expect(loadInt64(heap, addr)).toBe(BIG);
    expect(compareExchangeInt64(heap, addr, BIG, MIN)).toBe(BIG);
    expect(loadInt64(heap, addr)).toBe(MIN);
    expectNeighboursUntouched(addr, 8);
  });

  it('fetchAdd wraps at 64 bits', () => {
    const addr = addrOf();
    storeInt64(heap, addr, MAX);
    expect(fetchAddInt64(heap, addr, 1n)).toBe(MAX);
    expect(loadInt64(heap, addr)).toBe(MIN);
    expect(fetchAddInt64(heap, addr, -1n)).toBe(MIN);
    expect(loadInt64(heap, addr)).toBe(MAX);
    storeInt64(heap, addr, -1n);
    expect(fetchAddInt64(heap, addr, 1n)).toBe(-1n);
    expect(loadInt64(heap, addr)).toBe(0n);
    expectNeighboursUntouched(addr, 8);
  });
});

describe('addresses above 2^31', () => {
  it('every width works just above 2^31 and at the end of a 2 GiB + 1 MiB heap', () => {
    // Memory is committed lazily: only the touched pages cost anything.
    const big = SharedHeap.create({ size: 2 ** 31 + 2 ** 20 });
    try {
      const base = 2 ** 31 + 64;
      const low = base - 2 ** 31; // where a sign or 31-bit truncation bug would land
      const lowBefore = Array.from(big.u8.subarray(low, low + 64));

      storeUint8(big, base + 1, 0xab);
      expect(loadUint8(big, base + 1)).toBe(0xab);
      expect(fetchAddUint8(big, base + 1, 0x55)).toBe(0xab);
      expect(big.u8[base + 1]).toBe(0x00);

      storeUint16(big, base + 2, 0xbeef);
      expect(loadUint16Acquire(big, base + 2)).toBe(0xbeef);
      expect(compareExchangeUint16(big, base + 2, 0xbeef, 0xcafe)).toBe(0xbeef);
      expect([big.u8[base + 2], big.u8[base + 3]]).toEqual([0xfe, 0xca]);

      storeInt32(big, base + 4, -0x80000000);
      expect(fetchAddInt32(big, base + 4, -1)).toBe(-0x80000000);
      expect(loadInt32(big, base + 4)).toBe(0x7fffffff);

      storeUint32Release(big, base + 8, 0xffffffff);
      expect(exchangeUint32(big, base + 8, 0x12345678)).toBe(0xffffffff);
      expect(Array.from(big.u8.subarray(base + 8, base + 12))).toEqual([0x78, 0x56, 0x34, 0x12]);

      storeInt64(big, base + 16, 2n ** 62n + 5n);
      expect(fetchOrInt64(big, base + 16, 2n)).toBe(2n ** 62n + 5n);
      expect(loadInt64(big, base + 16)).toBe(2n ** 62n + 7n);

      // The mirror addresses below 2^31 are untouched.
      expect(Array.from(big.u8.subarray(low, low + 64))).toEqual(lowBefore);

      // The last field of each width in the heap.
      const end = big.size;
      storeUint8(big, end - 1, 0x7e);
      expect(loadUint8(big, end - 1)).toBe(0x7e);
      storeUint16(big, end - 2, 0x7e7e);
      expect(loadUint16(big, end - 2)).toBe(0x7e7e);
      storeUint32(big, end - 4, 0x89abcdef);
      expect(loadUint32(big, end - 4)).toBe(0x89abcdef);
      expect(loadInt32(big, end - 4)).toBe(0x89abcdef | 0);
      storeInt64(big, end - 8, -(2n ** 60n));
      expect(loadInt64(big, end - 8)).toBe(-(2n ** 60n));
      expect(loadUint32Relaxed(big, end - 4)).toBe(0xf0000000);
    } finally {
      big.close();
    }
  });
});

describe('fences', () => {
  it('fenceSeqCst, fenceAcquire and fenceRelease change no data word', () => {
    // Give the heap distinctive contents, the fence word included.
    const region = regionAlloc(heap, 64 << 10);
    for (let i = 0; i < 64 << 10; i++) heap.u8[region + i] = (i * 31 + 7) & 0xff;
    storeInt32(heap, HEAP_FENCE_WORD_OFFSET, 0x1234567);
    const before = Buffer.from(heap.u8.slice());
    for (let i = 0; i < 10; i++) {
      expect(fenceSeqCst(heap)).toBeUndefined();
      expect(fenceAcquire(heap)).toBeUndefined();
      expect(fenceRelease(heap)).toBeUndefined();
    }
    const after = Buffer.from(heap.u8.slice());
    expect(after.length).toBe(16 << 20);
    if (!before.equals(after)) {
      let i = 0;
      while (before[i] === after[i]) i++;
      expect.fail(`a fence changed the byte at ${i}: ${before[i]} -> ${after[i]}`);
    }
    expect(loadInt32(heap, HEAP_FENCE_WORD_OFFSET)).toBe(0x1234567);
  });
});
