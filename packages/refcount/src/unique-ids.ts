/**
 * Per-thread reference counts (CPython 3.14 `Python/uniqueid.c`,
 * `_Py_INCREF_TYPE`): objects referenced from everywhere — heap types first;
 * code objects and function globals can use the same ids — get a unique id
 * from a per-interpreter pool, and each thread counts its references to them
 * in a private array indexed by id − 1, with plain operations. The counts are
 * merged into the objects' shared counts when the thread exits (and by the GC,
 * with the world stopped, for every thread). An object with an id also has
 * deferred reference counting, so it stays alive while counts are unmerged.
 *
 * The pool reuses the smallest free id (a bitmap; CPython uses a LIFO free
 * list), so the per-thread arrays stay as short as the set of live ids allows.
 * Id 0 means "none" (`_Py_INVALID_UNIQUE_ID`).
 */

import { fatalError, formatAddress, LOCK_DONT_DETACH, mutexLockFlags, mutexUnlock, regionAlloc, regionFree } from '@ft/atomics';
import { decref, incref } from './biased-refcount.js';
import { enableDeferredRefcount } from './deferred.js';
import {
  BRC_BUCKET_HEAD_OFFSET,
  BRC_BUCKET_SIZE,
  BRC_NUM_BUCKETS,
  IMMORTAL_REFCNT_LOCAL,
  OB_REF_LOCAL_INDEX,
  OB_REF_SHARED_INDEX,
  RC_BUCKETS_OFFSET,
  RC_POOL_BITMAP_OFFSET,
  RC_POOL_LIVE_OFFSET,
  RC_POOL_MUTEX_OFFSET,
  RC_POOL_SIZE_OFFSET,
  RC_POOL_TABLE_OFFSET,
  REF_SHARED_SHIFT,
  TP_UNIQUE_ID_INDEX,
  TR_COUNTS_OFFSET,
  TR_COUNTS_SIZE_OFFSET,
  TR_NEXT_OFFSET,
  UNIQUE_ID_POOL_MIN_SIZE,
} from './layout.js';
import type { RcThread } from './rc-thread.js';
import { assertStopped, startWorld, stopWorld } from './stopped-world.js';

// Module-local copies of layout constants (root README, "Notes for contributors").
const UNIQUE_ID = TP_UNIQUE_ID_INDEX;
const LOCAL = OB_REF_LOCAL_INDEX;
const IMMORTAL = IMMORTAL_REFCNT_LOCAL;

/**
 * Adds a reference to a type (`_Py_INCREF_TYPE`): to this thread's count for
 * the type's unique id when it has one, else to the type itself (static types
 * are immortal, so that costs nothing).
 * @public
 */
export function increfType(t: RcThread, type: number): void {
  // SAFETY: a type's unique id is set before the type is published and
  // cleared only with the world stopped or once the type is dead.
  const id = t.u32[(type >>> 2) + UNIQUE_ID];
  const index = (id - 1) >>> 0; // id 0 wraps to a huge index: never in range
  if (index < t.countsSize) {
    // SAFETY: the per-thread array is written by its owner only; the GC reads it with the world stopped.
    t.i32[t.countsIndex + index]++;
    if (t.refDebug === true) t.refTotal++;
    return;
  }
  // An immortal type without an id (every static type; CPython's
  // `_Py_INCREF_TYPE` returns early for those) needs nothing: incref would do
  // nothing, and every allocation of a builtin type's instance would pay two
  // calls for it. SAFETY: incref's plain read, exact for immortality
  // (biased-refcount.ts, file comment).
  if (id === 0 && t.u32[(type >>> 2) + LOCAL] === IMMORTAL) return;
  threadIncrefSlow(t, type, id);
}

/** Drops a reference to a type (`_Py_DECREF_TYPE`); the count may go negative until merged. @public */
export function decrefType(t: RcThread, type: number): void {
  const id = t.u32[(type >>> 2) + UNIQUE_ID]; // SAFETY: as in increfType
  const index = (id - 1) >>> 0;
  if (index < t.countsSize) {
    // SAFETY: as in increfType.
    t.i32[t.countsIndex + index]--;
    if (t.refDebug === true) t.refTotal--;
  } else {
    decref(t, type);
  }
}

/**
 * Adds a reference to `op` through unique id `id` (`_Py_THREAD_INCREF_OBJECT`),
 * for holders whose id lives elsewhere than in a type core (code objects).
 * @beta
 */
export function threadIncref(t: RcThread, op: number, id: number): void {
  const index = (id - 1) >>> 0;
  if (index < t.countsSize) {
    t.i32[t.countsIndex + index]++; // SAFETY: as in increfType
    if (t.refDebug === true) t.refTotal++;
  } else {
    threadIncrefSlow(t, op, id);
  }
}

/** Drops a reference to `op` through unique id `id` (`_Py_THREAD_DECREF_OBJECT`). @beta */
export function threadDecref(t: RcThread, op: number, id: number): void {
  const index = (id - 1) >>> 0;
  if (index < t.countsSize) {
    t.i32[t.countsIndex + index]--; // SAFETY: as in increfType
    if (t.refDebug === true) t.refTotal--;
  } else {
    decref(t, op);
  }
}

function threadIncrefSlow(t: RcThread, op: number, id: number): void {
  if (id !== 0 && !t.countsFinalized && growCounts(t, id)) {
    t.i32[t.countsIndex + id - 1]++; // SAFETY: as in increfType
    if (t.refDebug === true) t.refTotal++;
  } else {
    incref(t, op);
  }
}

/** Resizes this thread's array to the pool's size (`_PyObject_ThreadIncrefSlow`'s resize). */
function growCounts(t: RcThread, id: number): boolean {
  const size = Atomics.load(t.u32, (t.state + RC_POOL_SIZE_OFFSET) >>> 2);
  if (id > size) return false;
  const array = regionAlloc(t.heap, size * 4);
  if (array === 0) return false;
  if (t.countsSize > 0) {
    // SAFETY: our own array into a fresh region nobody else knows yet.
    t.heap.copy(array, t.countsIndex << 2, t.countsSize * 4);
    regionFree(t.heap, t.countsIndex << 2, t.countsSize * 4);
  }
  // SAFETY: the record's counts fields are read by others only with the world stopped.
  t.u32[(t.record + TR_COUNTS_OFFSET) >>> 2] = array;
  t.u32[(t.record + TR_COUNTS_SIZE_OFFSET) >>> 2] = size;
  t.countsIndex = array >>> 2;
  t.countsSize = size;
  return true;
}

/**
 * Gives `op` a unique id for per-thread counting (`_PyObject_AssignUniqueId`)
 * and enables deferred reference counting on it; returns the id, or 0 when the
 * pool cannot grow or the runtime counts naively. The caller stores the id
 * where its kind keeps it (a heap type: {@link setTypeUniqueId}).
 * @beta
 */
export function assignUniqueId(t: RcThread, op: number): number {
  if (t.naive) return 0;
  const u32 = t.u32;
  const pool = t.state;
  let id = 0;
  lockPool(t);
  try {
    // SAFETY: every pool word, the bitmap and the table are read and written under the pool lock.
    id = lowestFreeId(t);
    if (id === 0) {
      if (!growPool(t)) return 0;
      id = lowestFreeId(t);
    }
    const bitmap = u32[(pool + RC_POOL_BITMAP_OFFSET) >>> 2];
    u32[(bitmap >>> 2) + ((id - 1) >>> 5)] &= ~(1 << ((id - 1) & 31));
    u32[(u32[(pool + RC_POOL_TABLE_OFFSET) >>> 2] >>> 2) + id - 1] = op;
    u32[(pool + RC_POOL_LIVE_OFFSET) >>> 2]++;
  } finally {
    unlockPool(t);
  }
  enableDeferredRefcount(t, op);
  return id;
}

/** Stores a heap type's unique id in its type core. @beta */
export function setTypeUniqueId(t: RcThread, type: number, id: number): void {
  Atomics.store(t.u32, (type >>> 2) + UNIQUE_ID, id);
}

/**
 * Returns id `id` to the pool (`_PyObject_ReleaseUniqueId`). Counts other
 * threads hold for it must have been merged first: call it with the world
 * stopped after {@link mergeAllPerThreadRefcounts} (the GC's order), or when
 * no other thread counted the object through the id. The caller clears the
 * id where its kind keeps it.
 * @beta
 */
export function releaseUniqueId(t: RcThread, id: number): void {
  const u32 = t.u32;
  const pool = t.state;
  lockPool(t);
  try {
    // SAFETY: the pool's words, bitmap and table are written under the pool
    // lock, held here; our own count array is ours alone.
    const size = u32[(pool + RC_POOL_SIZE_OFFSET) >>> 2];
    const bitmap = u32[(pool + RC_POOL_BITMAP_OFFSET) >>> 2] >>> 2;
    if (id < 1 || id > size || (u32[bitmap + ((id - 1) >>> 5)] & (1 << ((id - 1) & 31))) !== 0) {
      fatalError(`releaseUniqueId: id ${id} is not in use`);
    }
    u32[bitmap + ((id - 1) >>> 5)] |= 1 << ((id - 1) & 31);
    u32[(u32[(pool + RC_POOL_TABLE_OFFSET) >>> 2] >>> 2) + id - 1] = 0;
    u32[(pool + RC_POOL_LIVE_OFFSET) >>> 2]--;
    // Our own count for the id would otherwise be merged into its next holder.
    if (id <= t.countsSize) t.i32[t.countsIndex + id - 1] = 0;
  } finally {
    unlockPool(t);
  }
}

/**
 * Disables per-thread counting of a heap type (`_PyObject_DisablePerThreadRefcounting`):
 * merges every thread's count for its id into the type, clears the id and
 * returns it to the pool, so later references count on the type directly.
 * Reads other threads' arrays, so it stops the world of the thread's
 * participant (without one, the caller guarantees no other thread runs).
 * @beta
 */
export function disableTypePerThreadRefcounting(t: RcThread, type: number): void {
  // SAFETY: as in increfType; a hint only, read again with the world stopped.
  if (t.u32[(type >>> 2) + UNIQUE_ID] === 0) return;
  stopWorld(t);
  try {
    // Another thread may have disabled it between the hint and the stop: its
    // id may even be someone else's by now.
    const id = Atomics.load(t.u32, (type >>> 2) + UNIQUE_ID);
    if (id === 0) return;
    mergeAllPerThreadRefcounts(t);
    setTypeUniqueId(t, type, 0);
    releaseUniqueId(t, id);
  } finally {
    startWorld(t);
  }
}

function lockPool(t: RcThread): void {
  // CPython locks the pool without detaching (`_Py_LOCK_DONT_DETACH`): it is held briefly and never across a call out.
  mutexLockFlags(t.heap, t.state + RC_POOL_MUTEX_OFFSET, LOCK_DONT_DETACH);
}

function unlockPool(t: RcThread): void {
  mutexUnlock(t.heap, t.state + RC_POOL_MUTEX_OFFSET);
}

/** SAFETY: pool lock held. */
function lowestFreeId(t: RcThread): number {
  const u32 = t.u32;
  const size = u32[(t.state + RC_POOL_SIZE_OFFSET) >>> 2];
  const bitmap = u32[(t.state + RC_POOL_BITMAP_OFFSET) >>> 2] >>> 2;
  const words = Math.ceil(size / 32);
  for (let w = 0; w < words; w++) {
    const bits = u32[bitmap + w];
    if (bits !== 0) return w * 32 + (31 - Math.clz32(bits & -bits)) + 1;
  }
  return 0;
}

/**
 * Doubles the pool (at least {@link UNIQUE_ID_POOL_MIN_SIZE}); new ids are
 * free. SAFETY: pool lock held; the new table and bitmap are unpublished
 * until the stores at the end.
 */
function growPool(t: RcThread): boolean {
  const u32 = t.u32;
  const pool = t.state;
  const size = u32[(pool + RC_POOL_SIZE_OFFSET) >>> 2];
  const newSize = Math.max(UNIQUE_ID_POOL_MIN_SIZE, size * 2);
  if (newSize > 1 << 24) return false;
  const table = regionAlloc(t.heap, newSize * 4);
  const bitmapWords = Math.ceil(newSize / 32);
  const bitmap = regionAlloc(t.heap, bitmapWords * 4);
  if (table === 0 || bitmap === 0) {
    if (table !== 0) regionFree(t.heap, table, newSize * 4);
    if (bitmap !== 0) regionFree(t.heap, bitmap, bitmapWords * 4);
    return false;
  }
  const oldTable = u32[(pool + RC_POOL_TABLE_OFFSET) >>> 2];
  const oldBitmap = u32[(pool + RC_POOL_BITMAP_OFFSET) >>> 2];
  for (let id = size + 1; id <= newSize; id++) u32[(bitmap >>> 2) + ((id - 1) >>> 5)] |= 1 << ((id - 1) & 31);
  if (size > 0) {
    t.heap.copy(table, oldTable, size * 4);
    for (let w = 0; w < Math.ceil(size / 32); w++) u32[(bitmap >>> 2) + w] |= u32[(oldBitmap >>> 2) + w];
    regionFree(t.heap, oldTable, size * 4);
    regionFree(t.heap, oldBitmap, Math.ceil(size / 32) * 4);
  }
  u32[(pool + RC_POOL_TABLE_OFFSET) >>> 2] = table;
  u32[(pool + RC_POOL_BITMAP_OFFSET) >>> 2] = bitmap;
  // Published with a seq_cst store, as CPython: threads size their arrays from it without the lock.
  Atomics.store(u32, (pool + RC_POOL_SIZE_OFFSET) >>> 2, newSize);
  return true;
}

/**
 * Adds one thread's counts (record `record`) into their objects and zeroes
 * them. SAFETY: pool lock held, and `record` is the calling thread's own or
 * the world is stopped: its owner writes the array and the record's counts
 * fields with plain stores, without the lock.
 */
function mergeRecordCounts(t: RcThread, record: number): void {
  const u32 = t.u32;
  const counts = u32[(record + TR_COUNTS_OFFSET) >>> 2] >>> 2;
  const size = u32[(record + TR_COUNTS_SIZE_OFFSET) >>> 2];
  const table = u32[(t.state + RC_POOL_TABLE_OFFSET) >>> 2] >>> 2;
  for (let i = 0; i < size; i++) {
    const value = t.i32[counts + i];
    if (value === 0) continue;
    const op = u32[table + i];
    if (op === 0) fatalError(`per-thread refcount ${value} for released unique id ${i + 1} (thread record ${formatAddress(record)})`);
    Atomics.add(t.i32, (op >>> 2) + OB_REF_SHARED_INDEX, value << REF_SHARED_SHIFT);
    t.i32[counts + i] = 0;
  }
}

/**
 * Merges this thread's per-thread counts into their objects
 * (`_PyObject_MergePerThreadRefcounts`).
 * @public
 */
export function mergePerThreadRefcounts(t: RcThread): void {
  if (t.countsSize === 0) return;
  lockPool(t);
  try {
    mergeRecordCounts(t, t.record);
  } finally {
    unlockPool(t);
  }
}

/**
 * Merges every registered thread's per-thread counts (what the GC does at
 * the start of a collection). SAFETY: the world must be stopped — the other
 * threads write their arrays with plain stores (asserted when the thread has
 * a participant).
 * @beta
 */
export function mergeAllPerThreadRefcounts(t: RcThread): void {
  assertStopped(t);
  const u32 = t.u32;
  lockPool(t);
  try {
    // SAFETY: the world is stopped, so no thread is running inside a
    // bucket-locked section (those have no safe point): the bucket lists hold
    // still, and every record's array is its stopped owner's.
    for (let b = 0; b < BRC_NUM_BUCKETS; b++) {
      const bucket = t.state + RC_BUCKETS_OFFSET + b * BRC_BUCKET_SIZE;
      for (let r = u32[(bucket + BRC_BUCKET_HEAD_OFFSET) >>> 2]; r !== 0; r = u32[(r + TR_NEXT_OFFSET) >>> 2]) mergeRecordCounts(t, r);
    }
  } finally {
    unlockPool(t);
  }
}

/**
 * Merges and frees this thread's array; later per-thread increfs go to the
 * objects directly (`_PyObject_FinalizePerThreadRefcounts`).
 */
export function finalizePerThreadRefcounts(t: RcThread): void {
  mergePerThreadRefcounts(t);
  if (t.countsSize > 0) regionFree(t.heap, t.countsIndex << 2, t.countsSize * 4);
  // SAFETY: as in growCounts: others read these fields only with the world stopped.
  t.u32[(t.record + TR_COUNTS_SIZE_OFFSET) >>> 2] = 0;
  t.u32[(t.record + TR_COUNTS_OFFSET) >>> 2] = 0;
  t.countsIndex = 0;
  t.countsSize = 0;
  t.countsFinalized = true;
}

/** Unique ids in use (pool statistics). @public */
export function uniqueIdsInUse(t: RcThread): number {
  return Atomics.load(t.u32, (t.state + RC_POOL_LIVE_OFFSET) >>> 2);
}
