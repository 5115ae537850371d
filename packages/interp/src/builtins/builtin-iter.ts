/**
 * The iteration builtins of `Python/bltinmodule.c`: `iter` (and its
 * two-argument form, the callable iterator), `next` with a default,
 * `aiter` and `anext` (with a default: an `anext_awaitable`),
 * `sorted` (a new list sorted by `list.sort`, which parses `key` and
 * `reverse` as CPython does), `all` and `any`.
 */

import {
  anextAwaitableNew,
  callIterNew,
  callNoArgs,
  checkPositional,
  errClear,
  errExceptionMatches,
  errOccurred,
  errRaise,
  errSetNone,
  iterNext,
  listFromIterable,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_O,
  objectGetIter,
  objectIsTrue,
  objectVectorcall,
  StaticType,
  typeNameOf,
  typeOf,
  typeSlot,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import type { FunctionDef } from '../modules/module-def.js';
import { argAt, callableCheck, getAttrJs, lookupSpecial, typeHasAttr } from './special-lookup.js';

/** `builtin_iter` (`iter(iterable)`, `iter(callable, sentinel)`). */
export function builtinIter(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'iter', nargs, 1, 2)) return 0;
  const v = argAt(t, args, 0);
  if (nargs === 1) return objectGetIter(t, v);
  if (!callableCheck(t, v)) return errRaise(t, StaticType.TypeError, 'iter(v, w): v must be callable');
  return callIterNew(t, v, argAt(t, args, 1));
}

/**
 * `builtin_next` (`next(iterator[, default])`): the default replaces
 * StopIteration (raised or signalled by exhaustion), never another error.
 */
export function builtinNext(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'next', nargs, 1, 2)) return 0;
  const it = argAt(t, args, 0);
  const next = typeSlot(t, typeOf(t, it), 'iternext');
  if (next === null) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, it)}' object is not an iterator`);
  const item = next(t, it);
  if (item !== 0) return item;
  if (nargs > 1) {
    if (errOccurred(t) !== 0) {
      if (!errExceptionMatches(t, t.types[StaticType.StopIteration]!)) return 0;
      errClear(t);
    }
    const dflt = argAt(t, args, 1);
    incref(t.rc, dflt);
    return dflt;
  }
  if (errOccurred(t) === 0) errSetNone(t, t.types[StaticType.StopIteration]!);
  return 0;
}

/** `builtin_aiter` (`aiter(async_iterable)`): its `__aiter__()`, which must be an async iterator. */
export function builtinAiter(t: ObThread, _self: number, args: number): number {
  const obj = argAt(t, args, 0);
  const getter = lookupSpecial(t, obj, '__aiter__');
  if (getter === 0) {
    if (t.error.type === 0) errRaise(t, StaticType.TypeError, `'${typeNameOf(t, obj)}' object is not an async iterable`);
    return 0;
  }
  const it = callNoArgs(t, getter);
  decref(t.rc, getter);
  if (it === 0) return 0;
  if (!typeHasAttr(t, it, '__anext__')) {
    const name = typeNameOf(t, it);
    decref(t.rc, it);
    return errRaise(t, StaticType.TypeError, `aiter() returned not an async iterator of type '${name}'`);
  }
  return it;
}

/**
 * `builtin_anext` (`anext(aiterator[, default])`): the awaitable of its
 * `__anext__()`; with a default, an `anext_awaitable` whose end
 * (StopAsyncIteration) gives the default instead.
 */
export function builtinAnext(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'anext', nargs, 1, 2)) return 0;
  const aiterator = argAt(t, args, 0);
  if (!typeHasAttr(t, aiterator, '__anext__')) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, aiterator)}' object is not an async iterator`);
  const getter = lookupSpecial(t, aiterator, '__anext__');
  if (getter === 0) return 0;
  const awaitable = callNoArgs(t, getter);
  decref(t.rc, getter);
  if (awaitable === 0 || nargs === 1) return awaitable;
  const r = anextAwaitableNew(t, awaitable, argAt(t, args, 1));
  decref(t.rc, awaitable);
  return r;
}

/**
 * `builtin_sorted` (`sorted(iterable, /, *, key=None, reverse=False)`):
 * the keywords go to the new list's own `sort` method as they came, so
 * that its messages ("sort() got an unexpected keyword argument 'cmp'")
 * are CPython's.
 */
export function builtinSorted(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  if (!checkPositional(t, 'sorted', nargs, 1, 1)) return 0;
  const list = listFromIterable(t, argAt(t, args, 0));
  if (list === 0) return 0;
  const sort = getAttrJs(t, list, 'sort');
  if (sort === 0) {
    decref(t.rc, list);
    return 0;
  }
  const r = objectVectorcall(t, sort, args + 4, 0, kwnames);
  decref(t.rc, sort);
  if (r === 0) {
    decref(t.rc, list);
    return 0;
  }
  decref(t.rc, r);
  return list;
}

/** `all` and `any`: the first item whose truth is `stopOn` decides; exhaustion gives `!stopOn`. */
function allAny(t: ObThread, iterable: number, stopOn: boolean): number {
  const it = objectGetIter(t, iterable);
  if (it === 0) return 0;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) break;
    const truth = objectIsTrue(t, item);
    decref(t.rc, item);
    if (truth < 0) {
      decref(t.rc, it);
      return 0;
    }
    if (truth === 1 === stopOn) {
      decref(t.rc, it);
      return stopOn ? t.true : t.false;
    }
  }
  decref(t.rc, it);
  if (errOccurred(t) !== 0) return 0;
  return stopOn ? t.false : t.true;
}

/** `builtin_all` (METH_O): whether every item is true. */
export function builtinAll(t: ObThread, _self: number, args: number): number {
  return allAny(t, argAt(t, args, 0), false);
}

/** `builtin_any` (METH_O): whether some item is true. */
export function builtinAny(t: ObThread, _self: number, args: number): number {
  return allAny(t, argAt(t, args, 0), true);
}

/** The `PyMethodDef`s of this file, in `builtin_methods` order. */
export const ITER_FUNCTIONS: readonly FunctionDef[] = [
  { name: 'all', flags: METH_O, fn: builtinAll },
  { name: 'any', flags: METH_O, fn: builtinAny },
  { name: 'iter', flags: METH_FASTCALL, fn: builtinIter },
  { name: 'aiter', flags: METH_O, fn: builtinAiter },
  { name: 'next', flags: METH_FASTCALL, fn: builtinNext },
  { name: 'anext', flags: METH_FASTCALL, fn: builtinAnext },
  { name: 'sorted', flags: METH_FASTCALL | METH_KEYWORDS, fn: builtinSorted },
];
