/**
 * Workers of the abandon/reclaim test (see ../abandon-reclaim.test.ts).
 *
 * 'leaver': allocates blocks of several sizes in heaps 0, 1, 2, 3 and 7
 * (leaving holes: every other block is freed again), a huge block in heap 2,
 * patterns them, and exits with miThreadExit without freeing them; then posts
 * their descriptors.
 *
 * 'reclaimer': allocates the same sizes in heap 1 (which reclaims abandoned
 * segments), posts its blocks and waits for flag ≥ 1; then verifies and frees
 * every leaver block and its own, posts what it saw and waits for flag ≥ 2;
 * then exits its heaps and posts 'exited'.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { FreeCallbackRegistry, qsbrAttach, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '@ft/qsbr';
import { miFree, miHeapMalloc, miThreadExit, miThreadInit } from '../../src/index.js';
import { findPatternMismatch, writePattern } from '../stress/block-pattern.js';

/** A block as posted between the threads. */
export interface PostedBlock {
  address: number;
  size: number;
  cookie: number;
  tag: number;
}

export interface AbandonReclaimData {
  role: 'leaver' | 'reclaimer';
  heap: SharedHeapHandle;
  mi: number;
  qsbr: number;
  /** i32 the main thread raises to let the reclaimer go on. */
  flag: number;
  /** The leaver's blocks (reclaimer only). */
  leaverBlocks?: PostedBlock[];
}

/** (size, blocks kept) per heap; the leaver allocates twice as many and frees every other one. */
export const BLOCK_SIZES: ReadonlyArray<readonly [number, number]> = [
  [24, 30],
  [64, 40],
  [256, 20],
  [1000, 8],
  [8192, 3],
  [40_000, 2],
  [300_000, 1],
];
export const LEAVER_TAGS = [0, 1, 2, 3, 7];
/** One block past half a segment: a huge segment of its own. */
export const HUGE_SIZE = 3 << 20;
export const RECLAIMER_TAG = 1;
const WAIT_DEADLINE_MS = 60_000;

function cookieOf(address: number, tag: number): number {
  return (Math.imul(address ^ (tag << 24), 0x9e3779b1) | 1) >>> 0;
}

function waitForFlag(i32: Int32Array, index: number, value: number): void {
  const deadline = Date.now() + WAIT_DEADLINE_MS;
  for (;;) {
    const seen = Atomics.load(i32, index);
    if (seen >= value) return;
    if (Date.now() > deadline) throw new Error(`reclaimer: flag still ${seen} after ${WAIT_DEADLINE_MS} ms, waiting for ${value}`);
    Atomics.wait(i32, index, seen, 100);
  }
}

const data = (workerData as { data: AbandonReclaimData }).data;
const heap = SharedHeap.attach(data.heap);
const q = qsbrRegister(heap, data.qsbr, new FreeCallbackRegistry());
qsbrAttach(q);
const t = miThreadInit(heap, data.mi, q);

function allocate(tag: number, size: number): PostedBlock {
  const address = miHeapMalloc(t, tag, size);
  if (address === 0) throw new Error(`${data.role}: allocation of ${size} bytes in heap ${tag} failed`);
  const cookie = cookieOf(address, tag);
  writePattern(heap.u8, address, size, cookie);
  return { address, size, cookie, tag };
}

if (data.role === 'leaver') {
  const kept: PostedBlock[] = [];
  for (const tag of LEAVER_TAGS) {
    for (const [size, count] of BLOCK_SIZES) {
      for (let i = 0; i < 2 * count; i++) {
        const block = allocate(tag, size);
        if (i % 2 === 0) kept.push(block);
        else miFree(t, block.address);
      }
    }
  }
  kept.push(allocate(2, HUGE_SIZE));
  qsbrQuiescentState(q);
  // Exit without freeing: everything kept is abandoned with its pages.
  miThreadExit(t);
  qsbrUnregister(q);
  heap.close();
  parentPort!.postMessage({ tid: t.tid, blocks: kept });
} else {
  const own: PostedBlock[] = [];
  for (const [size, count] of BLOCK_SIZES) for (let i = 0; i < count; i++) own.push(allocate(RECLAIMER_TAG, size));
  parentPort!.postMessage({ tid: t.tid, blocks: own });
  // The main thread visits the heaps now: we do nothing until it is done.
  waitForFlag(heap.i32, data.flag >>> 2, 1);
  let corruptions = 0;
  const problems: string[] = [];
  for (const b of [...data.leaverBlocks!, ...own]) {
    const bad = findPatternMismatch(heap.u8, b.address, b.size, b.cookie);
    if (bad >= 0) {
      corruptions++;
      if (problems.length < 4) problems.push(`block ${b.address} (${b.size} bytes, heap ${b.tag}) broken at offset ${bad}`);
    }
    miFree(t, b.address);
  }
  qsbrQuiescentState(q);
  parentPort!.postMessage({ corruptions, problems, freed: data.leaverBlocks!.length + own.length });
  waitForFlag(heap.i32, data.flag >>> 2, 2);
  miThreadExit(t);
  qsbrUnregister(q);
  heap.close();
  parentPort!.postMessage({ exited: true });
}
