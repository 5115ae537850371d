/**
 * The bytecode compiler against CPython 3.13.0 (fixtures written by
 * tools/compiler/gen_codegen_fixtures.py with the pinned CPython):
 * - every program of test/fixtures/compiler/codegen-corpus/ compiles to the
 *   same code objects, field by field and recursively: co_code,
 *   co_consts, co_names, co_varnames, co_cellvars, co_freevars, the argument
 *   counts, co_flags, co_stacksize, co_firstlineno, co_qualname,
 *   co_exceptiontable and co_linetable (a mismatch prints both
 *   disassemblies);
 * - every snippet of codegen-modes.json compiles, in its mode ('eval' or
 *   'single', where top-level expression statements are printed) and at its
 *   optimize level, to the same code objects;
 * - every snippet of codegen-warnings.json issues CPython's SyntaxWarnings
 *   (message and line, in order) and, when the handler makes them errors,
 *   fails with CPython's SyntaxError at the offending node;
 * - every snippet of codegen-errors.json fails with CPython's SyntaxError
 *   (message, line and offsets).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSource } from '../../src/compiler/compile.js';
import type { CompileWarning } from '../../src/compiler/compile-warning.js';
import { PySyntaxError } from '../../src/parser/syntax-error.js';
import { allCodes, dumpCode, type FullDump } from './code-dump.js';
import { disassemble } from './disassemble.js';

const FIXTURES = new URL('../fixtures/compiler/', import.meta.url);
const CORPUS = new URL('codegen-corpus/', FIXTURES);
const EXPECTED = new URL('codegen/', FIXTURES);

/** The first differing code object and field, with both listings. */
function describeMismatch(ours: FullDump, theirs: FullDump): string | null {
  const a = allCodes(ours);
  const b = allCodes(theirs);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) return `code object count differs: ours ${a.length}, CPython ${b.length}`;
    for (const key of Object.keys(y) as (keyof FullDump)[]) {
      const same = JSON.stringify(key === 'consts' ? shallowConsts(x.consts) : x[key]) === JSON.stringify(key === 'consts' ? shallowConsts(y.consts) : y[key]);
      if (!same) {
        return [
          `${y.qualname}: ${key} differs`,
          `ours:    ${JSON.stringify(key === 'consts' ? shallowConsts(x.consts) : x[key])}`,
          `CPython: ${JSON.stringify(key === 'consts' ? shallowConsts(y.consts) : y[key])}`,
          '--- ours',
          disassemble(x),
          '--- CPython',
          disassemble(y),
        ].join('\n');
      }
    }
  }
  return null;
}

function shallowConsts(consts: unknown[]): unknown[] {
  return consts.map((c) => (c !== null && typeof c === 'object' && 'code' in c ? `<code ${(c as { code: FullDump }).code.qualname}>` : c));
}

describe('codegen: programs compile to CPython 3.13.0 bytecode', () => {
  const programs = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.py'))
    .sort();
  it('has a corpus', () => {
    expect(programs.length).toBeGreaterThan(0);
  });
  for (const file of programs) {
    const name = file.slice(0, -3);
    it(name, () => {
      const source = readFileSync(new URL(file, CORPUS), 'utf8');
      const expected = JSON.parse(readFileSync(new URL(`${name}.json`, EXPECTED), 'utf8')) as FullDump;
      const ours = dumpCode(compileSource(source, `${name}.py`));
      const mismatch = describeMismatch(ours, expected);
      if (mismatch !== null) expect.fail(mismatch);
      expect(ours).toEqual(expected);
    });
  }
});

interface ModeCase {
  name: string;
  mode: 'exec' | 'eval' | 'single';
  source: string;
  /** compile()'s `optimize` (the -O level), 0 when absent. */
  optimize?: number;
  code: FullDump;
}

describe("codegen: compile()'s 'eval' and 'single' modes and optimize levels", () => {
  const cases = JSON.parse(readFileSync(new URL('codegen-modes.json', FIXTURES), 'utf8')) as ModeCase[];
  it('has both modes', () => {
    expect(new Set(cases.map((c) => c.mode))).toEqual(new Set(['exec', 'eval', 'single']));
  });
  for (const c of cases) {
    it(c.name, () => {
      const ours = dumpCode(compileSource(c.source, `<${c.name}>`, c.mode, { optimize: c.optimize ?? 0 }));
      const mismatch = describeMismatch(ours, c.code);
      if (mismatch !== null) expect.fail(mismatch);
      expect(ours).toEqual(c.code);
    });
  }
});

interface WarningCase {
  name: string;
  source: string;
  warnings: { category: string; message: string; lineno: number }[];
  error: { type: string; msg: string; lineno: number; offset: number; end_lineno: number; end_offset: number } | null;
}

describe("codegen: the compiler's SyntaxWarnings", () => {
  const cases = JSON.parse(readFileSync(new URL('codegen-warnings.json', FIXTURES), 'utf8')) as WarningCase[];
  for (const c of cases) {
    it(c.name, () => {
      const issued: CompileWarning[] = [];
      compileSource(c.source, '<string>', 'exec', {
        warn: (w) => {
          issued.push(w);
          return false;
        },
      });
      expect(issued.map((w) => ({ category: w.category, message: w.message, lineno: w.lineno }))).toEqual(c.warnings);
      expect(issued.every((w) => w.filename === '<string>')).toBe(true);
      let error: unknown = null;
      try {
        compileSource(c.source, '<string>', 'exec', { warn: () => true });
      } catch (e) {
        error = e;
      }
      if (c.error === null) {
        expect(error).toBeNull();
        return;
      }
      expect(error).toBeInstanceOf(PySyntaxError);
      const e = error as PySyntaxError;
      expect({ type: e.type, msg: e.msg, lineno: e.lineno, offset: e.offset, end_lineno: e.end_lineno, end_offset: e.end_offset }).toEqual(c.error);
    });
  }
  it('issues nothing without a handler', () => {
    expect(() => compileSource('x is 1\n(1)()\nassert (x, 1)\n', '<string>')).not.toThrow();
  });
});

interface ErrorCase {
  name: string;
  source: string;
  type: string;
  msg: string;
  lineno: number;
  offset: number;
  end_lineno: number | null;
  end_offset: number | null;
}

describe("codegen: the compiler's SyntaxErrors", () => {
  const cases = JSON.parse(readFileSync(new URL('codegen-errors.json', FIXTURES), 'utf8')) as ErrorCase[];
  for (const c of cases) {
    it(c.name, () => {
      let error: unknown = null;
      try {
        compileSource(c.source, '<string>');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PySyntaxError);
      const e = error as PySyntaxError;
      expect({ type: e.type, msg: e.msg, lineno: e.lineno, offset: e.offset, end_lineno: e.end_lineno, end_offset: e.end_offset }).toEqual({
        type: c.type,
        msg: c.msg,
        lineno: c.lineno,
        offset: c.offset,
        end_lineno: c.end_lineno,
        end_offset: c.end_offset,
      });
    });
  }
});
