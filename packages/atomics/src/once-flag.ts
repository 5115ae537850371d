/**
 * Once flag (CPython `Python/lock.c`, `_PyOnceFlag`): runs an initialiser
 * exactly once across all threads, in one byte. 0 = not initialised,
 * `MUTEX_LOCKED_BIT` (1) = an initialiser is running, `ONCE_INITIALIZED` (4) =
 * done; `MUTEX_HAS_PARKED_BIT` (2) is ORed into the running state when threads
 * park waiting for it. An initialiser that fails resets the flag to 0 so a
 * later caller tries again. The fast path is one `Atomics.load`.
 *
 * Where this differs from CPython: an initialiser that throws (C has no
 * exceptions) is treated as a failure — the flag is reset and waiters are
 * woken — and the exception is rethrown; an initialiser returning something
 * other than 0 or -1 also releases the flag before the fatal error, because a
 * thrown fatal error, unlike CPython's abort, leaves other workers running,
 * and they would otherwise sleep forever.
 */

import { fatalError, formatAddress } from './fatal.js';
import { MUTEX_HAS_PARKED_BIT, MUTEX_LOCKED_BIT, ONCE_INITIALIZED } from './layout.js';
import { park, unparkAll } from './parking-lot.js';
import type { HeapContext } from './heap-context.js';

/**
 * An initialiser run by {@link callOnce}: returns 0 on success, -1 on failure
 * (CPython's `_Py_once_fn_t`).
 * @public
 */
export type OnceFunction = (arg: number) => number;

/**
 * Runs `fn(arg)` unless the once flag at `addr` is already initialised; when
 * another thread is running its initialiser, waits (parked, detached) for it
 * to finish (`_PyOnceFlag_CallOnce`).
 *
 * @returns 0 when the flag is (now) initialised, -1 when this call's `fn`
 * failed (the flag is then reset and a later call retries). A return of
 * anything else from `fn` is a fatal error.
 * @example
 * ```ts
 * if (callOnce(heap, flag, initTable, table) < 0) throw new Error('init failed');
 * ```
 * @public
 */
export function callOnce(heap: HeapContext, addr: number, fn: OnceFunction, arg: number): number {
  if (Atomics.load(heap.u8, addr) === ONCE_INITIALIZED) return 0;
  return callOnceSlow(heap, addr, fn, arg);
}

function callOnceSlow(heap: HeapContext, addr: number, fn: OnceFunction, arg: number): number {
  const u8 = heap.u8;
  let v = Atomics.load(u8, addr);
  for (;;) {
    if (v === 0) {
      const seen = Atomics.compareExchange(u8, addr, 0, MUTEX_LOCKED_BIT);
      if (seen !== 0) {
        v = seen;
        continue;
      }
      return runInitializer(heap, addr, fn, arg);
    }
    if (v === ONCE_INITIALIZED) return 0;
    if ((v | MUTEX_HAS_PARKED_BIT) !== (MUTEX_LOCKED_BIT | MUTEX_HAS_PARKED_BIT)) {
      // Only 1 and 3 remain valid (CPython asserts the running bit); parking
      // on anything else could sleep forever.
      fatalError(`once flag at ${formatAddress(addr)} holds invalid state ${v}`);
    }
    // Another thread is running the initialiser: record that we wait.
    if ((v & MUTEX_HAS_PARKED_BIT) === 0) {
      const wanted = v | MUTEX_HAS_PARKED_BIT;
      const seen = Atomics.compareExchange(u8, addr, v, wanted);
      if (seen !== v) {
        v = seen;
        continue;
      }
      v = wanted;
    }
    park(heap, addr, v, 1, -1, 0, true);
    v = Atomics.load(u8, addr);
  }
}

function runInitializer(heap: HeapContext, addr: number, fn: OnceFunction, arg: number): number {
  let res: number;
  try {
    res = fn(arg);
  } catch (error) {
    unlockOnce(heap, addr, 0);
    throw error;
  }
  if (res === 0) {
    unlockOnce(heap, addr, ONCE_INITIALIZED);
  } else {
    unlockOnce(heap, addr, 0);
    if (res !== -1) fatalError(`once flag at ${formatAddress(addr)}: initialiser returned ${res}, not 0 or -1`);
  }
  return res;
}

/** `unlock_once`: publishes the outcome and wakes the waiters if any parked. */
function unlockOnce(heap: HeapContext, addr: number, value: number): void {
  // The exchange is seq_cst: everything the initialiser wrote happens-before
  // any thread that later reads ONCE_INITIALIZED, including on the fast path.
  const old = Atomics.exchange(heap.u8, addr, value);
  if ((old & MUTEX_HAS_PARKED_BIT) !== 0) unparkAll(heap, addr);
}

/**
 * Whether the once flag at `addr` has completed its initialisation (the
 * fast-path test of `_PyOnceFlag_CallOnce`; CPython has no separate function).
 * @public
 */
export function onceFlagIsInitialized(heap: HeapContext, addr: number): boolean {
  return Atomics.load(heap.u8, addr) === ONCE_INITIALIZED;
}
