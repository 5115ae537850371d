/**
 * The iterator types of the builtins: `enumerate` and `reversed`
 * (`Objects/enumobject.c`), `zip`, `map` and `filter` (`Python/bltinmodule.c`),
 * and the `__next__` of the sequence and callable iterators
 * (`Objects/iterobject.c`; seq-iterator.ts makes them). Each constructor is
 * the type's `tp_new` with CPython 3.13's argument errors (for the exact
 * type, those of its vectorcall: `enumerate(start=1)` says "'start' is an
 * invalid keyword argument for enumerate()"), each `__next__` the type's
 * `tp_iternext` (0 without an exception: exhausted).
 *
 * Layouts (CPython's field order; indexes are doubles, exact up to 2^53):
 *
 *  enumerate   20 u32 en_sit (the iterator), 24 u32 en_longindex (an int once the count passed
 *              2^53 − 1, or when `start` was past it; else 0), 32 f64 en_index
 *  reversed    20 u32 seq (0 once exhausted), 24 f64 index (the next one; -1 once exhausted)
 *  zip         20 u32 ittuple (a tuple of iterators), 24 u32 strict (0 / 1)
 *  map         20 u32 iters (a tuple of iterators), 24 u32 func
 *  filter      20 u32 func (None: truth), 24 u32 it
 *
 * Every reference word is written before the object is published and
 * emptied only with an atomic exchange (exhaustion, the collector's
 * clear). These iterators belong to the thread that uses them, as in
 * CPython (whose free-threaded build makes no promise for concurrent
 * `next()` on one of them either): two threads advancing one at once may
 * see an item twice; the exchange keeps them from releasing an object
 * twice.
 */

import { decref, incref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { numberBinaryOp, numberIndex } from './abstract-number.js';
import { iterNext, objectGetIter, objectGetItem, objectIsTrue, objectLength, objectRichCompareBool, PY_EQ, typeSlot, typeSlotId } from './abstract.js';
import { checkPositional, noKeywords, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { argsPop, argsPush, callNoArgs, callOneArg, objectVectorcall } from './call.js';
import { dictSize, dictSnapshot } from './dict.js';
import { errClear, errExceptionMatches, errOccurred, errRaise } from './errors.js';
import { fieldsClear, fieldsDealloc, fieldsTraverse } from './field-object.js';
import { typeGenericAlloc } from './heap-type.js';
import { intAsNumber, intFromNumber } from './int.js';
import { strInternFromJs } from './intern.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import { typeLookupRef } from './method-cache.js';
import type { ObThread } from './ob-thread.js';
import { CALLITER_CALLABLE_OFFSET, CALLITER_SENTINEL_OFFSET, ITER_INDEX_OFFSET, ITER_SEQ_OFFSET, sequenceCheck } from './seq-iterator.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleNew, tupleSetItemInit, tupleSize } from './tuple.js';

/** @internal */ export const ENUM_SIT_OFFSET = 20;
/** @internal */ export const ENUM_LONGINDEX_OFFSET = 24;
/** @internal */ export const ENUM_INDEX_OFFSET = 32;
/** Bytes of an enumerate. @internal */ export const ENUM_OBJECT_SIZE = 40;
/** @internal */ export const REVERSED_SEQ_OFFSET = 20;
/** @internal */ export const REVERSED_INDEX_OFFSET = 24;
/** Bytes of a reversed. @internal */ export const REVERSED_OBJECT_SIZE = 32;
/** @internal */ export const ZIP_ITTUPLE_OFFSET = 20;
/** @internal */ export const ZIP_STRICT_OFFSET = 24;
/** Bytes of a zip. @internal */ export const ZIP_OBJECT_SIZE = 28;
/** @internal */ export const MAP_ITERS_OFFSET = 20;
/** @internal */ export const MAP_FUNC_OFFSET = 24;
/** Bytes of a map. @internal */ export const MAP_OBJECT_SIZE = 28;
/** @internal */ export const FILTER_FUNC_OFFSET = 20;
/** @internal */ export const FILTER_IT_OFFSET = 24;
/** Bytes of a filter. @internal */ export const FILTER_OBJECT_SIZE = 28;

/** The object words of each type (traverse, clear, dealloc). @internal */
export const ITERATOR_FIELDS = {
  enumerate: [ENUM_SIT_OFFSET, ENUM_LONGINDEX_OFFSET],
  reversed: [REVERSED_SEQ_OFFSET],
  zip: [ZIP_ITTUPLE_OFFSET],
  map: [MAP_ITERS_OFFSET, MAP_FUNC_OFFSET],
  filter: [FILTER_FUNC_OFFSET, FILTER_IT_OFFSET],
  iterator: [ITER_SEQ_OFFSET],
  callableIterator: [CALLITER_CALLABLE_OFFSET, CALLITER_SENTINEL_OFFSET],
} as const;

/** The largest index kept as a double; past it the count is a Python int (CPython: `PY_SSIZE_T_MAX`). */
const MAX_DOUBLE_INDEX = Number.MAX_SAFE_INTEGER;

/** Takes the word at `offset` (0 from then on) and releases what it held: exhaustion, safe against a second taker. */
function takeAndRelease(t: ObThread, op: number, offset: number): void {
  const old = Atomics.exchange(t.u32, (op + offset) >>> 2, 0);
  if (old !== 0) decref(t.rc, old);
}

/** The keyword arguments of a `tp_new` call as (name, value) pairs in order (names as text, null when not a str); values borrowed from `kwargs`. */
function keywordPairs(t: ObThread, kwargs: number): { names: (string | null)[]; values: number[] } | null {
  const names: (string | null)[] = [];
  const values: number[] = [];
  if (kwargs === 0 || dictSize(t, kwargs) === 0) return { names, values };
  const pairs = dictSnapshot(t, kwargs, 2);
  if (pairs === null) return null;
  for (const pair of pairs) {
    const key = tupleGetItem(t, pair, 0);
    names.push(typeHasFlag(t, typeOf(t, key), TPFLAGS_UNICODE_SUBCLASS) ? strToJs(t, key) : null);
    values.push(tupleGetItem(t, pair, 1)); // the caller's dict keeps it
    decref(t.rc, pair);
  }
  return { names, values };
}

/** Whether `type` is `exact` or keeps its `__init__` (CPython's `type->tp_init == PyMap_Type.tp_init`): then keywords are refused. */
function refusesKeywords(t: ObThread, type: number, exact: StaticType): boolean {
  const base = t.types[exact]!;
  return type === base || typeSlotId(t, type, 'init') === typeSlotId(t, base, 'init');
}

/** `PySequence_GetItem(seq, i)` for an index `i` ≥ 0: `sq_item`, else `__getitem__` with an int; TypeError for neither. */
function sequenceGetItem(t: ObThread, seq: number, i: number): number {
  const type = typeOf(t, seq);
  const item = typeSlot(t, type, 'item');
  if (item !== null) return item(t, seq, i);
  if (typeSlot(t, type, 'subscript') === null) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, seq)}' object does not support indexing`);
  const key = intFromNumber(t, i);
  if (key === 0) return 0;
  const r = objectGetItem(t, seq, key);
  decref(t.rc, key);
  return r;
}

/** Interned names, per thread context (interned strs are immortal). */
const internedNames = new WeakMap<ObThread, Map<string, number>>();

/**
 * `_PyObject_LookupSpecial(op, name)`: the attribute `name` of `op`'s type
 * (never of `op` itself), bound to `op` when it is a descriptor: a new
 * reference, or 0 — with an exception when binding failed, without when
 * the type has none.
 */
function lookupSpecial(t: ObThread, op: number, name: string): number {
  let names = internedNames.get(t);
  if (names === undefined) internedNames.set(t, (names = new Map()));
  let key = names.get(name);
  if (key === undefined) {
    key = strInternFromJs(t, name);
    if (key === 0) return 0;
    names.set(name, key);
  }
  const type = typeOf(t, op);
  const found = typeLookupRef(t, type, key);
  if (found === 0) return 0;
  const get = typeSlot(t, typeOf(t, found), 'descrGet');
  if (get === null) return found;
  const bound = get(t, found, op, type);
  decref(t.rc, found);
  return bound;
}

/** A new 2-tuple (a, b), stealing both references (released on failure); 0 with MemoryError. */
function pairSteal(t: ObThread, a: number, b: number): number {
  const pair = tupleNew(t, 2);
  if (pair === 0) {
    decref(t.rc, a);
    decref(t.rc, b);
    return 0;
  }
  tupleSetItemInit(t, pair, 0, a);
  tupleSetItemInit(t, pair, 1, b);
  return pair;
}

// --- enumerate -----------------------------------------------------------------------------

const ENUMERATE_SPEC: ArgSpec = { fname: 'enumerate', posonly: 0, names: ['iterable', 'start'], minpos: 1, maxpos: 2 };

/** `check_keyword` of `enum_vectorcall`: whether `name` is `expected`; else TypeError "'x' is an invalid keyword argument for enumerate()". */
function enumKeyword(t: ObThread, name: string | null, expected: string): boolean {
  if (name === expected) return true;
  if (name === null) errRaise(t, StaticType.TypeError, 'keywords must be strings');
  else errRaise(t, StaticType.TypeError, `'${name}' is an invalid keyword argument for enumerate()`);
  return false;
}

/**
 * `enumerate(iterable, start=0)` as `tp_new`: for the exact type the
 * checks of `enum_vectorcall` ("enumerate() missing required argument
 * 'iterable'", "'x' is an invalid keyword argument for enumerate()"), for
 * a subclass Argument Clinic's ("enumerate() missing required argument
 * 'iterable' (pos 1)"); `start` through `__index__` before `iterable` is
 * iterated, as CPython.
 * @internal
 */
export function enumerateTypeNew(t: ObThread, type: number, args: number, kwargs: number): number {
  let iterable: number;
  let start = 0;
  if (type === t.types[StaticType.Enumerate]) {
    const nargs = tupleSize(t, args);
    const kw = keywordPairs(t, kwargs);
    if (kw === null) return 0;
    const nkw = kw.names.length;
    const positional = (i: number) => tupleGetItem(t, args, i);
    if (nargs + nkw === 2) {
      if (nkw === 0) {
        iterable = positional(0);
        start = positional(1);
      } else if (nkw === 1) {
        if (!enumKeyword(t, kw.names[0]!, 'start')) return 0;
        iterable = positional(0);
        start = kw.values[0]!;
      } else if (kw.names[0] === 'start') {
        if (!enumKeyword(t, kw.names[1]!, 'iterable')) return 0;
        iterable = kw.values[1]!;
        start = kw.values[0]!;
      } else {
        if (!enumKeyword(t, kw.names[0]!, 'iterable') || !enumKeyword(t, kw.names[1]!, 'start')) return 0;
        iterable = kw.values[0]!;
        start = kw.values[1]!;
      }
    } else if (nargs + nkw === 1) {
      if (nkw === 1 && !enumKeyword(t, kw.names[0]!, 'iterable')) return 0;
      iterable = nkw === 1 ? kw.values[0]! : positional(0);
    } else if (nargs === 0) {
      return errRaise(t, StaticType.TypeError, "enumerate() missing required argument 'iterable'");
    } else {
      return errRaise(t, StaticType.TypeError, `enumerate() takes at most 2 arguments (${nargs + nkw} given)`);
    }
  } else {
    const out: number[] = [];
    if (!unpackKeywordsTuple(t, ENUMERATE_SPEC, args, kwargs, out)) return 0;
    iterable = out[0]!;
    start = out[1]!;
  }
  return enumerateNew(t, type, iterable, start);
}

/**
 * `enum_new_impl`: a new enumerate of `type` over `iterable` counting from
 * `start` (0: from 0; else anything with `__index__`); 0 with an
 * exception.
 * @public
 */
export function enumerateNew(t: ObThread, type: number, iterable: number, start = 0): number {
  let index = 0;
  let longIndex = 0;
  if (start !== 0) {
    const n = numberIndex(t, start);
    if (n === 0) return 0;
    const v = intAsNumber(t, n);
    // Exact below 2^53 − 1 (a double that is a safe integer is the int's exact value); else the int counts.
    if (Number.isSafeInteger(v) && v < MAX_DOUBLE_INDEX) {
      index = v;
      decref(t.rc, n);
    } else longIndex = n;
  }
  const it = objectGetIter(t, iterable);
  if (it === 0) {
    if (longIndex !== 0) decref(t.rc, longIndex);
    return 0;
  }
  const en = typeGenericAlloc(t, type);
  if (en === 0) {
    decref(t.rc, it);
    if (longIndex !== 0) decref(t.rc, longIndex);
    return 0;
  }
  // SAFETY: only this thread knows `en` (tracked, but the collector runs at this thread's safe points).
  t.u32[(en + ENUM_SIT_OFFSET) >>> 2] = it;
  t.u32[(en + ENUM_LONGINDEX_OFFSET) >>> 2] = longIndex;
  t.f64[(en + ENUM_INDEX_OFFSET) >>> 3] = index;
  return en;
}

/** `enum_next`: the next `(count, item)`, or 0 (exhausted, or an exception). @internal */
export function enumerateNext(t: ObThread, en: number): number {
  const u32 = t.u32;
  const it = u32[(en + ENUM_SIT_OFFSET) >>> 2]!;
  if (it === 0) return 0; // cleared by the collector
  const item = iterNext(t, it);
  if (item === 0) return 0;
  let count: number;
  let longIndex = u32[(en + ENUM_LONGINDEX_OFFSET) >>> 2]!;
  if (longIndex === 0) {
    const index = t.f64[(en + ENUM_INDEX_OFFSET) >>> 3]!;
    if (index < MAX_DOUBLE_INDEX) {
      count = intFromNumber(t, index);
      if (count === 0) {
        decref(t.rc, item);
        return 0;
      }
      t.f64[(en + ENUM_INDEX_OFFSET) >>> 3] = index + 1;
      return pairSteal(t, count, item);
    }
    // `enum_next_long`: from here the count is a Python int.
    longIndex = intFromNumber(t, index);
    if (longIndex === 0) {
      decref(t.rc, item);
      return 0;
    }
    u32[(en + ENUM_LONGINDEX_OFFSET) >>> 2] = longIndex;
  }
  const one = intFromNumber(t, 1);
  const stepped = numberBinaryOp(t, longIndex, one, 'add');
  decref(t.rc, one);
  if (stepped === 0) {
    decref(t.rc, item);
    return 0;
  }
  // The word's reference to the old count goes into the pair.
  u32[(en + ENUM_LONGINDEX_OFFSET) >>> 2] = stepped;
  return pairSteal(t, longIndex, item);
}

// --- reversed ------------------------------------------------------------------------------

/**
 * `reversed(seq)` as `tp_new` ("reversed expected 1 argument, got 0",
 * "reversed() takes no keyword arguments"): {@link reversedNew}.
 * @internal
 */
export function reversedTypeNew(t: ObThread, type: number, args: number, kwargs: number): number {
  if (refusesKeywords(t, type, StaticType.Reversed) && !noKeywords(t, 'reversed', kwargs)) return 0;
  const nargs = tupleSize(t, args);
  if (!checkPositional(t, 'reversed', nargs, 1, 1)) return 0;
  return reversedNew(t, type, tupleGetItem(t, args, 0));
}

/**
 * `reversed_new_impl`: what `seq.__reversed__()` returns when its type
 * has one; TypeError "'X' object is not reversible" when that is None or
 * when `seq` is no sequence; else a new reversed of `type` reading
 * `seq[len(seq) - 1]` down to `seq[0]`. 0 with an exception.
 * @public
 */
export function reversedNew(t: ObThread, type: number, seq: number): number {
  const method = lookupSpecial(t, seq, '__reversed__');
  if (method === t.none) {
    decref(t.rc, method);
    return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, seq)}' object is not reversible`);
  }
  if (method !== 0) {
    const r = callNoArgs(t, method);
    decref(t.rc, method);
    return r;
  }
  if (errOccurred(t) !== 0) return 0;
  if (!sequenceCheck(t, seq)) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, seq)}' object is not reversible`);
  const n = objectLength(t, seq);
  if (n === -1) return 0;
  const ro = typeGenericAlloc(t, type);
  if (ro === 0) return 0;
  incref(t.rc, seq);
  // SAFETY: only this thread knows `ro`.
  t.u32[(ro + REVERSED_SEQ_OFFSET) >>> 2] = seq;
  t.f64[(ro + REVERSED_INDEX_OFFSET) >>> 3] = n - 1;
  return ro;
}

/** `reversed_next`: `seq[index]`, the index going down; exhausted at -1, or at IndexError / StopIteration. @internal */
export function reversedNext(t: ObThread, ro: number): number {
  const index = t.f64[(ro + REVERSED_INDEX_OFFSET) >>> 3]!;
  const seq = t.u32[(ro + REVERSED_SEQ_OFFSET) >>> 2]!;
  if (index >= 0 && seq !== 0) {
    const item = sequenceGetItem(t, seq, index);
    if (item !== 0) {
      t.f64[(ro + REVERSED_INDEX_OFFSET) >>> 3] = index - 1;
      return item;
    }
    if (!endsIteration(t)) return 0;
  }
  t.f64[(ro + REVERSED_INDEX_OFFSET) >>> 3] = -1;
  takeAndRelease(t, ro, REVERSED_SEQ_OFFSET);
  return 0;
}

/** `reversed_len` (`__length_hint__`): the items left, 0 once exhausted; 0 with an exception when `len(seq)` raised. @internal */
export function reversedLengthHint(t: ObThread, ro: number): number {
  const seq = t.u32[(ro + REVERSED_SEQ_OFFSET) >>> 2]!;
  if (seq === 0) return intFromNumber(t, 0);
  const size = objectLength(t, seq);
  if (size === -1) return 0;
  const position = t.f64[(ro + REVERSED_INDEX_OFFSET) >>> 3]! + 1;
  return intFromNumber(t, size < position ? 0 : position);
}

/** Whether the pending exception is IndexError or StopIteration (then cleared: the sequence ended); false leaves it. */
function endsIteration(t: ObThread): boolean {
  if (errExceptionMatches(t, t.types[StaticType.IndexError]!) || errExceptionMatches(t, t.types[StaticType.StopIteration]!)) {
    errClear(t);
    return true;
  }
  return false;
}

// --- zip -----------------------------------------------------------------------------------

const ZIP_KEYWORDS: ArgSpec = { fname: 'zip', posonly: 0, names: ['strict'], minpos: 0, maxpos: 0 };

/**
 * `zip(*iterables, strict=False)` as `tp_new` ("zip() got an unexpected
 * keyword argument 'x'", "zip() takes at most 1 keyword argument (2
 * given)"; `strict` by truth): {@link zipNew}.
 * @internal
 */
export function zipTypeNew(t: ObThread, type: number, args: number, kwargs: number): number {
  let strict = false;
  if (kwargs !== 0 && dictSize(t, kwargs) > 0) {
    const out: number[] = [];
    if (!unpackKeywordsTuple(t, ZIP_KEYWORDS, t.emptyTuple, kwargs, out)) return 0;
    if (out[0] !== 0) {
      const truth = objectIsTrue(t, out[0]!);
      if (truth < 0) return 0;
      strict = truth === 1;
    }
  }
  return zipNew(t, type, args, strict);
}

/**
 * `zip_new`: a new zip of `type` over the items of the tuple `iterables`
 * (each iterated now, in order); `strict` makes unequal lengths a
 * ValueError. 0 with an exception.
 * @public
 */
export function zipNew(t: ObThread, type: number, iterables: number, strict = false): number {
  const n = tupleSize(t, iterables);
  const ittuple = tupleNew(t, n);
  if (ittuple === 0) return 0;
  for (let i = 0; i < n; i++) {
    const it = objectGetIter(t, tupleGetItem(t, iterables, i));
    if (it === 0) {
      // The words not filled yet are 0: the tuple's dealloc skips them.
      decref(t.rc, ittuple);
      return 0;
    }
    tupleSetItemInit(t, ittuple, i, it);
  }
  const lz = typeGenericAlloc(t, type);
  if (lz === 0) {
    decref(t.rc, ittuple);
    return 0;
  }
  // SAFETY: only this thread knows `lz`.
  t.u32[(lz + ZIP_ITTUPLE_OFFSET) >>> 2] = ittuple;
  t.u32[(lz + ZIP_STRICT_OFFSET) >>> 2] = strict ? 1 : 0;
  return lz;
}

/** `zip_next`: a tuple of one item of each iterator, or 0 (one ran out; with `strict`, the length check). @internal */
export function zipNext(t: ObThread, lz: number): number {
  const ittuple = t.u32[(lz + ZIP_ITTUPLE_OFFSET) >>> 2]!;
  if (ittuple === 0) return 0;
  const n = tupleSize(t, ittuple);
  if (n === 0) return 0;
  const result = tupleNew(t, n);
  if (result === 0) return 0;
  for (let i = 0; i < n; i++) {
    const item = iterNext(t, tupleGetItem(t, ittuple, i));
    if (item === 0) {
      decref(t.rc, result); // the items so far go with it; the rest are 0
      return t.u32[(lz + ZIP_STRICT_OFFSET) >>> 2] !== 0 ? zipStrictCheck(t, ittuple, i) : 0;
    }
    tupleSetItemInit(t, result, i, item);
  }
  return result;
}

/** `zip() argument 3 is shorter than arguments 1-2`: the plural form for `i` > 1 earlier arguments. */
function zipLengthError(t: ObThread, i: number, what: 'shorter' | 'longer'): 0 {
  return errRaise(t, StaticType.ValueError, `zip() argument ${i + 1} is ${what} than argument${i === 1 ? ' ' : 's 1-'}${i}`);
}

/**
 * The strict zip's end (`zip_next`'s `check:`): iterator `i` ran out
 * first. An exception other than StopIteration goes on; a later argument
 * ran out first when `i` > 0 ("zip() argument 2 is shorter than argument
 * 1"); else each later iterator must be exhausted too ("zip() argument 2
 * is longer than argument 1"). Always 0.
 */
function zipStrictCheck(t: ObThread, ittuple: number, i: number): 0 {
  if (errOccurred(t) !== 0) {
    if (!errExceptionMatches(t, t.types[StaticType.StopIteration]!)) return 0;
    errClear(t);
  }
  if (i !== 0) return zipLengthError(t, i, 'shorter');
  const n = tupleSize(t, ittuple);
  for (let k = 1; k < n; k++) {
    const item = iterNext(t, tupleGetItem(t, ittuple, k));
    if (item !== 0) {
      decref(t.rc, item);
      return zipLengthError(t, k, 'longer');
    }
    if (errOccurred(t) !== 0) {
      if (!errExceptionMatches(t, t.types[StaticType.StopIteration]!)) return 0;
      errClear(t);
    }
  }
  return 0;
}

// --- map -----------------------------------------------------------------------------------

/** `map(func, *iterables)` as `tp_new` ("map() must have at least two arguments.", "map() takes no keyword arguments"). @internal */
export function mapTypeNew(t: ObThread, type: number, args: number, kwargs: number): number {
  if (refusesKeywords(t, type, StaticType.Map) && !noKeywords(t, 'map', kwargs)) return 0;
  if (tupleSize(t, args) < 2) return errRaise(t, StaticType.TypeError, 'map() must have at least two arguments.');
  return mapNew(t, type, tupleGetItem(t, args, 0), args, 1);
}

/**
 * `map_new`: a new map of `type` calling `func` with one item of each of
 * the iterables `iterables[from:]` (a tuple; each iterated now, in
 * order). 0 with an exception.
 * @public
 */
export function mapNew(t: ObThread, type: number, func: number, iterables: number, from = 0): number {
  const n = tupleSize(t, iterables) - from;
  const iters = tupleNew(t, n);
  if (iters === 0) return 0;
  for (let i = 0; i < n; i++) {
    const it = objectGetIter(t, tupleGetItem(t, iterables, from + i));
    if (it === 0) {
      decref(t.rc, iters);
      return 0;
    }
    tupleSetItemInit(t, iters, i, it);
  }
  const lz = typeGenericAlloc(t, type);
  if (lz === 0) {
    decref(t.rc, iters);
    return 0;
  }
  incref(t.rc, func);
  // SAFETY: only this thread knows `lz`.
  t.u32[(lz + MAP_ITERS_OFFSET) >>> 2] = iters;
  t.u32[(lz + MAP_FUNC_OFFSET) >>> 2] = func;
  return lz;
}

/** `map_next`: `func(*one item of each iterator)`, or 0 (one ran out, or an exception). @internal */
export function mapNext(t: ObThread, lz: number): number {
  const iters = t.u32[(lz + MAP_ITERS_OFFSET) >>> 2]!;
  const func = t.u32[(lz + MAP_FUNC_OFFSET) >>> 2]!;
  if (iters === 0 || func === 0) return 0;
  const n = tupleSize(t, iters);
  const items: number[] = [];
  for (let i = 0; i < n; i++) {
    const item = iterNext(t, tupleGetItem(t, iters, i));
    if (item === 0) {
      for (const x of items) decref(t.rc, x);
      return 0;
    }
    items.push(item);
  }
  let result = 0;
  const args = argsPush(t, items);
  if (args !== 0) {
    result = objectVectorcall(t, func, args, n, 0);
    argsPop(t, args, n);
  }
  for (const x of items) decref(t.rc, x);
  return result;
}

// --- filter --------------------------------------------------------------------------------

/** `filter(function, iterable)` as `tp_new` ("filter expected 2 arguments, got 1", "filter() takes no keyword arguments"). @internal */
export function filterTypeNew(t: ObThread, type: number, args: number, kwargs: number): number {
  if (refusesKeywords(t, type, StaticType.Filter) && !noKeywords(t, 'filter', kwargs)) return 0;
  if (!checkPositional(t, 'filter', tupleSize(t, args), 2, 2)) return 0;
  return filterNew(t, type, tupleGetItem(t, args, 0), tupleGetItem(t, args, 1));
}

/**
 * `filter_new`: a new filter of `type` keeping the items of `iterable`
 * for which `func(item)` is true (`func` None: the item itself). 0 with
 * an exception.
 * @public
 */
export function filterNew(t: ObThread, type: number, func: number, iterable: number): number {
  const it = objectGetIter(t, iterable);
  if (it === 0) return 0;
  const lz = typeGenericAlloc(t, type);
  if (lz === 0) {
    decref(t.rc, it);
    return 0;
  }
  incref(t.rc, func);
  // SAFETY: only this thread knows `lz`.
  t.u32[(lz + FILTER_FUNC_OFFSET) >>> 2] = func;
  t.u32[(lz + FILTER_IT_OFFSET) >>> 2] = it;
  return lz;
}

/** `filter_next`: the next item that passes, or 0 (exhausted, or an exception). @internal */
export function filterNext(t: ObThread, lz: number): number {
  const func = t.u32[(lz + FILTER_FUNC_OFFSET) >>> 2]!;
  const it = t.u32[(lz + FILTER_IT_OFFSET) >>> 2]!;
  if (func === 0 || it === 0) return 0;
  // `bool` as the function is the item's truth too (CPython's shortcut).
  const byTruth = func === t.none || func === t.types[StaticType.Bool];
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) return 0;
    let ok: number;
    if (byTruth) ok = objectIsTrue(t, item);
    else {
      const good = callOneArg(t, func, item);
      if (good === 0) {
        decref(t.rc, item);
        return 0;
      }
      ok = objectIsTrue(t, good);
      decref(t.rc, good);
    }
    if (ok > 0) return item;
    decref(t.rc, item);
    if (ok < 0) return 0;
  }
}

// --- the sequence and callable iterators (seq-iterator.ts makes them) ---------------------

/** `iter_iternext`: `seq[index]`, the index going up; exhausted at IndexError or StopIteration. @internal */
export function seqIterNext(t: ObThread, it: number): number {
  const seq = t.u32[(it + ITER_SEQ_OFFSET) >>> 2]!;
  if (seq === 0) return 0;
  const index = t.f64[(it + ITER_INDEX_OFFSET) >>> 3]!;
  if (index >= MAX_DOUBLE_INDEX) return errRaise(t, StaticType.OverflowError, 'iter index too large');
  const item = sequenceGetItem(t, seq, index);
  if (item !== 0) {
    t.f64[(it + ITER_INDEX_OFFSET) >>> 3] = index + 1;
    return item;
  }
  if (endsIteration(t)) takeAndRelease(t, it, ITER_SEQ_OFFSET);
  return 0;
}

/**
 * `iter_len` (`__length_hint__`): `len(seq)` minus the items taken (0
 * once exhausted); NotImplemented when the sequence has no `__len__`; 0
 * with the exception `len()` raised.
 * @internal
 */
export function seqIterLengthHint(t: ObThread, it: number): number {
  const seq = t.u32[(it + ITER_SEQ_OFFSET) >>> 2]!;
  if (seq !== 0) {
    if (typeSlot(t, t.u32[(seq + OB_TYPE_OFFSET) >>> 2]!, 'length') === null) {
      incref(t.rc, t.notImplemented);
      return t.notImplemented;
    }
    const size = objectLength(t, seq);
    if (size === -1) return 0;
    const left = size - t.f64[(it + ITER_INDEX_OFFSET) >>> 3]!;
    if (left >= 0) return intFromNumber(t, left);
  }
  return intFromNumber(t, 0);
}

/**
 * `calliter_iternext`: `callable()`, until it returns something equal to
 * the sentinel (`sentinel == result`) or raises StopIteration (both end
 * the iterator for good); 0 with any other exception.
 * @internal
 */
export function callIterNext(t: ObThread, it: number): number {
  const callable = t.u32[(it + CALLITER_CALLABLE_OFFSET) >>> 2]!;
  if (callable === 0) return 0;
  const result = callNoArgs(t, callable);
  const sentinel = t.u32[(it + CALLITER_SENTINEL_OFFSET) >>> 2]!;
  if (result !== 0 && sentinel !== 0) {
    const ok = objectRichCompareBool(t, sentinel, result, PY_EQ);
    if (ok === 0) return result;
    if (ok > 0) callIterExhaust(t, it);
  } else if (result === 0 && errExceptionMatches(t, t.types[StaticType.StopIteration]!)) {
    errClear(t);
    callIterExhaust(t, it);
  }
  if (result !== 0) decref(t.rc, result);
  return 0;
}

function callIterExhaust(t: ObThread, it: number): void {
  takeAndRelease(t, it, CALLITER_CALLABLE_OFFSET);
  takeAndRelease(t, it, CALLITER_SENTINEL_OFFSET);
}

// --- the collector's behaviours -------------------------------------------------------------

/** `tp_traverse` over a type's words. @internal */
export function iteratorTraverse(rc: RcThread, op: number, visit: (child: number) => number, fields: readonly number[]): number {
  return fieldsTraverse(rc, op, visit, fields);
}

/** `tp_clear`. @internal */
export function iteratorClear(rc: RcThread, op: number, fields: readonly number[]): void {
  fieldsClear(rc, op, fields);
}

/** `tp_dealloc`: untracked, the words released, freed (a subclass's instance comes here from `subtype_dealloc`). @internal */
export function iteratorDealloc(t: ObThread, op: number, fields: readonly number[]): void {
  fieldsDealloc(t, op, fields);
}
