/**
 * One thread of gil.stress.test.ts: a participant (with the GIL installed
 * unless `gil` is 0) that, once every thread is ready, increments a plain
 * counter in the shared heap `iterations` times — a read, then a write of
 * the value + 1, never an atomic add — with a safe point after each
 * increment, where (as between bytecodes) a GIL switch may happen. It also
 * counts how often the thread it follows changed (`owner` word), to show
 * the threads did interleave.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { attach, detach, participantCreate, participantDelete, pollSafePoint, SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { gilInstall, gilUninstall } from '../../src/runtime/gil.js';

export interface GilCounterData {
  heap: SharedHeapHandle;
  group: number;
  /** The GIL's address, or 0 to run free-threaded (the control). */
  gil: number;
  /** Int32 words: [0] counter, [1] owner (last incrementing thread's index + 1), [2] ready count, [3] go. */
  words: number;
  index: number;
  iterations: number;
}

const d = (workerData as { data: GilCounterData }).data;
const heap = SharedHeap.attach(d.heap);
const i32 = heap.i32;
const w = d.words >>> 2;
const me = d.index + 1;
const p = participantCreate(heap, d.group);
if (d.gil !== 0) gilInstall(p, d.gil);
Atomics.add(i32, w + 2, 1);
Atomics.notify(i32, w + 2);
while (Atomics.load(i32, w + 3) === 0) Atomics.wait(i32, w + 3, 0, 100);
attach(p);
let handovers = 0;
for (let i = 0; i < d.iterations; i++) {
  // SAFETY (deliberately unsafe): a plain read-modify-write; only the GIL makes it exact.
  const v = i32[w];
  i32[w] = v + 1;
  if (i32[w + 1] !== me) {
    i32[w + 1] = me;
    handovers++;
  }
  pollSafePoint(p);
}
detach(p);
if (d.gil !== 0) gilUninstall(p);
participantDelete(p);
parentPort!.postMessage({ handovers });
heap.close();
