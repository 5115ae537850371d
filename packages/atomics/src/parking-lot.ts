/**
 * The parking lot (CPython `Python/parking_lot.c`, after WebKit's WTF::ParkingLot):
 * lets a thread sleep "on" any address of the heap, so that a lock or an event
 * needs only a byte of its own. Waiters queue FIFO in one of 257 buckets
 * chosen by `address % 257`; each bucket has a raw mutex, and a waiter checks
 * the awaited word and enqueues under that mutex, so an unparker that changes
 * the word and then looks for waiters can never miss one.
 *
 * The wait entry CPython keeps on the waiter's stack lives in the waiter's
 * thread slot here (a thread parks on one address at a time), and the
 * semaphore is the slot's parker word.
 */

import { fatalError, formatAddress } from './fatal.js';
import {
  BUCKET_HEAD_OFFSET,
  BUCKET_LOCK_OFFSET,
  BUCKET_NUM_WAITERS_OFFSET,
  BUCKET_SIZE,
  BUCKET_TAIL_OFFSET,
  HEAP_BUCKET_TABLE_OFFSET,
  HEAP_THREAD_TABLE_OFFSET,
  PARKING_LOT_BUCKETS,
  THREAD_IS_UNPARKING_OFFSET,
  THREAD_PARK_ARG_OFFSET,
  THREAD_PARKER_OFFSET,
  THREAD_PARKS_OFFSET,
  THREAD_SLOT_SIZE,
  THREAD_UNPARK_VALUE_OFFSET,
  THREAD_WAIT_ADDR_OFFSET,
  THREAD_WAIT_NEXT_OFFSET,
  THREAD_WAIT_PREV_OFFSET,
} from './layout.js';
import { rawMutexLock, rawMutexUnlock } from './raw-mutex.js';
import type { HeapContext } from './heap-context.js';
import { parkerPost, parkerWait } from './thread-slots.js';

/** {@link park} result: woken by an unpark (`Py_PARK_OK`). @public */
export const PARK_OK = 0;
/** {@link park} result: the word did not hold the expected value (`Py_PARK_AGAIN`). @public */
export const PARK_AGAIN = -1;
/** {@link park} result: the timeout passed (`Py_PARK_TIMEOUT`). @public */
export const PARK_TIMEOUT = -2;

/**
 * Runs inside the bucket lock when {@link unparkOne} dequeues a waiter
 * (`waiterTid` ≥ 1) or finds none (`waiterTid` = 0). `waiterParkArg` is what
 * the waiter passed to {@link park}; `hasMoreWaiters` is per bucket and may be
 * a false positive, as in CPython. The return value is handed to the waiter
 * (read it with {@link parkUnparkValue}). Must not block or park.
 * @public
 */
export type UnparkCallback = (
  heap: HeapContext,
  arg: number,
  waiterTid: number,
  waiterParkArg: number,
  hasMoreWaiters: boolean,
) => number;

function bucketAddress(heap: HeapContext, addr: number): number {
  // SAFETY: the bucket-table address is immutable after the heap's creation.
  return heap.u32[HEAP_BUCKET_TABLE_OFFSET >>> 2] + (addr % PARKING_LOT_BUCKETS) * BUCKET_SIZE;
}

function loadWord(heap: HeapContext, addr: number, width: number): number {
  if (width === 1) return Atomics.load(heap.u8, addr);
  if (width === 4) return Atomics.load(heap.i32, addr >>> 2);
  if (width === 2) return Atomics.load(heap.u16, addr >>> 1);
  return fatalError(`park on ${formatAddress(addr)}: width must be 1, 2 or 4, got ${width}`);
}

/**
 * Appends thread `tid` (slot `slot`) to the bucket's FIFO. SAFETY: the
 * bucket's raw mutex is held; the bucket words and the links of queued
 * waiters are only touched under it.
 */
function enqueue(heap: HeapContext, bucket: number, slot: number, tid: number): void {
  const u32 = heap.u32;
  const tail = u32[(bucket + BUCKET_TAIL_OFFSET) >>> 2];
  u32[(slot + THREAD_WAIT_NEXT_OFFSET) >>> 2] = 0;
  u32[(slot + THREAD_WAIT_PREV_OFFSET) >>> 2] = tail;
  if (tail === 0) u32[(bucket + BUCKET_HEAD_OFFSET) >>> 2] = tid;
  else u32[(slotOf(heap, tail) + THREAD_WAIT_NEXT_OFFSET) >>> 2] = tid;
  u32[(bucket + BUCKET_TAIL_OFFSET) >>> 2] = tid;
  u32[(bucket + BUCKET_NUM_WAITERS_OFFSET) >>> 2]++;
}

/** Unlinks the waiter at `slot` from the bucket. SAFETY: as for {@link enqueue}. */
function dequeue(heap: HeapContext, bucket: number, slot: number): void {
  const u32 = heap.u32;
  const next = u32[(slot + THREAD_WAIT_NEXT_OFFSET) >>> 2];
  const prev = u32[(slot + THREAD_WAIT_PREV_OFFSET) >>> 2];
  if (prev === 0) u32[(bucket + BUCKET_HEAD_OFFSET) >>> 2] = next;
  else u32[(slotOf(heap, prev) + THREAD_WAIT_NEXT_OFFSET) >>> 2] = next;
  if (next === 0) u32[(bucket + BUCKET_TAIL_OFFSET) >>> 2] = prev;
  else u32[(slotOf(heap, next) + THREAD_WAIT_PREV_OFFSET) >>> 2] = prev;
  u32[(bucket + BUCKET_NUM_WAITERS_OFFSET) >>> 2]--;
  u32[(slot + THREAD_WAIT_ADDR_OFFSET) >>> 2] = 0;
}

function slotOf(heap: HeapContext, tid: number): number {
  // SAFETY: the thread-table address is immutable after the heap's creation.
  return heap.u32[HEAP_THREAD_TABLE_OFFSET >>> 2] + tid * THREAD_SLOT_SIZE;
}

/** First waiter on `addr` in the bucket (FIFO), or 0. SAFETY: bucket lock held. */
function findWaiter(heap: HeapContext, bucket: number, addr: number): number {
  const u32 = heap.u32;
  let tid = u32[(bucket + BUCKET_HEAD_OFFSET) >>> 2];
  while (tid !== 0) {
    const slot = slotOf(heap, tid);
    if (u32[(slot + THREAD_WAIT_ADDR_OFFSET) >>> 2] === addr) return tid;
    tid = u32[(slot + THREAD_WAIT_NEXT_OFFSET) >>> 2];
  }
  return 0;
}

/**
 * Sleeps on `addr` if the `width`-byte word there (1, 2 or 4) still equals
 * `expected`; the check and the enqueue are atomic with respect to
 * {@link unparkOne} and {@link unparkAll} (`_PyParkingLot_Park`).
 *
 * @param timeoutMs - negative = forever, 0 = return at once unless already unparked.
 * @param parkArg - any number the unparker's callback receives (CPython's `park_arg`).
 * @param detach - run the heap's detach hook while asleep (suspends critical sections).
 * @returns {@link PARK_OK}, {@link PARK_AGAIN} or {@link PARK_TIMEOUT}.
 * @public
 */
export function park(
  heap: HeapContext,
  addr: number,
  expected: number,
  width: number,
  timeoutMs: number,
  parkArg: number,
  detach: boolean,
): number {
  const bucket = bucketAddress(heap, addr);
  const lock = bucket + BUCKET_LOCK_OFFSET;
  const slot = heap.slot;
  rawMutexLock(heap, lock);
  if (loadWord(heap, addr, width) !== expected) {
    rawMutexUnlock(heap, lock);
    return PARK_AGAIN;
  }
  // SAFETY: our own slot's wait entry, written under the bucket lock that
  // every reader of it holds (`parks` is ours alone, a statistic). The parker
  // reset needs Atomics: an earlier unparker's post must not be lost or seen
  // stale.
  heap.u32[(slot + THREAD_WAIT_ADDR_OFFSET) >>> 2] = addr;
  heap.f64[(slot + THREAD_PARK_ARG_OFFSET) >>> 3] = parkArg;
  heap.i32[(slot + THREAD_IS_UNPARKING_OFFSET) >>> 2] = 0;
  heap.i32[(slot + THREAD_UNPARK_VALUE_OFFSET) >>> 2] = 0;
  heap.u32[(slot + THREAD_PARKS_OFFSET) >>> 2]++;
  Atomics.store(heap.i32, (slot + THREAD_PARKER_OFFSET) >>> 2, 0);
  enqueue(heap, bucket, slot, heap.tid);
  rawMutexUnlock(heap, lock);

  if (detach) heap.detachHook(heap);
  let result = PARK_OK;
  if (!parkerWait(heap, timeoutMs)) {
    rawMutexLock(heap, lock);
    // SAFETY: unparkers set isUnparking under this bucket lock, which we hold.
    if (heap.i32[(slot + THREAD_IS_UNPARKING_OFFSET) >>> 2] !== 0) {
      // An unparker already dequeued us and is about to post: take its wake-up,
      // or the post would land in a later, unrelated wait.
      rawMutexUnlock(heap, lock);
      parkerWait(heap, -1);
    } else {
      dequeue(heap, bucket, slot);
      rawMutexUnlock(heap, lock);
      result = PARK_TIMEOUT;
    }
  }
  if (detach) {
    // The attach hook may park again (re-locking a critical section), which
    // reuses our wait entry: keep this park's unpark value for our caller.
    const valueIndex = (slot + THREAD_UNPARK_VALUE_OFFSET) >>> 2;
    // SAFETY: our own slot, and we are in no queue now: no unparker writes it
    // until we park again, and the last one wrote it before the post our
    // parkerWait consumed with Atomics (as in parkUnparkValue).
    const value = heap.i32[valueIndex];
    heap.attachHook(heap);
    heap.i32[valueIndex] = value; // SAFETY: as above
  }
  return result;
}

/**
 * The value the unparker's callback returned for the calling thread's last
 * successful {@link park} (e.g. PyMutex's "the lock was handed to you").
 * @public
 */
export function parkUnparkValue(heap: HeapContext): number {
  // SAFETY: written by the unparker before its post, which our parkerWait
  // consumed with Atomics; we are the only reader.
  return heap.i32[(heap.slot + THREAD_UNPARK_VALUE_OFFSET) >>> 2];
}

/**
 * Wakes the longest-waiting thread parked on `addr` (`_PyParkingLot_Unpark`).
 * `callback` (may be null) runs inside the bucket lock, before the waiter wakes,
 * with `arg` passed through; it runs even when nobody waits (`waiterTid` 0).
 * @returns the woken thread's tid, or 0.
 * @public
 */
export function unparkOne(heap: HeapContext, addr: number, callback: UnparkCallback | null, arg: number): number {
  const bucket = bucketAddress(heap, addr);
  const lock = bucket + BUCKET_LOCK_OFFSET;
  rawMutexLock(heap, lock);
  const tid = findWaiter(heap, bucket, addr);
  if (tid === 0) {
    if (callback !== null) callback(heap, arg, 0, 0, false);
    rawMutexUnlock(heap, lock);
    return 0;
  }
  const slot = slotOf(heap, tid);
  dequeue(heap, bucket, slot);
  // SAFETY: the waiter's entry and the bucket's count are read and written
  // under the bucket lock, held until after the callback.
  heap.i32[(slot + THREAD_IS_UNPARKING_OFFSET) >>> 2] = 1;
  if (callback !== null) {
    const hasMore = heap.u32[(bucket + BUCKET_NUM_WAITERS_OFFSET) >>> 2] > 0;
    const value = callback(heap, arg, tid, heap.f64[(slot + THREAD_PARK_ARG_OFFSET) >>> 3], hasMore);
    heap.i32[(slot + THREAD_UNPARK_VALUE_OFFSET) >>> 2] = value;
  }
  rawMutexUnlock(heap, lock);
  parkerPost(heap, tid);
  return tid;
}

/**
 * Wakes every thread parked on `addr` (`_PyParkingLot_UnparkAll`).
 * @returns how many threads were woken.
 * @public
 */
export function unparkAll(heap: HeapContext, addr: number): number {
  const u32 = heap.u32;
  const bucket = bucketAddress(heap, addr);
  const lock = bucket + BUCKET_LOCK_OFFSET;
  rawMutexLock(heap, lock);
  // Move the matching waiters to a private chain threaded through their
  // `waitNext` links; nobody else can reach them once dequeued.
  // SAFETY: the bucket words and waiter entries below are touched under the
  // bucket lock until the unlock.
  let first = 0;
  let last = 0;
  let count = 0;
  let tid = u32[(bucket + BUCKET_HEAD_OFFSET) >>> 2];
  while (tid !== 0) {
    const slot = slotOf(heap, tid);
    const next = u32[(slot + THREAD_WAIT_NEXT_OFFSET) >>> 2];
    if (u32[(slot + THREAD_WAIT_ADDR_OFFSET) >>> 2] === addr) {
      dequeue(heap, bucket, slot);
      heap.i32[(slot + THREAD_IS_UNPARKING_OFFSET) >>> 2] = 1;
      u32[(slot + THREAD_WAIT_NEXT_OFFSET) >>> 2] = 0;
      if (last === 0) first = tid;
      else u32[(slotOf(heap, last) + THREAD_WAIT_NEXT_OFFSET) >>> 2] = tid;
      last = tid;
      count++;
    }
    tid = next;
  }
  rawMutexUnlock(heap, lock);
  while (first !== 0) {
    // Read the link before the post: once woken, the thread may park again.
    // SAFETY: a dequeued waiter with isUnparking set writes nothing in its
    // entry before our post, so until then the chain is ours alone.
    const next = u32[(slotOf(heap, first) + THREAD_WAIT_NEXT_OFFSET) >>> 2];
    parkerPost(heap, first);
    first = next;
  }
  return count;
}

/**
 * Number of threads parked in `addr`'s bucket (a racy snapshot, for statistics and tests).
 * @public
 */
export function parkedInBucket(heap: HeapContext, addr: number): number {
  return Atomics.load(heap.u32, (bucketAddress(heap, addr) + BUCKET_NUM_WAITERS_OFFSET) >>> 2);
}
