/**
 * Running a Python program in-process, as `ft run prog.py` does, with its
 * standard streams captured: what the differential tests and the
 * benchmarks call.
 */

/** What to run. */
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

/** What a run produced. */
export interface ProgramResult {
  readonly stdout: string;
  readonly stderr: string;
  /** The process exit code `ft` would exit with (0, 1 for an uncaught exception, `SystemExit`'s code). */
  readonly exitCode: number;
}

/** Runs a program to its end and returns its output and exit code. */
export async function runProgram(options: RunProgramOptions): Promise<ProgramResult> {
  void options;
  throw new Error('runProgram: the VM is being built in this session');
}
