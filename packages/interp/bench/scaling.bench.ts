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
 * The machine's ceiling: the same 1-thread run in two `ft` processes at
 * once, their timed phases started at the same moment (ftscaling.py's
 * START_AT); ceiling = 2 · T1 / (the later of the two). Two processes share
 * no object, no lock and no cache line of ours, so what they lose is the
 * machine's: on a VM whose two vCPUs run at different speeds (measured:
 * one 1.5–1.7× slower than the other on interpreter loops, not on a tight
 * JS loop) no score can pass the ceiling, and score ÷ ceiling is what the
 * threads lose to each other. `cpuSpeeds` prints each CPU's own time.
 *
 * Also (issue 22) the same total work on 1 thread and split over 2, wall
 * time beside CPython 3.13 with its GIL (sum_of_squares, allocate).
 *
 * `node --import tsx --conditions=source packages/interp/bench/scaling.bench.ts [--quick] [workload …]`
 * (or `npm run bench -- --package interp --filter scaling`).
 */

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
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

type Who = 'ft' | 'ft-gil' | 'cpython' | 'ft-procs';

/** Seconds from the launch of two processes to their common start: start-up (≤ 1 s idle) and a warm-up of a third of the work. */
const PROCS_LEAD_S = 5;

function ftCommand(gil: boolean): [string, string[]] {
  const bin = ftBin();
  if (bin === null) throw new Error('ft is not built: run `npm run build` first (pooled workers load the built modules)');
  return [process.execPath, gil ? [bin, '-X', 'gil=1', SCRIPT] : [bin, SCRIPT]];
}

function elapsedOf(who: string, workload: string, stdout: string): number {
  const m = /^elapsed (\S+)$/m.exec(stdout);
  if (m === null) throw new Error(`${who} ${workload}: no elapsed line in ${JSON.stringify(stdout.slice(-200))}`);
  return Number(m[1]);
}

/**
 * Two 1-thread runs in two processes at once, timed from the same moment:
 * the later one's seconds. A process still warming up at that moment
 * prints `late`; the pair is then run again with twice the lead.
 */
async function twoProcesses(workload: string, iterations: number): Promise<number> {
  const [command, args] = ftCommand(false);
  for (let lead = PROCS_LEAD_S; ; lead *= 2) {
    const startAt = (Date.now() / 1000 + lead).toFixed(3);
    const run = () => runProcess(command, [...args, workload, '1', String(iterations), startAt]);
    const outs = await Promise.all([run(), run()]);
    if (outs.some((o) => /^late /m.test(o.stdout)) && lead < 8 * PROCS_LEAD_S) continue;
    return Math.max(...outs.map((o) => elapsedOf('ft (2 processes)', workload, o.stdout)));
  }
}

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[values.length >> 1]!;
}

/** One run's seconds: `threads` threads in one process, or (`ft-procs`) one thread in each of two processes at once. */
async function once(who: Who, workload: string, threads: number, iterations: number): Promise<number> {
  if (who === 'ft-procs') return twoProcesses(workload, iterations);
  let command: string;
  let args: string[];
  if (who === 'cpython') {
    const found = findPython();
    if ('missing' in found) throw new Error(found.missing);
    command = found.python;
    args = [SCRIPT];
  } else {
    [command, args] = ftCommand(who === 'ft-gil');
  }
  const { stdout } = await runProcess(command, [...args, workload, String(threads), String(iterations)]);
  return elapsedOf(who, workload, stdout);
}

/**
 * Median seconds of each of `kinds` on `workload`, the kinds run in turn
 * within each of RUNS rounds: this VM's speed changes within minutes
 * (PERF notes), and a score divides figures that must come from the
 * same minutes.
 */
async function interleaved(kinds: readonly (readonly [Who, number])[], workload: string, iterations: number): Promise<number[]> {
  const runs: number[][] = kinds.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < kinds.length; k++) runs[k]!.push(await once(kinds[k]![0], workload, kinds[k]![1], iterations));
  }
  return runs.map(median);
}

/** The kinds measured together: ft's three, and each other implementation's pair. */
function groupOf(who: Who): readonly (readonly [Who, number])[] {
  if (who === 'ft' || who === 'ft-procs') return [['ft', 1], ['ft', 2], ['ft-procs', 1]];
  return [[who, 1], [who, 2]];
}

/** One (who, threads) figure per workload, memoized: a group's figures are measured together, interleaved. */
const memo = new Map<string, Promise<number[]>>();
async function figure(who: Who, workload: string, threads: number, iterations: number): Promise<number> {
  const group = groupOf(who);
  const key = `${group[0]![0]} ${workload} ${iterations}`;
  let p = memo.get(key);
  if (p === undefined) memo.set(key, (p = interleaved(group, workload, iterations)));
  const index = group.findIndex(([w, n]) => w === who && n === threads);
  return (await p)[index]!;
}

function scalingCase(name: string, who: Who, threads: number, workload: string, iterations: number, baseline = false): BenchCase {
  return {
    name,
    ...(baseline ? { baseline: true } : {}),
    async run({ quick }): Promise<BenchSample> {
      const n = quick ? Math.max(1000, iterations / 20) : iterations;
      const seconds = await figure(who, workload, threads, n);
      const note: string[] = [`median of ${RUNS}: ${seconds.toFixed(3)} s for ${n} iterations per thread`];
      if (who === 'ft-procs') {
        const one = await figure('ft', workload, 1, n);
        note.push(`the machine's ceiling 2·T1/T = ${((2 * one) / seconds).toFixed(2)}`);
      } else if (threads === 2) {
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
    scalingCase("ft, 1 thread in 2 processes at once (the machine's ceiling)", 'ft-procs', 1, workload, iterations),
    scalingCase('ft -X gil=1, 2 threads (control)', 'ft-gil', 2, workload, iterations),
  ];
  if (!('missing' in findPython())) {
    cases.push(scalingCase('CPython 3.13 (GIL), 1 thread', 'cpython', 1, workload, iterations));
    cases.push(scalingCase('CPython 3.13 (GIL), 2 threads', 'cpython', 2, workload, iterations));
  }
  return {
    name: `interp/scaling/${workload}`,
    description: `${workload}: wall time per iteration of one thread's share (python/ftscaling.py)`,
    target: "ft 2 threads: score 2·T1/T2 ≥ 1.8 (ratio ≤ 1.11 to 1 thread), and never below the machine's ceiling by more than 10%",
    cases,
  };
}

/**
 * The same total work on 1 thread and split over 2 (ftscaling.py's
 * sum_of_squares and allocate): wall time, ft beside CPython 3.13, whose
 * GIL keeps 2 threads from going faster than 1.
 */
const SPLIT_WORKLOADS: readonly (readonly [string, number])[] = [
  ['sum_of_squares', 4_000_000],
  ['allocate', 1_000_000],
];

interface SplitFigures {
  ft1: number;
  ft2: number;
  /** CPython's, when a python3.13 is here. */
  py1?: number;
  py2?: number;
}

const splitMemo = new Map<string, Promise<SplitFigures>>();
function splitFigures(workload: string, total: number): Promise<SplitFigures> {
  const key = `${workload} ${total}`;
  let p = splitMemo.get(key);
  if (p === undefined) {
    const python = !('missing' in findPython());
    p = (async () => {
      const one = await interleaved(python ? [['ft', 1], ['cpython', 1]] : [['ft', 1]], workload, total);
      const two = await interleaved(python ? [['ft', 2], ['cpython', 2]] : [['ft', 2]], workload, total / 2);
      return { ft1: one[0]!, ft2: two[0]!, ...(python ? { py1: one[1]!, py2: two[1]! } : {}) };
    })();
    splitMemo.set(key, p);
  }
  return p;
}

function splitSuite(workload: string, total: number): BenchSuite {
  const kase = (name: string, pick: (f: SplitFigures) => number | undefined, baseline = false): BenchCase => ({
    name,
    ...(baseline ? { baseline: true } : {}),
    async run({ quick }): Promise<BenchSample> {
      const n = quick ? Math.max(2000, total / 20) : total;
      const seconds = pick(await splitFigures(workload, n));
      if (seconds === undefined) throw new Error((findPython() as { missing: string }).missing);
      return { nsPerOp: (seconds * 1e9) / n, note: `median of ${RUNS}: ${seconds.toFixed(3)} s for ${n} iterations in all` };
    },
  });
  const cases = [kase('ft, 1 thread', (f) => f.ft1, true), kase('ft, 2 threads (half each)', (f) => f.ft2)];
  if (!('missing' in findPython())) {
    cases.push(kase('CPython 3.13 (GIL), 1 thread', (f) => f.py1), kase('CPython 3.13 (GIL), 2 threads (half each)', (f) => f.py2));
  }
  return {
    name: `interp/threads-vs-gil/${workload}`,
    description: `${workload}: wall time per iteration of the whole work, on 1 thread and split over 2 (python/ftscaling.py)`,
    cases,
  };
}

export const suites: BenchSuite[] = [...WORKLOADS.map(([w, n]) => workloadSuite(w, n)), ...SPLIT_WORKLOADS.map(([w, n]) => splitSuite(w, n))];

/**
 * Each CPU's own speed: the same 1-thread run pinned to one CPU at a time
 * (`taskset`, Linux), median of 3 each; null where there is no taskset.
 */
export async function cpuSpeeds(workload = 'pyfunction', iterations = 600_000): Promise<number[] | null> {
  if (process.platform !== 'linux' || spawnSync('taskset', ['-c', '0', 'true']).status !== 0) return null;
  const [command, args] = ftCommand(false);
  const cpus = Math.min(availableParallelism(), 4);
  const runs: number[][] = Array.from({ length: cpus }, () => []);
  for (let i = 0; i < RUNS; i++) {
    for (let cpu = 0; cpu < cpus; cpu++) {
      const { stdout } = await runProcess('taskset', ['-c', String(cpu), command, ...args, workload, '1', String(iterations)]);
      runs[cpu]!.push(elapsedOf(`ft on cpu ${cpu}`, workload, stdout));
    }
  }
  return runs.map(median);
}

/** Run alone: one line per workload with the scores. */
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const python = !('missing' in findPython());
  const speeds = await cpuSpeeds();
  if (speeds !== null) console.log(`each CPU alone (pyfunction, 600000 iterations, taskset): ${speeds.map((s, cpu) => `cpu${cpu} ${s.toFixed(3)} s`).join(', ')}`);
  console.log(`workload            ft 1 (s)  ft 2 (s)  score  2 procs (s)  ceiling  score/ceiling  gil=1 score${python ? '  CPython score' : ''}`);
  for (const [w, iterations] of WORKLOADS) {
    if (only.length > 0 && !only.includes(w)) continue;
    const n = quick ? Math.max(1000, iterations / 20) : iterations;
    const t1 = await figure('ft', w, 1, n);
    const t2 = await figure('ft', w, 2, n);
    const tp = await figure('ft-procs', w, 1, n);
    const g1 = await figure('ft-gil', w, 1, n);
    const g2 = await figure('ft-gil', w, 2, n);
    const cells = [t1.toFixed(3).padStart(8), t2.toFixed(3).padStart(8), ((2 * t1) / t2).toFixed(2).padStart(5), tp.toFixed(3).padStart(11), ((2 * t1) / tp).toFixed(2).padStart(7), (tp / t2).toFixed(2).padStart(13), ((2 * g1) / g2).toFixed(2).padStart(11)];
    let line = `${w.padEnd(18)}  ${cells.join('  ')}`;
    if (python) line += `  ${((2 * (await figure('cpython', w, 1, n))) / (await figure('cpython', w, 2, n))).toFixed(2).padStart(13)}`;
    console.log(line);
  }
  console.log('\nthe same work on 1 thread and split over 2: wall seconds');
  console.log(`workload            ft 1     ft 2  ft speedup${python ? '  CPython 1  CPython 2  ft 2 ÷ CPython 2' : ''}`);
  for (const [w, total] of SPLIT_WORKLOADS) {
    if (only.length > 0 && !only.includes(w)) continue;
    const f = await splitFigures(w, quick ? Math.max(2000, total / 20) : total);
    let line = `${w.padEnd(18)}  ${f.ft1.toFixed(3).padStart(5)}  ${f.ft2.toFixed(3).padStart(7)}  ${(f.ft1 / f.ft2).toFixed(2).padStart(10)}`;
    if (f.py1 !== undefined && f.py2 !== undefined) line += `  ${f.py1.toFixed(3).padStart(9)}  ${f.py2.toFixed(3).padStart(9)}  ${(f.ft2 / f.py2).toFixed(2).padStart(16)}`;
    console.log(line);
  }
}
