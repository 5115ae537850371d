/**
 * Printing an uncaught exception as CPython does (`PyErr_Display`,
 * `print_exception_recursive`, `tb_displayline`): the chain of causes and
 * contexts first, each with "Traceback (most recent call last):", its
 * entries (`File "x.py", line 3, in f` and the source line), runs of the
 * same entry collapsed after three ("[Previous line repeated N more
 * times]"), then `Type: message` and the notes. SyntaxErrors show their
 * line and a caret.
 */

import { readFileSync } from 'node:fs';
import {
  CODE_FILENAME_OFFSET,
  CODE_NAME_OFFSET,
  errClear,
  exceptionGetCause,
  exceptionGetContext,
  exceptionGetTraceback,
  frameGetCode,
  intFromNumber,
  objectGetItem,
  objectLength,
  objectStr,
  StaticType,
  strToJs,
  tracebackFrame,
  tracebackLineno,
  tracebackNext,
  typeIsSubtype,
  typeOf,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { getAttrJs } from './ceval-ops.js';

const sources = new Map<string, string[] | null>();

/** Line `lineno` of `filename` (1-based), or null (`linecache.getline`). */
function sourceLine(filename: string, lineno: number): string | null {
  let lines = sources.get(filename);
  if (lines === undefined) {
    try {
      lines = readFileSync(filename, 'utf8').split(/\r?\n/);
    } catch {
      lines = null;
    }
    sources.set(filename, lines);
  }
  if (lines === null || lineno < 1 || lineno > lines.length) return null;
  return lines[lineno - 1]!;
}

/** `str(op)` as text, or a placeholder when str() itself fails (as CPython prints `<exception str() failed>`). */
function strText(t: ObThread, op: number): string {
  const s = objectStr(t, op);
  if (s === 0) {
    errClear(t);
    return '<exception str() failed>';
  }
  const text = strToJs(t, s);
  decref(t.rc, s);
  return text;
}

/** An attribute as text (null: absent or None). */
function attrText(t: ObThread, op: number, name: string): string | null {
  const v = getAttrJs(t, op, name);
  if (v === 0) {
    errClear(t);
    return null;
  }
  const text = v === t.none ? null : strText(t, v);
  decref(t.rc, v);
  return text;
}

/** The exception's type as CPython shows it: `module.Qualname` unless builtins or __main__. */
function typeDisplayName(t: ObThread, exc: number): string {
  const type = typeOf(t, exc);
  const qualname = attrText(t, type, '__qualname__') ?? '?';
  const module = attrText(t, type, '__module__');
  return module === null || module === 'builtins' || module === '__main__' ? qualname : `${module}.${qualname}`;
}

/** The traceback's entries as printed lines. */
function tracebackLines(t: ObThread, tb: number): string[] {
  const out: string[] = [];
  let last = '';
  let repeats = 0;
  const flushRepeats = (): void => {
    if (repeats > 3) out.push(`  [Previous line repeated ${repeats - 3} more time${repeats - 3 === 1 ? '' : 's'}]\n`);
  };
  let cur = tb;
  let owned = false;
  while (cur !== 0) {
    const frame = tracebackFrame(t, cur);
    const code = frameGetCode(t, frame);
    const filename = strToJs(t, t.u32[(code + CODE_FILENAME_OFFSET) >>> 2]!);
    const name = strToJs(t, t.u32[(code + CODE_NAME_OFFSET) >>> 2]!);
    const lineno = tracebackLineno(t, cur);
    decref(t.rc, code);
    const key = `${filename}\0${lineno}\0${name}`;
    if (key === last) repeats++;
    else {
      flushRepeats();
      last = key;
      repeats = 1;
    }
    if (repeats <= 3) {
      out.push(`  File "${filename}", line ${lineno}, in ${name}\n`);
      const line = sourceLine(filename, lineno);
      if (line !== null && line.trim() !== '') out.push(`    ${line.trim()}\n`);
    }
    const next = tracebackNext(t, cur);
    if (owned) decref(t.rc, cur);
    cur = next;
    owned = true;
  }
  if (owned && cur !== 0) decref(t.rc, cur);
  flushRepeats();
  return out;
}

/** The `File …` block and caret of a SyntaxError (`print_exception_file_and_line` + `print_error_text`). */
function syntaxErrorLines(t: ObThread, exc: number): string[] {
  const out: string[] = [];
  const filename = attrText(t, exc, 'filename') ?? '<string>';
  const lineno = attrText(t, exc, 'lineno');
  out.push(`  File "${filename}", line ${lineno ?? '?'}\n`);
  const text = attrText(t, exc, 'text');
  if (text !== null) {
    const offset = Number(attrText(t, exc, 'offset') ?? '0');
    const endOffsetText = attrText(t, exc, 'end_offset');
    const endLineno = attrText(t, exc, 'end_lineno');
    let endOffset = Number(endOffsetText ?? '0');
    const line = text.replace(/\n$/, '');
    const stripped = line.replace(/^[ \t\f]+/, '');
    const lead = line.length - stripped.length;
    out.push(`    ${stripped.replace(/\s+$/, '')}\n`);
    if (offset > 0) {
      if (endLineno !== lineno || endOffset <= offset) endOffset = offset + 1;
      const start = Math.max(0, offset - 1 - lead);
      const width = Math.max(1, Math.min(endOffset - offset, stripped.length - start + 1));
      out.push(`    ${' '.repeat(start)}${'^'.repeat(width)}\n`);
    }
  }
  return out;
}

/** The lines of one exception (no chain): traceback, then type and message, then notes. */
function exceptionLines(t: ObThread, exc: number): string[] {
  const out: string[] = [];
  const tb = exceptionGetTraceback(t, exc);
  if (tb !== 0) {
    out.push('Traceback (most recent call last):\n');
    out.push(...tracebackLines(t, tb));
    decref(t.rc, tb);
  }
  const isSyntax = typeIsSubtype(t, typeOf(t, exc), t.types[StaticType.SyntaxError]!);
  if (isSyntax) out.push(...syntaxErrorLines(t, exc));
  const name = typeDisplayName(t, exc);
  const message = isSyntax ? (attrText(t, exc, 'msg') ?? '') : strText(t, exc);
  out.push(message === '' ? `${name}\n` : `${name}: ${message}\n`);
  const notes = getAttrJs(t, exc, '__notes__');
  if (notes === 0) errClear(t);
  else {
    if (notes !== t.none) {
      const n = lengthOf(t, notes);
      for (let i = 0; i < n; i++) {
        const item = itemOf(t, notes, i);
        if (item === 0) break;
        out.push(`${strText(t, item)}\n`);
        decref(t.rc, item);
      }
    }
    decref(t.rc, notes);
  }
  return out;
}

function lengthOf(t: ObThread, op: number): number {
  const n = objectLength(t, op);
  if (n < 0) errClear(t);
  return Math.max(0, n);
}
function itemOf(t: ObThread, op: number, i: number): number {
  const k = intFromNumber(t, i);
  const v = objectGetItem(t, op, k);
  decref(t.rc, k);
  if (v === 0) errClear(t);
  return v;
}

/** `print_exception_recursive`: the causes and contexts first, each once. */
function chainLines(t: ObThread, exc: number, seen: Set<number>): string[] {
  seen.add(exc);
  const out: string[] = [];
  const cause = exceptionGetCause(t, exc);
  const context = exceptionGetContext(t, exc);
  const suppress = attrText(t, exc, '__suppress_context__') === 'True';
  if (cause !== 0 && cause !== t.none && !seen.has(cause)) {
    out.push(...chainLines(t, cause, seen));
    out.push('\nThe above exception was the direct cause of the following exception:\n\n');
  } else if (context !== 0 && context !== t.none && !suppress && !seen.has(context)) {
    out.push(...chainLines(t, context, seen));
    out.push('\nDuring handling of the above exception, another exception occurred:\n\n');
  }
  if (cause !== 0) decref(t.rc, cause);
  if (context !== 0) decref(t.rc, context);
  out.push(...exceptionLines(t, exc));
  return out;
}

/** `PyErr_Display(exc)`: the text CPython writes to stderr for an uncaught exception. */
export function formatException(t: ObThread, exc: number): string {
  return chainLines(t, exc, new Set()).join('');
}
