/**
 * The working-set allocator workload the benchmarks share: fill a fixed
 * number of slots with blocks of random sizes, then at each step free a
 * random slot's block and allocate a new random size into it. The random
 * choices are drawn up front (outside any timed section) from a seed, so two
 * allocators measured on the same seed do exactly the same work. Each
 * benchmark writes its own fill/step/drain loop over these tables, one per
 * allocator, so that every loop stays monomorphic.
 */

import { Rng } from './random.js';

/** Live blocks of the workload. */
export const WS_SLOTS = 10_000;
/** Smallest request (inclusive). */
export const WS_MIN_SIZE = 16;
/** Largest request (inclusive). */
export const WS_MAX_SIZE = 512;
/** Precomputed steps (a power of two), replayed cyclically. */
export const WS_STEP_TABLE_SIZE = 1 << 20;
/** `step & WS_STEP_MASK` wraps a step index into the tables. */
export const WS_STEP_MASK = WS_STEP_TABLE_SIZE - 1;

/** The precomputed random choices of a run. */
export interface Workload {
  /** Request sizes of the initial fill, one per slot. */
  readonly fillSizes: Uint16Array;
  /** Request size of step k. */
  readonly sizes: Uint16Array;
  /** Slot freed and refilled at step k. */
  readonly slots: Uint16Array;
  readonly seed: number;
}

/** Draws the sizes and slots of a run. */
export function makeWorkload(seed: number): Workload {
  const rng = new Rng(seed);
  const span = WS_MAX_SIZE - WS_MIN_SIZE + 1;
  const fillSizes = new Uint16Array(WS_SLOTS);
  for (let i = 0; i < WS_SLOTS; i++) fillSizes[i] = WS_MIN_SIZE + rng.nextInt(span);
  const sizes = new Uint16Array(WS_STEP_TABLE_SIZE);
  const slots = new Uint16Array(WS_STEP_TABLE_SIZE);
  for (let k = 0; k < WS_STEP_TABLE_SIZE; k++) {
    sizes[k] = WS_MIN_SIZE + rng.nextInt(span);
    slots[k] = rng.nextInt(WS_SLOTS);
  }
  return { fillSizes, sizes, slots, seed };
}

/** One allocator's live blocks and where it is in the step sequence. */
export interface WorkingSet {
  readonly work: Workload;
  /** Address of each slot's block. */
  readonly live: Uint32Array;
  /** Requested size of each slot's block. */
  readonly liveSize: Uint16Array;
  /** Next step index (into the tables, modulo their size). */
  cursor: number;
  /** Allocations that returned 0. */
  failures: number;
  /** Frees the allocator refused (e.g. pymalloc's "not my block"). */
  refused: number;
  /** Steps done. */
  steps: number;
}

/** An empty working set over `work`. */
export function newWorkingSet(work: Workload): WorkingSet {
  return { work, live: new Uint32Array(WS_SLOTS), liveSize: new Uint16Array(WS_SLOTS), cursor: 0, failures: 0, refused: 0, steps: 0 };
}

/** What `checkLive` checks beyond non-zero, aligned and disjoint. */
export interface LiveCheck {
  /** The allocator's size of a block: each must hold its request. */
  readonly blockSize?: (p: number) => number;
  /** Bytes the allocator keeps in front of each block (a debug frame), which no other block may overlap. */
  readonly frameBefore?: number;
  /** Bytes it keeps behind each block. */
  readonly frameAfter?: number;
}

/**
 * Fails unless the live blocks are non-zero, `align`-byte aligned, large
 * enough (with `check.blockSize`) and pairwise disjoint, frames included: no
 * block was handed out twice. Returns a description of the first problem,
 * or null.
 */
export function checkLive(ws: WorkingSet, align: number, check: LiveCheck = {}): string | null {
  const { blockSize, frameBefore = 0, frameAfter = 0 } = check;
  const order = Array.from({ length: WS_SLOTS }, (_, i) => i).sort((a, b) => ws.live[a] - ws.live[b]);
  for (let j = 0; j < WS_SLOTS; j++) {
    const slot = order[j];
    const p = ws.live[slot];
    if (p === 0) return `slot ${slot} holds a null block`;
    if (p % align !== 0) return `block ${p} is not ${align}-byte aligned`;
    if (blockSize !== undefined && blockSize(p) < ws.liveSize[slot]) return `block ${p} has ${blockSize(p)} bytes for a request of ${ws.liveSize[slot]}`;
    if (j > 0) {
      const prev = order[j - 1];
      if (ws.live[prev] + ws.liveSize[prev] + frameAfter > p - frameBefore) return `blocks ${ws.live[prev]} (${ws.liveSize[prev]} B) and ${p} overlap`;
    }
  }
  return null;
}
