/**
 * Thread slots: runtime-wide thread ids and per-thread parker words.
 *
 * Every thread that uses a heap holds one slot; its index is the thread id
 * (tid ≥ 1) that objects carry in `ob_tid` and mimalloc in its segment owner
 * field (CPython makes these agree so the GC can restore `ob_tid`). A freed tid
 * is reused by the next registration, lowest first. Each slot holds the
 * thread's parker word: the binary semaphore it sleeps on with `Atomics.wait`
 * and is woken through with `Atomics.notify` (CPython `_PySemaphore`), plus the
 * wait-queue links the parking lot threads through it.
 */

import { monotonicMs } from './clock.js';
import {
  HEAP_LIVE_THREADS_OFFSET,
  HEAP_MAX_TID_OFFSET,
  HEAP_THREAD_CAPACITY_OFFSET,
  HEAP_THREAD_REGISTRATIONS_OFFSET,
  HEAP_THREAD_TABLE_OFFSET,
  THREAD_GENERATION_OFFSET,
  THREAD_IS_UNPARKING_OFFSET,
  THREAD_PARKER_OFFSET,
  THREAD_PARKS_OFFSET,
  THREAD_SLOT_SIZE,
  THREAD_STATE_FREE,
  THREAD_STATE_LIVE,
  THREAD_STATE_OFFSET,
  THREAD_UNPARK_VALUE_OFFSET,
  THREAD_WAIT_ADDR_OFFSET,
  THREAD_WAIT_NEXT_OFFSET,
  THREAD_WAIT_PREV_OFFSET,
} from './layout.js';
import type { HeapContext } from './heap-context.js';

/**
 * Address of thread `tid`'s slot.
 * @public
 */
export function threadSlotAddress(heap: HeapContext, tid: number): number {
  // SAFETY: the thread-table address is immutable after the heap's creation.
  return heap.u32[HEAP_THREAD_TABLE_OFFSET >>> 2] + tid * THREAD_SLOT_SIZE;
}

/**
 * Claims the lowest free thread id for the calling thread; 0 when all are
 * taken. Called by `SharedHeap`'s lifecycle (shared-heap.ts) before the
 * thread's context exists, hence over bare views of the heap.
 * @internal
 */
export function registerThreadSlot(i32: Int32Array, u32: Uint32Array): number {
  // SAFETY: capacity and table address are immutable after the heap's creation.
  const capacity = u32[HEAP_THREAD_CAPACITY_OFFSET >>> 2];
  const table = u32[HEAP_THREAD_TABLE_OFFSET >>> 2];
  for (let tid = 1; tid <= capacity; tid++) {
    const slot = table + tid * THREAD_SLOT_SIZE;
    if (Atomics.compareExchange(i32, (slot + THREAD_STATE_OFFSET) >>> 2, THREAD_STATE_FREE, THREAD_STATE_LIVE) !== THREAD_STATE_FREE) {
      continue;
    }
    // SAFETY: the slot is ours from the CAS on: nobody posts to a free slot,
    // and its wait entry is touched by no one else until we park.
    Atomics.store(i32, (slot + THREAD_PARKER_OFFSET) >>> 2, 0);
    u32[(slot + THREAD_WAIT_ADDR_OFFSET) >>> 2] = 0;
    u32[(slot + THREAD_WAIT_NEXT_OFFSET) >>> 2] = 0;
    u32[(slot + THREAD_WAIT_PREV_OFFSET) >>> 2] = 0;
    i32[(slot + THREAD_IS_UNPARKING_OFFSET) >>> 2] = 0;
    i32[(slot + THREAD_UNPARK_VALUE_OFFSET) >>> 2] = 0;
    u32[(slot + THREAD_PARKS_OFFSET) >>> 2] = 0;
    Atomics.add(u32, (slot + THREAD_GENERATION_OFFSET) >>> 2, 1);
    Atomics.add(i32, HEAP_LIVE_THREADS_OFFSET >>> 2, 1);
    Atomics.add(u32, HEAP_THREAD_REGISTRATIONS_OFFSET >>> 2, 1);
    let max = Atomics.load(i32, HEAP_MAX_TID_OFFSET >>> 2);
    while (max < tid) {
      const seen = Atomics.compareExchange(i32, HEAP_MAX_TID_OFFSET >>> 2, max, tid);
      if (seen === max) break;
      max = seen;
    }
    return tid;
  }
  return 0;
}

/**
 * Frees the calling thread's slot so that its tid can be reused.
 * @internal
 */
export function unregisterThreadSlot(i32: Int32Array, slot: number): void {
  Atomics.sub(i32, HEAP_LIVE_THREADS_OFFSET >>> 2, 1);
  Atomics.store(i32, (slot + THREAD_STATE_OFFSET) >>> 2, THREAD_STATE_FREE);
}

/**
 * Whether `tid` is currently registered (a racy snapshot: it may change right after).
 * @public
 */
export function isThreadLive(heap: HeapContext, tid: number): boolean {
  // SAFETY: the capacity is immutable after the heap's creation.
  if (tid < 1 || tid > heap.u32[HEAP_THREAD_CAPACITY_OFFSET >>> 2]) return false;
  return Atomics.load(heap.i32, (threadSlotAddress(heap, tid) + THREAD_STATE_OFFSET) >>> 2) === THREAD_STATE_LIVE;
}

/**
 * The highest tid ever registered: scanners of per-thread state (QSBR, GC) loop up to it.
 * @public
 */
export function maxThreadId(heap: HeapContext): number {
  return Atomics.load(heap.i32, HEAP_MAX_TID_OFFSET >>> 2);
}

/**
 * Number of threads registered right now.
 * @public
 */
export function liveThreadCount(heap: HeapContext): number {
  return Atomics.load(heap.i32, HEAP_LIVE_THREADS_OFFSET >>> 2);
}

/**
 * How many times `tid` has been handed out; tells a reused tid from its predecessor.
 * @public
 */
export function threadGeneration(heap: HeapContext, tid: number): number {
  return Atomics.load(heap.u32, (threadSlotAddress(heap, tid) + THREAD_GENERATION_OFFSET) >>> 2);
}

/**
 * Sleeps on the calling thread's parker word until another thread posts it with
 * {@link parkerPost}, or until `timeoutMs` passes (negative = forever, 0 = just
 * check). Consumes the post and returns true; false on timeout. A post that
 * arrives before the wait is remembered (CPython `_PySemaphore_Wait`).
 *
 * @example
 * ```ts
 * // worker A
 * parkerWait(heap, -1);
 * // worker B, knowing A's tid
 * parkerPost(heap, tidOfA);
 * ```
 * @public
 */
export function parkerWait(heap: HeapContext, timeoutMs: number): boolean {
  const i32 = heap.i32;
  const index = heap.parkerIndex;
  if (Atomics.load(i32, index) === 0) {
    if (timeoutMs < 0) {
      do {
        Atomics.wait(i32, index, 0);
      } while (Atomics.load(i32, index) === 0);
    } else {
      const deadline = monotonicMs() + timeoutMs;
      let remaining = timeoutMs;
      do {
        if (remaining <= 0) return false;
        Atomics.wait(i32, index, 0, remaining);
        remaining = deadline - monotonicMs();
      } while (Atomics.load(i32, index) === 0);
    }
  }
  Atomics.store(i32, index, 0);
  return true;
}

/**
 * Wakes thread `tid` from {@link parkerWait} (CPython `_PySemaphore_Wakeup`).
 * @public
 */
export function parkerPost(heap: HeapContext, tid: number): void {
  const index = (threadSlotAddress(heap, tid) + THREAD_PARKER_OFFSET) >>> 2;
  Atomics.store(heap.i32, index, 1);
  Atomics.notify(heap.i32, index, 1);
}
