/**
 * A thread that queues delayed frees and exits while they are still pending
 * (a reader elsewhere holds them back). Each "block" is a counter word; the
 * free callback increments it, so the main thread can check that every block
 * was freed exactly once.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { freeDelayed, pendingDelayed, qsbrAttach, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '../../src/index.js';
import { countingRegistry } from './counting-registry.js';

interface LeaverData {
  heap: SharedHeapHandle;
  qsbr: number;
  counters: number;
  first: number;
  count: number;
}

const data = (workerData as { data: LeaverData }).data;
const heap = SharedHeap.attach(data.heap);
const { registry, countFree } = countingRegistry();
const t = qsbrRegister(heap, data.qsbr, registry);
qsbrAttach(t);
for (let i = 0; i < data.count; i++) {
  freeDelayed(t, data.counters + 4 * (data.first + i), countFree);
  if (i % 97 === 0) qsbrQuiescentState(t);
}
const pendingAtExit = pendingDelayed(t);
qsbrUnregister(t);
heap.close();
parentPort!.postMessage({ pendingAtExit });
