/**
 * The method cache (`_PyType_Lookup` / `_PyType_LookupRef`, 3.13's
 * free-threaded form): 4096 entries per interpreter, each guarded by a
 * sequence lock. An entry maps (type version, name) to the attribute the
 * MRO walk found; its name is a strong reference, its value borrowed.
 *
 * Readers never block and never set an exception: they read the entry
 * between two sequence reads and take their reference to the value with
 * try-incref (it may be dying). The writer stores the value, then the name,
 * then the version LAST (CPython: release), so a reader that matches the
 * version cannot see a stale value. The slow path walks the MRO under the
 * type lock, remembering the version BEFORE the walk: the walk may suspend
 * the lock (a dict lookup can block), letting the type change meanwhile,
 * and a stale entry must then carry the stale version.
 */

import { seqLockAbandonWrite, seqLockBeginRead, seqLockEndRead, seqLockLockWrite, seqLockUnlockWrite } from '@ft/atomics';
import { decref, incref, tryIncref } from '@ft/refcount';
import { dictGetItemRef } from './dict.js';
import { errFetch, errRestore } from './errors.js';
import {
  MC_NAME_OFFSET,
  MC_SEQUENCE_OFFSET,
  MC_VALUE_OFFSET,
  MC_VERSION_OFFSET,
  MCACHE_ENTRY_SIZE,
  MCACHE_MAX_ATTR_SIZE,
  MCACHE_SIZE_EXP,
  OS_METHOD_CACHE_OFFSET,
  STR_LENGTH_OFFSET,
  TP_DICT_OFFSET,
  TP_MRO_OFFSET,
  TP_VERSION_TAG_OFFSET,
  TUPLE_ITEMS_OFFSET,
  TUPLE_SIZE_OFFSET,
} from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strCheckExact } from './str.js';
import { assignVersionTag, typeLock, typeUnlock } from './type-version.js';

const MASK = (1 << MCACHE_SIZE_EXP) - 1;

/**
 * Test seams for the stress test's control: a writer that stores the
 * version first. Never true otherwise.
 * @internal
 */
export const methodCacheSeams = { versionFirst: false };

/** `MCACHE_HASH_METHOD(type, name)`: the entry of (version, name). */
function entryOf(t: ObThread, version: number, name: number): number {
  const cache = t.u32[(t.state + OS_METHOD_CACHE_OFFSET) >>> 2]!;
  return cache + (((version ^ (name >>> 3)) & MASK) * MCACHE_ENTRY_SIZE);
}

/** `MCACHE_CACHEABLE_NAME`: an exact str of at most 100 code points. */
function cacheable(t: ObThread, name: number): boolean {
  return strCheckExact(t, name) && t.u32[(name + STR_LENGTH_OFFSET) >>> 2]! <= MCACHE_MAX_ATTR_SIZE;
}

/**
 * `find_name_in_mro`: the attribute `name` in the dicts of `type`'s MRO, a
 * new reference, or 0 (errors are swallowed: the lookup never raises).
 * SAFETY: the type lock is held.
 */
function findNameInMro(t: ObThread, type: number, name: number): number {
  const u32 = t.u32;
  const mro = Atomics.load(u32, (type + TP_MRO_OFFSET) >>> 2);
  if (mro === 0) return 0;
  incref(t.rc, mro); // the lookup may suspend the lock and let the MRO be replaced
  const saved = errFetch(t);
  let result = 0;
  const n = t.i32[(mro + TUPLE_SIZE_OFFSET) >>> 2]!;
  for (let i = 0; i < n && result === 0; i++) {
    const base = u32[((mro + TUPLE_ITEMS_OFFSET) >>> 2) + i]!;
    const dict = u32[(base + TP_DICT_OFFSET) >>> 2]!;
    if (dict === 0) continue;
    result = dictGetItemRef(t, dict, name);
    if (result === 0) errFetch(t); // swallowed
  }
  errRestore(t, saved);
  decref(t.rc, mro);
  return result;
}

/** `update_cache_gil_disabled`: one entry rewritten under its sequence lock, the version stored last. */
function updateCache(t: ObThread, entry: number, name: number, version: number, value: number): void {
  const heap = t.heap;
  const u32 = t.u32;
  seqLockLockWrite(heap, entry + MC_SEQUENCE_OFFSET);
  if (u32[(entry + MC_VERSION_OFFSET) >>> 2] === version && u32[(entry + MC_NAME_OFFSET) >>> 2] === name && u32[(entry + MC_VALUE_OFFSET) >>> 2] === value) {
    seqLockAbandonWrite(heap, entry + MC_SEQUENCE_OFFSET);
    return;
  }
  const oldName = u32[(entry + MC_NAME_OFFSET) >>> 2]!;
  incref(t.rc, name);
  if (methodCacheSeams.versionFirst) Atomics.store(u32, (entry + MC_VERSION_OFFSET) >>> 2, version);
  Atomics.store(u32, (entry + MC_VALUE_OFFSET) >>> 2, value); // CPython: relaxed
  Atomics.store(u32, (entry + MC_NAME_OFFSET) >>> 2, name); // CPython: relaxed
  Atomics.store(u32, (entry + MC_VERSION_OFFSET) >>> 2, version); // CPython: release — last
  seqLockUnlockWrite(heap, entry + MC_SEQUENCE_OFFSET);
  if (oldName !== 0) decref(t.rc, oldName);
}

/**
 * `_PyType_LookupRef(type, name)`: the attribute `name` found along the
 * type's MRO, a new reference, or 0 when there is none. Never raises.
 * @public
 */
export function typeLookupRef(t: ObThread, type: number, name: number): number {
  const u32 = t.u32;
  const version = Atomics.load(u32, (type + TP_VERSION_TAG_OFFSET) >>> 2);
  if (version !== 0) {
    const entry = entryOf(t, version, name);
    const e = entry >>> 2;
    for (;;) {
      const sequence = seqLockBeginRead(t.heap, entry + MC_SEQUENCE_OFFSET);
      // SAFETY: the entry's words are read plain between the two sequence reads: a read that raced
      // with a writer is thrown away by seqLockEndRead (CPython reads them acquire/relaxed).
      if (u32[e + (MC_VERSION_OFFSET >>> 2)] !== version || u32[e + (MC_NAME_OFFSET >>> 2)] !== name) break;
      const value = u32[e + (MC_VALUE_OFFSET >>> 2)]!;
      if (value === 0 || tryIncref(t.rc, value)) {
        if (seqLockEndRead(t.heap, entry + MC_SEQUENCE_OFFSET, sequence)) return value;
        if (value !== 0) decref(t.rc, value);
        continue;
      }
      break; // the value is dying: the slow path
    }
  }
  return typeLookupSlow(t, type, name);
}

/** The miss path of {@link typeLookupRef}: the MRO walk under the type lock, then the cache update. */
function typeLookupSlow(t: ObThread, type: number, name: number): number {
  typeLock(t);
  // The version before the walk (file comment).
  const version = cacheable(t, name) ? assignVersionTag(t, type) : 0;
  const value = findNameInMro(t, type, name);
  typeUnlock(t);
  if (version !== 0) updateCache(t, entryOf(t, version, name), name, version, value);
  return value;
}
