/**
 * The worker side of a stress scenario: wait at the start barrier, run the
 * body, post its result. A body checks `ctx.shouldStop(done)` in its loop (it
 * covers both the operation budget and the stop flag) and reports progress now
 * and then, so that a hung run can be diagnosed from the counters.
 */

import { parentPort, workerData } from 'node:worker_threads';
import {
  CONTROL_DONE_FIELD,
  CONTROL_FAILED_INDEX,
  CONTROL_GO_INDEX,
  CONTROL_PROGRESS_FIELD,
  CONTROL_READY_INDEX,
  CONTROL_STOP_INDEX,
  CONTROL_USER_FIELD,
  workerFieldIndex,
} from './control-block.js';
import { Rng } from './random.js';

/** The data a runner posts to each worker. */
export interface StressWorkerData<P> {
  readonly entry: string;
  readonly control: Int32Array;
  readonly index: number;
  readonly role: string;
  readonly workers: number;
  readonly seed: number;
  readonly opsPerWorker: number;
  readonly params: P;
}

export class StressWorkerContext<P> {
  readonly index: number;
  readonly role: string;
  readonly workers: number;
  /** This worker's seed (derived from the run's seed and the worker index). */
  readonly seed: number;
  readonly rng: Rng;
  /** Operations to perform (Infinity in timed mode: run until stopped). */
  readonly opsBudget: number;
  readonly params: P;
  private readonly control: Int32Array;
  private readonly progressIndex: number;
  private readonly userBase: number;

  constructor(data: StressWorkerData<P>) {
    this.index = data.index;
    this.role = data.role;
    this.workers = data.workers;
    this.seed = (data.seed + Math.imul(data.index + 1, 0x9e3779b9)) >>> 0;
    this.rng = new Rng(this.seed);
    this.opsBudget = data.opsPerWorker;
    this.params = data.params;
    this.control = data.control;
    this.progressIndex = workerFieldIndex(data.index, CONTROL_PROGRESS_FIELD);
    this.userBase = workerFieldIndex(data.index, CONTROL_USER_FIELD);
  }

  /** True once `done` reaches the budget or the runner asked to stop. */
  shouldStop(done: number): boolean {
    return done >= this.opsBudget || Atomics.load(this.control, CONTROL_STOP_INDEX) !== 0;
  }

  /** Whether the runner asked every worker to stop. */
  stopRequested(): boolean {
    return Atomics.load(this.control, CONTROL_STOP_INDEX) !== 0;
  }

  /** Publishes how many operations this worker has done (absolute count). */
  progress(done: number): void {
    Atomics.store(this.control, this.progressIndex, done | 0);
  }

  /** Sets one of this worker's 14 user counters (visible to `check` and in hang dumps). */
  setCounter(field: number, value: number): void {
    Atomics.store(this.control, this.userBase + field, value | 0);
  }

  /** Raises the shared failure flag, so other workers can stop early. */
  fail(): void {
    Atomics.store(this.control, CONTROL_FAILED_INDEX, 1);
    Atomics.store(this.control, CONTROL_STOP_INDEX, 1);
  }
}

/**
 * Runs a stress worker body: start barrier, body, result to the runner.
 * Call it once at the top level of a `*.worker.ts` module.
 */
export function runStressWorker<P>(body: (ctx: StressWorkerContext<P>) => unknown | Promise<unknown>): void {
  const data = workerData as StressWorkerData<P>;
  const ctx = new StressWorkerContext<P>(data);
  const control = data.control;
  void (async () => {
    Atomics.add(control, CONTROL_READY_INDEX, 1);
    Atomics.notify(control, CONTROL_READY_INDEX);
    while (Atomics.load(control, CONTROL_GO_INDEX) === 0) Atomics.wait(control, CONTROL_GO_INDEX, 0, 1000);
    const result = await body(ctx);
    Atomics.store(control, workerFieldIndex(data.index, CONTROL_DONE_FIELD), 1);
    parentPort!.postMessage({ kind: 'result', value: result });
  })().catch((error: unknown) => {
    ctx.fail();
    throw error;
  });
}
