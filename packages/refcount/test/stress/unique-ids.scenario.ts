/**
 * The unique-id pool under concurrency (CPython `Python/uniqueid.c`): every
 * worker creates heap types (each takes the smallest free id from the
 * interpreter's pool, under its PyMutex, growing the pool as needed), counts
 * instances of them in its per-thread array, merges its counts, and destroys
 * its types again (id back to the pool), while the other workers do the same.
 *
 * A claim table in shared memory (one word per id) catches an id handed to
 * two types at once: a worker claims its type's id with a compare-exchange
 * from 0 and clears it with a compare-exchange before releasing it. Exact
 * checks: no id was ever claimed twice or found claimed by someone else at
 * release; every type's count was exactly 1 (its creation reference) after
 * its instances died and the counts were merged; every type created was
 * destroyed; the pool is empty at the end; and, because the smallest free id
 * is always taken, no id above the largest number of types alive at once
 * (workers × live cap) was ever handed out.
 *
 * The 'unlocked-pool' control takes and returns ids with the pool's own steps
 * but without its lock (a worker-side copy over the same pool words, see the
 * worker) and must be caught handing one id to two types.
 */

import { SharedHeap, regionAlloc, type SharedHeapHandle } from '@ft/atomics';
import type { StressCheck, StressScenario } from '@ft/harness';
import { miCreate, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { BehaviourRegistry, createMetatype, rcCreate, rcThreadExit, rcThreadInit, uniqueIdsInUse, type RcThread } from '../../src/index.js';

/** Types a worker keeps alive at most. */
export const LIVE_CAP = 24;
/** Ids the claim table covers (far above workers × LIVE_CAP). */
export const CLAIM_IDS = 4096;

export interface UniqueIdParams {
  readonly heap: SharedHeapHandle;
  readonly mi: number;
  readonly rc: number;
  readonly meta: number;
  /** Address of u32[CLAIM_IDS + 1]: claim word of id k at index k (index 0: the control's start barrier). */
  readonly claims: number;
  /** 'locked' (the real test) or 'unlocked-pool' (the control that must fail). */
  readonly mode: 'locked' | 'unlocked-pool';
  /** Control only: busy iterations between finding a free id and taking it. */
  readonly holdSpins: number;
}

export interface UniqueIdResult {
  ops: number;
  created: number;
  destroyed: number;
  /** Claims that found the id already claimed (an id handed out twice). */
  duplicates: number;
  /** Releases that found the claim word changed. */
  stolen: number;
  /** Types whose merged count was not exactly their creation reference. */
  wrongCounts: number;
  /** Ids outside 1..CLAIM_IDS. */
  outOfRange: number;
  maxId: number;
  instances: number;
}

interface State {
  heap: SharedHeap;
  mi: MiThread;
  t: RcThread;
}

export const uniqueIdScenario: StressScenario<UniqueIdParams, State> = {
  name: 'refcount/unique-ids',
  description: 'workers create, count and destroy heap types at once: unique ids never shared, smallest free id reused',
  worker: new URL('./unique-ids.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 20_000,
  setup() {
    const heap = SharedHeap.create({ size: 128 << 20 });
    const mi = miCreate(heap, { checked: true });
    const registry = new BehaviourRegistry();
    const rc = rcCreate(heap, registry, { refDebug: true });
    const miT = miThreadInit(heap, mi, null);
    const t = rcThreadInit(heap, rc, registry, { mi: miT });
    const meta = createMetatype(t);
    const claims = regionAlloc(heap, 4 * (CLAIM_IDS + 1));
    return { params: { heap: heap.handle(), mi, rc, meta, claims, mode: 'locked', holdSpins: 0 }, state: { heap, mi: miT, t } };
  },
  check({ results, state, workers }): StressCheck[] {
    const r = results as UniqueIdResult[];
    const sum = (f: (x: UniqueIdResult) => number): number => r.reduce((a, x) => a + f(x), 0);
    const maxId = Math.max(...r.map((x) => x.maxId));
    const inUse = uniqueIdsInUse(state.t);
    return [
      { name: 'no id held by two types at once', ok: sum((x) => x.duplicates) === 0 && sum((x) => x.stolen) === 0, detail: `${sum((x) => x.duplicates)} duplicate claims, ${sum((x) => x.stolen)} claims changed under their holder` },
      { name: 'ids within the claim table', ok: sum((x) => x.outOfRange) === 0, detail: `${sum((x) => x.outOfRange)} out of range` },
      { name: 'each type counted exactly its creation reference after its instances died (per-thread counts merged)', ok: sum((x) => x.wrongCounts) === 0, detail: `${sum((x) => x.wrongCounts)} wrong` },
      { name: 'every type created was destroyed; the pool is empty', ok: sum((x) => x.created) === sum((x) => x.destroyed) && inUse === 0, detail: `${sum((x) => x.created)} created, ${sum((x) => x.destroyed)} destroyed, ${inUse} ids in use` },
      { name: 'smallest free id first: no id above the most types alive at once', ok: maxId <= workers * LIVE_CAP, detail: `largest id ${maxId}, at most ${workers * LIVE_CAP} alive` },
    ];
  },
  metrics({ results }) {
    const r = results as UniqueIdResult[];
    return [
      { name: 'heap types created', value: r.reduce((a, x) => a + x.created, 0), unit: '' },
      { name: 'instances', value: r.reduce((a, x) => a + x.instances, 0), unit: '' },
      { name: 'largest id', value: Math.max(...r.map((x) => x.maxId)), unit: '' },
    ];
  },
  teardown({ heap, mi, t }) {
    rcThreadExit(t);
    miThreadExit(mi);
    heap.close();
  },
};

export const scenarios = [uniqueIdScenario];
