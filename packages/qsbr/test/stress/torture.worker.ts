import { runStressWorker } from '@ft/harness';
import { SharedHeap } from '@ft/atomics';
import {
  freeDelayed,
  processDelayed,
  qsbrAdvance,
  qsbrAttach,
  qsbrQuiescentState,
  qsbrRegister,
  qsbrUnregister,
} from '../../src/index.js';
import { tortureRegistry, type TortureParams, type TortureResult } from './torture.scenario.js';
import { checkBlock, fillBlock, poolTake } from './torture-block.js';

runStressWorker<TortureParams>((ctx) => {
  const { current, pool, mode } = ctx.params;
  const heap = SharedHeap.attach(ctx.params.heap);
  const { registry, poisonAndRecycle } = tortureRegistry(pool);
  const t = qsbrRegister(heap, ctx.params.qsbr, registry);
  qsbrAttach(t);
  const u32 = heap.u32;
  const currentIndex = current >>> 2;
  const result: TortureResult = { role: ctx.role, ops: 0, reads: 0, poisonedReads: 0, tornReads: 0, writes: 0 };
  const free = registry.get(poisonAndRecycle)!;
  let version = ctx.index === 0 ? 2 : 0;

  while (!ctx.shouldStop(result.ops)) {
    if (ctx.role === 'writer') {
      let block = poolTake(heap, pool);
      while (block === 0) {
        // Every block is waiting for readers: let the goals come within reach.
        qsbrAdvance(t);
        qsbrQuiescentState(t);
        processDelayed(t);
        if (ctx.stopRequested()) break;
        block = poolTake(heap, pool);
      }
      if (block === 0) break;
      fillBlock(heap, block, version++);
      const old = Atomics.exchange(u32, currentIndex, block);
      if (mode === 'qsbr') freeDelayed(t, old, poisonAndRecycle);
      else free(heap, old);
      result.writes++;
      qsbrQuiescentState(t);
    } else {
      const block = Atomics.load(u32, currentIndex);
      const status = checkBlock(heap, block);
      if (status === 1) result.poisonedReads++;
      else if (status === 2) result.tornReads++;
      result.reads++;
      // Between reads we hold no pointer to any block.
      qsbrQuiescentState(t);
    }
    result.ops++;
    if ((result.ops & 1023) === 0) ctx.progress(result.ops);
  }
  ctx.progress(result.ops);
  qsbrUnregister(t);
  heap.close();
  return result;
});
