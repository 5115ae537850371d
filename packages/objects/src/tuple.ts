/**
 * `tuple` (`Objects/tupleobject.c`): an immutable array of references
 * inline in the object. Once published nothing in it changes except the
 * cached hash (3.14), so any thread reads its items plain. A tuple whose
 * items are all untracked atomics (ints, str, None, other such tuples) is
 * untracked by the collector (`_PyTuple_MaybeUntrack`); its hash is
 * CPython's xxHash-based `tuplehash` with the 32-bit primes.
 */

import { gcTrack, gcNew } from '@ft/gc';
import { decref, incref, increfN, GC_BITS_TRACKED, OB_GC_BITS_OFFSET, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { objectHash, objectRichCompare, objectRichCompareBool, objectReprJs, PY_EQ, PY_NE } from './abstract.js';
import { errNoMemory, errRaise, errRaiseInt } from './errors.js';
import { SEQITER_INDEX_OFFSET, SEQITER_SEQ_OFFSET, StaticType, TPFLAGS_TUPLE_SUBCLASS, TUPLE_HASH_OFFSET, TUPLE_ITEMS_OFFSET, TUPLE_SIZE_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { sliceAdjustIndices, sliceUnpackCheck, type SliceIndices } from './slice-indices.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';

export { TUPLE_MAX_SIZE, tupleCheckExact, tupleFromArray, tupleGetItem, tupleNew, tupleSetItemInit, tupleSize } from './tuple-core.js';
import { TUPLE_MAX_SIZE, tupleCheckExact, tupleFromArray, tupleGetItem, tupleNew, tupleSize } from './tuple-core.js';

// xxHash's 32-bit primes (`_PyHASH_XXPRIME_*` when Py_hash_t is 32 bits).
const XXPRIME_1 = 2654435761 | 0;
const XXPRIME_2 = 2246822519 | 0;
const XXPRIME_5 = 374761393;

/**
 * xxHash's mixing of the hashes of `n` objects read from the words at `base`
 * (tuple_hash's loop; `slice_hash` uses it without the length term): the
 * accumulator, or -1 with the first object's hash error.
 * @internal
 */
export function xxHashItems(t: ObThread, base: number, n: number, withLength: boolean): number {
  let acc = XXPRIME_5;
  for (let i = 0; i < n; i++) {
    const lane = objectHash(t, t.u32[base + i]!);
    if (lane === -1) return -1;
    acc = (acc + Math.imul(lane, XXPRIME_2)) | 0;
    acc = (acc << 13) | (acc >>> 19);
    acc = Math.imul(acc, XXPRIME_1);
  }
  if (withLength) acc = (acc + (n ^ (XXPRIME_5 ^ 3527539))) | 0;
  return acc === -1 ? 1546275796 : acc;
}

/** `tuple_hash`: xxHash over the items' hashes, cached; -1 with the items' error. @public */
export function tupleHash(t: ObThread, op: number): number {
  const cached = Atomics.load(t.i32, (op + TUPLE_HASH_OFFSET) >>> 2);
  if (cached !== -1) return cached;
  const acc = xxHashItems(t, (op + TUPLE_ITEMS_OFFSET) >>> 2, tupleSize(t, op), true);
  if (acc === -1) return -1;
  Atomics.store(t.i32, (op + TUPLE_HASH_OFFSET) >>> 2, acc); // CPython 3.14: relaxed; every thread computes the same value
  return acc;
}

/** This thread's scratch for adjusted slice bounds. */
const bounds: SliceIndices = { start: 0, stop: 0, step: 0 };

/**
 * `tuple[start:stop:step]` (`tuplesubscript` with a slice; bounds as
 * {@link sliceAdjustIndices} takes them): a new tuple — the tuple itself
 * for an exact tuple's whole slice, `()` when empty — or 0 with an
 * exception (ValueError for a step of 0, MemoryError).
 * @public
 */
export function tupleGetSlice(t: ObThread, op: number, start: number | null, stop: number | null, step: number | null): number {
  if (sliceUnpackCheck(t, start, stop, step) < 0) return 0;
  const n = tupleSize(t, op);
  const count = sliceAdjustIndices(n, start, stop, step, bounds);
  const first = bounds.start;
  const by = bounds.step;
  if (count === n && by === 1 && tupleCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  const items: number[] = [];
  for (let i = 0, k = first; i < count; i++, k += by) items.push(tupleGetItem(t, op, k));
  return tupleFromArray(t, items);
}

/** `tuplerichcompare`: the first differing items decide; then the lengths. @public */
export function tupleRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if (!typeHasFlag(t, typeOf(t, b), TPFLAGS_TUPLE_SUBCLASS)) return t.notImplemented; // immortal
  const na = tupleSize(t, a);
  const nb = tupleSize(t, b);
  let i = 0;
  for (; i < na && i < nb; i++) {
    const x = tupleGetItem(t, a, i);
    const y = tupleGetItem(t, b, i);
    const eq = objectRichCompareBool(t, x, y, PY_EQ);
    if (eq < 0) return 0;
    if (eq === 0) break;
  }
  if (i >= na || i >= nb) return compareLengths(t, na, nb, op);
  if (op === PY_EQ) return t.false;
  if (op === PY_NE) return t.true;
  return objectRichCompare(t, tupleGetItem(t, a, i), tupleGetItem(t, b, i), op);
}

/**
 * `tuple.index(value, start, stop)` (`tuple_index_impl`): the first index
 * in `[start, stop)` (negative bounds count from the end) whose item
 * equals `value`; -1 with ValueError "tuple.index(x): x not in tuple" or
 * what a comparison raised.
 * @public
 */
export function tupleIndex(t: ObThread, op: number, value: number, start = 0, stop = Number.MAX_SAFE_INTEGER): number {
  const n = tupleSize(t, op);
  if (start < 0) start = Math.max(0, start + n);
  if (stop < 0) stop += n;
  else if (stop > n) stop = n;
  for (let i = start; i < stop; i++) {
    const eq = objectRichCompareBool(t, tupleGetItem(t, op, i), value, PY_EQ);
    if (eq > 0) return i;
    if (eq < 0) return -1;
  }
  return errRaiseInt(t, StaticType.ValueError, 'tuple.index(x): x not in tuple');
}

/** `tuple.count(value)`: how many items equal `value`; -1 with what a comparison raised. @public */
export function tupleCount(t: ObThread, op: number, value: number): number {
  let count = 0;
  const n = tupleSize(t, op);
  for (let i = 0; i < n; i++) {
    const eq = objectRichCompareBool(t, tupleGetItem(t, op, i), value, PY_EQ);
    if (eq < 0) return -1;
    count += eq;
  }
  return count;
}

/**
 * `tuple_iter`: a new iterator over `op`, or 0 with MemoryError. Its
 * `next` reads the immutable items plain; the index advances by
 * compare-and-swap, so an iterator shared by threads hands each item to
 * one of them at most once.
 * @public
 */
export function tupleIter(t: ObThread, op: number): number {
  const it = gcNew(t.gc, t.types[StaticType.TupleIter]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, op);
  // SAFETY: not published yet.
  t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2] = op;
  t.i32[(it + SEQITER_INDEX_OFFSET) >>> 2] = 0;
  gcTrack(t.rc, it);
  return it;
}

/** `tupleiter_len` (`tuple_iterator.__length_hint__`): the items left, 0 once exhausted. @internal */
export function tupleIterLengthHint(t: ObThread, it: number): number {
  const index = Atomics.load(t.i32, (it + SEQITER_INDEX_OFFSET) >>> 2);
  if (index < 0) return 0;
  const left = tupleSize(t, t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!) - index;
  return left > 0 ? left : 0;
}

/** `tupleiter_next`: the next item (a new reference), or 0 when exhausted (no exception). Lock-free. @public */
export function tupleIterNext(t: ObThread, it: number): number {
  const seq = t.u32[(it + SEQITER_SEQ_OFFSET) >>> 2]!; // SAFETY: set before publication, cleared only by dealloc
  const indexWord = (it + SEQITER_INDEX_OFFSET) >>> 2;
  for (;;) {
    const index = Atomics.load(t.i32, indexWord);
    if (index < 0) return 0;
    if (index >= tupleSize(t, seq)) {
      Atomics.compareExchange(t.i32, indexWord, index, -1);
      return 0;
    }
    if (Atomics.compareExchange(t.i32, indexWord, index, index + 1) === index) {
      const item = tupleGetItem(t, seq, index);
      incref(t.rc, item);
      return item;
    }
  }
}

/**
 * `a + b` (`tupleconcat`, `sq_concat`): a new tuple of both item lists;
 * `b` itself when `a` is empty and `b` an exact tuple (and `a` when `b` is
 * empty and `a` exact), since tuples are immutable. 0 with TypeError "can
 * only concatenate tuple (not "list") to tuple", or MemoryError.
 * @public
 */
export function tupleConcat(t: ObThread, a: number, b: number): number {
  const na = tupleSize(t, a);
  if (na === 0 && tupleCheckExact(t, b)) {
    incref(t.rc, b);
    return b;
  }
  if (!typeHasFlag(t, typeOf(t, b), TPFLAGS_TUPLE_SUBCLASS)) {
    return errRaise(t, StaticType.TypeError, `can only concatenate tuple (not "${typeNameOf(t, b).slice(0, 200)}") to tuple`);
  }
  const nb = tupleSize(t, b);
  if (nb === 0 && tupleCheckExact(t, a)) {
    incref(t.rc, a);
    return a;
  }
  const op = tupleNew(t, na + nb);
  if (op === 0 || na + nb === 0) return op;
  const u32 = t.u32;
  const to = (op + TUPLE_ITEMS_OFFSET) >>> 2;
  const fromA = (a + TUPLE_ITEMS_OFFSET) >>> 2;
  const fromB = (b + TUPLE_ITEMS_OFFSET) >>> 2;
  // SAFETY: op is not published yet; a's and b's items never change.
  for (let i = 0; i < na; i++) {
    const item = u32[fromA + i]!;
    incref(t.rc, item);
    u32[to + i] = item;
  }
  for (let i = 0; i < nb; i++) {
    const item = u32[fromB + i]!;
    incref(t.rc, item);
    u32[to + na + i] = item;
  }
  return op;
}

/**
 * `a * n` (`tuplerepeat`, `sq_repeat`): a new tuple of `a`'s items `n`
 * times; `a` itself when it is an exact tuple and empty or `n` is 1, `()`
 * when `n <= 0`. 0 with MemoryError when the result cannot exist.
 * @public
 */
export function tupleRepeat(t: ObThread, a: number, n: number): number {
  const size = tupleSize(t, a);
  if ((size === 0 || n === 1) && tupleCheckExact(t, a)) {
    incref(t.rc, a);
    return a;
  }
  if (size === 0 || n <= 0) return t.emptyTuple;
  if (size * n > TUPLE_MAX_SIZE) return errNoMemory(t);
  const out = size * n;
  const op = tupleNew(t, out);
  if (op === 0) return 0;
  const u32 = t.u32;
  const from = (a + TUPLE_ITEMS_OFFSET) >>> 2;
  const to = (op + TUPLE_ITEMS_OFFSET) >>> 2;
  // SAFETY: op is not published yet; a's items never change.
  for (let i = 0; i < size; i++) {
    const item = u32[from + i]!;
    increfN(t.rc, item, n); // `_Py_RefcntAdd`: every copy's reference at once
    u32[to + i] = item;
  }
  // Doubling copies (`_Py_memory_repeat`).
  for (let done = size; done < out; done *= 2) u32.copyWithin(to + done, to, to + Math.min(done, out - done));
  return op;
}

/** `Py_RETURN_RICHCOMPARE` on two lengths (or any two numbers). @internal */
export function compareLengths(t: ObThread, na: number, nb: number, op: number): number {
  const r = op === 0 ? na < nb : op === 1 ? na <= nb : op === 2 ? na === nb : op === 3 ? na !== nb : op === 4 ? na > nb : na >= nb;
  return r ? t.true : t.false;
}


/** `tuplerepr` as JavaScript text; null with the exception set. @public */
export function tupleReprJs(t: ObThread, op: number): string | null {
  const n = tupleSize(t, op);
  if (n === 0) return '()';
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = objectReprJs(t, tupleGetItem(t, op, i));
    if (r === null) return null;
    parts.push(r);
  }
  return n === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** The tuple's traverse behaviour (`tupletraverse`). @internal */
export function tupleTraverse(t: RcThread, op: number, visit: (child: number) => number): number {
  const n = t.i32[(op + TUPLE_SIZE_OFFSET) >>> 2]!;
  const base = (op + TUPLE_ITEMS_OFFSET) >>> 2;
  for (let i = 0; i < n; i++) {
    const item = t.u32[base + i]!;
    if (item !== 0) {
      const r = visit(item);
      if (r !== 0) return r;
    }
  }
  return 0;
}

/**
 * Releases a dying tuple's items (`tupledealloc`'s middle), last first as
 * CPython does. The caller untracks it before and frees it after.
 * @internal
 */
export function tupleReleaseItems(t: RcThread, op: number): void {
  const n = t.i32[(op + TUPLE_SIZE_OFFSET) >>> 2]!;
  const base = (op + TUPLE_ITEMS_OFFSET) >>> 2;
  for (let i = n - 1; i >= 0; i--) {
    const item = t.u32[base + i]!;
    if (item !== 0) {
      t.u32[base + i] = 0; // SAFETY: the tuple is dead: ours alone
      decref(t, item);
    }
  }
}

/**
 * `_PyTuple_MaybeUntrack`: untracks a tuple none of whose items can be part
 * of a cycle (each untracked, or NULL while under construction). Returns
 * whether it did. SAFETY: world stopped (the collector's hook) or the
 * tuple not yet shared.
 * @internal
 */
export function tupleMaybeUntrack(t: RcThread, tupleType: number, op: number): boolean {
  const u8 = t.u8;
  const u32 = t.u32;
  if (u32[(op + OB_TYPE_OFFSET) >>> 2] !== tupleType) return false;
  const n = t.i32[(op + TUPLE_SIZE_OFFSET) >>> 2]!;
  const base = (op + TUPLE_ITEMS_OFFSET) >>> 2;
  for (let i = 0; i < n; i++) {
    const item = u32[base + i]!;
    if (item === 0) return false;
    if ((u8[item + OB_GC_BITS_OFFSET]! & GC_BITS_TRACKED) !== 0) return false;
  }
  u8[op + OB_GC_BITS_OFFSET] = u8[op + OB_GC_BITS_OFFSET]! & ~GC_BITS_TRACKED;
  return true;
}
