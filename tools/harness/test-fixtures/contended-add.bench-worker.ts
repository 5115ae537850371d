/**
 * Worker of the sample benchmark: every worker adds to the same shared word,
 * so each `Atomics.add` fights for one cache line. A short untimed warm-up on
 * a private word lets the loop get optimised before the clock starts.
 */

import { runBenchWorker } from '../src/bench.js';

/** Posted through workerData: the SharedArrayBuffer behind `counter` is shared, not copied. */
export interface ContendedAddParams {
  counter: Int32Array;
  ops: number;
}

function addLoop(word: Int32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum = (sum + Atomics.add(word, 0, 1)) | 0;
  return sum;
}

runBenchWorker<ContendedAddParams>(({ params, quick }) => {
  const scratch = new Int32Array(new SharedArrayBuffer(8));
  let sink = addLoop(scratch, quick ? 10_000 : 200_000);
  const start = performance.now();
  sink = (sink + addLoop(params.counter, params.ops)) | 0;
  const elapsedMs = performance.now() - start;
  // Publishing the sums keeps the loops' results observable.
  Atomics.store(scratch, 1, sink);
  return { ops: params.ops, elapsedMs };
});
