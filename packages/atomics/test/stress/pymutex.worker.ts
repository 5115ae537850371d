import { runStressWorker } from '@ft/harness';
import {
  monotonicMs,
  mutexLock,
  mutexUnlock,
  recursiveMutexLock,
  recursiveMutexUnlock,
  SharedHeap,
} from '../../src/index.js';
import type { MutexCounterParams } from './pymutex.scenario.js';

runStressWorker<MutexCounterParams>((ctx) => {
  const { mutex, counter, mode, holdSpins, recursive } = ctx.params;
  const heap = SharedHeap.attach(ctx.params.heap);
  const u32 = heap.u32;
  const index = counter >>> 2;
  const locked = mode === 'locked';
  const reentrant = mode === 'recursive';
  const timed = holdSpins > 0;
  let maxWaitMs = 0;
  let ops = 0;
  let sink = 0;
  while (!ctx.shouldStop(ops)) {
    for (let batch = 0; batch < 256; batch++) {
      const before = timed ? monotonicMs() : 0;
      if (locked) mutexLock(heap, mutex);
      if (reentrant) {
        recursiveMutexLock(heap, recursive);
        recursiveMutexLock(heap, recursive);
      }
      if (timed) {
        const waited = monotonicMs() - before;
        if (waited > maxWaitMs) maxWaitMs = waited;
      }
      // SAFETY: under the (recursive) mutex unless 'unlocked', where the race is the point.
      const value = u32[index];
      for (let i = 0; i < holdSpins; i++) sink += i;
      u32[index] = value + 1;
      if (locked) mutexUnlock(heap, mutex);
      if (reentrant) {
        recursiveMutexUnlock(heap, recursive);
        recursiveMutexUnlock(heap, recursive);
      }
      ops++;
    }
    ctx.progress(ops);
  }
  heap.close();
  return { ops, maxWaitMs, sink };
});
