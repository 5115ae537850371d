/**
 * Threads that exit with delayed frees still pending, with real workers
 * stepped by the main thread: each worker queues its blocks and reports, then
 * waits on its own exit word. The main thread is online and never quiescent
 * until the end, so it holds every goal back and the outcome of each step is
 * exact: nothing is freed until it reports a quiescent state, then everything
 * is, once.
 */

import { regionAlloc, SharedHeap } from '@ft/atomics';
import { nextMessage, spawnTsWorker } from '@ft/harness';
import type { Worker } from 'node:worker_threads';
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
} from '../src/index.js';
import { countingRegistry } from './workers/counting-registry.js';
import type { LeaverData, LeaverMessage } from './workers/leaver.worker.js';

const LEAVER = new URL('./workers/leaver.worker.ts', import.meta.url);

describe('workers that exit with pending delayed frees', () => {
  it('hand their blocks over at exit, one alone and two at once; another thread frees each exactly once', async () => {
    const heap = SharedHeap.create({ size: 32 << 20 });
    const leavers: Worker[] = [];
    try {
      const qsbr = qsbrCreate(heap);
      const { registry } = countingRegistry();
      const main = qsbrRegister(heap, qsbr, registry);
      qsbrAttach(main); // online and never quiescent until the workers are gone: holds every goal back
      const workers = 3;
      const perWorker = 3 * WORK_ITEMS_PER_CHUNK + 17; // several full chunks and a partial one each
      const total = workers * perWorker;
      const counters = regionAlloc(heap, 4 * total);
      const exitFlags = regionAlloc(heap, 64 * workers);
      const counts = (): Int32Array => heap.i32.slice(counters >>> 2, (counters >>> 2) + total);
      const freedCounts = (): number[] => [...new Set(counts())].sort();

      const queued = Array.from({ length: workers }, (_, w) => {
        const worker = spawnTsWorker(LEAVER, {
          heap: heap.handle(),
          qsbr,
          counters,
          first: w * perWorker,
          count: perWorker,
          exitFlag: exitFlags + 64 * w,
        } satisfies LeaverData);
        leavers.push(worker);
        return nextMessage<LeaverMessage>(worker);
      });
      const exit = async (ws: number[]): Promise<LeaverMessage[]> => {
        const replies = ws.map((w) => nextMessage<LeaverMessage>(leavers[w]!));
        for (const w of ws) {
          Atomics.store(heap.i32, (exitFlags + 64 * w) >>> 2, 1);
          Atomics.notify(heap.i32, (exitFlags + 64 * w) >>> 2);
        }
        return Promise.all(replies);
      };

      // Step 1: every worker has queued its blocks and is still registered.
      const reports = await Promise.all(queued);
      expect(reports.map((r) => r.phase)).toEqual(['queued', 'queued', 'queued']);
      expect(reports.map((r) => (r.phase === 'queued' ? r.pending : -1))).toEqual([perWorker, perWorker, perWorker]);
      expect(freedCounts()).toEqual([0]); // nothing freed while we hold them back
      expect(qsbrStats(heap, qsbr)).toMatchObject({ threads: 4, online: 4, queuedItems: total, freedItems: 0, interpreterQueueHasWork: false });

      // Step 2: one worker exits; its pending blocks go to the interpreter queue, still held back.
      expect((await exit([0])).map((r) => r.phase)).toEqual(['exited']);
      expect(freedCounts()).toEqual([0]);
      expect(qsbrStats(heap, qsbr)).toMatchObject({ threads: 3, online: 3, freedItems: 0, interpreterQueueHasWork: true });

      // Step 3: the other two exit at the same time, handing over to the same queue concurrently.
      expect((await exit([1, 2])).map((r) => r.phase)).toEqual(['exited', 'exited']);
      expect(freedCounts()).toEqual([0]);
      expect(qsbrStats(heap, qsbr)).toMatchObject({ threads: 1, online: 1, queuedItems: total, freedItems: 0, interpreterQueueHasWork: true });

      // Step 4: processing before our own quiescent state frees nothing: we are the reader they wait for.
      processDelayed(main);
      expect(freedCounts()).toEqual([0]);

      // Step 5: once we pass, every block of the three exited threads is freed exactly once.
      qsbrQuiescentState(main);
      processDelayed(main);
      const after = counts();
      expect(after.filter((c) => c !== 1).length).toBe(0);
      expect(qsbrStats(heap, qsbr)).toMatchObject({ queuedItems: total, freedItems: total, interpreterQueueHasWork: false, threads: 1 });
      processDelayed(main);
      expect(freedCounts()).toEqual([1]); // and never again
      qsbrUnregister(main);
    } finally {
      await Promise.all(leavers.map((w) => w.terminate()));
      heap.close();
    }
  });
});
