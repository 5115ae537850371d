/**
 * Stop-the-world (CPython `stop_the_world` / `start_the_world` in
 * `Python/pystate.c`): the requester makes every other participant of a
 * group (`_PyEval_StopTheWorld(interp)`) or of the whole world
 * (`_PyEval_StopTheWorldAll`) stop running runtime code, does its work, and
 * lets them go again.
 *
 * Detached participants are parked at once by moving their status to
 * SUSPENDED (they cannot attach until the world restarts); attached ones get
 * the please-stop bit in their eval breaker and suspend themselves at their
 * next safe point, counting themselves off the stop's countdown, whose last
 * decrement wakes the requester. The requester re-scans every 1 ms (it
 * waits on the event without detaching), which catches participants that
 * detached meanwhile. A global stop holds the world's RW mutex exclusively
 * and a group's stop holds it shared, so a global pause excludes every group
 * pause; each scope's PyMutex serialises its own requesters. Not re-entrant.
 */

import { statusName } from './attach-detach.js';
import { fatalError, formatAddress } from './fatal.js';
import type { HeapContext } from './heap-context.js';
import {
  EVAL_PLEASE_STOP_BIT,
  GROUP_NEXT_OFFSET,
  GROUP_PARTICIPANTS_OFFSET,
  GROUP_STW_OFFSET,
  PARTICIPANT_EVAL_BREAKER_OFFSET,
  PARTICIPANT_ID_OFFSET,
  PARTICIPANT_NEXT_OFFSET,
  PARTICIPANT_STATUS_OFFSET,
  PARTICIPANT_TID_OFFSET,
  STATUS_ATTACHED,
  STATUS_DETACHED,
  STATUS_SHUTTING_DOWN,
  STATUS_SUSPENDED,
  STW_COUNTDOWN_OFFSET,
  STW_EVENT_OFFSET,
  STW_MUTEX_OFFSET,
  STW_REQUESTED_OFFSET,
  STW_REQUESTER_OFFSET,
  STW_REQUESTER_TID_OFFSET,
  STW_STOPPED_OFFSET,
  WORLD_GROUPS_HEAD_OFFSET,
  WORLD_STW_OFFSET,
  WORLD_STW_RWMUTEX_OFFSET,
} from './layout.js';
import { monotonicMs } from './clock.js';
import { unparkAll } from './parking-lot.js';
import { eventWaitTimed } from './py-event.js';
import { LOCK_DETACH, mutexLockFlags, mutexUnlock } from './py-mutex.js';
import { rwMutexLock, rwMutexRLock, rwMutexRUnlock, rwMutexUnlock } from './rw-mutex.js';
import { checkGroup, countDown, currentParticipant, groupId, headLock, headUnlock, worldOf } from './world-state.js';

/** How long the requester waits on its event before re-scanning (CPython: 1 ms). */
const RESCAN_MS = 1;

/**
 * Options of {@link stopTheWorld} and {@link stopTheWorldAll}.
 * @public
 */
export interface StopTheWorldOptions {
  /**
   * Give up after this many milliseconds: the stop is undone (every
   * participant it suspended runs again) and a `FatalError` names the
   * participants that never reached a safe point. Default: wait for as long
   * as it takes, as CPython does.
   */
  readonly timeoutMs?: number;
}

/**
 * Stops every other participant of `group` (`_PyEval_StopTheWorld`): when it
 * returns, none of them runs runtime code until {@link startTheWorld}. The
 * calling thread's own participant, if it belongs to the group, stays as it
 * is (the requester). Fatal when the calling thread already holds a stop
 * that covers the group.
 * @example
 * ```ts
 * stopTheWorld(heap, group);
 * try { visitEveryObject(); } finally { startTheWorld(heap, group); }
 * ```
 * @public
 */
export function stopTheWorld(heap: HeapContext, group: number, options: StopTheWorldOptions = {}): void {
  const world = checkGroup(heap, group);
  checkNotStoppedByMe(heap, world + WORLD_STW_OFFSET, 'a global stop-the-world');
  const stw = group + GROUP_STW_OFFSET;
  checkNotStoppedByMe(heap, stw, `a stop-the-world of group ${groupId(heap, group)}`);
  mutexLockFlags(heap, stw + STW_MUTEX_OFFSET, LOCK_DETACH);
  rwMutexRLock(heap, world + WORLD_STW_RWMUTEX_OFFSET);
  stopScope(heap, world, stw, group, options.timeoutMs ?? -1);
}

/**
 * Restarts the participants {@link stopTheWorld} stopped
 * (`_PyEval_StartTheWorld`). Fatal unless the calling thread stopped `group`.
 * @public
 */
export function startTheWorld(heap: HeapContext, group: number): void {
  const world = checkGroup(heap, group);
  const stw = group + GROUP_STW_OFFSET;
  startScope(heap, world, stw, group);
  rwMutexRUnlock(heap, world + WORLD_STW_RWMUTEX_OFFSET);
  mutexUnlock(heap, stw + STW_MUTEX_OFFSET);
}

/**
 * Stops every other participant of every group (`_PyEval_StopTheWorldAll`).
 * Excludes every group's stop for its duration. Fatal when the calling
 * thread already holds a stop.
 * @public
 */
export function stopTheWorldAll(heap: HeapContext, options: StopTheWorldOptions = {}): void {
  const world = worldOf(heap);
  const stw = world + WORLD_STW_OFFSET;
  checkNotStoppedByMe(heap, stw, 'a global stop-the-world');
  // Under HEAD_LOCK: a group may be deleted (and its record freed) meanwhile.
  let heldGroup = 0;
  headLock(heap, world);
  forEachGroup(heap, world, (group) => {
    if (heldByMe(heap, group + GROUP_STW_OFFSET)) heldGroup = group;
  });
  headUnlock(heap, world);
  if (heldGroup !== 0) checkNotStoppedByMe(heap, heldGroup + GROUP_STW_OFFSET, `a stop-the-world of group ${groupId(heap, heldGroup)}`);
  mutexLockFlags(heap, stw + STW_MUTEX_OFFSET, LOCK_DETACH);
  rwMutexLock(heap, world + WORLD_STW_RWMUTEX_OFFSET);
  stopScope(heap, world, stw, 0, options.timeoutMs ?? -1);
}

/**
 * Restarts everyone {@link stopTheWorldAll} stopped (`_PyEval_StartTheWorldAll`).
 * @public
 */
export function startTheWorldAll(heap: HeapContext): void {
  const world = worldOf(heap);
  const stw = world + WORLD_STW_OFFSET;
  startScope(heap, world, stw, 0);
  rwMutexUnlock(heap, world + WORLD_STW_RWMUTEX_OFFSET);
  mutexUnlock(heap, stw + STW_MUTEX_OFFSET);
}

/**
 * Marks every participant of `group` but the calling thread's SHUTTING_DOWN
 * (`Py_FinalizeEx` in CPython 3.14: the other thread states of a finalizing
 * interpreter — its daemon threads — may never attach again; one that
 * tries hangs, `PyThread_hang_thread`). The calling thread must hold a stop
 * of the group (or of all groups): every other participant is then
 * SUSPENDED or DETACHED, and stays parked when the world restarts. Returns
 * how many it marked.
 * @public
 */
export function shutDownOthers(heap: HeapContext, group: number): number {
  assertWorldStopped(heap, group);
  const world = checkGroup(heap, group);
  const me = currentParticipant();
  const requester = me !== null && me.heap === heap ? me.address : 0;
  const i32 = heap.i32;
  let marked = 0;
  headLock(heap, world);
  // SAFETY: the list under HEAD_LOCK; each status word with a CAS (a
  // SUSPENDED one is parked on it: start-the-world then leaves it alone, as
  // it restarts only SUSPENDED ones).
  forEachInScope(heap, world, group, requester, (p) => {
    const status = (p + PARTICIPANT_STATUS_OFFSET) >>> 2;
    if (Atomics.compareExchange(i32, status, STATUS_SUSPENDED, STATUS_SHUTTING_DOWN) === STATUS_SUSPENDED) marked++;
    else if (Atomics.compareExchange(i32, status, STATUS_DETACHED, STATUS_SHUTTING_DOWN) === STATUS_DETACHED) marked++;
  });
  headUnlock(heap, world);
  return marked;
}

/**
 * Whether the world is stopped for `group` (by a stop of the group or a
 * global one) — a snapshot, exact for the thread that holds the stop.
 * @public
 */
export function isWorldStopped(heap: HeapContext, group: number): boolean {
  const world = checkGroup(heap, group);
  const i32 = heap.i32;
  return (
    Atomics.load(i32, (world + WORLD_STW_OFFSET + STW_STOPPED_OFFSET) >>> 2) !== 0 ||
    Atomics.load(i32, (group + GROUP_STW_OFFSET + STW_STOPPED_OFFSET) >>> 2) !== 0
  );
}

/**
 * Fatal unless the world is stopped for `group` by the calling thread: for
 * code that may only run while every other participant is suspended (heap
 * visiting, merges of other threads' counts). Cheap (two loads).
 * @public
 */
export function assertWorldStopped(heap: HeapContext, group: number): void {
  const world = checkGroup(heap, group);
  const i32 = heap.i32;
  for (const stw of [world + WORLD_STW_OFFSET, group + GROUP_STW_OFFSET]) {
    if (Atomics.load(i32, (stw + STW_STOPPED_OFFSET) >>> 2) !== 0 && Atomics.load(heap.u32, (stw + STW_REQUESTER_TID_OFFSET) >>> 2) === heap.tid) return;
  }
  fatalError(`thread ${heap.tid} runs code that needs the world stopped, but no stop of group ${groupId(heap, group)} (or of all groups) is held by it`);
}

/** Whether the calling thread holds the stop `stw` (exact for it: it wrote these words itself). */
function heldByMe(heap: HeapContext, stw: number): boolean {
  return Atomics.load(heap.i32, (stw + STW_REQUESTED_OFFSET) >>> 2) !== 0 && Atomics.load(heap.u32, (stw + STW_REQUESTER_TID_OFFSET) >>> 2) === heap.tid;
}

function checkNotStoppedByMe(heap: HeapContext, stw: number, what: string): void {
  if (heldByMe(heap, stw)) fatalError(`thread ${heap.tid} requests a stop-the-world while it already holds ${what} (stop-the-world is not re-entrant)`);
}

/** Runs `fn` on every group of the world. SAFETY: HEAD_LOCK held. */
function forEachGroup(heap: HeapContext, world: number, fn: (group: number) => void): void {
  const u32 = heap.u32;
  for (let g = Atomics.load(u32, (world + WORLD_GROUPS_HEAD_OFFSET) >>> 2); g !== 0; g = Atomics.load(u32, (g + GROUP_NEXT_OFFSET) >>> 2)) fn(g);
}

/**
 * Runs `fn` on every participant a stop of `scope` covers (the group's, or
 * every group's when `scope` is 0) except `requester`. SAFETY: HEAD_LOCK held.
 */
function forEachInScope(heap: HeapContext, world: number, scope: number, requester: number, fn: (p: number) => void): void {
  const u32 = heap.u32;
  const visitGroup = (group: number): void => {
    for (let p = u32[(group + GROUP_PARTICIPANTS_OFFSET) >>> 2]; p !== 0; p = u32[(p + PARTICIPANT_NEXT_OFFSET) >>> 2]) {
      if (p !== requester) fn(p);
    }
  };
  if (scope !== 0) visitGroup(scope);
  else forEachGroup(heap, world, visitGroup);
}

/** `stop_the_world` after the locks: count, park the detached, flag the attached, wait. */
function stopScope(heap: HeapContext, world: number, stw: number, scope: number, timeoutMs: number): void {
  const { i32, u32 } = heap;
  const me = currentParticipant();
  // The calling thread's participant is the requester only if it lives in this heap.
  const requester = me !== null && me.heap === heap ? me.address : 0;
  headLock(heap, world);
  // SAFETY (whole function): the STW fields and every list are read and
  // written under HEAD_LOCK, which is taken around each scan.
  Atomics.store(i32, (stw + STW_REQUESTED_OFFSET) >>> 2, 1);
  Atomics.store(heap.u8, stw + STW_EVENT_OFFSET, 0);
  u32[(stw + STW_REQUESTER_OFFSET) >>> 2] = requester;
  Atomics.store(u32, (stw + STW_REQUESTER_TID_OFFSET) >>> 2, heap.tid);
  let count = 0;
  // A participant that is shutting down never runs runtime code again.
  forEachInScope(heap, world, scope, requester, (p) => {
    if (Atomics.load(i32, (p + PARTICIPANT_STATUS_OFFSET) >>> 2) !== STATUS_SHUTTING_DOWN) count++;
  });
  i32[(stw + STW_COUNTDOWN_OFFSET) >>> 2] = count;
  const deadline = timeoutMs < 0 ? Infinity : monotonicMs() + timeoutMs;
  for (;;) {
    let parked = 0;
    forEachInScope(heap, world, scope, requester, (p) => {
      const status = (p + PARTICIPANT_STATUS_OFFSET) >>> 2;
      const seen = Atomics.load(i32, status);
      if (seen === STATUS_DETACHED) {
        if (Atomics.compareExchange(i32, status, STATUS_DETACHED, STATUS_SUSPENDED) === STATUS_DETACHED) parked++;
      } else if (seen === STATUS_ATTACHED) {
        Atomics.or(i32, (p + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2, EVAL_PLEASE_STOP_BIT);
      }
    });
    if (parked !== 0) countDown(heap, stw, parked);
    const stopped = i32[(stw + STW_COUNTDOWN_OFFSET) >>> 2] === 0;
    headUnlock(heap, world);
    if (stopped) break;
    const remaining = deadline - monotonicMs();
    if (remaining <= 0) abandonStop(heap, world, stw, scope, requester, timeoutMs);
    if (eventWaitTimed(heap, stw + STW_EVENT_OFFSET, Math.min(RESCAN_MS, remaining), false)) break;
    headLock(heap, world);
  }
  Atomics.store(i32, (stw + STW_STOPPED_OFFSET) >>> 2, 1);
}

/** `start_the_world` before the locks: everyone suspended may run again. */
function startScope(heap: HeapContext, world: number, stw: number, scope: number): void {
  const { i32, u32 } = heap;
  if (Atomics.load(i32, (stw + STW_STOPPED_OFFSET) >>> 2) === 0 || Atomics.load(u32, (stw + STW_REQUESTER_TID_OFFSET) >>> 2) !== heap.tid) {
    fatalError(`thread ${heap.tid} starts a world it has not stopped (${scope === 0 ? 'global' : `group ${groupId(heap, scope)}`} stop-the-world)`);
  }
  headLock(heap, world);
  // SAFETY: under HEAD_LOCK (STW fields and lists).
  const requester = u32[(stw + STW_REQUESTER_OFFSET) >>> 2];
  Atomics.store(i32, (stw + STW_REQUESTED_OFFSET) >>> 2, 0);
  Atomics.store(i32, (stw + STW_STOPPED_OFFSET) >>> 2, 0);
  forEachInScope(heap, world, scope, requester, (p) => resume(heap, p));
  u32[(stw + STW_REQUESTER_OFFSET) >>> 2] = 0;
  Atomics.store(u32, (stw + STW_REQUESTER_TID_OFFSET) >>> 2, 0);
  headUnlock(heap, world);
}

/** A suspended participant may attach again: DETACHED, and wake it if it waits in attach. */
function resume(heap: HeapContext, p: number): void {
  const index = (p + PARTICIPANT_STATUS_OFFSET) >>> 2;
  if (Atomics.compareExchange(heap.i32, index, STATUS_SUSPENDED, STATUS_DETACHED) === STATUS_SUSPENDED) unparkAll(heap, index << 2);
}

/**
 * The stop ran out of time: undo it (as start-the-world would, and take the
 * please-stop bits back), release its locks, and report who never stopped.
 */
function abandonStop(heap: HeapContext, world: number, stw: number, scope: number, requester: number, timeoutMs: number): never {
  const { i32, u32 } = heap;
  const laggards: string[] = [];
  headLock(heap, world);
  // SAFETY: under HEAD_LOCK (STW fields and lists); a participant's id and
  // tid are written once before it is linked.
  forEachInScope(heap, world, scope, requester, (p) => {
    const status = Atomics.load(i32, (p + PARTICIPANT_STATUS_OFFSET) >>> 2);
    if (status === STATUS_ATTACHED) {
      laggards.push(`participant ${u32[(p + PARTICIPANT_ID_OFFSET) >>> 2]} at ${formatAddress(p)} (thread ${u32[(p + PARTICIPANT_TID_OFFSET) >>> 2]}, ${statusName(status)})`);
    }
    Atomics.and(i32, (p + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2, ~EVAL_PLEASE_STOP_BIT);
    resume(heap, p);
  });
  Atomics.store(i32, (stw + STW_REQUESTED_OFFSET) >>> 2, 0);
  u32[(stw + STW_REQUESTER_OFFSET) >>> 2] = 0;
  Atomics.store(u32, (stw + STW_REQUESTER_TID_OFFSET) >>> 2, 0);
  headUnlock(heap, world);
  if (scope === 0) rwMutexUnlock(heap, world + WORLD_STW_RWMUTEX_OFFSET);
  else rwMutexRUnlock(heap, world + WORLD_STW_RWMUTEX_OFFSET);
  mutexUnlock(heap, stw + STW_MUTEX_OFFSET);
  fatalError(
    `stop-the-world (${scope === 0 ? 'global' : `group ${groupId(heap, scope)}`}) timed out after ${timeoutMs} ms; ` +
      `still running, never at a safe point: ${laggards.length > 0 ? laggards.join('; ') : 'none attached (a participant detached without being counted down)'}`,
  );
}
