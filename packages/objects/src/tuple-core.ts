/**
 * A tuple's making and plain reads (`PyTuple_New`, `PyTuple_GET_ITEM`,
 * `PyTuple_GET_SIZE`): what every layer below the object protocols needs
 * of tuples; hashing, comparison and the methods are in `tuple.ts`, above
 * the protocols they use.
 */

import { gcTrack, gcNew } from '@ft/gc';
import { incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { errNoMemory } from './errors.js';
import { StaticType, TUPLE_HASH_OFFSET, TUPLE_ITEMS_OFFSET, TUPLE_SIZE_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';

/** The largest tuple the heap can hold. @public */
export const TUPLE_MAX_SIZE = 2 ** 28;

/**
 * `PyTuple_New(n)`: a new tuple of `n` empty slots, tracked, to be filled
 * with {@link tupleSetItemInit} before it is published; `()` for 0 (immortal).
 * 0 with MemoryError.
 * @public
 */
export function tupleNew(t: ObThread, n: number): number {
  if (n === 0 && t.emptyTuple !== 0) return t.emptyTuple;
  if (n > TUPLE_MAX_SIZE) return errNoMemory(t);
  const op = gcNew(t.gc, t.types[StaticType.Tuple]!, n);
  if (op === 0) return errNoMemory(t);
  // SAFETY: not published yet.
  t.i32[(op + TUPLE_SIZE_OFFSET) >>> 2] = n;
  t.i32[(op + TUPLE_HASH_OFFSET) >>> 2] = -1;
  gcTrack(t.rc, op);
  return op;
}

/** `PyTuple_SET_ITEM` on a tuple not yet published: steals the reference `item`. @public */
export function tupleSetItemInit(t: ObThread, op: number, i: number, item: number): void {
  t.u32[((op + TUPLE_ITEMS_OFFSET) >>> 2) + i] = item; // SAFETY: not published yet
}

/** A new tuple holding new references to `items`; 0 with MemoryError. @public */
export function tupleFromArray(t: ObThread, items: ArrayLike<number>): number {
  const op = tupleNew(t, items.length);
  if (op === 0) return 0;
  const base = (op + TUPLE_ITEMS_OFFSET) >>> 2;
  for (let i = 0; i < items.length; i++) {
    incref(t.rc, items[i]!);
    t.u32[base + i] = items[i]!; // SAFETY: not published yet
  }
  return op;
}

/** `PyTuple_GET_SIZE`. @public */
export function tupleSize(t: ObThread, op: number): number {
  return t.i32[(op + TUPLE_SIZE_OFFSET) >>> 2]!; // SAFETY: immutable once published
}

/** `PyTuple_GET_ITEM`: a borrowed reference (the tuple keeps it alive while the caller holds the tuple). @public */
export function tupleGetItem(t: ObThread, op: number, i: number): number {
  return t.u32[((op + TUPLE_ITEMS_OFFSET) >>> 2) + i]!; // SAFETY: immutable once published
}

/** Whether `op` is an exact tuple. @public */
export function tupleCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Tuple];
}
