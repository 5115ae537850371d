import { afterEach, describe, expect, it } from 'vitest';
import {
  errFetch,
  formatError,
  intAsNumber,
  intFromNumber,
  listAppend,
  listClear,
  listFromArray,
  listGetItemRef,
  listInsert,
  listNew,
  listPop,
  listReprJs,
  listSize,
  listSort,
  objectReprJs,
  strFromJs,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

function ints(r: Runtime, values: number[]): number[] {
  return values.map((v) => check(r.t, intFromNumber(r.t, v)));
}

function contents(r: Runtime, lst: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < listSize(r.t, lst); i++) {
    const item = check(r.t, listGetItemRef(r.t, lst, i));
    out.push(intAsNumber(r.t, item));
    release(r, item);
  }
  return out;
}

describe('list', () => {
  it('append, insert, pop and repr as CPython', () => {
    r = makeRuntime();
    const t = r.t;
    const lst = check(t, listNew(t, 0));
    for (const x of ints(r, [1, 2, 3])) {
      check(t, listAppend(t, lst, x));
      release(r, x);
    }
    const zero = check(t, intFromNumber(t, 0));
    check(t, listInsert(t, lst, 0, zero));
    expect(contents(r, lst)).toEqual([0, 1, 2, 3]);
    expect(listReprJs(t, lst)).toBe('[0, 1, 2, 3]');
    const last = check(t, listPop(t, lst));
    expect(intAsNumber(t, last)).toBe(3);
    expect(listPop(t, lst, 7)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('IndexError: pop index out of range');
    listClear(t, lst);
    expect(listPop(t, lst)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('IndexError: pop from empty list');
    expect(listGetItemRef(t, lst, 0)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('IndexError: list index out of range');
    release(r, lst, zero, last);
  });

  it('grows with CPython’s pattern', () => {
    r = makeRuntime();
    const t = r.t;
    const lst = check(t, listNew(t, 0));
    const caps: number[] = [];
    const none = t.none;
    for (let i = 0; i < 80; i++) {
      check(t, listAppend(t, lst, none));
      const items = t.u32[(lst + 24) >>> 2]!;
      const cap = t.u32[(items - 4) >>> 2]!;
      if (caps[caps.length - 1] !== cap) caps.push(cap);
    }
    expect(caps).toEqual([4, 8, 16, 24, 32, 40, 52, 64, 76, 92]);
    release(r, lst);
  });

  it('sorts stably with key= and reverse=, and shows [] while sorting', () => {
    r = makeRuntime();
    const t = r.t;
    const items = ints(r, [5, 3, 9, 1, 3, 7, 2, 8, 6, 4, 0]);
    const lst = check(t, listFromArray(t, items));
    release(r, ...items);
    check(t, listSort(t, lst));
    expect(contents(r, lst)).toEqual([0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9]);
    check(t, listSort(t, lst, 0, true));
    expect(contents(r, lst)).toEqual([9, 8, 7, 6, 5, 4, 3, 3, 2, 1, 0]);
    const words = ['pear', 'Apple', 'fig', 'banana'].map((w) => check(t, strFromJs(t, w)));
    const wl = check(t, listFromArray(t, words));
    check(t, listSort(t, wl));
    expect(objectReprJs(t, wl)).toBe("['Apple', 'banana', 'fig', 'pear']");
    release(r, wl, ...words, lst);
  });
});
