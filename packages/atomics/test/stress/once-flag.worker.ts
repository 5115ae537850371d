import { runStressWorker } from '@ft/harness';
import { callOnce, onceFlagIsInitialized, SharedHeap, type OnceFunction } from '../../src/index.js';
import { ONCE_RECORD_SIZE, type OnceParams, type OnceResult } from './once-flag.scenario.js';

const succeed = (): number => 0;

/**
 * The control's broken once: tests the flag, runs the initialiser, then marks
 * the flag initialised, with nothing claiming the flag in between, so every
 * caller that arrives while an initialiser runs runs it too. (The flag is set
 * through `callOnce` with an initialiser that only succeeds, so the byte keeps
 * its real encoding.)
 */
function checkThenActOnce(heap: SharedHeap, addr: number, fn: OnceFunction, arg: number): number {
  if (onceFlagIsInitialized(heap, addr)) return 0;
  const status = fn(arg);
  if (status === 0) callOnce(heap, addr, succeed, 0);
  return status;
}

runStressWorker<OnceParams>((ctx) => {
  const heap = SharedHeap.attach(ctx.params.heap);
  const { records, count, initSpins, mode } = ctx.params;
  const once = mode === 'once' ? callOnce : checkThenActOnce;
  const i32 = heap.i32;
  const result: OnceResult = { ops: 0, failures: 0, successes: 0, unseen: 0 };
  let sink = 0;
  const initialise = (k: number): number => {
    const base = (records + k * ONCE_RECORD_SIZE) >>> 2;
    for (let i = 0; i < initSpins; i++) sink += i;
    if (Atomics.add(i32, base + 1, 1) === 0) return -1;
    // SAFETY: written by the one initialiser that runs; readers are ordered
    // after it by the once flag's Atomics exchange.
    i32[base + 3] = 1;
    Atomics.add(i32, base + 2, 1);
    return 0;
  };
  while (!ctx.shouldStop(result.ops) && result.ops < count) {
    const k = result.ops;
    const status = once(heap, records + k * ONCE_RECORD_SIZE, initialise, k);
    if (status === 0) {
      result.successes++;
      if (i32[(records + k * ONCE_RECORD_SIZE + 12) >>> 2] !== 1) result.unseen++;
    } else {
      result.failures++;
    }
    result.ops++;
    if ((result.ops & 255) === 0) ctx.progress(result.ops);
  }
  ctx.progress(result.ops);
  heap.close();
  return { ...result, sink };
});
