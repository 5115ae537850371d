/**
 * Attribute access (`PyObject_GenericGetAttr`, `PyObject_GenericSetAttr`,
 * `type_getattro`, `type_setattro`, `object_set_class`): descriptors found
 * along the type's MRO through the method cache, then the instance's
 * `__dict__`. A data descriptor (one with `__set__`) wins over the instance
 * dict; a non-data descriptor loses to it.
 *
 * Thread safety is the containers' own: the instance dict's lock-free
 * lookups and locked stores, the method cache's protocol, and a type's
 * attribute stores made under the type lock together with the version
 * invalidation, so a cache hit never returns an attribute that was
 * replaced before the hit began.
 */

import { criticalSectionBegin, criticalSectionBegin2, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, setMaybeWeakref, xGetRef, OB_MUTEX_OFFSET, OB_TYPE_OFFSET, TP_BASICSIZE_OFFSET, TP_FLAGS_OFFSET, TP_ITEMSIZE_OFFSET, TYPE_FLAG_HAVE_GC, TYPE_FLAG_HEAPTYPE } from '@ft/refcount';
import { typeSlot } from './abstract.js';
import { instanceDictSlot } from './heap-type.js';
import { dictDelItem, dictGetItemRef, dictNewForType, dictSetItem, dictSnapshot } from './dict.js';
import { errExceptionMatches, errGetRaisedException, errRaise, errRaiseInt, errSetRaisedException } from './errors.js';
import { memberName } from './heap-type.js';
import { ATTRIBUTEERROR_NAME_OFFSET, ATTRIBUTEERROR_OBJ_OFFSET, MEMBER_SLOT_OFFSET, MEMBER_TYPE_OFFSET, OS_TYPE_LOCK_OFFSET, StaticType, TPFLAGS_DICT_SUBCLASS, TP_BASE_OFFSET, TP_DICT_OFFSET, TP_DICTOFFSET_OFFSET, TP_FLAGS2_OFFSET, TP_WEAKLISTOFFSET_OFFSET, TYPE2_IMMUTABLE } from './layout.js';
import { typeLookupRef } from './method-cache.js';
import type { ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { internedName } from './type-names.js';
import { typeModifiedLocked } from './type-version.js';

/**
 * The instance's `__dict__` as a new reference, created on first need when
 * `create` (`_PyObject_GetDictPtr` + lazy creation), or 0 (no slot, none
 * yet, or MemoryError). Another thread may replace the dict at any moment
 * (`obj.__dict__ = d` releases the old one), so the read takes its
 * reference with try-incref and re-checks the slot (`_Py_XGetRef`); the
 * creating store is a compare-and-swap, so two threads creating it at once
 * agree on one dict. A new dict shares its class's keys (a split table), so
 * instances store their attribute names once.
 */
function instanceDict(t: ObThread, op: number, create: boolean): number {
  const slot = instanceDictSlot(t, op);
  if (slot === 0) return 0;
  for (;;) {
    const current = xGetRef(t.rc, slot);
    if (current !== 0 || !create) return current;
    const fresh = dictNewForType(t, t.u32[(op + OB_TYPE_OFFSET) >>> 2]!); // split over the class's shared keys
    if (fresh === 0) return 0;
    setMaybeWeakref(t.rc, fresh); // other threads take their reference with try-incref
    if (Atomics.compareExchange(t.u32, slot >>> 2, 0, fresh) === 0) {
      incref(t.rc, fresh); // the slot's reference and ours
      return fresh;
    }
    decref(t.rc, fresh);
  }
}

/**
 * `PyObject_GenericGetDict` (`obj.__dict__`): the instance's dict, created
 * if it has none yet, a new reference; 0 with AttributeError when its type
 * gives it no `__dict__`.
 * @public
 */
export function objectGetDict(t: ObThread, obj: number): number {
  if (instanceDictSlot(t, obj) === 0) return errRaise(t, StaticType.AttributeError, `'${typeNameOf(t, obj)}' object has no attribute '__dict__'`);
  return instanceDict(t, obj, true);
}

/**
 * `PyObject_GenericSetDict` (`obj.__dict__ = d`; `d` 0: `del obj.__dict__`):
 * swaps the slot atomically and releases the old dict; 0, or -1 with
 * TypeError ("__dict__ must be set to a dictionary, not a 'int'") or
 * AttributeError (no `__dict__`).
 * @public
 */
export function objectSetDict(t: ObThread, obj: number, dict: number): number {
  const slot = instanceDictSlot(t, obj);
  if (slot === 0) return errRaiseInt(t, StaticType.AttributeError, `'${typeNameOf(t, obj)}' object has no attribute '__dict__'`);
  if (dict !== 0 && !typeHasFlag(t, t.u32[(dict + OB_TYPE_OFFSET) >>> 2]!, TPFLAGS_DICT_SUBCLASS)) {
    return errRaiseInt(t, StaticType.TypeError, `__dict__ must be set to a dictionary, not a '${typeNameOf(t, dict)}'`);
  }
  if (dict !== 0) {
    setMaybeWeakref(t.rc, dict);
    incref(t.rc, dict);
  }
  // The swap is made under the old dict's lock, so that an attribute store that holds that lock and
  // saw the dict in the slot finishes before it (objectGenericSetAttrWithDict re-checks the slot).
  for (;;) {
    const current = xGetRef(t.rc, slot);
    if (current === 0) {
      if (Atomics.compareExchange(t.u32, slot >>> 2, 0, dict) === 0) return 0;
      continue;
    }
    criticalSectionBegin(t.heap, current + OB_MUTEX_OFFSET);
    const swapped = Atomics.compareExchange(t.u32, slot >>> 2, current, dict) === current;
    criticalSectionEnd(t.heap);
    decref(t.rc, current);
    if (swapped) {
      decref(t.rc, current); // the slot's reference
      return 0;
    }
  }
}

/** Whether `descr`'s type has `__set__` (a data descriptor). */
function isDataDescriptor(t: ObThread, descr: number): boolean {
  return typeSlot(t, t.u32[(descr + OB_TYPE_OFFSET) >>> 2]!, 'descrSet') !== null;
}

/**
 * `PyObject_GenericGetAttr(obj, name)`: a new reference, or 0 with
 * AttributeError ("'A' object has no attribute 'x'") or what a descriptor
 * raised.
 * @public
 */
export function objectGenericGetAttr(t: ObThread, obj: number, name: number): number {
  return objectGenericGetAttrWithDict(t, obj, name, 0);
}

/**
 * `_PyObject_GenericGetAttrWithDict(obj, name, dict, 0)`: as
 * {@link objectGenericGetAttr}, with `dict` (borrowed) standing for the
 * instance's `__dict__` when not 0 — what `_thread._local` does with the
 * calling thread's dict.
 * @public
 */
export function objectGenericGetAttrWithDict(t: ObThread, obj: number, name: number, withDict: number): number {
  const type = t.u32[(obj + OB_TYPE_OFFSET) >>> 2]!;
  const descr = typeLookupRef(t, type, name);
  if (descr !== 0) {
    const get = typeSlot(t, t.u32[(descr + OB_TYPE_OFFSET) >>> 2]!, 'descrGet');
    if (get !== null && isDataDescriptor(t, descr)) {
      const r = get(t, descr, obj, type);
      decref(t.rc, descr);
      return r;
    }
  }
  const dict = withDict !== 0 ? withDict : instanceDict(t, obj, false);
  if (dict !== 0) {
    const value = dictGetItemRef(t, dict, name);
    if (withDict === 0) decref(t.rc, dict);
    if (value !== 0 || t.error.type !== 0) {
      if (descr !== 0) decref(t.rc, descr);
      return value;
    }
  }
  if (descr !== 0) {
    const get = typeSlot(t, t.u32[(descr + OB_TYPE_OFFSET) >>> 2]!, 'descrGet');
    if (get !== null) {
      const r = get(t, descr, obj, type);
      decref(t.rc, descr);
      return r;
    }
    return descr;
  }
  return errRaise(t, StaticType.AttributeError, `'${typeName(t, type)}' object has no attribute '${strToJs(t, name)}'`);
}

/**
 * `PyObject_GenericSetAttr(obj, name, value)` (`value` 0 deletes): 0, or
 * -1 with AttributeError (no such attribute; "… and no __dict__ for
 * setting new attributes") or what a descriptor raised.
 * @public
 */
export function objectGenericSetAttr(t: ObThread, obj: number, name: number, value: number): number {
  return objectGenericSetAttrWithDict(t, obj, name, value, 0);
}

/**
 * `_PyObject_GenericSetAttrWithDict(obj, name, value, dict)`: as
 * {@link objectGenericSetAttr}, storing into `dict` (borrowed) instead of
 * the instance's `__dict__` when not 0.
 * @public
 */
export function objectGenericSetAttrWithDict(t: ObThread, obj: number, name: number, value: number, withDict: number): number {
  const type = t.u32[(obj + OB_TYPE_OFFSET) >>> 2]!;
  const descr = typeLookupRef(t, type, name);
  if (descr !== 0) {
    const set = typeSlot(t, t.u32[(descr + OB_TYPE_OFFSET) >>> 2]!, 'descrSet');
    if (set !== null) {
      const r = set(t, descr, obj, value);
      decref(t.rc, descr);
      return r;
    }
    decref(t.rc, descr);
  }
  let dict: number;
  let r: number;
  for (;;) {
    dict = withDict !== 0 ? withDict : instanceDict(t, obj, value !== 0);
    if (dict === 0) {
      if (t.error.type !== 0) return -1;
      const attr = strToJs(t, name);
      if (value === 0 || descr !== 0) return errRaiseInt(t, StaticType.AttributeError, `'${typeName(t, type)}' object has no attribute '${attr}'`);
      return errRaiseInt(t, StaticType.AttributeError, `'${typeName(t, type)}' object has no attribute '${attr}' and no __dict__ for setting new attributes`);
    }
    // Under the dict's lock the object must still hold it: `obj.__dict__ = d` swaps the slot under the
    // old dict's lock (objectSetDict), so a store never lands in a dict the object has let go of.
    criticalSectionBegin(t.heap, dict + OB_MUTEX_OFFSET);
    if (withDict === 0 && Atomics.load(t.u32, instanceDictSlot(t, obj) >>> 2) !== dict) {
      criticalSectionEnd(t.heap);
      decref(t.rc, dict);
      continue;
    }
    r = value !== 0 ? dictSetItem(t, dict, name, value) : dictDelItem(t, dict, name);
    criticalSectionEnd(t.heap);
    break;
  }
  if (withDict === 0) decref(t.rc, dict);
  if (r === 0 || value !== 0) return r;
  if (errExceptionMatches(t, t.types[StaticType.KeyError]!)) {
    return errRaiseInt(t, StaticType.AttributeError, `'${typeName(t, type)}' object has no attribute '${strToJs(t, name)}'`);
  }
  return -1;
}

/**
 * `type_getattro(type, name)`: a data descriptor of the metatype first,
 * then the attribute along the type's own MRO (a descriptor there gets
 * `__get__(None, type)`), then the metatype's other attributes; 0 with
 * AttributeError ("type object 'A' has no attribute 'x'").
 * @public
 */
export function typeGetAttro(t: ObThread, type: number, name: number): number {
  const metatype = t.u32[(type + OB_TYPE_OFFSET) >>> 2]!;
  const metaAttr = typeLookupRef(t, metatype, name);
  if (metaAttr !== 0) {
    const get = typeSlot(t, t.u32[(metaAttr + OB_TYPE_OFFSET) >>> 2]!, 'descrGet');
    if (get !== null && isDataDescriptor(t, metaAttr)) {
      const r = get(t, metaAttr, type, metatype);
      decref(t.rc, metaAttr);
      return r;
    }
  }
  const attr = typeLookupRef(t, type, name);
  if (attr !== 0) {
    if (metaAttr !== 0) decref(t.rc, metaAttr);
    const get = typeSlot(t, t.u32[(attr + OB_TYPE_OFFSET) >>> 2]!, 'descrGet');
    if (get !== null) {
      const r = get(t, attr, 0, type);
      decref(t.rc, attr);
      return r;
    }
    return attr;
  }
  if (metaAttr !== 0) {
    const get = typeSlot(t, t.u32[(metaAttr + OB_TYPE_OFFSET) >>> 2]!, 'descrGet');
    if (get !== null) {
      const r = get(t, metaAttr, type, metatype);
      decref(t.rc, metaAttr);
      return r;
    }
    return metaAttr;
  }
  return errRaise(t, StaticType.AttributeError, `type object '${typeName(t, type)}' has no attribute '${strToJs(t, name)}'`);
}

/**
 * `type_setattro(type, name, value)`: a data descriptor of the metatype
 * (`A.__name__ = 'B'`, `A.__doc__ = …`) does the assignment; otherwise
 * `typeDictStore` stores into the type's dict under the type lock
 * and the dict's, and invalidates the version of the type and its
 * subclasses in the same step; 0, or -1 with TypeError ("cannot set 'x'
 * attribute of immutable type 'int'") or AttributeError (deleting a
 * missing attribute).
 * @public
 */
export function typeSetAttro(t: ObThread, type: number, name: number, value: number): number {
  if ((t.u16[(type + TP_FLAGS2_OFFSET) >>> 1]! & TYPE2_IMMUTABLE) !== 0) {
    return errRaiseInt(t, StaticType.TypeError, `cannot set '${strToJs(t, name)}' attribute of immutable type '${typeName(t, type)}'`);
  }
  // A data descriptor of the metatype (`__name__`, `__module__`, `__doc__` …) takes the assignment.
  const descr = typeLookupRef(t, t.u32[(type + OB_TYPE_OFFSET) >>> 2]!, name);
  if (descr !== 0) {
    const set = typeSlot(t, t.u32[(descr + OB_TYPE_OFFSET) >>> 2]!, 'descrSet');
    if (set !== null) {
      const r = set(t, descr, type, value);
      decref(t.rc, descr);
      return r;
    }
    decref(t.rc, descr);
  }
  return typeDictStore(t, type, name, value);
}

/**
 * Test seam for the type-store stress test's control: the store under the
 * type lock alone (the dict's lock taken inside it, as before the fix).
 * Never true otherwise.
 * @internal
 */
export const typeDictStoreSeams = { typeLockOnly: false };

/**
 * `type_update_dict` (the store part of `type_setattro`): `value` stored
 * in the class's dict under `name` (0 deletes: AttributeError "type object
 * 'A' has no attribute 'x'" when missing) under the type lock, the
 * version of the class and its subclasses invalidated in the same step,
 * and a special method's slot updated. 0, or -1.
 * @internal
 */
export function typeDictStore(t: ObThread, type: number, name: number, value: number): number {
  const dict = t.u32[(type + TP_DICT_OFFSET) >>> 2]!;
  // `BEGIN_TYPE_DICT_LOCK`: the type lock and the dict's together, so that the store's own section
  // on the dict re-enters instead of waiting. Were it to wait (another thread in the dict's lock), the
  // wait would suspend the type lock between the invalidation and the store, and a lookup in that gap
  // would give the class a fresh version with the OLD value cached under it: stale until the next write.
  if (typeDictStoreSeams.typeLockOnly) criticalSectionBegin(t.heap, t.state + OS_TYPE_LOCK_OFFSET);
  else criticalSectionBegin2(t.heap, t.state + OS_TYPE_LOCK_OFFSET, dict + OB_MUTEX_OFFSET);
  // Invalidate before the store (`type_update_dict`): the old value's dealloc, which the store may
  // run, must not find the cache still naming it.
  typeModifiedLocked(t, type);
  let r: number;
  if (value !== 0) {
    r = dictSetItem(t, dict, name, value);
  } else {
    r = dictDelItem(t, dict, name);
    if (r < 0 && errExceptionMatches(t, t.types[StaticType.KeyError]!)) {
      r = errRaiseInt(t, StaticType.AttributeError, `type object '${typeName(t, type)}' has no attribute '${strToJs(t, name)}'`);
    }
  }
  // `update_slot`: a special method set on a class changes its slot (and its subclasses').
  if (r === 0) {
    const text = strToJs(t, name);
    if (text.length > 4 && text.startsWith('__') && text.endsWith('__')) r = t.builtinIds.fixupSlots(t, type, text);
  }
  criticalSectionEnd(t.heap);
  return r;
}

/**
 * `object_set_class` (`obj.__class__ = newType`): both types must be
 * mutable (heap) types with the same instance layout; 0, or -1 with
 * CPython's TypeError. The type word is swapped atomically; the new type
 * gains a reference, the old one loses it.
 * @public
 */
export function objectSetClass(t: ObThread, obj: number, newType: number): number {
  const u32 = t.u32;
  const oldType = Atomics.load(u32, (obj + OB_TYPE_OFFSET) >>> 2);
  const heap = (x: number): boolean => (u32[(x + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) !== 0;
  if (!heap(newType) || !heap(oldType)) return errRaiseInt(t, StaticType.TypeError, '__class__ assignment only supported for mutable types or ModuleType subclasses');
  const same = (off: number): boolean => u32[(newType + off) >>> 2] === u32[(oldType + off) >>> 2];
  const gcSame = ((u32[(newType + TP_FLAGS_OFFSET) >>> 2]! ^ u32[(oldType + TP_FLAGS_OFFSET) >>> 2]!) & TYPE_FLAG_HAVE_GC) === 0;
  if (!same(TP_BASICSIZE_OFFSET) || !same(TP_ITEMSIZE_OFFSET) || !same(TP_DICTOFFSET_OFFSET) || !same(TP_WEAKLISTOFFSET_OFFSET) || !gcSame || !sameSlotLayout(t, newType, oldType)) {
    return errRaiseInt(t, StaticType.TypeError, `__class__ assignment: '${typeName(t, newType)}' object layout differs from '${typeName(t, oldType)}'`);
  }
  incref(t.rc, newType);
  const previous = Atomics.exchange(u32, (obj + OB_TYPE_OFFSET) >>> 2, newType);
  decref(t.rc, previous);
  return 0;
}

/**
 * `same_slots_added`: the member slots along each type's chain of heap
 * types, by offset, must have the same names (with equal sizes and dict
 * offsets, that makes the layouts the same).
 */
function sameSlotLayout(t: ObThread, a: number, b: number): boolean {
  const names = (type: number): string[] => {
    const out: string[] = [];
    const u32 = t.u32;
    for (let x = type; (u32[(x + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) !== 0; x = u32[(x + TP_BASE_OFFSET) >>> 2]!) {
      const members = dictSnapshot(t, u32[(x + TP_DICT_OFFSET) >>> 2]!, 1) ?? [];
      for (const m of members) {
        if (u32[(m + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.MemberDescriptor] && u32[(m + MEMBER_TYPE_OFFSET) >>> 2] === x) {
          out.push(`${u32[(m + MEMBER_SLOT_OFFSET) >>> 2]}:${memberName(t, m)}`);
        }
        decref(t.rc, m);
      }
    }
    return out.sort();
  };
  return names(a).join() === names(b).join();
}

/**
 * `PyObject_GetAttr(obj, name)`: through the type's `getattro` slot. An
 * AttributeError it raises learns its `name` and `obj` here when it has
 * neither (`set_attribute_error_context`), for the "Did you mean" hint
 * and for `except AttributeError as e: e.name`.
 * @public
 */
export function objectGetAttr(t: ObThread, obj: number, name: number): number {
  const getattro = typeSlot(t, t.u32[(obj + OB_TYPE_OFFSET) >>> 2]!, 'getattro');
  const r = getattro === null ? errRaise(t, StaticType.AttributeError, `'${typeNameOf(t, obj)}' object has no attribute '${strToJs(t, name)}'`) : getattro(t, obj, name);
  if (r === 0) setAttributeErrorContext(t, obj, name);
  return r;
}

/**
 * `set_attribute_error_context(v, name)`: the raised AttributeError (the
 * lazy one made an object now) gets `name` and `obj` unless it has either
 * already; a failure to set them replaces it, as in CPython.
 */
function setAttributeErrorContext(t: ObThread, obj: number, name: number): void {
  const attributeError = t.types[StaticType.AttributeError]!;
  if (t.error.type === 0 || !errExceptionMatches(t, attributeError)) return;
  const exc = errGetRaisedException(t);
  if (exc === 0) return;
  if (typeIsSubtype(t, typeOf(t, exc), attributeError) && t.u32[(exc + ATTRIBUTEERROR_NAME_OFFSET) >>> 2] === 0 && t.u32[(exc + ATTRIBUTEERROR_OBJ_OFFSET) >>> 2] === 0) {
    const nameKey = internedName(t, 'name');
    const objKey = internedName(t, 'obj');
    if (nameKey === 0 || objKey === 0 || objectSetAttr(t, exc, nameKey, name) < 0 || objectSetAttr(t, exc, objKey, obj) < 0) {
      decref(t.rc, exc);
      return;
    }
  }
  errSetRaisedException(t, exc);
}

/** `PyObject_SetAttr(obj, name, value)` (`value` 0 deletes): through the type's `setattro` slot. @public */
export function objectSetAttr(t: ObThread, obj: number, name: number, value: number): number {
  const setattro = typeSlot(t, t.u32[(obj + OB_TYPE_OFFSET) >>> 2]!, 'setattro');
  if (setattro === null) {
    return errRaiseInt(t, StaticType.TypeError, `'${typeNameOf(t, obj)}' object has no attributes (${value === 0 ? 'del' : 'assign to'} .${strToJs(t, name)})`);
  }
  return setattro(t, obj, name, value);
}

/** A member descriptor's `__get__` (`member_get`): the slot's object, or AttributeError when unset. @internal */
export function memberGet(t: ObThread, member: number, obj: number, _type: number): number {
  if (obj === 0) {
    incref(t.rc, member);
    return member;
  }
  // `_Py_XGetRef`: a concurrent store may release the old object: try-incref and re-check the slot.
  const value = xGetRef(t.rc, obj + t.u32[(member + MEMBER_SLOT_OFFSET) >>> 2]!);
  if (value === 0) return errRaise(t, StaticType.AttributeError, `'${typeNameOf(t, obj)}' object has no attribute '${memberName(t, member)}'`);
  return value;
}

/** A member descriptor's `__set__` / `__delete__` (`member_set`): the old object released after the swap. @internal */
export function memberSet(t: ObThread, member: number, obj: number, value: number): number {
  const at = (obj + t.u32[(member + MEMBER_SLOT_OFFSET) >>> 2]!) >>> 2;
  if (value !== 0) {
    setMaybeWeakref(t.rc, value); // readers take their reference with try-incref (memberGet)
    incref(t.rc, value);
  }
  const old = Atomics.exchange(t.u32, at, value);
  if (value === 0 && old === 0) return errRaiseInt(t, StaticType.AttributeError, memberName(t, member));
  if (old !== 0) decref(t.rc, old);
  return 0;
}
