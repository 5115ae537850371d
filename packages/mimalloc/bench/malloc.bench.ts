/**
 * mimalloc over the shared heap against the peer and baselines named in the
 * issue, each measured in the same run:
 *
 * - `mimalloc/malloc-free-32`: one `miMalloc(t, 32)` + `miFree` pair on one
 *   thread, against `@thi.ng/malloc` (the maintained JavaScript allocator over
 *   an ArrayBuffer: single-threaded, first-fit, address-ordered free list with
 *   compaction) and a bump pointer (allocate = bump an offset kept in a typed
 *   array, free = nothing; the arena restarts when exhausted), the floor any
 *   allocator can reach.
 * - `mimalloc/working-set`: random sizes 16–512 bytes with 10,000 live blocks:
 *   10,000 slots are filled (not timed), then each step frees the block of a
 *   random slot and allocates a block of a random size into it; ns per step.
 *   The random sizes and slots are drawn once, before anything is timed, into
 *   typed arrays that every allocator replays from the start (the same
 *   workload for all; the RNG is not measured). `@thi.ng/malloc` frees by
 *   walking its used list and re-merges its free list on every free, so a step
 *   costs it tens of µs: `timeLoop`'s calibration gives it a few thousand
 *   steps where mimalloc gets millions — a prefix of the same sequence.
 * - `mimalloc/working-set-2-workers`: that workload on 2 workers at once, each
 *   with its own `MiThread` and its own working set (worker i uses seed + i,
 *   so worker 0 replays the single-thread workload) in one shared heap,
 *   wall-clock ns per step over both, against the same per-worker workload on
 *   1 worker (median of 5 runs each).
 * - `mimalloc/producer-consumer`: one worker allocates (random sizes 16–512)
 *   and passes each address through a single-producer/single-consumer ring in
 *   the heap; the other frees it (mimalloc's cross-thread free path). ns per
 *   alloc + free pair, wall clock, against the single-thread working-set step
 *   (re-measured in this suite); a third row passes fake addresses through
 *   the same ring, to show what the ring itself costs.
 *
 * Every case checks its work (no failed allocation, all blocks freed at the
 * end by mimalloc's own statistics or thi.ng's, no two live blocks overlap,
 * producer and consumer counts and address checksums agree) and throws
 * otherwise; the loops return a value derived from the addresses.
 *
 * The worker modules import the workload helpers exported here, so this
 * module creates nothing at load time: the main thread's heap is made on first
 * use.
 */

import { SharedHeap, regionAlloc, regionFree } from '@ft/atomics';
import {
  checkLive,
  makeWorkload,
  newWorkingSet,
  runBenchWorkers,
  timeLoop,
  WS_MAX_SIZE,
  WS_MIN_SIZE,
  WS_SLOTS,
  WS_STEP_MASK,
  type BenchSample,
  type BenchSuite,
  type Workload,
  type WorkingSet,
} from '@ft/harness';
import { MemPool } from '@thi.ng/malloc';
import { miCreate, miFree, miMalloc, miStats, miThreadInit, type MiThread } from '../src/index.js';

// ---------------------------------------------------------------------------
// The mimalloc loops over the shared working-set workload (@ft/harness),
// shared with the worker modules.
// ---------------------------------------------------------------------------

// Local copies: an imported binding costs a TDZ check at each use in a loop.
const STEP_MASK = WS_STEP_MASK;
const MIN_SIZE = WS_MIN_SIZE;
const MAX_SIZE = WS_MAX_SIZE;

/** Bytes of the main thread's shared heap and of the peers' arenas (the same for all). */
const ARENA_SIZE = 128 << 20;

/** Fills every slot with mimalloc (not timed). */
export function miFill(t: MiThread, ws: WorkingSet): void {
  const { live, liveSize } = ws;
  const fill = ws.work.fillSizes;
  for (let i = 0; i < WS_SLOTS; i++) {
    const p = miMalloc(t, fill[i]);
    if (p === 0) ws.failures++;
    live[i] = p;
    liveSize[i] = fill[i];
  }
}

/**
 * `n` working-set steps with mimalloc: free a random slot's block, allocate
 * a random size into it. Returns a checksum of the new addresses.
 */
export function miSteps(t: MiThread, ws: WorkingSet, n: number): number {
  const { live, liveSize } = ws;
  const { sizes, slots } = ws.work;
  let k = ws.cursor;
  let acc = 0;
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const slot = slots[k];
    const size = sizes[k];
    miFree(t, live[slot]);
    const p = miMalloc(t, size);
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

/** Frees every slot's block with mimalloc. */
export function miDrain(t: MiThread, ws: WorkingSet): void {
  for (let i = 0; i < WS_SLOTS; i++) {
    miFree(t, ws.live[i]);
    ws.live[i] = 0;
  }
}

// ---------------------------------------------------------------------------
// The producer-consumer ring, shared with its worker module.
//
// A single-producer/single-consumer ring of u32 addresses in the shared heap.
//
//  off  width  field      writer / reader, order
//  0    i32    head       consumer (Atomics.exchange) / producer (Atomics.load, CAS to set the sleep bit)
//  64   i32    tail       producer (Atomics.exchange) / consumer (Atomics.load, CAS to set the sleep bit)
//  128  u32 × RING_CAPACITY  slots: written plain by the producer before it
//                            publishes tail, read plain by the consumer after
//                            it saw that tail (Atomics are sequentially
//                            consistent, so publication orders the plain
//                            accesses around it)
//
// Head and tail count items (never wrapped: a run passes fewer than 2^30) in
// bits 0..29; bit 30 says the other side sleeps on this word, so the side that
// moves the word learns from its exchange whether to notify, without a second
// Atomics call. Each side publishes its index every few items and before it
// waits (see producer-consumer.bench-worker.ts).
// ---------------------------------------------------------------------------

/** Entries of the ring (a power of two). */
export const RING_CAPACITY = 1024;
/** @see RING_CAPACITY */
export const RING_HEAD_OFFSET = 0;
/** @see RING_CAPACITY */
export const RING_TAIL_OFFSET = 64;
/** @see RING_CAPACITY */
export const RING_SLOTS_OFFSET = 128;
/** @see RING_CAPACITY */
export const RING_SIZE = RING_SLOTS_OFFSET + 4 * RING_CAPACITY;
/** Sleep bit of head/tail. */
export const RING_SLEEP_BIT = 1 << 30;
/** Count bits of head/tail. */
export const RING_COUNT_MASK = RING_SLEEP_BIT - 1;

// ---------------------------------------------------------------------------
// The peers.
// ---------------------------------------------------------------------------

/**
 * The bump-pointer baseline: the offset lives in word 0 of the arena (as
 * thi.ng keeps its state in its buffer), blocks are 16-byte aligned, free does
 * nothing, and the arena starts over when it runs out.
 */
const BUMP_START = 64;
let bumpArena: Uint32Array | undefined;

function bumpArenaView(): Uint32Array {
  if (bumpArena === undefined) {
    bumpArena = new Uint32Array(new ArrayBuffer(ARENA_SIZE));
    bumpArena[0] = BUMP_START;
  }
  return bumpArena;
}

function bumpAlloc(arena: Uint32Array, size: number): number {
  let p = arena[0];
  let top = p + ((size + 15) & ~15);
  if (top > ARENA_SIZE) {
    p = BUMP_START;
    top = p + ((size + 15) & ~15);
  }
  arena[0] = top;
  return p;
}

/**
 * A fresh thi.ng pool over a plain ArrayBuffer as large as our heap: 16-byte
 * alignment (what mimalloc gives these sizes), splitting and compaction on
 * (its defaults; compaction keeps the free list from fragmenting), minSplit
 * 16 (default).
 */
function newThingPool(): MemPool {
  return new MemPool({ buf: new ArrayBuffer(ARENA_SIZE), align: 16, compact: true, split: true, minSplit: 16 });
}

// ---------------------------------------------------------------------------
// The main thread's heap and mimalloc thread, made on first use.
// ---------------------------------------------------------------------------

interface MainState {
  readonly heap: SharedHeap;
  readonly mi: number;
  readonly t: MiThread;
}

let main: MainState | undefined;

function mainState(): MainState {
  if (main === undefined) {
    const heap = SharedHeap.create({ size: ARENA_SIZE, threadCapacity: 16 });
    const mi = miCreate(heap);
    if (mi === 0) throw new Error('malloc.bench: miCreate returned 0');
    main = { heap, mi, t: miThreadInit(heap, mi, null) };
  }
  return main;
}

/** Live blocks by mimalloc's statistics (exact here: called only while no worker runs). */
function liveBlocks(): number {
  return miStats(mainState().t).liveBlocks;
}

/** The seed of the single-thread working set (fixed, so that runs compare). */
const WS_SEED = 0x5eed_0001;
let mainWorkload: Workload | undefined;
function workload(): Workload {
  return (mainWorkload ??= makeWorkload(WS_SEED));
}

// ---------------------------------------------------------------------------
// (a) malloc-free-32
// ---------------------------------------------------------------------------

function mallocFree32Mimalloc(): BenchSample {
  const { t } = mainState();
  const before = liveBlocks();
  let failures = 0;
  const sample = timeLoop((n) => {
    let acc = 0;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const p = miMalloc(t, 32);
      if (p === 0) failed++;
      acc = (acc + p) | 0;
      miFree(t, p);
    }
    failures += failed;
    return acc;
  });
  const after = liveBlocks();
  if (failures !== 0) throw new Error(`mimalloc: ${failures} allocations of 32 bytes returned 0`);
  if (after !== before) throw new Error(`mimalloc: ${after - before} blocks still live after malloc/free pairs`);
  return sample;
}

function mallocFree32Thing(): BenchSample {
  const pool = newThingPool();
  let failures = 0;
  let notFreed = 0;
  const sample = timeLoop((n) => {
    let acc = 0;
    let failed = 0;
    let lost = 0;
    for (let i = 0; i < n; i++) {
      const p = pool.malloc(32);
      if (p === 0) failed++;
      acc = (acc + p) | 0;
      if (!pool.free(p)) lost++;
    }
    failures += failed;
    notFreed += lost;
    return acc;
  });
  const stats = pool.stats();
  if (failures !== 0 || notFreed !== 0 || stats.used.count !== 0) {
    throw new Error(`@thi.ng/malloc: ${failures} failed allocations, ${notFreed} failed frees, ${stats.used.count} blocks still used`);
  }
  return sample;
}

function mallocFree32Bump(): BenchSample {
  const arena = bumpArenaView();
  let zeros = 0;
  const sample = timeLoop((n) => {
    let acc = 0;
    let zero = 0;
    for (let i = 0; i < n; i++) {
      const p = bumpAlloc(arena, 32);
      if (p === 0) zero++;
      acc = (acc + p) | 0;
      // free: nothing
    }
    zeros += zero;
    return acc;
  });
  if (zeros !== 0) throw new Error(`bump pointer returned 0 ${zeros} times`);
  return sample;
}

// ---------------------------------------------------------------------------
// (b) working-set
// ---------------------------------------------------------------------------

/** ns per step of the latest single-thread mimalloc working-set run (for the notes of later suites). */
let workingSetMimallocNs: number | undefined;

/** Native mimalloc's figures for this workload, from the issue. */
const NATIVE_LOW_NS = 8.5;
const NATIVE_HIGH_NS = 11.4;

function workingSetMimalloc(): BenchSample {
  const { t } = mainState();
  const before = liveBlocks();
  const ws = newWorkingSet(workload());
  miFill(t, ws);
  const filled = liveBlocks() - before;
  if (filled !== WS_SLOTS) throw new Error(`mimalloc: ${filled} live blocks after filling ${WS_SLOTS} slots`);
  const sample = timeLoop((n) => miSteps(t, ws, n));
  const live = liveBlocks() - before;
  const problem = checkLive(ws, 16);
  miDrain(t, ws);
  const left = liveBlocks() - before;
  if (ws.failures !== 0 || live !== WS_SLOTS || problem !== null || left !== 0) {
    throw new Error(`mimalloc working set: ${ws.failures} failed allocations, ${live} live blocks (want ${WS_SLOTS}), ${problem ?? 'blocks disjoint'}, ${left} left after freeing all`);
  }
  workingSetMimallocNs = sample.nsPerOp;
  const native = `${(sample.nsPerOp / NATIVE_HIGH_NS).toFixed(1)}–${(sample.nsPerOp / NATIVE_LOW_NS).toFixed(1)}× native mimalloc's ${NATIVE_LOW_NS}–${NATIVE_HIGH_NS} ns`;
  return { nsPerOp: sample.nsPerOp, note: `${native}; ${sample.note}; ${ws.steps} steps checked` };
}

function workingSetThing(): BenchSample {
  const pool = newThingPool();
  const ws = newWorkingSet(workload());
  const { live, liveSize } = ws;
  const { fillSizes, sizes, slots } = ws.work;
  for (let i = 0; i < WS_SLOTS; i++) {
    live[i] = pool.malloc(fillSizes[i]);
    liveSize[i] = fillSizes[i];
    if (live[i] === 0) ws.failures++;
  }
  let notFreed = 0;
  const sample = timeLoop((n) => {
    let k = ws.cursor;
    let acc = 0;
    let failed = 0;
    let lost = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[k];
      const size = sizes[k];
      if (!pool.free(live[slot])) lost++;
      const p = pool.malloc(size);
      if (p === 0) failed++;
      live[slot] = p;
      liveSize[slot] = size;
      acc = (acc + p) | 0;
      k = (k + 1) & STEP_MASK;
    }
    ws.cursor = k;
    ws.failures += failed;
    ws.steps += n;
    notFreed += lost;
    return acc;
  });
  const used = pool.stats().used.count;
  const freeBlocks = pool.stats().free.count;
  const problem = checkLive(ws, 16);
  for (let i = 0; i < WS_SLOTS; i++) if (!pool.free(live[i])) notFreed++;
  const left = pool.stats().used.count;
  if (ws.failures !== 0 || notFreed !== 0 || used !== WS_SLOTS || problem !== null || left !== 0) {
    throw new Error(`@thi.ng/malloc working set: ${ws.failures} failed allocations, ${notFreed} failed frees, ${used} used blocks (want ${WS_SLOTS}), ${problem ?? 'blocks disjoint'}, ${left} left after freeing all`);
  }
  return { nsPerOp: sample.nsPerOp, note: `${sample.note}; ${ws.steps} steps (a prefix of the same sequence); ${freeBlocks} free-list blocks at the end` };
}

function workingSetBump(): BenchSample {
  const arena = bumpArenaView();
  const ws = newWorkingSet(workload());
  const { live, liveSize } = ws;
  const { fillSizes, sizes, slots } = ws.work;
  for (let i = 0; i < WS_SLOTS; i++) {
    live[i] = bumpAlloc(arena, fillSizes[i]);
    liveSize[i] = fillSizes[i];
  }
  const sample = timeLoop((n) => {
    let k = ws.cursor;
    let acc = 0;
    let zero = 0;
    for (let i = 0; i < n; i++) {
      const slot = slots[k];
      const size = sizes[k];
      // free(live[slot]): nothing
      const p = bumpAlloc(arena, size);
      if (p === 0) zero++;
      live[slot] = p;
      liveSize[slot] = size;
      acc = (acc + p) | 0;
      k = (k + 1) & STEP_MASK;
    }
    ws.cursor = k;
    ws.failures += zero;
    ws.steps += n;
    return acc;
  });
  // The arena restarts when exhausted, so only non-null addresses are checked.
  if (ws.failures !== 0 || live.some((p) => p === 0)) throw new Error('bump pointer returned 0');
  return { nsPerOp: sample.nsPerOp, note: `${sample.note}; free is a no-op` };
}

// ---------------------------------------------------------------------------
// (c) working set on workers
// ---------------------------------------------------------------------------

const workingSetWorker = new URL('./working-set.bench-worker.ts', import.meta.url);
const producerConsumerWorker = new URL('./producer-consumer.bench-worker.ts', import.meta.url);

/** Result words each worker writes into the `results` Int32Array (per worker, RESULT_STRIDE words). */
export const RESULT_STRIDE = 16;
/** @see RESULT_STRIDE */ export const RESULT_DONE = 0;
/** @see RESULT_STRIDE */ export const RESULT_FAILURES = 1;
/** @see RESULT_STRIDE */ export const RESULT_OPS = 2;
/** @see RESULT_STRIDE */ export const RESULT_CHECKSUM = 3;
/** @see RESULT_STRIDE */ export const RESULT_SLEEPS = 4;
/** @see RESULT_STRIDE */ export const RESULT_LIVE_OK = 5;
/** @see RESULT_STRIDE */ export const RESULT_EMPTY_WAITS = 6;

/** Parameters of working-set.bench-worker.ts. */
export interface WorkingSetParams {
  readonly heap: ReturnType<SharedHeap['handle']>;
  readonly mi: number;
  /** Worker i draws its workload from seed + i (worker 0 replays the single-thread suite's workload). */
  readonly seed: number;
  readonly warmSteps: number;
  readonly steps: number;
  /** Int32 words: [0] the post-warm-up barrier; results from RESULT_STRIDE × (index + 1). */
  readonly control: Int32Array;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Median wall-clock ns per step of `workers` workers running the working set at once. */
async function workingSetOnWorkers(workers: number, quick: boolean): Promise<BenchSample> {
  const { heap, mi } = mainState();
  const steps = quick ? 300_000 : 3_000_000;
  const warmSteps = quick ? 100_000 : 500_000;
  const runs = quick ? 1 : 5;
  const before = liveBlocks();
  const figures: number[] = [];
  for (let run = 0; run < runs; run++) {
    const control = new Int32Array(new SharedArrayBuffer(4 * RESULT_STRIDE * (workers + 1)));
    const params: WorkingSetParams = { heap: heap.handle(), mi, seed: WS_SEED, warmSteps, steps, control };
    const sample = await runBenchWorkers(workingSetWorker, workers, params);
    for (let w = 0; w < workers; w++) {
      const base = RESULT_STRIDE * (w + 1);
      if (control[base + RESULT_DONE] !== 1 || control[base + RESULT_FAILURES] !== 0 || control[base + RESULT_OPS] !== steps || control[base + RESULT_LIVE_OK] !== 1) {
        throw new Error(`worker ${w}: done ${control[base + RESULT_DONE]}, ${control[base + RESULT_FAILURES]} failed allocations, ${control[base + RESULT_OPS]} steps of ${steps}, live check ${control[base + RESULT_LIVE_OK]}`);
      }
    }
    if (sample.totalOps !== workers * steps) throw new Error(`workers reported ${sample.totalOps} steps, want ${workers * steps}`);
    const left = liveBlocks() - before;
    if (left !== 0) throw new Error(`${left} blocks left live after the workers freed their working sets and exited`);
    figures.push(sample.nsPerOp);
  }
  const ns = median(figures);
  const vs = workingSetMimallocNs === undefined ? '' : `; ${(ns / workingSetMimallocNs).toFixed(2)}× the main-thread step`;
  return {
    nsPerOp: ns,
    note: `${workers} worker${workers > 1 ? 's' : ''} × ${steps / 1e6}M steps after ${warmSteps / 1e3}k warm-up, median of ${runs} (${Math.min(...figures).toFixed(1)}–${Math.max(...figures).toFixed(1)} ns)${vs}`,
  };
}

let oneWorkerNs: number | undefined;

// ---------------------------------------------------------------------------
// (d) producer-consumer
// ---------------------------------------------------------------------------

/** Parameters of producer-consumer.bench-worker.ts. */
export interface ProducerConsumerParams {
  readonly heap: ReturnType<SharedHeap['handle']>;
  readonly mi: number;
  readonly ring: number;
  readonly seed: number;
  readonly warmItems: number;
  readonly items: number;
  /** false: the ring alone, passing fake non-zero addresses (no malloc, no free). */
  readonly allocate: boolean;
  /** Int32 words: [0] the post-warm-up barrier; results from RESULT_STRIDE × (index + 1). */
  readonly control: Int32Array;
}

async function producerConsumer(quick: boolean, allocate: boolean): Promise<BenchSample> {
  const { heap, mi } = mainState();
  const items = quick ? 300_000 : 2_000_000;
  const warmItems = quick ? 100_000 : 300_000;
  const runs = quick ? 1 : 5;
  const before = liveBlocks();
  const figures: number[] = [];
  let sleeps = 0;
  let emptyWaits = 0;
  for (let run = 0; run < runs; run++) {
    const ring = regionAlloc(heap, RING_SIZE, 64);
    if (ring === 0) throw new Error('producer-consumer: out of shared memory for the ring');
    const control = new Int32Array(new SharedArrayBuffer(4 * RESULT_STRIDE * 3));
    const params: ProducerConsumerParams = { heap: heap.handle(), mi, ring, seed: WS_SEED + 7, warmItems, items, allocate, control };
    const sample = await runBenchWorkers(producerConsumerWorker, 2, params);
    regionFree(heap, ring, RING_SIZE);
    const p = RESULT_STRIDE;
    const c = 2 * RESULT_STRIDE;
    const total = warmItems + items;
    if (
      control[p + RESULT_DONE] !== 1 ||
      control[c + RESULT_DONE] !== 1 ||
      control[p + RESULT_FAILURES] !== 0 ||
      control[p + RESULT_OPS] !== total ||
      control[c + RESULT_OPS] !== total ||
      control[p + RESULT_CHECKSUM] !== control[c + RESULT_CHECKSUM]
    ) {
      throw new Error(
        `producer: ${control[p + RESULT_OPS]} passed, ${control[p + RESULT_FAILURES]} failed allocations, checksum ${control[p + RESULT_CHECKSUM]}; ` +
          `consumer: ${control[c + RESULT_OPS]} freed, checksum ${control[c + RESULT_CHECKSUM]}; want ${total} each and equal checksums`,
      );
    }
    if (sample.totalOps !== items) throw new Error(`workers reported ${sample.totalOps} items, want ${items}`);
    const left = liveBlocks() - before;
    if (left !== 0) throw new Error(`${left} blocks left live after the consumer freed every block`);
    sleeps += control[p + RESULT_SLEEPS] + control[c + RESULT_SLEEPS];
    emptyWaits += control[c + RESULT_EMPTY_WAITS];
    figures.push(sample.nsPerOp);
  }
  const ns = median(figures);
  return {
    nsPerOp: ns,
    note:
      `${items / 1e6}M items after ${warmItems / 1e3}k warm-up, ring of ${RING_CAPACITY}, median of ${runs} (${Math.min(...figures).toFixed(1)}–${Math.max(...figures).toFixed(1)} ns); ` +
      `${sleeps} Atomics.wait sleeps, consumer found the ring empty ${emptyWaits} times${allocate ? '; all freed, counts and checksums equal' : ''}`,
  };
}

// ---------------------------------------------------------------------------

export const suites: BenchSuite[] = [
  {
    name: 'mimalloc/malloc-free-32',
    description: 'malloc + free of 32 bytes on one thread',
    target: 'mimalloc no slower than @thi.ng/malloc',
    cases: [
      { name: '@thi.ng/malloc MemPool (peer)', baseline: true, run: () => mallocFree32Thing() },
      { name: 'mimalloc miMalloc + miFree', run: () => mallocFree32Mimalloc() },
      { name: 'bump pointer (free is a no-op)', run: () => mallocFree32Bump() },
    ],
  },
  {
    name: 'mimalloc/working-set',
    description: `random sizes ${MIN_SIZE}–${MAX_SIZE} B, ${WS_SLOTS} live blocks; per step: free a random slot, allocate a random size into it; one thread. Sizes and slots are precomputed (the RNG is not timed)`,
    target: `mimalloc ≥ 100× faster than @thi.ng/malloc and within 4× of native mimalloc's ${NATIVE_LOW_NS}–${NATIVE_HIGH_NS} ns`,
    cases: [
      { name: '@thi.ng/malloc MemPool (peer)', baseline: true, run: () => workingSetThing() },
      { name: 'mimalloc', run: () => workingSetMimalloc() },
      { name: 'bump pointer (free is a no-op)', run: () => workingSetBump() },
    ],
  },
  {
    name: 'mimalloc/working-set-2-workers',
    description: 'the working-set step on 2 workers at once (each its own MiThread and working set, one shared heap); wall-clock ns per step over both',
    target: '2 workers ≥ 1.7× the throughput of 1 worker (ns/step ≤ 1 worker ÷ 1.7)',
    cases: [
      {
        name: '1 worker (baseline)',
        baseline: true,
        run: async ({ quick }) => {
          const sample = await workingSetOnWorkers(1, quick);
          oneWorkerNs = sample.nsPerOp;
          return sample;
        },
      },
      {
        name: '2 workers',
        run: async ({ quick }) => {
          const sample = await workingSetOnWorkers(2, quick);
          const ratio = oneWorkerNs === undefined ? '' : `throughput ${(oneWorkerNs / sample.nsPerOp).toFixed(2)}× one worker; `;
          return { nsPerOp: sample.nsPerOp, note: `${ratio}${sample.note}` };
        },
      },
    ],
  },
  {
    name: 'mimalloc/producer-consumer',
    description: `worker A allocates (random ${MIN_SIZE}–${MAX_SIZE} B) and passes addresses through an SPSC ring in the heap, worker B frees them (cross-thread free); wall-clock ns per alloc + free pair`,
    target: 'within 3× of the single-thread working-set step',
    cases: [
      { name: 'working-set step, one thread (baseline)', baseline: true, run: () => workingSetMimalloc() },
      { name: 'producer-consumer, mimalloc', run: ({ quick }) => producerConsumer(quick, true) },
      { name: 'the ring alone (fake addresses, no malloc/free)', run: ({ quick }) => producerConsumer(quick, false) },
    ],
  },
];
