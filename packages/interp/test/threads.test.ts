/**
 * Python threads on pooled workers: start, run at once, join (once, from
 * several threads at once, twice), daemon threads at finalization,
 * PythonFinalizationError after it, records and workers reused across
 * many threads, and the configuration's errors with CPython's messages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { workerLoader } from './spawn.js';
import { decref } from '@ft/refcount';
import { intAsNumber, intFromNumber, listGetItemRef, listNew, listSize, tupleFromArray } from '@ft/objects';
import { ConfigError, createRuntime, readConfig, type Runtime } from '../src/index.js';

const BODIES = new URL('./bodies/basic.ts', import.meta.url);
let rt: Runtime | null = null;
afterEach(async () => {
  await rt?.close();
  rt = null;
});

async function makeRuntime(options: { maxThreads?: number; maxWorkers?: number } = {}): Promise<Runtime> {
  rt = await createRuntime({ threadBodies: BODIES, workerLoader, ...options });
  return rt;
}

function ints(r: Runtime, values: number[]): number[] {
  return values.map((v) => intFromNumber(r.t, v));
}

function listValues(r: Runtime, list: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < listSize(r.t, list); i++) {
    const v = listGetItemRef(r.t, list, i);
    out.push(intAsNumber(r.t, v));
    decref(r.objects.rc, v);
  }
  return out;
}

describe('threads', () => {
  it('run at once on pooled workers and are joined', async () => {
    const r = await makeRuntime();
    const list = listNew(r.t, 0);
    const [n] = ints(r, [2000]);
    const arg = tupleFromArray(r.t, [list, n!]);
    const handles = [0, 1, 2, 3].map(() => r.startThread('appendRange', arg));
    expect(new Set(handles.map((h) => h.ident)).size).toBe(4);
    expect(Math.min(...handles.map((h) => h.ident))).toBeGreaterThan(1); // the main thread is 1
    for (const h of handles) h.join();
    expect(handles.every((h) => h.isDone)).toBe(true);
    expect(listSize(r.t, list)).toBe(8000);
    // Every value 0 … 1999 four times: no append lost under four writers.
    const counts = new Map<number, number>();
    for (const v of listValues(r, list)) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(counts.size).toBe(2000);
    expect([...counts.values()].every((c) => c === 4)).toBe(true);
    for (const h of handles) h.join(); // joining again returns at once
    expect(r.activeThreads).toBe(0);
    decref(r.objects.rc, arg);
    decref(r.objects.rc, n!);
    decref(r.objects.rc, list);
  });

  it('three threads joining one all return after it is done; its record is freed once', async () => {
    const r = await makeRuntime();
    const log = listNew(r.t, 0);
    const [ms] = ints(r, [150]);
    const sleeperArg = tupleFromArray(r.t, [ms!, log]);
    const sleeper = r.startThread('sleepThenRecord', sleeperArg);
    const joinArg = tupleFromArray(r.t, [...ints(r, [sleeper.record, sleeper.ident]), log]);
    const joiners = [0, 1].map(() => r.startThread('joinOther', joinArg));
    sleeper.join(); // the main thread joins too
    for (const j of joiners) j.join();
    const values = listValues(r, log);
    // The sleeper's id first (before any joiner returned), then each joiner's record of it.
    expect(values).toEqual([sleeper.ident, -sleeper.ident, -sleeper.ident]);
    expect(sleeper.isDone).toBe(true);
    for (const op of [sleeperArg, joinArg, ms!, log]) decref(r.objects.rc, op);
  });

  it('a failing body ends its thread; threads are not waited for when daemon; starting after finalization raises', async () => {
    const r = await makeRuntime();
    const bad = r.startThread('fails');
    bad.join();
    expect(bad.isDone).toBe(true);
    const log = listNew(r.t, 0);
    const [ms] = ints(r, [60_000]);
    const arg = tupleFromArray(r.t, [ms!, log]);
    const daemon = r.startThread('sleepThenRecord', arg, { daemon: true });
    expect(daemon.daemon).toBe(true);
    expect(r.activeThreads).toBe(0); // a daemon is not counted
    const started = Date.now();
    const closing = r.close(); // does not wait a minute for the daemon
    expect(r.finalizing).toBe(true);
    expect(() => r.startThread('empty')).toThrow("PythonFinalizationError: can't create new thread at interpreter shutdown");
    await closing;
    expect(Date.now() - started).toBeLessThan(30_000);
    rt = null;
  });

  it('reuses records and workers: 1,000 threads one after another', async () => {
    const r = await makeRuntime({ maxThreads: 4, maxWorkers: 2 });
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const h = r.startThread('empty');
      expect(h.ident).toBe(last === 0 ? h.ident : last + 1);
      last = h.ident;
      h.join();
    }
    // Every record free again: four threads at once still start.
    const hs = [0, 1].map(() => r.startThread('empty'));
    for (const h of hs) h.join();
    expect(() => r.startThread('nope')).toThrow(/no thread body 'nope'/);
  });

  it('refuses a start when every worker is busy: RuntimeError as CPython', async () => {
    const r = await makeRuntime({ maxWorkers: 1 });
    const log = listNew(r.t, 0);
    const [ms] = ints(r, [300]);
    const arg = tupleFromArray(r.t, [ms!, log]);
    const a = r.startThread('sleepThenRecord', arg);
    expect(() => r.startThread('empty')).toThrow("RuntimeError: can't start new thread");
    a.join();
    const b = r.startThread('empty');
    b.join();
    for (const op of [arg, ms!, log]) decref(r.objects.rc, op);
  });
});

describe('configuration', () => {
  it('reads PYTHON_GIL, -X gil, PYTHONMALLOC and PYTHONHASHSEED with CPython’s messages', () => {
    expect(readConfig({}).gil).toBe(false);
    expect(readConfig({ env: { PYTHON_GIL: '0' } }).gil).toBe(false);
    expect(readConfig({ env: { PYTHON_GIL: '0' }, xoptions: ['gil=1'] }).gil).toBe(true);
    expect([readConfig({}).gilMode, readConfig({ env: { PYTHON_GIL: '0' } }).gilMode, readConfig({ xoptions: ['gil=1'] }).gilMode]).toEqual(['default', 'disable', 'enable']);
    expect(() => readConfig({ env: { PYTHON_GIL: '2' } })).toThrow(new ConfigError('config_read_gil', 'PYTHON_GIL / -X gil must be "0" or "1"'));
    expect(() => readConfig({ xoptions: ['gil'] })).toThrow('config_read_gil: PYTHON_GIL / -X gil must be "0" or "1"');
    expect(readConfig({ env: { PYTHONMALLOC: 'debug' } }).allocator).toBe('mimalloc_debug');
    expect(() => readConfig({ env: { PYTHONMALLOC: 'nope' } })).toThrow('PYTHONMALLOC: unknown allocator');
    expect(readConfig({ env: { PYTHONHASHSEED: '42' } }).hashSeed).toBe(42);
    expect(() => readConfig({ env: { PYTHONHASHSEED: '-1' } })).toThrow('config_init_hash_seed: PYTHONHASHSEED must be "random" or an integer in range [0; 4294967295]');
    expect(readConfig({ xoptions: ['dev', 'x=y'] }).xoptions).toEqual({ dev: true, x: 'y' });
  });

  it('refuses bad sizes', async () => {
    await expect(createRuntime({ maxThreads: 0 })).rejects.toThrow(RangeError);
    await expect(createRuntime({ maxWorkers: 2000 })).rejects.toThrow('createRuntime: maxWorkers must be an integer in [1, 1024], not 2000');
  });
});
