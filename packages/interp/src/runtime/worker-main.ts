/**
 * A pooled worker thread (runtime.ts starts them): it joins the runtime,
 * loads the thread bodies, and then runs one Python thread after another —
 * each handed over in its mailbox by whichever thread started it — parked
 * and detached in between, so that a stop-the-world or QSBR never waits
 * for an idle worker.
 *
 * A thread's end, in CPython's order (the seed's join-race fix): the body
 * returns (a JavaScript exception or a Python one left set is reported as
 * `threading.excepthook` does), the thread detaches and its record says
 * DONE, the non-daemon count drops, the worker is idle again, and only
 * then is the `done` event set that joiners wait for.
 */

import { workerData } from 'node:worker_threads';
import { eventNotify } from '@ft/atomics';
import { errToJs, joinObjectsRuntime, type ObjectsRuntimeHandle } from '@ft/objects';
import {
  IS_NON_DAEMON_FUTEX_OFFSET,
  IS_NON_DAEMON_OFFSET,
  IS_SEAM_DONE_BEFORE_BODY,
  IS_SEAMS_OFFSET,
  THREAD_DONE,
  THREAD_RUNNING,
  TR_ARG_OFFSET,
  TR_BODY_OFFSET,
  TR_DAEMON_OFFSET,
  TR_DONE_OFFSET,
  TR_ID_OFFSET,
  TR_STATE_OFFSET,
  TR_STATUS_OFFSET,
  WM_BUSY_OFFSET,
  WM_EXIT,
  WM_TASK_OFFSET,
} from '../layout.js';
import { loadThreadBodies } from './thread-bodies.js';

/** What runtime.ts hands a pooled worker. */
interface WorkerBoot {
  readonly handle: ObjectsRuntimeHandle;
  readonly interp: number;
  readonly mailbox: number;
  readonly bodies: string | null;
}

const boot = (workerData as { data?: WorkerBoot }).data ?? (workerData as WorkerBoot);
const rt = joinObjectsRuntime(boot.handle);
const bodies = await loadThreadBodies(boot.bodies);
const heap = rt.heap;
const i32 = heap.i32;
const u32 = heap.u32;
const task = (boot.mailbox + WM_TASK_OFFSET) >>> 2;
const interp = boot.interp;

rt.detach();
for (;;) {
  const rec = Atomics.load(i32, task);
  if (rec === 0) {
    Atomics.wait(i32, task, 0);
    continue;
  }
  if (rec === WM_EXIT) break;
  rt.attach();
  Atomics.store(i32, (rec + TR_STATE_OFFSET) >>> 2, THREAD_RUNNING);
  const id = u32[(rec + TR_ID_OFFSET) >>> 2]!;
  const body = bodies.byIndex(u32[(rec + TR_BODY_OFFSET) >>> 2]!);
  let status = 0;
  // The stress test's control: the join race CPython fixed (joiners released before the body ran).
  if ((u32[(interp + IS_SEAMS_OFFSET) >>> 2]! & IS_SEAM_DONE_BEFORE_BODY) !== 0) eventNotify(heap, rec + TR_DONE_OFFSET);
  try {
    body.fn({ rt, t: rt.t, id, arg: u32[(rec + TR_ARG_OFFSET) >>> 2]!, interp });
    if (rt.t.error.type !== 0) {
      status = 1;
      report(id, body.name, errToJs(rt.t));
    }
  } catch (error) {
    status = 1;
    report(id, body.name, error);
  }
  rt.detach();
  const daemon = heap.u8[rec + TR_DAEMON_OFFSET] !== 0;
  Atomics.store(i32, (rec + TR_STATUS_OFFSET) >>> 2, status);
  Atomics.store(i32, (rec + TR_STATE_OFFSET) >>> 2, THREAD_DONE);
  if (!daemon && Atomics.sub(i32, (interp + IS_NON_DAEMON_OFFSET) >>> 2, 1) === 1) {
    Atomics.add(i32, (interp + IS_NON_DAEMON_FUTEX_OFFSET) >>> 2, 1);
    Atomics.notify(i32, (interp + IS_NON_DAEMON_FUTEX_OFFSET) >>> 2);
  }
  // Idle again before the joiners are told: a join followed at once by a start may reuse this worker.
  Atomics.store(i32, task, 0);
  Atomics.store(i32, (boot.mailbox + WM_BUSY_OFFSET) >>> 2, 0);
  eventNotify(heap, rec + TR_DONE_OFFSET);
}
rt.attach();
rt.close();
// The TypeScript loader of tests keeps a port open in the worker: leave explicitly.
process.exit(0);

/** `threading.excepthook`'s default output, on stderr. */
function report(id: number, name: string, error: unknown): void {
  const text = error instanceof Error ? (error.name === 'PyError' ? error.message : (error.stack ?? String(error))) : String(error);
  process.stderr.write(`Exception in thread ${id} (${name}):\n${text}\n`);
}
