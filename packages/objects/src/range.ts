/**
 * `range` (`Objects/rangeobject.c`): an immutable arithmetic sequence of
 * ints of any size — start, stop, step and the length kept as int objects —
 * with its iterator. Values that fit JavaScript's safe integers are
 * computed as numbers; larger ones with bigints.
 */

import { allocObject, decref, freeObject, incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { indexCheck, numberIndex } from './abstract-number.js';
import { objectRichCompareBool, PY_EQ, PY_NE } from './abstract.js';
import { errNoMemory, errRaise } from './errors.js';
import { intAsBigInt, intCheckExact, intCompactValue, intFromBigInt, intFromNumber, intIsCompact, intReprJs, longFromSafe } from './int.js';
import { RANGE_LENGTH_OFFSET, RANGE_START_OFFSET, RANGE_STEP_OFFSET, RANGE_STOP_OFFSET, RANGEITER_INDEX_OFFSET, RANGEITER_LEFT_OFFSET, RANGEITER_NEXT_OFFSET, RANGEITER_RANGE_OFFSET, RANGEITER_STEP_OFFSET, StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { sliceCheck, sliceStart, sliceStep, sliceStop } from './slice.js';
import { typeNameOf } from './subtype.js';
import { tupleFromArray, tupleHash, tupleGetItem, tupleSize } from './tuple.js';

/** Whether `op` is a range (`PyRange_Check`: the type cannot be subclassed). @public */
export function rangeCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Range];
}

/** A field of the range (borrowed int). */
function field(t: ObThread, op: number, offset: number): number {
  return t.u32[(op + offset) >>> 2]!;
}

/** An int object's value as a bigint. */
function big(t: ObThread, op: number): bigint {
  return intIsCompact(t, op) ? BigInt(intCompactValue(t, op)) : intAsBigInt(t, op);
}

/** `compute_range_length`: how many values lo, lo + step, … lie before hi. */
function lengthOf(lo: bigint, hi: bigint, step: bigint): bigint {
  if (step > 0n) return lo < hi ? (hi - lo - 1n) / step + 1n : 0n;
  return lo > hi ? (lo - hi - 1n) / -step + 1n : 0n;
}

/** A new range over bigint bounds; 0 with MemoryError. */
function make(t: ObThread, start: bigint, stop: bigint, step: bigint): number {
  const values = [start, stop, step, lengthOf(start, stop, step)].map((v) => intFromBigInt(t, v));
  if (values.some((v) => v === 0)) {
    for (const v of values) if (v !== 0) decref(t.rc, v);
    return 0;
  }
  const op = allocObject(t.rc, t.types[StaticType.Range]!);
  if (op === 0) {
    for (const v of values) decref(t.rc, v);
    return errNoMemory(t);
  }
  const offsets = [RANGE_START_OFFSET, RANGE_STOP_OFFSET, RANGE_STEP_OFFSET, RANGE_LENGTH_OFFSET];
  for (let i = 0; i < 4; i++) t.u32[(op + offsets[i]!) >>> 2] = values[i]!; // SAFETY: not published yet; never changed after
  return op;
}

/**
 * `range(stop)`, `range(start, stop[, step])` from the call's positional
 * arguments (a tuple): a new range, or 0 with CPython's errors ("range
 * expected at least 1 argument, got 0", "range() arg 3 must not be zero",
 * "'float' object cannot be interpreted as an integer").
 * @public
 */
export function rangeNew(t: ObThread, args: number): number {
  const n = tupleSize(t, args);
  if (n < 1) return errRaise(t, StaticType.TypeError, `range expected at least 1 argument, got ${n}`);
  if (n > 3) return errRaise(t, StaticType.TypeError, `range expected at most 3 arguments, got ${n}`);
  const ints: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const v = numberIndex(t, tupleGetItem(t, args, i));
    if (v === 0) return 0;
    ints.push(big(t, v));
    decref(t.rc, v);
  }
  if (n === 1) return make(t, 0n, ints[0]!, 1n);
  const step = n === 3 ? ints[2]! : 1n;
  if (step === 0n) return errRaise(t, StaticType.ValueError, 'range() arg 3 must not be zero');
  return make(t, ints[0]!, ints[1]!, step);
}

/** `range.start`, `.stop`, `.step` (borrowed ints). @public */
export function rangeStart(t: ObThread, op: number): number {
  return field(t, op, RANGE_START_OFFSET);
}
/** `range.stop` (borrowed). @public */
export function rangeStop(t: ObThread, op: number): number {
  return field(t, op, RANGE_STOP_OFFSET);
}
/** `range.step` (borrowed). @public */
export function rangeStep(t: ObThread, op: number): number {
  return field(t, op, RANGE_STEP_OFFSET);
}

/**
 * `len(r)`: the length, or -1 with OverflowError ("Python int too large to
 * convert to C ssize_t") past CPython's 64-bit `Py_ssize_t`.
 * @public
 */
export function rangeLength(t: ObThread, op: number): number {
  const length = field(t, op, RANGE_LENGTH_OFFSET);
  if (intIsCompact(t, length)) return intCompactValue(t, length);
  const n = intAsBigInt(t, length);
  if (n >= 2n ** 63n) {
    errRaise(t, StaticType.OverflowError, 'Python int too large to convert to C ssize_t');
    return -1;
  }
  return Number(n);
}

/** The length as a bigint (never raises). */
function lengthBig(t: ObThread, op: number): bigint {
  return big(t, field(t, op, RANGE_LENGTH_OFFSET));
}

/** `compute_item`: start + i * step, a new int. */
function itemAt(t: ObThread, op: number, i: bigint): number {
  const start = field(t, op, RANGE_START_OFFSET);
  const step = field(t, op, RANGE_STEP_OFFSET);
  if (intIsCompact(t, start) && intIsCompact(t, step) && i < 2n ** 22n) {
    const v = intCompactValue(t, start) + Number(i) * intCompactValue(t, step); // |v| < 2^53: exact
    return intFromNumber(t, v);
  }
  return intFromBigInt(t, big(t, start) + i * big(t, step));
}

/** `r[i]` for an index of any size: a new int, or 0 with IndexError ("range object index out of range"). @public */
export function rangeItem(t: ObThread, op: number, index: bigint): number {
  const length = lengthBig(t, op);
  const i = index < 0n ? index + length : index;
  if (i < 0n || i >= length) return errRaise(t, StaticType.IndexError, 'range object index out of range');
  return itemAt(t, op, i);
}

/**
 * `range_subscript`: `r[i]` or `r[a:b:c]` (a new range); 0 with IndexError
 * or TypeError ("range indices must be integers or slices, not str").
 * @public
 */
export function rangeSubscript(t: ObThread, op: number, key: number): number {
  if (sliceCheck(t, key)) {
    // `compute_slice` with `_PySlice_GetLongIndices`: the bounds as ints of any size, adjusted to the length.
    const length = lengthBig(t, op);
    const stepArg = bigBound(t, sliceStep(t, key));
    if (stepArg === undefined) return 0;
    const by = stepArg ?? 1n;
    if (by === 0n) return errRaise(t, StaticType.ValueError, 'slice step cannot be zero');
    const lower = by < 0n ? -1n : 0n;
    const upper = by < 0n ? length - 1n : length;
    const adjust = (b: bigint | null, dflt: bigint): bigint => {
      if (b === null) return dflt;
      const v = b < 0n ? b + length : b;
      return v < lower ? lower : v > upper ? upper : v;
    };
    const startArg = bigBound(t, sliceStart(t, key));
    if (startArg === undefined) return 0;
    const stopArg = bigBound(t, sliceStop(t, key));
    if (stopArg === undefined) return 0;
    const first = adjust(startArg, by < 0n ? upper : lower);
    const last = adjust(stopArg, by < 0n ? lower : upper);
    const start = big(t, field(t, op, RANGE_START_OFFSET));
    const step = big(t, field(t, op, RANGE_STEP_OFFSET));
    return make(t, start + first * step, start + last * step, step * by);
  }
  const index = numberIndex(t, key);
  if (index === 0) {
    if (t.error.type === t.types[StaticType.TypeError]) errRaise(t, StaticType.TypeError, `range indices must be integers or slices, not ${typeNameOf(t, key)}`);
    return 0;
  }
  const i = big(t, index);
  decref(t.rc, index);
  return rangeItem(t, op, i);
}

/** A slice bound as a bigint (`__index__`), null for None; undefined with TypeError. */
function bigBound(t: ObThread, op: number): bigint | null | undefined {
  if (op === t.none) return null;
  if (!indexCheck(t, op)) {
    errRaise(t, StaticType.TypeError, 'slice indices must be integers or None or have an __index__ method');
    return undefined;
  }
  const v = numberIndex(t, op);
  if (v === 0) return undefined;
  const b = big(t, v);
  decref(t.rc, v);
  return b;
}

/**
 * `x in r`: arithmetic for an exact int (or bool), else a comparison with
 * each item (`range_contains`). 1, 0, or -1.
 * @public
 */
export function rangeContains(t: ObThread, op: number, value: number): number {
  if (intCheckExact(t, value) || value === t.true || value === t.false) {
    const v = value === t.true ? 1n : value === t.false ? 0n : big(t, value);
    const start = big(t, field(t, op, RANGE_START_OFFSET));
    const stop = big(t, field(t, op, RANGE_STOP_OFFSET));
    const step = big(t, field(t, op, RANGE_STEP_OFFSET));
    const inside = step > 0n ? start <= v && v < stop : stop < v && v <= start;
    return inside && (v - start) % step === 0n ? 1 : 0;
  }
  const length = lengthBig(t, op);
  for (let i = 0n; i < length; i++) {
    const item = itemAt(t, op, i);
    if (item === 0) return -1;
    const eq = objectRichCompareBool(t, item, value, PY_EQ);
    decref(t.rc, item);
    if (eq !== 0) return eq;
  }
  return 0;
}

/** `range_repr`: `range(0, 10)` or `range(0, 10, 2)`. @public */
export function rangeReprJs(t: ObThread, op: number): string {
  const start = intReprJs(t, field(t, op, RANGE_START_OFFSET));
  const stop = intReprJs(t, field(t, op, RANGE_STOP_OFFSET));
  const step = field(t, op, RANGE_STEP_OFFSET);
  return intIsCompact(t, step) && intCompactValue(t, step) === 1 ? `range(${start}, ${stop})` : `range(${start}, ${stop}, ${intReprJs(t, step)})`;
}

/** `range_equals`: the same sequence — the same length, and the same first item and step where those matter. */
function rangeEquals(t: ObThread, a: number, b: number): boolean {
  if (a === b) return true;
  const length = lengthBig(t, a);
  if (length !== lengthBig(t, b)) return false;
  if (length === 0n) return true;
  if (big(t, field(t, a, RANGE_START_OFFSET)) !== big(t, field(t, b, RANGE_START_OFFSET))) return false;
  if (length === 1n) return true;
  return big(t, field(t, a, RANGE_STEP_OFFSET)) === big(t, field(t, b, RANGE_STEP_OFFSET));
}

/** `range_richcompare`: `==` and `!=` only. @internal */
export function rangeRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if (!rangeCheck(t, b) || (op !== PY_EQ && op !== PY_NE)) return t.notImplemented;
  return rangeEquals(t, a, b) === (op === PY_EQ) ? t.true : t.false;
}

/** `range_hash`: the hash of (len, None, None), (1, start, None) or (len, start, step), so equal ranges hash alike. @internal */
export function rangeHash(t: ObThread, op: number): number {
  const length = field(t, op, RANGE_LENGTH_OFFSET);
  const n = lengthBig(t, op);
  const parts = [length, n === 0n ? t.none : field(t, op, RANGE_START_OFFSET), n <= 1n ? t.none : field(t, op, RANGE_STEP_OFFSET)];
  const tuple = tupleFromArray(t, parts);
  if (tuple === 0) return -1;
  const h = tupleHash(t, tuple);
  decref(t.rc, tuple);
  return h;
}

/** `range_dealloc`: its four ints released, then freed. @internal */
export function rangeDealloc(t: ObThread, op: number): void {
  for (const offset of [RANGE_START_OFFSET, RANGE_STOP_OFFSET, RANGE_STEP_OFFSET, RANGE_LENGTH_OFFSET]) {
    const v = field(t, op, offset);
    if (v !== 0) decref(t.rc, v);
  }
  freeObject(t.rc, op);
}

/** `bool(r)`. @internal */
export function rangeBool(t: ObThread, op: number): number {
  return lengthBig(t, op) !== 0n ? 1 : 0;
}

// --- the iterator ------------------------------------------------------------------

/** `iter(r)`: a new range_iterator, or 0 with MemoryError. @public */
export function rangeIter(t: ObThread, op: number): number {
  const it = allocObject(t.rc, t.types[StaticType.RangeIter]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, op);
  const f64 = t.f64;
  // SAFETY: not published yet.
  t.u32[(it + RANGEITER_RANGE_OFFSET) >>> 2] = op;
  f64[(it + RANGEITER_INDEX_OFFSET) >>> 3] = 0;
  f64[(it + RANGEITER_LEFT_OFFSET) >>> 3] = -1;
  const length = field(t, op, RANGE_LENGTH_OFFSET);
  const start = field(t, op, RANGE_START_OFFSET);
  const step = field(t, op, RANGE_STEP_OFFSET);
  if (intIsCompact(t, length) && intIsCompact(t, start) && intIsCompact(t, step)) {
    // CPython's `rangeiterobject` (bounds in C longs): every item an exact double, counted down.
    const n = intCompactValue(t, length);
    const first = intCompactValue(t, start);
    const by = intCompactValue(t, step);
    if (n === 0 || Number.isSafeInteger(first + (n - 1) * by)) {
      f64[(it + RANGEITER_NEXT_OFFSET) >>> 3] = first;
      f64[(it + RANGEITER_STEP_OFFSET) >>> 3] = by;
      f64[(it + RANGEITER_LEFT_OFFSET) >>> 3] = n;
    }
  }
  return it;
}

/** `rangeiter_len` / `longrangeiter_len` (`range_iterator.__length_hint__`): the items left, a new int or 0 with MemoryError. @internal */
export function rangeIterLengthHint(t: ObThread, it: number): number {
  const op = t.u32[(it + RANGEITER_RANGE_OFFSET) >>> 2]!;
  const left = lengthBig(t, op) - BigInt(t.f64[(it + RANGEITER_INDEX_OFFSET) >>> 3]!);
  return intFromBigInt(t, left > 0n ? left : 0n);
}

/**
 * `rangeiter_next`: the next int (a new reference), or 0 at the end (no
 * exception). An iterator is not shared between threads by the VM's
 * contract; here its index is read and written with plain accesses, as
 * CPython 3.13's are (racing `next` calls may repeat an item, never crash).
 * @public
 */
export function rangeIterNext(t: ObThread, it: number): number {
  const f64 = t.f64;
  const left = f64[(it + RANGEITER_LEFT_OFFSET) >>> 3]!;
  if (left >= 0) {
    if (left === 0) return 0;
    const v = f64[(it + RANGEITER_NEXT_OFFSET) >>> 3]!;
    f64[(it + RANGEITER_NEXT_OFFSET) >>> 3] = v + f64[(it + RANGEITER_STEP_OFFSET) >>> 3]!;
    f64[(it + RANGEITER_LEFT_OFFSET) >>> 3] = left - 1;
    return longFromSafe(t, v);
  }
  return rangeIterNextBig(t, it);
}

/** {@link rangeIterNext} of a range past the exact doubles: the index against the length, in bigints. */
function rangeIterNextBig(t: ObThread, it: number): number {
  const op = t.u32[(it + RANGEITER_RANGE_OFFSET) >>> 2]!;
  const index = t.f64[(it + RANGEITER_INDEX_OFFSET) >>> 3]!;
  if (BigInt(index) >= lengthBig(t, op)) return 0;
  t.f64[(it + RANGEITER_INDEX_OFFSET) >>> 3] = index + 1;
  return itemAt(t, op, BigInt(index));
}

/** The iterator's dealloc. @internal */
export function rangeIterDealloc(t: ObThread, it: number): void {
  const op = t.u32[(it + RANGEITER_RANGE_OFFSET) >>> 2]!;
  if (op !== 0) decref(t.rc, op);
  freeObject(t.rc, it);
}

/**
 * `range.index(x)`: for an int or a bool CPython's arithmetic answer
 * (ValueError "5 is not in range"); anything else is compared with each
 * item ("sequence.index(x): x not in sequence").
 * @public
 */
export function rangeIndex(t: ObThread, op: number, value: number): number {
  const isInt = intCheckExact(t, value) || value === t.true || value === t.false;
  const found = isInt ? rangeContains(t, op, value) : 1;
  if (found < 0) return 0;
  if (found === 0) return errRaise(t, StaticType.ValueError, `${value === t.true ? 'True' : value === t.false ? 'False' : intReprJs(t, value)} is not in range`);
  if (isInt) {
    const start = big(t, field(t, op, RANGE_START_OFFSET));
    const step = big(t, field(t, op, RANGE_STEP_OFFSET));
    return intFromBigInt(t, (big(t, value) - start) / step);
  }
  // Not an int: the first equal item's position.
  const length = lengthBig(t, op);
  for (let i = 0n; i < length; i++) {
    const item = itemAt(t, op, i);
    if (item === 0) return 0;
    const eq = objectRichCompareBool(t, item, value, PY_EQ);
    decref(t.rc, item);
    if (eq < 0) return 0;
    if (eq > 0) return intFromBigInt(t, i);
  }
  return errRaise(t, StaticType.ValueError, 'sequence.index(x): x not in sequence');
}

/**
 * `range.count(x)`: 1 or 0 for an int or a bool (whether it is in the
 * range), else the number of items equal to `x`; -1 with what a
 * comparison raised.
 * @public
 */
export function rangeCount(t: ObThread, op: number, value: number): number {
  if (intCheckExact(t, value) || value === t.true || value === t.false) return rangeContains(t, op, value);
  const length = lengthBig(t, op);
  let count = 0;
  for (let i = 0n; i < length; i++) {
    const item = itemAt(t, op, i);
    if (item === 0) return -1;
    const eq = objectRichCompareBool(t, item, value, PY_EQ);
    decref(t.rc, item);
    if (eq < 0) return -1;
    count += eq;
  }
  return count;
}
