import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocObject, decref, freeListBind, freeListPop, freeListPush, freeObject, getTotalRefcount, incref, initObject, processMergeQueue, setMaybeWeakref, type RcThread } from '../src/index.js';
import { closeEnv, makeEnv, otherThread, type Env } from './fixture.js';

let env: Env;
let t: RcThread;
beforeEach(() => {
  env = makeEnv();
  t = env.t;
});
afterEach(() => {
  // The blocks still on the lists are allocated: free them, as the object layer does at thread exit.
  for (const list of [t.freeList0, t.freeList1]) for (let op = freeListPop(list); op !== 0; op = freeListPop(list)) freeObject(t, op);
  closeEnv(env);
});

/** The word the tests bound instances on (the first after the header). */
const LIMIT_INDEX = 5;

describe('free lists filled by decref', () => {
  it('an unbound list takes nothing: the dealloc runs', () => {
    const op = allocObject(t, env.plain);
    decref(t, op);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
    expect(t.freeList0.length).toBe(0);
  });

  it("the owner's last decref puts an instance of the bound type on the list without running its dealloc, up to the capacity", () => {
    freeListBind(t.freeList1, env.plain, LIMIT_INDEX, 0xffffffff, 3);
    const start = getTotalRefcount(t);
    const ops = [1, 2, 3, 4, 5].map(() => allocObject(t, env.plain));
    for (const op of ops) decref(t, op);
    expect(t.freeList1.length).toBe(3);
    expect(env.deaths.map((d) => d.op)).toEqual(ops.slice(3)); // the overflow went through the dealloc
    expect(getTotalRefcount(t)).toBe(start);
    // Last in, first out (`_Py_FREELIST_POP`), then empty.
    expect([freeListPop(t.freeList1), freeListPop(t.freeList1), freeListPop(t.freeList1), freeListPop(t.freeList1)]).toEqual([ops[2], ops[1], ops[0], 0]);
    for (const op of ops.slice(0, 3)) freeObject(t, op);
  });

  it('an instance past the bound on its word goes through the dealloc', () => {
    freeListBind(t.freeList0, env.plain, LIMIT_INDEX, 7, 10);
    const small = allocObject(t, env.plain);
    const large = allocObject(t, env.plain);
    t.u32[(small >>> 2) + LIMIT_INDEX] = 7;
    t.u32[(large >>> 2) + LIMIT_INDEX] = 8;
    decref(t, small);
    decref(t, large);
    expect(t.freeList0.length).toBe(1);
    expect(env.deaths.map((d) => d.op)).toEqual([large]);
  });

  it('other types go through their dealloc; the second list serves a second type', () => {
    freeListBind(t.freeList0, env.gc, LIMIT_INDEX, 0xffffffff, 10);
    freeListBind(t.freeList1, env.plain, LIMIT_INDEX, 0xffffffff, 10);
    const a = allocObject(t, env.plain);
    const b = allocObject(t, env.gc);
    const c = allocObject(t, env.chainNode);
    decref(t, a);
    decref(t, b);
    decref(t, c);
    expect([t.freeList0.length, t.freeList1.length]).toEqual([1, 1]);
    expect(env.deaths.map((d) => d.op)).toEqual([c]);
  });

  it('an object whose shared word is not zero is merged as before: it dies through its dealloc', () => {
    freeListBind(t.freeList1, env.plain, LIMIT_INDEX, 0xffffffff, 10);
    const op = allocObject(t, env.plain);
    setMaybeWeakref(t, op);
    decref(t, op);
    expect(t.freeList1.length).toBe(0);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
  });

  it("an object released last by another thread is not put on that thread's list by decref: its dealloc decides", () => {
    freeListBind(t.freeList1, env.plain, LIMIT_INDEX, 0xffffffff, 10);
    const other = otherThread(env);
    freeListBind(other.freeList1, env.plain, LIMIT_INDEX, 0xffffffff, 10);
    const op = allocObject(t, env.plain);
    incref(other, op);
    decref(t, op); // merged: other holds the last reference
    decref(other, op);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
    expect([t.freeList1.length, other.freeList1.length]).toEqual([0, 0]);
    expect(processMergeQueue(t)).toBe(0);
  });

  it('a block taken back gets a fresh header from initObject and counts as before', () => {
    freeListBind(t.freeList1, env.plain, LIMIT_INDEX, 0xffffffff, 10);
    const start = getTotalRefcount(t);
    decref(t, allocObject(t, env.plain));
    const op = freeListPop(t.freeList1);
    initObject(t, op, env.plain);
    expect(getTotalRefcount(t)).toBe(start + 1);
    decref(t, op);
    expect(t.freeList1.length).toBe(1);
    expect(getTotalRefcount(t)).toBe(start);
  });

  it('freeListPush refuses what decref would refuse', () => {
    freeListBind(t.freeList1, env.plain, LIMIT_INDEX, 3, 1);
    const a = allocObject(t, env.plain);
    const b = allocObject(t, env.plain);
    const g = allocObject(t, env.gc);
    t.u32[(b >>> 2) + LIMIT_INDEX] = 4;
    expect(freeListPush(t.freeList1, t.u32, g, env.gc)).toBe(false);
    expect(freeListPush(t.freeList1, t.u32, b, env.plain)).toBe(false);
    expect(freeListPush(t.freeList1, t.u32, a, env.plain)).toBe(true);
    t.u32[(b >>> 2) + LIMIT_INDEX] = 0;
    expect(freeListPush(t.freeList1, t.u32, b, env.plain)).toBe(false); // full
    for (const op of [b, g]) freeObject(t, op);
  });

  it('freeListBind refuses a list that holds objects, a misaligned type and a bad capacity', () => {
    freeListBind(t.freeList1, env.plain, LIMIT_INDEX, 0xffffffff, 2);
    decref(t, allocObject(t, env.plain));
    expect(() => freeListBind(t.freeList1, env.gc, LIMIT_INDEX, 0xffffffff, 2)).toThrow(Error);
    expect(() => freeListBind(t.freeList0, env.gc + 2, LIMIT_INDEX, 0xffffffff, 2)).toThrow(RangeError);
    expect(() => freeListBind(t.freeList0, env.gc, LIMIT_INDEX, 0xffffffff, -1)).toThrow(RangeError);
    expect(() => freeListBind(t.freeList0, env.gc, LIMIT_INDEX, 0xffffffff, 1.5)).toThrow(RangeError);
  });
});
