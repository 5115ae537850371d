/**
 * The region allocator: the "operating system" of the shared heap. Allocators
 * above (mimalloc segments, pymalloc arenas, QSBR tables) take aligned regions
 * from it, as CPython's take memory from mmap, and give them back.
 *
 * Regions are multiples of a 4 KiB granule in [regionStart, heap end). Never-used
 * memory above a bump pointer is handed out first-fit after the free extents,
 * which form an address-ordered list stored inside the free memory itself and
 * coalesce with their neighbours on release; an extent that reaches the bump
 * pointer lowers it instead. One raw mutex guards it all: regions are large and
 * rare, so the lock is never hot. Every region handed out reads as zeros, like
 * fresh mmap memory. Sizes and alignments that cannot fit fail with 0 and never
 * wrap around.
 */

import { fatalError, formatAddress } from './fatal.js';
import {
  FREE_EXTENT_NEXT_OFFSET,
  FREE_EXTENT_SIZE_OFFSET,
  HEAP_REGION_BUMP_OFFSET,
  HEAP_REGION_FREE_HEAD_OFFSET,
  HEAP_REGION_HIGH_WATER_OFFSET,
  HEAP_REGION_LOCK_OFFSET,
  HEAP_REGION_START_OFFSET,
  HEAP_REGIONS_IN_USE_OFFSET,
  HEAP_REGION_BYTES_IN_USE_OFFSET,
  REGION_GRANULE_SIZE,
} from './layout.js';
import { rawMutexLock, rawMutexUnlock } from './raw-mutex.js';
import type { HeapContext } from './heap-context.js';

/**
 * Occupancy of the region area (a consistent snapshot taken under the lock).
 * @public
 */
export interface RegionStats {
  /** Bytes in regions handed out and not yet released. */
  bytesInUse: number;
  /** Regions handed out and not yet released. */
  regionsInUse: number;
  /** Released bytes waiting for reuse below the bump pointer. */
  freeBytes: number;
  /** Number of free extents (fragmentation). */
  freeExtents: number;
  /** Bytes never handed out yet, above the bump pointer. */
  untouchedBytes: number;
  /** Total bytes of the region area. */
  capacity: number;
}

/** Address of the raw mutex word that guards every bookkeeping word below. */
const LOCK_ADDRESS = HEAP_REGION_LOCK_OFFSET;

function regionEnd(heap: HeapContext): number {
  return Math.floor(heap.size / REGION_GRANULE_SIZE) * REGION_GRANULE_SIZE;
}

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/**
 * Allocates a zero-filled region of at least `size` bytes whose address is a
 * multiple of `align` (a power of two; at least the 4 KiB granule is used).
 * Returns 0 when the request cannot be satisfied or is malformed (size not a
 * positive integer, larger than the heap, alignment not a power of two).
 * Thread-safe.
 * @example
 * ```ts
 * const segment = regionAlloc(heap, 4 << 20, 4 << 20); // 4 MiB, 4 MiB-aligned
 * if (segment === 0) throw new Error('out of shared memory');
 * regionFree(heap, segment, 4 << 20);
 * ```
 * @public
 */
export function regionAlloc(heap: HeapContext, size: number, align: number = REGION_GRANULE_SIZE): number {
  if (!Number.isInteger(size) || size <= 0 || size > heap.size) return 0;
  if (!Number.isInteger(align) || align <= 0 || align > 0x80000000 || (align & (align - 1)) !== 0) return 0;
  const bytes = alignUp(size, REGION_GRANULE_SIZE);
  const alignment = Math.max(align, REGION_GRANULE_SIZE);
  rawMutexLock(heap, LOCK_ADDRESS);
  try {
    const u32 = heap.u32;
    // SAFETY: the region lock is held; the bookkeeping words are touched only under it.
    const highWater = u32[HEAP_REGION_HIGH_WATER_OFFSET >>> 2];
    const addr = takeFromFreeList(heap, bytes, alignment) || takeFromBump(heap, bytes, alignment);
    if (addr === 0) return 0;
    // SAFETY: statistics words are written under the region lock only.
    u32[HEAP_REGION_BYTES_IN_USE_OFFSET >>> 2] += bytes;
    u32[HEAP_REGIONS_IN_USE_OFFSET >>> 2] += 1;
    // Memory below the high-water mark may hold anything (the bump pointer
    // falls back when regions at its edge are released); above it, it is
    // still the zero memory the buffer was created with.
    // SAFETY: plain stores — the region is not handed out yet.
    const dirtyEnd = Math.min(addr + bytes, highWater);
    if (dirtyEnd > addr) heap.fill(addr, 0, dirtyEnd - addr);
    return addr;
  } finally {
    rawMutexUnlock(heap, LOCK_ADDRESS);
  }
}

/**
 * First fit among the free extents, splitting off what is left. SAFETY: the
 * region lock is held; it guards the free list and the extent headers, which
 * lie in memory nobody else owns.
 */
function takeFromFreeList(heap: HeapContext, bytes: number, alignment: number): number {
  const u32 = heap.u32;
  let prev = 0;
  let extent = u32[HEAP_REGION_FREE_HEAD_OFFSET >>> 2];
  while (extent !== 0) {
    const extentSize = u32[(extent + FREE_EXTENT_SIZE_OFFSET) >>> 2];
    const next = u32[(extent + FREE_EXTENT_NEXT_OFFSET) >>> 2];
    const addr = alignUp(extent, alignment);
    const end = extent + extentSize;
    if (addr + bytes <= end) {
      // Split into [extent, addr) and [addr + bytes, end), either may be empty.
      let link = next;
      if (addr + bytes < end) {
        writeExtent(heap, addr + bytes, end - addr - bytes, link);
        link = addr + bytes;
      }
      if (addr > extent) {
        writeExtent(heap, extent, addr - extent, link);
      } else {
        setNext(heap, prev, link);
      }
      return addr;
    }
    prev = extent;
    extent = next;
  }
  return 0;
}

/** Carves from never-used memory. SAFETY: the region lock is held. */
function takeFromBump(heap: HeapContext, bytes: number, alignment: number): number {
  const u32 = heap.u32;
  const bump = u32[HEAP_REGION_BUMP_OFFSET >>> 2];
  const addr = alignUp(bump, alignment);
  if (addr + bytes > regionEnd(heap)) return 0;
  u32[HEAP_REGION_BUMP_OFFSET >>> 2] = addr + bytes;
  if (addr + bytes > u32[HEAP_REGION_HIGH_WATER_OFFSET >>> 2]) u32[HEAP_REGION_HIGH_WATER_OFFSET >>> 2] = addr + bytes;
  // The alignment gap becomes a free extent at the (highest) end of the list.
  if (addr > bump) insertFree(heap, bump, addr - bump);
  return addr;
}

/** SAFETY: the region lock is held; `extent` is free memory. */
function writeExtent(heap: HeapContext, extent: number, size: number, next: number): void {
  heap.u32[(extent + FREE_EXTENT_SIZE_OFFSET) >>> 2] = size;
  heap.u32[(extent + FREE_EXTENT_NEXT_OFFSET) >>> 2] = next;
}

/** SAFETY: the region lock is held. */
function setNext(heap: HeapContext, prev: number, next: number): void {
  if (prev === 0) heap.u32[HEAP_REGION_FREE_HEAD_OFFSET >>> 2] = next;
  else heap.u32[(prev + FREE_EXTENT_NEXT_OFFSET) >>> 2] = next;
}

/** Inserts [addr, addr + size) into the address-ordered list, coalescing. SAFETY: the region lock is held. */
function insertFree(heap: HeapContext, addr: number, size: number): void {
  const u32 = heap.u32;
  let prev = 0;
  let next = u32[HEAP_REGION_FREE_HEAD_OFFSET >>> 2];
  while (next !== 0 && next < addr) {
    prev = next;
    next = u32[(next + FREE_EXTENT_NEXT_OFFSET) >>> 2];
  }
  const prevEnd = prev === 0 ? 0 : prev + u32[(prev + FREE_EXTENT_SIZE_OFFSET) >>> 2];
  if ((prev !== 0 && prevEnd > addr) || (next !== 0 && addr + size > next)) {
    fatalError(`region ${formatAddress(addr)} (+${size}) overlaps free memory: double release or wrong size`);
  }
  let start = addr;
  let length = size;
  if (prev !== 0 && prevEnd === addr) {
    start = prev;
    length += prevEnd - prev;
  } else {
    setNext(heap, prev, start);
  }
  if (next !== 0 && start + length === next) {
    length += u32[(next + FREE_EXTENT_SIZE_OFFSET) >>> 2];
    next = u32[(next + FREE_EXTENT_NEXT_OFFSET) >>> 2];
  }
  const bump = u32[HEAP_REGION_BUMP_OFFSET >>> 2];
  if (next === 0 && start + length === bump) {
    // The extent touches never-used memory: give it back to the bump pointer.
    u32[HEAP_REGION_BUMP_OFFSET >>> 2] = start;
    unlinkLast(heap, start);
    return;
  }
  writeExtent(heap, start, length, next);
}

/** SAFETY: the region lock is held. */
function unlinkLast(heap: HeapContext, last: number): void {
  const u32 = heap.u32;
  let prev = 0;
  let extent = u32[HEAP_REGION_FREE_HEAD_OFFSET >>> 2];
  while (extent !== last) {
    prev = extent;
    extent = u32[(extent + FREE_EXTENT_NEXT_OFFSET) >>> 2];
  }
  setNext(heap, prev, 0);
}

/**
 * Returns a region to the allocator; `size` is the size it was allocated with.
 * Releasing memory that is already free, or outside the region area, is a
 * fatal error. Thread-safe.
 * @public
 */
export function regionFree(heap: HeapContext, addr: number, size: number): void {
  const bytes = alignUp(size, REGION_GRANULE_SIZE);
  // SAFETY: regionStart is immutable after the heap's creation.
  const start = heap.u32[HEAP_REGION_START_OFFSET >>> 2];
  if (!Number.isInteger(addr) || addr % REGION_GRANULE_SIZE !== 0 || addr < start || !(bytes > 0) || addr + bytes > regionEnd(heap)) {
    fatalError(`regionFree(${formatAddress(addr)}, ${size}): not a region of this heap`);
  }
  rawMutexLock(heap, LOCK_ADDRESS);
  try {
    // SAFETY: the region lock is held for every bookkeeping access below.
    if (addr + bytes > heap.u32[HEAP_REGION_BUMP_OFFSET >>> 2]) {
      fatalError(`regionFree(${formatAddress(addr)}, ${size}): memory was never handed out`);
    }
    insertFree(heap, addr, bytes);
    heap.u32[HEAP_REGION_BYTES_IN_USE_OFFSET >>> 2] -= bytes;
    heap.u32[HEAP_REGIONS_IN_USE_OFFSET >>> 2] -= 1;
  } finally {
    rawMutexUnlock(heap, LOCK_ADDRESS);
  }
}

/**
 * A consistent snapshot of the region area's occupancy.
 * @public
 */
export function regionStats(heap: HeapContext): RegionStats {
  rawMutexLock(heap, LOCK_ADDRESS);
  try {
    // SAFETY: every plain read below is under the region lock (regionStart is immutable anyway).
    const u32 = heap.u32;
    let freeBytes = 0;
    let freeExtents = 0;
    for (let e = u32[HEAP_REGION_FREE_HEAD_OFFSET >>> 2]; e !== 0; e = u32[(e + FREE_EXTENT_NEXT_OFFSET) >>> 2]) {
      freeBytes += u32[(e + FREE_EXTENT_SIZE_OFFSET) >>> 2];
      freeExtents++;
    }
    const start = u32[HEAP_REGION_START_OFFSET >>> 2];
    const end = regionEnd(heap);
    return {
      bytesInUse: u32[HEAP_REGION_BYTES_IN_USE_OFFSET >>> 2],
      regionsInUse: u32[HEAP_REGIONS_IN_USE_OFFSET >>> 2],
      freeBytes,
      freeExtents,
      untouchedBytes: end - u32[HEAP_REGION_BUMP_OFFSET >>> 2],
      capacity: end - start,
    };
  } finally {
    rawMutexUnlock(heap, LOCK_ADDRESS);
  }
}
