/**
 * Readers–writer mutex (CPython `Python/lock.c`, `_PyRWMutex`), in one Int32
 * word: bit 0 = write-locked, bit 1 = some thread is parked, bits 2.. = number
 * of readers. Write-preferring, not fair and not re-entrant: once a thread has
 * parked (typically a writer waiting for readers to drain), new readers park
 * too instead of joining, so a stream of readers cannot starve a writer.
 * `HAS_PARKED` is cleared only by the write unlock, which wakes everyone; the
 * woken threads race again and re-set it if they must wait. CPython uses it
 * for the runtime's stop-the-world mutex (global stop-the-world takes it
 * exclusively, per-interpreter stop-the-world shared).
 *
 * Everyone parks through the parking lot on the word itself (width 4),
 * detached. The word is read as a signed Int32 (the only view `Atomics.wait`
 * accepts); reader counts are taken with `>>>` so they stay non-negative.
 */

import { fatalError, formatAddress } from './fatal.js';
import { RWMUTEX_HAS_PARKED_BIT, RWMUTEX_READER_SHIFT, RWMUTEX_READER_UNIT, RWMUTEX_WRITE_LOCKED_BIT } from './layout.js';
import { park, unparkAll } from './parking-lot.js';
import type { HeapContext } from './heap-context.js';

/**
 * Read-locks the RW mutex at `addr` (a 4-aligned Int32 word, zero = unlocked),
 * parking while a writer holds it or any thread is parked on it
 * (`_PyRWMutex_RLock`).
 * @example
 * ```ts
 * rwMutexRLock(heap, rw);
 * try { readSharedTable(); } finally { rwMutexRUnlock(heap, rw); }
 * ```
 * @public
 */
export function rwMutexRLock(heap: HeapContext, addr: number): void {
  const i32 = heap.i32;
  const index = addr >>> 2;
  const bits = Atomics.load(i32, index);
  if ((bits & (RWMUTEX_WRITE_LOCKED_BIT | RWMUTEX_HAS_PARKED_BIT)) === 0) {
    if (Atomics.compareExchange(i32, index, bits, (bits + RWMUTEX_READER_UNIT) | 0) === bits) return;
  }
  rwMutexRLockSlow(heap, addr);
}

function rwMutexRLockSlow(heap: HeapContext, addr: number): void {
  const i32 = heap.i32;
  const index = addr >>> 2;
  let bits = Atomics.load(i32, index);
  for (;;) {
    if ((bits & (RWMUTEX_WRITE_LOCKED_BIT | RWMUTEX_HAS_PARKED_BIT)) !== 0) {
      // Held by a writer, or readers hold it but a writer waits: joining them
      // would starve the writer, so wait for the writer to wake us.
      bits = rwMutexSetParkedAndWait(heap, addr, bits);
      continue;
    }
    const seen = Atomics.compareExchange(i32, index, bits, (bits + RWMUTEX_READER_UNIT) | 0);
    if (seen === bits) return;
    bits = seen;
  }
}

/**
 * Releases one read lock of the RW mutex at `addr`; the last reader out wakes
 * the parked threads (`_PyRWMutex_RUnlock`). Read-unlocking a mutex that has
 * no readers is a fatal error.
 * @public
 */
export function rwMutexRUnlock(heap: HeapContext, addr: number): void {
  const i32 = heap.i32;
  const index = addr >>> 2;
  const old = Atomics.sub(i32, index, RWMUTEX_READER_UNIT);
  if (old >>> RWMUTEX_READER_SHIFT === 0) rwMutexRUnlockNotLocked(heap, addr);
  const bits = (old - RWMUTEX_READER_UNIT) | 0;
  // HAS_PARKED stays set: the woken writer keeps it when it locks, and its
  // write unlock clears it (exchange to 0) and wakes everyone else.
  if (bits >>> RWMUTEX_READER_SHIFT === 0 && (bits & RWMUTEX_HAS_PARKED_BIT) !== 0) {
    unparkAll(heap, addr);
  }
}

function rwMutexRUnlockNotLocked(heap: HeapContext, addr: number): never {
  // Undo our subtraction (an add commutes with whatever others did since) so
  // that the error does not also corrupt the writer bit and the reader count.
  const restored = Atomics.add(heap.i32, addr >>> 2, RWMUTEX_READER_UNIT) + RWMUTEX_READER_UNIT;
  fatalError(`read-unlocking RW mutex at ${formatAddress(addr)} that has no readers (word ${restored | 0})`);
}

/**
 * Write-locks the RW mutex at `addr`, parking while readers or another writer
 * hold it (`_PyRWMutex_Lock`).
 * @example
 * ```ts
 * rwMutexLock(heap, rw);
 * try { rebuildSharedTable(); } finally { rwMutexUnlock(heap, rw); }
 * ```
 * @public
 */
export function rwMutexLock(heap: HeapContext, addr: number): void {
  if (Atomics.compareExchange(heap.i32, addr >>> 2, 0, RWMUTEX_WRITE_LOCKED_BIT) !== 0) {
    rwMutexLockSlow(heap, addr);
  }
}

function rwMutexLockSlow(heap: HeapContext, addr: number): void {
  const i32 = heap.i32;
  const index = addr >>> 2;
  let bits = Atomics.load(i32, index);
  for (;;) {
    // No readers and no writer: take it, keeping HAS_PARKED for the unlock
    // that must wake the others.
    if ((bits & ~RWMUTEX_HAS_PARKED_BIT) === 0) {
      const seen = Atomics.compareExchange(i32, index, bits, bits | RWMUTEX_WRITE_LOCKED_BIT);
      if (seen === bits) return;
      bits = seen;
      continue;
    }
    bits = rwMutexSetParkedAndWait(heap, addr, bits);
  }
}

/**
 * Releases the write lock of the RW mutex at `addr` and wakes every parked
 * thread (`_PyRWMutex_Unlock`). Unlocking a mutex that is not write-locked, or
 * that also counts readers, is a fatal error.
 * @public
 */
export function rwMutexUnlock(heap: HeapContext, addr: number): void {
  const old = Atomics.exchange(heap.i32, addr >>> 2, 0);
  if ((old & ~RWMUTEX_HAS_PARKED_BIT) !== RWMUTEX_WRITE_LOCKED_BIT) rwMutexUnlockNotLocked(heap, addr, old);
  if ((old & RWMUTEX_HAS_PARKED_BIT) !== 0) unparkAll(heap, addr);
}

function rwMutexUnlockNotLocked(heap: HeapContext, addr: number, old: number): never {
  // Put back what the exchange wiped (best effort: fails if someone already
  // locked the now-zero word) so that the error does not also lose the
  // readers' count and the parked bit.
  Atomics.compareExchange(heap.i32, addr >>> 2, 0, old);
  const what = (old & RWMUTEX_WRITE_LOCKED_BIT) === 0 ? 'that is not write-locked' : 'that is also read-locked';
  fatalError(`write-unlocking RW mutex at ${formatAddress(addr)} ${what} (word ${old})`);
}

/**
 * `rwmutex_set_parked_and_wait`: records HAS_PARKED (unless present) and parks
 * while the word still holds that value. Returns the word's fresh value, or
 * the value that made the CAS fail, for the caller to re-examine.
 */
function rwMutexSetParkedAndWait(heap: HeapContext, addr: number, bits: number): number {
  const i32 = heap.i32;
  const index = addr >>> 2;
  if ((bits & RWMUTEX_HAS_PARKED_BIT) === 0) {
    const wanted = bits | RWMUTEX_HAS_PARKED_BIT;
    const seen = Atomics.compareExchange(i32, index, bits, wanted);
    if (seen !== bits) return seen;
    bits = wanted;
  }
  park(heap, addr, bits, 4, -1, 0, true);
  return Atomics.load(i32, index);
}

/**
 * Number of read locks held on the RW mutex at `addr` (a racy snapshot, for
 * diagnostics and tests).
 * @public
 */
export function rwMutexReaderCount(heap: HeapContext, addr: number): number {
  return Atomics.load(heap.i32, addr >>> 2) >>> RWMUTEX_READER_SHIFT;
}

/**
 * Whether some thread holds the write lock of the RW mutex at `addr` (a racy
 * snapshot, for diagnostics and tests).
 * @public
 */
export function rwMutexIsWriteLocked(heap: HeapContext, addr: number): boolean {
  return (Atomics.load(heap.i32, addr >>> 2) & RWMUTEX_WRITE_LOCKED_BIT) !== 0;
}
