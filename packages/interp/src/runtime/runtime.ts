/**
 * The runtime (`_PyRuntime` with its main interpreter; `pylifecycle.c`,
 * `pystate.c`): one shared heap with every lower layer (the objects
 * runtime of @ft/objects), the interpreter state, the main thread, and
 * Python threads that run on pooled worker threads at the same time
 * (`_thread.start_new_thread`, `ThreadHandle.join`).
 *
 * Threads: {@link Runtime.startThread} takes a free thread record, hands
 * it to an idle pooled worker (started on first need and reused) and
 * returns a {@link ThreadHandle}. Finalization, in CPython's order: wait
 * for the non-daemon threads, set the finalizing flag (from then on
 * starting a thread raises PythonFinalizationError, the seed), then the
 * workers exit; daemon threads still running are stopped with their
 * workers, never to run Python again.
 */

import { Worker } from 'node:worker_threads';
import { regionAlloc } from '@ft/atomics';
import { createObjectsRuntime, errRaise, errToJs, StaticType, type ObjectsRuntime, type ObThread } from '@ft/objects';
import {
  DEFAULT_MAX_THREADS,
  DEFAULT_MAX_WORKERS,
  INTERP_LAYOUT_VERSION,
  INTERP_STATE_SIZE,
  INTERP_STATE_TAG,
  IS_FINALIZING_OFFSET,
  IS_GIL_OFFSET,
  IS_MAX_THREADS_OFFSET,
  IS_MAX_WORKERS_OFFSET,
  IS_NEXT_THREAD_ID_OFFSET,
  IS_NON_DAEMON_FUTEX_OFFSET,
  IS_NON_DAEMON_OFFSET,
  IS_SEAMS_OFFSET,
  IS_TAG_OFFSET,
  IS_THREADS_OFFSET,
  IS_VERSION_OFFSET,
  IS_WORKERS_OFFSET,
  THREAD_DONE,
  THREAD_RECORD_SIZE,
  THREAD_STARTING,
  TR_ARG_OFFSET,
  TR_BODY_OFFSET,
  TR_DAEMON_OFFSET,
  TR_STATE_OFFSET,
  TR_STATUS_OFFSET,
  TR_WORKER_OFFSET,
  WM_BUSY_OFFSET,
  WM_EXIT,
  WM_TASK_OFFSET,
  WORKER_MAILBOX_SIZE,
} from '../layout.js';
import { readConfig, type RuntimeConfig, type RuntimeConfigInput } from './options.js';
import { loadThreadBodies, type ThreadBodies } from './thread-bodies.js';
import { recordAlloc, recordId, recordJoin } from './thread-record.js';

/** How a pooled worker is started: `entry` is the worker module, `boot` its workerData. @public */
export type SpawnWorker = (entry: URL, boot: unknown) => Worker;

/** Options of {@link createRuntime}. @public */
export interface RuntimeOptions extends RuntimeConfigInput {
  /** Bytes of the shared heap (default 64 MiB). */
  readonly heapSize?: number;
  /** Thread records: threads alive (or finished and not yet joined) at once (default 256). */
  readonly maxThreads?: number;
  /** Pooled workers at most (default 64): threads running at once. */
  readonly maxWorkers?: number;
  /** The module whose exported functions are the thread bodies ({@link ThreadBody}), as a URL. */
  readonly threadBodies?: URL | string;
  /** Starts a pooled worker (default `new Worker(entry, { workerData: boot })`; tests that run from TypeScript sources pass a loader's). */
  readonly spawnWorker?: SpawnWorker;
  /** Test seams (IS_SEAM_* bits; the stress test's control). @internal */
  readonly seams?: number;
}

/** Options of {@link Runtime.startThread}. @public */
export interface StartThreadOptions {
  /** A daemon thread is not waited for at shutdown (`daemon=True`). */
  readonly daemon?: boolean;
}

/** A started thread (`_thread._ThreadHandle`). @public */
export class ThreadHandle {
  /** @internal */
  constructor(
    private readonly rt: Runtime,
    /** Address of the thread's record. */
    readonly record: number,
    /** The thread id. */
    readonly ident: number,
    /** Whether it is a daemon thread. */
    readonly daemon: boolean,
  ) {}

  /** Whether the thread's body has returned (`ThreadHandle.is_done()`). */
  get isDone(): boolean {
    const heap = this.rt.objects.heap;
    return recordId(heap, this.record) !== this.ident || Atomics.load(heap.i32, (this.record + TR_STATE_OFFSET) >>> 2) === THREAD_DONE;
  }

  /**
   * Waits until the thread is done (`ThreadHandle.join()`), detached.
   * Concurrent joins from several threads all return once it is done;
   * joining again returns at once.
   */
  join(): void {
    recordJoin(this.rt.objects.heap, this.record, this.ident);
  }
}

/**
 * Joins thread `ident` whose record is `record` from any thread (a thread
 * body joining another): as {@link ThreadHandle.join}. Returns false when
 * it had been joined already.
 * @public
 */
export function joinThread(rt: ObjectsRuntime, record: number, ident: number): boolean {
  return recordJoin(rt.heap, record, ident);
}

/** A runtime with its main interpreter and this (the main) thread. @public */
export class Runtime {
  /** The configuration it runs with. */
  readonly config: RuntimeConfig;
  /** The lower layers, and this thread's place in them. */
  readonly objects: ObjectsRuntime;
  /** Address of the interpreter state. */
  readonly interp: number;
  private readonly bodies: ThreadBodies;
  private readonly bodiesHref: string | null;
  private readonly spawn: SpawnWorker;
  private readonly workers: (Worker | null)[];
  private closed = false;

  /** @internal */
  constructor(config: RuntimeConfig, objects: ObjectsRuntime, interp: number, bodies: ThreadBodies, bodiesHref: string | null, spawn: SpawnWorker, maxWorkers: number) {
    this.config = config;
    this.objects = objects;
    this.interp = interp;
    this.bodies = bodies;
    this.bodiesHref = bodiesHref;
    this.spawn = spawn;
    this.workers = new Array<Worker | null>(maxWorkers).fill(null);
  }

  /** This thread's context for the object functions. */
  get t(): ObThread {
    return this.objects.t;
  }

  /** Whether finalization has started (`_PyInterpreterState_GetFinalizing`). */
  get finalizing(): boolean {
    return Atomics.load(this.objects.heap.i32, (this.interp + IS_FINALIZING_OFFSET) >>> 2) !== 0;
  }

  /**
   * `_thread.start_new_thread`: runs the thread body `body` (a function of
   * the bodies module) with `arg` (an object's address, borrowed: keep it
   * alive until the thread is done; or 0) on a pooled worker.
   * @throws PyError PythonFinalizationError ("can't create new thread at
   * interpreter shutdown") once finalization started; RuntimeError ("can't
   * start new thread") when every record or worker is in use; TypeError for
   * an unknown body.
   */
  startThread(body: string, arg = 0, options: StartThreadOptions = {}): ThreadHandle {
    const t = this.objects.t;
    const heap = this.objects.heap;
    const index = this.bodies.indexOf(body);
    if (index < 0) throw new TypeError(`startThread: no thread body '${body}' (the bodies are ${this.bodies.names.join(', ') || 'none: pass threadBodies to createRuntime'})`);
    if (this.closed || this.finalizing) {
      errRaise(t, StaticType.PythonFinalizationError, "can't create new thread at interpreter shutdown");
      throw errToJs(t);
    }
    const rec = recordAlloc(heap, this.interp);
    const worker = rec === 0 ? -1 : this.claimWorker();
    if (rec === 0 || worker < 0) {
      if (rec !== 0) Atomics.store(heap.u32, rec >>> 2, 0);
      errRaise(t, StaticType.RuntimeError, "can't start new thread");
      throw errToJs(t);
    }
    const daemon = options.daemon === true;
    const u32 = heap.u32;
    u32[(rec + TR_BODY_OFFSET) >>> 2] = index;
    u32[(rec + TR_ARG_OFFSET) >>> 2] = arg;
    u32[(rec + TR_WORKER_OFFSET) >>> 2] = worker;
    heap.u8[rec + TR_DAEMON_OFFSET] = daemon ? 1 : 0;
    Atomics.store(heap.i32, (rec + TR_STATUS_OFFSET) >>> 2, 0);
    Atomics.store(heap.i32, (rec + TR_STATE_OFFSET) >>> 2, THREAD_STARTING);
    if (!daemon) Atomics.add(heap.i32, (this.interp + IS_NON_DAEMON_OFFSET) >>> 2, 1);
    const handle = new ThreadHandle(this, rec, recordId(heap, rec), daemon);
    const mailbox = this.mailbox(worker);
    // The hand-over: the record's fields above are published by this store (seq_cst).
    Atomics.store(heap.i32, (mailbox + WM_TASK_OFFSET) >>> 2, rec);
    Atomics.notify(heap.i32, (mailbox + WM_TASK_OFFSET) >>> 2);
    return handle;
  }

  /** An idle pooled worker, claimed (busy 0 → 1), started now if none is idle; -1 when all are busy. */
  private claimWorker(): number {
    const i32 = this.objects.heap.i32;
    let free = -1;
    for (let w = 0; w < this.workers.length; w++) {
      if (this.workers[w] === null) {
        if (free < 0) free = w;
        continue;
      }
      if (Atomics.compareExchange(i32, (this.mailbox(w) + WM_BUSY_OFFSET) >>> 2, 0, 1) === 0) return w;
    }
    if (free < 0) return -1;
    Atomics.store(i32, (this.mailbox(free) + WM_BUSY_OFFSET) >>> 2, 1);
    const boot = { handle: this.objects.handle, interp: this.interp, mailbox: this.mailbox(free), bodies: this.bodiesHref };
    const worker = this.spawn(new URL('./worker-main.js', import.meta.url), boot);
    worker.unref(); // idle workers do not keep the process alive; finalization waits for the threads
    this.workers[free] = worker;
    return free;
  }

  private mailbox(w: number): number {
    return this.objects.heap.u32[(this.interp + IS_WORKERS_OFFSET) >>> 2]! + w * WORKER_MAILBOX_SIZE;
  }

  /** Non-daemon threads running or not yet started. */
  get activeThreads(): number {
    return Atomics.load(this.objects.heap.i32, (this.interp + IS_NON_DAEMON_OFFSET) >>> 2);
  }

  /** `threading._shutdown`'s wait: until every non-daemon thread is done, detached. */
  waitForThreads(): void {
    const i32 = this.objects.heap.i32;
    const futex = (this.interp + IS_NON_DAEMON_FUTEX_OFFSET) >>> 2;
    this.objects.detach();
    try {
      for (;;) {
        const seen = Atomics.load(i32, futex);
        if (Atomics.load(i32, (this.interp + IS_NON_DAEMON_OFFSET) >>> 2) === 0) return;
        Atomics.wait(i32, futex, seen, 100);
      }
    } finally {
      this.objects.attach();
    }
  }

  /**
   * `Py_FinalizeEx`: waits for the non-daemon threads, sets the finalizing
   * flag, asks every idle worker to exit and stops the ones still running a
   * daemon thread, then frees the heap. Resolves when the workers are gone.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.waitForThreads();
    const heap = this.objects.heap;
    Atomics.store(heap.i32, (this.interp + IS_FINALIZING_OFFSET) >>> 2, 1);
    this.closed = true;
    const exits: Promise<unknown>[] = [];
    for (let w = 0; w < this.workers.length; w++) {
      const worker = this.workers[w];
      if (worker === null || worker === undefined) continue;
      // Keep the process alive until it is gone (idle workers are unref'd).
      worker.ref();
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      exits.push(exited);
      const mailbox = this.mailbox(w);
      if (Atomics.compareExchange(heap.i32, (mailbox + WM_BUSY_OFFSET) >>> 2, 0, 1) === 0) {
        Atomics.store(heap.i32, (mailbox + WM_TASK_OFFSET) >>> 2, WM_EXIT);
        Atomics.notify(heap.i32, (mailbox + WM_TASK_OFFSET) >>> 2);
      } else {
        // A daemon thread still runs there: it never runs again (3.14's SHUTTING_DOWN).
        void worker.terminate();
      }
    }
    this.objects.detach();
    await Promise.all(exits);
    this.objects.attach();
    this.objects.close();
  }
}

/**
 * Creates a runtime (`Py_InitializeFromConfig`): reads the configuration
 * (throws ConfigError for a value CPython refuses), builds the heap and
 * every layer, the interpreter state, and loads the thread bodies.
 * @public
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const config = readConfig(options);
  if (config.gil) throw new RangeError('createRuntime: PYTHON_GIL=1 / -X gil=1 (a real GIL) is not available in this version of ft yet; run free-threaded (the default, PYTHON_GIL=0)');
  const maxThreads = options.maxThreads ?? DEFAULT_MAX_THREADS;
  const maxWorkers = options.maxWorkers ?? DEFAULT_MAX_WORKERS;
  if (!Number.isInteger(maxThreads) || maxThreads < 1 || maxThreads > 65536) throw new RangeError(`createRuntime: maxThreads must be an integer in [1, 65536], not ${String(maxThreads)}`);
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1 || maxWorkers > 1024) throw new RangeError(`createRuntime: maxWorkers must be an integer in [1, 1024], not ${String(maxWorkers)}`);
  const href = options.threadBodies === undefined ? null : String(options.threadBodies);
  const bodies = await loadThreadBodies(href);
  const objects = createObjectsRuntime({ heapSize: options.heapSize, allocator: config.allocator, hashSeed: config.hashSeed });
  const heap = objects.heap;
  const interp = regionAlloc(heap, INTERP_STATE_SIZE, 64);
  const threads = regionAlloc(heap, maxThreads * THREAD_RECORD_SIZE, 64);
  const mailboxes = regionAlloc(heap, maxWorkers * WORKER_MAILBOX_SIZE, 64);
  if (interp === 0 || threads === 0 || mailboxes === 0) {
    objects.close();
    throw new RangeError('createRuntime: the heap has no room for the interpreter state');
  }
  const u32 = heap.u32;
  // SAFETY: unpublished until the tag; regions come zeroed.
  u32[(interp + IS_VERSION_OFFSET) >>> 2] = INTERP_LAYOUT_VERSION;
  u32[(interp + IS_NEXT_THREAD_ID_OFFSET) >>> 2] = 2; // the main thread is 1
  u32[(interp + IS_THREADS_OFFSET) >>> 2] = threads;
  u32[(interp + IS_MAX_THREADS_OFFSET) >>> 2] = maxThreads;
  u32[(interp + IS_WORKERS_OFFSET) >>> 2] = mailboxes;
  u32[(interp + IS_MAX_WORKERS_OFFSET) >>> 2] = maxWorkers;
  u32[(interp + IS_GIL_OFFSET) >>> 2] = config.gil ? 1 : 0;
  u32[(interp + IS_SEAMS_OFFSET) >>> 2] = options.seams ?? 0;
  Atomics.store(u32, (interp + IS_TAG_OFFSET) >>> 2, INTERP_STATE_TAG);
  const spawn: SpawnWorker = options.spawnWorker ?? ((entry, boot) => new Worker(entry, { workerData: boot }));
  return new Runtime(config, objects, interp, bodies, href, spawn, maxWorkers);
}
