/**
 * A stress scenario: real workers hammering one mechanism, then exact
 * invariant checks. The same definition runs as a vitest stress test (bounded
 * operation count, scaled by FT_STRESS_SCALE) and in the runtime stress report
 * (bounded time, live progress). Scenario files are
 * `packages/<name>/test/stress/<name>.scenario.ts` and export `scenarios`.
 */

/** What `setup` learns about the run it prepares. */
export interface SetupContext {
  /** Number of workers that will run. */
  readonly workers: number;
  /** Role of each worker, by index. */
  readonly roles: readonly string[];
  /** Seed of the run (print it; FT_STRESS_SEED replays it). */
  readonly seed: number;
  /** Operations each worker performs (Infinity in timed mode). */
  readonly opsPerWorker: number;
}

/** What `check` sees after all workers have finished. */
export interface CheckContext<P, S> extends SetupContext {
  readonly params: P;
  readonly state: S;
  /** What each worker's body returned, by worker index. */
  readonly results: readonly unknown[];
  /** Per-worker user counters from the control block (14 words each). */
  readonly counters: readonly Int32Array[];
  readonly elapsedMs: number;
  readonly totalOps: number;
}

/** One invariant, checked after a run. */
export interface StressCheck {
  readonly name: string;
  readonly ok: boolean;
  /** What was seen, for the report and for failure messages. */
  readonly detail?: string;
}

/** Extra figures a scenario reports (e.g. the maximum wait seen). */
export interface StressMetric {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export interface StressScenario<P = unknown, S = unknown> {
  /** `<package>/<mechanism>`, e.g. `atomics/pymutex-counter`. */
  readonly name: string;
  readonly description: string;
  /** The worker module (a `*.worker.ts` that calls `runStressWorker`). */
  readonly worker: URL;
  /** Worker count when the caller does not choose (the report uses 2). */
  readonly defaultWorkers?: number;
  /** Role of each worker; default: every worker is 'worker'. */
  roles?(workers: number): string[];
  /** Operations per worker at FT_STRESS_SCALE=1 in bounded-count mode. */
  readonly opsPerWorker: number;
  /** Runs on the main thread before the workers start; `params` is posted to them. */
  setup(ctx: SetupContext): { params: P; state: S } | Promise<{ params: P; state: S }>;
  /** Verifies exact invariants after the workers have joined. */
  check(ctx: CheckContext<P, S>): StressCheck[] | Promise<StressCheck[]>;
  /** Figures worth printing (computed after the run). */
  metrics?(ctx: CheckContext<P, S>): StressMetric[];
  /** Releases what `setup` made (runs even when the run fails). */
  teardown?(state: S): void;
}
