/**
 * The builtins of `Python/bltinmodule.c` that ask an object about itself:
 * `repr`, `ascii`, `format`, `hash`, `id`, `len`, `callable`, the
 * attribute functions (`getattr`, `setattr`, `hasattr`, `delattr`) and
 * `vars`, with CPython 3.13's argument checking and messages. Each is a
 * thin wrapper over the abstract object protocol of @ft/objects.
 */

import {
  badArgument,
  checkPositional,
  errOccurred,
  errRaise,
  intFromNumber,
  isStr,
  METH_FASTCALL,
  METH_O,
  objectAscii,
  objectFormat,
  objectGetAttr,
  objectHashPy,
  objectLength,
  objectRepr,
  objectSetAttr,
  StaticType,
  strIntern,
  typeNameOf,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import type { FunctionDef } from '../modules/module-def.js';
import { currentFrameLocals } from './frame-locals-hook.js';
import { argAt, callableCheck, getOptionalAttr, getOptionalAttrJs } from './special-lookup.js';

/** `builtin_repr` (METH_O): `PyObject_Repr`. */
export function builtinRepr(t: ObThread, _self: number, args: number): number {
  return objectRepr(t, argAt(t, args, 0));
}

/** `builtin_ascii` (METH_O): `PyObject_ASCII`. */
export function builtinAscii(t: ObThread, _self: number, args: number): number {
  return objectAscii(t, argAt(t, args, 0));
}

/** `builtin_format` (`format(value, format_spec='', /)`): `PyObject_Format`. */
export function builtinFormat(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'format', nargs, 1, 2)) return 0;
  const spec = nargs > 1 ? argAt(t, args, 1) : 0;
  if (spec !== 0 && !isStr(t, spec)) return badArgument(t, 'format', 2, 'str', spec);
  return objectFormat(t, argAt(t, args, 0), spec);
}

/** `builtin_hash` (METH_O): `PyObject_Hash` as an int. */
export function builtinHash(t: ObThread, _self: number, args: number): number {
  return objectHashPy(t, argAt(t, args, 0));
}

/** `builtin_id` (METH_O): the object's address, unique among the objects alive at once. */
export function builtinId(t: ObThread, _self: number, args: number): number {
  return intFromNumber(t, argAt(t, args, 0));
}

/** `builtin_len` (METH_O): `PyObject_Size`. */
export function builtinLen(t: ObThread, _self: number, args: number): number {
  const n = objectLength(t, argAt(t, args, 0));
  return n < 0 ? 0 : intFromNumber(t, n);
}

/** `builtin_callable` (METH_O): `PyCallable_Check`. */
export function builtinCallable(t: ObThread, _self: number, args: number): number {
  return callableCheck(t, argAt(t, args, 0)) ? t.true : t.false;
}

/** The check of `PyObject_GetAttr` and friends: the name must be a str. */
function checkAttrName(t: ObThread, name: number): boolean {
  if (isStr(t, name)) return true;
  errRaise(t, StaticType.TypeError, `attribute name must be string, not '${typeNameOf(t, name)}'`);
  return false;
}

/** `builtin_getattr` (`getattr(object, name[, default])`). */
export function builtinGetattr(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'getattr', nargs, 2, 3)) return 0;
  const obj = argAt(t, args, 0);
  const name = argAt(t, args, 1);
  if (!checkAttrName(t, name)) return 0;
  if (nargs < 3) return objectGetAttr(t, obj, name);
  const value = getOptionalAttr(t, obj, name);
  if (value !== 0 || errOccurred(t) !== 0) return value;
  const dflt = argAt(t, args, 2);
  incref(t.rc, dflt);
  return dflt;
}

/**
 * `PyObject_SetAttr` with its name check and interning (the attribute
 * dicts are keyed by interned names); `value` 0 deletes. 0, or -1.
 */
function setAttr(t: ObThread, obj: number, name: number, value: number): number {
  if (!checkAttrName(t, name)) return -1;
  return objectSetAttr(t, obj, strIntern(t, name), value);
}

/** `builtin_setattr` (`setattr(obj, name, value, /)`). */
export function builtinSetattr(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'setattr', nargs, 3, 3)) return 0;
  return setAttr(t, argAt(t, args, 0), argAt(t, args, 1), argAt(t, args, 2)) < 0 ? 0 : t.none;
}

/** `builtin_delattr` (`delattr(obj, name, /)`). */
export function builtinDelattr(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'delattr', nargs, 2, 2)) return 0;
  return setAttr(t, argAt(t, args, 0), argAt(t, args, 1), 0) < 0 ? 0 : t.none;
}

/** `builtin_hasattr` (`hasattr(obj, name, /)`): only AttributeError means "no". */
export function builtinHasattr(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'hasattr', nargs, 2, 2)) return 0;
  const name = argAt(t, args, 1);
  if (!checkAttrName(t, name)) return 0;
  const value = getOptionalAttr(t, argAt(t, args, 0), name);
  if (value === 0) return errOccurred(t) !== 0 ? 0 : t.false;
  decref(t.rc, value);
  return t.true;
}

/** `vars([object])`: `object.__dict__`, or the caller's locals without an argument. */
export function builtinVars(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'vars', nargs, 0, 1)) return 0;
  if (nargs === 0) return currentFrameLocals(t);
  const d = getOptionalAttrJs(t, argAt(t, args, 0), '__dict__');
  if (d === 0 && errOccurred(t) === 0) return errRaise(t, StaticType.TypeError, 'vars() argument must have __dict__ attribute');
  return d;
}

/** The `PyMethodDef`s of this file, in `builtin_methods` order. */
export const OBJECT_FUNCTIONS: readonly FunctionDef[] = [
  { name: 'ascii', flags: METH_O, fn: builtinAscii },
  { name: 'callable', flags: METH_O, fn: builtinCallable },
  { name: 'delattr', flags: METH_FASTCALL, fn: builtinDelattr },
  { name: 'format', flags: METH_FASTCALL, fn: builtinFormat },
  { name: 'getattr', flags: METH_FASTCALL, fn: builtinGetattr },
  { name: 'hasattr', flags: METH_FASTCALL, fn: builtinHasattr },
  { name: 'hash', flags: METH_O, fn: builtinHash },
  { name: 'id', flags: METH_O, fn: builtinId },
  { name: 'len', flags: METH_O, fn: builtinLen },
  { name: 'repr', flags: METH_O, fn: builtinRepr },
  { name: 'setattr', flags: METH_FASTCALL, fn: builtinSetattr },
  { name: 'vars', flags: METH_FASTCALL, fn: builtinVars },
];
