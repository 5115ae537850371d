/**
 * `property` (`Objects/descrobject.c`): a data descriptor calling `fget`,
 * `fset` and `fdel`, with a docstring (the getter's when none is given)
 * and the name `__set_name__` gives it, used in its errors ("property
 * 'x' of 'C' object has no setter").
 */

import { decref, incref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { callArgs, callOneArg } from './call.js';
import { dictGetItemRef, dictSize, dictSnapshot } from './dict.js';
import { errClear, errRaise, errRaiseInt } from './errors.js';
import { fieldGet, fieldGetRef, fieldSet, fieldsClear, fieldsDealloc, fieldsNew, fieldsTraverse } from './field-object.js';
import { objectGetAttr } from './generic-attr.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/** `prop_get`. @internal */ export const PROPERTY_FGET_OFFSET = 20;
/** `prop_set`. @internal */ export const PROPERTY_FSET_OFFSET = 24;
/** `prop_del`. @internal */ export const PROPERTY_FDEL_OFFSET = 28;
/** `prop_doc`. @internal */ export const PROPERTY_DOC_OFFSET = 32;
/** `prop_name` (from `__set_name__`; 0 until then). @internal */ export const PROPERTY_NAME_OFFSET = 36;
/** Bytes of a property. @internal */ export const PROPERTY_SIZE = 40;

const OBJECT_FIELDS = [PROPERTY_FGET_OFFSET, PROPERTY_FSET_OFFSET, PROPERTY_FDEL_OFFSET, PROPERTY_DOC_OFFSET, PROPERTY_NAME_OFFSET] as const;
const PARAMETERS = ['fget', 'fset', 'fdel', 'doc'] as const;

/** A field, or 0 for None. */
function orZero(t: ObThread, op: number): number {
  return op === t.none ? 0 : op;
}

/**
 * `property(fget=None, fset=None, fdel=None, doc=None)` as an object of
 * `type` (property or a subclass): without a doc, the getter's
 * `__doc__`. 0 with MemoryError or what reading `__doc__` raised.
 * @public
 */
export function propertyNew(t: ObThread, type: number, fget: number, fset: number, fdel: number, doc: number): number {
  let theDoc = orZero(t, doc);
  let fromGetter = 0;
  if (theDoc === 0 && orZero(t, fget) !== 0) {
    const key = strFromJs(t, '__doc__');
    if (key === 0) return 0;
    fromGetter = objectGetAttr(t, fget, key);
    decref(t.rc, key);
    if (fromGetter === 0) errClear(t); // a getter without a docstring is fine
    theDoc = orZero(t, fromGetter);
  }
  const op = fieldsNew(t, type, OBJECT_FIELDS, [orZero(t, fget), orZero(t, fset), orZero(t, fdel), theDoc, 0]);
  if (fromGetter !== 0) decref(t.rc, fromGetter);
  return op;
}

/**
 * `property_init` as `tp_new` from a call's tuple and dict ("property()
 * takes at most 4 arguments (5 given)", "'x' is an invalid keyword
 * argument for property()", "argument for property() given by name
 * ('fget') and position (1)").
 * @internal
 */
export function propertyTypeNew(t: ObThread, type: number, args: number, kwargs: number): number {
  const n = tupleSize(t, args);
  if (n > 4) return errRaise(t, StaticType.TypeError, `property() takes at most 4 arguments (${n} given)`);
  const values = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) values[i] = tupleGetItem(t, args, i);
  const taken: number[] = [];
  if (kwargs !== 0 && dictSize(t, kwargs) > 0) {
    let matched = 0;
    for (let i = 0; i < 4; i++) {
      const key = strFromJs(t, PARAMETERS[i]!);
      if (key === 0) return release(t, taken);
      const v = dictGetItemRef(t, kwargs, key);
      decref(t.rc, key);
      if (v === 0) continue;
      taken.push(v);
      matched++;
      if (i < n) {
        release(t, taken);
        return errRaise(t, StaticType.TypeError, `argument for property() given by name ('${PARAMETERS[i]}') and position (${i + 1})`);
      }
      values[i] = v;
    }
    if (matched !== dictSize(t, kwargs)) {
      release(t, taken);
      return errRaise(t, StaticType.TypeError, `'${firstUnknownKeyword(t, kwargs)}' is an invalid keyword argument for property()`);
    }
  }
  const op = propertyNew(t, type, values[0] || t.none, values[1] || t.none, values[2] || t.none, values[3] || t.none);
  release(t, taken);
  return op;
}

function release(t: ObThread, refs: number[]): 0 {
  for (const op of refs) decref(t.rc, op);
  return 0;
}

/** The first key of `kwargs` that is not a parameter name (for the error). */
function firstUnknownKeyword(t: ObThread, kwargs: number): string {
  const keys = dictKeysJs(t, kwargs);
  return keys.find((k) => !(PARAMETERS as readonly string[]).includes(k)) ?? '?';
}

function dictKeysJs(t: ObThread, d: number): string[] {
  const keys = dictSnapshot(t, d, 0) ?? [];
  const out = keys.map((k) => (typeHasFlag(t, typeOf(t, k), TPFLAGS_UNICODE_SUBCLASS) ? strToJs(t, k) : '?'));
  for (const k of keys) decref(t.rc, k);
  return out;
}

/** "property 'x' of 'C' object" or "property of 'C' object" for the errors. */
function subject(t: ObThread, prop: number, obj: number): string {
  const name = fieldGet(t, prop, PROPERTY_NAME_OFFSET);
  const named = name !== 0 && typeHasFlag(t, typeOf(t, name), TPFLAGS_UNICODE_SUBCLASS) ? ` '${strToJs(t, name)}'` : '';
  return `property${named} of '${typeNameOf(t, obj)}' object`;
}

/** `property_descr_get`: the property itself from the class, `fget(obj)` from an instance. @internal */
export function propertyDescrGet(t: ObThread, prop: number, obj: number, _type: number): number {
  if (obj === 0) {
    incref(t.rc, prop);
    return prop;
  }
  const fget = fieldGetRef(t, prop, PROPERTY_FGET_OFFSET);
  if (fget === 0) return errRaise(t, StaticType.AttributeError, `${subject(t, prop, obj)} has no getter`);
  const r = callOneArg(t, fget, obj);
  decref(t.rc, fget);
  return r;
}

/** `property_descr_set`: `fset(obj, value)`, or `fdel(obj)` when `value` is 0. @internal */
export function propertyDescrSet(t: ObThread, prop: number, obj: number, value: number): number {
  const func = fieldGetRef(t, prop, value === 0 ? PROPERTY_FDEL_OFFSET : PROPERTY_FSET_OFFSET);
  if (func === 0) return errRaiseInt(t, StaticType.AttributeError, `${subject(t, prop, obj)} has no ${value === 0 ? 'deleter' : 'setter'}`);
  const r = value === 0 ? callOneArg(t, func, obj) : callArgs(t, func, [obj, value]);
  decref(t.rc, func);
  if (r === 0) return -1;
  decref(t.rc, r);
  return 0;
}

/**
 * `property_copy`: `p.getter(f)`, `p.setter(f)`, `p.deleter(f)` — a new
 * property of the same type with one function replaced (the doc follows
 * a replaced getter when it came from the old one), keeping the name.
 * @internal
 */
export function propertyCopy(t: ObThread, prop: number, which: 0 | 1 | 2, func: number): number {
  const fields = [PROPERTY_FGET_OFFSET, PROPERTY_FSET_OFFSET, PROPERTY_FDEL_OFFSET].map((o) => fieldGet(t, prop, o) || t.none);
  fields[which] = func;
  const op = propertyNew(t, t.u32[(prop + OB_TYPE_OFFSET) >>> 2]!, fields[0]!, fields[1]!, fields[2]!, which === 0 ? t.none : fieldGet(t, prop, PROPERTY_DOC_OFFSET) || t.none);
  if (op !== 0) fieldSet(t, op, PROPERTY_NAME_OFFSET, fieldGet(t, prop, PROPERTY_NAME_OFFSET));
  return op;
}

/** `property.__set_name__(owner, name)`: records the name for the errors. @internal */
export function propertySetName(t: ObThread, prop: number, name: number): void {
  fieldSet(t, prop, PROPERTY_NAME_OFFSET, name);
}

/** `fget` / `fset` / `fdel` / `__doc__` getters (None when empty). @internal */
export function propertyGetField(t: ObThread, prop: number, offset: number): number {
  const v = fieldGetRef(t, prop, offset);
  if (v !== 0) return v;
  incref(t.rc, t.none);
  return t.none;
}

/** `__doc__` setter. @internal */
export function propertySetDoc(t: ObThread, prop: number, value: number): number {
  fieldSet(t, prop, PROPERTY_DOC_OFFSET, orZero(t, value));
  return 0;
}

/** `tp_traverse`. @internal */
export function propertyTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `tp_clear`. @internal */
export function propertyClear(rc: RcThread, op: number): void {
  fieldsClear(rc, op, OBJECT_FIELDS);
}

/** `tp_dealloc`. @internal */
export function propertyDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, OBJECT_FIELDS);
}

