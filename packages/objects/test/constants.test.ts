/** `Py_GetConstant` / `Py_GetConstantBorrowed` by index, as CPython 3.13's limited API. */
import { afterEach, describe, expect, it } from 'vitest';
import { isImmortal } from '@ft/refcount';
import { errFetch, formatError, intAsNumber, objectReprJs } from '../src/index.js';
import { getConstant, getConstantBorrowed, PY_CONSTANT_EMPTY_BYTES, PY_CONSTANT_EMPTY_TUPLE } from '../src/constants.js';
import { makeRuntime, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

describe('Py_GetConstant', () => {
  it('gives the ten constants by index, immortal, the same object every time; SystemError past them', () => {
    r = makeRuntime();
    const t = r.t;
    const reprs = Array.from({ length: 10 }, (_, i) => objectReprJs(t, getConstant(t, i)));
    expect(reprs).toEqual(['None', 'False', 'True', 'Ellipsis', 'NotImplemented', '0', '1', "''", "b''", '()']);
    for (let i = 0; i <= PY_CONSTANT_EMPTY_TUPLE; i++) {
      expect(getConstantBorrowed(t, i)).toBe(getConstant(t, i));
      expect(isImmortal(r.rc, getConstant(t, i))).toBe(true);
    }
    expect(getConstant(t, PY_CONSTANT_EMPTY_BYTES)).toBe(getConstant(t, PY_CONSTANT_EMPTY_BYTES));
    expect(intAsNumber(t, getConstant(t, 6))).toBe(1);
    expect(getConstant(t, 10)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('SystemError: bad argument to internal function');
    expect(getConstant(t, -1)).toBe(0);
    errFetch(t);
  });
});
