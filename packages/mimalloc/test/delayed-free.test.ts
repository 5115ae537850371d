/**
 * Delayed-free notices (src/delayed-free-state.ts): when a cross-thread
 * free goes through the owner's heap list, and which state a page gets
 * back when the owner takes the notice.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { MI_HEAP_MEM, miCollect, miFree, miMalloc, miStats, type MiThread } from '../src/index.js';
import { MI_DELAYED_STATE_MASK, MI_NO_DELAYED_FREE, MI_USE_DELAYED_FREE, pageRearmedDelayedState } from '../src/delayed-free-state.js';
import { HEAP_THREAD_DELAYED_FREE_OFFSET, PAGE_XTHREAD_FREE_OFFSET } from '../src/layout.js';
import { heapOfTag } from '../src/mi-thread.js';
import { pageOf, segmentOf } from '../src/segment.js';
import { closeHeaps, MiB, setup, secondThread, live } from './fixture.js';

afterEach(closeHeaps);

describe("delayed-free notices (the owner's heap list)", () => {
  /** The delayed-free state of the page holding `p` (low two bits of its thread-free word). */
  function delayedState(t: MiThread, p: number): number {
    return Atomics.load(t.u32, (pageOf(t, segmentOf(p), p) + PAGE_XTHREAD_FREE_OFFSET) >>> 2) & MI_DELAYED_STATE_MASK;
  }
  function noticeList(t: MiThread): number {
    return Atomics.load(t.u32, (heapOfTag(t, MI_HEAP_MEM) + HEAP_THREAD_DELAYED_FREE_OFFSET) >>> 2);
  }

  it('once the owner took a notice for the first page of a size class, further cross-thread frees go to the page itself', () => {
    const env = setup(false);
    const { t } = env;
    const t2 = secondThread(env);
    const [a, b, c] = [miMalloc(t, 100), miMalloc(t, 100), miMalloc(t, 100)];
    expect(delayedState(t, a), 'a fresh page').toBe(MI_USE_DELAYED_FREE);
    miFree(t2, a);
    expect(noticeList(t), 'a cross-thread free waits in the freeing thread\'s batch').toBe(0);
    miCollect(t2, false);
    expect(noticeList(t), "the page's first cross-thread free is a notice (a batch of one is a plain block)").toBe(a);
    miCollect(t, false);
    expect(noticeList(t)).toBe(0);
    // mimalloc would re-arm USE_DELAYED_FREE here; the first page of the queue needs no notice.
    expect(delayedState(t, b)).toBe(MI_NO_DELAYED_FREE);
    miFree(t2, b);
    expect(noticeList(t), 'the next one went to the thread-free list').toBe(0);
    expect(live(t)).toBe(1);
    // The owner still finds it: its next refill of that size class collects the page.
    const again = Array.from({ length: 2000 }, () => miMalloc(t, 100));
    expect(again).toContain(b);
    for (const p of [...again, c]) miFree(t, p);
    miCollect(t, true);
    expect(miStats(t).liveBlocks).toBe(0);
  });

  it('pages the owner does not look at on a refill are re-armed: full, behind the first, large', () => {
    const { t } = setup(false);
    const first = miMalloc(t, 100);
    const blocks = [first];
    // Fill the first page: the next allocation makes a second page, the first goes to the full queue.
    while (pageOf(t, segmentOf(blocks[blocks.length - 1]), blocks[blocks.length - 1]) === pageOf(t, segmentOf(first), first)) {
      blocks.push(miMalloc(t, 100));
    }
    const older = pageOf(t, segmentOf(first), first);
    const last = blocks[blocks.length - 1];
    const newer = pageOf(t, segmentOf(last), last);
    expect(pageRearmedDelayedState(t, newer), 'first page of its queue').toBe(MI_NO_DELAYED_FREE);
    expect(pageRearmedDelayedState(t, older), 'full page').toBe(MI_USE_DELAYED_FREE);
    miFree(t, first); // the owner's free takes it out of the full queue, behind the newer page
    expect(pageRearmedDelayedState(t, older), 'second page of its queue').toBe(MI_USE_DELAYED_FREE);
    const large = miMalloc(t, 1 * MiB);
    expect(pageRearmedDelayedState(t, pageOf(t, segmentOf(large), large)), 'large page').toBe(MI_USE_DELAYED_FREE);
    for (const p of [...blocks.slice(1), large]) miFree(t, p);
  });
});
