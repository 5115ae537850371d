/**
 * `set` and `frozenset` (`Objects/setobject.c`): an open-addressing hash
 * table probed linearly in runs of `LINEAR_PROBES` entries, then by the
 * perturbed hash, with a dummy key marking deleted entries.
 *
 * Thread safety as CPython 3.13/3.14 (`reference/threadsafety-contract.md`):
 * every element read and every mutation holds the set's critical section
 * (binary operations hold both sets'); only `len()` and a frozenset's
 * cached hash are read without it. (3.15's lock-free `__contains__` is not
 * built.) A comparison that runs Python code may mutate the set under us:
 * the probe restarts when the table changed, as CPython's does.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import { decref, incref, OB_MUTEX_OFFSET, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { iterNext, objectGetIter, objectHash, objectReprJs, objectRichCompareBool, PY_EQ } from './abstract.js';
import { errClear, errExceptionMatches, errNoMemory, errRaise } from './errors.js';
import {
  OS_SINGLETONS_OFFSET,
  SEQITER_INDEX_OFFSET,
  SEQITER_SEQ_OFFSET,
  SET_ENTRY_SIZE,
  SET_FILL_OFFSET,
  SET_FINGER_OFFSET,
  SET_HASH_OFFSET,
  SET_LINEAR_PROBES,
  SET_MASK_OFFSET,
  SET_MIN_SIZE,
  SET_TABLE_OFFSET,
  SET_USED_OFFSET,
  SINGLETON_SET_DUMMY,
  StaticType,
} from './layout.js';
import { typeIsSubtype, typeNameOf, typeOf } from './subtype.js';
import { errSetKeyError, errSetKeyErrorText } from './key-error.js';
import type { ObThread } from './ob-thread.js';

const FILL = SET_FILL_OFFSET >>> 2;
const USED = SET_USED_OFFSET >>> 2;
const MASK = SET_MASK_OFFSET >>> 2;
const TABLE = SET_TABLE_OFFSET >>> 2;

/** `_PySet_Dummy`: the immortal key of deleted entries. */
function dummyOf(t: ObThread): number {
  return t.u32[((t.state + OS_SINGLETONS_OFFSET) >>> 2) + SINGLETON_SET_DUMMY]!;
}

/** Whether `op` is a set or frozenset (exact types). @public */
export function anySetCheckExact(t: ObThread, op: number): boolean {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2];
  return type === t.types[StaticType.Set] || type === t.types[StaticType.FrozenSet];
}

/** A zeroed table of `size` entries, or 0. */
function tableNew(t: ObThread, size: number): number {
  const table = pyMemMalloc(t.domains, size * SET_ENTRY_SIZE);
  if (table !== 0) t.heap.fill(table, 0, size * SET_ENTRY_SIZE);
  return table;
}

/** A new empty set (`frozen`: a frozenset), tracked; 0 with MemoryError. */
function setAlloc(t: ObThread, frozen: boolean): number {
  const table = tableNew(t, SET_MIN_SIZE);
  if (table === 0) return errNoMemory(t);
  const op = gcNew(t.gc, t.types[frozen ? StaticType.FrozenSet : StaticType.Set]!);
  if (op === 0) {
    pyMemFree(t.domains, table);
    return errNoMemory(t);
  }
  const base = op >>> 2;
  // SAFETY: not published yet.
  t.u32[base + MASK] = SET_MIN_SIZE - 1;
  t.u32[base + TABLE] = table;
  t.i32[(op + SET_HASH_OFFSET) >>> 2] = -1;
  gcTrack(t.rc, op);
  return op;
}

/**
 * `set_lookkey` with the lock held: the entry index of `key`, -1 when
 * missing, -2 with an exception (a comparison raised). Restarts when a
 * comparison changed the table.
 */
function lookKey(t: ObThread, op: number, key: number, hash: number): number {
  const u32 = t.u32;
  const base = op >>> 2;
  const dummy = dummyOf(t);
  for (;;) {
    const table = u32[base + TABLE]! >>> 2;
    const mask = u32[base + MASK]!;
    let perturb = hash >>> 0;
    let i = (hash >>> 0) & mask;
    let restart = false;
    search: for (;;) {
      const probes = i + SET_LINEAR_PROBES <= mask ? SET_LINEAR_PROBES : 0;
      for (let j = 0; j <= probes; j++) {
        const k = u32[table + 2 * (i + j)]!;
        if (k === 0) return -1;
        if (k === key) return i + j;
        if (k !== dummy && t.i32[table + 2 * (i + j) + 1] === hash) {
          incref(t.rc, k);
          const cmp = objectRichCompareBool(t, k, key, PY_EQ);
          decref(t.rc, k);
          if (cmp < 0) return -2;
          if (u32[base + TABLE]! >>> 2 !== table || u32[table + 2 * (i + j)] !== k) {
            restart = true; // the comparison mutated the set
            break search;
          }
          if (cmp > 0) return i + j;
        }
      }
      perturb >>>= 5;
      i = (i * 5 + 1 + perturb) & mask;
    }
    if (!restart) return -1;
  }
}

/** `set_table_resize` with the lock held: a table of at least `minUsed` × ~2 entries, dummies dropped. -1 with MemoryError. */
function resize(t: ObThread, op: number, minUsed: number): number {
  const u32 = t.u32;
  const base = op >>> 2;
  let size = SET_MIN_SIZE;
  while (size <= minUsed) size <<= 1;
  const fresh = tableNew(t, size);
  if (fresh === 0) {
    errNoMemory(t);
    return -1;
  }
  const old = u32[base + TABLE]!;
  const oldSize = u32[base + MASK]! + 1;
  const dummy = dummyOf(t);
  const mask = size - 1;
  for (let e = 0; e < oldSize; e++) {
    const key = u32[(old >>> 2) + 2 * e]!;
    if (key === 0 || key === dummy) continue;
    const hash = t.i32[(old >>> 2) + 2 * e + 1]!;
    insertClean(t, fresh, mask, key, hash);
  }
  u32[base + TABLE] = fresh;
  u32[base + MASK] = mask;
  t.i32[base + FILL] = t.i32[base + USED]!;
  pyMemFree(t.domains, old);
  return 0;
}

/** `set_insert_clean`: into a table with no dummies and the key known absent. */
function insertClean(t: ObThread, table: number, mask: number, key: number, hash: number): void {
  const u32 = t.u32;
  let perturb = hash >>> 0;
  let i = (hash >>> 0) & mask;
  for (;;) {
    const probes = i + SET_LINEAR_PROBES <= mask ? SET_LINEAR_PROBES : 0;
    for (let j = 0; j <= probes; j++) {
      const at = (table >>> 2) + 2 * (i + j);
      if (u32[at] === 0) {
        u32[at] = key;
        t.i32[at + 1] = hash;
        return;
      }
    }
    perturb >>>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
}

/** `set_add_entry` with the lock held: steals `key`. 0, or -1 with an exception (the key released). */
function addLocked(t: ObThread, op: number, key: number, hash: number): number {
  const found = lookKey(t, op, key, hash);
  if (found === -2) {
    decref(t.rc, key);
    return -1;
  }
  if (found >= 0) {
    decref(t.rc, key);
    return 0;
  }
  const base = op >>> 2;
  const u32 = t.u32;
  // The first dummy or empty slot on the key's probe sequence.
  const table = u32[base + TABLE]!;
  const mask = u32[base + MASK]!;
  const dummy = dummyOf(t);
  let perturb = hash >>> 0;
  let i = (hash >>> 0) & mask;
  let slot = -1;
  while (slot < 0) {
    const probes = i + SET_LINEAR_PROBES <= mask ? SET_LINEAR_PROBES : 0;
    for (let j = 0; j <= probes && slot < 0; j++) {
      const k = u32[(table >>> 2) + 2 * (i + j)]!;
      if (k === 0 || k === dummy) slot = i + j;
    }
    perturb >>>= 5;
    i = (i * 5 + 1 + perturb) & mask;
  }
  const at = (table >>> 2) + 2 * slot;
  if (u32[at] === 0) t.i32[base + FILL]!++;
  u32[at] = key;
  t.i32[at + 1] = hash;
  Atomics.store(t.i32, base + USED, t.i32[base + USED]! + 1);
  // Grow when 3/5 full (`set_add_entry`'s rule), to 4× used (2× for large sets).
  if (t.i32[base + FILL]! * 5 >= mask * 3) {
    const used = t.i32[base + USED]!;
    return resize(t, op, used > 50000 ? used * 2 : used * 4);
  }
  return 0;
}

/** `PySet_Add(set, key)`: 0, or -1 with an exception (TypeError for an unhashable key). @public */
export function setAdd(t: ObThread, op: number, key: number): number {
  const hash = objectHash(t, key);
  if (hash === -1) return -1;
  incref(t.rc, key);
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const r = addLocked(t, op, key, hash);
  criticalSectionEnd(t.heap);
  return r;
}

/** `PySet_Contains(set, key)` (`key in s`): 1, 0, or -1 with an exception. Under the set's lock (3.13). @public */
export function setContains(t: ObThread, op: number, key: number): number {
  const hash = objectHash(t, key);
  if (hash === -1) return -1;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const found = lookKey(t, op, key, hash);
  criticalSectionEnd(t.heap);
  return found === -2 ? -1 : found >= 0 ? 1 : 0;
}

/**
 * `set_contains_key`'s and `set_discard_key`'s retry: `op(set, key)`, and when
 * `key` is a set (unhashable: TypeError) the same with the frozenset of its
 * elements, as CPython's `__contains__`, `discard` and `remove` do
 * (`{1} in {frozenset({1})}` is True). @internal
 */
export function withFrozenKey(t: ObThread, so: number, key: number, op: (t: ObThread, so: number, key: number) => number): number {
  const r = op(t, so, key);
  if (r >= 0 || !typeIsSubtype(t, typeOf(t, key), t.types[StaticType.Set]!) || !errExceptionMatches(t, t.types[StaticType.TypeError]!)) return r;
  errClear(t);
  const frozen = setNew(t, key, true);
  if (frozen === 0) return -1;
  const found = op(t, so, frozen);
  decref(t.rc, frozen);
  return found;
}

/** `_PySet_Contains` (the `sq_contains` of set and frozenset): {@link setContains} with {@link withFrozenKey}'s retry. @internal */
export function setContainsKey(t: ObThread, op: number, key: number): number {
  return withFrozenKey(t, op, key, setContains);
}

/** `PySet_Discard(set, key)`: 1 removed, 0 absent, -1 with an exception. @public */
export function setDiscard(t: ObThread, op: number, key: number): number {
  const hash = objectHash(t, key);
  if (hash === -1) return -1;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const found = lookKey(t, op, key, hash);
  let old = 0;
  if (found >= 0) {
    const at = (t.u32[(op >>> 2) + TABLE]! >>> 2) + 2 * found;
    old = t.u32[at]!;
    t.u32[at] = dummyOf(t);
    t.i32[at + 1] = -1;
    Atomics.store(t.i32, (op >>> 2) + USED, t.i32[(op >>> 2) + USED]! - 1);
  }
  criticalSectionEnd(t.heap);
  if (found === -2) return -1;
  if (old === 0) return 0;
  decref(t.rc, old);
  return 1;
}

/** `set.remove(key)`: 0, or -1 with KeyError(key) or another exception. @public */
export function setRemove(t: ObThread, op: number, key: number): number {
  const r = setDiscard(t, op, key);
  if (r !== 0) return r > 0 ? 0 : -1;
  errSetKeyError(t, key);
  return -1;
}

/** `set.pop()`: a new reference to an element, removed; 0 with KeyError "pop from an empty set". @public */
export function setPop(t: ObThread, op: number): number {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const base = op >>> 2;
  if (t.i32[base + USED] === 0) {
    criticalSectionEnd(t.heap);
    return errSetKeyErrorText(t, 'pop from an empty set');
  }
  const table = t.u32[base + TABLE]! >>> 2;
  const mask = t.u32[base + MASK]!;
  const dummy = dummyOf(t);
  let i = t.u32[(op + SET_FINGER_OFFSET) >>> 2]! & mask;
  while (t.u32[table + 2 * i] === 0 || t.u32[table + 2 * i] === dummy) i = (i + 1) & mask;
  const key = t.u32[table + 2 * i]!;
  t.u32[table + 2 * i] = dummy;
  t.i32[table + 2 * i + 1] = -1;
  Atomics.store(t.i32, base + USED, t.i32[base + USED]! - 1);
  t.u32[(op + SET_FINGER_OFFSET) >>> 2] = (i + 1) & mask;
  criticalSectionEnd(t.heap);
  return key;
}

/** `len(s)`: lock-free (CPython: relaxed). @public */
export function setSize(t: ObThread, op: number): number {
  return Atomics.load(t.i32, (op >>> 2) + USED);
}

/** `set.clear()`: the set becomes empty at once, then the elements are released outside the lock. @public */
export function setClear(t: ObThread, op: number): void {
  const fresh = tableNew(t, SET_MIN_SIZE);
  if (fresh === 0) {
    // Without memory for a new table, empty it element by element.
    while (setSize(t, op) > 0) {
      const key = setPop(t, op);
      if (key === 0) break;
      decref(t.rc, key);
    }
    return;
  }
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const base = op >>> 2;
  const old = t.u32[base + TABLE]!;
  const size = t.u32[base + MASK]! + 1;
  t.u32[base + TABLE] = fresh;
  t.u32[base + MASK] = SET_MIN_SIZE - 1;
  t.i32[base + FILL] = 0;
  Atomics.store(t.i32, base + USED, 0);
  criticalSectionEnd(t.heap);
  releaseTable(t, old, size);
}

function releaseTable(t: ObThread, table: number, size: number): void {
  const dummy = dummyOf(t);
  for (let e = 0; e < size; e++) {
    const key = t.u32[(table >>> 2) + 2 * e]!;
    if (key !== 0 && key !== dummy) decref(t.rc, key);
  }
  pyMemFree(t.domains, table);
}

/** The elements as new references, one snapshot under the set's lock (`set_iter` + copy). @internal */
export function setSnapshot(t: ObThread, op: number): number[] {
  const out: number[] = [];
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const table = t.u32[(op >>> 2) + TABLE]! >>> 2;
  const size = t.u32[(op >>> 2) + MASK]! + 1;
  const dummy = dummyOf(t);
  for (let e = 0; e < size; e++) {
    const key = t.u32[table + 2 * e]!;
    if (key !== 0 && key !== dummy) {
      incref(t.rc, key);
      out.push(key);
    }
  }
  criticalSectionEnd(t.heap);
  return out;
}

/** `set(iterable)` / `frozenset(iterable)` (`iterable` 0: empty): a new reference, or 0 with an exception. @public */
export function setNew(t: ObThread, iterable = 0, frozen = false): number {
  const op = setAlloc(t, frozen);
  if (op === 0 || iterable === 0) return op;
  if (anySetCheckExact(t, iterable)) {
    // One snapshot of the other set's elements (its lock), then added under ours.
    const keys = setSnapshot(t, iterable);
    let r = 0;
    for (const key of keys) {
      if (r === 0) r = setAdd(t, op, key);
      decref(t.rc, key);
    }
    if (r < 0) {
      decref(t.rc, op);
      return 0;
    }
    return op;
  }
  const it = objectGetIter(t, iterable);
  if (it === 0) {
    decref(t.rc, op);
    return 0;
  }
  for (;;) {
    const key = iterNext(t, it);
    if (key === 0) break;
    const r = setAdd(t, op, key);
    decref(t.rc, key);
    if (r < 0) break;
  }
  decref(t.rc, it);
  if (t.error.type !== 0) {
    decref(t.rc, op);
    return 0;
  }
  return op;
}

/** `_shuffle_bits` of `frozenset_hash`, 32-bit. */
function shuffleBits(h: number): number {
  return Math.imul((h ^ 89869747) ^ (h << 16), 3644798167 | 0);
}

/**
 * `frozenset_hash`: order-independent, cached; computed without the lock
 * (a frozenset never changes) and stored with `Atomics` (CPython: relaxed).
 * @public
 */
export function frozensetHash(t: ObThread, op: number): number {
  const cached = Atomics.load(t.i32, (op + SET_HASH_OFFSET) >>> 2);
  if (cached !== -1) return cached;
  const table = t.u32[(op >>> 2) + TABLE]! >>> 2;
  const size = t.u32[(op >>> 2) + MASK]! + 1;
  const dummy = dummyOf(t);
  let hash = 0;
  for (let e = 0; e < size; e++) {
    const key = t.u32[table + 2 * e]!;
    if (key !== 0 && key !== dummy) hash ^= shuffleBits(t.i32[table + 2 * e + 1]!);
  }
  // (CPython xors every slot, then undoes the empty and dummy ones: the same value.)
  hash ^= Math.imul(t.i32[(op >>> 2) + USED]! + 1, 1927868237);
  hash ^= (hash >>> 11) ^ (hash >>> 25);
  hash = (Math.imul(hash, 69069) + 907133923) | 0;
  if (hash === -1) hash = 590923713;
  Atomics.store(t.i32, (op + SET_HASH_OFFSET) >>> 2, hash);
  return hash;
}

/** `set_repr` as JavaScript text: `{1, 2}`, `set()`, `frozenset({1})`; null with the exception set. @public */
export function setReprJs(t: ObThread, op: number): string | null {
  // `set_repr`: an exact set prints as a display; frozenset and every subclass by their type's name.
  const name = t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Set] ? null : typeNameOf(t, op);
  const keys = setSnapshot(t, op);
  try {
    if (keys.length === 0) return `${name ?? 'set'}()`;
    const parts: string[] = [];
    for (const key of keys) {
      const r = objectReprJs(t, key);
      if (r === null) return null;
      parts.push(r);
    }
    return name === null ? `{${parts.join(', ')}}` : `${name}({${parts.join(', ')}})`;
  } finally {
    for (const key of keys) decref(t.rc, key);
  }
}

/** `set_richcompare` for `==` / `!=`: the same elements. 1, 0, or -1. @public */
export function setEqual(t: ObThread, a: number, b: number): number {
  if (setSize(t, a) !== setSize(t, b)) return 0;
  const keys = setSnapshot(t, a);
  let r = 1;
  for (const key of keys) {
    if (r === 1) r = setContains(t, b, key);
    decref(t.rc, key);
  }
  return r;
}

// --- set algebra (`set_union`, `set_intersection`, … of setobject.c) ------------------------
//
// The other operand's elements are read as one snapshot under its lock (or by
// iteration, for anything but a set), then looked up in or added to this set
// under this set's lock, one element at a time: each step is atomic, as in
// CPython, though a whole operation is not (CPython holds both locks only while
// it merges one set into another).

/** `PyAnySet_Check(op)`: a set, a frozenset, or an instance of a subclass of either. @public */
export function anySetCheck(t: ObThread, op: number): boolean {
  if (anySetCheckExact(t, op)) return true;
  const type = typeOf(t, op);
  return typeIsSubtype(t, type, t.types[StaticType.Set]!) || typeIsSubtype(t, type, t.types[StaticType.FrozenSet]!);
}

/**
 * `make_new_set_basetype(Py_TYPE(so), iterable)`: a new set when `so` is
 * a set (or an instance of a subclass of set), else a new frozenset,
 * holding the elements of `iterable` (0: none); 0 with an exception.
 * @public
 */
export function setNewBaseType(t: ObThread, so: number, iterable = 0): number {
  return setNew(t, iterable, !typeIsSubtype(t, typeOf(t, so), t.types[StaticType.Set]!));
}

/** Calls `each` with every element of `iterable` (borrowed) until it returns non-zero; 0, or -1 with an exception. */
function forEach(t: ObThread, iterable: number, each: (key: number) => number): number {
  if (anySetCheck(t, iterable)) {
    const keys = setSnapshot(t, iterable);
    let r = 0;
    for (const key of keys) {
      if (r === 0) r = each(key);
      decref(t.rc, key);
    }
    return r < 0 ? -1 : 0;
  }
  const it = objectGetIter(t, iterable);
  if (it === 0) return -1;
  let r = 0;
  for (;;) {
    const key = iterNext(t, it);
    if (key === 0) {
      if (t.error.type !== 0) r = -1;
      break;
    }
    r = each(key);
    decref(t.rc, key);
    if (r !== 0) break;
  }
  decref(t.rc, it);
  return r < 0 ? -1 : 0;
}

/** `set_update_internal` (`s.update(iterable)`, `s |= other`): adds every element of `iterable`. 0, or -1. @public */
export function setUpdate(t: ObThread, op: number, iterable: number): number {
  return forEach(t, iterable, (key) => setAdd(t, op, key));
}

/**
 * `set_intersection(so, other)`: a new set (of `so`'s base type) of the
 * elements of `other` that are in `so` (for two sets, those of the
 * smaller found in the larger); 0 with an exception.
 * @public
 */
export function setIntersection(t: ObThread, so: number, other: number): number {
  if (so === other) return setNewBaseType(t, so, so);
  const result = setNewBaseType(t, so);
  if (result === 0) return 0;
  let a = so;
  let b = other;
  if (anySetCheck(t, other) && setSize(t, other) > setSize(t, so)) [a, b] = [other, so];
  const r = forEach(t, b, (key) => {
    const found = setContains(t, a, key);
    return found <= 0 ? found : setAdd(t, result, key);
  });
  if (r < 0) {
    decref(t.rc, result);
    return 0;
  }
  return result;
}

/**
 * `set_difference_update_internal(so, other)` (`s -= other`): removes
 * every element of `other`; all of them when `other` is `so`. 0, or -1.
 * @public
 */
export function setDifferenceUpdate(t: ObThread, so: number, other: number): number {
  if (so === other) {
    setClear(t, so);
    return 0;
  }
  return forEach(t, other, (key) => (setDiscard(t, so, key) < 0 ? -1 : 0));
}

/** `set_difference(so, other)`: a new set (of `so`'s base type) of `so`'s elements not in `other`; 0 with an exception. @public */
export function setDifference(t: ObThread, so: number, other: number): number {
  if (!anySetCheck(t, other)) {
    const result = setNewBaseType(t, so, so);
    if (result === 0) return 0;
    if (setDifferenceUpdate(t, result, other) < 0) {
      decref(t.rc, result);
      return 0;
    }
    return result;
  }
  const result = setNewBaseType(t, so);
  if (result === 0) return 0;
  const r = forEach(t, so, (key) => {
    const found = setContains(t, other, key);
    return found < 0 ? -1 : found === 1 ? 0 : setAdd(t, result, key);
  });
  if (r < 0) {
    decref(t.rc, result);
    return 0;
  }
  return result;
}

/**
 * `set_symmetric_difference_update(so, other)` (`s ^= other`): each
 * element of `other` removed from `so` when there, added when not; `so`
 * emptied when `other` is `so`. 0, or -1.
 * @public
 */
export function setSymmetricDifferenceUpdate(t: ObThread, so: number, other: number): number {
  if (so === other) {
    setClear(t, so);
    return 0;
  }
  // A set as it is; anything else as a set of its elements first (duplicates count once).
  const otherSet = anySetCheck(t, other) ? other : setNewBaseType(t, so, other);
  if (otherSet === 0) return -1;
  const r = forEach(t, otherSet, (key) => {
    const removed = setDiscard(t, so, key);
    return removed < 0 ? -1 : removed === 1 ? 0 : setAdd(t, so, key);
  });
  if (otherSet !== other) decref(t.rc, otherSet);
  return r;
}

/** `set_symmetric_difference(so, other)`: a new set (of `so`'s base type) of the elements in exactly one of them; 0 with an exception. @public */
export function setSymmetricDifference(t: ObThread, so: number, other: number): number {
  const result = setNewBaseType(t, so, other);
  if (result === 0) return 0;
  if (setSymmetricDifferenceUpdate(t, result, so) < 0) {
    decref(t.rc, result);
    return 0;
  }
  return result;
}

/** `set_issubset(so, other)`: 1 when every element of `so` is in `other` (any iterable), 0 when not, -1 with an exception. @public */
export function setIsSubset(t: ObThread, so: number, other: number): number {
  if (!anySetCheck(t, other)) {
    const tmp = setNew(t, other);
    if (tmp === 0) return -1;
    const r = setIsSubset(t, so, tmp);
    decref(t.rc, tmp);
    return r;
  }
  if (setSize(t, so) > setSize(t, other)) return 0;
  let result = 1;
  const r = forEach(t, so, (key) => {
    const found = setContains(t, other, key);
    if (found === 0) result = 0;
    return found < 0 ? -1 : found === 0 ? 1 : 0;
  });
  return r < 0 ? -1 : result;
}

/** `set_issuperset(so, other)`: 1 when every element of `other` (any iterable) is in `so`, 0 when not, -1 with an exception. @public */
export function setIsSuperset(t: ObThread, so: number, other: number): number {
  if (anySetCheck(t, other)) return setIsSubset(t, other, so);
  let result = 1;
  const r = forEach(t, other, (key) => {
    const found = setContains(t, so, key);
    if (found === 0) result = 0;
    return found < 0 ? -1 : found === 0 ? 1 : 0;
  });
  return r < 0 ? -1 : result;
}

/** `set_isdisjoint(so, other)`: 1 when no element of `other` (any iterable) is in `so`, 0 when one is, -1 with an exception. @public */
export function setIsDisjoint(t: ObThread, so: number, other: number): number {
  if (so === other) return setSize(t, so) === 0 ? 1 : 0;
  let a = so;
  let b = other;
  if (anySetCheck(t, other) && setSize(t, other) > setSize(t, so)) [a, b] = [other, so];
  let result = 1;
  const r = forEach(t, b, (key) => {
    const found = setContains(t, a, key);
    if (found === 1) result = 0;
    return found;
  });
  return r < 0 ? -1 : result;
}

// --- iteration ----------------------------------------------------------------------------

/** `set_iter`: a new iterator, or 0 with MemoryError. @public */
export function setIter(t: ObThread, op: number): number {
  const it = gcNew(t.gc, t.types[StaticType.SetIter]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, op);
  // SAFETY: not published yet. The index word holds the entry position; the size is checked per step.
  t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2] = op;
  t.i32[(it + SEQITER_INDEX_OFFSET) >>> 2] = 0;
  t.i32[(it + SEQITER_INDEX_OFFSET + 4) >>> 2] = setSize(t, op);
  gcTrack(t.rc, it);
  return it;
}

/**
 * `setiter_iternext`: the next element (a new reference); 0 when exhausted
 * or with RuntimeError "Set changed size during iteration". Each step
 * holds the set's lock.
 * @public
 */
export function setIterNext(t: ObThread, it: number): number {
  const op = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!;
  if (op === 0) return 0;
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const base = op >>> 2;
  const sizeWord = (it + SEQITER_INDEX_OFFSET + 4) >>> 2;
  if (t.i32[sizeWord] !== t.i32[base + USED]) {
    t.i32[sizeWord] = -1; // keeps raising
    criticalSectionEnd(t.heap);
    return errRaise(t, StaticType.RuntimeError, 'Set changed size during iteration');
  }
  const table = t.u32[base + TABLE]! >>> 2;
  const size = t.u32[base + MASK]! + 1;
  const dummy = dummyOf(t);
  const posWord = (it + SEQITER_INDEX_OFFSET) >>> 2;
  let i = t.i32[posWord]!;
  while (i < size && (t.u32[table + 2 * i] === 0 || t.u32[table + 2 * i] === dummy)) i++;
  let key = 0;
  if (i < size) {
    key = t.u32[table + 2 * i]!;
    incref(t.rc, key);
    t.i32[posWord] = i + 1;
  } else {
    t.i32[posWord] = size;
  }
  criticalSectionEnd(t.heap);
  return key;
}

// --- behaviours ------------------------------------------------------------------------------

/** The set's traverse. SAFETY: world stopped. @internal */
export function setTraverse(t: RcThread, op: number, visit: (child: number) => number): number {
  const table = t.u32[(op >>> 2) + TABLE]! >>> 2;
  if (table === 0) return 0;
  const size = t.u32[(op >>> 2) + MASK]! + 1;
  for (let e = 0; e < size; e++) {
    const key = t.u32[table + 2 * e]!;
    // The dummy is an immortal static: the collector skips it.
    if (key !== 0) {
      const r = visit(key);
      if (r !== 0) return r;
    }
  }
  return 0;
}

/** The set's dealloc. @internal */
export function setDealloc(t: ObThread, op: number): void {
  gcUntrack(t.rc, op);
  const table = t.u32[(op >>> 2) + TABLE]!;
  const size = t.u32[(op >>> 2) + MASK]! + 1;
  t.u32[(op >>> 2) + TABLE] = 0;
  if (table !== 0) releaseTable(t, table, size);
  gcDel(t.gc, op);
}
