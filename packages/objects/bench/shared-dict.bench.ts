/**
 * The JavaScript façade: `SharedDict.get` with string keys from a worker
 * (1000 entries, int values) against a `Map.get` on the worker's own Map
 * (the cost of sharing, reported) and against the npm `multithreading`
 * package's `SharedJsonBuffer` holding the same keys — read under its
 * Mutex (its thread-safe read) and bare (no lock) — the peer issue 19
 * names (target: ≥ 10× faster).
 */

import { availableParallelism } from 'node:os';
import { runBenchWorkers, timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import { createObjectsRuntime, SharedDict } from '../src/index.js';
import type { SharedDictReaderParams } from './shared-dict.bench-worker.js';

const KEYS = 1000;
const names = Array.from({ length: KEYS }, (_, i) => `attribute_${i}`);

function mapGet(): BenchSample {
  const map = new Map<string, number>(names.map((k, i) => [k, i + 1000]));
  return timeLoop((n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += map.get(names[i % KEYS]!)!;
    return sum;
  });
}

async function sharedJsonBuffer(locked: boolean): Promise<BenchSample> {
  (globalThis as { navigator?: unknown }).navigator ??= { hardwareConcurrency: availableParallelism() };
  const { Mutex, SharedJsonBuffer } = await import('multithreading');
  const buffer = new SharedJsonBuffer(Object.fromEntries(names.map((k, i) => [k, i + 1000])));
  if (!locked) {
    const view = buffer as unknown as Record<string, number>;
    return timeLoop((n) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += view[names[i % KEYS]!]!;
      return sum;
    });
  }
  const mutex = new Mutex(buffer);
  return timeLoop((n) => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const guard = mutex.blockingLock();
      sum += (guard.value as unknown as Record<string, number>)[names[i % KEYS]!]!;
      guard[Symbol.dispose]();
    }
    return sum;
  });
}

async function sharedDictFromWorker(quick: boolean): Promise<BenchSample> {
  const rt = createObjectsRuntime();
  const d = SharedDict.create(rt, Object.fromEntries(names.map((k, i) => [k, i + 1000])));
  try {
    const params: SharedDictReaderParams = { runtime: rt.handle, dict: d.handle, keys: names, reads: quick ? 200_000 : 3_000_000 };
    rt.detach();
    const r = await runBenchWorkers(new URL('./shared-dict.bench-worker.ts', import.meta.url), 1, params);
    rt.attach();
    return { nsPerOp: r.nsPerOp, note: `1 worker, ${(r.totalOps / 1e6).toFixed(1)}M reads in ${r.elapsedMs.toFixed(0)} ms` };
  } finally {
    d.release();
    rt.close();
  }
}

export const suites: BenchSuite[] = [
  {
    name: 'objects/shared-dict-get',
    description: 'SharedDict.get(key) from a worker, string keys, 1000 int values, vs the npm multithreading package’s SharedJsonBuffer property read (under its Mutex; bare) and a Map.get on a local Map (ns per read)',
    target: 'SharedDict.get ≥ 10× faster than the SharedJsonBuffer read; the local Map reported',
    cases: [
      { name: 'SharedJsonBuffer read under its Mutex (baseline)', baseline: true, run: () => sharedJsonBuffer(true) },
      { name: 'SharedJsonBuffer bare proxy read (no lock)', run: () => sharedJsonBuffer(false) },
      { name: 'SharedDict.get from a worker', run: ({ quick }) => sharedDictFromWorker(quick) },
      { name: 'Map.get on a local Map', run: () => mapGet() },
    ],
  },
];
