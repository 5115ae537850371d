/**
 * `_ftthread`: the primitives `lib/_thread.py` and `lib/threading.py` are
 * written over (CPython's `Modules/_threadmodule.c` in spirit): starting a
 * Python thread on the runtime's pooled workers, joining it (detached
 * while it waits); the locks' and thread-locals' functions come from
 * thread-lock.ts and thread-local.ts.
 */

import { availableParallelism } from 'node:os';
import {
  dictCheckExact,
  errRaise,
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
import { decref } from '@ft/refcount';
import { joinThread } from '../runtime/thread-handle.js';
import { recordsRunning } from '../runtime/thread-record.js';
import { vmOf } from '../vm/vm-thread.js';
import type { ModuleDef } from './module-def.js';
import { THREAD_LOCAL_FUNCTIONS } from './thread-local.js';
import { THREAD_LOCK_FUNCTIONS } from './thread-lock.js';

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

export const FTTHREAD_MODULE: ModuleDef = {
  name: '_ftthread',
  functions: [
    { name: 'start', flags: METH_FASTCALL, fn: start },
    { name: 'join', flags: METH_FASTCALL, fn: join },
    // `_thread._count()`: the threads running now, the main thread not counted.
    { name: 'count', flags: METH_NOARGS, fn: (t) => intFromNumber(t, vmOf(t).interpState === 0 ? 0 : recordsRunning(t.heap, vmOf(t).interpState)) },
    { name: 'get_ident', flags: METH_NOARGS, fn: (t) => intFromNumber(t, vmOf(t).threadId) },
    // The CPUs this process may use (`os.process_cpu_count()`): ThreadPoolExecutor's default size.
    { name: 'cpu_count', flags: METH_NOARGS, fn: (t) => intFromNumber(t, availableParallelism()) },
    ...THREAD_LOCK_FUNCTIONS,
    ...THREAD_LOCAL_FUNCTIONS,
  ],
};
