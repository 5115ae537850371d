/**
 * Tracking (`PyObject_GC_Track`, `PyObject_GC_UnTrack`): the TRACKED bit of
 * `ob_gc_bits` says the collector should look at an object. A type's
 * constructor tracks an instance once its fields are valid; its dealloc
 * untracks it before dropping references.
 *
 * SAFETY: as CPython's `_PyObject_GC_TRACK`/`_UNTRACK`, the bit is set and
 * cleared with a plain read-modify-write of `ob_gc_bits`: the caller has the
 * object to itself (it is being created or destroyed) or holds its critical
 * section, so no other thread changes the byte meanwhile. A locked
 * operation here would cost a dealloc more than its free does. Readers
 * (`gcIsTracked`) use `Atomics.load`.
 */

import { fatalError, formatAddress } from '@ft/atomics';
import { GC_BITS_FINALIZED, GC_BITS_TRACKED, OB_GC_BITS_OFFSET, type RcThread } from '@ft/refcount';

/**
 * Starts tracking `op` (`PyObject_GC_Track`). Tracking an object that is
 * already tracked is a fatal error, as CPython's assertion.
 * @public
 */
export function gcTrack(t: RcThread, op: number): void {
  const before = t.u8[op + OB_GC_BITS_OFFSET]!;
  if ((before & GC_BITS_TRACKED) !== 0) fatalError(`object ${formatAddress(op)} already tracked by the garbage collector`);
  t.u8[op + OB_GC_BITS_OFFSET] = before | GC_BITS_TRACKED;
}

/**
 * Stops tracking `op` (`PyObject_GC_UnTrack`); idempotent (the trashcan
 * untracks twice).
 * @public
 */
export function gcUntrack(t: RcThread, op: number): void {
  const bits = t.u8[op + OB_GC_BITS_OFFSET]!;
  if ((bits & GC_BITS_TRACKED) !== 0) t.u8[op + OB_GC_BITS_OFFSET] = bits & ~GC_BITS_TRACKED;
}

/** Whether the collector tracks `op` (`gc.is_tracked`, `PyObject_GC_IsTracked`). @public */
export function gcIsTracked(t: RcThread, op: number): boolean {
  return (Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_TRACKED) !== 0;
}

/** Whether `op`'s finalizer has run (`gc.is_finalized`, `PyObject_GC_IsFinalized`). @public */
export function gcIsFinalized(t: RcThread, op: number): boolean {
  return (Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_FINALIZED) !== 0;
}
