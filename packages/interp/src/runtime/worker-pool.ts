/**
 * The pool of worker threads Python threads run on (CPython's threads are
 * OS threads; ours are `worker_threads` started once and reused, because a
 * cold worker costs hundreds of milliseconds). The mailboxes live in the
 * shared heap, so that any thread — the main thread or a Python thread on
 * a worker — can hand a thread to an idle worker, or start a new worker
 * in a free slot.
 *
 * Node ties a worker's life to the thread that created it, so each
 * JavaScript thread keeps a {@link WorkerPool} of the workers it started
 * (its children): when it ends, it asks each idle child to exit and
 * stops the ones still running a (daemon) thread — which stops their own
 * children with them — and waits until they are gone.
 */

import { Worker } from 'node:worker_threads';
import type { HeapContext } from '@ft/atomics';
import type { ObjectsRuntimeHandle } from '@ft/objects';
import { IS_MAX_WORKERS_OFFSET, IS_WORKERS_OFFSET, WM_BUSY_OFFSET, WM_EXIT, WM_SPAWNED_OFFSET, WM_TASK_OFFSET, WORKER_MAILBOX_SIZE } from '../layout.js';

/** How pooled workers are started: every worker starts its own children the same way. @public */
export interface WorkerLaunch {
  /**
   * A module to run as each worker's entry instead of the worker module
   * itself: it gets `workerData = { entry, data }` and must import `entry`
   * (whose workerData is then `data`). Tests that run from TypeScript
   * sources pass a loader that installs one.
   */
  readonly loader: string | null;
  /** `execArgv` of the workers (default: Node's, inherited from the parent). */
  readonly execArgv: readonly string[] | null;
}

/** What a pooled worker is started with (structured-clonable). @internal */
export interface WorkerBoot {
  readonly handle: ObjectsRuntimeHandle;
  readonly interp: number;
  readonly mailbox: number;
  readonly bodies: string | null;
  /** The module exporting `registerSlots` (runtime.ts `slotsModule`), or null. */
  readonly slots?: string | null;
  readonly launch: WorkerLaunch;
}

const WORKER_MAIN = new URL('./worker-main.js', import.meta.url);

/** The address of mailbox `w`. */
function mailboxAddress(heap: HeapContext, interp: number, w: number): number {
  return heap.u32[(interp + IS_WORKERS_OFFSET) >>> 2]! + w * WORKER_MAILBOX_SIZE;
}

/** One JavaScript thread's view of the pool, and the workers it started. @internal */
export class WorkerPool {
  private readonly children: { readonly worker: Worker; readonly mailbox: number }[] = [];

  constructor(
    private readonly heap: HeapContext,
    private readonly interp: number,
    private readonly boot: Omit<WorkerBoot, 'mailbox'>,
  ) {}

  /**
   * Claims an idle worker (busy 0 → 1), or a free slot whose worker this
   * thread starts now: the mailbox's address, or 0 when every worker is
   * busy and every slot taken.
   */
  claim(): number {
    const i32 = this.heap.i32;
    const count = this.heap.u32[(this.interp + IS_MAX_WORKERS_OFFSET) >>> 2]!;
    let free = -1;
    for (let w = 0; w < count; w++) {
      const mailbox = mailboxAddress(this.heap, this.interp, w);
      if (Atomics.load(i32, (mailbox + WM_SPAWNED_OFFSET) >>> 2) === 0) {
        if (free < 0) free = w;
        continue;
      }
      if (Atomics.compareExchange(i32, (mailbox + WM_BUSY_OFFSET) >>> 2, 0, 1) === 0) return mailbox;
    }
    // No idle worker: take a free slot (another thread may take it first; then try the next).
    for (let w = free; free >= 0 && w < count; w++) {
      const mailbox = mailboxAddress(this.heap, this.interp, w);
      if (Atomics.compareExchange(i32, (mailbox + WM_SPAWNED_OFFSET) >>> 2, 0, 1) !== 0) continue;
      Atomics.store(i32, (mailbox + WM_BUSY_OFFSET) >>> 2, 1);
      this.start(mailbox);
      return mailbox;
    }
    return 0;
  }

  private start(mailbox: number): void {
    const data: WorkerBoot = { ...this.boot, mailbox };
    const { loader, execArgv } = this.boot.launch;
    const options = execArgv === null ? {} : { execArgv: [...execArgv] };
    const worker = loader === null ? new Worker(WORKER_MAIN, { ...options, workerData: data }) : new Worker(new URL(loader), { ...options, workerData: { entry: WORKER_MAIN.href, data } });
    worker.unref(); // idle workers do not keep the process alive; finalization waits for the threads
    worker.on('error', (error) => process.stderr.write(`ft: a pooled worker failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
    this.children.push({ worker, mailbox });
  }

  /**
   * This thread's end (`Py_FinalizeEx` on the main thread, a worker's
   * exit): every idle child is asked to exit; a child still running a
   * thread (a daemon thread at finalization) is stopped, never to run
   * Python again. Resolves when all of them are gone.
   */
  async shutdown(): Promise<void> {
    const i32 = this.heap.i32;
    const exits: Promise<unknown>[] = [];
    for (const { worker, mailbox } of this.children) {
      // Keep the process alive until it is gone (idle workers are unref'd).
      worker.ref();
      exits.push(new Promise((resolve) => worker.once('exit', resolve)));
      if (Atomics.compareExchange(i32, (mailbox + WM_BUSY_OFFSET) >>> 2, 0, 1) === 0) {
        Atomics.store(i32, (mailbox + WM_TASK_OFFSET) >>> 2, WM_EXIT);
        Atomics.notify(i32, (mailbox + WM_TASK_OFFSET) >>> 2);
      } else {
        void worker.terminate();
      }
    }
    this.children.length = 0;
    await Promise.all(exits);
  }
}
