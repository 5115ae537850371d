/**
 * Compiling source into code objects and running them in a namespace
 * (`Py_CompileString`, `PyEval_EvalCode`, `run_eval_code_obj`): what
 * `exec`, `eval`, `compile`, `import` of a `.py` file and `ft run` share.
 * A compile error becomes the Python SyntaxError CPython raises, with its
 * `(filename, lineno, offset, text, end_lineno, end_offset)`.
 */

import { callArgs, dictGetItemRef, errRaise, errSetRaisedException, dictSetItem, intFromNumber, moduleCheck, moduleDict, StaticType, strFromJs, strInternFromJs, tupleFromArray, type ObThread } from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { compileSource } from '../compiler/compile.js';
import { PyCompilerRecursionError } from '../compiler/compiler-recursion-error.js';
import { PySyntaxError } from '../parser/syntax-error.js';
import type { ParseMode } from '../parser/adapter.js';
import { codeObjectFromUnit } from './code-object.js';
import { evalFrame, pushFrame } from './ceval.js';
import type { VmThread } from './vm-thread.js';

/** Sets a Python SyntaxError (or IndentationError, TabError) from the compiler's. */
export function raiseSyntaxError(t: ObThread, e: PySyntaxError): void {
  const made: number[] = [];
  const mk = (op: number): number => {
    made.push(op);
    return op;
  };
  const none = t.none;
  const details = mk(
    tupleFromArray(t, [
      mk(strFromJs(t, e.filename)),
      mk(intFromNumber(t, e.lineno)),
      mk(intFromNumber(t, e.offset)),
      e.text === null ? none : mk(strFromJs(t, e.text)),
      mk(intFromNumber(t, e.end_lineno)),
      mk(intFromNumber(t, e.end_offset)),
    ]),
  );
  const msg = mk(strFromJs(t, e.msg));
  const type = t.types[e.type === 'TabError' ? StaticType.TabError : e.type === 'IndentationError' ? StaticType.IndentationError : StaticType.SyntaxError]!;
  const exc = made.includes(0) ? 0 : callArgs(t, type, [msg, details]);
  for (const m of made) if (m !== 0) decref(t.rc, m);
  if (exc !== 0) errSetRaisedException(t, exc);
}

/**
 * `Py_CompileStringObject`: a code object for `source`, or 0 with
 * SyntaxError (or RecursionError, MemoryError) set.
 */
export function compileToCode(t: ObThread, source: string, filename: string, mode: ParseMode): number {
  let unit;
  try {
    unit = compileSource(source, filename, mode);
  } catch (e) {
    if (e instanceof PySyntaxError) {
      raiseSyntaxError(t, e);
      return 0;
    }
    if (e instanceof PyCompilerRecursionError) {
      errRaise(t, StaticType.RecursionError, e.message);
      return 0;
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      errRaise(t, StaticType.RecursionError, 'maximum recursion depth exceeded during compilation');
      return 0;
    }
    throw e;
  }
  return codeObjectFromUnit(t, unit, filename);
}

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
