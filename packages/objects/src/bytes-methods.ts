/**
 * The methods bytes and bytearray share (`Objects/bytes_methods.c`, the
 * stringlib templates both types instantiate): `count`, `find`, `rfind`,
 * `index`, `rindex`, `in`, `startswith`, `endswith`, `split`, `rsplit`,
 * `join`, `replace`, `strip`, `lstrip`, `rstrip`, the ASCII case mappings
 * and predicates, `hex`, `fromhex` and `decode`. Each takes either type as
 * its receiver; a result of bytes is a bytes and of a bytearray a
 * bytearray, as CPython's.
 *
 * Arguments are CPython's after Argument Clinic: objects for what the
 * methods convert themselves (a `sub` that is an int or bytes-like, a
 * separator, a prefix or a tuple of them), JavaScript integers for
 * `Py_ssize_t` bounds and counts (`start`/`end` null for None; the VM's
 * argument parsing raises the TypeErrors of bad ones and clamps huge ones,
 * as `_PyEval_SliceIndex` does), JavaScript strings for `encoding` and
 * `errors`.
 *
 * Threads: a bytes receiver is immutable and read plain. A bytearray
 * receiver is read under its critical section (CPython 3.14's
 * `@critical_section` methods), with every bytes-like argument exported
 * first (buffer.ts) — never while holding the receiver's section, which a
 * blocking export could suspend. Results are built under the section (a
 * snapshot of the receiver); nothing inside it blocks, and only a
 * half-built result is released there (when memory runs out).
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET } from '@ft/refcount';
import { indexCheck, numberAsSsize } from './abstract-number.js';
import { objectLength } from './abstract.js';
import { bufferRelease, objectCheckBuffer, objectGetBuffer, PYBUF_SIMPLE, type PyBuffer } from './buffer.js';
import { byteArrayCheck, byteArrayFromHeap, byteArrayNewSized, byteArrayRead, byteArrayStartOf } from './bytearray.js';
import { bytesAlloc, bytesCheckExact, bytesFromHeap, bytesSize } from './bytes.js';
import { memoryViewCheck } from './memoryview.js';
import { callOneArg } from './call.js';
import { unicodeDecode } from './codecs.js';
import { errClear, errExceptionMatches, errOccurred, errRaise, errRaiseInt } from './errors.js';
import { BYTES_DATA_OFFSET, LIST_ITEMS_OFFSET, LIST_SIZE_OFFSET, StaticType, STR_ASCII_OFFSET, STR_KIND_OFFSET, TPFLAGS_TUPLE_SUBCLASS } from './layout.js';
import { listCheckExact, listFromIterable, listNew, listSetItemInit } from './list.js';
import { adjustEnd, adjustStart, searchBackward, searchForward } from './fastsearch.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strCheck } from './str-methods.js';
import { strCodePointAt, strLength } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleCheckExact, tupleGetItem, tupleSize } from './tuple.js';

/** `Py_ssize_t`'s largest value: an unlimited count. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

// --- the receiver ---------------------------------------------------------------------------

/** Runs `read(addr, size)` over the receiver's bytes: a bytes directly, a bytearray under its critical section. */
function withSelf<R>(t: ObThread, self: number, read: (addr: number, size: number) => R): R {
  if (!bytesCheckExact(t, self) && byteArrayCheck(t, self)) return byteArrayRead(t, self, read);
  return read(self + BYTES_DATA_OFFSET, bytesSize(t, self));
}

/** Whether results are bytearrays (the receiver is one). */
function mutable(t: ObThread, self: number): boolean {
  return !bytesCheckExact(t, self) && byteArrayCheck(t, self);
}

/** A result of the receiver's kind holding `size` bytes of the heap at `addr`; 0 with MemoryError. */
function result(t: ObThread, self: number, addr: number, size: number): number {
  return mutable(t, self) ? byteArrayFromHeap(t, addr, size) : bytesFromHeap(t, addr, size);
}

/** A new result of the receiver's kind of `size` bytes, to be filled through {@link dataOf} before it is returned; 0 with MemoryError. */
function newResult(t: ObThread, self: number, size: number): number {
  return mutable(t, self) ? byteArrayNewSized(t, size) : bytesAlloc(t, size);
}

/** The first byte of a new result (not published yet). */
function dataOf(t: ObThread, op: number): number {
  return bytesCheckExact(t, op) ? op + BYTES_DATA_OFFSET : byteArrayStartOf(t, op);
}

/** `return_self` / "unchanged": an exact bytes receiver itself, else a copy of `[addr, addr+size)` of its kind. */
function unchanged(t: ObThread, self: number, addr: number, size: number): number {
  if (bytesCheckExact(t, self)) {
    incref(t.rc, self);
    return self;
  }
  return result(t, self, addr, size);
}

// --- arguments ---------------------------------------------------------------------------------

/** A search argument: a bytes-like object's view, or one byte (`view` null). */
interface Needle {
  view: PyBuffer | null;
  byte: number;
}

/** This thread's one-byte needle array (module scope is per thread). */
const oneByte = new Uint8Array(1);

/**
 * `parse_args_finds_byte` and the buffer: an int in range(0, 256) or a
 * bytes-like object; null with TypeError "argument should be integer or
 * bytes-like object, not 'str'" or ValueError "byte must be in range(0, 256)".
 */
function needleOf(t: ObThread, sub: number): Needle | null {
  if (objectCheckBuffer(t, sub)) {
    const view = objectGetBuffer(t, sub, PYBUF_SIMPLE);
    return view === null ? null : { view, byte: 0 };
  }
  if (!indexCheck(t, sub)) {
    errRaise(t, StaticType.TypeError, `argument should be integer or bytes-like object, not '${typeNameOf(t, sub).slice(0, 200)}'`);
    return null;
  }
  const v = numberAsSsize(t, sub, null);
  if (v === -1 && errOccurred(t) !== 0) return null;
  if (v < 0 || v > 255) {
    errRaise(t, StaticType.ValueError, 'byte must be in range(0, 256)');
    return null;
  }
  return { view: null, byte: v };
}

function needleRelease(t: ObThread, needle: Needle): void {
  if (needle.view !== null) bufferRelease(t, needle.view);
}

/** The needle's bytes as (array, first index, length). */
function needleBytes(t: ObThread, needle: Needle): [Uint8Array, number, number] {
  if (needle.view !== null) return [t.u8, needle.view.buf, needle.view.len];
  oneByte[0] = needle.byte;
  return [oneByte, 0, 1];
}

/** A bytes-like argument's view; null with TypeError "a bytes-like object is required, not 'str'". */
function viewOf(t: ObThread, op: number): PyBuffer | null {
  return objectGetBuffer(t, op, PYBUF_SIMPLE);
}

// --- searching ----------------------------------------------------------------------------------

/** `find_internal`: the index (first, or last when `!forward`), -1 when absent, -2 with the argument's error. */
function findInternal(t: ObThread, self: number, sub: number, start: number | null, end: number | null, forward: boolean): number {
  const needle = needleOf(t, sub);
  if (needle === null) return -2;
  const [n, nf, m] = needleBytes(t, needle);
  const r = withSelf(t, self, (addr, size) => {
    const from = adjustStart(size, start);
    const to = adjustEnd(size, end);
    if (to - from < m) return -1;
    if (m === 0) return forward ? from : to;
    const h = t.u8;
    const i = forward ? searchForward(h, addr + from, addr + to, n, nf, m, 0) : searchBackward(h, addr + from, addr + to, n, nf, m);
    return i < 0 ? -1 : i - addr;
  });
  needleRelease(t, needle);
  return r;
}

/**
 * `bytes.find(sub[, start[, end]])` (and bytearray's): the lowest index of
 * `sub` (an int in range(0, 256) or a bytes-like object) in
 * `self[start:end]`, -1 when absent, or -2 with TypeError "argument should
 * be integer or bytes-like object, not 'str'" / ValueError "byte must be in
 * range(0, 256)".
 * @public
 */
export function bytesFind(t: ObThread, self: number, sub: number, start: number | null = null, end: number | null = null): number {
  return findInternal(t, self, sub, start, end, true);
}

/** `bytes.rfind(sub[, start[, end]])`: as {@link bytesFind}, the highest index. @public */
export function bytesRfind(t: ObThread, self: number, sub: number, start: number | null = null, end: number | null = null): number {
  return findInternal(t, self, sub, start, end, false);
}

/** `bytes.index(sub[, start[, end]])`: as {@link bytesFind}, or -1 with ValueError "subsection not found" (or the argument's error). @public */
export function bytesIndex(t: ObThread, self: number, sub: number, start: number | null = null, end: number | null = null): number {
  const i = findInternal(t, self, sub, start, end, true);
  if (i === -2) return -1;
  return i < 0 ? errRaiseInt(t, StaticType.ValueError, 'subsection not found') : i;
}

/** `bytes.rindex(sub[, start[, end]])`: as {@link bytesRfind}, or -1 with ValueError "subsection not found". @public */
export function bytesRindex(t: ObThread, self: number, sub: number, start: number | null = null, end: number | null = null): number {
  const i = findInternal(t, self, sub, start, end, false);
  if (i === -2) return -1;
  return i < 0 ? errRaiseInt(t, StaticType.ValueError, 'subsection not found') : i;
}

/**
 * `bytes.count(sub[, start[, end]])` (and bytearray's): non-overlapping
 * occurrences of `sub` in `self[start:end]` (an empty `sub`: one more than
 * the slice's length), or -1 with the argument's error as {@link bytesFind}.
 * @public
 */
export function bytesCount(t: ObThread, self: number, sub: number, start: number | null = null, end: number | null = null): number {
  const needle = needleOf(t, sub);
  if (needle === null) return -1;
  const [n, nf, m] = needleBytes(t, needle);
  const r = withSelf(t, self, (addr, size) => {
    const from = adjustStart(size, start);
    const to = adjustEnd(size, end);
    if (to - from < 0) return 0;
    if (m === 0) return to - from + 1;
    if (to - from < m) return 0;
    return searchForward(t.u8, addr + from, addr + to, n, nf, m, UNLIMITED);
  });
  needleRelease(t, needle);
  return r;
}

/**
 * `x in b` (`_Py_bytes_contains`, both types' `sq_contains`): 1 or 0 for an
 * int in range(0, 256) (any `__index__`) or a bytes-like object; -1 with
 * ValueError "byte must be in range(0, 256)" or TypeError "a bytes-like
 * object is required, not 'str'".
 * @public
 */
export function bytesContains(t: ObThread, self: number, arg: number): number {
  const v = numberAsSsize(t, arg, null);
  if (v === -1 && errOccurred(t) !== 0) {
    errClear(t);
    const view = viewOf(t, arg);
    if (view === null) return -1;
    const len = view.len;
    const r = withSelf(t, self, (addr, size) => (len === 0 ? 1 : size < len ? 0 : searchForward(t.u8, addr, addr + size, t.u8, view.buf, len, 0) >= 0 ? 1 : 0));
    bufferRelease(t, view);
    return r;
  }
  if (v < 0 || v > 255) return errRaiseInt(t, StaticType.ValueError, 'byte must be in range(0, 256)');
  return withSelf(t, self, (addr, size) => {
    const i = t.u8.indexOf(v, addr);
    return i >= 0 && i < addr + size ? 1 : 0;
  });
}

// --- startswith / endswith ----------------------------------------------------------------------

/** `tailmatch` for one prefix: 1, 0, or -1 with the buffer's TypeError. */
function tailMatch(t: ObThread, self: number, prefix: number, start: number | null, end: number | null, atEnd: boolean): number {
  const view = viewOf(t, prefix);
  if (view === null) return -1;
  const slen = view.len;
  const r = withSelf(t, self, (addr, len) => {
    let from = adjustStart(len, start);
    const to = adjustEnd(len, end);
    if (!atEnd) {
      if (from > len - slen) return 0;
    } else {
      if (to - from < slen || from > len) return 0;
      if (to - slen > from) from = to - slen;
    }
    if (to - from < slen) return 0;
    const u8 = t.u8;
    for (let i = 0; i < slen; i++) if (u8[addr + from + i] !== u8[view.buf + i]) return 0;
    return 1;
  });
  bufferRelease(t, view);
  return r;
}

/** `_Py_bytes_tailmatch`: a prefix or a tuple of them (the first match wins, before a later bad item is seen). */
function startsOrEnds(t: ObThread, self: number, prefix: number, start: number | null, end: number | null, atEnd: boolean): number {
  if (tupleCheckExact(t, prefix) || typeHasFlag(t, typeOf(t, prefix), TPFLAGS_TUPLE_SUBCLASS)) {
    const n = tupleSize(t, prefix);
    for (let i = 0; i < n; i++) {
      const r = tailMatch(t, self, tupleGetItem(t, prefix, i), start, end, atEnd);
      if (r !== 0) return r;
    }
    return 0;
  }
  const r = tailMatch(t, self, prefix, start, end, atEnd);
  if (r < 0 && errExceptionMatches(t, t.types[StaticType.TypeError]!)) {
    const name = atEnd ? 'endswith' : 'startswith';
    return errRaiseInt(t, StaticType.TypeError, `${name} first arg must be bytes or a tuple of bytes, not ${typeNameOf(t, prefix)}`);
  }
  return r;
}

/**
 * `bytes.startswith(prefix[, start[, end]])` (and bytearray's): 1 when
 * `self[start:end]` starts with `prefix` (a bytes-like object, or a tuple
 * of them: any), 0 when not, -1 with TypeError "startswith first arg must
 * be bytes or a tuple of bytes, not str" (in a tuple: "a bytes-like object
 * is required, not 'str'").
 * @public
 */
export function bytesStartsWith(t: ObThread, self: number, prefix: number, start: number | null = null, end: number | null = null): number {
  return startsOrEnds(t, self, prefix, start, end, false);
}

/** `bytes.endswith(suffix[, start[, end]])`: as {@link bytesStartsWith}, at the end of the slice. @public */
export function bytesEndsWith(t: ObThread, self: number, suffix: number, start: number | null = null, end: number | null = null): number {
  return startsOrEnds(t, self, suffix, start, end, true);
}

// --- split ------------------------------------------------------------------------------------------

/** `Py_ISSPACE` for bytes: space, `\t`, `\n`, `\v`, `\f`, `\r`. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * A new list of results for the `[start, end)` pairs in `pieces` (the
 * receiver's own reference for a whole exact bytes, marked by -1): 0 with
 * MemoryError. Runs inside the receiver's view.
 */
function listOfPieces(t: ObThread, self: number, addr: number, pieces: number[]): number {
  const n = pieces.length >> 1;
  const list = listNew(t, n);
  if (list === 0) return 0;
  for (let k = 0; k < n; k++) {
    const a = pieces[2 * k]!;
    const item = a < 0 ? (incref(t.rc, self), self) : result(t, self, addr + a, pieces[2 * k + 1]! - a);
    if (item === 0) {
      decref(t.rc, list); // the filled slots are released, the empty ones skipped
      return 0;
    }
    listSetItemInit(t, list, k, item);
  }
  return list;
}

/**
 * `bytes.split(sep=None, maxsplit=-1)` (and bytearray's; `sep` 0 or None:
 * runs of ASCII whitespace): a new list of the pieces (of the receiver's
 * kind; a bytes without separators comes back as itself); 0 with
 * ValueError "empty separator", TypeError "a bytes-like object is
 * required, not 'str'" or MemoryError.
 * @public
 */
export function bytesSplit(t: ObThread, self: number, sep = 0, maxsplit = -1): number {
  return splitOrRsplit(t, self, sep, maxsplit, false);
}

/** `bytes.rsplit(sep=None, maxsplit=-1)`: as {@link bytesSplit}, the splits counted from the right. @public */
export function bytesRsplit(t: ObThread, self: number, sep = 0, maxsplit = -1): number {
  return splitOrRsplit(t, self, sep, maxsplit, true);
}

function splitOrRsplit(t: ObThread, self: number, sep: number, maxsplit: number, right: boolean): number {
  const max = maxsplit < 0 ? UNLIMITED : maxsplit;
  const exact = bytesCheckExact(t, self);
  if (sep === 0 || sep === t.none) {
    return withSelf(t, self, (addr, len) => listOfPieces(t, self, addr, right ? rsplitWhitespace(t.u8, addr, len, max, exact) : splitWhitespace(t.u8, addr, len, max, exact)));
  }
  const view = viewOf(t, sep);
  if (view === null) return 0;
  if (view.len === 0) {
    bufferRelease(t, view);
    return errRaise(t, StaticType.ValueError, 'empty separator');
  }
  const r = withSelf(t, self, (addr, len) => {
    const u8 = t.u8;
    const m = view.len;
    const pieces: number[] = [];
    let left = max;
    if (!right) {
      let i = 0;
      while (left-- > 0) {
        const pos = searchForward(u8, addr + i, addr + len, u8, view.buf, m, 0);
        if (pos < 0) break;
        pieces.push(i, pos - addr);
        i = pos - addr + m;
      }
      if (pieces.length === 0 && exact) pieces.push(-1, 0);
      else pieces.push(i, len);
    } else {
      let j = len;
      while (left-- > 0) {
        const pos = searchBackward(u8, addr, addr + j, u8, view.buf, m);
        if (pos < 0) break;
        pieces.push(pos - addr + m, j);
        j = pos - addr;
      }
      if (pieces.length === 0 && exact) pieces.push(-1, 0);
      else pieces.push(0, j);
      reversePairs(pieces);
    }
    return listOfPieces(t, self, addr, pieces);
  });
  bufferRelease(t, view);
  return r;
}

/** Reverses a list of [start, end) pairs (rsplit builds right to left). */
function reversePairs(pieces: number[]): void {
  for (let i = 0, j = pieces.length - 2; i < j; i += 2, j -= 2) {
    const a = pieces[i]!;
    const b = pieces[i + 1]!;
    pieces[i] = pieces[j]!;
    pieces[i + 1] = pieces[j + 1]!;
    pieces[j] = a;
    pieces[j + 1] = b;
  }
}

/** `stringlib_split_whitespace`: the pieces between runs of whitespace (-1 marks the whole exact receiver). */
function splitWhitespace(u8: Uint8Array, addr: number, len: number, max: number, exact: boolean): number[] {
  const pieces: number[] = [];
  let i = 0;
  while (max-- > 0) {
    while (i < len && isSpace(u8[addr + i]!)) i++;
    if (i === len) break;
    const j = i;
    i++;
    while (i < len && !isSpace(u8[addr + i]!)) i++;
    if (j === 0 && i === len && exact) {
      pieces.push(-1, 0);
      return pieces;
    }
    pieces.push(j, i);
  }
  if (i < len) {
    while (i < len && isSpace(u8[addr + i]!)) i++;
    if (i !== len) pieces.push(i, len);
  }
  return pieces;
}

/** `stringlib_rsplit_whitespace`. */
function rsplitWhitespace(u8: Uint8Array, addr: number, len: number, max: number, exact: boolean): number[] {
  const pieces: number[] = [];
  let i = len - 1;
  while (max-- > 0) {
    while (i >= 0 && isSpace(u8[addr + i]!)) i--;
    if (i < 0) break;
    const j = i;
    i--;
    while (i >= 0 && !isSpace(u8[addr + i]!)) i--;
    if (j === len - 1 && i < 0 && exact) {
      pieces.push(-1, 0);
      return pieces;
    }
    pieces.push(i + 1, j + 1);
  }
  if (i >= 0) {
    while (i >= 0 && isSpace(u8[addr + i]!)) i--;
    if (i >= 0) pieces.push(0, i + 1);
  }
  reversePairs(pieces);
  return pieces;
}

// --- join ----------------------------------------------------------------------------------------------

/** The items of a list (a snapshot under its critical section), a tuple, or any iterable (through list()): new references; null with TypeError "can only join an iterable". */
function itemsOf(t: ObThread, iterable: number): number[] | null {
  const items: number[] = [];
  if (strCheck(t, iterable)) {
    // Every item of a str is a str: the first one fails (items are counted, not made).
    if (strLength(t, iterable) === 0) return items;
    errRaise(t, StaticType.TypeError, 'sequence item 0: expected a bytes-like object, str found');
    return null;
  }
  if (listCheckExact(t, iterable)) {
    const heap = t.heap;
    criticalSectionBegin(heap, iterable + OB_MUTEX_OFFSET);
    // SAFETY: the list's size and items are read under its critical section.
    const n = t.i32[(iterable + LIST_SIZE_OFFSET) >>> 2]!;
    const first = t.u32[(iterable + LIST_ITEMS_OFFSET) >>> 2]! >>> 2;
    for (let i = 0; i < n; i++) {
      const item = t.u32[first + i]!;
      incref(t.rc, item);
      items.push(item);
    }
    criticalSectionEnd(heap);
    return items;
  }
  if (tupleCheckExact(t, iterable)) {
    for (let i = 0; i < tupleSize(t, iterable); i++) {
      const item = tupleGetItem(t, iterable, i);
      incref(t.rc, item);
      items.push(item);
    }
    return items;
  }
  const list = listFromIterable(t, iterable);
  if (list === 0) {
    if (errExceptionMatches(t, t.types[StaticType.TypeError]!)) errRaise(t, StaticType.TypeError, 'can only join an iterable');
    return null;
  }
  const got = itemsOf(t, list);
  decref(t.rc, list);
  return got;
}

/**
 * `bytes.join(iterable_of_bytes)` (`stringlib_bytes_join`; bytearray's
 * too): the items (bytes-like objects) joined by the receiver; a one-item
 * sequence of an exact bytes gives that item (for a bytes receiver). 0
 * with TypeError "can only join an iterable", "sequence item 1: expected a
 * bytes-like object, str found", or MemoryError.
 * @public
 */
export function bytesJoin(t: ObThread, self: number, iterable: number): number {
  const items = itemsOf(t, iterable);
  if (items === null) return 0;
  const views: PyBuffer[] = [];
  let res = 0;
  if (items.length === 0) {
    res = newResult(t, self, 0);
  } else if (items.length === 1 && !mutable(t, self) && bytesCheckExact(t, items[0]!)) {
    incref(t.rc, items[0]!);
    res = items[0]!;
  } else {
    let ok = true;
    for (let i = 0; i < items.length; i++) {
      const view = objectGetBuffer(t, items[i]!, PYBUF_SIMPLE);
      if (view === null) {
        errRaise(t, StaticType.TypeError, `sequence item ${i}: expected a bytes-like object, ${typeNameOf(t, items[i]!).slice(0, 80)} found`);
        ok = false;
        break;
      }
      views.push(view);
    }
    if (ok) {
      res = withSelf(t, self, (sepAddr, sepLen) => {
        let total = sepLen * (views.length - 1);
        for (const v of views) total += v.len;
        const out = newResult(t, self, total);
        if (out !== 0) fill(t, dataOf(t, out), views, sepAddr, sepLen);
        return out;
      });
    }
  }
  for (const v of views) bufferRelease(t, v);
  for (const item of items) decref(t.rc, item);
  return res;
}

/** Copies the views joined by the separator to `to` (a new result's bytes). */
function fill(t: ObThread, to: number, views: PyBuffer[], sepAddr: number, sepLen: number): void {
  for (let i = 0; i < views.length; i++) {
    if (i > 0 && sepLen > 0) {
      t.heap.copy(to, sepAddr, sepLen);
      to += sepLen;
    }
    const v = views[i]!;
    if (v.len > 0) t.heap.copy(to, v.buf, v.len);
    to += v.len;
  }
}

// --- replace -----------------------------------------------------------------------------------------

/**
 * `bytes.replace(old, new, count=-1)` (`stringlib_replace`; bytearray's
 * too): `self` with the first `count` (negative: all) non-overlapping
 * occurrences of `old` replaced by `new` (both bytes-like); an empty `old`
 * inserts `new` before every byte and at the end. Nothing to replace: an
 * exact bytes receiver itself, else a copy. 0 with TypeError "a
 * bytes-like object is required, not 'str'" or MemoryError.
 * @public
 */
export function bytesReplace(t: ObThread, self: number, old: number, replacement: number, count = -1): number {
  const vo = viewOf(t, old);
  if (vo === null) return 0;
  const vn = viewOf(t, replacement);
  if (vn === null) {
    bufferRelease(t, vo);
    return 0;
  }
  const r = withSelf(t, self, (addr, len) => {
    const u8 = t.u8;
    const m = vo.len;
    const k = vn.len;
    let max = count < 0 ? UNLIMITED : count;
    if (len < m || max === 0 || (m === 0 && k === 0)) return unchanged(t, self, addr, len);
    // Where the replacements go (the starts of the occurrences), then one copy.
    const at: number[] = [];
    if (m === 0) {
      const n = Math.min(max, len + 1);
      for (let i = 0; i < n; i++) at.push(i);
    } else {
      let i = 0;
      while (max-- > 0) {
        const pos = searchForward(u8, addr + i, addr + len, u8, vo.buf, m, 0);
        if (pos < 0) break;
        at.push(pos - addr);
        i = pos - addr + m;
      }
      if (at.length === 0) return unchanged(t, self, addr, len);
    }
    const total = len + at.length * (k - m);
    const out = newResult(t, self, total);
    if (out === 0) return 0;
    let to = dataOf(t, out);
    let from = 0;
    for (const p of at) {
      if (p > from) t.heap.copy(to, addr + from, p - from);
      to += p - from;
      if (k > 0) t.heap.copy(to, vn.buf, k);
      to += k;
      from = p + m;
    }
    if (len > from) t.heap.copy(to, addr + from, len - from);
    return out;
  });
  bufferRelease(t, vn);
  bufferRelease(t, vo);
  return r;
}

// --- strip --------------------------------------------------------------------------------------------

/** `do_xstrip` / `do_strip`: `left` and/or `right`, by `chars` (a bytes-like object; 0 or None: ASCII whitespace). */
function strip(t: ObThread, self: number, chars: number, left: boolean, right: boolean): number {
  let view: PyBuffer | null = null;
  let set: Uint8Array | null = null;
  if (chars !== 0 && chars !== t.none) {
    view = viewOf(t, chars);
    if (view === null) return 0;
    set = new Uint8Array(256);
    for (let i = 0; i < view.len; i++) set[t.u8[view.buf + i]!] = 1;
  }
  const inSet = (c: number): boolean => (set === null ? isSpace(c) : set[c] === 1);
  const r = withSelf(t, self, (addr, len) => {
    const u8 = t.u8;
    let i = 0;
    if (left) while (i < len && inSet(u8[addr + i]!)) i++;
    let j = len;
    if (right) {
      do j--;
      while (j >= i && inSet(u8[addr + j]!));
      j++;
    }
    if (i === 0 && j === len && bytesCheckExact(t, self)) return unchanged(t, self, addr, len);
    return result(t, self, addr + i, j - i);
  });
  if (view !== null) bufferRelease(t, view);
  return r;
}

/**
 * `bytes.strip(chars=None)` (and bytearray's): without the leading and
 * trailing bytes in `chars` (a bytes-like object; 0 or None: ASCII
 * whitespace); an exact bytes unchanged is itself. 0 with TypeError "a
 * bytes-like object is required, not 'str'".
 * @public
 */
export function bytesStrip(t: ObThread, self: number, chars = 0): number {
  return strip(t, self, chars, true, true);
}

/** `bytes.lstrip(chars=None)`: as {@link bytesStrip}, the leading bytes only. @public */
export function bytesLstrip(t: ObThread, self: number, chars = 0): number {
  return strip(t, self, chars, true, false);
}

/** `bytes.rstrip(chars=None)`: as {@link bytesStrip}, the trailing bytes only. @public */
export function bytesRstrip(t: ObThread, self: number, chars = 0): number {
  return strip(t, self, chars, false, true);
}

// --- ASCII case mappings and predicates ----------------------------------------------------------------

const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const isAlpha = (c: number): boolean => isLower(c) || isUpper(c);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** A new result of the receiver's kind with each byte mapped by `map(byte, index, previous state)`. */
function mapBytes(t: ObThread, self: number, map: (u8: Uint8Array, from: number, to: number, len: number) => void): number {
  return withSelf(t, self, (addr, len) => {
    const out = newResult(t, self, len);
    if (out !== 0 && len > 0) map(t.u8, addr, dataOf(t, out), len);
    return out;
  });
}

/** `bytes.upper()` (and bytearray's): ASCII letters upper-cased, in a new object. @public */
export function bytesUpper(t: ObThread, self: number): number {
  return mapBytes(t, self, (u8, from, to, len) => {
    for (let i = 0; i < len; i++) {
      const c = u8[from + i]!;
      u8[to + i] = isLower(c) ? c - 32 : c;
    }
  });
}

/** `bytes.lower()`: ASCII letters lower-cased. @public */
export function bytesLower(t: ObThread, self: number): number {
  return mapBytes(t, self, (u8, from, to, len) => {
    for (let i = 0; i < len; i++) {
      const c = u8[from + i]!;
      u8[to + i] = isUpper(c) ? c + 32 : c;
    }
  });
}

/** `bytes.swapcase()`: ASCII letters' case swapped. @public */
export function bytesSwapcase(t: ObThread, self: number): number {
  return mapBytes(t, self, (u8, from, to, len) => {
    for (let i = 0; i < len; i++) {
      const c = u8[from + i]!;
      u8[to + i] = isLower(c) ? c - 32 : isUpper(c) ? c + 32 : c;
    }
  });
}

/** `bytes.capitalize()`: the first byte upper-cased, the rest lower-cased (ASCII). @public */
export function bytesCapitalize(t: ObThread, self: number): number {
  return mapBytes(t, self, (u8, from, to, len) => {
    for (let i = 0; i < len; i++) {
      const c = u8[from + i]!;
      u8[to + i] = i === 0 ? (isLower(c) ? c - 32 : c) : isUpper(c) ? c + 32 : c;
    }
  });
}

/** `bytes.title()` (`_Py_bytes_title`): each run of letters starts upper-case, continues lower-case (ASCII). @public */
export function bytesTitle(t: ObThread, self: number): number {
  return mapBytes(t, self, (u8, from, to, len) => {
    let previousCased = false;
    for (let i = 0; i < len; i++) {
      let c = u8[from + i]!;
      if (isLower(c)) {
        if (!previousCased) c -= 32;
        previousCased = true;
      } else if (isUpper(c)) {
        if (previousCased) c += 32;
        previousCased = true;
      } else {
        previousCased = false;
      }
      u8[to + i] = c;
    }
  });
}

/** Every byte satisfies `test` (false for an empty receiver). */
function all(t: ObThread, self: number, test: (c: number) => boolean): boolean {
  return withSelf(t, self, (addr, len) => {
    if (len === 0) return false;
    for (let i = 0; i < len; i++) if (!test(t.u8[addr + i]!)) return false;
    return true;
  });
}

/** `bytes.isdigit()` (and bytearray's): ASCII digits only, at least one. @public */
export function bytesIsDigit(t: ObThread, self: number): boolean {
  return all(t, self, isDigit);
}

/** `bytes.isalpha()`: ASCII letters only, at least one. @public */
export function bytesIsAlpha(t: ObThread, self: number): boolean {
  return all(t, self, isAlpha);
}

/** `bytes.isalnum()`: ASCII letters and digits only, at least one. @public */
export function bytesIsAlnum(t: ObThread, self: number): boolean {
  return all(t, self, (c) => isAlpha(c) || isDigit(c));
}

/** `bytes.isspace()`: ASCII whitespace only (space, `\t\n\v\f\r`), at least one. @public */
export function bytesIsSpace(t: ObThread, self: number): boolean {
  return all(t, self, isSpace);
}

/** `bytes.isascii()`: every byte below 0x80 (true when empty). @public */
export function bytesIsAscii(t: ObThread, self: number): boolean {
  return withSelf(t, self, (addr, len) => {
    for (let i = 0; i < len; i++) if (t.u8[addr + i]! >= 0x80) return false;
    return true;
  });
}

/** `bytes.islower()`: some lower-case ASCII letter and no upper-case one. @public */
export function bytesIsLower(t: ObThread, self: number): boolean {
  return withSelf(t, self, (addr, len) => {
    let cased = false;
    for (let i = 0; i < len; i++) {
      const c = t.u8[addr + i]!;
      if (isUpper(c)) return false;
      if (isLower(c)) cased = true;
    }
    return cased;
  });
}

/** `bytes.isupper()`: some upper-case ASCII letter and no lower-case one. @public */
export function bytesIsUpper(t: ObThread, self: number): boolean {
  return withSelf(t, self, (addr, len) => {
    let cased = false;
    for (let i = 0; i < len; i++) {
      const c = t.u8[addr + i]!;
      if (isLower(c)) return false;
      if (isUpper(c)) cased = true;
    }
    return cased;
  });
}

/** `bytes.istitle()`: cased, upper-case letters only after uncased bytes and lower-case only after cased ones (ASCII). @public */
export function bytesIsTitle(t: ObThread, self: number): boolean {
  return withSelf(t, self, (addr, len) => {
    let cased = false;
    let previousCased = false;
    for (let i = 0; i < len; i++) {
      const c = t.u8[addr + i]!;
      if (isUpper(c)) {
        if (previousCased) return false;
        previousCased = cased = true;
      } else if (isLower(c)) {
        if (!previousCased) return false;
        previousCased = cased = true;
      } else {
        previousCased = false;
      }
    }
    return cased;
  });
}

// --- hex / fromhex ---------------------------------------------------------------------------------------

const HEX_DIGITS = '0123456789abcdef';

/**
 * `bytes.hex(sep=<absent>, bytes_per_sep=1)` (`_Py_strhex_impl`; bytearray's
 * too): two lower-case hexadecimal digits per byte as a str, with `sep`
 * (a one-character ASCII str or a one-byte bytes; 0 when absent) between
 * groups of `bytesPerSep` bytes counted from the right (negative: from
 * the left). 0 with ValueError ("sep must be length 1.", "sep must be
 * ASCII."), TypeError ("sep must be str or bytes.", "object of type 'int'
 * has no len()").
 * @public
 */
export function bytesHex(t: ObThread, self: number, sep = 0, bytesPerSep = 1): number {
  let sepChar = -1;
  if (sep !== 0 && sep !== t.none) {
    const seplen = objectLength(t, sep);
    if (seplen < 0) return 0;
    if (seplen !== 1) return errRaise(t, StaticType.ValueError, 'sep must be length 1.');
    if (strCheck(t, sep)) {
      // SAFETY: a str is immutable once published.
      if (t.u8[sep + STR_KIND_OFFSET] !== 1) return errRaise(t, StaticType.ValueError, 'sep must be ASCII.');
      sepChar = strCodePointAt(t, sep, 0);
      if (sepChar > 127 && t.u8[sep + STR_ASCII_OFFSET] !== 1) return errRaise(t, StaticType.ValueError, 'sep must be ASCII.');
    } else if (!bytesCheckExact(t, sep) && !objectCheckBuffer(t, sep)) {
      return errRaise(t, StaticType.TypeError, 'sep must be str or bytes.');
    } else {
      const view = viewOf(t, sep);
      if (view === null) return 0;
      sepChar = t.u8[view.buf]!;
      bufferRelease(t, view);
    }
  }
  const text = withSelf(t, self, (addr, len) => {
    let group = sepChar < 0 ? 0 : bytesPerSep;
    const abs = Math.abs(group);
    if (abs >= len) group = 0;
    const u8 = t.u8;
    const digits: string[] = [];
    const sepText = sepChar < 0 ? '' : String.fromCharCode(sepChar);
    for (let i = 0; i < len; i++) {
      // A separator before byte i: counted from the left for a negative group, from the right otherwise.
      if (group !== 0 && i > 0 && (group < 0 ? i % abs === 0 : (len - i) % abs === 0)) digits.push(sepText);
      const c = u8[addr + i]!;
      digits.push(HEX_DIGITS[c >> 4]! + HEX_DIGITS[c & 15]!);
    }
    return digits.join('');
  });
  return strFromJs(t, text);
}

/** `_PyLong_DigitValue` for hexadecimal digits: the value, or 37 (not a digit). */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return 37;
}

/**
 * `bytes.fromhex(string)` / `bytearray.fromhex(string)` (`_PyBytes_FromHex`):
 * the bytes of pairs of hexadecimal digits in `string` (a str; ASCII
 * whitespace between pairs skipped), as an object of `cls` — bytes or
 * bytearray made directly, a subclass called with the bytes (`cls(b)`). 0
 * with TypeError "fromhex() argument must be str, not bytes" or ValueError
 * "non-hexadecimal number found in fromhex() arg at position 3".
 * @public
 */
export function bytesFromHex(t: ObThread, cls: number, string: number): number {
  if (!strCheck(t, string)) return errRaise(t, StaticType.TypeError, `fromhex() argument must be str, not ${typeNameOf(t, string)}`);
  const n = strLength(t, string);
  const out: number[] = [];
  let invalid = -1;
  for (let i = 0; i < n; i++) {
    if (strCodePointAt(t, string, i) >= 128) {
      invalid = i;
      break;
    }
  }
  for (let i = 0; invalid < 0 && i < n; ) {
    if (isSpace(strCodePointAt(t, string, i))) {
      while (i < n && isSpace(strCodePointAt(t, string, i))) i++;
      if (i >= n) break;
    }
    const top = hexValue(strCodePointAt(t, string, i));
    if (top >= 16) {
      invalid = i;
      break;
    }
    i++;
    const bot = i < n ? hexValue(strCodePointAt(t, string, i)) : 37;
    if (bot >= 16) {
      invalid = i;
      break;
    }
    i++;
    out.push((top << 4) + bot);
  }
  if (invalid >= 0) return errRaise(t, StaticType.ValueError, `non-hexadecimal number found in fromhex() arg at position ${invalid}`);
  if (cls === t.types[StaticType.ByteArray]) return byteArrayFromHeapArray(t, out);
  const bytes = bytesAlloc(t, out.length);
  if (bytes === 0) return 0;
  t.u8.set(out, bytes + BYTES_DATA_OFFSET); // SAFETY: not published yet
  if (cls === t.types[StaticType.Bytes]) return bytes;
  const r = callOneArg(t, cls, bytes);
  decref(t.rc, bytes);
  return r;
}

/** A new bytearray of `data`. */
function byteArrayFromHeapArray(t: ObThread, data: number[]): number {
  const op = byteArrayNewSized(t, data.length);
  if (op !== 0 && data.length > 0) t.u8.set(data, byteArrayStartOf(t, op));
  return op;
}

// --- decode -----------------------------------------------------------------------------------------------

/**
 * A memoryview's bytes for `PyUnicode_FromEncodedObject`, which asks for a
 * plain buffer: a strided view gives TypeError "decoding to str: need a
 * bytes-like object, memoryview found", as CPython's.
 */
function memoryViewSnapshot(t: ObThread, mv: number): number {
  const view = objectGetBuffer(t, mv, PYBUF_SIMPLE);
  if (view === null) {
    errClear(t);
    return errRaise(t, StaticType.TypeError, `decoding to str: need a bytes-like object, ${typeNameOf(t, mv)} found`);
  }
  const snapshot = bytesFromHeap(t, view.buf, view.len);
  bufferRelease(t, view);
  return snapshot;
}

/**
 * `bytes.decode(encoding='utf-8', errors='strict')` (and bytearray's;
 * codecs.ts): a new str, or 0 with LookupError, UnicodeDecodeError (its
 * `object` a bytes of the input: the receiver, or a snapshot of a
 * bytearray) or TypeError.
 * @public
 */
export function bytesDecode(t: ObThread, self: number, encoding = 'utf-8', errors = 'strict'): number {
  const isByteArray = byteArrayCheck(t, self);
  if (bytesCheckExact(t, self) || (!isByteArray && !memoryViewCheck(t, self))) {
    const data = self + BYTES_DATA_OFFSET;
    return unicodeDecode(t, t.u8.subarray(data, data + bytesSize(t, self)), encoding, errors, self);
  }
  // A bytearray or a memoryview (`str(mv, 'utf-8')`): decoded from a snapshot (a bytes, which an error reports as its object).
  const snapshot = isByteArray ? withSelf(t, self, (addr, len) => bytesFromHeap(t, addr, len)) : memoryViewSnapshot(t, self);
  if (snapshot === 0) return 0;
  const data = snapshot + BYTES_DATA_OFFSET;
  const r = unicodeDecode(t, t.u8.subarray(data, data + bytesSize(t, snapshot)), encoding, errors, snapshot);
  decref(t.rc, snapshot);
  return r;
}
