/**
 * The reference total is kept only by interpreters created with `refDebug`
 * (CPython's Py_REF_DEBUG, a debug-build feature).
 */

import { describe, expect, it } from 'vitest';
import { allocObject, decref, getTotalRefcount, incref } from '../src/index.js';
import { closeEnv, makeEnv } from './fixture.js';

describe('refDebug', () => {
  it('off: no counting on the hot paths, and getTotalRefcount refuses to answer', () => {
    const env = makeEnv({ refDebug: false });
    try {
      const op = allocObject(env.t, env.plain);
      incref(env.t, op);
      decref(env.t, op);
      expect(env.t.refTotal).toBe(0);
      expect(() => getTotalRefcount(env.t)).toThrow(/does not count the reference total/);
      decref(env.t, op);
    } finally {
      closeEnv(env);
    }
  });

  it('on: every counted operation moves the total', () => {
    const env = makeEnv({ refDebug: true });
    try {
      const start = getTotalRefcount(env.t);
      const op = allocObject(env.t, env.plain);
      incref(env.t, op);
      expect(getTotalRefcount(env.t)).toBe(start + 2);
      decref(env.t, op);
      decref(env.t, op);
      expect(getTotalRefcount(env.t)).toBe(start);
    } finally {
      closeEnv(env);
    }
  });
});
