/**
 * `list` (`Objects/listobject.c`) with CPython's free-threaded contract
 * (`reference/threadsafety-contract.md`): every mutation holds the list's
 * critical section (`ob_mutex`); `lst[i]`, iteration, `len()` and
 * membership read without a lock.
 *
 * How a lock-free read stays safe (`list_get_item_ref`): the item array
 * carries its capacity in front (`_PyListArray`), so a reader that loaded
 * an array — older or newer than the size it read — bounds-checks against
 * that array's own capacity; writers store items and the array pointer
 * with `Atomics.store` (CPython: release) after filling them; a reader
 * takes its reference with try-incref and re-checks the slot, falling
 * back to the locked path when the item is dying or the slot changed; and
 * an array replaced while the list is SHARED (touched by a non-owner) is
 * freed through QSBR, so no reader can be left holding a freed array. A
 * non-owner's first read takes the lock once and marks the list SHARED
 * (`ensure_shared_on_read`); from then on readers never lock.
 *
 * `list.sort` empties the list while it sorts (size 0, no array,
 * `allocated` -1), so other threads see `[]` and a comparison cannot
 * disturb the array; a mutation meanwhile makes it raise
 * `ValueError: list modified during sort`.
 */

import { criticalSectionBegin, criticalSectionBegin2, criticalSectionEnd } from '@ft/atomics';
import { gcNew, gcTrack, gcUntrack, gcDel } from '@ft/gc';
import { memFreeDelayed, pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import {
  decref,
  GC_BITS_SHARED,
  incref,
  newRefWithLock,
  OB_GC_BITS_OFFSET,
  OB_MUTEX_OFFSET,
  OB_TID_OFFSET,
  OB_TYPE_OFFSET,
  tryIncrefCompare,
  type RcThread,
} from '@ft/refcount';
import { iterNext, objectGetIter, objectRichCompare, objectRichCompareBool, objectReprJs, PY_EQ, PY_LT, PY_NE } from './abstract.js';
import { objectCall } from './call.js';
import { dictCheckExact, dictSnapshot, dictViewOf } from './dict.js';
import { anySetCheckExact, setSnapshot } from './set.js';
import { errClear, errNoMemory, errOccurred, errRaise, errRaiseInt } from './errors.js';
import { intCheckExact, intCompactValue, intIsCompact, intCompare } from './int.js';
import {
  LIST_ALLOCATED_OFFSET,
  LIST_ARRAY_HEADER_SIZE,
  LIST_ITEMS_OFFSET,
  LIST_MAX_SIZE,
  LIST_SIZE_OFFSET,
  SEQITER_INDEX_OFFSET,
  SEQITER_SEQ_OFFSET,
  StaticType,
  TPFLAGS_LIST_SUBCLASS,
  TUPLE_ITEMS_OFFSET,
} from './layout.js';
import { timsort, reverseSlice, type LessThan } from './list-sort.js';
import type { ObThread } from './ob-thread.js';
import { strCheckExact, strCompare } from './str.js';
import { typeHasFlag, typeOf } from './subtype.js';
import { compareLengths, tupleCheckExact, tupleFromArray, tupleSize } from './tuple.js';

/**
 * Test seams: the stress test's controls turn a safety step off to show
 * that its checks catch a list without it. Never false otherwise.
 * @internal
 */
export const listSeams = { capacityCheck: true, qsbrFree: true };

const SIZE = LIST_SIZE_OFFSET >>> 2;
const ITEMS = LIST_ITEMS_OFFSET >>> 2;
const ALLOCATED = LIST_ALLOCATED_OFFSET >>> 2;

/** Whether `op` is an exact list (`PyList_CheckExact`). @public */
export function listCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.List];
}

// --- the item array ----------------------------------------------------------

/** `list_allocate_array`: an array of `capacity` items (capacity in front), or 0. Its items are not initialised. */
function allocateArray(t: ObThread, capacity: number): number {
  if (capacity > LIST_MAX_SIZE) return 0;
  const array = pyMemMalloc(t.domains, LIST_ARRAY_HEADER_SIZE + 4 * capacity);
  if (array === 0) return 0;
  t.u32[array >>> 2] = capacity; // SAFETY: not published yet
  return array + LIST_ARRAY_HEADER_SIZE;
}

/** `free_list_items`: frees an item array, through QSBR when lock-free readers may hold it. @internal */
export function freeItems(t: ObThread, items: number, useQsbr: boolean): void {
  if (items === 0) return;
  const array = items - LIST_ARRAY_HEADER_SIZE;
  if (useQsbr && listSeams.qsbrFree) memFreeDelayed(t.qsbr, t.freeIds, array);
  else pyMemFree(t.domains, array);
}

/** `list_capacity(items)`: the capacity an array was allocated with. */
function capacityOf(t: ObThread, items: number): number {
  return t.u32[(items - LIST_ARRAY_HEADER_SIZE) >>> 2]!; // SAFETY: written before the array was published, never changed
}

/** Whether the list is SHARED (`_PyObject_GC_IS_SHARED`): a non-owner has touched it. @internal */
export function isShared(t: ObThread, op: number): boolean {
  return (Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_SHARED) !== 0;
}

/**
 * `ensure_shared_on_resize`: a non-owner that replaces the array marks the
 * list SHARED first, so that the old array goes through QSBR (a reader on
 * the owner's side may hold it). SAFETY: the critical section is held.
 * @internal
 */
export function ensureSharedOnResize(t: ObThread, op: number): void {
  if (Atomics.load(t.u32, (op + OB_TID_OFFSET) >>> 2) !== t.rc.tid && !isShared(t, op)) Atomics.or(t.u8, op + OB_GC_BITS_OFFSET, GC_BITS_SHARED);
}

/**
 * `list_resize`: makes room for `newSize` items with CPython's growth
 * pattern (0, 4, 8, 16, 24, 32, 40, 52, 64, 76, …) and sets the size;
 * -1 with MemoryError. Items past the old size are NULL; the caller fills
 * them. SAFETY: the list's critical section is held (or it is unshared).
 * @internal
 */
export function listResize(t: ObThread, op: number, newSize: number): number {
  const i32 = t.i32;
  const base = op >>> 2;
  const allocated = i32[base + ALLOCATED]!;
  if (allocated >= newSize && newSize >= allocated >> 1) {
    Atomics.store(i32, base + SIZE, newSize);
    return 0;
  }
  let newAllocated = (newSize + (newSize >>> 3) + 6) & ~3;
  const oldSize = i32[base + SIZE]!;
  if (newSize - oldSize > newAllocated - newSize) newAllocated = (newSize + 3) & ~3;
  if (newSize === 0) newAllocated = 0;
  if (newSize > LIST_MAX_SIZE) {
    errNoMemory(t);
    return -1;
  }
  ensureSharedOnResize(t, op);
  const old = Atomics.load(t.u32, base + ITEMS);
  let items = 0;
  if (newAllocated > 0) {
    items = allocateArray(t, newAllocated);
    if (items === 0) {
      errNoMemory(t);
      return -1;
    }
    const keep = Math.min(newAllocated, Math.max(allocated, 0));
    if (old !== 0 && keep > 0) t.heap.copy(items, old, 4 * keep);
    if (newAllocated > keep) t.heap.fill(items + 4 * keep, 0, 4 * (newAllocated - keep));
  }
  Atomics.store(t.u32, base + ITEMS, items); // CPython: release — publishes the filled array
  i32[base + ALLOCATED] = newAllocated;
  Atomics.store(i32, base + SIZE, newSize);
  freeItems(t, old, isShared(t, op));
  return 0;
}

// --- creation -----------------------------------------------------------------

/**
 * `PyList_New(size)`: a new list of `size` NULL items (fill them with
 * {@link listSetItemInit} before it is shared), tracked; 0 with an exception.
 * @public
 */
export function listNew(t: ObThread, size: number): number {
  if (size < 0 || !Number.isInteger(size)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  if (size > LIST_MAX_SIZE) return errNoMemory(t);
  const op = gcNew(t.gc, t.types[StaticType.List]!);
  if (op === 0) return errNoMemory(t);
  if (size > 0) {
    const items = allocateArray(t, size);
    if (items === 0) {
      gcDel(t.gc, op);
      return errNoMemory(t);
    }
    t.heap.fill(items, 0, 4 * size);
    // SAFETY: not published yet.
    t.u32[(op >>> 2) + ITEMS] = items;
    t.i32[(op >>> 2) + ALLOCATED] = size;
    t.i32[(op >>> 2) + SIZE] = size;
  }
  gcTrack(t.rc, op);
  return op;
}

/** `PyList_SET_ITEM` on a list not yet shared: steals `item` into the empty slot `i`. @public */
export function listSetItemInit(t: ObThread, op: number, i: number, item: number): void {
  t.u32[(t.u32[(op >>> 2) + ITEMS]! >>> 2) + i] = item; // SAFETY: not shared yet
}

/** A new list holding new references to `items`; 0 with MemoryError. @public */
export function listFromArray(t: ObThread, items: ArrayLike<number>): number {
  const op = listNew(t, items.length);
  if (op === 0) return 0;
  const base = t.u32[(op >>> 2) + ITEMS]! >>> 2;
  for (let i = 0; i < items.length; i++) {
    incref(t.rc, items[i]!);
    t.u32[base + i] = items[i]!; // SAFETY: not shared yet
  }
  return op;
}

// --- lock-free reads ------------------------------------------------------------

/** `PyList_GET_SIZE` / `len(lst)`: lock-free (CPython: relaxed). @public */
export function listSize(t: ObThread, op: number): number {
  return Atomics.load(t.i32, (op >>> 2) + SIZE);
}

/**
 * `list_get_item_ref`: a new reference to item `i`, or 0 when `i` is out
 * of range (no exception set: the caller raises IndexError). Lock-free for
 * the owner and once the list is SHARED (file comment).
 * @internal
 */
export function getItemRef(t: ObThread, op: number, i: number): number {
  const u32 = t.u32;
  const base = op >>> 2;
  // SAFETY: the owner test reads ob_tid plain (only this thread writes its own tid there); the size is
  // read plain as a hint (CPython: relaxed): the array's own capacity bounds the read below.
  // SHARED is never cleared: read plain as a hint (CPython reads ob_gc_bits plain here); a stale
  // "not shared" only sends this read to the lock, which re-checks.
  if (u32[base] !== t.rc.tid && (t.u8[op + OB_GC_BITS_OFFSET]! & GC_BITS_SHARED) === 0) return itemSlow(t, op, i);
  const size = t.i32[base + SIZE]!;
  if (i < 0 || i >= size) return 0;
  const items = Atomics.load(u32, base + ITEMS); // CPython: acquire — the array's contents were stored before it was published
  if (items === 0) return 0;
  // The array may be older (smaller) or newer than the size read: its own capacity bounds the read.
  if (i >= capacityOf(t, items) && listSeams.capacityCheck) return 0;
  const slot = items + 4 * i;
  const item = u32[slot >>> 2]!; // SAFETY: a hint; tryIncrefCompare re-reads the slot atomically
  if (item === 0 || !tryIncrefCompare(t.rc, slot, item)) return itemSlow(t, op, i);
  // The list must still use the array the item was read from. An array the list has left keeps its old
  // slots (QSBR keeps the array, not the items): a removed item may have been freed and its address
  // reused by another object of the same size, which try-incref and the slot re-check would both accept.
  // In the array the list uses, the slot's object is the list's, alive. (CPython 3.13 reads without this
  // re-check; the stress test's window C shows the difference.)
  if (Atomics.load(u32, base + ITEMS) === items) return item;
  decref(t.rc, item);
  return itemSlow(t, op, i);
}

/**
 * `list_item_impl` under the critical section: marks the list SHARED (so
 * later reads need no lock) and takes a reference that enables lock-free
 * try-increfs of the item from now on (`_Py_NewRefWithLock`).
 */
function itemSlow(t: ObThread, op: number, i: number): number {
  const heap = t.heap;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  if (!isShared(t, op)) Atomics.or(t.u8, op + OB_GC_BITS_OFFSET, GC_BITS_SHARED);
  let item = 0;
  const size = t.i32[(op >>> 2) + SIZE]!;
  if (i >= 0 && i < size) {
    const items = t.u32[(op >>> 2) + ITEMS]!;
    const v = t.u32[(items >>> 2) + i]!;
    if (v !== 0) item = newRefWithLock(t.rc, v);
  }
  criticalSectionEnd(heap);
  return item;
}

/**
 * `PyList_GetItemRef(lst, i)`: a new reference to `lst[i]`, or 0 with
 * IndexError ("list index out of range"). Lock-free; sees the item before
 * or after a concurrent change, never a freed one.
 * @public
 */
export function listGetItemRef(t: ObThread, op: number, i: number): number {
  const item = getItemRef(t, op, i);
  if (item === 0) return errRaise(t, StaticType.IndexError, 'list index out of range');
  return item;
}

// --- mutations (under the critical section) -----------------------------------------

/** `_PyList_AppendTakeRef` with the lock held: steals `item`. */
function appendLocked(t: ObThread, op: number, item: number): number {
  const base = op >>> 2;
  const size = t.i32[base + SIZE]!;
  const allocated = t.i32[base + ALLOCATED]!;
  if (size < allocated) {
    Atomics.store(t.u32, (t.u32[base + ITEMS]! >>> 2) + size, item); // CPython: release
    Atomics.store(t.i32, base + SIZE, size + 1);
    return 0;
  }
  if (listResize(t, op, size + 1) < 0) {
    decref(t.rc, item);
    return -1;
  }
  Atomics.store(t.u32, (t.u32[base + ITEMS]! >>> 2) + size, item);
  return 0;
}

/** `PyList_Append(lst, item)`: 0, or -1 with MemoryError. Atomic. @public */
export function listAppend(t: ObThread, op: number, item: number): number {
  incref(t.rc, item);
  const heap = t.heap;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  const r = appendLocked(t, op, item);
  criticalSectionEnd(heap);
  return r;
}

/**
 * `PyList_SetItem` without stealing (`lst[i] = item`): 0, or -1 with
 * IndexError ("list assignment index out of range"). The old item is
 * released after the store and outside the lock (its dealloc may run code).
 * @public
 */
export function listSetItem(t: ObThread, op: number, i: number, item: number): number {
  const heap = t.heap;
  incref(t.rc, item);
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  const size = t.i32[(op >>> 2) + SIZE]!;
  if (i < 0 || i >= size) {
    criticalSectionEnd(heap);
    decref(t.rc, item);
    return errRaiseInt(t, StaticType.IndexError, 'list assignment index out of range');
  }
  const slot = (t.u32[(op >>> 2) + ITEMS]! >>> 2) + i;
  const old = t.u32[slot]!;
  Atomics.store(t.u32, slot, item); // CPython: release
  criticalSectionEnd(heap);
  if (old !== 0) decref(t.rc, old);
  return 0;
}

/** `ins1`: inserts `item` before index `where` (clamped as `list.insert` does). 0, or -1. @public */
export function listInsert(t: ObThread, op: number, where: number, item: number): number {
  const heap = t.heap;
  incref(t.rc, item);
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  const base = op >>> 2;
  const n = t.i32[base + SIZE]!;
  if (listResize(t, op, n + 1) < 0) {
    criticalSectionEnd(heap);
    decref(t.rc, item);
    return -1;
  }
  if (where < 0) {
    where += n;
    if (where < 0) where = 0;
  }
  if (where > n) where = n;
  const items = t.u32[base + ITEMS]! >>> 2;
  // CPython shifts with memmove under the lock: a lock-free reader sees at each index an item that was
  // there before or after (it may see one twice or skip one, as the contract allows). Aligned words
  // are never torn by the copy; the unlock below publishes them.
  t.u32.copyWithin(items + where + 1, items + where, items + n);
  Atomics.store(t.u32, items + where, item);
  criticalSectionEnd(heap);
  return 0;
}

/**
 * `list.pop(i)` (default the last): a new reference, or 0 with IndexError
 * ("pop from empty list", "pop index out of range"). `pop()` is atomic.
 * @public
 */
export function listPop(t: ObThread, op: number, index = -1): number {
  const heap = t.heap;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  const base = op >>> 2;
  const n = t.i32[base + SIZE]!;
  if (n === 0) {
    criticalSectionEnd(heap);
    return errRaise(t, StaticType.IndexError, 'pop from empty list');
  }
  let i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) {
    criticalSectionEnd(heap);
    return errRaise(t, StaticType.IndexError, 'pop index out of range');
  }
  const items = t.u32[base + ITEMS]! >>> 2;
  const item = t.u32[items + i]!;
  // memmove, as CPython's (see listInsert): an old or a new item at each index for lock-free readers.
  t.u32.copyWithin(items + i, items + i + 1, items + n);
  Atomics.store(t.u32, items + n - 1, 0);
  // Shrinking never fails (a failed reallocation keeps the larger array).
  if (listResize(t, op, n - 1) < 0) {
    // Shrinking into a smaller array failed: keep the larger one.
    errClear(t);
    Atomics.store(t.i32, base + SIZE, n - 1);
  }
  criticalSectionEnd(heap);
  return item;
}

/**
 * `list_clear`: the list becomes empty at once (a reader sees all or
 * nothing: size 0 and no array are stored before any item is released),
 * then the old items are released, last first, outside the lock.
 * @public
 */
export function listClear(t: ObThread, op: number): void {
  const heap = t.heap;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  const base = op >>> 2;
  const n = t.i32[base + SIZE]!;
  const items = t.u32[base + ITEMS]!;
  if (t.i32[base + ALLOCATED]! !== -1) t.i32[base + ALLOCATED] = 0; // -1 stays: a sort is running and must see the change
  Atomics.store(t.i32, base + SIZE, 0);
  Atomics.store(t.u32, base + ITEMS, 0);
  if (items !== 0) ensureSharedOnResize(t, op);
  const shared = isShared(t, op);
  criticalSectionEnd(heap);
  releaseArray(t, items, n, shared);
}

/** Releases the first `n` items of a detached array, last first, then frees it (QSBR when shared). */
function releaseArray(t: ObThread, items: number, n: number, shared: boolean): void {
  if (items === 0) return;
  const first = items >>> 2;
  for (let i = n - 1; i >= 0; i--) {
    const item = t.u32[first + i]!;
    if (item !== 0) decref(t.rc, item);
  }
  freeItems(t, items, shared);
}

/**
 * `list.extend(iterable)` / `lst += iterable`: 0, or -1 with an exception.
 * An exact list, tuple, set, frozenset or dict (its keys), or the list
 * itself, is added as one snapshot taken under its lock (`list_extend_fast`,
 * `list_extend_set`, `list_extend_dict`); anything else item by item.
 * @public
 */
export function listExtend(t: ObThread, op: number, iterable: number): number {
  const heap = t.heap;
  if (iterable === op) {
    criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
    const r = extendFromItems(t, op, t.u32[(op >>> 2) + ITEMS]!, t.i32[(op >>> 2) + SIZE]!);
    criticalSectionEnd(heap);
    return r;
  }
  if (listCheckExact(t, iterable)) {
    criticalSectionBegin2(heap, op + OB_MUTEX_OFFSET, iterable + OB_MUTEX_OFFSET);
    const r = extendFromItems(t, op, t.u32[(iterable >>> 2) + ITEMS]!, t.i32[(iterable >>> 2) + SIZE]!);
    criticalSectionEnd(heap);
    return r;
  }
  if (anySetCheckExact(t, iterable)) {
    // `list_extend_set`: the elements as one snapshot under the set's lock.
    const snapshot = Uint32Array.from(setSnapshot(t, iterable));
    criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
    const r = appendSnapshot(t, op, snapshot);
    criticalSectionEnd(heap);
    return r;
  }
  const view = dictCheckExact(t, iterable) ? { dict: iterable, which: 0 as const } : dictViewOf(t, iterable);
  if (view !== null) {
    // `list_extend_dict` / `list_extend_dictitems`: one snapshot taken under the dict's lock (multiprocessing relies on it).
    const keys = dictSnapshot(t, view.dict, view.which);
    if (keys === null) return -1;
    const snapshot = Uint32Array.from(keys);
    criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
    const r = appendSnapshot(t, op, snapshot);
    criticalSectionEnd(heap);
    return r;
  }
  if (tupleCheckExact(t, iterable)) {
    criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
    const r = extendFromItems(t, op, iterable + TUPLE_ITEMS_OFFSET, tupleSize(t, iterable));
    criticalSectionEnd(heap);
    return r;
  }
  return extendIter(t, op, iterable);
}

/** `list_extend_fast` with the locks held: appends `n` items read from `from` (possibly `op`'s own array). */
function extendFromItems(t: ObThread, op: number, from: number, n: number): number {
  if (n === 0) return 0;
  if (t.i32[(op >>> 2) + SIZE]! + n > LIST_MAX_SIZE) {
    errNoMemory(t);
    return -1;
  }
  // Hold the source items first: resizing may free `from` when it is op's own array.
  const first = from >>> 2;
  const snapshot = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const item = t.u32[first + i]!;
    incref(t.rc, item);
    snapshot[i] = item;
  }
  return appendSnapshot(t, op, snapshot);
}

/** Appends items whose references the caller hands over (released on failure). SAFETY: the list's lock is held. */
function appendSnapshot(t: ObThread, op: number, snapshot: Uint32Array): number {
  const n = snapshot.length;
  const base = op >>> 2;
  const m = t.i32[base + SIZE]!;
  if (listResize(t, op, m + n) < 0) {
    for (let i = 0; i < n; i++) decref(t.rc, snapshot[i]!);
    return -1;
  }
  const items = t.u32[base + ITEMS]! >>> 2;
  for (let i = 0; i < n; i++) Atomics.store(t.u32, items + m + i, snapshot[i]!); // CPython: release
  return 0;
}

/** `list_extend_iter_lock_held`'s caller for a general iterable: item by item, each append atomic. */
function extendIter(t: ObThread, op: number, iterable: number): number {
  const it = objectGetIter(t, iterable);
  if (it === 0) return -1;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      decref(t.rc, it);
      return errOccurred(t) !== 0 ? -1 : 0;
    }
    const heap = t.heap;
    criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
    const r = appendLocked(t, op, item);
    criticalSectionEnd(heap);
    if (r < 0) {
      decref(t.rc, it);
      return -1;
    }
  }
}

/** `list(iterable)`: a new list, or 0 with an exception. @public */
export function listFromIterable(t: ObThread, iterable: number): number {
  const op = listNew(t, 0);
  if (op === 0) return 0;
  if (listExtend(t, op, iterable) < 0) {
    decref(t.rc, op);
    return 0;
  }
  return op;
}

// --- queries -----------------------------------------------------------------------

/** `list_contains` (`x in lst`): 1, 0, or -1. Lock-free item by item. @public */
export function listContains(t: ObThread, op: number, value: number): number {
  for (let i = 0; ; i++) {
    const item = getItemRef(t, op, i);
    if (item === 0) return 0;
    const eq = objectRichCompareBool(t, item, value, PY_EQ);
    decref(t.rc, item);
    if (eq !== 0) return eq;
  }
}

/** `list.index(value)`: the index, or -1 with ValueError ("<repr> is not in list"). @public */
export function listIndex(t: ObThread, op: number, value: number): number {
  for (let i = 0; ; i++) {
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

/** `list.count(value)`: the count, or -1 with an exception. @public */
export function listCount(t: ObThread, op: number, value: number): number {
  let count = 0;
  for (let i = 0; ; i++) {
    const item = getItemRef(t, op, i);
    if (item === 0) return count;
    const eq = objectRichCompareBool(t, item, value, PY_EQ);
    decref(t.rc, item);
    if (eq < 0) return -1;
    count += eq;
  }
}

/** `list_richcompare`: a new reference (NotImplemented for a non-list), or 0 with an exception. @public */
export function listRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if (!typeHasFlag(t, typeOf(t, b), TPFLAGS_LIST_SUBCLASS)) return t.notImplemented;
  const na = listSize(t, a);
  const nb = listSize(t, b);
  if (na !== nb && (op === PY_EQ || op === PY_NE)) return op === PY_EQ ? t.false : t.true;
  for (let i = 0; ; i++) {
    const x = getItemRef(t, a, i);
    const y = x === 0 ? 0 : getItemRef(t, b, i);
    if (x === 0 || y === 0) {
      if (x !== 0) decref(t.rc, x);
      return compareLengths(t, listSize(t, a), listSize(t, b), op);
    }
    const eq = objectRichCompareBool(t, x, y, PY_EQ);
    if (eq === 0) {
      let r: number;
      if (op === PY_EQ) r = t.false;
      else if (op === PY_NE) r = t.true;
      else r = objectRichCompare(t, x, y, op);
      decref(t.rc, x);
      decref(t.rc, y);
      return r;
    }
    decref(t.rc, x);
    decref(t.rc, y);
    if (eq < 0) return 0;
  }
}

/** `list_repr` as JavaScript text (`[...]` for a list already being printed); null with the exception set. @public */
export function listReprJs(t: ObThread, op: number): string | null {
  if (t.reprStack.includes(op)) return '[...]';
  t.reprStack.push(op);
  try {
    const parts: string[] = [];
    for (let i = 0; ; i++) {
      const item = getItemRef(t, op, i);
      if (item === 0) break;
      const r = objectReprJs(t, item);
      decref(t.rc, item);
      if (r === null) return null;
      parts.push(r);
    }
    return `[${parts.join(', ')}]`;
  } finally {
    t.reprStack.pop();
  }
}

/** A new tuple of the list's items (`PyList_AsTuple`, an atomic snapshot); 0 with MemoryError. @public */
export function listAsTuple(t: ObThread, op: number): number {
  const heap = t.heap;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  const n = t.i32[(op >>> 2) + SIZE]!;
  const items = t.u32[(op >>> 2) + ITEMS]!;
  const r = tupleFromArray(t, n === 0 ? [] : t.u32.subarray(items >>> 2, (items >>> 2) + n));
  criticalSectionEnd(heap);
  return r;
}

// --- sort -------------------------------------------------------------------------------

/** `unsafe_long_compare` on two compact ints. */
const compactIntLess = (t: ObThread): LessThan => (a, b) => (intCompactValue(t, a) < intCompactValue(t, b) ? 1 : 0);
/** `unsafe_latin_compare` / `unsafe_object_compare` of exact str. */
const strLess = (t: ObThread): LessThan => (a, b) => (strCompare(t, a, b) < 0 ? 1 : 0);
/** Exact ints of any size. */
const intLess = (t: ObThread): LessThan => (a, b) => (intCompare(t, a, b) < 0 ? 1 : 0);
/** The general `PyObject_RichCompareBool(a, b, Py_LT)`. */
const objectLess = (t: ObThread): LessThan => (a, b) => objectRichCompareBool(t, a, b, PY_LT);

/**
 * The comparison `list.sort` uses for these keys (CPython's pre-sort check):
 * when every key is an exact int (compact or not) or every one an exact
 * str, a direct comparison without the rich-compare dispatch.
 */
function chooseLess(t: ObThread, keys: Uint32Array, start: number, n: number): LessThan {
  let allCompact = true;
  let allInt = true;
  let allStr = true;
  for (let i = 0; i < n && (allInt || allStr); i++) {
    const k = keys[start + i]!;
    if (intCheckExact(t, k)) {
      allStr = false;
      if (allCompact && !intIsCompact(t, k)) allCompact = false;
    } else {
      allInt = false;
      allCompact = false;
      if (!strCheckExact(t, k)) allStr = false;
    }
  }
  if (allInt) return allCompact ? compactIntLess(t) : intLess(t);
  if (allStr) return strLess(t);
  return objectLess(t);
}

/**
 * `list.sort(*, key=None, reverse=False)`: 0, or -1 with an exception
 * (what a comparison or the key function raised, or ValueError "list
 * modified during sort"). Stable; CPython 3.13's timsort (list-sort.ts).
 * While it runs, other threads see an empty list.
 * @public
 */
export function listSort(t: ObThread, op: number, key = 0, reverse = false): number {
  const heap = t.heap;
  const base = op >>> 2;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  // Empty the list for the duration (readers and comparisons see []).
  const savedSize = t.i32[base + SIZE]!;
  const savedItems = t.u32[base + ITEMS]!;
  const savedAllocated = t.i32[base + ALLOCATED]!;
  Atomics.store(t.i32, base + SIZE, 0);
  Atomics.store(t.u32, base + ITEMS, 0); // CPython: release
  t.i32[base + ALLOCATED] = -1;

  let result = 0;
  const n = savedSize;
  const itemsIndex = savedItems >>> 2;
  let keys: Uint32Array | null = null;
  if (n > 1) {
    if (key !== 0) {
      keys = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const args = tupleFromArray(t, [t.u32[itemsIndex + i]!]);
        const k = args === 0 ? 0 : objectCall(t, key, args, 0);
        if (args !== 0) decref(t.rc, args);
        if (k === 0) {
          for (let j = 0; j < i; j++) decref(t.rc, keys[j]!);
          keys = null;
          result = -1;
          break;
        }
        keys[i] = k;
      }
    }
    if (result === 0) {
      if (reverse) {
        reverseSlice(t.u32, itemsIndex, itemsIndex + n);
        if (keys !== null) reverseSlice(keys, 0, n);
      }
      const lt = keys === null ? chooseLess(t, t.u32, itemsIndex, n) : chooseLess(t, keys, 0, n);
      result = keys === null ? timsort(t.u32, itemsIndex, n, null, 0, lt) : timsort(keys, 0, n, t.u32, itemsIndex, lt);
      if (reverse) {
        reverseSlice(t.u32, itemsIndex, itemsIndex + n);
        if (keys !== null) reverseSlice(keys, 0, n);
      }
    }
    if (keys !== null) for (let i = 0; i < n; i++) decref(t.rc, keys[i]!);
  }

  // What the list holds now was put there during the sort.
  const modified = t.i32[base + ALLOCATED]! !== -1;
  const finalSize = t.i32[base + SIZE]!;
  const finalItems = t.u32[base + ITEMS]!;
  Atomics.store(t.i32, base + SIZE, savedSize);
  Atomics.store(t.u32, base + ITEMS, savedItems); // CPython: release
  t.i32[base + ALLOCATED] = savedAllocated;
  if (finalItems !== 0) ensureSharedOnResize(t, op);
  const shared = isShared(t, op);
  criticalSectionEnd(heap);
  releaseArray(t, finalItems, finalSize, shared);
  if (modified && result === 0) return errRaiseInt(t, StaticType.ValueError, 'list modified during sort');
  return result;
}

// --- iteration --------------------------------------------------------------------------

/**
 * `list_iter`: a new iterator over `op`, or 0 with MemoryError. Its
 * `next` is lock-free (it reads with {@link listGetItemRef}'s protocol),
 * so an iterator sees appends made while it runs and stops at the end
 * it meets.
 * @public
 */
export function listIter(t: ObThread, op: number): number {
  const it = gcNew(t.gc, t.types[StaticType.ListIter]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, op);
  // SAFETY: not published yet.
  t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2] = op;
  t.i32[(it + SEQITER_INDEX_OFFSET) >>> 2] = 0;
  gcTrack(t.rc, it);
  return it;
}

/**
 * `listiter_next`: the next item (a new reference), or 0 when exhausted
 * (no exception). Lock-free. The index advances by compare-and-swap, so an
 * iterator shared by threads hands each item to one of them at most once;
 * it keeps its list until it dies (as CPython's free-threaded build does:
 * clearing it here could free the list under a concurrent `next`).
 * @public
 */
export function listIterNext(t: ObThread, it: number): number {
  const seq = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!; // SAFETY: set before publication, cleared only by dealloc
  const indexWord = (it + SEQITER_INDEX_OFFSET) >>> 2;
  for (;;) {
    const index = Atomics.load(t.i32, indexWord);
    if (index < 0) return 0;
    const item = getItemRef(t, seq, index);
    if (item === 0) {
      Atomics.compareExchange(t.i32, indexWord, index, -1);
      return 0;
    }
    if (Atomics.compareExchange(t.i32, indexWord, index, index + 1) === index) return item;
    decref(t.rc, item); // another thread took this index
  }
}

/**
 * `listiter_len` (`list_iterator.__length_hint__`): the items left, 0 once
 * exhausted (the list may have shrunk below the index meanwhile).
 * @internal
 */
export function listIterLengthHint(t: ObThread, it: number): number {
  const index = Atomics.load(t.i32, (it + SEQITER_INDEX_OFFSET) >>> 2);
  if (index < 0) return 0;
  const left = listSize(t, t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!) - index;
  return left > 0 ? left : 0;
}

// --- behaviours ----------------------------------------------------------------------------

/** The list's traverse behaviour (`list_traverse`). SAFETY: world stopped. @internal */
export function listTraverse(t: RcThread, op: number, visit: (child: number) => number): number {
  const n = t.i32[(op >>> 2) + SIZE]!;
  const items = t.u32[(op >>> 2) + ITEMS]! >>> 2;
  for (let i = 0; i < n; i++) {
    const item = t.u32[items + i]!;
    if (item !== 0) {
      const r = visit(item);
      if (r !== 0) return r;
    }
  }
  return 0;
}

/** The list's dealloc: untrack, release the items, free the array and the object. @internal */
export function listDealloc(t: ObThread, op: number): void {
  gcUntrack(t.rc, op);
  const base = op >>> 2;
  const items = t.u32[base + ITEMS]!;
  const n = t.i32[base + SIZE]!;
  // SAFETY: the list is dead. Lock-free readers cannot hold its array
  // without holding the list, but a QSBR free is still needed when they
  // could (SHARED): one may be mid-read of the array from before it died.
  const shared = isShared(t, op);
  t.u32[base + ITEMS] = 0;
  t.i32[base + SIZE] = 0;
  releaseArray(t, items, n, shared);
  gcDel(t.gc, op);
}

/** The list iterator's dealloc. @internal */
export function listIterDealloc(t: ObThread, it: number): void {
  gcUntrack(t.rc, it);
  const seq = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!;
  if (seq !== 0) decref(t.rc, seq);
  gcDel(t.gc, it);
}

/** The list iterator's traverse. @internal */
export function listIterTraverse(t: RcThread, it: number, visit: (child: number) => number): number {
  const seq = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!;
  return seq === 0 ? 0 : visit(seq);
}
