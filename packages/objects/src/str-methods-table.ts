/**
 * `str`'s Python-visible methods and constructor (`unicode_methods`,
 * `unicode_new` of `Objects/unicodeobject.c`): wrappers that parse the
 * arguments as Argument Clinic does (`Py_ssize_t` widths and counts,
 * `_PyEval_SliceIndex` bounds, `bool` flags) and call the implementations
 * of str-methods.ts and str-case.ts, which check their str arguments
 * themselves with CPython's messages.
 *
 * `str(object='', encoding, errors)`: without an encoding or errors,
 * `PyObject_Str(object)`; with them, bytes or a bytearray decoded
 * (codecs.ts). `format`, `format_map`, `__format__` and `%` are
 * str-format.ts's, format-builtin.ts's and str-percent.ts's; `encode` is
 * codecs.ts's.
 *
 * Iteration (`iter('ab')`) is a stopgap until str gets its own iterator
 * type (there is no static type id for `str_ascii_iterator` yet): an
 * iterator over a tuple of the one-code-point strs, made at once.
 */

import { decref } from '@ft/refcount';
import { boolArg, checkPositional, cIntArg, cStringArg, badArgument, isStr, sliceIndexArg, ssizeArg, unpackKeywords, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { objectLength } from './abstract.js';
import { objectCheckBuffer } from './buffer.js';
import { bytesFromBytes } from './bytes.js';
import { bytesDecode } from './bytes-methods.js';
import { strEncodeJs } from './codecs.js';
import { dictNew, dictSetItem, dictSize } from './dict.js';
import { strFormat } from './format-builtin.js';
import { strFormatArgs, strFormatMap } from './str-format.js';
import { strPercentFormat } from './str-percent.js';
import { strMakeTrans, strTranslate } from './str-translate.js';
import { errRaise } from './errors.js';
import { objectStr } from './exceptions.js';
import { subtypeFromExact } from './heap-type.js';
import { intFromNumber } from './int.js';
import { StaticType } from './layout.js';
import { arg, boolResult, CLASS, FASTCALL, FASTCALL_KEYWORDS, MethodTable, newRef, NOARGS, ONE_ARG, type BuiltinTypeAdditions, type MethodFn } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import {
  strCapitalize,
  strCasefold,
  strIsAlnum,
  strIsAlpha,
  strIsAscii,
  strIsDecimal,
  strIsDigit,
  strIsIdentifier,
  strIsLower,
  strIsNumeric,
  strIsPrintable,
  strIsSpace,
  strIsTitle,
  strIsUpper,
  strLower,
  strSwapcase,
  strTitle,
  strUpper,
} from './str-case.js';
import {
  strCenter,
  strCount,
  strEndsWith,
  strExpandtabs,
  strExact,
  strFind,
  strGetItem,
  strGetSlice,
  strIndex,
  strJoin,
  strLjust,
  strLstrip,
  strPartition,
  strReplace,
  strRfind,
  strRindex,
  strRjust,
  strRpartition,
  strRsplit,
  strRstrip,
  strSplit,
  strSplitlines,
  strStartsWith,
  strStrip,
  strZfill,
} from './str-methods.js';
import { strCheckExact } from './str.js';
import { strLength } from './str-read.js';
import { typeNameOf } from './subtype.js';
import { tupleFromArray, tupleGetItem, tupleIter, tupleNew, tupleSetItemInit, tupleSize } from './tuple.js';

const SPLIT: ArgSpec = { fname: 'split', posonly: 0, names: ['sep', 'maxsplit'], minpos: 0, maxpos: 2 };
const RSPLIT: ArgSpec = { ...SPLIT, fname: 'rsplit' };
const SPLITLINES: ArgSpec = { fname: 'splitlines', posonly: 0, names: ['keepends'], minpos: 0, maxpos: 1 };
const REPLACE: ArgSpec = { fname: 'replace', posonly: 2, names: ['count'], minpos: 2, maxpos: 3 };
const EXPANDTABS: ArgSpec = { fname: 'expandtabs', posonly: 0, names: ['tabsize'], minpos: 0, maxpos: 1 };
const STR: ArgSpec = { fname: 'str', posonly: 0, names: ['object', 'encoding', 'errors'], minpos: 0, maxpos: 3 };
const ENCODE: ArgSpec = { fname: 'encode', posonly: 0, names: ['encoding', 'errors'], minpos: 0, maxpos: 2 };

/** This thread's scratch for parsed arguments (module scope is per thread; no call nests inside a parse). */
const parsed: number[] = [];

type Search = (t: ObThread, s: number, sub: number, start: number | null, end: number | null) => number;

/** `find`, `rfind`, `index`, `rindex`, `count`, `startswith`, `endswith`: `(sub, start=None, end=None, /)`; `failed` is the implementation's error value. */
function searchMethod(name: string, search: Search, failed: number, asBool: boolean): MethodFn {
  return (t, self, args, nargs) => {
    if (!checkPositional(t, name, nargs, 1, 3)) return 0;
    const start = sliceIndexArg(t, nargs > 1 ? arg(t, args, 1) : 0);
    if (start === undefined) return 0;
    const end = sliceIndexArg(t, nargs > 2 ? arg(t, args, 2) : 0);
    if (end === undefined) return 0;
    const r = search(t, self, arg(t, args, 0), start, end);
    if (r === failed) return 0;
    return asBool ? boolResult(t, r === 1) : intFromNumber(t, r);
  };
}

/** `center`, `ljust`, `rjust`: `(width, fillchar=' ', /)`. */
function padMethod(name: string, pad: (t: ObThread, s: number, width: number, fill: number) => number): MethodFn {
  return (t, self, args, nargs) => {
    if (!checkPositional(t, name, nargs, 1, 2)) return 0;
    const width = ssizeArg(t, arg(t, args, 0));
    if (width === undefined) return 0;
    return pad(t, self, width, nargs > 1 ? arg(t, args, 1) : 0);
  };
}

/** `strip`, `lstrip`, `rstrip`: `(chars=None, /)`. */
function stripMethod(name: string, strip: (t: ObThread, s: number, chars: number) => number): MethodFn {
  return (t, self, args, nargs) => {
    if (!checkPositional(t, name, nargs, 0, 1)) return 0;
    return strip(t, self, nargs > 0 ? arg(t, args, 0) : 0);
  };
}

/** `split`, `rsplit`: `(sep=None, maxsplit=-1)`. */
function splitMethod(spec: ArgSpec, split: (t: ObThread, s: number, sep: number, maxsplit: number) => number): MethodFn {
  return (t, self, args, nargs, kwnames) => {
    if (!unpackKeywords(t, spec, args, nargs, kwnames, parsed)) return 0;
    const sep = parsed[0]!;
    const maxsplit = parsed[1] === 0 ? -1 : ssizeArg(t, parsed[1]!);
    if (maxsplit === undefined) return 0;
    return split(t, self, sep, maxsplit);
  };
}

/** `removeprefix`, `removesuffix`: `(affix, /)`; `s` itself (an exact copy for a subclass) when it does not start or end so. */
function removeAffixMethod(name: string, atEnd: boolean): MethodFn {
  return (t, self, args) => {
    const affix = arg(t, args, 0);
    if (!isStr(t, affix)) return badArgument(t, name, null, 'str', affix);
    const found = atEnd ? strEndsWith(t, self, affix) : strStartsWith(t, self, affix);
    if (found < 0) return 0;
    const n = strLength(t, affix);
    if (found === 0 || n === 0) return strGetSlice(t, self, null, null);
    return atEnd ? strGetSlice(t, self, null, strLength(t, self) - n) : strGetSlice(t, self, n, null);
  };
}

/** The keyword arguments of a vectorcall as a new dict, or 0 when there are none (or with MemoryError). */
function keywordsDict(t: ObThread, args: number, nargs: number, kwnames: number): number {
  const n = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  if (n === 0) return 0;
  const d = dictNew(t);
  if (d === 0) return 0;
  for (let k = 0; k < n; k++) {
    if (dictSetItem(t, d, tupleGetItem(t, kwnames, k), arg(t, args, nargs + k)) < 0) {
      decref(t.rc, d);
      return 0;
    }
  }
  return d;
}

/**
 * A stopgap `tp_iter` for str (file comment): an iterator over a tuple of
 * `s`'s code points as one-code-point strs; 0 with MemoryError.
 * @internal
 */
export function strIterStopgap(t: ObThread, s: number): number {
  const n = strLength(t, s);
  const chars = tupleNew(t, n);
  if (chars === 0) return 0;
  for (let i = 0; i < n; i++) {
    const c = strGetItem(t, s, i);
    if (c === 0) {
      for (let j = i; j < n; j++) tupleSetItemInit(t, chars, j, newRef(t, t.none));
      decref(t.rc, chars);
      return 0;
    }
    tupleSetItemInit(t, chars, i, c);
  }
  const it = tupleIter(t, chars);
  decref(t.rc, chars);
  return it;
}

/**
 * `unicode_new_impl(type, object, encoding, errors)`: `''`, `str(object)`,
 * or the decoding of a bytes-like object; 0 with CPython's TypeErrors.
 */
function strNewImpl(t: ObThread, x: number, encoding: number, errors: number): number {
  if (x === 0) return newRef(t, t.emptyStr);
  if (encoding === 0 && errors === 0) return objectStr(t, x);
  const enc = cStringArg(t, 'str', 'encoding', encoding);
  if (enc === undefined) return 0;
  const err = cStringArg(t, 'str', 'errors', errors);
  if (err === undefined) return 0;
  // `PyUnicode_FromEncodedObject`: bytes or a buffer decoded (an empty one without looking the codec up); never a str.
  if (isStr(t, x)) return errRaise(t, StaticType.TypeError, 'decoding str is not supported');
  if (!objectCheckBuffer(t, x)) return errRaise(t, StaticType.TypeError, `decoding to str: need a bytes-like object, ${typeNameOf(t, x)} found`);
  if (objectLength(t, x) === 0) return newRef(t, t.emptyStr);
  return bytesDecode(t, x, enc ?? 'utf-8', err ?? 'strict');
}

/** Registers str's methods and constructor; returns them for str's spec. @internal */
export function registerStrMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'str');
  const unary = (name: string, fn: (t: ObThread, s: number) => number) => table.method(name, NOARGS, (t, self) => fn(t, self));
  const predicate = (name: string, fn: (t: ObThread, s: number) => boolean) => table.method(name, NOARGS, (t, self) => boolResult(t, fn(t, self)));

  table
    .method('find', FASTCALL, searchMethod('find', strFind, -2, false))
    .method('rfind', FASTCALL, searchMethod('rfind', strRfind, -2, false))
    .method('index', FASTCALL, searchMethod('index', strIndex, -1, false))
    .method('rindex', FASTCALL, searchMethod('rindex', strRindex, -1, false))
    .method('count', FASTCALL, searchMethod('count', strCount, -1, false))
    .method('startswith', FASTCALL, searchMethod('startswith', strStartsWith, -1, true))
    .method('endswith', FASTCALL, searchMethod('endswith', strEndsWith, -1, true))
    .method('join', ONE_ARG, (t, self, args) => strJoin(t, self, arg(t, args, 0)))
    .method('split', FASTCALL_KEYWORDS, splitMethod(SPLIT, strSplit))
    .method('rsplit', FASTCALL_KEYWORDS, splitMethod(RSPLIT, strRsplit))
    .method('splitlines', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, SPLITLINES, args, nargs, kwnames, parsed)) return 0;
      const keepends = boolArg(t, parsed[0]!, false);
      return keepends === undefined ? 0 : strSplitlines(t, self, keepends);
    })
    .method('replace', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, REPLACE, args, nargs, kwnames, parsed)) return 0;
      const [old, replacement, countArg] = parsed as [number, number, number];
      const count = countArg === 0 ? -1 : ssizeArg(t, countArg);
      return count === undefined ? 0 : strReplace(t, self, old, replacement, count);
    })
    .method('strip', FASTCALL, stripMethod('strip', strStrip))
    .method('lstrip', FASTCALL, stripMethod('lstrip', strLstrip))
    .method('rstrip', FASTCALL, stripMethod('rstrip', strRstrip))
    .method('partition', ONE_ARG, (t, self, args) => strPartition(t, self, arg(t, args, 0)))
    .method('rpartition', ONE_ARG, (t, self, args) => strRpartition(t, self, arg(t, args, 0)))
    .method('center', FASTCALL, padMethod('center', strCenter))
    .method('ljust', FASTCALL, padMethod('ljust', strLjust))
    .method('rjust', FASTCALL, padMethod('rjust', strRjust))
    .method('zfill', ONE_ARG, (t, self, args) => {
      const width = ssizeArg(t, arg(t, args, 0));
      return width === undefined ? 0 : strZfill(t, self, width);
    })
    .method('expandtabs', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, EXPANDTABS, args, nargs, kwnames, parsed)) return 0;
      const tabsize = parsed[0] === 0 ? 8 : cIntArg(t, parsed[0]!);
      return tabsize === undefined ? 0 : strExpandtabs(t, self, tabsize);
    })
    .method('encode', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, ENCODE, args, nargs, kwnames, parsed)) return 0;
      const encoding = cStringArg(t, 'encode', 'encoding', parsed[0]!);
      if (encoding === undefined) return 0;
      const errors = cStringArg(t, 'encode', 'errors', parsed[1]!);
      if (errors === undefined) return 0;
      const data = strEncodeJs(t, self, encoding ?? 'utf-8', errors ?? 'strict');
      return data === null ? 0 : bytesFromBytes(t, data);
    })
    .method('format', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      const tuple = tupleFromArray(t, t.u32.subarray(args >>> 2, (args >>> 2) + nargs));
      if (tuple === 0) return 0;
      const kwargs = keywordsDict(t, args, nargs, kwnames);
      const r = kwargs === 0 && t.error.type !== 0 ? 0 : strFormatArgs(t, self, tuple, kwargs);
      decref(t.rc, tuple);
      if (kwargs !== 0) decref(t.rc, kwargs);
      return r;
    })
    .method('format_map', ONE_ARG, (t, self, args) => strFormatMap(t, self, arg(t, args, 0)))
    .method('__format__', ONE_ARG, (t, self, args) => {
      const spec = arg(t, args, 0);
      return isStr(t, spec) ? strFormat(t, self, spec) : badArgument(t, '__format__', null, 'str', spec);
    })
    .method('removeprefix', ONE_ARG, removeAffixMethod('removeprefix', false))
    .method('removesuffix', ONE_ARG, removeAffixMethod('removesuffix', true))
    .method('translate', ONE_ARG, (t, self, args) => strTranslate(t, self, arg(t, args, 0)))
    // A static method in CPython; a class method here (its receiver unused), called the same way.
    .method('maketrans', CLASS | FASTCALL, (t, _cls, args, nargs) => strMakeTrans(t, args, nargs));
  unary('upper', strUpper);
  unary('lower', strLower);
  unary('casefold', strCasefold);
  unary('capitalize', strCapitalize);
  unary('title', strTitle);
  unary('swapcase', strSwapcase);
  predicate('isalpha', strIsAlpha);
  predicate('isdecimal', strIsDecimal);
  predicate('isdigit', strIsDigit);
  predicate('isnumeric', strIsNumeric);
  predicate('isalnum', strIsAlnum);
  predicate('isspace', strIsSpace);
  predicate('isprintable', strIsPrintable);
  predicate('isascii', strIsAscii);
  predicate('islower', strIsLower);
  predicate('isupper', strIsUpper);
  predicate('istitle', strIsTitle);
  predicate('isidentifier', strIsIdentifier);

  const newId = slots.add('new', 'str', (t, type, args, kwargs) => {
    // `unicode_vectorcall` counts positional arguments itself; with keywords, `unicode_new`'s clinic parser.
    let exact: number;
    if (kwargs === 0 || dictSize(t, kwargs) === 0) {
      const n = tupleSize(t, args);
      if (!checkPositional(t, 'str', n, 0, 3)) return 0;
      exact = strNewImpl(t, n > 0 ? tupleGetItem(t, args, 0) : 0, n > 1 ? tupleGetItem(t, args, 1) : 0, n > 2 ? tupleGetItem(t, args, 2) : 0);
    } else {
      if (!unpackKeywordsTuple(t, STR, args, kwargs, parsed)) return 0;
      exact = strNewImpl(t, parsed[0]!, parsed[1]!, parsed[2]!);
    }
    // A subclass's instance copies the exact str (`unicode_subtype_new`; str(x) may return a str subclass's instance as it is).
    if (type === t.types[StaticType.Str]) return exact;
    if (exact !== 0 && !strCheckExact(t, exact)) {
      const copy = strExact(t, exact);
      decref(t.rc, exact);
      exact = copy;
    }
    return subtypeFromExact(t, type, exact);
  });
  return table.done({
    new: newId,
    iter: slots.add('iter', 'str', strIterStopgap),
    // `unicode_mod`: `format % args` when the left operand is a str.
    remainder: slots.add('remainder', 'str', (t, v, w) => (isStr(t, v) ? strPercentFormat(t, v, w) : newRef(t, t.notImplemented))),
  });
}
