/**
 * The sequence arithmetic of `list` (`Objects/listobject.c`: `list_concat`,
 * `list_repeat`, `list_inplace_concat`, `list_inplace_repeat`): `a + b`,
 * `a * n`, `a += x`, `a *= n`. Results are snapshots taken under the
 * operands' critical sections; the in-place forms mutate under the list's
 * critical section with list.ts's publication rules (list-slice.ts's file
 * comment).
 */

import { criticalSectionBegin, criticalSectionBegin2, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, increfN, OB_MUTEX_OFFSET } from '@ft/refcount';
import { errNoMemory, errRaise } from './errors.js';
import { LIST_ITEMS_OFFSET, LIST_MAX_SIZE, LIST_SIZE_OFFSET, StaticType, TPFLAGS_LIST_SUBCLASS } from './layout.js';
import { listExtend, listNew, listResize } from './list.js';
import { listClearLocked } from './list-slice.js';
import type { ObThread } from './ob-thread.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';

const SIZE = LIST_SIZE_OFFSET >>> 2;
const ITEMS = LIST_ITEMS_OFFSET >>> 2;

/** A repeat count from the caller (`Py_ssize_t` in C): an integral number; SystemError otherwise. */
function badCount(t: ObThread, n: number): boolean {
  if (n === Math.floor(n)) return false;
  errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  return true;
}

/**
 * `list + other` (`list_concat`): a new list, or 0 with TypeError "can
 * only concatenate list (not "tuple") to list" when `other` is not a list,
 * or MemoryError. Both lists are read under one two-object critical
 * section, so the result is a snapshot of both.
 * @public
 */
export function listConcat(t: ObThread, op: number, other: number): number {
  if (!typeHasFlag(t, typeOf(t, other), TPFLAGS_LIST_SUBCLASS)) {
    return errRaise(t, StaticType.TypeError, `can only concatenate list (not "${typeNameOf(t, other).slice(0, 200)}") to list`);
  }
  const heap = t.heap;
  const u32 = t.u32;
  criticalSectionBegin2(heap, op + OB_MUTEX_OFFSET, other + OB_MUTEX_OFFSET);
  // SAFETY: both lists' sizes, arrays and items are read under their critical sections; np is not shared yet.
  const na = t.i32[(op >>> 2) + SIZE]!;
  const nb = t.i32[(other >>> 2) + SIZE]!;
  let np = 0;
  if (na + nb > LIST_MAX_SIZE) errNoMemory(t);
  else np = listNew(t, na + nb);
  if (np !== 0 && na + nb > 0) {
    const to = u32[(np >>> 2) + ITEMS]! >>> 2;
    const a = u32[(op >>> 2) + ITEMS]! >>> 2;
    for (let i = 0; i < na; i++) {
      const item = u32[a + i]!;
      incref(t.rc, item);
      u32[to + i] = item;
    }
    const b = u32[(other >>> 2) + ITEMS]! >>> 2;
    for (let i = 0; i < nb; i++) {
      const item = u32[b + i]!;
      incref(t.rc, item);
      u32[to + na + i] = item;
    }
  }
  criticalSectionEnd(heap);
  return np;
}

/**
 * `list * n` (`list_repeat`): a new list, `[]` when `n <= 0`, or 0 with
 * MemoryError when the result cannot exist. A snapshot taken under the
 * list's critical section.
 * @public
 */
export function listRepeat(t: ObThread, op: number, n: number): number {
  if (badCount(t, n)) return 0;
  const heap = t.heap;
  const u32 = t.u32;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  // SAFETY: the size, array and items are read under the critical section; np is not shared yet.
  const size = t.i32[(op >>> 2) + SIZE]!;
  let np = 0;
  if (size === 0 || n <= 0) np = listNew(t, 0);
  else if (size * n > LIST_MAX_SIZE) errNoMemory(t);
  else np = listNew(t, size * n);
  if (np !== 0 && size > 0 && n > 0) {
    const out = size * n;
    const from = u32[(op >>> 2) + ITEMS]! >>> 2;
    const to = u32[(np >>> 2) + ITEMS]! >>> 2;
    for (let i = 0; i < size; i++) {
      const item = u32[from + i]!;
      increfN(t.rc, item, n); // `_Py_RefcntAdd`: every copy's reference at once
      u32[to + i] = item;
    }
    // Doubling copies (`_Py_memory_repeat`).
    for (let done = size; done < out; done *= 2) u32.copyWithin(to + done, to, to + Math.min(done, out - done));
  }
  criticalSectionEnd(heap);
  return np;
}

/**
 * `list += iterable` (`list_inplace_concat`): {@link listExtend}, then a
 * new reference to the list itself; 0 with an exception.
 * @public
 */
export function listInplaceConcat(t: ObThread, op: number, iterable: number): number {
  if (listExtend(t, op, iterable) < 0) return 0;
  incref(t.rc, op);
  return op;
}

/**
 * `list *= n` (`list_inplace_repeat`): repeats the items in place under
 * the critical section (`n <= 0` clears the list) and returns a new
 * reference to the list; 0 with MemoryError when the result cannot
 * exist (the list unchanged). Lock-free readers meanwhile see the new
 * slots empty until filled (they then wait for the lock), never garbage.
 * @public
 */
export function listInplaceRepeat(t: ObThread, op: number, n: number): number {
  if (badCount(t, n)) return 0;
  const heap = t.heap;
  const u32 = t.u32;
  const base = op >>> 2;
  criticalSectionBegin(heap, op + OB_MUTEX_OFFSET);
  // SAFETY: the size, array and items are read under the critical section.
  const size = t.i32[base + SIZE]!;
  let garbage: Uint32Array | null = null;
  let ok = true;
  if (size === 0 || n === 1) {
    // unchanged
  } else if (n < 1) {
    garbage = listClearLocked(t, op);
  } else if (size * n > LIST_MAX_SIZE) {
    errNoMemory(t);
    ok = false;
  } else if (listResize(t, op, size * n) < 0) {
    ok = false;
  } else {
    const out = size * n;
    const items = u32[base + ITEMS]! >>> 2;
    for (let i = 0; i < size; i++) increfN(t.rc, u32[items + i]!, n - 1);
    for (let k = size; k < out; k++) Atomics.store(u32, items + k, u32[items + k - size]!); // CPython: release
  }
  criticalSectionEnd(heap);
  if (garbage !== null) for (let i = garbage.length - 1; i >= 0; i--) decref(t.rc, garbage[i]!);
  if (!ok) return 0;
  incref(t.rc, op);
  return op;
}
