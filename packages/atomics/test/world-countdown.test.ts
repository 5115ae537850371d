/**
 * A stop-the-world's countdown must count every participant it waits for
 * exactly once (CPython `tstate_delete_common` counts a deleted thread down
 * only if the stop still waits for it). Scripted with the world actor: every
 * step is ordered by words in shared memory, never by sleeping.
 */

import { spawnTsWorker } from '@ft/harness';
import type { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EVAL_PLEASE_STOP_BIT,
  evalBreakerBits,
  groupCreate,
  regionAlloc,
  SharedHeap,
  STATUS_ATTACHED,
  STATUS_SHUTTING_DOWN,
} from '../src/index.js';
import { GROUP_PARTICIPANTS_OFFSET, GROUP_STW_OFFSET, PARTICIPANT_STATUS_OFFSET, STW_COUNTDOWN_OFFSET } from '../src/layout.js';
import {
  CMD_ATTACH,
  CMD_CREATE,
  CMD_DELETE,
  CMD_DETACH,
  CMD_SHUTDOWN,
  CMD_SPIN_NO_POLL,
  CMD_STOP_HOLD,
  MB_ACK,
  MB_ARG,
  MB_CMD,
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
  for (const a of actors) release(a);
  await Promise.all(actors.splice(0).map((a) => a.worker.terminate()));
  heap.close();
});

function actor(): Actor {
  const mailbox = scratch + 64 * (actors.length + 1);
  const data: WorldActorData = { heap: heap.handle(), group, mailbox };
  const worker = spawnTsWorker(actorUrl, data);
  const a: Actor = { worker, mailbox, errors: [] };
  worker.on('message', (m: { error?: string }) => {
    if (m.error !== undefined) a.errors.push(m.error);
  });
  actors.push(a);
  return a;
}

const word = (a: Actor, i: number): number => Atomics.load(heap.i32, (a.mailbox >>> 2) + i);

function send(a: Actor, cmd: number, arg = 0): Promise<number> {
  const base = a.mailbox >>> 2;
  const seq = Atomics.load(heap.i32, base + MB_SEQ) + 1;
  Atomics.store(heap.i32, base + MB_CMD, cmd);
  Atomics.store(heap.i32, base + MB_ARG, arg);
  Atomics.store(heap.i32, base + MB_SEQ, seq);
  Atomics.notify(heap.i32, base + MB_SEQ);
  return (async () => {
    await until(() => word(a, MB_ACK) >= seq, `the actor to finish command ${cmd}`);
    if (word(a, MB_ERROR) !== 0) throw new Error(`actor failed: ${a.errors.join('\n')}`);
    return word(a, MB_RESULT);
  })();
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

const countdown = (): number => Atomics.load(heap.i32, (group + GROUP_STW_OFFSET + STW_COUNTDOWN_OFFSET) >>> 2);
const statusOf = (p: number): number => Atomics.load(heap.i32, (p + PARTICIPANT_STATUS_OFFSET) >>> 2);

describe('the stop-the-world countdown', () => {
  it('a participant that was SHUTTING_DOWN before the stop is not counted down when it is deleted during it', async () => {
    const running = actor();
    const dying = actor();
    const requester = actor();
    await send(running, CMD_CREATE);
    const runner = heap.u32[(group + GROUP_PARTICIPANTS_OFFSET) >>> 2];
    await send(running, CMD_ATTACH);
    const spinning = send(running, CMD_SPIN_NO_POLL); // attached, never at a safe point
    await until(() => word(running, MB_COUNTER) > 0, 'the runner to spin');
    await send(dying, CMD_CREATE);
    expect(await send(dying, CMD_SHUTDOWN)).toBe(STATUS_SHUTTING_DOWN);

    // The stop counts the runner only (a SHUTTING_DOWN participant never runs again).
    const stop = send(requester, CMD_STOP_HOLD);
    await until(() => (evalBreakerBits(heap, runner) & EVAL_PLEASE_STOP_BIT) !== 0, 'the stop to ask the runner');
    expect(countdown()).toBe(1);

    // Deleting the shutting-down participant must leave the countdown alone:
    // the stop still waits for the runner, which is attached and running.
    await send(dying, CMD_DELETE);
    expect(countdown()).toBe(1);
    expect(statusOf(runner)).toBe(STATUS_ATTACHED);
    expect(word(requester, MB_RESULT)).toBe(0); // not stopped: the runner still runs

    // The runner detaches: now the stop completes.
    release(running);
    await spinning;
    await send(running, CMD_DETACH);
    await until(() => word(requester, MB_RESULT) === 1, 'the stop to complete');
    release(requester);
    await stop;
  });
});
