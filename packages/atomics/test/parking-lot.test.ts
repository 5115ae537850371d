import { nextMessage, spawnTsWorker } from '@ft/harness';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  PARK_AGAIN,
  PARK_OK,
  PARK_TIMEOUT,
  park,
  parkedInBucket,
  regionAlloc,
  HeapContext,
  SharedHeap,
  unparkAll,
  unparkOne,
} from '../src/index.js';
import type { ActorData } from './workers/actor.worker.js';

const actorUrl = new URL('./workers/actor.worker.ts', import.meta.url);

let heap: SharedHeap;
let region: number;
const workers: Worker[] = [];

beforeEach(() => {
  heap = SharedHeap.create({ size: 4 << 20 });
  region = regionAlloc(heap, 4096);
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
  heap.close();
});

function actor(data: Omit<ActorData, 'heap' | 'release'> & { release?: number }): Worker {
  const worker = spawnTsWorker(actorUrl, { heap: heap.handle(), release: region + 2048, ...data });
  workers.push(worker);
  return worker;
}

async function untilQueued(addr: number, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (parkedInBucket(heap, addr) < count) {
    if (Date.now() > deadline) throw new Error(`never saw ${count} waiter(s) on ${addr}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('park', () => {
  it('returns AGAIN without sleeping when the word differs', () => {
    heap.u8[region] = 7;
    expect(park(heap, region, 6, 1, -1, 0, false)).toBe(PARK_AGAIN);
    expect(parkedInBucket(heap, region)).toBe(0);
  });

  it('compares 1-, 2- and 4-byte words', () => {
    heap.u16[(region + 8) >>> 1] = 0xbeef;
    heap.i32[(region + 16) >>> 2] = -5;
    expect(park(heap, region + 8, 0xbeee, 2, 0, 0, false)).toBe(PARK_AGAIN);
    expect(park(heap, region + 8, 0xbeef, 2, 0, 0, false)).toBe(PARK_TIMEOUT);
    expect(park(heap, region + 16, -5, 4, 0, 0, false)).toBe(PARK_TIMEOUT);
    expect(() => park(heap, region, 0, 3, 0, 0, false)).toThrow(/width must be 1, 2 or 4/);
  });

  it('times out after the timeout and leaves no waiter queued', () => {
    const start = performance.now();
    expect(park(heap, region, 0, 1, 15, 0, false)).toBe(PARK_TIMEOUT);
    expect(performance.now() - start).toBeGreaterThanOrEqual(14);
    expect(parkedInBucket(heap, region)).toBe(0);
  });
});

describe('unpark', () => {
  it('calls the callback with no waiter when nobody is parked', () => {
    const calls: number[][] = [];
    const woken = unparkOne(heap, region, (_h, arg, tid, parkArg, more) => (calls.push([arg, tid, parkArg, more ? 1 : 0]), 9), 42);
    expect(woken).toBe(0);
    expect(calls).toEqual([[42, 0, 0, 0]]);
  });

  it('wakes a parked thread, passing park argument and callback value', async () => {
    const w = actor({ action: 'park', addr: region, expected: 0, parkArg: 12.5 });
    const reply = nextMessage<{ tid: number; status: number; unparkValue: number }>(w);
    await untilQueued(region, 1);
    let seen: number[] = [];
    const woken = unparkOne(heap, region, (_h, arg, tid, parkArg, more) => ((seen = [arg, tid, parkArg, more ? 1 : 0]), 77), 5);
    const message = await reply;
    expect(woken).toBe(message.tid);
    expect(seen).toEqual([5, message.tid, 12.5, 0]);
    expect(message.status).toBe(PARK_OK);
    expect(message.unparkValue).toBe(77);
    expect(parkedInBucket(heap, region)).toBe(0);
  });

  it('keeps the unpark value when the attach hook parks again', async () => {
    const w = actor({ action: 'park-nested-attach', addr: region });
    const reply = nextMessage<{ status: number; unparkValue: number }>(w);
    await untilQueued(region, 1);
    unparkOne(heap, region, () => 1234, 0);
    const message = await reply;
    expect(message.status).toBe(PARK_OK);
    expect(message.unparkValue).toBe(1234);
  });

  it('wakes waiters first-in first-out and reports whether more remain', async () => {
    const first = actor({ action: 'park', addr: region });
    const firstReply = nextMessage<{ tid: number }>(first);
    await untilQueued(region, 1);
    const second = actor({ action: 'park', addr: region });
    const secondReply = nextMessage<{ tid: number }>(second);
    await untilQueued(region, 2);
    const hasMore: boolean[] = [];
    const record = (_h: HeapContext, _a: number, _t: number, _p: number, more: boolean): number => (hasMore.push(more), 0);
    const a = unparkOne(heap, region, record, 0);
    expect(a).toBe((await firstReply).tid);
    const b = unparkOne(heap, region, record, 0);
    expect(b).toBe((await secondReply).tid);
    expect(hasMore).toEqual([true, false]);
  });

  it('unparkAll wakes every waiter on the address and none on others', async () => {
    // region and region + 257 share a bucket (index = address % 257).
    const other = region + 257;
    const replies = [0, 1, 2].map(() => nextMessage<{ status: number }>(actor({ action: 'park', addr: region })));
    const bystander = actor({ action: 'park', addr: other, timeoutMs: 20_000 });
    const bystanderReply = nextMessage<{ status: number }>(bystander);
    await untilQueued(region, 4);
    expect(unparkAll(heap, region)).toBe(3);
    for (const reply of replies) expect((await reply).status).toBe(PARK_OK);
    expect(parkedInBucket(heap, other)).toBe(1);
    expect(unparkOne(heap, other, null, 0)).toBeGreaterThan(0);
    expect((await bystanderReply).status).toBe(PARK_OK);
  });
});
