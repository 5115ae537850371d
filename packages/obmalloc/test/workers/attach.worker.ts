/**
 * A second thread that joins the heap and uses it: attaches (which checks
 * the heap's magic and layout version and takes a thread slot), allocates
 * and frees through its own allocator domains, and reports its tid. The
 * bad-value tests run it after the main thread's rejected calls, to show
 * the heap is still one a worker can join.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { miThreadExit, miThreadInit } from '@ft/mimalloc';
import { createAllocatorDomains, pyMemFree, pyMemMalloc, pyObjectFree, pyObjectMalloc } from '../../src/index.js';

export interface AttachData {
  heap: SharedHeapHandle;
  /** The interpreter's mimalloc state (miCreate). */
  mi: number;
}

const data = (workerData as { data: AttachData }).data;
const heap = SharedHeap.attach(data.heap);
const t = miThreadInit(heap, data.mi, null);
const d = createAllocatorDomains(heap, 'mimalloc_debug', { mi: t });
const p = pyMemMalloc(d, 100);
const o = pyObjectMalloc(d, 48);
const ok = p !== 0 && o !== 0;
pyMemFree(d, p);
pyObjectFree(d, o);
miThreadExit(t);
const tid = heap.tid;
heap.close();
parentPort!.postMessage({ tid, ok });
