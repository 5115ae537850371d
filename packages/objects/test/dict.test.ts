import { afterEach, describe, expect, it } from 'vitest';
import {
  dictClear,
  dictContains,
  dictDelItem,
  dictDelItemIf,
  dictGetItemRef,
  dictIter,
  dictIterNext,
  dictNew,
  dictPop,
  dictPopItem,
  dictReprJs,
  dictSetDefaultRef,
  dictSetItem,
  dictSize,
  dictSubscript,
  dictView,
  objectContains,
  errFetch,
  formatError,
  intAsNumber,
  intFromNumber,
  listExtend,
  listNew,
  listReprJs,
  objectReprJs,
  strFromJs,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

function lastError(r: Runtime): string {
  return formatError(r.t, errFetch(r.t)!);
}

describe('dict', () => {
  it('set, get, delete, pop, popitem and repr keep insertion order as CPython', () => {
    r = makeRuntime();
    const t = r.t;
    const d = check(t, dictNew(t));
    const keys = ['a', 'b', 'c', 'd'].map((k) => check(t, strFromJs(t, k)));
    const values = [1, 2, 3, 4].map((v) => check(t, intFromNumber(t, v)));
    for (let i = 0; i < 4; i++) check(t, dictSetItem(t, d, keys[i]!, values[i]!));
    expect(dictReprJs(t, d)).toBe("{'a': 1, 'b': 2, 'c': 3, 'd': 4}");
    check(t, dictDelItem(t, d, keys[1]!));
    expect(dictDelItem(t, d, keys[1]!)).toBe(-1);
    expect(lastError(r)).toBe("KeyError: 'b'");
    check(t, dictSetItem(t, d, keys[1]!, values[0]!));
    expect(dictReprJs(t, d)).toBe("{'a': 1, 'c': 3, 'd': 4, 'b': 1}");
    const popped = check(t, dictPop(t, d, keys[2]!));
    expect(intAsNumber(t, popped)).toBe(3);
    const pair = check(t, dictPopItem(t, d));
    expect(objectReprJs(t, pair)).toBe("('b', 1)");
    expect(dictSize(t, d)).toBe(2);
    expect(dictContains(t, d, keys[0]!)).toBe(1);
    expect(dictContains(t, d, keys[2]!)).toBe(0);
    expect(dictGetItemRef(t, d, keys[2]!)).toBe(0);
    expect(t.error.type).toBe(0);
    expect(dictSubscript(t, d, keys[2]!)).toBe(0);
    expect(lastError(r)).toBe("KeyError: 'c'");
    dictClear(t, d);
    expect(dictPopItem(t, d)).toBe(0);
    expect(lastError(r)).toBe("KeyError: 'popitem(): dictionary is empty'");
    release(r, d, popped, pair, ...keys, ...values);
  });

  it('grows past many resizes, with int and str keys mixed; an unhashable key raises TypeError', () => {
    r = makeRuntime();
    const t = r.t;
    const d = check(t, dictNew(t));
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const k = check(t, i % 2 === 0 ? intFromNumber(t, i * 7919) : strFromJs(t, `k${i}`));
      const v = check(t, intFromNumber(t, i));
      check(t, dictSetItem(t, d, k, v));
      release(r, k, v);
    }
    expect(dictSize(t, d)).toBe(n);
    for (let i = 0; i < n; i++) {
      const k = check(t, i % 2 === 0 ? intFromNumber(t, i * 7919) : strFromJs(t, `k${i}`));
      const v = check(t, dictGetItemRef(t, d, k));
      expect(intAsNumber(t, v)).toBe(i);
      release(r, k, v);
    }
    const lst = check(t, listNew(t, 0));
    expect(dictSetItem(t, d, lst, lst)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: unhashable type: 'list'");
    release(r, d, lst);
  });

  it('iteration raises "dictionary changed size during iteration"; list.extend(dict) takes the keys', () => {
    r = makeRuntime();
    const t = r.t;
    const d = check(t, dictNew(t));
    const ks = [10, 20, 30].map((v) => check(t, intFromNumber(t, v)));
    for (const k of ks) check(t, dictSetItem(t, d, k, k));
    const lst = check(t, listNew(t, 0));
    check(t, listExtend(t, lst, d));
    expect(listReprJs(t, lst)).toBe('[10, 20, 30]');
    const it = check(t, dictIter(t, d));
    const first = check(t, dictIterNext(t, it));
    expect(intAsNumber(t, first)).toBe(10);
    check(t, dictDelItem(t, d, ks[2]!));
    expect(dictIterNext(t, it)).toBe(0);
    expect(lastError(r)).toBe('RuntimeError: dictionary changed size during iteration');
    expect(dictIterNext(t, it)).toBe(0);
    expect(lastError(r)).toBe('RuntimeError: dictionary changed size during iteration');
    release(r, it, first, lst, d, ...ks);
  });

  it('views: repr, len, iteration, `in`; list(d.items()) is one snapshot', () => {
    r = makeRuntime();
    const t = r.t;
    const d = check(t, dictNew(t));
    const k = check(t, strFromJs(t, 'a'));
    const v = check(t, intFromNumber(t, 1));
    check(t, dictSetItem(t, d, k, v));
    const keys = check(t, dictView(t, d, 0));
    const items = check(t, dictView(t, d, 2));
    expect(objectReprJs(t, keys)).toBe("dict_keys(['a'])");
    expect(objectReprJs(t, items)).toBe("dict_items([('a', 1)])");
    expect(objectContains(t, keys, k)).toBe(1);
    const lst = check(t, listNew(t, 0));
    check(t, listExtend(t, lst, items));
    expect(listReprJs(t, lst)).toBe("[('a', 1)]");
    release(r, lst, keys, items, d, k, v);
  });

  it('setdefault inserts once; DelItemIf deletes only when the predicate says so', () => {
    r = makeRuntime();
    const t = r.t;
    const d = check(t, dictNew(t));
    const k = check(t, strFromJs(t, 'key'));
    const one = check(t, intFromNumber(t, 1000));
    const two = check(t, intFromNumber(t, 2000));
    const a = check(t, dictSetDefaultRef(t, d, k, one));
    const b = check(t, dictSetDefaultRef(t, d, k, two));
    expect(a).toBe(one);
    expect(b).toBe(one);
    expect(dictDelItemIf(t, d, k, (v) => v === two)).toBe(0);
    expect(dictDelItemIf(t, d, k, (v) => v === one)).toBe(1);
    expect(dictSize(t, d)).toBe(0);
    release(r, a, b, d, k, one, two);
  });
});
