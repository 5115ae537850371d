/**
 * CPython 3.13 as a peer in the benchmarks: its `timeit` of a statement,
 * the loop overhead (`pass`) subtracted, when a python3.13 is found
 * (`FT_PYTHON`, pyenv's 3.13.0, or `python3.13` on the PATH). CI has none:
 * the case then reports that it could not run.
 */

import { spawnSync } from 'node:child_process';
import type { BenchSample } from '@ft/harness';

/** A python3.13 to compare with, or null. */
function findPython(): string | null {
  const candidates: string[] = [];
  if (process.env.FT_PYTHON) candidates.push(process.env.FT_PYTHON);
  const root = spawnSync('pyenv', ['root'], { encoding: 'utf8' });
  if (root.status === 0) candidates.push(`${root.stdout.trim()}/versions/3.13.0/bin/python3`);
  candidates.push('python3.13');
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import sys; print(sys.version_info[:2] == (3, 13))'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return python;
  }
  return null;
}

/** Best-of-repeats ns per loop of `timeit` for `statement`. */
function timeit(python: string, setup: string, statement: string, number: number, quick: boolean): number {
  const script = `import timeit; print(min(timeit.repeat(${JSON.stringify(statement)}, ${JSON.stringify(setup)}, number=${number}, repeat=${quick ? 3 : 5})) / ${number} * 1e9)`;
  const run = spawnSync(python, ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`timeit failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

/**
 * CPython 3.13's ns for `statement` on `setup`'s variables, the loop
 * overhead subtracted; `per` divides the result (a statement doing `per`
 * operations).
 * @throws Error when no python3.13 is found.
 */
export function cpythonTimeit(setup: string, statement: string, quick: boolean, number = quick ? 200_000 : 2_000_000, per = 1): BenchSample {
  const python = findPython();
  if (python === null) throw new Error('no python3.13 found (set FT_PYTHON)');
  const time = timeit(python, setup, statement, number, quick);
  const overhead = timeit(python, setup, 'pass', number, quick);
  return { nsPerOp: (time - overhead) / per, note: `timeit, loop overhead ${overhead.toFixed(1)} ns subtracted (${python})` };
}
