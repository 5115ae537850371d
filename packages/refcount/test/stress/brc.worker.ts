/**
 * A worker of the BRC stress scenarios (brc.scenario.ts describes the run,
 * the roles, the shutdown and the controls).
 */

import { attach, detach, EVAL_EXPLICIT_MERGE_BIT, FatalError, participantCreate, participantDelete, safePoint, setEvalBreakerHandler, SharedHeap } from '@ft/atomics';
import { HandOffRings, RINGS_DONE_INDEX, runStressWorker } from '@ft/harness';
import { miStats, miThreadExit, miThreadInit } from '@ft/mimalloc';
import { FreeCallbackRegistry, qsbrAttach, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '@ft/qsbr';
import {
  allocObject,
  deallocate,
  decref,
  explicitMergeRefcount,
  IMMORTAL_REFCNT_LOCAL,
  incref,
  mergeRequested,
  processMergeQueue,
  rcThreadExit,
  rcThreadInit,
  type RcThread,
} from '../../src/index.js';
import { OB_REF_LOCAL_INDEX, OB_REF_SHARED_INDEX, OB_TID_INDEX } from '../../src/layout.js';
import { attachDeathLog, buildBrcRegistry, checkWord, deathLog, OBJ_CHECK_INDEX, OBJ_CREATOR_INDEX, OBJ_SERIAL_INDEX, SERIAL_ALIVE } from './brc-objects.js';
import type { BrcParams, BrcResult } from './brc.scenario.js';
import { RINGS_EARLY_EXITED_INDEX, RINGS_QUIET_INDEX, RINGS_SAMPLED_INDEX } from './brc-objects.js';

/** Give up draining after this long (a dead peer must not hang the run). */
const DRAIN_DEADLINE_MS = 30_000;

runStressWorker<BrcParams>((ctx) => {
  const p = ctx.params;
  const me = ctx.index;
  const early = ctx.role === 'early';
  const rings = p.rings;
  const table = p.serials;
  const started = performance.now();
  const result: BrcResult = {
    role: ctx.role,
    ops: 0,
    allocs: 0,
    heapTypeAllocs: 0,
    increfs: 0,
    decrefs: 0,
    sent: 0,
    received: 0,
    ringFull: 0,
    queued: 0,
    merged: 0,
    mergedForExited: 0,
    mergeRequests: 0,
    deallocs: 0,
    heapTypeDeallocs: 0,
    crossDeallocs: 0,
    heapTypeCrossDeallocs: 0,
    mergeDeallocs: 0,
    ownerMerges: 0,
    pinnedReleased: 0,
    generations: 0,
    qsbrPendingPages: 0,
    liveBlocksAtQuiet: 0,
    doubleDeallocs: 0,
    badDeallocs: 0,
    deadAccesses: 0,
    bodyMismatches: 0,
    refcountErrors: 0,
    sabotaged: 0,
    allocFailures: 0,
    serialsExhausted: 0,
    ownedAliveAtExit: 0,
    exitedAtMs: 0,
    problems: [],
  };
  const problem = (message: string): void => {
    if (result.problems.length < 4) result.problems.push(message);
  };
  let markedDone = false;
  const markDone = (): void => {
    if (markedDone) return;
    markedDone = true;
    Atomics.add(rings, RINGS_DONE_INDEX, 1);
    Atomics.notify(rings, RINGS_DONE_INDEX);
  };

  let markedQuiet = false;
  const markQuiet = (): void => {
    if (markedQuiet || ctx.role !== 'peer') return;
    markedQuiet = true;
    Atomics.add(rings, RINGS_QUIET_INDEX, 1);
    Atomics.notify(rings, RINGS_QUIET_INDEX);
  };

  try {
    const heap = SharedHeap.attach(p.heap);
    const q = p.qsbr !== 0 ? qsbrRegister(heap, p.qsbr, new FreeCallbackRegistry()) : null;
    if (q !== null) qsbrAttach(q);
    const mi = miThreadInit(heap, p.mi, q);
    const { registry } = buildBrcRegistry(p.sabotage === 'registry' && me === 1);
    attachDeathLog(table, me, p.heapType);
    // With the world, merge requests come through the participant's eval breaker.
    const participant = p.group !== 0 ? participantCreate(heap, p.group) : null;
    if (participant !== null) attach(participant);
    const t: RcThread = rcThreadInit(heap, p.rc, registry, participant !== null ? { mi, participant } : { mi });
    const u32 = t.u32;
    const i32 = t.i32;
    const rng = ctx.rng;
    const mail = new HandOffRings(rings, { workers: ctx.workers, capacity: p.ringCapacity, entryWords: 2 }, me);
    // Early workers and peers send to peers only: an early worker receives nothing, so it can leave at any time.
    const peers = p.roles.map((role, w) => (role === 'peer' && w !== me ? w : -1)).filter((w) => w >= 0);
    const slots = p.slots;
    const slotOp = new Uint32Array(slots);
    const slotSerial = new Uint32Array(slots);
    let nextSerial = me * p.serialsPerWorker;
    const serialEnd = nextSerial + p.serialsPerWorker;
    const budget = early ? (Number.isFinite(ctx.opsBudget) ? Math.floor(ctx.opsBudget / 3) : p.earlyOpsTimed) : ctx.opsBudget;
    const sabotage = p.sabotage;
    const ownerMergeOneIn = p.ownerMergeOneIn;

    const onFatal = (error: unknown, what: string, op: number): void => {
      if (!(error instanceof FatalError)) throw error;
      result.refcountErrors++;
      problem(`${what} ${op}: ${error.message}`);
    };

    /** The holder's check before touching a held reference: intact body, serial ALIVE. */
    const live = (op: number, serial: number, what: string): boolean => {
      const i = op >>> 2;
      if (u32[i + OBJ_SERIAL_INDEX] !== serial || u32[i + OBJ_CHECK_INDEX] !== checkWord(serial)) {
        result.bodyMismatches++;
        problem(`${what}: object ${op} should hold serial ${serial}, holds ${u32[i + OBJ_SERIAL_INDEX].toString(16)} (poisoned or reused)`);
        return false;
      }
      const state = Atomics.load(table, serial);
      if (state !== SERIAL_ALIVE) {
        result.deadAccesses++;
        problem(`${what}: object ${op} (serial ${serial}) is marked ${state}, not ALIVE, while referenced`);
        return false;
      }
      return true;
    };

    /** Drops a reference, the control's broken way for the objects it breaks. */
    const doDecref = (op: number): void => {
      result.decrefs++;
      if (sabotage === 'none' || sabotage === 'registry') {
        decref(t, op);
        return;
      }
      const i = op >>> 2;
      const tid = Atomics.load(u32, i + OB_TID_INDEX);
      if (tid === 0 || tid === t.tid || u32[i + OB_REF_LOCAL_INDEX] === IMMORTAL_REFCNT_LOCAL) {
        decref(t, op);
        return;
      }
      if (sabotage === 'nonowner-local') {
        // The bug: a non-owner decrements the owner's ob_ref_local with a plain read and write.
        result.sabotaged++;
        t.refTotal--;
        const local = u32[i + OB_REF_LOCAL_INDEX];
        for (let s = 0; s < p.holdSpins; s++) if (Atomics.load(u32, i + OB_TID_INDEX) === 0xffffffff) break;
        u32[i + OB_REF_LOCAL_INDEX] = local - 1;
        if (local === 1 && Atomics.load(i32, i + OB_REF_SHARED_INDEX) === 0) deallocate(t, op);
      } else if (Atomics.load(i32, i + OB_REF_SHARED_INDEX) === 0) {
        // 'no-queue': a shared count at zero is taken for "the last reference" instead of queueing for the owner.
        result.sabotaged++;
        t.refTotal--;
        deallocate(t, op);
      } else {
        decref(t, op);
      }
    };

    /** Releases the reference in `slot` (after checking it). */
    const release = (slot: number): void => {
      const op = slotOp[slot];
      const serial = slotSerial[slot];
      slotOp[slot] = 0;
      if (!live(op, serial, 'decref')) return;
      try {
        doDecref(op);
      } catch (error) {
        onFatal(error, 'decref', op);
      }
    };

    const put = (slot: number, op: number, serial: number): void => {
      if (slotOp[slot] !== 0) release(slot);
      slotOp[slot] = op;
      slotSerial[slot] = serial;
    };

    const allocate = (slot: number): void => {
      if (nextSerial >= serialEnd) {
        result.serialsExhausted++;
        return;
      }
      const heapInstance = rng.nextInt(2) === 0;
      const op = allocObject(t, heapInstance ? p.heapType : p.staticType);
      if (op === 0) {
        result.allocFailures++;
        problem('allocObject returned 0');
        return;
      }
      const serial = nextSerial++;
      if (Atomics.load(table, serial) !== 0) problem(`serial ${serial} was not FREE at allocation`);
      Atomics.store(table, serial, SERIAL_ALIVE);
      const i = op >>> 2;
      // SAFETY: the object is not yet visible to any other thread (published through the rings).
      u32[i + OBJ_SERIAL_INDEX] = serial;
      u32[i + OBJ_CREATOR_INDEX] = me + 1;
      u32[i + OBJ_CHECK_INDEX] = checkWord(serial);
      result.allocs++;
      if (heapInstance) result.heapTypeAllocs++;
      put(slot, op, serial);
    };

    /** Takes one more reference to the object in `from` into `slot`. */
    const dup = (from: number, slot: number): void => {
      const op = slotOp[from];
      const serial = slotSerial[from];
      if (op === 0 || from === slot) return;
      if (!live(op, serial, 'incref')) {
        slotOp[from] = 0;
        return;
      }
      try {
        incref(t, op);
      } catch (error) {
        onFatal(error, 'incref', op);
        return;
      }
      result.increfs++;
      if (ownerMergeOneIn > 0 && Atomics.load(u32, (op >>> 2) + OB_TID_INDEX) === t.tid && rng.nextInt(ownerMergeOneIn) === 0) {
        // What the GC (or Py_SET_REFCNT) does to an object it owns: merge both counts now.
        try {
          explicitMergeRefcount(t, op, 0);
          result.ownerMerges++;
        } catch (error) {
          onFatal(error, 'explicitMergeRefcount', op);
        }
      }
      put(slot, op, serial);
    };

    /** Hands the reference in `slot` to a peer; released here when no ring has room. */
    const send = (slot: number): void => {
      const op = slotOp[slot];
      const serial = slotSerial[slot];
      if (op === 0) return;
      if (peers.length > 0) {
        if (!live(op, serial, 'send')) {
          slotOp[slot] = 0;
          return;
        }
        const to = peers[rng.nextInt(peers.length)];
        if (mail.send(to, op, serial)) {
          slotOp[slot] = 0;
          result.sent++;
          return;
        }
        result.ringFull++;
      }
      release(slot);
    };

    // References from the early worker that this peer keeps until it has exited (see pinPerPeer).
    const pinnedOp = new Uint32Array(p.pinPerPeer);
    const pinnedSerial = new Uint32Array(p.pinPerPeer);
    let pinned = 0;
    const earlyWorker = p.roles.indexOf('early');
    const releasePinned = (): void => {
      for (let k = 0; k < pinned; k++) {
        if (!live(pinnedOp[k], pinnedSerial[k], 'pinned decref')) continue;
        result.pinnedReleased++;
        try {
          doDecref(pinnedOp[k]);
        } catch (error) {
          onFatal(error, 'decref', pinnedOp[k]);
        }
      }
      pinned = -1; // pin no more
    };

    let stopping = false;
    const receiveEntry = (e: number, from: number): void => receive(rings[e]! >>> 0, rings[e + 1]! >>> 0, from);
    const receive = (op: number, serial: number, from: number): void => {
      result.received++;
      if (!live(op, serial, 'received')) return;
      if (from === earlyWorker && pinned >= 0 && pinned < p.pinPerPeer && !stopping) {
        pinnedOp[pinned] = op;
        pinnedSerial[pinned] = serial;
        pinned++;
        return;
      }
      if (stopping) {
        try {
          doDecref(op);
        } catch (error) {
          onFatal(error, 'decref', op);
        }
        return;
      }
      put(rng.nextInt(slots), op, serial);
    };

    const merge = (): void => {
      result.mergeRequests++;
      deathLog.merging = true;
      try {
        result.merged += processMergeQueue(t);
      } catch (error) {
        onFatal(error, 'processMergeQueue', 0);
      } finally {
        deathLog.merging = false;
      }
    };
    // rcThreadInit registered processMergeQueue for bit 6; this one also counts.
    if (participant !== null) setEvalBreakerHandler(participant, EVAL_EXPLICIT_MERGE_BIT, merge);
    const mergeIfRequested = (): void => {
      // The eval-breaker check: the world's safe point, or the thread's own word.
      if (participant !== null) safePoint(participant);
      else if (mergeRequested(t)) merge();
    };

    const publish = (): void => {
      ctx.progress(result.ops);
      ctx.setCounter(0, result.allocs);
      ctx.setCounter(1, deathLog.deallocs);
      ctx.setCounter(2, result.deadAccesses + result.bodyMismatches + result.refcountErrors + deathLog.doubleDeallocs + deathLog.badDeallocs);
      ctx.setCounter(3, result.received);
      ctx.setCounter(4, result.sent);
    };

    const { allocPct, dupPct, sendPct } = p;
    while (result.ops < budget && !ctx.stopRequested()) {
      const r = rng.nextInt(100);
      const slot = rng.nextInt(slots);
      if (r < allocPct) allocate(slot);
      else if (r < allocPct + dupPct) dup(rng.nextInt(slots), slot);
      else if (r < allocPct + dupPct + sendPct) send(slot);
      else if (slotOp[slot] !== 0) release(slot);
      result.ops++;
      if ((result.ops & 7) === 0 && !early && mail.inboxNonEmpty()) mail.drain(receiveEntry);
      if ((result.ops & 15) === 0) mergeIfRequested();
      if (q !== null && (result.ops & 31) === 0) qsbrQuiescentState(q);
      if (p.generationOps > 0 && result.ops % p.generationOps === 0) {
        // A generation dies: every held reference is released at once, so whole pages empty.
        for (let k = 0; k < slots; k++) if (slotOp[k] !== 0) release(k);
        result.generations++;
      }
      if ((result.ops & 1023) === 0) {
        publish();
        if (pinned > 0 && Atomics.load(rings, RINGS_EARLY_EXITED_INDEX) !== 0) releasePinned();
      }
    }
    publish();
    if (pinned > 0) releasePinned();

    // Shutdown 1: hand every held reference to a peer (released here when none can take it).
    stopping = true;
    for (let slot = 0; slot < slots; slot++) if (slotOp[slot] !== 0) send(slot);
    mergeIfRequested();
    // Shutdown 2: say so; every send this worker made happened before this add.
    markDone();
    ctx.setCounter(5, 1);

    if (!early) {
      // Shutdown 3: drain until every worker is done and, after that was seen, the inboxes are empty.
      const deadline = Date.now() + DRAIN_DEADLINE_MS;
      for (;;) {
        const done = Atomics.load(rings, RINGS_DONE_INDEX);
        const n = mail.inboxNonEmpty() ? mail.drain(receiveEntry) : 0;
        mergeIfRequested();
        if (q !== null) qsbrQuiescentState(q);
        if (done >= ctx.workers && n === 0) break;
        if (n === 0) {
          if (Date.now() > deadline) throw new Error(`worker ${me}: peers not done after ${DRAIN_DEADLINE_MS} ms (${done}/${ctx.workers})`);
          Atomics.wait(rings, RINGS_DONE_INDEX, done, 1);
        }
      }
      // Shutdown 4: a barrier of the peers. Past it nobody sends, receives or
      // allocates until the first peer has read miStats — a quiet moment with
      // every peer still registered, so the QSBR-delayed pages are theirs.
      const peerCount = p.roles.filter((role) => role === 'peer').length;
      const firstPeer = p.roles.indexOf('peer');
      markQuiet();
      const waitFor = (index: number, value: number, what: string): void => {
        for (;;) {
          const seen = Atomics.load(rings, index);
          if (seen >= value) return;
          if (Date.now() > deadline) throw new Error(`worker ${me}: ${what} not reached after ${DRAIN_DEADLINE_MS} ms (${seen}/${value})`);
          Atomics.wait(rings, index, seen, 1);
        }
      };
      if (me === firstPeer) {
        waitFor(RINGS_QUIET_INDEX, peerCount, 'the quiet barrier');
        const stats = miStats(mi);
        result.qsbrPendingPages = stats.qsbrPendingPages;
        result.liveBlocksAtQuiet = stats.liveBlocks;
        Atomics.store(rings, RINGS_SAMPLED_INDEX, 1);
        Atomics.notify(rings, RINGS_SAMPLED_INDEX);
      } else {
        waitFor(RINGS_SAMPLED_INDEX, 1, 'the sample');
      }
    }

    deathLog.merging = true;
    try {
      rcThreadExit(t);
    } catch (error) {
      onFatal(error, 'rcThreadExit', 0);
    } finally {
      deathLog.merging = false;
    }
    result.queued = t.queued;
    result.mergedForExited = t.mergedForExited;
    result.exitedAtMs = performance.now() - started;
    ctx.setCounter(5, 2);
    if (early) {
      Atomics.store(rings, RINGS_EARLY_EXITED_INDEX, 1);
      // Objects of this (now exited) owner that peers still hold or that are still in the rings.
      for (let s = me * p.serialsPerWorker; s < nextSerial; s++) if (Atomics.load(table, s) === SERIAL_ALIVE) result.ownedAliveAtExit++;
    }
    if (participant !== null) {
      detach(participant);
      participantDelete(participant);
    }
    miThreadExit(mi);
    if (q !== null) qsbrUnregister(q);
    heap.close();
    const log = deathLog;
    result.deallocs = log.deallocs;
    result.heapTypeDeallocs = log.heapTypeDeallocs;
    result.crossDeallocs = log.crossDeallocs;
    result.heapTypeCrossDeallocs = log.heapTypeCrossDeallocs;
    result.mergeDeallocs = log.mergeDeallocs;
    result.doubleDeallocs = log.doubleDeallocs;
    result.badDeallocs = log.badDeallocs;
    for (const m of log.problems) problem(m);
    publish();
    return result;
  } catch (error) {
    // A failing worker still counts as done (and quiet, and sampled), so that its peers' waits end.
    markDone();
    markQuiet();
    Atomics.store(rings, RINGS_SAMPLED_INDEX, 1);
    Atomics.notify(rings, RINGS_SAMPLED_INDEX);
    throw error;
  }
});
