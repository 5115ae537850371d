/**
 * Test runtime: a heap, mimalloc, a refcount state, and threads identities.
 * A second identity in the same JavaScript thread is a second attach of the
 * heap (a new tid), which is how these deterministic tests play "another
 * thread" without workers.
 */

import { groupCreate, participantCreate, participantDelete, participantStatus, detach, SharedHeap, STATUS_ATTACHED, type Participant } from '@ft/atomics';
import { miCreate, miThreadExit, miThreadInit } from '@ft/mimalloc';
import {
  BehaviourRegistry,
  createMetatype,
  createStaticType,
  decref,
  freeObject,
  gcBits,
  GC_BITS_FINALIZED,
  getRefcount,
  OB_TID_OFFSET,
  rcCreate,
  rcThreadExit,
  rcThreadInit,
  resurrectEnd,
  resurrectStart,
  setGcBits,
  sharedFlags,
  TYPE_FLAG_HAVE_GC,
  type RcOptions,
  type RcThread,
} from '../src/index.js';

/** What a recording dealloc saw. */
export interface Death {
  readonly op: number;
  /** Thread that ran the dealloc. */
  readonly by: number;
  /** `ob_tid` at that moment. */
  readonly owner: number;
  /** Shared flags at that moment. */
  readonly flags: number;
}

export interface Env {
  readonly heap: SharedHeap;
  readonly mi: number;
  readonly rc: number;
  readonly t: RcThread;
  readonly deaths: Death[];
  readonly meta: number;
  /** A static non-GC type whose dealloc records and frees. */
  readonly plain: number;
  /** A static GC type whose dealloc records and frees. */
  readonly gc: number;
  readonly recordingDealloc: number;
  /** A static GC type whose dealloc runs the test's finalizer once (see setFinalizer). */
  readonly finalizable: number;
  /** A static type of linked-list nodes whose dealloc releases the next node. */
  readonly chainNode: number;
  /** Extra identities made by {@link otherThread}, closed by {@link closeEnv}. */
  readonly others: RcThread[];
  /** The main identity's participant in the world, when made with `withParticipant`. */
  readonly participant: Participant | null;
}

/** What the finalizing dealloc runs between resurrectStart and resurrectEnd (set by a test). */
let finalizer: (t: RcThread, op: number) => void = () => {};
export function setFinalizer(fn: (t: RcThread, op: number) => void): void {
  finalizer = fn;
}

/** The registry every identity of the test runtime builds. */
export function testRegistry(deaths: Death[]): { registry: BehaviourRegistry; recording: number; finalizing: number; chain: number } {
  const registry = new BehaviourRegistry();
  const record = (t: RcThread, op: number): void => {
    deaths.push({ op, by: t.tid, owner: t.u32[(op + OB_TID_OFFSET) >>> 2], flags: sharedFlags(t, op) });
  };
  const recording = registry.add('dealloc', 'recording', (t, op) => {
    record(t, op);
    freeObject(t, op);
  });
  // A dealloc that runs a finalizer once (tp_finalize from tp_dealloc), which may resurrect the object.
  const finalizing = registry.add('dealloc', 'finalizing', (t, op) => {
    record(t, op);
    if ((gcBits(t, op) & GC_BITS_FINALIZED) === 0) {
      setGcBits(t, op, GC_BITS_FINALIZED);
      resurrectStart(t, op);
      finalizer(t, op);
      if (resurrectEnd(t, op)) return;
    }
    freeObject(t, op);
  });
  // A linked-list node: the word at +24 holds a reference to the next node.
  const chain = registry.add('dealloc', 'chain', (t, op) => {
    record(t, op);
    const next = t.u32[(op + CHAIN_NEXT_OFFSET) >>> 2];
    freeObject(t, op);
    if (next !== 0) decref(t, next);
  });
  return { registry, recording, finalizing, chain };
}

/** Where a chain node keeps its reference to the next node. */
export const CHAIN_NEXT_OFFSET = 24;

export function makeEnv(options: RcOptions = {}, withParticipant = false): Env {
  const heap = SharedHeap.create({ size: 64 << 20 });
  const mi = miCreate(heap, { checked: true });
  const deaths: Death[] = [];
  const { registry, recording, finalizing, chain } = testRegistry(deaths);
  const rc = rcCreate(heap, registry, { refDebug: true, ...options });
  const participant = withParticipant ? participantCreate(heap, groupCreate(heap)) : null;
  const t = rcThreadInit(heap, rc, registry, { mi: miThreadInit(heap, mi, null), ...(participant !== null ? { participant } : {}) });
  const meta = createMetatype(t);
  const plain = createStaticType(t, meta, { basicSize: 32, dealloc: recording });
  const gc = createStaticType(t, meta, { basicSize: 32, dealloc: recording, flags: TYPE_FLAG_HAVE_GC });
  const finalizable = createStaticType(t, meta, { basicSize: 32, dealloc: finalizing, flags: TYPE_FLAG_HAVE_GC });
  const chainNode = createStaticType(t, meta, { basicSize: 32, dealloc: chain });
  setFinalizer(() => {});
  return { heap, mi, rc, t, deaths, meta, plain, gc, recordingDealloc: recording, finalizable, chainNode, others: [], participant };
}

/** Another thread identity (new tid) on the same heap and interpreter. */
export function otherThread(env: Env): RcThread {
  const heap = SharedHeap.attach(env.heap.handle());
  const { registry } = testRegistry(env.deaths);
  const t = rcThreadInit(heap, env.rc, registry, { mi: miThreadInit(heap, env.mi, null) });
  env.others.push(t);
  return t;
}

/** Exits a thread identity made by {@link otherThread}. */
export function exitThread(env: Env, t: RcThread): void {
  rcThreadExit(t);
  miThreadExit(t.mi!);
  t.heap.close();
  env.others.splice(env.others.indexOf(t), 1);
}

export function closeEnv(env: Env): void {
  for (const t of [...env.others]) exitThread(env, t);
  rcThreadExit(env.t);
  miThreadExit(env.t.mi!);
  const p = env.participant;
  if (p !== null) {
    if (participantStatus(p) === STATUS_ATTACHED) detach(p);
    participantDelete(p);
  }
  env.heap.close();
}

export { getRefcount };
