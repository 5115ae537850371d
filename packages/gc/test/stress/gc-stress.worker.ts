/**
 * A worker of the GC stress scenario (gc-stress.scenario.ts describes the
 * run, the roles, the end and the controls). Worker 0 collects, the others
 * mutate. Hang dumps show user counter 0: the phase (1 mutating or
 * collecting, 2 waiting for a collection after the hand-backs and draining,
 * 3 at the barrier, 4 released and parked, 5 final collections, 6 leaving,
 * 7 a leaver waiting for its turn and acknowledgements, 8 a leaver gone) and
 * counter 1: a mutator's next serial, the collector's collections; the
 * collector's counter 2: its epoch (1 frozen, 2 DEBUG_SAVEALL).
 */

import { attach, detach, EVAL_EXPLICIT_MERGE_BIT, participantCreate, participantDelete, safePoint, setEvalBreakerHandler, SharedHeap, type Participant } from '@ft/atomics';
import { HandOffRings, runStressWorker, type StressWorkerContext } from '@ft/harness';
import { miBlockOwner, miFree, miMalloc, miThreadExit, miThreadInit } from '@ft/mimalloc';
import { decref, hasDeferredRefcount, incref, mergeQueueLength, OB_REF_SHARED_OFFSET, OB_TID_OFFSET, processMergeQueue, rcThreadExit, rcThreadInit, type RcThread } from '@ft/refcount';
import { collectSeams } from '../../src/collect.js';
import {
  DEBUG_SAVEALL,
  gcClearGarbage,
  gcCollect,
  gcDisable,
  gcEnable,
  gcFreeze,
  gcGarbage,
  gcGetFreezeCount,
  gcGetStats,
  gcSetDebug,
  gcThreadExit,
  gcThreadInit,
  gcUnfreeze,
  type GcThread,
} from '../../src/index.js';
import {
  buildGcStressRegistry,
  creatorExited,
  CREATOR_OFFSET,
  deref,
  describeLive,
  gcStressHooks,
  getSlotRef,
  GRAVE_SLOTS,
  inAbandonedSegment,
  isLegacy,
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
  OWNER_ADOPTED,
  OWNER_BAD,
  OWNER_MERGED,
  ownerKind,
  ownerStatusOk,
  problem,
  REF_SERIAL_OFFSET,
  SERIAL_ALIVE,
  SERIAL_DEAD,
  SERIAL_OFFSET,
  serialsUsed,
  setSlot,
  slotCount,
  STACK_SLOTS,
  stackAt,
  stackPop,
  stackPush,
  stackSerialAt,
} from './gc-stress-objects.js';
import {
  C_ABORT,
  C_COLLECTIONS_AFTER_READY,
  C_DONE,
  C_DRAINED,
  C_FINAL_DONE,
  C_HANDBACKS_READY,
  C_ACKS,
  C_ADOPTED,
  C_ADOPTEE_TID,
  C_HOLD,
  C_IDLE,
  C_INFLIGHT,
  C_LEAVING,
  C_LEFT,
  C_RELEASED,
  type CollectorResult,
  type GcStressParams,
  type GcWorkerResult,
  type MutatorResult,
} from './gc-stress.scenario.js';

type Ctx = StressWorkerContext<GcStressParams>;

/** The adopter's blocks: plain mimalloc blocks, at most this many (128 MiB). */
const ADOPTION_BLOCK_SIZE = 32 << 10;
const ADOPTION_BLOCKS_MAX = 4096;

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
    exitedHeld: 0,
    exitedMerged: 0,
    exitedAdopted: 0,
    exitedBad: 0,
    stackBad: 0,
    stackWitnessChecked: 0,
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
 * Whether collections must not start now: from the adoptee's leave until
 * the adopter has reclaimed one of its segments (scenario file comment),
 * so that the adoptee's objects are still unmerged, with its tid, when a
 * collection first meets them in a reclaimed segment.
 */
function collectionsHeld(ctrl: Int32Array): boolean {
  return Atomics.load(ctrl, C_HOLD) !== 0;
}

/**
 * gcCollect unless collections are held (then 0). The in-flight count lets
 * the leaving worker wait until no such call can still start a collection:
 * a caller counts itself in before it reads the hold, the adoptee sets the
 * hold before it reads the count (sequentially consistent: one sees the
 * other). Automatic collections are held with gcDisable.
 */
function gatedCollect(th: Thread): number {
  Atomics.add(th.ctrl, C_INFLIGHT, 1);
  try {
    return collectionsHeld(th.ctrl) ? 0 : gcCollect(th.gt);
  } finally {
    Atomics.sub(th.ctrl, C_INFLIGHT, 1);
  }
}

/**
 * Checks a held reference before use; counts what is wrong. Returns false
 * when the object must not be touched (dead, poisoned, cleared); a wrong
 * ob_tid is counted but the object is still usable. Objects whose creator
 * left the run are counted apart (what their ob_tid said).
 */
function usable(th: Thread, r: GcWorkerResult, op: number, what: string): boolean {
  const status = liveStatus(th.t, op);
  if (status !== LIVE_OK) {
    if (status === LIVE_BODY) r.bodyMismatches++;
    else if (status === LIVE_DEAD) r.deadAccesses++;
    else if (status === LIVE_CLEARED) r.clearedAccesses++;
    if (status !== LIVE_BODY && creatorExited(th.t, op)) r.exitedBad++;
    problem(`${what}: ${describeLive(th.t, op, status)}`);
    return false;
  }
  const kind = ownerKind(th.t, op);
  const exited = creatorExited(th.t, op);
  if (exited) {
    r.exitedHeld++;
    if (kind === OWNER_MERGED && inAbandonedSegment(op)) r.exitedMerged++;
    else if (kind === OWNER_ADOPTED) r.exitedAdopted++;
  }
  if (kind === OWNER_BAD) {
    r.ownerViolations++;
    if (exited) r.exitedBad++;
    problem(`${what}: ${op.toString(16)} has ob_tid ${Atomics.load(th.t.u32, (op + OB_TID_OFFSET) >>> 2)} (creator ${th.t.u32[(op + CREATOR_OFFSET) >>> 2]}${exited ? ', which left' : ''}) and shared word ${Atomics.load(th.t.i32, (op + OB_REF_SHARED_OFFSET) >>> 2)}`);
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
  const gt = gcThreadInit(t, p.gc, registry, gcStressHooks({ stacks: p.control !== 'skip-stacks' }));
  joinGcStress(gt, p.tables, ctx.index);
  // The controls: this isolate's collections skip a step (the seams are per isolate).
  collectSeams.drainMergeQueues = p.control !== 'skip-drain';
  collectSeams.restoreTid = p.control !== 'keep-tid';
  return { heap, participant, t, gt, ctrl: p.ctrl, deadline: Date.now() + 600_000 };
}

/**
 * A thread leaving mid-run, as CPython deletes a thread state: the
 * collector's count flushed, the refcount record removed (its merge queue
 * drained: deallocs may run, so still attached), then the mimalloc heaps
 * abandoned — still attached, so that no collection visits them half
 * abandoned (CPython abandons them before the thread state is unlinked) —
 * then the participant and the tid given up. Its tid is marked exited
 * first: from then on a collection may give its objects another owner.
 */
function leaveThread(th: Thread, exited: Uint8Array): void {
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
  Atomics.store(exited, th.t.tid, 1);
  miThreadExit(mi);
  detach(th.participant);
  participantDelete(th.participant);
  th.heap.close();
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
  const r: CollectorResult = {
    ...base,
    role: 'collector',
    collections: 0,
    finalRounds: 0,
    finalFound: 0,
    leftAfterFinal: 0,
    leftSamples: [],
    ownCollectionTimeouts: 0,
    legacyReachFinalized: 0,
    freezeEpochs: 0,
    frozenWitnesses: 0,
    frozenWitnessCollected: 0,
    unfrozenLeft: 0,
    freezeCountAfterUnfreeze: 0,
    saveAllEpochs: 0,
    savedWitnesses: 0,
    savedWitnessMissing: 0,
    savedChecked: 0,
    savedNotFreed: 0,
    legacyWitnesses: 0,
    legacyWitnessMissing: 0,
    garbageEntries: 0,
    legacyInGarbage: 0,
    garbageDuplicates: 0,
    garbageBad: 0,
    garbageNotLegacy: 0,
  };
  const rng = ctx.rng;
  const t = th.t;
  const serials = p.tables.serials;
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
  const sleepDetached = (ms: number): void => {
    detach(th.participant);
    Atomics.wait(th.ctrl, C_IDLE, 0, ms);
    attach(th.participant);
  };
  const collect = (what: string): number => {
    try {
      return gatedCollect(th);
    } catch (error) {
      onFatal(error, what);
      return 0;
    }
  };
  /**
   * Runs collections until one runs on this thread ('stop' callback): its
   * first pause came after everything this thread did before the call.
   * gcCollect returns 0 without collecting while another thread collects.
   */
  const collectOwn = (): void => {
    for (let attempt = 0; attempt < 2000; attempt++) {
      const before = log.collections;
      const fatalBefore = log.fatalErrors;
      collect('gcCollect (own)');
      if (log.collections > before || log.fatalErrors > fatalBefore) return;
      if (Atomics.load(th.ctrl, C_ABORT) !== 0) break;
      sleepDetached(1);
    }
    r.ownCollectionTimeouts++;
    problem('no collection of its own within 2000 attempts');
  };
  const drop = (op: number, what: string): void => {
    try {
      decref(t, op);
    } catch (error) {
      onFatal(error, what);
    }
  };
  /**
   * `n` 2-cycles a ↔ b made on this thread, still held: [a, b, a, b, ...].
   * With `legacy`, a has a legacy finalizer and b a finalizer (which must
   * not run while a reaches b: what a legacy finalizer reaches is left out
   * of finalize_garbage).
   */
  const cycles = (n: number, legacy: boolean): number[] => {
    const made: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = newNode(t, 1, false, legacy);
      const b = newNode(t, 1, legacy);
      if (a === 0 || b === 0) throw new Error('the collector ran out of serials for its witnesses');
      setSlot(t, a, 0, b);
      setSlot(t, b, 0, a);
      made.push(a, b);
    }
    return made;
  };
  const serialOf = (op: number): number => t.u32[(op + SERIAL_OFFSET) >>> 2]; // SAFETY: immutable while op lives

  /**
   * Checks gc.garbage and empties it, as a program does: every entry once,
   * alive and uncleared with all it reaches (a walk), only legacy objects
   * unless `savingAll`, every `expectLegacy` there and the serials
   * `expectUnfinalized` not finalized; the legacy objects' cycles broken by
   * hand, then gcClearGarbage.
   */
  const processGarbage = (savingAll: boolean, expectLegacy: readonly number[], expectUnfinalized: readonly number[] = []): void => {
    const entries = gcGarbage(th.gt);
    r.garbageEntries += entries.length;
    const seen = new Set<number>();
    const legacy: number[] = [];
    for (const op of entries) {
      if (seen.has(op)) {
        r.garbageDuplicates++;
        problem(`${op.toString(16)} is in gc.garbage twice`);
        continue;
      }
      seen.add(op);
      if (!usable(th, r, op, 'gc.garbage') || !walk(th, r, op, 256, 'gc.garbage walk').ok) {
        r.garbageBad++;
        continue;
      }
      if (isNode(t, op) && isLegacy(t, op)) {
        legacy.push(op);
      } else if (!savingAll) {
        r.garbageNotLegacy++;
        problem(`${op.toString(16)} (serial ${serialOf(op)}) is in gc.garbage without a legacy finalizer, DEBUG_SAVEALL off`);
      }
    }
    for (const op of expectLegacy) {
      if (!seen.has(op)) {
        r.legacyWitnessMissing++;
        problem(`legacy witness ${op.toString(16)} is not in gc.garbage`);
      }
    }
    for (const serial of expectUnfinalized) {
      if (Atomics.load(p.tables.finalized, serial) !== 0) {
        r.legacyReachFinalized++;
        problem(`serial ${serial}, reachable only from a legacy witness, was finalized`);
      }
    }
    r.legacyInGarbage += legacy.length;
    try {
      for (const op of legacy) for (let i = 0; i < slotCount(t, op); i++) setSlot(t, op, i, 0);
      gcClearGarbage(th.gt);
    } catch (error) {
      onFatal(error, 'gc.garbage release');
    }
  };

  // --- the epochs: gc.freeze(), then DEBUG_SAVEALL -------------------------------
  let frozen: number[] = [];
  let freezing = false;
  let savingAll = false;
  const EPOCH_FREEZE = 4;
  const EPOCH_UNFREEZE = 12;
  const EPOCH_SAVEALL = 18;
  const EPOCH_SAVEALL_END = 26;
  const freezeStart = (): void => {
    const made = cycles(2, false);
    frozen = made.map(serialOf);
    r.frozenWitnesses += made.length;
    r.freezeEpochs++;
    gcFreeze(th.gt);
    freezing = true;
    ctx.setCounter(2, 1);
    // Frozen garbage from now on.
    for (const op of made) drop(op, 'frozen witness');
    // A deferred object held only on this thread's stack, made after the freeze (not frozen): with the mark-alive
    // pre-pass off while frozen, only the stack references counted in gc_refs keep it alive.
    const witness = newNode(t, 1, false, false, true);
    if (witness === 0) throw new Error('the collector ran out of serials for its witnesses');
    stackPush(t, 0, witness);
    drop(witness, 'stack witness');
  };
  const checkFrozen = (): void => {
    frozen = frozen.filter((serial) => {
      if (Atomics.load(serials, serial) === SERIAL_ALIVE) return true;
      r.frozenWitnessCollected++;
      problem(`frozen witness serial ${serial} is ${Atomics.load(serials, serial)} while frozen`);
      return false;
    });
  };
  const freezeEnd = (): void => {
    checkFrozen();
    // One more collection of its own while frozen (pre-pass off), then the stack witness must be alive.
    collectOwn();
    checkFrozen();
    if (stackAt(0) !== 0) {
      r.stackWitnessChecked++;
      if (!usable(th, r, stackAt(0), 'stack witness (frozen)') || serialOf(stackAt(0)) !== stackSerialAt(0)) {
        r.stackBad++;
        problem('the deferred witness on the collector\'s stack did not survive a collection with the pre-pass off');
      }
      stackPop(0);
    }
    gcUnfreeze(th.gt);
    freezing = false;
    ctx.setCounter(2, 0);
    const count = gcGetFreezeCount(th.gt);
    if (count !== 0) {
      r.freezeCountAfterUnfreeze += count;
      problem(`gc.get_freeze_count() is ${count} right after gc.unfreeze()`);
    }
    collectOwn();
    for (const serial of frozen) {
      if (Atomics.load(serials, serial) !== SERIAL_DEAD) {
        r.unfrozenLeft++;
        problem(`frozen witness serial ${serial} is ${Atomics.load(serials, serial)} after unfreeze and a collection`);
      }
    }
    frozen = [];
  };
  let savedWitness: number[] = [];
  let savedWitnessSerials: number[] = [];
  const saveAllStart = (): void => {
    // Legacy witnesses first, DEBUG_SAVEALL off: uncollectable, to gc.garbage with what they reach.
    const legacy = cycles(2, true);
    const partners = legacy.filter((_, i) => i % 2 === 1).map(serialOf);
    r.legacyWitnesses += legacy.length / 2;
    for (const op of legacy) drop(op, 'legacy witness');
    collectOwn();
    processGarbage(
      false,
      legacy.filter((_, i) => i % 2 === 0),
      partners,
    );
    // Then everything unreachable is kept.
    gcSetDebug(th.gt, DEBUG_SAVEALL);
    savingAll = true;
    r.saveAllEpochs++;
    ctx.setCounter(2, 2);
    savedWitness = cycles(2, false);
    savedWitnessSerials = savedWitness.map(serialOf);
    r.savedWitnesses += savedWitness.length;
    for (const op of savedWitness) drop(op, 'saved witness');
    collectOwn();
    const garbage = new Set(gcGarbage(th.gt));
    for (const op of savedWitness) {
      if (!garbage.has(op)) {
        r.savedWitnessMissing++;
        problem(`DEBUG_SAVEALL witness ${op.toString(16)} is not in gc.garbage after a collection`);
      }
    }
  };
  const saveAllEnd = (): void => {
    gcSetDebug(th.gt, 0);
    savingAll = false;
    ctx.setCounter(2, 0);
    // Past this collection no collection that read DEBUG_SAVEALL on can still be running.
    collectOwn();
    const witnesses = savedWitnessSerials;
    processGarbage(true, []);
    // Released, the witnesses are garbage again (nothing else ever referenced them): the next collection frees them.
    // (Not so for everything saved: objects a legacy finalizer reaches were saved too, and other threads can reach
    // them through weakrefs, which are not cleared for them.)
    collectOwn();
    r.savedChecked += witnesses.length;
    for (const serial of witnesses) {
      if (Atomics.load(serials, serial) !== SERIAL_DEAD) {
        r.savedNotFreed++;
        problem(`serial ${serial}, a DEBUG_SAVEALL witness, is ${Atomics.load(serials, serial)} after its release and a collection`);
      }
    }
    savedWitness = [];
  };
  const epoch = (iteration: number): void => {
    if (p.epochPeriod <= 0) return;
    const phase = iteration % p.epochPeriod;
    try {
      if (freezing) checkFrozen();
      // Their own collections would wait for the hold to end: this epoch's step is skipped.
      if (collectionsHeld(th.ctrl)) return;
      // An epoch ends at the first step outside its window, not only at its
      // last phase: a step skipped while collections are held must not leave
      // gc.freeze() or DEBUG_SAVEALL on into the next epoch.
      const inFreeze = phase >= EPOCH_FREEZE && phase < EPOCH_UNFREEZE;
      const inSaveAll = phase >= EPOCH_SAVEALL && phase < EPOCH_SAVEALL_END;
      if (freezing && !inFreeze) freezeEnd();
      else if (savingAll && !inSaveAll) saveAllEnd();
      else if (phase === EPOCH_FREEZE && !freezing && !savingAll) freezeStart();
      else if (phase === EPOCH_SAVEALL && !savingAll && !freezing) saveAllStart();
    } catch (error) {
      onFatal(error, 'epoch');
    }
  };

  // A collection count past this one means a collection started after every hand-back cycle was made (one may be running when they are seen).
  let before = -1;
  let iteration = 0;
  // Collect until every mutator is done mutating.
  while (Atomics.load(th.ctrl, C_DONE) < mutators) {
    if (Atomics.load(th.ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    try {
      safePoint(th.participant);
    } catch (error) {
      onFatal(error, 'safe point');
    }
    if (before < 0 && Atomics.load(th.ctrl, C_HANDBACKS_READY) >= mutators) before = totalCollections() + 1;
    collect('gcCollect');
    r.collections++;
    if (before >= 0) Atomics.store(th.ctrl, C_COLLECTIONS_AFTER_READY, Math.max(0, totalCollections() - before));
    epoch(++iteration);
    ctx.progress(r.collections);
    ctx.setCounter(1, r.collections);
    // Sleep detached: the mutators run (and may collect) meanwhile.
    sleepDetached(p.collectIntervalMs * (1 + rng.nextFloat()));
  }
  ctx.setCounter(0, 3);
  th.deadline = Date.now() + p.deadlineMs;
  if (p.adopter > 0) waitDetached(th, C_ADOPTED, 1, 'the adoption of a segment of the adoptee');
  try {
    if (freezing) freezeEnd();
    if (savingAll) saveAllEnd();
    // Short runs still get one epoch of each kind (the mutators are draining their inboxes meanwhile).
    if (p.epochPeriod > 0 && r.freezeEpochs === 0) {
      freezeStart();
      collectOwn();
      freezeEnd();
    }
    if (p.epochPeriod > 0 && r.saveAllEpochs === 0) {
      saveAllStart();
      saveAllEnd();
    }
  } catch (error) {
    onFatal(error, 'epoch end');
  }
  // The mutators drain, meet at their barrier, release their hand-back references and park.
  waitDetached(th, C_DRAINED, mutators, 'the drain barrier (collector)');
  waitDetached(th, C_RELEASED, mutators, 'the hand-back release');
  // The final collections: no mutator will pass another safe point, so only the collector's drain merges their queues.
  ctx.setCounter(0, 5);
  for (let round = 0; round < 12; round++) {
    r.finalRounds++;
    const found = collect('final gcCollect');
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
      drop(op, 'graveyard release');
    }
    // gc.garbage: the legacy objects' cycles broken by hand, the list emptied.
    const garbage = gcGarbage(th.gt).length;
    if (garbage > 0) processGarbage(false, []);
    if (found === 0 && released === 0 && garbage === 0) break;
  }
  // Whatever is still ALIVE now has leaked (nobody allocates or releases any more).
  const { serialsPerWorker } = p.tables;
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
    deferredNodes: 0,
    legacyNodes: 0,
    stackPushes: 0,
    stackUses: 0,
    stackLeft: 0,
    left: false,
    leftAtOps: 0,
    leftBehind: 0,
    adoptionBlocks: 0,
    adopted: false,
  };
  const mail = new HandOffRings(p.rings, { workers: ctx.workers, capacity: p.ringCapacity, entryWords: 3 }, me);
  // Where references go; the worker that leaves is taken out once it says so.
  let peers = Array.from({ length: ctx.workers }, (_, w) => w).filter((w) => w !== 0 && w !== me);
  const leaveAt = p.leavers.indexOf(me);
  const leaving = leaveAt >= 0;
  const ackedLeaves = new Set<number>();
  let adoptionDone = p.adopter !== me;
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
  /** A node: a finalizer 3 times in 10, a legacy finalizer `legacyPermille` in 1000, deferred counting `deferredPercent` in 100 (or when `deferred`). */
  const alloc = (n: number, deferred = false): number => {
    const legacy = rng.nextInt(1000) < p.legacyPermille;
    const finalizer = !legacy && rng.nextInt(10) < 3;
    const defer = deferred || rng.nextInt(100) < p.deferredPercent;
    const op = newNode(t, n, finalizer, legacy, defer);
    if (op === 0) {
      r.serialsExhausted++;
      return 0;
    }
    r.nodes++;
    if (legacy) r.legacyNodes++;
    if (defer) r.deferredNodes++;
    return op;
  };

  /** A worker that leaves said so: take it out of the targets and acknowledge (after which nothing is sent to it). */
  const ackLeave = (): void => {
    const w = Atomics.load(th.ctrl, C_LEAVING);
    if (w === 0 || w === me || ackedLeaves.has(w)) return;
    ackedLeaves.add(w);
    peers = peers.filter((x) => x !== w);
    Atomics.add(th.ctrl, C_ACKS + w, 1);
    Atomics.notify(th.ctrl, C_ACKS + w);
  };

  /**
   * The adopter, once the adoptee has left (collections are held
   * meanwhile): allocates plain blocks until its heap has reclaimed the
   * abandoned segment of one of the adoptee's objects it pins (mimalloc
   * reclaims an abandoned segment before it makes a new one), frees them,
   * and lets collections start again. The next collection gives the
   * adoptee's unmerged objects there this thread's tid (gc_restore_tid),
   * and this thread then counts their local counts as their owner.
   */
  const adopt = (): void => {
    if (adoptionDone) return;
    const adoptee = Atomics.load(th.ctrl, C_ADOPTEE_TID);
    if (adoptee === 0) return;
    adoptionDone = true;
    const mi = t.mi!;
    // SAFETY: the creator word is immutable while the object lives (pinned here).
    const theirs = pinned.filter((x) => t.u32[(x + CREATOR_OFFSET) >>> 2] === adoptee);
    const reclaimed = (): boolean => theirs.some((x) => miBlockOwner(mi, x) === t.tid);
    const blocks: number[] = [];
    try {
      while (blocks.length < ADOPTION_BLOCKS_MAX && !reclaimed()) {
        const b = miMalloc(mi, ADOPTION_BLOCK_SIZE);
        if (b === 0) break;
        blocks.push(b);
      }
      r.adoptionBlocks = blocks.length;
      r.adopted = reclaimed();
      if (!r.adopted) problem(`no segment of the worker that left reclaimed after ${blocks.length} blocks (${theirs.length} of its objects pinned here)`);
      for (const b of blocks) miFree(mi, b);
    } catch (error) {
      onFatal(error, 'adoption');
    } finally {
      gcEnable(th.gt);
      Atomics.store(th.ctrl, C_HOLD, 0);
      Atomics.store(th.ctrl, C_ADOPTED, 1);
      Atomics.notify(th.ctrl, C_ADOPTED);
    }
    // Sees the adoption through: collections (this thread's, or another's
    // that got there first) until one has given a pinned object of the
    // leaver's, in the reclaimed segment, this thread's tid; then checks
    // those objects, which counts them as adopted. Without this the run
    // could end before any collection met them (a coverage check failed so).
    if (!r.adopted) return;
    const mine = theirs.filter((x) => miBlockOwner(mi, x) === t.tid);
    const tidOf = (x: number): number => Atomics.load(t.u32, (x + OB_TID_OFFSET) >>> 2);
    // Done once one carries this tid, or once none can any more (all merged: ob_tid 0).
    const settled = (): boolean => mine.some((x) => tidOf(x) === t.tid) || mine.every((x) => tidOf(x) === 0);
    for (let tries = 0; tries < 50 && !settled(); tries++) {
      gatedCollect(th);
      safePoint(th.participant);
    }
    for (const x of mine) usable(th, r, x, 'a pinned object in a reclaimed segment');
  };

  /** Stack slot `k`'s reference, checked (alive, the object pushed): false when it must not be touched. */
  const stackUsable = (k: number, what: string): boolean => {
    const x = stackAt(k);
    if (!usable(th, r, x, what)) {
      r.stackBad++;
      return false;
    }
    if (t.u32[(x + SERIAL_OFFSET) >>> 2] !== stackSerialAt(k)) {
      r.stackBad++;
      r.bodyMismatches++;
      problem(`${what}: ${x.toString(16)} holds serial ${t.u32[(x + SERIAL_OFFSET) >>> 2]}, not the ${stackSerialAt(k)} pushed`);
      return false;
    }
    return true;
  };
  /** A free stack slot other than the witness's, or -1. */
  const freeStackSlot = (): number => {
    const k = 1 + rng.nextInt(STACK_SLOTS - 1);
    return stackAt(k) === 0 ? k : -1;
  };
  /** Pops every slot, each checked first (the pinned witness too). */
  const clearStack = (what: string): void => {
    for (let k = 0; k < STACK_SLOTS; k++) {
      if (stackAt(k) === 0) continue;
      r.stackUses++;
      stackUsable(k, what);
      stackPop(k);
    }
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
    ackLeave();
    adopt();
  };

  /** Hands the reference in root `k` to a peer (released here when the ring is full). */
  const send = (k: number): void => {
    const op = rootAt(k, 'send');
    if (op === 0) return;
    if (peers.length === 0) {
      release(k);
      return;
    }
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
  // The deferred witness: pinned on the stack with no counted reference at all (only the visitStacks hook keeps it alive).
  const witness = alloc(1, true);
  if (witness === 0) throw new Error('no serial for the deferred witness');
  stackPush(t, 0, witness);
  r.stackPushes++;
  decref(t, witness);
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
      if (rng.nextInt(2) === 0) gatedCollect(th);
    } else if (op < 973) {
      // Block for a moment, detached (a stop-the-world proceeds without us).
      r.sleeps++;
      detach(th.participant);
      Atomics.wait(th.ctrl, C_IDLE, 0, 0.2);
      attach(th.participant);
    } else if (op < 985) {
      // Push an uncounted reference to a deferred object (as a frame holds a function): a fresh one, or one from a
      // root; then, half the time, drop the counted reference — only the stack (and the hook) keep it alive.
      const slot = freeStackSlot();
      if (slot < 0) return;
      if (rng.nextInt(4) === 0) {
        const x = alloc(rng.nextInt(3), true);
        if (x === 0) return;
        stackPush(t, slot, x);
        r.stackPushes++;
        if (rng.nextInt(2) === 0) hold(k, x);
        else decref(t, x);
        return;
      }
      for (let a = 0; a < 8; a++) {
        const j = rng.nextInt(ROOTS);
        const x = roots[j];
        if (x === 0 || !isNode(t, x) || !hasDeferredRefcount(t, x)) continue;
        if (rootAt(j, 'stack push') === 0) return;
        stackPush(t, slot, x);
        r.stackPushes++;
        if (rng.nextInt(2) === 0) release(j);
        return;
      }
    } else if (op < 997) {
      // Use a stack reference (checked first: the collector must have counted it): turn it into a counted one,
      // link it into a root, walk it, or pop it.
      const slot = 1 + rng.nextInt(STACK_SLOTS - 1);
      if (stackAt(slot) === 0) return;
      r.stackUses++;
      if (!stackUsable(slot, 'stack')) {
        stackPop(slot);
        return;
      }
      const x = stackAt(slot);
      const c = rng.nextInt(4);
      if (c === 0) {
        incref(t, x);
        stackPop(slot);
        hold(k, x);
      } else if (c === 1) {
        const a = rootAt(k, 'link from stack');
        if (a !== 0 && isNode(t, a) && slotCount(t, a) > 0) setSlot(t, a, rng.nextInt(slotCount(t, a)), x);
      } else if (c === 2) {
        r.walks++;
        r.walked += walk(th, r, x, 64, 'stack walk').seen;
      } else {
        stackPop(slot);
      }
    }
  };

  /**
   * Leaving mid-run (scenario file comment): the others acknowledge, the
   * last deliveries are taken, garbage is left behind, the roots go to the
   * others, the pins and the stack are released, then the thread leaves.
   */
  const leave = (): MutatorResult => {
    ctx.setCounter(0, 7);
    th.deadline = Date.now() + p.deadlineMs;
    const idle = (): void => {
      if (Atomics.load(th.ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
      if (Date.now() > th.deadline) throw new Error('leaving: not done in time');
      poll();
      if (mail.inboxNonEmpty()) mail.drain(receiveEntry);
      detach(th.participant);
      Atomics.wait(th.ctrl, C_IDLE, 0, 0.2);
      attach(th.participant);
    };
    // One leave at a time (acknowledging the others' meanwhile, in poll).
    while (Atomics.compareExchange(th.ctrl, C_LEAVING, 0, me) !== 0) idle();
    Atomics.notify(th.ctrl, C_LEAVING);
    if (me === p.adoptee) {
      // Hold collections (gatedCollect, and the automatic ones with gcDisable) until the adopter has reclaimed a
      // segment; wait until no gated call can still start one, then run one here: none runs after it.
      gcDisable(th.gt);
      Atomics.store(th.ctrl, C_HOLD, 1);
      while (Atomics.load(th.ctrl, C_INFLIGHT) !== 0) idle();
      for (const before = log.collections; log.collections === before; ) {
        try {
          gcCollect(th.gt);
        } catch (error) {
          onFatal(error, 'gcCollect (leaving)');
          break;
        }
        if (log.collections === before) idle();
      }
    }
    // Every mutator still here acknowledges (those that left before cannot).
    const expected = ctx.workers - 2 - Atomics.load(th.ctrl, C_LEFT);
    while (Atomics.load(th.ctrl, C_ACKS + me) < expected) idle();
    // Nothing more can arrive: every acknowledgement came after its sender's last send here.
    if (mail.inboxNonEmpty()) mail.drain(receiveEntry);
    try {
      // Garbage only the collector can free, in this thread's segments: rings with a weakref with a callback.
      for (let g = 0; g < p.leftBehind; g++) {
        const ring: number[] = [];
        const n = 2 + rng.nextInt(3);
        for (let i = 0; i < n; i++) {
          const x = alloc(2);
          if (x !== 0) ring.push(x);
        }
        for (let i = 0; i < ring.length; i++) setSlot(t, ring[i], 0, ring[(i + 1) % ring.length]);
        if (ring.length > 1) {
          const wr = newWeakref(t, ring[0], true, 0);
          if (wr !== 0) {
            r.weakrefs++;
            r.leftBehind++;
            setSlot(t, ring[ring.length - 1], 1, wr);
            decref(t, wr);
          }
        }
        r.leftBehind += ring.length;
        for (const x of ring) decref(t, x);
      }
      // The roots go to the others, mostly: they keep this thread's objects alive past its exit.
      for (let k = 0; k < ROOTS; k++) {
        if (roots[k] === 0) continue;
        if (rng.nextInt(4) !== 0) send(k);
        else release(k);
      }
      // The pins go back to their owners' merge queues; the stack is emptied.
      for (const x of pinned) {
        r.handbacksReleased++;
        if (usable(th, r, x, 'hand-back (leaving)')) decref(t, x);
      }
      pinned.length = 0;
      clearStack('stack (leaving)');
    } catch (error) {
      onFatal(error, 'leaving');
    }
    for (let k = 0; k < STACK_SLOTS; k++) if (stackAt(k) !== 0) r.stackLeft++;
    r.queued = t.queued;
    r.allocated = serialsUsed() - me * p.tables.serialsPerWorker;
    r.left = true;
    r.leftAtOps = r.ops;
    const tid = t.tid;
    leaveThread(th, p.tables.exited);
    ctx.setCounter(0, 8);
    // Left (before done: whoever sees this worker done sees it left, and the adopter's signal), the turn given up,
    // then done, drained and released, as far as the end protocol is concerned.
    Atomics.add(th.ctrl, C_LEFT, 1);
    if (me === p.adoptee) Atomics.store(th.ctrl, C_ADOPTEE_TID, tid);
    Atomics.store(th.ctrl, C_LEAVING, 0);
    Atomics.notify(th.ctrl, C_LEAVING);
    for (const word of [C_DONE, C_DRAINED, C_RELEASED]) {
      Atomics.add(th.ctrl, word, 1);
      Atomics.notify(th.ctrl, word);
    }
    r.problems = log.problems;
    return r;
  };

  ctx.setCounter(0, 1);
  const budget = leaving ? Math.min(ctx.opsBudget, p.leaveAtOps[leaveAt]) : ctx.opsBudget;
  while (r.ops < budget && !ctx.stopRequested() && Atomics.load(th.ctrl, C_ABORT) === 0) {
    // Only the controls' broken collectors make refcounting fail; count it and go on.
    try {
      safePoint(th.participant);
      step();
      r.ops++;
      if ((r.ops & 7) === 0) {
        if (mail.inboxNonEmpty()) mail.drain(receiveEntry);
        ackLeave();
        adopt();
      }
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
  if (leaving) return leave();

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
  // The deferred witness survived that collection with no counted reference (the skip-stacks control's witness).
  r.stackWitnessChecked++;
  r.stackUses++;
  if (!stackUsable(0, 'deferred witness')) problem('the deferred witness pinned on the stack did not survive');
  stackPop(0);
  // End 2: release every root and the stack, say so, drain until every mutator is done and the inboxes are empty.
  stopping = true;
  for (let k = 0; k < ROOTS; k++) release(k);
  clearStack('stack (end)');
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
  for (let k = 0; k < STACK_SLOTS; k++) if (stackAt(k) !== 0) r.stackLeft++;
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
