/**
 * Starting and joining a thread: an empty body on a pooled worker (idle,
 * already started) vs a cold `new Worker` that loads the same modules and
 * exits — the peer issue 20 names (target: pooled ≤ 1 ms and ≥ 20× faster).
 */

import { Worker } from 'node:worker_threads';
import { type BenchSample, type BenchSuite } from '@ft/harness';
import { createRuntime } from '../src/index.js';

const BOOT = new URL('../../../tools/harness/src/worker-boot.mjs', import.meta.url);
const BODIES = new URL('../test/bodies/basic.ts', import.meta.url);

function spawn(entry: URL, boot: unknown): Worker {
  return new Worker(BOOT, { workerData: { entry: entry.href, data: boot }, execArgv: ['--conditions=source'] });
}

/** Median ns of `n` timed runs of `fn`. */
async function median(n: number, fn: () => Promise<void> | void): Promise<BenchSample> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0));
  }
  times.sort((a, b) => a - b);
  return { nsPerOp: times[times.length >> 1]!, note: `median of ${n}` };
}

async function pooled(quick: boolean): Promise<BenchSample> {
  const rt = await createRuntime({ threadBodies: BODIES, workerLoader: BOOT, workerExecArgv: ['--conditions=source'], maxWorkers: 2 });
  try {
    rt.startThread('empty').join(); // the worker started and warm
    return await median(quick ? 200 : 2000, () => rt.startThread('empty').join());
  } finally {
    await rt.close();
  }
}

async function cold(quick: boolean): Promise<BenchSample> {
  // A worker that loads the runtime's modules, joins nothing, and exits: the least a cold thread costs.
  const entry = new URL('./cold-worker.ts', import.meta.url);
  return median(quick ? 3 : 10, () => new Promise<void>((resolve, reject) => {
    const w = spawn(entry, null);
    w.once('error', reject);
    w.once('exit', () => resolve());
  }));
}

export const suites: BenchSuite[] = [
  {
    name: 'interp/thread-start-join',
    description: 'start and join a thread with an empty body (ns per thread)',
    target: 'pooled ≤ 1 ms and ≥ 20× faster than a cold worker',
    cases: [
      { name: 'cold new Worker loading the runtime (baseline)', baseline: true, run: ({ quick }) => cold(quick) },
      { name: 'startThread + join on a pooled worker', run: ({ quick }) => pooled(quick) },
    ],
  },
];
