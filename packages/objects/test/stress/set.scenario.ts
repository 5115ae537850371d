/**
 * The set, frozenset and deque contracts of free-threaded CPython 3.13/3.14
 * (`reference/threadsafety-contract.md`, "set / frozenset": every element
 * read and every mutation holds the object's critical section; only
 * `len()` and a frozenset's cached hash are read without it; the deque's
 * methods are critical sections too) with real workers, in the spirit of
 * CPython's `Lib/test/test_free_threading/test_set.py` (own code). Every
 * run uses `mimalloc_debug`: memory freed under a reader reads 0xDD (set
 * tables and deque blocks entirely, objects past their 16-byte header, so
 * a freed object's type word is 0xDDDDDDDD).
 *
 * Setup (main thread): `makeRuntime({ allocator: 'mimalloc_debug' })`,
 * automatic collections off (`gcDisable`: no worker polls safe points), a
 * control block of its own (`ctrl`: addresses, barriers, handshakes and the
 * scenarios' tables), then `rt.detach()` until the check, so that QSBR and
 * stop-the-world never wait for the main thread. Workers join with
 * `joinRuntime(handle)`, release every object they made and leave.
 *
 * Ints of at least 1 000 000 (`intFromNumber`: heap-allocated, counted) and
 * strs (`strFromJs`: never interned) are the keys and items. A reader
 * builds its own key objects, equal but never identical, so that lookups
 * compare (int slot, `strEq`), and sometimes borrows the creator's.
 *
 * 1. `objects/set-mutation-vs-contains` (the contract row "set mutation vs
 *    contains"). Roles: writers (2 of 4 workers, else 1) and readers.
 *    Worker 0 fills one shared set with the stable keys S (NS objects: ints
 *    and strs) and publishes them. Each writer owns M churn slots (an int
 *    or a str each, disjoint from S and from the other writers') and runs
 *    random add / discard operations on them, in grow and shrink phases
 *    (3:1 and 1:3). An add of an absent slot adds either the slot's "home"
 *    object or a fresh equal one (dropped at once: the set holds the only
 *    reference, and a discard frees it); an add of a present slot adds a
 *    fresh equal object (a no-op that drops it); a discard uses either.
 *    Every discard of a present slot starts the slot's next generation: a
 *    new value (new hash, new home object), so keys land on fresh table
 *    slots, dummies pile up, and the table is replaced again and again.
 *    Each writer keeps a sequence word: odd while an operation runs.
 *    Readers run batches: `setContains` of random keys of S (must be 1),
 *    of keys never added (must be 0), `setSize` (within [NS, NS + churn
 *    slots]), and now and then an iteration pass (`setIter` /
 *    `setIterNext`): every element must be a live exact int or str of S or
 *    of a churn slot (never 0xDD, never another object); the pass
 *    completes or raises exactly "RuntimeError: Set changed size during
 *    iteration", and the error sticks (the next call raises it again). A
 *    completed pass during which no writer operation ran (the writers'
 *    sequence words equal and even before and after) must hold every key
 *    of S, each element once, `setSize` elements. (A pass that completes
 *    across mutations that left the size as it was may see an element
 *    twice or miss one after a resize: CPython's set iterator checks only
 *    the size. Those are counted, not failed.)
 *    Quiet handshakes, every QUIET_EVERY operations of worker 0: every
 *    writer pauses; each reader runs a pass that must complete as above,
 *    then starts another and stops after its first element; worker 0 adds
 *    one key; the reader's next step must raise the size error (and again).
 *    At the end: the writers publish which slots they left in the set, in
 *    which generation, and whether the home object is the one stored; every
 *    reader checks S and the never-added keys once more and runs a pass
 *    that must hold exactly S and those slots in those generations; the
 *    writers check each home object's count (1, plus 1 when the set holds
 *    it; the home objects of past generations exactly 1), discard their
 *    slots, check the counts again (1); worker 0 checks the set holds
 *    exactly S, that each key of S has 2 references (its own and the
 *    set's), releases the set, and each key of S is back to 1.
 *    Control 'unlocked-walk' (must fail): the readers look keys of S up by
 *    walking the set's table themselves, without the critical section
 *    (loading `SET_TABLE_OFFSET` / `SET_MASK_OFFSET`, probing as
 *    `set_lookkey` does, at most mask + 1 entries), and with a held-table
 *    handshake: the writer asks a reader to load the current table, then
 *    adds and discards until the set has a new table (the old one freed by
 *    `set_table_resize`), then lets the reader walk the table it loaded for
 *    every key of S. The freed table reads 0xDD: no key of S is found and
 *    the debug frame's API id is gone. Deterministic: with one writer
 *    nothing else allocates a table between the free and the walk.
 *
 * 2. `objects/set-add-pop-race` — every worker, each round: makes K fresh
 *    ints of its own range; at a barrier all add theirs to one shared set,
 *    popping after every other add; then all pop until their first
 *    KeyError. Checks: every popped element is a live exact int of some
 *    worker's range; each element was popped exactly once overall; the
 *    set is empty afterwards; a KeyError is exactly "KeyError: 'pop from an
 *    empty set'" and came only while the set was empty — before a pop a
 *    worker reads how many adds had completed (a), after a KeyError how
 *    many pops had begun and not failed (b, its own excluded): a > b would
 *    prove the set held an element at the error; after the owners merge
 *    their queues every element is back to exactly its creator's
 *    reference.
 *
 * 3. `objects/frozenset-hash-and-set-repr` — each round worker 0 builds a
 *    frozenset F of E ints and strs (hash not computed yet) and a set R of
 *    eight fresh ints (the set's references the only ones), and publishes
 *    them; after a barrier every worker hashes F at once (`frozensetHash`,
 *    the cached word written by whoever is first, with `Atomics`) while
 *    the others take `repr(R)` and worker 0 clears R (CPython's
 *    `test_repr_clear`). Checks: every worker got the same hash, the cached
 *    word holds it, an equal frozenset built by each worker in reverse
 *    order has it too; every repr is exactly that of an equal private set
 *    or "set()".
 *
 * 4. `objects/deque-fifo-and-bounded` — each round has two parts.
 *    A: worker 0 appends N fresh ints 0 … N-1 (`dequeAppend`) while the
 *    others `dequePopLeft`. Checks: each consumer sees increasing values
 *    (FIFO); every value is consumed exactly once; an IndexError is exactly
 *    "IndexError: pop from an empty deque" and only while the deque was
 *    empty (the same counters as scenario 2); `dequeSize` within [0, N];
 *    the deque empty at the end; every item back to its creator's single
 *    reference. B: every worker appends its K fresh ints at random ends of
 *    a deque with maxlen ML (each append drops one item from the other end,
 *    across block boundaries), reads `len()` after each append and now and
 *    then iterates. Checks: a completed pass never yields more than ML
 *    items; iteration yields live exact ints of the workers' ranges or
 *    raises exactly "RuntimeError: deque mutated during iteration";
 *    afterwards the deque holds exactly ML distinct items, and every item's
 *    count is exactly 1 (its creator's) plus 1 if the deque still holds it:
 *    every dropped item was released once; after a clear every item is back
 *    to 1. Then the len() probe: worker 0 alone appends immortal small ints
 *    at random ends of a deque with maxlen 8 while the last worker reads
 *    its `len()` in bursts of 64, until 200 bursts overlapped appends (the
 *    append count moved during the burst) or 100 ms passed; the others
 *    wait at the next barrier. Check: the lock-free `len()` of a bounded
 *    deque is never above its maxlen (LOCKFREE_MAXLEN_CHECK, the finding
 *    below; the vitest file reports it as a test of its own).
 *
 * Finding (fixed in src/deque.ts): an append to a full bounded deque
 * stored the size ML + 1 (`Atomics.store`), then the trim's `popLocked`
 * stored ML, so a lock-free `len()` between the two read ML + 1. The window
 * is a few instructions — shorter than a cache line's trip between cores: a
 * reader running at the same time as the appender practically never sees
 * it (0 of 66 M reads against 1.8 M appends in a separate experiment) — but
 * an appender preempted inside it leaves ML + 1 visible for the rest of its
 * time slice, and then every read sees it: runs counted from none to
 * millions of such reads, depending on the machine's load. CPython 3.13t
 * has the same order (`deque_append_lock_held`: `Py_SET_SIZE(size + 1)`
 * then `deque_popleft_impl`, with `deque_len` an `FT_ATOMIC_LOAD_SSIZE`).
 * src/deque.ts now drops from the other end before the push, so the size
 * never passes maxlen.
 */

import { gcDisable } from '@ft/gc';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

// --- control block words --------------------------------------------------------------

/** The shared set / frozenset / deque. */
export const C_OBJ = 0;
/** A worker failed: every wait gives up. */
export const C_ABORT = 1;
/** Barrier arrivals. */
export const C_BARRIER = 2;
/** Worker 0's decision for the next round (round + 1, or -1 to stop). */
export const C_CONTINUE = 3;
/** Scenario 1: worker 0 asks the other writers to stop (1). */
export const C_WRITERS_STOP = 4;
/** Scenario 1: writers that finished and published their slots. */
export const C_WRITERS_DONE = 5;
/** Scenario 1: 2q + 1 while quiet handshake q is on (writers pause), 2q + 2 after it. */
export const C_QUIET = 6;
/** Scenario 1: q + 1 once every writer paused for handshake q (readers may start). */
export const C_QUIET_READY = 7;
/** Scenario 1: q + 1 once worker 0 added the key of handshake q. */
export const C_MUTATED = 8;
/** Scenarios 2 and 4: adds / appends completed. */
export const C_ADDED = 9;
/** Scenarios 2 and 4: pops begun and not failed. */
export const C_POPS_BEGUN = 10;
/** Scenario 4: round + 1 once the producer appended its last item. */
export const C_PRODUCER_DONE = 11;
/** Scenario 3: the set R; 4: the bounded deque. */
export const C_AUX = 12;
/** Scenario 4: appends to the probe deque so far. */
export const C_PROBE_APPENDS = 13;
/** Scenario 4: round + 1 once the watcher ended the round's len() probe. */
export const C_PROBE_STOP = 14;
/** Scenario 4: the probe deque. */
export const C_PROBE = 15;
/** Per-worker words: `C_WORKER_BASE + w * C_WORKER_STRIDE + F_*`. */
export const C_WORKER_BASE = 16;
export const C_WORKER_STRIDE = 16;
/** Scenario 1 writers: the operation sequence (odd while an operation runs). */
export const F_SEQ = 0;
/** Scenario 1 writers: the quiet word this writer paused for. */
export const F_PAUSED = 1;
/** Scenario 1 readers: q + 1 once stopped after the first element of handshake q's second pass. */
export const F_MID = 2;
/** Scenario 1 readers: q + 1 when done with handshake q. */
export const F_QUIET_ACK = 3;
/** Control held-table handshake: the writer's request (sequence number). */
export const F_WANT = 4;
/** The reader loaded the table for request F_WANT. */
export const F_HELD = 5;
/** The table address the reader loaded. */
export const F_HELD_TABLE = 6;
/** The mask the reader loaded with it. */
export const F_HELD_MASK = 7;
/** The set has another table now. */
export const F_REPLACED = 8;
/** The reader walked the table it held. */
export const F_CHECKED = 9;
/** Scenario 3: the hash this worker got. */
export const F_HASH = 10;
/** Batches a reader completed. */
export const F_BATCHES = 11;

/** Index of worker `w`'s field `f`. */
export function wordOf(w: number, f: number): number {
  return C_WORKER_BASE + w * C_WORKER_STRIDE + f;
}

/** Stable keys of scenario 1: ints STABLE_BASE + i (i even), strs `s<i>` (i odd). */
export const STABLE_BASE = 1_000_000;
/** Churn slot (w, j) in generation g: ints CHURN_BASE + (g·writers + w)·M + j (j even), strs `c<w>.<j>.<g>` (j odd). */
export const CHURN_BASE = 10_000_000;
/** The key worker 0 adds in quiet handshake q: QUIET_BASE + q. */
export const QUIET_BASE = 4_000_000;
/** Keys never added: ints NEVER_BASE + i (i even), strs `n<i>` (i odd). */
export const NEVER_BASE = 5_000_000;
/** Items of scenarios 2 and 4: VALUE_BASE + w·K + i (4's part A: VALUE_BASE + i). */
export const VALUE_BASE = 2_000_000;

export type SetKind = 'contains' | 'add-pop' | 'hash-repr' | 'deque';
export type SetControl = 'none' | 'unlocked-walk';

export interface SetStressParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
  readonly kind: SetKind;
  /** 'unlocked-walk': scenario 1's readers walk the table without the lock (the control that must fail). */
  readonly control: SetControl;
  /** Scenario 1: stable keys NS; 2: items per worker and round K; 3: frozenset size E; 4: items per round N. */
  readonly size: number;
  /** Scenario 1: churn slots per writer M; 4: maxlen ML. */
  readonly size2: number;
  /** Start of the scenario's table in `ctrl` (1: S addresses; 2, 4: counts per item). */
  readonly tableBase: number;
  /** Scenario 1: the writers' slot table (writers × M words: 0 absent, else 4·generation + 1 present, + 2 present as the home object); 4: the bounded deque's presence counts (workers × 1024). */
  readonly slotsBase: number;
  /** Longest any handshake or barrier may wait, in ms (then the run fails). */
  readonly waitMs: number;
}

// --- results ------------------------------------------------------------------------------

export interface ContainsWriterResult {
  readonly role: 'writer';
  ops: number;
  adds: number;
  discards: number;
  noOpAdds: number;
  resizes: number;
  opBad: number;
  quietRounds: number;
  quietMissed: number;
  heldHandshakes: number;
  heldMissed: number;
  homeRefcountBad: number;
  finalBad: number;
  stableRefcountBad: number;
  present: number;
  retired: number;
  problems: string[];
}

export interface ContainsReaderResult {
  readonly role: 'reader';
  batches: number;
  contains: number;
  missing: number;
  neverFound: number;
  errors: number;
  faults: number;
  sizes: number;
  sizeViolations: number;
  passes: number;
  completed: number;
  raised: number;
  badErrors: number;
  notSticky: number;
  elements: number;
  wrongObjects: number;
  poisoned: number;
  strictPasses: number;
  strictBad: number;
  lenientDuplicates: number;
  lenientMissingStable: number;
  quietPasses: number;
  quietBad: number;
  forcedRaised: number;
  forcedBad: number;
  heldChecks: number;
  heldFreed: number;
  heldPoisonedWords: number;
  finalBad: number;
  problems: string[];
}

export interface AddPopResult {
  readonly role: 'racer';
  rounds: number;
  adds: number;
  pops: number;
  keyErrors: number;
  drainKeyErrors: number;
  badPops: number;
  poisoned: number;
  badErrors: number;
  emptyViolations: number;
  popCountBad: number;
  sizeBad: number;
  refcountBad: number;
  merged: number;
  problems: string[];
}

export interface HashReprResult {
  readonly role: 'hasher';
  rounds: number;
  hashes: number;
  hashBad: number;
  cachedBad: number;
  reverseBad: number;
  reprs: number;
  reprFull: number;
  reprEmpty: number;
  reprBad: number;
  problems: string[];
}

export interface DequeResult {
  readonly role: 'producer' | 'consumer';
  rounds: number;
  // Part A: producer and consumers.
  appended: number;
  consumed: number;
  orderBad: number;
  wrongItems: number;
  poisoned: number;
  indexErrors: number;
  badErrors: number;
  emptyViolations: number;
  sizeViolations: number;
  countBad: number;
  sizeBad: number;
  refcountBad: number;
  // Part B: the bounded deque.
  boundedAppends: number;
  lenReads: number;
  lockFreeAbove: number;
  probeOverlaps: number;
  lockedAbove: number;
  passes: number;
  completed: number;
  raised: number;
  contentBad: number;
  boundedRefcountBad: number;
  clearedRefcountBad: number;
  merged: number;
  problems: string[];
}

/** What the main thread keeps between setup, check and teardown. */
export interface SetStressState {
  readonly r: Runtime;
  detached: boolean;
}

// --- shared helpers ---------------------------------------------------------------------------

const WORKER = new URL('./set.worker.ts', import.meta.url);

function setup(kind: SetKind, size: number, size2: number, workers: number, tableWords: (workers: number) => number, slotWords = 0): { params: SetStressParams; state: SetStressState } {
  if (workers < 2) throw new Error(`${kind}: needs at least 2 workers`);
  // 256 MiB: under a loaded machine QSBR's goal advances slowly and the retired tables and churned keys of a
  // multi-second report run (the debug allocator's blocks are larger) outgrew 64 MiB (MemoryError in a writer).
  const r = makeRuntime({ allocator: 'mimalloc_debug', heapSize: 256 << 20 });
  gcDisable(r.gt);
  const tableBase = C_WORKER_BASE + workers * C_WORKER_STRIDE;
  const slotsBase = tableBase + tableWords(workers);
  const ctrl = new Int32Array(new SharedArrayBuffer((slotsBase + slotWords) * 4));
  const params: SetStressParams = { runtime: r.handle, ctrl, kind, control: 'none', size, size2, tableBase, slotsBase, waitMs: 20_000 };
  // Until the check: no QSBR goal and no stop-the-world waits for the main thread.
  r.detach();
  return { params, state: { r, detached: true } };
}

function reattach(state: SetStressState): void {
  if (!state.detached) return;
  state.r.attach();
  state.detached = false;
}

function teardown(state: SetStressState): void {
  reattach(state);
  state.r.close();
}

function sum<T>(results: readonly unknown[], role: string | null, key: keyof T): number {
  let total = 0;
  for (const x of results) {
    const r = x as Record<string, unknown> | undefined;
    if (r !== undefined && (role === null || r.role === role)) total += r[key as string] as number;
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

/** Writers of scenario 1 among `n` workers. */
export function writersOf(n: number): number {
  return n >= 4 ? 2 : 1;
}

// --- 1. set mutation vs contains ------------------------------------------------------------------

/** The checks the control must fail (the test names them). */
export const STABLE_CHECK = 'every key of S was found (contains 1, equal and identical keys) while writers added, discarded and resized';
export const GARBAGE_CHECK = 'no read met freed memory or another object (elements live exact ints or strs of S or the churn slots; no 0xDD table)';

export const setContainsScenario: StressScenario<SetStressParams, SetStressState> = {
  name: 'objects/set-mutation-vs-contains',
  description: 'writers add and discard churn keys (many table resizes) while readers check that the stable keys stay found, never-added keys absent, len in bounds, and iteration completes or raises the size error',
  worker: WORKER,
  defaultWorkers: 4,
  roles: (n) => Array.from({ length: n }, (_, i) => (i < writersOf(n) ? 'writer' : 'reader')),
  /** Add / discard operations of worker 0 (the other writers run until it stops). */
  opsPerWorker: 60_000,
  setup: ({ workers }) => setup('contains', 64, 128, workers, () => 64, writersOf(workers) * 128),
  check(ctx: CheckContext<SetStressParams, SetStressState>): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const W = <K extends keyof ContainsWriterResult>(k: K): number => sum<ContainsWriterResult>(res, 'writer', k);
    const R = <K extends keyof ContainsReaderResult>(k: K): number => sum<ContainsReaderResult>(res, 'reader', k);
    const readers = ctx.workers - writersOf(ctx.workers);
    const control = ctx.params.control !== 'none';
    const p = problems(res);
    const checks: StressCheck[] = [
      ok(STABLE_CHECK, R('missing') === 0 && R('contains') > 0, `${R('missing')} missing of ${R('contains')} lookups${R('heldChecks') > 0 ? ` (${R('heldFreed')} of ${R('heldChecks')} held tables freed under their reader)` : ''}${p}`),
      ok('keys never added were never found', R('neverFound') === 0, `${R('neverFound')} found${p}`),
      ok(GARBAGE_CHECK, R('wrongObjects') === 0 && R('poisoned') === 0 && R('heldPoisonedWords') === 0, `${R('poisoned')} poisoned, ${R('wrongObjects')} wrong of ${R('elements')} elements${R('heldPoisonedWords') > 0 ? `, ${R('heldPoisonedWords')} 0xDD words in held tables` : ''}${p}`),
      ok('no lookup raised, none threw', R('errors') === 0 && R('faults') === 0, `${R('errors')} errors, ${R('faults')} faults${p}`),
      ok('len(s) stayed within [NS, NS + churn slots]', R('sizeViolations') === 0 && R('sizes') > 0, `${R('sizeViolations')} of ${R('sizes')}${p}`),
      ok('a pass completed or raised exactly "RuntimeError: Set changed size during iteration", and kept raising', R('badErrors') === 0 && R('notSticky') === 0, `${R('completed')} completed, ${R('raised')} raised, ${R('badErrors')} other errors, ${R('notSticky')} not sticky${p}`),
      ok('a pass completed with no writer operation in between held every key of S, each element once, len(s) elements', R('strictBad') === 0, `${R('strictBad')} bad of ${R('strictPasses')}${p}`),
      ok('writer operations did what they said (discard of a present key 1, contains after add 1)', W('opBad') === 0, `${W('opBad')} bad of ${W('ops')}${p}`),
    ];
    if (!control) {
      checks.push(
        ok('coverage: quiet handshakes — with the writers paused each reader completed a pass, and its next pass raised the size error after worker 0 added a key', W('quietRounds') >= 1 && W('quietMissed') === 0 && R('quietBad') === 0 && R('forcedBad') === 0 && R('quietPasses') >= readers * W('quietRounds') && R('forcedRaised') >= readers * W('quietRounds'), `${W('quietRounds')} handshakes (${W('quietMissed')} missed), ${R('quietPasses')} quiet passes (${R('quietBad')} bad), ${R('forcedRaised')} forced errors (${R('forcedBad')} bad)${p}`),
        ok('coverage: the table was replaced many times while readers looked', W('resizes') >= Math.max(3, W('ops') / 5000) && R('batches') >= readers, `${W('resizes')} resizes in ${W('ops')} operations, ${R('batches')} batches`),
        ok('at the end every reader found S, not the never-added keys, and a pass of exactly S and the writers\' remaining slots', R('finalBad') === 0, `${R('finalBad')} bad${p}`),
        ok('home objects counted exactly (1, plus 1 while the set held it) before and after the writers discarded their slots', W('homeRefcountBad') === 0, `${W('homeRefcountBad')} wrong${p}`),
        ok('the set held exactly S after the discards; each key of S had 2 references, 1 after the set was released', W('finalBad') === 0 && W('stableRefcountBad') === 0, `${W('finalBad')} bad, ${W('stableRefcountBad')} wrong counts${p}`),
      );
    }
    return checks;
  },
  metrics: ({ results }) => {
    const W = <K extends keyof ContainsWriterResult>(k: K): number => sum<ContainsWriterResult>(results, 'writer', k);
    const R = <K extends keyof ContainsReaderResult>(k: K): number => sum<ContainsReaderResult>(results, 'reader', k);
    return [
      { name: 'writer ops', value: W('ops'), unit: '' },
      { name: 'resizes', value: W('resizes'), unit: '' },
      { name: 'contains', value: R('contains'), unit: '' },
      { name: 'passes', value: R('passes'), unit: '' },
      { name: 'completed', value: R('completed'), unit: '' },
      { name: 'size errors', value: R('raised') + R('forcedRaised'), unit: '' },
      { name: 'strict passes', value: R('strictPasses'), unit: '' },
      { name: 'duplicates across mutation', value: R('lenientDuplicates'), unit: '' },
      { name: 'quiet handshakes', value: W('quietRounds'), unit: '' },
      { name: 'held tables freed', value: R('heldFreed'), unit: '' },
      { name: 'missing', value: R('missing'), unit: '' },
      { name: 'poisoned', value: R('poisoned') + R('heldPoisonedWords'), unit: '' },
    ];
  },
  teardown,
};

// --- 2. racing add / pop ----------------------------------------------------------------------

export const setAddPopScenario: StressScenario<SetStressParams, SetStressState> = {
  name: 'objects/set-add-pop-race',
  description: 'every worker adds its own range to one set and pops concurrently: each element popped exactly once, KeyError only when empty, exact reference counts',
  worker: WORKER,
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, () => 'racer'),
  /** Rounds. */
  opsPerWorker: 40,
  setup: ({ workers }) => setup('add-pop', 1024, 0, workers, (w) => w * 1024),
  check(ctx): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const S = <K extends keyof AddPopResult>(k: K): number => sum<AddPopResult>(res, 'racer', k);
    const rounds = S('rounds') / ctx.workers;
    const items = rounds * ctx.workers * ctx.params.size;
    const p = problems(res);
    return [
      ok('every popped element was a live exact int of a worker\'s range', S('badPops') === 0 && S('poisoned') === 0, `${S('poisoned')} poisoned, ${S('badPops')} wrong of ${S('pops')}${p}`),
      ok('each element popped exactly once overall (no loss, no duplicate), the set empty after every round', S('popCountBad') === 0 && S('pops') === items && S('sizeBad') === 0, `${S('pops')} pops of ${items} elements, ${S('popCountBad')} not popped once, ${S('sizeBad')} non-empty${p}`),
      ok('failed pops raised exactly "KeyError: \'pop from an empty set\'", never while an added element was unpopped', S('badErrors') === 0 && S('emptyViolations') === 0, `${S('keyErrors')} KeyErrors while adding, ${S('drainKeyErrors')} when drained, ${S('badErrors')} other errors, ${S('emptyViolations')} while not empty${p}`),
      ok('after the pops and the merges every element had exactly its creator\'s reference', S('refcountBad') === 0, `${S('refcountBad')} wrong${p}`),
      ok('the rounds ran, with pops racing adds', rounds >= 1 && S('drainKeyErrors') === rounds * ctx.workers, `${rounds} rounds, ${S('drainKeyErrors')} final KeyErrors`),
    ];
  },
  metrics: ({ results, workers }) => {
    const S = <K extends keyof AddPopResult>(k: K): number => sum<AddPopResult>(results, 'racer', k);
    return [
      { name: 'rounds', value: S('rounds') / workers, unit: '' },
      { name: 'adds', value: S('adds'), unit: '' },
      { name: 'pops', value: S('pops'), unit: '' },
      { name: 'KeyErrors while adding', value: S('keyErrors'), unit: '' },
      { name: 'objects merged', value: S('merged'), unit: '' },
    ];
  },
  teardown,
};

// --- 3. frozenset hash and set repr ---------------------------------------------------------------

export const frozensetHashScenario: StressScenario<SetStressParams, SetStressState> = {
  name: 'objects/frozenset-hash-and-set-repr',
  description: 'every worker hashes the same fresh frozenset at once (one cached value) while the others take repr() of a set worker 0 clears',
  worker: WORKER,
  defaultWorkers: 4,
  roles: (n) => Array.from({ length: n }, () => 'hasher'),
  /** Rounds. */
  opsPerWorker: 150,
  setup: ({ workers }) => setup('hash-repr', 2000, 0, workers, () => 0),
  check(ctx): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const H = <K extends keyof HashReprResult>(k: K): number => sum<HashReprResult>(res, 'hasher', k);
    const rounds = H('rounds') / ctx.workers;
    const p = problems(res);
    return [
      ok('every worker got the same hash of the frozenset, the cached word holds it, an equal frozenset built in reverse order hashes the same', H('hashBad') === 0 && H('cachedBad') === 0 && H('reverseBad') === 0 && H('hashes') === rounds * ctx.workers, `${H('hashes')} hashes, ${H('hashBad')} disagreements, ${H('cachedBad')} cached words wrong, ${H('reverseBad')} reverse-order mismatches${p}`),
      ok('repr of a set being cleared was the full set or "set()"', H('reprBad') === 0 && H('reprs') === rounds * (ctx.workers - 1), `${H('reprFull')} full, ${H('reprEmpty')} empty, ${H('reprBad')} other of ${H('reprs')}${p}`),
      ok('the rounds ran', rounds >= 1, `${rounds} rounds`),
    ];
  },
  metrics: ({ results, workers }) => {
    const H = <K extends keyof HashReprResult>(k: K): number => sum<HashReprResult>(results, 'hasher', k);
    return [
      { name: 'rounds', value: H('rounds') / workers, unit: '' },
      { name: 'hashes', value: H('hashes'), unit: '' },
      { name: 'reprs full', value: H('reprFull'), unit: '' },
      { name: 'reprs empty', value: H('reprEmpty'), unit: '' },
    ];
  },
  teardown,
};

// --- 4. deque -----------------------------------------------------------------------------------

/** The finding's check (see "Finding" at the top of this file; fixed in src/deque.ts). */
export const LOCKFREE_MAXLEN_CHECK = 'lock-free len(d) of the bounded deque never above maxlen';

export const dequeScenario: StressScenario<SetStressParams, SetStressState> = {
  name: 'objects/deque-fifo-and-bounded',
  description: 'a producer appends 0 … N-1 while consumers popleft (FIFO, each value once, IndexError only when empty); then every worker appends at random ends of a bounded deque (never above maxlen, every dropped item released once)',
  worker: WORKER,
  defaultWorkers: 4,
  roles: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 'producer' : 'consumer')),
  /** Rounds (each: part A, then part B). */
  opsPerWorker: 10,
  setup: ({ workers }) => setup('deque', 8192, 100, workers, () => 8192, workers * 1024),
  check(ctx): StressCheck[] {
    reattach(ctx.state);
    const res = ctx.results;
    const P = <K extends keyof DequeResult>(k: K): number => sum<DequeResult>(res, 'producer', k);
    const C = <K extends keyof DequeResult>(k: K): number => sum<DequeResult>(res, 'consumer', k);
    const A = <K extends keyof DequeResult>(k: K): number => sum<DequeResult>(res, null, k);
    const rounds = P('rounds');
    const p = problems(res);
    return [
      ok('each consumer saw increasing values (FIFO)', C('orderBad') === 0, `${C('orderBad')} out of order of ${C('consumed')}${p}`),
      ok('every item popped or yielded was a live exact int of its range', A('wrongItems') === 0 && A('poisoned') === 0, `${A('poisoned')} poisoned, ${A('wrongItems')} wrong${p}`),
      ok('every value consumed exactly once, the deque empty after each round', P('countBad') === 0 && C('consumed') === rounds * ctx.params.size && P('sizeBad') === 0, `${C('consumed')} consumed of ${rounds * ctx.params.size}, ${P('countBad')} not once, ${P('sizeBad')} non-empty${p}`),
      ok('failed pops raised exactly "IndexError: pop from an empty deque", never while an appended item was unconsumed', C('badErrors') === 0 && C('emptyViolations') === 0, `${C('indexErrors')} IndexErrors, ${C('badErrors')} other errors, ${C('emptyViolations')} while not empty${p}`),
      ok('len(d) of the unbounded deque stayed within [0, N]', C('sizeViolations') === 0, `${C('sizeViolations')} out of bounds${p}`),
      ok("every item of part A back to exactly its creator's reference", P('refcountBad') === 0, `${P('refcountBad')} wrong${p}`),
      ok('the bounded deque never held more than maxlen items under its lock (passes)', A('lockedAbove') === 0, `${A('lockedAbove')} passes above maxlen${p}`),
      ok(LOCKFREE_MAXLEN_CHECK, A('lockFreeAbove') === 0, `${A('lockFreeAbove')} of ${A('lenReads')} reads saw maxlen + 1${p}`),
      ok("coverage: the len() probe's bursts overlapped worker 0's appends (200 a round unless 100 ms ran out; at least 50 in the run)", A('probeOverlaps') >= 50, `${A('probeOverlaps')} overlapping bursts in ${rounds} rounds`),
      ok('iteration of the bounded deque yielded live exact ints or raised exactly "RuntimeError: deque mutated during iteration"', A('badErrors') - C('badErrors') === 0, `${A('completed')} completed, ${A('raised')} raised, ${A('badErrors') - C('badErrors')} other errors${p}`),
      ok('after each round the bounded deque held exactly maxlen distinct items', A('contentBad') === 0, `${A('contentBad')} bad${p}`),
      ok('bounded items counted exactly: 1 + 1 while the deque holds it (each dropped item released once), 1 after the clear', A('boundedRefcountBad') === 0 && A('clearedRefcountBad') === 0, `${A('boundedRefcountBad')} wrong, ${A('clearedRefcountBad')} wrong after the clear${p}`),
      ok('the rounds ran', rounds >= 1 && A('boundedAppends') > 0, `${rounds} rounds`),
    ];
  },
  metrics: ({ results }) => {
    const P = <K extends keyof DequeResult>(k: K): number => sum<DequeResult>(results, 'producer', k);
    const A = <K extends keyof DequeResult>(k: K): number => sum<DequeResult>(results, null, k);
    return [
      { name: 'rounds', value: P('rounds'), unit: '' },
      { name: 'appended', value: P('appended'), unit: '' },
      { name: 'consumed', value: A('consumed'), unit: '' },
      { name: 'IndexErrors', value: A('indexErrors'), unit: '' },
      { name: 'bounded appends', value: A('boundedAppends'), unit: '' },
      { name: 'lock-free len maxlen + 1', value: A('lockFreeAbove'), unit: '' },
      { name: 'probe bursts overlapping appends', value: A('probeOverlaps'), unit: '' },
      { name: 'passes', value: A('passes'), unit: '' },
      { name: 'mutation errors', value: A('raised'), unit: '' },
      { name: 'objects merged', value: A('merged'), unit: '' },
    ];
  },
  teardown,
};

/** The set and deque scenarios (for a stress report that loads this file). */
export const scenarios = [setContainsScenario, setAddPopScenario, frozensetHashScenario, dequeScenario];
