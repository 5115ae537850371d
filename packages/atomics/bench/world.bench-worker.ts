/**
 * A busy participant for the stop-the-world bench: attached, summing heap
 * words with a `pollSafePoint` per iteration, until the stop word is set.
 * Publishes its progress every 1024 iterations so that the requester can
 * tell that it runs again after a restart.
 */

import { runBenchWorker } from '@ft/harness';
import { attach, detach, participantCreate, participantDelete, pollSafePoint, SharedHeap, type SharedHeapHandle } from '../src/index.js';

export interface WorldBenchParams {
  heap: SharedHeapHandle;
  group: number;
  /** Int32 word: non-zero = leave. */
  stop: number;
  /** Worker k's 64-byte record at records + 64 * k: its progress (Int32), then 8 words it reads. */
  records: number;
}

runBenchWorker<WorldBenchParams>(({ params, index }) => {
  const heap = SharedHeap.attach(params.heap);
  const { i32, u32 } = heap;
  const p = participantCreate(heap, params.group);
  const progress = (params.records + 64 * index) >>> 2;
  const stop = params.stop >>> 2;
  const base = (params.records + 64 * index + 8) >>> 2;
  attach(p);
  const start = performance.now();
  let rounds = 0;
  let acc = 0;
  while (Atomics.load(i32, stop) === 0) {
    for (let i = 0; i < 1024; i++) {
      // SAFETY: this worker's own record words; nobody writes them during the run.
      acc = (acc + u32[base + (i & 7)]) | 0;
      pollSafePoint(p);
    }
    rounds++;
    Atomics.store(i32, progress, rounds);
  }
  const elapsedMs = performance.now() - start;
  detach(p);
  participantDelete(p);
  heap.close();
  return { ops: rounds * 1024 + (acc & 0), elapsedMs };
});
