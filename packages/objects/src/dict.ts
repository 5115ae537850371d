/**
 * `dict` (`Objects/dictobject.c`): the compact ordered table (a sparse
 * index array into a dense array of entries in insertion order) with
 * CPython's free-threaded contract (`reference/threadsafety-contract.md`):
 * mutations hold the dict's critical section; `d[k]`, `k in d`, `d.get(k)`
 * and `len(d)` read without a lock.
 *
 * How a lock-free lookup stays safe (`_Py_dict_lookup_threadsafe`): the
 * reader loads `ma_keys` once and probes that table; it takes its reference
 * to a key it must compare and to the value with try-incref + re-check of
 * the slot, and after a comparison (which may run Python code) it checks
 * that `ma_keys` and the entry are unchanged, else it starts over under the
 * lock. A table replaced while the dict is SHARED is freed through QSBR,
 * so a reader can never hold a freed table. A non-owner's first read takes
 * the lock once and marks the dict SHARED (`ensure_shared_on_read`).
 *
 * Here every entry stores its hash (CPython's unicode tables omit it);
 * `dk_kind` still says whether every key is an exact str, which enables
 * the lock-free str comparison. Split tables (shared instance keys) are not
 * built yet.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { memFreeDelayed, pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import {
  decref,
  GC_BITS_SHARED,
  GC_BITS_TRACKED,
  incref,
  IMMORTAL_REFCNT_LOCAL,
  newRefWithLock,
  setMaybeWeakref,
  OB_GC_BITS_OFFSET,
  OB_MUTEX_OFFSET,
  OB_REF_LOCAL_OFFSET,
  OB_TID_OFFSET,
  OB_TYPE_OFFSET,
  TP_FLAGS_OFFSET,
  tryIncrefCompare,
  TYPE_FLAG_HAVE_GC,
  type RcThread,
} from '@ft/refcount';
import { objectHash, objectReprJs, objectRichCompareBool, PY_EQ, PY_NE } from './abstract.js';
import { errClear, errNoMemory, errRaise } from './errors.js';
import {
  DICT_KEYS_GENERAL,
  DICT_KEYS_OFFSET,
  DICT_KEYS_SPLIT,
  DICT_KEYS_UNICODE,
  DICT_MAX_LOG2_SIZE,
  DICT_MIN_SIZE,
  DICT_USED_OFFSET,
  DICT_VALUES_OFFSET,
  DICT_VERSION_OFFSET,
  DICTITER_DICT_OFFSET,
  DICTVIEW_DICT_OFFSET,
  DICTITER_LEN_OFFSET,
  DICTITER_POS_OFFSET,
  DICTITER_USED_OFFSET,
  DK_GENERAL_ENTRY_SIZE,
  DK_INDICES_OFFSET,
  DK_KIND_OFFSET,
  DK_LOG2_INDEX_BYTES_OFFSET,
  DK_LOG2_SIZE_OFFSET,
  DK_NENTRIES_OFFSET,
  DK_REFCNT_OFFSET,
  DK_USABLE_OFFSET,
  DK_VERSION_OFFSET,
  DKIX_DUMMY,
  DKIX_EMPTY,
  DKIX_ERROR,
  DKIX_KEY_CHANGED,
  PERTURB_SHIFT,
  STR_HASH_OFFSET,
  StaticType,
  TPFLAGS_DICT_SUBCLASS,
  VALUES_CAPACITY_OFFSET,
  VALUES_TYPE_OFFSET,
  VALUES_ITEMS_OFFSET,
} from './layout.js';
import {
  appendEntry,
  dictSeams,
  ENTRY,
  entriesOf,
  findEmptySlot,
  getIndex,
  isSplitKeys,
  keysFree,
  keysNew,
  log2KeySize,
  setIndex,
  sharedKeysOf,
  splitKeyIndex,
  valuesFree,
  valuesNew,
  valuesOrderAppend,
  valuesOrderAt,
  valuesOrderRemove,
  valuesSize,
  valueWord,
} from './dict-keys.js';
import { typeHasFlag, typeOf } from './subtype.js';
import { errSetKeyError, errSetKeyErrorText } from './key-error.js';
import type { ObThread } from './ob-thread.js';
import { strCheckExact, strEq, strHash } from './str.js';
import { tupleFromArray, tupleGetItem } from './tuple.js';

const USED = DICT_USED_OFFSET >>> 2;
const KEYS = DICT_KEYS_OFFSET >>> 2;
const VERSION = DICT_VERSION_OFFSET >>> 2;
const VALUES = DICT_VALUES_OFFSET >>> 2;

export { dictSeams } from './dict-keys.js';

/** Whether `op` is an exact dict (`PyDict_CheckExact`). @public */
export function dictCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Dict];
}

function isShared(t: ObThread, op: number): boolean {
  return (Atomics.load(t.u8, op + OB_GC_BITS_OFFSET) & GC_BITS_SHARED) !== 0;
}

/**
 * {@link isShared} read plain, as a hint (CPython reads `ob_gc_bits` plain
 * here too): SHARED is never cleared, so "shared" is exact, and a stale
 * "not shared" sends the reader to the lock, which re-checks.
 * @internal
 */
export function isSharedHint(t: ObThread, op: number): boolean {
  return (t.u8[op + OB_GC_BITS_OFFSET]! & GC_BITS_SHARED) !== 0;
}

/** `ensure_shared_on_resize`. SAFETY: the critical section is held. */
function ensureSharedOnResize(t: ObThread, op: number): void {
  if (Atomics.load(t.u32, (op + OB_TID_OFFSET) >>> 2) !== t.rc.tid && !isShared(t, op)) Atomics.or(t.u8, op + OB_GC_BITS_OFFSET, GC_BITS_SHARED);
}

/** `Py_hash_t` of a key: the cached str hash or `PyObject_Hash`; -1 with an exception. */
function hashOf(t: ObThread, key: number): number {
  if (strCheckExact(t, key)) {
    // SAFETY: the cached hash read plain (CPython: relaxed): -1 or the one value every thread computes.
    const h = t.i32[(key + STR_HASH_OFFSET) >>> 2]!;
    if (h !== -1) return h;
  }
  return hashOfSlow(t, key);
}

/** {@link hashOf} computing the hash (out of line, so that the lookups' fast paths stay small enough to inline). */
function hashOfSlow(t: ObThread, key: number): number {
  return strCheckExact(t, key) ? strHash(t, key) : objectHash(t, key);
}

// --- lookups ---------------------------------------------------------------------------

/**
 * `_Py_dict_lookup` with the lock held: the entry index of `key` in the
 * dict's table, DKIX_EMPTY, or DKIX_ERROR with an exception. A comparison
 * may run Python code that mutates the dict; the lookup then restarts on
 * the new table, as CPython's does.
 */
function lookupLocked(t: ObThread, op: number, key: number, hash: number): number {
  const ix = probeLocked(t, op, key, hash);
  // A split table holds every instance's keys: this dict has the key only if it has a value for it.
  if (ix >= 0 && isSplitKeys(t, t.u32[(op >>> 2) + KEYS]!) && t.u32[valueWord(t.u32[(op >>> 2) + VALUES]!, ix) >>> 2] === 0) return DKIX_EMPTY;
  return ix;
}

/** {@link lookupLocked}'s probe of the dict's table. */
function probeLocked(t: ObThread, op: number, key: number, hash: number): number {
  for (;;) {
    const dk = t.u32[(op >>> 2) + KEYS]!;
    const mask = (1 << t.u8[dk + DK_LOG2_SIZE_OFFSET]!) - 1;
    const entries = entriesOf(t, dk);
    // Unicode and split tables hold exact strs only.
    const strKey = t.u8[dk + DK_KIND_OFFSET] !== DICT_KEYS_GENERAL && strCheckExact(t, key);
    let perturb = hash >>> 0;
    let i = perturb & mask;
    let restart = false;
    for (;;) {
      const ix = getIndex(t, dk, i);
      if (ix === DKIX_EMPTY) return DKIX_EMPTY;
      if (ix >= 0) {
        const e = (entries + ix * ENTRY) >>> 2;
        const k = t.u32[e + 1]!;
        if (k === key) return ix;
        if (k !== 0 && t.i32[e]! === hash) {
          if (strKey) {
            if (strEq(t, k, key)) return ix;
          } else {
            incref(t.rc, k);
            const cmp = objectRichCompareBool(t, k, key, PY_EQ);
            decref(t.rc, k);
            if (cmp < 0) return DKIX_ERROR;
            if (t.u32[(op >>> 2) + KEYS] !== dk || t.u32[e + 1] !== k) {
              restart = true; // mutated by the comparison
              break;
            }
            if (cmp > 0) return ix;
          }
        }
      }
      perturb >>>= PERTURB_SHIFT;
      i = (i * 5 + perturb + 1) & mask;
    }
    if (!restart) return DKIX_EMPTY;
  }
}

/**
 * The lock-free probe (`unicodekeys_lookup_unicode_threadsafe` and
 * `dictkeys_generic_lookup_threadsafe`) in table `dk` of dict `op`: the
 * entry's word index in the heap (what the caller needs to read its value),
 * DKIX_EMPTY, DKIX_KEY_CHANGED (fall back to the lock) or DKIX_ERROR.
 *
 * SAFETY: the indices, the entry count and the entries' keys and hashes are
 * read plain, as hints (CPython reads them relaxed): the table's memory was
 * filled before `ma_keys` published it and is not reused until QSBR says no
 * reader holds it; each word is tear-free; entries are append-only within a
 * table and a deleted entry's key becomes 0, never another key. So a key
 * read from entry `ix` was that entry's key at some moment, and the caller
 * validates the rest atomically: the value with try-incref + re-check of its
 * slot, then `ma_keys` unchanged.
 */
function lookupThreadsafe(t: ObThread, op: number, dk: number, key: number, hash: number): number {
  const u8 = t.u8;
  const u32 = t.u32;
  const mask = (1 << u8[dk + DK_LOG2_SIZE_OFFSET]!) - 1;
  const width = u8[dk + DK_LOG2_INDEX_BYTES_OFFSET]!;
  const indices = dk + DK_INDICES_OFFSET;
  const entries = (indices + ((mask + 1) << width)) >>> 2;
  const nentries = t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2]!;
  let perturb = hash >>> 0;
  let i = perturb & mask;
  for (;;) {
    const ix = width === 1 ? (t.u16[(indices >>> 1) + i]! << 16) >> 16 : width === 0 ? (u8[indices + i]! << 24) >> 24 : t.i32[(indices >>> 2) + i]!;
    if (ix === DKIX_EMPTY) return DKIX_EMPTY;
    if (ix >= 0) {
      // An index past the entries this reader can trust: the table is being filled; lock.
      if (ix >= nentries) return DKIX_KEY_CHANGED;
      const e = entries + ix * (ENTRY >>> 2);
      const start = u32[e + 1]!;
      if (start === key) return e;
      if (start !== 0 && t.i32[e] === hash) {
        const found = compareThreadsafe(t, op, dk, e, start, key);
        if (found !== 0) return found > 0 ? e : found;
      }
    }
    perturb >>>= PERTURB_SHIFT;
    i = (i * 5 + perturb + 1) & mask;
  }
}

/**
 * {@link lookupThreadsafe}'s comparison of a different key object with an
 * equal hash in entry word `e` (out of line: identity hits are the common
 * case): 1 equal, 0 not, or DKIX_KEY_CHANGED / DKIX_ERROR.
 */
function compareThreadsafe(t: ObThread, op: number, dk: number, e: number, start: number, key: number): number {
  const strKey = t.u8[dk + DK_KIND_OFFSET] !== DICT_KEYS_GENERAL && strCheckExact(t, key);
  if (strKey && t.u32[(start + OB_REF_LOCAL_OFFSET) >>> 2] === IMMORTAL_REFCNT_LOCAL) {
    // An immortal str cannot be freed under us: compare without a reference.
    return strCheckExact(t, start) && strEq(t, start, key) ? 1 : 0;
  }
  if (!tryIncrefCompare(t.rc, (e + 1) << 2, start)) return DKIX_KEY_CHANGED;
  let cmp: number;
  if (strKey && strCheckExact(t, start)) cmp = strEq(t, start, key) ? 1 : 0;
  else cmp = objectRichCompareBool(t, start, key, PY_EQ);
  decref(t.rc, start);
  if (cmp < 0) return DKIX_ERROR;
  // The comparison may have run code: the table and the entry must be the ones probed.
  if (dictSeams.recheckKeys && (Atomics.load(t.u32, (op >>> 2) + KEYS) !== dk || Atomics.load(t.u32, e + 1) !== start)) return DKIX_KEY_CHANGED;
  return cmp;
}

/**
 * `ensure_shared_on_read`: a non-owner's first lock-free read marks the
 * dict SHARED under its lock, so that a concurrent resize frees the old
 * table through QSBR.
 */
function ensureSharedOnRead(t: ObThread, op: number): void {
  // SAFETY: the owner test reads ob_tid plain: only this thread writes its own tid there (biased-refcount.ts).
  if (t.u32[(op + OB_TID_OFFSET) >>> 2] === t.rc.tid || isSharedHint(t, op)) return;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  if (!isShared(t, op)) Atomics.or(t.u8, op + OB_GC_BITS_OFFSET, GC_BITS_SHARED);
  criticalSectionEnd(t.heap);
}

/**
 * The value of `key` with its hash, a new reference; 0 when missing (no
 * exception) or on error (exception set). Lock-free first.
 */
function getItemRefKnownHash(t: ObThread, op: number, key: number, hash: number): number {
  ensureSharedOnRead(t, op);
  const u32 = t.u32;
  const dk = Atomics.load(u32, (op >>> 2) + KEYS);
  const e = lookupThreadsafe(t, op, dk, key, hash);
  if (e === DKIX_ERROR) return 0;
  if (e === DKIX_EMPTY) {
    // Missing in the table read: valid only if it is still the dict's table (a resize may have moved the key in).
    if (Atomics.load(u32, (op >>> 2) + KEYS) === dk) return 0;
  } else if (e >= 0) {
    if (t.u8[dk + DK_KIND_OFFSET] === DICT_KEYS_SPLIT) {
      const value = splitValueRef(t, op, dk, e);
      if (value >= 0) return value;
    } else {
      const slot = (e + 2) << 2;
      const value = u32[e + 2]!; // SAFETY: a hint; tryIncrefCompare re-reads the slot atomically
      if (value !== 0 && tryIncrefCompare(t.rc, slot, value)) {
        if (Atomics.load(u32, (op >>> 2) + KEYS) === dk) return value;
        decref(t.rc, value);
      }
    }
  }
  return getItemRefLocked(t, op, key, hash);
}

/**
 * The value of the key in entry word `e` of split table `dk`, read from the
 * dict's own values (`_Py_TryXGetRef(&values[ix])`, then `ma_values`
 * re-checked: a dict that turned combined meanwhile has none): a new
 * reference, 0 when this dict has no value for that key, -1 to take the
 * lock.
 */
function splitValueRef(t: ObThread, op: number, dk: number, e: number): number {
  const u32 = t.u32;
  const values = Atomics.load(u32, (op >>> 2) + VALUES);
  if (values === 0) return -1;
  const ix = (e - (entriesOf(t, dk) >>> 2)) / 3;
  // SAFETY: the capacity is written before the array is published and never changes.
  if (ix >= u32[(values + VALUES_CAPACITY_OFFSET) >>> 2]!) return -1;
  const slot = valueWord(values, ix);
  const value = Atomics.load(u32, slot >>> 2);
  if (value !== 0 && !tryIncrefCompare(t.rc, slot, value)) return -1;
  if (Atomics.load(u32, (op >>> 2) + VALUES) === values) return value;
  if (value !== 0) decref(t.rc, value);
  return -1;
}

/** Address of the value word of entry `ix` in the dict's table `dk`. SAFETY: the critical section is held. */
function valueSlot(t: ObThread, op: number, dk: number, ix: number): number {
  return isSplitKeys(t, dk) ? valueWord(t.u32[(op >>> 2) + VALUES]!, ix) : entriesOf(t, dk) + ix * ENTRY + 8;
}

/** `read_failed` of {@link getItemRefKnownHash}: the lookup under the dict's lock (out of line: rare). */
function getItemRefLocked(t: ObThread, op: number, key: number, hash: number): number {
  const u32 = t.u32;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const found = lookupLocked(t, op, key, hash);
  let value = 0;
  if (found >= 0) {
    const dk = u32[(op >>> 2) + KEYS]!;
    value = newRefWithLock(t.rc, u32[valueSlot(t, op, dk, found) >>> 2]!);
    // The entry's key too, when another thread found it by an equal key: let the next lock-free
    // probe take it with try-incref (an empty shared count refuses it: the lookup would lock every
    // time). Departure: CPython leaves such keys alone (its keys are mostly immortal interned strs).
    const start = u32[((entriesOf(t, dk) + found * ENTRY) >>> 2) + 1]!;
    if (start !== key && u32[(start + OB_TID_OFFSET) >>> 2] !== t.rc.tid) setMaybeWeakref(t.rc, start);
  }
  criticalSectionEnd(t.heap);
  return value;
}

/**
 * `PyDict_GetItemRef(d, key)`: a new reference to `d[key]`; 0 when the key
 * is missing (no exception) or on error (the exception set: an unhashable
 * key, a raising `__eq__`). Lock-free; sees a value that was there.
 * @public
 */
export function dictGetItemRef(t: ObThread, op: number, key: number): number {
  if (strCheckExact(t, key)) {
    // SAFETY: the cached hash read plain, as in hashOf.
    const cached = t.i32[(key + STR_HASH_OFFSET) >>> 2]!;
    if (cached !== -1) {
      const value = getItemRefByIdentity(t, op, key, cached);
      if (value !== 0) return value;
      return getItemRefKnownHash(t, op, key, cached);
    }
  }
  const hash = hashOfSlow(t, key);
  return hash === -1 ? 0 : getItemRefKnownHash(t, op, key, hash);
}

/**
 * The hot case of a lock-free lookup, kept small enough for V8 to inline
 * into its callers: a str key found by identity (interned names, the key
 * objects a dict was filled with) in a combined table. A new reference,
 * or 0 to take the general path (which also decides a miss).
 */
function getItemRefByIdentity(t: ObThread, op: number, key: number, hash: number): number {
  const u32 = t.u32;
  const u8 = t.u8;
  // SAFETY: the owner test reads ob_tid plain (only this thread writes its own tid there).
  if (u32[(op + OB_TID_OFFSET) >>> 2] !== t.rc.tid && !isSharedHint(t, op)) return 0;
  const dk = Atomics.load(u32, (op >>> 2) + KEYS);
  if (u8[dk + DK_KIND_OFFSET] === DICT_KEYS_SPLIT) return 0;
  // SAFETY: the table's words read plain, as hints (lookupThreadsafe's comment): the value is taken
  // with try-incref and its slot re-checked, then ma_keys re-checked.
  const mask = (1 << u8[dk + DK_LOG2_SIZE_OFFSET]!) - 1;
  const width = u8[dk + DK_LOG2_INDEX_BYTES_OFFSET]!;
  const indices = dk + DK_INDICES_OFFSET;
  const entries = (indices + ((mask + 1) << width)) >>> 2;
  const nentries = t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2]!;
  let perturb = hash >>> 0;
  let i = perturb & mask;
  for (;;) {
    const ix = indexHint(t, indices, width, i);
    if (ix === DKIX_EMPTY || ix >= nentries) return 0;
    if (ix >= 0 && u32[entries + ix * 3 + 1] === key) {
      const slot = entries + ix * 3 + 2;
      const value = u32[slot]!;
      if (value === 0 || !tryIncrefCompare(t.rc, slot << 2, value)) return 0;
      return Atomics.load(u32, (op >>> 2) + KEYS) === dk ? value : releaseStale(t, value);
    }
    perturb >>>= PERTURB_SHIFT;
    i = (i * 5 + perturb + 1) & mask;
  }
}

/** Slot `i` of a table's indices at `indices` (`width` = log2 bytes per index), read plain as a hint. */
function indexHint(t: ObThread, indices: number, width: number, i: number): number {
  if (width === 1) return (t.u16[(indices >>> 1) + i]! << 16) >> 16;
  if (width === 0) return (t.u8[indices + i]! << 24) >> 24;
  return t.i32[(indices >>> 2) + i]!;
}

/** A value taken from a table that was replaced meanwhile: given back, and 0 (take the general path). */
function releaseStale(t: ObThread, value: number): number {
  decref(t.rc, value);
  return 0;
}

/**
 * The key object stored in `d` that equals `key` (a new reference), or 0
 * when there is none or on error (the exception set): what a caller keeps
 * to look the entry up by identity from then on (the façade's key cache).
 * Under the dict's lock. @internal
 */
export function dictStoredKeyRef(t: ObThread, op: number, key: number): number {
  const hash = hashOf(t, key);
  if (hash === -1) return 0;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const ix = lookupLocked(t, op, key, hash);
  let stored = 0;
  if (ix >= 0) stored = newRefWithLock(t.rc, t.u32[((entriesOf(t, t.u32[(op >>> 2) + KEYS]!) + ix * ENTRY) >>> 2) + 1]!);
  criticalSectionEnd(t.heap);
  return stored;
}

/** `d[key]` (`dict_subscript`): a new reference, or 0 with KeyError(key) or the lookup's error. @public */
export function dictSubscript(t: ObThread, op: number, key: number): number {
  const hash = hashOf(t, key);
  if (hash === -1) return 0;
  const value = getItemRefKnownHash(t, op, key, hash);
  if (value === 0 && t.error.type === 0) return raiseKeyError(t, key);
  return value;
}

/** `_PyErr_SetKeyError(key)`. */
function raiseKeyError(t: ObThread, key: number): 0 {
  return errSetKeyError(t, key);
}

/** `PyDict_Contains` (`key in d`): 1, 0, or -1 with an exception. Lock-free. @public */
export function dictContains(t: ObThread, op: number, key: number): number {
  const value = dictGetItemRef(t, op, key);
  if (value !== 0) {
    decref(t.rc, value);
    return 1;
  }
  return t.error.type !== 0 ? -1 : 0;
}

/** `len(d)`: lock-free (CPython: relaxed). @public */
export function dictSize(t: ObThread, op: number): number {
  return Atomics.load(t.i32, (op >>> 2) + USED);
}

// --- mutations (under the critical section) --------------------------------------------

/**
 * `dictresize`: a new table of 2^log2Size slots holding the entries in
 * order (deleted ones dropped), published with a release store; the old
 * table goes through QSBR when the dict is SHARED. -1 with MemoryError.
 */
function resize(t: ObThread, op: number, log2Size: number, unicode: boolean): number {
  const u32 = t.u32;
  const old = u32[(op >>> 2) + KEYS]!;
  const fresh = keysNew(t, log2Size, unicode);
  if (fresh === 0) {
    errNoMemory(t);
    return -1;
  }
  if (isSplitKeys(t, old)) {
    splitToCombined(t, op, fresh);
    return 0;
  }
  const n = t.i32[(old + DK_NENTRIES_OFFSET) >>> 2]!;
  const from = entriesOf(t, old) >>> 2;
  const to = entriesOf(t, fresh) >>> 2;
  let k = 0;
  for (let ix = 0; ix < n; ix++) {
    const key = u32[from + ix * 3 + 1]!;
    if (key === 0) continue;
    const hash = t.i32[from + ix * 3]!;
    // SAFETY: the new table is unpublished.
    t.i32[to + k * 3] = hash;
    u32[to + k * 3 + 1] = key;
    u32[to + k * 3 + 2] = u32[from + ix * 3 + 2]!;
    setIndex(t, fresh, findEmptySlot(t, fresh, hash), k);
    k++;
  }
  t.i32[(fresh + DK_NENTRIES_OFFSET) >>> 2] = k;
  t.i32[(fresh + DK_USABLE_OFFSET) >>> 2] -= k;
  ensureSharedOnResize(t, op);
  Atomics.store(u32, (op >>> 2) + KEYS, fresh); // CPython: release (set_keys)
  keysFree(t, old, isShared(t, op));
  return 0;
}

/**
 * `dictresize` of a split dict: the combined table `fresh` gets the dict's
 * keys and values in the dict's own insertion order; it is published
 * before `ma_values` is cleared, so a lock-free reader of the split table
 * either finds the values still there (and current: the lock is held) or
 * fails its `ma_values` re-check. The values array and the dict's count on
 * the shared keys are released (through QSBR when SHARED).
 */
function splitToCombined(t: ObThread, op: number, fresh: number): void {
  const u32 = t.u32;
  const dk = u32[(op >>> 2) + KEYS]!;
  const values = u32[(op >>> 2) + VALUES]!;
  const from = entriesOf(t, dk) >>> 2;
  const to = entriesOf(t, fresh) >>> 2;
  const n = valuesSize(t, values);
  for (let k = 0; k < n; k++) {
    const ix = valuesOrderAt(t, values, k);
    const hash = t.i32[from + ix * 3]!;
    const key = u32[from + ix * 3 + 1]!;
    incref(t.rc, key); // the combined table's own reference
    // SAFETY: the new table is unpublished.
    t.i32[to + k * 3] = hash;
    u32[to + k * 3 + 1] = key;
    u32[to + k * 3 + 2] = u32[valueWord(values, ix) >>> 2]!; // the reference moves
    setIndex(t, fresh, findEmptySlot(t, fresh, hash), k);
  }
  t.i32[(fresh + DK_NENTRIES_OFFSET) >>> 2] = n;
  t.i32[(fresh + DK_USABLE_OFFSET) >>> 2] -= n;
  ensureSharedOnResize(t, op);
  Atomics.store(u32, (op >>> 2) + KEYS, fresh); // CPython: release (set_keys)
  Atomics.store(u32, (op >>> 2) + VALUES, 0);
  valuesFree(t, values, isShared(t, op)); // and the class that keeps `dk`
}

/** `insertion_resize`: room for one more entry (`GROWTH_RATE` = used × 3). */
function insertionResize(t: ObThread, op: number, unicode: boolean): number {
  return resize(t, op, log2KeySize(t.i32[(op >>> 2) + USED]! * 3), unicode);
}

/**
 * `_PyObject_GC_MAY_BE_TRACKED`: whether `op` could be part of a cycle
 * the collector must see (an object of a GC type, unless it is a tuple the
 * collector untracked for holding only atomic values).
 */
function mayBeTracked(t: ObThread, op: number): boolean {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  if ((t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HAVE_GC) === 0) return false;
  return type !== t.types[StaticType.Tuple] || (t.u8[op + OB_GC_BITS_OFFSET]! & GC_BITS_TRACKED) !== 0;
}

/**
 * `MAINTAIN_TRACKING`: a dict starts untracked (`{}` and dicts of atomic
 * values are no work for the collector; `gc.is_tracked({})` is False) and
 * is tracked once it holds a key or value that may be tracked. Under the
 * dict's lock, as every change of its GC bits is (the SHARED bit's too).
 */
function maintainTracking(t: ObThread, op: number, key: number, value: number): void {
  if ((t.u8[op + OB_GC_BITS_OFFSET]! & GC_BITS_TRACKED) !== 0) return;
  if (mayBeTracked(t, key) || mayBeTracked(t, value)) gcTrack(t.rc, op);
}

/**
 * `insertdict` with the lock held: `d[key] = value`, stealing both
 * references. 0, or -1 with an exception (both references released).
 */
function insertLocked(t: ObThread, op: number, key: number, hash: number, value: number): number {
  const u32 = t.u32;
  maintainTracking(t, op, key, value);
  let dk = u32[(op >>> 2) + KEYS]!;
  if (t.u8[dk + DK_KIND_OFFSET] === DICT_KEYS_SPLIT) {
    if (strCheckExact(t, key) && insertSplit(t, op, dk, key, hash, value)) return 0;
    // A key the shared table cannot take (not an exact str, or the table is full): the dict turns combined.
    if (resize(t, op, log2KeySize(t.i32[(op >>> 2) + USED]! * 3), strCheckExact(t, key)) < 0) return insertFailed(t, key, value);
    dk = u32[(op >>> 2) + KEYS]!;
  }
  if (t.u8[dk + DK_KIND_OFFSET] === DICT_KEYS_UNICODE && !strCheckExact(t, key)) {
    // A key that is not an exact str turns the table general.
    if (resize(t, op, t.u8[dk + DK_LOG2_SIZE_OFFSET]!, false) < 0) return insertFailed(t, key, value);
  }
  const ix = lookupLocked(t, op, key, hash);
  if (ix === DKIX_ERROR) return insertFailed(t, key, value);
  dk = u32[(op >>> 2) + KEYS]!;
  if (ix === DKIX_EMPTY) {
    if (t.i32[(dk + DK_USABLE_OFFSET) >>> 2]! <= 0) {
      if (insertionResize(t, op, t.u8[dk + DK_KIND_OFFSET] === DICT_KEYS_UNICODE) < 0) return insertFailed(t, key, value);
      dk = u32[(op >>> 2) + KEYS]!;
    }
    appendEntry(t, dk, hash, key, value);
    Atomics.store(t.i32, (op >>> 2) + USED, t.i32[(op >>> 2) + USED]! + 1);
    u32[(op >>> 2) + VERSION]!++;
    return 0;
  }
  const slot = ((entriesOf(t, dk) + ix * ENTRY) >>> 2) + 2;
  const old = u32[slot]!;
  Atomics.store(u32, slot, value); // CPython: release
  u32[(op >>> 2) + VERSION]!++;
  decref(t.rc, old);
  decref(t.rc, key);
  return 0;
}

/**
 * `insertdict` on a split table for an exact str key (`insert_split_key` +
 * `insert_split_value`), stealing both references: false when the shared
 * table is full (nothing taken; the dict must turn combined).
 */
function insertSplit(t: ObThread, op: number, dk: number, key: number, hash: number, value: number): boolean {
  const u32 = t.u32;
  const ix = splitKeyIndex(t, dk, key, hash);
  const values = u32[(op >>> 2) + VALUES]!;
  if (ix < 0 || ix >= u32[(values + VALUES_CAPACITY_OFFSET) >>> 2]!) return false;
  const old = splitStoreValue(t, op, values, ix, value);
  if (old !== 0) decref(t.rc, old);
  decref(t.rc, key); // the shared table holds its own
  return true;
}

/**
 * `insert_split_value`: `value` (stolen) becomes the dict's value of entry
 * `ix`, which joins the insertion order if the dict had none; returns the
 * old value, whose reference passes to the caller. SAFETY: the dict's
 * critical section is held and `values` is its values array.
 * @internal
 */
export function splitStoreValue(t: ObThread, op: number, values: number, ix: number, value: number): number {
  const u32 = t.u32;
  const slot = valueWord(values, ix) >>> 2;
  const old = u32[slot]!;
  Atomics.store(u32, slot, value); // CPython: release
  if (old === 0) {
    valuesOrderAppend(t, values, ix);
    Atomics.store(t.i32, (op >>> 2) + USED, t.i32[(op >>> 2) + USED]! + 1);
  }
  u32[(op >>> 2) + VERSION]!++;
  return old;
}

function insertFailed(t: ObThread, key: number, value: number): -1 {
  decref(t.rc, key);
  decref(t.rc, value);
  return -1;
}

/** `PyDict_SetItem(d, key, value)` (`d[key] = value`): 0, or -1 with an exception (TypeError for an unhashable key). @public */
export function dictSetItem(t: ObThread, op: number, key: number, value: number): number {
  const hash = hashOf(t, key);
  if (hash === -1) return -1;
  incref(t.rc, key);
  incref(t.rc, value);
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const r = insertLocked(t, op, key, hash, value);
  criticalSectionEnd(t.heap);
  return r;
}

/** Removes entry `ix` (`delitem_common`): index DUMMY, entry emptied; returns the key and value, whose references pass to the caller. */
function removeEntry(t: ObThread, op: number, hash: number, ix: number): [number, number] {
  const u32 = t.u32;
  const dk = u32[(op >>> 2) + KEYS]!;
  if (isSplitKeys(t, dk)) return removeSplitValue(t, op, dk, ix);
  const mask = (1 << t.u8[dk + DK_LOG2_SIZE_OFFSET]!) - 1;
  let perturb = hash >>> 0;
  let i = perturb & mask;
  while (getIndex(t, dk, i) !== ix) {
    perturb >>>= PERTURB_SHIFT;
    i = (i * 5 + perturb + 1) & mask;
  }
  setIndex(t, dk, i, DKIX_DUMMY);
  const e = (entriesOf(t, dk) + ix * ENTRY) >>> 2;
  const key = u32[e + 1]!;
  const value = u32[e + 2]!;
  Atomics.store(u32, e + 1, 0);
  Atomics.store(u32, e + 2, 0);
  t.u32[(dk + DK_VERSION_OFFSET) >>> 2] = 0;
  Atomics.store(t.i32, (op >>> 2) + USED, t.i32[(op >>> 2) + USED]! - 1);
  u32[(op >>> 2) + VERSION]!++;
  return [key, value];
}

/**
 * `delitem_common` on a split table: the dict's value of entry `ix` goes
 * (the shared table keeps the key); returns a new reference to the key and
 * the value's reference.
 */
function removeSplitValue(t: ObThread, op: number, dk: number, ix: number): [number, number] {
  const u32 = t.u32;
  const values = u32[(op >>> 2) + VALUES]!;
  const slot = valueWord(values, ix) >>> 2;
  const value = u32[slot]!;
  Atomics.store(u32, slot, 0);
  valuesOrderRemove(t, values, ix);
  Atomics.store(t.i32, (op >>> 2) + USED, t.i32[(op >>> 2) + USED]! - 1);
  u32[(op >>> 2) + VERSION]!++;
  const key = u32[(entriesOf(t, dk) >>> 2) + ix * 3 + 1]!;
  incref(t.rc, key);
  return [key, value];
}

/**
 * `dict.pop(key[, default])`: a new reference to the removed value; the
 * default (a new reference) when missing and `dflt` is not 0; else 0 with
 * KeyError(key).
 * @public
 */
export function dictPop(t: ObThread, op: number, key: number, dflt = 0): number {
  const hash = hashOf(t, key);
  if (hash === -1) return 0;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const ix = lookupLocked(t, op, key, hash);
  let removed: [number, number] | null = null;
  if (ix >= 0) removed = removeEntry(t, op, hash, ix);
  criticalSectionEnd(t.heap);
  if (ix === DKIX_ERROR) return 0;
  if (removed === null) {
    if (dflt !== 0) {
      incref(t.rc, dflt);
      return dflt;
    }
    return raiseKeyError(t, key);
  }
  decref(t.rc, removed[0]);
  return removed[1];
}

/** `PyDict_DelItem` (`del d[key]`): 0, or -1 with KeyError(key). @public */
export function dictDelItem(t: ObThread, op: number, key: number): number {
  const value = dictPop(t, op, key);
  if (value === 0) return -1;
  decref(t.rc, value);
  return 0;
}

/**
 * `_PyDict_DelItemIf(d, key, predicate)`: deletes `key` only if
 * `predicate(value)` says so, atomically under the dict's lock (the
 * predicate must not suspend: it runs with the lock held). 1 deleted,
 * 0 not, -1 with KeyError or the lookup's error.
 * @public
 */
export function dictDelItemIf(t: ObThread, op: number, key: number, predicate: (value: number) => boolean): number {
  const hash = hashOf(t, key);
  if (hash === -1) return -1;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const ix = lookupLocked(t, op, key, hash);
  let removed: [number, number] | null = null;
  if (ix >= 0) {
    const value = t.u32[valueSlot(t, op, t.u32[(op >>> 2) + KEYS]!, ix) >>> 2]!;
    if (predicate(value)) removed = removeEntry(t, op, hash, ix);
  }
  criticalSectionEnd(t.heap);
  if (ix === DKIX_ERROR) return -1;
  if (ix === DKIX_EMPTY) {
    raiseKeyError(t, key);
    return -1;
  }
  if (removed === null) return 0;
  decref(t.rc, removed[0]);
  decref(t.rc, removed[1]);
  return 1;
}

/**
 * `PyDict_SetDefaultRef(d, key, default)`: the value of `key` (a new
 * reference), inserting `dflt` first when missing — one atomic step. 0
 * with an exception.
 * @public
 */
export function dictSetDefaultRef(t: ObThread, op: number, key: number, dflt: number): number {
  const hash = hashOf(t, key);
  if (hash === -1) return 0;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  let result = 0;
  const ix = lookupLocked(t, op, key, hash);
  if (ix >= 0) {
    result = t.u32[valueSlot(t, op, t.u32[(op >>> 2) + KEYS]!, ix) >>> 2]!;
    incref(t.rc, result);
  } else if (ix === DKIX_EMPTY) {
    incref(t.rc, key);
    incref(t.rc, dflt);
    if (insertLocked(t, op, key, hash, dflt) === 0) {
      incref(t.rc, dflt);
      result = dflt;
    }
  }
  criticalSectionEnd(t.heap);
  return result;
}

/**
 * `dict.popitem()`: a new (key, value) tuple of the last entry, removed;
 * 0 with KeyError "popitem(): dictionary is empty".
 * @public
 */
export function dictPopItem(t: ObThread, op: number): number {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const u32 = t.u32;
  // A split dict turns combined first, as CPython's does.
  if (isSplitKeys(t, u32[(op >>> 2) + KEYS]!) && resize(t, op, log2KeySize(t.i32[(op >>> 2) + USED]! * 3), true) < 0) {
    criticalSectionEnd(t.heap);
    return 0;
  }
  const dk = u32[(op >>> 2) + KEYS]!;
  let ix = t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2]! - 1;
  const entries = entriesOf(t, dk) >>> 2;
  while (ix >= 0 && u32[entries + ix * 3 + 1] === 0) ix--;
  if (ix < 0) {
    criticalSectionEnd(t.heap);
    return errSetKeyErrorText(t, 'popitem(): dictionary is empty');
  }
  const [key, value] = removeEntry(t, op, t.i32[entries + ix * 3]!, ix);
  // CPython moves the table's end back so the next insert reuses the entry. Not while lock-free
  // readers may be looking: one that matched the popped key at this entry and then read the value
  // slot would get the next key's value (the dict stress test's popitem scenario). The hole stays
  // until the next resize compacts it.
  if (!isShared(t, op)) t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2] = ix;
  criticalSectionEnd(t.heap);
  const pair = tupleFromArray(t, [key, value]);
  decref(t.rc, key);
  decref(t.rc, value);
  return pair;
}

/** `PyDict_Clear`: empties the dict at once (a fresh table), then releases the old entries outside the lock. @public */
export function dictClear(t: ObThread, op: number): void {
  const u32 = t.u32;
  const fresh = keysNew(t, 3, true);
  if (fresh === 0) {
    // Without memory for a new table, empty the old one entry by entry.
    for (;;) {
      const pair = dictPopItem(t, op);
      if (pair === 0) {
        errClear(t); // the KeyError of an empty dict: done
        return;
      }
      decref(t.rc, pair);
    }
  }
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const old = u32[(op >>> 2) + KEYS]!;
  const oldValues = u32[(op >>> 2) + VALUES]!;
  ensureSharedOnResize(t, op);
  Atomics.store(u32, (op >>> 2) + KEYS, fresh); // CPython: release
  if (oldValues !== 0) Atomics.store(u32, (op >>> 2) + VALUES, 0);
  Atomics.store(t.i32, (op >>> 2) + USED, 0);
  u32[(op >>> 2) + VERSION]!++;
  const shared = isShared(t, op);
  criticalSectionEnd(t.heap);
  releaseTable(t, old, oldValues, shared);
}

/**
 * Releases every key and value of a detached table (and values array, for
 * a split dict), then frees it (a split table: lets go of it).
 */
function releaseTable(t: ObThread, dk: number, values: number, shared: boolean): void {
  if (values !== 0) {
    const n = valuesSize(t, values);
    for (let k = 0; k < n; k++) decref(t.rc, t.u32[valueWord(values, valuesOrderAt(t, values, k)) >>> 2]!);
    valuesFree(t, values, shared); // and the class that keeps `dk`
    return;
  }
  const n = t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2]!;
  const entries = entriesOf(t, dk) >>> 2;
  for (let ix = 0; ix < n; ix++) {
    const key = t.u32[entries + ix * 3 + 1]!;
    if (key === 0) continue;
    decref(t.rc, key);
    decref(t.rc, t.u32[entries + ix * 3 + 2]!);
  }
  keysFree(t, dk, shared);
}

// --- creation ---------------------------------------------------------------------------------

/** `PyDict_New()`: a new empty dict, untracked until it holds a container (`MAINTAIN_TRACKING`); 0 with MemoryError. @public */
export function dictNew(t: ObThread): number {
  const dk = keysNew(t, 3, true);
  if (dk === 0) return errNoMemory(t);
  const op = gcNew(t.gc, t.types[StaticType.Dict]!);
  if (op === 0) {
    pyMemFree(t.domains, dk);
    return errNoMemory(t);
  }
  // SAFETY: not published yet.
  t.u32[(op >>> 2) + KEYS] = dk;
  return op;
}

/**
 * A new empty dict for an instance of `type` (`_PyObjectDict_InitValues`
 * / `new_dict_with_shared_keys`): split over the class's shared keys when
 * the class has them (heap types), else combined; 0 with MemoryError.
 * @public
 */
export function dictNewForType(t: ObThread, type: number): number {
  const dk = sharedKeysOf(t, type);
  if (dk === 0) return dictNew(t);
  const values = valuesNew(t, type);
  if (values === 0) return errNoMemory(t);
  const op = gcNew(t.gc, t.types[StaticType.Dict]!);
  if (op === 0) {
    valuesFree(t, values, false);
    return errNoMemory(t);
  }
  // SAFETY: not published yet.
  t.u32[(op >>> 2) + KEYS] = dk;
  t.u32[(op >>> 2) + VALUES] = values;
  gcTrack(t.rc, op);
  return op;
}

/** Whether the dict uses a split table (`_PyDict_HasSplitTable`). @public */
export function dictHasSplitTable(t: ObThread, op: number): boolean {
  return Atomics.load(t.u32, (op >>> 2) + VALUES) !== 0;
}

/**
 * `PyDict_Next` under the caller's hold of the dict's lock: the entries
 * in order, as [key, value] borrowed pairs.
 */
function* entriesLocked(t: ObThread, op: number): Generator<[number, number]> {
  for (let pos = nextEntryLocked(t, op, 0); pos >= 0; pos = nextEntryLocked(t, op, pos + 1)) yield [foundKey, foundValue];
}

/** The key and value {@link nextEntryLocked} found (borrowed). Module scope is thread-local. */
let foundKey = 0;
let foundValue = 0;

/**
 * The first position ≥ `pos` of the dict's insertion order that holds an
 * entry, its key and value left in `foundKey` / `foundValue`; -1 past the
 * end. A combined table's positions are its entries (deleted ones empty); a
 * split dict's are its order array's, all live. SAFETY: the critical
 * section is held.
 */
function nextEntryLocked(t: ObThread, op: number, pos: number): number {
  const u32 = t.u32;
  const dk = u32[(op >>> 2) + KEYS]!;
  const entries = entriesOf(t, dk) >>> 2;
  const values = u32[(op >>> 2) + VALUES]!;
  if (values !== 0) {
    if (pos >= valuesSize(t, values)) return -1;
    const ix = valuesOrderAt(t, values, pos);
    foundKey = u32[entries + ix * 3 + 1]!;
    foundValue = u32[valueWord(values, ix) >>> 2]!;
    return pos;
  }
  const n = t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2]!;
  for (let ix = pos; ix < n; ix++) {
    const key = u32[entries + ix * 3 + 1]!;
    if (key === 0) continue;
    foundKey = key;
    foundValue = u32[entries + ix * 3 + 2]!;
    return ix;
  }
  return -1;
}

/**
 * The keys (`which` 0), values (1) or (key, value) tuples (2) of the dict
 * as one consistent snapshot taken under its lock (what `list(d)`,
 * `list.extend(d)`, `d.copy()` rely on), each a new reference; null with
 * MemoryError.
 * @internal
 */
export function dictSnapshot(t: ObThread, op: number, which: 0 | 1 | 2): number[] | null {
  const out: number[] = [];
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  for (const [key, value] of entriesLocked(t, op)) {
    if (which === 2) {
      const pair = tupleFromArray(t, [key, value]);
      if (pair === 0) {
        criticalSectionEnd(t.heap);
        for (const x of out) decref(t.rc, x);
        return null;
      }
      out.push(pair);
    } else {
      const x = which === 0 ? key : value;
      incref(t.rc, x);
      out.push(x);
    }
  }
  criticalSectionEnd(t.heap);
  return out;
}

/** `PyDict_Copy`: a new dict with the same items, copied atomically; 0 with MemoryError. @public */
export function dictCopy(t: ObThread, op: number): number {
  const copy = dictNew(t);
  if (copy === 0) return 0;
  if (dictMerge(t, copy, op) < 0) {
    decref(t.rc, copy);
    return 0;
  }
  return copy;
}

/**
 * `PyDict_Update(a, b)` for an exact dict `b`: `b`'s items, read as one
 * snapshot under its lock, inserted into `a` under `a`'s. 0, or -1.
 * @public
 */
export function dictMerge(t: ObThread, a: number, b: number): number {
  const keys: number[] = [];
  const values: number[] = [];
  criticalSectionBegin(t.heap, b + OB_MUTEX_OFFSET);
  for (const [key, value] of entriesLocked(t, b)) {
    incref(t.rc, key);
    incref(t.rc, value);
    keys.push(key);
    values.push(value);
  }
  criticalSectionEnd(t.heap);
  let r = 0;
  for (let i = 0; i < keys.length && r === 0; i++) r = dictSetItem(t, a, keys[i]!, values[i]!);
  for (const x of keys) decref(t.rc, x);
  for (const x of values) decref(t.rc, x);
  return r;
}

// --- repr, equality --------------------------------------------------------------------------

/** `dict_repr` as JavaScript text (`{...}` for a dict already being printed); null with the exception set. @public */
export function dictReprJs(t: ObThread, op: number): string | null {
  if (t.reprStack.includes(op)) return '{...}';
  const items = dictSnapshot(t, op, 2);
  if (items === null) return null;
  t.reprStack.push(op);
  try {
    const parts: string[] = [];
    for (const pair of items) {
      const k = objectReprJs(t, tupleGetItem(t, pair, 0));
      const v = k === null ? null : objectReprJs(t, tupleGetItem(t, pair, 1));
      if (k === null || v === null) return null;
      parts.push(`${k}: ${v}`);
    }
    return `{${parts.join(', ')}}`;
  } finally {
    t.reprStack.pop();
    for (const pair of items) decref(t.rc, pair);
  }
}

/** `dict_equal`: 1, 0, or -1 with an exception. @public */
export function dictEqual(t: ObThread, a: number, b: number): number {
  if (dictSize(t, a) !== dictSize(t, b)) return 0;
  const keys = dictSnapshot(t, a, 0);
  if (keys === null) return -1;
  let r = 1;
  for (const key of keys) {
    if (r !== 1) break;
    const va = dictGetItemRef(t, a, key);
    const vb = va === 0 ? 0 : dictGetItemRef(t, b, key);
    if (va === 0 || vb === 0) r = t.error.type !== 0 ? -1 : 0;
    else r = objectRichCompareBool(t, va, vb, PY_EQ);
    if (va !== 0) decref(t.rc, va);
    if (vb !== 0) decref(t.rc, vb);
  }
  for (const key of keys) decref(t.rc, key);
  return r;
}

// --- iteration ---------------------------------------------------------------------------------

/**
 * A new iterator over the dict's keys (`which` 0), values (1) or items (2),
 * or 0 with MemoryError (`dictiter_new`).
 * @public
 */
export function dictIter(t: ObThread, op: number, which: 0 | 1 | 2 = 0): number {
  const type = t.types[which === 0 ? StaticType.DictKeyIter : which === 1 ? StaticType.DictValueIter : StaticType.DictItemIter]!;
  const it = gcNew(t.gc, type);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, op);
  const used = dictSize(t, op);
  // SAFETY: not published yet.
  t.u32[(it + DICTITER_DICT_OFFSET) >>> 2] = op;
  t.i32[(it + DICTITER_USED_OFFSET) >>> 2] = used;
  t.i32[(it + DICTITER_POS_OFFSET) >>> 2] = 0;
  t.i32[(it + DICTITER_LEN_OFFSET) >>> 2] = used;
  gcTrack(t.rc, it);
  return it;
}

/**
 * `dictiter_iternext`: the next key, value or (key, value) tuple (a new
 * reference); 0 when exhausted (no exception) or with RuntimeError
 * ("dictionary changed size during iteration", "dictionary keys changed
 * during iteration"). Each step holds the dict's lock, so a step sees one
 * consistent table.
 * @public
 */
export function dictIterNext(t: ObThread, it: number): number {
  const op = t.u32[(it + DICTITER_DICT_OFFSET) >>> 2]!; // SAFETY: set before publication, cleared only by dealloc
  if (op === 0) return 0;
  const i32 = t.i32;
  const which = t.u32[(it + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.DictKeyIter] ? 0 : t.u32[(it + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.DictValueIter] ? 1 : 2;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const usedWord = (it + DICTITER_USED_OFFSET) >>> 2;
  if (Atomics.load(i32, usedWord) !== i32[(op >>> 2) + USED]) {
    Atomics.store(i32, usedWord, -1); // keeps raising
    criticalSectionEnd(t.heap);
    return errRaise(t, StaticType.RuntimeError, 'dictionary changed size during iteration');
  }
  const posWord = (it + DICTITER_POS_OFFSET) >>> 2;
  const ix = nextEntryLocked(t, op, Atomics.load(i32, posWord));
  if (ix < 0) {
    Atomics.store(i32, posWord, 0x7fffffff);
    criticalSectionEnd(t.heap);
    return 0;
  }
  const lenWord = (it + DICTITER_LEN_OFFSET) >>> 2;
  if (Atomics.load(i32, lenWord) <= 0) {
    Atomics.store(i32, posWord, 0x7fffffff);
    criticalSectionEnd(t.heap);
    return errRaise(t, StaticType.RuntimeError, 'dictionary keys changed during iteration');
  }
  Atomics.store(i32, posWord, ix + 1);
  Atomics.sub(i32, lenWord, 1);
  const key = foundKey;
  const value = foundValue;
  let result: number;
  if (which === 2) {
    result = tupleFromArray(t, [key, value]);
  } else {
    result = which === 0 ? key : value;
    incref(t.rc, result);
  }
  criticalSectionEnd(t.heap);
  return result;
}

// --- behaviours ------------------------------------------------------------------------------------

/** The dict's traverse (`dict_traverse`). SAFETY: world stopped. @internal */
export function dictTraverse(t: RcThread, op: number, visit: (child: number) => number): number {
  const dk = t.u32[(op >>> 2) + KEYS]!;
  if (dk === 0) return 0;
  const values = t.u32[(op >>> 2) + VALUES]!;
  if (values !== 0) {
    // A split dict owns its values and its class's reference (dict-keys.ts, valuesNew); the shared table's keys are strs.
    const type = t.u32[(values + VALUES_TYPE_OFFSET) >>> 2]!;
    const own = visit(type);
    if (own !== 0) return own;
    const n = t.u32[(values + VALUES_CAPACITY_OFFSET) >>> 2]!;
    for (let ix = 0; ix < n; ix++) {
      const value = t.u32[((values + VALUES_ITEMS_OFFSET) >>> 2) + ix]!;
      if (value === 0) continue;
      const r = visit(value);
      if (r !== 0) return r;
    }
    return 0;
  }
  const n = t.i32[(dk + DK_NENTRIES_OFFSET) >>> 2]!;
  const entries = (dk + DK_INDICES_OFFSET + ((1 << t.u8[dk + DK_LOG2_SIZE_OFFSET]!) << t.u8[dk + DK_LOG2_INDEX_BYTES_OFFSET]!)) >>> 2;
  for (let ix = 0; ix < n; ix++) {
    const key = t.u32[entries + ix * 3 + 1]!;
    if (key === 0) continue;
    let r = visit(key);
    if (r !== 0) return r;
    r = visit(t.u32[entries + ix * 3 + 2]!);
    if (r !== 0) return r;
  }
  return 0;
}

/** The dict's clear behaviour (`dict_tp_clear`). @internal */
export function dictTpClear(t: ObThread, op: number): void {
  dictClear(t, op);
}

/** The dict's dealloc. @internal */
export function dictDealloc(t: ObThread, op: number): void {
  gcUntrack(t.rc, op);
  const dk = t.u32[(op >>> 2) + KEYS]!;
  const values = t.u32[(op >>> 2) + VALUES]!;
  t.u32[(op >>> 2) + KEYS] = 0;
  t.u32[(op >>> 2) + VALUES] = 0;
  if (dk !== 0) releaseTable(t, dk, values, isShared(t, op));
  gcDel(t.gc, op);
}

/** A dict iterator's dealloc. @internal */
export function dictIterDealloc(t: ObThread, it: number): void {
  gcUntrack(t.rc, it);
  const op = t.u32[(it + DICTITER_DICT_OFFSET) >>> 2]!;
  if (op !== 0) decref(t.rc, op);
  gcDel(t.gc, it);
}

/** `Py_RETURN_RICHCOMPARE` for dicts: only `==` and `!=`. @internal */
export function dictRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if (!typeHasFlag(t, typeOf(t, b), TPFLAGS_DICT_SUBCLASS) || (op !== PY_EQ && op !== PY_NE)) return t.notImplemented;
  const eq = dictEqual(t, a, b);
  if (eq < 0) return 0;
  return (eq === 1) === (op === PY_EQ) ? t.true : t.false;
}

/** `dict_ass_sub`. @internal */
export function dictAssSubscript(t: ObThread, op: number, key: number, value: number): number {
  return value === 0 ? dictDelItem(t, op, key) : dictSetItem(t, op, key, value);
}


// --- views -----------------------------------------------------------------------------------------

/** `d.keys()` (0), `d.values()` (1), `d.items()` (2): a new view of the dict, or 0 with MemoryError. @public */
export function dictView(t: ObThread, op: number, which: 0 | 1 | 2): number {
  const view = gcNew(t.gc, t.types[which === 0 ? StaticType.DictKeys : which === 1 ? StaticType.DictValues : StaticType.DictItems]!);
  if (view === 0) return errNoMemory(t);
  incref(t.rc, op);
  t.u32[(view + DICTVIEW_DICT_OFFSET) >>> 2] = op; // SAFETY: not published yet
  gcTrack(t.rc, view);
  return view;
}

/** What a view shows: its dict and which part (`0` keys, `1` values, `2` items); null when `op` is no view. @internal */
export function dictViewOf(t: ObThread, op: number): { dict: number; which: 0 | 1 | 2 } | null {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2];
  const which = type === t.types[StaticType.DictKeys] ? 0 : type === t.types[StaticType.DictValues] ? 1 : type === t.types[StaticType.DictItems] ? 2 : -1;
  if (which < 0) return null;
  return { dict: t.u32[(op + DICTVIEW_DICT_OFFSET) >>> 2]!, which: which as 0 | 1 | 2 };
}

/** `repr(view)`: `dict_keys(['a'])`, `dict_values([1])`, `dict_items([('a', 1)])`; null with the exception set. @internal */
export function dictViewReprJs(t: ObThread, view: number): string | null {
  const of = dictViewOf(t, view)!;
  const items = dictSnapshot(t, of.dict, of.which);
  if (items === null) return null;
  try {
    const parts: string[] = [];
    for (const x of items) {
      const r = objectReprJs(t, x);
      if (r === null) return null;
      parts.push(r);
    }
    return `${['dict_keys', 'dict_values', 'dict_items'][of.which]}([${parts.join(', ')}])`;
  } finally {
    for (const x of items) decref(t.rc, x);
  }
}
