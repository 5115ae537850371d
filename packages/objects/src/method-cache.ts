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
 *
 * Departure from CPython: a private first level per thread. A hit in the
 * shared cache costs four `Atomics` calls here (the type's version, the
 * sequence before, the acquire fence, the sequence after: about 35–45 ns),
 * where C's relaxed and acquire loads are plain moves. But a version tag is
 * never reused — the counters only grow and stop at exhaustion — so the
 * answer for (version, name) never changes, and a copy of it in the
 * thread's own memory needs no sequence lock: a hit there is one atomic
 * load of the type's version, the try-incref the shared cache does too,
 * and the version read again ({@link versionHeld}). The first level is filled from the shared cache or the slow path and
 * holds its names strongly, as the shared entries do (a freed name's address
 * could otherwise come back as another str); the thread releases them when
 * it leaves ({@link typeCacheRelease}).
 */

import { seqLockAbandonWrite, seqLockBeginRead, seqLockEndRead, seqLockLockWrite, seqLockUnlockWrite } from '@ft/atomics';
import { decref, incref, tryIncref } from '@ft/refcount';
import { dictGetItemRef } from './dict.js';
import { errClear, errFetch, errRestore } from './errors.js';
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
    if (result === 0) errClear(t); // swallowed (and its exception object released)
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
  const version = Atomics.load(t.u32, (type + TP_VERSION_TAG_OFFSET) >>> 2);
  if (version !== 0) {
    // The thread's first level (file comment): thread-local memory, read plain.
    const private3 = t.typeCache;
    const p = ((version ^ (name >>> 3)) & MASK) * 3;
    if (private3[p] === version && private3[p + 1] === name) {
      const value = private3[p + 2]!;
      if (value === 0) return 0;
      if (tryIncref(t.rc, value)) {
        if (versionHeld(t, type, version)) return value;
        decref(t.rc, value);
      }
    }
    return typeLookupShared(t, type, name, version);
  }
  return typeLookupSlow(t, type, name);
}

/**
 * Whether `type` still has `version` after a hit's try-incref: the entry's
 * value is borrowed, and a reader that matched the version and was then
 * preempted may find the class modified meanwhile, the old value freed and
 * its block reused by another live object, which the try-incref would take.
 * A version is never reused and a store invalidates it before it drops the
 * old value, so an unchanged version proves the object taken was the
 * attribute. (CPython's `_PyType_LookupRef` re-checks only the entry's
 * sequence; found by test/stress/type-store.scenario.ts.)
 */
function versionHeld(t: ObThread, type: number, version: number): boolean {
  return Atomics.load(t.u32, (type + TP_VERSION_TAG_OFFSET) >>> 2) === version;
}

/** The shared cache's read (`_PyType_LookupRef`'s sequence-locked probe); the slow path when it misses. */
function typeLookupShared(t: ObThread, type: number, name: number, version: number): number {
  const u32 = t.u32;
  const entry = entryOf(t, version, name);
  const e = entry >>> 2;
  for (;;) {
    const sequence = seqLockBeginRead(t.heap, entry + MC_SEQUENCE_OFFSET);
    // SAFETY: the entry's words are read plain between the two sequence reads: a read that raced
    // with a writer is thrown away by seqLockEndRead (CPython reads them acquire/relaxed).
    if (u32[e + (MC_VERSION_OFFSET >>> 2)] !== version || u32[e + (MC_NAME_OFFSET >>> 2)] !== name) break;
    const value = u32[e + (MC_VALUE_OFFSET >>> 2)]!;
    if (value === 0 || tryIncref(t.rc, value)) {
      if (seqLockEndRead(t.heap, entry + MC_SEQUENCE_OFFSET, sequence) && (value === 0 || versionHeld(t, type, version))) {
        fillPrivate(t, version, name, value);
        return value;
      }
      if (value !== 0) decref(t.rc, value);
      if (Atomics.load(t.u32, (type + TP_VERSION_TAG_OFFSET) >>> 2) !== version) break; // the slow path
      continue;
    }
    break; // the value is dying: the slow path
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
  if (version !== 0) {
    updateCache(t, entryOf(t, version, name), name, version, value);
    fillPrivate(t, version, name, value);
  }
  return value;
}

/** Stores (version, name, value) in the thread's first level, the name held strongly. */
function fillPrivate(t: ObThread, version: number, name: number, value: number): void {
  const private3 = t.typeCache;
  const p = ((version ^ (name >>> 3)) & MASK) * 3;
  const oldName = private3[p + 1]!;
  if (oldName !== name) incref(t.rc, name);
  private3[p] = version;
  private3[p + 1] = name;
  private3[p + 2] = value;
  if (oldName === 0) t.typeCacheFilled++;
  else if (oldName !== name) decref(t.rc, oldName);
}

/**
 * Empties the thread's first level of the method cache, releasing its
 * names: when the thread leaves the runtime (its references must go before
 * its reference counting does). `joinObjectsRuntime`'s `close` calls it; a
 * thread set up with `objectsThreadInit` calls it before `rcThreadExit`.
 * @public
 */
export function typeCacheRelease(t: ObThread): void {
  if (t.typeCacheFilled === 0) return; // a thread that looked nothing up (most short threads)
  t.typeCacheFilled = 0;
  const private3 = t.typeCache;
  for (let p = 1; p < private3.length; p += 3) {
    const name = private3[p]!;
    if (name !== 0) decref(t.rc, name);
  }
  private3.fill(0);
}
