/**
 * Compiling source into code objects (`Py_CompileStringObject`): what
 * `exec`, `eval`, `compile`, `import` of a `.py` file and `ft run` share.
 * A compile error becomes the Python SyntaxError CPython raises, with its
 * `(filename, lineno, offset, text, end_lineno, end_offset)`.
 */

import { callArgs, errRaise, errSetRaisedException, intFromNumber, StaticType, strFromJs, tupleFromArray, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { compileSource } from '../compiler/compile.js';
import { PyCompilerRecursionError } from '../compiler/compiler-recursion-error.js';
import { PySyntaxError } from '../parser/syntax-error.js';
import type { ParseMode } from '../parser/adapter.js';
import { codeObjectFromUnit } from './code-object.js';

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

