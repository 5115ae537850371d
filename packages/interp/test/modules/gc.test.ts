/**
 * The `gc` module (src/modules/gc.ts) over the collector of @ft/gc, without
 * the VM: cycles built from lists are found by collect() and counted, what
 * DEBUG_SAVEALL keeps lands in the module's `garbage` list, `callbacks` are
 * called with "start" and "stop" and their info dict, the thresholds and
 * flags round-trip, and wrong arguments raise CPython 3.13's errors (the
 * messages from python3.13: gc.collect(3), gc.set_threshold(), …).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callArgs,
  createObjectsRuntime,
  dictGetItemRef,
  dictNew,
  errFetch,
  errToJs,
  formatError,
  intAsNumber,
  intFromNumber,
  listAppend,
  listGetItemRef,
  listNew,
  listSize,
  moduleDict,
  objectGetAttr,
  strFromJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  type ObjectsRuntime,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { dictGetItemStrRef } from '../../src/modules/dict-util.js';
import { GC_MODULE } from '../../src/modules/gc.js';
import { moduleCreate, registerModules, type RegisteredModule } from '../../src/modules/module-def.js';

let rt: ObjectsRuntime;
let t: ObThread;
let gc: number;

beforeAll(() => {
  let registered: Map<string, RegisteredModule> | null = null;
  rt = createObjectsRuntime({ registerSlots: (s) => (registered = registerModules(s, [GC_MODULE])) });
  t = rt.t;
  gc = moduleCreate(t, registered!.get('gc')!);
  if (gc === 0) throw errToJs(t);
});
afterAll(() => {
  decref(t.rc, gc);
  rt.close();
});

/** `gc.<name>(*args)` with borrowed arguments: a new reference, or 0 with the error set. */
function call(name: string, args: number[] = [], kw: Record<string, number> = {}): number {
  const fn = dictGetItemStrRef(t, moduleDict(t, gc), name);
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

function callInt(name: string, args: number[] = []): number {
  const r = call(name, args);
  if (r === 0) throw errToJs(t);
  const v = intAsNumber(t, r);
  decref(t.rc, r);
  return v;
}

function callInts(name: string): number[] {
  const r = call(name);
  if (r === 0) throw errToJs(t);
  const out: number[] = [];
  for (let i = 0; i < tupleSize(t, r); i++) out.push(intAsNumber(t, tupleGetItem(t, r, i)));
  decref(t.rc, r);
  return out;
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

function int(v: number): number {
  return intFromNumber(t, v);
}

/** Two lists that hold each other, with no other reference: garbage only the collector finds. */
function dropCycle(): void {
  const a = listNew(t, 0);
  const b = listNew(t, 0);
  listAppend(t, a, b);
  listAppend(t, b, a);
  decref(t.rc, a);
  decref(t.rc, b);
}

function moduleList(name: string): number {
  return dictGetItemStrRef(t, moduleDict(t, gc), name);
}

describe('gc.collect', () => {
  it('counts the unreachable objects of a cycle, then finds nothing', () => {
    callInt('collect');
    dropCycle();
    expect(callInt('collect')).toBe(2);
    expect(callInt('collect')).toBe(0);
    dropCycle();
    const gen0 = int(0);
    expect(callInt('collect', [gen0])).toBe(2);
  });

  it('keeps what DEBUG_SAVEALL saves in the module garbage list', () => {
    const saveall = dictGetItemStrRef(t, moduleDict(t, gc), 'DEBUG_SAVEALL');
    expect(intAsNumber(t, saveall)).toBe(32);
    decref(t.rc, call('set_debug', [saveall]));
    expect(callInt('get_debug')).toBe(32);
    dropCycle();
    expect(callInt('collect')).toBe(2);
    const garbage = moduleList('garbage');
    expect(listSize(t, garbage)).toBe(2);
    const first = listGetItemRef(t, garbage, 0);
    const second = listGetItemRef(t, garbage, 1);
    // The two saved lists are each other's only item.
    const inner = listGetItemRef(t, first, 0);
    expect(inner).toBe(second);
    for (const op of [first, second, inner]) decref(t.rc, op);
    decref(t.rc, call('set_debug', [int(0)]));
    decref(t.rc, saveall);
    decref(t.rc, call('collect'));
    // Emptying the list drops the last references: a collection frees the cycle.
    const clear = objectGetAttr(t, garbage, strFromJs(t, 'clear'));
    decref(t.rc, callArgs(t, clear, [], 0));
    decref(t.rc, clear);
    decref(t.rc, garbage);
    expect(callInt('collect')).toBe(2);
  });

  it('calls gc.callbacks with start and stop and the info dict', () => {
    const seen = dictNew(t);
    const setitem = objectGetAttr(t, seen, strFromJs(t, '__setitem__'));
    const callbacks = moduleList('callbacks');
    listAppend(t, callbacks, setitem);
    dropCycle();
    expect(callInt('collect', [int(1)])).toBe(2);
    const info = (phase: string, key: string): number => {
      const d = dictGetItemRef(t, seen, strFromJs(t, phase));
      const v = dictGetItemRef(t, d, strFromJs(t, key));
      decref(t.rc, d);
      const n = intAsNumber(t, v);
      decref(t.rc, v);
      return n;
    };
    expect(info('start', 'generation')).toBe(1);
    expect(info('start', 'collected')).toBe(0);
    expect(info('stop', 'generation')).toBe(1);
    expect(info('stop', 'collected')).toBe(2);
    expect(info('stop', 'uncollectable')).toBe(0);
    decref(t.rc, call('collect'));
    const clear = objectGetAttr(t, callbacks, strFromJs(t, 'clear'));
    decref(t.rc, callArgs(t, clear, [], 0));
    for (const op of [clear, callbacks, setitem, seen]) decref(t.rc, op);
  });
});

describe('gc state', () => {
  it('enables and disables automatic collection', () => {
    const isenabled = (): boolean => {
      const r = call('isenabled');
      decref(t.rc, r);
      return r === t.true;
    };
    expect(isenabled()).toBe(true);
    decref(t.rc, call('disable'));
    expect(isenabled()).toBe(false);
    decref(t.rc, call('enable'));
    expect(isenabled()).toBe(true);
  });

  it('sets one to three thresholds', () => {
    const before = callInts('get_threshold');
    expect(before).toEqual([2000, 10, 10]);
    decref(t.rc, call('set_threshold', [int(500)]));
    expect(callInts('get_threshold')).toEqual([500, 10, 10]);
    decref(t.rc, call('set_threshold', [int(700), int(5), int(6)]));
    expect(callInts('get_threshold')).toEqual([700, 5, 6]);
    decref(t.rc, call('set_threshold', before.map(int)));
    expect(callInts('get_count')).toHaveLength(3);
  });

  it('says which objects are tracked and lists referents and referrers', () => {
    const list = listNew(t, 0);
    const item = listNew(t, 0);
    listAppend(t, list, item);
    const tracked = call('is_tracked', [list]);
    const untracked = call('is_tracked', [int(5)]);
    expect([tracked, untracked]).toEqual([t.true, t.false]);
    const finalized = call('is_finalized', [list]);
    expect(finalized).toBe(t.false);
    const referents = call('get_referents', [list]);
    expect(listSize(t, referents)).toBe(1);
    const got = listGetItemRef(t, referents, 0);
    expect(got).toBe(item);
    const referrers = call('get_referrers', [item]);
    const found: number[] = [];
    for (let i = 0; i < listSize(t, referrers); i++) {
      const op = listGetItemRef(t, referrers, i);
      found.push(op);
      decref(t.rc, op);
    }
    expect(found).toContain(list);
    for (const op of [referents, got, referrers, list, item]) decref(t.rc, op);
  });

  it('freezes and unfreezes every tracked object', () => {
    decref(t.rc, call('freeze'));
    expect(callInt('get_freeze_count')).toBeGreaterThan(0);
    decref(t.rc, call('unfreeze'));
    expect(callInt('get_freeze_count')).toBe(0);
  });

  it('reports three generations of statistics', () => {
    const stats = call('get_stats');
    expect(listSize(t, stats)).toBe(3);
    decref(t.rc, stats);
  });
});

describe('gc errors (CPython 3.13 messages)', () => {
  it('rejects bad arguments', () => {
    const s = strFromJs(t, 'a');
    const big = intFromNumber(t, 2 ** 40);
    incref(t.rc, s);
    const cases: [string, number[], Record<string, number>, string][] = [
      ['collect', [int(3)], {}, 'ValueError: invalid generation'],
      ['collect', [int(-1)], {}, 'ValueError: invalid generation'],
      ['collect', [s], {}, "TypeError: 'str' object cannot be interpreted as an integer"],
      ['collect', [int(1), int(2)], {}, 'TypeError: collect() takes at most 1 argument (2 given)'],
      ['collect', [], { x: int(1) }, "TypeError: collect() got an unexpected keyword argument 'x'"],
      ['set_threshold', [], {}, 'TypeError: gc.set_threshold requires 1 to 3 arguments'],
      ['set_threshold', [int(1), int(2), int(3), int(4)], {}, 'TypeError: gc.set_threshold requires 1 to 3 arguments'],
      ['set_threshold', [s], {}, "TypeError: 'str' object cannot be interpreted as an integer"],
      ['set_threshold', [big], {}, 'OverflowError: signed integer is greater than maximum'],
      ['set_debug', [s], {}, "TypeError: 'str' object cannot be interpreted as an integer"],
      ['get_objects', [int(5)], {}, 'ValueError: generation parameter must be less than the number of available generations (3)'],
      ['get_objects', [int(-2)], {}, 'ValueError: generation parameter cannot be negative'],
      ['get_objects', [], { generation: s }, "TypeError: argument should be integer or None, not 'str'"],
    ];
    for (const [name, args, kw, message] of cases) expect(callError(name, args, kw), name).toBe(message);
    decref(t.rc, s);
    decref(t.rc, s);
    decref(t.rc, big);
  });
});
