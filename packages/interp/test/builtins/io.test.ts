/**
 * `print` and `input` against what CPython 3.13.0 does (the expected
 * values come from running the same calls there with a file object
 * that records its `write` / `flush` / `readline` calls): one `write` per
 * piece, `flush` only when asked, the interpreter's own streams going to
 * the thread's sinks, the "lost sys.stdout" cases; `input`'s prompt,
 * newline stripping, EOFError, and the reading of file descriptor 0.
 */

import { mkdtempSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dictDelItem, intFromNumber, listFromArray, moduleDict, PyError, strFromJs, strInternFromJs, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { readLineFd } from '../../src/builtins/builtin-input.js';
import { callBuiltin, fakeFile, installSys, makeHarness, reprOf, type Harness } from './builtins-harness.js';

function pyError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof PyError) return e.message;
    throw e;
  }
  throw new Error('no Python error was raised');
}

function deleteKey(t: ObThread, dict: number, key: string): void {
  const k = strInternFromJs(t, key);
  expect(dictDelItem(t, dict, k)).toBe(0);
  decref(t.rc, k);
}

describe('print', () => {
  let h: Harness;
  let t: ObThread;
  const str = (s: string): number => strFromJs(t, s);
  beforeEach(() => {
    h = makeHarness();
    t = h.t;
  });
  afterEach(() => h.close());

  it('writes each piece with its own write() call', () => {
    const list = listFromArray(t, [intFromNumber(t, 1), str('a')]);
    callBuiltin(h, 'print', [intFromNumber(t, 1), str('a'), t.none], [['file', h.fakefile]]);
    expect(fakeFile.written).toEqual(['1', ' ', 'a', ' ', 'None', '\n']);
    expect(fakeFile.flushes).toBe(0);
    fakeFile.written = [];
    callBuiltin(h, 'print', [intFromNumber(t, 1), intFromNumber(t, 2)], [['sep', str('')], ['end', str('!')], ['file', h.fakefile], ['flush', t.true]]);
    expect(fakeFile.written).toEqual(['1', '', '2', '!']);
    expect(fakeFile.flushes).toBe(1);
    fakeFile.written = [];
    callBuiltin(h, 'print', [], [['file', h.fakefile]]);
    expect(fakeFile.written).toEqual(['\n']);
    fakeFile.written = [];
    callBuiltin(h, 'print', [strFromJs(t, '1.5'), list], [['sep', str(', ')], ['end', str('.\n')], ['file', h.fakefile]]);
    expect(fakeFile.written).toEqual(['1.5', ', ', "[1, 'a']", '.\n']);
    fakeFile.written = [];
    callBuiltin(h, 'print', [intFromNumber(t, 1), intFromNumber(t, 2)], [['sep', t.none], ['end', t.none], ['file', h.fakefile]]);
    expect(fakeFile.written).toEqual(['1', ' ', '2', '\n']);
    decref(t.rc, list);
  });

  it('goes to the stdout sink without sys, and through sys.stdout once there is one', () => {
    const r = callBuiltin(h, 'print', [str('before sys')], []);
    expect(r).toBe(t.none);
    expect(h.stdout.text).toBe('before sys\n');
    installSys(h);
    callBuiltin(h, 'print', [str('x'), str('y')], [['flush', t.true]]);
    expect(h.stdout.text).toBe('before sys\nx y\n');
    expect(h.stdout.flushes).toBe(1);
    callBuiltin(h, 'print', [str('to stderr')], [['file', h.interp.stderrObject]]);
    expect(h.stderr.text).toBe('to stderr\n');
  });

  it('prints nothing when sys.stdout is None, and raises when sys has none', () => {
    const sys = installSys(h, { stdout: t.none });
    expect(callBuiltin(h, 'print', [str('x')])).toBe(t.none);
    expect(h.stdout.text).toBe('');
    deleteKey(t, moduleDict(t, sys), 'stdout');
    expect(pyError(() => callBuiltin(h, 'print', [str('x')]))).toBe('RuntimeError: lost sys.stdout');
  });

  it("raises CPython's errors", () => {
    expect(pyError(() => callBuiltin(h, 'print', [intFromNumber(t, 1)], [['sep', intFromNumber(t, 1)]]))).toBe('TypeError: sep must be None or a string, not int');
    expect(pyError(() => callBuiltin(h, 'print', [intFromNumber(t, 1)], [['end', intFromNumber(t, 2)]]))).toBe('TypeError: end must be None or a string, not int');
    expect(pyError(() => callBuiltin(h, 'print', [], [['x', intFromNumber(t, 1)]]))).toBe("TypeError: print() got an unexpected keyword argument 'x'");
    expect(pyError(() => callBuiltin(h, 'print', [intFromNumber(t, 1)], [['file', intFromNumber(t, 1)]]))).toBe("AttributeError: 'int' object has no attribute 'write'");
    fakeFile.failWrite = true;
    expect(pyError(() => callBuiltin(h, 'print', [intFromNumber(t, 1)], [['file', h.fakefile]]))).toBe('OSError: disk full');
  });
});

describe('input', () => {
  let h: Harness;
  let t: ObThread;
  beforeEach(() => {
    h = makeHarness();
    t = h.t;
  });
  afterEach(() => h.close());

  it('writes the prompt, flushes, and reads sys.stdin.readline() without the newline', () => {
    installSys(h, { stdin: h.fakefile });
    fakeFile.lines = ['abc\n', 'no newline'];
    const a = callBuiltin(h, 'input', [strFromJs(t, '> ')]);
    const b = callBuiltin(h, 'input', []);
    expect(reprOf(h, a)).toBe("'abc'");
    expect(reprOf(h, b)).toBe("'no newline'");
    expect(pyError(() => callBuiltin(h, 'input', []))).toBe('EOFError: EOF when reading a line');
    expect(h.stdout.text).toBe('> ');
    expect(h.stdout.flushes).toBe(3);
    expect(h.stderr.flushes).toBe(3);
    decref(t.rc, a);
    decref(t.rc, b);
  });

  it('loses sys.stdin as CPython does', () => {
    const sys = installSys(h, { stdin: t.none });
    expect(pyError(() => callBuiltin(h, 'input', []))).toBe('RuntimeError: input(): lost sys.stdin');
    deleteKey(t, moduleDict(t, sys), 'stdin');
    expect(pyError(() => callBuiltin(h, 'input', []))).toBe('RuntimeError: input(): lost sys.stdin');
  });

  it("checks its argument count and readline()'s result", () => {
    expect(pyError(() => callBuiltin(h, 'input', [t.none, t.none]))).toBe('TypeError: input expected at most 1 argument, got 2');
    installSys(h, { stdin: h.fakefile });
    fakeFile.lines = [Uint8Array.from([0x78, 0x79, 0x0a]), 3];
    const line = callBuiltin(h, 'input', []);
    expect(reprOf(h, line)).toBe("b'xy'");
    decref(t.rc, line);
    expect(pyError(() => callBuiltin(h, 'input', []))).toBe('TypeError: object.readline() returned non-string');
  });
});

describe('readLineFd', () => {
  it('reads one line at a time, \\r\\n as \\n, UTF-8, then the empty string at the end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-input-'));
    const path = join(dir, 'stdin.txt');
    writeFileSync(path, Buffer.from('a\r\nb\n\xc3\xa9', 'latin1'));
    const fd = openSync(path, 'r');
    try {
      expect(readLineFd(fd)).toBe('a\n');
      expect(readLineFd(fd)).toBe('b\n');
      expect(readLineFd(fd)).toBe('é');
      expect(readLineFd(fd)).toBe('');
    } finally {
      closeSync(fd);
    }
  });
});
