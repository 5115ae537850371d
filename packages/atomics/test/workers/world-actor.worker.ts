/**
 * A scripted thread for the world's unit tests. The test writes a command
 * and a sequence number into a mailbox in shared memory; the actor performs
 * the command and acknowledges by storing the sequence number (Atomics,
 * notify). No sleeps: every step is ordered by those words.
 *
 * Mailbox (Int32 words at `mailbox`):
 *   0 seq      test → actor: bumped for each command
 *   1 cmd      test → actor: the command (below)
 *   2 arg      test → actor: an address or a count
 *   3 ack      actor → test: the seq of the last finished command
 *   4 counter  actor: incremented while running between safe points
 *   5 stop     test → actor: ends CMD_RUN / CMD_SPIN_NO_POLL
 *   6 result   actor → test: a command's result (status, 1/0)
 *   7 error    actor → test: 1 if the command threw
 */

import { parentPort, workerData } from 'node:worker_threads';
import {
  attach,
  detach,
  EVAL_PLEASE_STOP_BIT,
  evalBreakerBits,
  mutexLock,
  mutexUnlock,
  participantCreate,
  participantDelete,
  participantStatus,
  safePoint,
  SharedHeap,
  shutDown,
  startTheWorld,
  startTheWorldAll,
  stopTheWorld,
  stopTheWorldAll,
  type Participant,
  type SharedHeapHandle,
} from '../../src/index.js';

import { CMD_ATTACH, CMD_CREATE, CMD_DELETE, CMD_DELETE_WHEN_ASKED, CMD_DETACH, CMD_EXIT, CMD_LOCK, CMD_RUN, CMD_SHUTDOWN, CMD_SPIN_NO_POLL, CMD_STOP_HOLD, MB_ACK, MB_ARG, MB_CMD, MB_COUNTER, MB_ERROR, MB_RESULT, MB_SEQ, MB_STOP, type WorldActorData } from './world-actor-protocol.js';

const data = (workerData as { data: WorldActorData }).data;
const heap = SharedHeap.attach(data.heap);
const i32 = heap.i32;
const mb = data.mailbox >>> 2;
let p: Participant | null = null;

function stopRequested(): boolean {
  return Atomics.load(i32, mb + MB_STOP) !== 0;
}

function run(cmd: number, arg: number): number {
  switch (cmd) {
    case CMD_CREATE:
      p = participantCreate(heap, data.group);
      return participantStatus(p);
    case CMD_ATTACH:
      attach(p!);
      return participantStatus(p!);
    case CMD_DETACH:
      detach(p!);
      return participantStatus(p!);
    case CMD_RUN: {
      // The counter moves only while attached, between safe points.
      while (!stopRequested()) {
        Atomics.add(i32, mb + MB_COUNTER, 1);
        safePoint(p!);
      }
      return participantStatus(p!);
    }
    case CMD_LOCK:
      mutexLock(heap, arg);
      mutexUnlock(heap, arg);
      return participantStatus(p!);
    case CMD_DELETE:
      participantDelete(p!);
      p = null;
      return 0;
    case CMD_SHUTDOWN:
      shutDown(p!);
      return participantStatus(p!);
    case CMD_SPIN_NO_POLL:
      while (!stopRequested()) Atomics.add(i32, mb + MB_COUNTER, 1);
      return participantStatus(p!);
    case CMD_STOP_HOLD: {
      // arg 1: a global stop; 0: the group's.
      if (arg === 1) stopTheWorldAll(heap);
      else stopTheWorld(heap, data.group);
      Atomics.store(i32, mb + MB_RESULT, 1); // stopped
      Atomics.notify(i32, mb + MB_RESULT);
      while (!stopRequested()) Atomics.wait(i32, mb + MB_STOP, 0, 100);
      if (arg === 1) startTheWorldAll(heap);
      else startTheWorld(heap, data.group);
      return 2;
    }
    case CMD_DELETE_WHEN_ASKED: {
      while ((evalBreakerBits(heap, p!.address) & EVAL_PLEASE_STOP_BIT) === 0) {
        // attached and deliberately not at a safe point
      }
      detach(p!);
      participantDelete(p!);
      p = null;
      return 0;
    }
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

for (;;) {
  const seen = Atomics.load(i32, mb + MB_ACK);
  while (Atomics.load(i32, mb + MB_SEQ) === seen) Atomics.wait(i32, mb + MB_SEQ, seen, 1000);
  const seq = Atomics.load(i32, mb + MB_SEQ);
  const cmd = Atomics.load(i32, mb + MB_CMD);
  if (cmd === CMD_EXIT) break;
  try {
    Atomics.store(i32, mb + MB_RESULT, run(cmd, Atomics.load(i32, mb + MB_ARG)));
  } catch (error) {
    Atomics.store(i32, mb + MB_ERROR, 1);
    parentPort!.postMessage({ error: String((error as Error).stack ?? error) });
  }
  Atomics.store(i32, mb + MB_ACK, seq);
  Atomics.notify(i32, mb + MB_ACK);
}
heap.close();
parentPort!.postMessage({ exited: true });
