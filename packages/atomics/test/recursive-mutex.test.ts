import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FatalError,
  formatAddress,
  LOCK_ACQUIRED,
  LOCK_DONT_DETACH,
  LOCK_FAILURE,
  MUTEX_HAS_PARKED_BIT,
  MUTEX_LOCKED_BIT,
  recursiveMutexIsLockedByMe,
  recursiveMutexLock,
  recursiveMutexLockTimed,
  recursiveMutexOwner,
  recursiveMutexTryLock,
  recursiveMutexUnlock,
  regionAlloc,
  SharedHeap,
} from '../src/index.js';
import {
  RECURSIVE_MUTEX_LEVEL_OFFSET,
  RECURSIVE_MUTEX_MUTEX_OFFSET,
  RECURSIVE_MUTEX_OWNER_OFFSET,
} from '../src/layout.js';

let heap: SharedHeap;
let other: SharedHeap | null;
let m: number;

/** [mutex byte, owner tid, level] as stored in shared memory. */
function state(h: SharedHeap = heap): [number, number, number] {
  return [
    h.u8[m + RECURSIVE_MUTEX_MUTEX_OFFSET],
    h.u32[(m + RECURSIVE_MUTEX_OWNER_OFFSET) >>> 2],
    h.u32[(m + RECURSIVE_MUTEX_LEVEL_OFFSET) >>> 2],
  ];
}

function secondThread(): SharedHeap {
  other = SharedHeap.attach(heap.handle());
  return other;
}

beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
  other = null;
  m = regionAlloc(heap, 64, 64) + 16;
});

afterEach(() => {
  other?.close();
  heap.close();
});

describe('recursive mutex', () => {
  it('lock, re-lock and unlock step through the exact states', () => {
    expect(state()).toEqual([0, 0, 0]);
    expect(recursiveMutexIsLockedByMe(heap, m)).toBe(false);

    recursiveMutexLock(heap, m);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 0]);
    expect(recursiveMutexIsLockedByMe(heap, m)).toBe(true);
    expect(recursiveMutexOwner(heap, m)).toBe(heap.tid);

    recursiveMutexLock(heap, m);
    recursiveMutexLock(heap, m);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 2]);

    recursiveMutexUnlock(heap, m);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 1]);
    recursiveMutexUnlock(heap, m);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 0]);
    expect(recursiveMutexIsLockedByMe(heap, m)).toBe(true);

    recursiveMutexUnlock(heap, m);
    expect(state()).toEqual([0, 0, 0]);
    expect(recursiveMutexIsLockedByMe(heap, m)).toBe(false);
  });

  it('unlocking a free recursive mutex is fatal and names the address', () => {
    expect(() => recursiveMutexUnlock(heap, m)).toThrow(FatalError);
    expect(() => recursiveMutexUnlock(heap, m)).toThrow(formatAddress(m));
    expect(state()).toEqual([0, 0, 0]);
  });

  it('try-lock takes a free mutex and counts a level for the owner', () => {
    expect(recursiveMutexTryLock(heap, m)).toBe(true);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 0]);
    expect(recursiveMutexTryLock(heap, m)).toBe(true);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 1]);
    expect(recursiveMutexLockTimed(heap, m, 0, LOCK_DONT_DETACH)).toBe(LOCK_ACQUIRED);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 2]);
    recursiveMutexUnlock(heap, m);
    recursiveMutexUnlock(heap, m);
    recursiveMutexUnlock(heap, m);
    expect(state()).toEqual([0, 0, 0]);
  });

  it('another thread sees it is not the owner and cannot take or release it', () => {
    const t2 = secondThread();
    expect(t2.tid).not.toBe(heap.tid);
    recursiveMutexLock(heap, m);
    recursiveMutexLock(heap, m);

    expect(recursiveMutexIsLockedByMe(t2, m)).toBe(false);
    expect(recursiveMutexOwner(t2, m)).toBe(heap.tid);
    expect(recursiveMutexTryLock(t2, m)).toBe(false);
    expect(recursiveMutexLockTimed(t2, m, 0, LOCK_DONT_DETACH)).toBe(LOCK_FAILURE);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 1]);

    let error: unknown;
    try {
      recursiveMutexUnlock(t2, m);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FatalError);
    expect((error as Error).message).toContain(formatAddress(m));
    expect((error as Error).message).toContain(`thread ${t2.tid}`);
    expect((error as Error).message).toContain(`owner thread ${heap.tid}`);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, heap.tid, 1]);
  });

  it("a timed lock by another thread times out and leaves HAS_PARKED for the owner's unlock to clear", () => {
    const t2 = secondThread();
    recursiveMutexLock(heap, m);
    const start = performance.now();
    expect(recursiveMutexLockTimed(t2, m, 30, LOCK_DONT_DETACH)).toBe(LOCK_FAILURE);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(elapsed).toBeLessThan(1000);
    expect(state()).toEqual([MUTEX_LOCKED_BIT | MUTEX_HAS_PARKED_BIT, heap.tid, 0]);

    recursiveMutexUnlock(heap, m);
    expect(state()).toEqual([0, 0, 0]);
    // Now free: the second thread takes it and becomes the owner.
    expect(recursiveMutexTryLock(t2, m)).toBe(true);
    expect(state()).toEqual([MUTEX_LOCKED_BIT, t2.tid, 0]);
    expect(recursiveMutexIsLockedByMe(heap, m)).toBe(false);
    expect(recursiveMutexIsLockedByMe(t2, m)).toBe(true);
    expect(() => recursiveMutexUnlock(heap, m)).toThrow(FatalError);
    recursiveMutexUnlock(t2, m);
    expect(state()).toEqual([0, 0, 0]);
  });

  it('acquiring a mutex whose level is not 0 is fatal (corruption)', () => {
    heap.u32[(m + RECURSIVE_MUTEX_LEVEL_OFFSET) >>> 2] = 5;
    expect(() => recursiveMutexLock(heap, m)).toThrow(formatAddress(m));
  });
});
