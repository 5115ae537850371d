/**
 * range and slice objects, and sequences sliced by slice objects, against
 * CPython 3.13 (fixtures/range-slice-cpython.json, made once by
 * range-slice-cpython.py; values compared as their reprs).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { decref } from '@ft/refcount';
import {
  errFetch,
  formatError,
  intFromBigInt,
  iterNext,
  listFromArray,
  objectContains,
  objectGetItem,
  objectGetIter,
  objectHash,
  objectIsTrue,
  objectLength,
  objectReprJs,
  objectRichCompareBool,
  objectSetItem,
  PY_EQ,
  strFromJs,
  tupleFromArray,
  type ObThread,
} from '../src/index.js';
import { rangeIndex, rangeNew } from '../src/range.js';
import { sliceIndices, sliceNew } from '../src/slice.js';
import { makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

type Result = ['ok' | 'err', string];
interface RangeCase {
  args: string[];
  error?: string;
  repr: string;
  len: Result;
  items: Result[];
  slices: Result[];
  contains: boolean[];
  probe: string[];
  index: Result[];
  first: string[];
  bool: boolean;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/range-slice-cpython.json', import.meta.url), 'utf8')) as {
  slices: (string | null)[][];
  ranges: RangeCase[];
  eq: [[number[], number[]], boolean, boolean][];
  sliceIndices: [(string | null)[], number, Result][];
  sliceReprs: [(string | null)[], string][];
};

/** A new int from decimal text. */
function int(t: ObThread, text: string): number {
  return intFromBigInt(t, BigInt(text));
}

/** A new slice from the fixture's bounds (null: None). */
function slice(t: ObThread, bounds: (string | null)[]): number {
  const parts = bounds.map((b) => (b === null ? 0 : /^-?\d+$/.test(b) ? int(t, b) : strOf(t, b)));
  const s = sliceNew(t, parts[0]!, parts[1]!, parts[2]!);
  for (const p of parts) if (p !== 0) decref(t.rc, p);
  return s;
}

function strOf(t: ObThread, text: string): number {
  return strFromJs(t, text);
}

/** ['ok', repr] or ['err', "Type: message"] of a call that returns a new reference or 0. */
function result(t: ObThread, op: number, asRepr: (op: number) => string = (x) => objectReprJs(t, x)!): Result {
  if (op === 0) return ['err', formatError(t, errFetch(t)!)];
  const out: Result = ['ok', asRepr(op)];
  decref(t.rc, op);
  return out;
}

function makeRange(t: ObThread, args: string[]): number {
  const ints = args.map((a) => int(t, a));
  const tuple = tupleFromArray(t, ints);
  for (const i of ints) decref(t.rc, i);
  const op = rangeNew(t, tuple);
  decref(t.rc, tuple);
  return op;
}

describe('range against CPython', () => {
  it(`${fixture.ranges.length} ranges: repr, len, items, slices, membership, index, iteration, truth`, () => {
    r = makeRuntime();
    const t = r.t;
    for (const c of fixture.ranges) {
      const op = makeRange(t, c.args);
      if (c.error !== undefined) {
        expect([op, formatError(t, errFetch(t)!)]).toEqual([0, c.error]);
        continue;
      }
      const where = `range(${c.args.join(', ')})`;
      expect(objectReprJs(t, op), where).toBe(c.repr);
      const n = objectLength(t, op);
      expect(n === -1 ? ['err', formatError(t, errFetch(t)!)] : ['ok', String(n)], where).toEqual(c.len);
      c.probe.forEach((p, i) => {
        const key = int(t, p);
        expect(result(t, objectGetItem(t, op, key)), `${where}[${p}]`).toEqual(c.items[i]);
        expect(objectContains(t, op, key) === 1, `${p} in ${where}`).toBe(c.contains[i]);
        if (i < c.index.length) expect(result(t, rangeIndex(t, op, key)), `${where}.index(${p})`).toEqual(c.index[i]);
        decref(t.rc, key);
      });
      fixture.slices.forEach((bounds, i) => {
        const s = slice(t, bounds);
        expect(result(t, objectGetItem(t, op, s), (x) => `'${objectReprJs(t, x)}'`), `${where}[${bounds.join(':')}]`).toEqual(c.slices[i]);
        decref(t.rc, s);
      });
      const it = objectGetIter(t, op);
      const first: string[] = [];
      for (let k = 0; k < 5; k++) {
        const x = iterNext(t, it);
        if (x === 0) break;
        first.push(objectReprJs(t, x)!);
        decref(t.rc, x);
      }
      expect(first, where).toEqual(c.first);
      expect(objectIsTrue(t, op) === 1).toBe(c.bool);
      release(r, it, op);
    }
  });

  it('equality and hashing: equal ranges are the same sequence and hash alike', () => {
    r = makeRuntime();
    const t = r.t;
    for (const [[a, b], equal, sameHash] of fixture.eq) {
      const x = makeRange(t, a.map(String));
      const y = makeRange(t, b.map(String));
      expect(objectRichCompareBool(t, x, y, PY_EQ) === 1).toBe(equal);
      expect(objectHash(t, x) === objectHash(t, y)).toBe(sameHash);
      release(r, x, y);
    }
  });
});

describe('slice against CPython', () => {
  it('repr and indices(length)', () => {
    r = makeRuntime();
    const t = r.t;
    for (const [bounds, repr] of fixture.sliceReprs) {
      const s = slice(t, bounds);
      expect(objectReprJs(t, s)).toBe(repr);
      decref(t.rc, s);
    }
    for (const [bounds, length, expected] of fixture.sliceIndices) {
      const s = slice(t, bounds);
      expect(result(t, sliceIndices(t, s, length)), `slice(${bounds.join(', ')}).indices(${length})`).toEqual(expected);
      decref(t.rc, s);
    }
  });

  it('lists and tuples sliced by slice objects: get, set, delete', () => {
    r = makeRuntime();
    const t = r.t;
    const ints = [0, 1, 2, 3, 4, 5].map((i) => int(t, String(i)));
    const lst = listFromArray(t, ints);
    const tup = tupleFromArray(t, ints);
    const s = slice(t, ['1', null, '2']);
    expect(result(t, objectGetItem(t, lst, s))).toEqual(['ok', '[1, 3, 5]']);
    expect(result(t, objectGetItem(t, tup, s))).toEqual(['ok', '(1, 3, 5)']);
    const whole = slice(t, [null, null, null]);
    const same = objectGetItem(t, tup, whole);
    expect(same).toBe(tup); // an exact tuple's whole slice is itself
    decref(t.rc, same);
    const repl = tupleFromArray(t, ints.slice(0, 3));
    expect(objectSetItem(t, lst, s, repl)).toBe(0);
    expect(objectReprJs(t, lst)).toBe('[0, 0, 2, 1, 4, 2]');
    expect(objectSetItem(t, lst, s, 0)).toBe(0); // del lst[1::2]
    expect(objectReprJs(t, lst)).toBe('[0, 2, 4]');
    const zero = slice(t, [null, null, '0']);
    expect(result(t, objectGetItem(t, tup, zero))).toEqual(['err', 'ValueError: slice step cannot be zero']);
    release(r, s, whole, zero, repl, lst, tup, ...ints);
  });
});
