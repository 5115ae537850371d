/**
 * A thread's reference-counting lifecycle, the top of the package: joining an
 * interpreter's refcount state (the registry fingerprint check, the merge-queue
 * record, the dispatch table with the built-in deallocs in front of the
 * registered ones, the 3.13 immortalization measure) and leaving it (draining
 * the merge queue, merging per-thread counts and the reference total).
 */

import { EVAL_EXPLICIT_MERGE_BIT, regionAlloc, regionFree, setEvalBreakerHandler, type SharedHeap } from '@ft/atomics';
import { createAllocatorDomains } from '@ft/obmalloc';
import type { BehaviourRegistry } from './behaviour-registry.js';
import { immortalizeDeferredObjects } from './deferred.js';
import {
  RC_FINGERPRINT_OFFSET,
  RC_IMMORTALIZE_OFFSET,
  RC_THREADS_EVER_OFFSET,
  RC_THREADS_OFFSET,
  THREAD_RECORD_SIZE,
  TR_EVAL_BREAKER_BIT_OFFSET,
  TR_EVAL_BREAKER_OFFSET,
  TR_MERGE_REQUEST_OFFSET,
  TR_TID_OFFSET,
} from './layout.js';
import { brcInitThread, brcRemoveThread, processMergeQueue, rcSetEvalBreaker } from './merge-queue.js';
import { objectDealloc, typeDealloc } from './object-memory.js';
import { releaseChunkCache } from './object-stack.js';
import { checkRcState, IMMORTALIZE_ARMED } from './rc-state.js';
import { RcThread, type DeallocFn, type RcThreadOptions } from './rc-thread.js';
import { mergeRefTotal } from './ref-total.js';
import { finalizePerThreadRefcounts } from './unique-ids.js';

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
  // SAFETY: immutable; written before the tag that checkRcState loaded was published.
  const expected = heap.u32[(state + RC_FINGERPRINT_OFFSET) >>> 2];
  const mine = registry.fingerprint();
  if (mine !== expected) {
    throw new Error(
      `rcThreadInit: this thread's behaviour registries (fingerprint ${hex(mine)}: ${registry.list().join(', ') || 'only the built-in deallocs'}) ` +
        `differ from the runtime's (fingerprint ${hex(expected)}); every thread must register the same behaviours in the same order`,
    );
  }
  registry.seal();
  const record = regionAlloc(heap, THREAD_RECORD_SIZE);
  if (record === 0) throw new Error('rcThreadInit: out of shared memory for the thread record');
  // The built-in deallocs take ids 0 and 1 (OBJECT_DEALLOC, TYPE_DEALLOC) in
  // every thread; the registry's follow in registration order.
  const deallocs: DeallocFn[] = [objectDealloc, typeDealloc, ...registry.dealloc];
  // Objects go through the object domain (DESIGN.md §5); by default plain
  // free-threaded domains over the thread's mimalloc state.
  const domains = options.domains ?? (options.mi !== undefined ? createAllocatorDomains(heap, 'mimalloc', { mi: options.mi }) : null);
  const t = new RcThread(heap, state, record, deallocs, options, domains);
  // SAFETY: the record is unpublished until brcInitThread links it.
  heap.u32[(record + TR_TID_OFFSET) >>> 2] = t.tid;
  heap.u32[(record + TR_EVAL_BREAKER_OFFSET) >>> 2] = record + TR_MERGE_REQUEST_OFFSET;
  heap.u32[(record + TR_EVAL_BREAKER_BIT_OFFSET) >>> 2] = EVAL_EXPLICIT_MERGE_BIT;
  brcInitThread(t);
  const participant = t.participant;
  if (participant !== null) {
    // Merge requests go to the participant's eval breaker (bit 6, as in
    // CPython), and its next safe point merges the queue.
    rcSetEvalBreaker(t, participant.breakerIndex << 2, EVAL_EXPLICIT_MERGE_BIT);
    setEvalBreakerHandler(participant, EVAL_EXPLICIT_MERGE_BIT, () => processMergeQueue(t));
  }
  Atomics.add(heap.i32, (state + RC_THREADS_OFFSET) >>> 2, 1);
  const joined = Atomics.add(heap.i32, (state + RC_THREADS_EVER_OFFSET) >>> 2, 1) + 1;
  if (joined > 1 && Atomics.load(heap.i32, (state + RC_IMMORTALIZE_OFFSET) >>> 2) === IMMORTALIZE_ARMED) immortalizeDeferredObjects(t);
  return t;
}

/**
 * Leaves the interpreter (`_PyObject_FinalizePerThreadRefcounts`,
 * `_Py_brc_remove_thread`, the reftotal merge of `tstate_delete_common`):
 * merges the per-thread counts into their objects, drains the merge queue,
 * and adds the reference total to the interpreter's.
 * Objects this thread still owns stay valid: other threads merge them when
 * they would otherwise queue them.
 * @public
 */
export function rcThreadExit(t: RcThread): void {
  if (t.participant !== null) setEvalBreakerHandler(t.participant, EVAL_EXPLICIT_MERGE_BIT, null);
  // CPython's order: the per-thread counts are merged while the thread's
  // record is still linked (a stopped world's merge of every thread finds the
  // arrays through the records), then the queue is drained and unlinked.
  finalizePerThreadRefcounts(t);
  brcRemoveThread(t);
  mergeRefTotal(t);
  releaseChunkCache(t);
  Atomics.sub(t.i32, (t.state + RC_THREADS_OFFSET) >>> 2, 1);
  regionFree(t.heap, t.record, THREAD_RECORD_SIZE);
}

/** Threads currently registered with the interpreter's refcount state (joined and not exited). @public */
export function registeredThreads(t: RcThread): number {
  return Atomics.load(t.i32, (t.state + RC_THREADS_OFFSET) >>> 2);
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}
