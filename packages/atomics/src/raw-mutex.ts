/**
 * Raw mutex: the lock inside the parking lot's own buckets and the region
 * allocator (CPython `_PyRawMutex`). It must not use the parking lot, and it
 * never detaches.
 *
 * CPython threads a LIFO list of stack-allocated waiters through the mutex word
 * because C has no portable futex. JavaScript has one: `Atomics.wait` on any
 * Int32 of a SharedArrayBuffer. So this is the three-state futex mutex
 * (Drepper, "Futexes Are Tricky", mutex 2) with a short spin first: 0 unlocked,
 * 1 locked, 2 locked with possible sleepers. Unlock notifies only in state 2.
 */

import { fatalError, formatAddress } from './fatal.js';
import type { HeapContext } from './heap-context.js';

/** Spin rounds before sleeping; a bucket is held for well under a microsecond. */
const RAW_MUTEX_SPIN = 100;

/**
 * Locks the raw mutex at `addr` (a 4-byte aligned Int32 word, zero = unlocked).
 * @public
 */
export function rawMutexLock(heap: HeapContext, addr: number): void {
  if (Atomics.compareExchange(heap.i32, addr >>> 2, 0, 1) !== 0) rawMutexLockSlow(heap, addr);
}

function rawMutexLockSlow(heap: HeapContext, addr: number): void {
  const i32 = heap.i32;
  const index = addr >>> 2;
  for (let spin = 0; spin < RAW_MUTEX_SPIN; spin++) {
    const v = Atomics.load(i32, index);
    if (v === 0 && Atomics.compareExchange(i32, index, 0, 1) === 0) return;
    if (v === 2) break;
  }
  // Taking it as 2 may cause one needless notify later; that is the price of
  // not knowing whether other sleepers remain (the classic futex protocol).
  while (Atomics.exchange(i32, index, 2) !== 0) {
    Atomics.wait(i32, index, 2);
  }
}

/**
 * Tries to lock the raw mutex at `addr` without waiting.
 * @public
 */
export function rawMutexTryLock(heap: HeapContext, addr: number): boolean {
  return Atomics.compareExchange(heap.i32, addr >>> 2, 0, 1) === 0;
}

/**
 * Unlocks the raw mutex at `addr`; fatal if it was not locked.
 * @public
 */
export function rawMutexUnlock(heap: HeapContext, addr: number): void {
  const prev = Atomics.exchange(heap.i32, addr >>> 2, 0);
  if (prev !== 1) rawMutexUnlockSlow(heap, addr, prev);
}

function rawMutexUnlockSlow(heap: HeapContext, addr: number, prev: number): void {
  if (prev === 0) fatalError(`unlocking raw mutex at ${formatAddress(addr)} that is not locked`);
  Atomics.notify(heap.i32, addr >>> 2, 1);
}
