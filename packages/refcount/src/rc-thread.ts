/**
 * A thread's reference-counting state: its views of the heap, its tid (the
 * owner id written into `ob_tid`, equal to the heap's and mimalloc's thread
 * id), its merge-queue record, its per-thread reference counts and its
 * reference total. JavaScript module scope is thread-local, so an `RcThread`
 * is never shared: each worker builds its own with {@link rcThreadInit}.
 */

import { fatalError, mutexLock, mutexUnlock, regionAlloc, regionFree, type SharedHeap } from '@ft/atomics';
import type { MiThread } from '@ft/mimalloc';
import type { BehaviourRegistry, DeallocFn } from './behaviour-registry.js';
import { immortalizeDeferredObjects } from './deferred.js';
import {
  BRC_BUCKET_MUTEX_OFFSET,
  BRC_BUCKET_SIZE,
  BRC_NUM_BUCKETS,
  EVAL_EXPLICIT_MERGE_BIT,
  RC_BUCKETS_OFFSET,
  RC_FINGERPRINT_OFFSET,
  RC_IMMORTALIZE_OFFSET,
  RC_MODE_NAIVE,
  RC_MODE_OFFSET,
  RC_REF_TOTAL_OFFSET,
  RC_THREADS_EVER_OFFSET,
  RC_THREADS_OFFSET,
  THREAD_RECORD_SIZE,
  TR_EVAL_BREAKER_BIT_OFFSET,
  TR_EVAL_BREAKER_OFFSET,
  TR_MERGE_REQUEST_OFFSET,
  TR_TID_OFFSET,
} from './layout.js';
import { brcInitThread, brcRemoveThread } from './merge-queue.js';
import { releaseChunkCache } from './object-stack.js';
import { checkRcState, IMMORTALIZE_ARMED } from './rc-state.js';
import { finalizePerThreadRefcounts } from './unique-ids.js';

/**
 * What this layer needs from the interpreter to stop every other thread
 * (interp's stop-the-world). Without it, the caller promises that no other
 * thread runs runtime code while a world-stopping operation runs.
 * @beta
 */
export interface RcWorld {
  /** Returns once every other thread of the interpreter is detached or suspended. */
  stopTheWorld(): void;
  /** Lets them run again. */
  startTheWorld(): void;
}

/** Options of {@link rcThreadInit}. @public */
export interface RcThreadOptions {
  /** The thread's mimalloc state: where `allocObject` takes object memory. */
  readonly mi?: MiThread;
  /** Stop-the-world, for the 3.13 immortalization measure. */
  readonly world?: RcWorld;
}

/**
 * One thread's reference-counting state (`_PyThreadStateImpl`'s `brc` and
 * `refcounts` parts, plus `reftotal`). Fields are public for the hot paths of
 * this package and the layers above; treat them as read-only.
 * @public
 */
export class RcThread {
  // Fields set in the constructor are `declare`d: with ES2022 class fields a
  // plain declaration first defines them as `undefined`, and V8 then tracks
  // them as mutable fields of any representation; assigned once, the hot
  // paths load `t.u32` and `t.tid` without map or Smi checks (as MiThread).
  /** The shared heap. */ declare readonly heap: SharedHeap;
  /** Byte view. */ declare readonly u8: Uint8Array;
  /** Word view. */ declare readonly u32: Uint32Array;
  /** Signed word view. */ declare readonly i32: Int32Array;
  /** The owner id written into `ob_tid`. */ declare readonly tid: number;
  /** Address of the interpreter's refcount state. */ declare readonly state: number;
  /** Address of this thread's record in the merge table. */ declare readonly record: number;
  /** Dealloc behaviours by id. */ declare readonly deallocs: readonly DeallocFn[];
  /** The behaviour registry this thread joined with. */ declare readonly registry: BehaviourRegistry;
  /** Where objects are allocated (`allocObject`), or null. */ declare readonly mi: MiThread | null;
  /** Stop-the-world hooks, or null. */ declare readonly world: RcWorld | null;
  /** Whether the interpreter counts naively (benchmark baseline). */ declare readonly naive: boolean;
  /** Net counted incref/decref operations of this thread not yet merged into the interpreter's total. */
  refTotal = 0;
  /** Objects this thread queued for other owners (statistics). */
  queued = 0;
  /** Objects this thread merged itself because their owner had exited (statistics). */
  mergedForExited = 0;
  /** Deallocs running on this thread, nested (the trashcan's depth). @internal */
  deallocDepth = 0;
  /** Dead objects set aside by the trashcan, freed by the outermost dealloc. @internal */
  readonly trash: number[] = [];
  /** Owner-only merge queue (top chunk address). @internal */
  localToMerge = 0;
  /** Scratch result of a stack pop. @internal */
  popped = 0;
  /** Empty stack chunks kept for reuse. @internal */
  readonly chunkCache: number[] = [];
  /** Int32 index of the word other threads set to ask this one to merge. */
  declare evalBreakerIndex: number;
  /** The bit they set in it. */
  declare evalBreakerBit: number;
  /** Int32 index of this thread's per-thread refcount array. */
  countsIndex = 0;
  /** Entries in it; ids past it count on the object directly. */
  countsSize = 0;
  /** Set at exit: later per-thread increfs go to the object (`is_finalized`). */
  countsFinalized = false;
  /** Per-thread suppression of the 3.13 immortalization measure (like `compile()`'s). */
  suppressImmortalize = false;

  /** @internal */
  constructor(heap: SharedHeap, state: number, record: number, registry: BehaviourRegistry, options: RcThreadOptions) {
    this.heap = heap;
    this.u8 = heap.u8;
    this.u32 = heap.u32;
    this.i32 = heap.i32;
    this.tid = heap.tid;
    this.state = state;
    this.record = record;
    this.registry = registry;
    this.deallocs = registry.dealloc;
    this.mi = options.mi ?? null;
    this.world = options.world ?? null;
    this.naive = heap.u32[(state + RC_MODE_OFFSET) >>> 2] === RC_MODE_NAIVE;
    this.evalBreakerIndex = (record + TR_MERGE_REQUEST_OFFSET) >>> 2;
    this.evalBreakerBit = EVAL_EXPLICIT_MERGE_BIT;
  }
}

/**
 * Joins the interpreter whose refcount state is at `state` (CPython
 * `_Py_brc_init_thread` and the refcount parts of `new_threadstate`). The
 * registry must list the same behaviours in the same order as the creator's:
 * a different fingerprint is refused with the two lists' difference.
 * @example
 * ```ts
 * // in a worker:
 * const heap = SharedHeap.attach(workerData.heap);
 * const t = rcThreadInit(heap, workerData.rc, buildRegistry(), { mi: miThreadInit(heap, workerData.mi, null) });
 * // ... incref/decref ...
 * rcThreadExit(t);
 * ```
 * @public
 */
export function rcThreadInit(heap: SharedHeap, state: number, registry: BehaviourRegistry, options: RcThreadOptions = {}): RcThread {
  checkRcState(heap, state);
  const expected = heap.u32[(state + RC_FINGERPRINT_OFFSET) >>> 2];
  const mine = registry.fingerprint();
  if (mine !== expected) {
    throw new Error(
      `rcThreadInit: this thread's behaviour registries (fingerprint ${hex(mine)}: ${registry.list().join(', ') || 'only the default dealloc'}) ` +
        `differ from the runtime's (fingerprint ${hex(expected)}); every thread must register the same behaviours in the same order`,
    );
  }
  registry.seal();
  const record = regionAlloc(heap, THREAD_RECORD_SIZE);
  if (record === 0) throw new Error('rcThreadInit: out of shared memory for the thread record');
  const t = new RcThread(heap, state, record, registry, options);
  // SAFETY: the record is unpublished until brcInitThread links it.
  heap.u32[(record + TR_TID_OFFSET) >>> 2] = t.tid;
  heap.u32[(record + TR_EVAL_BREAKER_OFFSET) >>> 2] = record + TR_MERGE_REQUEST_OFFSET;
  heap.u32[(record + TR_EVAL_BREAKER_BIT_OFFSET) >>> 2] = EVAL_EXPLICIT_MERGE_BIT;
  brcInitThread(t);
  Atomics.add(heap.i32, (state + RC_THREADS_OFFSET) >>> 2, 1);
  const joined = Atomics.add(heap.i32, (state + RC_THREADS_EVER_OFFSET) >>> 2, 1) + 1;
  if (joined > 1 && Atomics.load(heap.i32, (state + RC_IMMORTALIZE_OFFSET) >>> 2) === IMMORTALIZE_ARMED) immortalizeDeferredObjects(t);
  return t;
}

/**
 * Points the merge request at an interpreter's eval-breaker word: queueing
 * threads will `Atomics.or(bit)` into the Int32 at `address`. By default they
 * set {@link EVAL_EXPLICIT_MERGE_BIT} in a word of the thread's own record,
 * which {@link mergeRequested} reads.
 * @beta
 */
export function rcSetEvalBreaker(t: RcThread, address: number, bit: number): void {
  if (address === 0 || (address & 3) !== 0 || address + 4 > t.heap.size) fatalError(`rcSetEvalBreaker: ${address} is not the address of an Int32 word`);
  if (bit === 0 || (bit & (bit - 1)) !== 0) throw new Error(`rcSetEvalBreaker: bit must be a single bit, got ${bit}`);
  const bucket = t.state + RC_BUCKETS_OFFSET + (t.tid % BRC_NUM_BUCKETS) * BRC_BUCKET_SIZE + BRC_BUCKET_MUTEX_OFFSET;
  mutexLock(t.heap, bucket);
  t.u32[(t.record + TR_EVAL_BREAKER_OFFSET) >>> 2] = address;
  t.u32[(t.record + TR_EVAL_BREAKER_BIT_OFFSET) >>> 2] = bit;
  t.evalBreakerIndex = address >>> 2;
  t.evalBreakerBit = bit;
  mutexUnlock(t.heap, bucket);
}

/**
 * Leaves the interpreter (`_Py_brc_remove_thread`,
 * `_PyObject_FinalizePerThreadRefcounts`, the reftotal merge of
 * `tstate_delete_common`): drains the merge queue, merges the per-thread
 * counts into their objects and the reference total into the interpreter's.
 * Objects this thread still owns stay valid: other threads merge them when
 * they would otherwise queue them.
 * @public
 */
export function rcThreadExit(t: RcThread): void {
  brcRemoveThread(t);
  finalizePerThreadRefcounts(t);
  mergeRefTotal(t);
  releaseChunkCache(t);
  Atomics.sub(t.i32, (t.state + RC_THREADS_OFFSET) >>> 2, 1);
  regionFree(t.heap, t.record, THREAD_RECORD_SIZE);
}

/** Adds the thread's unmerged reference total to the interpreter's and zeroes it. @public */
export function mergeRefTotal(t: RcThread): void {
  Atomics.add(t.i32, (t.state + RC_REF_TOTAL_OFFSET) >>> 2, t.refTotal);
  t.refTotal = 0;
}

/**
 * The interpreter's reference total (`_Py_GetRefTotal`): the merged totals
 * of threads that exited (or called {@link mergeRefTotal}) plus the calling
 * thread's own. With every other thread exited, an interpreter whose objects
 * are all gone reports exactly the references held by immortal-free
 * long-lived roots — zero in a leak-free test.
 * @public
 */
export function getTotalRefcount(t: RcThread): number {
  return Atomics.load(t.i32, (t.state + RC_REF_TOTAL_OFFSET) >>> 2) + t.refTotal;
}

/** Threads currently registered with the interpreter's refcount state (joined and not exited). @public */
export function registeredThreads(t: RcThread): number {
  return Atomics.load(t.i32, (t.state + RC_THREADS_OFFSET) >>> 2);
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
