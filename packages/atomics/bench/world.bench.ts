/**
 * The world's costs (issue 16), each against its baseline in the same run:
 * - a safe-point poll in a tight loop against the same loop without it —
 *   target ≤ 1 ns amortised per poll (the note gives the difference):
 *   `pollSafePoint` (a countdown in the participant), `pollSafePointAt`
 *   (the loop's own counter decides, no state), the VM's form (the countdown
 *   in a local) and `safePoint` (one `Atomics.load` per call);
 * - an attach + detach pair against a PyMutex lock + unlock pair — target
 *   ≤ 1.5×;
 * - stop + start of one group's world with 0 (baseline), 1, 2 and 4 busy
 *   attached workers spinning between safe points: median (ns/op) and p99
 *   latency — target median ≤ 200 µs with 2 workers on a 2-core machine.
 *   The requester waits, asleep, until every worker runs again before the
 *   next stop, so that each stop finds them attached and running.
 */

import { runBenchWorkers, timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import {
  attach,
  detach,
  EVAL_EVENTS_MASK,
  groupCreate,
  handlePending,
  monotonicMs,
  mutexLock,
  mutexUnlock,
  participantCreate,
  pollSafePoint,
  pollSafePointAt,
  regionAlloc,
  SAFE_POINT_POLL_INTERVAL,
  safePoint,
  SharedHeap,
  startTheWorld,
  stopTheWorld,
} from '../src/index.js';
import type { WorldBenchParams } from './world.bench-worker.js';

/** Bytes between two bench workers' records (see world.bench-worker.ts). */
const WORKER_RECORD_STRIDE = 64;

const heap = SharedHeap.create({ size: 8 << 20 });
const group = groupCreate(heap);
const region = regionAlloc(heap, 8192);
const MUTEX = region;
/** 256 u32 the loops read (1 KiB, cache-resident). */
const WORK = region + 64;
const WORK_MASK = 255;
/** Words shared with the bench workers: stop flag, then one record per worker. */
const STOP = region + 2048;
const RECORDS = region + 2112;
const IDLE = region + 4096;

// This thread's participant (the requester in the stop-the-world cases);
// detached between cases.
const me = participantCreate(heap, group);
for (let i = 0; i <= WORK_MASK; i++) heap.u32[(WORK >>> 2) + i] = (i * 2654435761) >>> 0;

function bareLoop(n: number): number {
  const u32 = heap.u32;
  const base = WORK >>> 2;
  let acc = 0;
  // SAFETY (the three loops): the work words are written once, before any measurement.
  for (let i = 0; i < n; i++) acc = (acc + u32[base + (i & WORK_MASK)]) | 0;
  return acc;
}

/** The loop's own counter decides (`pollSafePointAt`): no countdown state at all. */
function strideLoop(n: number): number {
  const u32 = heap.u32;
  const base = WORK >>> 2;
  const p = me;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc = (acc + u32[base + (i & WORK_MASK)]) | 0;
    pollSafePointAt(p, i);
  }
  return acc;
}

function pollLoop(n: number): number {
  const u32 = heap.u32;
  const base = WORK >>> 2;
  const p = me;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc = (acc + u32[base + (i & WORK_MASK)]) | 0;
    pollSafePoint(p);
  }
  return acc;
}

/** What the VM does (DESIGN.md §8): the countdown in a local, the breaker's index hoisted. */
function localCountdownLoop(n: number): number {
  const u32 = heap.u32;
  const i32 = heap.i32;
  const breaker = me.breakerIndex;
  const base = WORK >>> 2;
  let acc = 0;
  let countdown = SAFE_POINT_POLL_INTERVAL;
  for (let i = 0; i < n; i++) {
    acc = (acc + u32[base + (i & WORK_MASK)]) | 0;
    if (--countdown === 0) {
      countdown = SAFE_POINT_POLL_INTERVAL;
      if ((Atomics.load(i32, breaker) & EVAL_EVENTS_MASK) !== 0) handlePending(me);
    }
  }
  return acc;
}

function checkLoop(n: number): number {
  const u32 = heap.u32;
  const base = WORK >>> 2;
  const p = me;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc = (acc + u32[base + (i & WORK_MASK)]) | 0;
    safePoint(p);
  }
  return acc;
}

/** Runs `fn` with this thread's participant attached. */
function attached<T>(fn: () => T): T {
  attach(me);
  try {
    return fn();
  } finally {
    detach(me);
  }
}

const worker = new URL('./world.bench-worker.ts', import.meta.url);

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Stop + start latency with `workers` busy attached workers: starts them,
 * then measures `samples` stop/start pairs on this thread (blocking it: the
 * workers are threads of their own), then lets them go.
 */
async function stopStart(workers: number, quick: boolean): Promise<BenchSample> {
  const samples = quick ? 200 : 2000;
  const i32 = heap.i32;
  Atomics.store(i32, STOP >>> 2, 0);
  for (let k = 0; k < 4; k++) {
    Atomics.store(i32, (RECORDS + k * WORKER_RECORD_STRIDE) >>> 2, 0);
    Atomics.store(i32, ((RECORDS + k * WORKER_RECORD_STRIDE) >>> 2) + 1, 0);
  }
  const params: WorldBenchParams = { heap: heap.handle(), group, stop: STOP, records: RECORDS };
  const running = workers === 0 ? null : runBenchWorkers(worker, workers, params);
  const progress = (k: number): number => Atomics.load(i32, (RECORDS + k * WORKER_RECORD_STRIDE) >>> 2);
  const latencies = new Float64Array(samples);
  const seen = new Int32Array(4);
  try {
    // Wait (without blocking the event loop: the runner releases the workers) until all run attached.
    const deadline = Date.now() + 60_000;
    for (let k = 0; k < workers; k++) {
      while (progress(k) === 0) {
        if (Date.now() > deadline) throw new Error(`stop-the-world bench: worker ${k} never started`);
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    attach(me);
    for (let s = 0; s < samples; s++) {
      const t0 = monotonicMs();
      stopTheWorld(heap, group);
      const t1 = monotonicMs();
      startTheWorld(heap, group);
      latencies[s] = (monotonicMs() - t0) * 1e6;
      if (t1 < t0) throw new Error('clock went backwards');
      // Before the next stop, every worker must run (attached) again; sleep meanwhile.
      for (let k = 0; k < workers; k++) seen[k] = progress(k);
      for (let k = 0; k < workers; k++) {
        while (progress(k) === seen[k]) Atomics.wait(i32, IDLE >>> 2, 0, 0.05);
      }
    }
    detach(me);
  } finally {
    Atomics.store(i32, STOP >>> 2, 1);
    if (running !== null) await running;
  }
  latencies.sort();
  const median = percentile(latencies, 0.5);
  const p99 = percentile(latencies, 0.99);
  return {
    nsPerOp: median,
    note: `median ${(median / 1000).toFixed(1)} µs, p99 ${(p99 / 1000).toFixed(1)} µs, max ${(latencies[samples - 1] / 1000).toFixed(1)} µs over ${samples} stops`,
  };
}

/**
 * Times `loop` attached, then the bare loop again right after, and notes the
 * difference per poll (the bare loop's own row can drift between the two).
 */
function againstBareLoop(loop: (n: number) => number, quick: boolean): BenchSample {
  return attached(() => {
    const polled = timeLoop(loop, { quick });
    const bare = timeLoop(bareLoop, { quick });
    return { nsPerOp: polled.nsPerOp, note: `+${(polled.nsPerOp - bare.nsPerOp).toFixed(2)} ns per poll (bare loop re-measured at ${bare.nsPerOp.toFixed(2)} ns); ${polled.note}` };
  });
}

export const suites: BenchSuite[] = [
  {
    name: 'atomics/world-safe-point',
    description: 'a loop summing 1 KiB of heap words, with a safe point per iteration or without',
    target: 'a safe-point poll ≤ 1 ns amortised per poll over the bare loop (see the notes)',
    cases: [
      { name: 'bare loop', baseline: true, run: ({ quick }) => timeLoop(bareLoop, { quick }) },
      { name: 'loop + pollSafePoint', run: ({ quick }) => againstBareLoop(pollLoop, quick) },
      { name: 'loop + a local countdown (the VM’s way)', run: ({ quick }) => againstBareLoop(localCountdownLoop, quick) },
      { name: 'loop + pollSafePointAt(p, i) (every 64th iteration)', run: ({ quick }) => againstBareLoop(strideLoop, quick) },
      { name: 'loop + safePoint (a load per call)', run: ({ quick }) => againstBareLoop(checkLoop, quick) },
    ],
  },
  {
    name: 'atomics/world-attach-detach',
    description: 'one thread, nothing else running',
    target: 'attach + detach ≤ 1.5× PyMutex lock + unlock',
    cases: [
      {
        name: 'PyMutex lock + unlock',
        baseline: true,
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              for (let i = 0; i < n; i++) {
                mutexLock(heap, MUTEX);
                mutexUnlock(heap, MUTEX);
              }
            },
            { quick },
          ),
      },
      {
        name: 'attach + detach',
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              const p = me;
              for (let i = 0; i < n; i++) {
                attach(p);
                detach(p);
              }
            },
            { quick },
          ),
      },
    ],
  },
  {
    name: 'atomics/world-stop-start',
    description: 'stopTheWorld + startTheWorld of one group (ns/op = median latency), the requester attached, other participants busy between safe points',
    target: 'median ≤ 200 µs with 2 busy workers (2-core machine); p99 in the note',
    cases: [
      { name: 'no other participant', baseline: true, run: ({ quick }) => stopStart(0, quick) },
      { name: '1 busy worker', run: ({ quick }) => stopStart(1, quick) },
      { name: '2 busy workers', run: ({ quick }) => stopStart(2, quick) },
      { name: '4 busy workers', run: ({ quick }) => stopStart(4, quick) },
    ],
  },
];
