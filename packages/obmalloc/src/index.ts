/**
 * `@ft/obmalloc`: layer 4 of ft. pymalloc, CPython's small-object allocator
 * (arenas, pools, size classes, arena ordering, address-in-range); the
 * allocator domains, selection by name, debug hooks, statistics, tracemalloc
 * hooks, delayed free; per-interpreter allocator state.
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
  OBMALLOC_MODE_FREE_THREADED,
  OBMALLOC_MODE_GIL,
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
  pymallocRawAllocatedBlocks,
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
export {
  obmallocForeignOwner,
  obmallocInterpreters,
  obmallocRuntimeCreate,
  obmallocRuntimeLeaks,
  obmallocStateAttach,
  obmallocStateCreate,
  obmallocStateEnd,
  ObmallocState,
  type ObmallocInterpreterInfo,
  type ObmallocRuntimeOptions,
  type ObmallocStateConfig,
  type ObmallocStateEndReport,
} from './obmalloc-state.js';
