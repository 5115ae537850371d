/**
 * Free-threading scaling (issue 22): our versions of CPython's
 * `Tools/ftscalingbench` workloads (`python/ftscaling.py`), each run with
 * the same work per thread on 1 thread and on 2 threads at once; score =
 * 2 · T1 / T2 (ideal 2). Target: ≥ 1.8 on every workload. The same under
 * `-X gil=1` is the control (about 1.0), and CPython 3.13 (the GIL build,
 * when a `python3.13` is here) is printed for comparison.
 *
 * Each figure is a fresh `ft` process (the built package: pooled workers
 * load built modules), median of 3. ns per operation = the wall time of
 * the timed phase ÷ the iterations one thread runs.
 *
 * `node --import tsx --conditions=source packages/interp/bench/scaling.bench.ts [--quick] [workload …]`
 * (or `npm run bench -- --package interp --filter scaling`).
 */

import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchCase, BenchSample, BenchSuite } from '@ft/harness';
import { findPython, ftBin, runProcess } from './bench-processes.js';

const SCRIPT = fileURLToPath(new URL('./python/ftscaling.py', import.meta.url));

/**
 * The workloads (python/ftscaling.py's names, CPython's) and iterations per
 * thread that take ft 2–4 s on one thread: shorter runs measure the
 * workers' JIT warm-up (V8 compiles the eval loop on background threads
 * that compete with the Python threads for the cores) more than steady
 * state.
 */
const WORKLOADS: readonly (readonly [string, number])[] = [
  ['object_cfunction', 1_200_000],
  ['cmodule_function', 3_200_000],
  ['mult_constant', 16_000_000],
  ['generator', 1_200_000],
  ['pymethod', 1_200_000],
  ['pyfunction', 2_400_000],
  ['module_function', 2_400_000],
  ['load_string_const', 1_200_000],
  ['load_tuple_const', 2_000_000],
  ['create_pyobject', 1_200_000],
  ['create_closure', 1_200_000],
  ['create_dict', 1_200_000],
  ['thread_local_read', 4_000_000],
  ['method_caller', 400_000],
];

const RUNS = 3;

type Who = 'ft' | 'ft-gil' | 'cpython';

/** Median wall seconds of the timed phase of `workload` on `threads` threads. */
async function timed(who: Who, workload: string, threads: number, iterations: number): Promise<number> {
  let command: string;
  let args: string[];
  if (who === 'cpython') {
    const found = findPython();
    if ('missing' in found) throw new Error(found.missing);
    command = found.python;
    args = [SCRIPT];
  } else {
    const bin = ftBin();
    if (bin === null) throw new Error('ft is not built: run `npm run build` first (pooled workers load the built modules)');
    command = process.execPath;
    args = who === 'ft-gil' ? [bin, '-X', 'gil=1', SCRIPT] : [bin, SCRIPT];
  }
  const seconds: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await runProcess(command, [...args, workload, String(threads), String(iterations)]);
    const m = /^elapsed (\S+)$/m.exec(stdout);
    if (m === null) throw new Error(`${who} ${workload}: no elapsed line in ${JSON.stringify(stdout.slice(-200))}`);
    seconds.push(Number(m[1]));
  }
  seconds.sort((a, b) => a - b);
  return seconds[RUNS >> 1]!;
}

/** One (who, threads) figure per workload, memoized: the 2-thread cases divide by the same 1-thread run. */
const memo = new Map<string, Promise<number>>();
function figure(who: Who, workload: string, threads: number, iterations: number): Promise<number> {
  const key = `${who} ${workload} ${threads} ${iterations}`;
  let p = memo.get(key);
  if (p === undefined) memo.set(key, (p = timed(who, workload, threads, iterations)));
  return p;
}

function scalingCase(name: string, who: Who, threads: number, workload: string, iterations: number, baseline = false): BenchCase {
  return {
    name,
    ...(baseline ? { baseline: true } : {}),
    async run({ quick }): Promise<BenchSample> {
      const n = quick ? Math.max(1000, iterations / 20) : iterations;
      const seconds = await figure(who, workload, threads, n);
      const note: string[] = [`median of ${RUNS}: ${seconds.toFixed(3)} s for ${n} iterations per thread`];
      if (threads === 2) {
        const one = await figure(who, workload, 1, n);
        note.push(`score 2·T1/T2 = ${((2 * one) / seconds).toFixed(2)}`);
      }
      return { nsPerOp: (seconds * 1e9) / n, note: note.join('; ') };
    },
  };
}

function workloadSuite(workload: string, iterations: number): BenchSuite {
  const cases = [
    scalingCase('ft, 1 thread', 'ft', 1, workload, iterations, true),
    scalingCase('ft, 2 threads at once', 'ft', 2, workload, iterations),
    scalingCase('ft -X gil=1, 2 threads (control)', 'ft-gil', 2, workload, iterations),
  ];
  if (!('missing' in findPython())) {
    cases.push(scalingCase('CPython 3.13 (GIL), 1 thread', 'cpython', 1, workload, iterations));
    cases.push(scalingCase('CPython 3.13 (GIL), 2 threads', 'cpython', 2, workload, iterations));
  }
  return {
    name: `interp/scaling/${workload}`,
    description: `${workload}: wall time per iteration of one thread's share (python/ftscaling.py)`,
    target: 'ft 2 threads: score 2·T1/T2 ≥ 1.8 (ratio ≤ 1.11 to 1 thread)',
    cases,
  };
}

export const suites: BenchSuite[] = WORKLOADS.map(([w, n]) => workloadSuite(w, n));

/** Run alone: one line per workload with the scores. */
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const python = !('missing' in findPython());
  console.log(`workload            ft 1 (s)  ft 2 (s)  score  gil=1 score${python ? '  CPython score' : ''}`);
  for (const [w, iterations] of WORKLOADS) {
    if (only.length > 0 && !only.includes(w)) continue;
    const n = quick ? Math.max(1000, iterations / 20) : iterations;
    const t1 = await figure('ft', w, 1, n);
    const t2 = await figure('ft', w, 2, n);
    const g1 = await figure('ft-gil', w, 1, n);
    const g2 = await figure('ft-gil', w, 2, n);
    let line = `${w.padEnd(18)}  ${t1.toFixed(3).padStart(8)}  ${t2.toFixed(3).padStart(8)}  ${((2 * t1) / t2).toFixed(2).padStart(5)}  ${((2 * g1) / g2).toFixed(2).padStart(11)}`;
    if (python) line += `  ${((2 * (await figure('cpython', w, 1, n))) / (await figure('cpython', w, 2, n))).toFixed(2).padStart(13)}`;
    console.log(line);
  }
}
