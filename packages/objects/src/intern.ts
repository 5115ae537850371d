/**
 * Interned strings (`PyUnicode_InternInPlace`, `_PyUnicode_InternImmortal`):
 * one canonical str per text, so that names compare by address (attribute
 * names, dict keys of namespaces, the method cache's names). As in
 * CPython 3.13's free-threaded build, interned strings are immortal, and the
 * table (a dict from each str to itself) is guarded by the runtime's intern
 * lock.
 */

import { mutexLock, mutexUnlock } from '@ft/atomics';
import { decref, immortalize } from '@ft/refcount';
import { dictGetItemRef, dictSetItem } from './dict.js';
import { errClear } from './errors.js';
import { OS_INTERN_LOCK_OFFSET, OS_INTERNED_COUNT_OFFSET, OS_INTERNED_OFFSET, STR_INTERNED_IMMORTAL, STR_INTERNED_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strCheckExact, strFromJs } from './str.js';

/**
 * `PyUnicode_InternInPlace`: the canonical str equal to `s` (an exact str),
 * made immortal — `s` itself if it becomes the canonical one. Never fails
 * for lack of memory: `s` is then returned uninterned (CPython does the same).
 * @public
 */
export function strIntern(t: ObThread, s: number): number {
  if (t.u8[s + STR_INTERNED_OFFSET] !== 0) return s; // SAFETY: set once under the intern lock before the str is handed out as interned
  if (!strCheckExact(t, s)) return s;
  const heap = t.heap;
  const table = t.u32[(t.state + OS_INTERNED_OFFSET) >>> 2]!;
  // An exception already pending (a caller interning a name while it unwinds) must survive.
  const pending = t.error.type !== 0;
  mutexLock(heap, t.state + OS_INTERN_LOCK_OFFSET);
  let result = dictGetItemRef(t, table, s);
  if (result === 0 && (pending || t.error.type === 0)) {
    immortalize(t.rc, s);
    if (dictSetItem(t, table, s, s) === 0) {
      Atomics.store(t.u8, s + STR_INTERNED_OFFSET, STR_INTERNED_IMMORTAL);
      Atomics.add(t.u32, (t.state + OS_INTERNED_COUNT_OFFSET) >>> 2, 1);
    }
    result = s;
  }
  mutexUnlock(heap, t.state + OS_INTERN_LOCK_OFFSET);
  if (!pending && t.error.type !== 0) errClear(t); // interning never raises
  return result === 0 ? s : result;
}

/** `PyUnicode_InternFromString`: the interned str of `text` (immortal), or 0 with MemoryError. @public */
export function strInternFromJs(t: ObThread, text: string): number {
  // Names the VM and the modules intern again and again (`__enter__` at every `with`): each thread
  // remembers them, rather than taking the runtime-wide intern lock every time.
  const known = t.internedByText.get(text);
  if (known !== undefined) return known;
  const s = strFromJs(t, text);
  if (s === 0) return 0;
  const interned = strIntern(t, s);
  // The text was interned already: the str made for the lookup is not needed.
  if (interned !== s) decref(t.rc, s);
  if (t.u8[interned + STR_INTERNED_OFFSET] !== 0) t.internedByText.set(text, interned); // not when memory ran out
  return interned;
}
