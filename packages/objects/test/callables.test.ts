/**
 * Code objects, functions (attributes, the version cache), cells, bound
 * methods, builtin methods and the descriptors of builtin types, modules,
 * staticmethod/classmethod, property and super, with CPython 3.13's
 * messages (taken once with python3.13). Python functions are called
 * through a stand-in `evalFunction` that records its arguments: the VM is
 * another package.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import { decref } from '@ft/refcount';
import {
  dictNew,
  dictSetItem,
  errFetch,
  formatError,
  intAsNumber,
  intFromNumber,
  objectGetAttr,
  objectHash,
  objectReprJs,
  objectRichCompareBool,
  objectSetAttr,
  PY_EQ,
  PY_LT,
  StaticType,
  strFromJs,
  strToJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  typeNew,
  typeOf,
  type ObThread,
} from '../src/index.js';
import { argsPop, argsPush, callArgs, callOneArg, objectCall } from '../src/call.js';
import { cellGetRef, cellNew, cellSet } from '../src/cell.js';
import { classMethodNew, staticMethodNew } from '../src/classmethod.js';
import { CO_NESTED, codeNew, codeUnits, codeVersion, type CodeSpec } from '../src/code.js';
import { FUNC_DEFAULTS_OFFSET, functionNew } from '../src/function.js';
import { functionLookupByVersion, functionVersion } from '../src/function-version.js';
import { methodCheck, methodFunction, methodSelf } from '../src/method.js';
import { moduleDict, moduleFromJs } from '../src/module.js';
import { propertyNew, propertySetName } from '../src/property.js';
import { superLookup } from '../src/super.js';
import { weakrefIsDead, weakrefNewRef } from '../src/weakref.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

function lastError(t: ObThread): string {
  return formatError(t, errFetch(t)!);
}

function str(t: ObThread, text: string): number {
  return check(t, strFromJs(t, text));
}

/** `getattr(op, name)`: a new reference, or the error line. */
function getattr(t: ObThread, op: number, name: string): number | string {
  const key = str(t, name);
  const v = objectGetAttr(t, op, key);
  decref(t.rc, key);
  return v === 0 ? lastError(t) : v;
}

function setattr(t: ObThread, op: number, name: string, value: number): string | null {
  const key = str(t, name);
  const rc = objectSetAttr(t, op, key, value);
  decref(t.rc, key);
  return rc < 0 ? lastError(t) : null;
}

function repr(t: ObThread, op: number): string {
  const text = objectReprJs(t, op);
  if (text === null) throw new Error(lastError(t));
  return text;
}

/** A code object `name` with `nargs` positional parameters and the given flags. */
function makeCode(t: ObThread, name: string, options: { nargs?: number; flags?: number; doc?: string; nfree?: number } = {}): number {
  const nargs = options.nargs ?? 0;
  const nfree = options.nfree ?? 0;
  const localNames = Array.from({ length: nargs + nfree }, (_, i) => str(t, `v${i}`));
  const consts = options.doc === undefined ? [t.none] : [str(t, options.doc)];
  const spec: CodeSpec = {
    argcount: nargs,
    posonlyargcount: 0,
    kwonlyargcount: 0,
    nlocals: nargs,
    ncellvars: 0,
    nfreevars: nfree,
    stacksize: 2,
    flags: options.flags ?? 0,
    firstlineno: 7,
    code: new Uint16Array([0x0095, 0x0053]),
    consts: check(t, tupleFromArray(t, consts)),
    names: t.emptyTuple,
    localsplusnames: check(t, tupleFromArray(t, localNames)),
    localspluskinds: t.emptyStr,
    filename: str(t, 'prog.py'),
    name: str(t, name),
    qualname: str(t, `Q.${name}`),
    linetable: t.emptyStr,
    exceptiontable: t.emptyStr,
  };
  const code = codeNew(t, spec);
  release(r, spec.consts, spec.localsplusnames, spec.filename, spec.name, spec.qualname, ...localNames, ...consts.filter((c) => c !== t.none));
  return check(t, code);
}

/** The stand-in VM: records each call's arguments and returns the number of positional ones. */
function installEval(t: ObThread): { calls: { func: number; args: number[]; kwnames: string[] }[] } {
  const log = { calls: [] as { func: number; args: number[]; kwnames: string[] }[] };
  t.evalFunction = (t2, func, args, nargs, kwnames) => {
    const nkw = kwnames === 0 ? 0 : tupleSize(t2, kwnames);
    const values = Array.from({ length: nargs + nkw }, (_, i) => t2.u32[(args >>> 2) + i]!);
    const names = Array.from({ length: nkw }, (_, i) => strToJs(t2, tupleGetItem(t2, kwnames, i)));
    log.calls.push({ func, args: values, kwnames: names });
    return intFromNumber(t2, nargs);
  };
  return log;
}

/** A module-level `globals()` dict named `mod`. */
function makeGlobals(t: ObThread): number {
  const g = check(t, dictNew(t));
  const k = str(t, '__name__');
  const v = str(t, 'mod');
  check(t, dictSetItem(t, g, k, v));
  release(r, k, v);
  return g;
}

/** `class name(*bases)` with the given attributes (borrowed values). */
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

describe('code objects', () => {
  it('keep their fields, take increasing versions and reject inconsistent counts', () => {
    r = makeRuntime();
    const t = r.t;
    const a = makeCode(t, 'f', { nargs: 1 });
    const b = makeCode(t, 'g');
    expect(codeVersion(t, b)).toBe(codeVersion(t, a) + 1);
    expect(codeVersion(t, a)).toBeGreaterThanOrEqual(2);
    expect(Array.from(codeUnits(t, a))).toEqual([0x0095, 0x0053]);
    expect(repr(t, a)).toMatch(/^<code object f at 0x[0-9a-f]+, file "prog.py", line 7>$/);
    const argcount = getattr(t, a, 'co_argcount') as number;
    expect(intAsNumber(t, argcount)).toBe(1);
    const qual = getattr(t, a, 'co_qualname') as number;
    expect(strToJs(t, qual)).toBe('Q.f');
    expect(setattr(t, a, 'co_name', qual)).toBe("AttributeError: attribute 'co_name' of 'code' objects is not writable");
    release(r, argcount, qual);
    const bad = codeNew(t, { argcount: 0, posonlyargcount: 1, kwonlyargcount: 0, nlocals: 0, ncellvars: 0, nfreevars: 0, stacksize: 0, flags: 0, firstlineno: 1, code: new Uint16Array(0), consts: t.emptyTuple, names: t.emptyTuple, localsplusnames: t.emptyTuple, localspluskinds: t.emptyStr, filename: t.emptyStr, name: t.emptyStr, qualname: t.emptyStr, linetable: t.emptyStr, exceptiontable: t.emptyStr });
    expect(bad).toBe(0);
    expect(lastError(t)).toBe('SystemError: bad argument to internal function');
  });
});

describe('functions', () => {
  it('take name, qualname, docstring and module from the code and the globals', () => {
    r = makeRuntime();
    const t = r.t;
    const code = makeCode(t, 'f', { doc: 'Docs.' });
    const g = makeGlobals(t);
    const f = check(t, functionNew(t, code, g));
    expect(repr(t, f)).toMatch(/^<function Q\.f at 0x[0-9a-f]+>$/);
    for (const [attr, expected] of [['__name__', 'f'], ['__qualname__', 'Q.f'], ['__doc__', 'Docs.'], ['__module__', 'mod']] as const) {
      const v = getattr(t, f, attr) as number;
      expect(strToJs(t, v)).toBe(expected);
      decref(t.rc, v);
    }
    const defaults = getattr(t, f, '__defaults__') as number;
    expect(defaults).toBe(t.none);
    const globals = getattr(t, f, '__globals__') as number;
    expect(globals).toBe(g);
    release(r, defaults, globals);
    expect(setattr(t, f, '__name__', t.none)).toBe('TypeError: __name__ must be set to a string object');
    expect(setattr(t, f, '__defaults__', g)).toBe('TypeError: __defaults__ must be set to a tuple object');
    expect(setattr(t, f, '__kwdefaults__', t.emptyTuple)).toBe('TypeError: __kwdefaults__ must be set to a dict object');
    expect(setattr(t, f, '__code__', t.none)).toBe('TypeError: __code__ must be set to a code object');
    const closed = makeCode(t, 'h', { nfree: 1 });
    expect(setattr(t, f, '__code__', closed)).toBe('ValueError: f() requires a code object with 0 free vars, not 1');
    // Arbitrary attributes live in the function's __dict__.
    const one = intFromNumber(t, 1);
    expect(setattr(t, f, 'tag', one)).toBeNull();
    expect(getattr(t, f, 'tag')).toBe(one);
    release(r, one, one, f, g, code, closed);
  });

  it('version: the code\'s; 0 for good after a critical attribute changes; not after __annotations__', () => {
    r = makeRuntime();
    const t = r.t;
    const code = makeCode(t, 'f');
    const g = makeGlobals(t);
    const f = check(t, functionNew(t, code, g));
    const f2 = check(t, functionNew(t, code, g));
    expect(functionVersion(t, f)).toBe(codeVersion(t, code));
    const ann = check(t, dictNew(t));
    expect(setattr(t, f, '__annotations__', ann)).toBeNull();
    expect(functionVersion(t, f)).toBe(codeVersion(t, code));
    // The cache finds a function of the version (the first, which still holds the entry) and its code.
    const found = functionLookupByVersion(t, codeVersion(t, code));
    expect(found.func).toBe(f);
    expect(found.code).toBe(code);
    release(r, found.func, found.code);
    const defaults = check(t, tupleFromArray(t, [t.none]));
    expect(setattr(t, f, '__defaults__', defaults)).toBeNull();
    expect(functionVersion(t, f)).toBe(0);
    const d = getattr(t, f, '__defaults__') as number;
    expect(d).toBe(defaults);
    expect(t.u32[(f + FUNC_DEFAULTS_OFFSET) >>> 2]).toBe(defaults);
    // Setting it back changes nothing: the version never comes back.
    expect(setattr(t, f, '__defaults__', t.none)).toBeNull();
    expect(functionVersion(t, f)).toBe(0);
    expect(setattr(t, f2, '__code__', code)).toBeNull();
    expect(functionVersion(t, f2)).toBe(0);
    // No function has the version any more, but the code is still found.
    const after = functionLookupByVersion(t, codeVersion(t, code));
    expect(after.func).toBe(0);
    expect(after.code).toBe(code);
    release(r, after.code, d, defaults, ann, f, f2, g, code);
  });

  it('version cache: a dead function leaves its code; a dead code leaves nothing', () => {
    r = makeRuntime();
    const t = r.t;
    // Nested functions are not deferred: they die with their last reference.
    const code = makeCode(t, 'inner', { flags: CO_NESTED });
    const g = makeGlobals(t);
    const f = check(t, functionNew(t, code, g));
    const version = codeVersion(t, code);
    const first = functionLookupByVersion(t, version);
    expect(first).toEqual({ func: f, code });
    release(r, first.func, first.code); // the lookup's references
    // Functions and code objects can be weakly referenced; the function's weakref dies with it.
    const wf = check(t, weakrefNewRef(t, f));
    const wc = check(t, weakrefNewRef(t, code));
    decref(t.rc, code);
    decref(t.rc, f);
    expect(weakrefIsDead(t, wf)).toBe(true);
    expect(weakrefIsDead(t, wc)).toBe(false);
    const left = functionLookupByVersion(t, version);
    expect(left.func).toBe(0);
    expect(left.code).toBe(code);
    decref(t.rc, left.code);
    // The code object is deferred: the collector frees it once unreachable.
    gcCollect(r.gt);
    const none = functionLookupByVersion(t, version);
    expect(none).toEqual({ func: 0, code: 0 });
    expect(weakrefIsDead(t, wc)).toBe(true);
    release(r, wf, wc, g);
  });

  it('are called through the thread\'s evaluation loop, as methods with self first', () => {
    r = makeRuntime();
    const t = r.t;
    const code = makeCode(t, 'm', { nargs: 2 });
    const g = makeGlobals(t);
    const f = check(t, functionNew(t, code, g));
    expect(callOneArg(t, f, t.none)).toBe(0);
    expect(lastError(t)).toMatch(/^SystemError: no Python evaluation loop on this thread/);
    const log = installEval(t);
    const cls = makeClass(t, 'C', [], { m: f });
    const obj = check(t, objectCall(t, cls, t.emptyTuple, 0));
    const bound = getattr(t, obj, 'm') as number;
    expect(methodCheck(t, bound)).toBe(true);
    expect(methodFunction(t, bound)).toBe(f);
    expect(methodSelf(t, bound)).toBe(obj);
    expect(repr(t, bound)).toMatch(/^<bound method Q\.m of <C object at 0x[0-9a-f]+>>$/);
    const seven = intFromNumber(t, 7);
    const n = check(t, callOneArg(t, bound, seven));
    expect(intAsNumber(t, n)).toBe(2);
    expect(log.calls.at(-1)).toEqual({ func: f, args: [obj, seven], kwnames: [] });
    // PyObject_Call with a dict of keywords: the names come as kwnames, the values after the positional ones.
    const kwargs = check(t, dictNew(t));
    const key = str(t, 'x');
    check(t, dictSetItem(t, kwargs, key, seven));
    const args = check(t, tupleFromArray(t, [seven]));
    const n2 = check(t, objectCall(t, bound, args, kwargs));
    expect(intAsNumber(t, n2)).toBe(2);
    expect(log.calls.at(-1)).toEqual({ func: f, args: [obj, seven, seven], kwnames: ['x'] });
    // The class attribute is the function itself; bound methods compare by function and identical self.
    expect(getattr(t, cls, 'm')).toBe(f);
    decref(t.rc, f);
    const again = getattr(t, obj, 'm') as number;
    expect(again).not.toBe(bound);
    expect(objectRichCompareBool(t, again, bound, PY_EQ)).toBe(1);
    expect(objectHash(t, again)).toBe(objectHash(t, bound));
    release(r, again, n, n2, kwargs, key, args, seven, bound, obj, cls, f, g, code);
  });
});

describe('the argument stack', () => {
  it('nests, and gives a call wider than what is left a block of its own', () => {
    r = makeRuntime();
    const t = r.t;
    const a = argsPush(t, [1, 2, 3]);
    const b = argsPush(t, [4]);
    expect(b).toBe(a + 12);
    expect(t.u32[b >>> 2]).toBe(4);
    argsPop(t, b, 1);
    const wide = Array.from({ length: 20000 }, (_, i) => i + 1);
    const w = argsPush(t, wide);
    expect(w < t.argStack || w >= t.argEnd * 4).toBe(true);
    expect(t.u32[(w >>> 2) + 19999]).toBe(20000);
    argsPop(t, w, wide.length);
    expect(() => argsPop(t, a, 1)).toThrow(/not the top of the argument stack/);
    argsPop(t, a, 3);
    expect(argsPush(t, [9])).toBe(a);
    argsPop(t, a, 1);
  });
});

describe('cells', () => {
  it('hold, replace and empty their contents, compare by them and refuse hashing', () => {
    r = makeRuntime();
    const t = r.t;
    const one = intFromNumber(t, 1);
    const c = check(t, cellNew(t, one));
    const e = check(t, cellNew(t, 0));
    expect(repr(t, e)).toMatch(/^<cell at 0x[0-9a-f]+: empty>$/);
    expect(repr(t, c)).toMatch(/^<cell at 0x[0-9a-f]+: int object at 0x[0-9a-f]+>$/);
    expect(getattr(t, e, 'cell_contents')).toBe('ValueError: Cell is empty');
    expect(objectRichCompareBool(t, e, c, PY_LT)).toBe(1);
    expect(objectHash(t, c)).toBe(-1);
    expect(lastError(t)).toBe("TypeError: unhashable type: 'cell'");
    const big = check(t, intFromNumber(t, 1000));
    cellSet(t, c, big);
    const got = cellGetRef(t, c);
    expect(got).toBe(big);
    expect(setattr(t, e, 'cell_contents', big)).toBeNull();
    expect(objectRichCompareBool(t, e, c, PY_EQ)).toBe(1);
    cellSet(t, c, 0);
    expect(cellGetRef(t, c)).toBe(0);
    release(r, got, big, c, e, one);
  });
});

describe('builtin methods and the descriptors of builtin types', () => {
  it('method descriptors, bound builtin methods and getset descriptors with CPython\'s reprs and errors', () => {
    r = makeRuntime();
    const t = r.t;
    const propertyType = t.types[StaticType.Property]!;
    const getter = getattr(t, propertyType, 'getter') as number;
    expect(repr(t, getter)).toBe("<method 'getter' of 'property' objects>");
    const qual = getattr(t, getter, '__qualname__') as number;
    expect(strToJs(t, qual)).toBe('property.getter');
    expect(callArgs(t, getter, [])).toBe(0);
    expect(lastError(t)).toBe('TypeError: unbound method property.getter() needs an argument');
    expect(callArgs(t, getter, [t.none, t.none])).toBe(0);
    expect(lastError(t)).toBe("TypeError: descriptor 'getter' for 'property' objects doesn't apply to a 'NoneType' object");
    const p = check(t, propertyNew(t, propertyType, t.none, t.none, t.none, t.none));
    expect(callArgs(t, getter, [p])).toBe(0);
    expect(lastError(t)).toBe('TypeError: property.getter() takes exactly one argument (0 given)');
    const bound = getattr(t, p, 'getter') as number;
    expect(repr(t, bound)).toMatch(/^<built-in method getter of property object at 0x[0-9a-f]+>$/);
    const self = getattr(t, bound, '__self__') as number;
    expect(self).toBe(p);
    const kwnames = check(t, tupleFromArray(t, [qual]));
    expect(callArgs(t, bound, [t.none], kwnames)).toBe(0);
    expect(lastError(t)).toBe('TypeError: property.getter() takes no keyword arguments');
    const p2 = check(t, callOneArg(t, bound, p));
    expect(typeOf(t, p2)).toBe(propertyType);
    const fget = getattr(t, p2, 'fget') as number;
    expect(fget).toBe(p);
    // getset descriptors of a builtin type.
    const functionType = t.types[StaticType.Function]!;
    // (`function.__name__` is type.__name__'s answer, 'function'; `__code__` is the function type's own getset.)
    const nameDescr = getattr(t, functionType, '__code__') as number;
    expect(repr(t, nameDescr)).toBe("<attribute '__code__' of 'function' objects>");
    const objclass = getattr(t, nameDescr, '__objclass__') as number;
    expect(objclass).toBe(functionType);
    release(r, objclass, nameDescr, fget, p2, kwnames, self, bound, p, qual, getter);
  });
});

describe('modules', () => {
  it('look up their dict, then its __getattr__, and name themselves in errors', () => {
    r = makeRuntime();
    const t = r.t;
    const m = check(t, moduleFromJs(t, 'm'));
    expect(repr(t, m)).toBe("<module 'm'>");
    expect(getattr(t, m, 'foo')).toBe("AttributeError: module 'm' has no attribute 'foo'");
    const name = getattr(t, m, '__name__') as number;
    expect(strToJs(t, name)).toBe('m');
    const file = str(t, '/tmp/m.py');
    expect(setattr(t, m, '__file__', file)).toBeNull();
    expect(repr(t, m)).toBe("<module 'm' from '/tmp/m.py'>");
    // PEP 562: a module-level __getattr__ (a function, called through the evaluation loop).
    const log = installEval(t);
    const code = makeCode(t, '__getattr__', { nargs: 1 });
    const f = check(t, functionNew(t, code, moduleDict(t, m)));
    expect(setattr(t, m, '__getattr__', f)).toBeNull();
    const v = getattr(t, m, 'anything') as number;
    expect(intAsNumber(t, v)).toBe(1);
    expect(strToJs(t, log.calls[0]!.args[0]!)).toBe('anything');
    const oneArg = check(t, tupleFromArray(t, [t.true]));
    expect(objectCall(t, t.types[StaticType.Module]!, oneArg, 0)).toBe(0);
    expect(lastError(t)).toBe("TypeError: module() argument 'name' must be str, not bool");
    release(r, oneArg, v, f, code, file, name, m);
  });
});

describe('staticmethod, classmethod, property', () => {
  it('bind as CPython: the callable itself, bound to the class, computed through fget', () => {
    r = makeRuntime();
    const t = r.t;
    const log = installEval(t);
    const code = makeCode(t, 'f', { nargs: 1 });
    const g = makeGlobals(t);
    const f = check(t, functionNew(t, code, g));
    const sm = check(t, staticMethodNew(t, f));
    const cm = check(t, classMethodNew(t, f));
    const prop = check(t, propertyNew(t, t.types[StaticType.Property]!, f, t.none, t.none, t.none));
    const named = check(t, propertyNew(t, t.types[StaticType.Property]!, f, t.none, t.none, t.none));
    const xName = str(t, 'y');
    propertySetName(t, named, xName);
    const cls = makeClass(t, 'C', [], { s: sm, c: cm, x: prop, y: named });
    const obj = check(t, objectCall(t, cls, t.emptyTuple, 0));
    expect(getattr(t, cls, 's')).toBe(f);
    decref(t.rc, f);
    const c = getattr(t, obj, 'c') as number;
    expect(methodSelf(t, c)).toBe(cls);
    expect(repr(t, sm)).toMatch(/^<staticmethod\(<function Q\.f at 0x[0-9a-f]+>\)>$/);
    const x = getattr(t, obj, 'x') as number;
    expect(intAsNumber(t, x)).toBe(1);
    expect(log.calls.at(-1)!.args).toEqual([obj]);
    expect(setattr(t, obj, 'x', x)).toBe("AttributeError: property of 'C' object has no setter");
    expect(setattr(t, obj, 'y', x)).toBe("AttributeError: property 'y' of 'C' object has no setter");
    expect(setattr(t, obj, 'y', 0)).toBe("AttributeError: property 'y' of 'C' object has no deleter");
    // Calling a staticmethod calls the callable.
    const viaSm = check(t, callOneArg(t, sm, obj));
    expect(intAsNumber(t, viaSm)).toBe(1);
    // property(None): no getter.
    const empty = check(t, objectCall(t, t.types[StaticType.Property]!, t.emptyTuple, 0));
    const ecls = makeClass(t, 'E', [], { z: empty });
    const eobj = check(t, objectCall(t, ecls, t.emptyTuple, 0));
    expect(getattr(t, eobj, 'z')).toBe("AttributeError: property of 'E' object has no getter");
    const five = check(t, tupleFromArray(t, [t.none, t.none, t.none, t.none, t.none]));
    expect(objectCall(t, t.types[StaticType.Property]!, five, 0)).toBe(0);
    expect(lastError(t)).toBe('TypeError: property() takes at most 4 arguments (5 given)');
    expect(objectCall(t, t.types[StaticType.StaticMethod]!, t.emptyTuple, 0)).toBe(0);
    expect(lastError(t)).toBe('TypeError: staticmethod expected 1 argument, got 0');
    release(r, five, eobj, ecls, empty, viaSm, x, c, obj, cls, xName, named, prop, cm, sm, f, g, code);
  });
});

describe('super', () => {
  it('looks up after the class in the MRO without allocating, and as an object', () => {
    r = makeRuntime();
    const t = r.t;
    installEval(t);
    const g = makeGlobals(t);
    const codeA = makeCode(t, 'f', { nargs: 1 });
    const codeB = makeCode(t, 'f', { nargs: 1 });
    const fa = check(t, functionNew(t, codeA, g));
    const fb = check(t, functionNew(t, codeB, g));
    const A = makeClass(t, 'A', [], { f: fa });
    const B = makeClass(t, 'B', [A], { f: fb });
    const b = check(t, objectCall(t, B, t.emptyTuple, 0));
    const name = str(t, 'f');
    const found = superLookup(t, B, b, B, name);
    expect(methodFunction(t, found)).toBe(fa);
    expect(methodSelf(t, found)).toBe(b);
    // From the class itself: the plain function.
    expect(superLookup(t, B, B, B, name)).toBe(fa);
    decref(t.rc, fa);
    const args = check(t, tupleFromArray(t, [B, b]));
    const su = check(t, objectCall(t, t.types[StaticType.Super]!, args, 0));
    expect(repr(t, su)).toBe("<super: <class 'B'>, <B object>>");
    const viaObject = getattr(t, su, 'f') as number;
    expect(methodFunction(t, viaObject)).toBe(fa);
    const thisclass = getattr(t, su, '__thisclass__') as number;
    expect(thisclass).toBe(B);
    const cases: [number[], string][] = [
      [[], 'RuntimeError: super(): no arguments'],
      [[t.none, t.none], 'TypeError: super() argument 1 must be a type, not NoneType'],
      [[t.types[StaticType.Int]!, name], 'TypeError: super(type, obj): obj (instance of str) is not an instance or subtype of type (int).'],
    ];
    for (const [items, message] of cases) {
      const tuple = check(t, tupleFromArray(t, items));
      expect(objectCall(t, t.types[StaticType.Super]!, tuple, 0)).toBe(0);
      expect(lastError(t)).toBe(message);
      decref(t.rc, tuple);
    }
    const unbound = check(t, tupleFromArray(t, [t.types[StaticType.Int]!]));
    const su2 = check(t, objectCall(t, t.types[StaticType.Super]!, unbound, 0));
    expect(repr(t, su2)).toBe("<super: <class 'int'>, NULL>");
    release(r, su2, unbound, thisclass, viaObject, su, args, found, name, b, B, A, fb, codeA, codeB, g);
  });
});
