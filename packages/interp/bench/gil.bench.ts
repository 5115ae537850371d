/**
 * The GIL's costs (issue 20, item 5), each against its baseline in the same run:
 * - switch latency, two threads ping-ponging the GIL: from the moment one
 *   lets go to the moment the other runs, p50 and p99, against the same
 *   ping-pong of a token through the parking lot (park / unpark: the floor
 *   for handing anything to a parked thread). Voluntary switches (detach,
 *   as around blocking I/O) and switches at a drop request (both threads in
 *   safe-point loops; from the holder's bit-0 handler);
 * - an uncontended take + drop against a PyMutex lock + unlock pair, and
 *   what the gate adds to an attach + detach pair (GIL on, GIL installed
 *   but disabled, no gate).
 */

import { runBenchWorkers, timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import { attach, detach, groupCreate, mutexLock, mutexUnlock, participantCreate, participantDelete, regionAlloc, SharedHeap, type Participant } from '@ft/atomics';
import { gilCreate, gilInstall, gilUninstall } from '../src/runtime/gil.js';
import type { GilSwitchParams } from './gil.bench-worker.js';

const heap = SharedHeap.create({ size: 16 << 20 });
const group = groupCreate(heap);
const MUTEX = regionAlloc(heap, 64, 64);
const gilOn = gilCreate(heap, { mode: 'enable', switchInterval: 0.001 });
const gilOff = gilCreate(heap, { mode: 'default' });
// This thread's participant, made for each case that needs it and deleted after (so that the other
// suites run in this process can give the thread a participant of their own); its gate is set per case.
let me: Participant = null!;
const worker = new URL('./gil.bench-worker.ts', import.meta.url);

interface Latencies {
  p50: number;
  p99: number;
  count: number;
}

const runs = new Map<string, Promise<Latencies>>();

/** Runs a pair of switching threads once per kind and run; the p50 and p99 cases share it. */
function latencies(kind: GilSwitchParams['kind'], quick: boolean): Promise<Latencies> {
  const key = `${kind}:${quick}`;
  let run = runs.get(key);
  if (run === undefined) {
    run = measure(kind, quick);
    runs.set(key, run);
  }
  return run;
}

async function measure(kind: GilSwitchParams['kind'], quick: boolean): Promise<Latencies> {
  const rounds = quick ? 200 : kind === 'drop-request' ? 1000 : 5000;
  const words = regionAlloc(heap, 64, 64);
  const latencies = regionAlloc(heap, 8 * rounds * 2, 64);
  const params: GilSwitchParams = { heap: heap.handle(), group, gil: gilOn, kind, rounds, words, latencies };
  await runBenchWorkers(worker, 2, params);
  const all: number[] = [];
  for (let k = 0; k < 2; k++) {
    const n = heap.i32[((words + 20) >>> 2) + k];
    for (let i = 0; i < n; i++) all.push(heap.f64[(latencies >>> 3) + rounds * k + i]);
  }
  if (all.length < 10) throw new Error(`${kind}: only ${all.length} switches recorded`);
  all.sort((a, b) => a - b);
  const at = (q: number): number => all[Math.min(all.length - 1, Math.floor(q * all.length))];
  return { p50: at(0.5), p99: at(0.99), count: all.length };
}

function percentileCase(name: string, kind: GilSwitchParams['kind'], which: 'p50' | 'p99', baseline = false) {
  return {
    name,
    baseline,
    run: async ({ quick }: { quick: boolean }): Promise<BenchSample> => {
      const l = await latencies(kind, quick);
      return { nsPerOp: l[which], note: `${which} of ${l.count} switches (p50 ${(l.p50 / 1000).toFixed(1)} µs, p99 ${(l.p99 / 1000).toFixed(1)} µs)` };
    },
  };
}

function takeDrop(n: number): number {
  const gate = me.gate!;
  for (let i = 0; i < n; i++) {
    gate.acquire(me);
    gate.release(me);
  }
  return n;
}

function lockUnlock(n: number): number {
  for (let i = 0; i < n; i++) {
    mutexLock(heap, MUTEX);
    mutexUnlock(heap, MUTEX);
  }
  return n;
}

function attachDetach(n: number): number {
  for (let i = 0; i < n; i++) {
    attach(me);
    detach(me);
  }
  return n;
}

/** Runs `fn` with the calling thread's participant gated by `gil` (0: no gate). */
function withGate<T>(gil: number, fn: () => T): T {
  me = participantCreate(heap, group);
  if (gil !== 0) gilInstall(me, gil);
  try {
    return fn();
  } finally {
    if (gil !== 0) gilUninstall(me);
    participantDelete(me);
  }
}

export const suites: BenchSuite[] = [
  {
    name: 'interp/gil-switch',
    description: 'latency of a GIL switch between two threads, from letting go to the other running (ns)',
    target: 'p50 within 2× of handing a token to a parked thread through the parking lot',
    cases: [
      percentileCase('park/unpark token ping-pong p50 (floor)', 'park', 'p50', true),
      percentileCase('park/unpark token ping-pong p99', 'park', 'p99'),
      percentileCase('GIL voluntary switch (detach → other attached) p50', 'voluntary', 'p50'),
      percentileCase('GIL voluntary switch p99', 'voluntary', 'p99'),
      percentileCase('GIL switch at a drop request (handler → other running) p50', 'drop-request', 'p50'),
      percentileCase('GIL switch at a drop request p99', 'drop-request', 'p99'),
    ],
  },
  {
    name: 'interp/gil-uncontended',
    description: 'one thread alone: a take + drop of the GIL, and what the gate adds to attach + detach (ns per pair)',
    target: 'take + drop within 2× of a PyMutex lock + unlock pair',
    cases: [
      { name: 'PyMutex lock + unlock (baseline)', baseline: true, run: ({ quick }) => timeLoop(lockUnlock, { quick }) },
      { name: 'GIL take + drop (gate acquire + release)', run: ({ quick }) => withGate(gilOn, () => timeLoop(takeDrop, { quick })) },
      { name: 'attach + detach, no gate (free-threaded)', run: ({ quick }) => withGate(0, () => timeLoop(attachDetach, { quick })) },
      { name: 'attach + detach, GIL installed but disabled', run: ({ quick }) => withGate(gilOff, () => timeLoop(attachDetach, { quick })) },
      { name: 'attach + detach with the GIL', run: ({ quick }) => withGate(gilOn, () => timeLoop(attachDetach, { quick })) },
    ],
  },
];
