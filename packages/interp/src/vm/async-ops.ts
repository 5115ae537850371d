/**
 * The eval loop's work for `await`, `async for` and `async with` that
 * needs no loop (CPython 3.13's `GET_AWAITABLE`, `GET_AITER`, `GET_ANEXT`,
 * `BEFORE_ASYNC_WITH` and `_PyCoro_GetAwaitableIter`), with CPython's
 * messages.
 *
 * CPython reaches `__await__`, `__aiter__` and `__anext__` through the
 * type's `tp_as_async` slots; here they are the type's attributes, looked
 * up on the type and bound (`_PyObject_LookupSpecial`), as a class's
 * methods fill those slots.
 */

import {
  asyncGenCheck,
  CODE_FLAGS_OFFSET,
  callNoArgs,
  coroutineCheck,
  errGetRaisedException,
  errRaise,
  exceptionSetCause,
  exceptionSetContext,
  errSetRaisedException,
  FrameWord,
  GEN_FRAME_OFFSET,
  generatorCheck,
  StaticType,
  typeNameOf,
  typeOf,
  typeSlotId,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { CO_ITERABLE_COROUTINE } from '../compiler/code-unit.js';
import { lookupSpecial, typeHasAttr } from '../builtins/special-lookup.js';
import { genYieldFrom } from './generator-frame.js';

/** `gen_is_coroutine`: a generator whose code is marked `CO_ITERABLE_COROUTINE` (`types.coroutine`). */
function genIsCoroutine(t: ObThread, op: number): boolean {
  if (!generatorCheck(t, op)) return false;
  const code = t.u32[((op + GEN_FRAME_OFFSET) >>> 2) + FrameWord.Code]!;
  return code !== 0 && (t.u32[(code + CODE_FLAGS_OFFSET) >>> 2]! & CO_ITERABLE_COROUTINE) !== 0;
}

/**
 * `_PyCoro_GetAwaitableIter(o)`: what `await o` iterates — a coroutine
 * itself, or what its `__await__()` returns, which must be an iterator
 * and not a coroutine. A new reference, or 0 with TypeError.
 */
export function getAwaitableIter(t: ObThread, o: number): number {
  if (coroutineCheck(t, o) || genIsCoroutine(t, o)) {
    incref(t.rc, o);
    return o;
  }
  const getter = lookupSpecial(t, o, '__await__');
  if (getter === 0) {
    if (t.error.type === 0) errRaise(t, StaticType.TypeError, `object ${typeNameOf(t, o)} can't be used in 'await' expression`);
    return 0;
  }
  const res = callNoArgs(t, getter);
  decref(t.rc, getter);
  if (res === 0) return 0;
  if (coroutineCheck(t, res) || genIsCoroutine(t, res)) {
    decref(t.rc, res);
    return errRaise(t, StaticType.TypeError, '__await__() returned a coroutine');
  }
  if (typeSlotId(t, typeOf(t, res), 'iternext') === 0) {
    const name = typeNameOf(t, res);
    decref(t.rc, res);
    return errRaise(t, StaticType.TypeError, `__await__() returned non-iterator of type '${name}'`);
  }
  return res;
}

/**
 * `GET_AWAITABLE`: the awaitable's iterator (a new reference), or 0. `where`
 * (the oparg) names the `async with` method the object came from (1
 * `__aenter__`, 2 `__aexit__`) for the message when it has no `__await__`;
 * a coroutine already being awaited is a RuntimeError.
 */
export function getAwaitable(t: ObThread, o: number, where: number): number {
  const iter = getAwaitableIter(t, o);
  if (iter === 0) {
    if ((where === 1 || where === 2) && !typeHasAttr(t, o, '__await__')) {
      errRaise(t, StaticType.TypeError, `'async with' received an object from ${where === 1 ? '__aenter__' : '__aexit__'} that does not implement __await__: ${typeNameOf(t, o)}`);
    }
    return 0;
  }
  if (coroutineCheck(t, iter)) {
    const yf = genYieldFrom(t, iter);
    if (yf !== 0) {
      decref(t.rc, yf);
      decref(t.rc, iter);
      return errRaise(t, StaticType.RuntimeError, 'coroutine is being awaited already');
    }
  }
  return iter;
}

/** `GET_AITER`: `obj.__aiter__()`, which must have `__anext__`; a new reference, or 0. */
export function getAIter(t: ObThread, obj: number): number {
  const getter = lookupSpecial(t, obj, '__aiter__');
  if (getter === 0) {
    if (t.error.type === 0) errRaise(t, StaticType.TypeError, `'async for' requires an object with __aiter__ method, got ${typeNameOf(t, obj)}`);
    return 0;
  }
  const iter = callNoArgs(t, getter);
  decref(t.rc, getter);
  if (iter === 0) return 0;
  if (!typeHasAttr(t, iter, '__anext__')) {
    const name = typeNameOf(t, iter);
    decref(t.rc, iter);
    return errRaise(t, StaticType.TypeError, `'async for' received an object from __aiter__ that does not implement __anext__: ${name}`);
  }
  return iter;
}

/** `GET_ANEXT`: the awaitable of `aiter.__anext__()` (a new reference), or 0. */
export function getANext(t: ObThread, aiter: number): number {
  const getter = lookupSpecial(t, aiter, '__anext__');
  if (getter === 0) {
    if (t.error.type === 0) errRaise(t, StaticType.TypeError, `'async for' requires an iterator with __anext__ method, got ${typeNameOf(t, aiter)}`);
    return 0;
  }
  const next = callNoArgs(t, getter);
  decref(t.rc, getter);
  if (next === 0) return 0;
  // An async generator's `__anext__` is its own awaitable (CPython takes it as is).
  if (asyncGenCheck(t, aiter)) return next;
  const awaitable = getAwaitableIter(t, next);
  if (awaitable === 0) {
    // `_PyErr_FormatFromCause`: the new TypeError's cause is why there was no awaitable.
    const cause = errGetRaisedException(t);
    errRaise(t, StaticType.TypeError, `'async for' received an invalid object from __anext__: ${typeNameOf(t, next)}`);
    decref(t.rc, next);
    const err = errGetRaisedException(t);
    if (cause !== 0) {
      incref(t.rc, cause);
      exceptionSetCause(t, err, cause);
      exceptionSetContext(t, err, cause);
    }
    errSetRaisedException(t, err);
    return 0;
  }
  decref(t.rc, next);
  return awaitable;
}
