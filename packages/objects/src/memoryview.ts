/**
 * `memoryview` (`Objects/memoryobject.c`): a view of the items of an object
 * that exports a buffer (bytes, bytearray, another memoryview), at most
 * one-dimensional here, with the struct-module item formats of
 * memoryview-format.ts.
 *
 * CPython shares one managed buffer (`_PyManagedBufferObject`) between a
 * view and the views made from it; here each view takes its own export of
 * the exporter (buffer.ts) when it is made and gives it back when it is
 * released — the bytearray cannot be resized while any view of it is not
 * released, as in CPython — and keeps its one reference to the exporter
 * until dealloc or the collector's clear, as CPython's view keeps its
 * managed buffer, so `obj` and traverse need no lock.
 *
 * Threads: the view's fields are written before it is published and never
 * change, except the RELEASED bit and the export count, which change under
 * the view's critical section. Every operation that reads or writes the
 * items holds that section from its released check to its last access, so
 * release() — which takes the section to set the bit, and gives the
 * export back only after leaving it — cannot let the exporter be resized
 * under a reader or writer. A value to store is converted before the
 * section is entered (its `__index__` may run Python code), and results
 * are boxed after it is left. CPython 3.13's memoryview takes no lock;
 * this is the smallest one that keeps a released view from touching freed
 * memory.
 */

import { criticalSectionBegin, criticalSectionBegin2, criticalSectionEnd, formatAddress } from '@ft/atomics';
import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { decref, incref, OB_MUTEX_OFFSET, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { indexCheck, numberAsSsize } from './abstract-number.js';
import { objectHash, PY_EQ, PY_NE } from './abstract.js';
import { bufferAddExportLocked, bufferCountsExports, bufferRelease, bufferToContiguous, objectCheckBuffer, objectGetBuffer, PYBUF_FULL_RO, PYBUF_SIMPLE } from './buffer.js';
import { bytesAlloc, bytesData, indexIterNew } from './bytes.js';
import { errClear, errNoMemory, errOccurred, errRaise, errRaiseInt } from './errors.js';
import { intFromNumber } from './int.js';
import {
  MEMORYVIEW_AT_BIT,
  MEMORYVIEW_BUF_OFFSET,
  MEMORYVIEW_C_BIT,
  MEMORYVIEW_EXPORTS_OFFSET,
  MEMORYVIEW_FLAGS_OFFSET,
  MEMORYVIEW_FORMAT_SHIFT,
  MEMORYVIEW_FORTRAN_BIT,
  MEMORYVIEW_HASH_OFFSET,
  MEMORYVIEW_ITEMSIZE_OFFSET,
  MEMORYVIEW_LEN_OFFSET,
  MEMORYVIEW_NDIM_SHIFT,
  MEMORYVIEW_OBJ_OFFSET,
  MEMORYVIEW_READONLY_BIT,
  MEMORYVIEW_RELEASED_BIT,
  MEMORYVIEW_SHAPE_OFFSET,
  MEMORYVIEW_STRIDE_OFFSET,
  MEMORYVIEW_WEAKLIST_OFFSET,
  OS_SINGLETONS_OFFSET,
  SEQITER_INDEX_OFFSET,
  SEQITER_SEQ_OFFSET,
  SINGLETON_ELLIPSIS,
  StaticType,
  TPFLAGS_LIST_SUBCLASS,
  TPFLAGS_LONG_SUBCLASS,
  TPFLAGS_TUPLE_SUBCLASS,
} from './layout.js';
import { listFromArray, listGetItemRef, listSize } from './list.js';
import { boxItem, formatItemSize, isByteFormat, packRaw, packValue, unpackRaw } from './memoryview-format.js';
import type { ObThread } from './ob-thread.js';
import { siphash13 } from './siphash.js';
import { sliceAdjustIndices, type SliceIndices } from './slice-indices.js';
import { sliceCheck, sliceUnpack } from './slice.js';
import { strFromJs } from './str.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleCheckExact, tupleGetItem, tupleSize } from './tuple.js';
import { tupleFromArray } from './tuple-core.js';
import { clearWeakRefs } from './weakref-clear.js';

const OBJ = MEMORYVIEW_OBJ_OFFSET >>> 2;
const BUF = MEMORYVIEW_BUF_OFFSET >>> 2;
const LEN = MEMORYVIEW_LEN_OFFSET >>> 2;
const ITEMSIZE = MEMORYVIEW_ITEMSIZE_OFFSET >>> 2;
const SHAPE = MEMORYVIEW_SHAPE_OFFSET >>> 2;
const STRIDE = MEMORYVIEW_STRIDE_OFFSET >>> 2;
const FLAGS = MEMORYVIEW_FLAGS_OFFSET >>> 2;
const EXPORTS = MEMORYVIEW_EXPORTS_OFFSET >>> 2;
const HASH = MEMORYVIEW_HASH_OFFSET >>> 2;

/** `Py_Ellipsis` (immortal). */
function ellipsis(t: ObThread): number {
  return t.u32[((t.state + OS_SINGLETONS_OFFSET) >>> 2) + SINGLETON_ELLIPSIS]!;
}

const RELEASED_MESSAGE = 'operation forbidden on released memoryview object';

/** `PyMemoryView_Check(op)` (the type is final). @public */
export function memoryViewCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.MemoryView];
}

// --- fields (immutable after publication, except as the file comment says) -----------------------

function flagsOf(t: ObThread, mv: number): number {
  return Atomics.load(t.u32, (mv >>> 2) + FLAGS);
}

function ndimOf(bits: number): number {
  return (bits >>> MEMORYVIEW_NDIM_SHIFT) & 0xff;
}

function fmtOf(bits: number): number {
  return bits >>> MEMORYVIEW_FORMAT_SHIFT;
}

/** The format as `format` shows it: `'B'`, or `'@B'` after a cast to `'@B'`. */
function formatText(bits: number): string {
  return ((bits & MEMORYVIEW_AT_BIT) !== 0 ? '@' : '') + String.fromCharCode(fmtOf(bits));
}

/** `init_flags` for at most one dimension: C and Fortran contiguous together, or neither. */
function contiguityBits(ndim: number, shape: number, stride: number, itemsize: number): number {
  return ndim === 0 || shape === 1 || shape === 0 || stride === itemsize ? MEMORYVIEW_C_BIT | MEMORYVIEW_FORTRAN_BIT : 0;
}

/** Whether the view is released (a snapshot: re-check it under the section before touching the items). @public */
export function memoryViewIsReleased(t: ObThread, mv: number): boolean {
  return (flagsOf(t, mv) & MEMORYVIEW_RELEASED_BIT) !== 0;
}

/** `CHECK_RELEASED`: true, or false with ValueError "operation forbidden on released memoryview object". */
function checkReleased(t: ObThread, mv: number): boolean {
  if ((flagsOf(t, mv) & MEMORYVIEW_RELEASED_BIT) === 0) return true;
  errRaise(t, StaticType.ValueError, RELEASED_MESSAGE);
  return false;
}

/** Enters the view's critical section; false (the section left) with the released error. */
function enter(t: ObThread, mv: number): boolean {
  criticalSectionBegin(t.heap, mv + OB_MUTEX_OFFSET);
  // SAFETY: RELEASED is set only under this section.
  if ((t.u32[(mv >>> 2) + FLAGS]! & MEMORYVIEW_RELEASED_BIT) === 0) return true;
  criticalSectionEnd(t.heap);
  errRaise(t, StaticType.ValueError, RELEASED_MESSAGE);
  return false;
}

function leave(t: ObThread): void {
  criticalSectionEnd(t.heap);
}

// --- creation and release -------------------------------------------------------------------------

/** The shape of a view being made: written by {@link deriveView}'s callers, read by {@link viewNew}. */
interface ViewShape {
  buf: number;
  itemsize: number;
  ndim: number;
  shape: number;
  stride: number;
  bits: number;
}

/** This thread's scratch shape (module scope is per thread): filled and used within one call. */
const next: ViewShape = { buf: 0, itemsize: 1, ndim: 1, shape: 0, stride: 1, bits: 0 };

/**
 * A new view of `exporter`'s memory with the shape `s` (`mbuf_add_view`
 * and the `init_*` helpers), adopting an export of `exporter` and the
 * reference that goes with it, both already taken by the caller (given
 * back here if the allocation fails); 0 with MemoryError.
 */
function viewNew(t: ObThread, exporter: number, s: ViewShape): number {
  const mv = gcNew(t.gc, t.types[StaticType.MemoryView]!);
  if (mv === 0) {
    bufferRelease(t, { obj: exporter, buf: 0, len: 0, readonly: true });
    return errNoMemory(t);
  }
  const base = mv >>> 2;
  const shape = s.ndim === 0 ? 1 : s.shape;
  // SAFETY: not published yet.
  t.u32[base + OBJ] = exporter;
  t.u32[base + BUF] = s.buf;
  t.i32[base + LEN] = shape * s.itemsize;
  t.i32[base + ITEMSIZE] = s.itemsize;
  t.i32[base + SHAPE] = shape;
  t.i32[base + STRIDE] = s.stride;
  t.u32[base + FLAGS] = (s.bits & (MEMORYVIEW_READONLY_BIT | MEMORYVIEW_AT_BIT | (0xff << MEMORYVIEW_FORMAT_SHIFT))) | (s.ndim << MEMORYVIEW_NDIM_SHIFT) | contiguityBits(s.ndim, shape, s.stride, s.itemsize);
  t.i32[base + EXPORTS] = 0;
  t.i32[base + HASH] = -1;
  t.u32[(mv + MEMORYVIEW_WEAKLIST_OFFSET) >>> 2] = 0;
  gcTrack(t.rc, mv);
  return mv;
}

/**
 * A view derived from `src` (a memoryview): `reshape` turns the source's
 * shape, given in {@link next}, into the new view's (it must not run
 * Python code or block: it runs under the sections). The source's released
 * check, the read of its shape and the new view's export of the exporter
 * happen under the source's and the exporter's critical sections at once
 * (`Py_BEGIN_CRITICAL_SECTION2`): release() cannot come in between, and
 * the source's own export count is not touched, so a release on another
 * thread never fails because a view was being derived (CPython's views
 * share the managed buffer instead). 0 with ValueError for a released
 * `src`, or MemoryError.
 */
function deriveView(t: ObThread, src: number, reshape: (s: ViewShape) => void): number {
  const base = src >>> 2;
  const exporter = t.u32[base + OBJ]!; // changed only by the collector's clear, with the world stopped
  const heap = t.heap;
  if (exporter !== 0 && bufferCountsExports(t, exporter)) criticalSectionBegin2(heap, src + OB_MUTEX_OFFSET, exporter + OB_MUTEX_OFFSET);
  else criticalSectionBegin(heap, src + OB_MUTEX_OFFSET);
  // SAFETY: RELEASED is set only under the source's section; the other fields never change.
  const bits = t.u32[base + FLAGS]!;
  if ((bits & MEMORYVIEW_RELEASED_BIT) !== 0 || exporter === 0) {
    criticalSectionEnd(heap);
    return errRaise(t, StaticType.ValueError, RELEASED_MESSAGE);
  }
  next.buf = t.u32[base + BUF]!;
  next.itemsize = t.i32[base + ITEMSIZE]!;
  next.ndim = ndimOf(bits);
  next.shape = t.i32[base + SHAPE]!;
  next.stride = t.i32[base + STRIDE]!;
  next.bits = bits;
  reshape(next);
  bufferAddExportLocked(t, exporter);
  criticalSectionEnd(heap);
  return viewNew(t, exporter, next);
}

/** {@link deriveView}'s reshape for an unchanged view. */
function sameShape(_s: ViewShape): void {}

/**
 * `PyMemoryView_FromObject(obj)`: a new view of a bytes-like object's
 * items (format 'B'), or of the same items as another memoryview; 0 with
 * TypeError "memoryview: a bytes-like object is required, not 'int'" or
 * ValueError for a released view.
 * @public
 */
export function memoryViewFromObject(t: ObThread, obj: number): number {
  if (memoryViewCheck(t, obj)) return deriveView(t, obj, sameShape);
  if (!objectCheckBuffer(t, obj)) return errRaise(t, StaticType.TypeError, `memoryview: a bytes-like object is required, not '${typeNameOf(t, obj).slice(0, 200)}'`);
  const view = objectGetBuffer(t, obj, PYBUF_SIMPLE);
  if (view === null) return 0;
  // The view adopts this export and its reference.
  next.buf = view.buf;
  next.itemsize = 1;
  next.ndim = 1;
  next.shape = view.len;
  next.stride = 1;
  next.bits = (0x42 << MEMORYVIEW_FORMAT_SHIFT) | (view.readonly ? MEMORYVIEW_READONLY_BIT : 0);
  return viewNew(t, obj, next);
}

/**
 * `memoryview.release()` (`_memory_release`): 0 once the view is released
 * (again: nothing to do), or -1 with BufferError "memoryview has 1
 * exported buffer" while buffers exported from it are not released.
 * @public
 */
export function memoryViewRelease(t: ObThread, mv: number): number {
  const base = mv >>> 2;
  criticalSectionBegin(t.heap, mv + OB_MUTEX_OFFSET);
  // SAFETY: the flags' RELEASED bit and the export count change only under this section.
  const bits = t.u32[base + FLAGS]!;
  if ((bits & MEMORYVIEW_RELEASED_BIT) !== 0) {
    leave(t);
    return 0;
  }
  const exports = t.i32[base + EXPORTS]!;
  if (exports > 0) {
    leave(t);
    return errRaiseInt(t, StaticType.BufferError, `memoryview has ${exports} exported buffer${exports === 1 ? '' : 's'}`);
  }
  Atomics.store(t.u32, base + FLAGS, bits | MEMORYVIEW_RELEASED_BIT);
  leave(t);
  // The export goes back outside the section (it takes the exporter's); the reference stays until dealloc.
  const exporter = t.u32[base + OBJ]!;
  if (exporter !== 0) {
    incref(t.rc, exporter);
    bufferRelease(t, { obj: exporter, buf: 0, len: 0, readonly: true });
  }
  return 0;
}

/** The memoryview's dealloc (`memory_dealloc`): released, then the exporter dropped. @internal */
export function memoryViewDealloc(t: ObThread, mv: number): void {
  gcUntrack(t.rc, mv);
  clearWeakRefs(t, mv);
  memoryViewRelease(t, mv); // no exports: each holds a reference to the view
  const exporter = t.u32[(mv >>> 2) + OBJ]!;
  t.u32[(mv >>> 2) + OBJ] = 0;
  if (exporter !== 0) decref(t.rc, exporter);
  gcDel(t.gc, mv);
}

/** `memory_traverse`: the exporter (CPython visits the managed buffer, which holds it). @internal */
export function memoryViewTraverse(t: RcThread, mv: number, visit: (child: number) => number): number {
  const exporter = t.u32[(mv >>> 2) + OBJ]!;
  return exporter === 0 ? 0 : visit(exporter);
}

/** `memory_clear` (the world stopped): released (errors ignored), then the exporter dropped. @internal */
export function memoryViewClear(t: ObThread, mv: number): void {
  if (memoryViewRelease(t, mv) < 0) errClear(t);
  const exporter = t.u32[(mv >>> 2) + OBJ]!;
  t.u32[(mv >>> 2) + OBJ] = 0;
  if (exporter !== 0) decref(t.rc, exporter);
}

// --- attributes -------------------------------------------------------------------------------------

/** What the attribute getters read: `obj`, `nbytes`, … (each a new reference), or 0 with ValueError for a released view. @public */
export function memoryViewAttribute(t: ObThread, mv: number, name: 'obj' | 'nbytes' | 'readonly' | 'itemsize' | 'format' | 'ndim' | 'shape' | 'strides' | 'suboffsets' | 'c_contiguous' | 'f_contiguous' | 'contiguous'): number {
  if (!checkReleased(t, mv)) return 0;
  const base = mv >>> 2;
  const bits = flagsOf(t, mv);
  const ndim = ndimOf(bits);
  switch (name) {
    case 'obj': {
      // 0 only after the collector's clear (`view->obj == NULL`: None).
      const exporter = t.u32[base + OBJ]! || t.none;
      incref(t.rc, exporter);
      return exporter;
    }
    case 'nbytes':
      return intFromNumber(t, t.i32[base + LEN]!);
    case 'readonly':
      return (bits & MEMORYVIEW_READONLY_BIT) !== 0 ? t.true : t.false;
    case 'itemsize':
      return intFromNumber(t, t.i32[base + ITEMSIZE]!);
    case 'format':
      return strFromJs(t, formatText(bits));
    case 'ndim':
      return intFromNumber(t, ndim);
    case 'shape':
    case 'strides':
    case 'suboffsets':
      return intTuple(t, name === 'suboffsets' || ndim === 0 ? [] : [t.i32[base + (name === 'shape' ? SHAPE : STRIDE)]!]);
    case 'c_contiguous':
      return (bits & MEMORYVIEW_C_BIT) !== 0 ? t.true : t.false;
    case 'f_contiguous':
      return (bits & MEMORYVIEW_FORTRAN_BIT) !== 0 ? t.true : t.false;
    default:
      return (bits & (MEMORYVIEW_C_BIT | MEMORYVIEW_FORTRAN_BIT)) !== 0 ? t.true : t.false;
  }
}

/** `_IntTupleFromSsizet`: a tuple of at most one int. */
function intTuple(t: ObThread, values: readonly number[]): number {
  if (values.length === 0) return tupleFromArray(t, values);
  const item = intFromNumber(t, values[0]!);
  if (item === 0) return 0;
  const tuple = tupleFromArray(t, [item]);
  decref(t.rc, item);
  return tuple;
}

/** `len(mv)` (`memory_length`): the items of dimension 1; -1 with ValueError (released) or TypeError "0-dim memory has no length". @public */
export function memoryViewLength(t: ObThread, mv: number): number {
  if (!checkReleased(t, mv)) return -1;
  if (ndimOf(flagsOf(t, mv)) === 0) return errRaiseInt(t, StaticType.TypeError, '0-dim memory has no length');
  return t.i32[(mv >>> 2) + SHAPE]!;
}

/** `mv.__enter__()` (`memory_enter`): the view itself (a new reference), or 0 with ValueError once released. @public */
export function memoryViewEnter(t: ObThread, mv: number): number {
  if (!checkReleased(t, mv)) return 0;
  incref(t.rc, mv);
  return mv;
}

/** `repr(mv)` (`memory_repr`): `<memory at 0x…>`, `<released memory at 0x…>` once released. @public */
export function memoryViewReprJs(t: ObThread, mv: number): string {
  return `<${memoryViewIsReleased(t, mv) ? 'released ' : ''}memory at ${formatAddress(mv)}>`;
}

// --- items --------------------------------------------------------------------------------------------

/** `lookup_dimension` for dimension 1: the item's address, or -1 with IndexError "index out of bounds on dimension 1". */
function itemAddress(t: ObThread, mv: number, index: number): number {
  const base = mv >>> 2;
  const n = t.i32[base + SHAPE]!;
  let i = index;
  if (i < 0) i += n;
  if (i < 0 || i >= n) {
    errRaise(t, StaticType.IndexError, 'index out of bounds on dimension 1');
    return -1;
  }
  return t.u32[base + BUF]! + i * t.i32[base + STRIDE]!;
}

/** `memory_item(mv, index)`: the item at `index` (negative from the end), or 0 with the error. @public */
export function memoryViewItem(t: ObThread, mv: number, index: number): number {
  const bits = flagsOf(t, mv);
  if ((bits & MEMORYVIEW_RELEASED_BIT) === 0 && ndimOf(bits) === 0) return errRaise(t, StaticType.TypeError, 'invalid indexing of 0-dim memory');
  if (!enter(t, mv)) return 0;
  const addr = itemAddress(t, mv, index);
  const raw = addr < 0 ? 0 : unpackRaw(t, addr, fmtOf(bits));
  leave(t);
  return addr < 0 ? 0 : boxItem(t, raw, fmtOf(bits));
}

/** The single item of a 0-dim view (`unpack_single(view->buf)`), or 0 with the released error. */
function scalarItem(t: ObThread, mv: number): number {
  if (!enter(t, mv)) return 0;
  const c = fmtOf(flagsOf(t, mv));
  const raw = unpackRaw(t, t.u32[(mv >>> 2) + BUF]!, c);
  leave(t);
  return boxItem(t, raw, c);
}

/** This thread's scratch for a slice's unpacked bounds (module scope is per thread). */
const unpacked: { start: number | null; stop: number | null; step: number | null } = { start: null, stop: null, step: null };
const adjusted: SliceIndices = { start: 0, stop: 0, step: 0 };

/** `init_slice` on dimension 1 of `shape`/`stride`: false with the slice's error; `adjusted` holds start and step, the length returned through `out`. */
function sliceOf(t: ObThread, key: number, shape: number, out: { length: number }): boolean {
  if (sliceUnpack(t, key, unpacked) < 0) return false;
  out.length = sliceAdjustIndices(shape, unpacked.start, unpacked.stop, unpacked.step, adjusted);
  return true;
}

const sliceLength = { length: 0 };

/** A slice's unpacked bounds for {@link reshapeSlice} (per thread, set right before the call). */
let sliceStart: number | null = null;
let sliceStop: number | null = null;
let sliceStep: number | null = null;

/** `init_slice` on dimension 1 and `init_len`: the sliced shape of {@link sliceStart}…{@link sliceStep}. */
function reshapeSlice(s: ViewShape): void {
  const n = sliceAdjustIndices(s.shape, sliceStart, sliceStop, sliceStep, adjusted);
  s.buf += s.stride * adjusted.start;
  s.shape = n;
  s.stride *= adjusted.step;
  s.ndim = 1;
}

/** `_PyIndex_Check` on every item of a tuple (`is_multiindex`). */
function isMultiIndex(t: ObThread, key: number): boolean {
  if (!tupleCheckExact(t, key)) return false;
  const n = tupleSize(t, key);
  for (let i = 0; i < n; i++) if (!indexCheck(t, tupleGetItem(t, key, i))) return false;
  return true;
}

/** `is_multislice`: a non-empty tuple of slices. */
function isMultiSlice(t: ObThread, key: number): boolean {
  if (!tupleCheckExact(t, key)) return false;
  const n = tupleSize(t, key);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (!sliceCheck(t, tupleGetItem(t, key, i))) return false;
  return true;
}

/** The address a full index tuple names in a 1-D view (`ptr_from_tuple`), or -1 with the error. */
function tupleAddress(t: ObThread, mv: number, key: number, ndim: number): number {
  const n = tupleSize(t, key);
  if (n < ndim) {
    errRaise(t, StaticType.NotImplementedError, 'sub-views are not implemented');
    return -1;
  }
  if (n > ndim) {
    errRaise(t, StaticType.TypeError, `cannot index ${ndim}-dimension view with ${n}-element tuple`);
    return -1;
  }
  const index = numberAsSsize(t, tupleGetItem(t, key, 0), StaticType.IndexError);
  if (index === -1 && errOccurred(t) !== 0) return -1;
  return index;
}

/**
 * `mv[key]` (`memory_subscript`): an item for an index, a new view for a
 * slice (steps and negative bounds too), the item of a 0-dim view for
 * `()`, the view itself for `...` on a 0-dim view; 0 with ValueError
 * (released), IndexError "index out of bounds on dimension 1", TypeError
 * "memoryview: invalid slice key" / "invalid indexing of 0-dim memory", or
 * NotImplementedError "multi-dimensional slicing is not implemented".
 * @public
 */
export function memoryViewSubscript(t: ObThread, mv: number, key: number): number {
  if (!checkReleased(t, mv)) return 0;
  const bits = flagsOf(t, mv);
  const ndim = ndimOf(bits);
  if (ndim === 0) {
    if (tupleCheckExact(t, key) && tupleSize(t, key) === 0) return scalarItem(t, mv);
    if (key === ellipsis(t)) {
      incref(t.rc, mv);
      return mv;
    }
    return errRaise(t, StaticType.TypeError, 'invalid indexing of 0-dim memory');
  }
  if (indexCheck(t, key)) {
    const index = numberAsSsize(t, key, StaticType.IndexError);
    if (index === -1 && errOccurred(t) !== 0) return 0;
    return memoryViewItem(t, mv, index);
  }
  if (sliceCheck(t, key)) {
    // The bounds first: their `__index__` may run Python code, which must not run under the sections.
    if (sliceUnpack(t, key, unpacked) < 0) return 0;
    sliceStart = unpacked.start;
    sliceStop = unpacked.stop;
    sliceStep = unpacked.step;
    return deriveView(t, mv, reshapeSlice);
  }
  if (isMultiIndex(t, key)) {
    const index = tupleAddress(t, mv, key, ndim);
    if (index === -1 && errOccurred(t) !== 0) return 0;
    return memoryViewItem(t, mv, index);
  }
  if (isMultiSlice(t, key)) return errRaise(t, StaticType.NotImplementedError, 'multi-dimensional slicing is not implemented');
  return errRaise(t, StaticType.TypeError, 'memoryview: invalid slice key');
}

/**
 * `mv[key] = value` (`memory_ass_sub`; `value` 0 deletes): an item packed
 * in the view's format, or a slice filled from a bytes-like object of the
 * same structure (format, item size and length). 0, or -1 with ValueError
 * (released), TypeError "cannot modify read-only memory" / "cannot delete
 * memory" / "memoryview: invalid slice key" / "memoryview: invalid type
 * for format 'B'", ValueError "memoryview: invalid value for format 'B'"
 * / "memoryview assignment: lvalue and rvalue have different structures",
 * IndexError "index out of bounds on dimension 1".
 * @public
 */
export function memoryViewAssSubscript(t: ObThread, mv: number, key: number, value: number): number {
  if (!checkReleased(t, mv)) return -1;
  const bits = flagsOf(t, mv);
  const c = fmtOf(bits);
  const format = String.fromCharCode(c);
  if ((bits & MEMORYVIEW_READONLY_BIT) !== 0) return errRaiseInt(t, StaticType.TypeError, 'cannot modify read-only memory');
  if (value === 0) return errRaiseInt(t, StaticType.TypeError, 'cannot delete memory');
  const ndim = ndimOf(bits);
  if (ndim === 0) {
    if (key !== ellipsis(t) && !(tupleCheckExact(t, key) && tupleSize(t, key) === 0)) return errRaiseInt(t, StaticType.TypeError, 'invalid indexing of 0-dim memory');
    const v = packValue(t, value, c, format);
    if (v === undefined) return -1;
    if (!enter(t, mv)) return -1;
    packRaw(t, t.u32[(mv >>> 2) + BUF]!, c, v);
    leave(t);
    return 0;
  }
  let index: number | null = null;
  if (indexCheck(t, key)) {
    index = numberAsSsize(t, key, StaticType.IndexError);
    if (index === -1 && errOccurred(t) !== 0) return -1;
  } else if (isMultiIndex(t, key)) {
    index = tupleAddress(t, mv, key, ndim);
    if (index === -1 && errOccurred(t) !== 0) return -1;
  }
  if (index !== null) {
    // The value is converted first, as `pack_single` does after `ptr_from_index`; an index error comes first.
    if (!enter(t, mv)) return -1;
    const checked = itemAddress(t, mv, index);
    leave(t);
    if (checked < 0) return -1;
    const v = packValue(t, value, c, format);
    if (v === undefined) return -1;
    if (!enter(t, mv)) return -1;
    packRaw(t, itemAddress(t, mv, index), c, v);
    leave(t);
    return 0;
  }
  if (sliceCheck(t, key)) return assignSlice(t, mv, key, value, bits);
  if (isMultiSlice(t, key)) return errRaiseInt(t, StaticType.NotImplementedError, 'memoryview slice assignments are currently restricted to ndim = 1');
  return errRaiseInt(t, StaticType.TypeError, 'memoryview: invalid slice key');
}

/** The 1-D slice assignment of `memory_ass_sub` (`copy_single` after `equiv_structure`). */
function assignSlice(t: ObThread, mv: number, key: number, value: number, bits: number): number {
  const src = objectGetBuffer(t, value, PYBUF_FULL_RO);
  if (src === null) return -1;
  let r = -1;
  const base = mv >>> 2;
  const itemsize = t.i32[base + ITEMSIZE]!;
  if (sliceOf(t, key, t.i32[base + SHAPE]!, sliceLength)) {
    const n = sliceLength.length;
    const srcItemsize = src.itemsize ?? 1;
    const srcFormat = src.format ?? 'B';
    if (srcFormat !== String.fromCharCode(fmtOf(bits)) || srcItemsize !== itemsize || src.len / srcItemsize !== n) {
      errRaise(t, StaticType.ValueError, 'memoryview assignment: lvalue and rvalue have different structures');
    } else {
      // A copy first: source and destination may overlap (`copy_single` goes through a buffer then).
      const data = new Uint8Array(src.len);
      const srcStride = src.stride ?? srcItemsize;
      const u8 = t.u8;
      for (let i = 0; i < n; i++) data.set(u8.subarray(src.buf + i * srcStride, src.buf + i * srcStride + itemsize), i * itemsize);
      if (enter(t, mv)) {
        const start = t.u32[base + BUF]! + adjusted.start * t.i32[base + STRIDE]!;
        const step = adjusted.step * t.i32[base + STRIDE]!;
        for (let i = 0; i < n; i++) u8.set(data.subarray(i * itemsize, (i + 1) * itemsize), start + i * step);
        leave(t);
        r = 0;
      }
    }
  }
  bufferRelease(t, src);
  return r;
}

// --- whole-view reads -------------------------------------------------------------------------------

/** The raw items of a view (under its section), or null with the released error. */
function rawItems(t: ObThread, mv: number): (number | bigint)[] | null {
  if (!enter(t, mv)) return null;
  const base = mv >>> 2;
  const c = fmtOf(t.u32[base + FLAGS]!);
  const n = ndimOf(t.u32[base + FLAGS]!) === 0 ? 1 : t.i32[base + SHAPE]!;
  const buf = t.u32[base + BUF]!;
  const stride = t.i32[base + STRIDE]!;
  const out: (number | bigint)[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = unpackRaw(t, buf + i * stride, c);
  leave(t);
  return out;
}

/** `memoryview.tolist()`: the items as a list (the item itself for a 0-dim view); 0 with the error. @public */
export function memoryViewToList(t: ObThread, mv: number): number {
  const bits = flagsOf(t, mv);
  if (ndimOf(bits) === 0 && (bits & MEMORYVIEW_RELEASED_BIT) === 0) return scalarItem(t, mv);
  const raw = rawItems(t, mv);
  if (raw === null) return 0;
  const c = fmtOf(bits);
  const items: number[] = [];
  for (const r of raw) {
    const item = boxItem(t, r, c);
    if (item === 0) {
      for (const done of items) decref(t.rc, done);
      return 0;
    }
    items.push(item);
  }
  const list = listFromArray(t, items);
  for (const item of items) decref(t.rc, item);
  return list;
}

/** `memoryview.tobytes()` (`PyBuffer_ToContiguous` in C order): a new bytes, or 0 with the error. @public */
export function memoryViewToBytes(t: ObThread, mv: number): number {
  if (!enter(t, mv)) return 0;
  const base = mv >>> 2;
  const len = t.i32[base + LEN]!;
  const out = bytesAlloc(t, len);
  if (out !== 0) bufferToContiguous(t, { obj: mv, buf: t.u32[base + BUF]!, len, readonly: true, itemsize: t.i32[base + ITEMSIZE]!, stride: t.i32[base + STRIDE]! }, bytesData(t, out));
  leave(t);
  return out;
}

/**
 * `hash(mv)` (`memory_hash`): the hash of the bytes `tobytes()` gives, for
 * a read-only view of format 'B', 'b' or 'c' whose exporter is hashable;
 * cached. -1 with ValueError "cannot hash writable memoryview object" /
 * "memoryview: hashing is restricted to formats 'B', 'b' or 'c'" or the
 * exporter's TypeError.
 * @public
 */
export function memoryViewHash(t: ObThread, mv: number): number {
  const base = mv >>> 2;
  const cached = Atomics.load(t.i32, base + HASH);
  if (cached !== -1) return cached;
  if (!checkReleased(t, mv)) return -1;
  const bits = flagsOf(t, mv);
  if ((bits & MEMORYVIEW_READONLY_BIT) === 0) return errRaiseInt(t, StaticType.ValueError, 'cannot hash writable memoryview object');
  if (!isByteFormat(fmtOf(bits))) return errRaiseInt(t, StaticType.ValueError, "memoryview: hashing is restricted to formats 'B', 'b' or 'c'");
  if (objectHash(t, t.u32[base + OBJ]!) === -1 && errOccurred(t) !== 0) return -1;
  const bytes = memoryViewToBytes(t, mv);
  if (bytes === 0) return -1;
  const len = t.i32[base + LEN]!;
  let h = len === 0 ? 0 : siphash13(t.u8, bytesData(t, bytes), len, t.hashKey);
  decref(t.rc, bytes);
  if (h === -1) h = -2;
  Atomics.store(t.i32, base + HASH, h); // CPython: a plain store; every thread computes the same value
  return h;
}

/** An item compared by Python's `==`: a number or bigint (bools as 0/1, as Python's), or a one-byte bytes ('c') kept apart as a string. */
function comparable(raw: number | bigint, c: number): number | bigint | string {
  return c === 0x63 ? String.fromCharCode(raw as number) : raw;
}

/**
 * `v == w` / `v != w` (`memory_richcompare`; other operators:
 * NotImplemented): equal when both have the same shape and equal items,
 * each compared as the Python values its format gives (so a 'c' view never
 * equals a 'B' one, and NaN items are unequal); a released view equals
 * only itself; an object without a buffer gives NotImplemented.
 * @public
 */
export function memoryViewRichCompare(t: ObThread, v: number, w: number, op: number): number {
  if (op !== PY_EQ && op !== PY_NE) {
    incref(t.rc, t.notImplemented);
    return t.notImplemented;
  }
  let equal: boolean;
  if (memoryViewIsReleased(t, v) || (memoryViewCheck(t, w) && memoryViewIsReleased(t, w))) {
    equal = v === w;
  } else {
    const wbuf = objectGetBuffer(t, w, PYBUF_FULL_RO);
    if (wbuf === null) {
      errClear(t);
      incref(t.rc, t.notImplemented);
      return t.notImplemented;
    }
    const vbits = flagsOf(t, v);
    const vc = fmtOf(vbits);
    const wc = (wbuf.format ?? 'B').charCodeAt(0);
    const witemsize = wbuf.itemsize ?? 1;
    const wn = wbuf.len / witemsize;
    const wndim = memoryViewCheck(t, w) ? ndimOf(flagsOf(t, w)) : 1;
    const vndim = ndimOf(vbits);
    const vitems = rawItems(t, v);
    if (vitems === null) {
      bufferRelease(t, wbuf);
      return 0;
    }
    equal = vndim === wndim && vitems.length === wn;
    const wstride = wbuf.stride ?? witemsize;
    for (let i = 0; equal && i < wn; i++) {
      const a = comparable(vitems[i]!, vc);
      const b = comparable(unpackRaw(t, wbuf.buf + i * wstride, wc), wc);
      // eslint-disable-next-line eqeqeq -- a bigint and a number compare by value, as Python's ints and floats do
      equal = typeof a === 'string' || typeof b === 'string' ? a === b : a == b;
    }
    bufferRelease(t, wbuf);
  }
  return equal === (op === PY_EQ) ? t.true : t.false;
}

// --- cast, toreadonly ------------------------------------------------------------------------------

/**
 * The elements of a cast's `shape` (`copy_shape`): their values, or null
 * with TypeError "memoryview.cast(): elements of shape must be integers"
 * or ValueError "… must be integers > 0".
 */
function shapeValues(t: ObThread, shape: number): number[] | null {
  const isList = typeHasFlag(t, typeOf(t, shape), TPFLAGS_LIST_SUBCLASS);
  const n = isList ? listSize(t, shape) : tupleSize(t, shape);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const item = isList ? listGetItemRef(t, shape, i) : tupleGetItem(t, shape, i);
    if (item === 0) break; // the list shrank meanwhile
    const isInt = typeHasFlag(t, typeOf(t, item), TPFLAGS_LONG_SUBCLASS);
    const x = isInt ? numberAsSsize(t, item, null) : 0;
    if (isList) decref(t.rc, item);
    if (!isInt) {
      errRaise(t, StaticType.TypeError, 'memoryview.cast(): elements of shape must be integers');
      return null;
    }
    if (x === -1 && errOccurred(t) !== 0) return null;
    if (x <= 0) {
      errRaise(t, StaticType.ValueError, 'memoryview.cast(): elements of shape must be integers > 0');
      return null;
    }
    out.push(x);
  }
  return out;
}

/**
 * `memoryview.cast(format, shape=<absent>)`: a view of the same bytes as
 * items of `format` (a native single-character format, an `@` prefix allowed): 1-D,
 * or as `shape` says (`shape` a list or tuple; 0 when absent) — 0-dim for
 * an empty one, 1-D for one element. 0 with CPython's errors, in its
 * order: TypeError "memoryview: casts are restricted to C-contiguous
 * views", "shape must be a list or a tuple", "memoryview: cast must be 1D
 * to ND or ND to 1D" (CPython writes the arrows); ValueError "memoryview:
 * destination format must be a native single character format prefixed
 * with an optional at sign";
 * TypeError "memoryview: cannot cast between two non-byte formats",
 * "memoryview: length is not a multiple of itemsize", "memoryview:
 * product(shape) * itemsize != buffer size". More than one dimension is
 * not supported here (NotImplementedError).
 * @public
 */
export function memoryViewCast(t: ObThread, mv: number, format: string, shape: number): number {
  if (!checkReleased(t, mv)) return 0;
  const bits = flagsOf(t, mv);
  if ((bits & MEMORYVIEW_C_BIT) === 0) return errRaise(t, StaticType.TypeError, 'memoryview: casts are restricted to C-contiguous views');
  const ndim = ndimOf(bits);
  if (shape !== 0 && ndim === 1 && t.i32[(mv >>> 2) + SHAPE] === 0) return errRaise(t, StaticType.TypeError, 'memoryview: cannot cast view with zeros in shape or strides');
  let shapeLength = 1;
  if (shape !== 0) {
    const type = typeOf(t, shape);
    const isList = typeHasFlag(t, type, TPFLAGS_LIST_SUBCLASS);
    if (!isList && !typeHasFlag(t, type, TPFLAGS_TUPLE_SUBCLASS)) return errRaise(t, StaticType.TypeError, 'shape must be a list or a tuple');
    shapeLength = isList ? listSize(t, shape) : tupleSize(t, shape);
    if (shapeLength > 64) return errRaise(t, StaticType.ValueError, 'memoryview: number of dimensions must not exceed 64');
    if (ndim !== 1 && shapeLength !== 1) return errRaise(t, StaticType.TypeError, 'memoryview: cast must be 1D -> ND or ND -> 1D');
  }
  // `cast_to_1D`.
  const at = format.startsWith('@');
  const body = at ? format.slice(1) : format;
  const dest = body.length === 1 ? body.charCodeAt(0) : 0;
  const itemsize = formatItemSize(dest);
  if (itemsize < 0) return errRaise(t, StaticType.ValueError, "memoryview: destination format must be a native single character format prefixed with an optional '@'");
  if (!isByteFormat(fmtOf(bits)) && !isByteFormat(dest)) return errRaise(t, StaticType.TypeError, 'memoryview: cannot cast between two non-byte formats');
  const len = t.i32[(mv >>> 2) + LEN]!;
  if (len % itemsize !== 0) return errRaise(t, StaticType.TypeError, 'memoryview: length is not a multiple of itemsize');
  let newNdim = 1;
  let newShape = len / itemsize;
  if (shape !== 0) {
    // `cast_to_ND`.
    const values = shapeValues(t, shape);
    if (values === null) return 0;
    if (values.length > 1) return errRaise(t, StaticType.NotImplementedError, 'memoryview: casts to more than one dimension are not supported');
    newNdim = values.length;
    newShape = values.length === 0 ? 1 : values[0]!;
    if (newShape * itemsize !== len) return errRaise(t, StaticType.TypeError, 'memoryview: product(shape) * itemsize != buffer size');
  }
  castItemsize = itemsize;
  castNdim = newNdim;
  castShape = newShape;
  castBits = (at ? MEMORYVIEW_AT_BIT : 0) | (dest << MEMORYVIEW_FORMAT_SHIFT);
  return deriveView(t, mv, reshapeCast);
}

/** A cast's result shape for {@link reshapeCast} (per thread, set right before the call). */
let castItemsize = 1;
let castNdim = 1;
let castShape = 0;
let castBits = 0;

/** `cast_to_1D` / `cast_to_ND`: C-contiguous items of the new format; read-only stays. */
function reshapeCast(s: ViewShape): void {
  s.itemsize = castItemsize;
  s.ndim = castNdim;
  s.shape = castShape;
  s.stride = castItemsize;
  s.bits = (s.bits & MEMORYVIEW_READONLY_BIT) | castBits;
}

/** `memoryview.toreadonly()`: a read-only view of the same items (a new view even when this one is read-only). @public */
export function memoryViewToReadOnly(t: ObThread, mv: number): number {
  return deriveView(t, mv, reshapeReadOnly);
}

function reshapeReadOnly(s: ViewShape): void {
  s.bits |= MEMORYVIEW_READONLY_BIT;
}

// --- iteration ---------------------------------------------------------------------------------------

/** `iter(mv)` (`memory_iter`): a memory_iterator; 0 with the released error or TypeError "invalid indexing of 0-dim memory". @public */
export function memoryViewIter(t: ObThread, mv: number): number {
  if (!checkReleased(t, mv)) return 0;
  if (ndimOf(flagsOf(t, mv)) === 0) return errRaise(t, StaticType.TypeError, 'invalid indexing of 0-dim memory');
  return indexIterNew(t, StaticType.MemoryIter, mv);
}

/**
 * `memoryiter_next`: the next item, or 0 when exhausted (no exception) or
 * with the released error. The index advances by compare-and-swap, as the
 * bytes iterator's: an iterator shared by threads hands each item to one.
 * @public
 */
export function memoryIterNext(t: ObThread, it: number): number {
  const mv = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!; // SAFETY: set before publication, cleared only by dealloc
  const word = (it + SEQITER_INDEX_OFFSET) >>> 2;
  const size = t.i32[(mv >>> 2) + SHAPE]!;
  for (;;) {
    const index = Atomics.load(t.i32, word);
    if (index < 0) return 0;
    if (index >= size) {
      Atomics.compareExchange(t.i32, word, index, -1);
      return 0;
    }
    if (Atomics.compareExchange(t.i32, word, index, index + 1) === index) return memoryViewItem(t, mv, index);
  }
}

/** The bytes of a view as a JavaScript copy (for tests and interop); null with the released error. @public */
export function memoryViewToJs(t: ObThread, mv: number): Uint8Array | null {
  const b = memoryViewToBytes(t, mv);
  if (b === 0) return null;
  const out = t.u8.slice(bytesData(t, b), bytesData(t, b) + t.i32[(mv >>> 2) + LEN]!);
  decref(t.rc, b);
  return out;
}
