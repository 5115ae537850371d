/**
 * The thread body that runs a Python thread (`thread_run` in
 * `Modules/_threadmodule.c`) on a pooled worker: the worker's thread state
 * joins the interpreter (its `sys`, `builtins` and `sys.modules`, read from
 * the interpreter state in the heap), gets a thread-local bytecode index of
 * its own, and calls `func(*args, **kwargs)` from the tuple it was given.
 * An uncaught exception is printed as `threading.excepthook` prints it;
 * SystemExit ends the thread quietly.
 */

import { decref, processMergeQueue } from '@ft/refcount';
import { errExceptionMatches, errClear, errGetRaisedException, objectCall, StaticType, TUPLE_ITEMS_OFFSET } from '@ft/objects';
import type { ThreadContext } from '../runtime/thread-bodies.js';
import { joinInterpreter } from './interpreter.js';
import { fdSink } from './fd-sink.js';
import { StreamWriteError } from './stream-error.js';
import { formatException } from './print-exception.js';
import { threadLocalsClear } from '../modules/thread-local.js';
import { registeredModules } from './slots.js';

/** Runs the Python thread whose `(func, args, kwargs)` tuple is `ctx.arg` (a reference the starter handed over). */
export function pythonThread(ctx: ThreadContext): void {
  const t = ctx.t;
  const u32 = t.u32;
  const stdout = fdSink(1, 'line');
  const stderr = fdSink(2, 'line');
  const vm = joinInterpreter(t, registeredModules(), ctx.interp, { stdout, stderr, participant: ctx.ts.participant, threadId: ctx.id, startThread: ctx.startThread });
  const spec = ctx.arg;
  const items = (spec + TUPLE_ITEMS_OFFSET) >>> 2;
  const func = u32[items]!;
  const args = u32[items + 1]!;
  const kwargs = u32[items + 2]!;
  const r = objectCall(t, func, args, kwargs === t.none ? 0 : kwargs);
  decref(t.rc, spec);
  if (r !== 0) decref(t.rc, r);
  else if (errExceptionMatches(t, t.types[StaticType.SystemExit]!)) errClear(t);
  else {
    const exc = errGetRaisedException(t);
    stderr.write(`Exception in thread Thread-${ctx.id}:\n${exc === 0 ? '' : formatException(t, exc)}`);
    if (exc !== 0) decref(t.rc, exc);
  }
  // Its dicts in thread-local objects go (their values die here, on their owner, while the VM is here).
  threadLocalsClear(t);
  // Objects of this thread that others released die now, with the thread's VM still here: their
  // finalizers and weakref callbacks may run Python code (CPython runs them in PyThreadState_Clear,
  // with the thread state intact).
  while (processMergeQueue(t.rc) !== 0) errClear(t);
  try {
    stdout.flush();
  } catch (error) {
    // Text after the thread's last newline, and no reader left (EPIPE): nothing can read it.
    if (!(error instanceof StreamWriteError)) throw error;
  }
  stderr.flush();
  vm.ds.release();
}
