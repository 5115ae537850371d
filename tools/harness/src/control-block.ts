/**
 * The control block every stress run shares with its workers: a small
 * SharedArrayBuffer of its own (independent of any ft heap), Int32 words.
 *
 *  index            field       writer / reader
 *  0                ready       workers (Atomics.add) / main: arrivals at the start barrier
 *  1                go          main (Atomics.store + notify) / workers (Atomics.wait)
 *  2                stop        main (Atomics.store) / workers (Atomics.load): please stop
 *  3                failed      anyone (Atomics.store): a worker reported a failure
 *  16 + w*16 + 0    progress    worker w (Atomics.store) / main: operations done so far
 *  16 + w*16 + 1    done        worker w (Atomics.store) / main: body returned
 *  16 + w*16 + 2..  user        worker w: scenario-specific counters (Atomics)
 *
 * Per-worker records are 64 bytes apart so progress updates do not false-share.
 */

export const CONTROL_READY_INDEX = 0;
export const CONTROL_GO_INDEX = 1;
export const CONTROL_STOP_INDEX = 2;
export const CONTROL_FAILED_INDEX = 3;
export const CONTROL_WORKER_BASE_INDEX = 16;
export const CONTROL_WORKER_STRIDE = 16;
export const CONTROL_PROGRESS_FIELD = 0;
export const CONTROL_DONE_FIELD = 1;
/** First of the 14 per-worker words a scenario may use as it likes. */
export const CONTROL_USER_FIELD = 2;

export function createControlBlock(workers: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer((CONTROL_WORKER_BASE_INDEX + workers * CONTROL_WORKER_STRIDE) * 4));
}

export function workerFieldIndex(worker: number, field: number): number {
  return CONTROL_WORKER_BASE_INDEX + worker * CONTROL_WORKER_STRIDE + field;
}
