/**
 * `_time`, the part of the `time` module written in TypeScript (CPython's
 * `Modules/timemodule.c` and `Python/pytime.c`); lib/time.py re-exports
 * it and adds `struct_time` and the calendar functions. Here:
 * `time`/`time_ns` (the wall clock, since the epoch),
 * `perf_counter`/`monotonic` (one monotonic clock, as on Linux where both
 * read CLOCK_MONOTONIC), `process_time` (the process's CPU time),
 * `thread_time`, each with its `_ns` form, `sleep` with CPython's errors,
 * and `_localtz(seconds)`: the local zone at an instant as JavaScript's
 * `Date` knows it (what `localtime_r` gives C: UTC offset, DST flag, zone
 * abbreviation).
 */

import { performance } from 'node:perf_hooks';
import {
  errOccurred,
  errRaise,
  floatAsDouble,
  floatCheck,
  floatFromDouble,
  intAsBigInt,
  intFromBigInt,
  intFromNumber,
  METH_NOARGS,
  METH_O,
  numberIndex,
  StaticType,
  strFromJs,
  tupleFromArray,
  type ObThread,
} from '@ft/objects';
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

/**
 * The thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`). Node 20 has no
 * per-thread CPU clock, so this is the process's, which bounds it: it
 * never goes back and grows only while the process computes.
 */
function threadNs(): bigint {
  return processNs();
}

/** The span `Date` represents: ±8.64e15 ms around the epoch. */
const DATE_LIMIT_S = 8.64e12;

/** The zone abbreviation JavaScript gives for `date` (`UTC`, `CET`, `GMT+1`…). */
function zoneName(date: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** Seconds east of UTC at `date` (`tm_gmtoff`). */
function gmtoff(date: Date): number {
  // getTimezoneOffset is minutes west of UTC; `0 -` keeps a UTC zone's offset +0 rather than -0.
  return 0 - date.getTimezoneOffset() * 60;
}

/**
 * `_time._localtz(seconds)`: `(tm_gmtoff, tm_isdst, tm_zone)` of the local
 * zone at `seconds` since the epoch (clamped to the range `Date` covers).
 * DST is on when the offset is larger than the smaller of January's and
 * July's offsets that year (the zone's standard time).
 */
function localtz(t: ObThread, _module: number, args: number): number {
  const arg = t.u32[args >>> 2]!;
  let secs: number;
  if (floatCheck(t, arg)) secs = floatAsDouble(t, arg);
  else {
    const index = numberIndex(t, arg);
    if (index === 0) return 0;
    secs = Number(intAsBigInt(t, index));
    decref(t.rc, index);
  }
  if (Number.isNaN(secs)) secs = 0;
  const date = new Date(Math.max(-DATE_LIMIT_S, Math.min(DATE_LIMIT_S, secs)) * 1000);
  const off = gmtoff(date);
  const year = date.getFullYear();
  const standard = Math.min(gmtoff(new Date(year, 0, 1)), gmtoff(new Date(year, 6, 1)));
  const items = [intFromNumber(t, off), intFromNumber(t, off > standard ? 1 : 0), strFromJs(t, zoneName(date))];
  const tuple = items.includes(0) ? 0 : tupleFromArray(t, items);
  for (const item of items) if (item !== 0) decref(t.rc, item);
  return tuple;
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
  ...clock('thread_time', threadNs),
  { name: '_localtz', flags: METH_O, fn: localtz },
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

/** `_time`: the clocks, `sleep` and the local zone; lib/time.py is the `time` module. */
export const TIME_MODULE: ModuleDef = {
  name: '_time',
  doc: 'This module provides various functions to manipulate time values.',
  functions: FUNCTIONS,
};
