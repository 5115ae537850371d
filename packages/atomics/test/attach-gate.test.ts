/**
 * The attach gate (the GIL's place in `_PyThreadState_Attach` and
 * `detach_thread`): acquired before the status becomes ATTACHED, released
 * after it left ATTACHED, never held by a participant that a stop keeps
 * SUSPENDED, and a stop never waits for a participant blocked in `acquire`.
 * Every interleaving with the scripted second thread is ordered by words in
 * shared memory and parked-waiter counts, never by sleeping.
 */

import { spawnTsWorker } from '@ft/harness';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  attach,
  detach,
  groupCreate,
  parkedInBucket,
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
  suspend,
  type AttachGate,
  type Participant,
} from '../src/index.js';
import { GROUP_PARTICIPANTS_OFFSET, PARTICIPANT_STATUS_OFFSET } from '../src/layout.js';
import type { GateActorData } from './workers/gate-actor.worker.js';

const actorUrl = new URL('./workers/gate-actor.worker.ts', import.meta.url);
const STATUS = ['DETACHED', 'ATTACHED', 'SUSPENDED', 'SHUTTING_DOWN'];
const EVENT = ['', 'acquire', 'admitted', 'release', 'hook attach', 'hook detach'];

let heap: SharedHeap;
let group: number;
let base: number;
let worker: Worker | null = null;
let errors: string[] = [];

beforeEach(() => {
  heap = SharedHeap.create({ size: 8 << 20 });
  group = groupCreate(heap);
  base = regionAlloc(heap, 4096, 64);
});

afterEach(async () => {
  if (worker !== null) {
    Atomics.store(heap.i32, (base >>> 2) + 5, 1);
    Atomics.store(heap.i32, (base >>> 2) + 8, 0);
    await worker.terminate();
    worker = null;
  }
  errors = [];
  heap.close();
});

/** A gate on the calling thread that logs each call with the status at that moment. */
function loggingGate(calls: string[], refusals = 0): AttachGate {
  let refuse = refusals;
  return {
    acquire: (p) => void calls.push(`acquire ${STATUS[participantStatus(p)]}`),
    release: (p) => void calls.push(`release ${STATUS[participantStatus(p)]}`),
    admitted: (p) => {
      calls.push(`admitted ${STATUS[participantStatus(p)]}`);
      return refuse-- <= 0;
    },
  };
}

function withHooks(p: Participant, calls: string[]): void {
  p.hooks.push({ attach: (q) => void calls.push(`hook attach ${STATUS[participantStatus(q)]}`), detach: (q) => void calls.push(`hook detach ${STATUS[participantStatus(q)]}`) });
}

describe('attach gate on the calling thread', () => {
  it('is null by default', () => {
    const p = participantCreate(heap, group);
    expect(p.gate).toBeNull();
    participantDelete(p);
  });

  it('is acquired before ATTACHED and released after DETACHED, outside the layers’ hooks', () => {
    const p = participantCreate(heap, group);
    const calls: string[] = [];
    p.gate = loggingGate(calls);
    withHooks(p, calls);
    attach(p);
    expect(calls.splice(0)).toEqual(['acquire DETACHED', 'admitted ATTACHED', 'hook attach ATTACHED']);
    detach(p);
    expect(calls.splice(0)).toEqual(['hook detach ATTACHED', 'release DETACHED']);
    attach(p);
    calls.length = 0;
    suspend(p); // no stop under way: a plain detach
    expect(calls.splice(0)).toEqual(['hook detach ATTACHED', 'release DETACHED']);
    expect(participantStatus(p)).toBe(STATUS_DETACHED);
    participantDelete(p);
  });

  it('retries when the gate does not admit the attached participant (the GIL was enabled meanwhile)', () => {
    const p = participantCreate(heap, group);
    const calls: string[] = [];
    p.gate = loggingGate(calls, 2);
    attach(p);
    expect(calls).toEqual([
      'acquire DETACHED', 'admitted ATTACHED', 'release DETACHED',
      'acquire DETACHED', 'admitted ATTACHED', 'release DETACHED',
      'acquire DETACHED', 'admitted ATTACHED',
    ]);
    expect(participantStatus(p)).toBe(STATUS_ATTACHED);
    detach(p);
    participantDelete(p);
  });
});

describe('attach gate and stop-the-world (a second thread)', () => {
  const w = (i: number): number => Atomics.load(heap.i32, (base >>> 2) + i);
  const set = (i: number, v: number): void => {
    Atomics.store(heap.i32, (base >>> 2) + i, v);
    Atomics.notify(heap.i32, (base >>> 2) + i);
  };
  const log = (): string[] => Array.from({ length: w(16) }, (_, k) => {
    const e = w(17 + k);
    return `${EVENT[e >> 8]} ${STATUS[e & 0xff]}`;
  });

  function start(): void {
    const data: GateActorData = { heap: heap.handle(), group, base };
    worker = spawnTsWorker(actorUrl, data);
    worker.on('message', (m: { error?: string }) => {
      if (m.error !== undefined) errors.push(m.error);
    });
  }

  function send(cmd: number): { seq: number; done: Promise<number> } {
    const seq = w(0) + 1;
    set(1, cmd);
    set(0, seq);
    const done = (async () => {
      await until(() => w(3) >= seq, `the actor to finish command ${cmd}`);
      if (w(7) !== 0) throw new Error(`actor failed: ${errors.join('\n')}`);
      return w(6);
    })();
    return { seq, done };
  }

  const actorParticipant = (): number => heap.u32[(group + GROUP_PARTICIPANTS_OFFSET) >>> 2];
  const statusOf = (ap: number): number => Atomics.load(heap.i32, (ap + PARTICIPANT_STATUS_OFFSET) >>> 2);

  it('a participant SUSPENDED before attaching waits for the restart without acquiring the gate', async () => {
    start();
    await send(1).done;
    const ap = actorParticipant();
    stopTheWorld(heap, group);
    const attaching = send(2);
    await until(() => parkedInBucket(heap, ap + PARTICIPANT_STATUS_OFFSET) === 1, 'the actor to park in attach');
    expect(log()).toEqual([]);
    startTheWorld(heap, group);
    expect(await attaching.done).toBe(STATUS_ATTACHED);
    expect(log()).toEqual(['acquire DETACHED', 'admitted ATTACHED', 'hook attach ATTACHED']);
    await send(3).done;
    await send(6).done;
  });

  it('a stop completes while a participant is blocked in acquire; it then releases and waits for the restart', async () => {
    start();
    await send(1).done;
    const ap = actorParticipant();
    set(8, 1); // acquire blocks
    const attaching = send(2);
    await until(() => w(11) === 1, 'the actor to block in acquire');
    stopTheWorld(heap, group); // must not wait for it: it is DETACHED
    expect(statusOf(ap)).toBe(STATUS_SUSPENDED);
    set(8, 0);
    await until(() => parkedInBucket(heap, ap + PARTICIPANT_STATUS_OFFSET) === 1, 'the actor to park in attach');
    expect(w(9)).toBe(0); // not held while parked
    expect(log()).toEqual(['acquire DETACHED', 'release SUSPENDED']);
    startTheWorld(heap, group);
    expect(await attaching.done).toBe(STATUS_ATTACHED);
    expect(log().slice(2)).toEqual(['acquire DETACHED', 'admitted ATTACHED', 'hook attach ATTACHED']);
    expect(w(9)).toBe(1);
    await send(3).done;
    expect(w(9)).toBe(0);
    await send(6).done;
  });

  it('a participant that suspends at a safe point releases the gate and does not retake it until the restart', async () => {
    start();
    await send(1).done;
    await send(2).done;
    const ap = actorParticipant();
    const running = send(4);
    await until(() => w(4) > 1000, 'the actor to run');
    stopTheWorld(heap, group);
    await until(() => parkedInBucket(heap, ap + PARTICIPANT_STATUS_OFFSET) === 1, 'the actor to park in attach');
    expect(w(9)).toBe(0);
    expect(log().slice(3)).toEqual(['hook detach ATTACHED', 'release SUSPENDED']);
    startTheWorld(heap, group);
    await until(() => w(9) === 1, 'the actor to take the gate again');
    set(5, 1);
    expect(await running.done).toBe(STATUS_ATTACHED);
    expect(log().slice(5)).toEqual(['acquire DETACHED', 'admitted ATTACHED', 'hook attach ATTACHED']);
    await send(3).done;
    await send(6).done;
  });
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}
