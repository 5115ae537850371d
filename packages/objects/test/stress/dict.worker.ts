/**
 * A worker of the dict stress scenarios (dict.scenario.ts describes the
 * runs, the roles, the handshakes and the checks). Hang dumps show user
 * counter 0: the phase (1 running, 2 in a handshake or barrier, 3 final
 * checks, 4 waiting for the others to finish, 5 leaving) and counter 1:
 * the round, phase or batch count.
 */

import { criticalSectionBegin2, criticalSectionEnd } from '@ft/atomics';
import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { qsbrStats, processDelayed, qsbrQuiescentState } from '@ft/qsbr';
import { decref, getRefcount, OB_MUTEX_OFFSET, OB_TYPE_OFFSET, processMergeQueue, setMaybeWeakref } from '@ft/refcount';
import { dictSeams } from '../../src/dict.js';
import {
  dictClear,
  dictContains,
  dictDelItem,
  dictGetItemRef,
  dictIter,
  dictIterNext,
  dictNew,
  dictPop,
  dictPopItem,
  dictSetDefaultRef,
  dictSetItem,
  dictSize,
  errClear,
  errFetch,
  formatError,
  intAsNumber,
  intCheckExact,
  intFromNumber,
  strCheckExact,
  strFromJs,
  strToJs,
  tupleCheckExact,
  tupleGetItem,
  tupleSize,
  type ObThread,
} from '../../src/index.js';
import { DICT_KEYS_OFFSET, DK_KIND_OFFSET, DK_LOG2_INDEX_BYTES_OFFSET, DK_LOG2_SIZE_OFFSET, DK_NENTRIES_OFFSET, DK_REFCNT_OFFSET, DK_USABLE_OFFSET } from '../../src/layout.js';
import { check, joinRuntime, type Runtime } from '../runtime.js';
import {
  C_ABORT,
  C_BARRIER,
  C_CONTINUE,
  C_DICT_A,
  C_DICT_B,
  C_FOUND,
  C_SHARED_KEY,
  C_NEXT_SERIAL,
  C_PROGRESS,
  C_QUIET,
  C_READERS_DONE,
  C_WRITER_DONE,
  F_BATCHES,
  F_CHECKED,
  F_FORCE,
  F_HELD,
  F_LF_DONE,
  F_LF_LOCKED,
  F_LF_READY,
  F_LF_WANT,
  F_MID,
  F_MUTATED,
  F_QUIET_ACK,
  F_REPLACED,
  F_STEPPED,
  F_WANT,
  KEY_BASE,
  VALUE_BASE,
  VALUE_J,
  VALUE_K,
  wordOf,
  type DictStressParams,
  type IterateIteratorResult,
  type IterateMutatorResult,
  type PopItemReaderResult,
  type PopItemWriterResult,
  type ResizeReaderResult,
  type ResizeWriterResult,
  type SetDefaultResult,
} from './dict.scenario.js';

type Ctx = StressWorkerContext<DictStressParams>;

/** The type word of an object freed under `mimalloc_debug` (past the 16 protected header bytes). */
const POISON_WORD = 0xdddddddd;
/** The debug frame's API id of a `PyMem_Malloc` block, 8 bytes before the data (obmalloc layout: p = b + 2·S, id at b + S). */
const MEM_API_ID = 'm'.charCodeAt(0);
const API_ID_BACK = 8;
/** Problems kept per worker for the report. */
const MAX_PROBLEMS = 8;

const SUCCESS_SIZE_ERROR = 'RuntimeError: dictionary changed size during iteration';
const KEYS_CHANGED_ERROR = 'RuntimeError: dictionary keys changed during iteration';

function note(list: string[], message: string): void {
  if (list.length < MAX_PROBLEMS) list.push(message);
}

/**
 * Waits until `ctrl[index] >= value`; false past `deadline`, or at once
 * when the runner asked every worker to stop (timed mode). Throws when
 * another worker failed.
 */
function waitFor(ctx: Ctx, index: number, value: number, deadline: number, honourStop = true): boolean {
  const ctrl = ctx.params.ctrl;
  for (;;) {
    const seen = Atomics.load(ctrl, index);
    if (seen >= value) return true;
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (Date.now() > deadline || (honourStop && ctx.stopRequested())) return false;
    Atomics.wait(ctrl, index, seen, 1);
  }
}

function store(ctrl: Int32Array, index: number, value: number): void {
  Atomics.store(ctrl, index, value);
  Atomics.notify(ctrl, index);
}

/** The dict's current keys table (`ma_keys`, as a lock-free reader loads it). */
function keysOf(t: ObThread, op: number): number {
  return Atomics.load(t.u32, (op + DICT_KEYS_OFFSET) >>> 2);
}

/**
 * Whether the keys table at `dk` still looks like a live table: null, or
 * what is wrong. SAFETY: plain reads of the header, which never changes
 * after publication (size, index width, kind, refcount 1, the debug
 * frame's API id); a freed block reads 0xDD there.
 */
function tableDamage(t: ObThread, dk: number): string | null {
  const u8 = t.u8;
  const log2 = u8[dk + DK_LOG2_SIZE_OFFSET]!;
  const width = u8[dk + DK_LOG2_INDEX_BYTES_OFFSET]!;
  const kind = u8[dk + DK_KIND_OFFSET]!;
  const refcnt = t.i32[(dk + DK_REFCNT_OFFSET) >>> 2]!;
  const api = u8[dk - API_ID_BACK]!;
  const expectedWidth = log2 < 8 ? 0 : log2 < 16 ? 1 : 2;
  if (api === MEM_API_ID && log2 >= 3 && log2 <= 27 && width === expectedWidth && kind <= 1 && refcnt === 1) return null;
  return `table 0x${dk.toString(16)}: API id 0x${api.toString(16)}, log2 size ${log2}, index width ${width}, kind ${kind}, refcnt ${refcnt}`;
}

/** 0 the exact int `expected`; 1 poisoned (freed); 2 another type; 3 another number. */
function valueStatus(t: ObThread, v: number, expected: number): number {
  const type = t.u32[(v + OB_TYPE_OFFSET) >>> 2];
  if (type === POISON_WORD) return 1;
  if (!intCheckExact(t, v)) return 2;
  return intAsNumber(t, v) === expected ? 0 : 3;
}

function describeValue(t: ObThread, v: number): string {
  const type = t.u32[(v + OB_TYPE_OFFSET) >>> 2]!;
  if (type === POISON_WORD) return `0x${v.toString(16)} (freed: type word 0xdddddddd)`;
  if (!intCheckExact(t, v)) return `0x${v.toString(16)} (type 0x${type.toString(16)})`;
  return `0x${v.toString(16)} = ${intAsNumber(t, v)}`;
}

// --- scenario 1: lookups during resizes --------------------------------------------------------

/** Keys of the resize scenario: A holds str keys; B alternates str and int keys in pairs. */
function keyA(t: ObThread, i: number): number {
  return check(t, strFromJs(t, `s${i}`));
}

function keyB(t: ObThread, i: number): number {
  return ((i >> 1) & 1) === 0 ? check(t, strFromJs(t, `m${i}`)) : check(t, intFromNumber(t, KEY_BASE + i));
}

function isChurn(i: number): boolean {
  return (i & 7) === 7;
}

/** Keys and values of even indices are flagged MAYBE_WEAKREF: lock-free lookups can take them. */
function isFlagged(i: number): boolean {
  return (i & 1) === 0;
}

function packProgress(round: number, inserted: number): number {
  return ((round & 0x7fff) << 16) | inserted;
}

function resizeWriter(ctx: Ctx, r: Runtime): ResizeWriterResult {
  const { ctrl, keys: n, control } = ctx.params;
  const t = r.t;
  const res: ResizeWriterResult = {
    role: 'writer',
    rounds: 0,
    inserts: 0,
    resizesA: 0,
    resizesB: 0,
    clears: 0,
    churned: 0,
    popitems: 0,
    handshakes: 0,
    handshakesMissed: 0,
    lockFreeProbes: 0,
    lockFreeTimeouts: 0,
    popitemBad: 0,
    finalBad: 0,
    qsbrFreed: 0,
    qsbrQueued: 0,
    problems: [],
  };
  const aggressive = control === 'no-qsbr-free';
  if (aggressive) dictSeams.qsbrFree = false;
  const readers = ctx.workers - 1;
  const waitMs = ctx.params.waitMs;
  // In the control a reader may be stuck probing a freed table until this worker reuses its block: short waits.
  const hsWaitMs = aggressive ? 50 : waitMs;
  const a = check(t, dictNew(t));
  const b = check(t, dictNew(t));
  // The layout this worker checks held tables against: a fresh table carries the mem API id 8 bytes before it.
  const damage = tableDamage(t, keysOf(t, a));
  if (damage !== null) throw new Error(`dict stress: a fresh keys table does not look as expected (${damage}); the debug frame layout changed?`);
  store(ctrl, C_DICT_B, b);
  store(ctrl, C_DICT_A, a);
  const hsSeq = new Array<number>(ctx.workers).fill(0);
  const lfSeq = new Array<number>(ctx.workers).fill(0);
  let hsTurn = 0;
  let lockFreeOn = true;

  /** Asks the next reader to hold A's current table; returns [reader, seq] or null (no reader). */
  const beginHandshake = (): [number, number] | null => {
    if (readers === 0) return null;
    const w = 1 + (hsTurn++ % readers);
    const seq = ++hsSeq[w]!;
    ctx.setCounter(0, 2);
    store(ctrl, wordOf(w, F_WANT), seq);
    if (!waitFor(ctx, wordOf(w, F_HELD), seq, Date.now() + hsWaitMs) && !ctx.stopRequested()) {
      res.handshakesMissed++;
      note(res.problems, `handshake ${seq} with reader ${w}: the reader did not hold a table within ${hsWaitMs} ms`);
    }
    return [w, seq];
  };
  /** After the replacement: QSBR processing while the reader holds the old table, then the reader's check. */
  const endHandshake = (hs: [number, number] | null): void => {
    if (hs === null) return;
    const [w, seq] = hs;
    qsbrQuiescentState(t.qsbr);
    processDelayed(t.qsbr);
    store(ctrl, wordOf(w, F_REPLACED), seq);
    if (waitFor(ctx, wordOf(w, F_CHECKED), seq, Date.now() + hsWaitMs)) res.handshakes++;
    else if (!ctx.stopRequested()) note(res.problems, `handshake ${seq}: reader ${w} did not check its table in time`);
    ctx.setCounter(0, 1);
  };

  const insert = (d: number, key: number, value: number): void => {
    check(t, dictSetItem(t, d, key, value));
    decref(t.rc, key);
    decref(t.rc, value);
    res.inserts++;
  };
  const newValue = (i: number): number => {
    const v = check(t, intFromNumber(t, VALUE_BASE + i));
    if (isFlagged(i)) setMaybeWeakref(t.rc, v);
    return v;
  };
  const insertA = (i: number): void => {
    const before = keysOf(t, a);
    // SAFETY: this worker is the dicts' only writer; the fields it reads change only under its own calls.
    const resizing = t.i32[(before + DK_USABLE_OFFSET) >>> 2]! <= 0;
    const hs = resizing && (!aggressive || (res.clears & 3) === 0) ? beginHandshake() : null;
    const k = keyA(t, i);
    if (isFlagged(i)) setMaybeWeakref(t.rc, k);
    insert(a, k, newValue(i));
    if (keysOf(t, a) !== before) res.resizesA++;
    endHandshake(hs);
  };
  const insertB = (i: number): void => {
    const before = keysOf(t, b);
    const k = keyB(t, i);
    if (isFlagged(i)) setMaybeWeakref(t.rc, k);
    insert(b, k, newValue(i));
    if (keysOf(t, b) !== before) res.resizesB++;
  };
  const clearBoth = (): void => {
    const hs = !aggressive || (res.clears & 3) === 0 ? beginHandshake() : null;
    dictClear(t, a);
    endHandshake(hs);
    dictClear(t, b);
    res.clears++;
  };
  /** Churn: A deletes and reinserts; B takes the key back by popitem (the slot is reused) or by del. */
  const churn = (i: number): void => {
    const k = keyA(t, i);
    check(t, dictDelItem(t, a, k));
    decref(t.rc, k);
    insertA(i);
    if ((i & 15) === 15) {
      const pair = check(t, dictPopItem(t, b));
      res.popitems++;
      const pk = tupleGetItem(t, pair, 0);
      const pv = tupleGetItem(t, pair, 1);
      const keyOk = ((i >> 1) & 1) === 0 ? strCheckExact(t, pk) && strToJs(t, pk) === `m${i}` : intCheckExact(t, pk) && intAsNumber(t, pk) === KEY_BASE + i;
      if (!keyOk || valueStatus(t, pv, VALUE_BASE + i) !== 0) {
        res.popitemBad++;
        note(res.problems, `popitem after key ${i} gave key 0x${pk.toString(16)}, value ${describeValue(t, pv)}`);
      }
      decref(t.rc, pair);
    } else {
      const kb = keyB(t, i);
      check(t, dictDelItem(t, b, kb));
      decref(t.rc, kb);
    }
    insertB(i);
    res.churned++;
  };
  /**
   * Lets each reader, between two of its batches, look flagged keys up
   * while this worker holds both dicts' locks: those lookups must not need
   * the lock.
   */
  const lockFreeProbe = (): void => {
    for (let w = 1; w <= readers && lockFreeOn; w++) {
      if (Atomics.load(ctrl, wordOf(w, F_BATCHES)) === 0) continue; // its first read marks the dicts SHARED under their locks
      const seq = ++lfSeq[w]!;
      ctx.setCounter(0, 2);
      store(ctrl, wordOf(w, F_LF_WANT), seq);
      if (!waitFor(ctx, wordOf(w, F_LF_READY), seq, Date.now() + waitMs)) {
        store(ctrl, wordOf(w, F_LF_LOCKED), seq);
        if (!ctx.stopRequested()) note(res.problems, `lock-free probe ${seq}: reader ${w} did not get ready`);
        lockFreeOn = false;
        break;
      }
      criticalSectionBegin2(r.heap, a + OB_MUTEX_OFFSET, b + OB_MUTEX_OFFSET);
      let done: boolean;
      try {
        store(ctrl, wordOf(w, F_LF_LOCKED), seq);
        done = waitFor(ctx, wordOf(w, F_LF_DONE), seq, Date.now() + 2000);
      } finally {
        criticalSectionEnd(r.heap);
      }
      ctx.setCounter(0, 1);
      if (done) {
        res.lockFreeProbes++;
      } else if (!ctx.stopRequested()) {
        res.lockFreeTimeouts++;
        lockFreeOn = false;
        note(res.problems, `lock-free probe ${seq}: reader ${w}'s lookups did not complete while the locks were held (did they take the lock?)`);
      }
    }
  };

  ctx.setCounter(0, 1);
  let round = 0;
  const perRound = aggressive ? 8 : n;
  const budget = aggressive ? ctx.opsBudget * 16 : ctx.opsBudget;
  while (round < budget && !ctx.stopRequested()) {
    store(ctrl, C_PROGRESS, packProgress(round, 0));
    if (round > 0) clearBoth();
    for (let i = 0; i < perRound; i++) {
      insertA(i);
      insertB(i);
      if (isChurn(i)) churn(i);
      Atomics.store(ctrl, C_PROGRESS, packProgress(round, i + 1));
      if ((i & 63) === 63) {
        qsbrQuiescentState(t.qsbr);
        processDelayed(t.qsbr);
      }
    }
    qsbrQuiescentState(t.qsbr);
    processDelayed(t.qsbr);
    if (!aggressive) lockFreeProbe();
    round++;
    res.rounds = round;
    ctx.setCounter(1, round);
    ctx.progress(round);
  }
  // The dicts as the last round left them: every key with its value.
  for (let i = 0; i < perRound; i++) {
    for (const [d, k] of [
      [a, keyA(t, i)],
      [b, keyB(t, i)],
    ] as const) {
      const v = dictGetItemRef(t, d, k);
      if (v === 0 || valueStatus(t, v, VALUE_BASE + i) !== 0) {
        res.finalBad++;
        note(res.problems, `writer's final check: key ${i} of ${d === a ? 'A' : 'B'} gave ${v === 0 ? 'nothing' : describeValue(t, v)}`);
      }
      if (v !== 0) decref(t.rc, v);
      decref(t.rc, k);
    }
  }
  store(ctrl, C_WRITER_DONE, 1);
  // Readers check the last round (the dicts stay still) — or, in the control, keep churning so that a
  // reader probing a freed table gets out once its block is reused.
  ctx.setCounter(0, 4);
  const deadline = Date.now() + waitMs;
  while (Atomics.load(ctrl, C_READERS_DONE) < readers) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (Date.now() > deadline) throw new Error(`the readers did not finish within ${waitMs} ms`);
    if (aggressive) {
      dictClear(t, a);
      dictClear(t, b);
      for (let i = 0; i < perRound; i++) {
        insert(a, keyA(t, i), newValue(i));
        insert(b, keyB(t, i), newValue(i));
      }
    } else {
      Atomics.wait(ctrl, C_READERS_DONE, Atomics.load(ctrl, C_READERS_DONE), 5);
    }
  }
  ctx.setCounter(0, 5);
  decref(t.rc, a);
  decref(t.rc, b);
  qsbrQuiescentState(t.qsbr);
  processDelayed(t.qsbr);
  const stats = qsbrStats(r.heap, r.handle.qsbr);
  res.qsbrFreed = stats.freedItems;
  res.qsbrQueued = stats.queuedItems;
  dictSeams.qsbrFree = true;
  return res;
}

function resizeReader(ctx: Ctx, r: Runtime): ResizeReaderResult {
  const { ctrl, keys: n, control } = ctx.params;
  const aggressive = control === 'no-qsbr-free';
  const t = r.t;
  const w = ctx.index;
  const rng = ctx.rng;
  const res: ResizeReaderResult = {
    role: 'reader',
    batches: 0,
    lookups: 0,
    found: 0,
    missing: 0,
    sizes: 0,
    wrongValues: 0,
    poisonedValues: 0,
    missingViolations: 0,
    sizeViolations: 0,
    errors: 0,
    faults: 0,
    heldChecks: 0,
    heldReplaced: 0,
    heldPoisoned: 0,
    batchesAcrossReplace: 0,
    lockFreeProbes: 0,
    lockFreeLookups: 0,
    lockFreeBad: 0,
    finalChecked: 0,
    finalBad: 0,
    problems: [],
  };
  const perRound = aggressive ? 8 : n;
  // Own key objects: equal to the writer's, never identical.
  const keysA: number[] = [];
  const keysB: number[] = [];
  for (let i = 0; i < perRound; i++) {
    keysA.push(keyA(t, i));
    keysB.push(keyB(t, i));
  }
  if (!waitFor(ctx, C_DICT_A, 1, Date.now() + ctx.params.waitMs)) throw new Error('the writer did not publish its dicts');
  const a = Atomics.load(ctrl, C_DICT_A);
  const b = Atomics.load(ctrl, C_DICT_B);
  // A non-owner's first read marks a dict SHARED (under its lock); only then are its replaced tables
  // freed through QSBR. Tables this reader loads by itself (to hold them) come after that read.
  dictContains(t, a, keysA[0]!);
  dictContains(t, b, keysB[0]!);
  const missed: number[] = [];
  // A lookup that blocks on a dict's lock detaches the thread, and a detached thread is off QSBR
  // (CPython's detach_thread → _Py_qsbr_detach): it holds no table then. Count detaches, so that a
  // batch that blocked does not count as one that held its table.
  let detaches = 0;
  r.participant.hooks.push({ detach: () => detaches++, attach: () => {} });
  let heldSeq = 0;
  let lfSeq = 0;

  /** One lookup of key i in d; returns 1 found, 0 missing, -1 error or fault. */
  const lookup = (d: number, i: number, how: number): number => {
    const key = d === a ? keysA[i]! : keysB[i]!;
    res.lookups++;
    try {
      if (how === 1) {
        const c = dictContains(t, d, key);
        if (c < 0) {
          res.errors++;
          note(res.problems, `contains key ${i}: ${formatError(t, errFetch(t)!)}`);
        }
        return c;
      }
      const v = dictGetItemRef(t, d, key);
      if (v === 0) {
        if (t.error.type !== 0) {
          res.errors++;
          note(res.problems, `get key ${i}: ${formatError(t, errFetch(t)!)}`);
          return -1;
        }
        return 0;
      }
      res.found++;
      const status = valueStatus(t, v, VALUE_BASE + i);
      if (status === 1) res.poisonedValues++;
      else if (status !== 0) res.wrongValues++;
      if (status !== 0) note(res.problems, `key ${i} of ${d === a ? 'A' : 'B'}: value ${describeValue(t, v)}, expected ${VALUE_BASE + i}`);
      if (status !== 1) decref(t.rc, v);
      return 1;
    } catch (error) {
      // A probe of freed memory (the control): count it, keep going.
      res.faults++;
      note(res.problems, `key ${i}: the lookup threw ${(error as Error).message}`);
      errClear(t);
      return -1;
    }
  };

  const holdForHandshake = (): void => {
    const want = Atomics.load(ctrl, wordOf(w, F_WANT));
    if (want <= heldSeq) return;
    heldSeq = want;
    const held = keysOf(t, a);
    ctx.setCounter(0, 2);
    store(ctrl, wordOf(w, F_HELD), want);
    if (!waitFor(ctx, wordOf(w, F_REPLACED), want, Date.now() + ctx.params.waitMs)) {
      if (ctx.stopRequested()) return;
      throw new Error(`handshake ${want}: the writer did not replace the table in time`);
    }
    res.heldChecks++;
    if (keysOf(t, a) !== held) res.heldReplaced++;
    const damage = tableDamage(t, held);
    if (damage !== null) {
      res.heldPoisoned++;
      note(res.problems, `handshake ${want}: the held ${damage}`);
    }
    store(ctrl, wordOf(w, F_CHECKED), want);
    ctx.setCounter(0, 1);
  };

  const lockFreeProbe = (): void => {
    const want = Atomics.load(ctrl, wordOf(w, F_LF_WANT));
    if (want <= lfSeq) return;
    lfSeq = want;
    ctx.setCounter(0, 2);
    store(ctrl, wordOf(w, F_LF_READY), want);
    if (!waitFor(ctx, wordOf(w, F_LF_LOCKED), want, Date.now() + ctx.params.waitMs)) {
      if (ctx.stopRequested()) return;
      throw new Error(`lock-free probe ${want}: the writer did not take the locks`);
    }
    ctx.setCounter(0, 1);
    // The writer holds both locks now: these lookups complete only if they need no lock.
    for (let k = 0; k < 16; k++) {
      const i = 2 * rng.nextInt(perRound >> 1);
      for (const d of [a, b]) {
        const v = dictGetItemRef(t, d, d === a ? keysA[i]! : keysB[i]!);
        res.lockFreeLookups++;
        if (v === 0 || valueStatus(t, v, VALUE_BASE + i) !== 0) {
          res.lockFreeBad++;
          note(res.problems, `lock-free probe: key ${i} gave ${v === 0 ? 'nothing' : describeValue(t, v)}`);
        }
        if (v !== 0) decref(t.rc, v);
      }
    }
    if (dictSize(t, a) !== perRound || dictSize(t, b) !== perRound) {
      res.lockFreeBad++;
      note(res.problems, `lock-free probe: len ${dictSize(t, a)} / ${dictSize(t, b)}, expected ${perRound}`);
    }
    res.lockFreeProbes++;
    store(ctrl, wordOf(w, F_LF_DONE), want);
  };

  ctx.setCounter(0, 1);
  // Until the writer is done (it stops at the runner's stop request, then checks its dicts): a reader
  // that left at the stop request could leave the writer waiting in a handshake.
  while (Atomics.load(ctrl, C_WRITER_DONE) === 0) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    lockFreeProbe();
    const p1 = Atomics.load(ctrl, C_PROGRESS);
    const held = keysOf(t, a);
    holdForHandshake();
    const detachesAtStart = detaches;
    const j1 = p1 & 0xffff;
    missed.length = 0;
    for (let k = 0; k < 32; k++) {
      const d = (k & 1) === 0 ? a : b;
      const i = rng.nextInt(8) === 0 || j1 === 0 ? rng.nextInt(perRound) : rng.nextInt(j1);
      const how = rng.nextInt(4);
      if (how === 3) {
        const size = dictSize(t, d);
        res.sizes++;
        if (size < 0 || size > perRound) {
          res.sizeViolations++;
          note(res.problems, `len ${size} of ${d === a ? 'A' : 'B'} (at most ${perRound} keys)`);
        }
        continue;
      }
      const found = lookup(d, i, how);
      if (found === 0) {
        res.missing++;
        missed.push(d === a ? i : -1 - i);
      }
    }
    const p2 = Atomics.load(ctrl, C_PROGRESS);
    // Same round: nothing the writer published as inserted (and did not churn) may be missing.
    if (p1 >>> 16 === p2 >>> 16) {
      for (const m of missed) {
        const i = m >= 0 ? m : -1 - m;
        if (i < j1 && !isChurn(i)) {
          res.missingViolations++;
          note(res.problems, `key ${i} of ${m >= 0 ? 'A' : 'B'} missing though ${j1} were inserted in round ${p1 >>> 16}`);
        }
      }
      const minimum = j1 - (j1 >> 3);
      const sizeA = dictSize(t, a);
      res.sizes++;
      if (Atomics.load(ctrl, C_PROGRESS) >>> 16 === p1 >>> 16 && (sizeA < minimum || sizeA > perRound)) {
        res.sizeViolations++;
        note(res.problems, `len(A) ${sizeA} after ${j1} inserts in this round (at least ${minimum})`);
      }
    }
    // The table loaded at the batch's start is still held — unless a lookup blocked, which let go of it.
    if (detaches === detachesAtStart) {
      const damage = tableDamage(t, held);
      if (damage !== null) {
        res.heldPoisoned++;
        note(res.problems, `batch ${res.batches}: the held ${damage}`);
      }
      res.heldChecks++;
    }
    if (keysOf(t, a) !== held) res.batchesAcrossReplace++;
    res.batches++;
    Atomics.store(ctrl, wordOf(w, F_BATCHES), res.batches);
    // Between batches this reader holds nothing it read without a lock.
    qsbrQuiescentState(t.qsbr);
    if ((res.batches & 15) === 0) processDelayed(t.qsbr);
    if ((res.batches & 63) === 0) {
      ctx.setCounter(1, res.batches);
      ctx.progress(res.batches);
    }
  }
  ctx.progress(res.batches);
  // Answer a handshake the writer may still be waiting for.
  holdForHandshake();
  lockFreeProbe();
  if (!aggressive) {
    // The writer is done: every key of the last round is there with its value.
    ctx.setCounter(0, 3);
    for (let i = 0; i < perRound; i++) {
      for (const d of [a, b]) {
        const v = dictGetItemRef(t, d, d === a ? keysA[i]! : keysB[i]!);
        res.finalChecked++;
        if (v === 0 || valueStatus(t, v, VALUE_BASE + i) !== 0) {
          res.finalBad++;
          note(res.problems, `final check: key ${i} of ${d === a ? 'A' : 'B'} gave ${v === 0 ? 'nothing' : describeValue(t, v)}`);
        }
        if (v !== 0) decref(t.rc, v);
      }
    }
  }
  for (const k of keysA) decref(t.rc, k);
  for (const k of keysB) decref(t.rc, k);
  qsbrQuiescentState(t.qsbr);
  processDelayed(t.qsbr);
  Atomics.add(ctrl, C_READERS_DONE, 1);
  Atomics.notify(ctrl, C_READERS_DONE);
  return res;
}

// --- scenario 2: racing setdefault and pop -------------------------------------------------

function roundKey(t: ObThread, round: number, i: number): number {
  return (i & 1) === 0 ? check(t, strFromJs(t, `r${round}-k${i}`)) : check(t, intFromNumber(t, KEY_BASE + round * 10_000 + i));
}

function roundKeyRepr(round: number, i: number): string {
  return (i & 1) === 0 ? `'r${round}-k${i}'` : String(KEY_BASE + round * 10_000 + i);
}

function setDefaultRacer(ctx: Ctx, r: Runtime): SetDefaultResult {
  const { ctrl, keys: k, resultsBase, popsBase, waitMs } = ctx.params;
  const t = r.t;
  const w = ctx.index;
  const workers = ctx.workers;
  const res: SetDefaultResult = {
    role: 'racer',
    rounds: 0,
    setdefaults: 0,
    wins: 0,
    badResults: 0,
    disagreements: 0,
    lookupMismatches: 0,
    refcountBad: 0,
    pops: 0,
    keyErrors: 0,
    badPops: 0,
    badErrors: 0,
    popCountBad: 0,
    sizeBad: 0,
    finalRefcountBad: 0,
    merged: 0,
    problems: [],
  };
  let generation = 0;
  const barrier = (what: string): void => {
    generation++;
    ctx.setCounter(0, 2);
    Atomics.add(ctrl, C_BARRIER, 1);
    Atomics.notify(ctrl, C_BARRIER);
    if (!waitFor(ctx, C_BARRIER, generation * workers, Date.now() + waitMs, false)) throw new Error(`barrier '${what}' (${generation}) not reached in ${waitMs} ms`);
    ctx.setCounter(0, 1);
  };

  if (w === 0) store(ctrl, C_DICT_A, check(t, dictNew(t)));
  else if (!waitFor(ctx, C_DICT_A, 1, Date.now() + waitMs)) throw new Error('worker 0 did not publish the dict');
  const d = Atomics.load(ctrl, C_DICT_A);
  const order = Array.from({ length: k }, (_, i) => i);
  const keys: number[] = new Array(k);
  const values: number[] = new Array(k);
  const got: number[] = new Array(k);

  for (let round = 0; ; round++) {
    if (w === 0) Atomics.store(ctrl, C_CONTINUE, ctx.shouldStop(round) ? -1 : round + 1);
    barrier('round start');
    if (Atomics.load(ctrl, C_CONTINUE) !== round + 1) break;
    ctx.setCounter(1, round);
    for (let i = 0; i < k; i++) {
      keys[i] = roundKey(t, round, i);
      values[i] = check(t, intFromNumber(t, VALUE_BASE + w * k + i));
    }
    // Half the rounds in one shared random order (the same keys at the same time), half ascending.
    if ((round & 1) === 1) {
      for (let i = k - 1; i > 0; i--) {
        const j = (Math.imul(round + 1, 2654435761) ^ Math.imul(i, 40503)) >>> 0;
        const x = j % (i + 1);
        [order[i], order[x]] = [order[x]!, order[i]!];
      }
    } else {
      for (let i = 0; i < k; i++) order[i] = i;
    }
    barrier('keys made');

    // setdefault: one winner per key.
    for (const i of order) {
      const v = dictSetDefaultRef(t, d, keys[i]!, values[i]!);
      res.setdefaults++;
      if (v === 0) {
        res.badResults++;
        note(res.problems, `round ${round} key ${i}: setdefault failed: ${formatError(t, errFetch(t)!)}`);
        got[i] = 0;
        continue;
      }
      got[i] = v;
      Atomics.store(ctrl, resultsBase + w * k + i, v);
      const n = intCheckExact(t, v) ? intAsNumber(t, v) - VALUE_BASE : -1;
      if (n < 0 || n % k !== i || Math.floor(n / k) >= workers) {
        res.badResults++;
        note(res.problems, `round ${round} key ${i}: setdefault gave ${describeValue(t, v)}`);
      }
      if (v === values[i]) res.wins++;
    }
    barrier('setdefaults done');
    // Everyone holds its results: exact counts of this worker's objects.
    for (let i = 0; i < k; i++) {
      const won = got[i] === values[i];
      const vc = getRefcount(t.rc, values[i]!);
      const kc = getRefcount(t.rc, keys[i]!);
      if (vc !== (won ? 2 + workers : 1) || kc !== (won ? 2 : 1)) {
        res.refcountBad++;
        note(res.problems, `round ${round} key ${i} (${won ? 'won' : 'lost'}): value refcount ${vc}, key refcount ${kc}`);
      }
    }
    barrier('refcounts read');
    for (let i = 0; i < k; i++) {
      for (let o = 0; o < workers; o++) {
        if (Atomics.load(ctrl, resultsBase + o * k + i) !== got[i]) {
          res.disagreements++;
          note(res.problems, `round ${round} key ${i}: worker ${o} got 0x${Atomics.load(ctrl, resultsBase + o * k + i).toString(16)}, this one 0x${got[i]!.toString(16)}`);
        }
      }
      const v = dictGetItemRef(t, d, keys[i]!);
      if (v !== got[i]) {
        res.lookupMismatches++;
        note(res.problems, `round ${round} key ${i}: d[key] is 0x${v.toString(16)}, setdefault gave 0x${got[i]!.toString(16)}`);
      }
      if (v !== 0) decref(t.rc, v);
    }
    for (let i = 0; i < k; i++) if (got[i] !== 0) decref(t.rc, got[i]!);
    if (w === 0) for (let i = 0; i < k; i++) Atomics.store(ctrl, popsBase + i, 0);
    barrier('results released');

    // pop: one popper per key.
    for (const i of order) {
      const v = dictPop(t, d, keys[i]!);
      if (v !== 0) {
        res.pops++;
        Atomics.add(ctrl, popsBase + i, 1);
        if (v !== got[i]) {
          res.badPops++;
          note(res.problems, `round ${round} key ${i}: pop gave ${describeValue(t, v)}, the winner was 0x${got[i]!.toString(16)}`);
        }
        decref(t.rc, v);
        continue;
      }
      const e = errFetch(t);
      const message = e === null ? 'no exception' : formatError(t, e);
      // The KeyError object holds the key (`KeyError(key)`): released with it.
      if (e !== null && e.value !== 0) decref(t.rc, e.value);
      if (message === `KeyError: ${roundKeyRepr(round, i)}`) {
        res.keyErrors++;
      } else {
        res.badErrors++;
        note(res.problems, `round ${round} key ${i}: pop raised ${message}`);
      }
    }
    barrier('pops done');
    // A non-owner's last decref of an object with no shared count queues it for its owner.
    res.merged += processMergeQueue(t.rc);
    barrier('queues merged');
    if (w === 0) {
      for (let i = 0; i < k; i++) {
        const pops = Atomics.load(ctrl, popsBase + i);
        if (pops !== 1) {
          res.popCountBad++;
          note(res.problems, `round ${round} key ${i} popped ${pops} times`);
        }
      }
      if (dictSize(t, d) !== 0) {
        res.sizeBad++;
        note(res.problems, `round ${round}: len ${dictSize(t, d)} after every key was popped`);
      }
    }
    for (let i = 0; i < k; i++) {
      const vc = getRefcount(t.rc, values[i]!);
      const kc = getRefcount(t.rc, keys[i]!);
      if (vc !== 1 || kc !== 1) {
        res.finalRefcountBad++;
        note(res.problems, `round ${round} key ${i}: after the pops value refcount ${vc}, key refcount ${kc}`);
      }
      decref(t.rc, values[i]!);
      decref(t.rc, keys[i]!);
    }
    res.rounds++;
    ctx.progress(res.rounds);
    qsbrQuiescentState(t.qsbr);
  }
  barrier('leaving');
  if (w === 0) decref(t.rc, d);
  return res;
}

// --- scenario 3: iteration vs mutation -------------------------------------------------------

function serialKey(t: ObThread, s: number): number {
  return (s & 1) === 0 ? check(t, strFromJs(t, `i${s}`)) : check(t, intFromNumber(t, KEY_BASE + s));
}

/** The serial of a key yielded by an iterator, or -1 when it is not one of ours. */
function keySerial(t: ObThread, key: number): number {
  if (strCheckExact(t, key)) {
    const text = strToJs(t, key);
    if (!/^i\d+$/.test(text)) return -1;
    const s = Number(text.slice(1));
    return (s & 1) === 0 ? s : -1;
  }
  if (intCheckExact(t, key)) {
    const s = intAsNumber(t, key) - KEY_BASE;
    return s >= 0 && (s & 1) === 1 ? s : -1;
  }
  return -1;
}

function valueSerial(t: ObThread, v: number): number {
  if (!intCheckExact(t, v)) return -1;
  const s = intAsNumber(t, v) - VALUE_BASE;
  return s >= 0 ? s : -1;
}

function iterateMutator(ctx: Ctx, r: Runtime): IterateMutatorResult {
  const { ctrl, keys: step, base, waitMs } = ctx.params;
  const t = r.t;
  const iterators = ctx.workers - 1;
  const res: IterateMutatorResult = { role: 'mutator', phases: 0, inserts: 0, deletes: 0, forced: 0, forcedMissed: 0, quietRounds: 0, quietMissed: 0, problems: [] };
  const d = check(t, dictNew(t));
  const live: number[] = [];
  let next = 0;
  const insert = (): void => {
    const s = next++;
    Atomics.store(ctrl, C_NEXT_SERIAL, next);
    const key = serialKey(t, s);
    const value = check(t, intFromNumber(t, VALUE_BASE + s));
    check(t, dictSetItem(t, d, key, value));
    decref(t.rc, key);
    decref(t.rc, value);
    live.push(s);
    res.inserts++;
  };
  const removeOldest = (): void => {
    const s = live.shift()!;
    const key = serialKey(t, s);
    check(t, dictDelItem(t, d, key));
    decref(t.rc, key);
    res.deletes++;
  };
  for (let i = 0; i < base; i++) insert();
  store(ctrl, C_QUIET, 0);
  store(ctrl, C_DICT_A, d);
  const forceSeq = new Array<number>(ctx.workers).fill(0);

  for (let phase = 0; !ctx.shouldStop(phase); phase++) {
    ctx.setCounter(1, phase);
    // Busy: grow, then shrink back (oldest first); each iterator once stopped mid-pass while a key goes in.
    for (let i = 0; i < step; i++) {
      insert();
      if (i === step >> 1) {
        for (let w = 1; w <= iterators && !ctx.stopRequested(); w++) {
          const seq = ++forceSeq[w]!;
          ctx.setCounter(0, 2);
          store(ctrl, wordOf(w, F_FORCE), seq);
          const mid = waitFor(ctx, wordOf(w, F_MID), seq, Date.now() + waitMs);
          if (!mid && !ctx.stopRequested()) {
            res.forcedMissed++;
            note(res.problems, `phase ${phase}: iterator ${w} did not stop mid-pass`);
          }
          insert();
          if (mid) res.forced++;
          store(ctrl, wordOf(w, F_MUTATED), seq);
          if (!waitFor(ctx, wordOf(w, F_STEPPED), seq, Date.now() + waitMs) && !ctx.stopRequested()) note(res.problems, `phase ${phase}: iterator ${w} did not take its step`);
          ctx.setCounter(0, 1);
        }
      }
    }
    while (live.length > base) removeOldest();
    // Quiet: every iterator completes a pass with nobody mutating.
    const quiet = 2 * phase + 1;
    store(ctrl, C_QUIET, quiet);
    ctx.setCounter(0, 2);
    for (let w = 1; w <= iterators; w++) {
      if (!waitFor(ctx, wordOf(w, F_QUIET_ACK), quiet, Date.now() + waitMs) && !ctx.stopRequested()) {
        res.quietMissed++;
        note(res.problems, `phase ${phase}: iterator ${w} did not complete a quiet pass`);
      }
    }
    res.quietRounds++;
    store(ctrl, C_QUIET, quiet + 1);
    ctx.setCounter(0, 1);
    res.phases = phase + 1;
    ctx.progress(res.phases);
    qsbrQuiescentState(t.qsbr);
    processDelayed(t.qsbr);
  }
  store(ctrl, C_WRITER_DONE, 1);
  ctx.setCounter(0, 4);
  if (!waitFor(ctx, C_READERS_DONE, iterators, Date.now() + waitMs, false)) throw new Error('the iterators did not finish');
  while (live.length > 0) removeOldest();
  decref(t.rc, d);
  return res;
}

function iterateIterator(ctx: Ctx, r: Runtime): IterateIteratorResult {
  const { ctrl, waitMs } = ctx.params;
  const t = r.t;
  const w = ctx.index;
  const rng = ctx.rng;
  const res: IterateIteratorResult = {
    role: 'iterator',
    passes: 0,
    completed: 0,
    raisedSize: 0,
    raisedKeys: 0,
    badErrors: 0,
    notSticky: 0,
    items: 0,
    wrongObjects: 0,
    duplicates: 0,
    forcedRaised: 0,
    forcedBad: 0,
    quietPasses: 0,
    quietBad: 0,
    problems: [],
  };
  if (!waitFor(ctx, C_DICT_A, 1, Date.now() + waitMs)) throw new Error('the mutator did not publish its dict');
  const d = Atomics.load(ctrl, C_DICT_A);
  const seen = new Set<number>();
  let forcedDone = 0;
  let quietAcked = 0;

  /** Checks one yielded object; returns its serial or -1. */
  const examine = (which: 0 | 1 | 2, x: number): number => {
    res.items++;
    let s: number;
    if (which === 0) s = keySerial(t, x);
    else if (which === 1) s = valueSerial(t, x);
    else if (!tupleCheckExact(t, x) || tupleSize(t, x) !== 2) s = -1;
    else {
      s = keySerial(t, tupleGetItem(t, x, 0));
      if (s !== valueSerial(t, tupleGetItem(t, x, 1))) s = -1;
    }
    if (s < 0 || s >= Atomics.load(ctrl, C_NEXT_SERIAL)) {
      res.wrongObjects++;
      note(res.problems, `iterator ${['keys', 'values', 'items'][which]} yielded 0x${x.toString(16)} (type 0x${t.u32[(x + OB_TYPE_OFFSET) >>> 2]!.toString(16)}), serial ${s}`);
      return -1;
    }
    return s;
  };

  /** A forced pass: stop after the first item, let the mutator insert, the next step must raise. */
  const forcedPass = (seq: number): void => {
    const it = check(t, dictIter(t, d, 0));
    const first = dictIterNext(t, it);
    if (first === 0) {
      res.forcedBad++;
      note(res.problems, `forced pass ${seq}: no first item (${t.error.type !== 0 ? formatError(t, errFetch(t)!) : 'exhausted'})`);
    } else {
      examine(0, first);
      decref(t.rc, first);
    }
    store(ctrl, wordOf(w, F_MID), seq);
    if (!waitFor(ctx, wordOf(w, F_MUTATED), seq, Date.now() + waitMs)) {
      decref(t.rc, it);
      if (ctx.stopRequested()) return;
      throw new Error(`forced pass ${seq}: the mutator did not insert`);
    }
    const x = dictIterNext(t, it);
    const e = x === 0 ? errFetch(t) : null;
    const message = e === null ? null : formatError(t, e);
    if (message === SUCCESS_SIZE_ERROR) res.forcedRaised++;
    else {
      res.forcedBad++;
      note(res.problems, `forced pass ${seq}: after an insertion the next step gave ${x !== 0 ? 'an item' : (message ?? 'the end')}`);
    }
    if (x !== 0) decref(t.rc, x);
    store(ctrl, wordOf(w, F_STEPPED), seq);
    decref(t.rc, it);
  };

  ctx.setCounter(0, 1);
  while (Atomics.load(ctrl, C_WRITER_DONE) === 0) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    const force = Atomics.load(ctrl, wordOf(w, F_FORCE));
    if (force > forcedDone) {
      forcedDone = force;
      ctx.setCounter(0, 2);
      forcedPass(force);
      ctx.setCounter(0, 1);
      continue;
    }
    const quiet = Atomics.load(ctrl, C_QUIET);
    const which = rng.nextInt(3) as 0 | 1 | 2;
    const it = check(t, dictIter(t, d, which));
    res.passes++;
    seen.clear();
    let yielded = 0;
    let failed: string | null = null;
    for (;;) {
      const x = dictIterNext(t, it);
      if (x === 0) {
        if (t.error.type !== 0) failed = formatError(t, errFetch(t)!);
        break;
      }
      yielded++;
      const s = examine(which, x);
      decref(t.rc, x);
      // Keys and values are both unique per serial.
      if (s >= 0) {
        if (seen.has(s)) {
          res.duplicates++;
          note(res.problems, `pass ${res.passes}: key ${s} yielded twice`);
        }
        seen.add(s);
      }
    }
    if (failed === null) {
      res.completed++;
      if ((quiet & 1) === 1 && quiet > quietAcked && Atomics.load(ctrl, C_QUIET) === quiet) {
        // Nobody mutated during this pass: it saw exactly the dict.
        res.quietPasses++;
        if (yielded !== dictSize(t, d)) {
          res.quietBad++;
          note(res.problems, `quiet pass: ${yielded} items, len ${dictSize(t, d)}`);
        }
        quietAcked = quiet;
        store(ctrl, wordOf(w, F_QUIET_ACK), quiet);
      }
    } else {
      if (failed === SUCCESS_SIZE_ERROR) res.raisedSize++;
      else if (failed === KEYS_CHANGED_ERROR) res.raisedKeys++;
      else {
        res.badErrors++;
        note(res.problems, `pass ${res.passes} raised ${failed}`);
      }
      // The error stays: the next call raises it again (or, after the keys error, ends).
      const again = dictIterNext(t, it);
      const e = again === 0 ? errFetch(t) : null;
      const message = e === null ? null : formatError(t, e);
      if (failed === SUCCESS_SIZE_ERROR && message !== SUCCESS_SIZE_ERROR) {
        res.notSticky++;
        note(res.problems, `after the size error the next call gave ${again !== 0 ? 'an item' : (message ?? 'the end')}`);
      }
      if (again !== 0) decref(t.rc, again);
    }
    decref(t.rc, it);
    qsbrQuiescentState(t.qsbr);
    if ((res.passes & 63) === 0) {
      ctx.setCounter(1, res.passes);
      ctx.progress(res.passes);
      processDelayed(t.qsbr);
    }
  }
  ctx.progress(res.passes);
  Atomics.add(ctrl, C_READERS_DONE, 1);
  Atomics.notify(ctrl, C_READERS_DONE);
  return res;
}

// --- scenario 4: popitem's reused entry ------------------------------------------------------

/** Busy-waits `ms` (the writer must stay runnable: readers are preempted when the cores are oversubscribed). */
function spin(ms: number): void {
  const start = performance.now();
  while (performance.now() - start < ms) {
    // spin
  }
}

function popitemWriter(ctx: Ctx, r: Runtime): PopItemWriterResult {
  const { ctrl, keys: prefill, waitMs } = ctx.params;
  const t = r.t;
  const res: PopItemWriterResult = { role: 'writer', cycles: 0, sameTable: 0, entriesReused: 0, badPops: 0, elapsedMs: 0, problems: [] };
  const flagged = (op: number): number => {
    setMaybeWeakref(t.rc, op);
    return op;
  };
  const d = check(t, dictNew(t));
  for (let i = 0; i < prefill; i++) {
    const k = check(t, strFromJs(t, `p${i}`));
    const v = check(t, intFromNumber(t, VALUE_BASE + 10 + i));
    check(t, dictSetItem(t, d, k, v));
    decref(t.rc, k);
    decref(t.rc, v);
  }
  const kK = flagged(check(t, strFromJs(t, 'K')));
  const kJ = flagged(check(t, strFromJs(t, 'J')));
  const put = (key: number, n: number): void => {
    const v = flagged(check(t, intFromNumber(t, n)));
    check(t, dictSetItem(t, d, key, v));
    decref(t.rc, v);
  };
  const pop = (key: number, n: number): void => {
    const pair = check(t, dictPopItem(t, d));
    const pv = tupleGetItem(t, pair, 1);
    if (tupleGetItem(t, pair, 0) !== key || valueStatus(t, pv, n) !== 0) {
      res.badPops++;
      note(res.problems, `popitem gave key 0x${tupleGetItem(t, pair, 0).toString(16)}, value ${describeValue(t, pv)}`);
    }
    decref(t.rc, pair);
  };
  put(kK, VALUE_K);
  store(ctrl, C_SHARED_KEY, kK);
  store(ctrl, C_DICT_A, d);
  const start = Date.now();
  const end = start + ctx.opsBudget * 100;
  ctx.setCounter(0, 1);
  while (Date.now() < end && Atomics.load(ctrl, C_FOUND) === 0 && !ctx.stopRequested()) {
    const table = keysOf(t, d);
    // SAFETY: this worker is the dict's only writer; dk_nentries changes only under its own calls.
    const entries = t.i32[(table + DK_NENTRIES_OFFSET) >>> 2]!;
    pop(kK, VALUE_K);
    if (keysOf(t, d) === table && t.i32[(table + DK_NENTRIES_OFFSET) >>> 2]! < entries) res.entriesReused++;
    put(kJ, VALUE_J); // into K's entry when popitem moved dk_nentries back
    spin(0.02);
    pop(kJ, VALUE_J);
    put(kK, VALUE_K);
    spin(0.02);
    if (keysOf(t, d) === table) res.sameTable++;
    res.cycles++;
    if ((res.cycles & 63) === 0) {
      qsbrQuiescentState(t.qsbr);
      processDelayed(t.qsbr);
      ctx.setCounter(1, res.cycles);
      ctx.progress(res.cycles);
    }
  }
  res.elapsedMs = Date.now() - start;
  store(ctrl, C_WRITER_DONE, 1);
  ctx.setCounter(0, 4);
  if (!waitFor(ctx, C_READERS_DONE, ctx.workers - 1, Date.now() + waitMs, false)) throw new Error('the readers did not finish');
  decref(t.rc, kK);
  decref(t.rc, kJ);
  decref(t.rc, d);
  return res;
}

function popitemReader(ctx: Ctx, r: Runtime): PopItemReaderResult {
  const { ctrl, waitMs } = ctx.params;
  const t = r.t;
  const res: PopItemReaderResult = { role: 'reader', lookups: 0, hits: 0, wrong: 0, problems: [] };
  if (!waitFor(ctx, C_DICT_A, 1, Date.now() + waitMs)) throw new Error('the writer did not publish its dict');
  const d = Atomics.load(ctrl, C_DICT_A);
  // Reader 1 uses the writer's own key object (borrowed: the writer keeps it until every reader is done).
  const identical = ctx.index === 1;
  const key = identical ? Atomics.load(ctrl, C_SHARED_KEY) : check(t, strFromJs(t, 'K'));
  ctx.setCounter(0, 1);
  while (Atomics.load(ctrl, C_WRITER_DONE) === 0) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    for (let n = 0; n < 1000; n++) {
      const v = dictGetItemRef(t, d, key);
      res.lookups++;
      if (v === 0) continue;
      res.hits++;
      if (valueStatus(t, v, VALUE_K) !== 0) {
        res.wrong++;
        note(res.problems, `reader ${ctx.index}${identical ? ' (identical key)' : ''}: 'K' gave ${describeValue(t, v)}`);
        store(ctrl, C_FOUND, 1);
      }
      decref(t.rc, v);
    }
    qsbrQuiescentState(t.qsbr);
    ctx.progress(res.lookups);
  }
  if (!identical) decref(t.rc, key);
  Atomics.add(ctrl, C_READERS_DONE, 1);
  Atomics.notify(ctrl, C_READERS_DONE);
  return res;
}

// --- entry ------------------------------------------------------------------------------------

runStressWorker<DictStressParams>((ctx) => {
  const r = joinRuntime(ctx.params.runtime);
  try {
    const { kind } = ctx.params;
    if (kind === 'resize') return ctx.role === 'writer' ? resizeWriter(ctx, r) : resizeReader(ctx, r);
    if (kind === 'setdefault') return setDefaultRacer(ctx, r);
    if (kind === 'popitem') return ctx.role === 'writer' ? popitemWriter(ctx, r) : popitemReader(ctx, r);
    return ctx.role === 'mutator' ? iterateMutator(ctx, r) : iterateIterator(ctx, r);
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    Atomics.notify(ctx.params.ctrl, C_ABORT);
    throw error;
  } finally {
    ctx.setCounter(0, 5);
    r.close();
  }
});
