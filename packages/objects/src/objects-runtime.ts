/**
 * A whole runtime for the object layer in one call, for users who want
 * shared Python objects from JavaScript without the interpreter (and for
 * this package's tests): one heap, the world, QSBR, the allocator domains,
 * reference counting, the collector and the objects, built in the order
 * objects-lifecycle.ts prescribes. {@link createObjectsRuntime} builds it
 * on one thread; {@link joinObjectsRuntime} attaches another (a worker)
 * from `runtime.handle`, which crosses `postMessage` / `workerData`.
 */

import { detach, groupCreate, participantDelete, participantStatus, SharedHeap, STATUS_ATTACHED, type Participant, type SharedHeapHandle } from '@ft/atomics';
import { gcCreate, type GcThread } from '@ft/gc';
import { miCreate } from '@ft/mimalloc';
import { qsbrCreate, type QsbrThread } from '@ft/qsbr';
import { BehaviourRegistry, rcCreate, type RcThread } from '@ft/refcount';
import type { ObThread } from './ob-thread.js';
import { objectsCreate, objectsRegister, objectsThreadInit, type ObjectsRegistration } from './objects-lifecycle.js';
import type { SlotRegistry } from './slot-registry.js';
import { threadLayersOpen, threadStateOf, type ObjectsThreadState, type ThreadLayers, type ThreadStateRoots } from './thread-state.js';

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
  /**
   * CPython 3.13's measure for objects with deferred reference counting
   * (functions, code, classes, modules): made immortal when the first
   * thread other than the main one starts. Default false: 3.14's
   * behaviour (they keep deferred counts, and stacks are scanned).
   */
  readonly immortalizeDeferredOnThreadStart?: boolean;
}

/**
 * A JavaScript thread's place in a runtime that holds no thread state yet
 * (a pooled worker between Python threads): the heap and the registries
 * every thread state made on this thread shares. Make thread states with
 * {@link ObjectsHost.newThreadState}, one at a time.
 * @public
 */
export interface ObjectsHost {
  /** The shared heap. */
  readonly heap: SharedHeap;
  /** The runtime's handle. */
  readonly handle: ObjectsRuntimeHandle;
  /**
   * Makes a thread state on this thread, attached (`PyThreadState_New`,
   * `_PyThreadState_Bind`, then attach).
   * @throws TypeError while another thread state of this host is alive.
   */
  newThreadState(): ObjectsThreadState;
  /**
   * Leaves the runtime (its objects stay).
   * @throws TypeError while a thread state of this host is alive.
   */
  close(): void;
}

/** The roots a thread state joins, from a handle. */
function rootsOf(handle: ObjectsRuntimeHandle): ThreadStateRoots {
  return { mi: handle.mi, group: handle.group, gc: handle.gc, qsbr: handle.qsbr, allocator: handle.allocator };
}

/** The registries of one JavaScript thread: behaviours, then the objects' registration, then the caller's slots. */
function registries(registerSlots: ((slots: SlotRegistry) => void) | undefined): { behaviours: BehaviourRegistry; registration: ObjectsRegistration } {
  const behaviours = new BehaviourRegistry();
  const registration = objectsRegister(behaviours);
  registerSlots?.(registration.slots);
  return { behaviours, registration };
}

/**
 * Attaches the calling thread (a worker) to the runtime of `handle`
 * without a thread state: {@link ObjectsHost.newThreadState} makes them.
 * `registerSlots` as for {@link createObjectsRuntime}.
 * @throws TypeError when `handle` is not a runtime's handle.
 * @public
 */
export function hostObjectsRuntime(handle: ObjectsRuntimeHandle, registerSlots?: (slots: SlotRegistry) => void): ObjectsHost {
  const heap = SharedHeap.attach(handle.heap);
  const { behaviours, registration } = registries(registerSlots);
  const roots = rootsOf(handle);
  let live: ObjectsThreadState | null = null;
  let closed = false;
  return {
    heap,
    handle,
    newThreadState() {
      if (closed) throw new TypeError('ObjectsHost.newThreadState: the host was closed');
      if (live !== null) throw new TypeError('ObjectsHost.newThreadState: this thread already has a thread state; delete it first');
      const layers = threadLayersOpen(heap, roots, handle.rc, behaviours, registration);
      const t = objectsThreadInit(registration, layers.rc, layers.gt, layers.qsbr, layers.freeIds, handle.objects);
      const state = threadStateOf(layers, t);
      const remove = state.delete;
      const tracked: ObjectsThreadState = {
        ...state,
        delete() {
          remove();
          live = null;
        },
      };
      live = tracked;
      return tracked;
    },
    close() {
      if (live !== null) throw new TypeError('ObjectsHost.close: a thread state of this host is alive; delete it first');
      if (closed) return;
      closed = true;
      heap.close();
    },
  };
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
  const allocator = options.allocator ?? 'mimalloc';
  let layers: ThreadLayers;
  let t: ObThread;
  let handle: ObjectsRuntimeHandle;
  try {
    const group = groupCreate(heap);
    const mi = miCreate(heap);
    const gc = gcCreate(heap, group);
    const qsbrState = qsbrCreate(heap);
    const { behaviours, registration } = registries(options.registerSlots);
    const rcState = rcCreate(heap, behaviours, { immortalizeDeferredOnThreadStart: options.immortalizeDeferredOnThreadStart === true });
    const roots: ThreadStateRoots = { mi, group, gc, qsbr: qsbrState, allocator };
    layers = threadLayersOpen(heap, roots, rcState, behaviours, registration);
    try {
      t = objectsCreate(registration, layers.rc, layers.gt, layers.qsbr, layers.freeIds, options.hashSeed ?? 'random');
    } catch (error) {
      detach(layers.participant);
      participantDelete(layers.participant);
      throw error;
    }
    handle = { heap: heap.handle(), ...roots, rc: rcState, objects: t.state };
  } catch (error) {
    heap.close();
    throw error;
  }
  const state = threadStateOf(layers, t);
  const participant = layers.participant;
  return {
    heap,
    t,
    rc: layers.rc,
    gt: layers.gt,
    qsbr: layers.qsbr,
    participant,
    handle,
    detach: state.detach,
    attach: state.attach,
    // The whole heap goes: the main thread's state needs no clearing.
    close() {
      if (participantStatus(participant) === STATUS_ATTACHED) detach(participant);
      participantDelete(participant);
      heap.close();
    },
  };
}

/**
 * Attaches the calling thread (a worker) to the runtime of `handle`, with
 * a thread state.
 * @throws TypeError when `handle` is not a runtime's handle.
 * @public
 */
export function joinObjectsRuntime(handle: ObjectsRuntimeHandle, registerSlots?: (slots: SlotRegistry) => void): ObjectsRuntime {
  const host = hostObjectsRuntime(handle, registerSlots);
  let state: ObjectsThreadState;
  try {
    state = host.newThreadState();
  } catch (error) {
    host.close();
    throw error;
  }
  return {
    heap: host.heap,
    t: state.t,
    rc: state.rc,
    gt: state.gt,
    qsbr: state.qsbr,
    participant: state.participant,
    handle,
    detach: state.detach,
    attach: state.attach,
    close() {
      state.delete();
      host.close();
    },
  };
}
