/**
 * Layouts and constants of `@ft/interp`, declared once: the interpreter
 * state every thread of a runtime shares, and one record per Python
 * thread (CPython's `PyThreadState` fields that other threads read: the
 * join event, the daemon flag, the state).
 *
 * @packageDocumentation
 */

/** Layout version of this package's structures. @public */
export const INTERP_LAYOUT_VERSION = 3;
/** Tag of a published interpreter state ("INTP"). @internal */
export const INTERP_STATE_TAG = 0x494e5450;

// ---------------------------------------------------------------------------
// Interpreter state (one per interpreter; regionAlloc, 64-byte aligned).
//
//  off  width  field            writer / reader, order
//  0    u32    tag              creator: INTERP_STATE_TAG, Atomics.store last (publishes)
//  4    u32    version          creator: INTERP_LAYOUT_VERSION
//  8    i32    finalizing       Atomics: 0 running; 1 once finalization started (`_PyInterpreterState_SetFinalizing`):
//                               starting a thread then raises PythonFinalizationError
//  12   u32    nextThreadId     Atomics.add: thread ids (`threads.next_unique_id`; the main thread is 1)
//  16   i32    nonDaemon        Atomics: non-daemon threads started and not finished; `waitForThreads` waits for 0
//  20   i32    nonDaemonFutex   Atomics.notify word bumped when nonDaemon reaches 0
//  24   u32    threads          creator: address of the thread records
//  28   u32    maxThreads       creator: their number
//  32   u32    gil              creator: the GIL's record (gil.ts), made whatever the mode
//  36   u32    records lock     PyMutex byte: allocation of records
//  40   u32    workers          creator: address of the pooled workers' mailboxes
//  44   u32    maxWorkers       creator
//  48   u32    seams            creator: test seams (IS_SEAM_*), 0 in every real run
//  52   u32    gilGates         creator: 1 when every thread state gets the GIL's gate (PYTHON_GIL unset
//                               or 1), 0 when it is off for good (PYTHON_GIL=0: attach costs nothing more)
//  56   u32    sys              the VM (vm/interpreter.ts), before any Python thread starts: `sys`
//  60   u32    builtins         the VM: `builtins`
//  64   u32    modules          the VM: `sys.modules`
//  68   u32    stdout           the VM: the object `sys.stdout` starts as
//  72   u32    stderr           the VM: the object `sys.stderr` starts as
//  76   u32    nextTlbcIndex    Atomics.add: thread-local bytecode indices (the main thread has 0)
//  80   u32    vmFlags          the VM: IS_VM_* bits
//  84        end
// ---------------------------------------------------------------------------

/** @internal */ export const IS_TAG_OFFSET = 0;
/** @internal */ export const IS_VERSION_OFFSET = 4;
/** @internal */ export const IS_FINALIZING_OFFSET = 8;
/** @internal */ export const IS_NEXT_THREAD_ID_OFFSET = 12;
/** @internal */ export const IS_NON_DAEMON_OFFSET = 16;
/** @internal */ export const IS_NON_DAEMON_FUTEX_OFFSET = 20;
/** @internal */ export const IS_THREADS_OFFSET = 24;
/** @internal */ export const IS_MAX_THREADS_OFFSET = 28;
/** @internal */ export const IS_GIL_OFFSET = 32;
/** @internal */ export const IS_RECORDS_LOCK_OFFSET = 36;
/** @internal */ export const IS_WORKERS_OFFSET = 40;
/** @internal */ export const IS_MAX_WORKERS_OFFSET = 44;
/** @internal */ export const IS_SEAMS_OFFSET = 48;
/** @internal */ export const IS_GIL_GATES_OFFSET = 52;
/** The `sys` module (the VM's interpreter, vm/interpreter.ts; 0 until it is made). @internal */ export const IS_SYS_OFFSET = 56;
/** The `builtins` module. @internal */ export const IS_BUILTINS_OFFSET = 60;
/** `sys.modules`. @internal */ export const IS_MODULES_OFFSET = 64;
/** The objects `sys.stdout` and `sys.stderr` start as. @internal */ export const IS_STDOUT_OFFSET = 68;
/** @internal */ export const IS_STDERR_OFFSET = 72;
/** The next thread-local bytecode index (vm/tlbc.ts; the main thread has 0). @internal */ export const IS_NEXT_TLBC_INDEX_OFFSET = 76;
/** VM flags (IS_VM_*). @internal */ export const IS_VM_FLAGS_OFFSET = 80;
/** Bytes of the interpreter state. @internal */ export const INTERP_STATE_SIZE = 84;
/** IS_VM_FLAGS: thread-local bytecode and specialization off (`-X tlbc=0`). @internal */ export const IS_VM_NO_TLBC = 1;
/** Seam for the stress test's control: workers set `done` before the body runs (the join race CPython fixed). @internal */ export const IS_SEAM_DONE_BEFORE_BODY = 1;

// ---------------------------------------------------------------------------
// Thread record (one per Python thread while it runs and until it is
// joined or, for a daemon, finished). 48 bytes.
//
//  off  width  field      writer / reader, order
//  0    u32    id         starter: the thread id (0: the record is free), Atomics
//  4    i32    state      Atomics: THREAD_STARTING → THREAD_RUNNING → THREAD_DONE
//  8    u8     done       PyEvent: set by the worker after the body returned and the thread's
//                         state is cleared (the seed's join-race fix: not before)
//  10   u8     daemon     starter
//  12   u32    body       starter: the body's index in the bodies module
//  16   u32    arg        starter: a borrowed object address (the starter holds it until done) or 0
//  20   i32    status     worker: 0 returned, 1 raised (the error went to the thread's excepthook)
//  24   u32    worker     the mailbox of the pooled worker running it
//  28   u32    joinState  Atomics: the id's low 30 bits << 2 | JOIN_* (not joined, joining, joined):
//                         the first joiner moves it to JOINING with a CAS, waits for `done`,
//                         publishes JOINED (waking the other joiners) and frees the record;
//                         a CAS that fails on another id means the thread was joined and its
//                         record reused: that join returns at once
//  32   u32    participant  worker: the running thread state's participant (0 before and after:
//                         stored before the body runs, cleared before the state is deleted), under
//                         the record's async lock
//  36   u32    asyncExc   the pending async exception (`tstate->async_exc`, a strong reference) or 0,
//                         set by PyThreadState_SetAsyncExc under the async lock, taken by the thread's
//                         handler of eval-breaker bit 3 (Atomics.exchange)
//  40   u32    asyncLock  PyMutex byte: participant and asyncExc's writers
//  44   u32    reserved
// ---------------------------------------------------------------------------

/** @internal */ export const TR_ID_OFFSET = 0;
/** @internal */ export const TR_STATE_OFFSET = 4;
/** @internal */ export const TR_DONE_OFFSET = 8;
/** @internal */ export const TR_DAEMON_OFFSET = 10;
/** @internal */ export const TR_BODY_OFFSET = 12;
/** @internal */ export const TR_ARG_OFFSET = 16;
/** @internal */ export const TR_STATUS_OFFSET = 20;
/** @internal */ export const TR_WORKER_OFFSET = 24;
/** @internal */ export const TR_JOIN_STATE_OFFSET = 28;
/** @internal */ export const TR_PARTICIPANT_OFFSET = 32;
/** @internal */ export const TR_ASYNC_EXC_OFFSET = 36;
/** @internal */ export const TR_ASYNC_LOCK_OFFSET = 40;
/** Not joined yet. @internal */ export const JOIN_NONE = 0;
/** A joiner waits for the thread. @internal */ export const JOIN_JOINING = 1;
/** Joined: the record is freed (or about to be). @internal */ export const JOIN_DONE = 2;
/** Bytes of a thread record. @internal */ export const THREAD_RECORD_SIZE = 48;

/** A record waiting for its worker. @internal */ export const THREAD_STARTING = 1;
/** A record whose body runs. @internal */ export const THREAD_RUNNING = 2;
/** A record whose body returned. @internal */ export const THREAD_DONE = 3;

// ---------------------------------------------------------------------------
// Worker mailbox (one per pooled worker). 16 bytes.
//
//  0    i32    task     Atomics: 0 idle; a record address to run; -1 exit. The starter stores it
//                       and notifies; the worker waits on it and stores 0 when the body is done.
//  4    i32    busy     Atomics: 1 from hand-out until the worker is idle again (starters claim an
//                       idle worker with a CAS 0 → 1)
//  8    i32    spawned  Atomics: 0 no worker yet; 1 once a thread claimed the slot (CAS 0 → 1) to
//                       start its worker — that thread (main or a worker) is the worker's parent,
//                       which asks it to exit (or stops it) when the parent itself ends
//  12   u32    reserved
// ---------------------------------------------------------------------------

/** @internal */ export const WM_TASK_OFFSET = 0;
/** @internal */ export const WM_BUSY_OFFSET = 4;
/** @internal */ export const WM_SPAWNED_OFFSET = 8;
/** Bytes of a worker mailbox. @internal */ export const WORKER_MAILBOX_SIZE = 16;
/** The task word's value that asks a worker to exit. @internal */ export const WM_EXIT = -1;

/** Default number of thread records (threads alive at once). @public */ export const DEFAULT_MAX_THREADS = 256;
/** Default number of pooled workers. @public */ export const DEFAULT_MAX_WORKERS = 64;
