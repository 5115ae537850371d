/**
 * Thread states (`_PyThreadStateImpl`): each Python thread gets one of its
 * own on its pooled worker and gives everything back when it ends — its
 * registration with every layer, its records, its heaps' pages — so that
 * 10,000 threads in sequence leave the heap as they found it (issue 20's
 * memory test). Threads start threads, from any worker: a thread that
 * finds no idle worker starts one (its child) and the pool ends it with
 * its parent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import { decref, enableDeferredRefcount, isImmortal } from '@ft/refcount';
import { dictNew, intAsNumber, intFromNumber, listClear, listGetItemRef, listNew, listSize, tupleFromArray } from '@ft/objects';
import { createRuntime, runtimeStats, type Runtime, type RuntimeStats } from '../src/index.js';
import { workerLoader } from './spawn.js';

const BODIES = new URL('./bodies/basic.ts', import.meta.url);
const SCALE = Number(process.env.FT_STRESS_SCALE ?? '1') || 1;
let rt: Runtime | null = null;
afterEach(async () => {
  await rt?.close();
  rt = null;
});

function values(r: Runtime, list: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < listSize(r.t, list); i++) {
    const v = listGetItemRef(r.t, list, i);
    out.push(intAsNumber(r.t, v));
    decref(r.objects.rc, v);
  }
  return out;
}

/** Runs `n` `churn` threads one after another, then frees what they left and collects. */
function churnThreads(r: Runtime, n: number, kept: number): void {
  for (let i = 0; i < n; i++) r.startThread('churn', kept).join();
  expect(listSize(r.t, kept)).toBe(n);
  listClear(r.t, kept);
  gcCollect(r.objects.gt, 2);
}

describe('thread states', () => {
  it('each thread has its own, registered while it runs and gone when it ends', async () => {
    rt = await createRuntime({ threadBodies: BODIES, workerLoader, maxWorkers: 2 });
    const before = runtimeStats(rt);
    expect(before.threadStates).toBe(1); // the main thread's
    const list = listNew(rt.t, 0);
    const sleeperArg = tupleFromArray(rt.t, [intFromNumber(rt.t, 300), list]);
    const sleeper = rt.startThread('sleepThenRecord', sleeperArg);
    // While it sleeps (detached), it has a state in every layer.
    for (let i = 0; i < 2000 && runtimeStats(rt).threadStates < 2; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    const during = runtimeStats(rt);
    expect([during.threadStates, during.qsbrThreads, during.miThreads]).toEqual([2, 2, 2]);
    sleeper.join();
    const after = runtimeStats(rt);
    expect([after.threadStates, after.qsbrThreads, after.miThreads]).toEqual([1, 1, 1]);
    expect(values(rt, list)).toEqual([sleeper.ident]);
    decref(rt.objects.rc, sleeperArg);
    decref(rt.objects.rc, list);
  });

  it('threads start threads: a thread with no idle worker starts one, ended with the runtime', async () => {
    rt = await createRuntime({ threadBodies: BODIES, workerLoader, maxWorkers: 6, maxThreads: 16 });
    const list = listNew(rt.t, 0);
    const n = intFromNumber(rt.t, 4);
    const arg = tupleFromArray(rt.t, [list, n]);
    // The parent takes the first worker; its four children find none idle and start four more.
    const parent = rt.startThread('startChildren', arg);
    parent.join();
    const ids = values(rt, list);
    expect(ids.length).toBe(5);
    expect(ids[4]).toBe(parent.ident); // the parent appends after joining its children
    expect(new Set(ids).size).toBe(5);
    expect(Math.min(...ids.slice(0, 4))).toBeGreaterThan(parent.ident);
    // Again: the children's workers are idle now and reused.
    listClear(rt.t, list);
    rt.startThread('startChildren', arg).join();
    expect(values(rt, list).length).toBe(5);
    expect(runtimeStats(rt).threadStates).toBe(1);
    for (const op of [arg, n, list]) decref(rt.objects.rc, op);
  });

  it(`${Math.round(10_000 * SCALE)} threads one after another leave the heap at its baseline`, async () => {
    rt = await createRuntime({ threadBodies: BODIES, workerLoader, maxWorkers: 2, maxThreads: 8 });
    const kept = listNew(rt.t, 0);
    // Warm: the worker started, the layers' first records and pages made.
    churnThreads(rt, 200, kept);
    const baseline = runtimeStats(rt);
    churnThreads(rt, Math.round(10_000 * SCALE), kept);
    const after = runtimeStats(rt);
    // Records (regions other than mimalloc's segments) and live blocks exactly as before.
    const exact = (s: RuntimeStats) => ({ threadStates: s.threadStates, qsbrThreads: s.qsbrThreads, miThreads: s.miThreads, records: s.regionsInUse - s.segments - s.hugeSegments, liveBlocks: s.liveBlocks });
    expect(exact(after)).toEqual(exact(baseline));
    // Pages of ended threads are reused, not piled up.
    expect(after.segments).toBeLessThanOrEqual(baseline.segments + 1);
    expect(after.hugeSegments).toBe(baseline.hugeSegments);
    decref(rt.objects.rc, kept);
  }, 120_000);
});

describe('the 3.13 deferred-refcount measure', () => {
  for (const on of [true, false]) {
    it(`${on ? 'on: deferred objects become immortal when the first thread starts' : 'off (3.14, the default): they keep deferred counts'}`, async () => {
      rt = await createRuntime({ threadBodies: BODIES, workerLoader, maxWorkers: 1, immortalizeDeferredOnThreadStart: on });
      const rc = rt.objects.rc;
      const d = dictNew(rt.t); // a GC type's instance, as functions and classes are
      expect(enableDeferredRefcount(rc, d)).toBe(true);
      expect(isImmortal(rc, d)).toBe(false);
      rt.startThread('empty').join();
      expect(isImmortal(rc, d)).toBe(on);
      if (!on) decref(rc, d);
    });
  }
});
