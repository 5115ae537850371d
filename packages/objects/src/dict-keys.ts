/**
 * The dict's keys table (`PyDictKeysObject`) and a split dict's values
 * array (`PyDictValues`), below `dict.ts`.
 *
 * A combined table belongs to one dict and holds keys and values. A split
 * table is a class's shared instance keys (`ht_cached_keys`): every
 * instance dict of the class points at it and keeps its values in an
 * array of its own, by the table's entry index, with its own insertion
 * order. So a thousand instances with the same attribute names store the
 * names and the hash table once.
 *
 * A split table changes only by appending: any of its dicts may add a key
 * (under the dict's critical section *and* the table's `dk_mutex`,
 * `LOCK_KEYS`), and entries are never removed or rewritten, so lock-free
 * readers of any of its dicts probe it as they probe a combined table. Its
 * class holds it (`dk_refcnt`), and each of its dicts holds the class
 * (through its values array): it is freed, through QSBR, when the class
 * goes, since a reader of a dict that just let go of it may still be
 * probing it. After {@link SHARED_KEYS_MAX_SIZE} keys it is
 * full, and a dict that needs another key turns combined.
 */

import { LOCK_DONT_DETACH, mutexLockFlags, mutexUnlock } from '@ft/atomics';
import { memFreeDelayed, pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import { decref, incref, TP_FLAGS_OFFSET, TYPE_FLAG_HEAPTYPE } from '@ft/refcount';
import {
  DICT_KEYS_GENERAL,
  DICT_KEYS_SPLIT,
  DICT_KEYS_UNICODE,
  DICT_MAX_LOG2_SIZE,
  DK_GENERAL_ENTRY_SIZE,
  DK_INDICES_OFFSET,
  DK_KIND_OFFSET,
  DK_LOG2_INDEX_BYTES_OFFSET,
  DK_LOG2_SIZE_OFFSET,
  DK_MUTEX_OFFSET,
  DK_NENTRIES_OFFSET,
  DK_REFCNT_OFFSET,
  DK_USABLE_OFFSET,
  DK_VERSION_OFFSET,
  DKIX_EMPTY,
  PERTURB_SHIFT,
  SHARED_KEYS_LOG2_SIZE,
  SHARED_KEYS_MAX_SIZE,
  TP_CACHED_KEYS_OFFSET,
  TP_DICTOFFSET_OFFSET,
  VALUES_CAPACITY_OFFSET,
  VALUES_ITEMS_OFFSET,
  VALUES_SIZE_OFFSET,
  VALUES_TYPE_OFFSET,
} from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strEq } from './str.js';

/**
 * Test seams for the stress test's controls. Never false otherwise.
 * @internal
 */
export const dictSeams = { qsbrFree: true, recheckKeys: true, lockKeys: true };

/** Bytes of an entry: hash, key, value (a split table leaves the value word unused). @internal */
export const ENTRY = DK_GENERAL_ENTRY_SIZE;

// --- the keys table ---------------------------------------------------------------

/** `USABLE_FRACTION(n)`: a table of `n` slots holds at most 2n/3 entries. */
function usableFraction(n: number): number {
  return ((n << 1) / 3) | 0;
}

/** `calculate_log2_keysize(minsize)`: the smallest table of at least `minsize` slots (≥ 8). @internal */
export function log2KeySize(minSize: number): number {
  let log2 = 3;
  while (1 << log2 < minSize) log2++;
  return log2;
}

/** `new_keys_object`: an empty table of 2^log2Size slots, or 0. Its fields are unpublished until set_keys. @internal */
export function keysNew(t: ObThread, log2Size: number, unicode: boolean): number {
  if (log2Size > DICT_MAX_LOG2_SIZE) return 0;
  const size = 1 << log2Size;
  const log2IndexBytes = log2Size < 8 ? 0 : log2Size < 16 ? 1 : 2;
  const usable = usableFraction(size);
  const bytes = DK_INDICES_OFFSET + (size << log2IndexBytes) + usable * ENTRY;
  const dk = pyMemMalloc(t.domains, bytes);
  if (dk === 0) return 0;
  const u8 = t.u8;
  // SAFETY: not published yet.
  t.i32[(dk + DK_REFCNT_OFFSET) >>> 2] = 1;
  u8[dk + DK_LOG2_SIZE_OFFSET] = log2Size;
  u8[dk + DK_LOG2_INDEX_BYTES_OFFSET] = log2IndexBytes;
  u8[dk + DK_KIND_OFFSET] = unicode ? DICT_KEYS_UNICODE : DICT_KEYS_GENERAL;
  u8[dk + DK_MUTEX_OFFSET] = 0;
  t.u32[(dk + DK_VERSION_OFFSET) >>> 2] = 0;
  t.i32[(dk + DK_USABLE_OFFSET) >>> 2] = usable;
  t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2] = 0;
  t.heap.fill(dk + DK_INDICES_OFFSET, 0xff, size << log2IndexBytes); // every index DKIX_EMPTY (-1 in any width)
  t.heap.fill(dk + DK_INDICES_OFFSET + (size << log2IndexBytes), 0, usable * ENTRY);
  return dk;
}

/** Frees a table that is no longer published (`free_keys_object`), through QSBR when readers may hold it. @internal */
export function keysFree(t: ObThread, dk: number, useQsbr: boolean): void {
  if (useQsbr && dictSeams.qsbrFree) memFreeDelayed(t.qsbr, t.freeIds, dk);
  else pyMemFree(t.domains, dk);
}

/** `DK_ENTRIES(dk)`: address of entry 0. @internal */
export function entriesOf(t: ObThread, dk: number): number {
  const u8 = t.u8;
  return dk + DK_INDICES_OFFSET + ((1 << u8[dk + DK_LOG2_SIZE_OFFSET]!) << u8[dk + DK_LOG2_INDEX_BYTES_OFFSET]!);
}

/** Whether `dk` is a split table (`DK_IS_SPLIT`): its kind never changes. @internal */
export function isSplitKeys(t: ObThread, dk: number): boolean {
  return t.u8[dk + DK_KIND_OFFSET] === DICT_KEYS_SPLIT;
}

/** `dictkeys_get_index`: the entry index in slot `i` (-1 empty, -2 dummy). Atomic (CPython: relaxed). @internal */
export function getIndex(t: ObThread, dk: number, i: number): number {
  const width = t.u8[dk + DK_LOG2_INDEX_BYTES_OFFSET]!;
  const at = dk + DK_INDICES_OFFSET;
  if (width === 0) return (Atomics.load(t.u8, at + i) << 24) >> 24;
  if (width === 1) return (Atomics.load(t.u16, (at >>> 1) + i) << 16) >> 16;
  return Atomics.load(t.i32, (at >>> 2) + i);
}

/** `dictkeys_set_index`. Atomic (CPython: relaxed). @internal */
export function setIndex(t: ObThread, dk: number, i: number, ix: number): void {
  const width = t.u8[dk + DK_LOG2_INDEX_BYTES_OFFSET]!;
  const at = dk + DK_INDICES_OFFSET;
  if (width === 0) Atomics.store(t.u8, at + i, ix & 0xff);
  else if (width === 1) Atomics.store(t.u16, (at >>> 1) + i, ix & 0xffff);
  else Atomics.store(t.i32, (at >>> 2) + i, ix);
}

/**
 * `find_empty_slot`: the first EMPTY index slot on `hash`'s probe sequence.
 * A DUMMY slot (a deleted entry's) is not reused, as in CPython's
 * free-threaded build (`is_unusable_slot`): a lock-free reader may still be
 * probing through it. The usable fraction keeps a third of the slots EMPTY.
 * @internal
 */
export function findEmptySlot(t: ObThread, dk: number, hash: number): number {
  const mask = (1 << t.u8[dk + DK_LOG2_SIZE_OFFSET]!) - 1;
  let perturb = hash >>> 0;
  let i = perturb & mask;
  while (getIndex(t, dk, i) !== DKIX_EMPTY) {
    perturb >>>= PERTURB_SHIFT;
    i = (i * 5 + perturb + 1) & mask;
  }
  return i;
}

/**
 * Appends (hash, key) as entry `n` of a table with room for it, publishing
 * the entry before its index (readers bound their scans by the entry
 * count and find it through the index). Returns `n`. The caller holds what
 * serializes the table's writers and stores the value itself.
 * @internal
 */
export function appendEntry(t: ObThread, dk: number, hash: number, key: number, value: number): number {
  const n = t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2]!;
  const e = (entriesOf(t, dk) + n * ENTRY) >>> 2;
  Atomics.store(t.i32, e, hash);
  Atomics.store(t.u32, e + 2, value); // CPython: release
  Atomics.store(t.u32, e + 1, key); // CPython: release
  Atomics.store(t.i32, (dk + DK_NENTRIES_OFFSET) >>> 2, n + 1);
  setIndex(t, dk, findEmptySlot(t, dk, hash), n);
  t.i32[(dk + DK_USABLE_OFFSET) >>> 2]!--;
  t.u32[(dk + DK_VERSION_OFFSET) >>> 2] = 0;
  return n;
}

// --- split tables ----------------------------------------------------------------

/**
 * `_PyDict_NewKeysForClass`: an empty split table (log2 size 6, room for
 * {@link SHARED_KEYS_MAX_SIZE} keys), counted once for its type; 0 without
 * memory.
 */
function keysNewSplit(t: ObThread): number {
  const dk = keysNew(t, SHARED_KEYS_LOG2_SIZE, true);
  if (dk === 0) return 0;
  // SAFETY: not published yet.
  t.u8[dk + DK_KIND_OFFSET] = DICT_KEYS_SPLIT;
  t.i32[(dk + DK_USABLE_OFFSET) >>> 2] = SHARED_KEYS_MAX_SIZE;
  return dk;
}

/**
 * The split table the instance dicts of `type` share (`ht_cached_keys`),
 * created by the first instance dict that needs it (two threads creating
 * it at once agree on one through a compare-and-swap); 0 when the type's
 * instances get combined dicts (a static type) or without memory.
 * @internal
 */
export function sharedKeysOf(t: ObThread, type: number): number {
  const u32 = t.u32;
  // SAFETY: a type's flags and dict offset are set before it is published.
  if ((u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) === 0 || u32[(type + TP_DICTOFFSET_OFFSET) >>> 2] === 0) return 0;
  const word = (type + TP_CACHED_KEYS_OFFSET) >>> 2;
  const current = Atomics.load(u32, word);
  if (current !== 0) return current;
  const fresh = keysNewSplit(t);
  if (fresh === 0) return 0;
  const seen = Atomics.compareExchange(u32, word, 0, fresh);
  if (seen === 0) return fresh;
  pyMemFree(t.domains, fresh);
  return seen;
}

/**
 * `dictkeys_decref` of a split table: the last user (its class: instance
 * dicts keep the class, see {@link valuesNew}) releases its keys and frees
 * it, always through QSBR (a reader of a dict that let go of it last may
 * still be probing it).
 * @internal
 */
export function sharedKeysDecref(t: ObThread, dk: number): void {
  if (Atomics.sub(t.i32, (dk + DK_REFCNT_OFFSET) >>> 2, 1) !== 1) return;
  const n = t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2]!;
  const entries = entriesOf(t, dk) >>> 2;
  for (let ix = 0; ix < n; ix++) decref(t.rc, t.u32[entries + ix * 3 + 1]!);
  keysFree(t, dk, true);
}

/**
 * `type_dealloc`'s part: the type lets go of its instances' shared keys.
 * @internal
 */
export function typeReleaseCachedKeys(t: ObThread, type: number): void {
  const dk = Atomics.exchange(t.u32, (type + TP_CACHED_KEYS_OFFSET) >>> 2, 0);
  if (dk !== 0) sharedKeysDecref(t, dk);
}

/**
 * The entry index of the exact str `key` in split table `dk`, appending it
 * when absent and the table has room (`insert_split_key`, under
 * `LOCK_KEYS`, after a probe without it as CPython's `insert_split_key`);
 * -1 when it is absent and the table is full. The table
 * takes its own reference to an appended key. The lock is never held
 * across anything that can block: the probe compares strs only.
 * @internal
 */
export function splitKeyIndex(t: ObThread, dk: number, key: number, hash: number): number {
  // Most stores rebind a name the table already has: found without the lock (entries are only appended).
  const seen = probeStrKey(t, dk, key, hash);
  if (seen !== DKIX_EMPTY) return seen;
  const lock = dk + DK_MUTEX_OFFSET;
  const locking = dictSeams.lockKeys;
  if (locking) mutexLockFlags(t.heap, lock, LOCK_DONT_DETACH);
  let ix = probeStrKey(t, dk, key, hash);
  if (ix === DKIX_EMPTY && t.i32[(dk + DK_USABLE_OFFSET) >>> 2]! > 0) {
    incref(t.rc, key);
    ix = appendEntry(t, dk, hash, key, 0);
  }
  if (locking) mutexUnlock(t.heap, lock);
  return ix < 0 ? -1 : ix;
}

/**
 * The entry index of exact str `key` in table `dk`, or DKIX_EMPTY, without
 * a lock (`unicodekeys_lookup_unicode`). SAFETY: a split or unicode table
 * (every key an exact str); an entry once published keeps its key until
 * the table is freed, which QSBR delays past any reader.
 * @internal
 */
export function probeStrKey(t: ObThread, dk: number, key: number, hash: number): number {
  const mask = (1 << t.u8[dk + DK_LOG2_SIZE_OFFSET]!) - 1;
  const entries = entriesOf(t, dk) >>> 2;
  let perturb = hash >>> 0;
  let i = perturb & mask;
  for (;;) {
    const ix = getIndex(t, dk, i);
    if (ix === DKIX_EMPTY) return DKIX_EMPTY;
    if (ix >= 0) {
      // DUMMY (a deleted entry of a combined table) goes on probing.
      const e = entries + ix * 3;
      const k = Atomics.load(t.u32, e + 1);
      if (k === key || (t.i32[e] === hash && k !== 0 && strEq(t, k, key))) return ix;
    }
    perturb >>>= PERTURB_SHIFT;
    i = (i * 5 + perturb + 1) & mask;
  }
}

// --- a split dict's values ---------------------------------------------------------------

/**
 * `new_values`: an empty values array with room for every key a split
 * table can take, for an instance dict of `type` (whose shared keys it
 * goes with); 0 without memory. It holds a reference to the class, not
 * to the keys: the class keeps its keys, and counting every instance
 * dict on the keys' shared count made every object's creation and death
 * an atomic operation on one word all threads write (CPython 3.13 keeps
 * no such count for instances, whose values are inline). With the
 * classes immortal once threads run (`ft`), the reference costs nothing.
 * @internal
 */
export function valuesNew(t: ObThread, type: number): number {
  const capacity = SHARED_KEYS_MAX_SIZE;
  const values = pyMemMalloc(t.domains, VALUES_ITEMS_OFFSET + 5 * capacity);
  if (values === 0) return 0;
  incref(t.rc, type);
  // SAFETY: not published yet.
  t.u32[(values + VALUES_CAPACITY_OFFSET) >>> 2] = capacity;
  t.u32[(values + VALUES_SIZE_OFFSET) >>> 2] = 0;
  t.u32[(values + VALUES_TYPE_OFFSET) >>> 2] = type;
  t.heap.fill(values + VALUES_ITEMS_OFFSET, 0, 4 * capacity);
  return values;
}

/** The class a values array goes with (borrowed; see {@link valuesNew}). @internal */
export function valuesType(t: ObThread, values: number): number {
  return t.u32[(values + VALUES_TYPE_OFFSET) >>> 2]!;
}

/**
 * Frees a values array no longer published (`free_values`), through QSBR
 * when readers may hold it, and lets go of its class (which may free the
 * class and its keys: the caller is done with both).
 * @internal
 */
export function valuesFree(t: ObThread, values: number, useQsbr: boolean): void {
  const type = valuesType(t, values);
  if (useQsbr && dictSeams.qsbrFree) memFreeDelayed(t.qsbr, t.freeIds, values);
  else pyMemFree(t.domains, values);
  decref(t.rc, type);
}

/** Address of the value word of entry `ix`. @internal */
export function valueWord(values: number, ix: number): number {
  return values + VALUES_ITEMS_OFFSET + 4 * ix;
}

/** The number of values in the insertion order. SAFETY: the dict's critical section is held. @internal */
export function valuesSize(t: ObThread, values: number): number {
  return t.u32[(values + VALUES_SIZE_OFFSET) >>> 2]!;
}

/** The entry index at position `k` of the insertion order. SAFETY: the dict's critical section is held. @internal */
export function valuesOrderAt(t: ObThread, values: number, k: number): number {
  return t.u8[values + VALUES_ITEMS_OFFSET + 4 * t.u32[(values + VALUES_CAPACITY_OFFSET) >>> 2]! + k]!;
}

/** Appends entry index `ix` to the insertion order (`_PyDictValues_AddToInsertionOrder`). SAFETY: the critical section is held. @internal */
export function valuesOrderAppend(t: ObThread, values: number, ix: number): void {
  const size = t.u32[(values + VALUES_SIZE_OFFSET) >>> 2]!;
  t.u8[values + VALUES_ITEMS_OFFSET + 4 * t.u32[(values + VALUES_CAPACITY_OFFSET) >>> 2]! + size] = ix;
  t.u32[(values + VALUES_SIZE_OFFSET) >>> 2] = size + 1;
}

/** Removes entry index `ix` from the insertion order (`delete_index_from_values`). SAFETY: the critical section is held. @internal */
export function valuesOrderRemove(t: ObThread, values: number, ix: number): void {
  const size = t.u32[(values + VALUES_SIZE_OFFSET) >>> 2]!;
  const order = values + VALUES_ITEMS_OFFSET + 4 * t.u32[(values + VALUES_CAPACITY_OFFSET) >>> 2]!;
  const u8 = t.u8;
  let k = 0;
  while (k < size && u8[order + k] !== ix) k++;
  for (; k + 1 < size; k++) u8[order + k] = u8[order + k + 1]!;
  t.u32[(values + VALUES_SIZE_OFFSET) >>> 2] = size - 1;
}
