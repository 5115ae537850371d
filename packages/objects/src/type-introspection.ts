/**
 * The attributes of `type` that show a class's insides (`type_dict`,
 * `type___subclasses___impl`, `type_prepare` of `Objects/typeobject.c`),
 * merged into type's table beside object-methods.ts's:
 *
 * - `C.__dict__`: a read-only `mappingproxy` over the class's own dict
 *   (writes go through `setattr`, which keeps the method cache and the
 *   slots right);
 * - `C.__subclasses__()`: the live direct subclasses, oldest first;
 * - `type.__prepare__(name, bases, **kwds)`: the class body's namespace,
 *   a new empty dict, whatever the arguments.
 */

import { decref } from '@ft/refcount';
import { dictNew } from './dict.js';
import { typeSubclassesRefs } from './heap-type.js';
import { TP_DICT_OFFSET } from './layout.js';
import { listFromArray } from './list.js';
import { mappingProxyNew } from './mappingproxy.js';
import { CLASS, FASTCALL_KEYWORDS, MethodTable, newRef, NOARGS, type BuiltinTypeAdditions } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';

/** `type_dict`: a mappingproxy over the class's dict (None before the type is ready, as CPython). */
function typeDict(t: ObThread, type: number): number {
  const dict = t.u32[(type + TP_DICT_OFFSET) >>> 2]!; // SAFETY: set before the type is published, never replaced
  return dict === 0 ? newRef(t, t.none) : mappingProxyNew(t, dict);
}

/** `type.__subclasses__()`: a new list of the live subclasses. */
function typeSubclasses(t: ObThread, type: number): number {
  const subs = typeSubclassesRefs(t, type);
  const list = listFromArray(t, subs);
  for (const sub of subs) decref(t.rc, sub);
  return list;
}

/** Registers type's `__dict__`, `__subclasses__` and `__prepare__`; returns them for type's spec. @internal */
export function registerTypeIntrospection(slots: SlotRegistry): BuiltinTypeAdditions {
  return new MethodTable(slots, 'type')
    .method('__subclasses__', NOARGS, (t, type) => typeSubclasses(t, type))
    .method('__prepare__', CLASS | FASTCALL_KEYWORDS, (t) => dictNew(t))
    .getset('__dict__', typeDict)
    .done();
}
