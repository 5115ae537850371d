/**
 * The free-threaded cycle collector with real workers (issue 17, "Stress
 * with real workers"): mutators build and break random graphs of GC
 * containers and hand references to each other, while a collector worker —
 * and every mutator at times, when its allocations schedule a collection —
 * stops the world and collects; afterwards every object is accounted for
 * exactly once.
 *
 * Setup (main thread): the heap, mimalloc in checked mode (a double free or
 * a foreign pointer is fatal), the world group, the GC state
 * (`gcCreate(heap, group)`), the refcount state with the registry of
 * gc-stress-objects.ts (whose file comment describes the test types and
 * their locking), the three static types (`node`, `fnode` with a finalizer,
 * `wref`), the striped locks of the weakref lists, and the main thread's own
 * participant (left DETACHED while the workers run), RcThread and GcThread,
 * used after the join.
 *
 * Workers (gc-stress.worker.ts): each attaches the heap, creates and
 * attaches a participant, makes its MiThread, joins refcount with the same
 * registry (`rcThreadInit(..., { mi, participant })`: merge requests arrive
 * in its eval breaker) and the collector (`gcThreadInit` with the hooks of
 * gc-stress-objects.ts). Every step starts at a safe point (`safePoint`:
 * suspension for a stop-the-world, the merge queue, a scheduled collection).
 *
 * - Worker 0, the collector, runs `gcCollect` over and over with short
 *   detached sleeps in between, until the mutators are done.
 * - Mutators hold references in root slots and, at random: allocate nodes
 *   of 0–6 slots (some with a finalizer), link one root into a slot of
 *   another (self-cycles, cycles, chains), unlink, drop, duplicate, descend
 *   into a child, build a chain or a ring of up to 8 nodes, make weakrefs
 *   (half with a callback, some closing over a node; kept in a root or only
 *   in a node's slot), dereference weakrefs (the referent must be alive and
 *   be the same object), take back what finalizers resurrected into the
 *   graveyard (walking it: everything reachable must be alive and
 *   uncleared), walk a root's graph, sleep detached, call gc.collect()
 *   themselves now and then, and hand references to
 *   other mutators through the rings (the reference travels; the receiver
 *   drops it eventually, often as a non-owner: the merge queues). Every
 *   few thousand steps a generation dies (every root released).
 *   Before using a held reference the holder checks it (body intact, serial
 *   ALIVE, not tp_cleared) and that its `ob_tid` is its creator's or 0 with
 *   MERGED.
 * - Hand-back cycles: at the start each mutator makes, per peer, a few
 *   2-cycles and hands the only outside reference to the peer, which pins
 *   it until the very end.
 *
 * End: each mutator releases its roots, says it is done, drains its
 * inboxes until all are done, meets the others at a barrier (detached),
 * then releases its pinned hand-back references (non-owner decrefs: each
 * cycle is queued on its owner's merge queue) and parks detached without
 * passing another safe point — so nobody merges a queue. The collector,
 * once every mutator has released, runs the final collections: collect,
 * release the graveyard, again until a round finds nothing. Then it
 * counts the serials still ALIVE; the mutators record their merge-queue
 * lengths and leave. After the join the main thread collects once more.
 *
 * Checks (exact): no held reference found dead, poisoned, reused or
 * tp_cleared (a reachable object collected); no dealloc of a dead object;
 * no fatal or unraisable error; finalizers at most once per object, only on
 * live objects with FINALIZED set, always before tp_clear; weakrefs never
 * yield a dead or different object; callbacks at most once, only for live,
 * reachable, already cleared weakrefs with live payloads; resurrected
 * objects alive with all they reach; every held object's ob_tid its
 * creator's or 0 with MERGED (the collector restored it); the final
 * collection, with every owner parked, left no object alive and no merge
 * queue holding one; the main thread's collection after the join found
 * nothing; every serial allocated was deallocated exactly once and the
 * deallocs add up; the reference total is back; every reference sent was
 * received; mimalloc's live blocks are back to the baseline.
 *
 * Controls (`control`; the collecting threads set the seams of
 * `collectSeams` in their own isolate, the main thread keeps the real
 * collector):
 * - 'skip-drain' — collections leave the merge queues alone. An object
 *   queued for its owner holds the queue's reference, so the collector sees
 *   it referenced from outside and it survives the round; in CPython's
 *   design that is only a delay, since the owner merges at its next safe
 *   point. The hand-back cycles remove the delay: they are queued after the
 *   last safe point of their owners, so only the collector's drain can
 *   merge them before the final collection. Without it they survive it:
 *   "the final collection ... left nothing" fails (their serials ALIVE,
 *   their owners' queues non-empty), deterministically.
 * - 'keep-tid' — survivors keep the borrowed `ob_tid` (their gc_refs). The
 *   pinned hand-back objects survive at least one collection after they
 *   are made (the mutators wait for one) with gc_refs 1, which is no
 *   worker's tid; their holders check them before releasing them: "ob_tid
 *   ... restored" fails, deterministically.
 */

import {
  attach,
  detach,
  groupCreate,
  participantCreate,
  participantDelete,
  SharedHeap,
  stripedLocksCreate,
  type Participant,
  type SharedHeapHandle,
} from '@ft/atomics';
import { createHandOffRings, pendingHandOffs, type StressCheck, type StressMetric, type StressScenario } from '@ft/harness';
import { miCollect, miCreate, miStats, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { createMetatype, createStaticType, decref, getTotalRefcount, rcCreate, rcThreadExit, rcThreadInit, TYPE_FLAG_HAVE_GC, type RcThread } from '@ft/refcount';
import { gcCollect, gcCreate, gcGarbage, gcGetStats, gcThreadExit, gcThreadInit, type GcThread } from '../../src/index.js';
import {
  buildGcStressRegistry,
  GRAVE_SLOTS,
  gcStressHooks,
  joinGcStress,
  log,
  NODE_BASIC_SIZE,
  SERIAL_ALIVE,
  SERIAL_DEAD,
  SERIAL_FREE,
  WREF_BASIC_SIZE,
  type GcStressLog,
  type GcStressTables,
} from './gc-stress-objects.js';

export type GcControl = 'none' | 'skip-drain' | 'keep-tid';

// Words of the control block (an Int32Array over a SharedArrayBuffer of its own).
/** Mutators done mutating (roots released). */
export const C_DONE = 0;
/** Mutators past their drain (the barrier before the hand-back release). */
export const C_DRAINED = 1;
/** Mutators that released their hand-back references and parked. */
export const C_RELEASED = 2;
/** The collector's final collections are over (1). */
export const C_FINAL_DONE = 3;
/** Mutators that sent their hand-back cycles. */
export const C_HANDBACKS_READY = 4;
/** Collections the collector completed after every hand-back cycle was made. */
export const C_COLLECTIONS_AFTER_READY = 5;
/** A worker failed: every wait gives up. */
export const C_ABORT = 6;
/** Never written: what detached sleeps wait on. */
export const C_IDLE = 7;
export const C_WORDS = 16;

export interface GcStressParams {
  heap: SharedHeapHandle;
  mi: number;
  rc: number;
  gc: number;
  group: number;
  tables: GcStressTables;
  ctrl: Int32Array;
  rings: Int32Array;
  ringCapacity: number;
  /** Root slots per mutator. */
  roots: number;
  /** Every this many steps a mutator releases every root (a generation dies). */
  generationOps: number;
  /** Hand-back 2-cycles each mutator makes per peer. */
  handbacksPerPeer: number;
  /** The collector sleeps between this and twice this many ms between collections. */
  collectIntervalMs: number;
  control: GcControl;
  /** Longest wait at a barrier before a worker gives up. */
  deadlineMs: number;
}

/** What both roles report. */
export interface GcWorkerResult {
  role: string;
  tid: number;
  ops: number;
  /** Objects this worker allocated (its serials used, finalizer-made weakrefs included). */
  allocated: number;
  serialsExhausted: number;
  /** Held references found dead / poisoned or reused / tp_cleared. */
  deadAccesses: number;
  bodyMismatches: number;
  clearedAccesses: number;
  /** Held objects whose ob_tid was neither the creator's tid nor 0 with MERGED. */
  ownerViolations: number;
  /** Weakrefs that yielded a dead object or another object than theirs. */
  badDerefs: number;
  /** Objects taken back from the graveyard that were not alive, or reached dead ones. */
  resurrectedBad: number;
  graveTaken: number;
  queued: number;
  merged: number;
  mergeRequests: number;
  log: GcStressLog;
  problems: string[];
}

export interface MutatorResult extends GcWorkerResult {
  role: 'mutator';
  nodes: number;
  weakrefs: number;
  chains: number;
  links: number;
  sent: number;
  received: number;
  ringFull: number;
  derefs: number;
  derefsCleared: number;
  walks: number;
  walked: number;
  sleeps: number;
  generations: number;
  handbacksSent: number;
  handbacksReleased: number;
  /** Hand-back releases that went to the owner's merge queue. */
  handbacksQueued: number;
  /** Objects in this thread's merge queue right after the final collection. */
  queueAfterFinal: number;
}

export interface CollectorResult extends GcWorkerResult {
  role: 'collector';
  /** gcCollect calls that ran (returned after a collection of their own). */
  collections: number;
  finalRounds: number;
  finalFound: number;
  /** Serials still ALIVE right after the final collections, and a few of them. */
  leftAfterFinal: number;
  leftSamples: string[];
}

interface State {
  heap: SharedHeap;
  mainP: Participant;
  mainMi: MiThread;
  mainT: RcThread;
  mainGt: GcThread;
  tables: GcStressTables;
  liveBlocksBefore: number;
  refTotalBefore: number;
  /** Set by check: the workers joined, so the main thread's exits cannot meet a lock a dead worker held. */
  joined: boolean;
}

/** Serials in timed mode, split between the workers (one byte in each of three tables). */
const TIMED_SERIALS = 12 << 20;

function sum<R>(results: readonly R[], f: (r: R) => number): number {
  return results.reduce((a, r) => a + f(r), 0);
}
const mutatorsOf = (results: readonly GcWorkerResult[]): MutatorResult[] => results.filter((r): r is MutatorResult => r.role === 'mutator');
const collectorOf = (results: readonly GcWorkerResult[]): CollectorResult => results.find((r): r is CollectorResult => r.role === 'collector')!;

function percentile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** What the main thread's collection after the join found (set by check, read by metrics). */
let observed = { postFound: 0, graveLeft: 0, mainLog: null as GcStressLog | null };

export const gcStressScenario: StressScenario<GcStressParams, State> = {
  name: 'gc/cycles',
  description:
    'the cycle collector with real workers: mutators build and break random graphs (cycles, chains, weakrefs with callbacks, finalizers that resurrect) and hand references across workers while a collector worker collects over and over; dealloc log, poisoned bodies, hand-back cycles in merge queues',
  worker: new URL('./gc-stress.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 500_000,
  roles: (workers) => Array.from({ length: workers }, (_, w) => (w === 0 ? 'collector' : 'mutator')),
  setup({ workers, opsPerWorker, seed }) {
    if (workers < 3) throw new RangeError(`gc/cycles: a collector and at least 2 mutators, got ${workers} workers`);
    const heap = SharedHeap.create({ size: 512 << 20, threadCapacity: 16 });
    const mi = miCreate(heap, { checked: true });
    const group = groupCreate(heap);
    const gc = gcCreate(heap, group);
    const { registry, ids } = buildGcStressRegistry();
    const rc = rcCreate(heap, registry, { refDebug: true });
    // The main thread: a participant of the group, DETACHED until the checks.
    const mainP = participantCreate(heap, group);
    const mainMi = miThreadInit(heap, mi, null);
    const mainT = rcThreadInit(heap, rc, registry, { mi: mainMi, participant: mainP });
    const meta = createMetatype(mainT);
    const nodeSpec = { basicSize: NODE_BASIC_SIZE, itemSize: 4, flags: TYPE_FLAG_HAVE_GC, dealloc: ids.nodeDealloc, traverse: ids.nodeTraverse, clear: ids.nodeClear };
    const node = createStaticType(mainT, meta, nodeSpec);
    const fnode = createStaticType(mainT, meta, { ...nodeSpec, finalize: ids.nodeFinalize });
    const wref = createStaticType(mainT, meta, { basicSize: WREF_BASIC_SIZE, flags: TYPE_FLAG_HAVE_GC, dealloc: ids.weakrefDealloc, traverse: ids.weakrefTraverse, clear: ids.weakrefClear });
    const stripes = stripedLocksCreate(heap);
    if (stripes === 0) throw new Error('gc/cycles: no room for the striped locks');
    // A mutator allocates well under one object per step on average; chains and generations included, one per step is ample.
    const serialsPerWorker = Number.isFinite(opsPerWorker) ? opsPerWorker + 8192 : Math.floor(TIMED_SERIALS / workers);
    const total = serialsPerWorker * workers;
    const tables: GcStressTables = {
      serials: new Uint8Array(new SharedArrayBuffer(total)),
      finalized: new Uint8Array(new SharedArrayBuffer(total)),
      callbacks: new Uint8Array(new SharedArrayBuffer(total)),
      graveyard: new Int32Array(new SharedArrayBuffer(4 * GRAVE_SLOTS)),
      stripes,
      node,
      fnode,
      wref,
      serialsPerWorker,
      seed,
    };
    const mainGt = gcThreadInit(mainT, gc, registry, gcStressHooks());
    joinGcStress(mainGt, tables, -1);
    observed = { postFound: 0, graveLeft: 0, mainLog: null };
    const ringCapacity = 1024;
    const params: GcStressParams = {
      heap: heap.handle(),
      mi,
      rc,
      gc,
      group,
      tables,
      ctrl: new Int32Array(new SharedArrayBuffer(4 * C_WORDS)),
      rings: createHandOffRings({ workers, capacity: ringCapacity, entryWords: 3 }),
      ringCapacity,
      roots: 128,
      generationOps: 6000,
      handbacksPerPeer: 4,
      collectIntervalMs: 2,
      control: 'none',
      deadlineMs: 30_000,
    };
    miCollect(mainMi, true);
    return {
      params,
      state: {
        heap,
        mainP,
        mainMi,
        mainT,
        mainGt,
        tables,
        liveBlocksBefore: miStats(mainMi).liveBlocks,
        refTotalBefore: getTotalRefcount(mainT),
        joined: false,
      },
    };
  },
  check(ctx): StressCheck[] {
    const { state, params: p } = ctx;
    const results = ctx.results as GcWorkerResult[];
    const mutators = mutatorsOf(results);
    const collector = collectorOf(results);
    const { mainP, mainGt, mainT, mainMi, tables } = state;
    state.joined = true;

    // The main thread's collection after the join: every worker has left (their segments are abandoned).
    attach(mainP);
    let postFound = 0;
    let postAgain = 0;
    let graveLeft = 0;
    let garbage = 0;
    try {
      postFound = gcCollect(mainGt);
      for (let k = 0; k < GRAVE_SLOTS; k++) {
        const op = Atomics.exchange(tables.graveyard, k, 0);
        if (op !== 0) {
          graveLeft++;
          decref(mainT, op);
        }
      }
      postAgain = graveLeft > 0 ? gcCollect(mainGt) : 0;
      garbage = gcGarbage(mainGt).length;
    } finally {
      detach(mainP);
    }
    observed = { postFound: postFound + postAgain, graveLeft, mainLog: log };
    miCollect(mainMi, true);
    const liveBlocks = miStats(mainMi).liveBlocks;
    const refTotal = getTotalRefcount(mainT);

    // The serial table: every serial allocated (in each worker's range, below what it used) exactly DEAD.
    let allocated = 0;
    let dead = 0;
    let alive = 0;
    let worse = 0;
    let outside = 0;
    let finalizedTwice = 0;
    let calledTwice = 0;
    const samples: string[] = [];
    const per = tables.serialsPerWorker;
    results.forEach((r, w) => {
      const used = r.allocated;
      for (let s = w * per; s < (w + 1) * per; s++) {
        const st = tables.serials[s];
        if (tables.finalized[s] > 1) finalizedTwice++;
        if (tables.callbacks[s] > 1) calledTwice++;
        if (s >= w * per + used) {
          if (st !== SERIAL_FREE) outside++;
          continue;
        }
        allocated++;
        if (st === SERIAL_DEAD) dead++;
        else if (st === SERIAL_ALIVE) {
          alive++;
          if (samples.length < 4) samples.push(`serial ${s} ALIVE`);
        } else {
          worse++;
          if (samples.length < 4) samples.push(`serial ${s} state ${st}`);
        }
      }
    });
    const logs = [...results.map((r) => r.log), log];
    const deallocs = logs.reduce((a, l) => a + l.deallocs, 0);
    const allocs = sum(results, (r) => r.allocated);
    const problems = [...results.flatMap((r) => r.problems.map((m) => `${r.role} ${r.tid}: ${m}`)), ...log.problems.map((m) => `main: ${m}`)].slice(0, 8);
    const problemText = problems.length > 0 ? `; ${problems.join(' | ')}` : '';
    const ls = (f: (l: GcStressLog) => number): number => logs.reduce((a, l) => a + f(l), 0);
    const sent = sum(mutators, (m) => m.sent + m.handbacksSent);
    const received = sum(mutators, (m) => m.received);
    const ringsLeft = pendingHandOffs(p.rings, { workers: ctx.workers, capacity: p.ringCapacity, entryWords: 3 });
    const queueAfterFinal = sum(mutators, (m) => m.queueAfterFinal);

    return [
      {
        name: 'no held reference found its object dead, poisoned, reused or tp_cleared (nothing reachable was collected)',
        ok: sum(results, (r) => r.deadAccesses + r.bodyMismatches + r.clearedAccesses) === 0,
        detail: `${sum(results, (r) => r.deadAccesses)} dead, ${sum(results, (r) => r.bodyMismatches)} poisoned or reused, ${sum(results, (r) => r.clearedAccesses)} tp_cleared${problemText}`,
      },
      {
        name: 'no dealloc of a dead or poisoned object',
        ok: ls((l) => l.doubleDeallocs + l.badDeallocs) === 0,
        detail: `${ls((l) => l.doubleDeallocs)} second deallocs, ${ls((l) => l.badDeallocs)} of poisoned bodies${problemText}`,
      },
      {
        name: 'no fatal error, nothing reported unraisable by the collector',
        ok: ls((l) => l.fatalErrors + l.unraisable) === 0,
        detail: `${ls((l) => l.fatalErrors)} fatal errors, ${ls((l) => l.unraisable)} unraisable${problemText}`,
      },
      {
        name: 'finalizers: at most once per object, only on live objects with FINALIZED set, always before tp_clear',
        ok: ls((l) => l.doubleFinalizers + l.badFinalizers + l.finalizedBitMissing + l.clearedUnfinalized + l.badClears) === 0 && finalizedTwice === 0,
        detail: `${ls((l) => l.doubleFinalizers)} second calls (${finalizedTwice} serials finalized twice), ${ls((l) => l.badFinalizers)} on dead objects, ${ls((l) => l.finalizedBitMissing)} without FINALIZED, ${ls((l) => l.clearedUnfinalized)} tp_clear before the finalizer, ${ls((l) => l.badClears)} tp_clear of dead objects${problemText}`,
      },
      {
        name: 'weakrefs never yield a dead object or another object than their referent',
        ok: sum(results, (r) => r.badDerefs) === 0,
        detail: `${sum(results, (r) => r.badDerefs)} bad dereferences of ${sum(mutators, (m) => m.derefs)}${problemText}`,
      },
      {
        name: 'weakref callbacks: at most once, only for live weakrefs that are not garbage, already cleared, with live payloads',
        ok: ls((l) => l.badCallbacks) === 0 && calledTwice === 0,
        detail: `${ls((l) => l.badCallbacks)} bad callbacks (${calledTwice} weakrefs called twice) of ${ls((l) => l.gcCallbacks + l.deallocCallbacks)}${problemText}`,
      },
      {
        name: 'objects taken back from the graveyard (resurrected by finalizers) were alive with everything they reach',
        ok: sum(results, (r) => r.resurrectedBad) === 0,
        detail: `${sum(results, (r) => r.resurrectedBad)} bad of ${sum(results, (r) => r.graveTaken)} taken back${problemText}`,
      },
      {
        name: 'ob_tid restored: every held object said its creator\'s tid or 0 with MERGED after every collection',
        ok: sum(results, (r) => r.ownerViolations) === 0,
        detail: `${sum(results, (r) => r.ownerViolations)} violations${problemText}`,
      },
      {
        name: 'the final collection, with every owner parked, left no object alive and no merge queue holding one',
        ok: collector.leftAfterFinal === 0 && queueAfterFinal === 0,
        detail: `${collector.leftAfterFinal} serials ALIVE after ${collector.finalRounds} final rounds (${collector.leftSamples.join('; ')}), ${queueAfterFinal} objects in the mutators' merge queues; ${sum(mutators, (m) => m.handbacksQueued)} hand-back cycles had been queued`,
      },
      {
        name: 'the main thread\'s collection after the join found nothing; gc.garbage and the graveyard are empty',
        ok: postFound === 0 && postAgain === 0 && garbage === 0 && graveLeft === 0,
        detail: `found ${postFound}, then ${postAgain}; ${garbage} in gc.garbage, ${graveLeft} left in the graveyard`,
      },
      {
        name: 'serial table: every object allocated was deallocated exactly once, no other serial touched; deallocations = allocations',
        ok: allocated === allocs && dead === allocated && alive === 0 && worse === 0 && outside === 0 && deallocs === allocs && allocs > 0,
        detail: `${allocs} allocated, ${dead} DEAD, ${alive} ALIVE, ${worse} deallocated twice, ${outside} outside the ranges${samples.length > 0 ? ` (${samples.join('; ')})` : ''}; ${deallocs} deallocs logged`,
      },
      {
        name: 'the reference total is back to its start value',
        ok: refTotal === state.refTotalBefore,
        detail: `${refTotal}, ${state.refTotalBefore} before the workers`,
      },
      {
        name: 'every reference sent was received and the rings are empty',
        ok: sent === received && ringsLeft === 0,
        detail: `${sent} sent, ${received} received, ${ringsLeft} left in rings`,
      },
      {
        name: 'mimalloc: live blocks back to the baseline',
        ok: liveBlocks === state.liveBlocksBefore,
        detail: `${liveBlocks} live blocks, ${state.liveBlocksBefore} before the workers`,
      },
    ];
  },
  metrics: ({ results, elapsedMs, state }): StressMetric[] => {
    const r = results as GcWorkerResult[];
    const mutators = mutatorsOf(r);
    const collector = collectorOf(r);
    const logs = [...r.map((x) => x.log), ...(observed.mainLog !== null ? [observed.mainLog] : [])];
    const ls = (f: (l: GcStressLog) => number): number => logs.reduce((a, l) => a + f(l), 0);
    const stats = gcGetStats(state.mainGt);
    const collections = stats.reduce((a, s) => a + s.collections, 0);
    const durations = logs.flatMap((l) => l.collectionMs).sort((a, b) => a - b);
    const allocs = sum(r, (x) => x.allocated);
    return [
      { name: 'objects', value: allocs, unit: '' },
      { name: 'objects/s', value: (allocs * 1000) / elapsedMs, unit: '/s' },
      { name: 'collections', value: collections, unit: '' },
      { name: 'collections by mutators', value: mutators.reduce((a, m) => a + m.log.collections, 0), unit: '' },
      { name: 'stop-the-world pauses', value: 2 * collections, unit: '' },
      { name: 'collection p50', value: percentile(durations, 0.5), unit: 'ms' },
      { name: 'collection p99', value: percentile(durations, 0.99), unit: 'ms' },
      { name: 'collection max', value: durations.length > 0 ? durations[durations.length - 1] : 0, unit: 'ms' },
      { name: 'objects collected', value: stats.reduce((a, s) => a + s.collected, 0), unit: '' },
      { name: 'finalizers', value: ls((l) => l.finalizers), unit: '' },
      { name: 'resurrections', value: ls((l) => l.resurrections), unit: '' },
      { name: 'resurrected taken back', value: sum(r, (x) => x.graveTaken), unit: '' },
      { name: 'weakrefs made by finalizers', value: ls((l) => l.finalizerWeakrefs), unit: '' },
      { name: 'suicidal finalizers', value: ls((l) => l.suicides), unit: '' },
      { name: 'weakref callbacks (collector)', value: ls((l) => l.gcCallbacks), unit: '' },
      { name: 'weakref callbacks (dealloc)', value: ls((l) => l.deallocCallbacks), unit: '' },
      { name: 'weakrefs', value: sum(mutators, (m) => m.weakrefs), unit: '' },
      { name: 'derefs', value: sum(mutators, (m) => m.derefs), unit: '' },
      { name: 'derefs of cleared weakrefs', value: sum(mutators, (m) => m.derefsCleared), unit: '' },
      { name: 'handed over', value: sum(mutators, (m) => m.sent), unit: '' },
      { name: 'freed by another worker', value: ls((l) => l.crossDeallocs), unit: '' },
      { name: 'queued', value: sum(r, (x) => x.queued), unit: '' },
      { name: 'merged', value: sum(r, (x) => x.merged), unit: '' },
      { name: "released last elsewhere, freed in the owner's merge", value: ls((l) => l.mergeDeallocs), unit: '' },
      { name: 'hand-back cycles queued at the end', value: sum(mutators, (m) => m.handbacksQueued), unit: '' },
      { name: 'final rounds', value: collector.finalRounds, unit: '' },
      { name: 'tp_clear calls', value: ls((l) => l.clears), unit: '' },
      { name: 'graph walks', value: sum(mutators, (m) => m.walks), unit: '' },
      { name: 'detached sleeps', value: sum(mutators, (m) => m.sleeps), unit: '' },
      {
        name: 'violations',
        value:
          sum(r, (x) => x.deadAccesses + x.bodyMismatches + x.clearedAccesses + x.ownerViolations + x.badDerefs + x.resurrectedBad) +
          ls((l) => l.doubleDeallocs + l.badDeallocs + l.doubleFinalizers + l.badFinalizers + l.badCallbacks + l.fatalErrors + l.unraisable),
        unit: '',
      },
      { name: 'allocations skipped (serial range used up)', value: sum(r, (x) => x.serialsExhausted), unit: '' },
    ];
  },
  teardown: ({ heap, mainP, mainMi, mainT, mainGt, joined }) => {
    // After a hang the workers were terminated wherever they were (maybe holding a lock): only drop the
    // main thread's participant (the thread may own one at a time) and the heap.
    if (joined) {
      gcThreadExit(mainGt);
      rcThreadExit(mainT);
      miThreadExit(mainMi);
    }
    participantDelete(mainP);
    heap.close();
  },
};

export const scenarios = [gcStressScenario];
