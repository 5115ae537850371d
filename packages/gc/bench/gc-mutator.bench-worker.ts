/**
 * A mutator of `gc/2-workers`: joins the runtime as a participant of its
 * group and, until the stop word is set, builds 2-cycles that it drops
 * (garbage for the collector, through a window of live ones it replaces),
 * with a safe point per pair. It makes at most `pairsPerRound` pairs per
 * round of the main thread (control word 2) and then keeps polling safe
 * points without allocating: it stays attached and running, as a busy
 * thread would, while the garbage per collection stays bounded (two
 * allocating threads outrun one collector that also frees). Reports the
 * objects it made.
 */

import { attach, detach, participantCreate, participantDelete, pollSafePoint, SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { runBenchWorker } from '@ft/harness';
import { miThreadExit, miThreadInit } from '@ft/mimalloc';
import { decref, incref, rcThreadExit, rcThreadInit } from '@ft/refcount';
import { gcNew, gcThreadExit, gcThreadInit, gcTrack, type GcThread } from '../src/index.js';
import { benchRegistry, SLOT } from './bench-types.js';

export interface MutatorParams {
  heap: SharedHeapHandle;
  mi: number;
  rc: number;
  gc: number;
  group: number;
  node: number;
  /** Int32 control words: [stop, running workers, round]. */
  control: SharedArrayBuffer;
  /** Pairs a mutator makes per round. */
  pairsPerRound: number;
}

const LIVE_WINDOW = 4096;

runBenchWorker<MutatorParams>(({ params }) => {
  const heap = SharedHeap.attach(params.heap);
  const control = new Int32Array(params.control);
  // eslint-disable-next-line prefer-const
  let gt!: GcThread;
  const { registry } = benchRegistry(() => gt);
  const participant = participantCreate(heap, params.group);
  const mi = miThreadInit(heap, params.mi, null);
  const t = rcThreadInit(heap, params.rc, registry, { mi, participant });
  gt = gcThreadInit(t, params.gc, registry);
  attach(participant);
  Atomics.add(control, 1, 1);
  const u32 = t.u32;
  const live = new Uint32Array(LIVE_WINDOW);
  let made = 0;
  let round = -1;
  let budget = 0;
  const start = performance.now();
  while (Atomics.load(control, 0) === 0) {
    const now = Atomics.load(control, 2);
    if (now !== round) {
      round = now;
      budget = params.pairsPerRound;
    }
    if (budget === 0) {
      pollSafePoint(participant);
      continue;
    }
    budget--;
    const a = gcNew(gt, params.node, 1);
    const b = gcNew(gt, params.node, 1);
    u32[(a + SLOT) >>> 2] = b;
    incref(t, a);
    u32[(b + SLOT) >>> 2] = a;
    gcTrack(t, a);
    gcTrack(t, b);
    const slot = made & (LIVE_WINDOW - 1);
    const old = live[slot]!;
    live[slot] = a; // a's creation reference stays live until replaced
    if (old !== 0) decref(t, old); // the old pair becomes garbage
    made += 2;
    pollSafePoint(participant);
  }
  const elapsedMs = performance.now() - start;
  for (const op of live) if (op !== 0) decref(t, op);
  detach(participant);
  gcThreadExit(gt);
  rcThreadExit(t);
  miThreadExit(mi);
  participantDelete(participant);
  heap.close();
  return { ops: made, elapsedMs };
});
