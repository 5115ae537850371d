/**
 * The `time` module's clocks and `sleep` (CPython's `Modules/timemodule.c`
 * and `Python/pytime.c`): `time`/`time_ns` (the wall clock, since the
 * epoch), `perf_counter`/`monotonic` (one monotonic clock, as on Linux
 * where both read CLOCK_MONOTONIC), `process_time` (the process's CPU
 * time), each with its `_ns` form, and `sleep` with CPython's errors.
 */

import { performance } from 'node:perf_hooks';
import { errOccurred, errRaise, floatAsDouble, floatCheck, floatFromDouble, intAsBigInt, intFromBigInt, METH_NOARGS, METH_O, numberIndex, StaticType, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import type { FunctionDef, ModuleDef } from './module-def.js';

const NS_PER_SEC = 1_000_000_000n;
const PYTIME_MAX = 2n ** 63n - 1n;
const PYTIME_MIN = -(2n ** 63n);

/** Nanoseconds since the epoch: the process's start on the wall clock plus the monotonic time since. */
function wallNs(): bigint {
  const originUs = BigInt(Math.round(performance.timeOrigin * 1000));
  return originUs * 1000n + BigInt(Math.round(performance.now() * 1e6));
}

function monotonicNs(): bigint {
  return process.hrtime.bigint();
}

/** User plus system CPU time of the process (microsecond resolution). */
function processNs(): bigint {
  const { user, system } = process.cpuUsage();
  return BigInt(user + system) * 1000n;
}

function seconds(t: ObThread, ns: bigint): number {
  return floatFromDouble(t, Number(ns) / 1e9);
}

function clock(name: string, read: () => bigint): FunctionDef[] {
  return [
    { name, flags: METH_NOARGS, fn: (t) => seconds(t, read()) },
    { name: `${name}_ns`, flags: METH_NOARGS, fn: (t) => intFromBigInt(t, read()) },
  ];
}

/**
 * `_PyTime_FromSecondsObject(obj, _PyTime_ROUND_TIMEOUT)`: seconds as
 * nanoseconds rounded up, or null with CPython's error: a NaN, a float or
 * an int out of the 64-bit nanosecond range, or something that is not a
 * number ("'str' object cannot be interpreted as an integer").
 */
function timeoutNs(t: ObThread, op: number): bigint | null {
  if (floatCheck(t, op)) {
    const d = floatAsDouble(t, op);
    if (Number.isNaN(d)) {
      errRaise(t, StaticType.ValueError, 'Invalid value NaN (not a number)');
      return null;
    }
    const ns = Math.ceil(d * 1e9);
    if (!(ns >= -(2 ** 63) && ns < 2 ** 63)) {
      errRaise(t, StaticType.OverflowError, 'timestamp out of range for platform time_t');
      return null;
    }
    return BigInt(ns);
  }
  const index = numberIndex(t, op);
  if (index === 0) return null;
  const secs = intAsBigInt(t, index);
  decref(t.rc, index);
  const ns = secs * NS_PER_SEC;
  if (ns > PYTIME_MAX || ns < PYTIME_MIN) {
    errRaise(t, StaticType.OverflowError, 'timestamp too large to convert to C PyTime_t');
    return null;
  }
  return ns;
}

/** A private word to wait on: nobody ever notifies it, so a wait lasts its timeout. */
let sleepWord: Int32Array | null = null;

/**
 * Blocks the calling thread for `ns` nanoseconds (`Atomics.wait` on a
 * private SharedArrayBuffer; a worker's event loop does not run meanwhile).
 * The VM calls `time.sleep` with the thread state detached
 * (`Py_BEGIN_ALLOW_THREADS`), so that a stop-the-world or a GIL handoff
 * does not wait for the sleeper.
 */
export function sleepNs(ns: bigint): void {
  sleepWord ??= new Int32Array(new SharedArrayBuffer(4));
  const deadline = monotonicNs() + ns;
  for (;;) {
    const left = deadline - monotonicNs();
    if (left <= 0n) return;
    Atomics.wait(sleepWord, 0, 0, Number(left) / 1e6);
  }
}

const FUNCTIONS: FunctionDef[] = [
  ...clock('time', wallNs),
  ...clock('perf_counter', monotonicNs),
  ...clock('monotonic', monotonicNs),
  ...clock('process_time', processNs),
  {
    name: 'sleep',
    flags: METH_O,
    fn: (t, _self, args) => {
      const ns = timeoutNs(t, t.u32[args >>> 2]!);
      if (ns === null) return 0;
      if (ns < 0n) return errRaise(t, StaticType.ValueError, 'sleep length must be non-negative');
      sleepNs(ns);
      return errOccurred(t) !== 0 ? 0 : t.none;
    },
  },
];

/** `time`: the clocks and `sleep` (gmtime, localtime and strftime are not provided). */
export const TIME_MODULE: ModuleDef = {
  name: 'time',
  doc: 'This module provides various functions to manipulate time values.',
  functions: FUNCTIONS,
};
