/**
 * Stop-the-world while threads are created and deleted (issue 20): root
 * threads keep starting children (threads starting threads, thread states
 * made and deleted on pooled workers, new workers started by workers) while
 * the main thread stops and restarts the world over and over. Invariants,
 * exact: while the world is stopped, no thread's counter moves — a thread
 * state created during a stop starts suspended, one being deleted is
 * counted down; nothing hangs; at the end only the main thread's state is
 * left in every layer. The control counts while detached (a stop does not
 * hold a detached thread) and must be caught moving during stops.
 */
import { describe, expect, it } from 'vitest';
import { regionAlloc, startTheWorld, stopTheWorld } from '@ft/atomics';
import { decref } from '@ft/refcount';
import { intFromNumber, tupleFromArray } from '@ft/objects';
import { createRuntime, runtimeStats, type ThreadHandle } from '../../src/index.js';
import { workerLoader } from '../spawn.js';

const SCALE = Number(process.env.FT_STRESS_SCALE ?? '1') || 1;
const DURATION_MS = Math.max(300, Math.round(1500 * SCALE));

async function run(detached: boolean): Promise<{ stops: number; moved: number; roots: number; states: number[] }> {
  const rt = await createRuntime({ threadBodies: new URL('../bodies/stress.ts', import.meta.url), workerLoader, maxWorkers: 6, maxThreads: 64 });
  const t = rt.t;
  const heap = rt.objects.heap;
  const group = rt.objects.handle.group;
  const counter = regionAlloc(heap, 8, 8);
  const items = [intFromNumber(t, counter), intFromNumber(t, 2_000), intFromNumber(t, 2), intFromNumber(t, detached ? 1 : 0)];
  const arg = tupleFromArray(t, items);
  const running: ThreadHandle[] = [];
  let stops = 0;
  let moved = 0;
  let roots = 0;
  try {
    // Warm: the workers started (by the main thread and by the roots, for their children).
    for (const h of [rt.startThread('counter', arg), rt.startThread('counter', arg)]) h.join();
    const deadline = Date.now() + DURATION_MS;
    while (Date.now() < deadline) {
      for (let i = running.length - 1; i >= 0; i--) {
        if (running[i]!.isDone) running.splice(i, 1)[0]!.join();
      }
      while (running.length < 2) {
        running.push(rt.startThread('counter', arg));
        roots++;
      }
      stopTheWorld(heap, group);
      const before = Atomics.load(heap.u32, counter >>> 2);
      const until = Date.now() + 1;
      while (Date.now() < until); // a millisecond in which nothing may run
      if (Atomics.load(heap.u32, counter >>> 2) !== before) moved++;
      startTheWorld(heap, group);
      stops++;
      await new Promise((r) => setTimeout(r, 3));
    }
    for (const h of running) h.join();
    const s = runtimeStats(rt);
    return { stops, moved, roots, states: [s.threadStates, s.qsbrThreads, s.miThreads] };
  } finally {
    for (const op of [arg, ...items]) decref(rt.objects.rc, op);
    await rt.close();
  }
}

describe('stop-the-world with threads created and deleted', () => {
  it('nothing runs while the world is stopped; nothing hangs; every thread state is gone at the end', async () => {
    const r = await run(false);
    expect(r.stops).toBeGreaterThan(50);
    expect(r.roots).toBeGreaterThan(4);
    expect(r.moved).toBe(0);
    expect(r.states).toEqual([1, 1, 1]);
  }, 60_000);

  it('control: threads that count while detached are caught counting during stops', async () => {
    const r = await run(true);
    expect(r.moved).toBeGreaterThan(0);
    expect(r.states).toEqual([1, 1, 1]);
  }, 60_000);
});
