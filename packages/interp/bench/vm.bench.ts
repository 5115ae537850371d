/**
 * The VM against its peers (issue 21, "Benchmarks"): seven classic kernels
 * (bench/python/*.py, our own code) run by CPython 3.13, by Pyodide (CPython
 * 3.14 compiled to WebAssembly, the fastest Python in JavaScript) and by ft
 * with and without specialization (`-X tlbc=0`), plus the start-up of each.
 *
 * A kernel's time is what it measures itself with time.perf_counter() around
 * its work, so interpreter start-up and compiling the kernel never count;
 * median of 3 runs. CPython runs each time in a fresh process (nothing to
 * warm up in native code); Pyodide is loaded once in a child process and ft
 * once per kernel in a child process, and both then run the kernel 3 times,
 * so their median is a warm run (the note gives the first, cold, run). Every
 * run's checksum line must equal the first one seen for that kernel, or the
 * case fails: a fast wrong answer is no result.
 *
 * Each kernel is one suite with CPython as the baseline, so the table's
 * ratios are Pyodide/CPython and ft/CPython; ft's note adds ft/Pyodide.
 * Run this file directly for one table of all kernels with the three ratios:
 * `node --import tsx --conditions=source packages/interp/bench/vm.bench.ts [--quick]`.
 */

import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchCase, BenchSample, BenchSuite } from '@ft/harness';
import type { VmChildHello, VmChildReply, VmChildRequest } from './vm-child.js';
import { findPython, ftBin, requirePython, runProcess } from './bench-processes.js';

/** One kernel and the arguments that make it run for roughly half a second on CPython 3.13. */
interface Kernel {
  readonly name: string;
  readonly argv: readonly string[];
  readonly quickArgv: readonly string[];
}

const KERNELS: readonly Kernel[] = [
  { name: 'nbody', argv: ['100000'], quickArgv: ['5000'] },
  { name: 'spectral_norm', argv: ['250'], quickArgv: ['60'] },
  { name: 'fannkuch', argv: ['9'], quickArgv: ['7'] },
  { name: 'richards', argv: ['1000', '150'], quickArgv: ['1000', '5'] },
  { name: 'nqueens', argv: ['10', '3'], quickArgv: ['8', '1'] },
  { name: 'deltablue', argv: ['100', '150'], quickArgv: ['100', '5'] },
  { name: 'float', argv: ['100000', '5'], quickArgv: ['10000', '1'] },
];

const RUNS = 3;
/** One kernel run may take this long (ft before specialization may be slow; a hang must not stall the bench). */
const RUN_TIMEOUT_MS = 600_000;

const PYTHON_DIR = fileURLToPath(new URL('./python/', import.meta.url));
const CHILD = fileURLToPath(new URL('./vm-child.ts', import.meta.url));

function kernelPath(kernel: Kernel): string {
  return `${PYTHON_DIR}${kernel.name}.py`;
}

function argvFor(kernel: Kernel, quick: boolean): readonly string[] {
  return quick ? kernel.quickArgv : kernel.argv;
}

// ---------------------------------------------------------------------------
// What a kernel printed

/** A kernel's own report: its elapsed seconds and its checksum line. */
interface KernelOutput {
  readonly elapsedMs: number;
  readonly checksum: string;
}

function parseOutput(who: string, kernel: Kernel, stdout: string): KernelOutput {
  const lines = stdout.split('\n');
  const elapsed = lines.find((line) => line.startsWith('elapsed '));
  const checksum = lines.find((line) => line.startsWith('checksum '));
  const seconds = elapsed === undefined ? NaN : Number(elapsed.slice('elapsed '.length));
  if (!Number.isFinite(seconds) || seconds < 0 || checksum === undefined) {
    throw new Error(`${who}: ${kernel.name} printed no 'elapsed' and 'checksum' lines; its output was:\n${stdout.slice(-2000)}`);
  }
  return { elapsedMs: seconds * 1000, checksum: checksum.slice('checksum '.length) };
}

/** The first checksum seen per kernel and size, and who printed it: every other run must print the same. */
const referenceChecksums = new Map<string, { checksum: string; who: string }>();

function checkChecksum(who: string, kernel: Kernel, quick: boolean, checksum: string): void {
  const key = `${kernel.name} ${argvFor(kernel, quick).join(' ')}`;
  const reference = referenceChecksums.get(key);
  if (reference === undefined) referenceChecksums.set(key, { checksum, who });
  else if (reference.checksum !== checksum) {
    throw new Error(`${who}: ${key} printed checksum '${checksum}', but ${reference.who} printed '${reference.checksum}'`);
  }
}

// ---------------------------------------------------------------------------
// CPython 3.13, a fresh process per run


// ---------------------------------------------------------------------------
// Pyodide and ft, in a child process each

/** A vm-child.ts process and the request it is answering. */
class ChildInterpreter {
  private readonly child: ChildProcess;
  private nextId = 1;
  private pending: { id: number; resolve: (reply: VmChildReply) => void; reject: (error: Error) => void } | null = null;
  private exited: string | null = null;
  readonly hello: Promise<VmChildHello>;

  constructor(readonly which: 'pyodide' | 'ft') {
    this.child = fork(CHILD, [which], { execArgv: ['--import', 'tsx', '--conditions=source'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.hello = new Promise((resolve, reject) => {
      this.child.once('message', (message: VmChildHello) => resolve(message));
      this.child.once('exit', (code, signal) => reject(new Error(`${which} child exited (${signal ?? code}) before it was ready`)));
    });
    this.child.on('message', (message: VmChildReply | VmChildHello) => {
      if ('id' in message && this.pending?.id === message.id) {
        const { resolve } = this.pending;
        this.pending = null;
        resolve(message);
      }
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `${which} child exited (${signal ?? code})`;
      this.pending?.reject(new Error(this.exited));
      this.pending = null;
    });
    // Waited for until it says hello; after that an idle child must not keep
    // the bench runner alive (it ends when the runner's channel closes).
    void this.hello.then(
      () => this.keepAlive(false),
      () => {},
    );
  }

  /** Whether this child (its process and channel) keeps the runner's event loop alive. */
  private keepAlive(on: boolean): void {
    if (on) {
      this.child.ref();
      this.child.channel?.ref();
    } else {
      this.child.unref();
      this.child.channel?.unref();
    }
  }

  /** Sends one request and waits for its answer (one at a time). */
  request(body: { kind: 'run'; path: string; argv: readonly string[]; xoptions: readonly string[] } | { kind: 'pass' }): Promise<VmChildReply> {
    if (this.exited !== null) return Promise.reject(new Error(this.exited));
    if (this.pending !== null) return Promise.reject(new Error(`${this.which} child is busy`));
    const id = this.nextId++;
    const message: VmChildRequest = { id, ...body };
    this.keepAlive(true);
    let timer: NodeJS.Timeout | undefined;
    return new Promise<VmChildReply>((resolve, reject) => {
      timer = setTimeout(() => {
        this.close();
        reject(new Error(`${this.which}: no answer within ${RUN_TIMEOUT_MS / 1000} s`));
      }, RUN_TIMEOUT_MS);
      this.pending = { id, resolve, reject };
      this.child.send(message);
    }).finally(() => {
      clearTimeout(timer);
      this.keepAlive(false);
    });
  }

  close(): void {
    if (this.exited === null) this.child.kill();
  }
}

/** Pyodide, loaded once for the whole bench run. */
let pyodideChild: ChildInterpreter | undefined;

function pyodide(): ChildInterpreter {
  pyodideChild ??= new ChildInterpreter('pyodide');
  return pyodideChild;
}

/** Why ft could not load, once a child has said so: the other kernels then skip starting one. */
let ftUnavailable: string | null = null;

async function ready(child: ChildInterpreter): Promise<{ loadMs: number; version: string }> {
  const hello = await child.hello;
  if (hello.kind === 'unavailable') {
    if (child.which === 'pyodide') throw new Error(`Pyodide: could not load (${hello.error})`);
    ftUnavailable = `ft: not available yet (${hello.error})`;
    throw new Error(ftUnavailable);
  }
  return hello;
}

/** A child running ft, unless an earlier one already showed that ft cannot run yet. */
function ftChild(): ChildInterpreter {
  if (ftUnavailable !== null) throw new Error(ftUnavailable);
  return new ChildInterpreter('ft');
}

// ---------------------------------------------------------------------------
// Measuring one implementation on one kernel

type Implementation = 'cpython' | 'pyodide' | 'ft' | 'ft-notlbc';

const IMPLEMENTATION_NAMES: Record<Implementation, string> = {
  cpython: 'CPython 3.13',
  pyodide: 'Pyodide',
  ft: 'ft',
  'ft-notlbc': 'ft -X tlbc=0',
};

/** One implementation's runs of one kernel: median and all the figures. */
interface KernelResult {
  readonly medianMs: number;
  readonly runsMs: readonly number[];
  readonly checksum: string;
  readonly version: string;
}

async function runKernel(impl: Implementation, kernel: Kernel, quick: boolean): Promise<KernelResult> {
  const path = kernelPath(kernel);
  const argv = argvFor(kernel, quick);
  const who = IMPLEMENTATION_NAMES[impl];
  const runsMs: number[] = [];
  let checksum = '';
  let version = who;
  const record = (stdout: string): void => {
    const output = parseOutput(who, kernel, stdout);
    if (runsMs.length > 0 && output.checksum !== checksum) {
      throw new Error(`${who}: ${kernel.name} printed checksum '${output.checksum}' in one run and '${checksum}' in another`);
    }
    checksum = output.checksum;
    runsMs.push(output.elapsedMs);
  };

  if (impl === 'cpython') {
    const python = requirePython();
    version = python;
    for (let i = 0; i < RUNS; i++) record((await runProcess(python, [path, ...argv])).stdout);
  } else {
    // ft gets a fresh child per kernel, as `ft run kernel.py` would; Pyodide is loaded once.
    const child = impl === 'pyodide' ? pyodide() : ftChild();
    try {
      version = (await ready(child)).version;
      const xoptions = impl === 'ft-notlbc' ? ['tlbc=0'] : [];
      for (let i = 0; i < RUNS; i++) {
        const reply = await child.request({ kind: 'run', path, argv, xoptions });
        if (!reply.ok) throw new Error(`${who}: ${kernel.name} made the runner throw: ${reply.error}`);
        if (reply.exitCode !== 0) throw new Error(`${who}: ${kernel.name} exited with code ${reply.exitCode}:\n${reply.stderr.slice(-2000)}`);
        record(reply.stdout);
      }
    } finally {
      if (impl !== 'pyodide') child.close();
    }
  }
  checkChecksum(who, kernel, quick, checksum);
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { medianMs: sorted[RUNS >> 1], runsMs, checksum, version };
}

/** Results per implementation and kernel, kept for the ratios in the notes and the summary table. */
const results = new Map<string, Promise<KernelResult>>();

function result(impl: Implementation, kernel: Kernel, quick: boolean): Promise<KernelResult> {
  const key = `${impl} ${kernel.name} ${quick}`;
  let run = results.get(key);
  if (run === undefined) {
    run = runKernel(impl, kernel, quick);
    results.set(key, run);
  }
  return run;
}

/** The median of an already-measured peer, or null when it was not measured or failed. */
async function medianOf(impl: Implementation, kernel: Kernel, quick: boolean): Promise<number | null> {
  const run = results.get(`${impl} ${kernel.name} ${quick}`);
  if (run === undefined) return null;
  try {
    return (await run).medianMs;
  } catch {
    return null;
  }
}

function formatRuns(runsMs: readonly number[]): string {
  return runsMs.map((ms) => ms.toFixed(ms < 10 ? 2 : 0)).join(' / ');
}

function kernelCase(impl: Implementation, kernel: Kernel): BenchCase {
  const baseline = impl === 'cpython';
  return {
    name: baseline ? `${IMPLEMENTATION_NAMES[impl]} (baseline)` : IMPLEMENTATION_NAMES[impl],
    baseline,
    async run({ quick }): Promise<BenchSample> {
      const r = await result(impl, kernel, quick);
      const notes = [`median of ${RUNS}: ${formatRuns(r.runsMs)} ms`];
      if (impl === 'pyodide') notes.push(r.version);
      if (impl === 'ft' || impl === 'ft-notlbc') {
        const pyodideMs = await medianOf('pyodide', kernel, quick);
        if (pyodideMs !== null) notes.push(`ft/Pyodide ${(r.medianMs / pyodideMs).toFixed(2)}×`);
      }
      if (impl === 'ft-notlbc') {
        const ftMs = await medianOf('ft', kernel, quick);
        if (ftMs !== null) notes.push(`specialization off/on ${(r.medianMs / ftMs).toFixed(2)}×`);
      }
      notes.push(`checksum ${r.checksum}`);
      return { nsPerOp: r.medianMs * 1e6, note: notes.join('; ') };
    },
  };
}

// ---------------------------------------------------------------------------
// Start-up

/** Median wall time of `times` runs of a command, in ns. */
async function processWall(command: string, args: readonly string[], times: number): Promise<BenchSample> {
  const walls: number[] = [];
  for (let i = 0; i < times; i++) walls.push((await runProcess(command, args)).wallMs);
  walls.sort((a, b) => a - b);
  return { nsPerOp: walls[times >> 1] * 1e6, note: `process wall time, median of ${times}: ${formatRuns(walls)} ms` };
}


async function pyodideLoad(quick: boolean): Promise<BenchSample> {
  // A fresh child each time: the load measured is loadPyodide() from nothing, inside an already started Node.
  const times = quick ? 1 : 3;
  const loads: number[] = [];
  let version = '';
  for (let i = 0; i < times; i++) {
    const child = new ChildInterpreter('pyodide');
    try {
      const hello = await ready(child);
      loads.push(hello.loadMs);
      version = hello.version;
    } finally {
      child.close();
    }
  }
  loads.sort((a, b) => a - b);
  return { nsPerOp: loads[times >> 1] * 1e6, note: `loadPyodide() in a started Node, median of ${times}: ${formatRuns(loads)} ms (${version})` };
}

async function ftPassInProcess(quick: boolean): Promise<BenchSample> {
  const child = ftChild();
  try {
    const hello = await ready(child);
    const times = quick ? 3 : 10;
    const walls: number[] = [];
    for (let i = 0; i < times; i++) {
      const reply = await child.request({ kind: 'pass' });
      if (!reply.ok) throw new Error(`ft: runProgram({ code: 'pass' }) threw: ${reply.error}`);
      walls.push(reply.wallMs);
    }
    const first = walls[0];
    walls.sort((a, b) => a - b);
    return { nsPerOp: walls[times >> 1] * 1e6, note: `runProgram({ code: 'pass' }) in a started Node, median of ${times} (first ${first.toFixed(1)} ms; importing ft and a first pass took ${hello.loadMs.toFixed(0)} ms)` };
  } finally {
    child.close();
  }
}

const startupSuite: BenchSuite = {
  name: 'interp/vm-startup',
  description: 'starting the interpreter and running nothing (ns)',
  target: 'ft -c pass: report against python3.13 -c pass and loadPyodide()',
  cases: [
    { name: 'python3.13 -c pass (baseline)', baseline: true, run: ({ quick }) => processWall(requirePython(), ['-c', 'pass'], quick ? 5 : 20) },
    { name: 'Pyodide loadPyodide()', run: ({ quick }) => pyodideLoad(quick) },
    {
      name: 'ft -c pass',
      run: ({ quick }) => {
        const bin = ftBin();
        if (bin === null) throw new Error("ft: not available yet (@ft/interp's package.json has no built 'bin' for ft)");
        return processWall(process.execPath, [bin, '-c', 'pass'], quick ? 5 : 20);
      },
    },
    { name: "ft runProgram({ code: 'pass' }), in-process", run: ({ quick }) => ftPassInProcess(quick) },
    { name: 'node -e 0 (the floor under any ft start-up)', run: ({ quick }) => processWall(process.execPath, ['-e', '0'], quick ? 5 : 20) },
  ],
};

// ---------------------------------------------------------------------------

const IMPLEMENTATIONS: readonly Implementation[] = ['cpython', 'pyodide', 'ft', 'ft-notlbc'];

export const suites: BenchSuite[] = [
  ...KERNELS.map(
    (kernel): BenchSuite => ({
      name: `interp/vm ${kernel.name}`,
      description: `${kernel.name}.py's own time.perf_counter() time of its work (ns per run), CPython 3.13 vs Pyodide vs ft`,
      target: 'ft no slower than Pyodide and within 2× of CPython 3.13',
      cases: IMPLEMENTATIONS.map((impl) => kernelCase(impl, kernel)),
    }),
  ),
  startupSuite,
];

/** Run directly: every kernel on every implementation, then one table with the three ratios. */
async function printSummary(quick: boolean): Promise<void> {
  const cell = (ms: number | null): string => (ms === null ? '—' : ms.toFixed(1));
  const ratio = (a: number | null, b: number | null): string => (a === null || b === null ? '—' : `${(a / b).toFixed(2)}×`);
  const rows: string[][] = [];
  const problems: string[] = [];
  for (const kernel of KERNELS) {
    const ms: Partial<Record<Implementation, number | null>> = {};
    let checksum = '';
    for (const impl of IMPLEMENTATIONS) {
      process.stderr.write(`${kernel.name} on ${IMPLEMENTATION_NAMES[impl]} ...`);
      try {
        const r = await result(impl, kernel, quick);
        ms[impl] = r.medianMs;
        checksum = r.checksum;
        process.stderr.write(` ${r.medianMs.toFixed(1)} ms\n`);
      } catch (error) {
        ms[impl] = null;
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(' —\n');
        if (!problems.includes(message.split('\n')[0])) problems.push(message.split('\n')[0]);
      }
    }
    const cpython = ms.cpython ?? null;
    const pyodideMs = ms.pyodide ?? null;
    const ft = ms.ft ?? null;
    rows.push([kernel.name, argvFor(kernel, quick).join(' '), cell(cpython), cell(pyodideMs), cell(ft), cell(ms['ft-notlbc'] ?? null), ratio(pyodideMs, cpython), ratio(ft, cpython), ratio(ft, pyodideMs), checksum]);
  }
  const header = ['kernel', 'argv', 'CPython ms', 'Pyodide ms', 'ft ms', 'ft tlbc=0 ms', 'Pyodide/CPython', 'ft/CPython', 'ft/Pyodide', 'checksum (all equal)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  console.log(`median of ${RUNS} runs, each kernel's own perf_counter() time; ${cpus()[0]?.model ?? 'unknown CPU'}`);
  for (const problem of problems) console.log(`note: ${problem}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await printSummary(process.argv.includes('--quick'));
  pyodideChild?.close();
}
