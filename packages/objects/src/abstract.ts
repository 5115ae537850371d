/**
 * The abstract object protocols (`Objects/abstract.c`, `object.c`):
 * hashing, rich comparison, truth, repr, length, subscription, iteration
 * and calls, each dispatched through the slot behaviours of the object's
 * type. Comparison and hashing of objects written in Python come back
 * into the VM through the slots the interpreter registers (its call hook).
 */

import { decref, OB_TYPE_OFFSET } from '@ft/refcount';
import { callPositional } from './call-args.js';
import { errClear, errExceptionMatches, errOccurred, errRaise, errRaiseInt, errUnhashable } from './errors.js';
import { strFromJs } from './str.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeSlot } from './type-slots.js';
import { sequenceCheck, seqIterNew } from './seq-iterator.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf } from './subtype.js';

/** `Py_LT`. @public */ export const PY_LT = 0;
/** `Py_LE`. @public */ export const PY_LE = 1;
/** `Py_EQ`. @public */ export const PY_EQ = 2;
/** `Py_NE`. @public */ export const PY_NE = 3;
/** `Py_GT`. @public */ export const PY_GT = 4;
/** `Py_GE`. @public */ export const PY_GE = 5;

export { typeSlot, typeSlotId } from './type-slots.js';

/** `_Py_SwappedOp`. */
const SWAPPED = [PY_GT, PY_GE, PY_EQ, PY_NE, PY_LT, PY_LE];
const OP_SYMBOL = ['<', '<=', '==', '!=', '>', '>='];

/** `Py_TYPE(op)`, read where the protocols need it. */
function typeOfOp(t: ObThread, op: number): number {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
}

/** `PyObject_Hash`: the hash, or -1 with TypeError for an unhashable object (or what the hash raised). @public */
export function objectHash(t: ObThread, op: number): number {
  const hash = typeSlot(t, typeOfOp(t, op), 'hash');
  if (hash === null) return errUnhashable(t, op);
  return hash(t, op);
}

/**
 * `PyObject_RichCompare`: a new reference, or 0 with an exception.
 * The reflected operation of a proper subclass of `a`'s type goes first
 * (`do_richcompare`); `==` and `!=` fall back to identity; the others
 * raise CPython's TypeError.
 * @public
 */
export function objectRichCompare(t: ObThread, a: number, b: number, op: number): number {
  const ta = typeOfOp(t, a);
  const tb = typeOfOp(t, b);
  const notImplemented = t.notImplemented;
  let checkedReverse = false;
  if (ta !== tb && typeIsSubtype(t, tb, ta)) {
    const reflected = typeSlot(t, tb, 'richcompare');
    if (reflected !== null) {
      checkedReverse = true;
      const r = reflected(t, b, a, SWAPPED[op]!);
      if (r !== notImplemented) return r;
    }
  }
  const forward = typeSlot(t, ta, 'richcompare');
  if (forward !== null) {
    const r = forward(t, a, b, op);
    if (r !== notImplemented) return r;
  }
  if (!checkedReverse) {
    const reflected = typeSlot(t, tb, 'richcompare');
    if (reflected !== null) {
      const r = reflected(t, b, a, SWAPPED[op]!);
      if (r !== notImplemented) return r;
    }
  }
  if (op === PY_EQ) return (a === b ? t.true : t.false);
  if (op === PY_NE) return (a !== b ? t.true : t.false);
  return errRaise(t, StaticType.TypeError, `'${OP_SYMBOL[op]}' not supported between instances of '${typeName(t, ta)}' and '${typeName(t, tb)}'`);
}

/**
 * `PyObject_RichCompareBool`: 1, 0, or -1 with an exception. Identity
 * implies equality for `==` and `!=` (CPython's shortcut, which containers
 * rely on).
 * @public
 */
export function objectRichCompareBool(t: ObThread, a: number, b: number, op: number): number {
  if (a === b) {
    if (op === PY_EQ) return 1;
    if (op === PY_NE) return 0;
  }
  const r = objectRichCompare(t, a, b, op);
  if (r === 0) return -1;
  if (r === t.true) return 1;
  if (r === t.false) return 0;
  const truth = objectIsTrue(t, r);
  decref(t.rc, r);
  return truth;
}

/** `PyObject_IsTrue`: 1, 0, or -1 with an exception. @public */
export function objectIsTrue(t: ObThread, op: number): number {
  if (op === t.true) return 1;
  if (op === t.false || op === t.none) return 0;
  const type = typeOfOp(t, op);
  const bool = typeSlot(t, type, 'bool');
  if (bool !== null) return bool(t, op);
  const length = typeSlot(t, type, 'length');
  if (length !== null) {
    const n = length(t, op);
    return n < 0 ? -1 : n > 0 ? 1 : 0;
  }
  return 1;
}

/** `PyObject_Repr`: a new str, or 0 with an exception. @public */
export function objectRepr(t: ObThread, op: number): number {
  const repr = typeSlot(t, typeOfOp(t, op), 'repr');
  if (repr === null) return errRaise(t, StaticType.SystemError, `type '${typeNameOf(t, op)}' has no repr slot`);
  return checkStrResult(t, repr(t, op), '__repr__');
}

/**
 * What `PyObject_Repr` / `PyObject_Str` check of a slot's result: a str
 * (or an instance of a subclass) passes through; anything else is released
 * and becomes TypeError "__repr__ returned non-string (type int)".
 * @internal
 */
export function checkStrResult(t: ObThread, r: number, method: '__repr__' | '__str__'): number {
  if (r === 0 || typeHasFlag(t, typeOfOp(t, r), TPFLAGS_UNICODE_SUBCLASS)) return r;
  const what = typeNameOf(t, r);
  decref(t.rc, r);
  return errRaise(t, StaticType.TypeError, `${method} returned non-string (type ${what})`);
}

/** `repr(op)` as JavaScript text for messages; null with the exception set when repr raised. @public */
export function objectReprJs(t: ObThread, op: number): string | null {
  const r = objectRepr(t, op);
  if (r === 0) return null;
  const text = strToJs(t, r);
  decref(t.rc, r);
  return text;
}

/** `PyObject_Size`: the length, or -1 with TypeError ("object of type 'int' has no len()"). @public */
export function objectLength(t: ObThread, op: number): number {
  const length = typeSlot(t, typeOfOp(t, op), 'length');
  if (length === null) return errRaiseInt(t, StaticType.TypeError, `object of type '${typeNameOf(t, op)}' has no len()`);
  return length(t, op);
}

/** `PyObject_GetItem`: a new reference, or 0 with an exception. @public */
export function objectGetItem(t: ObThread, op: number, key: number): number {
  const type = typeOfOp(t, op);
  const subscript = typeSlot(t, type, 'subscript');
  if (subscript !== null) return subscript(t, op, key);
  if (typeIsSubtype(t, type, t.types[StaticType.Type]!)) return classGetItem(t, op, key);
  return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, op)}' object is not subscriptable`);
}

/**
 * `PyObject_GetItem` of a class (PEP 560): `cls.__class_getitem__(key)`
 * (`list[int]`, a generic class), else TypeError "type 'int' is not
 * subscriptable". A new reference, or 0 with the exception.
 */
function classGetItem(t: ObThread, cls: number, key: number): number {
  // A plain str, not interned: interning sits above this file (it keeps a dict); class subscripts are rare.
  const getattro = typeSlot(t, typeOfOp(t, cls), 'getattro');
  const name = getattro === null ? 0 : strFromJs(t, '__class_getitem__');
  if (name === 0) return 0;
  const meth = getattro!(t, cls, name);
  decref(t.rc, name);
  if (meth === 0) {
    if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return 0;
    errClear(t);
    return errRaise(t, StaticType.TypeError, `type '${typeName(t, cls)}' is not subscriptable`);
  }
  const r = callPositional(t, meth, [key]);
  decref(t.rc, meth);
  return r;
}

/** `PyObject_SetItem` (`value` 0: `PyObject_DelItem`): 0, or -1 with an exception. @public */
export function objectSetItem(t: ObThread, op: number, key: number, value: number): number {
  const assign = typeSlot(t, typeOfOp(t, op), 'assSubscript');
  if (assign === null) {
    return errRaiseInt(t, StaticType.TypeError, value === 0 ? `'${typeNameOf(t, op)}' object doesn't support item deletion` : `'${typeNameOf(t, op)}' object does not support item assignment`);
  }
  return assign(t, op, key, value);
}

/** `PySequence_Contains` (`x in op`): 1, 0, or -1 with an exception. @public */
export function objectContains(t: ObThread, op: number, key: number): number {
  const contains = typeSlot(t, typeOfOp(t, op), 'contains');
  if (contains !== null) return contains(t, op, key);
  // `_PySequence_IterSearch`: by iteration.
  const it = objectGetIter(t, op);
  if (it === 0) return -1;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      decref(t.rc, it);
      return errOccurred(t) !== 0 ? -1 : 0;
    }
    const eq = objectRichCompareBool(t, item, key, PY_EQ);
    decref(t.rc, item);
    if (eq !== 0) {
      decref(t.rc, it);
      return eq;
    }
  }
}

/** `PyObject_GetIter`: a new iterator, or 0 with TypeError ("'int' object is not iterable"). @public */
export function objectGetIter(t: ObThread, op: number): number {
  const iter = typeSlot(t, typeOfOp(t, op), 'iter');
  // Without `__iter__`, an object with `__getitem__` iterates as a sequence (CPython's `PySeqIter_New`).
  if (iter === null) return sequenceCheck(t, op) ? seqIterNew(t, op) : errRaise(t, StaticType.TypeError, `'${typeNameOf(t, op)}' object is not iterable`);
  const it = iter(t, op);
  if (it !== 0 && typeSlot(t, typeOfOp(t, it), 'iternext') === null) {
    // `PyObject_GetIter`: what `__iter__` returned must be an iterator.
    const name = typeNameOf(t, it);
    decref(t.rc, it);
    return errRaise(t, StaticType.TypeError, `iter() returned non-iterator of type '${name}'`);
  }
  return it;
}

/**
 * `Py_TYPE(it)->tp_iternext(it)`: the next item (a new reference), or 0 —
 * exhausted with no exception or with a StopIteration carrying a value
 * (kept: SEND's `yield from` and `await` take their result from it), or an
 * error. @public
 */
export function iterNextRaw(t: ObThread, it: number): number {
  const next = typeSlot(t, typeOfOp(t, it), 'iternext');
  if (next === null) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, it)}' object is not an iterator`);
  return next(t, it);
}

/** `PyIter_Next`: the next item (a new reference), or 0: exhausted (no exception) or an error (exception set). @public */
export function iterNext(t: ObThread, it: number): number {
  const next = typeSlot(t, typeOfOp(t, it), 'iternext');
  if (next === null) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, it)}' object is not an iterator`);
  const item = next(t, it);
  // A generator's end carries its return value in a StopIteration: the protocol's end all the same.
  if (item === 0 && t.error.type !== 0 && errExceptionMatches(t, t.types[StaticType.StopIteration]!)) errClear(t);
  return item;
}

