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

import { regionAlloc, shutDownOthers, startTheWorld, stopTheWorld } from '@ft/atomics';
import { gcCollect } from '@ft/gc';
import { createObjectsRuntime, type ObjectsRuntime, type ObThread, type SlotRegistry } from '@ft/objects';
import {
  DEFAULT_MAX_THREADS,
  DEFAULT_MAX_WORKERS,
  INTERP_LAYOUT_VERSION,
  INTERP_STATE_SIZE,
  INTERP_STATE_TAG,
  IS_FINALIZING_OFFSET,
  IS_GIL_GATES_OFFSET,
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
  THREAD_RECORD_SIZE,
  WORKER_MAILBOX_SIZE,
} from '../layout.js';
import { setAsyncExc } from './async-exc.js';
import { gilCreate, gilEnabled, gilGetSwitchInterval, gilInstall, gilSetSwitchInterval } from './gil.js';
import { readConfig, type RuntimeConfig, type RuntimeConfigInput } from './options.js';
import { loadRegisterSlots } from './slots-module.js';
import { loadThreadBodies, type ThreadBodies } from './thread-bodies.js';
import type { StartThreadOptions, ThreadHandle } from './thread-handle.js';
import { threadStart } from './thread-start.js';
import { WorkerPool, type WorkerLaunch } from './worker-pool.js';

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
  /**
   * A module exporting `registerSlots(slots)`, as a URL: every thread (this
   * one and each pooled worker) registers the layers above's behaviours
   * with it, in the same order (the VM's modules).
   */
  readonly slotsModule?: URL | string;
  /** The same registration as a function, for this thread only (no pooled worker will register: threads then cannot start). */
  readonly registerSlots?: (slots: SlotRegistry) => void;
  /**
   * A module run as each pooled worker's entry, which imports the worker
   * module (see {@link WorkerLaunch.loader}); tests that run from
   * TypeScript sources pass one that installs a loader. Default: none.
   */
  readonly workerLoader?: URL | string;
  /** `execArgv` of the pooled workers (default: inherited). */
  readonly workerExecArgv?: readonly string[];
  /**
   * CPython 3.13's measure: objects with deferred reference counting
   * (functions, code, classes, modules) are made immortal when the first
   * thread other than the main one starts. Default false: 3.14's behaviour.
   */
  readonly immortalizeDeferredOnThreadStart?: boolean;
  /** Test seams (IS_SEAM_* bits; the stress test's control). @internal */
  readonly seams?: number;
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
  private readonly exitCallbacks: (() => void)[] = [];
  /** Test seam: runs in close() after the final collection, before the heap is freed. @internal */
  onFinalized: (() => void) | null = null;
  private readonly pool: { claim(): number; shutdown(): Promise<void> }; // a WorkerPool
  private closed = false;

  /** @internal */
  constructor(config: RuntimeConfig, objects: ObjectsRuntime, interp: number, bodies: ThreadBodies, pool: { claim(): number; shutdown(): Promise<void> }) {
    this.config = config;
    this.objects = objects;
    this.interp = interp;
    this.bodies = bodies;
    this.pool = pool;
  }

  /** This thread's context for the object functions. */
  get t(): ObThread {
    return this.objects.t;
  }

  /** Whether the GIL is on (`sys._is_gil_enabled()`): with `PYTHON_GIL=1` / `-X gil=1`. */
  get gilEnabled(): boolean {
    return gilEnabled(this.objects.heap, this.gilRecord);
  }

  /**
   * The GIL's switch interval in seconds (`sys.getswitchinterval()` /
   * `sys.setswitchinterval()`): how long a thread waiting for the GIL lets
   * the holder run before it asks it to drop the GIL.
   * @throws RangeError "switch interval must be strictly positive" (CPython's ValueError).
   */
  get switchInterval(): number {
    return gilGetSwitchInterval(this.objects.heap, this.gilRecord);
  }

  set switchInterval(seconds: number) {
    gilSetSwitchInterval(this.objects.heap, this.gilRecord, seconds);
  }

  /** The GIL's record (made whatever the mode; the creator wrote it before publishing the state). */
  private get gilRecord(): number {
    return this.objects.heap.u32[(this.interp + IS_GIL_OFFSET) >>> 2]!;
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
    return threadStart(this.objects.t, this.interp, this.pool, this.bodies, body, arg, options);
  }

  /**
   * `PyThreadState_SetAsyncExc`: thread `ident` raises the exception class
   * `exc` at its next safe point (0 clears a pending one). Returns 1, or 0
   * when no running thread has that id.
   */
  setAsyncExc(ident: number, exc: number): number {
    return setAsyncExc(this.objects.t, this.interp, ident, exc);
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
   * Registers `callback` to run at {@link Runtime.close} (`atexit.register`,
   * `_Py_AtExit`): after the non-daemon threads are done and before
   * finalization starts, the last registered first. One that throws is
   * reported on stderr ("Exception ignored in atexit callback") and the
   * others still run.
   */
  atexit(callback: () => void): void {
    if (typeof callback !== 'function') throw new TypeError(`atexit: the callback must be a function, not ${typeof callback}`);
    if (this.closed) throw new RangeError('atexit: the runtime is finalized');
    this.exitCallbacks.push(callback);
  }

  /**
   * `Py_FinalizeEx`, in its order: waits for the non-daemon threads
   * (`threading._shutdown`), runs the atexit callbacks, sets the finalizing
   * flag (starting a thread raises PythonFinalizationError from then on),
   * stops the world and marks every other thread state — the daemon
   * threads' — SHUTTING_DOWN, so that they never run again (3.14), runs the
   * final collection, asks every idle worker to exit and stops the ones
   * still running a daemon thread, then frees the heap. Resolves when the
   * workers are gone.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.waitForThreads();
    const heap = this.objects.heap;
    while (this.exitCallbacks.length > 0) {
      const callback = this.exitCallbacks.pop()!;
      try {
        callback();
      } catch (error) {
        process.stderr.write(`Exception ignored in atexit callback ${callback.name || '<anonymous>'}:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
    }
    Atomics.store(heap.i32, (this.interp + IS_FINALIZING_OFFSET) >>> 2, 1);
    this.closed = true;
    const group = this.objects.handle.group;
    stopTheWorld(heap, group);
    shutDownOthers(heap, group);
    startTheWorld(heap, group);
    gcCollect(this.objects.gt, 2);
    this.onFinalized?.();
    this.objects.detach();
    await this.pool.shutdown();
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
  const maxThreads = options.maxThreads ?? DEFAULT_MAX_THREADS;
  const maxWorkers = options.maxWorkers ?? DEFAULT_MAX_WORKERS;
  if (!Number.isInteger(maxThreads) || maxThreads < 1 || maxThreads > 65536) throw new RangeError(`createRuntime: maxThreads must be an integer in [1, 65536], not ${String(maxThreads)}`);
  if (!Number.isInteger(maxWorkers) || maxWorkers < 1 || maxWorkers > 1024) throw new RangeError(`createRuntime: maxWorkers must be an integer in [1, 1024], not ${String(maxWorkers)}`);
  const href = options.threadBodies === undefined ? null : String(options.threadBodies);
  const bodies = await loadThreadBodies(href);
  const slotsHref = options.slotsModule === undefined ? null : String(options.slotsModule);
  const registerSlots = (await loadRegisterSlots(slotsHref)) ?? options.registerSlots;
  const objects = createObjectsRuntime({ heapSize: options.heapSize, allocator: config.allocator, hashSeed: config.hashSeed, immortalizeDeferredOnThreadStart: options.immortalizeDeferredOnThreadStart, registerSlots });
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
  let gil: number;
  try {
    gil = gilCreate(heap, { mode: config.gilMode });
  } catch (error) {
    objects.close();
    throw error;
  }
  const gates = config.gilMode !== 'disable';
  u32[(interp + IS_GIL_OFFSET) >>> 2] = gil;
  u32[(interp + IS_GIL_GATES_OFFSET) >>> 2] = gates ? 1 : 0;
  u32[(interp + IS_SEAMS_OFFSET) >>> 2] = options.seams ?? 0;
  Atomics.store(u32, (interp + IS_TAG_OFFSET) >>> 2, INTERP_STATE_TAG);
  if (gates) {
    // The main thread's state takes the GIL's gate like every other (installed while detached).
    objects.detach();
    gilInstall(objects.participant, gil);
    objects.attach();
  }
  const launch: WorkerLaunch = { loader: options.workerLoader === undefined ? null : String(options.workerLoader), execArgv: options.workerExecArgv === undefined ? null : [...options.workerExecArgv] };
  const pool = new WorkerPool(heap, interp, { handle: objects.handle, interp, bodies: href, slots: slotsHref, launch });
  return new Runtime(config, objects, interp, bodies, pool);
}
