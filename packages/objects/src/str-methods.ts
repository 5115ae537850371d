/**
 * The methods of `str` (`Objects/unicodeobject.c`, `Objects/stringlib/`):
 * `+`, `*`, `s[i]`, `s[a:b:c]`, `in`, `join`, `split`/`rsplit`/
 * `splitlines`, `replace`, `find`/`rfind`/`index`/`rindex`/`count`,
 * `startswith`/`endswith`, `strip`/`lstrip`/`rstrip`,
 * `partition`/`rpartition`, `center`/`ljust`/`rjust`, `zfill`,
 * `expandtabs`, and {@link strNew}, the builder every result goes
 * through. The case mappings and the `is…` predicates are in str-case.ts;
 * `format`, `%`-formatting and `encode` come later.
 *
 * The methods work on the code points in the heap: a str's data is read
 * through the heap's view of its kind (`u8`, `u16` or `u32` at the
 * data's index), with no JavaScript string in between, and every result
 * is made in the narrowest kind that holds its code points (PEP 393's
 * canonical form: `strEq` relies on equal texts having equal kinds).
 * Substring search is CPython's `default_find`/`default_rfind`
 * (`fastsearch.h`: the last character compared first, a 32-bit Bloom mask
 * of the needle to skip past characters it does not hold).
 *
 * Threads: a str is immutable once published, so its length, kind and
 * data are read plain by any thread holding a reference, and a result is
 * written plain before it is returned (not published yet) — the SAFETY of
 * every plain access below. `join` of a list reads the list's items under
 * its critical section (`Py_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST`), so
 * that the result is a snapshot.
 *
 * Non-object arguments are C's: bounds and counts are JavaScript integers
 * (`start`/`end` null for None), as `Py_ssize_t` after the VM's argument
 * parsing, which raises the TypeErrors and OverflowErrors of bad ints.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET } from '@ft/refcount';
import { objectGetIter } from './abstract.js';
import { errExceptionMatches, errRaise, errRaiseInt } from './errors.js';
import { LIST_ITEMS_OFFSET, LIST_SIZE_OFFSET, STR_ASCII_OFFSET, STR_DATA_OFFSET, STR_KIND_OFFSET, STR_LENGTH_OFFSET, StaticType, TPFLAGS_TUPLE_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS, TUPLE_ITEMS_OFFSET } from './layout.js';
import { listAppend, listCheckExact, listFromIterable, listNew } from './list.js';
import { sliceAdjustIndices, sliceUnpackCheck, type SliceIndices } from './list-slice.js';
import { adjustEnd, adjustStart, searchBackward, searchForward, type Units } from './fastsearch.js';
import type { ObThread } from './ob-thread.js';
import { strAlloc, strCheckExact } from './str.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleCheckExact, tupleGetItem, tupleNew, tupleSetItemInit, tupleSize } from './tuple.js';

/** A view of the heap by code units of one kind. */

/** `Py_ssize_t`'s largest value, as the size checks see it. */
const PY_SSIZE_T_MAX = 2n ** 63n - 1n;

// --- reading a str ------------------------------------------------------------------

/** Code points of a str (immutable once published). */
function lengthOf(t: ObThread, op: number): number {
  return t.u32[(op + STR_LENGTH_OFFSET) >>> 2]!; // SAFETY: immutable once published
}

/** Bytes per code point: 1, 2 or 4 (immutable once published). */
function kindOf(t: ObThread, op: number): number {
  return t.u8[op + STR_KIND_OFFSET]!; // SAFETY: immutable once published
}

/** The heap's view for code units of `kind` (1, 2 or 4). @internal */
export function unitsOf(t: ObThread, kind: number): Units {
  return kind === 1 ? t.u8 : kind === 2 ? t.u16 : t.u32;
}

/** Index of a str's first code point in the view of its kind (the data is 16-byte aligned). @internal */
export function firstOf(op: number, kind: number): number {
  return (op + STR_DATA_OFFSET) >>> (kind >>> 1);
}

/** `PyUnicode_MAX_CHAR_VALUE`: the largest code point the str's kind (and ASCII flag) allows. */
function maxCharOf(t: ObThread, op: number): number {
  const kind = kindOf(t, op);
  if (kind === 1) return t.u8[op + STR_ASCII_OFFSET] === 1 ? 0x7f : 0xff; // SAFETY: immutable once published
  return kind === 2 ? 0xffff : 0x10ffff;
}

/** `PyUnicode_Check`: a str or an instance of a subclass. @public */
export function strCheck(t: ObThread, op: number): boolean {
  return strCheckExact(t, op) || typeHasFlag(t, typeOf(t, op), TPFLAGS_UNICODE_SUBCLASS);
}

/**
 * `Py_UNICODE_ISSPACE(c)`: CPython's whitespace — `\t`…`\r`, `\x1c`…`\x1f`,
 * space, `\x85`, `\xa0` and the Unicode spaces (category Zs, bidirectional
 * WS, B or S), which is not JavaScript's `\s` (no `\ufeff`, but the
 * information separators and NEL). @public
 */
export function unicodeIsSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c >= 0x1c;
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** `Py_UNICODE_ISLINEBREAK(c)`: the line boundaries of `splitlines`. @public */
export function unicodeIsLinebreak(c: number): boolean {
  if (c <= 0x1e) return (c >= 0x0a && c <= 0x0d) || c >= 0x1c;
  return c === 0x85 || c === 0x2028 || c === 0x2029;
}

// --- building a str -----------------------------------------------------------------

/**
 * `PyUnicode_New(length, maxChar)`: a new str of `length` code points in
 * the narrowest kind that holds `maxChar` (ASCII when below 0x80), to be
 * filled before it is published; `''` (immortal) for 0; 0 with MemoryError.
 * `maxChar` must be the largest code point written: the kind is then
 * canonical. Fill it through the heap view of its kind, from the
 * index `(op + STR_DATA_OFFSET) / kind`.
 * @public
 */
export function strNew(t: ObThread, length: number, maxChar: number): number {
  if (length === 0 && t.emptyStr !== 0) return t.emptyStr;
  return strAlloc(t, length, maxChar < 0x100 ? 1 : maxChar < 0x10000 ? 2 : 4, maxChar < 0x80);
}

/**
 * `PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, …)`: a new str of the
 * code points `codePoints[start:end]`, in the narrowest kind; 0 with
 * ValueError for a value that is not a code point, or MemoryError.
 * @public
 */
export function strFromCodePoints(t: ObThread, codePoints: ArrayLike<number>, start = 0, end = codePoints.length): number {
  let max = 0;
  for (let i = start; i < end; i++) {
    const c = codePoints[i]!;
    if (!(c >= 0 && c <= 0x10ffff && c === Math.floor(c))) return errRaise(t, StaticType.ValueError, `character U+${c.toString(16)} is not in range [U+0000; U+10ffff]`);
    if (c > max) max = c;
  }
  const op = strNew(t, end - start, max);
  if (op === 0) return 0;
  const kind = kindOf(t, op);
  const to = unitsOf(t, kind);
  const first = firstOf(op, kind);
  for (let i = start; i < end; i++) to[first + i - start] = codePoints[i]!; // SAFETY: not published yet
  return op;
}

/** Copies `n` code points between views (`from` and `to` are indices in the views of their kinds); a narrower target must hold them. */
function copyUnits(t: ObThread, toKind: number, to: number, fromKind: number, from: number, n: number): void {
  if (toKind === fromKind && n > 16) {
    // A native copy pays for its call only past a few code points.
    t.u8.copyWithin(to * toKind, from * fromKind, (from + n) * fromKind);
    return;
  }
  const dst = unitsOf(t, toKind);
  const src = unitsOf(t, fromKind);
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
}

/** The largest code point in `units[from:to]`, or the first at or above `top` (enough to choose the kind). */
function rangeMax(units: Units, from: number, to: number, top: number): number {
  let max = 0;
  for (let i = from; i < to; i++) {
    const c = units[i]!;
    if (c > max) {
      max = c;
      if (c >= top) break;
    }
  }
  return max;
}

/** The class bound {@link rangeMax} needs for a str of `kind`: the narrower kinds' limit. */
function topOf(kind: number): number {
  return kind === 1 ? 0x80 : kind === 2 ? 0x100 : 0x10000;
}

/**
 * `PyUnicode_Substring` with checked bounds (`0 <= start <= end <= len`):
 * `s` itself when the range is all of an exact str, else a new str in the
 * narrowest kind for its code points.
 */
function substring(t: ObThread, s: number, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return t.emptyStr;
  if (n === lengthOf(t, s) && strCheckExact(t, s)) {
    incref(t.rc, s);
    return s;
  }
  const kind = kindOf(t, s);
  const first = firstOf(s, kind) + start;
  const max = t.u8[s + STR_ASCII_OFFSET] === 1 ? 0x7f : rangeMax(unitsOf(t, kind), first, first + n, topOf(kind)); // SAFETY: immutable once published
  const res = strNew(t, n, max);
  if (res === 0) return 0;
  const rk = kindOf(t, res);
  copyUnits(t, rk, firstOf(res, rk), kind, first, n); // SAFETY: res not published yet
  return res;
}

/**
 * `PyUnicode_Substring(s, start, end)`: `s[start:end]` for `0 <= start`,
 * `0 <= end` (end clamped to the length): a new str in the narrowest kind,
 * `s` itself for all of an exact str; 0 with IndexError "string index out
 * of range" for a negative bound.
 * @public
 */
export function strSubstring(t: ObThread, s: number, start: number, end: number): number {
  if (start < 0 || end < 0) return errRaise(t, StaticType.IndexError, 'string index out of range');
  const length = lengthOf(t, s);
  if (end > length) end = length;
  return substring(t, s, start < end ? start : end, end);
}

/** `unicode_result_unchanged`: `s` itself when exact, else an exact copy. */
function unchanged(t: ObThread, s: number): number {
  return substring(t, s, 0, lengthOf(t, s));
}

/** `unicode_str` / `unicode_result_unchanged`: a new reference to `s` when it is an exact str, else an exact copy of a subclass's instance; 0 with MemoryError. @internal */
export function strExact(t: ObThread, s: number): number {
  return unchanged(t, s);
}

/** A new one-code-point str. */
function charStr(t: ObThread, c: number): number {
  const res = strNew(t, 1, c);
  if (res === 0) return 0;
  const kind = kindOf(t, res);
  unitsOf(t, kind)[firstOf(res, kind)] = c; // SAFETY: not published yet
  return res;
}

// --- searching ----------------------------------------------------------------------

/** `any_find_slice`: the index of `sub` in `s[start:end]` (the first, or the last when `!forward`), or -1. Both are str. */
function findSlice(t: ObThread, s: number, sub: number, start: number | null, end: number | null, forward: boolean): number {
  const len1 = lengthOf(t, s);
  const len2 = lengthOf(t, sub);
  const from = adjustStart(len1, start);
  const to = adjustEnd(len1, end);
  if (to - from < len2) return -1;
  if (len2 === 0) return forward ? from : to;
  const k1 = kindOf(t, s);
  const k2 = kindOf(t, sub);
  if (k1 < k2) return -1; // sub holds a code point too wide for s
  const first = firstOf(s, k1);
  const h = unitsOf(t, k1);
  const i = forward ? searchForward(h, first + from, first + to, unitsOf(t, k2), firstOf(sub, k2), len2, 0) : searchBackward(h, first + from, first + to, unitsOf(t, k2), firstOf(sub, k2), len2);
  return i < 0 ? -1 : i - first;
}

/** The argument-clinic TypeError "find() argument 1 must be str, not int" (0/-1 as the caller needs, via errRaise). */
function mustBeStr(t: ObThread, name: string, position: number, op: number): 0 {
  return errRaise(t, StaticType.TypeError, `${name}() argument ${position} must be str, not ${op === t.none ? 'None' : typeNameOf(t, op)}`);
}

/**
 * `str.find(sub[, start[, end]])` (`PyUnicode_Find` forwards): the
 * lowest index of `sub` in `s[start:end]` (CPython's bounds:
 * negatives from the end, null for None; an empty `sub` is found at
 * `start` unless `start` is past the end), -1 when absent, or -2 with
 * TypeError "find() argument 1 must be str, not int".
 * @public
 */
export function strFind(t: ObThread, s: number, sub: number, start: number | null = null, end: number | null = null): number {
  if (!strCheck(t, sub)) return mustBeStr(t, 'find', 1, sub) - 2;
  return findSlice(t, s, sub, start, end, true);
}

/** `str.rfind(sub[, start[, end]])`: as {@link strFind}, the highest index (an empty `sub` at `end`). @public */
export function strRfind(t: ObThread, s: number, sub: number, start: number | null = null, end: number | null = null): number {
  if (!strCheck(t, sub)) return mustBeStr(t, 'rfind', 1, sub) - 2;
  return findSlice(t, s, sub, start, end, false);
}

/** `str.index(sub[, start[, end]])`: as {@link strFind}, or -1 with ValueError "substring not found" (or the TypeError). @public */
export function strIndex(t: ObThread, s: number, sub: number, start: number | null = null, end: number | null = null): number {
  if (!strCheck(t, sub)) return mustBeStr(t, 'index', 1, sub) - 1;
  const i = findSlice(t, s, sub, start, end, true);
  return i < 0 ? errRaiseInt(t, StaticType.ValueError, 'substring not found') : i;
}

/** `str.rindex(sub[, start[, end]])`: as {@link strRfind}, or -1 with ValueError "substring not found" (or the TypeError). @public */
export function strRindex(t: ObThread, s: number, sub: number, start: number | null = null, end: number | null = null): number {
  if (!strCheck(t, sub)) return mustBeStr(t, 'rindex', 1, sub) - 1;
  const i = findSlice(t, s, sub, start, end, false);
  return i < 0 ? errRaiseInt(t, StaticType.ValueError, 'substring not found') : i;
}

/**
 * `str.count(sub[, start[, end]])` (`PyUnicode_Count`): the number of
 * non-overlapping occurrences of `sub` in `s[start:end]` (an empty `sub`:
 * one more than the slice's length), or -1 with TypeError "count()
 * argument 1 must be str, not int".
 * @public
 */
export function strCount(t: ObThread, s: number, sub: number, start: number | null = null, end: number | null = null): number {
  if (!strCheck(t, sub)) return mustBeStr(t, 'count', 1, sub) - 1;
  const len1 = lengthOf(t, s);
  const len2 = lengthOf(t, sub);
  const from = adjustStart(len1, start);
  const to = adjustEnd(len1, end);
  if (to - from < len2) return 0;
  if (len2 === 0) return to - from + 1;
  const k1 = kindOf(t, s);
  const k2 = kindOf(t, sub);
  if (k1 < k2) return 0;
  const first = firstOf(s, k1);
  return searchForward(unitsOf(t, k1), first + from, first + to, unitsOf(t, k2), firstOf(sub, k2), len2, Number.MAX_SAFE_INTEGER);
}

/**
 * `PySequence_Contains(s, sub)` for a str (`PyUnicode_Contains`): 1 when
 * `sub` occurs in `s`, 0 when not, -1 with TypeError "'in <string>'
 * requires string as left operand, not int".
 * @public
 */
export function strContains(t: ObThread, s: number, sub: number): number {
  if (!strCheck(t, sub)) return errRaiseInt(t, StaticType.TypeError, `'in <string>' requires string as left operand, not ${typeNameOf(t, sub)}`);
  return findSlice(t, s, sub, null, null, true) >= 0 ? 1 : 0;
}

/** `tailmatch`: whether `s[start:end]` starts (`!atEnd`) or ends (`atEnd`) with the str `sub`. */
function tailMatch(t: ObThread, s: number, sub: number, start: number | null, end: number | null, atEnd: boolean): boolean {
  const len1 = lengthOf(t, s);
  const len2 = lengthOf(t, sub);
  const from = adjustStart(len1, start);
  const to = adjustEnd(len1, end) - len2;
  if (to < from) return false;
  if (len2 === 0) return true;
  const k1 = kindOf(t, s);
  const k2 = kindOf(t, sub);
  const h = unitsOf(t, k1);
  const n = unitsOf(t, k2);
  const at = firstOf(s, k1) + (atEnd ? to : from);
  const nf = firstOf(sub, k2);
  for (let i = 0; i < len2; i++) if (h[at + i] !== n[nf + i]) return false;
  return true;
}

/** `unicode_startswith`/`unicode_endswith`: `prefix` a str or a tuple of str (the first match wins, before a later bad item is seen). */
function startsOrEnds(t: ObThread, s: number, prefix: number, start: number | null, end: number | null, atEnd: boolean): number {
  const name = atEnd ? 'endswith' : 'startswith';
  if (tupleCheckExact(t, prefix) || (!strCheck(t, prefix) && typeHasFlag(t, typeOf(t, prefix), TPFLAGS_TUPLE_SUBCLASS))) {
    const n = tupleSize(t, prefix);
    for (let i = 0; i < n; i++) {
      const item = tupleGetItem(t, prefix, i);
      if (!strCheck(t, item)) return errRaiseInt(t, StaticType.TypeError, `tuple for ${name} must only contain str, not ${typeNameOf(t, item).slice(0, 100)}`);
      if (tailMatch(t, s, item, start, end, atEnd)) return 1;
    }
    return 0;
  }
  if (!strCheck(t, prefix)) return errRaiseInt(t, StaticType.TypeError, `${name} first arg must be str or a tuple of str, not ${typeNameOf(t, prefix).slice(0, 100)}`);
  return tailMatch(t, s, prefix, start, end, atEnd) ? 1 : 0;
}

/**
 * `str.startswith(prefix[, start[, end]])`: 1 when `s[start:end]` starts
 * with `prefix` (a str, or a tuple of str: any of them), 0 when not, -1
 * with TypeError "startswith first arg must be str or a tuple of str, not
 * int" / "tuple for startswith must only contain str, not int".
 * @public
 */
export function strStartsWith(t: ObThread, s: number, prefix: number, start: number | null = null, end: number | null = null): number {
  return startsOrEnds(t, s, prefix, start, end, false);
}

/** `str.endswith(suffix[, start[, end]])`: as {@link strStartsWith}, at the end of the slice. @public */
export function strEndsWith(t: ObThread, s: number, suffix: number, start: number | null = null, end: number | null = null): number {
  return startsOrEnds(t, s, suffix, start, end, true);
}

// --- operators ----------------------------------------------------------------------

/**
 * `a + b` (`PyUnicode_Concat`): a new str, the operand itself when the
 * other is empty (an exact copy for a subclass), or 0 with TypeError "can
 * only concatenate str (not "int") to str" or MemoryError.
 * @public
 */
export function strConcat(t: ObThread, a: number, b: number): number {
  if (!strCheck(t, b)) return errRaise(t, StaticType.TypeError, `can only concatenate str (not "${typeNameOf(t, b).slice(0, 200)}") to str`);
  const la = lengthOf(t, a);
  const lb = lengthOf(t, b);
  if (la === 0) return unchanged(t, b);
  if (lb === 0) return unchanged(t, a);
  const ma = maxCharOf(t, a);
  const mb = maxCharOf(t, b);
  const res = strNew(t, la + lb, ma > mb ? ma : mb);
  if (res === 0) return 0;
  const rk = kindOf(t, res);
  const to = firstOf(res, rk);
  // SAFETY: res not published yet.
  copyUnits(t, rk, to, kindOf(t, a), firstOf(a, kindOf(t, a)), la);
  copyUnits(t, rk, to + la, kindOf(t, b), firstOf(b, kindOf(t, b)), lb);
  return res;
}

/**
 * `s * n` (`unicode_repeat`, the `sq_repeat` slot): a new str, `''` for
 * `n <= 0`, `s` itself for 1; 0 with OverflowError "repeated string is
 * too long" when the length would pass `Py_ssize_t` (`'ab' * 2**62`), or
 * MemoryError when it cannot be allocated (`'a' * 2**40`).
 * @public
 */
export function strRepeat(t: ObThread, s: number, n: number): number {
  if (n !== Math.floor(n)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  if (n < 1) return t.emptyStr;
  if (n === 1) return unchanged(t, s);
  const length = lengthOf(t, s);
  if (length === 0) return t.emptyStr;
  if (length * n > 2 ** 53 && BigInt(length) > PY_SSIZE_T_MAX / BigInt(n)) return errRaise(t, StaticType.OverflowError, 'repeated string is too long');
  const res = strNew(t, length * n, maxCharOf(t, s));
  if (res === 0) return 0;
  const kind = kindOf(t, s);
  const to = firstOf(res, kind) * kind;
  const out = length * n * kind;
  // SAFETY: res not published yet; doubling copies as `_PyBytes_Repeat`.
  t.u8.copyWithin(to, firstOf(s, kind) * kind, (firstOf(s, kind) + length) * kind);
  for (let done = length * kind; done < out; done *= 2) t.u8.copyWithin(to + done, to, to + Math.min(done, out - done));
  return res;
}

/**
 * `s[i]` (`unicode_getitem` after `PySequence_GetItem`'s adjustment): the
 * one-code-point str at `i` (negative from the end), or 0 with IndexError
 * "string index out of range".
 * @public
 */
export function strGetItem(t: ObThread, s: number, i: number): number {
  const length = lengthOf(t, s);
  if (i < 0) i += length;
  if (!(i >= 0 && i < length)) return errRaise(t, StaticType.IndexError, 'string index out of range');
  const kind = kindOf(t, s);
  return charStr(t, unitsOf(t, kind)[firstOf(s, kind) + i]!);
}

/** This thread's bounds scratch (module scope is per thread); read into locals before anything allocates. */
const sliceScratch: SliceIndices = { start: 0, stop: 0, step: 0 };

/**
 * `s[start:stop:step]` (`unicode_subscript` with a slice): a new str in
 * the narrowest kind, `s` itself for the whole of an exact str; null
 * bounds are None. 0 with ValueError "slice step cannot be zero".
 * @public
 */
export function strGetSlice(t: ObThread, s: number, start: number | null, stop: number | null, step: number | null = null): number {
  if (sliceUnpackCheck(t, start, stop, step) < 0) return 0;
  const n = sliceAdjustIndices(lengthOf(t, s), start, stop, step, sliceScratch);
  const from = sliceScratch.start;
  const by = sliceScratch.step;
  if (by === 1) return substring(t, s, from, from + n);
  if (n <= 0) return t.emptyStr;
  const kind = kindOf(t, s);
  const src = unitsOf(t, kind);
  const first = firstOf(s, kind) + from;
  let max = 0;
  if (t.u8[s + STR_ASCII_OFFSET] === 1) {
    max = 0x7f;
  } else {
    const top = topOf(kind);
    for (let k = 0, i = first; k < n; k++, i += by) {
      const c = src[i]!;
      if (c > max) {
        max = c;
        if (c >= top) break;
      }
    }
  }
  const res = strNew(t, n, max);
  if (res === 0) return 0;
  const rk = kindOf(t, res);
  const dst = unitsOf(t, rk);
  const to = firstOf(res, rk);
  for (let k = 0, i = first; k < n; k++, i += by) dst[to + k] = src[i]!; // SAFETY: res not published yet
  return res;
}

// --- join ---------------------------------------------------------------------------

/** `_PyUnicode_JoinArray`: the strs `u32[items:items+n]` joined by `sep`; a new reference or 0 with TypeError or MemoryError. */
function joinArray(t: ObThread, sep: number, items: number, n: number): number {
  const u32 = t.u32;
  if (n === 0) return t.emptyStr;
  if (n === 1) {
    const only = u32[items]!;
    if (strCheckExact(t, only)) {
      incref(t.rc, only);
      return only;
    }
  }
  const sepLength = n > 1 ? lengthOf(t, sep) : 0;
  let max = n > 1 && sepLength > 0 ? maxCharOf(t, sep) : 0;
  let size = sepLength * (n - 1);
  for (let i = 0; i < n; i++) {
    const item = u32[items + i]!;
    if (!strCheck(t, item)) return errRaise(t, StaticType.TypeError, `sequence item ${i}: expected str instance, ${typeNameOf(t, item).slice(0, 80)} found`);
    size += lengthOf(t, item);
    const m = maxCharOf(t, item);
    if (m > max) max = m;
  }
  const res = strNew(t, size, max);
  if (res === 0 || size === 0) return res;
  const rk = kindOf(t, res);
  let to = firstOf(res, rk);
  const sepKind = kindOf(t, sep);
  const sepFirst = firstOf(sep, sepKind);
  // SAFETY: res not published yet.
  for (let i = 0; i < n; i++) {
    if (i > 0 && sepLength > 0) {
      copyUnits(t, rk, to, sepKind, sepFirst, sepLength);
      to += sepLength;
    }
    const item = u32[items + i]!;
    const length = lengthOf(t, item);
    const kind = kindOf(t, item);
    copyUnits(t, rk, to, kind, firstOf(item, kind), length);
    to += length;
  }
  return res;
}

/**
 * `sep.join(iterable)` (`PyUnicode_Join`): the strs of `iterable` joined
 * by `sep`; a list is read under its critical section (an atomic
 * snapshot), a tuple directly, anything else through `list(iterable)`
 * first. A one-item sequence of an exact str gives that str. 0 with
 * TypeError "can only join an iterable", "sequence item 1: expected str
 * instance, int found", or MemoryError.
 * @public
 */
export function strJoin(t: ObThread, sep: number, iterable: number): number {
  const u32 = t.u32;
  if (listCheckExact(t, iterable)) {
    const heap = t.heap;
    criticalSectionBegin(heap, iterable + OB_MUTEX_OFFSET);
    // SAFETY: the list's size and items are read under its critical section.
    const size = t.i32[(iterable + LIST_SIZE_OFFSET) >>> 2]!;
    const res = joinArray(t, sep, size === 0 ? 0 : u32[(iterable + LIST_ITEMS_OFFSET) >>> 2]! >>> 2, size);
    criticalSectionEnd(heap);
    return res;
  }
  if (tupleCheckExact(t, iterable)) return joinArray(t, sep, (iterable + TUPLE_ITEMS_OFFSET) >>> 2, tupleSize(t, iterable));
  const it = objectGetIter(t, iterable);
  if (it === 0) {
    if (errExceptionMatches(t, t.types[StaticType.TypeError]!)) errRaise(t, StaticType.TypeError, 'can only join an iterable');
    return 0;
  }
  const list = listFromIterable(t, it);
  decref(t.rc, it);
  if (list === 0) return 0;
  const size = t.i32[(list + LIST_SIZE_OFFSET) >>> 2]!; // SAFETY: the list is this call's own
  const res = joinArray(t, sep, size === 0 ? 0 : u32[(list + LIST_ITEMS_OFFSET) >>> 2]! >>> 2, size);
  decref(t.rc, list);
  return res;
}

// --- split --------------------------------------------------------------------------

/** Appends `s[start:end]` to `list`: 0, or -1 with MemoryError. */
function appendSubstring(t: ObThread, list: number, s: number, start: number, end: number): number {
  const item = substring(t, s, start, end);
  if (item === 0) return -1;
  const r = listAppend(t, list, item);
  decref(t.rc, item);
  return r;
}

/** Reverses a list this call owns (rsplit builds its pieces right to left, as CPython's `rsplit` does). */
function reverseOwnList(t: ObThread, list: number): void {
  const u32 = t.u32;
  // SAFETY: the list is the caller's own, not published yet.
  const n = t.i32[(list + LIST_SIZE_OFFSET) >>> 2]!;
  if (n < 2) return;
  const items = u32[(list + LIST_ITEMS_OFFSET) >>> 2]! >>> 2;
  for (let i = 0, j = n - 1; i < j; i++, j--) {
    const x = u32[items + i]!;
    u32[items + i] = u32[items + j]!;
    u32[items + j] = x;
  }
}

/** The separator argument of split/rsplit: -1 with TypeError "must be str or None, not int" or ValueError "empty separator"; 0 for whitespace; 1 for a str. */
function splitSeparator(t: ObThread, sep: number): number {
  if (sep === 0 || sep === t.none) return 0;
  if (!strCheck(t, sep)) return errRaiseInt(t, StaticType.TypeError, `must be str or None, not ${typeNameOf(t, sep).slice(0, 100)}`);
  return 1;
}

/** The list `[s]` (`split`'s answer when the separator cannot occur: wider or longer than `s`). */
function listOfSelf(t: ObThread, s: number): number {
  const list = listNew(t, 0);
  if (list === 0) return 0;
  if (listAppend(t, list, s) < 0) {
    decref(t.rc, list);
    return 0;
  }
  return list;
}

/**
 * `str.split(sep=None, maxsplit=-1)` (`PyUnicode_Split`): a new list of
 * the pieces of `s` between occurrences of `sep` (a str), or, when `sep`
 * is 0 or None, between runs of CPython's whitespace
 * ({@link unicodeIsSpace}) with empty pieces dropped; at most `maxsplit`
 * splits (negative: no limit). 0 with TypeError "must be str or None, not
 * int", ValueError "empty separator", or MemoryError.
 * @public
 */
export function strSplit(t: ObThread, s: number, sep = 0, maxsplit = -1): number {
  const mode = splitSeparator(t, sep);
  if (mode < 0) return 0;
  let left = maxsplit < 0 ? Infinity : maxsplit;
  const length = lengthOf(t, s);
  const kind = kindOf(t, s);
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  if (mode === 1) {
    const sepLength = lengthOf(t, sep);
    const sepKind = kindOf(t, sep);
    if (kind < sepKind || length < sepLength) return listOfSelf(t, s);
    if (sepLength === 0) return errRaise(t, StaticType.ValueError, 'empty separator');
    const list = listNew(t, 0);
    if (list === 0) return 0;
    const n = unitsOf(t, sepKind);
    const nf = firstOf(sep, sepKind);
    let i = 0;
    while (left-- > 0) {
      const pos = searchForward(h, first + i, first + length, n, nf, sepLength, 0);
      if (pos < 0) break;
      if (appendSubstring(t, list, s, i, pos - first) < 0) return failList(t, list);
      i = pos - first + sepLength;
    }
    if (appendSubstring(t, list, s, i, length) < 0) return failList(t, list);
    return list;
  }
  const list = listNew(t, 0);
  if (list === 0) return 0;
  let i = 0;
  while (left-- > 0) {
    while (i < length && unicodeIsSpace(h[first + i]!)) i++;
    if (i === length) break;
    const j = i++;
    while (i < length && !unicodeIsSpace(h[first + i]!)) i++;
    if (appendSubstring(t, list, s, j, i) < 0) return failList(t, list);
  }
  if (i < length) {
    // maxsplit reached: the rest, leading whitespace skipped, is the last piece.
    while (i < length && unicodeIsSpace(h[first + i]!)) i++;
    if (i !== length && appendSubstring(t, list, s, i, length) < 0) return failList(t, list);
  }
  return list;
}

/** Releases a list being built and returns 0 (its error is set). */
function failList(t: ObThread, list: number): 0 {
  decref(t.rc, list);
  return 0;
}

/**
 * `str.rsplit(sep=None, maxsplit=-1)` (`PyUnicode_RSplit`): as
 * {@link strSplit}, the splits counted from the right.
 * @public
 */
export function strRsplit(t: ObThread, s: number, sep = 0, maxsplit = -1): number {
  const mode = splitSeparator(t, sep);
  if (mode < 0) return 0;
  let left = maxsplit < 0 ? Infinity : maxsplit;
  const length = lengthOf(t, s);
  const kind = kindOf(t, s);
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  if (mode === 1) {
    const sepLength = lengthOf(t, sep);
    const sepKind = kindOf(t, sep);
    if (kind < sepKind || length < sepLength) return listOfSelf(t, s);
    if (sepLength === 0) return errRaise(t, StaticType.ValueError, 'empty separator');
    const list = listNew(t, 0);
    if (list === 0) return 0;
    const n = unitsOf(t, sepKind);
    const nf = firstOf(sep, sepKind);
    let j = length;
    while (left-- > 0) {
      const pos = searchBackward(h, first, first + j, n, nf, sepLength);
      if (pos < 0) break;
      if (appendSubstring(t, list, s, pos - first + sepLength, j) < 0) return failList(t, list);
      j = pos - first;
    }
    if (appendSubstring(t, list, s, 0, j) < 0) return failList(t, list);
    reverseOwnList(t, list);
    return list;
  }
  const list = listNew(t, 0);
  if (list === 0) return 0;
  let i = length - 1;
  while (left-- > 0) {
    while (i >= 0 && unicodeIsSpace(h[first + i]!)) i--;
    if (i < 0) break;
    const j = i--;
    while (i >= 0 && !unicodeIsSpace(h[first + i]!)) i--;
    if (appendSubstring(t, list, s, i + 1, j + 1) < 0) return failList(t, list);
  }
  if (i >= 0) {
    while (i >= 0 && unicodeIsSpace(h[first + i]!)) i--;
    if (i >= 0 && appendSubstring(t, list, s, 0, i + 1) < 0) return failList(t, list);
  }
  reverseOwnList(t, list);
  return list;
}

/**
 * `str.splitlines(keepends=False)` (`PyUnicode_Splitlines`): a new list of
 * the lines of `s`, split at CPython's line boundaries
 * ({@link unicodeIsLinebreak}: `\n`, `\r`, `\r\n` as one, `\v`, `\f`,
 * `\x1c`–`\x1e`, `\x85`, U+2028, U+2029), the boundaries kept when
 * `keepends`. 0 with MemoryError.
 * @public
 */
export function strSplitlines(t: ObThread, s: number, keepends = false): number {
  const length = lengthOf(t, s);
  const kind = kindOf(t, s);
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  const list = listNew(t, 0);
  if (list === 0) return 0;
  let i = 0;
  while (i < length) {
    const j = i;
    while (i < length && !unicodeIsLinebreak(h[first + i]!)) i++;
    let eol = i;
    if (i < length) {
      i += h[first + i] === 0x0d && i + 1 < length && h[first + i + 1] === 0x0a ? 2 : 1;
      if (keepends) eol = i;
    }
    if (appendSubstring(t, list, s, j, eol) < 0) return failList(t, list);
  }
  return list;
}

// --- replace ------------------------------------------------------------------------

/**
 * `str.replace(old, new, count=-1)` (`replace`): a new str with the first
 * `count` (negative: all) non-overlapping occurrences of `old` replaced by
 * `new`, left to right; an empty `old` matches before every code point
 * and at the end. `s` itself (an exact copy for a subclass) when nothing
 * is replaced. 0 with TypeError "replace() argument 1 must be str, not
 * int", or MemoryError.
 * @public
 */
export function strReplace(t: ObThread, s: number, old: number, replacement: number, count = -1): number {
  if (!strCheck(t, old)) return mustBeStr(t, 'replace', 1, old);
  if (!strCheck(t, replacement)) return mustBeStr(t, 'replace', 2, replacement);
  const slen = lengthOf(t, s);
  const len1 = lengthOf(t, old);
  const len2 = lengthOf(t, replacement);
  if (slen < len1 || count === 0 || old === replacement) return unchanged(t, s);
  const maxCount = count < 0 ? Number.MAX_SAFE_INTEGER : count;
  const kind = kindOf(t, s);
  const oldKind = kindOf(t, old);
  if (kind < oldKind) return unchanged(t, s);
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  const end = first + slen;
  const n = unitsOf(t, oldKind);
  const nf = firstOf(old, oldKind);
  const matches = len1 === 0 ? Math.min(slen + 1, maxCount) : searchForward(h, first, end, n, nf, len1, maxCount);
  if (matches === 0) return unchanged(t, s);
  const size = slen + matches * (len2 - len1);
  if (size === 0) return t.emptyStr;
  // The result's kind: `new`'s and that of the code points kept, which may all be narrower than s's.
  let max = len2 > 0 ? maxCharOf(t, replacement) : 0;
  const selfMax = maxCharOf(t, s);
  if (selfMax > max) {
    if (len1 === 0) {
      max = selfMax;
    } else {
      const top = topOf(kind);
      let i = first;
      for (let k = 0; k < matches && max < top; k++) {
        const pos = searchForward(h, i, end, n, nf, len1, 0);
        const m = rangeMax(h, i, pos, top);
        if (m > max) max = m;
        i = pos + len1;
      }
      if (max < top) {
        const m = rangeMax(h, i, end, top);
        if (m > max) max = m;
      }
    }
  }
  const res = strNew(t, size, max);
  if (res === 0) return 0;
  const rk = kindOf(t, res);
  let to = firstOf(res, rk);
  const newKind = kindOf(t, replacement);
  const newFirst = firstOf(replacement, newKind);
  // SAFETY: res not published yet.
  if (len1 === 0) {
    for (let k = 0; k < matches; k++) {
      copyUnits(t, rk, to, newKind, newFirst, len2);
      to += len2;
      if (k < slen && k + 1 < matches) {
        copyUnits(t, rk, to, kind, first + k, 1);
        to++;
      }
    }
    const rest = matches - 1 < slen ? matches - 1 : slen;
    copyUnits(t, rk, to, kind, first + rest, slen - rest);
    return res;
  }
  let i = first;
  for (let k = 0; k < matches; k++) {
    const pos = searchForward(h, i, end, n, nf, len1, 0);
    copyUnits(t, rk, to, kind, i, pos - i);
    to += pos - i;
    copyUnits(t, rk, to, newKind, newFirst, len2);
    to += len2;
    i = pos + len1;
  }
  copyUnits(t, rk, to, kind, i, end - i);
  return res;
}

// --- strip, partition ---------------------------------------------------------------

/** Whether the code point `c` is one of `chars` (units `n` from `nf`, `m` of them) — `PyUnicode_FindChar` behind a Bloom mask. */
function inChars(c: number, mask: number, n: Units, nf: number, m: number): boolean {
  if ((mask & (1 << (c & 31))) === 0) return false;
  for (let i = nf; i < nf + m; i++) if (n[i] === c) return true;
  return false;
}

const LEFT = 1;
const RIGHT = 2;

/** `do_strip` / `_PyUnicode_XStrip`: `s` without the leading (`LEFT`) and/or trailing (`RIGHT`) whitespace or code points of `chars`. */
function strip(t: ObThread, s: number, chars: number, sides: number, name: string): number {
  const length = lengthOf(t, s);
  const kind = kindOf(t, s);
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  let i = 0;
  let j = length;
  if (chars === 0 || chars === t.none) {
    if (sides & LEFT) while (i < length && unicodeIsSpace(h[first + i]!)) i++;
    if (sides & RIGHT) while (j > i && unicodeIsSpace(h[first + j - 1]!)) j--;
    return substring(t, s, i, j);
  }
  if (!strCheck(t, chars)) return errRaise(t, StaticType.TypeError, `${name} arg must be None or str`);
  const m = lengthOf(t, chars);
  const ck = kindOf(t, chars);
  const n = unitsOf(t, ck);
  const nf = firstOf(chars, ck);
  let mask = 0;
  for (let k = 0; k < m; k++) mask |= 1 << (n[nf + k]! & 31);
  if (sides & LEFT) while (i < length && inChars(h[first + i]!, mask, n, nf, m)) i++;
  if (sides & RIGHT) while (j > i && inChars(h[first + j - 1]!, mask, n, nf, m)) j--;
  return substring(t, s, i, j);
}

/**
 * `str.strip(chars=None)`: `s` without leading and trailing whitespace
 * ({@link unicodeIsSpace}) when `chars` is 0 or None, else without the
 * code points of the str `chars`; `s` itself when nothing is stripped. 0
 * with TypeError "strip arg must be None or str".
 * @public
 */
export function strStrip(t: ObThread, s: number, chars = 0): number {
  return strip(t, s, chars, LEFT | RIGHT, 'strip');
}

/** `str.lstrip(chars=None)`: as {@link strStrip}, the leading side only. @public */
export function strLstrip(t: ObThread, s: number, chars = 0): number {
  return strip(t, s, chars, LEFT, 'lstrip');
}

/** `str.rstrip(chars=None)`: as {@link strStrip}, the trailing side only. @public */
export function strRstrip(t: ObThread, s: number, chars = 0): number {
  return strip(t, s, chars, RIGHT, 'rstrip');
}

/** A new 3-tuple of the references `a`, `b`, `c` (stolen; 0 when one failed, and then those made are released). */
function triple(t: ObThread, a: number, b: number, c: number): number {
  const tuple = a !== 0 && b !== 0 && c !== 0 ? tupleNew(t, 3) : 0;
  if (tuple === 0) {
    if (a !== 0) decref(t.rc, a);
    if (b !== 0) decref(t.rc, b);
    if (c !== 0) decref(t.rc, c);
    return 0;
  }
  tupleSetItemInit(t, tuple, 0, a);
  tupleSetItemInit(t, tuple, 1, b);
  tupleSetItemInit(t, tuple, 2, c);
  return tuple;
}

/** `PyUnicode_Partition` / `PyUnicode_RPartition`. */
function partition(t: ObThread, s: number, sep: number, forward: boolean): number {
  if (!strCheck(t, sep)) return errRaise(t, StaticType.TypeError, `must be str, not ${typeNameOf(t, sep).slice(0, 100)}`);
  const len1 = lengthOf(t, s);
  const len2 = lengthOf(t, sep);
  const empty = t.emptyStr;
  const pos = kindOf(t, s) < kindOf(t, sep) || len1 < len2 ? -1 : len2 === 0 ? -2 : findSlice(t, s, sep, null, null, forward);
  if (pos === -2) return errRaise(t, StaticType.ValueError, 'empty separator');
  if (pos < 0) {
    incref(t.rc, s);
    return forward ? triple(t, s, empty, empty) : triple(t, empty, empty, s);
  }
  const head = substring(t, s, 0, pos);
  const tail = head === 0 ? 0 : substring(t, s, pos + len2, len1);
  incref(t.rc, sep);
  return triple(t, head, sep, tail);
}

/**
 * `str.partition(sep)`: a new tuple `(head, sep, tail)` split at the first
 * occurrence of `sep`, or `(s, '', '')`; 0 with TypeError "must be str,
 * not int" or ValueError "empty separator".
 * @public
 */
export function strPartition(t: ObThread, s: number, sep: number): number {
  return partition(t, s, sep, true);
}

/** `str.rpartition(sep)`: as {@link strPartition} at the last occurrence, or `('', '', s)`. @public */
export function strRpartition(t: ObThread, s: number, sep: number): number {
  return partition(t, s, sep, false);
}

// --- padding ------------------------------------------------------------------------

/** `convert_uc`: the fill character's code point, or -1 with TypeError. 0 is a space. */
function fillChar(t: ObThread, fill: number): number {
  if (fill === 0) return 0x20;
  if (!strCheck(t, fill)) return errRaiseInt(t, StaticType.TypeError, `The fill character must be a unicode character, not ${typeNameOf(t, fill).slice(0, 100)}`);
  if (lengthOf(t, fill) !== 1) return errRaiseInt(t, StaticType.TypeError, 'The fill character must be exactly one character long');
  const kind = kindOf(t, fill);
  return unitsOf(t, kind)[firstOf(fill, kind)]!;
}

/** `pad`: `left` and `right` copies of `fill` around `s` (negatives as 0). */
function pad(t: ObThread, s: number, left: number, right: number, fill: number): number {
  if (left < 0) left = 0;
  if (right < 0) right = 0;
  if (left === 0 && right === 0) return unchanged(t, s);
  const length = lengthOf(t, s);
  const max = maxCharOf(t, s);
  const res = strNew(t, left + length + right, fill > max ? fill : max);
  if (res === 0) return 0;
  const rk = kindOf(t, res);
  const dst = unitsOf(t, rk);
  const to = firstOf(res, rk);
  // SAFETY: res not published yet.
  dst.fill(fill, to, to + left);
  copyUnits(t, rk, to + left, kindOf(t, s), firstOf(s, kindOf(t, s)), length);
  dst.fill(fill, to + left + length, to + left + length + right);
  return res;
}

/**
 * `str.center(width, fillchar=' ')`: `s` centred in `width` code points
 * of `fillchar` (0: a space; an odd margin puts the extra one on the left
 * when `width` is odd, as CPython), `s` itself when not shorter. 0 with
 * TypeError "The fill character must be exactly one character long" /
 * "…must be a unicode character, not int", or MemoryError.
 * @public
 */
export function strCenter(t: ObThread, s: number, width: number, fillchar = 0): number {
  const fill = fillChar(t, fillchar);
  if (fill < 0) return 0;
  const length = lengthOf(t, s);
  if (length >= width) return unchanged(t, s);
  const margin = width - length;
  const left = Math.floor(margin / 2) + (margin % 2 === 1 && width % 2 === 1 ? 1 : 0);
  return pad(t, s, left, margin - left, fill);
}

/** `str.ljust(width, fillchar=' ')`: `s` padded on the right to `width`; as {@link strCenter}. @public */
export function strLjust(t: ObThread, s: number, width: number, fillchar = 0): number {
  const fill = fillChar(t, fillchar);
  if (fill < 0) return 0;
  const length = lengthOf(t, s);
  return length >= width ? unchanged(t, s) : pad(t, s, 0, width - length, fill);
}

/** `str.rjust(width, fillchar=' ')`: `s` padded on the left to `width`; as {@link strCenter}. @public */
export function strRjust(t: ObThread, s: number, width: number, fillchar = 0): number {
  const fill = fillChar(t, fillchar);
  if (fill < 0) return 0;
  const length = lengthOf(t, s);
  return length >= width ? unchanged(t, s) : pad(t, s, width - length, 0, fill);
}

/**
 * `str.zfill(width)`: `s` padded on the left with `'0'` to `width`, a
 * leading sign moved in front of the zeros; `s` itself when not shorter.
 * 0 with MemoryError.
 * @public
 */
export function strZfill(t: ObThread, s: number, width: number): number {
  const length = lengthOf(t, s);
  if (length >= width) return unchanged(t, s);
  const fill = width - length;
  const res = pad(t, s, fill, 0, 0x30);
  if (res === 0 || length === 0) return res;
  const kind = kindOf(t, res);
  const dst = unitsOf(t, kind);
  const to = firstOf(res, kind);
  const sign = dst[to + fill]!;
  if (sign === 0x2b || sign === 0x2d) {
    // SAFETY: res not published yet.
    dst[to] = sign;
    dst[to + fill] = 0x30;
  }
  return res;
}

/**
 * `str.expandtabs(tabsize=8)`: `s` with each tab replaced by the spaces up
 * to the next multiple of `tabsize` (columns restart after `\n` and `\r`;
 * a `tabsize` of 0 or less removes tabs); `s` itself without tabs. 0
 * with MemoryError.
 * @public
 */
export function strExpandtabs(t: ObThread, s: number, tabsize = 8): number {
  const length = lengthOf(t, s);
  const kind = kindOf(t, s);
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  let size = 0;
  let column = 0;
  let found = false;
  for (let i = first; i < first + length; i++) {
    const c = h[i]!;
    if (c === 0x09) {
      found = true;
      if (tabsize > 0) {
        const step = tabsize - (column % tabsize);
        column += step;
        size += step;
      }
    } else {
      size++;
      column++;
      if (c === 0x0a || c === 0x0d) column = 0;
    }
  }
  if (!found) return unchanged(t, s);
  const res = strNew(t, size, maxCharOf(t, s));
  if (res === 0) return 0;
  const dst = unitsOf(t, kind);
  let to = firstOf(res, kind);
  column = 0;
  // SAFETY: res not published yet (a str with a tab and this kind keeps it: tabs and spaces are ASCII).
  for (let i = first; i < first + length; i++) {
    const c = h[i]!;
    if (c === 0x09) {
      if (tabsize > 0) {
        const step = tabsize - (column % tabsize);
        column += step;
        dst.fill(0x20, to, to + step);
        to += step;
      }
    } else {
      column++;
      dst[to++] = c;
      if (c === 0x0a || c === 0x0d) column = 0;
    }
  }
  return res;
}
