/**
 * The case mappings and predicates of `str` (`Objects/unicodeobject.c`:
 * `do_upper`, `do_lower`, `do_casefold`, `do_capitalize`, `do_title`,
 * `do_swapcase`, `handle_capital_sigma`, `unicode_is…`) over CPython
 * 3.13's Unicode database (`Objects/unicodectype.c`,
 * `unicodetype_db.h`): unicode-type-db.ts, generated from python3.13, so
 * that the answers are CPython's (Unicode 15.1) whatever the Unicode
 * version of the JavaScript engine — its `toUpperCase` and `\p{…}` follow
 * a newer Unicode, and it has no title case, case folding or Numeric_Type.
 *
 * The mappings are the full ones (`'ß'.upper() == 'SS'`, `'ﬁ'.title() ==
 * 'Fi'`, `'İ'.lower() == 'i̇'`), with the final sigma of `lower`,
 * `capitalize`, `title` and `swapcase`. A result is measured in a first
 * pass (its length and largest code point), then written into a str of
 * the narrowest kind; ASCII strs take a direct path.
 *
 * The tables are expanded once per thread (module scope): a record index
 * for each BMP code point, a binary search over the runs above it. A str
 * is immutable once published: its data is read plain; results are
 * written plain before they are returned (not published yet).
 */

import { STR_ASCII_OFFSET, STR_KIND_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strLength } from './str-read.js';
import { firstOf, strNew, unicodeIsSpace, unitsOf } from './str-methods.js';
import { UNICODE_RECORDS, UNICODE_RUNS, UNICODE_SPECIAL_BASE, UNICODE_SPECIALS } from './unicode-type-db.js';

// Flag bits of a record, in the generator's order (`*_MASK` in unicodectype.c).
const UC_ALPHA = 1;
const UC_DECIMAL = 2;
const UC_DIGIT = 4;
const UC_NUMERIC = 8;
const UC_LOWER = 16;
const UC_UPPER = 32;
const UC_TITLE = 64;
const UC_CASED = 128;
const UC_CASE_IGNORABLE = 256;
const UC_XID_START = 512;
const UC_XID_CONTINUE = 1024;
const UC_PRINTABLE = 2048;

// Which mapping of a record (the generator's order after the flags).
const MAP_UPPER = 0;
const MAP_LOWER = 1;
const MAP_TITLE = 2;
const MAP_FOLD = 3;

const RECORD_COUNT = UNICODE_RECORDS.length / 5;
/** Each record's flags. */
const FLAGS = new Uint16Array(RECORD_COUNT);
/** Each record's four mappings: a code point delta, or {@link UNICODE_SPECIAL_BASE} + a special's index. */
const MAPS = new Int32Array(RECORD_COUNT * 4);
for (let r = 0; r < RECORD_COUNT; r++) {
  FLAGS[r] = UNICODE_RECORDS[5 * r]!;
  for (let k = 0; k < 4; k++) MAPS[4 * r + k] = UNICODE_RECORDS[5 * r + 1 + k]!;
}

const RUN_COUNT = UNICODE_RUNS.length / 2;
/** The first code point of each run. */
const RUN_START = new Uint32Array(RUN_COUNT);
/** The record of each run. */
const RUN_RECORD = new Uint16Array(RUN_COUNT);
/** The record of each BMP code point. */
const BMP_RECORD = new Uint16Array(0x10000);
{
  let at = 0;
  for (let i = 0; i < RUN_COUNT; i++) {
    at += UNICODE_RUNS[2 * i]!;
    RUN_START[i] = at;
    RUN_RECORD[i] = UNICODE_RUNS[2 * i + 1]!;
  }
  for (let i = 0; i < RUN_COUNT && RUN_START[i]! < 0x10000; i++) {
    const end = i + 1 < RUN_COUNT ? Math.min(RUN_START[i + 1]!, 0x10000) : 0x10000;
    BMP_RECORD.fill(RUN_RECORD[i]!, RUN_START[i]!, end);
  }
}

/** Where each multi-code-point mapping starts in {@link UNICODE_SPECIALS} (at its length). */
const SPECIAL_AT: number[] = [];
for (let at = 0; at < UNICODE_SPECIALS.length; at += UNICODE_SPECIALS[at]! + 1) SPECIAL_AT.push(at);

/** The database record of the code point `c` (`gettyperecord`). */
function recordOf(c: number): number {
  if (c < 0x10000) return BMP_RECORD[c]!;
  let lo = 0;
  let hi = RUN_COUNT - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (RUN_START[mid]! <= c) lo = mid;
    else hi = mid - 1;
  }
  return RUN_RECORD[lo]!;
}

/** The database flags of `c`. */
function flagsOf(c: number): number {
  return FLAGS[recordOf(c)]!;
}

/** `Py_UNICODE_ISPRINTABLE(c)`: not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs — except the space — as CPython 3.13's database says. @public */
export function unicodeIsPrintable(c: number): boolean {
  return (flagsOf(c) & UC_PRINTABLE) !== 0;
}

// --- case mapping -------------------------------------------------------------------

const UPPER = 0;
const LOWER = 1;
const CASEFOLD = 2;
const CAPITALIZE = 3;
const TITLE = 4;
const SWAPCASE = 5;

/**
 * `handle_capital_sigma`: σ's final form ς when the Σ at `i` follows a
 * cased code point (case-ignorable ones skipped) and is not followed by
 * one (likewise), else σ.
 */
function finalSigma(h: Uint8Array | Uint16Array | Uint32Array, first: number, length: number, i: number): number {
  let j = i - 1;
  let c = 0;
  while (j >= 0) {
    c = h[first + j]!;
    if ((flagsOf(c) & UC_CASE_IGNORABLE) === 0) break;
    j--;
  }
  let final = j >= 0 && (flagsOf(c) & UC_CASED) !== 0;
  if (final && i + 1 < length) {
    j = i + 1;
    while (j < length) {
      c = h[first + j]!;
      if ((flagsOf(c) & UC_CASE_IGNORABLE) === 0) break;
      j++;
    }
    final = j === length || (flagsOf(c) & UC_CASED) === 0;
  }
  return final ? 0x3c2 : 0x3c3;
}

/**
 * The mapping a case operation applies to the code point `c` at `i` (a
 * {@link MAPS} value): `lower_ucs4` (the final sigma), `ToTitleFull` for a
 * word's first cased code point, …; `prevCased` is `title`'s state.
 */
function caseValue(h: Uint8Array | Uint16Array | Uint32Array, first: number, length: number, i: number, c: number, mode: number, prevCased: boolean): number {
  const r = recordOf(c);
  let which: number;
  switch (mode) {
    case UPPER:
      which = MAP_UPPER;
      break;
    case CASEFOLD:
      which = MAP_FOLD;
      break;
    case CAPITALIZE:
      which = i === 0 ? MAP_TITLE : MAP_LOWER;
      break;
    case TITLE:
      which = prevCased ? MAP_LOWER : MAP_TITLE;
      break;
    case SWAPCASE: {
      const f = FLAGS[r]!;
      if ((f & UC_UPPER) !== 0) which = MAP_LOWER;
      else if ((f & UC_LOWER) !== 0) which = MAP_UPPER;
      else return 0;
      break;
    }
    default:
      which = MAP_LOWER;
  }
  if (which === MAP_LOWER && c === 0x3a3) return finalSigma(h, first, length, i) - c;
  return MAPS[4 * r + which]!;
}

/** The ASCII path of every case operation: same length, ASCII result. */
function asciiCaseMap(t: ObThread, s: number, length: number, mode: number): number {
  const res = strNew(t, length, 0x7f);
  if (res === 0 || length === 0) return res;
  const u8 = t.u8;
  const from = firstOf(s, 1);
  const to = firstOf(res, 1);
  let cased = false;
  // SAFETY: s is immutable once published; res is not published yet.
  for (let i = 0; i < length; i++) {
    const c = u8[from + i]!;
    const lower = c >= 0x61 && c <= 0x7a;
    const upper = c >= 0x41 && c <= 0x5a;
    let toUpper: boolean;
    switch (mode) {
      case UPPER:
        toUpper = true;
        break;
      case SWAPCASE:
        toUpper = lower;
        break;
      case CAPITALIZE:
        toUpper = i === 0;
        break;
      case TITLE:
        toUpper = !cased;
        cased = lower || upper;
        break;
      default:
        toUpper = false;
    }
    u8[to + i] = toUpper ? (lower ? c - 0x20 : c) : upper ? c + 0x20 : c;
  }
  return res;
}

/** `case_operation`: `s` through the case operation `mode`, measured, then written in the narrowest kind. */
function caseMap(t: ObThread, s: number, mode: number): number {
  const length = strLength(t, s);
  // SAFETY: s is immutable once published.
  if (t.u8[s + STR_ASCII_OFFSET] === 1) return asciiCaseMap(t, s, length, mode);
  const kind = t.u8[s + STR_KIND_OFFSET]!;
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  let size = 0;
  let max = 0;
  let cased = false;
  for (let i = 0; i < length; i++) {
    const c = h[first + i]!;
    const v = caseValue(h, first, length, i, c, mode, cased);
    if (mode === TITLE) cased = (flagsOf(c) & UC_CASED) !== 0;
    if (v >= UNICODE_SPECIAL_BASE) {
      const at = SPECIAL_AT[v - UNICODE_SPECIAL_BASE]!;
      const n = UNICODE_SPECIALS[at]!;
      size += n;
      for (let k = 1; k <= n; k++) if (UNICODE_SPECIALS[at + k]! > max) max = UNICODE_SPECIALS[at + k]!;
    } else {
      size++;
      if (c + v > max) max = c + v;
    }
  }
  const res = strNew(t, size, max);
  if (res === 0 || size === 0) return res;
  const rk = t.u8[res + STR_KIND_OFFSET]!;
  const dst = unitsOf(t, rk);
  let to = firstOf(res, rk);
  cased = false;
  // SAFETY: res is not published yet.
  for (let i = 0; i < length; i++) {
    const c = h[first + i]!;
    const v = caseValue(h, first, length, i, c, mode, cased);
    if (mode === TITLE) cased = (flagsOf(c) & UC_CASED) !== 0;
    if (v >= UNICODE_SPECIAL_BASE) {
      const at = SPECIAL_AT[v - UNICODE_SPECIAL_BASE]!;
      const n = UNICODE_SPECIALS[at]!;
      for (let k = 1; k <= n; k++) dst[to++] = UNICODE_SPECIALS[at + k]!;
    } else {
      dst[to++] = c + v;
    }
  }
  return res;
}

/** `str.upper()` (`do_upper`): a new str, each code point's full uppercase mapping (`'ß'` → `'SS'`); 0 with MemoryError. @public */
export function strUpper(t: ObThread, s: number): number {
  return caseMap(t, s, UPPER);
}

/** `str.lower()` (`do_lower`): a new str, each code point's full lowercase mapping, Σ as ς in final position; 0 with MemoryError. @public */
export function strLower(t: ObThread, s: number): number {
  return caseMap(t, s, LOWER);
}

/** `str.casefold()` (`do_casefold`): a new str, each code point's full case folding (`'ß'` → `'ss'`); 0 with MemoryError. @public */
export function strCasefold(t: ObThread, s: number): number {
  return caseMap(t, s, CASEFOLD);
}

/** `str.capitalize()` (`do_capitalize`): a new str, the first code point title-cased (`'ǆ'` → `'ǅ'`), the rest lowercased; 0 with MemoryError. @public */
export function strCapitalize(t: ObThread, s: number): number {
  return caseMap(t, s, CAPITALIZE);
}

/**
 * `str.title()` (`do_title`): a new str, each code point that follows an
 * uncased one title-cased, the others lowercased (so `"they're"` →
 * `"They'Re"`, as CPython); 0 with MemoryError.
 * @public
 */
export function strTitle(t: ObThread, s: number): number {
  return caseMap(t, s, TITLE);
}

/** `str.swapcase()` (`do_swapcase`): a new str, uppercase code points lowercased and lowercase ones uppercased; 0 with MemoryError. @public */
export function strSwapcase(t: ObThread, s: number): number {
  return caseMap(t, s, SWAPCASE);
}

// --- predicates ---------------------------------------------------------------------

/** Whether `s` is not empty and each of its code points has one of the flags `mask`. */
function allHave(t: ObThread, s: number, mask: number): boolean {
  const length = strLength(t, s);
  if (length === 0) return false;
  const kind = t.u8[s + STR_KIND_OFFSET]!; // SAFETY: immutable once published
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  for (let i = first; i < first + length; i++) if ((flagsOf(h[i]!) & mask) === 0) return false;
  return true;
}

/** `str.isalpha()`: not empty, every code point a letter (categories Lm, Lt, Lu, Ll, Lo). @public */
export function strIsAlpha(t: ObThread, s: number): boolean {
  return allHave(t, s, UC_ALPHA);
}

/** `str.isdecimal()`: not empty, every code point a decimal digit (category Nd). @public */
export function strIsDecimal(t: ObThread, s: number): boolean {
  return allHave(t, s, UC_DECIMAL);
}

/** `str.isdigit()`: not empty, every code point of Numeric_Type Digit or Decimal (`'²'` is a digit, not a decimal). @public */
export function strIsDigit(t: ObThread, s: number): boolean {
  return allHave(t, s, UC_DIGIT);
}

/** `str.isnumeric()`: not empty, every code point with a numeric value (Numeric_Type Numeric, Digit or Decimal: `'½'`, `'一'`). @public */
export function strIsNumeric(t: ObThread, s: number): boolean {
  return allHave(t, s, UC_NUMERIC);
}

/** `str.isalnum()`: not empty, every code point alphabetic, decimal, digit or numeric. @public */
export function strIsAlnum(t: ObThread, s: number): boolean {
  return allHave(t, s, UC_ALPHA | UC_DECIMAL | UC_DIGIT | UC_NUMERIC);
}

/** `str.isspace()`: not empty, every code point CPython's whitespace (`Py_UNICODE_ISSPACE`). @public */
export function strIsSpace(t: ObThread, s: number): boolean {
  const length = strLength(t, s);
  if (length === 0) return false;
  const kind = t.u8[s + STR_KIND_OFFSET]!; // SAFETY: immutable once published
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  for (let i = first; i < first + length; i++) if (!unicodeIsSpace(h[i]!)) return false;
  return true;
}

/** `str.isprintable()`: every code point printable ({@link unicodeIsPrintable}); true for `''`. @public */
export function strIsPrintable(t: ObThread, s: number): boolean {
  return strLength(t, s) === 0 || allHave(t, s, UC_PRINTABLE);
}

/** `str.isascii()`: every code point below 0x80 (the ASCII flag); true for `''`. @public */
export function strIsAscii(t: ObThread, s: number): boolean {
  return t.u8[s + STR_ASCII_OFFSET] === 1; // SAFETY: immutable once published
}

/**
 * `unicode_islower_impl` (`lower` true) / `unicode_isupper_impl`: no code
 * point of the other case nor titlecase, and at least one of this case.
 */
function isCase(t: ObThread, s: number, lower: boolean): boolean {
  const length = strLength(t, s);
  const kind = t.u8[s + STR_KIND_OFFSET]!; // SAFETY: immutable once published
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  const other = (lower ? UC_UPPER : UC_LOWER) | UC_TITLE;
  const self = lower ? UC_LOWER : UC_UPPER;
  let cased = false;
  for (let i = first; i < first + length; i++) {
    const f = flagsOf(h[i]!);
    if ((f & other) !== 0) return false;
    if ((f & self) !== 0) cased = true;
  }
  return cased;
}

/** `str.islower()`: at least one cased code point, and all of them lowercase. @public */
export function strIsLower(t: ObThread, s: number): boolean {
  return isCase(t, s, true);
}

/** `str.isupper()`: at least one cased code point, and all of them uppercase. @public */
export function strIsUpper(t: ObThread, s: number): boolean {
  return isCase(t, s, false);
}

/** `str.istitle()`: at least one cased code point; uppercase and titlecase ones only after uncased ones, lowercase ones only after cased ones. @public */
export function strIsTitle(t: ObThread, s: number): boolean {
  const length = strLength(t, s);
  const kind = t.u8[s + STR_KIND_OFFSET]!; // SAFETY: immutable once published
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  let cased = false;
  let previousCased = false;
  for (let i = first; i < first + length; i++) {
    const f = flagsOf(h[i]!);
    if ((f & (UC_UPPER | UC_TITLE)) !== 0) {
      if (previousCased) return false;
      previousCased = true;
      cased = true;
    } else if ((f & UC_LOWER) !== 0) {
      if (!previousCased) return false;
      previousCased = true;
      cased = true;
    } else {
      previousCased = false;
    }
  }
  return cased;
}

/** `str.isidentifier()` (`_PyUnicode_ScanIdentifier`): not empty, the first code point XID_Start or `_`, the others XID_Continue. @public */
export function strIsIdentifier(t: ObThread, s: number): boolean {
  const length = strLength(t, s);
  if (length === 0) return false;
  const kind = t.u8[s + STR_KIND_OFFSET]!; // SAFETY: immutable once published
  const h = unitsOf(t, kind);
  const first = firstOf(s, kind);
  const c = h[first]!;
  if ((flagsOf(c) & UC_XID_START) === 0 && c !== 0x5f) return false;
  for (let i = first + 1; i < first + length; i++) if ((flagsOf(h[i]!) & UC_XID_CONTINUE) === 0) return false;
  return true;
}
