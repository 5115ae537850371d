/**
 * JavaScript ↔ Python conversion (interop.ts): round trips as properties
 * (fast-check), cycles, the mapping's edges, and clear errors for values
 * without a counterpart.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect, gcVisitObjects } from '@ft/gc';
import { getRefcount } from '@ft/refcount';
import { objectReprJs, toJS, toPython, PyError, floatFromDouble, setNew } from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

/** The GC objects alive in the heap. */
function liveGcObjects(rt: Runtime): number {
  let n = 0;
  gcVisitObjects(rt.gt, () => {
    n++;
    return true;
  });
  return n;
}

/** JSON-like values plus bigints, Maps with non-string keys and Sets of primitives. */
const jsValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
    fc.string({ unit: 'grapheme' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
    fc.array(fc.tuple(fc.integer(), tie('value')), { maxLength: 4 }).map((pairs) => new Map(pairs)),
    fc.uniqueArray(fc.oneof(fc.integer(), fc.string()), { maxLength: 5 }).map((xs) => new Set(xs)),
  ),
})).value;

/** What a JS value comes back as: numbers and bigints by size, a Map whose keys are all strings as an object. */
function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  // -0 is an integer to JavaScript, so it becomes the int 0 (as Pyodide converts it), and comes back +0.
  if (typeof v === 'number' && Object.is(v, -0)) return 0;
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Set) return new Set([...v].map(normalize));
  if (v instanceof Map) {
    const entries = [...v].map(([k, x]) => [normalize(k), normalize(x)] as const);
    // Map keys that are equal in Python (1 and 1.0 are not both possible here) collapse; strings-only becomes an object.
    if (entries.every(([k]) => typeof k === 'string')) return Object.fromEntries(entries);
    return new Map(entries);
  }
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

describe('interop', () => {
  it('toJS(toPython(v)) gives v back for JSON-like values, bigints, Maps and Sets (property)', () => {
    r = makeRuntime();
    const t = r.t;
    fc.assert(
      fc.property(jsValue, (v) => {
        const op = toPython(t, v);
        try {
          expect(toJS(t, op)).toEqual(normalize(v));
        } finally {
          release(r, op);
        }
      }),
      { numRuns: 300 },
    );
    gcCollect(r.gt);
  });

  it('the mapping at its edges', () => {
    r = makeRuntime();
    const t = r.t;
    const conv = (v: unknown): string => {
      const op = toPython(t, v);
      const s = objectReprJs(t, op)!;
      release(r, op);
      return s;
    };
    expect(conv(undefined)).toBe('None');
    expect(conv(null)).toBe('None');
    expect(conv(3)).toBe('3');
    expect(conv(3.5)).toBe('3.5');
    expect(conv(2 ** 53)).toBe('9007199254740992.0'); // past the safe integers: a float, as Pyodide does
    expect(conv(-0)).toBe('0');
    expect(conv(NaN)).toBe('nan');
    expect(conv(12345678901234567890n)).toBe('12345678901234567890');
    expect(conv([1, 'a', [true, null]])).toBe("[1, 'a', [True, None]]");
    expect(conv({ a: 1, b: { c: [] } })).toBe("{'a': 1, 'b': {'c': []}}");
    expect(conv(new Map<unknown, unknown>([[1, 'x'], ['k', 2]]))).toBe("{1: 'x', 'k': 2}");
    expect(conv('😀é')).toBe("'😀é'");
    // Back: an int past 2**53 - 1 is a bigint; a float stays a number; a dict with an int key is a Map.
    const big = toPython(t, 2n ** 64n);
    expect(toJS(t, big)).toBe(2n ** 64n);
    const f = check(t, floatFromDouble(t, 2.0));
    expect(toJS(t, f)).toBe(2);
    const d = toPython(t, new Map([[1, 2]]));
    expect(toJS(t, d)).toEqual(new Map([[1, 2]]));
    expect(toJS(t, d, { dicts: 'map' })).toEqual(new Map([[1, 2]]));
    expect(() => toJS(t, d, { dicts: 'object' })).toThrow(TypeError);
    const o = toPython(t, JSON.parse('{"__proto__": 1}'));
    expect(Object.keys(toJS(t, o) as object)).toEqual(['__proto__']);
    release(r, big, f, d, o);
  });

  it('cycles both ways', () => {
    r = makeRuntime();
    const t = r.t;
    const a: unknown[] = [1];
    a.push(a);
    const obj: Record<string, unknown> = { name: 'x' };
    obj.self = obj;
    obj.list = a;
    const op = toPython(t, obj);
    expect(objectReprJs(t, op)).toBe("{'name': 'x', 'self': {...}, 'list': [1, [...]]}");
    const back = toJS(t, op) as Record<string, unknown>;
    expect(back.self).toBe(back);
    const list = back.list as unknown[];
    expect(list[1]).toBe(list);
    release(r, op);
    expect(gcCollect(r.gt)).toBe(2); // the dict and the list, a cycle each
  });

  it('values with no counterpart: a clear TypeError, nothing leaked; a Python error as a PyError', () => {
    r = makeRuntime();
    const t = r.t;
    const shared = toPython(t, 'kept');
    const before = getRefcount(r.rc, shared);
    const objectsBefore = liveGcObjects(r);
    expect(() => toPython(t, [1, [shared], () => 0])).toThrow(new TypeError('toPython: a function has no Python counterpart'));
    expect(() => toPython(t, { s: Symbol('x') })).toThrow(new TypeError('toPython: a symbol has no Python counterpart'));
    expect(() => toPython(t, new Date(0))).toThrow(new TypeError('toPython: an instance of Date has no Python counterpart (arrays, plain objects, Maps and Sets do)'));
    // An unhashable key: CPython's TypeError, as a PyError.
    let error: unknown = null;
    try {
      toPython(t, new Map<unknown, unknown>([[[1], 2]]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PyError);
    expect((error as PyError).message).toBe("TypeError: unhashable type: 'list'");
    expect(getRefcount(r.rc, shared)).toBe(before);
    const emptySet = check(t, setNew(t));
    expect(toJS(t, emptySet)).toEqual(new Set());
    const typeObj = t.types[0]!;
    expect(() => toJS(t, typeObj)).toThrow(new TypeError("toJS: a 'type' object has no JavaScript counterpart"));
    release(r, emptySet);
    expect(liveGcObjects(r)).toBe(objectsBefore); // the failed conversions left no container behind
    release(r, shared);
  });
});
