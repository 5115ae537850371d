/**
 * Worker of the batched-free world test (../remote-batch-world.test.ts): a
 * participant of the main thread's world group that frees, round after
 * round, the blocks the main thread allocated for it, and says how many it
 * has freed after each one (before its next safe point, so that with the
 * world stopped the count is exact). Between rounds it waits detached, so a
 * stop does not wait for it.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { attach, detach, participantCreate, participantDelete, safePoint, SharedHeap } from '@ft/atomics';
import { miFree, miThreadExit, miThreadInit } from '../../src/index.js';
import { CTL_ROUND, ctlDone, ctlFreed, ctlMidpoint, ctlResume, type RemoteFreeData } from './remote-free-protocol.js';

const data = (workerData as { data: RemoteFreeData }).data;
const heap = SharedHeap.attach(data.heap);
const t = miThreadInit(heap, data.mi, null);
const p = participantCreate(heap, data.group);
const ctl = new Int32Array(data.control);
const items = new Int32Array(data.items);
const base = data.index * data.perWorker;

parentPort!.postMessage('ready');
let round = 0;
for (;;) {
  // Detached while waiting (a participant starts detached): the main thread
  // may stop the world meanwhile.
  let next = Atomics.load(ctl, CTL_ROUND);
  while (next === round) {
    Atomics.wait(ctl, CTL_ROUND, round, 1000);
    next = Atomics.load(ctl, CTL_ROUND);
  }
  if (next < 0) break;
  attach(p);
  round = next;
  const midpoint = data.perWorker >> 1;
  for (let i = 0; i < data.perWorker; i++) {
    if (i === midpoint) {
      // Half of the round freed: wait here, attached and polling safe
      // points, so that the main thread stops the world mid-round at least
      // once per round whatever the scheduling.
      Atomics.store(ctl, ctlMidpoint(data.index, data.workers), round);
      while (Atomics.load(ctl, ctlResume(data.workers)) !== round) safePoint(p);
    }
    miFree(t, items[base + i]);
    Atomics.store(ctl, ctlFreed(data.index), i + 1);
    safePoint(p);
    // Every 64 blocks a short pause of varying length, so that a round
    // lasts as long as a few of the main thread's stops and visits.
    if ((i & 63) === 63) for (let s = (i * 2654435761) % 4096; s > 0; s--) Atomics.load(ctl, CTL_ROUND);
  }
  detach(p);
  Atomics.store(ctl, ctlDone(data.index, data.workers), round);
  Atomics.notify(ctl, ctlDone(data.index, data.workers));
}
// Pushes this thread's pending batches.
miThreadExit(t);
participantDelete(p);
heap.close();
parentPort!.postMessage('exited');
