/**
 * A type's `__qualname__` and `__module__` as CPython derives them
 * (`type_qualname`, `type_module` of `Objects/typeobject.c`): a static
 * type's from its `tp_name` (`collections.deque` is `deque` in module
 * `collections`; a name without a dot is in `builtins`), a heap type's
 * from its dict. The names of builtin methods (`deque.pop`,
 * `L.append` for a method bound to an instance of a subclass `L`) are
 * built from them.
 */

import { decref, TP_FLAGS_OFFSET, TYPE_FLAG_HEAPTYPE } from '@ft/refcount';
import { dictGetItemRef } from './dict.js';
import { errClear } from './errors.js';
import { strInternFromJs } from './intern.js';
import { TP_DICT_OFFSET, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeName, typeOf } from './subtype.js';

/** The interned str `text` (immortal), or 0 with MemoryError. @internal */
export function internedName(t: ObThread, text: string): number {
  return strInternFromJs(t, text); // each thread remembers the ones it asked for (intern.ts)
}

/** Whether `type` is a heap type (a class made at run time). @internal */
export function isHeapType(t: ObThread, type: number): boolean {
  return (t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) !== 0;
}

/** `type.__dict__[name]` if it is a str, as JavaScript text; null otherwise (no exception). */
function dictText(t: ObThread, type: number, name: string): string | null {
  const key = internedName(t, name);
  if (key === 0) {
    errClear(t);
    return null;
  }
  const value = dictGetItemRef(t, t.u32[(type + TP_DICT_OFFSET) >>> 2]!, key);
  if (value === 0) {
    errClear(t);
    return null;
  }
  const text = typeHasFlag(t, typeOf(t, value), TPFLAGS_UNICODE_SUBCLASS) ? strToJs(t, value) : null;
  decref(t.rc, value);
  return text;
}

/**
 * `type.__qualname__` as JavaScript text: a static type's name after the
 * last dot of `tp_name`; a heap type's `__qualname__` from its dict, else
 * its name.
 * @public
 */
export function typeQualNameJs(t: ObThread, type: number): string {
  const name = typeName(t, type);
  if (!isHeapType(t, type)) return name.slice(name.lastIndexOf('.') + 1);
  return dictText(t, type, '__qualname__') ?? name;
}

/**
 * `type.__module__` as JavaScript text for a static type: the part of
 * `tp_name` before its last dot, else `builtins`; null for a heap type
 * (its `__module__` is whatever its dict holds).
 * @public
 */
export function staticTypeModuleJs(t: ObThread, type: number): string | null {
  if (isHeapType(t, type)) return null;
  const name = typeName(t, type);
  const dot = name.lastIndexOf('.');
  return dot < 0 ? 'builtins' : name.slice(0, dot);
}

/** `type.__module__` as JavaScript text (`type_module`): a static type's from `tp_name`, a heap type's from its dict; null when that is not a str. @public */
export function typeModuleJs(t: ObThread, type: number): string | null {
  return staticTypeModuleJs(t, type) ?? dictText(t, type, '__module__');
}
