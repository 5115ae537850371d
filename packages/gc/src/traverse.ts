/**
 * Calling a type's traverse behaviour (`Py_TYPE(op)->tp_traverse(op, visit,
 * arg)`) and refusing what a faulty one hands back. The collector writes to
 * every child it is given (it borrows the child's `ob_tid`), so a child that
 * is not an object of the GC heaps — a foreign or interior address, a
 * number that is not an address — would be a write into someone else's
 * memory. Each child is checked against mimalloc's page records first
 * (`miIsObjectAddress`); a refused one is skipped and remembered, and the
 * collection reports it once it has restored every object.
 */

import { fatalError, formatAddress } from '@ft/atomics';
import { MI_HEAP_GC, MI_HEAP_GC_PRE, MI_HEAP_OBJECT, miIsObjectAddress } from '@ft/mimalloc';
import { IMMORTAL_REFCNT_LOCAL, OB_REF_LOCAL_OFFSET, OB_TYPE_OFFSET, OBJECT_HEADER_SIZE, TP_TRAVERSE_OFFSET } from '@ft/refcount';
import type { GcThread } from './gc-thread.js';

/** The heaps GC objects live in (CPython's `_Py_MIMALLOC_HEAP_GC` and `_GC_PRE`). @internal */
export const GC_HEAPS_MASK = (1 << MI_HEAP_GC) | (1 << MI_HEAP_GC_PRE);

const K_TYPE_INDEX = OB_TYPE_OFFSET >>> 2;
const K_TRAVERSE_INDEX = TP_TRAVERSE_OFFSET >>> 2;

/**
 * Runs `op`'s traverse behaviour with `visit`; returns what it returned
 * (non-zero: `visit` stopped it). A type without one has nothing to visit.
 * @internal
 */
export function traverseObject(gt: GcThread, op: number, visit: (child: number) => number): number {
  const id = gt.u32[(gt.u32[(op >>> 2) + K_TYPE_INDEX] >>> 2) + K_TRAVERSE_INDEX];
  if (id === 0) return 0;
  const fn = gt.traverse[id];
  if (fn === undefined || fn === null) fatalError(`object ${formatAddress(op)} names traverse behaviour ${id}, which this thread did not register`);
  return fn(gt.rc, op, visit);
}

/**
 * The objects of the page the last accepted child was in: [first object,
 * end, block size], and the block-size mask when it is a power of two.
 * Children of one container tend to sit in a few pages, so most checks are
 * a range test and a mask. Valid only while pages cannot change: the
 * collector resets it whenever it stops the world.
 */
const lastPage = new Uint32Array(3);
let lastMask = -1;

/** Forgets the cached page (the world was restarted since it was filled). @internal */
export function resetObjectCache(): void {
  lastPage[0] = 0;
  lastPage[1] = 0;
}

/**
 * Whether `child`, refused as a GC object, is still an object a traverse
 * may rightly visit: one of the object heap (an int, a str: not a container,
 * so the collector skips it, as CPython's `_PyObject_IS_GC` test does), or
 * an immortal static object (static types, small ints, singletons: never
 * collected). Only an address that is neither is a faulty traverse's.
 * SAFETY: plain reads of any heap address (readable memory), world stopped.
 * @internal
 */
export function isNonGcObject(gt: GcThread, child: number): boolean {
  if (miIsObjectAddress(gt.mi, child, 1 << MI_HEAP_OBJECT)) return true;
  return (child & 3) === 0 && child > 0 && child + OBJECT_HEADER_SIZE <= gt.heap.size && gt.u32[(child + OB_REF_LOCAL_OFFSET) >>> 2] === IMMORTAL_REFCNT_LOCAL && gt.u32[(child + OB_TYPE_OFFSET) >>> 2] !== 0;
}

/** Whether `child`, handed to a visit by a traverse behaviour, is an object address in the GC heaps. @internal */
export function isGcObject(gt: GcThread, child: number): boolean {
  const offset = child - lastPage[0]!;
  if (offset >= 0 && child < lastPage[1]!) {
    return lastMask >= 0 ? (offset & lastMask) === 0 : offset % lastPage[2]! === 0;
  }
  if (!miIsObjectAddress(gt.mi, child, GC_HEAPS_MASK, lastPage)) return false;
  const block = lastPage[2]!;
  lastMask = (block & (block - 1)) === 0 ? block - 1 : -1;
  return true;
}
