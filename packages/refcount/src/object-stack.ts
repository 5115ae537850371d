/**
 * A stack of object addresses in shared memory (`_PyObjectStack`): a linked
 * list of 4 KiB chunks, the top chunk's address standing for the stack. Used
 * for the merge queues, which other threads push onto under a lock; chunks
 * come from the region allocator (never from mimalloc, as CPython takes them
 * from the raw allocator, so the stacks stay usable while heaps are walked)
 * through a small per-thread cache.
 *
 * A stack is used by one thread at a time: the owner's local merge stack by
 * the owner alone, a shared merge queue only under its bucket lock (a stack
 * taken off a queue under that lock is the taker's from then on). Each
 * function below states that its caller holds the stack in this sense.
 */

import { regionAlloc, regionFree } from '@ft/atomics';
import { STACK_CHUNK_CACHE, STACK_CHUNK_CAPACITY, STACK_CHUNK_N_OFFSET, STACK_CHUNK_OBJS_OFFSET, STACK_CHUNK_PREV_OFFSET, STACK_CHUNK_SIZE } from './layout.js';
import type { RcThread } from './rc-thread.js';

const PREV = STACK_CHUNK_PREV_OFFSET >>> 2;
const N = STACK_CHUNK_N_OFFSET >>> 2;
const OBJS = STACK_CHUNK_OBJS_OFFSET >>> 2;

/**
 * Pushes `op` on the stack whose top chunk is `top`; returns the new top, or
 * 0 when no chunk could be had (the stack is unchanged then). SAFETY: the
 * caller holds the stack (file comment); a new chunk is fresh or from this
 * thread's cache, reachable by no one else.
 */
export function stackPush(t: RcThread, top: number, op: number): number {
  const u32 = t.u32;
  if (top !== 0) {
    const n = u32[(top >>> 2) + N];
    if (n < STACK_CHUNK_CAPACITY) {
      u32[(top >>> 2) + OBJS + n] = op;
      u32[(top >>> 2) + N] = n + 1;
      return top;
    }
  }
  const chunk = takeChunk(t);
  if (chunk === 0) return 0;
  u32[(chunk >>> 2) + PREV] = top;
  u32[(chunk >>> 2) + N] = 1;
  u32[(chunk >>> 2) + OBJS] = op;
  return chunk;
}

/** Pops into `t.popped` and returns the new top; `t.popped` is 0 when the stack was empty. SAFETY: the caller holds the stack (file comment). */
export function stackPop(t: RcThread, top: number): number {
  const u32 = t.u32;
  while (top !== 0) {
    const n = u32[(top >>> 2) + N];
    if (n > 0) {
      t.popped = u32[(top >>> 2) + OBJS + n - 1];
      u32[(top >>> 2) + N] = n - 1;
      return top;
    }
    const prev = u32[(top >>> 2) + PREV];
    giveChunk(t, top);
    top = prev;
  }
  t.popped = 0;
  return 0;
}

/** Moves every chunk of `src` on top of `dst` (`_PyObjectStack_Merge`); returns the new top. SAFETY: the caller holds both stacks (file comment). */
export function stackMerge(t: RcThread, dst: number, src: number): number {
  if (src === 0) return dst;
  const u32 = t.u32;
  let bottom = src;
  for (let prev = u32[(bottom >>> 2) + PREV]; prev !== 0; prev = u32[(bottom >>> 2) + PREV]) bottom = prev;
  u32[(bottom >>> 2) + PREV] = dst;
  return src;
}

/** Objects on the stack. SAFETY: the caller holds the stack (file comment). */
export function stackSize(t: RcThread, top: number): number {
  let n = 0;
  for (let c = top; c !== 0; c = t.u32[(c >>> 2) + PREV]) n += t.u32[(c >>> 2) + N];
  return n;
}

function takeChunk(t: RcThread): number {
  return t.chunkCache.pop() ?? regionAlloc(t.heap, STACK_CHUNK_SIZE);
}

function giveChunk(t: RcThread, chunk: number): void {
  if (t.chunkCache.length < STACK_CHUNK_CACHE) t.chunkCache.push(chunk);
  else regionFree(t.heap, chunk, STACK_CHUNK_SIZE);
}

/** Returns the thread's cached chunks to the region allocator (thread exit). */
export function releaseChunkCache(t: RcThread): void {
  for (const chunk of t.chunkCache) regionFree(t.heap, chunk, STACK_CHUNK_SIZE);
  t.chunkCache.length = 0;
}
