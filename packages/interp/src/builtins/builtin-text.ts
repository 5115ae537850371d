/**
 * The text builtins of `Python/bltinmodule.c`: `chr`, `ord` and `print`
 * (`print(*args, sep=' ', end='\n', file=None, flush=False)`), with
 * CPython 3.13's messages. `print` writes each piece with its own
 * `file.write()` call, as `PyFile_WriteObject` does, through
 * `fileWriteText` (the interpreter's own streams go straight to the
 * thread's sinks).
 */

import {
  boolArg,
  callNoArgs,
  byteArrayCheck,
  byteArrayGetItem,
  byteArraySize,
  bytesCheck,
  bytesItem,
  bytesSize,
  errOccurred,
  errRaise,
  intAsBigInt,
  intCompactValue,
  intFromNumber,
  intIsCompact,
  isStr,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_O,
  numberIndex,
  objectConvert,
  StaticType,
  strCodePointAt,
  strFromCodePoints,
  strLength,
  strToJs,
  typeNameOf,
  unpackKeywords,
  type ArgSpec,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import type { FunctionDef } from '../modules/module-def.js';
import { fileWriteText, interpOf, sysGetObjectRef } from '../vm/interp-state.js';
import { argAt, getAttrJs } from './special-lookup.js';

/** One past the greatest code point. */
const UNICODE_LIMIT = 0x110000;

/**
 * `builtin_chr` (METH_O): the one-character str of a code point. The
 * argument goes through `__index__`; one past a C long counts as out of
 * range, as CPython 3.13's `PyLong_AsLongAndOverflow` clamp makes it.
 */
export function builtinChr(t: ObThread, _self: number, args: number): number {
  const index = numberIndex(t, argAt(t, args, 0));
  if (index === 0) return 0;
  const v = intIsCompact(t, index) ? intCompactValue(t, index) : Number(intAsBigInt(t, index));
  decref(t.rc, index);
  if (!(v >= 0 && v < UNICODE_LIMIT)) return errRaise(t, StaticType.ValueError, 'chr() arg not in range(0x110000)');
  return strFromCodePoints(t, [v]);
}

/** `builtin_ord` (METH_O): the code point of a one-character str, or the value of a one-byte bytes or bytearray. */
export function builtinOrd(t: ObThread, _self: number, args: number): number {
  const c = argAt(t, args, 0);
  let size: number;
  if (bytesCheck(t, c)) {
    size = bytesSize(t, c);
    if (size === 1) return bytesItem(t, c, 0);
  } else if (isStr(t, c)) {
    size = strLength(t, c);
    if (size === 1) return intFromNumber(t, strCodePointAt(t, c, 0));
  } else if (byteArrayCheck(t, c)) {
    size = byteArraySize(t, c);
    if (size === 1) {
      const r = byteArrayGetItem(t, c, 0);
      // Emptied by another thread since: CPython reads the length once too, and would see it as here.
      if (r !== 0 || errOccurred(t) !== 0) return r;
      size = 0;
    }
  } else {
    return errRaise(t, StaticType.TypeError, `ord() expected string of length 1, but ${typeNameOf(t, c)} found`);
  }
  return errRaise(t, StaticType.TypeError, `ord() expected a character, but string of length ${size} found`);
}

/** `PyObject_Str(op)` as JavaScript text; null with the exception set. */
function strOfJs(t: ObThread, op: number): string | null {
  const s = objectConvert(t, op, 0x73);
  if (s === 0) return null;
  const text = strToJs(t, s);
  decref(t.rc, s);
  return text;
}

/**
 * `_PyFile_Flush(file)`: the interpreter's own streams flush their sink,
 * any other object gets `file.flush()`. 0, or -1 with an exception set.
 * `file` 0 stands for the sink of standard output (no `sys` yet).
 */
export function fileFlush(t: ObThread, file: number): number {
  const interp = interpOf(t);
  if (file === 0 || file === interp.stdoutObject) {
    interp.stdout.flush();
    return 0;
  }
  if (file === interp.stderrObject) {
    interp.stderr.flush();
    return 0;
  }
  const flush = getAttrJs(t, file, 'flush');
  if (flush === 0) return -1;
  const r = callNoArgs(t, flush);
  decref(t.rc, flush);
  if (r === 0) return -1;
  decref(t.rc, r);
  return 0;
}

/**
 * `sys.<name>` for the I/O builtins: a new reference; 0 without an
 * exception when the interpreter has no `sys` yet (the thread's sinks
 * stand in), 0 with RuntimeError `lost` when `sys` lacks it.
 */
export function sysStream(t: ObThread, name: string, lost: string): number {
  const stream = sysGetObjectRef(t, name);
  if (stream === 0 && interpOf(t).sys !== 0 && errOccurred(t) === 0) errRaise(t, StaticType.RuntimeError, lost);
  return stream;
}

const PRINT_SPEC: ArgSpec = { fname: 'print', posonly: 0, names: ['sep', 'end', 'file', 'flush'], minpos: 0, maxpos: 0 };

/** `builtin_print_impl`: each argument's `str()`, `sep` between them, then `end`; `file.flush()` when asked. */
export function builtinPrint(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  const out: number[] = [0, 0, 0, 0];
  if (kwnames !== 0 && !unpackKeywords(t, PRINT_SPEC, args + nargs * 4, 0, kwnames, out)) return 0;
  const [sepArg, endArg, fileArg, flushArg] = out as [number, number, number, number];
  const flush = boolArg(t, flushArg, false);
  if (flush === undefined) return 0;
  let file = fileArg === 0 ? t.none : fileArg;
  let owned = false;
  if (file === t.none) {
    file = sysStream(t, 'stdout', 'lost sys.stdout');
    if (file === 0 && errOccurred(t) !== 0) return 0;
    owned = file !== 0;
    // sys.stdout may be None when the process has no standard output.
    if (file === t.none) {
      decref(t.rc, file);
      return t.none;
    }
  }
  try {
    let sep = ' ';
    let end = '\n';
    if (sepArg !== 0 && sepArg !== t.none) {
      if (!isStr(t, sepArg)) return errRaise(t, StaticType.TypeError, `sep must be None or a string, not ${typeNameOf(t, sepArg)}`);
      const text = strOfJs(t, sepArg);
      if (text === null) return 0;
      sep = text;
    }
    if (endArg !== 0 && endArg !== t.none) {
      if (!isStr(t, endArg)) return errRaise(t, StaticType.TypeError, `end must be None or a string, not ${typeNameOf(t, endArg)}`);
      const text = strOfJs(t, endArg);
      if (text === null) return 0;
      end = text;
    }
    for (let i = 0; i < nargs; i++) {
      if (i > 0 && fileWriteText(t, file, sep) < 0) return 0;
      const text = strOfJs(t, argAt(t, args, i));
      if (text === null || fileWriteText(t, file, text) < 0) return 0;
    }
    if (fileWriteText(t, file, end) < 0) return 0;
    if (flush && fileFlush(t, file) < 0) return 0;
    return t.none;
  } finally {
    if (owned) decref(t.rc, file);
  }
}

/** The `PyMethodDef`s of this file, in `builtin_methods` order. */
export const TEXT_FUNCTIONS: readonly FunctionDef[] = [
  { name: 'chr', flags: METH_O, fn: builtinChr },
  { name: 'ord', flags: METH_O, fn: builtinOrd },
  { name: 'print', flags: METH_FASTCALL | METH_KEYWORDS, fn: builtinPrint },
];
