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
import { CLAIM_IDS, LIVE_CAP, type UniqueIdParams, type UniqueIdResult } from './unique-ids.scenario.js';

runStressWorker<UniqueIdParams>((ctx) => {
  const p = ctx.params;
  const heap = SharedHeap.attach(p.heap);
  const mi = miThreadInit(heap, p.mi, null);
  const t = rcThreadInit(heap, p.rc, new BehaviourRegistry(), { mi });
  const me = ctx.index + 1;
  const claims = p.claims >>> 2;
  const rng = ctx.rng;
  const live: number[] = [];
  const result: UniqueIdResult = { ops: 0, created: 0, destroyed: 0, duplicates: 0, stolen: 0, wrongCounts: 0, outOfRange: 0, maxId: 0, instances: 0 };

  const create = (): void => {
    const type = createHeapType(t, p.meta, { basicSize: 32 });
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

  /** Only this thread counted the type: merge, check, release the id, let it die. */
  const destroy = (th: RcThread, type: number): void => {
    mergePerThreadRefcounts(th);
    if (getRefcount(th, type) - REF_DEFERRED !== 1) result.wrongCounts++;
    const id = typeUniqueId(th, type);
    if (id >= 1 && id <= CLAIM_IDS && Atomics.compareExchange(heap.u32, claims + id, me, 0) !== me) result.stolen++;
    setTypeUniqueId(th, type, 0);
    releaseUniqueId(th, id);
    disableDeferredRefcount(th, type);
    decref(th, type);
    result.destroyed++;
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
  ctx.progress(result.ops);
  rcThreadExit(t);
  miThreadExit(mi);
  heap.close();
  return result;
});
