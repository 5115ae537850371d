import { FatalError } from '@ft/atomics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allocObject,
  decref,
  explicitMergeRefcount,
  getRefcount,
  getTotalRefcount,
  incref,
  increfN,
  IMMORTAL_REFCNT,
  mergeQueueLength,
  mergeRequested,
  objectOwner,
  OB_REF_LOCAL_OFFSET,
  OB_REF_SHARED_OFFSET,
  processMergeQueue,
  REF_MERGED,
  REF_QUEUED,
  sharedFlags,
  immortalize,
  isImmortal,
  type RcThread,
} from '../src/index.js';
import { queueToOwner } from '../src/biased-refcount.js';
import { OB_REF_SHARED_INDEX, OB_TID_INDEX } from '../src/layout.js';
import { QUEUE_ALREADY_MERGED, queueObject } from '../src/merge-queue.js';
import { closeEnv, exitThread, makeEnv, otherThread, type Env } from './fixture.js';

let env: Env;
let t: RcThread;

beforeEach(() => {
  env = makeEnv();
  t = env.t;
});

afterEach(() => closeEnv(env));

function local(op: number): number {
  return t.u32[(op + OB_REF_LOCAL_OFFSET) >>> 2];
}
function shared(op: number): number {
  return t.i32[(op + OB_REF_SHARED_OFFSET) >>> 2];
}

describe('owner thread', () => {
  it('counts in ob_ref_local with the shared word untouched', () => {
    const op = allocObject(t, env.plain);
    expect(objectOwner(t, op)).toBe(t.tid);
    expect([local(op), shared(op)]).toEqual([1, 0]);
    incref(t, op);
    incref(t, op);
    expect([local(op), shared(op), getRefcount(t, op)]).toEqual([3, 0, 3]);
    decref(t, op);
    decref(t, op);
    expect(env.deaths).toEqual([]);
    expect(getRefcount(t, op)).toBe(1);
    decref(t, op);
  });

  it('deallocates at local zero without merging when nothing is shared (fast path keeps ob_tid)', () => {
    const op = allocObject(t, env.plain);
    decref(t, op);
    expect(env.deaths).toEqual([{ op, by: t.tid, owner: t.tid, flags: 0 }]);
  });

  it('merges at local zero when another thread holds a shared reference, and that thread frees it', () => {
    const other = otherThread(env);
    const op = allocObject(t, env.plain);
    incref(other, op);
    expect([local(op), shared(op)]).toEqual([1, 4]);
    decref(t, op);
    expect(env.deaths).toEqual([]);
    expect(objectOwner(t, op)).toBe(0);
    expect(sharedFlags(t, op)).toBe(REF_MERGED);
    expect(getRefcount(t, op)).toBe(1);
    decref(other, op);
    expect(env.deaths).toEqual([{ op, by: other.tid, owner: 0, flags: REF_MERGED }]);
  });

  it('refuses to take a count below zero', () => {
    const op = allocObject(t, env.plain);
    t.u32[(op + OB_REF_LOCAL_OFFSET) >>> 2] = 0; // a corrupted count
    expect(() => decref(t, op)).toThrow(FatalError);
    expect(() => decref(t, op)).toThrow(/negative reference count/);
    t.u32[(op + OB_REF_LOCAL_OFFSET) >>> 2] = 1;
    decref(t, op);
  });
});

describe('non-owner thread', () => {
  it('counts atomically in ob_ref_shared', () => {
    const other = otherThread(env);
    const op = allocObject(t, env.plain);
    incref(other, op);
    incref(other, op);
    expect([local(op), shared(op), getRefcount(t, op)]).toEqual([1, 8, 3]);
    decref(other, op);
    decref(other, op);
    expect([local(op), shared(op)]).toEqual([1, 0]);
    decref(t, op);
    expect(env.deaths.length).toBe(1);
  });

  it('queues an object whose shared count would go below zero; the owner merges it at its next check', () => {
    const other = otherThread(env);
    const op = allocObject(t, env.plain);
    incref(t, op); // the owner holds 2, hands one to `other` without a shared incref
    decref(other, op);
    expect(sharedFlags(t, op)).toBe(REF_QUEUED);
    expect(shared(op)).toBe(REF_QUEUED); // count untouched: the queue holds that reference
    expect(other.queued).toBe(1);
    expect(mergeRequested(t)).toBe(true);
    expect(mergeQueueLength(t)).toBe(1);
    expect(processMergeQueue(t)).toBe(1);
    expect(mergeRequested(t)).toBe(false);
    expect(objectOwner(t, op)).toBe(0);
    expect(sharedFlags(t, op)).toBe(REF_MERGED);
    expect(getRefcount(t, op)).toBe(1);
    expect(env.deaths).toEqual([]);
    decref(t, op); // merged now: the former owner counts atomically too
    expect(env.deaths).toEqual([{ op, by: t.tid, owner: 0, flags: REF_MERGED }]);
  });

  it('a queued object whose last reference was the queue dies in the owner\'s merge', () => {
    const other = otherThread(env);
    const op = allocObject(t, env.plain);
    incref(t, op);
    decref(t, op); // local 1
    // Pretend the owner's only reference went to `other`; other drops it.
    decref(other, op);
    expect(sharedFlags(t, op)).toBe(REF_QUEUED);
    // The owner's local count still says 1: that is the reference the queue holds.
    processMergeQueue(t);
    expect(env.deaths).toEqual([{ op, by: t.tid, owner: 0, flags: REF_MERGED }]);
  });

  it('a queueing thread that finds the object merged meanwhile decrefs it as merged, counted once', () => {
    const other = otherThread(env);
    const op = allocObject(t, env.plain);
    incref(t, op); // local 2: one of them is handed to `other`
    // Replay the race: `other` marked the object QUEUED (its decref already
    // took the reference off its total), then an explicit merge (the GC)
    // cleared ob_tid before `other` read it.
    const total = other.refTotal;
    other.refTotal--;
    expect(explicitMergeRefcount(t, op, 0)).toBe(2);
    expect(queueObject(other, op)).toBe(QUEUE_ALREADY_MERGED); // reported, nothing queued
    expect(other.queued).toBe(0);
    expect(getRefcount(t, op)).toBe(2);
    expect(queueToOwner(other, op)).toBe(false); // the reference dropped as a merged object's
    expect(other.refTotal).toBe(total - 1);
    expect(getRefcount(t, op)).toBe(1);
    decref(t, op);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
  });

  it('a queueing thread that sees the owner cleared before the MERGED CAS leaves its decrement to the merge', () => {
    const other = otherThread(env);
    const op = allocObject(t, env.plain);
    incref(t, op); // local 2: one of them is handed to `other`
    // `other` has marked the object QUEUED; the owner's explicit merge has
    // cleared ob_tid (gh-119999's order) but not yet swapped in MERGED.
    Atomics.store(t.i32, (op >>> 2) + OB_REF_SHARED_INDEX, REF_QUEUED);
    Atomics.store(t.u32, (op >>> 2) + OB_TID_INDEX, 0);
    expect(queueToOwner(other, op)).toBe(false);
    expect(other.queued).toBe(0);
    // The merge's CAS then fails, re-reads the shared word and counts the
    // decrement: 2 local - 1 = 1.
    expect(explicitMergeRefcount(t, op, 0)).toBe(1);
    expect(sharedFlags(t, op)).toBe(REF_MERGED);
    decref(t, op);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
  });

  it('merges directly when the owner has exited', () => {
    const owner = otherThread(env);
    const op = allocObject(owner, env.plain);
    exitThread(env, owner); // the object outlives its owner (abandoned mimalloc page)
    expect(objectOwner(t, op)).toBe(owner.tid);
    decref(t, op);
    expect(t.mergedForExited).toBe(1);
    expect(env.deaths).toEqual([{ op, by: t.tid, owner: 0, flags: REF_MERGED }]);
  });

  it('an owner that exits drains its queue first', () => {
    const owner = otherThread(env);
    const op = allocObject(owner, env.plain);
    decref(t, op); // queued for `owner`, which holds no other reference
    expect(env.deaths).toEqual([]);
    exitThread(env, owner);
    expect(env.deaths).toEqual([{ op, by: owner.tid, owner: 0, flags: REF_MERGED }]);
  });
});

describe('immortal objects', () => {
  it('ignore incref and decref, are never deallocated, report 3 << 30', () => {
    const other = otherThread(env);
    const start = getTotalRefcount(t);
    const op = allocObject(t, env.plain);
    incref(other, op);
    immortalize(t, op);
    expect(isImmortal(t, op)).toBe(true);
    expect(objectOwner(t, op)).toBe(0);
    expect(getRefcount(t, op)).toBe(IMMORTAL_REFCNT);
    for (let i = 0; i < 10; i++) {
      decref(t, op);
      decref(other, op);
      incref(other, op);
    }
    expect(env.deaths).toEqual([]);
    expect([local(op), shared(op)]).toEqual([0xffffffff, 0]);
    // Its two counted references became uncounted: once `other` merges its
    // total, the interpreter's is as before the object existed.
    exitThread(env, other);
    expect(getTotalRefcount(t)).toBe(start);
  });

  it('a count that would pass the local maximum saturates to immortal', () => {
    const op = allocObject(t, env.plain);
    increfN(t, op, 0xfffffffe);
    expect(isImmortal(t, op)).toBe(true);
    decref(t, op);
    expect(env.deaths).toEqual([]);
  });
});

describe('reference totals', () => {
  it('are zero after a leak-free sequence across threads, with exits merged', () => {
    const start = getTotalRefcount(t);
    const other = otherThread(env);
    const objects = Array.from({ length: 20 }, () => allocObject(t, env.plain));
    for (const op of objects) incref(other, op);
    for (const op of objects) decref(t, op); // merged
    exitThread(env, other); // still holds 20 references: merged into the interpreter's total
    expect(getTotalRefcount(t)).toBe(start + 20);
    for (const op of objects) decref(t, op);
    expect(getTotalRefcount(t)).toBe(start);
    expect(env.deaths.length).toBe(20);
  });
});
