/**
 * `str` (`Objects/unicodeobject.c`), the part the containers and the type
 * machinery need: creation from JavaScript text in PEP 393's compact
 * layout (the narrowest kind that holds every code point), the cached
 * hash, equality and ordering by code points, and `repr`.
 *
 * A str is immutable once published; only its cached hash is written
 * later, by whichever thread computes it first, with `Atomics` (CPython:
 * relaxed) — every thread computes the same value, so the race is benign.
 * The hash is 32-bit (layout.ts): SipHash-1-3 with the runtime's key, as
 * CPython's, cut to its low half.
 */

import { allocObject, OB_TYPE_OFFSET } from '@ft/refcount';
import { errNoMemory } from './errors.js';
import { STR_ASCII_OFFSET, STR_DATA_OFFSET, STR_HASH_OFFSET, STR_KIND_OFFSET, STR_LENGTH_OFFSET, StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { siphash13 } from './siphash.js';
import { strCodePointAt } from './str-read.js';

/** Code points a str may hold (its data must fit a block of the heap). @public */
export const STR_MAX_LENGTH = 2 ** 28;

/**
 * A new, empty str of `length` code points of `kind` bytes, to be filled
 * before it is published; 0 with MemoryError when it cannot be allocated.
 * @internal
 */
export function strAlloc(t: ObThread, length: number, kind: number, ascii: boolean): number {
  if (length > STR_MAX_LENGTH) return errNoMemory(t);
  const op = allocObject(t.rc, t.types[StaticType.Str]!, (length + 1) * kind);
  if (op === 0) return errNoMemory(t);
  const u32 = t.u32;
  // SAFETY: not published yet.
  u32[(op + STR_LENGTH_OFFSET) >>> 2] = length;
  t.i32[(op + STR_HASH_OFFSET) >>> 2] = -1;
  t.u8[op + STR_KIND_OFFSET] = kind;
  t.u8[op + STR_ASCII_OFFSET] = ascii ? 1 : 0;
  return op;
}

/** `PyUnicode_FromString`: a new str holding `text` (UTF-16 in, code points stored), or 0 with MemoryError. @public */
export function strFromJs(t: ObThread, text: string): number {
  const units = text.length;
  if (units === 0 && t.emptyStr !== 0) return t.emptyStr; // immortal
  let max = 0;
  let length = 0;
  for (let i = 0; i < units; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (c > max) max = c;
    length++;
  }
  const kind = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
  const op = strAlloc(t, length, kind, max < 0x80);
  if (op === 0) return 0;
  const data = op + STR_DATA_OFFSET;
  // SAFETY: not published yet.
  if (kind === 1) {
    const u8 = t.u8;
    for (let i = 0; i < units; i++) u8[data + i] = text.charCodeAt(i);
  } else if (kind === 2) {
    const u16 = t.u16;
    const first = data >>> 1;
    for (let i = 0; i < units; i++) u16[first + i] = text.charCodeAt(i);
  } else {
    const u32 = t.u32;
    const first = data >>> 2;
    let k = 0;
    for (let i = 0; i < units; i++) {
      const c = text.codePointAt(i)!;
      if (c > 0xffff) i++;
      u32[first + k++] = c;
    }
  }
  return op;
}

/** Whether `op` is an exact str (`PyUnicode_CheckExact`). @public */
export function strCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Str];
}

/**
 * `unicode_hash`: the cached hash, computed on first use — SipHash-1-3 of
 * the PEP 393 data with the runtime's key (`_Py_HashBytes`; the empty str
 * hashes to 0; never -1).
 * @public
 */
export function strHash(t: ObThread, op: number): number {
  const i32 = t.i32;
  const index = (op + STR_HASH_OFFSET) >>> 2;
  const cached = Atomics.load(i32, index);
  if (cached !== -1) return cached;
  // SAFETY: the length, kind and data are immutable once published.
  const length = t.u32[(op + STR_LENGTH_OFFSET) >>> 2]!;
  let h = length === 0 ? 0 : siphash13(t.u8, op + STR_DATA_OFFSET, length * t.u8[op + STR_KIND_OFFSET]!, t.hashKey);
  if (h === -1) h = -2;
  Atomics.store(i32, index, h); // CPython: relaxed; every thread computes the same value
  return h;
}

/** `unicode_eq` / `_PyUnicode_Equal`: same code points (both must be str). @public */
export function strEq(t: ObThread, a: number, b: number): boolean {
  if (a === b) return true;
  const u32 = t.u32;
  // SAFETY: immutable once published.
  const length = u32[(a + STR_LENGTH_OFFSET) >>> 2]!;
  if (u32[(b + STR_LENGTH_OFFSET) >>> 2] !== length) return false;
  const u8 = t.u8;
  const kind = u8[a + STR_KIND_OFFSET]!;
  if (u8[b + STR_KIND_OFFSET] !== kind) return false; // the kind is the narrowest: equal texts have equal kinds
  const ha = t.i32[(a + STR_HASH_OFFSET) >>> 2]!;
  const hb = t.i32[(b + STR_HASH_OFFSET) >>> 2]!;
  if (ha !== -1 && hb !== -1 && ha !== hb) return false;
  const bytes = length * kind;
  const da = a + STR_DATA_OFFSET;
  const db = b + STR_DATA_OFFSET;
  // Data starts 16-byte aligned: whole words first, then the tail bytes.
  const words = bytes >>> 2;
  const wa = da >>> 2;
  const wb = db >>> 2;
  for (let i = 0; i < words; i++) if (u32[wa + i] !== u32[wb + i]) return false;
  for (let i = words << 2; i < bytes; i++) if (u8[da + i] !== u8[db + i]) return false;
  return true;
}

/** `PyUnicode_Compare` for two str: negative, 0 or positive by code points. @public */
export function strCompare(t: ObThread, a: number, b: number): number {
  if (a === b) return 0;
  const la = t.u32[(a + STR_LENGTH_OFFSET) >>> 2]!;
  const lb = t.u32[(b + STR_LENGTH_OFFSET) >>> 2]!;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = strCodePointAt(t, a, i) - strCodePointAt(t, b, i);
    if (d !== 0) return d;
  }
  return la - lb;
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** `unicode_repr` as JavaScript text: quotes chosen as CPython chooses them, escapes for the unprintable. @public */
export function strReprJs(t: ObThread, op: number): string {
  const length = t.u32[(op + STR_LENGTH_OFFSET) >>> 2]!;
  let single = false;
  let double = false;
  for (let i = 0; i < length; i++) {
    const c = strCodePointAt(t, op, i);
    if (c === 0x27) single = true;
    else if (c === 0x22) double = true;
  }
  const quote = single && !double ? '"' : "'";
  let out = quote;
  for (let i = 0; i < length; i++) {
    const c = strCodePointAt(t, op, i);
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x7f) out += String.fromCharCode(c);
    else {
      const s = String.fromCodePoint(c);
      if (c !== 0x20 && NOT_PRINTABLE.test(s)) {
        out += c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : c < 0x10000 ? `\\u${c.toString(16).padStart(4, '0')}` : `\\U${c.toString(16).padStart(8, '0')}`;
      } else {
        out += s;
      }
    }
  }
  return out + quote;
}
