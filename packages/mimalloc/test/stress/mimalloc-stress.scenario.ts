/**
 * mimalloc's own stress test (test/test-stress.c) over the shared heap, with
 * real workers. Each worker keeps an array of slots and at every step
 * replaces a random one: sizes skew small (8–512 bytes) with occasional
 * medium and large blocks up to ~1.25 MiB and rare huge ones (a huge segment
 * each), in the four standard heaps and a custom tag, allocated with malloc,
 * zalloc or calloc and sometimes resized with realloc. Every block carries a
 * pattern derived from its size and a per-block cookie; one block in four is
 * handed to another worker through the harness's hand-off rings (one
 * single-producer/single-consumer ring per ordered pair of workers, outside
 * the heap) and freed there. Whoever frees a block first verifies its
 * pattern. Workers report QSBR quiescent states as they go, so emptied
 * object pages are reused.
 *
 * Shutdown: a worker that is asked to stop (budget or stop flag) frees what
 * it holds, says it is done (the rings' done counter), then keeps draining
 * its inboxes until every worker is done and they are empty; only then does
 * it exit its heaps
 * (miThreadExit abandons pages still holding blocks other workers have yet to
 * free).
 *
 * Checks, on the main thread after the join, with its own MiThread: no
 * pattern ever broken; allocations = frees, summed over workers; every block
 * sent was received; miStats shows no live block; after a forced collection,
 * no segment is left (normal or huge) and the region allocator holds exactly
 * the regions it held before the workers started.
 */

import { createHandOffRings, pendingHandOffs, type CheckContext, type StressCheck, type StressScenario } from '@ft/harness';
import { regionStats, SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { FreeCallbackRegistry, qsbrAdvance, qsbrAttach, qsbrCreate, qsbrDetach, qsbrPoll, qsbrQuiescentState, qsbrRegister, qsbrUnregister, type QsbrThread } from '@ft/qsbr';
import { miCollect, miCreate, miStats, miThreadExit, miThreadInit, miVisitBlocks, type MiStats, type MiThread } from '../../src/index.js';

export interface MiStressParams {
  heap: SharedHeapHandle;
  /** The interpreter's mimalloc state. */
  mi: number;
  /** The QSBR state every worker registers with. */
  qsbr: number;
  /**
   * The hand-off rings (`createHandOffRings`, entries of 4 words: address,
   * size, cookie, tag); their done counter (`RINGS_DONE_INDEX`) counts the
   * workers that stopped producing (the shutdown protocol).
   */
  rings: Int32Array;
  /** Entries per ring (one ring per ordered pair of workers). */
  ringCapacity: number;
  /** Slots per worker. */
  slots: number;
  /** One block in `sendOneIn` is handed to another worker. */
  sendOneIn: number;
  /** One allocation in `hugeOneIn` is a huge block (its own segment); 0 = never. */
  hugeOneIn: number;
  /**
   * 'none' (the real test), 'leak' (each worker keeps one block at the end:
   * the leak checks must fail) or 'scribble' (every 64th block sent is
   * damaged first: the corruption check must count exactly those).
   */
  sabotage: 'none' | 'leak' | 'scribble';
}

export interface MiStressResult {
  ops: number;
  allocs: number;
  frees: number;
  /** Blocks this worker sent / received through the inboxes. */
  sent: number;
  received: number;
  /** Sends that found the inbox full (the block was freed locally instead). */
  inboxFull: number;
  reallocs: number;
  reallocMoves: number;
  zeroAllocs: number;
  hugeAllocs: number;
  largeAllocs: number;
  bytesAllocated: number;
  /** Blocks whose pattern was broken when freed (or reallocated). */
  corruptions: number;
  /** Zeroing allocations that returned non-zero bytes. */
  nonZero: number;
  /** Blocks whose usable size was below the request, or misaligned. */
  badBlocks: number;
  /** Allocations that returned 0. */
  allocFailures: number;
  /** Blocks damaged on purpose ('scribble' mode). */
  scribbled: number;
  /** Blocks kept on purpose ('leak' mode). */
  leaked: number;
  /** First few problems, for the failure message. */
  problems: string[];
}

interface State {
  heap: SharedHeap;
  mainQsbr: QsbrThread;
  mainMi: MiThread;
  params: MiStressParams;
  regionsBefore: number;
  bytesBefore: number;
}

export interface MimallocStressOptions {
  /** Checked mode (double frees and foreign pointers are fatal errors). */
  checked: boolean;
  /** Scenario name (default 'mimalloc/stress'). */
  name?: string;
  /** Heap size (default 256 MiB; only touched pages cost memory). */
  heapSize?: number;
}

const sum = (results: readonly MiStressResult[], key: keyof MiStressResult): number => results.reduce((a, r) => a + (r[key] as number), 0);

/** Builds the scenario; the vitest test runs it checked, the stress report unchecked. */
export function createMimallocStress(options: MimallocStressOptions): StressScenario<MiStressParams, State> {
  return {
    name: options.name ?? 'mimalloc/stress',
    description: `test-stress.c style: random sizes (skewed small, up to huge) and lifetimes, 1 in 4 blocks freed by another worker, patterns verified${options.checked ? ', checked mode' : ''}`,
    worker: new URL('./mimalloc-stress.worker.ts', import.meta.url),
    defaultWorkers: 3,
    opsPerWorker: 150_000,
    setup({ workers }) {
      const heap = SharedHeap.create({ size: options.heapSize ?? 256 << 20 });
      const qsbr = qsbrCreate(heap);
      const mi = miCreate(heap, { checked: options.checked });
      if (qsbr === 0 || mi === 0) throw new Error('mimalloc/stress: heap too small for the fixed structures');
      const ringCapacity = 4096;
      const rings = createHandOffRings({ workers, capacity: ringCapacity, entryWords: 4 });
      // The main thread's registrations exist before the baseline is taken
      // (its QSBR slot creates the slot table's first chunk, which stays).
      const mainQsbr = qsbrRegister(heap, qsbr, new FreeCallbackRegistry());
      const mainMi = miThreadInit(heap, mi, mainQsbr);
      const regions = regionStats(heap);
      const params: MiStressParams = {
        heap: heap.handle(),
        mi,
        qsbr,
        rings,
        ringCapacity,
        slots: 600,
        sendOneIn: 4,
        hugeOneIn: 25_000,
        sabotage: 'none',
      };
      return { params, state: { heap, mainQsbr, mainMi, params, regionsBefore: regions.regionsInUse, bytesBefore: regions.bytesInUse } };
    },
    check(ctx: CheckContext<MiStressParams, State>): StressCheck[] {
      const r = ctx.results as MiStressResult[];
      const { heap, mainMi, mainQsbr } = ctx.state;
      const { params } = ctx;
      const problems = r.flatMap((x, w) => x.problems.map((p) => `worker ${w}: ${p}`)).slice(0, 8);
      const inboxLeft = pendingHandOffs(params.rings, { workers: ctx.workers, capacity: params.ringCapacity, entryWords: 4 });
      const beforeCollect = miStats(mainMi);
      // Visiting is exact (it collects every page's free lists first).
      const visited = miVisitBlocks(mainMi, 0xffff, () => {});
      // Let every QSBR goal be reached: nobody else is online any more.
      qsbrAttach(mainQsbr);
      const goal = qsbrAdvance(mainQsbr);
      qsbrQuiescentState(mainQsbr);
      const goalReached = qsbrPoll(mainQsbr, goal);
      miCollect(mainMi, true);
      qsbrDetach(mainQsbr);
      const after: MiStats = miStats(mainMi);
      const regions = regionStats(heap);
      const allocs = sum(r, 'allocs');
      const frees = sum(r, 'frees');
      return [
        {
          name: 'no block pattern broken (no block handed out twice or written after free)',
          ok: sum(r, 'corruptions') === 0,
          detail: `${sum(r, 'corruptions')} broken of ${frees} frees${problems.length ? `; ${problems.join('; ')}` : ''}`,
        },
        { name: 'zeroing allocations return zeros', ok: sum(r, 'nonZero') === 0, detail: `${sum(r, 'nonZero')} non-zero of ${sum(r, 'zeroAllocs')}` },
        { name: 'every block is large enough and aligned', ok: sum(r, 'badBlocks') === 0, detail: `${sum(r, 'badBlocks')} bad` },
        { name: 'no allocation failed', ok: sum(r, 'allocFailures') === 0, detail: `${sum(r, 'allocFailures')} failed${problems.length ? `; ${problems.join('; ')}` : ''}` },
        { name: 'every block allocated was freed exactly once: allocations = frees', ok: allocs === frees && allocs > 0, detail: `${allocs} allocations, ${frees} frees` },
        {
          name: 'every block sent was received and the inboxes are empty',
          ok: sum(r, 'sent') === sum(r, 'received') && inboxLeft === 0,
          detail: `${sum(r, 'sent')} sent, ${sum(r, 'received')} received, ${inboxLeft} left in inboxes`,
        },
        { name: 'miStats: no live block after the join', ok: beforeCollect.liveBlocks === 0 && beforeCollect.liveBytes === 0, detail: `${beforeCollect.liveBlocks} live blocks, ${beforeCollect.liveBytes} bytes` },
        { name: 'heap visiting finds no block after the join', ok: visited === 0, detail: `${visited} blocks visited` },
        { name: 'only the main thread still has mimalloc state', ok: after.threads === 1, detail: `${after.threads} threads` },
        {
          name: 'after a forced collect no segment is left',
          ok: goalReached && after.segments === 0 && after.hugeSegments === 0 && after.abandonedSegments === 0 && after.qsbrPendingPages === 0,
          detail: `QSBR goal reached ${goalReached}; ${after.segments} segments, ${after.hugeSegments} huge, ${after.abandonedSegments} abandoned, ${after.qsbrPendingPages} pages waiting for QSBR (before the collect: ${beforeCollect.segments} segments, ${beforeCollect.abandonedSegments} abandoned)`,
        },
        {
          name: 'the region allocator holds exactly the fixed structures again',
          ok: regions.regionsInUse === ctx.state.regionsBefore && regions.bytesInUse === ctx.state.bytesBefore,
          detail: `${regions.regionsInUse} regions / ${regions.bytesInUse} bytes in use, ${ctx.state.regionsBefore} / ${ctx.state.bytesBefore} before the workers`,
        },
      ];
    },
    metrics: ({ results, elapsedMs }) => {
      const r = results as MiStressResult[];
      return [
        { name: 'allocations', value: sum(r, 'allocs'), unit: '' },
        { name: 'alloc rate', value: (sum(r, 'allocs') * 1000) / elapsedMs, unit: '/s' },
        { name: 'cross-thread frees', value: sum(r, 'received'), unit: '' },
        { name: 'large', value: sum(r, 'largeAllocs'), unit: '' },
        { name: 'huge', value: sum(r, 'hugeAllocs'), unit: '' },
        { name: 'reallocs', value: sum(r, 'reallocs'), unit: '' },
        { name: 'inbox full', value: sum(r, 'inboxFull'), unit: '' },
        { name: 'corruptions', value: sum(r, 'corruptions'), unit: '' },
        { name: 'scribbled', value: sum(r, 'scribbled'), unit: '' },
        { name: 'leaked', value: sum(r, 'leaked'), unit: '' },
      ];
    },
    teardown: ({ heap, mainMi, mainQsbr }) => {
      miThreadExit(mainMi);
      qsbrUnregister(mainQsbr);
      heap.close();
    },
  };
}

/** The stress report's run: unchecked, the allocator at full speed. */
export const mimallocStress = createMimallocStress({ checked: false });

export const scenarios = [mimallocStress];
