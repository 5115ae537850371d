/**
 * Asynchronous exceptions (`PyThreadState_SetAsyncExc`, `_Py_HandlePending`'s
 * async-exception branch): one thread asks another to raise an exception at
 * its next safe point. The pending exception lives in the target's thread
 * record, and eval-breaker bit 3 (`_PY_ASYNC_EXCEPTION_BIT`) on the target's
 * participant makes its next safe point take it and raise it — the error
 * is set on the thread (`t.error`), where the VM's loop, like a thread body,
 * finds it after the safe point.
 */

import { EVAL_ASYNC_EXCEPTION_BIT, mutexLock, mutexUnlock, setEvalBreakerBits, setEvalBreakerHandler } from '@ft/atomics';
import { errSetNone, TPFLAGS_BASE_EXC_SUBCLASS, TPFLAGS_TYPE_SUBCLASS, typeHasFlag, typeOf, type ObjectsThreadState, type ObThread } from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { IS_MAX_THREADS_OFFSET, IS_THREADS_OFFSET, THREAD_RECORD_SIZE, TR_ASYNC_EXC_OFFSET, TR_ASYNC_LOCK_OFFSET, TR_ID_OFFSET, TR_PARTICIPANT_OFFSET } from '../layout.js';

/**
 * `PyThreadState_SetAsyncExc(id, exc)`: makes thread `ident` raise `exc`
 * (an exception class; 0 clears a pending one) at its next safe point.
 * Returns the number of threads it changed: 1, or 0 when no running
 * thread has that id (not started, done, or the main thread — which ft's
 * runtime does not interrupt this way yet).
 * @throws TypeError when `exc` is neither 0 nor an exception class.
 * @public
 */
export function setAsyncExc(t: ObThread, interp: number, ident: number, exc: number): number {
  if (exc !== 0 && !(typeHasFlag(t, typeOf(t, exc), TPFLAGS_TYPE_SUBCLASS) && typeHasFlag(t, exc, TPFLAGS_BASE_EXC_SUBCLASS))) {
    throw new TypeError('setAsyncExc: exc must be an exception class (a subclass of BaseException) or 0');
  }
  const heap = t.heap;
  const u32 = heap.u32;
  const base = u32[(interp + IS_THREADS_OFFSET) >>> 2]!;
  const count = u32[(interp + IS_MAX_THREADS_OFFSET) >>> 2]!;
  for (let k = 0; k < count; k++) {
    const rec = base + k * THREAD_RECORD_SIZE;
    if (Atomics.load(u32, (rec + TR_ID_OFFSET) >>> 2) !== ident) continue;
    mutexLock(heap, rec + TR_ASYNC_LOCK_OFFSET);
    const participant = Atomics.load(u32, (rec + TR_PARTICIPANT_OFFSET) >>> 2);
    // Under the lock, the id and the participant are the thread's (a record is reused only after
    // its thread cleared the participant, under this lock).
    if (Atomics.load(u32, (rec + TR_ID_OFFSET) >>> 2) !== ident || participant === 0) {
      mutexUnlock(heap, rec + TR_ASYNC_LOCK_OFFSET);
      return 0;
    }
    if (exc !== 0) incref(t.rc, exc);
    const old = Atomics.exchange(u32, (rec + TR_ASYNC_EXC_OFFSET) >>> 2, exc);
    if (exc !== 0) setEvalBreakerBits(heap, participant, EVAL_ASYNC_EXCEPTION_BIT);
    mutexUnlock(heap, rec + TR_ASYNC_LOCK_OFFSET);
    if (old !== 0) decref(t.rc, old);
    return 1;
  }
  return 0;
}

/**
 * Opens thread record `rec` to async exceptions for the running thread
 * state `ts` (its participant published, its handler of bit 3 installed).
 * @internal
 */
export function asyncExcOpen(ts: ObjectsThreadState, rec: number): void {
  const heap = ts.t.heap;
  const u32 = heap.u32;
  setEvalBreakerHandler(ts.participant, EVAL_ASYNC_EXCEPTION_BIT, () => {
    const exc = Atomics.exchange(u32, (rec + TR_ASYNC_EXC_OFFSET) >>> 2, 0);
    if (exc === 0) return;
    errSetNone(ts.t, exc);
    decref(ts.rc, exc);
  });
  mutexLock(heap, rec + TR_ASYNC_LOCK_OFFSET);
  Atomics.store(u32, (rec + TR_PARTICIPANT_OFFSET) >>> 2, ts.participant.address);
  mutexUnlock(heap, rec + TR_ASYNC_LOCK_OFFSET);
}

/**
 * Closes it again before the thread state is deleted: no one can set an
 * exception on it any more; one still pending is dropped.
 * @internal
 */
export function asyncExcClose(ts: ObjectsThreadState, rec: number): void {
  const heap = ts.t.heap;
  const u32 = heap.u32;
  mutexLock(heap, rec + TR_ASYNC_LOCK_OFFSET);
  Atomics.store(u32, (rec + TR_PARTICIPANT_OFFSET) >>> 2, 0);
  const exc = Atomics.exchange(u32, (rec + TR_ASYNC_EXC_OFFSET) >>> 2, 0);
  mutexUnlock(heap, rec + TR_ASYNC_LOCK_OFFSET);
  if (exc !== 0) decref(ts.rc, exc);
  setEvalBreakerHandler(ts.participant, EVAL_ASYNC_EXCEPTION_BIT, null);
}
