/**
 * Syntax errors: for each bad snippet of the fixture, our PySyntaxError has
 * CPython 3.13's class, message, line and offsets (fixture written by
 * tools/parser/gen_syntax_errors.py with the pinned CPython).
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, type ParseMode } from '../../src/parser/adapter.js';
import { PySyntaxError } from '../../src/parser/syntax-error.js';

interface Case {
  name: string;
  source: string;
  mode: ParseMode;
  type: string;
  msg: string;
  lineno: number;
  offset: number;
  end_lineno: number;
  end_offset: number;
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/parser/syntax-errors.json', import.meta.url), 'utf8')) as Case[];

/**
 * Known differences from CPython, by case name: what we give instead. Each
 * is a message CPython's second (error) pass finds with an `invalid_*`
 * grammar rule that neither py-ast nor the adapter's checks reproduce.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {};

function errorOf(c: Case): PySyntaxError {
  try {
    parse(c.source, '<string>', c.mode);
  } catch (error) {
    if (error instanceof PySyntaxError) return error;
    throw error;
  }
  throw new Error(`${c.name}: parsed without error`);
}

describe('syntax errors as CPython 3.13 reports them', () => {
  it('has the fixture', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  for (const c of cases) {
    const known = KNOWN_DIFFERENCES[c.name];
    it(`${c.name}${known ? ' (known difference)' : ''}`, () => {
      const e = errorOf(c);
      const actual = { type: e.type, msg: e.msg, lineno: e.lineno, offset: e.offset, end_lineno: e.end_lineno, end_offset: e.end_offset };
      const expected = { type: c.type, msg: c.msg, lineno: c.lineno, offset: c.offset, end_lineno: c.end_lineno, end_offset: c.end_offset };
      if (known !== undefined) {
        // Still a SyntaxError of the right class at the right line; the
        // message is the one recorded here, so a change is noticed.
        expect(e.type).toBe(c.type);
        expect(e.lineno).toBe(c.lineno);
        expect(e.msg).toBe(known);
        expect(actual).not.toEqual(expected);
      } else {
        expect(actual).toEqual(expected);
      }
    });
  }
});
