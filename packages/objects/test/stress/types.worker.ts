/**
 * A worker of the type-machinery stress scenarios (types.scenario.ts
 * describes the runs, the roles, the handshakes and the checks). Hang dumps
 * show user counter 0: the phase (1 running, 2 in a handshake or barrier,
 * 4 waiting for the others, 5 leaving), counter 1: the write, round or
 * batch count, and counter 2: scenario 2's read in progress (1 tag, 2 own:
 * the member slot, 3 extra: the instance dict) or scenario 3's step (1
 * typeNew, 2 the instance, 3 its checks, 10 + j the store into instance j,
 * 5 the own instance's checks, 6 and 7 dropping it and the class).
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { qsbrQuiescentState } from '@ft/qsbr';
import { decref, getRefcount, OB_TYPE_OFFSET } from '@ft/refcount';
import { methodCacheSeams } from '../../src/method-cache.js';
import {
  dictSize,
  intAsNumber,
  intCheckExact,
  intFromNumber,
  objectGetAttr,
  objectSetAttr,
  objectSetClass,
  StaticType,
  tupleGetItem,
  tupleSize,
  typeGenericAlloc,
  typeIsSubtype,
  typeLookupRef,
  typeMro,
  typeVersionTag,
} from '../../src/index.js';
import { MC_NAME_OFFSET, MC_SEQUENCE_OFFSET, MC_VALUE_OFFSET, MC_VERSION_OFFSET, TP_DICTOFFSET_OFFSET } from '../../src/layout.js';
import { check, joinRuntime, type Runtime } from '../runtime.js';
import {
  ATTR_BASE,
  attrNameWord,
  C_ABORT,
  C_BARRIER,
  C_BASE,
  C_BASE_ATTR_VALUE,
  C_DONE,
  C_ENTRY_PQ,
  C_FINISHED,
  C_FOUND,
  C_OVERLAPS,
  C_TORN,
  C_NAME,
  C_NAME_BASE_ATTR,
  C_NAME_EXTRA,
  C_NAME_KV,
  C_NAME_OWN,
  C_NAME_TAG,
  C_OBJECTS,
  C_P,
  C_P2,
  C_PUBLISHED,
  C_PV,
  C_Q,
  C_Q2,
  C_QUIET,
  C_QV,
  C_TAG_P,
  C_TAG_Q,
  C_TRIPLES,
  C_VP,
  C_VQ,
  cacheEntryOf,
  CONTROL_FOUND,
  MIN_OVERLAPS,
  MIN_TORN,
  PROBE_CAP_MS,
  ROUND_CAP,
  DECOY_BASE,
  F_EMPTY_SEEN,
  F_GO,
  F_INSTANCE,
  F_PAUSED,
  F_TURN_DONE,
  gridWord,
  KV_BASE,
  makeClass,
  objectWord,
  PER_TRIPLE,
  QUIET_EVERY,
  sharedInt,
  tripleWord,
  VALUE_BASE,
  wordOf,
  type CacheReaderResult,
  type CreatorResult,
  type RewriterResult,
  type SetterResult,
  type SwapperResult,
  type SwapReaderResult,
  type TypesStressParams,
} from './types.scenario.js';
import { describe, MAX_SANE_REFCOUNT, note, POISON_WORD, spinMicros, takeError } from './type-notes.js';

type Ctx = StressWorkerContext<TypesStressParams>;

/** Samples of entry E per sequence read. */
const PROBE_SAMPLES = 32;
/** Barrier spins before sleeping (a few microseconds each). */
const BARRIER_SPINS = 20_000;

/**
 * Waits until `ctrl[index] >= value`; false past `deadline`. Throws when
 * another worker failed. Handshakes and barriers do not give up when the
 * runner asks to stop (timed mode): every party finishes the one it is in,
 * and the loops stop between them.
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

function store(ctrl: Int32Array, index: number, value: number): void {
  Atomics.store(ctrl, index, value);
  Atomics.notify(ctrl, index);
}

/** Where `delay` leaves its work, so that the loop is not optimized away. */
let sink = 0;

/** A pause of a few nanoseconds per step. */
function delay(steps: number): void {
  let s = sink;
  for (let j = 0; j < steps; j++) s = (s + j * 7) | 0;
  sink = s;
}

// --- scenario 1: the method cache ---------------------------------------------------------------------

function readers1(ctx: Ctx): number[] {
  return Array.from({ length: ctx.workers - 2 }, (_, i) => i + 2);
}

function setter(ctx: Ctx, r: Runtime): SetterResult {
  const { ctrl, waitMs } = ctx.params;
  const t = r.t;
  const W = ctx.workers;
  const res: SetterResult = { role: 'setter', writes: 0, windows: 0, triplesUsed: 1, problems: [] };
  const name = Atomics.load(ctrl, C_NAME);
  const triples = Atomics.load(ctrl, C_TRIPLES);
  const readers = readers1(ctx);
  const rng = ctx.rng;
  const decoys: number[] = [];
  ctx.setCounter(0, 1);
  for (let k = 1; !ctx.shouldStop(k) && Math.floor(k / PER_TRIPLE) < triples; k++) {
    const quiet = k % QUIET_EVERY === 0;
    const window = res.windows + 1;
    if (quiet) {
      // Every reader paused (between two lookups) before the write.
      ctx.setCounter(0, 2);
      store(ctrl, C_QUIET, window);
      for (const w of readers) if (!waitFor(ctx, wordOf(w, F_PAUSED), window, Date.now() + waitMs)) throw new Error(`quiet window ${window}: reader ${w} did not pause`);
    }
    const tri = Math.floor(k / PER_TRIPLE);
    if (tri + 1 > res.triplesUsed) res.triplesUsed = tri + 1;
    const A = Atomics.load(ctrl, tripleWord(W, tri, 0));
    const v = sharedInt(t, VALUE_BASE + k);
    check(t, objectSetAttr(t, A, name, v));
    decref(t.rc, v); // A's dict holds the only reference: the next store frees it
    Atomics.store(ctrl, C_PUBLISHED, k);
    res.writes++;
    if (quiet) {
      // One reader at a time: the first finds C's version 0, each then hits.
      for (const w of readers) {
        store(ctrl, wordOf(w, F_GO), window);
        if (!waitFor(ctx, wordOf(w, F_TURN_DONE), window, Date.now() + waitMs)) throw new Error(`quiet window ${window}: reader ${w} did not take its turn`);
      }
      res.windows = window;
      ctx.setCounter(0, 1);
    }
    // A decoy in the block a freed v_k left, now and then: a reader served a reused block sees no v_k.
    decoys.push(check(t, intFromNumber(t, DECOY_BASE + k)));
    if (decoys.length > 4) decref(t.rc, decoys.shift()!);
    spinMicros(rng.nextInt(40));
    if ((k & 63) === 0) {
      ctx.setCounter(1, k);
      ctx.progress(k);
      qsbrQuiescentState(t.qsbr);
    }
  }
  for (const d of decoys) decref(t.rc, d);
  // The rewriter and the probes go on until the probes have read enough torn entries (the control: the
  // version-first signature): coverage that does not depend on how often the two ran at once.
  ctx.setCounter(0, 4);
  const [word, enough] = ctx.params.control === 'version-first' ? [C_FOUND, CONTROL_FOUND] : [C_TORN, MIN_TORN];
  const deadline = Date.now() + PROBE_CAP_MS;
  while (Atomics.load(ctrl, word) < enough && Date.now() < deadline && !ctx.stopRequested()) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    Atomics.wait(ctrl, word, Atomics.load(ctrl, word), 10);
  }
  store(ctrl, C_DONE, 1);
  return res;
}

function rewriter(ctx: Ctx, r: Runtime): RewriterResult {
  const { ctrl } = ctx.params;
  const t = r.t;
  const res: RewriterResult = { role: 'rewriter', lookups: 0, rewrites: 0, wrong: 0, problems: [] };
  const name = Atomics.load(ctrl, C_NAME);
  const P = Atomics.load(ctrl, C_P);
  const Q = Atomics.load(ctrl, C_Q);
  const p = Atomics.load(ctrl, C_PV);
  const q = Atomics.load(ctrl, C_QV);
  const seqIndex = (Atomics.load(ctrl, C_ENTRY_PQ) + MC_SEQUENCE_OFFSET) >>> 2;
  const start = Atomics.load(t.u32, seqIndex);
  ctx.setCounter(0, 1);
  // Until the setter is done (it is the one that honours a stop request).
  while (Atomics.load(ctrl, C_DONE) === 0) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    for (let n = 0; n < 256; n++) {
      // Each lookup misses (the entry holds the other class's version) and rewrites the entry.
      const a = typeLookupRef(t, P, name);
      const b = typeLookupRef(t, Q, name);
      if (a !== p || b !== q) {
        res.wrong++;
        note(res.problems, `rewriter: P.x gave 0x${a.toString(16)}, Q.x 0x${b.toString(16)} (p 0x${p.toString(16)}, q 0x${q.toString(16)})`);
      }
      if (a !== 0) decref(t.rc, a);
      if (b !== 0) decref(t.rc, b);
    }
    res.lookups += 512;
    ctx.progress(res.lookups);
    qsbrQuiescentState(t.qsbr);
  }
  res.rewrites = ((Atomics.load(t.u32, seqIndex) - start) >>> 0) >>> 1;
  return res;
}

function cacheReader(ctx: Ctx, r: Runtime): CacheReaderResult {
  const { ctrl, waitMs } = ctx.params;
  const t = r.t;
  const u32 = t.u32;
  const W = ctx.workers;
  const w = ctx.index;
  const rng = ctx.rng;
  const res: CacheReaderResult = {
    role: 'reader',
    lookups: 0,
    viaGetAttr: 0,
    stale: 0,
    garbage: 0,
    errors: 0,
    missesSeen: 0,
    versionChanges: 0,
    invalidatedDuring: 0,
    hitsSeen: 0,
    quietTurns: 0,
    quietFirstMiss: 0,
    quietFirstNotMiss: 0,
    quietHits: 0,
    quietNoHit: 0,
    quietCollided: 0,
    quietWrong: 0,
    pqLookups: 0,
    pqWrong: 0,
    probes: 0,
    probeMatched: 0,
    probeTorn: 0,
    probeOldVersion: 0,
    probeStaleAfterMatch: 0,
    probeAmbiguous: 0,
    problems: [],
  };
  const name = Atomics.load(ctrl, C_NAME);
  const P = Atomics.load(ctrl, C_P);
  const Q = Atomics.load(ctrl, C_Q);
  const p = Atomics.load(ctrl, C_PV);
  const q = Atomics.load(ctrl, C_QV);
  const vP = Atomics.load(ctrl, C_VP) >>> 0;
  const vQ = Atomics.load(ctrl, C_VQ) >>> 0;
  const entryPQ = Atomics.load(ctrl, C_ENTRY_PQ);
  const triples = Atomics.load(ctrl, C_TRIPLES);
  const intType = t.types[StaticType.Int]!;
  const first = readers1(ctx)[0] === w;
  const lastVersion = new Array<number>(triples).fill(-1);
  let quietSeen = 0;

  /**
   * One lookup of x on triple `tri`'s C (or its instance): checks the value
   * against k0 (published before the lookup began) and counts what the
   * lookup met. Returns the k found (-1: none) and whether the entry served it.
   */
  let lastHit = false;
  const lookup = (k0: number, tri: number, viaGetAttr: boolean): number => {
    const C = Atomics.load(ctrl, tripleWord(W, tri, 2));
    const version = typeVersionTag(t, C);
    let entry = 0;
    let seqBefore = 1;
    let matched = false;
    if (version !== 0) {
      entry = cacheEntryOf(t, version, name);
      seqBefore = Atomics.load(u32, (entry + MC_SEQUENCE_OFFSET) >>> 2);
      matched = Atomics.load(u32, (entry + MC_VERSION_OFFSET) >>> 2) === version && Atomics.load(u32, (entry + MC_NAME_OFFSET) >>> 2) === name;
    }
    const v = viaGetAttr ? objectGetAttr(t, Atomics.load(ctrl, tripleWord(W, tri, 3)), name) : typeLookupRef(t, C, name);
    res.lookups++;
    if (viaGetAttr) res.viaGetAttr++;
    // Served by the entry: it held (version, name) with no write across the lookup, and C kept its version.
    const versionAfter = typeVersionTag(t, C);
    lastHit = matched && (seqBefore & 1) === 0 && Atomics.load(u32, (entry + MC_SEQUENCE_OFFSET) >>> 2) === seqBefore && versionAfter === version;
    if (versionAfter !== version) res.invalidatedDuring++;
    if (version === 0) res.missesSeen++;
    else if (lastHit) res.hitsSeen++;
    if (lastVersion[tri] !== -1 && lastVersion[tri] !== version) res.versionChanges++;
    lastVersion[tri] = version;
    if (v === 0) {
      res.errors++;
      note(res.problems, `reader ${w}: ${viaGetAttr ? 'getattr(c, x)' : 'lookup of C.x'} on triple ${tri} failed: ${takeError(t)}`);
      return -1;
    }
    const published = Atomics.load(ctrl, C_PUBLISHED);
    // SAFETY: the type word of a value this thread holds a reference to never changes (a freed one reads 0xDD).
    const type = u32[(v + OB_TYPE_OFFSET) >>> 2]!;
    const refcount = type === POISON_WORD ? 0 : getRefcount(t.rc, v);
    const k = type === intType ? intAsNumber(t, v) - VALUE_BASE : -1;
    if (type !== intType || refcount < 1 || refcount > MAX_SANE_REFCOUNT || k < 0 || Math.floor(k / PER_TRIPLE) !== tri || k > published + 1) {
      res.garbage++;
      note(res.problems, `reader ${w}: x on triple ${tri} gave ${describe(t, v)} (published ${k0} before, ${published} after)`);
      if (type === POISON_WORD) return -1; // never touch a freed object's count
    } else if (k < k0) {
      res.stale++;
      note(res.problems, `reader ${w}: x on triple ${tri} gave v_${k}, older than v_${k0} published before the lookup began${lastHit ? ' (a hit)' : ''}`);
    }
    decref(t.rc, v);
    return k;
  };

  /** The setter's quiet window `window`: pause, then take the turn. */
  const quietTurn = (window: number): void => {
    ctx.setCounter(0, 2);
    store(ctrl, wordOf(w, F_PAUSED), window);
    if (!waitFor(ctx, wordOf(w, F_GO), window, Date.now() + waitMs)) throw new Error(`quiet window ${window}: no turn`);
    res.quietTurns++;
    const k = Atomics.load(ctrl, C_PUBLISHED);
    const tri = Math.floor(k / PER_TRIPLE);
    const C = Atomics.load(ctrl, tripleWord(W, tri, 2));
    const before = typeVersionTag(t, C);
    if (first) {
      if (before === 0) res.quietFirstMiss++;
      else {
        res.quietFirstNotMiss++;
        note(res.problems, `quiet window ${window}: C's version was ${before}, not 0, after the write`);
      }
    }
    let hit = false;
    for (let attempt = 0; attempt < 4 && !hit; attempt++) {
      const got = lookup(k, tri, false);
      if (got !== k) {
        res.quietWrong++;
        note(res.problems, `quiet window ${window}: x gave v_${got}, expected v_${k}`);
      }
      hit = lastHit;
    }
    if (hit) res.quietHits++;
    else if (cacheEntryOf(t, typeVersionTag(t, C), name) === entryPQ) res.quietCollided++;
    else {
      res.quietNoHit++;
      note(res.problems, `quiet window ${window}: reader ${w} got no hit in 4 lookups (C's version ${typeVersionTag(t, C)})`);
    }
    store(ctrl, wordOf(w, F_TURN_DONE), window);
    ctx.setCounter(0, 1);
  };

  /**
   * Reads entry E as the hit path does (the sequence, then version, name
   * and value), sampling it again and again after one sequence read, as
   * readers preempted for different times after it would; classifies a
   * torn sample by the entry the write left (types.scenario.ts).
   */
  const seqIndex = (entryPQ + MC_SEQUENCE_OFFSET) >>> 2;
  const versionIndex = (entryPQ + MC_VERSION_OFFSET) >>> 2;
  const nameIndex = (entryPQ + MC_NAME_OFFSET) >>> 2;
  const valueIndex = (entryPQ + MC_VALUE_OFFSET) >>> 2;
  const probe = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const s = Atomics.load(u32, seqIndex);
      if ((s & 1) !== 0) continue;
      delay(rng.nextInt(16));
      for (let sample = 0; sample < PROBE_SAMPLES; sample++) {
        // Version before value, as the hit path (the name, equal in both states, last: a shorter gap).
        const version = Atomics.load(u32, versionIndex);
        const value = Atomics.load(u32, valueIndex);
        const entryName = Atomics.load(u32, nameIndex);
        res.probes++;
        if (entryName === name && (version === vP || version === vQ)) {
          res.probeMatched++;
          if (value !== (version === vP ? p : q)) {
            res.probeTorn++;
            Atomics.add(ctrl, C_TORN, 1);
            Atomics.notify(ctrl, C_TORN);
            classifyTorn(s, version, value);
            break;
          }
        }
        if (((Atomics.load(u32, seqIndex) - s) >>> 0) >= 2) break; // a write completed: later samples see it whole
      }
    }
  };
  /** Waits for the write to end; with exactly one write completed since `s`, the final version tells the direction. */
  const classifyTorn = (s: number, version: number, value: number): void => {
    let s2 = Atomics.load(u32, seqIndex);
    for (let spins = 0; (s2 & 1) !== 0 && spins < 1_000_000; spins++) s2 = Atomics.load(u32, seqIndex);
    const finalVersion = Atomics.load(u32, versionIndex);
    const s3 = Atomics.load(u32, seqIndex);
    if ((s2 & 1) !== 0 || s3 !== s2 || ((s2 - s) >>> 0) !== 2) {
      res.probeAmbiguous++; // more than one write completed in between
    } else if (finalVersion === version) {
      res.probeStaleAfterMatch++;
      Atomics.add(ctrl, C_FOUND, 1);
      Atomics.notify(ctrl, C_FOUND);
      note(res.problems, `probe of reader ${w}: matched ${version === vP ? 'P' : 'Q'}'s version ${version}, which the write stored, with the entry's previous value 0x${value.toString(16)}`);
    } else {
      res.probeOldVersion++;
    }
  };

  ctx.setCounter(0, 1);
  let batches = 0;
  // Until the setter is done (it is the one that honours a stop request, and never in a quiet window).
  while (Atomics.load(ctrl, C_DONE) === 0) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    const quiet = Atomics.load(ctrl, C_QUIET);
    if (quiet > quietSeen) {
      quietSeen = quiet;
      quietTurn(quiet);
    }
    for (let n = 0; n < 32; n++) {
      const k0 = Atomics.load(ctrl, C_PUBLISHED);
      lookup(k0, Math.floor(k0 / PER_TRIPLE), (n & 1) === 1);
    }
    probe(64);
    const a = typeLookupRef(t, P, name);
    const b = typeLookupRef(t, Q, name);
    res.pqLookups += 2;
    if (a !== p || b !== q) {
      res.pqWrong++;
      note(res.problems, `reader ${w}: P.x gave 0x${a.toString(16)}, Q.x 0x${b.toString(16)}`);
    }
    if (a !== 0) decref(t.rc, a);
    if (b !== 0) decref(t.rc, b);
    qsbrQuiescentState(t.qsbr);
    if ((++batches & 15) === 0) {
      ctx.setCounter(1, batches);
      ctx.progress(res.lookups);
    }
  }
  return res;
}

// --- scenario 2: __class__ swaps ----------------------------------------------------------------------

function swapper(ctx: Ctx, r: Runtime): SwapperResult {
  const { ctrl } = ctx.params;
  const t = r.t;
  const W = ctx.workers;
  const rng = ctx.rng;
  const res: SwapperResult = { role: 'swapper', swaps: 0, toP: 0, toQ: 0, errors: 0, badTypes: 0, problems: [] };
  const n = Atomics.load(ctrl, C_OBJECTS);
  const P2 = Atomics.load(ctrl, C_P2);
  const Q2 = Atomics.load(ctrl, C_Q2);
  ctx.setCounter(0, 1);
  for (let i = 0; !ctx.shouldStop(i); i++) {
    const obj = Atomics.load(ctrl, objectWord(W, rng.nextInt(n), 0));
    const toP = rng.nextInt(2) === 0;
    if (objectSetClass(t, obj, toP ? P2 : Q2) < 0) {
      res.errors++;
      note(res.problems, `swap: ${takeError(t)}`);
    } else if (toP) res.toP++;
    else res.toQ++;
    res.swaps++;
    const type = Atomics.load(t.u32, (obj + OB_TYPE_OFFSET) >>> 2);
    if (type !== P2 && type !== Q2) {
      res.badTypes++;
      note(res.problems, `swapper: type word 0x${type.toString(16)}`);
    }
    if ((i & 1023) === 0) {
      ctx.progress(i);
      qsbrQuiescentState(t.qsbr);
    }
  }
  Atomics.add(ctrl, C_DONE, 1);
  return res;
}

function swapReader(ctx: Ctx, r: Runtime): SwapReaderResult {
  const { ctrl } = ctx.params;
  const t = r.t;
  const W = ctx.workers;
  const rng = ctx.rng;
  const res: SwapReaderResult = { role: 'reader', reads: 0, tagP: 0, tagQ: 0, tagChanges: 0, wrongTag: 0, wrongOwn: 0, badTypes: 0, errors: 0, problems: [] };
  const swappers = ctx.workers >> 1;
  const n = Atomics.load(ctrl, C_OBJECTS);
  const P2 = Atomics.load(ctrl, C_P2);
  const Q2 = Atomics.load(ctrl, C_Q2);
  const tagP = Atomics.load(ctrl, C_TAG_P);
  const tagQ = Atomics.load(ctrl, C_TAG_Q);
  const tagName = Atomics.load(ctrl, C_NAME_TAG);
  const ownName = Atomics.load(ctrl, C_NAME_OWN);
  const extraName = Atomics.load(ctrl, C_NAME_EXTRA);
  const last = new Array<number>(n).fill(0);
  /** Reads an attribute that must be `expected` (the instance's own object). Counter 2 names the read in progress for hang dumps. */
  const readOwn = (obj: number, j: number, attr: number, expected: number, what: number): void => {
    ctx.setCounter(2, what);
    const x = objectGetAttr(t, obj, attr);
    ctx.setCounter(2, 0);
    if (x === 0) {
      res.errors++;
      note(res.problems, `getattr(obj, '${what === 2 ? 'own' : 'extra'}'): ${takeError(t)}`);
      return;
    }
    if (x !== expected) {
      res.wrongOwn++;
      note(res.problems, `${what === 2 ? 'own' : 'extra'} of instance ${j} gave ${describe(t, x)}`);
    }
    // SAFETY: a held int's type word never changes (0xDD: freed under us, never touch its count).
    if (t.u32[(x + OB_TYPE_OFFSET) >>> 2] !== POISON_WORD) decref(t.rc, x);
  };
  ctx.setCounter(0, 1);
  while (Atomics.load(ctrl, C_DONE) < swappers) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    for (let i = 0; i < 64; i++) {
      const j = rng.nextInt(n);
      const obj = Atomics.load(ctrl, objectWord(W, j, 0));
      res.reads++;
      const type = Atomics.load(t.u32, (obj + OB_TYPE_OFFSET) >>> 2);
      if (type !== P2 && type !== Q2) {
        res.badTypes++;
        note(res.problems, `reader: type word 0x${type.toString(16)}`);
      }
      ctx.setCounter(2, 1);
      const tag = objectGetAttr(t, obj, tagName);
      ctx.setCounter(2, 0);
      if (tag === 0) {
        res.errors++;
        note(res.problems, `getattr(obj, 'tag'): ${takeError(t)}`);
      } else {
        if (tag === tagP) res.tagP++;
        else if (tag === tagQ) res.tagQ++;
        else {
          res.wrongTag++;
          note(res.problems, `tag gave ${describe(t, tag)}`);
        }
        if (last[j] !== 0 && last[j] !== tag) res.tagChanges++;
        last[j] = tag;
        // SAFETY: as in readOwn.
        if (t.u32[(tag + OB_TYPE_OFFSET) >>> 2] !== POISON_WORD) decref(t.rc, tag);
      }
      readOwn(obj, j, ownName, Atomics.load(ctrl, objectWord(W, j, 1)), 2);
      readOwn(obj, j, extraName, Atomics.load(ctrl, objectWord(W, j, 2)), 3);
    }
    ctx.progress(res.reads);
    qsbrQuiescentState(t.qsbr);
  }
  return res;
}

// --- scenario 3: racing class creation ----------------------------------------------------------------

function creator(ctx: Ctx, r: Runtime): CreatorResult {
  const { ctrl, waitMs } = ctx.params;
  const t = r.t;
  const u32 = t.u32;
  const W = ctx.workers;
  const w = ctx.index;
  const res: CreatorResult = { role: 'creator', rounds: 0, classes: 0, classBad: 0, sets: 0, setErrors: 0, overlaps: 0, dictBad: 0, attrBad: 0, problems: [] };
  const Base = Atomics.load(ctrl, C_BASE);
  const kvName = Atomics.load(ctrl, C_NAME_KV);
  const baseAttr = Atomics.load(ctrl, C_NAME_BASE_ATTR);
  const baseValue = Atomics.load(ctrl, C_BASE_ATTR_VALUE);
  const object = t.types[StaticType.Object]!;
  const names = Array.from({ length: W }, (_, v) => Atomics.load(ctrl, attrNameWord(W, v)));
  let generation = 0;
  const barrier = (): void => {
    generation++;
    ctx.setCounter(0, 2);
    Atomics.add(ctrl, C_BARRIER, 1);
    Atomics.notify(ctrl, C_BARRIER);
    // Spin a little first, so that the workers leave the barrier together (then sleep: 2 cores, 3 workers).
    const target = generation * W;
    for (let spins = 0; spins < BARRIER_SPINS && Atomics.load(ctrl, C_BARRIER) < target; spins++) delay(8);
    if (!waitFor(ctx, C_BARRIER, generation * W, Date.now() + waitMs)) throw new Error(`barrier ${generation}: the others did not arrive`);
    ctx.setCounter(0, 1);
  };
  const intIs = (v: number, n: number): boolean => v !== 0 && intCheckExact(t, v) && intAsNumber(t, v) === n;
  // SAFETY: the instances' classes never change here (published before the barrier), nor does tp_dictoffset.
  const dictSlot = (obj: number): number => obj + u32[(u32[(obj + OB_TYPE_OFFSET) >>> 2]! + TP_DICTOFFSET_OFFSET) >>> 2]!;

  for (let round = 0; ; round++) {
    // Worker 0 decides for everybody (in timed mode the others' budgets would not agree); past the budget,
    // rounds go on until enough instances had their dict raced for (on 2 busy cores few rounds do).
    if (w === 0 && ctx.shouldStop(round) && (Atomics.load(ctrl, C_OVERLAPS) >= MIN_OVERLAPS || ctx.stopRequested() || round >= ROUND_CAP * ctx.opsBudget)) store(ctrl, C_DONE, 1);
    // A class over Base, and an instance of it, made while the others make theirs.
    const kv = check(t, intFromNumber(t, KV_BASE + w * 1_000_000 + round));
    ctx.setCounter(2, 1);
    const K = makeClass(t, `K${w}_${round}`, [Base], [[kvName, kv]]);
    res.classes++;
    ctx.setCounter(2, 2);
    const inst = check(t, typeGenericAlloc(t, K));
    ctx.setCounter(2, 3);
    const mro = typeMro(t, K);
    const fromClass = objectGetAttr(t, K, kvName);
    const fromInst = objectGetAttr(t, inst, kvName);
    const inherited = objectGetAttr(t, inst, baseAttr);
    if (
      tupleSize(t, mro) !== 3 ||
      tupleGetItem(t, mro, 0) !== K ||
      tupleGetItem(t, mro, 1) !== Base ||
      tupleGetItem(t, mro, 2) !== object ||
      !typeIsSubtype(t, K, Base) ||
      fromClass !== kv ||
      fromInst !== kv ||
      inherited !== baseValue
    ) {
      res.classBad++;
      note(res.problems, `class ${w}/${round}: MRO size ${tupleSize(t, mro)}, kv ${fromClass}/${fromInst} (0x${kv.toString(16)}), base_attr 0x${inherited.toString(16)}${fromClass === 0 || inherited === 0 ? `: ${takeError(t)}` : ''}`);
    }
    for (const x of [fromClass, fromInst, inherited]) if (x !== 0) decref(t.rc, x);
    decref(t.rc, kv);
    store(ctrl, wordOf(w, F_INSTANCE), inst);
    barrier();
    if (Atomics.load(ctrl, C_DONE) !== 0) {
      decref(t.rc, inst);
      decref(t.rc, K);
      break;
    }
    // Everybody stores into every instance, in the same order: W first stores meet each fresh instance at once.
    for (let j = 0; j < W; j++) {
      const obj = Atomics.load(ctrl, wordOf(j, F_INSTANCE));
      const slot = dictSlot(obj);
      const before = Atomics.load(u32, slot >>> 2);
      const v = check(t, intFromNumber(t, ATTR_BASE + w * 1_000_000 + round));
      ctx.setCounter(2, 10 + j);
      if (objectSetAttr(t, obj, names[w]!, v) < 0) {
        res.setErrors++;
        note(res.problems, `setattr(instance ${j}, a${w}): ${takeError(t)}`);
      }
      res.sets++;
      decref(t.rc, v);
      Atomics.store(ctrl, gridWord(W, w, j), Atomics.load(u32, slot >>> 2));
      if (before === 0) Atomics.add(ctrl, wordOf(j, F_EMPTY_SEEN), 1);
    }
    barrier();
    // This worker's instance: one dict, the one everybody saw, with everybody's attribute.
    ctx.setCounter(2, 5);
    const d = Atomics.load(u32, dictSlot(inst) >>> 2);
    let sameDict = d !== 0;
    for (let v = 0; v < W; v++) if (Atomics.load(ctrl, gridWord(W, v, w)) !== d) sameDict = false;
    if (!sameDict || dictSize(t, d) !== W) {
      res.dictBad++;
      note(res.problems, `round ${round}: instance of worker ${w} has dict 0x${d.toString(16)} of size ${d === 0 ? 0 : dictSize(t, d)}; the workers saw ${Array.from({ length: W }, (_, v) => `0x${Atomics.load(ctrl, gridWord(W, v, w)).toString(16)}`).join(', ')}`);
    }
    for (let v = 0; v < W; v++) {
      const x = objectGetAttr(t, inst, names[v]!);
      if (!intIs(x, ATTR_BASE + v * 1_000_000 + round)) {
        res.attrBad++;
        note(res.problems, `round ${round}: a${v} of worker ${w}'s instance gave ${x === 0 ? takeError(t) : describe(t, x)}`);
      }
      if (x !== 0) decref(t.rc, x);
    }
    if (Atomics.exchange(ctrl, wordOf(w, F_EMPTY_SEEN), 0) >= 2) {
      res.overlaps++;
      Atomics.add(ctrl, C_OVERLAPS, 1);
    }
    ctx.setCounter(2, 6);
    decref(t.rc, inst);
    ctx.setCounter(2, 7);
    decref(t.rc, K); // its MRO refers back to it: the collector frees it
    ctx.setCounter(2, 0);
    res.rounds++;
    ctx.setCounter(1, round);
    ctx.progress(round);
    qsbrQuiescentState(t.qsbr);
  }
  return res;
}

// --- entry ------------------------------------------------------------------------------------

runStressWorker<TypesStressParams>((ctx) => {
  const r = joinRuntime(ctx.params.runtime);
  // The control: this isolate's cache writes store the version first (seams are per isolate).
  methodCacheSeams.versionFirst = ctx.params.control === 'version-first';
  try {
    const { kind } = ctx.params;
    if (kind === 'cache') return ctx.role === 'setter' ? setter(ctx, r) : ctx.role === 'rewriter' ? rewriter(ctx, r) : cacheReader(ctx, r);
    if (kind === 'swap') return ctx.role === 'swapper' ? swapper(ctx, r) : swapReader(ctx, r);
    return creator(ctx, r);
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    Atomics.notify(ctx.params.ctrl, C_ABORT);
    throw error;
  } finally {
    methodCacheSeams.versionFirst = false;
    Atomics.add(ctx.params.ctrl, C_FINISHED, 1);
    ctx.setCounter(0, 5);
    r.close();
  }
});
