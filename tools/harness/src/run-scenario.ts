/**
 * The main-thread side of a stress scenario: set up, start N real workers
 * behind a barrier, stop them by budget or by time, join with a timeout that
 * dumps every worker's progress counters, then check the invariants.
 */

import { Worker } from 'node:worker_threads';
import {
  CONTROL_DONE_FIELD,
  CONTROL_GO_INDEX,
  CONTROL_PROGRESS_FIELD,
  CONTROL_READY_INDEX,
  CONTROL_STOP_INDEX,
  CONTROL_USER_FIELD,
  CONTROL_WORKER_STRIDE,
  createControlBlock,
  workerFieldIndex,
} from './control-block.js';
import { stressScale, stressSeed } from './random.js';
import type { CheckContext, StressCheck, StressMetric, StressScenario } from './scenario.js';
import type { StressWorkerData } from './worker-runtime.js';

const BOOT_URL = new URL('./worker-boot.mjs', import.meta.url);

export interface RunOptions {
  /** Worker count (default: the scenario's default, else 2). */
  workers?: number;
  /** Timed mode: run this long, then raise the stop flag. Otherwise bounded-count mode. */
  durationMs?: number;
  /** Multiplies `opsPerWorker` in bounded-count mode (default FT_STRESS_SCALE). */
  scale?: number;
  /** Seed (default FT_STRESS_SEED or random). */
  seed?: number;
  /** Join deadline; past it the run fails with a dump of the counters (default 120 s). */
  timeoutMs?: number;
  /** Called about every 100 ms with the operations done so far. */
  onProgress?: (totalOps: number, elapsedMs: number) => void;
  /** Scenario parameters overriding the scenario's own (e.g. a no-lock mode). */
  variant?: Record<string, unknown>;
}

export interface RunResult {
  readonly name: string;
  readonly seed: number;
  readonly workers: number;
  readonly totalOps: number;
  readonly elapsedMs: number;
  readonly opsPerSecond: number;
  readonly checks: readonly StressCheck[];
  readonly metrics: readonly StressMetric[];
  /** True when every check passed. */
  readonly ok: boolean;
}

function progressDump(control: Int32Array, roles: readonly string[]): string {
  return roles
    .map((role, w) => {
      const base = workerFieldIndex(w, 0);
      const user = Array.from(control.subarray(base + CONTROL_USER_FIELD, base + CONTROL_WORKER_STRIDE));
      return `  worker ${w} (${role}): ops=${Atomics.load(control, base + CONTROL_PROGRESS_FIELD)} done=${Atomics.load(control, base + CONTROL_DONE_FIELD)} counters=[${user.join(',')}]`;
    })
    .join('\n');
}

/** Runs a scenario once; throws when a worker crashes or the run hangs. */
export async function runScenario<P, S>(scenario: StressScenario<P, S>, options: RunOptions = {}): Promise<RunResult> {
  const workers = options.workers ?? scenario.defaultWorkers ?? 2;
  const roles = scenario.roles ? scenario.roles(workers) : Array.from({ length: workers }, () => 'worker');
  const seed = options.seed ?? stressSeed();
  const timed = options.durationMs !== undefined;
  const opsPerWorker = timed ? Infinity : Math.max(1, Math.round(scenario.opsPerWorker * (options.scale ?? stressScale())));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const setupContext = { workers, roles, seed, opsPerWorker };
  const { params: baseParams, state } = await scenario.setup(setupContext);
  const params = (options.variant ? { ...baseParams, ...options.variant } : baseParams) as P;
  const control = createControlBlock(workers);
  const threads: Worker[] = [];
  const results: unknown[] = new Array(workers);
  const errors: string[] = [];
  try {
    const exits = roles.map((role, index) => {
      const data: StressWorkerData<P> = { entry: scenario.worker.href, control, index, role, workers, seed, opsPerWorker, params };
      const worker = new Worker(BOOT_URL, { workerData: data, execArgv: ['--conditions=source'] });
      threads.push(worker);
      worker.on('message', (message: { kind: string; value: unknown }) => {
        if (message.kind === 'result') results[index] = message.value;
      });
      worker.on('error', (error) => {
        errors.push(`worker ${index} (${role}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        Atomics.store(control, CONTROL_STOP_INDEX, 1);
      });
      return new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    });

    // Start barrier: nobody runs until everybody has started (starting a worker takes ~25 ms).
    const startDeadline = Date.now() + timeoutMs;
    while (Atomics.load(control, CONTROL_READY_INDEX) < workers && errors.length === 0) {
      if (Date.now() > startDeadline) throw new Error(`${scenario.name}: workers did not reach the start barrier\n${progressDump(control, roles)}`);
      await sleep(5);
    }
    const start = performance.now();
    Atomics.store(control, CONTROL_GO_INDEX, 1);
    Atomics.notify(control, CONTROL_GO_INDEX);

    let finished = false;
    const allExited = Promise.all(exits).then(() => {
      finished = true;
    });
    const deadline = start + timeoutMs;
    while (!finished) {
      await Promise.race([allExited, sleep(100)]);
      const elapsed = performance.now() - start;
      options.onProgress?.(totalProgress(control, workers), elapsed);
      if (timed && elapsed >= options.durationMs!) Atomics.store(control, CONTROL_STOP_INDEX, 1);
      if (!finished && performance.now() > deadline) {
        const dump = progressDump(control, roles);
        throw new Error(`${scenario.name}: workers did not finish within ${timeoutMs} ms (seed ${seed}); progress:\n${dump}`);
      }
    }
    const elapsedMs = performance.now() - start;
    if (errors.length > 0) throw new Error(`${scenario.name} (seed ${seed}): ${errors.join('\n')}`);
    const totalOps = totalProgress(control, workers);
    const counters = roles.map((_, w) => control.slice(workerFieldIndex(w, CONTROL_USER_FIELD), workerFieldIndex(w, CONTROL_WORKER_STRIDE)));
    const ctx: CheckContext<P, S> = { ...setupContext, params, state, results, counters, elapsedMs, totalOps };
    const checks = await scenario.check(ctx);
    const metrics = scenario.metrics ? scenario.metrics(ctx) : [];
    return {
      name: scenario.name,
      seed,
      workers,
      totalOps,
      elapsedMs,
      opsPerSecond: (totalOps * 1000) / elapsedMs,
      checks,
      metrics,
      ok: checks.length > 0 && checks.every((c) => c.ok),
    };
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
    scenario.teardown?.(state);
  }
}

function totalProgress(control: Int32Array, workers: number): number {
  let total = 0;
  for (let w = 0; w < workers; w++) total += Atomics.load(control, workerFieldIndex(w, CONTROL_PROGRESS_FIELD));
  return total;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Throws with every failed check (and the seed) unless the run passed. */
export function assertRunPassed(result: RunResult): void {
  if (result.ok) return;
  const failed = result.checks.filter((c) => !c.ok).map((c) => `  ✗ ${c.name}: ${c.detail ?? ''}`);
  throw new Error(`${result.name} failed (seed ${result.seed}, replay with FT_STRESS_SEED=${result.seed}):\n${failed.join('\n') || '  no checks ran'}`);
}
