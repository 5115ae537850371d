/**
 * `_PyObject_LookupSpecial(op, name)` for the built-in modules: the
 * attribute `name` of `op`'s type (never of `op` itself), bound to `op`
 * when it is a descriptor. `math.floor` looks up `__floor__` this way,
 * `operator.length_hint` `__length_hint__`.
 */

import { strInternFromJs, typeLookupRef, typeOf, typeSlot, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';

/**
 * A new reference to the bound special method, or 0: with an exception
 * when binding raised, without one when the type has no such attribute.
 */
export function lookupSpecial(t: ObThread, op: number, name: string): number {
  const key = strInternFromJs(t, name); // interned strs are immortal
  if (key === 0) return 0;
  const type = typeOf(t, op);
  const found = typeLookupRef(t, type, key);
  if (found === 0) return 0;
  const get = typeSlot(t, typeOf(t, found), 'descrGet');
  if (get === null) return found;
  const bound = get(t, found, op, type);
  decref(t.rc, found);
  return bound;
}
