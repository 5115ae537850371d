/**
 * A worker of the list stress scenarios (list.scenario.ts describes the
 * runs, the roles, the checks and the controls). Each worker joins the
 * runtime from its handle, runs its role on the one shared list and leaves;
 * objects it still owns stay in the heap for the main thread's checks.
 *
 * Hang dumps show user counter 0: the phase (1 running, 2 waiting at a
 * handshake or for the others, 3 draining delayed frees, 4 done), and
 * counter 1: the role's main count (items appended, passes, operations).
 *
 * A reader never releases a garbage item (an address that is not an int
 * of the heap would have its "reference count" written to) and stops at
 * the first one, raising the run's abort word: with the controls' seams
 * off, the rest of the run is not trustworthy. A live int that is the wrong
 * item is counted, released, and the readers-writer run goes on.
 */

import { attach, detach, safePoint } from '@ft/atomics';
import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { pendingDelayed, processDelayed, qsbrAdvance, qsbrAttach, qsbrDetach, qsbrQuiescentState, qsbrStats } from '@ft/qsbr';
import { decref, OB_TYPE_OFFSET } from '@ft/refcount';
import {
  errFetch,
  errOccurred,
  formatError,
  intCompactValue,
  intFromNumber,
  intIsCompact,
  listAppend,
  listAsTuple,
  listClear,
  listExtend,
  listFromArray,
  listGetItemRef,
  listInsert,
  listIter,
  listIterNext,
  listPop,
  listSetItem,
  listSize,
  listSort,
  StaticType,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  type ObThread,
} from '../../src/index.js';
import { LIST_ALLOCATED_OFFSET, LIST_ITEMS_OFFSET } from '../../src/layout.js';
import { listSeams } from '../../src/list.js';
import { joinRuntime, type Runtime } from '../runtime.js';
import {
  C_ABORT,
  C_DONE,
  C_IDLE,
  DEAD_WORD,
  FORBIDDEN_WORD,
  KIND_ASCENDING,
  KIND_DESCENDING,
  KIND_SHUFFLED,
  LIST_BASE,
  S_ACK,
  S_GEN,
  S_KIND,
  W_DONE,
  W_FINAL_COUNT,
  W_PAUSE_REQ,
  W_PAUSED,
  W_READER_STATE,
  W_RESUME,
  W_ROUND,
  W_TOUCH_DONE,
  W_TOUCH_READER,
  W_TOUCH_REQ,
  W_WIN_INDEX,
  W_WIN_KIND,
  W_WIN_READER,
  W_WIN_REQ,
  W_WIN_STATE,
  WINDOW_CAPACITY,
  WINDOW_QSBR,
  WINDOW_REUSE,
  type ListStressParams,
  type ListWorkerResult,
  type MutatorResult,
  type MutReaderResult,
  type RwReaderResult,
  type RwWriterResult,
  type SorterResult,
  type SortReaderResult,
} from './list.scenario.js';

type Ctx = StressWorkerContext<ListStressParams>;

const PHASE_RUNNING = 1;
const PHASE_WAITING = 2;
const PHASE_DRAINING = 3;
const PHASE_DONE = 4;

/** Problems a worker describes in its result (all are counted). */
const MAX_PROBLEMS = 8;

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

function problem(res: ListWorkerResult, message: string): void {
  res.violations++;
  if (res.problems.length < MAX_PROBLEMS) res.problems.push(message);
}

/** A JavaScript exception from inside a list function: a bug, or a garbage item address (outside the heap, Atomics throws). */
function threw(res: ListWorkerResult, where: string, error: unknown): void {
  res.threw++;
  problem(res, `${where} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
}

/** The current exception as text (and cleared), or null when none is set. */
function takeError(t: ObThread): string | null {
  const e = errFetch(t);
  return e === null ? null : formatError(t, e);
}

function aborted(ctrl: Int32Array): boolean {
  return Atomics.load(ctrl, C_ABORT) !== 0;
}

function abortAll(ctrl: Int32Array): void {
  Atomics.store(ctrl, C_ABORT, 1);
  for (let i = 0; i < ctrl.length; i++) Atomics.notify(ctrl, i);
}

/**
 * Waits until `ready(Atomics.load(ctrl[index]))`, detached from the world
 * while it sleeps (a stop-the-world never waits for it); false on abort or
 * past the deadline.
 */
function waitWord(rt: Runtime, ctrl: Int32Array, index: number, ready: (v: number) => boolean, deadline: number, online = false): boolean {
  for (;;) {
    const v = Atomics.load(ctrl, index);
    if (ready(v)) return true;
    if (aborted(ctrl) || Date.now() > deadline) return false;
    detach(rt.participant);
    // A reader stalled mid-read (preempted, as QSBR must allow for): out of the world, so that a
    // stop does not wait for it, but still online for QSBR, which its detach took it off.
    if (online) qsbrAttach(rt.qsbr);
    Atomics.wait(ctrl, index, v, 5);
    if (online) qsbrDetach(rt.qsbr);
    attach(rt.participant);
  }
}

/** Sleeps about `ms` detached. */
function nap(rt: Runtime, ctrl: Int32Array, ms = 1): void {
  detach(rt.participant);
  Atomics.wait(ctrl, C_IDLE, 0, ms);
  attach(rt.participant);
}

/**
 * Why `item` is not a live exact int with value `expected` (any value when
 * NaN), or null. SAFETY: plain reads of the type word and digits — an int
 * is immutable once published, and the caller holds a reference to a live
 * one; a garbage address is only read, never written.
 */
function badInt(t: ObThread, item: number, expected: number): string | null {
  if (item < 64 || item >= t.u32.length * 4 || (item & 3) !== 0) return `item address ${hex(item)} is not an object of the heap`;
  const type = t.u32[(item + OB_TYPE_OFFSET) >>> 2]!;
  if (type !== t.types[StaticType.Int]) {
    return `item ${hex(item)} is not an int: type word ${hex(type)}${type === DEAD_WORD ? ' (the 0xDD fill of freed memory)' : type === FORBIDDEN_WORD ? ' (0xFD guard bytes)' : ''}`;
  }
  if (!intIsCompact(t, item)) return `item ${hex(item)}: an int with more than one digit`;
  const v = intCompactValue(t, item);
  if (v !== expected && !Number.isNaN(expected)) return `item ${hex(item)}: value ${v}, expected ${expected}`;
  return null;
}

/**
 * The global index of `item` in the scenario's table of ints (its value −
 * LIST_BASE) when it is the very object made for that value, else -1.
 */
function identity(t: ObThread, addrs: Uint32Array, item: number): number {
  if (badInt(t, item, NaN) !== null) return -1;
  const g = intCompactValue(t, item) - LIST_BASE;
  if (g < 0 || g >= addrs.length || Atomics.load(addrs, g) !== item) return -1;
  return g;
}

function describeIdentity(t: ObThread, addrs: Uint32Array, item: number): string {
  const bad = badInt(t, item, NaN);
  if (bad !== null) return bad;
  const g = intCompactValue(t, item) - LIST_BASE;
  return `item ${hex(item)} with value ${LIST_BASE + g} is not the int made for it (${g >= 0 && g < addrs.length ? hex(Atomics.load(addrs, g)) : 'out of range'})`;
}

function isError(text: string | null, expected: string): boolean {
  return text === expected;
}

function base(role: string, rt: Runtime): ListWorkerResult {
  return { role, tid: rt.rc.tid, violations: 0, threw: 0, problems: [] };
}

// --- readers-writer ----------------------------------------------------------------------------------

function rwWriter(ctx: Ctx, rt: Runtime): RwWriterResult {
  const p = ctx.params;
  const t = rt.t;
  const ctrl = p.ctrl;
  const lst = p.list;
  const rng = ctx.rng;
  const res: RwWriterResult = {
    ...base('writer', rt),
    role: 'writer',
    items: 0,
    appends: 0,
    extendsList: 0,
    extendsTuple: 0,
    resizes: 0,
    resizesMidPass: 0,
    clears: 0,
    rounds: 0,
    finalCount: 0,
    replacedArrays: 0,
    queuedDelta: 0,
    freedDelta: 0,
    freedBeforeDrain: 0,
    pendingAtEnd: -1,
    handshakes: 0,
    heldWhilePaused: 0,
    freedAfterResume: 0,
    handshakeTimeouts: 0,
    windowsMade: [0, 0, 0, 0],
    windowsAttempted: [0, 0, 0, 0],
    windowsPlanned: [0, 0, 0, 0],
    windowHeld: 0,
    windowReuseMissed: 0,
  };
  if (p.control === 'no-qsbr-free') listSeams.qsbrFree = false;
  const readers = ctx.workers - 1;
  const itemsWord = (lst + LIST_ITEMS_OFFSET) >>> 2;
  const allocatedWord = (lst + LIST_ALLOCATED_OFFSET) >>> 2;
  const deadline = Date.now() + p.deadlineMs;
  const stats0 = qsbrStats(rt.heap, p.handle.qsbr);
  const budget = ctx.opsBudget;
  const bounded = Number.isFinite(budget);
  // Timed mode (the stress report) has no budget: refill every 100k items so the heap stays small.
  const roundLength = Number.isFinite(p.roundLength) ? p.roundLength : bounded ? Infinity : 100_000;
  let handshakeTarget = bounded ? p.handshakes : 0;
  let resizesSinceHandshake = 0;
  // Windows A and C clear the list (only with rounds); C needs a second reader and ints that can be freed.
  const kinds = p.windowKinds.filter(
    (k) => (k === WINDOW_QSBR || Number.isFinite(roundLength)) && (k !== WINDOW_REUSE || (readers >= 2 && !p.keepInts)),
  );
  const windowTotal = kinds.length === 0 ? 0 : bounded ? p.windows : Infinity;
  if (bounded) for (let w = 0; w < windowTotal; w++) res.windowsPlanned[kinds[w % kinds.length]!]!++;
  // Over the first half of the budget (window B needs a resize ahead, and the one-round list resizes ever more
  // rarely); a window C whose int did not land on the freed address is tried again later.
  const windowSpacing = bounded ? Math.max(1, Math.floor(budget / (2 * windowTotal + 2))) : 20_000;
  let nextWindowAt = windowSpacing;
  let windowsTried = 0;
  let kindCursor = 0;
  /** The next kind due (round robin over the kinds not yet made as often as planned), or 0. */
  const nextKind = (): number => {
    for (let n = 0; n < kinds.length; n++) {
      const k = kinds[(kindCursor + n) % kinds.length]!;
      if (!bounded || res.windowsMade[k]! < res.windowsPlanned[k]!) return k;
    }
    return 0;
  };
  // keepInts: the writer's own reference to every int it made, so that no int is freed before the end.
  const kept: number[] = [];
  const release = (x: number): void => {
    if (p.keepInts) kept.push(x);
    else decref(t.rc, x);
  };

  let i = 0; // items in the current round: the next value is LIST_BASE + i
  let done = 0; // items appended
  let step = 0;

  // The writer is the only mutator: the list's fields change only under its own calls.
  const afterResize = (before: number): void => {
    const after = Atomics.load(t.u32, itemsWord);
    if (after === before) return;
    res.resizes++;
    resizesSinceHandshake++;
    if (before !== 0) res.replacedArrays++;
    for (let r = 0; r < readers; r++) if (Atomics.load(ctrl, W_READER_STATE + r) !== 0) res.resizesMidPass++;
  };

  /** Delayed frees until the writer's queue is empty (the readers keep passing quiescent states); false past the deadline. */
  const drain = (): boolean => {
    qsbrAdvance(rt.qsbr);
    for (;;) {
      qsbrQuiescentState(rt.qsbr);
      processDelayed(rt.qsbr);
      if (pendingDelayed(rt.qsbr) === 0) return true;
      if (Date.now() > deadline || aborted(ctrl)) return false;
      nap(rt, ctrl);
    }
  };

  /** Appends LIST_BASE + i as a new int, or `x` (the caller's reference is consumed). */
  const appendOne = (x = 0): boolean => {
    if (x === 0) x = intFromNumber(t, LIST_BASE + i);
    if (x === 0) {
      problem(res, `intFromNumber(${LIST_BASE + i}): ${takeError(t)}`);
      return false;
    }
    const before = Atomics.load(t.u32, itemsWord);
    const r = listAppend(t, lst, x);
    release(x);
    if (r < 0) {
      problem(res, `append: ${takeError(t)}`);
      return false;
    }
    afterResize(before);
    res.appends++;
    i++;
    done++;
    return true;
  };

  /** A clear, with the round counter odd while it runs (the readers' allowance for reads cut short). */
  const clearList = (): void => {
    const before = Atomics.load(t.u32, itemsWord);
    Atomics.add(ctrl, W_ROUND, 1);
    listClear(t, lst);
    Atomics.add(ctrl, W_ROUND, 1);
    res.clears++;
    res.rounds++;
    if (before !== 0) res.replacedArrays++;
    i = 0;
  };

  /**
   * Readers paused mid-pass across a resize: the resizing append, QSBR must
   * keep the replaced array while they are paused (the writer itself has
   * passed a quiescent state), and free it once they go on.
   */
  const handshake = (): boolean => {
    const h = res.handshakes + 1;
    ctx.setCounter(0, PHASE_WAITING);
    Atomics.store(ctrl, W_PAUSE_REQ, h);
    if (!waitWord(rt, ctrl, W_PAUSED, (v) => v >= h * readers, deadline)) {
      if (!aborted(ctrl)) {
        res.handshakeTimeouts++;
        problem(res, `handshake ${h}: only ${Atomics.load(ctrl, W_PAUSED) - (h - 1) * readers} of ${readers} readers paused`);
      }
      handshakeTarget = res.handshakes;
      Atomics.store(ctrl, W_RESUME, h);
      Atomics.notify(ctrl, W_RESUME);
      return false;
    }
    const before = Atomics.load(t.u32, itemsWord);
    const ok = appendOne();
    if (ok && Atomics.load(t.u32, itemsWord) === before) problem(res, `handshake ${h}: the append at size ${i - 1} did not resize`);
    qsbrAdvance(rt.qsbr);
    qsbrQuiescentState(rt.qsbr);
    processDelayed(rt.qsbr);
    if (pendingDelayed(rt.qsbr) > 0) res.heldWhilePaused++;
    else problem(res, `handshake ${h}: QSBR freed the replaced array while every reader was paused mid-pass`);
    Atomics.store(ctrl, W_RESUME, h);
    Atomics.notify(ctrl, W_RESUME);
    ctx.setCounter(0, PHASE_DRAINING);
    if (drain()) res.freedAfterResume++;
    else if (!aborted(ctrl)) problem(res, `handshake ${h}: the replaced array was not freed after the readers went on`);
    res.handshakes++;
    resizesSinceHandshake = 0;
    ctx.setCounter(0, PHASE_RUNNING);
    return ok;
  };

  /** Whether the list is in the state window `kind` starts from. */
  const windowReady = (kind: number): boolean => {
    const size = listSize(t, lst);
    if (kind === WINDOW_QSBR) return size >= 8 && size === Atomics.load(t.i32, allocatedWord);
    return i >= 8;
  };

  /** A scripted read window (list.scenario.ts, WINDOW_*): one reader paused inside lst[index] while the list changes. */
  const window = (kind: number): boolean => {
    const id = ++windowsTried;
    const reader = id % readers;
    const index = kind === WINDOW_CAPACITY ? 4 : kind === WINDOW_REUSE ? 1 : listSize(t, lst) - 1;
    // SAFETY: the writer is the list's only mutator, so its array is stable under it.
    const victim = kind === WINDOW_REUSE ? t.u32[(Atomics.load(t.u32, itemsWord) >>> 2) + 1]! : 0;
    Atomics.store(ctrl, W_WIN_KIND, kind);
    Atomics.store(ctrl, W_WIN_READER, reader);
    Atomics.store(ctrl, W_WIN_INDEX, index);
    Atomics.store(ctrl, W_WIN_STATE, 0);
    Atomics.store(ctrl, W_WIN_REQ, id);
    Atomics.notify(ctrl, W_WIN_REQ);
    ctx.setCounter(0, PHASE_WAITING);
    if (!waitWord(rt, ctrl, W_WIN_STATE, (v) => v === 1 || v === 3, deadline)) {
      if (!aborted(ctrl)) problem(res, `window ${id}: reader ${reader + 1} did not pause`);
      return false;
    }
    res.windowsAttempted[kind]!++;
    if (Atomics.load(ctrl, W_WIN_STATE) === 3) return true; // the read did not pause: the reader reported it
    let made = true;
    if (kind === WINDOW_CAPACITY) {
      clearList();
      if (!appendOne() || !appendOne()) return false;
    } else if (kind === WINDOW_QSBR) {
      const before = Atomics.load(t.u32, itemsWord);
      if (!appendOne()) return false;
      if (Atomics.load(t.u32, itemsWord) === before) problem(res, `window ${id}: the append did not resize`);
      qsbrAdvance(rt.qsbr);
      qsbrQuiescentState(rt.qsbr);
      processDelayed(rt.qsbr);
      if (pendingDelayed(rt.qsbr) > 0) res.windowHeld++;
    } else {
      clearList();
      // A reader may hold the item for a moment: it is freed with that reader's release (its type word overwritten).
      const intType = t.types[StaticType.Int]!;
      for (let n = 0; n < 100 && t.u32[(victim + OB_TYPE_OFFSET) >>> 2] === intType; n++) nap(rt, ctrl); // SAFETY: a diagnostic read
      // Ints (of value LIST_BASE + 0) until one lands on the freed item's address; mimalloc hands freed blocks out again.
      const spare: number[] = [];
      let y = 0;
      for (let n = 0; n < 50_000 && y === 0; n++) {
        const x = intFromNumber(t, LIST_BASE);
        if (x === victim) y = x;
        else spare.push(x);
      }
      for (const x of spare) decref(t.rc, x);
      if (y === 0) {
        res.windowReuseMissed++;
        made = false;
      }
      if (!appendOne(y) || !appendOne() || !appendOne()) return false;
      if (made) {
        // Another reader reads lst[0] — the int at the old address — through the lock: from then on lock-free try-increfs of it succeed.
        Atomics.store(ctrl, W_TOUCH_READER, (reader + 1) % readers);
        Atomics.store(ctrl, W_TOUCH_REQ, id);
        Atomics.notify(ctrl, W_TOUCH_REQ);
        if (!waitWord(rt, ctrl, W_TOUCH_DONE, (v) => v >= id, deadline)) {
          if (!aborted(ctrl)) problem(res, `window ${id}: reader ${((reader + 1) % readers) + 1} did not read lst[0]`);
          return false;
        }
      }
    }
    Atomics.store(ctrl, W_WIN_STATE, 2);
    Atomics.notify(ctrl, W_WIN_STATE);
    if (!waitWord(rt, ctrl, W_WIN_STATE, (v) => v === 3, deadline)) {
      if (!aborted(ctrl)) problem(res, `window ${id}: reader ${reader + 1} did not finish its read`);
      return false;
    }
    if (made) res.windowsMade[kind]!++;
    if (kind === WINDOW_QSBR) drain();
    ctx.setCounter(0, PHASE_RUNNING);
    return true;
  };

  ctx.setCounter(0, PHASE_RUNNING);
  while (!ctx.shouldStop(done) && !aborted(ctrl)) {
    if (i >= roundLength) clearList();
    const size = listSize(t, lst);
    const handshakeDue = res.handshakes < handshakeTarget && size >= p.handshakeMinSize && resizesSinceHandshake >= 3;
    if (handshakeDue && size === Atomics.load(t.i32, allocatedWord)) {
      if (!handshake()) break;
      continue;
    }
    const kind = done >= nextWindowAt ? nextKind() : 0;
    if (kind !== 0 && windowReady(kind)) {
      if (!window(kind)) break;
      kindCursor = (kinds.indexOf(kind) + 1) % kinds.length;
      nextWindowAt += windowSpacing;
      continue;
    }
    // While a handshake or window B waits for the list to be full (the next append resizes), one append at a time:
    // an extend could step over that point.
    const room = handshakeDue || kind === WINDOW_QSBR ? 0 : Math.min(bounded ? budget - done : Infinity, roundLength - i);
    if (room > 1 && rng.nextInt(100) < p.extendPercent) {
      const c = 1 + rng.nextInt(Math.min(8, room));
      const ints: number[] = [];
      for (let j = 0; j < c; j++) ints.push(intFromNumber(t, LIST_BASE + i + j));
      const asList = rng.nextInt(2) === 0;
      const chunk = asList ? listFromArray(t, ints) : tupleFromArray(t, ints);
      for (const x of ints) release(x);
      if (chunk === 0) {
        problem(res, `chunk: ${takeError(t)}`);
        break;
      }
      const before = Atomics.load(t.u32, itemsWord);
      const r = listExtend(t, lst, chunk);
      decref(t.rc, chunk);
      if (r < 0) {
        problem(res, `extend: ${takeError(t)}`);
        break;
      }
      afterResize(before);
      if (asList) res.extendsList++;
      else res.extendsTuple++;
      i += c;
      done += c;
    } else if (!appendOne()) break;
    if ((++step & 63) === 0) {
      qsbrQuiescentState(rt.qsbr);
      processDelayed(rt.qsbr);
      safePoint(rt.participant);
      ctx.progress(done);
      ctx.setCounter(1, done);
    }
  }
  res.items = done;
  res.finalCount = i;
  for (const x of kept) decref(t.rc, x);
  // Every array replaced so far is freed before the readers are told to finish (they keep passing quiescent states).
  res.freedBeforeDrain = qsbrStats(rt.heap, p.handle.qsbr).freedItems - stats0.freedItems;
  ctx.setCounter(0, PHASE_DRAINING);
  if (!aborted(ctrl) && !drain()) problem(res, `delayed frees not drained before the deadline: ${pendingDelayed(rt.qsbr)} pending`);
  res.pendingAtEnd = pendingDelayed(rt.qsbr);
  const stats1 = qsbrStats(rt.heap, p.handle.qsbr);
  res.queuedDelta = stats1.queuedItems - stats0.queuedItems;
  res.freedDelta = stats1.freedItems - stats0.freedItems;
  ctx.progress(done);
  return res;
}

function rwReader(ctx: Ctx, rt: Runtime): RwReaderResult {
  const p = ctx.params;
  const t = rt.t;
  const ctrl = p.ctrl;
  const lst = p.list;
  const rng = ctx.rng;
  const res: RwReaderResult = {
    ...base('reader', rt),
    role: 'reader',
    passes: 0,
    itemsRead: 0,
    indexReads: 0,
    indexMissesAfterClear: 0,
    passesCutByClear: 0,
    straddled: 0,
    finalPassItems: -1,
    finalPassOk: false,
    windowsOk: [0, 0, 0, 0],
    windowsBad: [0, 0, 0, 0],
    touches: 0,
  };
  if (p.control === 'no-capacity-check') listSeams.capacityCheck = false;
  const me = ctx.index - 1;
  const stateWord = W_READER_STATE + me;
  const itemsWord = (lst + LIST_ITEMS_OFFSET) >>> 2;
  const deadline = Date.now() + p.deadlineMs;
  let lastPause = 0;
  let lastWindow = 0;
  let lastTouch = 0;
  /** Set when a read met garbage: the reader stops (and everyone with it). */
  let garbage = false;
  /** Whether a clear may have run since the round counter read `round` (it was odd then, or it moved). */
  const clearedSince = (round: number): boolean => (round & 1) !== 0 || Atomics.load(ctrl, W_ROUND) !== round;

  /**
   * Checks an item read at `index`: garbage (an address outside the heap's
   * objects, not an int) stops the reader, unreleased; a live int with
   * another value is a violation, released.
   */
  const take = (item: number, index: number, what: string): void => {
    const why = badInt(t, item, LIST_BASE + index);
    if (why === null) {
      decref(t.rc, item);
      return;
    }
    problem(res, `${what}: ${why}`);
    if (badInt(t, item, NaN) === null) decref(t.rc, item);
    else garbage = true;
  };

  /** The scripted read of window `id` (list.scenario.ts, WINDOW_*). */
  const scriptedRead = (id: number): void => {
    const kind = Atomics.load(ctrl, W_WIN_KIND);
    const index = Atomics.load(ctrl, W_WIN_INDEX);
    const pauseAt = kind === WINDOW_CAPACITY ? 1 : 4;
    let calls = 0;
    const at = {
      valueOf: (): number => {
        if (++calls === pauseAt) {
          Atomics.store(ctrl, W_WIN_STATE, 1);
          Atomics.notify(ctrl, W_WIN_STATE);
          waitWord(rt, ctrl, W_WIN_STATE, (v) => v === 2, deadline, true);
        }
        return index;
      },
    };
    // The array the read will load, for the description of a bad read (the list does not change before the pause).
    const arrayBefore = Atomics.load(t.u32, itemsWord);
    let item = 0;
    let error: unknown = null;
    try {
      item = listGetItemRef(t, lst, at as unknown as number);
    } catch (e) {
      error = e;
    }
    const raised = item === 0 && error === null ? takeError(t) : null;
    const name = `window ${id} (${kind === WINDOW_CAPACITY ? 'A' : kind === WINDOW_QSBR ? 'B' : 'C'}): lst[${index}]`;
    let ok = false;
    if (calls < pauseAt) problem(res, `${name}: the read did not pause (index coerced ${calls} times)`);
    else if (error !== null) {
      // SAFETY: racy diagnostic reads of the words the read used; nothing depends on them.
      const array = kind === WINDOW_CAPACITY ? Atomics.load(t.u32, itemsWord) : arrayBefore;
      const word = t.u32[(array >>> 2) + index]!;
      threw(res, `${name} (its slot ${kind === WINDOW_CAPACITY ? `past the end of the ${t.u32[(array >>> 2) - 1]}-slot array` : 'in the array it loaded'} holds ${hex(word)}${word === DEAD_WORD ? ', the 0xDD fill of freed memory' : word === FORBIDDEN_WORD ? ', guard bytes' : ''})`, error);
      garbage = true;
    } else if (kind === WINDOW_CAPACITY) {
      ok = item === 0 && raised === 'IndexError: list index out of range';
      if (item !== 0) take(item, index, `${name} returned an item past the end of the list`);
      else if (!ok) problem(res, `${name} raised ${raised}`);
    } else if (item === 0) {
      ok = kind === WINDOW_REUSE && raised === 'IndexError: list index out of range';
      if (!ok) problem(res, `${name} raised ${raised}`);
    } else {
      const why = badInt(t, item, LIST_BASE + index);
      ok = why === null;
      if (!ok)
        problem(
          res,
          `${name}: ${why}${kind === WINDOW_REUSE && badInt(t, item, LIST_BASE) === null ? ' — the int that took the freed item’s address (the old array’s slot still holds it), not an item of the list' : ''}`,
        );
      if (badInt(t, item, NaN) === null) decref(t.rc, item);
      else garbage = true;
    }
    if (ok) res.windowsOk[kind]!++;
    else res.windowsBad[kind]!++;
    Atomics.store(ctrl, W_WIN_STATE, 3);
    Atomics.notify(ctrl, W_WIN_STATE);
  };

  /** Serves the writer's requests addressed to this reader: a scripted window, a read of lst[0]. */
  const serve = (): void => {
    const win = Atomics.load(ctrl, W_WIN_REQ);
    if (win > lastWindow) {
      lastWindow = win;
      if (Atomics.load(ctrl, W_WIN_READER) === me) scriptedRead(win);
    }
    const touch = Atomics.load(ctrl, W_TOUCH_REQ);
    if (touch > lastTouch) {
      lastTouch = touch;
      if (Atomics.load(ctrl, W_TOUCH_READER) === me) {
        const item = listGetItemRef(t, lst, 0);
        if (item === 0) problem(res, `lst[0] for window ${touch}: ${takeError(t)}`);
        else take(item, 0, `lst[0] for window ${touch}`);
        res.touches++;
        Atomics.store(ctrl, W_TOUCH_DONE, touch);
        Atomics.notify(ctrl, W_TOUCH_DONE);
      }
    }
  };

  ctx.setCounter(0, PHASE_RUNNING);
  for (;;) {
    if (aborted(ctrl) || garbage) break;
    serve();
    const writerDone = Atomics.load(ctrl, W_DONE) !== 0;
    const finalCount = Atomics.load(ctrl, W_FINAL_COUNT);
    const round0 = Atomics.load(ctrl, W_ROUND);
    const size0 = listSize(t, lst);
    const it = listIter(t, lst);
    if (it === 0) {
      problem(res, `listIter: ${takeError(t)}`);
      break;
    }
    Atomics.store(ctrl, stateWord, res.passes + 1);
    let k = 0;
    // A pass can straddle more than one handshake (a slow pass, frequent resizes): count each.
    let pauses = 0;
    let consistent = true;
    for (;;) {
      let item = 0;
      try {
        item = listIterNext(t, it);
      } catch (error) {
        threw(res, `pass ${res.passes + 1}, next() at index ${k}`, error);
        garbage = true;
        break;
      }
      if (item === 0) {
        if (errOccurred(t) !== 0) {
          problem(res, `pass ${res.passes + 1}: next() at index ${k} raised ${takeError(t)}`);
          consistent = false;
        }
        break;
      }
      const before = res.violations;
      take(item, k, `pass ${res.passes + 1}, index ${k}`);
      if (res.violations !== before) consistent = false;
      if (garbage) break;
      k++;
      serve();
      if (garbage) break;
      if (p.handshakes > 0) {
        const req = Atomics.load(ctrl, W_PAUSE_REQ);
        if (req > lastPause) {
          // Mid-pass: the iterator holds the list, the next item is not read yet.
          lastPause = req;
          ctx.setCounter(0, PHASE_WAITING);
          Atomics.add(ctrl, W_PAUSED, 1);
          Atomics.notify(ctrl, W_PAUSED);
          if (!waitWord(rt, ctrl, W_RESUME, (v) => v >= req, deadline, true)) {
            if (!aborted(ctrl)) problem(res, `handshake ${req}: not resumed before the deadline`);
            consistent = false;
            break;
          }
          ctx.setCounter(0, PHASE_RUNNING);
          pauses++;
        }
      }
    }
    Atomics.store(ctrl, stateWord, 0);
    decref(t.rc, it);
    res.passes++;
    res.itemsRead += k;
    if (garbage) break;
    if (k < size0) {
      if (clearedSince(round0)) res.passesCutByClear++;
      else {
        problem(res, `pass ${res.passes} ended after ${k} items; the size was ${size0} at its start and no clear came in between`);
        consistent = false;
      }
    }
    if (consistent) res.straddled += pauses;
    if (writerDone) {
      res.finalPassItems = k;
      res.finalPassOk = consistent && k === finalCount;
      if (k !== finalCount) problem(res, `the last pass saw ${k} items; the writer finished with ${finalCount}`);
      break;
    }
    for (let j = 0; j < p.indexReadsPerPass && !garbage; j++) {
      serve();
      const roundA = Atomics.load(ctrl, W_ROUND);
      const n = listSize(t, lst);
      if (n === 0) continue;
      const i = rng.nextInt(n);
      let item = 0;
      try {
        item = listGetItemRef(t, lst, i);
      } catch (error) {
        threw(res, `lst[${i}]`, error);
        garbage = true;
        break;
      }
      res.indexReads++;
      if (item === 0) {
        const e = takeError(t);
        if (e === 'IndexError: list index out of range' && clearedSince(roundA)) res.indexMissesAfterClear++;
        else problem(res, `lst[${i}] failed below the size ${n} read just before, no clear in between: ${e}`);
        continue;
      }
      take(item, i, `lst[${i}]`);
    }
    if (garbage) break;
    // No pointer read without a lock is held from here to the next pass.
    qsbrQuiescentState(rt.qsbr);
    if ((res.passes & 7) === 0) processDelayed(rt.qsbr);
    safePoint(rt.participant);
    ctx.progress(res.passes);
    ctx.setCounter(1, res.passes);
  }
  // Garbage may have been written to (a try-incref of a garbage address): the run stops.
  if (garbage) abortAll(ctrl);
  return res;
}

// --- mutators --------------------------------------------------------------------------------------

function mutator(ctx: Ctx, rt: Runtime): MutatorResult {
  const p = ctx.params;
  const t = rt.t;
  const ctrl = p.ctrl;
  const lst = p.list;
  const rng = ctx.rng;
  const res: MutatorResult = {
    ...base('mutator', rt),
    role: 'mutator',
    created: 0,
    appends: 0,
    inserts: 0,
    setItems: 0,
    setItemMisses: 0,
    pops: 0,
    popsEmpty: 0,
    popIndexMisses: 0,
    clears: 0,
    sortsOk: 0,
    sortsModified: 0,
    reads: 0,
    readMisses: 0,
    passes: 0,
  };
  const first = ctx.index * p.range;
  // A new int of this worker's range, its address published; the creator's reference is kept to the end (the main thread releases it).
  const newInt = (): number => {
    if (res.created >= p.range) return 0;
    const x = intFromNumber(t, LIST_BASE + first + res.created);
    if (x === 0) {
      problem(res, `intFromNumber: ${takeError(t)}`);
      return 0;
    }
    Atomics.store(p.addrs, first + res.created, x);
    res.created++;
    return x;
  };
  const added = (x: number): void => {
    Atomics.store(p.added, intCompactValue(t, x) - LIST_BASE, 1);
  };
  /** Takes a popped item: it must be the int made for its value, popped for the first time. */
  const takePopped = (item: number, what: string): boolean => {
    const g = identity(t, p.addrs, item);
    if (g < 0) {
      problem(res, `${what}: ${describeIdentity(t, p.addrs, item)}`);
      return false;
    }
    if (Atomics.add(p.popped, g, 1) !== 0) problem(res, `${what}: int ${LIST_BASE + g} popped a second time`);
    decref(t.rc, item);
    res.pops++;
    return true;
  };
  const readItem = (item: number, what: string): boolean => {
    if (identity(t, p.addrs, item) < 0) {
      problem(res, `${what}: ${describeIdentity(t, p.addrs, item)}`);
      return false;
    }
    decref(t.rc, item);
    return true;
  };

  ctx.setCounter(0, PHASE_RUNNING);
  let done = 0;
  try {
    for (; !ctx.shouldStop(done) && !aborted(ctrl) && res.violations === 0; done++) {
      if ((done & 31) === 0) {
        safePoint(rt.participant);
        ctx.progress(done);
        ctx.setCounter(1, done);
      }
      let op = rng.nextInt(100);
      const n = listSize(t, lst);
      if (op < 53 && res.created >= p.range) op = 60; // range used up (timed mode): pop instead
      if (op < 30) {
        const x = newInt();
        if (x === 0) break;
        if (listAppend(t, lst, x) < 0) problem(res, `append: ${takeError(t)}`);
        else {
          added(x);
          res.appends++;
        }
      } else if (op < 45) {
        const x = newInt();
        if (x === 0) break;
        const where = op < 40 ? 0 : rng.nextInt(2 * n + 5) - n - 2;
        if (listInsert(t, lst, where, x) < 0) problem(res, `insert(${where}): ${takeError(t)}`);
        else {
          added(x);
          res.inserts++;
        }
      } else if (op < 53) {
        const x = newInt();
        if (x === 0) break;
        const i = rng.nextInt(n + 2);
        if (listSetItem(t, lst, i, x) < 0) {
          const e = takeError(t);
          if (isError(e, 'IndexError: list assignment index out of range')) res.setItemMisses++;
          else problem(res, `lst[${i}] = x: ${e}`);
        } else {
          added(x);
          res.setItems++;
        }
      } else if (op < 73) {
        const item = listPop(t, lst);
        if (item === 0) {
          const e = takeError(t);
          if (isError(e, 'IndexError: pop from empty list')) res.popsEmpty++;
          else problem(res, `pop(): ${e}`);
        } else if (!takePopped(item, 'pop()')) break;
      } else if (op < 78) {
        const i = rng.nextInt(2 * n + 3) - n - 1;
        const item = listPop(t, lst, i);
        if (item === 0) {
          const e = takeError(t);
          if (isError(e, 'IndexError: pop index out of range') || isError(e, 'IndexError: pop from empty list')) res.popIndexMisses++;
          else problem(res, `pop(${i}): ${e}`);
        } else if (!takePopped(item, `pop(${i})`)) break;
      } else if (op < 79) {
        listClear(t, lst);
        res.clears++;
      } else if (op < 82) {
        if (listSort(t, lst) === 0) res.sortsOk++;
        else {
          const e = takeError(t);
          if (isError(e, 'ValueError: list modified during sort')) res.sortsModified++;
          else problem(res, `sort(): ${e}`);
        }
      } else if (op < 94) {
        if (n === 0) continue;
        const i = rng.nextInt(n);
        const item = listGetItemRef(t, lst, i);
        res.reads++;
        if (item === 0) {
          const e = takeError(t);
          if (isError(e, 'IndexError: list index out of range')) res.readMisses++;
          else problem(res, `lst[${i}]: ${e}`);
        } else if (!readItem(item, `lst[${i}]`)) break;
      } else {
        const it = listIter(t, lst);
        if (it === 0) {
          problem(res, `listIter: ${takeError(t)}`);
          break;
        }
        for (let k = 0; k < 64; k++) {
          const item = listIterNext(t, it);
          if (item === 0) {
            if (errOccurred(t) !== 0) problem(res, `next(): ${takeError(t)}`);
            break;
          }
          if (!readItem(item, `pass item ${k}`)) break;
        }
        decref(t.rc, it);
        res.passes++;
      }
    }
  } catch (error) {
    threw(res, `step ${done}`, error);
  }
  if (res.violations > 0) abortAll(ctrl);
  ctx.progress(done);
  return res;
}

function mutReader(ctx: Ctx, rt: Runtime): MutReaderResult {
  const p = ctx.params;
  const t = rt.t;
  const ctrl = p.ctrl;
  const lst = p.list;
  const rng = ctx.rng;
  const res: MutReaderResult = { ...base('reader', rt), role: 'reader', reads: 0, readMisses: 0, passes: 0, itemsRead: 0 };
  const check = (item: number, what: string): boolean => {
    if (identity(t, p.addrs, item) < 0) {
      problem(res, `${what}: ${describeIdentity(t, p.addrs, item)}`);
      return false;
    }
    decref(t.rc, item);
    return true;
  };
  ctx.setCounter(0, PHASE_RUNNING);
  let step = 0;
  try {
    outer: while (Atomics.load(ctrl, C_DONE) < p.mutators && !aborted(ctrl)) {
      step++;
      if ((step & 7) === 0) {
        const it = listIter(t, lst);
        if (it === 0) {
          problem(res, `listIter: ${takeError(t)}`);
          break;
        }
        for (;;) {
          const item = listIterNext(t, it);
          if (item === 0) {
            if (errOccurred(t) !== 0) problem(res, `next(): ${takeError(t)}`);
            break;
          }
          res.itemsRead++;
          if (!check(item, 'pass')) {
            decref(t.rc, it);
            break outer;
          }
        }
        decref(t.rc, it);
        res.passes++;
      }
      for (let j = 0; j < 32; j++) {
        const n = listSize(t, lst);
        if (n === 0) continue;
        const i = rng.nextInt(n);
        const item = listGetItemRef(t, lst, i);
        res.reads++;
        if (item === 0) {
          const e = takeError(t);
          if (isError(e, 'IndexError: list index out of range')) res.readMisses++;
          else problem(res, `lst[${i}]: ${e}`);
          continue;
        }
        res.itemsRead++;
        if (!check(item, `lst[${i}]`)) break outer;
      }
      qsbrQuiescentState(rt.qsbr);
      safePoint(rt.participant);
      ctx.progress(step);
      ctx.setCounter(1, step);
    }
  } catch (error) {
    threw(res, `step ${step}`, error);
  }
  if (res.violations > 0) abortAll(ctrl);
  return res;
}

// --- sort -------------------------------------------------------------------------------------------------

function sorter(ctx: Ctx, rt: Runtime): SorterResult {
  const p = ctx.params;
  const t = rt.t;
  const ctrl = p.ctrl;
  const lst = p.list;
  const rng = ctx.rng;
  const L = p.length;
  const readers = ctx.workers - 1;
  const deadline = Date.now() + p.deadlineMs;
  const res: SorterResult = { ...base('sorter', rt), role: 'sorter', sorts: 0, shuffles: 0, finalKind: KIND_SHUFFLED };
  /** L/2 random swaps with setitem (not atomic: a reader may see an item twice meanwhile). */
  const shuffle = (): boolean => {
    for (let s = 0; s < L >> 1; s++) {
      const i = rng.nextInt(L);
      const j = rng.nextInt(L);
      if (i === j) continue;
      const a = listGetItemRef(t, lst, i);
      const b = a === 0 ? 0 : listGetItemRef(t, lst, j);
      if (a === 0 || b === 0) {
        problem(res, `shuffle: lst[${a === 0 ? i : j}]: ${takeError(t)}`);
        if (a !== 0) decref(t.rc, a);
        return false;
      }
      const ok = listSetItem(t, lst, i, b) === 0 && listSetItem(t, lst, j, a) === 0;
      decref(t.rc, a);
      decref(t.rc, b);
      if (!ok) {
        problem(res, `shuffle: setitem: ${takeError(t)}`);
        return false;
      }
    }
    return true;
  };
  ctx.setCounter(0, PHASE_RUNNING);
  let done = 0;
  try {
    for (; !ctx.shouldStop(done) && !aborted(ctrl); done++) {
      Atomics.add(ctrl, S_GEN, 1); // odd: an operation runs
      let kind: number;
      if (done % 3 === 0) {
        if (!shuffle()) break;
        res.shuffles++;
        kind = KIND_SHUFFLED;
      } else {
        const reverse = rng.nextInt(2) === 1;
        if (listSort(t, lst, 0, reverse) < 0) {
          problem(res, `sort(reverse=${reverse}): ${takeError(t)}`);
          break;
        }
        res.sorts++;
        kind = reverse ? KIND_DESCENDING : KIND_ASCENDING;
      }
      Atomics.store(ctrl, S_KIND, kind);
      const gen = Atomics.add(ctrl, S_GEN, 1) + 1; // even: the list is at rest
      Atomics.notify(ctrl, S_GEN);
      res.finalKind = kind;
      // Every reader checks a whole pass of the list at rest before the next operation.
      ctx.setCounter(0, PHASE_WAITING);
      for (let r = 0; r < readers; r++) {
        if (!waitWord(rt, ctrl, S_ACK + r, (v) => v >= gen, deadline)) {
          if (!aborted(ctrl)) problem(res, `reader ${r + 1} did not check the list after operation ${done + 1}`);
          break;
        }
      }
      ctx.setCounter(0, PHASE_RUNNING);
      safePoint(rt.participant);
      ctx.progress(done + 1);
      ctx.setCounter(1, done + 1);
    }
  } catch (error) {
    threw(res, `operation ${done + 1}`, error);
  }
  if (res.violations > 0) abortAll(ctrl);
  return res;
}

function sortReader(ctx: Ctx, rt: Runtime): SortReaderResult {
  const p = ctx.params;
  const t = rt.t;
  const ctrl = p.ctrl;
  const lst = p.list;
  const rng = ctx.rng;
  const L = p.length;
  const r = ctx.index - 1;
  const res: SortReaderResult = {
    ...base('reader', rt),
    role: 'reader',
    sizeReads: 0,
    sizeEmpty: 0,
    reads: 0,
    readsEmpty: 0,
    readsStableChecked: 0,
    passes: 0,
    fullPassesChecked: 0,
    snapshots: 0,
  };
  const seen = new Int32Array(L);
  const order = new Int32Array(L + 1);
  let lastAck = -1;
  let step = 0;
  const expectedAt = (kind: number, i: number): number => (kind === KIND_ASCENDING ? i : kind === KIND_DESCENDING ? L - 1 - i : -1);

  /** A whole pass of the list at rest (counter `gen`, even): all L ints, each once, in the order of the last operation. */
  const checkAtRest = (gen: number): boolean => {
    const kind = Atomics.load(ctrl, S_KIND);
    const it = listIter(t, lst);
    if (it === 0) {
      problem(res, `listIter: ${takeError(t)}`);
      return false;
    }
    let k = 0;
    for (;;) {
      const item = listIterNext(t, it);
      if (item === 0) break;
      const g = identity(t, p.addrs, item);
      if (g < 0 || k >= L) {
        problem(res, `pass at rest, index ${k}: ${g < 0 ? describeIdentity(t, p.addrs, item) : 'more items than the list has'}`);
        decref(t.rc, it);
        return false;
      }
      decref(t.rc, item);
      order[k++] = g;
    }
    decref(t.rc, it);
    res.passes++;
    if (Atomics.load(ctrl, S_GEN) !== gen) return true; // cannot happen: the sorter waits for this reader
    seen.fill(0);
    for (let i = 0; i < k; i++) {
      const e = expectedAt(kind, i);
      if (seen[order[i]!]++ !== 0 || (e >= 0 && order[i] !== e)) {
        problem(res, `pass at rest after a ${kind === KIND_SHUFFLED ? 'shuffle' : 'sort'}: index ${i} holds ${LIST_BASE + order[i]!}${e >= 0 ? `, expected ${LIST_BASE + e}` : ' twice'}`);
        return false;
      }
    }
    if (k !== L) {
      problem(res, `pass at rest saw ${k} of ${L} items`);
      return false;
    }
    res.fullPassesChecked++;
    Atomics.store(ctrl, S_ACK + r, gen);
    Atomics.notify(ctrl, S_ACK + r);
    return true;
  };

  ctx.setCounter(0, PHASE_RUNNING);
  try {
    while (Atomics.load(ctrl, C_DONE) === 0 && !aborted(ctrl)) {
      step++;
      const gen = Atomics.load(ctrl, S_GEN);
      if ((gen & 1) === 0 && gen > lastAck) {
        if (!checkAtRest(gen)) break;
        lastAck = gen;
      }
      const n = listSize(t, lst);
      res.sizeReads++;
      if (n === 0) res.sizeEmpty++;
      else if (n !== L) {
        problem(res, `len(lst) = ${n}, neither 0 nor ${L}`);
        break;
      }
      let bad = false;
      for (let j = 0; j < 32 && !bad; j++) {
        const g1 = Atomics.load(ctrl, S_GEN);
        const kind = Atomics.load(ctrl, S_KIND);
        const i = rng.nextInt(L);
        const item = listGetItemRef(t, lst, i);
        const g2 = Atomics.load(ctrl, S_GEN);
        const atRest = g1 === g2 && (g1 & 1) === 0;
        res.reads++;
        if (item === 0) {
          const e = takeError(t);
          if (!isError(e, 'IndexError: list index out of range')) problem(res, `lst[${i}]: ${e}`);
          else if (atRest) problem(res, `lst[${i}] failed while the list was at rest`);
          else {
            res.readsEmpty++;
            continue;
          }
          bad = true;
          break;
        }
        const g = identity(t, p.addrs, item);
        if (g < 0) {
          problem(res, `lst[${i}]: ${describeIdentity(t, p.addrs, item)}`);
          bad = true;
          break;
        }
        decref(t.rc, item);
        if (atRest && kind !== KIND_SHUFFLED) {
          res.readsStableChecked++;
          if (g !== expectedAt(kind, i)) {
            problem(res, `lst[${i}] = ${LIST_BASE + g} at rest after a sort, expected ${LIST_BASE + expectedAt(kind, i)}`);
            bad = true;
          }
        }
      }
      if (bad) break;
      if ((step & 15) === 0) {
        // An atomic snapshot takes the list's lock: it cannot overlap a sort, so it is always whole.
        const tuple = listAsTuple(t, lst);
        if (tuple === 0) {
          problem(res, `tuple(lst): ${takeError(t)}`);
          break;
        }
        const m = tupleSize(t, tuple);
        let foreign = 0;
        for (let i = 0; i < m; i++) if (identity(t, p.addrs, tupleGetItem(t, tuple, i)) < 0) foreign++;
        decref(t.rc, tuple);
        res.snapshots++;
        if (m !== L || foreign !== 0) {
          problem(res, `tuple(lst) has ${m} items (${foreign} foreign), expected ${L}`);
          break;
        }
      }
      qsbrQuiescentState(rt.qsbr);
      safePoint(rt.participant);
      ctx.progress(step);
      ctx.setCounter(1, step);
    }
  } catch (error) {
    threw(res, `step ${step}`, error);
  }
  if (res.violations > 0) abortAll(ctrl);
  return res;
}

// --- entry ----------------------------------------------------------------------------------------------------

runStressWorker<ListStressParams>((ctx) => {
  const p = ctx.params;
  const rt = joinRuntime(p.handle);
  const ctrl = p.ctrl;
  let result: ListWorkerResult | null = null;
  try {
    if (p.kind === 'readers-writer') {
      if (ctx.role === 'writer') {
        try {
          result = rwWriter(ctx, rt);
        } catch (error) {
          result = { ...base('writer', rt) };
          threw(result, 'the writer', error);
          abortAll(ctrl);
          throw error;
        } finally {
          // The readers end with a last pass once the writer is done, whatever happened to it.
          Atomics.store(ctrl, W_FINAL_COUNT, (result as RwWriterResult | null)?.finalCount ?? 0);
          Atomics.store(ctrl, W_DONE, 1);
          Atomics.notify(ctrl, W_DONE);
        }
      } else result = rwReader(ctx, rt);
    } else if (p.kind === 'mutators') {
      if (ctx.role === 'mutator') {
        try {
          result = mutator(ctx, rt);
        } finally {
          Atomics.add(ctrl, C_DONE, 1);
        }
      } else result = mutReader(ctx, rt);
    } else if (ctx.role === 'sorter') {
      try {
        result = sorter(ctx, rt);
      } finally {
        Atomics.store(ctrl, C_DONE, 1);
      }
    } else result = sortReader(ctx, rt);
  } finally {
    ctx.setCounter(0, PHASE_DONE);
    rt.close();
  }
  return result;
});
