/**
 * A built-in module written in Python source held in a TypeScript file
 * (CPython's frozen modules, in spirit): its `Py_mod_exec` compiles the
 * source and runs it in the module's namespace, with the interpreter's
 * builtins.
 */

import { moduleDict, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { compileToCode } from '../vm/compile-code.js';
import { interpOf } from '../vm/interp-state.js';
import { vmOf } from '../vm/vm-thread.js';
import { dictSetItemStr } from './dict-util.js';

/** A `Py_mod_exec` that runs `source` (compiled as `filename`) in the module's namespace: 0, or -1 with the exception. */
export function execPythonSource(source: string, filename: string): (t: ObThread, module: number) => number {
  return (t, module) => {
    const dict = moduleDict(t, module);
    if (dictSetItemStr(t, dict, '__builtins__', interpOf(t).builtins) < 0) return -1;
    const code = compileToCode(t, source, filename, 'exec');
    if (code === 0) return -1;
    const result = vmOf(t).execModule(code, dict);
    decref(t.rc, code);
    if (result === 0) return -1;
    decref(t.rc, result);
    return 0;
  };
}
