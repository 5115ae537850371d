/**
 * `_PyErr_SetKeyError` and `PyErr_SetString(PyExc_KeyError, …)`: a KeyError
 * whose one argument is the key (or the text), so that its `str()` is the
 * argument's repr — `KeyError: 'a'`, `KeyError: (1, 2)`,
 * `KeyError: 'pop from an empty set'` — however it is printed. Above the
 * exception state (errors.ts), tuple and str; below the containers.
 */

import { decref } from '@ft/refcount';
import { errSetObject } from './errors.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { tupleFromArray } from './tuple.js';

/** `_PyErr_SetKeyError(key)`: `KeyError(key)` raised, a tuple key being the one argument; returns 0. @public */
export function errSetKeyError(t: ObThread, key: number): 0 {
  const args = tupleFromArray(t, [key]);
  if (args === 0) return 0;
  errSetObject(t, t.types[StaticType.KeyError]!, args);
  decref(t.rc, args);
  return 0;
}

/** A KeyError whose argument is the str `text` (CPython's `PyErr_SetString(PyExc_KeyError, text)`); returns 0. @public */
export function errSetKeyErrorText(t: ObThread, text: string): 0 {
  const s = strFromJs(t, text);
  if (s === 0) return 0;
  errSetKeyError(t, s);
  decref(t.rc, s);
  return 0;
}
