/**
 * `collections.deque`'s Python-visible methods, `maxlen` and constructor
 * (`deque_methods`, `deque_getset`, `deque_new`/`deque_init` of
 * `Modules/_collectionsmodule.c`), over deque.ts.
 *
 * `deque(iterable=(), maxlen=None)` is `tp_new` (an empty deque or a
 * subclass's instance) then `tp_init`, which bounds, empties and extends
 * it. A subclass's `copy()` calls the subclass (`type(d)(d, maxlen)`), as
 * CPython does.
 */

import { decref } from '@ft/refcount';
import { checkPositional, sliceIndexNotNoneArg, ssizeArg, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { callArgs } from './call.js';
import {
  dequeAppend,
  dequeAppendLeft,
  dequeClear,
  dequeCount,
  dequeExtend,
  dequeExtendLeft,
  dequeIndex,
  dequeInit,
  dequeMaxlen,
  dequeNew,
  dequePop,
  dequePopLeft,
  dequeRemove,
  dequeRotate,
  dequeSize,
  dequeSnapshot,
} from './deque.js';
import { errOccurred, errRaise } from './errors.js';
import { subtypeNew } from './heap-type.js';
import { intAsBigInt, intCheckExact, intFromNumber } from './int.js';
import { numberIndex } from './abstract-number.js';
import { StaticType, TPFLAGS_LONG_SUBCLASS } from './layout.js';
import { listFromArray } from './list.js';
import { arg, FASTCALL, MethodTable, newRef, NOARGS, noneResult, ONE_ARG, type BuiltinTypeAdditions } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeHasFlag, typeOf } from './subtype.js';

const DEQUE: ArgSpec = { fname: 'deque', posonly: 0, names: ['iterable', 'maxlen'], minpos: 0, maxpos: 2 };

/** This thread's scratch for parsed arguments. */
const parsed: number[] = [];

/** A None result after a C-API call that returned 0 or -1. */
function noneOr(t: ObThread, r: number): number {
  return r < 0 ? 0 : noneResult(t);
}

/** `d.extend(d)` / `d.extendleft(d)` read a snapshot of the deque first (`PySequence_List`), as CPython does. */
function extendWith(t: ObThread, self: number, iterable: number, extend: (t: ObThread, op: number, iterable: number) => number): number {
  if (iterable !== self) return noneOr(t, extend(t, self, iterable));
  const items = dequeSnapshot(t, self);
  const list = listFromArray(t, items);
  for (const item of items) decref(t.rc, item);
  if (list === 0) return 0;
  const r = extend(t, self, list);
  decref(t.rc, list);
  return noneOr(t, r);
}

/**
 * `maxlen` as `deque_init` converts it: None is unbounded (-1); otherwise
 * `PyLong_AsSsize_t` (TypeError "an integer is required" for a non-int,
 * OverflowError past 64 bits). undefined with the exception.
 */
function maxlenArg(t: ObThread, op: number): number | undefined {
  if (op === 0 || op === t.none) return -1;
  if (!intCheckExact(t, op) && !typeHasFlag(t, typeOf(t, op), TPFLAGS_LONG_SUBCLASS)) {
    errRaise(t, StaticType.TypeError, 'an integer is required');
    return undefined;
  }
  const n = ssizeArg(t, op);
  if (n === undefined) return undefined;
  if (n < 0) {
    errRaise(t, StaticType.ValueError, 'maxlen must be non-negative');
    return undefined;
  }
  return n;
}

/**
 * `rotate`'s `n` (a `Py_ssize_t`), reduced modulo the deque's length when
 * past what a JavaScript number holds exactly (`deque_rotate` reduces it
 * the same way, so only the remainder matters).
 */
function rotateArg(t: ObThread, self: number, op: number): number | undefined {
  const n = ssizeArg(t, op);
  if (n === undefined || Math.abs(n) < Number.MAX_SAFE_INTEGER) return n;
  const index = numberIndex(t, op);
  if (index === 0) return undefined;
  const v = intAsBigInt(t, index);
  decref(t.rc, index);
  const size = BigInt(Math.max(1, dequeSize(t, self)));
  return Number(v % size);
}

/** `deque_copy`: an exact deque's items in a new deque with its bound; a subclass called as `type(d)(d[, maxlen])`. */
function dequeCopyImpl(t: ObThread, self: number): number {
  const maxlen = dequeMaxlen(t, self);
  const type = typeOf(t, self);
  if (type === t.types[StaticType.Deque]) return dequeNew(t, self, maxlen);
  if (maxlen < 0) return callArgs(t, type, [self]);
  const bound = intFromNumber(t, maxlen);
  if (bound === 0) return 0;
  const r = callArgs(t, type, [self, bound]);
  decref(t.rc, bound);
  return r;
}

/** Registers deque's methods, `maxlen` and constructor; returns them for deque's spec. @internal */
export function registerDequeMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'deque')
    .method('append', ONE_ARG, (t, self, args) => noneOr(t, dequeAppend(t, self, arg(t, args, 0))))
    .method('appendleft', ONE_ARG, (t, self, args) => noneOr(t, dequeAppendLeft(t, self, arg(t, args, 0))))
    .method('clear', NOARGS, (t, self) => {
      dequeClear(t, self);
      return noneResult(t);
    })
    .method('copy', NOARGS, (t, self) => dequeCopyImpl(t, self))
    .method('__copy__', NOARGS, (t, self) => dequeCopyImpl(t, self))
    .method('count', ONE_ARG, (t, self, args) => {
      const n = dequeCount(t, self, arg(t, args, 0));
      return n < 0 ? 0 : intFromNumber(t, n);
    })
    .method('extend', ONE_ARG, (t, self, args) => extendWith(t, self, arg(t, args, 0), dequeExtend))
    .method('extendleft', ONE_ARG, (t, self, args) => extendWith(t, self, arg(t, args, 0), dequeExtendLeft))
    .method('index', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'index', nargs, 1, 3)) return 0;
      const start = sliceIndexNotNoneArg(t, nargs > 1 ? arg(t, args, 1) : 0, 0);
      if (start === undefined) return 0;
      const stop = sliceIndexNotNoneArg(t, nargs > 2 ? arg(t, args, 2) : 0, Number.MAX_SAFE_INTEGER);
      if (stop === undefined) return 0;
      const i = dequeIndex(t, self, arg(t, args, 0), start, stop);
      return i < 0 ? 0 : intFromNumber(t, i);
    })
    .method('pop', NOARGS, (t, self) => dequePop(t, self))
    .method('popleft', NOARGS, (t, self) => dequePopLeft(t, self))
    .method('remove', ONE_ARG, (t, self, args) => noneOr(t, dequeRemove(t, self, arg(t, args, 0))))
    .method('rotate', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'rotate', nargs, 0, 1)) return 0;
      const n = nargs === 0 ? 1 : rotateArg(t, self, arg(t, args, 0));
      if (n === undefined) return 0;
      dequeRotate(t, self, n);
      return errOccurred(t) !== 0 ? 0 : noneResult(t);
    })
    .getset('maxlen', (t, self) => {
      const maxlen = dequeMaxlen(t, self);
      return maxlen < 0 ? newRef(t, t.none) : intFromNumber(t, maxlen);
    });

  // `deque_new`: an empty, unbounded deque whatever the arguments (tp_init takes them).
  const newId = slots.add('new', 'deque', (t, type) => (type === t.types[StaticType.Deque] ? dequeNew(t) : subtypeNew(t, type)));
  const initId = slots.add('init', 'deque', (t, self, args, kwargs) => {
    if (!unpackKeywordsTuple(t, DEQUE, args, kwargs, parsed)) return -1;
    const iterable = parsed[0]!;
    const maxlen = maxlenArg(t, parsed[1]!);
    if (maxlen === undefined) return -1;
    return dequeInit(t, self, iterable, maxlen);
  });
  return table.done({ new: newId, init: initId });
}
