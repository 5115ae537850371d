import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadInit } from '@ft/mimalloc';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocObject,
  BehaviourRegistry,
  decref,
  disableDeferredRefcount,
  enableDeferredRefcount,
  gcBits,
  GC_BITS_DEFERRED,
  getRefcount,
  hasDeferredRefcount,
  incref,
  isImmortal,
  rcCreate,
  rcThreadInit,
  REF_DEFERRED,
} from '../src/index.js';
import { closeEnv, makeEnv, otherThread, testRegistry, type Env } from './fixture.js';

let env: Env | undefined;
afterEach(() => {
  if (env) closeEnv(env);
  env = undefined;
});

describe('deferred reference counting', () => {
  it('sets the DEFERRED bit and the bias once, only on instances of GC types', () => {
    env = makeEnv();
    const t = env.t;
    const op = allocObject(t, env.gc);
    expect(hasDeferredRefcount(t, op)).toBe(false);
    expect(enableDeferredRefcount(t, op)).toBe(true);
    expect(enableDeferredRefcount(t, op)).toBe(false);
    expect(gcBits(t, op) & GC_BITS_DEFERRED).toBe(GC_BITS_DEFERRED);
    expect(getRefcount(t, op)).toBe(1 + REF_DEFERRED);
    const plain = allocObject(t, env.plain);
    expect(enableDeferredRefcount(t, plain)).toBe(false);
    expect(hasDeferredRefcount(t, plain)).toBe(false);
    decref(t, plain);
    expect(disableDeferredRefcount(t, op)).toBe(true);
    decref(t, op);
    expect(env.deaths.map((d) => d.op)).toEqual([plain, op]);
  });

  it('keeps an object alive while only uncounted references remain, until the bias is taken off', () => {
    env = makeEnv();
    const t = env.t;
    const other = otherThread(env);
    const op = allocObject(t, env.gc);
    enableDeferredRefcount(t, op);
    incref(other, op); // a counted reference elsewhere
    decref(t, op); // owner's count reaches zero: merged, the bias keeps it alive
    decref(other, op);
    expect(env.deaths).toEqual([]);
    expect(getRefcount(t, op)).toBe(REF_DEFERRED);
    incref(other, op); // the GC would hold this while it disables deferral
    expect(disableDeferredRefcount(other, op)).toBe(true);
    expect(disableDeferredRefcount(other, op)).toBe(false);
    decref(other, op);
    expect(env.deaths.map((d) => d.op)).toEqual([op]);
  });
});

describe("CPython 3.13's immortalization measure", () => {
  it('immortalizes deferred objects when the second thread joins, and later ones at once unless suppressed', () => {
    env = makeEnv({ immortalizeDeferredOnThreadStart: true });
    const t = env.t;
    const early = allocObject(t, env.gc);
    enableDeferredRefcount(t, early);
    const notDeferred = allocObject(t, env.gc);
    expect(isImmortal(t, early)).toBe(false);
    otherThread(env); // the first non-main thread
    expect(isImmortal(t, early)).toBe(true);
    expect(hasDeferredRefcount(t, early)).toBe(false);
    expect(isImmortal(t, notDeferred)).toBe(false);
    const late = allocObject(t, env.gc);
    expect(enableDeferredRefcount(t, late)).toBe(true);
    expect(isImmortal(t, late)).toBe(true);
    t.suppressImmortalize = true;
    const suppressed = allocObject(t, env.gc);
    expect(enableDeferredRefcount(t, suppressed)).toBe(true);
    expect(isImmortal(t, suppressed)).toBe(false);
    expect(hasDeferredRefcount(t, suppressed)).toBe(true);
    t.suppressImmortalize = false;
    disableDeferredRefcount(t, suppressed);
    decref(t, suppressed);
    decref(t, notDeferred);
    expect(env.deaths.map((d) => d.op)).toEqual([suppressed, notDeferred]);
  });

  it('is off by default', () => {
    env = makeEnv();
    const op = allocObject(env.t, env.gc);
    enableDeferredRefcount(env.t, op);
    otherThread(env);
    expect(isImmortal(env.t, op)).toBe(false);
    disableDeferredRefcount(env.t, op);
    decref(env.t, op);
  });
});

describe('behaviour registries', () => {
  it('refuse a thread whose registries differ from the runtime creator\'s', () => {
    env = makeEnv();
    const heap = SharedHeap.attach(env.heap.handle());
    try {
      const different = new BehaviourRegistry();
      different.add('dealloc', 'something-else', () => {});
      expect(() => rcThreadInit(heap, env!.rc, different, { mi: miThreadInit(heap, env!.mi, null) })).toThrow(/differ from the runtime's/);
    } finally {
      heap.close();
    }
  });

  it('have equal fingerprints exactly when names and order agree, and are sealed once used', () => {
    const a = testRegistry([]).registry;
    const b = testRegistry([]).registry;
    expect(a.fingerprint()).toBe(b.fingerprint());
    b.add('clear', 'x', () => {});
    expect(a.fingerprint()).not.toBe(b.fingerprint());
    const c = new BehaviourRegistry();
    const d = new BehaviourRegistry();
    c.add('clear', 'x', () => {});
    c.add('clear', 'y', () => {});
    d.add('clear', 'y', () => {});
    d.add('clear', 'x', () => {});
    expect(c.fingerprint()).not.toBe(d.fingerprint());
    expect(() => c.add('clear', 'x', () => {})).toThrow(/already registered/);
    const heap = SharedHeap.create({ size: 16 << 20 });
    try {
      const rc = rcCreate(heap, c);
      rcThreadInit(heap, rc, c, { mi: miThreadInit(heap, miCreate(heap), null) });
      expect(() => c.add('finalize', 'z', () => {})).toThrow(/in use by a runtime/);
    } finally {
      heap.close();
    }
  });
});
