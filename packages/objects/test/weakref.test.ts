/**
 * Weak references and proxies against CPython 3.13
 * (fixtures/weakref-cpython.json, made once by weakref-cpython.py; reprs
 * with their addresses written as 0x?): which objects can be weakly
 * referenced, the canonical callback-less ref and proxy, the callbacks
 * (exactly once, newest first, after every weakref is cleared, with the
 * weakref as argument, nested deaths, a raising one reported), hash and
 * equality before and after death, `__callback__`, the proxies'
 * forwarding and their ReferenceError once dead, and the collector
 * clearing weakrefs to a cycle and calling their callbacks.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import { miStats } from '@ft/mimalloc';
import { decref, incref } from '@ft/refcount';
import {
  complexFromDoubles,
  dequeNew,
  dictNew,
  dictSetItem,
  errFetch,
  errOccurred,
  errRaise,
  exceptionCall,
  floatFromDouble,
  formatError,
  intAsNumber,
  intFromNumber,
  iterNext,
  listFromArray,
  listSize,
  numberBinaryOp,
  numberInPlaceOp,
  objectContains,
  objectGetAttr,
  objectGetItem,
  objectGetIter,
  objectHash,
  objectIsTrue,
  objectLength,
  objectReprJs,
  objectRichCompare,
  objectRichCompareBool,
  objectSetAttr,
  objectSetItem,
  PY_EQ,
  PY_LT,
  PY_NE,
  rangeNew,
  setNew,
  sliceNew,
  StaticType,
  strFromJs,
  strToJs,
  subtypeNew,
  tupleFromArray,
  tupleGetItem,
  typeGenericAlloc,
  typeNew,
  typeSetSlot,
  typeSlot,
  type ObThread,
  type SlotRegistry,
} from '../src/index.js';
import { objectCall } from '../src/call.js';
import { objectStr } from '../src/exceptions.js';
import * as L from '../src/layout.js';
import { weakrefCallback, weakrefCount, weakrefFirst, weakrefGetObject, weakrefGetRef, weakrefNewProxy, weakrefNewRef, weakrefsOf } from '../src/weakref.js';
import { clearWeakRefs, setUnraisableHook } from '../src/weakref-clear.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

type Result = ['ok' | 'err', string];
const F = JSON.parse(readFileSync(new URL('./fixtures/weakref-cpython.json', import.meta.url), 'utf8')) as Record<string, unknown>;

let r: Runtime;
afterEach(() => {
  actions.clear();
  if (r !== undefined) setUnraisableHook(r.t, null);
  r?.close();
});

// --- a Python callable for callbacks: instances of a class whose tp_call runs a JavaScript function ---

/** What calling each test callable does, by its address (module scope: this thread's). */
const actions = new Map<number, (t: ObThread, arg: number) => number>();
let callSlot = 0;
let addSlot = 0;
function registerTestSlots(slots: SlotRegistry): void {
  callSlot = slots.add('call', 'test/weakref-callable', (t, callable, args) => {
    const action = actions.get(callable);
    if (action === undefined) return errRaise(t, StaticType.TypeError, 'test callable without an action');
    return action(t, tupleGetItem(t, args, 0));
  });
  // A number slot for a weakly referenceable class: `n + x` is 40.
  addSlot = slots.add('add', 'test/weakref-num', (t) => intFromNumber(t, 40));
}

/** The class of the test callables (`tp_call`: the action of each instance). */
let Callback = 0;

function start(options: { allocator?: 'mimalloc' | 'mimalloc_debug' } = {}): ObThread {
  r = makeRuntime({ registerSlots: registerTestSlots, ...options });
  const t = r.t;
  Callback = check(t, makeClass(t, 'Callback'));
  check(t, typeSetSlot(t, Callback, 'call', callSlot));
  return t;
}

/** `class name(*bases)` (`__slots__` when given; `attrs` in the namespace: str values, or int ones). */
function makeClass(t: ObThread, name: string, bases: number[] = [], slots: string[] | null = null, attrs: Record<string, string | number> = {}): number {
  const ns = check(t, dictNew(t));
  for (const [k, v] of Object.entries(attrs)) {
    const key = str(t, k);
    const value = typeof v === 'string' ? str(t, v) : check(t, intFromNumber(t, v));
    check(t, dictSetItem(t, ns, key, value));
    release(r, key, value);
  }
  const basesTuple = check(t, tupleFromArray(t, bases));
  const type = typeNew(t, t.types[StaticType.Type]!, name, basesTuple, ns, slots);
  release(r, ns, basesTuple);
  return type;
}

/** A callable that runs `fn(arg)` and returns None (or what `fn` returns when it returns a number ≠ undefined). */
function callable(t: ObThread, fn: (t: ObThread, arg: number) => number | void): number {
  const op = check(t, typeGenericAlloc(t, Callback));
  actions.set(op, (t2, arg) => {
    const res = fn(t2, arg);
    if (typeof res === 'number') return res;
    incref(t2.rc, t2.none);
    return t2.none;
  });
  return op;
}

function lastError(t: ObThread): string {
  return formatError(t, errFetch(t)!);
}

/** A Python-level result as the fixture writes it: `['ok', repr]` or `['err', 'Type: message']`. */
function result(t: ObThread, op: number): Result {
  if (op === 0 || (op === -1 && errOccurred(t))) return ['err', lastError(t)];
  const text = objectReprJs(t, op);
  decref(t.rc, op);
  return ['ok', norm(text!)];
}

function intResult(t: ObThread, value: number): Result {
  return value === -1 && errOccurred(t) ? ['err', lastError(t)] : ['ok', String(value)];
}

function norm(text: string): string {
  return text.replace(/0x[0-9a-f]+/g, '0x?');
}

function str(t: ObThread, text: string): number {
  return check(t, strFromJs(t, text));
}

function getattr(t: ObThread, obj: number, name: string): number {
  const key = str(t, name);
  const v = objectGetAttr(t, obj, key);
  release(r, key);
  return v;
}

function setattr(t: ObThread, obj: number, name: string, value: number): number {
  const key = str(t, name);
  const rc = objectSetAttr(t, obj, key, value);
  release(r, key);
  return rc;
}

function ints(t: ObThread, ...values: number[]): number[] {
  return values.map((v) => check(t, intFromNumber(t, v)));
}

function listOf(t: ObThread, ...values: number[]): number {
  const items = ints(t, ...values);
  const list = check(t, listFromArray(t, items));
  release(r, ...items);
  return list;
}

/** `L(values)`: an instance of the list subclass `cls`. */
function listSub(t: ObThread, cls: number, ...values: number[]): number {
  const list = listOf(t, ...values);
  const op = check(t, subtypeNew(t, cls, list));
  release(r, list);
  return op;
}

function pyList(t: ObThread, list: number): number[] {
  const out: number[] = [];
  const it = check(t, objectGetIter(t, list));
  for (let item = iterNext(t, it); item !== 0; item = iterNext(t, it)) {
    out.push(intAsNumber(t, item));
    decref(t.rc, item);
  }
  release(r, it);
  return out;
}

function isNone(t: ObThread, op: number): boolean {
  const none = op === t.none;
  decref(t.rc, op);
  return none;
}

/** The heap's live blocks, less the free lists' (allocated, but no object's). */
function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks - r.t.floatFreeList.length - r.t.intFreeList.length;
}

describe('weakref layout', () => {
  it('ref and proxy: the referent, callback, hash, links and lock key after the header; the state holds 127 stripes', () => {
    expect([L.WR_OBJECT_OFFSET, L.WR_CALLBACK_OFFSET, L.WR_HASH_OFFSET, L.WR_PREV_OFFSET, L.WR_NEXT_OFFSET, L.WR_LOCK_KEY_OFFSET]).toEqual([20, 24, 28, 32, 36, 40]);
    expect(L.WEAKREF_OBJECT_SIZE).toBe(44);
    expect(L.NUM_WEAKREF_LIST_LOCKS).toBe(127);
    expect(L.OBJECTS_STATE_SIZE - L.OS_WEAKREF_LOCKS_OFFSET).toBeGreaterThanOrEqual(L.NUM_WEAKREF_LIST_LOCKS);
    expect(L.TP_WEAKLIST_OFFSET + 4).toBe(L.TYPE_OBJECT_SIZE);
    expect(L.SET_WEAKLIST_OFFSET + 4).toBe(L.SET_OBJECT_SIZE);
  });
});

describe('which objects can be weakly referenced', () => {
  it('as CPython 3.13: instances of classes (not over tuple, not with __slots__ lacking __weakref__), classes and builtin types, sets and frozensets; not list, dict, tuple, int, str, …', () => {
    const t = start();
    const expected = F.support as Record<string, Result>;
    const Foo = check(t, makeClass(t, 'Foo'));
    const Lc = check(t, makeClass(t, 'L', [t.types[StaticType.List]!]));
    const D = check(t, makeClass(t, 'D', [t.types[StaticType.Dict]!]));
    const S = check(t, makeClass(t, 'S', [t.types[StaticType.Set]!]));
    const T = check(t, makeClass(t, 'T', [t.types[StaticType.Tuple]!]));
    const E = check(t, makeClass(t, 'E', [t.types[StaticType.ValueError]!]));
    const Empty = check(t, makeClass(t, 'Empty', [], []));
    const OneSlot = check(t, makeClass(t, 'OneSlot', [], ['a']));
    const WeakSlot = check(t, makeClass(t, 'WeakSlot', [], ['a', '__weakref__']));
    const FooNoSlots = check(t, makeClass(t, 'FooNoSlots', [Foo], []));
    const Mixed = check(t, makeClass(t, 'Mixed', [Foo, Lc]));
    const three = check(t, intFromNumber(t, 3));
    const one = check(t, intFromNumber(t, 1));
    const rangeArgs = check(t, tupleFromArray(t, [three]));
    const foo = check(t, typeGenericAlloc(t, Foo));
    const objects: Record<string, number> = {
      'Foo()': foo,
      Foo: (incref(t.rc, Foo), Foo),
      int: t.types[StaticType.Int]!,
      'set()': check(t, setNew(t)),
      'frozenset()': check(t, setNew(t, 0, true)),
      'L()': check(t, subtypeNew(t, Lc)),
      'D()': check(t, subtypeNew(t, D)),
      'S()': check(t, subtypeNew(t, S)),
      'T()': check(t, subtypeNew(t, T)),
      'E()': check(t, exceptionCall(t, E, t.emptyTuple)),
      'Empty()': check(t, typeGenericAlloc(t, Empty)),
      'OneSlot()': check(t, typeGenericAlloc(t, OneSlot)),
      'WeakSlot()': check(t, typeGenericAlloc(t, WeakSlot)),
      'FooNoSlots()': check(t, typeGenericAlloc(t, FooNoSlots)),
      'Mixed()': check(t, subtypeNew(t, Mixed)),
      '[]': check(t, listFromArray(t, [])),
      '{}': check(t, dictNew(t)),
      '()': t.emptyTuple,
      '1': (incref(t.rc, one), one),
      "'a'": str(t, 'a'),
      '1.5': check(t, floatFromDouble(t, 1.5)),
      None: t.none,
      'object()': check(t, typeGenericAlloc(t, t.types[StaticType.Object]!)),
      'ValueError()': check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple)),
      'range(3)': check(t, rangeNew(t, rangeArgs)),
      'slice(1)': check(t, sliceNew(t, t.none, one, t.none)),
      '1j': check(t, complexFromDoubles(t, 0, 1)),
      True: t.true,
      'deque()': check(t, dequeNew(t, 0, -1)),
    };
    const ref = check(t, weakrefNewRef(t, foo));
    const proxy = check(t, weakrefNewProxy(t, foo));
    objects['ref(Foo())'] = ref;
    objects['proxy(Foo())'] = proxy;
    expect(Object.keys(objects).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, op] of Object.entries(objects)) {
      const wr = weakrefNewRef(t, op);
      const got: Result = wr === 0 ? ['err', lastError(t)] : ['ok', "'ok'"];
      expect(got, name).toEqual(expected[name]);
      if (wr !== 0) release(r, wr);
    }
    for (const op of Object.values(objects)) release(r, op);
    release(r, three, one, rangeArgs, Foo, Lc, D, S, T, E, Empty, OneSlot, WeakSlot, FooNoSlots, Mixed);
  });

  it("__weakref__ in __slots__: once, and only where the base has no weakref list ('we already got one')", () => {
    const t = start();
    const expected = F.slots as Record<string, Result>;
    const Foo = check(t, makeClass(t, 'Foo'));
    const T = check(t, makeClass(t, 'T', [t.types[StaticType.Tuple]!]));
    expect(result(t, makeClass(t, 'X', [], ['__weakref__', '__weakref__']))).toEqual(expected.dup);
    expect(result(t, makeClass(t, 'X', [Foo], ['__weakref__']))).toEqual(expected.inherited);
    expect(result(t, makeClass(t, 'X', [T], ['__weakref__']))).toEqual(expected.tuple);
    // The weakref word is no member and holds no reference: a class with __slots__ = ('a', '__weakref__') has one member.
    const W = check(t, makeClass(t, 'W', [], ['a', '__weakref__']));
    expect(t.i32[(W + L.TP_WEAKLISTOFFSET_OFFSET) >>> 2]).toBe(24);
    expect(t.u32[(W + 28) >>> 2]).toBe(28); // tp_basicsize: header, a, __weakref__
    release(r, Foo, T, W);
  });
});

describe('callbacks', () => {
  it('run exactly once each, newest first, after every weakref is cleared; the basic ref and proxy come first in the list', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const log: [string, boolean][] = [];
    const o = check(t, typeGenericAlloc(t, Foo));
    const wrs: Record<string, number> = {};
    const cb = (name: string) =>
      callable(t, (t2, w) => {
        // A ref's referent is gone inside its callback; a proxy is not a ref (CPython's `type(w) is ref`).
        const isRef = t2.u32[(w + 16) >>> 2] === t2.types[StaticType.WeakRef];
        log.push([name, isRef && isNone(t2, check(t2, weakrefGetObject(t2, w)))]);
      });
    const callbacks = ['r1', 'r2', 'p1', 'r3'].map((n) => [n, cb(n)] as const);
    wrs.r0 = check(t, weakrefNewRef(t, o));
    wrs.p0 = check(t, weakrefNewProxy(t, o));
    for (const [name, c] of callbacks) wrs[name] = check(t, name.startsWith('p') ? weakrefNewProxy(t, o, c) : weakrefNewRef(t, o, c));
    expect(weakrefCount(t, o)).toBe(F.count_before);
    const order = weakrefsOf(t, o);
    expect(order.map((w) => Object.keys(wrs).find((k) => wrs[k] === w))).toEqual(F.order_of_refs);
    release(r, ...order);
    release(r, o);
    expect(log).toEqual(F.callbacks);
    const after = [weakrefGetRef(t, wrs.r0!) === 0, weakrefGetRef(t, wrs.r1!) === 0, weakrefCallback(t, wrs.r3!) === 0, weakrefCallback(t, wrs.r0!) === 0];
    expect(after).toEqual(F.after);
    release(r, ...Object.values(wrs), ...callbacks.map(([, c]) => c), Foo);
  });

  it('the callback receives the weakref itself', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const o = check(t, typeGenericAlloc(t, Foo));
    let seen = 0;
    const c = callable(t, (_t, w) => {
      seen = w;
    });
    const wr = check(t, weakrefNewRef(t, o, c));
    release(r, o);
    expect(seen === wr).toBe(F.receives_ref);
    release(r, wr, c, Foo);
  });

  it("death during a callback: o1's callback drops the last reference to o2, whose callbacks run inside it", () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const log: string[] = [];
    const o1 = check(t, typeGenericAlloc(t, Foo));
    let o2 = check(t, typeGenericAlloc(t, Foo));
    const kill = callable(t, (t2) => {
      log.push('o1 start');
      decref(t2.rc, o2);
      o2 = 0;
      log.push('o1 end');
    });
    const first = callable(t, () => void log.push('o2 first'));
    const second = callable(t, () => void log.push('o2 second'));
    const a1 = check(t, weakrefNewRef(t, o1, kill));
    const b1 = check(t, weakrefNewRef(t, o2, first));
    const b2 = check(t, weakrefNewRef(t, o2, second));
    release(r, o1);
    expect(log).toEqual(F.nested);
    expect(o2).toBe(0);
    release(r, a1, b1, b2, kill, first, second, Foo);
  });

  it('a callback that raises is reported as unraisable; the others still run; the current exception survives the dealloc', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const [log, firstLine, lastLine] = F.raising as [string[], string, string];
    const got: string[] = [];
    const reports: string[] = [];
    setUnraisableHook(t, (text) => reports.push(text));
    const o = check(t, typeGenericAlloc(t, Foo));
    const c1 = callable(t, () => void got.push('first'));
    const c2 = callable(t, (t2) => errRaise(t2, StaticType.ZeroDivisionError, 'division by zero'));
    const c3 = callable(t, () => void got.push('third'));
    const ws = [c1, c2, c3].map((c) => check(t, weakrefNewRef(t, o, c)));
    errRaise(t, StaticType.KeyError, 'pending');
    release(r, o);
    expect(lastError(t)).toBe('KeyError: pending');
    expect(got).toEqual(log);
    expect(reports.length).toBe(1);
    const lines = reports[0]!.trim().split('\n');
    expect(lines[0]!.split(':')[0]).toBe(firstLine);
    expect(lines[0]).toMatch(/^Exception ignored in: <Callback object at 0x[0-9a-f]+>$/);
    expect(lines[lines.length - 1]).toBe(lastLine);
    release(r, ...ws, c1, c2, c3, Foo);
  });

  it('nothing leaks: objects, weakrefs and callbacks made and dropped leave the live blocks as they were', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const round = (): void => {
      const o = check(t, typeGenericAlloc(t, Foo));
      const c = callable(t, () => undefined);
      const ws = [weakrefNewRef(t, o), weakrefNewRef(t, o, c), weakrefNewProxy(t, o), weakrefNewProxy(t, o, c)].map((w) => check(t, w));
      release(r, ws[0]!, ws[2]!); // a basic ref and proxy die before their referent
      release(r, o, c);
      release(r, ws[1]!, ws[3]!);
    };
    round();
    const before = liveBlocks();
    for (let i = 0; i < 20; i++) round();
    expect(liveBlocks()).toBe(before);
    release(r, Foo);
  });
});

describe('ref: hash, equality, canonical refs, __callback__, calls, repr', () => {
  it('hash: the referent’s, kept after death if taken before; TypeError "weak object has gone away" if first asked after; proxies are unhashable', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const nothing = callable(t, () => undefined);
    let o = check(t, typeGenericAlloc(t, Foo));
    let wr = check(t, weakrefNewRef(t, o, nothing));
    const h = objectHash(t, o);
    expect(objectHash(t, wr) === h).toBe(F.hash_live);
    release(r, o);
    expect(objectHash(t, wr) === h).toBe(F.hash_kept);
    release(r, wr);
    o = check(t, typeGenericAlloc(t, Foo));
    wr = check(t, weakrefNewRef(t, o, nothing));
    const proxy = check(t, weakrefNewProxy(t, o));
    const classProxy = check(t, weakrefNewProxy(t, Foo));
    expect([intResult(t, objectHash(t, proxy)), intResult(t, objectHash(t, classProxy))]).toEqual(F.hash_proxy);
    release(r, o);
    expect(intResult(t, objectHash(t, wr))).toEqual(F.hash_dead);
    release(r, wr, proxy, classProxy, nothing, Foo);
  });

  it('equality: of the referents while both live, identity once either is dead; no ordering', () => {
    const t = start();
    const one = ints(t, 1, 2);
    const sets = [one[0]!, one[0]!, one[1]!].map((v) => {
      const l = check(t, listFromArray(t, [v]));
      const s = check(t, setNew(t, l, true));
      release(r, l);
      return s;
    });
    const [ra, rb, rc] = sets.map((s) => check(t, weakrefNewRef(t, s)));
    const cmp = (x: number, y: number, op: number): boolean => check(t, objectRichCompareBool(t, x, y, op)) === 1;
    expect([cmp(ra!, rb!, PY_EQ), cmp(ra!, rb!, PY_NE), cmp(ra!, rc!, PY_EQ), cmp(ra!, rc!, PY_NE)]).toEqual(F.eq_live);
    release(r, sets[0]!);
    expect([cmp(ra!, rb!, PY_EQ), cmp(ra!, rb!, PY_NE), cmp(ra!, ra!, PY_EQ), cmp(ra!, ra!, PY_NE)]).toEqual(F.eq_dead);
    const fooRef = check(t, weakrefNewRef(t, t.types[StaticType.Int]!));
    expect(result(t, objectRichCompare(t, fooRef, fooRef, PY_LT))).toEqual(F.order);
    release(r, ra!, rb!, rc!, sets[1]!, sets[2]!, fooRef, ...one);
  });

  it('ref(o) is ref(o) and proxy(o) is proxy(o) without a callback (None counts as none); a callback makes a new one', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const o = check(t, typeGenericAlloc(t, Foo));
    const c = callable(t, () => undefined);
    const k1 = check(t, weakrefNewRef(t, o));
    const k2 = check(t, weakrefNewRef(t, o));
    const k3 = check(t, weakrefNewRef(t, o, t.none));
    const k4 = check(t, weakrefNewRef(t, o, c));
    const k5 = check(t, weakrefNewProxy(t, o));
    const k6 = check(t, weakrefNewProxy(t, o));
    expect([k1 === k2, k3 === k1, k4 === k1, k5 === k6, weakrefCount(t, o)]).toEqual(F.canonical);
    // A basic ref that dies is replaced by a new one, inserted at the head again.
    release(r, k1, k2, k3);
    const k7 = check(t, weakrefNewRef(t, o));
    expect(weakrefsOf(t, o).map((w) => (decref(t.rc, w), w))).toEqual([k7, k5, k4]);
    // `o.__weakref__`: the first one; None for an object without weakrefs.
    const first = weakrefFirst(t, o);
    const other = check(t, typeGenericAlloc(t, Foo));
    expect([first, weakrefFirst(t, other)]).toEqual([k7, t.none]);
    release(r, first, other);
    release(r, k4, k5, k6, k7, o, c, Foo);
  });

  it('__callback__: the callback, None for none; read-only; None once cleared by the dealloc', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const o = check(t, typeGenericAlloc(t, Foo));
    const c = callable(t, () => undefined);
    const wr = check(t, weakrefNewRef(t, o, c));
    const basic = check(t, weakrefNewRef(t, o));
    const got = getattr(t, wr, '__callback__');
    const none = getattr(t, basic, '__callback__');
    expect([got === c, none === t.none]).toEqual(F.callback_attr);
    release(r, got, none);
    expect(result(t, setattr(t, wr, '__callback__', t.none))).toEqual(F.callback_readonly);
    release(r, o);
    expect(isNone(t, check(t, getattr(t, wr, '__callback__')))).toBe(true);
    release(r, wr, basic, c, Foo);
  });

  it('calling a ref and making one: CPython’s argument errors', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const o = check(t, typeGenericAlloc(t, Foo));
    const refType = t.types[StaticType.WeakRef]!;
    const wr = check(t, weakrefNewRef(t, o));
    const oneArg = check(t, tupleFromArray(t, [o]));
    const kwargs = check(t, dictNew(t));
    const x = str(t, 'x');
    check(t, dictSetItem(t, kwargs, x, o));
    const three = check(t, tupleFromArray(t, ints(t, 1, 2, 3)));
    for (let i = 0; i < 3; i++) decref(t.rc, tupleGetItem(t, three, i));
    const got = [
      result(t, objectCall(t, wr, oneArg, 0)),
      result(t, objectCall(t, wr, t.emptyTuple, kwargs)),
      result(t, exceptionCall(t, refType, t.emptyTuple)),
      result(t, exceptionCall(t, refType, three)),
      result(t, exceptionCall(t, refType, oneArg, kwargs)),
    ];
    expect(got).toEqual(F.call);
    // ref() gives the referent; weakref.ref(o) through the type is the basic ref.
    const made = check(t, exceptionCall(t, refType, oneArg));
    expect(made).toBe(wr);
    const referent = check(t, objectCall(t, wr, t.emptyTuple, 0));
    expect(referent).toBe(o);
    release(r, made, referent, wr, oneArg, kwargs, x, three, o, Foo);
  });

  it('repr: the referent’s type name and address, its __name__ for a class, dead once it is gone', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const o = check(t, typeGenericAlloc(t, Foo));
    const wr = check(t, weakrefNewRef(t, o));
    const proxy = check(t, weakrefNewProxy(t, o));
    const classRef = check(t, weakrefNewRef(t, Foo));
    const intRef = check(t, weakrefNewRef(t, t.types[StaticType.Int]!));
    expect([wr, proxy, classRef, intRef].map((w) => norm(objectReprJs(t, w)!))).toEqual(F.repr);
    expect(objectReprJs(t, wr)).toBe(`<weakref at 0x${wr.toString(16).padStart(8, '0')}; to 'Foo' at 0x${o.toString(16).padStart(8, '0')}>`);
    release(r, o);
    expect([wr, proxy].map((w) => norm(objectReprJs(t, w)!))).toEqual(F.repr_dead);
    release(r, wr, proxy, classRef, intRef, Foo);
  });

  it('repr names the type fully qualified (`%T`): __module__ (not builtins or __main__) and __qualname__ of a class, tp_name of a builtin', () => {
    const t = start();
    const classes = [
      check(t, makeClass(t, 'Inner', [], null, { __module__: 'mymod', __qualname__: 'C.Inner' })),
      check(t, makeClass(t, 'M', [], null, { __module__: '__main__' })),
      check(t, makeClass(t, 'Bi', [], null, { __module__: 'builtins' })),
      check(t, makeClass(t, 'N', [], null, { __module__: 5 })),
    ];
    const kept = [...classes.map((c) => check(t, typeGenericAlloc(t, c))), check(t, dequeNew(t, 0, -1))];
    const got = kept.map((x) => {
      const w = check(t, weakrefNewRef(t, x));
      const p = check(t, weakrefNewProxy(t, x));
      const texts = [norm(objectReprJs(t, w)!), norm(objectReprJs(t, p)!)];
      release(r, w, p);
      return texts;
    });
    expect(got).toEqual(F.repr_qualified);
    release(r, ...kept, ...classes);
  });
});

describe('proxies', () => {
  it('forward attribute get, set and delete to the referent', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const o = check(t, typeGenericAlloc(t, Foo));
    const p = check(t, weakrefNewProxy(t, o));
    const five = check(t, intFromNumber(t, 5));
    check(t, setattr(t, p, 'x', five));
    const fromO = check(t, getattr(t, o, 'x'));
    const fromP = check(t, getattr(t, p, 'x'));
    expect([intAsNumber(t, fromO), intAsNumber(t, fromP), result(t, getattr(t, p, 'y'))]).toEqual(F.proxy_attr);
    check(t, setattr(t, p, 'x', 0));
    const gone = getattr(t, o, 'x');
    expect(gone === 0 ? (errFetch(t), false) : true).toBe(F.proxy_delattr);
    release(r, fromO, fromP, five, p, o, Foo);
  });

  it('forward len, items, membership, iteration, operators, comparison, truth and str; not next() of a non-iterator', () => {
    const t = start();
    const Lc = check(t, makeClass(t, 'L', [t.types[StaticType.List]!]));
    const l = listSub(t, Lc, 1, 2, 3);
    const pl = check(t, weakrefNewProxy(t, l));
    const [one, two, four, seven] = ints(t, 1, 2, 4, 7);
    const list4 = check(t, listFromArray(t, [four!]));
    const list123 = listOf(t, 1, 2, 3);
    const item = check(t, objectGetItem(t, pl, one!));
    const sum = check(t, numberBinaryOp(t, pl, list4, 'add'));
    const strPl = check(t, objectStr(t, pl));
    const typeRepr = `<class '${strToJs(t, t.u32[(t.u32[(pl + 16) >>> 2]! + L.TP_NAME_OFFSET) >>> 2]!)}'>`;
    const got = [
      objectLength(t, pl),
      intAsNumber(t, item),
      check(t, objectContains(t, pl, two!)) === 1,
      check(t, objectContains(t, pl, seven!)) === 1,
      pyList(t, pl),
      norm(objectReprJs(t, sum)!),
      check(t, objectRichCompareBool(t, pl, list123, PY_EQ)) === 1,
      check(t, objectRichCompareBool(t, pl, list123, PY_NE)) === 1,
      check(t, objectIsTrue(t, pl)) === 1,
      strToJs(t, strPl),
      typeRepr,
    ];
    expect(got).toEqual(F.proxy_seq);
    const nine = check(t, intFromNumber(t, 9));
    const zero = check(t, intFromNumber(t, 0));
    check(t, objectSetItem(t, pl, zero, nine));
    const after1 = pyList(t, l);
    check(t, objectSetItem(t, pl, zero, 0));
    expect([after1, pyList(t, l)]).toEqual(F.proxy_setitem);
    expect(result(t, iterNext(t, pl))).toEqual(F.proxy_next);
    // pl * 2, 2 * pl, pl - [1]
    const times = check(t, numberBinaryOp(t, pl, two!, 'multiply'));
    const rtimes = check(t, numberBinaryOp(t, two!, pl, 'multiply'));
    const list1 = listOf(t, 1);
    expect([pyList(t, times), pyList(t, rtimes), result(t, numberBinaryOp(t, pl, list1, 'subtract'))]).toEqual(F.proxy_list_ops);
    // alias = pl; alias += [5]: the list's in-place concat, which returns the list itself.
    const list5 = listOf(t, 5);
    const alias = check(t, numberInPlaceOp(t, pl, list5, 'add'));
    expect([pyList(t, l), strToJs(t, t.u32[(t.u32[(alias + 16) >>> 2]! + L.TP_NAME_OFFSET) >>> 2]!), alias === l]).toEqual(F.proxy_inplace);
    release(r, alias, list5, times, rtimes, list1, nine, zero, item, sum, strPl, list4, list123, one!, two!, four!, seven!);
    expect(listSize(t, l)).toBe(3);
    release(r, l, pl, Lc);
  });

  it('a callable referent gets a CallableProxyType that forwards calls; others a ProxyType that is not callable', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const Callable = check(t, makeClass(t, 'Callable'));
    check(t, typeSetSlot(t, Callable, 'call', callSlot));
    const o = check(t, typeGenericAlloc(t, Foo));
    let calledWith = 0;
    const fn = callable(t, (_t, arg) => {
      calledWith = arg;
    });
    const pc = check(t, weakrefNewProxy(t, Foo));
    const po = check(t, weakrefNewProxy(t, o));
    const name = (op: number): string => {
      const full = strToJs(t, t.u32[(t.u32[(op + 16) >>> 2]! + L.TP_NAME_OFFSET) >>> 2]!);
      return full.slice(full.lastIndexOf('.') + 1);
    };
    expect([name(pc), name(po)]).toEqual(F.callable_proxy);
    const pf = check(t, weakrefNewProxy(t, fn));
    expect(name(pf)).toBe('CallableProxyType');
    const args = check(t, tupleFromArray(t, [o]));
    const res = check(t, objectCall(t, pf, args, 0));
    expect(res).toBe(t.none);
    expect(calledWith).toBe(o);
    expect(result(t, objectCall(t, po, args, 0))).toEqual(F.proxy_not_callable);
    release(r, res, args, pf, pc, po, fn, o, Callable, Foo);
  });

  it('a number slot of the referent, through either operand', () => {
    const t = start();
    const Num = check(t, makeClass(t, 'Num'));
    check(t, typeSetSlot(t, Num, 'add', addSlot));
    const n = check(t, typeGenericAlloc(t, Num));
    const p = check(t, weakrefNewProxy(t, n));
    const res = check(t, numberBinaryOp(t, p, p, 'add'));
    expect(intAsNumber(t, res)).toBe(40);
    release(r, res, p, n, Num);
  });

  it('once the referent is gone: ReferenceError for everything but repr', () => {
    const t = start();
    const Lc = check(t, makeClass(t, 'L', [t.types[StaticType.List]!]));
    const l = listSub(t, Lc, 1, 2, 3);
    const pl = check(t, weakrefNewProxy(t, l));
    release(r, l);
    const [zero, one] = ints(t, 0, 1);
    const list1 = listOf(t, 1);
    const dead: (() => Result)[] = [
      () => intResult(t, objectLength(t, pl)),
      () => result(t, objectGetItem(t, pl, zero!)),
      () => intResult(t, objectContains(t, pl, one!)),
      () => result(t, objectGetIter(t, pl)),
      () => result(t, numberBinaryOp(t, pl, list1, 'add')),
      () => result(t, numberBinaryOp(t, list1, pl, 'add')),
      () => intResult(t, objectIsTrue(t, pl)),
      () => result(t, objectStr(t, pl)),
      () => result(t, objectRichCompare(t, pl, one!, PY_EQ)),
      () => result(t, getattr(t, pl, 'x')),
      () => intResult(t, setattr(t, pl, 'x', one!)),
      () => intResult(t, objectSetItem(t, pl, zero!, one!)),
      () => ['ok', `'${norm(objectReprJs(t, pl)!)}'`],
      () => result(t, iterNext(t, pl)),
    ];
    expect(dead.map((f) => f())).toEqual(F.proxy_dead);
    release(r, zero!, one!, list1, pl, Lc);
  });
});

describe('the collector', () => {
  it('clears every weakref to a garbage cycle before calling the callbacks of the live ones; a weakref inside the garbage gets no call (bpo-38006)', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const log: (string | boolean)[][] = [];
    const a = check(t, typeGenericAlloc(t, Foo));
    const b = check(t, typeGenericAlloc(t, Foo));
    check(t, setattr(t, a, 'other', b));
    check(t, setattr(t, b, 'other', a));
    const wrs: number[] = [];
    const ca = callable(t, (t2, w) => void log.push(['a', weakrefGetRef(t2, w) === 0, weakrefGetRef(t2, wrs[1]!) === 0]));
    const cb = callable(t, (t2, w) => void log.push(['b', weakrefGetRef(t2, w) === 0, weakrefGetRef(t2, wrs[0]!) === 0]));
    const cInner = callable(t, () => void log.push(['inner']));
    wrs.push(check(t, weakrefNewRef(t, a, ca)), check(t, weakrefNewRef(t, b, cb)));
    const inner = check(t, weakrefNewRef(t, a, cInner));
    check(t, setattr(t, b, 'inner', inner));
    release(r, inner);
    const plain = check(t, weakrefNewRef(t, a));
    release(r, a, b);
    expect(gcCollect(r.gt)).toBeGreaterThanOrEqual(3);
    log.sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    const callbackKept = weakrefCallback(t, wrs[0]!);
    expect([log, weakrefGetRef(t, plain) === 0, callbackKept === ca]).toEqual(F.gc);
    release(r, callbackKept, plain, ...wrs, ca, cb, cInner, Foo);
  });

  it('a callback that raises during a collection is reported as unraisable; the others still run; the thread’s exception is kept', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const reports: string[] = [];
    setUnraisableHook(t, (text) => reports.push(text));
    const [a, b] = [check(t, typeGenericAlloc(t, Foo)), check(t, typeGenericAlloc(t, Foo))];
    check(t, setattr(t, a!, 'other', b!));
    check(t, setattr(t, b!, 'other', a!));
    let ran = 0;
    const bad = callable(t, (t2) => errRaise(t2, StaticType.ValueError, 'in a collection'));
    const good = callable(t, () => void ran++);
    const w1 = check(t, weakrefNewRef(t, a!, bad));
    const w2 = check(t, weakrefNewRef(t, b!, good));
    release(r, a!, b!);
    errRaise(t, StaticType.KeyError, 'pending');
    gcCollect(r.gt);
    expect(lastError(t)).toBe('KeyError: pending');
    expect(ran).toBe(1);
    expect(reports.map((x) => x.trim().split('\n').pop())).toEqual(['ValueError: in a collection']);
    release(r, w1, w2, bad, good, Foo);
  });

  it('weakrefs to reachable objects are left alone; the class of a cycle is weakly referenceable too', () => {
    const t = start();
    const Foo = check(t, makeClass(t, 'Foo'));
    const o = check(t, typeGenericAlloc(t, Foo));
    check(t, setattr(t, o, 'self', o));
    let called = 0;
    const c = callable(t, () => void called++);
    const wr = check(t, weakrefNewRef(t, o, c));
    const classRef = check(t, weakrefNewRef(t, Foo));
    gcCollect(r.gt);
    expect(weakrefGetRef(t, wr)).toBe(o);
    decref(t.rc, o);
    expect(called).toBe(0);
    release(r, o);
    expect(called).toBe(0); // the self-cycle keeps it
    gcCollect(r.gt);
    expect(called).toBe(1);
    expect(weakrefGetRef(t, wr)).toBe(0);
    // The class dies with its last reference: the weakref to it is cleared by its dealloc.
    release(r, c);
    release(r, Foo);
    gcCollect(r.gt);
    expect(weakrefGetRef(t, classRef)).toBe(0);
    release(r, wr, classRef);
  });
});

describe('clearWeakRefs', () => {
  it('does nothing for an object without weakrefs, and never raises', () => {
    const t = start();
    const s = check(t, setNew(t));
    clearWeakRefs(t, s);
    expect(errOccurred(t)).toBe(0);
    const list = check(t, listFromArray(t, []));
    clearWeakRefs(t, list); // its type has no weakref list
    expect(errOccurred(t)).toBe(0);
    expect(typeSlot(t, t.types[StaticType.WeakRef]!, 'hash')).not.toBeNull();
    release(r, s, list);
  });

  it('under mimalloc_debug: a referent dying with many weakrefs, in every order of release', () => {
    const t = start({ allocator: 'mimalloc_debug' });
    const Foo = check(t, makeClass(t, 'Foo'));
    let calls = 0;
    const c = callable(t, () => void calls++);
    for (let order = 0; order < 4; order++) {
      const o = check(t, typeGenericAlloc(t, Foo));
      const ws: number[] = [];
      for (let i = 0; i < 12; i++) ws.push(check(t, i % 3 === 0 ? weakrefNewRef(t, o) : i % 3 === 1 ? weakrefNewRef(t, o, c) : weakrefNewProxy(t, o, c)));
      if (order & 1) ws.reverse();
      const early = ws.splice(0, order * 2);
      release(r, ...early);
      const expected = ws.filter((w) => weakrefCallback(t, w) !== 0 && (decref(t.rc, c), true)).length;
      calls = 0;
      release(r, o);
      expect(calls).toBe(expected);
      for (const w of ws) expect(weakrefGetRef(t, w)).toBe(0);
      release(r, ...ws);
    }
    release(r, c, Foo);
  });
});
