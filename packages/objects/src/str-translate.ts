/**
 * `str.maketrans` and `str.translate` (`unicode_maketrans_impl`,
 * `_PyUnicode_TranslateCharmap` of `Objects/unicodeobject.c`).
 *
 * `maketrans(x)` copies a dict, its one-character str keys turned into
 * code points; `maketrans(x, y[, z])` maps each character of `x` to the
 * one of `y` at the same place and those of `z` to None. `translate(table)`
 * looks each code point up with `table[ord(c)]` (any object with
 * `__getitem__`): a LookupError keeps the character, None drops it, an int
 * or a str replaces it. The characters of an ASCII string are looked up
 * once each (CPython's `unicode_fast_translate` caches them); any other
 * string's at every occurrence.
 */

import { decref } from '@ft/refcount';
import { objectGetItem } from './abstract.js';
import { badArgument, checkPositional, isStr } from './arg-parse.js';
import { dictNew, dictSetItem, dictSnapshot } from './dict.js';
import { errClear, errExceptionMatches, errRaise } from './errors.js';
import { intAsNumber, intFromNumber } from './int.js';
import { StaticType, TPFLAGS_LONG_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strCodePointAt, strLength, strToJs } from './str-read.js';
import { typeHasFlag, typeOf } from './subtype.js';
import { tupleGetItem } from './tuple.js';

/** `dict[key] = value` with a new int key `code`; 0, or -1 with an exception. */
function storeCode(t: ObThread, d: number, code: number, value: number): number {
  const key = intFromNumber(t, code);
  if (key === 0) return -1;
  const r = dictSetItem(t, d, key, value);
  decref(t.rc, key);
  return r;
}

/** `maketrans(x, y[, z])`: x[i] → y[i], z's characters → None. */
function makeTransPairs(t: ObThread, d: number, x: number, y: number, z: number): number {
  if (!isStr(t, x)) return errRaise(t, StaticType.TypeError, 'first maketrans argument must be a string if there is a second argument');
  const n = strLength(t, x);
  if (n !== strLength(t, y)) return errRaise(t, StaticType.ValueError, 'the first two maketrans arguments must have equal length');
  for (let i = 0; i < n; i++) {
    const value = intFromNumber(t, strCodePointAt(t, y, i));
    if (value === 0) return 0;
    const r = storeCode(t, d, strCodePointAt(t, x, i), value);
    decref(t.rc, value);
    if (r < 0) return 0;
  }
  if (z !== 0) {
    for (let i = 0; i < strLength(t, z); i++) if (storeCode(t, d, strCodePointAt(t, z, i), t.none) < 0) return 0;
  }
  return 1;
}

/** `maketrans(x)`: x's items, a one-character str key as its code point, an int key as it is. */
function makeTransDict(t: ObThread, d: number, x: number): number {
  if (typeOf(t, x) !== t.types[StaticType.Dict]) return errRaise(t, StaticType.TypeError, 'if you give only one argument to maketrans it must be a dict');
  const pairs = dictSnapshot(t, x, 2);
  if (pairs === null) return 0;
  let ok = 1;
  for (const pair of pairs) {
    if (ok === 1) {
      const key = tupleGetItem(t, pair, 0);
      const value = tupleGetItem(t, pair, 1);
      if (isStr(t, key)) {
        if (strLength(t, key) !== 1) ok = errRaise(t, StaticType.ValueError, 'string keys in translate table must be of length 1');
        else if (storeCode(t, d, strCodePointAt(t, key, 0), value) < 0) ok = 0;
      } else if (typeHasFlag(t, typeOf(t, key), TPFLAGS_LONG_SUBCLASS)) {
        if (dictSetItem(t, d, key, value) < 0) ok = 0;
      } else {
        ok = errRaise(t, StaticType.TypeError, 'keys in translate table must be strings or integers');
      }
    }
    decref(t.rc, pair);
  }
  return ok;
}

/**
 * `str.maketrans(x, y=<absent>, z=<absent>, /)`: a new dict for
 * {@link strTranslate}; `args` the positional argument words. 0 with
 * CPython's errors ("maketrans expected at least 1 argument, got 0",
 * "maketrans() argument 2 must be str, not int", "the first two maketrans
 * arguments must have equal length", …).
 * @public
 */
export function strMakeTrans(t: ObThread, args: number, nargs: number): number {
  if (!checkPositional(t, 'maketrans', nargs, 1, 3)) return 0;
  const x = t.u32[args >>> 2]!;
  const y = nargs > 1 ? t.u32[(args >>> 2) + 1]! : 0;
  const z = nargs > 2 ? t.u32[(args >>> 2) + 2]! : 0;
  if (y !== 0 && !isStr(t, y)) return badArgument(t, 'maketrans', 2, 'str', y);
  if (z !== 0 && !isStr(t, z)) return badArgument(t, 'maketrans', 3, 'str', z);
  const d = dictNew(t);
  if (d === 0) return 0;
  const ok = y === 0 ? makeTransDict(t, d, x) : makeTransPairs(t, d, x, y, z);
  if (ok === 0) {
    decref(t.rc, d);
    return 0;
  }
  return d;
}

/** What a code point becomes: itself (undefined), dropped (null), or text. */
type Replacement = string | null | undefined;

/** `charmaptranslate_lookup`: `table[code]` as a {@link Replacement}, or false with an exception. */
function lookup(t: ObThread, table: number, code: number): Replacement | false {
  const key = intFromNumber(t, code);
  if (key === 0) return false;
  const x = objectGetItem(t, table, key);
  decref(t.rc, key);
  if (x === 0) {
    // No mapping: the character stays.
    if (!errExceptionMatches(t, t.types[StaticType.LookupError]!)) return false;
    errClear(t);
    return undefined;
  }
  try {
    if (x === t.none) return null;
    if (typeHasFlag(t, typeOf(t, x), TPFLAGS_LONG_SUBCLASS)) {
      // Past a C long, `PyLong_AsLong`'s OverflowError gives way to the range's ValueError, as in CPython.
      const value = intAsNumber(t, x);
      if (value < 0 || value > 0x10ffff) {
        errRaise(t, StaticType.ValueError, 'character mapping must be in range(0x110000)');
        return false;
      }
      return String.fromCodePoint(value);
    }
    if (isStr(t, x)) return strToJs(t, x);
    errRaise(t, StaticType.TypeError, 'character mapping must return integer, None or str');
    return false;
  } finally {
    decref(t.rc, x);
  }
}

/**
 * `str.translate(table)`: a new str with each code point of `self`
 * replaced as `table[ord(c)]` says; 0 with the lookup's errors
 * ("'int' object is not subscriptable", "character mapping must be in
 * range(0x110000)", "character mapping must return integer, None or str").
 * @public
 */
export function strTranslate(t: ObThread, self: number, table: number): number {
  const n = strLength(t, self);
  const text = strToJs(t, self);
  const cache = /^[\x00-\x7f]*$/.test(text) ? new Map<number, Replacement>() : null;
  const parts: string[] = [];
  let changed = false;
  for (let i = 0; i < n; i++) {
    const code = strCodePointAt(t, self, i);
    let replacement = cache?.get(code);
    if (replacement === undefined && cache?.has(code) !== true) {
      const found = lookup(t, table, code);
      if (found === false) return 0;
      cache?.set(code, found);
      replacement = found;
    }
    if (replacement === undefined) parts.push(String.fromCodePoint(code));
    else {
      changed = true;
      if (replacement !== null) parts.push(replacement);
    }
  }
  return strFromJs(t, changed ? parts.join('') : text);
}
