/**
 * Weak references with real workers, in the spirit of CPython's
 * `Lib/test/test_free_threading/test_weakref.py` and the free-threaded
 * design of `Objects/weakrefobject.c` (own code): one shared object T per
 * round, every worker creating and dropping weakrefs and proxies to it
 * (the canonical callback-less ones and ones with callbacks) while the
 * last strong reference goes away on whichever thread drops it last. The
 * run uses `mimalloc_debug` (freed memory reads 0xDD, an object's type word
 * 0xDDDDDDDD) with automatic collections off; the main thread makes the
 * classes and detaches until the check.
 *
 * `objects/weakref-churn-and-death` — W workers (default 3), rounds of:
 * 1. worker 0 makes T (an instance of a class) and W0 = ref(T), publishes
 *    them; barrier;
 * 2. churn: each worker repeatedly takes T through W0
 *    (`_PyWeakref_GET_REF`) and, holding it, creates a weakref into one of
 *    its K slots (ref, ref with callback, proxy, proxy with callback: each
 *    callback a fresh callable with an id of its own), drops one, reads
 *    one (it must give T while T is held), or hashes one (T's hash). Worker
 *    0 drops its strong reference to T at a random operation; every worker
 *    stops taking T a few operations after it saw that;
 * 3. barrier (T is dead now: every strong reference was dropped, and the
 *    dealloc — clearing every weakref and running the callbacks — ran on
 *    the thread that dropped the last one); each worker checks its slots
 *    and releases them; worker 0 releases W0; barrier.
 * Checks (exact):
 * - GET_CHECK: every read of any weakref gave T or nothing; T while the
 *   reader held T; nothing forever after it once gave nothing (death is
 *   final); never a freed object;
 * - CALLBACK_CHECK: every callback ran at most once, with its own weakref
 *   (already cleared), and exactly once for each weakref a worker still
 *   held when T died;
 * - CANONICAL_CHECK: `ref(T)` without a callback returned the basic ref a
 *   worker already held, whenever it held one (at most one live basic ref);
 * - the hash of a weakref while T lived was T's;
 * - ACCOUNTING_CHECK: after the run every object is gone (the GC objects
 *   back to their number before the run).
 * Control 'no-stripes' (must fail): every worker turns the striped locks
 * off (`weakrefSeams.stripesDisabled`): the lists are edited by several
 * threads at once and the weakrefs' invariants break (or a worker faults).
 */

import { attach, detach } from '@ft/atomics';
import { gcCollect, gcDisable, gcVisitObjects } from '@ft/gc';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { incref, OB_TYPE_OFFSET, OBJECT_HEADER_SIZE, processMergeQueue } from '@ft/refcount';
import { dictNew, errRaise, intAsNumber, StaticType, tupleFromArray, tupleGetItem, typeNew, typeSetSlot, type ObThread, type SlotRegistry } from '../../src/index.js';
import { weakrefGetRef } from '../../src/weakref.js';
import { check, makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

/** Control words. */
export const C_ABORT = 0;
export const C_BARRIER = 1;
/** Worker 0's decision for the next round: round + 1, or -1 to stop. */
export const C_CONTINUE = 2;
/** This round's T and W0. */
export const C_TARGET = 3;
export const C_SEED_REF = 4;
/** round + 1 once worker 0 dropped its strong reference to T. */
export const C_RELEASED = 5;
/** The classes (made by the main thread). */
export const C_FOO = 6;
export const C_CALLBACK_CLASS = 7;
/** A control run: a worker faulted (every worker ends its round at once). */
export const C_FAULTED = 8;
export const CONTROL_WORDS = 9;

/** Callback ids per worker and round (each weakref with a callback takes one). */
export const ID_SPAN = 4096;
/** Weakref slots per worker. */
export const SLOTS = 8;
/** Operations a worker still runs after it saw worker 0 drop T. */
export const AFTER_RELEASE = 24;
/** Worker 0 drops T at a random operation in [RELEASE_MIN, RELEASE_MIN + RELEASE_SPAN). */
export const RELEASE_MIN = 40;
export const RELEASE_SPAN = 400;
/** Where a callback object keeps its id (its one `__slots__` word, an int). */
export const CALLBACK_ID_OFFSET = OBJECT_HEADER_SIZE;

export type WeakrefControl = 'none' | 'no-stripes';

export interface WeakrefStressParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
  /** Callback calls by id (`w · ID_SPAN + k`). */
  readonly calls: Int32Array;
  /** The weakref each id's callback belongs to. */
  readonly wrOf: Int32Array;
  /** Calls whose weakref was not cleared yet, or was not the id's, or that met a freed object (problems noted by the caller). */
  readonly callbackBad: Int32Array;
  readonly control: WeakrefControl;
  /** Longest any barrier may wait, in ms. */
  readonly waitMs: number;
}

export interface WeakrefWorkerResult {
  rounds: number;
  ops: number;
  gets: number;
  getsWithT: number;
  getsEmpty: number;
  getBad: number;
  created: number;
  createdWithCallback: number;
  dropped: number;
  canonicalChecks: number;
  canonicalBad: number;
  hashes: number;
  hashBad: number;
  heldAtDeath: number;
  callbackMissing: number;
  callbackTwice: number;
  deathsSeen: number;
  faults: number;
  problems: string[];
}

// --- the callbacks (every thread registers the same slot) -------------------------------------------

/** What the callback slot of this thread records into (set by the worker; null on the main thread). */
export const callbackShared: { params: WeakrefStressParams | null; note: ((message: string) => void) | null } = { params: null, note: null };

/** The type word of an object freed under `mimalloc_debug`. */
export const POISON_WORD = 0xdddddddd;

let callSlotId = 0;

/**
 * The slots of this scenario's runtime, on every thread: `tp_call` of the
 * callback class — counts the call for the callable's id, and checks that
 * the weakref it got is the id's and already cleared.
 */
export function registerWeakrefStressSlots(slots: SlotRegistry): void {
  callSlotId = slots.add('call', 'stress/weakref-callback', (t: ObThread, callable: number, args: number) => {
    const shared = callbackShared.params;
    if (shared === null) return errRaise(t, StaticType.RuntimeError, 'weakref stress callback on a thread without the run');
    const id = intAsNumber(t, t.u32[(callable + CALLBACK_ID_OFFSET) >>> 2]!);
    const wr = tupleGetItem(t, args, 0);
    Atomics.add(shared.calls, id, 1);
    const type = t.u32[(wr + OB_TYPE_OFFSET) >>> 2]!;
    let bad = '';
    if (type === POISON_WORD) bad = 'a freed weakref';
    else if (Atomics.load(shared.wrOf, id) !== wr) bad = `weakref 0x${wr.toString(16)}, the id's is 0x${(Atomics.load(shared.wrOf, id) >>> 0).toString(16)}`;
    else {
      const obj = weakrefGetRef(t, wr);
      if (obj !== 0) bad = 'its weakref still gave the referent';
    }
    if (bad !== '') {
      Atomics.add(shared.callbackBad, 0, 1);
      callbackShared.note?.(`callback ${id}: ${bad}`);
    }
    incref(t.rc, t.none);
    return t.none;
  });
}

/** The call slot's id (after {@link registerWeakrefStressSlots}). */
export function weakrefCallSlot(): number {
  return callSlotId;
}

// --- setup and check ---------------------------------------------------------------------------------

interface WeakrefState {
  readonly r: Runtime;
  detached: boolean;
  gcObjects: number;
}

/** The checks (the control must fail one of the first three, or fault). */
export const GET_CHECK = 'every read of a weakref gave T or nothing — T while the reader held T, nothing ever after it once gave nothing — never a freed object';
export const CALLBACK_CHECK = 'every callback ran at most once, with its own cleared weakref, and exactly once for each weakref still held when T died';
export const CANONICAL_CHECK = 'ref(T) without a callback returned the basic ref the worker held, whenever it held one';
export const FAULT_CHECK = 'no worker faulted (a JavaScript error in the weakref code: a corrupted list)';
export const ACCOUNTING_CHECK = 'after the run every T, weakref and callback is gone: the GC objects are back to their number before the run';

function gcObjects(r: Runtime): number {
  let n = 0;
  gcVisitObjects(r.gt, () => {
    n++;
    return true;
  });
  return n;
}

function sum(results: readonly unknown[], key: keyof WeakrefWorkerResult): number {
  let total = 0;
  for (const x of results) total += ((x as Record<string, number> | undefined)?.[key] as number | undefined) ?? 0;
  return total;
}

function problems(results: readonly unknown[]): string {
  const all: string[] = [];
  for (const x of results) all.push(...((x as { problems?: string[] } | undefined)?.problems ?? []));
  return all.length === 0 ? '' : ` — first problems: ${all.slice(0, 4).join(' | ')}`;
}

function reattach(state: WeakrefState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

function makeClass(t: ObThread, name: string, slots: string[] | null): number {
  const ns = check(t, dictNew(t));
  const bases = check(t, tupleFromArray(t, []));
  const type = check(t, typeNew(t, t.types[StaticType.Type]!, name, bases, ns, slots));
  return type;
}

export const weakrefScenario: StressScenario<WeakrefStressParams, WeakrefState> = {
  name: 'objects/weakref-churn-and-death',
  description: 'workers create and drop weakrefs and proxies (with and without callbacks) to one shared object while its last strong reference goes away on any thread: reads give it or nothing, each callback runs exactly once, the basic ref is shared, nothing is left',
  worker: new URL('./weakref.worker.ts', import.meta.url),
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, (_, w) => (w === 0 ? 'killer' : 'churner')),
  /** Rounds (each a fresh T). */
  opsPerWorker: 300,
  setup: ({ workers }) => {
    const r = makeRuntime({ allocator: 'mimalloc_debug', heapSize: 256 << 20, registerSlots: registerWeakrefStressSlots });
    gcDisable(r.gt);
    const t = r.t;
    const foo = makeClass(t, 'Target', null);
    const callbackClass = makeClass(t, 'Callback', ['id']);
    check(t, typeSetSlot(t, callbackClass, 'call', weakrefCallSlot()));
    const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    Atomics.store(ctrl, C_FOO, foo);
    Atomics.store(ctrl, C_CALLBACK_CLASS, callbackClass);
    const ids = workers * ID_SPAN;
    const params: WeakrefStressParams = {
      runtime: r.handle,
      ctrl,
      calls: new Int32Array(new SharedArrayBuffer(ids * 4)),
      wrOf: new Int32Array(new SharedArrayBuffer(ids * 4)),
      callbackBad: new Int32Array(new SharedArrayBuffer(4)),
      control: 'none',
      waitMs: 20_000,
    };
    const state: WeakrefState = { r, detached: false, gcObjects: 0 };
    gcCollect(r.gt);
    state.gcObjects = gcObjects(r);
    detach(r.participant);
    state.detached = true;
    return { params, state };
  },
  check(ctx: CheckContext<WeakrefStressParams, WeakrefState>): StressCheck[] {
    const { state, params, results } = ctx;
    reattach(state);
    const r = state.r;
    // A control run's heap is corrupt (and its workers left without their thread-exit work): no accounting.
    let after = -1;
    if (params.control === 'none') {
      processMergeQueue(r.t.rc);
      gcCollect(r.gt);
      after = gcObjects(r);
    }
    const S = (k: keyof WeakrefWorkerResult): number => sum(results, k);
    const p = problems(results);
    const rounds = S('rounds') / ctx.workers;
    const callbackBad = Atomics.load(params.callbackBad, 0);
    return [
      { name: GET_CHECK, ok: S('getBad') === 0 && S('gets') > 0, detail: `${S('getBad')} wrong of ${S('gets')} reads (${S('getsWithT')} gave T, ${S('getsEmpty')} nothing)${p}` },
      {
        name: CALLBACK_CHECK,
        ok: callbackBad === 0 && S('callbackTwice') === 0 && S('callbackMissing') === 0 && S('heldAtDeath') > 0,
        detail: `${S('callbackMissing')} missing of ${S('heldAtDeath')} held with a callback at death, ${S('callbackTwice')} called twice, ${callbackBad} wrong calls${p}`,
      },
      { name: CANONICAL_CHECK, ok: S('canonicalBad') === 0 && S('canonicalChecks') > 0, detail: `${S('canonicalBad')} wrong of ${S('canonicalChecks')}${p}` },
      { name: 'the hash of a weakref while T lived was T’s', ok: S('hashBad') === 0, detail: `${S('hashBad')} wrong of ${S('hashes')}${p}` },
      { name: FAULT_CHECK, ok: S('faults') === 0, detail: `${S('faults')} faults${p}` },
      ...(params.control === 'none' ? [{ name: ACCOUNTING_CHECK, ok: after === state.gcObjects, detail: `${after} GC objects (${state.gcObjects} before)` }] : []),
      { name: 'coverage: rounds ran, T died on several threads, weakrefs with callbacks were held at its death', ok: rounds >= 1 && S('createdWithCallback') > 0 && S('heldAtDeath') > 0, detail: `${rounds} rounds, ${S('created')} weakrefs created (${S('createdWithCallback')} with a callback)` },
    ];
  },
  metrics: ({ results, workers }) => [
    { name: 'rounds', value: sum(results, 'rounds') / workers, unit: '' },
    { name: 'reads', value: sum(results, 'gets'), unit: '' },
    { name: 'weakrefs created', value: sum(results, 'created'), unit: '' },
    { name: 'with a callback', value: sum(results, 'createdWithCallback'), unit: '' },
    { name: 'dropped before death', value: sum(results, 'dropped'), unit: '' },
    { name: 'held at death with a callback', value: sum(results, 'heldAtDeath'), unit: '' },
    { name: 'canonical checks', value: sum(results, 'canonicalChecks'), unit: '' },
    { name: 'wrong', value: sum(results, 'getBad') + sum(results, 'canonicalBad') + sum(results, 'callbackMissing') + sum(results, 'callbackTwice'), unit: '' },
    { name: 'faults', value: sum(results, 'faults'), unit: '' },
  ],
  teardown: (state) => {
    reattach(state);
    state.r.close();
  },
};

/** The weakref scenario (for a stress report that loads this file). */
export const scenarios = [weakrefScenario];
