/**
 * `dict`'s Python-visible methods and constructor (`mapp_methods`,
 * `dict_new`/`dict_init` of `Objects/dictobject.c`), and the updates they
 * share that need more than dict.ts may import (calling `keys()`,
 * `PyObject_GetItem` on another mapping, calling a class):
 * `dict_update_arg`, `PyDict_MergeFromSeq2`, the generic `PyDict_Merge`
 * and `_PyDict_FromKeys`.
 *
 * `dict(...)` is `tp_new` (an empty dict or a subclass's instance) then
 * `tp_init`, which updates it from the positional argument and then the
 * keywords. `d | other` and `d |= other` are PEP 584's `dict_or` and
 * `dict_ior`.
 */

import { decref, incref } from '@ft/refcount';
import { iterNext, objectGetItem, objectGetIter, objectSetItem, typeSlotId } from './abstract.js';
import { checkPositional, isStr } from './arg-parse.js';
import { callNoArgs } from './call.js';
import { dictCheckExact, dictClear, dictCopy, dictGetItemRef, dictMerge, dictNew, dictPop, dictPopItem, dictSetDefaultRef, dictSetItem, dictSize, dictSnapshot, dictSubscript, dictView } from './dict.js';
import { dictReversed } from './dict-views.js';
import { errClear, errExceptionMatches, errRaise, errRaiseInt } from './errors.js';
import { objectGetAttr } from './generic-attr.js';
import { errSetKeyError } from './key-error.js';
import { subtypeNew } from './heap-type.js';
import { StaticType, TPFLAGS_DICT_SUBCLASS, TPFLAGS_LIST_SUBCLASS } from './layout.js';
import { listCheckExact, listFromIterable, listGetItemRef, listSize } from './list.js';
import { arg, CLASS, FASTCALL, FASTCALL_KEYWORDS, MethodTable, newRef, NOARGS, noneResult, type BuiltinTypeAdditions } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import { callSpecial, MISSING } from './call-special.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleCheckExact, tupleGetItem, tupleSize } from './tuple.js';
import { internedName } from './type-names.js';

/**
 * `dict_subscript` (dict's `mp_subscript`): `d[key]`, a new reference or 0
 * with an exception. On a miss a dict subclass's `__missing__(key)` gives
 * the result (defaultdict, Counter); an exact dict raises KeyError at once,
 * so the common case pays no lookup of the special method.
 * @internal
 */
export function dictSubscriptOrMissing(t: ObThread, op: number, key: number): number {
  if (dictCheckExact(t, op)) return dictSubscript(t, op, key);
  const value = dictGetItemRef(t, op, key);
  if (value !== 0 || t.error.type !== 0) return value;
  const r = callSpecial(t, op, '__missing__', [key]);
  return r === MISSING ? errSetKeyError(t, key) : r;
}

/**
 * `PyObject_HasAttrWithError(op, name)`: 1, 0 (an AttributeError is
 * swallowed), or -1 with another exception.
 */
function hasAttr(t: ObThread, op: number, name: string): number {
  const key = internedName(t, name);
  if (key === 0) return -1;
  const value = objectGetAttr(t, op, key);
  if (value !== 0) {
    decref(t.rc, value);
    return 1;
  }
  if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return -1;
  errClear(t);
  return 0;
}

/** `op.name()`: a new reference, or 0 with the exception. */
function callMethod(t: ObThread, op: number, name: string): number {
  const key = internedName(t, name);
  if (key === 0) return 0;
  const method = objectGetAttr(t, op, key);
  if (method === 0) return 0;
  const r = callNoArgs(t, method);
  decref(t.rc, method);
  return r;
}

/** Whether `op` is a dict (or a subclass's instance) iterated as a dict (`Py_TYPE(b)->tp_iter == dict_iter`). */
function iteratesAsDict(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  return typeHasFlag(t, type, TPFLAGS_DICT_SUBCLASS) && typeSlotId(t, type, 'iter') === typeSlotId(t, t.types[StaticType.Dict]!, 'iter');
}

/**
 * `PyDict_Merge(d, b, 1)` for any mapping `b`: a dict's items as one
 * snapshot; otherwise `b.keys()` and `b[key]` for each key. 0, or -1.
 * @public
 */
export function dictMergeMapping(t: ObThread, d: number, b: number): number {
  if (iteratesAsDict(t, b)) return dictMerge(t, d, b);
  const keys = callMethod(t, b, 'keys');
  if (keys === 0) return -1;
  const it = objectGetIter(t, keys);
  if (it === 0) {
    if (errExceptionMatches(t, t.types[StaticType.TypeError]!)) errRaise(t, StaticType.TypeError, `${typeNameOf(t, b)}.keys() returned a non-iterable (type ${typeNameOf(t, keys)})`);
    decref(t.rc, keys);
    return -1;
  }
  decref(t.rc, keys);
  let r = 0;
  for (;;) {
    const key = iterNext(t, it);
    if (key === 0) {
      if (t.error.type !== 0) r = -1;
      break;
    }
    const value = objectGetItem(t, b, key);
    r = value === 0 ? -1 : dictSetItem(t, d, key, value);
    decref(t.rc, key);
    if (value !== 0) decref(t.rc, value);
    if (r < 0) break;
  }
  decref(t.rc, it);
  return r;
}

/**
 * `PyDict_MergeFromSeq2(d, seq2, 1)`: each element of `seq2` a pair
 * (any iterable of two items) stored as key and value. 0, or -1 with
 * TypeError "cannot convert dictionary update sequence element #0 to a
 * sequence" / ValueError "dictionary update sequence element #0 has length
 * 1; 2 is required", or what iterating raised.
 * @public
 */
export function dictMergeFromSeq2(t: ObThread, d: number, seq2: number): number {
  const it = objectGetIter(t, seq2);
  if (it === 0) return -1;
  let r = 0;
  for (let i = 0; ; i++) {
    const item = iterNext(t, it);
    if (item === 0) {
      if (t.error.type !== 0) r = -1;
      break;
    }
    r = storePair(t, d, item, i);
    decref(t.rc, item);
    if (r < 0) break;
  }
  decref(t.rc, it);
  return r;
}

/** One element of {@link dictMergeFromSeq2} (`PySequence_Fast(item)`, then its two items). */
function storePair(t: ObThread, d: number, item: number, i: number): number {
  let fast = item;
  if (!listCheckExact(t, item) && !tupleCheckExact(t, item)) {
    const probe = objectGetIter(t, item);
    if (probe === 0) {
      if (errExceptionMatches(t, t.types[StaticType.TypeError]!)) errRaise(t, StaticType.TypeError, `cannot convert dictionary update sequence element #${i} to a sequence`);
      return -1;
    }
    fast = listFromIterable(t, probe);
    decref(t.rc, probe);
    if (fast === 0) return -1;
  } else {
    incref(t.rc, fast);
  }
  const isList = typeHasFlag(t, typeOf(t, fast), TPFLAGS_LIST_SUBCLASS);
  const n = isList ? listSize(t, fast) : tupleSize(t, fast);
  let r: number;
  if (n !== 2) {
    r = errRaiseInt(t, StaticType.ValueError, `dictionary update sequence element #${i} has length ${n}; 2 is required`);
  } else {
    const key = isList ? listGetItemRef(t, fast, 0) : newRef(t, tupleGetItem(t, fast, 0));
    const value = isList ? listGetItemRef(t, fast, 1) : newRef(t, tupleGetItem(t, fast, 1));
    // A list may have shrunk since its size was read (another thread, or a comparison).
    r = key === 0 || value === 0 ? errRaiseInt(t, StaticType.ValueError, `dictionary update sequence element #${i} has length ${n}; 2 is required`) : dictSetItem(t, d, key, value);
    if (key !== 0) decref(t.rc, key);
    if (value !== 0) decref(t.rc, value);
  }
  decref(t.rc, fast);
  return r;
}

/**
 * `dict_update_arg(d, arg)`: a dict merged, anything with a `keys`
 * attribute as a mapping, anything else as a sequence of pairs. 0, or -1.
 * @public
 */
export function dictUpdateArg(t: ObThread, d: number, other: number): number {
  if (dictCheckExact(t, other)) return dictMerge(t, d, other);
  const hasKeys = hasAttr(t, other, 'keys');
  if (hasKeys < 0) return -1;
  return hasKeys === 1 ? dictMergeMapping(t, d, other) : dictMergeFromSeq2(t, d, other);
}

/** The keyword arguments (name, value pairs) stored into `d` (`PyDict_Merge(d, kwds, 1)`); 0, or -1. */
function storeKeywords(t: ObThread, d: number, names: readonly number[], values: readonly number[]): number {
  for (let k = 0; k < names.length; k++) {
    if (!isStr(t, names[k]!)) return errRaiseInt(t, StaticType.TypeError, 'keywords must be strings');
    if (dictSetItem(t, d, names[k]!, values[k]!) < 0) return -1;
  }
  return 0;
}

/**
 * `dict_update_common`: `d.update(other, **kw)` / `dict.__init__` — the
 * positional argument (at most one: "update expected at most 1 argument,
 * got 2"), then the keywords. 0, or -1.
 */
function updateCommon(t: ObThread, d: number, name: string, positional: readonly number[], names: readonly number[], values: readonly number[]): number {
  if (!checkPositional(t, name, positional.length, 0, 1)) return -1;
  if (positional.length === 1 && dictUpdateArg(t, d, positional[0]!) < 0) return -1;
  return storeKeywords(t, d, names, values);
}

/**
 * `_PyDict_FromKeys(cls, iterable, value)` (`dict.fromkeys`): `cls()`
 * filled with each element of `iterable` as a key of `value`; a new
 * reference, or 0 with an exception.
 * @public
 */
export function dictFromKeys(t: ObThread, cls: number, iterable: number, value: number): number {
  const d = callNoArgs(t, cls);
  if (d === 0) return 0;
  const exact = dictCheckExact(t, d);
  const it = objectGetIter(t, iterable);
  if (it === 0) {
    decref(t.rc, d);
    return 0;
  }
  let r = 0;
  for (;;) {
    const key = iterNext(t, it);
    if (key === 0) {
      if (t.error.type !== 0) r = -1;
      break;
    }
    r = exact ? dictSetItem(t, d, key, value) : objectSetItem(t, d, key, value);
    decref(t.rc, key);
    if (r < 0) break;
  }
  decref(t.rc, it);
  if (r < 0) {
    decref(t.rc, d);
    return 0;
  }
  return d;
}

/** The keyword names and values of a vectorcall (borrowed). */
function keywordsOf(t: ObThread, args: number, nargs: number, kwnames: number): [number[], number[]] {
  const n = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  const names: number[] = [];
  const values: number[] = [];
  for (let k = 0; k < n; k++) {
    names.push(tupleGetItem(t, kwnames, k));
    values.push(arg(t, args, nargs + k));
  }
  return [names, values];
}

/**
 * `dict_or` (`d | other`, PEP 584): a new dict (an exact one, even for a
 * subclass's instance: `PyDict_Copy`) of `d`'s items updated with
 * `other`'s; `NotImplemented` unless both are dicts.
 */
function dictOr(t: ObThread, self: number, other: number): number {
  const dict = typeHasFlag(t, typeOf(t, self), TPFLAGS_DICT_SUBCLASS) && typeHasFlag(t, typeOf(t, other), TPFLAGS_DICT_SUBCLASS);
  if (!dict) return t.notImplemented;
  const result = dictCopy(t, self);
  if (result === 0) return 0;
  if (dictUpdateArg(t, result, other) < 0) {
    decref(t.rc, result);
    return 0;
  }
  return result;
}

/** `dict_ior` (`d |= other`): `d` updated as by `d.update(other)` (any mapping or iterable of pairs), `d` itself. */
function dictInPlaceOr(t: ObThread, self: number, other: number): number {
  return dictUpdateArg(t, self, other) < 0 ? 0 : newRef(t, self);
}

/** Registers dict's methods and constructor; returns them for dict's spec. @internal */
export function registerDictMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'dict')
    .method('get', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'get', nargs, 1, 2)) return 0;
      const value = dictGetItemRef(t, self, arg(t, args, 0));
      if (value !== 0 || t.error.type !== 0) return value;
      return newRef(t, nargs > 1 ? arg(t, args, 1) : t.none);
    })
    .method('setdefault', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'setdefault', nargs, 1, 2)) return 0;
      return dictSetDefaultRef(t, self, arg(t, args, 0), nargs > 1 ? arg(t, args, 1) : t.none);
    })
    .method('pop', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, 'pop', nargs, 1, 2)) return 0;
      // `_PyDict_Pop`: an empty dict answers before the key is hashed.
      if (dictSize(t, self) === 0) return nargs > 1 ? newRef(t, arg(t, args, 1)) : errSetKeyError(t, arg(t, args, 0));
      return dictPop(t, self, arg(t, args, 0), nargs > 1 ? arg(t, args, 1) : 0);
    })
    .method('popitem', NOARGS, (t, self) => dictPopItem(t, self))
    .method('keys', NOARGS, (t, self) => dictView(t, self, 0))
    .method('items', NOARGS, (t, self) => dictView(t, self, 2))
    .method('values', NOARGS, (t, self) => dictView(t, self, 1))
    .method('update', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      const positional = Array.from(t.u32.subarray(args >>> 2, (args >>> 2) + nargs));
      const [names, values] = keywordsOf(t, args, nargs, kwnames);
      return updateCommon(t, self, 'update', positional, names, values) < 0 ? 0 : noneResult(t);
    })
    .method('fromkeys', CLASS | FASTCALL, (t, cls, args, nargs) => {
      if (!checkPositional(t, 'fromkeys', nargs, 1, 2)) return 0;
      return dictFromKeys(t, cls, arg(t, args, 0), nargs > 1 ? arg(t, args, 1) : t.none);
    })
    .method('clear', NOARGS, (t, self) => {
      dictClear(t, self);
      return noneResult(t);
    })
    .method('copy', NOARGS, (t, self) => dictCopy(t, self))
    .method('__reversed__', NOARGS, (t, self) => dictReversed(t, self, 0));

  // `dict_new`: an empty dict whatever the arguments (tp_init takes them).
  const newId = slots.add('new', 'dict', (t, type) => (type === t.types[StaticType.Dict] ? dictNew(t) : subtypeNew(t, type)));
  const initId = slots.add('init', 'dict', (t, self, args, kwargs) => {
    const positional: number[] = [];
    for (let i = 0; i < tupleSize(t, args); i++) positional.push(tupleGetItem(t, args, i));
    const pairs = kwargs === 0 || dictSize(t, kwargs) === 0 ? [] : dictSnapshot(t, kwargs, 2);
    if (pairs === null) return -1;
    // The caller's dict keeps the keys and values alive while they are stored.
    const names = pairs.map((p) => tupleGetItem(t, p, 0));
    const values = pairs.map((p) => tupleGetItem(t, p, 1));
    for (const p of pairs) decref(t.rc, p);
    return updateCommon(t, self, 'dict', positional, names, values);
  });
  return table.done({ new: newId, init: initId, or: slots.add('or', 'dict', dictOr), inplaceOr: slots.add('inplaceOr', 'dict', dictInPlaceOr) });
}
