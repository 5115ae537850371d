/**
 * A worker of the GC stress scenario (gc-stress.scenario.ts describes the
 * run, the roles, the end and the controls). Worker 0 collects, the others
 * mutate. Hang dumps show user counter 0: the phase (1 mutating or
 * collecting, 2 waiting for a collection after the hand-backs and draining,
 * 3 at the barrier, 4 released and parked, 5 final collections, 6 leaving)
 * and counter 1: a mutator's next serial, the collector's collections.
 */

import { attach, detach, EVAL_EXPLICIT_MERGE_BIT, participantCreate, participantDelete, safePoint, setEvalBreakerHandler, SharedHeap, type Participant } from '@ft/atomics';
import { HandOffRings, runStressWorker, type StressWorkerContext } from '@ft/harness';
import { miThreadExit, miThreadInit } from '@ft/mimalloc';
import { decref, incref, mergeQueueLength, OB_REF_SHARED_OFFSET, OB_TID_OFFSET, processMergeQueue, rcThreadExit, rcThreadInit, type RcThread } from '@ft/refcount';
import { collectSeams } from '../../src/collect.js';
import { gcCollect, gcGetStats, gcThreadExit, gcThreadInit, type GcThread } from '../../src/index.js';
import {
  buildGcStressRegistry,
  CREATOR_OFFSET,
  deref,
  describeLive,
  gcStressHooks,
  getSlotRef,
  GRAVE_SLOTS,
  isNode,
  isWeakref,
  joinGcStress,
  LIVE_BODY,
  LIVE_CLEARED,
  LIVE_DEAD,
  LIVE_OK,
  liveStatus,
  log,
  MAX_SLOTS,
  newNode,
  newWeakref,
  onFatal,
  ownerStatusOk,
  problem,
  REF_SERIAL_OFFSET,
  SERIAL_ALIVE,
  SERIAL_OFFSET,
  serialsUsed,
  setSlot,
  slotCount,
} from './gc-stress-objects.js';
import {
  C_ABORT,
  C_COLLECTIONS_AFTER_READY,
  C_DONE,
  C_DRAINED,
  C_FINAL_DONE,
  C_HANDBACKS_READY,
  C_IDLE,
  C_RELEASED,
  type CollectorResult,
  type GcStressParams,
  type GcWorkerResult,
  type MutatorResult,
} from './gc-stress.scenario.js';

type Ctx = StressWorkerContext<GcStressParams>;

/** Ring entry kinds (word 2). */
const KIND_PLAIN = 0;
const KIND_HANDBACK = 1;

interface Thread {
  heap: SharedHeap;
  participant: Participant;
  t: RcThread;
  gt: GcThread;
  ctrl: Int32Array;
  deadline: number;
}

function baseResult(role: string, tid: number): GcWorkerResult {
  return {
    role,
    tid,
    ops: 0,
    allocated: 0,
    serialsExhausted: 0,
    deadAccesses: 0,
    bodyMismatches: 0,
    clearedAccesses: 0,
    ownerViolations: 0,
    badDerefs: 0,
    resurrectedBad: 0,
    graveTaken: 0,
    queued: 0,
    merged: 0,
    mergeRequests: 0,
    log,
    problems: [],
  };
}

/** Waits, detached, until `ctrl[index]` reaches `value`; throws past the deadline or when another worker failed. */
function waitDetached(th: Thread, index: number, value: number, what: string): void {
  detach(th.participant);
  try {
    for (;;) {
      const seen = Atomics.load(th.ctrl, index);
      if (seen >= value) return;
      if (Atomics.load(th.ctrl, C_ABORT) !== 0) throw new Error(`another worker failed while this one waited for ${what}`);
      if (Date.now() > th.deadline) throw new Error(`${what} not reached in time (${seen}/${value})`);
      Atomics.wait(th.ctrl, index, seen, 5);
    }
  } finally {
    attach(th.participant);
  }
}

/**
 * Checks a held reference before use; counts what is wrong. Returns false
 * when the object must not be touched (dead, poisoned, cleared); a wrong
 * ob_tid is counted but the object is still usable.
 */
function usable(th: Thread, r: GcWorkerResult, op: number, what: string): boolean {
  const status = liveStatus(th.t, op);
  if (status !== LIVE_OK) {
    if (status === LIVE_BODY) r.bodyMismatches++;
    else if (status === LIVE_DEAD) r.deadAccesses++;
    else if (status === LIVE_CLEARED) r.clearedAccesses++;
    problem(`${what}: ${describeLive(th.t, op, status)}`);
    return false;
  }
  if (!ownerStatusOk(th.t, op)) {
    r.ownerViolations++;
    problem(`${what}: ${op.toString(16)} has ob_tid ${Atomics.load(th.t.u32, (op + OB_TID_OFFSET) >>> 2)} (creator ${th.t.u32[(op + CREATOR_OFFSET) >>> 2]}) and shared word ${Atomics.load(th.t.i32, (op + OB_REF_SHARED_OFFSET) >>> 2)}`);
  }
  return true;
}

/**
 * Walks what `op` (held by the caller) reaches, up to `limit` objects, each
 * checked before it is entered; returns false at the first object that is
 * not usable (the walk's own references are dropped either way).
 */
function walk(th: Thread, r: GcWorkerResult, op: number, limit: number, what: string): { ok: boolean; seen: number } {
  const t = th.t;
  const held: number[] = [];
  const seen = new Set<number>([op]);
  const queue = [op];
  let ok = true;
  for (let k = 0; k < queue.length && seen.size < limit; k++) {
    const x = queue[k];
    if (!isNode(t, x)) continue;
    const n = slotCount(t, x);
    for (let i = 0; i < n; i++) {
      const child = getSlotRef(t, x, i);
      if (child === 0) continue;
      if (!usable(th, r, child, what)) {
        ok = false;
        break;
      }
      held.push(child);
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
    if (!ok) break;
  }
  for (const child of held) decref(t, child);
  return { ok, seen: seen.size };
}

function openThread(ctx: Ctx): Thread {
  const p = ctx.params;
  const heap = SharedHeap.attach(p.heap);
  const participant = participantCreate(heap, p.group);
  attach(participant);
  const mi = miThreadInit(heap, p.mi, null);
  const { registry } = buildGcStressRegistry();
  const t = rcThreadInit(heap, p.rc, registry, { mi, participant });
  const gt = gcThreadInit(t, p.gc, registry, gcStressHooks());
  joinGcStress(gt, p.tables, ctx.index);
  // The controls: this isolate's collections skip a step (the seams are per isolate).
  collectSeams.drainMergeQueues = p.control !== 'skip-drain';
  collectSeams.restoreTid = p.control !== 'keep-tid';
  return { heap, participant, t, gt, ctrl: p.ctrl, deadline: Date.now() + 600_000 };
}

function closeThread(th: Thread): void {
  gcThreadExit(th.gt);
  const mi = th.t.mi!;
  log.merging = true;
  try {
    rcThreadExit(th.t);
  } catch (error) {
    onFatal(error, 'rcThreadExit');
  } finally {
    log.merging = false;
  }
  detach(th.participant);
  participantDelete(th.participant);
  miThreadExit(mi);
  th.heap.close();
}

// --- the collector ---------------------------------------------------------------

function collector(ctx: Ctx): CollectorResult {
  const p = ctx.params;
  const th = openThread(ctx);
  const mutators = ctx.workers - 1;
  const base = baseResult('collector', th.t.tid);
  const r: CollectorResult = { ...base, role: 'collector', collections: 0, finalRounds: 0, finalFound: 0, leftAfterFinal: 0, leftSamples: [] };
  const rng = ctx.rng;
  const t = th.t;
  setEvalBreakerHandler(th.participant, EVAL_EXPLICIT_MERGE_BIT, () => {
    r.mergeRequests++;
    log.merging = true;
    try {
      r.merged += processMergeQueue(t);
    } finally {
      log.merging = false;
    }
  });
  ctx.setCounter(0, 1);
  th.deadline = Number.POSITIVE_INFINITY;
  const totalCollections = (): number => gcGetStats(th.gt).reduce((a, s) => a + s.collections, 0);
  // A collection count past this one means a collection started after every hand-back cycle was made (one may be running when they are seen).
  let before = -1;
  // Collect until every mutator is done mutating.
  while (Atomics.load(th.ctrl, C_DONE) < mutators) {
    if (Atomics.load(th.ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    try {
      safePoint(th.participant);
    } catch (error) {
      onFatal(error, 'safe point');
    }
    if (before < 0 && Atomics.load(th.ctrl, C_HANDBACKS_READY) >= mutators) before = totalCollections() + 1;
    try {
      gcCollect(th.gt);
    } catch (error) {
      onFatal(error, 'gcCollect');
    }
    r.collections++;
    if (before >= 0) Atomics.store(th.ctrl, C_COLLECTIONS_AFTER_READY, Math.max(0, totalCollections() - before));
    ctx.progress(r.collections);
    ctx.setCounter(1, r.collections);
    // Sleep detached: the mutators run (and may collect) meanwhile.
    detach(th.participant);
    Atomics.wait(th.ctrl, C_IDLE, 0, p.collectIntervalMs * (1 + rng.nextFloat()));
    attach(th.participant);
  }
  // The mutators drain, meet at their barrier, release their hand-back references and park.
  ctx.setCounter(0, 3);
  th.deadline = Date.now() + p.deadlineMs;
  waitDetached(th, C_DRAINED, mutators, 'the drain barrier (collector)');
  waitDetached(th, C_RELEASED, mutators, 'the hand-back release');
  // The final collections: no mutator will pass another safe point, so only the collector's drain merges their queues.
  ctx.setCounter(0, 5);
  for (let round = 0; round < 8; round++) {
    r.finalRounds++;
    let found = 0;
    try {
      found = gcCollect(th.gt);
    } catch (error) {
      onFatal(error, 'final gcCollect');
    }
    r.finalFound += found;
    let released = 0;
    for (let k = 0; k < GRAVE_SLOTS; k++) {
      const op = Atomics.exchange(p.tables.graveyard, k, 0);
      if (op === 0) continue;
      released++;
      r.graveTaken++;
      if (!usable(th, r, op, 'graveyard (final)') || !walk(th, r, op, 64, 'graveyard walk (final)').ok) {
        r.resurrectedBad++;
        continue;
      }
      try {
        decref(t, op);
      } catch (error) {
        onFatal(error, 'graveyard release');
      }
    }
    if (found === 0 && released === 0) break;
  }
  // Whatever is still ALIVE now has leaked (nobody allocates or releases any more).
  const { serials, serialsPerWorker } = p.tables;
  for (let s = 0; s < serials.length; s++) {
    if (Atomics.load(serials, s) === SERIAL_ALIVE) {
      r.leftAfterFinal++;
      if (r.leftSamples.length < 4) r.leftSamples.push(`serial ${s} (worker ${Math.floor(s / serialsPerWorker)})`);
    }
  }
  Atomics.store(th.ctrl, C_FINAL_DONE, 1);
  Atomics.notify(th.ctrl, C_FINAL_DONE);
  ctx.setCounter(0, 6);
  r.queued = t.queued;
  r.allocated = serialsUsed() - ctx.index * serialsPerWorker;
  closeThread(th);
  r.problems = log.problems;
  return r;
}

// --- the mutators ------------------------------------------------------------------

function mutator(ctx: Ctx): MutatorResult {
  const p = ctx.params;
  const th = openThread(ctx);
  const t = th.t;
  const me = ctx.index;
  const rng = ctx.rng;
  const base = baseResult('mutator', t.tid);
  const r: MutatorResult = {
    ...base,
    role: 'mutator',
    nodes: 0,
    weakrefs: 0,
    chains: 0,
    links: 0,
    sent: 0,
    received: 0,
    ringFull: 0,
    derefs: 0,
    derefsCleared: 0,
    walks: 0,
    walked: 0,
    sleeps: 0,
    generations: 0,
    handbacksSent: 0,
    handbacksReleased: 0,
    handbacksQueued: 0,
    queueAfterFinal: 0,
  };
  const mail = new HandOffRings(p.rings, { workers: ctx.workers, capacity: p.ringCapacity, entryWords: 3 }, me);
  const peers = Array.from({ length: ctx.workers }, (_, w) => w).filter((w) => w !== 0 && w !== me);
  const ROOTS = p.roots;
  const roots = new Uint32Array(ROOTS);
  const pinned: number[] = [];
  let stopping = false;

  setEvalBreakerHandler(th.participant, EVAL_EXPLICIT_MERGE_BIT, () => {
    r.mergeRequests++;
    log.merging = true;
    try {
      r.merged += processMergeQueue(t);
    } catch (error) {
      onFatal(error, 'processMergeQueue');
    } finally {
      log.merging = false;
    }
  });

  /** Drops the reference in root `k`, after checking it. */
  const release = (k: number): void => {
    const op = roots[k];
    if (op === 0) return;
    roots[k] = 0;
    if (!usable(th, r, op, 'release')) return;
    try {
      decref(t, op);
    } catch (error) {
      onFatal(error, 'release');
    }
  };
  /** Puts a reference the caller owns into root `k`. */
  const hold = (k: number, op: number): void => {
    release(k);
    roots[k] = op;
  };
  /** Root `k` if it holds a usable object (a bad one is dropped untouched). */
  const rootAt = (k: number, what: string): number => {
    const op = roots[k];
    if (op === 0) return 0;
    if (!usable(th, r, op, what)) {
      roots[k] = 0;
      return 0;
    }
    return op;
  };
  const alloc = (n: number): number => {
    const op = newNode(t, n, rng.nextInt(10) < 3);
    if (op === 0) r.serialsExhausted++;
    else r.nodes++;
    return op;
  };

  const receive = (e: number): void => {
    const op = p.rings[e] >>> 0;
    const kind = p.rings[e + 2];
    r.received++;
    if (!usable(th, r, op, 'received')) return;
    if (p.rings[e + 1] >>> 0 !== t.u32[(op + SERIAL_OFFSET) >>> 2]) {
      r.bodyMismatches++;
      problem(`received ${op.toString(16)} whose serial changed in transit`);
      return;
    }
    if (kind === KIND_HANDBACK) {
      pinned.push(op);
    } else if (!stopping) {
      hold(rng.nextInt(ROOTS), op);
    } else {
      try {
        decref(t, op);
      } catch (error) {
        onFatal(error, 'received');
      }
    }
  };
  const receiveEntry = (e: number): void => receive(e);
  const poll = (): void => {
    try {
      safePoint(th.participant);
    } catch (error) {
      onFatal(error, 'safe point');
    }
  };

  /** Hands the reference in root `k` to a peer (released here when the ring is full). */
  const send = (k: number): void => {
    const op = rootAt(k, 'send');
    if (op === 0) return;
    const to = peers[rng.nextInt(peers.length)];
    if (mail.send(to, op, t.u32[(op + SERIAL_OFFSET) >>> 2], KIND_PLAIN)) {
      roots[k] = 0;
      r.sent++;
    } else {
      r.ringFull++;
      release(k);
    }
  };

  // Hand-back cycles: X ↔ Y, the only outside reference to X handed to a peer, which pins it until the end.
  for (const peer of peers) {
    for (let h = 0; h < p.handbacksPerPeer; h++) {
      const x = alloc(1);
      const y = alloc(1);
      if (x === 0 || y === 0) throw new Error('no serials for the hand-back cycles');
      setSlot(t, x, 0, y);
      setSlot(t, y, 0, x);
      decref(t, y);
      if (mail.send(peer, x, t.u32[(x + SERIAL_OFFSET) >>> 2], KIND_HANDBACK)) r.handbacksSent++;
      else decref(t, x);
    }
  }
  Atomics.add(th.ctrl, C_HANDBACKS_READY, 1);

  const step = (): void => {
    const op = rng.nextInt(1000);
    const k = rng.nextInt(ROOTS);
    if (op < 180) {
      // A node of 0–6 slots.
      const x = alloc(rng.nextInt(MAX_SLOTS + 1));
      if (x !== 0) hold(k, x);
    } else if (op < 400) {
      // Link root j into a slot of root k (k === j: a self-cycle).
      const a = rootAt(k, 'link');
      if (a === 0 || !isNode(t, a) || slotCount(t, a) === 0) return;
      const j = rng.nextInt(4) === 0 ? k : rng.nextInt(ROOTS);
      const b = j === k ? a : rootAt(j, 'link target');
      setSlot(t, a, rng.nextInt(slotCount(t, a)), b);
      r.links++;
    } else if (op < 450) {
      const a = rootAt(k, 'unlink');
      if (a !== 0 && isNode(t, a) && slotCount(t, a) > 0) setSlot(t, a, rng.nextInt(slotCount(t, a)), 0);
    } else if (op < 530) {
      release(k);
    } else if (op < 590) {
      const a = rootAt(k, 'dup');
      const j = rng.nextInt(ROOTS);
      if (a !== 0 && j !== k) {
        incref(t, a);
        hold(j, a);
      }
    } else if (op < 670) {
      // Descend: the root moves to a child.
      const a = rootAt(k, 'descend');
      if (a === 0 || !isNode(t, a) || slotCount(t, a) === 0) return;
      const c = getSlotRef(t, a, rng.nextInt(slotCount(t, a)));
      if (c === 0) return;
      if (!usable(th, r, c, 'child')) return;
      hold(k, c);
    } else if (op < 750) {
      if (!stopping) send(k);
    } else if (op < 810) {
      // A weakref to root k, kept in a root or only in a node's slot.
      const a = rootAt(k, 'weakref referent');
      if (a === 0 || !isNode(t, a)) return;
      const j = rng.nextInt(ROOTS);
      const payload = rng.nextInt(4) === 0 ? rootAt(j, 'payload') : 0;
      const wr = newWeakref(t, a, rng.nextInt(2) === 0, payload !== 0 && isNode(t, payload) ? payload : 0);
      if (wr === 0) {
        r.serialsExhausted++;
        return;
      }
      r.weakrefs++;
      const holder = rootAt(j, 'weakref holder');
      if (rng.nextInt(2) === 0 && holder !== 0 && isNode(t, holder) && slotCount(t, holder) > 0) {
        setSlot(t, holder, rng.nextInt(slotCount(t, holder)), wr);
        decref(t, wr);
      } else {
        hold(rng.nextInt(ROOTS), wr);
      }
    } else if (op < 870) {
      // Dereference a weakref: the referent must be alive and be the one it was made for.
      const w = rootAt(k, 'weakref');
      if (w === 0 || !isWeakref(t, w)) return;
      r.derefs++;
      const x = deref(t, w);
      if (x === 0) {
        r.derefsCleared++;
        return;
      }
      const status = liveStatus(t, x);
      if (status !== LIVE_OK || t.u32[(x + SERIAL_OFFSET) >>> 2] !== t.u32[(w + REF_SERIAL_OFFSET) >>> 2]) {
        r.badDerefs++;
        problem(`weakref ${w.toString(16)} yielded ${status !== LIVE_OK ? describeLive(t, x, status) : `another object (serial ${t.u32[(x + SERIAL_OFFSET) >>> 2]})`}`);
        return;
      }
      if (!ownerStatusOk(t, x)) r.ownerViolations++;
      hold(rng.nextInt(ROOTS), x);
    } else if (op < 910) {
      // A chain of 1–8 nodes, closed into a ring half the time (a ring of one is a self-cycle).
      const n = 1 + rng.nextInt(8);
      const chain: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = alloc(1 + rng.nextInt(3));
        if (x === 0) break;
        chain.push(x);
      }
      for (let i = 0; i + 1 < chain.length; i++) setSlot(t, chain[i], 0, chain[i + 1]);
      if (chain.length > 0 && rng.nextInt(2) === 0) setSlot(t, chain[chain.length - 1], 0, chain[0]);
      if (chain.length > 2) setSlot(t, chain[1], slotCount(t, chain[1]) - 1, chain[rng.nextInt(chain.length)]);
      for (let i = 1; i < chain.length; i++) decref(t, chain[i]);
      if (chain.length > 0) hold(k, chain[0]);
      r.chains++;
    } else if (op < 940) {
      // Take back what a finalizer resurrected: it, and what it reaches, must be alive and uncleared.
      const x = Atomics.exchange(p.tables.graveyard, rng.nextInt(GRAVE_SLOTS), 0);
      if (x === 0) return;
      r.graveTaken++;
      if (!usable(th, r, x, 'graveyard') || !walk(th, r, x, 64, 'graveyard walk').ok) {
        r.resurrectedBad++;
        return;
      }
      if (isWeakref(t, x)) {
        // A weakref a finalizer made to its object: cleared, or the object survived.
        const y = deref(t, x);
        if (y !== 0) {
          if (liveStatus(t, y) !== LIVE_OK || t.u32[(y + SERIAL_OFFSET) >>> 2] !== t.u32[(x + REF_SERIAL_OFFSET) >>> 2]) {
            r.badDerefs++;
            problem(`finalizer's weakref ${x.toString(16)} yielded a dead or other object`);
          } else {
            decref(t, y);
          }
        }
      }
      if (rng.nextInt(2) === 0) hold(k, x);
      else decref(t, x);
    } else if (op < 970) {
      const a = rootAt(k, 'walk');
      if (a === 0) return;
      r.walks++;
      r.walked += walk(th, r, a, 64, 'walk').seen;
    } else if (op < 971) {
      // Collect from this mutator too (gc.collect() in a thread); 0 when a collection is already running.
      if (rng.nextInt(2) === 0) gcCollect(th.gt);
    } else if (op < 973) {
      // Block for a moment, detached (a stop-the-world proceeds without us).
      r.sleeps++;
      detach(th.participant);
      Atomics.wait(th.ctrl, C_IDLE, 0, 0.2);
      attach(th.participant);
    }
  };

  ctx.setCounter(0, 1);
  const budget = ctx.opsBudget;
  while (r.ops < budget && !ctx.stopRequested() && Atomics.load(th.ctrl, C_ABORT) === 0) {
    // Only the controls' broken collectors make refcounting fail; count it and go on.
    try {
      safePoint(th.participant);
      step();
      r.ops++;
      if ((r.ops & 7) === 0 && mail.inboxNonEmpty()) mail.drain(receiveEntry);
      if (p.generationOps > 0 && r.ops % p.generationOps === 0) {
        for (let k = 0; k < ROOTS; k++) release(k);
        r.generations++;
      }
    } catch (error) {
      onFatal(error, 'step');
      r.ops++;
    }
    if ((r.ops & 1023) === 0) {
      ctx.progress(r.ops);
      ctx.setCounter(1, serialsUsed());
      ctx.setCounter(2, log.deallocs);
    }
  }
  ctx.progress(r.ops);

  // End 1: the hand-back cycles must have survived a collection (the keep-tid control's witness).
  ctx.setCounter(0, 2);
  th.deadline = Date.now() + p.deadlineMs;
  while (Atomics.load(th.ctrl, C_COLLECTIONS_AFTER_READY) < 1) {
    if (Date.now() > th.deadline) throw new Error('no collection after the hand-back cycles were made');
    poll();
    if (mail.inboxNonEmpty()) mail.drain(receiveEntry);
    detach(th.participant);
    Atomics.wait(th.ctrl, C_IDLE, 0, 1);
    attach(th.participant);
  }
  // End 2: release every root, say so, drain until every mutator is done and the inboxes are empty.
  stopping = true;
  for (let k = 0; k < ROOTS; k++) release(k);
  Atomics.add(th.ctrl, C_DONE, 1);
  Atomics.notify(th.ctrl, C_DONE);
  const mutators = ctx.workers - 1;
  for (;;) {
    const done = Atomics.load(th.ctrl, C_DONE);
    const n = mail.inboxNonEmpty() ? mail.drain(receiveEntry) : 0;
    poll();
    if (done >= mutators && n === 0 && !mail.inboxNonEmpty()) break;
    if (Atomics.load(th.ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (Date.now() > th.deadline) throw new Error(`mutators not done in time (${done}/${mutators})`);
    if (n === 0) {
      detach(th.participant);
      Atomics.wait(th.ctrl, C_DONE, done, 1);
      attach(th.participant);
    }
  }
  // End 3: the barrier; past it no mutator passes a safe point until the final collection is over.
  ctx.setCounter(0, 3);
  Atomics.add(th.ctrl, C_DRAINED, 1);
  Atomics.notify(th.ctrl, C_DRAINED);
  waitDetached(th, C_DRAINED, mutators, 'the drain barrier');
  // End 4: release the pinned hand-back references: non-owner decrefs, queued for the owners.
  const queuedBefore = t.queued;
  for (const x of pinned) {
    r.handbacksReleased++;
    if (!usable(th, r, x, 'hand-back')) continue;
    try {
      decref(t, x);
    } catch (error) {
      onFatal(error, 'hand-back release');
    }
  }
  r.handbacksQueued = t.queued - queuedBefore;
  ctx.setCounter(0, 4);
  Atomics.add(th.ctrl, C_RELEASED, 1);
  Atomics.notify(th.ctrl, C_RELEASED);
  waitDetached(th, C_FINAL_DONE, 1, 'the final collection');
  // End 5: what the final collection left in this thread's queue, then leave.
  ctx.setCounter(0, 6);
  r.queueAfterFinal = mergeQueueLength(t);
  r.queued = t.queued;
  r.allocated = serialsUsed() - me * p.tables.serialsPerWorker;
  closeThread(th);
  r.problems = log.problems;
  return r;
}

runStressWorker<GcStressParams>((ctx) => {
  try {
    return ctx.role === 'collector' ? collector(ctx) : mutator(ctx);
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    Atomics.notify(ctx.params.ctrl, C_ABORT);
    throw error;
  }
});
