/**
 * Batched frees into other threads' pages: each thread keeps up to
 * `MI_PENDING_SLOTS` pending batches, one per slot, the slot chosen by the
 * page's address (snmalloc's remote cache, on mimalloc's per-page lists; the
 * node format is in batch-node.ts and why it exists in PERF.md).
 *
 * A non-owner free of a block of page P:
 * - if P's slot holds a batch for P, the block's address joins it (two
 *   plain stores into the node, a line this thread already owns); a batch
 *   that reaches the page's capacity is pushed at once;
 * - otherwise the slot's batch, if any, is pushed, and the block starts a
 *   new batch as its node (or, on a page without batches, is pushed alone).
 *
 * Pushing is the ordinary non-owner push (thread-free-push.ts), once per
 * batch instead of once per block, so the delayed-free states and their
 * table hold unchanged: a batch is one entry.
 *
 * A pending block counts as used by its page until its batch is pushed, so
 * nothing is lost: the page and its segment stay alive, and the owner does
 * not see the space yet. Pending batches are pushed when full, when another
 * page takes their slot, by `miCollect` and `miThreadExit` of the thread that
 * holds them (and `miAbandonThread` for a thread that exited without), and by
 * heap visiting for every thread (the collector must not take a pending
 * block for a live object). A thread that stops freeing keeps at most
 * `MI_PENDING_SLOTS` × 15 blocks of other threads' pages from reuse until
 * then.
 *
 * Where the pending state lives: the node addresses in the thread record's
 * slots (`THREAD_PENDING_OFFSET`), and each node's count in the node, so
 * that a visitor with the world stopped (or `miAbandonThread`) can push
 * another thread's batches from shared memory alone. The freeing thread
 * also keeps a private copy of each slot's page, count, capacity and count
 * word index (`MiThread.pending`), valid while the shared slot is not 0:
 * only the holder writes a slot non-zero, and a visitor that pushes a batch
 * clears its slot, so a cleared slot tells the holder its copy is stale.
 */

import {
  MI_BATCH_TAG,
  MI_PENDING_SLOTS,
  MI_SEGMENT_MASK,
  MI_SLICE_SHIFT,
  PAGE_RECORD_SIZE,
  PAGE_XBATCH_OFFSET,
  PAGE_XSLICE_OFFSET_OFFSET,
  SEGMENT_SLICES_OFFSET,
  THREAD_PENDING_OFFSET,
} from './layout.js';
import type { MiThread } from './mi-thread.js';
import { pushThreadFree } from './thread-free-push.js';

// Module-local copies of the layout constants used on hot paths (see the root README).
const K_MI_BATCH_TAG = MI_BATCH_TAG;
const K_SLOT_MASK = MI_PENDING_SLOTS - 1;
const K_PAGE_XBATCH_OFFSET = PAGE_XBATCH_OFFSET;

/**
 * Frees `block` of `page`, a page of another thread's segment, through the
 * calling thread's pending batches.
 * SAFETY: the block is ours until pushed (the caller's free handed it over);
 * the page's batch shape is read plain for the reason free.ts reads the
 * other copies in the page's thread-free line plain: the owner wrote it
 * before any block of the page was handed out and changes it only when the
 * page is re-initialised, which a live block prevents. The slot and the
 * node's words are this thread's (see the file comment).
 * @internal
 */
export function freeRemote(t: MiThread, page: number, block: number): void {
  const u32 = t.u32;
  // Page records sit 64 bytes apart; the segment's bits spread pages of
  // different segments at the same slice over the slots.
  const slot = ((page >>> 6) + (page >>> 22)) & K_SLOT_MASK;
  const slotIndex = t.pendingIndex + slot;
  const node = u32[slotIndex];
  const cache = t.pending;
  const c = slot << 2;
  if (node !== 0) {
    if (cache[c] === page) {
      const n = cache[c + 1];
      const countIndex = cache[c + 3];
      u32[countIndex + n] = block;
      u32[countIndex] = n + 1;
      if (n + 1 < cache[c + 2]) {
        cache[c + 1] = n + 1;
        return;
      }
      u32[slotIndex] = 0;
      pushThreadFree(t, page, (node | K_MI_BATCH_TAG) >>> 0);
      return;
    }
    pushSlot(t, slotIndex);
  }
  const shape = u32[(page + K_PAGE_XBATCH_OFFSET) >>> 2];
  if (shape === 0) {
    pushThreadFree(t, page, block);
    return;
  }
  const countIndex = (block + (shape >>> 8)) >>> 2;
  u32[countIndex] = 1;
  u32[slotIndex] = block;
  cache[c] = page;
  cache[c + 1] = 1;
  cache[c + 2] = shape & 0xff;
  cache[c + 3] = countIndex;
}

/**
 * Pushes every pending batch of `t`'s thread record. Called by the holder,
 * or by a thread acting as it (`miAbandonThread`, heap visiting with the
 * world stopped).
 * @internal
 */
export function pushPendingFrees(t: MiThread): void {
  for (let slot = 0; slot < MI_PENDING_SLOTS; slot++) {
    if (t.u32[t.pendingIndex + slot] !== 0) pushSlot(t, t.pendingIndex + slot);
  }
}

/**
 * Pushes the batch of one slot, from shared memory alone (the holder's
 * private copy is not needed: a visitor has none), and clears the slot.
 */
function pushSlot(t: MiThread, slotIndex: number): void {
  const u32 = t.u32;
  const node = u32[slotIndex];
  u32[slotIndex] = 0;
  const page = nodePage(u32, node);
  const shape = u32[(page + PAGE_XBATCH_OFFSET) >>> 2];
  // A batch of one is an ordinary entry: the owner need not read its count.
  const count = u32[(node + (shape >>> 8)) >>> 2];
  pushThreadFree(t, page, count === 1 ? node : (node | MI_BATCH_TAG) >>> 0);
}

/**
 * The page of a pending node, through the copy of the slice's back offset in
 * the slice's thread-free line, not the owner's page record (see free.ts's
 * freeNotOwned). SAFETY: as for freeRemote's read of the batch shape.
 */
function nodePage(u32: Uint32Array, node: number): number {
  const segment = (node & ~MI_SEGMENT_MASK) >>> 0;
  const record = segment + SEGMENT_SLICES_OFFSET + ((node - segment) >>> MI_SLICE_SHIFT) * PAGE_RECORD_SIZE;
  return record - u32[(record + PAGE_XSLICE_OFFSET_OFFSET) >>> 2];
}

/**
 * Blocks waiting in pending batches of thread record `record`, by page (for
 * statistics). SAFETY: plain reads of another thread's slots and nodes: the
 * figures may be stale or torn while it frees, as statistics may be.
 * @internal
 */
export function pendingBlocksByPage(t: MiThread, record: number, into: Map<number, number>): void {
  const u32 = t.u32;
  for (let slot = 0; slot < MI_PENDING_SLOTS; slot++) {
    const node = u32[((record + THREAD_PENDING_OFFSET) >>> 2) + slot];
    if (node === 0) continue;
    const page = nodePage(u32, node);
    const count = u32[(node + (u32[(page + PAGE_XBATCH_OFFSET) >>> 2] >>> 8)) >>> 2];
    into.set(page, (into.get(page) ?? 0) + count);
  }
}
