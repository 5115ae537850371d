/**
 * QSBR-delayed page reuse (CPython `_PyMem_mi_page_maybe_free`,
 * `_PyMem_mi_heap_collect_qsbr`): an emptied object page is not reused for
 * another size class until its QSBR goal is reached while a reader thread
 * stays online, and is reused after.
 *
 * The main thread fills exactly one 64 KiB page of 64-byte blocks in the
 * object heap (tag 1), frees them all and collects, so the empty page gets a
 * QSBR goal; it advances the write sequence and reports its own quiescent
 * state, so that only the reader worker (online, never quiescent) stands
 * between the goal and the page's release. Allocating four pages' worth of
 * 256-byte blocks must then never land in the first page's 64 KiB region.
 * Once the reader reports a quiescent state, a collection frees the page and
 * the next fresh 256-byte page takes its slice.
 *
 * The control runs the same steps with a MiThread that has no QSBR
 * registration: the page is freed at once and the very first 256-byte page
 * reuses its region while the reader is still online.
 *
 * A deterministic unit test with a scripted interleaving: the reader moves
 * on only when the main thread raises a flag in shared memory, and the main
 * thread waits for the reader's message, never for time.
 */

import { regionAlloc, SharedHeap } from '@ft/atomics';
import { nextMessage, spawnTsWorker } from '@ft/harness';
import { FreeCallbackRegistry, qsbrAdvance, qsbrAttach, qsbrCreate, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '@ft/qsbr';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { blockStartOffset, MI_HEAP_MEM, MI_HEAP_OBJECT, MI_SLICE_SIZE, miCollect, miCreate, miFree, miHeapMalloc, miStats, miThreadExit, miThreadInit } from '../src/index.js';
import type { QsbrReaderData } from './workers/qsbr-reader.worker.js';
import { exited, within } from './workers/worker-steps.js';

const READER = new URL('./workers/qsbr-reader.worker.ts', import.meta.url);
const SIZE_A = 64;
const SIZE_B = 256;
/** Blocks of one small (one-slice) page of a class. */
const perPage = (size: number): number => Math.floor((MI_SLICE_SIZE - blockStartOffset(size)) / size);

interface Observed {
  /** Start of the 64 KiB region of the class-A page. */
  regionA: number;
  /** All class-A blocks were in that one region, distinct. */
  oneFullPage: boolean;
  /** QSBR-pending pages right after emptying the class-A page and collecting. */
  pendingAfterEmpty: number;
  /** Class-B blocks allocated while the reader was online, and how many of them landed in A's region. */
  phase1Blocks: number;
  phase1InA: number;
  pendingAfterPhase1: number;
  /** Pending pages after the reader's quiescent state and phase 2. */
  pendingAfterQuiescent: number;
  /** Index of the first class-B block (after the reader's quiescent state) in A's region; -1 = none within the bound. */
  phase2FirstInA: number;
  phase2Bound: number;
}

/**
 * The whole sequence on a fresh heap. `release` says how the main thread
 * lets the page go once the reader has reported its quiescent state: by a
 * collection (`miCollect(t, false)`) or by just allocating more class-B
 * blocks (every fresh page polls the QSBR-delayed pages first).
 */
async function runSequence(useQsbr: boolean, release: 'collect' | 'allocate'): Promise<Observed> {
  const heap = SharedHeap.create({ size: 64 << 20 });
  let reader: Worker | null = null;
  try {
    const qsbr = qsbrCreate(heap);
    const mi = miCreate(heap, { checked: true });
    const flag = regionAlloc(heap, 64);
    const mainQsbr = qsbrRegister(heap, qsbr, new FreeCallbackRegistry());
    qsbrAttach(mainQsbr);
    const t = miThreadInit(heap, mi, useQsbr ? mainQsbr : null);

    reader = spawnTsWorker(READER, { heap: heap.handle(), qsbr, flag } satisfies QsbrReaderData);
    const readerExit = exited(reader);
    expect(await within(nextMessage<string>(reader), 'reader online')).toBe('online');

    // A block of another heap keeps the segment alive whatever happens to the page.
    const keeper = miHeapMalloc(t, MI_HEAP_MEM, 1024);
    const inRegion = (p: number, region: number): boolean => p >= region && p < region + MI_SLICE_SIZE;

    // Fill exactly one page of class A in the object heap, then empty it.
    const a: number[] = [];
    for (let i = 0; i < perPage(SIZE_A); i++) a.push(miHeapMalloc(t, MI_HEAP_OBJECT, SIZE_A));
    const regionA = Math.floor(a[0] / MI_SLICE_SIZE) * MI_SLICE_SIZE;
    const oneFullPage = a.every((p) => p !== 0 && inRegion(p, regionA)) && new Set(a).size === a.length && !inRegion(keeper, regionA);
    for (const p of a) miFree(t, p);
    // The emptied page is the only one of its class: retired, and on a forced
    // collection freed — or, in an object heap with QSBR, given a goal.
    miCollect(t, true);
    const pendingAfterEmpty = miStats(t).qsbrPendingPages;
    // Stand in for the writes that advance the sequence in a running program;
    // from here on only the reader (online, never quiescent) holds the goal back.
    qsbrAdvance(mainQsbr);
    qsbrQuiescentState(mainQsbr);

    // Phase 1: class B while the reader is online. Every fresh page polls QSBR first.
    const b: number[] = [];
    const phase1Blocks = 4 * perPage(SIZE_B);
    for (let i = 0; i < phase1Blocks; i++) b.push(miHeapMalloc(t, MI_HEAP_OBJECT, SIZE_B));
    const phase1InA = b.filter((p) => inRegion(p, regionA)).length;
    const pendingAfterPhase1 = miStats(t).qsbrPendingPages;

    // The reader reports a quiescent state; so do we.
    const quiescent = nextMessage<string>(reader);
    Atomics.store(heap.i32, flag >>> 2, 1);
    Atomics.notify(heap.i32, flag >>> 2);
    expect(await within(quiescent, 'reader quiescent')).toBe('quiescent');
    qsbrQuiescentState(mainQsbr);
    if (release === 'collect') miCollect(t, false);

    // Phase 2: class B again, until a block lands in A's former region.
    const phase2Bound = 2 * perPage(SIZE_B) + 1;
    let phase2FirstInA = -1;
    for (let i = 0; i < phase2Bound; i++) {
      const p = miHeapMalloc(t, MI_HEAP_OBJECT, SIZE_B);
      b.push(p);
      if (inRegion(p, regionA)) {
        phase2FirstInA = i;
        break;
      }
    }
    const pendingAfterQuiescent = miStats(t).qsbrPendingPages;

    for (const p of b) miFree(t, p);
    miFree(t, keeper);
    const done = nextMessage<string>(reader);
    Atomics.store(heap.i32, flag >>> 2, 2);
    Atomics.notify(heap.i32, flag >>> 2);
    expect(await within(done, 'reader done')).toBe('done');
    await within(readerExit, 'reader exit');
    miThreadExit(t);
    qsbrUnregister(mainQsbr);
    return { regionA, oneFullPage, pendingAfterEmpty, phase1Blocks, phase1InA, pendingAfterPhase1, pendingAfterQuiescent, phase2FirstInA, phase2Bound };
  } finally {
    if (reader !== null) await reader.terminate();
    heap.close();
  }
}

function expectHeldThenReused(o: Observed): void {
  expect(o.oneFullPage).toBe(true);
  // Emptied and collected: the page waits for its goal instead of being freed.
  expect(o.pendingAfterEmpty).toBe(1);
  // While the reader is online, four fresh class-B pages never take its slice.
  expect(o.phase1InA).toBe(0);
  expect(o.pendingAfterPhase1).toBe(1);
  // After the reader's quiescent state: freed, and the next fresh class-B page takes the slice.
  expect(o.phase2FirstInA).toBeGreaterThanOrEqual(0);
  expect(o.pendingAfterQuiescent).toBe(0);
}

describe('QSBR-delayed reuse of emptied object pages, with a real reader thread', () => {
  it('an emptied object page is not reused for another size class while a reader is online, and is reused after (released by allocating)', async () => {
    const o = await runSequence(true, 'allocate');
    console.log(`QSBR, release by allocating: ${JSON.stringify(o)}`);
    expectHeldThenReused(o);
  });

  it('the same, released by miCollect(t, false) after the quiescent states', async () => {
    const o = await runSequence(true, 'collect');
    console.log(`QSBR, release by miCollect: ${JSON.stringify(o)}`);
    expectHeldThenReused(o);
  });

  it('control: without QSBR the emptied page is reused by the other class at once, reader online or not', async () => {
    const o = await runSequence(false, 'allocate');
    console.log(`no QSBR: ${JSON.stringify(o)}`);
    expect(o.oneFullPage).toBe(true);
    expect(o.pendingAfterEmpty).toBe(0);
    expect(o.phase1InA).toBeGreaterThan(0);
    expect(o.pendingAfterPhase1).toBe(0);
  });
});
