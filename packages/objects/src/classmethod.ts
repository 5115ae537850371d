/**
 * `staticmethod` and `classmethod` (`Objects/funcobject.c`): wrappers a
 * class body puts around a callable so that looking it up gives the
 * callable itself, or the callable bound to the class. Both have an
 * attribute dict (`__wrapped__`, `__doc__` copied by functools.wraps),
 * and a staticmethod is itself callable (3.10+).
 */

import { incref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { objectReprJs } from './abstract.js';
import { objectVectorcall } from './call.js';
import { dictSize } from './dict.js';
import { errRaise } from './errors.js';
import { fieldGet, fieldsDealloc, fieldsNew, fieldsTraverse, fieldsClear } from './field-object.js';
import { StaticType } from './layout.js';
import { methodNew } from './method.js';
import type { ObThread } from './ob-thread.js';
import { typeName, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/** `sm_callable` / `cm_callable`. @internal */ export const WRAPPER_CALLABLE_OFFSET = 20;
/** `sm_dict` / `cm_dict` (`tp_dictoffset`). @internal */ export const WRAPPER_DICT_OFFSET = 24;
/** Bytes of a staticmethod or classmethod. @internal */ export const WRAPPER_SIZE = 28;

const OBJECT_FIELDS = [WRAPPER_CALLABLE_OFFSET, WRAPPER_DICT_OFFSET] as const;

/** `PyStaticMethod_New(callable)`. @public */
export function staticMethodNew(t: ObThread, callable: number): number {
  return fieldsNew(t, t.types[StaticType.StaticMethod]!, OBJECT_FIELDS, [callable, 0]);
}

/** `PyClassMethod_New(callable)`. @public */
export function classMethodNew(t: ObThread, callable: number): number {
  return fieldsNew(t, t.types[StaticType.ClassMethod]!, OBJECT_FIELDS, [callable, 0]);
}

/**
 * `sm_new` / `cm_new` (`tp_new` of both and of their subclasses): exactly
 * one positional argument and no keywords ("staticmethod expected 1
 * argument, got 0", "staticmethod() takes no keyword arguments").
 * @internal
 */
export function wrapperTypeNew(t: ObThread, type: number, args: number, kwargs: number, what: 'staticmethod' | 'classmethod'): number {
  if (kwargs !== 0 && dictSize(t, kwargs) > 0) return errRaise(t, StaticType.TypeError, `${what}() takes no keyword arguments`);
  const n = tupleSize(t, args);
  if (n !== 1) return errRaise(t, StaticType.TypeError, `${what} expected 1 argument, got ${n}`);
  return fieldsNew(t, type, OBJECT_FIELDS, [tupleGetItem(t, args, 0), 0]);
}

/** The wrapped callable (borrowed). @public */
export function wrappedCallable(t: ObThread, op: number): number {
  return fieldGet(t, op, WRAPPER_CALLABLE_OFFSET);
}

/** `sm_descr_get`: the callable itself. @internal */
export function staticMethodDescrGet(t: ObThread, op: number, _obj: number, _type: number): number {
  const callable = wrappedCallable(t, op);
  incref(t.rc, callable);
  return callable;
}

/** `cm_descr_get`: the callable bound to the class (`type`, else the instance's type). @internal */
export function classMethodDescrGet(t: ObThread, op: number, obj: number, type: number): number {
  const cls = type !== 0 && type !== t.none ? type : typeOf(t, obj);
  return methodNew(t, wrappedCallable(t, op), cls);
}

/** `sm_vectorcall`: calling a staticmethod calls the callable. @internal */
export function staticMethodVectorcall(t: ObThread, op: number, args: number, nargs: number, kwnames: number): number {
  return objectVectorcall(t, wrappedCallable(t, op), args, nargs, kwnames);
}

/** `sm_repr` / `cm_repr`: `<staticmethod(<built-in function len>)>`. @internal */
export function wrapperReprJs(t: ObThread, op: number): string | null {
  const inner = objectReprJs(t, wrappedCallable(t, op));
  return inner === null ? null : `<${typeName(t, t.u32[(op + OB_TYPE_OFFSET) >>> 2]!)}(${inner})>`;
}

/** `__func__` and `__wrapped__` (getter). @internal */
export function wrapperGetFunc(t: ObThread, op: number): number {
  const callable = wrappedCallable(t, op);
  incref(t.rc, callable);
  return callable;
}

/** `tp_traverse`. @internal */
export function wrapperTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `tp_clear`. @internal */
export function wrapperClear(rc: RcThread, op: number): void {
  fieldsClear(rc, op, OBJECT_FIELDS);
}

/** `tp_dealloc`. @internal */
export function wrapperDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, OBJECT_FIELDS);
}
