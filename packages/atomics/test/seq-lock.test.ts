import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FatalError,
  formatAddress,
  regionAlloc,
  seqLockAbandonWrite,
  seqLockBeginRead,
  seqLockEndRead,
  seqLockLockWrite,
  seqLockUnlockWrite,
  SharedHeap,
} from '../src/index.js';

let heap: SharedHeap;
let seq: number;

function sequence(): number {
  return heap.u32[seq >>> 2];
}

beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
  seq = regionAlloc(heap, 64, 64) + 12;
});

afterEach(() => {
  heap.close();
});

describe('sequence lock', () => {
  it('a write moves the sequence 0 → 1 → 2 and invalidates earlier reads', () => {
    expect(sequence()).toBe(0);
    const before = seqLockBeginRead(heap, seq);
    expect(before).toBe(0);
    expect(seqLockEndRead(heap, seq, before)).toBe(true);

    seqLockLockWrite(heap, seq);
    expect(sequence()).toBe(1);
    seqLockUnlockWrite(heap, seq);
    expect(sequence()).toBe(2);

    expect(seqLockEndRead(heap, seq, before)).toBe(false);
    const after = seqLockBeginRead(heap, seq);
    expect(after).toBe(2);
    expect(seqLockEndRead(heap, seq, after)).toBe(true);
  });

  it('an abandoned write restores the previous even value, so reads stay valid', () => {
    seqLockLockWrite(heap, seq);
    seqLockUnlockWrite(heap, seq);
    const before = seqLockBeginRead(heap, seq);
    seqLockLockWrite(heap, seq);
    expect(sequence()).toBe(3);
    seqLockAbandonWrite(heap, seq);
    expect(sequence()).toBe(2);
    expect(seqLockEndRead(heap, seq, before)).toBe(true);
  });

  it('a read overlapping an active write fails within a bounded time', () => {
    const before = seqLockBeginRead(heap, seq);
    seqLockLockWrite(heap, seq);
    const start = performance.now();
    expect(seqLockEndRead(heap, seq, before)).toBe(false);
    expect(performance.now() - start).toBeLessThan(200);
    expect(sequence()).toBe(1);
    seqLockUnlockWrite(heap, seq);
    expect(sequence()).toBe(2);
  });

  it('wraps around at 2^32 like a uint32_t', () => {
    heap.u32[seq >>> 2] = 0xfffffffe;
    expect(seqLockBeginRead(heap, seq)).toBe(0xfffffffe);
    seqLockLockWrite(heap, seq);
    expect(sequence()).toBe(0xffffffff);
    seqLockAbandonWrite(heap, seq);
    expect(sequence()).toBe(0xfffffffe);
    seqLockLockWrite(heap, seq);
    seqLockUnlockWrite(heap, seq);
    expect(sequence()).toBe(0);
    expect(seqLockBeginRead(heap, seq)).toBe(0);
  });

  it('unlocking or abandoning a write that is not in progress is fatal and names the address', () => {
    for (const end of [seqLockUnlockWrite, seqLockAbandonWrite]) {
      heap.u32[seq >>> 2] = 6;
      let error: unknown;
      try {
        end(heap, seq);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FatalError);
      expect((error as Error).message).toContain(formatAddress(seq));
      expect((error as Error).message).toContain('sequence 6');
      expect(sequence()).toBe(6);
    }
  });
});
