/**
 * Weak references during a collection, through the weakref hooks, as
 * CPython's test_gc.py and test_weakref.py pin them (with the clearing order
 * of gh-135552 and GH-91636).
 */

import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '../src/index.js';
import { deref, makeRuntime, newNode, newWeakref, release, ring, setSlot, type Runtime } from './fixture.js';

let r: Runtime;
afterEach(() => r?.close());

describe('weakrefs to garbage', () => {
  it('every weakref with a callback to a dying object is cleared before any callback runs; callbacks of reachable weakrefs run, newest first per the worklist', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    const seen: { wr: number; refs: number[] }[] = [];
    const wrs: number[] = [];
    const record = (wr: number): void => {
      seen.push({ wr, refs: wrs.map((w) => deref(r, w)) });
    };
    wrs.push(newWeakref(r, a!, record), newWeakref(r, a!, record), newWeakref(r, b!, record));
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(seen.length).toBe(3);
    for (const call of seen) expect(call.refs, 'all cleared before the first callback').toEqual([0, 0, 0]);
    // As CPython's worklists: the garbage is walked from the last found (b, then a), each
    // list newest first, every callback pushed on a stack and popped: a's oldest first.
    expect(seen.map((s) => s.wr)).toEqual([wrs[0], wrs[1], wrs[2]]);
    release(r, ...wrs);
  });

  it('the callback of a weakref that is itself garbage is never called (bpo-38006)', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    let called = 0;
    const wr = newWeakref(r, a!, () => called++);
    // The weakref is part of the garbage: a → b → holder → {wr, a}, and wr ⇢ a (weak).
    const holder = newNode(r, 2);
    setSlot(r, holder, 0, wr);
    setSlot(r, holder, 1, a!);
    setSlot(r, b!, 0, holder);
    release(r, wr, holder);
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(4);
    expect(called).toBe(0);
    expect(r.deallocated).toContain(wr);
  });

  it('a callback-less weakref is cleared only after the finalizers: a finalizer still sees its referent (gh-135552)', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2, r.types.finalized);
    const plain = newWeakref(r, b!);
    let sawInFinalizer = -1;
    r.finalizers.set(a!, () => {
      sawInFinalizer = deref(r, plain);
    });
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(sawInFinalizer).toBe(b!);
    expect(deref(r, plain), 'cleared by the end').toBe(0);
    release(r, plain);
  });

  it('a weakref a finalizer creates to garbage is cleared before tp_clear (GH-91636)', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2, r.types.finalized);
    let made = 0;
    let called = 0;
    r.finalizers.set(a!, () => {
      made = newWeakref(r, b!, () => called++);
    });
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(made).not.toBe(0);
    expect(deref(r, made)).toBe(0);
    expect(called, 'cleared without its callback').toBe(0);
    release(r, made);
  });

  it('weakrefs to classes keep their referent through the finalizers even with a callback (gh-135552)', () => {
    r = makeRuntime();
    const [cls, other] = ring(r, 2, r.types.finalized);
    r.hooks.weakrefs = { isClass: (_t: unknown, op: number) => op === cls } as never;
    let called = 0;
    const wr = newWeakref(r, cls!, () => called++);
    let sawInFinalizer = -1;
    r.finalizers.set(other!, () => {
      sawInFinalizer = deref(r, wr);
    });
    release(r, cls!, other!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(sawInFinalizer).toBe(cls!);
    expect(deref(r, wr)).toBe(0);
    expect(called).toBe(0);
    release(r, wr);
  });

  it('a callback that throws is reported; the others still run', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    let ran = 0;
    const w1 = newWeakref(r, a!, () => {
      throw new Error('callback failed');
    });
    const w2 = newWeakref(r, b!, () => ran++);
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(ran).toBe(1);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Exception ignored in weakref callback of 0x/)]);
    release(r, w1, w2);
  });

  it('weakrefs to reachable objects are left alone', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    let called = 0;
    const wr = newWeakref(r, a!, () => called++);
    expect(gcCollect(r.gt)).toBe(0);
    expect(deref(r, wr)).toBe(a!);
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(called).toBe(1);
    release(r, wr);
  });
});
