/**
 * A worker that joins a heap after the main thread's refused calls: it
 * attaches (which checks the heap's magic word and takes a thread slot),
 * sets up its mimalloc state, frees a block the main thread allocated (a
 * cross-thread free), allocates and frees blocks of its own, exits its heaps
 * and posts what it saw.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { miFree, miMalloc, miThreadExit, miThreadInit, miUsableSize } from '../../src/index.js';

export interface AttachData {
  heap: SharedHeapHandle;
  mi: number;
  /** A live block of the main thread, `size` bytes of `byte`, for this worker to check and free. */
  block: number;
  size: number;
  byte: number;
}

export interface AttachReply {
  tid: number;
  /** The main thread's block held its bytes. */
  blockIntact: boolean;
  /** Own allocations that returned a usable block. */
  allocated: number;
}

const data = (workerData as { data: AttachData }).data;
const heap = SharedHeap.attach(data.heap);
const t = miThreadInit(heap, data.mi, null);
let blockIntact = true;
for (let i = 0; i < data.size; i++) if (heap.u8[data.block + i] !== data.byte) blockIntact = false;
miFree(t, data.block);
let allocated = 0;
const own: number[] = [];
for (let i = 0; i < 100; i++) {
  const p = miMalloc(t, 16 + i);
  if (p !== 0 && miUsableSize(t, p) >= 16 + i) allocated++;
  own.push(p);
}
for (const p of own) miFree(t, p);
miThreadExit(t);
const reply: AttachReply = { tid: heap.tid, blockIntact, allocated };
heap.close();
parentPort!.postMessage(reply);
