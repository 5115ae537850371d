/**
 * Delayed free (CPython `_PyMem_FreeDelayed` and friends in
 * `Objects/obmalloc.c`): free a block only after every thread that might still
 * be reading it without a lock has passed a quiescent state.
 *
 * Each thread queues (address, goal, callback id) items in 4 KiB chunks of
 * shared memory, in non-decreasing goal order, so processing stops at the
 * first item whose goal is not reached yet. A queue is processed when a chunk
 * fills, when the thread asks, and when it exits; an exiting thread hands what
 * is still pending to its interpreter's queue and processes that at once
 * (gh-130794), and any thread later drains it. Every block is freed exactly
 * once: an item is marked consumed before its callback runs.
 */

import {
  fatalError,
  formatAddress,
  LOCK_DONT_DETACH,
  mutexLockFlags,
  mutexTryLock,
  mutexUnlock,
  regionAlloc,
  regionFree,
  type SharedHeap,
} from '@ft/atomics';
import type { FreeCallbackRegistry } from './free-callback-registry.js';
import {
  QSBR_CHUNK_DIR_ENTRIES,
  QSBR_FREED_ITEMS_OFFSET,
  QSBR_INTERP_HAS_WORK_OFFSET,
  QSBR_QUEUE_HEAD_OFFSET,
  QSBR_QUEUE_MUTEX_OFFSET,
  QSBR_QUEUE_TAIL_OFFSET,
  QSBR_SLOT_ALLOCATED_OFFSET,
  QSBR_SLOT_FREED_OFFSET,
  QSBR_SLOT_QUEUE_HEAD_OFFSET,
  QSBR_SLOT_QUEUE_TAIL_OFFSET,
  QSBR_SLOT_QUEUED_OFFSET,
  QSBR_SLOT_SEQ_OFFSET,
  QSBR_SLOT_SIZE,
  WORK_CHUNK_ITEMS_OFFSET,
  WORK_CHUNK_NEXT_OFFSET,
  WORK_CHUNK_RD_IDX_OFFSET,
  WORK_CHUNK_SIZE,
  WORK_CHUNK_TAG,
  WORK_CHUNK_TAG_OFFSET,
  WORK_CHUNK_WR_IDX_OFFSET,
  WORK_ITEM_ADDRESS_OFFSET,
  WORK_ITEM_FREE_ID_OFFSET,
  WORK_ITEM_GOAL_OFFSET,
  WORK_ITEM_SIZE,
  WORK_ITEMS_PER_CHUNK,
} from './layout.js';
import { checkQsbrShared, chunkAddress, chunkSlots } from './qsbr-shared.js';
import { QSBR_OFFLINE } from './sequence.js';
import {
  qsbrAdvance,
  qsbrDeferredAdvance,
  qsbrDetach,
  qsbrIsAttached,
  qsbrPoll,
  qsbrQuiescentState,
  qsbrSynchronize,
  releaseSlot,
  type QsbrThread,
} from './qsbr-thread.js';

/**
 * Queues `address` to be freed by callback `freeId` once no lock-free reader
 * can see it any more (`_PyMem_FreeDelayed`). Address 0 is ignored. If the
 * heap has no memory left for the queue, waits for a grace period and frees
 * at once (see {@link qsbrSynchronize}).
 * @example
 * ```ts
 * const old = Atomics.exchange(heap.u32, slot >>> 2, fresh); // unpublish
 * freeDelayed(t, old, FREE_BLOCK);                          // free when safe
 * ```
 * @public
 */
export function freeDelayed(t: QsbrThread, address: number, freeId: number): void {
  if (address === 0) return;
  const callback = t.registry.get(freeId);
  if (callback === undefined) fatalError(`freeDelayed(${formatAddress(address)}): no delayed-free callback with id ${freeId}`);
  const heap = t.heap;
  const u32 = heap.u32;
  const tailIndex = (t.slot + QSBR_SLOT_QUEUE_TAIL_OFFSET) >>> 2;
  // SAFETY (every plain access in this function): the thread's own queue —
  // its slot's head, tail and counters and the chunks on it — which only the
  // owner writes (statistics read the counters with Atomics.load).
  let chunk = u32[tailIndex];
  if (chunk === 0 || u32[(chunk + WORK_CHUNK_WR_IDX_OFFSET) >>> 2] === WORK_ITEMS_PER_CHUNK) {
    const fresh = newChunk(heap);
    if (fresh === 0) {
      qsbrSynchronize(t);
      callback(heap, address);
      u32[(t.slot + QSBR_SLOT_QUEUED_OFFSET) >>> 2]++;
      u32[(t.slot + QSBR_SLOT_FREED_OFFSET) >>> 2]++;
      return;
    }
    if (chunk === 0) u32[(t.slot + QSBR_SLOT_QUEUE_HEAD_OFFSET) >>> 2] = fresh;
    else u32[(chunk + WORK_CHUNK_NEXT_OFFSET) >>> 2] = fresh;
    u32[tailIndex] = fresh;
    chunk = fresh;
  }
  const goal = qsbrDeferredAdvance(t);
  const wr = u32[(chunk + WORK_CHUNK_WR_IDX_OFFSET) >>> 2];
  const item = chunk + WORK_CHUNK_ITEMS_OFFSET + wr * WORK_ITEM_SIZE;
  u32[(item + WORK_ITEM_ADDRESS_OFFSET) >>> 2] = address;
  heap.i32[(item + WORK_ITEM_GOAL_OFFSET) >>> 2] = goal;
  u32[(item + WORK_ITEM_FREE_ID_OFFSET) >>> 2] = freeId;
  u32[(chunk + WORK_CHUNK_WR_IDX_OFFSET) >>> 2] = wr + 1;
  u32[(t.slot + QSBR_SLOT_QUEUED_OFFSET) >>> 2]++;
  if (wr + 1 === WORK_ITEMS_PER_CHUNK) processDelayed(t);
}

function newChunk(heap: SharedHeap): number {
  const chunk = regionAlloc(heap, WORK_CHUNK_SIZE);
  // Regions come zeroed: next, rdIdx and wrIdx are 0 already.
  // SAFETY: a fresh region, not yet linked into any queue.
  if (chunk !== 0) heap.u32[(chunk + WORK_CHUNK_TAG_OFFSET) >>> 2] = WORK_CHUNK_TAG;
  return chunk;
}

/**
 * Frees every queued block whose goal is reached: the thread's own queue,
 * then the interpreter's queue if it has work and its lock is free
 * (`_PyMem_ProcessDelayed`).
 * @public
 */
export function processDelayed(t: QsbrThread): void {
  // A callback that frees more must not re-enter processing of the same queue.
  if (t.processing) return;
  t.processing = true;
  try {
    processQueue(t, t.slot + QSBR_SLOT_QUEUE_HEAD_OFFSET, t.slot + QSBR_SLOT_QUEUE_TAIL_OFFSET, true);
    const heap = t.heap;
    const hasWork = (t.shared + QSBR_INTERP_HAS_WORK_OFFSET) >>> 2;
    if (Atomics.load(heap.i32, hasWork) !== 0 && mutexTryLock(heap, t.shared + QSBR_QUEUE_MUTEX_OFFSET)) {
      try {
        processInterpreterQueue(t);
      } finally {
        mutexUnlock(heap, t.shared + QSBR_QUEUE_MUTEX_OFFSET);
      }
    }
  } finally {
    t.processing = false;
  }
}

/**
 * The collector's `process_delayed_frees`: completes every pending delayed
 * free of the interpreter, whichever thread queued it. It must run with
 * every other thread registered here stopped at a safe point (the world of
 * `@ft/atomics` stopped), which is a quiescent state: CPython's threads go
 * offline when they stop. So it advances the write sequence, publishes the
 * new value as the sequence of every other online slot (as each would at
 * its next quiescent state), moves every other thread's queue behind the
 * caller's, and processes the caller's queue and the interpreter's: every
 * goal is reached. Returns the number of blocks freed.
 * SAFETY: the other threads' slots and queues are written plain and with
 * `Atomics`, as their owners would: they are stopped, and the world's
 * restart orders these writes before their next accesses.
 * @beta
 */
export function processAllDelayedStopped(t: QsbrThread): number {
  const heap = t.heap;
  const u32 = heap.u32;
  const i32 = heap.i32;
  const goal = qsbrAdvance(t);
  const ownHead = (t.slot + QSBR_SLOT_QUEUE_HEAD_OFFSET) >>> 2;
  const ownTail = (t.slot + QSBR_SLOT_QUEUE_TAIL_OFFSET) >>> 2;
  for (let k = 0; k < QSBR_CHUNK_DIR_ENTRIES; k++) {
    const chunk = chunkAddress(heap, t.shared, k);
    if (chunk === 0) break;
    const end = chunk + chunkSlots(k) * QSBR_SLOT_SIZE;
    for (let slot = chunk; slot < end; slot += QSBR_SLOT_SIZE) {
      if (slot === t.slot || u32[(slot + QSBR_SLOT_ALLOCATED_OFFSET) >>> 2] === 0) continue;
      const seqIndex = (slot + QSBR_SLOT_SEQ_OFFSET) >>> 2;
      if (Atomics.load(i32, seqIndex) !== QSBR_OFFLINE) Atomics.store(i32, seqIndex, goal);
      const head = u32[(slot + QSBR_SLOT_QUEUE_HEAD_OFFSET) >>> 2];
      if (head === 0) continue;
      const tail = u32[(slot + QSBR_SLOT_QUEUE_TAIL_OFFSET) >>> 2];
      if (u32[ownTail] === 0) u32[ownHead] = head;
      else u32[(u32[ownTail] + WORK_CHUNK_NEXT_OFFSET) >>> 2] = head;
      u32[ownTail] = tail;
      u32[(slot + QSBR_SLOT_QUEUE_HEAD_OFFSET) >>> 2] = 0;
      u32[(slot + QSBR_SLOT_QUEUE_TAIL_OFFSET) >>> 2] = 0;
    }
  }
  qsbrQuiescentState(t);
  const freed = (t.slot + QSBR_SLOT_FREED_OFFSET) >>> 2;
  const before = u32[freed];
  processDelayed(t);
  return u32[freed] - before;
}

/** SAFETY: the interpreter queue's mutex is held. */
function processInterpreterQueue(t: QsbrThread): void {
  const head = t.shared + QSBR_QUEUE_HEAD_OFFSET;
  processQueue(t, head, t.shared + QSBR_QUEUE_TAIL_OFFSET, false);
  Atomics.store(t.heap.i32, (t.shared + QSBR_INTERP_HAS_WORK_OFFSET) >>> 2, t.heap.u32[head >>> 2] !== 0 ? 1 : 0);
}

/**
 * Frees the ready items of the queue whose head and tail words are at
 * `headAddr`/`tailAddr`, in order, stopping at the first unready one
 * (`process_queue`). SAFETY: the caller owns the queue (own thread, or the
 * interpreter queue's mutex) and with it every chunk on it; `freed` is the
 * calling thread's own counter.
 */
function processQueue(t: QsbrThread, headAddr: number, tailAddr: number, keepEmpty: boolean): void {
  const heap = t.heap;
  const u32 = heap.u32;
  const freed = (t.slot + QSBR_SLOT_FREED_OFFSET) >>> 2;
  // Goals never decrease along a queue: poll again only when the goal changes.
  let reached = 0;
  let reachedAny = false;
  let chunk = u32[headAddr >>> 2];
  while (chunk !== 0) {
    checkChunk(heap, chunk);
    const rdIndex = (chunk + WORK_CHUNK_RD_IDX_OFFSET) >>> 2;
    const wrIndex = (chunk + WORK_CHUNK_WR_IDX_OFFSET) >>> 2;
    for (let rd = u32[rdIndex]; rd < u32[wrIndex]; rd = u32[rdIndex]) {
      const item = chunk + WORK_CHUNK_ITEMS_OFFSET + rd * WORK_ITEM_SIZE;
      const goal = heap.i32[(item + WORK_ITEM_GOAL_OFFSET) >>> 2];
      if (!reachedAny || goal !== reached) {
        if (!qsbrPoll(t, goal)) return;
        reached = goal;
        reachedAny = true;
      }
      // Consumed before the callback runs: a callback that queues more, or
      // throws, can never make this item run twice.
      u32[rdIndex] = rd + 1;
      t.registry.get(u32[(item + WORK_ITEM_FREE_ID_OFFSET) >>> 2])!(heap, u32[(item + WORK_ITEM_ADDRESS_OFFSET) >>> 2]);
      u32[freed]++;
    }
    const next = u32[(chunk + WORK_CHUNK_NEXT_OFFSET) >>> 2];
    if (keepEmpty && next === 0) {
      // Keep the last chunk for the next items instead of freeing and re-allocating it.
      u32[rdIndex] = 0;
      u32[wrIndex] = 0;
      return;
    }
    u32[headAddr >>> 2] = next;
    if (next === 0) u32[tailAddr >>> 2] = 0;
    regionFree(heap, chunk, WORK_CHUNK_SIZE);
    chunk = next;
  }
}

/** Fails fast on a stray chunk pointer. SAFETY: `chunk` is on a queue the caller owns. */
function checkChunk(heap: SharedHeap, chunk: number): void {
  if (heap.u32[(chunk + WORK_CHUNK_TAG_OFFSET) >>> 2] !== WORK_CHUNK_TAG) {
    fatalError(`delayed-free queue corrupted: ${formatAddress(chunk)} is not a work chunk`);
  }
}

/**
 * Blocks queued by this thread and not freed yet.
 * @public
 */
export function pendingDelayed(t: QsbrThread): number {
  const u32 = t.heap.u32;
  let pending = 0;
  // SAFETY: the thread's own queue.
  for (let chunk = u32[(t.slot + QSBR_SLOT_QUEUE_HEAD_OFFSET) >>> 2]; chunk !== 0; chunk = u32[(chunk + WORK_CHUNK_NEXT_OFFSET) >>> 2]) {
    pending += u32[(chunk + WORK_CHUNK_WR_IDX_OFFSET) >>> 2] - u32[(chunk + WORK_CHUNK_RD_IDX_OFFSET) >>> 2];
  }
  return pending;
}

/**
 * Unregisters the thread at exit (`_PyMem_AbandonDelayed` +
 * `_Py_qsbr_unregister`): the thread goes offline, advances the write
 * sequence once so that its last deferred goals become reachable, hands its
 * pending blocks to the interpreter queue, processes that at once, and
 * releases its slot for reuse.
 * @public
 */
export function qsbrUnregister(t: QsbrThread): void {
  // Offline first, so that our own published sequence does not hold back the
  // blocks we hand over.
  if (qsbrIsAttached(t)) qsbrDetach(t);
  abandonDelayed(t);
  releaseSlot(t);
}

/**
 * Hands the thread's pending blocks to the interpreter queue
 * (`_PyMem_AbandonDelayed`). SAFETY: the thread's own queue is its alone until
 * it is linked into the interpreter queue, which happens under that queue's
 * mutex, as do all the interpreter queue's plain accesses.
 */
function abandonDelayed(t: QsbrThread): void {
  const heap = t.heap;
  const u32 = heap.u32;
  const headIndex = (t.slot + QSBR_SLOT_QUEUE_HEAD_OFFSET) >>> 2;
  const tailIndex = (t.slot + QSBR_SLOT_QUEUE_TAIL_OFFSET) >>> 2;
  const head = u32[headIndex];
  const tail = u32[tailIndex];
  if (head === 0) return;
  u32[headIndex] = 0;
  u32[tailIndex] = 0;
  if (head === tail && u32[(head + WORK_CHUNK_RD_IDX_OFFSET) >>> 2] === u32[(head + WORK_CHUNK_WR_IDX_OFFSET) >>> 2]) {
    regionFree(heap, head, WORK_CHUNK_SIZE);
    return;
  }
  // Our last deferred goals are "one past the current write sequence": make
  // them reachable now, or they would wait for some other thread's advance.
  qsbrAdvance(t);
  const mutex = t.shared + QSBR_QUEUE_MUTEX_OFFSET;
  mutexLockFlags(heap, mutex, LOCK_DONT_DETACH);
  try {
    const interpTail = (t.shared + QSBR_QUEUE_TAIL_OFFSET) >>> 2;
    if (u32[interpTail] === 0) u32[(t.shared + QSBR_QUEUE_HEAD_OFFSET) >>> 2] = head;
    else u32[(u32[interpTail] + WORK_CHUNK_NEXT_OFFSET) >>> 2] = head;
    u32[interpTail] = tail;
    // Process right away (gh-130794): otherwise memory abandoned by exiting
    // threads could wait indefinitely for someone to look.
    processInterpreterQueue(t);
  } finally {
    mutexUnlock(heap, mutex);
  }
}

/**
 * Frees everything left in the interpreter queue at once, ready or not
 * (`_PyMem_FiniDelayed`). Only for when no other thread can read the heap any
 * more, e.g. at interpreter shutdown.
 * @returns how many blocks were freed.
 * @public
 */
export function qsbrFiniDelayed(heap: SharedHeap, shared: number, registry: FreeCallbackRegistry): number {
  checkQsbrShared(heap, shared);
  const u32 = heap.u32;
  const headIndex = (shared + QSBR_QUEUE_HEAD_OFFSET) >>> 2;
  let freedCount = 0;
  // SAFETY (every plain access in this function): no other thread is left
  // (the caller's promise), so the interpreter queue and its chunks are ours.
  for (let chunk = u32[headIndex]; chunk !== 0; ) {
    checkChunk(heap, chunk);
    for (let rd = u32[(chunk + WORK_CHUNK_RD_IDX_OFFSET) >>> 2]; rd < u32[(chunk + WORK_CHUNK_WR_IDX_OFFSET) >>> 2]; rd++) {
      const item = chunk + WORK_CHUNK_ITEMS_OFFSET + rd * WORK_ITEM_SIZE;
      u32[(chunk + WORK_CHUNK_RD_IDX_OFFSET) >>> 2] = rd + 1;
      const callback = registry.get(u32[(item + WORK_ITEM_FREE_ID_OFFSET) >>> 2]);
      if (callback === undefined) fatalError(`qsbrFiniDelayed: unknown delayed-free callback id at ${formatAddress(item)}`);
      callback(heap, u32[(item + WORK_ITEM_ADDRESS_OFFSET) >>> 2]);
      freedCount++;
    }
    const next = u32[(chunk + WORK_CHUNK_NEXT_OFFSET) >>> 2];
    regionFree(heap, chunk, WORK_CHUNK_SIZE);
    chunk = next;
  }
  u32[headIndex] = 0;
  u32[(shared + QSBR_QUEUE_TAIL_OFFSET) >>> 2] = 0;
  Atomics.store(heap.i32, (shared + QSBR_INTERP_HAS_WORK_OFFSET) >>> 2, 0);
  Atomics.add(u32, (shared + QSBR_FREED_ITEMS_OFFSET) >>> 2, freedCount);
  return freedCount;
}
