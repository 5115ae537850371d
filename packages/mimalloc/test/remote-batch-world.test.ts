/**
 * Batched cross-thread frees under real concurrency: workers free, round
 * after round, blocks the main thread allocated (mixed sizes, three heaps),
 * so their frees wait in pending batches; meanwhile the main thread stops
 * the world at random moments and visits every heap. With the world stopped
 * each worker's freed count is exact, so the visit must return exactly the
 * blocks not yet freed plus the main thread's own: the visit pushes every
 * worker's pending batches, and a worker that resumes after that must not
 * add to a node its owner may already have taken (its private copy of the
 * slot is stale; the cleared shared slot says so). At the end every worker
 * exits (pushing what it still holds) and nothing is left.
 *
 * The control turns the visit's push off (a test seam): the exact check
 * must then fail, or the test could not tell a visit that counts pending
 * blocks as live from a correct one.
 */

import { groupCreate, groupDelete, participantCreate, participantDelete, SharedHeap, startTheWorld, stopTheWorld } from '@ft/atomics';
import { nextMessage, spawnTsWorker, stressScale } from '@ft/harness';
import { describe, expect, it } from 'vitest';
import { MI_HEAP_GC, MI_HEAP_MEM, MI_HEAP_OBJECT, miCollect, miCreate, miFree, miHeapMalloc, miThreadExit, miThreadInit, miVisitBlocks } from '../src/index.js';
import { visitSeams } from '../src/visit.js';
import { controlWords, CTL_ROUND, ctlDone, ctlFreed, ctlMidpoint, ctlResume, type RemoteFreeData } from './workers/remote-free-protocol.js';
import { exited, within } from './workers/worker-steps.js';

const WORKER = new URL('./workers/remote-free.worker.ts', import.meta.url);
const WORKERS = 2;
const PER_WORKER = 4000;
const TAGS = [MI_HEAP_MEM, MI_HEAP_OBJECT, MI_HEAP_GC];

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

interface Outcome {
  stops: number;
  /** Stops that found a worker part-way through its round. */
  midRound: number;
  mismatches: number;
  firstMismatch: string;
  liveAtEnd: number;
}

async function run(rounds: number, pushPending: boolean): Promise<Outcome> {
  const heap = SharedHeap.create({ size: 256 << 20 });
  const mi = miCreate(heap);
  const t = miThreadInit(heap, mi, null);
  const group = groupCreate(heap);
  const me = participantCreate(heap, group);
  const control = new SharedArrayBuffer(4 * controlWords(WORKERS));
  const ctl = new Int32Array(control);
  const itemsBuffer = new SharedArrayBuffer(4 * WORKERS * PER_WORKER);
  const items = new Int32Array(itemsBuffer);
  const random = rng(0x5eed + rounds);
  const workers = Array.from({ length: WORKERS }, (_, index) =>
    spawnTsWorker(WORKER, { heap: heap.handle(), mi, group, index, workers: WORKERS, perWorker: PER_WORKER, control, items: itemsBuffer } satisfies RemoteFreeData),
  );
  const ended = workers.map(exited);
  // Each worker posts 'ready' once it has its mimalloc state and participant.
  await within(Promise.all(workers.map((w) => nextMessage(w))), 'workers ready');
  // Blocks the main thread keeps for itself all along (its own pages are visited too).
  const mine = Array.from({ length: 500 }, () => miHeapMalloc(t, TAGS[Math.floor(random() * TAGS.length)], 16 + Math.floor(random() * 600)));
  const outcome: Outcome = { stops: 0, midRound: 0, mismatches: 0, firstMismatch: '', liveAtEnd: -1 };
  visitSeams.pushPendingFrees = pushPending;

  /** Stops the world, visits, compares with the blocks still live. */
  const check = (): void => {
    stopTheWorld(heap, group);
    try {
      const expected = new Set(mine);
      let partial = false;
      for (let w = 0; w < WORKERS; w++) {
        const freed = Atomics.load(ctl, ctlFreed(w));
        if (freed > 0 && freed < PER_WORKER) partial = true;
        for (let i = freed; i < PER_WORKER; i++) expected.add(items[w * PER_WORKER + i]);
      }
      if (partial) outcome.midRound++;
      const seen = new Set<number>();
      miVisitBlocks(t, 0xffff, (block) => {
        seen.add(block);
      });
      outcome.stops++;
      const extra = [...seen].filter((b) => !expected.has(b));
      const missing = [...expected].filter((b) => !seen.has(b));
      if (extra.length !== 0 || missing.length !== 0) {
        outcome.mismatches++;
        outcome.firstMismatch ||= `stop ${outcome.stops}: ${extra.length} blocks visited that were freed, ${missing.length} live blocks not visited`;
      }
    } finally {
      startTheWorld(heap, group);
    }
  };

  try {
    for (let round = 1; round <= rounds; round++) {
      for (let i = 0; i < WORKERS * PER_WORKER; i++) {
        // Mostly small blocks of many size classes (many pages, so slots
        // are shared and batches are pushed on a page change), a few of 8 KiB.
        const size = random() < 0.02 ? 8192 : 16 + Math.floor(random() * 600);
        items[i] = miHeapMalloc(t, TAGS[Math.floor(random() * TAGS.length)], size);
      }
      for (let w = 0; w < WORKERS; w++) Atomics.store(ctl, ctlFreed(w), 0);
      Atomics.store(ctl, CTL_ROUND, round);
      Atomics.notify(ctl, CTL_ROUND);
      // One stop with every worker waiting at its round's midpoint (half its
      // blocks freed, batches pending), then stops at random moments.
      for (let w = 0; w < WORKERS; w++) {
        while (Atomics.load(ctl, ctlMidpoint(w, WORKERS)) !== round) Atomics.wait(ctl, ctlMidpoint(w, WORKERS), Atomics.load(ctl, ctlMidpoint(w, WORKERS)), 1);
      }
      check();
      Atomics.store(ctl, ctlResume(WORKERS), round);
      for (;;) {
        let done = 0;
        for (let w = 0; w < WORKERS; w++) if (Atomics.load(ctl, ctlDone(w, WORKERS)) === round) done++;
        if (done === WORKERS) break;
        const spins = Math.floor(random() * 20000);
        for (let s = 0; s < spins; s++) Atomics.load(ctl, 0);
        check();
      }
      // Every block of the round is freed; batches may still be pending.
      check();
    }
  } finally {
    const exits = workers.map((w) => nextMessage(w));
    Atomics.store(ctl, CTL_ROUND, -1);
    Atomics.notify(ctl, CTL_ROUND);
    await within(Promise.all(exits), 'workers exited');
    await Promise.all(ended);
    visitSeams.pushPendingFrees = true;
  }
  try {
    for (const p of mine) miFree(t, p);
    miCollect(t, true);
    stopTheWorld(heap, group);
    try {
      outcome.liveAtEnd = miVisitBlocks(t, 0xffff, () => {});
    } finally {
      startTheWorld(heap, group);
    }
  } finally {
    participantDelete(me);
    groupDelete(heap, group);
    miThreadExit(t);
    heap.close();
  }
  return outcome;
}

describe('batched cross-thread frees with the world stopped (real workers)', () => {
  it('every stop visits exactly the live blocks; nothing is left at the end', async () => {
    const rounds = Math.max(2, Math.round(6 * stressScale()));
    const outcome = await run(rounds, true);
    console.log(`remote-batch world: ${rounds} rounds, ${outcome.stops} stops (${outcome.midRound} mid-round), ${outcome.mismatches} mismatches`);
    expect(outcome.firstMismatch).toBe('');
    // The check ran while the workers were part-way through their rounds.
    expect(outcome.midRound).toBeGreaterThanOrEqual(rounds);
    expect(outcome.liveAtEnd).toBe(0);
  }, 120_000);

  it('control: a visit that leaves pending batches alone is caught by the same check', async () => {
    const outcome = await run(2, false);
    console.log(`remote-batch world control: ${outcome.stops} stops (${outcome.midRound} mid-round), ${outcome.mismatches} mismatches (${outcome.firstMismatch})`);
    expect(outcome.mismatches).toBeGreaterThan(0);
    expect(outcome.firstMismatch).toMatch(/blocks visited that were freed/);
    // The workers' exits pushed everything: the heap is still whole.
    expect(outcome.liveAtEnd).toBe(0);
  }, 120_000);
});
