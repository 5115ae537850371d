/**
 * float arithmetic against the peers issue 19 names, in the same run:
 * `x = x * a + b` on float objects — through the number protocol (what
 * the VM's generic BINARY_OP does: slot dispatch, a new float per result,
 * the old ones freed) and through the floats' values directly (what a
 * specialized BINARY_OP_MULTIPLY_FLOAT / ADD_FLOAT does: still a new
 * float per result) — vs the same expression on JavaScript numbers (the
 * cost of objects), and vs CPython 3.13's `timeit` of the same statement
 * when a python3.13 is found (`FT_PYTHON`, pyenv's 3.13.0, or `python3.13`
 * on the PATH), its loop overhead (`pass`) subtracted.
 */

import { spawnSync } from 'node:child_process';
import { timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import { decref } from '@ft/refcount';
import { createObjectsRuntime, floatAsDouble, floatFromDouble, numberBinaryOp } from '../src/index.js';

const A = 0.999999;
const B = 1e-6;

function jsNumbers(): BenchSample {
  return timeLoop((n) => {
    let x = 1;
    for (let i = 0; i < n; i++) x = x * A + B;
    return x;
  });
}

/** `x = x * a + b` through numberBinaryOp, as the VM's generic BINARY_OP. */
function protocol(): BenchSample {
  const rt = createObjectsRuntime();
  try {
    const t = rt.t;
    const rc = rt.rc;
    const a = floatFromDouble(t, A);
    const b = floatFromDouble(t, B);
    return timeLoop((n) => {
      let x = floatFromDouble(t, 1);
      for (let i = 0; i < n; i++) {
        const product = numberBinaryOp(t, x, a, 'multiply');
        decref(rc, x);
        x = numberBinaryOp(t, product, b, 'add');
        decref(rc, product);
      }
      const v = floatAsDouble(t, x);
      decref(rc, x);
      return v;
    });
  } finally {
    rt.close();
  }
}

/** The same on the floats' values, as a specialized instruction would: a new float per result. */
function specialized(): BenchSample {
  const rt = createObjectsRuntime();
  try {
    const t = rt.t;
    const rc = rt.rc;
    const a = floatFromDouble(t, A);
    const b = floatFromDouble(t, B);
    return timeLoop((n) => {
      let x = floatFromDouble(t, 1);
      for (let i = 0; i < n; i++) {
        const product = floatFromDouble(t, floatAsDouble(t, x) * floatAsDouble(t, a));
        decref(rc, x);
        x = floatFromDouble(t, floatAsDouble(t, product) + floatAsDouble(t, b));
        decref(rc, product);
      }
      const v = floatAsDouble(t, x);
      decref(rc, x);
      return v;
    });
  } finally {
    rt.close();
  }
}

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

/** Best-of-five ns per loop of `timeit` for `statement`. */
function timeit(python: string, setup: string, statement: string, quick: boolean): number {
  const number = quick ? 200_000 : 2_000_000;
  const script = `import timeit; print(min(timeit.repeat(${JSON.stringify(statement)}, ${JSON.stringify(setup)}, number=${number}, repeat=${quick ? 3 : 5})) / ${number} * 1e9)`;
  const run = spawnSync(python, ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`timeit failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

function cpython(quick: boolean): BenchSample {
  const python = findPython();
  if (python === null) throw new Error('no python3.13 found (set FT_PYTHON)');
  const setup = `x = 1.0; a = ${A}; b = ${B}`;
  const statement = timeit(python, setup, 'x = x * a + b', quick);
  const overhead = timeit(python, setup, 'pass', quick);
  return { nsPerOp: statement - overhead, note: `timeit, loop overhead ${overhead.toFixed(1)} ns subtracted (${python})` };
}

export const suites: BenchSuite[] = [
  {
    name: 'objects/float-multiply-add',
    description: 'x = x * a + b on floats (ns per multiply-add: two operations, two new floats, two freed)',
    target: 'the cost of objects reported as the ratio to JavaScript numbers; within 2× of CPython 3.13',
    cases: [
      { name: 'JavaScript numbers (baseline)', baseline: true, run: () => jsNumbers() },
      { name: 'numberBinaryOp (generic BINARY_OP)', run: () => protocol() },
      { name: 'on the values (specialized BINARY_OP)', run: () => specialized() },
      { name: 'CPython 3.13 timeit', run: ({ quick }) => cpython(quick) },
    ],
  },
];
