/**
 * The `_random` module (src/modules/random.ts) through an objects runtime:
 * its functions called as Python calls them, on state objects from
 * `new_state()`, against what CPython 3.13's `random.Random` did for the
 * same seeds (fixtures/random-cpython.json, made by fixtures/gen_random.py):
 * the state after seeding with an int, str, bytes, bytearray or float, the
 * random() and getrandbits() values, getstate() / setstate(), and the C
 * type's exceptions with their messages; and what is no state object.
 */

import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decref } from '@ft/refcount';
import {
  byteArrayFromBytes,
  bytesFromBytes,
  bytesToJs,
  callArgs,
  createObjectsRuntime,
  errToJs,
  floatAsDouble,
  floatFromDouble,
  intAsBigInt,
  intFromBigInt,
  listFromArray,
  moduleDict,
  strFromJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  type ObjectsRuntime,
  type ObThread,
} from '@ft/objects';
import { dictGetItemStrRef } from '../../src/modules/dict-util.js';
import { moduleCreate, registerModules, type RegisteredModule } from '../../src/modules/module-def.js';
import { RANDOM_MODULE, RANDOM_STATE_BYTES } from '../../src/modules/random.js';

interface Case {
  kind: 'int' | 'str' | 'bytes' | 'bytearray' | 'float';
  seed: string | number | number[];
  stateAfterSeed: number[];
  random: number[];
  getrandbits: string[];
  stateAfterDraws: number[];
}

interface Fixture {
  bits: number[];
  cases: Case[];
  midState: { state: number[]; next: number[] };
  errors: Record<string, [string, string]>;
  truncatedWord0: number;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/random-cpython.json', import.meta.url), 'utf8')) as Fixture;

let rt: ObjectsRuntime;
let t: ObThread;
let mod: number;
let registered: Map<string, RegisteredModule>;

beforeEach(() => {
  rt = createObjectsRuntime({
    registerSlots: (slots) => {
      registered = registerModules(slots, [RANDOM_MODULE]);
    },
  });
  t = rt.t;
  mod = moduleCreate(t, registered.get('_random')!);
  if (mod === 0) throw errToJs(t);
});

afterEach(() => {
  decref(t.rc, mod);
  rt.close();
});

/** Checks a new reference (throws the Python exception for 0). */
function ok(op: number): number {
  if (op === 0) throw errToJs(t);
  return op;
}

/** `_random.<name>(*args)`: a new reference; args are borrowed. */
function call(name: string, ...args: number[]): number {
  const fn = ok(dictGetItemStrRef(t, moduleDict(t, mod), name));
  const result = callArgs(t, fn, args);
  decref(t.rc, fn);
  return ok(result);
}

/** What `_random.<name>(*args)` raises, as CPython prints its last line. */
function raises(name: string, ...args: number[]): string {
  const fn = ok(dictGetItemStrRef(t, moduleDict(t, mod), name));
  const result = callArgs(t, fn, args);
  decref(t.rc, fn);
  if (result !== 0) {
    decref(t.rc, result);
    return 'no exception';
  }
  return errToJs(t).message;
}

function seedObject(c: Case): number {
  switch (c.kind) {
    case 'int':
      return ok(intFromBigInt(t, BigInt(c.seed as string)));
    case 'str':
      return ok(strFromJs(t, c.seed as string));
    case 'bytes':
      return ok(bytesFromBytes(t, c.seed as number[]));
    case 'bytearray':
      return ok(byteArrayFromBytes(t, c.seed as number[]));
    case 'float':
      return ok(floatFromDouble(t, c.seed as number));
  }
}

function stateWords(state: number): number[] {
  const tuple = call('getstate', state);
  const words: number[] = [];
  for (let i = 0; i < tupleSize(t, tuple); i++) words.push(Number(intAsBigInt(t, tupleGetItem(t, tuple, i))));
  decref(t.rc, tuple);
  return words;
}

/** A tuple of ints (new reference). */
function tupleOf(values: (number | bigint)[]): number {
  const items = values.map((v) => ok(typeof v === 'number' && !Number.isInteger(v) ? floatFromDouble(t, v) : intFromBigInt(t, BigInt(v))));
  const tuple = ok(tupleFromArray(t, items));
  for (const item of items) decref(t.rc, item);
  return tuple;
}

function intObj(v: number | bigint): number {
  return ok(intFromBigInt(t, BigInt(v)));
}

describe('_random on state objects, against CPython 3.13', () => {
  it('new_state() is a state of 624 words, the index and a tag, seeded from entropy (two differ)', () => {
    const a = call('new_state');
    const b = call('new_state');
    expect(RANDOM_STATE_BYTES).toBe(2504);
    const wa = stateWords(a);
    expect(wa.length).toBe(625);
    expect(wa[0]).toBe(0x80000000);
    expect(wa[624]).toBe(624);
    expect(wa).not.toEqual(stateWords(b));
    decref(t.rc, a);
    decref(t.rc, b);
  });

  for (const c of fixture.cases) {
    it(`seed(${c.kind} ${JSON.stringify(c.seed).slice(0, 30)}), random(), getrandbits(), getstate()`, () => {
      const state = call('new_state');
      const seed = seedObject(c);
      decref(t.rc, call('seed', state, seed));
      decref(t.rc, seed);
      expect(stateWords(state)).toEqual(c.stateAfterSeed);
      const doubles = c.random.map(() => {
        const x = call('random', state);
        const v = floatAsDouble(t, x);
        decref(t.rc, x);
        return v;
      });
      expect(doubles).toEqual(c.random);
      const bits = fixture.bits.map((k) => {
        const kObj = intObj(k);
        const r = call('getrandbits', state, kObj);
        decref(t.rc, kObj);
        const v = intAsBigInt(t, r).toString();
        decref(t.rc, r);
        return v;
      });
      expect(bits).toEqual(c.getrandbits);
      expect(stateWords(state)).toEqual(c.stateAfterDraws);
      decref(t.rc, state);
    });
  }

  it('seed(state) and seed(state, None) seed from entropy', () => {
    const state = call('new_state');
    decref(t.rc, call('seed', state));
    const a = stateWords(state);
    decref(t.rc, call('seed', state, t.none));
    const b = stateWords(state);
    expect(a[624]).toBe(624);
    expect(a).not.toEqual(b);
    decref(t.rc, state);
  });

  it('setstate() of a mid-block state continues as CPython', () => {
    const state = call('new_state');
    const tuple = tupleOf(fixture.midState.state);
    decref(t.rc, call('setstate', state, tuple));
    decref(t.rc, tuple);
    expect(stateWords(state)).toEqual(fixture.midState.state);
    const next = fixture.midState.next.map(() => {
      const x = call('random', state);
      const v = floatAsDouble(t, x);
      decref(t.rc, x);
      return v;
    });
    expect(next).toEqual(fixture.midState.next);
    decref(t.rc, state);
  });

  describe("the C type's errors, and a failed setstate changes nothing", () => {
    const base = fixture.cases[0]!.stateAfterSeed;
    const cases: [string, () => (number | bigint)[] | number][] = [
      ['setstateWrongSize', () => base.slice(0, 624)],
      ['setstateIndexTooBig', () => [...base.slice(0, 624), 625]],
      ['setstateIndexNegative', () => [...base.slice(0, 624), -1]],
      ['setstateIndexHuge', () => [...base.slice(0, 624), 2n ** 70n]],
      ['setstateIndexFloat', () => [...base.slice(0, 624), 1.5]],
      ['setstateWordNegative', () => [-1, ...base.slice(1)]],
      ['setstateWordHuge', () => [2n ** 64n, ...base.slice(1)]],
    ];
    for (const [key, make] of cases) {
      it(key, () => {
        const [type, message] = fixture.errors[key]!;
        const state = call('new_state');
        const before = stateWords(state);
        const tuple = tupleOf(make() as (number | bigint)[]);
        expect(raises('setstate', state, tuple)).toBe(`${type}: ${message}`);
        decref(t.rc, tuple);
        expect(stateWords(state)).toEqual(before);
        decref(t.rc, state);
      });
    }

    it('setstateNotTuple, setstateWordStr', () => {
      const state = call('new_state');
      const items = base.map((w) => intObj(w));
      const list = ok(listFromArray(t, items));
      expect(raises('setstate', state, list)).toBe(fixture.errors.setstateNotTuple!.join(': '));
      decref(t.rc, list);
      const s = ok(strFromJs(t, 'x'));
      decref(t.rc, items[0]!);
      items[0] = s;
      const tuple = ok(tupleFromArray(t, items));
      expect(raises('setstate', state, tuple)).toBe(fixture.errors.setstateWordStr!.join(': '));
      decref(t.rc, tuple);
      for (const item of items) decref(t.rc, item);
      decref(t.rc, state);
    });

    it('a word past 32 bits is truncated', () => {
      const state = call('new_state');
      const tuple = tupleOf([2n ** 40n + 5n, ...base.slice(1)]);
      decref(t.rc, call('setstate', state, tuple));
      decref(t.rc, tuple);
      expect(stateWords(state)[0]).toBe(fixture.truncatedWord0);
      decref(t.rc, state);
    });

    it('getrandbits: negative, too big, float', () => {
      const state = call('new_state');
      for (const [key, k] of [
        ['getrandbitsNegative', intObj(-1)],
        ['getrandbitsHuge', intObj(2n ** 31n)],
        ['getrandbitsFloat', ok(floatFromDouble(t, 1.5))],
      ] as const) {
        expect(raises('getrandbits', state, k)).toBe(fixture.errors[key]!.join(': '));
        decref(t.rc, k);
      }
      decref(t.rc, state);
    });

    it('seed: unhashable, a lone surrogate', () => {
      const state = call('new_state');
      const list = ok(listFromArray(t, []));
      expect(raises('seed', state, list)).toBe(fixture.errors.seedUnhashable!.join(': '));
      decref(t.rc, list);
      const s = ok(strFromJs(t, '\ud800'));
      expect(raises('seed', state, s)).toBe(fixture.errors.seedSurrogate!.join(': '));
      decref(t.rc, s);
      decref(t.rc, state);
    });
  });

  it('refuses what is not a state object (other bytes, a bytearray copy of a state, an int)', () => {
    const state = call('new_state');
    const copy = ok(byteArrayFromBytes(t, bytesToJs(t, state)));
    const untagged = ok(bytesFromBytes(t, new Uint8Array(RANDOM_STATE_BYTES)));
    const short = ok(bytesFromBytes(t, [1, 2, 3]));
    const one = intObj(1);
    expect(raises('random', copy)).toMatch(/^TypeError: random\(\) argument 1 must be a state/);
    expect(raises('getstate', untagged)).toMatch(/^TypeError: getstate\(\) argument 1 must be a state/);
    expect(raises('seed', short, t.none)).toMatch(/^TypeError: seed\(\) argument 1 must be a state/);
    expect(raises('getrandbits', one, one)).toMatch(/^TypeError: getrandbits\(\) argument 1 must be a state/);
    expect(raises('random')).toMatch(/^TypeError: _random\.random\(\) takes exactly one argument \(0 given\)/);
    expect(raises('random', state)).toBe('no exception');
    for (const op of [state, copy, untagged, short, one]) decref(t.rc, op);
  });

  it('urandom(n): n bytes, ValueError for n < 0', () => {
    const n = intObj(16);
    const a = call('urandom', n);
    const b = call('urandom', n);
    expect(bytesToJs(t, a).length).toBe(16);
    expect(Array.from(bytesToJs(t, a))).not.toEqual(Array.from(bytesToJs(t, b)));
    const zero = intObj(0);
    const empty = call('urandom', zero);
    expect(bytesToJs(t, empty).length).toBe(0);
    const minus = intObj(-1);
    expect(raises('urandom', minus)).toBe('ValueError: negative argument not allowed');
    for (const op of [n, a, b, zero, empty, minus]) decref(t.rc, op);
  });
});
