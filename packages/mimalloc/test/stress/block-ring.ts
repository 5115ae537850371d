/**
 * The inboxes through which stress workers hand blocks to each other: one
 * bounded ring per receiving worker, any worker may push, only the owner
 * pops. A PyMutex (from @ft/atomics) guards the indices and entries, so the
 * plain writes of a block's pattern by the sender happen-before the
 * receiver's reads (the mutex's Atomics operations order them).
 *
 * Inbox layout (64-byte header, then `capacity` entries of 16 bytes):
 *
 *  off  width  field     writer / reader, order
 *  0    u8     mutex     PyMutex byte
 *  4    u32    head      owner, under the mutex (plain): next entry to pop
 *  8    u32    tail      senders, under the mutex (Atomics.store) / owner peeks with Atomics.load
 *  64   16 × capacity    entries {address, size, cookie, tag}, under the mutex (plain)
 *
 * Indices count up without wrapping back (u32; the distance tail - head is
 * what matters), entry = index % capacity.
 */

import { mutexLock, mutexUnlock, regionAlloc, type SharedHeap } from '@ft/atomics';

const RING_MUTEX_OFFSET = 0;
const RING_HEAD_OFFSET = 4;
const RING_TAIL_OFFSET = 8;
const RING_ENTRIES_OFFSET = 64;
const ENTRY_SIZE = 16;

/** Bytes of one inbox with room for `capacity` entries (a multiple of 64). */
export function ringBytes(capacity: number): number {
  return Math.ceil((RING_ENTRIES_OFFSET + capacity * ENTRY_SIZE) / 64) * 64;
}

/** Allocates `count` zeroed inboxes of `capacity` entries each; returns the first one's address. */
export function ringsCreate(heap: SharedHeap, count: number, capacity: number): number {
  const rings = regionAlloc(heap, count * ringBytes(capacity), 64);
  if (rings === 0) throw new Error('block rings: out of shared memory');
  return rings;
}

/** Address of inbox `index`. */
export function ringAddress(rings: number, capacity: number, index: number): number {
  return rings + index * ringBytes(capacity);
}

/** Pushes a block descriptor; false when the inbox is full. */
export function ringPush(heap: SharedHeap, ring: number, capacity: number, address: number, size: number, cookie: number, tag: number): boolean {
  const u32 = heap.u32;
  mutexLock(heap, ring + RING_MUTEX_OFFSET);
  // SAFETY: head, tail and the entries are written only under the inbox mutex.
  const head = u32[(ring + RING_HEAD_OFFSET) >>> 2];
  const tail = u32[(ring + RING_TAIL_OFFSET) >>> 2];
  if (((tail - head) >>> 0) >= capacity) {
    mutexUnlock(heap, ring + RING_MUTEX_OFFSET);
    return false;
  }
  const entry = ring + RING_ENTRIES_OFFSET + (tail % capacity) * ENTRY_SIZE;
  u32[entry >>> 2] = address;
  u32[(entry + 4) >>> 2] = size;
  u32[(entry + 8) >>> 2] = cookie;
  u32[(entry + 12) >>> 2] = tag;
  Atomics.store(u32, (ring + RING_TAIL_OFFSET) >>> 2, (tail + 1) >>> 0);
  mutexUnlock(heap, ring + RING_MUTEX_OFFSET);
  return true;
}

/** Whether the inbox may hold entries (owner's lock-free peek; exact once senders have stopped). */
export function ringMaybeNonEmpty(heap: SharedHeap, ring: number, head: number): boolean {
  return Atomics.load(heap.u32, (ring + RING_TAIL_OFFSET) >>> 2) !== head;
}

/**
 * Owner: moves every entry into `out` (4 numbers per entry, `out` sized for
 * the capacity) and returns how many entries were taken.
 */
export function ringPopAll(heap: SharedHeap, ring: number, capacity: number, out: Uint32Array): number {
  const u32 = heap.u32;
  mutexLock(heap, ring + RING_MUTEX_OFFSET);
  // SAFETY: under the inbox mutex.
  let head = u32[(ring + RING_HEAD_OFFSET) >>> 2];
  const tail = u32[(ring + RING_TAIL_OFFSET) >>> 2];
  let n = 0;
  while (head !== tail) {
    const entry = ring + RING_ENTRIES_OFFSET + (head % capacity) * ENTRY_SIZE;
    out[4 * n] = u32[entry >>> 2];
    out[4 * n + 1] = u32[(entry + 4) >>> 2];
    out[4 * n + 2] = u32[(entry + 8) >>> 2];
    out[4 * n + 3] = u32[(entry + 12) >>> 2];
    n++;
    head = (head + 1) >>> 0;
  }
  u32[(ring + RING_HEAD_OFFSET) >>> 2] = head;
  mutexUnlock(heap, ring + RING_MUTEX_OFFSET);
  return n;
}

/** The owner's head index (for {@link ringMaybeNonEmpty}); SAFETY: only the owner writes it. */
export function ringHead(heap: SharedHeap, ring: number): number {
  return heap.u32[(ring + RING_HEAD_OFFSET) >>> 2];
}

/** Entries waiting (for checks after the workers joined). */
export function ringLength(heap: SharedHeap, ring: number): number {
  return (heap.u32[(ring + RING_TAIL_OFFSET) >>> 2] - heap.u32[(ring + RING_HEAD_OFFSET) >>> 2]) >>> 0;
}
