/**
 * One worker of `refcount/2-workers`: joins the runtime, takes its object
 * (allocates its own, or uses the shared one), meets the other workers at a
 * barrier, times its pairs, then checks the count is back to its start.
 */

import { SharedHeap } from '@ft/atomics';
import { runBenchWorker } from '@ft/harness';
import { miThreadExit, miThreadInit } from '@ft/mimalloc';
import { allocObject, BehaviourRegistry, decref, getRefcount, rcThreadExit, rcThreadInit } from '../src/index.js';
import { pairs, type PairWorkerParams } from './refcount.bench.js';

runBenchWorker<PairWorkerParams>(({ workers, params }) => {
  const heap = SharedHeap.attach(params.heap);
  const mi = miThreadInit(heap, params.mi, null);
  const t = rcThreadInit(heap, params.rc, new BehaviourRegistry(), { mi });
  const own = params.shared === 0;
  const op = own ? allocObject(t, params.type) : params.shared;
  const objects = new Uint32Array(8).fill(op);
  const before = getRefcount(t, op);
  pairs(t, objects, 100_000); // warm-up
  const control = params.control;
  Atomics.add(control, 0, 1);
  for (let spins = 0; Atomics.load(control, 0) < workers; spins++) {
    if (spins > 100_000) Atomics.wait(control, 0, Atomics.load(control, 0), 1);
  }
  const start = performance.now();
  pairs(t, objects, params.pairs);
  const elapsedMs = performance.now() - start;
  // A shared object's count is checked by the main thread once all workers are done.
  if (own) {
    if (getRefcount(t, op) !== before) Atomics.add(control, 1, 1);
    decref(t, op);
  }
  rcThreadExit(t);
  miThreadExit(mi);
  heap.close();
  return { ops: params.pairs, elapsedMs };
});
