/**
 * Blocks and the block pool of the QSBR torture test. A block is
 * BLOCK_WORDS u32: a version, a pattern derived from it, and an xor
 * checksum; a freed block is poisoned with 0xDD bytes. The pool is a stack of
 * free block addresses under a PyMutex.
 *
 * Pool layout: +0 PyMutex byte, +4 u32 count, +8 u32 capacity, +16 u32 entries[capacity].
 */

import { mutexLock, mutexUnlock, regionAlloc, type SharedHeap } from '@ft/atomics';
import type { DelayedFreeCallback } from '../../src/index.js';

export const BLOCK_WORDS = 64;
export const POISON_WORD = 0xdddddddd;
const POOL_COUNT = 4;
const POOL_CAPACITY = 8;
const POOL_ENTRIES = 16;

export function poolCreate(heap: SharedHeap, blocks: number): number {
  const pool = regionAlloc(heap, POOL_ENTRIES + 4 * blocks);
  const memory = regionAlloc(heap, blocks * BLOCK_WORDS * 4);
  if (pool === 0 || memory === 0) throw new Error('torture pool: out of shared memory');
  heap.u32[(pool + POOL_CAPACITY) >>> 2] = blocks;
  for (let i = 0; i < blocks; i++) heap.u32[(pool + POOL_ENTRIES + 4 * i) >>> 2] = memory + i * BLOCK_WORDS * 4;
  heap.u32[(pool + POOL_COUNT) >>> 2] = blocks;
  return pool;
}

/** Takes a free block, or returns 0 when the pool is empty. */
export function poolTake(heap: SharedHeap, pool: number): number {
  mutexLock(heap, pool);
  // SAFETY: count and entries are touched only under the pool mutex.
  const count = heap.u32[(pool + POOL_COUNT) >>> 2];
  const block = count === 0 ? 0 : heap.u32[(pool + POOL_ENTRIES + 4 * (count - 1)) >>> 2];
  if (count !== 0) heap.u32[(pool + POOL_COUNT) >>> 2] = count - 1;
  mutexUnlock(heap, pool);
  return block;
}

export function poolPut(heap: SharedHeap, pool: number, block: number): void {
  mutexLock(heap, pool);
  // SAFETY: under the pool mutex.
  const count = heap.u32[(pool + POOL_COUNT) >>> 2];
  if (count === heap.u32[(pool + POOL_CAPACITY) >>> 2]) {
    mutexUnlock(heap, pool);
    throw new Error(`torture pool overflow: block ${block} returned twice?`);
  }
  heap.u32[(pool + POOL_ENTRIES + 4 * count) >>> 2] = block;
  heap.u32[(pool + POOL_COUNT) >>> 2] = count + 1;
  mutexUnlock(heap, pool);
}

export function poolEntries(heap: SharedHeap, pool: number): number[] {
  const count = heap.u32[(pool + POOL_COUNT) >>> 2];
  return Array.from(heap.u32.subarray((pool + POOL_ENTRIES) >>> 2, ((pool + POOL_ENTRIES) >>> 2) + count));
}

/** The delayed-free callback: poison the block, then make it reusable. */
export function poolFreeCallback(pool: number): DelayedFreeCallback {
  return (heap, block) => {
    heap.u32.fill(POISON_WORD, block >>> 2, (block >>> 2) + BLOCK_WORDS);
    poolPut(heap, pool, block);
  };
}

function patternWord(version: number, i: number): number {
  const w = (Math.imul(version, 0x9e3779b1) ^ Math.imul(i, 0x85ebca6b)) >>> 0;
  return w === POISON_WORD ? w ^ 1 : w;
}

/** Writes version `version` (never 0 or the poison) into the block. */
export function fillBlock(heap: SharedHeap, block: number, version: number): void {
  const u32 = heap.u32;
  const base = block >>> 2;
  let checksum = 0;
  u32[base] = version;
  checksum ^= version;
  for (let i = 1; i < BLOCK_WORDS - 1; i++) {
    const w = patternWord(version, i);
    u32[base + i] = w;
    checksum ^= w;
  }
  u32[base + BLOCK_WORDS - 1] = checksum === POISON_WORD ? 0 : checksum >>> 0;
}

/** 0 = intact, 1 = poisoned somewhere, 2 = pattern or checksum broken. */
export function checkBlock(heap: SharedHeap, block: number): number {
  const u32 = heap.u32;
  const base = block >>> 2;
  // SAFETY: plain reads on purpose: the block is immutable while published
  // and until QSBR lets it be freed; a violation is what we look for.
  const version = u32[base];
  if (version === POISON_WORD) return 1;
  let checksum = version;
  let broken = false;
  for (let i = 1; i < BLOCK_WORDS - 1; i++) {
    const w = u32[base + i];
    if (w === POISON_WORD) return 1;
    if (w !== patternWord(version, i)) broken = true;
    checksum ^= w;
  }
  const last = u32[base + BLOCK_WORDS - 1];
  if (last === POISON_WORD) return 1;
  const expected = checksum === POISON_WORD ? 0 : checksum >>> 0;
  return broken || last !== expected ? 2 : 0;
}
