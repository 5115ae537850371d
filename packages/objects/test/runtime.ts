/**
 * A runtime with the object layer, for the tests and the stress workers:
 * one heap, the world, QSBR, the allocator domains, reference counting, the
 * collector and the objects, built in the order objects-lifecycle.ts
 * prescribes. `makeRuntime` creates it on the main thread; `joinRuntime`
 * attaches a worker to it from `runtime.handle`.
 */

import { attach, detach, groupCreate, participantCreate, participantDelete, SharedHeap, type Participant, type SharedHeapHandle } from '@ft/atomics';
import { gcCreate, gcThreadExit, gcThreadInit, type GcThread } from '@ft/gc';
import { miCreate, miThreadExit, miThreadInit } from '@ft/mimalloc';
import { createAllocatorDomains, registerDelayedFree } from '@ft/obmalloc';
import { FreeCallbackRegistry, qsbrAttach, qsbrCreate, qsbrRegister, qsbrUnregister, type QsbrThread } from '@ft/qsbr';
import { BehaviourRegistry, decref, rcCreate, rcThreadExit, rcThreadInit, type RcThread } from '@ft/refcount';
import { errToJs, objectsCreate, objectsRegister, objectsThreadInit, type ObThread } from '../src/index.js';

/** What a worker needs to join (structured-clonable). */
export interface RuntimeHandle {
  heap: SharedHeapHandle;
  mi: number;
  group: number;
  gc: number;
  qsbr: number;
  rc: number;
  objects: number;
  allocator: 'mimalloc' | 'mimalloc_debug';
}

export interface Runtime {
  heap: SharedHeap;
  t: ObThread;
  rc: RcThread;
  gt: GcThread;
  qsbr: QsbrThread;
  participant: Participant;
  handle: RuntimeHandle;
  /** The main thread: closes the heap. A worker: leaves (its objects stay). */
  close(): void;
}

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
function openLayers(heap: SharedHeap, h: Omit<RuntimeHandle, 'heap' | 'objects'>): Layers & { rcState: number } {
  const participant = participantCreate(heap, h.group);
  attach(participant);
  const behaviours = new BehaviourRegistry();
  const registration = objectsRegister(behaviours);
  const rcState = h.rc === 0 ? rcCreate(heap, behaviours) : h.rc;
  const miThread = miThreadInit(heap, h.mi, null);
  const domains = createAllocatorDomains(heap, h.allocator, { mi: miThread });
  const freeCallbacks = new FreeCallbackRegistry();
  const freeIds = registerDelayedFree(freeCallbacks, domains);
  const qsbr = qsbrRegister(heap, h.qsbr, freeCallbacks);
  qsbrAttach(qsbr);
  const rc = rcThreadInit(heap, rcState, behaviours, { mi: miThread, participant, domains });
  const gt = gcThreadInit(rc, h.gc, behaviours, registration.gcHooks, qsbr);
  return { heap, participant, rc, gt, qsbr, freeIds, registration, rcState };
}

export function makeRuntime(options: { heapSize?: number; allocator?: 'mimalloc' | 'mimalloc_debug' } = {}): Runtime {
  const heap = SharedHeap.create({ size: options.heapSize ?? 64 << 20 });
  const group = groupCreate(heap);
  const mi = miCreate(heap);
  const gc = gcCreate(heap, group);
  const qsbrState = qsbrCreate(heap);
  const allocator = options.allocator ?? 'mimalloc';
  const { participant, rc, gt, qsbr, freeIds, registration, rcState } = openLayers(heap, { mi, group, gc, qsbr: qsbrState, rc: 0, allocator });
  const t = objectsCreate(registration, rc, gt, qsbr, freeIds);
  const handle: RuntimeHandle = { heap: heap.handle(), mi, group, gc, qsbr: qsbrState, rc: rcState, objects: t.state, allocator };
  return {
    heap,
    t,
    rc,
    gt,
    qsbr,
    participant,
    handle,
    close() {
      detach(participant);
      participantDelete(participant);
      heap.close();
    },
  };
}

/** Attaches the calling worker to the runtime of `handle`. */
export function joinRuntime(handle: RuntimeHandle): Runtime {
  const heap = SharedHeap.attach(handle.heap);
  const layers = openLayers(heap, handle);
  const t = objectsThreadInit(layers.registration, layers.rc, layers.gt, layers.qsbr, layers.freeIds, handle.objects);
  return {
    heap,
    t,
    rc: layers.rc,
    gt: layers.gt,
    qsbr: layers.qsbr,
    participant: layers.participant,
    handle,
    close() {
      // A thread state's deletion, in CPython's order (the collector's count, the merge queue, QSBR, the heaps).
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

/** Throws the thread's Python exception as a JavaScript error when `result` says it failed (0 or -1 with an exception set). */
export function check<T extends number>(t: ObThread, result: T): T {
  if ((result === 0 || result === -1) && t.error.type !== 0) throw errToJs(t);
  return result;
}

/** Releases references. */
export function release(r: Runtime, ...ops: number[]): void {
  for (const op of ops) decref(r.rc, op);
}
