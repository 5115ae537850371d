import { runStressWorker } from '@ft/harness';
import {
  criticalSectionBegin,
  criticalSectionBegin2,
  criticalSectionEnd,
  criticalSectionHolds,
  SharedHeap,
} from '../../src/index.js';
import {
  RESOURCE_COUNTER_OFFSET,
  RESOURCE_STRIDE,
  type CriticalSectionParams,
  type CriticalSectionResult,
} from './critical-section.scenario.js';

function noHook(): void {}

runStressWorker<CriticalSectionParams>((ctx) => {
  const heap = SharedHeap.attach(ctx.params.heap);
  const { resources, count, suspend, oppositeOnly } = ctx.params;
  if (!suspend) heap.setBlockingHooks(noHook, noHook);
  const u32 = heap.u32;
  const rng = ctx.rng;
  const result: CriticalSectionResult = { ops: 0, increments: new Array(count).fill(0), notHeld: 0 };

  const mutexOf = (i: number): number => resources + i * RESOURCE_STRIDE;
  // SAFETY (bump): called only while the calling section holds object i's
  // mutex and nothing between the read and the write can block.
  const bump = (i: number): void => {
    const index = (mutexOf(i) + RESOURCE_COUNTER_OFFSET) >>> 2;
    if (!criticalSectionHolds(heap, mutexOf(i))) result.notHeld++;
    u32[index] = u32[index] + 1;
    result.increments[i]++;
  };

  while (!ctx.shouldStop(result.ops)) {
    let a = rng.nextInt(count);
    let b = (a + 1 + rng.nextInt(count - 1)) % count;
    if (oppositeOnly) {
      a = ctx.index & 1;
      b = 1 - a;
    }
    switch (oppositeOnly ? 0 : rng.nextInt(4)) {
      case 0:
        // Nested: the outer section is suspended if the inner one blocks, and
        // re-locked when the inner one ends.
        criticalSectionBegin(heap, mutexOf(a));
        bump(a);
        criticalSectionBegin(heap, mutexOf(b));
        bump(b);
        criticalSectionEnd(heap);
        bump(a);
        criticalSectionEnd(heap);
        break;
      case 1:
        criticalSectionBegin2(heap, mutexOf(a), mutexOf(b));
        bump(a);
        bump(b);
        criticalSectionEnd(heap);
        break;
      case 2:
        // Re-entrant: the inner section on the same object locks nothing.
        criticalSectionBegin(heap, mutexOf(a));
        criticalSectionBegin(heap, mutexOf(a));
        bump(a);
        criticalSectionEnd(heap);
        bump(a);
        criticalSectionEnd(heap);
        break;
      default:
        // Three levels deep, two-mutex section innermost.
        criticalSectionBegin(heap, mutexOf(b));
        bump(b);
        criticalSectionBegin2(heap, mutexOf(a), mutexOf((b + 1) % count));
        bump(a);
        criticalSectionEnd(heap);
        bump(b);
        criticalSectionEnd(heap);
        break;
    }
    result.ops++;
    if ((result.ops & 255) === 0) ctx.progress(result.ops);
  }
  ctx.progress(result.ops);
  heap.close();
  return result;
});
