/**
 * The fill pattern of the mimalloc stress test (after mimalloc's
 * test/test-stress.c, which writes `(items - i) ^ cookie` into every word).
 * A block of `size` bytes with cookie `cookie` holds, at byte offset `j`,
 * `patternByte(cookie, size, j)`: in every byte for small blocks, in the first
 * and last 8 bytes for larger ones (writing a megabyte per allocation would
 * measure memset, not the allocator). Whoever frees the block first checks
 * the pattern: a block handed out twice, written after being freed, or
 * overlapping another block shows up as a mismatch.
 */

/** Blocks up to this size are patterned in every byte. */
export const WHOLE_BLOCK_PATTERN_MAX = 128;
/** Larger blocks: this many bytes at each end. */
export const PATTERN_EDGE = 8;

/** The pattern byte at offset `j` of a block (size, cookie). */
export function patternByte(cookie: number, size: number, j: number): number {
  let x = Math.imul(cookie ^ Math.imul(j + 1, 0x85ebca6b), 0xc2b2ae35) ^ size;
  x ^= x >>> 15;
  return x & 0xff;
}

/** Writes the pattern of (size, cookie) into the block at `p`. */
export function writePattern(u8: Uint8Array, p: number, size: number, cookie: number): void {
  if (size <= WHOLE_BLOCK_PATTERN_MAX) {
    for (let j = 0; j < size; j++) u8[p + j] = patternByte(cookie, size, j);
    return;
  }
  for (let j = 0; j < PATTERN_EDGE; j++) u8[p + j] = patternByte(cookie, size, j);
  for (let j = size - PATTERN_EDGE; j < size; j++) u8[p + j] = patternByte(cookie, size, j);
}

/**
 * Offset of the first byte of the block at `p` that does not hold the pattern
 * of (size, cookie), considering only offsets below `limit` (a reallocated
 * block keeps only its prefix); -1 when all match.
 */
export function findPatternMismatch(u8: Uint8Array, p: number, size: number, cookie: number, limit: number = size): number {
  const end = Math.min(size, limit);
  if (size <= WHOLE_BLOCK_PATTERN_MAX) {
    for (let j = 0; j < end; j++) if (u8[p + j] !== patternByte(cookie, size, j)) return j;
    return -1;
  }
  for (let j = 0; j < Math.min(PATTERN_EDGE, end); j++) if (u8[p + j] !== patternByte(cookie, size, j)) return j;
  for (let j = size - PATTERN_EDGE; j < end; j++) if (u8[p + j] !== patternByte(cookie, size, j)) return j;
  return -1;
}

/**
 * Offset of the first non-zero byte among the bytes the pattern will occupy
 * (a zeroing allocation must return zeros there); -1 when all are zero.
 */
export function findNonZero(u8: Uint8Array, p: number, size: number): number {
  if (size <= WHOLE_BLOCK_PATTERN_MAX) {
    for (let j = 0; j < size; j++) if (u8[p + j] !== 0) return j;
    return -1;
  }
  for (let j = 0; j < PATTERN_EDGE; j++) if (u8[p + j] !== 0) return j;
  for (let j = size - PATTERN_EDGE; j < size; j++) if (u8[p + j] !== 0) return j;
  return -1;
}
