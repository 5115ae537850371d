/**
 * The `time` module (src/modules/time.ts): the clocks' units and
 * relations (time() against Date.now(), monotonic and perf_counter never
 * going back, the _ns forms agreeing with the float forms), sleep's
 * blocking duration, and sleep's errors with CPython 3.13's messages
 * (from python3.13: time.sleep('a'), time.sleep(float('nan')), …).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatAsDouble, intAsBigInt, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { bitsToDouble, makeStdModules, type StdModules } from './std-modules-harness.js';

let m: StdModules;
let t: ObThread;
beforeAll(() => {
  m = makeStdModules();
  t = m.t;
});
afterAll(() => m.close());

function callFloat(fn: string): number {
  const r = m.callRaw('_time', fn, []);
  const v = floatAsDouble(t, r);
  decref(t.rc, r);
  return v;
}

function callNs(fn: string): bigint {
  const r = m.callRaw('_time', fn, []);
  const v = intAsBigInt(t, r);
  decref(t.rc, r);
  return v;
}

describe('time clocks', () => {
  it('time() is seconds since the epoch, time_ns() nanoseconds', () => {
    const before = Date.now() / 1000;
    const s = callFloat('time');
    const ns = callNs('time_ns');
    const after = Date.now() / 1000;
    expect(s).toBeGreaterThanOrEqual(before - 0.002);
    expect(s).toBeLessThanOrEqual(after + 0.002);
    expect(Number(ns) / 1e9).toBeGreaterThanOrEqual(s - 0.002);
    expect(Number(ns) / 1e9).toBeLessThanOrEqual(after + 0.002);
  });

  it('monotonic, perf_counter and process_time never go back', () => {
    for (const fn of ['monotonic', 'perf_counter', 'process_time']) {
      let last = callNs(`${fn}_ns`);
      for (let i = 0; i < 1000; i++) {
        const now = callNs(`${fn}_ns`);
        expect(now >= last, fn).toBe(true);
        last = now;
      }
      const f = callFloat(fn);
      expect(Math.abs(f - Number(last) / 1e9), fn).toBeLessThan(1);
    }
  });

  it('process_time counts CPU time (a busy loop advances it)', () => {
    const start = callNs('process_time_ns');
    const until = Date.now() + 30;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(callNs('process_time_ns') - start).toBeGreaterThan(5_000_000n);
  });
});

describe('time.sleep', () => {
  it('blocks for the time asked (at least, and not much more)', () => {
    for (const secs of [{ f: '3f947ae147ae147b' } /* 0.02 */, { i: '0' }]) {
      const start = performance.now();
      expect(m.call('_time', 'sleep', [secs])).toEqual({ n: null });
      const elapsed = (performance.now() - start) / 1000;
      const want = 'f' in secs && secs.f !== undefined ? bitsToDouble(secs.f) : 0;
      expect(elapsed).toBeGreaterThanOrEqual(want - 0.001);
      expect(elapsed).toBeLessThan(want + 0.5);
    }
  });

  it("raises CPython's errors", () => {
    const cases: [Parameters<StdModules['call']>[2][0], string, string][] = [
      [{ s: 'a' }, 'TypeError', "'str' object cannot be interpreted as an integer"],
      [{ f: '7ff8000000000000' }, 'ValueError', 'Invalid value NaN (not a number)'],
      [{ i: '-1' }, 'ValueError', 'sleep length must be non-negative'],
      [{ f: 'bff0000000000000' }, 'ValueError', 'sleep length must be non-negative'],
      [{ i: (2n ** 100n).toString() }, 'OverflowError', 'timestamp too large to convert to C PyTime_t'],
      [{ f: '7e37e43c8800759c' }, 'OverflowError', 'timestamp out of range for platform time_t'], // 1e300
      [{ n: null }, 'TypeError', "'NoneType' object cannot be interpreted as an integer"],
    ];
    for (const [arg, err, msg] of cases) expect(m.call('_time', 'sleep', [arg]), JSON.stringify(arg)).toEqual({ err, msg });
    expect(m.call('_time', 'sleep', [{ f: '8000000000000000' }])).toEqual({ n: null }); // -0.0 is fine
  });
});
