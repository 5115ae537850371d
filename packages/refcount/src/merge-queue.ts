/**
 * The biased-reference-counting merge queues (CPython `Python/brc.c`). A
 * non-owner that would take an object's shared count below zero hands the
 * object — and its reference — to the owner: it finds the owner's record in
 * the interpreter's table (257 buckets by `tid % 257`, each a PyMutex and a
 * list of thread records), pushes the object on the record's queue under the
 * bucket lock and sets the owner's eval-breaker bit. The owner merges its
 * queue at its next eval-breaker check ({@link processMergeQueue}); only it
 * may, because only it may read `ob_ref_local`. If the owner has already
 * exited (no record with its tid), the queueing thread merges the object
 * itself under the bucket lock.
 *
 * A thread leaves the table only with an empty queue: once unlinked, others
 * treat its objects as ownerless and merge them themselves.
 */

import { fatalError, formatAddress, mutexLock, mutexUnlock } from '@ft/atomics';
import { deallocate } from './dealloc.js';
import { explicitMergeRefcount } from './explicit-merge.js';
import {
  BRC_BUCKET_HEAD_OFFSET,
  BRC_BUCKET_MUTEX_OFFSET,
  BRC_BUCKET_SIZE,
  BRC_NUM_BUCKETS,
  GC_BITS_TRACKED,
  OB_GC_BITS_OFFSET,
  OB_REF_SHARED_INDEX,
  OB_TID_INDEX,
  RC_BUCKETS_OFFSET,
  REF_SHARED_UNIT,
  TR_EVAL_BREAKER_BIT_OFFSET,
  TR_EVAL_BREAKER_OFFSET,
  TR_NEXT_OFFSET,
  TR_OBJECTS_TO_MERGE_OFFSET,
  TR_TID_OFFSET,
} from './layout.js';
import { stackMerge, stackPop, stackPush, stackSize } from './object-stack.js';
import type { RcThread } from './rc-thread.js';
import { assertStopped } from './stopped-world.js';

/** Address of the merge bucket of thread `tid`. */
function bucketOf(state: number, tid: number): number {
  return state + RC_BUCKETS_OFFSET + (tid % BRC_NUM_BUCKETS) * BRC_BUCKET_SIZE;
}

/** The record of thread `tid` in its bucket, or 0. SAFETY: bucket lock held. */
function findRecord(t: RcThread, bucket: number, tid: number): number {
  const u32 = t.u32;
  for (let r = u32[(bucket + BRC_BUCKET_HEAD_OFFSET) >>> 2]; r !== 0; r = u32[(r + TR_NEXT_OFFSET) >>> 2]) {
    if (u32[(r + TR_TID_OFFSET) >>> 2] === tid) return r;
  }
  return 0;
}

/** {@link queueObject}: the owner's queue holds the reference now. */
export const QUEUE_HANDED_OVER = 0;
/** {@link queueObject}: the owner had exited; merged here, and the count reached zero: the caller deallocates. */
export const QUEUE_MERGED_DEAD = 1;
/**
 * {@link queueObject}: the object was merged concurrently (an explicit merge
 * by its owner or the collector): nothing was queued, and the caller still
 * holds its reference, to release as a merged object's.
 */
export const QUEUE_ALREADY_MERGED = 2;

/**
 * Hands `op`, with the reference the caller held, to its owner
 * (`_Py_brc_queue_object`). The caller has already marked it QUEUED. Returns
 * what became of the reference: {@link QUEUE_HANDED_OVER},
 * {@link QUEUE_MERGED_DEAD} or {@link QUEUE_ALREADY_MERGED}. Where CPython's
 * function drops the reference itself when `ob_tid` is already 0, this one
 * reports it and the caller (biased-refcount.ts, above this file) drops it.
 */
export function queueObject(t: RcThread, op: number): number {
  const tid = Atomics.load(t.u32, (op >>> 2) + OB_TID_INDEX);
  if (tid === 0) return QUEUE_ALREADY_MERGED;
  const bucket = bucketOf(t.state, tid);
  mutexLock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
  const record = findRecord(t, bucket, tid);
  if (record === 0) {
    // The owner has exited: merge here, under its bucket lock.
    const refcnt = explicitMergeRefcount(t, op, -1);
    mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
    t.mergedForExited++;
    return refcnt === 0 ? QUEUE_MERGED_DEAD : QUEUE_HANDED_OVER;
  }
  const u32 = t.u32;
  const queue = (record + TR_OBJECTS_TO_MERGE_OFFSET) >>> 2;
  // SAFETY: the record's queue head and eval-breaker fields, and the queue's
  // chunks, are read and written under the bucket lock, held until the unlock below.
  const top = stackPush(t, u32[queue], op);
  if (top === 0) {
    mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
    // CPython stops the world and merges here; without a stopped world a
    // non-owner must not touch ob_ref_local, so this is fatal instead.
    fatalError(`out of shared memory for the merge queue of thread ${tid} (object ${formatAddress(op)})`);
  }
  u32[queue] = top;
  Atomics.or(t.i32, u32[(record + TR_EVAL_BREAKER_OFFSET) >>> 2] >>> 2, u32[(record + TR_EVAL_BREAKER_BIT_OFFSET) >>> 2]);
  mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
  t.queued++;
  return QUEUE_HANDED_OVER;
}

/**
 * Merges every object other threads queued for this thread
 * (`_Py_brc_merge_refcounts`); objects whose count reaches zero are
 * deallocated here, with no lock held. The interpreter calls it when the
 * merge bit of the thread's eval breaker is set; it is cheap when the queue
 * is empty. Returns the number of objects merged.
 * @example
 * ```ts
 * // in a worker's loop, at a safe point:
 * if (mergeRequested(t)) processMergeQueue(t);
 * ```
 * @public
 */
export function processMergeQueue(t: RcThread): number {
  clearMergeRequest(t);
  takeQueue(t);
  return mergeLocalQueue(t);
}

/** Moves the shared queue onto the owner-only local queue. */
function takeQueue(t: RcThread): void {
  const bucket = bucketOf(t.state, t.tid);
  const queue = (t.record + TR_OBJECTS_TO_MERGE_OFFSET) >>> 2;
  mutexLock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
  // SAFETY: queueing threads push under this bucket lock; once the head is
  // cleared, the taken chunks are ours alone.
  const top = t.u32[queue];
  t.u32[queue] = 0;
  mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
  if (top !== 0) t.localToMerge = stackMerge(t, t.localToMerge, top);
}

function mergeLocalQueue(t: RcThread): number {
  let merged = 0;
  for (;;) {
    t.localToMerge = stackPop(t, t.localToMerge);
    const op = t.popped;
    if (op === 0) return merged;
    merged++;
    if (explicitMergeRefcount(t, op, -1) === 0) deallocate(t, op);
  }
}

/**
 * The collector's drain of every thread's merge queue (step 3 of CPython's
 * `gc_collect_internal`), with the world stopped: each queued object is
 * merged with −1 (the queue's reference). An object whose count reaches zero
 * and that the GC does not track gets that reference back and is returned,
 * to be released (and so deallocated) after the world restarts — nothing may
 * be deallocated while it is stopped; a tracked one is left to the collector.
 * Objects a thread had already taken into its local queue when the world
 * stopped (it stopped inside a dealloc while merging) stay there: their queue
 * reference keeps them alive through this collection.
 * @beta
 */
export function drainMergeQueuesStopped(t: RcThread): number[] {
  assertStopped(t);
  const u32 = t.u32;
  const dead: number[] = [];
  for (let b = 0; b < BRC_NUM_BUCKETS; b++) {
    const bucket = t.state + RC_BUCKETS_OFFSET + b * BRC_BUCKET_SIZE;
    // SAFETY: no bucket lock, as CPython's merge_queued_objects: with the
    // world stopped nobody runs inside a bucket's critical section (it has no
    // safe point), so the lists and queue heads hold still. Taking the lock
    // would deadlock: a thread parked on it is detached, may be handed the
    // lock, and then waits SUSPENDED for the world to restart while owning
    // it (found by @ft/gc's stress test). Its critical section runs after
    // the restart, after everything done here. ob_ref_local and ob_tid of
    // other threads' objects: world stopped.
    for (let r = u32[(bucket + BRC_BUCKET_HEAD_OFFSET) >>> 2]; r !== 0; r = u32[(r + TR_NEXT_OFFSET) >>> 2]) {
      let top = u32[(r + TR_OBJECTS_TO_MERGE_OFFSET) >>> 2];
      u32[(r + TR_OBJECTS_TO_MERGE_OFFSET) >>> 2] = 0;
      for (;;) {
        top = stackPop(t, top);
        if (top === 0) break;
        const op = t.popped;
        if (explicitMergeRefcount(t, op, -1) === 0 && (Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_TRACKED) === 0) {
          // A counted reference: the collector's decref of it will count one down.
          Atomics.add(t.i32, (op >>> 2) + OB_REF_SHARED_INDEX, REF_SHARED_UNIT);
          if (t.refDebug === true) t.refTotal++;
          dead.push(op);
        }
      }
    }
  }
  return dead;
}

/** Whether another thread has queued objects for this one since the last {@link processMergeQueue}. @public */
export function mergeRequested(t: RcThread): boolean {
  return (Atomics.load(t.i32, t.evalBreakerIndex) & t.evalBreakerBit) !== 0;
}

function clearMergeRequest(t: RcThread): void {
  Atomics.and(t.i32, t.evalBreakerIndex, ~t.evalBreakerBit);
}

/** Objects currently queued for this thread (for statistics and tests). @public */
export function mergeQueueLength(t: RcThread): number {
  const bucket = bucketOf(t.state, t.tid);
  mutexLock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
  // SAFETY: the shared queue under its bucket lock; the local queue is owner-only.
  const n = stackSize(t, t.u32[(t.record + TR_OBJECTS_TO_MERGE_OFFSET) >>> 2]);
  mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
  return n + stackSize(t, t.localToMerge);
}

/**
 * Links the thread's record into its bucket (`_Py_brc_init_thread`).
 * SAFETY: the bucket list is read and written under the bucket lock; the
 * record is unpublished until linked.
 */
export function brcInitThread(t: RcThread): void {
  const bucket = bucketOf(t.state, t.tid);
  const u32 = t.u32;
  mutexLock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
  if (findRecord(t, bucket, t.tid) !== 0) {
    mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
    fatalError(`thread ${t.tid} is already registered for reference counting`);
  }
  u32[(t.record + TR_NEXT_OFFSET) >>> 2] = u32[(bucket + BRC_BUCKET_HEAD_OFFSET) >>> 2];
  u32[(bucket + BRC_BUCKET_HEAD_OFFSET) >>> 2] = t.record;
  mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
}

/**
 * Drains the queue and unlinks the record (`_Py_brc_remove_thread`): merge,
 * then under the lock either unlink (queue empty) or take what arrived
 * meanwhile and merge again. SAFETY: every plain access to the bucket list
 * and the record's queue head is under the bucket lock.
 */
export function brcRemoveThread(t: RcThread): void {
  const bucket = bucketOf(t.state, t.tid);
  const u32 = t.u32;
  for (;;) {
    mergeLocalQueue(t);
    mutexLock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
    const queue = (t.record + TR_OBJECTS_TO_MERGE_OFFSET) >>> 2;
    if (u32[queue] === 0) {
      let link = (bucket + BRC_BUCKET_HEAD_OFFSET) >>> 2;
      while (u32[link] !== t.record) {
        if (u32[link] === 0) fatalError(`thread ${t.tid}'s refcount record is missing from its merge bucket`);
        link = (u32[link] + TR_NEXT_OFFSET) >>> 2;
      }
      u32[link] = u32[(t.record + TR_NEXT_OFFSET) >>> 2];
      mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
      return;
    }
    t.localToMerge = stackMerge(t, t.localToMerge, u32[queue]);
    u32[queue] = 0;
    mutexUnlock(t.heap, bucket + BRC_BUCKET_MUTEX_OFFSET);
  }
}

/**
 * Points the merge request at an interpreter's eval-breaker word: queueing
 * threads will `Atomics.or(bit)` into the Int32 at `address`. By default they
 * set `EVAL_EXPLICIT_MERGE_BIT` (bit 6, as CPython) in a word of the thread's own record,
 * which {@link mergeRequested} reads.
 * @beta
 */
export function rcSetEvalBreaker(t: RcThread, address: number, bit: number): void {
  if (address === 0 || (address & 3) !== 0 || address + 4 > t.heap.size) fatalError(`rcSetEvalBreaker: ${address} is not the address of an Int32 word`);
  if (bit === 0 || (bit & (bit - 1)) !== 0) throw new Error(`rcSetEvalBreaker: bit must be a single bit, got ${bit}`);
  const bucket = bucketOf(t.state, t.tid) + BRC_BUCKET_MUTEX_OFFSET;
  mutexLock(t.heap, bucket);
  // SAFETY: queueing threads read these two fields under the same bucket lock.
  t.u32[(t.record + TR_EVAL_BREAKER_OFFSET) >>> 2] = address;
  t.u32[(t.record + TR_EVAL_BREAKER_BIT_OFFSET) >>> 2] = bit;
  t.evalBreakerIndex = address >>> 2;
  t.evalBreakerBit = bit;
  mutexUnlock(t.heap, bucket);
}
