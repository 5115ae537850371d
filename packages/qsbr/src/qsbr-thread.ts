/**
 * Quiescent-state-based reclamation, per thread (CPython `Python/qsbr.c`,
 * after FreeBSD's "global unbounded sequences").
 *
 * Writers retire memory with a goal: a write-sequence value. Each online
 * thread publishes the last write sequence it has seen at a quiescent state,
 * a point where it holds no pointer it read without a lock; a detached thread
 * publishes 0 and holds nobody back. Once every online thread's published
 * sequence has reached a goal, nobody can still see memory retired before it.
 *
 * Hot paths: `qsbrQuiescentState` is one `Atomics.load` when the write
 * sequence has not moved since the last call (the owner caches what it
 * published), two otherwise; `qsbrGoalReached` and the fast check of
 * `qsbrPoll` are one load of the shared read sequence.
 */

import { fatalError, formatAddress, mutexLock, mutexUnlock, regionAlloc, yieldThread, type SharedHeap } from '@ft/atomics';
import type { FreeCallbackRegistry } from './free-callback-registry.js';
import {
  QSBR_CHUNK_DIR_ENTRIES,
  QSBR_CHUNK_DIR_ENTRY_SIZE,
  QSBR_CHUNK_DIR_OFFSET,
  QSBR_FREE_LIST_OFFSET,
  QSBR_FREED_ITEMS_OFFSET,
  QSBR_LIVE_THREADS_OFFSET,
  QSBR_MUTEX_OFFSET,
  QSBR_QUEUED_ITEMS_OFFSET,
  QSBR_RD_SEQ_OFFSET,
  QSBR_REGISTRY_PRINT_OFFSET,
  QSBR_SLOT_ALLOCATED_OFFSET,
  QSBR_SLOT_FREE_NEXT_OFFSET,
  QSBR_SLOT_FREED_OFFSET,
  QSBR_SLOT_QUEUE_HEAD_OFFSET,
  QSBR_SLOT_QUEUE_TAIL_OFFSET,
  QSBR_SLOT_QUEUED_OFFSET,
  QSBR_SLOT_SEQ_OFFSET,
  QSBR_SLOT_SIZE,
  QSBR_SLOT_TID_OFFSET,
  QSBR_WR_SEQ_OFFSET,
} from './layout.js';
import { checkQsbrShared, chunkAddress, chunkSlots } from './qsbr-shared.js';
import { QSBR_DEFERRED_LIMIT, QSBR_INCR, QSBR_OFFLINE, seqLessOrEqual, seqLessThan } from './sequence.js';

/**
 * One thread's registration in a QSBR state (CPython `_qsbr_thread_state`
 * plus the thread's delayed-free queue). Thread-local: create it with
 * {@link qsbrRegister} on the thread that uses it.
 * @public
 */
export class QsbrThread {
  /** This thread's view of the heap. */
  readonly heap: SharedHeap;
  /** Address of the QSBR state. */
  readonly shared: number;
  /** Address of this thread's 64-byte slot (slots never move). */
  readonly slot: number;
  /** Delayed-free callbacks, identical in every thread. */
  readonly registry: FreeCallbackRegistry;
  /** `i32` index of the shared write sequence. */
  readonly wrSeqIndex: number;
  /** `i32` index of the shared read sequence. */
  readonly rdSeqIndex: number;
  /** `i32` index of this thread's published sequence. */
  readonly seqIndex: number;
  /** What this thread last published (owner's cache; 0 while detached). */
  publishedSeq = QSBR_OFFLINE;
  /** Deferred-advance calls since the last real advance. */
  deferrals = 0;
  /** True after {@link qsbrUnregister}. */
  unregistered = false;
  /** True while this thread is processing its delayed-free queues. */
  processing = false;

  /** @internal */
  constructor(heap: SharedHeap, shared: number, slot: number, registry: FreeCallbackRegistry) {
    this.heap = heap;
    this.shared = shared;
    this.slot = slot;
    this.registry = registry;
    this.wrSeqIndex = (shared + QSBR_WR_SEQ_OFFSET) >>> 2;
    this.rdSeqIndex = (shared + QSBR_RD_SEQ_OFFSET) >>> 2;
    this.seqIndex = (slot + QSBR_SLOT_SEQ_OFFSET) >>> 2;
  }
}

/**
 * Registers the calling thread (CPython `_Py_qsbr_reserve` + `_Py_qsbr_register`):
 * takes a free slot, growing the slot table by a new chunk when none is free.
 * The thread starts detached; call {@link qsbrAttach}. Throws when the
 * thread's callback registry differs from the one the first thread registered
 * with, or when the heap has no memory for a new chunk.
 * @example
 * ```ts
 * const t = qsbrRegister(heap, qsbrAddress, registry);
 * qsbrAttach(t);
 * // … lock-free reads, qsbrQuiescentState(t) between them …
 * qsbrUnregister(t);
 * ```
 * @public
 */
export function qsbrRegister(heap: SharedHeap, shared: number, registry: FreeCallbackRegistry): QsbrThread {
  checkQsbrShared(heap, shared);
  checkRegistry(heap, shared, registry);
  const mutex = shared + QSBR_MUTEX_OFFSET;
  mutexLock(heap, mutex);
  let slot: number;
  try {
    slot = reserveSlot(heap, shared);
    const u32 = heap.u32;
    // SAFETY: slot bookkeeping is written under the QSBR mutex; seq stays 0
    // (offline) until the owner attaches.
    u32[(slot + QSBR_SLOT_ALLOCATED_OFFSET) >>> 2] = 1;
    u32[(slot + QSBR_SLOT_FREE_NEXT_OFFSET) >>> 2] = 0;
    u32[(slot + QSBR_SLOT_TID_OFFSET) >>> 2] = heap.tid;
    u32[(slot + QSBR_SLOT_QUEUE_HEAD_OFFSET) >>> 2] = 0;
    u32[(slot + QSBR_SLOT_QUEUE_TAIL_OFFSET) >>> 2] = 0;
    u32[(slot + QSBR_SLOT_QUEUED_OFFSET) >>> 2] = 0;
    u32[(slot + QSBR_SLOT_FREED_OFFSET) >>> 2] = 0;
    Atomics.add(u32, (shared + QSBR_LIVE_THREADS_OFFSET) >>> 2, 1);
  } finally {
    mutexUnlock(heap, mutex);
  }
  return new QsbrThread(heap, shared, slot, registry);
}

function checkRegistry(heap: SharedHeap, shared: number, registry: FreeCallbackRegistry): void {
  const print = registry.fingerprint();
  const index = (shared + QSBR_REGISTRY_PRINT_OFFSET) >>> 2;
  const seen = Atomics.compareExchange(heap.u32, index, 0, print);
  if (seen !== 0 && seen !== print) {
    throw new Error(
      `qsbrRegister: this thread's delayed-free callbacks (${registry.registeredNames.join(', ') || 'none'}; fingerprint 0x${print.toString(16)}) ` +
        `differ from those of the threads already registered (fingerprint 0x${seen.toString(16)}); every thread must register the same callbacks in the same order`,
    );
  }
}

/** Pops a free slot, adding a chunk when there is none. SAFETY: QSBR mutex held. */
function reserveSlot(heap: SharedHeap, shared: number): number {
  const u32 = heap.u32;
  let slot = u32[(shared + QSBR_FREE_LIST_OFFSET) >>> 2];
  if (slot === 0) {
    growSlotTable(heap, shared);
    slot = u32[(shared + QSBR_FREE_LIST_OFFSET) >>> 2];
  }
  u32[(shared + QSBR_FREE_LIST_OFFSET) >>> 2] = u32[(slot + QSBR_SLOT_FREE_NEXT_OFFSET) >>> 2];
  return slot;
}

/**
 * Publishes one more chunk of slots. Existing slots never move, so a thread
 * scanning the table meanwhile sees either the old chunks or the old ones plus
 * the new, whose slots are all offline. SAFETY: QSBR mutex held; the new
 * chunk's slots are written before the Atomics.store that publishes it.
 */
function growSlotTable(heap: SharedHeap, shared: number): void {
  let k = 0;
  while (k < QSBR_CHUNK_DIR_ENTRIES && chunkAddress(heap, shared, k) !== 0) k++;
  if (k === QSBR_CHUNK_DIR_ENTRIES) throw new Error('qsbrRegister: the QSBR slot table is full');
  const n = chunkSlots(k);
  const chunk = regionAlloc(heap, n * QSBR_SLOT_SIZE, QSBR_SLOT_SIZE);
  if (chunk === 0) throw new Error(`qsbrRegister: out of shared memory for ${n} more QSBR slots`);
  const u32 = heap.u32;
  for (let i = 0; i < n; i++) {
    const slot = chunk + i * QSBR_SLOT_SIZE;
    u32[(slot + QSBR_SLOT_FREE_NEXT_OFFSET) >>> 2] = i + 1 < n ? slot + QSBR_SLOT_SIZE : 0;
  }
  u32[(shared + QSBR_FREE_LIST_OFFSET) >>> 2] = chunk;
  Atomics.store(u32, (shared + QSBR_CHUNK_DIR_OFFSET + k * QSBR_CHUNK_DIR_ENTRY_SIZE) >>> 2, chunk);
}

/**
 * Releases the slot for reuse (CPython `_Py_qsbr_unregister`). Detaches first
 * if needed; blocks still queued for delayed free must have been handed off
 * already (`qsbrUnregister` from the package index does that).
 * @internal
 */
export function releaseSlot(t: QsbrThread): void {
  if (t.unregistered) fatalError(`QSBR slot ${formatAddress(t.slot)} unregistered twice`);
  if (t.publishedSeq !== QSBR_OFFLINE) qsbrDetach(t);
  const { heap, shared, slot } = t;
  const mutex = shared + QSBR_MUTEX_OFFSET;
  mutexLock(heap, mutex);
  try {
    const u32 = heap.u32;
    // SAFETY: slot bookkeeping and the free list are written under the QSBR mutex.
    u32[(slot + QSBR_SLOT_ALLOCATED_OFFSET) >>> 2] = 0;
    u32[(slot + QSBR_SLOT_TID_OFFSET) >>> 2] = 0;
    u32[(slot + QSBR_SLOT_FREE_NEXT_OFFSET) >>> 2] = u32[(shared + QSBR_FREE_LIST_OFFSET) >>> 2];
    u32[(shared + QSBR_FREE_LIST_OFFSET) >>> 2] = slot;
    // The slot's counters fold into the totals, so statistics survive the thread.
    Atomics.add(u32, (shared + QSBR_QUEUED_ITEMS_OFFSET) >>> 2, Atomics.exchange(u32, (slot + QSBR_SLOT_QUEUED_OFFSET) >>> 2, 0));
    Atomics.add(u32, (shared + QSBR_FREED_ITEMS_OFFSET) >>> 2, Atomics.exchange(u32, (slot + QSBR_SLOT_FREED_OFFSET) >>> 2, 0));
    Atomics.sub(u32, (shared + QSBR_LIVE_THREADS_OFFSET) >>> 2, 1);
  } finally {
    mutexUnlock(heap, mutex);
  }
  t.unregistered = true;
}

/**
 * Goes online: publishes the current write sequence (CPython `_Py_qsbr_attach`).
 * @public
 */
export function qsbrAttach(t: QsbrThread): void {
  if (t.publishedSeq !== QSBR_OFFLINE) fatalError(`QSBR slot ${formatAddress(t.slot)} attached twice`);
  const seq = Atomics.load(t.heap.i32, t.wrSeqIndex);
  // A sequentially consistent store, as CPython requires (it pairs with the scan).
  Atomics.store(t.heap.i32, t.seqIndex, seq);
  t.publishedSeq = seq;
}

/**
 * Goes offline: the thread holds no lock-free pointers and holds nobody back
 * (CPython `_Py_qsbr_detach`).
 * @public
 */
export function qsbrDetach(t: QsbrThread): void {
  if (t.publishedSeq === QSBR_OFFLINE) fatalError(`QSBR slot ${formatAddress(t.slot)} detached while not attached`);
  Atomics.store(t.heap.i32, t.seqIndex, QSBR_OFFLINE);
  t.publishedSeq = QSBR_OFFLINE;
}

/**
 * Whether the thread is online.
 * @public
 */
export function qsbrIsAttached(t: QsbrThread): boolean {
  return t.publishedSeq !== QSBR_OFFLINE;
}

/**
 * Reports a quiescent state: the thread holds no pointer it read without a
 * lock (CPython `_Py_qsbr_quiescent_state`). A no-op while detached.
 * @public
 */
export function qsbrQuiescentState(t: QsbrThread): void {
  const seq = Atomics.load(t.heap.i32, t.wrSeqIndex);
  if (seq !== t.publishedSeq && t.publishedSeq !== QSBR_OFFLINE) {
    Atomics.store(t.heap.i32, t.seqIndex, seq);
    t.publishedSeq = seq;
  }
}

/**
 * Advances the write sequence and returns the new value, the goal for memory
 * retired before the call (CPython `_Py_qsbr_advance`).
 * @public
 */
export function qsbrAdvance(t: QsbrThread): number {
  return (Atomics.add(t.heap.i32, t.wrSeqIndex, QSBR_INCR) + QSBR_INCR) | 0;
}

/**
 * A goal for memory retired now, advancing the shared write sequence only on
 * every tenth call: the other calls return "one step past the current value",
 * reached once somebody advances (CPython 3.13 `_Py_qsbr_deferred_advance`).
 * @public
 */
export function qsbrDeferredAdvance(t: QsbrThread): number {
  if (++t.deferrals < QSBR_DEFERRED_LIMIT) {
    return (Atomics.load(t.heap.i32, t.wrSeqIndex) + QSBR_INCR) | 0;
  }
  t.deferrals = 0;
  return qsbrAdvance(t);
}

/**
 * Whether `goal` is known to be reached, from the shared read sequence alone
 * (CPython `_Py_qsbr_goal_reached`).
 * @public
 */
export function qsbrGoalReached(t: QsbrThread, goal: number): boolean {
  return seqLessOrEqual(goal, Atomics.load(t.heap.i32, t.rdSeqIndex));
}

/**
 * Whether every online thread has passed `goal` (CPython `_Py_qsbr_poll`):
 * the cached read sequence first, then a scan of the online threads, which
 * also moves the shared read sequence forward for everyone.
 * @public
 */
export function qsbrPoll(t: QsbrThread, goal: number): boolean {
  if (seqLessOrEqual(goal, Atomics.load(t.heap.i32, t.rdSeqIndex))) return true;
  return seqLessOrEqual(goal, qsbrPollScan(t));
}

/**
 * Scans every slot and raises the read sequence to the oldest sequence an
 * online thread has published (CPython `qsbr_poll_scan`). CPython's seq_cst
 * fence before the scan is implied here: every `Atomics` access is
 * sequentially consistent.
 * @returns the read sequence after the scan.
 * @public
 */
export function qsbrPollScan(t: QsbrThread): number {
  const heap = t.heap;
  const i32 = heap.i32;
  const minSeq = oldestOnlineSeq(heap, t.shared, Atomics.load(i32, t.wrSeqIndex), 0);
  const rd = Atomics.load(i32, t.rdSeqIndex);
  if (!seqLessThan(rd, minSeq)) return rd;
  // A failed CAS means another poller moved it; ours is still a valid bound.
  Atomics.compareExchange(i32, t.rdSeqIndex, rd, minSeq);
  return minSeq;
}

/**
 * The oldest sequence published by an online thread, starting from `minSeq`
 * (the write sequence); the slot at `skipSlot` is ignored.
 */
function oldestOnlineSeq(heap: SharedHeap, shared: number, minSeq: number, skipSlot: number): number {
  const i32 = heap.i32;
  for (let k = 0; k < QSBR_CHUNK_DIR_ENTRIES; k++) {
    const chunk = chunkAddress(heap, shared, k);
    if (chunk === 0) break;
    const end = chunk + chunkSlots(k) * QSBR_SLOT_SIZE;
    for (let slot = chunk; slot < end; slot += QSBR_SLOT_SIZE) {
      const seq = Atomics.load(i32, (slot + QSBR_SLOT_SEQ_OFFSET) >>> 2);
      if (seq !== QSBR_OFFLINE && seqLessThan(seq, minSeq) && slot !== skipSlot) minSeq = seq;
    }
  }
  return minSeq;
}

/**
 * Waits until every *other* online thread has passed a fresh goal: a full
 * grace period, as `synchronize_rcu` gives. The caller's own slot is ignored
 * (it is the one retiring the memory), so it must not keep lock-free pointers
 * to what it retires. Other threads must reach quiescent states or detach,
 * or this waits forever; it is the out-of-memory fallback of delayed free,
 * where CPython stops the world instead.
 * @public
 */
export function qsbrSynchronize(t: QsbrThread, spinRounds = 1000): void {
  const goal = qsbrAdvance(t);
  const i32 = t.heap.i32;
  for (let round = 0; ; round++) {
    const oldest = oldestOnlineSeq(t.heap, t.shared, Atomics.load(i32, t.wrSeqIndex), t.slot);
    if (seqLessOrEqual(goal, oldest)) return;
    if (round >= spinRounds) yieldThread();
  }
}
