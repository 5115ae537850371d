/**
 * The allocators behind the domains. In free-threaded mode (the default, as
 * in CPython's free-threaded build) all three are mimalloc heaps of the
 * calling thread: raw is a heap of its own (tag 4, standing in for the C
 * library's malloc), mem the mem heap (tag 0) and object the object heap
 * (tag 1). In GIL mode mem and object are pymalloc, which sends requests of
 * 0 or above 512 bytes to raw, as `_PyObject_Malloc` does.
 */

import {
  miFree,
  miHeapCalloc,
  miHeapMalloc,
  miHeapRealloc,
  MI_HEAP_MEM,
  MI_MAX_TAG,
  type MiThread,
} from '@ft/mimalloc';
import type { MemAllocator } from './allocator-domains.js';
import { describeValue } from '@ft/atomics';
import { PM_RAW_ALLOCATED_BLOCKS_OFFSET } from './layout.js';
import { pymallocAlloc, pymallocBlockSize, pymallocFree, type Pymalloc } from './pymalloc.js';

/** Tag of the mimalloc heap that serves the raw domain. @public */
export const RAW_HEAP_TAG = 4;

/**
 * A domain allocator over one of thread `t`'s mimalloc heaps (the unchecked
 * layer under the domain entry points, see {@link MemAllocator}).
 * @throws RangeError when `tag` is not an integer from 0 to 15 (a mimalloc heap tag).
 * @public
 */
export function mimallocAllocator(t: MiThread, tag: number): MemAllocator {
  if (!(typeof tag === 'number' && Number.isInteger(tag) && tag >= 0 && tag <= MI_MAX_TAG)) {
    throw new RangeError(`mimallocAllocator: the heap tag must be an integer from 0 to ${MI_MAX_TAG}, got ${describeValue(tag)}`);
  }
  return {
    // mimalloc's smallest class serves 0 bytes with a distinct 8-byte block.
    malloc: (n) => miHeapMalloc(t, tag, n),
    calloc: (nelem, elsize) => miHeapCalloc(t, tag, nelem, elsize),
    realloc: (p, n) => miHeapRealloc(t, tag, p, n),
    free: (p) => miFree(t, p),
  };
}

/** The free-threaded allocators: raw, mem and object heaps of `t`. @public */
export function freeThreadedAllocators(t: MiThread): { raw: MemAllocator; mem: MemAllocator; object: MemAllocator } {
  return { raw: mimallocAllocator(t, RAW_HEAP_TAG), mem: mimallocAllocator(t, MI_HEAP_MEM), object: mimallocObjectAllocator(t) };
}

/**
 * The object domain's allocator of the free-threaded build (`_PyObject_MiMalloc`
 * and friends): allocates from the thread's current object heap
 * (`t.currentObjectTag`, CPython's `tstate->mimalloc.current_object_heap`),
 * which is the object heap except while a GC type's instance is being
 * allocated (then the GC heap, so that the collector finds it).
 * @public
 */
export function mimallocObjectAllocator(t: MiThread): MemAllocator {
  return {
    malloc: (n) => miHeapMalloc(t, t.currentObjectTag, n),
    calloc: (nelem, elsize) => miHeapCalloc(t, t.currentObjectTag, nelem, elsize),
    realloc: (p, n) => miHeapRealloc(t, t.currentObjectTag, p, n),
    free: (p) => miFree(t, p),
  };
}

/**
 * pymalloc as a domain allocator (`_PyObject_Malloc` and friends): small
 * requests from pymalloc, the rest — and what pymalloc cannot serve — from
 * `raw`. Blocks that went to raw are counted in the pymalloc state
 * (`raw_allocated_blocks`, read with `pymallocRawAllocatedBlocks`), so the
 * count is per interpreter state, whichever thread allocates and frees.
 * Like every {@link MemAllocator}, it is the unchecked layer: the domain
 * entry points check the arguments.
 * @public
 */
export function pymallocAllocator(pm: Pymalloc, raw: MemAllocator): MemAllocator {
  const u32 = pm.u32;
  const counter = (pm.state + PM_RAW_ALLOCATED_BLOCKS_OFFSET) >>> 2;
  const allocator: MemAllocator = {
    malloc(n: number): number {
      const p = pymallocAlloc(pm, n);
      if (p !== 0) return p;
      const q = raw.malloc(n);
      // SAFETY: a plain increment of the state's counter: the state has one
      // user at a time (its thread, or the interpreter lock's holder).
      if (q !== 0) u32[counter]++;
      return q;
    },
    calloc(nelem: number, elsize: number): number {
      const n = nelem * elsize;
      const p = pymallocAlloc(pm, n);
      if (p !== 0) {
        // SAFETY: plain stores into the block just handed to this thread.
        pm.heap.fill(p, 0, n);
        return p;
      }
      const q = raw.calloc(nelem, elsize);
      // SAFETY: the state's counter, as in malloc.
      if (q !== 0) u32[counter]++;
      return q;
    },
    realloc(p: number, n: number): number {
      const size = pymallocBlockSize(pm, p);
      if (size === 0) return raw.realloc(p, n); // not pymalloc's: stays a raw block
      // Same class, or shrinking by less than a quarter: keep the block (`pymalloc_realloc`).
      if (n <= size && 4 * n > 3 * size) return p;
      const q = allocator.malloc(n);
      if (q === 0) return 0;
      // SAFETY: plain copy from the caller's block into the one just handed to this thread.
      pm.heap.copy(q, p, Math.min(n, size));
      pymallocFree(pm, p);
      return q;
    },
    free(p: number): void {
      if (pymallocFree(pm, p)) return;
      raw.free(p);
      // SAFETY: the state's counter, as in malloc.
      u32[counter]--;
    },
  };
  return allocator;
}
