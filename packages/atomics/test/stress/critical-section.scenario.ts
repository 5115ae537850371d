/**
 * Critical sections taken in opposite orders by real workers: A then B, B
 * then A, both at once, and re-entrantly, nested and contended. Without the
 * suspend-before-blocking rule this deadlocks within milliseconds; with it,
 * every run finishes. Each resource has a plain counter that is only
 * read-modified-written while its section is active and nothing can block in
 * between, so the totals must be exact.
 */

import type { StressCheck, StressScenario } from '@ft/harness';
import { regionAlloc, SharedHeap, type SharedHeapHandle } from '../../src/index.js';

export const RESOURCE_STRIDE = 64;
/** Offset of a resource's plain counter from its mutex byte. */
export const RESOURCE_COUNTER_OFFSET = 8;

export interface CriticalSectionParams {
  heap: SharedHeapHandle;
  /** First resource: a PyMutex byte, then its counter at +8; resources are 64 bytes apart. */
  resources: number;
  count: number;
  /** false = the control variant: blocking does not suspend sections (must deadlock). */
  suspend: boolean;
  /** Only the deadlock-prone pattern: even workers nest A→B, odd ones B→A. */
  oppositeOnly: boolean;
}

export interface CriticalSectionResult {
  ops: number;
  /** Increments this worker made to each resource's counter. */
  increments: number[];
  /** Times the innermost section did not hold its mutex (must stay 0). */
  notHeld: number;
}

interface State {
  heap: SharedHeap;
}

export const criticalSectionOrders: StressScenario<CriticalSectionParams, State> = {
  name: 'atomics/critical-sections',
  description: 'nested sections on 3 objects in random orders (A→B and B→A), two-mutex and re-entrant sections',
  worker: new URL('./critical-section.worker.ts', import.meta.url),
  defaultWorkers: 2,
  opsPerWorker: 100_000,
  setup() {
    const heap = SharedHeap.create({ size: 4 << 20 });
    const count = 3;
    const resources = regionAlloc(heap, count * RESOURCE_STRIDE);
    return { params: { heap: heap.handle(), resources, count, suspend: true, oppositeOnly: false }, state: { heap } };
  },
  check({ results, state, params }): StressCheck[] {
    const r = results as CriticalSectionResult[];
    const checks: StressCheck[] = [];
    for (let i = 0; i < params.count; i++) {
      const expected = r.reduce((a, x) => a + x.increments[i], 0);
      const addr = params.resources + i * RESOURCE_STRIDE;
      const actual = state.heap.u32[(addr + RESOURCE_COUNTER_OFFSET) >>> 2];
      checks.push({ name: `object ${i}: counter exact`, ok: actual === expected, detail: `counter ${actual}, increments ${expected}` });
      checks.push({ name: `object ${i}: unlocked at the end`, ok: state.heap.u8[addr] === 0, detail: `mutex byte ${state.heap.u8[addr]}` });
    }
    const total = r.reduce((a, x) => a + x.increments.reduce((p, q) => p + q, 0), 0);
    checks.push({ name: 'work was done', ok: total > 0, detail: `${total} increments` });
    const notHeld = r.reduce((a, x) => a + x.notHeld, 0);
    checks.push({ name: 'innermost section always holds its mutexes', ok: notHeld === 0, detail: `${notHeld} violations` });
    return checks;
  },
  teardown: ({ heap }) => heap.close(),
};

export const scenarios = [criticalSectionOrders];
