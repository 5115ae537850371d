/**
 * What the batched-free world test and its workers share (see remote-free.worker.ts).
 *
 * Control words (Int32, a SharedArrayBuffer of their own):
 *   0 round          main → workers: the round to free (0 = none yet, -1 = finish)
 *   1 + w            worker w → main: blocks of this round freed so far
 *   1 + W + w        worker w → main: the last round finished
 *   1 + 2W + w       worker w → main: the round whose midpoint it waits at
 *   1 + 3W           main → workers: the round whose midpoint they may leave
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
export const ctlMidpoint = (w: number, workers: number): number => 1 + 2 * workers + w;
export const ctlResume = (workers: number): number => 1 + 3 * workers;
/** Int32 words of the control buffer. */
export const controlWords = (workers: number): number => 2 + 3 * workers;

