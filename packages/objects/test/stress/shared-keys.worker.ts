/**
 * A worker of the shared-keys stress scenario (shared-keys.scenario.ts
 * describes the run, the barriers and the checks). Hang dumps show user
 * counter 0: the phase (1 running, 2 in a barrier, 3 waiting for the
 * previous worker's last generation, 5 leaving), counter 1: the round, and
 * counter 2: the step (1 making K, 2 the instance, 3 the sets, 4 the
 * checks, 5 the __dict__ replacements, 6 dropping the instance and class).
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { processDelayed, qsbrQuiescentState } from '@ft/qsbr';
import { decref, getRefcount, OB_TYPE_OFFSET, setMaybeWeakref } from '@ft/refcount';
import {
  dictGetItemRef,
  dictHasSplitTable,
  dictIter,
  dictIterNext,
  dictNew,
  dictNewForType,
  dictSetItem,
  dictSize,
  errFetch,
  formatError,
  intAsNumber,
  intCheckExact,
  intFromNumber,
  objectGetAttr,
  objectGetDict,
  objectSetAttr,
  objectSetDict,
  typeGenericAlloc,
  type ObThread,
} from '../../src/index.js';
import { dictSeams } from '../../src/dict.js';
import { entriesOf, getIndex, isSplitKeys, valuesType } from '../../src/dict-keys.js';
import { instanceDictSlot } from '../../src/heap-type.js';
import { DICT_KEYS_OFFSET, DICT_VALUES_OFFSET, DK_LOG2_SIZE_OFFSET, DK_MUTEX_OFFSET, DK_NENTRIES_OFFSET, DK_REFCNT_OFFSET, TP_CACHED_KEYS_OFFSET } from '../../src/layout.js';
import { check, joinRuntime, type Runtime } from '../runtime.js';
import {
  ATTR_BASE,
  C_ABORT,
  C_BAD_ROUNDS,
  C_BARRIER,
  C_BASE,
  C_CLASS,
  C_DONE,
  C_EMPTY_SEEN,
  C_FINISHED,
  C_OVERLAPPED,
  C_RACED_CREATIONS,
  C_SWAP_READS,
  EXTRA_KEY,
  CONTROL_CAP_MS,
  CONTROL_FOUND,
  F_BAD,
  F_DICT,
  F_GEN,
  F_GEN_TARGET,
  F_INSTANCE,
  F_KEYS,
  GEN_SPAN,
  GENERATIONS,
  hashWord,
  makeClass,
  MIN_OVERLAPPED,
  MIN_RACED_CREATIONS,
  MIN_SWAP_READS,
  NAME_SPAN,
  nameWord,
  READS_PER_GEN,
  REPL_BASE,
  ROUND_CAP,
  valueWord,
  wordOf,
  type KeysWorkerResult,
  type SharedKeysParams,
} from './shared-keys.scenario.js';

type Ctx = StressWorkerContext<SharedKeysParams>;

/** The type word of an object freed under `mimalloc_debug` (past the 16 protected header bytes). */
const POISON_WORD = 0xdddddddd;
/** Problems kept per worker for the report. */
const MAX_PROBLEMS = 8;
/** A reference count no value here can reach: more is garbage. */
const MAX_SANE_REFCOUNT = 10_000;
/** Barrier spins before sleeping (a few microseconds each). */
const BARRIER_SPINS = 20_000;
/** `_Py_LOCKED` of a PyMutex byte. */
const MUTEX_LOCKED = 1;
/** Entries a split table has room for (log2 size 6: 42 usable), bounding the walk of a broken one. */
const MAX_WALK = 64;

function note(list: string[], message: string): void {
  if (list.length < MAX_PROBLEMS) list.push(message);
}

/**
 * Waits until `ctrl[index] >= value`; false past `deadline`. Throws when
 * another worker failed. Barriers do not give up when the runner asks to
 * stop (timed mode): every worker finishes the one it is in, and worker 0
 * ends the run between rounds.
 */
function waitFor(ctx: Ctx, index: number, value: number, deadline: number): boolean {
  const ctrl = ctx.params.ctrl;
  for (;;) {
    const seen = Atomics.load(ctrl, index);
    if (seen >= value) return true;
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (Date.now() > deadline) return false;
    Atomics.wait(ctrl, index, seen, 1);
  }
}

/** Where `delay` leaves its work, so that the loop is not optimized away. */
let sink = 0;

/** A pause of a few nanoseconds per step. */
function delay(steps: number): void {
  let s = sink;
  for (let j = 0; j < steps; j++) s = (s + j * 7) | 0;
  sink = s;
}

/** What `v` is, for a problem note. SAFETY: plain reads of an object this thread holds (or one freed under it: the point is to see 0xDD). */
function describe(t: ObThread, v: number): string {
  const type = t.u32[(v + OB_TYPE_OFFSET) >>> 2]!;
  if (type === POISON_WORD) return `0x${v.toString(16)} (freed: type word 0xdddddddd)`;
  if (!intCheckExact(t, v)) return `0x${v.toString(16)} (type 0x${type.toString(16)})`;
  return `0x${v.toString(16)} = ${intAsNumber(t, v)} (refcount ${getRefcount(t.rc, v)})`;
}

/** The pending exception as text (and cleared). */
function takeError(t: ObThread): string {
  const e = errFetch(t);
  return e === null ? 'no exception' : formatError(t, e);
}

/** Whether `v` (held by this thread) is a live exact int. SAFETY: as in describe. */
function isLiveInt(t: ObThread, v: number): boolean {
  if (v === 0 || t.u32[(v + OB_TYPE_OFFSET) >>> 2] === POISON_WORD || !intCheckExact(t, v)) return false;
  const rc = getRefcount(t.rc, v);
  return rc > 0 && rc < MAX_SANE_REFCOUNT;
}

/** Part 1's value of name i, set by worker w in round `round`. */
function attrValue(workers: number, round: number, w: number, i: number): number {
  return ATTR_BASE + (round * workers + w) * NAME_SPAN + i;
}

/** Part 2's value of name i in worker w's generation g. */
function replValue(w: number, g: number, i: number): number {
  return REPL_BASE + (w * GEN_SPAN + g) * NAME_SPAN + i;
}

/** Part 2: whether generation g's dict (a split one) is turned combined once installed. */
function isConverted(g: number): boolean {
  return g % 4 === 2;
}

/** Worker w's order of the N names in `round` (see the scenario file: rotated, one permutation for all, one per worker). */
function roundOrder(seed: number, round: number, w: number, workers: number, n: number, orders: 'mixed' | 'same'): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const mode = orders === 'same' ? 1 : round % 3;
  if (mode === 0) {
    const start = Math.floor((w * n) / workers);
    return order.map((i) => (i + start) % n);
  }
  // A small LCG seeded by the run, the round and (mode 2) the worker: every worker computes the same shared permutation.
  let s = (seed ^ Math.imul(round + 1, 0x9e3779b9) ^ (mode === 2 ? Math.imul(w + 1, 0x85ebca6b) : 0)) >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    const x = order[i]!;
    order[i] = order[j]!;
    order[j] = x;
  }
  return order;
}

function sharedKeysWorker(ctx: Ctx, r: Runtime): KeysWorkerResult {
  const { ctrl, waitMs, names: N, replaceEvery, control } = ctx.params;
  const t = r.t;
  const u32 = t.u32;
  const i32 = t.i32;
  const W = ctx.workers;
  const w = ctx.index;
  const next = (w + 1) % W;
  const prev = (w + W - 1) % W;
  const res: KeysWorkerResult = {
    role: 'worker',
    rounds: 0,
    sets: 0,
    setErrors: 0,
    overlapped: 0,
    mutexHeld: 0,
    tables: 0,
    tableBad: 0,
    instanceBad: 0,
    crossBad: 0,
    crossReads: 0,
    midReads: 0,
    midHits: 0,
    midBad: 0,
    conversions: 0,
    phases: 0,
    replacements: 0,
    replaceErrors: 0,
    replaceReads: 0,
    replaceBad: 0,
    readsDuringSwap: 0,
    generationChanges: 0,
    finalBad: 0,
    problems: [],
  };
  const names = Array.from({ length: N }, (_, i) => Atomics.load(ctrl, nameWord(W, i)));
  const hashes = Array.from({ length: N }, (_, i) => Atomics.load(ctrl, hashWord(W, i)));
  const nameIndex = new Map(names.map((name, i) => [name, i]));
  const Base = Atomics.load(ctrl, C_BASE);
  const startedAt = Date.now();

  let barriers = 0;
  const barrier = (): void => {
    barriers++;
    ctx.setCounter(0, 2);
    Atomics.add(ctrl, C_BARRIER, 1);
    Atomics.notify(ctrl, C_BARRIER);
    // Spin a little first, so that the workers leave the barrier together (then sleep: 2 cores, 3 workers).
    const target = barriers * W;
    for (let spins = 0; spins < BARRIER_SPINS && Atomics.load(ctrl, C_BARRIER) < target; spins++) delay(8);
    if (!waitFor(ctx, C_BARRIER, target, Date.now() + waitMs)) throw new Error(`barrier ${barriers}: the others did not arrive`);
    ctx.setCounter(0, 1);
  };
  const intIs = (v: number, n: number): boolean => isLiveInt(t, v) && intAsNumber(t, v) === n;
  const nentriesOf = (dk: number): number => (dk === 0 ? 0 : Atomics.load(i32, (dk + DK_NENTRIES_OFFSET) >>> 2));

  /**
   * The round's shared table, walked by worker 0 between the barriers that
   * end the sets and the checks: a list of what is wrong with it. SAFETY:
   * the plain reads of the table: no thread writes it between those
   * barriers (the checks only read; part 2 has not begun), and the
   * barriers' Atomics order every append before them.
   */
  const tableProblems = (K: number): string[] => {
    const out: string[] = [];
    const dk = Atomics.load(u32, (K + TP_CACHED_KEYS_OFFSET) >>> 2);
    if (dk === 0) return ['K has no shared table (ht_cached_keys 0)'];
    for (let v = 0; v < W; v++) {
      const keys = Atomics.load(ctrl, wordOf(v, F_KEYS));
      if (keys !== dk) out.push(`worker ${v}'s dict uses keys 0x${keys.toString(16)}, not K's 0x${dk.toString(16)}`);
    }
    if (!isSplitKeys(t, dk)) out.push('the table is not split');
    const n = i32[(dk + DK_NENTRIES_OFFSET) >>> 2]!;
    if (n !== N) out.push(`${n} entries for ${N} names`);
    const walk = Math.min(Math.max(n, 0), MAX_WALK);
    const entries = entriesOf(t, dk) >>> 2;
    const seen = new Array<number>(N).fill(0);
    for (let ix = 0; ix < walk; ix++) {
      const key = u32[entries + ix * 3 + 1]!;
      const i = nameIndex.get(key);
      if (i === undefined) {
        out.push(`entry ${ix} holds 0x${key.toString(16)}, not a name`);
        continue;
      }
      seen[i]!++;
      if (i32[entries + ix * 3] !== hashes[i]) out.push(`entry ${ix} (attr_${i}) has hash ${i32[entries + ix * 3]}, not ${hashes[i]}`);
    }
    for (let i = 0; i < N; i++) if (seen[i] !== 1) out.push(`attr_${i} is in ${seen[i]} entries`);
    const size = 1 << t.u8[dk + DK_LOG2_SIZE_OFFSET]!;
    const refs = new Array<number>(walk).fill(0);
    let used = 0;
    for (let s = 0; s < size; s++) {
      const ix = getIndex(t, dk, s);
      if (ix < 0) continue;
      used++;
      if (ix >= walk) out.push(`index slot ${s} points at entry ${ix}, past the ${n} entries`);
      else refs[ix]!++;
    }
    if (used !== n) out.push(`${used} index slots in use for ${n} entries`);
    for (let ix = 0; ix < walk; ix++) if (refs[ix] !== 1) out.push(`entry ${ix} is pointed at by ${refs[ix]} index slots`);
    // The class alone counts its table; each dict holds the class instead (dict-keys.ts, valuesNew).
    const refcnt = i32[(dk + DK_REFCNT_OFFSET) >>> 2]!;
    if (refcnt !== 1) out.push(`dk_refcnt ${refcnt}, not 1 (the class)`);
    return out;
  };

  // Part 2: the reads of the previous worker's instance, and what they saw.
  let readCount = 0;
  let lastSeen = -2;
  const readOther = (other: number, round: number, firstGen: number): void => {
    const i = readCount++ % N;
    const g0 = Atomics.load(ctrl, wordOf(prev, F_GEN));
    let x: number;
    if ((readCount & 1) === 0) {
      x = objectGetAttr(t, other, names[i]!);
    } else {
      const d = objectGetDict(t, other);
      x = d === 0 ? 0 : dictGetItemRef(t, d, names[i]!);
      if (d !== 0) decref(t.rc, d);
    }
    const g1 = Atomics.load(ctrl, wordOf(prev, F_GEN));
    res.replaceReads++;
    if (g1 !== g0) {
      res.readsDuringSwap++;
      Atomics.add(ctrl, C_SWAP_READS, 1);
    }
    if (x === 0) {
      res.replaceBad++;
      note(res.problems, `round ${round}: attr_${i} of worker ${prev}'s instance (generations ${g0}..${g1}): ${takeError(t)}`);
      return;
    }
    let gen = -3;
    if (isLiveInt(t, x)) {
      const n = intAsNumber(t, x);
      if (n === attrValue(W, round, prev, i)) {
        gen = -1; // the dict its worker made in part 1
      } else if (n >= REPL_BASE) {
        const rel = n - REPL_BASE;
        const rest = Math.floor(rel / NAME_SPAN);
        if (rel % NAME_SPAN === i && Math.floor(rest / GEN_SPAN) === prev) gen = rest % GEN_SPAN;
      }
    }
    // The old dict or the new one: the generation published before the read, or the one in flight after it.
    const inRange = gen === -1 ? g0 === firstGen : gen >= g0 && gen <= g1 + 1;
    if (!inRange) {
      res.replaceBad++;
      note(res.problems, `round ${round}: attr_${i} of worker ${prev}'s instance gave ${describe(t, x)}${gen >= 0 ? ` (generation ${gen})` : ''}, generations ${g0}..${g1} around the read (part 2 began after ${firstGen})`);
    }
    if (gen !== lastSeen) res.generationChanges++;
    lastSeen = gen;
    decref(t.rc, x);
  };

  let gen = 0; // part 2: the generations this worker made
  for (let round = 0; ; round++) {
    ctx.setCounter(1, round);
    if (w === 0) {
      // The previous round is over everywhere (its last barrier is behind): tally it, then decide for everybody.
      if (round > 0) {
        let bad = false;
        for (let v = 0; v < W; v++) if (Atomics.load(ctrl, wordOf(v, F_BAD)) === round) bad = true;
        if (bad) Atomics.add(ctrl, C_BAD_ROUNDS, 1);
        if (Atomics.load(ctrl, C_EMPTY_SEEN) >= 2) Atomics.add(ctrl, C_RACED_CREATIONS, 1);
      }
      Atomics.store(ctrl, C_EMPTY_SEEN, 0);
      let done: boolean;
      if (control !== 'none') {
        done = Atomics.load(ctrl, C_BAD_ROUNDS) >= CONTROL_FOUND || Date.now() - startedAt > CONTROL_CAP_MS || ctx.stopRequested();
      } else {
        // Past the budget, rounds go on until the races were seen (on 2 busy cores few rounds overlap).
        const covered =
          Atomics.load(ctrl, C_OVERLAPPED) >= MIN_OVERLAPPED &&
          Atomics.load(ctrl, C_RACED_CREATIONS) >= MIN_RACED_CREATIONS &&
          (replaceEvery === 0 || Atomics.load(ctrl, C_SWAP_READS) >= MIN_SWAP_READS);
        done = ctx.shouldStop(round) && (covered || ctx.stopRequested() || round >= ROUND_CAP * ctx.opsBudget);
      }
      if (done) {
        Atomics.store(ctrl, C_DONE, 1);
      } else {
        ctx.setCounter(2, 1);
        Atomics.store(ctrl, C_CLASS, makeClass(t, `K${round}`, [Base]));
      }
    }
    barrier();
    if (Atomics.load(ctrl, C_DONE) !== 0) break;
    const K = Atomics.load(ctrl, C_CLASS);
    ctx.setCounter(2, 2);
    const inst = check(t, typeGenericAlloc(t, K));
    const slot = instanceDictSlot(t, inst) >>> 2;
    Atomics.store(ctrl, wordOf(w, F_INSTANCE), inst);
    // The run's seed (ctx.seed differs per worker): every worker computes the same shared permutation.
    const order = roundOrder(ctx.params.seed, round, w, W, N, ctx.params.orders);
    const phase2 = replaceEvery > 0 && round % replaceEvery === replaceEvery - 1;
    if (phase2) Atomics.store(ctrl, wordOf(w, F_GEN_TARGET), gen + GENERATIONS);
    barrier();

    // Part 1: every worker sets the same names on its own instance, at once.
    ctx.setCounter(2, 3);
    let overlapped = 0;
    let bad = false;
    const nextSlot = instanceDictSlot(t, Atomics.load(ctrl, wordOf(next, F_INSTANCE))) >>> 2;
    for (let k = 0; k < N; k++) {
      const i = order[k]!;
      const dkBefore = Atomics.load(u32, (K + TP_CACHED_KEYS_OFFSET) >>> 2);
      if (k === 0 && dkBefore === 0) Atomics.add(ctrl, C_EMPTY_SEEN, 1);
      const before = nentriesOf(dkBefore);
      // This worker holds no dk_mutex here: a held one is another worker's append in progress.
      if (dkBefore !== 0 && (Atomics.load(t.u8, dkBefore + DK_MUTEX_OFFSET) & MUTEX_LOCKED) !== 0) res.mutexHeld++;
      const v = check(t, intFromNumber(t, attrValue(W, round, w, i)));
      if ((i & 1) === 0) setMaybeWeakref(t.rc, v); // lock-free readers' try-incref succeeds on these
      Atomics.store(ctrl, valueWord(W, w, i), v);
      if (objectSetAttr(t, inst, names[i]!, v) < 0) {
        res.setErrors++;
        note(res.problems, `round ${round}: setattr(attr_${i}): ${takeError(t)}`);
      }
      res.sets++;
      decref(t.rc, v); // the dict holds the only reference
      // Two or more appends during this one set: another worker's among them.
      if (nentriesOf(Atomics.load(u32, (K + TP_CACHED_KEYS_OFFSET) >>> 2)) - before >= 2) overlapped++;
      // The next worker's dict, read lock-free while its table grows and it is being filled: absent or exact.
      const dn = Atomics.load(u32, nextSlot);
      if (dn !== 0) {
        const x = dictGetItemRef(t, dn, names[i]!);
        res.midReads++;
        if (x !== 0) res.midHits++;
        if (x === 0 ? t.error.type !== 0 : x !== Atomics.load(ctrl, valueWord(W, next, i)) || !intIs(x, attrValue(W, round, next, i))) {
          res.midBad++;
          bad = true;
          note(res.problems, `round ${round}: attr_${i} of worker ${next}'s dict, read lock-free during the sets: ${x === 0 ? takeError(t) : describe(t, x)}`);
        }
        if (x !== 0) decref(t.rc, x);
      }
    }
    res.overlapped += overlapped;
    if (overlapped > 0) Atomics.add(ctrl, C_OVERLAPPED, overlapped);
    const d = Atomics.load(u32, slot);
    Atomics.store(ctrl, wordOf(w, F_DICT), d);
    Atomics.store(ctrl, wordOf(w, F_KEYS), d === 0 ? 0 : Atomics.load(u32, (d + DICT_KEYS_OFFSET) >>> 2));
    barrier();

    // The checks: nobody writes any of this round's dicts or the table until the next barrier.
    ctx.setCounter(2, 4);
    if (w === 0) {
      res.tables++;
      const found = tableProblems(K);
      if (found.length > 0) {
        res.tableBad++;
        bad = true;
        note(res.problems, `round ${round} (order mode ${ctx.params.orders === 'same' ? 1 : round % 3}): the shared table: ${found.slice(0, 6).join('; ')}`);
      }
    }
    {
      const wrong: string[] = [];
      const dk = Atomics.load(u32, (K + TP_CACHED_KEYS_OFFSET) >>> 2);
      if (d === 0) wrong.push('no dict');
      else {
        if (!dictHasSplitTable(t, d)) wrong.push('not split');
        if (Atomics.load(u32, (d + DICT_KEYS_OFFSET) >>> 2) !== dk) wrong.push("not over K's shared table");
        const values = Atomics.load(u32, (d + DICT_VALUES_OFFSET) >>> 2);
        if (values !== 0 && valuesType(t, values) !== K) wrong.push("its values do not hold K (which keeps the shared table)");
        if (dictSize(t, d) !== N) wrong.push(`size ${dictSize(t, d)}`);
      }
      for (let i = 0; i < N; i++) {
        const x = objectGetAttr(t, inst, names[i]!);
        if (x !== Atomics.load(ctrl, valueWord(W, w, i)) || !intIs(x, attrValue(W, round, w, i))) wrong.push(`attr_${i} gave ${x === 0 ? takeError(t) : describe(t, x)}`);
        if (x !== 0) decref(t.rc, x);
      }
      if (d !== 0) {
        const it = check(t, dictIter(t, d, 0));
        const got: number[] = [];
        for (;;) {
          const key = dictIterNext(t, it);
          if (key === 0) break;
          got.push(nameIndex.get(key) ?? -1);
          decref(t.rc, key);
          if (got.length > MAX_WALK) break;
        }
        if (t.error.type !== 0) wrong.push(`iteration: ${takeError(t)}`);
        decref(t.rc, it);
        if (got.join() !== order.join()) wrong.push(`iterates [${got.join(',')}], set [${order.join(',')}]`);
      }
      if (wrong.length > 0) {
        res.instanceBad++;
        bad = true;
        note(res.problems, `round ${round}: worker ${w}'s instance: ${wrong.slice(0, 4).join('; ')}`);
      }
    }
    {
      // The next worker's dict, read lock-free (its worker holds it until the next barrier).
      const dn = Atomics.load(ctrl, wordOf(next, F_DICT));
      for (let i = 0; dn !== 0 && i < N; i++) {
        const x = dictGetItemRef(t, dn, names[i]!);
        res.crossReads++;
        if (x !== Atomics.load(ctrl, valueWord(W, next, i)) || !intIs(x, attrValue(W, round, next, i))) {
          res.crossBad++;
          bad = true;
          note(res.problems, `round ${round}: attr_${i} of worker ${next}'s dict, read lock-free: ${x === 0 ? takeError(t) : describe(t, x)}`);
        }
        if (x !== 0) decref(t.rc, x);
      }
    }
    if (bad) Atomics.store(ctrl, wordOf(w, F_BAD), round + 1);
    barrier();

    if (phase2) {
      // Part 2: this worker replaces its instance's __dict__ while the next one reads it, and reads the previous one's.
      ctx.setCounter(2, 5);
      res.phases++;
      const other = Atomics.load(ctrl, wordOf(prev, F_INSTANCE));
      const otherTarget = Atomics.load(ctrl, wordOf(prev, F_GEN_TARGET));
      const otherFirst = otherTarget - GENERATIONS;
      lastSeen = -2;
      for (let k = 0; k < GENERATIONS; k++) {
        gen++;
        const split = (gen & 1) === 0;
        const fresh = check(t, split ? dictNewForType(t, K) : dictNew(t));
        for (let j = 0; j < N; j++) {
          const i = (j + gen) % N;
          const v = check(t, intFromNumber(t, replValue(w, gen, i)));
          if ((i & 1) === 0) setMaybeWeakref(t.rc, v);
          if (dictSetItem(t, fresh, names[i]!, v) < 0) {
            res.replaceErrors++;
            note(res.problems, `round ${round}: generation ${gen}: dict[attr_${i}] = …: ${takeError(t)}`);
          }
          decref(t.rc, v);
        }
        if (objectSetDict(t, inst, fresh) < 0) {
          res.replaceErrors++;
          note(res.problems, `round ${round}: generation ${gen}: obj.__dict__ = …: ${takeError(t)}`);
        }
        Atomics.store(ctrl, wordOf(w, F_GEN), gen);
        Atomics.notify(ctrl, wordOf(w, F_GEN)); // a reader that finished its own replacements may sleep on it
        res.replacements++;
        for (let q = 0; q < READS_PER_GEN >> 1; q++) readOther(other, round, otherFirst);
        if (isConverted(gen)) {
          // A key the shared table cannot take: the installed split dict turns combined under its readers.
          const key = check(t, intFromNumber(t, EXTRA_KEY));
          if (dictSetItem(t, fresh, key, key) < 0 || dictHasSplitTable(t, fresh)) {
            res.replaceErrors++;
            note(res.problems, `round ${round}: generation ${gen}: dict[${EXTRA_KEY}] = …: ${t.error.type !== 0 ? takeError(t) : 'still split'}`);
          }
          decref(t.rc, key);
          res.conversions++;
        }
        decref(t.rc, fresh); // the instance holds it
        for (let q = READS_PER_GEN >> 1; q < READS_PER_GEN; q++) readOther(other, round, otherFirst);
        qsbrQuiescentState(t.qsbr);
      }
      // Only this worker replaces its instance's dict: it must be the last generation's.
      {
        const last = Atomics.load(u32, slot);
        const wrong: string[] = [];
        if (last === 0) wrong.push('no dict');
        else {
          if (dictHasSplitTable(t, last) !== ((gen & 1) === 0 && !isConverted(gen))) wrong.push(`split ${dictHasSplitTable(t, last)} for generation ${gen}`);
          if (dictSize(t, last) !== N + (isConverted(gen) ? 1 : 0)) wrong.push(`size ${dictSize(t, last)}`);
          for (let i = 0; i < N; i++) {
            const x = dictGetItemRef(t, last, names[i]!);
            if (!intIs(x, replValue(w, gen, i))) wrong.push(`attr_${i} gave ${x === 0 ? takeError(t) : describe(t, x)}`);
            if (x !== 0) decref(t.rc, x);
          }
        }
        if (wrong.length > 0) {
          res.finalBad++;
          note(res.problems, `round ${round}: worker ${w}'s final dict (generation ${gen}): ${wrong.slice(0, 4).join('; ')}`);
        }
      }
      // Read on until the previous worker's last generation is in, so every one of its swaps met a reader.
      ctx.setCounter(0, 3);
      const deadline = Date.now() + waitMs;
      for (;;) {
        const seen = Atomics.load(ctrl, wordOf(prev, F_GEN));
        if (seen >= otherTarget) break;
        for (let q = 0; q < READS_PER_GEN; q++) readOther(other, round, otherFirst);
        qsbrQuiescentState(t.qsbr);
        if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
        if (Date.now() > deadline) throw new Error(`round ${round}: worker ${prev} did not finish its replacements`);
        // No new generation meanwhile: let the replacer have the core (2 cores, 3 workers).
        if (Atomics.load(ctrl, wordOf(prev, F_GEN)) === seen) Atomics.wait(ctrl, wordOf(prev, F_GEN), seen, 1);
      }
      ctx.setCounter(0, 1);
      barrier();
    }

    ctx.setCounter(2, 6);
    decref(t.rc, inst);
    if (w === 0) decref(t.rc, K); // its MRO refers back to it: the collector frees it, and its shared table
    ctx.setCounter(2, 0);
    res.rounds++;
    ctx.progress(res.rounds);
    qsbrQuiescentState(t.qsbr);
    if ((round & 7) === 7) processDelayed(t.qsbr);
  }
  return res;
}

// --- entry ------------------------------------------------------------------------------------

runStressWorker<SharedKeysParams>((ctx) => {
  const r = joinRuntime(ctx.params.runtime);
  // The control: this isolate appends to shared tables without their dk_mutex (seams are per isolate).
  dictSeams.lockKeys = ctx.params.control !== 'no-keys-lock';
  try {
    return sharedKeysWorker(ctx, r);
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    Atomics.notify(ctx.params.ctrl, C_ABORT);
    throw error;
  } finally {
    dictSeams.lockKeys = true;
    Atomics.add(ctx.params.ctrl, C_FINISHED, 1);
    ctx.setCounter(0, 5);
    r.close();
  }
});
