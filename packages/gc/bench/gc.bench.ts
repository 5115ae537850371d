/**
 * The collector against the figures issue 17 names, measured with CPython
 * 3.13t on a 2-core machine (CI has no CPython to run in the same process):
 * `gc.collect()` over 1M garbage containers in 2-cycles, 52 ns per object;
 * over 1M live containers, 34 ns per object; and allocating 1M / 4M tracked
 * containers that stay alive with automatic collection on and off (3.13t:
 * 125× at 1M, quadratic; the GIL build 1.3×). The baseline of each table is
 * measured in the same run: visiting the same objects' blocks once with the
 * world stopped, the floor of any collection that must find its objects by
 * visiting the heap.
 *
 * The containers are one-slot GC objects (28 bytes, 32-byte blocks), as a
 * small Python container would be; their traverse, clear and dealloc are
 * plain functions over the shared heap.
 */

import { groupCreate, participantCreate, participantDelete, safePoint, SharedHeap, startTheWorld, stopTheWorld, type Participant } from '@ft/atomics';
import { runBenchWorkers, type BenchSample, type BenchSuite } from '@ft/harness';
import { MI_HEAP_GC, miCreate, miThreadInit, miVisitBlocks } from '@ft/mimalloc';
import { createMetatype, createStaticType, decref, incref, rcCreate, rcThreadInit, TYPE_FLAG_HAVE_GC, type RcThread } from '@ft/refcount';
import { gcCollect, gcCreate, gcDisable, gcEnable, gcNew, gcThreadInit, gcTrack, type GcThread } from '../src/index.js';
import { benchRegistry, SLOT } from './bench-types.js';
import type { MutatorParams } from './gc-mutator.bench-worker.js';


interface BenchRuntime {
  heap: SharedHeap;
  mi: number;
  rc: number;
  participant: Participant;
  group: number;
  t: RcThread;
  gt: GcThread;
  node: number;
  /** What the mark-alive pre-pass starts from (0: no roots). */
  root: number;
  pauses: number[];
}

function makeRuntime(heapSize: number): BenchRuntime {
  const heap = SharedHeap.create({ size: heapSize });
  const mi = miCreate(heap);
  const group = groupCreate(heap);
  const participant = participantCreate(heap, group);
  const gcState = gcCreate(heap, group);
  // eslint-disable-next-line prefer-const
  let gt!: GcThread;
  const { registry, dealloc, traverse, clear } = benchRegistry(() => gt);
  const rc = rcCreate(heap, registry);
  const t = rcThreadInit(heap, rc, registry, { mi: miThreadInit(heap, mi, null), participant });
  const run: BenchRuntime = { heap, mi, rc, participant, group, t, gt: undefined as unknown as GcThread, node: 0, root: 0, pauses: [] };
  let start = 0;
  gt = gcThreadInit(t, gcState, registry, {
    visitRoots: (_t, visit) => {
      if (run.root !== 0) visit(run.root);
    },
    callbacks: (phase) => {
      if (phase === 'start') start = performance.now();
      else run.pauses.push(performance.now() - start);
    },
  });
  run.gt = gt;
  run.node = createStaticType(t, createMetatype(t), { basicSize: SLOT, itemSize: 4, flags: TYPE_FLAG_HAVE_GC, dealloc, traverse, clear });
  return run;
}

function close(run: BenchRuntime): void {
  participantDelete(run.participant);
  run.heap.close();
}

function node(run: BenchRuntime, slots = 1): number {
  const op = gcNew(run.gt, run.node, slots);
  gcTrack(run.t, op);
  return op;
}

/** `pairs` 2-cycles; returns one external reference per pair (the other object's is held by the cycle). */
function makePairs(run: BenchRuntime, pairs: number): Uint32Array {
  const held = new Uint32Array(pairs);
  const u32 = run.t.u32;
  for (let i = 0; i < pairs; i++) {
    const a = node(run);
    const b = node(run);
    u32[(a + SLOT) >>> 2] = b; // b's creation reference moves into a
    incref(run.t, a);
    u32[(b + SLOT) >>> 2] = a;
    held[i] = a; // a's creation reference stays with the caller
  }
  return held;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1]!;
}

/** Times the visit of the GC heap alone (the floor of a collection), ns per object. */
function visitFloor(run: BenchRuntime, objects: number): number {
  stopTheWorld(run.heap, run.group);
  const t0 = performance.now();
  let n = 0;
  miVisitBlocks(run.t.mi!, 1 << MI_HEAP_GC, () => {
    n++;
  });
  const ms = performance.now() - t0;
  startTheWorld(run.heap, run.group);
  if (n < objects) throw new Error(`visited ${n} blocks, want ${objects}`);
  return (ms * 1e6) / objects;
}

type Shape = 'garbage' | 'live' | 'rooted';

/** One measured `gc.collect()` over `objects` containers in 2-cycles of the given shape, ns per object. */
function collectOnce(shape: Shape, objects: number): { ns: number; floor: number } {
  const run = makeRuntime(512 << 20);
  try {
    gcDisable(run.gt);
    const held = makePairs(run, objects / 2);
    if (shape === 'rooted') {
      // The pairs hang off one root container, which the roots hook hands to the pre-pass.
      const root = node(run, objects / 2);
      for (let i = 0; i < held.length; i++) run.t.u32[(root + SLOT + 4 * i) >>> 2] = held[i]!;
      run.root = root;
    } else if (shape === 'garbage') {
      for (let i = 0; i < held.length; i++) decref(run.t, held[i]!);
    }
    const floor = visitFloor(run, objects);
    const t0 = performance.now();
    const found = gcCollect(run.gt);
    const ms = performance.now() - t0;
    const want = shape === 'garbage' ? objects : 0;
    if (found !== want) throw new Error(`collect found ${found} unreachable objects, want ${want}`);
    return { ns: (ms * 1e6) / objects, floor };
  } finally {
    close(run);
  }
}

function collectCase(shape: Shape, quick: boolean): BenchSample {
  const objects = quick ? 100_000 : 1_000_000;
  const runs = quick ? 1 : 5;
  const ns: number[] = [];
  for (let i = 0; i < runs; i++) ns.push(collectOnce(shape, objects).ns);
  return { nsPerOp: median(ns), note: `${objects / 1e6}M objects, median of ${runs} (${Math.min(...ns).toFixed(1)}–${Math.max(...ns).toFixed(1)} ns)` };
}

function floorCase(quick: boolean): BenchSample {
  const objects = quick ? 100_000 : 1_000_000;
  const runs = quick ? 1 : 5;
  const ns: number[] = [];
  for (let i = 0; i < runs; i++) ns.push(collectOnce('live', objects).floor);
  return { nsPerOp: median(ns), note: `${objects / 1e6}M objects' blocks, median of ${runs}` };
}

/**
 * Allocates `count` tracked containers kept alive (each holds the previous
 * one), with a safe point every 64 allocations so that scheduled
 * collections run; ns per allocation. Pauses are reported by the callbacks hook.
 */
function allocateLive(count: number, automatic: boolean): { ns: number; pauses: number[] } {
  const run = makeRuntime(count > 2_000_000 ? 1024 << 20 : 512 << 20);
  try {
    if (automatic) gcEnable(run.gt);
    else gcDisable(run.gt);
    const u32 = run.t.u32;
    let previous = 0;
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const op = node(run);
      u32[(op + SLOT) >>> 2] = previous; // the previous one's creation reference moves in
      previous = op;
      if ((i & 63) === 0) safePoint(run.participant);
    }
    const ms = performance.now() - t0;
    return { ns: (ms * 1e6) / count, pauses: run.pauses };
  } finally {
    close(run);
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function allocateCase(count: number, automatic: boolean): BenchSample {
  const { ns, pauses } = allocateLive(count, automatic);
  const note = automatic
    ? `${count / 1e6}M live; ${pauses.length} collections, pause p50 ${percentile(pauses, 50).toFixed(2)} ms, p99 ${percentile(pauses, 99).toFixed(2)} ms, total ${pauses.reduce((a, b) => a + b, 0).toFixed(0)} ms`
    : `${count / 1e6}M live, collection disabled`;
  return { nsPerOp: ns, note };
}

const mutatorWorker = new URL('./gc-mutator.bench-worker.ts', import.meta.url);

/**
 * With 2 mutator workers attached (each building and dropping up to 100k
 * 2-cycles per round, a safe point per pair, then polling), either `collections` gc.collect() pauses from
 * this thread (the callbacks hook times each, both stops included) or as
 * many bare stop + start pairs (the world's share of it).
 */
async function withMutators(kind: 'collect' | 'stop', quick: boolean): Promise<BenchSample> {
  const run = makeRuntime(256 << 20);
  const rounds = quick ? 5 : 40;
  const control = new Int32Array(new SharedArrayBuffer(12));
  const params: MutatorParams = {
    heap: run.heap.handle(),
    mi: run.mi,
    rc: run.rc,
    gc: run.gt.state,
    group: run.group,
    node: run.node,
    control: control.buffer as SharedArrayBuffer,
    pairsPerRound: quick ? 20_000 : 100_000,
  };
  const mutators = runBenchWorkers(mutatorWorker, 2, params);
  const times: number[] = [];
  let collected = 0;
  try {
    while (Atomics.load(control, 1) < 2) await new Promise((r) => setTimeout(r, 1));
    gcDisable(run.gt); // only the collections measured here
    for (let i = 0; i < rounds; i++) {
      Atomics.add(control, 2, 1);
      await new Promise((r) => setTimeout(r, quick ? 2 : 10));
      if (kind === 'collect') {
        const before = run.pauses.length;
        collected += gcCollect(run.gt);
        times.push(run.pauses[before]!);
      } else {
        const t0 = performance.now();
        stopTheWorld(run.heap, run.group);
        startTheWorld(run.heap, run.group);
        times.push(performance.now() - t0);
      }
    }
  } finally {
    Atomics.store(control, 0, 1);
    await mutators;
    close(run);
  }
  return {
    nsPerOp: median(times) * 1e6,
    note: `${rounds} ${kind === 'collect' ? `collections (${Math.round(collected / rounds / 1000)}k objects collected each)` : 'stop + start pairs'}: median ${median(times).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms, max ${Math.max(...times).toFixed(3)} ms`,
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'gc/collect',
    description: 'one gc.collect() over containers in 2-cycles (ns per object); CPython 3.13t (issue 17, 2 cores): garbage 52 ns, live 34 ns',
    target: 'garbage ≤ 52 ns/object and live ≤ 34 ns/object (≤ 1× CPython 3.13t); report the mark-alive gain',
    cases: [
      { name: 'visit the GC heap once (baseline: the floor)', baseline: true, run: ({ quick }) => floorCase(quick) },
      { name: 'collect: 1M garbage, 2-cycles', run: ({ quick }) => collectCase('garbage', quick) },
      { name: 'collect: 1M live, 2-cycles held from outside', run: ({ quick }) => collectCase('live', quick) },
      { name: 'collect: 1M live, reachable from a root (mark-alive)', run: ({ quick }) => collectCase('rooted', quick) },
    ],
  },
  {
    name: 'gc/automatic',
    description: 'allocate tracked containers that all stay alive, automatic collection on vs off (ns per allocation); 3.13t: 125× at 1M and quadratic, GIL build 1.3×',
    target: 'on ≤ 2× off, not growing with the count',
    cases: [
      { name: '1M, collection off (baseline)', baseline: true, run: ({ quick }) => allocateCase(quick ? 100_000 : 1_000_000, false) },
      { name: '1M, automatic collection', run: ({ quick }) => allocateCase(quick ? 100_000 : 1_000_000, true) },
      { name: '4M, collection off', run: ({ quick }) => allocateCase(quick ? 200_000 : 4_000_000, false) },
      { name: '4M, automatic collection', run: ({ quick }) => allocateCase(quick ? 200_000 : 4_000_000, true) },
    ],
  },
  {
    name: 'gc/2-workers',
    description: 'a collection on the main thread while 2 mutator workers are attached, building and dropping 2-cycles (ns per pause)',
    target: 'report stop latency and total pause',
    cases: [
      { name: 'stop + start the world (baseline)', baseline: true, run: ({ quick }) => withMutators('stop', quick) },
      { name: 'gc.collect() pause', run: ({ quick }) => withMutators('collect', quick) },
    ],
  },
];
