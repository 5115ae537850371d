/**
 * The object header (DESIGN.md §5): initialising a new reference and reading
 * the header's fields. Layout in layout.ts.
 */

import {
  IMMORTAL_REFCNT_LOCAL,
  OB_FLAG_IMMORTAL,
  OB_FLAG_STATICALLY_ALLOCATED,
  OB_FLAGS_INDEX,
  OB_FLAGS_OFFSET,
  OB_GC_BITS_OFFSET,
  OB_REF_LOCAL_INDEX,
  OB_REF_SHARED_INDEX,
  OB_SIZE_INDEX,
  OB_TID_INDEX,
  OB_TYPE_INDEX,
  REF_MERGED,
  REF_SHARED_FLAG_MASK,
  REF_SHARED_UNIT,
} from './layout.js';
import type { RcThread } from './rc-thread.js';

/**
 * Initialises the header of a freshly allocated object with one reference
 * owned by this thread (`_Py_NewReference` and the header part of
 * `_PyObject_Init`). In the naive mode the object is created merged: no
 * owner, its one reference in the shared count. It does not take the
 * reference to a heap type that an instance holds: `allocObject` does that
 * (`_Py_INCREF_TYPE`) right after, through the per-thread type counts.
 * @public
 */
export function initObject(t: RcThread, op: number, type: number): void {
  const u32 = t.u32;
  const i = op >>> 2;
  // SAFETY: the object is not published yet. A lock-free reader still holding
  // the address of the block's previous object may look at these words
  // meanwhile: it never finds its own tid here (biased-refcount.ts), gives up
  // on the 0 or MERGED shared word of a dead or new object, and re-checks its
  // slot before keeping a reference (try-incref.ts).
  u32[i + OB_TYPE_INDEX] = type;
  u32[i + OB_FLAGS_INDEX] = 0; // ob_flags, ob_mutex, ob_gc_bits
  if (t.naive === true) {
    u32[i + OB_TID_INDEX] = 0;
    u32[i + OB_REF_LOCAL_INDEX] = 0;
    t.i32[i + OB_REF_SHARED_INDEX] = REF_SHARED_UNIT | REF_MERGED;
  } else {
    u32[i + OB_TID_INDEX] = t.tid;
    u32[i + OB_REF_LOCAL_INDEX] = 1;
    t.i32[i + OB_REF_SHARED_INDEX] = 0;
  }
  if (t.refDebug === true) t.refTotal++;
}

/**
 * Initialises the header of a statically allocated, immortal object (CPython's
 * static initialiser): no owner, immortal, never counted.
 * @public
 */
export function initStaticObject(t: RcThread, op: number, type: number): void {
  const i = op >>> 2;
  // SAFETY: the object is not yet visible to any other thread.
  t.u32[i + OB_TYPE_INDEX] = type;
  t.u32[i + OB_TID_INDEX] = 0;
  t.u32[i + OB_FLAGS_INDEX] = 0; // ob_flags, ob_mutex, ob_gc_bits
  t.heap.u16[(op + OB_FLAGS_OFFSET) >>> 1] = OB_FLAG_IMMORTAL | OB_FLAG_STATICALLY_ALLOCATED;
  t.u32[i + OB_REF_LOCAL_INDEX] = IMMORTAL_REFCNT_LOCAL;
  t.i32[i + OB_REF_SHARED_INDEX] = 0;
}

/** `Py_TYPE(op)`. @public */
export function objectType(t: RcThread, op: number): number {
  // SAFETY: ob_type is written before the object is published and never changes while it is alive.
  return t.u32[(op >>> 2) + OB_TYPE_INDEX];
}

/** `ob_tid`: the owning thread, 0 when merged or immortal. A snapshot. @public */
export function objectOwner(t: RcThread, op: number): number {
  return Atomics.load(t.u32, (op >>> 2) + OB_TID_INDEX);
}

/**
 * `Py_SIZE(op)` of a variable-size object. A plain read: right for the size
 * `allocObject` stored before publication, or for a caller that excludes
 * writers (a type whose `ob_size` changes while shared, as a list's does,
 * reads it under its critical section or with `Atomics`).
 * @public
 */
export function objectSize(t: RcThread, op: number): number {
  // SAFETY: see the doc comment: immutable since publication, or writers excluded by the caller.
  return t.u32[(op >>> 2) + OB_SIZE_INDEX];
}

/** `ob_gc_bits`. @public */
export function gcBits(t: RcThread, op: number): number {
  return Atomics.load(t.u8, op + OB_GC_BITS_OFFSET);
}

/** Sets bits of `ob_gc_bits` atomically. @public */
export function setGcBits(t: RcThread, op: number, bits: number): void {
  Atomics.or(t.u8, op + OB_GC_BITS_OFFSET, bits);
}

/** Clears bits of `ob_gc_bits` atomically. @public */
export function clearGcBits(t: RcThread, op: number, bits: number): void {
  Atomics.and(t.u8, op + OB_GC_BITS_OFFSET, ~bits);
}

/** The shared word's flag bits (`ob_ref_shared & REF_SHARED_FLAG_MASK`): INIT, MAYBE_WEAKREF, QUEUED or MERGED. @public */
export function sharedFlags(t: RcThread, op: number): number {
  return Atomics.load(t.i32, (op >>> 2) + OB_REF_SHARED_INDEX) & REF_SHARED_FLAG_MASK;
}
