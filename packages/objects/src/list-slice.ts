/**
 * Slicing and the whole-list rearrangements of `list`
 * (`Objects/listobject.c`: `list_slice_wrap`, `list_ass_subscript`,
 * `list_ass_slice`, `list.remove`, `list.reverse`, `list.copy`,
 * `list.index` with bounds) and `PySlice_AdjustIndices`
 * (`Objects/sliceobject.c`), which the slice object reuses.
 *
 * The contract is list.ts's: every read of more than one item and every
 * mutation holds the list's critical section, and lock-free readers
 * (`lst[i]`, iteration) stay safe because writers keep to list.ts's
 * publication rules:
 * - items are stored with `Atomics.store` (CPython: release; shifts are
 *   relaxed there, so a reader may see an item twice or miss one, as the
 *   contract allows);
 * - the slots a mutation vacates (from the new size up) are zeroed before
 *   the size shrinks and before any removed item is released: a reader
 *   bounds its index by the array's capacity, not by the size, and a
 *   removed item that died could have its address reused by another
 *   object, which try-incref and the slot re-check would both accept;
 * - removed items are released after the critical section ends, last
 *   first as CPython does (their deallocs may run code);
 * - arrays are replaced only through `listResize`, which frees the old one
 *   through QSBR once the list is SHARED.
 */

import { criticalSectionBegin, criticalSectionBegin2, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET } from '@ft/refcount';
import { objectGetIter, objectReprJs, objectRichCompareBool, PY_EQ } from './abstract.js';
import { errClear, errExceptionMatches, errRaise, errRaiseInt } from './errors.js';
import { LIST_ALLOCATED_OFFSET, LIST_ITEMS_OFFSET, LIST_SIZE_OFFSET, StaticType, TUPLE_ITEMS_OFFSET } from './layout.js';
import { ensureSharedOnResize, freeItems, getItemRef, isShared, listCheckExact, listFromIterable, listNew, listResize } from './list.js';
import type { ObThread } from './ob-thread.js';
import { sliceAdjustIndices, sliceUnpackCheck, type SliceIndices } from './slice-indices.js';

export { sliceAdjustIndices, sliceUnpackCheck, type SliceIndices } from './slice-indices.js';
import { tupleCheckExact, tupleSize } from './tuple.js';

const SIZE = LIST_SIZE_OFFSET >>> 2;
const ITEMS = LIST_ITEMS_OFFSET >>> 2;
const ALLOCATED = LIST_ALLOCATED_OFFSET >>> 2;

/** Nothing removed. */
const NO_ITEMS = new Uint32Array(0);

/**
 * This thread's scratch for adjusted bounds (module scope is per thread). Read into locals at once:
 * an allocation may run a collection, and a finalizer may slice again.
 */
const bounds: SliceIndices = { start: 0, stop: 0, step: 0 };

// --- helpers under the critical section -------------------------------------------------

/**
 * `list_slice_lock_held` / `list_slice_step_lock_held`: a new list of the
 * `len` items from `start` by `step`; 0 with MemoryError. SAFETY: `op`'s
 * critical section is held.
 */
function sliceLocked(t: ObThread, op: number, start: number, step: number, len: number): number {
  const np = listNew(t, len);
  if (np === 0 || len === 0) return np;
  const u32 = t.u32;
  const from = u32[(op >>> 2) + ITEMS]! >>> 2;
  const to = u32[(np >>> 2) + ITEMS]! >>> 2;
  for (let i = 0, cur = start; i < len; i++, cur += step) {
    const item = u32[from + cur]!;
    incref(t.rc, item);
    u32[to + i] = item; // SAFETY: np is not shared yet
  }
  return np;
}

/**
 * `list_clear` with the lock held: empties the list at once (size 0 and no
 * array stored before anything is released) and hands back its items for
 * the caller to release after the lock. A list with no array (empty, or
 * being sorted) is left alone, as CPython does.
 * SAFETY: `op`'s critical section is held.
 * @internal
 */
export function listClearLocked(t: ObThread, op: number): Uint32Array {
  const u32 = t.u32;
  const base = op >>> 2;
  const items = u32[base + ITEMS]!;
  if (items === 0) return NO_ITEMS;
  const garbage = u32.slice(items >>> 2, (items >>> 2) + t.i32[base + SIZE]!);
  t.i32[base + ALLOCATED] = 0; // not -1: a sort running meanwhile sees the change
  Atomics.store(t.i32, base + SIZE, 0);
  Atomics.store(u32, base + ITEMS, 0); // CPython: release
  ensureSharedOnResize(t, op);
  freeItems(t, items, isShared(t, op));
  return garbage;
}

/**
 * Sets a smaller size after the caller has zeroed the vacated slots.
 * Shrinking never fails: when the smaller array cannot be allocated, the
 * list keeps the larger one (as listPop does).
 */
function shrinkLocked(t: ObThread, op: number, newSize: number): void {
  if (listResize(t, op, newSize) < 0) {
    errClear(t);
    Atomics.store(t.i32, (op >>> 2) + SIZE, newSize);
  }
}

/**
 * `list_ass_slice_lock_held`: replaces items `[ilow, ihigh)` (clamped to
 * the list) with the `n` items at word index `src` (new references are
 * taken). Returns the removed items for the caller to release after the
 * lock, or null with MemoryError (the list unchanged). `src` is never
 * `op`'s own array (self-assignment copies first).
 * SAFETY: `op`'s critical section is held, and the source's when it is a list.
 */
function assignSliceLocked(t: ObThread, op: number, ilow: number, ihigh: number, src: number, n: number): Uint32Array | null {
  const u32 = t.u32;
  const base = op >>> 2;
  const size = t.i32[base + SIZE]!;
  if (ilow < 0) ilow = 0;
  else if (ilow > size) ilow = size;
  if (ihigh < ilow) ihigh = ilow;
  else if (ihigh > size) ihigh = size;
  const d = n - (ihigh - ilow);
  if (size + d === 0) return listClearLocked(t, op);
  let items = u32[base + ITEMS]! >>> 2;
  const garbage = ihigh > ilow ? u32.slice(items + ilow, items + ihigh) : NO_ITEMS;
  if (d < 0) {
    // memmove, as CPython's: an old or a new item at each index for lock-free readers (list.ts, listInsert).
    u32.copyWithin(items + ihigh + d, items + ihigh, items + size);
    // The vacated tail is zeroed before the size shrinks: no removed item stays reachable within capacity.
    for (let k = size + d; k < size; k++) Atomics.store(u32, items + k, 0);
    shrinkLocked(t, op, size + d);
    items = u32[base + ITEMS]! >>> 2;
  } else if (d > 0) {
    if (listResize(t, op, size + d) < 0) return null;
    items = u32[base + ITEMS]! >>> 2;
    u32.copyWithin(items + ihigh + d, items + ihigh, items + size);
  }
  for (let k = 0; k < n; k++) {
    const item = u32[src + k]!;
    incref(t.rc, item);
    Atomics.store(u32, items + ilow + k, item); // CPython: release — the new reference is published
  }
  return garbage;
}

/**
 * The extended-slice branch of `list_ass_subscript`: stores the `len`
 * items at `src` over the items at `start`, `start + step`, …; returns the
 * replaced ones. SAFETY: as {@link assignSliceLocked}.
 */
function assignExtendedLocked(t: ObThread, op: number, start: number, step: number, len: number, src: number): Uint32Array {
  const u32 = t.u32;
  const items = u32[(op >>> 2) + ITEMS]! >>> 2;
  const garbage = new Uint32Array(len);
  for (let i = 0, cur = start; i < len; i++, cur += step) {
    garbage[i] = u32[items + cur]!;
    const item = u32[src + i]!;
    incref(t.rc, item);
    Atomics.store(u32, items + cur, item); // CPython: release
  }
  return garbage;
}

/**
 * The extended-slice deletion of `list_ass_subscript` (`step` > 0 here):
 * closes up the items that stay, zeroes the vacated tail, shrinks; returns
 * the removed items. SAFETY: `op`'s critical section is held.
 */
function deleteExtendedLocked(t: ObThread, op: number, start: number, step: number, len: number): Uint32Array {
  const u32 = t.u32;
  const size = t.i32[(op >>> 2) + SIZE]!;
  const items = u32[(op >>> 2) + ITEMS]! >>> 2;
  const garbage = new Uint32Array(len);
  let w = start;
  let g = 0;
  let next = start;
  for (let r = start; r < size; r++) {
    if (g < len && r === next) {
      garbage[g++] = u32[items + r]!;
      next += step;
    } else {
      Atomics.store(u32, items + w++, u32[items + r]!);
    }
  }
  for (let k = size - len; k < size; k++) Atomics.store(u32, items + k, 0);
  shrinkLocked(t, op, size - len);
  return garbage;
}

/** Releases removed items, last first (the order of `list_ass_slice`'s recycle loop). */
function releaseBackward(t: ObThread, garbage: Uint32Array): void {
  for (let i = garbage.length - 1; i >= 0; i--) decref(t.rc, garbage[i]!);
}

/** Releases removed items, first first (the order of the extended-slice branches). */
function releaseForward(t: ObThread, garbage: Uint32Array): void {
  for (let i = 0; i < garbage.length; i++) decref(t.rc, garbage[i]!);
}

/**
 * `PySequence_Fast` for what is neither an exact list nor an exact tuple:
 * `list(iter(value))`, with a TypeError from `iter()` replaced by
 * `message`; 0 with the exception set.
 */
function sequenceFastList(t: ObThread, value: number, message: string): number {
  const it = objectGetIter(t, value);
  if (it === 0) {
    if (errExceptionMatches(t, t.types[StaticType.TypeError]!)) errRaise(t, StaticType.TypeError, message);
    return 0;
  }
  const list = listFromIterable(t, it);
  decref(t.rc, it);
  return list;
}

// --- slicing -------------------------------------------------------------------------

/**
 * `lst[start:stop:step]` (`list_subscript` with a slice, `list_slice_wrap`):
 * a new list, a snapshot taken under the list's critical section; 0 with
 * an exception (ValueError "slice step cannot be zero", MemoryError).
 * `null` is None.
 * @public
 */
export function listGetSlice(t: ObThread, op: number, start: number | null, stop: number | null, step: number | null = null): number {
  if (sliceUnpackCheck(t, start, stop, step) < 0) return 0;
  const heap = t.heap;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  // SAFETY: the size is read under the critical section.
  const len = sliceAdjustIndices(t.i32[(op >>> 2) + SIZE]!, start, stop, step, bounds);
  const r = sliceLocked(t, op, bounds.start, bounds.step, len);
  criticalSectionEnd(heap);
  return r;
}

/**
 * `lst[start:stop:step] = iterable` (`list_ass_subscript` with a slice,
 * `list_ass_slice` for step 1): 0, or -1 with an exception — TypeError
 * "must assign iterable to extended slice" when `iterable` is not
 * iterable (CPython 3.13 says so for every step), ValueError "attempt to
 * assign sequence of size X to extended slice of size Y", ValueError
 * "slice step cannot be zero", MemoryError.
 *
 * What is assigned is one snapshot: an exact list under its own lock
 * together with `op`'s, `op` itself copied under its lock (`a[::-1] = a`
 * works), anything else but a tuple turned into a list before the lock is
 * taken (`PySequence_Fast`, which may run code). The bounds are adjusted
 * to the size the list has under the lock. Atomic.
 * @public
 */
export function listSetSlice(t: ObThread, op: number, start: number | null, stop: number | null, step: number | null, iterable: number): number {
  if (sliceUnpackCheck(t, start, stop, step) < 0) return -1;
  const heap = t.heap;
  const u32 = t.u32;
  let owned = 0; // a list this call made and releases: the copy of op, or list(iterable)
  let src = 0;
  let n = 0;
  if (iterable === op) {
    criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
    owned = sliceLocked(t, op, 0, 1, t.i32[(op >>> 2) + SIZE]!); // SAFETY: under the critical section
    if (owned === 0) {
      criticalSectionEnd(heap);
      return -1;
    }
  } else if (listCheckExact(t, iterable)) {
    criticalSectionBegin2(heap, op + OB_MUTEX_OFFSET, iterable + OB_MUTEX_OFFSET);
    // SAFETY: the source list's critical section is held with op's.
    src = u32[(iterable >>> 2) + ITEMS]! >>> 2;
    n = t.i32[(iterable >>> 2) + SIZE]!;
  } else if (tupleCheckExact(t, iterable)) {
    criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
    // A tuple's items never change: read without its lock.
    src = (iterable + TUPLE_ITEMS_OFFSET) >>> 2;
    n = tupleSize(t, iterable);
  } else {
    owned = sequenceFastList(t, iterable, 'must assign iterable to extended slice');
    if (owned === 0) return -1;
    criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  }
  if (owned !== 0) {
    // SAFETY: a list only this call holds.
    src = u32[(owned >>> 2) + ITEMS]! >>> 2;
    n = t.i32[(owned >>> 2) + SIZE]!;
  }
  const len = sliceAdjustIndices(t.i32[(op >>> 2) + SIZE]!, start, stop, step, bounds); // SAFETY: under the critical section
  const lo = bounds.start;
  const hi = bounds.stop;
  const st = bounds.step;
  let result = 0;
  let garbage: Uint32Array | null = NO_ITEMS;
  if (st === 1) {
    garbage = assignSliceLocked(t, op, lo, hi, src, n);
    if (garbage === null) result = -1;
  } else if (n !== len) {
    result = errRaiseInt(t, StaticType.ValueError, `attempt to assign sequence of size ${n} to extended slice of size ${len}`);
  } else if (len > 0) {
    garbage = assignExtendedLocked(t, op, lo, st, len, src);
  }
  criticalSectionEnd(heap);
  if (garbage !== null) {
    if (st === 1) releaseBackward(t, garbage);
    else releaseForward(t, garbage);
  }
  if (owned !== 0) decref(t.rc, owned);
  return result;
}

/**
 * `del lst[start:stop:step]` (`list_ass_subscript` with a slice and no
 * value): 0, or -1 with ValueError "slice step cannot be zero". Atomic;
 * the removed items are released after the lock.
 * @public
 */
export function listDelSlice(t: ObThread, op: number, start: number | null, stop: number | null, step: number | null = null): number {
  if (sliceUnpackCheck(t, start, stop, step) < 0) return -1;
  const heap = t.heap;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  const len = sliceAdjustIndices(t.i32[(op >>> 2) + SIZE]!, start, stop, step, bounds); // SAFETY: under the critical section
  let lo = bounds.start;
  const hi = bounds.stop;
  let st = bounds.step;
  const extended = st !== 1;
  let garbage: Uint32Array = NO_ITEMS;
  if (!extended) {
    garbage = assignSliceLocked(t, op, lo, hi, 0, 0) ?? NO_ITEMS; // never null: nothing grows
  } else if (len > 0) {
    if (st < 0) {
      // The same items walked upwards from the lowest.
      lo = lo + st * (len - 1);
      st = -st;
    }
    garbage = deleteExtendedLocked(t, op, lo, st, len);
  }
  criticalSectionEnd(heap);
  if (extended) releaseForward(t, garbage);
  else releaseBackward(t, garbage);
  return 0;
}

// --- whole-list operations -------------------------------------------------------------------

/**
 * `list.copy()` / `lst[:]` (`list_copy_impl`): a new list, a snapshot
 * taken under the list's critical section; 0 with MemoryError.
 * @public
 */
export function listCopy(t: ObThread, op: number): number {
  const heap = t.heap;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  const r = sliceLocked(t, op, 0, 1, t.i32[(op >>> 2) + SIZE]!); // SAFETY: under the critical section
  criticalSectionEnd(heap);
  return r;
}

/**
 * `list.reverse()` / `PyList_Reverse`: reverses in place under the
 * critical section; 0. A lock-free reader meanwhile may see an item at
 * its old and its new place (the contract allows it), never a stale one.
 * @public
 */
export function listReverse(t: ObThread, op: number): number {
  const heap = t.heap;
  const u32 = t.u32;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  // SAFETY: size, array and items are read under the critical section; only the stores need ordering.
  const n = t.i32[(op >>> 2) + SIZE]!;
  if (n > 1) {
    const items = u32[(op >>> 2) + ITEMS]! >>> 2;
    for (let lo = items, hi = items + n - 1; lo < hi; lo++, hi--) {
      const a = u32[lo]!;
      Atomics.store(u32, lo, u32[hi]!); // CPython: release
      Atomics.store(u32, hi, a);
    }
  }
  criticalSectionEnd(heap);
  return 0;
}

/**
 * `list.remove(value)`: removes the first item equal to `value`; 0, or -1
 * with ValueError "list.remove(x): x not in list" or what a comparison
 * raised. As CPython, the whole search holds the list's critical section
 * (re-entrant: an `__eq__` may mutate the list, which is re-read after
 * every comparison; the index found is then removed from the list as it
 * is). The removed item is released after the lock.
 * @public
 */
export function listRemove(t: ObThread, op: number, value: number): number {
  const heap = t.heap;
  const u32 = t.u32;
  const base = op >>> 2;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  // SAFETY: size, array and item are re-read under the critical section after every comparison.
  for (let i = 0; i < t.i32[base + SIZE]!; i++) {
    const item = u32[(u32[base + ITEMS]! >>> 2) + i]!;
    incref(t.rc, item);
    const cmp = objectRichCompareBool(t, item, value, PY_EQ);
    decref(t.rc, item);
    if (cmp > 0) {
      const garbage = assignSliceLocked(t, op, i, i + 1, 0, 0) ?? NO_ITEMS; // never null: nothing grows
      criticalSectionEnd(heap);
      releaseBackward(t, garbage);
      return 0;
    }
    if (cmp < 0) {
      criticalSectionEnd(heap);
      return -1;
    }
  }
  criticalSectionEnd(heap);
  return errRaiseInt(t, StaticType.ValueError, 'list.remove(x): x not in list');
}

/**
 * `list.index(value, start, stop)` (`list_index_impl`): the first index in
 * `[start, stop)` (negative bounds count from the end; `null` stop is the
 * end) whose item equals `value`, or -1 with ValueError "<repr> is not in
 * list" or what a comparison raised. Lock-free item by item, as CPython.
 * @public
 */
export function listIndexRange(t: ObThread, op: number, value: number, start = 0, stop: number | null = null): number {
  const size = Atomics.load(t.i32, (op >>> 2) + SIZE);
  let lo = start;
  let hi = stop === null ? Infinity : stop;
  if (lo < 0) {
    lo += size;
    if (lo < 0) lo = 0;
  }
  if (hi < 0) {
    hi += size;
    if (hi < 0) hi = 0;
  }
  for (let i = lo; i < hi; i++) {
    const item = getItemRef(t, op, i);
    if (item === 0) break;
    const eq = objectRichCompareBool(t, item, value, PY_EQ);
    decref(t.rc, item);
    if (eq > 0) return i;
    if (eq < 0) return -1;
  }
  const repr = objectReprJs(t, value);
  if (repr === null) return -1;
  return errRaiseInt(t, StaticType.ValueError, `${repr} is not in list`);
}
