/**
 * The world with real workers (issue 16): a controller stops the world over
 * and over — one group, the other group, or every group — while mutators
 * count, but only while attached and only between safe points, as running
 * Python code would. During the run the mutators also detach and attach,
 * block on two PyMutexes, a critical section and PyEvents (detaching
 * waits; the controller sets the events, during a stop or after it), and
 * leave their group and join it or the other one again (participant delete +
 * create, sometimes during a stop).
 *
 * Each mutator keeps, per group, an atomic progress counter (what the
 * controller watches) and a *plain* pending counter (like `ob_ref_local`:
 * written by its owner while attached, read and zeroed by the controller
 * only while the world is stopped — the merge that stop-the-world exists
 * for). While the world is stopped the controller snapshots every progress
 * counter of the stopped groups, spins ~100 µs and sleeps as long (which
 * gives its core to anything still runnable), snapshots again (the two
 * must be equal), walks the stopped groups' participant lists under
 * HEAD_LOCK (every one but its own must be SUSPENDED or SHUTTING_DOWN), and
 * merges the pending counters; after the restart every mutator must make
 * progress again. At the end the totals are exact: per-mutator increments =
 * progress counters = the shared atomic total = merged + still-pending
 * counts; the mutex- and section-guarded plain counters equal their
 * increments; every participant was deleted (both groups can be deleted)
 * and no stop is left behind.
 *
 * Controls (`mode`), which must fail: 'ignore-stop' — mutator 1 stays
 * attached and never reaches a safe point while please-stop is set (the
 * stop must time out and name it); 'skip-countdown' — mutator 1 answers
 * please-stop by storing SUSPENDED itself, without counting itself off the
 * stop's countdown (the stop can never complete); 'run-detached' — mutator
 * 1 answers please-stop by storing DETACHED on its status word and keeps
 * counting (the requester parks it as if it were idle, the stop completes,
 * and its counters move while the world is stopped).
 */

import type { StressCheck, StressScenario } from '@ft/harness';
import {
  groupCreate,
  groupDelete,
  regionAlloc,
  SharedHeap,
  worldOf,
  type SharedHeapHandle,
} from '../../src/index.js';
import {
  GROUP_COUNT_OFFSET,
  GROUP_PARTICIPANTS_OFFSET,
  GROUP_STW_OFFSET,
  STW_MUTEX_OFFSET,
  STW_REQUESTED_OFFSET,
  STW_STOPPED_OFFSET,
  WORLD_HEAD_LOCK_OFFSET,
  WORLD_STW_OFFSET,
  WORLD_STW_RWMUTEX_OFFSET,
} from '../../src/layout.js';

/** The scenario's shared words (byte offsets from `params.region`). */
export const CYCLE_OFFSET = 0; // i32, controller: completed stops (bumped after each start)
export const DONE_OFFSET = 4; // i32, controller: 1 once it has finished (mutators then leave)
export const IDLE_OFFSET = 8; // i32, never written: what sleepers Atomics.wait on
export const TOTAL_OFFSET = 64; // i32, mutators (Atomics.add): every increment
export const MUTEX_OFFSETS = [128, 192] as const; // PyMutex bytes; each guards the plain u32 at +8
export const CS_MUTEX_OFFSET = 256; // critical-section mutex; guards the plain u32 at +8
export const GUARDED_COUNTER_DELTA = 8;
export const MUTATORS_OFFSET = 640; // per-mutator records, MUTATOR_STRIDE bytes each
export const MUTATOR_STRIDE = 128;
export const MAX_MUTATORS = 8;
export const REGION_SIZE = MUTATORS_OFFSET + MAX_MUTATORS * MUTATOR_STRIDE;

/** Per-mutator record (offsets from its start). */
export const M_PROGRESS_OFFSET = 0; // 2 × i32 (group 0, group 1), owner (Atomics.add) / controller
export const M_WAITING_OFFSET = 8; // u32, owner: the PyEvent it waits on (0: none) / controller: sets that event
export const M_PARTICIPANT_OFFSET = 12; // u32, owner: its current participant's address (0: none)
export const M_ID_OFFSET = 16; // u32, owner: that participant's id
export const M_TID_OFFSET = 20; // u32, owner: its thread id
export const M_GROUP_OFFSET = 24; // i32, owner: its group's index (0 or 1)
export const M_PENDING_OFFSET = 64; // 2 × u32 PLAIN: owner while attached / controller while stopped
export const M_EVENTS_OFFSET = 96; // M_EVENT_RING PyEvent bytes: owner resets one and waits on it
export const M_EVENT_RING = 16;

export type WorldMode = 'normal' | 'ignore-stop' | 'skip-countdown' | 'run-detached';

export interface WorldParams {
  heap: SharedHeapHandle;
  region: number;
  /** The two groups' addresses. */
  groups: [number, number];
  mode: WorldMode;
  /** The controller's stopTheWorld timeout (the FatalError that names laggards). */
  stopTimeoutMs: number;
  /** How long the controller spins, then sleeps, with the world stopped before the second snapshot (µs each). */
  holdUs: number;
  /** Longest acceptable stop (the 'stop latency' check), ms. */
  stopBoundMs: number;
  /** How long after a restart every mutator may take to move again, ms. */
  resumeBoundMs: number;
  /** How many stops mutator 1 misbehaves for in the control modes. */
  rogueEpisodes: number;
}

export interface ControllerResult {
  role: 'controller';
  attempts: number;
  stops: number;
  groupStops: number;
  globalStops: number;
  /** FatalError messages of stops that did not complete (first 10). */
  failures: string[];
  failureCount: number;
  /** Stops during which a progress counter of a stopped group moved. */
  moved: number;
  movedDetail: string[];
  /** Participants of a stopped group seen in a state other than SUSPENDED / SHUTTING_DOWN. */
  badStatus: number;
  badStatusDetail: string[];
  /** Participants seen suspended, summed over the stops. */
  suspendedSeen: number;
  /** Restarts after which some mutator did not move within the bound. */
  notResumed: number;
  notResumedDetail: string[];
  /** assertWorldStopped threw while the controller held the stop. */
  assertFailures: number;
  /** Participants of the scope seen ATTACHED just before a stop was requested, summed. */
  attachedAtRequest: number;
  /** Stops requested while at least one participant of their scope was seen ATTACHED. */
  stopsWithRunners: number;
  /** Sum of the pending counters the controller merged while stopped. */
  merged: number;
  latencyMedianMs: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
}

export interface MutatorResult {
  role: 'mutator';
  /** Increments made, per group index. */
  increments: [number, number];
  /** Increments made under each PyMutex and under the critical section. */
  mutexIncrements: [number, number];
  csIncrements: number;
  detaches: number;
  leaves: number;
  groupSwitches: number;
  createdSuspended: number;
  eventWaits: number;
  eventsWoken: number;
  rogueEpisodes: number;
  /** How the stop's FatalError names mutator 1's participant during its rogue episodes ('' otherwise). */
  rogueName: string;
  participantId: number;
  participantAddress: number;
  tid: number;
}

interface State {
  heap: SharedHeap;
}

const SUSPENDABLE = 'every participant of a stopped group was SUSPENDED or SHUTTING_DOWN';

export const worldStopTheWorld: StressScenario<WorldParams, State> = {
  name: 'atomics/world-stop-the-world',
  description: '1 controller stops one group, the other or all, repeatedly; mutators count between safe points, detach, block, leave and re-join groups',
  worker: new URL('./world.worker.ts', import.meta.url),
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 'controller' : 'mutator')),
  // Stops the controller makes; the mutators run until it is done.
  opsPerWorker: 400,
  setup({ workers }) {
    if (workers < 2 || workers - 1 > MAX_MUTATORS) throw new RangeError(`world scenario: 1 controller + 1…${MAX_MUTATORS} mutators, got ${workers} workers`);
    const heap = SharedHeap.create({ size: 8 << 20 });
    const region = regionAlloc(heap, REGION_SIZE, 64);
    const groups: [number, number] = [groupCreate(heap), groupCreate(heap)];
    return {
      params: {
        heap: heap.handle(),
        region,
        groups,
        mode: 'normal',
        stopTimeoutMs: 10_000,
        holdUs: 100,
        stopBoundMs: 2_000,
        resumeBoundMs: 5_000,
        rogueEpisodes: 0,
      },
      state: { heap },
    };
  },
  check({ results, state, params }): StressCheck[] {
    const heap = state.heap;
    const { i32, u32 } = heap;
    const c = results[0] as ControllerResult;
    const mutators = results.slice(1) as MutatorResult[];
    const region = params.region;
    const sumOf = (f: (m: MutatorResult) => number): number => mutators.reduce((a, m) => a + f(m), 0);
    const increments = sumOf((m) => m.increments[0] + m.increments[1]);
    // SAFETY (whole check): every worker has exited; nothing else touches the heap.
    const total = i32[(region + TOTAL_OFFSET) >>> 2];
    let progress = 0;
    let pending = 0;
    let progressPerMutator = true;
    mutators.forEach((m, k) => {
      const rec = region + MUTATORS_OFFSET + k * MUTATOR_STRIDE;
      for (let g = 0; g < 2; g++) {
        const p = i32[(rec + M_PROGRESS_OFFSET + 4 * g) >>> 2];
        progress += p;
        if (p !== m.increments[g]) progressPerMutator = false;
        pending += u32[(rec + M_PENDING_OFFSET + 4 * g) >>> 2];
      }
    });
    const guarded = MUTEX_OFFSETS.map((off) => u32[(region + off + GUARDED_COUNTER_DELTA) >>> 2]);
    const csCounter = u32[(region + CS_MUTEX_OFFSET + GUARDED_COUNTER_DELTA) >>> 2];
    const world = worldOf(heap);
    const stwWords = [world + WORLD_STW_OFFSET, ...params.groups.map((g) => g + GROUP_STW_OFFSET)].flatMap((stw) => [
      Atomics.load(i32, (stw + STW_REQUESTED_OFFSET) >>> 2),
      Atomics.load(i32, (stw + STW_STOPPED_OFFSET) >>> 2),
      Atomics.load(heap.u8, stw + STW_MUTEX_OFFSET),
    ]);
    const locks = [Atomics.load(heap.u8, world + WORLD_HEAD_LOCK_OFFSET), Atomics.load(i32, (world + WORLD_STW_RWMUTEX_OFFSET) >>> 2)];
    const left = params.groups.map((g) => `${u32[(g + GROUP_COUNT_OFFSET) >>> 2]}/${u32[(g + GROUP_PARTICIPANTS_OFFSET) >>> 2]}`);
    let deleted = true;
    let deleteError = '';
    try {
      for (const g of params.groups) groupDelete(heap, g);
    } catch (error) {
      deleted = false;
      deleteError = (error as Error).message;
    }
    const stopsDone = i32[(region + CYCLE_OFFSET) >>> 2];
    const createdSuspended = sumOf((m) => m.createdSuspended);
    const rogueName = mutators[0]?.rogueName ?? '';
    const naming: StressCheck[] =
      params.mode === 'ignore-stop'
        ? [
            {
              name: 'every timed-out stop named the participant that ignored please-stop',
              ok: c.failures.length > 0 && rogueName !== '' && c.failures.every((f) => f.includes(rogueName)),
              detail: `looked for '${rogueName}' in ${c.failures.length} messages`,
            },
          ]
        : [];
    return [
      ...naming,
      {
        name: 'every stop completed (none timed out)',
        ok: c.failureCount === 0,
        detail: `${c.failureCount} of ${c.attempts} stops failed${c.failures.length > 0 ? `: ${c.failures.join(' | ')}` : ''}`,
      },
      {
        name: 'stops were made, of one group and of all groups, some while participants ran',
        ok: c.stops === stopsDone && c.stops === c.groupStops + c.globalStops && c.groupStops > 0 && c.globalStops > 0 && c.stopsWithRunners > 0,
        detail: `${c.stops} stops (${c.groupStops} of a group, ${c.globalStops} global; ${c.stopsWithRunners} requested while ${c.attachedAtRequest} participants in all were attached), cycle word ${stopsDone}, ${c.attempts} attempts`,
      },
      {
        name: 'no progress counter of a stopped group moved while it was stopped',
        ok: c.moved === 0,
        detail: `${c.moved} stops with movement${c.movedDetail.length > 0 ? `: ${c.movedDetail.join(' | ')}` : ''}`,
      },
      {
        name: SUSPENDABLE,
        ok: c.badStatus === 0 && c.suspendedSeen > 0,
        detail: `${c.badStatus} bad, ${c.suspendedSeen} suspended participants seen${c.badStatusDetail.length > 0 ? `: ${c.badStatusDetail.join(' | ')}` : ''}`,
      },
      { name: 'assertWorldStopped held during every stop', ok: c.assertFailures === 0, detail: `${c.assertFailures} failures` },
      {
        name: 'every mutator moved again after every restart',
        ok: c.notResumed === 0,
        detail: `${c.notResumed} restarts without progress${c.notResumedDetail.length > 0 ? `: ${c.notResumedDetail.join(' | ')}` : ''}`,
      },
      {
        name: 'increments = progress counters = the shared total',
        ok: progressPerMutator && progress === increments && total === increments && increments > 0,
        detail: `increments ${increments}, progress ${progress}${progressPerMutator ? '' : ' (a mutator’s own counters differ)'}, total ${total}`,
      },
      {
        name: 'plain pending counts merged while stopped + still pending = increments',
        ok: c.merged + pending === increments,
        detail: `merged ${c.merged} + pending ${pending} = ${c.merged + pending}, increments ${increments}`,
      },
      {
        name: 'mutex- and section-guarded plain counters are exact',
        ok:
          guarded[0] === sumOf((m) => m.mutexIncrements[0]) &&
          guarded[1] === sumOf((m) => m.mutexIncrements[1]) &&
          csCounter === sumOf((m) => m.csIncrements),
        detail: `mutexes ${guarded.join('/')} vs ${sumOf((m) => m.mutexIncrements[0])}/${sumOf((m) => m.mutexIncrements[1])}, section ${csCounter} vs ${sumOf((m) => m.csIncrements)}`,
      },
      {
        name: `no stop took longer than ${params.stopBoundMs} ms`,
        ok: c.latencyMaxMs <= params.stopBoundMs,
        detail: `median ${c.latencyMedianMs.toFixed(3)} ms, p99 ${c.latencyP99Ms.toFixed(3)} ms, max ${c.latencyMaxMs.toFixed(3)} ms`,
      },
      {
        name: 'mutators detached, left and re-joined groups, waited on events',
        ok: sumOf((m) => m.detaches) > 0 && sumOf((m) => m.leaves) > 0 && sumOf((m) => m.eventWaits) > 0,
        detail: `${sumOf((m) => m.detaches)} detaches, ${sumOf((m) => m.leaves)} leaves (${sumOf((m) => m.groupSwitches)} to the other group, ${createdSuspended} created during a stop), ${sumOf((m) => m.eventWaits)} event waits (${sumOf((m) => m.eventsWoken)} woken)`,
      },
      {
        name: 'every participant deleted, no stop or lock left behind',
        ok: deleted && stwWords.every((w) => w === 0) && locks.every((w) => w === 0),
        detail: `groups (count/head) ${left.join(', ')}${deleted ? '' : `; groupDelete: ${deleteError}`}; STW words ${stwWords.join(',')}; HEAD_LOCK ${locks[0]}, RW ${locks[1]}`,
      },
    ];
  },
  metrics: ({ results, params }) => {
    const c = results[0] as ControllerResult;
    const mutators = results.slice(1) as MutatorResult[];
    const rogue = params.mode === 'normal' ? [] : [{ name: 'rogue episodes', value: mutators[0].rogueEpisodes, unit: '' }];
    return [
      ...rogue,
      { name: 'stops', value: c.stops, unit: '' },
      { name: 'stops waiting for running participants', value: c.stopsWithRunners, unit: '' },
      { name: 'stop median', value: c.latencyMedianMs * 1000, unit: 'µs' },
      { name: 'stop p99', value: c.latencyP99Ms * 1000, unit: 'µs' },
      { name: 'stop max', value: c.latencyMaxMs, unit: 'ms' },
      { name: 'created suspended', value: mutators.reduce((a, m) => a + m.createdSuspended, 0), unit: '' },
    ];
  },
  teardown: ({ heap }) => heap.close(),
};

export const scenarios = [worldStopTheWorld];
