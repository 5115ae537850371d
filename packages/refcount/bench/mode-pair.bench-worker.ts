/**
 * One case of `refcount/pair` in a worker of its own: the runtime (in the
 * case's mode) and the timed loop live in a fresh isolate, so the loop and
 * the inlined incref/decref are compiled with this mode's type feedback
 * only. Measured in one thread after the naive mode had run, the owner
 * pair cost 4.2 ns instead of 3.3 ns (AMD EPYC, Node 20): the naive mode's
 * shared-path feedback stays in incref and decref, which every case shares.
 * A program runs one mode, so each mode is measured as it would run there.
 */

import { runBenchWorker } from '@ft/harness';
import { ownerPairs, nonOwnerPairs, type ModePairParams } from './refcount.bench.js';

runBenchWorker<ModePairParams>(({ params, quick }) => {
  const sample = params.nonOwner ? nonOwnerPairs(quick) : ownerPairs(params.mode, quick);
  // The harness divides elapsed time by operations: report the median as 10^6 pairs.
  return { ops: 1e6, elapsedMs: sample.nsPerOp };
});
