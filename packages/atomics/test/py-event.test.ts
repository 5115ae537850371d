import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventIsSet,
  eventNotify,
  eventWait,
  eventWaitTimed,
  MUTEX_HAS_PARKED_BIT,
  MUTEX_LOCKED_BIT,
  parkedInBucket,
  regionAlloc,
  SharedHeap,
} from '../src/index.js';

let heap: SharedHeap;
let evt: number;
let detaches = 0;
let attaches = 0;

beforeEach(() => {
  heap = SharedHeap.create({ size: 16 << 20 });
  // An odd address: an event is a single byte anywhere in the heap.
  evt = regionAlloc(heap, 64, 64) + 3;
  detaches = 0;
  attaches = 0;
  heap.setBlockingHooks(
    () => detaches++,
    () => attaches++,
  );
});

afterEach(() => {
  heap.close();
});

describe('PyEvent', () => {
  it('starts unset in zeroed memory', () => {
    expect(evt).toBeGreaterThan(3);
    expect(heap.u8[evt]).toBe(0);
    expect(eventIsSet(heap, evt)).toBe(false);
  });

  it('notify moves 0 to LOCKED (1) and is idempotent', () => {
    eventNotify(heap, evt);
    expect(heap.u8[evt]).toBe(MUTEX_LOCKED_BIT);
    expect(eventIsSet(heap, evt)).toBe(true);
    eventNotify(heap, evt);
    expect(heap.u8[evt]).toBe(MUTEX_LOCKED_BIT);
    // Neighbouring bytes are untouched.
    expect(heap.u8[evt - 1]).toBe(0);
    expect(heap.u8[evt + 1]).toBe(0);
  });

  it('waiting on a set event returns true at once without parking or detaching', () => {
    eventNotify(heap, evt);
    const start = performance.now();
    expect(eventWaitTimed(heap, evt, 0, true)).toBe(true);
    expect(eventWaitTimed(heap, evt, -1, true)).toBe(true);
    eventWait(heap, evt);
    expect(performance.now() - start).toBeLessThan(50);
    expect(heap.u8[evt]).toBe(MUTEX_LOCKED_BIT);
    expect(detaches).toBe(0);
    expect(attaches).toBe(0);
  });

  it('a zero timeout on an unset event fails, leaving HAS_PARKED (2) and no queued waiter', () => {
    const start = performance.now();
    expect(eventWaitTimed(heap, evt, 0, false)).toBe(false);
    expect(performance.now() - start).toBeLessThan(50);
    expect(heap.u8[evt]).toBe(MUTEX_HAS_PARKED_BIT);
    expect(parkedInBucket(heap, evt)).toBe(0);
    expect(detaches).toBe(0);
    expect(attaches).toBe(0);
  });

  it('a timed wait returns false after about the timeout', () => {
    const start = performance.now();
    expect(eventWaitTimed(heap, evt, 30, false)).toBe(false);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(25);
    expect(elapsed).toBeLessThan(1000);
    expect(heap.u8[evt]).toBe(MUTEX_HAS_PARKED_BIT);
    expect(eventIsSet(heap, evt)).toBe(false);
    expect(parkedInBucket(heap, evt)).toBe(0);
  });

  it('runs the detach and attach hooks around the park only when asked to', () => {
    expect(eventWaitTimed(heap, evt, 0, true)).toBe(false);
    expect(detaches).toBe(1);
    expect(attaches).toBe(1);
    // The second waiter finds HAS_PARKED already set and parks directly.
    expect(eventWaitTimed(heap, evt, 0, false)).toBe(false);
    expect(detaches).toBe(1);
    expect(attaches).toBe(1);
    expect(heap.u8[evt]).toBe(MUTEX_HAS_PARKED_BIT);
  });

  it('notify after a timed-out waiter turns HAS_PARKED into set', () => {
    expect(eventWaitTimed(heap, evt, 0, false)).toBe(false);
    eventNotify(heap, evt);
    expect(heap.u8[evt]).toBe(MUTEX_LOCKED_BIT);
    expect(eventWaitTimed(heap, evt, 0, false)).toBe(true);
  });

  it('a byte that is not an event state makes the wait fail rather than sleep', () => {
    heap.u8[evt] = 3;
    const start = performance.now();
    expect(eventWaitTimed(heap, evt, -1, false)).toBe(false);
    expect(performance.now() - start).toBeLessThan(50);
    expect(heap.u8[evt]).toBe(3);
  });
});

describe('PyEvent with a second thread', () => {
  it('wakes a thread parked in eventWait when notified', async () => {
    const { nextMessage, spawnTsWorker } = await import('@ft/harness');
    const { parkedInBucket } = await import('../src/index.js');
    const worker = spawnTsWorker(new URL('./workers/actor.worker.ts', import.meta.url), {
      heap: heap.handle(),
      action: 'event-wait',
      addr: evt,
      release: 0,
    });
    try {
      const reply = nextMessage<{ set: boolean }>(worker);
      const deadline = Date.now() + 10_000;
      while (parkedInBucket(heap, evt) === 0) {
        if (Date.now() > deadline) throw new Error('the waiter never parked');
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(heap.u8[evt]).toBe(MUTEX_HAS_PARKED_BIT);
      eventNotify(heap, evt);
      expect((await reply).set).toBe(true);
      expect(parkedInBucket(heap, evt)).toBe(0);
    } finally {
      await worker.terminate();
    }
  });
});
