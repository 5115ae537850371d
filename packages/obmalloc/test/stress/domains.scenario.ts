/**
 * The allocator domains over mimalloc, used from real workers at once, with
 * cross-thread frees: what a free-threaded interpreter does when one thread
 * frees a list's item array (`PyMem_Free`), an object (`PyObject_Free`) or a
 * raw buffer (`PyMem_RawFree`) that another thread allocated.
 *
 * The main thread creates the heap, the interpreter's mimalloc state in
 * checked mode (`miCreate(heap, { checked: true })`: double frees and foreign
 * pointers are fatal) and its own `MiThread`. Each worker makes its own
 * `MiThread` (`miThreadInit(heap, mi, null)`) and its own allocator domains
 * by name, `createAllocatorDomains(heap, allocator, { mi })` — 'mimalloc_debug'
 * (the real test: the debug hooks check the API id and both guards of every
 * block freed, so every cross-thread free is checked) or 'mimalloc' (the
 * second run, the allocators bare). Each worker then replaces random slots
 * with blocks from a random mix of `PyMem_Malloc`, `PyMem_Calloc`,
 * `PyMem_Realloc(NULL, n)`, `PyObject_Malloc` and `PyMem_RawMalloc` (0 bytes
 * to 32 KiB, mostly small), sometimes resizes a held block with its domain's
 * realloc, and writes a byte pattern (from a per-block cookie) over each
 * block. One released block in `sendOneIn` goes to another worker, together
 * with its domain, and that worker frees it with the same domain's free
 * (`PyMem_Free` for mem blocks, `PyObject_Free` for object blocks,
 * `PyMem_RawFree` for raw ones).
 *
 * Whoever frees a block checks its pattern first; whoever resizes one checks
 * that the common prefix survived. The test checks independently of the
 * hooks, too: every allocation is aligned and large enough (`miUsableSize`),
 * calloc returns zeros, and in debug mode every block's frame (size field,
 * API id, leading and trailing guards) is what the layout says after it is
 * allocated or resized and before it is freed (own or received), and fresh
 * debug memory is 0xCD (the object header bytes excepted).
 *
 * Hand-off: one single-producer/single-consumer ring per (sender, receiver)
 * pair in a SharedArrayBuffer of its own (as in pymalloc-gil), lock-free: the
 * sender writes the entry and the block's pattern with plain stores before
 * it publishes the tail with `Atomics.store`; the receiver reads the tail
 * with `Atomics.load` before the plain reads.
 *
 * Shutdown (as in mimalloc's stress test): a worker asked to stop frees what
 * it holds, counts itself done, drains its inboxes until every worker is
 * done and they are empty, then calls `miThreadExit` (pages that still hold
 * blocks other workers have yet to free are abandoned, and those frees go to
 * abandoned pages).
 *
 * Exact checks on the main thread after the join: no pattern broken; no
 * allocation failed or was misaligned or short; calloc zeroed; in debug mode
 * no frame damaged and fresh memory clean; allocations = frees in each of
 * the three domains; sent = received in each domain and the rings are empty;
 * the main thread's own `MiThread` sees `miStats(...).liveBlocks === 0` and,
 * after `miCollect(t, true)`, no segment (normal, huge or abandoned), only
 * itself as a thread, and the region allocator back to what it held before
 * the workers.
 *
 * Controls: 'wrong-domain' (debug mode) frees the first 'mem' block a
 * worker receives with `PyObject_Free`: the debug hooks must stop that
 * worker with the "bad ID" fatal error; 'leak' keeps one block per worker:
 * the balance, live-block, segment and region checks must fail.
 */

import { regionStats, SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { createHandOffRings, pendingHandOffs, type CheckContext, type StressCheck, type StressScenario } from '@ft/harness';
import { miCollect, miCreate, miStats, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';


/** The domains by index, as results count them and ring entries carry them. */
export const DOMAIN_NAMES = ['raw', 'mem', 'object'] as const;
/** Index of the raw domain. */
export const RAW = 0;
/** Index of the mem domain. */
export const MEM = 1;
/** Index of the object domain. */
export const OBJECT = 2;

export interface DomainsParams {
  heap: SharedHeapHandle;
  /** The interpreter's mimalloc state (checked mode). */
  mi: number;
  /** What every worker passes to `createAllocatorDomains`. */
  allocator: 'mimalloc' | 'mimalloc_debug';
  /** The hand-off rings and the done counter (see above). */
  rings: Int32Array;
  ringCapacity: number;
  /** Slots (live blocks at most) per worker. */
  slots: number;
  /** One released block in `sendOneIn` goes to another worker. */
  sendOneIn: number;
  /** One step in `reallocOneIn` on a held block resizes it instead. */
  reallocOneIn: number;
  /**
   * 'none' (the real test), 'wrong-domain' (the control: a received mem block
   * freed with PyObject_Free) or 'leak' (each worker keeps one block at the
   * end: the leak checks must fail).
   */
  sabotage: 'none' | 'wrong-domain' | 'leak';
}

export interface DomainsResult {
  ops: number;
  /** Per domain (raw, mem, object): blocks allocated (realloc(NULL, n) included). */
  allocs: number[];
  /** Per domain: blocks freed (by whoever freed them). */
  frees: number[];
  /** Per domain: blocks this worker sent / received. */
  sent: number[];
  received: number[];
  /** Sends that found the ring full (freed locally instead). */
  ringFull: number;
  reallocs: number;
  reallocMoves: number;
  callocs: number;
  zeroSized: number;
  /** Blocks whose pattern was broken when freed or resized. */
  corruptions: number;
  /** calloc blocks with a non-zero byte. */
  nonZero: number;
  /** Allocations misaligned or smaller than asked. */
  badBlocks: number;
  /** Debug mode: frames (size, API id, guards) not as the layout says. */
  badFrames: number;
  /** Debug mode: fresh bytes that were not CLEAN_BYTE. */
  unclean: number;
  /** Debug mode: frames this worker checked. */
  framesChecked: number;
  /** Allocations (or reallocs) that returned 0. */
  allocFailures: number;
  /** The control: frees with the wrong domain's function. */
  misuses: number;
  /** Blocks kept on purpose ('leak'). */
  leaked: number;
  /** First few problems, for the failure message. */
  problems: string[];
}

interface State {
  heap: SharedHeap;
  mainMi: MiThread;
  rings: Int32Array;
  ringCapacity: number;
  /** Region allocator occupancy with the fixed structures and the main thread's record. */
  regionsBefore: number;
  bytesBefore: number;
}

const sum = (results: readonly DomainsResult[], key: keyof DomainsResult): number => results.reduce((a, r) => a + (r[key] as number), 0);
const sumDomain = (results: readonly DomainsResult[], key: 'allocs' | 'frees' | 'sent' | 'received', domain: number): number =>
  results.reduce((a, r) => a + r[key][domain], 0);
const perDomain = (results: readonly DomainsResult[], key: 'allocs' | 'frees' | 'sent' | 'received'): string =>
  DOMAIN_NAMES.map((name, d) => `${name} ${sumDomain(results, key, d)}`).join(', ');

export const domainsScenario: StressScenario<DomainsParams, State> = {
  name: 'obmalloc/domains',
  description:
    'mimalloc-backed raw/mem/object domains (debug hooks on) used from workers at once: random PyMem_Malloc/Calloc/Realloc, PyObject_Malloc, PyMem_RawMalloc, patterns verified, 1 in 4 blocks freed by another worker with the same domain',
  worker: new URL('./domains.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 60_000,
  setup({ workers }) {
    const heap = SharedHeap.create({ size: 128 << 20, threadCapacity: 8 });
    const mi = miCreate(heap, { checked: true });
    if (mi === 0) throw new Error('obmalloc/domains: heap too small for the mimalloc state');
    const mainMi = miThreadInit(heap, mi, null);
    const before = regionStats(heap);
    const ringCapacity = 1024;
    const rings = createHandOffRings({ workers: workers, capacity: ringCapacity, entryWords: 4 });
    const params: DomainsParams = {
      heap: heap.handle(),
      mi,
      allocator: 'mimalloc_debug',
      rings,
      ringCapacity,
      slots: 400,
      sendOneIn: 4,
      reallocOneIn: 16,
      sabotage: 'none',
    };
    return { params, state: { heap, mainMi, rings, ringCapacity, regionsBefore: before.regionsInUse, bytesBefore: before.bytesInUse } };
  },
  check(ctx: CheckContext<DomainsParams, State>): StressCheck[] {
    const r = ctx.results as DomainsResult[];
    const { heap, mainMi, rings, ringCapacity } = ctx.state;
    const debug = ctx.params.allocator === 'mimalloc_debug';
    const problems = r.flatMap((x, w) => x.problems.map((p) => `worker ${w}: ${p}`)).slice(0, 6);
    const problemText = problems.length > 0 ? `; ${problems.join('; ')}` : '';
    const ringsLeft = pendingHandOffs(rings, { workers: ctx.workers, capacity: ringCapacity, entryWords: 4 });
    // Every worker has called miThreadExit and exited: the main thread's view is exact.
    const before = miStats(mainMi);
    miCollect(mainMi, true);
    const after = miStats(mainMi);
    const regions = regionStats(heap);
    const balanced = DOMAIN_NAMES.every((_, d) => sumDomain(r, 'allocs', d) === sumDomain(r, 'frees', d) && sumDomain(r, 'allocs', d) > 0);
    const handedOver = DOMAIN_NAMES.every((_, d) => sumDomain(r, 'sent', d) === sumDomain(r, 'received', d));
    const checks: StressCheck[] = [
      {
        name: 'no block pattern broken (no block handed out twice, written after free or losing data in realloc)',
        ok: sum(r, 'corruptions') === 0,
        detail: `${sum(r, 'corruptions')} broken${problemText}`,
      },
      {
        name: 'every allocation succeeded, aligned and large enough; calloc zeroed',
        ok: sum(r, 'allocFailures') === 0 && sum(r, 'badBlocks') === 0 && sum(r, 'nonZero') === 0,
        detail: `${sum(r, 'allocFailures')} returned 0, ${sum(r, 'badBlocks')} bad, ${sum(r, 'nonZero')} of ${sum(r, 'callocs')} callocs not zeroed${problemText}`,
      },
      {
        name: 'allocations = frees in each domain',
        ok: balanced,
        detail: `allocations: ${perDomain(r, 'allocs')}; frees: ${perDomain(r, 'frees')}`,
      },
      {
        name: 'every block sent was received, in each domain, and the rings are empty',
        ok: handedOver && ringsLeft === 0,
        detail: `sent: ${perDomain(r, 'sent')}; received: ${perDomain(r, 'received')}; ${ringsLeft} left in rings`,
      },
      {
        name: 'miStats on the main thread: no live block after every worker exited',
        ok: before.liveBlocks === 0 && before.liveBytes === 0,
        detail: `${before.liveBlocks} live blocks, ${before.liveBytes} bytes (${before.segments} segments, ${before.abandonedSegments} abandoned before the collect)`,
      },
      {
        name: 'after miCollect(t, true): no segment left and only the main thread has mimalloc state',
        ok: after.segments === 0 && after.hugeSegments === 0 && after.abandonedSegments === 0 && after.threads === 1,
        detail: `${after.segments} segments, ${after.hugeSegments} huge, ${after.abandonedSegments} abandoned, ${after.threads} threads`,
      },
      {
        name: 'the region allocator holds exactly what it held before the workers',
        ok: regions.regionsInUse === ctx.state.regionsBefore && regions.bytesInUse === ctx.state.bytesBefore,
        detail: `${regions.regionsInUse} regions / ${regions.bytesInUse} bytes in use, ${ctx.state.regionsBefore} / ${ctx.state.bytesBefore} before`,
      },
    ];
    if (debug) {
      checks.push({
        name: 'debug mode: every frame checked (size, API id, guards) was intact and fresh memory was 0xCD',
        ok: sum(r, 'badFrames') === 0 && sum(r, 'unclean') === 0 && sum(r, 'framesChecked') > 0,
        detail: `${sum(r, 'badFrames')} bad frames of ${sum(r, 'framesChecked')} checked, ${sum(r, 'unclean')} unclean blocks${problemText}`,
      });
    }
    return checks;
  },
  metrics: ({ results, elapsedMs }) => {
    const r = results as DomainsResult[];
    const allocs = DOMAIN_NAMES.reduce((a, _, d) => a + sumDomain(r, 'allocs', d), 0);
    const received = DOMAIN_NAMES.reduce((a, _, d) => a + sumDomain(r, 'received', d), 0);
    return [
      { name: 'allocations', value: allocs, unit: '' },
      { name: 'alloc rate', value: (allocs * 1000) / elapsedMs, unit: '/s' },
      { name: 'cross-worker frees', value: received, unit: '' },
      ...DOMAIN_NAMES.map((name, d) => ({ name: `cross-worker frees (${name})`, value: sumDomain(r, 'received', d), unit: '' })),
      { name: 'reallocs', value: sum(r, 'reallocs'), unit: '' },
      { name: 'callocs', value: sum(r, 'callocs'), unit: '' },
      { name: 'debug frames checked', value: sum(r, 'framesChecked'), unit: '' },
      { name: 'ring full', value: sum(r, 'ringFull'), unit: '' },
      { name: 'leaked', value: sum(r, 'leaked'), unit: '' },
      { name: 'corruptions', value: sum(r, 'corruptions'), unit: '' },
    ];
  },
  teardown: ({ heap, mainMi }) => {
    miThreadExit(mainMi);
    heap.close();
  },
};

export const scenarios = [domainsScenario];
