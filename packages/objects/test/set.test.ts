import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import {
  errFetch,
  formatError,
  frozensetHash,
  intAsNumber,
  intFromNumber,
  listFromArray,
  listNew,
  objectReprJs,
  setAdd,
  setContains,
  setDiscard,
  setIter,
  setIterNext,
  setNew,
  setPop,
  setRemove,
  setSize,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

function lastError(r: Runtime): string {
  return formatError(r.t, errFetch(r.t)!);
}

describe('set and frozenset', () => {
  it('add, contains, discard, remove, pop with CPython’s errors; many elements through resizes', () => {
    r = makeRuntime();
    const t = r.t;
    const s = check(t, setNew(t));
    const ints = Array.from({ length: 3000 }, (_, i) => check(t, intFromNumber(t, i * 1009)));
    for (const x of ints) check(t, setAdd(t, s, x));
    for (const x of ints) check(t, setAdd(t, s, x)); // no duplicates
    expect(setSize(t, s)).toBe(3000);
    for (let i = 0; i < 3000; i += 2) expect(setDiscard(t, s, ints[i]!)).toBe(1);
    expect(setSize(t, s)).toBe(1500);
    for (let i = 0; i < 3000; i++) expect(setContains(t, s, ints[i]!)).toBe(i % 2);
    expect(setRemove(t, s, ints[0]!)).toBe(-1);
    expect(lastError(r)).toBe('KeyError: 0');
    const lst = check(t, listNew(t, 0));
    expect(setAdd(t, s, lst)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: unhashable type: 'list'");
    let popped = 0;
    while (setSize(t, s) > 0) {
      const x = check(t, setPop(t, s));
      expect(intAsNumber(t, x) % 2018).toBe(1009);
      release(r, x);
      popped++;
    }
    expect(popped).toBe(1500);
    expect(setPop(t, s)).toBe(0);
    expect(lastError(r)).toBe("KeyError: 'pop from an empty set'");
    release(r, s, lst, ...ints);
  });

  it('repr and frozenset hash as a 32-bit CPython; iteration raises "Set changed size during iteration"', () => {
    r = makeRuntime();
    const t = r.t;
    const empty = check(t, setNew(t, 0, true));
    expect(objectReprJs(t, empty)).toBe('frozenset()');
    expect(frozensetHash(t, empty)).toBe(-1572407560);
    const items = [1, 2, 3].map((v) => check(t, intFromNumber(t, v)));
    const lst = check(t, listFromArray(t, items));
    const fs = check(t, setNew(t, lst, true));
    expect(frozensetHash(t, fs)).toBe(-2021384008);
    const big = [1000, -5, 2 ** 40].map((v) => check(t, intFromNumber(t, v)));
    const lst2 = check(t, listFromArray(t, big));
    const fs2 = check(t, setNew(t, lst2, true));
    expect(frozensetHash(t, fs2)).toBe(-1654567046);
    const s = check(t, setNew(t, lst));
    expect(objectReprJs(t, s)).toBe('{1, 2, 3}');
    const it = check(t, setIter(t, s));
    const first = check(t, setIterNext(t, it));
    const ten = check(t, intFromNumber(t, 10));
    check(t, setAdd(t, s, ten));
    expect(setIterNext(t, it)).toBe(0);
    expect(lastError(r)).toBe('RuntimeError: Set changed size during iteration');
    release(r, it, first, ten, s, fs, fs2, lst, lst2, empty, ...items, ...big);
    expect(gcCollect(r.gt)).toBe(0);
  });
});
