/**
 * Heap collection (mimalloc `mi_heap_collect_ex` in modes NORMAL and FORCE,
 * with CPython's QSBR step): pushes this thread's pending batches of frees
 * into other threads' pages, takes other threads' delayed frees, ages
 * retired pages, frees empty pages (after their QSBR goal, for object heaps)
 * and, when forced, examines the abandoned pool to free what became empty.
 */

import { HEAP_INITIALIZED_OFFSET, MI_HEAPS_PER_THREAD, PAGE_USED_OFFSET } from './layout.js';
import { collectAbandoned } from './abandon.js';
import { checkBoolean } from './argument-checks.js';
import { heapDelayedFreeAll } from './free.js';
import { heapRecord, type MiThread } from './mi-thread.js';
import { pushPendingFrees } from './remote-batch.js';
import { collectQsbrPages, collectRetired, pageFreeCollect, pageMaybeFree } from './page.js';
import { forEachHeapPage } from './page-queue.js';

/**
 * Collects the calling thread's heaps (`mi_collect`). With `force`, every
 * empty page is released at once (object pages still honour QSBR) and
 * abandoned segments are examined too. `force` must be a boolean
 * (`TypeError` otherwise: a string `'false'` would read as true).
 * SAFETY: the heaps' `initialized` flags and used counts are owner-only
 * fields of `t`'s own heaps.
 * @public
 */
export function miCollect(t: MiThread, force: boolean): void {
  checkBoolean('miCollect', 'force', force);
  // This thread's pending frees into other threads' pages go to their owners.
  pushPendingFrees(t);
  // Pages waiting for QSBR first: the page walk below gives a still-pending
  // page a fresh goal, which would put off one that is ready now.
  collectQsbrPages(t);
  for (let tag = 0; tag < MI_HEAPS_PER_THREAD; tag++) {
    const heap = heapRecord(t.record, tag);
    if (t.u32[(heap + HEAP_INITIALIZED_OFFSET) >>> 2] === 0) continue;
    heapDelayedFreeAll(t, heap);
    collectRetired(t, heap, force);
    forEachHeapPage(t, heap, (page) => {
      pageFreeCollect(t, page, force);
      if (t.u32[(page + PAGE_USED_OFFSET) >>> 2] === 0) pageMaybeFree(t, page);
    });
  }
  if (force) collectAbandoned(t);
}
