/**
 * The buffer protocol's minimum (`Objects/abstract.c`: `PyObject_GetBuffer`,
 * `PyBuffer_FillInfo`, `PyBuffer_Release`; `bf_getbuffer` of bytes and
 * bytearray): a contiguous run of bytes in the heap that a caller may read
 * (and, when writable, write) until it releases the view.
 *
 * A view is a JavaScript record (`Py_buffer`'s `obj`, `buf`, `len`,
 * `readonly`) holding a strong reference to the exporter. bytes are
 * immutable: a view of one is its data, read-only. A bytearray counts its
 * exports (`ob_exports`, changed under its critical section as CPython
 * 3.14's `bytearray_getbuffer`): while one is out, every resize of it
 * raises BufferError ("Existing exports of data: object cannot be
 * re-sized"), so the view's address stays valid — this, not a lock, is
 * what lets a method read another bytearray's bytes while that one's owner
 * may be mutating it in place.
 *
 * A memoryview exports too (`memory_getbuf`): its own count (`exports`)
 * goes up under the view's critical section, where release() reads it, so
 * a view with an export out cannot be released. A strided view (a step
 * slice) is handed out only to callers that ask for strides
 * ({@link PYBUF_FULL_RO}); a plain request gets BufferError "memoryview:
 * underlying buffer is not C-contiguous", as in CPython.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET, OB_TYPE_OFFSET } from '@ft/refcount';
import { errRaise } from './errors.js';
import {
  BYTEARRAY_EXPORTS_OFFSET,
  BYTEARRAY_SIZE_OFFSET,
  BYTEARRAY_START_OFFSET,
  BYTES_DATA_OFFSET,
  BYTES_SIZE_OFFSET,
  MEMORYVIEW_BUF_OFFSET,
  MEMORYVIEW_C_BIT,
  MEMORYVIEW_EXPORTS_OFFSET,
  MEMORYVIEW_FLAGS_OFFSET,
  MEMORYVIEW_FORMAT_SHIFT,
  MEMORYVIEW_ITEMSIZE_OFFSET,
  MEMORYVIEW_LEN_OFFSET,
  MEMORYVIEW_READONLY_BIT,
  MEMORYVIEW_RELEASED_BIT,
  MEMORYVIEW_STRIDE_OFFSET,
  StaticType,
  TPFLAGS_BYTES_SUBCLASS,
} from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';

/** `PyBUF_SIMPLE`: a plain run of bytes. @public */ export const PYBUF_SIMPLE = 0;
/** `PyBUF_WRITABLE`: the caller will write; read-only exporters refuse. @public */ export const PYBUF_WRITABLE = 0x0001;
/** `PyBUF_FORMAT`: the caller reads `format`. @public */ export const PYBUF_FORMAT = 0x0004;
/** `PyBUF_STRIDES` (with `PyBUF_ND`): the caller follows `stride`, so a strided memoryview may be handed out. @public */ export const PYBUF_STRIDES = 0x0018;
/** `PyBUF_FULL_RO`: strides and format, read-only (what `bytes(x)`, `bytearray(x)` and comparisons ask for). @public */ export const PYBUF_FULL_RO = 0x011c;
/** `PyBUF_READ`: a memoryview flag, not a request (CPython 3.13 refuses it here). @public */ export const PYBUF_READ = 0x100;
/** `PyBUF_WRITE`: a memoryview flag, not a request (refused likewise). @public */ export const PYBUF_WRITE = 0x200;

/**
 * `Py_buffer`, the part of it this layer fills: the exporter (a strong
 * reference until {@link bufferRelease}), the address and length of the
 * bytes in the heap, and whether they may be written.
 * @public
 */
export interface PyBuffer {
  /** The exporter (`view->obj`). */
  obj: number;
  /** Address of the first byte (0 for an empty bytearray without a buffer). */
  buf: number;
  /** Bytes in the view. */
  len: number;
  /** Whether writes are refused. */
  readonly: boolean;
  /** Bytes per item (`view->itemsize`; absent: 1). */
  itemsize?: number;
  /** Bytes from one item to the next (`view->strides[0]`; absent: `itemsize`); set only for {@link PYBUF_STRIDES} requests. */
  stride?: number;
  /** The struct-module format of the items (`view->format`; absent: 'B'). */
  format?: string;
}

/** Whether `op` is a bytes or an instance of a subclass (`PyBytes_Check`). */
function isBytes(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  return type === t.types[StaticType.Bytes] || typeHasFlag(t, type, TPFLAGS_BYTES_SUBCLASS);
}

/** Whether `op` is a bytearray or an instance of a subclass (`PyByteArray_Check`). */
function isByteArray(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  return type === t.types[StaticType.ByteArray] || typeIsSubtype(t, type, t.types[StaticType.ByteArray]!);
}

/** Whether `op` is a memoryview (`PyMemoryView_Check`: the type is final). */
function isMemoryView(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.MemoryView];
}

/** `PyObject_CheckBuffer(op)`: whether `op`'s type exports buffers (bytes, bytearray, memoryview and the subclasses). @public */
export function objectCheckBuffer(t: ObThread, op: number): boolean {
  return isBytes(t, op) || isByteArray(t, op) || isMemoryView(t, op);
}

/**
 * Whether `obj` counts its exports (a bytearray): a caller of
 * {@link bufferAddExportLocked} on it must hold its critical section.
 * @internal
 */
export function bufferCountsExports(t: ObThread, obj: number): boolean {
  return isByteArray(t, obj);
}

/**
 * One more export of `obj` (bytes or bytearray) whose bytes are already
 * held in place by another export (a view derived from a view): the count
 * up — the caller holds `obj`'s critical section when it counts them — and
 * a reference taken. {@link bufferRelease} ends it.
 * @internal
 */
export function bufferAddExportLocked(t: ObThread, obj: number): void {
  // SAFETY: under obj's critical section when it is a bytearray (the caller's contract).
  if (isByteArray(t, obj)) Atomics.add(t.i32, (obj + BYTEARRAY_EXPORTS_OFFSET) >>> 2, 1);
  incref(t.rc, obj);
}

/**
 * `memory_getbuf`: a view of a memoryview's items, its export count up by
 * one; null with ValueError for a released view or BufferError.
 */
function memoryViewGetBuffer(t: ObThread, mv: number, flags: number): PyBuffer | null {
  const heap = t.heap;
  const base = mv >>> 2;
  criticalSectionBegin(heap, mv + OB_MUTEX_OFFSET);
  // SAFETY: under the view's critical section, where release() sets RELEASED; the other fields never change.
  const bits = t.u32[base + (MEMORYVIEW_FLAGS_OFFSET >>> 2)]!;
  let error: string | null = null;
  let type: StaticType = StaticType.BufferError;
  if ((bits & MEMORYVIEW_RELEASED_BIT) !== 0) {
    error = 'operation forbidden on released memoryview object';
    type = StaticType.ValueError;
  } else if ((flags & PYBUF_WRITABLE) !== 0 && (bits & MEMORYVIEW_READONLY_BIT) !== 0) {
    error = 'memoryview: underlying buffer is not writable';
  } else if ((flags & PYBUF_STRIDES) !== PYBUF_STRIDES && (bits & MEMORYVIEW_C_BIT) === 0) {
    error = 'memoryview: underlying buffer is not C-contiguous';
  } else {
    t.i32[base + (MEMORYVIEW_EXPORTS_OFFSET >>> 2)]!++;
  }
  criticalSectionEnd(heap);
  if (error !== null) {
    errRaise(t, type, error);
    return null;
  }
  incref(t.rc, mv);
  const itemsize = t.i32[base + (MEMORYVIEW_ITEMSIZE_OFFSET >>> 2)]!;
  return {
    obj: mv,
    buf: t.u32[base + (MEMORYVIEW_BUF_OFFSET >>> 2)]!,
    len: t.i32[base + (MEMORYVIEW_LEN_OFFSET >>> 2)]!,
    readonly: (bits & MEMORYVIEW_READONLY_BIT) !== 0,
    itemsize,
    stride: (flags & PYBUF_STRIDES) === PYBUF_STRIDES ? t.i32[base + (MEMORYVIEW_STRIDE_OFFSET >>> 2)]! : itemsize,
    format: String.fromCharCode(bits >>> MEMORYVIEW_FORMAT_SHIFT),
  };
}

/**
 * `PyBuffer_ToContiguous(dst, view, view->len, 'C')`: copies the view's
 * items, in order, to `dst` in the heap (`view.len` bytes), following a
 * strided view's stride.
 * @public
 */
export function bufferToContiguous(t: ObThread, view: PyBuffer, dst: number): void {
  const itemsize = view.itemsize ?? 1;
  const stride = view.stride ?? itemsize;
  if (stride === itemsize) {
    if (view.len > 0) t.heap.copy(dst, view.buf, view.len);
    return;
  }
  const n = view.len / itemsize;
  const u8 = t.u8;
  for (let i = 0; i < n; i++) {
    const from = view.buf + i * stride;
    for (let k = 0; k < itemsize; k++) u8[dst + i * itemsize + k] = u8[from + k]!;
  }
}

/**
 * `PyObject_GetBuffer(obj, view, flags)`: a view of `obj`'s bytes, or null
 * with the exception: SystemError for `flags` equal to `PYBUF_READ` or
 * `PYBUF_WRITE` (CPython 3.13's `PyErr_BadInternalCall` from
 * Objects/abstract.c line 430, whose message names that line), TypeError
 * "a bytes-like object is required, not 'str'" for a type without the
 * protocol, BufferError "Object is not writable." when `PYBUF_WRITABLE` is
 * asked of bytes. Release it with {@link bufferRelease}; a bytearray
 * cannot be resized until then.
 * @public
 */
export function objectGetBuffer(t: ObThread, obj: number, flags: number): PyBuffer | null {
  if (flags !== PYBUF_SIMPLE && (flags === PYBUF_READ || flags === PYBUF_WRITE)) {
    errRaise(t, StaticType.SystemError, 'Objects/abstract.c:430: bad argument to internal function');
    return null;
  }
  if (isBytes(t, obj)) {
    // `bytes_buffer_getbuffer` → `PyBuffer_FillInfo(view, self, data, size, readonly=1, flags)`.
    if ((flags & PYBUF_WRITABLE) !== 0) {
      errRaise(t, StaticType.BufferError, 'Object is not writable.');
      return null;
    }
    incref(t.rc, obj);
    // SAFETY: a bytes is immutable once published.
    return { obj, buf: obj + BYTES_DATA_OFFSET, len: t.i32[(obj + BYTES_SIZE_OFFSET) >>> 2]!, readonly: true };
  }
  if (isByteArray(t, obj)) {
    const heap = t.heap;
    criticalSectionBegin(heap, obj + OB_MUTEX_OFFSET);
    // SAFETY: under the bytearray's critical section; the export count keeps the buffer where it is until released.
    const view: PyBuffer = { obj, buf: t.u32[(obj + BYTEARRAY_START_OFFSET) >>> 2]!, len: t.i32[(obj + BYTEARRAY_SIZE_OFFSET) >>> 2]!, readonly: false };
    Atomics.add(t.i32, (obj + BYTEARRAY_EXPORTS_OFFSET) >>> 2, 1);
    criticalSectionEnd(heap);
    incref(t.rc, obj);
    return view;
  }
  if (isMemoryView(t, obj)) return memoryViewGetBuffer(t, obj, flags);
  errRaise(t, StaticType.TypeError, `a bytes-like object is required, not '${typeNameOf(t, obj).slice(0, 100)}'`);
  return null;
}

/**
 * `PyBuffer_Release(view)`: ends the view (a bytearray's export count goes
 * down under its critical section) and drops its reference to the
 * exporter; a second release of the same view does nothing (`view->obj`
 * is cleared, as CPython's).
 * @public
 */
export function bufferRelease(t: ObThread, view: PyBuffer): void {
  const obj = view.obj;
  if (obj === 0) return;
  view.obj = 0;
  if (t.u32[(obj + OB_TYPE_OFFSET) >>> 2] !== t.types[StaticType.Bytes]) {
    // `bytearray_releasebuffer` / `memory_releasebuf`: the count goes down where the exporter reads it.
    const exports = isByteArray(t, obj) ? BYTEARRAY_EXPORTS_OFFSET : isMemoryView(t, obj) ? MEMORYVIEW_EXPORTS_OFFSET : -1;
    if (exports >= 0) {
      const heap = t.heap;
      criticalSectionBegin(heap, obj + OB_MUTEX_OFFSET);
      Atomics.sub(t.i32, (obj + exports) >>> 2, 1);
      criticalSectionEnd(heap);
    }
  }
  decref(t.rc, obj);
}
