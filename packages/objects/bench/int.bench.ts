/**
 * int arithmetic against the peers issue 19 names, in the same run:
 * compact int add and compare — through the number protocol (the VM's
 * generic BINARY_OP / COMPARE_OP), through int's slot or `intCompare`
 * directly (what a specialized instruction would call) — vs the same on
 * JavaScript numbers (the cost of objects), and vs CPython 3.13's `timeit`
 * of the same expression when a python3.13 is found (`FT_PYTHON`, pyenv's
 * 3.13.0, or `python3.13` on the PATH), its loop overhead subtracted; and
 * the multiplication of two 100-digit ints (100 decimal digits: the
 * schoolbook path; 100 of CPython's 30-bit digits: V8's multiply with the
 * conversions) vs the same product of JavaScript bigints.
 */

import { cpythonTimeit } from './cpython-timeit.js';
import { timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import { decref } from '@ft/refcount';
import { createObjectsRuntime, intCompare, intFromBigInt, intFromNumber, numberBinaryOp, objectRichCompareBool, PY_LT, StaticType, typeSlotId, type ObjectsRuntime } from '../src/index.js';

/** 1024 pseudo-random compact values below 2^29 (their sums stay compact: one digit). */
function compactValues(seed: number): number[] {
  let x = seed | 1;
  const out: number[] = [];
  for (let i = 0; i < 1024; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push((x >>> 0) % 2 ** 29);
  }
  return out;
}

const VALUES = compactValues(12345);

function withRuntime(body: (rt: ObjectsRuntime, ints: Uint32Array) => BenchSample, values: readonly number[] = VALUES): BenchSample {
  const rt = createObjectsRuntime();
  try {
    const ints = Uint32Array.from(values, (v) => intFromNumber(rt.t, v));
    return body(rt, ints);
  } finally {
    rt.close();
  }
}

function jsAdd(): BenchSample {
  const values = Float64Array.from(VALUES);
  return timeLoop((n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i & 1023]! + values[(i + 1) & 1023]!;
    return sum;
  });
}

/** `a + b` through numberBinaryOp (a new int per result, freed), as the VM's generic BINARY_OP. */
function protocolAdd(values: readonly number[] = VALUES): BenchSample {
  return withRuntime((rt, ints) => {
    const t = rt.t;
    const rc = rt.rc;
    return timeLoop((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const r = numberBinaryOp(t, ints[i & 1023]!, ints[(i + 1) & 1023]!, 'add');
        sum += r;
        decref(rc, r);
      }
      return sum;
    });
  }, values);
}

/** `a + b` through int's `nb_add` directly, as a specialized BINARY_OP_ADD_INT would call it. */
function slotAdd(): BenchSample {
  return withRuntime((rt, ints) => {
    const t = rt.t;
    const rc = rt.rc;
    const add = t.slots.add[typeSlotId(t, t.types[StaticType.Int]!, 'add')]!;
    return timeLoop((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const r = add(t, ints[i & 1023]!, ints[(i + 1) & 1023]!);
        sum += r;
        decref(rc, r);
      }
      return sum;
    });
  });
}

function jsCompare(): BenchSample {
  const values = Float64Array.from(VALUES);
  return timeLoop((n) => {
    let count = 0;
    for (let i = 0; i < n; i++) if (values[i & 1023]! < values[(i + 1) & 1023]!) count++;
    return count;
  });
}

function intCompareDirect(): BenchSample {
  return withRuntime((rt, ints) => {
    const t = rt.t;
    return timeLoop((n) => {
      let count = 0;
      for (let i = 0; i < n; i++) if (intCompare(t, ints[i & 1023]!, ints[(i + 1) & 1023]!) < 0) count++;
      return count;
    });
  });
}

function protocolCompare(): BenchSample {
  return withRuntime((rt, ints) => {
    const t = rt.t;
    return timeLoop((n) => {
      let count = 0;
      for (let i = 0; i < n; i++) count += objectRichCompareBool(t, ints[i & 1023]!, ints[(i + 1) & 1023]!, PY_LT);
      return count;
    });
  });
}

/** Three odd bigints of `bits` bits (deterministic). */
function bigOperands(bits: number): [bigint, bigint, bigint] {
  const make = (seed: number) => {
    let v = 1n;
    let x = seed;
    while (v < 1n << BigInt(bits)) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      v = (v << 24n) | BigInt(x >>> 8);
    }
    return BigInt.asUintN(bits, v) | (1n << BigInt(bits - 1)) | 1n;
  };
  return [make(7), make(11), make(13)];
}

/** a * b and c * b in turn (two left operands, so that no product is loop-invariant). */
function bigintMultiply(bits: number): BenchSample {
  const [a, b, c] = bigOperands(bits);
  return timeLoop((n) => {
    let low = 0n;
    for (let i = 0; i < n; i++) low ^= ((i & 1) === 0 ? a : c) * b;
    return low & 0xffn;
  });
}

function intMultiply(bits: number): BenchSample {
  const rt = createObjectsRuntime();
  try {
    const t = rt.t;
    const rc = rt.rc;
    const [x, y, z] = bigOperands(bits);
    const a = intFromBigInt(t, x);
    const b = intFromBigInt(t, y);
    const c = intFromBigInt(t, z);
    return timeLoop((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const r = numberBinaryOp(t, (i & 1) === 0 ? a : c, b, 'multiply');
        sum += r;
        decref(rc, r);
      }
      return sum;
    });
  } finally {
    rt.close();
  }
}

/** CPython 3.13's ns for `statement` on `setup`'s variables, the loop overhead subtracted. */
function cpython(setup: string, statement: string, quick: boolean, number = quick ? 200_000 : 2_000_000): BenchSample {
  return cpythonTimeit(setup, statement, quick, number);
}

const [A, B] = [VALUES[0]!, VALUES[1]!];

export const suites: BenchSuite[] = [
  {
    name: 'objects/int-add',
    description: 'a + b on compact ints (one 30-bit digit; the sum needs a new int, freed at once) (ns per addition)',
    target: 'the cost of objects reported as the ratio to JavaScript numbers; within 2× of CPython 3.13',
    cases: [
      { name: 'JavaScript numbers (baseline)', baseline: true, run: () => jsAdd() },
      { name: 'numberBinaryOp (generic BINARY_OP)', run: () => protocolAdd() },
      { name: "int's nb_add directly (specialized BINARY_OP_ADD_INT)", run: () => slotAdd() },
      { name: 'numberBinaryOp, small results (immortal, no allocation)', run: () => protocolAdd(VALUES.map((v) => v % 128)) },
      { name: 'CPython 3.13 timeit', run: ({ quick }) => cpython(`a = ${A}; b = ${B}`, 'a + b', quick) },
    ],
  },
  {
    name: 'objects/int-compare',
    description: 'a < b on compact ints (ns per comparison)',
    target: 'the cost of objects reported as the ratio to JavaScript numbers; within 2× of CPython 3.13',
    cases: [
      { name: 'JavaScript numbers (baseline)', baseline: true, run: () => jsCompare() },
      { name: 'intCompare (specialized COMPARE_OP_INT)', run: () => intCompareDirect() },
      { name: 'objectRichCompareBool (generic COMPARE_OP)', run: () => protocolCompare() },
      { name: 'CPython 3.13 timeit', run: ({ quick }) => cpython(`a = ${A}; b = ${B}`, 'a < b', quick) },
    ],
  },
  {
    name: 'objects/int-multiply-100-30bit-digits',
    description: 'a * b of two ints of 100 of CPython’s 30-bit digits (3000 bits, ~903 decimal digits) vs the same JavaScript bigints (ns per product)',
    target: 'report the ratio to JavaScript BigInt (the product alone, without conversions)',
    cases: [
      { name: 'JavaScript BigInt a * b (baseline)', baseline: true, run: () => bigintMultiply(3000) },
      { name: 'numberBinaryOp multiply', run: () => intMultiply(3000) },
      { name: 'CPython 3.13 timeit', run: ({ quick }) => cpython(`a = ${bigOperands(3000)[0]}; b = ${bigOperands(3000)[1]}`, 'a * b', quick, quick ? 20_000 : 200_000) },
    ],
  },
  {
    name: 'objects/int-multiply-100-decimal-digits',
    description: 'a * b of two 100-decimal-digit ints (332 bits, 12 digits of 30 bits: the schoolbook path) vs the same JavaScript bigints (ns per product)',
    target: 'report the ratio to JavaScript BigInt',
    cases: [
      { name: 'JavaScript BigInt a * b (baseline)', baseline: true, run: () => bigintMultiply(332) },
      { name: 'numberBinaryOp multiply', run: () => intMultiply(332) },
      { name: 'CPython 3.13 timeit', run: ({ quick }) => cpython(`a = ${bigOperands(332)[0]}; b = ${bigOperands(332)[1]}`, 'a * b', quick) },
    ],
  },
];
