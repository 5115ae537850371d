/**
 * Running code objects in a namespace (`PyEval_EvalCode`,
 * `run_eval_code_obj`) and class bodies with their namespace as locals.
 */

import { dictGetItemRef, dictSetItem, moduleCheck, moduleDict, strInternFromJs } from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { evalFrame } from './ceval.js';
import { pushFrame } from './frame-push.js';
import type { VmThread } from './vm-thread.js';

export { compileToCode, raiseSyntaxError } from './compile-code.js';

/** The builtins a frame in `globals` runs with: `globals['__builtins__']` (a module's dict, or a dict), else the interpreter's. */
export function builtinsOf(vm: VmThread, globals: number): number {
  const t = vm.t;
  const key = strInternFromJs(t, '__builtins__');
  let b = key === 0 ? 0 : dictGetItemRef(t, globals, key);
  if (b === 0) {
    if (t.error.type !== 0) return 0;
    b = vm.interp.builtins;
    incref(t.rc, b);
    // `PyEval_EvalCode` inserts it, as CPython does for a globals dict without one.
    if (key !== 0) dictSetItem(t, globals, key, b);
  }
  if (key !== 0) decref(t.rc, key);
  if (moduleCheck(t, b)) {
    const d = moduleDict(t, b);
    incref(t.rc, d);
    decref(t.rc, b);
    return d;
  }
  return b;
}

/**
 * `PyEval_EvalCode(code, globals, locals)`: runs a module-level code
 * object (`locals` 0: the globals). The result (a new reference), or 0
 * with the exception set.
 */
export function evalCode(vm: VmThread, code: number, globals: number, locals = 0): number {
  const t = vm.t;
  const builtins = builtinsOf(vm, globals);
  if (builtins === 0) return 0;
  const fw = pushFrame(vm, code, 0, globals, builtins, locals === 0 ? globals : locals, vm.currentFrame);
  decref(t.rc, builtins);
  if (fw === 0) return 0;
  return evalFrame(vm, fw);
}

/**
 * Calls the function `func` with no arguments and `locals` as its frame's
 * locals mapping: how `__build_class__` runs a class body (CPython's
 * `_PyEval_Vector` with a locals argument).
 */
export function evalFunctionWithLocals(vm: VmThread, func: number, code: number, globals: number, builtins: number, locals: number): number {
  const fw = pushFrame(vm, code, func, globals, builtins, locals, vm.currentFrame);
  if (fw === 0) return 0;
  return evalFrame(vm, fw);
}
