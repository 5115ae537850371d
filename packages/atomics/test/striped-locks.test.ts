import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fatalMessage } from './helpers/fatal-message.js';
import {
  formatAddress,
  LOCK_DETACH,
  MUTEX_LOCKED_BIT,
  mutexIsLocked,
  mutexTryLock,
  regionAlloc,
  SharedHeap,
  STRIPED_LOCKS_DEFAULT_COUNT,
  stripedLockFor,
  stripedLockLock,
  stripedLocksCount,
  stripedLocksCreate,
  stripedLockUnlock,
} from '../src/index.js';
import {
  HEAP_LAYOUT_VERSION,
  STRIPED_LOCKS_COUNT_OFFSET,
  STRIPED_LOCKS_VERSION_OFFSET,
  STRIPED_LOCKS_HEADER_SIZE,
  STRIPED_LOCKS_STRIDE,
  STRIPED_LOCKS_TAG,
  STRIPED_LOCKS_TAG_OFFSET,
} from '../src/layout.js';

let heap: SharedHeap;


/** Indexes of the stripes whose byte is not 0. */
function lockedStripes(table: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    if (heap.u8[table + STRIPED_LOCKS_HEADER_SIZE + i * STRIPED_LOCKS_STRIDE] !== 0) out.push(i);
  }
  return out;
}

beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
});

afterEach(() => {
  heap.close();
});

describe('striped locks', () => {
  it('creates a tagged table of 127 unlocked stripes by default', () => {
    const table = stripedLocksCreate(heap);
    expect(table).not.toBe(0);
    expect(table % STRIPED_LOCKS_STRIDE).toBe(0);
    expect(STRIPED_LOCKS_DEFAULT_COUNT).toBe(127);
    expect(heap.u32[(table + STRIPED_LOCKS_TAG_OFFSET) >>> 2]).toBe(STRIPED_LOCKS_TAG);
    expect(heap.u32[(table + STRIPED_LOCKS_COUNT_OFFSET) >>> 2]).toBe(127);
    expect(heap.u32[(table + STRIPED_LOCKS_VERSION_OFFSET) >>> 2]).toBe(HEAP_LAYOUT_VERSION);
    expect(stripedLocksCount(heap, table)).toBe(127);
    expect(lockedStripes(table, 127)).toEqual([]);
  });

  it('maps key to stripe key % count, one 64-byte line per stripe', () => {
    const table = stripedLocksCreate(heap);
    const stripe = (i: number): number => table + STRIPED_LOCKS_HEADER_SIZE + i * STRIPED_LOCKS_STRIDE;
    expect(stripedLockFor(heap, table, 0)).toBe(stripe(0));
    expect(stripedLockFor(heap, table, 1)).toBe(stripe(1));
    expect(stripedLockFor(heap, table, 126)).toBe(stripe(126));
    expect(stripedLockFor(heap, table, 127)).toBe(stripe(0));
    expect(stripedLockFor(heap, table, 128)).toBe(stripe(1));
    // Keys are u32 addresses, including those at or above 2^31.
    // 2^7 ≡ 1 (mod 127), so 2^31 ≡ 2^3 = 8 and 2^32 - 1 ≡ 2^4 - 1 = 15.
    expect(stripedLockFor(heap, table, 0x80000000)).toBe(stripe(8));
    expect(stripedLockFor(heap, table, 0xffffffff)).toBe(stripe(15));

    const eight = stripedLocksCreate(heap, 8);
    expect(stripedLocksCount(heap, eight)).toBe(8);
    expect(stripedLockFor(heap, eight, 9)).toBe(eight + STRIPED_LOCKS_HEADER_SIZE + STRIPED_LOCKS_STRIDE);
  });

  it('locking a key locks exactly its stripe, shared with keys congruent mod count', () => {
    const table = stripedLocksCreate(heap);
    stripedLockLock(heap, table, 5);
    expect(lockedStripes(table, 127)).toEqual([5]);
    expect(heap.u8[stripedLockFor(heap, table, 5)]).toBe(MUTEX_LOCKED_BIT);
    expect(mutexIsLocked(heap, stripedLockFor(heap, table, 5 + 127))).toBe(true);
    expect(mutexTryLock(heap, stripedLockFor(heap, table, 5 + 2 * 127))).toBe(false);
    stripedLockLock(heap, table, 6, LOCK_DETACH);
    expect(lockedStripes(table, 127)).toEqual([5, 6]);
    stripedLockUnlock(heap, table, 5 + 127);
    expect(lockedStripes(table, 127)).toEqual([6]);
    stripedLockUnlock(heap, table, 6);
    expect(lockedStripes(table, 127)).toEqual([]);
  });

  it('unlocking a stripe that is not locked is fatal and names the stripe', () => {
    const table = stripedLocksCreate(heap);
    const message = fatalMessage(() => stripedLockUnlock(heap, table, 10));
    expect(message).toContain(formatAddress(stripedLockFor(heap, table, 10)));
  });

  it('returns 0 for counts that are malformed or do not fit', () => {
    expect(stripedLocksCreate(heap, 0)).toBe(0);
    expect(stripedLocksCreate(heap, -1)).toBe(0);
    expect(stripedLocksCreate(heap, 1.5)).toBe(0);
    expect(stripedLocksCreate(heap, Number.NaN)).toBe(0);
    expect(stripedLocksCreate(heap, 1 << 20)).toBe(0); // 64 MiB in a 16 MiB heap
    expect(stripedLocksCreate(heap, 2 ** 40)).toBe(0);
    const one = stripedLocksCreate(heap, 1);
    expect(one).not.toBe(0);
    expect(stripedLockFor(heap, one, 12345)).toBe(one + STRIPED_LOCKS_HEADER_SIZE);
  });

  it('rejects an address that is not a striped-lock table, naming it', () => {
    const table = stripedLocksCreate(heap);
    const plain = regionAlloc(heap, 4096, 64);
    for (const bad of [plain, table + 64, table + 2, 0xfffffff0]) {
      const message = fatalMessage(() => stripedLockFor(heap, bad, 1));
      expect(message).toContain(formatAddress(bad));
      expect(message).toContain('not a striped-lock table');
    }
    expect(fatalMessage(() => stripedLockLock(heap, plain, 1))).toContain(formatAddress(plain));
    expect(fatalMessage(() => stripedLocksCount(heap, plain))).toContain(formatAddress(plain));
    expect(heap.u8[plain + STRIPED_LOCKS_HEADER_SIZE + STRIPED_LOCKS_STRIDE]).toBe(0);
  });
});
