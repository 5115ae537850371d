/**
 * Reference counting with the world of @ft/atomics: merge requests arrive
 * through the participant's eval breaker (bit 6) and are merged at its next
 * safe point; the operations that read other threads' counts need the world
 * stopped.
 */

import {
  attach,
  detach,
  EVAL_EXPLICIT_MERGE_BIT,
  evalBreakerBits,
  safePoint,
  startTheWorld,
  stopTheWorld,
} from '@ft/atomics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocObject, decref, incref, mergeAllPerThreadRefcounts, mergeRequested, sharedFlags, REF_QUEUED, REF_MERGED } from '../src/index.js';
import { closeEnv, makeEnv, otherThread, type Env } from './fixture.js';

let env: Env;

beforeEach(() => {
  env = makeEnv({}, true);
});

afterEach(() => {
  closeEnv(env);
});

describe('a thread with a participant', () => {
  it('is asked to merge through its eval breaker and merges at its next safe point', () => {
    const { t } = env;
    const p = env.participant!;
    attach(p);
    const other = otherThread(env);
    const op = allocObject(t, env.plain);
    incref(t, op); // local 2
    incref(other, op); // shared 1
    decref(other, op); // shared 0
    decref(other, op); // would go below zero: queued for t, with that reference
    expect(sharedFlags(t, op)).toBe(REF_QUEUED);
    expect(evalBreakerBits(env.heap, p.address) & EVAL_EXPLICIT_MERGE_BIT).toBe(EVAL_EXPLICIT_MERGE_BIT);
    expect(mergeRequested(t)).toBe(true);
    safePoint(p); // the handler merges: 2 local - 1 queued = 1
    expect(evalBreakerBits(env.heap, p.address)).toBe(0);
    expect(sharedFlags(t, op)).toBe(REF_MERGED);
    expect(env.deaths).toEqual([]);
    decref(t, op);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
    detach(p);
  });

  it('merges other threads’ per-thread counts only with the world stopped', () => {
    const { t } = env;
    const group = env.participant!.group;
    expect(() => mergeAllPerThreadRefcounts(t)).toThrow(/needs the world stopped/);
    stopTheWorld(env.heap, group);
    try {
      mergeAllPerThreadRefcounts(t);
    } finally {
      startTheWorld(env.heap, group);
    }
  });
});
