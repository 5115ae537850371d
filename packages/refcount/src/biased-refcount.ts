/**
 * Biased reference counting (Choi, Shull, Torrellas, PACT 2018; CPython
 * `Include/refcount.h`, `Objects/object.c`): the thread that created an
 * object owns it (`ob_tid`) and counts with plain reads and writes of
 * `ob_ref_local`; every other thread counts atomically in `ob_ref_shared`.
 * The two counts are merged when the owner's reaches zero, or when another
 * thread would take the shared count below zero — then the object is queued
 * for its owner (merge-queue.ts), because only the owner may read its local
 * count. Immortal objects (`ob_ref_local` = 0xFFFFFFFF) are tested first and
 * never change.
 *
 * An object that is already merged (`ob_tid` 0, flags MERGED) can only be
 * counted atomically from then on. MERGED is terminal while anyone holds a
 * reference (resurrection needs the count at zero), so a non-owner decref of a
 * merged object is one `Atomics.sub` instead of CPython's load + CAS loop —
 * which is also what makes the naive baseline mode (every object created
 * merged) one atomic operation per incref and per decref.
 *
 * Every counted operation also moves the thread's reference total
 * (`t.refTotal`, CPython's `Py_REF_DEBUG` accounting, when the interpreter
 * was created with `refDebug`), merged into the
 * interpreter's total when the thread exits.
 *
 * The fast paths read two header words plainly; CPython reads them with
 * relaxed loads (`_Py_IsOwnedByCurrentThread`, the `ob_ref_local` load of
 * `Py_INCREF`). Why that is safe here, once for every site that says
 * "file comment":
 *
 * - The owner test `ob_tid === t.tid`. A thread finds its own tid in `ob_tid`
 *   only where it stored it itself (`initObject`, `resurrectStart`) or where
 *   the previous holder of its tid did (below). Every other store writes 0
 *   (merges, immortalization, a zeroed new block) or an address (mimalloc's
 *   free-list link in a freed block), and addresses lie in the region area,
 *   at 64 KiB or above, beyond every tid (at most 0xfffe); the collector
 *   borrows the word only while the world is stopped and restores it before
 *   anyone counts again. So a stale or racing value seen by a non-owner is 0,
 *   an address or another thread's tid, and sends it to the atomic path,
 *   never into the plain one. The owner reads its own last store: the only
 *   stores of 0 to an object it owns that it does not make itself happen
 *   while it cannot be counting (the world stopped, after it has exited, or
 *   under `immortalize`'s contract). A reused tid counts again only after its
 *   last holder unlinked its merge record (`rcThreadInit` refuses it
 *   otherwise), and the new holder links its own under the same bucket lock
 *   before it counts, so it sees every earlier store and simply becomes the
 *   owner of the objects still carrying that tid, as a reused
 *   `_Py_ThreadId()` does in CPython.
 * - The immortal test `ob_ref_local === 0xFFFFFFFF` by a non-owner. The owner
 *   changes the word with plain stores, so the read is racy, but exact for
 *   this test: an aligned u32 never tears, a count that reaches 0xFFFFFFFF is
 *   immortal from then on (saturation), and an immortal word never changes
 *   again. A stale mortal value only sends the thread to the atomic path on
 *   `ob_ref_shared`, which is right for a mortal object; the value read is
 *   written back only after the owner test has passed.
 */

import { fatalError, formatAddress } from '@ft/atomics';
import {
  IMMORTAL_REFCNT,
  IMMORTAL_REFCNT_LOCAL,
  OB_REF_LOCAL_INDEX,
  OB_REF_SHARED_INDEX,
  OB_TID_INDEX,
  OB_TYPE_INDEX,
  REF_MAYBE_WEAKREF,
  REF_MERGED,
  REF_QUEUED,
  REF_SHARED_COUNT_MAX,
  REF_SHARED_FLAG_MASK,
  REF_SHARED_SHIFT,
  REF_SHARED_UNIT,
} from './layout.js';
import { deallocate } from './dealloc.js';
import { freeListPush } from './free-list.js';
import { QUEUE_ALREADY_MERGED, QUEUE_MERGED_DEAD, queueObject } from './merge-queue.js';
import type { RcThread } from './rc-thread.js';

// Module-local copies of layout constants (root README, "Notes for contributors").
const IMMORTAL = IMMORTAL_REFCNT_LOCAL;
const LOCAL = OB_REF_LOCAL_INDEX;
const SHARED = OB_REF_SHARED_INDEX;
const TID = OB_TID_INDEX;
const TYPE_WORD = OB_TYPE_INDEX;
const UNIT = REF_SHARED_UNIT;
const SHIFT = REF_SHARED_SHIFT;
const FLAGS = REF_SHARED_FLAG_MASK;
const MERGED = REF_MERGED;
/** The shared word of a merged object holding exactly one reference. */
const MERGED_ONE = REF_SHARED_UNIT | REF_MERGED;
/** A previous shared word above this means an `Atomics.add` of one unit wrapped. */
const SHARED_ADD_LIMIT = 0x7fffffff - REF_SHARED_UNIT;

/**
 * Adds a reference (`Py_INCREF`): immortal → nothing; owner → plain
 * increment of `ob_ref_local`; anyone else → atomic add to `ob_ref_shared`.
 * @example
 * ```ts
 * incref(t, op);   // the slot now holds a reference
 * decref(t, op);   // and gives it back
 * ```
 * @public
 */
export function incref(t: RcThread, op: number): void {
  const u32 = t.u32;
  const i = op >>> 2;
  // SAFETY: exact for the owner; for anyone else racy but exact for the immortal test (file comment).
  const local = u32[i + LOCAL];
  if (local === IMMORTAL) return;
  if (t.refDebug === true) t.refTotal++;
  // SAFETY: the owner test is a plain read (file comment); ob_ref_local is
  // written only by the owner, which this thread then is. A local count that
  // reaches 0xFFFFFFFF makes the object immortal (saturation).
  if (u32[i + TID] === t.tid) u32[i + LOCAL] = local + 1;
  else increfShared(t, i);
}

function increfShared(t: RcThread, i: number): void {
  const previous = Atomics.add(t.i32, i + SHARED, UNIT);
  if (previous > SHARED_ADD_LIMIT) saturate(t, i);
}

/**
 * Drops a reference (`Py_DECREF`); the object is deallocated (its type's
 * dealloc behaviour runs on this thread) when that was the last one.
 * @public
 */
export function decref(t: RcThread, op: number): void {
  const u32 = t.u32;
  const i = op >>> 2;
  const local = u32[i + LOCAL]; // SAFETY: as in incref (file comment)
  if (local === IMMORTAL) return;
  if (t.refDebug === true) t.refTotal--;
  if (u32[i + TID] === t.tid) {
    // SAFETY: the owner test (file comment), then an owner-only field, as in incref.
    if (local > 1) u32[i + LOCAL] = local - 1;
    else decrefLocalZero(t, op, local);
  } else {
    decrefShared(t, op);
  }
}

/**
 * The owner's local count reaches zero (`_Py_MergeZeroLocalRefcount`): with
 * nothing shared and no flags the object dies at once — onto the thread's
 * free list of its type when it has one (CPython 3.14's `_Py_FREELIST_PUSH`
 * in the type's dealloc, decided here so that the commonest deaths, short-lived
 * ints and floats, skip the dealloc dispatch), through its type's dealloc
 * otherwise; with something shared the counts are merged (below).
 */
function decrefLocalZero(t: RcThread, op: number, local: number): void {
  if (local === 0) negativeRefcount(op, 'the owner released a reference it did not hold (ob_ref_local is 0)');
  const u32 = t.u32;
  const i = op >>> 2;
  u32[i + LOCAL] = 0; // SAFETY: owner-only field (decref's owner branch)
  // CPython: acquire — whoever changed the shared word before gave up its reference.
  const shared = Atomics.load(t.i32, i + SHARED);
  if (shared !== 0) {
    mergeZeroLocalShared(t, op, shared);
    return;
  }
  // SAFETY: op is dead (no count left, nothing shared): its header is ours to read.
  const type = u32[i + TYPE_WORD];
  if (freeListPush(t.freeList0, u32, op, type) || freeListPush(t.freeList1, u32, op, type)) return;
  deallocate(t, op);
}

/**
 * The rest of `_Py_MergeZeroLocalRefcount`, for a shared word that was not
 * zero (`loaded`, as just read): `ob_tid` is cleared *before* the shared word is marked MERGED
 * (gh-119999: whoever sees MERGED must also see no owner), and the object
 * dies if no shared reference is left. The zero case keeps `ob_tid`
 * (gh-121794).
 */
function mergeZeroLocalShared(t: RcThread, op: number, loaded: number): void {
  const i32 = t.i32;
  const i = op >>> 2;
  let shared = loaded;
  // SAFETY: owner thread; the CAS below publishes the store.
  t.u32[i + TID] = 0;
  for (;;) {
    const merged = (shared & ~FLAGS) | MERGED;
    const seen = Atomics.compareExchange(i32, i + SHARED, shared, merged);
    if (seen === shared) {
      if (merged === MERGED) deallocate(t, op);
      return;
    }
    shared = seen;
  }
}

/**
 * A non-owner decref (`_Py_DecRefShared`): deallocates when that was the last
 * reference.
 */
function decrefShared(t: RcThread, op: number): void {
  if (decrefSharedIsDead(t, op)) deallocate(t, op);
}

/**
 * The non-owner decrement (`_Py_DecRefSharedIsDead`). If the shared count
 * would go below zero while it is 0 (flags INIT or MAYBE_WEAKREF), the object
 * is marked QUEUED instead and handed to its owner's merge queue, which now
 * holds this reference. Returns whether the object is dead (merged, count
 * zero): the caller deallocates it.
 * @beta
 */
export function decrefSharedIsDead(t: RcThread, op: number): boolean {
  const i32 = t.i32;
  const s = (op >>> 2) + SHARED;
  // SAFETY: a plain read as a hint: the CAS below re-validates it, and MERGED
  // cannot change while we hold a reference.
  let shared = i32[s];
  if ((shared & FLAGS) === MERGED) {
    const previous = Atomics.sub(i32, s, UNIT);
    if (previous < MERGED_ONE) negativeRefcount(op, `a merged object's count went below zero (shared word was ${previous})`);
    return previous === MERGED_ONE;
  }
  for (;;) {
    const queue = shared === 0 || shared === REF_MAYBE_WEAKREF;
    const next = queue ? REF_QUEUED : shared - UNIT;
    const seen = Atomics.compareExchange(i32, s, shared, next);
    if (seen === shared) return queue ? queueToOwner(t, op) : next === MERGED;
    shared = seen;
  }
}

/**
 * Hands the caller's reference to the owner's merge queue; returns whether
 * the object is dead (its owner had exited and the merge done here reached
 * zero, or it had been merged meanwhile and this was its last reference).
 * Exported for the tests that replay its races, not from the package.
 */
export function queueToOwner(t: RcThread, op: number): boolean {
  const outcome = queueObject(t, op);
  if (outcome === QUEUE_ALREADY_MERGED) {
    // Merged (or made immortal) between our QUEUED CAS and the owner lookup:
    // the reference is still ours to drop. The merge may still be in flight
    // (ob_tid is cleared before the MERGED CAS), so go through the general
    // non-owner decrement, which re-reads the shared word; it cannot queue
    // again, since a word with no owner is never 0 unless immortal.
    // SAFETY: the non-owner's immortal test, exact for immortality (file comment).
    if (t.u32[(op >>> 2) + LOCAL] === IMMORTAL) return false;
    return decrefSharedIsDead(t, op);
  }
  return outcome === QUEUE_MERGED_DEAD;
}

/**
 * Adds `n` references at once (`_Py_RefcntAdd`); an owner's count that would
 * pass 0xFFFFFFFF makes the object immortal.
 * @public
 */
export function increfN(t: RcThread, op: number, n: number): void {
  const u32 = t.u32;
  const i = op >>> 2;
  const local = u32[i + LOCAL]; // SAFETY: as in incref (file comment)
  if (local === IMMORTAL || n === 0) return;
  if (t.refDebug === true) t.refTotal += n;
  // SAFETY: the owner test (file comment), then an owner-only field.
  if (u32[i + TID] === t.tid) {
    if (local + n >= IMMORTAL) saturate(t, i);
    else u32[i + LOCAL] = local + n;
    return;
  }
  const previous = Atomics.add(t.i32, i + SHARED, n * UNIT);
  if ((previous >> SHIFT) + n > REF_SHARED_COUNT_MAX) saturate(t, i);
}

/**
 * The reference count as `Py_REFCNT` / `sys.getrefcount` report it: local +
 * shared, or {@link IMMORTAL_REFCNT} for an immortal object. A snapshot: other
 * threads may be changing it.
 * @public
 */
export function getRefcount(t: RcThread, op: number): number {
  const i = op >>> 2;
  // SAFETY: racy for a non-owner, but only a statistic, as CPython's relaxed
  // loads (and exact for the owner and for immortality).
  const local = t.u32[i + LOCAL];
  if (local === IMMORTAL) return IMMORTAL_REFCNT;
  return local + (Atomics.load(t.i32, i + SHARED) >> SHIFT);
}

/** Counts that would wrap make the object immortal instead (DESIGN.md §5). */
function saturate(t: RcThread, i: number): void {
  Atomics.store(t.u32, i + LOCAL, IMMORTAL);
}

function negativeRefcount(op: number, what: string): never {
  fatalError(`negative reference count on object ${formatAddress(op)}: ${what}`);
}
