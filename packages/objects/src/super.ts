/**
 * `super` (`Objects/typeobject.c`): attribute lookup that starts after a
 * given class in the MRO of an instance's (or a class's) type. The VM's
 * `LOAD_SUPER_ATTR` calls {@link superLookup} directly and never makes a
 * super object (DESIGN.md §7: "super without allocating on the fast
 * path"); `super(C, obj)` as a value is the object below.
 *
 * The zero-argument form needs the caller's frame (its `__class__` cell
 * and first argument): the VM supplies those; called without arguments
 * here it raises "super(): no arguments" as CPython does without a frame.
 */

import { decref, incref, type RcThread } from '@ft/refcount';
import { typeSlot } from './abstract.js';
import { dictGetItemRef, dictSize } from './dict.js';
import { errRaise } from './errors.js';
import { fieldGet, fieldsDealloc, fieldsNew, fieldsTraverse } from './field-object.js';
import { objectGenericGetAttr } from './generic-attr.js';
import { StaticType, TP_DICT_OFFSET, TPFLAGS_TYPE_SUBCLASS, TUPLE_ITEMS_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import { typeMro } from './type-object.js';

/** `type`: the class after which the lookup starts. @internal */ export const SUPER_TYPE_OFFSET = 20;
/** `obj`: the instance or class, or 0 (unbound). @internal */ export const SUPER_OBJ_OFFSET = 24;
/** `obj_type`: whose MRO is searched. @internal */ export const SUPER_OBJ_TYPE_OFFSET = 28;
/** Bytes of a super object. @internal */ export const SUPER_SIZE = 32;

const OBJECT_FIELDS = [SUPER_TYPE_OFFSET, SUPER_OBJ_OFFSET, SUPER_OBJ_TYPE_OFFSET] as const;

function isType(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_TYPE_SUBCLASS);
}

/**
 * `supercheck(type, obj)`: the type whose MRO `super(type, obj)` searches
 * — `obj`'s type for an instance, `obj` itself for a subclass — or 0 with
 * TypeError ("super(type, obj): obj (instance of str) is not an instance
 * or subtype of type (int).").
 * @public
 */
export function superCheck(t: ObThread, type: number, obj: number): number {
  if (isType(t, obj) && typeIsSubtype(t, obj, type)) return obj;
  const objType = typeOf(t, obj);
  if (typeIsSubtype(t, objType, type)) return objType;
  // (CPython also consults obj.__class__ for proxies; ft's objects report their real type there.)
  const what = isType(t, obj) ? 'type' : 'instance of';
  const shown = isType(t, obj) ? typeName(t, obj) : typeNameOf(t, obj);
  return errRaise(t, StaticType.TypeError, `super(type, obj): obj (${what} ${shown}) is not an instance or subtype of type (${typeName(t, type)}).`);
}

/**
 * `_super_lookup_descr` + binding: `name` looked up in the MRO of
 * `objType` after `type`, bound to `obj` (its `__get__(obj, objType)`, or
 * `__get__(None, objType)` when `obj` is the class itself). A new
 * reference; 0 with no exception when not found (the caller falls back),
 * or 0 with what a descriptor raised.
 * @public
 */
export function superLookup(t: ObThread, type: number, obj: number, objType: number, name: number): number {
  const mro = typeMro(t, objType);
  const n = tupleSize(t, mro);
  let i = 0;
  while (i < n && tupleGetItem(t, mro, i) !== type) i++;
  for (i++; i < n; i++) {
    const base = t.u32[((mro + TUPLE_ITEMS_OFFSET) >>> 2) + i]!;
    const dict = t.u32[(base + TP_DICT_OFFSET) >>> 2]!;
    const found = dictGetItemRef(t, dict, name);
    if (found === 0) {
      if (t.error.type !== 0) return 0;
      continue;
    }
    const get = typeSlot(t, typeOf(t, found), 'descrGet');
    if (get === null) return found;
    const r = get(t, found, obj === objType ? 0 : obj, objType);
    decref(t.rc, found);
    return r;
  }
  return 0;
}

/**
 * `super(type, obj)`, `super(type)` from a call's arguments (a tuple): a
 * new super object; 0 with RuntimeError ("super(): no arguments"),
 * TypeError ("super() argument 1 must be a type, not int", supercheck's).
 * @public
 */
export function superNew(t: ObThread, cls: number, args: number, kwargs: number): number {
  if (kwargs !== 0 && dictSize(t, kwargs) > 0) return errRaise(t, StaticType.TypeError, 'super() takes no keyword arguments');
  const n = tupleSize(t, args);
  if (n > 2) return errRaise(t, StaticType.TypeError, `super() takes at most 2 arguments (${n} given)`);
  if (n === 0) {
    // `super_init_without_args`: the running frame's `__class__` cell and first argument, from the VM.
    const found = t.superArgs === null ? null : t.superArgs(t);
    if (found === null) return t.error.type !== 0 ? 0 : errRaise(t, StaticType.RuntimeError, 'super(): no arguments');
    const objType = superCheck(t, found.type, found.obj);
    if (objType === 0) return 0;
    return fieldsNew(t, cls, OBJECT_FIELDS, [found.type, found.obj, objType]);
  }
  const type = tupleGetItem(t, args, 0);
  if (!isType(t, type)) return errRaise(t, StaticType.TypeError, `super() argument 1 must be a type, not ${typeNameOf(t, type)}`);
  let obj = n === 2 ? tupleGetItem(t, args, 1) : 0;
  if (obj === t.none) obj = 0;
  let objType = 0;
  if (obj !== 0) {
    objType = superCheck(t, type, obj);
    if (objType === 0) return 0;
  }
  return fieldsNew(t, cls, OBJECT_FIELDS, [type, obj, objType]);
}

/**
 * `super_getattro`: the lookup after `type` in `obj_type`'s MRO, except
 * for `__class__` (the super object's own class) and for an unbound
 * super; then the super object's own attributes.
 * @internal
 */
export function superGetAttro(t: ObThread, su: number, name: number): number {
  const objType = fieldGet(t, su, SUPER_OBJ_TYPE_OFFSET);
  if (objType !== 0 && !isClassName(t, name)) {
    const r = superLookup(t, fieldGet(t, su, SUPER_TYPE_OFFSET), fieldGet(t, su, SUPER_OBJ_OFFSET), objType, name);
    if (r !== 0 || t.error.type !== 0) return r;
  }
  return objectGenericGetAttr(t, su, name);
}

function isClassName(t: ObThread, name: number): boolean {
  return strToJs(t, name) === '__class__';
}

/** `super_repr`: `<super: <class 'int'>, <int object>>`, `<super: <class 'int'>, NULL>`. @internal */
export function superReprJs(t: ObThread, su: number): string {
  const type = fieldGet(t, su, SUPER_TYPE_OFFSET);
  const objType = fieldGet(t, su, SUPER_OBJ_TYPE_OFFSET);
  return objType === 0 ? `<super: <class '${typeName(t, type)}'>, NULL>` : `<super: <class '${typeName(t, type)}'>, <${typeName(t, objType)} object>>`;
}

/** `__thisclass__`, `__self__`, `__self_class__` (getters; None when unbound). @internal */
export function superGetField(t: ObThread, su: number, offset: number): number {
  const v = fieldGet(t, su, offset) || t.none;
  incref(t.rc, v);
  return v;
}

/** `tp_traverse`. @internal */
export function superTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `tp_dealloc`. @internal */
export function superDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, OBJECT_FIELDS);
}
