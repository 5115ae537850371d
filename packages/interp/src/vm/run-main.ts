/**
 * Running the main program (`pymain_run_python`, `_Py_HandleSystemExit`):
 * the script (or `-c` code) as `__main__`, an uncaught exception printed
 * as CPython prints it, and the process exit code CPython would give.
 */

import { dirname, resolve } from 'node:path';
import {
  errClear,
  errGetRaisedException,
  objectStr,
  strToJs,
  intAsNumber,
  intCheckExact,
  StaticType,
  typeHasFlag,
  TPFLAGS_LONG_SUBCLASS,
  typeIsSubtype,
  typeOf,
  moduleDict,
  callNoArgs,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { dictGetItemStrRef } from '../modules/dict-util.js';
import { getAttrJs } from './ceval-ops.js';
import { compileToCode, evalCode } from './exec.js';
import { readSource } from './import.js';
import { createMainModule } from './interpreter.js';
import { formatException } from './print-exception.js';
import { registerSource } from './source-lines.js';
import type { VmThread } from './vm-thread.js';

/** The main program: a file or `-c` code. */
export type MainSource = { readonly path: string } | { readonly code: string };

/** The directory `sys.path[0]` gets for `source` (the script's, or '' for `-c`). */
export function mainPathEntry(source: MainSource): string {
  return 'path' in source ? dirname(resolve(source.path)) : '';
}

/** `_Py_HandleSystemExit`: the exit code of a SystemExit, printing a non-int code to stderr. */
function systemExitCode(vm: VmThread, exc: number): number {
  const t = vm.t;
  const code = getAttrJs(t, exc, 'code');
  if (code === 0) {
    errClear(t);
    return 1;
  }
  try {
    if (code === t.none) return 0;
    if (intCheckExact(t, code) || typeHasFlag(t, typeOf(t, code), TPFLAGS_LONG_SUBCLASS)) return intAsNumber(t, code) | 0;
    const s = objectStr(t, code);
    if (s === 0) errClear(t);
    else {
      vm.interp.stderr.write(`${strToJs(t, s)}\n`);
      decref(t.rc, s);
    }
    return 1;
  } finally {
    decref(t.rc, code);
  }
}

/** Handles the exception left set by the program: its exit code. */
export function handleUncaught(vm: VmThread): number {
  const t: ObThread = vm.t;
  const exc = errGetRaisedException(t);
  if (exc === 0) return 1;
  try {
    if (typeIsSubtype(t, typeOf(t, exc), t.types[StaticType.SystemExit]!)) return systemExitCode(vm, exc);
    vm.interp.stderr.write(formatException(t, exc));
    return 1;
  } finally {
    decref(t.rc, exc);
  }
}

/** Runs `source` as `__main__`; returns the exit code. */
export function runMain(vm: VmThread, source: MainSource): number {
  const t = vm.t;
  const filename = 'path' in source ? source.path : '<string>';
  const main = createMainModule(vm, 'path' in source ? source.path : null);
  const dict = moduleDict(t, main);
  let text: string | null;
  if ('path' in source) text = readSource(t, source.path);
  else {
    text = source.code;
    registerSource(t, filename, text);
  }
  if (text === null) {
    decref(t.rc, main);
    return handleUncaught(vm);
  }
  const code = compileToCode(t, text, filename, 'exec');
  if (code === 0) {
    decref(t.rc, main);
    return handleUncaught(vm);
  }
  const result = evalCode(vm, code, dict);
  decref(t.rc, code);
  decref(t.rc, main);
  if (result === 0) return handleUncaught(vm);
  decref(t.rc, result);
  return 0;
}

/**
 * `wait_for_thread_shutdown`: once the main program is done, and only if it
 * imported `threading`, calls `threading._shutdown()`, which runs the hooks
 * of `threading._register_atexit` (concurrent.futures lets its workers
 * finish the queued work and leave) before the runtime waits for the
 * non-daemon threads. An exception it raises is printed as CPython's
 * "Exception ignored on threading shutdown" and the exit goes on.
 */
export function waitForThreadShutdown(vm: VmThread): void {
  const t = vm.t;
  const threading = dictGetItemStrRef(t, vm.interp.modules, 'threading');
  if (threading === 0) {
    errClear(t);
    return;
  }
  const shutdown = getAttrJs(t, threading, '_shutdown');
  decref(t.rc, threading);
  if (shutdown === 0) {
    errClear(t);
    return;
  }
  const result = callNoArgs(t, shutdown);
  decref(t.rc, shutdown);
  if (result !== 0) {
    decref(t.rc, result);
    return;
  }
  const exc = errGetRaisedException(t);
  if (exc === 0) return;
  vm.interp.stderr.write(`Exception ignored on threading shutdown:\n${formatException(t, exc)}`);
  decref(t.rc, exc);
}
