/**
 * The builtins that defer to the object: `isinstance` / `issubclass`
 * through `__instancecheck__` / `__subclasscheck__` and through the
 * `__bases__` of objects that only act as classes, `round` through
 * `__round__`, `dir` through `__dir__` and its defaults, `vars`, the
 * attribute functions on instances and modules, and errors raised by key
 * functions and iterators. Classes are made with `typeNew`; their special
 * methods are builtin functions of the test's `fakefile` module (they do
 * not bind, as CPython's `staticmethod`s). Expected values: the same
 * calls run on CPython 3.13.0 with `staticmethod` hooks.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dictNew, intFromNumber, listFromArray, moduleDict, moduleFromJs, PyError, StaticType, strFromJs, tupleFromArray, typeNew, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { setFrameLocalsHook } from '../../src/builtins/frame-locals-hook.js';
import { attr, builtin, callBuiltin, callWith, makeHarness, reprOf, type Harness } from './builtins-harness.js';
import { dictSetItemStr } from '../../src/modules/dict-util.js';

function outcome(h: Harness, f: () => number): string {
  try {
    const r = f();
    const text = reprOf(h, r);
    decref(h.t.rc, r);
    return text;
  } catch (e) {
    if (e instanceof PyError) return e.message;
    throw e;
  }
}

describe('builtins that ask the object', () => {
  let h: Harness;
  let t: ObThread;
  /** A class named `name` whose dict maps each key to the `fakefile` function of that name. */
  const makeClass = (name: string, methods: Record<string, string>): number => {
    const ns = dictNew(t);
    for (const [key, fn] of Object.entries(methods)) {
      const f = attr(h, h.fakefile, fn);
      dictSetItemStr(t, ns, key, f);
      decref(t.rc, f);
    }
    const cls = typeNew(t, t.types[StaticType.Type]!, name, t.emptyTuple, ns);
    decref(t.rc, ns);
    expect(cls).not.toBe(0);
    return cls;
  };
  const instance = (cls: number): number => callWith(h, cls, []);
  const call = (name: string, ...args: number[]): string => outcome(h, () => callBuiltin(h, name, args));
  const int = (v: number): number => intFromNumber(t, v);
  const str = (s: string): number => strFromJs(t, s);

  beforeEach(() => {
    h = makeHarness();
    t = h.t;
  });
  afterEach(() => {
    setFrameLocalsHook(null);
    h.close();
  });

  it('isinstance and issubclass ask __instancecheck__ and __subclasscheck__', () => {
    const checker = instance(makeClass('Checker', { __instancecheck__: 'always_true', __subclasscheck__: 'always_false' }));
    const raiser = instance(makeClass('Raiser', { __instancecheck__: 'boom', __subclasscheck__: 'boom' }));
    const stringy = instance(makeClass('Stringy', { __instancecheck__: 'count_args' }));
    const intType = builtin(h, 'int');
    const strType = builtin(h, 'str');
    expect(call('isinstance', int(1), checker)).toBe('True');
    expect(call('isinstance', int(1), tupleFromArray(t, [strType, checker]))).toBe('True');
    expect(call('issubclass', intType, checker)).toBe('False');
    expect(call('issubclass', intType, tupleFromArray(t, [checker, intType]))).toBe('True');
    expect(call('isinstance', int(1), raiser)).toBe('ValueError: boom');
    expect(call('issubclass', intType, raiser)).toBe('ValueError: boom');
    expect(call('isinstance', int(1), stringy)).toBe('True');
  });

  it('isinstance and issubclass follow __bases__ of objects that act as classes', () => {
    const a = moduleFromJs(t, 'A');
    const b = moduleFromJs(t, 'B');
    const c = moduleFromJs(t, 'C');
    dictSetItemStr(t, moduleDict(t, a), '__bases__', tupleFromArray(t, [b]));
    dictSetItemStr(t, moduleDict(t, b), '__bases__', t.emptyTuple);
    const intType = builtin(h, 'int');
    expect(call('issubclass', a, b)).toBe('True');
    expect(call('issubclass', b, a)).toBe('False');
    expect(call('issubclass', a, tupleFromArray(t, [intType, b]))).toBe('True');
    expect(call('isinstance', int(1), a)).toBe('False');
    expect(call('issubclass', c, b)).toBe('TypeError: issubclass() arg 1 must be a class');
    expect(call('issubclass', a, c)).toBe('TypeError: issubclass() arg 2 must be a class, a tuple of classes, or a union');
    expect(call('isinstance', int(1), c)).toBe('TypeError: isinstance() arg 2 must be a type, a tuple of types, or a union');
    dictSetItemStr(t, moduleDict(t, a), '__bases__', int(5));
    expect(call('issubclass', a, b)).toBe('TypeError: issubclass() arg 1 must be a class');
  });

  it('round calls __round__ with ndigits only when it is not None', () => {
    const c = instance(makeClass('Checker', { __round__: 'count_args' }));
    const r = instance(makeClass('Raiser', { __round__: 'boom' }));
    expect(call('round', c)).toBe("'called with 0'");
    expect(call('round', c, int(2))).toBe("'called with 1'");
    expect(call('round', c, t.none)).toBe("'called with 0'");
    expect(call('round', r)).toBe('ValueError: boom');
  });

  it('dir sorts what __dir__ returns', () => {
    const c = instance(makeClass('Checker', { __dir__: 'names' }));
    expect(call('dir', c)).toBe("['a', 'b', 'c']");
  });

  it("dir's default for a module: its dict's keys, sorted", () => {
    const names = (op: number): string[] => {
      const text = call('dir', op);
      if (!text.startsWith('[')) throw new Error(text);
      return JSON.parse(text.replaceAll("'", '"')) as string[];
    };
    const moduleNames = names(h.fakefile);
    expect(moduleNames).toEqual([...moduleNames].sort());
    expect(moduleNames).toEqual(expect.arrayContaining(['__name__', '__doc__', 'write', 'flush', 'readline', 'names']));
    const keys = JSON.parse(outcome(h, () => callBuiltin(h, 'list', [moduleDict(t, h.fakefile)])).replaceAll("'", '"')) as string[];
    expect(keys.length).toBeGreaterThan(8);
    expect(moduleNames).toEqual(keys.sort());

  });

  it.fails("dir's defaults for an instance and a class: their attributes along the bases [known gap: @ft/objects types have no __dict__ attribute]", () => {
    const names = (op: number): string[] => {
      const text = call('dir', op);
      if (!text.startsWith('[')) throw new Error(text);
      return JSON.parse(text.replaceAll("'", '"')) as string[];
    };
    const cls = makeClass('Plain', { helper: 'names' });
    const obj = instance(cls);
    expect(call('setattr', obj, str('zeta'), int(1))).toBe('None');
    const objNames = names(obj);
    expect(objNames).toEqual([...new Set(objNames)].sort());
    expect(objNames).toEqual(expect.arrayContaining(['zeta', 'helper', '__class__', '__init__', '__repr__', '__dict__', '__module__']));
    const clsNames = names(cls);
    expect(clsNames).toEqual(expect.arrayContaining(['helper', '__init__', '__repr__', '__module__']));
    expect(clsNames).not.toContain('zeta');
    // The same attributes but the instance's own (CPython's type.__dir__ leaves out the metaclass's).
    expect(objNames.filter((n) => n !== 'zeta')).toEqual(clsNames);
  });

  it('dir() and vars() without an argument ask the VM for the frame locals', () => {
    expect(call('dir')).toBe('SystemError: frame does not exist');
    expect(call('vars')).toBe('SystemError: frame does not exist');
    const locals = dictNew(t);
    dictSetItemStr(t, locals, 'y', int(1));
    dictSetItemStr(t, locals, 'x', int(2));
    const dictType = builtin(h, 'dict');
    // The hook hands out a new reference: a fresh copy of the locals each time.
    setFrameLocalsHook(() => callWith(h, dictType, [locals]));
    expect(call('dir')).toBe("['x', 'y']");
    expect(call('vars')).toBe("{'y': 1, 'x': 2}");
  });

  it('vars(obj) is obj.__dict__ itself', () => {
    const obj = instance(makeClass('Plain', {}));
    const d = callBuiltin(h, 'vars', [obj]);
    const d2 = attr(h, obj, '__dict__');
    expect(d).toBe(d2);
    expect(call('vars', int(1))).toBe('TypeError: vars() argument must have __dict__ attribute');
  });

  it('vars(module) is the module dict', () => {
    const md = callBuiltin(h, 'vars', [h.fakefile]);
    expect(md).toBe(moduleDict(t, h.fakefile));
  });

  it('the attribute functions on an instance and a module', () => {
    const obj = instance(makeClass('Plain', {}));
    expect(call('setattr', obj, str('a'), int(1))).toBe('None');
    expect(call('hasattr', obj, str('a'))).toBe('True');
    expect(call('getattr', obj, str('a'))).toBe('1');
    expect(call('delattr', obj, str('a'))).toBe('None');
    expect(call('hasattr', obj, str('a'))).toBe('False');
    expect(call('delattr', obj, str('a'))).toBe("AttributeError: 'Plain' object has no attribute 'a'");
    expect(call('getattr', h.fakefile, str('nope'))).toBe("AttributeError: module 'fakefile' has no attribute 'nope'");
    expect(call('getattr', h.fakefile, str('nope'), int(5))).toBe('5');
  });

  it('errors of key functions and iterators propagate; a default only replaces StopIteration', () => {
    const boom = attr(h, h.fakefile, 'boom');
    const countArgs = attr(h, h.fakefile, 'count_args');
    const list12 = listFromArray(t, [int(1), int(2)]);
    const mapBoom = (): number => callBuiltin(h, 'map', [boom, listFromArray(t, [int(1)])]);
    expect(outcome(h, () => callBuiltin(h, 'min', [list12], [['key', boom]]))).toBe('ValueError: boom');
    expect(outcome(h, () => callBuiltin(h, 'sorted', [list12], [['key', boom]]))).toBe('ValueError: boom');
    expect(call('next', mapBoom(), int(5))).toBe('ValueError: boom');
    expect(outcome(h, () => callBuiltin(h, 'sorted', [listFromArray(t, [int(3), int(1)])], [['key', countArgs]]))).toBe('[3, 1]');
    expect(call('all', mapBoom())).toBe('ValueError: boom');
    expect(call('sum', mapBoom())).toBe('ValueError: boom');
    expect(call('max', mapBoom())).toBe('ValueError: boom');
    expect(outcome(h, () => callBuiltin(h, 'list', [callBuiltin(h, 'iter', [boom, int(1)])]))).toBe('ValueError: boom');
  });

  it('id is the address: equal for one object, different for two alive at once', () => {
    const a = str('a');
    const b = str('b');
    expect(call('id', a)).toBe(String(a));
    expect(call('id', a)).toBe(call('id', a));
    expect(call('id', a)).not.toBe(call('id', b));
  });
});
