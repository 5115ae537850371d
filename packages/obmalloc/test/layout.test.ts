import { expectLayout, tagText, type LayoutField } from '@ft/harness/layout-check';
import { describe, expect, it } from 'vitest';
import * as API from '../src/index.js';
import * as L from '../src/layout.js';

/** Bytes a set of fields spans from offset 0 (end of the last field). */
function spanOf(fields: readonly LayoutField[]): number {
  return Math.max(...fields.map(([, offset, width]) => offset + width));
}

const POOL_FIELDS: LayoutField[] = [
  ['count', L.POOL_COUNT_OFFSET, 4],
  ['freeblock', L.POOL_FREEBLOCK_OFFSET, 4],
  ['nextpool', L.POOL_NEXTPOOL_OFFSET, 4],
  ['prevpool', L.POOL_PREVPOOL_OFFSET, 4],
  ['arenaindex', L.POOL_ARENAINDEX_OFFSET, 4],
  ['szidx', L.POOL_SZIDX_OFFSET, 4],
  ['nextoffset', L.POOL_NEXTOFFSET_OFFSET, 4],
  ['maxnextoffset', L.POOL_MAXNEXTOFFSET_OFFSET, 4],
];

const ARENA_FIELDS: LayoutField[] = [
  ['address', L.ARENA_ADDRESS_OFFSET, 4],
  ['poolAddress', L.ARENA_POOL_ADDRESS_OFFSET, 4],
  ['nfreepools', L.ARENA_NFREEPOOLS_OFFSET, 4],
  ['ntotalpools', L.ARENA_NTOTALPOOLS_OFFSET, 4],
  ['freepools', L.ARENA_FREEPOOLS_OFFSET, 4],
  ['nextarena', L.ARENA_NEXTARENA_OFFSET, 4],
  ['prevarena', L.ARENA_PREVARENA_OFFSET, 4],
];

const STATE_FIELDS: LayoutField[] = [
  ['tag', L.PM_TAG_OFFSET, 4],
  ['version', L.PM_VERSION_OFFSET, 4],
  ['arenas', L.PM_ARENAS_OFFSET, 4],
  ['maxarenas', L.PM_MAXARENAS_OFFSET, 4],
  ['unusedArenaObjects', L.PM_UNUSED_ARENA_OBJECTS_OFFSET, 4],
  ['usableArenas', L.PM_USABLE_ARENAS_OFFSET, 4],
  ['narenasCurrentlyAllocated', L.PM_NARENAS_CURRENTLY_ALLOCATED_OFFSET, 4],
  ['ntimesArenaAllocated', L.PM_NTIMES_ARENA_ALLOCATED_OFFSET, 4],
  ['narenasHighwater', L.PM_NARENAS_HIGHWATER_OFFSET, 4],
  ['arenaMap', L.PM_ARENA_MAP_OFFSET, 4],
  ['arenaMapEntries', L.PM_ARENA_MAP_ENTRIES_OFFSET, 4],
  ['rawAllocatedBlocks', L.PM_RAW_ALLOCATED_BLOCKS_OFFSET, 4],
  // Two words per size class: the nextpool/prevpool of the class's pseudo header (CPython's usedpools[]).
  ['usedpools', L.PM_USEDPOOLS_OFFSET, 8 * L.PYMALLOC_SIZE_CLASSES, 4],
  // nfp2lasta[0 .. MAX_POOLS_IN_ARENA]: 65 entries.
  ['nfp2lasta', L.PM_NFP2LASTA_OFFSET, 4 * (L.PYMALLOC_MAX_POOLS_IN_ARENA + 1), 4],
  // The discard header's nextpool/prevpool.
  ['discard', L.PM_DISCARD_OFFSET, 8, 4],
];

const RUNTIME_FIELDS: LayoutField[] = [
  ['tag', L.RT_TAG_OFFSET, 4],
  ['version', L.RT_VERSION_OFFSET, 4],
  ['mutex', L.RT_MUTEX_OFFSET, 4],
  ['mode', L.RT_MODE_OFFSET, 4],
  ['head', L.RT_HEAD_OFFSET, 4],
  ['count', L.RT_COUNT_OFFSET, 4],
  ['main', L.RT_MAIN_OFFSET, 4],
  ['ownedCount', L.RT_OWNED_COUNT_OFFSET, 4],
  ['interpreterLeaks', L.RT_INTERPRETER_LEAKS_OFFSET, 4],
];

const INTERPRETER_STATE_FIELDS: LayoutField[] = [
  ['tag', L.IS_TAG_OFFSET, 4],
  ['version', L.IS_VERSION_OFFSET, 4],
  ['id', L.IS_ID_OFFSET, 4],
  ['flags', L.IS_FLAGS_OFFSET, 4],
  ['pymalloc', L.IS_PYMALLOC_OFFSET, 4],
  ['mi', L.IS_MI_OFFSET, 4],
  ['next', L.IS_NEXT_OFFSET, 4],
  ['runtime', L.IS_RUNTIME_OFFSET, 4],
];

/** The debug frame's header (from the underlying block) and trailer (from the end of the data); byte-aligned fields. */
const DEBUG_HEADER_FIELDS: LayoutField[] = [
  ['size (u64 BE)', L.DEBUG_SIZE_OFFSET, L.DEBUG_S, 1],
  ['API id', L.DEBUG_API_ID_OFFSET, 1, 1],
  ['leading guard', L.DEBUG_LEADING_GUARD_OFFSET, L.DEBUG_S - 1, 1],
];
const DEBUG_TRAILER_FIELDS: LayoutField[] = [
  ['trailing guard', L.DEBUG_TRAILING_GUARD_OFFSET, L.DEBUG_S, 1],
  ['serial number (u64 BE)', L.DEBUG_SERIAL_OFFSET, L.DEBUG_S, 1],
];

describe('layout', () => {
  it('debug frame: S = 8, a 2·S header filled exactly, the low halves of the big-endian u64s at +4', () => {
    expectLayout(DEBUG_HEADER_FIELDS, L.DEBUG_HEADER_SIZE);
    expect(spanOf(DEBUG_HEADER_FIELDS)).toBe(L.DEBUG_HEADER_SIZE);
    expect(L.DEBUG_HEADER_SIZE).toBe(2 * L.DEBUG_S);
    expectLayout(DEBUG_TRAILER_FIELDS, 2 * L.DEBUG_S);
    expect(L.DEBUG_SIZE_LOW_OFFSET).toBe(L.DEBUG_SIZE_OFFSET + 4);
    expect(L.DEBUG_SERIAL_LOW_OFFSET).toBe(L.DEBUG_SERIAL_OFFSET + 4);
    // The address handed out stays 8-byte aligned when the underlying block is.
    expect(L.DEBUG_HEADER_SIZE % 8).toBe(0);
    expect(API.DEBUG_S).toBe(L.DEBUG_S);
  });

  it("runtime allocator record and interpreter state records: aligned, non-overlapping, tags 'OBRT' / 'OBIS' first", () => {
    expectLayout(RUNTIME_FIELDS, L.OBMALLOC_RUNTIME_SIZE);
    expectLayout(INTERPRETER_STATE_FIELDS, L.OBMALLOC_STATE_SIZE);
    expect(tagText(L.OBMALLOC_RUNTIME_TAG)).toBe('OBRT');
    expect(tagText(L.OBMALLOC_STATE_TAG)).toBe('OBIS');
    expect(L.RT_TAG_OFFSET).toBe(0);
    expect(L.IS_TAG_OFFSET).toBe(0);
    // The mutex word is waited on: a 4-byte aligned Int32.
    expect(L.RT_MUTEX_OFFSET % 4).toBe(0);
    expect(L.OBMALLOC_RUNTIME_SIZE % 64).toBe(0);
    expect(L.OBMALLOC_STATE_SIZE % 64).toBe(0);
    expect(L.IS_FLAG_OWNS_STATE & L.IS_FLAG_MAIN).toBe(0);
    expect(L.OBMALLOC_MODE_GIL).not.toBe(L.OBMALLOC_MODE_FREE_THREADED);
  });

  it('pool header: aligned, non-overlapping, inside POOL_OVERHEAD, which is a multiple of the alignment', () => {
    expectLayout(POOL_FIELDS, L.POOL_OVERHEAD);
    const headerBytes = spanOf(POOL_FIELDS);
    expect(headerBytes).toBe(32);
    expect(L.POOL_OVERHEAD).toBeGreaterThanOrEqual(headerBytes);
    expect(L.POOL_OVERHEAD % 16).toBe(0);
    // The first block (at POOL_OVERHEAD) is aligned inside a 16 KiB-aligned pool.
    expect(L.POOL_OVERHEAD % L.PYMALLOC_ALIGNMENT).toBe(0);
    // Not more than one alignment step of padding (CPython rounds sizeof(pool_header) up to ALIGNMENT).
    expect(L.POOL_OVERHEAD - headerBytes).toBeLessThan(L.PYMALLOC_ALIGNMENT);
    // The public re-export is the same number.
    expect(API.POOL_OVERHEAD).toBe(L.POOL_OVERHEAD);
  });

  it('arena descriptor: aligned, non-overlapping, inside ARENA_OBJECT_SIZE', () => {
    expectLayout(ARENA_FIELDS, L.ARENA_OBJECT_SIZE);
    expect(L.ARENA_OBJECT_SIZE % 4).toBe(0);
    expect(L.ARENA_OBJECT_SIZE).toBeGreaterThanOrEqual(spanOf(ARENA_FIELDS));
  });

  it('pymalloc state: aligned, non-overlapping, usedpools (32 × 2 words), nfp2lasta (65) and the discard header fit in the state', () => {
    expectLayout(STATE_FIELDS, L.PYMALLOC_STATE_SIZE);
    expect(L.PYMALLOC_SIZE_CLASSES).toBe(32);
    // usedpools has two words per class before nfp2lasta starts.
    expect(L.PM_NFP2LASTA_OFFSET - L.PM_USEDPOOLS_OFFSET).toBeGreaterThanOrEqual(8 * 32);
    // nfp2lasta is indexed by a free-pool count 0..64.
    expect(L.PM_NFP2LASTA_OFFSET + 4 * 65).toBeLessThanOrEqual(L.PM_DISCARD_OFFSET);
    expect(spanOf(STATE_FIELDS)).toBe(L.PM_DISCARD_OFFSET + 8);
    // A pseudo header's link words are its words 2 and 3 (nextpool, prevpool): they sit inside the state.
    expect([L.POOL_NEXTPOOL_OFFSET, L.POOL_PREVPOOL_OFFSET]).toEqual([8, 12]);
    // The tag is the first word: attaching reads it before anything else.
    expect(L.PM_TAG_OFFSET).toBe(0);
    expect(L.PYMALLOC_STATE_SIZE % 64).toBe(0);
  });

  it("the state's tag spells 'PYMA' and the layout version is positive", () => {
    expect(tagText(L.PYMALLOC_TAG)).toBe('PYMA');
    expect(L.OBMALLOC_LAYOUT_VERSION).toBeGreaterThanOrEqual(1);
    expect(API.OBMALLOC_LAYOUT_VERSION).toBe(L.OBMALLOC_LAYOUT_VERSION);
  });

  it('geometry: 16 KiB pools, 1 MiB arenas, 64 pools per arena, 32 classes of 16 bytes up to 512', () => {
    expect(L.PYMALLOC_POOL_SIZE).toBe(16 * 1024);
    expect(1 << L.PYMALLOC_POOL_SHIFT).toBe(L.PYMALLOC_POOL_SIZE);
    expect(L.PYMALLOC_ARENA_SIZE).toBe(1024 * 1024);
    expect(L.PYMALLOC_MAX_POOLS_IN_ARENA).toBe(64);
    expect(L.PYMALLOC_ARENA_SIZE / L.PYMALLOC_POOL_SIZE).toBe(64);
    expect(L.PYMALLOC_ALIGNMENT).toBe(16);
    expect(1 << L.PYMALLOC_ALIGNMENT_SHIFT).toBe(L.PYMALLOC_ALIGNMENT);
    expect(L.PYMALLOC_SMALL_REQUEST_THRESHOLD).toBe(512);
    expect(L.PYMALLOC_SIZE_CLASSES * L.PYMALLOC_ALIGNMENT).toBe(L.PYMALLOC_SMALL_REQUEST_THRESHOLD);
    expect(L.PYMALLOC_INITIAL_ARENA_OBJECTS).toBe(16);
    expect(L.PYMALLOC_DUMMY_SIZE_IDX).toBe(0xffff);
    // A DUMMY class index can never be mistaken for a real class.
    expect(L.PYMALLOC_DUMMY_SIZE_IDX).toBeGreaterThanOrEqual(L.PYMALLOC_SIZE_CLASSES);
    // The largest class still fits at least two blocks in a pool (a full pool can never be emptied by one free).
    expect(Math.floor((L.PYMALLOC_POOL_SIZE - L.POOL_OVERHEAD) / L.PYMALLOC_SMALL_REQUEST_THRESHOLD)).toBe(31);
    // Public re-exports agree.
    expect(API.PYMALLOC_POOL_SIZE).toBe(L.PYMALLOC_POOL_SIZE);
    expect(API.PYMALLOC_ARENA_SIZE).toBe(L.PYMALLOC_ARENA_SIZE);
    expect(API.PYMALLOC_MAX_POOLS_IN_ARENA).toBe(L.PYMALLOC_MAX_POOLS_IN_ARENA);
    expect(API.PYMALLOC_SIZE_CLASSES).toBe(L.PYMALLOC_SIZE_CLASSES);
    expect(API.PYMALLOC_ALIGNMENT).toBe(L.PYMALLOC_ALIGNMENT);
    expect(API.PYMALLOC_SMALL_REQUEST_THRESHOLD).toBe(L.PYMALLOC_SMALL_REQUEST_THRESHOLD);
  });
});
