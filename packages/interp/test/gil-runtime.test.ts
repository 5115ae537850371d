/**
 * GIL mode in the runtime (`PYTHON_GIL=1` / `-X gil=1`): every thread
 * state — the main thread's and each Python thread's — attaches through
 * the GIL, so threads that increment a plain counter between safe points
 * never lose an update; free-threaded (the default, and the control),
 * they run at once and do. `sys._is_gil_enabled()` says which.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { regionAlloc } from '@ft/atomics';
import { decref } from '@ft/refcount';
import { intFromNumber, tupleFromArray } from '@ft/objects';
import { createRuntime, type Runtime, type RuntimeOptions } from '../src/index.js';
import { workerLoader } from './spawn.js';

const BODIES = new URL('./bodies/basic.ts', import.meta.url);
const SCALE = Number(process.env.FT_STRESS_SCALE ?? '1') || 1;
let rt: Runtime | null = null;
afterEach(async () => {
  await rt?.close();
  rt = null;
});

/** Three threads of `plainIncrements` at once: the counter's final value. */
async function race(options: RuntimeOptions, per: number): Promise<{ total: number; gil: boolean }> {
  rt ??= await createRuntime({ threadBodies: BODIES, workerLoader, maxWorkers: 3, ...options });
  const t = rt.t;
  const counter = regionAlloc(rt.objects.heap, 8, 8);
  const items = [intFromNumber(t, counter), intFromNumber(t, per)];
  const arg = tupleFromArray(t, items);
  // The main thread lets go of the GIL while it waits (joins detach).
  const threads = [0, 1, 2].map(() => rt!.startThread('plainIncrements', arg));
  for (const h of threads) h.join();
  const total = rt.objects.heap.u32[counter >>> 2]!;
  for (const op of [arg, ...items]) decref(rt.objects.rc, op);
  return { total, gil: rt.gilEnabled };
}

describe('GIL mode', () => {
  it('PYTHON_GIL=1: plain increments from three threads add up exactly', async () => {
    // As many as the control's, which lose updates without the GIL.
    const per = Math.round(20_000_000 * SCALE);
    const r = await race({ env: { PYTHON_GIL: '1' } }, per);
    expect(r.gil).toBe(true);
    expect(r.total).toBe(3 * per);
  }, 60_000);

  it('-X gil=1 does the same; PYTHON_GIL=0 and the default report the GIL off', async () => {
    const per = Math.round(500_000 * SCALE);
    expect(await race({ xoptions: ['gil=1'] }, per)).toEqual({ total: 3 * per, gil: true });
    await rt!.close();
    rt = null;
    rt = await createRuntime({ env: { PYTHON_GIL: '0' } });
    expect(rt.gilEnabled).toBe(false);
    await rt.close();
    rt = await createRuntime();
    expect(rt.gilEnabled).toBe(false);
    // sys.getswitchinterval() / setswitchinterval(), CPython's default and message.
    expect(rt.switchInterval).toBe(0.005);
    rt.switchInterval = 0.0012345;
    expect(rt.switchInterval).toBe(0.0012339999999999999); // CPython 3.13 prints the same (whole µs, times 1e-6)
    expect(() => (rt!.switchInterval = 0)).toThrow('switch interval must be strictly positive');
  }, 60_000);

  it('control: free-threaded, the same increments lose updates', async () => {
    // Long enough that the three threads overlap (each is a few milliseconds at most otherwise).
    const per = Math.round(20_000_000 * SCALE);
    let lost = false;
    for (let attempt = 0; attempt < 4 && !lost; attempt++) {
      const r = await race({ env: { PYTHON_GIL: '0' } }, per);
      expect(r.gil).toBe(false);
      lost = r.total < 3 * per;
    }
    expect(lost).toBe(true);
  }, 60_000);
});
