/**
 * The uncaught-exception display (src/vm/print-exception.ts) against
 * CPython 3.13's, byte for byte — the `^`/`~` marker lines included, which
 * the differential suite leaves out: chains of causes and contexts (with a
 * cycle and `from None`), exception groups (nested, with a context inside,
 * past max_group_width and max_group_depth), notes, a failing `__str__`, a
 * type's `__module__`, runs of one entry collapsed, multi-line
 * instructions, markers under binary operations, subscripts and calls,
 * SyntaxError blocks built from their fields, `sys.tracebacklimit`, and
 * "Did you mean" for NameError / AttributeError carrying `name` / `obj`.
 *
 * Each program of test/print-exception/ runs through `runProgram` from that
 * directory, as test/print-exception/generate_expected.py ran it with
 * CPython 3.13 to write expected/<name>.json (CI never runs CPython).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram } from '../src/cli/run-program.js';

const DIR = fileURLToPath(new URL('./print-exception/', import.meta.url));

interface Expected {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

const programs = readdirSync(DIR)
  .filter((name) => name.endsWith('.py') && name !== 'generate_expected.py')
  .map((name) => name.slice(0, -'.py'.length))
  .sort();

describe('uncaught-exception display (CPython 3.13 fixtures, markers included)', () => {
  let savedCwd = '';
  beforeAll(() => {
    savedCwd = process.cwd();
    process.chdir(DIR);
  });
  afterAll(() => {
    process.chdir(savedCwd);
  });

  it('has a fixture for every program', () => {
    const fixtures = readdirSync(`${DIR}expected/`)
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .sort();
    expect(fixtures).toEqual(programs);
  });

  for (const name of programs) {
    it(name, async () => {
      const expected = JSON.parse(readFileSync(`${DIR}expected/${name}.json`, 'utf8')) as Expected;
      const actual = await runProgram({ path: `${name}.py`, argv: [], env: { PYTHONHASHSEED: '0' } });
      // CPython names the script by its absolute path; the fixtures dropped the directory.
      const strip = (text: string): string => text.split(DIR).join('');
      expect(strip(actual.stdout)).toBe(expected.stdout);
      expect(strip(actual.stderr)).toBe(expected.stderr);
      expect(actual.exitCode).toBe(expected.exitCode);
    });
  }
});
