/**
 * Threads under real concurrency: rounds of appender threads, each joined
 * at once by the main thread and by two joiner threads (the seed's A/B/C
 * join scenario). Invariants, exact: every join returns only after its
 * thread is done (a joiner counting the thread's items right after its
 * join sees all of them); every item is there; every thread id is
 * distinct; records are reused without a thread ever losing its record.
 * The control runs the join race CPython fixed (the `done` event set
 * before the body ran) and must be caught: a join returns while the
 * thread still appends.
 */
import { describe, expect, it } from 'vitest';
import { decref } from '@ft/refcount';
import { intAsNumber, intFromNumber, listGetItemRef, listNew, listSize, tupleFromArray } from '@ft/objects';
import { createRuntime, type ThreadHandle } from '../../src/index.js';
import { IS_SEAM_DONE_BEFORE_BODY } from '../../src/layout.js';
import { workerLoader } from '../spawn.js';

const SCALE = Number(process.env.FT_STRESS_SCALE ?? '1') || 1;
const ROUNDS = Math.max(4, Math.round(12 * SCALE));
const APPENDERS = 3;
const PER = 2000;

async function run(): Promise<{ shortfalls: number[]; items: number; expected: number; ids: number }> {
  const rt = await createRuntime({
    threadBodies: new URL('../bodies/stress.ts', import.meta.url),
    workerLoader,
    maxThreads: 16,
    maxWorkers: 6,
  });
  const t = rt.t;
  const rc = rt.objects.rc;
  const list = listNew(t, 0);
  const report = listNew(t, 0);
  const per = intFromNumber(t, PER);
  const ids = new Set<number>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const appendArg = tupleFromArray(t, [list, per]);
      const appenders: ThreadHandle[] = [];
      for (let i = 0; i < APPENDERS; i++) appenders.push(rt.startThread('appender', appendArg));
      const pairs = appenders.flatMap((h) => [intFromNumber(t, h.record), intFromNumber(t, h.ident)]);
      const targets = tupleFromArray(t, pairs);
      const joinArg = tupleFromArray(t, [list, targets, report, per]);
      const joiners = [rt.startThread('joiner', joinArg), rt.startThread('joiner', joinArg)];
      for (const h of appenders) {
        h.join();
        ids.add(h.ident);
      }
      for (const h of joiners) {
        h.join();
        ids.add(h.ident);
      }
      for (const op of [appendArg, targets, joinArg, ...pairs]) decref(rc, op);
    }
    const shortfalls: number[] = [];
    for (let i = 0; i < listSize(t, report); i++) {
      const v = listGetItemRef(t, report, i);
      shortfalls.push(intAsNumber(t, v));
      decref(rc, v);
    }
    return { shortfalls, items: listSize(t, list), expected: ROUNDS * APPENDERS * PER, ids: ids.size };
  } finally {
    for (const op of [list, report, per]) decref(rc, op);
    await rt.close();
  }
}

describe('threads stress', () => {
  it('joins from three threads at once never return before the thread is done; nothing lost', async () => {
    const r = await run();
    expect(r.items).toBe(r.expected);
    expect(r.ids).toBe(ROUNDS * (APPENDERS + 2));
    expect(r.shortfalls.length).toBe(ROUNDS * 2 * APPENDERS);
    expect(r.shortfalls.every((s) => s === 0)).toBe(true);
  });

  it('control: with the join race (done set before the body), a join returns before the thread is done', async () => {
    // The main thread alone joins here: with joins returning early, threads of several rounds overlap.
    const rt = await createRuntime({ threadBodies: new URL('../bodies/stress.ts', import.meta.url), workerLoader, maxThreads: 256, maxWorkers: 4, seams: IS_SEAM_DONE_BEFORE_BODY });
    const t = rt.t;
    const rc = rt.objects.rc;
    const list = listNew(t, 0);
    const CONTROL_PER = 200_000;
    const per = intFromNumber(t, CONTROL_PER);
    const arg = tupleFromArray(t, [list, per]);
    let caught = false;
    try {
      for (let round = 0; round < 4 && !caught; round++) {
        const h = rt.startThread('appender', arg);
        h.join();
        let seen = 0;
        for (let i = 0; i < listSize(t, list); i++) {
          const v = listGetItemRef(t, list, i);
          if (intAsNumber(t, v) === h.ident) seen++;
          decref(rc, v);
        }
        if (seen < CONTROL_PER) caught = true;
      }
    } finally {
      // The early joins leave appenders running: wait for all of them before freeing what they append to.
      rt.waitForThreads();
      for (const op of [arg, per, list]) decref(rc, op);
      await rt.close();
    }
    expect(caught).toBe(true);
  });
});
