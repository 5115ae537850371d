/**
 * Compiling source into code objects (`Py_CompileStringObject`): what
 * `exec`, `eval`, `compile`, `import` of a `.py` file and `ft run` share.
 * A compile error becomes the Python SyntaxError CPython raises, with its
 * `(filename, lineno, offset, text, end_lineno, end_offset)`.
 */

import { readFileSync } from 'node:fs';
import { callArgs, errRaise, errSetRaisedException, intFromNumber, intGetMaxStrDigits, StaticType, strFromJs, tupleFromArray, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { compileSource } from '../compiler/compile.js';
import { PyCompilerRecursionError } from '../compiler/compiler-recursion-error.js';
import { PyParserOverflowError } from '../parser/parser-overflow-error.js';
import { PySyntaxError } from '../parser/syntax-error.js';
import type { ParseMode } from '../parser/adapter.js';
import { codeObjectFromUnit } from './code-object.js';

/**
 * `PyErr_ProgramTextObject`: line `lineno` of the file `filename` (with its
 * newline), or null when there is no such file or line. The symbol table's
 * and the compiler's errors carry no text; CPython reads it from the file,
 * so a script's error shows its line and `compile()` of a string does not.
 */
function programText(filename: string, lineno: number): string | null {
  if (lineno < 1 || filename === '' || filename.startsWith('<')) return null;
  let data: string;
  try {
    data = readFileSync(filename, 'utf8');
  } catch {
    return null;
  }
  let start = 0;
  for (let i = 1; i < lineno; i++) {
    const nl = data.indexOf('\n', start);
    if (nl === -1) return null;
    start = nl + 1;
  }
  if (start >= data.length) return null;
  const nl = data.indexOf('\n', start);
  return nl === -1 ? data.slice(start) : data.slice(start, nl + 1);
}

/** Sets a Python SyntaxError (or IndentationError, TabError) from the compiler's. */
export function raiseSyntaxError(t: ObThread, e: PySyntaxError): void {
  const text = e.text ?? programText(e.filename, e.lineno);
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
      text === null ? none : mk(strFromJs(t, text)),
      mk(intFromNumber(t, e.end_lineno)),
      e.end_offset === null ? none : mk(intFromNumber(t, e.end_offset)),
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
    unit = compileSource(source, filename, mode, { maxIntDigits: intGetMaxStrDigits(t) });
  } catch (e) {
    if (e instanceof PySyntaxError) {
      raiseSyntaxError(t, e);
      return 0;
    }
    if (e instanceof PyCompilerRecursionError) {
      errRaise(t, StaticType.RecursionError, e.msg);
      return 0;
    }
    if (e instanceof PyParserOverflowError) {
      errRaise(t, StaticType.MemoryError, e.msg);
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

