/**
 * PyMutex under real contention: N workers × M increments of a plain,
 * non-atomic counter in the heap, each under the mutex, must give exactly the
 * sum of the workers' operations. The 'unlocked' variant does the same without
 * the mutex and must lose updates, which shows the check can fail. A second
 * scenario hammers one mutex with more workers than cores and reports the
 * longest wait for it (the 1 ms hand-off bounds how long a parked waiter can
 * be passed over).
 */

import type { StressCheck, StressScenario } from '@ft/harness';
import { regionAlloc, SharedHeap, type SharedHeapHandle } from '../../src/index.js';

export interface MutexCounterParams {
  heap: SharedHeapHandle;
  /** PyMutex byte. */
  mutex: number;
  /** Plain u32 counter guarded by the mutex, on another cache line. */
  counter: number;
  /** A recursive mutex (12 bytes), for the 'recursive' mode. */
  recursive: number;
  /**
   * 'locked' (the real test), 'recursive' (the recursive mutex, taken twice
   * per increment) or 'unlocked' (the control that must fail).
   */
  mode: 'locked' | 'recursive' | 'unlocked';
  /** Busy-work iterations inside the critical section (fairness scenario). */
  holdSpins: number;
}

interface State {
  heap: SharedHeap;
}

function setupCounter(holdSpins: number): { params: MutexCounterParams; state: State } {
  const heap = SharedHeap.create({ size: 4 << 20 });
  const region = regionAlloc(heap, 4096);
  return { params: { heap: heap.handle(), mutex: region, counter: region + 64, recursive: region + 128, mode: 'locked', holdSpins }, state: { heap } };
}

function sumResults(results: readonly unknown[], key: 'ops' | 'maxWaitMs'): number[] {
  return results.map((r) => (r as Record<string, number>)[key]);
}

/** The counter invariant. */
export const pymutexCounter: StressScenario<MutexCounterParams, State> = {
  name: 'atomics/pymutex-counter',
  description: 'N workers increment a plain counter under one PyMutex; the total must be exact',
  worker: new URL('./pymutex.worker.ts', import.meta.url),
  opsPerWorker: 200_000,
  setup: () => setupCounter(0),
  check({ state, params, results }): StressCheck[] {
    const expected = sumResults(results, 'ops').reduce((a, b) => a + b, 0);
    const actual = state.heap.u32[params.counter >>> 2];
    const mutexByte = state.heap.u8[params.mutex];
    return [
      { name: 'counter equals the sum of increments', ok: actual === expected, detail: `counter ${actual}, increments ${expected}` },
      { name: 'mutex is unlocked with no parked bit at the end', ok: mutexByte === 0, detail: `mutex byte ${mutexByte}` },
    ];
  },
  teardown: ({ heap }) => heap.close(),
};

/** Many waiters on one mutex; reports the longest wait. */
export const pymutexFairness: StressScenario<MutexCounterParams, State> = {
  name: 'atomics/pymutex-fairness',
  description: '4 workers (on 2 cores) contend for one PyMutex holding it ~1 µs; longest wait reported',
  worker: new URL('./pymutex.worker.ts', import.meta.url),
  defaultWorkers: 4,
  opsPerWorker: 50_000,
  setup: () => setupCounter(64),
  check({ state, params, results }): StressCheck[] {
    const expected = sumResults(results, 'ops').reduce((a, b) => a + b, 0);
    const actual = state.heap.u32[params.counter >>> 2];
    const maxWait = Math.max(...sumResults(results, 'maxWaitMs'));
    return [
      { name: 'counter equals the sum of increments', ok: actual === expected, detail: `counter ${actual}, increments ${expected}` },
      // The hand-off rule bounds a parked waiter's wait to ~1 ms plus wake-up
      // latency; OS time slices on an oversubscribed, shared machine add to it.
      { name: 'longest wait below 250 ms', ok: maxWait < 250, detail: `longest wait ${maxWait.toFixed(3)} ms` },
    ];
  },
  metrics: ({ results }) => [{ name: 'longest wait', value: Math.max(...sumResults(results, 'maxWaitMs')), unit: 'ms' }],
  teardown: ({ heap }) => heap.close(),
};

export const scenarios = [pymutexCounter, pymutexFairness];
