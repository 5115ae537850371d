import { afterEach, describe, expect, it } from 'vitest';
import { allocObject, createHeapType, decref, getRefcount, getTotalRefcount, incref, objectOwner, REF_MERGED, sharedFlags, typeUniqueId } from '../src/index.js';
import { closeEnv, makeEnv, otherThread, type Env } from './fixture.js';

let env: Env | undefined;
afterEach(() => {
  if (env) closeEnv(env);
  env = undefined;
});

describe('naive mode (benchmark baseline)', () => {
  it('creates objects merged, counts every reference in the shared word, deallocates at zero', () => {
    env = makeEnv({ mode: 'naive' });
    const t = env.t;
    const other = otherThread(env);
    const start = getTotalRefcount(t);
    const op = allocObject(t, env.plain);
    expect(objectOwner(t, op)).toBe(0);
    expect(sharedFlags(t, op)).toBe(REF_MERGED);
    incref(t, op);
    incref(other, op);
    expect(getRefcount(t, op)).toBe(3);
    expect(t.u32[(op + 8) >>> 2]).toBe(0); // ob_ref_local unused
    decref(other, op);
    decref(t, op);
    expect(env.deaths).toEqual([]);
    decref(t, op);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
    expect(getTotalRefcount(t) + other.refTotal).toBe(start);
    expect(typeUniqueId(t, createHeapType(t, env.meta, { basicSize: 32 }))).toBe(0); // no per-thread counts
  });

  it('rejects an unknown mode', async () => {
    const { rcCreate, BehaviourRegistry } = await import('../src/index.js');
    const { SharedHeap } = await import('@ft/atomics');
    const heap = SharedHeap.create({ size: 8 << 20 });
    try {
      expect(() => rcCreate(heap, new BehaviourRegistry(), { mode: 'fast' as 'naive' })).toThrow(/unknown mode 'fast'/);
    } finally {
      heap.close();
    }
  });
});
