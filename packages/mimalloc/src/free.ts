/**
 * Freeing (mimalloc `src/free.c`). The owner of the block's segment pushes it
 * onto the page's local free list with plain accesses; any other thread adds
 * it to a pending batch of that page's blocks (remote-batch.ts), which it
 * pushes onto the page's thread-free list with one compare-exchange, or, for
 * a page in its owner's full queue, onto the owning heap's delayed-free list,
 * so that the owner notices the page has room again (thread-free-push.ts).
 *
 * Ownership is checked with a plain read of the segment's thread id. Only the
 * owning thread ever writes its own tid there (when it allocates or reclaims
 * the segment), and it writes 0 itself when it abandons the segment, so a
 * plain read that sees our tid is our own latest write: no other thread's
 * write can make it true, and our later writes are ordered before our reads.
 * This keeps the owner's free path free of `Atomics` calls, as mimalloc's
 * relaxed load is free on x86.
 */

import { fatalError, formatAddress } from '@ft/atomics';
import { entryBlock, isBatchNode, nodeCountIndex } from './batch-node.js';
import { MI_DELAYED_STATE_MASK, pageRearmedDelayedState, pageTryUseDelayedFree } from './delayed-free-state.js';
import {
  HEAP_THREAD_DELAYED_FREE_OFFSET,
  MI_SEGMENT_MASK,
  MI_SEGMENT_TAG,
  MI_SLICE_SHIFT,
  PAGE_BLOCK_SIZE_OFFSET,
  PAGE_CAPACITY_OFFSET,
  PAGE_DEBUG_OFFSET_OFFSET,
  PAGE_FLAG_HAS_ALIGNED,
  PAGE_FLAG_IN_FULL,
  PAGE_FLAG_IN_QSBR_LIST,
  PAGE_FLAGS_OFFSET,
  PAGE_FREE_OFFSET,
  PAGE_LOCAL_FREE_OFFSET,
  PAGE_RECORD_SIZE,
  PAGE_RETIRE_EXPIRE_OFFSET,
  PAGE_SLICE_COUNT_OFFSET,
  PAGE_SLICE_OFFSET_OFFSET,
  PAGE_START_OFFSET,
  PAGE_USED_OFFSET,
  PAGE_XALIGNED_OFFSET,
  PAGE_XHEAP_OFFSET,
  PAGE_XSLICE_OFFSET_OFFSET,
  PAGE_XBATCH_OFFSET,
  PAGE_XTHREAD_FREE_OFFSET,
  SEGMENT_SLICES_OFFSET,
  SEGMENT_TAG_OFFSET,
  SEGMENT_THREAD_ID_OFFSET,
} from './layout.js';
import { rejectAddress } from './argument-checks.js';
import { segmentMapEntry } from './mi-shared.js';
import type { MiThread } from './mi-thread.js';
import { pageFreeCollect, pageRetire, pageUnfull } from './page.js';
import { freeRemote } from './remote-batch.js';
import { pageOf, segmentOf } from './segment.js';
import { pushHeapDelayed, pushThreadFree } from './thread-free-push.js';

// Module-local copies of the layout constants used on hot paths (see the root README).
const K_MI_DELAYED_STATE_MASK = MI_DELAYED_STATE_MASK;
const K_PAGE_XHEAP_OFFSET = PAGE_XHEAP_OFFSET;
const K_HEAP_THREAD_DELAYED_FREE_OFFSET = HEAP_THREAD_DELAYED_FREE_OFFSET;
const K_PAGE_START_OFFSET = PAGE_START_OFFSET;
const K_PAGE_BLOCK_SIZE_OFFSET = PAGE_BLOCK_SIZE_OFFSET;
const K_PAGE_FLAG_HAS_ALIGNED = PAGE_FLAG_HAS_ALIGNED;
const K_MI_SEGMENT_MASK = MI_SEGMENT_MASK;
const K_MI_SLICE_SHIFT = MI_SLICE_SHIFT;
const K_SEGMENT_SLICES_OFFSET = SEGMENT_SLICES_OFFSET;
const K_PAGE_RECORD_SIZE = PAGE_RECORD_SIZE;
const K_PAGE_SLICE_OFFSET_OFFSET = PAGE_SLICE_OFFSET_OFFSET;
const K_SEGMENT_THREAD_ID_OFFSET = SEGMENT_THREAD_ID_OFFSET;
const K_PAGE_FLAGS_OFFSET = PAGE_FLAGS_OFFSET;
const K_PAGE_LOCAL_FREE_OFFSET = PAGE_LOCAL_FREE_OFFSET;
const K_PAGE_USED_OFFSET = PAGE_USED_OFFSET;
const K_PAGE_RETIRE_EXPIRE_OFFSET = PAGE_RETIRE_EXPIRE_OFFSET;
const K_PAGE_FLAG_IN_QSBR_LIST = PAGE_FLAG_IN_QSBR_LIST;
const K_PAGE_FLAG_IN_FULL = PAGE_FLAG_IN_FULL;
const K_PAGE_XSLICE_OFFSET_OFFSET = PAGE_XSLICE_OFFSET_OFFSET;
const K_PAGE_XALIGNED_OFFSET = PAGE_XALIGNED_OFFSET;

/**
 * The owner's free reads a page's flags (byte 60) and retire counter
 * (byte 63) with one u32 load of their word: where each byte sits in it
 * depends on the platform's byte order.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const K_FLAGS_SHIFT = LITTLE_ENDIAN ? 8 * (PAGE_FLAGS_OFFSET & 3) : 8 * (3 - (PAGE_FLAGS_OFFSET & 3));
const K_RETIRE_EXPIRE_SHIFT = LITTLE_ENDIAN ? 8 * (PAGE_RETIRE_EXPIRE_OFFSET & 3) : 8 * (3 - (PAGE_RETIRE_EXPIRE_OFFSET & 3));

/** Freed bytes are filled with this in checked mode. */
const DEAD_BYTE = 0xdd;

/**
 * Frees a block allocated by any thread of the same interpreter (`mi_free`).
 * Freeing 0 does nothing.
 *
 * `p` must be 0 or an integer address inside the heap's allocatable range;
 * anything else is refused before anything is written: a `TypeError` for a
 * non-number, a `RangeError` for a negative, fractional, `NaN`, infinite or
 * out-of-heap value (see the README's argument rules). Freeing an in-heap
 * address that is not a live block (a double free, an interior or foreign
 * pointer) is undefined behaviour, as in C, unless the interpreter's state
 * was created in checked mode, where it is a `FatalError` naming the address.
 * @public
 */
export function miFree(t: MiThread, p: number): void {
  if (p === 0) return;
  // One integer in range, or a refusal before any address arithmetic.
  if (!(typeof p === 'number' && p >>> 0 === p && (p - t.addressLow) >>> 0 < t.addressSpan)) freeRefused(t, p);
  const u32 = t.u32;
  // segmentOf and pageOf written out: calls to imported functions are checked too.
  const segment = ((p - 1) & ~K_MI_SEGMENT_MASK) >>> 0;
  const record = segment + K_SEGMENT_SLICES_OFFSET + ((p - segment) >>> K_MI_SLICE_SHIFT) * K_PAGE_RECORD_SIZE;
  // SAFETY: the plain read of the segment's thread id can only see our own
  // tid if we wrote it last (see the file comment). In checked mode
  // fastPathTid is -1: every free goes to freeNotOwned, which validates.
  if (u32[(segment + K_SEGMENT_THREAD_ID_OFFSET) >>> 2] === t.fastPathTid) {
    // SAFETY: the segment is ours, so are its page records (owner-only
    // fields): the slice's back offset, the flags and retire bytes, the
    // page's local list and used count.
    const page = record - u32[(record + K_PAGE_SLICE_OFFSET_OFFSET) >>> 2];
    // flags (byte 60) and retireExpire (byte 63) in one word load.
    const bits = u32[(page + K_PAGE_FLAGS_OFFSET) >>> 2];
    if (((bits >>> K_FLAGS_SHIFT) & (K_PAGE_FLAG_IN_FULL | K_PAGE_FLAG_HAS_ALIGNED)) === 0) {
      u32[p >>> 2] = u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2];
      u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2] = p;
      // A page emptied again while retained has nothing to decide (see pageRetire).
      if (--u32[(page + K_PAGE_USED_OFFSET) >>> 2] === 0 && (((bits >>> K_RETIRE_EXPIRE_SHIFT) & 0xff) === 0 || ((bits >>> K_FLAGS_SHIFT) & K_PAGE_FLAG_IN_QSBR_LIST) !== 0)) {
        pageRetire(t, page);
      }
      return;
    }
    freeGeneric(t, segment, page, p);
    return;
  }
  freeNotOwned(t, segment, record, p);
}

/** Throws the error for an address miFree refuses (kept out of line: the fast path stays small). */
function freeRefused(t: MiThread, p: unknown): never {
  rejectAddress('miFree', p, t.addressLow, t.addressLow + t.addressSpan);
}

/**
 * A free that the fast path did not take because the segment is not ours
 * (or checked mode is on). Another thread's free needs the page, whether it
 * has aligned blocks, and the thread-free word; it reads all three from the
 * slice's line of the segment's thread-free array, not from the page record,
 * whose `free` and `used` the owner writes on every allocation: reading the
 * record would pull that line away from the owner's core on every remote free.
 */
function freeNotOwned(t: MiThread, segment: number, record: number, p: number): void {
  if (t.checked === true) {
    freeChecked(t, p);
    return;
  }
  const u32 = t.u32;
  // SAFETY: plain reads of the owner's copies of the slice's back offset and
  // the page's has-aligned flag. The owner wrote them before the block at p
  // was allocated (makePage, the aligned allocation), and handing p to this
  // thread synchronized (every hand-off between threads goes through an
  // Atomics operation or a message); they do not change while p is live:
  // the back offset only when the page is freed, the flag only when the page
  // is empty (pageRetire) or re-initialised.
  const page = record - u32[(record + K_PAGE_XSLICE_OFFSET_OFFSET) >>> 2];
  const block = u32[(page + K_PAGE_XALIGNED_OFFSET) >>> 2] !== 0 ? blockStart(t, page, p) : p;
  if (u32[(segment + K_SEGMENT_THREAD_ID_OFFSET) >>> 2] === t.tid) freeLocal(t, page, block);
  else freeRemote(t, page, block);
}

/**
 * The owner's free of a block of a full page or of a page with aligned
 * blocks, or any free in checked mode.
 * SAFETY: the plain read of the has-aligned flag is the owner's read of its
 * own field, or (checked mode, another thread's page) safe for the reason
 * the copies in freeNotOwned are: it is set before an aligned pointer is
 * handed out and cleared only while the page is empty. The thread-id read
 * is the file comment's.
 */
function freeGeneric(t: MiThread, segment: number, page: number, p: number): void {
  const block = (t.u8[page + K_PAGE_FLAGS_OFFSET] & K_PAGE_FLAG_HAS_ALIGNED) !== 0 ? blockStart(t, page, p) : p;
  // Checked mode pushes each block alone (no batches), so that its
  // double-free walks (isOnFreeList) see every freed block at once.
  if (t.u32[(segment + K_SEGMENT_THREAD_ID_OFFSET) >>> 2] === t.tid) freeLocal(t, page, block);
  else pushThreadFree(t, page, block);
}

/**
 * The start of the block containing `p` (`_mi_page_ptr_unalign`).
 * SAFETY: the page's start and block size are written before any block of
 * the page is handed out and do not change while one is live.
 */
function blockStart(t: MiThread, page: number, p: number): number {
  const start = t.u32[(page + K_PAGE_START_OFFSET) >>> 2];
  const blockSize = t.u32[(page + K_PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  return p - ((p - start) % blockSize);
}

/**
 * The owner's free: local list, then retire or leave the full queue (`mi_free_block_local`).
 * SAFETY: `localFree`, `used` and the block are the owner's.
 */
function freeLocal(t: MiThread, page: number, block: number): void {
  const u32 = t.u32;
  u32[block >>> 2] = u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2];
  u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2] = block;
  if (--u32[(page + K_PAGE_USED_OFFSET) >>> 2] === 0) pageRetire(t, page);
  else pageUnfull(t, page);
}

/**
 * The owner takes the blocks other threads freed into its full pages
 * (`_mi_heap_delayed_free_all`).
 * SAFETY: the links of the blocks taken with the exchange are read plain:
 * the blocks are ours from then on (see pushHeapDelayed).
 * @internal
 */
export function heapDelayedFreeAll(t: MiThread, heap: number): void {
  const u32 = t.u32;
  const index = (heap + K_HEAP_THREAD_DELAYED_FREE_OFFSET) >>> 2;
  if (Atomics.load(u32, index) === 0) return;
  let entry = Atomics.exchange(u32, index, 0);
  while (entry !== 0) {
    const next = u32[entryBlock(entry) >>> 2];
    if (!freeDelayedEntry(t, entry)) pushHeapDelayed(t, heap, entry);
    entry = next;
  }
}

/**
 * `_mi_free_delayed_block` for an entry of a heap's delayed-free list (a
 * block, or a batch node of one page's blocks): false when the page is
 * mid-way through another delayed free (row 14). Re-arms the page (row 10)
 * before collecting it.
 */
function freeDelayedEntry(t: MiThread, entry: number): boolean {
  const block = entryBlock(entry);
  const page = pageOf(t, segmentOf(block), block);
  // Re-armed before collecting, or a block could sit in the thread-free list
  // of a page its owner does not look at with nothing in the heap list to say so.
  if (!pageTryUseDelayedFree(t, page, pageRearmedDelayedState(t, page), false)) return false;
  pageFreeCollect(t, page, false);
  if (isBatchNode(entry)) {
    // The node's other blocks first: the node itself is the last block, whose
    // free may retire the page or take it out of the full queue.
    const u32 = t.u32;
    const countIndex = nodeCountIndex(block, u32[(page + PAGE_XBATCH_OFFSET) >>> 2]);
    const n = u32[countIndex];
    for (let i = 1; i < n; i++) {
      const other = u32[countIndex + i];
      u32[other >>> 2] = u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2];
      u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2] = other;
    }
    u32[(page + K_PAGE_USED_OFFSET) >>> 2] -= n - 1;
  }
  freeLocal(t, page, block);
  return true;
}

/**
 * Checked mode: a foreign pointer, an interior pointer, or a block that is
 * already free is a fatal error naming the address. Freed bytes past the
 * protected header are filled with 0xDD.
 *
 * SAFETY: checked mode reads the page record of a block that may belong to
 * another thread, with plain reads, while that thread allocates from the
 * page. The fields it decides on (slice count, block size, start, debug
 * offset, has-aligned flag) were written before any block of the page was
 * handed out and do not change while one is live; `capacity` only grows, and
 * a live block lies below the capacity its owner had when it handed the
 * block out (the hand-off synchronized). For a block that is not live (the
 * error being looked for) the page may be changing under the reads: every
 * read is an aligned word, the walks are bounded and nothing is written
 * before the checks pass, so the worst case is a misuse that goes unreported
 * or is reported with a less exact message. The 0xDD fill writes only the
 * freed block itself.
 */
function freeChecked(t: MiThread, p: number): void {
  const u32 = t.u32;
  const segment = Atomics.load(u32, segmentMapEntry(t.heap, t.shared, p) >>> 2);
  if (segment === 0 || u32[(segment + SEGMENT_TAG_OFFSET) >>> 2] !== MI_SEGMENT_TAG || p < segment) {
    fatalError(`free of ${formatAddress(p)}: not a block of this interpreter's mimalloc heap (foreign pointer)`);
  }
  const page = pageOf(t, segment, p);
  const blockSize = u32[(page + K_PAGE_BLOCK_SIZE_OFFSET) >>> 2];
  if (blockSize < 2 || u32[(page + PAGE_SLICE_COUNT_OFFSET) >>> 2] === 0) {
    fatalError(`free of ${formatAddress(p)}: the address is not inside an allocated page`);
  }
  const start = u32[(page + K_PAGE_START_OFFSET) >>> 2];
  const capacity = t.heap.u16[(page + PAGE_CAPACITY_OFFSET) >>> 1];
  const aligned = (t.u8[page + K_PAGE_FLAGS_OFFSET] & K_PAGE_FLAG_HAS_ALIGNED) !== 0;
  if (p < start || p >= start + capacity * blockSize || (!aligned && (p - start) % blockSize !== 0)) {
    fatalError(`free of ${formatAddress(p)}: interior pointer (page blocks of ${blockSize} bytes start at ${formatAddress(start)})`);
  }
  const block = p - ((p - start) % blockSize);
  if (isOnFreeList(t, page, block)) fatalError(`double free of ${formatAddress(block)}`);
  const protectedBytes = Math.max(4, t.u8[page + PAGE_DEBUG_OFFSET_OFFSET]);
  if (blockSize > protectedBytes) t.heap.fill(block + protectedBytes, DEAD_BYTE, blockSize - protectedBytes);
  freeGeneric(t, segment, page, block);
}

/**
 * Whether a block is on one of its page's free lists (checked mode; bounded walks).
 * Checked mode has no batch nodes (freeGeneric pushes blocks alone), so every
 * entry of the thread-free and delayed lists is a plain block.
 *
 * SAFETY: the page may be another thread's, whose owner pops and pushes its
 * `free` and `localFree` lists with plain writes meanwhile, so the plain
 * reads of those heads and of the blocks' links race with it. The walk only
 * reads, each read is an aligned word, and it stops after 2^20 steps, so a
 * race can only cut a walk short or send it down a list the block is not
 * on: a double free racing with the owner's own list work may go unreported
 * (cross-thread detection is best-effort, as in mimalloc's debug mode).
 * Reporting a live block as free would need the walk to follow a stale link
 * of a block the owner had re-linked before publishing it; each link is
 * read through the head or link that led to it (an address dependency),
 * which x86 and ARM order, though the JavaScript memory model does not
 * promise it for plain reads. Checked mode is a debugging aid. The
 * thread-free list and the heap's delayed list have their heads read with
 * Atomics.
 */
function isOnFreeList(t: MiThread, page: number, block: number): boolean {
  const u32 = t.u32;
  const heap = Atomics.load(u32, (page + K_PAGE_XHEAP_OFFSET) >>> 2);
  const heads = [
    u32[(page + PAGE_FREE_OFFSET) >>> 2],
    u32[(page + K_PAGE_LOCAL_FREE_OFFSET) >>> 2],
    (Atomics.load(u32, (page + PAGE_XTHREAD_FREE_OFFSET) >>> 2) & ~K_MI_DELAYED_STATE_MASK) >>> 0,
    // A block whose free went to the owning heap's delayed list is free too.
    heap === 0 ? 0 : Atomics.load(u32, (heap + K_HEAP_THREAD_DELAYED_FREE_OFFSET) >>> 2),
  ];
  for (const head of heads) {
    let steps = 0;
    for (let b = head; b !== 0 && steps <= 0x100000; b = u32[b >>> 2], steps++) if (b === block) return true;
  }
  return false;
}
