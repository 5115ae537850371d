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
 * their locking), the four static types (`node`, `fnode` with a finalizer,
 * `lnode` with a legacy finalizer, `wref`), the striped locks of the weakref lists, and the main thread's own
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
 * - Deferred reference counting: some nodes are made deferred when they are
 *   created (`enableDeferredRefcount`); mutators push uncounted references
 *   to them on their stacks (gc-stress-objects.ts: the slots, and the
 *   `visitStacks` hook that reports every thread's slots to the collector),
 *   often dropping the counted reference they came from, and later use
 *   them (checked first), turn them into counted references or pop them.
 *   Each mutator also pins a deferred witness on its stack from the start
 *   until a collection has run after every mutator's was pushed: with no
 *   counted reference at all, only the hook keeps it alive.
 * - Legacy finalizers: a few nodes are of the type `lnode`, which has a
 *   legacy finalizer (`tp_del`, the `hasLegacyFinalizer` hook): cycles
 *   through them are uncollectable and go to gc.garbage.
 * - The collector's epochs (every `epochPeriod` of its collections; one of
 *   each at least): a freeze — witness 2-cycles made, `gcFreeze`, dropped:
 *   frozen garbage that must survive every collection until `gcUnfreeze`,
 *   after which the freeze count is 0 and the collector's next collection
 *   frees them; and a deferred witness made after the freeze, held only on
 *   the collector's own stack, which must survive a collection while frozen
 *   (the mark-alive pre-pass is off then, so only the stack references
 *   counted into gc_refs keep it). Then a DEBUG_SAVEALL epoch: first legacy
 *   witnesses (2-cycles of an `lnode` and an `fnode`) are dropped and
 *   collected, and gc.garbage is processed with DEBUG_SAVEALL off — it must
 *   hold only `lnode`s, each once, among them the witnesses, with all they
 *   reach alive and uncleared, and the witnesses' partners unfinalized
 *   (what a legacy finalizer reaches is not finalized) — then the
 *   program's part: their cycles broken by hand, `gcClearGarbage`. Then
 *   DEBUG_SAVEALL is on for a few collections, witness 2-cycles dropped:
 *   they and everything the collections find unreachable stay in
 *   gc.garbage, intact; the flag off, one own collection (none that read it
 *   on can still be running), gc.garbage checked and cleared, and the next
 *   own collection must free the witnesses. (Not everything saved: what a
 *   legacy finalizer reaches is saved too, and stays reachable through its
 *   weakrefs.)
 * - Workers that leave mid-run (`leavers`: with at least 3 mutators, the
 *   last two, one at a time): at its `leaveAtOps` a leaver says so; the
 *   others stop sending to it and acknowledge; it takes its last
 *   deliveries, drops a few garbage rings (with weakrefs with callbacks and
 *   finalizers) that only the collector can free, hands most of its roots
 *   to the others, releases its pins and its stack, and leaves as CPython's
 *   thread-state deletion does: refcount record (merge queue drained), then
 *   its mimalloc heaps abandoned while still attached (no collection can
 *   see them half abandoned), then its participant and tid. Its worker
 *   thread ends. The others keep using its objects — among them the
 *   hand-back cycles it made, pinned until the end — which now sit in
 *   abandoned segments: collections must visit them, free its garbage there
 *   and give survivors `ob_tid` 0 with MERGED. The second leaver (`adoptee`)
 *   holds collections from its leave (gcDisable, and a gate on every
 *   gcCollect of the run) until the `adopter` has made its heap reclaim the
 *   abandoned segment of one of the adoptee's objects it pins (plain blocks
 *   allocated until mimalloc takes that segment instead of a new one): the
 *   next collection then finds the adoptee's objects unmerged in a segment
 *   another thread owns and gives them that thread's tid (`gc_restore_tid`:
 *   "this can change ownership"), after which the adopter counts their
 *   local counts as their owner.
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
 * received; mimalloc's live blocks are back to the baseline. And: no frozen
 * object finalized or tp_cleared, frozen witnesses alive through every
 * collection of their epoch and freed after it, the freeze count 0 after
 * unfreeze; no `lnode` tp_cleared, gc.garbage as described above (legacy
 * witnesses there, their partners unfinalized, entries once, intact, only
 * legacy ones with DEBUG_SAVEALL off, saved witnesses there and freed once
 * released); no stack reference found freed (the pinned witnesses
 * included), every stack empty at the end; the leavers did leave, and
 * every object of theirs held afterwards was alive with a valid `ob_tid`
 * (creator's, 0 with MERGED, or the reclaiming thread's).
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
 * - 'skip-stacks' — the `visitStacks` hook reports nothing (a VM that does
 *   not show the collector its frames' deferred references). The pinned
 *   deferred witnesses have no counted reference, so the first collection
 *   after they are pushed frees them under their holders: "deferred
 *   reference counting: ..." fails, deterministically. (A control of the
 *   hook rather than of the collector: it shows that the check sees a
 *   stack reference the collector did not count.)
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
  STACK_SLOTS,
  TID_TABLE,
  WREF_BASIC_SIZE,
  type GcStressLog,
  type GcStressTables,
} from './gc-stress-objects.js';

export type GcControl = 'none' | 'skip-drain' | 'keep-tid' | 'skip-stacks';

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
/** The index of the worker leaving now (0: none; one at a time): the others stop sending to it and acknowledge. */
export const C_LEAVING = 8;
/** Workers that have left. */
export const C_LEFT = 9;
/** Collections are held (1): from the adoptee's leave until the adopter has reclaimed one of its segments. */
export const C_HOLD = 10;
/** The adoptee's tid once it has left (the adopter's signal). */
export const C_ADOPTEE_TID = 11;
/** The adopter has reclaimed a segment of the adoptee's, or given up (1). */
export const C_ADOPTED = 12;
/** Gated gcCollect calls in flight (gc-stress.worker.ts, gatedCollect). */
export const C_INFLIGHT = 13;
/** C_ACKS + w: acknowledgements of worker w's leave. */
export const C_ACKS = 16;
export const C_WORDS = 48;

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
  /** Percent of new nodes made deferred (enableDeferredRefcount). */
  deferredPercent: number;
  /** Per mille of new nodes of the legacy-finalizer type. */
  legacyPermille: number;
  /** The collector's freeze and DEBUG_SAVEALL epochs come every this many of its collections (0: none; else at least 32). */
  epochPeriod: number;
  /** The worker indices of the mutators that leave mid-run, and their steps before they do. */
  leavers: number[];
  leaveAtOps: number[];
  /** Garbage rings each leaves behind. */
  leftBehind: number;
  /** The leaver whose exit holds collections until the adopter has reclaimed one of its segments, and the adopter (0: none). */
  adoptee: number;
  adopter: number;
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
  /** Checks of held objects whose creator had left; of those, merged in an abandoned segment, adopted by a reclaiming thread, bad. */
  exitedHeld: number;
  exitedMerged: number;
  exitedAdopted: number;
  exitedBad: number;
  /** Stack references found freed, poisoned or another object (the collector missed them). */
  stackBad: number;
  /** Pinned deferred witnesses checked after a collection (found bad: counted in stackBad). */
  stackWitnessChecked: number;
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
  deferredNodes: number;
  legacyNodes: number;
  stackPushes: number;
  stackUses: number;
  /** Stack slots still set when the thread left. */
  stackLeft: number;
  /** This worker left mid-run (a leaver), after this many steps, leaving this many objects of garbage behind. */
  left: boolean;
  leftAtOps: number;
  leftBehind: number;
  /** The adopter: blocks it allocated to make its heap reclaim an abandoned segment, and whether one of the leaver's segments became its own. */
  adoptionBlocks: number;
  adopted: boolean;
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
  /** Own collections waited for in vain. */
  ownCollectionTimeouts: number;
  /** Finalizer partners of legacy witnesses finalized while the witness reached them. */
  legacyReachFinalized: number;
  freezeEpochs: number;
  frozenWitnesses: number;
  /** Frozen witnesses collected while frozen. */
  frozenWitnessCollected: number;
  /** Frozen witnesses still alive after gcUnfreeze and an own collection. */
  unfrozenLeft: number;
  /** Sum of gcGetFreezeCount right after gcUnfreeze. */
  freezeCountAfterUnfreeze: number;
  saveAllEpochs: number;
  savedWitnesses: number;
  /** Saved witnesses not in gc.garbage after an own collection with DEBUG_SAVEALL on. */
  savedWitnessMissing: number;
  /** DEBUG_SAVEALL witnesses checked after their release, and those not deallocated. */
  savedChecked: number;
  savedNotFreed: number;
  legacyWitnesses: number;
  /** Legacy witnesses not in gc.garbage after an own collection. */
  legacyWitnessMissing: number;
  /** gc.garbage entries processed; legacy ones among them; duplicates; dead, cleared or reaching dead or cleared objects; non-legacy with DEBUG_SAVEALL off. */
  garbageEntries: number;
  legacyInGarbage: number;
  garbageDuplicates: number;
  garbageBad: number;
  garbageNotLegacy: number;
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
    // The same behaviours; the hasLegacyFinalizer hook says this type has a tp_del.
    const lnode = createStaticType(mainT, meta, nodeSpec);
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
      stacks: new Int32Array(new SharedArrayBuffer(4 * 2 * STACK_SLOTS * workers)),
      exited: new Uint8Array(new SharedArrayBuffer(TID_TABLE)),
      stripes,
      node,
      fnode,
      lnode,
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
      deferredPercent: 5,
      legacyPermille: 2,
      epochPeriod: 32,
      // Only with 3 mutators or more: the skip-drain control's hand-back cycles need two live owners to the end.
      // The last mutator leaves first, its segments stay abandoned; the one before leaves later and the first reclaims its segment.
      leavers: workers >= 4 ? [workers - 1, workers - 2] : [],
      leaveAtOps: Number.isFinite(opsPerWorker) ? [Math.floor(0.25 * opsPerWorker), Math.floor(0.5 * opsPerWorker)] : [40_000, 80_000],
      leftBehind: 32,
      adoptee: workers >= 4 ? workers - 2 : 0,
      adopter: workers >= 4 ? 1 : 0,
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
    let stacksLeft = 0;
    for (let k = 0; k < tables.stacks.length; k += 2) if (tables.stacks[k] !== 0) stacksLeft++;
    const leavers = p.leavers.map((w) => results[w] as MutatorResult);
    const adopter = p.adopter > 0 ? (results[p.adopter] as MutatorResult) : null;
    const c = collector;

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
        name: 'gc.freeze(): no frozen object finalized or tp_cleared; frozen garbage alive through every collection while frozen; after gc.unfreeze() the freeze count is 0 and the next collection frees it',
        ok: ls((l) => l.frozenCollected) === 0 && c.frozenWitnessCollected === 0 && c.unfrozenLeft === 0 && c.freezeCountAfterUnfreeze === 0,
        detail: `${ls((l) => l.frozenCollected)} frozen objects finalized or cleared; of ${c.frozenWitnesses} frozen witnesses in ${c.freezeEpochs} epochs, ${c.frozenWitnessCollected} collected while frozen, ${c.unfrozenLeft} left after unfreeze; freeze counts after unfreeze ${c.freezeCountAfterUnfreeze}${problemText}`,
      },
      {
        name: 'legacy finalizers (tp_del): never tp_cleared; unreachable ones in gc.garbage (every witness), each once, everything they reach alive, uncleared (and the witnesses\' partners unfinalized); with DEBUG_SAVEALL off nothing else there',
        ok: ls((l) => l.legacyCleared) === 0 && c.legacyWitnessMissing === 0 && c.legacyReachFinalized === 0 && c.garbageDuplicates === 0 && c.garbageBad === 0 && c.garbageNotLegacy === 0,
        detail: `${ls((l) => l.legacyCleared)} tp_clear of legacy objects; ${c.legacyWitnessMissing} of ${c.legacyWitnesses} witnesses missing, ${c.legacyReachFinalized} of their partners finalized; of ${c.garbageEntries} entries (${c.legacyInGarbage} legacy) ${c.garbageDuplicates} duplicates, ${c.garbageBad} dead or cleared or reaching such, ${c.garbageNotLegacy} without tp_del while DEBUG_SAVEALL was off${problemText}`,
      },
      {
        name: 'DEBUG_SAVEALL: what collections found unreachable stays in gc.garbage (every witness), intact; once released, the next collection frees it',
        ok: c.savedWitnessMissing === 0 && c.savedNotFreed === 0 && c.garbageBad === 0 && c.ownCollectionTimeouts === 0,
        detail: `${c.saveAllEpochs} epochs, ${c.savedWitnessMissing} of ${c.savedWitnesses} witnesses missing, ${c.savedNotFreed} of ${c.savedChecked} not freed after release, ${c.garbageBad} bad entries, ${c.ownCollectionTimeouts} own collections not obtained${problemText}`,
      },
      {
        name: 'deferred reference counting: no reference held only on a thread\'s stack (uncounted) was freed; every stack empty at the end',
        ok: sum(results, (r) => r.stackBad) === 0 && stacksLeft === 0 && sum(mutators, (m) => m.stackLeft) === 0,
        detail: `${sum(results, (r) => r.stackBad)} bad of ${sum(mutators, (m) => m.stackUses)} uses and ${sum(results, (r) => r.stackWitnessChecked)} pinned witnesses (${sum(mutators, (m) => m.stackPushes)} pushes, ${sum(mutators, (m) => m.deferredNodes)} deferred nodes); ${stacksLeft} slots set at the end${problemText}`,
      },
      ...(leavers.length === 0
        ? []
        : [
            {
              name: 'workers that left mid-run: they left, and every object of theirs held afterwards was alive, its ob_tid 0 with MERGED, its creator\'s or the reclaiming thread\'s',
              ok: leavers.every((l) => l.left) && sum(results, (r) => r.exitedBad) === 0,
              detail: `${leavers.map((l) => `tid ${l.tid} left after ${l.leftAtOps} steps leaving ${l.leftBehind} objects of garbage`).join(', ')}; ${adopter === null ? 'no adopter' : adopter.adopted ? `a segment of worker ${p.adoptee}'s reclaimed by worker ${p.adopter} after ${adopter.adoptionBlocks} blocks` : `no segment of worker ${p.adoptee}'s reclaimed after ${adopter.adoptionBlocks} blocks`}; ${sum(results, (r) => r.exitedHeld)} checks of their objects afterwards: ${sum(results, (r) => r.exitedMerged)} merged in abandoned segments, ${sum(results, (r) => r.exitedAdopted)} adopted, ${sum(results, (r) => r.exitedBad)} bad; ${ls((l) => l.exitedDeallocs)} of their objects freed after they left, ${ls((l) => l.abandonedClears)} tp_clear calls in abandoned segments${problemText}`,
            },
          ]),
      {
        name: 'mimalloc: live blocks back to the baseline',
        ok: liveBlocks === state.liveBlocksBefore,
        detail: `${liveBlocks} live blocks, ${state.liveBlocksBefore} before the workers`,
      },
    ];
  },
  metrics: ({ results, elapsedMs, state, params }): StressMetric[] => {
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
          ls((l) => l.doubleDeallocs + l.badDeallocs + l.doubleFinalizers + l.badFinalizers + l.badCallbacks + l.fatalErrors + l.unraisable + l.frozenCollected + l.legacyCleared) +
          sum(r, (x) => x.stackBad) +
          sum(r, (x) => x.exitedBad),
        unit: '',
      },
      { name: 'allocations skipped (serial range used up)', value: sum(r, (x) => x.serialsExhausted), unit: '' },
      { name: 'deferred nodes', value: sum(mutators, (m) => m.deferredNodes), unit: '' },
      { name: 'stack pushes', value: sum(mutators, (m) => m.stackPushes), unit: '' },
      { name: 'stack uses', value: sum(mutators, (m) => m.stackUses), unit: '' },
      { name: 'pinned stack witnesses checked', value: sum(r, (x) => x.stackWitnessChecked), unit: '' },
      { name: 'legacy nodes', value: sum(mutators, (m) => m.legacyNodes), unit: '' },
      { name: 'legacy objects in gc.garbage', value: collector.legacyInGarbage, unit: '' },
      { name: 'uncollectable', value: stats.reduce((a, s) => a + s.uncollectable, 0), unit: '' },
      { name: 'freeze epochs', value: collector.freezeEpochs, unit: '' },
      { name: 'DEBUG_SAVEALL epochs', value: collector.saveAllEpochs, unit: '' },
      { name: 'kept by DEBUG_SAVEALL', value: collector.garbageEntries - collector.legacyInGarbage, unit: '' },
      ...(params.leavers.length === 0
        ? []
        : [
            { name: 'left mid-run', value: mutators.filter((m) => m.left).length, unit: '' },
            { name: 'segments of an exited worker reclaimed', value: mutators.filter((m) => m.adopted).length, unit: '' },
            { name: 'objects of exited workers checked afterwards', value: sum(r, (x) => x.exitedHeld), unit: '' },
            { name: 'of them merged in abandoned segments', value: sum(r, (x) => x.exitedMerged), unit: '' },
            { name: 'of them adopted by a reclaiming thread', value: sum(r, (x) => x.exitedAdopted), unit: '' },
            { name: 'objects of exited workers freed after they left', value: ls((l) => l.exitedDeallocs), unit: '' },
            { name: 'tp_clear in abandoned segments', value: ls((l) => l.abandonedClears), unit: '' },
          ]),
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

/**
 * The same run with a collector and 3 mutators, two of which leave mid-run
 * (`leavers`): their objects live on in abandoned segments, and in one
 * that the remaining mutator reclaims.
 */
export const gcThreadExitScenario: StressScenario<GcStressParams, State> = {
  ...gcStressScenario,
  name: 'gc/thread-exit',
  description:
    'gc/cycles with 3 mutators, two of which leave mid-run (merge queue drained, heaps abandoned, tid released) while the others hold their objects: collections visit and free them in abandoned segments and give survivors a merged ob_tid, or the tid of the thread that reclaimed the segment',
  defaultWorkers: 4,
};

export const scenarios = [gcStressScenario, gcThreadExitScenario];
