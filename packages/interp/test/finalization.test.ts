/**
 * Finalization in `Py_FinalizeEx`'s order: non-daemon threads are waited
 * for, then the atexit callbacks run (last registered first; one that
 * throws is reported and the others run), then the finalizing flag is set
 * and the daemon threads still running are stopped for good at their next
 * safe point (3.14's SHUTTING_DOWN): they never run again, and close()
 * neither hangs nor crashes.
 */
import { describe, expect, it } from 'vitest';
import { regionAlloc } from '@ft/atomics';
import { decref } from '@ft/refcount';
import { intFromNumber, tupleFromArray } from '@ft/objects';
import { createRuntime } from '../src/index.js';
import { workerLoader } from './spawn.js';

const BODIES = new URL('./bodies/basic.ts', import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('finalization', () => {
  it('waits for non-daemon threads, then runs the atexit callbacks last first, before finalizing', async () => {
    const rt = await createRuntime({ threadBodies: BODIES, workerLoader, maxWorkers: 2 });
    const ms = intFromNumber(rt.t, 200);
    const log = (await import('@ft/objects')).listNew(rt.t, 0);
    const arg = tupleFromArray(rt.t, [ms, log]);
    const seen: string[] = [];
    rt.startThread('sleepThenRecord', arg); // never joined: close() waits for it
    rt.atexit(() => seen.push(`first (threads ${rt.activeThreads}, finalizing ${rt.finalizing})`));
    rt.atexit(function failing() {
      throw new Error('an atexit callback that fails');
    });
    rt.atexit(() => seen.push('last'));
    rt.onFinalized = () => {
      // Everything decref'd before the heap goes, while the thread's append is visible.
      for (const op of [arg, ms, log]) decref(rt.objects.rc, op);
    };
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await rt.close();
    } finally {
      process.stderr.write = write;
    }
    expect(seen).toEqual(['last', 'first (threads 0, finalizing false)']);
    expect(stderr.join('')).toMatch(/^Exception ignored in atexit callback failing:\nError: an atexit callback that fails/);
    expect(() => rt.atexit(() => {})).toThrow('atexit: the runtime is finalized');
  });

  it('daemon threads still running never run again once finalization stops them; close() does not hang', async () => {
    const rt = await createRuntime({ threadBodies: BODIES, workerLoader, maxWorkers: 3 });
    const counter = regionAlloc(rt.objects.heap, 8, 8);
    const n = intFromNumber(rt.t, counter);
    const arg = tupleFromArray(rt.t, [n]);
    rt.startThread('spinForever', arg, { daemon: true });
    rt.startThread('spinForever', arg, { daemon: true });
    const u32 = rt.objects.heap.u32;
    while (Atomics.load(u32, counter >>> 2) < 100_000) await sleep(5);
    let frozen = -1;
    let later = -2;
    rt.onFinalized = () => {
      frozen = Atomics.load(u32, counter >>> 2);
      const until = Date.now() + 50;
      while (Date.now() < until); // the daemon threads would go on counting here
      later = Atomics.load(u32, counter >>> 2);
      expect(rt.finalizing).toBe(true);
      expect(() => rt.startThread('empty')).toThrow("PythonFinalizationError: can't create new thread at interpreter shutdown");
    };
    await rt.close();
    expect(frozen).toBeGreaterThanOrEqual(100_000);
    expect(later).toBe(frozen);
  });
});
