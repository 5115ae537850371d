/**
 * One row of `obmalloc/debug-hooks-overhead`, alone in a fresh worker: its
 * own `MiThread` and allocator domains for one configuration, the working
 * set filled (not timed), the steps timed with `timeLoop`, then the live
 * blocks checked, all freed, and the allocators' statistics checked to be
 * back at zero. Results go to `params.out` (see debug-hooks.bench.ts).
 */

import { SharedHeap } from '@ft/atomics';
import { checkLive, makeWorkload, newWorkingSet, runBenchWorker, timeLoop, WS_SLOTS, WS_STEP_MASK, type WorkingSet } from '@ft/harness';
import { miStats, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { createAllocatorDomains, pymallocAttach, pymallocStats, pyMemFree, pyMemMalloc, type AllocatorDomains, type Pymalloc } from '../src/index.js';
import {
  DEBUG_FRAME_AFTER,
  DEBUG_FRAME_BEFORE,
  OUT_DONE,
  OUT_FAILURES,
  OUT_LIVE_AFTER_STEPS,
  OUT_LIVE_OK,
  OUT_MI_LEFT,
  OUT_NS_PER_OP,
  OUT_PM_LEFT,
  OUT_RAW_LIVE,
  OUT_STEPS,
  WS_SEED,
  type DebugHooksParams,
} from './debug-hooks.bench.js';

// A local copy: an imported binding costs a TDZ check at each use in a loop.
const STEP_MASK = WS_STEP_MASK;

function fill(d: AllocatorDomains, ws: WorkingSet): void {
  const sizes = ws.work.fillSizes;
  for (let i = 0; i < WS_SLOTS; i++) {
    const p = pyMemMalloc(d, sizes[i]);
    if (p === 0) ws.failures++;
    ws.live[i] = p;
    ws.liveSize[i] = sizes[i];
  }
}

/** `n` churn steps through the mem domain; returns a checksum of the new addresses. */
function steps(d: AllocatorDomains, ws: WorkingSet, n: number): number {
  const { live, liveSize } = ws;
  const { sizes, slots } = ws.work;
  let k = ws.cursor;
  let acc = 0;
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const slot = slots[k];
    const size = sizes[k];
    pyMemFree(d, live[slot]);
    const p = pyMemMalloc(d, size);
    if (p === 0) failures++;
    live[slot] = p;
    liveSize[slot] = size;
    acc = (acc + p) | 0;
    k = (k + 1) & STEP_MASK;
  }
  ws.cursor = k;
  ws.failures += failures;
  ws.steps += n;
  return acc;
}

function drain(d: AllocatorDomains, ws: WorkingSet): void {
  for (let i = 0; i < WS_SLOTS; i++) {
    pyMemFree(d, ws.live[i]);
    ws.live[i] = 0;
  }
}

runBenchWorker<DebugHooksParams>(({ params, quick }) => {
  const heap = SharedHeap.attach(params.heap);
  const t: MiThread = miThreadInit(heap, params.mi, null);
  const gil = params.config.startsWith('pymalloc');
  const debug = params.config.endsWith('_debug');
  const pm: Pymalloc | undefined = gil ? pymallocAttach(heap, params.pymalloc) : undefined;
  const d = createAllocatorDomains(heap, params.config, gil ? { mi: t, mode: 'gil', pymalloc: pm } : { mi: t });
  const out = params.out;
  const pmLive = (): number => (pm === undefined ? 0 : pymallocStats(pm).blocksInUse);
  const miLive = (): number => miStats(t).liveBlocks;
  if (miLive() !== 0 || pmLive() !== 0) throw new Error(`${params.config}: blocks live before the run (${miLive()} mimalloc, ${pmLive()} pymalloc)`);

  const ws = newWorkingSet(makeWorkload(WS_SEED));
  fill(d, ws);
  const start = performance.now();
  const sample = timeLoop((n) => steps(d, ws, n), { quick });
  const elapsedMs = performance.now() - start;

  const miAfterSteps = miLive();
  const pmAfterSteps = pmLive();
  const ok = checkLive(ws, 16, debug ? { frameBefore: DEBUG_FRAME_BEFORE, frameAfter: DEBUG_FRAME_AFTER } : {}) === null;
  drain(d, ws);
  out[OUT_NS_PER_OP] = sample.nsPerOp;
  // timeLoop's own account of the timed calls ("n=1.23M ×5, spread 3%").
  params.note.set(new TextEncoder().encode(sample.note ?? '').subarray(0, params.note.length));
  out[OUT_STEPS] = ws.steps;
  out[OUT_FAILURES] = ws.failures;
  out[OUT_LIVE_AFTER_STEPS] = miAfterSteps + pmAfterSteps;
  out[OUT_RAW_LIVE] = gil ? miAfterSteps : 0;
  out[OUT_LIVE_OK] = ok ? 1 : 0;
  out[OUT_MI_LEFT] = miLive();
  out[OUT_PM_LEFT] = pmLive();
  miThreadExit(t);
  heap.close();
  out[OUT_DONE] = 1;
  return { ops: ws.steps, elapsedMs };
});
