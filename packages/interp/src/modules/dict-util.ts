/**
 * `PyDict_SetItemString` / `PyDict_GetItemString`: a dict keyed by
 * JavaScript text (interned, as CPython interns identifier keys).
 */

import { dictGetItemRef, dictSetItem, strInternFromJs, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';

/** `PyDict_SetItemString(dict, key, value)`: 0, or -1 with an exception set. `value` is borrowed. */
export function dictSetItemStr(t: ObThread, dict: number, key: string, value: number): number {
  const k = strInternFromJs(t, key);
  if (k === 0) return -1;
  const rc = dictSetItem(t, dict, k, value);
  decref(t.rc, k);
  return rc;
}

/** `PyDict_GetItemStringRef(dict, key)`: a new reference, or 0 (absent, or an exception set). */
export function dictGetItemStrRef(t: ObThread, dict: number, key: string): number {
  const k = strInternFromJs(t, key);
  if (k === 0) return 0;
  const v = dictGetItemRef(t, dict, k);
  decref(t.rc, k);
  return v;
}
