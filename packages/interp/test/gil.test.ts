/**
 * The GIL (`Python/ceval_gil.c`): arguments and the switch interval against
 * CPython's fixture, the 3.13 enable/disable counting rules on one thread,
 * then real threads (scripted actors on workers): a waiter is DETACHED and
 * gets the GIL when the holder detaches; waiters are served in order and a
 * dropping thread cannot retake it before them; a stop-the-world completes
 * while threads wait for the GIL, and nobody holds it while suspended; a
 * waiter's drop request makes a running holder switch within a few
 * intervals; with the GIL disabled the gate lets everyone in, enabling it
 * serialises, disabling lets the waiters go on free-threaded. Interleavings
 * are ordered by words in shared memory, never by sleeping (the only sleeps
 * check that something does *not* move).
 */

import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { spawnTsWorker } from '@ft/harness';
import {
  attach,
  detach,
  FatalError,
  groupCreate,
  participantCreate,
  participantDelete,
  participantStatus,
  regionAlloc,
  SharedHeap,
  startTheWorld,
  STATUS_ATTACHED,
  STATUS_DETACHED,
  STATUS_SUSPENDED,
  stopTheWorld,
  type Participant,
} from '@ft/atomics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GIL_DEFAULT_SWITCH_INTERVAL,
  gilCreate,
  gilDestroy,
  gilDisable,
  gilEnabled,
  gilEnablePermanent,
  gilEnableTransient,
  gilGetSwitchInterval,
  gilInstall,
  gilSetSwitchInterval,
  gilStats,
  gilUninstall,
  holdsGil,
  type GilOptions,
} from '../src/runtime/gil.js';
import {
  CMD_ATTACH,
  CMD_ATTACH_LOG_DETACH,
  CMD_CREATE,
  CMD_DELETE,
  CMD_DETACH,
  CMD_RUN,
  MB_ACK,
  MB_ARG,
  MB_CMD,
  MB_COUNTER,
  MB_ERROR,
  MB_PARTICIPANT,
  MB_RESULT,
  MB_SEQ,
  MB_STOP,
  RUN_ATTACH,
  RUN_DETACH,
  type GilActorData,
} from './workers/gil-actor-protocol.js';

const actorUrl = new URL('./workers/gil-actor.worker.ts', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('./fixtures/switch-interval-cpython.json', import.meta.url), 'utf8')) as {
  default: number;
  roundTrips: [number, number][];
  errors: [number, string, string][];
};
const ENABLED_FOR_GOOD = 0x7fffffff;

let heap: SharedHeap;
let group: number;
let scratch: number;
let gil: number;
let me: Participant | null = null;
const actors: Actor[] = [];

interface Actor {
  readonly worker: Worker;
  readonly mailbox: number;
  readonly errors: string[];
}

beforeEach(() => {
  heap = SharedHeap.create({ size: 8 << 20 });
  group = groupCreate(heap);
  scratch = regionAlloc(heap, 4096, 64);
});

afterEach(async () => {
  for (const a of actors) {
    Atomics.store(heap.i32, (a.mailbox >>> 2) + MB_STOP, 1);
    Atomics.notify(heap.i32, (a.mailbox >>> 2) + MB_STOP);
  }
  await Promise.all(actors.splice(0).map((a) => a.worker.terminate()));
  if (me !== null) {
    if (participantStatus(me) === STATUS_ATTACHED) detach(me);
    gilUninstall(me);
    participantDelete(me);
    me = null;
  }
  heap.close();
});

/** The calling thread's participant with the GIL installed. */
function mine(options: GilOptions = { mode: 'enable' }): Participant {
  gil = gilCreate(heap, options);
  me = participantCreate(heap, group);
  gilInstall(me, gil);
  return me;
}

function actor(): Actor {
  const index = actors.length;
  const mailbox = scratch + 64 * (index + 1);
  const data: GilActorData = { heap: heap.handle(), group, gil, mailbox, orderLog: scratch + 2048, index };
  const worker = spawnTsWorker(actorUrl, data);
  const a: Actor = { worker, mailbox, errors: [] };
  worker.on('message', (m: { error?: string }) => {
    if (m.error !== undefined) a.errors.push(m.error);
  });
  actors.push(a);
  return a;
}

const word = (a: Actor, i: number): number => Atomics.load(heap.i32, (a.mailbox >>> 2) + i);

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

const run = (a: Actor, cmd: number, arg = 0): Promise<number> => send(a, cmd, arg).done;
const acked = (a: Actor, seq: number): boolean => word(a, MB_ACK) >= seq;
const statusOf = (a: Actor): number => Atomics.load(heap.i32, word(a, MB_PARTICIPANT) >>> 2);

function stop(a: Actor): void {
  Atomics.store(heap.i32, (a.mailbox >>> 2) + MB_STOP, 1);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Blocks the calling thread for `ms` (to check that something does not move meanwhile). */
function sleepBlocking(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('the GIL on one thread', () => {
  it('refuses bad arguments with a TypeError or RangeError', () => {
    expect(() => gilCreate({} as SharedHeap)).toThrow(TypeError);
    expect(() => gilCreate(heap, { mode: 'on' as 'enable' })).toThrow(/mode must be 'default', 'enable' or 'disable', not "on"/);
    expect(() => gilCreate(heap, { mode: 'constructor' as 'enable' })).toThrow(RangeError);
    expect(() => gilCreate(heap, { switchInterval: 0 })).toThrow(new RangeError('switch interval must be strictly positive'));
    expect(() => gilCreate(heap, { switchInterval: '0.1' as unknown as number })).toThrow(TypeError);
    const g = gilCreate(heap);
    expect(() => gilSetSwitchInterval(heap, g, Number.NaN)).toThrow(RangeError);
    expect(() => gilEnabled(heap, g + 4)).toThrow(/is not the address of a GIL/);
    expect(() => gilEnabled(heap, scratch)).toThrow(/no GIL at 0x/);
    expect(() => gilInstall({} as Participant, g)).toThrow(TypeError);
    gilDestroy(heap, g);
    expect(() => gilStats(heap, g)).toThrow(/no GIL at/);
  });

  it('keeps the switch interval as CPython does (whole µs, truncated; ≤ 0 refused with its message)', () => {
    const g = gilCreate(heap);
    expect(GIL_DEFAULT_SWITCH_INTERVAL).toBe(fixture.default);
    expect(gilGetSwitchInterval(heap, g)).toBe(fixture.default);
    for (const [set, read] of fixture.roundTrips) {
      gilSetSwitchInterval(heap, g, set);
      expect(gilGetSwitchInterval(heap, g)).toBe(read);
    }
    for (const [set, type, message] of fixture.errors) {
      expect(type).toBe('ValueError');
      expect(() => gilSetSwitchInterval(heap, g, set)).toThrow(new RangeError(message));
    }
    expect(gilGetSwitchInterval(heap, gilCreate(heap, { switchInterval: 0.25 }))).toBe(0.25);
  });

  it('starts on for good with mode enable, off otherwise', () => {
    expect(gilEnabled(heap, gilCreate(heap, { mode: 'enable' }))).toBe(true);
    expect(gilStats(heap, gilCreate(heap, { mode: 'enable' })).enabled).toBe(ENABLED_FOR_GOOD);
    expect(gilEnabled(heap, gilCreate(heap, { mode: 'disable' }))).toBe(false);
    expect(gilEnabled(heap, gilCreate(heap))).toBe(false);
  });

  it('is taken by attach and dropped by detach; holdsGil and the holder say so; retakes by the last holder are not switches', () => {
    const p = mine();
    expect(holdsGil(p)).toBe(false);
    attach(p);
    expect(holdsGil(p)).toBe(true);
    expect(gilStats(heap, gil)).toMatchObject({ holder: p.address, waiting: 0, switches: 1 });
    detach(p);
    expect(holdsGil(p)).toBe(false);
    expect(gilStats(heap, gil).holder).toBe(0);
    for (let i = 0; i < 10; i++) {
      attach(p);
      detach(p);
    }
    expect(gilStats(heap, gil).switches).toBe(1);
  });

  it('is installed only on a detached participant of the calling thread, once', () => {
    const p = mine();
    expect(() => gilInstall(p, gil)).toThrow(/already has an attach gate/);
    gilUninstall(p);
    attach(p);
    expect(() => gilInstall(p, gil)).toThrow(FatalError);
    expect(() => gilInstall(p, gil)).toThrow(/is attached; install the GIL while it is detached/);
    detach(p);
    gilInstall(p, gil);
    attach(p);
    expect(() => gilUninstall(p)).toThrow(/is attached/);
  });

  it('follows 3.13’s counting rules: transient requests count, the holder disables, permanent is for good', () => {
    const p = mine({ mode: 'default' });
    attach(p);
    expect(holdsGil(p)).toBe(false); // free-threaded
    expect(() => gilDisable(p, gil)).toThrow(/does not hold the GIL/);
    expect(gilEnableTransient(p, gil)).toBe(true);
    expect(holdsGil(p)).toBe(true);
    expect(participantStatus(p)).toBe(STATUS_ATTACHED);
    expect(gilStats(heap, gil).enabled).toBe(1);
    expect(gilEnableTransient(p, gil)).toBe(false);
    expect(gilStats(heap, gil).enabled).toBe(2);
    expect(gilDisable(p, gil)).toBe(false);
    expect(holdsGil(p)).toBe(true);
    expect(gilDisable(p, gil)).toBe(true);
    expect(gilEnabled(heap, gil)).toBe(false);
    expect(holdsGil(p)).toBe(false);
    expect(participantStatus(p)).toBe(STATUS_ATTACHED); // still attached, free-threaded
    expect(gilStats(heap, gil)).toMatchObject({ holder: 0, waiting: 0 });
    expect(gilEnableTransient(p, gil)).toBe(true);
    expect(gilEnablePermanent(p, gil)).toBe(true);
    expect(gilStats(heap, gil).enabled).toBe(ENABLED_FOR_GOOD);
    expect(gilEnablePermanent(p, gil)).toBe(false);
    expect(gilDisable(p, gil)).toBe(false);
    expect(gilEnableTransient(p, gil)).toBe(false);
    expect(gilEnabled(heap, gil)).toBe(true);
    detach(p);
    expect(() => gilEnableTransient(p, gil)).toThrow(/must be attached/);
  });

  it('ignores enabling and disabling when PYTHON_GIL chose (mode enable or disable)', () => {
    const p = mine({ mode: 'enable' });
    attach(p);
    expect(gilEnableTransient(p, gil)).toBe(false);
    expect(gilDisable(p, gil)).toBe(false);
    expect(gilEnablePermanent(p, gil)).toBe(false);
    expect(gilStats(heap, gil).enabled).toBe(ENABLED_FOR_GOOD);
    detach(p);
    gilUninstall(p);
    const off = gilCreate(heap, { mode: 'disable' });
    gilInstall(p, off);
    gil = off;
    attach(p);
    expect(gilEnableTransient(p, off)).toBe(false);
    expect(gilEnabled(heap, off)).toBe(false);
    expect(holdsGil(p)).toBe(false);
  });
});

describe('the GIL with real threads', () => {
  it('a waiter is DETACHED; the holder’s detach hands the GIL over', async () => {
    const p = mine();
    attach(p);
    const a = actor();
    await run(a, CMD_CREATE);
    const attaching = send(a, CMD_ATTACH);
    await until(() => gilStats(heap, gil).waiting === 1, 'the actor to wait for the GIL');
    expect(statusOf(a)).toBe(STATUS_DETACHED);
    expect(acked(a, attaching.seq)).toBe(false);
    detach(p);
    expect(await attaching.done).toBe(1); // it holds the GIL
    expect(gilStats(heap, gil).holder).toBe(word(a, MB_PARTICIPANT));
    expect(holdsGil(p)).toBe(false);
    expect(await run(a, CMD_DETACH)).toBe(0);
    attach(p); // free again: at once
    expect(holdsGil(p)).toBe(true);
    detach(p);
    await run(a, CMD_DELETE);
  });

  it('serves waiters in order, and a dropping thread cannot retake it before them (FORCE_SWITCHING)', async () => {
    const p = mine();
    attach(p);
    const trio = [actor(), actor(), actor()];
    for (const a of trio) await run(a, CMD_CREATE);
    const done: Promise<number>[] = [];
    for (let k = 0; k < trio.length; k++) {
      done.push(send(trio[k], CMD_ATTACH_LOG_DETACH).done);
      await until(() => gilStats(heap, gil).waiting === k + 1, `actor ${k} to queue`);
    }
    detach(p);
    attach(p); // queues behind the three
    const log = scratch + 2048;
    expect(Atomics.load(heap.i32, log >>> 2)).toBe(3);
    expect([1, 2, 3].map((k) => Atomics.load(heap.i32, (log >>> 2) + k))).toEqual([0, 1, 2]);
    detach(p);
    await Promise.all(done);
  });

  it('a stop-the-world completes while threads wait for the GIL, and nobody holds it while suspended', async () => {
    const p = mine();
    attach(p);
    const [a, b] = [actor(), actor()];
    await run(a, CMD_CREATE);
    await run(b, CMD_CREATE);
    // a takes its ticket first, so that it is served first (the order the checks below follow).
    const aAttach = send(a, CMD_ATTACH);
    await until(() => gilStats(heap, gil).waiting === 1, 'a to wait for the GIL');
    const bAttach = send(b, CMD_ATTACH);
    await until(() => gilStats(heap, gil).waiting === 2, 'both actors to wait for the GIL');
    // The holder stops the world: the waiters are DETACHED, so it does not wait for them.
    stopTheWorld(heap, group, { timeoutMs: 5000 });
    expect([statusOf(a), statusOf(b)]).toEqual([STATUS_SUSPENDED, STATUS_SUSPENDED]);
    startTheWorld(heap, group);
    detach(p);
    expect(await aAttach.done).toBe(1);
    await run(a, CMD_DETACH);
    expect(await bAttach.done).toBe(1);
    await run(b, CMD_DETACH);

    // Two running threads sharing the GIL, stopped by a thread that does not hold it.
    const ra = send(a, CMD_RUN, RUN_ATTACH | RUN_DETACH);
    const rb = send(b, CMD_RUN, RUN_ATTACH | RUN_DETACH);
    await until(() => word(a, MB_COUNTER) > 1000 && word(b, MB_COUNTER) > 1000, 'both to run');
    stopTheWorld(heap, group, { timeoutMs: 5000 });
    expect([statusOf(a), statusOf(b)]).toEqual([STATUS_SUSPENDED, STATUS_SUSPENDED]);
    // The holder released it as it suspended; a waiter served meanwhile releases it too.
    await until(() => gilStats(heap, gil).holder === 0 && gilStats(heap, gil).waiting === 0, 'the GIL to be free while the world is stopped');
    const frozen = [word(a, MB_COUNTER), word(b, MB_COUNTER)];
    sleepBlocking(20);
    expect([word(a, MB_COUNTER), word(b, MB_COUNTER)]).toEqual(frozen);
    expect(gilStats(heap, gil).holder).toBe(0);
    startTheWorld(heap, group);
    await until(() => word(a, MB_COUNTER) > frozen[0] + 1000 && word(b, MB_COUNTER) > frozen[1] + 1000, 'both to run again');
    stop(a);
    stop(b);
    expect(await Promise.all([ra.done, rb.done])).toEqual([1, 1]);
  });

  it('a waiter’s drop request makes a running holder switch after one interval, within a few', async () => {
    const intervalMs = 10;
    const p = mine({ mode: 'enable', switchInterval: intervalMs / 1000 });
    const a = actor();
    await run(a, CMD_CREATE);
    expect(await run(a, CMD_ATTACH)).toBe(1);
    const running = send(a, CMD_RUN);
    await until(() => word(a, MB_COUNTER) > 1000, 'the holder to run');
    const t0 = performance.now();
    attach(p); // the holder never detaches on its own
    const waited = performance.now() - t0;
    expect(holdsGil(p)).toBe(true);
    expect(gilStats(heap, gil).dropRequests).toBeGreaterThanOrEqual(1);
    expect(waited).toBeGreaterThanOrEqual(intervalMs * 0.9);
    expect(waited).toBeLessThan(intervalMs * 10);
    // The former holder waits for the GIL at its safe point now.
    const frozen = word(a, MB_COUNTER);
    sleepBlocking(3 * intervalMs);
    expect(word(a, MB_COUNTER)).toBe(frozen);
    expect(gilStats(heap, gil).waiting).toBe(1);
    detach(p);
    await until(() => word(a, MB_COUNTER) > frozen + 1000, 'the former holder to run again');
    stop(a);
    expect(await running.done).toBe(1);
    await run(a, CMD_DETACH);
  });

  it('two running threads share the GIL by switch intervals: both advance', async () => {
    mine({ mode: 'enable', switchInterval: 0.002 });
    const [a, b] = [actor(), actor()];
    for (const x of [a, b]) {
      await run(x, CMD_CREATE);
    }
    const ra = send(a, CMD_RUN, RUN_ATTACH | RUN_DETACH);
    await until(() => word(a, MB_COUNTER) > 1000, 'the first to run');
    const rb = send(b, CMD_RUN, RUN_ATTACH | RUN_DETACH); // gets the GIL through a drop request
    const switches0 = gilStats(heap, gil).switches;
    await until(() => gilStats(heap, gil).switches >= switches0 + 10, '10 more switches');
    const [ca, cb] = [word(a, MB_COUNTER), word(b, MB_COUNTER)];
    await until(() => word(a, MB_COUNTER) > ca + 1000 && word(b, MB_COUNTER) > cb + 1000, 'both to advance');
    stop(a);
    stop(b);
    expect(await Promise.all([ra.done, rb.done])).toEqual([1, 1]);
  });

  it('disabled, it lets everyone in; enabling stops the world and serialises; disabling lets the waiter go on free-threaded', async () => {
    const p = mine({ mode: 'default' });
    const a = actor();
    await run(a, CMD_CREATE);
    expect(await run(a, CMD_ATTACH)).toBe(0); // attached without the GIL
    const running = send(a, CMD_RUN);
    attach(p);
    await until(() => word(a, MB_COUNTER) > 1000, 'the actor to run');
    const c0 = word(a, MB_COUNTER);
    await until(() => word(a, MB_COUNTER) > c0 + 1000, 'the actor to run while this thread is attached too');
    expect(gilEnableTransient(p, gil)).toBe(true);
    expect(holdsGil(p)).toBe(true);
    await until(() => gilStats(heap, gil).waiting === 1, 'the actor to wait for the GIL');
    const frozen = word(a, MB_COUNTER);
    sleepBlocking(20);
    expect(word(a, MB_COUNTER)).toBe(frozen);
    expect(gilDisable(p, gil)).toBe(true);
    await until(() => word(a, MB_COUNTER) > frozen + 1000, 'the actor to run free-threaded again');
    expect(participantStatus(p)).toBe(STATUS_ATTACHED);
    stop(a);
    expect(await running.done).toBe(0);
    await run(a, CMD_DETACH);
  });

  it('with mode disable, a second thread attaches while this one is attached', async () => {
    const p = mine({ mode: 'disable' });
    attach(p);
    const a = actor();
    await run(a, CMD_CREATE);
    expect(await run(a, CMD_ATTACH)).toBe(0);
    expect(statusOf(a)).toBe(STATUS_ATTACHED);
    await run(a, CMD_DETACH);
    await run(a, CMD_DELETE);
  });
});
