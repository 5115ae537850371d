/**
 * The per-interpreter QSBR state (CPython `_qsbr_shared`): the write and read
 * sequences, the segmented table of per-thread slots, and the interpreter's
 * delayed-free queue that exiting threads hand their leftovers to. It lives in
 * the shared heap; threads find it by its address.
 */

import { fatalError, formatAddress, regionAlloc, type SharedHeap } from '@ft/atomics';
import {
  QSBR_CHUNK_DIR_ENTRIES,
  QSBR_CHUNK_DIR_ENTRY_SIZE,
  QSBR_CHUNK_DIR_OFFSET,
  QSBR_FIRST_CHUNK_SLOTS,
  QSBR_FREED_ITEMS_OFFSET,
  QSBR_INTERP_HAS_WORK_OFFSET,
  QSBR_LAYOUT_VERSION,
  QSBR_LAYOUT_VERSION_OFFSET,
  QSBR_LIVE_THREADS_OFFSET,
  QSBR_QUEUED_ITEMS_OFFSET,
  QSBR_RD_SEQ_OFFSET,
  QSBR_SHARED_SIZE,
  QSBR_SLOT_FREED_OFFSET,
  QSBR_SLOT_QUEUED_OFFSET,
  QSBR_SLOT_SEQ_OFFSET,
  QSBR_SLOT_SIZE,
  QSBR_TAG,
  QSBR_TAG_OFFSET,
  QSBR_WR_SEQ_OFFSET,
} from './layout.js';
import { QSBR_INITIAL, QSBR_OFFLINE } from './sequence.js';

/**
 * Options of {@link qsbrCreate}.
 * @public
 */
export interface QsbrOptions {
  /**
   * First value of the write and read sequences (odd; default 1). Tests start
   * near 2^32 to cross the wrap-around.
   */
  initialSequence?: number;
}

/**
 * A snapshot of a QSBR state, for reports and leak checks.
 * @public
 */
export interface QsbrStats {
  /** Current write sequence (as a u32). */
  wrSeq: number;
  /** Highest sequence every online thread is known to have passed (as a u32). */
  rdSeq: number;
  /** Threads registered now. */
  threads: number;
  /** Thread slots allocated (registered or free). */
  slotCapacity: number;
  /** Threads online (attached) at the time of the scan. */
  online: number;
  /** Blocks ever queued with `freeDelayed` (racy while threads run: for reports and leak checks). */
  queuedItems: number;
  /** Blocks freed by processing so far. */
  freedItems: number;
  /** Whether the interpreter queue (left by exited threads) holds work. */
  interpreterQueueHasWork: boolean;
}

/**
 * Creates the QSBR state of one interpreter in the heap and returns its
 * address (0 when the heap is out of memory).
 * @example
 * ```ts
 * const qsbr = qsbrCreate(heap);
 * new Worker(url, { workerData: { heap: heap.handle(), qsbr } });
 * ```
 * @public
 */
export function qsbrCreate(heap: SharedHeap, options: QsbrOptions = {}): number {
  const initial = options.initialSequence ?? QSBR_INITIAL;
  if (!Number.isInteger(initial) || initial < 0 || initial > 0xffffffff || (initial & 1) !== 1) {
    throw new RangeError(`initialSequence must be an odd u32, got ${initial}`);
  }
  const shared = regionAlloc(heap, QSBR_SHARED_SIZE);
  if (shared === 0) return 0;
  // SAFETY: nobody knows the address before we return it.
  const u32 = heap.u32;
  u32[(shared + QSBR_LAYOUT_VERSION_OFFSET) >>> 2] = QSBR_LAYOUT_VERSION;
  heap.i32[(shared + QSBR_WR_SEQ_OFFSET) >>> 2] = initial | 0;
  heap.i32[(shared + QSBR_RD_SEQ_OFFSET) >>> 2] = initial | 0;
  Atomics.store(u32, (shared + QSBR_TAG_OFFSET) >>> 2, QSBR_TAG);
  return shared;
}

/**
 * Fails with a clear error unless `shared` is QSBR state of this layout version.
 * @internal
 */
export function checkQsbrShared(heap: SharedHeap, shared: number): void {
  if (!Number.isInteger(shared) || shared <= 0 || shared % 4 !== 0 || shared + QSBR_SHARED_SIZE > heap.size) {
    fatalError(`${formatAddress(shared)} is not a QSBR state address`);
  }
  const tag = Atomics.load(heap.u32, (shared + QSBR_TAG_OFFSET) >>> 2);
  // SAFETY: immutable; the creator wrote it before its Atomics.store of the tag, loaded just above.
  const version = heap.u32[(shared + QSBR_LAYOUT_VERSION_OFFSET) >>> 2];
  if (tag !== QSBR_TAG || version !== QSBR_LAYOUT_VERSION) {
    fatalError(
      `${formatAddress(shared)} is not QSBR state of layout version ${QSBR_LAYOUT_VERSION} (tag 0x${tag.toString(16)}, version ${version})`,
    );
  }
}

/**
 * Slots in chunk `k` of the slot table.
 * @internal
 */
export function chunkSlots(k: number): number {
  return QSBR_FIRST_CHUNK_SLOTS << k;
}

/**
 * Address of chunk `k` of the slot table, or 0 if it does not exist yet.
 * @internal
 */
export function chunkAddress(heap: SharedHeap, shared: number, k: number): number {
  return Atomics.load(heap.u32, (shared + QSBR_CHUNK_DIR_OFFSET + k * QSBR_CHUNK_DIR_ENTRY_SIZE) >>> 2);
}

/**
 * Statistics of a QSBR state (reads every slot: not for hot paths).
 * @public
 */
export function qsbrStats(heap: SharedHeap, shared: number): QsbrStats {
  checkQsbrShared(heap, shared);
  const u32 = heap.u32;
  let slotCapacity = 0;
  let online = 0;
  let queuedItems = Atomics.load(u32, (shared + QSBR_QUEUED_ITEMS_OFFSET) >>> 2);
  let freedItems = Atomics.load(u32, (shared + QSBR_FREED_ITEMS_OFFSET) >>> 2);
  for (let k = 0; k < QSBR_CHUNK_DIR_ENTRIES; k++) {
    const chunk = chunkAddress(heap, shared, k);
    if (chunk === 0) break;
    const n = chunkSlots(k);
    slotCapacity += n;
    for (let slot = chunk; slot < chunk + n * QSBR_SLOT_SIZE; slot += QSBR_SLOT_SIZE) {
      if (Atomics.load(u32, (slot + QSBR_SLOT_SEQ_OFFSET) >>> 2) !== QSBR_OFFLINE) online++;
      queuedItems += Atomics.load(u32, (slot + QSBR_SLOT_QUEUED_OFFSET) >>> 2);
      freedItems += Atomics.load(u32, (slot + QSBR_SLOT_FREED_OFFSET) >>> 2);
    }
  }
  return {
    wrSeq: Atomics.load(u32, (shared + QSBR_WR_SEQ_OFFSET) >>> 2),
    rdSeq: Atomics.load(u32, (shared + QSBR_RD_SEQ_OFFSET) >>> 2),
    threads: Atomics.load(u32, (shared + QSBR_LIVE_THREADS_OFFSET) >>> 2),
    slotCapacity,
    online,
    queuedItems,
    freedItems,
    interpreterQueueHasWork: Atomics.load(heap.i32, (shared + QSBR_INTERP_HAS_WORK_OFFSET) >>> 2) !== 0,
  };
}
