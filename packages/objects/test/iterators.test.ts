/**
 * enumerate, reversed, zip, map, filter, the sequence iterator and the
 * callable iterator (builtin-iterators.ts, seq-iterator.ts), against
 * CPython 3.13 (fixtures/iterators-cpython.py, run once with python3.13):
 * every case of the fixture is built here by the same name from the same
 * objects (the fixture's classes are made of bound builtin methods, so no
 * VM is needed) and must give the same repr or the same error line.
 *
 * The collector part checks that a reference cycle through each type is
 * collected (its traverse reports what it holds) and not before it is
 * garbage.
 *
 * No multi-threaded stress test here: these iterators belong to the
 * thread that uses them, as in CPython, whose free-threaded build makes no
 * promise for concurrent `next()` on one of them either (their words are
 * emptied with an atomic exchange, so a race cannot release an object
 * twice).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import { decref } from '@ft/refcount';
import {
  callArgs,
  callIterNew,
  callNoArgs,
  dictNew,
  dictSetItem,
  errFetch,
  formatError,
  intFromBigInt,
  intFromNumber,
  iterNext,
  listFromIterable,
  objectCall,
  objectGetAttr,
  objectGetIter,
  objectReprJs,
  objectSetAttr,
  seqIterNew,
  sequenceCheck,
  StaticType,
  strFromJs,
  tupleFromArray,
  typeNew,
  typeOf,
  typeSlot,
  weakrefIsDead,
  weakrefNewRef,
  type ObThread,
} from '../src/index.js';
import { check, makeRuntime, type Runtime } from './runtime.js';

interface Fixture {
  readonly cases: Record<string, string>;
  readonly typeNames: Record<string, string>;
}
const F = JSON.parse(readFileSync(new URL('./fixtures/iterators-cpython.json', import.meta.url), 'utf8')) as Fixture;

let r: Runtime;
afterEach(() => r?.close());

/** What the cases are made of: each helper returns a new reference (kept until the runtime closes). */
class World {
  readonly S: number;
  readonly SL: number;
  readonly NR: number;
  readonly RR: number;
  readonly BL: number;

  constructor(readonly t: ObThread) {
    const getitem = this.attr(this.list([0, 10, 20].map((n) => this.int(n))), '__getitem__');
    const len5 = this.attr(this.list([1, 2, 3, 4, 5].map((n) => this.int(n))), '__len__');
    this.S = this.cls('S', { __getitem__: getitem });
    this.SL = this.cls('SL', { __getitem__: getitem, __len__: len5 });
    this.NR = this.cls('NR', { __reversed__: t.none, __getitem__: getitem, __len__: len5 });
    this.RR = this.cls('RR', { __reversed__: this.attr(this.int(42), '__index__') });
    this.BL = this.cls('BL', { __getitem__: getitem, __len__: this.attr(check(t, dictNew(t)), 'popitem') });
  }

  str(text: string): number {
    return check(this.t, strFromJs(this.t, text));
  }
  int(n: number | bigint): number {
    return check(this.t, typeof n === 'bigint' ? intFromBigInt(this.t, n) : intFromNumber(this.t, n));
  }
  list(items: number[]): number {
    const tuple = check(this.t, tupleFromArray(this.t, items));
    const l = check(this.t, listFromIterable(this.t, tuple));
    decref(this.t.rc, tuple);
    return l;
  }
  strs(...texts: string[]): number {
    return this.list(texts.map((s) => this.str(s)));
  }
  attr(op: number, name: string): number {
    const key = this.str(name);
    const v = check(this.t, objectGetAttr(this.t, op, key));
    decref(this.t.rc, key);
    return v;
  }
  cls(name: string, attrs: Record<string, number>): number {
    const t = this.t;
    const ns = check(t, dictNew(t));
    for (const [k, v] of Object.entries(attrs)) {
      const key = this.str(k);
      check(t, dictSetItem(t, ns, key, v));
      decref(t.rc, key);
    }
    return check(t, typeNew(t, t.types[StaticType.Type]!, name, t.emptyTuple, ns));
  }
  /** An instance of class `type` (no arguments). */
  make(type: number): number {
    return check(this.t, objectCall(this.t, type, this.t.emptyTuple, 0));
  }
  /** `callable(*pos, **kw)`: a new reference, or 0 with the exception set. */
  call(callable: number, pos: number[], kw: Record<string, number> = {}): number {
    const t = this.t;
    const names = Object.keys(kw);
    const kwnames = names.length === 0 ? 0 : check(t, tupleFromArray(t, names.map((n) => this.str(n))));
    const r = callArgs(t, callable, [...pos, ...names.map((n) => kw[n]!)], kwnames);
    if (kwnames !== 0) decref(t.rc, kwnames);
    return r;
  }
  type(kind: StaticType): number {
    return this.t.types[kind]!;
  }
  /** `iter(op)` as the builtins module does it: the type's `__iter__`, else the sequence iterator. */
  iter(op: number): number {
    const t = this.t;
    if (typeSlot(t, typeOf(t, op), 'iter') === null && sequenceCheck(t, op)) return seqIterNew(t, op);
    return objectGetIter(t, op);
  }
  /** `[it.__length_hint__() before each of `steps` next() calls, and at the end]`. */
  hints(it: number, steps: number): number {
    const t = this.t;
    if (it === 0) return 0;
    const method = this.attr(it, '__length_hint__');
    const out: number[] = [];
    for (let i = 0; i <= steps; i++) {
      const h = callNoArgs(t, method);
      if (h === 0) return 0;
      out.push(h);
      if (i === steps) break;
      const item = iterNext(t, it);
      if (item !== 0) decref(t.rc, item);
      else if (t.error.type !== 0) return 0;
    }
    return this.list(out);
  }
}

/** The cases of the fixture, by name: each makes the iterator (or fails: 0 with the exception). */
function cases(w: World): Record<string, () => number> {
  const { str, int, strs } = { str: w.str.bind(w), int: w.int.bind(w), strs: w.strs.bind(w) };
  const E = w.type(StaticType.Enumerate);
  const R = w.type(StaticType.Reversed);
  const Z = w.type(StaticType.Zip);
  const M = w.type(StaticType.Map);
  const Fi = w.type(StaticType.Filter);
  const empty = () => w.list([]);
  const upper = w.attr(w.type(StaticType.Str), 'upper');
  const startswith = w.attr(w.type(StaticType.Str), 'startswith');
  const isdigit = w.attr(w.type(StaticType.Str), 'isdigit');
  // `len` in the fixture's error cases: any callable (each fails before calling it).
  const len = upper;
  const pop = () => w.attr(check(w.t, dictNew(w.t)), 'pop');
  const truthy = () => w.list([int(0), int(1), str(''), int(2), w.t.none, str('a'), w.t.emptyTuple]);
  const none = w.t.none;
  const yes = w.t.true;
  return {
    'enumerate()': () => w.call(E, []),
    'enumerate(1)': () => w.call(E, [int(1)]),
    'enumerate([], 1, 2)': () => w.call(E, [empty(), int(1), int(2)]),
    "enumerate([], start='a')": () => w.call(E, [empty()], { start: str('a') }),
    'enumerate([], x=1)': () => w.call(E, [empty()], { x: int(1) }),
    'enumerate(start=1)': () => w.call(E, [], { start: int(1) }),
    "enumerate(x='ab')": () => w.call(E, [], { x: str('ab') }),
    'enumerate([], 1, start=2)': () => w.call(E, [empty(), int(1)], { start: int(2) }),
    'enumerate([], start=2, x=1)': () => w.call(E, [empty()], { start: int(2), x: int(1) }),
    "enumerate(start=5, x='ab')": () => w.call(E, [], { start: int(5), x: str('ab') }),
    "enumerate(x='ab', start=5)": () => w.call(E, [], { x: str('ab'), start: int(5) }),
    "enumerate('ab')": () => w.call(E, [str('ab')]),
    "enumerate(iterable='ab')": () => w.call(E, [], { iterable: str('ab') }),
    "enumerate('ab', start=5)": () => w.call(E, [str('ab')], { start: int(5) }),
    "enumerate(iterable='ab', start=5)": () => w.call(E, [], { iterable: str('ab'), start: int(5) }),
    "enumerate(start=5, iterable='ab')": () => w.call(E, [], { start: int(5), iterable: str('ab') }),
    "enumerate('ab', 2**70)": () => w.call(E, [str('ab'), int(2n ** 70n)]),
    "enumerate('abc', 2**53-2)": () => w.call(E, [str('abc'), int(2n ** 53n - 2n)]),
    "enumerate('ab', -(2**70))": () => w.call(E, [str('ab'), int(-(2n ** 70n))]),
    "enumerate('ab', -3)": () => w.call(E, [str('ab'), int(-3)]),
    "enumerate('ab', True)": () => w.call(E, [str('ab'), yes]),
    "enumerate('ab', 1.5)": () => w.call(E, [str('ab'), check(w.t, callArgs(w.t, w.type(StaticType.Float), [str('1.5')]))]),
    "enumerate(1, 'a')": () => w.call(E, [int(1), str('a')]),

    'reversed()': () => w.call(R, []),
    'reversed(1)': () => w.call(R, [int(1)]),
    'reversed([], 1)': () => w.call(R, [empty(), int(1)]),
    'reversed(seq=[])': () => w.call(R, [], { seq: empty() }),
    "reversed('abc')": () => w.call(R, [str('abc')]),
    'reversed((1, 2, 3))': () => w.call(R, [check(w.t, tupleFromArray(w.t, [int(1), int(2), int(3)]))]),
    'reversed(S())': () => w.call(R, [w.make(w.S)]),
    'reversed(SL())': () => w.call(R, [w.make(w.SL)]),
    'reversed(NR())': () => w.call(R, [w.make(w.NR)]),
    'reversed(RR())': () => w.call(R, [w.make(w.RR)]),
    'reversed(BL())': () => w.call(R, [w.make(w.BL)]),
    'reversed(iter([]))': () => w.call(R, [check(w.t, objectGetIter(w.t, empty()))]),
    "reversed('abcd') hints": () => w.hints(w.call(R, [str('abcd')]), 5),
    'reversed(SL()) hints': () => w.hints(w.call(R, [w.make(w.SL)]), 3),

    'zip()': () => w.call(Z, []),
    "zip('ab', 'cde')": () => w.call(Z, [str('ab'), str('cde')]),
    "zip('abc', 'de', 'fgh')": () => w.call(Z, [str('abc'), str('de'), str('fgh')]),
    'zip(1)': () => w.call(Z, [int(1)]),
    'zip([], 2)': () => w.call(Z, [empty(), int(2)]),
    'zip(x=1)': () => w.call(Z, [], { x: int(1) }),
    'zip([], strict=1, x=2)': () => w.call(Z, [empty()], { strict: int(1), x: int(2) }),
    'zip([], stric=1)': () => w.call(Z, [empty()], { stric: int(1) }),
    'zip(strict=True)': () => w.call(Z, [], { strict: yes }),
    "zip('ab', 'cd', strict=True)": () => w.call(Z, [str('ab'), str('cd')], { strict: yes }),
    "zip('ab', 'cd', strict=0)": () => w.call(Z, [str('ab'), str('cd')], { strict: int(0) }),
    "zip('a', 'cd', strict=True)": () => w.call(Z, [str('a'), str('cd')], { strict: yes }),
    "zip('ab', 'c', strict=True)": () => w.call(Z, [str('ab'), str('c')], { strict: yes }),
    "zip('ab', 'cd', 'e', strict=True)": () => w.call(Z, [str('ab'), str('cd'), str('e')], { strict: yes }),
    "zip('ab', 'cd', 'efg', strict=True)": () => w.call(Z, [str('ab'), str('cd'), str('efg')], { strict: yes }),
    "zip('a', 'cd', 'e', strict=True)": () => w.call(Z, [str('a'), str('cd'), str('e')], { strict: yes }),
    "zip('a', 'c', 'ef', strict=True)": () => w.call(Z, [str('a'), str('c'), str('ef')], { strict: yes }),
    "zip('ab', 'cd', 'ef', 'g', strict=True)": () => w.call(Z, [str('ab'), str('cd'), str('ef'), str('g')], { strict: yes }),
    "zip('ab', map({}.pop, 'a'))": () => w.call(Z, [str('ab'), check(w.t, w.call(M, [pop(), str('a')]))]),
    "zip('', map({}.pop, 'a'), strict=True)": () => w.call(Z, [str(''), check(w.t, w.call(M, [pop(), str('a')]))], { strict: yes }),

    'map()': () => w.call(M, []),
    'map(len)': () => w.call(M, [len]),
    'map(len, 1)': () => w.call(M, [len, int(1)]),
    'map(len, [], 1)': () => w.call(M, [len, empty(), int(1)]),
    'map(len, [], x=1)': () => w.call(M, [len, empty()], { x: int(1) }),
    "map(str.upper, 'abc')": () => w.call(M, [upper, str('abc')]),
    "map(str.startswith, ['ab', 'cd', 'ef'], ['a', 'd'])": () => w.call(M, [startswith, strs('ab', 'cd', 'ef'), strs('a', 'd')]),
    "map({}.pop, 'a')": () => w.call(M, [pop(), str('a')]),

    'filter()': () => w.call(Fi, []),
    'filter(None)': () => w.call(Fi, [none]),
    'filter(None, 1)': () => w.call(Fi, [none, int(1)]),
    'filter(None, [], x=1)': () => w.call(Fi, [none, empty()], { x: int(1) }),
    'filter(None, [], [])': () => w.call(Fi, [none, empty(), empty()]),
    "filter(None, [0, 1, '', 2, None, 'a', ()])": () => w.call(Fi, [none, truthy()]),
    "filter(bool, [0, 1, '', 2, None, 'a', ()])": () => w.call(Fi, [w.type(StaticType.Bool), truthy()]),
    "filter(str.isdigit, ['1', 'a', '22', ''])": () => w.call(Fi, [isdigit, strs('1', 'a', '22', '')]),
    "filter({}.pop, 'a')": () => w.call(Fi, [pop(), str('a')]),

    'iter(S())': () => w.iter(w.make(w.S)),
    'iter(S()) hints': () => w.hints(w.iter(w.make(w.S)), 0),
    'iter(SL()) hints': () => w.hints(w.iter(w.make(w.SL)), 4),
    'type(iter(S()))()': () => w.call(typeOf(w.t, check(w.t, w.iter(w.make(w.S)))), []),

    'iter([1, 2, 3, 4].pop, 2)': () => callIterNew(w.t, w.attr(w.list([1, 2, 3, 4].map((n) => int(n))), 'pop'), int(2)),
    'iter([1].pop, 5)': () => callIterNew(w.t, w.attr(w.list([int(1)]), 'pop'), int(5)),
    'iter(iter([1, 2]).__next__, 99)': () => callIterNew(w.t, w.attr(check(w.t, objectGetIter(w.t, w.list([int(1), int(2)]))), '__next__'), int(99)),
    'type(iter(int, 1))()': () => w.call(typeOf(w.t, check(w.t, callIterNew(w.t, w.type(StaticType.Int), int(1)))), []),
  };
}

/** The fixture's line for what `make` gives: "OK " + repr(list(x)) (repr(x) for a list or an int), or the error line. */
function outcome(w: World, make: () => number): string {
  const t = w.t;
  const error = () => formatError(t, errFetch(t)!);
  const x = make();
  if (x === 0) return error();
  let shown = x;
  if (typeOf(t, x) !== t.types[StaticType.List] && typeOf(t, x) !== t.types[StaticType.Int]) {
    shown = listFromIterable(t, x);
    decref(t.rc, x);
    if (shown === 0) return error();
  }
  const text = objectReprJs(t, shown);
  decref(t.rc, shown);
  return text === null ? error() : `OK ${text}`;
}

describe('the builtin iterators', () => {
  it('give what CPython 3.13 gives, case by case', () => {
    r = makeRuntime();
    const w = new World(r.t);
    const table = cases(w);
    expect(Object.keys(table).sort()).toEqual(Object.keys(F.cases).sort());
    const got: Record<string, string> = {};
    for (const [name, make] of Object.entries(table)) got[name] = outcome(w, make);
    expect(got).toEqual(F.cases);
  });

  it('have CPython\'s type names and the default repr', () => {
    r = makeRuntime();
    const t = r.t;
    const w = new World(t);
    const made = {
      enumerate: w.call(w.type(StaticType.Enumerate), [w.str('a')]),
      reversed: w.call(w.type(StaticType.Reversed), [w.str('a')]),
      zip: w.call(w.type(StaticType.Zip), []),
      map: w.call(w.type(StaticType.Map), [w.type(StaticType.Str), w.str('a')]),
      filter: w.call(w.type(StaticType.Filter), [t.none, w.str('a')]),
      seq: w.iter(w.make(w.S)),
      callable: callIterNew(t, w.type(StaticType.Int), w.int(1)),
    };
    for (const [key, op] of Object.entries(made)) {
      check(t, op);
      const name = F.typeNames[key]!;
      expect(objectReprJs(t, typeOf(t, op))).toBe(`<class '${name}'>`);
      expect(objectReprJs(t, op)).toMatch(new RegExp(`^<${name} object at 0x[0-9a-f]+>$`));
      // `__iter__` is the iterator itself.
      const again = check(t, objectGetIter(t, op));
      expect(again).toBe(op);
      decref(t.rc, again);
    }
  });

  it('count past 2^53 with Python ints and stay exact', () => {
    r = makeRuntime();
    const t = r.t;
    const w = new World(t);
    const en = check(t, w.call(w.type(StaticType.Enumerate), [w.str('abcd'), w.int(2n ** 53n - 3n)]));
    const counts: string[] = [];
    for (let item = iterNext(t, en); item !== 0; item = iterNext(t, en)) {
      counts.push(objectReprJs(t, item)!);
      decref(t.rc, item);
    }
    expect(counts).toEqual([`(${2n ** 53n - 3n}, 'a')`, `(${2n ** 53n - 2n}, 'b')`, `(${2n ** 53n - 1n}, 'c')`, `(${2n ** 53n}, 'd')`]);
    decref(t.rc, en);
  });

  it('call the sequence protocol with int indexes and stop at IndexError', () => {
    r = makeRuntime();
    const t = r.t;
    const w = new World(t);
    expect(sequenceCheck(t, w.make(w.S))).toBe(true);
    expect(sequenceCheck(t, check(t, dictNew(t)))).toBe(false);
    expect(sequenceCheck(t, w.int(1))).toBe(false);
    expect(seqIterNew(t, w.int(1))).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('SystemError: bad argument to internal function');
    // Exhausted for good: the sequence is released, a second next() gives nothing.
    const it = check(t, seqIterNew(t, w.make(w.S)));
    const items: number[] = [];
    for (let x = iterNext(t, it); x !== 0; x = iterNext(t, it)) items.push(x);
    expect(items.length).toBe(3);
    expect(t.error.type).toBe(0);
    expect(iterNext(t, it)).toBe(0);
    expect(t.error.type).toBe(0);
  });
});

describe('a reference cycle through each iterator', () => {
  /** Each maker returns an iterator that holds `obj` (directly or through what `tmp` makes: released once the iterator exists). */
  type Tmp = (op: number) => number;
  const makers: Record<string, (w: World, obj: number, tmp: Tmp) => number> = {
    enumerate: (w, obj, tmp) => w.call(w.type(StaticType.Enumerate), [tmp(w.list([obj]))]),
    reversed: (w, obj, tmp) => w.call(w.type(StaticType.Reversed), [tmp(w.list([obj]))]),
    zip: (w, obj, tmp) => w.call(w.type(StaticType.Zip), [tmp(w.list([obj]))]),
    map: (w, obj, tmp) => w.call(w.type(StaticType.Map), [w.type(StaticType.Str), tmp(w.list([obj]))]),
    mapFunction: (w, obj, tmp) => w.call(w.type(StaticType.Map), [tmp(w.attr(obj, '__init__')), tmp(w.list([]))]),
    filter: (w, obj, tmp) => w.call(w.type(StaticType.Filter), [w.t.none, tmp(w.list([obj]))]),
    filterFunction: (w, obj, tmp) => w.call(w.type(StaticType.Filter), [tmp(w.attr(obj, '__init__')), tmp(w.list([]))]),
    iterator: (w, obj, tmp) => seqIterNew(w.t, tmp(w.list([obj]))),
    callableIterator: (w, obj) => callIterNew(w.t, w.type(StaticType.Int), obj),
    callableIteratorFunction: (w, obj, tmp) => callIterNew(w.t, tmp(w.attr(obj, '__init__')), w.t.none),
  };

  for (const [name, make] of Object.entries(makers)) {
    it(`is collected: ${name}`, () => {
      r = makeRuntime();
      const t = r.t;
      const w = new World(t);
      const C = w.cls('C', {});
      const key = w.str('it');
      const obj = w.make(C);
      const temporaries: number[] = [];
      const iterator = check(t, make(w, obj, (op) => (temporaries.push(op), op)));
      for (const op of temporaries) decref(t.rc, op);
      check(t, objectSetAttr(t, obj, key, iterator)); // obj.it = iterator: the cycle
      const wr = check(t, weakrefNewRef(t, obj));
      decref(t.rc, obj);
      gcCollect(r.gt);
      // Control: the iterator is still referenced from here, so nothing in the cycle is garbage.
      expect(weakrefIsDead(t, wr)).toBe(false);
      decref(t.rc, iterator);
      expect(weakrefIsDead(t, wr)).toBe(false); // a cycle: counting alone frees nothing
      gcCollect(r.gt);
      expect(weakrefIsDead(t, wr)).toBe(true);
      decref(t.rc, wr);
    });
  }
});
