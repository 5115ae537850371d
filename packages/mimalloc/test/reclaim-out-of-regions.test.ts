/**
 * Reclaiming abandoned segments when the region allocator has no segment
 * left to give (mimalloc `mi_segment_try_reclaim`,
 * `mi_segment_reclaim_or_alloc`, `mi_page_queue_find_free_ex`).
 *
 * Found with 10,000 Python threads run one after another, each leaking a
 * few blocks: once the region area could not hold another 4 MiB segment,
 * allocations failed with MemoryError while abandoned segments had whole
 * free spans. Two departures from mimalloc did it: adopting a segment on its
 * fourth visit (which only bounds the pool) ended the search for one with
 * room, so the allocation fell through to a new segment, which could not be
 * had; and adopting a page of the requested size with free blocks was
 * followed by carving a new page (from a new segment when no span was left)
 * instead of using that page, which made the heap grow until then.
 *
 * Deterministic: several thread identities in one JavaScript thread (see
 * fixture.ts), the region area filled with ballast so that exactly the
 * segments the test means are there.
 */

import { regionAlloc, regionFree, type SharedHeap } from '@ft/atomics';
import { afterEach, describe, expect, it } from 'vitest';
import { miFree, miMalloc, miStats, miThreadExit, type MiThread } from '../src/index.js';
import { MI_SEGMENT_SIZE, MI_SMALL_OBJ_SIZE_MAX, SEGMENT_ABANDONED_NEXT_OFFSET, SEGMENT_ABANDONED_VISITS_OFFSET, SHARED_ABANDONED_OFFSET, SHARED_VISITED_OFFSET } from '../src/layout.js';
import { segmentOf } from '../src/segment.js';
import { closeHeaps, MiB, secondThread, setup } from './fixture.js';

afterEach(closeHeaps);

/** A large block: a page of 32 slices of its own (2 MiB). */
const BIG = 2 * MiB;
/** A large block of 24 slices: with a BIG one, it leaves 7 of a segment's 63 slices free. */
const OTHER = 1.5 * MiB;

/**
 * Takes every 4 MiB-aligned 4 MiB region left, then gives `spare` of them
 * back: after that, mimalloc can make exactly `spare` more segments.
 */
function leaveSegments(heap: SharedHeap, spare: number): void {
  const ballast: number[] = [];
  for (let r = regionAlloc(heap, MI_SEGMENT_SIZE, MI_SEGMENT_SIZE); r !== 0; r = regionAlloc(heap, MI_SEGMENT_SIZE, MI_SEGMENT_SIZE)) ballast.push(r);
  expect(ballast.length).toBeGreaterThanOrEqual(spare);
  for (let i = 0; i < spare; i++) regionFree(heap, ballast.pop()!, MI_SEGMENT_SIZE);
}

/** The abandoned segments in the order the pool hands them out: the abandoned list, then the visited one. */
function poolOrder(t: MiThread): number[] {
  const u32 = t.u32;
  const order: number[] = [];
  for (const list of [SHARED_ABANDONED_OFFSET, SHARED_VISITED_OFFSET]) {
    for (let s = u32[(t.shared + list) >>> 2]!; s !== 0; s = u32[(s + SEGMENT_ABANDONED_NEXT_OFFSET) >>> 2]!) order.push(s);
  }
  return order;
}

function visits(t: MiThread, segment: number): number {
  return t.u32[(segment + SEGMENT_ABANDONED_VISITS_OFFSET) >>> 2]!;
}

/**
 * Thread x fills four segments with a BIG and an OTHER block each (7 free
 * slices left in each, too few for a BIG page) and exits; the region area
 * then holds `spare` more segments. Returns x's BIG blocks.
 */
function fourCrowdedAbandonedSegments(heap: SharedHeap, x: MiThread, spare: number): number[] {
  const bigs: number[] = [];
  for (let i = 0; i < 4; i++) {
    const big = miMalloc(x, BIG);
    const other = miMalloc(x, OTHER);
    expect(big).not.toBe(0);
    expect(segmentOf(other), 'the OTHER block shares the BIG one’s segment').toBe(segmentOf(big));
    bigs.push(big);
  }
  expect(new Set(bigs.map(segmentOf)).size).toBe(4);
  leaveSegments(heap, spare);
  miThreadExit(x);
  expect(poolOrder(x).sort()).toEqual(bigs.map(segmentOf).sort());
  return bigs;
}

describe('reclaim when no new segment can be had', () => {
  it('adopting a segment on its fourth visit does not end the search for one with room', () => {
    const env = setup(true, 48 * MiB);
    const x = secondThread(env);
    const w = secondThread(env);
    const bigs = fourCrowdedAbandonedSegments(env.heap, x, 1);

    // w's first BIG block examines each segment twice (eight pops, none has
    // room) and then takes the one segment the regions still hold.
    const first = miMalloc(w, BIG);
    expect(first).not.toBe(0);
    const order = poolOrder(w);
    expect(order).toHaveLength(4);
    expect(order.map((s) => visits(w, s))).toEqual([3, 3, 3, 3]);
    expect(regionAlloc(env.heap, MI_SEGMENT_SIZE, MI_SEGMENT_SIZE), 'no segment left in the regions').toBe(0);

    // Room appears in the second segment the pool will hand out: its BIG
    // block is freed from another thread, into the abandoned page.
    const roomy = order[1]!;
    miFree(env.t, bigs.find((b) => segmentOf(b) === roomy)!);

    // The first segment examined is adopted on its fourth visit, without
    // room; the search must go on to the second, which has room. (Before the
    // fix: out of memory, here and again after the forced collection, whose
    // re-pushing puts another crowded segment first.)
    const second = miMalloc(w, BIG);
    expect(second, 'a BIG block from the abandoned segment with room').not.toBe(0);
    expect(segmentOf(second)).toBe(roomy);
    expect(miStats(w).segments).toBe(5);
  });

  it('out of regions with no room anywhere: 0 (MemoryError), after adopting what it examined', () => {
    const env = setup(true, 48 * MiB);
    const x = secondThread(env);
    const w = secondThread(env);
    fourCrowdedAbandonedSegments(env.heap, x, 0);

    expect(miMalloc(w, BIG)).toBe(0);
    // Every segment was examined more than three times over the attempts, so
    // w adopted them all (the pool stays bounded); none was released.
    const stats = miStats(w);
    expect({ segments: stats.segments, abandoned: stats.abandonedSegments }).toEqual({ segments: 4, abandoned: 0 });
    // Smaller blocks still come from the adopted segments' 7-slice spans.
    expect(miMalloc(w, 64)).not.toBe(0);
  });

  it('a reclaimed page of the requested size with free blocks is used, not a new segment', () => {
    const env = setup(true, 48 * MiB);
    const x = secondThread(env);
    const w = secondThread(env);
    // x fills one segment with pages of the largest small blocks, every slice used.
    const blocks: number[] = [];
    let overflow = 0;
    for (let i = 0; i < 10_000 && overflow === 0; i++) {
      const p = miMalloc(x, MI_SMALL_OBJ_SIZE_MAX);
      expect(p).not.toBe(0);
      if (blocks.length > 0 && segmentOf(p) !== segmentOf(blocks[0]!)) overflow = p;
      else blocks.push(p);
    }
    expect(overflow, 'the first segment filled up').not.toBe(0);
    miFree(x, overflow);
    const freed = blocks[blocks.length >> 1]!;
    miFree(x, freed);
    miThreadExit(x);
    expect(miStats(w)).toMatchObject({ segments: 1, abandonedSegments: 1 });

    // The pool's one segment has no free span, and one page of this size
    // with a free block: adopting it must give that block, with regions to
    // spare for a new segment.
    const p = miMalloc(w, MI_SMALL_OBJ_SIZE_MAX);
    expect(p).toBe(freed);
    expect(miStats(w)).toMatchObject({ segments: 1, abandonedSegments: 0 });
  });
});
