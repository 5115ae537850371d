/**
 * `@ft/obmalloc`: layer 4 of ft. So far: pymalloc, CPython's small-object
 * allocator (arenas, pools, size classes, arena ordering, address-in-range).
 *
 * @packageDocumentation
 */

export {
  OBMALLOC_LAYOUT_VERSION,
  POOL_OVERHEAD,
  PYMALLOC_ALIGNMENT,
  PYMALLOC_ARENA_SIZE,
  PYMALLOC_MAX_POOLS_IN_ARENA,
  PYMALLOC_POOL_SIZE,
  PYMALLOC_SIZE_CLASSES,
  PYMALLOC_SMALL_REQUEST_THRESHOLD,
} from './layout.js';
export {
  defaultArenaAllocator,
  Pymalloc,
  pymallocAddressInRange,
  pymallocAlloc,
  pymallocAttach,
  pymallocBlockSize,
  pymallocCreate,
  pymallocDestroy,
  pymallocFree,
  pymallocGetArenaAllocator,
  pymallocSetArenaAllocator,
  pymallocStats,
  type ArenaAllocator,
  type PymallocClassStats,
  type PymallocStats,
} from './pymalloc.js';
export * from './allocator-domains.js';
export { freeThreadedAllocators, mimallocAllocator, pymallocAllocator, RAW_HEAP_TAG } from './standard-allocators.js';
export * from './debug-hooks.js';
export * from './allocator-selection.js';
export * from './malloc-stats.js';
export * from './delayed-free.js';
export * from './tracemalloc.js';
