/**
 * One worker of `mimalloc/working-set-2-workers` (and of its 1-worker
 * baseline): its own MiThread and its own working set (its own seed) in the
 * shared heap. Fill and warm-up are not timed; then all workers meet at a
 * second barrier, so that the timed steps of the workers overlap, and each
 * times its own steps. Afterwards it checks its live blocks, frees them all,
 * reports its counts and calls miThreadExit.
 */

import { SharedHeap } from '@ft/atomics';
import { checkLive, makeWorkload, newWorkingSet, runBenchWorker } from '@ft/harness';
import { miThreadExit, miThreadInit } from '../src/index.js';
import {
  miDrain,
  miFill,
  miSteps,
  RESULT_DONE,
  RESULT_FAILURES,
  RESULT_LIVE_OK,
  RESULT_OPS,
  RESULT_CHECKSUM,
  RESULT_STRIDE,
  type WorkingSetParams,
} from './malloc.bench.js';

runBenchWorker<WorkingSetParams>(({ index, workers, params }) => {
  const heap = SharedHeap.attach(params.heap);
  const t = miThreadInit(heap, params.mi, null);
  const work = makeWorkload(params.seed + index);
  const ws = newWorkingSet(work);
  miFill(t, ws);
  let checksum = miSteps(t, ws, params.warmSteps);
  // Both workers start timing together: spin (Atomics.load) at the barrier,
  // the others are seconds-fraction away at most, with a sleep as fallback.
  const control = params.control;
  Atomics.add(control, 0, 1);
  for (let spins = 0; Atomics.load(control, 0) < workers; spins++) {
    if (spins > 100_000) Atomics.wait(control, 0, Atomics.load(control, 0), 1);
  }
  const start = performance.now();
  checksum = (checksum + miSteps(t, ws, params.steps)) | 0;
  const elapsedMs = performance.now() - start;
  const liveOk = checkLive(ws, 16) === null;
  miDrain(t, ws);
  const base = RESULT_STRIDE * (index + 1);
  control[base + RESULT_FAILURES] = ws.failures;
  control[base + RESULT_OPS] = ws.steps - params.warmSteps;
  control[base + RESULT_LIVE_OK] = liveOk ? 1 : 0;
  control[base + RESULT_CHECKSUM] = checksum;
  miThreadExit(t);
  heap.close();
  Atomics.store(control, base + RESULT_DONE, 1);
  return { ops: params.steps, elapsedMs };
});
