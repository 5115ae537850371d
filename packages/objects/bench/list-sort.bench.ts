/**
 * The timsort engine alone (`timsort` of `list-sort.ts`), without list.sort's
 * object dispatch: 1M random u32 keys with a numeric `lt` vs V8's
 * `Array.prototype.sort` with a comparator on the same numbers as plain JS
 * numbers, and the descending-with-duplicates input (one run for the 3.13
 * `count_run`, 1.5 compares per element) of the same length. The difference
 * between these figures and objects.bench.ts's list-sort suite is the cost of
 * the comparisons' dispatch, not of the algorithm.
 */

import type { BenchSample, BenchSuite } from '@ft/harness';
import { timsort, type LessThan } from '../src/list-sort.js';

function randomU32(n: number, seed: number): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

function descendingDuplicates(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = (n - 1 - i) >>> 1;
  return out;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}

const numericLt: LessThan = (a, b) => (a < b ? 1 : 0);

function sizeOf(quick: boolean): number {
  return quick ? 100_000 : 1_000_000;
}

/** Sorts a fresh copy of `input` a few times (the copy is outside the timing); ns per element. */
function timeSorts(quick: boolean, input: Uint32Array, note: string, sortOnce: (copy: Uint32Array) => void): BenchSample {
  // Warm-up (untimed): the first sorts run before the merge loops are optimised.
  for (let r = 0; r < 3; r++) sortOnce(input.slice(0, input.length >> 3));
  const times: number[] = [];
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    const copy = input.slice();
    const t0 = performance.now();
    sortOnce(copy);
    times.push(performance.now() - t0);
    for (let i = 1; i < copy.length; i++) if (copy[i - 1] > copy[i]) throw new Error('not sorted');
  }
  return { nsPerOp: (median(times) * 1e6) / input.length, note: `${input.length / 1e6}M ${note}, median of ${times.length} sorts (ns per element)` };
}

function v8Sort(quick: boolean): BenchSample {
  const input = randomU32(sizeOf(quick), 12345);
  for (let r = 0; r < 3; r++) Array.from(input.subarray(0, input.length >> 3)).sort((a, b) => a - b); // warm-up
  const times: number[] = [];
  for (let r = 0; r < (quick ? 2 : 5); r++) {
    const copy = Array.from(input);
    const t0 = performance.now();
    copy.sort((a, b) => a - b);
    times.push(performance.now() - t0);
  }
  return { nsPerOp: (median(times) * 1e6) / input.length, note: `${input.length / 1e6}M random numbers, median of ${times.length} sorts (ns per element)` };
}

function engineSort(quick: boolean, shape: 'random' | 'random+values' | 'descending-duplicates'): BenchSample {
  const n = sizeOf(quick);
  const input = shape === 'descending-duplicates' ? descendingDuplicates(n) : randomU32(n, 12345);
  const values = shape === 'random+values' ? new Uint32Array(n) : null;
  return timeSorts(quick, input, shape, (copy) => {
    if (timsort(copy, 0, copy.length, values, 0, numericLt) !== 0) throw new Error('sort failed');
  });
}

export const suites: BenchSuite[] = [
  {
    name: 'objects/timsort-engine',
    description: 'timsort over u32 keys with a numeric lt vs V8 Array.prototype.sort with a comparator on the same numbers (ns per element)',
    target: 'random ≤ 2× V8; descending-with-duplicates ≥ 4× faster than random',
    cases: [
      { name: 'V8 sort with a comparator (baseline)', baseline: true, run: ({ quick }) => v8Sort(quick) },
      { name: 'timsort, random', run: ({ quick }) => engineSort(quick, 'random') },
      { name: 'timsort, random, values moved in step (key=)', run: ({ quick }) => engineSort(quick, 'random+values') },
      { name: 'timsort, descending with duplicates', run: ({ quick }) => engineSort(quick, 'descending-duplicates') },
    ],
  },
];
