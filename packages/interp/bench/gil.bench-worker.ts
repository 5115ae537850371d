/**
 * One of the two threads of the GIL switch bench (gil.bench.ts). Each
 * records the latency of every switch *to* it: from the moment the other
 * thread let go (the time it wrote just before) to the moment this thread
 * runs. Kinds:
 * - 'park': the floor — a token handed back and forth through the parking
 *   lot (park / unpark, no GIL);
 * - 'voluntary': the GIL handed over by detach (as around blocking I/O)
 *   to the other thread, queued for it; the dropper's attach queues behind;
 * - 'drop-request': both threads run safe-point loops and switch only when
 *   the waiter's drop request (after a switch interval) reaches the holder;
 *   timed from the holder's bit-0 handler.
 * Latencies go to this worker's Float64 array in the heap; the count to its
 * word.
 */

import { runBenchWorker } from '@ft/harness';
import {
  attach,
  detach,
  EVAL_GIL_DROP_REQUEST_BIT,
  park,
  participantCreate,
  participantDelete,
  safePoint,
  setEvalBreakerHandler,
  SharedHeap,
  unparkAll,
  type Participant,
  type SharedHeapHandle,
} from '@ft/atomics';
import { gilInstall, gilStats, gilUninstall } from '../src/runtime/gil.js';

export interface GilSwitchParams {
  heap: SharedHeapHandle;
  group: number;
  gil: number;
  kind: 'park' | 'voluntary' | 'drop-request';
  /** Switches each thread records at most. */
  rounds: number;
  /** Shared words: f64 at +0 the let-go time (ns), u32 at +8 who let go (index + 1), i32 at +12 the token, i32 at +16 stop, i32 at +20 + 4k worker k's count. */
  words: number;
  /** Float64 latencies (ns): worker k's at latencies + 8 * rounds * k. */
  latencies: number;
}

const now = (): number => Number(process.hrtime.bigint());
/** Keeps the drop-request loop's work alive. */
let sink = 0;

runBenchWorker<GilSwitchParams>(({ params, index }) => {
  const heap = SharedHeap.attach(params.heap);
  const { i32, u32, f64 } = heap;
  const w = params.words;
  const timeIndex = w >>> 3;
  const whoIndex = (w + 8) >>> 2;
  const token = w + 12;
  const stop = (w + 16) >>> 2;
  const me = index + 1;
  const out = (params.latencies >>> 3) + params.rounds * index;
  let recorded = 0;
  /** The other thread let go and this one runs: record the latency (SAFETY: the let-go words were written before the hand-over's atomics). */
  const arrived = (): void => {
    const t = now();
    if (u32[whoIndex] !== me && u32[whoIndex] !== 0 && recorded < params.rounds) f64[out + recorded++] = t - f64[timeIndex];
  };
  const letGo = (): void => {
    f64[timeIndex] = now();
    u32[whoIndex] = me;
  };
  const start = performance.now();

  if (params.kind === 'park') {
    const other = 1 - index;
    for (;;) {
      while (Atomics.load(i32, token >>> 2) !== index) {
        if (Atomics.load(i32, stop) !== 0) break;
        park(heap, token, other, 4, 100, 0, false);
      }
      if (Atomics.load(i32, stop) !== 0) break;
      arrived();
      if (recorded >= params.rounds) Atomics.store(i32, stop, 1);
      letGo();
      Atomics.store(i32, token >>> 2, other);
      unparkAll(heap, token);
    }
    unparkAll(heap, token);
  } else {
    const p: Participant = participantCreate(heap, params.group);
    gilInstall(p, params.gil);
    if (params.kind === 'voluntary') {
      attach(p);
      while (Atomics.load(i32, stop) === 0) {
        arrived();
        if (recorded >= params.rounds) {
          Atomics.store(i32, stop, 1);
          break;
        }
        // Hand over only to a queued waiter: with nobody queued yet, the
        // detach + attach would just retake the GIL (and on an oversubscribed
        // machine such a loop can keep the other thread off the CPU for a
        // scheduler tick).
        while (gilStats(heap, params.gil).waiting === 0 && Atomics.load(i32, stop) === 0) {
          // the other thread is between its detach and its next attach
        }
        letGo();
        detach(p);
        attach(p);
      }
      detach(p);
    } else {
      // handleDropRequest of gil.ts, timed.
      setEvalBreakerHandler(p, EVAL_GIL_DROP_REQUEST_BIT, (q) => {
        letGo();
        detach(q);
        attach(q);
        arrived();
      });
      attach(p);
      let acc = 0;
      while (Atomics.load(i32, stop) === 0) {
        for (let i = 0; i < 256; i++) {
          acc = (acc + i) | 0;
          safePoint(p);
        }
        if (recorded >= params.rounds) Atomics.store(i32, stop, 1);
      }
      detach(p);
      sink = acc;
    }
    gilUninstall(p);
    participantDelete(p);
  }
  const elapsedMs = performance.now() - start;
  Atomics.store(i32, ((w + 20) >>> 2) + index, recorded);
  heap.close();
  return { ops: Math.max(1, recorded) + (sink & 0), elapsedMs };
});
