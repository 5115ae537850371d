/**
 * Split (shared-keys) instance dicts with real workers, in the spirit of
 * CPython's `Lib/test/test_free_threading/test_dict.py` and `test_type.py`
 * (own code): the instance dicts of one class share its keys table
 * (`ht_cached_keys`, created by the first instance dict through a
 * compare-and-swap); any of them appends a new name to it under the
 * table's `dk_mutex` only, since each holds its own dict's critical section
 * (dict-keys.ts). The run uses `mimalloc_debug` (an object freed under a
 * reader reads type word 0xDDDDDDDD) and keeps automatic collections off
 * (`gcDisable`: no worker polls safe points). The main thread builds the
 * names and a base class, then leaves QSBR and detaches until the check
 * (dict.scenario.ts explains why). Attribute names are str objects made
 * once by the main thread and shared by address.
 *
 * `objects/dict-shared-keys` — W workers (default 3), every one the same
 * role; each round, between barriers (which spin a little before sleeping,
 * so that the workers leave them together):
 * 1. Worker 0 makes a fresh class `K(Base)` (its shared table not created
 *    yet) and publishes it; every worker makes an instance of it. At the
 *    next barrier all set the same N names (`params.names`, default 12) on
 *    their own instance at once (`objectSetAttr`), each in an order of its
 *    own: by round, rotated (worker w starts at name w·N/W: different names
 *    appended at once), one permutation for all (every worker starts with
 *    the same name: the same name raced, appended once), or a permutation
 *    per worker. So the first stores race to create K's shared table
 *    (sharedKeysOf's CAS), and the appends to it come from different dicts
 *    at once. Values are fresh ints ATTR_BASE + ((round·W + w)·NAME_SPAN +
 *    i) (worker, round, name), those of even names flagged MAYBE_WEAKREF
 *    (a lock-free reader's try-incref of them succeeds; the others' reads
 *    fall back to the lock, as for CPython's plain objects). After each of
 *    its sets a worker reads the name it just set from the next worker's
 *    dict (once it exists), lock-free, while that dict is being filled and
 *    the table grows: absent (no exception) or that worker's value object
 *    (ATTRS_CHECK).
 *    After the next barrier (nobody writes the table until the round ends):
 *    - worker 0 walks the table (TABLE_CHECK): it is K's `ht_cached_keys`,
 *      split, every worker's dict uses it, its entry count is N and its
 *      entries hold each name exactly once (with the name's hash) and
 *      nothing else, its index slots point at each entry exactly once, and
 *      `dk_refcnt` is exactly 1 (the class; each dict holds the class
 *      through its values array instead);
 *    - every worker checks its own instance (ATTRS_CHECK): its dict is split
 *      (`dictHasSplitTable`) over that table, of size N, every attribute
 *      (`objectGetAttr`) is the very value object it stored, and iterating
 *      the dict gives the names in the order it set them; and it reads the
 *      next worker's dict lock-free (`dictGetItemRef`): every name gives
 *      that worker's value object.
 *    Coverage counts sets during which another worker appended to the table
 *    (its entry count moved by 2 or more across the set), sets that began
 *    with the table's `dk_mutex` held by another worker, and rounds where
 *    two or more workers' first stores met K without a shared table; past
 *    its rounds the run goes on until there are MIN_OVERLAPPED and
 *    MIN_RACED_CREATIONS of them, and MIN_SWAP_READS of part 2's reads
 *    during a swap (at most ROUND_CAP times the rounds).
 * 2. Every REPLACE_EVERY-th round (`params.replaceEvery`, 0: never), after
 *    a barrier: worker w replaces the `__dict__` of its instance
 *    (`objectSetDict`) GENERATIONS times with a fresh dict holding all N
 *    names with new values REPL_BASE + ((w·GEN_SPAN + g)·NAME_SPAN + i)
 *    (generation g counts per worker over the run; even generations a
 *    split dict from `dictNewForType(K)`, odd ones a combined `dictNew`;
 *    every fourth, from the second, is a split dict that gets an int key
 *    EXTRA_KEY once installed, so it turns combined under its readers),
 *    publishing g after each; between its replacements it reads the
 *    attributes of the previous worker's instance, alternately through
 *    `objectGetAttr` and through `objectGetDict` + `dictGetItemRef`, and
 *    goes on reading until that worker's last generation is in (sleeping
 *    a millisecond whenever no new generation came in meanwhile, so that
 *    the replacer gets a core: 2 cores, 3 workers). Check
 *    (REPLACE_CHECK): every read gave an exact int of that worker and name,
 *    of a generation between the one published before the read and the
 *    one after it plus one (the replacement in flight): the old dict's or
 *    the new one's, never garbage, never a freed object, never an error;
 *    after the next barrier each worker's instance holds its last
 *    generation's dict (split, combined, or turned combined, as made)
 *    with every value.
 * Each worker then drops its instance, worker 0 its class (the class's MRO
 * refers back to it: the collector frees it, and with it the shared table).
 * At the end the main thread collects (`gcCollect`): no class over Base
 * and no instance of one is left, and the number of GC objects is back to
 * what it was before the run.
 *
 * Control 'no-keys-lock': every worker sets `dictSeams.lockKeys = false`
 * in its isolate, so appends to a shared table from different dicts are
 * not serialized: two appends that read the same entry count write the
 * same entry (a name lost: its index slot points at another name's
 * entry), two stores that both missed a name append it twice, two appends
 * take the same index slot. TABLE_CHECK must fail. The window is one
 * append (a few atomic stores) and 3 workers share 2 cores, so the test
 * widens it where it can, in the test only: part 2 is off (shorter rounds,
 * more of them), there are CONTROL_NAMES names (longer bursts of appends)
 * and every worker sets them in the same order (`orders: 'same'`: all
 * race for the same name at once, the probe-miss-append window); and the
 * rounds go on until CONTROL_FOUND rounds were caught broken (at most
 * CONTROL_CAP_MS), so that the control does not depend on one round
 * hitting the window. Measured here: 3 broken rounds in 6 to 40 rounds on
 * 2 idle cores, in 70 to 550 rounds (under 3.1 s) with a busy loop on one.
 */

import { attach, detach } from '@ft/atomics';
import { gcCollect, gcDisable, gcVisitObjects } from '@ft/gc';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { decref, OB_TYPE_OFFSET, processMergeQueue } from '@ft/refcount';
import { dictNew, dictSetItem, StaticType, strFromJs, tupleFromArray, typeBase, typeNew, type ObThread } from '../../src/index.js';
import { strHash } from '../../src/str.js';
import { SHARED_KEYS_MAX_SIZE, TP_SUBCLASSES_OFFSET } from '../../src/layout.js';
import { check, makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

// --- control block words (shared) ---------------------------------------------------------------

/** A worker failed: every wait gives up. */
export const C_ABORT = 0;
/** Worker 0 decided the run is over (read after the round's first barrier). */
export const C_DONE = 1;
/** Workers that finished their loop. */
export const C_FINISHED = 2;
/** Barrier arrivals. */
export const C_BARRIER = 3;
/** This round's class K. */
export const C_CLASS = 4;
/** Rounds caught with a broken shared table or instance (worker 0 tallies them; the control runs until CONTROL_FOUND). */
export const C_BAD_ROUNDS = 5;
/** Sets during which another worker appended to the table (running total, for worker 0's decision). */
export const C_OVERLAPPED = 6;
/** Rounds where two or more first stores met K without a shared table (running total). */
export const C_RACED_CREATIONS = 7;
/** This round: workers whose first store met K's `ht_cached_keys` still 0. */
export const C_EMPTY_SEEN = 8;
/** The class every K derives from. */
export const C_BASE = 9;
/** Part 2: reads during which the other worker installed a new dict (running total). */
export const C_SWAP_READS = 10;

/** Per-worker words: `C_WORKER_BASE + w * C_WORKER_STRIDE + F_*`. */
export const C_WORKER_BASE = 16;
export const C_WORKER_STRIDE = 8;
/** This round's instance of worker w. */
export const F_INSTANCE = 0;
/** The dict of that instance after the sets, and its keys table. */
export const F_DICT = 1;
export const F_KEYS = 2;
/** Round + 1 of the last round in which this worker found something broken. */
export const F_BAD = 3;
/** Part 2: the generation of the dict installed last on this worker's instance (published after the swap). */
export const F_GEN = 4;
/** Part 2: the generation this worker stops at this round (published before the phase's barrier). */
export const F_GEN_TARGET = 5;

/** Index of worker `w`'s field `f`. */
export function wordOf(w: number, f: number): number {
  return C_WORKER_BASE + w * C_WORKER_STRIDE + f;
}

/** After the worker words: the names (MAX_NAMES), their hashes (MAX_NAMES), then each worker's value objects. */
export function areaBase(workers: number): number {
  return C_WORKER_BASE + workers * C_WORKER_STRIDE;
}
export function nameWord(workers: number, i: number): number {
  return areaBase(workers) + i;
}
export function hashWord(workers: number, i: number): number {
  return areaBase(workers) + MAX_NAMES + i;
}
/** The value object worker w stored for name i this round. */
export function valueWord(workers: number, w: number, i: number): number {
  return areaBase(workers) + 2 * MAX_NAMES + w * MAX_NAMES + i;
}

/** Names made by the setup (a run uses `params.names` of them). */
export const MAX_NAMES = 24;
/** Values: ATTR_BASE + ((round·W + w)·NAME_SPAN + i) (part 1), REPL_BASE + ((w·GEN_SPAN + g)·NAME_SPAN + i) (part 2). */
export const NAME_SPAN = 32;
export const ATTR_BASE = 100_000_000;
export const REPL_BASE = 1_000_000_000;
/** Generations a worker may make over a run (part 2's values stay distinct below this). */
export const GEN_SPAN = 1 << 20;
/** Part 2: replacements of its instance's dict per worker and phase. */
export const GENERATIONS = 24;
/** Part 2: the int key that turns an installed split dict combined (every fourth generation, from the second). */
export const EXTRA_KEY = 7;
/** Part 2: reads of the other instance between two replacements. */
export const READS_PER_GEN = 6;
/** Past its rounds the run goes on until this many sets overlapped another worker's append… */
export const MIN_OVERLAPPED = 10;
/** …and this many rounds raced for the shared table's creation… */
export const MIN_RACED_CREATIONS = 5;
/** …and part 2's readers saw this many swaps land mid-read… */
export const MIN_SWAP_READS = 10;
/** …at most this many times its rounds. */
export const ROUND_CAP = 3;
/** The control: names per round (more names, more appends at once). */
export const CONTROL_NAMES = 24;
/** The control runs until this many rounds were caught broken… */
export const CONTROL_FOUND = 3;
/** …or this long. */
export const CONTROL_CAP_MS = 20_000;

export type SharedKeysControl = 'none' | 'no-keys-lock';

export interface SharedKeysParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
  /** 'no-keys-lock': every worker sets `dictSeams.lockKeys = false` (the control that must fail). */
  readonly control: SharedKeysControl;
  /** Names set per round (at most MAX_NAMES, and at most SHARED_KEYS_MAX_SIZE). */
  readonly names: number;
  /** Part 2 runs every this many rounds (0: never). */
  readonly replaceEvery: number;
  /** 'mixed': the orders change by round (rotated, one permutation for all, one per worker); 'same': one permutation for all, always. */
  readonly orders: 'mixed' | 'same';
  /** Longest any barrier may wait, in ms (then the run fails). */
  readonly waitMs: number;
  /** The run's seed: every worker derives the round's shared name order from it. */
  readonly seed: number;
}

// --- results --------------------------------------------------------------------------------------

export interface KeysWorkerResult {
  readonly role: 'worker';
  rounds: number;
  sets: number;
  setErrors: number;
  /** Sets during which the table's entry count moved by 2 or more (another worker appended meanwhile). */
  overlapped: number;
  /** Sets that began with the table's dk_mutex held (by another worker: this one holds nothing then). */
  mutexHeld: number;
  /** Worker 0: tables walked, and broken ones (TABLE_CHECK). */
  tables: number;
  tableBad: number;
  /** Own instances with a wrong dict, size, attribute or order; wrong lock-free reads of the next worker's dict (ATTRS_CHECK). */
  instanceBad: number;
  crossBad: number;
  crossReads: number;
  /** Lock-free reads of the next worker's dict during the sets: all, those that found the name, wrong ones (ATTRS_CHECK). */
  midReads: number;
  midHits: number;
  midBad: number;
  /** Part 2: installed split dicts turned combined (a non-str key) under their readers. */
  conversions: number;
  /** Part 2. */
  phases: number;
  replacements: number;
  replaceErrors: number;
  replaceReads: number;
  /** Reads that gave garbage (not an exact int of that worker and name, or a freed object), an error, or a generation out of range. */
  replaceBad: number;
  /** Reads during which the other worker installed a new dict (the published generation moved). */
  readsDuringSwap: number;
  /** Reads whose generation differed from this reader's previous one. */
  generationChanges: number;
  /** Final dicts after a phase that were not the last generation's. */
  finalBad: number;
  problems: string[];
}

// --- main-thread helpers -----------------------------------------------------------------------------

/** What the main thread keeps between setup, check and teardown. */
export interface SharedKeysState {
  readonly r: Runtime;
  detached: boolean;
  /** Objects the main thread keeps for the run (freed with the heap at teardown). */
  readonly held: number[];
  /** GC objects before the run. */
  gcObjects: number;
}

const WORKER = new URL('./shared-keys.worker.ts', import.meta.url);

/** `class name(*bases)` with an empty namespace. */
export function makeClass(t: ObThread, name: string, bases: number[]): number {
  const ns = check(t, dictNew(t));
  const basesTuple = check(t, tupleFromArray(t, bases));
  const type = check(t, typeNew(t, t.types[StaticType.Type]!, name, basesTuple, ns));
  decref(t.rc, ns);
  decref(t.rc, basesTuple);
  return type;
}

function gcObjectCount(r: Runtime): number {
  let n = 0;
  gcVisitObjects(r.gt, () => {
    n++;
    return true;
  });
  return n;
}

function sum(results: readonly unknown[], key: keyof KeysWorkerResult): number {
  let total = 0;
  for (const x of results) {
    const r = x as Record<string, unknown> | undefined;
    if (r?.role === 'worker') total += r[key] as number;
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

/** The checks the control is about (the test names them). */
export const TABLE_CHECK =
  'every round’s shared table is K’s ht_cached_keys and every instance dict’s, holds each name exactly once and nothing else (entry count = names, hashes right, one index slot per entry), and is counted by the class alone, every dict holding the class';
export const ATTRS_CHECK =
  'every instance dict is split, of size N, gives every attribute as the very value its worker stored (objectGetAttr, and the next worker’s lock-free dictGetItemRef), and iterates in the order its worker set them';
export const REPLACE_CHECK =
  '__dict__ replaced under readers: every read gave the old or the new generation’s exact value of that name (never garbage, never freed, never an error), and each instance ended with its last generation’s dict';

export const sharedKeysScenario: StressScenario<SharedKeysParams, SharedKeysState> = {
  name: 'objects/dict-shared-keys',
  description:
    'workers set the same names on their own instances of a fresh class at once (racing creation of and appends to one shared keys table), then replace __dict__ under readers; the table holds each name once, every value is exact, everything dropped is collected',
  worker: WORKER,
  defaultWorkers: 3,
  roles: (n) => {
    if (n < 2) throw new Error('objects/dict-shared-keys needs at least 2 workers');
    if (n > 8) throw new Error('objects/dict-shared-keys takes at most 8 workers (value encoding)');
    return Array.from({ length: n }, () => 'worker');
  },
  /** Rounds. */
  opsPerWorker: 150,
  setup: ({ workers, seed }) => {
    const r = makeRuntime({ allocator: 'mimalloc_debug' });
    gcDisable(r.gt);
    const t = r.t;
    const ctrl = new Int32Array(new SharedArrayBuffer((areaBase(workers) + (2 + workers) * MAX_NAMES) * 4));
    const params: SharedKeysParams = { runtime: r.handle, ctrl, control: 'none', names: 12, replaceEvery: 2, orders: 'mixed', waitMs: 20_000, seed };
    const state: SharedKeysState = { r, detached: false, held: [], gcObjects: 0 };
    for (let i = 0; i < MAX_NAMES; i++) {
      const name = check(t, strFromJs(t, `attr_${i}`));
      state.held.push(name);
      Atomics.store(ctrl, nameWord(workers, i), name);
      Atomics.store(ctrl, hashWord(workers, i), strHash(t, name)); // cached in the str from here on
    }
    const Base = makeClass(t, 'Base', []);
    state.held.push(Base);
    Atomics.store(ctrl, C_BASE, Base);
    gcCollect(r.gt);
    state.gcObjects = gcObjectCount(r);
    // Until the check: no QSBR goal waits for the main thread, no stop-the-world for its participant.
    detach(r.participant);
    state.detached = true;
    return { params, state };
  },
  check(ctx: CheckContext<SharedKeysParams, SharedKeysState>): StressCheck[] {
    const { state, params } = ctx;
    reattach(state);
    const { r } = state;
    const t = r.t;
    const res = ctx.results;
    const S = (k: keyof KeysWorkerResult): number => sum(res, k);
    const p = problems(res);
    if (params.names > MAX_NAMES || params.names > SHARED_KEYS_MAX_SIZE) throw new Error(`dict-shared-keys: ${params.names} names, at most ${Math.min(MAX_NAMES, SHARED_KEYS_MAX_SIZE)}`);
    // Non-owners' decrefs may have gone negative and queued objects to their owner; this thread owns Base.
    processMergeQueue(t.rc);
    const Base = Atomics.load(params.ctrl, C_BASE);
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
    const rounds = S('rounds') / ctx.workers;
    const control = params.control !== 'none';
    const checks: StressCheck[] = [
      ok(TABLE_CHECK, S('tableBad') === 0 && S('tables') === rounds, `${S('tableBad')} broken of ${S('tables')} tables walked in ${rounds} rounds${p}`),
      ok(
        ATTRS_CHECK,
        S('instanceBad') === 0 && S('crossBad') === 0 && S('midBad') === 0 && S('setErrors') === 0,
        `${S('instanceBad')} wrong instances, ${S('crossBad')} wrong of ${S('crossReads')} lock-free reads of another worker’s dict, ${S('midBad')} wrong of ${S('midReads')} such reads during the sets (${S('midHits')} found the name), ${S('setErrors')} of ${S('sets')} stores raised${p}`,
      ),
      ok(REPLACE_CHECK, S('replaceBad') === 0 && S('replaceErrors') === 0 && S('finalBad') === 0, `${S('replaceBad')} wrong of ${S('replaceReads')} reads, ${S('replaceErrors')} of ${S('replacements')} replacements failed, ${S('finalBad')} wrong final dicts${p}`),
      ok(
        'after gcCollect no class over Base and no instance of one is left, Base’s subclass list is empty, and the GC objects are back to their number before the run',
        leftClasses === 0 && leftInstances === 0 && subclassCount === 0 && after === state.gcObjects && collected >= rounds,
        `${leftClasses} classes and ${leftInstances} instances left, ${subclassCount} subclasses listed, ${after} GC objects (${state.gcObjects} before), ${collected} collected for ${rounds} classes`,
      ),
    ];
    if (!control) {
      const budget = ctx.opsPerWorker === Infinity ? 1 : ctx.opsPerWorker;
      checks.push(
        ok(
          'coverage: the rounds ran; sets overlapped other workers’ appends to one table, lock-free reads during the sets found names, and first stores raced for the table’s creation',
          rounds >= budget && S('overlapped') > 0 && S('midHits') > 0 && Atomics.load(params.ctrl, C_RACED_CREATIONS) > 0,
          `${rounds} rounds, ${S('overlapped')} sets overlapped by another append (${S('mutexHeld')} began with dk_mutex held), ${S('midHits')} of ${S('midReads')} reads during the sets found the name, ${Atomics.load(params.ctrl, C_RACED_CREATIONS)} raced creations (the rounds go on until ${MIN_OVERLAPPED} and ${MIN_RACED_CREATIONS})`,
        ),
      );
      if (params.replaceEvery > 0) {
        checks.push(
          ok(
            'coverage: __dict__ was replaced (split and combined) under readers, whose reads saw generations change and replacements land mid-read',
            S('replacements') >= ctx.workers * GENERATIONS && S('conversions') > 0 && S('generationChanges') > 0 && S('readsDuringSwap') > 0,
            `${S('phases') / ctx.workers} phases, ${S('replacements')} replacements (${S('conversions')} split dicts turned combined once installed), ${S('replaceReads')} reads, ${S('generationChanges')} generation changes seen, ${S('readsDuringSwap')} reads during a swap`,
          ),
        );
      }
    }
    return checks;
  },
  metrics: ({ results, params }) => [
    { name: 'rounds', value: sum(results, 'rounds') / Math.max(1, results.length), unit: '' },
    { name: 'attribute stores', value: sum(results, 'sets'), unit: '' },
    { name: 'overlapped appends', value: sum(results, 'overlapped'), unit: '' },
    { name: 'sets at a held dk_mutex', value: sum(results, 'mutexHeld'), unit: '' },
    { name: 'raced creations', value: Atomics.load(params.ctrl, C_RACED_CREATIONS), unit: '' },
    { name: 'reads during the sets', value: sum(results, 'midReads'), unit: '' },
    { name: 'broken rounds', value: Atomics.load(params.ctrl, C_BAD_ROUNDS), unit: '' },
    { name: 'broken tables', value: sum(results, 'tableBad'), unit: '' },
    { name: '__dict__ replacements', value: sum(results, 'replacements'), unit: '' },
    { name: 'split→combined under readers', value: sum(results, 'conversions'), unit: '' },
    { name: 'reads under replacement', value: sum(results, 'replaceReads'), unit: '' },
    { name: 'reads during a swap', value: sum(results, 'readsDuringSwap'), unit: '' },
  ],
  teardown: (state) => {
    reattach(state);
    state.r.close();
  },
};

function reattach(state: SharedKeysState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

/** The shared-keys scenario (for a stress report that loads this file). */
export const scenarios = [sharedKeysScenario];
