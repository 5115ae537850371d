/**
 * allocObject refuses a type or item count of the wrong JavaScript type or
 * range before it reads or writes anything (issue 14's rule, as in the
 * allocator layers below): the heap is byte-for-byte unchanged afterwards.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocObject, decref } from '../src/index.js';
import { closeEnv, makeEnv, type Env } from './fixture.js';

let env: Env;
beforeEach(() => {
  env = makeEnv();
});
afterEach(() => {
  closeEnv(env);
});

const NOT_NUMBERS: unknown[] = ['100', [8], undefined, null, {}, 10n, true];
const BAD_NUMBERS: unknown[] = [NaN, Infinity, -Infinity, -1, 1.5];

describe('allocObject with bad values', () => {
  it('refuses a type that is not a type address, writing nothing', () => {
    const before = Buffer.from(env.heap.u8.slice());
    for (const v of NOT_NUMBERS) expect(() => allocObject(env.t, v as number), String(v)).toThrow(TypeError);
    for (const v of [...BAD_NUMBERS, 0, 2, 2 ** 32, 2 ** 40, env.heap.size]) expect(() => allocObject(env.t, v as number), String(v)).toThrow(RangeError);
    expect(Buffer.compare(Buffer.from(env.heap.u8.buffer, 0, env.heap.size), before)).toBe(0);
  });

  it('refuses an item count that is not a non-negative integer', () => {
    const before = Buffer.from(env.heap.u8.slice());
    // (undefined is an omitted argument: 0 items.)
    for (const v of NOT_NUMBERS.filter((x) => x !== undefined)) expect(() => allocObject(env.t, env.plain, v as number), String(v)).toThrow(TypeError);
    for (const v of BAD_NUMBERS) expect(() => allocObject(env.t, env.plain, v as number), String(v)).toThrow(RangeError);
    expect(Buffer.compare(Buffer.from(env.heap.u8.buffer, 0, env.heap.size), before)).toBe(0);
    const op = allocObject(env.t, env.plain);
    expect(op).not.toBe(0);
    decref(env.t, op);
  });
});
