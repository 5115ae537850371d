/**
 * The world: attach/detach, stop-the-world and the eval breaker, with a
 * scripted second (and third) thread. Every interleaving is ordered by words
 * in shared memory (the actor's mailbox, status words, parked-waiter counts),
 * never by sleeping.
 */

import { spawnTsWorker } from '@ft/harness';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertWorldStopped,
  attach,
  detach,
  EVAL_EXPLICIT_MERGE_BIT,
  EVAL_GC_SCHEDULED_BIT,
  EVAL_PLEASE_STOP_BIT,
  evalBreakerBits,
  FatalError,
  groupCreate,
  groupDelete,
  instrumentationVersion,
  isWorldStopped,
  mutexLock,
  mutexUnlock,
  parkedInBucket,
  participantCreate,
  participantDelete,
  participantStatus,
  pollSafePoint,
  pollSafePointAt,
  regionAlloc,
  SAFE_POINT_POLL_INTERVAL,
  safePoint,
  setEvalBreakerBits,
  setEvalBreakerBitsAll,
  setEvalBreakerHandler,
  setInstrumentationVersion,
  SharedHeap,
  shutDownOthers,
  startTheWorld,
  startTheWorldAll,
  STATUS_ATTACHED,
  STATUS_DETACHED,
  STATUS_SHUTTING_DOWN,
  STATUS_SUSPENDED,
  stopTheWorld,
  stopTheWorldAll,
  worldOf,
} from '../src/index.js';
import { GROUP_COUNT_OFFSET, GROUP_PARTICIPANTS_OFFSET, GROUP_STW_OFFSET, PARTICIPANT_STATUS_OFFSET, STW_COUNTDOWN_OFFSET, STW_MUTEX_OFFSET, WORLD_STW_RWMUTEX_OFFSET } from '../src/layout.js';
import {
  CMD_ATTACH,
  CMD_CREATE,
  CMD_DELETE,
  CMD_DELETE_WHEN_ASKED,
  CMD_DETACH,
  CMD_LOCK,
  CMD_RUN,
  CMD_SHUTDOWN,
  CMD_SPIN_NO_POLL,
  CMD_STOP_HOLD,
  MB_ACK,
  MB_CMD,
  MB_ARG,
  MB_COUNTER,
  MB_ERROR,
  MB_RESULT,
  MB_SEQ,
  MB_STOP,
  type WorldActorData,
} from './workers/world-actor-protocol.js';

const actorUrl = new URL('./workers/world-actor.worker.ts', import.meta.url);

let heap: SharedHeap;
let group: number;
let scratch: number;
const actors: Actor[] = [];

interface Actor {
  readonly worker: Worker;
  readonly mailbox: number;
  readonly errors: string[];
}

beforeEach(() => {
  heap = SharedHeap.create({ size: 8 << 20 });
  group = groupCreate(heap);
  scratch = regionAlloc(heap, 4096);
});

afterEach(async () => {
  for (const a of actors) {
    Atomics.store(heap.i32, (a.mailbox >>> 2) + MB_STOP, 1);
    Atomics.notify(heap.i32, (a.mailbox >>> 2) + MB_STOP);
  }
  await Promise.all(actors.splice(0).map((a) => a.worker.terminate()));
  heap.close();
});

function actor(g = group): Actor {
  const mailbox = scratch + 64 * (actors.length + 1);
  const data: WorldActorData = { heap: heap.handle(), group: g, mailbox };
  const worker = spawnTsWorker(actorUrl, data);
  const a: Actor = { worker, mailbox, errors: [] };
  worker.on('message', (m: { error?: string }) => {
    if (m.error !== undefined) a.errors.push(m.error);
  });
  actors.push(a);
  return a;
}

const word = (a: Actor, i: number): number => Atomics.load(heap.i32, (a.mailbox >>> 2) + i);

/** Sends a command; resolves with its result once acknowledged. */
function send(a: Actor, cmd: number, arg = 0): { seq: number; done: Promise<number> } {
  const base = a.mailbox >>> 2;
  const seq = Atomics.load(heap.i32, base + MB_SEQ) + 1;
  Atomics.store(heap.i32, base + MB_CMD, cmd);
  Atomics.store(heap.i32, base + MB_ARG, arg);
  Atomics.store(heap.i32, base + MB_SEQ, seq);
  Atomics.notify(heap.i32, base + MB_SEQ);
  const done = (async () => {
    await until(() => word(a, MB_ACK) >= seq, `actor to finish command ${cmd}`);
    if (word(a, MB_ERROR) !== 0) throw new Error(`actor failed: ${a.errors.join('\n')}`);
    return word(a, MB_RESULT);
  })();
  return { seq, done };
}

async function run(a: Actor, cmd: number, arg = 0): Promise<number> {
  return send(a, cmd, arg).done;
}

function acked(a: Actor, seq: number): boolean {
  return word(a, MB_ACK) >= seq;
}

function release(a: Actor): void {
  Atomics.store(heap.i32, (a.mailbox >>> 2) + MB_STOP, 1);
  Atomics.notify(heap.i32, (a.mailbox >>> 2) + MB_STOP);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Address of a participant's status word (what an attaching participant parks on while SUSPENDED). */
function statusAddressOf(address: number): number {
  return address + PARTICIPANT_STATUS_OFFSET;
}

/** The group's most recently created participant (the head of its list; the only one in most tests). */
function onlyParticipant(): number {
  return heap.u32[(group + GROUP_PARTICIPANTS_OFFSET) >>> 2];
}

describe('attach and detach', () => {
  it('moves DETACHED → ATTACHED → DETACHED on the owner and runs the layers’ hooks in order', () => {
    const p = participantCreate(heap, group);
    const calls: string[] = [];
    p.hooks.push({ detach: () => calls.push('qsbr offline'), attach: () => calls.push('qsbr online') });
    p.hooks.push({ detach: () => calls.push('gil drop'), attach: () => calls.push('gil take') });
    expect(participantStatus(p)).toBe(STATUS_DETACHED);
    attach(p);
    expect(participantStatus(p)).toBe(STATUS_ATTACHED);
    detach(p);
    expect(participantStatus(p)).toBe(STATUS_DETACHED);
    expect(calls).toEqual(['qsbr online', 'gil take', 'gil drop', 'qsbr offline']);
    participantDelete(p);
  });

  it('refuses misuse with a fatal error naming the participant and its state', () => {
    const p = participantCreate(heap, group);
    expect(() => detach(p)).toThrow(/participant 1 .* cannot detach: it is DETACHED, not ATTACHED/);
    attach(p);
    expect(() => attach(p)).toThrow(/cannot attach: it is ATTACHED/);
    expect(() => participantDelete(p)).toThrow(/deleted while ATTACHED/);
    expect(() => participantCreate(heap, group)).toThrow(/already has participant 1/);
    detach(p);
    participantDelete(p);
    expect(() => attach(p)).toThrow(FatalError);
    expect(() => attach(p)).toThrow(/has been deleted/);
    // A participant of another heap, after this thread moved on to it.
    const other = SharedHeap.create({ size: 2 << 20 });
    try {
      const q = participantCreate(other, groupCreate(other));
      expect(() => attach(p)).toThrow(/has been deleted|not the current participant/);
      participantDelete(q);
    } finally {
      other.close();
    }
    expect(() => startTheWorld(heap, group)).toThrow(/starts a world it has not stopped/);
    expect(() => groupDelete(heap, scratch)).toThrow(/not the address of a world group|no live world group/);
  });

  it('a blocking PyMutex wait detaches the current participant and attaches it again', async () => {
    const p = participantCreate(heap, group);
    attach(p);
    const m = scratch + 8;
    const a = actor();
    // The actor holds m in a critical section of its own: take it through a
    // worker-side lock that waits for our release word.
    mutexLock(heap, m); // we hold it; the actor will block on it
    await run(a, CMD_CREATE);
    await run(a, CMD_ATTACH);
    const lock = send(a, CMD_LOCK, m);
    const actorP = onlyParticipant();
    // Blocked in the wait: its participant is DETACHED (the world hook ran).
    await until(() => parkedInBucket(heap, m) === 1 && Atomics.load(heap.i32, statusAddressOf(actorP) >>> 2) === STATUS_DETACHED, 'the actor to park detached');
    mutexUnlock(heap, m);
    expect(await lock.done).toBe(STATUS_ATTACHED);
    await run(a, CMD_DETACH);
    await run(a, CMD_DELETE);
    detach(p);
    participantDelete(p);
  });
});

describe('stop-the-world', () => {
  it('parks a detached participant at once; it cannot attach until the world restarts', async () => {
    const a = actor();
    await run(a, CMD_CREATE);
    const ap = onlyParticipant();
    stopTheWorld(heap, group);
    expect(isWorldStopped(heap, group)).toBe(true);
    assertWorldStopped(heap, group);
    expect(Atomics.load(heap.i32, statusAddressOf(ap) >>> 2)).toBe(STATUS_SUSPENDED);
    const attaching = send(a, CMD_ATTACH);
    await until(() => parkedInBucket(heap, statusAddressOf(ap)) === 1, 'the actor to park in attach');
    expect(acked(a, attaching.seq)).toBe(false);
    startTheWorld(heap, group);
    expect(isWorldStopped(heap, group)).toBe(false);
    expect(() => assertWorldStopped(heap, group)).toThrow(/needs the world stopped/);
    expect(await attaching.done).toBe(STATUS_ATTACHED);
    await run(a, CMD_DETACH);
    await run(a, CMD_DELETE);
  });

  it('an attached participant suspends itself at its next safe point; nothing it counts moves while stopped', async () => {
    const a = actor();
    await run(a, CMD_CREATE);
    await run(a, CMD_ATTACH);
    const ap = onlyParticipant();
    const running = send(a, CMD_RUN);
    await until(() => word(a, MB_COUNTER) > 1000, 'the actor to run');
    stopTheWorld(heap, group);
    const frozen = word(a, MB_COUNTER);
    expect(Atomics.load(heap.i32, statusAddressOf(ap) >>> 2)).toBe(STATUS_SUSPENDED);
    await until(() => parkedInBucket(heap, statusAddressOf(ap)) === 1, 'the actor to park in attach');
    expect(word(a, MB_COUNTER)).toBe(frozen);
    expect(evalBreakerBits(heap, ap) & EVAL_PLEASE_STOP_BIT).toBe(0); // cleared by the handler
    startTheWorld(heap, group);
    await until(() => word(a, MB_COUNTER) > frozen + 1000, 'the actor to run again');
    release(a);
    expect(await running.done).toBe(STATUS_ATTACHED);
  });

  it('a participant blocked in a PyMutex wait is parked by the stop and cannot re-attach until the restart', async () => {
    const m = scratch + 8;
    const a = actor();
    await run(a, CMD_CREATE);
    await run(a, CMD_ATTACH);
    const ap = onlyParticipant();
    mutexLock(heap, m);
    const lock = send(a, CMD_LOCK, m);
    await until(() => parkedInBucket(heap, m) === 1, 'the actor to wait for the mutex');
    stopTheWorld(heap, group); // returns at once: the actor is detached in its wait
    expect(Atomics.load(heap.i32, statusAddressOf(ap) >>> 2)).toBe(STATUS_SUSPENDED);
    mutexUnlock(heap, m); // hands the mutex over; the actor wakes and tries to attach
    await until(() => parkedInBucket(heap, statusAddressOf(ap)) === 1, 'the actor to park in attach');
    expect(acked(a, lock.seq)).toBe(false);
    startTheWorld(heap, group);
    expect(await lock.done).toBe(STATUS_ATTACHED);
  });

  it('a participant created during a stop starts SUSPENDED', async () => {
    const a = actor();
    stopTheWorld(heap, group);
    expect(await run(a, CMD_CREATE)).toBe(STATUS_SUSPENDED);
    const ap = onlyParticipant();
    const attaching = send(a, CMD_ATTACH);
    await until(() => parkedInBucket(heap, statusAddressOf(ap)) === 1, 'the actor to park in attach');
    startTheWorld(heap, group);
    expect(await attaching.done).toBe(STATUS_ATTACHED);
  });

  it('a participant deleted while a stop waits for it is counted down (the stop completes)', async () => {
    const a = actor();
    const requester = actor();
    await run(a, CMD_CREATE);
    await run(a, CMD_ATTACH);
    const leaving = send(a, CMD_DELETE_WHEN_ASKED); // attached, never at a safe point
    const stop = send(requester, CMD_STOP_HOLD);
    await until(() => word(requester, MB_RESULT) === 1, 'the stop to complete once the participant is gone');
    await leaving.done;
    expect(heap.u32[(group + GROUP_COUNT_OFFSET) >>> 2]).toBe(0); // nobody left
    release(requester);
    await stop.done;
  });

  it('a stop that times out is undone and names the participant that never reached a safe point', async () => {
    const a = actor();
    await run(a, CMD_CREATE);
    await run(a, CMD_ATTACH);
    const ap = onlyParticipant();
    const spinning = send(a, CMD_SPIN_NO_POLL);
    await until(() => word(a, MB_COUNTER) > 0, 'the actor to spin');
    expect(() => stopTheWorld(heap, group, { timeoutMs: 30 })).toThrow(/timed out after 30 ms; still running, never at a safe point: participant 1 at 0x[0-9a-f]+ \(thread \d+, ATTACHED\)/);
    expect(isWorldStopped(heap, group)).toBe(false);
    expect(evalBreakerBits(heap, ap) & EVAL_PLEASE_STOP_BIT).toBe(0);
    // Everything was released: a new stop works once the actor is detached.
    release(a);
    await spinning.done;
    await run(a, CMD_DETACH);
    stopTheWorld(heap, group);
    startTheWorld(heap, group);
  });

  it('does not wait for a participant that is shutting down, which can never attach again', async () => {
    const a = actor();
    await run(a, CMD_CREATE);
    expect(await run(a, CMD_SHUTDOWN)).toBe(STATUS_SHUTTING_DOWN);
    stopTheWorld(heap, group, { timeoutMs: 5000 });
    startTheWorld(heap, group);
    // It tries to attach and hangs there (`PyThread_hang_thread`), parked: never attached, never acknowledged.
    const ap = onlyParticipant();
    const attaching = send(a, CMD_ATTACH);
    await until(() => parkedInBucket(heap, statusAddressOf(ap)) === 1, 'the actor to hang in attach');
    await new Promise((r) => setTimeout(r, 20));
    expect(acked(a, attaching.seq)).toBe(false);
    expect(Atomics.load(heap.i32, statusAddressOf(ap) >>> 2)).toBe(STATUS_SHUTTING_DOWN);
  });

  it('shutDownOthers at finalization: a running participant never runs again after the restart', async () => {
    const a = actor();
    await run(a, CMD_CREATE);
    await run(a, CMD_ATTACH);
    const ap = onlyParticipant();
    void send(a, CMD_RUN);
    await until(() => word(a, MB_COUNTER) > 1000, 'the actor to run');
    expect(() => shutDownOthers(heap, group)).toThrow(/needs the world stopped/);
    const me = participantCreate(heap, group);
    attach(me);
    stopTheWorld(heap, group);
    expect(shutDownOthers(heap, group)).toBe(1); // not the caller's own
    startTheWorld(heap, group);
    expect(participantStatus(me)).toBe(STATUS_ATTACHED);
    const frozen = word(a, MB_COUNTER);
    await until(() => parkedInBucket(heap, statusAddressOf(ap)) === 1, 'the actor to hang in attach');
    await new Promise((r) => setTimeout(r, 30));
    expect(word(a, MB_COUNTER)).toBe(frozen);
    expect(Atomics.load(heap.i32, statusAddressOf(ap) >>> 2)).toBe(STATUS_SHUTTING_DOWN);
    detach(me);
    participantDelete(me);
  });

  it('is not re-entrant', () => {
    stopTheWorld(heap, group);
    expect(() => stopTheWorld(heap, group)).toThrow(/not re-entrant/);
    expect(() => stopTheWorldAll(heap)).toThrow(/not re-entrant/);
    startTheWorld(heap, group);
    stopTheWorldAll(heap);
    expect(() => stopTheWorld(heap, group)).toThrow(/already holds a global stop-the-world/);
    assertWorldStopped(heap, group);
    startTheWorldAll(heap);
  });

  it('two requesters of the same group take turns', async () => {
    const a = actor();
    const b = actor();
    const first = send(a, CMD_STOP_HOLD);
    await until(() => word(a, MB_RESULT) === 1, 'the first stop');
    const second = send(b, CMD_STOP_HOLD);
    await until(() => parkedInBucket(heap, group + GROUP_STW_OFFSET + STW_MUTEX_OFFSET) === 1, 'the second requester to wait');
    expect(word(b, MB_RESULT)).toBe(0);
    release(a);
    await first.done;
    await until(() => word(b, MB_RESULT) === 1, 'the second stop');
    release(b);
    await second.done;
  });

  it('a global stop excludes group stops; stops of two groups do not exclude each other', async () => {
    const other = groupCreate(heap);
    const a = actor();
    const b = actor(other);
    const c = actor();
    const groupStop = send(a, CMD_STOP_HOLD);
    await until(() => word(a, MB_RESULT) === 1, 'the group stop');
    // Another group's stop proceeds while this one is held.
    const otherStop = send(b, CMD_STOP_HOLD);
    await until(() => word(b, MB_RESULT) === 1, 'the other group’s stop');
    // A global stop waits for both (the RW mutex is held shared).
    const global = send(c, CMD_STOP_HOLD, 1);
    const rw = worldOf(heap) + WORLD_STW_RWMUTEX_OFFSET;
    await until(() => parkedInBucket(heap, rw) === 1, 'the global stop to wait for the group stops');
    release(a);
    await groupStop.done;
    expect(word(c, MB_RESULT)).toBe(0);
    release(b);
    await otherStop.done;
    await until(() => word(c, MB_RESULT) === 1, 'the global stop');
    release(c);
    await global.done;
    groupDelete(heap, other);
  });
});

describe('eval breaker', () => {
  it('runs handlers in CPython’s order, clears their bits, and leaves unhandled bits set', () => {
    const p = participantCreate(heap, group);
    attach(p);
    const order: string[] = [];
    setEvalBreakerHandler(p, EVAL_GC_SCHEDULED_BIT, () => order.push('gc'));
    setEvalBreakerHandler(p, EVAL_EXPLICIT_MERGE_BIT, () => order.push('merge'));
    setEvalBreakerBits(heap, p.address, EVAL_GC_SCHEDULED_BIT | EVAL_EXPLICIT_MERGE_BIT | 1 /* GIL drop, no handler */);
    safePoint(p);
    expect(order).toEqual(['merge', 'gc']);
    expect(evalBreakerBits(heap, p.address)).toBe(1);
    expect(() => setEvalBreakerHandler(p, EVAL_PLEASE_STOP_BIT, () => {})).toThrow(RangeError);
    expect(() => setEvalBreakerHandler(p, 3, () => {})).toThrow(RangeError);
    detach(p);
    participantDelete(p);
  });

  it('pollSafePoint loads the word once per interval', () => {
    const p = participantCreate(heap, group);
    attach(p);
    let runs = 0;
    setEvalBreakerHandler(p, EVAL_GC_SCHEDULED_BIT, () => runs++);
    pollSafePoint(p); // the first poll looks (countdown starts at 1)
    setEvalBreakerBitsAll(heap, group, EVAL_GC_SCHEDULED_BIT);
    for (let i = 0; i < SAFE_POINT_POLL_INTERVAL - 1; i++) pollSafePoint(p);
    expect(runs).toBe(0);
    pollSafePoint(p);
    expect(runs).toBe(1);
    detach(p);
    participantDelete(p);
  });

  it('pollSafePointAt looks at the word only at multiples of the interval of the caller’s counter', () => {
    const p = participantCreate(heap, group);
    attach(p);
    let runs = 0;
    setEvalBreakerHandler(p, EVAL_GC_SCHEDULED_BIT, () => runs++);
    setEvalBreakerBits(heap, p.address, EVAL_GC_SCHEDULED_BIT);
    for (let i = 1; i < SAFE_POINT_POLL_INTERVAL; i++) pollSafePointAt(p, i);
    expect(runs).toBe(0);
    pollSafePointAt(p, SAFE_POINT_POLL_INTERVAL * 3);
    expect(runs).toBe(1);
    detach(p);
    participantDelete(p);
  });

  it('copies the instrumentation version into every participant and keeps their event bits', () => {
    const p = participantCreate(heap, group);
    setEvalBreakerBits(heap, p.address, EVAL_GC_SCHEDULED_BIT);
    setInstrumentationVersion(heap, group, 3 << 8);
    expect(instrumentationVersion(heap, p.address)).toBe(3 << 8);
    expect(evalBreakerBits(heap, p.address)).toBe(EVAL_GC_SCHEDULED_BIT);
    participantDelete(p);
    const q = participantCreate(heap, group); // a later participant starts with the version
    expect(instrumentationVersion(heap, q.address)).toBe(3 << 8);
    expect(() => setInstrumentationVersion(heap, group, 5)).toThrow(RangeError);
    participantDelete(q);
  });
});

describe('the stop-the-world countdown', () => {
  const countdown = (): number => Atomics.load(heap.i32, (group + GROUP_STW_OFFSET + STW_COUNTDOWN_OFFSET) >>> 2);

  it('a participant that was SHUTTING_DOWN before the stop is not counted down when it is deleted during it', async () => {
    const running = actor();
    const dying = actor();
    const requester = actor();
    await run(running, CMD_CREATE);
    const runner = onlyParticipant();
    await run(running, CMD_ATTACH);
    const spinning = send(running, CMD_SPIN_NO_POLL); // attached, never at a safe point
    await until(() => word(running, MB_COUNTER) > 0, 'the runner to spin');
    await run(dying, CMD_CREATE);
    expect(await run(dying, CMD_SHUTDOWN)).toBe(STATUS_SHUTTING_DOWN);

    // The stop counts the runner only (a SHUTTING_DOWN participant never runs again).
    const stop = send(requester, CMD_STOP_HOLD);
    await until(() => (evalBreakerBits(heap, runner) & EVAL_PLEASE_STOP_BIT) !== 0, 'the stop to ask the runner');
    expect(countdown()).toBe(1);

    // Deleting the shutting-down participant must leave the countdown alone:
    // the stop still waits for the runner, which is attached and running.
    await run(dying, CMD_DELETE);
    expect(countdown()).toBe(1);
    expect(Atomics.load(heap.i32, statusAddressOf(runner) >>> 2)).toBe(STATUS_ATTACHED);
    expect(word(requester, MB_RESULT)).toBe(0); // not stopped: the runner still runs

    // The runner detaches: now the stop completes.
    release(running);
    await spinning.done;
    await run(running, CMD_DETACH);
    await until(() => word(requester, MB_RESULT) === 1, 'the stop to complete');
    release(requester);
    await stop.done;
  });
});

