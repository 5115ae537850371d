/**
 * Interned strings (`PyUnicode_InternInPlace`, `_PyUnicode_InternImmortal`):
 * one canonical str per text, so that names compare by address (attribute
 * names, dict keys of namespaces, the method cache's names). As in
 * CPython 3.13's free-threaded build, interned strings are immortal, and the
 * table (a dict from each str to itself) is guarded by the runtime's intern
 * lock.
 */

import { mutexLock, mutexUnlock } from '@ft/atomics';
import { decref, immortalize, OB_REF_LOCAL_OFFSET, OB_REF_SHARED_OFFSET, OB_TID_OFFSET } from '@ft/refcount';
import { dictGetItemRef, dictSetItem } from './dict.js';
import { errClear } from './errors.js';
import { OS_INTERN_LOCK_OFFSET, OS_INTERNED_COUNT_OFFSET, OS_INTERNED_OFFSET, STR_INTERNED_IMMORTAL, STR_INTERNED_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strCheckExact, strFromJs } from './str.js';
import { strToJs } from './str-read.js';

/**
 * `PyUnicode_InternInPlace`: the canonical str equal to `s` (an exact str),
 * immortal — `s` itself if it becomes the canonical one (when the caller
 * holds its only reference; otherwise a copy does: other threads may be
 * counting `s`). Use the str returned. Never fails
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
    // The new canonical str becomes immortal, which is safe only for an object no other thread may be
    // counting (immortal.ts): `s` itself when the caller's is its one reference, else a copy.
    const canonical = heldOnlyByCaller(t, s) ? s : strFromJs(t, strToJs(t, s));
    if (canonical !== 0) {
      immortalize(t.rc, canonical);
      if (dictSetItem(t, table, canonical, canonical) === 0) {
        Atomics.store(t.u8, canonical + STR_INTERNED_OFFSET, STR_INTERNED_IMMORTAL);
        Atomics.add(t.u32, (t.state + OS_INTERNED_COUNT_OFFSET) >>> 2, 1);
        result = canonical;
      }
    }
  }
  mutexUnlock(heap, t.state + OS_INTERN_LOCK_OFFSET);
  if (!pending && t.error.type !== 0) errClear(t); // interning never raises
  return result === 0 ? s : result;
}

/**
 * Whether the caller's reference to `s` is the only one: owned by this
 * thread with a local count of 1 and nothing counted by other threads. No
 * other thread can then be counting it, nor reach it through a container
 * (which would hold a reference of its own).
 */
function heldOnlyByCaller(t: ObThread, s: number): boolean {
  // SAFETY: the owner's fields read by the owner; the shared word atomically.
  return t.u32[(s + OB_TID_OFFSET) >>> 2] === t.rc.tid && t.u32[(s + OB_REF_LOCAL_OFFSET) >>> 2] === 1 && Atomics.load(t.i32, (s + OB_REF_SHARED_OFFSET) >>> 2) === 0;
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
