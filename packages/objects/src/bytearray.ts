/**
 * `bytearray` (`Objects/bytearrayobject.c`): a mutable run of bytes in a
 * separate buffer (a `PyMem` block, the allocator the list's item array
 * uses), grown and shrunk by `PyByteArray_Resize`'s policy — over-allocation
 * by an eighth on moderate growth, exact sizes on big jumps and big
 * shrinks, a logical start (`ob_start`) that `del b[:n]` advances instead
 * of moving the rest — so that `__alloc__()` follows CPython's step for
 * step.
 *
 * Threads: as CPython 3.14's bytearray (3.13's was not thread-safe), every
 * operation that reads or writes the buffer holds the object's critical
 * section; `len()` reads `ob_size` without it. The buffer is freed (or
 * reallocated) only under the critical section and never read without it
 * — or without an export (buffer.ts), which forbids resizing until it is
 * released — so it is freed at once, with no QSBR delay. An operand that
 * is bytes-like is taken as a buffer *before* the section is entered:
 * taking another bytearray's section while holding this one's could
 * suspend this one (a blocked thread releases its sections), letting a
 * resize in between. Item conversions (`__index__`) and iteration also run
 * outside it, as the argument converters run before CPython's
 * `@critical_section` bodies.
 *
 * `ob_exports` counts the buffers exported: while it is not 0, any resize
 * raises BufferError "Existing exports of data: object cannot be
 * re-sized", and operations that keep the size (`b[0] = 1`, `b[0:1] =
 * b'x'`) still work, as in CPython.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { gcNew, gcTrack } from '@ft/gc';
import { pyMemFree, pyMemMalloc, pyMemRealloc } from '@ft/obmalloc';
import { allocObject, decref, freeObject, incref, OB_MUTEX_OFFSET, OB_TYPE_OFFSET } from '@ft/refcount';
import { indexCheck, numberAsSsize } from './abstract-number.js';
import { objectGetIter, PY_EQ, PY_NE, typeSlotId } from './abstract.js';
import { bufferRelease, objectCheckBuffer, objectGetBuffer, PYBUF_FULL_RO, PYBUF_SIMPLE, type PyBuffer } from './buffer.js';
import { byteOfItem, bytesOfIterable, bytesReprOfHeap, heapCompare, repeatInPlace, repeatOverflows } from './bytes.js';
import { encodeStr } from './codecs.js';
import { errClear, errExceptionMatches, errNoMemory, errOccurred, errRaise, errRaiseInt } from './errors.js';
import { intCheckExact, smallInt } from './int.js';
import {
  BYTEARRAY_ALLOC_OFFSET,
  BYTEARRAY_BYTES_OFFSET,
  BYTEARRAY_EXPORTS_OFFSET,
  BYTEARRAY_SIZE_OFFSET,
  BYTEARRAY_START_OFFSET,
  BYTES_MAX_SIZE,
  SEQITER_INDEX_OFFSET,
  SEQITER_SEQ_OFFSET,
  StaticType,
} from './layout.js';
import { listCheckExact, listGetItemRef, listSize } from './list.js';
import type { ObThread } from './ob-thread.js';
import { sliceAdjustIndices, type SliceIndices } from './slice-indices.js';
import { sliceCheck, sliceUnpack } from './slice.js';
import { strCheck } from './str-methods.js';
import { typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { compareLengths, tupleCheckExact, tupleGetItem, tupleSize } from './tuple.js';

/**
 * Test seam: the stress test's control turns the critical section off to
 * show that its checks catch a bytearray without it. Never false otherwise.
 * @internal
 */
export const byteArraySeams = { criticalSection: true };

const SIZE = BYTEARRAY_SIZE_OFFSET >>> 2;
const ALLOC = BYTEARRAY_ALLOC_OFFSET >>> 2;
const BYTES = BYTEARRAY_BYTES_OFFSET >>> 2;
const START = BYTEARRAY_START_OFFSET >>> 2;
const EXPORTS = BYTEARRAY_EXPORTS_OFFSET >>> 2;

/** `Py_BEGIN_CRITICAL_SECTION(op)`. */
function lock(t: ObThread, op: number): void {
  if (byteArraySeams.criticalSection) criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
}

/** `Py_END_CRITICAL_SECTION()`. */
function unlock(t: ObThread): void {
  if (byteArraySeams.criticalSection) criticalSectionEnd(t.heap);
}

// --- checks, creation, plain reads --------------------------------------------------------

/** `PyByteArray_CheckExact(op)`. @public */
export function byteArrayCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.ByteArray];
}

/** `PyByteArray_Check(op)`: a bytearray or an instance of a subclass. @public */
export function byteArrayCheck(t: ObThread, op: number): boolean {
  return byteArrayCheckExact(t, op) || typeIsSubtype(t, typeOf(t, op), t.types[StaticType.ByteArray]!);
}

/** A new empty bytearray without a buffer (`bytearray()`); 0 with MemoryError. */
function byteArrayEmpty(t: ObThread): number {
  const op = allocObject(t.rc, t.types[StaticType.ByteArray]!);
  return op === 0 ? errNoMemory(t) : op; // zeroed: no buffer, size 0, no exports
}

/**
 * `PyByteArray_FromStringAndSize(NULL, size)`: a new bytearray of `size`
 * bytes (allocated `size + 1`, none for 0), contents unset until the
 * caller fills them from {@link byteArrayStartOf}; 0 with MemoryError.
 * @internal
 */
export function byteArrayNewSized(t: ObThread, size: number): number {
  if (!(size >= 0 && size < BYTES_MAX_SIZE)) return errNoMemory(t);
  const op = byteArrayEmpty(t);
  if (op === 0 || size === 0) return op;
  const buf = pyMemMalloc(t.domains, size + 1);
  if (buf === 0) {
    freeObject(t.rc, op);
    return errNoMemory(t);
  }
  // SAFETY: not published yet.
  const base = op >>> 2;
  t.u32[base + BYTES] = buf;
  t.u32[base + START] = buf;
  t.i32[base + ALLOC] = size + 1;
  t.i32[base + SIZE] = size;
  t.u8[buf + size] = 0;
  return op;
}

/** The first byte of a bytearray this thread has not published yet (plain read). @internal */
export function byteArrayStartOf(t: ObThread, op: number): number {
  return t.u32[(op >>> 2) + START]!; // SAFETY: not published yet
}

/** `PyByteArray_FromStringAndSize(data, len)`: a new bytearray holding a copy of `data` (JavaScript memory); 0 with MemoryError. @public */
export function byteArrayFromBytes(t: ObThread, data: ArrayLike<number>): number {
  const op = byteArrayNewSized(t, data.length);
  if (op === 0 || data.length === 0) return op;
  const buf = t.u32[(op >>> 2) + START]!; // SAFETY: not published yet
  if (data instanceof Uint8Array) t.u8.set(data, buf);
  else for (let i = 0; i < data.length; i++) t.u8[buf + i] = data[i]!;
  return op;
}

/** A new bytearray holding a copy of the `size` bytes at `addr` in the heap; 0 with MemoryError. @public */
export function byteArrayFromHeap(t: ObThread, addr: number, size: number): number {
  const op = byteArrayNewSized(t, size);
  if (op !== 0 && size > 0) t.heap.copy(t.u32[(op >>> 2) + START]!, addr, size); // SAFETY: not published yet
  return op;
}

/** `PyByteArray_GET_SIZE` / `len(b)`: lock-free (CPython: relaxed). @public */
export function byteArraySize(t: ObThread, op: number): number {
  return Atomics.load(t.i32, (op >>> 2) + SIZE);
}

/** `bytearray.__alloc__()`: bytes of the buffer (0 when there is none). @public */
export function byteArrayAlloc(t: ObThread, op: number): number {
  lock(t, op);
  const alloc = t.i32[(op >>> 2) + ALLOC]!;
  unlock(t);
  return alloc;
}

/** The current bytes, copied into JavaScript memory under the critical section (a snapshot). @public */
export function byteArrayToJs(t: ObThread, op: number): Uint8Array {
  lock(t, op);
  const start = t.u32[(op >>> 2) + START]!;
  const copy = t.u8.slice(start, start + t.i32[(op >>> 2) + SIZE]!);
  unlock(t);
  return copy;
}

/** Buffers exported and not released (`ob_exports`). @public */
export function byteArrayExports(t: ObThread, op: number): number {
  return Atomics.load(t.i32, (op >>> 2) + EXPORTS);
}

/**
 * Runs `read(addr, size)` over the current bytes under the critical
 * section (the bytes-methods' way in); `read` must not block, take another
 * object's critical section, or release references. @internal
 */
export function byteArrayRead<R>(t: ObThread, op: number, read: (addr: number, size: number) => R): R {
  lock(t, op);
  try {
    return read(t.u32[(op >>> 2) + START]!, t.i32[(op >>> 2) + SIZE]!);
  } finally {
    unlock(t);
  }
}

// --- resizing (under the critical section) ---------------------------------------------------

/** `_canresize`: 1, or 0 with BufferError while buffers are exported. */
function canResize(t: ObThread, op: number): boolean {
  if (Atomics.load(t.i32, (op >>> 2) + EXPORTS) > 0) {
    errRaise(t, StaticType.BufferError, 'Existing exports of data: object cannot be re-sized');
    return false;
  }
  return true;
}

/**
 * `PyByteArray_Resize(op, size)` with CPython's policy (file comment): 0,
 * or -1 with BufferError (exports), ValueError ("Can only resize to
 * positive sizes, got -1") or MemoryError. The bytes up to the smaller
 * size are kept; new ones are unset. SAFETY: the critical section is held
 * (or the object is not shared yet).
 * @internal
 */
export function byteArrayResizeLocked(t: ObThread, op: number, size: number): number {
  const base = op >>> 2;
  const i32 = t.i32;
  const u32 = t.u32;
  if (size < 0) return errRaiseInt(t, StaticType.ValueError, `Can only resize to positive sizes, got ${size}`);
  const oldSize = i32[base + SIZE]!;
  if (size === oldSize) return 0;
  if (!canResize(t, op)) return -1;
  let alloc = i32[base + ALLOC]!;
  const bytes = u32[base + BYTES]!;
  const start = u32[base + START]!;
  const offset = start - bytes;
  if (size + offset + 1 <= alloc) {
    if (size < Math.floor(alloc / 2)) {
      alloc = size + 1; // a major downsize: to the exact size
    } else {
      Atomics.store(i32, base + SIZE, size);
      t.u8[start + size] = 0;
      return 0;
    }
  } else if (size <= alloc * 1.125) {
    alloc = size + (size >> 3) + (size < 9 ? 3 : 6); // moderate growth: over-allocate as list_resize
  } else {
    alloc = size + 1; // a big jump: the exact size
  }
  if (alloc > BYTES_MAX_SIZE) return errRaiseInt(t, StaticType.MemoryError, '');
  let buf: number;
  if (offset > 0) {
    buf = pyMemMalloc(t.domains, alloc);
    if (buf === 0) return errRaiseInt(t, StaticType.MemoryError, '');
    t.heap.copy(buf, start, Math.min(size, oldSize));
    pyMemFree(t.domains, bytes);
  } else {
    buf = pyMemRealloc(t.domains, bytes, alloc);
    if (buf === 0) return errRaiseInt(t, StaticType.MemoryError, '');
  }
  u32[base + BYTES] = buf;
  u32[base + START] = buf;
  i32[base + ALLOC] = alloc;
  Atomics.store(i32, base + SIZE, size);
  t.u8[buf + size] = 0;
  return 0;
}

/** `PyByteArray_Resize(op, size)` under the critical section. @public */
export function byteArrayResize(t: ObThread, op: number, size: number): number {
  lock(t, op);
  const r = byteArrayResizeLocked(t, op, size);
  unlock(t);
  return r;
}

// --- sources of bytes -------------------------------------------------------------------------

/** Bytes to copy in: a heap view (an export of another object) or a JavaScript copy. */
interface Source {
  readonly u8: Uint8Array;
  readonly at: number;
  readonly len: number;
  readonly view: PyBuffer | null;
}

/**
 * The bytes of a bytes-like `values` for a mutation of `op`: `op`'s own
 * bytes are copied first (an export of `op` would forbid its resize, as
 * CPython's "Make a copy" does); another object is exported until
 * {@link sourceRelease}. null with the buffer error (TypeError).
 */
function sourceOf(t: ObThread, op: number, values: number, flags = PYBUF_SIMPLE): Source | null {
  if (values === op) {
    const copy = byteArrayToJs(t, op);
    return { u8: copy, at: 0, len: copy.length, view: null };
  }
  const view = objectGetBuffer(t, values, flags);
  if (view === null) return null;
  if (view.stride !== undefined && view.stride !== (view.itemsize ?? 1)) {
    // A strided memoryview (only a PYBUF_FULL_RO request gets one): its items in order, as `PyBuffer_ToContiguous`.
    const itemsize = view.itemsize ?? 1;
    const copy = new Uint8Array(view.len);
    for (let i = 0; i < view.len / itemsize; i++) copy.set(t.u8.subarray(view.buf + i * view.stride, view.buf + i * view.stride + itemsize), i * itemsize);
    bufferRelease(t, view);
    return { u8: copy, at: 0, len: copy.length, view: null };
  }
  return { u8: t.u8, at: view.buf, len: view.len, view };
}

function sourceOfArray(data: ArrayLike<number>): Source {
  const copy = Uint8Array.from(data);
  return { u8: copy, at: 0, len: copy.length, view: null };
}

function sourceRelease(t: ObThread, source: Source | null): void {
  if (source?.view) bufferRelease(t, source.view);
}

/** Copies `n` bytes of `source` (from `from`) to `dst` in the heap. */
function copyIn(t: ObThread, dst: number, source: Source, from: number, n: number): void {
  if (n <= 0) return;
  if (source.u8 === t.u8) t.heap.copy(dst, source.at + from, n);
  else t.u8.set(source.u8.subarray(source.at + from, source.at + from + n), dst);
}

/**
 * `bytearray_setslice_linear`: replaces `[lo:hi]` with `needed` bytes of
 * `source` (null: deletes). A shrink at the front advances the logical
 * start instead of moving the rest. 0, or -1 with BufferError or
 * MemoryError. SAFETY: the critical section is held.
 */
function setSliceLinearLocked(t: ObThread, op: number, lo: number, hi: number, source: Source | null, needed: number): number {
  const base = op >>> 2;
  const avail = hi - lo;
  const growth = needed - avail;
  let res = 0;
  if (growth < 0) {
    if (!canResize(t, op)) return -1;
    const size = t.i32[base + SIZE]!;
    if (lo === 0) {
      t.u32[base + START] += -growth; // shrink from the front: advance the logical start
    } else {
      const buf = t.u32[base + START]!;
      t.heap.copy(buf + lo + needed, buf + hi, size - hi);
    }
    if (byteArrayResizeLocked(t, op, size + growth) < 0) {
      // Issue #19578's rules: a shrink at the front is undone; one in the middle is done, with the error.
      if (lo === 0) {
        t.u32[base + START] -= -growth;
        return -1;
      }
      Atomics.store(t.i32, base + SIZE, size + growth);
      res = -1;
    }
  } else if (growth > 0) {
    const size = t.i32[base + SIZE]!;
    if (byteArrayResizeLocked(t, op, size + growth) < 0) return -1;
    const buf = t.u32[base + START]!;
    t.heap.copy(buf + lo + needed, buf + hi, size + growth - lo - needed);
  }
  if (source !== null && needed > 0) copyIn(t, t.u32[base + START]! + lo, source, 0, needed);
  return res;
}

/** `bytearray_setslice(op, lo, hi, source)` with the bounds clamped to the current size. SAFETY: the critical section is held. */
function setSliceLocked(t: ObThread, op: number, lo: number, hi: number, source: Source | null): number {
  const size = t.i32[(op >>> 2) + SIZE]!;
  if (lo < 0) lo = 0;
  if (hi < lo) hi = lo;
  if (hi > size) hi = size;
  return setSliceLinearLocked(t, op, lo, hi, source, source === null ? 0 : source.len);
}

// --- item conversion -------------------------------------------------------------------------

/** `_getbytevalue(arg)`: the byte, or -1 with ValueError "byte must be in range(0, 256)" or TypeError. @internal */
export function byteValue(t: ObThread, arg: number): number {
  return byteOfItem(t, arg, 'byte must be in range(0, 256)');
}

// --- mutations -----------------------------------------------------------------------------------

/** `bytearray.append(item)`: 0, or -1 with ValueError/TypeError (the item) or BufferError. Atomic. @public */
export function byteArrayAppend(t: ObThread, op: number, item: number): number {
  const v = byteValue(t, item);
  if (v < 0) return -1;
  lock(t, op);
  const n = t.i32[(op >>> 2) + SIZE]!;
  const r = byteArrayResizeLocked(t, op, n + 1);
  if (r === 0) t.u8[t.u32[(op >>> 2) + START]! + n] = v;
  unlock(t);
  return r;
}

/**
 * `bytearray.extend(iterable_of_ints)`: appends a bytes-like object's bytes
 * or an iterable's ints, all at once (the items are converted first, so an
 * error leaves the bytearray as it was). 0, or -1 with TypeError ("can't
 * extend bytearray with int", "expected iterable of integers; got:
 * 'str'"), ValueError, BufferError or MemoryError.
 * @public
 */
export function byteArrayExtend(t: ObThread, op: number, iterable: number): number {
  let source: Source | null;
  if (objectCheckBuffer(t, iterable)) {
    source = sourceOf(t, op, iterable);
    if (source === null) return -1;
  } else {
    if (strCheck(t, iterable)) return errRaiseInt(t, StaticType.TypeError, `expected iterable of integers; got: '${typeNameOf(t, iterable)}'`);
    if (!listCheckExact(t, iterable) && !tupleCheckExact(t, iterable)) {
      // The message for a non-iterable is extend's own.
      const it = objectGetIter(t, iterable);
      if (it === 0) {
        if (errExceptionMatches(t, t.types[StaticType.TypeError]!)) errRaise(t, StaticType.TypeError, `can't extend bytearray with ${typeNameOf(t, iterable).slice(0, 100)}`);
        return -1;
      }
      const data = bytesOfIterable(t, it, 'byte must be in range(0, 256)', 'bytearray');
      decref(t.rc, it);
      if (data === null) return -1;
      source = sourceOfArray(data);
    } else {
      const data = bytesOfIterable(t, iterable, 'byte must be in range(0, 256)', 'bytearray');
      if (data === null) return -1;
      source = sourceOfArray(data);
    }
  }
  lock(t, op);
  const size = t.i32[(op >>> 2) + SIZE]!;
  const r = setSliceLocked(t, op, size, size, source);
  unlock(t);
  sourceRelease(t, source);
  return r;
}

/**
 * `bytearray.pop(index=-1)`: the byte removed, as an int; 0 with
 * IndexError ("pop from empty bytearray", "pop index out of range") or
 * BufferError. Atomic.
 * @public
 */
export function byteArrayPop(t: ObThread, op: number, index = -1): number {
  lock(t, op);
  const base = op >>> 2;
  const n = t.i32[base + SIZE]!;
  let r = 0;
  if (n === 0) {
    errRaise(t, StaticType.IndexError, 'pop from empty bytearray');
  } else {
    if (index < 0) index += n;
    if (index < 0 || index >= n) {
      errRaise(t, StaticType.IndexError, 'pop index out of range');
    } else if (canResize(t, op)) {
      const buf = t.u32[base + START]!;
      const value = t.u8[buf + index]!;
      t.heap.copy(buf + index, buf + index + 1, n - index - 1);
      if (byteArrayResizeLocked(t, op, n - 1) === 0) r = smallInt(t, value);
    }
  }
  unlock(t);
  return r;
}

/** `bytearray.insert(index, item)` (the index clamped as `list.insert`'s): 0, or -1 with the item's error or BufferError. Atomic. @public */
export function byteArrayInsert(t: ObThread, op: number, index: number, item: number): number {
  const v = byteValue(t, item);
  if (v < 0) return -1;
  lock(t, op);
  const n = t.i32[(op >>> 2) + SIZE]!;
  const r = byteArrayResizeLocked(t, op, n + 1);
  if (r === 0) {
    if (index < 0) {
      index += n;
      if (index < 0) index = 0;
    }
    if (index > n) index = n;
    const buf = t.u32[(op >>> 2) + START]!;
    t.heap.copy(buf + index + 1, buf + index, n - index);
    t.u8[buf + index] = v;
  }
  unlock(t);
  return r;
}

/** `bytearray.remove(value)`: removes the first occurrence; 0, or -1 with ValueError "value not found in bytearray", the item's error, or BufferError. Atomic. @public */
export function byteArrayRemove(t: ObThread, op: number, value: number): number {
  const v = byteValue(t, value);
  if (v < 0) return -1;
  lock(t, op);
  const n = t.i32[(op >>> 2) + SIZE]!;
  const buf = t.u32[(op >>> 2) + START]!;
  let where = -1;
  for (let i = 0; i < n; i++) {
    if (t.u8[buf + i] === v) {
      where = i;
      break;
    }
  }
  let r = -1;
  if (where < 0) {
    errRaise(t, StaticType.ValueError, 'value not found in bytearray');
  } else if (canResize(t, op)) {
    t.heap.copy(buf + where, buf + where + 1, n - where - 1);
    r = byteArrayResizeLocked(t, op, n - 1);
  }
  unlock(t);
  return r;
}

/** `bytearray.clear()`: 0, or -1 with BufferError. @public */
export function byteArrayClear(t: ObThread, op: number): number {
  return byteArrayResize(t, op, 0);
}

/**
 * `b += other` (`bytearray_iconcat`): `op` itself (a new reference) with
 * `other`'s bytes (any bytes-like object) appended; 0 with TypeError
 * "can't concat str to bytearray" or BufferError (`b += b` exports `b`
 * first, as in CPython).
 * @public
 */
export function byteArrayInplaceConcat(t: ObThread, op: number, other: number): number {
  const view = objectGetBuffer(t, other, PYBUF_SIMPLE);
  if (view === null) return errRaise(t, StaticType.TypeError, `can't concat ${typeNameOf(t, other).slice(0, 100)} to ${typeNameOf(t, op).slice(0, 100)}`);
  lock(t, op);
  const size = t.i32[(op >>> 2) + SIZE]!;
  const r = byteArrayResizeLocked(t, op, size + view.len);
  if (r === 0 && view.len > 0) t.heap.copy(t.u32[(op >>> 2) + START]! + size, view.buf, view.len);
  unlock(t);
  bufferRelease(t, view);
  if (r < 0) return 0;
  incref(t.rc, op);
  return op;
}

/** `b *= n` (`bytearray_irepeat`): `op` itself (a new reference), repeated; 0 with MemoryError or BufferError. @public */
export function byteArrayInplaceRepeat(t: ObThread, op: number, n: number): number {
  if (n !== Math.floor(n)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  if (n < 0) n = 0;
  if (n !== 1) {
    lock(t, op);
    const size = t.i32[(op >>> 2) + SIZE]!;
    let r: number;
    if (repeatOverflows(size, n)) r = errRaiseInt(t, StaticType.MemoryError, '');
    else r = byteArrayResizeLocked(t, op, size * n);
    if (r === 0 && size > 0 && n > 0) repeatInPlace(t, t.u32[(op >>> 2) + START]!, size, size * n);
    unlock(t);
    if (r < 0) return 0;
  }
  incref(t.rc, op);
  return op;
}

// --- subscripts ---------------------------------------------------------------------------------

/** This thread's scratch (module scope is per thread); read into locals before anything allocates. */
const unpacked: { start: number | null; stop: number | null; step: number | null } = { start: null, stop: null, step: null };
const adjusted: SliceIndices = { start: 0, stop: 0, step: 0 };

/** The index of a subscript (`PyNumber_AsSsize_t(key, IndexError)`), or null with its error. */
function indexOfKey(t: ObThread, key: number): number | null {
  const i = numberAsSsize(t, key, StaticType.IndexError);
  return i === -1 && errOccurred(t) !== 0 ? null : i;
}

/** `b[i]` for an int `i` (negative from the end): the byte as an int, or 0 with IndexError "bytearray index out of range". @public */
export function byteArrayGetItem(t: ObThread, op: number, i: number): number {
  lock(t, op);
  const n = t.i32[(op >>> 2) + SIZE]!;
  if (i < 0) i += n;
  const r = i >= 0 && i < n ? smallInt(t, t.u8[t.u32[(op >>> 2) + START]! + i]!) : 0;
  unlock(t);
  return r === 0 ? errRaise(t, StaticType.IndexError, 'bytearray index out of range') : r;
}

/** `b[start:stop:step]` (null bounds are None): a new bytearray, a snapshot taken under the critical section; 0 with MemoryError. @public */
export function byteArrayGetSlice(t: ObThread, op: number, start: number | null, stop: number | null, step: number | null = null): number {
  if (step === 0) return errRaise(t, StaticType.ValueError, 'slice step cannot be zero');
  lock(t, op);
  const n = sliceAdjustIndices(t.i32[(op >>> 2) + SIZE]!, start, stop, step, adjusted);
  const from = adjusted.start;
  const by = adjusted.step;
  const src = t.u32[(op >>> 2) + START]!;
  let res: number;
  if (n <= 0) {
    res = byteArrayEmpty(t);
  } else if (by === 1) {
    res = byteArrayFromHeap(t, src + from, n);
  } else {
    res = byteArrayNewSized(t, n);
    if (res !== 0) {
      const dst = t.u32[(res >>> 2) + START]!;
      for (let k = 0, i = from; k < n; k++, i += by) t.u8[dst + k] = t.u8[src + i]!; // SAFETY: res not published yet
    }
  }
  unlock(t);
  return res;
}

/**
 * `bytearray_subscript`: `b[key]` — an int for an index (`__index__`), a
 * new bytearray for a slice; 0 with IndexError ("bytearray index out of
 * range", "cannot fit 'int' into an index-sized integer") or TypeError
 * "bytearray indices must be integers or slices, not str".
 * @public
 */
export function byteArraySubscript(t: ObThread, op: number, key: number): number {
  if (indexCheck(t, key)) {
    const i = indexOfKey(t, key);
    return i === null ? 0 : byteArrayGetItem(t, op, i);
  }
  if (sliceCheck(t, key)) {
    if (sliceUnpack(t, key, unpacked) < 0) return 0;
    return byteArrayGetSlice(t, op, unpacked.start, unpacked.stop, unpacked.step);
  }
  return errRaise(t, StaticType.TypeError, `bytearray indices must be integers or slices, not ${typeNameOf(t, key).slice(0, 200)}`);
}

/** `PyNumber_Check(op)`: an int, a float, a complex, or anything with `__index__`, `__int__` or `__float__`. */
function numberCheck(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  return typeSlotId(t, type, 'index') !== 0 || typeSlotId(t, type, 'int') !== 0 || typeSlotId(t, type, 'float') !== 0 || typeIsSubtype(t, type, t.types[StaticType.Complex]!);
}

/**
 * `bytearray_ass_subscript`: `b[key] = value` (`value` 0: `del b[key]`).
 * An index takes an int in range(0, 256); a slice takes a bytearray, or
 * anything `bytearray(value)` accepts (bytes-like objects, iterables of
 * ints), with CPython's rules — an extended slice needs the same length
 * (or an empty value, which deletes), `b[5:2] = x` inserts at 5. 0, or -1
 * with IndexError, TypeError ("can assign only bytes, buffers, or
 * iterables of ints in range(0, 256)", "bytearray indices must be integers
 * or slices, not str"), ValueError ("attempt to assign bytes of size 3 to
 * extended slice of size 2"), BufferError or MemoryError.
 * @public
 */
export function byteArrayAssSubscript(t: ObThread, op: number, key: number, value: number): number {
  let start: number | null;
  let stop: number | null;
  let step: number | null;
  if (indexCheck(t, key)) {
    const i = indexOfKey(t, key);
    if (i === null) return -1;
    // The value first (GH-91153: its __index__ may resize the bytearray).
    const v = value === 0 ? 0 : byteValue(t, value);
    if (v < 0) return -1;
    lock(t, op);
    const n = t.i32[(op >>> 2) + SIZE]!;
    const j = i < 0 ? i + n : i;
    let r: number;
    if (j < 0 || j >= n) r = errRaiseInt(t, StaticType.IndexError, 'bytearray index out of range');
    else if (value !== 0) {
      t.u8[t.u32[(op >>> 2) + START]! + j] = v;
      r = 0;
    } else {
      r = setSliceLinearLocked(t, op, j, j + 1, null, 0); // `del b[i]`: the one-byte slice
    }
    unlock(t);
    return r;
  }
  if (!sliceCheck(t, key)) return errRaiseInt(t, StaticType.TypeError, `bytearray indices must be integers or slices, not ${typeNameOf(t, key).slice(0, 200)}`);
  if (sliceUnpack(t, key, unpacked) < 0) return -1;
  start = unpacked.start;
  stop = unpacked.stop;
  step = unpacked.step;
  let source: Source | null = null;
  if (value !== 0) {
    if (value === op || !byteArrayCheck(t, value)) {
      if (numberCheck(t, value) || strCheck(t, value)) return errRaiseInt(t, StaticType.TypeError, 'can assign only bytes, buffers, or iterables of ints in range(0, 256)');
      // `PyByteArray_FromObject(values)`, then the assignment of that copy.
      const data = byteArrayDataOf(t, value);
      if (data === null) return -1;
      source = sourceOfArray(data);
    } else {
      source = sourceOf(t, op, value);
      if (source === null) return -1;
    }
  }
  lock(t, op);
  const r = assignSliceLocked(t, op, start, stop, step, source);
  unlock(t);
  sourceRelease(t, source);
  return r;
}

/** The slice assignment of {@link byteArrayAssSubscript} under the critical section: the bounds against the current size. */
function assignSliceLocked(t: ObThread, op: number, start: number | null, stop: number | null, step: number | null, source: Source | null): number {
  const slicelen = sliceAdjustIndices(t.i32[(op >>> 2) + SIZE]!, start, stop, step, adjusted);
  let lo = adjusted.start;
  let hi = adjusted.stop;
  const by = adjusted.step;
  // Make sure b[5:2] = ... inserts before 5, not before 2.
  if ((by < 0 && lo < hi) || (by > 0 && lo > hi)) hi = lo;
  if (by === 1) return setSliceLinearLocked(t, op, lo, hi, source, source === null ? 0 : source.len);
  return extendedSliceLocked(t, op, lo, slicelen, by, source);
}

/**
 * An extended slice (`step` ≠ 1; a deleted index comes as a one-item slice
 * of step 1 at `start`): deleted when `source` is null or empty, else
 * assigned item by item. SAFETY: the critical section is held.
 */
function extendedSliceLocked(t: ObThread, op: number, start: number, slicelen: number, step: number, source: Source | null): number {
  const base = op >>> 2;
  const needed = source === null ? 0 : source.len;
  const buf = t.u32[base + START]!;
  if (needed === 0) {
    if (!canResize(t, op)) return -1;
    if (slicelen === 0) return 0;
    if (step < 0) {
      const stop = start + 1;
      start = stop + step * (slicelen - 1) - 1;
      step = -step;
    }
    const size = t.i32[base + SIZE]!;
    for (let cur = start, i = 0; i < slicelen; cur += step, i++) {
      let lim = step - 1;
      if (cur + step >= size) lim = size - cur - 1;
      t.heap.copy(buf + cur - i, buf + cur + 1, lim);
    }
    const cur = start + slicelen * step;
    if (cur < size) t.heap.copy(buf + cur - slicelen, buf + cur, size - cur);
    return byteArrayResizeLocked(t, op, size - slicelen);
  }
  if (needed !== slicelen) return errRaiseInt(t, StaticType.ValueError, `attempt to assign bytes of size ${needed} to extended slice of size ${slicelen}`);
  for (let cur = start, i = 0; i < slicelen; cur += step, i++) t.u8[buf + cur] = source!.u8[source!.at + i]!;
  return 0;
}

// --- operators ---------------------------------------------------------------------------------

/** `PyByteArray_Concat(a, b)` (`a + b` for a bytearray `a`): a new bytearray; 0 with TypeError "can't concat str to bytearray" or MemoryError. @public */
export function byteArrayConcat(t: ObThread, a: number, b: number): number {
  const va = objectGetBuffer(t, a, PYBUF_SIMPLE);
  const vb = va === null ? null : objectGetBuffer(t, b, PYBUF_SIMPLE);
  let res = 0;
  if (va === null || vb === null) {
    errRaise(t, StaticType.TypeError, `can't concat ${typeNameOf(t, b).slice(0, 100)} to ${typeNameOf(t, a).slice(0, 100)}`);
  } else {
    res = byteArrayNewSized(t, va.len + vb.len);
    if (res !== 0 && va.len + vb.len > 0) {
      const dst = t.u32[(res >>> 2) + START]!;
      if (va.len > 0) t.heap.copy(dst, va.buf, va.len);
      if (vb.len > 0) t.heap.copy(dst + va.len, vb.buf, vb.len);
    }
  }
  if (vb !== null) bufferRelease(t, vb);
  if (va !== null) bufferRelease(t, va);
  return res;
}

/** `b * n` (`bytearray_repeat`): a new bytearray; 0 with MemoryError. @public */
export function byteArrayRepeat(t: ObThread, op: number, n: number): number {
  if (n !== Math.floor(n)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  if (n < 0) n = 0;
  lock(t, op);
  const size = t.i32[(op >>> 2) + SIZE]!;
  let res = 0;
  if (repeatOverflows(size, n)) errNoMemory(t);
  else {
    res = byteArrayNewSized(t, size * n);
    if (res !== 0 && size * n > 0) {
      const dst = t.u32[(res >>> 2) + START]!;
      t.heap.copy(dst, t.u32[(op >>> 2) + START]!, size);
      repeatInPlace(t, dst, size, size * n);
    }
  }
  unlock(t);
  return res;
}

/**
 * `bytearray_richcompare`: compares with any bytes-like object (bytes
 * included) by their bytes; NotImplemented for anything else.
 * @public
 */
export function byteArrayRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if (!objectCheckBuffer(t, a) || !objectCheckBuffer(t, b)) return t.notImplemented;
  const va = objectGetBuffer(t, a, PYBUF_SIMPLE);
  if (va === null) {
    errClear(t);
    return t.notImplemented;
  }
  const vb = objectGetBuffer(t, b, PYBUF_SIMPLE);
  if (vb === null) {
    errClear(t);
    bufferRelease(t, va);
    return t.notImplemented;
  }
  let r: number;
  if (va.len !== vb.len && (op === PY_EQ || op === PY_NE)) {
    r = op === PY_NE ? t.true : t.false;
  } else {
    const c = heapCompare(t.u8, va.buf, vb.buf, Math.min(va.len, vb.len));
    r = c !== 0 ? compareLengths(t, c, 0, op) : compareLengths(t, va.len, vb.len, op);
  }
  bufferRelease(t, vb);
  bufferRelease(t, va);
  return r;
}

/** `bytearray_repr` as JavaScript text: `bytearray(b'...')` (a subclass's own name in front; a `'` always escaped). @public */
export function byteArrayReprJs(t: ObThread, op: number): string {
  const full = typeName(t, typeOf(t, op));
  const name = full.slice(full.lastIndexOf('.') + 1);
  lock(t, op);
  const text = bytesReprOfHeap(t.u8, t.u32[(op >>> 2) + START]!, t.i32[(op >>> 2) + SIZE]!, true);
  unlock(t);
  return `${name}(${text})`;
}

// --- iteration ------------------------------------------------------------------------------------

/** `bytearray_iter`: a new `bytearray_iterator`; 0 with MemoryError. @public */
export function byteArrayIter(t: ObThread, op: number): number {
  const it = gcNew(t.gc, t.types[StaticType.ByteArrayIter]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, op);
  // SAFETY: not published yet.
  t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2] = op;
  t.i32[(it + SEQITER_INDEX_OFFSET) >>> 2] = 0;
  gcTrack(t.rc, it);
  return it;
}

/**
 * `bytearrayiter_next`: the next byte as an int, read under the
 * bytearray's critical section, or 0 when past the end (no exception);
 * it sees the bytearray as it is at each step. The index advances by
 * compare-and-swap, as the list iterator's.
 * @public
 */
export function byteArrayIterNext(t: ObThread, it: number): number {
  const seq = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!; // SAFETY: set before publication, cleared only by dealloc
  const word = (it + SEQITER_INDEX_OFFSET) >>> 2;
  for (;;) {
    const index = Atomics.load(t.i32, word);
    if (index < 0) return 0;
    lock(t, seq);
    const n = t.i32[(seq >>> 2) + SIZE]!;
    const value = index < n ? t.u8[t.u32[(seq >>> 2) + START]! + index]! : -1;
    unlock(t);
    if (value < 0) {
      Atomics.compareExchange(t.i32, word, index, -1);
      return 0;
    }
    if (Atomics.compareExchange(t.i32, word, index, index + 1) === index) return smallInt(t, value);
  }
}

/** The bytearray's dealloc: frees the buffer and the object (no exports can be left: a view holds a reference). @internal */
export function byteArrayDealloc(t: ObThread, op: number): void {
  const bytes = t.u32[(op >>> 2) + BYTES]!;
  if (bytes !== 0) pyMemFree(t.domains, bytes);
  freeObject(t.rc, op);
}

// --- the constructor -----------------------------------------------------------------------------

/** `bytearray(values)`'s bytes for a slice assignment (`PyByteArray_FromObject`), in JavaScript memory; null with the error. */
function byteArrayDataOf(t: ObThread, values: number): Uint8Array | null {
  if (objectCheckBuffer(t, values)) {
    // `PyBUF_FULL_RO`, as `bytearray(values)`: a strided memoryview's items in order.
    const source = sourceOf(t, 0, values, PYBUF_FULL_RO);
    if (source === null) return null;
    const copy = source.u8.slice(source.at, source.at + source.len);
    sourceRelease(t, source);
    return copy;
  }
  const data = bytesOfIterable(t, values, 'byte must be in range(0, 256)', 'bytearray');
  return data === null ? null : Uint8Array.from(data);
}

/**
 * `bytearray.__init__(x=<absent>, encoding=None, errors=None)`
 * (`bytearray___init___impl`) on `self`: its contents emptied, then `x` —
 * a str encoded (with an encoding), an int's count of zero bytes, a
 * bytes-like object's bytes, or an iterable of ints (grown as CPython
 * grows it, append by append) — with CPython's errors as {@link bytesNew}
 * (and "cannot convert 'float' object to bytearray", "byte must be in
 * range(0, 256)"). 0, or -1.
 * @public
 */
export function byteArrayInit(t: ObThread, self: number, x = 0, encoding: string | null = null, errors: string | null = null): number {
  if (byteArraySize(t, self) !== 0 && byteArrayResize(t, self, 0) < 0) return -1;
  if (x === 0) {
    if (encoding !== null || errors !== null) return errRaiseInt(t, StaticType.TypeError, encoding !== null ? 'encoding without a string argument' : 'errors without a string argument');
    return 0;
  }
  if (strCheck(t, x)) {
    if (encoding === null) return errRaiseInt(t, StaticType.TypeError, 'string argument without an encoding');
    const data = encodeStr(t, x, encoding, errors);
    if (data === null) return -1;
    lock(t, self);
    const size = t.i32[(self >>> 2) + SIZE]!;
    const r = byteArrayResizeLocked(t, self, size + data.length);
    if (r === 0) t.u8.set(data, t.u32[(self >>> 2) + START]! + size);
    unlock(t);
    return r;
  }
  if (encoding !== null || errors !== null) return errRaiseInt(t, StaticType.TypeError, encoding !== null ? 'encoding without a string argument' : 'errors without a string argument');
  if (indexCheck(t, x)) {
    const count = numberAsSsize(t, x, StaticType.OverflowError);
    if (count === -1 && errOccurred(t) !== 0) {
      if (!errExceptionMatches(t, t.types[StaticType.TypeError]!)) return -1;
      errClear(t);
    } else {
      if (count < 0) return errRaiseInt(t, StaticType.ValueError, 'negative count');
      if (count === 0) return 0;
      if (count > BYTES_MAX_SIZE) return errRaiseInt(t, StaticType.MemoryError, '');
      lock(t, self);
      const r = byteArrayResizeLocked(t, self, count);
      if (r === 0) t.heap.fill(t.u32[(self >>> 2) + START]!, 0, count);
      unlock(t);
      return r;
    }
  }
  if (objectCheckBuffer(t, x)) {
    // `PyBUF_FULL_RO`: a strided memoryview is copied in order.
    const source = sourceOf(t, self, x, PYBUF_FULL_RO);
    if (source === null) return -1;
    lock(t, self);
    const r = byteArrayResizeLocked(t, self, source.len);
    if (r === 0) copyIn(t, t.u32[(self >>> 2) + START]!, source, 0, source.len);
    unlock(t);
    sourceRelease(t, source);
    return r;
  }
  // An exact list or tuple of exact ints is sized at once; anything else appends item by item.
  const sized = (listCheckExact(t, x) || tupleCheckExact(t, x)) && allExactInts(t, x);
  const data = bytesOfIterable(t, x, 'byte must be in range(0, 256)', 'bytearray');
  if (data === null) return -1;
  lock(t, self);
  let r = 0;
  if (sized) {
    r = byteArrayResizeLocked(t, self, data.length);
    if (r === 0) t.u8.set(data, t.u32[(self >>> 2) + START]!);
  } else {
    for (const v of data) {
      const base = self >>> 2;
      const size = t.i32[base + SIZE]!;
      if (size + 1 < t.i32[base + ALLOC]!) Atomics.store(t.i32, base + SIZE, size + 1);
      else if ((r = byteArrayResizeLocked(t, self, size + 1)) < 0) break;
      t.u8[t.u32[base + START]! + size] = v;
    }
  }
  unlock(t);
  return r;
}

/** Whether every item of an exact list or tuple is an exact int (`bytearray___init__`'s fast path). */
function allExactInts(t: ObThread, seq: number): boolean {
  if (tupleCheckExact(t, seq)) {
    for (let i = 0; i < tupleSize(t, seq); i++) if (!intCheckExact(t, tupleGetItem(t, seq, i))) return false;
    return true;
  }
  for (let i = 0; i < listSize(t, seq); i++) {
    const item = listGetItemRef(t, seq, i);
    if (item === 0) {
      errClear(t);
      return true;
    }
    const exact = intCheckExact(t, item);
    decref(t.rc, item);
    if (!exact) return false;
  }
  return true;
}

/** `bytearray(x=<absent>, encoding=None, errors=None)`: a new bytearray (see {@link byteArrayInit}); 0 with its error. @public */
export function byteArrayNew(t: ObThread, x = 0, encoding: string | null = null, errors: string | null = null): number {
  const op = byteArrayEmpty(t);
  if (op === 0) return 0;
  if (byteArrayInit(t, op, x, encoding, errors) < 0) {
    decref(t.rc, op);
    return 0;
  }
  return op;
}
