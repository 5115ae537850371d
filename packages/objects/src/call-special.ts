/**
 * Calling a special method the way the slots of classes do
 * (`vectorcall_method`, `maybe_call_special` of `Objects/typeobject.c`):
 * looked up on the type, never on the instance, then called with self
 * first. Below `slot-dispatch.ts`, so that what runs a class's `__del__`
 * or `__format__` need not reach attribute access through it.
 */

import { decref, incref } from '@ft/refcount';
import { callArgs } from './call.js';
import { strInternFromJs } from './intern.js';
import { StaticType } from './layout.js';
import { typeLookupRef } from './method-cache.js';
import type { ObThread } from './ob-thread.js';
import { typeOf } from './subtype.js';
import { typeSlot } from './type-slots.js';

/** What a lookup finds when the type has no such method (a value no object address has). @internal */
export const MISSING = -1;

/** The interned str `name` (0 with MemoryError; each thread remembers the ones it asked for). @internal */
export function dunder(t: ObThread, name: string): number {
  return strInternFromJs(t, name);
}

/**
 * `vectorcall_method` / `maybe_call_special`: `type(self).name(self,
 * *args)`: a new reference, 0 with an exception, or {@link MISSING} when
 * the type has no such attribute (no exception). A plain function is
 * called with `self` first without binding a method.
 * @internal
 */
export function callSpecial(t: ObThread, self: number, name: string, args: readonly number[]): number {
  const key = dunder(t, name);
  if (key === 0) return 0;
  const type = typeOf(t, self);
  const found = typeLookupRef(t, type, key);
  if (found === 0) return MISSING;
  const foundType = typeOf(t, found);
  let r: number;
  if (foundType === t.types[StaticType.Function] || foundType === t.types[StaticType.MethodDescriptor] || foundType === t.types[StaticType.WrapperDescriptor]) {
    r = callArgs(t, found, [self, ...args]);
  } else {
    const get = typeSlot(t, foundType, 'descrGet');
    let bound = found;
    if (get !== null) {
      bound = get(t, found, self, type);
      if (bound === 0) {
        decref(t.rc, found);
        return 0;
      }
    } else incref(t.rc, bound);
    r = callArgs(t, bound, args);
    decref(t.rc, bound);
  }
  decref(t.rc, found);
  return r;
}
