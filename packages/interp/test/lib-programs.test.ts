/**
 * The lib test programs: every test/lib-programs/*.py runs on our VM (with
 * the package's lib/ on sys.path, as `ft run` has it) and its stdout must
 * equal what CPython 3.13 printed (expected/<name>.out, written once with
 * python3.13; CI never runs CPython). The programs exercise the standard
 * modules we write ourselves (lib/*.py over the TypeScript modules of
 * src/modules/) and end normally, so the exit code must be 0 and stderr
 * empty. A program that starts threads (it imports threading, queue,
 * _thread or concurrent.futures) runs through the built `ft` command in a
 * child process instead: pooled workers load the built modules (see
 * python-threads.test.ts), in-process runs from TypeScript have none —
 * and once more with PYTHON_GIL=1, which must print the same.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram } from '../src/cli/run-program.js';
import { runNode } from './spawn.js';

const PROGRAMS_DIR = fileURLToPath(new URL('./lib-programs/', import.meta.url));
const FT = fileURLToPath(new URL('../bin/ft.mjs', import.meta.url));

/** How long a program that starts threads may take (a child process; thread start-up and lock hand-offs are slow on a loaded 2-core machine). */
const THREADED_TIMEOUT_MS = 90_000;

/** A program that imports one of these starts threads: it runs on the built `ft`. */
const THREADED = /^\s*(?:import|from)\s+(?:threading|queue|_thread|concurrent)\b/m;

/** Runs `name`.py with the built `ft` in a child process (cwd: the programs' directory). */
async function runThreaded(name: string, gil = false): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await runNode([FT, `${name}.py`], {
    cwd: PROGRAMS_DIR,
    env: { ...process.env, PYTHONHASHSEED: '0', ...(gil ? { PYTHON_GIL: '1' } : {}) },
    timeoutMs: THREADED_TIMEOUT_MS,
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? -1 };
}

/** How long one program may take on the VM (they take milliseconds on CPython; random_seeded draws many numbers). */
const PROGRAM_TIMEOUT_MS = 30_000;

/**
 * Programs the VM does not run correctly yet. Each runs with `it.fails`, so
 * one that starts passing fails this suite until it is removed here: the set
 * only shrinks, and it names exactly the programs that do not pass.
 */
const KNOWN_FAILING = new Set<string>([]);

const programs = readdirSync(PROGRAMS_DIR)
  .filter((name) => name.endsWith('.py'))
  .map((name) => name.slice(0, -'.py'.length))
  .sort();

describe('lib programs (CPython 3.13 fixtures)', () => {
  let savedCwd = '';
  beforeAll(() => {
    savedCwd = process.cwd();
    process.chdir(PROGRAMS_DIR);
  });
  afterAll(() => {
    process.chdir(savedCwd);
  });

  it('has a fixture for every program and a program for every fixture', () => {
    const fixtures = readdirSync(new URL('./lib-programs/expected/', import.meta.url))
      .filter((name) => name.endsWith('.out'))
      .map((name) => name.slice(0, -'.out'.length))
      .sort();
    expect(fixtures).toEqual(programs);
  });

  it('lists only existing programs as known failing', () => {
    expect([...KNOWN_FAILING].filter((name) => !programs.includes(name))).toEqual([]);
  });

  for (const name of programs) {
    const test = KNOWN_FAILING.has(name) ? it.fails : it;
    const threaded = THREADED.test(readFileSync(`${PROGRAMS_DIR}${name}.py`, 'utf8'));
    test(
      name,
      async () => {
        const expected = readFileSync(`${PROGRAMS_DIR}expected/${name}.out`, 'utf8');
        const actual = threaded ? await runThreaded(name) : await runProgram({ path: `${name}.py`, argv: [], env: { PYTHONHASHSEED: '0' } });
        expect(actual.stdout).toBe(expected);
        expect(actual.stderr).toBe('');
        expect(actual.exitCode).toBe(0);
      },
      threaded ? THREADED_TIMEOUT_MS : PROGRAM_TIMEOUT_MS,
    );
    // A program that starts threads must give the same output with a GIL (one thread at a time).
    if (threaded && !KNOWN_FAILING.has(name)) {
      it(
        `${name} (PYTHON_GIL=1)`,
        async () => {
          const expected = readFileSync(`${PROGRAMS_DIR}expected/${name}.out`, 'utf8');
          const actual = await runThreaded(name, true);
          expect(actual.stdout).toBe(expected);
          expect(actual.stderr).toBe('');
          expect(actual.exitCode).toBe(0);
        },
        THREADED_TIMEOUT_MS,
      );
    }
  }
});
