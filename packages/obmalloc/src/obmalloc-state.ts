/**
 * Per-interpreter allocator state (CPython `interp->obmalloc`,
 * `_PyMem_init_obmalloc`, `has_own_state`, `free_obmalloc_arenas`,
 * `_PyInterpreterState_FinalizeAllocatedBlocks`, `_PyRuntime.obmalloc`).
 *
 * Every interpreter has a record in shared memory that says which pymalloc
 * state it allocates from: the main interpreter always owns one; another
 * interpreter owns one too unless it was created with `useMainObmalloc`
 * (`Py_RTFLAGS_USE_MAIN_OBMALLOC`), in which case it points at the main
 * interpreter's. The record also names the interpreter's mimalloc state,
 * which CPython's free-threaded build keeps per interpreter in any case.
 *
 * The runtime keeps a list of the records of living interpreters, guarded by
 * a PyMutex in the runtime record (CPython walks its interpreter list under
 * `HEAD_LOCK`). Three things use it:
 * - the debug hooks: a block that is not in the current interpreter's
 *   pymalloc but lies in another living interpreter's arenas is being freed
 *   by the wrong interpreter, which is a fatal error naming both (CPython
 *   would hand it to the raw allocator and corrupt the heap);
 * - ending an interpreter that owns its state: it leaves the list first, so a
 *   thread scanning the list under the mutex never reads a state that is
 *   being destroyed, then every arena goes back through the arena allocator;
 *   the blocks still allocated are reported and added to the runtime's
 *   `interpreterLeaks`;
 * - block counts over all interpreters.
 *
 * Differences from CPython: an ending interpreter's arenas are released even
 * when blocks are still allocated (CPython keeps them then, in case an
 * extension still uses them); the leak count is reported either way. The
 * main interpreter's state lives as long as the runtime, so ending it is
 * refused, as is attaching to an ended state.
 */

import { describeValue, fatalError, formatAddress, mutexLock, mutexUnlock, regionAlloc, regionFree, type SharedHeap } from '@ft/atomics';
import type { MiThread } from '@ft/mimalloc';
import {
  IS_FLAG_MAIN,
  IS_FLAG_OWNS_STATE,
  IS_FLAGS_OFFSET,
  IS_ID_OFFSET,
  IS_MI_OFFSET,
  IS_NEXT_OFFSET,
  IS_PYMALLOC_OFFSET,
  IS_RUNTIME_OFFSET,
  IS_TAG_OFFSET,
  IS_VERSION_OFFSET,
  OBMALLOC_LAYOUT_VERSION,
  OBMALLOC_MODE_FREE_THREADED,
  OBMALLOC_MODE_GIL,
  OBMALLOC_RUNTIME_SIZE,
  OBMALLOC_RUNTIME_TAG,
  OBMALLOC_STATE_SIZE,
  OBMALLOC_STATE_TAG,
  PM_RAW_ALLOCATED_BLOCKS_OFFSET,
  RT_COUNT_OFFSET,
  RT_HEAD_OFFSET,
  RT_INTERPRETER_LEAKS_OFFSET,
  RT_MAIN_OFFSET,
  RT_MODE_OFFSET,
  RT_MUTEX_OFFSET,
  RT_OWNED_COUNT_OFFSET,
  RT_TAG_OFFSET,
  RT_VERSION_OFFSET,
} from './layout.js';
import { pymallocAttach, pymallocCreate, pymallocDestroy, pymallocStateContains, pymallocStats, type Pymalloc } from './pymalloc.js';

/**
 * Options of {@link obmallocRuntimeCreate}.
 * @public
 */
export interface ObmallocRuntimeOptions {
  /**
   * `free-threaded` (default): mem and object blocks come from mimalloc, and
   * block counts walk the interpreters' mimalloc heaps. `gil`: they come from
   * pymalloc under an interpreter lock, and counts read pymalloc.
   */
  mode?: 'free-threaded' | 'gil';
}

/**
 * Creates the runtime's allocator record (`_PyRuntime.obmalloc` with the list
 * of interpreters' states) and returns its address. Throws when the heap has
 * no room.
 * @example
 * ```ts
 * const runtime = obmallocRuntimeCreate(heap, { mode: 'gil' });
 * const main = obmallocStateCreate(heap, runtime, { id: 0 });
 * // post { heap: heap.handle(), main } to workers; each calls obmallocStateAttach(heap, main)
 * ```
 * @public
 */
export function obmallocRuntimeCreate(heap: SharedHeap, options: ObmallocRuntimeOptions = {}): number {
  const runtime = regionAlloc(heap, OBMALLOC_RUNTIME_SIZE, 64);
  if (runtime === 0) throw new Error('obmallocRuntimeCreate: out of shared memory for the runtime allocator record');
  // SAFETY: not published yet; the region is zeroed (empty list, unlocked mutex).
  const u32 = heap.u32;
  u32[(runtime + RT_VERSION_OFFSET) >>> 2] = OBMALLOC_LAYOUT_VERSION;
  u32[(runtime + RT_MODE_OFFSET) >>> 2] = options.mode === 'gil' ? OBMALLOC_MODE_GIL : OBMALLOC_MODE_FREE_THREADED;
  Atomics.store(u32, (runtime + RT_TAG_OFFSET) >>> 2, OBMALLOC_RUNTIME_TAG);
  return runtime;
}

function checkRuntime(heap: SharedHeap, runtime: number): void {
  const ok =
    typeof runtime === 'number' &&
    Number.isInteger(runtime) &&
    runtime >= heap.regionStart &&
    runtime % 4 === 0 &&
    runtime + OBMALLOC_RUNTIME_SIZE <= heap.size &&
    // CPython: acquire — pairs with the creator's tag store, which publishes the record.
    Atomics.load(heap.u32, (runtime + RT_TAG_OFFSET) >>> 2) === OBMALLOC_RUNTIME_TAG &&
    // SAFETY: written before the tag was published, read-only after.
    heap.u32[(runtime + RT_VERSION_OFFSET) >>> 2] === OBMALLOC_LAYOUT_VERSION;
  if (!ok) fatalError(`${showAddress(runtime)} is not a runtime allocator record of layout version ${OBMALLOC_LAYOUT_VERSION}`);
}

/** An address as fatal messages show it: `0x0001f2a0` for a u32 integer, else the value and its kind. */
function showAddress(p: unknown): string {
  return typeof p === 'number' && p >>> 0 === p ? formatAddress(p) : describeValue(p);
}

/**
 * How an interpreter's allocator state is set up (`_PyInterpreterConfig`).
 * @public
 */
export interface ObmallocStateConfig {
  /** The interpreter id; 0 is the main interpreter, which must be created first. Ids are unique among living interpreters. */
  id: number;
  /**
   * Share the main interpreter's pymalloc state instead of owning one
   * (`use_main_obmalloc`, `Py_RTFLAGS_USE_MAIN_OBMALLOC`). Ignored for the
   * main interpreter, which always owns its state. Default false.
   */
  useMainObmalloc?: boolean;
  /** The interpreter's mimalloc state (`miCreate`), recorded for reference; 0 or absent if none. */
  mi?: number;
}

/**
 * A thread's handle on an interpreter's allocator state (thread-local; the
 * record is in shared memory). Create with {@link obmallocStateAttach}.
 * @public
 */
export class ObmallocState {
  /** The heap views of the thread that uses this handle. */
  readonly heap: SharedHeap;
  /** Address of the interpreter's record. */
  readonly record: number;
  /** Address of the runtime allocator record. */
  readonly runtime: number;
  /** The interpreter id. */
  readonly id: number;
  /** Whether the interpreter owns its pymalloc state (`has_own_state`). */
  readonly ownsState: boolean;
  /** Whether this is the main interpreter. */
  readonly isMain: boolean;
  /** `'gil'` or `'free-threaded'`, from the runtime. */
  readonly mode: 'free-threaded' | 'gil';
  /** This thread's handle on the pymalloc state the interpreter allocates from (its own, or the main interpreter's). */
  readonly pymalloc: Pymalloc;
  /** This thread's mimalloc state in the interpreter, when given to {@link obmallocStateAttach} (free-threaded block counts walk it). */
  readonly mi: MiThread | undefined;

  /** @internal */
  constructor(heap: SharedHeap, record: number, mi: MiThread | undefined) {
    const u32 = heap.u32;
    this.heap = heap;
    this.record = record;
    // SAFETY: these fields are read-only once the record is published.
    this.runtime = u32[(record + IS_RUNTIME_OFFSET) >>> 2];
    this.id = u32[(record + IS_ID_OFFSET) >>> 2];
    const flags = u32[(record + IS_FLAGS_OFFSET) >>> 2];
    this.ownsState = (flags & IS_FLAG_OWNS_STATE) !== 0;
    this.isMain = (flags & IS_FLAG_MAIN) !== 0;
    this.mode = u32[(this.runtime + RT_MODE_OFFSET) >>> 2] === OBMALLOC_MODE_GIL ? 'gil' : 'free-threaded';
    this.pymalloc = pymallocAttach(heap, u32[(record + IS_PYMALLOC_OFFSET) >>> 2]);
    this.mi = mi;
  }
}

/**
 * Creates an interpreter's allocator state (`_PyMem_init_obmalloc`): a new
 * pymalloc state if it owns one (the main interpreter always does), else the
 * main interpreter's; registers it in the runtime's list and returns the
 * record's address. Throws when the main interpreter is missing, when the id
 * is taken, or when the heap has no room.
 * @example
 * ```ts
 * const sub = obmallocStateCreate(heap, runtime, { id: 1 });                          // owns its state
 * const legacy = obmallocStateCreate(heap, runtime, { id: 2, useMainObmalloc: true }); // shares the main one
 * ```
 * @public
 */
export function obmallocStateCreate(heap: SharedHeap, runtime: number, config: ObmallocStateConfig): number {
  checkRuntime(heap, runtime);
  const id = config.id;
  if (!(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffffffff)) {
    throw new RangeError(`obmallocStateCreate: the interpreter id must be an integer from 0 to 2^32 - 1, got ${describeValue(id)}`);
  }
  const mi = config.mi ?? 0;
  if (!(typeof mi === 'number' && mi >>> 0 === mi && (mi === 0 || (mi >= heap.regionStart && mi < heap.size)))) {
    throw new RangeError(`obmallocStateCreate: config.mi must be 0 or the address of a mimalloc state (miCreate), got ${describeValue(mi)}`);
  }
  const isMain = id === 0;
  const owns = isMain || config.useMainObmalloc !== true;
  const record = regionAlloc(heap, OBMALLOC_STATE_SIZE, 64);
  if (record === 0) throw new Error(`obmallocStateCreate: out of shared memory for interpreter ${id}'s allocator state`);
  const own = owns ? tryCreatePymalloc(heap) : null;
  if (owns && own === null) {
    regionFree(heap, record, OBMALLOC_STATE_SIZE);
    throw new Error(`obmallocStateCreate: out of shared memory for interpreter ${id}'s pymalloc state`);
  }
  const u32 = heap.u32;
  const mutex = runtime + RT_MUTEX_OFFSET;
  let problem: string | null = null;
  mutexLock(heap, mutex);
  try {
    // SAFETY: the list, the count, the main record and the leak total are
    // written under the runtime mutex only.
    const main = u32[(runtime + RT_MAIN_OFFSET) >>> 2];
    if (isMain && main !== 0) problem = 'the main interpreter (id 0) already has its allocator state';
    else if (!isMain && main === 0) problem = `interpreter ${id} is created before the main interpreter (id 0)`;
    else if (findRecord(heap, runtime, id) !== 0) problem = `interpreter id ${id} is already in use`;
    else {
      // SAFETY: the record is unpublished until it is linked in below.
      u32[(record + IS_VERSION_OFFSET) >>> 2] = OBMALLOC_LAYOUT_VERSION;
      u32[(record + IS_ID_OFFSET) >>> 2] = id;
      u32[(record + IS_FLAGS_OFFSET) >>> 2] = (owns ? IS_FLAG_OWNS_STATE : 0) | (isMain ? IS_FLAG_MAIN : 0);
      u32[(record + IS_PYMALLOC_OFFSET) >>> 2] = own !== null ? own.state : u32[(main + IS_PYMALLOC_OFFSET) >>> 2];
      u32[(record + IS_MI_OFFSET) >>> 2] = mi;
      u32[(record + IS_RUNTIME_OFFSET) >>> 2] = runtime;
      u32[(record + IS_TAG_OFFSET) >>> 2] = OBMALLOC_STATE_TAG;
      u32[(record + IS_NEXT_OFFSET) >>> 2] = u32[(runtime + RT_HEAD_OFFSET) >>> 2];
      u32[(runtime + RT_HEAD_OFFSET) >>> 2] = record;
      u32[(runtime + RT_COUNT_OFFSET) >>> 2]++;
      if (owns) Atomics.store(u32, (runtime + RT_OWNED_COUNT_OFFSET) >>> 2, u32[(runtime + RT_OWNED_COUNT_OFFSET) >>> 2] + 1);
      if (isMain) u32[(runtime + RT_MAIN_OFFSET) >>> 2] = record;
    }
  } finally {
    mutexUnlock(heap, mutex);
  }
  if (problem !== null) {
    if (own !== null) pymallocDestroy(own);
    regionFree(heap, record, OBMALLOC_STATE_SIZE);
    throw new Error(`obmallocStateCreate: ${problem}`);
  }
  return record;
}

function tryCreatePymalloc(heap: SharedHeap): Pymalloc | null {
  try {
    return pymallocCreate(heap);
  } catch {
    return null;
  }
}

/**
 * The registered record of interpreter `id`, or 0.
 * SAFETY: plain reads of the list — the caller holds the runtime mutex.
 */
function findRecord(heap: SharedHeap, runtime: number, id: number): number {
  const u32 = heap.u32;
  for (let r = u32[(runtime + RT_HEAD_OFFSET) >>> 2]; r !== 0; r = u32[(r + IS_NEXT_OFFSET) >>> 2]) {
    if (u32[(r + IS_ID_OFFSET) >>> 2] === id) return r;
  }
  return 0;
}

/**
 * Attaches the calling thread to an interpreter's allocator state: a handle
 * with this thread's views of its pymalloc state. Give `mi` (this thread's
 * mimalloc state in the interpreter) for free-threaded block counts. Fails
 * fatally when `record` is not a living interpreter's allocator state.
 * @example
 * ```ts
 * // in a worker, with { heap, record } from workerData
 * const state = obmallocStateAttach(heap, record, miThreadInit(heap, mi, qsbrThread));
 * const domains = createAllocatorDomains(heap, 'pymalloc_debug', { mi: state.mi!, mode: 'gil', interpreter: state });
 * ```
 * @public
 */
export function obmallocStateAttach(heap: SharedHeap, record: number, mi?: MiThread): ObmallocState {
  const ok =
    typeof record === 'number' &&
    Number.isInteger(record) &&
    record >= heap.regionStart &&
    record % 4 === 0 &&
    record + OBMALLOC_STATE_SIZE <= heap.size &&
    // SAFETY: plain reads of fields the creator wrote before it published
    // the record (linked it in under the runtime mutex, or posted its
    // address); the tag changes once more, when the interpreter ends, after
    // which attaching is the caller's error either way.
    heap.u32[(record + IS_TAG_OFFSET) >>> 2] === OBMALLOC_STATE_TAG &&
    heap.u32[(record + IS_VERSION_OFFSET) >>> 2] === OBMALLOC_LAYOUT_VERSION;
  if (!ok) fatalError(`${showAddress(record)} is not a living interpreter's allocator state of layout version ${OBMALLOC_LAYOUT_VERSION}`);
  // SAFETY: as the tag above.
  checkRuntime(heap, heap.u32[(record + IS_RUNTIME_OFFSET) >>> 2]);
  return new ObmallocState(heap, record, mi);
}

/**
 * The id of the living interpreter, other than `s`'s, whose own pymalloc
 * arenas contain `address`, or -1 (`address` may be anywhere in a block).
 * Scans the runtime's list under its mutex, so no state it reads can be
 * destroyed meanwhile. Interpreters that share `s`'s pymalloc state do not
 * count: their blocks are `s`'s to free.
 * @public
 */
export function obmallocForeignOwner(s: ObmallocState, address: number): number {
  const heap = s.heap;
  const u32 = heap.u32;
  const mine = s.pymalloc.state;
  // Lock-free hint: with a single owned state (necessarily the one `s` uses)
  // there is nobody else to find. An interpreter registering meanwhile cannot
  // have handed out `address` yet.
  if (Atomics.load(u32, (s.runtime + RT_OWNED_COUNT_OFFSET) >>> 2) <= 1) return -1;
  const mutex = s.runtime + RT_MUTEX_OFFSET;
  mutexLock(heap, mutex);
  try {
    // SAFETY: under the runtime mutex, which every list change and every
    // state's destruction (after it leaves the list) is ordered against. A
    // state's arena map is written by the thread using that state without
    // this lock; a stale entry can only be one the owner cleared before it
    // gave the arena back to the region allocator, whose lock orders that
    // clear before anyone else can hand out memory of the arena.
    for (let r = u32[(s.runtime + RT_HEAD_OFFSET) >>> 2]; r !== 0; r = u32[(r + IS_NEXT_OFFSET) >>> 2]) {
      if ((u32[(r + IS_FLAGS_OFFSET) >>> 2] & IS_FLAG_OWNS_STATE) === 0) continue;
      const state = u32[(r + IS_PYMALLOC_OFFSET) >>> 2];
      if (state !== mine && pymallocStateContains(heap, state, address)) return u32[(r + IS_ID_OFFSET) >>> 2];
    }
    return -1;
  } finally {
    mutexUnlock(heap, mutex);
  }
}

/**
 * The debug check of a free or realloc of `block` by interpreter `s`: a
 * message when the block lies in another interpreter's pymalloc arenas,
 * else undefined. The debug hooks turn the message into a fatal report.
 * @internal
 */
export function foreignBlockMessage(s: ObmallocState, block: number, what: string): string | undefined {
  if (pymallocStateContains(s.heap, s.pymalloc.state, block)) return undefined;
  const owner = obmallocForeignOwner(s, block);
  if (owner < 0) return undefined;
  return (
    `${what}: block ${formatAddress(block)} belongs to the pymalloc state of interpreter ${owner}, ` +
    `but interpreter ${s.id} (the current interpreter${s.ownsState ? '' : ', using the main interpreter\'s state'}) is freeing it: ` +
    `memory must be freed by the interpreter that allocated it`
  );
}

/**
 * What ending an interpreter's allocator state released.
 * @public
 */
export interface ObmallocStateEndReport {
  /** The interpreter id. */
  id: number;
  /** Whether it owned its pymalloc state (else it shared the main one, which was left alone). */
  ownedState: boolean;
  /** pymalloc blocks still allocated, plus blocks it sent to raw and never freed (`_PyInterpreterState_GetAllocatedBlocks`); 0 when it shared the main state. */
  leakedBlocks: number;
  /** Arenas returned through the arena allocator (`free_obmalloc_arenas`). */
  releasedArenas: number;
}

/**
 * Ends an interpreter's allocator state (`_PyInterpreterState_FinalizeAllocatedBlocks`,
 * `free_obmalloc_arenas`): the record leaves the runtime's list; if the
 * interpreter owned its pymalloc state, the blocks still allocated are
 * counted (and added to the runtime's {@link obmallocRuntimeLeaks}), every
 * arena is released through `s`'s arena allocator and the state is freed.
 * An interpreter that shared the main state only leaves the list. Call it
 * once the interpreter's threads are gone; other handles on the state must
 * not be used afterwards. Throws for the main interpreter, whose state lives
 * as long as the runtime.
 * @public
 */
export function obmallocStateEnd(s: ObmallocState): ObmallocStateEndReport {
  const heap = s.heap;
  const u32 = heap.u32;
  if (s.isMain) {
    throw new Error(
      `obmallocStateEnd: interpreter ${s.id} is the main interpreter: its allocator state is shared with every ` +
        `interpreter created with useMainObmalloc and lives as long as the runtime`,
    );
  }
  const mutex = s.runtime + RT_MUTEX_OFFSET;
  let found = false;
  mutexLock(heap, mutex);
  try {
    // SAFETY: list and counts under the runtime mutex.
    let prev = 0;
    for (let r = u32[(s.runtime + RT_HEAD_OFFSET) >>> 2]; r !== 0; prev = r, r = u32[(r + IS_NEXT_OFFSET) >>> 2]) {
      if (r !== s.record) continue;
      const next = u32[(r + IS_NEXT_OFFSET) >>> 2];
      if (prev === 0) u32[(s.runtime + RT_HEAD_OFFSET) >>> 2] = next;
      else u32[(prev + IS_NEXT_OFFSET) >>> 2] = next;
      u32[(s.runtime + RT_COUNT_OFFSET) >>> 2]--;
      if (s.ownsState) Atomics.store(u32, (s.runtime + RT_OWNED_COUNT_OFFSET) >>> 2, u32[(s.runtime + RT_OWNED_COUNT_OFFSET) >>> 2] - 1);
      // Attaching to an ended record fails from here on.
      u32[(r + IS_TAG_OFFSET) >>> 2] = 0;
      found = true;
      break;
    }
  } finally {
    mutexUnlock(heap, mutex);
  }
  if (!found) fatalError(`obmallocStateEnd: interpreter ${s.id}'s allocator state at ${formatAddress(s.record)} was already ended`);
  let leaked = 0;
  let arenas = 0;
  if (s.ownsState) {
    // Off the list: no scanner can be reading the state now.
    const pm = s.pymalloc;
    // SAFETY: the interpreter's threads are gone (the documented precondition): exclusive use.
    const raw = u32[(pm.state + PM_RAW_ALLOCATED_BLOCKS_OFFSET) >>> 2];
    arenas = pymallocStats(pm).arenasAllocated;
    leaked = pymallocDestroy(pm) + raw;
    if (leaked !== 0) {
      mutexLock(heap, mutex);
      try {
        // SAFETY: the leak total is written under the runtime mutex only.
        u32[(s.runtime + RT_INTERPRETER_LEAKS_OFFSET) >>> 2] += leaked;
      } finally {
        mutexUnlock(heap, mutex);
      }
    }
  }
  regionFree(heap, s.record, OBMALLOC_STATE_SIZE);
  return { id: s.id, ownedState: s.ownsState, leakedBlocks: leaked, releasedArenas: arenas };
}

/**
 * Blocks still allocated when interpreters that owned their state ended
 * (CPython's `interpreter_leaks`, part of the global count).
 * @public
 */
export function obmallocRuntimeLeaks(s: ObmallocState): number {
  const mutex = s.runtime + RT_MUTEX_OFFSET;
  mutexLock(s.heap, mutex);
  try {
    // SAFETY: under the runtime mutex, which every write of the total holds.
    return s.heap.u32[(s.runtime + RT_INTERPRETER_LEAKS_OFFSET) >>> 2];
  } finally {
    mutexUnlock(s.heap, mutex);
  }
}

/**
 * One living interpreter, as the runtime's list records it.
 * @public
 */
export interface ObmallocInterpreterInfo {
  /** The interpreter id. */
  id: number;
  /** Address of its record (for {@link obmallocStateAttach}). */
  record: number;
  /** Whether it owns its pymalloc state. */
  ownsState: boolean;
  /** Its pymalloc state (its own or the main interpreter's). */
  pymallocState: number;
  /** Its mimalloc state, 0 if none was given. */
  mi: number;
}

/**
 * The living interpreters of `s`'s runtime, newest first (a snapshot taken
 * under the runtime mutex).
 * @public
 */
export function obmallocInterpreters(s: ObmallocState): ObmallocInterpreterInfo[] {
  const heap = s.heap;
  const u32 = heap.u32;
  const list: ObmallocInterpreterInfo[] = [];
  const mutex = s.runtime + RT_MUTEX_OFFSET;
  mutexLock(heap, mutex);
  try {
    // SAFETY: the list under the runtime mutex; a listed record's other
    // fields are read-only once published.
    for (let r = u32[(s.runtime + RT_HEAD_OFFSET) >>> 2]; r !== 0; r = u32[(r + IS_NEXT_OFFSET) >>> 2]) {
      list.push({
        id: u32[(r + IS_ID_OFFSET) >>> 2],
        record: r,
        ownsState: (u32[(r + IS_FLAGS_OFFSET) >>> 2] & IS_FLAG_OWNS_STATE) !== 0,
        pymallocState: u32[(r + IS_PYMALLOC_OFFSET) >>> 2],
        mi: u32[(r + IS_MI_OFFSET) >>> 2],
      });
    }
  } finally {
    mutexUnlock(heap, mutex);
  }
  return list;
}
