/**
 * The delayed-free state of a page (mimalloc's `mi_delayed_t`, in the low two
 * bits of the page's thread-free word; `_mi_page_try_use_delayed_free`,
 * `_mi_page_use_delayed_free` in `src/page.c`, `_mi_free_block_mt` in
 * `src/free.c`).
 *
 * A block freed by a thread that does not own its page goes onto the page's
 * thread-free list, which the owner collects only when it looks at the page
 * again. A page the owner will not look at — one in its full queue, or one
 * it may never allocate from again — would keep such blocks forever. So the
 * state asks the *first* non-owner free into such a page to go through the
 * owning heap's delayed-free list instead (`HEAP_THREAD_DELAYED_FREE_OFFSET`),
 * which the owner drains on its next slow-path allocation or collection: a
 * notice that the page has room again.
 *
 * This file is the state machine's one home: its states, the word's bit
 * layout, the transition table, and the owner's transitions. The non-owner's
 * transitions are in `thread-free-push.ts` (`pushThreadFree`, the cross-thread free
 * hot path, written out there) and follow the table's rows 2–6.
 *
 * Thread-free word (`PAGE_XTHREAD_FREE_OFFSET`, one per slice line in the
 * segment header; u32, only ever accessed with `Atomics` except for the
 * freeing thread's plain hint read, which a compare-exchange re-validates):
 *
 *   bits 31..2  head of the page's thread-free block list (blocks are ≥ 8-byte aligned, so the low bits are free)
 *   bits  1..0  delayed-free state, MI_DELAYED_STATE_MASK
 *
 * States:
 *
 *   0 USE_DELAYED_FREE    the next non-owner free goes to the owning heap's delayed-free list
 *   1 DELAYED_FREEING     transient: a non-owner is pushing a block onto that list
 *   2 NO_DELAYED_FREE     non-owner frees go onto the page's thread-free list
 *   3 NEVER_DELAYED_FREE  sticky: the page is (being) abandoned; frees go onto the thread-free list
 *
 * Writers, three kinds: the page's **owner** (the thread whose heap holds
 * the page, or a thread acting as that owner: `miAbandonThread` for an
 * exited thread, heap visiting while the world is stopped); **freeing
 * threads** (any non-owner freeing a block of the page); the **reclaimer**
 * (a thread that popped the page's abandoned segment from the pool and holds
 * it exclusively). Every write is an `Atomics` store, exchange or
 * compare-exchange on the whole word, so a state change never loses a pushed
 * block and a push never loses a state change.
 *
 * Transition table (`old → new`; "list" = the thread-free list bits):
 *
 *   #   state                event                                          writer                   next state
 *   1   —                    page initialised (pageInit)                    owner                    USE_DELAYED_FREE
 *   2   USE_DELAYED_FREE     a block of the page is freed                   freeing thread (CAS)     DELAYED_FREEING
 *   3   DELAYED_FREEING      that thread pushed the block onto the owning   the same freeing thread  NO_DELAYED_FREE
 *                            heap's delayed-free list                       (CAS loop)
 *   4   DELAYED_FREEING      another block of the page is freed             freeing thread (CAS)     DELAYED_FREEING, block pushed on the list
 *   5   NO_DELAYED_FREE      a block of the page is freed                   freeing thread (CAS)     NO_DELAYED_FREE, block pushed on the list
 *   6   NEVER_DELAYED_FREE   a block of the page is freed                   freeing thread (CAS)     NEVER_DELAYED_FREE, block pushed on the list
 *   7   any                  the owner takes the list (pageThreadFreeTake)  owner (exchange / CAS)   unchanged, list empty
 *   8   USE or NO            page moves to the full queue (pageToFull)      owner                    USE_DELAYED_FREE
 *   9   USE or NO            page leaves the full queue (pageUnfull)        owner                    NO_DELAYED_FREE
 *   10  USE or NO            the owner takes the page's notice from the     owner                    NO_DELAYED_FREE for the first page of a small or
 *                            heap's list (freeDelayedBlock)                                          medium queue, else USE_DELAYED_FREE
 *                                                                                                    (pageRearmedDelayedState)
 *   11  USE or NO            the heap is abandoned (heapCollectAbandon)     owner                    NEVER_DELAYED_FREE
 *   12  NEVER_DELAYED_FREE   rows 8–10                                      owner                    NEVER_DELAYED_FREE (sticky)
 *   13  NEVER_DELAYED_FREE   the abandoned segment is reclaimed             reclaimer                USE_DELAYED_FREE
 *                            (segmentReclaim)
 *   14  DELAYED_FREEING      rows 8–11, 13                                  owner / reclaimer        waits until row 3 happened (pageUseDelayedFree)
 *
 * Invariants the table keeps:
 * - Only the thread that entered DELAYED_FREEING leaves it (row 3); nobody
 *   else moves the state away from it (rows 4, 14).
 * - The owning heap outlives a DELAYED_FREEING push: abandoning waits the
 *   state out (row 14 before row 11), and after row 11 no free enters it.
 * - In NO_DELAYED_FREE and NEVER_DELAYED_FREE only the owner (or reclaimer)
 *   changes the state bits: a freeing thread keeps them (rows 5, 6). The
 *   owner can then take the list with one exchange (row 7).
 * - Abandoned pages are NEVER_DELAYED_FREE, so no free touches the heap
 *   record of a thread that has exited.
 */

import { yieldThread } from '@ft/atomics';
import { MI_BIN_HUGE, PAGE_XTHREAD_FREE_OFFSET } from './layout.js';
import type { MiThread } from './mi-thread.js';
import { ownerHeap, pageBin, queueFirst } from './page-queue.js';

/** State 0: the first non-owner free goes to the owning heap's delayed-free list. @public */ export const MI_USE_DELAYED_FREE = 0;
/** State 1, transient: a non-owner is pushing onto the heap's delayed-free list. @public */ export const MI_DELAYED_FREEING = 1;
/** State 2: non-owner frees go onto the page's thread-free list. @public */ export const MI_NO_DELAYED_FREE = 2;
/** State 3, sticky: the page is abandoned. @public */ export const MI_NEVER_DELAYED_FREE = 3;
/** The state bits of a thread-free word; the rest is the list head. @public */ export const MI_DELAYED_STATE_MASK = 3;

const K_PAGE_XTHREAD_FREE_OFFSET = PAGE_XTHREAD_FREE_OFFSET;
const K_MI_DELAYED_STATE_MASK = MI_DELAYED_STATE_MASK;
const K_MI_DELAYED_FREEING = MI_DELAYED_FREEING;
const K_MI_NO_DELAYED_FREE = MI_NO_DELAYED_FREE;
const K_MI_NEVER_DELAYED_FREE = MI_NEVER_DELAYED_FREE;

/**
 * The state a page gets back when its owner takes its notice from the
 * heap's delayed-free list (row 10; the first step of `_mi_free_delayed_block`).
 *
 * mimalloc always re-arms USE_DELAYED_FREE, so that the next cross-thread free
 * tells the owner again and a page emptied by other threads is noticed even if
 * its owner never walks that queue again. Departure: the first page of a small
 * or medium size class's queue gets NO_DELAYED_FREE. The owner collects that
 * page's thread-free list every time the page's free list runs dry (findPage),
 * so the notice would tell it nothing new, while a notice costs the freeing
 * thread three compare-exchanges and a push onto a heap-wide list head instead
 * of one compare-exchange, and the owner one more. With mimalloc's rule, about
 * one cross-thread free in ten of the producer/consumer benchmark took that
 * path (each refill of the owner re-armed the pages it had been told about),
 * and an item cost about twice as much. What it gives up: a first page emptied
 * by other threads while its owner allocates nothing of that size is freed at
 * the owner's next collect (or exit) rather than at its next slow-path
 * allocation of any size, where notices are taken. Pages further back, in
 * the full queue, and large pages keep mimalloc's rule.
 *
 * SAFETY: the queue head, the page's flags and `xheap` are read plain by
 * the page's owner, their only writer.
 * @internal
 */
export function pageRearmedDelayedState(t: MiThread, page: number): number {
  const bin = pageBin(t, page);
  if (bin < MI_BIN_HUGE && queueFirst(t, ownerHeap(t, page), bin) === page) return K_MI_NO_DELAYED_FREE;
  return MI_USE_DELAYED_FREE;
}

/**
 * Sets the page's state to `delay` (rows 8–11, 13; `_mi_page_try_use_delayed_free`),
 * keeping the list bits; NEVER_DELAYED_FREE stays unless `overrideNever`
 * (the reclaimer, row 13). Returns false when a freeing thread stayed in
 * DELAYED_FREEING through the bounded wait (row 14): the caller retries later.
 * @internal
 */
export function pageTryUseDelayedFree(t: MiThread, page: number, delay: number, overrideNever: boolean): boolean {
  const u32 = t.u32;
  const index = (page + K_PAGE_XTHREAD_FREE_OFFSET) >>> 2;
  let yields = 0;
  for (;;) {
    const tf = Atomics.load(u32, index);
    const old = tf & K_MI_DELAYED_STATE_MASK;
    if (old === K_MI_DELAYED_FREEING) {
      // The other thread is a few instructions from done, unless it was
      // descheduled. mimalloc yields up to 4 times; giving the core away here
      // sleeps ~70 µs instead of sched_yield's microsecond, so spin a while
      // and then report failure: the caller retries later (the delayed block
      // goes back on the heap's list) or waits (pageUseDelayedFree).
      if (yields >= 4) return false;
      yields++;
      for (let spin = 0; spin < 256 && (Atomics.load(u32, index) & K_MI_DELAYED_STATE_MASK) === K_MI_DELAYED_FREEING; spin++);
      continue;
    }
    if (old === delay || (!overrideNever && old === K_MI_NEVER_DELAYED_FREE)) return true;
    if (Atomics.compareExchange(u32, index, tf, ((tf & ~K_MI_DELAYED_STATE_MASK) | delay) >>> 0) === tf) return true;
  }
}

/**
 * Sets the page's state, waiting out a concurrent delayed free (row 14;
 * `_mi_page_use_delayed_free`).
 * @internal
 */
export function pageUseDelayedFree(t: MiThread, page: number, delay: number, overrideNever: boolean): void {
  while (!pageTryUseDelayedFree(t, page, delay, overrideNever)) yieldThread();
}
