/**
 * One collection: CPython's free-threaded `gc_collect_main` and
 * `gc_collect_internal` (`Python/gc_free_threading.c`, 3.13.5 with 3.14's
 * mark-alive pre-pass and deferred stack references, and the later fixes:
 * weakrefs created by finalizers are cleared too, GH-91636; callback-less
 * weakrefs and weakrefs to classes are cleared after finalizers, gh-135552).
 *
 * A non-generational mark and sweep over every tracked object, found by
 * visiting mimalloc's GC heaps with the world stopped:
 *
 * 1. stop the world; merge every thread's per-thread counts and drain every
 *    merge queue (untracked objects that die there are released once the
 *    world runs again); complete every pending delayed free (QSBR);
 * 2. mark-alive pre-pass: everything reachable from the known roots and the
 *    VM's stacks is ALIVE and skipped by the rest (not after gc.freeze());
 * 3. update_refs: `ob_tid` is borrowed to hold gc_refs, the count minus the
 *    references from other tracked objects (UNREACHABLE marks the borrow);
 *    deferred stack references add one each;
 * 4. mark: an object with gc_refs > 0 is referenced from outside, and so is
 *    everything it reaches: their UNREACHABLE bit is cleared;
 * 5. scan: reachable objects get an owner back in `ob_tid` (the owner of
 *    their segment); unreachable ones are merged with one extra reference
 *    (the worklist's) and listed, those with a legacy finalizer and what
 *    they reach apart, as uncollectable;
 * 6. weakrefs with callbacks to unreachable objects are cleared, and the
 *    callbacks of those that are themselves reachable queued; start the world;
 * 7. release the merge queues' dead objects, call the weakref callbacks, run
 *    each finalizer once (the FINALIZED bit) — all with the world running;
 * 8. stop the world; a finalizer may have resurrected objects: recount the
 *    unreachable ones among themselves (in `ob_ref_local`), and whatever is
 *    referenced from outside survives with all it reaches; clear the
 *    remaining weakrefs to what is still unreachable; start the world;
 * 9. `tp_clear` every unreachable object (or, with DEBUG_SAVEALL, keep it in
 *    gc.garbage) and drop the worklist references: the cycles fall apart;
 *    objects with legacy finalizers go to gc.garbage.
 *
 * Departure from CPython: the worklists are arrays of this thread, not
 * lists threaded through the objects' `ob_tid` — nothing in the shared heap
 * is allocated for them either way, and the order of every list is kept
 * (pushes and pops at the end, walks from the end).
 */

import { formatAddress, monotonicMs, startTheWorld, stopTheWorld } from '@ft/atomics';
import { MI_SEGMENT_SIZE, miBlockOwner, miVisitBlocks } from '@ft/mimalloc';
import { processAllDelayedStopped } from '@ft/qsbr';
import {
  deallocate,
  decref,
  decrefSharedIsDead,
  drainMergeQueuesStopped,
  GC_BITS_ALIVE,
  GC_BITS_DEFERRED,
  GC_BITS_FINALIZED,
  GC_BITS_FROZEN,
  GC_BITS_TRACKED,
  GC_BITS_UNREACHABLE,
  IMMORTAL_REFCNT_LOCAL,
  mergeAllPerThreadRefcounts,
  OB_GC_BITS_OFFSET,
  OB_REF_LOCAL_OFFSET,
  OB_REF_SHARED_OFFSET,
  OB_TID_OFFSET,
  OB_TYPE_OFFSET,
  REF_DEFERRED,
  REF_MERGED,
  REF_SHARED_FLAG_MASK,
  TP_CLEAR_OFFSET,
  TP_FINALIZE_OFFSET,
  TP_TRAVERSE_OFFSET,
  type ClearFn,
  type RcThread,
  type TraverseFn,
} from '@ft/refcount';
import type { GcThread } from './gc-thread.js';
import { gcWord, shouldCollect } from './gc-state.js';
import { appendGarbage } from './garbage.js';
import {
  DEBUG_COLLECTABLE,
  DEBUG_SAVEALL,
  DEBUG_STATS,
  DEBUG_UNCOLLECTABLE,
  GC_COLLECTING_OFFSET,
  GC_DEBUG_OFFSET,
  GC_FREEZE_ACTIVE_OFFSET,
  GC_GROUP_OFFSET,
  GC_LONG_LIVED_TOTAL_OFFSET,
  GC_OLD0_COUNT_OFFSET,
  GC_REASON_HEAP,
  GC_REASON_SHUTDOWN,
  GC_STATS_OFFSET,
  GC_PAUSES_OFFSET,
  GC_PAUSE_MAX_MS_OFFSET,
  GC_PAUSE_TOTAL_MS_OFFSET,
  GC_STATS_SIZE,
  GC_YOUNG_COUNT_OFFSET,
  NUM_GENERATIONS,
} from './layout.js';
import { WorkList } from './worklist.js';
import { GC_HEAPS_MASK, isGcObject, isNonGcObject, resetObjectCache, traverseObject } from './traverse.js';
import { reportUnraisable, typeNameOf, writeDebug } from './report.js';

// Object header words, as indices from `op >>> 2`, and the bits byte.
const TID = OB_TID_OFFSET >>> 2;
const LOCAL = OB_REF_LOCAL_OFFSET >>> 2;
const SHARED = OB_REF_SHARED_OFFSET >>> 2;
const TYPE = OB_TYPE_OFFSET >>> 2;
const TRAVERSE = TP_TRAVERSE_OFFSET >>> 2;
const BITS = OB_GC_BITS_OFFSET;
const TRACKED = GC_BITS_TRACKED;
const UNREACHABLE = GC_BITS_UNREACHABLE;
const ALIVE = GC_BITS_ALIVE;
const FROZEN = GC_BITS_FROZEN;
const FINALIZED = GC_BITS_FINALIZED;
const DEFERRED = GC_BITS_DEFERRED;
const IMMORTAL = IMMORTAL_REFCNT_LOCAL;
const SHIFT = 2;
/** The shared-count bias of a deferred object (`_Py_REF_DEFERRED` in the shared word). */
const DEFERRED_BIAS = REF_DEFERRED << SHIFT;
const SEGMENT_MASK = MI_SEGMENT_SIZE - 1;

/**
 * The state of the collection this thread runs (`struct collection_state`).
 * Only one runs per interpreter (the `collecting` word), so only one per
 * thread: the visitors below read it from this module's variables, which
 * keeps them plain functions with no closure per object.
 */
let gt: GcThread;
let u8: Uint8Array;
let u32: Uint32Array;
let i32: Int32Array;
/** Every tracked, non-frozen object found by the heap visit. */
let objects: Uint32Array = new Uint32Array(1024);
let objectCount = 0;
/** How far the scan got (abortFirstPause restores the objects past it). */
let scanned = 0;
/**
 * The children update_refs found, for the mark phase (compressed rows):
 * `edges[edgeStart[k] .. edgeStart[k + 1])` are the tracked children of
 * `objects[k]`. Mark then walks arrays instead of calling every traverse
 * behaviour a second time (CPython traverses again; the graph cannot change
 * while the world is stopped, so the result is the same). An object's row is
 * found from its address through `ob_ref_local`, which holds its index `k`
 * from its update_refs turn until the scan puts the count back from
 * `savedLocal[k]` (`NOT_SAVED`: the word was left alone).
 */
let edges: Uint32Array = new Uint32Array(4096);
let edgeCount = 0;
let edgeStart: Uint32Array = new Uint32Array(1025);
let savedLocal: Uint32Array = new Uint32Array(1024);
/** Entries of `savedLocal` valid for this collection (an abort may come before they are). */
let savedValid = 0;
const NOT_SAVED = IMMORTAL_REFCNT_LOCAL;
/**
 * Objects that count in the long-lived total without being scanned: frozen
 * ones and tuples untracked on the way (gh-142531: otherwise a heap of them
 * would make every 2000 allocations a full collection).
 */
let extraLongLived = 0;
/** The scratch stack of the marking walks (`_PyObjectStack`). */
let stack: Uint32Array = new Uint32Array(1024);
let stackTop = 0;
/** The collecting thread's traverse behaviours and its RcThread, for the hot loops. */
let traverseFns: readonly (TraverseFn | null)[] = [];
let rcThread: RcThread;

/**
 * `Py_TYPE(op)->tp_traverse(op, visit)` for the phases' loops: the same as
 * traverse.ts's traverseObject with the thread's table at hand.
 */
function traverse(op: number, visit: (child: number) => number): number {
  traverseParent = op;
  const id = u32[(u32[(op >>> 2) + TYPE]! >>> 2) + TRAVERSE]!;
  if (id === 0) return 0;
  const fn = traverseFns[id];
  if (fn === undefined || fn === null) return traverseObject(gt, op, visit); // reports the unregistered id
  return fn(rcThread, op, visit);
}

/** Addresses a traverse behaviour handed out that are not GC objects (reported after the collection). */
let refused: string[] = [];

/**
 * Test seams: the stress test's controls turn a step off to show that its
 * checks catch a collector without it. Never false otherwise.
 * @internal
 */
export const collectSeams = { drainMergeQueues: true, restoreTid: true };

/**
 * Milliseconds spent in each phase of this thread's last collection, for the
 * benchmarks' breakdowns (a dozen clock reads per collection).
 * @internal
 */
export const lastPhaseMs = { stop: 0, find: 0, markAlive: 0, updateRefs: 0, mark: 0, scan: 0, weakrefs: 0, finalize: 0, second: 0, delete: 0 };

/**
 * The clock of {@link lastPhaseMs}, in milliseconds: wall time by default; a
 * benchmark on a shared machine may set the process's CPU time instead.
 * @internal
 */
export const phaseClock = { now: (): number => performance.now() };

/** The worklists, reused by every collection on this thread (worklist.ts). */
const unreachableList = new WorkList();
const legacyList = new WorkList();
const wrcbList = new WorkList();
const decrefList = new WorkList();

/** What one collection found. @internal */
export interface CollectionResult {
  collected: number;
  uncollectable: number;
}

/**
 * Runs a collection of `generation` for `reason` on this thread
 * (`gc_collect_main`): returns the number of unreachable objects found
 * (collected + uncollectable), or 0 when a collection is already running in
 * the interpreter (on any thread, including this one from a finalizer) or,
 * for an automatic collection, when none is due.
 * @internal
 */
export function collectMain(thread: GcThread, generation: number, reason: number): number {
  const state = thread.state;
  const ti32 = thread.i32;
  if (Atomics.compareExchange(ti32, gcWord(state, GC_COLLECTING_OFFSET), 0, 1) !== 0) return 0;
  let result: CollectionResult = { collected: 0, uncollectable: 0 };
  try {
    if (reason === GC_REASON_HEAP && !shouldCollect(ti32, state)) return 0;
    const hooks = thread.hooks;
    if (reason !== GC_REASON_SHUTDOWN && hooks.callbacks !== undefined) invokeCallbacks(thread, 'start', generation, 0, 0);
    const debug = Atomics.load(ti32, gcWord(state, GC_DEBUG_OFFSET));
    const t1 = (debug & DEBUG_STATS) !== 0 ? monotonicMs() : 0;
    if ((debug & DEBUG_STATS) !== 0) writeDebug(thread, `gc: collecting generation ${generation}...\n`);
    result = collectInternal(thread, generation, reason);
    const n = result.uncollectable;
    const m = result.collected;
    if ((debug & DEBUG_STATS) !== 0) {
      writeDebug(thread, `gc: done, ${n + m} unreachable, ${n} uncollectable, ${((monotonicMs() - t1) / 1000).toFixed(4)}s elapsed\n`);
    }
    const stats = state + GC_STATS_OFFSET + generation * GC_STATS_SIZE;
    Atomics.add(thread.u32, stats >>> 2, 1);
    Atomics.add(thread.u32, (stats >>> 2) + 1, m);
    Atomics.add(thread.u32, (stats >>> 2) + 2, n);
    if (reason !== GC_REASON_SHUTDOWN && hooks.callbacks !== undefined) invokeCallbacks(thread, 'stop', generation, m, n);
    return n + m;
  } finally {
    Atomics.store(ti32, gcWord(state, GC_COLLECTING_OFFSET), 0);
  }
}

/** Counts one stop-the-world pause of `ms` (the collecting thread alone writes these: one collection at a time). */
function recordPause(state: number, ms: number): void {
  const f64 = gt.heap.f64;
  Atomics.add(u32, (state + GC_PAUSES_OFFSET) >>> 2, 1);
  f64[(state + GC_PAUSE_TOTAL_MS_OFFSET) >>> 3] = f64[(state + GC_PAUSE_TOTAL_MS_OFFSET) >>> 3]! + ms;
  if (ms > f64[(state + GC_PAUSE_MAX_MS_OFFSET) >>> 3]!) f64[(state + GC_PAUSE_MAX_MS_OFFSET) >>> 3] = ms;
}

function invokeCallbacks(thread: GcThread, phase: 'start' | 'stop', generation: number, collected: number, uncollectable: number): void {
  try {
    thread.hooks.callbacks!(phase, { generation, collected, uncollectable });
  } catch (error) {
    reportUnraisable(thread, 'on invoking gc callbacks', error);
  }
}

/** `gc_collect_internal`. */
function collectInternal(thread: GcThread, generation: number, reason: number): CollectionResult {
  gt = thread;
  traverseFns = thread.traverse;
  rcThread = thread.rc;
  u8 = thread.u8;
  u32 = thread.u32;
  i32 = thread.i32;
  refused = [];
  const state = thread.state;
  const rc = thread.rc;
  const group = u32[(state + GC_GROUP_OFFSET) >>> 2];
  const unreachable = unreachableList;
  const legacy = legacyList;
  const wrcbToCall = wrcbList;
  const objsToDecref = decrefList;
  unreachable.truncate(0);
  legacy.truncate(0);
  wrcbToCall.truncate(0);
  objsToDecref.truncate(0);
  let longLived = 0;
  let garbageHasWeakrefs = false;

  let failure: unknown = null;
  const phases = lastPhaseMs;
  const now = phaseClock.now;
  let clock = now();
  const lap = (): number => {
    const time = now();
    const ms = time - clock;
    clock = time;
    return ms;
  };
  let pauseStart = now();
  stopTheWorld(thread.heap, group);
  resetObjectCache();
  scanned = 0;
  objectCount = 0;
  try {
    // Counters (3.14's): the young count restarts; an old generation counts the collections below it.
    if (generation + 1 < NUM_GENERATIONS) Atomics.add(i32, gcWord(state, GC_OLD0_COUNT_OFFSET) + generation, 1);
    Atomics.store(i32, gcWord(state, GC_YOUNG_COUNT_OFFSET), 0);
    for (let i = 1; i <= generation; i++) Atomics.store(i32, gcWord(state, GC_OLD0_COUNT_OFFSET) + i - 1, 0);

    mergeAllPerThreadRefcounts(rc);
    if (collectSeams.drainMergeQueues) for (const op of drainMergeQueuesStopped(rc)) objsToDecref.push(op);
    // process_delayed_frees: every stopped thread is quiescent.
    if (thread.qsbr !== null) processAllDelayedStopped(thread.qsbr);
    phases.stop = lap();

    findObjects();
    phases.find = lap();
    if (Atomics.load(i32, gcWord(state, GC_FREEZE_ACTIVE_OFFSET)) === 0) markAliveFromRoots();
    phases.markAlive = lap();
    updateRefs();
    visitStackRefs();
    phases.updateRefs = lap();
    markHeap();
    phases.mark = lap();
    longLived = scanHeap(reason, unreachable, legacy) + extraLongLived;
    if (legacy.length !== 0) moveLegacyFinalizerReachable(unreachable, legacy);
    phases.scan = lap();

    const debug = Atomics.load(i32, gcWord(state, GC_DEBUG_OFFSET));
    if ((debug & DEBUG_COLLECTABLE) !== 0) for (let i = unreachable.length - 1; i >= 0; i--) debugCycle('collectable', unreachable.get(i));
    Atomics.store(i32, gcWord(state, GC_LONG_LIVED_TOTAL_OFFSET), longLived);
    garbageHasWeakrefs = clearWeakrefs(unreachable, wrcbToCall, true);
  } catch (error) {
    failure = error;
    abortFirstPause(unreachable, legacy, wrcbToCall);
  } finally {
    startTheWorld(thread.heap, group);
    recordPause(state, now() - pauseStart);
  }
  if (failure !== null) {
    // What the merge drain handed over is still released; then the error goes to the caller.
    cleanupWorklist(objsToDecref);
    throw failure;
  }

  phases.weakrefs = lap();
  // With the world running: what the merge drained, the weakref callbacks, the finalizers.
  cleanupWorklist(objsToDecref);
  // A weakref callback runs Python code: it could give garbage a type with a finalizer.
  const mayFinalize = garbageHasFinalizers || wrcbToCall.length !== 0;
  callWeakrefCallbacks(wrcbToCall);
  const finalizersRan = mayFinalize && finalizeGarbage(unreachable);
  phases.finalize = lap();

  pauseStart = now();
  stopTheWorld(thread.heap, group);
  resetObjectCache();
  try {
    // Only code that ran meanwhile can resurrect garbage: a finalizer, or any
    // thread through a weakref not yet cleared. With neither, the recount
    // would find nothing (CPython always recounts).
    if (finalizersRan || garbageHasWeakrefs) handleResurrectedObjects(unreachable, objsToDecref);
    // Weakrefs without callbacks, to classes, and any a finalizer created (gh-135552, GH-91636).
    clearWeakrefs(unreachable, wrcbToCall, false);
    if ((Atomics.load(i32, gcWord(state, GC_DEBUG_OFFSET)) & DEBUG_SAVEALL) === 0) adoptGarbage(unreachable);
  } catch (error) {
    failure = error;
    abortSecondPause(unreachable);
  } finally {
    startTheWorld(thread.heap, group);
    recordPause(state, now() - pauseStart);
  }

  phases.second = lap();
  const result: CollectionResult = { collected: 0, uncollectable: 0 };
  cleanupWorklist(objsToDecref);
  if (failure !== null) {
    while (legacy.length > 0) releaseWorklistRef(legacy.pop());
    throw failure;
  }
  deleteGarbage(unreachable, result);
  handleLegacyFinalizers(legacy, result);
  phases.delete = lap();
  if (refused.length !== 0) {
    reportUnraisable(thread, 'in garbage collection', new Error(`a traverse behaviour visited addresses that are not GC objects (skipped): ${refused.slice(0, 8).join('; ')}${refused.length > 8 ? ` and ${refused.length - 8} more` : ''}`));
  }
  return result;
}

/** A full scratch array, doubled (callers test for full inline: the hot loops stay call-free). */
function grow(array: Uint32Array): Uint32Array {
  const bigger = new Uint32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * The heap visit (`gc_visit_heaps` with `op_from_block`): every tracked,
 * non-frozen object of the GC heaps of every thread and of abandoned
 * segments, collected once into `objects` so that the later phases walk an
 * array instead of the heaps (CPython visits the heaps in each phase).
 */
function findObjects(): void {
  objectCount = 0;
  extraLongLived = 0;
  edgeCount = 0;
  savedValid = 0;
  miVisitBlocks(gt.mi, GC_HEAPS_MASK, collectObject);
  if (savedLocal.length < objectCount) savedLocal = new Uint32Array(2 * objectCount);
  savedLocal.fill(NOT_SAVED, 0, objectCount);
  savedValid = objectCount;
}

function collectObject(_block: number, _size: number, op: number): void {
  const bits = u8[op + BITS]!;
  if ((bits & (TRACKED | FROZEN)) !== TRACKED) {
    // Frozen objects are long-lived too (gh-142531).
    if ((bits & (TRACKED | FROZEN)) === (TRACKED | FROZEN)) extraLongLived++;
    return;
  }
  if (objectCount === objects.length) objects = grow(objects);
  objects[objectCount++] = op;
}

function push(op: number): void {
  if (stackTop === stack.length) stack = grow(stack);
  stack[stackTop++] = op;
}

/** The object whose traverse is running (0: a root or stack reference from a hook), for reports. */
let traverseParent = 0;

/**
 * Whether a child handed to a visit is an object the collector may touch:
 * not NULL, and a GC object (traverse.ts). Other objects (ints, strs,
 * immortal statics) are skipped quietly; any other address is noted, with
 * the object whose traverse handed it out, and the walk goes on without it.
 */
function acceptChild(child: number): boolean {
  if (child === 0) return false;
  if (isGcObject(gt, child)) return true;
  if (isNonGcObject(gt, child)) return false;
  if (refused.length < 100) {
    const from = traverseParent === 0 ? 'a hook' : `${typeNameOf(gt, u32[(traverseParent >>> 2) + TYPE])} at ${formatAddress(traverseParent)}`;
    refused.push(`${formatAddress(child)} from ${from}`);
  }
  return false;
}

// --- 2. the mark-alive pre-pass (3.14) --------------------------------------

/** The thread's tuple-untracking hook, for the pre-pass (read once per collection). */
let maybeUntrackHook: ((t: RcThread, op: number) => boolean) | undefined;

/**
 * `mark_alive_stack_push`: a tracked object not yet ALIVE (and not an
 * untrackable tuple) becomes ALIVE and is walked. SAFETY: world stopped: the
 * bit is set plain.
 */
function markAlivePush(op: number): number {
  if (!acceptChild(op)) return 0;
  const bits = u8[op + BITS]!;
  if ((bits & TRACKED) === 0 || (bits & (ALIVE | FROZEN)) !== 0) return 0;
  if (maybeUntrackHook !== undefined && maybeUntrackHook(rcThread, op)) return 0;
  u8[op + BITS] = bits | ALIVE;
  push(op);
  return 0;
}

function markAliveFromRoots(): void {
  const { visitRoots, visitStacks } = gt.hooks;
  if (visitRoots === undefined && visitStacks === undefined) return;
  stackTop = 0;
  traverseParent = 0;
  maybeUntrackHook = gt.hooks.maybeUntrack;
  const rootPush = (op: number): void => {
    markAlivePush(op);
  };
  visitRoots?.(gt.rc, rootPush);
  visitStacks?.(gt.rc, rootPush);
  while (stackTop > 0) {
    traverse(stack[--stackTop]!, markAlivePush);
  }
}

// --- 3. update_refs ----------------------------------------------------------

/** `visit_decref`: one internal reference less for a tracked, mortal, unfrozen, not-ALIVE child. */
function visitDecref(child: number): number {
  if (!acceptChild(child)) return 0;
  const bits = u8[child + BITS];
  if ((bits & TRACKED) === 0 || (bits & (FROZEN | ALIVE)) !== 0 || u32[(child >>> 2) + LOCAL] === IMMORTAL) return 0;
  if ((bits & UNREACHABLE) === 0) {
    // gc_maybe_init_refs: the child may be met before its own update_refs turn.
    u8[child + BITS] = bits | UNREACHABLE; // SAFETY: world stopped (every bits write below too)
    i32[(child >>> 2) + TID] = 0;
  }
  i32[(child >>> 2) + TID]--;
  if (edgeCount === edges.length) edges = grow(edges);
  edges[edgeCount++] = child;
  return 0;
}

function updateRefs(): void {
  const maybeUntrack = gt.hooks.maybeUntrack;
  const list = objects;
  const count = objectCount;
  const u8 = gt.u8;
  const u32 = gt.u32;
  const i32 = gt.i32;
  if (edgeStart.length < count + 1) edgeStart = new Uint32Array(2 * count + 1);
  edgeCount = 0;
  for (let k = 0; k < count; k++) {
    edgeStart[k] = edgeCount;
    const op = list[k]!;
    const i = op >>> 2;
    const bits = u8[op + BITS]!;
    if ((bits & ALIVE) !== 0) continue;
    const local = u32[i + LOCAL]!;
    if (local === IMMORTAL) {
      // SAFETY: world stopped. An immortal object needs no collecting: untrack it.
      u32[i + TID] = 0;
      u8[op + BITS] = bits & ~(TRACKED | UNREACHABLE);
      continue;
    }
    const deferred = (bits & DEFERRED) !== 0;
    let refcount = local + (i32[i + SHARED]! >> SHIFT);
    if (deferred) refcount -= REF_DEFERRED;
    if (refcount > 0 && !deferred && maybeUntrack !== undefined && maybeUntrack(gt.rc, op)) {
      // gc_restore_refs: met as a child first, its ob_tid holds gc_refs.
      if ((u8[op + BITS]! & UNREACHABLE) !== 0) {
        restoreTid(op);
        u8[op + BITS]! &= ~UNREACHABLE;
      }
      // An untracked tuple still counts as long-lived (gh-142531).
      extraLongLived++;
      continue;
    }
    if ((bits & UNREACHABLE) === 0) {
      u8[op + BITS] = bits | UNREACHABLE;
      i32[i + TID] = 0;
    }
    i32[i + TID] += refcount;
    // The count is in the shared word's reach no more until the scan: the
    // word holds this object's row index meanwhile (see `edges`).
    savedLocal[k] = local;
    u32[i + LOCAL] = k;
    traverse(op, visitDecref);
  }
  edgeStart[count] = edgeCount;
}

/** `gc_visit_thread_stacks`: each deferred reference on a stack counts as a reference from outside. */
function visitStackRefs(): void {
  const visitStacks = gt.hooks.visitStacks;
  if (visitStacks === undefined) return;
  traverseParent = 0;
  visitStacks(gt.rc, (op) => {
    if (acceptChild(op) && (u8[op + BITS] & (UNREACHABLE | TRACKED)) === (UNREACHABLE | TRACKED)) i32[(op >>> 2) + TID]++;
  });
}

// --- 4. mark -------------------------------------------------------------------

/** `visit_clear_unreachable`. */
function visitClearUnreachable(child: number): number {
  if (!acceptChild(child)) return 0;
  const bits = u8[child + BITS];
  if ((bits & (UNREACHABLE | TRACKED)) === (UNREACHABLE | TRACKED)) {
    u8[child + BITS] = bits & ~UNREACHABLE;
    push(child);
  }
  return 0;
}

/** `mark_reachable`: clears UNREACHABLE on everything `op` reaches. */
function markReachable(op: number): void {
  stackTop = 0;
  for (;;) {
    traverse(op, visitClearUnreachable);
    if (stackTop === 0) return;
    op = stack[--stackTop]!;
  }
}

/** `mark_heap_visitor`. A negative gc_refs (a traverse that visited more references than the object has) counts as referenced: the object survives. */
function markHeap(): void {
  for (let k = 0; k < objectCount; k++) {
    const op = objects[k]!;
    const bits = u8[op + BITS]!;
    if ((bits & ALIVE) !== 0 || (bits & UNREACHABLE) === 0) continue;
    if (i32[(op >>> 2) + TID] !== 0) {
      u8[op + BITS] = bits & ~UNREACHABLE;
      markRowsFrom(k);
    }
  }
}

/**
 * `mark_reachable` over the rows update_refs recorded: clears UNREACHABLE on
 * everything `objects[k]` reaches. A child still UNREACHABLE had its own
 * update_refs turn, so its `ob_ref_local` holds its row index.
 */
function markRowsFrom(k: number): void {
  stackTop = 0;
  for (;;) {
    const end = edgeStart[k + 1]!;
    for (let e = edgeStart[k]!; e < end; e++) {
      const child = edges[e]!;
      const bits = u8[child + BITS]!;
      if ((bits & (UNREACHABLE | TRACKED)) === (UNREACHABLE | TRACKED)) {
        u8[child + BITS] = bits & ~UNREACHABLE;
        push(u32[(child >>> 2) + LOCAL]!);
      }
    }
    if (stackTop === 0) return;
    k = stack[--stackTop]!;
  }
}

// --- 5. scan -------------------------------------------------------------------

/**
 * `merge_refcount` with the world stopped: both counts plus `extra` into the
 * shared word, flags MERGED, no owner (plain accesses: nobody else runs).
 * Returns the merged count.
 */
function mergeStopped(op: number, extra: number): number {
  const i = op >>> 2;
  const refcount = u32[i + LOCAL]! + (i32[i + SHARED]! >> SHIFT) + extra;
  u32[i + TID] = 0;
  u32[i + LOCAL] = 0;
  i32[i + SHARED] = (refcount << SHIFT) | REF_MERGED;
  // The reference it adds (or drops) is a counted one (`_Py_AddRefTotal`).
  if (rcThread.refDebug === true) rcThread.refTotal += extra;
  return refcount;
}

/**
 * Whether some garbage the scan listed has a type with a finalizer: if not,
 * the finalize pass over the garbage is skipped (nothing could run). The
 * last type looked up, and whether it has one, for the scan's loop.
 */
let garbageHasFinalizers = false;
let finalizeType = 0;
let finalizeTypeHas = false;

/** The owner of the last segment looked up (objects are visited page by page). */
let ownerSegment = 0;
let ownerOfSegment = 0;

/**
 * `gc_restore_tid`: a merged object has no owner; any other gets its
 * segment's owner, or is merged when the segment is abandoned.
 */
function restoreTid(op: number): void {
  if (!collectSeams.restoreTid) return;
  const i = op >>> 2;
  // `_Py_REF_IS_MERGED` compares the flags: MAYBE_WEAKREF and QUEUED share its bits.
  if ((i32[i + SHARED]! & REF_SHARED_FLAG_MASK) === REF_MERGED) {
    u32[i + TID] = 0;
    return;
  }
  const segment = ((op - 1) & ~SEGMENT_MASK) >>> 0;
  if (segment !== ownerSegment) {
    ownerSegment = segment;
    ownerOfSegment = miBlockOwner(gt.mi, op);
  }
  if (ownerOfSegment === 0) mergeStopped(op, 0);
  else u32[i + TID] = ownerOfSegment;
}

/**
 * `scan_heap_visitor`; returns the number of reachable objects (the
 * long-lived total). SAFETY: world stopped; the bits, counts and `ob_tid` of
 * every object are written plain, as CPython's `merge_refcount` does.
 */
function scanHeap(reason: number, unreachable: WorkList, legacy: WorkList): number {
  garbageHasFinalizers = false;
  finalizeType = 0;
  const hasLegacy = gt.hooks.hasLegacyFinalizer;
  const rc = gt.rc;
  const shutdown = reason === GC_REASON_SHUTDOWN;
  ownerSegment = 0;
  let longLived = 0;
  for (let k = 0; k < objectCount; k++) {
    scanned = k;
    const op = objects[k]!;
    // The count back in ob_ref_local before anything reads it.
    if (savedLocal[k] !== NOT_SAVED) u32[(op >>> 2) + LOCAL] = savedLocal[k]!;
    let bits = u8[op + BITS]!;
    if ((bits & TRACKED) === 0) continue; // untracked on the way (immortal, untrackable tuple): already restored
    if ((bits & UNREACHABLE) !== 0 || shutdown) {
      // disable_deferred_refcounting: unreachable objects die as soon as their counts say so.
      if ((bits & DEFERRED) !== 0) {
        bits &= ~DEFERRED;
        u8[op + BITS] = bits;
        i32[(op >>> 2) + SHARED] -= DEFERRED_BIAS;
      }
    }
    if ((bits & UNREACHABLE) !== 0) {
      // The hook first: if it throws, the object is still as the abort expects.
      const isLegacy = hasLegacy !== undefined && hasLegacy(rc, op);
      // The worklist's reference keeps it alive until the end.
      mergeStopped(op, 1);
      if (isLegacy) {
        u8[op + BITS] = bits & ~UNREACHABLE;
        legacy.push(op);
      } else {
        unreachable.push(op);
        // Whether finalize_garbage has anything to do (runs of one type are common).
        const type = u32[(op >>> 2) + TYPE]!;
        if (type !== finalizeType) {
          finalizeType = type;
          finalizeTypeHas = u32[(type + TP_FINALIZE_OFFSET) >>> 2] !== 0;
        }
        if (finalizeTypeHas) garbageHasFinalizers = true;
      }
      continue;
    }
    restoreTid(op);
    if ((bits & ALIVE) !== 0) u8[op + BITS] = bits & ~ALIVE;
    longLived++;
  }
  scanned = objectCount;
  return longLived;
}

/**
 * Undoes the first pause after one of its steps threw (a traverse, clear or
 * hook behaviour of a layer above; CPython's restore_refs on out of
 * memory): objects the scan has not reached get an owner back in `ob_tid`
 * and lose UNREACHABLE and ALIVE; those it listed as garbage and the queued
 * weakrefs give back the worklist's reference. Nothing is collected; the
 * heap is as it was.
 */
function abortFirstPause(unreachable: WorkList, legacy: WorkList, wrcbToCall: WorkList): void {
  ownerSegment = 0;
  const saved = savedValid;
  for (let k = scanned; k < objectCount; k++) {
    const op = objects[k]!;
    if (k < saved && savedLocal[k] !== NOT_SAVED) u32[(op >>> 2) + LOCAL] = savedLocal[k]!;
    restoreTid(op);
    u8[op + BITS]! &= ~(UNREACHABLE | ALIVE);
  }
  for (const list of [unreachable, legacy, wrcbToCall]) {
    while (list.length > 0) {
      const op = list.pop();
      u8[op + BITS]! &= ~UNREACHABLE;
      mergeStopped(op, -1);
    }
  }
}

/**
 * Undoes the second pause after a traverse threw in the resurrection
 * recount: every object still listed survives (its scratch count is reset
 * and the worklist's reference given back), so nothing reachable can be
 * freed; the collection then frees only what the merge drain handed over.
 */
function abortSecondPause(unreachable: WorkList): void {
  while (unreachable.length > 0) {
    const op = unreachable.pop();
    u32[(op >>> 2) + LOCAL] = 0;
    u8[op + BITS]! &= ~UNREACHABLE;
    mergeStopped(op, -1);
  }
}

function hasLegacyFinalizer(op: number): boolean {
  const has = gt.hooks.hasLegacyFinalizer;
  return has !== undefined && has(gt.rc, op);
}

/** `move_legacy_finalizer_reachable`: what a legacy finalizer reaches cannot be collected either. */
function moveLegacyFinalizerReachable(unreachable: WorkList, legacy: WorkList): void {
  for (let k = legacy.length - 1; k >= 0; k--) markReachable(legacy.get(k));
  let kept = 0;
  for (let k = 0; k < unreachable.length; k++) {
    const op = unreachable.get(k);
    if ((u8[op + BITS] & UNREACHABLE) === 0) legacy.push(op);
    else unreachable.set(kept++, op);
  }
  unreachable.truncate(kept);
}

// --- 6. weakrefs -----------------------------------------------------------------

/**
 * `clear_weakrefs`, in two passes (gh-135552). The first (world stopped,
 * before finalizers) clears unreachable weakrefs themselves and the
 * weakrefs with callbacks to unreachable objects other than classes, and
 * queues the callbacks of those that are reachable. The second (after
 * finalizers) clears every weakref still pointing at an unreachable object,
 * including any a finalizer created (GH-91636), without callbacks.
 */
function clearWeakrefs(unreachable: WorkList, wrcbToCall: WorkList, beforeFinalizers: boolean): boolean {
  const hooks = gt.hooks.weakrefs;
  if (hooks === undefined) return false;
  let any = false;
  const rc = gt.rc;
  for (let k = unreachable.length - 1; k >= 0; k--) {
    const op = unreachable.get(k);
    if (beforeFinalizers && hooks.isWeakref(rc, op)) hooks.clear(rc, op);
    const refs = hooks.weakrefsTo(rc, op);
    if (refs.length === 0) continue;
    any = true;
    const isClass = hooks.isClass !== undefined && hooks.isClass(rc, op);
    for (const wr of refs) {
      if (!beforeFinalizers) {
        hooks.clear(rc, wr);
        continue;
      }
      if (isClass || !hooks.hasCallback(rc, wr)) continue;
      hooks.clear(rc, wr);
      // No callback for a weakref that is itself garbage (bpo-38006).
      if ((u8[wr + BITS] & UNREACHABLE) !== 0) continue;
      mergeStopped(wr, 1);
      wrcbToCall.push(wr);
    }
  }
  return any;
}

function callWeakrefCallbacks(wrcbToCall: WorkList): void {
  const hooks = gt.hooks.weakrefs!;
  while (wrcbToCall.length > 0) {
    const wr = wrcbToCall.pop();
    try {
      hooks.callCallback(gt.rc, wr);
    } catch (error) {
      reportUnraisable(gt, `in weakref callback of ${formatAddress(wr)}`, error);
    }
    releaseWorklistRef(wr);
  }
}

// --- 7. finalizers ---------------------------------------------------------------

/** `finalize_garbage`: each object's finalizer once (FINALIZED), with the world running. */
function finalizeGarbage(unreachable: WorkList): boolean {
  let ran = false;
  // Runs of objects of one type are common: its finalize id is read once per run.
  let lastType = 0;
  let lastId = 0;
  for (let k = unreachable.length - 1; k >= 0; k--) {
    const op = unreachable.get(k);
    const type = u32[(op >>> 2) + TYPE]!;
    if (type !== lastType) {
      lastType = type;
      lastId = u32[(type + TP_FINALIZE_OFFSET) >>> 2]!;
    }
    if (lastId === 0) continue;
    // SAFETY: only the collector sets FINALIZED on garbage, and nobody else
    // can deallocate it while the worklist holds it: plain read and write.
    const bits = u8[op + BITS]!;
    if ((bits & FINALIZED) !== 0) continue;
    const finalize = gt.finalize[lastId];
    if (finalize === undefined || finalize === null) continue;
    u8[op + BITS] = bits | FINALIZED;
    ran = true;
    try {
      finalize(gt.rc, op);
    } catch (error) {
      reportUnraisable(gt, `while finalizing ${typeNameOf(gt, type)} object at ${formatAddress(op)}`, error);
    }
  }
  return ran;
}

// --- 8. resurrection -------------------------------------------------------------

/** `visit_decref_unreachable`. */
function visitDecrefUnreachable(child: number): number {
  if (!acceptChild(child)) return 0;
  if ((u8[child + BITS] & (UNREACHABLE | TRACKED)) === (UNREACHABLE | TRACKED)) u32[(child >>> 2) + LOCAL]--;
  return 0;
}

/**
 * `handle_resurrected_objects` (world stopped): an unreachable object that a
 * finalizer made referenced from outside survives, with everything it
 * reaches, and is not counted as collected. Entries are merged with
 * `ob_ref_local` 0, which serves as the scratch count.
 */
function handleResurrectedObjects(unreachable: WorkList, objsToDecref: WorkList): void {
  let kept = 0;
  for (let k = 0; k < unreachable.length; k++) {
    const op = unreachable.get(k);
    const bits = u8[op + BITS];
    if ((bits & TRACKED) === 0) {
      // A finalizer untracked it: it is released after the pause.
      u8[op + BITS] = bits & ~UNREACHABLE;
      objsToDecref.push(op);
      continue;
    }
    // CPython makes an object immortal when its count does not fit the 32-bit
    // scratch word; shared counts here are at most 2^29 (DESIGN.md §5).
    const refcount = i32[(op >>> 2) + SHARED] >> SHIFT;
    unreachable.set(kept++, op);
    // Minus the worklist's reference.
    u32[(op >>> 2) + LOCAL] += refcount - 1;
    traverse(op, visitDecrefUnreachable);
  }
  unreachable.truncate(kept);
  let anyResurrected = false;
  for (let k = unreachable.length - 1; k >= 0; k--) {
    const op = unreachable.get(k);
    const gcRefs = i32[(op >>> 2) + LOCAL];
    u32[(op >>> 2) + LOCAL] = 0;
    if ((u8[op + BITS] & UNREACHABLE) !== 0 && gcRefs > 0) {
      anyResurrected = true;
      u8[op + BITS] &= ~UNREACHABLE;
      markReachable(op);
    }
  }
  if (!anyResurrected) return;
  kept = 0;
  for (let k = 0; k < unreachable.length; k++) {
    const op = unreachable.get(k);
    if ((u8[op + BITS] & UNREACHABLE) === 0) {
      // Survives: drop the worklist's reference (it stays merged, with no owner).
      mergeStopped(op, -1);
    } else {
      unreachable.set(kept++, op);
    }
  }
  unreachable.truncate(kept);
}

// --- 9. delete -------------------------------------------------------------------

/**
 * Drops the reference a worklist holds (`Py_DECREF`): the object is merged
 * (the collector merged it), so this is the non-owner decrement, without
 * the owner test.
 */
function releaseWorklistRef(op: number): void {
  if (u32[(op >>> 2) + LOCAL] === IMMORTAL) return; // a finalizer may have made it immortal
  if (rcThread.refDebug === true) rcThread.refTotal--;
  if (decrefSharedIsDead(rcThread, op)) deallocate(rcThread, op);
}

/** `cleanup_worklist`: release each entry's worklist reference. */
function cleanupWorklist(list: WorkList): void {
  while (list.length > 0) {
    const op = list.pop();
    Atomics.and(u8, op + BITS, ~UNREACHABLE);
    releaseWorklistRef(op);
  }
}

/**
 * Makes this thread the owner of the garbage, for `delete_garbage`: both
 * counts (the collector merged them into the shared word) move to
 * `ob_ref_local`, and `ob_tid` is this thread. Then every decref the
 * garbage's `tp_clear` behaviours and the worklist make is an owner's
 * decref (a plain decrement, and one `Atomics.load` when the count reaches
 * zero) instead of an `Atomics.sub` on the shared word: two atomic
 * read-modify-writes per object less.
 *
 * SAFETY: world stopped, so plain writes of the three words. It is the
 * biased protocol's own state (an object owned by a thread, nothing shared),
 * valid whatever happens next: after this pause every weakref to the
 * garbage is cleared and nothing outside it refers to it, but any thread
 * that did get a reference (a `gc.get_objects` racing the delete) counts it
 * in the shared word, as for any object it does not own, and this thread's
 * last decref sees that count before it deallocates. A surviving object (a
 * `tp_clear` that does not break its cycle) simply stays owned by this
 * thread, as an object it allocated would.
 */
function adoptGarbage(unreachable: WorkList): void {
  const tid = rcThread.tid;
  const u32 = gt.u32;
  const i32 = gt.i32;
  for (let k = unreachable.length - 1; k >= 0; k--) {
    const i = unreachable.get(k) >>> 2;
    const shared = i32[i + SHARED]!;
    // Merged by the scan; a finalizer may have made one immortal.
    if ((shared & REF_SHARED_FLAG_MASK) !== REF_MERGED || u32[i + LOCAL] === IMMORTAL) continue;
    u32[i + LOCAL] = shared >> SHIFT;
    i32[i + SHARED] = 0;
    u32[i + TID] = tid;
  }
}

/** `delete_garbage`: `tp_clear` breaks the cycles (or DEBUG_SAVEALL keeps them in gc.garbage). */
function deleteGarbage(unreachable: WorkList, result: CollectionResult): void {
  const saveAll = (Atomics.load(i32, gcWord(gt.state, GC_DEBUG_OFFSET)) & DEBUG_SAVEALL) !== 0;
  const clears = gt.clear;
  let lastType = 0;
  let lastClear: ClearFn | null = null;
  while (unreachable.length > 0) {
    const op = unreachable.pop();
    // SAFETY: plain, as CPython's gc_clear_unreachable: every weakref to the
    // garbage is cleared, so no other thread can reach this object.
    const bits = u8[op + BITS]!;
    u8[op + BITS] = bits & ~UNREACHABLE;
    if ((bits & TRACKED) === 0) {
      // Untracked by some other object's tp_clear meanwhile.
      decref(rcThread, op);
      continue;
    }
    result.collected++;
    if (saveAll) {
      appendGarbage(gt, op);
    } else {
      const type = u32[(op >>> 2) + TYPE]!;
      if (type !== lastType) {
        lastType = type;
        const id = u32[(type + TP_CLEAR_OFFSET) >>> 2]!;
        lastClear = id === 0 ? null : (clears[id] ?? null);
      }
      if (lastClear !== null) {
        try {
          lastClear(rcThread, op);
        } catch (error) {
          reportUnraisable(gt, `in tp_clear of ${typeNameOf(gt, type)}`, error);
        }
      }
    }
    // The worklist's reference: an owner's decref (adoptGarbage), or a merged object's with DEBUG_SAVEALL.
    decref(rcThread, op);
  }
}

/** `handle_legacy_finalizers`: uncollectable; to gc.garbage when they have `tp_del` (or with DEBUG_SAVEALL). */
function handleLegacyFinalizers(legacy: WorkList, result: CollectionResult): void {
  const debug = Atomics.load(i32, gcWord(gt.state, GC_DEBUG_OFFSET));
  while (legacy.length > 0) {
    const op = legacy.pop();
    result.uncollectable++;
    if ((debug & DEBUG_UNCOLLECTABLE) !== 0) debugCycle('uncollectable', op);
    if ((debug & DEBUG_SAVEALL) !== 0 || hasLegacyFinalizer(op)) appendGarbage(gt, op);
    releaseWorklistRef(op);
  }
}

/** `debug_cycle`: `gc: <msg> <<type> <address>>`. */
function debugCycle(message: string, op: number): void {
  writeDebug(gt, `gc: ${message} <${typeNameOf(gt, u32[(op >>> 2) + TYPE])} ${formatAddress(op)}>\n`);
}
