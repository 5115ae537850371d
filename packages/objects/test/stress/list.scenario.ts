/**
 * `list` with real workers: CPython's free-threaded contract for lists
 * (`reference/threadsafety-contract.md`, issue 18 "Tests") on one list that
 * every worker uses at once. list.worker.ts runs the roles; this file
 * prepares each run on the main thread and checks it afterwards.
 *
 * Setup (main thread): `makeRuntime` (test/runtime.ts) with the
 * `mimalloc_debug` allocator — freed memory is filled with 0xDD, guards are
 * 0xFD, and a block freed twice is a fatal error — and a heap of 256 MiB;
 * the list (and, for `sort`, its ints) is made here, so the main thread owns
 * it and every worker reads it as a non-owner: its first read locks once and
 * marks it SHARED, and every array a worker replaces goes through QSBR. The
 * main thread then leaves the world and goes QSBR-offline (it blocks neither a
 * stop-the-world nor a grace period) until the checks, which it runs attached
 * after the join. All values are ints of at least 1000 (heap ints with
 * reference counts, never the immortal small ints).
 *
 * Scenarios:
 * - `objects/list-readers-writer` — the port of CPython's
 *   `test_free_threading/test_list.py` (`test_racing_iter_append`,
 *   `test_racing_iter_extend`): worker 0 appends the ints BASE+0 … BASE+N-1
 *   in order, with `listAppend` and with `listExtend` of a short exact list
 *   or tuple; the other workers (readers) iterate the list with
 *   `listIter`/`listIterNext` and read it by index with `listGetItemRef`
 *   until they have made one full pass after the writer finished. Each
 *   reader checks every item it gets: an address inside the heap, an exact
 *   int by its type word (a freed int has 0xDD there), compact, and the
 *   value BASE+i at index i — so a pass is a prefix BASE+0 … BASE+k-1 with
 *   nothing missing or duplicated; a pass never ends before the size read at
 *   its start and an index below that size never fails (the list only
 *   grows); the last pass sees exactly the N items. Readers report a
 *   quiescent state between passes and process their delayed frees now and
 *   then. Coverage by handshake, not timing: at K resizes the writer asks
 *   every reader to pause mid-pass (iterator held, between two items), makes
 *   the resizing append while they wait, checks that QSBR still holds the
 *   replaced array (`pendingDelayed` > 0: the paused readers have not passed
 *   a quiescent state), lets them go on with the same iterator, and waits
 *   until the array is freed; each paused pass must then end consistent.
 *   And scripted read windows B (below) pause a reader inside a read. At
 *   the end the writer waits until every array it replaced was freed
 *   through QSBR (`pendingDelayed` 0, and the QSBR queued count grew by
 *   exactly the replaced arrays). Automatic collection is off here, so that
 *   only QSBR frees the arrays.
 * - `objects/list-refill` — the same with the writer clearing the list
 *   every 48 items and filling it again: thousands of resizes that grow and
 *   shrink the array (and QSBR frees) per second, and items freed by the
 *   clears; a pass or an index read may then end early, but only when a
 *   clear came in between (the writer's round counter is odd during a clear
 *   and moves with each). Scripted read windows A, B and C, three of each.
 * - `objects/list-mutators` — mutators (workers 0 … M-1) run `listAppend`,
 *   `listInsert(0, x)` and at a random index, `listSetItem`, `listPop()` and
 *   `listPop(i)`, `listClear` and `listSort` on one list while a reader (and
 *   the mutators) read it; each mutator creates its own ints (value range
 *   BASE + w·RANGE …, address published in a shared table) and keeps a
 *   reference to each until the end. Every item read or popped must be the
 *   very object created for its value (identity through the table); a value
 *   popped twice, an exception other than IndexError from pop on an empty
 *   list (or a stale index) or ValueError "list modified during sort" from a
 *   sort is a violation. After the join the main thread does exact
 *   accounting: each int is in the final list at most once, never both
 *   popped and still there, never popped or present if it was never added,
 *   and its reference count is exactly 1 (its creator's) + its occurrences
 *   in the list — a reference lost or released twice by a racing clear, pop,
 *   setitem or sort shows here. Then it releases everything, and no int may
 *   be left alive (a second free would have been fatal).
 * - `objects/list-sort-empty` — a sorter shuffles a list of L ints with
 *   `listSetItem` and sorts it (ascending or `reverse`) over and over, with
 *   a sequence counter around each operation (odd while one runs), and
 *   after each waits until every reader has checked a whole pass of the
 *   list at rest (all L ints once, in sorted order after a sort); readers
 *   also check all the time that `listSize` is 0 (a sort is running) or L,
 *   that every item they get is one of the L ints (identity), that a read
 *   between two equal even counter values after a sort is exactly the
 *   sorted item, and that an atomic snapshot (`listAsTuple`) always has the
 *   L ints (it cannot overlap a sort, which holds the list's lock).
 *
 * Scripted read windows (WINDOW_*): the interleavings that matter happen
 * between two loads inside `list_get_item_ref`, a few nanoseconds apart; a
 * reader reads `lst[i]` with an index object whose `valueOf` pauses it
 * there (handshake with the writer through the control block; no seam in
 * src), so that the writer changes the list at exactly that point.
 *
 * Controls (`control`, on list-refill; the seams of `listSeams` are per
 * isolate, so each worker sets them in its own; the writer keeps its ints
 * alive, `keepInts`, so that only the seam can make a read go wrong):
 * - 'no-capacity-check' — the readers skip `list_get_item_ref`'s re-check
 *   of the index against the capacity of the array they loaded: in window
 *   A the read of index 4 reads past the end of the new 4-slot array (the
 *   0xFD guard bytes; Atomics throws on the address), and the window A
 *   check fails.
 * - 'no-qsbr-free' — the writer frees every replaced array at once even
 *   though the list is SHARED: in window B the read finds the 0xDD fill of
 *   the freed array, and the window B check fails.
 * A reader stops at its first garbage item (not an int of the heap: its
 * "reference count" must not be written back) and raises the run's abort
 * word; everyone stops. A live int with a wrong value is counted and the
 * run goes on.
 */

import { attach, detach } from '@ft/atomics';
import type { StressCheck, StressMetric, StressScenario } from '@ft/harness';
import { DEAD_BYTE, FORBIDDEN_BYTE } from '@ft/obmalloc';
import { decref, getRefcount, OB_TYPE_OFFSET } from '@ft/refcount';
import { gcDisable } from '@ft/gc';
import { errFetch, intCheckExact, intCompactValue, intFromNumber, listFromArray, listGetItemRef, listNew, listSize, StaticType, type ObThread } from '../../src/index.js';
import { intClearFreeList } from '../../src/int.js';
import { makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

export type ListStressKind = 'readers-writer' | 'mutators' | 'sort';
export type ListControl = 'none' | 'no-capacity-check' | 'no-qsbr-free';

/** The value of index 0 in readers-writer and of the first int in the other runs: a heap int. */
export const LIST_BASE = 1000;
/** The 0xDD fill of a freed word. */
export const DEAD_WORD = (DEAD_BYTE * 0x01010101) >>> 0;
/** A word of the debug hooks' 0xFD guard bytes. */
export const FORBIDDEN_WORD = (FORBIDDEN_BYTE * 0x01010101) >>> 0;

// Words of the run's control block (an Int32Array over a SharedArrayBuffer of its own).
/** readers-writer: the round counter; the writer bumps it before each clear (odd while it clears) and after. */
export const W_ROUND = 0;
/** readers-writer: the writer has finished, its delayed frees drained (1). */
export const W_DONE = 1;
/** readers-writer: items in the list when the writer finished. */
export const W_FINAL_COUNT = 2;
/** Every run: a worker found a violation (or threw): everyone stops. */
export const C_ABORT = 3;
/** readers-writer: the handshake the writer asks readers to pause for (1, 2, …). */
export const W_PAUSE_REQ = 4;
/** readers-writer: pauses so far (every reader adds 1 per handshake). */
export const W_PAUSED = 5;
/** readers-writer: the last handshake the writer let go. */
export const W_RESUME = 6;
/** mutators: mutators that have finished. sort: the sorter has finished (1). */
export const C_DONE = 7;
/** sort: the operation counter, odd while the sorter shuffles or sorts. */
export const S_GEN = 8;
/** sort: what the last finished operation left: 1 ascending, 2 descending, 3 shuffled. */
export const S_KIND = 9;
/** Never written: what detached sleeps wait on. */
export const C_IDLE = 10;
/** readers-writer: the scripted read window the writer asks for (1, 2, …). */
export const W_WIN_REQ = 11;
/** readers-writer: its kind (WINDOW_*), the reader (0-based among the readers) and the index it reads. */
export const W_WIN_KIND = 12;
export const W_WIN_READER = 13;
export const W_WIN_INDEX = 14;
/** readers-writer: 0 asked, 1 the reader is paused inside the read, 2 the writer has changed the list (go on), 3 the read is over. */
export const W_WIN_STATE = 15;
/** readers-writer: a read of lst[0] the writer asks another reader for (window C), and the last one done. */
export const W_TOUCH_REQ = 16;
export const W_TOUCH_READER = 17;
export const W_TOUCH_DONE = 18;
/** readers-writer: reader r's pass number while it is mid-pass, 0 between passes (r < 32). */
export const W_READER_STATE = 32;
/** sort: the last even counter value at which reader r checked a whole pass (r < 32). */
export const S_ACK = 64;
export const C_WORDS = 96;

/**
 * Scripted read windows (readers-writer). A reader reads `lst[i]` with an
 * index object whose `valueOf` the read calls at known points: the first
 * time right after `list_get_item_ref` loaded the size (the bounds test),
 * the fourth right after it loaded the array and its capacity (computing
 * the slot's address). There the reader pauses — detached, QSBR still
 * online, no lock held — while the writer changes the list; then the read
 * goes on. This scripts, without a seam, the interleavings that otherwise
 * need a reader preempted between two loads a few nanoseconds apart.
 */
/** Window A: paused after the size; the writer clears and refills 2 items (a 4-slot array); the read of index 4 must fail (IndexError), not read past the new array. */
export const WINDOW_CAPACITY = 1;
/** Window B: paused after the array; the writer resizes it; the read must return the item from the old array, which QSBR keeps. */
export const WINDOW_QSBR = 2;
/**
 * Window C: paused after the array at index 1; the writer clears (freeing
 * the item), allocates until an int lands on the freed item's address, puts
 * it at index 0 and has another reader read it (so lock-free try-increfs of
 * it succeed); the read must not return that int.
 */
export const WINDOW_REUSE = 3;

export const KIND_ASCENDING = 1;
export const KIND_DESCENDING = 2;
export const KIND_SHUFFLED = 3;

export interface ListStressParams {
  kind: ListStressKind;
  handle: RuntimeHandle;
  list: number;
  ctrl: Int32Array;
  control: ListControl;
  /** Longest wait at a handshake or barrier before a worker gives up. */
  deadlineMs: number;
  // readers-writer
  /** Items per round: the writer clears and refills after this many (Infinity: never). */
  roundLength: number;
  /**
   * The writer keeps a reference to every int it made until it finishes, so
   * that no item is freed (and its memory reused) during the run: the
   * controls' garbage then comes from their seam alone.
   */
  keepInts: boolean;
  /** Percent of the writer's steps that extend by a chunk of 1–8 ints (an exact list or tuple) instead of appending one. */
  extendPercent: number;
  /** Handshakes (readers paused mid-pass across a resize) the writer makes; at resizes from `handshakeMinSize` items on. */
  handshakes: number;
  handshakeMinSize: number;
  /** Random index reads a reader makes after each pass. */
  indexReadsPerPass: number;
  /** The kinds of scripted read windows (WINDOW_*), taken in turn, and how many in all. */
  windowKinds: number[];
  windows: number;
  // mutators
  mutators: number;
  /** Ints per mutator (its value range). */
  range: number;
  /** Address of each mutator's ints by global index (w·range + k), written by the creator. */
  addrs: Uint32Array;
  /** Times each int was popped (Atomics.add by the popper). */
  popped: Uint8Array;
  /** 1 once its creator added it to the list (append, insert, a setitem that succeeded). */
  added: Uint8Array;
  // sort
  /** Items of the sorted list. */
  length: number;
}

/** What every role reports. */
export interface ListWorkerResult {
  role: string;
  tid: number;
  /** Bad items, wrong values, unexpected exceptions, JavaScript throws. */
  violations: number;
  /** Of them, JavaScript exceptions thrown from inside a list function (a garbage item address, say). */
  threw: number;
  problems: string[];
}

export interface RwWriterResult extends ListWorkerResult {
  role: 'writer';
  items: number;
  appends: number;
  extendsList: number;
  extendsTuple: number;
  resizes: number;
  /** Sum over resizes of the readers mid-pass at that moment (free-running, not a handshake). */
  resizesMidPass: number;
  clears: number;
  rounds: number;
  finalCount: number;
  /** Arrays replaced while the list was SHARED (resizes and clears of a non-empty array): each must go through QSBR. */
  replacedArrays: number;
  queuedDelta: number;
  freedDelta: number;
  /** Of freedDelta, before the writer's final drain. */
  freedBeforeDrain: number;
  pendingAtEnd: number;
  handshakes: number;
  /** Handshakes where QSBR still held the replaced array while the readers were paused mid-pass. */
  heldWhilePaused: number;
  /** Handshakes whose replaced array QSBR freed once the readers went on. */
  freedAfterResume: number;
  handshakeTimeouts: number;
  /**
   * Scripted read windows made, attempted and planned, by kind (index
   * WINDOW_*); window B: QSBR held the old array while the reader was
   * paused; window C: attempts where no int landed on the freed item's
   * address (they prove nothing and are made again later).
   */
  windowsMade: number[];
  windowsAttempted: number[];
  windowsPlanned: number[];
  windowHeld: number;
  windowReuseMissed: number;
}

export interface RwReaderResult extends ListWorkerResult {
  role: 'reader';
  passes: number;
  itemsRead: number;
  indexReads: number;
  /** Index reads below the size read just before that failed because a clear came in between (list-refill). */
  indexMissesAfterClear: number;
  /** Passes that ended before the size read at their start because a clear came in between. */
  passesCutByClear: number;
  /** Pauses at a handshake inside passes that then ended consistent (one pass can straddle several). */
  straddled: number;
  finalPassItems: number;
  finalPassOk: boolean;
  /** Scripted reads of each window kind (index WINDOW_*) that ended as they must, and that did not. */
  windowsOk: number[];
  windowsBad: number[];
  /** Reads of lst[0] done for another reader's window C. */
  touches: number;
}

export interface MutatorResult extends ListWorkerResult {
  role: 'mutator';
  created: number;
  appends: number;
  inserts: number;
  setItems: number;
  setItemMisses: number;
  pops: number;
  popsEmpty: number;
  popIndexMisses: number;
  clears: number;
  sortsOk: number;
  sortsModified: number;
  reads: number;
  readMisses: number;
  passes: number;
}

export interface MutReaderResult extends ListWorkerResult {
  role: 'reader';
  reads: number;
  readMisses: number;
  passes: number;
  itemsRead: number;
}

export interface SorterResult extends ListWorkerResult {
  role: 'sorter';
  sorts: number;
  shuffles: number;
  finalKind: number;
}

export interface SortReaderResult extends ListWorkerResult {
  role: 'reader';
  sizeReads: number;
  sizeEmpty: number;
  reads: number;
  /** Reads that found the list empty (a sort was running). */
  readsEmpty: number;
  /** Reads between two equal even counter values after a sort, checked against the sorted position. */
  readsStableChecked: number;
  passes: number;
  fullPassesChecked: number;
  snapshots: number;
}

interface State {
  r: Runtime;
  /** Set while the main thread is detached (the workers run). */
  detached: boolean;
  /** The ints made on the main thread (sort), by value - LIST_BASE. */
  ints: number[];
}

function sum<R>(results: readonly R[], f: (r: R) => number): number {
  return results.reduce((a, r) => a + f(r), 0);
}

function problemsOf(results: readonly ListWorkerResult[]): string {
  const all = results.flatMap((r) => r.problems.map((p) => `${r.role} tid ${r.tid}: ${p}`));
  return all.length === 0 ? '' : `; first problems: ${all.slice(0, 6).join(' | ')}`;
}

function makeCtrl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * C_WORDS));
}

function emptyTable(): { addrs: Uint32Array; popped: Uint8Array; added: Uint8Array } {
  return { addrs: new Uint32Array(new SharedArrayBuffer(4)), popped: new Uint8Array(new SharedArrayBuffer(1)), added: new Uint8Array(new SharedArrayBuffer(1)) };
}

/** The main thread steps out of the world and QSBR while the workers run. */
function leave(state: State): void {
  detach(state.r.participant);
  state.detached = true;
}

/** Back in after the join, for the checks. */
function rejoin(state: State): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

/** The items of `lst`, read by index (the list is quiescent: the workers have joined). Null items end the read. */
function itemsOf(t: ObThread, lst: number): number[] {
  const out: number[] = [];
  const n = listSize(t, lst);
  for (let i = 0; i < n; i++) {
    const item = listGetItemRef(t, lst, i);
    if (item === 0) {
      errFetch(t);
      break;
    }
    out.push(item);
    decref(t.rc, item);
  }
  return out;
}

function typeWord(t: ObThread, op: number): number {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2]!; // SAFETY: the workers have joined; only the main thread runs
}

/**
 * Releases `lst` (and the main thread's `extra` references) and counts the
 * ints of `watch` still alive: whose type word is still the int type. A
 * freed int's type word is overwritten — by the debug hooks' 0xDD fill, or
 * by the words mimalloc keeps in a block freed from another thread (a
 * batched remote free) — and nothing is allocated here afterwards. The
 * ints the thread's free list kept are freed first.
 */
function releaseAndCountSurvivors(state: State, lst: number, watch: readonly number[], extra: readonly number[] = []): number {
  const t = state.r.t;
  for (const op of extra) decref(t.rc, op);
  decref(t.rc, lst);
  // The thread's free lists keep some freed ints' blocks for reuse: free them, so that every freed int shows it.
  intClearFreeList(t);
  const intType = t.types[StaticType.Int]!;
  let survivors = 0;
  for (const op of watch) if (typeWord(t, op) === intType) survivors++;
  return survivors;
}

function baseParams(kind: ListStressKind, r: Runtime, list: number): ListStressParams {
  return {
    kind,
    handle: r.handle,
    list,
    ctrl: makeCtrl(),
    control: 'none',
    deadlineMs: 20_000,
    roundLength: Infinity,
    keepInts: false,
    extendPercent: 25,
    handshakes: 0,
    handshakeMinSize: 64,
    indexReadsPerPass: 64,
    windowKinds: [],
    windows: 0,
    mutators: 0,
    range: 0,
    ...emptyTable(),
    length: 0,
  };
}

function teardown(state: State): void {
  // After a hang the workers were terminated wherever they were: only the heap is closed then.
  if (state.detached) {
    state.r.heap.close();
    return;
  }
  state.r.close();
}

// --- readers-writer ------------------------------------------------------------------------------

const rwWriter = (results: readonly unknown[]): RwWriterResult => (results as ListWorkerResult[]).find((x): x is RwWriterResult => x?.role === 'writer')!;
const rwReaders = (results: readonly unknown[]): RwReaderResult[] => (results as ListWorkerResult[]).filter((x): x is RwReaderResult => x?.role === 'reader');

/** The checks of the scripted windows: the controls must fail the first two. */
export const CHECK_WINDOW_CAPACITY =
  'window A — a clear and refill between the read loading the size and loading the array: every scripted read of index 4 failed with IndexError (the capacity re-check), none read past the new 4-slot array';
export const CHECK_WINDOW_QSBR =
  'window B — a resize between the read loading the array and reading the slot: QSBR held the old array while the reader was paused, and the read returned the right item from it';
export const CHECK_WINDOW_REUSE =
  "window C — between the read loading the array and reading slot 1, a clear freed that item and an int that other readers use landed on its address: the read returned lst[1] or IndexError, never that int (PEP 703's re-check that the item is still in the list)";
/** The check of every read. */
export const CHECK_NO_GARBAGE = 'readers never saw garbage: every item an exact int of the heap with the value of its index (BASE+i), passes prefixes with nothing missing or duplicated, no read failed below the size it saw';

export const listReadersWriterScenario: StressScenario<ListStressParams, State> = {
  name: 'objects/list-readers-writer',
  description:
    'readers iterate (listIter) and index (listGetItemRef) one shared list while a writer appends and extends ints in order (CPython test_free_threading/test_list.py): values in order, none lost or duplicated, never a freed item; handshakes pause every reader mid-pass across resizes, replaced arrays freed through QSBR only after the readers moved on',
  worker: new URL('./list.worker.ts', import.meta.url),
  defaultWorkers: 4,
  opsPerWorker: 40_000,
  roles: (workers) => Array.from({ length: workers }, (_, w) => (w === 0 ? 'writer' : 'reader')),
  setup({ workers }) {
    if (workers < 2) throw new RangeError(`list readers-writer: a writer and at least one reader, got ${workers} workers`);
    const r = makeRuntime({ heapSize: 256 << 20, allocator: 'mimalloc_debug' });
    // Only QSBR may free the replaced arrays: a collection would free every pending one (processAllDelayedStopped).
    gcDisable(r.gt);
    const list = listNew(r.t, 0);
    if (list === 0) throw new Error('list readers-writer: listNew failed');
    const params: ListStressParams = { ...baseParams('readers-writer', r, list), handshakes: 8, roundLength: Infinity, windowKinds: [WINDOW_QSBR], windows: 4 };
    const state: State = { r, detached: false, ints: [] };
    leave(state);
    return { params, state };
  },
  check({ results, state, params, opsPerWorker }) {
    rejoin(state);
    const t = state.r.t;
    const w = rwWriter(results);
    const readers = rwReaders(results);
    const all = [w, ...readers];
    const finalItems = itemsOf(t, params.list);
    let wrong = 0;
    finalItems.forEach((op, i) => {
      if (!intCheckExact(t, op) || intCompactValue(t, op) !== LIST_BASE + i) wrong++;
    });
    const survivors = releaseAndCountSurvivors(state, params.list, finalItems);
    const bounded = Number.isFinite(opsPerWorker);
    const oneRound = !Number.isFinite(params.roundLength);
    const expectHandshakes = bounded ? params.handshakes : 0;
    const problems = problemsOf(all);
    const checks: StressCheck[] = [
      {
        name: CHECK_NO_GARBAGE,
        ok: sum(readers, (x) => x.violations) === 0,
        detail: `${sum(readers, (x) => x.violations)} violations (${sum(readers, (x) => x.threw)} reads threw: an item address outside the heap) in ${sum(readers, (x) => x.itemsRead)} items of ${sum(readers, (x) => x.passes)} passes and ${sum(readers, (x) => x.indexReads)} index reads${problems}`,
      },
      {
        name: 'the writer: no failure, no unexpected exception',
        ok: w.violations === 0,
        detail: `${w.violations} violations${problems}`,
      },
      {
        name: `every reader's last pass, after the writer finished, saw exactly the ${bounded && oneRound ? opsPerWorker : 'final'} items in order; the list holds them and nothing else`,
        ok:
          readers.every((x) => x.finalPassOk && x.finalPassItems === w.finalCount) &&
          finalItems.length === w.finalCount &&
          wrong === 0 &&
          (!bounded || !oneRound || w.finalCount === opsPerWorker),
        detail: `writer's final count ${w.finalCount} after ${w.rounds} clears; last passes ${readers.map((x) => (x.finalPassOk ? x.finalPassItems : `bad ${x.finalPassItems}`)).join(', ')}; the list holds ${finalItems.length} items, ${wrong} wrong`,
      },
      {
        name: 'QSBR: every array replaced while the list was SHARED was queued (none freed at once) and freed before the writer finished, while the readers kept reading',
        ok: w.queuedDelta === w.replacedArrays && w.pendingAtEnd === 0 && w.freedDelta >= w.replacedArrays && w.replacedArrays > 0,
        detail: `${w.replacedArrays} arrays replaced (${w.resizes} resizes, ${w.clears} clears); QSBR queued ${w.queuedDelta}, freed ${w.freedDelta} (${w.freedBeforeDrain} before the final drain), ${w.pendingAtEnd} pending at the end`,
      },
      {
        name: 'handshakes: at each, every reader paused mid-pass across a resize, QSBR kept the replaced array while they were paused and freed it after they went on, and every paused pass ended consistent',
        ok:
          w.handshakes === expectHandshakes &&
          w.heldWhilePaused === w.handshakes &&
          w.freedAfterResume === w.handshakes &&
          w.handshakeTimeouts === 0 &&
          sum(readers, (x) => x.straddled) === w.handshakes * readers.length,
        detail: `${w.handshakes} of ${expectHandshakes} handshakes with ${readers.length} readers; array held while paused ${w.heldWhilePaused}, freed after resume ${w.freedAfterResume}, timeouts ${w.handshakeTimeouts}; pauses in passes that ended consistent ${sum(readers, (x) => x.straddled)}`,
      },
      {
        name: 'no leak: every int the list held at the end was freed with the list',
        ok: survivors === 0,
        detail: `${survivors} of ${finalItems.length} not freed`,
      },
    ];
    const windowCheck = (kind: number, name: string, extra: boolean, extraDetail: string): void => {
      if (w.windowsPlanned[kind] === 0 && w.windowsMade[kind] === 0) return;
      const ok = sum(readers, (x) => x.windowsOk[kind]!);
      const bad = sum(readers, (x) => x.windowsBad[kind]!);
      checks.push({
        name,
        ok: bad === 0 && ok === w.windowsAttempted[kind] && (!bounded || w.windowsMade[kind] === w.windowsPlanned[kind]) && extra,
        detail: `${w.windowsMade[kind]} of ${w.windowsPlanned[kind]} windows made (${w.windowsAttempted[kind]} attempts), ${ok} reads as they must, ${bad} not${extraDetail}${bad > 0 ? problems : ''}`,
      });
    };
    windowCheck(WINDOW_CAPACITY, CHECK_WINDOW_CAPACITY, true, '');
    windowCheck(WINDOW_QSBR, CHECK_WINDOW_QSBR, w.windowHeld === w.windowsMade[WINDOW_QSBR], `; QSBR held the old array in ${w.windowHeld}`);
    windowCheck(WINDOW_REUSE, CHECK_WINDOW_REUSE, true, `; in ${w.windowReuseMissed} attempts no int landed on the freed item's address within 50,000 allocations`);
    return checks;
  },
  metrics: ({ results, workers }): StressMetric[] => {
    const w = rwWriter(results);
    const readers = rwReaders(results);
    return [
      { name: 'readers', value: workers - 1, unit: '' },
      { name: 'items appended', value: w.items, unit: '' },
      { name: 'extends (list)', value: w.extendsList, unit: '' },
      { name: 'extends (tuple)', value: w.extendsTuple, unit: '' },
      { name: 'items read', value: sum(readers, (x) => x.itemsRead), unit: '' },
      { name: 'passes', value: sum(readers, (x) => x.passes), unit: '' },
      { name: 'index reads', value: sum(readers, (x) => x.indexReads), unit: '' },
      { name: 'resizes', value: w.resizes, unit: '' },
      { name: 'resizes with readers mid-pass', value: w.resizesMidPass, unit: '' },
      { name: 'clears', value: w.clears, unit: '' },
      { name: 'delayed frees', value: w.freedDelta, unit: '' },
      { name: 'delayed frees before the final drain', value: w.freedBeforeDrain, unit: '' },
      { name: 'handshakes', value: w.handshakes, unit: '' },
      { name: 'windows A (size, clear, array)', value: w.windowsMade[WINDOW_CAPACITY]!, unit: '' },
      { name: 'windows B (array, resize, slot)', value: w.windowsMade[WINDOW_QSBR]!, unit: '' },
      { name: 'windows C (array, clear and reuse, slot)', value: w.windowsMade[WINDOW_REUSE]!, unit: '' },
      { name: 'windows C without reuse (tried again)', value: w.windowReuseMissed, unit: '' },
      { name: 'window reads gone wrong (A)', value: sum(readers, (x) => x.windowsBad[WINDOW_CAPACITY]!), unit: '' },
      { name: 'window reads gone wrong (B)', value: sum(readers, (x) => x.windowsBad[WINDOW_QSBR]!), unit: '' },
      { name: 'window reads gone wrong (C)', value: sum(readers, (x) => x.windowsBad[WINDOW_REUSE]!), unit: '' },
      { name: 'passes cut by a clear', value: sum(readers, (x) => x.passesCutByClear), unit: '' },
      { name: 'violations', value: sum([w, ...readers], (x) => x.violations), unit: '' },
    ];
  },
  teardown,
};

/** Clear and refill every 48 items: many resizes that grow and shrink the array. */
export const listRefillScenario: StressScenario<ListStressParams, State> = {
  ...listReadersWriterScenario,
  name: 'objects/list-refill',
  description:
    'objects/list-readers-writer with the writer clearing the list every 48 items and filling it again: thousands of resizes (growing and shrinking arrays, each freed through QSBR) and freed items per second under the readers; scripted windows inside lst[i] (a clear between size and array, a resize between array and slot, a freed item whose address an int other readers use took); the run the capacity-check and QSBR-free controls break',
  defaultWorkers: 3,
  opsPerWorker: 60_000,
  async setup(ctx) {
    const { params, state } = await listReadersWriterScenario.setup(ctx);
    return { params: { ...params, roundLength: 48, handshakes: 0, extendPercent: 15, windowKinds: [WINDOW_CAPACITY, WINDOW_QSBR, WINDOW_REUSE], windows: 9 }, state };
  },
};

// --- mutators ----------------------------------------------------------------------------------

const mutatorsOf = (results: readonly unknown[]): MutatorResult[] => (results as ListWorkerResult[]).filter((x): x is MutatorResult => x?.role === 'mutator');
const mutReadersOf = (results: readonly unknown[]): MutReaderResult[] => (results as ListWorkerResult[]).filter((x): x is MutReaderResult => x?.role === 'reader');

export const listMutatorsScenario: StressScenario<ListStressParams, State> = {
  name: 'objects/list-mutators',
  description:
    'mutators append, insert, setitem, pop, pop(i), clear and sort one shared list while a reader reads it; every item read or popped is the object made for its value, only the expected IndexError/ValueError; afterwards every int is popped, dropped or still there exactly once and its reference count is exact, and every int is freed once released',
  worker: new URL('./list.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 30_000,
  roles: (workers) => Array.from({ length: workers }, (_, w) => (w < Math.max(1, workers - 1) ? 'mutator' : 'reader')),
  setup({ roles, opsPerWorker }) {
    const mutators = roles.filter((x) => x === 'mutator').length;
    const r = makeRuntime({ heapSize: 256 << 20, allocator: 'mimalloc_debug' });
    const list = listNew(r.t, 0);
    if (list === 0) throw new Error('list mutators: listNew failed');
    // At most one new int per step; in timed mode a mutator stops making ints when its range is used up.
    const range = Number.isFinite(opsPerWorker) ? opsPerWorker : 200_000;
    const n = mutators * range;
    const params: ListStressParams = {
      ...baseParams('mutators', r, list),
      mutators,
      range,
      addrs: new Uint32Array(new SharedArrayBuffer(4 * n)),
      popped: new Uint8Array(new SharedArrayBuffer(n)),
      added: new Uint8Array(new SharedArrayBuffer(n)),
    };
    const state: State = { r, detached: false, ints: [] };
    leave(state);
    return { params, state };
  },
  check({ results, state, params }) {
    rejoin(state);
    const t = state.r.t;
    const mutators = mutatorsOf(results);
    const readers = mutReadersOf(results);
    const all = [...mutators, ...readers];
    const { addrs, popped, added, range } = params;
    const occ = new Uint8Array(addrs.length);
    const finalItems = itemsOf(t, params.list);
    let foreign = 0;
    for (const op of finalItems) {
      const g = intCheckExact(t, op) ? intCompactValue(t, op) - LIST_BASE : -1;
      if (g < 0 || g >= addrs.length || addrs[g] !== op) foreign++;
      else if (occ[g] < 255) occ[g]++;
    }
    let duplicates = 0;
    let poppedTwice = 0;
    let poppedAndPresent = 0;
    let neverAdded = 0;
    let badRefcounts = 0;
    let addedTotal = 0;
    let poppedTotal = 0;
    const samples: string[] = [];
    const watch: number[] = [];
    mutators.forEach((m, w) => {
      for (let k = 0; k < m.created; k++) {
        const g = w * range + k;
        const op = addrs[g]!;
        watch.push(op);
        addedTotal += added[g]!;
        poppedTotal += popped[g]!;
        if (occ[g]! > 1) duplicates++;
        if (popped[g]! > 1) poppedTwice++;
        if (popped[g]! > 0 && occ[g]! > 0) poppedAndPresent++;
        if (added[g] === 0 && (popped[g]! > 0 || occ[g]! > 0)) neverAdded++;
        const expected = 1 + occ[g]!;
        const rc = getRefcount(state.r.rc, op);
        if (rc !== expected) {
          badRefcounts++;
          if (samples.length < 4) samples.push(`int ${LIST_BASE + g} (${added[g] ? 'added' : 'never added'}, popped ${popped[g]}, in the list ${occ[g]}×): refcount ${rc}, expected ${expected}`);
        }
      }
    });
    const present = finalItems.length - foreign;
    const dropped = addedTotal - poppedTotal - present;
    // The creators' references were left to the main thread: release them, then the list.
    const survivors = releaseAndCountSurvivors(state, params.list, watch, watch);
    const problems = problemsOf(all);
    return [
      {
        name: 'no violation: every item read or popped was the object made for its value; only IndexError from pop on an empty list or a stale index, and ValueError "list modified during sort" from sort',
        ok: sum(all, (x) => x.violations) === 0,
        detail: `${sum(all, (x) => x.violations)} violations (${sum(all, (x) => x.threw)} threw)${problems}`,
      },
      {
        name: 'exact accounting: each int popped at most once, in the final list at most once and never also popped, never anywhere unless added; added = popped + dropped (clear, setitem, sort) + present',
        ok: foreign === 0 && duplicates === 0 && poppedTwice === 0 && poppedAndPresent === 0 && neverAdded === 0 && dropped >= 0,
        detail: `${watch.length} ints made, ${addedTotal} added, ${poppedTotal} popped, ${present} present, ${dropped} dropped by clear/setitem/sort; ${foreign} foreign items, ${duplicates} present twice, ${poppedTwice} popped twice, ${poppedAndPresent} popped and present, ${neverAdded} never added but seen`,
      },
      {
        name: "reference counts exact: each int's count is its creator's reference + its occurrences in the final list",
        ok: badRefcounts === 0,
        detail: `${badRefcounts} of ${watch.length} wrong${samples.length ? `: ${samples.join('; ')}` : ''}`,
      },
      {
        name: 'every int was freed once everything was released (its type word overwritten by the 0xDD fill or the allocator)',
        ok: survivors === 0,
        detail: `${survivors} of ${watch.length} not freed`,
      },
    ];
  },
  metrics: ({ results }): StressMetric[] => {
    const m = mutatorsOf(results);
    const readers = mutReadersOf(results);
    return [
      { name: 'mutators', value: m.length, unit: '' },
      { name: 'appends', value: sum(m, (x) => x.appends), unit: '' },
      { name: 'inserts', value: sum(m, (x) => x.inserts), unit: '' },
      { name: 'setitems', value: sum(m, (x) => x.setItems), unit: '' },
      { name: 'pops', value: sum(m, (x) => x.pops), unit: '' },
      { name: 'pops from an empty list', value: sum(m, (x) => x.popsEmpty), unit: '' },
      { name: 'pop(i) out of range', value: sum(m, (x) => x.popIndexMisses), unit: '' },
      { name: 'setitem out of range', value: sum(m, (x) => x.setItemMisses), unit: '' },
      { name: 'clears', value: sum(m, (x) => x.clears), unit: '' },
      { name: 'sorts ok', value: sum(m, (x) => x.sortsOk), unit: '' },
      { name: 'sorts modified', value: sum(m, (x) => x.sortsModified), unit: '' },
      { name: 'items read', value: sum(readers, (x) => x.itemsRead) + sum(m, (x) => x.reads), unit: '' },
      { name: 'passes', value: sum(readers, (x) => x.passes) + sum(m, (x) => x.passes), unit: '' },
      { name: 'violations', value: sum([...m, ...readers], (x) => x.violations), unit: '' },
    ];
  },
  teardown,
};

// --- sort shows an empty list ---------------------------------------------------------------------------

const sorterOf = (results: readonly unknown[]): SorterResult => (results as ListWorkerResult[]).find((x): x is SorterResult => x?.role === 'sorter')!;
const sortReadersOf = (results: readonly unknown[]): SortReaderResult[] => (results as ListWorkerResult[]).filter((x): x is SortReaderResult => x?.role === 'reader');

export const listSortEmptyScenario: StressScenario<ListStressParams, State> = {
  name: 'objects/list-sort-empty',
  description:
    'a sorter shuffles (setitem) and sorts (ascending or reverse) a long list over and over while readers check that it has 0 items (a sort is running) or all of them, every item is one of them, reads between sorts are the sorted item, and atomic snapshots are whole',
  worker: new URL('./list.worker.ts', import.meta.url),
  defaultWorkers: 3,
  opsPerWorker: 60,
  roles: (workers) => Array.from({ length: workers }, (_, w) => (w === 0 ? 'sorter' : 'reader')),
  setup({ seed }) {
    const r = makeRuntime({ heapSize: 256 << 20, allocator: 'mimalloc_debug' });
    const t = r.t;
    const length = 4000;
    const ints: number[] = [];
    for (let v = 0; v < length; v++) ints.push(intFromNumber(t, LIST_BASE + v));
    // A seeded shuffle, so that the first sort has work to do.
    const order = ints.slice();
    let s = seed >>> 0 || 1;
    for (let i = order.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const j = s % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const list = listFromArray(t, order);
    if (list === 0) throw new Error('list sort: listFromArray failed');
    const addrs = new Uint32Array(new SharedArrayBuffer(4 * length));
    addrs.set(ints);
    const params: ListStressParams = { ...baseParams('sort', r, list), length, addrs };
    Atomics.store(params.ctrl, S_KIND, KIND_SHUFFLED);
    const state: State = { r, detached: false, ints };
    leave(state);
    return { params, state };
  },
  check({ results, state, params }) {
    rejoin(state);
    const t = state.r.t;
    const sorter = sorterOf(results);
    const readers = sortReadersOf(results);
    const all = [sorter, ...readers];
    const finalItems = itemsOf(t, params.list);
    const kind = sorter.finalKind;
    let misplaced = 0;
    const seen = new Uint8Array(params.length);
    finalItems.forEach((op, i) => {
      const g = intCheckExact(t, op) ? intCompactValue(t, op) - LIST_BASE : -1;
      if (g < 0 || g >= params.length || params.addrs[g] !== op || seen[g]) {
        misplaced++;
        return;
      }
      seen[g] = 1;
      if (kind === KIND_ASCENDING && g !== i) misplaced++;
      if (kind === KIND_DESCENDING && g !== params.length - 1 - i) misplaced++;
    });
    // The main thread's own references (from setup) and the list's.
    const survivors = releaseAndCountSurvivors(state, params.list, state.ints, state.ints);
    const problems = problemsOf(all);
    return [
      {
        name: 'sort: every sort succeeded (nobody else mutates: no "list modified during sort"), every shuffle step too',
        ok: sorter.violations === 0 && sorter.sorts > 0,
        detail: `${sorter.sorts} sorts, ${sorter.shuffles} shuffles, ${sorter.violations} failures${problems}`,
      },
      {
        name: 'readers: the size was always 0 or the full length; every item one of the list\'s ints; reads and full passes between sorts exactly the sorted items; snapshots whole',
        ok: sum(readers, (x) => x.violations) === 0,
        detail: `${sum(readers, (x) => x.violations)} violations (${sum(readers, (x) => x.threw)} threw) in ${sum(readers, (x) => x.sizeReads)} size reads, ${sum(readers, (x) => x.reads)} index reads (${sum(readers, (x) => x.readsStableChecked)} checked against the sorted position), ${sum(readers, (x) => x.passes)} passes (${sum(readers, (x) => x.fullPassesChecked)} full ones checked), ${sum(readers, (x) => x.snapshots)} snapshots${problems}`,
      },
      {
        name: 'the list holds every int once, in the order of the last operation',
        ok: finalItems.length === params.length && misplaced === 0,
        detail: `${finalItems.length} of ${params.length} items, ${misplaced} misplaced or foreign (last operation ${kind === KIND_ASCENDING ? 'sort' : kind === KIND_DESCENDING ? 'reverse sort' : 'shuffle'})`,
      },
      {
        name: 'every int was freed once the list and the main thread released it',
        ok: survivors === 0,
        detail: `${survivors} of ${state.ints.length} not freed`,
      },
    ];
  },
  metrics: ({ results }): StressMetric[] => {
    const s = sorterOf(results);
    const readers = sortReadersOf(results);
    return [
      { name: 'sorts', value: s.sorts, unit: '' },
      { name: 'shuffles', value: s.shuffles, unit: '' },
      { name: 'size reads', value: sum(readers, (x) => x.sizeReads), unit: '' },
      { name: 'size reads that saw []', value: sum(readers, (x) => x.sizeEmpty), unit: '' },
      { name: 'index reads', value: sum(readers, (x) => x.reads), unit: '' },
      { name: 'index reads that saw []', value: sum(readers, (x) => x.readsEmpty), unit: '' },
      { name: 'index reads checked against the sorted position', value: sum(readers, (x) => x.readsStableChecked), unit: '' },
      { name: 'full passes checked', value: sum(readers, (x) => x.fullPassesChecked), unit: '' },
      { name: 'snapshots', value: sum(readers, (x) => x.snapshots), unit: '' },
      { name: 'violations', value: sum([s, ...readers], (x) => x.violations), unit: '' },
    ];
  },
  teardown,
};

export const scenarios = [listReadersWriterScenario, listRefillScenario, listMutatorsScenario, listSortEmptyScenario];
