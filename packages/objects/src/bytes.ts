/**
 * `bytes` (`Objects/bytesobject.c`): an immutable run of bytes inline in
 * the object — `ob_size`, the cached hash, the bytes, a trailing NUL
 * (layout.ts) — with its sequence behaviour (`b[i]` an int, `b[a:b:c]` a
 * bytes, `+`, `*`, comparison, hash, iteration), `repr`, and the
 * constructor `bytes(x[, encoding[, errors]])`.
 *
 * Threads: a bytes is immutable once published, so every thread holding a
 * reference reads its size and bytes plain; a new one is written plain
 * before it is returned (not published yet). Only the cached hash is
 * written later, by whichever thread computes it first, with `Atomics`
 * (CPython: relaxed): every thread computes the same value. The hash is
 * `_Py_HashBytes` — the same SipHash-1-3 with the runtime's key as str's
 * (siphash.ts), so `hash(b'abc') == hash('abc')` as in CPython — cut to
 * its low 32 bits (layout.ts).
 *
 * Operands that are other bytes-like objects (a bytearray) are read
 * through the buffer protocol (buffer.ts), as CPython does: the export
 * keeps their buffer in place while it is read.
 *
 * CPython's empty bytes and one-byte bytes are shared singletons; here
 * each is a fresh object (equal, not identical).
 */

import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { allocObject, decref, freeObject, incref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { indexCheck, numberAsSsize } from './abstract-number.js';
import { iterNext, objectGetIter, PY_EQ, PY_GE, PY_LE, PY_NE } from './abstract.js';
import { bufferRelease, bufferToContiguous, objectCheckBuffer, objectGetBuffer, PYBUF_FULL_RO, PYBUF_SIMPLE } from './buffer.js';
import { encodeStr } from './codecs.js';
import { errClear, errExceptionMatches, errNoMemory, errOccurred, errRaise } from './errors.js';
import { smallInt } from './int.js';
import { BYTES_DATA_OFFSET, BYTES_HASH_OFFSET, BYTES_MAX_SIZE, BYTES_SIZE_OFFSET, SEQITER_INDEX_OFFSET, SEQITER_SEQ_OFFSET, StaticType, TPFLAGS_BYTES_SUBCLASS } from './layout.js';
import { listCheckExact, listGetItemRef } from './list.js';
import type { ObThread } from './ob-thread.js';
import { siphash13 } from './siphash.js';
import { sliceAdjustIndices, sliceUnpackCheck, type SliceIndices } from './slice-indices.js';
import { sliceCheck, sliceUnpack } from './slice.js';
import { strCheck } from './str-methods.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { compareLengths, tupleCheckExact, tupleGetItem, tupleSize } from './tuple.js';

/** `PY_SSIZE_T_MAX` of a 64-bit CPython, whose overflow checks the messages follow. */
const PY_SSIZE_T_MAX = 2n ** 63n - 1n;

// --- checks and creation ---------------------------------------------------------------

/** `PyBytes_CheckExact(op)`. @public */
export function bytesCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Bytes];
}

/** `PyBytes_Check(op)`: a bytes or an instance of a subclass. @public */
export function bytesCheck(t: ObThread, op: number): boolean {
  return bytesCheckExact(t, op) || typeHasFlag(t, typeOf(t, op), TPFLAGS_BYTES_SUBCLASS);
}

/**
 * `_PyBytes_FromSize(size, 0)` / `PyBytes_FromStringAndSize(NULL, size)`:
 * a new bytes of `size` zero bytes, to be filled from
 * {@link bytesData} before it is published; 0 with MemoryError.
 * @public
 */
export function bytesAlloc(t: ObThread, size: number): number {
  if (!(size >= 0 && size <= BYTES_MAX_SIZE)) return errNoMemory(t);
  const op = allocObject(t.rc, t.types[StaticType.Bytes]!, size);
  if (op === 0) return errNoMemory(t);
  t.i32[(op + BYTES_HASH_OFFSET) >>> 2] = -1; // SAFETY: not published yet; the bytes and the NUL come zeroed
  return op;
}

/** `PyBytes_FromStringAndSize(data, len)`: a new bytes holding a copy of `data` (JavaScript memory); 0 with MemoryError. @public */
export function bytesFromBytes(t: ObThread, data: ArrayLike<number>): number {
  const op = bytesAlloc(t, data.length);
  if (op === 0) return 0;
  // SAFETY: not published yet.
  if (data instanceof Uint8Array) t.u8.set(data, op + BYTES_DATA_OFFSET);
  else for (let i = 0; i < data.length; i++) t.u8[op + BYTES_DATA_OFFSET + i] = data[i]!;
  return op;
}

/** A new bytes holding a copy of the `size` bytes at `addr` in the heap (`PyBytes_FromStringAndSize` of heap memory); 0 with MemoryError. @public */
export function bytesFromHeap(t: ObThread, addr: number, size: number): number {
  const op = bytesAlloc(t, size);
  if (op !== 0 && size > 0) t.heap.copy(op + BYTES_DATA_OFFSET, addr, size); // SAFETY: not published yet
  return op;
}

/** `PyBytes_GET_SIZE(op)`. @public */
export function bytesSize(t: ObThread, op: number): number {
  return t.i32[(op + BYTES_SIZE_OFFSET) >>> 2]!; // SAFETY: immutable once published
}

/** `PyBytes_AS_STRING(op)`: the address of the first byte (a NUL follows the last). @public */
export function bytesData(_t: ObThread, op: number): number {
  return op + BYTES_DATA_OFFSET;
}

/** The bytes as a view of the heap (no copy). Never write through it: a published bytes is immutable. @public */
export function bytesAsUint8Array(t: ObThread, op: number): Uint8Array {
  const data = op + BYTES_DATA_OFFSET;
  return t.u8.subarray(data, data + bytesSize(t, op));
}

/** The bytes copied into JavaScript memory. @public */
export function bytesToJs(t: ObThread, op: number): Uint8Array {
  return bytesAsUint8Array(t, op).slice();
}

// --- hash, comparison, repr -------------------------------------------------------------

/** `bytes_hash`: the cached hash, computed on first use (`_Py_HashBytes`: SipHash-1-3, 0 for b''; never -1). @public */
export function bytesHash(t: ObThread, op: number): number {
  const index = (op + BYTES_HASH_OFFSET) >>> 2;
  const cached = Atomics.load(t.i32, index);
  if (cached !== -1) return cached;
  const size = bytesSize(t, op);
  let h = size === 0 ? 0 : siphash13(t.u8, op + BYTES_DATA_OFFSET, size, t.hashKey);
  if (h === -1) h = -2;
  Atomics.store(t.i32, index, h); // CPython: relaxed; every thread computes the same value
  return h;
}

/** `memcmp(a, b, n)` over the heap: negative, 0 or positive. @internal */
export function heapCompare(u8: Uint8Array, a: number, b: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const d = u8[a + i]! - u8[b + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * `bytes_richcompare`: a bool (a bytes compares with bytes only — a
 * bytearray answers through its own, reflected), NotImplemented otherwise.
 * @public
 */
export function bytesRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if (!bytesCheck(t, a) || !bytesCheck(t, b)) return t.notImplemented;
  if (a === b) return op === PY_EQ || op === PY_LE || op === PY_GE ? t.true : t.false;
  const na = bytesSize(t, a);
  const nb = bytesSize(t, b);
  if ((op === PY_EQ || op === PY_NE) && na !== nb) return op === PY_NE ? t.true : t.false;
  const c = heapCompare(t.u8, a + BYTES_DATA_OFFSET, b + BYTES_DATA_OFFSET, na < nb ? na : nb);
  return c !== 0 ? compareLengths(t, c, 0, op) : compareLengths(t, na, nb, op);
}

/**
 * `PyBytes_Repr(op, smartquotes=1)` of the `size` bytes at `addr`, as
 * JavaScript text: `b'…'`, or `b"…"` when the bytes hold a `'` and no
 * `"`; `\\`, the quote, `\t`, `\n`, `\r` escaped, other bytes below 0x20
 * or from 0x7f as `\xhh`. `escapeSingle`: a `'` is escaped inside `"…"`
 * too (`bytearray_repr`'s rule). @internal
 */
export function bytesReprOfHeap(u8: Uint8Array, addr: number, size: number, escapeSingle = false): string {
  let single = false;
  let double = false;
  for (let i = 0; i < size; i++) {
    const c = u8[addr + i]!;
    if (c === 0x27) single = true;
    else if (c === 0x22) double = true;
  }
  const quote = single && !double ? 0x22 : 0x27;
  const parts: string[] = ['b', String.fromCharCode(quote)];
  let run = '';
  for (let i = 0; i < size; i++) {
    const c = u8[addr + i]!;
    if (c === quote || c === 0x5c || (escapeSingle && c === 0x27)) run += '\\' + String.fromCharCode(c);
    else if (c === 0x09) run += '\\t';
    else if (c === 0x0a) run += '\\n';
    else if (c === 0x0d) run += '\\r';
    else if (c < 0x20 || c >= 0x7f) run += '\\x' + HEX[c >> 4]! + HEX[c & 15]!;
    else run += String.fromCharCode(c);
    if (run.length > 4096) {
      parts.push(run);
      run = '';
    }
  }
  parts.push(run, String.fromCharCode(quote));
  return parts.join('');
}

const HEX = '0123456789abcdef';

/** `bytes_repr` (and `str(b)`) as JavaScript text. @public */
export function bytesReprJs(t: ObThread, op: number): string {
  return bytesReprOfHeap(t.u8, op + BYTES_DATA_OFFSET, bytesSize(t, op));
}

// --- sequence behaviour --------------------------------------------------------------

/** This thread's slice scratch (module scope is per thread); read into locals before anything allocates. */
const sliceScratch: SliceIndices = { start: 0, stop: 0, step: 0 };
const unpacked: { start: number | null; stop: number | null; step: number | null } = { start: null, stop: null, step: null };

/** `b[i]` (`bytes_item` after `PySequence_GetItem`'s adjustment): the byte as an int, or 0 with IndexError "index out of range". @public */
export function bytesItem(t: ObThread, op: number, i: number): number {
  const size = bytesSize(t, op);
  if (i < 0) i += size;
  if (!(i >= 0 && i < size)) return errRaise(t, StaticType.IndexError, 'index out of range');
  return smallInt(t, t.u8[op + BYTES_DATA_OFFSET + i]!);
}

/**
 * `b[start:stop:step]` (null bounds are None): a new bytes, `b` itself
 * for the whole of an exact bytes; 0 with ValueError "slice step cannot be
 * zero" or MemoryError.
 * @public
 */
export function bytesGetSlice(t: ObThread, op: number, start: number | null, stop: number | null, step: number | null = null): number {
  if (sliceUnpackCheck(t, start, stop, step) < 0) return 0;
  const size = bytesSize(t, op);
  const n = sliceAdjustIndices(size, start, stop, step, sliceScratch);
  const from = sliceScratch.start;
  const by = sliceScratch.step;
  if (n <= 0) return bytesAlloc(t, 0);
  if (by === 1) {
    if (from === 0 && n === size && bytesCheckExact(t, op)) {
      incref(t.rc, op);
      return op;
    }
    return bytesFromHeap(t, op + BYTES_DATA_OFFSET + from, n);
  }
  const res = bytesAlloc(t, n);
  if (res === 0) return 0;
  const u8 = t.u8;
  const src = op + BYTES_DATA_OFFSET;
  const dst = res + BYTES_DATA_OFFSET;
  for (let k = 0, i = from; k < n; k++, i += by) u8[dst + k] = u8[src + i]!; // SAFETY: res not published yet
  return res;
}

/**
 * `bytes_subscript`: `b[key]` for an index (`__index__`) — the byte as an
 * int — or a slice — a bytes; 0 with IndexError "index out of range" /
 * "cannot fit 'int' into an index-sized integer", TypeError "byte indices
 * must be integers or slices, not str".
 * @public
 */
export function bytesSubscript(t: ObThread, op: number, key: number): number {
  if (indexCheck(t, key)) {
    const i = numberAsSsize(t, key, StaticType.IndexError);
    if (i === -1 && errOccurred(t) !== 0) return 0;
    return bytesItem(t, op, i);
  }
  if (sliceCheck(t, key)) {
    if (sliceUnpack(t, key, unpacked) < 0) return 0;
    return bytesGetSlice(t, op, unpacked.start, unpacked.stop, unpacked.step);
  }
  return errRaise(t, StaticType.TypeError, `byte indices must be integers or slices, not ${typeNameOf(t, key).slice(0, 200)}`);
}

/**
 * `a + b` (`bytes_concat`, `sq_concat`): a new bytes of `a`'s bytes and
 * `b`'s (any bytes-like object); an operand itself when the other is empty
 * and it is an exact bytes. 0 with TypeError "can't concat str to bytes"
 * or MemoryError.
 * @public
 */
export function bytesConcat(t: ObThread, a: number, b: number): number {
  const va = objectGetBuffer(t, a, PYBUF_SIMPLE);
  const vb = va === null ? null : objectGetBuffer(t, b, PYBUF_SIMPLE);
  let result = 0;
  if (va === null || vb === null) {
    errRaise(t, StaticType.TypeError, `can't concat ${typeNameOf(t, b).slice(0, 100)} to ${typeNameOf(t, a).slice(0, 100)}`);
  } else if (va.len === 0 && bytesCheckExact(t, b)) {
    incref(t.rc, b);
    result = b;
  } else if (vb.len === 0 && bytesCheckExact(t, a)) {
    incref(t.rc, a);
    result = a;
  } else {
    result = bytesAlloc(t, va.len + vb.len);
    if (result !== 0) {
      // SAFETY: result not published yet; the views keep both sources in place.
      if (va.len > 0) t.heap.copy(result + BYTES_DATA_OFFSET, va.buf, va.len);
      if (vb.len > 0) t.heap.copy(result + BYTES_DATA_OFFSET + va.len, vb.buf, vb.len);
    }
  }
  if (vb !== null) bufferRelease(t, vb);
  if (va !== null) bufferRelease(t, va);
  return result;
}

/**
 * Repeats the `size` bytes at `buf` (already at `dst`) until `total` bytes
 * are filled, doubling the copied run (`_PyBytes_Repeat`). @internal
 */
export function repeatInPlace(t: ObThread, dst: number, size: number, total: number): void {
  for (let done = size; done < total; done *= 2) t.heap.copy(dst + done, dst, Math.min(done, total - done));
}

/**
 * Whether `size * n` passes a 64-bit `Py_ssize_t` (CPython's bound; the
 * heap's is far lower and ends as MemoryError). @internal
 */
export function repeatOverflows(size: number, n: number): boolean {
  return n > 0 && size * n > 2 ** 53 && BigInt(size) > PY_SSIZE_T_MAX / BigInt(n);
}

/**
 * `b * n` (`bytes_repeat`, `sq_repeat`): a new bytes; `b` itself when the
 * result would equal it (n = 1, or an empty `b`) and it is an exact bytes.
 * 0 with OverflowError "repeated bytes are too long" past `Py_ssize_t`,
 * MemoryError when it cannot be allocated.
 * @public
 */
export function bytesRepeat(t: ObThread, op: number, n: number): number {
  if (n !== Math.floor(n)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  if (n < 0) n = 0;
  const size = bytesSize(t, op);
  if (repeatOverflows(size, n)) return errRaise(t, StaticType.OverflowError, 'repeated bytes are too long');
  const total = size * n;
  if (total === size && bytesCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  const res = bytesAlloc(t, total);
  if (res === 0 || total === 0) return res;
  // SAFETY: res not published yet.
  t.heap.copy(res + BYTES_DATA_OFFSET, op + BYTES_DATA_OFFSET, size);
  repeatInPlace(t, res + BYTES_DATA_OFFSET, size, total);
  return res;
}

// --- iteration -----------------------------------------------------------------------------

/** `bytes_iter`: a new `bytes_iterator` over `op`; 0 with MemoryError. @public */
export function bytesIter(t: ObThread, op: number): number {
  return indexIterNew(t, StaticType.BytesIter, op);
}

/** A new iterator of static type `which` over `seq` at index 0 (the bytes-style layout: sequence, index); 0 with MemoryError. @internal */
export function indexIterNew(t: ObThread, which: StaticType, seq: number): number {
  const it = gcNew(t.gc, t.types[which]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, seq);
  // SAFETY: not published yet.
  t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2] = seq;
  t.i32[(it + SEQITER_INDEX_OFFSET) >>> 2] = 0;
  gcTrack(t.rc, it);
  return it;
}

/**
 * `striter_next`: the next byte as an int (immortal), or 0 when exhausted
 * (no exception). The index advances by compare-and-swap: an iterator
 * shared by threads hands each byte to one of them.
 * @public
 */
export function bytesIterNext(t: ObThread, it: number): number {
  const seq = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!; // SAFETY: set before publication, cleared only by dealloc
  const word = (it + SEQITER_INDEX_OFFSET) >>> 2;
  const size = bytesSize(t, seq);
  for (;;) {
    const index = Atomics.load(t.i32, word);
    if (index < 0) return 0;
    if (index >= size) {
      Atomics.compareExchange(t.i32, word, index, -1);
      return 0;
    }
    if (Atomics.compareExchange(t.i32, word, index, index + 1) === index) return smallInt(t, t.u8[seq + BYTES_DATA_OFFSET + index]!);
  }
}

/** The bytes iterator's dealloc (bytearray's iterator shares it). @internal */
export function bytesIterDealloc(t: ObThread, it: number): void {
  gcUntrack(t.rc, it);
  const seq = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!;
  if (seq !== 0) decref(t.rc, seq);
  gcDel(t.gc, it);
}

/** The bytes iterator's traverse (bytearray's iterator shares it). @internal */
export function bytesIterTraverse(t: RcThread, it: number, visit: (child: number) => number): number {
  const seq = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!;
  return seq === 0 ? 0 : visit(seq);
}

/** The bytes dealloc (plain: a bytes holds no references). @internal */
export function bytesDealloc(t: ObThread, op: number): void {
  freeObject(t.rc, op);
}

// --- the constructor ----------------------------------------------------------------------

/**
 * One item of an iterable of ints (`PyNumber_AsSsize_t(item, NULL)` and the
 * range check): the byte, or -1 with TypeError ("'str' object cannot be
 * interpreted as an integer") or ValueError (`message`).
 * @internal
 */
export function byteOfItem(t: ObThread, item: number, message: string): number {
  const v = numberAsSsize(t, item, null);
  if (v === -1 && errOccurred(t) !== 0) return -1;
  if (v < 0 || v > 255) {
    errRaise(t, StaticType.ValueError, message);
    return -1;
  }
  return v;
}

/**
 * The bytes of an iterable of ints that is not bytes-like (`_PyBytes_FromList`,
 * `_PyBytes_FromTuple`, `_PyBytes_FromIterator`), in JavaScript memory; null
 * with the item's error (`rangeMessage` for a value outside 0…255), or,
 * when `x` is not iterable, TypeError "cannot convert 'float' object to
 * `what`" (another error of `iter(x)` passes through).
 * @internal
 */
export function bytesOfIterable(t: ObThread, x: number, rangeMessage: string, what: string): number[] | null {
  const out: number[] = [];
  if (listCheckExact(t, x)) {
    // Item by item, lock-free: an item's __index__ may change the list (CPython re-reads its size each time).
    for (let i = 0; ; i++) {
      const item = listGetItemRef(t, x, i);
      if (item === 0) {
        errClear(t); // IndexError: the end
        return out;
      }
      const v = byteOfItem(t, item, rangeMessage);
      decref(t.rc, item);
      if (v < 0) return null;
      out.push(v);
    }
  }
  if (tupleCheckExact(t, x)) {
    const n = tupleSize(t, x);
    for (let i = 0; i < n; i++) {
      const v = byteOfItem(t, tupleGetItem(t, x, i), rangeMessage);
      if (v < 0) return null;
      out.push(v);
    }
    return out;
  }
  const it = strCheck(t, x) ? 0 : objectGetIter(t, x);
  if (it === 0) {
    if (strCheck(t, x) || errExceptionMatches(t, t.types[StaticType.TypeError]!)) errRaise(t, StaticType.TypeError, `cannot convert '${typeNameOf(t, x).slice(0, 200)}' object to ${what}`);
    return null;
  }
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      decref(t.rc, it);
      return errOccurred(t) !== 0 ? null : out;
    }
    const v = byteOfItem(t, item, rangeMessage);
    decref(t.rc, item);
    if (v < 0) {
      decref(t.rc, it);
      return null;
    }
    out.push(v);
  }
}

/**
 * `PyBytes_FromObject(x)`: `x` itself for an exact bytes, a copy of a
 * bytes-like object's bytes, or the bytes of an iterable of ints in
 * range(0, 256); 0 with TypeError ("cannot convert 'float' object to
 * bytes", "'str' object cannot be interpreted as an integer"), ValueError
 * "bytes must be in range(0, 256)" or MemoryError.
 * @public
 */
export function bytesFromObject(t: ObThread, x: number): number {
  if (bytesCheckExact(t, x)) {
    incref(t.rc, x);
    return x;
  }
  if (objectCheckBuffer(t, x)) {
    // `_PyBytes_FromBuffer`: `PyBUF_FULL_RO`, so a strided memoryview is copied in order.
    const view = objectGetBuffer(t, x, PYBUF_FULL_RO);
    if (view === null) return 0;
    const res = bytesAlloc(t, view.len);
    if (res !== 0) bufferToContiguous(t, view, res + BYTES_DATA_OFFSET);
    bufferRelease(t, view);
    return res;
  }
  const data = bytesOfIterable(t, x, 'bytes must be in range(0, 256)', 'bytes');
  return data === null ? 0 : bytesFromBytes(t, data);
}

/**
 * `bytes(x=<absent>, encoding=None, errors=None)` (`bytes_new_impl` for
 * bytes itself): `x` 0 when absent, `encoding`/`errors` null when not
 * given. A str with an encoding is encoded (codecs.ts: utf-8, ascii,
 * latin-1); an int (`__index__`) gives that many zero bytes; anything else
 * goes through {@link bytesFromObject}. 0 with CPython's errors: TypeError
 * "string argument without an encoding", "encoding without a string
 * argument", "errors without a string argument"; ValueError "negative
 * count"; OverflowError "cannot fit 'int' into an index-sized integer";
 * LookupError; UnicodeEncodeError; MemoryError. (`__bytes__` is the VM's:
 * not looked up here.)
 * @public
 */
export function bytesNew(t: ObThread, x = 0, encoding: string | null = null, errors: string | null = null): number {
  if (x === 0) {
    if (encoding !== null || errors !== null) return errRaise(t, StaticType.TypeError, encoding !== null ? 'encoding without a string argument' : 'errors without a string argument');
    return bytesAlloc(t, 0);
  }
  if (encoding !== null) {
    if (!strCheck(t, x)) return errRaise(t, StaticType.TypeError, 'encoding without a string argument');
    const data = encodeStr(t, x, encoding, errors);
    return data === null ? 0 : bytesFromBytes(t, data);
  }
  if (errors !== null) return errRaise(t, StaticType.TypeError, strCheck(t, x) ? 'string argument without an encoding' : 'errors without a string argument');
  if (strCheck(t, x)) return errRaise(t, StaticType.TypeError, 'string argument without an encoding');
  if (indexCheck(t, x)) {
    const size = numberAsSsize(t, x, StaticType.OverflowError);
    if (size === -1 && errOccurred(t) !== 0) {
      if (!errExceptionMatches(t, t.types[StaticType.TypeError]!)) return 0;
      errClear(t);
      return bytesFromObject(t, x);
    }
    if (size < 0) return errRaise(t, StaticType.ValueError, 'negative count');
    return bytesAlloc(t, size);
  }
  return bytesFromObject(t, x);
}
