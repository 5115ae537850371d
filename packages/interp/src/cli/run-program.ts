/**
 * Running a Python program in-process, as `ft run prog.py` does, with its
 * standard streams captured: what the differential tests and the
 * benchmarks call.
 */

import { createObjectsRuntime } from '@ft/objects';
import { createInterpreter, registerInterpreter } from '../vm/interpreter.js';
import type { OutputSink } from '../vm/interp-state.js';
import type { RegisteredModule } from '../modules/module-def.js';
import { mainPathEntry, runMain } from '../vm/run-main.js';
import { resolveConfig } from './config.js';

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

/** Runs a program to its end with the given sinks; returns its exit code. */
export function runProgramWith(options: RunProgramOptions, stdout: OutputSink, stderr: OutputSink): number {
  if ((options.path === undefined) === (options.code === undefined)) throw new TypeError('runProgram: give exactly one of path and code');
  const config = resolveConfig(options.xoptions ?? [], options.env ?? {});
  let registered: Map<string, RegisteredModule> | null = null;
  const rt = createObjectsRuntime({
    heapSize: 512 << 20,
    hashSeed: config.hashSeed,
    registerSlots: (slots) => {
      registered = registerInterpreter(slots);
    },
  });
  try {
    const source = options.path !== undefined ? { path: options.path } : { code: options.code! };
    const argv = options.path !== undefined ? [options.path, ...(options.argv ?? [])] : ['-c', ...(options.argv ?? [])];
    const vm = createInterpreter(rt.t, registered!, { argv, path: [mainPathEntry(source)], stdout, stderr, gil: config.gil, xoptions: options.xoptions ?? [], participant: rt.participant, tlbc: config.tlbc });
    const code = runMain(vm, source);
    stdout.flush();
    stderr.flush();
    return code;
  } finally {
    rt.close();
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
  const exitCode = runProgramWith(options, out, err);
  return { stdout: out.text(), stderr: err.text(), exitCode };
}
