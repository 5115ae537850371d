import { regionAlloc, SharedHeap } from '@ft/atomics';
import { nextMessage, spawnTsWorker } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import {
  processDelayed,
  qsbrAttach,
  qsbrCreate,
  qsbrQuiescentState,
  qsbrRegister,
  qsbrStats,
  qsbrUnregister,
  WORK_ITEMS_PER_CHUNK,
} from '../../src/index.js';
import { countingRegistry } from '../workers/counting-registry.js';

describe('workers that exit with pending delayed frees', () => {
  it('every block is freed exactly once afterwards, by another thread', async () => {
    const heap = SharedHeap.create({ size: 32 << 20 });
    try {
      const qsbr = qsbrCreate(heap);
      const { registry } = countingRegistry();
      const main = qsbrRegister(heap, qsbr, registry);
      qsbrAttach(main); // online and never quiescent until the workers are gone: holds every goal back
      const workers = 3;
      const perWorker = 3 * WORK_ITEMS_PER_CHUNK + 17;
      const counters = regionAlloc(heap, 4 * workers * perWorker);
      const leavers = Array.from({ length: workers }, (_, w) =>
        spawnTsWorker(new URL('../workers/leaver.worker.ts', import.meta.url), {
          heap: heap.handle(),
          qsbr,
          counters,
          first: w * perWorker,
          count: perWorker,
        }),
      );
      const replies = await Promise.all(leavers.map((w) => nextMessage<{ pendingAtExit: number }>(w)));
      await Promise.all(leavers.map((w) => w.terminate()));
      const counts = (): Int32Array => heap.i32.slice(counters >>> 2, (counters >>> 2) + workers * perWorker);
      expect(replies.every((r) => r.pendingAtExit === perWorker)).toBe(true);
      expect(counts().every((c) => c === 0)).toBe(true); // nothing freed while we held them back
      expect(qsbrStats(heap, qsbr).interpreterQueueHasWork).toBe(true);
      qsbrQuiescentState(main);
      processDelayed(main);
      const after = counts();
      expect(after.filter((c) => c !== 1).length).toBe(0);
      expect(qsbrStats(heap, qsbr)).toMatchObject({ queuedItems: workers * perWorker, freedItems: workers * perWorker, interpreterQueueHasWork: false, threads: 1 });
      qsbrUnregister(main);
    } finally {
      heap.close();
    }
  });
});
