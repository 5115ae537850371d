/**
 * Another thread's free of a page's block, or of a batch node standing for
 * several (batch-node.ts): the push onto the page's thread-free list, or,
 * when the page asked for a notice, onto the owning heap's delayed-free list
 * (mimalloc's `_mi_free_block_mt`, rows 2–6 of the delayed-free table in
 * delayed-free-state.ts, written out here because it is the cross-thread
 * free's hot path).
 */

import { MI_DELAYED_FREEING, MI_DELAYED_STATE_MASK, MI_NO_DELAYED_FREE, MI_USE_DELAYED_FREE } from './delayed-free-state.js';
import { HEAP_THREAD_DELAYED_FREE_OFFSET, PAGE_XHEAP_OFFSET, PAGE_XTHREAD_FREE_OFFSET } from './layout.js';
import type { MiThread } from './mi-thread.js';

// Module-local copies of the layout constants used on hot paths (see the root README).
const K_MI_DELAYED_STATE_MASK = MI_DELAYED_STATE_MASK;
const K_MI_USE_DELAYED_FREE = MI_USE_DELAYED_FREE;
const K_MI_DELAYED_FREEING = MI_DELAYED_FREEING;
const K_MI_NO_DELAYED_FREE = MI_NO_DELAYED_FREE;
const K_PAGE_XTHREAD_FREE_OFFSET = PAGE_XTHREAD_FREE_OFFSET;
const K_PAGE_XHEAP_OFFSET = PAGE_XHEAP_OFFSET;
const K_HEAP_THREAD_DELAYED_FREE_OFFSET = HEAP_THREAD_DELAYED_FREE_OFFSET;

/**
 * Pushes `entry` (a block of `page`, or a batch node of its blocks, tag
 * included) the way a non-owner must: onto the page's thread-free list, or
 * as a notice onto the owning heap's delayed-free list.
 * @internal
 */
export function pushThreadFree(t: MiThread, page: number, entry: number): void {
  const u32 = t.u32;
  // The block address without the batch tag (batch-node.ts), written out:
  // a call of an imported function is checked on every use.
  const block = (entry & ~7) >>> 0;
  const index = (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2;
  // SAFETY: a plain read of the racy thread-free word, used only as the
  // expected value of the compare-exchange below, which re-validates it
  // (DESIGN.md §3): a stale value makes the exchange fail and
  // return the current one, and the loop retries with that. Nothing is
  // decided from the hint alone: the delayed-free state that selects the path
  // is the one the successful exchange replaced. This saves one Atomics call
  // (~8 ns) per cross-thread push.
  let tf = u32[index];
  let useDelayed: boolean;
  for (;;) {
    useDelayed = (tf & K_MI_DELAYED_STATE_MASK) === K_MI_USE_DELAYED_FREE;
    let desired: number;
    if (useDelayed) {
      // Row 2: USE_DELAYED_FREE → DELAYED_FREEING.
      desired = ((tf & ~K_MI_DELAYED_STATE_MASK) | K_MI_DELAYED_FREEING) >>> 0;
    } else {
      // Rows 4–6: push the entry, keeping the state.
      // SAFETY: the block is ours to write until the CAS publishes it.
      u32[block >>> 2] = (tf & ~K_MI_DELAYED_STATE_MASK) >>> 0;
      desired = (entry | (tf & K_MI_DELAYED_STATE_MASK)) >>> 0;
    }
    const seen = Atomics.compareExchange(u32, index, tf, desired);
    if (seen === tf) break;
    tf = seen;
  }
  if (!useDelayed) return;
  // The owner asked for a notice: hand the entry to the owning heap, whose
  // owner will see the page has room (the heap cannot go away while we hold
  // DELAYED_FREEING: abandoning waits for it, row 14).
  const heap = Atomics.load(u32, (page + K_PAGE_XHEAP_OFFSET) >>> 2);
  if (heap !== 0) pushHeapDelayed(t, heap, entry);
  // Row 3: DELAYED_FREEING → NO_DELAYED_FREE, keeping entries pushed meanwhile (row 4).
  tf = Atomics.load(u32, index);
  for (;;) {
    const seen = Atomics.compareExchange(u32, index, tf, ((tf & ~K_MI_DELAYED_STATE_MASK) | K_MI_NO_DELAYED_FREE) >>> 0);
    if (seen === tf) break;
    tf = seen;
  }
}

/**
 * Pushes an entry onto a heap's delayed-free list (the notice of row 3).
 * SAFETY: the block's link is written plain while the block is ours; the
 * compare-exchange that publishes it orders that write before the owner's
 * exchange takes the list.
 * @internal
 */
export function pushHeapDelayed(t: MiThread, heap: number, entry: number): void {
  const u32 = t.u32;
  const block = (entry & ~7) >>> 0;
  const index = (heap + K_HEAP_THREAD_DELAYED_FREE_OFFSET) >>> 2;
  let head = Atomics.load(u32, index);
  for (;;) {
    u32[block >>> 2] = head;
    const seen = Atomics.compareExchange(u32, index, head, entry);
    if (seen === head) return;
    head = seen;
  }
}
