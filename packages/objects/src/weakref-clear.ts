/**
 * The death of a weakly referenced object (`PyObject_ClearWeakRefs`,
 * `handle_callback`), and what the collector needs of weakrefs (its
 * `WeakrefHooks`, CPython's `_PyWeakref_ClearRef` and the callbacks of
 * `gc_free_threading.c`'s `call_weakref_callbacks`).
 *
 * Every type whose instances can be weakly referenced calls
 * {@link clearWeakRefs} from its dealloc, first (after untracking, before
 * anything of the object is released): the weakrefs are cleared, and the
 * callbacks of those that are still alive are called with the weakref,
 * newest first, each exactly once. A callback that raises is reported as
 * unraisable ("Exception ignored in: …"); the exception that was current
 * when the object died is kept, so a dealloc never raises a new one.
 */

import type { WeakrefHooks } from '@ft/gc';
import { decref, incref, tryIncref, type RcThread } from '@ft/refcount';
import { objectReprJs } from './abstract.js';
import { callOneArg } from './call.js';
import { errClear, errFetch, errGetRaisedException, errRestore, formatError } from './errors.js';
import { TPFLAGS_TYPE_SUBCLASS, WR_CALLBACK_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeHasFlag, typeOf } from './subtype.js';
import {
  clearWeakrefLockHeld,
  isBasicRefOrProxy,
  weakrefCheckProxy,
  weakrefCheckRef,
  weaklistHead,
  weaklistPtr,
  weakrefNext,
  weakrefsLock,
  weakrefsUnlock,
} from './weakref.js';

/**
 * What receives an unraisable error: the report as text ("Exception ignored
 * in: …" and the exception's line), the exception object (borrowed for the
 * call) and the repr of the object it happened in, for a hook that formats
 * its own report (with the traceback, as CPython's default hook does).
 * @public
 */
export type UnraisableHook = (text: string, exc: number, where: string) => void;

/** Where each thread's unraisable reports go (module scope is per thread; the VM installs `sys.unraisablehook`'s). */
const unraisableHooks = new WeakMap<ObThread, UnraisableHook>();

/**
 * Routes this thread's unraisable errors (a failed weakref callback or
 * `__del__`) to `hook` instead of the process's stderr; null restores the
 * default.
 * @public
 */
export function setUnraisableHook(t: ObThread, hook: UnraisableHook | null): void {
  if (hook === null) unraisableHooks.delete(t);
  else unraisableHooks.set(t, hook);
}

/**
 * `PyErr_WriteUnraisable(obj)`: reports the current exception as
 * "Exception ignored in: " and the repr of `obj` and the exception's line, and
 * clears it.
 * @public
 */
export function errWriteUnraisable(t: ObThread, obj: number): void {
  const fetched = errFetch(t);
  if (fetched === null) return;
  let where = obj === 0 ? null : objectReprJs(t, obj);
  if (where === null) {
    errClear(t);
    where = '<object repr() failed>';
  }
  const text = `Exception ignored in: ${where}\n${formatError(t, fetched)}\n`;
  errRestore(t, fetched);
  const exc = errGetRaisedException(t);
  const hook = unraisableHooks.get(t);
  if (hook !== undefined) hook(text, exc, where);
  else process.stderr.write(text);
  if (exc !== 0) decref(t.rc, exc);
}

/** `handle_callback`: `callback(wr)`; a failure is reported as unraisable. */
function handleCallback(t: ObThread, wr: number, callback: number): void {
  const result = callOneArg(t, callback, wr);
  if (result === 0) errWriteUnraisable(t, callback);
  else decref(t.rc, result);
}

/**
 * `PyObject_ClearWeakRefs(op)`, for the dealloc of a type that supports
 * weakrefs, its object's count at zero: clears every weakref to `op` and
 * calls the callbacks of the live ones, in list order (newest first),
 * after all are cleared. The callback-less basic ref and proxy at the
 * head (one of each may be live and another being destroyed) go first,
 * one per stripe hold; then each remaining weakref is cleared under the
 * stripe, its callback taken over, and kept with a reference for the call
 * unless it is itself being destroyed (`_Py_TryIncref`; its callback is
 * then just released). Never raises: the current exception is kept
 * around the callbacks.
 * @public
 */
export function clearWeakRefs(t: ObThread, op: number): void {
  const list = weaklistPtr(t, op);
  if (list === 0 || weaklistHead(t, list) === 0) return;
  for (let done = false; !done; ) {
    weakrefsLock(t, op);
    let head = weaklistHead(t, list);
    let callback = 0;
    if (head !== 0 && isBasicRefOrProxy(t, head)) callback = clearWeakrefLockHeld(t, t.none, head, true);
    head = weaklistHead(t, list);
    done = head === 0 || !isBasicRefOrProxy(t, head);
    weakrefsUnlock(t, op);
    if (callback !== 0) decref(t.rc, callback);
  }
  if (weaklistHead(t, list) === 0) return;
  // CPython keeps (weakref, callback) pairs in a tuple sized first; thread-local memory here, which
  // cannot fail to grow (so there is no "clear without callbacks" fallback).
  const pending: number[] = [];
  for (let done = false; !done; ) {
    weakrefsLock(t, op);
    const wr = weaklistHead(t, list);
    let callback = 0;
    if (wr !== 0) {
      callback = clearWeakrefLockHeld(t, t.none, wr, true);
      if (tryIncref(t.rc, wr)) {
        pending.push(wr, callback);
        callback = 0;
      }
    }
    done = weaklistHead(t, list) === 0;
    weakrefsUnlock(t, op);
    if (callback !== 0) decref(t.rc, callback);
  }
  if (pending.length === 0) return;
  const saved = errFetch(t);
  for (let i = 0; i < pending.length; i += 2) {
    if (pending[i + 1] !== 0) handleCallback(t, pending[i]!, pending[i + 1]!);
  }
  for (let i = 0; i < pending.length; i += 2) {
    decref(t.rc, pending[i]!);
    if (pending[i + 1] !== 0) decref(t.rc, pending[i + 1]!);
  }
  errRestore(t, saved);
}

/**
 * The collector's hooks into weakrefs (`GcHooks.weakrefs`), over the
 * thread's context in `box` (null until the thread has joined: no object
 * can be collected before then). `clear` runs with the world stopped and
 * takes no lock; `callCallback` with the world running, the weakref held
 * by the collector.
 * @internal
 */
export function weakrefGcHooks(box: { readonly t: ObThread | null }): WeakrefHooks {
  return {
    isWeakref: (_rc: RcThread, op: number) => box.t !== null && (weakrefCheckProxy(box.t, op) || weakrefCheckRef(box.t, op)),
    weakrefsTo: (_rc: RcThread, op: number) => {
      const t = box.t;
      const out: number[] = [];
      if (t === null) return out;
      const list = weaklistPtr(t, op);
      if (list === 0) return out;
      for (let wr = weaklistHead(t, list); wr !== 0; wr = weakrefNext(t, wr)) out.push(wr);
      return out;
    },
    clear: (_rc: RcThread, wr: number) => {
      if (box.t !== null) clearWeakrefLockHeld(box.t, box.t.none, wr, false);
    },
    hasCallback: (rc: RcThread, wr: number) => rc.u32[(wr + WR_CALLBACK_OFFSET) >>> 2] !== 0,
    callCallback: (_rc: RcThread, wr: number) => {
      const t = box.t!;
      // Cleared by the collector: no other thread can take or change the callback now.
      const callback = t.u32[(wr + WR_CALLBACK_OFFSET) >>> 2]!;
      if (callback === 0) return;
      incref(t.rc, callback);
      const saved = errFetch(t);
      handleCallback(t, wr, callback);
      errRestore(t, saved);
      decref(t.rc, callback);
    },
    isClass: (_rc: RcThread, op: number) => box.t !== null && typeHasFlag(box.t, typeOf(box.t, op), TPFLAGS_TYPE_SUBCLASS),
  };
}
