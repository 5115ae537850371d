/**
 * PyMutex and critical sections against the textbook futex mutex (the peer
 * named in the issue) and a bare compare-exchange pair, uncontended on one
 * thread and contended by 2 workers (ns per critical section, wall clock).
 * Targets: uncontended PyMutex ≤ 1.2× the futex mutex; contended throughput ≥
 * the futex mutex's; critical section begin/end ≤ 1.5× PyMutex lock+unlock.
 */

import { runBenchWorkers, timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import {
  criticalSectionBegin,
  criticalSectionBegin2,
  criticalSectionEnd,
  mutexLock,
  mutexUnlock,
  rawMutexLock,
  rawMutexUnlock,
  regionAlloc,
  SharedHeap,
} from '../src/index.js';
import { futexLock, futexUnlock } from './futex-mutex.js';

const heap = SharedHeap.create({ size: 4 << 20 });
const region = regionAlloc(heap, 4096);
const MUTEX = region;
const MUTEX_B = region + 64;
const WORD = region + 128;
const COUNTER = region + 192;

const contendedWorker = new URL('./mutex-contended.bench-worker.ts', import.meta.url);
const contendedOps = (quick: boolean): number => (quick ? 100_000 : 1_000_000);

export const suites: BenchSuite[] = [
  {
    name: 'atomics/mutex-uncontended',
    description: 'lock + unlock on one thread, no contention',
    target: 'PyMutex ≤ 1.2× futex peer; critical section ≤ 1.5× PyMutex',
    cases: [
      {
        name: 'futex mutex (peer)',
        baseline: true,
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              const i32 = heap.i32;
              const index = WORD >>> 2;
              for (let i = 0; i < n; i++) {
                futexLock(i32, index);
                futexUnlock(i32, index);
              }
            },
            { quick },
          ),
      },
      {
        name: 'bare compareExchange pair',
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              const u8 = heap.u8;
              for (let i = 0; i < n; i++) {
                Atomics.compareExchange(u8, MUTEX, 0, 1);
                Atomics.compareExchange(u8, MUTEX, 1, 0);
              }
            },
            { quick },
          ),
      },
      {
        name: 'PyMutex',
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              for (let i = 0; i < n; i++) {
                mutexLock(heap, MUTEX);
                mutexUnlock(heap, MUTEX);
              }
            },
            { quick },
          ),
      },
      {
        name: 'raw mutex',
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              for (let i = 0; i < n; i++) {
                rawMutexLock(heap, WORD);
                rawMutexUnlock(heap, WORD);
              }
            },
            { quick },
          ),
      },
      {
        name: 'critical section begin/end',
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              for (let i = 0; i < n; i++) {
                criticalSectionBegin(heap, MUTEX);
                criticalSectionEnd(heap);
              }
            },
            { quick },
          ),
      },
      {
        name: 'critical section on two mutexes',
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              for (let i = 0; i < n; i++) {
                criticalSectionBegin2(heap, MUTEX_B, MUTEX);
                criticalSectionEnd(heap);
              }
            },
            { quick },
          ),
      },
    ],
  },
  {
    name: 'atomics/mutex-contended',
    description: '2 workers increment one counter under one lock; wall-clock ns per critical section',
    target: 'PyMutex ≤ 1.0× futex peer (throughput at least the peer’s)',
    cases: [
      { name: 'futex mutex (peer)', baseline: true, run: ({ quick }) => contended('futex', quick) },
      { name: 'PyMutex', run: ({ quick }) => contended('pymutex', quick) },
      { name: 'raw mutex', run: ({ quick }) => contended('raw', quick) },
      { name: 'critical section', run: ({ quick }) => contended('critical-section', quick) },
    ],
  },
];

/** Median of several runs: one contended run is at the mercy of the OS scheduler. */
async function contended(kind: string, quick: boolean): Promise<BenchSample> {
  const ops = contendedOps(quick);
  const runs: number[] = [];
  for (let run = 0; run < (quick ? 1 : 7); run++) {
    // Every run starts from an unlocked mutex and a zero counter.
    heap.u32[WORD >>> 2] = 0;
    heap.u8[MUTEX] = 0;
    heap.u32[COUNTER >>> 2] = 0;
    const sample = await runBenchWorkers(contendedWorker, 2, { heap: heap.handle(), kind, mutex: MUTEX, word: WORD, counter: COUNTER, ops });
    const counted = heap.u32[COUNTER >>> 2];
    if (counted !== 2 * ops) throw new Error(`${kind}: counter ${counted}, expected ${2 * ops}: the lock let updates through`);
    runs.push(sample.nsPerOp);
  }
  runs.sort((a, b) => a - b);
  const median = runs[runs.length >> 1];
  return { nsPerOp: median, note: `2 workers × ${ops} ops, median of ${runs.length} (${runs[0].toFixed(1)}–${runs[runs.length - 1].toFixed(1)} ns)` };
}
