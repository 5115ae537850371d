/**
 * Scans the QSBR slot table in a loop while the main thread grows it, and
 * checks that the read sequence never passes the sequence of the thread the
 * main thread keeps online (published in `holderSeq`).
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { FreeCallbackRegistry, qsbrPollScan, qsbrRegister, qsbrUnregister, seqLessOrEqual } from '../../src/index.js';

interface ScannerData {
  heap: SharedHeapHandle;
  qsbr: number;
  /** u32 word: the online holder's published sequence (0 before the first). */
  holderSeq: number;
  /** Int32 word: non-zero = stop. */
  stop: number;
  /** Int32 word: the scanner increments it once it is scanning. */
  started: number;
}

const data = (workerData as { data: ScannerData }).data;
const heap = SharedHeap.attach(data.heap);
const t = qsbrRegister(heap, data.qsbr, new FreeCallbackRegistry());
let scans = 0;
let violations = 0;
let example = '';
Atomics.add(heap.i32, data.started >>> 2, 1);
while (Atomics.load(heap.i32, data.stop >>> 2) === 0) {
  const rd = qsbrPollScan(t);
  const holder = Atomics.load(heap.u32, data.holderSeq >>> 2);
  if (holder !== 0 && !seqLessOrEqual(rd, holder)) {
    violations++;
    example ||= `read sequence ${rd} passed the online holder's ${holder}`;
  }
  scans++;
}
qsbrUnregister(t);
heap.close();
parentPort!.postMessage({ scans, violations, example });
