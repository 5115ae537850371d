/**
 * A thread state's layers (`_PyThreadStateImpl`, `pystate.c`'s
 * `new_threadstate`, `PyThreadState_Clear` and `tstate_delete_common`):
 * the thread's participant in the world, its QSBR slot, its mimalloc
 * heaps, its allocator domains, its biased-refcount record and merge
 * queue, its collector context and its object context — made in the order
 * the lower layers need, and taken apart in CPython's free-threaded order.
 *
 * A JavaScript thread has at most one thread state at a time (the
 * participant is the thread's current one). A pooled worker makes one per
 * Python thread it runs and deletes it when the thread ends, so that
 * nothing a thread held (its heaps' pages, its QSBR slot, its records, its
 * argument stack) outlives it.
 */

import { attach, detach, participantCreate, participantDelete, participantStatus, STATUS_ATTACHED, type Participant, type ParticipantHooks, type SharedHeap } from '@ft/atomics';
import { gcThreadExit, gcThreadInit, type GcThread } from '@ft/gc';
import { miThreadExit, miThreadInit } from '@ft/mimalloc';
import { createAllocatorDomains, registerDelayedFree, type AllocatorDomains, type DelayedFreeIds } from '@ft/obmalloc';
import { FreeCallbackRegistry, qsbrAttach, qsbrDetach, qsbrRegister, qsbrUnregister, type QsbrThread } from '@ft/qsbr';
import { processMergeQueue, rcThreadExit, rcThreadInit, type BehaviourRegistry, type RcThread } from '@ft/refcount';
import { argsRelease } from './call.js';
import { errClear } from './errors.js';
import { floatClearFreeList } from './float.js';
import { intClearFreeList } from './int.js';
import { typeCacheRelease } from './method-cache.js';
import { recycleTypeCache, type ObThread } from './ob-thread.js';
import type { ObjectsRegistration } from './objects-lifecycle.js';

/** One thread state of a runtime, on the JavaScript thread that made it. @public */
export interface ObjectsThreadState {
  /** The thread's context for the object functions (`listAppend(ts.t, …)`). */
  readonly t: ObThread;
  /** The thread's reference counting. */
  readonly rc: RcThread;
  /** The thread's collector (`gcCollect(ts.gt)`). */
  readonly gt: GcThread;
  /** The thread's QSBR slot. */
  readonly qsbr: QsbrThread;
  /** The thread's participant in the world. */
  readonly participant: Participant;
  /** Detaches the thread state around a blocking wait or while idle (`PyEval_SaveThread`). */
  detach(): void;
  /** Attaches it again (`PyEval_RestoreThread`). */
  attach(): void;
  /**
   * Clears and deletes the thread state (`PyThreadState_Clear` +
   * `_PyThreadState_DeleteCurrent`), attached or detached. Its objects stay
   * in the heap; what it held for itself goes back.
   */
  delete(): void;
}

/** The addresses a thread state joins (an objects runtime's handle, less the objects state). @internal */
export interface ThreadStateRoots {
  readonly mi: number;
  readonly group: number;
  readonly gc: number;
  readonly qsbr: number;
  readonly allocator: 'mimalloc' | 'mimalloc_debug';
}

/** The layers below the objects of one new thread state, attached. @internal */
export interface ThreadLayers {
  readonly participant: Participant;
  readonly rc: RcThread;
  readonly gt: GcThread;
  readonly qsbr: QsbrThread;
  readonly freeIds: DelayedFreeIds;
  /** The participant hooks that keep QSBR's online state with the attach state. */
  readonly qsbrHooks: ParticipantHooks;
}

/**
 * Makes a thread state's layers below the objects, attached, in the
 * prescribed order (`new_threadstate` + `_PyThreadState_Bind`): the
 * participant, QSBR (mimalloc takes the slot, so that freed object pages
 * are reused only for their size class until no lock-free reader can hold
 * them: DESIGN.md §5), the mimalloc heaps, the domains, the refcount
 * record, the collector. `rcState` is the refcount state's address. A
 * failed setup leaves no participant behind.
 * @internal
 */
export function threadLayersOpen(heap: SharedHeap, roots: ThreadStateRoots, rcState: number, behaviours: BehaviourRegistry, registration: ObjectsRegistration): ThreadLayers {
  const participant = participantCreate(heap, roots.group);
  attach(participant);
  try {
    const freeCallbacks = new FreeCallbackRegistry();
    let domains: AllocatorDomains | null = null;
    const freeIds = registerDelayedFree(freeCallbacks, () => domains!);
    const qsbr = qsbrRegister(heap, roots.qsbr, freeCallbacks);
    qsbrAttach(qsbr);
    // Every detach takes the thread off QSBR (`_PyThreadState_Detach` → `_Py_qsbr_detach`), the
    // blocking waits' too (a join, a lock): a thread parked for long never holds back reclamation.
    const hooks = qsbrHooks(qsbr);
    participant.hooks.push(hooks);
    const miThread = miThreadInit(heap, roots.mi, qsbr);
    domains = createAllocatorDomains(heap, roots.allocator, { mi: miThread });
    const rc = rcThreadInit(heap, rcState, behaviours, { mi: miThread, participant, domains });
    const gt = gcThreadInit(rc, roots.gc, behaviours, registration.gcHooks, qsbr);
    return { participant, rc, gt, qsbr, freeIds, qsbrHooks: hooks };
  } catch (error) {
    detach(participant);
    participantDelete(participant);
    throw error;
  }
}

/** The participant hooks that take a thread off QSBR while it is detached, and back on after. */
function qsbrHooks(qsbr: QsbrThread): ParticipantHooks {
  return {
    detach: () => qsbrDetach(qsbr),
    attach: () => qsbrAttach(qsbr),
  };
}

/**
 * A thread state over `layers` and the object context `t` made on them.
 * @internal
 */
export function threadStateOf(layers: ThreadLayers, t: ObThread): ObjectsThreadState {
  const { participant, rc, gt, qsbr } = layers;
  let deleted = false;
  return {
    t,
    rc,
    gt,
    qsbr,
    participant,
    detach() {
      detach(participant);
    },
    attach() {
      attach(participant);
    },
    delete() {
      if (deleted) throw new TypeError('ObjectsThreadState.delete: the thread state was deleted already');
      deleted = true;
      threadStateClear(layers, t);
    },
  };
}

/**
 * `PyThreadState_Clear` then `tstate_delete_common`, in CPython's
 * free-threaded order: the thread's own references (current exception,
 * type cache, argument stack) and free lists; the collector's buffered
 * count; the per-thread refcounts merged, the thread removed from the
 * biased-refcount table (its merge queue drained) and its reference total
 * merged; its delayed frees handed to the interpreter queue and its QSBR
 * slot released; its mimalloc heaps abandoned; then it detaches and is
 * unlinked (a stop waiting for it is counted down).
 *
 * Departure: CPython abandons the delayed frees before the heaps and
 * releases the QSBR slot after unlinking; `qsbrUnregister` does both at
 * once, before the heaps — nothing in between reads the slot (the heaps'
 * empty pages take their QSBR goal from the shared sequence).
 */
function threadStateClear(layers: ThreadLayers, t: ObThread): void {
  const { participant, rc, gt, qsbr } = layers;
  if (participantStatus(participant) !== STATUS_ATTACHED) attach(participant);
  errClear(t);
  // What other threads released of ours dies first, while everything the deallocations may use
  // (finalizers and weakref callbacks run Python code) is still in place.
  while (processMergeQueue(rc) !== 0) errClear(t);
  typeCacheRelease(t);
  argsRelease(t);
  floatClearFreeList(t);
  intClearFreeList(t);
  gcThreadExit(gt);
  rcThreadExit(rc);
  // An object queued in the meantime may have died in the exit's last merge and refilled these.
  errClear(t);
  typeCacheRelease(t);
  floatClearFreeList(t);
  intClearFreeList(t);
  // The slot goes: the detach below must not take it offline again.
  participant.hooks.splice(participant.hooks.indexOf(layers.qsbrHooks), 1);
  qsbrUnregister(qsbr);
  miThreadExit(rc.mi!);
  detach(participant);
  participantDelete(participant);
  recycleTypeCache(t);
}
