/**
 * `_thread.start_new_thread` (`ThreadHandle_start` in CPython's
 * `_threadmodule.c`), from any thread: a free thread record with the next
 * thread id, an idle pooled worker (or a new one), the record's fields,
 * then the hand-over through the worker's mailbox.
 */

import { errRaise, errToJs, StaticType, type ObThread } from '@ft/objects';
import { IS_FINALIZING_OFFSET, IS_NON_DAEMON_OFFSET, THREAD_STARTING, TR_ARG_OFFSET, TR_BODY_OFFSET, TR_DAEMON_OFFSET, TR_ID_OFFSET, TR_STATE_OFFSET, TR_STATUS_OFFSET, TR_WORKER_OFFSET, WM_TASK_OFFSET } from '../layout.js';
import type { ThreadBodies } from './thread-bodies.js';
import { ThreadHandle, type StartThreadOptions } from './thread-handle.js';
import { recordAlloc, recordId } from './thread-record.js';

/**
 * Starts thread body `body` with `arg` (an object's address, borrowed: the
 * starter keeps it alive until the thread is done; or 0) on a pooled
 * worker, from the thread of `t` and its `pool` (a WorkerPool).
 * @throws PyError PythonFinalizationError ("can't create new thread at
 * interpreter shutdown") once finalization started; RuntimeError ("can't
 * start new thread") when every record or worker is in use; TypeError for
 * an unknown body.
 * @internal
 */
export function threadStart(t: ObThread, interp: number, pool: { claim(): number }, bodies: ThreadBodies, body: string, arg: number, options: StartThreadOptions): ThreadHandle {
  const heap = t.heap;
  const index = bodies.indexOf(body);
  if (index < 0) throw new TypeError(`startThread: no thread body '${body}' (the bodies are ${bodies.names.join(', ') || 'none: pass threadBodies to createRuntime'})`);
  if (Atomics.load(heap.i32, (interp + IS_FINALIZING_OFFSET) >>> 2) !== 0) {
    errRaise(t, StaticType.PythonFinalizationError, "can't create new thread at interpreter shutdown");
    throw errToJs(t);
  }
  const rec = recordAlloc(heap, interp);
  const mailbox = rec === 0 ? 0 : pool.claim();
  if (rec === 0 || mailbox === 0) {
    if (rec !== 0) Atomics.store(heap.u32, (rec + TR_ID_OFFSET) >>> 2, 0); // the record is free again
    errRaise(t, StaticType.RuntimeError, "can't start new thread");
    throw errToJs(t);
  }
  const daemon = options.daemon === true;
  const u32 = heap.u32;
  u32[(rec + TR_BODY_OFFSET) >>> 2] = index;
  u32[(rec + TR_ARG_OFFSET) >>> 2] = arg;
  u32[(rec + TR_WORKER_OFFSET) >>> 2] = mailbox;
  heap.u8[rec + TR_DAEMON_OFFSET] = daemon ? 1 : 0;
  Atomics.store(heap.i32, (rec + TR_STATUS_OFFSET) >>> 2, 0);
  Atomics.store(heap.i32, (rec + TR_STATE_OFFSET) >>> 2, THREAD_STARTING);
  if (!daemon) Atomics.add(heap.i32, (interp + IS_NON_DAEMON_OFFSET) >>> 2, 1);
  const handle = new ThreadHandle(heap, rec, recordId(heap, rec), daemon);
  // The hand-over: the record's fields above are published by this store (seq_cst).
  Atomics.store(heap.i32, (mailbox + WM_TASK_OFFSET) >>> 2, rec);
  Atomics.notify(heap.i32, (mailbox + WM_TASK_OFFSET) >>> 2);
  return handle;
}
