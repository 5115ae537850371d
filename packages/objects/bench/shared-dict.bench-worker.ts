/** A reader of `objects/shared-dict-get`: opens the main thread's SharedDict and reads its keys. */
import { runBenchWorker } from '@ft/harness';
import { joinObjectsRuntime, SharedDict, type ObjectsRuntimeHandle, type SharedObjectHandle } from '../src/index.js';

export interface SharedDictReaderParams {
  runtime: ObjectsRuntimeHandle;
  dict: SharedObjectHandle;
  keys: string[];
  reads: number;
}

runBenchWorker<SharedDictReaderParams>(({ params }) => {
  const rt = joinObjectsRuntime(params.runtime);
  const d = SharedDict.open(rt, params.dict);
  const keys = params.keys;
  const n = keys.length;
  let sum = 0;
  const pass = (count: number): void => {
    for (let i = 0; i < count; i++) sum += d.get(keys[i % n]!) as number;
  };
  pass(Math.min(params.reads, 200_000));
  const t0 = performance.now();
  pass(params.reads);
  const elapsedMs = performance.now() - t0;
  if (sum === 0) throw new Error('no reads');
  d.release();
  rt.close();
  return { ops: params.reads, elapsedMs };
});
