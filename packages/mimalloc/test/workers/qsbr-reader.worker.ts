/**
 * The QSBR reader of the page-reuse test: registers, goes online and posts
 * 'online'; holds back every QSBR goal (no quiescent state) until the flag
 * reaches 1, then reports one quiescent state and posts 'quiescent'; at flag
 * 2 it unregisters and posts 'done'.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { FreeCallbackRegistry, qsbrAttach, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '@ft/qsbr';

export interface QsbrReaderData {
  heap: SharedHeapHandle;
  qsbr: number;
  /** i32 the main thread raises: 1 = report a quiescent state, 2 = leave. */
  flag: number;
}

const WAIT_DEADLINE_MS = 60_000;

const data = (workerData as { data: QsbrReaderData }).data;
const heap = SharedHeap.attach(data.heap);
const index = data.flag >>> 2;

function waitForFlag(value: number): void {
  const deadline = Date.now() + WAIT_DEADLINE_MS;
  for (;;) {
    const seen = Atomics.load(heap.i32, index);
    if (seen >= value) return;
    if (Date.now() > deadline) throw new Error(`QSBR reader: flag still ${seen} after ${WAIT_DEADLINE_MS} ms, waiting for ${value}`);
    Atomics.wait(heap.i32, index, seen, 100);
  }
}

const q = qsbrRegister(heap, data.qsbr, new FreeCallbackRegistry());
qsbrAttach(q);
parentPort!.postMessage('online');
// Online and never quiescent: as a thread in the middle of lock-free reads.
waitForFlag(1);
qsbrQuiescentState(q);
parentPort!.postMessage('quiescent');
waitForFlag(2);
qsbrUnregister(q);
heap.close();
parentPort!.postMessage('done');
