/**
 * A worker of the type-store stress scenario (type-store.scenario.ts
 * describes the run, the roles and the checks). Hang dumps show user
 * counter 0: the phase (1 running, 3 the setter inside a store, 4 the
 * locker inside its hold, 5 leaving), counter 1: the write or hold count.
 */

import { criticalSectionBegin, criticalSectionEnd, MUTEX_HAS_PARKED_BIT, mutexIsLocked } from '@ft/atomics';
import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { qsbrQuiescentState } from '@ft/qsbr';
import { decref, getRefcount, OB_MUTEX_OFFSET, OB_TYPE_OFFSET } from '@ft/refcount';
import { typeDictStoreSeams } from '../../src/generic-attr.js';
import { intAsNumber, objectGetAttr, objectSetAttr, StaticType, typeLookupRef, typeVersionTag, type ObThread } from '../../src/index.js';
import { OS_TYPE_LOCK_OFFSET, TP_DICT_OFFSET } from '../../src/layout.js';
import { check, joinRuntime, type Runtime } from '../runtime.js';
import {
  C_ABORT,
  C_DONE,
  C_FINISHED,
  C_LOCKED,
  C_MISSES,
  C_NAME,
  C_PUBLISHED,
  C_STALE,
  C_STORING,
  C_TRIPLES,
  C_WAITS,
  CONTROL_STALE,
  HELD,
  LOCK_HOLD_MIN_US,
  LOCK_HOLD_SPREAD_US,
  LOCK_PAUSE_US,
  PER_TRIPLE,
  RUN_ON_CAP_MS,
  SETTER_PAUSE_US,
  SLOW_STORE_US,
  SYNC_SPIN_US,
  tripleWord,
  VALUE_BASE,
  type DictLockerResult,
  type StoreReaderResult,
  type StoreSetterResult,
  type TypeStoreParams,
} from './type-store.scenario.js';
import { sharedInt } from './types.scenario.js';
import { describe, MAX_SANE_REFCOUNT, note, POISON_WORD, spinMicros, takeError } from './type-notes.js';

type Ctx = StressWorkerContext<TypeStoreParams>;

/** Reader lookups between two quiescent states. */
const READER_BATCH = 64;

/** The dict of triple `tri`'s A. SAFETY: tp_dict is set when the class is made and never changes. */
function dictOf(t: ObThread, ctrl: Int32Array, tri: number): number {
  return t.u32[(Atomics.load(ctrl, tripleWord(tri, 0)) + TP_DICT_OFFSET) >>> 2]!;
}

function abortIfFailed(ctrl: Int32Array): void {
  if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
}

/** What every looker counts (the setter's, the locker's and the readers' lookups). */
interface Looker {
  lookups: number;
  stale: number;
  garbage: number;
  errors: number;
  problems: string[];
}

/**
 * Checks a lookup's result `v` (a new reference, or 0 with an exception):
 * an exact int VALUE_BASE + k of triple `tri` with a sane refcount, k at
 * most the published k after the lookup + 1 (the store in flight), and
 * k ≥ k0 (published before the lookup began). Releases `v`.
 */
function checkValue(t: ObThread, ctrl: Int32Array, who: Looker, v: number, k0: number, tri: number, what: string): void {
  who.lookups++;
  if (v === 0) {
    who.errors++;
    note(who.problems, `${what} on triple ${tri} failed: ${takeError(t)}`);
    return;
  }
  const published = Atomics.load(ctrl, C_PUBLISHED);
  // SAFETY: the type word of a value this thread holds a reference to never changes (a freed one reads 0xDD).
  const type = t.u32[(v + OB_TYPE_OFFSET) >>> 2]!;
  const refcount = type === POISON_WORD ? 0 : getRefcount(t.rc, v);
  const k = type === t.types[StaticType.Int]! ? intAsNumber(t, v) - VALUE_BASE : -1;
  if (k < 0 || refcount < 1 || refcount > MAX_SANE_REFCOUNT || Math.floor(k / PER_TRIPLE) !== tri || k > published + 1) {
    who.garbage++;
    note(who.problems, `${what} on triple ${tri} gave ${describe(t, v)} (published ${k0} before, ${published} after)`);
    if (type === POISON_WORD) return; // never touch a freed object's count
  } else if (k < k0) {
    who.stale++;
    Atomics.add(ctrl, C_STALE, 1);
    note(who.problems, `${what} on triple ${tri} gave v_${k}, older than v_${k0} published before the lookup began`);
  }
  decref(t.rc, v);
}

// --- the setter -----------------------------------------------------------------------------------

function setter(ctx: Ctx, r: Runtime): StoreSetterResult {
  const { ctrl, control: variant, minWaits, minMisses } = ctx.params;
  const t = r.t;
  const rng = ctx.rng;
  const control = variant !== 'none';
  const res: StoreSetterResult = { role: 'setter', writes: 0, extraWrites: 0, triplesUsed: 1, synced: 0, foundLocked: 0, slowLocked: 0, maxStoreUs: 0, lookups: 0, stale: 0, garbage: 0, errors: 0, problems: [] };
  const name = Atomics.load(ctrl, C_NAME);
  const triples = Atomics.load(ctrl, C_TRIPLES);
  const held: number[] = [];
  const start = Date.now();
  ctx.setCounter(0, 1);
  for (let k = 1; ; k++) {
    const tri = Math.floor(k / PER_TRIPLE);
    if (tri >= triples) break;
    if (ctx.shouldStop(k - 1)) {
      // Past the budget: on until the coverage is there (the control: until a stale value was seen), or the cap.
      const owed = control ? Atomics.load(ctrl, C_STALE) < CONTROL_STALE : Atomics.load(ctrl, C_WAITS) < minWaits || Atomics.load(ctrl, C_MISSES) < minMisses;
      if (!owed || ctx.stopRequested() || Date.now() - start > RUN_ON_CAP_MS) break;
      res.extraWrites++;
    }
    abortIfFailed(ctrl);
    if (tri + 1 > res.triplesUsed) res.triplesUsed = tri + 1;
    const A = Atomics.load(ctrl, tripleWord(tri, 0));
    const C = Atomics.load(ctrl, tripleWord(tri, 2));
    const mutex = dictOf(t, ctrl, tri) + OB_MUTEX_OFFSET;
    const v = sharedInt(t, VALUE_BASE + k);
    if ((k & 2) === 0) {
      // Half of the writes wait (a little) for the locker to hold the dict: stores that meet a held lock.
      const end = performance.now() + SYNC_SPIN_US / 1000;
      while (Atomics.load(ctrl, C_LOCKED) === 0 && performance.now() < end) {
        // spin
      }
      if (Atomics.load(ctrl, C_LOCKED) !== 0) res.synced++;
    }
    const locked = mutexIsLocked(t.heap, mutex);
    ctx.setCounter(0, 3);
    Atomics.store(ctrl, C_STORING, k);
    const t0 = performance.now();
    check(t, objectSetAttr(t, A, name, v));
    const us = (performance.now() - t0) * 1000;
    Atomics.store(ctrl, C_STORING, 0);
    Atomics.store(ctrl, C_PUBLISHED, k);
    ctx.setCounter(0, 1);
    res.writes++;
    if (locked) {
      res.foundLocked++;
      if (us >= SLOW_STORE_US) res.slowLocked++;
    }
    if (us > res.maxStoreUs) res.maxStoreUs = Math.round(us);
    // After odd writes, the setter's own lookup: exactly v_k (it is the only writer), never an entry cached
    // in the store's gap. After even ones C keeps version 0 until a reader's lookup misses.
    if ((k & 1) === 1) checkValue(t, ctrl, res, typeLookupRef(t, C, name), k, tri, 'the setter: C.x after its store');
    // The last HELD values stay alive (type-store.scenario.ts): a stale one is still v_{k-1}; older blocks are reused.
    held.push(v);
    if (held.length > HELD) decref(t.rc, held.shift()!);
    spinMicros(rng.nextInt(SETTER_PAUSE_US));
    if ((k & 63) === 0) {
      ctx.setCounter(1, k);
      ctx.progress(k);
      qsbrQuiescentState(t.qsbr);
    }
  }
  Atomics.store(ctrl, C_DONE, 1);
  Atomics.notify(ctrl, C_DONE);
  for (const v of held) decref(t.rc, v);
  return res;
}

// --- the dict-locker ------------------------------------------------------------------------------

function locker(ctx: Ctx, r: Runtime): DictLockerResult {
  const { ctrl } = ctx.params;
  const t = r.t;
  const rng = ctx.rng;
  const res: DictLockerResult = { role: 'locker', holds: 0, parkedSeen: 0, setterWaits: 0, typeLockHeldAtWait: 0, lookups: 0, stale: 0, garbage: 0, errors: 0, problems: [] };
  const name = Atomics.load(ctrl, C_NAME);
  const triples = Atomics.load(ctrl, C_TRIPLES);
  const typeLock = t.state + OS_TYPE_LOCK_OFFSET;
  ctx.setCounter(0, 1);
  while (Atomics.load(ctrl, C_DONE) === 0) {
    abortIfFailed(ctrl);
    // The dict of the triple the setter writes next.
    const tri = Math.min(triples - 1, Math.floor((Atomics.load(ctrl, C_PUBLISHED) + 1) / PER_TRIPLE));
    const C = Atomics.load(ctrl, tripleWord(tri, 2));
    const mutex = dictOf(t, ctrl, tri) + OB_MUTEX_OFFSET;
    ctx.setCounter(0, 4);
    criticalSectionBegin(t.heap, mutex);
    Atomics.store(ctrl, C_LOCKED, 1);
    const end = performance.now() + (LOCK_HOLD_MIN_US + rng.nextInt(LOCK_HOLD_SPREAD_US)) / 1000;
    let waited = false;
    while (performance.now() < end) {
      if (!waited && (Atomics.load(t.u8, mutex) & MUTEX_HAS_PARKED_BIT) !== 0 && Atomics.load(ctrl, C_STORING) !== 0) {
        // The setter's store parked on this hold: look x up now, in the middle of its store (the old
        // code's gap, with the type lock suspended). A wait on the type lock would suspend this section.
        waited = true;
        res.setterWaits++;
        Atomics.add(ctrl, C_WAITS, 1);
        if (mutexIsLocked(t.heap, typeLock)) res.typeLockHeldAtWait++;
        const k0 = Atomics.load(ctrl, C_PUBLISHED);
        checkValue(t, ctrl, res, typeLookupRef(t, C, name), k0, tri, 'the locker: C.x while the setter waited');
      }
    }
    const parked = (Atomics.load(t.u8, mutex) & MUTEX_HAS_PARKED_BIT) !== 0;
    Atomics.store(ctrl, C_LOCKED, 0);
    criticalSectionEnd(t.heap);
    ctx.setCounter(0, 1);
    res.holds++;
    if (parked || waited) res.parkedSeen++;
    spinMicros(rng.nextInt(LOCK_PAUSE_US));
    if ((res.holds & 255) === 0) {
      ctx.setCounter(1, res.holds);
      ctx.progress(res.holds);
      qsbrQuiescentState(t.qsbr);
    }
  }
  return res;
}

// --- readers --------------------------------------------------------------------------------------

function reader(ctx: Ctx, r: Runtime): StoreReaderResult {
  const { ctrl } = ctx.params;
  const t = r.t;
  const rng = ctx.rng;
  const w = ctx.index;
  const res: StoreReaderResult = {
    role: 'reader',
    lookups: 0,
    onB: 0,
    viaGetAttr: 0,
    stale: 0,
    garbage: 0,
    errors: 0,
    missesSeen: 0,
    versionChanges: 0,
    keptVersion: 0,
    duringBlockedStore: 0,
    missDuringBlockedStore: 0,
    problems: [],
  };
  const name = Atomics.load(ctrl, C_NAME);
  const triples = Atomics.load(ctrl, C_TRIPLES);
  /** This reader's previous version of each triple's B (index 2·tri) and C (2·tri + 1). */
  const lastVersion = new Array<number>(2 * triples).fill(-1);

  const lookup = (): void => {
    const k0 = Atomics.load(ctrl, C_PUBLISHED);
    const tri = Math.floor(k0 / PER_TRIPLE);
    const pick = rng.nextInt(8);
    const onB = pick === 5;
    const viaGetAttr = pick >= 6;
    const cls = Atomics.load(ctrl, tripleWord(tri, onB ? 1 : 2));
    const version = typeVersionTag(t, cls);
    const blocked = Atomics.load(ctrl, C_STORING) !== 0 && Atomics.load(ctrl, C_LOCKED) !== 0;
    const v = viaGetAttr ? objectGetAttr(t, Atomics.load(ctrl, tripleWord(tri, 3)), name) : typeLookupRef(t, cls, name);
    const versionAfter = typeVersionTag(t, cls);
    if (onB) res.onB++;
    if (viaGetAttr) res.viaGetAttr++;
    if (version === 0) res.missesSeen++;
    else if (versionAfter === version) res.keptVersion++;
    if (blocked) {
      res.duringBlockedStore++;
      if (version === 0) res.missDuringBlockedStore++;
    }
    const slot = 2 * tri + (onB ? 0 : 1);
    if (lastVersion[slot] !== -1 && lastVersion[slot] !== version) res.versionChanges++;
    lastVersion[slot] = version;
    checkValue(t, ctrl, res, v, k0, tri, `reader ${w}: ${viaGetAttr ? 'getattr(c, x)' : onB ? 'B.x' : 'C.x'} (version ${version} → ${versionAfter})`);
  };

  ctx.setCounter(0, 1);
  let batches = 0;
  // Until the setter is done (it is the one that honours a stop request).
  while (Atomics.load(ctrl, C_DONE) === 0) {
    abortIfFailed(ctrl);
    const misses = res.missesSeen;
    for (let n = 0; n < READER_BATCH; n++) lookup();
    if (res.missesSeen !== misses) Atomics.add(ctrl, C_MISSES, res.missesSeen - misses);
    qsbrQuiescentState(t.qsbr);
    if ((++batches & 15) === 0) {
      ctx.setCounter(1, batches);
      ctx.progress(res.lookups);
    }
  }
  return res;
}

// --- entry ------------------------------------------------------------------------------------

runStressWorker<TypeStoreParams>((ctx) => {
  const r = joinRuntime(ctx.params.runtime);
  // The control: this isolate's class stores take the type lock alone (seams are per isolate).
  typeDictStoreSeams.typeLockOnly = ctx.params.control === 'type-lock-only';
  try {
    return ctx.role === 'setter' ? setter(ctx, r) : ctx.role === 'locker' ? locker(ctx, r) : reader(ctx, r);
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    Atomics.notify(ctx.params.ctrl, C_ABORT);
    // The others stop with the setter.
    Atomics.store(ctx.params.ctrl, C_DONE, 1);
    throw error;
  } finally {
    typeDictStoreSeams.typeLockOnly = false;
    Atomics.add(ctx.params.ctrl, C_FINISHED, 1);
    ctx.setCounter(0, 5);
    r.close();
  }
});
