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
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET, OB_TYPE_OFFSET } from '@ft/refcount';
import { errRaise } from './errors.js';
import { BYTEARRAY_EXPORTS_OFFSET, BYTEARRAY_SIZE_OFFSET, BYTEARRAY_START_OFFSET, BYTES_DATA_OFFSET, BYTES_SIZE_OFFSET, StaticType, TPFLAGS_BYTES_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';

/** `PyBUF_SIMPLE`: a plain run of bytes. @public */ export const PYBUF_SIMPLE = 0;
/** `PyBUF_WRITABLE`: the caller will write; read-only exporters refuse. @public */ export const PYBUF_WRITABLE = 0x0001;
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

/** `PyObject_CheckBuffer(op)`: whether `op`'s type exports buffers (bytes, bytearray and their subclasses). @public */
export function objectCheckBuffer(t: ObThread, op: number): boolean {
  return isBytes(t, op) || isByteArray(t, op);
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
  if (t.u32[(obj + OB_TYPE_OFFSET) >>> 2] !== t.types[StaticType.Bytes] && isByteArray(t, obj)) {
    const heap = t.heap;
    criticalSectionBegin(heap, obj + OB_MUTEX_OFFSET);
    Atomics.sub(t.i32, (obj + BYTEARRAY_EXPORTS_OFFSET) >>> 2, 1);
    criticalSectionEnd(heap);
  }
  decref(t.rc, obj);
}
