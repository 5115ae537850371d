/**
 * The GIL under real concurrency (FT_STRESS_SCALE scales the work): three
 * threads each increment one plain counter in the shared heap — read, then
 * write + 1, not atomic — with a safe point between increments, the only
 * place a GIL switch may happen (as between bytecodes), while this thread
 * stops and restarts the world again and again. With the GIL the total is
 * exact, the threads did take turns (drop requests every switch interval),
 * and no stop deadlocks against the threads waiting for the GIL. The
 * control runs the same threads free-threaded (no GIL) and must lose
 * updates.
 */

import type { Worker } from 'node:worker_threads';
import { spawnTsWorker } from '@ft/harness';
import { groupCreate, regionAlloc, SharedHeap, startTheWorld, stopTheWorld } from '@ft/atomics';
import { describe, expect, it } from 'vitest';
import { gilCreate, gilStats } from '../../src/runtime/gil.js';
import type { GilCounterData } from '../workers/gil-counter.worker.js';

const SCALE = Number(process.env.FT_STRESS_SCALE ?? '1') || 1;
const THREADS = 3;
const ITERATIONS = Math.max(2_000_000, Math.round(5_000_000 * SCALE));
const workerUrl = new URL('../workers/gil-counter.worker.ts', import.meta.url);

interface RunResult {
  total: number;
  expected: number;
  handovers: number;
  stops: number;
  switches: number;
  dropRequests: number;
}

async function runCounters(withGil: boolean): Promise<RunResult> {
  const heap = SharedHeap.create({ size: 8 << 20 });
  const workers: Worker[] = [];
  try {
    const group = groupCreate(heap);
    const gil = withGil ? gilCreate(heap, { mode: 'enable', switchInterval: 0.001 }) : 0;
    const words = regionAlloc(heap, 64, 64);
    const w = words >>> 2;
    const results: Promise<number>[] = [];
    for (let index = 0; index < THREADS; index++) {
      const data: GilCounterData = { heap: heap.handle(), group, gil, words, index, iterations: ITERATIONS };
      const worker = spawnTsWorker(workerUrl, data);
      workers.push(worker);
      results.push(
        new Promise<number>((resolve, reject) => {
          worker.once('message', (m: { handovers: number }) => resolve(m.handovers));
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`counter worker exited with code ${code} before reporting`)));
        }),
      );
    }
    const deadline = Date.now() + 30_000;
    while (Atomics.load(heap.i32, w + 2) < THREADS) {
      if (Date.now() > deadline) throw new Error('the counter threads did not get ready');
      await new Promise((r) => setTimeout(r, 2));
    }
    Atomics.store(heap.i32, w + 3, 1);
    Atomics.notify(heap.i32, w + 3);
    // Stop the world while they run and wait for the GIL: every stop must complete.
    let finished = false;
    const all = Promise.all(results).finally(() => (finished = true));
    let stops = 0;
    while (!finished) {
      stopTheWorld(heap, group, { timeoutMs: 10_000 });
      startTheWorld(heap, group);
      stops++;
      // A few switch intervals between stops, so that switches come from drop requests too.
      await new Promise((r) => setTimeout(r, 4));
    }
    const handovers = (await all).reduce((a, b) => a + b, 0);
    const stats = withGil ? gilStats(heap, gil) : { switches: 0, dropRequests: 0 };
    return { total: Atomics.load(heap.i32, w), expected: THREADS * ITERATIONS, handovers, stops, switches: stats.switches, dropRequests: stats.dropRequests };
  } finally {
    await Promise.all(workers.map((x) => x.terminate()));
    heap.close();
  }
}

describe('GIL stress', () => {
  it('with the GIL, plain increments from three threads add up exactly; stops never deadlock', async () => {
    const r = await runCounters(true);
    expect(r.total).toBe(r.expected);
    // They did take turns, through drop requests, and were stopped meanwhile.
    expect(r.handovers).toBeGreaterThanOrEqual(THREADS);
    expect(r.switches).toBeGreaterThanOrEqual(THREADS);
    expect(r.dropRequests).toBeGreaterThan(0);
    expect(r.stops).toBeGreaterThan(0);
  });

  it('control: without the GIL, the same increments lose updates', async () => {
    const totals: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await runCounters(false);
      totals.push(r.total);
      console.log(`control attempt ${attempt + 1}: ${r.total} of ${r.expected}`);
      if (r.total < r.expected) break;
    }
    expect(totals.some((t) => t < THREADS * ITERATIONS)).toBe(true);
  });
});
