/**
 * Thread records (layout.ts): the part of a Python thread's state other
 * threads read — its id, whether it is done, whether it was joined — in
 * the shared heap, so that any thread can join any other.
 *
 * Joining follows CPython 3.13's fix of the `_tstate_lock` race (the
 * seed): the worker sets the `done` event only after the thread's body
 * has returned and its state is cleared, and a thread is joined once: the
 * first joiner (a CAS on `joinState`) waits for `done`, publishes JOINED
 * and frees the record; concurrent joiners park until JOINED; a join of a
 * thread whose record was already freed and reused returns at once (the
 * id in `joinState` differs). Joining twice is fine.
 */

import { eventWait, mutexLock, mutexUnlock, park, unparkAll, type HeapContext } from '@ft/atomics';
import {
  IS_MAX_THREADS_OFFSET,
  IS_NEXT_THREAD_ID_OFFSET,
  IS_RECORDS_LOCK_OFFSET,
  IS_THREADS_OFFSET,
  JOIN_DONE,
  JOIN_JOINING,
  JOIN_NONE,
  THREAD_RECORD_SIZE,
  TR_ASYNC_LOCK_OFFSET,
  TR_DONE_OFFSET,
  TR_ID_OFFSET,
  TR_JOIN_STATE_OFFSET,
  TR_STATE_OFFSET,
  THREAD_RUNNING,
} from '../layout.js';

/** The key of thread `id` in `joinState`: its low 30 bits, shifted over the two phase bits. */
function joinKey(id: number): number {
  return ((id & 0x3fffffff) << 2) >>> 0;
}

/**
 * Takes a free record (id 0) and gives it the next thread id: the record's
 * address, or 0 when every record is in use.
 * @internal
 */
export function recordAlloc(heap: HeapContext, interp: number): number {
  const u32 = heap.u32;
  const base = u32[(interp + IS_THREADS_OFFSET) >>> 2]!;
  const count = u32[(interp + IS_MAX_THREADS_OFFSET) >>> 2]!;
  mutexLock(heap, interp + IS_RECORDS_LOCK_OFFSET);
  let found = 0;
  // Next fit from the next id's position: a freed record is reused as late as possible, so that a
  // late reader of an old record (a joiner that lost the race) rarely meets a new thread there.
  const start = Atomics.load(u32, (interp + IS_NEXT_THREAD_ID_OFFSET) >>> 2) % count;
  for (let k = 0; k < count; k++) {
    const rec = base + ((start + k) % count) * THREAD_RECORD_SIZE;
    if (Atomics.load(u32, (rec + TR_ID_OFFSET) >>> 2) === 0) {
      found = rec;
      break;
    }
  }
  if (found !== 0) {
    const id = Atomics.add(u32, (interp + IS_NEXT_THREAD_ID_OFFSET) >>> 2, 1);
    // A fresh record: the other fields zeroed, the join state keyed to the new id, then the id published.
    // (Not the async lock: a late PyThreadState_SetAsyncExc may hold it to find that the id changed.)
    for (let off = 4; off < THREAD_RECORD_SIZE; off += 4) if (off !== TR_ASYNC_LOCK_OFFSET) Atomics.store(u32, (found + off) >>> 2, 0);
    Atomics.store(u32, (found + TR_JOIN_STATE_OFFSET) >>> 2, joinKey(id) | JOIN_NONE);
    Atomics.store(u32, (found + TR_ID_OFFSET) >>> 2, id);
  }
  mutexUnlock(heap, interp + IS_RECORDS_LOCK_OFFSET);
  return found;
}

/** The record's thread id (0: free). @internal */
export function recordId(heap: HeapContext, rec: number): number {
  return Atomics.load(heap.u32, (rec + TR_ID_OFFSET) >>> 2);
}

/**
 * How many threads' bodies run now (`_thread._count()`, CPython's
 * `interp->threads.count`): records past their worker's start and not yet
 * done. A snapshot: threads start and end while it is read.
 * @internal
 */
export function recordsRunning(heap: HeapContext, interp: number): number {
  const u32 = heap.u32;
  const base = u32[(interp + IS_THREADS_OFFSET) >>> 2]!;
  const count = u32[(interp + IS_MAX_THREADS_OFFSET) >>> 2]!;
  let running = 0;
  for (let k = 0; k < count; k++) {
    if (Atomics.load(u32, (base + k * THREAD_RECORD_SIZE + TR_STATE_OFFSET) >>> 2) === THREAD_RUNNING) running++;
  }
  return running;
}

/** Seams for the stress test's control: `joinOnce` false lets every joiner wait and free the record. @internal */
export const threadSeams = { joinOnce: true };

/**
 * Joins thread `id` whose record is `rec`: waits (detached) until it is
 * done; the first joiner frees the record. Returns false when the thread
 * had been joined already (its record freed, maybe reused), true when
 * this call saw it finish or waited for the join in progress.
 * @internal
 */
export function recordJoin(heap: HeapContext, rec: number, id: number): boolean {
  const u32 = heap.u32;
  const word = (rec + TR_JOIN_STATE_OFFSET) >>> 2;
  const key = joinKey(id);
  if (!threadSeams.joinOnce) {
    if (recordId(heap, rec) !== id) return false;
    eventWait(heap, rec + TR_DONE_OFFSET);
    Atomics.store(u32, (rec + TR_ID_OFFSET) >>> 2, 0);
    return true;
  }
  for (;;) {
    const s = Atomics.load(u32, word);
    if ((s & ~3) >>> 0 !== key) return false;
    const phase = s & 3;
    if (phase === JOIN_DONE) return true;
    if (phase === JOIN_NONE) {
      if (Atomics.compareExchange(u32, word, s, key | JOIN_JOINING) !== s) continue;
      eventWait(heap, rec + TR_DONE_OFFSET);
      Atomics.store(u32, word, key | JOIN_DONE);
      unparkAll(heap, rec + TR_JOIN_STATE_OFFSET);
      Atomics.store(u32, (rec + TR_ID_OFFSET) >>> 2, 0);
      return true;
    }
    // Another thread joins it: wait (detached) until the word changes.
    park(heap, rec + TR_JOIN_STATE_OFFSET, s | 0, 4, -1, 0, true);
  }
}
