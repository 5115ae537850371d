/**
 * A pooled worker thread (worker-pool.ts starts them): it joins the
 * runtime without a thread state, loads the thread bodies, and then runs
 * one Python thread after another — each handed over in its mailbox by
 * whichever thread started it — each with a thread state of its own made
 * for it, parked with none in between (a stop-the-world or QSBR never
 * waits for an idle worker).
 *
 * A thread's end, in CPython's order (the seed's join-race fix): the body
 * returns (a JavaScript exception or a Python one left set is reported as
 * `threading.excepthook` does), the thread state is cleared and deleted,
 * the record says DONE, the non-daemon count drops, the worker is idle
 * again, and only then is the `done` event set that joiners wait for.
 */

import { workerData } from 'node:worker_threads';
import { eventNotify, shutDown } from '@ft/atomics';
import { errToJs, hostObjectsRuntime } from '@ft/objects';
import {
  IS_FINALIZING_OFFSET,
  IS_GIL_GATES_OFFSET,
  IS_GIL_OFFSET,
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
import { asyncExcClose, asyncExcOpen } from './async-exc.js';
import { gilInstall } from './gil.js';
import { loadRegisterSlots } from './slots-module.js';
import { loadThreadBodies, type ThreadBody } from './thread-bodies.js';
import { threadStart } from './thread-start.js';
import { WorkerPool, type WorkerBoot } from './worker-pool.js';

const boot = (workerData as { data?: WorkerBoot }).data ?? (workerData as WorkerBoot);
const host = hostObjectsRuntime(boot.handle, await loadRegisterSlots(boot.slots ?? null));
const bodies = await loadThreadBodies(boot.bodies);
const heap = host.heap;
const i32 = heap.i32;
const u32 = heap.u32;
const task = (boot.mailbox + WM_TASK_OFFSET) >>> 2;
const interp = boot.interp;
// The workers this one starts for threads its threads start: its children, ended with it.
const pool = new WorkerPool(heap, interp, { handle: boot.handle, interp, bodies: boot.bodies, slots: boot.slots ?? null, launch: boot.launch });

for (;;) {
  const rec = Atomics.load(i32, task);
  if (rec === 0) {
    Atomics.wait(i32, task, 0);
    continue;
  }
  if (rec === WM_EXIT) break;
  Atomics.store(i32, (rec + TR_STATE_OFFSET) >>> 2, THREAD_RUNNING);
  const id = u32[(rec + TR_ID_OFFSET) >>> 2]!;
  const body = bodies.byIndex(u32[(rec + TR_BODY_OFFSET) >>> 2]!);
  let status = 0;
  // The stress test's control: the join race CPython fixed (joiners released before the body ran).
  if ((u32[(interp + IS_SEAMS_OFFSET) >>> 2]! & IS_SEAM_DONE_BEFORE_BODY) !== 0) eventNotify(heap, rec + TR_DONE_OFFSET);
  try {
    if (!runThread(rec, id, body)) status = 1;
  } catch (error) {
    // The thread state could not be made or taken apart (the heap is full, or a runtime bug): the
    // thread still ends — its joiners must never wait for a worker that died.
    status = 1;
    report(id, body.name, error);
  }
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
await pool.shutdown();
host.close();
// The TypeScript loader of tests keeps a port open in the worker: leave explicitly.
process.exit(0);

/**
 * One Python thread on this worker, with a thread state of its own
 * (`thread_run`: new_threadstate + bind, the body, `PyThreadState_Clear` +
 * `_PyThreadState_DeleteCurrent`): false when the body raised (reported).
 */
function runThread(rec: number, id: number, body: { readonly name: string; readonly fn: ThreadBody }): boolean {
  const ts = host.newThreadState();
  if (u32[(interp + IS_GIL_GATES_OFFSET) >>> 2] !== 0) {
    // The GIL's gate goes on while the state is detached; from the attach on, the thread holds the
    // GIL whenever it runs (and the state's deletion drops it with its participant). Departure: the
    // state was made attached without the GIL — it touched only its own new records and the shared
    // ones under their own locks, no Python object (CPython's starter makes it holding its GIL).
    ts.detach();
    gilInstall(ts.participant, u32[(interp + IS_GIL_OFFSET) >>> 2]!);
    ts.attach();
  }
  if (Atomics.load(i32, (interp + IS_FINALIZING_OFFSET) >>> 2) !== 0) {
    // A (daemon) thread that gets here after finalization began never runs: CPython's attach checks
    // `_PyThreadState_MustExit` and hangs the thread. Finalization marked the states that existed
    // then SHUTTING_DOWN; this one marks itself, and its attach hangs until the worker is stopped.
    ts.detach();
    shutDown(ts.participant);
    ts.attach();
  }
  asyncExcOpen(ts, rec);
  let ok = true;
  try {
    const t = ts.t;
    body.fn({ heap, ts, t, id, arg: u32[(rec + TR_ARG_OFFSET) >>> 2]!, interp, startThread: (name, arg = 0, options = {}) => threadStart(t, interp, pool, bodies, name, arg, options) });
    if (t.error.type !== 0) {
      ok = false;
      report(id, body.name, errToJs(t));
    }
  } catch (error) {
    ok = false;
    report(id, body.name, error);
  }
  asyncExcClose(ts, rec);
  ts.delete();
  return ok;
}

/** `threading.excepthook`'s default output, on stderr. */
function report(id: number, name: string, error: unknown): void {
  const text = error instanceof Error ? (error.name === 'PyError' ? error.message : (error.stack ?? String(error))) : String(error);
  process.stderr.write(`Exception in thread ${id} (${name}):\n${text}\n`);
}
