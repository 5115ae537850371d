/**
 * The gc module's functions (gc-api.ts): their results, their argument
 * errors (CPython's, checked against python3.13: `gc.set_threshold(1.5)` is
 * "TypeError: 'float' object cannot be interpreted as an integer",
 * `gc.collect(3)` "ValueError: invalid generation", `gc.get_objects(3)`
 * "ValueError: generation parameter must be less than the number of
 * available generations (3)"), freezing, and the DEBUG_* output.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { getRefcount } from '@ft/refcount';
import {
  DEBUG_COLLECTABLE,
  DEBUG_LEAK,
  DEBUG_STATS,
  DEBUG_UNCOLLECTABLE,
  gcClearGarbage,
  gcGarbage,
  gcCollect,
  gcDisable,
  gcEnable,
  gcFreeze,
  gcGetCount,
  gcGetDebug,
  gcGetFreezeCount,
  gcGetObjects,
  gcGetReferents,
  gcGetReferrers,
  gcGetThreshold,
  gcIsEnabled,
  gcIsFinalized,
  gcIsTracked,
  gcSetDebug,
  gcSetThreshold,
  gcUnfreeze,
  gcUntrack,
  gcVisitObjects,
} from '../src/index.js';
import { makeRuntime, newNode, release, ring, setSlot, type Runtime } from './fixture.js';

let r: Runtime;
afterEach(() => r?.close());

describe('gc API', () => {
  it('enable/disable/isenabled, thresholds, debug flags', () => {
    r = makeRuntime();
    expect(gcIsEnabled(r.gt)).toBe(true);
    gcDisable(r.gt);
    expect(gcIsEnabled(r.gt)).toBe(false);
    gcEnable(r.gt);
    expect(gcIsEnabled(r.gt)).toBe(true);
    expect(gcGetThreshold(r.gt)).toEqual([2000, 10, 10]);
    gcSetThreshold(r.gt, 700);
    expect(gcGetThreshold(r.gt)).toEqual([700, 10, 10]);
    gcSetThreshold(r.gt, -1, 5, 0);
    expect(gcGetThreshold(r.gt), 'negative accepted, as CPython').toEqual([-1, 5, 0]);
    expect(gcGetDebug(r.gt)).toBe(0);
    gcSetDebug(r.gt, DEBUG_LEAK);
    expect(gcGetDebug(r.gt)).toBe(DEBUG_LEAK);
  });

  it('wrong arguments raise what CPython raises, and change nothing', () => {
    r = makeRuntime();
    const bad: [unknown, string, string][] = [
      [1.5, 'TypeError', "'float' object cannot be interpreted as an integer"],
      ['2000', 'TypeError', "'str' object cannot be interpreted as an integer"],
      [null, 'TypeError', "'NoneType' object cannot be interpreted as an integer"],
      [NaN, 'TypeError', "'float' object cannot be interpreted as an integer"],
      [2 ** 40, 'RangeError', 'signed integer is greater than maximum'],
      [-(2 ** 40), 'RangeError', 'signed integer is less than minimum'],
    ];
    for (const [value, name, message] of bad) {
      let error: unknown;
      try {
        gcSetThreshold(r.gt, value as number);
      } catch (e) {
        error = e;
      }
      expect(error, String(value)).toBeInstanceOf(name === 'TypeError' ? TypeError : RangeError);
      expect((error as Error).message).toBe(message);
    }
    expect(gcGetThreshold(r.gt)).toEqual([2000, 10, 10]);
    expect(() => gcCollect(r.gt, 3)).toThrow(new RangeError('invalid generation'));
    expect(() => gcCollect(r.gt, -1)).toThrow(new RangeError('invalid generation'));
    expect(() => gcCollect(r.gt, 0.5)).toThrow(TypeError);
    expect(() => gcGetObjects(r.gt, 3)).toThrow(new RangeError('generation parameter must be less than the number of available generations (3)'));
    expect(() => gcGetObjects(r.gt, -2)).toThrow(new RangeError('generation parameter cannot be negative'));
    expect(() => gcSetDebug(r.gt, 'x' as never)).toThrow(new TypeError("'str' object cannot be interpreted as an integer"));
  });

  it('get_objects: tracked objects, each with a new reference; untracked and frozen ones left out', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    const c = newNode(r, 0);
    gcUntrack(r.t, c);
    const objects = gcGetObjects(r.gt);
    expect(new Set(objects)).toEqual(new Set([a!, b!]));
    expect(getRefcount(r.t, a!)).toBe(3);
    release(r, ...objects);
    const all = gcGetObjects(r.gt, -1);
    expect(all.length, 'generation -1 is all, as CPython').toBe(2);
    release(r, ...all);
    release(r, a!, b!, c);
    // a and b: their cycle still holds them; the rest went with their last reference
    expect(gcCollect(r.gt)).toBe(2);
  });

  it('get_referrers and get_referents', () => {
    r = makeRuntime();
    const target = newNode(r, 0);
    const p1 = newNode(r, 1);
    const p2 = newNode(r, 2);
    setSlot(r, p1, 0, target);
    setSlot(r, p2, 1, target);
    const referrers = gcGetReferrers(r.gt, target);
    expect(new Set(referrers)).toEqual(new Set([p1, p2]));
    release(r, ...referrers);
    const referents = gcGetReferents(r.gt, p1, p2);
    expect(referents).toEqual([target, target]);
    release(r, ...referents);
    expect(getRefcount(r.t, target)).toBe(3);
    release(r, p1, p2, target);
  });

  it('freeze: frozen garbage is left alone and not counted; unfreeze gives it back', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    const [c] = ring(r, 1);
    gcFreeze(r.gt);
    expect(gcGetFreezeCount(r.gt)).toBe(3);
    release(r, a!, b!, c!);
    expect(gcCollect(r.gt)).toBe(0);
    expect(gcGetObjects(r.gt)).toEqual([]);
    const visited: number[] = [];
    gcVisitObjects(r.gt, (op) => {
      visited.push(op);
      return true;
    });
    expect(visited).toEqual([]);
    gcUnfreeze(r.gt);
    expect(gcGetFreezeCount(r.gt)).toBe(0);
    expect(gcCollect(r.gt)).toBe(3);
  });

  it('is_tracked and is_finalized', () => {
    r = makeRuntime();
    const [a] = ring(r, 1, r.types.finalized);
    expect(gcIsTracked(r.t, a!)).toBe(true);
    expect(gcIsFinalized(r.t, a!)).toBe(false);
    r.finalizers.set(a!, (op) => setSlot(r, op, 0, 0));
    release(r, a!);
    gcCollect(r.gt);
    expect(r.finalized).toEqual([a!]);
  });

  it('DEBUG_STATS, DEBUG_COLLECTABLE and DEBUG_UNCOLLECTABLE print what CPython prints', () => {
    r = makeRuntime();
    const [a] = ring(r, 1);
    const [l] = ring(r, 1, r.types.legacy);
    release(r, a!, l!);
    gcSetDebug(r.gt, DEBUG_STATS | DEBUG_COLLECTABLE | DEBUG_UNCOLLECTABLE);
    expect(gcCollect(r.gt)).toBe(2);
    const hex = (op: number): string => `0x${op.toString(16).padStart(8, '0')}`;
    expect(r.output.join('')).toMatch(
      new RegExp(
        '^gc: collecting generation 2\\.\\.\\.\\n' +
          `gc: collectable <Node ${hex(a!)}>\\n` +
          `gc: uncollectable <Legacy ${hex(l!)}>\\n` +
          'gc: done, 2 unreachable, 1 uncollectable, \\d+\\.\\d{4}s elapsed\\n$',
      ),
    );
    gcSetDebug(r.gt, 0);
    setSlot(r, l!, 0, 0);
    gcClearGarbage(r.gt);
  });

  it('callbacks: "start" and "stop" with the info fields', () => {
    r = makeRuntime();
    const calls: [string, object][] = [];
    r.hooks.callbacks = (phase, info) => calls.push([phase, { ...info }]);
    release(r, ...ring(r, 3));
    gcCollect(r.gt, 1);
    expect(calls).toEqual([
      ['start', { generation: 1, collected: 0, uncollectable: 0 }],
      ['stop', { generation: 1, collected: 3, uncollectable: 0 }],
    ]);
    r.hooks.callbacks = () => {
      throw new Error('bad callback');
    };
    gcCollect(r.gt);
    expect(r.errors.map((e) => e.message)).toEqual(['Exception ignored on invoking gc callbacks', 'Exception ignored on invoking gc callbacks']);
  });

  it('get_count: collections of the younger generations counted in the older', () => {
    r = makeRuntime();
    gcCollect(r.gt, 0);
    gcCollect(r.gt, 0);
    expect(gcGetCount(r.gt).slice(1)).toEqual([2, 0]);
    gcCollect(r.gt, 1);
    expect(gcGetCount(r.gt).slice(1)).toEqual([0, 1]);
    gcCollect(r.gt, 2);
    expect(gcGetCount(r.gt).slice(1)).toEqual([0, 0]);
  });
});

describe('gc.garbage', () => {
  it('clearing takes every entry at once, including ones appended by a finalizer-driven collection meanwhile', () => {
    r = makeRuntime();
    const legacy = [...ring(r, 1, r.types.legacy), ...ring(r, 1, r.types.legacy)];
    release(r, ...legacy);
    expect(gcCollect(r.gt)).toBe(2);
    expect(gcGarbage(r.gt).length).toBe(2);
    for (const op of legacy) setSlot(r, op, 0, 0);
    expect(gcClearGarbage(r.gt)).toBe(2);
    expect(gcGarbage(r.gt)).toEqual([]);
    expect(new Set(r.deallocated)).toEqual(new Set(legacy));
    expect(gcClearGarbage(r.gt), 'an empty list clears to nothing').toBe(0);
  });
});
