/**
 * The Python-visible attributes of `object` and `type` (`object_methods`,
 * `object_getsets`, `type_methods`, `type_getsets`, `type_repr` of
 * `Objects/typeobject.c`):
 *
 * - `object.__class__` (read: the type; assigned through
 *   `objectSetClass`), `object.__format__` (format-builtin.ts), the class
 *   methods `object.__init_subclass__` (does nothing) and
 *   `object.__subclasshook__` (NotImplemented);
 * - `type.__name__`, `__qualname__`, `__module__`, `__doc__` (assignable
 *   on a class), `__mro__`, `__bases__`, `__base__`,
 *   `type.mro()`, and a class's repr with its module (`<class
 *   '__main__.A'>`, `<class 'collections.deque'>`).
 *
 * `type.__dict__` waits for mappingproxy; `type.__subclasses__()` for a
 * safe way to take a reference to a subclass that may be dying (the base
 * keeps borrowed pointers to its subclasses).
 */

import { decref, immortalize, incref } from '@ft/refcount';
import { typeSlot } from './abstract.js';
import { badArgument, isStr } from './arg-parse.js';
import { dictGetItemRef } from './dict.js';
import { objectDefaultFormat } from './format-builtin.js';
import { errClear, errRaise, errRaiseInt } from './errors.js';
import { objectSetClass, typeDictStore } from './generic-attr.js';
import { StaticType, TP_BASE_OFFSET, TP_BASES_OFFSET, TP_DICT_OFFSET, TP_FLAGS2_OFFSET, TP_MRO_OFFSET, TP_NAME_OFFSET, TPFLAGS_TYPE_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS, TYPE2_IMMUTABLE } from './layout.js';
import { listFromArray } from './list.js';
import { arg, CLASS, MethodTable, newRef, NOARGS, noneResult, ONE_ARG, type BuiltinTypeAdditions } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import { internedName, isHeapType, staticTypeModuleJs, typeQualNameJs } from './type-names.js';

/** `type.__dict__[name]` (a new reference), or 0: missing (no exception) or with the lookup's exception. */
function typeDictGet(t: ObThread, type: number, name: string): number {
  const key = internedName(t, name);
  return key === 0 ? 0 : dictGetItemRef(t, t.u32[(type + TP_DICT_OFFSET) >>> 2]!, key);
}

/** `type_module`: a static type's module from its name; a class's `__module__` from its dict (AttributeError "__module__" when missing). */
function typeModule(t: ObThread, type: number): number {
  const name = staticTypeModuleJs(t, type);
  if (name !== null) return strFromJs(t, name);
  const mod = typeDictGet(t, type, '__module__');
  if (mod === 0 && t.error.type === 0) return errRaise(t, StaticType.AttributeError, '__module__');
  return mod;
}

/** `type_get_doc`: a class's `__doc__` from its dict (a descriptor there is asked for its value), else None. */
function typeDoc(t: ObThread, type: number): number {
  const doc = typeDictGet(t, type, '__doc__');
  if (doc === 0) return t.error.type !== 0 ? 0 : newRef(t, t.none);
  const get = typeSlot(t, typeOf(t, doc), 'descrGet');
  if (get === null) return doc;
  const r = get(t, doc, 0, type);
  decref(t.rc, doc);
  return r;
}

/**
 * `check_set_special_type_attr` then the store into the class's dict
 * (`type_set_module`, `type_set_doc`, `type_set_qualname`): TypeError
 * "cannot set '__module__' attribute of immutable type 'int'", "cannot
 * delete '__module__' attribute of immutable type 'A'".
 */
function setSpecial(t: ObThread, type: number, name: string, value: number): number {
  if ((t.u16[(type + TP_FLAGS2_OFFSET) >>> 1]! & TYPE2_IMMUTABLE) !== 0) return errRaiseInt(t, StaticType.TypeError, `cannot set '${name}' attribute of immutable type '${typeName(t, type)}'`);
  if (value === 0) return errRaiseInt(t, StaticType.TypeError, `cannot delete '${name}' attribute of immutable type '${typeName(t, type)}'`);
  if (name === '__qualname__' && !typeHasFlag(t, typeOf(t, value), TPFLAGS_UNICODE_SUBCLASS)) {
    return errRaiseInt(t, StaticType.TypeError, `can only assign string to ${typeName(t, type)}.__qualname__, not '${typeNameOf(t, value)}'`);
  }
  const key = internedName(t, name);
  return key === 0 ? -1 : typeDictStore(t, type, key, value);
}

/**
 * `type_set_name` (`A.__name__ = 'B'`): a class's name (a str without NUL)
 * replaced. The old name str is kept alive for good: other threads read
 * `tp_name` without a lock (messages, reprs) and may still be reading it.
 */
function setName(t: ObThread, type: number, value: number): number {
  if ((t.u16[(type + TP_FLAGS2_OFFSET) >>> 1]! & TYPE2_IMMUTABLE) !== 0) return errRaiseInt(t, StaticType.TypeError, `cannot set '__name__' attribute of immutable type '${typeName(t, type)}'`);
  if (value === 0) return errRaiseInt(t, StaticType.TypeError, `cannot delete '__name__' attribute of immutable type '${typeName(t, type)}'`);
  if (!typeHasFlag(t, typeOf(t, value), TPFLAGS_UNICODE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, `can only assign string to ${typeName(t, type)}.__name__, not '${typeNameOf(t, value)}'`);
  if (strToJs(t, value).includes('\0')) return errRaiseInt(t, StaticType.ValueError, 'type name must not contain null characters');
  incref(t.rc, value);
  const old = Atomics.exchange(t.u32, (type + TP_NAME_OFFSET) >>> 2, value);
  if (old !== 0) immortalize(t.rc, old);
  return 0;
}

/** `type_repr`: `<class 'module.qualname'>`, or `<class 'tp_name'>` for a builtin or a type without a str module. @internal */
export function typeReprJs(t: ObThread, type: number): string {
  let mod: string | null = null;
  const m = typeModule(t, type);
  if (m === 0) errClear(t);
  else {
    if (typeHasFlag(t, typeOf(t, m), TPFLAGS_UNICODE_SUBCLASS)) mod = strToJs(t, m);
    decref(t.rc, m);
  }
  if (mod !== null && mod !== 'builtins') return `<class '${mod}.${typeQualNameJs(t, type)}'>`;
  return `<class '${typeName(t, type)}'>`;
}

/** Registers object's methods and getsets; returns them for object's spec. @internal */
export function registerObjectMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  return new MethodTable(slots, 'object')
    .method('__init_subclass__', CLASS | NOARGS, (t) => noneResult(t))
    .method('__subclasshook__', CLASS | ONE_ARG, (t) => newRef(t, t.notImplemented))
    .method('__format__', ONE_ARG, (t, self, args) => {
      const spec = arg(t, args, 0);
      return isStr(t, spec) ? objectDefaultFormat(t, self, spec) : badArgument(t, '__format__', null, 'str', spec);
    })
    .getset(
      '__class__',
      (t, op) => newRef(t, typeOf(t, op)),
      (t, op, value) => {
        if (value === 0) return errRaiseInt(t, StaticType.TypeError, "can't delete __class__ attribute");
        if (!typeHasFlag(t, typeOf(t, value), TPFLAGS_TYPE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, `__class__ must be set to a class, not '${typeNameOf(t, value)}' object`);
        return objectSetClass(t, op, value);
      },
    )
    .done();
}

/** Registers type's methods, getsets and repr; returns them for type's spec. @internal */
export function registerTypeMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const field = (offset: number) => (t: ObThread, type: number) => newRef(t, t.u32[(type + offset) >>> 2] || t.none);
  const table = new MethodTable(slots, 'type')
    .method('mro', NOARGS, (t, type) => {
      const mro = t.u32[(type + TP_MRO_OFFSET) >>> 2]!;
      const items: number[] = [];
      for (let i = 0; i < tupleSize(t, mro); i++) items.push(tupleGetItem(t, mro, i));
      return listFromArray(t, items);
    })
    .getset(
      '__name__',
      (t, type) => {
        const name = typeName(t, type);
        return strFromJs(t, isHeapType(t, type) ? name : name.slice(name.lastIndexOf('.') + 1));
      },
      setName,
    )
    .getset(
      '__qualname__',
      (t, type) => strFromJs(t, typeQualNameJs(t, type)),
      (t, type, value) => setSpecial(t, type, '__qualname__', value),
    )
    .getset('__module__', typeModule, (t, type, value) => setSpecial(t, type, '__module__', value))
    .getset('__doc__', typeDoc, (t, type, value) => setSpecial(t, type, '__doc__', value))
    .getset('__mro__', (t, type) => newRef(t, Atomics.load(t.u32, (type + TP_MRO_OFFSET) >>> 2) || t.none))
    .getset('__bases__', field(TP_BASES_OFFSET))
    .getset('__base__', field(TP_BASE_OFFSET));
  return table.done({ repr: slots.add('repr', 'type/module', (t, type) => strFromJs(t, typeReprJs(t, type))) });
}
