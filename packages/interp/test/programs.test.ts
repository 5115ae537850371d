/**
 * The differential suite: every program of test/programs/ runs on our VM and
 * its stdout, exit code and stderr must equal what CPython 3.13 produced
 * (fixtures in test/programs/expected/, written once by
 * test/programs/generate_expected.py; CI never runs CPython).
 *
 * Programs run as the generator ran them: the working directory is the
 * programs directory and the path is the bare `<name>.py`, so tracebacks say
 * `File "<name>.py"` (a forked vitest worker may chdir; `runProgram` resolves
 * the path against the process's working directory, as `ft run` does).
 * CPython reports modules imported from pkgs/ by their absolute path: that
 * directory prefix is removed from both streams on both sides.
 *
 * stderr is compared after removing CPython 3.13's marker lines under
 * traceback source lines (lines made only of spaces, `^` and `~`, behind an
 * exception group's `|` margin too), which we do not promise to reproduce;
 * this also drops the column marker of a SyntaxError.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram } from '../src/cli/run-program.js';

const PROGRAMS_DIR = fileURLToPath(new URL('./programs/', import.meta.url));

/**
 * How long one program may run on the VM before its test fails (each program
 * takes milliseconds on CPython). It bounds the suite only while `runProgram`
 * yields to the event loop: a hang inside one synchronous slice cannot be
 * interrupted from this thread.
 */
const PROGRAM_TIMEOUT_MS = 10_000;

/**
 * Programs the VM does not run correctly yet. Each runs with `it.fails`, so a
 * program that starts passing FAILS this suite until it is removed from this
 * set: the set only ever shrinks, and it always names exactly the programs
 * that do not pass.
 */
const KNOWN_FAILING = new Set<string>([]);

interface Expected {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** `sys.argv[1:]` the program was run with, when any. */
  readonly argv?: readonly string[];
}

/**
 * CPython 3.13's error-location markers: lines made only of spaces, `^` and
 * `~` (at least one marker), also behind the `|` margin of an exception
 * group's traceback.
 */
const MARKER_LINE = /^[ |]*[~^][ ~^]*$/;

function withoutMarkerLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !MARKER_LINE.test(line))
    .join('\n');
}

/** Removes the programs directory's absolute path, as the generator does (see the file comment). */
function withoutProgramsDir(text: string): string {
  return text.split(PROGRAMS_DIR).join('');
}

const programs = readdirSync(PROGRAMS_DIR)
  .filter((name) => name.endsWith('.py') && name !== 'generate_expected.py')
  .map((name) => name.slice(0, -'.py'.length))
  .sort();

describe('differential programs (CPython 3.13 fixtures)', () => {
  let savedCwd = '';
  beforeAll(() => {
    savedCwd = process.cwd();
    process.chdir(PROGRAMS_DIR);
  });
  afterAll(() => {
    process.chdir(savedCwd);
  });

  it('has a fixture for every program and a program for every fixture', () => {
    const fixtures = readdirSync(new URL('./programs/expected/', import.meta.url))
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .sort();
    expect(fixtures).toEqual(programs);
  });

  it('lists only existing programs as known failing', () => {
    expect([...KNOWN_FAILING].filter((name) => !programs.includes(name))).toEqual([]);
  });

  for (const name of programs) {
    const test = KNOWN_FAILING.has(name) ? it.fails : it;
    test(
      name,
      async () => {
        const expected = JSON.parse(readFileSync(`${PROGRAMS_DIR}expected/${name}.json`, 'utf8')) as Expected;
        const actual = await runProgram({
          path: `${name}.py`,
          argv: expected.argv ?? [],
          env: { PYTHONHASHSEED: '0' },
        });
        expect(withoutProgramsDir(actual.stdout)).toBe(expected.stdout);
        expect(withoutMarkerLines(withoutProgramsDir(actual.stderr))).toBe(withoutMarkerLines(expected.stderr));
        expect(actual.exitCode).toBe(expected.exitCode);
      },
      PROGRAM_TIMEOUT_MS,
    );
  }
});
