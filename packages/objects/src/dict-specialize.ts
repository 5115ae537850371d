/**
 * What the specializing VM reads and writes of dicts behind its guards
 * (CPython's `_PyDictKeys_GetVersionForCurrentState`,
 * `_PyDictKeys_StringLookup`, and the dict parts of `LOAD_GLOBAL_MODULE`,
 * `LOAD_GLOBAL_BUILTIN`, `LOAD_ATTR_MODULE`, `LOAD_ATTR_INSTANCE_VALUE`,
 * `LOAD_ATTR_METHOD_WITH_VALUES` and `STORE_ATTR_INSTANCE_VALUE`).
 *
 * A keys table's version (`dk_version`) names one set of keys in one
 * layout: it is assigned from the interpreter's counter when a specializer
 * asks, and cleared whenever a key is added or removed, so an instruction
 * that cached (version, entry index) may read the entry's value directly
 * while the version still matches. Entries never move inside a table, and
 * a table that is replaced (a resize) is freed through QSBR once its dict
 * is SHARED, so a reader racing a writer reads a value that was there or
 * misses its guard; it takes the value with try-incref and re-checks that
 * the dict still uses the table, as the lock-free lookups of `dict.ts` do.
 *
 * Split tables (a class's shared instance keys) only ever append, so an
 * instance value is read at its cached index in the instance dict's own
 * values array, guarded by the dict still being split over the class's
 * table. The instance functions take the owner's dict offset and shared
 * keys from its class: the caller's type-version guard vouches for a heap
 * type with a fixed positive `tp_dictoffset`.
 */

import { criticalSectionBegin, criticalSectionEnd, LOCK_DONT_DETACH, mutexLockFlags, mutexUnlock } from '@ft/atomics';
import { decref, tryIncrefCompare, xGetRef, OB_MUTEX_OFFSET, OB_TID_OFFSET, OB_TYPE_OFFSET, TP_FLAGS_OFFSET, TP_ITEMSIZE_OFFSET, TYPE_FLAG_HEAPTYPE } from '@ft/refcount';
import { isSharedHint, splitStoreValue } from './dict.js';
import { entriesOf, ENTRY, isSplitKeys, probeStrKey, valueWord } from './dict-keys.js';
import { DICT_KEYS_GENERAL, DICT_KEYS_OFFSET, DICT_VALUES_OFFSET, DK_KIND_OFFSET, DK_MUTEX_OFFSET, DK_VERSION_OFFSET, DKIX_EMPTY, OS_NEXT_KEYS_VERSION_OFFSET, STR_HASH_OFFSET, TP_CACHED_KEYS_OFFSET, TP_DICTOFFSET_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strHash } from './str.js';

const KEYS = DICT_KEYS_OFFSET >>> 2;
const VALUES = DICT_VALUES_OFFSET >>> 2;

/**
 * Test seams for the stress test's controls. Never false otherwise.
 * `versionGuard`: the keys-version guards (dictVersionedValueRef,
 * dictKeysVersionIs, instanceCannotShadow); `sharedKeysGuard`: the
 * instance dict still split over its class's keys (instanceValueRef).
 * @beta
 */
export const specializeSeams = { versionGuard: true, sharedKeysGuard: true };

/** A keys table's version and one name's entry index in it, as the specializer reads them at once. @public */
export interface KeysSnapshot {
  /** The table's version; 0 when it cannot have one (not all-str keys, or the interpreter ran out). */
  version: number;
  /** The name's entry index, or -1 when the table does not have it. */
  index: number;
}

/**
 * `_PyDictKeys_GetVersionForCurrentState`: `dk`'s version, assigned from
 * the interpreter's counter when it has none; 0 once the counter wrapped.
 * SAFETY: the caller holds what serializes the table's writers (the dict's
 * critical section, or `dk_mutex` of a split table).
 */
function keysVersion(t: ObThread, dk: number): number {
  const u32 = t.u32;
  const current = u32[(dk + DK_VERSION_OFFSET) >>> 2]!;
  if (current !== 0) return current;
  const word = (t.state + OS_NEXT_KEYS_VERSION_OFFSET) >>> 2;
  let next = Atomics.load(u32, word);
  for (;;) {
    if (next === 0) return 0;
    const seen = Atomics.compareExchange(u32, word, next, (next + 1) >>> 0);
    if (seen === next) break;
    next = seen;
  }
  Atomics.store(u32, (dk + DK_VERSION_OFFSET) >>> 2, next);
  return next;
}

/** The exact str `name`'s entry index in all-str table `dk` (-1 when absent). */
function strIndex(t: ObThread, dk: number, name: number): number {
  let hash = t.i32[(name + STR_HASH_OFFSET) >>> 2]!;
  if (hash === -1) hash = strHash(t, name);
  const ix = probeStrKey(t, dk, name, hash);
  return ix === DKIX_EMPTY ? -1 : ix;
}

/**
 * The version of `dict`'s keys table and exact str `name`'s entry index in
 * it, read together under the dict's lock; a table with other keys than
 * exact strs gets version 0 (CPython's `_PyDictKeys_StringLookup` refuses
 * it too), and so does a split table (its values are not in its entries).
 * @public
 */
export function dictKeysSnapshot(t: ObThread, dict: number, name: number, out: KeysSnapshot): void {
  criticalSectionBegin(t.heap, dict + OB_MUTEX_OFFSET);
  const dk = t.u32[(dict >>> 2) + KEYS]!;
  if (isSplitKeys(t, dk) || t.u8[dk + DK_KIND_OFFSET] === DICT_KEYS_GENERAL) {
    out.version = 0;
    out.index = -1;
  } else {
    out.version = keysVersion(t, dk);
    out.index = strIndex(t, dk, name);
  }
  criticalSectionEnd(t.heap);
}

/**
 * {@link dictKeysSnapshot} of a class's shared instance keys `dk`, under
 * its own lock (`LOCK_KEYS`: any of its dicts may be appending).
 * @public
 */
export function sharedKeysSnapshot(t: ObThread, dk: number, name: number, out: KeysSnapshot): void {
  const lock = dk + DK_MUTEX_OFFSET;
  mutexLockFlags(t.heap, lock, LOCK_DONT_DETACH);
  out.version = keysVersion(t, dk);
  out.index = strIndex(t, dk, name);
  mutexUnlock(t.heap, lock);
}

/** Whether `dict`'s keys table still has `version` (a guard: no key added or removed since). @public */
export function dictKeysVersionIs(t: ObThread, dict: number, version: number): boolean {
  const u32 = t.u32;
  return !specializeSeams.versionGuard || u32[(u32[(dict >>> 2) + KEYS]! + DK_VERSION_OFFSET) >>> 2] === version;
}

/**
 * A lock-free reader other than the dict's owner needs the dict SHARED,
 * so that a table or values array replaced under it is freed through QSBR
 * (`ensure_shared_on_read`); the VM's guarded reads miss instead, and the
 * generic lookup they fall back to marks it.
 */
function readableLockFree(t: ObThread, dict: number): boolean {
  return t.u32[(dict + OB_TID_OFFSET) >>> 2] === t.rc.tid || isSharedHint(t, dict);
}

/**
 * The value of entry `ix` of `dict`'s combined all-str table, which must
 * still have `version` (`LOAD_GLOBAL_MODULE`, `LOAD_ATTR_MODULE`): a new
 * reference, or 0 when a guard misses (no exception: the caller runs the
 * generic lookup).
 * @public
 */
export function dictVersionedValueRef(t: ObThread, dict: number, version: number, ix: number): number {
  const u32 = t.u32;
  const dk = u32[(dict >>> 2) + KEYS]!;
  if ((specializeSeams.versionGuard && u32[(dk + DK_VERSION_OFFSET) >>> 2] !== version) || !readableLockFree(t, dict)) return 0;
  const slot = entriesOf(t, dk) + ix * ENTRY + 8;
  const value = Atomics.load(u32, slot >>> 2);
  if (value === 0 || !tryIncrefCompare(t.rc, slot, value)) return 0;
  if (Atomics.load(u32, (dict >>> 2) + KEYS) === dk) return value;
  decref(t.rc, value);
  return 0;
}

/**
 * The value of entry `ix` in the instance dict of `owner`, which must be
 * split over its class's shared keys (`LOAD_ATTR_INSTANCE_VALUE`): a new
 * reference, or 0 when a guard misses (no dict, another table, no such
 * value, or the dict or its values replaced meanwhile).
 * @public
 */
export function instanceValueRef(t: ObThread, owner: number, ix: number): number {
  const u32 = t.u32;
  const type = u32[(owner + OB_TYPE_OFFSET) >>> 2]!;
  const keys = u32[(type + TP_CACHED_KEYS_OFFSET) >>> 2]!;
  const dictWord = (owner + t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2]!) >>> 2;
  const dict = u32[dictWord]!;
  if (dict === 0 || (specializeSeams.sharedKeysGuard && u32[(dict >>> 2) + KEYS] !== keys) || !readableLockFree(t, dict)) return 0;
  const values = u32[(dict >>> 2) + VALUES]!;
  if (values === 0) return 0;
  const slot = valueWord(values, ix);
  const value = Atomics.load(u32, slot >>> 2);
  if (value === 0 || !tryIncrefCompare(t.rc, slot, value)) return 0;
  if (Atomics.load(u32, dictWord) === dict && Atomics.load(u32, (dict >>> 2) + VALUES) === values) return value;
  decref(t.rc, value);
  return 0;
}

/**
 * `LOAD_ATTR_METHOD_WITH_VALUES`'s guard: the shared keys of `owner`'s
 * class still have `keysVersion` (at which they lacked the name) and
 * `owner` has no instance dict yet or one split over them, so the instance
 * cannot shadow the class's method.
 * @public
 */
export function instanceCannotShadow(t: ObThread, owner: number, keysVersion: number): boolean {
  const u32 = t.u32;
  const type = u32[(owner + OB_TYPE_OFFSET) >>> 2]!;
  const keys = u32[(type + TP_CACHED_KEYS_OFFSET) >>> 2]!;
  if (specializeSeams.versionGuard && u32[(keys + DK_VERSION_OFFSET) >>> 2] !== keysVersion) return false;
  const dict = u32[(owner + t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2]!) >>> 2]!;
  return dict === 0 || u32[(dict >>> 2) + KEYS] === keys;
}

/**
 * `STORE_ATTR_INSTANCE_VALUE`: `value` (stolen) becomes the value of
 * entry `ix` in the instance dict of `owner`, which must be split over its
 * class's shared keys; false, with nothing taken, when a guard misses. The
 * store is made under the dict's lock, as every dict write.
 * @public
 */
export function storeInstanceValue(t: ObThread, owner: number, ix: number, value: number): boolean {
  const u32 = t.u32;
  const type = u32[(owner + OB_TYPE_OFFSET) >>> 2]!;
  const keys = u32[(type + TP_CACHED_KEYS_OFFSET) >>> 2]!;
  const slot = owner + t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2]!;
  const dict = xGetRef(t.rc, slot);
  if (dict === 0) return false;
  let old = -1;
  if (u32[(dict >>> 2) + KEYS] === keys) {
    criticalSectionBegin(t.heap, dict + OB_MUTEX_OFFSET);
    const values = u32[(dict >>> 2) + VALUES]!;
    // The owner must still hold the dict: `obj.__dict__ = d` swaps it under this lock (generic-attr.ts).
    if (values !== 0 && u32[(dict >>> 2) + KEYS] === keys && Atomics.load(u32, slot >>> 2) === dict) old = splitStoreValue(t, dict, values, ix, value);
    criticalSectionEnd(t.heap);
  }
  decref(t.rc, dict);
  if (old > 0) decref(t.rc, old);
  return old >= 0;
}

/**
 * Whether `owner` keeps an instance dict at a fixed offset that it has not
 * made yet (`LOAD_ATTR_METHOD_LAZY_DICT`'s guard: nothing of the instance
 * can shadow a method of its class). A plain read: a dict made by another
 * thread at the same moment is a race the program has either way.
 * @public
 */
export function instanceDictAbsent(t: ObThread, owner: number): boolean {
  const u32 = t.u32;
  const offset = t.i32[(u32[(owner + OB_TYPE_OFFSET) >>> 2]! + TP_DICTOFFSET_OFFSET) >>> 2]!;
  return offset > 0 && u32[(owner + offset) >>> 2] === 0;
}

/**
 * Whether instances of `type` have no `__dict__` at all (`tp_dictoffset`
 * 0: a builtin type's, or a class's with `__slots__` only), so that nothing
 * of theirs can shadow a method of the class: the guard of the VM's
 * `LOAD_ATTR_METHOD_NO_DICT` is then the class's version alone.
 * @public
 */
export function typeInstancesHaveNoDict(t: ObThread, type: number): boolean {
  return t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2] === 0; // SAFETY: fixed when the type is made
}

/**
 * The shared keys of `owner`'s class when the VM may read and write
 * `owner`'s attributes in its split instance dict directly: a heap type
 * whose instances keep their dict at a fixed positive offset (no items),
 * with shared keys, and `owner`'s dict absent or split over them; else 0.
 * @public
 */
export function instanceKeysOf(t: ObThread, owner: number): number {
  const u32 = t.u32;
  const type = u32[(owner + OB_TYPE_OFFSET) >>> 2]!;
  if ((u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) === 0) return 0;
  if (t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2]! <= 0 || u32[(type + TP_ITEMSIZE_OFFSET) >>> 2] !== 0) return 0;
  const keys = Atomics.load(u32, (type + TP_CACHED_KEYS_OFFSET) >>> 2);
  if (keys === 0) return 0;
  const dict = u32[(owner + t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2]!) >>> 2]!;
  return dict === 0 || u32[(dict >>> 2) + KEYS] === keys ? keys : 0;
}
