/**
 * Attaching and detaching participants (CPython `_PyThreadState_Attach`,
 * `detach_thread`, `_PyThreadState_Detach`, `_PyThreadState_Suspend`). A
 * participant is ATTACHED while its thread runs runtime code and DETACHED
 * while it blocks or idles; a stop-the-world only has to wait for attached
 * ones. Every detaching wait of this package (PyMutex, event, once flag, RW
 * mutex) goes through the heap's blocking hooks, which detach the thread's
 * current participant for the duration of the wait and attach it again after.
 *
 * Detach order, as CPython's: suspend the critical sections, run the layers'
 * detach hooks (QSBR offline), publish the new status, release the gate (the
 * GIL). Attach order: pass the gate (take the GIL), win the status CAS
 * (parking while SUSPENDED until the world restarts, without the GIL), run
 * the layers' attach hooks, resume the top critical section.
 */

import { criticalSectionResumeOnAttach, criticalSectionSuspendAll } from './critical-section.js';
import { fatalError, formatAddress } from './fatal.js';
import type { HeapContext } from './heap-context.js';
import { PARTICIPANT_TAG, PARTICIPANT_TAG_OFFSET, STATUS_ATTACHED, STATUS_DETACHED, STATUS_SHUTTING_DOWN, STATUS_SUSPENDED } from './layout.js';
import { park } from './parking-lot.js';
import { activeStop, checkParticipant, countDown, currentParticipant, headLock, headUnlock, type AttachGate, type Participant } from './world-state.js';

const STATUS_NAMES = ['DETACHED', 'ATTACHED', 'SUSPENDED', 'SHUTTING_DOWN'];

/** A status word's name for messages. @internal */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `invalid status ${status}`;
}

/**
 * Attaches the calling thread's participant (`_PyThreadState_Attach`): it
 * may run runtime code until it detaches. If a stop-the-world has suspended
 * it, this blocks (parked, using no CPU) until the world restarts. Fatal if
 * `p` is not the thread's current participant or is already attached.
 * @public
 */
export function attach(p: Participant): void {
  const heap = p.heap;
  // SAFETY: the tag is written before the record is published and cleared
  // only by its owner, this thread, at delete.
  if (currentParticipant() !== p || heap.u32[(p.address + PARTICIPANT_TAG_OFFSET) >>> 2] !== PARTICIPANT_TAG) checkOwnParticipant(p);
  const gate = p.gate;
  if (gate !== null) attachGated(p, gate);
  else if (Atomics.compareExchange(heap.i32, p.statusIndex, STATUS_DETACHED, STATUS_ATTACHED) !== STATUS_DETACHED) attachSlow(p);
  afterAttach(p);
}

/**
 * `_PyThreadState_Attach`'s loop with a gate (the GIL): acquire, then CAS to
 * ATTACHED; retry if the gate does not admit the attached participant
 * (the GIL was enabled meanwhile). A stop is waited out without the gate:
 * before acquiring if it is already under way, and by releasing it if the
 * CAS finds the participant SUSPENDED after acquiring — so that a thread
 * parked by a stop never holds the GIL, and the requester (or whoever runs
 * during the pause) can take it.
 */
function attachGated(p: Participant, gate: AttachGate): void {
  const i32 = p.heap.i32;
  const index = p.statusIndex;
  for (;;) {
    // SAFETY: a plain read as a hint (a stop may change the status at any
    // time): the CAS below re-validates it, and the wait reads it with Atomics.
    if (i32[index] !== STATUS_DETACHED) waitWhileSuspended(p);
    gate.acquire(p);
    const status = Atomics.compareExchange(i32, index, STATUS_DETACHED, STATUS_ATTACHED);
    if (status === STATUS_DETACHED) {
      if (gate.admitted(p)) return;
      // CPython: `tstate_set_detached(tstate, _Py_THREAD_DETACHED)` and retry.
      // Only we change an ATTACHED status, and a stop that saw us attached
      // parks us at its next re-scan.
      Atomics.store(i32, index, STATUS_DETACHED);
    }
    gate.release(p);
    if (status !== STATUS_DETACHED && status !== STATUS_SUSPENDED) cannotAttach(p, status);
  }
}

/** Parks while the participant is SUSPENDED (`tstate_wait_attach`'s wait); fatal unless it ends DETACHED. */
function waitWhileSuspended(p: Participant): void {
  const index = p.statusIndex;
  for (;;) {
    const status = Atomics.load(p.heap.i32, index);
    if (status === STATUS_DETACHED) return;
    if (status !== STATUS_SUSPENDED) cannotAttach(p, status);
    park(p.heap, index << 2, STATUS_SUSPENDED, 4, -1, 0, false);
  }
}

function cannotAttach(p: Participant, status: number): never {
  if (status === STATUS_SHUTTING_DOWN) hangThread(p);
  fatalError(`participant ${p.id} (thread ${p.heap.tid}) cannot attach: it is ${statusName(status)}`);
}

/**
 * A thread of a finalizing interpreter that tries to attach
 * (`_PyThreadState_MustExit` → `PyThread_hang_thread`, CPython 3.14): it
 * never runs runtime code again, and sleeps (parked, no CPU) until its
 * worker is terminated.
 */
function hangThread(p: Participant): never {
  for (;;) park(p.heap, p.statusIndex << 2, STATUS_SHUTTING_DOWN, 4, -1, 0, false);
}

function attachSlow(p: Participant): void {
  const heap = p.heap;
  const i32 = heap.i32;
  const index = p.statusIndex;
  for (;;) {
    const status = Atomics.compareExchange(i32, index, STATUS_DETACHED, STATUS_ATTACHED);
    if (status === STATUS_DETACHED) return;
    if (status !== STATUS_SUSPENDED) cannotAttach(p, status);
    // `tstate_wait_attach`: sleep until start-the-world stores DETACHED and
    // unparks us. Not detaching: we are not attached.
    park(heap, index << 2, STATUS_SUSPENDED, 4, -1, 0, false);
  }
}

function afterAttach(p: Participant): void {
  const hooks = p.hooks;
  for (let i = 0; i < hooks.length; i++) hooks[i].attach(p);
  const heap = p.heap;
  if (heap.detachHook !== worldDetachHook) installWorldHooks(heap);
  criticalSectionResumeOnAttach(heap);
}

/**
 * Detaches the calling thread's participant (`_PyThreadState_Detach`):
 * suspends its critical sections, runs the layers' detach hooks and
 * publishes DETACHED, after which a stop-the-world no longer waits for it;
 * then releases its gate (drops the GIL). Fatal if it is not attached.
 * @public
 */
export function detach(p: Participant): void {
  beforeDetach(p);
  Atomics.store(p.heap.i32, p.statusIndex, STATUS_DETACHED);
  const gate = p.gate;
  if (gate !== null) gate.release(p);
}

function beforeDetach(p: Participant): void {
  // SAFETY: a plain read is exact for "ATTACHED": while a participant is
  // attached only its owner, this thread, changes its status (a stopper
  // CASes it only from DETACHED). Any other value sends us to the misuse
  // path, which reads it again with Atomics.
  if (p.heap.i32[p.statusIndex] !== STATUS_ATTACHED) detachMisuse(p);
  criticalSectionSuspendAll(p.heap);
  const hooks = p.hooks;
  for (let i = hooks.length - 1; i >= 0; i--) hooks[i].detach(p);
}

function detachMisuse(p: Participant): never {
  checkOwnParticipant(p);
  const status = Atomics.load(p.heap.i32, p.statusIndex);
  fatalError(`participant ${p.id} (thread ${p.heap.tid}) cannot detach: it is ${statusName(status)}, not ATTACHED`);
}

/**
 * Answers a stop request (`_PyThreadState_Suspend`): detaches to SUSPENDED
 * and counts the participant off the stop's countdown, or detaches plainly
 * if no stop covers it any more. The caller then calls {@link attach},
 * which blocks until the world restarts.
 *
 * Departure from CPython, which looks for the stop and detaches in two
 * steps: the status is published under HEAD_LOCK together with the
 * countdown, so that a stop abandoned on its timeout in between cannot leave
 * this participant SUSPENDED with nobody to restart it. The gate (the GIL)
 * is released after HEAD_LOCK, as the status is already published; CPython
 * drops the GIL just before counting down.
 * @public
 */
export function suspend(p: Participant): void {
  beforeDetach(p);
  const heap = p.heap;
  const world = checkParticipant(p);
  headLock(heap, world);
  const stw = activeStop(heap, world, p.group);
  Atomics.store(heap.i32, p.statusIndex, stw === 0 ? STATUS_DETACHED : STATUS_SUSPENDED);
  if (stw !== 0) countDown(heap, stw, 1);
  headUnlock(heap, world);
  const gate = p.gate;
  if (gate !== null) gate.release(p);
}

/**
 * Marks the calling thread's participant as finalizing
 * (`_Py_THREAD_SHUTTING_DOWN`, CPython 3.14): it may never attach again.
 * It must be detached (or suspended by a stop).
 * @public
 */
export function shutDown(p: Participant): void {
  checkOwnParticipant(p);
  const heap = p.heap;
  const world = checkParticipant(p);
  headLock(heap, world);
  // From DETACHED, or from SUSPENDED if a stop parked it meanwhile (the
  // thread cannot prevent that race); a stop's start leaves it alone then.
  let seen = Atomics.compareExchange(heap.i32, p.statusIndex, STATUS_DETACHED, STATUS_SHUTTING_DOWN);
  if (seen === STATUS_SUSPENDED) seen = Atomics.compareExchange(heap.i32, p.statusIndex, STATUS_SUSPENDED, STATUS_SHUTTING_DOWN);
  // A stop that counted this detached participant will never park it now
  // (a suspended one was counted down when it was parked).
  const stw = seen === STATUS_DETACHED ? activeStop(heap, world, p.group) : 0;
  if (stw !== 0) countDown(heap, stw, 1);
  headUnlock(heap, world);
  if (seen !== STATUS_DETACHED && seen !== STATUS_SUSPENDED) {
    fatalError(`participant ${p.id} (thread ${heap.tid}) cannot shut down: it is ${statusName(seen)}, not DETACHED`);
  }
}

/** The participant's status word (a snapshot): `STATUS_DETACHED`, `…_ATTACHED`, `…_SUSPENDED` or `…_SHUTTING_DOWN`. @public */
export function participantStatus(p: Participant): number {
  return Atomics.load(p.heap.i32, p.statusIndex);
}

/**
 * The heap's detach hook while the thread has a participant: a detaching
 * wait detaches the attached participant (critical sections included) and
 * the attach hook attaches it again; without one, the critical sections
 * alone are suspended and resumed, as by default.
 */
function worldDetachHook(heap: HeapContext): void {
  const p = currentParticipant();
  if (p !== null && p.heap === heap && Atomics.load(heap.i32, p.statusIndex) === STATUS_ATTACHED) {
    detach(p);
    p.detachedByWait = true;
  } else {
    criticalSectionSuspendAll(heap);
  }
}

function worldAttachHook(heap: HeapContext): void {
  const p = currentParticipant();
  if (p !== null && p.heap === heap && p.detachedByWait) {
    p.detachedByWait = false;
    attach(p);
  } else {
    criticalSectionResumeOnAttach(heap);
  }
}

function installWorldHooks(heap: HeapContext): void {
  heap.detachHook = worldDetachHook;
  heap.attachHook = worldAttachHook;
}

/** Fatal unless `p` is a live participant and the calling thread's current one. */
function checkOwnParticipant(p: Participant): void {
  checkParticipant(p);
  if (currentParticipant() !== p) {
    fatalError(`participant ${p.id} at ${formatAddress(p.address)} is not the current participant of thread ${p.heap.tid}`);
  }
}
