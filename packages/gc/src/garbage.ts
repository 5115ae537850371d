/**
 * `gc.garbage`: objects the collector found unreachable but could not free
 * (legacy finalizers) or was told to keep (`DEBUG_SAVEALL`). The list is the
 * interpreter's, so it lives in shared memory: a vector of object addresses
 * in a region, each holding a reference, under the GC state's mutex. The
 * Python `gc` module presents it as a list.
 */

import { mutexLock, mutexUnlock, regionAlloc, regionFree } from '@ft/atomics';
import { decref, incref } from '@ft/refcount';
import type { GcThread } from './gc-thread.js';
import { GC_GARBAGE_CAPACITY_OFFSET, GC_GARBAGE_LENGTH_OFFSET, GC_GARBAGE_MUTEX_OFFSET, GC_GARBAGE_OFFSET } from './layout.js';

/** Appends `op` to gc.garbage with a new reference. @internal */
export function appendGarbage(gt: GcThread, op: number): void {
  const u32 = gt.u32;
  const state = gt.state;
  incref(gt.rc, op);
  mutexLock(gt.heap, state + GC_GARBAGE_MUTEX_OFFSET);
  try {
    // SAFETY: the vector and its two counts are read and written under the mutex.
    let vector = u32[(state + GC_GARBAGE_OFFSET) >>> 2];
    const length = u32[(state + GC_GARBAGE_LENGTH_OFFSET) >>> 2];
    const capacity = u32[(state + GC_GARBAGE_CAPACITY_OFFSET) >>> 2];
    if (length === capacity) {
      const bigger = Math.max(16, capacity * 2);
      const grown = regionAlloc(gt.heap, bigger * 4);
      if (grown === 0) {
        // Out of shared memory: CPython clears the append's error and goes on without it.
        decref(gt.rc, op);
        return;
      }
      if (vector !== 0) {
        gt.heap.copy(grown, vector, length * 4);
        regionFree(gt.heap, vector, capacity * 4);
      }
      vector = grown;
      u32[(state + GC_GARBAGE_OFFSET) >>> 2] = vector;
      u32[(state + GC_GARBAGE_CAPACITY_OFFSET) >>> 2] = bigger;
    }
    u32[(vector >>> 2) + length] = op;
    u32[(state + GC_GARBAGE_LENGTH_OFFSET) >>> 2] = length + 1;
  } finally {
    mutexUnlock(gt.heap, state + GC_GARBAGE_MUTEX_OFFSET);
  }
}

/**
 * The objects in gc.garbage, oldest first (a snapshot; the references stay
 * with the list).
 * @public
 */
export function gcGarbage(gt: GcThread): number[] {
  const u32 = gt.u32;
  mutexLock(gt.heap, gt.state + GC_GARBAGE_MUTEX_OFFSET);
  try {
    const vector = u32[(gt.state + GC_GARBAGE_OFFSET) >>> 2];
    return Array.from(u32.subarray(vector >>> 2, (vector >>> 2) + u32[(gt.state + GC_GARBAGE_LENGTH_OFFSET) >>> 2]));
  } finally {
    mutexUnlock(gt.heap, gt.state + GC_GARBAGE_MUTEX_OFFSET);
  }
}

/**
 * Empties gc.garbage (`del gc.garbage[:]`): takes every entry and empties
 * the list in one critical section, as CPython's list lock makes the
 * deletion atomic, then releases the references with the mutex dropped (a
 * release may run a dealloc). Returns how many there were.
 * @public
 */
export function gcClearGarbage(gt: GcThread): number {
  const u32 = gt.u32;
  let taken: number[];
  mutexLock(gt.heap, gt.state + GC_GARBAGE_MUTEX_OFFSET);
  try {
    // SAFETY: the vector and its length under the mutex.
    const vector = u32[(gt.state + GC_GARBAGE_OFFSET) >>> 2]!;
    const length = u32[(gt.state + GC_GARBAGE_LENGTH_OFFSET) >>> 2]!;
    taken = Array.from(u32.subarray(vector >>> 2, (vector >>> 2) + length));
    u32[(gt.state + GC_GARBAGE_LENGTH_OFFSET) >>> 2] = 0;
  } finally {
    mutexUnlock(gt.heap, gt.state + GC_GARBAGE_MUTEX_OFFSET);
  }
  for (const op of taken) decref(gt.rc, op);
  return taken.length;
}
