/**
 * A worker of the weakref stress scenario (weakref.scenario.ts describes
 * the rounds and the checks). Hang dumps show user counter 0: the phase
 * (1 churning, 2 in a barrier, 3 end-of-round checks) and counter 1: the
 * round.
 *
 * A worker never releases what a read gave when it was neither T nor
 * nothing (it could be freed memory): it is counted and kept.
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { qsbrQuiescentState } from '@ft/qsbr';
import { decref, processMergeQueue } from '@ft/refcount';
import { errToJs, intFromNumber, objectHash, typeGenericAlloc } from '../../src/index.js';
import { weakrefGetRef, weakrefNewProxy, weakrefNewRef, weakrefSeams } from '../../src/weakref.js';
import { joinRuntime, type Runtime } from '../runtime.js';
import {
  AFTER_RELEASE,
  C_ABORT,
  C_BARRIER,
  C_CALLBACK_CLASS,
  C_CONTINUE,
  C_FAULTED,
  C_FOO,
  C_RELEASED,
  C_SEED_REF,
  C_TARGET,
  CALLBACK_ID_OFFSET,
  callbackShared,
  ID_SPAN,
  registerWeakrefStressSlots,
  RELEASE_MIN,
  RELEASE_SPAN,
  SLOTS,
  type WeakrefStressParams,
  type WeakrefWorkerResult,
} from './weakref.scenario.js';

type Ctx = StressWorkerContext<WeakrefStressParams>;

const MAX_PROBLEMS = 8;

/** A weakref slot's kinds: the basic ref, a ref with a callback, the basic proxy, a proxy with a callback. */
const enum Kind {
  Ref,
  RefCallback,
  Proxy,
  ProxyCallback,
}

interface Slot {
  wr: number;
  kind: Kind;
  /** The callback's id, -1 for none. */
  id: number;
}

function note(res: WeakrefWorkerResult, message: string): void {
  if (res.problems.length < MAX_PROBLEMS) res.problems.push(message);
}

function store(ctrl: Int32Array, index: number, value: number): void {
  Atomics.store(ctrl, index, value);
  Atomics.notify(ctrl, index);
}

/** A barrier of all workers (generation counting on C_BARRIER); throws past the wait limit or when a worker failed. */
function makeBarrier(ctx: Ctx): (what: string) => void {
  let generation = 0;
  const { ctrl, waitMs } = ctx.params;
  return (what) => {
    generation++;
    ctx.setCounter(0, 2);
    Atomics.add(ctrl, C_BARRIER, 1);
    Atomics.notify(ctrl, C_BARRIER);
    const deadline = Date.now() + waitMs;
    for (let spins = 0; ; spins++) {
      const seen = Atomics.load(ctrl, C_BARRIER);
      if (seen >= generation * ctx.workers) break;
      if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
      if (Date.now() > deadline) throw new Error(`barrier '${what}' (${generation}) not reached in ${waitMs} ms`);
      if (spins > 200) Atomics.wait(ctrl, C_BARRIER, seen, 1);
    }
  };
}

function body(ctx: Ctx, r: Runtime, res: WeakrefWorkerResult): void {
  const t = r.t;
  const { ctrl, calls, wrOf } = ctx.params;
  const control = ctx.params.control !== 'none';
  const barrier = makeBarrier(ctx);
  const foo = Atomics.load(ctrl, C_FOO);
  const callbackClass = Atomics.load(ctrl, C_CALLBACK_CLASS);
  const w = ctx.index;
  const rng = ctx.rng;
  const slots: Slot[] = Array.from({ length: SLOTS }, () => ({ wr: 0, kind: Kind.Ref, id: -1 }));
  for (let round = 0; ; round++) {
    ctx.setCounter(1, round);
    if (w === 0) {
      const stop = ctx.shouldStop(round) || (control && Atomics.load(ctrl, C_FAULTED) !== 0);
      if (!stop) {
        const target = typeGenericAlloc(t, foo);
        const seed = target === 0 ? 0 : weakrefNewRef(t, target);
        if (seed === 0) throw errToJs(t);
        store(ctrl, C_TARGET, target);
        store(ctrl, C_SEED_REF, seed);
      }
      store(ctrl, C_CONTINUE, stop ? -1 : round + 1);
    }
    barrier('start');
    if (Atomics.load(ctrl, C_CONTINUE) === -1) break;
    const target = Atomics.load(ctrl, C_TARGET);
    const seed = Atomics.load(ctrl, C_SEED_REF);
    ctx.setCounter(0, 1);

    // --- churn ---
    let holdTarget = w === 0; // worker 0's reference from the creation
    const releaseAt = w === 0 ? RELEASE_MIN + rng.nextInt(RELEASE_SPAN) : -1;
    let afterRelease = 0;
    let dead = false;
    let nextId = 0;
    /** A read of any weakref: T, or nothing once T is dead. Returns whether it gave T (the caller holds it then). */
    const read = (wr: number, mustBeTarget: boolean): boolean => {
      res.gets++;
      const got = weakrefGetRef(t, wr);
      if (got === target) {
        res.getsWithT++;
        if (dead) {
          res.getBad++;
          note(res, `round ${round}: a read gave T after a read gave nothing`);
        }
        return true;
      }
      if (got !== 0) {
        res.getBad++;
        note(res, `round ${round}: a read gave 0x${got.toString(16)}, T is 0x${target.toString(16)}`);
        return false; // kept: it may be freed memory
      }
      res.getsEmpty++;
      if (mustBeTarget) {
        res.getBad++;
        note(res, `round ${round}: a read gave nothing while T was held`);
      }
      if (!dead) res.deathsSeen++;
      dead = true;
      return false;
    };
    try {
      for (let i = 0; ; i++) {
        if (control && Atomics.load(ctrl, C_FAULTED) !== 0) break;
        if (i === releaseAt) {
          holdTarget = false;
          decref(t.rc, target);
          store(ctrl, C_RELEASED, round + 1);
        }
        if (Atomics.load(ctrl, C_RELEASED) === round + 1 && afterRelease++ >= AFTER_RELEASE) break;
        res.ops++;
        if ((res.ops & 63) === 0) ctx.progress(res.ops);
        if (!read(seed, holdTarget)) {
          // T is gone (or going): every held weakref gives nothing now.
          const slot = slots[rng.nextInt(SLOTS)]!;
          if (slot.wr !== 0 && read(slot.wr, false)) decref(t.rc, target);
          continue;
        }
        // Holding T.
        const slot = slots[rng.nextInt(SLOTS)]!;
        const action = rng.nextInt(10);
        if (action < 5) {
          if (slot.wr !== 0) {
            decref(t.rc, slot.wr);
            slot.wr = 0;
            res.dropped++;
          }
          let kind = rng.nextInt(4) as Kind;
          const withCallback = kind === Kind.RefCallback || kind === Kind.ProxyCallback;
          if (withCallback && nextId >= ID_SPAN) kind = kind === Kind.RefCallback ? Kind.Ref : Kind.Proxy;
          let id = -1;
          let wr: number;
          if (kind === Kind.RefCallback || kind === Kind.ProxyCallback) {
            id = w * ID_SPAN + nextId++;
            const callback = typeGenericAlloc(t, callbackClass);
            const idInt = callback === 0 ? 0 : intFromNumber(t, id);
            if (idInt === 0) throw errToJs(t);
            t.u32[(callback + CALLBACK_ID_OFFSET) >>> 2] = idInt; // SAFETY: not published yet; the instance owns the int
            wr = kind === Kind.RefCallback ? weakrefNewRef(t, target, callback) : weakrefNewProxy(t, target, callback);
            if (wr === 0) throw errToJs(t);
            Atomics.store(wrOf, id, wr); // before T can die: this worker holds it
            decref(t.rc, callback);
            res.createdWithCallback++;
          } else {
            // The basic ref (or proxy): the one this worker holds, if it holds one.
            const held = kind === Kind.Ref ? slots.find((s) => s.wr !== 0 && s.kind === Kind.Ref) : undefined;
            wr = kind === Kind.Ref ? weakrefNewRef(t, target) : weakrefNewProxy(t, target);
            if (wr === 0) throw errToJs(t);
            if (held !== undefined) {
              res.canonicalChecks++;
              if (held.wr !== wr) {
                res.canonicalBad++;
                note(res, `round ${round}: ref(T) gave 0x${wr.toString(16)} while the worker held the basic ref 0x${held.wr.toString(16)}`);
              }
            }
          }
          res.created++;
          slot.wr = wr;
          slot.kind = kind;
          slot.id = id;
        } else if (action < 7) {
          if (slot.wr !== 0) {
            decref(t.rc, slot.wr);
            slot.wr = 0;
            res.dropped++;
          }
        } else if (action < 9) {
          if (slot.wr !== 0 && read(slot.wr, true)) decref(t.rc, target);
        } else if (slot.wr !== 0 && (slot.kind === Kind.Ref || slot.kind === Kind.RefCallback)) {
          res.hashes++;
          const h = objectHash(t, slot.wr);
          if (h !== objectHash(t, target)) {
            res.hashBad++;
            note(res, `round ${round}: hash(ref) ${h}, hash(T) ${objectHash(t, target)}${h === -1 ? ` (${errToJs(t).message})` : ''}`);
          }
        }
        decref(t.rc, target);
      }
    } catch (error) {
      if (!control) throw error;
      res.faults++;
      note(res, `round ${round}: ${error instanceof Error ? error.message : String(error)}`);
      Atomics.store(ctrl, C_FAULTED, 1);
    }
    if (holdTarget && !control) throw new Error('worker 0 never dropped T');
    barrier('churned');

    // --- T is dead: every held weakref gives nothing; each held one with a callback was called once ---
    ctx.setCounter(0, 3);
    if (!(control && Atomics.load(ctrl, C_FAULTED) !== 0)) {
      for (const slot of slots) {
        if (slot.wr === 0) continue;
        if (read(slot.wr, false)) {
          res.getBad++;
          note(res, `round ${round}: a held weakref gave T after every strong reference was dropped`);
          decref(t.rc, target);
        }
        if (slot.id >= 0) {
          res.heldAtDeath++;
          if (Atomics.load(calls, slot.id) === 0) {
            res.callbackMissing++;
            note(res, `round ${round}: the callback of held weakref 0x${slot.wr.toString(16)} (id ${slot.id}) never ran`);
          }
        }
        decref(t.rc, slot.wr);
        slot.wr = 0;
      }
      for (let k = 0; k < nextId; k++) {
        const id = w * ID_SPAN + k;
        const n = Atomics.load(calls, id);
        if (n > 1) {
          res.callbackTwice++;
          note(res, `round ${round}: callback ${id} ran ${n} times`);
        }
        Atomics.store(calls, id, 0);
        Atomics.store(wrOf, id, 0);
      }
      if (w === 0) {
        if (read(seed, false)) {
          res.getBad++;
          decref(t.rc, target);
        }
        decref(t.rc, seed);
      }
      processMergeQueue(t.rc);
      qsbrQuiescentState(r.qsbr);
    }
    res.rounds++;
    if (control && Atomics.load(ctrl, C_FAULTED) !== 0) {
      // The lists are corrupt: leave what this worker holds where it is.
      barrier('faulted');
      if (w === 0) store(ctrl, C_CONTINUE, -1);
      break;
    }
  }
}

runStressWorker<WeakrefStressParams>((ctx) => {
  if (ctx.params.control === 'no-stripes') weakrefSeams.stripesDisabled = true;
  const r = joinRuntime(ctx.params.runtime, registerWeakrefStressSlots);
  const res: WeakrefWorkerResult = {
    rounds: 0,
    ops: 0,
    gets: 0,
    getsWithT: 0,
    getsEmpty: 0,
    getBad: 0,
    created: 0,
    createdWithCallback: 0,
    dropped: 0,
    canonicalChecks: 0,
    canonicalBad: 0,
    hashes: 0,
    hashBad: 0,
    heldAtDeath: 0,
    callbackMissing: 0,
    callbackTwice: 0,
    deathsSeen: 0,
    faults: 0,
    problems: [],
  };
  callbackShared.params = ctx.params;
  callbackShared.note = (message) => note(res, message);
  try {
    body(ctx, r, res);
    return res;
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    throw error;
  } finally {
    // A control run's lists are corrupt: its workers leave without their thread-exit work (the heap is discarded).
    if (ctx.params.control === 'none') r.close();
  }
});
