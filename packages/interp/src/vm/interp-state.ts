/**
 * The interpreter as one thread sees it (`PyInterpreterState`'s `sysdict`,
 * `builtins`, `modules`, and the standard streams): the objects live in
 * the shared heap, once per interpreter; each thread keeps their addresses
 * and its own output sinks (writes to file descriptors 1 and 2, buffered
 * per thread and flushed at line ends and at exit).
 */

import { callOneArg, errRaiseInt, moduleDict, objectGetAttr, StaticType, strFromJs, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { dictGetItemStrRef } from '../modules/dict-util.js';
import type { RegisteredModule } from '../modules/module-def.js';
import { raiseStreamWriteError } from './stream-error.js';

/** Where a standard stream's text goes (a file descriptor, a test's buffer). */
export interface OutputSink {
  write(text: string): void;
  flush(): void;
  /** Flush at every line end (set once Python threads run: their lines then interleave as written). */
  lineMode?: boolean;
}

/** The interpreter's objects and this thread's sinks. */
export interface Interp {
  /** `sys.modules` (a dict). */
  modules: number;
  /** The `builtins` module. */
  builtins: number;
  /** The `sys` module. */
  sys: number;
  /** The objects `sys.stdout` and `sys.stderr` start as: writing to them goes straight to the sinks. */
  stdoutObject: number;
  stderrObject: number;
  /** The built-in modules written in TypeScript, by name (registered on every thread). */
  readonly registered: ReadonlyMap<string, RegisteredModule>;
  /** `sys._is_gil_enabled()`. */
  readonly gilEnabled: boolean;
  /** Standard output and error of this thread. */
  readonly stdout: OutputSink;
  readonly stderr: OutputSink;
}

const interps = new WeakMap<ObThread, Interp>();

/** Binds `interp` to thread `t` (the VM does, when it makes a thread state). */
export function setInterp(t: ObThread, interp: Interp): void {
  interps.set(t, interp);
}

/** The interpreter of thread `t`. @throws TypeError on a thread without one. */
export function interpOf(t: ObThread): Interp {
  const interp = interps.get(t);
  if (interp === undefined) throw new TypeError('interpOf: this thread has no interpreter (make its thread state through @ft/interp)');
  return interp;
}

/** `PySys_GetObject(name)` as a new reference (0: absent, no exception). */
export function sysGetObjectRef(t: ObThread, name: string): number {
  const interp = interpOf(t);
  if (interp.sys === 0) return 0;
  return dictGetItemStrRef(t, moduleDict(t, interp.sys), name);
}

/**
 * Writes `text` to `file` as `print` does: `file` 0 means `sys.stdout`.
 * The interpreter's own stream objects write straight to the thread's
 * sink; any other object gets `file.write(text)`. 0, or -1 with an
 * exception set.
 */
export function fileWriteText(t: ObThread, file: number, text: string): number {
  const interp = interpOf(t);
  let target = file;
  let owned = false;
  if (target === 0) {
    target = sysGetObjectRef(t, 'stdout');
    owned = target !== 0;
    if (target === 0) {
      // CPython: RuntimeError("lost sys.stdout"); before sys exists, the sink.
      if (interp.sys !== 0) return errRaiseInt(t, StaticType.RuntimeError, 'lost sys.stdout');
      return sinkWrite(t, interp.stdout, text);
    }
  }
  try {
    if (target === interp.stdoutObject) return sinkWrite(t, interp.stdout, text);
    if (target === interp.stderrObject) return sinkWrite(t, interp.stderr, text);
    if (target === t.none) return 0;
    const write = attrOf(t, target, 'write');
    if (write === 0) return -1;
    const s = strFromJs(t, text);
    if (s === 0) {
      decref(t.rc, write);
      return -1;
    }
    const r = callOneArg(t, write, s);
    decref(t.rc, s);
    decref(t.rc, write);
    if (r === 0) return -1;
    decref(t.rc, r);
    return 0;
  } finally {
    if (owned) decref(t.rc, target);
  }
}

/** `text` to a sink: 0, or -1 with the OSError (BrokenPipeError) of a refused write set. */
function sinkWrite(t: ObThread, sink: OutputSink, text: string): number {
  try {
    sink.write(text);
    return 0;
  } catch (error) {
    raiseStreamWriteError(t, error);
    return -1;
  }
}

function attrOf(t: ObThread, op: number, name: string): number {
  const key = strFromJs(t, name);
  if (key === 0) return 0;
  const v = objectGetAttr(t, op, key);
  decref(t.rc, key);
  return v;
}
