/**
 * Size classes (mimalloc `_mi_bin`): sizes are counted in 8-byte words; up
 * to 8 words the classes are 8, 16, 32, 48 and 64 bytes (2-word alignment,
 * as on 64-bit CPython), then four classes per doubling: above 64 bytes a
 * block wastes less than a fifth of itself (65 bytes get 80), about an eighth
 * on average. Every class from 16 bytes up is a multiple of 16,
 * which keeps object blocks 16-byte aligned (DESIGN.md §2).
 */

import {
  MI_BIN_COUNT,
  MI_BIN_HUGE,
  MI_LARGE_OBJ_SIZE_MAX,
  MI_MEDIUM_OBJ_SIZE_MAX,
  MI_MEDIUM_OBJ_WSIZE_MAX,
  MI_MEDIUM_PAGE_SIZE,
  MI_PAGES_DIRECT,
  MI_SLICE_SIZE,
  MI_SMALL_OBJ_SIZE_MAX,
  MI_WORD_SIZE,
} from './layout.js';

/**
 * The bin of a size in words (`_mi_bin`).
 * @public
 */
export function binOfWordSize(wsize: number): number {
  if (wsize <= 1) return 1;
  if (wsize <= 8) return (wsize + 1) & ~1;
  if (wsize > MI_MEDIUM_OBJ_WSIZE_MAX) return MI_BIN_HUGE;
  const w = wsize - 1;
  const b = 31 - Math.clz32(w);
  return ((b << 2) + ((w >>> (b - 2)) & 3)) - 3;
}

/**
 * The bin of a size in bytes.
 * @public
 */
export function binOfSize(size: number): number {
  return binOfWordSize(Math.ceil(size / MI_WORD_SIZE));
}

/** Largest block size of each bin (0 for unused bins; bin 73 and 74 hold any size). */
const BIN_BLOCK_SIZE = new Uint32Array(MI_BIN_COUNT);
/** Smallest and largest word size of each small bin, for the direct table. */
const BIN_FIRST_WSIZE = new Uint16Array(MI_BIN_COUNT);
const BIN_LAST_WSIZE = new Uint16Array(MI_BIN_COUNT);
for (let wsize = MI_MEDIUM_OBJ_WSIZE_MAX; wsize >= 1; wsize--) {
  const bin = binOfWordSize(wsize);
  if (BIN_BLOCK_SIZE[bin] === 0) BIN_BLOCK_SIZE[bin] = wsize * MI_WORD_SIZE;
  // Only word sizes the direct table has: a bin above 1 KiB keeps last = 0
  // (and so first > last), or directUpdate would point the whole table at
  // its page and small requests would get its large blocks.
  if (wsize < MI_PAGES_DIRECT) {
    if (BIN_LAST_WSIZE[bin] === 0) BIN_LAST_WSIZE[bin] = wsize;
    BIN_FIRST_WSIZE[bin] = wsize;
  }
}

/**
 * Block size of a bin: the largest size that maps to it.
 * @public
 */
export function binBlockSize(bin: number): number {
  return BIN_BLOCK_SIZE[bin];
}

// Word 0 (a zero-byte request) belongs to bin 1 too.
BIN_FIRST_WSIZE[1] = 0;

/**
 * First word size of the direct table that maps to `bin` (with
 * {@link directLast}; first > last when none: bins above 1 KiB).
 * @internal
 */
export function directFirst(bin: number): number {
  return BIN_LAST_WSIZE[bin] === 0 ? 1 : BIN_FIRST_WSIZE[bin];
}

/**
 * Last word size of the direct table that maps to `bin`.
 * @internal
 */
export function directLast(bin: number): number {
  return BIN_LAST_WSIZE[bin];
}

/**
 * Slices of the page for blocks of `blockSize` bytes (small 1, medium 8, large:
 * one block rounded up to 64 KiB, or 512 KiB past 512 KiB), or 0 for sizes
 * that need a huge segment.
 * @public
 */
export function pageSlicesFor(blockSize: number): number {
  if (blockSize <= MI_SMALL_OBJ_SIZE_MAX) return 1;
  if (blockSize <= MI_MEDIUM_OBJ_SIZE_MAX) return MI_MEDIUM_PAGE_SIZE / MI_SLICE_SIZE;
  if (blockSize <= MI_LARGE_OBJ_SIZE_MAX) {
    const granule = blockSize > MI_MEDIUM_PAGE_SIZE ? MI_MEDIUM_PAGE_SIZE : MI_SLICE_SIZE;
    return Math.ceil(blockSize / granule) * (granule / MI_SLICE_SIZE);
  }
  return 0;
}

/**
 * Where block 0 starts in a page (`_mi_segment_page_start`): blocks of 8–64
 * bytes start 3 blocks in, up to 512 bytes 1 block in, so that pages do not
 * all begin on the same cache sets.
 * @public
 */
export function blockStartOffset(blockSize: number): number {
  if (blockSize < MI_WORD_SIZE) return 0;
  if (blockSize <= 64) return 3 * blockSize;
  if (blockSize <= 512) return blockSize;
  return 0;
}
