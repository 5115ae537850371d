/**
 * A scripted thread for the attach-gate tests (attach-gate.test.ts): its
 * participant has a gate that logs every call with the participant's
 * status at that moment, keeps a "held" word (1 between acquire and
 * release), and can be made to block in `acquire` or to refuse admission.
 * The test drives it through a mailbox of Int32 words, as world-actor does.
 *
 * Words at `base` (Int32 indexes from base >>> 2):
 *   0 seq, 1 cmd, 2 arg, 3 ack, 4 counter, 5 stop, 6 result, 7 error (mailbox)
 *   8 block    test → actor: while non-zero, `acquire` waits
 *   9 held     actor: 1 while the gate is held
 *   10 refuse  test → actor: `admitted` answers false this many times
 *   11 inAcquire actor: 1 while inside `acquire`
 *   16 log count, 17… log entries (event << 8 | status)
 */

import { parentPort, workerData } from 'node:worker_threads';
import { attach, detach, participantCreate, participantDelete, participantStatus, safePoint, SharedHeap, type AttachGate, type Participant, type SharedHeapHandle } from '../../src/index.js';

export interface GateActorData {
  heap: SharedHeapHandle;
  group: number;
  base: number;
}

const data = (workerData as { data: GateActorData }).data;
const heap = SharedHeap.attach(data.heap);
const i32 = heap.i32;
const b = data.base >>> 2;
let p: Participant | null = null;

function log(event: number, q: Participant): void {
  const n = Atomics.add(i32, b + 16, 1);
  Atomics.store(i32, b + 17 + n, (event << 8) | participantStatus(q));
}

const gate: AttachGate = {
  acquire(q) {
    Atomics.store(i32, b + 11, 1);
    log(1, q);
    while (Atomics.load(i32, b + 8) !== 0) Atomics.wait(i32, b + 8, 1, 100);
    Atomics.store(i32, b + 9, 1);
    Atomics.store(i32, b + 11, 0);
  },
  release(q) {
    log(3, q);
    Atomics.store(i32, b + 9, 0);
  },
  admitted(q) {
    log(2, q);
    if (Atomics.load(i32, b + 10) > 0) {
      Atomics.sub(i32, b + 10, 1);
      return false;
    }
    return true;
  },
};

function run(cmd: number): number {
  switch (cmd) {
    case 1:
      p = participantCreate(heap, data.group);
      p.gate = gate;
      p.hooks.push({ attach: (q) => log(4, q), detach: (q) => log(5, q) });
      return participantStatus(p);
    case 2:
      attach(p!);
      return participantStatus(p!);
    case 3:
      detach(p!);
      return participantStatus(p!);
    case 4:
      while (Atomics.load(i32, b + 5) === 0) {
        Atomics.add(i32, b + 4, 1);
        safePoint(p!);
      }
      return participantStatus(p!);
    case 6:
      participantDelete(p!);
      p = null;
      return 0;
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

for (;;) {
  const seen = Atomics.load(i32, b + 3);
  while (Atomics.load(i32, b) === seen) Atomics.wait(i32, b, seen, 1000);
  const seq = Atomics.load(i32, b);
  const cmd = Atomics.load(i32, b + 1);
  if (cmd === 9) break;
  try {
    Atomics.store(i32, b + 6, run(cmd));
  } catch (error) {
    Atomics.store(i32, b + 7, 1);
    parentPort!.postMessage({ error: String((error as Error).stack ?? error) });
  }
  Atomics.store(i32, b + 3, seq);
  Atomics.notify(i32, b + 3);
}
heap.close();
