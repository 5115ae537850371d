/**
 * `float.__format__` and `PyOS_double_to_string` (float-format.ts) against
 * CPython 3.13 (fixtures/float-format-cpython.json, made once by
 * float-format-cpython.py): a table of doubles × format specs (every
 * presentation type, precision, alignment, fill, sign, `z`, `#`, zero
 * padding, `,` and `_` grouping, Unicode digits in the width), random
 * specs, and the ValueErrors of bad specs; then the str-object entry
 * point and repr-style conversions.
 */

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doubleToString, DTSF_ADD_DOT_0, DTSF_ALT, DTSF_SIGN, errFetch, floatFormat, floatFormatJs, floatFromDouble, floatReprJs, formatError, strFromJs, strToJs, type ObThread } from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

interface Fixture {
  specs: string[];
  table: [string, string[]][];
  random: [string, string, string][];
  bad: [string, string][];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/float-format-cpython.json', import.meta.url), 'utf8')) as Fixture;

let r: Runtime;
let t: ObThread;
beforeAll(() => {
  r = makeRuntime();
  t = r.t;
});
afterAll(() => r?.close());

function fromRepr(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  return Number(s);
}

/** format(x, spec) as CPython's fixture writes it: the text, or '!Type: message'. */
function format(x: number, spec: string): string {
  const text = floatFormatJs(t, x, spec);
  if (text !== null) return text;
  return `!${formatError(t, errFetch(t)!)}`;
}

describe('float.__format__ against CPython 3.13', () => {
  it(`${fixture.table.length} doubles × ${fixture.specs.length} specs`, () => {
    const wrong: string[] = [];
    for (const [repr, row] of fixture.table) {
      const x = fromRepr(repr);
      fixture.specs.forEach((spec, k) => {
        const got = format(x, spec);
        if (got !== row[k] && wrong.length < 30) wrong.push(`format(${repr}, ${JSON.stringify(spec)}): ${JSON.stringify(got)} ≠ ${JSON.stringify(row[k])}`);
      });
    }
    expect(wrong).toEqual([]);
  });

  it(`${fixture.random.length} random (value, spec) pairs`, () => {
    const wrong: string[] = [];
    for (const [repr, spec, want] of fixture.random) {
      const got = format(fromRepr(repr), spec);
      if (got !== want) wrong.push(`format(${repr}, ${JSON.stringify(spec)}): ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    }
    expect(wrong).toEqual([]);
  });

  it(`bad specs: CPython's ValueErrors (${fixture.bad.length})`, () => {
    const wrong: string[] = [];
    for (const [spec, want] of fixture.bad) {
      const got = format(1.5, spec);
      if (got !== want) wrong.push(`format(1.5, ${JSON.stringify(spec)}): ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('float formatting entry points', () => {
  it('floatFormat takes and returns str objects; the empty spec is str()', () => {
    const x = check(t, floatFromDouble(t, 1234.5678));
    for (const [spec, want] of [
      ['', '1234.5678'],
      [',.2f', '1,234.57'],
      ['>12.1e', '     1.2e+03'],
    ] as const) {
      const s = check(t, strFromJs(t, spec));
      const out = check(t, floatFormat(t, x, s));
      expect(strToJs(t, out)).toBe(want);
      release(r, s, out);
    }
    const bad = check(t, strFromJs(t, 'q'));
    expect(floatFormat(t, x, bad)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe("ValueError: Unknown format code 'q' for object of type 'float'");
    release(r, x, bad);
  });

  it('PyOS_double_to_string: repr without .0, with a sign, alternate forms', () => {
    expect(doubleToString(1, 'r', 0, 0)).toBe('1');
    expect(doubleToString(1, 'r', 0, DTSF_ADD_DOT_0)).toBe('1.0');
    expect(doubleToString(2.5, 'r', 0, DTSF_SIGN)).toBe('+2.5');
    expect(doubleToString(NaN, 'r', 0, DTSF_SIGN)).toBe('+nan');
    expect(doubleToString(-Infinity, 'r', 0, DTSF_SIGN)).toBe('-inf');
    expect(doubleToString(1e300, 'E', 3, 0)).toBe('1.000E+300');
    expect(doubleToString(0.5, 'f', 0, 0)).toBe('0');
    expect(doubleToString(0.5, 'f', 0, DTSF_ALT)).toBe('0.');
    expect(doubleToString(1e-320, 'g', 17, 0)).toBe('9.9998886718268301e-321');
    // Every digit of the exact binary value: 2^-1074 = 5^1074 · 10^-1074, 751 significant digits, then zeros.
    const digits = (5n ** 1074n).toString();
    expect(doubleToString(5e-324, 'e', 760, 0)).toBe(`${digits[0]}.${digits.slice(1).padEnd(760, '0')}e-324`);
    expect(doubleToString(2 ** 60, 'f', 3, 0)).toBe(`${2n ** 60n}.000`);
    expect(floatReprJs(1e16)).toBe(doubleToString(1e16, 'r', 0, DTSF_ADD_DOT_0));
  });
});
