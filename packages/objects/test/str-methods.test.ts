/**
 * str's methods (str-methods.ts, str-case.ts) against CPython 3.13: every
 * method on a few hundred inputs (fixtures/str-methods-cpython.json, made
 * once by str-methods-cpython.py), errors as CPython's type and message,
 * and the single-code-point predicates and case mappings over ranges of
 * code points. Each str result must be in PEP 393's canonical form (the
 * narrowest kind, the ASCII flag exact: `strEq` relies on it); a result is
 * either an input given back (CPython's identity rules) or a fresh object
 * held once; and the heap's live blocks are the same before and after
 * each batch (nothing leaked, nothing freed twice).
 */

import { readFileSync } from 'node:fs';
import { miStats } from '@ft/mimalloc';
import { getRefcount, isImmortal } from '@ft/refcount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dictNew,
  dictSetItem,
  errFetch,
  formatError,
  intFromNumber,
  listFromArray,
  listGetItemRef,
  listSize,
  strCapitalize,
  strCasefold,
  strCenter,
  strCodePointAt,
  strConcat,
  strContains,
  strCount,
  strEndsWith,
  strEq,
  strExpandtabs,
  strFind,
  strFromCodePoints,
  strFromJs,
  strGetItem,
  strGetSlice,
  strHash,
  strIndex,
  strIsAlnum,
  strIsAlpha,
  strIsAscii,
  strIsDecimal,
  strIsDigit,
  strIsIdentifier,
  strIsLower,
  strIsNumeric,
  strIsPrintable,
  strIsSpace,
  strIsTitle,
  strIsUpper,
  strJoin,
  strLength,
  strLjust,
  strLower,
  strLstrip,
  strPartition,
  strRepeat,
  strReplace,
  strRfind,
  strRindex,
  strRjust,
  strRpartition,
  strRsplit,
  strRstrip,
  strSplit,
  strSplitlines,
  strStartsWith,
  strStrip,
  strSubstring,
  strSwapcase,
  strTitle,
  strToJs,
  strUpper,
  strZfill,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  unicodeIsLinebreak,
  unicodeIsPrintable,
  unicodeIsSpace,
  type ObThread,
} from '../src/index.js';
import { STR_ASCII_OFFSET, STR_KIND_OFFSET } from '../src/layout.js';
import { makeRuntime, release, type Runtime } from './runtime.js';

type Arg = string | number | boolean | null | { int: number } | { tuple: Arg[] } | { list: Arg[] };
type Expected = string | number | boolean | Expected[] | { tuple: Expected[] } | { error: string };
type Case = [string, string, Arg[], Expected];
interface Fixture {
  cases: Case[];
  ranges: [number, number][];
  predicates: Record<string, [number, number][]>;
  mappings: [number, string, string, string, string, string, string][];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/str-methods-cpython.json', import.meta.url), 'utf8')) as Fixture;

let r: Runtime;
let t: ObThread;
beforeAll(() => {
  r = makeRuntime();
  t = r.t;
});
afterAll(() => r?.close());

function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks;
}

/** Objects made for one call's arguments, released after it. */
const made: number[] = [];

/** An argument as an object (a new reference kept in `made`); null is `none` (0: not given). */
function obj(a: Arg, none: number): number {
  if (a === null) return none;
  let op: number;
  if (typeof a === 'string') op = strFromJs(t, a);
  else if (typeof a === 'object' && 'int' in a) op = intFromNumber(t, a.int);
  else if (typeof a === 'object' && 'tuple' in a) op = tupleFromArray(t, a.tuple.map((x) => obj(x, t.none)));
  else if (typeof a === 'object' && 'list' in a) op = listFromArray(t, a.list.map((x) => obj(x, t.none)));
  else throw new Error(`not an object argument: ${JSON.stringify(a)}`);
  made.push(op);
  return op;
}

const num = (a: Arg): number => a as number;
const bound = (a: Arg): number | null => a as number | null;

/** What a method gives back: a str, list or tuple object; an index (-2 error); a count or index (-1 error); a 1/0/-1 answer; a predicate. */
type Shape = 'str' | 'list' | 'tuple' | 'find' | 'count' | 'tri' | 'bool';
const METHODS: Record<string, [Shape, (s: number, a: Arg[]) => number | boolean]> = {
  concat: ['str', (s, a) => strConcat(t, s, obj(a[0]!, t.none))],
  repeat: ['str', (s, a) => strRepeat(t, s, num(a[0]!))],
  getitem: ['str', (s, a) => strGetItem(t, s, num(a[0]!))],
  slice: ['str', (s, a) => strGetSlice(t, s, bound(a[0]!), bound(a[1]!), bound(a[2]!))],
  contains: ['tri', (s, a) => strContains(t, s, obj(a[0]!, t.none))],
  join: ['str', (s, a) => strJoin(t, s, obj(a[0]!, t.none))],
  split: ['list', (s, a) => strSplit(t, s, obj(a[0]!, t.none), num(a[1]!))],
  rsplit: ['list', (s, a) => strRsplit(t, s, obj(a[0]!, t.none), num(a[1]!))],
  splitlines: ['list', (s, a) => strSplitlines(t, s, a[0] as boolean)],
  replace: ['str', (s, a) => strReplace(t, s, obj(a[0]!, t.none), obj(a[1]!, t.none), num(a[2]!))],
  find: ['find', (s, a) => strFind(t, s, obj(a[0]!, t.none), bound(a[1]!), bound(a[2]!))],
  rfind: ['find', (s, a) => strRfind(t, s, obj(a[0]!, t.none), bound(a[1]!), bound(a[2]!))],
  index: ['count', (s, a) => strIndex(t, s, obj(a[0]!, t.none), bound(a[1]!), bound(a[2]!))],
  rindex: ['count', (s, a) => strRindex(t, s, obj(a[0]!, t.none), bound(a[1]!), bound(a[2]!))],
  count: ['count', (s, a) => strCount(t, s, obj(a[0]!, t.none), bound(a[1]!), bound(a[2]!))],
  startswith: ['tri', (s, a) => strStartsWith(t, s, obj(a[0]!, t.none), bound(a[1]!), bound(a[2]!))],
  endswith: ['tri', (s, a) => strEndsWith(t, s, obj(a[0]!, t.none), bound(a[1]!), bound(a[2]!))],
  strip: ['str', (s, a) => strStrip(t, s, obj(a[0]!, t.none))],
  lstrip: ['str', (s, a) => strLstrip(t, s, obj(a[0]!, t.none))],
  rstrip: ['str', (s, a) => strRstrip(t, s, obj(a[0]!, t.none))],
  partition: ['tuple', (s, a) => strPartition(t, s, obj(a[0]!, t.none))],
  rpartition: ['tuple', (s, a) => strRpartition(t, s, obj(a[0]!, t.none))],
  center: ['str', (s, a) => strCenter(t, s, num(a[0]!), obj(a[1]!, 0))],
  ljust: ['str', (s, a) => strLjust(t, s, num(a[0]!), obj(a[1]!, 0))],
  rjust: ['str', (s, a) => strRjust(t, s, num(a[0]!), obj(a[1]!, 0))],
  zfill: ['str', (s, a) => strZfill(t, s, num(a[0]!))],
  expandtabs: ['str', (s, a) => strExpandtabs(t, s, num(a[0]!))],
  upper: ['str', (s) => strUpper(t, s)],
  lower: ['str', (s) => strLower(t, s)],
  casefold: ['str', (s) => strCasefold(t, s)],
  capitalize: ['str', (s) => strCapitalize(t, s)],
  title: ['str', (s) => strTitle(t, s)],
  swapcase: ['str', (s) => strSwapcase(t, s)],
  isdigit: ['bool', (s) => strIsDigit(t, s)],
  isdecimal: ['bool', (s) => strIsDecimal(t, s)],
  isnumeric: ['bool', (s) => strIsNumeric(t, s)],
  isalpha: ['bool', (s) => strIsAlpha(t, s)],
  isalnum: ['bool', (s) => strIsAlnum(t, s)],
  isspace: ['bool', (s) => strIsSpace(t, s)],
  islower: ['bool', (s) => strIsLower(t, s)],
  isupper: ['bool', (s) => strIsUpper(t, s)],
  istitle: ['bool', (s) => strIsTitle(t, s)],
  isidentifier: ['bool', (s) => strIsIdentifier(t, s)],
  isprintable: ['bool', (s) => strIsPrintable(t, s)],
  isascii: ['bool', (s) => strIsAscii(t, s)],
};

/** Problems found, kept short. */
let wrong: string[] = [];
function complain(what: string): void {
  if (wrong.length < 20) wrong.push(what);
}

/** A str result's canonical form: the narrowest kind for its largest code point, the ASCII flag exact. */
function checkCanonical(op: number, where: string): void {
  let max = 0;
  const n = strLength(t, op);
  for (let i = 0; i < n; i++) max = Math.max(max, strCodePointAt(t, op, i));
  const kind = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  const gotKind = t.u8[op + STR_KIND_OFFSET];
  const gotAscii = t.u8[op + STR_ASCII_OFFSET];
  if (gotKind !== kind || gotAscii !== (max < 0x80 ? 1 : 0)) complain(`${where}: kind ${gotKind} ascii ${gotAscii}, expected kind ${kind} ascii ${max < 0x80 ? 1 : 0}`);
}

/** A result object is an input given back (self or an argument), immortal, or fresh (held by the result alone, plus `holders`). */
function checkHeld(op: number, s: number, holders: number, where: string): void {
  if (op === s || made.includes(op) || isImmortal(r.rc, op)) return;
  const rc = getRefcount(r.rc, op);
  if (rc !== holders) complain(`${where}: refcount ${rc}, expected ${holders}`);
}

/** A str result as a JavaScript string (checked canonical and held once). */
function strResult(op: number, s: number, holders: number, where: string): string {
  checkCanonical(op, where);
  checkHeld(op, s, holders, where);
  return strToJs(t, op);
}

/** Runs one case; the result as the fixture writes it. */
function run(method: string, self: string, args: Arg[]): Expected {
  const [shape, call] = METHODS[method]!;
  const s = strFromJs(t, self);
  made.length = 0;
  const where = `${method}(${JSON.stringify(self)}, ${JSON.stringify(args)})`;
  const got = call(s, args);
  let out: Expected;
  if (t.error.type !== 0) {
    out = { error: formatError(t, errFetch(t)!) };
    if (!(got === 0 || got === -1 || (shape === 'find' && got === -2))) complain(`${where}: an error with the result ${String(got)}`);
  } else if (shape === 'bool') {
    out = got as boolean;
  } else if (shape === 'tri') {
    out = got === 1;
  } else if (shape === 'find' || shape === 'count') {
    out = got as number;
  } else if (shape === 'str') {
    out = strResult(got as number, s, 1, where);
    release(r, got as number);
  } else if (shape === 'list') {
    const list = got as number;
    checkHeld(list, 0, 1, where);
    const items: string[] = [];
    for (let i = 0; i < listSize(t, list); i++) {
      const item = listGetItemRef(t, list, i);
      items.push(strResult(item, s, 2, `${where}[${i}]`));
      release(r, item);
    }
    release(r, list);
    out = items;
  } else {
    const tuple = got as number;
    const items: string[] = [];
    for (let i = 0; i < tupleSize(t, tuple); i++) {
      const item = tupleGetItem(t, tuple, i);
      items.push(strResult(item, s, 1, `${where}[${i}]`));
    }
    release(r, tuple);
    out = { tuple: items };
  }
  release(r, ...made);
  if (getRefcount(r.rc, s) !== 1 && !isImmortal(r.rc, s)) complain(`${where}: self's refcount ${getRefcount(r.rc, s)} after the call`);
  release(r, s);
  return out;
}

const byMethod = new Map<string, Case[]>();
for (const c of fixture.cases) {
  if (!byMethod.has(c[0])) byMethod.set(c[0], []);
  byMethod.get(c[0])!.push(c);
}

describe('str methods against CPython 3.13', () => {
  for (const [method, cases] of byMethod) {
    it(`${method}: ${cases.length} cases`, () => {
      wrong = [];
      const before = liveBlocks();
      for (const [, self, args, expected] of cases) {
        const got = run(method, self, args);
        if (JSON.stringify(got) !== JSON.stringify(expected)) complain(`${method}(${JSON.stringify(self)}, ${JSON.stringify(args)}): ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
      }
      expect(wrong).toEqual([]);
      expect(liveBlocks()).toBe(before);
    });
  }

  it('the fixture covers every method and its errors', () => {
    expect([...byMethod.keys()].sort()).toEqual(Object.keys(METHODS).sort());
    const errors = fixture.cases.filter((c) => typeof c[3] === 'object' && c[3] !== null && 'error' in c[3]).map((c) => (c[3] as { error: string }).error);
    expect(errors).toContain('TypeError: sequence item 1: expected str instance, int found');
    expect(errors).toContain("TypeError: 'in <string>' requires string as left operand, not int");
    expect(errors).toContain('OverflowError: repeated string is too long');
    expect(errors).toContain('MemoryError');
    expect(errors).toContain('TypeError: The fill character must be exactly one character long');
    expect(errors).toContain('TypeError: startswith first arg must be str or a tuple of str, not int');
  });
});

describe('single code points against CPython 3.13', () => {
  const PREDICATES: Record<string, (s: number) => boolean> = {
    isdigit: (s) => strIsDigit(t, s),
    isdecimal: (s) => strIsDecimal(t, s),
    isnumeric: (s) => strIsNumeric(t, s),
    isalpha: (s) => strIsAlpha(t, s),
    isalnum: (s) => strIsAlnum(t, s),
    isspace: (s) => strIsSpace(t, s),
    islower: (s) => strIsLower(t, s),
    isupper: (s) => strIsUpper(t, s),
    istitle: (s) => strIsTitle(t, s),
    isidentifier: (s) => strIsIdentifier(t, s),
    isprintable: (s) => strIsPrintable(t, s),
  };

  it(`${Object.keys(fixture.predicates).length} predicates over ${fixture.ranges.length} ranges of code points`, () => {
    wrong = [];
    const before = liveBlocks();
    for (const [name, runs] of Object.entries(fixture.predicates)) {
      const expected = new Set<number>();
      for (const [a, b] of runs) for (let c = a; c <= b; c++) expected.add(c);
      const predicate = PREDICATES[name]!;
      for (const [lo, hi] of fixture.ranges) {
        for (let c = lo; c < hi; c++) {
          const s = strFromCodePoints(t, [c]);
          if (predicate(s) !== expected.has(c)) complain(`U+${c.toString(16)}.${name}() should be ${expected.has(c)}`);
          release(r, s);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });

  it('unicodeIsSpace, unicodeIsPrintable, unicodeIsLinebreak agree with the predicates', () => {
    const space = new Set<number>();
    for (const [a, b] of fixture.predicates.isspace!) for (let c = a; c <= b; c++) space.add(c);
    const printable = new Set<number>();
    for (const [a, b] of fixture.predicates.isprintable!) for (let c = a; c <= b; c++) printable.add(c);
    for (const [lo, hi] of fixture.ranges) {
      for (let c = lo; c < hi; c++) {
        if (unicodeIsSpace(c) !== space.has(c)) expect({ c, space: unicodeIsSpace(c) }).toEqual({ c, space: space.has(c) });
        if (unicodeIsPrintable(c) !== printable.has(c)) expect({ c, printable: unicodeIsPrintable(c) }).toEqual({ c, printable: printable.has(c) });
      }
    }
    const breaks = [];
    for (let c = 0; c < 0x3000; c++) if (unicodeIsLinebreak(c)) breaks.push(c);
    expect(breaks).toEqual([0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029]);
  });

  it(`${fixture.mappings.length} case mappings (upper, lower, title, casefold, capitalize, swapcase; identity elsewhere)`, () => {
    wrong = [];
    const before = liveBlocks();
    const rows = new Map(fixture.mappings.map((row) => [row[0], row.slice(1) as string[]]));
    const ops = [strUpper, strLower, strTitle, strCasefold, strCapitalize, strSwapcase];
    for (const [lo, hi] of fixture.ranges) {
      for (let c = lo; c < hi; c++) {
        const s = strFromCodePoints(t, [c]);
        const expected = rows.get(c) ?? ops.map(() => String.fromCodePoint(c));
        ops.forEach((op, k) => {
          const res = op(t, s);
          const got = strResult(res, s, 1, `${op.name}(U+${c.toString(16)})`);
          if (got !== expected[k]) complain(`${op.name}(U+${c.toString(16)}): ${JSON.stringify(got)} ≠ ${JSON.stringify(expected[k])}`);
          release(r, res);
        });
        release(r, s);
      }
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });
});

describe('str methods: identities, arguments, and what the fixture cannot say', () => {
  function text(op: number): string {
    if (op === 0) throw new Error(formatError(t, errFetch(t)!));
    const s = strToJs(t, op);
    release(r, op);
    return s;
  }
  function error(result: number): string {
    expect(result === 0 || result === -1 || result === -2).toBe(true);
    return formatError(t, errFetch(t)!);
  }

  it('an exact str comes back itself when nothing changes; a result equals (and hashes as) the same text made from JavaScript', () => {
    const s = strFromJs(t, 'abc');
    for (const res of [strStrip(t, s), strReplace(t, s, strFromJs(t, 'z'), strFromJs(t, 'y')), strGetSlice(t, s, null, null), strLjust(t, s, 2), strZfill(t, s, 3), strExpandtabs(t, s), strRepeat(t, s, 1), strSubstring(t, s, 0, 99)]) {
      expect(res).toBe(s);
      release(r, res);
    }
    const list = strSplit(t, s);
    const item = listGetItemRef(t, list, 0);
    expect(item).toBe(s);
    release(r, item, list);
    const wide = strFromJs(t, 'x€abc');
    const piece = strGetSlice(t, wide, 2, null);
    expect(strEq(t, piece, s)).toBe(true);
    expect(strHash(t, piece)).toBe(strHash(t, s));
    release(r, piece, wide);
    expect(getRefcount(r.rc, s)).toBe(1);
    release(r, s);
  });

  it('split/strip take 0 or None for "not given"; fill characters default to a space', () => {
    const s = strFromJs(t, '  a b  ');
    const a = strSplit(t, s, 0);
    const b = strSplit(t, s, t.none);
    expect([listSize(t, a), listSize(t, b)]).toEqual([2, 2]);
    release(r, a, b);
    expect(text(strStrip(t, s, t.none))).toBe('a b');
    expect(text(strRstrip(t, s))).toBe('  a b');
    expect(text(strCenter(t, s, 9))).toBe('   a b   ');
    expect(error(strCenter(t, s, 9, t.none))).toBe('TypeError: The fill character must be a unicode character, not NoneType');
    release(r, s);
  });

  it('join reads any iterable (a dict gives its keys) and refuses what is not one', () => {
    const sep = strFromJs(t, '-');
    const d = dictNew(t);
    for (const k of ['x', 'é', '😀']) {
      const key = strFromJs(t, k);
      dictSetItem(t, d, key, t.none);
      release(r, key);
    }
    expect(text(strJoin(t, sep, d))).toBe('x-é-😀');
    const n = intFromNumber(t, 5);
    expect(error(strJoin(t, sep, n))).toBe('TypeError: can only join an iterable');
    release(r, n, d, sep);
  });

  it('repeat: CPython\'s size errors (OverflowError past Py_ssize_t, MemoryError below it)', () => {
    const ab = strFromJs(t, 'ab');
    expect(error(strRepeat(t, ab, 2 ** 62))).toBe('OverflowError: repeated string is too long');
    expect(error(strRepeat(t, ab, 2 ** 61))).toBe('MemoryError');
    expect(error(strRepeat(t, ab, Number.MAX_SAFE_INTEGER))).toBe('MemoryError');
    expect(text(strRepeat(t, ab, 3))).toBe('ababab');
    expect(text(strRepeat(t, ab, -(2 ** 62)))).toBe('');
    expect(error(strRepeat(t, ab, 1.5))).toBe('SystemError: bad argument to internal function');
    release(r, ab);
  });

  it('strFromCodePoints and strSubstring check their arguments', () => {
    expect(error(strFromCodePoints(t, [0x61, 0x110000]))).toBe('ValueError: character U+110000 is not in range [U+0000; U+10ffff]');
    expect(text(strFromCodePoints(t, [0x61, 0xd800, 0x1f600, 0x62], 1, 3))).toBe('\ud800😀');
    const s = strFromJs(t, 'hello');
    expect(error(strSubstring(t, s, -1, 2))).toBe('IndexError: string index out of range');
    expect(text(strSubstring(t, s, 3, 2))).toBe('');
    expect(text(strSubstring(t, s, 1, 3))).toBe('el');
    release(r, s);
  });

  it('search stays inside start/end and finds needles that straddle the skip heuristics', () => {
    const hay = 'ab'.repeat(50) + 'abcabd' + 'x'.repeat(30) + 'abcabd';
    const s = strFromJs(t, hay);
    for (const needle of ['abcabd', 'bcab', 'dx', 'xa', 'bd', 'abab', 'ba']) {
      const n = strFromJs(t, needle);
      for (const [start, end] of [[null, null], [3, null], [null, 105], [101, 142], [-40, -2]] as [number | null, number | null][]) {
        const js = hay.slice(start ?? 0, end ?? undefined);
        const offset = start === null ? 0 : start < 0 ? hay.length + start : start;
        const first = js.indexOf(needle);
        const last = js.lastIndexOf(needle);
        expect([needle, start, end, strFind(t, s, n, start, end), strRfind(t, s, n, start, end)]).toEqual([needle, start, end, first < 0 ? -1 : first + offset, last < 0 ? -1 : last + offset]);
        expect(strCount(t, s, n, start, end)).toBe(js.split(needle).length - 1);
      }
      release(r, n);
    }
    release(r, s);
  });
});
