/**
 * PyMutex (CPython `Python/lock.c`): a one-byte mutex that can live anywhere in
 * the heap, such as the object header's `ob_mutex`. Bit 0 = locked, bit 1 =
 * some thread is parked on it. The fast paths are one compare-exchange each;
 * unlock touches the parking lot (and so `Atomics.notify`) only when a waiter
 * is recorded.
 *
 * Contended waiters spin briefly, then park. A waiter that has waited longer
 * than 1 ms gets the lock handed to it directly by the next unlock (the
 * fairness rule), so barging cannot starve a parked thread.
 */

import { monotonicMs } from './clock.js';
import { fatalError, formatAddress } from './fatal.js';
import { MUTEX_HAS_PARKED_BIT, MUTEX_LOCKED_BIT } from './layout.js';
import { PARK_OK, PARK_TIMEOUT, park, parkUnparkValue, unparkOne } from './parking-lot.js';
import type { HeapContext } from './heap-context.js';

/** Lock result: not acquired (`PY_LOCK_FAILURE`). @public */ export const LOCK_FAILURE = 0;
/** Lock result: acquired (`PY_LOCK_ACQUIRED`). @public */ export const LOCK_ACQUIRED = 1;

/** Lock flag: keep the thread attached while parked (`_Py_LOCK_DONT_DETACH`). @public */
export const LOCK_DONT_DETACH = 0;
/** Lock flag: run the detach/attach hooks around parking (`_PY_LOCK_DETACH`). @public */
export const LOCK_DETACH = 1;

/** A waiter parked longer than this gets the lock handed off (`TIME_TO_BE_FAIR_NS`). @public */
export const MUTEX_TIME_TO_BE_FAIR_MS = 1;
/**
 * Spin rounds before parking. CPython yields 40 times; a JavaScript round
 * re-reads the byte {@link MUTEX_SPIN_READS} times instead, because a park and
 * wake-up here costs ~45 µs while a lock hand-over between spinning workers
 * costs ~0.1 µs.
 * @public
 */
export const MUTEX_MAX_SPIN_COUNT = 40;
/** `Atomics.load`s per spin round. @public */
export const MUTEX_SPIN_READS = 16;

/**
 * Locks the PyMutex byte at `addr`, parking (and detaching) while it waits
 * (`PyMutex_Lock`).
 * @example
 * ```ts
 * mutexLock(heap, m);
 * try { counter++; } finally { mutexUnlock(heap, m); }
 * ```
 * @public
 */
export function mutexLock(heap: HeapContext, addr: number): void {
  if (Atomics.compareExchange(heap.u8, addr, 0, MUTEX_LOCKED_BIT) !== 0) {
    mutexLockTimed(heap, addr, -1, LOCK_DETACH);
  }
}

/**
 * Locks with caller-chosen {@link LOCK_DETACH} / {@link LOCK_DONT_DETACH} (`PyMutex_LockFlags`).
 * @public
 */
export function mutexLockFlags(heap: HeapContext, addr: number, flags: number): void {
  if (Atomics.compareExchange(heap.u8, addr, 0, MUTEX_LOCKED_BIT) !== 0) {
    mutexLockTimed(heap, addr, -1, flags);
  }
}

/**
 * Takes the lock only if it is free right now (`PyMutex_LockFast`; barging
 * past parked waiters is allowed, as in CPython).
 * @public
 */
export function mutexTryLock(heap: HeapContext, addr: number): boolean {
  const u8 = heap.u8;
  const v = Atomics.load(u8, addr);
  return (v & MUTEX_LOCKED_BIT) === 0 && Atomics.compareExchange(u8, addr, v, v | MUTEX_LOCKED_BIT) === v;
}

/**
 * Locks, giving up after `timeoutMs` (negative = forever, 0 = try once)
 * (`_PyMutex_LockTimed`).
 * @returns {@link LOCK_ACQUIRED} or {@link LOCK_FAILURE}.
 * @public
 */
export function mutexLockTimed(heap: HeapContext, addr: number, timeoutMs: number, flags: number): number {
  const u8 = heap.u8;
  let v = Atomics.load(u8, addr);
  if ((v & MUTEX_LOCKED_BIT) === 0) {
    const seen = Atomics.compareExchange(u8, addr, v, v | MUTEX_LOCKED_BIT);
    if (seen === v) return LOCK_ACQUIRED;
    v = seen;
  }
  if (timeoutMs === 0 && (v & MUTEX_LOCKED_BIT) !== 0) return LOCK_FAILURE;
  return mutexLockSlow(heap, addr, v, timeoutMs, flags);
}

function mutexLockSlow(heap: HeapContext, addr: number, v: number, timeoutMs: number, flags: number): number {
  const u8 = heap.u8;
  const now = monotonicMs();
  const endTime = timeoutMs > 0 ? now + timeoutMs : 0;
  const timeToBeFair = now + MUTEX_TIME_TO_BE_FAIR_MS;
  const detach = (flags & LOCK_DETACH) !== 0;
  let spins = 0;
  for (;;) {
    if ((v & MUTEX_LOCKED_BIT) === 0) {
      const seen = Atomics.compareExchange(u8, addr, v, v | MUTEX_LOCKED_BIT);
      if (seen === v) return LOCK_ACQUIRED;
      v = seen;
      continue;
    }
    if ((v & MUTEX_HAS_PARKED_BIT) === 0 && spins < MUTEX_MAX_SPIN_COUNT) {
      spins++;
      for (let i = 0; i < MUTEX_SPIN_READS; i++) {
        v = Atomics.load(u8, addr);
        if ((v & MUTEX_LOCKED_BIT) === 0) break;
      }
      continue;
    }
    if (timeoutMs === 0) return LOCK_FAILURE;
    if ((v & MUTEX_HAS_PARKED_BIT) === 0) {
      const seen = Atomics.compareExchange(u8, addr, v, v | MUTEX_HAS_PARKED_BIT);
      if (seen !== v) {
        v = seen;
        continue;
      }
      v |= MUTEX_HAS_PARKED_BIT;
    }
    const result = park(heap, addr, v, 1, timeoutMs, timeToBeFair, detach);
    if (result === PARK_OK) {
      // Handed off: the unlocker left the byte locked on our behalf.
      if (parkUnparkValue(heap) !== 0) return LOCK_ACQUIRED;
    } else if (result === PARK_TIMEOUT) {
      return LOCK_FAILURE;
    }
    if (timeoutMs > 0) {
      // 0 means "one more try, then fail"; never negative, which means forever.
      timeoutMs = Math.max(0, endTime - monotonicMs());
    }
    v = Atomics.load(u8, addr);
  }
}

/**
 * Unlocks the PyMutex at `addr` (`PyMutex_Unlock`); unlocking a mutex that is
 * not locked is a fatal error.
 * @public
 */
export function mutexUnlock(heap: HeapContext, addr: number): void {
  if (Atomics.compareExchange(heap.u8, addr, MUTEX_LOCKED_BIT, 0) !== MUTEX_LOCKED_BIT) {
    mutexUnlockSlow(heap, addr);
  }
}

function mutexUnlockSlow(heap: HeapContext, addr: number): void {
  const u8 = heap.u8;
  let v = Atomics.load(u8, addr);
  for (;;) {
    if ((v & MUTEX_LOCKED_BIT) === 0) {
      fatalError(`unlocking mutex at ${formatAddress(addr)} that is not locked`);
    }
    if ((v & MUTEX_HAS_PARKED_BIT) !== 0) {
      unparkOne(heap, addr, handOffOnUnpark, addr);
      return;
    }
    const seen = Atomics.compareExchange(u8, addr, v, 0);
    if (seen === v) return;
    v = seen;
  }
}

/**
 * Runs under the bucket lock (`mutex_unpark`): decides the byte's next value
 * and whether the woken waiter receives the lock directly.
 */
function handOffOnUnpark(heap: HeapContext, addr: number, waiterTid: number, timeToBeFair: number, hasMore: boolean): number {
  let v = 0;
  let handedOff = 0;
  if (waiterTid !== 0) {
    if (monotonicMs() > timeToBeFair) {
      handedOff = 1;
      v |= MUTEX_LOCKED_BIT;
    }
    if (hasMore) v |= MUTEX_HAS_PARKED_BIT;
  }
  Atomics.store(heap.u8, addr, v);
  return handedOff;
}

/**
 * Whether the mutex is held by some thread right now (`PyMutex_IsLocked`).
 * @public
 */
export function mutexIsLocked(heap: HeapContext, addr: number): boolean {
  return (Atomics.load(heap.u8, addr) & MUTEX_LOCKED_BIT) !== 0;
}
