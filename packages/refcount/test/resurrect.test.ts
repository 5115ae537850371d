import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allocObject,
  decref,
  gcBits,
  GC_BITS_FINALIZED,
  GC_BITS_TRACKED,
  getRefcount,
  getTotalRefcount,
  incref,
  objectOwner,
  setGcBits,
  sharedFlags,
  REF_MERGED,
  type RcThread,
} from '../src/index.js';
import { closeEnv, makeEnv, otherThread, setFinalizer, type Env } from './fixture.js';

let env: Env;
let t: RcThread;
beforeEach(() => {
  env = makeEnv();
  t = env.t;
});
afterEach(() => closeEnv(env));

describe('resurrection during dealloc', () => {
  it('a finalizer that keeps nothing: the dealloc continues, the GC bits survive the resurrection', () => {
    const start = getTotalRefcount(t);
    const op = allocObject(t, env.finalizable);
    setGcBits(t, op, GC_BITS_TRACKED);
    let seen = -1;
    let bits = -1;
    setFinalizer((ft, fop) => {
      seen = getRefcount(ft, fop);
      bits = gcBits(ft, fop);
    });
    decref(t, op);
    expect(seen).toBe(1); // a valid reference while the finalizer runs
    expect(bits & GC_BITS_TRACKED).toBe(GC_BITS_TRACKED);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
    expect(getTotalRefcount(t)).toBe(start);
  });

  it('a finalizer that stores a reference resurrects the object; its next death frees it', () => {
    const start = getTotalRefcount(t);
    const op = allocObject(t, env.finalizable);
    let kept = 0;
    setFinalizer((ft, fop) => {
      incref(ft, fop);
      kept = fop;
    });
    decref(t, op);
    expect(kept).toBe(op);
    expect(env.deaths.length).toBe(1); // the dealloc ran, the object survived it
    expect(getRefcount(t, op)).toBe(1);
    expect(objectOwner(t, op)).toBe(0); // ownership given up, counts merged
    expect(sharedFlags(t, op)).toBe(REF_MERGED);
    expect(gcBits(t, op) & GC_BITS_FINALIZED).toBe(GC_BITS_FINALIZED);
    decref(t, kept); // finalized already: this time it is freed
    expect(env.deaths.length).toBe(2);
    expect(getTotalRefcount(t)).toBe(start);
  });

  it('a finalizer that hands a reference to another thread resurrects the object there', () => {
    const other = otherThread(env);
    const op = allocObject(t, env.finalizable);
    setFinalizer((ft, fop) => incref(other, fop));
    decref(t, op);
    expect(getRefcount(t, op)).toBe(1);
    decref(other, op); // merged: the other thread drops the last reference
    expect(env.deaths.map((d) => d.by)).toEqual([t.tid, other.tid]);
  });
});
