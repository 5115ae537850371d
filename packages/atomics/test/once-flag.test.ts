import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  callOnce,
  FatalError,
  formatAddress,
  MUTEX_HAS_PARKED_BIT,
  MUTEX_LOCKED_BIT,
  ONCE_INITIALIZED,
  onceFlagIsInitialized,
  parkedInBucket,
  regionAlloc,
  SharedHeap,
} from '../src/index.js';

let heap: SharedHeap;
let flag: number;
let calls: number[];
let seenInside: number[];

/** Records its argument and the flag byte it runs under; succeeds. */
function succeed(arg: number): number {
  calls.push(arg);
  seenInside.push(Atomics.load(heap.u8, flag));
  return 0;
}

function fail(arg: number): number {
  calls.push(arg);
  return -1;
}

beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
  flag = regionAlloc(heap, 64, 64) + 5;
  calls = [];
  seenInside = [];
});

afterEach(() => {
  heap.close();
});

describe('once flag', () => {
  it('runs the initialiser once, in the running state, then reads INITIALIZED (4)', () => {
    expect(heap.u8[flag]).toBe(0);
    expect(onceFlagIsInitialized(heap, flag)).toBe(false);
    expect(callOnce(heap, flag, succeed, 42)).toBe(0);
    expect(calls).toEqual([42]);
    expect(seenInside).toEqual([MUTEX_LOCKED_BIT]);
    expect(heap.u8[flag]).toBe(ONCE_INITIALIZED);
    expect(onceFlagIsInitialized(heap, flag)).toBe(true);

    expect(callOnce(heap, flag, succeed, 7)).toBe(0);
    expect(callOnce(heap, flag, fail, 8)).toBe(0);
    expect(calls).toEqual([42]);
    expect(heap.u8[flag]).toBe(ONCE_INITIALIZED);
  });

  it('takes the fast path on an already-initialised byte', () => {
    heap.u8[flag] = ONCE_INITIALIZED;
    expect(callOnce(heap, flag, succeed, 1)).toBe(0);
    expect(calls).toEqual([]);
  });

  it('a failing initialiser returns -1 and resets the flag so a later caller retries', () => {
    expect(callOnce(heap, flag, fail, 1)).toBe(-1);
    expect(heap.u8[flag]).toBe(0);
    expect(onceFlagIsInitialized(heap, flag)).toBe(false);
    expect(callOnce(heap, flag, fail, 2)).toBe(-1);
    expect(heap.u8[flag]).toBe(0);
    expect(callOnce(heap, flag, succeed, 3)).toBe(0);
    expect(calls).toEqual([1, 2, 3]);
    expect(heap.u8[flag]).toBe(ONCE_INITIALIZED);
  });

  it('an initialiser returning neither 0 nor -1 is fatal, names the address, and releases the flag', () => {
    let error: unknown;
    try {
      callOnce(heap, flag, () => 7, 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FatalError);
    expect((error as Error).message).toContain(formatAddress(flag));
    expect((error as Error).message).toContain('returned 7');
    expect(heap.u8[flag]).toBe(0);
  });

  it('an initialiser that throws leaves the flag reset and the error propagates', () => {
    const boom = new Error('boom');
    expect(() =>
      callOnce(
        heap,
        flag,
        () => {
          throw boom;
        },
        0,
      ),
    ).toThrow(boom);
    expect(heap.u8[flag]).toBe(0);
    expect(callOnce(heap, flag, succeed, 9)).toBe(0);
    expect(calls).toEqual([9]);
  });

  it('clears HAS_PARKED recorded by a waiter while the initialiser ran', () => {
    const result = callOnce(
      heap,
      flag,
      (arg) => {
        // What a second thread does before it parks.
        Atomics.or(heap.u8, flag, MUTEX_HAS_PARKED_BIT);
        return arg;
      },
      0,
    );
    expect(result).toBe(0);
    expect(heap.u8[flag]).toBe(ONCE_INITIALIZED);
    expect(parkedInBucket(heap, flag)).toBe(0);
  });

  it('on failure with a recorded waiter the flag goes back to 0, not 2', () => {
    const result = callOnce(
      heap,
      flag,
      () => {
        Atomics.or(heap.u8, flag, MUTEX_HAS_PARKED_BIT);
        return -1;
      },
      0,
    );
    expect(result).toBe(-1);
    expect(heap.u8[flag]).toBe(0);
  });

  it('an invalid flag state is fatal and names the address', () => {
    for (const bad of [MUTEX_HAS_PARKED_BIT, 8, 255]) {
      heap.u8[flag] = bad;
      expect(() => callOnce(heap, flag, succeed, 0)).toThrow(FatalError);
      expect(() => callOnce(heap, flag, succeed, 0)).toThrow(formatAddress(flag));
      expect(heap.u8[flag]).toBe(bad);
    }
    expect(calls).toEqual([]);
  });
});
