/**
 * Batched cross-thread frees (src/remote-batch.ts, src/batch-node.ts): what
 * a pending batch holds, when it is pushed, what the owner does with a node,
 * and that a freeing thread never writes the object header of a freed object.
 */

import { FatalError } from '@ft/atomics';
import { afterEach, describe, expect, it } from 'vitest';
import { MI_HEAP_MEM, MI_HEAP_OBJECT, miAbandonThread, miCollect, miFree, miHeapMalloc, miMalloc, miStats, miThreadExit, type MiThread } from '../src/index.js';
import { MI_DELAYED_STATE_MASK } from '../src/delayed-free-state.js';
import { HEAP_THREAD_DELAYED_FREE_OFFSET, MI_BATCH_MAX, MI_BATCH_TAG, MI_OBJECT_DEBUG_OFFSET, MI_PENDING_SLOTS, PAGE_USED_OFFSET, PAGE_XBATCH_OFFSET, PAGE_XTHREAD_FREE_OFFSET } from '../src/layout.js';
import { heapOfTag } from '../src/mi-thread.js';
import { pageOf, segmentOf } from '../src/segment.js';
import { closeHeaps, live, secondThread, setup, type Env } from './fixture.js';

afterEach(closeHeaps);

function pageOfBlock(t: MiThread, p: number): number {
  return pageOf(t, segmentOf(p), p);
}
/** The page's thread-free list head (without the delayed state). */
function threadFreeHead(t: MiThread, page: number): number {
  return (Atomics.load(t.u32, (page + PAGE_XTHREAD_FREE_OFFSET) >>> 2) & ~MI_DELAYED_STATE_MASK) >>> 0;
}
/** The non-zero pending slots of a thread: node addresses. */
function pendingNodes(t: MiThread): number[] {
  return Array.from(t.u32.subarray(t.pendingIndex, t.pendingIndex + MI_PENDING_SLOTS)).filter((n) => n !== 0);
}
function used(t: MiThread, page: number): number {
  return t.u32[(page + PAGE_USED_OFFSET) >>> 2];
}
/** `count` blocks of `size` from one fresh page of the owner, the page put out of its first-allocation state. */
function blocksOfOnePage(env: Env, size: number, count: number, tag = MI_HEAP_MEM): number[] {
  const blocks = Array.from({ length: count }, () => miHeapMalloc(env.t, tag, size));
  const page = pageOfBlock(env.t, blocks[0]);
  for (const b of blocks) expect(pageOfBlock(env.t, b)).toBe(page);
  return blocks;
}

describe('batched cross-thread frees', () => {
  it('frees into one page wait in one batch node, counted in the node, and are pushed as one tagged entry', () => {
    const env = setup(false);
    const t2 = secondThread(env);
    const blocks = blocksOfOnePage(env, 64, 40);
    const page = pageOfBlock(env.t, blocks[0]);
    const shape = env.t.u32[(page + PAGE_XBATCH_OFFSET) >>> 2];
    expect(shape & 0xff, '64-byte mem blocks: the count and 14 addresses after the link').toBe(15);
    expect(shape >>> 8, 'count word right after the link on a mem heap').toBe(4);
    for (const b of blocks.slice(0, 5)) miFree(t2, b);
    expect(pendingNodes(t2)).toEqual([blocks[0]]);
    expect(t2.u32[(blocks[0] + 4) >>> 2], 'count').toBe(5);
    expect(Array.from(t2.u32.subarray((blocks[0] + 8) >>> 2, (blocks[0] + 24) >>> 2)), 'addresses').toEqual(blocks.slice(1, 5));
    expect(threadFreeHead(env.t, page), 'nothing pushed yet').toBe(0);
    expect(used(env.t, page), 'pending blocks still count as used').toBe(40);
    // Statistics count pending blocks as free.
    expect(miStats(env.t).liveBlocks).toBe(35);
    miCollect(t2, false);
    expect(pendingNodes(t2)).toEqual([]);
    const notice = Atomics.load(env.t.u32, (heapOfTag(env.t, MI_HEAP_MEM) + HEAP_THREAD_DELAYED_FREE_OFFSET) >>> 2);
    expect(notice, "a fresh page's first push is a notice on the heap's list, tagged as a node").toBe(blocks[0] | MI_BATCH_TAG);
    expect(miStats(env.t).liveBlocks).toBe(35);
    // The owner takes the notice: all five blocks come back to its free list.
    miCollect(env.t, false);
    expect(used(env.t, page)).toBe(35);
    expect(live(env.t)).toBe(35);
    for (const b of blocks.slice(5)) miFree(env.t, b);
    expect(live(env.t)).toBe(0);
  });

  it('a batch that reaches the page capacity is pushed at once, and the owner reuses every block of it', () => {
    const env = setup(false);
    const t2 = secondThread(env);
    const blocks = blocksOfOnePage(env, 128, 3 * MI_BATCH_MAX + 3);
    const page = pageOfBlock(env.t, blocks[0]);
    expect(env.t.u32[(page + PAGE_XBATCH_OFFSET) >>> 2] & 0xff).toBe(MI_BATCH_MAX);
    // A first push (the page's notice), taken by the owner: later pushes go to the page's own list.
    miFree(t2, blocks[0]);
    miCollect(t2, false);
    miCollect(env.t, false);
    const rest = blocks.slice(1);
    for (const b of rest.slice(0, MI_BATCH_MAX)) miFree(t2, b);
    expect(pendingNodes(t2), 'the full batch left the slot').toEqual([]);
    expect(Atomics.load(env.t.u32, (page + PAGE_XTHREAD_FREE_OFFSET) >>> 2) & ~MI_DELAYED_STATE_MASK).toBe(rest[0] | MI_BATCH_TAG);
    for (const b of rest.slice(MI_BATCH_MAX, 2 * MI_BATCH_MAX)) miFree(t2, b);
    expect(threadFreeHead(env.t, page), 'two nodes on the list').toBe(rest[MI_BATCH_MAX] | MI_BATCH_TAG);
    expect(env.t.u32[rest[MI_BATCH_MAX] >>> 2], 'linked to the first node, tag included').toBe(rest[0] | MI_BATCH_TAG);
    expect(live(env.t)).toBe(blocks.length - 1 - 2 * MI_BATCH_MAX);
    // Allocating from the page returns exactly the freed blocks (and then fresh ones).
    const freed = new Set([blocks[0], ...rest.slice(0, 2 * MI_BATCH_MAX)]);
    const again = Array.from({ length: freed.size }, () => miMalloc(env.t, 128));
    expect(new Set(again)).toEqual(freed);
    for (const b of [...again, ...rest.slice(2 * MI_BATCH_MAX)]) miFree(env.t, b);
    expect(live(env.t)).toBe(0);
  });

  it('a free into another page of the same slot pushes the earlier batch', () => {
    const env = setup(false);
    const t2 = secondThread(env);
    // Pages of the same segment 32 slices apart share a slot: find two.
    const bySlot = new Map<number, number[]>();
    const all: number[] = [];
    let pair: [number, number] | undefined;
    for (let size = 16; pair === undefined && size <= 1024; size += 16) {
      for (let i = 0; i < 2; i++) all.push(miMalloc(env.t, size));
      const p = all[all.length - 1];
      const page = pageOfBlock(env.t, p);
      const slot = ((page >>> 6) + (page >>> 22)) & (MI_PENDING_SLOTS - 1);
      const seen = bySlot.get(slot);
      if (seen !== undefined && pageOfBlock(env.t, seen[0]) !== page) pair = [seen[0], p];
      else if (seen === undefined) bySlot.set(slot, [p]);
    }
    // Fewer than 33 size classes may fit before two pages collide; make more pages of one class then.
    for (let n = 0; pair === undefined && n < 100000; n++) {
      const p = miMalloc(env.t, 16384);
      all.push(p);
      const page = pageOfBlock(env.t, p);
      const slot = ((page >>> 6) + (page >>> 22)) & (MI_PENDING_SLOTS - 1);
      const seen = bySlot.get(slot);
      if (seen !== undefined && pageOfBlock(env.t, seen[0]) !== page) pair = [seen[0], p];
      else if (seen === undefined) bySlot.set(slot, [p]);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    miFree(t2, a);
    expect(pendingNodes(t2)).toEqual([a]);
    miFree(t2, b);
    expect(pendingNodes(t2), 'b took the slot').toEqual([b]);
    expect(live(env.t)).toBe(all.length - 2);
    for (const p of all) if (p !== a && p !== b) miFree(env.t, p);
    expect(live(env.t)).toBe(0);
  });

  it("a freeing thread never writes a freed object's header up to ob_type, and only the node's words after it", () => {
    const env = setup(false);
    const t2 = secondThread(env);
    const blocks = blocksOfOnePage(env, 48, 12, MI_HEAP_OBJECT);
    const page = pageOfBlock(env.t, blocks[0]);
    const shape = env.t.u32[(page + PAGE_XBATCH_OFFSET) >>> 2];
    expect(shape >>> 8, 'the count word follows the protected object header').toBe(MI_OBJECT_DEBUG_OFFSET);
    expect(shape & 0xff, '48-byte blocks: the count and 7 addresses after 16 bytes').toBe(8);
    for (const b of blocks) env.t.u8.fill(0xab, b, b + 48);
    for (const b of blocks.slice(0, 6)) miFree(t2, b);
    for (const b of blocks) {
      const written = Array.from(env.t.u8.subarray(b, b + 48)).flatMap((x, i) => (x === 0xab ? [] : [i]));
      // The node gets its count and 5 addresses at bytes 16..39; no other block is touched.
      if (b === blocks[0]) expect(written.every((i) => i >= 16 && i < 40)).toBe(true);
      else expect(written, `block ${b}`).toEqual([]);
    }
    miCollect(t2, false);
    miCollect(env.t, false);
    for (const b of blocks.slice(6)) miFree(env.t, b);
    expect(live(env.t)).toBe(0);
  });

  it('pages without batches: small object blocks and single-block pages go out alone', () => {
    const env = setup(false);
    const t2 = secondThread(env);
    const small = blocksOfOnePage(env, 16, 4, MI_HEAP_OBJECT);
    expect(env.t.u32[(pageOfBlock(env.t, small[0]) + PAGE_XBATCH_OFFSET) >>> 2], 'no room after the object header').toBe(0);
    const large = miMalloc(env.t, 1024 * 1024);
    expect(env.t.u32[(pageOfBlock(env.t, large) + PAGE_XBATCH_OFFSET) >>> 2], 'one block per page').toBe(0);
    for (const b of [...small, large]) miFree(t2, b);
    expect(pendingNodes(t2)).toEqual([]);
    expect(live(env.t)).toBe(0);
  });

  it('miThreadExit and miAbandonThread push a thread\'s pending batches', () => {
    const env = setup(false);
    const t2 = secondThread(env);
    const blocks = blocksOfOnePage(env, 32, 10);
    for (const b of blocks.slice(0, 4)) miFree(t2, b);
    expect(pendingNodes(t2)).toHaveLength(1);
    miThreadExit(t2);
    expect(miStats(env.t).liveBlocks).toBe(6);
    const t3 = secondThread(env);
    for (const b of blocks.slice(4, 8)) miFree(t3, b);
    expect(pendingNodes(t3)).toHaveLength(1);
    // As for a thread that died without exiting: another thread abandons it.
    expect(miAbandonThread(env.heap, env.mi, t3.tid, null)).toBe(true);
    miCollect(env.t, true);
    expect(live(env.t)).toBe(2);
    for (const b of blocks.slice(8)) miFree(env.t, b);
    expect(live(env.t)).toBe(0);
  });

  it('heap visiting pushes every thread\'s batches and clears the slots; the holder then starts afresh', () => {
    const env = setup(false);
    const t2 = secondThread(env);
    const blocks = blocksOfOnePage(env, 64, 20);
    for (const b of blocks.slice(0, 3)) miFree(t2, b);
    expect(live(env.t), 'visited by the owner').toBe(17);
    expect(pendingNodes(t2)).toEqual([]);
    // The holder's private copy is stale now; its next free must start a new node.
    miFree(t2, blocks[3]);
    expect(pendingNodes(t2)).toEqual([blocks[3]]);
    expect(t2.u32[(blocks[3] + 4) >>> 2]).toBe(1);
    expect(live(env.t)).toBe(16);
    for (const b of blocks.slice(4)) miFree(env.t, b);
    expect(live(env.t)).toBe(0);
  });

  it('a node whose count is out of range is a fatal error when the owner takes it', () => {
    const env = setup(false);
    const t2 = secondThread(env);
    const blocks = blocksOfOnePage(env, 64, 8);
    miFree(t2, blocks[0]);
    miCollect(t2, false);
    miCollect(env.t, false);
    miFree(t2, blocks[1]);
    miFree(t2, blocks[2]);
    miCollect(t2, false);
    // Corrupt the node's count (a stray write by the freeing thread's program).
    t2.u32[(blocks[1] + 4) >>> 2] = MI_BATCH_MAX + 1;
    expect(() => live(env.t)).toThrow(FatalError);
    expect(() => live(env.t)).not.toThrow();
  });
});
