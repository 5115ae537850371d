/**
 * `@ft/obmalloc`: layer 4 of ft. pymalloc, CPython's small-object allocator
 * (arenas, pools, size classes, arena ordering, address-in-range); the
 * allocator domains, selection by name, debug hooks, statistics, tracemalloc
 * hooks, delayed free; per-interpreter allocator state.
 *
 * @packageDocumentation
 */

export {
  DEBUG_S,
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
export { MAX_REQUEST_SIZE } from './argument-checks.js';
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
export {
  AllocatorDomains,
  getAllocator,
  pyMemCalloc,
  pyMemFree,
  pyMemMalloc,
  pyMemRawCalloc,
  pyMemRawFree,
  pyMemRawMalloc,
  pyMemRawRealloc,
  pyMemRealloc,
  pyObjectCalloc,
  pyObjectFree,
  pyObjectMalloc,
  pyObjectRealloc,
  setAllocator,
  type AllocatorDomain,
  type MemAllocator,
} from './allocator-domains.js';
export { freeThreadedAllocators, mimallocAllocator, mimallocObjectAllocator, pymallocAllocator, RAW_HEAP_TAG } from './standard-allocators.js';
export {
  API_ID,
  CLEAN_BYTE,
  DEAD_BYTE,
  debugAllocator,
  FORBIDDEN_BYTE,
  OBJECT_PROTECTED_BYTES,
  setupDebugHooks,
  type DebugAllocator,
  type DebugHookOptions,
} from './debug-hooks.js';
export {
  ALLOCATOR_NAMES,
  allocatorNameFromEnv,
  createAllocatorDomains,
  parseAllocatorName,
  type AllocatorName,
  type AllocatorSetup,
} from './allocator-selection.js';
export {
  enableMallocStatsFromEnv,
  formatMallocStats,
  globalAllocatedBlocks,
  interpreterAllocatedBlocks,
  printMallocStats,
  type InterpreterAllocators,
} from './malloc-stats.js';
export { memFreeDelayed, objectFreeDelayed, registerDelayedFree, type DelayedFreeIds } from './delayed-free.js';
export {
  DEFAULT_DOMAIN,
  javascriptStackFrames,
  TraceMalloc,
  TRACEMALLOC_MAX_FRAMES,
  type FrameProvider,
  type MemoryTrace,
  type StatisticKeyType,
  type TracedMemory,
  type TraceFrame,
  type TraceMallocSnapshot,
  type TraceStatistic,
} from './tracemalloc.js';
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
