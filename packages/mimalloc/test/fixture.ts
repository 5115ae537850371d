/**
 * Test fixture of the deterministic mimalloc tests: a heap with mimalloc
 * state, a second thread identity in the same JavaScript thread (a second
 * attach of the heap, with its own tid, so its frees take the cross-thread
 * paths without workers), and helpers to fill and compare blocks.
 */

import { FatalError, formatAddress, SharedHeap } from '@ft/atomics';
import { expect } from 'vitest';
import { miCreate, miHeapCalloc, miHeapMalloc, miThreadInit, miVisitBlocks, type MiThread } from '../src/index.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
/** The default heap size of {@link setup}. */
export const HEAP_SIZE = 64 * MiB;

const heaps: SharedHeap[] = [];

/** Closes every heap view the fixture opened (for `afterEach`); attached views first, each holds a thread slot. */
export function closeHeaps(): void {
  for (const h of heaps.splice(0).reverse()) h.close();
}

export interface Env {
  heap: SharedHeap;
  mi: number;
  t: MiThread;
}

/** A fresh heap with mimalloc state (checked mode by default) and the main thread's MiThread. */
export function setup(checked = true, size = HEAP_SIZE): Env {
  const heap = SharedHeap.create({ size });
  heaps.push(heap);
  const mi = miCreate(heap, { checked });
  expect(mi).toBeGreaterThan(0);
  return { heap, mi, t: miThreadInit(heap, mi, null) };
}

/** A second "thread" in this JS thread: its own heap view (own tid) and mimalloc state. */
export function secondThread(env: Env): MiThread {
  const view = SharedHeap.attach(env.heap.handle());
  heaps.push(view);
  return miThreadInit(view, env.mi, null);
}

/**
 * Live blocks in every heap, counted by visiting (which collects the free
 * lists first, so it is exact at any time). miStats().liveBlocks is only used
 * after miCollect(t, true): between collections it can miscount (see the
 * 'miStats' tests).
 */
export function live(t: MiThread): number {
  return miVisitBlocks(t, 0xffff, () => {});
}

export function fill(t: MiThread, p: number, size: number, byte: number): void {
  t.u8.fill(byte, p, p + size);
}

export function allBytes(t: MiThread, p: number, size: number, byte: number): boolean {
  const view = t.u8.subarray(p, p + size);
  for (let i = 0; i < view.length; i++) if (view[i] !== byte) return false;
  return true;
}

/** The FatalError thrown by `fn` (fails the test if none is thrown). */
export function fatal(fn: () => unknown): FatalError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FatalError);
    return e as FatalError;
  }
  expect.fail('expected a FatalError');
}

/** Allocations of one size until the block at `target` comes back; returns the others (still live). */
export function allocateUntil(t: MiThread, tag: number, size: number, target: number, zeroed: boolean): { got: number; others: number[] } {
  const others: number[] = [];
  for (let i = 0; i < 20000; i++) {
    const p = zeroed ? miHeapCalloc(t, tag, 1, size) : miHeapMalloc(t, tag, size);
    expect(p).not.toBe(0);
    if (p === target) return { got: p, others };
    others.push(p);
  }
  expect.fail(`block ${formatAddress(target)} never came back`);
}
