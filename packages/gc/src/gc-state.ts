/**
 * Reading and checking the interpreter's GC state (layout.ts): the words
 * every thread reads with `Atomics`, by name.
 */

import { fatalError, formatAddress, type HeapContext } from '@ft/atomics';
import {
  GC_ENABLED_OFFSET,
  GC_LONG_LIVED_TOTAL_OFFSET,
  GC_OLD0_THRESHOLD_OFFSET,
  GC_STATE_SIZE,
  GC_STATE_TAG,
  GC_TAG_OFFSET,
  GC_VERSION_OFFSET,
  GC_LAYOUT_VERSION,
  GC_YOUNG_COUNT_OFFSET,
  GC_YOUNG_THRESHOLD_OFFSET,
} from './layout.js';

/** The Int32 index of a GC state word. @internal */
export function gcWord(state: number, offset: number): number {
  return (state + offset) >>> 2;
}

/** Fails fast unless `state` is an initialised GC state of this layout version. @internal */
export function checkGcState(heap: HeapContext, state: unknown): void {
  if (typeof state !== 'number' || state >>> 0 !== state || (state & 3) !== 0 || state + GC_STATE_SIZE > heap.size) {
    throw new TypeError(`not the address of a GC state: ${String(state)}`);
  }
  if (Atomics.load(heap.u32, (state + GC_TAG_OFFSET) >>> 2) !== GC_STATE_TAG) fatalError(`${formatAddress(state)} is not a GC state`);
  const version = heap.u32[(state + GC_VERSION_OFFSET) >>> 2];
  if (version !== GC_LAYOUT_VERSION) fatalError(`GC state at ${formatAddress(state)} has layout version ${version}, this package reads ${GC_LAYOUT_VERSION}`);
}

/**
 * `gc_should_collect`: the young count is above its threshold (and the
 * threshold is not 0, and collection is enabled), and above a quarter of the
 * objects that survived the last collection — the scaling that keeps a
 * growing heap from being collected every 2000 allocations (quadratic) — or
 * the first old threshold is 0 (tests that want immediate collections).
 * @internal
 */
export function shouldCollect(i32: Int32Array, state: number): boolean {
  const count = Atomics.load(i32, gcWord(state, GC_YOUNG_COUNT_OFFSET));
  const threshold = Atomics.load(i32, gcWord(state, GC_YOUNG_THRESHOLD_OFFSET));
  if (count <= threshold || threshold === 0 || Atomics.load(i32, gcWord(state, GC_ENABLED_OFFSET)) === 0) return false;
  return count > Atomics.load(i32, gcWord(state, GC_LONG_LIVED_TOTAL_OFFSET)) / 4 || Atomics.load(i32, gcWord(state, GC_OLD0_THRESHOLD_OFFSET)) === 0;
}
