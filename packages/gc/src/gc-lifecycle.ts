/**
 * Creating the interpreter's GC state (`_PyGC_InitState`, `_PyGC_Init`) and
 * joining and leaving it per thread. A thread that joins installs the
 * handler of its GC-scheduled eval-breaker bit (`_Py_RunGC`): a collection
 * that scheduling asked for runs at the thread's next safe point.
 */

import { EVAL_GC_SCHEDULED_BIT, regionAlloc, setEvalBreakerHandler, type SharedHeap } from '@ft/atomics';
import { QsbrThread } from '@ft/qsbr';
import type { BehaviourRegistry, RcThread } from '@ft/refcount';
import { collectMain } from './collect.js';
import { GcThread, type GcHooks } from './gc-thread.js';
import { checkGcState, gcWord } from './gc-state.js';
import {
  GC_DEFAULT_OLD_THRESHOLD,
  GC_DEFAULT_THRESHOLD,
  GC_ENABLED_OFFSET,
  GC_GROUP_OFFSET,
  GC_LAYOUT_VERSION,
  GC_OLD0_THRESHOLD_OFFSET,
  GC_OLD1_THRESHOLD_OFFSET,
  GC_REASON_HEAP,
  GC_STATE_SIZE,
  GC_STATE_TAG,
  GC_TAG_OFFSET,
  GC_VERSION_OFFSET,
  GC_YOUNG_THRESHOLD_OFFSET,
} from './layout.js';
import { flushAllocCount } from './schedule.js';

/**
 * Creates an interpreter's GC state for the world group `group` (the
 * threads a collection stops): enabled, thresholds 2000, 10, 10. Returns its
 * address; throws when the heap has no room.
 * @example
 * ```ts
 * const group = groupCreate(heap);
 * const gc = gcCreate(heap, group);
 * ```
 * @public
 */
export function gcCreate(heap: SharedHeap, group: number): number {
  if (typeof group !== 'number' || group >>> 0 !== group || group === 0) throw new TypeError(`gcCreate: group must be the address of a world group, got ${String(group)}`);
  const state = regionAlloc(heap, GC_STATE_SIZE, 64);
  if (state === 0) throw new Error('gcCreate: out of shared memory for the GC state');
  const u32 = heap.u32;
  // SAFETY: the state is unpublished until the tag is stored; regions come zeroed.
  u32[(state + GC_VERSION_OFFSET) >>> 2] = GC_LAYOUT_VERSION;
  u32[(state + GC_GROUP_OFFSET) >>> 2] = group;
  heap.i32[gcWord(state, GC_ENABLED_OFFSET)] = 1;
  heap.i32[gcWord(state, GC_YOUNG_THRESHOLD_OFFSET)] = GC_DEFAULT_THRESHOLD;
  heap.i32[gcWord(state, GC_OLD0_THRESHOLD_OFFSET)] = GC_DEFAULT_OLD_THRESHOLD;
  heap.i32[gcWord(state, GC_OLD1_THRESHOLD_OFFSET)] = GC_DEFAULT_OLD_THRESHOLD;
  Atomics.store(u32, (state + GC_TAG_OFFSET) >>> 2, GC_STATE_TAG);
  return state;
}

/**
 * Joins the GC state `state` from the thread of `rc`, which must have
 * mimalloc state (its heaps are what collections visit) and a world
 * participant in the state's group (collections stop that group). `registry`
 * is the behaviour registry the thread joined reference counting with: its
 * traverse, clear and finalize behaviours are what collections call.
 * `qsbr`, the thread's QSBR registration, lets its collections complete
 * every thread's pending delayed frees (CPython's `process_delayed_frees`);
 * every thread registered with that QSBR state must then be a participant
 * of the group, since a stopped participant counts as quiescent.
 * @example
 * ```ts
 * // in every thread, after rcThreadInit(heap, rc, registry, { mi, participant }):
 * const gt = gcThreadInit(rcThread, gc, registry, { weakrefs });
 * ```
 * @public
 */
export function gcThreadInit(rc: RcThread, state: number, registry: BehaviourRegistry, hooks: GcHooks = {}, qsbr: QsbrThread | null = null): GcThread {
  checkGcState(rc.heap, state);
  if (rc.mi === null) throw new TypeError('gcThreadInit: the thread has no mimalloc state (rcThreadInit option mi)');
  const participant = rc.participant;
  if (participant === null) throw new TypeError('gcThreadInit: the thread has no world participant (rcThreadInit option participant)');
  if (participant.group !== rc.u32[(state + GC_GROUP_OFFSET) >>> 2]) throw new TypeError("gcThreadInit: the thread's participant is not in the GC state's group");
  if (qsbr !== null && !(qsbr instanceof QsbrThread && qsbr.heap.buffer === rc.heap.buffer)) throw new TypeError('gcThreadInit: qsbr must be null or a QsbrThread registered on the same heap');
  const gt = new GcThread(rc, rc.mi, participant, state, registry, hooks, qsbr);
  setEvalBreakerHandler(participant, EVAL_GC_SCHEDULED_BIT, () => {
    if (Atomics.load(gt.i32, gcWord(state, GC_ENABLED_OFFSET)) !== 0) collectMain(gt, 0, GC_REASON_HEAP);
  });
  return gt;
}

/**
 * Leaves the collector: the thread's buffered count goes to the young count
 * (gh-142048) and its scheduled-collection handler is removed.
 * @public
 */
export function gcThreadExit(gt: GcThread): void {
  if (gt.exited) return;
  gt.exited = true;
  flushAllocCount(gt);
  setEvalBreakerHandler(gt.participant, EVAL_GC_SCHEDULED_BIT, null);
}
