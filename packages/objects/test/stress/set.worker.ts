/**
 * A worker of the set and deque stress scenarios (set.scenario.ts describes
 * the runs, the roles, the handshakes and the checks). Hang dumps show user
 * counter 0: the phase (1 running, 2 in a handshake or barrier, 3 final
 * checks, 5 leaving) and counter 1: the operation, batch or round count.
 *
 * A worker never releases an object it found freed (its type word
 * 0xDDDDDDDD): it is counted and kept, since a decref would write into
 * freed memory.
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { qsbrQuiescentState } from '@ft/qsbr';
import { decref, getRefcount, OB_TYPE_OFFSET, processMergeQueue } from '@ft/refcount';
import {
  dequeAppend,
  dequeAppendLeft,
  dequeClear,
  dequeIter,
  dequeIterNext,
  dequeNew,
  dequePopLeft,
  dequeSize,
  errFetch,
  formatError,
  frozensetHash,
  intAsNumber,
  intCheckExact,
  intFromNumber,
  objectHash,
  setAdd,
  setClear,
  setContains,
  setDiscard,
  setIter,
  setIterNext,
  setNew,
  setPop,
  setReprJs,
  setSize,
  smallInt,
  strCheckExact,
  strFromJs,
  strToJs,
  type ObThread,
} from '../../src/index.js';
import { SET_HASH_OFFSET, SET_LINEAR_PROBES, SET_MASK_OFFSET, SET_TABLE_OFFSET } from '../../src/layout.js';
import { check, joinRuntime, type Runtime } from '../runtime.js';
import {
  C_ABORT,
  C_ADDED,
  C_AUX,
  C_BARRIER,
  C_CONTINUE,
  C_MUTATED,
  C_OBJ,
  C_POPS_BEGUN,
  C_PROBE,
  C_PROBE_APPENDS,
  C_PROBE_STOP,
  C_PRODUCER_DONE,
  C_QUIET,
  C_QUIET_READY,
  C_WRITERS_DONE,
  C_WRITERS_STOP,
  CHURN_BASE,
  F_BATCHES,
  F_CHECKED,
  F_HASH,
  F_HELD,
  F_HELD_MASK,
  F_HELD_TABLE,
  F_MID,
  F_PAUSED,
  F_QUIET_ACK,
  F_REPLACED,
  F_SEQ,
  F_WANT,
  NEVER_BASE,
  QUIET_BASE,
  STABLE_BASE,
  VALUE_BASE,
  wordOf,
  writersOf,
  type AddPopResult,
  type ContainsReaderResult,
  type ContainsWriterResult,
  type DequeResult,
  type HashReprResult,
  type SetStressParams,
} from './set.scenario.js';

type Ctx = StressWorkerContext<SetStressParams>;

/** The type word of an object freed under `mimalloc_debug` (past the 16 protected header bytes). */
const POISON_WORD = 0xdddddddd;
/** The debug frame's API id of a `PyMem_Malloc` block, 8 bytes before the data. */
const MEM_API_ID = 'm'.charCodeAt(0);
const API_ID_BACK = 8;
/** Problems kept per worker for the report. */
const MAX_PROBLEMS = 8;

const SET_SIZE_ERROR = 'RuntimeError: Set changed size during iteration';
const SET_EMPTY_ERROR = "KeyError: 'pop from an empty set'";
const DEQUE_EMPTY_ERROR = 'IndexError: pop from an empty deque';
const DEQUE_MUTATED_ERROR = 'RuntimeError: deque mutated during iteration';

/** Scenario 1: worker 0's operations between quiet handshakes. */
const QUIET_EVERY = 6000;
/** Scenario 1: operations of one grow or shrink phase. */
const PHASE_OPS = 700;
/** Scenario 1: lookups per reader batch. */
const BATCH = 64;
/** Scenario 1 control: worker 0's operations between held-table handshakes. */
const HELD_EVERY = 500;

function note(list: string[], message: string): void {
  if (list.length < MAX_PROBLEMS) list.push(message);
}

/**
 * Waits until `ctrl[index] >= value`; false past `deadline`. Throws when
 * another worker failed. (Handshakes never give up on the runner's stop
 * flag: the other side always answers, and timed runs end at a round.)
 */
function waitFor(ctx: Ctx, index: number, value: number, deadline: number): boolean {
  const ctrl = ctx.params.ctrl;
  for (let spins = 0; ; spins++) {
    const seen = Atomics.load(ctrl, index);
    if (seen >= value) return true;
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (Date.now() > deadline) return false;
    // A short spin first, so that a barrier lets everybody go at nearly the same time.
    if (spins > 200) Atomics.wait(ctrl, index, seen, 1);
  }
}

function store(ctrl: Int32Array, index: number, value: number): void {
  Atomics.store(ctrl, index, value);
  Atomics.notify(ctrl, index);
}

/** A barrier of all workers (generation counting on C_BARRIER); throws past the wait limit. */
function makeBarrier(ctx: Ctx): (what: string) => void {
  let generation = 0;
  const { ctrl, waitMs } = ctx.params;
  return (what) => {
    generation++;
    ctx.setCounter(0, 2);
    Atomics.add(ctrl, C_BARRIER, 1);
    Atomics.notify(ctrl, C_BARRIER);
    if (!waitFor(ctx, C_BARRIER, generation * ctx.workers, Date.now() + waitMs)) throw new Error(`barrier '${what}' (${generation}) not reached in ${waitMs} ms`);
    ctx.setCounter(0, 1);
  };
}

/** The current exception as CPython prints it, cleared; 'no exception' when none. */
function takeError(t: ObThread): string {
  const e = errFetch(t);
  return e === null ? 'no exception' : formatError(t, e);
}

/**
 * Whether `op` was freed (its type word 0xDDDDDDDD). SAFETY: plain read of
 * the type word of an object the caller holds a reference to (or got from
 * a container that should have held one): immutable while alive.
 */
function isPoisoned(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === POISON_WORD;
}

/** `op` for a problem note. SAFETY: as {@link isPoisoned}; a live int or str is immutable. */
function describe(t: ObThread, op: number): string {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  if (type === POISON_WORD) return `0x${op.toString(16)} (freed: type word 0xdddddddd)`;
  if (intCheckExact(t, op)) return `0x${op.toString(16)} = ${intAsNumber(t, op)}`;
  if (strCheckExact(t, op)) return `0x${op.toString(16)} = '${strToJs(t, op)}'`;
  return `0x${op.toString(16)} (type 0x${type.toString(16)})`;
}

/** An int item base + n of a range of `count` items: n, or -1 freed, -2 anything else. */
function itemIndex(t: ObThread, op: number, base: number, count: number): number {
  if (isPoisoned(t, op)) return -1;
  if (!intCheckExact(t, op)) return -2;
  const n = intAsNumber(t, op) - base;
  return n >= 0 && n < count && Number.isInteger(n) ? n : -2;
}

// --- scenario 1: set mutation vs contains ----------------------------------------------------------

function stableKey(t: ObThread, i: number): number {
  return (i & 1) === 0 ? check(t, intFromNumber(t, STABLE_BASE + i)) : check(t, strFromJs(t, `s${i}`));
}

/** Churn slot (w, j) in generation g (a discard starts the next one, so keys come back with new hashes). */
function churnKey(t: ObThread, ids: Ids, w: number, j: number, g: number): number {
  return (j & 1) === 0 ? check(t, intFromNumber(t, CHURN_BASE + (g * ids.writers + w) * ids.m + j)) : check(t, strFromJs(t, `c${w}.${j}.${g}`));
}

function neverKey(t: ObThread, i: number): number {
  return (i & 1) === 0 ? check(t, intFromNumber(t, NEVER_BASE + i)) : check(t, strFromJs(t, `n${i}`));
}

const STABLE_STR = /^s(\d+)$/;
const CHURN_STR = /^c(\d+)\.(\d+)\.(\d+)$/;

/** Ids of scenario 1's elements: a stable key i is i; churn slot (w, j) is NS + w·M + j. */
interface Ids {
  readonly ns: number;
  readonly m: number;
  readonly writers: number;
}

/** The generation of the churn key `elementId` identified last. */
let lastGeneration = 0;

/** The id of an element, or -1 freed, -2 not a key of the scenario, -3 a quiet-handshake key; a churn key's generation in `lastGeneration`. */
function elementId(t: ObThread, k: number, ids: Ids): number {
  if (isPoisoned(t, k)) return -1;
  const { ns, m, writers } = ids;
  if (intCheckExact(t, k)) {
    const v = intAsNumber(t, k);
    if (v >= STABLE_BASE && v < STABLE_BASE + ns && ((v - STABLE_BASE) & 1) === 0) return v - STABLE_BASE;
    if (v >= QUIET_BASE && v < QUIET_BASE + 1_000_000) return -3;
    if (v >= CHURN_BASE && ((v - CHURN_BASE) % m & 1) === 0) {
      lastGeneration = Math.floor((v - CHURN_BASE) / (writers * m));
      return ns + ((v - CHURN_BASE) % (writers * m));
    }
    return -2;
  }
  if (strCheckExact(t, k)) {
    const text = strToJs(t, k);
    let g = STABLE_STR.exec(text);
    if (g !== null) {
      const i = Number(g[1]);
      return i < ns && (i & 1) === 1 ? i : -2;
    }
    g = CHURN_STR.exec(text);
    if (g !== null) {
      const w = Number(g[1]);
      const j = Number(g[2]);
      lastGeneration = Number(g[3]);
      return w < writers && j < m && (j & 1) === 1 ? ns + w * m + j : -2;
    }
  }
  return -2;
}

/** What one iteration pass saw. */
interface PassOutcome {
  /** 'completed', 'raised' (the size error, sticky), or what else happened. */
  status: string;
  elements: number;
  duplicates: number;
  stable: number;
  /** Elements that were not keys of the scenario (freed or other objects). */
  bad: number;
}

/**
 * One pass over the set with `setIter` / `setIterNext`, checking every
 * element; `seen` (stamped with `stamp`) records the ids met and
 * `generations` the churn keys' generations. Bad elements are counted in
 * `res` and noted.
 */
function setPass(t: ObThread, s: number, ids: Ids, seen: Int32Array, generations: Int32Array, stamp: number, res: ContainsReaderResult): PassOutcome {
  const out: PassOutcome = { status: 'completed', elements: 0, duplicates: 0, stable: 0, bad: 0 };
  const it = check(t, setIter(t, s));
  for (;;) {
    const k = setIterNext(t, it);
    if (k === 0) {
      if (t.error.type === 0) break;
      const message = takeError(t);
      if (message !== SET_SIZE_ERROR) {
        out.status = `raised ${message}`;
        break;
      }
      // The error sticks: the next step raises it again.
      const again = setIterNext(t, it);
      const second = again === 0 ? takeError(t) : 'an element';
      if (again !== 0) decref(t.rc, again);
      out.status = second === SET_SIZE_ERROR ? 'raised' : `raised once, then ${second}`;
      break;
    }
    out.elements++;
    res.elements++;
    const id = elementId(t, k, ids);
    if (id === -1 || id === -2) {
      out.bad++;
      if (id === -1) res.poisoned++;
      else res.wrongObjects++;
      note(res.problems, `iteration gave ${describe(t, k)}`);
      if (id === -1) continue; // freed: never released
    } else if (id >= 0) {
      if (seen[id] === stamp) out.duplicates++;
      seen[id] = stamp;
      if (id < ids.ns) out.stable++;
      else generations[id] = lastGeneration;
    }
    decref(t.rc, k);
  }
  decref(t.rc, it);
  return out;
}

/** Whether every writer's sequence word is even and as in `before`. */
function writersStill(ctrl: Int32Array, writers: number, before: Int32Array): boolean {
  for (let w = 0; w < writers; w++) {
    const seq = Atomics.load(ctrl, wordOf(w, F_SEQ));
    if (seq !== before[w] || (seq & 1) !== 0) return false;
  }
  return true;
}

/**
 * The control's lookup: `set_lookkey`'s probe sequence over `table` /
 * `mask` as loaded without the set's lock, by identity (the readers look
 * up the creator's key objects) — a freed table is not followed into its
 * keys, and the dummy never equals a key. At most mask + 1 entries;
 * entries reading 0xDDDDDDDD are added to `poisoned[0]`. 1 found, 0 not.
 */
function walkFind(t: ObThread, table: number, mask: number, key: number, hash: number, poisoned: number[]): number {
  const u32 = t.u32;
  const base = table >>> 2;
  let perturb = hash >>> 0;
  let i = (hash >>> 0) & mask;
  let visited = 0;
  while (visited <= mask) {
    const probes = i + SET_LINEAR_PROBES <= mask ? SET_LINEAR_PROBES : 0;
    for (let j = 0; j <= probes; j++) {
      // SAFETY: none — this is the control: plain reads of a table another thread may free.
      const k = u32[base + 2 * (i + j)];
      if (k === undefined || k === 0) return 0;
      visited++;
      if (k === POISON_WORD) poisoned[0]!++;
      if (k === key) return 1;
    }
    perturb >>>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
  return 0;
}

function containsWriter(ctx: Ctx, r: Runtime): ContainsWriterResult {
  const { ctrl, size: ns, size2: m, tableBase, slotsBase, waitMs, control } = ctx.params;
  const t = r.t;
  const w = ctx.index;
  const writers = writersOf(ctx.workers);
  const readers = ctx.workers - writers;
  const rng = ctx.rng;
  const res: ContainsWriterResult = {
    role: 'writer',
    ops: 0,
    adds: 0,
    discards: 0,
    noOpAdds: 0,
    resizes: 0,
    opBad: 0,
    quietRounds: 0,
    quietMissed: 0,
    heldHandshakes: 0,
    heldMissed: 0,
    homeRefcountBad: 0,
    finalBad: 0,
    stableRefcountBad: 0,
    present: 0,
    retired: 0,
    problems: [],
  };
  const barrier = makeBarrier(ctx);
  const ids: Ids = { ns, m, writers };
  let stable: number[] = [];
  if (w === 0) {
    const s0 = check(t, setNew(t));
    stable = Array.from({ length: ns }, (_, i) => stableKey(t, i));
    for (const k of stable) check(t, setAdd(t, s0, k));
    for (let i = 0; i < ns; i++) Atomics.store(ctrl, tableBase + i, stable[i]!);
    // The layout the control's held tables are checked against: a live table carries the mem API id.
    const table = Atomics.load(t.u32, (s0 + SET_TABLE_OFFSET) >>> 2);
    if (t.u8[table - API_ID_BACK] !== MEM_API_ID) throw new Error(`set stress: a live set table has API id 0x${t.u8[table - API_ID_BACK]!.toString(16)}, not 'm'; the debug frame layout changed?`);
    store(ctrl, C_OBJ, s0);
  } else if (!waitFor(ctx, C_OBJ, 1, Date.now() + waitMs)) {
    throw new Error('worker 0 did not publish the set');
  }
  const s = Atomics.load(ctrl, C_OBJ);
  const tableWord = (s + SET_TABLE_OFFSET) >>> 2;
  /** Each slot's generation, and its home object of that generation (this worker's own reference). */
  const gen = new Uint32Array(m);
  const home = Array.from({ length: m }, (_, j) => churnKey(t, ids, w, j, 0));
  /** Home objects of past generations, kept until the end to check their counts (readers may hold one for a moment meanwhile). */
  const retired: number[] = [];
  /** 0 absent, 1 present as a fresh object, 2 present as the home object. */
  const state = new Uint8Array(m);
  const seqWord = wordOf(w, F_SEQ);

  /** One add / discard of a random slot (grow phases add 3 times in 4, shrink phases discard). */
  const oneOp = (): void => {
    const j = rng.nextInt(m);
    const grow = (Math.floor(res.ops / PHASE_OPS) & 1) === 0;
    const before = Atomics.load(t.u32, tableWord);
    Atomics.add(ctrl, seqWord, 1);
    if (rng.nextFloat() < (grow ? 0.75 : 0.25)) {
      const useHome = state[j] === 0 && rng.nextInt(2) === 0;
      const key = useHome ? home[j]! : churnKey(t, ids, w, j, gen[j]!);
      check(t, setAdd(t, s, key));
      if (!useHome) decref(t.rc, key); // the set's reference is the only one (or the key was present: freed)
      if (state[j] === 0) {
        state[j] = useHome ? 2 : 1;
        res.adds++;
        if ((res.ops & 15) === 0 && setContains(t, s, home[j]!) !== 1) {
          res.opBad++;
          note(res.problems, `writer ${w}: slot ${j} not found right after its add`);
        }
      } else {
        res.noOpAdds++;
      }
    } else {
      const useHome = rng.nextInt(2) === 0;
      const key = useHome ? home[j]! : churnKey(t, ids, w, j, gen[j]!);
      const got = check(t, setDiscard(t, s, key));
      if (!useHome) decref(t.rc, key);
      if (got !== (state[j] === 0 ? 0 : 1)) {
        res.opBad++;
        note(res.problems, `writer ${w}: discard of slot ${j} (${state[j] === 0 ? 'absent' : 'present'}) returned ${got}`);
      }
      if (state[j] !== 0) {
        // The next generation: new values, new hashes, fresh table slots (fill grows, the table gets replaced).
        retired.push(home[j]!);
        gen[j]!++;
        home[j] = churnKey(t, ids, w, j, gen[j]!);
        res.discards++;
      }
      state[j] = 0;
    }
    Atomics.add(ctrl, seqWord, 1);
    if (Atomics.load(t.u32, tableWord) !== before) res.resizes++;
    res.ops++;
  };

  const waitOrThrow = (index: number, value: number, what: string): void => {
    if (!waitFor(ctx, index, value, Date.now() + waitMs)) throw new Error(`${what}: no answer within ${waitMs} ms`);
  };

  /** Quiet handshake (worker 0): the writers pause, readers complete a pass, then see one forced size change. */
  const quietHandshake = (): void => {
    const q = res.quietRounds;
    ctx.setCounter(0, 2);
    store(ctrl, C_QUIET, 2 * q + 1);
    for (let o = 1; o < writers; o++) waitOrThrow(wordOf(o, F_PAUSED), 2 * q + 1, `quiet ${q}: writer ${o} pausing`);
    store(ctrl, C_QUIET_READY, q + 1);
    for (let o = writers; o < ctx.workers; o++) waitOrThrow(wordOf(o, F_MID), q + 1, `quiet ${q}: reader ${o}'s pass`);
    Atomics.add(ctrl, seqWord, 1);
    const key = check(t, intFromNumber(t, QUIET_BASE + q));
    check(t, setAdd(t, s, key));
    decref(t.rc, key);
    Atomics.add(ctrl, seqWord, 1);
    store(ctrl, C_MUTATED, q + 1);
    for (let o = writers; o < ctx.workers; o++) waitOrThrow(wordOf(o, F_QUIET_ACK), q + 1, `quiet ${q}: reader ${o}'s forced step`);
    Atomics.add(ctrl, seqWord, 1);
    const equal = check(t, intFromNumber(t, QUIET_BASE + q));
    if (check(t, setDiscard(t, s, equal)) !== 1) {
      res.opBad++;
      note(res.problems, `quiet ${q}: the added key was not there to discard`);
    }
    decref(t.rc, equal);
    Atomics.add(ctrl, seqWord, 1);
    store(ctrl, C_QUIET, 2 * q + 2);
    res.quietRounds++;
    ctx.setCounter(0, 1);
  };

  /** Control (worker 0, the only writer): a reader holds the current table; this worker makes the set replace it. */
  let heldSeq = 0;
  const heldHandshake = (): void => {
    const reader = writers + (heldSeq % readers);
    const seq = ++heldSeq;
    ctx.setCounter(0, 2);
    store(ctrl, wordOf(reader, F_WANT), seq);
    if (!waitFor(ctx, wordOf(reader, F_HELD), seq, Date.now() + 2000)) {
      res.heldMissed++;
      note(res.problems, `held-table handshake ${seq}: reader ${reader} did not load a table`);
      store(ctrl, wordOf(reader, F_REPLACED), seq);
      return;
    }
    const held = Atomics.load(ctrl, wordOf(reader, F_HELD_TABLE));
    for (let n = 0; n < 200_000 && Atomics.load(t.u32, tableWord) === held; n++) oneOp();
    store(ctrl, wordOf(reader, F_REPLACED), seq);
    if (waitFor(ctx, wordOf(reader, F_CHECKED), seq, Date.now() + waitMs)) res.heldHandshakes++;
    else res.heldMissed++;
    ctx.setCounter(0, 1);
  };

  ctx.setCounter(0, 1);
  let nextQuiet = QUIET_EVERY >> 2;
  let nextHeld = 0;
  for (;;) {
    if (w === 0) {
      if (ctx.shouldStop(res.ops)) break;
      if (res.ops >= nextQuiet) {
        quietHandshake();
        nextQuiet = res.ops + QUIET_EVERY;
      }
      if (control === 'unlocked-walk' && res.ops >= nextHeld) {
        heldHandshake();
        nextHeld = res.ops + HELD_EVERY;
      }
    } else {
      if (Atomics.load(ctrl, C_WRITERS_STOP) !== 0) break;
      const quiet = Atomics.load(ctrl, C_QUIET);
      if ((quiet & 1) === 1) {
        ctx.setCounter(0, 2);
        store(ctrl, wordOf(w, F_PAUSED), quiet);
        waitOrThrow(C_QUIET, quiet + 1, 'the end of a quiet handshake');
        ctx.setCounter(0, 1);
      }
    }
    oneOp();
    if ((res.ops & 255) === 0) {
      qsbrQuiescentState(t.qsbr);
      ctx.setCounter(1, res.ops);
      ctx.progress(res.ops);
    }
  }
  if (w === 0) store(ctrl, C_WRITERS_STOP, 1);
  for (let j = 0; j < m; j++) {
    Atomics.store(ctrl, slotsBase + w * m + j, state[j] === 0 ? 0 : gen[j]! * 4 + state[j]!);
    if (state[j] !== 0) res.present++;
  }
  Atomics.add(ctrl, C_WRITERS_DONE, 1);
  Atomics.notify(ctrl, C_WRITERS_DONE);
  ctx.setCounter(0, 3);
  barrier('final reader checks');

  // Home objects: 1 (this worker's) + 1 while the set holds it; then the slots are discarded.
  processMergeQueue(t.rc);
  const homeCheck = (when: string, expected: (j: number) => number): void => {
    for (let j = 0; j < m; j++) {
      const rc = getRefcount(t.rc, home[j]!);
      if (rc !== expected(j)) {
        res.homeRefcountBad++;
        note(res.problems, `writer ${w} ${when}: home object of slot ${j} has ${rc} references, not ${expected(j)}`);
      }
    }
  };
  homeCheck('before its discards', (j) => (state[j] === 2 ? 2 : 1));
  for (let i = 0; i < retired.length; i++) {
    const rc = getRefcount(t.rc, retired[i]!);
    if (rc !== 1) {
      res.homeRefcountBad++;
      note(res.problems, `writer ${w}: a home object of a past generation (${describe(t, retired[i]!)}) has ${rc} references, not 1`);
    }
    decref(t.rc, retired[i]!);
  }
  res.retired = retired.length;
  for (let j = 0; j < m; j++) {
    if (state[j] === 0) continue;
    const key = (j & 3) === 0 ? home[j]! : churnKey(t, ids, w, j, gen[j]!);
    if (check(t, setDiscard(t, s, key)) !== 1) {
      res.finalBad++;
      note(res.problems, `writer ${w}: final discard of slot ${j} found nothing`);
    }
    if (key !== home[j]) decref(t.rc, key);
    state[j] = 0;
  }
  homeCheck('after its discards', () => 1);
  for (const k of home) decref(t.rc, k);
  barrier('slots discarded');

  if (w === 0) {
    // Exactly S: the size, and one pass that sees each key of S once and nothing else.
    if (setSize(t, s) !== ns) {
      res.finalBad++;
      note(res.problems, `len ${setSize(t, s)} after the discards, not ${ns}`);
    }
    const it = check(t, setIter(t, s));
    const seen = new Uint8Array(ns);
    let n = 0;
    for (let k = setIterNext(t, it); k !== 0; k = setIterNext(t, it)) {
      const id = elementId(t, k, ids);
      if (id < 0 || id >= ns || seen[id] === 1) {
        res.finalBad++;
        note(res.problems, `final pass: ${describe(t, k)}${id >= 0 && id < ns ? ' twice' : ''}`);
      } else {
        seen[id] = 1;
        n++;
      }
      if (id !== -1) decref(t.rc, k);
    }
    if (t.error.type !== 0) {
      res.finalBad++;
      note(res.problems, `final pass raised ${takeError(t)}`);
    }
    decref(t.rc, it);
    if (n !== ns) {
      res.finalBad++;
      note(res.problems, `final pass saw ${n} keys of S, not ${ns}`);
    }
    processMergeQueue(t.rc);
    const stableCheck = (expected: number): void => {
      for (let i = 0; i < ns; i++) {
        const rc = getRefcount(t.rc, stable[i]!);
        if (rc !== expected) {
          res.stableRefcountBad++;
          note(res.problems, `key ${i} of S has ${rc} references, not ${expected}`);
        }
      }
    };
    stableCheck(2);
    decref(t.rc, s);
    stableCheck(1);
    for (const k of stable) decref(t.rc, k);
  }
  return res;
}

function containsReader(ctx: Ctx, r: Runtime): ContainsReaderResult {
  const { ctrl, size: ns, size2: m, tableBase, slotsBase, waitMs, control } = ctx.params;
  const t = r.t;
  const me = ctx.index;
  const writers = writersOf(ctx.workers);
  const rng = ctx.rng;
  const res: ContainsReaderResult = {
    role: 'reader',
    batches: 0,
    contains: 0,
    missing: 0,
    neverFound: 0,
    errors: 0,
    faults: 0,
    sizes: 0,
    sizeViolations: 0,
    passes: 0,
    completed: 0,
    raised: 0,
    badErrors: 0,
    notSticky: 0,
    elements: 0,
    wrongObjects: 0,
    poisoned: 0,
    strictPasses: 0,
    strictBad: 0,
    lenientDuplicates: 0,
    lenientMissingStable: 0,
    quietPasses: 0,
    quietBad: 0,
    forcedRaised: 0,
    forcedBad: 0,
    heldChecks: 0,
    heldFreed: 0,
    heldPoisonedWords: 0,
    finalBad: 0,
    problems: [],
  };
  const barrier = makeBarrier(ctx);
  const ids: Ids = { ns, m, writers };
  if (!waitFor(ctx, C_OBJ, 1, Date.now() + waitMs)) throw new Error('worker 0 did not publish the set');
  const s = Atomics.load(ctrl, C_OBJ);
  const unlocked = control === 'unlocked-walk';
  // Equal, never identical keys of this worker; the creator's own keys are borrowed (kept until the end).
  const own = Array.from({ length: ns }, (_, i) => stableKey(t, i));
  const shared = Array.from({ length: ns }, (_, i) => Atomics.load(ctrl, tableBase + i));
  const never = Array.from({ length: 64 }, (_, i) => neverKey(t, i));
  const sharedHash = shared.map((k) => objectHash(t, k));
  const poisonedWords = [0];
  const maxSize = ns + writers * m;
  const seen = new Int32Array(ns + writers * m);
  const seenGeneration = new Int32Array(ns + writers * m);
  let stamp = 0;
  const before = new Int32Array(writers);

  const lookup = (key: number, what: string, expected: number): void => {
    let got: number;
    try {
      got = setContains(t, s, key);
    } catch (error) {
      res.faults++;
      note(res.problems, `reader ${me}: contains of ${what} threw ${String(error)}`);
      return;
    }
    if (got < 0) {
      res.errors++;
      note(res.problems, `reader ${me}: contains of ${what} raised ${takeError(t)}`);
    } else if (got !== expected) {
      if (expected === 1) res.missing++;
      else res.neverFound++;
      note(res.problems, `reader ${me}: contains of ${what} gave ${got}`);
    }
  };

  /** A full pass, classified strict (no writer operation ran meanwhile) or not. */
  const pass = (): PassOutcome => {
    for (let o = 0; o < writers; o++) before[o] = Atomics.load(ctrl, wordOf(o, F_SEQ));
    const out = setPass(t, s, ids, seen, seenGeneration, ++stamp, res);
    // Read before the sequence words: if they did not move, the size is the one the whole pass saw.
    const size = setSize(t, s);
    const still = writersStill(ctrl, writers, before);
    res.passes++;
    if (out.status === 'completed') res.completed++;
    else if (out.status === 'raised') res.raised++;
    else if (out.status.startsWith('raised once')) {
      res.notSticky++;
      note(res.problems, `reader ${me}: the size error did not stick: ${out.status}`);
    } else {
      res.badErrors++;
      note(res.problems, `reader ${me}: a pass ${out.status}`);
    }
    if (out.status === 'completed') {
      if (still) {
        res.strictPasses++;
        if (out.duplicates !== 0 || out.stable !== ns || out.bad !== 0 || out.elements !== size) {
          res.strictBad++;
          note(res.problems, `reader ${me}: a pass with no writer operation saw ${out.elements} elements (len ${size}), ${out.stable} of S, ${out.duplicates} duplicates`);
        }
      } else {
        res.lenientDuplicates += out.duplicates;
        if (out.stable < ns) res.lenientMissingStable++;
      }
    }
    return out;
  };

  /** Quiet handshake q: a pass with the writers paused, then a forced size change between two steps. */
  const quiet = (q: number): void => {
    ctx.setCounter(0, 2);
    const out = pass();
    if (out.status === 'completed' && out.duplicates === 0 && out.stable === ns && out.bad === 0 && out.elements === setSize(t, s)) {
      res.quietPasses++;
    } else {
      res.quietBad++;
      note(res.problems, `reader ${me} quiet ${q}: pass ${out.status}, ${out.elements} elements (len ${setSize(t, s)}), ${out.stable} of S, ${out.duplicates} duplicates`);
    }
    const it = check(t, setIter(t, s));
    const first = check(t, setIterNext(t, it));
    if (!isPoisoned(t, first)) decref(t.rc, first);
    store(ctrl, wordOf(me, F_MID), q + 1);
    if (!waitFor(ctx, C_MUTATED, q + 1, Date.now() + waitMs)) throw new Error(`quiet ${q}: worker 0 did not add its key`);
    const next = setIterNext(t, it);
    const message = next === 0 ? takeError(t) : 'an element';
    const again = next === 0 ? setIterNext(t, it) : 1;
    const second = again === 0 ? takeError(t) : 'an element';
    if (next !== 0 && !isPoisoned(t, next)) decref(t.rc, next);
    if (again !== 0 && again !== 1 && !isPoisoned(t, again)) decref(t.rc, again);
    if (message === SET_SIZE_ERROR && second === SET_SIZE_ERROR) {
      res.forcedRaised++;
    } else {
      res.forcedBad++;
      note(res.problems, `reader ${me} quiet ${q}: after worker 0's add the next step gave ${message}, then ${second}`);
    }
    decref(t.rc, it);
    store(ctrl, wordOf(me, F_QUIET_ACK), q + 1);
    ctx.setCounter(0, 1);
  };

  /** Control: load the current table without the lock, wait until the set replaced it, then walk it for every key of S. */
  let heldDone = 0;
  const held = (seq: number): void => {
    ctx.setCounter(0, 2);
    // SAFETY: none — the control reads the set's words without its lock.
    const table = Atomics.load(t.u32, (s + SET_TABLE_OFFSET) >>> 2);
    const mask = Atomics.load(t.u32, (s + SET_MASK_OFFSET) >>> 2);
    store(ctrl, wordOf(me, F_HELD_TABLE), table);
    store(ctrl, wordOf(me, F_HELD_MASK), mask);
    store(ctrl, wordOf(me, F_HELD), seq);
    if (!waitFor(ctx, wordOf(me, F_REPLACED), seq, Date.now() + waitMs)) throw new Error(`held-table handshake ${seq}: the writer did not replace the table`);
    poisonedWords[0] = 0;
    let found = 0;
    for (let i = 0; i < ns; i++) found += walkFind(t, table, mask, shared[i]!, sharedHash[i]!, poisonedWords);
    const api = t.u8[table - API_ID_BACK]!;
    res.heldChecks++;
    res.contains += ns;
    res.missing += ns - found;
    res.heldPoisonedWords += poisonedWords[0]!;
    if (found < ns || api !== MEM_API_ID) {
      res.heldFreed++;
      note(res.problems, `reader ${me}: held table 0x${table.toString(16)} (API id 0x${api.toString(16)}) had ${found} of ${ns} keys of S after its replacement, ${poisonedWords[0]} 0xDD entries`);
    }
    store(ctrl, wordOf(me, F_CHECKED), seq);
    ctx.setCounter(0, 1);
  };

  /** The control's lookup of key i of S: the table walked without the lock. */
  const walkLookup = (i: number): void => {
    const table = Atomics.load(t.u32, (s + SET_TABLE_OFFSET) >>> 2);
    const mask = Atomics.load(t.u32, (s + SET_MASK_OFFSET) >>> 2);
    poisonedWords[0] = 0;
    let found = 0;
    try {
      found = walkFind(t, table, mask, shared[i]!, sharedHash[i]!, poisonedWords);
    } catch (error) {
      res.faults++;
      note(res.problems, `reader ${me}: an unlocked walk threw ${String(error)}`);
    }
    res.contains++;
    res.poisoned += poisonedWords[0]!;
    if (found !== 1) {
      res.missing++;
      note(res.problems, `reader ${me}: key ${i} of S not found walking table 0x${table.toString(16)} without the lock${poisonedWords[0]! > 0 ? ` (${poisonedWords[0]} 0xDD entries)` : ''}`);
    }
  };

  let quietDone = 0;
  ctx.setCounter(0, 1);
  while (Atomics.load(ctrl, C_WRITERS_DONE) < writers) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    const ready = Atomics.load(ctrl, C_QUIET_READY);
    if (ready > quietDone) {
      quiet(ready - 1);
      quietDone = ready;
    }
    const want = Atomics.load(ctrl, wordOf(me, F_WANT));
    if (unlocked && want > heldDone) {
      held(want);
      heldDone = want;
    }
    for (let n = 0; n < BATCH; n++) {
      const i = rng.nextInt(ns);
      if (unlocked) walkLookup(i);
      else {
        const identical = (n & 3) === 3;
        lookup(identical ? shared[i]! : own[i]!, `key ${i} of S${identical ? ' (identical)' : ''}`, 1);
        res.contains++;
      }
      if ((n & 3) === 0) {
        const x = rng.nextInt(never.length);
        lookup(never[x]!, `never-added key ${x}`, 0);
      }
    }
    const size = setSize(t, s);
    res.sizes++;
    if (size < ns || size > maxSize) {
      res.sizeViolations++;
      note(res.problems, `reader ${me}: len ${size} outside [${ns}, ${maxSize}]`);
    }
    if ((res.batches & 3) === 0) pass();
    res.batches++;
    Atomics.store(ctrl, wordOf(me, F_BATCHES), res.batches);
    if ((res.batches & 15) === 0) {
      qsbrQuiescentState(t.qsbr);
      ctx.setCounter(1, res.batches);
      ctx.progress(res.batches);
    }
  }

  // The writers are done and their slots published: S found, never-added keys not, one pass of exactly S and the slots.
  ctx.setCounter(0, 3);
  if (!unlocked) {
    const missingBefore = res.missing + res.neverFound + res.errors;
    for (let i = 0; i < ns; i++) {
      lookup(own[i]!, `key ${i} of S (final)`, 1);
      lookup(shared[i]!, `key ${i} of S (final, identical)`, 1);
    }
    for (let x = 0; x < never.length; x++) lookup(never[x]!, `never-added key ${x} (final)`, 0);
    if (res.missing + res.neverFound + res.errors !== missingBefore) res.finalBad++;
    const out = setPass(t, s, ids, seen, seenGeneration, ++stamp, res);
    let expected = ns;
    let slotsSeen = 0;
    let slotsBad = 0;
    for (let o = 0; o < writers; o++) {
      for (let j = 0; j < m; j++) {
        const slot = Atomics.load(ctrl, slotsBase + o * m + j);
        const present = slot !== 0;
        if (present) expected++;
        const id = ns + o * m + j;
        if (seen[id] === stamp) {
          slotsSeen++;
          // The element of the slot's last generation, nothing older.
          if (!present || seenGeneration[id] !== slot >>> 2) slotsBad++;
        } else if (present) {
          slotsBad++;
        }
      }
    }
    if (out.status !== 'completed' || out.elements !== expected || out.stable !== ns || out.duplicates !== 0 || out.bad !== 0 || slotsBad !== 0) {
      res.finalBad++;
      note(res.problems, `reader ${me} final pass: ${out.status}, ${out.elements} elements of ${expected} expected, ${out.stable} of S, ${slotsSeen} slots (${slotsBad} wrong), ${out.duplicates} duplicates`);
    }
  }
  for (const k of own) decref(t.rc, k);
  for (const k of never) decref(t.rc, k);
  barrier('final reader checks');
  barrier('slots discarded');
  return res;
}

// --- scenario 2: racing add / pop ---------------------------------------------------------------

function addPopRacer(ctx: Ctx, r: Runtime): AddPopResult {
  const { ctrl, size: k, tableBase, waitMs } = ctx.params;
  const t = r.t;
  const w = ctx.index;
  const workers = ctx.workers;
  const total = workers * k;
  const res: AddPopResult = {
    role: 'racer',
    rounds: 0,
    adds: 0,
    pops: 0,
    keyErrors: 0,
    drainKeyErrors: 0,
    badPops: 0,
    poisoned: 0,
    badErrors: 0,
    emptyViolations: 0,
    popCountBad: 0,
    sizeBad: 0,
    refcountBad: 0,
    merged: 0,
    problems: [],
  };
  const barrier = makeBarrier(ctx);
  if (w === 0) store(ctrl, C_OBJ, check(t, setNew(t)));
  else if (!waitFor(ctx, C_OBJ, 1, Date.now() + waitMs)) throw new Error('worker 0 did not publish the set');
  const s = Atomics.load(ctrl, C_OBJ);
  const items: number[] = new Array(k);

  /** One pop: true when it got an element. A KeyError is checked against the counters (see the scenario file). */
  const tryPop = (drain: boolean): boolean => {
    const added = Atomics.load(ctrl, C_ADDED);
    Atomics.add(ctrl, C_POPS_BEGUN, 1);
    const v = setPop(t, s);
    if (v !== 0) {
      res.pops++;
      const n = itemIndex(t, v, VALUE_BASE, total);
      if (n >= 0) {
        Atomics.add(ctrl, tableBase + n, 1);
        decref(t.rc, v);
      } else {
        if (n === -1) res.poisoned++;
        else res.badPops++;
        note(res.problems, `worker ${w}: pop gave ${describe(t, v)}`);
        if (n === -2) decref(t.rc, v);
      }
      return true;
    }
    const begun = Atomics.load(ctrl, C_POPS_BEGUN);
    Atomics.sub(ctrl, C_POPS_BEGUN, 1);
    const message = takeError(t);
    if (message !== SET_EMPTY_ERROR) {
      res.badErrors++;
      note(res.problems, `worker ${w}: pop raised ${message}`);
    }
    // At the error: at least `added` elements were in, at most `begun - 1` taken out by others.
    if (added > begun - 1) {
      res.emptyViolations++;
      note(res.problems, `worker ${w}: KeyError with ${added} adds done and at most ${begun - 1} pops`);
    }
    if (drain) res.drainKeyErrors++;
    else res.keyErrors++;
    return false;
  };

  for (let round = 0; ; round++) {
    if (w === 0) {
      for (let i = 0; i < total; i++) Atomics.store(ctrl, tableBase + i, 0);
      Atomics.store(ctrl, C_ADDED, 0);
      Atomics.store(ctrl, C_POPS_BEGUN, 0);
      Atomics.store(ctrl, C_CONTINUE, ctx.shouldStop(round) ? -1 : round + 1);
    }
    for (let i = 0; i < k; i++) items[i] = check(t, intFromNumber(t, VALUE_BASE + w * k + i));
    barrier('round start');
    if (Atomics.load(ctrl, C_CONTINUE) !== round + 1) {
      for (const x of items) decref(t.rc, x);
      break;
    }
    ctx.setCounter(1, round);
    for (let i = 0; i < k; i++) {
      check(t, setAdd(t, s, items[i]!));
      Atomics.add(ctrl, C_ADDED, 1);
      res.adds++;
      if ((i & 1) === 1) tryPop(false);
    }
    barrier('adds done');
    while (tryPop(true));
    barrier('drained');
    if (w === 0) {
      for (let i = 0; i < total; i++) {
        const pops = Atomics.load(ctrl, tableBase + i);
        if (pops !== 1) {
          res.popCountBad++;
          note(res.problems, `round ${round}: element ${i} popped ${pops} times`);
        }
      }
      if (setSize(t, s) !== 0) {
        res.sizeBad++;
        note(res.problems, `round ${round}: len ${setSize(t, s)} after every worker's KeyError`);
      }
    }
    // A non-owner's decref of an element whose references are local queues it for its owner.
    res.merged += processMergeQueue(t.rc);
    barrier('merged');
    for (let i = 0; i < k; i++) {
      const rc = getRefcount(t.rc, items[i]!);
      if (rc !== 1) {
        res.refcountBad++;
        note(res.problems, `round ${round} element ${w * k + i}: ${rc} references after the pops`);
      }
      decref(t.rc, items[i]!);
    }
    res.rounds++;
    ctx.progress(res.rounds);
    qsbrQuiescentState(t.qsbr);
  }
  barrier('leaving');
  if (w === 0) decref(t.rc, s);
  return res;
}

// --- scenario 3: frozenset hash and set repr -----------------------------------------------------

/** Element i of the frozenset: an int (even i) or a str. */
function frozenItem(t: ObThread, i: number): number {
  return (i & 1) === 0 ? check(t, intFromNumber(t, VALUE_BASE + i)) : check(t, strFromJs(t, `f${i}`));
}

/** A new set (or frozenset) of `items` added in that order. */
function setOf(t: ObThread, items: readonly number[], frozen: boolean): number {
  const s = check(t, setNew(t, 0, frozen));
  // SAFETY of adding to a frozenset: it is not published yet (as CPython builds one).
  for (const x of items) check(t, setAdd(t, s, x));
  return s;
}

const REPR_ITEMS = 8;

function hashReprWorker(ctx: Ctx, r: Runtime): HashReprResult {
  const { ctrl, size: e } = ctx.params;
  const t = r.t;
  const w = ctx.index;
  const res: HashReprResult = { role: 'hasher', rounds: 0, hashes: 0, hashBad: 0, cachedBad: 0, reverseBad: 0, reprs: 0, reprFull: 0, reprEmpty: 0, reprBad: 0, problems: [] };
  const barrier = makeBarrier(ctx);
  // The repr every worker expects: that of a private set of equal ints added in the same order.
  const reprInts = (): number[] => Array.from({ length: REPR_ITEMS }, (_, i) => check(t, intFromNumber(t, VALUE_BASE + 10_000 + i)));
  const privateInts = reprInts();
  const privateSet = setOf(t, privateInts, false);
  const expectedRepr = setReprJs(t, privateSet);
  decref(t.rc, privateSet);
  for (const x of privateInts) decref(t.rc, x);
  if (expectedRepr === null) throw new Error(`repr of a private set raised ${takeError(t)}`);

  for (let round = 0; ; round++) {
    if (w === 0) {
      const items = Array.from({ length: e }, (_, i) => frozenItem(t, i));
      const f = setOf(t, items, true);
      for (const x of items) decref(t.rc, x);
      const ints = reprInts();
      const rs = setOf(t, ints, false);
      for (const x of ints) decref(t.rc, x); // the set's references are the only ones: the clear frees them
      Atomics.store(ctrl, C_OBJ, f);
      Atomics.store(ctrl, C_AUX, rs);
      Atomics.store(ctrl, C_CONTINUE, ctx.shouldStop(round) ? -1 : round + 1);
    }
    barrier('round start');
    if (Atomics.load(ctrl, C_CONTINUE) !== round + 1) break;
    const f = Atomics.load(ctrl, C_OBJ);
    const rs = Atomics.load(ctrl, C_AUX);
    const h = (w & 1) === 0 ? frozensetHash(t, f) : objectHash(t, f);
    res.hashes++;
    Atomics.store(ctrl, wordOf(w, F_HASH), h);
    if (w === 0) {
      setClear(t, rs);
    } else {
      const text = setReprJs(t, rs);
      res.reprs++;
      if (text === expectedRepr) res.reprFull++;
      else if (text === 'set()') res.reprEmpty++;
      else {
        res.reprBad++;
        note(res.problems, `worker ${w} round ${round}: repr ${text === null ? `raised ${takeError(t)}` : `'${text.slice(0, 80)}'`}`);
      }
    }
    barrier('hashed');
    for (let o = 0; o < ctx.workers; o++) {
      const other = Atomics.load(ctrl, wordOf(o, F_HASH));
      if (other !== h) {
        res.hashBad++;
        note(res.problems, `round ${round}: worker ${w} got hash ${h}, worker ${o} ${other}`);
      }
    }
    const cached = Atomics.load(t.i32, (f + SET_HASH_OFFSET) >>> 2);
    if (cached !== h) {
      res.cachedBad++;
      note(res.problems, `round ${round}: cached hash word ${cached}, worker ${w} got ${h}`);
    }
    if ((round & 7) === w % 8) {
      const mine = Array.from({ length: e }, (_, i) => frozenItem(t, e - 1 - i));
      const g = setOf(t, mine, true);
      const hg = frozensetHash(t, g);
      if (hg !== h) {
        res.reverseBad++;
        note(res.problems, `round ${round}: an equal frozenset built in reverse order hashes to ${hg}, not ${h}`);
      }
      decref(t.rc, g);
      for (const x of mine) decref(t.rc, x);
    }
    barrier('checked');
    if (w === 0) {
      decref(t.rc, f);
      decref(t.rc, rs);
    }
    res.rounds++;
    ctx.progress(res.rounds);
    if ((round & 15) === 0) qsbrQuiescentState(t.qsbr);
  }
  return res;
}

// --- scenario 4: deque ------------------------------------------------------------------------

/** Items of the bounded deque: BOUNDED_BASE + w·K + i. */
const BOUNDED_BASE = VALUE_BASE + 500_000;
/** Items each worker appends to the bounded deque per round. */
const BOUNDED_PER_WORKER = 1024;
/** The probe deque's maxlen. */
const PROBE_MAXLEN = 8;
/** len() bursts of the probe that must overlap worker 0's appends, per round. */
const PROBE_OVERLAPS = 200;
/** Longest a round's probe may take. */
const PROBE_MS = 100;

function dequeWorker(ctx: Ctx, r: Runtime): DequeResult {
  const { ctrl, size: n, size2: maxlen, tableBase, slotsBase, waitMs } = ctx.params;
  const t = r.t;
  const w = ctx.index;
  const producer = w === 0;
  const rng = ctx.rng;
  const k = BOUNDED_PER_WORKER;
  const total = ctx.workers * k;
  const res: DequeResult = {
    role: producer ? 'producer' : 'consumer',
    rounds: 0,
    appended: 0,
    consumed: 0,
    orderBad: 0,
    wrongItems: 0,
    poisoned: 0,
    indexErrors: 0,
    badErrors: 0,
    emptyViolations: 0,
    sizeViolations: 0,
    countBad: 0,
    sizeBad: 0,
    refcountBad: 0,
    boundedAppends: 0,
    lenReads: 0,
    lockFreeAbove: 0,
    probeOverlaps: 0,
    lockedAbove: 0,
    passes: 0,
    completed: 0,
    raised: 0,
    contentBad: 0,
    boundedRefcountBad: 0,
    clearedRefcountBad: 0,
    merged: 0,
    problems: [],
  };
  const barrier = makeBarrier(ctx);
  if (producer) {
    Atomics.store(ctrl, C_AUX, check(t, dequeNew(t, 0, maxlen)));
    Atomics.store(ctrl, C_PROBE, check(t, dequeNew(t, 0, PROBE_MAXLEN)));
    store(ctrl, C_OBJ, check(t, dequeNew(t)));
  } else if (!waitFor(ctx, C_OBJ, 1, Date.now() + waitMs)) {
    throw new Error('the producer did not publish the deques');
  }
  const d = Atomics.load(ctrl, C_OBJ);
  const bd = Atomics.load(ctrl, C_AUX);
  const pd = Atomics.load(ctrl, C_PROBE);
  const items: number[] = producer ? new Array(n) : [];
  const bounded: number[] = new Array(k);

  /** A lock-free len() of the bounded deque `q`, checked against its maxlen. */
  const readLen = (q: number, limit: number): void => {
    const size = dequeSize(t, q);
    res.lenReads++;
    if (size > limit || size < 0) {
      res.lockFreeAbove++;
      note(res.problems, `worker ${w}: lock-free len ${size} of a deque with maxlen ${limit}`);
    }
  };

  /** Part A, a consumer: popleft until the deque is empty after the producer finished. */
  const consume = (round: number): void => {
    let last = -1;
    for (let ops = 0; ; ops++) {
      const done = Atomics.load(ctrl, C_PRODUCER_DONE) === round + 1;
      const added = Atomics.load(ctrl, C_ADDED);
      Atomics.add(ctrl, C_POPS_BEGUN, 1);
      const v = dequePopLeft(t, d);
      if (v !== 0) {
        res.consumed++;
        const i = itemIndex(t, v, VALUE_BASE, n);
        if (i < 0) {
          if (i === -1) res.poisoned++;
          else res.wrongItems++;
          note(res.problems, `consumer ${w}: popleft gave ${describe(t, v)}`);
          if (i === -2) decref(t.rc, v);
          continue;
        }
        if (i <= last) {
          res.orderBad++;
          note(res.problems, `consumer ${w} round ${round}: ${i} after ${last}`);
        }
        last = i;
        Atomics.add(ctrl, tableBase + i, 1);
        decref(t.rc, v);
      } else {
        const begun = Atomics.load(ctrl, C_POPS_BEGUN);
        Atomics.sub(ctrl, C_POPS_BEGUN, 1);
        const message = takeError(t);
        res.indexErrors++;
        if (message !== DEQUE_EMPTY_ERROR) {
          res.badErrors++;
          note(res.problems, `consumer ${w}: popleft raised ${message}`);
        }
        // At the error: at least `added` items were in, at most `begun - 1` taken out by others.
        if (added > begun - 1) {
          res.emptyViolations++;
          note(res.problems, `consumer ${w}: IndexError with ${added} appends done and at most ${begun - 1} pops`);
        }
        // Empty after the producer finished: empty for good.
        if (done) break;
      }
      if ((ops & 63) === 0) {
        const size = dequeSize(t, d);
        if (size < 0 || size > n) {
          res.sizeViolations++;
          note(res.problems, `consumer ${w}: len ${size}`);
        }
      }
    }
  };

  /** Part B: one pass over the bounded deque; the items it yielded (counted per item when `quiet`), -1 when it raised. */
  const boundedPass = (quiet: boolean): number => {
    const it = check(t, dequeIter(t, bd));
    let yielded = 0;
    for (;;) {
      const v = dequeIterNext(t, it);
      if (v === 0) {
        if (t.error.type === 0) {
          res.completed++;
          if (yielded > maxlen) {
            res.lockedAbove++;
            note(res.problems, `worker ${w}: a pass yielded ${yielded} items, maxlen ${maxlen}`);
          }
        } else {
          const message = takeError(t);
          yielded = -1;
          if (message === DEQUE_MUTATED_ERROR && !quiet) res.raised++;
          else {
            res.badErrors++;
            note(res.problems, `worker ${w}: iteration raised ${message}${quiet ? ' with no appender running' : ''}`);
          }
        }
        break;
      }
      yielded++;
      const i = itemIndex(t, v, BOUNDED_BASE, total);
      if (i < 0) {
        if (i === -1) res.poisoned++;
        else res.wrongItems++;
        note(res.problems, `worker ${w}: iteration gave ${describe(t, v)}`);
        if (i === -2) decref(t.rc, v);
        continue;
      }
      if (quiet) Atomics.add(ctrl, slotsBase + i, 1);
      decref(t.rc, v);
    }
    decref(t.rc, it);
    res.passes++;
    return yielded;
  };

  for (let round = 0; ; round++) {
    if (producer) {
      for (let i = 0; i < n; i++) Atomics.store(ctrl, tableBase + i, 0);
      for (let i = 0; i < total; i++) Atomics.store(ctrl, slotsBase + i, 0);
      Atomics.store(ctrl, C_ADDED, 0);
      Atomics.store(ctrl, C_POPS_BEGUN, 0);
      Atomics.store(ctrl, C_CONTINUE, ctx.shouldStop(round) ? -1 : round + 1);
      for (let i = 0; i < n; i++) items[i] = check(t, intFromNumber(t, VALUE_BASE + i));
    }
    for (let i = 0; i < k; i++) bounded[i] = check(t, intFromNumber(t, BOUNDED_BASE + w * k + i));
    barrier('round start');
    if (Atomics.load(ctrl, C_CONTINUE) !== round + 1) {
      if (producer) for (const x of items) decref(t.rc, x);
      for (const x of bounded) decref(t.rc, x);
      break;
    }
    ctx.setCounter(1, round);

    // Part A: the producer appends 0 … N-1, the consumers popleft.
    if (producer) {
      for (let i = 0; i < n; i++) {
        check(t, dequeAppend(t, d, items[i]!));
        Atomics.add(ctrl, C_ADDED, 1);
        res.appended++;
      }
      store(ctrl, C_PRODUCER_DONE, round + 1);
    } else {
      consume(round);
    }
    barrier('consumed');
    if (producer) {
      for (let i = 0; i < n; i++) {
        const c = Atomics.load(ctrl, tableBase + i);
        if (c !== 1) {
          res.countBad++;
          note(res.problems, `round ${round}: item ${i} consumed ${c} times`);
        }
      }
      if (dequeSize(t, d) !== 0) {
        res.sizeBad++;
        note(res.problems, `round ${round}: len ${dequeSize(t, d)} at the end`);
      }
      // A consumer's decref of an item whose references are local queues it for the producer.
      res.merged += processMergeQueue(t.rc);
      for (let i = 0; i < n; i++) {
        const rc = getRefcount(t.rc, items[i]!);
        if (rc !== 1) {
          res.refcountBad++;
          note(res.problems, `round ${round}: item ${i} has ${rc} references after its consumption`);
        }
        decref(t.rc, items[i]!);
      }
    }

    // Part B: everybody appends at random ends of the bounded deque, reading len() after each append.
    for (let i = 0; i < k; i++) {
      check(t, rng.nextInt(2) === 0 ? dequeAppend(t, bd, bounded[i]!) : dequeAppendLeft(t, bd, bounded[i]!));
      res.boundedAppends++;
      readLen(bd, maxlen);
      if ((i & 127) === 64) boundedPass(false);
    }
    // The len() probe: the last worker reads len() of a small bounded deque in bursts of 64 while worker 0
    // alone appends immortal small ints to it (no lock convoy: with several appenders the lock's hand-offs
    // leave the append window nearly always empty). A bounded append's intermediate size shows while the
    // two run at once, so the probe lasts until PROBE_OVERLAPS bursts overlapped appends (the append count
    // moved during the burst), or PROBE_MS passed (a loaded machine may seldom run the two at once).
    const watcher = ctx.workers - 1;
    if (w === watcher) {
      const deadline = Date.now() + PROBE_MS;
      let overlaps = 0;
      while (overlaps < PROBE_OVERLAPS && Date.now() < deadline) {
        if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
        const before = Atomics.load(ctrl, C_PROBE_APPENDS);
        for (let x = 0; x < 64; x++) readLen(pd, PROBE_MAXLEN);
        if (Atomics.load(ctrl, C_PROBE_APPENDS) !== before) overlaps++;
      }
      res.probeOverlaps += overlaps;
      store(ctrl, C_PROBE_STOP, round + 1);
    } else if (w === 0) {
      for (let x = 0; Atomics.load(ctrl, C_PROBE_STOP) !== round + 1; x++) {
        if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
        check(t, (x & 1) === 0 ? dequeAppend(t, pd, smallInt(t, x & 63)) : dequeAppendLeft(t, pd, smallInt(t, x & 63)));
        Atomics.add(ctrl, C_PROBE_APPENDS, 1);
      }
    }
    barrier('appended');
    res.merged += processMergeQueue(t.rc);
    if (producer) {
      // With nobody appending: exactly maxlen distinct items (counted per item).
      const yielded = boundedPass(true);
      if (yielded !== maxlen || dequeSize(t, bd) !== maxlen) {
        res.contentBad++;
        note(res.problems, `round ${round}: ${yielded} items yielded, len ${dequeSize(t, bd)}, maxlen ${maxlen}`);
      }
      for (let i = 0; i < total; i++) {
        if (Atomics.load(ctrl, slotsBase + i) > 1) {
          res.contentBad++;
          note(res.problems, `round ${round}: item ${i} in the bounded deque ${Atomics.load(ctrl, slotsBase + i)} times`);
        }
      }
    }
    barrier('counted');
    for (let i = 0; i < k; i++) {
      const expected = 1 + Atomics.load(ctrl, slotsBase + w * k + i);
      const rc = getRefcount(t.rc, bounded[i]!);
      if (rc !== expected) {
        res.boundedRefcountBad++;
        note(res.problems, `round ${round} bounded item ${w * k + i}: ${rc} references, expected ${expected}`);
      }
    }
    barrier('refcounts read');
    if (producer) dequeClear(t, bd);
    barrier('cleared');
    res.merged += processMergeQueue(t.rc);
    for (let i = 0; i < k; i++) {
      const rc = getRefcount(t.rc, bounded[i]!);
      if (rc !== 1) {
        res.clearedRefcountBad++;
        note(res.problems, `round ${round} bounded item ${w * k + i}: ${rc} references after the clear`);
      }
      decref(t.rc, bounded[i]!);
    }
    res.rounds++;
    ctx.progress(res.rounds);
    qsbrQuiescentState(t.qsbr);
  }
  barrier('leaving');
  if (producer) {
    decref(t.rc, d);
    decref(t.rc, bd);
    decref(t.rc, pd);
  }
  return res;
}

// --- entry ------------------------------------------------------------------------------------

runStressWorker<SetStressParams>((ctx) => {
  const r = joinRuntime(ctx.params.runtime);
  try {
    switch (ctx.params.kind) {
      case 'contains':
        return ctx.role === 'writer' ? containsWriter(ctx, r) : containsReader(ctx, r);
      case 'add-pop':
        return addPopRacer(ctx, r);
      case 'hash-repr':
        return hashReprWorker(ctx, r);
      case 'deque':
        return dequeWorker(ctx, r);
    }
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    Atomics.notify(ctx.params.ctrl, C_ABORT);
    throw error;
  } finally {
    ctx.setCounter(0, 5);
    r.close();
  }
});
