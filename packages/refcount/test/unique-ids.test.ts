import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allocObject,
  createHeapType,
  decref,
  decrefType,
  disableDeferredRefcount,
  disableTypePerThreadRefcounting,
  getRefcount,
  getTotalRefcount,
  hasDeferredRefcount,
  increfType,
  mergePerThreadRefcounts,
  REF_DEFERRED,
  typeUniqueId,
  uniqueIdsInUse,
  type RcThread,
} from '../src/index.js';
import { closeEnv, exitThread, makeEnv, otherThread, type Env } from './fixture.js';

let env: Env;
let t: RcThread;
beforeEach(() => {
  env = makeEnv();
  t = env.t;
});
afterEach(() => closeEnv(env));

/** A heap type's count: its one creation reference plus the deferred bias plus merged instance references. */
function typeCount(type: number): number {
  return getRefcount(t, type) - REF_DEFERRED;
}

/** Frees a heap type the way the GC will: per-thread counting off, deferral off, last reference dropped. */
function destroyType(type: number): void {
  disableTypePerThreadRefcounting(t, type);
  disableDeferredRefcount(t, type);
  decref(t, type);
}

describe('unique ids', () => {
  it('are assigned to heap types with deferred counting, smallest free id first, and reused', () => {
    const a = createHeapType(t, env.meta, { basicSize: 32 });
    const b = createHeapType(t, env.meta, { basicSize: 32 });
    const c = createHeapType(t, env.meta, { basicSize: 32 });
    expect([typeUniqueId(t, a), typeUniqueId(t, b), typeUniqueId(t, c)]).toEqual([1, 2, 3]);
    expect(hasDeferredRefcount(t, a)).toBe(true);
    expect(uniqueIdsInUse(t)).toBe(3);
    destroyType(b);
    expect(uniqueIdsInUse(t)).toBe(2);
    const d = createHeapType(t, env.meta, { basicSize: 32 });
    expect(typeUniqueId(t, d)).toBe(2);
    destroyType(a);
    destroyType(c);
    const e = createHeapType(t, env.meta, { basicSize: 32 });
    expect(typeUniqueId(t, e)).toBe(1);
    destroyType(d);
    destroyType(e);
    expect(uniqueIdsInUse(t)).toBe(0);
  });

  it('grow the pool past its first size', () => {
    const types = Array.from({ length: 40 }, () => createHeapType(t, env.meta, { basicSize: 24 }));
    expect(types.map((x) => typeUniqueId(t, x))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const x of types) destroyType(x);
    expect(uniqueIdsInUse(t)).toBe(0);
  });
});

describe('per-thread reference counts', () => {
  it('count instance references to a heap type in the thread array, merged on request', () => {
    const type = createHeapType(t, env.meta, { basicSize: 32 });
    expect(typeCount(type)).toBe(1);
    const objects = [allocObject(t, type), allocObject(t, type), allocObject(t, type)];
    expect(typeCount(type)).toBe(1); // not merged yet
    mergePerThreadRefcounts(t);
    expect(typeCount(type)).toBe(4);
    for (const op of objects) decref(t, op); // the default dealloc drops the type reference
    expect(typeCount(type)).toBe(4);
    mergePerThreadRefcounts(t);
    expect(typeCount(type)).toBe(1);
    destroyType(type);
  });

  it('merge exactly at thread exit, also when references move between threads', () => {
    const start = getTotalRefcount(t);
    const type = createHeapType(t, env.meta, { basicSize: 32 });
    const a = otherThread(env);
    const b = otherThread(env);
    const made = Array.from({ length: 10 }, () => allocObject(a, type)); // +10 in a's array
    for (const op of made) decref(b, op); // queued for a (b held no shared reference)
    exitThread(env, a); // drains its queue: deallocs run on a, -10 in a's array; then merges 0
    expect(env.deaths).toEqual([]); // the default dealloc, not the recording one
    increfType(b, type);
    increfType(b, type);
    decrefType(b, type);
    exitThread(env, b); // merges +1
    expect(typeCount(type)).toBe(2);
    decrefType(t, type);
    mergePerThreadRefcounts(t);
    expect(typeCount(type)).toBe(1);
    destroyType(type);
    expect(getTotalRefcount(t)).toBe(start);
  });

  it('after exit, a thread counts on the object itself', () => {
    const type = createHeapType(t, env.meta, { basicSize: 32 });
    const other = otherThread(env);
    increfType(other, type);
    expect(typeCount(type)).toBe(1);
    exitThread(env, other);
    expect(typeCount(type)).toBe(2);
    decrefType(t, type); // this thread has no array: straight to the type
    expect(typeCount(type)).toBe(1);
    destroyType(type);
  });
});
