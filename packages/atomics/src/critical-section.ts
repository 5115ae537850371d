/**
 * Critical sections (CPython `Python/critical_section.c`): per-object locking
 * that cannot deadlock on lock order. A thread keeps a stack of the sections it
 * is in. Whenever it would block (a contended section, or any detaching wait)
 * it first suspends every active section, releasing their mutexes, so no thread
 * ever sleeps while holding one object's lock and wanting another's. When the
 * thread runs again only the top section is re-locked; deeper ones are re-locked
 * lazily as sections above them end. Code inside a section may therefore see
 * other threads' changes after anything that can block — exactly CPython's
 * contract.
 *
 * CPython links `PyCriticalSection` structs on the C stack and tags the links
 * with INACTIVE and TWO_MUTEXES bits. Only the owning thread ever reads the
 * chain, so here it is a thread-local array stack: mutex 1, mutex 2 (0 for a
 * single-mutex section), an active flag and a re-entrant flag per level. A
 * mutex field of 0 means "being acquired, nothing to release" (CPython's NULL).
 * A re-entrant level (a section on the mutex the section below already holds,
 * CPython 3.14) holds nothing itself: it is transparent, as CPython's is by not
 * being linked in at all, so resuming it re-locks the level that owns the mutex.
 */

import { fatalError } from './fatal.js';
import { LOCK_DETACH, mutexLockFlags, mutexUnlock } from './py-mutex.js';
import type { CriticalSectionStack } from './critical-section-stack.js';
import type { HeapContext } from './heap-context.js';

/**
 * Enters a critical section on the PyMutex at `mutex` (`PyCriticalSection_Begin`).
 * @example
 * ```ts
 * criticalSectionBegin(heap, obj + OB_MUTEX_OFFSET);
 * try { mutateObject(obj); } finally { criticalSectionEnd(heap); }
 * ```
 * @public
 */
export function criticalSectionBegin(heap: HeapContext, mutex: number): void {
  if (Atomics.compareExchange(heap.u8, mutex, 0, 1) === 0) {
    heap.criticalSections.push(mutex, 0, 0);
  } else {
    criticalSectionBeginSlow(heap, mutex);
  }
}

function criticalSectionBeginSlow(heap: HeapContext, mutex: number): void {
  const cs = heap.criticalSections;
  const d = cs.depth;
  if (d > 0 && criticalSectionHolds(heap, mutex)) {
    // Re-entering an object the innermost section already holds (CPython
    // 3.14): nothing to lock now, nothing to unlock at the end.
    cs.push(0, 0, 1);
    return;
  }
  // Link in before blocking with the mutex field empty, so that the suspend
  // that parking triggers releases the outer sections but not this one.
  cs.push(0, 0, 0);
  mutexLockFlags(heap, mutex, LOCK_DETACH);
  cs.mutex1[cs.depth - 1] = mutex;
}

/**
 * Enters a critical section on two mutexes at once (`PyCriticalSection2_Begin`):
 * locked in address order; the same mutex twice is locked once.
 * @public
 */
export function criticalSectionBegin2(heap: HeapContext, mutexA: number, mutexB: number): void {
  if (mutexA === mutexB) {
    criticalSectionBegin(heap, mutexA);
    return;
  }
  const m1 = mutexA < mutexB ? mutexA : mutexB;
  const m2 = mutexA < mutexB ? mutexB : mutexA;
  const u8 = heap.u8;
  if (Atomics.compareExchange(u8, m1, 0, 1) === 0) {
    if (Atomics.compareExchange(u8, m2, 0, 1) === 0) {
      heap.criticalSections.push(m1, m2, 0);
      return;
    }
    criticalSectionBegin2Slow(heap, m1, m2, true);
  } else {
    criticalSectionBegin2Slow(heap, m1, m2, false);
  }
}

function criticalSectionBegin2Slow(heap: HeapContext, m1: number, m2: number, m1Locked: boolean): void {
  const cs = heap.criticalSections;
  cs.push(0, 0, 0);
  if (!m1Locked) mutexLockFlags(heap, m1, LOCK_DETACH);
  mutexLockFlags(heap, m2, LOCK_DETACH);
  const top = cs.depth - 1;
  cs.mutex1[top] = m1;
  cs.mutex2[top] = m2;
}

/**
 * Leaves the innermost critical section (`PyCriticalSection_End` and
 * `PyCriticalSection2_End`), and re-locks the section below it if that one was
 * suspended.
 * @public
 */
export function criticalSectionEnd(heap: HeapContext): void {
  const cs = heap.criticalSections;
  const top = cs.depth - 1;
  if (top < 0 || cs.active[top] === 0) criticalSectionEndMisuse(heap);
  const m2 = cs.mutex2[top];
  if (m2 !== 0) mutexUnlock(heap, m2);
  const m1 = cs.mutex1[top];
  if (m1 !== 0) mutexUnlock(heap, m1);
  cs.depth = top;
  if (top > 0 && cs.active[top - 1] === 0) criticalSectionResume(heap);
}

function criticalSectionEndMisuse(heap: HeapContext): never {
  fatalError(`thread ${heap.tid} ends a critical section it is not in`);
}

/**
 * Suspends every active critical section of the calling thread, releasing their
 * mutexes (`_PyCriticalSection_SuspendAll`); the default detach hook.
 * @beta
 */
export function criticalSectionSuspendAll(heap: HeapContext): void {
  const cs = heap.criticalSections;
  for (let i = cs.depth - 1; i >= 0 && cs.active[i] !== 0; i--) {
    const m2 = cs.mutex2[i];
    if (m2 !== 0) mutexUnlock(heap, m2);
    const m1 = cs.mutex1[i];
    if (m1 !== 0) mutexUnlock(heap, m1);
    cs.active[i] = 0;
  }
}

/**
 * Re-locks the calling thread's top critical section (`_PyCriticalSection_Resume`).
 * @beta
 */
export function criticalSectionResume(heap: HeapContext): void {
  const cs = heap.criticalSections;
  let owner = cs.depth - 1;
  while (cs.reentrant[owner] !== 0) owner--;
  lockLevel(heap, cs, owner);
  // Re-entrant levels above the owner hold again once it does.
  for (let i = owner + 1; i < cs.depth; i++) cs.active[i] = 1;
}

function lockLevel(heap: HeapContext, cs: CriticalSectionStack, top: number): void {
  const m1 = cs.mutex1[top];
  const m2 = cs.mutex2[top];
  // Empty the fields while locking: if we park, the suspend that parking
  // triggers must not release mutexes we do not hold yet.
  cs.mutex1[top] = 0;
  cs.mutex2[top] = 0;
  if (m1 !== 0) mutexLockFlags(heap, m1, LOCK_DETACH);
  if (m2 !== 0) mutexLockFlags(heap, m2, LOCK_DETACH);
  cs.mutex1[top] = m1;
  cs.mutex2[top] = m2;
  cs.active[top] = 1;
}

/**
 * The default attach hook: resumes the top critical section if it is suspended.
 * @beta
 */
export function criticalSectionResumeOnAttach(heap: HeapContext): void {
  const cs = heap.criticalSections;
  if (cs.depth > 0 && cs.active[cs.depth - 1] === 0) criticalSectionResume(heap);
}

/**
 * Whether the calling thread's innermost active section holds `mutex`
 * (the debug assertion `_Py_CRITICAL_SECTION_ASSERT_MUTEX_LOCKED`).
 * @public
 */
export function criticalSectionHolds(heap: HeapContext, mutex: number): boolean {
  const cs = heap.criticalSections;
  for (let i = cs.depth - 1; i >= 0; i--) {
    if (cs.active[i] === 0) return false;
    // A re-entrant level holds its object through the level below it.
    if (cs.reentrant[i] === 0) return cs.mutex1[i] === mutex || cs.mutex2[i] === mutex;
  }
  return false;
}
