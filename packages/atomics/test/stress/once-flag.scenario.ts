/**
 * Once flags with concurrent callers and a failing first initialiser: every
 * worker calls `callOnce` on the same K flags in the same order, so callers
 * race on each flag. The first initialiser of every flag fails, which must
 * reset the flag so that a later caller runs it again. Exact invariants: each
 * flag's initialiser ran exactly twice (one failure, one success), exactly K
 * callers saw the failure, and every caller that got success saw the
 * initialiser's effect. The 'check-then-act' variant replaces the once flag by
 * the classic broken pattern (test the flag, run the initialiser, set the
 * flag, with nothing claiming it in between) and must be caught running an
 * initialiser more than once.
 */

import type { StressCheck, StressScenario } from '@ft/harness';
import { regionAlloc, SharedHeap, type SharedHeapHandle } from '../../src/index.js';

/** Per flag: the once byte at +0, attempts (i32) at +4, successes at +8, value at +12. */
export const ONCE_RECORD_SIZE = 16;

export interface OnceParams {
  heap: SharedHeapHandle;
  records: number;
  count: number;
  /** Busy iterations inside the initialiser, so that other callers park. */
  initSpins: number;
  /** 'once' (the real test: `callOnce`) or 'check-then-act' (the control that must fail). */
  mode: 'once' | 'check-then-act';
}

export interface OnceResult {
  ops: number;
  failures: number;
  successes: number;
  /** Success returned but the initialiser's write was not visible. */
  unseen: number;
}

interface State {
  heap: SharedHeap;
}

export const onceFlagRace: StressScenario<OnceParams, State> = {
  name: 'atomics/once-flag',
  description: 'all workers race through the same once flags; each first initialiser fails',
  worker: new URL('./once-flag.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 20_000,
  setup({ opsPerWorker }) {
    const count = Number.isFinite(opsPerWorker) ? opsPerWorker : 100_000;
    const heap = SharedHeap.create({ size: Math.max(4 << 20, count * ONCE_RECORD_SIZE * 2) });
    const records = regionAlloc(heap, count * ONCE_RECORD_SIZE);
    return { params: { heap: heap.handle(), records, count, initSpins: 200, mode: 'once' }, state: { heap } };
  },
  check({ results, state, params }): StressCheck[] {
    const r = results as OnceResult[];
    const i32 = state.heap.i32;
    // Flags that at least one worker reached (timed runs stop part-way).
    const reached = Math.max(...r.map((x) => x.ops));
    let wrongAttempts = 0;
    let wrongSuccesses = 0;
    for (let k = 0; k < reached; k++) {
      const base = (params.records + k * ONCE_RECORD_SIZE) >>> 2;
      const attempts = i32[base + 1];
      const successes = i32[base + 2];
      // A flag whose failing caller was the last to reach it may have no success yet.
      if (!(attempts === 2 || (attempts === 1 && successes === 0))) wrongAttempts++;
      if (successes > 1) wrongSuccesses++;
    }
    const failures = r.reduce((a, x) => a + x.failures, 0);
    const unseen = r.reduce((a, x) => a + x.unseen, 0);
    return [
      { name: 'each initialiser ran once failing, then once succeeding', ok: wrongAttempts === 0, detail: `${wrongAttempts} of ${reached} flags wrong` },
      { name: 'never initialised twice', ok: wrongSuccesses === 0, detail: `${wrongSuccesses} flags initialised twice` },
      { name: 'exactly one failing caller per flag', ok: failures === reached, detail: `${failures} failures for ${reached} flags` },
      { name: 'success implies the initialiser’s effect is visible', ok: unseen === 0, detail: `${unseen} callers saw success without the value` },
    ];
  },
  teardown: ({ heap }) => heap.close(),
};

export const scenarios = [onceFlagRace];
