/**
 * The parking lot under load: every worker randomly parks on one of a few
 * addresses with short timeouts, or unparks one waiter (handing it a random
 * token through the callback), or unparks all. Exact invariants afterwards:
 * every successful park was matched by exactly one wake-up, every token handed
 * out arrived, each callback saw the right waiter's park argument, and no
 * waiter is left queued. Timeouts happen all the time, so the timeout path
 * (dequeue, or take the wake-up already on its way) is exercised under load.
 */

import type { StressCheck, StressScenario } from '@ft/harness';
import { parkedInBucket, regionAlloc, SharedHeap, type SharedHeapHandle } from '../../src/index.js';

export interface ParkingLotParams {
  heap: SharedHeapHandle;
  /** First of `words` Int32 words to park on, 64 bytes apart. */
  words: number;
  count: number;
}

export interface ParkingLotResult {
  ops: number;
  parksOk: number;
  parksTimedOut: number;
  wokenByOne: number;
  wokenByAll: number;
  tokensSent: number;
  tokensReceived: number;
  wrongParkArg: number;
}

interface State {
  heap: SharedHeap;
}

const WORD_STRIDE = 64;

export const parkingLotTimeouts: StressScenario<ParkingLotParams, State> = {
  name: 'atomics/parking-lot',
  description: 'random park (short timeouts) / unparkOne with tokens / unparkAll on shared addresses',
  worker: new URL('./parking-lot.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 20_000,
  setup() {
    const heap = SharedHeap.create({ size: 4 << 20 });
    const count = 4;
    const words = regionAlloc(heap, count * WORD_STRIDE);
    return { params: { heap: heap.handle(), words, count }, state: { heap } };
  },
  check({ results, state, params }): StressCheck[] {
    const r = results as ParkingLotResult[];
    const sum = (key: keyof ParkingLotResult): number => r.reduce((a, x) => a + x[key], 0);
    const ok = sum('parksOk');
    const woken = sum('wokenByOne') + sum('wokenByAll');
    let queued = 0;
    for (let i = 0; i < params.count; i++) queued += parkedInBucket(state.heap, params.words + i * WORD_STRIDE);
    return [
      { name: 'each successful park matches exactly one wake-up', ok: ok === woken && ok > 0, detail: `parks woken ${ok}, wake-ups ${woken}` },
      { name: 'every token handed to a waiter arrived', ok: sum('tokensSent') === sum('tokensReceived'), detail: `sent ${sum('tokensSent')}, received ${sum('tokensReceived')}` },
      { name: "callbacks saw the waiter's own park argument", ok: sum('wrongParkArg') === 0, detail: `${sum('wrongParkArg')} mismatches` },
      { name: 'timeouts happened and left nobody queued', ok: sum('parksTimedOut') > 0 && queued === 0, detail: `${sum('parksTimedOut')} timeouts, ${queued} still queued` },
    ];
  },
  metrics: ({ results }) => {
    const r = results as ParkingLotResult[];
    return [
      { name: 'woken', value: r.reduce((a, x) => a + x.parksOk, 0), unit: 'parks' },
      { name: 'timed out', value: r.reduce((a, x) => a + x.parksTimedOut, 0), unit: 'parks' },
    ];
  },
  teardown: ({ heap }) => heap.close(),
};

export const scenarios = [parkingLotTimeouts];
