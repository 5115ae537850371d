/**
 * Benchmarks (DESIGN.md §6): each `packages/<pkg>/bench/<concept>.bench.ts`
 * exports `suites: BenchSuite[]`; `npm run bench` (bench-cli.ts) runs them and
 * reports every case against its suite's baseline case measured *in the same
 * run*, because absolute nanoseconds drift between machines and runs while
 * ratios mostly do not.
 *
 * Two ways to measure:
 * - {@link timeLoop} on the calling thread, for single-thread costs (a lock
 *   fast path, an allocation);
 * - {@link runBenchWorkers} with a `*.bench-worker.ts` module that calls
 *   {@link runBenchWorker}, for contended costs measured by real workers that
 *   start together behind a barrier.
 */

import { parentPort, Worker, workerData } from 'node:worker_threads';

/** One measurement. */
export interface BenchSample {
  /** Nanoseconds per operation. */
  nsPerOp: number;
  /** Anything worth printing next to the figure (iterations, spread, a derived count). */
  note?: string;
}

/** What a case's `run` is told about this run. */
export interface BenchRunOptions {
  /** Short runs for a CI smoke test; the figures are then only indicative. */
  quick: boolean;
}

/** One thing measured in a suite. */
export interface BenchCase {
  name: string;
  /** The case the others are compared with (the peer or baseline named in the issue). */
  baseline?: boolean;
  run(options: BenchRunOptions): BenchSample | Promise<BenchSample>;
}

/** Cases compared with each other, printed as one table. */
export interface BenchSuite {
  name: string;
  description: string;
  /** The goal, printed under the table (e.g. "within 1.5× of the baseline"). */
  target?: string;
  cases: BenchCase[];
}

/**
 * Where loop results go so that the JIT cannot prove them dead and delete the
 * measured work: a module-level variable escapes every optimisation scope.
 */
let blackhole: unknown;

/** Reads the blackhole (exported so that even whole-program reasoning cannot drop the writes). */
export function benchBlackhole(): unknown {
  return blackhole;
}

/**
 * Times a loop: calls body(n) with growing n until one call takes >= minMs,
 * then repeats `repeats` times and returns the median ns per op (ns per
 * iteration of body's loop).
 *
 * `body` should accumulate what its loop reads into a local and return it (the
 * return value is kept alive here), or the JIT may remove the loop. The
 * calibration calls double as warm-up, so the timed calls run optimised code.
 * Defaults: minMs 100 and 5 repeats, or 10 ms and 3 repeats when `quick`.
 */
export function timeLoop(body: (n: number) => void, options: { minMs?: number; repeats?: number; quick?: boolean } = {}): BenchSample {
  const quick = options.quick ?? activeOptions.quick;
  const minMs = options.minMs ?? (quick ? 10 : 100);
  const repeats = Math.max(1, options.repeats ?? (quick ? 3 : 5));
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    blackhole = body(n);
    const elapsed = performance.now() - t0;
    if (elapsed >= minMs) break;
    // Jump most of the way in one step (a slow first call is compilation, so
    // never grow more than 100× at once), then creep up to the threshold.
    const factor = elapsed <= 0 ? 100 : Math.min(100, Math.max(1.25, (minMs * 1.2) / elapsed));
    n = Math.ceil(n * factor);
    if (n > 2 ** 40) throw new Error('timeLoop: body(n) does not get slower as n grows; is the loop being optimised away?');
  }
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    blackhole = body(n);
    samples.push(((performance.now() - t0) * 1e6) / n);
  }
  samples.sort((a, b) => a - b);
  const median = samples[samples.length >> 1];
  const spread = samples.length > 1 ? ((samples[samples.length - 1] - samples[0]) / median) * 100 : 0;
  return { nsPerOp: median, note: `n=${formatCount(n)} ×${repeats}, spread ${spread.toFixed(0)}%` };
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toPrecision(3)}M` : n >= 1e3 ? `${(n / 1e3).toPrecision(3)}k` : String(n);
}

/**
 * The options of the case that is running. The runner sets them around each
 * case so that {@link runBenchWorkers} can pass `quick` on to its workers and
 * {@link timeLoop} can default to it, without every case threading it through.
 */
let activeOptions: BenchRunOptions = { quick: false };

/** Runs one case with `options` in effect (what the bench CLI calls). */
export async function runBenchCase(benchCase: BenchCase, options: BenchRunOptions): Promise<BenchSample> {
  const previous = activeOptions;
  activeOptions = options;
  try {
    const sample = await benchCase.run(options);
    if (!(typeof sample?.nsPerOp === 'number') || !Number.isFinite(sample.nsPerOp) || sample.nsPerOp < 0) {
      throw new Error(`case '${benchCase.name}' returned nsPerOp ${String(sample?.nsPerOp)}`);
    }
    return sample;
  } finally {
    activeOptions = previous;
  }
}

const BOOT_URL = new URL('./worker-boot.mjs', import.meta.url);

/** Control words of a multi-worker bench run (Int32 indexes). */
const BENCH_READY_INDEX = 0;
const BENCH_GO_INDEX = 1;

/** What {@link runBenchWorkers} posts to each worker (workerData). */
interface BenchWorkerData {
  readonly entry: string;
  readonly control: Int32Array;
  readonly index: number;
  readonly workers: number;
  readonly params: unknown;
  readonly quick: boolean;
}

interface BenchWorkerResult {
  readonly kind: 'bench-result';
  readonly ops: number;
  readonly elapsedMs: number;
}

/**
 * Bench workers run the TypeScript sources; with FT_BENCH_CPU_PROF_DIR set
 * each also writes a V8 CPU profile there (the main thread's --cpu-prof does
 * not reach workers started with their own execArgv).
 */
function benchWorkerExecArgv(): string[] {
  const profileDir = process.env.FT_BENCH_CPU_PROF_DIR;
  return profileDir ? ['--conditions=source', '--cpu-prof', `--cpu-prof-dir=${profileDir}`] : ['--conditions=source'];
}

/**
 * Runs `workers` real worker threads of a bench worker module for a
 * multi-thread measurement; each worker gets { index, workers, params } and
 * returns { ops, elapsedMs } after a start barrier; result nsPerOp = (max
 * elapsed over workers * 1e6) / total ops across workers — i.e. wall-clock
 * time per operation of the whole group.
 *
 * Workers boot through worker-boot.mjs with the "source" condition, like the
 * stress harness, so bench workers run the TypeScript sources. Worker start-up
 * (~25 ms each) happens before the barrier and is not measured.
 */
export async function runBenchWorkers(worker: URL, workers: number, params: unknown): Promise<BenchSample & { totalOps: number; elapsedMs: number }> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`runBenchWorkers: workers must be a positive integer, got ${workers}`);
  const control = new Int32Array(new SharedArrayBuffer(64));
  const results: (BenchWorkerResult | undefined)[] = new Array(workers);
  const errors: string[] = [];
  const threads: Worker[] = [];
  const timeoutMs = 300_000;
  try {
    const exits = Array.from({ length: workers }, (_, index) => {
      const data: BenchWorkerData = { entry: worker.href, control, index, workers, params, quick: activeOptions.quick };
      const thread = new Worker(BOOT_URL, { workerData: data, execArgv: benchWorkerExecArgv() });
      threads.push(thread);
      thread.on('message', (message: BenchWorkerResult) => {
        if (message?.kind === 'bench-result') results[index] = message;
      });
      thread.on('error', (error) => errors.push(`bench worker ${index}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
      return new Promise<void>((resolve) => thread.once('exit', () => resolve()));
    });
    const allExited = Promise.all(exits);
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void allExited.then(() => (exited = true));
    while (Atomics.load(control, BENCH_READY_INDEX) < workers) {
      if (errors.length > 0 || exited) throw new Error(`${worker.href}: a worker failed before the start barrier\n${errors.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`${worker.href}: workers did not reach the start barrier within ${timeoutMs} ms`);
      await sleep(2);
    }
    Atomics.store(control, BENCH_GO_INDEX, 1);
    Atomics.notify(control, BENCH_GO_INDEX);
    // The deadline timer is cleared as soon as the workers are done: a pending
    // timer would keep the process alive after the last benchmark.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      allExited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (timedOut) throw new Error(`${worker.href}: workers did not finish within ${timeoutMs} ms`);
    if (errors.length > 0) throw new Error(`${worker.href}:\n${errors.join('\n')}`);
    let totalOps = 0;
    let elapsedMs = 0;
    for (let i = 0; i < workers; i++) {
      const r = results[i];
      if (r === undefined) throw new Error(`${worker.href}: worker ${i} exited without a result (did it call runBenchWorker?)`);
      totalOps += r.ops;
      elapsedMs = Math.max(elapsedMs, r.elapsedMs);
    }
    if (totalOps <= 0) throw new Error(`${worker.href}: workers reported no operations`);
    return { nsPerOp: (elapsedMs * 1e6) / totalOps, totalOps, elapsedMs, note: `${workers} workers, ${formatCount(totalOps)} ops in ${elapsedMs.toFixed(1)} ms` };
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
}

/**
 * Worker side, called at top level of a *.bench-worker.ts module: waits at the
 * start barrier, runs body, posts the result.
 *
 * The body times its own measured section (so that it can warm up first) and
 * returns the operations it did and how long they took.
 */
export function runBenchWorker<P>(body: (ctx: { index: number; workers: number; params: P; quick: boolean }) => { ops: number; elapsedMs: number }): void {
  const data = workerData as BenchWorkerData | null;
  if (!data || !(data.control instanceof Int32Array) || parentPort === null) {
    throw new Error('runBenchWorker: this module must be started by runBenchWorkers');
  }
  const control = data.control;
  Atomics.add(control, BENCH_READY_INDEX, 1);
  // Sleep rather than spin at the barrier: the other workers are still
  // starting on the same cores.
  while (Atomics.load(control, BENCH_GO_INDEX) === 0) Atomics.wait(control, BENCH_GO_INDEX, 0, 1000);
  const { ops, elapsedMs } = body({ index: data.index, workers: data.workers, params: data.params as P, quick: data.quick });
  const result: BenchWorkerResult = { kind: 'bench-result', ops, elapsedMs };
  parentPort.postMessage(result);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
