/**
 * What the batched-free world test and its workers share (see remote-free.worker.ts).
 *
 * Control words (Int32, a SharedArrayBuffer of their own):
 *   0 round          main → workers: the round to free (0 = none yet, -1 = finish)
 *   1 + w            worker w → main: blocks of this round freed so far
 *   1 + W + w        worker w → main: the last round finished
 */

import type { SharedHeapHandle } from '@ft/atomics';

export interface RemoteFreeData {
  heap: SharedHeapHandle;
  mi: number;
  group: number;
  /** Worker index w. */
  index: number;
  workers: number;
  /** Blocks per worker per round; worker w's are items[w·perWorker ...]. */
  perWorker: number;
  control: SharedArrayBuffer;
  items: SharedArrayBuffer;
}

export const CTL_ROUND = 0;
export const ctlFreed = (w: number): number => 1 + w;
export const ctlDone = (w: number, workers: number): number => 1 + workers + w;

