/**
 * A thread that queues delayed frees, reports how many are pending, then
 * waits for the main thread's word before it exits with them still pending
 * (the main thread stays online and holds every goal back). Each "block" is a
 * counter word; the free callback increments it, so the main thread can check
 * that every block was freed exactly once.
 *
 * Steps (exit-pending.test.ts drives them): post `{ phase: 'queued' }`, wait
 * until the Int32 word `exitFlag` is non-zero, unregister, post
 * `{ phase: 'exited' }`.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { freeDelayed, pendingDelayed, qsbrAttach, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '../../src/index.js';
import { countingRegistry } from './counting-registry.js';

export interface LeaverData {
  heap: SharedHeapHandle;
  qsbr: number;
  counters: number;
  first: number;
  count: number;
  /** Int32 word: the main thread stores 1 (and notifies) when this thread may exit. */
  exitFlag: number;
}

/** What a leaver posts after each step. */
export type LeaverMessage = { phase: 'queued'; tid: number; pending: number } | { phase: 'exited'; tid: number };

const data = (workerData as { data: LeaverData }).data;
const heap = SharedHeap.attach(data.heap);
const { registry, countFree } = countingRegistry();
const t = qsbrRegister(heap, data.qsbr, registry);
qsbrAttach(t);
for (let i = 0; i < data.count; i++) {
  freeDelayed(t, data.counters + 4 * (data.first + i), countFree);
  // Quiescent states pass no goal (the main thread is behind them all), but
  // run the processing a reporting thread runs.
  if (i % 97 === 0) qsbrQuiescentState(t);
}
parentPort!.postMessage({ phase: 'queued', tid: heap.tid, pending: pendingDelayed(t) } satisfies LeaverMessage);
const flag = data.exitFlag >>> 2;
while (Atomics.load(heap.i32, flag) === 0) Atomics.wait(heap.i32, flag, 0, 1000);
qsbrUnregister(t);
const tid = heap.tid;
heap.close();
parentPort!.postMessage({ phase: 'exited', tid } satisfies LeaverMessage);
