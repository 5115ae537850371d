/**
 * Recursive mutex (CPython `Python/lock.c`, `_PyRecursiveMutex`): a PyMutex
 * plus the id of the thread that holds it and a nesting level, so the owner
 * can lock it again without deadlocking (used for the import lock and
 * similar re-entrant runtime locks). Owner identity is the heap thread id
 * (`heap.tid` ≥ 1; 0 = no owner), CPython's `PyThread_get_thread_ident_ex()`.
 *
 * Memory orders: anyone may read `owner` to ask "is it me?", so it is always
 * accessed with `Atomics` (CPython uses relaxed atomics). A thread can only
 * ever read its own tid there if it wrote it itself, so a stale value never
 * makes a non-owner believe it owns the lock. `level` is touched only by the
 * owner while it holds the mutex, hence plain accesses.
 */

import { fatalError, formatAddress } from './fatal.js';
import {
  RECURSIVE_MUTEX_LEVEL_OFFSET,
  RECURSIVE_MUTEX_MUTEX_OFFSET,
  RECURSIVE_MUTEX_OWNER_OFFSET,
} from './layout.js';
import { LOCK_ACQUIRED, mutexLock, mutexLockTimed, mutexTryLock, mutexUnlock } from './py-mutex.js';
import type { HeapContext } from './heap-context.js';

/** Deepest nesting a u32 level can count; one more re-lock would wrap. */
const MAX_LEVEL = 0xffffffff;

/**
 * Whether the calling thread holds the recursive mutex at `addr`
 * (`_PyRecursiveMutex_IsLockedByCurrentThread`).
 * @public
 */
export function recursiveMutexIsLockedByMe(heap: HeapContext, addr: number): boolean {
  return Atomics.load(heap.u32, (addr + RECURSIVE_MUTEX_OWNER_OFFSET) >>> 2) === heap.tid;
}

/**
 * Locks the recursive mutex at `addr` (12 bytes, 4-aligned, zeroed = unlocked),
 * or counts one more level if the calling thread already holds it; parks,
 * detached, while another thread holds it (`_PyRecursiveMutex_Lock`).
 * @example
 * ```ts
 * recursiveMutexLock(heap, m);
 * recursiveMutexLock(heap, m); // same thread: no deadlock
 * recursiveMutexUnlock(heap, m);
 * recursiveMutexUnlock(heap, m);
 * ```
 * @public
 */
export function recursiveMutexLock(heap: HeapContext, addr: number): void {
  if (recursiveMutexIsLockedByMe(heap, addr)) {
    recursiveMutexRelock(heap, addr);
    return;
  }
  mutexLock(heap, addr + RECURSIVE_MUTEX_MUTEX_OFFSET);
  recursiveMutexTakeOwnership(heap, addr);
}

/**
 * Locks the recursive mutex at `addr`, giving up after `timeoutMs` (negative =
 * forever, 0 = do not wait) (`_PyRecursiveMutex_LockTimed`, CPython 3.14).
 * The owner re-locks at once.
 * @param flags - `LOCK_DETACH` or `LOCK_DONT_DETACH`, as for `mutexLockTimed`.
 * @returns `LOCK_ACQUIRED` or `LOCK_FAILURE`.
 * @public
 */
export function recursiveMutexLockTimed(heap: HeapContext, addr: number, timeoutMs: number, flags: number): number {
  if (recursiveMutexIsLockedByMe(heap, addr)) {
    recursiveMutexRelock(heap, addr);
    return LOCK_ACQUIRED;
  }
  const status = mutexLockTimed(heap, addr + RECURSIVE_MUTEX_MUTEX_OFFSET, timeoutMs, flags);
  if (status === LOCK_ACQUIRED) recursiveMutexTakeOwnership(heap, addr);
  return status;
}

/**
 * Locks the recursive mutex at `addr` only if that needs no waiting: it is
 * free, or the calling thread already holds it (one more level).
 * No direct CPython counterpart (`_PyRecursiveMutex_LockTimed` with timeout 0).
 * @returns whether the calling thread now holds it.
 * @public
 */
export function recursiveMutexTryLock(heap: HeapContext, addr: number): boolean {
  if (recursiveMutexIsLockedByMe(heap, addr)) {
    recursiveMutexRelock(heap, addr);
    return true;
  }
  if (!mutexTryLock(heap, addr + RECURSIVE_MUTEX_MUTEX_OFFSET)) return false;
  recursiveMutexTakeOwnership(heap, addr);
  return true;
}

/**
 * Releases one level of the recursive mutex at `addr`, and the mutex itself
 * when the outermost level is released (`_PyRecursiveMutex_Unlock`). Unlocking
 * a recursive mutex the calling thread does not hold is a fatal error.
 * @public
 */
export function recursiveMutexUnlock(heap: HeapContext, addr: number): void {
  if (!recursiveMutexIsLockedByMe(heap, addr)) recursiveMutexNotOwned(heap, addr);
  const levelIndex = (addr + RECURSIVE_MUTEX_LEVEL_OFFSET) >>> 2;
  // SAFETY: only the owner touches `level`, and we are the owner (both accesses).
  const level = heap.u32[levelIndex];
  if (level > 0) {
    heap.u32[levelIndex] = level - 1;
    return;
  }
  // Clear the owner before unlocking, as CPython does: once the mutex is
  // free the next owner stores its own tid, and ours must not overwrite it.
  Atomics.store(heap.u32, (addr + RECURSIVE_MUTEX_OWNER_OFFSET) >>> 2, 0);
  mutexUnlock(heap, addr + RECURSIVE_MUTEX_MUTEX_OFFSET);
}

/**
 * The tid of the thread holding the recursive mutex at `addr`, 0 when free
 * (a racy snapshot, for diagnostics and tests).
 * @public
 */
export function recursiveMutexOwner(heap: HeapContext, addr: number): number {
  return Atomics.load(heap.u32, (addr + RECURSIVE_MUTEX_OWNER_OFFSET) >>> 2);
}

function recursiveMutexRelock(heap: HeapContext, addr: number): void {
  const levelIndex = (addr + RECURSIVE_MUTEX_LEVEL_OFFSET) >>> 2;
  // SAFETY: only the owner touches `level`, and the caller checked we are it
  // (both accesses).
  const level = heap.u32[levelIndex];
  if (level === MAX_LEVEL) {
    fatalError(`recursive mutex at ${formatAddress(addr)}: thread ${heap.tid} re-locked it ${MAX_LEVEL} times, the level would wrap`);
  }
  heap.u32[levelIndex] = level + 1;
}

function recursiveMutexTakeOwnership(heap: HeapContext, addr: number): void {
  // SAFETY: we hold the mutex; `level` was left at 0 by the previous owner's
  // last unlock (or by zeroed memory) and nobody else writes it. A non-zero
  // level means the structure was corrupted or unlocked behind our back.
  if (heap.u32[(addr + RECURSIVE_MUTEX_LEVEL_OFFSET) >>> 2] !== 0) {
    fatalError(`recursive mutex at ${formatAddress(addr)}: level is not 0 when acquired (corrupted or unlocked with mutexUnlock)`);
  }
  Atomics.store(heap.u32, (addr + RECURSIVE_MUTEX_OWNER_OFFSET) >>> 2, heap.tid);
}

function recursiveMutexNotOwned(heap: HeapContext, addr: number): never {
  const owner = Atomics.load(heap.u32, (addr + RECURSIVE_MUTEX_OWNER_OFFSET) >>> 2);
  fatalError(
    `unlocking recursive mutex at ${formatAddress(addr)} that is not owned by the current thread ` +
      `(thread ${heap.tid}; owner ${owner === 0 ? 'none' : `thread ${owner}`})`,
  );
}
