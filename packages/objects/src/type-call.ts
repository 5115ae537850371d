/**
 * Calling a type (`type_call`, `object_new`, `object_init` of
 * `Objects/typeobject.c`): `C(*args, **kw)` makes the instance with the
 * type's `tp_new` and, when the result is an instance of `C`, initializes
 * it with its type's `tp_init`; `type(x)` is x's type and `type(name,
 * bases, ns)` a new class. `object`'s own `__new__` and `__init__` accept
 * extra arguments only when the other one is overridden, with CPython's
 * messages ("C() takes no arguments", "object.__init__() takes exactly one
 * argument (the instance to initialize)").
 */

import { allocObject, decref, incref, TP_FLAGS_OFFSET, TYPE_FLAG_HEAPTYPE } from '@ft/refcount';
import { typeSlot, typeSlotId } from './abstract.js';
import { dictSize } from './dict.js';
import { errClear, errExceptionMatches, errNoMemory, errRaise, errRaiseInt } from './errors.js';
import { objectGetAttr } from './generic-attr.js';
import { subtypeNew, typeNew } from './heap-type.js';
import { StaticType, TPFLAGS_DICT_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS, TPFLAGS_TYPE_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import { internedName } from './type-names.js';

/** The slot ids of `object.__new__` and `object.__init__` (builtin-types.ts registers them first). @internal */
export interface ObjectSlotIds {
  new: number;
  init: number;
}

function excessArgs(t: ObThread, args: number, kwargs: number): boolean {
  return tupleSize(t, args) > 0 || (kwargs !== 0 && dictSize(t, kwargs) > 0);
}

/**
 * `object_new`: an instance of `type` — exact `object` allocated plainly,
 * a class over a builtin base through that base's constructor with no
 * items ({@link subtypeNew}); TypeError for arguments nobody takes.
 * @internal
 */
export function objectNew(t: ObThread, type: number, args: number, kwargs: number, ids: ObjectSlotIds): number {
  if (excessArgs(t, args, kwargs)) {
    if (typeSlotId(t, type, 'new') !== ids.new) return errRaise(t, StaticType.TypeError, 'object.__new__() takes exactly one argument (the type to instantiate)');
    if (typeSlotId(t, type, 'init') === ids.init) return errRaise(t, StaticType.TypeError, `${typeName(t, type)}() takes no arguments`);
  }
  if ((t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) !== 0) return subtypeNew(t, type);
  if (type !== t.types[StaticType.Object]) return errRaise(t, StaticType.TypeError, `object.__new__(${typeName(t, type)}) is not safe, use ${typeName(t, type)}.__new__()`);
  const op = allocObject(t.rc, type);
  return op === 0 ? errNoMemory(t) : op;
}

/** `object_init`: nothing to do, but TypeError for arguments nobody takes. @internal */
export function objectInit(t: ObThread, self: number, args: number, kwargs: number, ids: ObjectSlotIds): number {
  if (excessArgs(t, args, kwargs)) {
    const type = typeOf(t, self);
    if (typeSlotId(t, type, 'init') !== ids.init) return errRaiseInt(t, StaticType.TypeError, 'object.__init__() takes exactly one argument (the instance to initialize)');
    if (typeSlotId(t, type, 'new') === ids.new) return errRaiseInt(t, StaticType.TypeError, `${typeName(t, type)}.__init__() takes exactly one argument (the instance to initialize)`);
  }
  return 0;
}

/**
 * `_PyType_CalculateMetaclass(metatype, bases)`: the most derived of
 * `metatype` and the bases' types, or 0 with TypeError "metaclass
 * conflict: …" when neither of two is a subclass of the other.
 * @public
 */
export function typeCalculateMetaclass(t: ObThread, metatype: number, bases: number): number {
  let winner = metatype;
  for (let i = 0; i < tupleSize(t, bases); i++) {
    const tmp = typeOf(t, tupleGetItem(t, bases, i));
    if (typeIsSubtype(t, winner, tmp)) continue;
    if (typeIsSubtype(t, tmp, winner)) {
      winner = tmp;
      continue;
    }
    return errRaise(t, StaticType.TypeError, 'metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases');
  }
  return winner;
}

/**
 * `type_new` (`type.__new__(metatype, name, bases, namespace, **kwargs)`,
 * the `tp_new` of type and of metaclasses that do not override it): the
 * arguments as `PyArg_ParseTuple("UO!O!:type.__new__")` checks them
 * ("type.__new__() takes exactly 3 arguments (1 given)", "type.__new__()
 * argument 2 must be tuple, not list"), no `__mro_entries__` resolution
 * ("type() doesn't support MRO entry resolution; use types.new_class()"),
 * the most derived metaclass of `metatype` and the bases' (whose own
 * `tp_new` makes the class when it is not this one), then the class, the
 * keywords going to `__init_subclass__`.
 * @internal
 */
export function typeTpNew(t: ObThread, metatype: number, args: number, kwargs: number, self: number): number {
  const n = tupleSize(t, args);
  if (n !== 3) return errRaise(t, StaticType.TypeError, `type.__new__() takes exactly 3 arguments (${n} given)`);
  const name = tupleGetItem(t, args, 0);
  const bases = tupleGetItem(t, args, 1);
  const ns = tupleGetItem(t, args, 2);
  if (!typeHasFlag(t, typeOf(t, name), TPFLAGS_UNICODE_SUBCLASS)) return errRaise(t, StaticType.TypeError, `type.__new__() argument 1 must be str, not ${typeNameOf(t, name)}`);
  if (!typeHasFlag(t, typeOf(t, bases), TPFLAGS_TUPLE_SUBCLASS)) return errRaise(t, StaticType.TypeError, `type.__new__() argument 2 must be tuple, not ${typeNameOf(t, bases)}`);
  if (!typeHasFlag(t, typeOf(t, ns), TPFLAGS_DICT_SUBCLASS)) return errRaise(t, StaticType.TypeError, `type.__new__() argument 3 must be dict, not ${typeNameOf(t, ns)}`);
  // `type_new_get_bases`.
  for (let i = 0; i < tupleSize(t, bases); i++) {
    const base = tupleGetItem(t, bases, i);
    if (typeHasFlag(t, typeOf(t, base), TPFLAGS_TYPE_SUBCLASS)) continue;
    const key = internedName(t, '__mro_entries__');
    if (key === 0) return 0;
    const entries = objectGetAttr(t, base, key);
    if (entries === 0) {
      if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return 0;
      errClear(t);
      continue;
    }
    decref(t.rc, entries);
    return errRaise(t, StaticType.TypeError, "type() doesn't support MRO entry resolution; use types.new_class()");
  }
  const winner = typeCalculateMetaclass(t, metatype, bases);
  if (winner === 0) return 0;
  if (winner !== metatype) {
    const construct = typeSlotId(t, winner, 'new');
    if (construct !== self) return typeSlot(t, winner, 'new')!(t, winner, args, kwargs);
  }
  return typeNew(t, winner, strToJs(t, name), bases, ns, null, kwargs !== 0 && dictSize(t, kwargs) > 0 ? kwargs : 0);
}

/**
 * `type_init` (`type.__init__`): nothing to do, but one or three
 * arguments, and keywords only with three ("type.__init__() takes no
 * keyword arguments", "type.__init__() takes 1 or 3 arguments").
 * @internal
 */
export function typeTpInit(t: ObThread, _self: number, args: number, kwargs: number): number {
  const n = tupleSize(t, args);
  if (n === 1 && kwargs !== 0 && dictSize(t, kwargs) !== 0) return errRaiseInt(t, StaticType.TypeError, 'type.__init__() takes no keyword arguments');
  if (n !== 1 && n !== 3) return errRaiseInt(t, StaticType.TypeError, 'type.__init__() takes 1 or 3 arguments');
  return 0;
}

/**
 * `type_call`: `C(*args, **kwargs)`. `type(x)` gives x's type (for `type`
 * itself only, not a metaclass: gh-27157); `type(…)` otherwise needs three
 * arguments ("type() takes 1 or 3 arguments"); then `tp_new` and, for an
 * instance of `C`, `tp_init` (TypeError "cannot create 'X' instances"
 * when the type has no `tp_new`).
 * @internal
 */
export function typeCall(t: ObThread, type: number, args: number, kwargs: number): number {
  if (type === t.types[StaticType.Type]) {
    const n = tupleSize(t, args);
    const nkw = kwargs === 0 ? 0 : dictSize(t, kwargs);
    if (n === 1 && nkw === 0) {
      const result = typeOf(t, tupleGetItem(t, args, 0));
      incref(t.rc, result);
      return result;
    }
    if (n !== 3) return errRaise(t, StaticType.TypeError, 'type() takes 1 or 3 arguments');
  }
  const construct = typeSlot(t, type, 'new');
  if (construct === null) return errRaise(t, StaticType.TypeError, `cannot create '${typeName(t, type)}' instances`);
  const obj = construct(t, type, args, kwargs);
  if (obj === 0) return 0;
  // An instance of another type (a `__new__` returning something else) is not initialized.
  const objType = typeOf(t, obj);
  if (!typeIsSubtype(t, objType, type)) return obj;
  const init = typeSlot(t, objType, 'init');
  if (init !== null && init(t, obj, args, kwargs) < 0) {
    decref(t.rc, obj);
    return 0;
  }
  return obj;
}
