/**
 * Layouts of the shared structures `@ft/obmalloc` owns, declared once.
 *
 * pymalloc as CPython 3.13 lays it out on 64-bit (`Objects/obmalloc.c`):
 * 1 MiB arenas, 16 KiB pools, size classes in 16-byte steps up to 512
 * bytes. Links between arenas are descriptor indexes + 1 (0 = none) because
 * the descriptor array moves when it grows; pools are linked by address.
 *
 * @packageDocumentation
 */

/** Block alignment and size-class step (`ALIGNMENT`). @public */ export const PYMALLOC_ALIGNMENT = 16;
/** log2 of the alignment (`ALIGNMENT_SHIFT`). @public */ export const PYMALLOC_ALIGNMENT_SHIFT = 4;
/** Larger requests are not pymalloc's (`SMALL_REQUEST_THRESHOLD`). @public */ export const PYMALLOC_SMALL_REQUEST_THRESHOLD = 512;
/** Size classes: 16, 32, … 512 (`NB_SMALL_SIZE_CLASSES`). @public */ export const PYMALLOC_SIZE_CLASSES = 32;
/** `ARENA_SIZE`: 1 MiB. @public */ export const PYMALLOC_ARENA_SIZE = 1 << 20;
/** `POOL_SIZE`: 16 KiB. @public */ export const PYMALLOC_POOL_SIZE = 1 << 14;
/** log2 of the pool size. @public */ export const PYMALLOC_POOL_SHIFT = 14;
/** `MAX_POOLS_IN_ARENA`. @public */ export const PYMALLOC_MAX_POOLS_IN_ARENA = PYMALLOC_ARENA_SIZE / PYMALLOC_POOL_SIZE;
/** `INITIAL_ARENA_OBJECTS`: the descriptor array starts with 16 and doubles. @public */ export const PYMALLOC_INITIAL_ARENA_OBJECTS = 16;
/** `DUMMY_SIZE_IDX`: the class of a freshly carved pool. @public */ export const PYMALLOC_DUMMY_SIZE_IDX = 0xffff;

// ---------------------------------------------------------------------------
// Pool header (`pool_header`), at the start of every 16 KiB pool. Plain
// accesses: a pymalloc instance is used by one thread at a time (its owner, or
// whoever holds the interpreter's lock in GIL mode).
//
//  off  width  field          meaning
//  0    u32    count          blocks allocated in this pool (`ref.count`)
//  4    u32    freeblock      first free block (the link lives in the block's first word)
//  8    u32    nextpool       next pool in its class's used list, or next free pool of its arena
//  12   u32    prevpool       previous pool in its class's used list
//  16   u32    arenaindex     descriptor index of its arena
//  20   u32    szidx          size class, or PYMALLOC_DUMMY_SIZE_IDX
//  24   u32    nextoffset     offset of the next never-used block
//  28   u32    maxnextoffset  last offset a block may start at (pool size - block size)
// ---------------------------------------------------------------------------

/** Header bytes rounded up to the alignment (`POOL_OVERHEAD`; CPython: 48 on 64-bit). @public */
export const POOL_OVERHEAD = 32;
/** @public */ export const POOL_COUNT_OFFSET = 0;
/** @public */ export const POOL_FREEBLOCK_OFFSET = 4;
/** @public */ export const POOL_NEXTPOOL_OFFSET = 8;
/** @public */ export const POOL_PREVPOOL_OFFSET = 12;
/** @public */ export const POOL_ARENAINDEX_OFFSET = 16;
/** @public */ export const POOL_SZIDX_OFFSET = 20;
/** @public */ export const POOL_NEXTOFFSET_OFFSET = 24;
/** @public */ export const POOL_MAXNEXTOFFSET_OFFSET = 28;

// ---------------------------------------------------------------------------
// Arena descriptor (`arena_object`), 32 bytes, in a growable array.
//
//  off  width  field        meaning
//  0    u32    address      the arena's memory, 0 = descriptor unused
//  4    u32    poolAddress  next pool to carve
//  8    u32    nfreepools   free pools (never carved or emptied)
//  12   u32    ntotalpools  pools in the arena (64, or 63 if its memory is not pool-aligned)
//  16   u32    freepools    emptied pools, linked through `nextpool`
//  20   u32    nextarena    index + 1: next usable arena / next unused descriptor
//  24   u32    prevarena    index + 1: previous usable arena
//  28   u32    (reserved)
// ---------------------------------------------------------------------------

/** @public */ export const ARENA_OBJECT_SIZE = 32;
/** @public */ export const ARENA_ADDRESS_OFFSET = 0;
/** @public */ export const ARENA_POOL_ADDRESS_OFFSET = 4;
/** @public */ export const ARENA_NFREEPOOLS_OFFSET = 8;
/** @public */ export const ARENA_NTOTALPOOLS_OFFSET = 12;
/** @public */ export const ARENA_FREEPOOLS_OFFSET = 16;
/** @public */ export const ARENA_NEXTARENA_OFFSET = 20;
/** @public */ export const ARENA_PREVARENA_OFFSET = 24;

// ---------------------------------------------------------------------------
// pymalloc state (`_obmalloc_state`), one per interpreter that owns one.
//
//  off  width  field                     meaning
//  0    u32    tag                       PYMALLOC_TAG
//  4    u32    version                   OBMALLOC_LAYOUT_VERSION
//  8    u32    arenas                    address of the descriptor array
//  12   u32    maxarenas                 descriptors in the array
//  16   u32    unusedArenaObjects        index + 1 of the first unused descriptor
//  20   u32    usableArenas              index + 1 of the first arena with free pools (ascending nfreepools)
//  24   u32    narenasCurrentlyAllocated
//  28   u32    ntimesArenaAllocated
//  32   u32    narenasHighwater
//  36   u32    arenaMap                  address of the arena map (u16 per 16 KiB window: arena index + 1)
//  40   u32    arenaMapEntries
//  44   u32    rawAllocatedBlocks        blocks the pymalloc domain allocator sent to raw (`raw_allocated_blocks`):
//                                          one count per state, hence per interpreter, whichever thread allocates
//  64   u32 × 64  usedpools              per size class c, words 2c and 2c + 1: the `nextpool` and `prevpool`
//                                          of the pseudo header of c's circular used-pool list (CPython's
//                                          usedpools[]; an empty list points at its own pseudo header)
//  320  u32 × 65  nfp2lasta              index + 1 of the last usable arena with exactly n free pools
//  584  u32 × 2   discard                the `nextpool` and `prevpool` of a pseudo pool header that
//                                          absorbs the stores of a branch-free relink whose condition is false
//  592..639 reserved
// ---------------------------------------------------------------------------

/** Type tag of a pymalloc state ('PYMA'). @public */ export const PYMALLOC_TAG = 0x414d5950;
/** Layout version of this package's structures. @public */ export const OBMALLOC_LAYOUT_VERSION = 2;
/** @public */ export const PM_TAG_OFFSET = 0;
/** @public */ export const PM_VERSION_OFFSET = 4;
/** @public */ export const PM_ARENAS_OFFSET = 8;
/** @public */ export const PM_MAXARENAS_OFFSET = 12;
/** @public */ export const PM_UNUSED_ARENA_OBJECTS_OFFSET = 16;
/** @public */ export const PM_USABLE_ARENAS_OFFSET = 20;
/** @public */ export const PM_NARENAS_CURRENTLY_ALLOCATED_OFFSET = 24;
/** @public */ export const PM_NTIMES_ARENA_ALLOCATED_OFFSET = 28;
/** @public */ export const PM_NARENAS_HIGHWATER_OFFSET = 32;
/** @public */ export const PM_ARENA_MAP_OFFSET = 36;
/** @public */ export const PM_ARENA_MAP_ENTRIES_OFFSET = 40;
/** @public */ export const PM_RAW_ALLOCATED_BLOCKS_OFFSET = 44;
/** @public */ export const PM_USEDPOOLS_OFFSET = 64;
/** @public */ export const PM_NFP2LASTA_OFFSET = 320;
/** @public */ export const PM_DISCARD_OFFSET = 584;
/** @public */ export const PYMALLOC_STATE_SIZE = 640;

// ---------------------------------------------------------------------------
// Runtime allocator record (CPython `_PyRuntime.obmalloc`, plus the list of
// interpreters' obmalloc states that CPython reaches through the interpreter
// list), one per runtime, 64 bytes.
//
//  off  width  field             writer / reader, order
//  0    u32    tag               creator (Atomics.store, last) / attachers (Atomics.load): OBMALLOC_RUNTIME_TAG
//  4    u32    version           creator, read-only after: OBMALLOC_LAYOUT_VERSION
//  8    u32    mutex             PyMutex byte (low byte): guards every field below except ownedCount's lock-free reads
//  12   u32    mode              creator, read-only after: OBMALLOC_MODE_FREE_THREADED or OBMALLOC_MODE_GIL
//  16   u32    head              under mutex: first registered interpreter record (linked through IS_NEXT)
//  20   u32    count             under mutex: registered interpreters
//  24   u32    main              under mutex: the main interpreter's record, 0 before it exists
//  28   u32    ownedCount        under mutex (Atomics.store) / lock-free hint (Atomics.load): registered records that own their state
//  32   u32    interpreterLeaks  under mutex: blocks still allocated when interpreters with their own state ended (`interpreter_leaks`)
//  36..63 reserved
// ---------------------------------------------------------------------------

/** Type tag of the runtime allocator record ('OBRT'). @public */ export const OBMALLOC_RUNTIME_TAG = 0x5452424f;
/** Allocation mode: mimalloc heaps serve mem and object (CPython's free-threaded build). @public */ export const OBMALLOC_MODE_FREE_THREADED = 0;
/** Allocation mode: pymalloc serves mem and object under an interpreter lock (CPython's default build). @public */ export const OBMALLOC_MODE_GIL = 1;
/** @public */ export const RT_TAG_OFFSET = 0;
/** @public */ export const RT_VERSION_OFFSET = 4;
/** @public */ export const RT_MUTEX_OFFSET = 8;
/** @public */ export const RT_MODE_OFFSET = 12;
/** @public */ export const RT_HEAD_OFFSET = 16;
/** @public */ export const RT_COUNT_OFFSET = 20;
/** @public */ export const RT_MAIN_OFFSET = 24;
/** @public */ export const RT_OWNED_COUNT_OFFSET = 28;
/** @public */ export const RT_INTERPRETER_LEAKS_OFFSET = 32;
/** @public */ export const OBMALLOC_RUNTIME_SIZE = 64;

// ---------------------------------------------------------------------------
// An interpreter's obmalloc state record (CPython `interp->obmalloc` and the
// `Py_RTFLAGS_USE_MAIN_OBMALLOC` feature flag), one per interpreter, 64 bytes.
// Fields other than `next` are written by the creator before the record is
// published (linked in under the runtime mutex, or posted to a worker) and
// only read afterwards, so plain reads are ordered by that publication.
//
//  off  width  field     writer / reader, order
//  0    u32    tag       creator (plain, before publication) / attachers: OBMALLOC_STATE_TAG; 0 once ended
//  4    u32    version   creator: OBMALLOC_LAYOUT_VERSION
//  8    u32    id        creator: the interpreter id (0 = main)
//  12   u32    flags     creator: IS_FLAG_OWNS_STATE, IS_FLAG_MAIN
//  16   u32    pymalloc  creator: its own pymalloc state, or the main interpreter's
//  20   u32    mi        creator: the interpreter's mimalloc state (miCreate), 0 if none
//  24   u32    next      under the runtime mutex: next registered record
//  28   u32    runtime   creator: the runtime allocator record
//  32..63 reserved
// ---------------------------------------------------------------------------

/** Type tag of an interpreter's obmalloc state record ('OBIS'). @public */ export const OBMALLOC_STATE_TAG = 0x5349424f;
/** The interpreter owns its pymalloc state (`has_own_state`). @public */ export const IS_FLAG_OWNS_STATE = 1;
/** The main interpreter. @public */ export const IS_FLAG_MAIN = 2;
/** @public */ export const IS_TAG_OFFSET = 0;
/** @public */ export const IS_VERSION_OFFSET = 4;
/** @public */ export const IS_ID_OFFSET = 8;
/** @public */ export const IS_FLAGS_OFFSET = 12;
/** @public */ export const IS_PYMALLOC_OFFSET = 16;
/** @public */ export const IS_MI_OFFSET = 20;
/** @public */ export const IS_NEXT_OFFSET = 24;
/** @public */ export const IS_RUNTIME_OFFSET = 28;
/** @public */ export const OBMALLOC_STATE_SIZE = 64;

// ---------------------------------------------------------------------------
// Debug-hook frame (CPython's `_PyMem_DebugRawAlloc` layout with S = 8),
// around the n data bytes of every block the debug hooks hand out. b is the
// underlying block, p = b + DEBUG_HEADER_SIZE the address the caller gets.
// Written by the thread that allocates the block, before anyone else can
// reach it; checked by the thread that frees or reallocates it (plain: the
// block is that thread's then).
//
//  from b      width   field
//  0           u64 BE  n, the requested size (high half always 0: sizes are below 2^31)
//  8           u8      API id: 'r', 'm' or 'o'
//  9           u8 × 7  leading guard, FORBIDDEN_BYTE
//  16          n       data (p)
//  from p + n
//  0           u8 × 8  trailing guard, FORBIDDEN_BYTE
//  8           u64 BE  serial number (only with `serialNumbers`)
// ---------------------------------------------------------------------------

/** `S`: the size of the size field and of each guard. @public */ export const DEBUG_S = 8;
/** The size field, from b (a big-endian u64). @public */ export const DEBUG_SIZE_OFFSET = 0;
/** The low half of the big-endian size field, from b: the half that holds the size. @public */ export const DEBUG_SIZE_LOW_OFFSET = 4;
/** The API id byte, from b. @public */ export const DEBUG_API_ID_OFFSET = 8;
/** The first of the S - 1 leading guard bytes, from b. @public */ export const DEBUG_LEADING_GUARD_OFFSET = 9;
/** Bytes before the data: p = b + 2·S. @public */ export const DEBUG_HEADER_SIZE = 2 * DEBUG_S;
/** The trailing guard, from the end of the data (p + n). @public */ export const DEBUG_TRAILING_GUARD_OFFSET = 0;
/** The serial number, from the end of the data (a big-endian u64). @public */ export const DEBUG_SERIAL_OFFSET = DEBUG_S;
/** The low half of the big-endian serial number, from the end of the data. @public */ export const DEBUG_SERIAL_LOW_OFFSET = DEBUG_S + 4;
