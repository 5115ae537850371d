/**
 * PyEvent (CPython `Python/lock.c`, `PyEvent`): a one-shot event in one byte,
 * set once and never reset. It reuses PyMutex's bits: 0 = unset,
 * `MUTEX_LOCKED_BIT` (1) = set, `MUTEX_HAS_PARKED_BIT` (2) = unset with waiters
 * parked on the byte. A waiter records itself by moving 0 → 2 before parking,
 * so the notifier goes through the parking lot only when someone may sleep.
 * Used where one thread must wait for another to finish something (thread
 * start-up and shutdown handshakes, stop-the-world).
 */

import { MUTEX_HAS_PARKED_BIT, MUTEX_LOCKED_BIT } from './layout.js';
import { park, unparkAll } from './parking-lot.js';
import type { HeapContext } from './heap-context.js';

/**
 * Whether the event byte at `addr` has been set (`_PyEvent_IsSet`).
 * @public
 */
export function eventIsSet(heap: HeapContext, addr: number): boolean {
  return Atomics.load(heap.u8, addr) === MUTEX_LOCKED_BIT;
}

/**
 * Sets the event at `addr` and wakes every thread waiting for it
 * (`_PyEvent_Notify`). Setting an event twice is harmless.
 * @public
 */
export function eventNotify(heap: HeapContext, addr: number): void {
  // The exchange publishes "set" before the parking lot is consulted, so a
  // waiter that checks the byte under the bucket lock after this point sees 1
  // and does not sleep; one that is already queued is woken below.
  const old = Atomics.exchange(heap.u8, addr, MUTEX_LOCKED_BIT);
  if (old === MUTEX_HAS_PARKED_BIT) unparkAll(heap, addr);
}

/**
 * Waits until the event at `addr` is set or `timeoutMs` passes (negative =
 * forever, 0 = do not wait) (`PyEvent_WaitTimed`). Like CPython it parks at
 * most once: a wake-up that finds the event still unset (a timeout) returns
 * false, and the caller decides whether to wait again.
 *
 * @param detach - run the heap's detach hook while parked (CPython's `detach`).
 * @returns whether the event is set.
 * @example
 * ```ts
 * // worker: wait up to 50 ms for the main thread's signal
 * if (!eventWaitTimed(heap, ready, 50, true)) console.log('not yet');
 * // main thread
 * eventNotify(heap, ready);
 * ```
 * @public
 */
export function eventWaitTimed(heap: HeapContext, addr: number, timeoutMs: number, detach: boolean): boolean {
  const u8 = heap.u8;
  for (;;) {
    const v = Atomics.load(u8, addr);
    if (v === MUTEX_LOCKED_BIT) return true;
    if (v === 0 && Atomics.compareExchange(u8, addr, 0, MUTEX_HAS_PARKED_BIT) !== 0) {
      // Someone set the event or recorded a waiter first: look again.
      continue;
    }
    // The byte stays HAS_PARKED after a timeout, as in CPython: the next
    // notify then visits the parking lot once for nothing, which is harmless.
    park(heap, addr, MUTEX_HAS_PARKED_BIT, 1, timeoutMs, 0, detach);
    return Atomics.load(u8, addr) === MUTEX_LOCKED_BIT;
  }
}

/**
 * Waits, detached, for as long as it takes until the event at `addr` is set
 * (`PyEvent_Wait`).
 * @public
 */
export function eventWait(heap: HeapContext, addr: number): void {
  while (!eventWaitTimed(heap, addr, -1, true)) {
    // A park with no timeout returns early only on a spurious wake-up: wait again.
  }
}
