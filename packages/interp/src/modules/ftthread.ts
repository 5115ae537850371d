/**
 * `_ftthread`: the primitives `lib/_thread.py` and `lib/threading.py` are
 * written over (CPython's `Modules/_threadmodule.c` in spirit): starting a
 * Python thread on the runtime's pooled workers, joining it (detached
 * while it waits), and locks that are a PyMutex word inside a private
 * bytes object (acquire parks detached, with a timeout; any thread may
 * release, as `_thread.LockType` allows).
 */

import { availableParallelism } from 'node:os';
import { LOCK_ACQUIRED, LOCK_DETACH, mutexIsLocked, mutexLockTimed, mutexUnlock } from '@ft/atomics';
import {
  bytesCheckExact,
  bytesData,
  bytesFromBytes,
  bytesSize,
  dictCheckExact,
  errRaise,
  floatAsDouble,
  floatCheckExact,
  intAsNumber,
  intFromNumber,
  METH_FASTCALL,
  METH_NOARGS,
  StaticType,
  TPFLAGS_TUPLE_SUBCLASS,
  tupleFromArray,
  typeHasFlag,
  typeOf,
  typeSlotId,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { joinThread } from '../runtime/thread-handle.js';
import { vmOf } from '../vm/vm-thread.js';
import type { ModuleDef } from './module-def.js';
import { THREAD_LOCAL_FUNCTIONS } from './thread-local.js';

function arg(t: ObThread, args: number, i: number): number {
  return t.u32[(args >>> 2) + i]!;
}

/** `start(func, args, kwargs, daemon)`: (ident, record) of a new thread running `func(*args, **kwargs)`. */
function start(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 4) return errRaise(t, StaticType.TypeError, `start expected 4 arguments, got ${nargs}`);
  const func = arg(t, args, 0);
  const fargs = arg(t, args, 1);
  const kwargs = arg(t, args, 2);
  if (typeSlotId(t, typeOf(t, func), 'call') === 0 && typeSlotId(t, typeOf(t, func), 'vectorcall') === 0) return errRaise(t, StaticType.TypeError, 'first arg must be callable');
  if (!typeHasFlag(t, typeOf(t, fargs), TPFLAGS_TUPLE_SUBCLASS)) return errRaise(t, StaticType.TypeError, '2nd arg must be a tuple');
  if (kwargs !== t.none && !dictCheckExact(t, kwargs)) return errRaise(t, StaticType.TypeError, 'optional 3rd arg must be a dictionary');
  const vm = vmOf(t);
  if (vm.startThread === null) return errRaise(t, StaticType.RuntimeError, "can't start new thread: this interpreter runs without a runtime's workers");
  // From now on this thread's output goes out line by line, interleaving with the new thread's as written.
  vm.interp.stdout.flush();
  vm.interp.stdout.lineMode = true;
  vm.interp.stderr.lineMode = true;
  // The thread takes this reference over (python-thread.ts releases it).
  const spec = tupleFromArray(t, [func, fargs, kwargs]);
  if (spec === 0) return 0;
  let handle;
  try {
    handle = vm.startThread('pythonThread', spec, { daemon: arg(t, args, 3) === t.true });
  } catch (error) {
    decref(t.rc, spec);
    const message = error instanceof Error ? error.message : String(error);
    if (/final/i.test(message)) return errRaise(t, StaticType.PythonFinalizationError, "can't create new thread at interpreter shutdown");
    return errRaise(t, StaticType.RuntimeError, `can't start new thread (${message})`);
  }
  const ident = intFromNumber(t, handle.ident);
  const record = intFromNumber(t, handle.record);
  const r = tupleFromArray(t, [ident, record]);
  decref(t.rc, ident);
  decref(t.rc, record);
  return r;
}

/** `join(record, ident)`: waits (detached) for the thread to end; True if this call joined it. */
function join(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 2) return errRaise(t, StaticType.TypeError, `join expected 2 arguments, got ${nargs}`);
  const joined = joinThread(t.heap, intAsNumber(t, arg(t, args, 0)), intAsNumber(t, arg(t, args, 1)));
  return joined ? t.true : t.false;
}

/** The lock word of a lock state (a private bytes object made by `lock_new`). */
function lockAddress(t: ObThread, state: number): number {
  if (!bytesCheckExact(t, state) || bytesSize(t, state) !== 4) return 0;
  return bytesData(t, state);
}

/** `lock_acquire(state, blocking, timeout)`: True when acquired (timeout in seconds, -1 forever). */
function lockAcquire(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 3) return errRaise(t, StaticType.TypeError, `lock_acquire expected 3 arguments, got ${nargs}`);
  const addr = lockAddress(t, arg(t, args, 0));
  if (addr === 0) return errRaise(t, StaticType.TypeError, 'lock_acquire: not a lock state');
  const blocking = arg(t, args, 1) !== t.false;
  const timeoutObj = arg(t, args, 2);
  const timeout = floatCheckExact(t, timeoutObj) ? floatAsDouble(t, timeoutObj) : intAsNumber(t, timeoutObj);
  if (!blocking && timeout !== -1) return errRaise(t, StaticType.ValueError, "can't specify a timeout for a non-blocking call");
  if (timeout < 0 && timeout !== -1) return errRaise(t, StaticType.ValueError, 'timeout value must be a non-negative number');
  const ms = !blocking ? 0 : timeout === -1 ? -1 : Math.ceil(timeout * 1000);
  const r = mutexLockTimed(t.heap, addr, ms, LOCK_DETACH);
  return r === LOCK_ACQUIRED ? t.true : t.false;
}

/** `lock_release(state)`: RuntimeError "release unlocked lock" when it is not held. */
function lockRelease(t: ObThread, _self: number, args: number, nargs: number): number {
  const addr = nargs === 1 ? lockAddress(t, arg(t, args, 0)) : 0;
  if (addr === 0) return errRaise(t, StaticType.TypeError, 'lock_release: not a lock state');
  if (!mutexIsLocked(t.heap, addr)) return errRaise(t, StaticType.RuntimeError, 'release unlocked lock');
  mutexUnlock(t.heap, addr);
  incref(t.rc, t.none);
  return t.none;
}

export const FTTHREAD_MODULE: ModuleDef = {
  name: '_ftthread',
  functions: [
    { name: 'start', flags: METH_FASTCALL, fn: start },
    { name: 'join', flags: METH_FASTCALL, fn: join },
    { name: 'get_ident', flags: METH_NOARGS, fn: (t) => intFromNumber(t, vmOf(t).threadId) },
    // The CPUs this process may use (`os.process_cpu_count()`): ThreadPoolExecutor's default size.
    { name: 'cpu_count', flags: METH_NOARGS, fn: (t) => intFromNumber(t, availableParallelism()) },
    { name: 'lock_new', flags: METH_NOARGS, fn: (t) => bytesFromBytes(t, [0, 0, 0, 0]) },
    { name: 'lock_acquire', flags: METH_FASTCALL, fn: lockAcquire },
    { name: 'lock_release', flags: METH_FASTCALL, fn: lockRelease },
    {
      name: 'lock_locked',
      flags: METH_FASTCALL,
      fn: (t, _s, args, nargs) => {
        const addr = nargs === 1 ? lockAddress(t, arg(t, args, 0)) : 0;
        if (addr === 0) return errRaise(t, StaticType.TypeError, 'lock_locked: not a lock state');
        return mutexIsLocked(t.heap, addr) ? t.true : t.false;
      },
    },
    ...THREAD_LOCAL_FUNCTIONS,
  ],
};
