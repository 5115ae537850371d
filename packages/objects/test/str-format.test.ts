/**
 * Formatting against CPython 3.13 (fixtures/str-format-cpython.json, made
 * once by str-format-cpython.py): `format(value, spec)` — format-spec.ts's
 * parser and format-builtin.ts's `__format__` of int, bool, str, complex,
 * float and other objects, every presentation type, fill (Unicode and
 * astral too), alignment, sign, `z`, `#`, `0`, width, grouping, precision,
 * huge ints and the digit limit, and every error type and message —;
 * `str.format` / `format_map` (str-format.ts: numbering, attribute and
 * item lookups, conversions, nested specs, escapes, the parse errors);
 * `str % args` (str-percent.ts: every conversion × flags × widths ×
 * values, `*`, mapping keys, the argument-count errors); and `ascii()`.
 *
 * Each str result must be in PEP 393's canonical form and held once; the
 * heap's live blocks (less the free lists) are the same after each batch:
 * nothing leaked, nothing freed twice.
 */

import { readFileSync } from 'node:fs';
import { miStats } from '@ft/mimalloc';
import { getRefcount, isImmortal } from '@ft/refcount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complexFromDoubles,
  dictNew,
  dictSetItem,
  errFetch,
  exceptionCall,
  floatFromDouble,
  formatError,
  intFromBigInt,
  intFromNumber,
  listFromArray,
  StaticType,
  strCodePointAt,
  strFromJs,
  strLength,
  strToJs,
  tupleFromArray,
  type ObThread,
} from '../src/index.js';
import { objectAscii, objectFormat } from '../src/format-builtin.js';
import { parseInternalFormatSpec } from '../src/format-spec.js';
import { STR_ASCII_OFFSET, STR_KIND_OFFSET } from '../src/layout.js';
import { strFormatArgs, strFormatMap } from '../src/str-format.js';
import { strPercentFormat } from '../src/str-percent.js';
import { makeRuntime, release, type Runtime } from './runtime.js';

type Value =
  | null
  | boolean
  | number
  | string
  | { int: string }
  | { float: string }
  | { complex: [string, string] }
  | { list: Value[] }
  | { tuple: Value[] }
  | { dict: [Value, Value][] }
  | { oserror: Value[] };

interface Fixture {
  formats: [Value, string, string][];
  strformats: [string, string][];
  args: Value[];
  kwargs: Value;
  formatmaps: [string, string][];
  formatmapsList: [string, string][];
  percent: [string, Value, string][];
  asciis: [Value, string][];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/str-format-cpython.json', import.meta.url), 'utf8')) as Fixture;

let r: Runtime;
let t: ObThread;
beforeAll(() => {
  r = makeRuntime();
  t = r.t;
});
afterAll(() => r?.close());

function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks - t.floatFreeList.length - t.intFreeList.length;
}

function double(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan') return NaN;
  return Number(text);
}

/** A fixture value as a new object (a new reference). */
function obj(v: Value): number {
  if (v === null) return t.none;
  if (v === true) return t.true;
  if (v === false) return t.false;
  if (typeof v === 'number') return intFromNumber(t, v);
  if (typeof v === 'string') return strFromJs(t, v);
  if ('int' in v) return intFromBigInt(t, v.int.startsWith('-') ? -BigInt(v.int.slice(1)) : BigInt(v.int));
  if ('float' in v) return floatFromDouble(t, double(v.float));
  if ('complex' in v) return complexFromDoubles(t, double(v.complex[0]), double(v.complex[1]));
  if ('list' in v || 'tuple' in v) {
    // The containers take their own references to the items.
    const items = 'list' in v ? v.list.map(obj) : v.tuple.map(obj);
    const c = 'list' in v ? listFromArray(t, items) : tupleFromArray(t, items);
    release(r, ...items);
    return c;
  }
  if ('dict' in v) {
    const d = dictNew(t);
    for (const [k, x] of v.dict) {
      const key = obj(k);
      const value = obj(x);
      dictSetItem(t, d, key, value);
      release(r, key, value);
    }
    return d;
  }
  const items = v.oserror.map(obj);
  const args = tupleFromArray(t, items);
  const e = exceptionCall(t, t.types[StaticType.OSError]!, args);
  release(r, args, ...items);
  return e;
}

/** Problems found, kept short. */
let wrong: string[] = [];
function complain(what: string): void {
  if (wrong.length < 30) wrong.push(what);
}

/** A result as the fixture writes it: the text (checked canonical and held once), or '!Type: message'. */
function outcome(result: number, where: string, inputs: number[] = []): string {
  if (result === 0) {
    const fetched = errFetch(t);
    if (fetched === null) {
      complain(`${where}: 0 without an exception`);
      return '';
    }
    const text = `!${formatError(t, fetched)}`;
    if (fetched.value !== 0) release(r, fetched.value);
    return text;
  }
  if (t.error.type !== 0) complain(`${where}: a result with an exception set`);
  let max = 0;
  const n = strLength(t, result);
  for (let i = 0; i < n; i++) max = Math.max(max, strCodePointAt(t, result, i));
  const kind = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  if (t.u8[result + STR_KIND_OFFSET] !== kind || t.u8[result + STR_ASCII_OFFSET] !== (max < 0x80 ? 1 : 0)) complain(`${where}: not canonical`);
  if (!isImmortal(r.rc, result) && !inputs.includes(result) && getRefcount(r.rc, result) !== 1) complain(`${where}: refcount ${getRefcount(r.rc, result)}`);
  const text = strToJs(t, result);
  release(r, result);
  return text;
}

function check(got: string, expected: string, where: string): void {
  if (got !== expected) complain(`${where}: ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
}

describe('format(value, spec) against CPython 3.13', () => {
  it(`${fixture.formats.length} cases: int, bool, str, complex, float and other objects; every error`, () => {
    wrong = [];
    const before = liveBlocks();
    for (const [value, spec, expected] of fixture.formats) {
      const v = obj(value);
      const s = strFromJs(t, spec);
      const where = `format(${JSON.stringify(value).slice(0, 60)}, ${JSON.stringify(spec)})`;
      check(outcome(objectFormat(t, v, s), where, [v]), expected, where);
      release(r, s, v);
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });

  it('the empty spec gives an exact str back, str(n) for an exact int; a spec that is not a str is a SystemError', () => {
    const s = strFromJs(t, 'abc');
    const res = objectFormat(t, s, 0);
    expect(res).toBe(s);
    expect(getRefcount(r.rc, s)).toBe(2);
    release(r, res);
    const n = intFromNumber(t, 12345);
    expect(outcome(objectFormat(t, n, 0), 'format(12345)')).toBe('12345');
    expect(outcome(objectFormat(t, n, n), 'format(12345, 12345)')).toBe('!SystemError: Format specifier must be a string, not int');
    release(r, s, n);
  });

  it('the parser: defaults, fill and alignment as code points, grouping kinds', () => {
    const cps = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
    const spec = cps('\u{1f600}^+z#012_.3x');
    const f = parseInternalFormatSpec(t, spec, 0, spec.length, 'int', 0x64, 0x3e)!;
    expect(f).toEqual({ fill: 0x1f600, align: 0x5e, sign: 0x2b, noNeg0: true, alternate: true, width: 12, thousands: 0x15f, precision: 3, type: 0x78 });
    const str = cps('0');
    expect(parseInternalFormatSpec(t, str, 0, 1, 'str', 0x73, 0x3c)).toEqual({ fill: 0x30, align: 0x3c, sign: 0, noNeg0: false, alternate: false, width: -1, thousands: 0, precision: -1, type: 0x73 });
    expect(parseInternalFormatSpec(t, str, 0, 1, 'int', 0x64, 0x3e)!.align).toBe(0x3d);
  });
});

/** A template with an attribute lookup that gets as far as the lookup (`{5.errno}`, not `{0.}`). */
const ATTRIBUTE = /\{[a-z0-9]*\.[a-z]/;

describe('str.format and str.format_map against CPython 3.13', () => {
  it(`${fixture.strformats.length} templates with positional and keyword arguments`, () => {
    wrong = [];
    // Warm-up: the first AttributeError gets its `name` and `obj` set (generic-attr.ts), which fills
    // the caches that setting attributes uses once; the per-template counts below exclude that.
    {
      const s = strFromJs(t, '{0.nope}');
      const five = obj(5);
      const a = tupleFromArray(t, [five]);
      outcome(strFormatArgs(t, s, a, 0), 'warm-up', [s]);
      release(r, s, a, five);
    }
    const before = liveBlocks();
    const argItems = fixture.args.map(obj);
    const args = tupleFromArray(t, argItems);
    release(r, ...argItems);
    const kwargs = obj(fixture.kwargs);
    // An attribute lookup leaves its name in the thread's method cache (method-cache.ts keeps the
    // last name of each entry, a strong reference): those templates may keep one block per lookup.
    let lookups = 0;
    let excess = 0;
    for (const [template, expected] of fixture.strformats) {
      const attribute = ATTRIBUTE.test(template);
      const b = liveBlocks();
      const s = strFromJs(t, template);
      check(outcome(strFormatArgs(t, s, args, kwargs), template, [s]), expected, template);
      release(r, s);
      const kept = liveBlocks() - b;
      if (attribute) {
        lookups++;
        excess += kept;
        if (kept < 0 || kept > 1) complain(`${template}: ${kept} blocks kept`);
      } else if (kept !== 0) complain(`${template}: ${kept} blocks kept`);
    }
    expect(lookups).toBe(8);
    // format_map: the names from any mapping; positional fields refused.
    for (const [template, expected] of fixture.formatmaps) {
      const s = strFromJs(t, template);
      check(outcome(strFormatMap(t, s, kwargs), `map ${template}`, [s]), expected, `map ${template}`);
      release(r, s);
    }
    const list = obj({ list: [5, 6] });
    for (const [template, expected] of fixture.formatmapsList) {
      const s = strFromJs(t, template);
      check(outcome(strFormatMap(t, s, list), `map(list) ${template}`, [s]), expected, `map(list) ${template}`);
      release(r, s);
    }
    release(r, list, args, kwargs);
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before + excess);
  });

  it('without keyword arguments a name is a KeyError', () => {
    const s = strFromJs(t, '{a}');
    expect(outcome(strFormatArgs(t, s, t.emptyTuple, 0), '{a}')).toBe("!KeyError: 'a'");
    release(r, s);
  });
});

describe('str % args against CPython 3.13', () => {
  it(`${fixture.percent.length} cases: every conversion, flags, widths, precisions, *, keys, and the errors`, () => {
    wrong = [];
    const before = liveBlocks();
    for (const [format, args, expected] of fixture.percent) {
      const f = strFromJs(t, format);
      const a = obj(args);
      const where = `${JSON.stringify(format)} % ${JSON.stringify(args).slice(0, 60)}`;
      check(outcome(strPercentFormat(t, f, a), where, [f, a]), expected, where);
      release(r, a, f);
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });
});

describe('ascii() against CPython 3.13', () => {
  it(`${fixture.asciis.length} values`, () => {
    wrong = [];
    for (const [value, expected] of fixture.asciis) {
      const v = obj(value);
      check(outcome(objectAscii(t, v), JSON.stringify(value)), expected, JSON.stringify(value));
      release(r, v);
    }
    expect(wrong).toEqual([]);
  });
});
