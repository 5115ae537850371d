import { SharedHeap } from '@ft/atomics';
import { FreeCallbackRegistry, qsbrAttach, qsbrCreate, qsbrRegister } from '@ft/qsbr';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MI_HEAP_GC,
  MI_HEAP_GC_PRE,
  MI_HEAP_MEM,
  MI_HEAP_OBJECT,
  miAbandonThread,
  miCollect,
  miCreate,
  miFree,
  miHeapMalloc,
  miMalloc,
  miStats,
  miThreadExit,
  miThreadInit,
  miUsableSize,
  miVisitBlocks,
  type MiThread,
} from '../src/index.js';
import { MI_SLICE_SIZE } from '../src/layout.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const heaps: SharedHeap[] = [];

afterEach(() => {
  for (const h of heaps.splice(0).reverse()) h.close();
});

interface Env {
  heap: SharedHeap;
  mi: number;
  t: MiThread;
}

function setup(checked: boolean): Env {
  const heap = SharedHeap.create({ size: 128 * MiB });
  heaps.push(heap);
  const mi = miCreate(heap, { checked });
  return { heap, mi, t: miThreadInit(heap, mi, null) };
}

/** A second "thread" in this JS thread (own heap view, own tid); its frees of `t`'s blocks take the thread-free path. */
function secondThread(env: Env): MiThread {
  const view = SharedHeap.attach(env.heap.handle());
  heaps.push(view);
  return miThreadInit(view, env.mi, null);
}

/** Addresses visited for `mask`, sorted; fails on a block visited twice or a wrong size. */
function visit(t: MiThread, mask: number): number[] {
  const seen = new Map<number, number>();
  const n = miVisitBlocks(t, mask, (block, size) => {
    expect(seen.has(block), `block ${block} visited twice`).toBe(false);
    seen.set(block, size);
  });
  expect(n).toBe(seen.size);
  for (const [block, size] of seen) expect(size, `size reported for ${block}`).toBe(miUsableSize(t, block));
  return [...seen.keys()].sort((a, b) => a - b);
}

const sorted = (xs: Iterable<number>): number[] => [...xs].sort((a, b) => a - b);

/** Allocates `size`-byte blocks of `tag` until one lands outside the first block's slice: that page is then full. */
function fillPage(t: MiThread, tag: number, size: number): { blocks: number[]; next: number } {
  const first = miHeapMalloc(t, tag, size);
  const slice = Math.floor(first / MI_SLICE_SIZE);
  const blocks = [first];
  for (;;) {
    const p = miHeapMalloc(t, tag, size);
    expect(p).not.toBe(0);
    if (Math.floor(p / MI_SLICE_SIZE) !== slice) return { blocks, next: p };
    blocks.push(p);
  }
}

/** A fixed-seed shuffle (xorshift), so the order is the same on every run. */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed | 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe.each([false, true])('miVisitBlocks (checked = %s)', (checked) => {
  it('an empty interpreter has nothing to visit', () => {
    const { t } = setup(checked);
    expect(visit(t, 0xffff)).toEqual([]);
    const p = miMalloc(t, 10);
    miFree(t, p);
    expect(visit(t, 0xffff)).toEqual([]);
  });

  it('a full page: every block, in order', () => {
    const { t } = setup(checked);
    const { blocks, next } = fillPage(t, MI_HEAP_GC, 64);
    // 64-byte blocks start 3 blocks into the slice: (64 KiB - 192) / 64 of them
    expect(blocks.length).toBe((MI_SLICE_SIZE - 192) / 64);
    expect(visit(t, 1 << MI_HEAP_GC)).toEqual(sorted([...blocks, next]));
    // still exact on a second visit (visiting collects lists, it must not change the live set)
    expect(visit(t, 1 << MI_HEAP_GC)).toEqual(sorted([...blocks, next]));
  });

  it('an emptied page (kept by retirement) has nothing to visit', () => {
    const { t } = setup(checked);
    const ps = Array.from({ length: 50 }, () => miHeapMalloc(t, MI_HEAP_OBJECT, 100));
    for (const p of ps) miFree(t, p);
    expect(visit(t, 0xf)).toEqual([]);
    expect(miStats(t).pages.small).toBe(1); // still there, retired
    miCollect(t, true);
    expect(miStats(t).segments).toBe(0);
  });

  it('single-block pages: large (1 MiB) and huge (5 MiB) blocks', () => {
    const { t } = setup(checked);
    const large = miHeapMalloc(t, MI_HEAP_GC, 1 * MiB);
    const huge = miHeapMalloc(t, MI_HEAP_GC, 5 * MiB);
    const medium = miHeapMalloc(t, MI_HEAP_GC, 100 * KiB);
    expect(visit(t, 1 << MI_HEAP_GC)).toEqual(sorted([large, huge, medium]));
    miFree(t, huge);
    expect(visit(t, 1 << MI_HEAP_GC)).toEqual(sorted([large, medium]));
    miFree(t, large);
    miFree(t, medium);
    expect(visit(t, 0xffff)).toEqual([]);
  });

  for (const [order, arrange] of [
    ['forward', (xs: number[]) => [...xs]],
    ['reverse', (xs: number[]) => [...xs].reverse()],
    ['every other', (xs: number[]) => [...xs.filter((_, i) => i % 2 === 0), ...xs.filter((_, i) => i % 2 === 1)]],
    ['shuffled', (xs: number[]) => shuffled(xs, 0x1234567)],
  ] as const) {
    it(`partially used pages, blocks freed ${order} (local free list, collected free list, thread-free list)`, () => {
      const env = setup(checked);
      const { t } = env;
      const t2 = secondThread(env);
      for (const size of [16, 48, 256, 3000, 20 * KiB]) {
        const live = new Set<number>();
        const all: number[] = [];
        for (let i = 0; i < 120; i++) {
          const p = miHeapMalloc(t, MI_HEAP_GC, size);
          all.push(p);
          live.add(p);
        }
        const freeOrder = arrange(all.slice());
        const check = (what: string): void => {
          expect(visit(t, 1 << MI_HEAP_GC), `${size}: ${what}`).toEqual(sorted(live));
          expect(visit(t2, 1 << MI_HEAP_GC), `${size}: ${what}, visited by the other thread`).toEqual(sorted(live));
        };
        // a third by the owner (local free list) ...
        for (const p of freeOrder.slice(0, 40)) {
          miFree(t, p);
          live.delete(p);
        }
        check('after owner frees');
        // ... some allocations so the local list is taken into `free` ...
        for (let i = 0; i < 10; i++) {
          const p = miHeapMalloc(t, MI_HEAP_GC, size);
          live.add(p);
          all.push(p);
        }
        check('after reuse');
        // ... a third by the other thread (thread-free list, not yet collected) ...
        for (const p of freeOrder.slice(40, 80)) {
          miFree(t2, p);
          live.delete(p);
        }
        check('after cross-thread frees');
        // ... and the rest, in the same order.
        for (const p of [...freeOrder.slice(80), ...all.slice(120)]) {
          miFree(live.size % 2 === 0 ? t : t2, p);
          live.delete(p);
        }
        check('after freeing everything');
        expect(live.size).toBe(0);
      }
      miCollect(t, true);
      expect([miStats(t).liveBlocks, miStats(t).segments]).toEqual([0, 0]);
    });
  }

  it("cross-thread frees into a full page (the owner's delayed-free list) are not visited", () => {
    const env = setup(checked);
    const { t } = env;
    const t2 = secondThread(env);
    const { blocks, next } = fillPage(t, MI_HEAP_OBJECT, 32); // the page is now in the full queue
    const live = new Set([...blocks, next]);
    // The first of these goes to t's heap delayed-free list, the others to the page's thread-free list.
    for (const p of shuffled(blocks, 99).slice(0, 300)) {
      miFree(t2, p);
      live.delete(p);
    }
    expect(visit(t2, 1 << MI_HEAP_OBJECT)).toEqual(sorted(live));
    expect(visit(t, 1 << MI_HEAP_OBJECT)).toEqual(sorted(live));
    // the owner allocates again: the freed blocks come back, and the visit follows
    for (let i = 0; i < 100; i++) live.add(miHeapMalloc(t, MI_HEAP_OBJECT, 32));
    expect(visit(t, 1 << MI_HEAP_OBJECT)).toEqual(sorted(live));
    for (const p of live) miFree(t2, p);
    expect(visit(t, 0xffff)).toEqual([]);
    miCollect(t, true);
    expect([miStats(t).liveBlocks, miStats(t).segments]).toEqual([0, 0]);
  });

  it('blocks of both threads are visited by either', () => {
    const env = setup(checked);
    const { t } = env;
    const t2 = secondThread(env);
    const a = Array.from({ length: 30 }, (_, i) => miHeapMalloc(t, MI_HEAP_GC, 16 + i * 8));
    const b = Array.from({ length: 30 }, (_, i) => miHeapMalloc(t2, MI_HEAP_GC, 16 + i * 8));
    expect(visit(t, 1 << MI_HEAP_GC)).toEqual(sorted([...a, ...b]));
    expect(visit(t2, 1 << MI_HEAP_GC)).toEqual(sorted([...a, ...b]));
    for (const p of [...a, ...b]) miFree(t2, p);
    expect(visit(t, 0xffff)).toEqual([]);
  });

  it('after miThreadExit of the first thread: abandoned segments are visited, and freed into', () => {
    const env = setup(checked);
    const { t } = env;
    const t2 = secondThread(env);
    const live = new Map<number, number>(); // block -> tag
    for (let i = 0; i < 400; i++) {
      const tag = i % 4;
      const size = [16, 40, 100, 700, 5000, 30 * KiB][i % 6];
      live.set(miHeapMalloc(t, tag, size), tag);
    }
    const large = miHeapMalloc(t, MI_HEAP_GC, 1 * MiB);
    const huge = miHeapMalloc(t, MI_HEAP_GC_PRE, 3 * MiB);
    live.set(large, MI_HEAP_GC);
    live.set(huge, MI_HEAP_GC_PRE);
    // free a few before exit: some locally, some from the other thread
    const before = shuffled([...live.keys()], 7).slice(0, 100);
    before.forEach((p, i) => {
      miFree(i % 2 === 0 ? t : t2, p);
      live.delete(p);
    });
    const mine = Array.from({ length: 20 }, () => miHeapMalloc(t2, MI_HEAP_GC, 64));
    miThreadExit(t);
    const stats = miStats(t2);
    expect(stats.threads).toBe(1);
    expect(stats.abandonedSegments).toBeGreaterThanOrEqual(2); // the normal segment and the huge one
    const byTag = (mask: number): number[] => sorted([...live].filter(([, tag]) => (mask & (1 << tag)) !== 0).map(([p]) => p));
    expect(visit(t2, 0xf)).toEqual(sorted([...live.keys(), ...mine]));
    for (let tag = 0; tag < 4; tag++) {
      const extra = tag === MI_HEAP_GC ? mine : [];
      expect(visit(t2, 1 << tag), `tag ${tag}`).toEqual(sorted([...byTag(1 << tag), ...extra]));
    }
    // free half of the abandoned blocks from the surviving thread, then visit again
    const half = shuffled([...live.keys()], 11).slice(0, Math.floor(live.size / 2));
    for (const p of half) {
      miFree(t2, p);
      live.delete(p);
    }
    expect(visit(t2, 0xf)).toEqual(sorted([...live.keys(), ...mine]));
    // the rest, then everything is released
    for (const p of [...live.keys(), ...mine]) miFree(t2, p);
    expect(visit(t2, 0xffff)).toEqual([]);
    miCollect(t2, true);
    const end = miStats(t2);
    expect([end.liveBlocks, end.segments, end.hugeSegments, end.abandonedSegments]).toEqual([0, 0, 0, 0]);
  });

  it('after miThreadExit, a reclaiming thread keeps every block visible under its tag', () => {
    const env = setup(checked);
    const { t } = env;
    const t2 = secondThread(env);
    const live = new Map<number, number>();
    for (let i = 0; i < 200; i++) live.set(miHeapMalloc(t, i % 4, 24 + (i % 7) * 40), i % 4);
    miThreadExit(t);
    // t2 needs pages: it may reclaim the abandoned segment (visits > 3 forces it eventually)
    const mine: number[] = [];
    for (let i = 0; i < 4000; i++) mine.push(miHeapMalloc(t2, MI_HEAP_MEM, 200 + (i % 50) * 16));
    expect(miStats(t2).reclaimedSegments, 'the abandoned segment was reclaimed').toBe(1);
    expect(miStats(t2).abandonedSegments).toBe(0);
    for (let tag = 0; tag < 4; tag++) {
      const want = [...live].filter(([, g]) => g === tag).map(([p]) => p);
      const extra = tag === MI_HEAP_MEM ? mine : [];
      expect(visit(t2, 1 << tag), `tag ${tag}`).toEqual(sorted([...want, ...extra]));
    }
    for (const p of [...live.keys(), ...mine]) miFree(t2, p);
    miCollect(t2, true);
    expect([miStats(t2).liveBlocks, miStats(t2).segments, miStats(t2).abandonedSegments]).toEqual([0, 0, 0]);
  });

  it('miAbandonThread from another thread: the abandoned blocks stay visible and freeable', () => {
    const env = setup(checked);
    const { t, heap, mi } = env;
    const t2 = secondThread(env);
    const blocks = Array.from({ length: 60 }, (_, i) => miHeapMalloc(t2, i % 4, 32 + i * 16));
    const gone = t2.tid;
    expect(miAbandonThread(heap, mi, gone, null)).toBe(true);
    expect(miAbandonThread(heap, mi, gone, null)).toBe(false); // no state left
    expect(miStats(t).threads).toBe(1);
    expect(visit(t, 0xf)).toEqual(sorted(blocks));
    for (const p of blocks) miFree(t, p);
    expect(visit(t, 0xffff)).toEqual([]);
    miCollect(t, true);
    expect([miStats(t).segments, miStats(t).abandonedSegments]).toEqual([0, 0]);
  });

  it('tag masks select exactly the heaps asked for (standard and custom tags)', () => {
    const env = setup(checked);
    const { t } = env;
    const t2 = secondThread(env);
    const byTag = new Map<number, number[]>();
    for (const tag of [0, 1, 2, 3, 5, 15]) {
      const ps: number[] = [];
      for (let i = 0; i < 25; i++) ps.push(miHeapMalloc(i % 2 === 0 ? t : t2, tag, 8 + i * 24));
      byTag.set(tag, ps);
    }
    const expectMask = (mask: number): void => {
      const want = sorted([...byTag].filter(([tag]) => (mask & (1 << tag)) !== 0).flatMap(([, ps]) => ps));
      expect(visit(t, mask), `mask ${mask.toString(2)}`).toEqual(want);
    };
    for (const mask of [0, 1, 2, 4, 8, 1 << 5, 1 << 15, 0xf, (1 << MI_HEAP_GC) | (1 << MI_HEAP_GC_PRE), 0x10, 0xffff, 0x7fff, 0b1010_0101]) expectMask(mask);
    // the GC's mask finds no mem or object blocks
    const gc = visit(t, (1 << MI_HEAP_GC) | (1 << MI_HEAP_GC_PRE));
    for (const p of [...byTag.get(MI_HEAP_MEM)!, ...byTag.get(MI_HEAP_OBJECT)!]) expect(gc).not.toContain(p);
    // and masks keep working after the owner of half the blocks exits
    miThreadExit(t);
    for (const mask of [1, 2, 4, 8, 1 << 5, 1 << 15, 0xffff]) {
      const want = sorted([...byTag].filter(([tag]) => (mask & (1 << tag)) !== 0).flatMap(([, ps]) => ps));
      expect(visit(t2, mask), `mask ${mask.toString(2)} after exit`).toEqual(want);
    }
  });
});

describe('miVisitBlocks and QSBR', () => {
  // BUG (reported): visiting another thread's heap processes its delayed-free
  // list through a MiThread built with qsbr = null (visit.ts), so an object
  // page emptied that way is released at once, without the QSBR delay that
  // CPython applies (_PyMem_mi_page_maybe_free uses the visiting thread's
  // QSBR state). The same page emptied by the owner gets a goal and waits.
  for (const who of ['owner collects', 'another thread visits'] as const) {
    it(`an object page emptied through the delayed-free list waits for QSBR (${who})`, () => {
      const heap = SharedHeap.create({ size: 64 * MiB });
      heaps.push(heap);
      const qsbr = qsbrCreate(heap);
      const registry = new FreeCallbackRegistry();
      const mi = miCreate(heap, { checked: false });
      const qa = qsbrRegister(heap, qsbr, registry);
      qsbrAttach(qa);
      const ta = miThreadInit(heap, mi, qa);
      const viewB = SharedHeap.attach(heap.handle());
      heaps.push(viewB);
      const qb = qsbrRegister(viewB, qsbr, registry);
      qsbrAttach(qb);
      const tb = miThreadInit(viewB, mi, qb);
      const { blocks, next } = fillPage(ta, MI_HEAP_OBJECT, 16); // page 1 full, page 2 holds `next`
      for (const p of blocks) miFree(tb, p); // first to ta's delayed list, the rest to the thread-free list
      if (who === 'owner collects') miCollect(ta, false);
      else miVisitBlocks(tb, 1 << MI_HEAP_OBJECT, () => {});
      // The emptied page must still be there, waiting for its QSBR goal.
      expect(miUsableSize(ta, blocks[0]), 'the emptied page still holds 16-byte blocks').toBe(16);
      expect(miStats(ta).qsbrPendingPages).toBe(1);
      miFree(ta, next);
    });
  }
});
