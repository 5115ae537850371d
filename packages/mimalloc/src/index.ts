/**
 * `@ft/mimalloc`: layer 3 of ft. mimalloc over the shared heap, with
 * CPython's free-threading changes: per-thread heaps with tags, cross-thread
 * free, abandonment to a per-interpreter pool and reclaim by tag, heap
 * visiting for the GC, and QSBR-delayed reuse of emptied object pages.
 *
 * @packageDocumentation
 */

export { miHeapCalloc, miHeapMalloc, miHeapMallocAligned, miHeapRealloc, miHeapZalloc, miMalloc, miUsableSize } from './alloc.js';
export { miAbandonThread, miThreadExit } from './abandon.js';
export { miFree } from './free.js';
export {
  MI_BIN_FULL,
  MI_BIN_HUGE,
  MI_HEAP_GC,
  MI_HEAP_GC_PRE,
  MI_HEAP_MEM,
  MI_HEAP_OBJECT,
  MI_LARGE_OBJ_SIZE_MAX,
  MI_MAX_ALLOC_SIZE,
  MI_MAX_TAG,
  MI_MEDIUM_OBJ_SIZE_MAX,
  MI_OBJECT_DEBUG_OFFSET,
  MI_SEGMENT_SIZE,
  MI_SLICE_SIZE,
  MI_SMALL_OBJ_SIZE_MAX,
  MI_SMALL_SIZE_MAX,
  MI_STANDARD_HEAPS,
} from './layout.js';
export { miCreate, type MiOptions } from './mi-shared.js';
export { miThreadInit, miThreadSetDebugHeader, MiThread } from './mi-thread.js';
export { binBlockSize, binOfSize, binOfWordSize, blockStartOffset, pageSlicesFor } from './size-class.js';
export { miCollect } from './collect.js';
export { miStats, type MiBinStats, type MiStats } from './stats.js';
export { miBlockOwner, miIsObjectAddress, miVisitBlocks, type MiBlockVisitor } from './visit.js';
