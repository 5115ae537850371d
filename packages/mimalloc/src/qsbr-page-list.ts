/**
 * QSBR-delayed page reuse (CPython's `_PyMem_mi_page_maybe_free`,
 * `_PyMem_mi_page_clear_qsbr`, `_PyMem_mi_page_reclaimed`,
 * `_PyMem_mi_page_is_safe_to_free` and `_PyMem_mi_heap_collect_qsbr` in
 * `Objects/obmalloc.c`).
 *
 * An emptied page of an object heap may still be read by lock-free readers
 * (a `tryIncref` on an object freed a moment ago reads its refcount words),
 * so it is not handed back to its segment — and so not reused for another
 * size class or heap — until every thread has passed a quiescent state. The
 * page gets a QSBR goal and waits on its owner's list, oldest first; it can
 * still serve its own size class meanwhile, which takes it off the list.
 *
 * The list and a page's goal are owned by the thread whose heap holds the
 * page (or by the reclaimer, which adopts the goal of an abandoned page): all
 * accesses here are plain, by that thread.
 */

import { qsbrDeferredAdvance, qsbrGoalReached, qsbrPoll } from '@ft/qsbr';
import {
  PAGE_FLAG_IN_QSBR_LIST,
  PAGE_FLAG_USE_QSBR,
  PAGE_FLAGS_OFFSET,
  PAGE_QSBR_GOAL_OFFSET,
  PAGE_QSBR_NEXT_OFFSET,
  PAGE_QSBR_PREV_OFFSET,
  PAGE_RETIRE_EXPIRE_OFFSET,
  PAGE_USED_OFFSET,
  THREAD_QSBR_HEAD_OFFSET,
  THREAD_QSBR_TAIL_OFFSET,
} from './layout.js';
import type { MiThread } from './mi-thread.js';

// Module-local copies of layout constants (see the root README).
const K_PAGE_FLAGS_OFFSET = PAGE_FLAGS_OFFSET;
const K_PAGE_FLAG_IN_QSBR_LIST = PAGE_FLAG_IN_QSBR_LIST;
const K_PAGE_QSBR_GOAL_OFFSET = PAGE_QSBR_GOAL_OFFSET;
const K_PAGE_QSBR_NEXT_OFFSET = PAGE_QSBR_NEXT_OFFSET;
const K_PAGE_QSBR_PREV_OFFSET = PAGE_QSBR_PREV_OFFSET;
const K_PAGE_RETIRE_EXPIRE_OFFSET = PAGE_RETIRE_EXPIRE_OFFSET;
const K_PAGE_USED_OFFSET = PAGE_USED_OFFSET;
const K_THREAD_QSBR_HEAD_OFFSET = THREAD_QSBR_HEAD_OFFSET;
const K_THREAD_QSBR_TAIL_OFFSET = THREAD_QSBR_TAIL_OFFSET;

/**
 * Appends a page to the thread's list.
 * SAFETY: the list (thread record and page links) and the page's flags are
 * owner-only fields; `t` owns the page.
 */
function qsbrListAppend(t: MiThread, page: number): void {
  const u32 = t.u32;
  const tail = u32[(t.record + K_THREAD_QSBR_TAIL_OFFSET) >>> 2];
  u32[(page + K_PAGE_QSBR_PREV_OFFSET) >>> 2] = tail;
  u32[(page + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = 0;
  if (tail !== 0) u32[(tail + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = page;
  else u32[(t.record + K_THREAD_QSBR_HEAD_OFFSET) >>> 2] = page;
  u32[(t.record + K_THREAD_QSBR_TAIL_OFFSET) >>> 2] = page;
  t.u8[page + K_PAGE_FLAGS_OFFSET] |= K_PAGE_FLAG_IN_QSBR_LIST;
}

/**
 * Takes a page off the thread's QSBR list, keeping its goal (abandon: the
 * reclaimer honours it).
 * SAFETY: the list and the page's flags are owner-only fields; `t` owns the page.
 * @internal
 */
export function qsbrListRemove(t: MiThread, page: number): void {
  const u8 = t.u8;
  if ((u8[page + K_PAGE_FLAGS_OFFSET] & K_PAGE_FLAG_IN_QSBR_LIST) === 0) return;
  const u32 = t.u32;
  const next = u32[(page + K_PAGE_QSBR_NEXT_OFFSET) >>> 2];
  const prev = u32[(page + K_PAGE_QSBR_PREV_OFFSET) >>> 2];
  if (prev !== 0) u32[(prev + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = next;
  else u32[(t.record + K_THREAD_QSBR_HEAD_OFFSET) >>> 2] = next;
  if (next !== 0) u32[(next + K_PAGE_QSBR_PREV_OFFSET) >>> 2] = prev;
  else u32[(t.record + K_THREAD_QSBR_TAIL_OFFSET) >>> 2] = prev;
  u32[(page + K_PAGE_QSBR_NEXT_OFFSET) >>> 2] = 0;
  u32[(page + K_PAGE_QSBR_PREV_OFFSET) >>> 2] = 0;
  u8[page + K_PAGE_FLAGS_OFFSET] &= ~K_PAGE_FLAG_IN_QSBR_LIST;
}

/**
 * Drops a page's QSBR goal and takes it off the list (`_PyMem_mi_page_clear_qsbr`).
 * SAFETY: the goal is an owner-only field; `t` owns the page.
 * @internal
 */
export function pageClearQsbr(t: MiThread, page: number): void {
  t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] = 0;
  qsbrListRemove(t, page);
}

/**
 * The QSBR half of `_PyMem_mi_page_maybe_free`, for an empty page: false
 * when the page may be freed now (not an object-heap page, no QSBR
 * registration, or its goal is reached); true when it must wait — it then
 * gets a fresh goal and joins the end of the thread's list.
 * SAFETY: the goal, flags and retire counter are owner-only fields; `t` owns the page.
 * @internal
 */
export function pageQsbrMustWait(t: MiThread, page: number): boolean {
  const qsbr = t.qsbr;
  if ((t.u8[page + K_PAGE_FLAGS_OFFSET] & PAGE_FLAG_USE_QSBR) === 0 || qsbr === null) return false;
  const goal = t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2];
  if (goal !== 0 && qsbrGoalReached(qsbr, goal)) return false;
  pageClearQsbr(t, page);
  t.u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] = 0;
  t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] = qsbrDeferredAdvance(qsbr);
  qsbrListAppend(t, page);
  return true;
}

/**
 * Re-attaches a reclaimed page's QSBR goal to the reclaiming thread
 * (`_PyMem_mi_page_reclaimed`): kept while the page is still empty, dropped otherwise.
 * SAFETY: the reclaimer holds the page's segment exclusively.
 * @internal
 */
export function pageReclaimedQsbr(t: MiThread, page: number): void {
  if (t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] === 0) return;
  if (t.u32[(page + K_PAGE_USED_OFFSET) >>> 2] === 0 && t.qsbr !== null) {
    t.u8[page + K_PAGE_RETIRE_EXPIRE_OFFSET] = 0;
    qsbrListAppend(t, page);
  } else {
    t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2] = 0;
  }
}

/**
 * Whether an empty page may be freed now as far as QSBR is concerned
 * (`_PyMem_mi_page_is_safe_to_free`).
 * SAFETY: the goal and flags are read by the page's owner, or by a thread
 * that holds the page's abandoned segment exclusively.
 * @internal
 */
export function pageIsSafeToFree(t: MiThread, page: number): boolean {
  const goal = t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2];
  if ((t.u8[page + K_PAGE_FLAGS_OFFSET] & PAGE_FLAG_USE_QSBR) === 0 || goal === 0) return true;
  return t.qsbr !== null && qsbrGoalReached(t.qsbr, goal);
}

/**
 * The oldest page of the thread's list whose goal is reached, or 0 when the
 * list is empty or its oldest page must still wait (the walk of
 * `_PyMem_mi_heap_collect_qsbr`: goals only grow along the list, so it stops
 * at the first that is not reached). Pages that were reused meanwhile leave
 * the list on the way. The page returned stays on the list: freeing it
 * (`pageFree`) takes it off.
 * SAFETY: the list and the pages' goals and counts are owner-only fields.
 * @internal
 */
export function qsbrListFirstReady(t: MiThread): number {
  const qsbr = t.qsbr;
  if (qsbr === null) return 0;
  const u32 = t.u32;
  for (;;) {
    const page = u32[(t.record + K_THREAD_QSBR_HEAD_OFFSET) >>> 2];
    if (page === 0) return 0;
    if (u32[(page + K_PAGE_USED_OFFSET) >>> 2] === 0) return qsbrPoll(qsbr, t.i32[(page + K_PAGE_QSBR_GOAL_OFFSET) >>> 2]) ? page : 0;
    pageClearQsbr(t, page);
  }
}
