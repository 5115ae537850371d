/**
 * Lock-free "try incref" (CPython `_Py_TryIncref*`, `pycore_object.h`): a
 * reader that found `op` in a shared slot without holding a reference takes
 * one only if the object is still alive. Safe because freed object memory
 * keeps its header readable and is reused only for the same size class of
 * the same heap until QSBR says every reader has moved on (DESIGN.md §5).
 *
 * Writer side of the contract: an object stored where such readers look
 * must have a non-zero (or flagged) shared word — store it with
 * {@link newRefWithLock} or call {@link setMaybeWeakref} — so that its
 * owner's last decref goes through the CAS path and a racing reader either
 * wins or sees the object dead.
 */

import { decref } from './biased-refcount.js';
import {
  IMMORTAL_REFCNT_LOCAL,
  OB_REF_LOCAL_INDEX,
  OB_REF_SHARED_INDEX,
  OB_TID_INDEX,
  REF_MAYBE_WEAKREF,
  REF_MERGED,
  REF_SHARED_FLAG_MASK,
  REF_SHARED_UNIT,
} from './layout.js';
import type { RcThread } from './rc-thread.js';

// Module-local copy of a layout constant (root README, "Notes for contributors").
const IMMORTAL = IMMORTAL_REFCNT_LOCAL;

/** Immortal or owned by this thread: counting needs no atomics (`_Py_TryIncrefFast`). @public */
export function tryIncrefFast(t: RcThread, op: number): boolean {
  const u32 = t.u32;
  const i = op >>> 2;
  // SAFETY: the plain reads of incref (biased-refcount.ts, file comment): an
  // exact immortal test, then the owner test.
  const local = u32[i + OB_REF_LOCAL_INDEX];
  if (local === IMMORTAL) return true;
  if (u32[i + OB_TID_INDEX] !== t.tid) return false;
  // SAFETY: owner-only field.
  u32[i + OB_REF_LOCAL_INDEX] = local + 1;
  if (t.refDebug === true) t.refTotal++;
  return true;
}

/**
 * Takes a shared reference unless the object may be dying
 * (`_Py_TryIncRefShared`): a shared word of 0 (the owner may free it without
 * a CAS) or MERGED with count 0 (dead) fails.
 * @public
 */
export function tryIncrefShared(t: RcThread, op: number): boolean {
  const i32 = t.i32;
  const s = (op >>> 2) + OB_REF_SHARED_INDEX;
  let shared = Atomics.load(i32, s);
  for (;;) {
    if (shared === 0 || shared === REF_MERGED) return false;
    const seen = Atomics.compareExchange(i32, s, shared, shared + REF_SHARED_UNIT);
    if (seen === shared) {
      if (t.refDebug === true) t.refTotal++;
      return true;
    }
    shared = seen;
  }
}

/** Takes a reference if `op` is still alive (`_Py_TryIncref`). @public */
export function tryIncref(t: RcThread, op: number): boolean {
  return tryIncrefFast(t, op) || tryIncrefShared(t, op);
}

/**
 * Takes a reference to `op`, read from the Int32 slot at `slot`, only if it
 * is alive *and* the slot still holds it afterwards (`_Py_TryIncrefCompare`):
 * the object might have been replaced, freed and its memory reused for an
 * object of the same size between the read and the incref.
 * @example
 * ```ts
 * const op = Atomics.load(heap.u32, slot >>> 2);
 * if (op !== 0 && tryIncrefCompare(t, slot, op)) { use(op); decref(t, op); }
 * ```
 * @public
 */
export function tryIncrefCompare(t: RcThread, slot: number, op: number): boolean {
  if (tryIncrefFast(t, op)) return true;
  if (!tryIncrefShared(t, op)) return false;
  if (Atomics.load(t.u32, slot >>> 2) !== op) {
    decref(t, op);
    return false;
  }
  return true;
}

/**
 * Reads the object in `slot` with a new reference, retrying while it
 * changes under us (`_Py_XGetRef`); 0 when the slot is empty.
 * @public
 */
export function xGetRef(t: RcThread, slot: number): number {
  for (;;) {
    const op = Atomics.load(t.u32, slot >>> 2);
    if (op === 0) return 0;
    if (tryIncrefCompare(t, slot, op)) return op;
  }
}

/**
 * Marks `op` as possibly looked up by lock-free readers
 * (`_PyObject_SetMaybeWeakref`): the flag is set only while the shared flags
 * are 0, and forces the owner's final decref through the merge CAS.
 * @public
 */
export function setMaybeWeakref(t: RcThread, op: number): void {
  const i = op >>> 2;
  // SAFETY: racy for a non-owner but exact for the immortal test (biased-refcount.ts, file comment).
  if (t.u32[i + OB_REF_LOCAL_INDEX] === IMMORTAL) return;
  let shared = Atomics.load(t.i32, i + OB_REF_SHARED_INDEX);
  for (;;) {
    if ((shared & REF_SHARED_FLAG_MASK) !== 0) return;
    const seen = Atomics.compareExchange(t.i32, i + OB_REF_SHARED_INDEX, shared, shared | REF_MAYBE_WEAKREF);
    if (seen === shared) return;
    shared = seen;
  }
}

/**
 * A new reference to `op` for storing where lock-free readers look
 * (`_Py_NewRefWithLock`): owner or immortal → plain; otherwise a shared
 * increment that also sets MAYBE_WEAKREF if no flag is set.
 * @public
 */
export function newRefWithLock(t: RcThread, op: number): number {
  if (tryIncrefFast(t, op)) return op;
  const s = (op >>> 2) + OB_REF_SHARED_INDEX;
  let shared = Atomics.load(t.i32, s);
  for (;;) {
    const next = (shared + REF_SHARED_UNIT) | ((shared & REF_SHARED_FLAG_MASK) === 0 ? REF_MAYBE_WEAKREF : 0);
    const seen = Atomics.compareExchange(t.i32, s, shared, next);
    if (seen === shared) break;
    shared = seen;
  }
  if (t.refDebug === true) t.refTotal++;
  return op;
}

/**
 * Whether this thread holds the only reference to `op`
 * (`_PyObject_IsUniquelyReferenced`): owned, local count 1 and the whole
 * shared word 0, flags included.
 * @public
 */
export function isUniquelyReferenced(t: RcThread, op: number): boolean {
  const i = op >>> 2;
  // SAFETY: the owner test (biased-refcount.ts, file comment); ob_ref_local is read only once it passed.
  return t.u32[i + OB_TID_INDEX] === t.tid && t.u32[i + OB_REF_LOCAL_INDEX] === 1 && Atomics.load(t.i32, i + OB_REF_SHARED_INDEX) === 0;
}
