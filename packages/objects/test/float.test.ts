/**
 * float: the object, and `repr` against CPython 3.13 on 3,000+ doubles
 * (fixtures/float-repr-cpython.json, made once by float-repr-cpython.py).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { floatAsDouble, floatCheckExact, floatFromDouble, floatReprJs, objectIsTrue, objectReprJs } from '../src/index.js';
import { getRefcount } from '@ft/refcount';
import { FLOAT_FREELIST_MAX } from '../src/float.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

const fixture = JSON.parse(readFileSync(new URL('./fixtures/float-repr-cpython.json', import.meta.url), 'utf8')) as [string, string][];

/** The double whose little-endian IEEE bytes are `hex`. */
function fromHex(hex: string): number {
  return new DataView(Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16))).buffer).getFloat64(0, true);
}

describe('float', () => {
  it(`repr matches CPython on ${fixture.length} doubles`, () => {
    const wrong: string[] = [];
    for (const [hex, expected] of fixture) {
      const got = floatReprJs(fromHex(hex));
      if (got !== expected && wrong.length < 10) wrong.push(`${hex}: ${got} ≠ ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a float object holds its double; repr and truth through its slots', () => {
    r = makeRuntime();
    const t = r.t;
    const x = check(t, floatFromDouble(t, -0.0));
    const y = check(t, floatFromDouble(t, 1e-5));
    expect(floatCheckExact(t, x)).toBe(true);
    expect(Object.is(floatAsDouble(t, x), -0)).toBe(true);
    expect(objectReprJs(t, x)).toBe('-0.0');
    expect(objectReprJs(t, y)).toBe('1e-05');
    expect(objectIsTrue(t, x)).toBe(0);
    expect(objectIsTrue(t, y)).toBe(1);
    release(r, x, y);
  });

  it('a freed float is reused by the next one (the per-thread free list, at most FLOAT_FREELIST_MAX)', () => {
    r = makeRuntime();
    const t = r.t;
    const a = check(t, floatFromDouble(t, 1.5));
    release(r, a);
    const b = check(t, floatFromDouble(t, 2.5));
    expect(b).toBe(a);
    expect(floatAsDouble(t, b)).toBe(2.5);
    expect(getRefcount(r.rc, b)).toBe(1);
    const many = Array.from({ length: FLOAT_FREELIST_MAX + 50 }, (_, i) => check(t, floatFromDouble(t, i)));
    release(r, b, ...many);
    expect(t.floatFreeList.length).toBe(FLOAT_FREELIST_MAX);
    const again = Array.from({ length: FLOAT_FREELIST_MAX }, (_, i) => check(t, floatFromDouble(t, -i)));
    expect(t.floatFreeList.length).toBe(0);
    expect(new Set(again).size).toBe(FLOAT_FREELIST_MAX);
    release(r, ...again);
  });
});
