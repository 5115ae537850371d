/**
 * The `ft` command (`Modules/main.c`'s `pymain_main` in spirit): `ft run
 * prog.py [args]`, `ft prog.py [args]`, `ft -c code [args]`, `-X gil=0|1`,
 * `-X tlbc=0|1`, `--stats` and the `PYTHON*` environment variables; the program's
 * output goes to the process's stdout and stderr, its exit code is the
 * process's (CPython's: 1 for an uncaught exception, 2 for a bad command
 * line or a missing script, SystemExit's code).
 */

import { existsSync } from 'node:fs';
import { isatty } from 'node:tty';
import { runProgramWith, type RunProgramOptions } from './run-program.js';
import { fdSink } from '../vm/fd-sink.js';
import type { OutputSink } from '../vm/interp-state.js';
import { StreamWriteError } from '../vm/stream-error.js';

const USAGE = `usage: ft [option] ... [-c cmd | run file | file] [arg] ...
Options:
  -c cmd   : program passed in as string (terminates option list)
  -X opt   : set implementation-specific option (gil=0|1, tlbc=0|1)
  --stats  : after the run, print what the runtime did (memory, refcount, QSBR, GC) to stderr
  -h       : print this help message and exit
  -V       : print the Python version number and exit
  run file : run the program in file (terminates option list)
Environment: PYTHON_GIL, PYTHON_TLBC, PYTHONHASHSEED
`;

/** Parses the command line: what to run, or an exit code after printing usage/version/an error. */
export function parseCommandLine(argv: readonly string[], stderr: (s: string) => void, stdout: (s: string) => void): RunProgramOptions | number {
  const xoptions: string[] = [];
  let stats = false;
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      stdout(USAGE);
      return 0;
    }
    if (a === '-V' || a === '--version') {
      stdout('Python 3.13.0 (ft)\n');
      return 0;
    }
    if (a === '--stats') {
      stats = true;
      i++;
      continue;
    }
    if (a === '-X') {
      const v = argv[i + 1];
      if (v === undefined) {
        stderr('Argument expected for the -X option\n' + USAGE);
        return 2;
      }
      xoptions.push(v);
      i += 2;
      continue;
    }
    if (a.startsWith('-X')) {
      xoptions.push(a.slice(2));
      i++;
      continue;
    }
    if (a === '-c') {
      const code = argv[i + 1];
      if (code === undefined) {
        stderr('Argument expected for the -c option\n' + USAGE);
        return 2;
      }
      return { code, argv: argv.slice(i + 2), xoptions, env: environment(), stats };
    }
    if (a === 'run' || !a.startsWith('-')) {
      const path = a === 'run' ? argv[i + 1] : a;
      if (path === undefined) {
        stderr('ft run: a file to run is expected\n' + USAGE);
        return 2;
      }
      return { path, argv: argv.slice(a === 'run' ? i + 2 : i + 1), xoptions, env: environment(), stats };
    }
    stderr(`Unknown option: ${a}\n${USAGE}`);
    return 2;
  }
  stderr('ft: the interactive prompt is not there yet; give a file or -c code\n' + USAGE);
  return 2;
}

/** The environment variables the runtime reads. */
function environment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PYTHON_GIL', 'PYTHON_TLBC', 'PYTHONHASHSEED', 'PYTHONMALLOC', 'PYTHONMALLOCSTATS']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** Runs `ft` with `argv` (the arguments after the command); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // `isatty`, not `process.stdout.isTTY`: making Node's stdout stream would put a pipe on fd 1 in
  // non-blocking mode, for every other process sharing it too.
  const out = fdSink(1, isatty(1) ? 'line' : 'block');
  const err = fdSink(2, 'unbuffered');
  const parsed = parseCommandLine(argv, (s) => err.write(s), (s) => out.write(s));
  if (typeof parsed === 'number') {
    out.flush();
    return parsed;
  }
  if (parsed.path !== undefined && !existsSync(parsed.path)) {
    err.write(`ft: can't open file '${parsed.path}': [Errno 2] No such file or directory\n`);
    return 2;
  }
  try {
    return await runProgramWith(parsed, out, err);
  } catch (e) {
    flushQuietly(out);
    // A configuration error (a bad -X value, PYTHONHASHSEED) is CPython's "Fatal Python error" at start-up.
    err.write(`Fatal Python error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    flushQuietly(out);
  }
}

/** Flushes what is left; a refused write was reported by the program's own exit flush. */
function flushQuietly(out: OutputSink): void {
  try {
    out.flush();
  } catch (error) {
    if (!(error instanceof StreamWriteError)) throw error;
  }
}
