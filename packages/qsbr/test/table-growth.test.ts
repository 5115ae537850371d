import { regionAlloc, SharedHeap } from '@ft/atomics';
import { nextMessage, spawnTsWorker } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { FreeCallbackRegistry, qsbrAdvance, qsbrAttach, qsbrCreate, qsbrDetach, qsbrRegister, qsbrStats, type QsbrThread } from '../src/index.js';

describe('slot table growth while another thread scans', () => {
  it('never hides an online thread from the scan', async () => {
    const heap = SharedHeap.create({ size: 32 << 20 });
    const views: SharedHeap[] = [];
    try {
      const qsbr = qsbrCreate(heap);
      const words = regionAlloc(heap, 4096);
      const holderSeq = words;
      const stop = words + 64;
      const started = words + 128;
      const scanner = spawnTsWorker(new URL('./workers/scanner.worker.ts', import.meta.url), {
        heap: heap.handle(),
        qsbr,
        holderSeq,
        stop,
        started,
      });
      const reply = nextMessage<{ scans: number; violations: number; example: string }>(scanner);
      while (Atomics.load(heap.i32, started >>> 2) === 0) await new Promise((r) => setTimeout(r, 1));
      // Hand the "online holder" role from thread to thread, each newly
      // registered one landing in a newer chunk as the table grows, and
      // advance past it so that a scan that missed it would pass its sequence.
      const registry = new FreeCallbackRegistry();
      let previous: QsbrThread | null = null;
      for (let k = 0; k < 250; k++) {
        const view = SharedHeap.attach(heap.handle());
        views.push(view);
        const holder = qsbrRegister(view, qsbr, registry);
        qsbrAttach(holder);
        Atomics.store(heap.u32, holderSeq >>> 2, holder.publishedSeq);
        if (previous !== null) qsbrDetach(previous);
        previous = holder;
        for (let i = 0; i < 3; i++) qsbrAdvance(holder);
        if (k % 25 === 0) await new Promise((r) => setTimeout(r, 1)); // let scans interleave
      }
      Atomics.store(heap.i32, stop >>> 2, 1);
      const result = await reply;
      await scanner.terminate();
      expect(qsbrStats(heap, qsbr).slotCapacity).toBeGreaterThanOrEqual(251); // 8+16+32+64+128+256 chunks appeared
      expect(result.scans).toBeGreaterThan(0);
      expect(result.violations, result.example).toBe(0);
    } finally {
      for (const v of views) v.close();
      heap.close();
    }
  });
});
