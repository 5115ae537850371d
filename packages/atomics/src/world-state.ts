/**
 * The world's records (DESIGN.md §4; CPython `Python/pystate.c`): one world
 * per heap, groups (interpreters) in it, participants (the shared part of a
 * thread state) in each group, all linked under the world's HEAD_LOCK as
 * CPython links interpreters and thread states under `HEAD_LOCK(runtime)`.
 *
 * A {@link Participant} is the thread-local handle of a participant record:
 * only its owning thread uses it, and that thread has at most one current
 * participant at a time (`_Py_tss_tstate`), kept in this module's scope —
 * JavaScript module scope is thread-local. Attaching, detaching and
 * stopping the world are in the files above this one.
 */

import { criticalSectionResumeOnAttach, criticalSectionSuspendAll } from './critical-section.js';
import { fatalError, formatAddress } from './fatal.js';
import type { HeapContext } from './heap-context.js';
import {
  GROUP_COUNT_OFFSET,
  GROUP_ID_OFFSET,
  GROUP_NEXT_ID_OFFSET,
  GROUP_NEXT_OFFSET,
  GROUP_PARTICIPANTS_OFFSET,
  GROUP_SIZE,
  GROUP_STW_OFFSET,
  GROUP_TAG,
  GROUP_TAG_OFFSET,
  GROUP_VERSION_OFFSET,
  GROUP_WORLD_OFFSET,
  HEAP_WORLD_OFFSET,
  PARTICIPANT_EVAL_BREAKER_OFFSET,
  PARTICIPANT_GROUP_OFFSET,
  PARTICIPANT_ID_OFFSET,
  PARTICIPANT_NEXT_OFFSET,
  PARTICIPANT_PREV_OFFSET,
  PARTICIPANT_SIZE,
  PARTICIPANT_STATUS_OFFSET,
  PARTICIPANT_TAG,
  PARTICIPANT_TAG_OFFSET,
  PARTICIPANT_TID_OFFSET,
  STATUS_ATTACHED,
  STATUS_DETACHED,
  STATUS_SUSPENDED,
  STW_COUNTDOWN_OFFSET,
  STW_EVENT_OFFSET,
  STW_IS_GLOBAL_OFFSET,
  STW_REQUESTED_OFFSET,
  WORLD_GROUPS_HEAD_OFFSET,
  WORLD_HEAD_LOCK_OFFSET,
  WORLD_NEXT_GROUP_ID_OFFSET,
  WORLD_SIZE,
  WORLD_STW_OFFSET,
  WORLD_TAG,
  WORLD_TAG_OFFSET,
} from './layout.js';
import { LOCK_DONT_DETACH, mutexLockFlags, mutexUnlock } from './py-mutex.js';
import { eventNotify } from './py-event.js';
import { regionAlloc, regionFree } from './region-allocator.js';

/**
 * What a participant's thread runs around each detach and attach, added by
 * the layers above (QSBR going offline and online; the GIL, which must be
 * taken before ATTACHED, is an {@link AttachGate} instead): `detach` runs after the critical sections are suspended and before
 * the status says DETACHED; `attach` runs after the status says ATTACHED and
 * before the top critical section is resumed.
 * @beta
 */
export interface ParticipantHooks {
  /** Called as the participant detaches (also around every blocking wait). */
  readonly detach: (p: Participant) => void;
  /** Called as it attaches again. */
  readonly attach: (p: Participant) => void;
}

/**
 * What a participant passes on its way in and out of ATTACHED, for a lock
 * that decides who may be attached at all: the GIL (CPython
 * `_PyEval_AcquireLock` / `_PyEval_ReleaseLock` in `_PyThreadState_Attach`
 * and `detach_thread`). Unlike {@link ParticipantHooks}, the gate is passed
 * while the status is not ATTACHED: `acquire` runs before the status CAS to
 * ATTACHED, `release` after the status left it. So a stop-the-world never
 * waits for a thread blocked in `acquire` (it is DETACHED, and is simply
 * parked as SUSPENDED), and a thread parked by a stop never holds the gate.
 * Null on a participant (the default, and the free-threaded build) costs
 * attach and detach one null check.
 * @beta
 */
export interface AttachGate {
  /**
   * Called before the participant becomes ATTACHED (`take_gil`); may block
   * (parking without the detach hook: the participant is not attached).
   */
  acquire(p: Participant): void;
  /**
   * Called after the participant stopped being ATTACHED (`drop_gil`), and
   * when `attach` finds it SUSPENDED after `acquire` (it releases, waits for
   * the world to restart without holding the gate, and acquires again).
   */
  release(p: Participant): void;
  /**
   * Called once the participant is ATTACHED: false when it must not stay
   * attached and `attach` has to detach, release and try again (CPython:
   * the GIL was enabled between `_PyEval_AcquireLock`, which found it
   * disabled, and the attach).
   */
  admitted(p: Participant): boolean;
}

/**
 * Handles a set eval-breaker bit at a safe point (`_Py_HandlePending`'s
 * branches); the bit is cleared before the handler runs.
 * @beta
 */
export type EvalBreakerHandler = (p: Participant) => void;

/**
 * One thread's handle of a participant record: the shared part of a thread
 * state (status word, eval-breaker word) plus what only its thread knows
 * (the hooks of the layers above, the eval-breaker handlers, the safe-point
 * countdown). Made by {@link participantCreate} on the thread that owns it.
 * @public
 */
export class Participant {
  /** The owning thread's heap context. */
  readonly heap: HeapContext;
  /** Address of the participant record. */
  readonly address: number;
  /** Address of its group record. */
  readonly group: number;
  /** Its id in the group (≥ 1; CPython's `tstate->id`). */
  readonly id: number;
  /** `i32` index of the status word. */
  readonly statusIndex: number;
  /** `i32` index of the eval-breaker word. */
  readonly breakerIndex: number;
  /** Safe points left before {@link pollSafePoint} loads the eval breaker again. */
  pollCountdown: number;
  /** Hooks of the layers above, in the order they were added. @beta */
  readonly hooks: ParticipantHooks[] = [];
  /** The attach gate (the GIL), or null: see {@link AttachGate}. Set by its owner thread only, while detached. @beta */
  gate: AttachGate | null = null;
  /** Handlers by event bit number (0–7); null where none is registered. @beta */
  readonly handlers: (EvalBreakerHandler | null)[] = [null, null, null, null, null, null, null, null];
  /** Set while a blocking wait has detached this participant through the heap's hooks. @internal */
  detachedByWait = false;

  /** @internal */
  constructor(heap: HeapContext, address: number, group: number, id: number) {
    this.heap = heap;
    this.address = address;
    this.group = group;
    this.id = id;
    this.statusIndex = (address + PARTICIPANT_STATUS_OFFSET) >>> 2;
    this.breakerIndex = (address + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2;
    this.pollCountdown = 1;
  }
}

/** The calling thread's current participant (`_Py_tss_tstate`); module scope is thread-local. */
let current: Participant | null = null;

/**
 * The calling thread's current participant, or null (`_PyThreadState_GET`).
 * @public
 */
export function currentParticipant(): Participant | null {
  return current;
}

/** Makes `p` (or nobody) the calling thread's current participant. @internal */
export function setCurrentParticipant(p: Participant | null): void {
  current = p;
}

/**
 * The heap's world record, created on first use (every thread finds the same
 * one through the heap header: a CAS from 0 publishes it, and a thread that
 * loses the race frees its own).
 * @public
 */
export function worldOf(heap: HeapContext): number {
  const index = HEAP_WORLD_OFFSET >>> 2;
  // CPython: acquire — a non-zero address was published after its record was written.
  const world = Atomics.load(heap.u32, index);
  if (world !== 0) return world;
  return worldCreateSlow(heap);
}

function worldCreateSlow(heap: HeapContext): number {
  const mine = regionAlloc(heap, WORLD_SIZE, 64);
  if (mine === 0) fatalError('out of shared memory for the world record');
  // SAFETY: the region is zeroed and unpublished until the CAS below.
  heap.u32[(mine + WORLD_TAG_OFFSET) >>> 2] = WORLD_TAG;
  heap.u32[(mine + WORLD_STW_OFFSET + STW_IS_GLOBAL_OFFSET) >>> 2] = 1;
  const seen = Atomics.compareExchange(heap.u32, HEAP_WORLD_OFFSET >>> 2, 0, mine);
  if (seen === 0) return mine;
  regionFree(heap, mine, WORLD_SIZE);
  return seen;
}

/** Takes the world's HEAD_LOCK without detaching (`HEAD_LOCK`: `_Py_LOCK_DONT_DETACH`). @internal */
export function headLock(heap: HeapContext, world: number): void {
  mutexLockFlags(heap, world + WORLD_HEAD_LOCK_OFFSET, LOCK_DONT_DETACH);
}

/** Releases the world's HEAD_LOCK. @internal */
export function headUnlock(heap: HeapContext, world: number): void {
  mutexUnlock(heap, world + WORLD_HEAD_LOCK_OFFSET);
}

/**
 * Creates a group (an interpreter's share of the world: its participant list
 * and its own stop-the-world) and returns its address.
 * @example
 * ```ts
 * const group = groupCreate(heap);              // e.g. once per interpreter
 * new Worker(url, { workerData: { heap: heap.handle(), group } });
 * ```
 * @public
 */
export function groupCreate(heap: HeapContext): number {
  const world = worldOf(heap);
  const group = regionAlloc(heap, GROUP_SIZE, 64);
  if (group === 0) fatalError('out of shared memory for a world group');
  const u32 = heap.u32;
  headLock(heap, world);
  // SAFETY: HEAD_LOCK guards the group list and the id counter; the new
  // record is unpublished until it is linked in.
  const id = u32[(world + WORLD_NEXT_GROUP_ID_OFFSET) >>> 2] + 1;
  u32[(world + WORLD_NEXT_GROUP_ID_OFFSET) >>> 2] = id;
  u32[(group + GROUP_ID_OFFSET) >>> 2] = id;
  u32[(group + GROUP_WORLD_OFFSET) >>> 2] = world;
  u32[(group + GROUP_NEXT_OFFSET) >>> 2] = u32[(world + WORLD_GROUPS_HEAD_OFFSET) >>> 2];
  u32[(group + GROUP_TAG_OFFSET) >>> 2] = GROUP_TAG;
  u32[(world + WORLD_GROUPS_HEAD_OFFSET) >>> 2] = group;
  headUnlock(heap, world);
  return group;
}

/**
 * Deletes an empty group. Fatal if participants remain or a stop of it is
 * under way.
 * @public
 */
export function groupDelete(heap: HeapContext, group: number): void {
  const world = checkGroup(heap, group);
  const u32 = heap.u32;
  headLock(heap, world);
  // SAFETY: under HEAD_LOCK (group list, participant list, STW fields).
  const count = u32[(group + GROUP_COUNT_OFFSET) >>> 2];
  const stopping = Atomics.load(heap.i32, (group + GROUP_STW_OFFSET + STW_REQUESTED_OFFSET) >>> 2) !== 0;
  if (count !== 0 || stopping) {
    headUnlock(heap, world);
    fatalError(`world group ${groupId(heap, group)} at ${formatAddress(group)} cannot be deleted: ${count !== 0 ? `${count} participant(s) remain` : 'a stop-the-world of it is under way'}`);
  }
  let link = (world + WORLD_GROUPS_HEAD_OFFSET) >>> 2;
  while (u32[link] !== group) link = (u32[link] + GROUP_NEXT_OFFSET) >>> 2;
  u32[link] = u32[(group + GROUP_NEXT_OFFSET) >>> 2];
  u32[(group + GROUP_TAG_OFFSET) >>> 2] = 0;
  headUnlock(heap, world);
  regionFree(heap, group, GROUP_SIZE);
}

/**
 * A group's id, for messages. SAFETY: written once before the group is
 * published and never changed, so a plain read is exact.
 * @internal
 */
export function groupId(heap: HeapContext, group: number): number {
  return heap.u32[(group + GROUP_ID_OFFSET) >>> 2];
}

/** Fails fast on an address that is not a live group of this heap's world; returns the world. @internal */
export function checkGroup(heap: HeapContext, group: number): number {
  if (!Number.isInteger(group) || group <= 0 || (group & 63) !== 0 || group + GROUP_SIZE > heap.size) {
    fatalError(`${String(group)} is not the address of a world group`);
  }
  // SAFETY: the tag is written before the group is published and cleared only at delete.
  if (heap.u32[(group + GROUP_TAG_OFFSET) >>> 2] !== GROUP_TAG) fatalError(`no live world group at ${formatAddress(group)}`);
  return heap.u32[(group + GROUP_WORLD_OFFSET) >>> 2];
}

/**
 * Creates a participant of `group` owned by the calling thread
 * (`new_threadstate` + `bind_tstate`) and makes it the thread's current one;
 * it starts DETACHED, or SUSPENDED if a stop-the-world of its group (or a
 * global one) is under way, so that it cannot run during the pause (CPython
 * 3.14). Its eval breaker starts with the group's instrumentation version.
 * Fatal if the thread already has a current participant.
 * @example
 * ```ts
 * // in a worker
 * const heap = SharedHeap.attach(workerData.heap);
 * const p = participantCreate(heap, workerData.group);
 * attach(p);
 * // ... run, calling pollSafePoint(p) in loops ...
 * detach(p);
 * participantDelete(p);
 * ```
 * @public
 */
export function participantCreate(heap: HeapContext, group: number): Participant {
  const world = checkGroup(heap, group);
  if (current !== null) fatalError(`thread ${heap.tid} already has participant ${current.id} of group at ${formatAddress(current.group)}`);
  const address = regionAlloc(heap, PARTICIPANT_SIZE, 64);
  if (address === 0) fatalError('out of shared memory for a world participant');
  const { u32, i32 } = heap;
  headLock(heap, world);
  // SAFETY: under HEAD_LOCK (the group's list, count and id, the STW
  // fields); the record is unpublished until it is linked in.
  const count = u32[(group + GROUP_COUNT_OFFSET) >>> 2] + 1;
  u32[(group + GROUP_COUNT_OFFSET) >>> 2] = count;
  const head = u32[(group + GROUP_PARTICIPANTS_OFFSET) >>> 2];
  const id = u32[(group + GROUP_NEXT_ID_OFFSET) >>> 2] + 1;
  u32[(group + GROUP_NEXT_ID_OFFSET) >>> 2] = id;
  u32[(address + PARTICIPANT_TID_OFFSET) >>> 2] = heap.tid;
  u32[(address + PARTICIPANT_GROUP_OFFSET) >>> 2] = group;
  u32[(address + PARTICIPANT_ID_OFFSET) >>> 2] = id;
  u32[(address + PARTICIPANT_NEXT_OFFSET) >>> 2] = head;
  u32[(address + PARTICIPANT_TAG_OFFSET) >>> 2] = PARTICIPANT_TAG;
  if (head !== 0) u32[(head + PARTICIPANT_PREV_OFFSET) >>> 2] = address;
  u32[(group + GROUP_PARTICIPANTS_OFFSET) >>> 2] = address;
  const status = stopRequested(heap, world, group) ? STATUS_SUSPENDED : STATUS_DETACHED;
  Atomics.store(i32, (address + PARTICIPANT_STATUS_OFFSET) >>> 2, status);
  Atomics.store(i32, (address + PARTICIPANT_EVAL_BREAKER_OFFSET) >>> 2, Atomics.load(i32, (group + GROUP_VERSION_OFFSET) >>> 2));
  headUnlock(heap, world);
  const p = new Participant(heap, address, group, id);
  current = p;
  return p;
}

/**
 * Deletes the calling thread's participant (`tstate_delete_common`): it
 * must be detached (or suspended). If a stop-the-world of its group is
 * waiting for it, it is counted down, so that the stop does not wait for a
 * thread that is gone.
 * @public
 */
export function participantDelete(p: Participant): void {
  const heap = p.heap;
  const { u32, i32 } = heap;
  const world = checkParticipant(p);
  if (current !== p) fatalError(`participant ${p.id} is not the current participant of thread ${heap.tid}`);
  const status = Atomics.load(i32, p.statusIndex);
  if (status === STATUS_ATTACHED) fatalError(`participant ${p.id} (thread ${heap.tid}) is deleted while ATTACHED; detach it first`);
  headLock(heap, world);
  // SAFETY: under HEAD_LOCK (the lists and the STW countdowns).
  const next = u32[(p.address + PARTICIPANT_NEXT_OFFSET) >>> 2];
  const prev = u32[(p.address + PARTICIPANT_PREV_OFFSET) >>> 2];
  if (prev === 0) u32[(p.group + GROUP_PARTICIPANTS_OFFSET) >>> 2] = next;
  else u32[(prev + PARTICIPANT_NEXT_OFFSET) >>> 2] = next;
  if (next !== 0) u32[(next + PARTICIPANT_PREV_OFFSET) >>> 2] = prev;
  u32[(p.group + GROUP_COUNT_OFFSET) >>> 2]--;
  u32[(p.address + PARTICIPANT_TAG_OFFSET) >>> 2] = 0;
  // A stop that counted this participant and has not seen it stop yet
  // must not wait for it. Only a DETACHED one is still owed: a SUSPENDED one
  // was counted down when it stopped, and a SHUTTING_DOWN one either was
  // never counted (it was shutting down when the stop began) or was counted
  // down by shutDown.
  if (Atomics.load(i32, (p.address + PARTICIPANT_STATUS_OFFSET) >>> 2) === STATUS_DETACHED) {
    const stw = activeStop(heap, world, p.group);
    if (stw !== 0) countDown(heap, stw, 1);
  }
  headUnlock(heap, world);
  current = null;
  // Blocking waits go back to suspending critical sections only.
  heap.detachHook = criticalSectionSuspendAll;
  heap.attachHook = criticalSectionResumeOnAttach;
  regionFree(heap, p.address, PARTICIPANT_SIZE);
}

/** Fails fast on a deleted or foreign participant; returns its world. @internal */
export function checkParticipant(p: Participant): number {
  // SAFETY: the tag is written before publication and cleared only at delete, by the owner.
  if (p.heap.u32[(p.address + PARTICIPANT_TAG_OFFSET) >>> 2] !== PARTICIPANT_TAG) {
    fatalError(`participant ${p.id} at ${formatAddress(p.address)} has been deleted`);
  }
  return p.heap.u32[(p.group + GROUP_WORLD_OFFSET) >>> 2];
}

/**
 * Whether a stop-the-world that covers `group` is requested. SAFETY: HEAD_LOCK held.
 * @internal
 */
export function stopRequested(heap: HeapContext, world: number, group: number): boolean {
  return activeStop(heap, world, group) !== 0;
}

/**
 * The STW record of the stop that covers `group` (the global one first, as
 * CPython's `_PyThreadState_Suspend` looks), or 0. SAFETY: HEAD_LOCK held.
 * @internal
 */
export function activeStop(heap: HeapContext, world: number, group: number): number {
  const i32 = heap.i32;
  const global = world + WORLD_STW_OFFSET;
  if (Atomics.load(i32, (global + STW_REQUESTED_OFFSET) >>> 2) !== 0) return global;
  const own = group + GROUP_STW_OFFSET;
  if (Atomics.load(i32, (own + STW_REQUESTED_OFFSET) >>> 2) !== 0) return own;
  return 0;
}

/**
 * Counts `n` stopped participants off a stop's countdown and wakes its
 * requester when none is left. SAFETY: HEAD_LOCK held (the countdown is plain).
 * @internal
 */
export function countDown(heap: HeapContext, stw: number, n: number): void {
  const index = (stw + STW_COUNTDOWN_OFFSET) >>> 2;
  const left = heap.i32[index] - n;
  heap.i32[index] = left;
  if (left === 0) eventNotify(heap, stw + STW_EVENT_OFFSET);
}
