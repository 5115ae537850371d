import { nextMessage, spawnTsWorker } from '@ft/harness';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FatalError,
  LOCK_ACQUIRED,
  LOCK_DONT_DETACH,
  LOCK_FAILURE,
  MUTEX_HAS_PARKED_BIT,
  MUTEX_LOCKED_BIT,
  mutexIsLocked,
  mutexLock,
  mutexLockTimed,
  mutexTryLock,
  mutexUnlock,
  regionAlloc,
  SharedHeap,
} from '../src/index.js';
import type { ActorData } from './workers/actor.worker.js';

const actorUrl = new URL('./workers/actor.worker.ts', import.meta.url);

let heap: SharedHeap;
let m: number;
let release: number;
const workers: Worker[] = [];

beforeEach(() => {
  heap = SharedHeap.create({ size: 4 << 20 });
  const region = regionAlloc(heap, 4096);
  m = region + 3; // any byte will do: PyMutex has no alignment needs
  release = region + 64;
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
  heap.close();
});

function actor(data: Omit<ActorData, 'heap' | 'release'>): Worker {
  const worker = spawnTsWorker(actorUrl, { heap: heap.handle(), release, ...data });
  workers.push(worker);
  return worker;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function releaseActor(): void {
  Atomics.store(heap.i32, release >>> 2, 1);
  Atomics.notify(heap.i32, release >>> 2);
}

describe('PyMutex on one thread', () => {
  it('moves through the documented byte states', () => {
    expect(heap.u8[m]).toBe(0);
    mutexLock(heap, m);
    expect(heap.u8[m]).toBe(MUTEX_LOCKED_BIT);
    expect(mutexIsLocked(heap, m)).toBe(true);
    expect(mutexTryLock(heap, m)).toBe(false);
    mutexUnlock(heap, m);
    expect(heap.u8[m]).toBe(0);
    expect(mutexTryLock(heap, m)).toBe(true);
    mutexUnlock(heap, m);
    expect(mutexIsLocked(heap, m)).toBe(false);
  });

  it('try-lock barges past parked waiters when the lock is free', () => {
    heap.u8[m] = MUTEX_HAS_PARKED_BIT;
    expect(mutexTryLock(heap, m)).toBe(true);
    expect(heap.u8[m]).toBe(MUTEX_LOCKED_BIT | MUTEX_HAS_PARKED_BIT);
  });

  it('timed lock fails after its timeout, and at once with timeout 0', () => {
    mutexLock(heap, m);
    expect(mutexLockTimed(heap, m, 0, LOCK_DONT_DETACH)).toBe(LOCK_FAILURE);
    const start = performance.now();
    expect(mutexLockTimed(heap, m, 20, LOCK_DONT_DETACH)).toBe(LOCK_FAILURE);
    expect(performance.now() - start).toBeGreaterThanOrEqual(19);
    mutexUnlock(heap, m);
    expect(mutexLockTimed(heap, m, 20, LOCK_DONT_DETACH)).toBe(LOCK_ACQUIRED);
  });

  it('unlocking an unlocked mutex is a fatal error naming the address', () => {
    expect(() => mutexUnlock(heap, m)).toThrow(FatalError);
    expect(() => mutexUnlock(heap, m)).toThrow(new RegExp(`unlocking mutex at 0x${m.toString(16).padStart(8, '0')} that is not locked`));
  });

  it('never calls Atomics.notify when no waiter is recorded', () => {
    const original = Atomics.notify;
    let notifies = 0;
    (Atomics as { notify: typeof Atomics.notify }).notify = ((typedArray: Int32Array, index: number, count?: number) => {
      notifies++;
      return original(typedArray, index, count);
    }) as typeof Atomics.notify;
    try {
      for (let i = 0; i < 1000; i++) {
        mutexLock(heap, m);
        mutexUnlock(heap, m);
      }
    } finally {
      (Atomics as { notify: typeof Atomics.notify }).notify = original;
    }
    expect(notifies).toBe(0);
  });
});

describe('PyMutex with a second thread', () => {
  it('a parked waiter sets HAS_PARKED and gets the lock when it is released', async () => {
    mutexLock(heap, m);
    const w = actor({ action: 'mutex-lock-hold', addr: m });
    const acquired = nextMessage<{ acquired: boolean; handedOff: number }>(w);
    await until(() => heap.u8[m] === (MUTEX_LOCKED_BIT | MUTEX_HAS_PARKED_BIT), 'the waiter to park');
    mutexUnlock(heap, m); // handed off or not, the waiter ends up owning it
    expect((await acquired).acquired).toBe(true);
    const released = nextMessage<{ released: boolean }>(w);
    releaseActor();
    expect((await released).released).toBe(true);
    expect(heap.u8[m]).toBe(0);
  });

  it('hands the lock directly to a waiter that waited longer than 1 ms', async () => {
    mutexLock(heap, m);
    const w = actor({ action: 'mutex-lock-hold', addr: m });
    const acquired = nextMessage<{ acquired: boolean; handedOff: number }>(w);
    await until(() => heap.u8[m] === (MUTEX_LOCKED_BIT | MUTEX_HAS_PARKED_BIT), 'the waiter to park');
    await new Promise((r) => setTimeout(r, 5));
    mutexUnlock(heap, m);
    // Handed off: the byte stays locked for the new owner, who is still
    // holding it (it waits for our release flag).
    expect(heap.u8[m]).toBe(MUTEX_LOCKED_BIT);
    expect((await acquired).handedOff).toBe(1);
    expect(mutexTryLock(heap, m)).toBe(false);
    const released = nextMessage<{ released: boolean }>(w);
    releaseActor();
    await released;
    expect(heap.u8[m]).toBe(0);
  });

  it('a timed lock on another thread fails after its timeout while we hold it', async () => {
    mutexLock(heap, m);
    const w = actor({ action: 'mutex-lock-timed', addr: m, timeoutMs: 30 });
    const reply = await nextMessage<{ status: number; waitedMs: number }>(w);
    expect(reply.status).toBe(LOCK_FAILURE);
    expect(reply.waitedMs).toBeGreaterThanOrEqual(29);
    // The timed-out waiter left; the parked bit may remain (as in CPython) and
    // the next unlock clears it through an empty unpark.
    mutexUnlock(heap, m);
    expect(heap.u8[m]).toBe(0);
  });
});
