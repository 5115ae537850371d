/**
 * The layout methods bytes and bytearray share that bytes-methods.ts does
 * not have (`Objects/bytes_methods.c`, stringlib's `transmogrify.h`,
 * `partition.h`, `split.h`): `center`, `ljust`, `rjust`, `zfill`,
 * `expandtabs`, `partition`, `rpartition`, `splitlines`, `removeprefix`,
 * `removesuffix`, `maketrans`, `translate`, and bytearray's `reverse`.
 *
 * Each reads one snapshot of the receiver (a bytearray under its critical
 * section) into JavaScript, computes there and builds results of the
 * receiver's kind: a bytes for a bytes (an exact bytes left unchanged is
 * itself, as CPython's `return_self`), a new bytearray for a bytearray.
 * Bytes-like arguments are exported (buffer.ts) and copied before the
 * receiver is read, never while its section is held.
 */

import { decref, incref } from '@ft/refcount';
import { bufferRelease, objectGetBuffer, PYBUF_SIMPLE } from './buffer.js';
import { byteArrayCheck, byteArrayFromBytes, byteArrayRead } from './bytearray.js';
import { bytesCheckExact, bytesFromBytes, bytesSize } from './bytes.js';
import { errRaise, errRaiseInt } from './errors.js';
import { BYTES_DATA_OFFSET, StaticType, TPFLAGS_BYTES_SUBCLASS } from './layout.js';
import { listFromArray } from './list.js';
import type { ObThread } from './ob-thread.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleFromArray } from './tuple.js';

/** Whether the receiver is a bytearray (its results are new bytearrays). */
function mutable(t: ObThread, self: number): boolean {
  return !bytesCheckExact(t, self) && byteArrayCheck(t, self);
}

/** A copy of the receiver's bytes (a bytearray's read under its critical section). */
function snapshot(t: ObThread, self: number): Uint8Array {
  if (mutable(t, self)) return byteArrayRead(t, self, (addr, size) => t.u8.slice(addr, addr + size));
  const addr = self + BYTES_DATA_OFFSET;
  return t.u8.slice(addr, addr + bytesSize(t, self));
}

/** A new result of the receiver's kind holding `data`; 0 with MemoryError. */
function resultOf(t: ObThread, self: number, data: ArrayLike<number>): number {
  return mutable(t, self) ? byteArrayFromBytes(t, data) : bytesFromBytes(t, data);
}

/** `return_self`: an exact bytes receiver itself, else a new result holding `data` (the receiver's bytes). */
function unchanged(t: ObThread, self: number, data: Uint8Array): number {
  if (bytesCheckExact(t, self)) {
    incref(t.rc, self);
    return self;
  }
  return resultOf(t, self, data);
}

/** A copy of a bytes-like argument's bytes; null with TypeError "a bytes-like object is required, not 'str'". */
export function bytesLikeCopy(t: ObThread, op: number): Uint8Array | null {
  const view = objectGetBuffer(t, op, PYBUF_SIMPLE);
  if (view === null) return null;
  const data = t.u8.slice(view.buf, view.buf + view.len);
  bufferRelease(t, view);
  return data;
}

// --- padding ---------------------------------------------------------------------------------------

/** `pad(self, left, right, fill)`: the receiver with `left` and `right` fill bytes around it. */
function pad(t: ObThread, self: number, data: Uint8Array, left: number, right: number, fill: number): number {
  if (left < 0) left = 0;
  if (right < 0) right = 0;
  if (left === 0 && right === 0) return unchanged(t, self, data);
  const out = new Uint8Array(left + data.length + right);
  out.fill(fill, 0, left);
  out.set(data, left);
  out.fill(fill, left + data.length);
  return resultOf(t, self, out);
}

/** Which of the three padding methods. */
export type PadKind = 'center' | 'ljust' | 'rjust';

/**
 * `bytes.center(width, fillchar=b' ', /)`, `ljust`, `rjust` (stringlib's
 * `pad`): `fill` the byte of the checked `fillchar`; an exact bytes as
 * wide as `width` already is itself.
 * @public
 */
export function bytesPad(t: ObThread, self: number, kind: PadKind, width: number, fill = 0x20): number {
  const data = snapshot(t, self);
  if (data.length >= width) return unchanged(t, self, data);
  const marg = width - data.length;
  if (kind === 'ljust') return pad(t, self, data, 0, marg, fill);
  if (kind === 'rjust') return pad(t, self, data, marg, 0, fill);
  // `stringlib_center`: the odd byte goes left when both the margin and the width are odd.
  const left = (marg >> 1) + (marg & width & 1);
  return pad(t, self, data, left, marg - left, fill);
}

/**
 * The `c` converter of `fillchar` (a bytes or bytearray of one byte): the
 * byte, or -1 with TypeError "center() argument 2 must be a byte string of
 * length 1, not str".
 * @internal
 */
export function fillCharArg(t: ObThread, fname: string, op: number): number {
  if (typeHasFlag(t, typeOf(t, op), TPFLAGS_BYTES_SUBCLASS) || byteArrayCheck(t, op)) {
    const data = bytesLikeCopy(t, op);
    if (data === null) return -1;
    if (data.length === 1) return data[0]!;
  }
  return errRaiseInt(t, StaticType.TypeError, `${fname}() argument 2 must be a byte string of length 1, not ${typeNameOf(t, op)}`);
}

/** `bytes.zfill(width)`: zeros on the left, a leading sign moved in front of them. @public */
export function bytesZfill(t: ObThread, self: number, width: number): number {
  const data = snapshot(t, self);
  if (data.length >= width) return unchanged(t, self, data);
  const fill = width - data.length;
  const out = new Uint8Array(width);
  out.fill(0x30, 0, fill);
  out.set(data, fill);
  if (out[fill] === 0x2b || out[fill] === 0x2d) {
    out[0] = out[fill]!;
    out[fill] = 0x30;
  }
  return resultOf(t, self, out);
}

/** `bytes.expandtabs(tabsize=8)`: each tab replaced by spaces up to the next column multiple of `tabsize` (none when `tabsize` ≤ 0). @public */
export function bytesExpandtabs(t: ObThread, self: number, tabsize: number): number {
  const data = snapshot(t, self);
  const out: number[] = [];
  let column = 0;
  for (const c of data) {
    if (c === 0x09) {
      if (tabsize > 0) {
        const incr = tabsize - (column % tabsize);
        column += incr;
        for (let k = 0; k < incr; k++) out.push(0x20);
      }
    } else {
      column++;
      out.push(c);
      if (c === 0x0a || c === 0x0d) column = 0;
    }
  }
  return resultOf(t, self, out);
}

// --- partition, splitlines, affixes ----------------------------------------------------------------

/** The first (or, `fromEnd`, last) index of `needle` in `data`, or -1. */
function indexOf(data: Uint8Array, needle: Uint8Array, fromEnd: boolean): number {
  const last = data.length - needle.length;
  const matches = (i: number): boolean => {
    for (let k = 0; k < needle.length; k++) if (data[i + k] !== needle[k]) return false;
    return true;
  };
  if (fromEnd) {
    for (let i = last; i >= 0; i--) if (matches(i)) return i;
  } else {
    for (let i = 0; i <= last; i++) if (matches(i)) return i;
  }
  return -1;
}

/** A 3-tuple of new references `parts` (each released here); 0 when one is 0. */
function tupleOfThree(t: ObThread, parts: number[]): number {
  const r = parts.includes(0) ? 0 : tupleFromArray(t, parts);
  for (const p of parts) if (p !== 0) decref(t.rc, p);
  return r;
}

/**
 * `bytes.partition(sep)` / `rpartition(sep)` (stringlib's `partition`):
 * (before, sep, after) around the first (last) `sep`; not found, (self,
 * b'', b'') or (b'', b'', self). A bytes receiver puts the `sep` argument
 * itself in the middle, a bytearray a new bytearray of it. 0 with
 * TypeError "a bytes-like object is required, not 'str'" or ValueError
 * "empty separator".
 * @public
 */
export function bytesPartition(t: ObThread, self: number, sep: number, fromEnd: boolean): number {
  const needle = bytesLikeCopy(t, sep);
  if (needle === null) return 0;
  if (needle.length === 0) return errRaise(t, StaticType.ValueError, 'empty separator');
  const data = snapshot(t, self);
  const pos = indexOf(data, needle, fromEnd);
  const bytearray = mutable(t, self);
  const empty = (): number => resultOf(t, self, []);
  const whole = (): number => {
    if (bytearray) return resultOf(t, self, data);
    incref(t.rc, self);
    return self;
  };
  if (pos < 0) return tupleOfThree(t, fromEnd ? [empty(), empty(), whole()] : [whole(), empty(), empty()]);
  const middle = bytearray ? resultOf(t, self, needle) : (incref(t.rc, sep), sep);
  return tupleOfThree(t, [resultOf(t, self, data.subarray(0, pos)), middle, resultOf(t, self, data.subarray(pos + needle.length))]);
}

/**
 * `bytes.splitlines(keepends=False)`: the lines split at `\n`, `\r` and
 * `\r\n`, with their ends when `keepends`; an exact bytes without a line
 * break is its own one line.
 * @public
 */
export function bytesSplitlines(t: ObThread, self: number, keepends: boolean): number {
  const data = snapshot(t, self);
  const n = data.length;
  const pieces: number[] = [];
  const release = (): void => {
    for (const p of pieces) decref(t.rc, p);
  };
  let i = 0;
  while (i < n) {
    const start = i;
    while (i < n && data[i] !== 0x0a && data[i] !== 0x0d) i++;
    let eol = i;
    if (i < n) {
      i += data[i] === 0x0d && i + 1 < n && data[i + 1] === 0x0a ? 2 : 1;
      if (keepends) eol = i;
    }
    const piece = start === 0 && eol === n && bytesCheckExact(t, self) ? (incref(t.rc, self), self) : resultOf(t, self, data.subarray(start, eol));
    if (piece === 0) {
      release();
      return 0;
    }
    pieces.push(piece);
  }
  const list = listFromArray(t, pieces);
  release();
  return list;
}

/** `bytes.removeprefix(prefix)` / `removesuffix(suffix)`: without the affix when it is there; else unchanged. @public */
export function bytesRemoveAffix(t: ObThread, self: number, affix: number, suffix: boolean): number {
  const needle = bytesLikeCopy(t, affix);
  if (needle === null) return 0;
  const data = snapshot(t, self);
  const n = needle.length;
  if (n === 0 || n > data.length) return unchanged(t, self, data);
  const at = suffix ? data.length - n : 0;
  for (let k = 0; k < n; k++) if (data[at + k] !== needle[k]) return unchanged(t, self, data);
  return resultOf(t, self, suffix ? data.subarray(0, at) : data.subarray(n));
}

// --- maketrans, translate ---------------------------------------------------------------------------

/**
 * `bytes.maketrans(frm, to, /)` (a static method of bytes and bytearray;
 * always a bytes): the identity table of 256 bytes with `frm[i]` mapped to
 * `to[i]`. 0 with TypeError for a non-bytes-like argument or ValueError
 * "maketrans arguments must have same length".
 * @public
 */
export function bytesMakeTrans(t: ObThread, frm: number, to: number): number {
  const a = bytesLikeCopy(t, frm);
  if (a === null) return 0;
  const b = bytesLikeCopy(t, to);
  if (b === null) return 0;
  if (a.length !== b.length) return errRaise(t, StaticType.ValueError, 'maketrans arguments must have same length');
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) table[i] = i;
  for (let i = 0; i < a.length; i++) table[a[i]!] = b[i]!;
  return bytesFromBytes(t, table);
}

/**
 * `bytes.translate(table, /, delete=b'')`: each byte mapped through
 * `table` (None: unchanged; else bytes-like of exactly 256 bytes), those
 * in `delete` (0: none) dropped; an exact bytes left as it was is itself.
 * 0 with TypeError for a non-bytes-like argument or ValueError
 * "translation table must be 256 characters long".
 * @public
 */
export function bytesTranslate(t: ObThread, self: number, table: number, deleteChars: number): number {
  let map: Uint8Array | null = null;
  if (table !== t.none) {
    map = bytesLikeCopy(t, table);
    if (map === null) return 0;
    if (map.length !== 256) return errRaise(t, StaticType.ValueError, 'translation table must be 256 characters long');
  }
  let drop: Uint8Array | null = null;
  if (deleteChars !== 0) {
    const chars = bytesLikeCopy(t, deleteChars);
    if (chars === null) return 0;
    drop = new Uint8Array(256);
    for (const c of chars) drop[c] = 1;
  }
  const data = snapshot(t, self);
  const out: number[] = [];
  let changed = false;
  for (const c of data) {
    if (drop !== null && drop[c] === 1) {
      changed = true;
      continue;
    }
    const mapped = map === null ? c : map[c]!;
    if (mapped !== c) changed = true;
    out.push(mapped);
  }
  return changed ? resultOf(t, self, out) : unchanged(t, self, data);
}

/** `bytearray.reverse()`: the bytes reversed in place, under the bytearray's critical section. 0. @public */
export function byteArrayReverse(t: ObThread, self: number): number {
  byteArrayRead(t, self, (addr, size) => t.u8.subarray(addr, addr + size).reverse());
  return 0;
}
