/**
 * Running a Python program in-process, as `ft run prog.py` does, with its
 * standard streams captured: what the differential tests and the
 * benchmarks call.
 */

import { createRuntime } from '../runtime/runtime.js';
import type { StartThreadOptions } from '../runtime/thread-handle.js';
import { createInterpreter } from '../vm/interpreter.js';
import type { OutputSink } from '../vm/interp-state.js';
import { StreamWriteError } from '../vm/stream-error.js';
import { registeredModules, registerSlots } from '../vm/slots.js';
import { mainPathEntry, runMain, waitForThreadShutdown } from '../vm/run-main.js';
import { resolveConfig } from './config.js';
import { formatRunStats } from './run-stats.js';

/** What to run. @public */
export interface RunProgramOptions {
  /** The script (its directory goes first on `sys.path`); exactly one of `path` and `code`. */
  readonly path?: string;
  /** Source text to run as `ft -c code` does. */
  readonly code?: string;
  /** `sys.argv[1:]`. */
  readonly argv?: readonly string[];
  /** `-X` options (`tlbc=0`, `gil=1`). */
  readonly xoptions?: readonly string[];
  /** Environment variables the runtime reads (`PYTHON_GIL`, `PYTHON_TLBC`, `PYTHONHASHSEED`, …); default none. */
  readonly env?: Readonly<Record<string, string>>;
  /** `ft --stats`: after the program, a table of what the runtime did goes to stderr. */
  readonly stats?: boolean;
}

/** What a run produced. @public */
export interface ProgramResult {
  /** Everything the program wrote to `sys.stdout`. */
  readonly stdout: string;
  /** Everything written to `sys.stderr`, tracebacks included. */
  readonly stderr: string;
  /** The process exit code `ft` would exit with (0, 1 for an uncaught exception, `SystemExit`'s code). */
  readonly exitCode: number;
}

/** A sink collecting text in memory. */
function collector(): OutputSink & { text(): string } {
  const parts: string[] = [];
  return {
    write(text: string) {
      parts.push(text);
    },
    flush() {},
    text: () => parts.join(''),
  };
}

/** The Python thread body and the VM's registration, as modules the pooled workers load (only from built JavaScript). */
const THREAD_BODIES = new URL('../vm/python-thread.js', import.meta.url);
const SLOTS_MODULE = new URL('../vm/slots.js', import.meta.url);
/** Workers load the built modules; from TypeScript sources (the tests) programs run without threads. */
const THREADS = import.meta.url.endsWith('.js');

/** Runs a program to its end with the given sinks; returns its exit code. */
export async function runProgramWith(options: RunProgramOptions, stdout: OutputSink, stderr: OutputSink): Promise<number> {
  if ((options.path === undefined) === (options.code === undefined)) throw new TypeError('runProgram: give exactly one of path and code');
  const config = resolveConfig(options.xoptions ?? [], options.env ?? {});
  const runtime = await createRuntime({
    heapSize: 512 << 20,
    // CPython 3.13's measure (gh-117783): functions, code, classes and modules turn immortal when the
    // first other thread starts, so threads do not contend on their counts. 3.14 instead leaves stack
    // references to them uncounted; this VM counts every stack reference, so `ft` runs as 3.13 does.
    immortalizeDeferredOnThreadStart: true,
    env: { ...(options.env ?? {}) },
    xoptions: [...(options.xoptions ?? [])],
    ...(THREADS ? { threadBodies: THREAD_BODIES, slotsModule: SLOTS_MODULE } : { registerSlots }),
  });
  let code = 1;
  try {
    const t = runtime.t;
    const source = options.path !== undefined ? { path: options.path } : { code: options.code! };
    const argv = options.path !== undefined ? [options.path, ...(options.argv ?? [])] : ['-c', ...(options.argv ?? [])];
    const vm = createInterpreter(t, registeredModules(), {
      argv,
      path: [mainPathEntry(source)],
      stdout,
      stderr,
      gil: runtime.gilEnabled,
      xoptions: options.xoptions ?? [],
      participant: runtime.objects.participant,
      tlbc: config.tlbc,
      interpState: runtime.interp,
      threadId: 1,
      ...(THREADS ? { startThread: (body: string, arg?: number, o?: StartThreadOptions) => runtime.startThread(body, arg, o) } : {}),
    });
    const started = performance.now();
    code = runMain(vm, source);
    waitForThreadShutdown(vm);
    if (!flushStdout(stdout, stderr)) code = 120;
    if (options.stats === true) stderr.write(formatRunStats(t, performance.now() - started));
    stderr.flush();
    vm.ds.release();
  } finally {
    // `Py_FinalizeEx`: non-daemon threads are waited for, then the runtime goes.
    await runtime.close();
  }
  stdout.flush();
  stderr.flush();
  return code;
}

/**
 * `flush_std_files` at exit: false when the operating system refused what
 * was left (the reader of the pipe went away), reported as CPython does;
 * the process then exits with 120 (`Py_FinalizeEx` failing).
 */
function flushStdout(stdout: OutputSink, stderr: OutputSink): boolean {
  try {
    stdout.flush();
    return true;
  } catch (error) {
    if (!(error instanceof StreamWriteError)) throw error;
    stderr.write(`Exception ignored on flushing sys.stdout:\n${error.errno === 32 ? 'BrokenPipeError' : 'OSError'}: ${error.message}\n`);
    return false;
  }
}

/**
 * Runs a program to its end and returns its output and exit code.
 * @example
 * ```ts
 * const { stdout } = await runProgram({ code: 'print(sum([i * i for i in range(10)]))' });
 * ```
 * @public
 */
export async function runProgram(options: RunProgramOptions): Promise<ProgramResult> {
  const out = collector();
  const err = collector();
  const exitCode = await runProgramWith(options, out, err);
  return { stdout: out.text(), stderr: err.text(), exitCode };
}
