/**
 * Bound methods (`Objects/classobject.c`, `method`): a function and the
 * instance it was looked up on; calling it calls the function with the
 * instance first. The VM's method calls do not make one (`LOAD_ATTR`
 * with the method bit pushes the function and `self`); they appear when
 * a method is taken as a value (`f = obj.m`).
 */

import { decref, incref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { objectHash, objectRichCompareBool, objectReprJs, PY_EQ, PY_NE } from './abstract.js';
import { argsPop, argsPush, objectVectorcall } from './call.js';
import { errClear, errExceptionMatches } from './errors.js';
import { fieldGet, fieldsDealloc, fieldsNew, fieldsTraverse } from './field-object.js';
import { objectGetAttr } from './generic-attr.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeOf } from './subtype.js';
import { tupleSize } from './tuple.js';

function strCheck(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_UNICODE_SUBCLASS);
}

/** `im_func`. @public */ export const METHOD_FUNC_OFFSET = 20;
/** `im_self`. @public */ export const METHOD_SELF_OFFSET = 24;
/** Bytes of a bound method. @internal */ export const METHOD_SIZE = 28;

const OBJECT_FIELDS = [METHOD_FUNC_OFFSET, METHOD_SELF_OFFSET] as const;

/** `PyMethod_New(func, self)`: a new bound method; 0 with MemoryError. @public */
export function methodNew(t: ObThread, func: number, self: number): number {
  return fieldsNew(t, t.types[StaticType.Method]!, OBJECT_FIELDS, [func, self]);
}

/** Whether `op` is a bound method (`PyMethod_Check`). @public */
export function methodCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Method];
}

/** `PyMethod_GET_FUNCTION` (borrowed). @public */
export function methodFunction(t: ObThread, op: number): number {
  return fieldGet(t, op, METHOD_FUNC_OFFSET);
}

/** `PyMethod_GET_SELF` (borrowed). @public */
export function methodSelf(t: ObThread, op: number): number {
  return fieldGet(t, op, METHOD_SELF_OFFSET);
}

/** `method_vectorcall`: the function called with `self` and then the arguments. @internal */
export function methodVectorcall(t: ObThread, op: number, args: number, nargs: number, kwnames: number): number {
  const nkw = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  const values = new Array<number>(1 + nargs + nkw);
  values[0] = methodSelf(t, op);
  for (let i = 0; i < nargs + nkw; i++) values[i + 1] = t.u32[(args >>> 2) + i]!;
  const stack = argsPush(t, values);
  if (stack === 0) return 0;
  const r = objectVectorcall(t, methodFunction(t, op), stack, nargs + 1, kwnames);
  argsPop(t, stack, values.length);
  return r;
}

/** `method_repr`: `<bound method C.f of <C object at 0x…>>` (the function's `__qualname__`, else `__name__`). @internal */
export function methodReprJs(t: ObThread, op: number): string | null {
  const func = methodFunction(t, op);
  let name = '?';
  for (const attr of ['__qualname__', '__name__']) {
    const key = strFromJs(t, attr);
    if (key === 0) return null;
    const v = objectGetAttr(t, func, key);
    decref(t.rc, key);
    if (v !== 0) {
      name = strCheck(t, v) ? strToJs(t, v) : '?';
      decref(t.rc, v);
      break;
    }
    errClear(t);
  }
  const self = objectReprJs(t, methodSelf(t, op));
  if (self === null) return null;
  return `<bound method ${name} of ${self}>`;
}

/** `method_richcompare`: equal when the functions are equal and the instances identical. @internal */
export function methodRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if ((op !== PY_EQ && op !== PY_NE) || !methodCheck(t, a) || !methodCheck(t, b)) {
    return newRef(t, t.notImplemented);
  }
  let eq = methodSelf(t, a) === methodSelf(t, b) ? objectRichCompareBool(t, methodFunction(t, a), methodFunction(t, b), PY_EQ) : 0;
  if (eq < 0) return 0;
  if (op === PY_NE) eq = 1 - eq;
  return newRef(t, eq === 1 ? t.true : t.false);
}

/** `method_hash`: the instance's address hash mixed with the function's hash. @internal */
export function methodHash(t: ObThread, op: number): number {
  const self = methodSelf(t, op);
  const x = ((self >>> 4) | (self << 28)) | 0;
  const y = objectHash(t, methodFunction(t, op));
  if (y === -1) return -1;
  const h = x ^ y;
  return h === -1 ? -2 : h;
}

/** `__func__`, `__self__` (getters). @internal */
export function methodGetFunc(t: ObThread, op: number): number {
  return newRef(t, methodFunction(t, op));
}
/** @internal */
export function methodGetSelf(t: ObThread, op: number): number {
  return newRef(t, methodSelf(t, op));
}

/**
 * `method_getattro`: the method type's own attributes (`__func__`,
 * `__self__`, …), then the function's (`m.__name__`, `m.__doc__`).
 * @internal
 */
export function methodGetAttro(t: ObThread, op: number, name: number, generic: (t: ObThread, op: number, name: number) => number): number {
  const r = generic(t, op, name);
  if (r !== 0 || !errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return r;
  errClear(t);
  return objectGetAttr(t, methodFunction(t, op), name);
}

/** `tp_traverse`. @internal */
export function methodTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `tp_dealloc`. @internal */
export function methodDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, OBJECT_FIELDS);
}

function newRef(t: ObThread, op: number): number {
  incref(t.rc, op);
  return op;
}
