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

import { cpythonTimeit } from './cpython-timeit.js';
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

function cpython(quick: boolean): BenchSample {
  return cpythonTimeit(`x = 1.0; a = ${A}; b = ${B}`, 'x = x * a + b', quick);
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
