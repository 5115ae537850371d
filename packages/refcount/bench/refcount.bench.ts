/**
 * Reference counting against the baselines named in the issue, each measured
 * in the same run:
 *
 * - `refcount/pair`: one `incref` + `decref` pair on one thread, cycling over
 *   8 objects — by the owner (biased counting's plain path), by a non-owner
 *   (the atomic shared path), and in the naive mode (a runtime whose objects
 *   are all created merged, so each incref and each decref is one atomic
 *   operation on one count), the baseline.
 * - `refcount/2-workers`: each worker increfs and decrefs an object it owns,
 *   on 1 worker (baseline) and on 2 at once (wall-clock ns per pair over both:
 *   perfect scaling halves it); then 2 workers on one object owned by neither
 *   (CPython's "two threads read the same list element"), which contends on
 *   one cache line.
 *
 * Each case checks that every count is back where it started and that no
 * object died, and throws otherwise.
 */

import { SharedHeap } from '@ft/atomics';
import { runBenchWorkers, timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import { MI_HEAP_OBJECT, miCreate, miFree, miHeapCalloc, miThreadInit } from '@ft/mimalloc';
import { pyObjectCalloc, pyObjectFree } from '@ft/obmalloc';
import {
  allocObject,
  BehaviourRegistry,
  createMetatype,
  createStaticType,
  decref,
  getRefcount,
  incref,
  rcCreate,
  rcThreadInit,
  type RcThread,
} from '../src/index.js';


/** What a bench worker needs to join the runtime. */
export interface PairWorkerParams {
  readonly heap: ReturnType<SharedHeap['handle']>;
  readonly mi: number;
  readonly rc: number;
  /** The static type of the workers' own objects. */
  readonly type: number;
  /** 0: each worker allocates and owns its object; else the shared object's address. */
  readonly shared: number;
  readonly pairs: number;
  /** Start barrier after set-up and the result words: [arrived, failures]. */
  readonly control: Int32Array;
}

const OBJECTS = 8;

/** `n` incref+decref pairs over `objects` (cycling); returns a value the JIT cannot drop. */
export function pairs(t: RcThread, objects: Uint32Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const op = objects[i & 7];
    incref(t, op);
    decref(t, op);
    sum += op;
  }
  return sum;
}

interface Runtime {
  heap: SharedHeap;
  mi: number;
  rc: number;
  t: RcThread;
  type: number;
}

/** A runtime on the calling thread (one heap per mode, made on first use). */
function runtime(mode: 'biased' | 'naive'): Runtime {
  const cached = runtimes.get(mode);
  if (cached) return cached;
  const heap = SharedHeap.create({ size: 64 << 20 });
  const mi = miCreate(heap);
  const registry = new BehaviourRegistry();
  const rc = rcCreate(heap, registry, { mode });
  const t = rcThreadInit(heap, rc, registry, { mi: miThreadInit(heap, mi, null) });
  const type = createStaticType(t, createMetatype(t), { basicSize: 32 });
  const made = { heap, mi, rc, t, type };
  runtimes.set(mode, made);
  return made;
}
const runtimes = new Map<string, Runtime>();

/** Times pairs by `t` on objects allocated by `owner`, checking the counts are unchanged after. */
function timePairs(owner: RcThread, t: RcThread, type: number, quick: boolean): BenchSample {
  const objects = new Uint32Array(OBJECTS);
  for (let i = 0; i < OBJECTS; i++) objects[i] = allocObject(owner, type);
  const total = t.refTotal;
  const sample = timeLoop((n) => pairs(t, objects, n), { quick });
  for (const op of objects) {
    if (getRefcount(owner, op) !== 1) throw new Error(`object count ${getRefcount(owner, op)} after the pairs, want 1`);
    decref(owner, op);
  }
  if (t.refDebug && t.refTotal !== total - (t === owner ? OBJECTS : 0)) throw new Error('the reference total moved during balanced pairs');
  return sample;
}

/** Pairs by the owner in `mode` (run by mode-pair.bench-worker.ts). */
export function ownerPairs(mode: 'biased' | 'naive', quick: boolean): BenchSample {
  const r = runtime(mode);
  return timePairs(r.t, r.t, r.type, quick);
}

/** Pairs by a non-owner in the biased mode (run by mode-pair.bench-worker.ts). */
export function nonOwnerPairs(quick: boolean): BenchSample {
  const r = runtime('biased');
  // A second thread identity owns the objects; this one is a non-owner.
  const view = SharedHeap.attach(r.heap.handle());
  const registry = new BehaviourRegistry();
  const other = rcThreadInit(view, r.rc, registry, { mi: miThreadInit(view, r.mi, null) });
  return timePairs(other, r.t, r.type, quick);
}

/** What mode-pair.bench-worker.ts measures. */
export interface ModePairParams {
  readonly mode: 'biased' | 'naive';
  readonly nonOwner: boolean;
}

const modePairWorker = new URL('./mode-pair.bench-worker.ts', import.meta.url);

/** One `refcount/pair` case in a worker of its own (see mode-pair.bench-worker.ts for why). */
async function pairsInOwnWorker(params: ModePairParams): Promise<BenchSample> {
  const sample = await runBenchWorkers(modePairWorker, 1, params);
  return { nsPerOp: sample.nsPerOp, note: 'own worker (this mode\'s JIT feedback only), median of 5 timed loops' };
}

const pairWorker = new URL('./pair.bench-worker.ts', import.meta.url);

/** Wall-clock ns per pair of `workers` workers (median of runs), own objects or one shared object. */
async function workerPairs(workers: number, sharedObject: boolean, quick: boolean): Promise<BenchSample> {
  const r = runtime('biased');
  const shared = sharedObject ? allocObject(r.t, r.type) : 0;
  const pairCount = sharedObject ? (quick ? 200_000 : 2_000_000) : quick ? 2_000_000 : 30_000_000;
  const figures: number[] = [];
  for (let run = 0; run < (quick ? 1 : 5); run++) {
    const control = new Int32Array(new SharedArrayBuffer(8));
    const params: PairWorkerParams = { heap: r.heap.handle(), mi: r.mi, rc: r.rc, type: r.type, shared, pairs: pairCount, control };
    const sample = await runBenchWorkers(pairWorker, workers, params);
    if (control[1] !== 0) throw new Error(`${control[1]} worker(s) found their counts changed after balanced pairs`);
    if (sample.totalOps !== workers * pairCount) throw new Error(`workers did ${sample.totalOps} pairs, want ${workers * pairCount}`);
    figures.push(sample.nsPerOp);
  }
  if (shared !== 0) {
    if (getRefcount(r.t, shared) !== 1) throw new Error(`shared object count ${getRefcount(r.t, shared)} after the workers, want 1`);
    decref(r.t, shared);
  }
  figures.sort((a, b) => a - b);
  return { nsPerOp: figures[figures.length >> 1]!, note: `median of ${figures.length}, ${pairCount} pairs per worker` };
}

/** Object-sized (32-byte, zeroed) allocate + free pairs: straight from mimalloc's object heap. */
function directPairs(n: number): number {
  const mi = runtime('biased').t.mi!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = miHeapCalloc(mi, MI_HEAP_OBJECT, 1, 32);
    sum += p;
    miFree(mi, p);
  }
  return sum;
}

/** The same through the object domain, as allocObject and freeObject allocate (PyObject_Calloc / PyObject_Free). */
function domainPairs(n: number): number {
  const domains = runtime('biased').t.domains!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = pyObjectCalloc(domains, 1, 32);
    sum += p;
    pyObjectFree(domains, p);
  }
  return sum;
}

/** Whole objects: allocObject + the decref that deallocates it (header, type reference, dealloc dispatch, free). */
function objectPairs(n: number): number {
  const r = runtime('biased');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const op = allocObject(r.t, r.type);
    sum += op;
    decref(r.t, op);
  }
  return sum;
}

export const suites: BenchSuite[] = [
  {
    name: 'refcount/pair',
    description: 'one incref + decref pair on one thread (ns per pair)',
    target: 'owner path at least 5× faster than the naive mode',
    cases: [
      { name: 'naive mode: one atomic op each (baseline)', baseline: true, run: () => pairsInOwnWorker({ mode: 'naive', nonOwner: false }) },
      { name: 'biased, owner thread', run: () => pairsInOwnWorker({ mode: 'biased', nonOwner: false }) },
      { name: 'biased, non-owner thread', run: () => pairsInOwnWorker({ mode: 'biased', nonOwner: true }) },
    ],
  },
  {
    name: 'refcount/object-memory',
    description: 'allocate + free of a zeroed 32-byte object on one thread (ns per pair)',
    target: 'through the object domain no more than an indirect call (a few ns) over mimalloc directly',
    cases: [
      { name: 'miHeapCalloc + miFree, object heap (baseline)', baseline: true, run: ({ quick }) => timeLoop(directPairs, { quick }) },
      { name: 'pyObjectCalloc + pyObjectFree (the object domain)', run: ({ quick }) => timeLoop(domainPairs, { quick }) },
      { name: 'allocObject + decref (a whole object life)', run: ({ quick }) => timeLoop(objectPairs, { quick }) },
    ],
  },
  {
    name: 'refcount/2-workers',
    description: 'incref + decref pairs on workers, wall-clock ns per pair over all workers',
    target: '2 workers on their own objects at least 1.8× the throughput of 1 (ratio ≤ 0.56); CPython 3.13t: one shared element is 5.3× slower than own elements',
    cases: [
      { name: '1 worker, own object (baseline)', baseline: true, run: ({ quick }) => workerPairs(1, false, quick) },
      { name: '2 workers, each its own object', run: ({ quick }) => workerPairs(2, false, quick) },
      { name: '2 workers, one shared object', run: ({ quick }) => workerPairs(2, true, quick) },
    ],
  },
];
