/**
 * The lookups the builtin functions share (`Objects/typeobject.c`'s
 * `_PyObject_LookupSpecial`, `Objects/object.c`'s
 * `PyObject_GetOptionalAttr`, `PyType_Check`): a special method is looked
 * up on the type, never on the instance, and bound through its
 * descriptor; an optional attribute turns AttributeError into "absent".
 */

import { errClear, errExceptionMatches, objectGetAttr, StaticType, strInternFromJs, typeHasFlag, typeLookupRef, typeOf, typeSlotId, TPFLAGS_TYPE_SUBCLASS, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';

export { lookupSpecial } from '../modules/lookup-special.js';

/**
 * `PyObject_GetOptionalAttr(obj, name)`: the attribute (a new
 * reference), or 0 — absent when no exception is set (AttributeError is
 * swallowed), an error when one is.
 */
export function getOptionalAttr(t: ObThread, obj: number, name: number): number {
  const value = objectGetAttr(t, obj, name);
  if (value === 0 && errExceptionMatches(t, t.types[StaticType.AttributeError]!)) errClear(t);
  return value;
}

/** {@link getOptionalAttr} by JavaScript name. */
export function getOptionalAttrJs(t: ObThread, obj: number, name: string): number {
  const key = strInternFromJs(t, name);
  if (key === 0) return 0;
  const value = getOptionalAttr(t, obj, key);
  decref(t.rc, key);
  return value;
}

/** `PyObject_GetAttr` by JavaScript name: a new reference, or 0 with the exception set. */
export function getAttrJs(t: ObThread, obj: number, name: string): number {
  const key = strInternFromJs(t, name);
  if (key === 0) return 0;
  const value = objectGetAttr(t, obj, key);
  decref(t.rc, key);
  return value;
}

/** Whether the type of `op` has the attribute `name` along its MRO (a `tp_as_async` slot such as `am_anext` is filled, for CPython). */
export function typeHasAttr(t: ObThread, op: number, name: string): boolean {
  const key = strInternFromJs(t, name);
  if (key === 0) return false;
  const found = typeLookupRef(t, typeOf(t, op), key);
  decref(t.rc, key);
  if (found === 0) return false;
  decref(t.rc, found);
  return true;
}

/** `PyType_Check(op)`: a type, or an instance of a metaclass. */
export function isType(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_TYPE_SUBCLASS);
}

/** `PyType_CheckExact(op)`. */
export function isTypeExact(t: ObThread, op: number): boolean {
  return typeOf(t, op) === t.types[StaticType.Type];
}

/** The word `i` of a vectorcall's arguments (borrowed). */
export function argAt(t: ObThread, args: number, i: number): number {
  return t.u32[(args >>> 2) + i]!;
}

/**
 * `PyCallable_Check(op)`: whether the type can call its instances — a
 * `tp_call`, or (ft's builtin functions, types) a vectorcall behaviour.
 */
export function callableCheck(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  return typeSlotId(t, type, 'call') !== 0 || typeSlotId(t, type, 'vectorcall') !== 0 || isType(t, op);
}
