/**
 * Calls the VM may run as Python frames instead of through a slot, so that
 * they cost no JavaScript re-entry and nest as deep as Python calls do
 * (CPython 3.13's `LOAD_ATTR_PROPERTY` and `BINARY_SUBSCR_GETITEM`, and a
 * class's `__call__`): each finds the Python function the slot's dispatcher
 * would call, the way it would find it — a plain function found on the
 * type, never on the instance — so that entering it as a frame is the same
 * call. Anything else (a builtin, a bound method, a staticmethod, an
 * overridden `__getattribute__`) gives 0 and takes the slot.
 */

import { decref, incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { dunder } from './call-special.js';
import { StaticType } from './layout.js';
import { typeLookupRef } from './method-cache.js';
import type { ObThread } from './ob-thread.js';
import { PROPERTY_FGET_OFFSET } from './property.js';
import { typeSlotId } from './type-slots.js';

/** A new reference to `type.name` when it is a plain Python function, else 0. */
function pythonFunctionOnType(t: ObThread, type: number, name: string): number {
  const key = dunder(t, name);
  const found = key === 0 ? 0 : typeLookupRef(t, type, key);
  if (found === 0 || t.u32[(found + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Function]) return found;
  decref(t.rc, found);
  return 0;
}

/**
 * The Python `__call__` that calling an instance of `type` runs (its `call`
 * slot is the class dispatcher), a new reference; else 0. Called with the
 * instance first.
 * @public
 */
export function pythonCallOf(t: ObThread, type: number): number {
  if (typeSlotId(t, type, 'call') !== t.builtinIds.slotDispatch.call) return 0;
  return pythonFunctionOnType(t, type, '__call__');
}

/**
 * The Python `__getitem__` that `obj[key]` runs on an instance of `type`
 * (its `subscript` slot is the class dispatcher), a new reference; else 0.
 * Called as `__getitem__(obj, key)`.
 * @public
 */
export function pythonGetItemOf(t: ObThread, type: number): number {
  if (typeSlotId(t, type, 'subscript') !== t.builtinIds.slotDispatch.subscript) return 0;
  return pythonFunctionOnType(t, type, '__getitem__');
}

/**
 * The getter `obj.name` runs when the attribute is a `property` of `type`
 * whose `fget` is a Python function and `type` uses the generic attribute
 * lookup (a property is a data descriptor: nothing in the instance dict
 * comes first), a new reference; else 0. Called as `fget(obj)`.
 * @public
 */
export function propertyGetterOf(t: ObThread, type: number, name: number): number {
  const object = t.types[StaticType.Object]!;
  if (typeSlotId(t, type, 'getattro') !== typeSlotId(t, object, 'getattro')) return 0;
  const descr = typeLookupRef(t, type, name);
  if (descr === 0) return 0;
  let fget = 0;
  if (t.u32[(descr + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Property]) {
    // SAFETY: a property's fields are set when it is made and never change.
    const f = t.u32[(descr + PROPERTY_FGET_OFFSET) >>> 2]!;
    if (f !== 0 && t.u32[(f + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Function]) {
      fget = f;
      incref(t.rc, f);
    }
  }
  decref(t.rc, descr);
  return fget;
}
