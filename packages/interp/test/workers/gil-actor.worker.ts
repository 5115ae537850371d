/**
 * A scripted thread for gil.test.ts: one participant of the test's group,
 * with the test's GIL installed, driven through a mailbox of Int32 words in
 * shared memory (the test writes a command and bumps `seq`; the actor runs
 * it and stores `seq` into `ack`). No sleeps order anything.
 *
 * Mailbox words (Int32 indexes from mailbox >>> 2):
 *   0 seq, 1 cmd, 2 arg, 3 ack, 4 counter (RUN: bumped between safe points),
 *   5 stop (ends RUN), 6 result, 7 error, 8 participant address
 */

import { parentPort, workerData } from 'node:worker_threads';
import { attach, detach, participantCreate, participantDelete, safePoint, SharedHeap, type Participant, type SharedHeapHandle } from '@ft/atomics';
import { gilInstall, gilUninstall, holdsGil } from '../../src/runtime/gil.js';
import { CMD_ATTACH, CMD_ATTACH_LOG_DETACH, CMD_CREATE, CMD_DELETE, CMD_DETACH, CMD_EXIT, CMD_RUN, MB_ACK, MB_ARG, MB_CMD, MB_COUNTER, MB_ERROR, MB_PARTICIPANT, MB_RESULT, MB_SEQ, MB_STOP, RUN_ATTACH, RUN_DETACH, type GilActorData } from './gil-actor-protocol.js';

main((workerData as { data: GilActorData }).data);

function main(d: GilActorData): void {
  const heap = SharedHeap.attach(d.heap);
  const i32 = heap.i32;
  const mb = d.mailbox >>> 2;
  let p: Participant | null = null;

  const run = (cmd: number, arg: number): number => {
    switch (cmd) {
      case CMD_CREATE:
        p = participantCreate(heap, d.group);
        gilInstall(p, d.gil);
        Atomics.store(i32, mb + MB_PARTICIPANT, p.address);
        return 0;
      case CMD_ATTACH:
        attach(p!);
        return holdsGil(p!) ? 1 : 0;
      case CMD_DETACH:
        detach(p!);
        return holdsGil(p!) ? 1 : 0;
      case CMD_RUN: {
        if ((arg & RUN_ATTACH) !== 0) attach(p!);
        while (Atomics.load(i32, mb + MB_STOP) === 0) {
          Atomics.add(i32, mb + MB_COUNTER, 1);
          safePoint(p!);
        }
        const held = holdsGil(p!) ? 1 : 0;
        if ((arg & RUN_DETACH) !== 0) detach(p!);
        return held;
      }
      case CMD_ATTACH_LOG_DETACH: {
        attach(p!);
        const n = Atomics.add(i32, d.orderLog >>> 2, 1);
        Atomics.store(i32, (d.orderLog >>> 2) + 1 + n, d.index);
        detach(p!);
        return 0;
      }
      case CMD_DELETE:
        gilUninstall(p!);
        participantDelete(p!);
        p = null;
        return 0;
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  };

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
}
