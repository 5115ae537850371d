/**
 * pymalloc (CPython `Objects/obmalloc.c`): the small-object allocator of
 * CPython's GIL build. 1 MiB arenas come from a replaceable arena allocator
 * and are cut into 64 pools of 16 KiB; a pool serves one size class (16,
 * 32, … 512 bytes) and carves its blocks lazily. Partly used pools of each
 * class are in a used list, whose first pool serves the next allocation;
 * emptied pools go back to their arena. Arenas with free pools are kept in
 * ascending order of free pools, so allocation fills the fullest arenas and
 * the emptiest ones drain and are released.
 *
 * "Is this pymalloc's block?" is a flat map with one 16-bit entry per 16 KiB
 * window of the heap (arena index + 1): in a 32-bit address space the map is
 * at most 512 KiB (128 KiB for the default 1 GiB heap), lazily committed,
 * exact at pool granularity and one load to query — CPython needs a 3-level
 * radix tree only because its address space is 64-bit.
 *
 * Each class's used pools form a circular doubly linked list headed by a
 * pseudo pool header inside the state, as CPython's `usedpools` does, so
 * linking and unlinking never test for the ends. That also lets the two
 * relinks of the hot paths run without a branch. With blocks freed at random
 * from a working set, about half of the frees land in a full pool (which goes
 * back to the front of its list) and about half of the allocations fill their
 * pool (which leaves the list): coin flips that the branch predictor gets
 * wrong half the time, ~15 cycles each. So the relink always runs: a mask
 * that is -1 or 0 (`~((x | -x) >> 31)`: -1 when x is 0) picks each store's
 * target, the real pool header or a discard header in the state. Churn of
 * random 16–512-byte blocks went from 25.9 to 18.6 ns per step (mimalloc
 * 16.7). The two hot paths are written out rather than split into helpers:
 * V8 inlines a caller's loop only up to a bytecode budget, and with helpers
 * the free's range check fell out of it (22 ns).
 *
 * A pymalloc state is not thread-safe, as in CPython: at any moment one
 * thread uses it — the thread that owns it, or in GIL mode whichever thread
 * holds the interpreter's lock (taking the lock orders its accesses after
 * the previous holder's). That is the *exclusive-use* condition; every
 * function below that reads or writes the state, its descriptors, arena map
 * or pools with plain accesses says so in its doc (`SAFETY: exclusive use`),
 * and the two that read a state without using it say why they may.
 *
 * Arguments: sizes and addresses follow the package's rule
 * (`argument-checks.ts`); what each function does with a value that is not
 * a size or not an address is in its doc.
 *
 * Not checked here: freeing an address inside an arena that is not an
 * allocated block (a stray pointer, a double free) corrupts the state, as in
 * CPython; the debug hooks of the allocator domains are what catch that.
 */

import { describeValue, fatalError, formatAddress, regionAlloc, regionFree, type SharedHeap } from '@ft/atomics';
import { rejectSize } from './argument-checks.js';
import {
  ARENA_ADDRESS_OFFSET,
  ARENA_FREEPOOLS_OFFSET,
  ARENA_NEXTARENA_OFFSET,
  ARENA_NFREEPOOLS_OFFSET,
  ARENA_NTOTALPOOLS_OFFSET,
  ARENA_OBJECT_SIZE,
  ARENA_POOL_ADDRESS_OFFSET,
  ARENA_PREVARENA_OFFSET,
  OBMALLOC_LAYOUT_VERSION,
  PM_ARENA_MAP_ENTRIES_OFFSET,
  PM_ARENA_MAP_OFFSET,
  PM_ARENAS_OFFSET,
  PM_DISCARD_OFFSET,
  PM_MAXARENAS_OFFSET,
  PM_NARENAS_CURRENTLY_ALLOCATED_OFFSET,
  PM_NARENAS_HIGHWATER_OFFSET,
  PM_NFP2LASTA_OFFSET,
  PM_NTIMES_ARENA_ALLOCATED_OFFSET,
  PM_RAW_ALLOCATED_BLOCKS_OFFSET,
  PM_TAG_OFFSET,
  PM_UNUSED_ARENA_OBJECTS_OFFSET,
  PM_USABLE_ARENAS_OFFSET,
  PM_USEDPOOLS_OFFSET,
  PM_VERSION_OFFSET,
  POOL_ARENAINDEX_OFFSET,
  POOL_COUNT_OFFSET,
  POOL_FREEBLOCK_OFFSET,
  POOL_MAXNEXTOFFSET_OFFSET,
  POOL_NEXTOFFSET_OFFSET,
  POOL_NEXTPOOL_OFFSET,
  POOL_OVERHEAD,
  POOL_PREVPOOL_OFFSET,
  POOL_SZIDX_OFFSET,
  PYMALLOC_ALIGNMENT_SHIFT,
  PYMALLOC_ARENA_SIZE,
  PYMALLOC_DUMMY_SIZE_IDX,
  PYMALLOC_INITIAL_ARENA_OBJECTS,
  PYMALLOC_MAX_POOLS_IN_ARENA,
  PYMALLOC_POOL_SHIFT,
  PYMALLOC_POOL_SIZE,
  PYMALLOC_SIZE_CLASSES,
  PYMALLOC_SMALL_REQUEST_THRESHOLD,
  PYMALLOC_STATE_SIZE,
  PYMALLOC_TAG,
} from './layout.js';

// Module-local copies of the layout constants used on the hot paths (root README, "Notes for contributors").
const K_POOL_COUNT_OFFSET = POOL_COUNT_OFFSET;
const K_POOL_FREEBLOCK_OFFSET = POOL_FREEBLOCK_OFFSET;
const K_PM_USEDPOOLS_OFFSET = PM_USEDPOOLS_OFFSET;
const K_PYMALLOC_ALIGNMENT_SHIFT = PYMALLOC_ALIGNMENT_SHIFT;
const K_PYMALLOC_SMALL_REQUEST_THRESHOLD = PYMALLOC_SMALL_REQUEST_THRESHOLD;
const K_PYMALLOC_POOL_SHIFT = PYMALLOC_POOL_SHIFT;
const K_PM_ARENA_MAP_ENTRIES_OFFSET = PM_ARENA_MAP_ENTRIES_OFFSET;
const K_PM_ARENA_MAP_OFFSET = PM_ARENA_MAP_OFFSET;
const K_POOL_SZIDX_OFFSET = POOL_SZIDX_OFFSET;
const K_POOL_NEXTPOOL_OFFSET = POOL_NEXTPOOL_OFFSET;
const K_POOL_PREVPOOL_OFFSET = POOL_PREVPOOL_OFFSET;
const K_POOL_NEXTOFFSET_OFFSET = POOL_NEXTOFFSET_OFFSET;
const K_POOL_MAXNEXTOFFSET_OFFSET = POOL_MAXNEXTOFFSET_OFFSET;
const K_PM_DISCARD_OFFSET = PM_DISCARD_OFFSET;

/**
 * Where pymalloc gets its arenas (`PyObjectArenaAllocator`): `alloc` returns
 * an address (0 on failure) of at least `size` bytes, `free` takes it back.
 * Memory that is not 16 KiB-aligned costs the arena one of its 64 pools.
 * @public
 */
export interface ArenaAllocator {
  /** Returns the address of `size` bytes, or 0. */
  alloc(size: number): number;
  /** Takes back what `alloc` returned, with the same size. */
  free(address: number, size: number): void;
}

/**
 * Occupancy of one size class (a line of `sys._debugmallocstats()`).
 * @public
 */
export interface PymallocClassStats {
  /** Size class index (0 = 16 bytes). */
  sizeClass: number;
  /** Block size in bytes. */
  blockSize: number;
  /** Pools serving this class. */
  pools: number;
  /** Blocks allocated. */
  blocksInUse: number;
  /** Free blocks in those pools (carved or not). */
  freeBlocks: number;
}

/**
 * pymalloc statistics (`_PyObject_DebugMallocStats`).
 * @public
 */
export interface PymallocStats {
  /** Only classes with pools. */
  classes: PymallocClassStats[];
  /** Arenas allocated now (`narenas_currently_allocated`). */
  arenasAllocated: number;
  /** Arenas allocated ever (`ntimes_arena_allocated`). */
  arenasAllocatedTotal: number;
  /** Most arenas allocated at once (`narenas_highwater`). */
  arenasHighWater: number;
  /** Bytes in arenas. */
  arenaBytes: number;
  /** Bytes in allocated blocks. */
  allocatedBytes: number;
  /** Empty pools (in arenas' free lists or never carved). */
  freePools: number;
  /** Blocks in use over all classes. */
  blocksInUse: number;
}

/** Block size of size class `c` (`INDEX2SIZE`). */
function classSize(c: number): number {
  return (c + 1) << K_PYMALLOC_ALIGNMENT_SHIFT;
}

/** Blocks a pool of class `c` holds (`NUMBLOCKS`). */
function blocksPerPool(c: number): number {
  return Math.floor((PYMALLOC_POOL_SIZE - POOL_OVERHEAD) / classSize(c));
}

/**
 * A thread's handle on a pymalloc state (thread-local; the state itself is in
 * shared memory). Create with {@link pymallocCreate} or {@link pymallocAttach}.
 * Only one thread may use a state at a time (its owner, or the holder of the
 * interpreter's lock in GIL mode): the functions that take a handle read and
 * write the state with plain accesses under that condition.
 * @public
 */
export class Pymalloc {
  // `declare`d and assigned once in the constructor, so V8 tracks them as
  // constant fields with exact representations (see MiThread).
  /** The heap views of the thread that uses this handle. */
  declare readonly heap: SharedHeap;
  /** Cached u32 view. */
  declare readonly u32: Uint32Array;
  /** Cached u16 view (the arena map). */
  declare readonly u16: Uint16Array;
  /** Address of the state in shared memory. */
  declare readonly state: number;
  /** Where arenas come from; replace with {@link pymallocSetArenaAllocator}. */
  declare arenaAllocator: ArenaAllocator;
  /** u16 index of the arena map (fixed for the state's life: cached so a free reads no state word). */
  declare readonly mapIndex: number;
  /** 16 KiB windows the arena map covers. */
  declare readonly mapEntries: number;
  /** Pseudo pool header of size class 0's used list; class c's is 8c bytes further (see usedList). */
  declare readonly usedLists: number;
  /** Pseudo pool header that absorbs the stores of a branch-free relink that is not wanted. */
  declare readonly discard: number;
  /** Called after a new arena was allocated (`FT_MALLOCSTATS` prints statistics there). */
  onNewArena: (() => void) | null = null;

  /** @internal */
  constructor(heap: SharedHeap, state: number) {
    // SAFETY: the map's address and size are written once, before the state
    // is published (pymallocCreate), and never change.
    this.heap = heap;
    this.u32 = heap.u32;
    this.u16 = heap.u16;
    this.state = state;
    this.arenaAllocator = defaultArenaAllocator(heap);
    this.mapIndex = heap.u32[(state + K_PM_ARENA_MAP_OFFSET) >>> 2] >>> 1;
    this.mapEntries = heap.u32[(state + K_PM_ARENA_MAP_ENTRIES_OFFSET) >>> 2];
    this.usedLists = state + K_PM_USEDPOOLS_OFFSET - K_POOL_NEXTPOOL_OFFSET;
    this.discard = state + K_PM_DISCARD_OFFSET - K_POOL_NEXTPOOL_OFFSET;
  }
}

/**
 * The default arena allocator: 1 MiB-aligned regions of the shared heap (so
 * every arena has all 64 pools).
 * @public
 */
export function defaultArenaAllocator(heap: SharedHeap): ArenaAllocator {
  return {
    alloc: (size) => regionAlloc(heap, size, PYMALLOC_ARENA_SIZE),
    free: (address, size) => regionFree(heap, address, size),
  };
}

/**
 * Creates a pymalloc state in the heap and returns a handle on it (throws
 * when the heap has no room for the state and its arena map).
 * @example
 * ```ts
 * const pm = pymallocCreate(heap);
 * const p = pymallocAlloc(pm, 100);   // a 112-byte block
 * pymallocFree(pm, p);                // true: it was pymalloc's
 * ```
 * @public
 */
export function pymallocCreate(heap: SharedHeap): Pymalloc {
  const mapEntries = Math.ceil(heap.size / PYMALLOC_POOL_SIZE);
  const state = regionAlloc(heap, PYMALLOC_STATE_SIZE);
  const map = state === 0 ? 0 : regionAlloc(heap, mapEntries * 2);
  if (map === 0) {
    if (state !== 0) regionFree(heap, state, PYMALLOC_STATE_SIZE);
    throw new Error('pymallocCreate: out of shared memory for the pymalloc state');
  }
  // SAFETY: plain stores — the state is not published yet (its address is
  // returned below); the regions are zeroed.
  const u32 = heap.u32;
  u32[(state + PM_VERSION_OFFSET) >>> 2] = OBMALLOC_LAYOUT_VERSION;
  u32[(state + K_PM_ARENA_MAP_OFFSET) >>> 2] = map;
  u32[(state + K_PM_ARENA_MAP_ENTRIES_OFFSET) >>> 2] = mapEntries;
  const pm = new Pymalloc(heap, state);
  for (let c = 0; c < PYMALLOC_SIZE_CLASSES; c++) {
    const list = usedList(pm, c);
    u32[(list + K_POOL_NEXTPOOL_OFFSET) >>> 2] = list;
    u32[(list + K_POOL_PREVPOOL_OFFSET) >>> 2] = list;
  }
  u32[(state + PM_TAG_OFFSET) >>> 2] = PYMALLOC_TAG;
  return pm;
}

/**
 * A handle on an existing state for another thread (GIL mode: the threads
 * take turns under the interpreter's lock). Fails fatally when `state` is
 * not the address of a living pymalloc state (any value that is not an
 * aligned integer address inside the heap included).
 * @public
 */
export function pymallocAttach(heap: SharedHeap, state: number): Pymalloc {
  const ok =
    typeof state === 'number' &&
    state >>> 0 === state &&
    state % 4 === 0 &&
    state >= heap.regionStart &&
    state + PYMALLOC_STATE_SIZE <= heap.size &&
    // SAFETY: plain reads of the tag and version, which the creator wrote
    // before it published the state's address, and which change only when
    // the state is destroyed (after its users are gone).
    heap.u32[(state + PM_TAG_OFFSET) >>> 2] === PYMALLOC_TAG &&
    heap.u32[(state + PM_VERSION_OFFSET) >>> 2] === OBMALLOC_LAYOUT_VERSION;
  if (!ok) {
    const shown = typeof state === 'number' && state >>> 0 === state ? formatAddress(state) : describeValue(state);
    fatalError(`${shown} is not a pymalloc state of layout version ${OBMALLOC_LAYOUT_VERSION}`);
  }
  return new Pymalloc(heap, state);
}

/** The arena allocator in use (`PyObject_GetArenaAllocator`). @public */
export function pymallocGetArenaAllocator(pm: Pymalloc): ArenaAllocator {
  return pm.arenaAllocator;
}

/**
 * Replaces the arena allocator (`PyObject_SetArenaAllocator`); arenas already
 * allocated are freed through it too. The allocator is a function of this
 * thread's handle (code cannot live in shared memory): every handle on the
 * same state must be given an allocator that frees what the others allocate.
 * @public
 */
export function pymallocSetArenaAllocator(pm: Pymalloc, allocator: ArenaAllocator): void {
  pm.arenaAllocator = allocator;
}

// Descriptor helpers: `index` is the descriptor index, links are index + 1.

/** The address of descriptor `index`. SAFETY: exclusive use (reads the array's address). */
function arenaAddr(pm: Pymalloc, index: number): number {
  return pm.u32[(pm.state + PM_ARENAS_OFFSET) >>> 2] + index * ARENA_OBJECT_SIZE;
}
/** A u32 field of a descriptor or pool header. SAFETY: exclusive use. */
function getField(pm: Pymalloc, addr: number, offset: number): number {
  return pm.u32[(addr + offset) >>> 2];
}
/** Sets a u32 field of a descriptor or pool header. SAFETY: exclusive use. */
function setField(pm: Pymalloc, addr: number, offset: number, value: number): void {
  pm.u32[(addr + offset) >>> 2] = value;
}
/** `nfp2lasta[nf]`: index + 1 of the last usable arena with `nf` free pools. SAFETY: exclusive use. */
function nfp2lasta(pm: Pymalloc, nf: number): number {
  return pm.u32[(pm.state + PM_NFP2LASTA_OFFSET + 4 * nf) >>> 2];
}
/** Sets `nfp2lasta[nf]`. SAFETY: exclusive use. */
function setNfp2lasta(pm: Pymalloc, nf: number, link: number): void {
  pm.u32[(pm.state + PM_NFP2LASTA_OFFSET + 4 * nf) >>> 2] = link;
}

/**
 * Allocates `n` bytes (1..512) from pymalloc (`pymalloc_alloc`); 0 when `n`
 * is 0 or an integer above 512 (the caller falls back to raw) or no arena
 * can be had.
 *
 * SAFETY: exclusive use (see {@link Pymalloc}).
 * @throws TypeError when `n` is not a number; RangeError when it is negative,
 * `NaN`, infinite or a fraction (nothing is allocated).
 * @public
 */
export function pymallocAlloc(pm: Pymalloc, n: number): number {
  // An int32 in 1..512: the type check costs one compare on the hot path.
  if (!(typeof n === 'number' && (n | 0) === n && n > 0 && n <= K_PYMALLOC_SMALL_REQUEST_THRESHOLD)) return rejectSize('pymallocAlloc', 'the size', n);
  const u32 = pm.u32;
  const c = (n - 1) >>> K_PYMALLOC_ALIGNMENT_SHIFT;
  const list = usedList(pm, c);
  const pool = u32[(list + K_POOL_NEXTPOOL_OFFSET) >>> 2];
  if (pool === list) return allocateFromNewPool(pm, c);
  u32[(pool + K_POOL_COUNT_OFFSET) >>> 2]++;
  const block = u32[(pool + K_POOL_FREEBLOCK_OFFSET) >>> 2];
  const next = u32[block >>> 2];
  u32[(pool + K_POOL_FREEBLOCK_OFFSET) >>> 2] = next;
  // When the free list ran out (`pymalloc_pool_extend`), a pool with
  // never-used blocks carves one (rare, and predicted); a fully carved pool
  // is full and leaves the used list. That happens on about half of the
  // allocations of a random working set, so the unlink is done without a
  // branch (see the file comment): `full` is -1 or 0, and while it is 0 the
  // stores go to the discard header.
  const full = ~((next | -next) >> 31);
  if ((full & ~((u32[(pool + K_POOL_MAXNEXTOFFSET_OFFSET) >>> 2] - u32[(pool + K_POOL_NEXTOFFSET_OFFSET) >>> 2]) >> 31)) !== 0) {
    carveBlock(pm, pool, c);
    return block;
  }
  const discard = pm.discard;
  const nextPool = u32[(pool + K_POOL_NEXTPOOL_OFFSET) >>> 2];
  const prevPool = u32[(pool + K_POOL_PREVPOOL_OFFSET) >>> 2];
  u32[(((prevPool & full) | (discard & ~full)) + K_POOL_NEXTPOOL_OFFSET) >>> 2] = nextPool;
  u32[(((nextPool & full) | (discard & ~full)) + K_POOL_PREVPOOL_OFFSET) >>> 2] = prevPool;
  return block;
}

/** Puts the pool's next never-used block on its empty free list. SAFETY: exclusive use. */
function carveBlock(pm: Pymalloc, pool: number, c: number): void {
  const u32 = pm.u32;
  const nextOffset = u32[(pool + K_POOL_NEXTOFFSET_OFFSET) >>> 2];
  const block = pool + nextOffset;
  u32[(pool + K_POOL_FREEBLOCK_OFFSET) >>> 2] = block;
  u32[(pool + K_POOL_NEXTOFFSET_OFFSET) >>> 2] = nextOffset + classSize(c);
  u32[block >>> 2] = 0;
}

/**
 * The used-pool list of class `c`, as CPython keeps it: a circular doubly
 * linked list whose head is a pseudo pool header, placed so that its
 * `nextpool` and `prevpool` fields are the class's two words of `usedpools`
 * (it has no other fields). An empty list points at itself; linking and
 * unlinking need no test for the ends. (Address arithmetic only.)
 */
function usedList(pm: Pymalloc, c: number): number {
  return pm.usedLists + 8 * c;
}

/** Unlinks a pool from its used list (it became full or empty). SAFETY: exclusive use. */
function usedUnlink(pm: Pymalloc, pool: number): void {
  const u32 = pm.u32;
  const next = u32[(pool + K_POOL_NEXTPOOL_OFFSET) >>> 2];
  const prev = u32[(pool + K_POOL_PREVPOOL_OFFSET) >>> 2];
  u32[(prev + K_POOL_NEXTPOOL_OFFSET) >>> 2] = next;
  u32[(next + K_POOL_PREVPOOL_OFFSET) >>> 2] = prev;
}

/**
 * Makes a pool that is in no used list the first of class `c`'s, the one the
 * next allocation takes a block from. (pymallocFree has a branch-free copy.)
 * SAFETY: exclusive use.
 */
function usedPushFront(pm: Pymalloc, pool: number, c: number): void {
  const u32 = pm.u32;
  const list = usedList(pm, c);
  const head = u32[(list + K_POOL_NEXTPOOL_OFFSET) >>> 2];
  u32[(pool + K_POOL_NEXTPOOL_OFFSET) >>> 2] = head;
  u32[(pool + K_POOL_PREVPOOL_OFFSET) >>> 2] = list;
  u32[(head + K_POOL_PREVPOOL_OFFSET) >>> 2] = pool;
  u32[(list + K_POOL_NEXTPOOL_OFFSET) >>> 2] = pool;
}

/** `allocate_from_new_pool`: a pool from the fullest usable arena, or a new arena. SAFETY: exclusive use. */
function allocateFromNewPool(pm: Pymalloc, c: number): number {
  const u32 = pm.u32;
  const s = pm.state;
  if (u32[(s + PM_USABLE_ARENAS_OFFSET) >>> 2] === 0) {
    const index = newArena(pm);
    if (index < 0) return 0;
    const ao = arenaAddr(pm, index);
    setField(pm, ao, ARENA_NEXTARENA_OFFSET, 0);
    setField(pm, ao, ARENA_PREVARENA_OFFSET, 0);
    u32[(s + PM_USABLE_ARENAS_OFFSET) >>> 2] = index + 1;
    setNfp2lasta(pm, getField(pm, ao, ARENA_NFREEPOOLS_OFFSET), index + 1);
  }
  const link = u32[(s + PM_USABLE_ARENAS_OFFSET) >>> 2];
  const ao = arenaAddr(pm, link - 1);
  const nf = getField(pm, ao, ARENA_NFREEPOOLS_OFFSET);
  // The head arena is about to lose a free pool.
  if (nfp2lasta(pm, nf) === link) setNfp2lasta(pm, nf, 0);
  if (nf > 1) setNfp2lasta(pm, nf - 1, link);

  let pool = getField(pm, ao, ARENA_FREEPOOLS_OFFSET);
  if (pool !== 0) {
    setField(pm, ao, ARENA_FREEPOOLS_OFFSET, u32[(pool + POOL_NEXTPOOL_OFFSET) >>> 2]);
  } else {
    pool = getField(pm, ao, ARENA_POOL_ADDRESS_OFFSET);
    u32[(pool + POOL_ARENAINDEX_OFFSET) >>> 2] = link - 1;
    u32[(pool + K_POOL_SZIDX_OFFSET) >>> 2] = PYMALLOC_DUMMY_SIZE_IDX;
    setField(pm, ao, ARENA_POOL_ADDRESS_OFFSET, pool + PYMALLOC_POOL_SIZE);
  }
  setField(pm, ao, ARENA_NFREEPOOLS_OFFSET, nf - 1);
  if (nf - 1 === 0) {
    // The arena is fully used: it leaves the usable list.
    const next = getField(pm, ao, ARENA_NEXTARENA_OFFSET);
    u32[(s + PM_USABLE_ARENAS_OFFSET) >>> 2] = next;
    if (next !== 0) setField(pm, arenaAddr(pm, next - 1), ARENA_PREVARENA_OFFSET, 0);
  }

  usedPushFront(pm, pool, c);
  u32[(pool + K_POOL_COUNT_OFFSET) >>> 2] = 1;
  if (u32[(pool + K_POOL_SZIDX_OFFSET) >>> 2] === c) {
    // A recycled pool of the same class keeps its free list, which holds at
    // least two blocks (a used pool's list is never empty, and its last block
    // was then freed onto it).
    const block = u32[(pool + K_POOL_FREEBLOCK_OFFSET) >>> 2];
    u32[(pool + K_POOL_FREEBLOCK_OFFSET) >>> 2] = u32[block >>> 2];
    return block;
  }
  // A fresh (or re-purposed) pool: hand out the first block, link the second,
  // and carve the rest lazily.
  const size = classSize(c);
  u32[(pool + K_POOL_SZIDX_OFFSET) >>> 2] = c;
  const block = pool + POOL_OVERHEAD;
  u32[(pool + POOL_NEXTOFFSET_OFFSET) >>> 2] = POOL_OVERHEAD + 2 * size;
  u32[(pool + POOL_MAXNEXTOFFSET_OFFSET) >>> 2] = PYMALLOC_POOL_SIZE - size;
  u32[(pool + K_POOL_FREEBLOCK_OFFSET) >>> 2] = block + size;
  u32[(block + size) >>> 2] = 0;
  return block;
}

/** `new_arena`: a descriptor (growing the array if needed) and 1 MiB of memory. Returns the index or -1. SAFETY: exclusive use. */
function newArena(pm: Pymalloc): number {
  const u32 = pm.u32;
  const s = pm.state;
  if (u32[(s + PM_UNUSED_ARENA_OBJECTS_OFFSET) >>> 2] === 0 && !growArenaObjects(pm)) return -1;
  const index = u32[(s + PM_UNUSED_ARENA_OBJECTS_OFFSET) >>> 2] - 1;
  const ao = arenaAddr(pm, index);
  const address = pm.arenaAllocator.alloc(PYMALLOC_ARENA_SIZE);
  if (address === 0) return -1;
  u32[(s + PM_UNUSED_ARENA_OBJECTS_OFFSET) >>> 2] = getField(pm, ao, ARENA_NEXTARENA_OFFSET);
  setField(pm, ao, ARENA_ADDRESS_OFFSET, address);
  u32[(s + PM_NARENAS_CURRENTLY_ALLOCATED_OFFSET) >>> 2]++;
  u32[(s + PM_NTIMES_ARENA_ALLOCATED_OFFSET) >>> 2]++;
  if (u32[(s + PM_NARENAS_CURRENTLY_ALLOCATED_OFFSET) >>> 2] > u32[(s + PM_NARENAS_HIGHWATER_OFFSET) >>> 2]) {
    u32[(s + PM_NARENAS_HIGHWATER_OFFSET) >>> 2] = u32[(s + PM_NARENAS_CURRENTLY_ALLOCATED_OFFSET) >>> 2];
  }
  setField(pm, ao, ARENA_FREEPOOLS_OFFSET, 0);
  // Pools must be 16 KiB-aligned; memory that is not loses its first partial pool.
  const first = Math.ceil(address / PYMALLOC_POOL_SIZE) * PYMALLOC_POOL_SIZE;
  const pools = PYMALLOC_MAX_POOLS_IN_ARENA - (first !== address ? 1 : 0);
  setField(pm, ao, ARENA_POOL_ADDRESS_OFFSET, first);
  setField(pm, ao, ARENA_NFREEPOOLS_OFFSET, pools);
  setField(pm, ao, ARENA_NTOTALPOOLS_OFFSET, pools);
  markArenaMap(pm, first, pools, index + 1);
  if (pm.onNewArena !== null) pm.onNewArena();
  return index;
}

/**
 * Marks an arena's windows in the arena map (arena index + 1, or 0).
 * SAFETY: exclusive use for the stores. Other interpreters read the map
 * without using the state (pymallocStateContains, under the runtime
 * mutex): an entry is set before any block of the arena is handed out, and
 * cleared before the arena goes back to the region allocator, whose lock
 * orders the clear before anyone else can get the memory.
 */
function markArenaMap(pm: Pymalloc, first: number, pools: number, value: number): void {
  const map = pm.u32[(pm.state + K_PM_ARENA_MAP_OFFSET) >>> 2];
  const entries = pm.u32[(pm.state + K_PM_ARENA_MAP_ENTRIES_OFFSET) >>> 2];
  for (let i = 0; i < pools; i++) {
    const window = (first >>> K_PYMALLOC_POOL_SHIFT) + i;
    if (window >= entries) fatalError(`pymalloc arena at ${formatAddress(first)} lies outside the heap`);
    pm.u16[(map >>> 1) + window] = value;
  }
}

/** Doubles the descriptor array (16, 32, 64, …) and links the new descriptors as unused. SAFETY: exclusive use. */
function growArenaObjects(pm: Pymalloc): boolean {
  const u32 = pm.u32;
  const s = pm.state;
  const max = u32[(s + PM_MAXARENAS_OFFSET) >>> 2];
  const count = max === 0 ? PYMALLOC_INITIAL_ARENA_OBJECTS : 2 * max;
  if (count > 0xffff) return false; // the arena map holds index + 1 in 16 bits
  const array = regionAlloc(pm.heap, count * ARENA_OBJECT_SIZE);
  if (array === 0) return false;
  const old = u32[(s + PM_ARENAS_OFFSET) >>> 2];
  if (old !== 0) {
    pm.heap.copy(array, old, max * ARENA_OBJECT_SIZE);
    regionFree(pm.heap, old, max * ARENA_OBJECT_SIZE);
  }
  u32[(s + PM_ARENAS_OFFSET) >>> 2] = array;
  for (let i = max; i < count; i++) {
    setField(pm, array + i * ARENA_OBJECT_SIZE, ARENA_NEXTARENA_OFFSET, i + 1 < count ? i + 2 : 0);
  }
  u32[(s + PM_UNUSED_ARENA_OBJECTS_OFFSET) >>> 2] = max + 1;
  u32[(s + PM_MAXARENAS_OFFSET) >>> 2] = count;
  return true;
}

/**
 * Whether `p` is inside one of this pymalloc's pools (`address_in_range`).
 * Never throws: a value that is not an address in an arena (not a number,
 * not an integer, outside the heap) is not pymalloc's.
 *
 * SAFETY: exclusive use (see {@link Pymalloc}): the map entry is read plain.
 * @public
 */
export function pymallocAddressInRange(pm: Pymalloc, p: number): boolean {
  // A Number (checked first: `>>>` would convert anything else) that is a
  // u32 integer (`>>>` must not wrap 2^32 + p onto p) whose window the map
  // covers and marks; window 0 is never an arena's (the heap's reserved prefix).
  if (typeof p !== 'number') return false;
  const window = p >>> K_PYMALLOC_POOL_SHIFT;
  return p >>> 0 === p && window < pm.mapEntries && pm.u16[pm.mapIndex + window] !== 0;
}

/**
 * Whether `p` is inside an arena of the pymalloc state at `state`, read
 * without a handle (the cross-interpreter check reads other interpreters'
 * states). The caller keeps the state alive while it reads.
 *
 * SAFETY: plain reads of a state this thread does not use: the map's
 * address and size never change while the state lives; for the entry, see
 * markArenaMap (the caller holds the runtime mutex that orders states'
 * destruction).
 * @internal
 */
export function pymallocStateContains(heap: SharedHeap, state: number, p: number): boolean {
  if (typeof p !== 'number' || p >>> 0 !== p || p === 0 || p >= heap.size) return false;
  const window = p >>> K_PYMALLOC_POOL_SHIFT;
  if (window >= heap.u32[(state + K_PM_ARENA_MAP_ENTRIES_OFFSET) >>> 2]) return false;
  return heap.u16[(heap.u32[(state + K_PM_ARENA_MAP_OFFSET) >>> 2] >>> 1) + window] !== 0;
}

/**
 * Blocks the pymalloc domain allocator sent to raw and has not freed
 * (CPython's `raw_allocated_blocks`): one count in the state, so every
 * thread of every interpreter using the state sees the same number.
 *
 * SAFETY: a plain read; exact under exclusive use, a statistic otherwise
 * (another thread may hold the interpreter's lock and be changing it).
 * @public
 */
export function pymallocRawAllocatedBlocks(pm: Pymalloc): number {
  return pm.u32[(pm.state + PM_RAW_ALLOCATED_BLOCKS_OFFSET) >>> 2];
}

/**
 * The block size of a pymalloc block, or 0 when `p` is not inside one of
 * pymalloc's arenas (never throws; see {@link pymallocAddressInRange}).
 *
 * SAFETY: exclusive use (see {@link Pymalloc}).
 * @public
 */
export function pymallocBlockSize(pm: Pymalloc, p: number): number {
  if (!pymallocAddressInRange(pm, p)) return 0;
  const pool = ((p >>> K_PYMALLOC_POOL_SHIFT) << K_PYMALLOC_POOL_SHIFT) >>> 0;
  return classSize(pm.u32[(pool + K_POOL_SZIDX_OFFSET) >>> 2]);
}

/**
 * Frees a pymalloc block (`pymalloc_free`); returns false, freeing nothing,
 * when `p` is an integer that is not in pymalloc's arenas (the caller frees
 * it with raw). An address inside an arena must be a block this state
 * handed out and has not freed: anything else corrupts the state, as in
 * CPython (the debug hooks catch it).
 *
 * SAFETY: exclusive use (see {@link Pymalloc}).
 * @throws TypeError when `p` is not a number; RangeError when it is `NaN`,
 * infinite or a fraction (nothing is freed).
 * @public
 */
export function pymallocFree(pm: Pymalloc, p: number): boolean {
  if (!pymallocAddressInRange(pm, p)) return notPymallocs(p);
  const u32 = pm.u32;
  const pool = ((p >>> K_PYMALLOC_POOL_SHIFT) << K_PYMALLOC_POOL_SHIFT) >>> 0;
  const last = u32[(pool + K_POOL_FREEBLOCK_OFFSET) >>> 2];
  u32[p >>> 2] = last;
  u32[(pool + K_POOL_FREEBLOCK_OFFSET) >>> 2] = p;
  const count = --u32[(pool + K_POOL_COUNT_OFFSET) >>> 2];
  // A pool that was full goes back to the front of its used list
  // (usedPushFront). That happens on about half of the frees of a random
  // working set, so it is done without a branch (see the file comment):
  // `wasFull` is -1 or 0, and while it is 0 the stores go to the discard header.
  const wasFull = ~((last | -last) >> 31);
  const discard = pm.discard;
  const list = usedList(pm, u32[(pool + K_POOL_SZIDX_OFFSET) >>> 2]);
  const head = u32[(list + K_POOL_NEXTPOOL_OFFSET) >>> 2];
  const target = (pool & wasFull) | (discard & ~wasFull);
  u32[(target + K_POOL_NEXTPOOL_OFFSET) >>> 2] = head;
  u32[(target + K_POOL_PREVPOOL_OFFSET) >>> 2] = list;
  u32[(((head & wasFull) | (discard & ~wasFull)) + K_POOL_PREVPOOL_OFFSET) >>> 2] = pool;
  u32[(((list & wasFull) | (discard & ~wasFull)) + K_POOL_NEXTPOOL_OFFSET) >>> 2] = pool;
  if (count !== 0) return true;
  insertToFreepool(pm, pool);
  return true;
}

/** pymallocFree's answer for a value that is not in an arena: false for an integer, else an error. */
function notPymallocs(p: unknown): boolean {
  if (typeof p !== 'number') throw new TypeError(`pymallocFree: the address must be a number, got ${describeValue(p)}`);
  if (!Number.isInteger(p)) throw new RangeError(`pymallocFree: the address must be an integer, got ${describeValue(p)}`);
  return false;
}

/**
 * An emptied pool goes back to its arena, which may move, become usable, or
 * be released (`insert_to_freepool`). SAFETY: exclusive use.
 */
function insertToFreepool(pm: Pymalloc, pool: number): void {
  const u32 = pm.u32;
  const s = pm.state;
  usedUnlink(pm, pool);
  const index = u32[(pool + POOL_ARENAINDEX_OFFSET) >>> 2];
  const link = index + 1;
  const ao = arenaAddr(pm, index);
  u32[(pool + POOL_NEXTPOOL_OFFSET) >>> 2] = getField(pm, ao, ARENA_FREEPOOLS_OFFSET);
  setField(pm, ao, ARENA_FREEPOOLS_OFFSET, pool);
  let nf = getField(pm, ao, ARENA_NFREEPOOLS_OFFSET);
  const lastnf = nfp2lasta(pm, nf);
  if (lastnf === link) {
    const prev = getField(pm, ao, ARENA_PREVARENA_OFFSET);
    setNfp2lasta(pm, nf, prev !== 0 && getField(pm, arenaAddr(pm, prev - 1), ARENA_NFREEPOOLS_OFFSET) === nf ? prev : 0);
  }
  setField(pm, ao, ARENA_NFREEPOOLS_OFFSET, ++nf);
  const next = getField(pm, ao, ARENA_NEXTARENA_OFFSET);
  const prev = getField(pm, ao, ARENA_PREVARENA_OFFSET);

  if (nf === getField(pm, ao, ARENA_NTOTALPOOLS_OFFSET) && next !== 0) {
    // Case 1: the arena is entirely free and not the last usable one (keeping
    // the last avoids allocating and freeing an arena in a loop, bpo-37257).
    if (prev === 0) u32[(s + PM_USABLE_ARENAS_OFFSET) >>> 2] = next;
    else setField(pm, arenaAddr(pm, prev - 1), ARENA_NEXTARENA_OFFSET, next);
    setField(pm, arenaAddr(pm, next - 1), ARENA_PREVARENA_OFFSET, prev);
    if (nfp2lasta(pm, nf) === link) setNfp2lasta(pm, nf, 0);
    releaseArena(pm, index);
    return;
  }
  if (nf === 1) {
    // Case 2: the arena had no free pool; it becomes usable, at the head.
    const head = u32[(s + PM_USABLE_ARENAS_OFFSET) >>> 2];
    setField(pm, ao, ARENA_NEXTARENA_OFFSET, head);
    setField(pm, ao, ARENA_PREVARENA_OFFSET, 0);
    if (head !== 0) setField(pm, arenaAddr(pm, head - 1), ARENA_PREVARENA_OFFSET, link);
    u32[(s + PM_USABLE_ARENAS_OFFSET) >>> 2] = link;
    if (nfp2lasta(pm, 1) === 0) setNfp2lasta(pm, 1, link);
    return;
  }
  if (nfp2lasta(pm, nf) === 0) setNfp2lasta(pm, nf, link);
  // Case 4: it was the rightmost arena with its old count: still in order.
  if (link === lastnf) return;
  // Case 3: slide the arena right, past the arenas with its old count.
  if (next === 0 || lastnf === 0) fatalError(`pymalloc arena list corrupted at arena ${index} (${formatAddress(getField(pm, ao, ARENA_ADDRESS_OFFSET))})`);
  if (prev !== 0) setField(pm, arenaAddr(pm, prev - 1), ARENA_NEXTARENA_OFFSET, next);
  else u32[(s + PM_USABLE_ARENAS_OFFSET) >>> 2] = next;
  setField(pm, arenaAddr(pm, next - 1), ARENA_PREVARENA_OFFSET, prev);
  const after = getField(pm, arenaAddr(pm, lastnf - 1), ARENA_NEXTARENA_OFFSET);
  setField(pm, ao, ARENA_PREVARENA_OFFSET, lastnf);
  setField(pm, ao, ARENA_NEXTARENA_OFFSET, after);
  if (after !== 0) setField(pm, arenaAddr(pm, after - 1), ARENA_PREVARENA_OFFSET, link);
  setField(pm, arenaAddr(pm, lastnf - 1), ARENA_NEXTARENA_OFFSET, link);
}

/** Returns an arena's memory and its descriptor to the unused list. SAFETY: exclusive use. */
function releaseArena(pm: Pymalloc, index: number): void {
  const u32 = pm.u32;
  const s = pm.state;
  const ao = arenaAddr(pm, index);
  const address = getField(pm, ao, ARENA_ADDRESS_OFFSET);
  const first = Math.ceil(address / PYMALLOC_POOL_SIZE) * PYMALLOC_POOL_SIZE;
  markArenaMap(pm, first, getField(pm, ao, ARENA_NTOTALPOOLS_OFFSET), 0);
  pm.arenaAllocator.free(address, PYMALLOC_ARENA_SIZE);
  setField(pm, ao, ARENA_ADDRESS_OFFSET, 0);
  setField(pm, ao, ARENA_NEXTARENA_OFFSET, u32[(s + PM_UNUSED_ARENA_OBJECTS_OFFSET) >>> 2]);
  u32[(s + PM_UNUSED_ARENA_OBJECTS_OFFSET) >>> 2] = index + 1;
  u32[(s + PM_NARENAS_CURRENTLY_ALLOCATED_OFFSET) >>> 2]--;
}

/**
 * Walks every arena and pool (`_PyObject_DebugMallocStats`).
 *
 * SAFETY: plain reads; exact under exclusive use. Any thread may ask
 * (`interpreterAllocatedBlocks`): while the state's user runs, the walk is
 * a statistic — it only reads, and an out-of-range read of a typed array
 * yields `undefined`, never a fault.
 * @public
 */
export function pymallocStats(pm: Pymalloc): PymallocStats {
  const u32 = pm.u32;
  const s = pm.state;
  const pools = new Array<number>(PYMALLOC_SIZE_CLASSES).fill(0);
  const used = new Array<number>(PYMALLOC_SIZE_CLASSES).fill(0);
  let freePools = 0;
  const max = u32[(s + PM_MAXARENAS_OFFSET) >>> 2];
  for (let i = 0; i < max; i++) {
    const ao = arenaAddr(pm, i);
    const address = getField(pm, ao, ARENA_ADDRESS_OFFSET);
    if (address === 0) continue;
    freePools += getField(pm, ao, ARENA_NFREEPOOLS_OFFSET);
    const first = Math.ceil(address / PYMALLOC_POOL_SIZE) * PYMALLOC_POOL_SIZE;
    for (let pool = first; pool < getField(pm, ao, ARENA_POOL_ADDRESS_OFFSET); pool += PYMALLOC_POOL_SIZE) {
      const count = u32[(pool + K_POOL_COUNT_OFFSET) >>> 2];
      if (count === 0) continue;
      const c = u32[(pool + K_POOL_SZIDX_OFFSET) >>> 2];
      pools[c]++;
      used[c] += count;
    }
  }
  const classes: PymallocClassStats[] = [];
  let blocksInUse = 0;
  let allocatedBytes = 0;
  for (let c = 0; c < PYMALLOC_SIZE_CLASSES; c++) {
    if (pools[c] === 0) continue;
    classes.push({ sizeClass: c, blockSize: classSize(c), pools: pools[c], blocksInUse: used[c], freeBlocks: pools[c] * blocksPerPool(c) - used[c] });
    blocksInUse += used[c];
    allocatedBytes += used[c] * classSize(c);
  }
  const arenas = u32[(s + PM_NARENAS_CURRENTLY_ALLOCATED_OFFSET) >>> 2];
  return {
    classes,
    arenasAllocated: arenas,
    arenasAllocatedTotal: u32[(s + PM_NTIMES_ARENA_ALLOCATED_OFFSET) >>> 2],
    arenasHighWater: u32[(s + PM_NARENAS_HIGHWATER_OFFSET) >>> 2],
    arenaBytes: arenas * PYMALLOC_ARENA_SIZE,
    allocatedBytes,
    freePools,
    blocksInUse,
  };
}

/**
 * Releases every arena (an interpreter with its own state ends). Blocks still
 * allocated are lost; returns how many there were, for leak reports.
 *
 * SAFETY: exclusive use, for good: no other handle on the state may be used
 * afterwards.
 * @public
 */
export function pymallocDestroy(pm: Pymalloc): number {
  const leaked = pymallocStats(pm).blocksInUse;
  const u32 = pm.u32;
  const s = pm.state;
  const max = u32[(s + PM_MAXARENAS_OFFSET) >>> 2];
  for (let i = 0; i < max; i++) {
    if (getField(pm, arenaAddr(pm, i), ARENA_ADDRESS_OFFSET) !== 0) releaseArena(pm, i);
  }
  const arrays = u32[(s + PM_ARENAS_OFFSET) >>> 2];
  if (arrays !== 0) regionFree(pm.heap, arrays, max * ARENA_OBJECT_SIZE);
  regionFree(pm.heap, u32[(s + K_PM_ARENA_MAP_OFFSET) >>> 2], u32[(s + K_PM_ARENA_MAP_ENTRIES_OFFSET) >>> 2] * 2);
  // A destroyed state must not look like one to pymallocAttach.
  u32[(s + PM_TAG_OFFSET) >>> 2] = 0;
  regionFree(pm.heap, s, PYMALLOC_STATE_SIZE);
  return leaked;
}
