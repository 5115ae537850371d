/**
 * What a demanding caller throws at the containers: hashes and comparisons
 * that raise or mutate the container under the operation, recursive
 * containers in repr, impossible sizes — CPython's exceptions, never a
 * crash, a lost item or a freed read.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import { getRefcount } from '@ft/refcount';
import {
  dictClear,
  dictGetItemRef,
  dictNew,
  dictSetItem,
  dictSize,
  errFetch,
  errRaise,
  formatError,
  intFromNumber,
  listAppend,
  listFromArray,
  listNew,
  listReprJs,
  listSize,
  listSort,
  objectReprJs,
  StaticType,
  tupleFromArray,
  tupleNew,
  typeGenericAlloc,
  typeNew,
  typeSetSlot,
  dictNew as newNamespace,
  type ObThread,
  type SlotRegistry,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

/** What the test class's slots do now. */
const behaviour = {
  hash: (_t: ObThread, _op: number): number => 42,
  eq: (t: ObThread, _a: number, _b: number): number => t.false,
  /** `<`; null: NotImplemented. */
  lt: null as ((t: ObThread) => number) | null,
};
const ids = { hash: 0, richcompare: 0 };

function register(slots: SlotRegistry): void {
  ids.hash = slots.add('hash', 'test/K', (t, op) => behaviour.hash(t, op));
  ids.richcompare = slots.add('richcompare', 'test/K', (t, a, b, op) => (op === 2 ? behaviour.eq(t, a, b) : op === 0 && behaviour.lt !== null ? behaviour.lt(t) : t.notImplemented));
}

/** A class K whose hash and == are the test's. */
function classK(t: ObThread): number {
  const ns = check(t, newNamespace(t));
  const bases = check(t, tupleNew(t, 0));
  const K = check(t, typeNew(t, t.types[StaticType.Type]!, 'K', bases, ns));
  check(t, typeSetSlot(t, K, 'hash', ids.hash));
  check(t, typeSetSlot(t, K, 'richcompare', ids.richcompare));
  release(r, ns, bases);
  return K;
}

function lastError(r: Runtime): string {
  return formatError(r.t, errFetch(r.t)!);
}

describe('bad input', () => {
  it('a key whose __eq__ raises: the lookup fails with that error; one whose __hash__ raises: so does the insert', () => {
    r = makeRuntime({ registerSlots: register });
    const t = r.t;
    const K = classK(t);
    const a = check(t, typeGenericAlloc(t, K));
    const b = check(t, typeGenericAlloc(t, K));
    const d = check(t, dictNew(t));
    check(t, dictSetItem(t, d, a, a));
    behaviour.eq = (t) => errRaise(t, StaticType.ValueError, 'eq failed');
    expect(dictGetItemRef(t, d, b)).toBe(0);
    expect(lastError(r)).toBe('ValueError: eq failed');
    behaviour.hash = (t) => errRaise(t, StaticType.RuntimeError, 'hash failed') - 1;
    expect(dictSetItem(t, d, b, b)).toBe(-1);
    expect(lastError(r)).toBe('RuntimeError: hash failed');
    expect(dictSize(t, d)).toBe(1);
    behaviour.hash = () => 42;
    behaviour.eq = (t) => t.false;
    release(r, d, a, b, K);
    expect(gcCollect(r.gt)).toBeGreaterThan(0);
  });

  it('a key whose __eq__ clears the dict mid-lookup: the lookup starts over on the new table and finds nothing; nothing freed is read', () => {
    r = makeRuntime({ registerSlots: register, allocator: 'mimalloc_debug' });
    const t = r.t;
    const K = classK(t);
    const keys = Array.from({ length: 6 }, () => check(t, typeGenericAlloc(t, K)));
    const d = check(t, dictNew(t));
    for (const k of keys.slice(0, 5)) check(t, dictSetItem(t, d, k, k));
    let cleared = 0;
    behaviour.eq = (t) => {
      if (cleared++ === 0) dictClear(t, d);
      return t.false;
    };
    expect(dictGetItemRef(t, d, keys[5]!)).toBe(0);
    expect(t.error.type).toBe(0);
    expect(cleared).toBe(1);
    expect(dictSize(t, d)).toBe(0);
    for (const k of keys) expect(getRefcount(r.rc, k)).toBe(1);
    behaviour.eq = (t) => t.false;
    release(r, d, K, ...keys);
  });

  it('list.sort: a comparison that raises leaves every item in the list; one that appends raises "list modified during sort"', () => {
    r = makeRuntime({ registerSlots: register });
    const t = r.t;
    const K = classK(t);
    const ks = Array.from({ length: 40 }, () => check(t, typeGenericAlloc(t, K)));
    const lst = check(t, listFromArray(t, ks));
    let calls = 0;
    behaviour.lt = (t) => {
      if (++calls === 25) return errRaise(t, StaticType.TypeError, 'no order');
      return calls % 3 === 0 ? t.true : t.false;
    };
    expect(listSort(t, lst)).toBe(-1);
    expect(lastError(r)).toBe('TypeError: no order');
    expect(listSize(t, lst)).toBe(40);
    for (const k of ks) expect(getRefcount(r.rc, k)).toBe(2);
    behaviour.lt = (t) => {
      listAppend(t, lst, ks[0]!);
      return t.false;
    };
    expect(listSort(t, lst)).toBe(-1);
    expect(lastError(r)).toBe('ValueError: list modified during sort');
    expect(listSize(t, lst)).toBe(40);
    expect(getRefcount(r.rc, ks[0]!)).toBe(2); // what the comparison appended was released
    behaviour.lt = null;
    release(r, lst, K, ...ks);
  });

  it('recursive containers print as CPython: [[...]] and {1: {...}}; impossible sizes raise MemoryError', () => {
    r = makeRuntime();
    const t = r.t;
    const lst = check(t, listNew(t, 0));
    check(t, listAppend(t, lst, lst));
    expect(listReprJs(t, lst)).toBe('[[...]]');
    const d = check(t, dictNew(t));
    const one = check(t, intFromNumber(t, 1));
    check(t, dictSetItem(t, d, one, d));
    expect(objectReprJs(t, d)).toBe('{1: {...}}');
    const tup = check(t, tupleFromArray(t, [lst, d]));
    expect(objectReprJs(t, tup)).toBe('([[...]], {1: {...}})');
    expect(listNew(t, 2 ** 31)).toBe(0);
    expect(lastError(r)).toBe('MemoryError');
    expect(tupleNew(t, 2 ** 30)).toBe(0);
    expect(lastError(r)).toBe('MemoryError');
    release(r, tup, lst, d);
    expect(gcCollect(r.gt)).toBe(2);
  });
});
