/**
 * `slice` (`Objects/sliceobject.c`): `start`, `stop`, `step` objects (None
 * when not given), immutable and hashable (3.12+), and what sequences do
 * with one — `PySlice_Unpack` to integer bounds (`__index__`, clamped to
 * the index-sized range), `slice.indices(length)`.
 */

import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { decref, incref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { numberAsSsize, indexCheck } from './abstract-number.js';
import { objectReprJs } from './abstract.js';
import { errNoMemory, errOccurred, errRaise, errRaiseInt } from './errors.js';
import { intFromNumber } from './int.js';
import { SLICE_START_OFFSET, SLICE_STEP_OFFSET, SLICE_STOP_OFFSET, StaticType } from './layout.js';
import { sliceAdjustIndices, type SliceIndices } from './slice-indices.js';
import type { ObThread } from './ob-thread.js';
import { typeNameOf } from './subtype.js';
import { tupleFromArray, tupleRichCompare, xxHashItems } from './tuple.js';

/** Whether `op` is a slice (`PySlice_Check`: the type cannot be subclassed). @public */
export function sliceCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Slice];
}

/**
 * `PySlice_New(start, stop, step)`: a new slice; 0 for an argument means
 * None. A new reference, or 0 with MemoryError.
 * @public
 */
export function sliceNew(t: ObThread, start: number, stop: number, step: number): number {
  const op = gcNew(t.gc, t.types[StaticType.Slice]!);
  if (op === 0) return errNoMemory(t);
  const none = t.none;
  const fields = [start || none, stop || none, step || none];
  const offsets = [SLICE_START_OFFSET, SLICE_STOP_OFFSET, SLICE_STEP_OFFSET];
  for (let i = 0; i < 3; i++) {
    incref(t.rc, fields[i]!);
    t.u32[(op + offsets[i]!) >>> 2] = fields[i]!; // SAFETY: not published yet; never changed after
  }
  gcTrack(t.rc, op);
  return op;
}

/** The slice's `start`, `stop` or `step` (borrowed). @public */
export function sliceStart(t: ObThread, op: number): number {
  return t.u32[(op + SLICE_START_OFFSET) >>> 2]!;
}
/** The slice's stop (borrowed). @public */
export function sliceStop(t: ObThread, op: number): number {
  return t.u32[(op + SLICE_STOP_OFFSET) >>> 2]!;
}
/** The slice's step (borrowed). @public */
export function sliceStep(t: ObThread, op: number): number {
  return t.u32[(op + SLICE_STEP_OFFSET) >>> 2]!;
}

/** One bound of {@link sliceUnpack}: null for None, else its `__index__` clamped (a huge value reads as ±Infinity). */
function bound(t: ObThread, op: number): number | null | undefined {
  if (op === t.none) return null;
  if (!indexCheck(t, op)) {
    errRaise(t, StaticType.TypeError, 'slice indices must be integers or None or have an __index__ method');
    return undefined;
  }
  const n = numberAsSsize(t, op, null);
  if (n === -1 && errOccurred(t)) return undefined;
  return n === Number.MAX_SAFE_INTEGER ? Infinity : n === Number.MIN_SAFE_INTEGER ? -Infinity : n;
}

/**
 * `PySlice_Unpack`: the slice's bounds as integers (`null` for None,
 * ±Infinity for values past the index-sized range) in `out` — 0, or -1
 * with TypeError ("slice indices must be integers or None or have an
 * __index__ method") or ValueError ("slice step cannot be zero").
 * @public
 */
export function sliceUnpack(t: ObThread, op: number, out: { start: number | null; stop: number | null; step: number | null }): number {
  const step = bound(t, sliceStep(t, op));
  if (step === undefined) return -1;
  if (step === 0) return errRaiseInt(t, StaticType.ValueError, 'slice step cannot be zero');
  const start = bound(t, sliceStart(t, op));
  if (start === undefined) return -1;
  const stop = bound(t, sliceStop(t, op));
  if (stop === undefined) return -1;
  out.start = start;
  out.stop = stop;
  out.step = step;
  return 0;
}

/** This thread's scratch for {@link sliceIndices}. */
const unpacked: { start: number | null; stop: number | null; step: number | null } = { start: null, stop: null, step: null };
const adjusted: SliceIndices = { start: 0, stop: 0, step: 0 };

/**
 * `slice.indices(length)`: the tuple (start, stop, step) of the indices the
 * slice selects in a sequence of `length`; 0 with ValueError ("length
 * should not be negative") or the unpacking's error.
 * @public
 */
export function sliceIndices(t: ObThread, op: number, length: number): number {
  if (length < 0) return errRaise(t, StaticType.ValueError, 'length should not be negative');
  if (sliceUnpack(t, op, unpacked) < 0) return 0;
  sliceAdjustIndices(length, unpacked.start, unpacked.stop, unpacked.step, adjusted);
  const parts = [adjusted.start, adjusted.stop, adjusted.step].map((n) => intFromNumber(t, n));
  if (parts.some((p) => p === 0)) {
    for (const p of parts) if (p !== 0) decref(t.rc, p);
    return 0;
  }
  const tuple = tupleFromArray(t, parts);
  for (const p of parts) decref(t.rc, p);
  return tuple;
}

/** The slice as the tuple (start, stop, step) it compares and hashes as; 0 with MemoryError. */
function asTuple(t: ObThread, op: number): number {
  return tupleFromArray(t, [sliceStart(t, op), sliceStop(t, op), sliceStep(t, op)]);
}

/** `slice_repr`: `slice(1, None, None)`; null with the exception set. @public */
export function sliceReprJs(t: ObThread, op: number): string | null {
  const parts: string[] = [];
  for (const x of [sliceStart(t, op), sliceStop(t, op), sliceStep(t, op)]) {
    const r = objectReprJs(t, x);
    if (r === null) return null;
    parts.push(r);
  }
  return `slice(${parts.join(', ')})`;
}

/** `slice_richcompare`: as the tuples (start, stop, step); NotImplemented for a non-slice. @internal */
export function sliceRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if (!sliceCheck(t, b)) return t.notImplemented;
  if (a === b && (op === 2 || op === 3)) return op === 2 ? t.true : t.false;
  const ta = asTuple(t, a);
  if (ta === 0) return 0;
  const tb = asTuple(t, b);
  if (tb === 0) {
    decref(t.rc, ta);
    return 0;
  }
  const r = tupleRichCompare(t, ta, tb, op);
  decref(t.rc, ta);
  decref(t.rc, tb);
  return r;
}

/** `slice_hash` (3.12+): xxHash of start, stop and step as a tuple's, without the length term; -1 with TypeError for an unhashable bound. @internal */
export function sliceHash(t: ObThread, op: number): number {
  return xxHashItems(t, (op + SLICE_START_OFFSET) >>> 2, 3, false);
}

/** `slice_traverse`. @internal */
export function sliceTraverse(t: RcThread, op: number, visit: (child: number) => number): number {
  for (const offset of [SLICE_START_OFFSET, SLICE_STOP_OFFSET, SLICE_STEP_OFFSET]) {
    const r = visit(t.u32[(op + offset) >>> 2]!);
    if (r !== 0) return r;
  }
  return 0;
}

/** `slice_dealloc`: untracked, the three bounds released, freed. @internal */
export function sliceDealloc(t: ObThread, op: number): void {
  gcUntrack(t.rc, op);
  for (const offset of [SLICE_START_OFFSET, SLICE_STOP_OFFSET, SLICE_STEP_OFFSET]) {
    const x = t.u32[(op + offset) >>> 2]!;
    t.u32[(op + offset) >>> 2] = 0;
    if (x !== 0) decref(t.rc, x);
  }
  gcDel(t.gc, op);
}

/** TypeError for a subscript that is neither an int nor a slice: "list indices must be integers or slices, not str". @internal */
export function badSubscript(t: ObThread, what: string, key: number): 0 {
  return errRaise(t, StaticType.TypeError, `${what} indices must be integers or slices, not ${typeNameOf(t, key)}`);
}
