/**
 * The function version cache (`interp->func_state` of CPython 3.13,
 * `Objects/funcobject.c`): a specialized call remembers the callee's
 * `func_version`, and the optimizer finds the function — or at least its
 * code object, when the function was evicted or has died (a generator
 * expression's) — from that number alone.
 *
 * - Versions come from the interpreter's one counter: each code object
 *   takes the next at creation (`co_version`, code.ts) and every function
 *   made from it starts with that version.
 * - The cache holds (function, code) per `version % FUNC_VERSION_CACHE_SIZE`,
 *   borrowed; a function's death or version change removes the function
 *   but leaves the code; the code's death removes both.
 * - A change of a critical attribute (`__code__`, `__defaults__`,
 *   `__kwdefaults__`, `__closure__`) sets the version to 0 for good:
 *   versions are assigned only when a function is made. `__annotations__`
 *   is not critical (gh-109998).
 *
 * CPython's GIL-less build compiles the cache out; ft keeps it, with the
 * entries under one PyMutex in the objects state and lookups returning
 * strong references taken with try-incref under that mutex, so that a
 * function dying on another thread is either seen alive or not at all.
 */

import { mutexLock, mutexUnlock } from '@ft/atomics';
import { tryIncref } from '@ft/refcount';
import { FUNC_VERSION_CACHE_SIZE, FUNC_VERSION_FIRST_VALID, OS_FUNC_CACHE_LOCK_OFFSET, OS_FUNC_CACHE_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';

// The three words the cache reads, defined here (below code.ts and function.ts, which use them in their layouts).
/** `func_version` of a function object. @public */
export const FUNC_VERSION_OFFSET = 76;
/** `func_code` of a function object. @public */
export const FUNC_CODE_OFFSET = 36;
/** `co_version` of a code object. @internal */
export const CODE_VERSION_OFFSET = 108;

/** Word index of the cache entry of `version`: (func, code). */
function entryIndex(t: ObThread, version: number): number {
  return (t.u32[(t.state + OS_FUNC_CACHE_OFFSET) >>> 2]! >>> 2) + 2 * (version & (FUNC_VERSION_CACHE_SIZE - 1));
}

/** `func->func_version` (0: none). @public */
export function functionVersion(t: ObThread, func: number): number {
  return Atomics.load(t.u32, (func + FUNC_VERSION_OFFSET) >>> 2);
}

/**
 * `_PyFunction_SetVersion`: gives `func` `version` (0: none), keeping the
 * cache's invariant — the function leaves the entry of its old version,
 * and takes (with its code) the entry of the new one unless a live
 * function of the same code holds it.
 * @internal
 */
export function functionSetVersion(t: ObThread, func: number, version: number): void {
  const u32 = t.u32;
  // Without the lock when the cache has nothing to change (read plain: a stale read only leaves the
  // cache as a cache may be, missing an entry): a function leaving a version whose entry is another
  // function's, or taking one whose entry another live function of the same code holds already —
  // which keeps the first of a code's functions rather than the last, so that a closure made in a loop
  // on every thread takes no shared lock. (CPython's free-threaded build keeps no cache at all.)
  const old = Atomics.load(u32, (func + FUNC_VERSION_OFFSET) >>> 2);
  const leaving = old >= FUNC_VERSION_FIRST_VALID && u32[entryIndex(t, old)] === func;
  const taking = version >= FUNC_VERSION_FIRST_VALID && !(u32[entryIndex(t, version)] !== 0 && u32[entryIndex(t, version) + 1] === u32[(func + FUNC_CODE_OFFSET) >>> 2]);
  if (!leaving && !taking) {
    Atomics.store(u32, (func + FUNC_VERSION_OFFSET) >>> 2, version);
    return;
  }
  mutexLock(t.heap, t.state + OS_FUNC_CACHE_LOCK_OFFSET);
  if (old >= FUNC_VERSION_FIRST_VALID) {
    const e = entryIndex(t, old);
    if (u32[e] === func) u32[e] = 0; // the code stays: it may still be of use
  }
  Atomics.store(u32, (func + FUNC_VERSION_OFFSET) >>> 2, version);
  if (version >= FUNC_VERSION_FIRST_VALID) {
    const e = entryIndex(t, version);
    const code = u32[(func + FUNC_CODE_OFFSET) >>> 2]!;
    if (u32[e] === 0 || u32[e + 1] !== code) {
      u32[e] = func;
      u32[e + 1] = code;
    }
  }
  mutexUnlock(t.heap, t.state + OS_FUNC_CACHE_LOCK_OFFSET);
}

/** `_PyFunction_ClearCodeByVersion`: a dying code object leaves the cache, with any function still there. @internal */
export function clearCodeByVersion(t: ObThread, version: number): void {
  if (version < FUNC_VERSION_FIRST_VALID) return;
  const u32 = t.u32;
  mutexLock(t.heap, t.state + OS_FUNC_CACHE_LOCK_OFFSET);
  const e = entryIndex(t, version);
  const code = u32[e + 1]!;
  if (code !== 0 && u32[(code + CODE_VERSION_OFFSET) >>> 2] === version) {
    u32[e] = 0;
    u32[e + 1] = 0;
  }
  mutexUnlock(t.heap, t.state + OS_FUNC_CACHE_LOCK_OFFSET);
}

/** What {@link functionLookupByVersion} found: new references, 0 for none. @public */
export interface VersionLookup {
  /** The live function with the version (a new reference), or 0. */
  func: number;
  /** Its code object (a new reference), or 0. */
  code: number;
}

/**
 * `_PyFunction_LookupByVersion`: the live function with `version` and its
 * code, or only the code when the function is gone, each a new reference
 * (0: not found).
 * @public
 */
export function functionLookupByVersion(t: ObThread, version: number): VersionLookup {
  const found: VersionLookup = { func: 0, code: 0 };
  if (version < FUNC_VERSION_FIRST_VALID) return found;
  const u32 = t.u32;
  mutexLock(t.heap, t.state + OS_FUNC_CACHE_LOCK_OFFSET);
  const e = entryIndex(t, version);
  const code = u32[e + 1]!;
  if (code !== 0 && u32[(code + CODE_VERSION_OFFSET) >>> 2] === version && tryIncref(t.rc, code)) found.code = code;
  const func = u32[e]!;
  if (func !== 0 && Atomics.load(u32, (func + FUNC_VERSION_OFFSET) >>> 2) === version && tryIncref(t.rc, func)) found.func = func;
  mutexUnlock(t.heap, t.state + OS_FUNC_CACHE_LOCK_OFFSET);
  return found;
}
