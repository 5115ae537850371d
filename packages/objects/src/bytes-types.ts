/**
 * Registration of the static types StaticType.Bytes … StaticType.ByteArrayIter
 * (bytes.ts, bytearray.ts, bytes-methods.ts): their behaviours, slots,
 * Python-visible methods and constructors, and specs, in StaticType order.
 *
 * The methods are builtins of the vectorcall shape (`METH_FASTCALL`,
 * `METH_NOARGS`, `METH_O`), with the argument parsing Argument Clinic
 * generates for CPython 3.13's `bytes`/`bytearray` and its messages
 * ("count expected at least 1 argument, got 0", "slice indices must be
 * integers or None or have an __index__ method", "split() got an
 * unexpected keyword argument 'x'", "decode() argument 'encoding' must be
 * str, not int"), then the C-level functions of those files.
 */

import { decref, incref, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import { numberIndex } from './abstract-number.js';
import { METH_CLASS, METH_FASTCALL, METH_KEYWORDS, METH_NOARGS, METH_O } from './builtin-function.js';
import {
  byteArrayAlloc,
  byteArrayAppend,
  byteArrayAssSubscript,
  byteArrayCheck,
  byteArrayClear,
  byteArrayConcat,
  byteArrayDealloc,
  byteArrayExtend,
  byteArrayGetItem,
  byteArrayGetSlice,
  byteArrayInit,
  byteArrayInplaceConcat,
  byteArrayInplaceRepeat,
  byteArrayInsert,
  byteArrayIter,
  byteArrayIterNext,
  byteArrayNew,
  byteArrayPop,
  byteArrayRemove,
  byteArrayRepeat,
  byteArrayReprJs,
  byteArrayRichCompare,
  byteArraySize,
  byteArraySubscript,
} from './bytearray.js';
import {
  bytesCheck,
  bytesConcat,
  bytesDealloc,
  bytesHash,
  bytesItem,
  bytesIter,
  bytesIterDealloc,
  bytesIterNext,
  bytesIterTraverse,
  bytesNew,
  bytesRepeat,
  bytesReprJs,
  bytesRichCompare,
  bytesSize,
  bytesSubscript,
} from './bytes.js';
import {
  bytesCapitalize,
  bytesContains,
  bytesCount,
  bytesDecode,
  bytesEndsWith,
  bytesFind,
  bytesFromHex,
  bytesHex,
  bytesIndex,
  bytesIsAlnum,
  bytesIsAlpha,
  bytesIsAscii,
  bytesIsDigit,
  bytesIsLower,
  bytesIsSpace,
  bytesIsTitle,
  bytesIsUpper,
  bytesJoin,
  bytesLower,
  bytesLstrip,
  bytesReplace,
  bytesRfind,
  bytesRindex,
  bytesRsplit,
  bytesRstrip,
  bytesSplit,
  bytesStartsWith,
  bytesStrip,
  bytesSwapcase,
  bytesTitle,
  bytesUpper,
} from './bytes-methods.js';
import { byteArrayReverse, bytesExpandtabs, bytesMakeTrans, bytesPad, bytesPartition, bytesRemoveAffix, bytesSplitlines, bytesTranslate, bytesZfill, fillCharArg, type PadKind } from './bytes-text-methods.js';
import { objectIsTrue } from './abstract.js';
import { errOccurred, errRaise, errUnhashable } from './errors.js';
import { typeGenericAlloc } from './heap-type.js';
import { intAsNumber, intFromNumber } from './int.js';
import { BYTEARRAY_OBJECT_SIZE, BYTES_BASIC_SIZE, BYTES_DATA_OFFSET, BYTES_HASH_OFFSET, SEQITER_SIZE, StaticType, TPFLAGS_BYTES_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { bytesPercentFormat } from './str-percent.js';
import { strCheck } from './str-methods.js';
import { strToJs } from './str-read.js';
import { typeNameOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import type { BuiltinTypeSpec, MethodSpec } from './type-object.js';
import { dictSnapshot } from './dict.js';

type Method = (t: ObThread, self: number, args: number, nargs: number, kwnames: number) => number;

// --- Argument Clinic's checks --------------------------------------------------------------------

/** `_PyArg_CheckPositional(name, nargs, min, max)`: false with its TypeError. */
function checkPositional(t: ObThread, name: string, nargs: number, min: number, max: number): boolean {
  if (nargs < min) {
    errRaise(t, StaticType.TypeError, min === max ? `${name} expected ${min} argument${min === 1 ? '' : 's'}, got ${nargs}` : `${name} expected at least ${min} argument${min === 1 ? '' : 's'}, got ${nargs}`);
    return false;
  }
  if (nargs > max) {
    errRaise(t, StaticType.TypeError, min === max ? `${name} expected ${max} argument${max === 1 ? '' : 's'}, got ${nargs}` : `${name} expected at most ${max} argument${max === 1 ? '' : 's'}, got ${nargs}`);
    return false;
  }
  return true;
}

/**
 * `_PyArg_UnpackKeywords` for `names` (all optional, positional or by
 * keyword): the arguments by position (0: not given), or null with
 * TypeError ("split() takes at most 2 arguments (3 given)", "split() got
 * an unexpected keyword argument 'x'", "argument for split() given by
 * name ('sep') and position (1)").
 */
function unpackKeywords(t: ObThread, fname: string, args: number, nargs: number, kwnames: number, names: readonly string[]): number[] | null {
  const nkw = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  if (nargs + nkw > names.length || nargs > names.length) {
    errRaise(t, StaticType.TypeError, `${fname}() takes at most ${names.length} argument${names.length === 1 ? '' : 's'} (${nargs + nkw} given)`);
    return null;
  }
  const out: number[] = names.map((_, i) => (i < nargs ? t.u32[(args >>> 2) + i]! : 0));
  for (let k = 0; k < nkw; k++) {
    const key = strToJs(t, tupleGetItem(t, kwnames, k));
    const i = names.indexOf(key);
    if (i < 0) {
      errRaise(t, StaticType.TypeError, `${fname}() got an unexpected keyword argument '${key}'`);
      return null;
    }
    if (i < nargs) {
      errRaise(t, StaticType.TypeError, `argument for ${fname}() given by name ('${key}') and position (${i + 1})`);
      return null;
    }
    out[i] = t.u32[(args >>> 2) + nargs + k]!;
  }
  return out;
}

/** The `args[i]` word. */
function arg(t: ObThread, args: number, i: number): number {
  return t.u32[(args >>> 2) + i]!;
}

/**
 * `_PyEval_SliceIndex` (the `slice_index` converter): null for None or an
 * absent argument, an `__index__` value (huge ones clamped past any
 * length), or undefined with TypeError "slice indices must be integers or
 * None or have an __index__ method".
 */
function sliceIndex(t: ObThread, op: number): number | null | undefined {
  if (op === 0 || op === t.none) return null;
  const index = indexValue(t, op, null);
  if (index === undefined) {
    if (errOccurred(t) !== 0 && t.error.message.endsWith('cannot be interpreted as an integer')) errRaise(t, StaticType.TypeError, 'slice indices must be integers or None or have an __index__ method');
    return undefined;
  }
  return index;
}

/**
 * An `__index__` value as a JavaScript number, or undefined with the
 * error: with `overflow`, OverflowError "Python int too large to convert
 * to C ssize_t" past ±2^63 (`int` converters: past ±2^31, "… to C int");
 * without, clamped.
 */
function indexValue(t: ObThread, op: number, overflow: 'ssize_t' | 'int' | null): number | undefined {
  const index = numberIndex(t, op);
  if (index === 0) return undefined;
  const v = intAsNumber(t, index);
  decref(t.rc, index);
  const limit = overflow === 'int' ? 2 ** 31 : 2 ** 63;
  if (v >= limit || v < -limit) {
    if (overflow !== null) {
      errRaise(t, StaticType.OverflowError, `Python int too large to convert to C ${overflow}`);
      return undefined;
    }
    return v < 0 ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  }
  return Number.isSafeInteger(v) ? v : v < 0 ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
}

/** A `str` converter's value (`const char *`): null for absent, or undefined with TypeError "decode() argument 'encoding' must be str, not int" / ValueError "embedded null character". */
function strArg(t: ObThread, fname: string, what: string, op: number): string | null | undefined {
  if (op === 0) return null;
  if (!strCheck(t, op)) {
    errRaise(t, StaticType.TypeError, `${fname}() argument ${what} must be str, not ${typeNameOf(t, op)}`);
    return undefined;
  }
  const s = strToJs(t, op);
  if (s.includes('\0')) {
    errRaise(t, StaticType.ValueError, 'embedded null character');
    return undefined;
  }
  return s;
}

/** A method's int result (`PyLong_FromSsize_t`), or 0 when `n` is the error value `bad`. */
function intResult(t: ObThread, n: number, bad: number): number {
  return n === bad && errOccurred(t) !== 0 ? 0 : intFromNumber(t, n);
}

/** A predicate's result: True or False (immortal). */
function boolResult(t: ObThread, v: boolean): number {
  return v ? t.true : t.false;
}

/** `Py_RETURN_NONE`, or 0 for a failed status. */
function noneResult(t: ObThread, status: number): number {
  if (status < 0) return 0;
  incref(t.rc, t.none);
  return t.none;
}

// --- the methods ---------------------------------------------------------------------------------------

/** `count`/`find`/`rfind`/`index`/`rindex`: `(sub[, start[, end]])`, positional only (`METH_FASTCALL`). */
function searchMethod(name: string, fn: (t: ObThread, self: number, sub: number, start: number | null, end: number | null) => number, bad: number): Method {
  return (t, self, args, nargs) => {
    if (!checkPositional(t, name, nargs, 1, 3)) return 0;
    const start = nargs > 1 ? sliceIndex(t, arg(t, args, 1)) : null;
    if (start === undefined) return 0;
    const end = nargs > 2 ? sliceIndex(t, arg(t, args, 2)) : null;
    if (end === undefined) return 0;
    return intResult(t, fn(t, self, arg(t, args, 0), start, end), bad);
  };
}

/** `startswith`/`endswith`: `(prefix[, start[, end]])`. */
function tailMethod(name: string, fn: (t: ObThread, self: number, prefix: number, start: number | null, end: number | null) => number): Method {
  return (t, self, args, nargs) => {
    if (!checkPositional(t, name, nargs, 1, 3)) return 0;
    const start = nargs > 1 ? sliceIndex(t, arg(t, args, 1)) : null;
    if (start === undefined) return 0;
    const end = nargs > 2 ? sliceIndex(t, arg(t, args, 2)) : null;
    if (end === undefined) return 0;
    const r = fn(t, self, arg(t, args, 0), start, end);
    return r < 0 ? 0 : boolResult(t, r === 1);
  };
}

/** `split`/`rsplit`: `(sep=None, maxsplit=-1)`, by position or keyword. */
function splitMethod(name: string, fn: (t: ObThread, self: number, sep: number, maxsplit: number) => number): Method {
  return (t, self, args, nargs, kwnames) => {
    const a = unpackKeywords(t, name, args, nargs, kwnames, ['sep', 'maxsplit']);
    if (a === null) return 0;
    let maxsplit = -1;
    if (a[1] !== 0) {
      const v = indexValue(t, a[1]!, 'ssize_t');
      if (v === undefined) return 0;
      maxsplit = v;
    }
    return fn(t, self, a[0]!, maxsplit);
  };
}

/** `strip`/`lstrip`/`rstrip`: `([bytes])`. */
function stripMethod(name: string, fn: (t: ObThread, self: number, chars: number) => number): Method {
  return (t, self, args, nargs) => (checkPositional(t, name, nargs, 0, 1) ? fn(t, self, nargs > 0 ? arg(t, args, 0) : 0) : 0);
}

/** `bytes.replace(old, new, count=-1, /)`. */
const replaceMethod: Method = (t, self, args, nargs) => {
  if (!checkPositional(t, 'replace', nargs, 2, 3)) return 0;
  let count = -1;
  if (nargs > 2) {
    const v = indexValue(t, arg(t, args, 2), 'ssize_t');
    if (v === undefined) return 0;
    count = v;
  }
  return bytesReplace(t, self, arg(t, args, 0), arg(t, args, 1), count);
};

/** `bytes.hex(sep=<absent>, bytes_per_sep=1)`. */
const hexMethod: Method = (t, self, args, nargs, kwnames) => {
  const a = unpackKeywords(t, 'hex', args, nargs, kwnames, ['sep', 'bytes_per_sep']);
  if (a === null) return 0;
  let perSep = 1;
  if (a[1] !== 0) {
    const v = indexValue(t, a[1]!, 'int');
    if (v === undefined) return 0;
    perSep = v;
  }
  return bytesHex(t, self, a[0]!, perSep);
};

/** `bytes.decode(encoding='utf-8', errors='strict')`. */
const decodeMethod: Method = (t, self, args, nargs, kwnames) => {
  const a = unpackKeywords(t, 'decode', args, nargs, kwnames, ['encoding', 'errors']);
  if (a === null) return 0;
  const encoding = strArg(t, 'decode', "'encoding'", a[0]!);
  if (encoding === undefined) return 0;
  const errors = strArg(t, 'decode', "'errors'", a[1]!);
  if (errors === undefined) return 0;
  return bytesDecode(t, self, encoding ?? 'utf-8', errors ?? 'strict');
};

/** The methods both types have, for `owner` ('bytes' or 'bytearray'). */
function sharedMethods(method: (name: string, flags: number, fn: Method) => MethodSpec): MethodSpec[] {
  const noargs = (name: string, fn: (t: ObThread, self: number) => number): MethodSpec => method(name, METH_NOARGS, (t, self) => fn(t, self));
  const predicate = (name: string, fn: (t: ObThread, self: number) => boolean): MethodSpec => method(name, METH_NOARGS, (t, self) => boolResult(t, fn(t, self)));
  return [
    method('count', METH_FASTCALL, searchMethod('count', bytesCount, -1)),
    method('find', METH_FASTCALL, searchMethod('find', bytesFind, -2)),
    method('rfind', METH_FASTCALL, searchMethod('rfind', bytesRfind, -2)),
    method('index', METH_FASTCALL, searchMethod('index', bytesIndex, -1)),
    method('rindex', METH_FASTCALL, searchMethod('rindex', bytesRindex, -1)),
    method('startswith', METH_FASTCALL, tailMethod('startswith', bytesStartsWith)),
    method('endswith', METH_FASTCALL, tailMethod('endswith', bytesEndsWith)),
    method('split', METH_FASTCALL | METH_KEYWORDS, splitMethod('split', bytesSplit)),
    method('rsplit', METH_FASTCALL | METH_KEYWORDS, splitMethod('rsplit', bytesRsplit)),
    method('join', METH_O, (t, self, args) => bytesJoin(t, self, arg(t, args, 0))),
    method('replace', METH_FASTCALL, replaceMethod),
    method('strip', METH_FASTCALL, stripMethod('strip', bytesStrip)),
    method('lstrip', METH_FASTCALL, stripMethod('lstrip', bytesLstrip)),
    method('rstrip', METH_FASTCALL, stripMethod('rstrip', bytesRstrip)),
    noargs('upper', bytesUpper),
    noargs('lower', bytesLower),
    noargs('swapcase', bytesSwapcase),
    noargs('capitalize', bytesCapitalize),
    noargs('title', bytesTitle),
    predicate('isdigit', bytesIsDigit),
    predicate('isalpha', bytesIsAlpha),
    predicate('isalnum', bytesIsAlnum),
    predicate('isspace', bytesIsSpace),
    predicate('islower', bytesIsLower),
    predicate('isupper', bytesIsUpper),
    predicate('istitle', bytesIsTitle),
    predicate('isascii', bytesIsAscii),
    method('hex', METH_FASTCALL | METH_KEYWORDS, hexMethod),
    method('fromhex', METH_O | METH_CLASS, (t, cls, args) => bytesFromHex(t, cls, arg(t, args, 0))),
    method('decode', METH_FASTCALL | METH_KEYWORDS, decodeMethod),
    method('center', METH_FASTCALL, padMethod('center')),
    method('ljust', METH_FASTCALL, padMethod('ljust')),
    method('rjust', METH_FASTCALL, padMethod('rjust')),
    method('zfill', METH_O, (t, self, args) => {
      const width = indexValue(t, arg(t, args, 0), 'ssize_t');
      return width === undefined ? 0 : bytesZfill(t, self, width);
    }),
    method('expandtabs', METH_FASTCALL | METH_KEYWORDS, (t, self, args, nargs, kwnames) => {
      const a = unpackKeywords(t, 'expandtabs', args, nargs, kwnames, ['tabsize']);
      if (a === null) return 0;
      const tabsize = a[0] === 0 ? 8 : indexValue(t, a[0]!, 'int');
      return tabsize === undefined ? 0 : bytesExpandtabs(t, self, tabsize);
    }),
    method('partition', METH_O, (t, self, args) => bytesPartition(t, self, arg(t, args, 0), false)),
    method('rpartition', METH_O, (t, self, args) => bytesPartition(t, self, arg(t, args, 0), true)),
    method('splitlines', METH_FASTCALL | METH_KEYWORDS, (t, self, args, nargs, kwnames) => {
      const a = unpackKeywords(t, 'splitlines', args, nargs, kwnames, ['keepends']);
      if (a === null) return 0;
      const keepends = a[0] === 0 ? 0 : objectIsTrue(t, a[0]!);
      return keepends < 0 ? 0 : bytesSplitlines(t, self, keepends === 1);
    }),
    method('removeprefix', METH_O, (t, self, args) => bytesRemoveAffix(t, self, arg(t, args, 0), false)),
    method('removesuffix', METH_O, (t, self, args) => bytesRemoveAffix(t, self, arg(t, args, 0), true)),
    // A static method in CPython; a class method here (its receiver unused), called the same way.
    method('maketrans', METH_FASTCALL | METH_CLASS, (t, _cls, args, nargs) => (checkPositional(t, 'maketrans', nargs, 2, 2) ? bytesMakeTrans(t, arg(t, args, 0), arg(t, args, 1)) : 0)),
    method('translate', METH_FASTCALL | METH_KEYWORDS, translateMethod),
  ];
}

/** `center`/`ljust`/`rjust`: `(width, fillchar=b' ', /)`. */
function padMethod(name: PadKind): Method {
  return (t, self, args, nargs) => {
    if (!checkPositional(t, name, nargs, 1, 2)) return 0;
    const width = indexValue(t, arg(t, args, 0), 'ssize_t');
    if (width === undefined) return 0;
    const fill = nargs > 1 ? fillCharArg(t, name, arg(t, args, 1)) : 0x20;
    return fill < 0 ? 0 : bytesPad(t, self, name, width, fill);
  };
}

/** `bytes.translate(table, /, delete=b'')`. */
const translateMethod: Method = (t, self, args, nargs, kwnames) => {
  const a = unpackKeywords(t, 'translate', args, nargs, kwnames, ['table', 'delete']);
  if (a === null) return 0;
  if (nargs < 1) return errRaise(t, StaticType.TypeError, 'translate() takes at least 1 positional argument (0 given)');
  return bytesTranslate(t, self, a[0]!, a[1]!);
};

// --- constructors ------------------------------------------------------------------------------------------

/** The `(source, encoding, errors)` of `bytes(...)` / `bytearray(...)` from a tuple and a dict: [x, encoding, errors], or null with TypeError. */
function constructorArgs(t: ObThread, fname: string, args: number, kwargs: number): [number, string | null, string | null] | null {
  const n = tupleSize(t, args);
  const names = ['source', 'encoding', 'errors'];
  // The keyword arguments as (key, value) pairs; the values stay alive in the caller's dict.
  const pairs = kwargs === 0 ? [] : dictSnapshot(t, kwargs, 2);
  if (pairs === null) return null;
  const out = [0, 0, 0];
  for (let i = 0; i < n && i < 3; i++) out[i] = tupleGetItem(t, args, i);
  let failed = false;
  if (n + pairs.length > 3) {
    errRaise(t, StaticType.TypeError, `${fname}() takes at most 3 arguments (${n + pairs.length} given)`);
    failed = true;
  }
  for (const pair of pairs) {
    if (failed) break;
    const key = tupleGetItem(t, pair, 0);
    const name = strCheck(t, key) ? strToJs(t, key) : '';
    const i = names.indexOf(name);
    if (i < 0) errRaise(t, StaticType.TypeError, `${fname}() got an unexpected keyword argument '${name}'`);
    else if (i < n) errRaise(t, StaticType.TypeError, `argument for ${fname}() given by name ('${name}') and position (${i + 1})`);
    else out[i] = tupleGetItem(t, pair, 1);
    failed = i < 0 || i < n;
  }
  for (const pair of pairs) decref(t.rc, pair);
  if (failed) return null;
  const encoding = strArg(t, fname, "'encoding'", out[1]!);
  if (encoding === undefined) return null;
  const errors = strArg(t, fname, "'errors'", out[2]!);
  if (errors === undefined) return null;
  return [out[0]!, encoding, errors];
}

/** `bytes.__new__(type, source, encoding, errors)`: an exact bytes, or a subtype's instance holding a copy. */
function bytesTypeNew(t: ObThread, type: number, args: number, kwargs: number): number {
  const parsed = constructorArgs(t, 'bytes', args, kwargs);
  if (parsed === null) return 0;
  const b = bytesNew(t, ...parsed);
  if (b === 0 || type === t.types[StaticType.Bytes]) return b;
  // `bytes_subtype_new`: the subtype's instance gets a copy of the bytes.
  const n = bytesSize(t, b);
  const op = typeGenericAlloc(t, type, n);
  if (op !== 0) {
    // SAFETY: not published yet.
    t.i32[(op + BYTES_HASH_OFFSET) >>> 2] = -1;
    if (n > 0) t.heap.copy(op + BYTES_DATA_OFFSET, b + BYTES_DATA_OFFSET, n);
  }
  decref(t.rc, b);
  return op;
}

/** `bytearray.__new__`: an empty instance (`PyType_GenericNew`); `__init__` fills it. */
function byteArrayTypeNew(t: ObThread, type: number, _args: number, _kwargs: number): number {
  if (type === t.types[StaticType.ByteArray]) return byteArrayNew(t);
  return typeGenericAlloc(t, type, 0); // zeroed: an empty bytearray without a buffer
}

/** `bytearray.__init__(source, encoding, errors)`. */
function byteArrayTypeInit(t: ObThread, self: number, args: number, kwargs: number): number {
  const parsed = constructorArgs(t, 'bytearray', args, kwargs);
  if (parsed === null) return -1;
  return byteArrayInit(t, self, ...parsed);
}

// --- registration ----------------------------------------------------------------------------------------------

/** Registers the group's behaviours and slots; returns its specs in StaticType order. @internal */
export function registerBytesTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): BuiltinTypeSpec[] {
  const ob = (): ObThread => box.t!;
  const newRef = (t: ObThread, op: number): number => {
    incref(t.rc, op);
    return op;
  };
  const methodOf =
    (owner: string) =>
    (name: string, flags: number, fn: Method): MethodSpec => ({ name, flags, fn: slots.add('vectorcall', `${owner}.${name}`, fn) });

  const bytesDeallocId = registry.add('dealloc', 'objects/bytes', (_rc, op) => bytesDealloc(ob(), op));
  const byteArrayDeallocId = registry.add('dealloc', 'objects/bytearray', (_rc, op) => byteArrayDealloc(ob(), op));
  const iterDeallocId = registry.add('dealloc', 'objects/bytes-iter', (_rc, op) => bytesIterDealloc(ob(), op));
  const iterTraverseId = registry.add('traverse', 'objects/bytes-iter', bytesIterTraverse);
  const iterIter = slots.add('iter', 'bytes_iterator', newRef);

  const bytesMethod = methodOf('bytes');
  const bytes: BuiltinTypeSpec = {
    name: 'bytes',
    baseIndex: StaticType.Object + 1,
    basicSize: BYTES_BASIC_SIZE,
    itemSize: 1,
    flags: TPFLAGS_BYTES_SUBCLASS,
    dealloc: bytesDeallocId,
    slots: {
      repr: slots.add('repr', 'bytes', (t, op) => strFromJs(t, bytesReprJs(t, op))),
      hash: slots.add('hash', 'bytes', bytesHash),
      richcompare: slots.add('richcompare', 'bytes', bytesRichCompare),
      length: slots.add('length', 'bytes', bytesSize),
      subscript: slots.add('subscript', 'bytes', bytesSubscript),
      contains: slots.add('contains', 'bytes', bytesContains),
      item: slots.add('item', 'bytes', bytesItem),
      concat: slots.add('concat', 'bytes', bytesConcat),
      repeat: slots.add('repeat', 'bytes', bytesRepeat),
      // `bytes_mod`: printf-style formatting when the left operand is bytes.
      remainder: slots.add('remainder', 'bytes', (t, v, w) => (bytesCheck(t, v) ? bytesPercentFormat(t, v, w) : newRef(t, t.notImplemented))),
      iter: slots.add('iter', 'bytes', bytesIter),
      new: slots.add('new', 'bytes', bytesTypeNew),
    },
    methods: sharedMethods(bytesMethod),
  };

  const byteArrayMethod = methodOf('bytearray');
  const byteArray: BuiltinTypeSpec = {
    name: 'bytearray',
    baseIndex: StaticType.Object + 1,
    basicSize: BYTEARRAY_OBJECT_SIZE,
    dealloc: byteArrayDeallocId,
    slots: {
      repr: slots.add('repr', 'bytearray', (t, op) => strFromJs(t, byteArrayReprJs(t, op))),
      hash: slots.add('hash', 'bytearray', errUnhashable),
      richcompare: slots.add('richcompare', 'bytearray', byteArrayRichCompare),
      length: slots.add('length', 'bytearray', byteArraySize),
      subscript: slots.add('subscript', 'bytearray', byteArraySubscript),
      assSubscript: slots.add('assSubscript', 'bytearray', byteArrayAssSubscript),
      contains: slots.add('contains', 'bytearray', bytesContains),
      item: slots.add('item', 'bytearray', byteArrayGetItem),
      concat: slots.add('concat', 'bytearray', byteArrayConcat),
      repeat: slots.add('repeat', 'bytearray', byteArrayRepeat),
      // `bytearray_mod`: printf-style formatting when the left operand is a bytearray.
      remainder: slots.add('remainder', 'bytearray', (t, v, w) => (byteArrayCheck(t, v) ? bytesPercentFormat(t, v, w) : newRef(t, t.notImplemented))),
      inplaceConcat: slots.add('inplaceConcat', 'bytearray', byteArrayInplaceConcat),
      inplaceRepeat: slots.add('inplaceRepeat', 'bytearray', byteArrayInplaceRepeat),
      iter: slots.add('iter', 'bytearray', byteArrayIter),
      new: slots.add('new', 'bytearray', byteArrayTypeNew),
      init: slots.add('init', 'bytearray', byteArrayTypeInit),
    },
    methods: [
      ...sharedMethods(byteArrayMethod),
      byteArrayMethod('append', METH_O, (t, self, args) => noneResult(t, byteArrayAppend(t, self, arg(t, args, 0)))),
      byteArrayMethod('extend', METH_O, (t, self, args) => noneResult(t, byteArrayExtend(t, self, arg(t, args, 0)))),
      byteArrayMethod('pop', METH_FASTCALL, (t, self, args, nargs) => {
        if (!checkPositional(t, 'pop', nargs, 0, 1)) return 0;
        let index = -1;
        if (nargs > 0) {
          const v = indexValue(t, arg(t, args, 0), 'ssize_t');
          if (v === undefined) return 0;
          index = v;
        }
        return byteArrayPop(t, self, index);
      }),
      byteArrayMethod('insert', METH_FASTCALL, (t, self, args, nargs) => {
        if (!checkPositional(t, 'insert', nargs, 2, 2)) return 0;
        const index = indexValue(t, arg(t, args, 0), 'ssize_t');
        if (index === undefined) return 0;
        return noneResult(t, byteArrayInsert(t, self, index, arg(t, args, 1)));
      }),
      byteArrayMethod('remove', METH_O, (t, self, args) => noneResult(t, byteArrayRemove(t, self, arg(t, args, 0)))),
      byteArrayMethod('clear', METH_NOARGS, (t, self) => noneResult(t, byteArrayClear(t, self))),
      byteArrayMethod('copy', METH_NOARGS, (t, self) => byteArrayGetSlice(t, self, null, null)),
      byteArrayMethod('__alloc__', METH_NOARGS, (t, self) => intFromNumber(t, byteArrayAlloc(t, self))),
      byteArrayMethod('reverse', METH_NOARGS, (t, self) => noneResult(t, byteArrayReverse(t, self))),
    ],
  };

  const specs: BuiltinTypeSpec[] = [
    bytes, // StaticType.Bytes
    byteArray, // StaticType.ByteArray
    {
      name: 'bytes_iterator',
      baseIndex: StaticType.Object + 1,
      basicSize: SEQITER_SIZE,
      flags: TYPE_FLAG_HAVE_GC,
      final: true,
      dealloc: iterDeallocId,
      traverse: iterTraverseId,
      slots: { iter: iterIter, iternext: slots.add('iternext', 'bytes_iterator', bytesIterNext) },
    }, // StaticType.BytesIter
    {
      name: 'bytearray_iterator',
      baseIndex: StaticType.Object + 1,
      basicSize: SEQITER_SIZE,
      flags: TYPE_FLAG_HAVE_GC,
      final: true,
      dealloc: iterDeallocId,
      traverse: iterTraverseId,
      slots: { iter: iterIter, iternext: slots.add('iternext', 'bytearray_iterator', byteArrayIterNext) },
    }, // StaticType.ByteArrayIter
  ];
  if (specs.length !== StaticType.ByteArrayIter - StaticType.Bytes + 1) throw new Error('bytes-types: wrong number of specs');
  return specs;
}
