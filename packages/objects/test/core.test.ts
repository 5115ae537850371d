/**
 * str, int and tuple as CPython's 32-bit builds behave (hash width 32,
 * modulus 2^31 - 1, xxHash's 32-bit primes); expected values computed once
 * with CPython 3.13's algorithms at 32 bits (fixtures inline).
 */

import { afterEach, describe, expect, it } from 'vitest';
import {
  errFetch,
  formatError,
  intAsNumber,
  intFromNumber,
  intHash,
  objectHash,
  objectRepr,
  objectReprJs,
  objectRichCompareBool,
  PY_EQ,
  PY_LT,
  strEq,
  strFromJs,
  strHash,
  strLength,
  strToJs,
  tupleFromArray,
  tupleHash,
  listNew,
  smallInt,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

describe('int', () => {
  it('small ints are the immortal statics; others round-trip every safe integer', () => {
    r = makeRuntime();
    const t = r.t;
    expect(intFromNumber(t, 7)).toBe(smallInt(t, 7));
    expect(intFromNumber(t, -5)).toBe(smallInt(t, -5));
    for (const v of [257, -6, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), 2 ** 53 - 1, -(2 ** 53 - 1), 123456789012345]) {
      const op = check(t, intFromNumber(t, v));
      expect(intAsNumber(t, op)).toBe(v);
      expect(objectReprJs(t, op)).toBe(String(v));
      release(r, op);
    }
    expect(intFromNumber(t, 0.5)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('ValueError: 0.5 is not an integer');
    expect(intFromNumber(t, Infinity)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('OverflowError: cannot convert float infinity to integer');
  });

  it('hashes as a 32-bit CPython: modulo 2^31 - 1, -1 becomes -2', () => {
    r = makeRuntime();
    const t = r.t;
    const cases: [number, number][] = [
      [2 ** 40, 512],
      [-1, -2],
      [2 ** 31 - 1, 0],
      [-(2 ** 45) + 3, -16381],
      [12345, 12345],
    ];
    for (const [v, h] of cases) {
      const op = check(t, intFromNumber(t, v));
      expect(intHash(t, op)).toBe(h);
      release(r, op);
    }
  });
});

describe('str', () => {
  it('round-trips text of every kind, compares by code points, repr as CPython', () => {
    r = makeRuntime();
    const t = r.t;
    for (const text of ['', 'ascii', 'é latin-1', 'Ω ucs-2', 'emoji 😀 ucs-4', 'mixed é Ω 😀']) {
      const op = check(t, strFromJs(t, text));
      expect(strToJs(t, op)).toBe(text);
      expect(strLength(t, op)).toBe([...text].length);
      release(r, op);
    }
    const reprs: [string, string][] = [
      ["a'b", '"a\'b"'],
      ['it\'s "x"', "'it\\'s \"x\"'"],
      ['tab\there\x00\u200b😀é', "'tab\\there\\x00\\u200b😀é'"],
    ];
    for (const [text, repr] of reprs) {
      const op = check(t, strFromJs(t, text));
      expect(objectReprJs(t, op)).toBe(repr);
      release(r, op);
    }
    const a = check(t, strFromJs(t, 'abc'));
    const b = check(t, strFromJs(t, 'abc'));
    const c = check(t, strFromJs(t, 'abd'));
    expect(a).not.toBe(b);
    expect(strEq(t, a, b)).toBe(true);
    expect(strHash(t, a)).toBe(strHash(t, b));
    expect(strHash(t, a)).not.toBe(-1);
    expect(objectRichCompareBool(t, a, c, PY_LT)).toBe(1);
    expect(objectRichCompareBool(t, a, b, PY_EQ)).toBe(1);
    release(r, a, b, c);
  });
});

describe('tuple and the protocols', () => {
  it('tuple hash is CPython’s xxHash with the 32-bit primes; repr; unhashable items raise', () => {
    r = makeRuntime();
    const t = r.t;
    const ints = (vs: number[]) => vs.map((v) => check(t, intFromNumber(t, v)));
    const cases: [number[], number][] = [
      [[1, 2], 994727857],
      [[], 750394483],
      [[-1], 2104906594],
      [[2 ** 40, -7], 2062683402],
    ];
    for (const [vs, h] of cases) {
      const items = ints(vs);
      const tuple = check(t, tupleFromArray(t, items));
      expect(tupleHash(t, tuple)).toBe(h);
      release(r, tuple, ...items);
    }
    const one = ints([1]);
    const single = check(t, tupleFromArray(t, one));
    expect(objectReprJs(t, single)).toBe('(1,)');
    const lst = check(t, listNew(t, 0));
    const withList = check(t, tupleFromArray(t, [lst]));
    expect(objectHash(t, withList)).toBe(-1);
    expect(formatError(t, errFetch(t)!)).toBe("TypeError: unhashable type: 'list'");
    expect(objectReprJs(t, withList)).toBe('([],)');
    const none = check(t, objectRepr(t, t.none));
    expect(strToJs(t, none)).toBe('None');
    expect(objectRichCompareBool(t, lst, single, PY_LT)).toBe(-1);
    expect(formatError(t, errFetch(t)!)).toBe("TypeError: '<' not supported between instances of 'list' and 'tuple'");
    release(r, single, withList, lst, none, ...one);
  });
});

describe('interning', () => {
  it('one immortal str per text; an equal str interns to the first', async () => {
    const { strIntern, strInternFromJs } = await import('../src/index.js');
    r = makeRuntime();
    const t = r.t;
    const a = strInternFromJs(t, 'name');
    const b = check(t, strFromJs(t, 'name'));
    expect(b).not.toBe(a);
    expect(strIntern(t, b)).toBe(a);
    expect(strInternFromJs(t, 'name')).toBe(a);
    expect(t.u32[(a + 8) >>> 2]).toBe(0xffffffff); // immortal
    release(r, b);
  });
});
