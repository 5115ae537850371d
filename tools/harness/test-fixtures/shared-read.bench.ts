/**
 * Sample benchmark for trying the bench runner
 * (`npm run bench -- --dir tools/harness/test-fixtures --quick`): the cost of
 * reading shared memory with a plain typed-array access versus `Atomics.load`
 * (DESIGN.md §3 quotes ~0.55 ns vs ~8–9 ns), and `Atomics.add` on one word
 * from two workers at once.
 *
 * Each loop sums what it reads and returns the sum: timeLoop keeps the return
 * value alive, so the JIT cannot delete the reads as dead code. The index
 * changes every iteration so that a plain read cannot be hoisted out of the
 * loop either.
 */

import { runBenchWorkers, timeLoop, type BenchSuite } from '../src/bench.js';
import type { ContendedAddParams } from './contended-add.bench-worker.js';

const WORDS = 1024; // power of two: `i & MASK` walks the array
const MASK = WORDS - 1;
const shared = new Int32Array(new SharedArrayBuffer(WORDS * 4));
for (let i = 0; i < WORDS; i++) shared[i] = i;

function plainReads(n: number): number {
  const a = shared;
  let sum = 0;
  for (let i = 0; i < n; i++) sum = (sum + a[i & MASK]) | 0;
  return sum;
}

function atomicReads(n: number): number {
  const a = shared;
  let sum = 0;
  for (let i = 0; i < n; i++) sum = (sum + Atomics.load(a, i & MASK)) | 0;
  return sum;
}

function atomicAdds(n: number): number {
  const a = shared;
  let sum = 0;
  for (let i = 0; i < n; i++) sum = (sum + Atomics.add(a, 0, 1)) | 0;
  return sum;
}

export const suites: BenchSuite[] = [
  {
    name: 'shared Int32 read',
    description: 'one read of a SharedArrayBuffer word, plain vs Atomics.load',
    target: 'documents the price of an Atomics call (DESIGN.md §3): expect Atomics.load to be ~10× slower',
    cases: [
      { name: 'plain typed-array read', baseline: true, run: ({ quick }) => timeLoop(plainReads, { quick }) },
      { name: 'Atomics.load', run: ({ quick }) => timeLoop(atomicReads, { quick }) },
    ],
  },
  {
    name: 'Atomics.add on one word',
    description: 'uncontended on this thread vs contended by two workers',
    cases: [
      { name: 'one thread', baseline: true, run: ({ quick }) => timeLoop(atomicAdds, { quick }) },
      {
        name: 'two workers, same word',
        run: async ({ quick }) => {
          const params: ContendedAddParams = { counter: new Int32Array(new SharedArrayBuffer(4)), ops: quick ? 200_000 : 5_000_000 };
          const sample = await runBenchWorkers(new URL('./contended-add.bench-worker.ts', import.meta.url), 2, params);
          // Every add must have landed exactly once, or the figure measures something else.
          const total = Atomics.load(params.counter, 0);
          if (total !== sample.totalOps) throw new Error(`counter ${total}, expected ${sample.totalOps}`);
          return sample;
        },
      },
    ],
  },
];
