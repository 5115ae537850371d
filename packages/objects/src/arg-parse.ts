/**
 * Argument parsing for the builtin methods and constructors
 * (`Python/getargs.c`, `Python/modsupport.c`, and the converters Argument
 * Clinic generates), with CPython 3.13's messages:
 *
 * - counts of positional-only arguments (`_PyArg_CheckPositional`,
 *   `PyArg_UnpackTuple`): "insert expected 2 arguments, got 1", "pop
 *   expected at most 1 argument, got 2";
 * - no keywords (`_PyArg_NoKeywords`): "list() takes no keyword arguments";
 * - positional-or-keyword and keyword-only parameters
 *   (`_PyArg_UnpackKeywords`): "sort() takes no positional arguments",
 *   "split() takes at most 2 arguments (3 given)", "argument for split()
 *   given by name ('sep') and position (1)", "from_bytes() missing
 *   required argument 'bytes' (pos 1)", "sort() got an unexpected keyword
 *   argument 'keys'. Did you mean 'key'?";
 * - the converters: `Py_ssize_t` and `int` through `__index__` ("'str'
 *   object cannot be interpreted as an integer", "Python int too large to
 *   convert to C ssize_t"), slice bounds (`_PyEval_SliceIndex`: "slice
 *   indices must be integers or None or have an __index__ method"), `bool`
 *   through `PyObject_IsTrue`, and the type errors of `_PyArg_BadArgument`
 *   ("encode() argument 'encoding' must be str, not int").
 *
 * Arguments arrive in the vectorcall shape (builtin-function.ts): `args`
 * the byte address of the words, `nargs` positional ones, then one per
 * name of `kwnames`; or, for `tp_new` and `tp_init`, a tuple and a dict.
 * Every value handed back is borrowed from the caller's arguments.
 */

import { decref } from '@ft/refcount';
import { indexCheck, numberAsSsize, numberIndex } from './abstract-number.js';
import { objectIsTrue } from './abstract.js';
import { dictSize, dictSnapshot } from './dict.js';
import { errOccurred, errRaise } from './errors.js';
import { intAsBigInt, intCompactValue, intIsCompact } from './int.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { calculateSuggestion } from './suggestions.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/**
 * A parameter list as Argument Clinic describes it (`_PyArg_Parser` and
 * the bounds it passes to `_PyArg_UnpackKeywords`).
 * @public
 */
export interface ArgSpec {
  /** The name in the messages (`sort`, `split`, `int`): printed as `sort()`. */
  readonly fname: string;
  /** Leading positional-only parameters (no names). */
  readonly posonly: number;
  /** Names of the parameters after them, which may be passed by keyword (`kwtuple`). */
  readonly names: readonly string[];
  /** Fewest positional arguments. */
  readonly minpos: number;
  /** Most positional arguments (the parameters past it are keyword-only). */
  readonly maxpos: number;
  /** Required keyword-only parameters. */
  readonly minkw?: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `_PyArg_CheckPositional(name, nargs, min, max)` (and the count check of
 * `PyArg_UnpackTuple`): true, or false with TypeError "insert expected 2
 * arguments, got 1" / "pop expected at most 1 argument, got 2" / "index
 * expected at least 1 argument, got 0".
 * @public
 */
export function checkPositional(t: ObThread, name: string, nargs: number, min: number, max: number): boolean {
  if (nargs < min) {
    errRaise(t, StaticType.TypeError, `${name} expected ${min === max ? '' : 'at least '}${plural(min, 'argument')}, got ${nargs}`);
    return false;
  }
  if (nargs > max) {
    errRaise(t, StaticType.TypeError, `${name} expected ${min === max ? '' : 'at most '}${plural(max, 'argument')}, got ${nargs}`);
    return false;
  }
  return true;
}

/** `_PyArg_NoKeywords(name, kwargs)` for a dict (or 0): true, or false with TypeError "list() takes no keyword arguments". @public */
export function noKeywords(t: ObThread, name: string, kwargs: number): boolean {
  if (kwargs === 0 || dictSize(t, kwargs) === 0) return true;
  errRaise(t, StaticType.TypeError, `${name}() takes no keyword arguments`);
  return false;
}

/** `_PyArg_NoKwnames(name, kwnames)` for a vectorcall's names (or 0): as {@link noKeywords}. @public */
export function noKwnames(t: ObThread, name: string, kwnames: number): boolean {
  if (kwnames === 0 || tupleSize(t, kwnames) === 0) return true;
  errRaise(t, StaticType.TypeError, `${name}() takes no keyword arguments`);
  return false;
}

/**
 * `_PyArg_BadArgument(fname, displayname, expected, arg)`: TypeError
 * "encode() argument 'encoding' must be str, not int"; `which` is the
 * parameter's name (keyword-capable), its 1-based position, or null for
 * the one argument of a METH_O function ("removeprefix() argument must be
 * str, not int").
 * @public
 */
export function badArgument(t: ObThread, fname: string, which: string | number | null, expected: string, arg: number): 0 {
  const display = which === null ? 'argument' : typeof which === 'number' ? `argument ${which}` : `argument '${which}'`;
  return errRaise(t, StaticType.TypeError, `${fname}() ${display} must be ${expected}, not ${arg === t.none ? 'None' : typeNameOf(t, arg)}`);
}

/**
 * `_PyArg_UnpackKeywords` over positional values `pos` (read by index)
 * and keywords given as (name, value) pairs: fills `out` (one word per
 * parameter, 0 for a missing one) and returns true, or false with
 * CPython's TypeError. A keyword name that is not a str is null.
 */
function unpack(t: ObThread, spec: ArgSpec, nargs: number, pos: (i: number) => number, kwNames: readonly (string | null)[], kwValues: readonly number[], out: number[]): boolean {
  const { fname, posonly, names, minpos, maxpos } = spec;
  const minkw = spec.minkw ?? 0;
  const maxargs = posonly + names.length;
  const nkw = kwNames.length;
  out.length = maxargs;
  if (nkw === 0 && minkw === 0 && minpos <= nargs && nargs <= maxpos) {
    for (let i = 0; i < maxargs; i++) out[i] = i < nargs ? pos(i) : 0;
    return true;
  }
  if (nargs + nkw > maxargs) {
    // "keyword" when nothing was positional (bpo-31229).
    errRaise(t, StaticType.TypeError, `${fname}() takes at most ${maxargs} ${nargs === 0 ? 'keyword ' : ''}argument${maxargs === 1 ? '' : 's'} (${nargs + nkw} given)`);
    return false;
  }
  if (nargs > maxpos) {
    if (maxpos === 0) errRaise(t, StaticType.TypeError, `${fname}() takes no positional arguments`);
    else errRaise(t, StaticType.TypeError, `${fname}() takes ${minpos < maxpos ? 'at most' : 'exactly'} ${plural(maxpos, 'positional argument')} (${nargs} given)`);
    return false;
  }
  const minposonly = Math.min(posonly, minpos);
  if (nargs < minposonly) {
    errRaise(t, StaticType.TypeError, `${fname}() takes ${minposonly < maxpos ? 'at least' : 'exactly'} ${plural(minposonly, 'positional argument')} (${nargs} given)`);
    return false;
  }
  const find = (name: string): number => {
    const k = kwNames.indexOf(name);
    return k < 0 ? 0 : kwValues[k]!;
  };
  for (let i = 0; i < nargs; i++) out[i] = pos(i);
  for (let i = nargs; i < maxargs; i++) out[i] = 0;
  const reqlimit = minkw !== 0 ? maxpos + minkw : minpos;
  let remaining = nkw;
  for (let i = Math.max(nargs, posonly); i < maxargs; i++) {
    let current = 0;
    if (remaining !== 0) current = find(names[i - posonly]!);
    else if (i >= reqlimit) break;
    out[i] = current;
    if (current !== 0) {
      remaining--;
    } else if (i < minpos || (maxpos <= i && i < reqlimit)) {
      errRaise(t, StaticType.TypeError, `${fname}() missing required argument '${names[i - posonly]}' (pos ${i + 1})`);
      return false;
    }
  }
  if (remaining > 0) {
    for (let i = posonly; i < nargs; i++) {
      const name = names[i - posonly]!;
      if (find(name) !== 0) {
        errRaise(t, StaticType.TypeError, `argument for ${fname}() given by name ('${name}') and position (${i + 1})`);
        return false;
      }
    }
    unexpectedKeyword(t, fname, names, kwNames);
    return false;
  }
  return true;
}

/** `error_unexpected_keyword_arg`: the first keyword that is no parameter, with a suggestion when one is close. */
function unexpectedKeyword(t: ObThread, fname: string, names: readonly string[], kwNames: readonly (string | null)[]): void {
  for (const key of kwNames) {
    if (key === null) {
      errRaise(t, StaticType.TypeError, 'keywords must be strings');
      return;
    }
    if (names.includes(key)) continue;
    const suggestion = calculateSuggestion(names, key);
    errRaise(t, StaticType.TypeError, `${fname}() got an unexpected keyword argument '${key}'${suggestion === null ? '' : `. Did you mean '${suggestion}'?`}`);
    return;
  }
  errRaise(t, StaticType.TypeError, `invalid keyword argument for ${fname}()`);
}

/** A keyword name as JavaScript text, or null when it is not a str. */
function keywordName(t: ObThread, key: number): string | null {
  return typeHasFlag(t, typeOf(t, key), TPFLAGS_UNICODE_SUBCLASS) ? strToJs(t, key) : null;
}

const NO_NAMES: readonly string[] = [];
const NO_VALUES: readonly number[] = [];

/**
 * `_PyArg_UnpackKeywords` for a vectorcall (`args`, `nargs`, `kwnames`):
 * the parameters of `spec` in `out` (borrowed; 0 when not given); false
 * with TypeError when they do not fit.
 * @public
 */
export function unpackKeywords(t: ObThread, spec: ArgSpec, args: number, nargs: number, kwnames: number, out: number[]): boolean {
  const base = args >>> 2;
  const u32 = t.u32;
  const nkw = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  if (nkw === 0) return unpack(t, spec, nargs, (i) => u32[base + i]!, NO_NAMES, NO_VALUES, out);
  const names: (string | null)[] = [];
  const values: number[] = [];
  for (let k = 0; k < nkw; k++) {
    names.push(keywordName(t, tupleGetItem(t, kwnames, k)));
    values.push(u32[base + nargs + k]!);
  }
  return unpack(t, spec, nargs, (i) => u32[base + i]!, names, values, out);
}

/**
 * `_PyArg_UnpackKeywords` for `tp_new` / `tp_init` (a tuple and a dict or
 * 0): as {@link unpackKeywords}. The values stay borrowed from the tuple
 * and the dict.
 * @public
 */
export function unpackKeywordsTuple(t: ObThread, spec: ArgSpec, args: number, kwargs: number, out: number[]): boolean {
  const nargs = tupleSize(t, args);
  if (kwargs === 0 || dictSize(t, kwargs) === 0) return unpack(t, spec, nargs, (i) => tupleGetItem(t, args, i), NO_NAMES, NO_VALUES, out);
  const pairs = dictSnapshot(t, kwargs, 2);
  if (pairs === null) return false;
  const names: (string | null)[] = [];
  const values: number[] = [];
  for (const pair of pairs) {
    names.push(keywordName(t, tupleGetItem(t, pair, 0)));
    values.push(tupleGetItem(t, pair, 1)); // the caller's dict keeps it
    decref(t.rc, pair);
  }
  return unpack(t, spec, nargs, (i) => tupleGetItem(t, args, i), names, values, out);
}

/**
 * `_PyNumber_Index` then `PyLong_AsSsize_t`: the clinic `Py_ssize_t`
 * converter. The value, or undefined with TypeError ("'str' object cannot
 * be interpreted as an integer") or OverflowError ("Python int too large
 * to convert to C ssize_t") past CPython's 64 bits. A value between
 * ±2^53 and ±2^63 comes back as ±(2^53 − 1), past any size an object can
 * have, so that callers raise what CPython raises for it.
 * @public
 */
export function ssizeArg(t: ObThread, op: number): number | undefined {
  return indexInRange(t, op, 2n ** 63n, 'ssize_t');
}

/** The clinic `int` converter (`PyLong_AsInt` after `__index__`): as {@link ssizeArg}, within 32 bits ("Python int too large to convert to C int"). @public */
export function cIntArg(t: ObThread, op: number): number | undefined {
  return indexInRange(t, op, 2n ** 31n, 'int');
}

function indexInRange(t: ObThread, op: number, bound: bigint, ctype: string): number | undefined {
  const index = numberIndex(t, op);
  if (index === 0) return undefined;
  if (intIsCompact(t, index)) {
    const v = intCompactValue(t, index);
    decref(t.rc, index);
    return v;
  }
  const v = intAsBigInt(t, index);
  decref(t.rc, index);
  if (v >= bound || v < -bound) {
    errRaise(t, StaticType.OverflowError, `Python int too large to convert to C ${ctype}`);
    return undefined;
  }
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(v);
}

/**
 * `_PyEval_SliceIndex`: a slice bound (`start`/`end` of `str.find`) —
 * null for None (and for a parameter not given, 0), else its `__index__`
 * clamped (`PyNumber_AsSsize_t(v, NULL)`); undefined with TypeError "slice
 * indices must be integers or None or have an __index__ method".
 * @public
 */
export function sliceIndexArg(t: ObThread, op: number): number | null | undefined {
  if (op === 0 || op === t.none) return null;
  if (!indexCheck(t, op)) {
    errRaise(t, StaticType.TypeError, 'slice indices must be integers or None or have an __index__ method');
    return undefined;
  }
  const n = numberAsSsize(t, op, null);
  return n === -1 && errOccurred(t) !== 0 ? undefined : n;
}

/**
 * `_PyEval_SliceIndexNotNone` (`list.index`'s `start` and `stop`): as
 * {@link sliceIndexArg} without None ("slice indices must be integers or
 * have an __index__ method"); `dflt` when the parameter was not given (0).
 * @public
 */
export function sliceIndexNotNoneArg(t: ObThread, op: number, dflt: number): number | undefined {
  if (op === 0) return dflt;
  if (!indexCheck(t, op)) {
    errRaise(t, StaticType.TypeError, 'slice indices must be integers or have an __index__ method');
    return undefined;
  }
  const n = numberAsSsize(t, op, null);
  return n === -1 && errOccurred(t) !== 0 ? undefined : n;
}

/** The clinic `bool` converter (`PyObject_IsTrue`): `dflt` when not given (0); undefined with the exception `__bool__` raised. @public */
export function boolArg(t: ObThread, op: number, dflt: boolean): boolean | undefined {
  if (op === 0) return dflt;
  const r = objectIsTrue(t, op);
  return r < 0 ? undefined : r === 1;
}

/** Whether `op` is a str or an instance of a subclass (`PyUnicode_Check`). @public */
export function isStr(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_UNICODE_SUBCLASS);
}

/**
 * The clinic `str` converter of a `const char *` parameter (`encoding`,
 * `errors`): null when not given (0), the text, or undefined with
 * TypeError "encode() argument 'encoding' must be str, not int" /
 * ValueError "embedded null character".
 * @public
 */
export function cStringArg(t: ObThread, fname: string, which: string | number, op: number): string | null | undefined {
  if (op === 0) return null;
  if (!isStr(t, op)) {
    badArgument(t, fname, which, 'str', op);
    return undefined;
  }
  const text = strToJs(t, op);
  if (text.includes('\0')) {
    errRaise(t, StaticType.ValueError, 'embedded null character');
    return undefined;
  }
  return text;
}
