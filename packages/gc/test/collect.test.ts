/**
 * What a collection does, as CPython's test_gc.py and test_finalization.py
 * pin it, over the test types of fixture.ts.
 */

import { startTheWorld, stopTheWorld } from '@ft/atomics';
import { MI_HEAP_GC, miVisitBlocks } from '@ft/mimalloc';
import { afterEach, describe, expect, it } from 'vitest';
import { getRefcount, incref, objectOwner, decref } from '@ft/refcount';
import { DEBUG_SAVEALL, gcClearGarbage, gcCollect, gcGarbage, gcGetStats, gcIsFinalized, gcIsTracked, gcSetDebug } from '../src/index.js';
import { getSlot, makeRuntime, newNode, release, ring, setSlot, type Runtime } from './fixture.js';

let r: Runtime;
afterEach(() => r?.close());

describe('cycles', () => {
  it('a self-cycle is collected: its dealloc runs and the count says one', () => {
    r = makeRuntime();
    const a = newNode(r, 1);
    setSlot(r, a, 0, a);
    release(r, a);
    expect(r.deallocated).toEqual([]);
    expect(gcCollect(r.gt)).toBe(1);
    expect(r.deallocated).toEqual([a]);
  });

  it('cycles of every shape: 2-cycles, rings, a complete graph, a tree whose leaves point at the root', () => {
    r = makeRuntime();
    const garbage: number[] = [];
    garbage.push(...ring(r, 2), ...ring(r, 7), ...ring(r, 100));
    const k5 = Array.from({ length: 5 }, () => newNode(r, 5));
    for (const a of k5) for (let i = 0; i < 5; i++) setSlot(r, a, i, k5[i]!);
    garbage.push(...k5);
    const root = newNode(r, 2);
    const tree = [root];
    for (let level = 0, frontier = [root]; level < 5; level++) {
      const next: number[] = [];
      for (const parent of frontier) {
        for (let i = 0; i < 2; i++) {
          const child = newNode(r, 3);
          setSlot(r, parent, i, child);
          setSlot(r, child, 2, root);
          next.push(child);
          tree.push(child);
          release(r, child);
        }
      }
      frontier = next;
    }
    garbage.push(root);
    release(r, ...garbage);
    expect(gcCollect(r.gt)).toBe(2 + 7 + 100 + 5 + tree.length);
    expect(new Set(r.deallocated)).toEqual(new Set([...garbage.filter((g) => g !== root), ...tree]));
    expect(gcCollect(r.gt), 'nothing left').toBe(0);
  });

  it('a chain hanging off a cycle goes with it; one held from outside keeps everything it reaches', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    const tail = newNode(r, 1);
    setSlot(r, b!, 0, a!);
    const n1 = newNode(r, 1);
    setSlot(r, a!, 0, b!);
    setSlot(r, n1, 0, tail);
    release(r, tail);
    // a ↔ b, and a separate chain n1 → tail kept from outside
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(r.deallocated.sort()).toEqual([a!, b!].sort());
    expect(gcIsTracked(r.t, n1)).toBe(true);
    expect(getRefcount(r.t, tail)).toBe(1);
    release(r, n1);
    expect(r.deallocated).toContain(tail);
  });

  it('survivors get their owner back in ob_tid and count as before', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    expect(objectOwner(r.t, a!)).toBe(r.t.tid);
    expect(gcCollect(r.gt)).toBe(0);
    for (const op of [a!, b!]) {
      expect(objectOwner(r.t, op), 'the segment owner').toBe(r.t.tid);
      expect(getRefcount(r.t, op)).toBe(2);
    }
    incref(r.t, a!);
    decref(r.t, a!);
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
  });

  it('statistics: collections, collected per generation', () => {
    r = makeRuntime();
    release(r, ...ring(r, 3));
    gcCollect(r.gt);
    gcCollect(r.gt, 0);
    const stats = gcGetStats(r.gt);
    expect(stats[2]).toEqual({ collections: 1, collected: 3, uncollectable: 0 });
    expect(stats[0]).toEqual({ collections: 1, collected: 0, uncollectable: 0 });
    expect(stats[1]!.collections).toBe(0);
  });
});

describe('with the debug hooks of the object domain (objects 16 bytes into their blocks, gh-112529)', () => {
  it('cycles are found at the object offset and collected; the hooks see every free', () => {
    r = makeRuntime({ allocator: 'mimalloc_debug' });
    const garbage = [...ring(r, 2), ...ring(r, 5)];
    const [l1, l2] = ring(r, 2);
    // An object's address is past the hooks' 16-byte header in its block.
    const blockOf = new Map<number, number>();
    stopTheWorld(r.heap, r.group);
    miVisitBlocks(r.t.mi!, 1 << MI_HEAP_GC, (block, _size, object) => blockOf.set(object, block));
    startTheWorld(r.heap, r.group);
    for (const op of garbage) expect(blockOf.get(op)).toBe(op - 16);
    release(r, ...garbage);
    expect(gcCollect(r.gt)).toBe(7);
    expect(new Set(r.deallocated)).toEqual(new Set(garbage));
    expect(getRefcount(r.t, l1!)).toBe(2);
    expect(objectOwner(r.t, l1!)).toBe(r.t.tid);
    release(r, l1!, l2!);
    expect(gcCollect(r.gt)).toBe(2);
  });
});

describe('legacy finalizers (tp_del)', () => {
  it('a cycle through an object with a legacy finalizer is uncollectable and goes to gc.garbage', () => {
    r = makeRuntime();
    const legacy = newNode(r, 1, r.types.legacy);
    const other = newNode(r, 1);
    setSlot(r, legacy, 0, other);
    setSlot(r, other, 0, legacy);
    release(r, legacy, other);
    expect(gcCollect(r.gt)).toBe(2);
    expect(gcGetStats(r.gt)[2]).toEqual({ collections: 1, collected: 0, uncollectable: 2 });
    // Only the object with tp_del is appended; what it reaches stays alive through it.
    expect(gcGarbage(r.gt)).toEqual([legacy]);
    expect(r.deallocated).toEqual([]);
    // Both are counted again at the next collection (still reachable only from garbage).
    expect(gcCollect(r.gt)).toBe(0);
    // Breaking the cycle by hand and clearing gc.garbage frees them.
    setSlot(r, legacy, 0, 0);
    expect(gcClearGarbage(r.gt)).toBe(1);
    expect(r.deallocated.sort()).toEqual([legacy, other].sort());
  });

  it('DEBUG_SAVEALL keeps every unreachable object in gc.garbage instead of clearing it', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2);
    release(r, a!, b!);
    gcSetDebug(r.gt, DEBUG_SAVEALL);
    expect(gcCollect(r.gt)).toBe(2);
    expect(gcGarbage(r.gt).sort()).toEqual([a!, b!].sort());
    expect(getSlot(r, a!, 0)).toBe(b!);
    gcSetDebug(r.gt, 0);
    gcClearGarbage(r.gt);
    expect(gcCollect(r.gt)).toBe(2);
    expect(r.deallocated.sort()).toEqual([a!, b!].sort());
  });
});

describe('finalizers', () => {
  it('run once, with the world running, before the cycle is cleared', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2, r.types.finalized);
    let sawSlot = -1;
    r.finalizers.set(a!, () => {
      sawSlot = getSlot(r, a!, 0);
    });
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(r.finalized.sort()).toEqual([a!, b!].sort());
    expect(sawSlot, 'not cleared yet when the finalizer ran').toBe(b!);
    expect(r.deallocated.sort()).toEqual([a!, b!].sort());
  });

  it('a resurrecting finalizer: the object and all it reaches survive, uncounted, and the finalizer never runs again', () => {
    r = makeRuntime();
    const holder = newNode(r, 1);
    // a ↔ withLeaf → leaf, and a separate cycle b ↔ c: all garbage; b's finalizer resurrects a.
    const a = newNode(r, 1, r.types.finalized);
    const withLeaf = newNode(r, 2, r.types.finalized);
    const leaf = newNode(r, 0);
    setSlot(r, a, 0, withLeaf);
    setSlot(r, withLeaf, 0, a);
    setSlot(r, withLeaf, 1, leaf);
    release(r, leaf);
    const [b, c] = ring(r, 2, r.types.finalized);
    r.finalizers.set(b!, () => setSlot(r, holder, 0, a));
    release(r, a, withLeaf, b!, c!);
    const found = gcCollect(r.gt);
    expect(r.finalized.length, 'every finalizer ran once').toBe(4);
    // b and c are collected; a, withLeaf and leaf survive through the holder.
    expect(found).toBe(2);
    expect(new Set(r.deallocated)).toEqual(new Set([b!, c!]));
    expect(gcGetStats(r.gt)[2]!.collected).toBe(2);
    for (const op of [a, withLeaf, leaf]) expect(gcIsTracked(r.t, op)).toBe(true);
    expect(gcIsFinalized(r.t, a)).toBe(true);
    // Dropping the holder's reference makes a, withLeaf and leaf garbage again: collected without finalizing twice.
    setSlot(r, holder, 0, 0);
    expect(gcCollect(r.gt)).toBe(3);
    expect(r.finalized.length).toBe(4);
    expect(new Set(r.deallocated)).toEqual(new Set([b!, c!, a, withLeaf, leaf]));
    release(r, holder);
  });

  it('a "suicidal" finalizer that breaks its own cycle: everything is freed and counted', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2, r.types.finalized);
    r.finalizers.set(a!, () => setSlot(r, a!, 0, 0));
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(new Set(r.deallocated)).toEqual(new Set([a!, b!]));
  });

  it('a finalizer that throws is reported and the collection goes on', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2, r.types.finalized);
    r.finalizers.set(a!, () => {
      throw new Error('boom');
    });
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Exception ignored while finalizing Finalized object at 0x/)]);
    expect((r.errors[0]!.error as Error).message).toBe('boom');
    expect(new Set(r.deallocated)).toEqual(new Set([a!, b!]));
  });

  it('gc.collect() from a finalizer returns 0: a collection is running', () => {
    r = makeRuntime();
    const [a, b] = ring(r, 2, r.types.finalized);
    let inner = -1;
    r.finalizers.set(a!, () => {
      inner = gcCollect(r.gt);
    });
    release(r, a!, b!);
    expect(gcCollect(r.gt)).toBe(2);
    expect(inner).toBe(0);
  });
});
