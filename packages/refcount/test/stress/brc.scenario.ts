/**
 * Biased reference counting with real workers (CPython `Include/refcount.h`,
 * `Python/brc.c`; DESIGN.md §3, §5): objects created on one worker are
 * incref'd and decref'd by several workers at once and released last on
 * another, through the merge queues, while an owner may already have exited.
 *
 * Setup (main thread): the heap, mimalloc (checked mode: double frees and
 * foreign pointers are fatal), optionally a QSBR state (then object pages
 * emptied by frees wait for a QSBR goal before reuse), the refcount state
 * with the registry of brc-objects.ts, the main thread's own `RcThread`, the
 * metatype, a static type and a heap type (unique id: its instances count
 * their type reference in per-thread arrays) whose instances both use the
 * poisoning dealloc. The heap type's reference count and the interpreter's
 * reference total are recorded before any worker starts.
 *
 * Workers (brc.worker.ts): each attaches the heap (`SharedHeap.attach`),
 * makes its `MiThread` (`miThreadInit(heap, mi, qsbr)`) and joins the
 * refcount state with the same registry (`rcThreadInit(heap, rc, registry,
 * { mi })`). Each holds references in slots (one slot = one counted
 * reference; a slot may hold the same object as another) and at each step
 * allocates an object (static or heap type, serial from its own range), dups
 * a held reference (incref), releases one (decref), or hands one to another
 * worker through the rings (the reference travels with the object: the
 * receiver owns it). Every few steps it drains its inboxes and, when
 * `mergeRequested(t)`, calls `processMergeQueue(t)` — the eval-breaker check.
 * Before every incref, decref or send, the holder verifies the object
 * (serial, check word, serial table ALIVE); a failure is counted and the
 * reference dropped without touching the object.
 *
 * Roles: with 3 or more workers, worker 0 is 'early': it only produces (its
 * objects go to the peers, it receives nothing), stops after a third of the
 * budget (or `earlyOpsTimed` in timed mode), hands every reference it holds
 * to the peers, and calls `rcThreadExit` while the peers still hold its
 * objects — their last decrefs then merge the counts themselves
 * (`mergedForExited`). To make that certain rather than likely, each peer
 * pins the first `pinPerPeer` references it receives from the early worker
 * and releases them only once the early worker has raised its "exited" flag.
 * The others are 'peer's.
 *
 * Variants: `ownerMergeOneIn` — an owner sometimes merges the counts of an
 * object it owns itself (`explicitMergeRefcount(t, op, 0)`, what the GC or
 * `Py_SET_REFCNT` does) while others may be queueing it; `generationOps` —
 * every so many steps a worker releases everything it holds at once, so whole
 * object pages empty and (with QSBR) wait for a QSBR goal before reuse.
 *
 * Shutdown: a worker asked to stop hands what it holds to another peer (or
 * releases it when no peer can take it), says it is done, then drains its
 * inboxes (releasing what arrives) and its merge queue until every worker is
 * done and the inboxes are empty. The peers then meet at a barrier where the
 * first one reads `miStats` (QSBR-pending pages with every peer still
 * registered and nobody allocating); then each calls `rcThreadExit` (drains
 * the merge queue, merges its per-thread type counts and reference total),
 * `miThreadExit`, QSBR unregistration.
 *
 * Exact checks after the join: no access to a dead object, no dealloc of a
 * dead or poisoned object, no fatal refcount error; allocations =
 * deallocations (in total and per type), and the serial table says every
 * serial allocated was deallocated exactly once and no other was touched;
 * every reference sent was received and the rings are empty; the heap type's
 * reference count is what it was before (per-thread counts merged to zero)
 * and its unique id is still the only one; the reference total is back to
 * its start value; only the main thread is still registered and its merge
 * queue is empty; miStats shows only the three type objects alive; after a
 * QSBR advance and a forced collect no page waits for QSBR, no segment is
 * left but the main thread's, and the region allocator holds what it held
 * before the workers (thread records, count arrays and merge-queue chunks all
 * returned); with an early worker, it exited while peers held its objects and
 * their releases merged counts for an exited owner.
 *
 * Two scenarios: `refcount/brc` (the issue's test: 3 workers with an early
 * owner, 32-byte objects, 64 slots each so references to the same objects
 * meet often, checked mimalloc, no QSBR) and `refcount/churn` (the stress
 * report's "main job": 2 peers, 128-byte objects from the object heap, 2048
 * slots, generations, QSBR, unchecked mimalloc), reporting objects/s,
 * hand-overs/s, queued/s, merge-queue traffic and QSBR-pending pages.
 *
 * Controls (must fail): 'nonowner-local' — non-owners decrement the owner's
 * `ob_ref_local` with plain reads and writes (no shared count, no queue);
 * 'no-queue' — a non-owner that finds the shared count at zero deallocates
 * instead of queueing the object for its owner; 'registry' — worker 1 builds
 * its registry with one more behaviour, and `rcThreadInit` must refuse it.
 */

import { groupCreate, regionStats, SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { createHandOffRings, pendingHandOffs, type CheckContext, type StressCheck, type StressMetric, type StressScenario } from '@ft/harness';
import { miCollect, miCreate, miStats, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { FreeCallbackRegistry, qsbrAdvance, qsbrAttach, qsbrCreate, qsbrDetach, qsbrPoll, qsbrQuiescentState, qsbrRegister, qsbrUnregister, type QsbrThread } from '@ft/qsbr';
import {
  createHeapType,
  createMetatype,
  createStaticType,
  getRefcount,
  getTotalRefcount,
  mergeQueueLength,
  rcCreate,
  rcThreadExit,
  rcThreadInit,
  registeredThreads,
  uniqueIdsInUse,
  type RcThread,
} from '../../src/index.js';
import { attachDeathLog, buildBrcRegistry, OBJECT_BASIC_SIZE, SERIAL_DEAD, SERIAL_FREE } from './brc-objects.js';

export type BrcSabotage = 'none' | 'nonowner-local' | 'no-queue' | 'registry';

export interface BrcParams {
  heap: SharedHeapHandle;
  mi: number;
  /** QSBR state (0 = none: `miThreadInit(heap, mi, null)`). */
  qsbr: number;
  rc: number;
  /** World group the workers join (0 = no world: they poll `mergeRequested`). */
  group: number;
  staticType: number;
  heapType: number;
  roles: string[];
  /** The serial table (brc-objects.ts); worker w allocates serials [w × serialsPerWorker, (w + 1) × serialsPerWorker). */
  serials: Uint8Array;
  serialsPerWorker: number;
  rings: Int32Array;
  ringCapacity: number;
  /** References each worker holds at most. */
  slots: number;
  /** Every this many steps the worker releases every reference it holds; 0 = never. */
  generationOps: number;
  /** Step mix in percent: allocate, dup (incref), send; the rest releases (decref). */
  allocPct: number;
  dupPct: number;
  sendPct: number;
  /** Steps of the early worker in timed mode (a third of the budget otherwise). */
  earlyOpsTimed: number;
  /**
   * One owned reference in this many dups is followed by the owner merging
   * the object's counts itself (`explicitMergeRefcount(t, op, 0)`, what the
   * GC or `Py_SET_REFCNT` does), so queueing threads meet merged objects; 0 = never.
   */
  ownerMergeOneIn: number;
  /**
   * A peer keeps the first references it receives from the early worker, up
   * to this many, until the early worker has exited, then releases them: so
   * the early owner always exits while peers hold its objects.
   */
  pinPerPeer: number;
  /** Spins between the read and the write of the 'nonowner-local' control. */
  holdSpins: number;
  sabotage: BrcSabotage;
}

export interface BrcResult {
  role: string;
  ops: number;
  allocs: number;
  heapTypeAllocs: number;
  increfs: number;
  decrefs: number;
  sent: number;
  received: number;
  ringFull: number;
  /** `t.queued`: objects this worker put on an owner's merge queue. */
  queued: number;
  /** Sum of `processMergeQueue` results. */
  merged: number;
  /** `t.mergedForExited`: objects merged here because their owner had exited. */
  mergedForExited: number;
  /** Merge-queue checks that found a request (`mergeRequested`). */
  mergeRequests: number;
  /** From the death log. */
  deallocs: number;
  heapTypeDeallocs: number;
  crossDeallocs: number;
  heapTypeCrossDeallocs: number;
  /** Deallocs run by the owner merging its queue: the last reference was released by another worker. */
  mergeDeallocs: number;
  /** Explicit merges by the owner (`ownerMergeOneIn`). */
  ownerMerges: number;
  /** Generations released at once (`generationOps`). */
  generations: number;
  /** References from the early worker released after it exited (pinned). */
  pinnedReleased: number;
  /** First peer: `miStats` at the quiet barrier (every peer drained, still registered). */
  qsbrPendingPages: number;
  liveBlocksAtQuiet: number;
  doubleDeallocs: number;
  badDeallocs: number;
  /** Held references found dead (serial table not ALIVE) before an access. */
  deadAccesses: number;
  /** Held references whose body was poisoned or another object's. */
  bodyMismatches: number;
  /** FatalErrors thrown by incref/decref/merge (negative count etc.). */
  refcountErrors: number;
  /** Operations the control performed the broken way. */
  sabotaged: number;
  allocFailures: number;
  /** Allocations skipped because this worker's serial range was used up. */
  serialsExhausted: number;
  /** Early worker: its objects still alive right after its rcThreadExit (held by peers or in rings). */
  ownedAliveAtExit: number;
  /** Elapsed ms at rcThreadExit. */
  exitedAtMs: number;
  problems: string[];
}

interface State {
  heap: SharedHeap;
  mainT: RcThread;
  mainMi: MiThread;
  mainQsbr: QsbrThread | null;
  params: BrcParams;
  typeRefcountBefore: number;
  refTotalBefore: number;
  liveBlocksBefore: number;
  segmentsBefore: number;
  regionsBefore: number;
  bytesBefore: number;
  /** Filled by `check` for the metrics. */
  observed: { qsbrPendingAtJoin: number; liveBlocksAtJoin: number };
}

export interface BrcScenarioOptions {
  name: string;
  description: string;
  defaultWorkers: number;
  opsPerWorker: number;
  /** mimalloc checked mode. */
  checked: boolean;
  /** Use QSBR for object pages. */
  qsbr: boolean;
  /** Whether worker 0 is the 'early' role when there are 3 or more workers. */
  earlyRole: boolean;
  /** `tp_basicsize` of both test types (at least OBJECT_BASIC_SIZE). */
  objectSize: number;
  /** References each worker holds at most. */
  slots: number;
  /** Every this many steps a worker releases every reference it holds (a generation dies); 0 = never. */
  generationOps: number;
  /**
   * Workers join the world of `@ft/atomics` (a participant each, attached):
   * merge requests then arrive in their eval breakers and are merged by the
   * handler at their safe points instead of by polling `mergeRequested`.
   */
  world?: boolean;
}

/** Serials in the table in timed mode (one byte each), split between workers. */
const TIMED_SERIALS = 32 << 20;

const sum = (results: readonly BrcResult[], key: keyof BrcResult): number => results.reduce((a, r) => a + (r[key] as number), 0);

function roleList(workers: number, earlyRole: boolean): string[] {
  return Array.from({ length: workers }, (_, w) => (earlyRole && workers >= 3 && w === 0 ? 'early' : 'peer'));
}

/** Builds a BRC scenario (the vitest tests and the stress report use two of them). */
export function createBrcScenario(options: BrcScenarioOptions): StressScenario<BrcParams, State> {
  return {
    name: options.name,
    description: options.description,
    worker: new URL('./brc.worker.ts', import.meta.url),
    defaultWorkers: options.defaultWorkers,
    opsPerWorker: options.opsPerWorker,
    roles: (workers) => roleList(workers, options.earlyRole),
    setup({ workers, roles, opsPerWorker }) {
      const heap = SharedHeap.create({ size: 256 << 20, threadCapacity: 16 });
      const qsbr = options.qsbr ? qsbrCreate(heap) : 0;
      const mi = miCreate(heap, { checked: options.checked });
      if (mi === 0 || (options.qsbr && qsbr === 0)) throw new Error(`${options.name}: heap too small for the fixed structures`);
      const mainQsbr = options.qsbr ? qsbrRegister(heap, qsbr, new FreeCallbackRegistry()) : null;
      const mainMi = miThreadInit(heap, mi, mainQsbr);
      const { registry, poisonDeallocId } = buildBrcRegistry();
      const rc = rcCreate(heap, registry, { refDebug: true });
      const mainT = rcThreadInit(heap, rc, registry, { mi: mainMi });
      const meta = createMetatype(mainT);
      const staticType = createStaticType(mainT, meta, { basicSize: Math.max(OBJECT_BASIC_SIZE, options.objectSize), dealloc: poisonDeallocId });
      const heapType = createHeapType(mainT, meta, { basicSize: Math.max(OBJECT_BASIC_SIZE, options.objectSize), dealloc: poisonDeallocId });
      const serialsPerWorker = Number.isFinite(opsPerWorker) ? opsPerWorker + 16 : Math.floor(TIMED_SERIALS / workers);
      const serials = new Uint8Array(new SharedArrayBuffer(serialsPerWorker * workers));
      attachDeathLog(serials, -1, heapType);
      const ringCapacity = 1024;
      const params: BrcParams = {
        heap: heap.handle(),
        mi,
        qsbr,
        rc,
        group: options.world === true ? groupCreate(heap) : 0,
        staticType,
        heapType,
        roles: [...roles],
        serials,
        serialsPerWorker,
        rings: createHandOffRings({ workers, capacity: ringCapacity, entryWords: 2 }),
        ringCapacity,
        slots: options.slots,
        generationOps: options.generationOps,
        allocPct: 20,
        dupPct: 30,
        sendPct: 20,
        earlyOpsTimed: 300_000,
        ownerMergeOneIn: 0,
        pinPerPeer: 16,
        holdSpins: 0,
        sabotage: 'none',
      };
      const stats = miStats(mainMi);
      const regions = regionStats(heap);
      return {
        params,
        state: {
          heap,
          mainT,
          mainMi,
          mainQsbr,
          params,
          typeRefcountBefore: getRefcount(mainT, heapType),
          refTotalBefore: getTotalRefcount(mainT),
          liveBlocksBefore: stats.liveBlocks,
          segmentsBefore: stats.segments,
          regionsBefore: regions.regionsInUse,
          bytesBefore: regions.bytesInUse,
          observed: { qsbrPendingAtJoin: 0, liveBlocksAtJoin: 0 },
        },
      };
    },
    check(ctx: CheckContext<BrcParams, State>): StressCheck[] {
      const r = ctx.results as BrcResult[];
      const { heap, mainT, mainMi, mainQsbr } = ctx.state;
      const p = ctx.params;
      const problems = r.flatMap((x, w) => x.problems.map((m) => `worker ${w}: ${m}`)).slice(0, 8);
      const problemText = problems.length > 0 ? `; ${problems.join('; ')}` : '';

      // The serial table: worker w's first `allocs` serials DEAD, the rest of its range FREE.
      let notDead = 0;
      let touched = 0;
      const samples: string[] = [];
      for (let w = 0; w < ctx.workers; w++) {
        const base = w * p.serialsPerWorker;
        const allocated = r[w].allocs;
        for (let s = base; s < base + p.serialsPerWorker; s++) {
          const v = p.serials[s];
          if (s < base + allocated ? v !== SERIAL_DEAD : v !== SERIAL_FREE) {
            if (s < base + allocated) notDead++;
            else touched++;
            if (samples.length < 4) samples.push(`serial ${s} (worker ${w}) is ${v}`);
          }
        }
      }

      const ringsLeft = pendingHandOffs(p.rings, { workers: ctx.workers, capacity: p.ringCapacity, entryWords: 2 });
      const allocs = sum(r, 'allocs');
      const deallocs = sum(r, 'deallocs');
      const heapAllocs = sum(r, 'heapTypeAllocs');
      const heapDeallocs = sum(r, 'heapTypeDeallocs');
      const typeRefcount = getRefcount(mainT, p.heapType);
      const refTotal = getTotalRefcount(mainT);
      const registered = registeredThreads(mainT);
      const mainQueue = mergeQueueLength(mainT);
      const ids = uniqueIdsInUse(mainT);

      const beforeCollect = miStats(mainMi);
      ctx.state.observed.qsbrPendingAtJoin = beforeCollect.qsbrPendingPages;
      ctx.state.observed.liveBlocksAtJoin = beforeCollect.liveBlocks - ctx.state.liveBlocksBefore;
      let goalReached = true;
      if (mainQsbr !== null) {
        // Nobody else is online any more: every goal can be reached.
        qsbrAttach(mainQsbr);
        const goal = qsbrAdvance(mainQsbr);
        qsbrQuiescentState(mainQsbr);
        goalReached = qsbrPoll(mainQsbr, goal);
      }
      miCollect(mainMi, true);
      if (mainQsbr !== null) qsbrDetach(mainQsbr);
      const after = miStats(mainMi);
      const regions = regionStats(heap);
      const { liveBlocksBefore, segmentsBefore, regionsBefore, bytesBefore } = ctx.state;

      const checks: StressCheck[] = [
        {
          name: 'no held reference found its object dead, poisoned or reused',
          ok: sum(r, 'deadAccesses') === 0 && sum(r, 'bodyMismatches') === 0,
          detail: `${sum(r, 'deadAccesses')} dead, ${sum(r, 'bodyMismatches')} poisoned or reused${problemText}`,
        },
        {
          name: 'no dealloc of a dead or poisoned object',
          ok: sum(r, 'doubleDeallocs') === 0 && sum(r, 'badDeallocs') === 0,
          detail: `${sum(r, 'doubleDeallocs')} second deallocs, ${sum(r, 'badDeallocs')} of poisoned bodies${problemText}`,
        },
        { name: 'no fatal refcount error', ok: sum(r, 'refcountErrors') === 0, detail: `${sum(r, 'refcountErrors')} fatal errors${problemText}` },
        { name: 'no allocation failed', ok: sum(r, 'allocFailures') === 0, detail: `${sum(r, 'allocFailures')} failed` },
        {
          name: 'allocations = deallocations, in total and for heap-type instances',
          ok: allocs === deallocs && heapAllocs === heapDeallocs && allocs > 0 && heapAllocs > 0,
          detail: `${allocs} allocated, ${deallocs} deallocated; heap type: ${heapAllocs} allocated, ${heapDeallocs} deallocated`,
        },
        {
          name: 'serial table: every object allocated was deallocated exactly once, no other serial touched',
          ok: notDead === 0 && touched === 0,
          detail: `${notDead} allocated serials not exactly DEAD, ${touched} unallocated serials touched${samples.length ? `; ${samples.join('; ')}` : ''}`,
        },
        {
          name: 'every reference sent was received and the rings are empty',
          ok: sum(r, 'sent') === sum(r, 'received') && ringsLeft === 0,
          detail: `${sum(r, 'sent')} sent, ${sum(r, 'received')} received, ${ringsLeft} left in rings`,
        },
        {
          name: "the heap type's refcount is what it was before (per-thread counts merged to zero), its unique id the only one",
          ok: typeRefcount === ctx.state.typeRefcountBefore && ids === 1,
          detail: `refcount ${typeRefcount}, ${ctx.state.typeRefcountBefore} before; ${ids} unique ids in use`,
        },
        {
          name: 'the reference total is back to its start value',
          ok: refTotal === ctx.state.refTotalBefore,
          detail: `${refTotal}, ${ctx.state.refTotalBefore} before the workers`,
        },
        {
          name: 'only the main thread is still registered for reference counting; its merge queue is empty',
          ok: registered === 1 && mainQueue === 0,
          detail: `${registered} registered, ${mainQueue} queued for the main thread`,
        },
        {
          name: 'miStats: only the type objects are alive after the join',
          ok: beforeCollect.liveBlocks === liveBlocksBefore,
          detail: `${beforeCollect.liveBlocks} live blocks, ${liveBlocksBefore} (the types) before the workers`,
        },
        {
          name: 'after a QSBR advance and a forced collect: no page waits for QSBR, only the main thread and its segments are left',
          ok: goalReached && after.qsbrPendingPages === 0 && after.abandonedSegments === 0 && after.segments === segmentsBefore && after.threads === 1,
          detail: `goal reached ${goalReached}; ${after.qsbrPendingPages} pending pages (${beforeCollect.qsbrPendingPages} before the collect), ${after.segments} segments (${segmentsBefore} before the workers), ${after.abandonedSegments} abandoned, ${after.threads} threads`,
        },
        {
          name: 'the region allocator holds what it held before the workers (thread records, count arrays, merge-queue chunks returned)',
          ok: regions.regionsInUse === regionsBefore && regions.bytesInUse === bytesBefore,
          detail: `${regions.regionsInUse} regions / ${regions.bytesInUse} bytes, ${regionsBefore} / ${bytesBefore} before`,
        },
      ];
      const early = r.find((x) => x.role === 'early');
      if (early !== undefined) {
        const pinnedReleased = sum(r, 'pinnedReleased');
        checks.push({
          name: 'the early owner exited while peers held its objects, and they released them after its exit',
          ok: early.ownedAliveAtExit > 0 && pinnedReleased > 0 && sum(r, 'mergedForExited') > 0,
          detail: `${early.ownedAliveAtExit} of its objects alive right after its rcThreadExit, ${pinnedReleased} pinned references released after it, ${sum(r, 'mergedForExited')} merged for an exited owner`,
        });
      }
      return checks;
    },
    metrics: ({ results, elapsedMs, state }): StressMetric[] => {
      const r = results as BrcResult[];
      const { qsbrPendingAtJoin, liveBlocksAtJoin } = state.observed;
      const allocs = sum(r, 'allocs');
      const early = r.find((x) => x.role === 'early');
      return [
        { name: 'objects', value: allocs, unit: '' },
        { name: 'objects/s', value: (allocs * 1000) / elapsedMs, unit: '/s' },
        { name: 'handed over/s', value: (sum(r, 'sent') * 1000) / elapsedMs, unit: '/s' },
        { name: 'queued/s', value: (sum(r, 'queued') * 1000) / elapsedMs, unit: '/s' },
        { name: 'incref+decref/s', value: ((sum(r, 'increfs') + sum(r, 'decrefs')) * 1000) / elapsedMs, unit: '/s' },
        { name: 'handed over', value: sum(r, 'sent'), unit: '' },
        { name: 'freed by another worker', value: sum(r, 'crossDeallocs'), unit: '' },
        { name: 'released last elsewhere, freed in the owner\'s merge', value: sum(r, 'mergeDeallocs'), unit: '' },
        { name: 'heap-type instances freed by another worker', value: sum(r, 'heapTypeCrossDeallocs'), unit: '' },
        { name: 'queued', value: sum(r, 'queued'), unit: '' },
        { name: 'merged', value: sum(r, 'merged'), unit: '' },
        { name: 'mergedForExited', value: sum(r, 'mergedForExited'), unit: '' },
        { name: 'owner explicit merges', value: sum(r, 'ownerMerges'), unit: '' },
        { name: 'merge requests', value: sum(r, 'mergeRequests'), unit: '' },
        ...(early ? [{ name: 'early owner objects alive at its exit', value: early.ownedAliveAtExit, unit: '' }] : []),
        { name: 'QSBR-pending pages with the peers drained', value: sum(r, 'qsbrPendingPages'), unit: '' },
        { name: 'QSBR-pending pages after the exits', value: qsbrPendingAtJoin, unit: '' },
        { name: 'test objects alive at the join', value: liveBlocksAtJoin, unit: '' },
        { name: 'violations', value: sum(r, 'deadAccesses') + sum(r, 'bodyMismatches') + sum(r, 'doubleDeallocs') + sum(r, 'badDeallocs') + sum(r, 'refcountErrors'), unit: '' },
        { name: 'sabotaged', value: sum(r, 'sabotaged'), unit: '' },
        { name: 'allocations skipped (serial range used up)', value: sum(r, 'serialsExhausted'), unit: '' },
      ];
    },
    teardown: ({ heap, mainT, mainMi, mainQsbr }) => {
      rcThreadExit(mainT);
      miThreadExit(mainMi);
      if (mainQsbr !== null) qsbrUnregister(mainQsbr);
      heap.close();
    },
  };
}

/**
 * The issue's scenario: 3 workers (an early-exiting owner and two peers),
 * mimalloc in checked mode, no QSBR.
 */
const brcOptions: BrcScenarioOptions = {
  name: 'refcount/brc',
  description:
    'biased refcounting from real workers: shared objects incref/decref\'d concurrently, references handed between workers, last released on another worker through the merge queues, an owner exiting while peers hold its objects; poisoning dealloc, per-serial dead markers, per-thread heap-type counts',
  defaultWorkers: 3,
  opsPerWorker: 1_000_000,
  checked: true,
  qsbr: false,
  earlyRole: true,
  objectSize: OBJECT_BASIC_SIZE,
  slots: 64,
  generationOps: 0,
};
export const brcScenario = createBrcScenario(brcOptions);

/**
 * The package's main job for the stress report: object churn across 2
 * workers (allocate from the object heap, hand over, release with BRC), with
 * QSBR-delayed page reuse, mimalloc unchecked.
 */
export const churnScenario = createBrcScenario({
  name: 'refcount/churn',
  description: 'object churn across 2 workers: allocate objects from the object heap, hand them over, release them with BRC and the merge queues; QSBR-delayed page reuse; leak check (no live block, zero reference total)',
  defaultWorkers: 2,
  opsPerWorker: 1_000_000,
  checked: false,
  qsbr: true,
  earlyRole: false,
  objectSize: 128,
  slots: 2048,
  generationOps: 50_000,
});

/** The BRC scenario with merge requests delivered through the world's eval breaker (vitest only). */
export const brcWorldScenario = createBrcScenario({
  ...brcOptions,
  name: 'refcount/brc-world',
  description: 'the BRC scenario with every worker a participant of the world: merge requests set bit 6 of the owner\'s eval breaker and its handler merges at the next safe point',
  world: true,
});

export const scenarios = [brcScenario, churnScenario];
