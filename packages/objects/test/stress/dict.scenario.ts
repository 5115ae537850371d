/**
 * The dict's free-threaded contract (`reference/threadsafety-contract.md`,
 * "dict"; `cpython-ft-facts.md` §7.4) with real workers, in the spirit of
 * CPython's `Lib/test/test_free_threading/test_dict.py` (own code). Every
 * run uses `mimalloc_debug`, so memory freed under a reader reads as 0xDD
 * (keys tables entirely, objects past their 16-byte refcount header: an
 * object's type word is 0xDDDDDDDD once freed).
 *
 * Setup (main thread): `makeRuntime({ allocator: 'mimalloc_debug' })`,
 * automatic collections off (`gcDisable`: no worker polls safe points, and
 * none must stop the world), a control block of its own (`ctrl`, Int32
 * words: dict addresses, progress, handshakes, barriers, scenario 2's
 * result tables). The main thread then leaves QSBR (its detach does) and
 * detaches its participant until the check, so that QSBR goals depend only
 * on the workers (an online main thread that never reports a quiescent
 * state would hold back every delayed free). Workers join with
 * `joinRuntime(handle)` and leave with `close()`.
 *
 * Keys are str (`strFromJs`) and ints of at least 1 000 000
 * (`intFromNumber`, heap-allocated and counted); values are ints of at
 * least 2 000 000. Readers build their own key objects: equal, never
 * identical, so every hit is a real comparison (str: `strEq` in a unicode
 * table, `objectRichCompareBool` in a general one; ints: the int slot).
 *
 * 1. `objects/dict-lookups-during-resizes` — worker 0 writes, the others
 *    read. The writer owns two dicts: A (str keys: a unicode table) and B
 *    (str and int keys: a general table). Each round it publishes
 *    "round r, 0 inserted", clears both (r > 0), then inserts keys
 *    0 … N-1 with value VALUE_BASE + i, publishing "inserted up to i + 1"
 *    after each (`ctrl[C_PROGRESS]`), through every resize. Key and value
 *    objects are fresh and the writer drops its own references, so the
 *    dict holds the only ones and every delete frees them. Churn keys
 *    (i % 8 == 7) are deleted and inserted again (fresh objects, same
 *    value); in B every other churn key is taken by `popitem` instead (the
 *    entry slot is then reused by the next insert) and put back. Even keys
 *    and their values are flagged MAYBE_WEAKREF (`setMaybeWeakref`, as
 *    objects with weakrefs are in CPython), so that lookups of them can
 *    succeed without the lock; odd keys are owned by the writer with an
 *    empty shared count, so lookups of them fall back to the lock, as in
 *    CPython. Readers run batches of `dictGetItemRef` / `dictContains` /
 *    `dictSize` on random keys, reporting a quiescent state
 *    (`qsbrQuiescentState`) between batches and processing delayed frees
 *    now and then. Checks: a found value is always the exact int of that
 *    key (never poisoned, never another object); a non-churn key below
 *    the "inserted up to" read before the batch is found whenever the
 *    round did not change during the batch; sizes stay in bounds; no
 *    exception. Coverage is forced by handshakes, not left to scheduling:
 *    - held tables: before each resize of A (and each clear), the writer
 *      asks one reader (round robin) to load A's table and hold it; the
 *      writer replaces the table, reports its own quiescent state and
 *      processes its delayed frees, then lets the reader check the header
 *      of the table it holds (size byte, index width, kind, refcount, the
 *      debug frame's API id 'm'): it must be intact, since the reader has
 *      not passed a quiescent state. The reader checks it again at the end
 *      of its batch.
 *    - lock-free hits: once per round the writer holds both dicts' locks
 *      and asks each reader for lookups of flagged keys; they must all
 *      complete (with the right values) while the lock is held.
 *    At the end every reader finds every key of the last round, and the
 *    writer reports how many tables QSBR freed during the run.
 *    Control 'no-qsbr-free': the writer sets `dictSeams.qsbrFree = false`
 *    in its isolate and clears and refills its dicts constantly (8 keys a
 *    round: a clear and a resize each round), with a held-table handshake
 *    on every fourth clear: the replaced table is freed at once, so the
 *    held-table check fails, deterministically (nothing allocates between
 *    the free and the reader's check, which the writer waits for). Readers
 *    may also read poisoned tables in their lookups; a lookup that throws
 *    is counted, not fatal. The writer keeps churning until every reader
 *    is done, so that a reader probing a freed table full of 0xDD (no
 *    empty slot) gets out once the block is reused.
 *
 * 2. `objects/dict-setdefault-pop-race` — every worker, each round: makes
 *    K keys (equal across workers) and K values of its own (VALUE_BASE +
 *    w·K + i, so a value names its creator); at a barrier all call
 *    `dictSetDefaultRef` on the same shared dict in the same key order
 *    (a random permutation every other round) and publish what they got.
 *    Checks: every result is one of the workers' values for that key, all
 *    workers got the same object, `dictGetItemRef` gives it too; with
 *    everybody holding their results, a winning value's count is exactly
 *    2 + W (creator, dict, W results) and a losing one's 1, a winning
 *    key's 2 and a losing one's 1. Then all race `dictPop` on the same
 *    keys: each key is popped by exactly one worker, which gets the
 *    winning object; the others get exactly "KeyError: <repr>"; the dict
 *    is empty. After every worker has merged its queue
 *    (`processMergeQueue`: a non-owner's last decref may queue), every
 *    key and value object is back to exactly 1 reference (its creator's).
 *
 * 3. `objects/dict-iteration-vs-mutation` — worker 0 mutates, the others
 *    iterate. The mutator keeps a dict of fresh serial keys (never reused:
 *    str `i<s>` and ints, value VALUE_BASE + s), in phases: grow by G keys,
 *    shrink by G (oldest first), so the size changes monotonically inside
 *    each half. Iterators run passes over keys, values or items. Checks:
 *    every yielded object is of the right type and consistent (an item's
 *    key and value have the same serial; the serial was created); a pass
 *    that completes yields each key at most once; a pass that fails
 *    raises "RuntimeError: dictionary changed size during iteration" — or
 *    CPython's other message for a mutation it can detect, "dictionary
 *    keys changed during iteration" (the size back at its start value with
 *    other entries: counted apart; rare, since the mutator's size only
 *    comes back after a whole half-phase); the error stays (a second call
 *    raises again). Handshakes: in each phase, each iterator once stops
 *    after its first item, the mutator inserts one key, and the next step
 *    must raise the size error; between phases the mutator stops and
 *    every iterator completes a pass, which must yield exactly
 *    `dictSize` keys.
 *
 * 4. `objects/dict-popitem-entry-reuse` — a finding (see "Finding" below).
 *    The writer fills a dict with 20 000 keys (so that it does not resize
 *    for seconds), then cycles: `popitem` takes the last key 'K'; 'J' is
 *    inserted, into the entry K had; a short spin; `popitem` takes 'J';
 *    'K' goes back into the same entry; a short spin. K, J and their
 *    values are flagged MAYBE_WEAKREF, so lookups of K succeed without the
 *    lock. Three readers look 'K' up (one with the writer's own key
 *    object, as an interned name would be, two with equal ones). Check: a
 *    value found for 'K' is always K's. It stops at the first wrong value,
 *    else after 3 s (× FT_STRESS_SCALE).
 *
 * Finding (src/dict.ts, `getItemRefKnownHash` + `dictPopItem`): popitem
 * moves `dk_nentries` back, so the next insert reuses the popped entry in
 * the same table. A lock-free reader that matched K at entry `ix` then
 * loads the value slot of `ix` and re-checks only that `ma_keys` is still
 * the table it probed. If popitem(K) and an insert of J land between the
 * match and that load, the reader returns J's value for K — a value K
 * never had. The window is a few instructions, so the scenario needs a
 * preemption there; it sees it a few times in 3 s. Fix: do not reuse
 * popped entries while the dict is SHARED (leave `dk_nentries` and let
 * popitem find the last live entry from a hint, or let the next resize
 * compact), as CPython's free-threaded build already refuses to reuse
 * dummy index slots (`is_unusable_slot`); CPython's own popitem moves
 * `dk_nentries` back too and seems to share the window. (Re-checking the
 * entry's key after taking the value is not enough: K → J → K in the
 * same entry passes it.)
 */

import { attach, detach } from '@ft/atomics';
import { gcDisable } from '@ft/gc';
import type { CheckContext, StressCheck, StressMetric, StressScenario } from '@ft/harness';
import { makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

// --- control block words --------------------------------------------------------------

/** Dict A (resize: str keys; setdefault and iterate: the shared dict). */
export const C_DICT_A = 0;
/** Dict B (resize: str and int keys). */
export const C_DICT_B = 1;
/** Resize: `((round & 0x7fff) << 16) | inserted`. */
export const C_PROGRESS = 2;
/** The writer / mutator is done (1). */
export const C_WRITER_DONE = 3;
/** A worker failed: every wait gives up. */
export const C_ABORT = 4;
/** Readers / iterators done. */
export const C_READERS_DONE = 5;
/** Setdefault: barrier arrivals. */
export const C_BARRIER = 6;
/** Iterate: odd while the mutator is quiet (2·phase + 1), even otherwise. */
export const C_QUIET = 7;
/** Iterate: the next serial the mutator will create. */
export const C_NEXT_SERIAL = 8;
/** Setdefault: worker 0's decision for the next round (round + 1, or -1 to stop). */
export const C_CONTINUE = 9;
/** Popitem: the writer's key object 'K', which one reader uses as its own (identical) key. */
export const C_SHARED_KEY = 10;
/** Popitem: a reader found a wrong value (1): the writer stops early. */
export const C_FOUND = 11;
/** Per-worker words: `C_WORKER_BASE + w * C_WORKER_STRIDE + F_*`. */
export const C_WORKER_BASE = 16;
export const C_WORKER_STRIDE = 16;
/** Held-table handshake: the writer's request (sequence number). */
export const F_WANT = 0;
/** The reader holds the table it loaded for request F_WANT. */
export const F_HELD = 1;
/** The writer replaced the table. */
export const F_REPLACED = 2;
/** The reader checked the table it held. */
export const F_CHECKED = 3;
/** Lock-free probe: the writer asks for one. */
export const F_LF_WANT = 4;
/** The reader's lookups of the probe are done. */
export const F_LF_DONE = 5;
/** Batches a reader completed. */
export const F_BATCHES = 6;
/** Iterate: the mutator asks iterator w to stop mid-pass. */
export const F_FORCE = 7;
/** The iterator stopped after its first item. */
export const F_MID = 8;
/** The mutator inserted a key meanwhile. */
export const F_MUTATED = 9;
/** The iterator took its next step. */
export const F_STEPPED = 10;
/** The iterator completed a quiet pass of this quiet word. */
export const F_QUIET_ACK = 11;
/** Lock-free probe: the reader is between batches and waits for the locks to be taken. */
export const F_LF_READY = 12;
/** Lock-free probe: the writer holds both locks. */
export const F_LF_LOCKED = 13;

/** Index of worker `w`'s field `f`. */
export function wordOf(w: number, f: number): number {
  return C_WORKER_BASE + w * C_WORKER_STRIDE + f;
}

/** First int key (ints of this size are heap-allocated and counted). */
export const KEY_BASE = 1_000_000;
/** First value. */
export const VALUE_BASE = 2_000_000;

export type DictKind = 'resize' | 'setdefault' | 'iterate' | 'popitem';
export type DictControl = 'none' | 'no-qsbr-free';

export interface DictStressParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
  readonly kind: DictKind;
  /** 'no-qsbr-free': the resize writer frees replaced tables at once (the control that must fail). */
  readonly control: DictControl;
  /** Resize: keys per round; setdefault: keys per round; iterate: grow/shrink step. */
  readonly keys: number;
  /** Iterate: keys the dict keeps at least. */
  readonly base: number;
  /** Start of scenario 2's result table (W × keys words) and pop counters (keys words). */
  readonly resultsBase: number;
  readonly popsBase: number;
  /** Longest any handshake or barrier may wait, in ms (then the run fails). */
  readonly waitMs: number;
}

// --- results ------------------------------------------------------------------------------

export interface ResizeWriterResult {
  readonly role: 'writer';
  rounds: number;
  inserts: number;
  resizesA: number;
  resizesB: number;
  clears: number;
  churned: number;
  popitems: number;
  handshakes: number;
  handshakesMissed: number;
  lockFreeProbes: number;
  lockFreeTimeouts: number;
  popitemBad: number;
  finalBad: number;
  qsbrFreed: number;
  qsbrQueued: number;
  problems: string[];
}

export interface ResizeReaderResult {
  readonly role: 'reader';
  batches: number;
  lookups: number;
  found: number;
  missing: number;
  sizes: number;
  wrongValues: number;
  poisonedValues: number;
  missingViolations: number;
  sizeViolations: number;
  errors: number;
  faults: number;
  heldChecks: number;
  heldReplaced: number;
  heldPoisoned: number;
  batchesAcrossReplace: number;
  lockFreeProbes: number;
  lockFreeLookups: number;
  lockFreeBad: number;
  finalChecked: number;
  finalBad: number;
  problems: string[];
}

export interface SetDefaultResult {
  readonly role: 'racer';
  rounds: number;
  setdefaults: number;
  wins: number;
  badResults: number;
  disagreements: number;
  lookupMismatches: number;
  refcountBad: number;
  pops: number;
  keyErrors: number;
  badPops: number;
  badErrors: number;
  popCountBad: number;
  sizeBad: number;
  finalRefcountBad: number;
  merged: number;
  problems: string[];
}

export interface IterateMutatorResult {
  readonly role: 'mutator';
  phases: number;
  inserts: number;
  deletes: number;
  forced: number;
  forcedMissed: number;
  quietRounds: number;
  quietMissed: number;
  problems: string[];
}

export interface IterateIteratorResult {
  readonly role: 'iterator';
  passes: number;
  completed: number;
  raisedSize: number;
  raisedKeys: number;
  badErrors: number;
  notSticky: number;
  items: number;
  wrongObjects: number;
  duplicates: number;
  forcedRaised: number;
  forcedBad: number;
  quietPasses: number;
  quietBad: number;
  problems: string[];
}

export interface PopItemWriterResult {
  readonly role: 'writer';
  cycles: number;
  sameTable: number;
  entriesReused: number;
  badPops: number;
  elapsedMs: number;
  problems: string[];
}

export interface PopItemReaderResult {
  readonly role: 'reader';
  lookups: number;
  hits: number;
  wrong: number;
  problems: string[];
}

/** What the main thread keeps between setup, check and teardown. */
export interface DictStressState {
  readonly r: Runtime;
  detached: boolean;
}

// --- the scenarios -----------------------------------------------------------------------------

const WORKER = new URL('./dict.worker.ts', import.meta.url);

/** The checks the controls must fail (the test names them). */
export const HELD_CHECK = 'held tables: a table a reader held across its replacement was intact (not freed) until the reader passed a quiescent state';
export const VALUES_CHECK = 'every value found was the exact int of its key (never poisoned, never another object)';
export const FAULTS_CHECK = 'no lookup threw (a probe of freed memory)';

function setup(kind: DictKind, keys: number, base: number, workers: number): { params: DictStressParams; state: DictStressState } {
  const r = makeRuntime({ allocator: 'mimalloc_debug' });
  gcDisable(r.gt);
  const resultsBase = C_WORKER_BASE + workers * C_WORKER_STRIDE;
  const popsBase = resultsBase + (kind === 'setdefault' ? workers * keys : 0);
  const words = popsBase + (kind === 'setdefault' ? keys : 0);
  const ctrl = new Int32Array(new SharedArrayBuffer(words * 4));
  const params: DictStressParams = { runtime: r.handle, ctrl, kind, control: 'none', keys, base, resultsBase, popsBase, waitMs: 20_000 };
  // Until the check: no QSBR goal waits for the main thread, no stop-the-world for its participant.
  detach(r.participant);
  return { params, state: { r, detached: true } };
}

function reattach(state: DictStressState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

function sum<T>(results: readonly unknown[], role: string, key: keyof T): number {
  let total = 0;
  for (const x of results) {
    const r = x as Record<string, unknown> | undefined;
    if (r?.role === role) total += r[key as string] as number;
  }
  return total;
}

function problems(results: readonly unknown[]): string {
  const all: string[] = [];
  for (const x of results) {
    const r = x as { problems?: string[] } | undefined;
    if (r?.problems) all.push(...r.problems);
  }
  return all.length === 0 ? '' : ` — first problems: ${all.slice(0, 4).join(' | ')}`;
}

function ok(name: string, pass: boolean, detail: string): StressCheck {
  return { name, ok: pass, detail };
}

export const dictResizeScenario: StressScenario<DictStressParams, DictStressState> = {
  name: 'objects/dict-lookups-during-resizes',
  description: 'a writer inserts, churns and resizes two dicts (str keys; str and int keys) while readers look keys up without the lock; replaced tables go through QSBR',
  worker: WORKER,
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 'writer' : 'reader')),
  opsPerWorker: 8,
  setup: ({ workers }) => setup('resize', 2048, 0, workers),
  check(ctx: CheckContext<DictStressParams, DictStressState>): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const W = <K extends keyof ResizeWriterResult>(k: K): number => sum<ResizeWriterResult>(res, 'writer', k);
    const R = <K extends keyof ResizeReaderResult>(k: K): number => sum<ResizeReaderResult>(res, 'reader', k);
    const readers = ctx.workers - 1;
    const control = ctx.params.control !== 'none';
    const p = problems(res);
    const checks: StressCheck[] = [
      ok(VALUES_CHECK, R('wrongValues') === 0 && R('poisonedValues') === 0 && R('lockFreeBad') === 0, `${R('poisonedValues')} poisoned, ${R('wrongValues') + R('lockFreeBad')} wrong of ${R('found')} found${p}`),
      ok('a key inserted before the batch (and not churned) was found while the round lasted', R('missingViolations') === 0, `${R('missingViolations')} missing of ${R('lookups')} lookups${p}`),
      ok('len(d) stayed within what was inserted', R('sizeViolations') === 0, `${R('sizeViolations')} of ${R('sizes')} sizes${p}`),
      ok('no lookup raised a Python exception', R('errors') === 0, `${R('errors')} errors${p}`),
      ok(FAULTS_CHECK, R('faults') === 0, `${R('faults')} lookups threw${p}`),
      ok(HELD_CHECK, R('heldPoisoned') === 0, `${R('heldPoisoned')} of ${R('heldChecks')} held tables were freed under their reader${p}`),
      ok('popitem took the last key with its value', W('popitemBad') === 0, `${W('popitemBad')} bad of ${W('popitems')}${p}`),
    ];
    if (!control) {
      checks.push(
        ok('coverage: held-table handshakes at resizes and clears (the replaced table was held, and replaced)', W('rounds') >= 1 && W('handshakes') >= 5 * (W('rounds') - 1) && W('handshakesMissed') === 0 && R('heldReplaced') >= W('handshakes'), `${W('handshakes')} handshakes (${W('handshakesMissed')} missed), ${R('heldReplaced')} held tables replaced, over ${W('rounds')} rounds`),
        ok('coverage: lookups of flagged keys completed while the writer held both locks (lock-free)', W('lockFreeTimeouts') === 0 && W('lockFreeProbes') >= readers * Math.max(1, W('rounds') - 1) && R('lockFreeLookups') > 0, `${W('lockFreeProbes')} probes (${W('lockFreeTimeouts')} timed out), ${R('lockFreeLookups')} lookups`),
        ok('coverage: QSBR freed replaced tables during the run', W('qsbrFreed') >= 5 * W('rounds'), `${W('qsbrFreed')} freed of ${W('qsbrQueued')} queued`),
        ok("after the last round every reader found every key with its value, and so did the writer", W('finalBad') === 0 && R('finalBad') === 0 && R('finalChecked') === readers * 2 * ctx.params.keys, `${R('finalChecked')} checked, ${R('finalBad') + W('finalBad')} bad${p}`),
      );
    }
    return checks;
  },
  metrics: ({ results }) => {
    const W = <K extends keyof ResizeWriterResult>(k: K): number => sum<ResizeWriterResult>(results, 'writer', k);
    const R = <K extends keyof ResizeReaderResult>(k: K): number => sum<ResizeReaderResult>(results, 'reader', k);
    return [
      { name: 'rounds', value: W('rounds'), unit: '' },
      { name: 'inserts', value: W('inserts'), unit: '' },
      { name: 'resizes', value: W('resizesA') + W('resizesB'), unit: '' },
      { name: 'lookups', value: R('lookups'), unit: '' },
      { name: 'batches across a replacement', value: R('batchesAcrossReplace'), unit: '' },
      { name: 'held-table handshakes', value: W('handshakes'), unit: '' },
      { name: 'held tables freed', value: R('heldPoisoned'), unit: '' },
      { name: 'lock-free probe lookups', value: R('lockFreeLookups'), unit: '' },
      { name: 'tables freed by QSBR', value: W('qsbrFreed'), unit: '' },
      { name: 'poisoned values', value: R('poisonedValues'), unit: '' },
      { name: 'wrong values', value: R('wrongValues'), unit: '' },
      { name: 'faults', value: R('faults'), unit: '' },
    ];
  },
  teardown(state) {
    reattach(state);
    state.r.close();
  },
};

export const dictSetDefaultScenario: StressScenario<DictStressParams, DictStressState> = {
  name: 'objects/dict-setdefault-pop-race',
  description: 'every worker setdefaults the same keys with its own values, then pops them: one winner per key, one popper per key, exact reference counts',
  worker: WORKER,
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, () => 'racer'),
  opsPerWorker: 30,
  setup: ({ workers }) => setup('setdefault', 128, 0, workers),
  check(ctx): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const S = <K extends keyof SetDefaultResult>(k: K): number => sum<SetDefaultResult>(res, 'racer', k);
    const rounds = S('rounds') / ctx.workers;
    const keys = ctx.params.keys;
    const p = problems(res);
    return [
      ok('every setdefault returned one of the values offered for that key', S('badResults') === 0, `${S('badResults')} bad of ${S('setdefaults')}${p}`),
      ok('exactly one value won per key: every worker got the same object, and dict[key] is it', S('disagreements') === 0 && S('lookupMismatches') === 0 && S('wins') === rounds * keys, `${S('wins')} wins for ${rounds * keys} keys, ${S('disagreements')} disagreements, ${S('lookupMismatches')} lookup mismatches${p}`),
      ok('reference counts after setdefault: winners 2 + W (creator, dict, results), losers 1; winning keys 2, losing keys 1', S('refcountBad') === 0, `${S('refcountBad')} wrong${p}`),
      ok('each key popped by exactly one worker, which got the winning object; the dict empty afterwards', S('popCountBad') === 0 && S('badPops') === 0 && S('pops') === rounds * keys && S('sizeBad') === 0, `${S('pops')} pops for ${rounds * keys} keys, ${S('popCountBad')} keys not popped once, ${S('badPops')} wrong objects, ${S('sizeBad')} non-empty${p}`),
      ok('the others got exactly "KeyError: <repr of the key>"', S('badErrors') === 0 && S('keyErrors') === rounds * keys * (ctx.workers - 1), `${S('keyErrors')} KeyErrors, ${S('badErrors')} wrong${p}`),
      ok('after the pops and the merges every key and value object has exactly its creator\'s reference', S('finalRefcountBad') === 0, `${S('finalRefcountBad')} wrong${p}`),
      ok('the rounds ran', rounds >= 1, `${rounds} rounds`),
    ];
  },
  metrics: ({ results, workers }) => {
    const S = <K extends keyof SetDefaultResult>(k: K): number => sum<SetDefaultResult>(results, 'racer', k);
    const wins = (results as SetDefaultResult[]).map((x) => x?.wins ?? 0);
    return [
      { name: 'rounds', value: S('rounds') / workers, unit: '' },
      { name: 'setdefaults', value: S('setdefaults'), unit: '' },
      { name: 'pops', value: S('pops'), unit: '' },
      { name: 'KeyErrors', value: S('keyErrors'), unit: '' },
      { name: 'most wins by one worker', value: Math.max(...wins), unit: '' },
      { name: 'fewest wins by one worker', value: Math.min(...wins), unit: '' },
      { name: 'objects merged', value: S('merged'), unit: '' },
    ];
  },
  teardown(state) {
    reattach(state);
    state.r.close();
  },
};

export const dictIterationScenario: StressScenario<DictStressParams, DictStressState> = {
  name: 'objects/dict-iteration-vs-mutation',
  description: 'iterators run passes over keys, values and items while a mutator grows and shrinks the dict: a pass completes (each key once) or raises the size error',
  worker: WORKER,
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 'mutator' : 'iterator')),
  opsPerWorker: 30,
  setup: ({ workers }) => setup('iterate', 64, 64, workers),
  check(ctx): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const M = <K extends keyof IterateMutatorResult>(k: K): number => sum<IterateMutatorResult>(res, 'mutator', k);
    const I = <K extends keyof IterateIteratorResult>(k: K): number => sum<IterateIteratorResult>(res, 'iterator', k);
    const iterators = ctx.workers - 1;
    // A timed run (the stress report) may stop in the middle of its last phase: count the finished ones.
    const fullPhases = ctx.opsPerWorker === Infinity ? M('phases') - 1 : M('phases');
    const p = problems(res);
    return [
      ok('every object yielded was of the right type and consistent (key and value of one entry, a serial that was created)', I('wrongObjects') === 0, `${I('wrongObjects')} wrong of ${I('items')}${p}`),
      ok('a completed pass yielded each key at most once', I('duplicates') === 0, `${I('duplicates')} duplicates in ${I('completed')} completed passes${p}`),
      ok('a failed pass raised "RuntimeError: dictionary changed size during iteration" (or CPython\'s "dictionary keys changed during iteration"), and kept raising', I('badErrors') === 0 && I('notSticky') === 0, `${I('raisedSize')} size errors, ${I('raisedKeys')} keys-changed errors, ${I('badErrors')} other errors, ${I('notSticky')} not sticky${p}`),
      ok('coverage: every forced mid-pass insertion made the next step raise the size error', I('forcedBad') === 0 && M('forcedMissed') === 0 && I('forcedRaised') + iterators >= M('forced') && M('forced') >= iterators * fullPhases, `${I('forcedRaised')} raised of ${M('forced')} forced (${M('forcedMissed')} missed, ${I('forcedBad')} bad; a timed run may stop with one insertion per iterator still ahead of its next step)${p}`),
      ok('coverage: a pass with the mutator quiet completed with exactly len(d) keys', I('quietBad') === 0 && M('quietMissed') === 0 && I('quietPasses') >= iterators * fullPhases, `${I('quietPasses')} quiet passes (${I('quietBad')} bad, ${M('quietMissed')} missed)${p}`),
      ok('passes both completed and raised', I('completed') > 0 && I('raisedSize') + I('forcedRaised') > 0, `${I('completed')} completed, ${I('raisedSize')} raised (${I('forcedRaised')} forced) of ${I('passes') + I('forcedRaised')}`),
    ];
  },
  metrics: ({ results }) => {
    const M = <K extends keyof IterateMutatorResult>(k: K): number => sum<IterateMutatorResult>(results, 'mutator', k);
    const I = <K extends keyof IterateIteratorResult>(k: K): number => sum<IterateIteratorResult>(results, 'iterator', k);
    return [
      { name: 'phases', value: M('phases'), unit: '' },
      { name: 'mutations', value: M('inserts') + M('deletes'), unit: '' },
      { name: 'passes', value: I('passes'), unit: '' },
      { name: 'completed', value: I('completed'), unit: '' },
      { name: 'size errors', value: I('raisedSize'), unit: '' },
      { name: 'keys-changed errors', value: I('raisedKeys'), unit: '' },
      { name: 'items', value: I('items'), unit: '' },
    ];
  },
  teardown(state) {
    reattach(state);
    state.r.close();
  },
};

/** The value of 'K' and of 'J' in the popitem scenario. */
export const VALUE_K = VALUE_BASE + 1;
export const VALUE_J = VALUE_BASE + 2;
/** The popitem check (the finding, fixed in src/dict.ts: popped entries are not reused under lock-free readers). */
export const POPITEM_CHECK = "a lookup of 'K' never returned the value of 'J', the key that reused K's popped entry in the same table";

export const dictPopItemReuseScenario: StressScenario<DictStressParams, DictStressState> = {
  name: 'objects/dict-popitem-entry-reuse',
  description: "a writer pops the last key 'K' and inserts 'J' into the same entry, and back, while readers look 'K' up without the lock",
  worker: WORKER,
  defaultWorkers: 4,
  roles: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 'writer' : 'reader')),
  /** Tenths of a second the writer cycles (it stops at the first wrong value). */
  opsPerWorker: 30,
  setup: ({ workers }) => setup('popitem', 20_000, 0, workers),
  check(ctx): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const W = <K extends keyof PopItemWriterResult>(k: K): number => sum<PopItemWriterResult>(res, 'writer', k);
    const R = <K extends keyof PopItemReaderResult>(k: K): number => sum<PopItemReaderResult>(res, 'reader', k);
    const p = problems(res);
    return [
      ok(POPITEM_CHECK, R('wrong') === 0, `${R('wrong')} wrong of ${R('hits')} hits in ${(W('elapsedMs') / 1000).toFixed(2)} s${p}`),
      ok('popitem took the last key with its value', W('badPops') === 0, `${W('badPops')} bad${p}`),
      ok("coverage: most cycles stayed in one table (no resize between popitem and insert), and readers found 'K'", W('sameTable') * 2 > W('cycles') && R('hits') > 0, `${W('sameTable')} of ${W('cycles')} cycles in one table (${W('entriesReused')} reused K's entry), ${R('hits')} hits`),
    ];
  },
  metrics: ({ results }) => {
    const W = <K extends keyof PopItemWriterResult>(k: K): number => sum<PopItemWriterResult>(results, 'writer', k);
    const R = <K extends keyof PopItemReaderResult>(k: K): number => sum<PopItemReaderResult>(results, 'reader', k);
    return [
      { name: 'cycles', value: W('cycles'), unit: '' },
      { name: 'cycles in one table', value: W('sameTable'), unit: '' },
      { name: "entries reused (J in K's)", value: W('entriesReused'), unit: '' },
      { name: 'lookups', value: R('lookups'), unit: '' },
      { name: 'hits', value: R('hits'), unit: '' },
      { name: "J's value for K", value: R('wrong'), unit: '' },
    ];
  },
  teardown(state) {
    reattach(state);
    state.r.close();
  },
};

/** The dict scenarios (for a stress report that loads this file). */
export const scenarios = [dictResizeScenario, dictSetDefaultScenario, dictIterationScenario, dictPopItemReuseScenario];
