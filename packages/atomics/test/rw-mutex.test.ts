import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fatalMessage } from './helpers/fatal-message.js';
import {
  formatAddress,
  regionAlloc,
  rwMutexIsWriteLocked,
  rwMutexLock,
  rwMutexReaderCount,
  rwMutexRLock,
  rwMutexRUnlock,
  rwMutexUnlock,
  SharedHeap,
} from '../src/index.js';
import {
  RWMUTEX_HAS_PARKED_BIT,
  RWMUTEX_READER_UNIT,
  RWMUTEX_WRITE_LOCKED_BIT,
} from '../src/layout.js';

let heap: SharedHeap;
let rw: number;

function word(): number {
  return heap.i32[rw >>> 2];
}


beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
  rw = regionAlloc(heap, 64, 64) + 8;
});

afterEach(() => {
  heap.close();
});

describe('RW mutex', () => {
  it('readers count in units of 4 and leave the low bits alone', () => {
    expect(word()).toBe(0);
    rwMutexRLock(heap, rw);
    expect(word()).toBe(RWMUTEX_READER_UNIT);
    rwMutexRLock(heap, rw);
    rwMutexRLock(heap, rw);
    expect(word()).toBe(3 * RWMUTEX_READER_UNIT);
    expect(rwMutexReaderCount(heap, rw)).toBe(3);
    expect(rwMutexIsWriteLocked(heap, rw)).toBe(false);
    rwMutexRUnlock(heap, rw);
    expect(word()).toBe(2 * RWMUTEX_READER_UNIT);
    rwMutexRUnlock(heap, rw);
    rwMutexRUnlock(heap, rw);
    expect(word()).toBe(0);
    expect(rwMutexReaderCount(heap, rw)).toBe(0);
  });

  it('the write lock is bit 0 and unlock returns the word to 0', () => {
    rwMutexLock(heap, rw);
    expect(word()).toBe(RWMUTEX_WRITE_LOCKED_BIT);
    expect(rwMutexIsWriteLocked(heap, rw)).toBe(true);
    expect(rwMutexReaderCount(heap, rw)).toBe(0);
    rwMutexUnlock(heap, rw);
    expect(word()).toBe(0);
    // Readers and writers alternate on the same word.
    rwMutexRLock(heap, rw);
    rwMutexRUnlock(heap, rw);
    rwMutexLock(heap, rw);
    rwMutexUnlock(heap, rw);
    expect(word()).toBe(0);
  });

  it('the last reader out keeps HAS_PARKED for the waiting writer', () => {
    // One reader holds it and a writer has recorded that it parked.
    heap.i32[rw >>> 2] = RWMUTEX_READER_UNIT | RWMUTEX_HAS_PARKED_BIT;
    rwMutexRUnlock(heap, rw);
    expect(word()).toBe(RWMUTEX_HAS_PARKED_BIT);
    // The writer may now take it and keeps HAS_PARKED for its own unlock.
    rwMutexLock(heap, rw);
    expect(word()).toBe(RWMUTEX_HAS_PARKED_BIT | RWMUTEX_WRITE_LOCKED_BIT);
    rwMutexUnlock(heap, rw);
    expect(word()).toBe(0);
  });

  it('a reader that is not the last leaves HAS_PARKED and the other readers', () => {
    heap.i32[rw >>> 2] = 2 * RWMUTEX_READER_UNIT | RWMUTEX_HAS_PARKED_BIT;
    rwMutexRUnlock(heap, rw);
    expect(word()).toBe(RWMUTEX_READER_UNIT | RWMUTEX_HAS_PARKED_BIT);
  });

  it('read-unlocking without readers is fatal, names the address and restores the word', () => {
    const message = fatalMessage(() => rwMutexRUnlock(heap, rw));
    expect(message).toContain(formatAddress(rw));
    expect(message).toContain('no readers');
    expect(word()).toBe(0);

    rwMutexLock(heap, rw);
    expect(fatalMessage(() => rwMutexRUnlock(heap, rw))).toContain(formatAddress(rw));
    expect(word()).toBe(RWMUTEX_WRITE_LOCKED_BIT);
  });

  it('write-unlocking a mutex that is not write-locked is fatal, names the address and restores the word', () => {
    const message = fatalMessage(() => rwMutexUnlock(heap, rw));
    expect(message).toContain(formatAddress(rw));
    expect(message).toContain('not write-locked');
    expect(word()).toBe(0);

    rwMutexRLock(heap, rw);
    rwMutexRLock(heap, rw);
    expect(fatalMessage(() => rwMutexUnlock(heap, rw))).toContain('not write-locked');
    expect(word()).toBe(2 * RWMUTEX_READER_UNIT);

    heap.i32[rw >>> 2] = RWMUTEX_WRITE_LOCKED_BIT | RWMUTEX_READER_UNIT;
    expect(fatalMessage(() => rwMutexUnlock(heap, rw))).toContain('also read-locked');
    expect(word()).toBe(RWMUTEX_WRITE_LOCKED_BIT | RWMUTEX_READER_UNIT);
  });
});
