/**
 * Split dicts (dict-keys.ts): instance dicts of one class share its keys
 * table; each keeps its own values and insertion order, and turns combined
 * when the shared table cannot take a key. Expected orders and items come
 * from CPython 3.13 (`python3.13`, run once; the outputs are written
 * inline below next to the Python that produced them).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import { getRefcount } from '@ft/refcount';
import {
  dictEqual,
  dictGetItemRef,
  dictHasSplitTable,
  dictCopy,
  dictPopItem,
  dictSetItem,
  dictSize,
  dictSubscript,
  errFetch,
  formatError,
  intAsNumber,
  intFromNumber,
  objectGetDict,
  objectSetAttr,
  objectSetDict,
  objectReprJs,
  strFromJs,
  strToJs,
  typeCacheRelease,
  typeGenericAlloc,
  type ObThread,
} from '../src/index.js';
import { dictSnapshot } from '../src/dict.js';
import { DICT_KEYS_OFFSET, SHARED_KEYS_MAX_SIZE } from '../src/layout.js';
import { makeClass } from './stress/types.scenario.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

function setattr(t: ObThread, obj: number, name: string, n: number): void {
  const k = check(t, strFromJs(t, name));
  const v = check(t, intFromNumber(t, n));
  check(t, objectSetAttr(t, obj, k, v));
  release(r, k, v);
}

function delattr(t: ObThread, obj: number, name: string): number {
  const k = check(t, strFromJs(t, name));
  const result = objectSetAttr(t, obj, k, 0);
  release(r, k);
  return result;
}

/** `list(d.items())` as [key repr, value] pairs. */
function items(t: ObThread, d: number): [string, number][] {
  const pairs = dictSnapshot(t, d, 0)!;
  const out: [string, number][] = [];
  for (const k of pairs) {
    const v = check(t, dictGetItemRef(t, d, k));
    out.push([objectReprJs(t, k)!, intAsNumber(t, v)]);
    release(r, k, v);
  }
  return out;
}

function keysTable(t: ObThread, d: number): number {
  return t.u32[(d + DICT_KEYS_OFFSET) >>> 2]!;
}

describe('split dicts', () => {
  it('instances share the keys; each has its own values and order', () => {
    r = makeRuntime();
    const t = r.t;
    const C = makeClass(t, 'C', []);
    const a = check(t, typeGenericAlloc(t, C));
    const b = check(t, typeGenericAlloc(t, C));
    // a.x=1; a.y=2; b.y=3; b.x=4 → ['x', 'y'] ['y', 'x']
    setattr(t, a, 'x', 1);
    setattr(t, a, 'y', 2);
    setattr(t, b, 'y', 3);
    setattr(t, b, 'x', 4);
    const da = check(t, objectGetDict(t, a));
    const db = check(t, objectGetDict(t, b));
    expect(dictHasSplitTable(t, da)).toBe(true);
    expect(dictHasSplitTable(t, db)).toBe(true);
    expect(keysTable(t, da)).toBe(keysTable(t, db));
    expect(items(t, da)).toEqual([["'x'", 1], ["'y'", 2]]);
    expect(items(t, db)).toEqual([["'y'", 3], ["'x'", 4]]);
    // del a.x; a.x=5 → [('y', 2), ('x', 5)], still split
    check(t, delattr(t, a, 'x'));
    expect(dictSize(t, da)).toBe(1);
    setattr(t, a, 'x', 5);
    expect(items(t, da)).toEqual([["'y'", 2], ["'x'", 5]]);
    expect(dictHasSplitTable(t, da)).toBe(true);
    // A key another instance has but this one lacks: missing here, with CPython's errors.
    const c = check(t, typeGenericAlloc(t, C));
    setattr(t, c, 'y', 6);
    const dc = check(t, objectGetDict(t, c));
    const x = check(t, strFromJs(t, 'x'));
    expect(dictGetItemRef(t, dc, x)).toBe(0);
    expect(t.error.type).toBe(0);
    expect(dictSubscript(t, dc, x)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe("KeyError: 'x'");
    expect(delattr(t, c, 'x')).toBe(-1);
    expect(formatError(t, errFetch(t)!)).toBe("AttributeError: 'C' object has no attribute 'x'");
    release(r, x, da, db, dc, a, b, c, C);
  });

  it('turns combined for a key that is not a str, keeping the order; popitem and copy', () => {
    r = makeRuntime();
    const t = r.t;
    const C = makeClass(t, 'C', []);
    const a = check(t, typeGenericAlloc(t, C));
    const b = check(t, typeGenericAlloc(t, C));
    setattr(t, a, 'y', 2);
    setattr(t, a, 'x', 5);
    setattr(t, b, 'y', 3);
    setattr(t, b, 'x', 4);
    const da = check(t, objectGetDict(t, a));
    const db = check(t, objectGetDict(t, b));
    const shared = keysTable(t, da);
    // a.__dict__[1]=2 → [('y', 2), ('x', 5), (1, 2)]
    const one = check(t, intFromNumber(t, 1));
    const two = check(t, intFromNumber(t, 2));
    check(t, dictSetItem(t, da, one, two));
    expect(dictHasSplitTable(t, da)).toBe(false);
    expect(keysTable(t, da)).not.toBe(shared);
    expect(items(t, da)).toEqual([["'y'", 2], ["'x'", 5], ['1', 2]]);
    // b.__dict__.popitem() → ('x', 4), leaving {'y': 3}
    const copy = check(t, dictCopy(t, db));
    expect(dictEqual(t, copy, db)).toBe(1);
    const pair = check(t, dictPopItem(t, db));
    expect(objectReprJs(t, pair)).toBe("('x', 4)");
    expect(items(t, db)).toEqual([["'y'", 3]]);
    expect(dictEqual(t, copy, db)).toBe(0);
    // Other instances keep sharing.
    const c = check(t, typeGenericAlloc(t, C));
    setattr(t, c, 'x', 7);
    const dc = check(t, objectGetDict(t, c));
    expect(keysTable(t, dc)).toBe(shared);
    release(r, one, two, pair, copy, da, db, dc, a, b, c, C);
  });

  it(`the shared table takes ${SHARED_KEYS_MAX_SIZE} keys; the dict that needs one more turns combined`, () => {
    r = makeRuntime();
    const t = r.t;
    const C = makeClass(t, 'C', []);
    const c = check(t, typeGenericAlloc(t, C));
    // for i in range(31): setattr(c, f'k{i}', i) → ... ['k28', 'k29', 'k30'], 31 entries
    for (let i = 0; i < SHARED_KEYS_MAX_SIZE; i++) setattr(t, c, `k${i}`, i);
    const dc = check(t, objectGetDict(t, c));
    expect(dictHasSplitTable(t, dc)).toBe(true);
    setattr(t, c, `k${SHARED_KEYS_MAX_SIZE}`, SHARED_KEYS_MAX_SIZE);
    expect(dictHasSplitTable(t, dc)).toBe(false);
    expect(items(t, dc).slice(-3)).toEqual([["'k28'", 28], ["'k29'", 29], ["'k30'", 30]]);
    expect(dictSize(t, dc)).toBe(31);
    // d.k0=0; d.zz=1 → {'k0': 0, 'zz': 1}: a known key stays split, a new one turns it combined.
    const d = check(t, typeGenericAlloc(t, C));
    setattr(t, d, 'k0', 0);
    const dd = check(t, objectGetDict(t, d));
    expect(dictHasSplitTable(t, dd)).toBe(true);
    setattr(t, d, 'zz', 1);
    expect(dictHasSplitTable(t, dd)).toBe(false);
    expect(objectReprJs(t, dd)).toBe("{'k0': 0, 'zz': 1}");
    release(r, dc, dd, c, d, C);
  });

  it('__dict__ replacement, and a cycle through a split dict is collected', () => {
    r = makeRuntime();
    const t = r.t;
    const C = makeClass(t, 'C', []);
    const a = check(t, typeGenericAlloc(t, C));
    const b = check(t, typeGenericAlloc(t, C));
    setattr(t, a, 'v', 1);
    const da = check(t, objectGetDict(t, a));
    // b.__dict__ = a.__dict__: one dict, two instances.
    check(t, objectSetDict(t, b, da));
    setattr(t, b, 'w', 2);
    expect(items(t, da)).toEqual([["'v'", 1], ["'w'", 2]]);
    // a.me = a: a cycle through the split dict's values.
    const me = check(t, strFromJs(t, 'me'));
    check(t, objectSetAttr(t, a, me, a));
    expect(strToJs(t, me)).toBe('me');
    release(r, me, da, a, b);
    expect(gcCollect(r.gt)).toBe(2); // a and the dict (b went with its last reference)
    release(r, C);
  });

  it('the shared keys go with the class: their names are released', () => {
    r = makeRuntime();
    const t = r.t;
    const name = check(t, strFromJs(t, 'not_interned_attribute'));
    const before = getRefcount(r.rc, name);
    const C = makeClass(t, 'C', []);
    const a = check(t, typeGenericAlloc(t, C));
    const v = check(t, intFromNumber(t, 1));
    check(t, objectSetAttr(t, a, name, v));
    // The shared table's reference, and the method cache's two (the lookup of a descriptor on C).
    expect(getRefcount(r.rc, name)).toBe(before + 3);
    release(r, a, v);
    release(r, C); // its MRO refers back to it: the collector frees it
    gcCollect(r.gt);
    expect(getRefcount(r.rc, name)).toBe(before + 2);
    typeCacheRelease(t);
    expect(getRefcount(r.rc, name)).toBe(before + 1); // the shared cache's entry keeps its name until rewritten
    release(r, name);
  });
});
