/**
 * Scheduling (CPython's `record_allocation`, `record_deallocation`,
 * `_Py_ScheduleGC`): each thread counts its GC allocations minus
 * deallocations locally and adds the count to the interpreter's young count
 * at ±512, so the shared word moves once per 512 objects. When it adds
 * allocations and a collection is due, it sets the GC-scheduled bit of its
 * own eval breaker; the collection runs at its next safe point (the handler
 * {@link gcThreadInit} installs).
 *
 * Two fixes after 3.13.5 are kept: the young count never goes negative —
 * objects the collector freed were counted twice (gh-142048) — and a thread's
 * count is flushed when the thread ends (gcThreadExit).
 */

import { EVAL_GC_SCHEDULED_BIT, setEvalBreakerBits } from '@ft/atomics';
import type { GcThread } from './gc-thread.js';
import { gcWord, shouldCollect } from './gc-state.js';
import { GC_COLLECTING_OFFSET, GC_YOUNG_COUNT_OFFSET, LOCAL_ALLOC_COUNT_THRESHOLD } from './layout.js';

const K_THRESHOLD = LOCAL_ALLOC_COUNT_THRESHOLD;

/** Counts one GC object allocated by this thread (`record_allocation`). @public */
export function recordAllocation(gt: GcThread): void {
  if (++gt.allocCount >= K_THRESHOLD) flushAllocations(gt);
}

/** Counts one GC object freed by this thread (`record_deallocation`). @public */
export function recordDeallocation(gt: GcThread): void {
  if (--gt.allocCount <= -K_THRESHOLD) flushAllocCount(gt);
}

function flushAllocations(gt: GcThread): void {
  flushAllocCount(gt);
  if (shouldCollect(gt.i32, gt.state) && Atomics.load(gt.i32, gcWord(gt.state, GC_COLLECTING_OFFSET)) === 0) scheduleGc(gt);
}

/**
 * Adds the thread's buffered count to the young count, which never drops
 * below 0 (gh-142048). @internal
 */
export function flushAllocCount(gt: GcThread): void {
  const n = gt.allocCount;
  gt.allocCount = 0;
  if (n === 0) return;
  const index = gcWord(gt.state, GC_YOUNG_COUNT_OFFSET);
  if (n > 0) {
    Atomics.add(gt.i32, index, n);
    return;
  }
  let count = Atomics.load(gt.i32, index);
  for (;;) {
    const seen = Atomics.compareExchange(gt.i32, index, count, Math.max(0, count + n));
    if (seen === count) return;
    count = seen;
  }
}

/** Sets this thread's GC-scheduled eval-breaker bit (`_Py_ScheduleGC`). @public */
export function scheduleGc(gt: GcThread): void {
  setEvalBreakerBits(gt.heap, gt.participant.address, EVAL_GC_SCHEDULED_BIT);
}
