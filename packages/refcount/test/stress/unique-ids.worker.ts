import { SharedHeap } from '@ft/atomics';
import { runStressWorker } from '@ft/harness';
import { miThreadExit, miThreadInit } from '@ft/mimalloc';
import {
  allocObject,
  BehaviourRegistry,
  createHeapType,
  decref,
  disableDeferredRefcount,
  getRefcount,
  mergePerThreadRefcounts,
  rcThreadExit,
  rcThreadInit,
  REF_DEFERRED,
  releaseUniqueId,
  setTypeUniqueId,
  typeUniqueId,
  type RcThread,
} from '../../src/index.js';
import { RC_POOL_BITMAP_OFFSET, RC_POOL_LIVE_OFFSET, RC_POOL_SIZE_OFFSET, RC_POOL_TABLE_OFFSET } from '../../src/layout.js';
import { CLAIM_IDS, LIVE_CAP, type UniqueIdParams, type UniqueIdResult } from './unique-ids.scenario.js';

let sink = 0;

/**
 * The 'unlocked-pool' control's `assignUniqueId`: the same steps over the
 * same pool words (lowest free id from the bitmap, clear its bit, record the
 * object, count it live) without taking the pool lock, and with a window
 * between finding the id and taking it. Returns 0 when no id is free: the
 * control never grows the pool (it was grown before, under the lock), since
 * freeing the old bitmap under an unlocked reader would break more than ids.
 * SAFETY: none — these racy plain accesses are the bug the control shows.
 */
function assignUniqueIdUnlocked(t: RcThread, op: number, holdSpins: number): number {
  const u32 = t.u32;
  const size = u32[(t.state + RC_POOL_SIZE_OFFSET) >>> 2]!;
  const bitmap = u32[(t.state + RC_POOL_BITMAP_OFFSET) >>> 2]! >>> 2;
  let id = 0;
  for (let w = 0; w < Math.ceil(size / 32) && id === 0; w++) {
    const bits = u32[bitmap + w]!;
    if (bits !== 0) id = w * 32 + (31 - Math.clz32(bits & -bits)) + 1;
  }
  if (id === 0) return 0;
  for (let i = 0; i < holdSpins; i++) sink += i;
  u32[bitmap + ((id - 1) >>> 5)] &= ~(1 << ((id - 1) & 31));
  u32[(u32[(t.state + RC_POOL_TABLE_OFFSET) >>> 2]! >>> 2) + id - 1] = op;
  u32[(t.state + RC_POOL_LIVE_OFFSET) >>> 2]++;
  return id;
}

/**
 * The control's `releaseUniqueId`, unlocked likewise. Returns false when the
 * id was already free (released twice: it had two holders).
 * SAFETY: none, as above.
 */
function releaseUniqueIdUnlocked(t: RcThread, id: number, holdSpins: number): boolean {
  const u32 = t.u32;
  const bitmap = u32[(t.state + RC_POOL_BITMAP_OFFSET) >>> 2]! >>> 2;
  const word = u32[bitmap + ((id - 1) >>> 5)]!;
  const bit = 1 << ((id - 1) & 31);
  if ((word & bit) !== 0) return false;
  for (let i = 0; i < holdSpins; i++) sink += i;
  u32[bitmap + ((id - 1) >>> 5)] = word | bit;
  u32[(u32[(t.state + RC_POOL_TABLE_OFFSET) >>> 2]! >>> 2) + id - 1] = 0;
  u32[(t.state + RC_POOL_LIVE_OFFSET) >>> 2]--;
  // SAFETY: this thread's own per-thread array.
  if (id <= t.countsSize) t.i32[t.countsIndex + id - 1] = 0;
  return true;
}

runStressWorker<UniqueIdParams>((ctx) => {
  const p = ctx.params;
  const heap = SharedHeap.attach(p.heap);
  const mi = miThreadInit(heap, p.mi, null);
  const t = rcThreadInit(heap, p.rc, new BehaviourRegistry(), { mi });
  const me = ctx.index + 1;
  const claims = p.claims >>> 2;
  const rng = ctx.rng;
  const live: number[] = [];
  const unlocked = p.mode === 'unlocked-pool';
  const result: UniqueIdResult = {
    ops: 0,
    created: 0,
    destroyed: 0,
    duplicates: 0,
    stolen: 0,
    wrongCounts: 0,
    outOfRange: 0,
    maxId: 0,
    instances: 0,
  };

  // The control's types are made once, under the lock (which also grows the
  // pool as far as the run needs), and then only lose and regain ids.
  const idless: number[] = [];
  if (unlocked) {
    for (let i = 0; i < LIVE_CAP; i++) idless.push(createHeapType(t, p.meta, { basicSize: 32 }));
    for (const type of idless) {
      const id = typeUniqueId(t, type);
      setTypeUniqueId(t, type, 0);
      releaseUniqueId(t, id);
    }
    // Nobody takes an id unlocked before every worker has stopped growing the pool.
    Atomics.add(heap.i32, claims, 1);
    for (let n = Atomics.load(heap.i32, claims); n < ctx.workers && !ctx.stopRequested(); n = Atomics.load(heap.i32, claims)) {
      Atomics.wait(heap.i32, claims, n, 10);
    }
  }

  /** A new heap type (control: an id-less one of ours gets an id, without the lock). */
  const newType = (): number => {
    if (!unlocked) return createHeapType(t, p.meta, { basicSize: 32 });
    const type = idless.pop()!;
    const id = assignUniqueIdUnlocked(t, type, p.holdSpins);
    if (id === 0) {
      idless.push(type); // leaked ids used the pool up: skip this creation
      return 0;
    }
    setTypeUniqueId(t, type, id);
    return type;
  };

  const create = (): void => {
    const type = newType();
    if (type === 0) return;
    const id = typeUniqueId(t, type);
    result.created++;
    if (id > result.maxId) result.maxId = id;
    if (id < 1 || id > CLAIM_IDS) result.outOfRange++;
    else if (Atomics.compareExchange(heap.u32, claims + id, 0, me) !== 0) result.duplicates++;
    live.push(type);
  };

  /** Instances count their type reference in this thread's array; they die here too. */
  const useInstances = (type: number): void => {
    const n = 1 + rng.nextInt(4);
    const made: number[] = [];
    for (let i = 0; i < n; i++) made.push(allocObject(t, type));
    for (const op of made) decref(t, op);
    result.instances += n;
  };

  /** Only this thread counted the type: merge, check, release the id, let it die (control: keep it id-less). */
  const destroy = (th: RcThread, type: number): void => {
    mergePerThreadRefcounts(th);
    if (getRefcount(th, type) - REF_DEFERRED !== 1) result.wrongCounts++;
    const id = typeUniqueId(th, type);
    if (id >= 1 && id <= CLAIM_IDS && Atomics.compareExchange(heap.u32, claims + id, me, 0) !== me) result.stolen++;
    setTypeUniqueId(th, type, 0);
    result.destroyed++;
    if (unlocked) {
      // A second release of one id means two types held it.
      if (!releaseUniqueIdUnlocked(th, id, p.holdSpins)) result.stolen++;
      idless.push(type);
      return;
    }
    releaseUniqueId(th, id);
    disableDeferredRefcount(th, type);
    decref(th, type);
  };

  while (!ctx.shouldStop(result.ops)) {
    const r = rng.nextInt(8);
    if (live.length === 0 || (r < 3 && live.length < LIVE_CAP)) create();
    else if (r < 6) useInstances(live[rng.nextInt(live.length)]!);
    else destroy(t, live.splice(rng.nextInt(live.length), 1)[0]!);
    result.ops++;
    if ((result.ops & 255) === 0) ctx.progress(result.ops);
  }
  while (live.length > 0) destroy(t, live.pop()!);
  for (const type of idless) {
    disableDeferredRefcount(t, type);
    decref(t, type);
  }
  ctx.progress(result.ops);
  rcThreadExit(t);
  miThreadExit(mi);
  heap.close();
  return { ...result, sink };
});
