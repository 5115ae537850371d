/**
 * The descriptors builtin types put in their dicts (`Objects/descrobject.c`):
 * `method_descriptor` (`list.append`), `classmethod_descriptor`
 * (`dict.fromkeys`) and `getset_descriptor` (`int.real`,
 * `function.__code__`). Each records the type that defines it and its
 * name; the method descriptors a builtin behaviour id and its METH_*
 * flags, the getset descriptors a getter and a setter id.
 *
 * The VM's method calls (`LOAD_ATTR` with the method bit, then `CALL`)
 * use an unbound method descriptor with `self` as the first argument and
 * never allocate a bound method: {@link methodDescrVectorcall}.
 */

import { decref, incref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { builtinFunctionNew, callBuiltin, METH_CLASS } from './builtin-function.js';
import { errRaise, errRaiseInt } from './errors.js';
import { fieldGet, fieldsDealloc, fieldsNew, fieldsTraverse } from './field-object.js';
import { StaticType, TPFLAGS_TYPE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { typeQualNameJs } from './type-names.js';

/** `d_type`: the type that defines the descriptor (a strong reference). @internal */ export const DESCR_TYPE_OFFSET = 20;
/** `d_name`: a str. @internal */ export const DESCR_NAME_OFFSET = 24;
/** The builtin's or the getter's behaviour id; not an object. @internal */ export const DESCR_FN_OFFSET = 28;
/** METH_* flags, or the setter's id; not an object. @internal */ export const DESCR_FLAGS_OFFSET = 32;
/** Bytes of a descriptor. @internal */ export const DESCR_SIZE = 36;

const OBJECT_FIELDS = [DESCR_TYPE_OFFSET, DESCR_NAME_OFFSET] as const;

/** A new descriptor of static type `which` for `type`'s attribute `name` (a str); 0 with MemoryError. */
function descrNew(t: ObThread, which: StaticType, type: number, name: number, fn: number, flags: number): number {
  const op = fieldsNew(t, t.types[which]!, OBJECT_FIELDS, [type, name]);
  if (op === 0) return 0;
  t.u32[(op + DESCR_FN_OFFSET) >>> 2] = fn; // SAFETY: not published yet
  t.u32[(op + DESCR_FLAGS_OFFSET) >>> 2] = flags;
  return op;
}

/** `PyDescr_NewMethod` / `PyDescr_NewClassMethod` (METH_CLASS in `flags`): `type.name` calling builtin `fn`. @public */
export function methodDescrNew(t: ObThread, type: number, name: number, fn: number, flags: number): number {
  return descrNew(t, (flags & METH_CLASS) !== 0 ? StaticType.ClassMethodDescriptor : StaticType.MethodDescriptor, type, name, fn, flags);
}

/** `PyDescr_NewGetSet`: `type.name` read by getter `get` and written by setter `set` (0: read-only). @public */
export function getSetDescrNew(t: ObThread, type: number, name: number, get: number, set: number): number {
  return descrNew(t, StaticType.GetSetDescriptor, type, name, get, set);
}

/** The defining type (borrowed). @internal */
export function descrType(t: ObThread, op: number): number {
  return fieldGet(t, op, DESCR_TYPE_OFFSET);
}

/** The name as JavaScript text. @internal */
export function descrNameJs(t: ObThread, op: number): string {
  return strToJs(t, fieldGet(t, op, DESCR_NAME_OFFSET));
}

/** `descr_check`: whether `obj` is an instance the descriptor applies to; TypeError when not. */
function descrCheck(t: ObThread, descr: number, obj: number): boolean {
  const type = descrType(t, descr);
  if (typeIsSubtype(t, typeOf(t, obj), type)) return true;
  errRaise(t, StaticType.TypeError, `descriptor '${descrNameJs(t, descr)}' for '${typeName(t, type)}' objects doesn't apply to a '${typeNameOf(t, obj)}' object`);
  return false;
}

/** `descr_get_qualname`: the defining type's `__qualname__` and the name (`list.append`, `deque.pop`). */
function qualName(t: ObThread, descr: number): string {
  return `${typeQualNameJs(t, descrType(t, descr))}.${descrNameJs(t, descr)}`;
}

/**
 * `method_vectorcall_*`: `list.append(lst, x)` — the first argument is
 * `self`, checked against the defining type ("unbound method
 * list.append() needs an argument", "descriptor 'append' for 'list'
 * objects doesn't apply to a 'int' object").
 * @internal
 */
export function methodDescrVectorcall(t: ObThread, descr: number, args: number, nargs: number, kwnames: number): number {
  if (nargs < 1) return errRaise(t, StaticType.TypeError, `unbound method ${qualName(t, descr)}() needs an argument`);
  const self = t.u32[args >>> 2]!;
  if (!descrCheck(t, descr, self)) return 0;
  const u32 = t.u32;
  return callBuiltin(t, u32[(descr + DESCR_FN_OFFSET) >>> 2]!, u32[(descr + DESCR_FLAGS_OFFSET) >>> 2]!, self, args + 4, nargs - 1, kwnames, qualName, descr);
}

/** `method_get`: the descriptor itself from the class, a bound builtin method from an instance. @internal */
export function methodDescrGet(t: ObThread, descr: number, obj: number, _type: number): number {
  // `list.append` (the class passes no instance): the descriptor itself.
  if (obj === 0) return newRef(t, descr);
  if (!descrCheck(t, descr, obj)) return 0;
  const u32 = t.u32;
  return builtinFunctionNew(t, fieldGet(t, descr, DESCR_NAME_OFFSET), u32[(descr + DESCR_FN_OFFSET) >>> 2]!, u32[(descr + DESCR_FLAGS_OFFSET) >>> 2]!, obj, 0, descrType(t, descr));
}

/**
 * `classmethod_get`: `dict.fromkeys` and `{}.fromkeys` are both bound to
 * the class ("descriptor 'fromkeys' for type 'dict' needs a type, not a
 * 'int' as arg 2", "… requires a subtype of 'dict' but received 'int'").
 * @internal
 */
export function classMethodDescrGet(t: ObThread, descr: number, obj: number, type: number): number {
  let cls = type;
  if (cls === 0 || cls === t.none) {
    if (obj === 0 || obj === t.none) return errRaise(t, StaticType.TypeError, `descriptor '${descrNameJs(t, descr)}' for type '${typeName(t, descrType(t, descr))}' needs either an object or a type`);
    cls = typeOf(t, obj);
  }
  if (!typeHasFlag(t, typeOf(t, cls), TPFLAGS_TYPE_SUBCLASS)) {
    return errRaise(t, StaticType.TypeError, `descriptor '${descrNameJs(t, descr)}' for type '${typeName(t, descrType(t, descr))}' needs a type, not a '${typeNameOf(t, cls)}' as arg 2`);
  }
  if (!typeIsSubtype(t, cls, descrType(t, descr))) {
    return errRaise(t, StaticType.TypeError, `descriptor '${descrNameJs(t, descr)}' requires a subtype of '${typeName(t, descrType(t, descr))}' but received '${typeName(t, cls)}'`);
  }
  const u32 = t.u32;
  return builtinFunctionNew(t, fieldGet(t, descr, DESCR_NAME_OFFSET), u32[(descr + DESCR_FN_OFFSET) >>> 2]!, u32[(descr + DESCR_FLAGS_OFFSET) >>> 2]!, cls, 0, descrType(t, descr));
}

/** `classmethoddescr_call`: `dict.__dict__['fromkeys'](dict, keys)`. @internal */
export function classMethodDescrVectorcall(t: ObThread, descr: number, args: number, nargs: number, kwnames: number): number {
  if (nargs < 1) return errRaise(t, StaticType.TypeError, `descriptor '${descrNameJs(t, descr)}' of '${typeName(t, descrType(t, descr))}' object needs an argument`);
  const bound = classMethodDescrGet(t, descr, 0, t.u32[args >>> 2]!);
  if (bound === 0) return 0;
  const u32 = t.u32;
  const r = callBuiltin(t, u32[(descr + DESCR_FN_OFFSET) >>> 2]!, u32[(descr + DESCR_FLAGS_OFFSET) >>> 2]!, t.u32[args >>> 2]!, args + 4, nargs - 1, kwnames, qualName, descr);
  decref(t.rc, bound);
  return r;
}

/** `getset_get`: the getter's result for an instance, the descriptor itself from the class. @internal */
export function getSetDescrGet(t: ObThread, descr: number, obj: number, _type: number): number {
  if (obj === 0) return newRef(t, descr);
  if (!descrCheck(t, descr, obj)) return 0;
  const get = t.slots.getter[t.u32[(descr + DESCR_FN_OFFSET) >>> 2]!];
  if (get === null || get === undefined) return errRaise(t, StaticType.AttributeError, `attribute '${descrNameJs(t, descr)}' of '${typeName(t, descrType(t, descr))}' objects is not readable`);
  return get(t, obj);
}

/** `getset_set` (`value` 0 deletes): AttributeError "attribute 'real' of 'int' objects is not writable" without a setter. @internal */
export function getSetDescrSet(t: ObThread, descr: number, obj: number, value: number): number {
  if (!descrCheck(t, descr, obj)) return -1;
  const set = t.slots.setter[t.u32[(descr + DESCR_FLAGS_OFFSET) >>> 2]!];
  if (set === null || set === undefined) return errRaiseInt(t, StaticType.AttributeError, `attribute '${descrNameJs(t, descr)}' of '${typeName(t, descrType(t, descr))}' objects is not writable`);
  return set(t, obj, value);
}

/** The reprs: `<method 'append' of 'list' objects>`, `<attribute 'real' of 'int' objects>`. @internal */
export function descrReprJs(t: ObThread, descr: number): string {
  const kind = t.u32[(descr + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.GetSetDescriptor] ? 'attribute' : 'method';
  return `<${kind} '${descrNameJs(t, descr)}' of '${typeName(t, descrType(t, descr))}' objects>`;
}

/** `__qualname__` of a descriptor: `list.append`. @internal */
export function descrQualName(t: ObThread, descr: number): number {
  return strFromJs(t, qualName(t, descr));
}

/** `tp_traverse` of the descriptors. @internal */
export function descrTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `tp_dealloc` of the descriptors. @internal */
export function descrDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, OBJECT_FIELDS);
}

function newRef(t: ObThread, op: number): number {
  incref(t.rc, op);
  return op;
}
