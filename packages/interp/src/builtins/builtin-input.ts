/**
 * `input([prompt])` (`builtin_input_impl`, its non-interactive path, and
 * `PyFile_GetLine`): the prompt written to `sys.stdout` and flushed, then
 * one line read — from the process's file descriptor 0, synchronously,
 * when `sys.stdin` is the interpreter's own stream (or there is no `sys`
 * yet), else by `sys.stdin.readline()` — without its newline. An empty
 * read is EOFError "EOF when reading a line".
 */

import { readSync } from 'node:fs';
import {
  callNoArgs,
  checkPositional,
  errClear,
  errOccurred,
  intCompactValue,
  errRaise,
  isStr,
  METH_FASTCALL,
  objectConvert,
  StaticType,
  strFromJs,
  strLength,
  strCodePointAt,
  strSubstring,
  strToJs,
  bytesCheck,
  bytesGetSlice,
  bytesItem,
  bytesSize,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import type { FunctionDef } from '../modules/module-def.js';
import { fileWriteText, interpOf } from '../vm/interp-state.js';
import { fileFlush, sysStream } from './builtin-text.js';
import { argAt, getAttrJs } from './special-lookup.js';

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const oneByte = new Uint8Array(1);
const utf8 = new TextDecoder('utf-8');

/** How long to wait before retrying a read of a non-blocking descriptor that had nothing yet. */
const EAGAIN_WAIT_MS = 10;
const waitCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * One line of `fd` (its newline kept, `\r\n` read as `\n` as a text
 * stream's universal newlines do), decoded as UTF-8; '' at end of file.
 * Reads a byte at a time: a read-ahead buffer would keep bytes another
 * worker (or a child process) was meant to read from the same descriptor.
 * @throws the `fs` error of a failed read (other than EAGAIN / EOF).
 */
export function readLineFd(fd: number): string {
  const bytes: number[] = [];
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, oneByte, 0, 1, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(waitCell, 0, 0, EAGAIN_WAIT_MS);
        continue;
      }
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    const b = oneByte[0]!;
    bytes.push(b);
    if (b === LINE_FEED) break;
  }
  const end = bytes.length;
  if (end >= 2 && bytes[end - 1] === LINE_FEED && bytes[end - 2] === CARRIAGE_RETURN) bytes.splice(end - 2, 1);
  return utf8.decode(Uint8Array.from(bytes));
}

/** A line from file descriptor 0 as a str; 0 with OSError when the read failed. */
function readStdinLine(t: ObThread): number {
  let text: string;
  try {
    text = readLineFd(0);
  } catch (e) {
    return errRaise(t, StaticType.OSError, (e as Error).message);
  }
  return strFromJs(t, text);
}

/**
 * `PyFile_GetLine(f, -1)` after the read: EOFError for an empty line, the
 * line without its trailing newline (str or bytes). Releases `line`.
 */
function finishLine(t: ObThread, line: number): number {
  if (isStr(t, line)) {
    const n = strLength(t, line);
    if (n === 0) {
      decref(t.rc, line);
      return errRaise(t, StaticType.EOFError, 'EOF when reading a line');
    }
    if (strCodePointAt(t, line, n - 1) !== LINE_FEED) return line;
    const r = strSubstring(t, line, 0, n - 1);
    decref(t.rc, line);
    return r;
  }
  if (bytesCheck(t, line)) {
    const n = bytesSize(t, line);
    if (n === 0) {
      decref(t.rc, line);
      return errRaise(t, StaticType.EOFError, 'EOF when reading a line');
    }
    const last = bytesItem(t, line, n - 1);
    if (last === 0) {
      decref(t.rc, line);
      return 0;
    }
    const isNewline = intCompactValue(t, last) === LINE_FEED;
    decref(t.rc, last);
    if (!isNewline) return line;
    const r = bytesGetSlice(t, line, 0, n - 1);
    decref(t.rc, line);
    return r;
  }
  decref(t.rc, line);
  return errRaise(t, StaticType.TypeError, 'object.readline() returned non-string');
}

/** The native standard input of the interpreter, when its `Interp` names one (the VM's `sys.stdin`). */
function nativeStdin(t: ObThread): number {
  return (interpOf(t) as { stdinObject?: number }).stdinObject ?? 0;
}

/** `builtin_input` (`input(prompt='', /)`). */
export function builtinInput(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'input', nargs, 0, 1)) return 0;
  const fin = sysStream(t, 'stdin', 'input(): lost sys.stdin');
  if (fin === 0 && errOccurred(t) !== 0) return 0;
  const fout = sysStream(t, 'stdout', 'input(): lost sys.stdout');
  const ferr = fout === 0 && errOccurred(t) !== 0 ? 0 : sysStream(t, 'stderr', 'input(): lost sys.stderr');
  const streams = [fin, fout, ferr];
  try {
    if (errOccurred(t) !== 0) return 0;
    if (fin === t.none) return errRaise(t, StaticType.RuntimeError, 'input(): lost sys.stdin');
    if (fout === t.none) return errRaise(t, StaticType.RuntimeError, 'input(): lost sys.stdout');
    if (ferr === t.none) return errRaise(t, StaticType.RuntimeError, 'input(): lost sys.stderr');
    // stderr first, its errors ignored (what was written before the prompt shows before it).
    if (ferr === 0) interpOf(t).stderr.flush();
    else if (fileFlush(t, ferr) < 0) errClear(t);
    if (nargs === 1) {
      const prompt = objectConvert(t, argAt(t, args, 0), 0x73);
      if (prompt === 0) return 0;
      const rc = fileWriteText(t, fout, strToJs(t, prompt));
      decref(t.rc, prompt);
      if (rc < 0) return 0;
    }
    if (fileFlush(t, fout) < 0) return 0;
    let line: number;
    if (fin === 0 || fin === nativeStdin(t)) {
      line = readStdinLine(t);
    } else {
      const readline = getAttrJs(t, fin, 'readline');
      if (readline === 0) return 0;
      line = callNoArgs(t, readline);
      decref(t.rc, readline);
    }
    return line === 0 ? 0 : finishLine(t, line);
  } finally {
    for (const s of streams) if (s !== 0) decref(t.rc, s);
  }
}

/** The `PyMethodDef` of `input`. */
export const INPUT_FUNCTIONS: readonly FunctionDef[] = [{ name: 'input', flags: METH_FASTCALL, fn: builtinInput }];
