/**
 * A runtime for the collector's tests, with minimal test types:
 *
 * - `node`: a GC container of n reference slots (variable size); traverse
 *   visits its slots, clear empties them, dealloc untracks, releases them
 *   and frees; every dealloc is logged;
 * - `finalized`: a node whose finalizer calls a JS function kept per object;
 * - `legacy`: a node with a legacy finalizer (`tp_del`), for gc.garbage;
 * - `weakref`: a GC object with a referent slot (not counted) and an
 *   optional JS callback; weakref lists are kept per referent in a JS map
 *   (newest first), as the weakref hooks expose them.
 *
 * One thread (the test's), with its world participant, owns everything;
 * `secondThread` adds another identity in the same JavaScript thread.
 */

import { groupCreate, participantCreate, participantDelete, SharedHeap, type Participant } from '@ft/atomics';
import { miCreate, miThreadInit } from '@ft/mimalloc';
import { createAllocatorDomains } from '@ft/obmalloc';
import {
  BehaviourRegistry,
  createMetatype,
  createStaticType,
  decref,
  incref,
  OB_SIZE_OFFSET,
  rcCreate,
  rcThreadInit,
  TYPE_FLAG_HAVE_GC,
  VAR_OBJECT_HEADER_SIZE,
  type RcThread,
} from '@ft/refcount';
import { gcCreate, gcDel, gcNew, gcThreadInit, gcTrack, gcUntrack, type GcHooks, type GcThread } from '../src/index.js';

export interface Runtime {
  heap: SharedHeap;
  mi: number;
  rc: number;
  gc: number;
  group: number;
  participant: Participant;
  t: RcThread;
  gt: GcThread;
  types: { node: number; finalized: number; legacy: number; weakref: number };
  /** Addresses deallocated, in order. */
  deallocated: number[];
  /** Finalizer calls, in order. */
  finalized: number[];
  /** What `write` and `unraisable` received. */
  output: string[];
  errors: { message: string; error: unknown }[];
  /** Per-object finalizer behaviour (default: log only). */
  finalizers: Map<number, (op: number) => void>;
  /** Weakrefs per referent, newest first; referent per weakref; callbacks per weakref. */
  weakrefsOf: Map<number, number[]>;
  referentOf: Map<number, number>;
  callbacks: Map<number, (wr: number) => void>;
  /** Objects whose traverse throws (a faulty behaviour of a layer above). */
  throwingTraverse: Set<number>;
  /** Extra hooks a test sets before collecting (merged into the thread's hooks). */
  hooks: Partial<Mutable<GcHooks>>;
  close(): void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SLOT = VAR_OBJECT_HEADER_SIZE;

export function makeRuntime(options: { heapSize?: number; allocator?: 'mimalloc' | 'mimalloc_debug' } = {}): Runtime {
  const heap = SharedHeap.create({ size: options.heapSize ?? 64 << 20 });
  const mi = miCreate(heap);
  const group = groupCreate(heap);
  const participant = participantCreate(heap, group);
  const gc = gcCreate(heap, group);
  const deallocated: number[] = [];
  const finalized: number[] = [];
  const output: string[] = [];
  const errors: { message: string; error: unknown }[] = [];
  const finalizers = new Map<number, (op: number) => void>();
  const weakrefsOf = new Map<number, number[]>();
  const referentOf = new Map<number, number>();
  const callbacks = new Map<number, (wr: number) => void>();
  const extra: Partial<Mutable<GcHooks>> = {};
  // eslint-disable-next-line prefer-const
  let gt!: GcThread;

  const registry = new BehaviourRegistry();
  const slots = (t: RcThread, op: number): number => t.u32[(op + OB_SIZE_OFFSET) >>> 2]!;
  /** Empties every slot of `op`, releasing what it held (tp_clear, and the dealloc's releases). */
  const releaseSlots = (t: RcThread, op: number): void => {
    const n = slots(t, op);
    for (let i = 0; i < n; i++) {
      const child = t.u32[(op + SLOT + 4 * i) >>> 2]!;
      if (child !== 0) {
        t.u32[(op + SLOT + 4 * i) >>> 2] = 0;
        decref(t, child);
      }
    }
  };
  const nodeDealloc = registry.add('dealloc', 'node', (t, op) => {
    gcUntrack(t, op);
    deallocated.push(op);
    releaseSlots(t, op);
    gcDel(gt, op);
  });
  const weakrefDealloc = registry.add('dealloc', 'weakref', (t, op) => {
    gcUntrack(t, op);
    deallocated.push(op);
    unlinkWeakref(op);
    callbacks.delete(op);
    gcDel(gt, op);
  });
  const throwingTraverse = new Set<number>();
  const nodeTraverse = registry.add('traverse', 'node', (t, op, visit) => {
    if (throwingTraverse.has(op)) throw new Error(`traverse of ${op} failed`);
    const n = slots(t, op);
    for (let i = 0; i < n; i++) {
      const child = t.u32[(op + SLOT + 4 * i) >>> 2]!;
      if (child !== 0) {
        const r = visit(child);
        if (r !== 0) return r;
      }
    }
    return 0;
  });
  const nodeClear = registry.add('clear', 'node', releaseSlots);
  const finalize = registry.add('finalize', 'node', (_t, op) => {
    finalized.push(op);
    finalizers.get(op)?.(op);
  });

  function unlinkWeakref(wr: number): void {
    const referent = referentOf.get(wr);
    if (referent === undefined) return;
    referentOf.delete(wr);
    const list = weakrefsOf.get(referent)!;
    list.splice(list.indexOf(wr), 1);
    if (list.length === 0) weakrefsOf.delete(referent);
  }

  const hooks: GcHooks = {
    weakrefs: {
      isWeakref: (t, op) => t.u32[(op + 16) >>> 2] === types.weakref,
      weakrefsTo: (_t, op) => [...(weakrefsOf.get(op) ?? [])],
      clear: (_t, wr) => unlinkWeakref(wr),
      hasCallback: (_t, wr) => callbacks.has(wr),
      callCallback: (_t, wr) => callbacks.get(wr)!(wr),
      isClass: (t, op) => extra.weakrefs?.isClass?.(t, op) ?? false,
    },
    hasLegacyFinalizer: (t, op) => t.u32[(op + 16) >>> 2] === types.legacy,
    maybeUntrack: (t, op) => extra.maybeUntrack?.(t, op) ?? false,
    visitRoots: (t, visit) => extra.visitRoots?.(t, visit),
    visitStacks: (t, visit) => extra.visitStacks?.(t, visit),
    callbacks: (phase, info) => extra.callbacks?.(phase, info),
    unraisable: (message, error) => {
      errors.push({ message, error });
    },
    typeName: (_t, type) => (type === types.node ? 'Node' : type === types.finalized ? 'Finalized' : type === types.legacy ? 'Legacy' : type === types.weakref ? 'weakref' : 'object'),
    write: (text) => {
      output.push(text);
    },
  };

  const rcState = rcCreate(heap, registry);
  const miThread = miThreadInit(heap, mi, null);
  // The object domain: plain, or with the debug hooks (objects 16 bytes into their blocks).
  const domains = createAllocatorDomains(heap, options.allocator ?? 'mimalloc', { mi: miThread });
  const t = rcThreadInit(heap, rcState, registry, { mi: miThread, participant, domains });
  gt = gcThreadInit(t, gc, registry, hooks);
  const meta = createMetatype(t);
  const types = {
    node: createStaticType(t, meta, { basicSize: SLOT, itemSize: 4, flags: TYPE_FLAG_HAVE_GC, dealloc: nodeDealloc, traverse: nodeTraverse, clear: nodeClear }),
    finalized: createStaticType(t, meta, { basicSize: SLOT, itemSize: 4, flags: TYPE_FLAG_HAVE_GC, dealloc: nodeDealloc, traverse: nodeTraverse, clear: nodeClear, finalize }),
    legacy: createStaticType(t, meta, { basicSize: SLOT, itemSize: 4, flags: TYPE_FLAG_HAVE_GC, dealloc: nodeDealloc, traverse: nodeTraverse, clear: nodeClear }),
    weakref: createStaticType(t, meta, { basicSize: SLOT, flags: TYPE_FLAG_HAVE_GC, dealloc: weakrefDealloc }),
  };
  return {
    heap,
    mi,
    rc: rcState,
    gc,
    group,
    participant,
    t,
    gt,
    types,
    deallocated,
    finalized,
    output,
    errors,
    finalizers,
    weakrefsOf,
    referentOf,
    callbacks,
    throwingTraverse,
    hooks: extra,
    close() {
      participantDelete(participant);
      heap.close();
    },
  };
}

/** A tracked container of `n` empty slots (of `type`, default node), with one reference. */
export function newNode(r: Runtime, n: number, type = r.types.node): number {
  const op = gcNew(r.gt, type, n);
  if (op === 0) throw new Error('out of memory');
  gcTrack(r.t, op);
  return op;
}

/** Stores a new reference to `child` in slot `i` of `op` (dropping what was there). */
export function setSlot(r: Runtime, op: number, i: number, child: number): void {
  const at = (op + SLOT + 4 * i) >>> 2;
  const old = r.t.u32[at]!;
  if (child !== 0) incref(r.t, child);
  r.t.u32[at] = child;
  if (old !== 0) decref(r.t, old);
}

export function getSlot(r: Runtime, op: number, i: number): number {
  return r.t.u32[(op + SLOT + 4 * i) >>> 2]!;
}

/** A weakref to `referent` (newest first in its list), with an optional callback; one reference. */
export function newWeakref(r: Runtime, referent: number, callback?: (wr: number) => void): number {
  const wr = gcNew(r.gt, r.types.weakref);
  gcTrack(r.t, wr);
  r.referentOf.set(wr, referent);
  r.weakrefsOf.set(referent, [wr, ...(r.weakrefsOf.get(referent) ?? [])]);
  if (callback !== undefined) r.callbacks.set(wr, callback);
  return wr;
}

/** The referent of a weakref, or 0 once cleared (`wr()` is None). */
export function deref(r: Runtime, wr: number): number {
  return r.referentOf.get(wr) ?? 0;
}

/** A cycle of `n` nodes (each slot 0 points to the next); returns the nodes, one external reference each. */
export function ring(r: Runtime, n: number, type = r.types.node): number[] {
  const nodes = Array.from({ length: n }, () => newNode(r, 1, type));
  for (let i = 0; i < n; i++) setSlot(r, nodes[i]!, 0, nodes[(i + 1) % n]!);
  return nodes;
}

/** Drops the test's own references. */
export function release(r: Runtime, ...ops: number[]): void {
  for (const op of ops) decref(r.t, op);
}
