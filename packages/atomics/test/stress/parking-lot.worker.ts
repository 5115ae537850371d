import { runStressWorker } from '@ft/harness';
import { PARK_AGAIN, PARK_OK, PARK_TIMEOUT, park, parkUnparkValue, SharedHeap, unparkAll, unparkOne, type UnparkCallback } from '../../src/index.js';
import { WORD_STRIDE, type ParkingLotParams, type ParkingLotResult } from './parking-lot.scenario.js';

/** Signals per signalling step: frequent enough that changes often land between a waiter's read and its park. */
const SIGNAL_BURST = 4;

let sink = 0;

function spin(n: number): void {
  for (let i = 0; i < n; i++) sink += i;
}

/**
 * The signal's callback: runs inside the bucket lock of the event word
 * (`arg`), whether a waiter was dequeued or not, so the bump is ordered with
 * every waiter's check-and-enqueue; the waiter receives the new generation.
 */
const bumpGeneration: UnparkCallback = (heap, arg) => Atomics.add(heap.i32, arg >>> 2, 1) + 1;

/**
 * The 'unvalidated-park' control: the awaited word is checked before the
 * bucket lock is taken, and the thread enqueues afterwards whatever the word
 * holds by then (the real park is given the current value, so its own check
 * under the lock never refuses). A change that lands in between is missed.
 */
function parkUnvalidated(heap: SharedHeap, addr: number, expected: number, gapSpins: number, timeoutMs: number): number {
  if (Atomics.load(heap.i32, addr >>> 2) !== expected) return PARK_AGAIN;
  spin(gapSpins);
  return park(heap, addr, Atomics.load(heap.i32, addr >>> 2), 4, timeoutMs, heap.tid, false);
}

runStressWorker<ParkingLotParams>((ctx) => {
  const heap = SharedHeap.attach(ctx.params.heap);
  const { words, count, events, gapSpins, mode } = ctx.params;
  const rng = ctx.rng;
  const workers = ctx.workers;
  const myEvent = events + ctx.index * WORD_STRIDE;
  const result: ParkingLotResult = {
    ops: 0,
    parksOk: 0,
    parksTimedOut: 0,
    wokenByOne: 0,
    wokenByAll: 0,
    tokensSent: 0,
    tokensReceived: 0,
    wrongParkArg: 0,
    eventParksOk: 0,
    eventParksAgain: 0,
    eventParksTimedOut: 0,
    lateWakeUps: 0,
    signals: 0,
  };
  let forget = false;
  // The callback runs on this thread inside the bucket lock; it closes over
  // nothing so it can be a plain function (arg carries the token).
  const handToken: UnparkCallback = (_heap, token, waiterTid, waiterParkArg) => {
    if (waiterTid !== 0 && waiterParkArg !== waiterTid) result.wrongParkArg++;
    return token;
  };
  while (!ctx.shouldStop(result.ops)) {
    const addr = words + rng.nextInt(count) * WORD_STRIDE;
    const action = rng.nextInt(100);
    if (action < 40) {
      // The words stay 0, so park never returns AGAIN here; our tid is the park argument.
      const status = park(heap, addr, 0, 4, 0.02 + rng.nextFloat() * 0.3, heap.tid, false);
      if (status === PARK_OK) {
        result.parksOk++;
        result.tokensReceived += parkUnparkValue(heap);
      } else if (status === PARK_TIMEOUT) {
        result.parksTimedOut++;
      }
    } else if (action < 68) {
      const token = 1 + rng.nextInt(1000);
      if (unparkOne(heap, addr, handToken, token) !== 0) {
        result.wokenByOne++;
        result.tokensSent += token;
      }
    } else if (action < 73) {
      result.wokenByAll += unparkAll(heap, addr);
    } else if (action < 85) {
      // Wait for the next change of our event word after the generation read here.
      const expected = Atomics.load(heap.i32, myEvent >>> 2);
      const timeoutMs = 0.1 + rng.nextFloat() * 0.5;
      let status: number;
      if (mode === 'unvalidated-park') {
        status = parkUnvalidated(heap, myEvent, expected, gapSpins, timeoutMs);
      } else {
        spin(gapSpins); // the same window for a signal to land before we park
        status = park(heap, myEvent, expected, 4, timeoutMs, heap.tid, false);
      }
      if (status === PARK_OK) {
        result.parksOk++;
        result.eventParksOk++;
        if (parkUnparkValue(heap) !== ((expected + 1) | 0)) result.lateWakeUps++;
      } else if (status === PARK_AGAIN) {
        result.eventParksAgain++;
      } else {
        result.eventParksTimedOut++;
      }
    } else if (workers > 1) {
      // A burst of signals to other workers' event words.
      for (let k = 0; k < SIGNAL_BURST; k++) {
        const other = (ctx.index + 1 + rng.nextInt(workers - 1)) % workers;
        const event = events + other * WORD_STRIDE;
        result.signals++;
        if (mode === 'forgetful-signal' && (forget = !forget)) {
          // The control's bug: the value changes but nobody is woken.
          Atomics.add(heap.i32, event >>> 2, 1);
        } else if (unparkOne(heap, event, bumpGeneration, event) !== 0) {
          result.wokenByOne++;
        }
      }
    }
    result.ops++;
    if ((result.ops & 255) === 0) ctx.progress(result.ops);
  }
  ctx.progress(result.ops);
  heap.close();
  return { ...result, sink };
});
