/**
 * The parking lot under load: every worker randomly parks on one of a few
 * addresses with short timeouts, or unparks one waiter (handing it a random
 * token through the callback), or unparks all. Exact invariants afterwards:
 * every successful park was matched by exactly one wake-up, every token handed
 * out arrived, each callback saw the right waiter's park argument, and no
 * waiter is left queued. Timeouts happen all the time, so the timeout path
 * (dequeue, or take the wake-up already on its way) is exercised under load.
 *
 * Those words never change, so nothing above depends on park's check of the
 * awaited value. Event words do: each worker has one holding a generation
 * number, on which only it parks (expecting the generation it read a moment
 * before); the others signal it with `unparkOne`, whose callback bumps the
 * generation inside the bucket lock and hands the new one to the waiter.
 * Because park checks the word and enqueues under that same lock, a waiter
 * that was woken must have been woken by the first bump after the generation
 * it expected: a later one means it slept through a change, a lost wake-up.
 * The controls make exactly that happen and must be caught:
 * 'unvalidated-park' checks the word before taking the bucket lock and parks
 * regardless afterwards; 'forgetful-signal' bumps a generation without
 * unparking every other time.
 */

import type { StressCheck, StressScenario } from '@ft/harness';
import { parkedInBucket, regionAlloc, SharedHeap, type SharedHeapHandle } from '../../src/index.js';

export interface ParkingLotParams {
  heap: SharedHeapHandle;
  /** First of `count` Int32 words to park on, 64 bytes apart; they stay 0. */
  words: number;
  count: number;
  /** First of one event word per worker (a generation number), 64 bytes apart. */
  events: number;
  /** Busy iterations between reading an event's generation and parking on it. */
  gapSpins: number;
  /** 'park' (the real test) or a control that must fail (see the top of this file). */
  mode: 'park' | 'unvalidated-park' | 'forgetful-signal';
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
  /** Event parks: woken (also counted in parksOk), refused because the generation had moved, timed out. */
  eventParksOk: number;
  eventParksAgain: number;
  eventParksTimedOut: number;
  /** Event parks woken by a later bump than the first one after the generation they expected. */
  lateWakeUps: number;
  /** Signals sent to other workers' event words (each bumps the generation). */
  signals: number;
}

interface State {
  heap: SharedHeap;
}

/** Distance between parking words (and between event words): one cache line. */
export const WORD_STRIDE = 64;

export const parkingLotTimeouts: StressScenario<ParkingLotParams, State> = {
  name: 'atomics/parking-lot',
  description: 'random park (short timeouts) / unparkOne with tokens / unparkAll on shared addresses; per-worker event words signalled by the others',
  worker: new URL('./parking-lot.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 20_000,
  setup({ workers }) {
    const heap = SharedHeap.create({ size: 4 << 20 });
    const count = 4;
    const words = regionAlloc(heap, count * WORD_STRIDE);
    const events = regionAlloc(heap, workers * WORD_STRIDE);
    return { params: { heap: heap.handle(), words, count, events, gapSpins: 5000, mode: 'park' }, state: { heap } };
  },
  check({ results, state, params, workers }): StressCheck[] {
    const r = results as ParkingLotResult[];
    const sum = (key: keyof ParkingLotResult): number => r.reduce((a, x) => a + x[key], 0);
    const ok = sum('parksOk');
    const woken = sum('wokenByOne') + sum('wokenByAll');
    let queued = 0;
    for (let i = 0; i < params.count; i++) queued += parkedInBucket(state.heap, params.words + i * WORD_STRIDE);
    for (let w = 0; w < workers; w++) queued += parkedInBucket(state.heap, params.events + w * WORD_STRIDE);
    return [
      { name: 'each successful park matches exactly one wake-up', ok: ok === woken && ok > 0, detail: `parks woken ${ok}, wake-ups ${woken}` },
      { name: 'every token handed to a waiter arrived', ok: sum('tokensSent') === sum('tokensReceived'), detail: `sent ${sum('tokensSent')}, received ${sum('tokensReceived')}` },
      { name: "callbacks saw the waiter's own park argument", ok: sum('wrongParkArg') === 0, detail: `${sum('wrongParkArg')} mismatches` },
      { name: 'timeouts happened and left nobody queued', ok: sum('parksTimedOut') > 0 && queued === 0, detail: `${sum('parksTimedOut')} timeouts, ${queued} still queued` },
      {
        name: 'no lost wake-up: each woken event waiter was woken by the first change after the value it checked',
        ok: sum('lateWakeUps') === 0 && sum('eventParksOk') > 0,
        detail: `${sum('lateWakeUps')} woken by a later change, of ${sum('eventParksOk')} woken (${sum('eventParksAgain')} refused a moved value, ${sum('eventParksTimedOut')} timed out; ${sum('signals')} signals)`,
      },
    ];
  },
  metrics: ({ results }) => {
    const r = results as ParkingLotResult[];
    return [
      { name: 'woken', value: r.reduce((a, x) => a + x.parksOk, 0), unit: 'parks' },
      { name: 'timed out', value: r.reduce((a, x) => a + x.parksTimedOut, 0), unit: 'parks' },
      { name: 'event parks refused (moved value)', value: r.reduce((a, x) => a + x.eventParksAgain, 0), unit: 'parks' },
    ];
  },
  teardown: ({ heap }) => heap.close(),
};

export const scenarios = [parkingLotTimeouts];
