/**
 * Abandonment and reclamation with real workers (CPython's
 * `_PyThreadState_ClearMimallocHeaps`, `mi_segment_reclaim` with
 * reclaim-by-tag, `_mi_abandoned_pool_visit_blocks`).
 *
 * A leaver worker allocates blocks in heaps 0, 1, 2, 3 and the custom heap 7
 * (several size classes, holes in its pages, a large page per heap and a huge
 * block) and exits without freeing them. Then, step by step, with flags in
 * shared memory:
 *  (a) heap visiting from the main thread finds exactly those blocks, per
 *      tag, while they sit in abandoned segments;
 *  (b) a reclaimer worker allocates in heap 1, which reclaims abandoned
 *      segments (the reclaim counter rises); while it is paused, visiting one
 *      tag at a time still reports every leaver block under its own tag only
 *      (a page re-homed into another tag's heap would show up under the wrong
 *      mask) and the reclaimer's blocks under tag 1; then it frees every
 *      leaver block (patterns intact) and its own;
 *  (c) with both workers gone, nothing is live, and after a forced collection
 *      no segment is left and the region allocator is back where it started.
 *
 * A deterministic unit test with a scripted interleaving: each step waits
 * for the one before it (a worker for a flag in shared memory, the main
 * thread for the worker's message), never for time.
 */

import { regionAlloc, regionStats, SharedHeap } from '@ft/atomics';
import { nextMessage, spawnTsWorker } from '@ft/harness';
import { FreeCallbackRegistry, qsbrAdvance, qsbrAttach, qsbrCreate, qsbrDetach, qsbrPoll, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '@ft/qsbr';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { MI_MAX_TAG, miCollect, miCreate, miStats, miThreadExit, miThreadInit, miVisitBlocks, type MiThread } from '../src/index.js';
import type { AbandonReclaimData, PostedBlock } from './workers/abandon-reclaim.worker.js';
import { exited, within } from './workers/worker-steps.js';

const WORKER = new URL('./workers/abandon-reclaim.worker.ts', import.meta.url);

/** Blocks visited with the mask of one tag: address → usable size. */
function visitTag(t: MiThread, tag: number): Map<number, number> {
  const seen = new Map<number, number>();
  miVisitBlocks(t, 1 << tag, (block, size) => {
    if (seen.has(block)) throw new Error(`block ${block} visited twice under tag ${tag}`);
    seen.set(block, size);
  });
  return seen;
}

/** For every tag, the sorted addresses visited under that tag alone vs. the sorted addresses expected there. */
function perTagSets(t: MiThread, blocks: readonly PostedBlock[]): { tag: number; visited: number[]; expected: number[]; tooSmall: number[] }[] {
  const out = [];
  for (let tag = 0; tag <= MI_MAX_TAG; tag++) {
    const seen = visitTag(t, tag);
    const mine = blocks.filter((b) => b.tag === tag);
    out.push({
      tag,
      visited: [...seen.keys()].sort((a, b) => a - b),
      expected: mine.map((b) => b.address).sort((a, b) => a - b),
      tooSmall: mine.filter((b) => (seen.get(b.address) ?? Infinity) < b.size).map((b) => b.address),
    });
  }
  return out;
}

describe('abandon and reclaim with real workers', () => {
  it('abandoned blocks are visited under their tag, reclaimed pages stay in the heap of their tag, and everything is freed in the end', async () => {
    const heap = SharedHeap.create({ size: 128 << 20 });
    const workers: Worker[] = [];
    let mainMi: MiThread | null = null;
    try {
      const qsbr = qsbrCreate(heap);
      const mi = miCreate(heap, { checked: true });
      const flag = regionAlloc(heap, 64);
      const mainQsbr = qsbrRegister(heap, qsbr, new FreeCallbackRegistry());
      mainMi = miThreadInit(heap, mi, mainQsbr);
      const baseline = regionStats(heap);
      const base: Omit<AbandonReclaimData, 'role'> = { heap: heap.handle(), mi, qsbr, flag };

      // The leaver allocates and exits without freeing.
      const leaver = spawnTsWorker(WORKER, { ...base, role: 'leaver' } satisfies AbandonReclaimData);
      workers.push(leaver);
      const leaverExit = exited(leaver);
      const left = await within(nextMessage<{ tid: number; blocks: PostedBlock[] }>(leaver), 'leaver');
      await within(leaverExit, 'leaver exit');
      const leaverBlocks = left.blocks;
      const tagsUsed = [...new Set(leaverBlocks.map((b) => b.tag))].sort((a, b) => a - b);
      expect(tagsUsed).toEqual([0, 1, 2, 3, 7]);
      expect(new Set(leaverBlocks.map((b) => b.address)).size).toBe(leaverBlocks.length);

      // (a) Visiting sees the abandoned blocks, each under its own tag only.
      const abandoned = miStats(mainMi);
      expect(abandoned.threads).toBe(1);
      expect(abandoned.liveBlocks).toBe(leaverBlocks.length);
      expect(abandoned.hugeSegments).toBe(1);
      expect(abandoned.abandonedSegments).toBe(abandoned.segments + abandoned.hugeSegments);
      expect(abandoned.segments).toBeGreaterThanOrEqual(2);
      for (const { tag, visited, expected, tooSmall } of perTagSets(mainMi, leaverBlocks)) {
        expect(visited, `blocks visited under tag ${tag} (abandoned)`).toEqual(expected);
        expect(tooSmall, `blocks of tag ${tag} visited with a size below the request`).toEqual([]);
      }
      expect(miVisitBlocks(mainMi, 0xffff, () => {})).toBe(leaverBlocks.length);

      // (b) The reclaimer allocates in heap 1 and pauses.
      const reclaimer = spawnTsWorker(WORKER, { ...base, role: 'reclaimer', leaverBlocks } satisfies AbandonReclaimData);
      workers.push(reclaimer);
      const reclaimerExit = exited(reclaimer);
      const mine = await within(nextMessage<{ tid: number; blocks: PostedBlock[] }>(reclaimer), 'reclaimer allocation');
      expect(mine.tid).not.toBe(mainMi.tid);
      const reclaimed = miStats(mainMi);
      console.log(
        `abandon/reclaim: leaver tid ${left.tid} left ${leaverBlocks.length} blocks in ${abandoned.segments} segments + ${abandoned.hugeSegments} huge; ` +
          `reclaimer tid ${mine.tid} reclaimed ${reclaimed.reclaimedSegments - abandoned.reclaimedSegments}, ${reclaimed.abandonedSegments} still abandoned`,
      );
      expect(reclaimed.reclaimedSegments).toBeGreaterThan(abandoned.reclaimedSegments);
      expect(reclaimed.abandonedSegments).toBeLessThan(abandoned.abandonedSegments);
      expect(reclaimed.liveBlocks).toBe(leaverBlocks.length + mine.blocks.length);
      const everyone = [...leaverBlocks, ...mine.blocks];
      expect(new Set(everyone.map((b) => b.address)).size).toBe(everyone.length);
      for (const { tag, visited, expected, tooSmall } of perTagSets(mainMi, everyone)) {
        expect(visited, `blocks visited under tag ${tag} after the reclaim`).toEqual(expected);
        expect(tooSmall, `blocks of tag ${tag} visited with a size below the request`).toEqual([]);
      }

      // The reclaimer frees every block (the leaver's across tags, and its own).
      const freedReply = nextMessage<{ corruptions: number; problems: string[]; freed: number }>(reclaimer);
      Atomics.store(heap.i32, flag >>> 2, 1);
      Atomics.notify(heap.i32, flag >>> 2);
      const freed = await within(freedReply, 'reclaimer frees');
      expect(freed.problems).toEqual([]);
      expect(freed.corruptions).toBe(0);
      expect(freed.freed).toBe(everyone.length);
      // miStats is exact while the reclaimer is paused (nobody allocates or
      // frees). Read it before visiting: visiting collects the pages' free lists.
      expect.soft(miStats(mainMi).liveBlocks, 'miStats liveBlocks while the reclaimer is paused after freeing everything').toBe(0);
      expect(miVisitBlocks(mainMi, 0xffff, () => {})).toBe(0);

      // (c) The reclaimer exits too.
      const exitReply = nextMessage<{ exited: boolean }>(reclaimer);
      Atomics.store(heap.i32, flag >>> 2, 2);
      Atomics.notify(heap.i32, flag >>> 2);
      expect((await within(exitReply, 'reclaimer exit')).exited).toBe(true);
      await within(reclaimerExit, 'reclaimer thread exit');
      const end = miStats(mainMi);
      expect(end.threads).toBe(1);
      expect(end.liveBlocks).toBe(0);
      qsbrAttach(mainQsbr);
      const goal = qsbrAdvance(mainQsbr);
      qsbrQuiescentState(mainQsbr);
      expect(qsbrPoll(mainQsbr, goal)).toBe(true);
      miCollect(mainMi, true);
      qsbrDetach(mainQsbr);
      const collected = miStats(mainMi);
      expect({ segments: collected.segments, huge: collected.hugeSegments, abandoned: collected.abandonedSegments, pending: collected.qsbrPendingPages, live: collected.liveBlocks }).toEqual({
        segments: 0,
        huge: 0,
        abandoned: 0,
        pending: 0,
        live: 0,
      });
      const regions = regionStats(heap);
      expect({ regions: regions.regionsInUse, bytes: regions.bytesInUse }).toEqual({ regions: baseline.regionsInUse, bytes: baseline.bytesInUse });
      miThreadExit(mainMi);
      mainMi = null;
      qsbrUnregister(mainQsbr);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
      if (mainMi !== null) miThreadExit(mainMi);
      heap.close();
    }
  });
});
