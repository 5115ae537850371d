/**
 * The type machinery's free-threaded contract with real workers, in the
 * spirit of CPython's `Lib/test/test_free_threading/test_type.py` (own
 * code): the method cache against class attribute changes, `__class__`
 * swaps, racing class creation with lazily created instance dicts. Every
 * run uses `mimalloc_debug` (an object freed under a reader reads type word
 * 0xDDDDDDDD) and keeps automatic collections off (`gcDisable`: no worker
 * polls safe points). The main thread builds the objects, then leaves QSBR
 * and detaches its participant until the check (dict.scenario.ts explains
 * why). Attribute names are str objects made once by the main thread and
 * shared by address: the method cache compares names by identity, as
 * CPython's interned names are.
 *
 * 1. `objects/types-method-cache` — roles: a setter, a rewriter, readers.
 *    Classes `A(object)`, `B(A)`, `C(B)` in "triples" (a class takes at most
 *    1000 version tags; each triple takes PER_TRIPLE writes), an instance of
 *    each C, and `P`, `Q` with `P.x = p`, `Q.x = q`. Values are ints
 *    VALUE_BASE + k (heap ints, counted) flagged MAYBE_WEAKREF, as objects a
 *    lock-free reader may take are (CPython's class attributes are mostly
 *    functions with deferred counts): without the flag every hit's
 *    try-incref would fail and the cache would never serve a hit.
 *    - The setter writes `A.x = v_k` (`objectSetAttr` on the class: the
 *      type lock, the dict store, the invalidation of A, B, C) for
 *      k = 1, 2, … on triple k / PER_TRIPLE, publishing k in
 *      `ctrl[C_PUBLISHED]` after each store, with a random pause and a
 *      freed decoy int (so that a value's freed block is reused by an
 *      object that is no v_k, which a reader would see as garbage).
 *    - Readers read the published k0, then look `x` up on that triple's C
 *      (`typeLookupRef`) or its instance (`objectGetAttr`, alternately).
 *      Checks: the value is an exact int VALUE_BASE + k of that triple
 *      (type word, sane refcount), k ≥ k0 (never older than what was
 *      published before the lookup began) and k ≤ the published k after
 *      it + 1 (the store in flight); never an exception.
 *    - Quiet windows, every QUIET_EVERY writes (deterministic coverage):
 *      the setter pauses every reader, writes, publishes, then lets the
 *      readers look up one at a time. The first finds C's version 0 (the
 *      write invalidated it): a miss; each then looks up until its lookup
 *      is served by the entry (C's version unchanged, the entry holding
 *      that version and name before and after, its sequence unchanged: a
 *      hit). Every value must be exactly v_k.
 *    - The rewriter makes one cache entry change hands as fast as it can:
 *      `P` and `Q` were given versions congruent modulo 4096 (the setup
 *      burns versions between them), so `P.x` and `Q.x` hash to the same
 *      entry E, and alternate lookups of them each miss and rewrite E
 *      under its sequence lock. Readers check that their own lookups of
 *      P.x / Q.x return exactly p / q, and probe E as the hit path reads
 *      it (the sequence, then the version before the value), sampling it
 *      again and again after one sequence read, as readers preempted for
 *      different times after it would: when a sample matches Q's (or P's)
 *      version and name but holds the other value (a torn read, which the
 *      real hit path discards at its sequence re-check, after its
 *      try-incref), the probe waits for the write to end and classifies
 *      the sample by the entry's final state, when exactly one write
 *      completed meanwhile: final version = the version read → the probe
 *      matched the NEW version and read the entry's PREVIOUS value (the
 *      version-first signature); otherwise it read the old version with
 *      the new value (harmless: that value is the writer's, held alive by
 *      it). With the version stored last (CPython's release store) the
 *      signature cannot happen: a reader that sees the new version sees
 *      the value stored before it. After its writes the setter lets the
 *      rewriter and the probes run on until the probes have read MIN_TORN
 *      torn entries (at most PROBE_CAP_MS), so that the check is not
 *      vacuous however rarely the rewriter and a prober ran at once.
 *    Control 'version-first': every worker sets
 *    `methodCacheSeams.versionFirst` in its isolate (the cache writers are
 *    the workers whose lookups miss), and the probes run on until they
 *    have read the signature CONTROL_FOUND times (at most PROBE_CAP_MS):
 *    the window is the gap between two consecutive stores to one cache
 *    line, and a sample lands in it from a few times to a thousand times
 *    a second here, depending on the load. The probe check must fail. The
 *    stale-value check cannot fail, and does not: the hit path's
 *    `seqLockEndRead` re-check discards every read that overlapped a
 *    write, so a torn entry is never returned — what the version-first
 *    writer breaks is the moment before that re-check, where the real hit
 *    path try-increfs the value it read: with the version stored first
 *    that can be the entry's previous value, a borrowed reference whose
 *    version may be long invalidated and whose object may be freed
 *    (CPython's comment in `update_cache`: "operating on an invalid
 *    (already deallocated) value"). The probe shows that read without
 *    touching the object.
 *
 * 2. `objects/types-class-swaps` — roles: swappers, readers. A class
 *    `S(object)` with `__slots__ = ('own',)`, and `P2(S)`, `Q2(S)`, each
 *    adding a `__dict__` at the same offset (one layout), with class
 *    attributes `tag` = TAG_P / TAG_Q; N instances, each with `own` (the
 *    member slot) and `extra` (its instance dict) set by the main thread
 *    to plain ints it owns (no MAYBE_WEAKREF, an empty shared count: what
 *    most attribute values are). Swappers assign `obj.__class__`
 *    (`objectSetClass`) to random instances, to P2 or Q2 at random;
 *    readers read `tag` (the type word, the method cache), `own` (a
 *    member descriptor's `__get__`) and `extra` (the instance dict).
 *    Checks: `tag` is always the object TAG_P or TAG_Q (identity), `own`
 *    and `extra` always the instance's own objects, the type word always
 *    P2 or Q2; both tags were seen and seen to change on one instance; at
 *    the end (the main thread's merge queue processed), the change of
 *    P2's and Q2's reference counts equals exactly the change of the
 *    number of instances of each (counted by type word), and no instance
 *    was lost.
 *
 * 3. `objects/types-class-creation` — every worker, each round, between
 *    barriers (which spin a little before sleeping, so that the workers
 *    leave them together): creates a class `K(Base)` (`typeNew`, the same
 *    base for all, with a class attribute) and an instance; checks its
 *    MRO, its subclass relation, its own attribute through the class
 *    (`type(K)` is looked at first: the metatype's MRO) and through the
 *    instance, and the inherited one; publishes the instance. Then all
 *    set an attribute of their own (`a<w>`) on every instance, in the
 *    same order, so that W threads set attributes on a fresh instance at
 *    once (its `__dict__` is created lazily, by a compare-and-swap in
 *    generic-attr.ts), and note the dict each saw after its store. Then
 *    each checks its own instance: one dict, the one every worker saw,
 *    holding all W attributes with their values. The owner drops instance
 *    and class. Past its rounds the run goes on until MIN_OVERLAPS
 *    instances were met by two first stores before either had made the
 *    dict (at most ROUND_CAP times the rounds). At the end the main
 *    thread collects (`gcCollect`): no instance of a Base subclass and no
 *    Base subclass is left, Base's subclass list is empty, and the number
 *    of GC objects is back to what it was before the run.
 *
 * Findings (src/, fixed there in 8d92590):
 * - generic-attr.ts, `instanceDict` (since 9cf0311) and `memberGet`: they
 *   take their reference with `xGetRef`, which retries try-incref until
 *   it succeeds; try-incref of an object owned by another thread with an
 *   empty shared count always fails (`_Py_TryIncRefShared`), so a thread
 *   reading `obj.attr` of an instance whose dict another thread created
 *   (or `obj.slot` of a value another thread stored) spins forever.
 *   Scenario 2's readers hang in their first read (hang dump: counter 2 =
 *   1: even `tag` looks in the instance dict, where an instance attribute
 *   would win over the class's non-data one; with the dict fixed, in the
 *   first read of `own`, counter 2 = 2), scenario 3's workers in their
 *   first store into another worker's instance. Fix: publish those objects
 *   try-increfable — `setMaybeWeakref` on the fresh dict before its
 *   compare-and-swap, on the dict `objectSetDict` stores and on the value
 *   `memberSet` stores (CPython's `_Py_NewRefWithLock` sets MAYBE_WEAKREF
 *   for a non-owner) — or read them under the object's critical section
 *   as CPython 3.13's `PyMember_GetOne` does. With the three
 *   `setMaybeWeakref` calls, both scenarios pass.
 * - objects-lifecycle.ts, `objectsCreate`: `finishStaticType(metatype)`
 *   runs before `object` is finished, so the metatype's MRO copies the
 *   MRO of a base that has none yet (address 0): `type.__mro__` has 129
 *   items, `type` and then 128 words of heap memory. Every MRO walk of the
 *   metatype (`type_getattro` looks there first for `K.kv`) reads "types"
 *   and "dicts" at random addresses; here a lookup of a name missing from
 *   `type` probed such a "dict" forever, with the type lock held, and
 *   every other worker waited for the lock. Scenario 3's setup checks the
 *   metatype's MRO and fails at once. Fix: finish `object` first, then
 *   `type`, then the rest.
 */

import { attach, detach } from '@ft/atomics';
import { gcCollect, gcDisable, gcVisitObjects } from '@ft/gc';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { decref, getRefcount, OB_TYPE_OFFSET, processMergeQueue, setMaybeWeakref } from '@ft/refcount';
import {
  dictNew,
  dictSetItem,
  intFromNumber,
  objectSetAttr,
  StaticType,
  strFromJs,
  tupleFromArray,
  typeBase,
  typeGenericAlloc,
  typeLookupRef,
  tupleGetItem,
  tupleSize,
  typeModified,
  typeMro,
  typeNew,
  typeVersionTag,
  type ObThread,
} from '../../src/index.js';
import { MC_NAME_OFFSET, MC_VERSION_OFFSET, MCACHE_ENTRY_SIZE, MCACHE_SIZE_EXP, OS_METHOD_CACHE_OFFSET, TP_SUBCLASSES_OFFSET } from '../../src/layout.js';
import { check, makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

// --- control block words (shared) ---------------------------------------------------------------

/** A worker failed: every wait gives up. */
export const C_ABORT = 0;
/** Scenario 1: the setter is done (1); scenario 2: swappers done (count). */
export const C_DONE = 1;
/** Workers that finished their loop. */
export const C_FINISHED = 2;
/** Scenario 3: barrier arrivals. */
export const C_BARRIER = 3;

// Scenario 1.
/** The last k whose store `A.x = v_k` completed. */
export const C_PUBLISHED = 4;
/** Quiet-window request (its sequence number). */
export const C_QUIET = 5;
/** The name 'x'. */
export const C_NAME = 6;
export const C_P = 7;
export const C_Q = 8;
/** P.x and Q.x. */
export const C_PV = 9;
export const C_QV = 10;
/** P's and Q's version tags (congruent modulo MCACHE_ENTRIES). */
export const C_VP = 11;
export const C_VQ = 12;
/** The cache entry both hash to. */
export const C_ENTRY_PQ = 13;
/** Triples published (count); triple i at `tripleWord(i, 0..3)`: A, B, C, an instance of C. */
export const C_TRIPLES = 14;
/** Probes that read the version-first signature (the control runs until there are CONTROL_FOUND). */
export const C_FOUND = 15;
/** Torn probe reads (the normal run's probes run until there are MIN_TORN). */
export const C_TORN = 16;

// Scenario 2.
export const C_P2 = 4;
export const C_Q2 = 5;
export const C_TAG_P = 6;
export const C_TAG_Q = 7;
export const C_NAME_TAG = 8;
export const C_NAME_OWN = 9;
/** Number of instances. */
export const C_OBJECTS = 10;
export const C_NAME_EXTRA = 11;

// Scenario 3.
export const C_BASE = 4;
export const C_NAME_KV = 5;
export const C_NAME_BASE_ATTR = 6;
export const C_BASE_ATTR_VALUE = 7;
/** Instances whose dict was raced for so far (worker 0 runs rounds until there are MIN_OVERLAPS). */
export const C_OVERLAPS = 8;

/** Per-worker words: `C_WORKER_BASE + w * C_WORKER_STRIDE + F_*`. */
export const C_WORKER_BASE = 32;
export const C_WORKER_STRIDE = 16;
/** Scenario 1: the reader is paused for quiet window n. */
export const F_PAUSED = 0;
/** Scenario 1: the reader's turn in quiet window n. */
export const F_GO = 1;
/** Scenario 1: the reader's turn in quiet window n is over. */
export const F_TURN_DONE = 2;
/** Scenario 3: the instance this worker created this round. */
export const F_INSTANCE = 3;
/** Scenario 3: first-set overlaps on this worker's instance, by round parity (2 words). */
export const F_EMPTY_SEEN = 4;

/** Index of worker `w`'s field `f`. */
export function wordOf(w: number, f: number): number {
  return C_WORKER_BASE + w * C_WORKER_STRIDE + f;
}

/** After the worker words: scenario 1's triples, scenario 2's instances, scenario 3's grid. */
export function areaBase(workers: number): number {
  return C_WORKER_BASE + workers * C_WORKER_STRIDE;
}

/** Scenario 1: word f of triple i. */
export function tripleWord(workers: number, i: number, f: number): number {
  return areaBase(workers) + 4 * i + f;
}

/** Scenario 2: instance j's address (f 0), its `own` value (f 1) and its `extra` value (f 2). */
export function objectWord(workers: number, j: number, f: number): number {
  return areaBase(workers) + 3 * j + f;
}

/** Scenario 3: the dict worker `w` saw on the instance of worker `j` after its store; then the names a0…. */
export function gridWord(workers: number, w: number, j: number): number {
  return areaBase(workers) + w * workers + j;
}
export function attrNameWord(workers: number, w: number): number {
  return areaBase(workers) + workers * workers + w;
}

/** First value of `A.x` (ints of this size are heap-allocated and counted). */
export const VALUE_BASE = 1_000_000;
/** Decoys the setter frees after each write: never a v_k. */
export const DECOY_BASE = 50_000_000;
/** P.x and Q.x. */
export const P_VALUE = 7_000_001;
export const Q_VALUE = 7_000_002;
/** Writes per triple (a class takes at most 1000 version tags, one per write that a lookup follows). */
export const PER_TRIPLE = 400;
/** A quiet window every this many writes. */
export const QUIET_EVERY = 100;
/** After the setter's writes the rewriter and the probes run on until the probes have read this many torn entries… */
export const MIN_TORN = 20;
/** …(the control: this many version-first signatures)… */
export const CONTROL_FOUND = 1;
/** …or this long. */
export const PROBE_CAP_MS = 15_000;
/** Scenario 2's class tags. */
export const TAG_P = 3_000_001;
export const TAG_Q = 3_000_002;
/** Scenario 2: `own` (member slot) and `extra` (instance dict) values of the instances. */
export const OWN_BASE = 4_000_000;
export const EXTRA_BASE = 6_000_000;
/** Scenario 3: class attribute values `kv` = KV_BASE + w·1000000 + round; instance attributes ATTR_BASE + …. */
export const KV_BASE = 100_000_000;
/** Scenario 3 runs past its rounds until this many instances had their dict raced for (at most ROUND_CAP × its rounds). */
export const MIN_OVERLAPS = 5;
export const ROUND_CAP = 3;
export const ATTR_BASE = 200_000_000;
export const BASE_ATTR = 5_000_000;

export type TypesKind = 'cache' | 'swap' | 'create';
export type TypesControl = 'none' | 'version-first';

export interface TypesStressParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
  readonly kind: TypesKind;
  /** 'version-first': every worker sets `methodCacheSeams.versionFirst` (the control that must fail). */
  readonly control: TypesControl;
  /** Scenario 1: triples made; scenario 2: instances. */
  readonly count: number;
  /** Longest any handshake or barrier may wait, in ms (then the run fails). */
  readonly waitMs: number;
}

// --- results --------------------------------------------------------------------------------------

export interface SetterResult {
  readonly role: 'setter';
  writes: number;
  windows: number;
  triplesUsed: number;
  problems: string[];
}

export interface RewriterResult {
  readonly role: 'rewriter';
  lookups: number;
  /** Completed writes of entry E seen by its sequence (2 per write). */
  rewrites: number;
  wrong: number;
  problems: string[];
}

export interface CacheReaderResult {
  readonly role: 'reader';
  lookups: number;
  viaGetAttr: number;
  /** Values older than the k published before the lookup began. */
  stale: number;
  /** Not an exact int of the triple's values, a bad refcount, a future k, or an exception. */
  garbage: number;
  errors: number;
  /** Lookups that began with C's version 0 (the slow path, after an invalidation). */
  missesSeen: number;
  /** C's version at a lookup differed from the one at this reader's previous lookup of the same triple. */
  versionChanges: number;
  /** C's version changed while the lookup ran (the setter's invalidation landed mid-lookup). */
  invalidatedDuring: number;
  /** Lookups served by the entry (version, entry and its sequence unchanged across the lookup). */
  hitsSeen: number;
  quietTurns: number;
  /** Quiet windows where this reader went first and found C's version 0. */
  quietFirstMiss: number;
  quietFirstNotMiss: number;
  quietHits: number;
  quietNoHit: number;
  /** Quiet turns where C's entry was E (the rewriter's): no hit is owed. */
  quietCollided: number;
  quietWrong: number;
  /** Lookups of P.x / Q.x by this reader, and wrong ones. */
  pqLookups: number;
  pqWrong: number;
  probes: number;
  probeMatched: number;
  /** Torn probe reads: the version of P or Q with the other's value. */
  probeTorn: number;
  /** Torn reads classified as "old version, new value" (harmless). */
  probeOldVersion: number;
  /** Torn reads classified as "new version, the entry's previous value" (the version-first signature). */
  probeStaleAfterMatch: number;
  probeAmbiguous: number;
  problems: string[];
}

export interface SwapperResult {
  readonly role: 'swapper';
  swaps: number;
  toP: number;
  toQ: number;
  errors: number;
  badTypes: number;
  problems: string[];
}

export interface SwapReaderResult {
  readonly role: 'reader';
  reads: number;
  tagP: number;
  tagQ: number;
  /** Reads of one instance that saw a different tag from the previous read of it. */
  tagChanges: number;
  wrongTag: number;
  wrongOwn: number;
  badTypes: number;
  errors: number;
  problems: string[];
}

export interface CreatorResult {
  readonly role: 'creator';
  rounds: number;
  classes: number;
  classBad: number;
  sets: number;
  setErrors: number;
  /** Own instances whose dict was empty before two or more workers' first stores (a real race for the lazy dict). */
  overlaps: number;
  dictBad: number;
  attrBad: number;
  problems: string[];
}

// --- main-thread helpers -----------------------------------------------------------------------------

/** What the main thread keeps between setup, check and teardown. */
export interface TypesStressState {
  readonly r: Runtime;
  detached: boolean;
  /** Objects the main thread keeps for the run (freed with the heap at teardown). */
  readonly held: number[];
  /** Scenario 2: P2's and Q2's counts and instance numbers before the run. */
  refP2?: number;
  refQ2?: number;
  countP2?: number;
  countQ2?: number;
  /** Scenario 3: GC objects before the run. */
  gcObjects?: number;
}

const WORKER = new URL('./types.worker.ts', import.meta.url);

/** An int flagged MAYBE_WEAKREF (lock-free readers may take it). */
export function sharedInt(t: ObThread, n: number): number {
  const v = check(t, intFromNumber(t, n));
  setMaybeWeakref(t.rc, v);
  return v;
}

/** `class name(*bases): **attrs` (attrs: name object → value object; the class takes its own references), with `__slots__` when given. */
export function makeClass(t: ObThread, name: string, bases: number[], attrs: [number, number][] = [], slots: string[] | null = null): number {
  const ns = check(t, dictNew(t));
  for (const [k, v] of attrs) check(t, dictSetItem(t, ns, k, v));
  const basesTuple = check(t, tupleFromArray(t, bases));
  const type = check(t, typeNew(t, t.types[StaticType.Type]!, name, basesTuple, ns, slots));
  decref(t.rc, ns);
  decref(t.rc, basesTuple);
  return type;
}

/** The method-cache entry (version, name) hashes to (`MCACHE_HASH_METHOD`). */
export function cacheEntryOf(t: ObThread, version: number, name: number): number {
  const cache = t.u32[(t.state + OS_METHOD_CACHE_OFFSET) >>> 2]!; // SAFETY: set when the runtime was created
  return cache + (((version ^ (name >>> 3)) & ((1 << MCACHE_SIZE_EXP) - 1)) * MCACHE_ENTRY_SIZE);
}

/** A fresh version for `type` (a lookup assigns one), or 0 when it has none left. */
function versionByLookup(t: ObThread, type: number, name: number): number {
  const v = typeLookupRef(t, type, name);
  if (v !== 0) decref(t.rc, v);
  return typeVersionTag(t, type);
}

function setup(kind: TypesKind, workers: number, areaWords: number, count: number): { r: Runtime; ctrl: Int32Array; params: TypesStressParams; state: TypesStressState } {
  const r = makeRuntime({ allocator: 'mimalloc_debug' });
  gcDisable(r.gt);
  const ctrl = new Int32Array(new SharedArrayBuffer((areaBase(workers) + areaWords) * 4));
  const params: TypesStressParams = { runtime: r.handle, ctrl, kind, control: 'none', count, waitMs: 20_000 };
  return { r, ctrl, params, state: { r, detached: false, held: [] } };
}

/** Until the check: no QSBR goal waits for the main thread, no stop-the-world for its participant. */
function detachMain(state: TypesStressState): void {
  detach(state.r.participant);
  state.detached = true;
}

function reattach(state: TypesStressState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

function teardown(state: TypesStressState): void {
  reattach(state);
  state.r.close();
}

export function sum(results: readonly unknown[], role: string, key: string): number {
  let total = 0;
  for (const x of results) {
    const r = x as Record<string, unknown> | undefined;
    if (r?.role === role) total += r[key] as number;
  }
  return total;
}

export function problems(results: readonly unknown[]): string {
  const all: string[] = [];
  for (const x of results) {
    const r = x as { problems?: string[] } | undefined;
    if (r?.problems) all.push(...r.problems);
  }
  return all.length === 0 ? '' : ` — first problems: ${all.slice(0, 4).join(' | ')}`;
}

export function ok(name: string, pass: boolean, detail: string): StressCheck {
  return { name, ok: pass, detail };
}

// --- scenario 1: the method cache vs class attribute changes --------------------------------------------

/** The checks the control is about (the test names them). */
export const STALE_CHECK = 'no lookup returned a value older than the k published before it began (nor a store not yet made)';
export const GARBAGE_CHECK = 'every value looked up was an exact int v_k of the triple, with a sane reference count (never garbage, never freed), and no lookup raised';
export const PROBE_CHECK = 'a probe that matched the entry’s version never read the value the entry held before that version was stored (version stored last)';
export const PQ_CHECK = 'lookups of P.x and Q.x, whose versions share one cache entry rewritten all the time, returned exactly p and q';

export const typesCacheScenario: StressScenario<TypesStressParams, TypesStressState> = {
  name: 'objects/types-method-cache',
  description: 'a setter changes A.x while readers look x up on C(B(A)) through the method cache (never stale, never garbage), and a rewriter makes one cache entry change hands between P.x and Q.x under probes',
  worker: WORKER,
  defaultWorkers: 4,
  roles: (n) => {
    if (n < 3) throw new Error('objects/types-method-cache needs at least 3 workers (a setter, the rewriter, readers)');
    return Array.from({ length: n }, (_, i) => (i === 0 ? 'setter' : i === 1 ? 'rewriter' : 'reader'));
  },
  /** Writes of A.x at FT_STRESS_SCALE=1. */
  opsPerWorker: 4000,
  setup: ({ workers, opsPerWorker }) => {
    const triples = Math.min(64, Math.ceil(opsPerWorker / PER_TRIPLE) + 1);
    const { r, ctrl, params, state } = setup('cache', workers, 4 * triples, triples);
    const t = r.t;
    const held = state.held;
    const name = check(t, strFromJs(t, 'x'));
    held.push(name);
    Atomics.store(ctrl, C_NAME, name);
    for (let i = 0; i < triples; i++) {
      const v = sharedInt(t, VALUE_BASE + i * PER_TRIPLE);
      const A = makeClass(t, `A${i}`, [], [[name, v]]);
      decref(t.rc, v);
      const B = makeClass(t, `B${i}`, [A]);
      const C = makeClass(t, `C${i}`, [B]);
      const inst = check(t, typeGenericAlloc(t, C));
      held.push(inst, C, B, A);
      [A, B, C, inst].forEach((x, f) => Atomics.store(ctrl, tripleWord(workers, i, f), x));
    }
    Atomics.store(ctrl, C_TRIPLES, triples);
    // P and Q with versions that hash to the same entry for 'x': burn versions on filler classes in between.
    const p = sharedInt(t, P_VALUE);
    const q = sharedInt(t, Q_VALUE);
    const P = makeClass(t, 'P', [], [[name, p]]);
    const Q = makeClass(t, 'Q', [], [[name, q]]);
    held.push(P, Q, p, q);
    const vP = versionByLookup(t, P, name);
    const mask = (1 << MCACHE_SIZE_EXP) - 1;
    let filler = 0;
    for (let n = 0; ; n++) {
      if (filler === 0) {
        filler = makeClass(t, `F${n}`, [], [[name, name]]);
        held.push(filler);
      }
      const v = versionByLookup(t, filler, name);
      if (v === 0) {
        filler = 0; // this one used its 1000 versions
        continue;
      }
      typeModified(t, filler);
      if (((v + 1) & mask) === (vP & mask)) break;
    }
    const vQ = versionByLookup(t, Q, name);
    if (vP === 0 || vQ === 0 || (vP & mask) !== (vQ & mask)) throw new Error(`types stress: P and Q versions ${vP}, ${vQ} do not share an entry`);
    const entry = cacheEntryOf(t, vP, name);
    if (entry !== cacheEntryOf(t, vQ, name)) throw new Error('types stress: the entry hash changed?');
    for (const [i, x] of [[C_P, P], [C_Q, Q], [C_PV, p], [C_QV, q], [C_VP, vP], [C_VQ, vQ], [C_ENTRY_PQ, entry]] as const) Atomics.store(ctrl, i, x);
    // The entry is Q's now; the probe reads its name word to match.
    if (Atomics.load(t.u32, (entry + MC_VERSION_OFFSET) >>> 2) !== vQ || Atomics.load(t.u32, (entry + MC_NAME_OFFSET) >>> 2) !== name) {
      throw new Error('types stress: the entry does not hold Q.x after the lookup (cache layout changed?)');
    }
    Atomics.store(ctrl, C_PUBLISHED, 0);
    detachMain(state);
    return { params, state };
  },
  check(ctx: CheckContext<TypesStressParams, TypesStressState>): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const S = (k: keyof SetterResult): number => sum(res, 'setter', k);
    const W = (k: keyof RewriterResult): number => sum(res, 'rewriter', k);
    const R = (k: keyof CacheReaderResult): number => sum(res, 'reader', k);
    const readers = ctx.workers - 2;
    const control = ctx.params.control !== 'none';
    const p = problems(res);
    const windows = S('windows');
    const checks: StressCheck[] = [
      ok(STALE_CHECK, R('stale') === 0, `${R('stale')} stale of ${R('lookups')} lookups${p}`),
      ok(GARBAGE_CHECK, R('garbage') === 0 && R('errors') === 0 && R('quietWrong') === 0, `${R('garbage')} garbage, ${R('errors')} errors, ${R('quietWrong')} wrong in quiet windows${p}`),
      ok(PQ_CHECK, R('pqWrong') === 0 && W('wrong') === 0, `${R('pqWrong') + W('wrong')} wrong of ${R('pqLookups') + W('lookups')}${p}`),
      ok(PROBE_CHECK, R('probeStaleAfterMatch') === 0, `${R('probeStaleAfterMatch')} probes matched Q's (or P's) new version and read the previous value, of ${R('probeTorn')} torn reads in ${R('probes')} probes${p}`),
      ok('coverage: every quiet window — the first reader missed (C’s version 0 after the write), every reader then hit (served by the entry), with exactly v_k', windows >= 1 && R('quietFirstMiss') === windows && R('quietFirstNotMiss') === 0 && R('quietHits') + R('quietCollided') === windows * readers && R('quietNoHit') === 0, `${windows} windows: ${R('quietFirstMiss')} first misses (${R('quietFirstNotMiss')} not), ${R('quietHits')} hits, ${R('quietNoHit')} without a hit, ${R('quietCollided')} collided with E`),
      ok('coverage: the readers saw invalidations during their reads (version changes, lookups starting at version 0) and hits outside the quiet windows', R('versionChanges') >= windows && R('missesSeen') >= windows && R('hitsSeen') > 0, `${R('versionChanges')} version changes, ${R('missesSeen')} misses, ${R('hitsSeen')} hits seen, over ${S('writes')} writes`),
      ok('coverage: entry E changed hands between P.x and Q.x, under probes that matched it', W('rewrites') >= 1000 && R('probeMatched') > 0, `${W('rewrites')} rewrites of E, ${R('probeMatched')} probes matched`),
    ];
    if (!control) {
      checks.push(ok('coverage: the probes caught writes of E in progress (torn reads: the old version with the new value, which the real hit path discards)', R('probeTorn') >= MIN_TORN, `${R('probeTorn')} torn reads, ${R('probeOldVersion')} classified, ${R('probeAmbiguous')} ambiguous`));
    }
    return checks;
  },
  metrics: ({ results }) => {
    const S = (k: keyof SetterResult): number => sum(results, 'setter', k);
    const W = (k: keyof RewriterResult): number => sum(results, 'rewriter', k);
    const R = (k: keyof CacheReaderResult): number => sum(results, 'reader', k);
    return [
      { name: 'writes', value: S('writes'), unit: '' },
      { name: 'quiet windows', value: S('windows'), unit: '' },
      { name: 'triples', value: S('triplesUsed'), unit: '' },
      { name: 'lookups', value: R('lookups'), unit: '' },
      { name: 'misses seen', value: R('missesSeen'), unit: '' },
      { name: 'hits seen', value: R('hitsSeen'), unit: '' },
      { name: 'version changes seen', value: R('versionChanges'), unit: '' },
      { name: 'invalidated mid-lookup', value: R('invalidatedDuring'), unit: '' },
      { name: 'rewrites of E', value: W('rewrites'), unit: '' },
      { name: 'probes', value: R('probes'), unit: '' },
      { name: 'torn probe reads', value: R('probeTorn'), unit: '' },
      { name: 'old version, new value', value: R('probeOldVersion'), unit: '' },
      { name: 'new version, previous value', value: R('probeStaleAfterMatch'), unit: '' },
      { name: 'stale values', value: R('stale'), unit: '' },
      { name: 'garbage values', value: R('garbage'), unit: '' },
    ];
  },
  teardown,
};

// --- scenario 2: __class__ swaps ------------------------------------------------------------------------

/** Instances of P2 / Q2 (by type word). */
function countInstances(t: ObThread, ctrl: Int32Array, workers: number, n: number, type: number): number {
  let c = 0;
  for (let j = 0; j < n; j++) if (Atomics.load(t.u32, (Atomics.load(ctrl, objectWord(workers, j, 0)) + OB_TYPE_OFFSET) >>> 2) === type) c++;
  return c;
}

export const typesSwapScenario: StressScenario<TypesStressParams, TypesStressState> = {
  name: 'objects/types-class-swaps',
  description: 'swappers assign obj.__class__ between P2 and Q2 while readers read the class attribute tag, the member slot own and the instance-dict attribute extra; the classes’ reference counts account exactly for their instances',
  worker: WORKER,
  defaultWorkers: 4,
  roles: (n) => Array.from({ length: n }, (_, i) => (i < n >> 1 ? 'swapper' : 'reader')),
  /** Swaps per swapper. */
  opsPerWorker: 60_000,
  setup: ({ workers }) => {
    const n = 8;
    const { r, ctrl, params, state } = setup('swap', workers, 3 * n, n);
    const t = r.t;
    const held = state.held;
    const tagName = check(t, strFromJs(t, 'tag'));
    const ownName = check(t, strFromJs(t, 'own'));
    const extraName = check(t, strFromJs(t, 'extra'));
    const tagP = sharedInt(t, TAG_P);
    const tagQ = sharedInt(t, TAG_Q);
    // S(object) with __slots__ = ('own',); P2(S) and Q2(S) each add a __dict__ at the same offset: one layout.
    const S = makeClass(t, 'S', [], [], ['own']);
    const P2 = makeClass(t, 'P2', [S], [[tagName, tagP]]);
    const Q2 = makeClass(t, 'Q2', [S], [[tagName, tagQ]]);
    held.push(tagName, ownName, extraName, tagP, tagQ, S, P2, Q2);
    for (let j = 0; j < n; j++) {
      const obj = check(t, typeGenericAlloc(t, (j & 1) === 0 ? P2 : Q2));
      // Plain ints owned by this thread, as most attribute values are (no MAYBE_WEAKREF, an empty shared count).
      const own = check(t, intFromNumber(t, OWN_BASE + j));
      const extra = check(t, intFromNumber(t, EXTRA_BASE + j));
      check(t, objectSetAttr(t, obj, ownName, own)); // the member slot
      check(t, objectSetAttr(t, obj, extraName, extra)); // the instance dict, created here
      held.push(own, extra, obj);
      Atomics.store(ctrl, objectWord(workers, j, 0), obj);
      Atomics.store(ctrl, objectWord(workers, j, 1), own);
      Atomics.store(ctrl, objectWord(workers, j, 2), extra);
    }
    for (const [i, x] of [[C_P2, P2], [C_Q2, Q2], [C_TAG_P, tagP], [C_TAG_Q, tagQ], [C_NAME_TAG, tagName], [C_NAME_OWN, ownName], [C_NAME_EXTRA, extraName], [C_OBJECTS, n]] as const) Atomics.store(ctrl, i, x);
    state.refP2 = getRefcount(t.rc, P2);
    state.refQ2 = getRefcount(t.rc, Q2);
    state.countP2 = countInstances(t, ctrl, workers, n, P2);
    state.countQ2 = countInstances(t, ctrl, workers, n, Q2);
    detachMain(state);
    return { params, state };
  },
  check(ctx): StressCheck[] {
    reattach(ctx.state);
    const { r } = ctx.state;
    const t = r.t;
    const { ctrl, count: n } = ctx.params;
    const res = ctx.results;
    const S = (k: keyof SwapperResult): number => sum(res, 'swapper', k);
    const R = (k: keyof SwapReaderResult): number => sum(res, 'reader', k);
    const p = problems(res);
    // Non-owners' decrefs of the classes may have gone negative and queued them to their owner, this thread.
    processMergeQueue(t.rc);
    const P2 = Atomics.load(ctrl, C_P2);
    const Q2 = Atomics.load(ctrl, C_Q2);
    const nP = countInstances(t, ctrl, ctx.workers, n, P2);
    const nQ = countInstances(t, ctrl, ctx.workers, n, Q2);
    const dP = getRefcount(t.rc, P2) - ctx.state.refP2!;
    const dQ = getRefcount(t.rc, Q2) - ctx.state.refQ2!;
    return [
      ok('every read of tag gave TAG_P or TAG_Q (the very objects), of own and extra the instance’s own objects, and every type word was P2 or Q2', R('wrongTag') === 0 && R('wrongOwn') === 0 && R('badTypes') === 0 && S('badTypes') === 0, `${R('wrongTag')} wrong tags, ${R('wrongOwn')} wrong own/extra, ${R('badTypes') + S('badTypes')} bad type words of ${R('reads')} reads${p}`),
      ok('no swap or read raised', S('errors') === 0 && R('errors') === 0, `${S('errors')} swap errors, ${R('errors')} read errors${p}`),
      ok('the change of P2’s and Q2’s reference counts equals the change of their instance counts; no instance lost', nP + nQ === n && dP === nP - ctx.state.countP2! && dQ === nQ - ctx.state.countQ2!, `P2: ${ctx.state.countP2} → ${nP} instances, refcount ${dP >= 0 ? '+' : ''}${dP}; Q2: ${ctx.state.countQ2} → ${nQ}, refcount ${dQ >= 0 ? '+' : ''}${dQ}; ${S('swaps')} swaps`),
      ok('coverage: swaps both ways, both tags read, and tags seen to change on one instance', S('toP') > 0 && S('toQ') > 0 && R('tagP') > 0 && R('tagQ') > 0 && R('tagChanges') > 0, `${S('toP')} → P2, ${S('toQ')} → Q2; ${R('tagP')} P tags, ${R('tagQ')} Q tags, ${R('tagChanges')} changes`),
    ];
  },
  metrics: ({ results }) => [
    { name: 'swaps', value: sum(results, 'swapper', 'swaps'), unit: '' },
    { name: 'reads', value: sum(results, 'reader', 'reads'), unit: '' },
    { name: 'tag changes seen', value: sum(results, 'reader', 'tagChanges'), unit: '' },
  ],
  teardown,
};

// --- scenario 3: racing class creation and instance dicts ------------------------------------------------

function gcObjectCount(r: Runtime): number {
  let n = 0;
  gcVisitObjects(r.gt, () => {
    n++;
    return true;
  });
  return n;
}

export const typesCreateScenario: StressScenario<TypesStressParams, TypesStressState> = {
  name: 'objects/types-class-creation',
  description: 'workers create classes over one base at once and set attributes on each other’s fresh instances at once (one lazily created __dict__ each); everything dropped is collected',
  worker: WORKER,
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, () => 'creator'),
  /** Rounds. */
  opsPerWorker: 300,
  setup: ({ workers }) => {
    const { r, ctrl, params, state } = setup('create', workers, workers * workers + workers, 0);
    const t = r.t;
    // A finding (see the file comment): `type(K).kv` walks the metatype's MRO, which must be (type, object).
    const metaMro = typeMro(t, t.types[StaticType.Type]!);
    if (tupleSize(t, metaMro) !== 2 || tupleGetItem(t, metaMro, 1) !== t.types[StaticType.Object]) {
      r.close();
      throw new Error(`types stress: the metatype's MRO has ${tupleSize(t, metaMro)} items, not (type, object): objectsCreate finishes 'type' before 'object', so it copied a base MRO that did not exist yet (see types.scenario.ts, "Findings")`);
    }
    const held = state.held;
    const kv = check(t, strFromJs(t, 'kv'));
    const baseAttr = check(t, strFromJs(t, 'base_attr'));
    const baseValue = sharedInt(t, BASE_ATTR);
    const Base = makeClass(t, 'Base', [], [[baseAttr, baseValue]]);
    held.push(kv, baseAttr, baseValue);
    for (let w = 0; w < workers; w++) {
      const a = check(t, strFromJs(t, `a${w}`));
      held.push(a);
      Atomics.store(ctrl, attrNameWord(workers, w), a);
    }
    held.push(Base);
    for (const [i, x] of [[C_BASE, Base], [C_NAME_KV, kv], [C_NAME_BASE_ATTR, baseAttr], [C_BASE_ATTR_VALUE, baseValue]] as const) Atomics.store(ctrl, i, x);
    gcCollect(r.gt);
    state.gcObjects = gcObjectCount(r);
    detachMain(state);
    return { params, state };
  },
  check(ctx): StressCheck[] {
    reattach(ctx.state);
    const { r } = ctx.state;
    const t = r.t;
    const res = ctx.results;
    const C = (k: keyof CreatorResult): number => sum(res, 'creator', k);
    const p = problems(res);
    processMergeQueue(t.rc);
    const Base = Atomics.load(ctx.params.ctrl, C_BASE);
    const collected = gcCollect(r.gt);
    const typeType = t.types[StaticType.Type]!;
    let leftClasses = 0;
    let leftInstances = 0;
    // SAFETY: plain reads below: the workers are gone and the collector's visit stops the world.
    gcVisitObjects(r.gt, (op) => {
      const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
      if (type === typeType && op !== Base && typeBase(t, op) === Base) leftClasses++;
      else if (type !== typeType && t.u32[(type + OB_TYPE_OFFSET) >>> 2] === typeType && typeBase(t, type) === Base) leftInstances++;
      return true;
    });
    const subclasses = t.u32[(Base + TP_SUBCLASSES_OFFSET) >>> 2]!;
    const subclassCount = subclasses === 0 ? 0 : t.u32[subclasses >>> 2]!;
    const after = gcObjectCount(r);
    const W = ctx.workers;
    return [
      ok('every class was made right (MRO (K, Base, object), a subclass of Base, its own and inherited attributes)', C('classBad') === 0, `${C('classBad')} bad of ${C('classes')}${p}`),
      ok('no attribute store raised', C('setErrors') === 0, `${C('setErrors')} errors of ${C('sets')} stores${p}`),
      ok('each instance ended with one __dict__, the one every worker saw after its store, holding every worker’s attribute with its value', C('dictBad') === 0 && C('attrBad') === 0, `${C('dictBad')} instances with a wrong dict, ${C('attrBad')} wrong attributes${p}`),
      ok('after gcCollect no class over Base and no instance of one is left, Base’s subclass list is empty, and the GC objects are back to their number before the run', leftClasses === 0 && leftInstances === 0 && subclassCount === 0 && after === ctx.state.gcObjects && collected >= C('classes'), `${leftClasses} classes and ${leftInstances} instances left, ${subclassCount} subclasses listed, ${after} GC objects (${ctx.state.gcObjects} before), ${collected} collected for ${C('classes')} classes`),
      ok('coverage: the rounds ran, and first stores of several workers met an instance still without a dict', C('rounds') >= W * (ctx.opsPerWorker === Infinity ? 1 : ctx.opsPerWorker) && C('overlaps') > 0, `${C('rounds') / W} rounds, ${C('overlaps')} instances whose dict was raced for (the rounds go on until ${MIN_OVERLAPS})`),
    ];
  },
  metrics: ({ results }) => [
    { name: 'rounds', value: sum(results, 'creator', 'rounds'), unit: '' },
    { name: 'classes', value: sum(results, 'creator', 'classes'), unit: '' },
    { name: 'attribute stores', value: sum(results, 'creator', 'sets'), unit: '' },
    { name: 'raced dicts', value: sum(results, 'creator', 'overlaps'), unit: '' },
  ],
  teardown,
};

/** The type scenarios (for a stress report that loads this file). */
export const scenarios = [typesCacheScenario, typesSwapScenario, typesCreateScenario];
