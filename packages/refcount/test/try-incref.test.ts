import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allocObject,
  decref,
  getRefcount,
  incref,
  isUniquelyReferenced,
  newRefWithLock,
  OB_REF_SHARED_OFFSET,
  REF_MAYBE_WEAKREF,
  setMaybeWeakref,
  sharedFlags,
  tryIncref,
  tryIncrefCompare,
  tryIncrefFast,
  tryIncrefShared,
  xGetRef,
  type RcThread,
} from '../src/index.js';
import { closeEnv, makeEnv, otherThread, type Env } from './fixture.js';

let env: Env;
let t: RcThread;
let other: RcThread;

beforeEach(() => {
  env = makeEnv();
  t = env.t;
  other = otherThread(env);
});
afterEach(() => closeEnv(env));

describe('tryIncref', () => {
  it('fast: succeeds for the owner, fails for others', () => {
    const op = allocObject(t, env.plain);
    expect(tryIncrefFast(t, op)).toBe(true);
    expect(tryIncrefFast(other, op)).toBe(false);
    expect(getRefcount(t, op)).toBe(2);
    decref(t, op);
    decref(t, op);
  });

  it('shared: fails while the shared word is 0 (the owner may free without a CAS), succeeds once flagged', () => {
    const op = allocObject(t, env.plain);
    expect(tryIncrefShared(other, op)).toBe(false);
    setMaybeWeakref(t, op);
    expect(sharedFlags(t, op)).toBe(REF_MAYBE_WEAKREF);
    expect(tryIncrefShared(other, op)).toBe(true);
    expect(getRefcount(t, op)).toBe(2);
    decref(other, op);
    decref(t, op);
    expect(env.deaths.length).toBe(1);
  });

  it('fails on a dying object (merged, count 0), whose memory is still readable', () => {
    const op = allocObject(t, env.plain);
    setMaybeWeakref(t, op);
    // The owner's last decref goes through the merge CAS because of the flag:
    // keep the memory by catching the object in the dealloc.
    let seenDying = false;
    const deaths = env.deaths;
    const before = deaths.length;
    decref(t, op);
    expect(deaths.length).toBe(before + 1);
    expect(deaths[before]!.flags).toBe(3);
    // A racing reader that loaded the pointer before the free: the header of
    // the freed block still says merged-with-zero in its refcount words.
    const sharedWord = t.i32[(op + OB_REF_SHARED_OFFSET) >>> 2];
    if (sharedWord === 3) {
      seenDying = true;
      expect(tryIncref(other, op)).toBe(false);
    }
    expect(seenDying).toBe(true);
  });

  it('compare: gives the reference back when the slot changed', () => {
    const holder = allocObject(t, env.plain);
    const slot = holder + 24; // a word inside an object body
    const a = allocObject(t, env.plain);
    const b = allocObject(t, env.plain);
    newRefWithLock(other, a); // another thread stores it: MAYBE_WEAKREF gets set
    Atomics.store(t.u32, slot >>> 2, a);
    expect(sharedFlags(t, a)).toBe(REF_MAYBE_WEAKREF);
    expect(tryIncrefCompare(other, slot, a)).toBe(true);
    expect(getRefcount(t, a)).toBe(3);
    decref(other, a);
    // Replace a by b in the slot (stored by the contract: flagged shared
    // word): a reader still holding the old pointer fails.
    newRefWithLock(other, b);
    Atomics.store(t.u32, slot >>> 2, b);
    expect(tryIncrefCompare(other, slot, a)).toBe(false);
    expect(getRefcount(t, a)).toBe(2);
    expect(xGetRef(other, slot)).toBe(b);
    expect(getRefcount(t, b)).toBe(3);
    decref(other, b);
    Atomics.store(t.u32, slot >>> 2, 0);
    expect(xGetRef(other, slot)).toBe(0);
    decref(other, a); // the slots' references
    decref(other, b);
    decref(t, a);
    decref(t, b);
    decref(t, holder);
    expect(env.deaths.length).toBe(3);
  });
});

describe('isUniquelyReferenced', () => {
  it('needs the owner, a local count of 1 and a zero shared word', () => {
    const op = allocObject(t, env.plain);
    expect(isUniquelyReferenced(t, op)).toBe(true);
    expect(isUniquelyReferenced(other, op)).toBe(false);
    incref(t, op);
    expect(isUniquelyReferenced(t, op)).toBe(false);
    decref(t, op);
    setMaybeWeakref(t, op);
    expect(isUniquelyReferenced(t, op)).toBe(false);
    decref(t, op);
  });
});
