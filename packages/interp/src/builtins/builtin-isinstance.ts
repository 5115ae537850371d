/**
 * `isinstance` and `issubclass` (`Objects/abstract.c`'s
 * `PyObject_IsInstance` and `PyObject_IsSubclass`): a tuple is searched
 * item by item (nested tuples too); a class whose metaclass defines
 * `__instancecheck__` / `__subclasscheck__` decides for itself; otherwise
 * the type's MRO, or — for objects that only pretend to be classes — the
 * `__class__` and `__bases__` attributes, as CPython's
 * `object_isinstance` and `abstract_issubclass` walk them.
 */

import { callOneArg, checkPositional, errOccurred, errRaise, objectIsTrue, objectTypeCheck, StaticType, strInternFromJs, tupleGetItem, tupleSize, typeHasFlag, typeIsSubtype, typeOf, TPFLAGS_TUPLE_SUBCLASS, METH_FASTCALL, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import type { FunctionDef } from '../modules/module-def.js';
import { argAt, getOptionalAttr, isType, isTypeExact, lookupSpecial } from './special-lookup.js';

function isTuple(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_TUPLE_SUBCLASS);
}

/** An attribute by name through {@link getOptionalAttr}. */
function optionalAttr(t: ObThread, obj: number, name: string): number {
  const key = strInternFromJs(t, name);
  if (key === 0) return 0;
  const v = getOptionalAttr(t, obj, key);
  decref(t.rc, key);
  return v;
}

/**
 * `abstract_get_bases(cls)`: `cls.__bases__` when it is a tuple (a new
 * reference); 0 otherwise — with an exception set only when the lookup
 * raised something other than AttributeError.
 */
function abstractGetBases(t: ObThread, cls: number): number {
  const bases = optionalAttr(t, cls, '__bases__');
  if (bases !== 0 && !isTuple(t, bases)) {
    decref(t.rc, bases);
    return 0;
  }
  return bases;
}

/** `check_class(cls, error)`: whether `cls` has a tuple `__bases__`; false with TypeError `message` (or what the lookup raised). */
function checkClass(t: ObThread, cls: number, message: string): boolean {
  const bases = abstractGetBases(t, cls);
  if (bases === 0) {
    if (errOccurred(t) === 0) errRaise(t, StaticType.TypeError, message);
    return false;
  }
  decref(t.rc, bases);
  return true;
}

/** `abstract_issubclass(derived, cls)`: `cls` among `derived`'s `__bases__`, transitively. 1, 0, or -1. */
function abstractIsSubclass(t: ObThread, derived: number, cls: number): number {
  // The single-inheritance chain is walked in a loop; `held` is the bases tuple that keeps `derived` alive.
  let held = 0;
  for (;;) {
    if (derived === cls) {
      if (held !== 0) decref(t.rc, held);
      return 1;
    }
    const bases = abstractGetBases(t, derived);
    if (held !== 0) decref(t.rc, held);
    held = 0;
    if (bases === 0) return errOccurred(t) !== 0 ? -1 : 0;
    const n = tupleSize(t, bases);
    if (n === 1) {
      derived = tupleGetItem(t, bases, 0);
      held = bases;
      continue;
    }
    let r = 0;
    for (let i = 0; i < n && r === 0; i++) r = abstractIsSubclass(t, tupleGetItem(t, bases, i), cls);
    decref(t.rc, bases);
    return r;
  }
}

/** `object_isinstance(inst, cls)` (`_PyObject_RealIsInstance`): 1, 0, or -1. */
export function realIsInstance(t: ObThread, inst: number, cls: number): number {
  if (isType(t, cls)) {
    if (objectTypeCheck(t, inst, cls)) return 1;
    // An object may claim another class through `__class__` (proxies, mocks).
    const icls = optionalAttr(t, inst, '__class__');
    if (icls === 0) return errOccurred(t) !== 0 ? -1 : 0;
    const r = icls !== typeOf(t, inst) && isType(t, icls) && typeIsSubtype(t, icls, cls) ? 1 : 0;
    decref(t.rc, icls);
    return r;
  }
  if (!checkClass(t, cls, 'isinstance() arg 2 must be a type, a tuple of types, or a union')) return -1;
  const icls = optionalAttr(t, inst, '__class__');
  if (icls === 0) return errOccurred(t) !== 0 ? -1 : 0;
  const r = abstractIsSubclass(t, icls, cls);
  decref(t.rc, icls);
  return r;
}

/** `recursive_issubclass(derived, cls)` (`_PyObject_RealIsSubclass`): 1, 0, or -1. */
export function realIsSubclass(t: ObThread, derived: number, cls: number): number {
  if (isType(t, cls) && isType(t, derived)) return typeIsSubtype(t, derived, cls) ? 1 : 0;
  if (!checkClass(t, derived, 'issubclass() arg 1 must be a class')) return -1;
  if (!checkClass(t, cls, 'issubclass() arg 2 must be a class, a tuple of classes, or a union')) return -1;
  return abstractIsSubclass(t, derived, cls);
}

/** The truth of a checker's result, released. */
function checkerResult(t: ObThread, r: number): number {
  if (r === 0) return -1;
  const truth = objectIsTrue(t, r);
  decref(t.rc, r);
  return truth;
}

/** `PyObject_IsInstance(inst, cls)`: 1, 0, or -1 with an exception set. */
export function objectIsInstance(t: ObThread, inst: number, cls: number): number {
  // The quick answer CPython gives before anything overridable is consulted.
  if (typeOf(t, inst) === cls) return 1;
  if (isTypeExact(t, cls)) return realIsInstance(t, inst, cls);
  if (isTuple(t, cls)) {
    const n = tupleSize(t, cls);
    for (let i = 0; i < n; i++) {
      const r = objectIsInstance(t, inst, tupleGetItem(t, cls, i));
      if (r !== 0) return r;
    }
    return 0;
  }
  const checker = lookupSpecial(t, cls, '__instancecheck__');
  if (checker !== 0) {
    const r = callOneArg(t, checker, inst);
    decref(t.rc, checker);
    return checkerResult(t, r);
  }
  if (errOccurred(t) !== 0) return -1;
  return realIsInstance(t, inst, cls);
}

/** `PyObject_IsSubclass(derived, cls)`: 1, 0, or -1 with an exception set. */
export function objectIsSubclass(t: ObThread, derived: number, cls: number): number {
  if (isTypeExact(t, cls)) {
    if (derived === cls) return 1;
    return realIsSubclass(t, derived, cls);
  }
  if (isTuple(t, cls)) {
    const n = tupleSize(t, cls);
    for (let i = 0; i < n; i++) {
      const r = objectIsSubclass(t, derived, tupleGetItem(t, cls, i));
      if (r !== 0) return r;
    }
    return 0;
  }
  const checker = lookupSpecial(t, cls, '__subclasscheck__');
  if (checker !== 0) {
    const r = callOneArg(t, checker, derived);
    decref(t.rc, checker);
    return checkerResult(t, r);
  }
  if (errOccurred(t) !== 0) return -1;
  return realIsSubclass(t, derived, cls);
}

/** `builtin_isinstance` (`isinstance(obj, class_or_tuple, /)`). */
export function builtinIsinstance(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'isinstance', nargs, 2, 2)) return 0;
  const r = objectIsInstance(t, argAt(t, args, 0), argAt(t, args, 1));
  return r < 0 ? 0 : r === 1 ? t.true : t.false;
}

/** `builtin_issubclass` (`issubclass(cls, class_or_tuple, /)`). */
export function builtinIssubclass(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'issubclass', nargs, 2, 2)) return 0;
  const r = objectIsSubclass(t, argAt(t, args, 0), argAt(t, args, 1));
  return r < 0 ? 0 : r === 1 ? t.true : t.false;
}

/** The `PyMethodDef`s of `isinstance` and `issubclass`. */
export const ISINSTANCE_FUNCTIONS: readonly FunctionDef[] = [
  { name: 'isinstance', flags: METH_FASTCALL, fn: builtinIsinstance },
  { name: 'issubclass', flags: METH_FASTCALL, fn: builtinIssubclass },
];
