/**
 * A whole runtime for the object layer in one call, for users who want
 * shared Python objects from JavaScript without the interpreter (and for
 * this package's tests): one heap, the world, QSBR, the allocator domains,
 * reference counting, the collector and the objects, built in the order
 * objects-lifecycle.ts prescribes. {@link createObjectsRuntime} builds it
 * on one thread; {@link joinObjectsRuntime} attaches another (a worker)
 * from `runtime.handle`, which crosses `postMessage` / `workerData`.
 */

import { attach, detach, groupCreate, participantCreate, participantDelete, participantStatus, SharedHeap, STATUS_ATTACHED, type Participant, type SharedHeapHandle } from '@ft/atomics';
import { gcCreate, gcThreadExit, gcThreadInit, type GcThread } from '@ft/gc';
import { miCreate, miThreadExit, miThreadInit } from '@ft/mimalloc';
import { createAllocatorDomains, registerDelayedFree, type AllocatorDomains } from '@ft/obmalloc';
import { FreeCallbackRegistry, qsbrAttach, qsbrCreate, qsbrDetach, qsbrRegister, qsbrUnregister, type QsbrThread } from '@ft/qsbr';
import { BehaviourRegistry, rcCreate, rcThreadExit, rcThreadInit, type RcThread } from '@ft/refcount';
import type { ObThread } from './ob-thread.js';
import { floatClearFreeList } from './float.js';
import { intClearFreeList } from './int.js';
import { typeCacheRelease } from './method-cache.js';
import { objectsCreate, objectsRegister, objectsThreadInit } from './objects-lifecycle.js';
import type { SlotRegistry } from './slot-registry.js';

/** What a worker needs to join: addresses and the heap's handle (structured-clonable). @public */
export interface ObjectsRuntimeHandle {
  /** The shared heap's handle. */
  heap: SharedHeapHandle;
  /** Address of the mimalloc state. */
  mi: number;
  /** Address of the world group (the interpreter) the threads join. */
  group: number;
  /** Address of the GC state. */
  gc: number;
  /** Address of the QSBR state. */
  qsbr: number;
  /** Address of the refcount state. */
  rc: number;
  /** Address of the objects state. */
  objects: number;
  /** The object allocator every thread uses. */
  allocator: 'mimalloc' | 'mimalloc_debug';
}

/** A thread's view of an objects runtime. @public */
export interface ObjectsRuntime {
  /** The shared heap. */
  readonly heap: SharedHeap;
  /** The thread's context for the object functions (`listAppend(rt.t, …)`). */
  readonly t: ObThread;
  /** The thread's reference counting. */
  readonly rc: RcThread;
  /** The thread's collector (`gcCollect(rt.gt)`). */
  readonly gt: GcThread;
  /** The thread's QSBR slot: report quiescent states (`qsbrQuiescentState`) and process delayed frees (`processDelayed`) between batches of work. */
  readonly qsbr: QsbrThread;
  /** The thread's participant in the world. */
  readonly participant: Participant;
  /** What another thread joins with. */
  readonly handle: ObjectsRuntimeHandle;
  /** The creating thread: frees the whole heap. A joined thread: leaves the runtime (its objects stay). */
  close(): void;
  /**
   * Detaches the thread while it waits or idles (awaits workers, sleeps):
   * a stop-the-world (a collection on another thread) does not wait for it,
   * and QSBR does not wait for it to free replaced arrays (CPython's threads
   * detach around every blocking call). Call {@link ObjectsRuntime.attach}
   * before using objects again.
   */
  detach(): void;
  /** Attaches the thread again after {@link ObjectsRuntime.detach}. */
  attach(): void;
}

/** One thread's layers below the objects. */
interface Layers {
  heap: SharedHeap;
  participant: Participant;
  rc: RcThread;
  gt: GcThread;
  qsbr: QsbrThread;
  freeIds: ReturnType<typeof registerDelayedFree>;
  registration: ReturnType<typeof objectsRegister>;
}

/** The layers below the objects, for one thread, in the prescribed order; `h.rc` 0: this thread creates the refcount state. */
function openLayers(heap: SharedHeap, h: Omit<ObjectsRuntimeHandle, 'heap' | 'objects'>, registerSlots: ((slots: SlotRegistry) => void) | undefined): Layers & { rcState: number } {
  const participant = participantCreate(heap, h.group);
  attach(participant);
  try {
    const behaviours = new BehaviourRegistry();
    const registration = objectsRegister(behaviours);
    registerSlots?.(registration.slots);
    const rcState = h.rc === 0 ? rcCreate(heap, behaviours) : h.rc;
    // QSBR first: mimalloc takes the thread's slot so that freed object pages are reused only for
    // their size class until no lock-free reader can hold them (DESIGN.md §5).
    const freeCallbacks = new FreeCallbackRegistry();
    let domains: AllocatorDomains | null = null;
    const freeIds = registerDelayedFree(freeCallbacks, () => domains!);
    const qsbr = qsbrRegister(heap, h.qsbr, freeCallbacks);
    qsbrAttach(qsbr);
    const miThread = miThreadInit(heap, h.mi, qsbr);
    domains = createAllocatorDomains(heap, h.allocator, { mi: miThread });
    const rc = rcThreadInit(heap, rcState, behaviours, { mi: miThread, participant, domains });
    const gt = gcThreadInit(rc, h.gc, behaviours, registration.gcHooks, qsbr);
    return { heap, participant, rc, gt, qsbr, freeIds, registration, rcState };
  } catch (error) {
    // A failed setup leaves no participant behind (the thread could not join again).
    detach(participant);
    participantDelete(participant);
    throw error;
  }
}

/** Options of {@link createObjectsRuntime}. @public */
export interface ObjectsRuntimeOptions {
  /** Bytes of the shared heap (default 64 MiB). */
  readonly heapSize?: number;
  /** The object allocator: plain mimalloc, or with the debug hooks (freed memory poisoned, guard bytes checked). */
  readonly allocator?: 'mimalloc' | 'mimalloc_debug';
  /**
   * Registers slot behaviours of your own (a `hash` or `richcompare` for a
   * class, `typeSetSlot`), after the builtin ones. Every thread that joins
   * must register the same ones in the same order (pass the same function
   * to {@link joinObjectsRuntime}).
   */
  readonly registerSlots?: (slots: SlotRegistry) => void;
  /**
   * `PYTHONHASHSEED`: 'random' (default: str hashes differ from run to run,
   * as CPython's) or an integer in [0, 2^32 − 1] — the same seed gives the
   * low half of CPython's hashes, 0 turns randomization off.
   */
  readonly hashSeed?: number | 'random';
}

/**
 * Creates a runtime and this thread's place in it.
 * @example
 * ```ts
 * const rt = createObjectsRuntime();
 * const d = dictNew(rt.t);
 * // new Worker(url, { workerData: rt.handle }) — the worker calls joinObjectsRuntime(workerData)
 * ```
 * @public
 */
export function createObjectsRuntime(options: ObjectsRuntimeOptions = {}): ObjectsRuntime {
  const heap = SharedHeap.create({ size: options.heapSize ?? 64 << 20 });
  const group = groupCreate(heap);
  const mi = miCreate(heap);
  const gc = gcCreate(heap, group);
  const qsbrState = qsbrCreate(heap);
  const allocator = options.allocator ?? 'mimalloc';
  let layers: ReturnType<typeof openLayers>;
  let t: ObThread;
  try {
    layers = openLayers(heap, { mi, group, gc, qsbr: qsbrState, rc: 0, allocator }, options.registerSlots);
  } catch (error) {
    heap.close();
    throw error;
  }
  const { participant, rc, gt, qsbr, freeIds, registration, rcState } = layers;
  try {
    t = objectsCreate(registration, rc, gt, qsbr, freeIds, options.hashSeed ?? 'random');
  } catch (error) {
    detach(participant);
    participantDelete(participant);
    heap.close();
    throw error;
  }
  const handle: ObjectsRuntimeHandle = { heap: heap.handle(), mi, group, gc, qsbr: qsbrState, rc: rcState, objects: t.state, allocator };
  return {
    heap,
    t,
    rc,
    gt,
    qsbr,
    participant,
    handle,
    detach() {
      qsbrDetach(qsbr);
      detach(participant);
    },
    attach() {
      attach(participant);
      qsbrAttach(qsbr);
    },
    close() {
      if (participantStatus(participant) === STATUS_ATTACHED) detach(participant);
      participantDelete(participant);
      heap.close();
    },
  };
}

/**
 * Attaches the calling thread (a worker) to the runtime of `handle`.
 * @throws TypeError when `handle` is not a runtime's handle.
 * @public
 */
export function joinObjectsRuntime(handle: ObjectsRuntimeHandle, registerSlots?: (slots: SlotRegistry) => void): ObjectsRuntime {
  const heap = SharedHeap.attach(handle.heap);
  const layers = openLayers(heap, handle, registerSlots);
  const t = objectsThreadInit(layers.registration, layers.rc, layers.gt, layers.qsbr, layers.freeIds, handle.objects);
  return {
    heap,
    t,
    rc: layers.rc,
    gt: layers.gt,
    qsbr: layers.qsbr,
    participant: layers.participant,
    handle,
    detach() {
      qsbrDetach(layers.qsbr);
      detach(layers.participant);
    },
    attach() {
      attach(layers.participant);
      qsbrAttach(layers.qsbr);
    },
    close() {
      if (participantStatus(layers.participant) !== STATUS_ATTACHED) {
        attach(layers.participant);
        qsbrAttach(layers.qsbr);
      }
      // A thread state's deletion, in CPython's order (the thread's own references, the collector's count, the merge queue, QSBR, the heaps).
      typeCacheRelease(t);
      floatClearFreeList(t);
      intClearFreeList(t);
      gcThreadExit(layers.gt);
      rcThreadExit(layers.rc);
      qsbrUnregister(layers.qsbr);
      miThreadExit(layers.rc.mi!);
      detach(layers.participant);
      participantDelete(layers.participant);
      heap.close();
    },
  };
}
