import { runStressWorker } from '@ft/harness';
import { callOnce, SharedHeap } from '../../src/index.js';
import { ONCE_RECORD_SIZE, type OnceParams, type OnceResult } from './once-flag.scenario.js';

runStressWorker<OnceParams>((ctx) => {
  const heap = SharedHeap.attach(ctx.params.heap);
  const { records, count, initSpins } = ctx.params;
  const i32 = heap.i32;
  const result: OnceResult = { ops: 0, failures: 0, successes: 0, unseen: 0 };
  let sink = 0;
  const initialise = (k: number): number => {
    const base = (records + k * ONCE_RECORD_SIZE) >>> 2;
    for (let i = 0; i < initSpins; i++) sink += i;
    if (Atomics.add(i32, base + 1, 1) === 0) return -1;
    // SAFETY: written by the one initialiser that runs; readers are ordered
    // after it by the once flag's Atomics exchange.
    i32[base + 3] = 1;
    Atomics.add(i32, base + 2, 1);
    return 0;
  };
  while (!ctx.shouldStop(result.ops) && result.ops < count) {
    const k = result.ops;
    const status = callOnce(heap, records + k * ONCE_RECORD_SIZE, initialise, k);
    if (status === 0) {
      result.successes++;
      if (i32[(records + k * ONCE_RECORD_SIZE + 12) >>> 2] !== 1) result.unseen++;
    } else {
      result.failures++;
    }
    result.ops++;
    if ((result.ops & 255) === 0) ctx.progress(result.ops);
  }
  ctx.progress(result.ops);
  heap.close();
  return { ...result, sink };
});
