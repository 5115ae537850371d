/**
 * A class attribute store (`A.x = v`: `typeDictStore`) against the method
 * cache, with real workers, while another thread holds the class dict's
 * lock. `typeDictStore` invalidates the version tags of A and its
 * subclasses and then stores into A's dict. Before the fix it held only the
 * type lock and let `dictSetItem` take the dict's critical section inside
 * it; when another thread held the dict's lock, that nested begin had to
 * wait, and waiting suspends every outer critical section (CPython's
 * semantics, atomics/src/critical-section.ts): the type lock was released
 * between the invalidation and the store. A lookup that missed in that gap
 * (`typeLookupRef`'s slow path: under the type lock it assigns a fresh
 * version and walks the MRO) cached the OLD value under the FRESH version,
 * and every later lookup was served that stale value until the next write.
 * The fix takes both locks together (`criticalSectionBegin2`; the store's
 * own section on the dict re-enters). `typeDictStoreSeams.typeLockOnly`
 * restores the old locking for the control.
 *
 * `objects/type-dict-store` — roles: the setter (worker 0), the
 * dict-locker (worker 1), readers (workers 2…). Every run uses
 * `mimalloc_debug` and keeps automatic collections off (`gcDisable`); the
 * main thread builds the objects, then detaches its participant until the
 * check (types.scenario.ts, dict.scenario.ts). Classes `A(object)`,
 * `B(A)`, `C(B)` in triples (a class takes at most 1000 version tags, at
 * most one per write a lookup follows: PER_TRIPLE writes each), with
 * `A.x = v_0` and an instance of C. Values are ints VALUE_BASE + k flagged
 * MAYBE_WEAKREF (`sharedInt`: lock-free readers may take them). The name
 * 'x' is made once by the main thread and shared by address (the cache
 * compares names by identity).
 * - The setter writes `A.x = v_k` (`objectSetAttr` on the class) for
 *   k = 1, 2, … on triple k / PER_TRIPLE, with `ctrl[C_STORING]` = k
 *   during the call, and publishes k in `ctrl[C_PUBLISHED]` after it.
 *   Before half of the writes it waits (at most SYNC_SPIN_US) until the
 *   dict-locker holds the dict, so that many stores meet the held lock
 *   whatever the load. After each odd write it looks `C.x` up itself,
 *   which must give v_k (it is the only writer): an entry cached in the
 *   store's gap is found at once, whatever the readers' scheduling; after
 *   an even one C keeps version 0 until a reader's lookup misses. Random
 *   pauses of a few microseconds between writes. It keeps the last HELD values it stored alive (the main thread
 *   keeps each v_0): a stale value is then still the object v_{k-1} when a
 *   lookup is served it soon after the store (the cache entry's value is
 *   borrowed: a freed one would fail the try-incref and send the lookup to
 *   the slow path, hiding the staleness), while older values are freed and
 *   their blocks reused under lookups (see "Findings").
 * - The dict-locker enters the critical section of the dict of the triple
 *   the setter writes next (`criticalSectionBegin` on its ob_mutex), holds
 *   it LOCK_HOLD_MIN_US…+LOCK_HOLD_SPREAD_US (a busy spin, `ctrl[C_LOCKED]`
 *   = 1 meanwhile), ends it, pauses briefly, again and again. A store that
 *   meets the held lock spins briefly and then parks; when the locker sees
 *   the mutex's parked bit with a store in progress (a setter wait), it
 *   looks `C.x` up itself, still holding the dict: in the old code that is
 *   a lookup in the gap (C's version 0, the type lock suspended: it caches
 *   v_{k-1} under a fresh version), with the fix a plain hit (the waiting
 *   store holds the type lock, or has not taken either lock yet; nothing
 *   is invalidated before both are held). Readers alone met the gap too
 *   rarely on two cores (a run of 19 000 control writes with no stale
 *   value).
 * - Readers, in a loop: read the published k0, then look `x` up on that
 *   triple's C (`typeLookupRef`), sometimes on B, sometimes
 *   `objectGetAttr` on the instance of C.
 * Every lookup's value (the setter's, the locker's, the readers') must be
 * an exact int VALUE_BASE + k of that triple with k ≥ k0 (never older than
 * what was published before the lookup began) and k ≤ the published k
 * after it + 1 (the store in flight).
 * Checks: no stale value (STALE_CHECK); every value an exact v_k of the
 * triple with a sane refcount, never an error (GARBAGE_CHECK); after the
 * run, the main thread's lookups of `x` on every triple's C and B return
 * exactly the object in A's dict (FINAL_CHECK: a stale entry left by a
 * triple's last write would stay forever). Coverage (can fail): the
 * setter's stores parked on the dict lock the locker held at least
 * `minWaits` times (WAIT_CHECK); readers looked up while a store was
 * blocked on the locker, saw invalidations (`minMisses` lookups beginning
 * at version 0, as many version changes) and lookups at a kept version.
 * Coverage is owed per WRITES_PER_COVERAGE writes of the budget; past its
 * writes the setter goes on until the waits and misses are there (at most
 * RUN_ON_CAP_MS from the start), as the rates depend on the load.
 *
 * Control 'type-lock-only': every worker sets
 * `typeDictStoreSeams.typeLockOnly` in its isolate (only the setter
 * stores, but seams are per isolate); past its writes the setter goes on
 * until a stale value was seen (CONTROL_STALE; at most RUN_ON_CAP_MS, or
 * until the triples run out). The stale check must fail, and did in every
 * run so far, within the budget: the setter's own lookups found 25 to 140
 * stale entries per 4000 writes (the first within the first few hundred
 * writes), and the readers were served them from once to ~290 000 times.
 *
 * Findings (src/, both fixed there):
 * - generic-attr.ts, `typeDictStore`: the store held the type lock alone;
 *   the control above is that code (the seam).
 * - method-cache.ts, `typeLookupRef` (the private first level and
 *   `typeLookupShared`): the type's version is read once, before the
 *   entry is matched and its borrowed value try-incref'd, and never again.
 *   A reader preempted between the two (the class modified meanwhile, the
 *   old value freed and its block reused by another int of the same size
 *   class, alive and MAYBE_WEAKREF) takes a reference to an object that
 *   never was the attribute: with the setter dropping each value 8 writes
 *   later, the normal run failed GARBAGE_CHECK in 3 runs of 9 (e.g. a
 *   lookup of triple 3's `C.x` gave v_3220 of triple 4, the class's
 *   version having moved by 180 during that lookup; only values of
 *   another triple are told apart, so most such returns pass unseen).
 *   With a 20 µs pause injected into that window (a scratch copy of src/)
 *   it failed 2 runs of 3; with the version re-read after the try-incref
 *   as well, and the slow path taken when it changed, 4 runs of 4 passed
 *   (a version is never reused, and a store invalidates before it drops
 *   the old value, so an unchanged version proves that the object taken
 *   was the live value). Fixed so (`versionHeld`); the setter now drops
 *   each value HELD = 8 writes after storing it, so that the run keeps
 *   testing it: a reused block is an int of another triple or a decoy.
 */

import { attach, detach } from '@ft/atomics';
import { gcDisable } from '@ft/gc';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { decref } from '@ft/refcount';
import { dictGetItemRef, strFromJs, typeGenericAlloc, typeLookupRef } from '../../src/index.js';
import { TP_DICT_OFFSET } from '../../src/layout.js';
import { check, makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';
import { makeClass, ok, problems, sharedInt, sum } from './types.scenario.js';

// --- control block words (shared) ---------------------------------------------------------------

/** A worker failed: every loop gives up. */
export const C_ABORT = 0;
/** The setter is done (1): the locker and the readers stop. */
export const C_DONE = 1;
/** Workers that finished. */
export const C_FINISHED = 2;
/** The last k whose store `A.x = v_k` completed. */
export const C_PUBLISHED = 3;
/** The name 'x'. */
export const C_NAME = 4;
/** Triples made; triple i at `tripleWord(i, 0..3)`: A, B, C, an instance of C. */
export const C_TRIPLES = 5;
/** k while the setter is inside `objectSetAttr(A, 'x', v_k)`, else 0. */
export const C_STORING = 6;
/** 1 while the dict-locker holds the dict's critical section. */
export const C_LOCKED = 7;
/** Stale values seen (the control runs on until there is one). */
export const C_STALE = 8;
/** Setter waits the locker saw (the normal run runs on until there are `minWaits`). */
export const C_WAITS = 9;
/** Reader lookups that began at version 0 (the normal run runs on until there are `minMisses`). */
export const C_MISSES = 10;
/** First word of the triples. */
export const C_AREA = 16;

/** Word f of triple i. */
export function tripleWord(i: number, f: number): number {
  return C_AREA + 4 * i + f;
}

/** First value of `A.x` (ints of this size are heap-allocated and counted). */
export const VALUE_BASE = 1_000_000;
/** Writes per triple (a class takes at most 1000 version tags: at most one per write, plus the final check's). */
export const PER_TRIPLE = 800;
/** Triples made at most (both runs may write past the budget: see WRITES_PER_COVERAGE). */
export const MAX_TRIPLES = 64;
/**
 * Values the setter keeps alive after storing them, the last HELD (the file
 * comment), so that freed blocks come back as other values under readers:
 * the method cache's try-incref race ("Findings") shows as garbage.
 */
export const HELD = 8;
/** The setter's pause between writes: 0…this many µs. */
export const SETTER_PAUSE_US = 20;
/** The dict-locker's hold: LOCK_HOLD_MIN_US + 0…LOCK_HOLD_SPREAD_US µs (a waiter spins a few µs, then parks). */
export const LOCK_HOLD_MIN_US = 5;
export const LOCK_HOLD_SPREAD_US = 50;
/** The dict-locker's pause between holds: 0…this many µs. */
export const LOCK_PAUSE_US = 10;
/** Half of the writes wait up to this long for the locker to hold the dict before they store. */
export const SYNC_SPIN_US = 200;
/** A store that took this long met a held lock and parked (the spin phase is a few µs). */
export const SLOW_STORE_US = 20;
/**
 * Coverage owed: setter waits and reader misses, one per this many writes
 * of the budget each. Past its writes the setter goes on until both are
 * there (how many come per write depends on the load: 20 to 1200 waits per
 * 4000 writes were seen on two cores)…
 */
export const WRITES_PER_COVERAGE = 80;
/** …the control until a stale value was seen… */
export const CONTROL_STALE = 1;
/** …for at most this long from the start (or until the triples run out). */
export const RUN_ON_CAP_MS = 12_000;

export type TypeStoreControl = 'none' | 'type-lock-only';

export interface TypeStoreParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
  /** 'type-lock-only': every worker sets `typeDictStoreSeams.typeLockOnly` (the control that must fail). */
  readonly control: TypeStoreControl;
  /** Setter waits owed (WAIT_CHECK). */
  readonly minWaits: number;
  /** Reader misses (lookups beginning at version 0) and version changes owed. */
  readonly minMisses: number;
}

// --- results --------------------------------------------------------------------------------------

export interface StoreSetterResult {
  readonly role: 'setter';
  writes: number;
  /** Writes past the budget (until the coverage was there; the control: until a stale value was seen). */
  extraWrites: number;
  triplesUsed: number;
  /** Writes (half of them) that waited for the locker to hold the dict, and found it held within SYNC_SPIN_US. */
  synced: number;
  /** Stores that found the dict locked as they began. */
  foundLocked: number;
  /** Stores that took SLOW_STORE_US or more and had found the dict locked (parked on it). */
  slowLocked: number;
  maxStoreUs: number;
  /** The setter's own lookups of C.x right after each odd store (exactly v_k owed). */
  lookups: number;
  stale: number;
  garbage: number;
  errors: number;
  problems: string[];
}

export interface DictLockerResult {
  readonly role: 'locker';
  holds: number;
  /** Holds during which a thread was parked on the mutex. */
  parkedSeen: number;
  /** Holds during which a thread was parked on the mutex with a store in progress: the setter's store waited for this hold. */
  setterWaits: number;
  /** …with the type lock held when the locker saw it (the fix: the waiting store holds it). */
  typeLockHeldAtWait: number;
  /** The locker's lookups of C.x while the setter waited (one per such hold). */
  lookups: number;
  stale: number;
  garbage: number;
  errors: number;
  problems: string[];
}

export interface StoreReaderResult {
  readonly role: 'reader';
  lookups: number;
  onB: number;
  viaGetAttr: number;
  /** Values older than the k published before the lookup began. */
  stale: number;
  /** Not an exact int of the triple's values, a bad refcount, a future k. */
  garbage: number;
  errors: number;
  /** Lookups that began at version 0 (the slow path, after an invalidation). */
  missesSeen: number;
  /** The class's version at a lookup differed from the one at this reader's previous lookup of it. */
  versionChanges: number;
  /** Lookups that began and ended at one non-zero version (served by a cache entry, mostly). */
  keptVersion: number;
  /** Lookups that began while a store was in progress and the locker held the dict. */
  duringBlockedStore: number;
  /** …of which began at version 0 (the old code's gap: the lookup that caches the old value). */
  missDuringBlockedStore: number;
  problems: string[];
}

// --- main-thread helpers -----------------------------------------------------------------------------

/** What the main thread keeps between setup, check and teardown. */
export interface TypeStoreState {
  readonly r: Runtime;
  detached: boolean;
  /** Objects the main thread keeps for the run (freed with the heap at teardown). */
  readonly held: number[];
}

const WORKER = new URL('./type-store.worker.ts', import.meta.url);

function max(results: readonly unknown[], role: string, key: string): number {
  let m = 0;
  for (const x of results) {
    const r = x as Record<string, unknown> | undefined;
    if (r?.role === role) m = Math.max(m, r[key] as number);
  }
  return m;
}

function reattach(state: TypeStoreState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

/** The checks the control is about (the test names them). */
export const STALE_CHECK = 'no lookup returned a value older than the k published before it began (the store never left the old value cached under a fresh version)';
export const GARBAGE_CHECK = 'every value looked up was an exact int v_k of the triple (k at most the store in flight), with a sane reference count, and no lookup raised';
export const FINAL_CHECK = 'after the run, lookups of x on every triple’s C and B return exactly the object in A’s dict';
export const WAIT_CHECK = 'coverage: the setter’s stores parked on the dict lock the locker held (each one a suspend of the type lock in the old code)';

export const typeStoreScenario: StressScenario<TypeStoreParams, TypeStoreState> = {
  name: 'objects/type-dict-store',
  description: 'a setter stores A.x while another thread holds A’s dict lock and readers look x up on C(B(A)) through the method cache: the store holds the type lock and the dict lock together, so no lookup caches the old value under a fresh version',
  worker: WORKER,
  defaultWorkers: 4,
  roles: (n) => {
    if (n < 3) throw new Error('objects/type-dict-store needs at least 3 workers (the setter, the dict-locker, readers)');
    return Array.from({ length: n }, (_, i) => (i === 0 ? 'setter' : i === 1 ? 'locker' : 'reader'));
  },
  /** Writes of A.x at FT_STRESS_SCALE=1. */
  opsPerWorker: 4000,
  setup: ({ opsPerWorker }) => {
    const r = makeRuntime({ allocator: 'mimalloc_debug' });
    gcDisable(r.gt);
    const t = r.t;
    // Enough triples for the budget, and room to write on past it (coverage; the control: a stale value).
    const triples = Number.isFinite(opsPerWorker) ? Math.min(MAX_TRIPLES, Math.max(Math.ceil((opsPerWorker + 1) / PER_TRIPLE) + 1, 32)) : MAX_TRIPLES;
    const ctrl = new Int32Array(new SharedArrayBuffer((C_AREA + 4 * triples) * 4));
    const state: TypeStoreState = { r, detached: false, held: [] };
    const name = check(t, strFromJs(t, 'x'));
    state.held.push(name);
    Atomics.store(ctrl, C_NAME, name);
    for (let i = 0; i < triples; i++) {
      const v = sharedInt(t, VALUE_BASE + i * PER_TRIPLE);
      const A = makeClass(t, `A${i}`, [], [[name, v]]);
      state.held.push(v); // v_0 stays alive as every v_k does (HELD)
      const B = makeClass(t, `B${i}`, [A]);
      const C = makeClass(t, `C${i}`, [B]);
      const inst = check(t, typeGenericAlloc(t, C));
      state.held.push(inst, C, B, A);
      [A, B, C, inst].forEach((x, f) => Atomics.store(ctrl, tripleWord(i, f), x));
    }
    Atomics.store(ctrl, C_TRIPLES, triples);
    Atomics.store(ctrl, C_PUBLISHED, 0);
    // Until the check: no QSBR goal waits for the main thread (types.scenario.ts).
    detach(r.participant);
    state.detached = true;
    // Timed mode (the stress report) stops on request, owing what a second or two gives.
    const owed = Number.isFinite(opsPerWorker) ? Math.max(1, Math.ceil(opsPerWorker / WRITES_PER_COVERAGE)) : 20;
    return { params: { runtime: r.handle, ctrl, control: 'none', minWaits: owed, minMisses: owed }, state };
  },
  check(ctx: CheckContext<TypeStoreParams, TypeStoreState>): StressCheck[] {
    reattach(ctx.state);
    const t = ctx.state.r.t;
    const { ctrl } = ctx.params;
    const res = ctx.results;
    const S = (k: keyof StoreSetterResult): number => sum(res, 'setter', k);
    const L = (k: keyof DictLockerResult): number => sum(res, 'locker', k);
    const R = (k: keyof StoreReaderResult): number => sum(res, 'reader', k);
    const p = problems(res);
    // The cache against the dicts, by the main thread (a stale shared entry serves it as it served the readers).
    const name = Atomics.load(ctrl, C_NAME);
    const triples = Atomics.load(ctrl, C_TRIPLES);
    let finalWrong = 0;
    const finalNotes: string[] = [];
    for (let i = 0; i < triples; i++) {
      const A = Atomics.load(ctrl, tripleWord(i, 0));
      const dict = t.u32[(A + TP_DICT_OFFSET) >>> 2]!; // SAFETY: the workers are gone
      const expected = dictGetItemRef(t, dict, name);
      for (const f of [2, 1]) {
        const got = typeLookupRef(t, Atomics.load(ctrl, tripleWord(i, f)), name);
        if (got !== expected) {
          finalWrong++;
          if (finalNotes.length < 4) finalNotes.push(`triple ${i}: ${f === 2 ? 'C' : 'B'}.x is 0x${got.toString(16)}, A.__dict__['x'] 0x${expected.toString(16)}`);
        }
        if (got !== 0) decref(t.rc, got);
      }
      if (expected !== 0) decref(t.rc, expected);
    }
    const writes = S('writes');
    const stale = S('stale') + L('stale') + R('stale');
    const lookups = S('lookups') + L('lookups') + R('lookups');
    const { minWaits, minMisses } = ctx.params;
    return [
      ok(STALE_CHECK, stale === 0, `${stale} stale of ${lookups} lookups over ${writes} writes: the setter's ${S('stale')} of ${S('lookups')} right after its stores, the locker's ${L('stale')} of ${L('lookups')} while the setter waited, the readers' ${R('stale')} of ${R('lookups')}${p}`),
      ok(GARBAGE_CHECK, S('garbage') + L('garbage') + R('garbage') === 0 && S('errors') + L('errors') + R('errors') === 0, `${S('garbage') + L('garbage') + R('garbage')} garbage, ${S('errors') + L('errors') + R('errors')} errors${p}`),
      ok(FINAL_CHECK, finalWrong === 0, `${finalWrong} wrong of ${2 * triples} lookups${finalNotes.length > 0 ? `: ${finalNotes.join('; ')}` : ''}`),
      ok(WAIT_CHECK, L('setterWaits') >= minWaits, `${L('setterWaits')} stores parked on the locker’s hold (at least ${minWaits} owed; ${writes} writes, ${S('extraWrites')} past the budget; ${L('typeLockHeldAtWait')} with the type lock held), of ${L('holds')} holds; ${S('foundLocked')} stores found the dict locked, ${S('slowLocked')} of them took ≥ ${SLOW_STORE_US} µs`),
      ok(
        'coverage: readers looked up while a store was blocked on the locker, saw invalidations (lookups beginning at version 0, version changes) and lookups at a kept version',
        R('duringBlockedStore') > 0 && R('missesSeen') >= minMisses && R('versionChanges') >= minMisses && R('keptVersion') > 0,
        `${R('duringBlockedStore')} lookups during blocked stores (${R('missDuringBlockedStore')} at version 0), ${R('missesSeen')} misses and ${R('versionChanges')} version changes (at least ${minMisses} owed each), ${R('keptVersion')} at a kept version`,
      ),
    ];
  },
  metrics: ({ results }) => {
    const S = (k: keyof StoreSetterResult): number => sum(results, 'setter', k);
    const L = (k: keyof DictLockerResult): number => sum(results, 'locker', k);
    const R = (k: keyof StoreReaderResult): number => sum(results, 'reader', k);
    return [
      { name: 'writes', value: S('writes'), unit: '' },
      { name: 'writes past the budget', value: S('extraWrites'), unit: '' },
      { name: 'triples', value: S('triplesUsed'), unit: '' },
      { name: 'writes synced with a hold', value: S('synced'), unit: '' },
      { name: 'locker holds', value: L('holds'), unit: '' },
      { name: 'setter waits', value: L('setterWaits'), unit: '' },
      { name: 'type lock held at a wait', value: L('typeLockHeldAtWait'), unit: '' },
      { name: 'stores found locked', value: S('foundLocked'), unit: '' },
      { name: 'slow locked stores', value: S('slowLocked'), unit: '' },
      { name: 'longest store', value: max(results, 'setter', 'maxStoreUs'), unit: ' µs' },
      { name: 'lookups', value: R('lookups'), unit: '' },
      { name: 'misses seen', value: R('missesSeen'), unit: '' },
      { name: 'version changes seen', value: R('versionChanges'), unit: '' },
      { name: 'lookups during blocked stores', value: R('duringBlockedStore'), unit: '' },
      { name: 'misses during blocked stores', value: R('missDuringBlockedStore'), unit: '' },
      { name: 'locker lookups while the setter waited', value: L('lookups'), unit: '' },
      { name: 'stale values', value: S('stale') + L('stale') + R('stale'), unit: '' },
      { name: 'stale values (readers)', value: R('stale'), unit: '' },
      { name: 'stale values (setter, right after its store)', value: S('stale'), unit: '' },
      { name: 'garbage values', value: S('garbage') + L('garbage') + R('garbage'), unit: '' },
    ];
  },
  teardown: (state) => {
    reattach(state);
    state.r.close();
  },
};

/** The type-store scenario (for a stress report that loads this file). */
export const scenarios = [typeStoreScenario];
