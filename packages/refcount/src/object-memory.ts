/**
 * Object memory and the two built-in dealloc behaviours (ids
 * `OBJECT_DEALLOC` and `TYPE_DEALLOC`, put in every thread's dispatch table
 * by `rcThreadInit`). Objects are allocated and freed through the object
 * domain of `@ft/obmalloc` (`PyObject_Calloc`/`PyObject_Free`, DESIGN.md
 * §5), so its debug hooks, tracemalloc and statistics see every object. They
 * live in the thread's mimalloc heaps as in CPython's free-threaded build:
 * instances of GC types in the GC heap (where the collector finds them by
 * visiting), others in the object heap. Both are QSBR-delayed object heaps, so a freed
 * object's header stays readable for lock-free readers.
 */

import { describeValue, fatalError, throwNotASize } from '@ft/atomics';
import { MI_HEAP_GC, MI_HEAP_OBJECT, MI_MAX_ALLOC_SIZE } from '@ft/mimalloc';
import { pyObjectCalloc, pyObjectFree } from '@ft/obmalloc';
import { initObject } from './object-header.js';
import type { RcThread } from './rc-thread.js';
import { decrefType, increfType, releaseUniqueId, setTypeUniqueId } from './unique-ids.js';
import {
  IMMORTAL_REFCNT_LOCAL,
  OB_REF_LOCAL_INDEX,
  OB_SIZE_INDEX,
  OB_TYPE_INDEX,
  TP_BASICSIZE_OFFSET,
  TP_FLAGS_INDEX,
  TP_ITEMSIZE_OFFSET,
  TP_UNIQUE_ID_INDEX,
  TYPE_FLAG_HAVE_GC,
  TYPE_CORE_SIZE,
  TYPE_FLAG_HEAPTYPE,
} from './layout.js';

function noObjectMemory(): never {
  fatalError('object allocation needs the thread\'s mimalloc state (rcThreadInit option "mi")');
}

/**
 * Allocates a zeroed instance of `type` with `nitems` items
 * (`PyType_GenericAlloc`): basic size + items × item size, header initialised
 * with one reference owned by this thread, `ob_size` set for variable-size
 * types. Returns 0 when memory is exhausted or the size overflows. A `type`
 * that is not the address of a type object's word in the heap (not a
 * number: `TypeError`; NaN, fractional, negative, misaligned or outside the
 * heap: `RangeError`), or an `nitems` that is not a non-negative integer,
 * is refused before anything is read or written.
 * @example
 * ```ts
 * const op = allocObject(t, myType);
 * // ... share it, incref/decref it from any worker ...
 * decref(t, op);   // the last decref, anywhere, runs the type's dealloc
 * ```
 * @public
 */
export function allocObject(t: RcThread, type: number, nitems = 0): number {
  if (typeof type !== 'number' || type >>> 0 !== type || type === 0 || (type & 3) !== 0 || type + TYPE_CORE_SIZE > t.heap.size) badType(type);
  if (typeof nitems !== 'number' || !Number.isInteger(nitems) || nitems < 0) throwNotASize('allocObject', 'nitems', nitems);
  const u32 = t.u32;
  const ti = type >>> 2;
  // SAFETY: a published type core never changes (layout.ts).
  const itemSize = u32[(type + TP_ITEMSIZE_OFFSET) >>> 2];
  const size = u32[(type + TP_BASICSIZE_OFFSET) >>> 2] + nitems * itemSize;
  if (size > MI_MAX_ALLOC_SIZE) return 0;
  const mi = t.mi;
  const domains = t.domains;
  if (mi === null || domains === null) noObjectMemory();
  // `_PyObject_MallocWithType`: a GC type's instance goes to the GC heap,
  // where the collector finds it, by switching the thread's current object
  // heap around the object domain's allocation.
  const gc = (u32[ti + TP_FLAGS_INDEX] & TYPE_FLAG_HAVE_GC) !== 0;
  if (gc) mi.currentObjectTag = MI_HEAP_GC;
  const op = pyObjectCalloc(domains, 1, size);
  if (gc) mi.currentObjectTag = MI_HEAP_OBJECT;
  if (op === 0) return 0;
  initObject(t, op, type);
  // `_Py_INCREF_TYPE`'s early return for a static (immortal, id-less) type, here rather than only in
  // increfType: that call was a fifth of the cost of allocating a builtin type's instance.
  // SAFETY: incref's plain reads (biased-refcount.ts, file comment), exact for immortality.
  if (u32[ti + TP_UNIQUE_ID_INDEX] !== 0 || u32[ti + OB_REF_LOCAL_INDEX] !== IMMORTAL_REFCNT_LOCAL) increfType(t, type);
  if (itemSize !== 0) u32[(op >>> 2) + OB_SIZE_INDEX] = nitems; // SAFETY: not published yet
  return op;
}

function badType(type: unknown): never {
  if (typeof type !== 'number') throw new TypeError(`allocObject: type must be the address of a type object, got ${describeValue(type)}`);
  throw new RangeError(`allocObject: ${describeValue(type)} is not the address of a type object in the heap`);
}

/** Releases an object's memory (`PyObject_Free`); for dealloc behaviours. @public */
export function freeObject(t: RcThread, op: number): void {
  const domains = t.domains;
  if (domains === null) noObjectMemory();
  pyObjectFree(domains, op);
}

/**
 * The default dealloc, id `OBJECT_DEALLOC`: frees the memory, then drops the
 * instance's reference to a heap type (`subtype_dealloc`'s order).
 */
export function objectDealloc(t: RcThread, op: number): void {
  // SAFETY: op is dead, its header ours; a published type core never changes.
  const type = t.u32[(op >>> 2) + OB_TYPE_INDEX];
  freeObject(t, op);
  if ((t.u32[(type >>> 2) + TP_FLAGS_INDEX] & TYPE_FLAG_HEAPTYPE) !== 0) decrefType(t, type);
}

/** A heap type's dealloc, id `TYPE_DEALLOC` (`type_dealloc`): returns its unique id, then as an object. */
export function typeDealloc(t: RcThread, type: number): void {
  // SAFETY: the type is dead: nobody else reads or clears its id now.
  const id = t.u32[(type >>> 2) + TP_UNIQUE_ID_INDEX];
  if (id !== 0) {
    setTypeUniqueId(t, type, 0);
    releaseUniqueId(t, id);
  }
  objectDealloc(t, type);
}
