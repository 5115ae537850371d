/**
 * Batch nodes: how one entry of a page's thread-free list (or of a heap's
 * delayed-free list) can stand for many freed blocks. This is the format
 * only; who builds and pushes nodes is in remote-batch.ts, who takes them in
 * page.ts (`pageThreadFreeTake`) and free.ts (`heapDelayedFreeAll`).
 *
 * mimalloc links other threads' frees through the freed blocks themselves:
 * the freeing thread writes each block's first word and publishes it with a
 * compare-exchange, and the owner later walks the links. On two cores that
 * is two cache-line transfers per block on a critical path (the freeing
 * thread's store into a line the owner wrote last, the owner's dependent
 * read of a link the other core wrote), and their cost is whatever the
 * machine charges for a transfer: 20 to 240 ns on the virtual machines this
 * project runs on (see PERF.md). A batch node moves addresses instead of
 * links, as snmalloc's message passing does: the freeing thread writes the
 * addresses of up to 15 more freed blocks of the same page into one of them
 * (the node), and pushes only the node. The owner reads one node per batch
 * and writes the links of its own free list itself, into lines it wrote
 * last.
 *
 * A list entry is a block address; bit 2 (`MI_BATCH_TAG`) set means the
 * block is a node. A node's first word is the list link like any entry's;
 * its count word (blocks in the batch, the node included, 2..16) sits at the
 * page's count offset, and the other blocks' addresses follow it:
 *
 *   node + 0                  link to the next entry (with its tag)
 *   node + countOffset        count n
 *   node + countOffset + 4·i  address of the i-th other block, i = 1 .. n-1
 *
 * The count offset is 4 on the mem heaps and the page's debug offset on the
 * object heaps (at least 16): the object header up to `ob_type` stays as the
 * object left it, so a lock-free reader's try-incref of a just-freed object
 * still finds its refcount fields (the same bytes the checked mode's dead
 * fill leaves alone). A page whose blocks cannot hold a count and one address
 * after that offset, or that holds one block, has no batches (shape 0).
 */

import { MI_BATCH_MAX, MI_BATCH_TAG } from './layout.js';

/** Entry bits that are not part of the block address: the batch tag (and, in a thread-free word, the delayed state below it). */
const ENTRY_BITS = 7;
const K_MI_BATCH_TAG = MI_BATCH_TAG;

/**
 * The batch shape of a page (`PAGE_XBATCH_OFFSET`): the most blocks per node
 * in bits 0..7, the count word's byte offset in bits 8..15; 0 when the page
 * has no batches.
 * @internal
 */
export function batchShape(blockSize: number, debugOffset: number, reserved: number): number {
  const countOffset = Math.max(4, debugOffset);
  const capacity = Math.min(MI_BATCH_MAX, reserved, 1 + Math.floor((blockSize - countOffset - 4) / 4));
  return capacity >= 2 ? capacity | (countOffset << 8) : 0;
}

/** The block address of a list entry (without the tag). @internal */
export function entryBlock(entry: number): number {
  return (entry & ~ENTRY_BITS) >>> 0;
}

/** Whether a list entry is a batch node. @internal */
export function isBatchNode(entry: number): boolean {
  return (entry & K_MI_BATCH_TAG) !== 0;
}

/**
 * The u32 index of a node's count word, from the page's shape; the i-th other
 * block's address is at that index + i.
 * @internal
 */
export function nodeCountIndex(node: number, shape: number): number {
  return (node + (shape >>> 8)) >>> 2;
}

/**
 * How many freed blocks a list entry stands for: 1, or a node's count.
 * SAFETY: the caller owns the entry (took its list) or reads while no thread
 * changes it (the world is stopped, or statistics that may be approximate).
 * @internal
 */
export function entryBlockCount(u32: Uint32Array, entry: number, shape: number): number {
  return isBatchNode(entry) ? u32[nodeCountIndex(entryBlock(entry), shape)] : 1;
}
