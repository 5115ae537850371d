/**
 * Special methods both ways: builtin types' slot wrappers (`int.__add__`,
 * `object.__init__`, `list.__hash__ is None`, `object.__new__`), and
 * classes whose special methods fill their slots (`__repr__`, `__eq__`
 * making the class unhashable, `__add__`/`__radd__` with a subclass
 * first, `__len__`, `__bool__`, `__init__`, `__getattr__`, iteration,
 * and a method set on a class after creation reaching its subclasses).
 * Messages are CPython 3.13's, taken once with python3.13. Python
 * functions run in a stand-in evaluation loop: a JavaScript body per
 * function object.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decref, incref } from '@ft/refcount';
import {
  dictNew,
  dictSetItem,
  errFetch,
  errSetNone,
  formatError,
  intAsNumber,
  intFromNumber,
  iterNext,
  numberBinaryOp,
  objectGetAttr,
  objectGetItem,
  objectGetIter,
  objectHash,
  objectIsTrue,
  objectLength,
  objectReprJs,
  objectRichCompareBool,
  objectSetAttr,
  PY_EQ,
  StaticType,
  strFromJs,
  strToJs,
  tupleFromArray,
  typeNew,
  type ObThread,
} from '../src/index.js';
import { callArgs, objectCall } from '../src/call.js';
import { codeNew } from '../src/code.js';
import { functionNew } from '../src/function.js';
import { superLookup } from '../src/super.js';
import { objectFormat } from '../src/format-builtin.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

type Body = (t: ObThread, args: number[]) => number;

/** Python functions whose bodies are JavaScript: the stand-in evaluation loop. */
class Functions {
  private readonly bodies = new Map<number, Body>();
  private readonly made: number[] = [];
  constructor(private readonly t: ObThread) {
    t.evalFunction = (t2, func, args, nargs, kwnames) => {
      const body = this.bodies.get(func);
      if (body === undefined) throw new Error('no body for this function');
      if (kwnames !== 0) throw new Error('keywords are not used here');
      return body(t2, Array.from({ length: nargs }, (_, i) => t2.u32[(args >>> 2) + i]!));
    };
  }

  /** A function `name` running `body`. */
  def(name: string, body: Body): number {
    const t = this.t;
    const s = check(t, strFromJs(t, name));
    const code = check(
      t,
      codeNew(t, { argcount: 0, posonlyargcount: 0, kwonlyargcount: 0, nlocals: 0, ncellvars: 0, nfreevars: 0, stacksize: 1, flags: 0x10, firstlineno: 1, code: new Uint16Array(1), consts: t.emptyTuple, names: t.emptyTuple, localsplusnames: t.emptyTuple, localspluskinds: t.emptyStr, filename: s, name: s, qualname: s, linetable: t.emptyStr, exceptiontable: t.emptyStr }),
    );
    const globals = check(t, dictNew(t));
    const f = check(t, functionNew(t, code, globals));
    release(r, s, code, globals);
    this.bodies.set(f, body);
    this.made.push(f);
    return f;
  }

  release(): void {
    for (const f of this.made) decref(this.t.rc, f);
  }
}

function lastError(t: ObThread): string {
  return formatError(t, errFetch(t)!);
}

function str(t: ObThread, text: string): number {
  return check(t, strFromJs(t, text));
}

function getattr(t: ObThread, op: number, name: string): number | string {
  const key = str(t, name);
  const v = objectGetAttr(t, op, key);
  decref(t.rc, key);
  return v === 0 ? lastError(t) : v;
}

function repr(t: ObThread, op: number): string {
  const text = objectReprJs(t, op);
  if (text === null) throw new Error(lastError(t));
  return text;
}

function makeClass(t: ObThread, name: string, bases: number[], attrs: Record<string, number>): number {
  const ns = check(t, dictNew(t));
  for (const [k, v] of Object.entries(attrs)) {
    const key = str(t, k);
    check(t, dictSetItem(t, ns, key, v));
    decref(t.rc, key);
  }
  const basesTuple = check(t, tupleFromArray(t, bases));
  const cls = check(t, typeNew(t, t.types[StaticType.Type]!, name, basesTuple, ns));
  release(r, ns, basesTuple);
  return cls;
}

function instance(t: ObThread, cls: number): number {
  return check(t, objectCall(t, cls, t.emptyTuple, 0));
}

describe('slot wrappers of builtin types', () => {
  it('int.__add__, (1).__add__, object.__init__, list.__hash__ and object.__new__ as CPython', () => {
    r = makeRuntime();
    const t = r.t;
    const intType = t.types[StaticType.Int]!;
    const add = getattr(t, intType, '__add__') as number;
    expect(repr(t, add)).toBe("<slot wrapper '__add__' of 'int' objects>");
    const one = intFromNumber(t, 1);
    const two = intFromNumber(t, 2);
    const three = check(t, callArgs(t, add, [one, two]));
    expect(intAsNumber(t, three)).toBe(3);
    expect(callArgs(t, add, [one])).toBe(0);
    expect(lastError(t)).toBe('TypeError: expected 1 argument, got 0');
    const s = str(t, 'x');
    expect(callArgs(t, add, [s, one])).toBe(0);
    expect(lastError(t)).toBe("TypeError: descriptor '__add__' requires a 'int' object but received a 'str'");
    const bound = getattr(t, one, '__add__') as number;
    expect(repr(t, bound)).toMatch(/^<method-wrapper '__add__' of int object at 0x[0-9a-f]+>$/);
    const viaBound = check(t, callArgs(t, bound, [two]));
    expect(intAsNumber(t, viaBound)).toBe(3);
    const lt = getattr(t, one, '__lt__') as number;
    const yes = check(t, callArgs(t, lt, [two]));
    expect(yes).toBe(t.true);
    expect(getattr(t, t.types[StaticType.List]!, '__hash__')).toBe(t.none);
    const init = getattr(t, t.types[StaticType.Object]!, '__init__') as number;
    expect(repr(t, init)).toBe("<slot wrapper '__init__' of 'object' objects>");
    const objNew = getattr(t, t.types[StaticType.Object]!, '__new__') as number;
    expect(repr(t, objNew)).toMatch(/^<built-in method __new__ of type object at 0x[0-9a-f]+>$/);
    const C = makeClass(t, 'C', [], {});
    const c = check(t, callArgs(t, objNew, [C]));
    expect(repr(t, c)).toMatch(/^<C object at 0x[0-9a-f]+>$/);
    expect(callArgs(t, objNew, [one])).toBe(0);
    expect(lastError(t)).toBe('TypeError: object.__new__(X): X is not a type object (int)');
    expect(callArgs(t, objNew, [])).toBe(0);
    expect(lastError(t)).toBe('TypeError: object.__new__(): not enough arguments');
    const initResult = check(t, callArgs(t, init, [c]));
    expect(initResult).toBe(t.none);
    expect(callArgs(t, C, [one])).toBe(0);
    expect(lastError(t)).toBe('TypeError: C() takes no arguments');
    release(r, initResult, c, C, objNew, init, yes, lt, viaBound, bound, s, three, two, one, add);
  });
});

describe('classes with special methods', () => {
  it('__repr__, __eq__ (unhashable), __len__, __bool__, __init__, __getattr__ and iteration go through their slots', () => {
    r = makeRuntime();
    const t = r.t;
    const fns = new Functions(t);
    const reprFn = fns.def('__repr__', (t2) => strFromJs(t2, 'P!'));
    // (True and False are immortal: returning them needs no new reference.)
    const eqFn = fns.def('__eq__', (t2, [, other]) => (other === t2.none ? t2.false : t2.true));
    const lenValues = [3, -1];
    const lenFn = fns.def('__len__', (t2) => intFromNumber(t2, lenValues.shift()!));
    const boolFn = fns.def('__bool__', (t2) => intFromNumber(t2, 1));
    const initFn = fns.def('__init__', (t2) => intFromNumber(t2, 5));
    const getattrFn = fns.def('__getattr__', (t2, [, name]) => strFromJs(t2, `missing:${strToJs(t2, name!)}`));
    const P = makeClass(t, 'P', [], { __repr__: reprFn, __eq__: eqFn, __len__: lenFn, __bool__: boolFn, __getattr__: getattrFn });
    const p = instance(t, P);
    expect(repr(t, p)).toBe('P!');
    expect(objectRichCompareBool(t, p, t.none, PY_EQ)).toBe(0);
    expect(objectRichCompareBool(t, p, P, PY_EQ)).toBe(1);
    expect(objectHash(t, p)).toBe(-1);
    expect(lastError(t)).toBe("TypeError: unhashable type: 'P'");
    expect(getattr(t, P, '__hash__')).toBe(t.none);
    expect(objectLength(t, p)).toBe(3);
    expect(objectLength(t, p)).toBe(-1);
    expect(lastError(t)).toBe('ValueError: __len__() should return >= 0');
    expect(objectIsTrue(t, p)).toBe(-1);
    expect(lastError(t)).toBe('TypeError: __bool__ should return bool, returned int');
    const viaGetattr = getattr(t, p, 'nothing') as number;
    expect(strToJs(t, viaGetattr)).toBe('missing:nothing');
    const Q = makeClass(t, 'Q', [], { __init__: initFn });
    expect(objectCall(t, Q, t.emptyTuple, 0)).toBe(0);
    expect(lastError(t)).toBe("TypeError: __init__() should return None, not 'int'");
    // An iterator class: __next__ raising StopIteration ends the iteration without an error.
    let count = 0;
    const iterFn = fns.def('__iter__', (t2, [self]) => {
      incref(t2.rc, self!);
      return self!;
    });
    const nextFn = fns.def('__next__', (t2) => {
      if (count < 2) return intFromNumber(t2, ++count);
      errSetNone(t2, t2.types[StaticType.StopIteration]!);
      return 0;
    });
    const It = makeClass(t, 'It', [], { __iter__: iterFn, __next__: nextFn });
    const it = instance(t, It);
    const iter = check(t, objectGetIter(t, it));
    const got: number[] = [];
    for (let v = iterNext(t, iter); v !== 0; v = iterNext(t, iter)) {
      got.push(intAsNumber(t, v));
      decref(t.rc, v);
    }
    expect(t.error.type).toBe(0);
    expect(got).toEqual([1, 2]);
    // format(obj, spec) calls the class's __format__, which must return a str.
    const formatFn = fns.def('__format__', (t2, [, spec]) => (strToJs(t2, spec!) === 'int' ? intFromNumber(t2, 1) : strFromJs(t2, `<${strToJs(t2, spec!)}>`)));
    const F = makeClass(t, 'F', [], { __format__: formatFn });
    const f = instance(t, F);
    const spec = str(t, '>10');
    const formatted = check(t, objectFormat(t, f, spec));
    expect(strToJs(t, formatted)).toBe('<>10>');
    const intSpec = str(t, 'int');
    expect(objectFormat(t, f, intSpec)).toBe(0);
    expect(lastError(t)).toBe('TypeError: __format__ must return a str, not int');
    release(r, intSpec, formatted, spec, f, F, iter, it, It, Q, viaGetattr, p, P);
    fns.release();
  });

  it('binary operators: the reflected method of a subclass first; a method set later reaches subclasses', () => {
    r = makeRuntime();
    const t = r.t;
    const fns = new Functions(t);
    const calls: string[] = [];
    const addFn = fns.def('__add__', (t2) => (calls.push('A.__add__'), strFromJs(t2, 'A+')));
    const raddFn = fns.def('__radd__', (t2) => (calls.push('B.__radd__'), strFromJs(t2, 'B+r')));
    const A = makeClass(t, 'A', [], { __add__: addFn });
    const B = makeClass(t, 'B', [A], { __radd__: raddFn });
    const a = instance(t, A);
    const b = instance(t, B);
    const ab = check(t, numberBinaryOp(t, a, b, 'add'));
    expect(strToJs(t, ab)).toBe('B+r');
    expect(calls).toEqual(['B.__radd__']);
    const ba = check(t, numberBinaryOp(t, b, a, 'add'));
    expect(strToJs(t, ba)).toBe('A+');
    // Setting __repr__ on A after B exists: both use it.
    const reprFn = fns.def('__repr__', (t2) => strFromJs(t2, 'late'));
    const key = str(t, '__repr__');
    expect(objectSetAttr(t, A, key, reprFn)).toBe(0);
    expect(repr(t, a)).toBe('late');
    expect(repr(t, b)).toBe('late');
    // super(B, b).__repr__ finds A's; super(A, a).__init__ is object's slot wrapper, bound.
    const viaSuper = superLookup(t, B, b, B, key);
    const superRepr = check(t, callArgs(t, viaSuper, []));
    expect(strToJs(t, superRepr)).toBe('late');
    const initKey = str(t, '__init__');
    const objectInit = superLookup(t, A, a, A, initKey);
    expect(repr(t, objectInit)).toMatch(/^<method-wrapper '__init__' of A object at 0x[0-9a-f]+>$/);
    const none = check(t, callArgs(t, objectInit, []));
    expect(none).toBe(t.none);
    // Instances' __dict__ and __weakref__ through the class's descriptors (A.__dict__ is type's: the class's mappingproxy).
    const classDict = getattr(t, A, '__dict__') as number;
    expect(repr(t, classDict)).toMatch(/^mappingproxy\(\{'__add__': <function __add__ at 0x[0-9a-f]+>, '__dict__': <attribute '__dict__' of 'A' objects>, /);
    const dictKeyForDescr = str(t, '__dict__');
    const dictDescr = check(t, objectGetItem(t, classDict, dictKeyForDescr));
    release(r, dictKeyForDescr, classDict);
    expect(repr(t, dictDescr)).toBe("<attribute '__dict__' of 'A' objects>");
    const seven = intFromNumber(t, 7);
    const xKey = str(t, 'x');
    expect(objectSetAttr(t, a, xKey, seven)).toBe(0);
    const instanceDict = getattr(t, a, '__dict__') as number;
    expect(repr(t, instanceDict)).toBe('{\'x\': 7}');
    expect(getattr(t, a, '__weakref__')).toBe(t.none);
    const notDict = str(t, 'nope');
    const dictKey = str(t, '__dict__');
    expect(objectSetAttr(t, a, dictKey, notDict)).toBe(-1);
    expect(lastError(t)).toBe("TypeError: __dict__ must be set to a dictionary, not a 'str'");
    release(r, dictKey, notDict, instanceDict, xKey, seven, dictDescr);
    release(r, none, objectInit, initKey, superRepr, viaSuper, key, ba, ab, b, a, B, A);
    fns.release();
  });
});
