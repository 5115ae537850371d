import { runStressWorker } from '@ft/harness';
import { type HeapContext, PARK_OK, PARK_TIMEOUT, park, parkUnparkValue, SharedHeap, unparkAll, unparkOne } from '../../src/index.js';
import type { ParkingLotParams, ParkingLotResult } from './parking-lot.scenario.js';

const WORD_STRIDE = 64;

runStressWorker<ParkingLotParams>((ctx) => {
  const heap = SharedHeap.attach(ctx.params.heap);
  const { words, count } = ctx.params;
  const rng = ctx.rng;
  const result: ParkingLotResult = {
    ops: 0,
    parksOk: 0,
    parksTimedOut: 0,
    wokenByOne: 0,
    wokenByAll: 0,
    tokensSent: 0,
    tokensReceived: 0,
    wrongParkArg: 0,
  };
  // The callback runs on this thread inside the bucket lock; it closes over
  // nothing so it can be a plain function (arg carries the token).
  const handToken = (_heap: HeapContext, token: number, waiterTid: number, waiterParkArg: number): number => {
    if (waiterTid !== 0 && waiterParkArg !== waiterTid) result.wrongParkArg++;
    return token;
  };
  while (!ctx.shouldStop(result.ops)) {
    const addr = words + rng.nextInt(count) * WORD_STRIDE;
    const action = rng.nextInt(100);
    if (action < 50) {
      // The words stay 0, so park never returns AGAIN here; our tid is the park argument.
      const status = park(heap, addr, 0, 4, 0.02 + rng.nextFloat() * 0.3, heap.tid, false);
      if (status === PARK_OK) {
        result.parksOk++;
        result.tokensReceived += parkUnparkValue(heap);
      } else if (status === PARK_TIMEOUT) {
        result.parksTimedOut++;
      }
    } else if (action < 95) {
      const token = 1 + rng.nextInt(1000);
      if (unparkOne(heap, addr, handToken, token) !== 0) {
        result.wokenByOne++;
        result.tokensSent += token;
      }
    } else {
      result.wokenByAll += unparkAll(heap, addr);
    }
    result.ops++;
    if ((result.ops & 255) === 0) ctx.progress(result.ops);
  }
  ctx.progress(result.ops);
  heap.close();
  return result;
});
