/**
 * The two iterators `iter()` makes when an object has no `__iter__` of its
 * own (`Objects/iterobject.c`): the sequence iterator (`PySeqIter_Type`,
 * named `iterator`), which calls `__getitem__` with 0, 1, 2, … until
 * IndexError or StopIteration, and the callable iterator
 * (`PyCallIter_Type`, `callable_iterator`) of `iter(callable, sentinel)`,
 * which calls the callable until it returns the sentinel.
 *
 * This file only makes them and says which objects are sequences: it sits
 * below abstract.ts (it imports nothing that imports abstract.ts), so
 * that `PyObject_GetIter` can fall back on {@link seqIterNew}. Their
 * `__next__` and `__length_hint__` are builtin-iterators.ts's.
 *
 * Layouts (CPython's field order; an index is a double: every index a
 * JavaScript number holds exactly):
 *
 *  iterator             20 u32 it_seq (strong; 0 once exhausted), 24 f64 it_index
 *  callable_iterator    20 u32 it_callable (strong; 0 once exhausted), 24 u32 it_sentinel (strong; 0 once exhausted)
 *
 * Like CPython's, these iterators belong to the thread that uses them: two
 * threads calling `next()` on one of them at once may see an item twice or
 * skip one (CPython's free-threaded build makes no promise either). What
 * is kept safe is memory: the words are emptied with an atomic exchange,
 * so that two threads exhausting one iterator at once release its sequence
 * once.
 */

import { gcNew, gcTrack } from '@ft/gc';
import { incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { errNoMemory, errRaise } from './errors.js';
import { StaticType, TP_SLOTS_OFFSET, TPFLAGS_DICT_SUBCLASS } from './layout.js';
import { SLOT_INDEX, type ObThread } from './ob-thread.js';
import { typeHasFlag } from './subtype.js';

/** `it_seq`: the sequence (strong), 0 once exhausted. @internal */ export const ITER_SEQ_OFFSET = 20;
/** `it_index`: the next index, a double. @internal */ export const ITER_INDEX_OFFSET = 24;
/** Bytes of a sequence iterator. @internal */ export const ITER_OBJECT_SIZE = 32;
/** `it_callable`: the callable (strong), 0 once exhausted. @internal */ export const CALLITER_CALLABLE_OFFSET = 20;
/** `it_sentinel`: the sentinel (strong), 0 once exhausted. @internal */ export const CALLITER_SENTINEL_OFFSET = 24;
/** Bytes of a callable iterator. @internal */ export const CALLITER_OBJECT_SIZE = 28;

/**
 * `PySequence_Check(op)`: whether `op` answers `op[i]` for int indices
 * (a dict never does). A class that defines `__getitem__` fills the
 * `subscript` slot alone here (CPython fills `sq_item` too), so either
 * slot counts.
 * @public
 */
export function sequenceCheck(t: ObThread, op: number): boolean {
  const u32 = t.u32;
  const type = u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  if (typeHasFlag(t, type, TPFLAGS_DICT_SUBCLASS)) return false;
  const slots = (type + TP_SLOTS_OFFSET) >>> 2;
  return u32[slots + SLOT_INDEX.item] !== 0 || u32[slots + SLOT_INDEX.subscript] !== 0;
}

/**
 * `PySeqIter_New(seq)`: the iterator over `seq`'s items by index, from 0;
 * 0 with SystemError when `seq` is no sequence ({@link sequenceCheck}),
 * MemoryError.
 * @public
 */
export function seqIterNew(t: ObThread, seq: number): number {
  if (!sequenceCheck(t, seq)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  const it = gcNew(t.gc, t.types[StaticType.SeqIter]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, seq);
  // SAFETY: not published yet.
  t.u32[(it + ITER_SEQ_OFFSET) >>> 2] = seq;
  t.f64[(it + ITER_INDEX_OFFSET) >>> 3] = 0;
  gcTrack(t.rc, it);
  return it;
}

/**
 * `PyCallIter_New(callable, sentinel)`: the iterator of
 * `iter(callable, sentinel)` (no check that `callable` is callable:
 * `iter()` makes it); 0 with MemoryError.
 * @public
 */
export function callIterNew(t: ObThread, callable: number, sentinel: number): number {
  const it = gcNew(t.gc, t.types[StaticType.CallIter]!);
  if (it === 0) return errNoMemory(t);
  incref(t.rc, callable);
  incref(t.rc, sentinel);
  // SAFETY: not published yet.
  t.u32[(it + CALLITER_CALLABLE_OFFSET) >>> 2] = callable;
  t.u32[(it + CALLITER_SENTINEL_OFFSET) >>> 2] = sentinel;
  gcTrack(t.rc, it);
  return it;
}
