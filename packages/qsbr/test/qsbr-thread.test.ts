import { SharedHeap } from '@ft/atomics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FreeCallbackRegistry,
  QSBR_DEFERRED_LIMIT,
  QSBR_FIRST_CHUNK_SLOTS,
  qsbrAdvance,
  qsbrAttach,
  qsbrCreate,
  qsbrDeferredAdvance,
  qsbrDetach,
  qsbrGoalReached,
  qsbrPoll,
  qsbrPollScan,
  qsbrQuiescentState,
  qsbrRegister,
  qsbrStats,
  qsbrUnregister,
  type QsbrThread,
} from '../src/index.js';
import { QSBR_RD_SEQ_OFFSET, QSBR_WR_SEQ_OFFSET } from '../src/layout.js';

let heap: SharedHeap;
let qsbr: number;
let registry: FreeCallbackRegistry;
const views: SharedHeap[] = [];

beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
  qsbr = qsbrCreate(heap);
  registry = new FreeCallbackRegistry();
});

afterEach(() => {
  for (const v of views.splice(0)) v.close();
  heap.close();
});

/** A "thread" registered from this JS thread through its own heap view (own tid). */
function thread(): QsbrThread {
  const view = SharedHeap.attach(heap.handle());
  views.push(view);
  return qsbrRegister(view, qsbr, registry);
}

const wrSeq = (): number => heap.u32[(qsbr + QSBR_WR_SEQ_OFFSET) >>> 2];
const rdSeq = (): number => heap.u32[(qsbr + QSBR_RD_SEQ_OFFSET) >>> 2];

describe('attach, detach and quiescent states', () => {
  it('publishes the write sequence on attach and 0 on detach', () => {
    const t = thread();
    expect(heap.u32[t.seqIndex]).toBe(0);
    qsbrAdvance(t);
    qsbrAttach(t);
    expect(heap.u32[t.seqIndex]).toBe(3);
    qsbrDetach(t);
    expect(heap.u32[t.seqIndex]).toBe(0);
    expect(() => qsbrDetach(t)).toThrow(/detached while not attached/);
    qsbrAttach(t);
    expect(() => qsbrAttach(t)).toThrow(/attached twice/);
  });

  it('a quiescent state publishes the current write sequence; detached it does nothing', () => {
    const t = thread();
    qsbrAttach(t);
    qsbrAdvance(t);
    qsbrAdvance(t);
    expect(heap.u32[t.seqIndex]).toBe(1);
    qsbrQuiescentState(t);
    expect(heap.u32[t.seqIndex]).toBe(5);
    qsbrDetach(t);
    qsbrAdvance(t);
    qsbrQuiescentState(t);
    expect(heap.u32[t.seqIndex]).toBe(0);
  });

  it('advance returns the new write sequence', () => {
    const t = thread();
    expect(qsbrAdvance(t)).toBe(3);
    expect(qsbrAdvance(t)).toBe(5);
    expect(wrSeq()).toBe(5);
  });
});

describe('deferred advance', () => {
  it('advances the shared counter only every tenth call', () => {
    const t = thread();
    const goals: number[] = [];
    for (let i = 0; i < 2 * QSBR_DEFERRED_LIMIT; i++) goals.push(qsbrDeferredAdvance(t));
    expect(wrSeq()).toBe(1 + 2 * 2);
    expect(goals.slice(0, QSBR_DEFERRED_LIMIT - 1)).toEqual(new Array(QSBR_DEFERRED_LIMIT - 1).fill(3));
    expect(goals[QSBR_DEFERRED_LIMIT - 1]).toBe(3); // the real advance: 1 → 3
    expect(goals[QSBR_DEFERRED_LIMIT]).toBe(5); // "one past the current value" again
    expect(goals[2 * QSBR_DEFERRED_LIMIT - 1]).toBe(5);
  });
});

describe('poll and goals', () => {
  it('a goal is reached once every online thread has passed it', () => {
    const a = thread();
    const b = thread();
    qsbrAttach(a);
    qsbrAttach(b);
    const goal = qsbrAdvance(a);
    expect(qsbrGoalReached(a, goal)).toBe(false);
    expect(qsbrPoll(a, goal)).toBe(false);
    qsbrQuiescentState(a);
    expect(qsbrPoll(a, goal)).toBe(false); // b still holds it back
    qsbrQuiescentState(b);
    expect(qsbrPoll(a, goal)).toBe(true);
    expect(rdSeq()).toBe(goal);
    expect(qsbrGoalReached(b, goal)).toBe(true); // the cached read sequence moved for everyone
  });

  it('offline threads are ignored by the scan', () => {
    const a = thread();
    const b = thread();
    qsbrAttach(a);
    qsbrAttach(b);
    const goal = qsbrAdvance(a);
    qsbrQuiescentState(a);
    expect(qsbrPoll(a, goal)).toBe(false);
    qsbrDetach(b);
    expect(qsbrPoll(a, goal)).toBe(true);
  });

  it('with nobody online the read sequence catches up with the write sequence', () => {
    const a = thread();
    qsbrAdvance(a);
    qsbrAdvance(a);
    expect(qsbrPollScan(a)).toBe(5);
    expect(rdSeq()).toBe(5);
  });

  it('the read sequence never moves backwards', () => {
    const a = thread();
    const b = thread();
    qsbrAttach(a);
    qsbrAdvance(a);
    qsbrQuiescentState(a);
    expect(qsbrPollScan(a)).toBe(3);
    qsbrAttach(b); // publishes 3 as well
    heap.u32[b.seqIndex] = 1; // a stale value (as a racing scanner might have seen)
    expect(qsbrPollScan(a)).toBe(3);
    expect(rdSeq()).toBe(3);
  });

  it('works across the 2^32 wrap of the write sequence', () => {
    heap.close();
    heap = SharedHeap.create({ size: 16 << 20 });
    qsbr = qsbrCreate(heap, { initialSequence: 0xfffffffb });
    const a = thread();
    const b = thread();
    qsbrAttach(a);
    qsbrAttach(b);
    const goals = [qsbrAdvance(a), qsbrAdvance(a), qsbrAdvance(a)];
    expect(goals.map((g) => g >>> 0)).toEqual([0xfffffffd, 0xffffffff, 1]);
    qsbrQuiescentState(a);
    expect(qsbrPoll(a, goals[0])).toBe(false);
    qsbrQuiescentState(b);
    for (const goal of goals) expect(qsbrPoll(a, goal)).toBe(true);
    expect(rdSeq()).toBe(1);
    const later = qsbrAdvance(b);
    expect(later).toBe(3);
    expect(qsbrPoll(a, later)).toBe(false);
  });

  it('rejects an initial sequence that is even or out of range', () => {
    expect(() => qsbrCreate(heap, { initialSequence: 2 })).toThrow(RangeError);
    expect(() => qsbrCreate(heap, { initialSequence: 2 ** 32 + 1 })).toThrow(RangeError);
  });
});

describe('registration', () => {
  it('reuses freed slots, lowest released first', () => {
    const a = thread();
    const b = thread();
    const slotOfB = b.slot;
    qsbrUnregister(b);
    const c = thread();
    expect(c.slot).toBe(slotOfB);
    expect(qsbrStats(heap, qsbr).threads).toBe(2);
    qsbrUnregister(a);
    qsbrUnregister(c);
    expect(qsbrStats(heap, qsbr).threads).toBe(0);
    expect(() => qsbrUnregister(c)).toThrow(/unregistered twice/);
  });

  it('grows the slot table by chunks that never move', () => {
    const threads: QsbrThread[] = [];
    for (let i = 0; i < 3 * QSBR_FIRST_CHUNK_SLOTS + 1; i++) threads.push(thread());
    // 8 + 16 slots, then a third chunk of 32.
    expect(qsbrStats(heap, qsbr).slotCapacity).toBe(QSBR_FIRST_CHUNK_SLOTS * (1 + 2 + 4));
    expect(new Set(threads.map((t) => t.slot)).size).toBe(threads.length);
    // Online threads in every chunk are all seen by the scan.
    qsbrAttach(threads[0]);
    qsbrAttach(threads[threads.length - 1]);
    const goal = qsbrAdvance(threads[0]);
    qsbrQuiescentState(threads[0]);
    expect(qsbrPoll(threads[0], goal)).toBe(false);
    qsbrQuiescentState(threads[threads.length - 1]);
    expect(qsbrPoll(threads[0], goal)).toBe(true);
  });

  it('unregistering an attached thread detaches it first', () => {
    const a = thread();
    const b = thread();
    qsbrAttach(a);
    qsbrAttach(b);
    const goal = qsbrAdvance(a);
    qsbrQuiescentState(a);
    qsbrUnregister(b);
    expect(qsbrPoll(a, goal)).toBe(true);
  });

  it('refuses a thread whose delayed-free callbacks differ', () => {
    registry.register('free-block', () => {});
    thread();
    const other = new FreeCallbackRegistry();
    other.register('free-something-else', () => {});
    const view = SharedHeap.attach(heap.handle());
    views.push(view);
    expect(() => qsbrRegister(view, qsbr, other)).toThrow(/differ from those of the threads already registered/);
  });

  it('refuses an address that is not QSBR state', () => {
    expect(() => qsbrRegister(heap, qsbr + 64, registry)).toThrow(/is not QSBR state/);
  });
});
