/**
 * Striped locks: a fixed table of PyMutexes shared by an unbounded set of
 * keys, key → stripe `key % count`. CPython guards each referent's weakref
 * list this way (`Objects/weakrefobject.c`: `interp->weakref_locks[(uintptr_t)obj
 * % NUM_WEAKREF_LIST_LOCKS]`, 127 stripes), so objects need no lock of their
 * own for a rarely used feature; two keys on one stripe merely contend.
 *
 * The table is one region: a header with a type tag and the stripe count,
 * then one PyMutex byte per 64-byte line so that stripes held by different
 * threads never share a cache line. The header is written once, before the
 * table's address is handed to anyone, and is immutable afterwards.
 */

import { fatalError, formatAddress } from './fatal.js';
import {
  STRIPED_LOCKS_COUNT_OFFSET,
  STRIPED_LOCKS_DEFAULT_COUNT,
  STRIPED_LOCKS_HEADER_SIZE,
  STRIPED_LOCKS_STRIDE,
  STRIPED_LOCKS_TAG,
  STRIPED_LOCKS_TAG_OFFSET,
  STRIPED_LOCKS_VERSION_OFFSET,
  HEAP_LAYOUT_VERSION,
} from './layout.js';
import { LOCK_DONT_DETACH, mutexLockFlags, mutexUnlock } from './py-mutex.js';
import { regionAlloc } from './region-allocator.js';
import type { HeapContext } from './heap-context.js';

/**
 * Allocates a table of `count` striped locks (default 127, CPython's
 * `NUM_WEAKREF_LIST_LOCKS`), all unlocked.
 * @returns the table's address, or 0 when `count` is not a positive integer
 * or the heap has no room for it.
 * @example
 * ```ts
 * const locks = stripedLocksCreate(heap);
 * stripedLockLock(heap, locks, obj);
 * try { editWeakrefList(obj); } finally { stripedLockUnlock(heap, locks, obj); }
 * ```
 * @public
 */
export function stripedLocksCreate(heap: HeapContext, count: number = STRIPED_LOCKS_DEFAULT_COUNT): number {
  if (!Number.isInteger(count) || count < 1 || count > 0xffffffff) return 0;
  const size = STRIPED_LOCKS_HEADER_SIZE + count * STRIPED_LOCKS_STRIDE;
  const table = regionAlloc(heap, size, STRIPED_LOCKS_STRIDE);
  if (table === 0) return 0;
  // SAFETY: the region is fresh (zeroed: every stripe unlocked) and nobody
  // else knows its address until we return it; whatever hands the address to
  // other threads (postMessage, an Atomics store) orders these writes first.
  heap.u32[(table + STRIPED_LOCKS_COUNT_OFFSET) >>> 2] = count;
  heap.u32[(table + STRIPED_LOCKS_VERSION_OFFSET) >>> 2] = HEAP_LAYOUT_VERSION;
  heap.u32[(table + STRIPED_LOCKS_TAG_OFFSET) >>> 2] = STRIPED_LOCKS_TAG;
  return table;
}

/**
 * Number of stripes of the table at `table`. Fatal if `table` is not a
 * striped-lock table.
 * @public
 */
export function stripedLocksCount(heap: HeapContext, table: number): number {
  checkTable(heap, table);
  // SAFETY: the count is immutable after creation (see stripedLocksCreate).
  return heap.u32[(table + STRIPED_LOCKS_COUNT_OFFSET) >>> 2];
}

/**
 * Address of the PyMutex guarding `key` (taken as a u32, typically an object
 * address): stripe `key % count`, like CPython's `&locks[(uintptr_t)obj % 127]`.
 * Fatal if `table` is not a striped-lock table.
 * @public
 */
export function stripedLockFor(heap: HeapContext, table: number, key: number): number {
  checkTable(heap, table);
  // SAFETY: the count is immutable after creation (see stripedLocksCreate).
  const count = heap.u32[(table + STRIPED_LOCKS_COUNT_OFFSET) >>> 2];
  return table + STRIPED_LOCKS_HEADER_SIZE + ((key >>> 0) % count) * STRIPED_LOCKS_STRIDE;
}

function checkTable(heap: HeapContext, table: number): void {
  // SAFETY: the tag is immutable after creation. A table address that is out
  // of range or misaligned reads as undefined or another word and fails here.
  if (
    (table & 3) !== 0 ||
    heap.u32[(table + STRIPED_LOCKS_TAG_OFFSET) >>> 2] !== STRIPED_LOCKS_TAG ||
    heap.u32[(table + STRIPED_LOCKS_VERSION_OFFSET) >>> 2] !== HEAP_LAYOUT_VERSION
  ) {
    notATable(heap, table);
  }
}

function notATable(heap: HeapContext, table: number): never {
  // SAFETY: diagnostics only, on the way to a fatal error; a real table's header is immutable.
  const tag = (table & 3) === 0 ? heap.u32[(table + STRIPED_LOCKS_TAG_OFFSET) >>> 2] : undefined;
  const version = tag === undefined ? undefined : heap.u32[(table + STRIPED_LOCKS_VERSION_OFFSET) >>> 2];
  const found = tag === undefined ? 'no tag' : `tag 0x${tag.toString(16).padStart(8, '0')}, layout version ${version}`;
  fatalError(
    `${formatAddress(table)} is not a striped-lock table (${found}, expected tag 0x${STRIPED_LOCKS_TAG.toString(16)}, version ${HEAP_LAYOUT_VERSION})`,
  );
}

/**
 * Locks the stripe guarding `key`. Like CPython's `LOCK_WEAKREFS` it does not
 * detach by default (`LOCK_DONT_DETACH`), so code holding a stripe must not
 * block, park or run arbitrary code; pass `LOCK_DETACH` for a stripe that may
 * be held across blocking calls.
 * @public
 */
export function stripedLockLock(heap: HeapContext, table: number, key: number, flags: number = LOCK_DONT_DETACH): void {
  mutexLockFlags(heap, stripedLockFor(heap, table, key), flags);
}

/**
 * Unlocks the stripe guarding `key` (`UNLOCK_WEAKREFS`). Fatal if the stripe
 * is not locked.
 * @public
 */
export function stripedLockUnlock(heap: HeapContext, table: number, key: number): void {
  mutexUnlock(heap, stripedLockFor(heap, table, key));
}
