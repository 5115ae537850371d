import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import {
  dictNew,
  dictSetItem,
  errFetch,
  formatError,
  intAsNumber,
  intFromNumber,
  objectGetAttr,
  objectGetDict,
  objectSetDict,
  objectSetAttr,
  objectSetClass,
  StaticType,
  strFromJs,
  tupleFromArray,
  typeIsSubtype,
  typeLookupRef,
  typeMro,
  typeName,
  typeNew,
  typeGenericAlloc,
  typeVersionTag,
  tupleSize,
  tupleGetItem,
  TYPE_BASE_VERSION_TAG,
  MAX_GLOBAL_TYPE_VERSION_TAG,
  type ObThread,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

function lastError(r: Runtime): string {
  return formatError(r.t, errFetch(r.t)!);
}

/** `class name(*bases): ns` with ns a dict of int attributes. */
function makeClass(t: ObThread, name: string, bases: number[], attrs: Record<string, number> = {}, slots: string[] | null = null): number {
  const ns = check(t, dictNew(t));
  for (const [k, v] of Object.entries(attrs)) {
    const key = check(t, strFromJs(t, k));
    const value = check(t, intFromNumber(t, v));
    check(t, dictSetItem(t, ns, key, value));
    release(r, key, value);
  }
  const basesTuple = check(t, tupleFromArray(t, bases));
  const type = typeNew(t, t.types[StaticType.Type]!, name, basesTuple, ns, slots);
  release(r, ns, basesTuple);
  return type;
}

function mroNames(t: ObThread, type: number): string[] {
  const mro = typeMro(t, type);
  return Array.from({ length: tupleSize(t, mro) }, (_, i) => typeName(t, tupleGetItem(t, mro, i)));
}

function getattr(t: ObThread, obj: number, name: string): number {
  const key = check(t, strFromJs(t, name));
  const v = objectGetAttr(t, obj, key);
  release(r, key);
  return v;
}

function setattr(t: ObThread, obj: number, name: string, value: number): number {
  const key = check(t, strFromJs(t, name));
  const rc = objectSetAttr(t, obj, key, value);
  release(r, key);
  return rc;
}

describe('type objects', () => {
  it('static types: immortal, ready, with versions from the runtime counter and single-inheritance MROs', () => {
    r = makeRuntime();
    const t = r.t;
    expect(mroNames(t, t.types[StaticType.Bool]!)).toEqual(['bool', 'int', 'object']);
    expect(mroNames(t, t.types[StaticType.Type]!)).toEqual(['type', 'object']);
    expect(mroNames(t, t.types[StaticType.KeyError]!)).toEqual(['KeyError', 'LookupError', 'Exception', 'BaseException', 'object']);
    expect(typeIsSubtype(t, t.types[StaticType.IndexError]!, t.types[StaticType.LookupError]!)).toBe(true);
    expect(typeIsSubtype(t, t.types[StaticType.IndexError]!, t.types[StaticType.KeyError]!)).toBe(false);
    const v = typeVersionTag(t, t.types[StaticType.List]!);
    expect(v).toBeGreaterThan(0);
    expect(v).toBeLessThanOrEqual(MAX_GLOBAL_TYPE_VERSION_TAG);
  });

  it('C3: the diamond, and CPython’s errors for duplicate bases, inconsistent orders and final bases', () => {
    r = makeRuntime();
    const t = r.t;
    const object = t.types[StaticType.Object]!;
    const A = check(t, makeClass(t, 'A', []));
    const B = check(t, makeClass(t, 'B', [A]));
    const C = check(t, makeClass(t, 'C', [A]));
    const D = check(t, makeClass(t, 'D', [B, C]));
    expect(mroNames(t, D)).toEqual(['D', 'B', 'C', 'A', 'object']);
    expect(makeClass(t, 'X', [A, B])).toBe(0);
    expect(lastError(r)).toBe('TypeError: Cannot create a consistent method resolution order (MRO) for bases A, B');
    expect(makeClass(t, 'X', [object, B])).toBe(0);
    expect(lastError(r)).toBe('TypeError: Cannot create a consistent method resolution order (MRO) for bases object, B');
    expect(makeClass(t, 'X', [B, B])).toBe(0);
    expect(lastError(r)).toBe('TypeError: duplicate base class B');
    release(r, D, C, B, A);
  });

  it('attributes: class attributes through the MRO, instance __dict__, CPython’s AttributeError messages', () => {
    r = makeRuntime();
    const t = r.t;
    const A = check(t, makeClass(t, 'A', [], { x: 1000, y: 2000 }));
    const B = check(t, makeClass(t, 'B', [A], { y: 3000 }));
    const b = check(t, typeGenericAlloc(t, B));
    const x = check(t, getattr(t, b, 'x'));
    const y = check(t, getattr(t, b, 'y'));
    expect([intAsNumber(t, x), intAsNumber(t, y)]).toEqual([1000, 3000]);
    const v = check(t, intFromNumber(t, 4000));
    check(t, setattr(t, b, 'x', v));
    const x2 = check(t, getattr(t, b, 'x'));
    expect(intAsNumber(t, x2)).toBe(4000);
    expect(getattr(t, b, 'missing')).toBe(0);
    expect(lastError(r)).toBe("AttributeError: 'B' object has no attribute 'missing'");
    expect(getattr(t, B, 'missing')).toBe(0);
    expect(lastError(r)).toBe("AttributeError: type object 'B' has no attribute 'missing'");
    expect(setattr(t, b, 'missing', 0)).toBe(-1);
    expect(lastError(r)).toBe("AttributeError: 'B' object has no attribute 'missing'");
    const o = check(t, typeGenericAlloc(t, t.types[StaticType.Object]!));
    expect(setattr(t, o, 'x', v)).toBe(-1);
    expect(lastError(r)).toBe("AttributeError: 'object' object has no attribute 'x' and no __dict__ for setting new attributes");
    expect(setattr(t, t.types[StaticType.Int]!, 'x', v)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: cannot set 'x' attribute of immutable type 'int'");
    release(r, x, y, x2, v, b, o, B, A);
  });

  it('the method cache: a hit returns the attribute; setting a class attribute invalidates the class and its subclasses', () => {
    r = makeRuntime();
    const t = r.t;
    const A = check(t, makeClass(t, 'A', [], { m: 1000 }));
    const B = check(t, makeClass(t, 'B', [A]));
    const name = check(t, strFromJs(t, 'm'));
    expect(typeVersionTag(t, B)).toBe(0);
    const first = typeLookupRef(t, B, name);
    expect(intAsNumber(t, first)).toBe(1000);
    const vA = typeVersionTag(t, A);
    const vB = typeVersionTag(t, B);
    expect(vA).toBeGreaterThanOrEqual(TYPE_BASE_VERSION_TAG);
    expect(vB).toBeGreaterThan(vA);
    const again = typeLookupRef(t, B, name);
    expect(again).toBe(first);
    const v = check(t, intFromNumber(t, 2000));
    check(t, setattr(t, A, 'm', v));
    expect(typeVersionTag(t, A)).toBe(0);
    expect(typeVersionTag(t, B)).toBe(0);
    const after = typeLookupRef(t, B, name);
    expect(intAsNumber(t, after)).toBe(2000);
    expect(typeVersionTag(t, B)).not.toBe(vB);
    release(r, first, again, after, v, name, B, A);
  });

  it('__slots__ members; __class__ assignment rules as CPython', () => {
    r = makeRuntime();
    const t = r.t;
    const S = check(t, makeClass(t, 'S', [], {}, ['a']));
    const T = check(t, makeClass(t, 'T', [], {}, ['x', 'y']));
    const P = check(t, makeClass(t, 'P', []));
    const Q = check(t, makeClass(t, 'Q', [P]));
    const s = check(t, typeGenericAlloc(t, S));
    expect(getattr(t, s, 'a')).toBe(0);
    expect(lastError(r)).toBe("AttributeError: 'S' object has no attribute 'a'");
    const v = check(t, intFromNumber(t, 5000));
    check(t, setattr(t, s, 'a', v));
    const a = check(t, getattr(t, s, 'a'));
    expect(a).toBe(v);
    expect(setattr(t, s, 'b', v)).toBe(-1);
    expect(lastError(r)).toBe("AttributeError: 'S' object has no attribute 'b' and no __dict__ for setting new attributes");
    check(t, setattr(t, s, 'a', 0));
    expect(setattr(t, s, 'a', 0)).toBe(-1);
    expect(lastError(r)).toBe('AttributeError: a');
    expect(objectSetClass(t, s, T)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: __class__ assignment: 'T' object layout differs from 'S'");
    const p = check(t, typeGenericAlloc(t, P));
    check(t, objectSetClass(t, p, Q));
    expect(typeName(t, t.u32[(p + 16) >>> 2]!)).toBe('Q');
    expect(objectSetClass(t, p, t.types[StaticType.Int]!)).toBe(-1);
    expect(lastError(r)).toBe('TypeError: __class__ assignment only supported for mutable types or ModuleType subclasses');
    release(r, a, v, s, p, Q, P, T, S);
  });

  it('__dict__: read (created on demand), replaced, and CPython’s errors', () => {
    r = makeRuntime();
    const t = r.t;
    const A = check(t, makeClass(t, 'A', []));
    const a = check(t, typeGenericAlloc(t, A));
    const v = check(t, intFromNumber(t, 7000));
    check(t, setattr(t, a, 'x', v));
    const d1 = check(t, objectGetDict(t, a));
    const fresh = check(t, dictNew(t));
    const key = check(t, strFromJs(t, 'y'));
    check(t, dictSetItem(t, fresh, key, v));
    check(t, objectSetDict(t, a, fresh));
    expect(getattr(t, a, 'x')).toBe(0);
    expect(lastError(r)).toBe("AttributeError: 'A' object has no attribute 'x'");
    const y = check(t, getattr(t, a, 'y'));
    expect(y).toBe(v);
    expect(objectSetDict(t, a, v)).toBe(-1);
    expect(lastError(r)).toBe("TypeError: __dict__ must be set to a dictionary, not a 'int'");
    const o = check(t, typeGenericAlloc(t, t.types[StaticType.Object]!));
    expect(objectGetDict(t, o)).toBe(0);
    expect(lastError(r)).toBe("AttributeError: 'object' object has no attribute '__dict__'");
    release(r, y, key, fresh, d1, v, a, o, A);
  });

  it('classes and instances in cycles are collected; the classes’ refcounts come back', () => {
    r = makeRuntime();
    const t = r.t;
    const A = check(t, makeClass(t, 'A', []));
    for (let i = 0; i < 100; i++) {
      const a = check(t, typeGenericAlloc(t, A));
      const b = check(t, typeGenericAlloc(t, A));
      check(t, setattr(t, a, 'other', b));
      check(t, setattr(t, b, 'other', a));
      release(r, a, b);
    }
    // Two objects and their two __dict__s per pair.
    expect(gcCollect(r.gt)).toBe(400);
    release(r, A);
    expect(gcCollect(r.gt)).toBeGreaterThan(0); // the class itself: its MRO refers back to it
  });
});
