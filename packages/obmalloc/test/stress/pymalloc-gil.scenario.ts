/**
 * pymalloc in GIL mode under its lock: one pymalloc state shared by real
 * workers that take turns under a PyMutex standing in for the GIL, as
 * CPython's default build runs pymalloc (one `_obmalloc_state` per
 * interpreter, every call made while holding the GIL).
 *
 * The main thread creates the heap, the pymalloc state (`pymallocCreate`)
 * and the "GIL" (a PyMutex byte from `regionAlloc`). Each worker attaches
 * (`pymallocAttach`) and repeatedly takes the GIL, frees what other workers
 * sent it, does a small random batch of allocations and frees (1–512 bytes)
 * on its own slots, hands one released block in `sendOneIn` to another
 * worker, and drops the GIL. Every block carries a byte pattern derived from
 * a per-block cookie over all its requested bytes; whoever frees it first
 * checks it, so a block handed out twice, written after its free or
 * overlapping another shows up. Every allocation is also checked to be a
 * block boundary inside one of pymalloc's pools, 16-byte aligned and large
 * enough, before anything is written to it.
 *
 * Hand-off: one single-producer/single-consumer ring per (sender, receiver)
 * pair, in a SharedArrayBuffer of its own. In GIL mode the rings are only
 * touched under the GIL (they would not need their own synchronisation);
 * they are lock-free SPSC rings anyway, and outside the ft heap, so that the
 * lockless control corrupts pymalloc only: its wild writes cannot reach the
 * test's own bookkeeping and hang the run, and a block sent is still
 * received intact, so a broken pattern is pymalloc's doing.
 *
 * Shutdown (as in mimalloc's stress test): a worker asked to stop frees what
 * it holds (under the GIL), counts itself done, then drains its inboxes until
 * every worker is done and its inboxes are empty.
 *
 * Exact checks on the main thread after the join, under the GIL: no pattern
 * broken; no allocation failed or returned a bad block; pymalloc took back
 * every block; allocations = frees; every block sent was received and the
 * rings are empty; `pymallocStats`: 0 blocks in use, at most one arena left
 * (pymalloc keeps the last one, bpo-37257) with all its pools free; the GIL
 * is free; and `pymallocDestroy` reports no leak and gives the region
 * allocator back exactly what it took.
 *
 * The control ('nolock') runs the same workers without the GIL: the checks
 * must fail, or a worker must die of the damage.
 */

import { mutexLock, mutexUnlock, regionAlloc, regionStats, SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { createHandOffRings, pendingHandOffs, type CheckContext, type StressCheck, type StressScenario } from '@ft/harness';
import { PYMALLOC_MAX_POOLS_IN_ARENA, pymallocAlloc, pymallocCreate, pymallocDestroy, pymallocFree, pymallocStats, type Pymalloc } from '../../src/index.js';


export interface PymallocGilParams {
  heap: SharedHeapHandle;
  /** The pymalloc state every worker attaches to. */
  state: number;
  /** The "GIL": a PyMutex byte. */
  gil: number;
  /** The hand-off rings and the done counter (see above). */
  rings: Int32Array;
  ringCapacity: number;
  /** Slots (live blocks at most) per worker. */
  slots: number;
  /** Operations per GIL hold: 1..maxBatch, random. */
  maxBatch: number;
  /** One released block in `sendOneIn` goes to another worker. */
  sendOneIn: number;
  /** 'gil' (the real test) or 'nolock' (the control: the same without the GIL). */
  mode: 'gil' | 'nolock';
  /** Stop every worker at the first broken pattern or bad block (keeps a corrupted run short). */
  stopOnCorruption: boolean;
}

export interface PymallocGilResult {
  ops: number;
  allocs: number;
  frees: number;
  sent: number;
  received: number;
  /** Sends that found the ring full (freed locally instead). */
  ringFull: number;
  /** Blocks whose pattern was broken when freed. */
  corruptions: number;
  /** Allocations that returned 0. */
  allocFailures: number;
  /** Allocations that returned something other than a free block boundary inside a pool, aligned and large enough. */
  badBlocks: number;
  /** Frees pymalloc refused ("not my block"). */
  refusedFrees: number;
  /** Times this worker took the GIL (batches, in 'nolock' mode). */
  gilHolds: number;
  /** First few problems, for the failure message. */
  problems: string[];
}

interface State {
  heap: SharedHeap;
  pm: Pymalloc;
  gil: number;
  rings: Int32Array;
  ringCapacity: number;
  /** Region allocator occupancy before pymallocCreate (the GIL's region included). */
  regionsBefore: number;
  bytesBefore: number;
}

const sum = (results: readonly PymallocGilResult[], key: keyof PymallocGilResult): number => results.reduce((a, r) => a + (r[key] as number), 0);

/** GIL region: the mutex byte alone on a 64-byte line. */
const GIL_REGION_SIZE = 64;

export const pymallocGil: StressScenario<PymallocGilParams, State> = {
  name: 'obmalloc/pymalloc-gil',
  description: 'one pymalloc state shared by workers taking turns under a PyMutex "GIL": random 1–512 B blocks, patterns verified, 1 in 4 freed by another worker',
  worker: new URL('./pymalloc-gil.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 100_000,
  setup({ workers }) {
    const heap = SharedHeap.create({ size: 64 << 20, threadCapacity: 8 });
    const gil = regionAlloc(heap, GIL_REGION_SIZE, 64);
    if (gil === 0) throw new Error('obmalloc/pymalloc-gil: no room for the GIL');
    const before = regionStats(heap);
    const pm = pymallocCreate(heap);
    // The interpreter has used its allocator before threads start: the
    // descriptor array and the first arena exist (and, emptied, the arena is
    // kept). Without this, the lockless control mostly dies of two workers
    // creating the first arena at once, before any block-level race.
    const warm = pymallocAlloc(pm, 16);
    if (warm === 0 || !pymallocFree(pm, warm)) throw new Error('obmalloc/pymalloc-gil: pymalloc could not allocate one block');
    const ringCapacity = 1024;
    const rings = createHandOffRings({ workers: workers, capacity: ringCapacity, entryWords: 4 });
    const params: PymallocGilParams = {
      heap: heap.handle(),
      state: pm.state,
      gil,
      rings,
      ringCapacity,
      slots: 512,
      maxBatch: 32,
      sendOneIn: 4,
      mode: 'gil',
      stopOnCorruption: true,
    };
    return { params, state: { heap, pm, gil, rings, ringCapacity, regionsBefore: before.regionsInUse, bytesBefore: before.bytesInUse } };
  },
  check(ctx: CheckContext<PymallocGilParams, State>): StressCheck[] {
    const r = ctx.results as PymallocGilResult[];
    const { heap, pm, gil, rings, ringCapacity } = ctx.state;
    const locked = ctx.params.mode === 'gil';
    const problems = r.flatMap((x, w) => x.problems.map((p) => `worker ${w}: ${p}`)).slice(0, 6);
    const problemText = problems.length > 0 ? `; ${problems.join('; ')}` : '';
    const ringsLeft = pendingHandOffs(rings, { workers: ctx.workers, capacity: ringCapacity, entryWords: 4 });
    // The workers have exited; taking the GIL also orders their last writes before these reads.
    const gilByte = Atomics.load(heap.u8, gil);
    mutexLock(heap, gil);
    let stats;
    try {
      stats = pymallocStats(pm);
    } finally {
      mutexUnlock(heap, gil);
    }
    const allocs = sum(r, 'allocs');
    const frees = sum(r, 'frees');
    const checks: StressCheck[] = [
      {
        name: 'no block pattern broken (no block handed out twice or written after free)',
        ok: sum(r, 'corruptions') === 0,
        detail: `${sum(r, 'corruptions')} broken of ${frees} frees${problemText}`,
      },
      {
        name: 'every allocation is a block boundary in a pool, 16-byte aligned and large enough',
        ok: sum(r, 'allocFailures') === 0 && sum(r, 'badBlocks') === 0,
        detail: `${sum(r, 'allocFailures')} returned 0, ${sum(r, 'badBlocks')} bad${problemText}`,
      },
      { name: 'pymalloc took back every block it handed out', ok: sum(r, 'refusedFrees') === 0, detail: `${sum(r, 'refusedFrees')} refused frees` },
      { name: 'allocations = frees', ok: allocs === frees && allocs > 0, detail: `${allocs} allocations, ${frees} frees` },
      {
        name: 'every block sent was received and the rings are empty',
        ok: sum(r, 'sent') === sum(r, 'received') && ringsLeft === 0,
        detail: `${sum(r, 'sent')} sent, ${sum(r, 'received')} received, ${ringsLeft} left in rings`,
      },
      {
        name: 'pymallocStats: no block in use',
        ok: stats.blocksInUse === 0 && stats.allocatedBytes === 0,
        detail: `${stats.blocksInUse} blocks, ${stats.allocatedBytes} bytes in use`,
      },
      {
        name: 'at most one arena left, with all its pools free',
        ok: stats.arenasAllocated <= 1 && stats.freePools === stats.arenasAllocated * PYMALLOC_MAX_POOLS_IN_ARENA,
        detail: `${stats.arenasAllocated} arenas (high water ${stats.arenasHighWater}, ${stats.arenasAllocatedTotal} allocated ever), ${stats.freePools} free pools`,
      },
    ];
    if (locked) {
      checks.push({ name: 'the GIL is free at the end', ok: gilByte === 0, detail: `GIL byte ${gilByte}` });
      // Destroying a state the control has corrupted could loop in the region
      // allocator's free list, so only the real run goes this far.
      const leaked = pymallocDestroy(pm);
      const after = regionStats(heap);
      checks.push({
        name: 'pymallocDestroy: no leak, the region allocator holds exactly what it held before pymallocCreate',
        ok: leaked === 0 && after.regionsInUse === ctx.state.regionsBefore && after.bytesInUse === ctx.state.bytesBefore,
        detail: `${leaked} leaked; ${after.regionsInUse} regions / ${after.bytesInUse} bytes in use, ${ctx.state.regionsBefore} / ${ctx.state.bytesBefore} before`,
      });
    }
    return checks;
  },
  metrics: ({ results, elapsedMs }) => {
    const r = results as PymallocGilResult[];
    return [
      { name: 'allocations', value: sum(r, 'allocs'), unit: '' },
      { name: 'alloc rate', value: (sum(r, 'allocs') * 1000) / elapsedMs, unit: '/s' },
      { name: 'cross-worker frees', value: sum(r, 'received'), unit: '' },
      { name: 'GIL holds', value: sum(r, 'gilHolds'), unit: '' },
      { name: 'ring full', value: sum(r, 'ringFull'), unit: '' },
      { name: 'corruptions', value: sum(r, 'corruptions'), unit: '' },
      { name: 'bad blocks', value: sum(r, 'badBlocks') + sum(r, 'allocFailures') + sum(r, 'refusedFrees'), unit: '' },
    ];
  },
  // The state (destroyed by check in the real run) and the GIL go with the heap.
  teardown: ({ heap }) => heap.close(),
};

export const scenarios = [pymallocGil];
