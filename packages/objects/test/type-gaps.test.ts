/**
 * The type machinery real programs reach: mappingproxy, a class's
 * `__dict__` and `__subclasses__()`, `__slots__` read from the namespace,
 * `type.__new__` / `type.__init__` as type's slots, metaclasses, the
 * implicit class methods, class keywords to `__init_subclass__`, code
 * objects' name tuples, module and function `__dict__`, AttributeError's
 * `name` and `obj` — each against CPython 3.13.0's answer
 * (fixtures/type-gaps-cpython.json, made by fixtures/type-gaps-cpython.py).
 */

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import { decref } from '@ft/refcount';
import {
  bytesFromBytes,
  callArgs,
  codeNew,
  dictNew,
  dictSetItem,
  errFetch,
  formatError,
  functionNew,
  intFromNumber,
  moduleFromJs,
  objectCall,
  objectContains,
  objectGetAttr,
  objectGetItem,
  objectLength,
  objectReprJs,
  objectRichCompareBool,
  objectSetAttr,
  objectSetItem,
  objectStr,
  numberBinaryOp,
  numberInPlaceOp,
  objectHash,
  objectIsTrue,
  PY_EQ,
  PY_NE,
  setTypeHooks,
  StaticType,
  strFromJs,
  strToJs,
  tupleFromArray,
  typeNew,
  typeOf,
  typeName,
  type ObThread,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

const CPYTHON = JSON.parse(readFileSync(new URL('./fixtures/type-gaps-cpython.json', import.meta.url), 'utf8')) as Record<string, string>;

let r: Runtime;
afterEach(() => r?.close());

function lastError(t: ObThread): string {
  return formatError(t, errFetch(t)!);
}

function str(t: ObThread, text: string): number {
  return check(t, strFromJs(t, text));
}

/** `repr(op)`, then releases `op`; the exception's "Type: message" when `op` is 0. */
function reprOf(t: ObThread, op: number): string {
  if (op === 0) return lastError(t);
  const text = objectReprJs(t, op);
  decref(t.rc, op);
  if (text === null) throw new Error(lastError(t));
  return text;
}

/** The outcome of a -1/0 status call: None's repr, or the exception. */
function statusOf(t: ObThread, status: number): string {
  return status < 0 ? lastError(t) : 'None';
}

function getattr(t: ObThread, op: number, name: string): number {
  const key = str(t, name);
  const v = objectGetAttr(t, op, key);
  decref(t.rc, key);
  return v;
}

function setattr(t: ObThread, op: number, name: string, value: number): number {
  const key = str(t, name);
  const v = objectSetAttr(t, op, key, value);
  decref(t.rc, key);
  return v;
}

/** `obj.name(*args)`: a new reference, or 0 with the exception. */
function callMethod(t: ObThread, obj: number, name: string, args: number[] = []): number {
  const method = getattr(t, obj, name);
  if (method === 0) return 0;
  const v = callArgs(t, method, args);
  decref(t.rc, method);
  return v;
}

/** A dict of str keys and small int values. */
function dictOf(t: ObThread, entries: Record<string, number>): number {
  const d = check(t, dictNew(t));
  for (const [k, v] of Object.entries(entries)) {
    const key = str(t, k);
    const value = check(t, intFromNumber(t, v));
    check(t, dictSetItem(t, d, key, value));
    release(r, key, value);
  }
  return d;
}

/** `type(name, bases, ns)` with `__module__` '__main__' (as a class statement in a script), plus `attrs` (borrowed). */
function makeClass(t: ObThread, name: string, bases: number[], attrs: Record<string, number> = {}, metatype = t.types[StaticType.Type]!): number {
  const ns = check(t, dictNew(t));
  const entries: [string, number][] = [['__module__', str(t, '__main__')], ...Object.entries(attrs).map(([k, v]): [string, number] => [k, v])];
  for (const [k, v] of entries) {
    const key = str(t, k);
    check(t, dictSetItem(t, ns, key, v));
    decref(t.rc, key);
  }
  decref(t.rc, entries[0]![1]);
  const basesTuple = check(t, tupleFromArray(t, bases));
  const cls = typeNew(t, metatype, name, basesTuple, ns);
  release(r, ns, basesTuple);
  return cls;
}

/** `type(*args)` for the metatype `meta`: the class, or 0 with the exception. */
function callType(t: ObThread, callable: number, args: number[], kwargs = 0): number {
  const tuple = check(t, tupleFromArray(t, args));
  const v = objectCall(t, callable, tuple, kwargs);
  decref(t.rc, tuple);
  return v;
}

/** `(a, b, …)` as Python prints a tuple of at least two items. */
function tupleText(parts: readonly string[]): string {
  return `(${parts.join(', ')})`;
}

describe('mappingproxy', () => {
  it('reads through to its mapping: repr, str, len, in, [], get, keys/values/items, iter, copy, |, ==, bool', () => {
    r = makeRuntime();
    const t = r.t;
    const d = dictOf(t, { a: 1, b: 2 });
    const proxyType = t.types[StaticType.MappingProxy]!;
    const m = check(t, callType(t, proxyType, [d]));
    expect(typeName(t, typeOf(t, m))).toBe('mappingproxy');
    expect(reprOf(t, check(t, objectStr(t, m)))).toBe(CPYTHON['mp.str']);
    expect(objectReprJs(t, m)).toBe(CPYTHON['mp.repr']);
    expect(String(objectLength(t, m))).toBe(CPYTHON['mp.len']);
    const a = str(t, 'a');
    const z = str(t, 'z');
    const zz = str(t, 'zz');
    const five = check(t, intFromNumber(t, 5));
    expect(tupleText([objectContains(t, m, a), objectContains(t, m, z)].map((b) => (b === 1 ? 'True' : 'False')))).toBe(CPYTHON['mp.contains']);
    expect(reprOf(t, objectGetItem(t, m, a))).toBe(CPYTHON['mp.getitem']);
    expect(reprOf(t, objectGetItem(t, m, zz))).toBe(CPYTHON['mp.getitem.missing']);
    expect(tupleText([reprOf(t, callMethod(t, m, 'get', [a])), reprOf(t, callMethod(t, m, 'get', [zz])), reprOf(t, callMethod(t, m, 'get', [zz, five]))])).toBe(CPYTHON['mp.get']);
    expect(reprOf(t, callMethod(t, m, 'get'))).toBe(CPYTHON['mp.get.noargs']);
    const listOf = (op: number): string => {
      if (op === 0) return lastError(t);
      const list = callType(t, t.types[StaticType.List]!, [op]);
      decref(t.rc, op);
      return reprOf(t, list);
    };
    expect(listOf(callMethod(t, m, 'keys'))).toBe(CPYTHON['mp.keys']);
    expect(listOf(callMethod(t, m, 'values'))).toBe(CPYTHON['mp.values']);
    expect(listOf(callMethod(t, m, 'items'))).toBe(CPYTHON['mp.items']);
    expect(reprOf(t, callType(t, t.types[StaticType.List]!, [m]))).toBe(CPYTHON['mp.iter']);
    const copy = check(t, callMethod(t, m, 'copy'));
    expect(tupleText([objectReprJs(t, copy)!, `'${typeName(t, typeOf(t, copy))}'`])).toBe(CPYTHON['mp.copy']);
    expect(copy).not.toBe(d);
    decref(t.rc, copy);
    const c = dictOf(t, { c: 3 });
    expect(reprOf(t, numberBinaryOp(t, m, c, 'or'))).toBe(CPYTHON['mp.or']);
    expect(reprOf(t, numberBinaryOp(t, c, m, 'or'))).toBe(CPYTHON['mp.ror']);
    const onlyA = dictOf(t, { a: 1 });
    const truth = (v: number): string => (v === 1 ? 'True' : 'False');
    expect(tupleText([truth(objectRichCompareBool(t, m, d, PY_EQ)), truth(objectRichCompareBool(t, m, d, PY_NE)), truth(objectRichCompareBool(t, m, onlyA, PY_EQ))])).toBe(CPYTHON['mp.eq']);
    const empty = check(t, dictNew(t));
    const emptyProxy = check(t, callType(t, proxyType, [empty]));
    expect(tupleText([truth(objectIsTrue(t, emptyProxy)), truth(objectIsTrue(t, m))])).toBe(CPYTHON['mp.bool']);
    release(r, a, z, zz, five, c, onlyA, empty, emptyProxy, m, d);
  });

  it('writes nothing: item assignment, |=, attributes, hash, with CPython errors', () => {
    r = makeRuntime();
    const t = r.t;
    const d = dictOf(t, { a: 1, b: 2 });
    const m = check(t, callType(t, t.types[StaticType.MappingProxy]!, [d]));
    const x = str(t, 'x');
    const one = check(t, intFromNumber(t, 1));
    expect(statusOf(t, objectSetItem(t, m, x, one))).toBe(CPYTHON['mp.setitem']);
    const other = check(t, dictNew(t));
    expect(reprOf(t, numberInPlaceOp(t, m, other, 'or'))).toBe(CPYTHON['mp.ior']);
    expect(statusOf(t, setattr(t, m, 'x', one))).toBe(CPYTHON['mp.setattr']);
    expect(objectHash(t, m)).toBe(-1);
    expect(lastError(t)).toBe(CPYTHON['mp.hash']);
    expect(objectReprJs(t, d)).toBe("{'a': 1, 'b': 2}");
    release(r, x, one, other, m, d);
  });

  it('is made from a mapping only, by position or as mapping=', () => {
    r = makeRuntime();
    const t = r.t;
    const proxyType = t.types[StaticType.MappingProxy]!;
    const list = check(t, callType(t, t.types[StaticType.List]!, []));
    const one = check(t, intFromNumber(t, 1));
    const tuple = check(t, tupleFromArray(t, [one]));
    const abc = str(t, 'abc');
    expect(reprOf(t, callType(t, proxyType, [one]))).toBe(CPYTHON['mp.new.int']);
    expect(reprOf(t, callType(t, proxyType, [list]))).toBe(CPYTHON['mp.new.list']);
    expect(reprOf(t, callType(t, proxyType, [tuple]))).toBe(CPYTHON['mp.new.tuple']);
    expect(reprOf(t, callType(t, proxyType, [t.none]))).toBe(CPYTHON['mp.new.none']);
    expect(reprOf(t, callType(t, proxyType, [abc]))).toBe(CPYTHON['mp.new.str']);
    expect(reprOf(t, callType(t, proxyType, []))).toBe(CPYTHON['mp.new.noargs']);
    const inner = dictOf(t, { k: 0 });
    const kwargs = check(t, dictNew(t));
    const key = str(t, 'mapping');
    check(t, dictSetItem(t, kwargs, key, inner));
    expect(reprOf(t, callType(t, proxyType, [], kwargs))).toBe(CPYTHON['mp.new.keyword']);
    release(r, list, one, tuple, abc, inner, kwargs, key);
  });
});

describe("a class's __dict__, __subclasses__ and __prepare__", () => {
  it('A.__dict__ is a read-only mappingproxy of the class dict', () => {
    r = makeRuntime();
    const t = r.t;
    const one = check(t, intFromNumber(t, 1));
    const A = check(t, makeClass(t, 'A', [], { x: one }));
    const proxy = check(t, getattr(t, A, '__dict__'));
    expect(`'${typeName(t, typeOf(t, proxy))}'`).toBe(CPYTHON['class.dict.type']);
    const x = str(t, 'x');
    expect(reprOf(t, objectGetItem(t, proxy, x))).toBe(CPYTHON['class.dict.x']);
    const y = str(t, 'y');
    expect(statusOf(t, objectSetItem(t, proxy, y, one))).toBe(CPYTHON['class.dict.setitem']);
    // A store through setattr shows through the proxy.
    expect(setattr(t, A, 'y', one)).toBe(0);
    expect(objectContains(t, proxy, y)).toBe(1);
    release(r, one, x, y, proxy, A);
  });

  it('__subclasses__() lists the live direct subclasses, oldest first', () => {
    r = makeRuntime();
    const t = r.t;
    const A = check(t, makeClass(t, 'A', []));
    const B = check(t, makeClass(t, 'B', [A]));
    const C = check(t, makeClass(t, 'C', [A]));
    expect(reprOf(t, callMethod(t, A, '__subclasses__'))).toBe(CPYTHON['class.subclasses']);
    decref(t.rc, B);
    gcCollect(r.gt); // a class is in a cycle with its MRO
    expect(reprOf(t, callMethod(t, A, '__subclasses__'))).toBe(CPYTHON['class.subclasses.after']);
    release(r, C, A);
  });

  it('static types list theirs too: int.__subclasses__() is [bool]', () => {
    r = makeRuntime();
    const t = r.t;
    expect(reprOf(t, callMethod(t, t.types[StaticType.Int]!, '__subclasses__'))).toBe(CPYTHON['static.subclasses']);
  });

  it('type.__prepare__(...) is a new empty dict whatever the arguments', () => {
    r = makeRuntime();
    const t = r.t;
    const type = t.types[StaticType.Type]!;
    const name = str(t, 'A');
    const x = str(t, 'x');
    const kwnames = check(t, tupleFromArray(t, [x]));
    const prepare = check(t, getattr(t, type, '__prepare__'));
    const first = check(t, callArgs(t, prepare, []));
    const second = check(t, callArgs(t, prepare, [name, t.emptyTuple, name], kwnames));
    expect(first).not.toBe(second);
    expect(tupleText([reprOf(t, first), reprOf(t, second)])).toBe(CPYTHON['type.prepare']);
    release(r, prepare, kwnames, x, name);
  });
});

describe('__slots__ from the namespace', () => {
  const slotsClass = (t: ObThread, name: string, slots: number, extra: Record<string, number> = {}, bases: number[] = []): number => makeClass(t, name, bases, { __slots__: slots, ...extra });

  it('refuses what CPython refuses, with its messages', () => {
    r = makeRuntime();
    const t = r.t;
    const one = check(t, intFromNumber(t, 1));
    const items = check(t, tupleFromArray(t, [one]));
    const badName = str(t, '1a');
    const ident = check(t, tupleFromArray(t, [badName]));
    const dictName = str(t, '__dict__');
    const dict2 = check(t, tupleFromArray(t, [dictName, dictName]));
    const xName = str(t, 'x');
    const xs = check(t, tupleFromArray(t, [xName]));
    expect(reprOf(t, slotsClass(t, 'S', one))).toBe(CPYTHON['slots.int']);
    expect(reprOf(t, slotsClass(t, 'S', items))).toBe(CPYTHON['slots.items']);
    expect(reprOf(t, slotsClass(t, 'S', ident))).toBe(CPYTHON['slots.ident']);
    expect(reprOf(t, slotsClass(t, 'S', dict2))).toBe(CPYTHON['slots.dict2']);
    expect(reprOf(t, slotsClass(t, 'S', xs, { x: one }))).toBe(CPYTHON['slots.conflict']);
    expect(reprOf(t, slotsClass(t, 'S', xs, {}, [t.types[StaticType.Tuple]!]))).toBe(CPYTHON['slots.tuple']);
    expect(reprOf(t, slotsClass(t, 'M', xs, {}, [t.types[StaticType.Type]!]))).toBe(CPYTHON['slots.meta']);
    release(r, one, items, ident, badName, dictName, dict2, xName, xs);
  });

  it('makes member descriptors for the mangled names, in sorted order; __slots__ keeps its value', () => {
    r = makeRuntime();
    const t = r.t;
    const names = ['b', '__y', 'a'].map((n) => str(t, n));
    const slots = check(t, tupleFromArray(t, names));
    const P = check(t, slotsClass(t, '_P', slots));
    const proxy = check(t, getattr(t, P, '__dict__'));
    const keys = check(t, callType(t, t.types[StaticType.List]!, [proxy]));
    const members = (objectReprJs(t, keys) ?? '').slice(1, -1).split(', ').filter((k) => ["'a'", "'b'", "'_P__y'"].includes(k));
    expect(`[${members.join(', ')}]`).toBe(CPYTHON['slots.members']);
    const a = check(t, getattr(t, P, 'a'));
    expect(tupleText([objectReprJs(t, a)!, `'${typeName(t, typeOf(t, a))}'`])).toBe(CPYTHON['slots.member.repr']);
    expect(reprOf(t, getattr(t, P, '__slots__'))).toBe(CPYTHON['slots.value']);
    const p = check(t, callType(t, P, []));
    expect(reprOf(t, getattr(t, p, 'a'))).toBe(CPYTHON['slots.unset']);
    const seven = check(t, intFromNumber(t, 7));
    expect(setattr(t, p, '_P__y', seven)).toBe(0);
    expect(reprOf(t, getattr(t, p, '_P__y'))).toBe('7');
    expect(getattr(t, p, '__dict__')).toBe(0);
    expect(lastError(t)).toBe("AttributeError: '_P' object has no attribute '__dict__'");
    // `__dict__` among the slots gives the instances a dict beside the members.
    const dictKey = str(t, '__dict__');
    const v = str(t, 'v');
    const withDictSlots = check(t, tupleFromArray(t, [dictKey, v]));
    const W = check(t, slotsClass(t, 'W', withDictSlots));
    const wDict = check(t, getattr(t, W, '__dict__'));
    expect(tupleText([objectContains(t, wDict, dictKey) === 1 ? 'True' : 'False', `[${objectContains(t, wDict, v) === 1 ? "'v'" : ''}]`])).toBe(CPYTHON['slots.dict']);
    const w = check(t, callType(t, W, []));
    expect(setattr(t, w, 'free', seven)).toBe(0);
    release(r, ...names, slots, proxy, keys, a, p, seven, withDictSlots, wDict, dictKey, v, w, W, P);
  });
});

describe('type.__new__, type.__init__ and metaclasses', () => {
  it("checks type.__new__'s and type.__init__'s arguments as CPython", () => {
    r = makeRuntime();
    const t = r.t;
    const type = t.types[StaticType.Type]!;
    const name = str(t, 'A');
    const one = check(t, intFromNumber(t, 1));
    const two = check(t, intFromNumber(t, 2));
    const list = check(t, callType(t, t.types[StaticType.List]!, []));
    const ns = check(t, dictNew(t));
    const newMethod = check(t, getattr(t, type, '__new__'));
    const initMethod = check(t, getattr(t, type, '__init__'));
    expect(reprOf(t, callArgs(t, newMethod, [type, name]))).toBe(CPYTHON['type.new.count']);
    expect(reprOf(t, callArgs(t, newMethod, [type, one, t.emptyTuple, ns]))).toBe(CPYTHON['type.new.arg1']);
    expect(reprOf(t, callArgs(t, newMethod, [type, name, list, ns]))).toBe(CPYTHON['type.new.arg2']);
    expect(reprOf(t, callArgs(t, newMethod, [type, name, t.emptyTuple, list]))).toBe(CPYTHON['type.new.arg3']);
    expect(reprOf(t, callType(t, type, [name, t.emptyTuple]))).toBe(CPYTHON['type.call.two']);
    const x = str(t, 'x');
    const kwnames = check(t, tupleFromArray(t, [x]));
    expect(reprOf(t, callArgs(t, initMethod, [type, name, one], kwnames))).toBe(CPYTHON['type.init.kw']);
    expect(reprOf(t, callArgs(t, initMethod, [type, name, two]))).toBe(CPYTHON['type.init.two']);
    // A base with __mro_entries__ is for types.new_class, not type().
    const holder = check(t, makeClass(t, 'Holder', [], { __mro_entries__: one }));
    const holderInstance = check(t, callType(t, holder, []));
    const bases = check(t, tupleFromArray(t, [holderInstance]));
    expect(reprOf(t, callType(t, type, [name, bases, ns]))).toBe(CPYTHON['type.new.mro_entries']);
    // type.__new__(type, ...) makes a class.
    const made = check(t, callArgs(t, newMethod, [type, name, t.emptyTuple, ns]));
    expect(typeOf(t, made)).toBe(type);
    release(r, made, bases, holderInstance, holder, kwnames, x, initMethod, newMethod, ns, list, two, one, name);
  });

  it('a class of a metaclass is an instance of it; conflicting metaclasses are refused', () => {
    r = makeRuntime();
    const t = r.t;
    const type = t.types[StaticType.Type]!;
    const Meta = check(t, makeClass(t, 'Meta', [type]));
    const name = str(t, 'K');
    const ns = check(t, dictNew(t));
    const K = check(t, callType(t, Meta, [name, t.emptyTuple, ns]));
    const mroNames = (op: number): string => {
      const mro = check(t, getattr(t, op, '__mro__'));
      const text = (objectReprJs(t, mro) ?? '').match(/'[^']*'/g)!.map((q) => `'${q.slice(1, -1).replace(/^__main__\./, '')}'`);
      decref(t.rc, mro);
      return `[${text.join(', ')}]`;
    };
    expect(tupleText([`'${typeName(t, typeOf(t, K))}'`, `'${typeName(t, typeOf(t, Meta))}'`, mroNames(Meta)])).toBe(CPYTHON['meta.type']);
    expect(getattr(t, K, '__class__')).toBe(Meta);
    decref(t.rc, Meta);
    // A subclass of K is made by Meta too (the most derived metaclass), even through type(...).
    const subName = str(t, 'Sub');
    const kBases = check(t, tupleFromArray(t, [K]));
    const Sub = check(t, callType(t, type, [subName, kBases, ns]));
    expect(typeOf(t, Sub)).toBe(Meta);
    // Another metaclass's class beside K: no metaclass derives from both.
    const Other = check(t, makeClass(t, 'Other', [type]));
    const O = check(t, callType(t, Other, [name, t.emptyTuple, ns]));
    const both = check(t, tupleFromArray(t, [K, O]));
    expect(reprOf(t, callType(t, type, [name, both, ns]))).toBe(CPYTHON['meta.conflict']);
    // A metaclass adds no __dict__ descriptor of its own: classes keep their attributes in their type dict.
    const metaDict = check(t, getattr(t, Meta, '__dict__'));
    const dictKey = str(t, '__dict__');
    expect(objectContains(t, metaDict, dictKey) === 1 ? 'True' : 'False').toBe(CPYTHON['meta.dict']);
    const five = check(t, intFromNumber(t, 5));
    expect(setattr(t, K, 'attr', five)).toBe(0);
    expect(reprOf(t, getattr(t, K, 'attr'))).toBe('5');
    release(r, five, dictKey, metaDict, both, O, Other, Sub, kBases, subName, K, ns, name);
  });

  it('__init_subclass__ and __class_getitem__ functions become class methods, __new__ a static method; class keywords reach the hook', () => {
    r = makeRuntime();
    const t = r.t;
    const s = str(t, 'f');
    const code = check(
      t,
      codeNew(t, { argcount: 0, posonlyargcount: 0, kwonlyargcount: 0, nlocals: 0, ncellvars: 0, nfreevars: 0, stacksize: 1, flags: 0, firstlineno: 1, code: new Uint16Array(1), consts: t.emptyTuple, names: t.emptyTuple, localsplusnames: t.emptyTuple, localspluskinds: t.emptyStr, filename: s, name: s, qualname: s, linetable: t.emptyStr, exceptiontable: t.emptyStr }),
    );
    const globals = check(t, dictNew(t));
    const fn = check(t, functionNew(t, code, globals));
    const seen: string[] = [];
    setTypeHooks(t, { initSubclass: (t2, type, kwargs) => (seen.push(`${typeName(t2, type)} ${kwargs === 0 ? '-' : objectReprJs(t2, kwargs)}`), 0) });
    const A = check(t, makeClass(t, 'A', [], { __init_subclass__: fn, __class_getitem__: fn, __new__: fn }));
    const dict = check(t, getattr(t, A, '__dict__'));
    const kind = (name: string): string => {
      const key = str(t, name);
      const v = check(t, objectGetItem(t, dict, key));
      const text = typeName(t, typeOf(t, v));
      release(r, key, v);
      return text;
    };
    expect([kind('__init_subclass__'), kind('__class_getitem__'), kind('__new__')]).toEqual(['classmethod', 'classmethod', 'staticmethod']);
    const kwargs = check(t, dictNew(t));
    const flag = str(t, 'flag');
    check(t, dictSetItem(t, kwargs, flag, t.true));
    const name = str(t, 'B');
    const bases = check(t, tupleFromArray(t, [A]));
    const ns = check(t, dictNew(t));
    const B = check(t, callType(t, t.types[StaticType.Type]!, [name, bases, ns], kwargs));
    expect(seen).toEqual(['A -', "B {'flag': True}"]);
    release(r, B, ns, bases, name, flag, kwargs, dict, A, fn, globals, code, s);
  });
});

describe('code objects, modules and functions', () => {
  it("co_varnames, co_cellvars, co_freevars and co_nlocals from the locals' kinds", () => {
    r = makeRuntime();
    const t = r.t;
    const LOCAL = 0x20;
    const CELL = 0x40;
    const FREE = 0x80;
    // def f(a, b, /, c, *args, d, e=1, **kw): x = 1; def g(): return a + x — as CPython 3.13 lays out its locals.
    const make = (names: string[], kinds: number[], argcount: number, posonlyargcount: number, kwonlyargcount: number, flags: number): number => {
      const s = str(t, 'f');
      const nameStrs = names.map((n) => str(t, n));
      const namesTuple = check(t, tupleFromArray(t, nameStrs));
      const kindBytes = check(t, bytesFromBytes(t, kinds));
      const code = check(
        t,
        // The counts as interp's code-object.ts derives them from the kinds (its frame layout's).
        codeNew(t, { argcount, posonlyargcount, kwonlyargcount, nlocals: kinds.filter((k) => (k & FREE) === 0 && !((k & CELL) !== 0 && (k & LOCAL) === 0)).length, ncellvars: kinds.filter((k) => (k & CELL) !== 0 && (k & LOCAL) === 0).length, nfreevars: kinds.filter((k) => (k & FREE) !== 0).length, stacksize: 1, flags, firstlineno: 1, code: new Uint16Array(1), consts: t.emptyTuple, names: t.emptyTuple, localsplusnames: namesTuple, localspluskinds: kindBytes, filename: s, name: s, qualname: s, linetable: t.emptyStr, exceptiontable: t.emptyStr }),
      );
      release(r, s, namesTuple, kindBytes, ...nameStrs);
      return code;
    };
    const attrs = (code: number): string => tupleText(['co_varnames', 'co_cellvars', 'co_freevars', 'co_nlocals'].map((a) => reprOf(t, check(t, getattr(t, code, a)))));
    const f = make(['a', 'b', 'c', 'd', 'e', 'args', 'kw', 'g', 'x'], [LOCAL | CELL, LOCAL, LOCAL, LOCAL, LOCAL, LOCAL, LOCAL, LOCAL, CELL], 3, 2, 2, 0x04 | 0x08);
    expect(attrs(f)).toBe(CPYTHON['code.f']);
    const g = make(['a', 'x'], [FREE, FREE], 0, 0, 0, 0);
    expect(attrs(g)).toBe(CPYTHON['code.g']);
    const bytes = check(t, getattr(t, f, 'co_code'));
    expect(typeName(t, typeOf(t, bytes))).toBe('bytes');
    expect(objectLength(t, bytes)).toBe(2);
    release(r, bytes, g, f);
  });

  it("a module's __dict__ is its namespace (read-only attribute); a function's is made on first use", () => {
    r = makeRuntime();
    const t = r.t;
    const mod = check(t, moduleFromJs(t, 'm'));
    const d = check(t, getattr(t, mod, '__dict__'));
    const again = check(t, getattr(t, mod, '__dict__'));
    expect(again).toBe(d);
    const keys = check(t, callType(t, t.types[StaticType.List]!, [d]));
    decref(t.rc, check(t, callMethod(t, keys, 'sort')));
    expect(tupleText([`'${typeName(t, typeOf(t, d))}'`, 'True', objectReprJs(t, keys)!])).toBe(CPYTHON['module.dict']);
    const empty = check(t, dictNew(t));
    expect(statusOf(t, setattr(t, mod, '__dict__', empty))).toBe(CPYTHON['module.dict.set']);
    const s = str(t, 'f');
    const code = check(
      t,
      codeNew(t, { argcount: 0, posonlyargcount: 0, kwonlyargcount: 0, nlocals: 0, ncellvars: 0, nfreevars: 0, stacksize: 1, flags: 0, firstlineno: 1, code: new Uint16Array(1), consts: t.emptyTuple, names: t.emptyTuple, localsplusnames: t.emptyTuple, localspluskinds: t.emptyStr, filename: s, name: s, qualname: s, linetable: t.emptyStr, exceptiontable: t.emptyStr }),
    );
    const fn = check(t, functionNew(t, code, d));
    expect(reprOf(t, getattr(t, fn, '__dict__'))).toBe(CPYTHON['function.dict']);
    const three = check(t, intFromNumber(t, 3));
    expect(statusOf(t, setattr(t, fn, '__dict__', three))).toBe(CPYTHON['function.dict.set']);
    expect(statusOf(t, setattr(t, fn, '__dict__', 0))).toBe(CPYTHON['function.dict.del']);
    expect(setattr(t, fn, 'attr', three)).toBe(0);
    expect(reprOf(t, getattr(t, fn, '__dict__'))).toBe("{'attr': 3}");
    release(r, three, fn, code, s, empty, keys, again, d, mod);
  });

  it('a failed attribute lookup gives the AttributeError its name and obj', () => {
    r = makeRuntime();
    const t = r.t;
    const A = check(t, makeClass(t, 'A', []));
    const a = check(t, callType(t, A, []));
    expect(getattr(t, a, 'nope')).toBe(0);
    const fetched = errFetch(t)!;
    const exc = fetched.value !== 0 ? fetched.value : 0;
    expect(exc).not.toBe(0);
    const message = check(t, objectStr(t, exc));
    const name = check(t, getattr(t, exc, 'name'));
    const obj = check(t, getattr(t, exc, 'obj'));
    expect(tupleText([JSON.stringify(strToJs(t, message)), objectReprJs(t, name)!, obj === a ? 'True' : 'False'])).toBe(CPYTHON['attributeerror.context']);
    release(r, message, name, obj, exc, a, A);
  });
});
