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
import { errNoMemory, errRaise, errRaiseInt } from './errors.js';
import { subtypeNew, typeNew } from './heap-type.js';
import { StaticType, TPFLAGS_DICT_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';

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
 * `type_call`: `C(*args, **kwargs)`. `type(x)` gives x's type; `type(name,
 * bases, ns)` makes a class ("type() takes 1 or 3 arguments", "type.__new__()
 * argument 1 must be str, not int"); otherwise `tp_new` then `tp_init` (TypeError
 * "cannot create 'X' instances" when the type has no `tp_new`).
 * @internal
 */
export function typeCall(t: ObThread, type: number, args: number, kwargs: number): number {
  const metatype = t.types[StaticType.Type]!;
  if (type === metatype) {
    const n = tupleSize(t, args);
    const nkw = kwargs === 0 ? 0 : dictSize(t, kwargs);
    if (n === 1 && nkw === 0) {
      const result = typeOf(t, tupleGetItem(t, args, 0));
      incref(t.rc, result);
      return result;
    }
    if (n !== 3) return errRaise(t, StaticType.TypeError, 'type() takes 1 or 3 arguments');
    const name = tupleGetItem(t, args, 0);
    const bases = tupleGetItem(t, args, 1);
    const ns = tupleGetItem(t, args, 2);
    if (!typeHasFlag(t, typeOf(t, name), TPFLAGS_UNICODE_SUBCLASS)) return errRaise(t, StaticType.TypeError, `type.__new__() argument 1 must be str, not ${typeNameOf(t, name)}`);
    if (!typeHasFlag(t, typeOf(t, bases), TPFLAGS_TUPLE_SUBCLASS)) return errRaise(t, StaticType.TypeError, `type.__new__() argument 2 must be tuple, not ${typeNameOf(t, bases)}`);
    if (!typeHasFlag(t, typeOf(t, ns), TPFLAGS_DICT_SUBCLASS)) return errRaise(t, StaticType.TypeError, `type.__new__() argument 3 must be dict, not ${typeNameOf(t, ns)}`);
    return typeNew(t, metatype, strToJs(t, name), bases, ns);
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
