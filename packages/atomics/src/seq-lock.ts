/**
 * Sequence lock (CPython `Python/lock.c`, `_PySeqLock`): one u32 counter that
 * is even while the protected data is stable and odd while a writer changes
 * it. Writers serialise by moving it even → odd with a CAS and back to even
 * when done; readers never write shared memory: they note the (even) value,
 * read the data, and retry if the counter moved meanwhile. CPython uses it for
 * the type cache entries that lock-free readers consult.
 *
 * Where CPython calls `_Py_yield()` (`sched_yield`) this spins with
 * `Atomics.load` for up to {@link SEQLOCK_MAX_SPIN_COUNT} rounds and then
 * calls `yieldThread()` on every further round: JavaScript has no cheap
 * `sched_yield`, and a writer's critical section is a few stores long.
 *
 * Memory orders: CPython issues a release fence after the write lock's CAS and
 * an acquire fence before the read-side validation (gh-121368). Here the
 * write lock's CAS is a read-modify-write (V8 keeps later stores after it) and
 * the unlock an `Atomics.store` (earlier stores stay before it), so the writer
 * needs nothing more. The reader's validating load alone would not keep its
 * earlier plain reads of the data before it on a weakly ordered CPU, so
 * `seqLockEndRead` issues the acquire fence (an `Atomics.add` of 0 on the
 * heap's fence word, which V8 emits as a locked instruction) first, as
 * CPython does. Plain reads of the
 * protected data are then fine as long as their result is used only after
 * `seqLockEndRead` returned true (DESIGN.md §3: a hint re-validated by an
 * atomic operation).
 */

import { fatalError, formatAddress } from './fatal.js';
import type { HeapContext } from './heap-context.js';
import { HEAP_FENCE_WORD_OFFSET } from './layout.js';
import { yieldThread } from './spin.js';

/**
 * `Atomics.load` rounds a waiting writer or reader spends before it starts
 * yielding the CPU (about 2 µs of spinning).
 * @public
 */
export const SEQLOCK_MAX_SPIN_COUNT = 256;

/**
 * Locks the sequence lock at `addr` (a 4-aligned u32, zero-initialised) for
 * writing: moves it from even to odd, waiting while another writer holds it
 * (`_PySeqLock_LockWrite`).
 * @example
 * ```ts
 * seqLockLockWrite(heap, seq);
 * Atomics.store(heap.u32, entry >>> 2, newValue);
 * seqLockUnlockWrite(heap, seq);
 * ```
 * @public
 */
export function seqLockLockWrite(heap: HeapContext, addr: number): void {
  const u32 = heap.u32;
  const index = addr >>> 2;
  const prev = Atomics.load(u32, index);
  // `(prev + 1) >>> 0` wraps 0xffffffff to 0 as C's uint32_t does.
  if ((prev & 1) === 0 && Atomics.compareExchange(u32, index, prev, (prev + 1) >>> 0) === prev) return;
  seqLockLockWriteSlow(heap, addr);
}

function seqLockLockWriteSlow(heap: HeapContext, addr: number): void {
  const u32 = heap.u32;
  const index = addr >>> 2;
  let spins = 0;
  for (;;) {
    // CPython yields both while the counter is odd and after a failed CAS.
    if (spins < SEQLOCK_MAX_SPIN_COUNT) spins++;
    else yieldThread();
    const prev = Atomics.load(u32, index);
    if ((prev & 1) === 0 && Atomics.compareExchange(u32, index, prev, (prev + 1) >>> 0) === prev) return;
  }
}

/**
 * Ends a write: moves the sequence lock at `addr` from odd to the next even
 * value, so readers that overlapped the write retry (`_PySeqLock_UnlockWrite`).
 * Unlocking a sequence lock that is not write-locked is a fatal error.
 * @public
 */
export function seqLockUnlockWrite(heap: HeapContext, addr: number): void {
  const u32 = heap.u32;
  const index = addr >>> 2;
  // Only the writer changes an odd counter, so load-then-store cannot race.
  const seq = Atomics.load(u32, index);
  if ((seq & 1) === 0) seqLockNotWriteLocked(addr, seq, 'unlocking');
  Atomics.store(u32, index, (seq + 1) >>> 0);
}

/**
 * Ends a write that changed nothing: moves the sequence lock at `addr` back
 * to the even value it had before, so readers need not retry
 * (`_PySeqLock_AbandonWrite`). Fatal if it is not write-locked.
 * @public
 */
export function seqLockAbandonWrite(heap: HeapContext, addr: number): void {
  const u32 = heap.u32;
  const index = addr >>> 2;
  const seq = Atomics.load(u32, index);
  if ((seq & 1) === 0) seqLockNotWriteLocked(addr, seq, 'abandoning');
  Atomics.store(u32, index, (seq - 1) >>> 0);
}

function seqLockNotWriteLocked(addr: number, seq: number, what: string): never {
  // CPython only asserts here; an even counter made odd would make every
  // reader wait forever, so this is checked in every build.
  fatalError(`${what} write of sequence lock at ${formatAddress(addr)} that is not write-locked (sequence ${seq})`);
}

/**
 * Starts a read: returns the sequence lock's current even value, waiting
 * while a writer is active (`_PySeqLock_BeginRead`). Pass the result to
 * {@link seqLockEndRead} after reading the protected data.
 * @example
 * ```ts
 * let value: number;
 * let seq: number;
 * do {
 *   seq = seqLockBeginRead(heap, lock);
 *   value = Atomics.load(heap.u32, entry >>> 2);
 * } while (!seqLockEndRead(heap, lock, seq));
 * ```
 * @public
 */
export function seqLockBeginRead(heap: HeapContext, addr: number): number {
  const seq = Atomics.load(heap.u32, addr >>> 2);
  if ((seq & 1) === 0) return seq;
  return seqLockBeginReadSlow(heap, addr);
}

function seqLockBeginReadSlow(heap: HeapContext, addr: number): number {
  const u32 = heap.u32;
  const index = addr >>> 2;
  let spins = 0;
  for (;;) {
    if (spins < SEQLOCK_MAX_SPIN_COUNT) spins++;
    else yieldThread();
    const seq = Atomics.load(u32, index);
    if ((seq & 1) === 0) return seq;
  }
}

/**
 * Finishes a read begun with {@link seqLockBeginRead}: true if no writer
 * changed the data since (`previous` still current), false if the read must be
 * retried (`_PySeqLock_EndRead`). It issues gh-121368's acquire fence first.
 * @public
 */
export function seqLockEndRead(heap: HeapContext, addr: number, previous: number): boolean {
  // CPython: _Py_atomic_fence_acquire — keeps the caller's plain reads of the data before the validating load.
  Atomics.add(heap.i32, HEAP_FENCE_WORD_OFFSET >>> 2, 0);
  if (Atomics.load(heap.u32, addr >>> 2) === previous) return true;
  seqLockEndReadSlow(heap, addr);
  return false;
}

function seqLockEndReadSlow(heap: HeapContext, addr: number): void {
  // CPython yields once here so that the writer can finish before the retry.
  // Spin for that instead, and give the CPU away only if the writer is still
  // busy after the spin budget.
  const u32 = heap.u32;
  const index = addr >>> 2;
  for (let spins = 0; spins < SEQLOCK_MAX_SPIN_COUNT; spins++) {
    if ((Atomics.load(u32, index) & 1) === 0) return;
  }
  yieldThread();
}
