/**
 * `_weakref` (src/modules/weakref.ts) without the VM: `ref` is the
 * ReferenceType of @ft/objects, proxies and the counting functions see the
 * weakrefs of a set (a weakly referenceable builtin), a dead entry is
 * removed by `_remove_dead_weakref` and a live one kept, and the argument
 * errors are CPython 3.13's (from python3.13: _weakref.proxy(1), …).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callArgs,
  createObjectsRuntime,
  dictNew,
  dictSetItem,
  dictSize,
  errFetch,
  errToJs,
  formatError,
  intAsNumber,
  intFromNumber,
  listSize,
  listGetItemRef,
  moduleDict,
  setNew,
  StaticType,
  strFromJs,
  tupleFromArray,
  typeNameOf,
  weakrefGetRef,
  type ObjectsRuntime,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { dictGetItemStrRef } from '../../src/modules/dict-util.js';
import { moduleCreate, registerModules, type RegisteredModule } from '../../src/modules/module-def.js';
import { WEAKREF_MODULE } from '../../src/modules/weakref.js';

let rt: ObjectsRuntime;
let t: ObThread;
let mod: number;

beforeAll(() => {
  let registered: Map<string, RegisteredModule> | null = null;
  rt = createObjectsRuntime({ registerSlots: (s) => (registered = registerModules(s, [WEAKREF_MODULE])) });
  t = rt.t;
  mod = moduleCreate(t, registered!.get('_weakref')!);
  if (mod === 0) throw errToJs(t);
});
afterAll(() => {
  decref(t.rc, mod);
  rt.close();
});

function attr(name: string): number {
  return dictGetItemStrRef(t, moduleDict(t, mod), name);
}

function call(name: string, args: number[], kw: Record<string, number> = {}): number {
  const fn = attr(name);
  const names = Object.keys(kw);
  let kwnames = 0;
  if (names.length > 0) {
    const strs = names.map((n) => strFromJs(t, n));
    kwnames = tupleFromArray(t, strs);
    for (const s of strs) decref(t.rc, s);
  }
  const r = callArgs(t, fn, [...args, ...names.map((n) => kw[n]!)], kwnames);
  if (kwnames !== 0) decref(t.rc, kwnames);
  decref(t.rc, fn);
  return r;
}

function callError(name: string, args: number[], kw: Record<string, number> = {}): string {
  const r = call(name, args, kw);
  if (r !== 0) {
    decref(t.rc, r);
    return 'no error';
  }
  const e = errFetch(t)!;
  const line = formatError(t, e);
  if (e.value !== 0) decref(t.rc, e.value);
  return line;
}

function count(obj: number): number {
  const r = call('getweakrefcount', [obj]);
  const n = intAsNumber(t, r);
  decref(t.rc, r);
  return n;
}

describe('_weakref', () => {
  it('exposes the weakref types of @ft/objects', () => {
    const expected: [string, StaticType][] = [
      ['ref', StaticType.WeakRef],
      ['ReferenceType', StaticType.WeakRef],
      ['ProxyType', StaticType.WeakProxy],
      ['CallableProxyType', StaticType.WeakCallableProxy],
    ];
    for (const [name, type] of expected) {
      const op = attr(name);
      expect(op, name).toBe(t.types[type]);
      decref(t.rc, op);
    }
  });

  it('counts and lists the weakrefs and proxies to an object until it dies', () => {
    const s = setNew(t);
    expect(count(s)).toBe(0);
    const ref = call('ref', [s]);
    const proxy = call('proxy', [s]);
    expect(typeNameOf(t, proxy)).toBe('weakref.ProxyType');
    expect(count(s)).toBe(2);
    const refs = call('getweakrefs', [s]);
    const listed = [0, 1].map((i) => listGetItemRef(t, refs, i));
    expect(new Set(listed)).toEqual(new Set([ref, proxy]));
    for (const op of listed) decref(t.rc, op);
    decref(t.rc, refs);
    expect(weakrefGetRef(t, ref)).toBe(s);
    decref(t.rc, s);
    decref(t.rc, s); // the last reference: the set dies and its weakrefs are cleared
    expect(weakrefGetRef(t, ref)).toBe(0);
    decref(t.rc, ref);
    decref(t.rc, proxy);
  });

  it('is 0 and [] for objects that cannot be weakly referenced', () => {
    const one = intFromNumber(t, 1);
    expect(count(one)).toBe(0);
    const refs = call('getweakrefs', [one]);
    expect(listSize(t, refs)).toBe(0);
    decref(t.rc, refs);
  });

  it('removes a dead weakref from a dict, not a live one', () => {
    const d = dictNew(t);
    const live = setNew(t);
    const dying = setNew(t);
    const liveRef = call('ref', [live]);
    const deadRef = call('ref', [dying]);
    const k1 = strFromJs(t, 'live');
    const k2 = strFromJs(t, 'dead');
    dictSetItem(t, d, k1, liveRef);
    dictSetItem(t, d, k2, deadRef);
    decref(t.rc, dying);
    for (const key of [k1, k2]) decref(t.rc, call('_remove_dead_weakref', [d, key]));
    const missing = strFromJs(t, 'missing');
    decref(t.rc, call('_remove_dead_weakref', [d, missing]));
    expect(dictSize(t, d)).toBe(1);
    for (const op of [missing, k1, k2, liveRef, deadRef, live, d]) decref(t.rc, op);
  });

  it('raises CPython 3.13 errors', () => {
    const one = intFromNumber(t, 1);
    const s = setNew(t);
    const cases: [string, number[], Record<string, number>, string][] = [
      ['proxy', [], {}, 'TypeError: proxy expected at least 1 argument, got 0'],
      ['proxy', [one], {}, "TypeError: cannot create weak reference to 'int' object"],
      ['proxy', [s, t.none, one], {}, 'TypeError: proxy expected at most 2 arguments, got 3'],
      ['proxy', [s], { callback: t.none }, 'TypeError: _weakref.proxy() takes no keyword arguments'],
      ['ref', [s, t.none, one], {}, 'TypeError: __new__ expected at most 2 arguments, got 3'],
      ['ref', [one], {}, "TypeError: cannot create weak reference to 'int' object"],
    ];
    for (const [name, args, kw, message] of cases) expect(callError(name, args, kw), `${name} ${message}`).toBe(message);
    decref(t.rc, s);
  });
});
