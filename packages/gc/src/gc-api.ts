/**
 * The `gc` module's functions as TypeScript (CPython's `Modules/gcmodule.c`
 * over the free-threaded `_PyGC_*` functions); the Python module of
 * `@ft/interp` is a thin wrapper around them. Wrong arguments raise what
 * CPython raises, as JavaScript errors: `TypeError` with CPython's message,
 * `RangeError` where CPython raises `ValueError` or `OverflowError`.
 *
 * The heap walks (`getObjects`, `getReferrers`, `freeze`...) stop the world
 * and visit the GC heaps, as CPython's do; each returns its result after the
 * world runs again.
 */

import { startTheWorld, stopTheWorld } from '@ft/atomics';
import { miVisitBlocks } from '@ft/mimalloc';
import { GC_BITS_FROZEN, GC_BITS_TRACKED, GC_BITS_UNREACHABLE, incref, OB_GC_BITS_OFFSET } from '@ft/refcount';
import { collectMain } from './collect.js';
import type { GcThread } from './gc-thread.js';
import { gcWord } from './gc-state.js';
import {
  GC_DEBUG_OFFSET,
  GC_ENABLED_OFFSET,
  GC_FREEZE_ACTIVE_OFFSET,
  GC_GROUP_OFFSET,
  GC_OLD0_COUNT_OFFSET,
  GC_OLD0_THRESHOLD_OFFSET,
  GC_OLD1_COUNT_OFFSET,
  GC_OLD1_THRESHOLD_OFFSET,
  GC_REASON_MANUAL,
  GC_STATS_OFFSET,
  GC_PAUSES_OFFSET,
  GC_PAUSE_MAX_MS_OFFSET,
  GC_PAUSE_TOTAL_MS_OFFSET,
  GC_STATS_SIZE,
  GC_YOUNG_COUNT_OFFSET,
  GC_YOUNG_THRESHOLD_OFFSET,
  NUM_GENERATIONS,
} from './layout.js';
import { GC_HEAPS_MASK, traverseObject } from './traverse.js';

const INT_MAX = 0x7fffffff;
const INT_MIN = -0x80000000;

/** CPython's name for the type of a JavaScript value in "cannot be interpreted as an integer". */
function pythonTypeName(value: unknown): string {
  if (typeof value === 'number') return 'float';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'bigint') return 'int';
  return typeof value === 'function' ? 'function' : 'object';
}

/** A C `int` argument: an integer number in the int32 range. */
function intArgument(value: unknown): number {
  if (typeof value === 'bigint') {
    if (value > BigInt(INT_MAX)) throw new RangeError('signed integer is greater than maximum');
    if (value < BigInt(INT_MIN)) throw new RangeError('signed integer is less than minimum');
    return Number(value);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`'${pythonTypeName(value)}' object cannot be interpreted as an integer`);
  if (value > INT_MAX) throw new RangeError('signed integer is greater than maximum');
  if (value < INT_MIN) throw new RangeError('signed integer is less than minimum');
  return value;
}

/**
 * `gc.collect(generation=2)`: runs a full collection on this thread and
 * returns the number of unreachable objects found; 0 when a collection is
 * already running (CPython's behaviour when called from a finalizer).
 * `RangeError('invalid generation')` outside 0..2.
 * @example
 * ```ts
 * const found = gcCollect(gt);
 * ```
 * @public
 */
export function gcCollect(gt: GcThread, generation: number = NUM_GENERATIONS - 1): number {
  const g = intArgument(generation);
  if (g < 0 || g >= NUM_GENERATIONS) throw new RangeError('invalid generation');
  return collectMain(gt, g, GC_REASON_MANUAL);
}

/** `gc.enable()`. @public */
export function gcEnable(gt: GcThread): void {
  Atomics.store(gt.i32, gcWord(gt.state, GC_ENABLED_OFFSET), 1);
}

/** `gc.disable()`. @public */
export function gcDisable(gt: GcThread): void {
  Atomics.store(gt.i32, gcWord(gt.state, GC_ENABLED_OFFSET), 0);
}

/** `gc.isenabled()`. @public */
export function gcIsEnabled(gt: GcThread): boolean {
  return Atomics.load(gt.i32, gcWord(gt.state, GC_ENABLED_OFFSET)) !== 0;
}

/**
 * `gc.get_count()`: the young count including this thread's buffered
 * allocations — read, not flushed (gh-157377) — and the old generations'
 * collection counts.
 * @public
 */
export function gcGetCount(gt: GcThread): [number, number, number] {
  const i32 = gt.i32;
  return [
    Math.max(0, Atomics.load(i32, gcWord(gt.state, GC_YOUNG_COUNT_OFFSET)) + gt.allocCount),
    Atomics.load(i32, gcWord(gt.state, GC_OLD0_COUNT_OFFSET)),
    Atomics.load(i32, gcWord(gt.state, GC_OLD1_COUNT_OFFSET)),
  ];
}

/** `gc.get_threshold()`. @public */
export function gcGetThreshold(gt: GcThread): [number, number, number] {
  const i32 = gt.i32;
  return [
    Atomics.load(i32, gcWord(gt.state, GC_YOUNG_THRESHOLD_OFFSET)),
    Atomics.load(i32, gcWord(gt.state, GC_OLD0_THRESHOLD_OFFSET)),
    Atomics.load(i32, gcWord(gt.state, GC_OLD1_THRESHOLD_OFFSET)),
  ];
}

/**
 * `gc.set_threshold(threshold0[, threshold1[, threshold2]])`: C ints, as
 * CPython (a negative threshold is accepted; 0 disables automatic
 * collection). The words are written with `Atomics` (GH-148613).
 * @public
 */
export function gcSetThreshold(gt: GcThread, threshold0: number, threshold1?: number, threshold2?: number): void {
  const t0 = intArgument(threshold0);
  const t1 = threshold1 === undefined ? undefined : intArgument(threshold1);
  const t2 = threshold2 === undefined ? undefined : intArgument(threshold2);
  Atomics.store(gt.i32, gcWord(gt.state, GC_YOUNG_THRESHOLD_OFFSET), t0);
  if (t1 !== undefined) Atomics.store(gt.i32, gcWord(gt.state, GC_OLD0_THRESHOLD_OFFSET), t1);
  if (t2 !== undefined) Atomics.store(gt.i32, gcWord(gt.state, GC_OLD1_THRESHOLD_OFFSET), t2);
}

/** `gc.get_debug()`. @public */
export function gcGetDebug(gt: GcThread): number {
  return Atomics.load(gt.i32, gcWord(gt.state, GC_DEBUG_OFFSET));
}

/** `gc.set_debug(flags)`: `DEBUG_*` bits. @public */
export function gcSetDebug(gt: GcThread, flags: number): void {
  Atomics.store(gt.i32, gcWord(gt.state, GC_DEBUG_OFFSET), intArgument(flags));
}

/** One generation's entry of {@link gcGetStats}. @public */
export interface GcGenerationStats {
  /** Collections of this generation so far. */
  readonly collections: number;
  /** Objects they freed. */
  readonly collected: number;
  /** Unreachable objects they could not free (legacy finalizers). */
  readonly uncollectable: number;
}

/** `gc.get_stats()`: per generation, collections run and objects collected and found uncollectable. @public */
export function gcGetStats(gt: GcThread): GcGenerationStats[] {
  const u32 = gt.u32;
  const stats: GcGenerationStats[] = [];
  for (let g = 0; g < NUM_GENERATIONS; g++) {
    const at = (gt.state + GC_STATS_OFFSET + g * GC_STATS_SIZE) >>> 2;
    stats.push({ collections: Atomics.load(u32, at), collected: Atomics.load(u32, at + 1), uncollectable: Atomics.load(u32, at + 2) });
  }
  return stats;
}

/** The collector's stop-the-world pauses so far (for `ft --stats`). @public */
export interface GcPauseStats {
  /** Pauses (a collection makes two: marking, then the resurrection check and clearing). */
  readonly pauses: number;
  /** Their total, in ms. */
  readonly totalMs: number;
  /** The longest, in ms. */
  readonly maxMs: number;
}

/** The pauses of every collection so far (a snapshot; a collection may be running). @public */
export function gcGetPauseStats(gt: GcThread): GcPauseStats {
  const f64 = gt.heap.f64;
  return {
    pauses: Atomics.load(gt.u32, (gt.state + GC_PAUSES_OFFSET) >>> 2),
    totalMs: f64[(gt.state + GC_PAUSE_TOTAL_MS_OFFSET) >>> 3]!,
    maxMs: f64[(gt.state + GC_PAUSE_MAX_MS_OFFSET) >>> 3]!,
  };
}

/**
 * Runs `visit` on every tracked object of the GC heaps with the world
 * stopped (`gc_visit_heaps` with `op_from_block`; frozen ones only with
 * `includeFrozen`). `visit` must not allocate or free in the shared heap.
 */
function visitStopped(gt: GcThread, includeFrozen: boolean, visit: (op: number) => void): void {
  const group = gt.u32[(gt.state + GC_GROUP_OFFSET) >>> 2];
  const skip = includeFrozen ? 0 : GC_BITS_FROZEN;
  stopTheWorld(gt.heap, group);
  try {
    miVisitBlocks(gt.mi, GC_HEAPS_MASK, (_block, _size, op) => {
      const bits = gt.u8[op + OB_GC_BITS_OFFSET];
      if ((bits & GC_BITS_TRACKED) !== 0 && (bits & skip) === 0) visit(op);
    });
  } finally {
    startTheWorld(gt.heap, group);
  }
}

function checkObjectsGeneration(generation: number | undefined): void {
  if (generation === undefined) return;
  const g = intArgument(generation);
  if (g >= NUM_GENERATIONS) throw new RangeError(`generation parameter must be less than the number of available generations (${NUM_GENERATIONS})`);
  if (g < -1) throw new RangeError('generation parameter cannot be negative');
}

/**
 * `gc.get_objects(generation=None)`: every tracked object, each with a new
 * reference the caller owns. The free-threaded collector has no generations:
 * any valid generation gives every object, as CPython 3.13t.
 * @public
 */
export function gcGetObjects(gt: GcThread, generation?: number): number[] {
  checkObjectsGeneration(generation);
  const found: number[] = [];
  // The references are taken while the world is stopped (CPython's visitor appends to the list there): once it
  // starts again another thread may free an object found, and an incref after that would land in freed memory.
  visitStopped(gt, true, (op) => {
    if ((gt.u8[op + OB_GC_BITS_OFFSET] & (GC_BITS_UNREACHABLE | GC_BITS_FROZEN)) !== 0) return;
    incref(gt.rc, op);
    found.push(op);
  });
  return found;
}

/**
 * `gc.get_referrers(*objs)`: the tracked objects whose traverse visits one
 * of `objs`, each with a new reference.
 * @public
 */
export function gcGetReferrers(gt: GcThread, ...objs: number[]): number[] {
  const targets = new Set(objs);
  const found: number[] = [];
  const visit = (child: number): number => (targets.has(child) ? 1 : 0);
  visitStopped(gt, true, (op) => {
    if ((gt.u8[op + OB_GC_BITS_OFFSET] & (GC_BITS_UNREACHABLE | GC_BITS_FROZEN)) !== 0) return;
    if (traverseObject(gt, op, visit) === 0) return;
    incref(gt.rc, op); // while the world is stopped, as in gcGetObjects
    found.push(op);
  });
  return found;
}

/**
 * `gc.get_referents(*objs)`: what the traverse of each of `objs` visits,
 * each with a new reference (objects without a traverse behaviour have none).
 * @public
 */
export function gcGetReferents(gt: GcThread, ...objs: number[]): number[] {
  const found: number[] = [];
  for (const op of objs) {
    traverseObject(gt, op, (child) => {
      if (child !== 0) found.push(child);
      return 0;
    });
  }
  for (const op of found) incref(gt.rc, op);
  return found;
}

/**
 * `gc.freeze()`: every tracked object becomes FROZEN — ignored by
 * collections from now on — and the mark-alive pre-pass is off until
 * {@link gcUnfreeze}.
 * @public
 */
export function gcFreeze(gt: GcThread): void {
  Atomics.store(gt.i32, gcWord(gt.state, GC_FREEZE_ACTIVE_OFFSET), 1);
  visitStopped(gt, true, (op) => {
    if ((gt.u8[op + OB_GC_BITS_OFFSET] & GC_BITS_UNREACHABLE) === 0) Atomics.or(gt.u8, op + OB_GC_BITS_OFFSET, GC_BITS_FROZEN);
  });
}

/** `gc.unfreeze()`. @public */
export function gcUnfreeze(gt: GcThread): void {
  Atomics.store(gt.i32, gcWord(gt.state, GC_FREEZE_ACTIVE_OFFSET), 0);
  visitStopped(gt, true, (op) => {
    Atomics.and(gt.u8, op + OB_GC_BITS_OFFSET, ~GC_BITS_FROZEN);
  });
}

/** `gc.get_freeze_count()`. @public */
export function gcGetFreezeCount(gt: GcThread): number {
  let count = 0;
  visitStopped(gt, true, (op) => {
    if ((gt.u8[op + OB_GC_BITS_OFFSET] & GC_BITS_FROZEN) !== 0) count++;
  });
  return count;
}

/**
 * `PyUnstable_GC_VisitObjects`: calls `visit` on every tracked, unfrozen
 * object with the world stopped, until it returns false.
 * @public
 */
export function gcVisitObjects(gt: GcThread, visit: (op: number) => boolean): void {
  let going = true;
  visitStopped(gt, false, (op) => {
    if (going) going = visit(op);
  });
}
