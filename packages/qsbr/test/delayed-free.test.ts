import { regionStats, SharedHeap } from '@ft/atomics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FreeCallbackRegistry,
  freeDelayed,
  pendingDelayed,
  processAllDelayedStopped,
  processDelayed,
  qsbrAdvance,
  qsbrAttach,
  qsbrCreate,
  qsbrFiniDelayed,
  qsbrQuiescentState,
  qsbrRegister,
  qsbrStats,
  qsbrUnregister,
  WORK_ITEMS_PER_CHUNK,
  type QsbrThread,
} from '../src/index.js';

let heap: SharedHeap;
let qsbr: number;
let registry: FreeCallbackRegistry;
let FREE: number;
let FREE_AND_REQUEUE: number;
/** Every address the callbacks freed, in order. */
let freed: number[];
const views: SharedHeap[] = [];
let requeueThread: QsbrThread | null = null;

beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
  qsbr = qsbrCreate(heap);
  freed = [];
  registry = new FreeCallbackRegistry();
  FREE = registry.register('record', (_h, addr) => void freed.push(addr));
  // A callback that queues another block, as freeing a container frees its parts.
  FREE_AND_REQUEUE = registry.register('record-and-requeue', (_h, addr) => {
    freed.push(addr);
    if (requeueThread !== null && addr < 1_000_000) freeDelayed(requeueThread, addr + 1_000_000, FREE);
  });
});

afterEach(() => {
  for (const v of views.splice(0)) v.close();
  heap.close();
  requeueThread = null;
});

function thread(): QsbrThread {
  const view = SharedHeap.attach(heap.handle());
  views.push(view);
  return qsbrRegister(view, qsbr, registry);
}

/** Distinct fake block addresses (the callbacks only record them). */
const blocks = (n: number, base = 0x1000): number[] => Array.from({ length: n }, (_, i) => base + 16 * i);

describe('freeDelayed', () => {
  it('ignores NULL and rejects unknown callback ids', () => {
    const t = thread();
    freeDelayed(t, 0, FREE);
    expect(pendingDelayed(t)).toBe(0);
    expect(() => freeDelayed(t, 0x1000, 99)).toThrow(/no delayed-free callback with id 99/);
  });

  it('frees nothing while an online reader has not passed the goal, then everything once, in order', () => {
    const reader = thread();
    const writer = thread();
    qsbrAttach(reader);
    qsbrAttach(writer);
    const items = blocks(10);
    for (const b of items) freeDelayed(writer, b, FREE);
    processDelayed(writer);
    expect(freed).toEqual([]);
    expect(pendingDelayed(writer)).toBe(10);
    qsbrQuiescentState(writer);
    qsbrQuiescentState(reader);
    processDelayed(writer);
    // Deferred advance: 9 of the 10 goals wait for the 10th call's real advance, which came last.
    expect(freed).toEqual(items);
    expect(pendingDelayed(writer)).toBe(0);
    processDelayed(writer);
    expect(freed).toEqual(items);
    expect(qsbrStats(heap, qsbr)).toMatchObject({ queuedItems: 10, freedItems: 10 });
  });

  it('an offline reader holds nothing back', () => {
    const reader = thread();
    const writer = thread();
    qsbrAttach(writer);
    freeDelayed(writer, 0x2000, FREE);
    qsbrQuiescentState(writer);
    for (let i = 0; i < 10; i++) freeDelayed(writer, 0x3000 + i * 16, FREE); // forces a real advance
    qsbrQuiescentState(writer);
    processDelayed(writer);
    // The 11th goal is "one past" the write sequence: it waits for the next advance.
    expect(freed.length).toBe(10);
    qsbrAdvance(writer);
    qsbrQuiescentState(writer);
    processDelayed(writer);
    expect(freed.length).toBe(11);
    void reader;
  });

  it('processes by itself when a chunk fills, and frees drained chunks', () => {
    const reader = thread();
    const writer = thread();
    qsbrAttach(reader);
    qsbrAttach(writer);
    const regionsBefore = regionStats(heap).regionsInUse;
    const items = blocks(3 * WORK_ITEMS_PER_CHUNK);
    for (const b of items) freeDelayed(writer, b, FREE);
    expect(freed).toEqual([]);
    expect(pendingDelayed(writer)).toBe(items.length);
    expect(regionStats(heap).regionsInUse).toBe(regionsBefore + 3);
    // The reader passes; the next chunk-full processing frees everything queued before.
    qsbrQuiescentState(reader);
    qsbrQuiescentState(writer);
    const more = blocks(WORK_ITEMS_PER_CHUNK, 0x100000);
    for (const b of more) freeDelayed(writer, b, FREE);
    expect(freed).toEqual(items);
    // Three drained chunks went back to the region allocator; the fourth is full and pending.
    expect(regionStats(heap).regionsInUse).toBe(regionsBefore + 1);
    qsbrQuiescentState(reader);
    qsbrQuiescentState(writer);
    processDelayed(writer);
    expect(freed).toEqual([...items, ...more]);
    // The last chunk is kept empty for reuse rather than freed.
    expect(regionStats(heap).regionsInUse).toBe(regionsBefore + 1);
  });

  it('a callback that queues more blocks does not re-enter processing or free anything twice', () => {
    const writer = thread();
    requeueThread = writer;
    qsbrAttach(writer);
    const items = blocks(20);
    for (const b of items) freeDelayed(writer, b, FREE_AND_REQUEUE);
    qsbrQuiescentState(writer);
    processDelayed(writer);
    for (let round = 0; round < 3 && pendingDelayed(writer) > 0; round++) {
      for (let i = 0; i < 10; i++) freeDelayed(writer, 0x900000 + round * 1000 + i * 16, FREE); // advances
      qsbrQuiescentState(writer);
      processDelayed(writer);
    }
    const requeued = items.map((b) => b + 1_000_000);
    for (const b of [...items, ...requeued]) expect(freed.filter((x) => x === b)).toHaveLength(1);
  });
});

describe('thread exit', () => {
  it('hands pending blocks to the interpreter queue; another thread frees them exactly once', () => {
    const reader = thread();
    const other = thread();
    const leaving = thread();
    qsbrAttach(reader);
    qsbrAttach(other);
    qsbrAttach(leaving);
    const items = blocks(2 * WORK_ITEMS_PER_CHUNK + 5);
    for (const b of items) freeDelayed(leaving, b, FREE);
    qsbrUnregister(leaving); // processes the interpreter queue at once, but the reader holds it back
    expect(freed).toEqual([]);
    expect(qsbrStats(heap, qsbr).interpreterQueueHasWork).toBe(true);
    qsbrQuiescentState(reader);
    qsbrQuiescentState(other);
    processDelayed(other);
    expect(freed.length).toBe(items.length);
    expect(new Set(freed).size).toBe(items.length);
    expect(qsbrStats(heap, qsbr).interpreterQueueHasWork).toBe(false);
    processDelayed(other);
    expect(freed.length).toBe(items.length);
  });

  it('an exiting thread frees its last deferred items itself when nobody holds them back', () => {
    const leaving = thread();
    qsbrAttach(leaving);
    for (const b of blocks(12)) freeDelayed(leaving, b, FREE);
    qsbrQuiescentState(leaving);
    processDelayed(leaving);
    expect(freed.length).toBe(10); // the last two wait for an advance
    const regionsBefore = regionStats(heap).regionsInUse;
    qsbrUnregister(leaving); // advances, hands over, and frees them at once
    expect(freed).toEqual(blocks(12));
    expect(regionStats(heap).regionsInUse).toBe(regionsBefore - 1);
    expect(qsbrStats(heap, qsbr).interpreterQueueHasWork).toBe(false);
  });

  it('fini frees what is left regardless of goals', () => {
    const reader = thread();
    const leaving = thread();
    qsbrAttach(reader);
    qsbrAttach(leaving);
    for (const b of blocks(50)) freeDelayed(leaving, b, FREE);
    qsbrUnregister(leaving);
    expect(freed).toEqual([]);
    expect(qsbrFiniDelayed(heap, qsbr, registry)).toBe(50);
    expect(freed).toEqual(blocks(50));
    expect(qsbrStats(heap, qsbr)).toMatchObject({ queuedItems: 50, freedItems: 50, interpreterQueueHasWork: false });
  });
});

describe('processAllDelayedStopped (the collector, with the world stopped)', () => {
  it("completes every thread's pending delayed frees: other threads count as quiescent, their queues move to the caller's", () => {
    const collector = thread();
    const a = thread();
    const b = thread();
    for (const t of [collector, a, b]) qsbrAttach(t);
    const fromA = blocks(WORK_ITEMS_PER_CHUNK + 5, 0x10000); // two chunks
    const fromB = blocks(7, 0x80000);
    for (const p of fromA) freeDelayed(a, p, FREE);
    for (const p of fromB) freeDelayed(b, p, FREE);
    // Nobody has passed the goals: an ordinary processing frees nothing.
    processDelayed(a);
    processDelayed(b);
    expect(freed).toEqual([]);
    const seqBefore = qsbrStats(heap, qsbr);
    expect(processAllDelayedStopped(collector)).toBe(fromA.length + fromB.length);
    expect(new Set(freed)).toEqual(new Set([...fromA, ...fromB]));
    expect(pendingDelayed(a)).toBe(0);
    expect(pendingDelayed(b)).toBe(0);
    expect(qsbrStats(heap, qsbr).wrSeq).not.toBe(seqBefore.wrSeq);
    // The moved threads go on queueing as before.
    freeDelayed(a, 0x90000, FREE);
    expect(pendingDelayed(a)).toBe(1);
    qsbrQuiescentState(collector);
    qsbrQuiescentState(a);
    qsbrQuiescentState(b);
    qsbrAdvance(a);
    for (const t of [collector, a, b]) qsbrQuiescentState(t);
    processDelayed(a);
    expect(freed).toContain(0x90000);
    for (const t of [collector, a, b]) qsbrUnregister(t);
  });

  it('an offline thread stays offline', () => {
    const collector = thread();
    const idle = thread();
    qsbrAttach(collector);
    for (const p of blocks(3)) freeDelayed(collector, p, FREE);
    expect(processAllDelayedStopped(collector)).toBe(3);
    expect(qsbrStats(heap, qsbr).online).toBe(1);
    qsbrUnregister(collector);
    qsbrUnregister(idle);
  });
});
