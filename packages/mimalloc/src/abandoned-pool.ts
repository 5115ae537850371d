/**
 * The interpreter's abandoned-segment pool (mimalloc `mi_abandoned_pool_t`,
 * one per interpreter as in CPython): segments whose pages are all abandoned,
 * in two lists — not yet examined and already visited — under a PyMutex.
 * Abandoning and reclaiming are rare, and the lock spares the ABA tags that
 * mimalloc's lock-free list needs.
 */

import { LOCK_DONT_DETACH, mutexLockFlags, mutexUnlock } from '@ft/atomics';
import {
  SEGMENT_ABANDONED_NEXT_OFFSET,
  SEGMENT_ABANDONED_VISITS_OFFSET,
  SEGMENT_THREAD_ID_OFFSET,
  SHARED_ABANDONED_COUNT_OFFSET,
  SHARED_ABANDONED_OFFSET,
  SHARED_POOL_MUTEX_OFFSET,
  SHARED_VISITED_COUNT_OFFSET,
  SHARED_VISITED_OFFSET,
  THREAD_SEGMENTS_OFFSET,
} from './layout.js';
import type { MiThread } from './mi-thread.js';
import { unqueueFreeSpans } from './segment.js';

/**
 * Hands a segment whose pages are all abandoned to the interpreter's pool (`mi_segment_abandon`).
 * SAFETY: the segment count is `t`'s owner-only field; the visit count is
 * written by the segment's owner before the push publishes the segment
 * (under the pool mutex) and afterwards only by a thread holding it.
 * @internal
 */
export function segmentAbandon(t: MiThread, segment: number): void {
  const u32 = t.u32;
  unqueueFreeSpans(t, segment);
  u32[(t.record + THREAD_SEGMENTS_OFFSET) >>> 2]--;
  Atomics.store(u32, (segment + SEGMENT_THREAD_ID_OFFSET) >>> 2, 0);
  u32[(segment + SEGMENT_ABANDONED_VISITS_OFFSET) >>> 2] = 1;
  poolPush(t, segment, SHARED_ABANDONED_OFFSET, SHARED_ABANDONED_COUNT_OFFSET);
}

/** Pushes a segment on one of the pool's lists. @internal */
export function poolPush(t: MiThread, segment: number, listOffset: number, countOffset: number): void {
  const u32 = t.u32;
  const mutex = t.shared + SHARED_POOL_MUTEX_OFFSET;
  mutexLockFlags(t.heap, mutex, LOCK_DONT_DETACH);
  // SAFETY: the pool lists are touched only under the pool mutex.
  u32[(segment + SEGMENT_ABANDONED_NEXT_OFFSET) >>> 2] = u32[(t.shared + listOffset) >>> 2];
  u32[(t.shared + listOffset) >>> 2] = segment;
  Atomics.add(u32, (t.shared + countOffset) >>> 2, 1);
  mutexUnlock(t.heap, mutex);
}

/**
 * Pops an abandoned segment, refilling from the visited list when empty (`mi_abandoned_pop`).
 * SAFETY: the pool lists and the segments' pool links are touched only under the pool mutex.
 * @internal
 */
export function poolPop(t: MiThread): number {
  const u32 = t.u32;
  const mutex = t.shared + SHARED_POOL_MUTEX_OFFSET;
  mutexLockFlags(t.heap, mutex, LOCK_DONT_DETACH);
  try {
    let segment = u32[(t.shared + SHARED_ABANDONED_OFFSET) >>> 2];
    if (segment === 0) {
      segment = u32[(t.shared + SHARED_VISITED_OFFSET) >>> 2];
      if (segment === 0) return 0;
      u32[(t.shared + SHARED_ABANDONED_OFFSET) >>> 2] = segment;
      u32[(t.shared + SHARED_VISITED_OFFSET) >>> 2] = 0;
      Atomics.add(u32, (t.shared + SHARED_ABANDONED_COUNT_OFFSET) >>> 2, Atomics.exchange(u32, (t.shared + SHARED_VISITED_COUNT_OFFSET) >>> 2, 0));
    }
    u32[(t.shared + SHARED_ABANDONED_OFFSET) >>> 2] = u32[(segment + SEGMENT_ABANDONED_NEXT_OFFSET) >>> 2];
    u32[(segment + SEGMENT_ABANDONED_NEXT_OFFSET) >>> 2] = 0;
    Atomics.sub(u32, (t.shared + SHARED_ABANDONED_COUNT_OFFSET) >>> 2, 1);
    return segment;
  } finally {
    mutexUnlock(t.heap, mutex);
  }
}

