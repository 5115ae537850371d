/**
 * A runtime with the object layer for the tests: one heap, the world, QSBR,
 * the allocator domains, reference counting, the collector and the objects,
 * built in the order objects-lifecycle.ts prescribes.
 */

import { groupCreate, participantCreate, participantDelete, SharedHeap, type Participant } from '@ft/atomics';
import { gcCreate, gcThreadInit, type GcThread } from '@ft/gc';
import { miCreate, miThreadInit } from '@ft/mimalloc';
import { createAllocatorDomains, registerDelayedFree } from '@ft/obmalloc';
import { FreeCallbackRegistry, qsbrCreate, qsbrRegister, type QsbrThread } from '@ft/qsbr';
import { BehaviourRegistry, decref, rcCreate, rcThreadInit, type RcThread } from '@ft/refcount';
import { errToJs, objectsCreate, objectsRegister, type ObThread } from '../src/index.js';

export interface Runtime {
  heap: SharedHeap;
  t: ObThread;
  rc: RcThread;
  gt: GcThread;
  qsbr: QsbrThread;
  participant: Participant;
  close(): void;
}

export function makeRuntime(options: { heapSize?: number; allocator?: 'mimalloc' | 'mimalloc_debug' } = {}): Runtime {
  const heap = SharedHeap.create({ size: options.heapSize ?? 64 << 20 });
  const mi = miCreate(heap);
  const group = groupCreate(heap);
  const participant = participantCreate(heap, group);
  const gcState = gcCreate(heap, group);
  const qsbrState = qsbrCreate(heap);
  const behaviours = new BehaviourRegistry();
  const registration = objectsRegister(behaviours);
  const rcState = rcCreate(heap, behaviours);
  const miThread = miThreadInit(heap, mi, null);
  const domains = createAllocatorDomains(heap, options.allocator ?? 'mimalloc', { mi: miThread });
  const freeCallbacks = new FreeCallbackRegistry();
  const freeIds = registerDelayedFree(freeCallbacks, domains);
  const qsbr = qsbrRegister(heap, qsbrState, freeCallbacks);
  const rc = rcThreadInit(heap, rcState, behaviours, { mi: miThread, participant, domains });
  const gt = gcThreadInit(rc, gcState, behaviours, registration.gcHooks, qsbr);
  const t = objectsCreate(registration, rc, gt, qsbr, freeIds);
  return {
    heap,
    t,
    rc,
    gt,
    qsbr,
    participant,
    close() {
      participantDelete(participant);
      heap.close();
    },
  };
}

/** Throws the thread's Python exception as a JavaScript error when `result` says it failed (0 or -1). */
export function check<T extends number>(t: ObThread, result: T): T {
  if (result === 0 || result === -1) {
    if (t.error.type !== 0) throw errToJs(t);
  }
  return result;
}

/** Releases references. */
export function release(r: Runtime, ...ops: number[]): void {
  for (const op of ops) decref(r.rc, op);
}
