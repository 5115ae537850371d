/**
 * The object layer's per-thread free lists (CPython 3.14's `_Py_freelists`
 * for ints and floats, `Include/internal/pycore_freelist_state.h`): the
 * two lists of `@ft/refcount`'s thread, which `decref` fills inline, bound
 * to exact `int` (one-digit ints only: the list hands out blocks of one
 * digit) and exact `float`. int.ts and float.ts take objects back from
 * them and empty them when the thread leaves.
 */

import { freeListBind, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { LONG_NON_SIZE_BITS, LONG_TAG_OFFSET } from './layout.js';

/** One-digit ints a thread keeps for reuse (3.14's `Py_ints_MAXFREELIST`). @public */
export const INT_FREELIST_MAX = 100;

/** Floats a thread keeps for reuse (`Py_floats_MAXFREELIST`). @public */
export const FLOAT_FREELIST_MAX = 100;

/** The largest `lv_tag` of an int with at most one digit (any sign bits). */
const ONE_DIGIT_TAG_MAX = (2 << LONG_NON_SIZE_BITS) - 1;

/**
 * Binds the thread's free lists to the runtime's `int` and `float` types
 * (`freeList0` and `freeList1`); a type still 0 (the runtime being built)
 * leaves its list unbound.
 * @internal
 */
export function bindObjectFreeLists(rc: RcThread, intType: number, floatType: number): void {
  if (rc.freeList0.type !== intType) freeListBind(rc.freeList0, intType, LONG_TAG_OFFSET >>> 2, ONE_DIGIT_TAG_MAX, INT_FREELIST_MAX);
  // Every float fits the block: the bound is on ob_type, which any address satisfies.
  if (rc.freeList1.type !== floatType) freeListBind(rc.freeList1, floatType, OB_TYPE_OFFSET >>> 2, 0xffffffff, FLOAT_FREELIST_MAX);
}
