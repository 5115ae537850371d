/**
 * Worker 0 is the controller, the others are mutators (see world.scenario.ts).
 * Hang dumps show user counter 0: the controller's phase (1 stopping, 2
 * stopped, 3 waiting for progress) or the mutator's current action.
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import {
  assertWorldStopped,
  attach,
  clearEvalBreakerBits,
  criticalSectionBegin,
  criticalSectionEnd,
  detach,
  EVAL_PLEASE_STOP_BIT,
  evalBreakerBits,
  eventNotify,
  eventWaitTimed,
  FatalError,
  formatAddress,
  monotonicMs,
  mutexLock,
  mutexUnlock,
  participantCreate,
  participantDelete,
  participantStatus,
  pollSafePoint,
  safePoint,
  SharedHeap,
  startTheWorld,
  startTheWorldAll,
  STATUS_ATTACHED,
  STATUS_DETACHED,
  STATUS_SHUTTING_DOWN,
  STATUS_SUSPENDED,
  stopTheWorld,
  stopTheWorldAll,
  worldOf,
  type Participant,
} from '../../src/index.js';
import { statusName } from '../../src/attach-detach.js';
import { GROUP_PARTICIPANTS_OFFSET, PARTICIPANT_ID_OFFSET, PARTICIPANT_NEXT_OFFSET, PARTICIPANT_STATUS_OFFSET, PARTICIPANT_TID_OFFSET } from '../../src/layout.js';
import { headLock, headUnlock } from '../../src/world-state.js';
import {
  CS_MUTEX_OFFSET,
  CYCLE_OFFSET,
  DONE_OFFSET,
  GUARDED_COUNTER_DELTA,
  IDLE_OFFSET,
  M_EVENT_RING,
  M_EVENTS_OFFSET,
  M_GROUP_OFFSET,
  M_ID_OFFSET,
  M_PARTICIPANT_OFFSET,
  M_PENDING_OFFSET,
  M_PROGRESS_OFFSET,
  M_TID_OFFSET,
  M_WAITING_OFFSET,
  MUTATOR_STRIDE,
  MUTATORS_OFFSET,
  MUTEX_OFFSETS,
  TOTAL_OFFSET,
  type ControllerResult,
  type MutatorResult,
  type WorldParams,
} from './world.scenario.js';

type Ctx = StressWorkerContext<WorldParams>;

let sink = 0;

function spin(n: number): void {
  for (let i = 0; i < n; i++) sink = (sink + i) | 0;
}

function percentile(sorted: number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function controller(ctx: Ctx, heap: SharedHeap): ControllerResult {
  const { region, groups, stopTimeoutMs, holdUs, resumeBoundMs } = ctx.params;
  const { i32, u32 } = heap;
  const mutators = ctx.workers - 1;
  const world = worldOf(heap);
  const rng = ctx.rng;
  const idle = (region + IDLE_OFFSET) >>> 2;
  const record = (k: number): number => region + MUTATORS_OFFSET + k * MUTATOR_STRIDE;
  const progressIndex = (k: number, g: number): number => (record(k) + M_PROGRESS_OFFSET + 4 * g) >>> 2;
  const totalProgress = (k: number): number => Atomics.load(i32, progressIndex(k, 0)) + Atomics.load(i32, progressIndex(k, 1));
  const r: ControllerResult = {
    role: 'controller',
    attempts: 0,
    stops: 0,
    groupStops: 0,
    globalStops: 0,
    failures: [],
    failureCount: 0,
    moved: 0,
    movedDetail: [],
    badStatus: 0,
    badStatusDetail: [],
    suspendedSeen: 0,
    notResumed: 0,
    notResumedDetail: [],
    assertFailures: 0,
    attachedAtRequest: 0,
    stopsWithRunners: 0,
    merged: 0,
    latencyMedianMs: 0,
    latencyP99Ms: 0,
    latencyMaxMs: 0,
  };
  const latencies: number[] = [];
  const first = new Int32Array(2 * mutators);
  const second = new Int32Array(2 * mutators);
  const base = new Float64Array(mutators);

  // The requester is itself a participant of group 0, attached: every stop
  // must skip it (CPython's stw->requester).
  const me = participantCreate(heap, groups[0]);
  attach(me);

  const countAttached = (scope: number): number => {
    let n = 0;
    headLock(heap, world);
    // SAFETY: the participant lists are walked under HEAD_LOCK.
    for (let g = 0; g < 2; g++) {
      if (scope !== 2 && scope !== g) continue;
      for (let p = u32[(groups[g] + GROUP_PARTICIPANTS_OFFSET) >>> 2]; p !== 0; p = u32[(p + PARTICIPANT_NEXT_OFFSET) >>> 2]) {
        if (p !== me.address && Atomics.load(i32, (p + PARTICIPANT_STATUS_OFFSET) >>> 2) === STATUS_ATTACHED) n++;
      }
    }
    headUnlock(heap, world);
    return n;
  };

  /** Sets the event mutator k waits on, if any. */
  const wake = (k: number): void => {
    const event = Atomics.load(u32, (record(k) + M_WAITING_OFFSET) >>> 2);
    if (event !== 0) eventNotify(heap, event);
  };

  /** After a restart (or an abandoned stop): every mutator moves again (the controller wakes event waiters). */
  const awaitProgress = (what: string): void => {
    ctx.setCounter(0, 3);
    const spinUntil = monotonicMs() + 0.5; // spin first: a restarted thread is back within tens of µs
    const deadline = monotonicMs() + resumeBoundMs;
    for (let k = 0; k < mutators; k++) {
      while (totalProgress(k) === base[k]) {
        if (ctx.stopRequested()) return;
        wake(k);
        if (monotonicMs() > deadline) {
          r.notResumed++;
          if (r.notResumedDetail.length < 5) r.notResumedDetail.push(`mutator ${k + 1} still at ${base[k]} ${resumeBoundMs} ms after ${what}`);
          break;
        }
        if (monotonicMs() > spinUntil) Atomics.wait(i32, idle, 0, 0.05);
      }
    }
    ctx.setCounter(0, 0);
  };

  while (!ctx.shouldStop(r.attempts)) {
    r.attempts++;
    const scope = rng.nextInt(3); // 0 or 1: that group; 2: every group
    const what = scope === 2 ? 'a global stop' : `a stop of group ${scope}`;
    // Half of the stops wait (up to 2 ms) for a participant of their scope
    // to be attached, so that the please-stop path runs often even when a
    // loaded machine keeps the mutators waking up from their waits.
    if (rng.nextInt(2) === 0) {
      const until = monotonicMs() + 2;
      while (countAttached(scope) === 0 && monotonicMs() < until) {
        for (let k = 0; k < mutators; k++) wake(k);
        spin(256);
      }
    }
    // How many of the participants about to be stopped are running (a
    // snapshot under HEAD_LOCK): the stop must wait for those to reach a safe point.
    const running = countAttached(scope);
    r.attachedAtRequest += running;
    if (running > 0) r.stopsWithRunners++;
    ctx.setCounter(0, 1);
    const t0 = monotonicMs();
    try {
      if (scope === 2) stopTheWorldAll(heap, { timeoutMs: stopTimeoutMs });
      else stopTheWorld(heap, groups[scope], { timeoutMs: stopTimeoutMs });
    } catch (error) {
      if (!(error instanceof FatalError)) throw error;
      r.failureCount++;
      if (r.failures.length < 10) r.failures.push(error.message);
      for (let k = 0; k < mutators; k++) base[k] = totalProgress(k);
      awaitProgress(`the abandoned ${what}`);
      continue;
    }
    latencies.push(monotonicMs() - t0);
    ctx.setCounter(0, 2);
    const stopped = (g: number): boolean => scope === 2 || scope === g;
    try {
      for (let g = 0; g < 2; g++) if (stopped(g)) assertWorldStopped(heap, groups[g]);
    } catch {
      r.assertFailures++;
    }

    // Nothing of a stopped group may move: snapshot, ~holdUs of spinning and
    // as long again asleep, snapshot. The sleep gives the core to whatever is
    // runnable: a thread that still runs while the world is "stopped" would
    // otherwise rarely run while we look, as a just-woken requester tends to
    // take the core from it on a busy 2-core machine.
    for (let k = 0; k < mutators; k++) for (let g = 0; g < 2; g++) first[2 * k + g] = Atomics.load(i32, progressIndex(k, g));
    const held = monotonicMs();
    while (monotonicMs() - held < holdUs / 1000) spin(64);
    Atomics.wait(i32, idle, 0, holdUs / 1000);
    for (let k = 0; k < mutators; k++) for (let g = 0; g < 2; g++) second[2 * k + g] = Atomics.load(i32, progressIndex(k, g));
    let moved = '';
    for (let k = 0; k < mutators; k++) {
      for (let g = 0; g < 2; g++) {
        if (stopped(g) && first[2 * k + g] !== second[2 * k + g]) moved += ` mutator ${k + 1} in group ${g}: ${first[2 * k + g]} → ${second[2 * k + g]};`;
      }
    }
    if (moved !== '') {
      r.moved++;
      if (r.movedDetail.length < 5) r.movedDetail.push(`during ${what}:${moved}`);
    }

    // Every participant of a stopped group (but the requester) is suspended.
    headLock(heap, world);
    // SAFETY: the participant lists are walked under HEAD_LOCK.
    for (let g = 0; g < 2; g++) {
      if (!stopped(g)) continue;
      for (let p = u32[(groups[g] + GROUP_PARTICIPANTS_OFFSET) >>> 2]; p !== 0; p = u32[(p + PARTICIPANT_NEXT_OFFSET) >>> 2]) {
        if (p === me.address) continue;
        const status = Atomics.load(i32, (p + PARTICIPANT_STATUS_OFFSET) >>> 2);
        if (status === STATUS_SUSPENDED) {
          r.suspendedSeen++;
        } else if (status !== STATUS_SHUTTING_DOWN) {
          r.badStatus++;
          if (r.badStatusDetail.length < 5) {
            r.badStatusDetail.push(`participant ${u32[(p + PARTICIPANT_ID_OFFSET) >>> 2]} (thread ${u32[(p + PARTICIPANT_TID_OFFSET) >>> 2]}) ${statusName(status)} during ${what}`);
          }
        }
      }
    }
    headUnlock(heap, world);

    // The merge that stop-the-world is for: the mutators' plain counts.
    for (let k = 0; k < mutators; k++) {
      for (let g = 0; g < 2; g++) {
        if (!stopped(g)) continue;
        const index = (record(k) + M_PENDING_OFFSET + 4 * g) >>> 2;
        // SAFETY: group g is stopped, and a mutator writes its pending word
        // of group g only while attached to a participant of group g.
        r.merged += u32[index];
        u32[index] = 0;
      }
    }
    for (let k = 0; k < mutators; k++) base[k] = second[2 * k] + second[2 * k + 1];

    // Wake some event waiters while stopped: those of a stopped group must
    // park in attach until the restart.
    for (let k = 0; k < mutators; k++) if (rng.nextInt(2) === 0) wake(k);
    if (scope === 2) {
      startTheWorldAll(heap);
      r.globalStops++;
    } else {
      startTheWorld(heap, groups[scope]);
      r.groupStops++;
    }
    r.stops++;
    Atomics.store(i32, (region + CYCLE_OFFSET) >>> 2, r.stops);
    ctx.progress(r.stops);

    // Sometimes the requester idles detached, as a real thread would.
    const idleDetached = rng.nextInt(4) === 0;
    if (idleDetached) detach(me);
    awaitProgress(`the restart after ${what}`);
    // Let the mutators run a random while (0–400 µs) before the next stop.
    const until = monotonicMs() + rng.nextFloat() * 0.4;
    while (monotonicMs() < until) {
      spin(64);
      if (rng.nextInt(16) === 0) wake(rng.nextInt(mutators));
    }
    if (idleDetached) attach(me);
    safePoint(me);
  }
  Atomics.store(i32, (region + DONE_OFFSET) >>> 2, 1);
  detach(me);
  participantDelete(me);
  latencies.sort((a, b) => a - b);
  r.latencyMedianMs = percentile(latencies, 0.5);
  r.latencyP99Ms = percentile(latencies, 0.99);
  r.latencyMaxMs = latencies.length > 0 ? latencies[latencies.length - 1] : 0;
  return r;
}

function mutator(ctx: Ctx, heap: SharedHeap): MutatorResult {
  const { region, groups, mode, rogueEpisodes } = ctx.params;
  const { i32, u32 } = heap;
  const rng = ctx.rng;
  const k = ctx.index - 1;
  const rec = region + MUTATORS_OFFSET + k * MUTATOR_STRIDE;
  const progress = (rec + M_PROGRESS_OFFSET) >>> 2;
  const pending = (rec + M_PENDING_OFFSET) >>> 2;
  const total = (region + TOTAL_OFFSET) >>> 2;
  const cycle = (region + CYCLE_OFFSET) >>> 2;
  const done = (region + DONE_OFFSET) >>> 2;
  const idle = (region + IDLE_OFFSET) >>> 2;
  const waiting = (rec + M_WAITING_OFFSET) >>> 2;
  const rogue = mode !== 'normal' && k === 0;
  const result: MutatorResult = {
    role: 'mutator',
    increments: [0, 0],
    mutexIncrements: [0, 0],
    csIncrements: 0,
    detaches: 0,
    leaves: 0,
    groupSwitches: 0,
    createdSuspended: 0,
    eventWaits: 0,
    eventsWoken: 0,
    rogueEpisodes: 0,
    rogueName: '',
    participantId: 0,
    participantAddress: 0,
    tid: heap.tid,
  };
  let g = rogue ? 0 : k % 2;
  let p: Participant = join(g);
  let ops = 0;

  function join(group: number): Participant {
    const q = participantCreate(heap, groups[group]);
    if (participantStatus(q) === STATUS_SUSPENDED) result.createdSuspended++;
    Atomics.store(u32, (rec + M_PARTICIPANT_OFFSET) >>> 2, q.address);
    Atomics.store(u32, (rec + M_ID_OFFSET) >>> 2, q.id);
    Atomics.store(u32, (rec + M_TID_OFFSET) >>> 2, heap.tid);
    Atomics.store(i32, (rec + M_GROUP_OFFSET) >>> 2, group);
    result.participantId = q.id;
    result.participantAddress = q.address;
    return q;
  }

  /** One unit of runtime work: only while attached, between safe points. */
  function bump(): void {
    // SAFETY: this thread's own word, written only while attached to a
    // participant of group g; the controller reads and zeroes it only while
    // group g is stopped (the plain `ob_ref_local` pattern).
    u32[pending + g] = u32[pending + g] + 1;
    Atomics.add(i32, progress + g, 1);
    Atomics.add(i32, total, 1);
    result.increments[g]++;
    ops++;
  }

  const finished = (): boolean => Atomics.load(i32, done) !== 0 || ctx.stopRequested();
  const pleaseStop = (): boolean => (evalBreakerBits(heap, p.address) & EVAL_PLEASE_STOP_BIT) !== 0;

  attach(p);
  if (rogue) {
    // The controls: mutator 1 stays attached in group 0 and answers
    // please-stop wrongly, for `rogueEpisodes` stops.
    let saw = false;
    result.rogueName = `participant ${p.id} at ${formatAddress(p.address)} (thread ${heap.tid}, ATTACHED)`;
    while (result.rogueEpisodes < rogueEpisodes && !finished()) {
      bump();
      if ((ops & 255) === 0) ctx.progress(ops);
      if (mode === 'ignore-stop') {
        // Never at a safe point: the stop must time out and name us; its
        // abandonment takes the bit back.
        if (pleaseStop()) saw = true;
        else if (saw) {
          saw = false;
          result.rogueEpisodes++;
        }
      } else if (pleaseStop()) {
        clearEvalBreakerBits(heap, p.address, EVAL_PLEASE_STOP_BIT);
        result.rogueEpisodes++;
        if (mode === 'skip-countdown') {
          // A suspend that forgets the countdown: the requester waits for
          // us forever (we park in attach until the stop is abandoned).
          Atomics.store(i32, p.statusIndex, STATUS_SUSPENDED);
          attach(p);
        } else {
          // 'run-detached': claims to be idle and keeps running; the
          // requester parks it as a detached thread and stops "the world".
          Atomics.store(i32, p.statusIndex, STATUS_DETACHED);
          const c0 = Atomics.load(i32, cycle);
          const t0 = monotonicMs();
          while (Atomics.load(i32, cycle) === c0 && monotonicMs() - t0 < 1000 && !finished()) bump();
          attach(p);
        }
      }
    }
  }

  while (!finished()) {
    const action = rng.nextInt(100);
    ctx.setCounter(0, action);
    if (action < 84) {
      const n = 32 + rng.nextInt(224);
      if (rng.nextInt(4) === 0) {
        for (let i = 0; i < n; i++) {
          bump();
          safePoint(p);
        }
      } else {
        for (let i = 0; i < n; i++) {
          bump();
          pollSafePoint(p);
        }
      }
    } else if (action < 90) {
      // Detached for a while: busy outside the runtime, or (rarely) asleep.
      detach(p);
      result.detaches++;
      if (rng.nextInt(256) === 0) Atomics.wait(i32, idle, 0, 0.05);
      else spin(rng.nextInt(2000));
      attach(p);
    } else if (action < 94) {
      // A PyMutex held across safe points: its holder may be suspended
      // holding it, and its waiters are detached (and parked by stops).
      const m = rng.nextInt(2);
      const mutex = region + MUTEX_OFFSETS[m];
      const counter = (mutex + GUARDED_COUNTER_DELTA) >>> 2;
      mutexLock(heap, mutex);
      const n = 4 + rng.nextInt(28);
      for (let i = 0; i < n; i++) {
        // SAFETY: under mutex m, and nothing between the read and the write can block.
        u32[counter] = u32[counter] + 1;
        result.mutexIncrements[m]++;
        bump();
        safePoint(p);
      }
      mutexUnlock(heap, mutex);
    } else if (action < 98) {
      // A critical section: suspended (its mutex released) whenever we
      // suspend at a safe point, re-locked when we attach again.
      const mutex = region + CS_MUTEX_OFFSET;
      const counter = (mutex + GUARDED_COUNTER_DELTA) >>> 2;
      criticalSectionBegin(heap, mutex);
      const n = 4 + rng.nextInt(28);
      for (let i = 0; i < n; i++) {
        // SAFETY: inside the section; no safe point or wait between the read and the write.
        u32[counter] = u32[counter] + 1;
        result.csIncrements++;
        bump();
        safePoint(p);
      }
      criticalSectionEnd(heap);
    } else if (action < 99) {
      // Rare: on a loaded machine a woken waiter takes milliseconds to run again.
      if (rng.nextInt(8) !== 0) continue;
      // A detaching event wait, set by the controller (during a stop, or
      // while it waits for us to move). A fresh event each time: a late
      // set of an old one lands on a byte we reset before we publish it.
      const event = rec + M_EVENTS_OFFSET + (result.eventWaits % M_EVENT_RING);
      Atomics.store(heap.u8, event, 0);
      Atomics.store(u32, waiting, event);
      if (eventWaitTimed(heap, event, 100, true)) result.eventsWoken++;
      Atomics.store(u32, waiting, 0);
      result.eventWaits++;
    } else {
      // Leave the group and join it (or the other one) again.
      detach(p);
      Atomics.store(u32, (rec + M_PARTICIPANT_OFFSET) >>> 2, 0);
      participantDelete(p);
      result.leaves++;
      if (rng.nextInt(2) === 0) spin(rng.nextInt(5000));
      const next = rng.nextInt(3) === 0 ? 1 - g : g;
      if (next !== g) result.groupSwitches++;
      g = next;
      p = join(g);
      attach(p);
    }
    ctx.progress(ops);
  }
  ctx.progress(ops);
  detach(p);
  Atomics.store(u32, (rec + M_PARTICIPANT_OFFSET) >>> 2, 0);
  participantDelete(p);
  return result;
}

runStressWorker<WorldParams>((ctx) => {
  const heap = SharedHeap.attach(ctx.params.heap);
  try {
    const result = ctx.role === 'controller' ? controller(ctx, heap) : mutator(ctx, heap);
    return { ...result, sink };
  } finally {
    heap.close();
  }
});
