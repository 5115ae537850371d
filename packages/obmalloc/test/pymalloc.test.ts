import { FatalError, regionAlloc, regionFree, regionStats, SharedHeap } from '@ft/atomics';
import { afterEach, describe, expect, it } from 'vitest';
import {
  POOL_OVERHEAD,
  PYMALLOC_ARENA_SIZE,
  PYMALLOC_POOL_SIZE,
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
  type Pymalloc,
} from '../src/index.js';
import {
  ARENA_ADDRESS_OFFSET,
  ARENA_FREEPOOLS_OFFSET,
  ARENA_NFREEPOOLS_OFFSET,
  ARENA_NTOTALPOOLS_OFFSET,
  ARENA_OBJECT_SIZE,
  PM_ARENAS_OFFSET,
  PM_MAXARENAS_OFFSET,
  PM_USEDPOOLS_OFFSET,
  POOL_NEXTPOOL_OFFSET,
  POOL_ARENAINDEX_OFFSET,
  POOL_COUNT_OFFSET,
  POOL_FREEBLOCK_OFFSET,
  POOL_NEXTOFFSET_OFFSET,
  POOL_SZIDX_OFFSET,
} from '../src/layout.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const POOL = PYMALLOC_POOL_SIZE;
const HEAP_SIZE = 64 * MiB;
/** Blocks of the 512-byte class in one pool, and in one 64-pool arena. */
const PER_POOL_512 = Math.floor((POOL - POOL_OVERHEAD) / 512); // 31
const PER_ARENA_512 = 64 * PER_POOL_512; // 1984

const heaps: SharedHeap[] = [];

afterEach(() => {
  for (const h of heaps.splice(0).reverse()) h.close();
});

interface Env {
  heap: SharedHeap;
  pm: Pymalloc;
  /** Region occupancy before pymallocCreate. */
  regionsBefore: number;
  bytesBefore: number;
}

function setup(size = HEAP_SIZE): Env {
  const heap = SharedHeap.create({ size });
  heaps.push(heap);
  const before = regionStats(heap);
  const pm = pymallocCreate(heap);
  return { heap, pm, regionsBefore: before.regionsInUse, bytesBefore: before.bytesInUse };
}

const classSize = (n: number): number => (n + 15) & ~15;
const classOf = (n: number): number => (n - 1) >> 4;
const numBlocks = (size: number): number => Math.floor((POOL - POOL_OVERHEAD) / size);
const poolOf = (p: number): number => p - (p % POOL);
/** The arena of a block under the default allocator (1 MiB-aligned arenas). */
const arenaOf = (p: number): number => Math.floor(p / MiB);

function allocN(pm: Pymalloc, n: number, count: number): number[] {
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const p = pymallocAlloc(pm, n);
    if (p === 0) throw new Error(`allocation ${i} of ${n} bytes failed`);
    out[i] = p;
  }
  return out;
}

function freeAll(pm: Pymalloc, blocks: Iterable<number>): void {
  for (const p of blocks) {
    if (!pymallocFree(pm, p)) throw new Error(`pymallocFree(${p}) returned false`);
  }
}

function poolField(pm: Pymalloc, pool: number, offset: number): number {
  return pm.u32[(pool + offset) >>> 2];
}

/** The first pool of class c's used list, 0 when it is empty (the circular list's pseudo header points at itself). */
function usedHead(pm: Pymalloc, c: number): number {
  const list = pm.state + PM_USEDPOOLS_OFFSET + 8 * c - POOL_NEXTPOOL_OFFSET;
  const first = pm.u32[(list + POOL_NEXTPOOL_OFFSET) >>> 2];
  return first === list ? 0 : first;
}

function arenaDescriptor(pm: Pymalloc, index: number): number {
  return pm.u32[(pm.state + PM_ARENAS_OFFSET) >>> 2] + index * ARENA_OBJECT_SIZE;
}

/** Groups blocks by pool, pools in first-seen order. */
function byPool(blocks: readonly number[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const b of blocks) {
    const pool = poolOf(b);
    let list = m.get(pool);
    if (list === undefined) m.set(pool, (list = []));
    list.push(b);
  }
  return m;
}

/** Indexes (in `before`) of the bytes of [start, end) that differ now. */
function changedOffsets(heap: SharedHeap, start: number, before: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < before.length; i++) if (heap.u8[start + i] !== before[i]) out.push(i);
  return out;
}

describe('pymalloc: request sizes', () => {
  it('0 and sizes above 512 return 0, non-sizes throw, and nothing is allocated', () => {
    const { pm } = setup();
    expect(pymallocAlloc(pm, 0)).toBe(0);
    expect(pymallocAlloc(pm, 513)).toBe(0);
    expect(pymallocAlloc(pm, 4096)).toBe(0);
    expect(pymallocAlloc(pm, 2 ** 40)).toBe(0);
    expect(() => pymallocAlloc(pm, -16)).toThrow(RangeError);
    expect(() => pymallocAlloc(pm, Number.NaN)).toThrow(RangeError);
    expect(() => pymallocAlloc(pm, 1.5)).toThrow(RangeError);
    const s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(0);
    expect(s.blocksInUse).toBe(0);
    expect(s.classes).toEqual([]);
  });

  it('every n in 1..512 gets a 16-byte-aligned block of its 16-byte class', () => {
    const { pm, heap } = setup();
    const blocks: number[] = [];
    const sizes: number[] = [];
    for (let n = 1; n <= 512; n++) {
      const p = pymallocAlloc(pm, n);
      blocks.push(p);
      sizes.push(pymallocBlockSize(pm, p));
    }
    expect(blocks.filter((p) => p === 0)).toEqual([]);
    expect(blocks.filter((p) => p % 16 !== 0)).toEqual([]);
    const expected = Array.from({ length: 512 }, (_, i) => classSize(i + 1));
    expect(sizes).toEqual(expected);
    for (let n = 1; n <= 512; n++) expect(sizes[n - 1]).toBeGreaterThanOrEqual(n);
    expect(new Set(blocks).size).toBe(512);
    // Every block lies after its pool's header and inside its pool.
    for (let i = 0; i < 512; i++) {
      const off = blocks[i] - poolOf(blocks[i]);
      expect(off).toBeGreaterThanOrEqual(POOL_OVERHEAD);
      expect(off + sizes[i]).toBeLessThanOrEqual(POOL);
      expect(blocks[i] + sizes[i]).toBeLessThanOrEqual(heap.size);
    }
    // 16 blocks per class, one pool per class.
    const s = pymallocStats(pm);
    expect(s.classes.map((c) => [c.sizeClass, c.pools, c.blocksInUse])).toEqual(Array.from({ length: 32 }, (_, c) => [c, 1, 16]));
    expect(s.blocksInUse).toBe(512);
  });
});

describe('pymalloc: pool mechanics', () => {
  it('the first allocation of a class in a fresh pool touches only the header and the second block', () => {
    const { pm, heap } = setup();
    const size = 112;
    // A fresh arena is zero memory (regions read as zeros): untouched bytes stay 0.
    const p = pymallocAlloc(pm, 100);
    const pool = poolOf(p);
    expect(p).toBe(pool + POOL_OVERHEAD);
    expect(pymallocBlockSize(pm, p)).toBe(size);
    // The second block is linked as the free list, terminated by a 0 link word.
    expect(poolField(pm, pool, POOL_FREEBLOCK_OFFSET)).toBe(p + size);
    expect(pm.u32[(p + size) >>> 2]).toBe(0);
    expect(poolField(pm, pool, POOL_NEXTOFFSET_OFFSET)).toBe(POOL_OVERHEAD + 2 * size);
    expect(poolField(pm, pool, POOL_COUNT_OFFSET)).toBe(1);
    // The third block onwards has never been touched: still all zero.
    const rest = heap.u8.subarray(p + 2 * size, pool + POOL);
    expect(rest.every((b) => b === 0)).toBe(true);
  });

  it('a re-purposed pool with dirty memory: only the header and the second block\'s link word are written', () => {
    const { pm, heap } = setup();
    // Fill a pool of 48-byte blocks with a pattern, then empty it: it goes to its arena's free pools.
    const old = allocN(pm, 48, numBlocks(48));
    const pool = poolOf(old[0]);
    expect(new Set(old.map(poolOf)).size).toBe(1);
    for (const b of old) heap.u8.fill(0xab, b, b + 48);
    freeAll(pm, old);
    const before = heap.u8.slice(pool, pool + POOL);
    // A different class takes that pool and initialises it.
    const size = 80;
    const p = pymallocAlloc(pm, 80);
    expect(poolOf(p)).toBe(pool);
    expect(p).toBe(pool + POOL_OVERHEAD);
    // The second block's link word must be written (it held old data): 0 ends the free list.
    expect(pm.u32[(p + size) >>> 2]).toBe(0);
    // Nothing outside the header and that link word changed (lazy carving).
    const changed = changedOffsets(heap, pool, before).filter((o) => o >= POOL_OVERHEAD && !(o >= POOL_OVERHEAD + size && o < POOL_OVERHEAD + size + 4));
    expect(changed).toEqual([]);
  });

  it('blocks are carved lazily in address order', () => {
    const { pm, heap } = setup();
    const size = 64;
    const blocks = allocN(pm, 64, 10);
    const pool = poolOf(blocks[0]);
    expect(blocks).toEqual(Array.from({ length: 10 }, (_, i) => pool + POOL_OVERHEAD + i * size));
    // After k allocations the next virgin block is k + 1 (block k is linked as the free list).
    expect(poolField(pm, pool, POOL_NEXTOFFSET_OFFSET)).toBe(POOL_OVERHEAD + 11 * size);
    expect(poolField(pm, pool, POOL_FREEBLOCK_OFFSET)).toBe(pool + POOL_OVERHEAD + 10 * size);
    // Beyond block 10 nothing was touched.
    expect(heap.u8.subarray(pool + POOL_OVERHEAD + 11 * size, pool + POOL).every((b) => b === 0)).toBe(true);
    // A freed block is reused first (LIFO free list), then carving resumes in order.
    expect(pymallocFree(pm, blocks[3])).toBe(true);
    expect(pymallocAlloc(pm, 64)).toBe(blocks[3]);
    expect(pymallocAlloc(pm, 64)).toBe(pool + POOL_OVERHEAD + 10 * size);
    expect(pymallocAlloc(pm, 64)).toBe(pool + POOL_OVERHEAD + 11 * size);
  });

  it('a pool fills exactly NUMBLOCKS blocks, leaves the used list, and returns to its front on a free', () => {
    const { pm } = setup();
    const c = classOf(512);
    const first = allocN(pm, 512, PER_POOL_512);
    const p1 = poolOf(first[0]);
    expect(first.every((b) => poolOf(b) === p1)).toBe(true);
    expect(first[PER_POOL_512 - 1]).toBe(p1 + POOL_OVERHEAD + (PER_POOL_512 - 1) * 512);
    // Full: unlinked from the used list, no free block.
    expect(usedHead(pm, c)).toBe(0);
    expect(poolField(pm, p1, POOL_FREEBLOCK_OFFSET)).toBe(0);
    expect(poolField(pm, p1, POOL_COUNT_OFFSET)).toBe(PER_POOL_512);
    // The next allocation needs a second pool.
    const second = allocN(pm, 512, 5);
    const p2 = poolOf(second[0]);
    expect(p2).not.toBe(p1);
    expect(second.every((b) => poolOf(b) === p2)).toBe(true);
    expect(usedHead(pm, c)).toBe(p2);
    // Freeing a block of the full pool puts it at the front: the next allocation comes from it.
    expect(pymallocFree(pm, first[7])).toBe(true);
    expect(usedHead(pm, c)).toBe(p1);
    expect(pymallocAlloc(pm, 512)).toBe(first[7]);
    // Full again: p2 is the head again and serves the next request.
    expect(usedHead(pm, c)).toBe(p2);
    expect(poolOf(pymallocAlloc(pm, 500))).toBe(p2);
  });

  it('an emptied pool goes back to its arena and is reused for another class (szidx changes)', () => {
    const { pm } = setup();
    const a = pymallocAlloc(pm, 16);
    const pa = poolOf(a);
    const b = pymallocAlloc(pm, 32);
    const pb = poolOf(b);
    expect(pb).not.toBe(pa);
    expect(poolField(pm, pa, POOL_SZIDX_OFFSET)).toBe(0);
    const arenaIndex = poolField(pm, pa, POOL_ARENAINDEX_OFFSET);
    const ao = arenaDescriptor(pm, arenaIndex);
    const freeBefore = pm.u32[(ao + ARENA_NFREEPOOLS_OFFSET) >>> 2];
    expect(pymallocFree(pm, a)).toBe(true);
    // Off the used list, on the arena's free pools.
    expect(usedHead(pm, 0)).toBe(0);
    expect(pm.u32[(ao + ARENA_FREEPOOLS_OFFSET) >>> 2]).toBe(pa);
    expect(pm.u32[(ao + ARENA_NFREEPOOLS_OFFSET) >>> 2]).toBe(freeBefore + 1);
    expect(pymallocStats(pm).classes.map((c) => c.sizeClass)).toEqual([1]);
    // A new class takes the emptied pool before carving a new one.
    const c5 = pymallocAlloc(pm, 90);
    expect(poolOf(c5)).toBe(pa);
    expect(c5).toBe(pa + POOL_OVERHEAD);
    expect(poolField(pm, pa, POOL_SZIDX_OFFSET)).toBe(5);
    expect(pymallocBlockSize(pm, c5)).toBe(96);
    expect(pm.u32[(ao + ARENA_FREEPOOLS_OFFSET) >>> 2]).toBe(0);
    expect(pm.u32[(ao + ARENA_NFREEPOOLS_OFFSET) >>> 2]).toBe(freeBefore);
    // Next 96-byte block comes right after it (the pool was re-initialised for 96 bytes).
    expect(pymallocAlloc(pm, 96)).toBe(pa + POOL_OVERHEAD + 96);
    expect(pymallocStats(pm).classes.map((c) => [c.sizeClass, c.pools, c.blocksInUse])).toEqual([
      [1, 1, 1],
      [5, 1, 2],
    ]);
  });

  it('an emptied pool reused for the same class keeps its free list', () => {
    const { pm } = setup();
    const blocks = allocN(pm, 200, 6); // 208-byte class
    const pool = poolOf(blocks[0]);
    freeAll(pm, [blocks[1], blocks[4], blocks[0], blocks[2], blocks[5], blocks[3]]);
    expect(pymallocStats(pm).classes).toEqual([]);
    // Reused with the same class: its free list is popped (last freed first), nothing re-carved.
    expect(pymallocAlloc(pm, 208)).toBe(blocks[3]);
    expect(poolOf(blocks[3])).toBe(pool);
    expect(pymallocAlloc(pm, 208)).toBe(blocks[5]);
    expect(pymallocAlloc(pm, 201)).toBe(blocks[2]);
    expect(poolField(pm, pool, POOL_COUNT_OFFSET)).toBe(3);
  });
});

describe('pymalloc: address in range', () => {
  it('true for pymalloc blocks, false for regions, 0, negative and beyond the heap', () => {
    const { pm, heap } = setup();
    const blocks = [pymallocAlloc(pm, 1), pymallocAlloc(pm, 256), pymallocAlloc(pm, 512)];
    for (const p of blocks) {
      expect(pymallocAddressInRange(pm, p)).toBe(true);
      expect(pymallocAddressInRange(pm, p + 15)).toBe(true);
    }
    const region = regionAlloc(heap, 64 * KiB);
    const bigRegion = regionAlloc(heap, MiB, MiB);
    expect(region).toBeGreaterThan(0);
    expect(bigRegion).toBeGreaterThan(0);
    expect(pymallocAddressInRange(pm, region)).toBe(false);
    expect(pymallocAddressInRange(pm, region + 32 * KiB)).toBe(false);
    expect(pymallocAddressInRange(pm, bigRegion + POOL_OVERHEAD)).toBe(false);
    expect(pymallocAddressInRange(pm, 0)).toBe(false);
    expect(pymallocAddressInRange(pm, -16)).toBe(false);
    expect(pymallocAddressInRange(pm, heap.size)).toBe(false);
    expect(pymallocAddressInRange(pm, heap.size + 16)).toBe(false);
    expect(pymallocAddressInRange(pm, heap.size + MiB)).toBe(false);
    // Foreign addresses are not freed and do not change anything.
    const before = pymallocStats(pm);
    expect(pymallocFree(pm, region)).toBe(false);
    expect(pymallocFree(pm, 0)).toBe(false);
    expect(pymallocBlockSize(pm, region)).toBe(0);
    expect(pymallocStats(pm)).toEqual(before);
  });

  it('false beyond 4 GiB: an address does not wrap around onto a pymalloc block', () => {
    const { pm } = setup();
    const p = pymallocAlloc(pm, 64);
    expect(pymallocAddressInRange(pm, p)).toBe(true);
    // DESIGN §2: addresses are u32 and nothing wraps around. `p >>> 14` wraps 2^32 + p onto p's window.
    expect(pymallocAddressInRange(pm, 2 ** 32 + p)).toBe(false);
    expect(pymallocBlockSize(pm, 2 ** 32 + p)).toBe(0);
    // ...and then a free of that number would free p itself.
    expect(pymallocFree(pm, 2 ** 32 + p)).toBe(false);
    expect(pymallocStats(pm).blocksInUse).toBe(1);
  });

  it('two states on one heap do not claim each other\'s blocks', () => {
    const { pm, heap } = setup();
    const other = pymallocCreate(heap);
    const a = pymallocAlloc(pm, 32);
    const b = pymallocAlloc(other, 32);
    expect(arenaOf(a)).not.toBe(arenaOf(b));
    expect(pymallocAddressInRange(pm, a)).toBe(true);
    expect(pymallocAddressInRange(other, b)).toBe(true);
    expect(pymallocAddressInRange(pm, b)).toBe(false);
    expect(pymallocAddressInRange(other, a)).toBe(false);
    expect(pymallocFree(other, a)).toBe(false);
    expect(pymallocStats(pm).blocksInUse).toBe(1);
    expect(pymallocDestroy(other)).toBe(1);
    expect(pymallocAddressInRange(pm, a)).toBe(true);
  });

  it('false for an arena after it has been released', () => {
    const { pm } = setup();
    // Two full arenas: A0 wholly freed first is kept (last usable), A1 wholly freed afterwards is released.
    const blocks = allocN(pm, 512, 2 * PER_ARENA_512);
    const a0 = blocks.slice(0, PER_ARENA_512);
    const a1 = blocks.slice(PER_ARENA_512);
    expect(arenaOf(a0[0])).not.toBe(arenaOf(a1[0]));
    freeAll(pm, a0);
    freeAll(pm, a1);
    expect(pymallocStats(pm).arenasAllocated).toBe(1);
    expect(a0.every((p) => pymallocAddressInRange(pm, p))).toBe(true);
    expect(a1.some((p) => pymallocAddressInRange(pm, p))).toBe(false);
    expect(pymallocFree(pm, a1[0])).toBe(false);
  });
});

describe('pymalloc: arena ordering', () => {
  /** Fills `n` whole arenas with 512-byte blocks; returns the arenas (in allocation order) and their pools' blocks. */
  function fillArenas(pm: Pymalloc, n: number): { arenas: number[]; pools: number[][][]; blocks: number[] } {
    const blocks = allocN(pm, 512, n * PER_ARENA_512);
    const arenas = [...new Set(blocks.map(arenaOf))];
    expect(arenas.length).toBe(n);
    // Arenas are filled one after the other.
    expect(blocks.map(arenaOf)).toEqual(blocks.map((_, i) => arenas[Math.floor(i / PER_ARENA_512)]));
    const pools = arenas.map((a) => [...byPool(blocks.filter((b) => arenaOf(b) === a)).values()]);
    for (const p of pools) expect(p.length).toBe(64);
    expect(pymallocStats(pm).freePools).toBe(0);
    return { arenas, pools, blocks };
  }

  it('new pools come from the usable arena with the fewest free pools', () => {
    const { pm } = setup();
    const { arenas, pools } = fillArenas(pm, 4);
    // Empty 10 pools of A0, 3 of A1, 20 of A2, interleaved so arenas overtake each other; A3 stays full.
    const plan = [10, 3, 20, 0];
    for (let i = 0; i < 20; i++) {
      for (let a = 0; a < 4; a++) if (i < plan[a]) freeAll(pm, pools[a][i]);
    }
    let s = pymallocStats(pm);
    expect(s.freePools).toBe(33);
    expect(s.arenasAllocated).toBe(4);
    // New pools: A1's 3, then A0's 10, then A2's 20, then a new arena.
    const again = allocN(pm, 512, 33 * PER_POOL_512 + 1);
    const expected = [
      ...new Array<number>(3 * PER_POOL_512).fill(arenas[1]),
      ...new Array<number>(10 * PER_POOL_512).fill(arenas[0]),
      ...new Array<number>(20 * PER_POOL_512).fill(arenas[2]),
    ];
    expect(again.slice(0, 33 * PER_POOL_512).map(arenaOf)).toEqual(expected);
    expect(arenas).not.toContain(arenaOf(again[33 * PER_POOL_512]));
    s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(5);
    expect(s.arenasAllocatedTotal).toBe(5);
  });

  it('new pools of another class: fullest arena first, ties drained one at a time, the wholly free arena last', () => {
    const { pm } = setup();
    const { arenas, pools } = fillArenas(pm, 4);
    // A3 wholly free (kept: last usable); A0 and A1 with 5 free pools each; A2 with 2.
    freeAll(pm, pools[3].flat());
    for (let i = 0; i < 5; i++) {
      freeAll(pm, pools[1][i]);
      freeAll(pm, pools[0][i]);
      if (i < 2) freeAll(pm, pools[2][i]);
    }
    let s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(4);
    expect(s.freePools).toBe(64 + 5 + 5 + 2);
    // 64-byte blocks: 255 per pool. Take 12 + 1 pools' worth, one pool at a time.
    const per = numBlocks(64);
    expect(per).toBe(255);
    const got = allocN(pm, 64, 13 * per);
    const poolArenas = [...byPool(got).keys()].map(arenaOf);
    expect(poolArenas.length).toBe(13);
    expect(poolArenas.slice(0, 2)).toEqual([arenas[2], arenas[2]]);
    // A0 and A1 tie at 5: whichever goes first is drained before the other.
    const tie = poolArenas.slice(2, 12);
    expect([arenas[0], arenas[1]]).toContain(tie[0]);
    const other = tie[0] === arenas[0] ? arenas[1] : arenas[0];
    expect(tie).toEqual([...new Array<number>(5).fill(tie[0]), ...new Array<number>(5).fill(other)]);
    // Only then the wholly free arena; no new arena was allocated.
    expect(poolArenas[12]).toBe(arenas[3]);
    s = pymallocStats(pm);
    expect(s.arenasAllocatedTotal).toBe(4);
    expect(s.freePools).toBe(63);
  });

  it('a wholly free arena is released unless it is the last usable one (bpo-37257)', () => {
    const { pm } = setup();
    const { arenas, pools } = fillArenas(pm, 4);
    // A0 emptied: it is the only usable arena, so it is kept.
    freeAll(pm, pools[0].flat());
    let s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(4);
    expect(s.freePools).toBe(64);
    expect(pymallocAddressInRange(pm, pools[0][0][0])).toBe(true);
    // A1 emptied: A0 (wholly free) follows it in the usable list, so A1 is released.
    freeAll(pm, pools[1].flat());
    s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(3);
    expect(s.freePools).toBe(64);
    expect(pymallocAddressInRange(pm, pools[1][0][0])).toBe(false);
    expect(pymallocAddressInRange(pm, pools[1][63][30])).toBe(false);
    expect(pymallocAddressInRange(pm, pools[0][0][0])).toBe(true);
    // A2 half emptied, then fully: released too.
    freeAll(pm, pools[2].slice(0, 32).flat());
    s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(3);
    expect(s.freePools).toBe(64 + 32);
    freeAll(pm, pools[2].slice(32).flat());
    s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(2);
    expect(s.freePools).toBe(64);
    expect(pymallocAddressInRange(pm, pools[2][40][0])).toBe(false);
    // New pools now come from the kept arena A0: no new arena.
    const p = pymallocAlloc(pm, 16);
    expect(arenaOf(p)).toBe(arenas[0]);
    s = pymallocStats(pm);
    expect(s.arenasAllocatedTotal).toBe(4);
    expect(s.arenasHighWater).toBe(4);
    // Free the rest: exactly one wholly free arena remains.
    pymallocFree(pm, p);
    freeAll(pm, pools[3].flat());
    s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(1);
    expect(s.blocksInUse).toBe(0);
    expect(s.freePools).toBe(64);
  });
});

describe('pymalloc: replaceable arena allocator', () => {
  it('an allocator returning memory that is not 16 KiB-aligned costs the arena a pool; all traffic goes through it', () => {
    const { pm, heap, regionsBefore } = setup();
    const calls = { alloc: 0, free: 0 };
    const regions = new Map<number, number>();
    const arenas: number[] = [];
    const allocator: ArenaAllocator = {
      alloc(size) {
        calls.alloc++;
        const region = regionAlloc(heap, size + 8 * KiB, 4 * KiB);
        if (region === 0) return 0;
        // 4 KiB-aligned but never 16 KiB-aligned.
        let address = region + 4 * KiB;
        if (address % POOL === 0) address += 4 * KiB;
        regions.set(address, region);
        arenas.push(address);
        return address;
      },
      free(address, size) {
        calls.free++;
        const region = regions.get(address);
        if (region === undefined) throw new Error(`free of unknown arena ${address}`);
        regions.delete(address);
        regionFree(heap, region, size + 8 * KiB);
      },
    };
    pymallocSetArenaAllocator(pm, allocator);
    expect(pymallocGetArenaAllocator(pm)).toBe(allocator);

    const p = pymallocAlloc(pm, 512);
    expect(p).not.toBe(0);
    expect(calls.alloc).toBe(1);
    const arena = arenas[0];
    expect(arena % POOL).not.toBe(0);
    let s = pymallocStats(pm);
    expect(s.freePools).toBe(62);
    expect(s.classes.map((c) => c.pools)).toEqual([1]);
    expect(pm.u32[(arenaDescriptor(pm, 0) + ARENA_NTOTALPOOLS_OFFSET) >>> 2]).toBe(63);
    expect(pm.u32[(arenaDescriptor(pm, 0) + ARENA_ADDRESS_OFFSET) >>> 2]).toBe(arena);
    // The first pool is the first 16 KiB boundary inside the arena.
    expect(poolOf(p)).toBe(Math.ceil(arena / POOL) * POOL);

    // 63 pools fill the arena; the 64th pool needs a second arena.
    const blocks = [p, ...allocN(pm, 512, 63 * PER_POOL_512 - 1)];
    expect(calls.alloc).toBe(1);
    const inFirst = blocks.every((b) => b >= arena && b + 512 <= arena + PYMALLOC_ARENA_SIZE);
    expect(inFirst).toBe(true);
    expect(new Set(blocks.map(poolOf)).size).toBe(63);
    expect(pymallocStats(pm).freePools).toBe(0);
    const extra = pymallocAlloc(pm, 512);
    expect(calls.alloc).toBe(2);
    expect(extra >= arenas[1] && extra < arenas[1] + PYMALLOC_ARENA_SIZE).toBe(true);
    blocks.push(extra);

    // Blocks work: distinct contents survive.
    blocks.forEach((b, i) => heap.u8.fill(i & 0xff, b, b + 512));
    expect(blocks.every((b, i) => heap.u8.subarray(b, b + 512).every((x) => x === (i & 0xff)))).toBe(true);
    expect(blocks.every((b) => pymallocAddressInRange(pm, b))).toBe(true);
    // The part of the arena before its first pool is not pymalloc's.
    expect(pymallocAddressInRange(pm, arena)).toBe(false);

    // Free everything: one arena is released through the allocator, one kept.
    freeAll(pm, blocks);
    s = pymallocStats(pm);
    expect(s.blocksInUse).toBe(0);
    expect(s.arenasAllocated).toBe(1);
    expect(calls.free).toBe(1);
    expect(regions.size).toBe(1);
    // Destroy releases the kept arena through it too.
    expect(pymallocDestroy(pm)).toBe(0);
    expect(calls.free).toBe(2);
    expect(regions.size).toBe(0);
    expect(regionStats(heap).regionsInUse).toBe(regionsBefore);
  });

  it('an allocator that fails makes allocation return 0 and leaves the state usable', () => {
    const { pm, heap } = setup();
    const real = pymallocGetArenaAllocator(pm);
    let fail = true;
    pymallocSetArenaAllocator(pm, { alloc: (size) => (fail ? 0 : real.alloc(size)), free: (a, size) => real.free(a, size) });
    expect(pymallocAlloc(pm, 16)).toBe(0);
    expect(pymallocStats(pm).arenasAllocated).toBe(0);
    fail = false;
    const p = pymallocAlloc(pm, 16);
    expect(p).not.toBe(0);
    heap.u8.fill(7, p, p + 16);
    expect(pymallocFree(pm, p)).toBe(true);
    const s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(1);
    expect(s.arenasAllocatedTotal).toBe(1);
  });
});

describe('pymalloc: pools above 2 GiB', () => {
  // The hot paths relink pools with masks built from int32 arithmetic on
  // addresses (see pymalloc.ts); addresses from 2 GiB up are negative as
  // int32s. Arenas handed out from a reservation at 2 GiB check that churn
  // with pools filling and emptying keeps every block distinct and intact.
  it('random churn in arenas at 2 GiB and up: blocks disjoint and intact, everything freed', () => {
    const { heap, pm } = setup(2 * 1024 * MiB + 16 * MiB);
    const reserved = regionAlloc(heap, 12 * MiB, 2 ** 31);
    expect(reserved).toBe(2 ** 31);
    const free: number[] = Array.from({ length: 12 }, (_, k) => reserved + k * MiB);
    pymallocSetArenaAllocator(pm, {
      alloc: () => free.shift() ?? 0,
      free: (address) => void free.push(address),
    });
    let seed = 0x2b1d_44e3;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const live = new Map<number, { size: number; byte: number }>();
    const slots: number[] = [];
    const check = (p: number, size: number, byte: number): void => {
      const bytes = heap.u8.subarray(p, p + size);
      if (!bytes.every((x) => x === byte)) throw new Error(`block ${p} of ${size} bytes was overwritten`);
    };
    for (let step = 0; step < 40_000; step++) {
      if (slots.length < 3000 || random(2) === 0) {
        const size = 16 + random(497);
        const p = pymallocAlloc(pm, size);
        expect(p).toBeGreaterThanOrEqual(2 ** 31);
        if (live.has(p)) throw new Error(`block ${p} handed out twice`);
        const byte = step & 0xff;
        heap.u8.fill(byte, p, p + size);
        live.set(p, { size, byte });
        slots.push(p);
      } else {
        const i = random(slots.length);
        const p = slots[i];
        slots[i] = slots[slots.length - 1];
        slots.pop();
        const { size, byte } = live.get(p)!;
        check(p, size, byte);
        live.delete(p);
        expect(pymallocFree(pm, p)).toBe(true);
      }
    }
    for (const [p, { size, byte }] of live) check(p, size, byte);
    expect(pymallocStats(pm).blocksInUse).toBe(live.size);
    freeAll(pm, slots);
    const stats = pymallocStats(pm);
    expect(stats.blocksInUse).toBe(0);
    expect(stats.arenasAllocated).toBe(1);
  });
});

describe('pymalloc: descriptor array growth', () => {
  it('20 arenas grow the descriptor array past 16; freeing everything keeps one arena', () => {
    const { pm, heap, regionsBefore, bytesBefore } = setup();
    const regionsAfterCreate = regionStats(heap).regionsInUse;
    const blocks = allocN(pm, 512, 20 * PER_ARENA_512);
    // Tag every block; the tags must survive the descriptor array moving.
    blocks.forEach((b, i) => {
      pm.u32[b >>> 2] = i;
      pm.u32[(b + 508) >>> 2] = ~i >>> 0;
    });
    expect(new Set(blocks.map(arenaOf)).size).toBe(20);
    expect(pm.u32[(pm.state + PM_MAXARENAS_OFFSET) >>> 2]).toBe(32);
    let s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(20);
    expect(s.arenasHighWater).toBe(20);
    expect(s.blocksInUse).toBe(20 * PER_ARENA_512);
    expect(s.classes).toEqual([{ sizeClass: 31, blockSize: 512, pools: 20 * 64, blocksInUse: 20 * PER_ARENA_512, freeBlocks: 0 }]);
    expect(blocks.every((b, i) => pm.u32[b >>> 2] === i && pm.u32[(b + 508) >>> 2] === ~i >>> 0)).toBe(true);
    // Blocks of the first 16 arenas (allocated before the array moved) are still pymalloc's.
    expect(blocks.every((b) => pymallocAddressInRange(pm, b))).toBe(true);
    expect(blocks.slice(0, 100).every((b) => pymallocBlockSize(pm, b) === 512)).toBe(true);

    freeAll(pm, blocks);
    s = pymallocStats(pm);
    expect(s.blocksInUse).toBe(0);
    expect(s.allocatedBytes).toBe(0);
    expect(s.classes).toEqual([]);
    expect(s.arenasAllocated).toBe(1);
    expect(s.arenasHighWater).toBeGreaterThanOrEqual(20);
    expect(s.arenasAllocatedTotal).toBe(20);
    expect(s.freePools).toBe(64);
    // Regions: the state and map, one descriptor array (the old one was returned), one arena.
    expect(regionStats(heap).regionsInUse).toBe(regionsAfterCreate + 2);

    // Reusing the descriptors: no further growth.
    const again = allocN(pm, 512, 20 * PER_ARENA_512);
    expect(pm.u32[(pm.state + PM_MAXARENAS_OFFSET) >>> 2]).toBe(32);
    s = pymallocStats(pm);
    expect(s.arenasAllocated).toBe(20);
    expect(s.arenasAllocatedTotal).toBe(39);
    freeAll(pm, again);
    expect(pymallocDestroy(pm)).toBe(0);
    const r = regionStats(heap);
    expect(r.regionsInUse).toBe(regionsBefore);
    expect(r.bytesInUse).toBe(bytesBefore);
  });
});

describe('pymalloc: statistics', () => {
  it('are exact for a scripted pattern', () => {
    const { pm } = setup();
    const small = allocN(pm, 16, 100);
    const big = allocN(pm, 512, 3);
    let s = pymallocStats(pm);
    expect(s.classes).toEqual([
      { sizeClass: 0, blockSize: 16, pools: 1, blocksInUse: 100, freeBlocks: numBlocks(16) - 100 },
      { sizeClass: 31, blockSize: 512, pools: 1, blocksInUse: 3, freeBlocks: numBlocks(512) - 3 },
    ]);
    expect(numBlocks(16)).toBe(1022);
    expect(s.blocksInUse).toBe(103);
    expect(s.allocatedBytes).toBe(100 * 16 + 3 * 512);
    expect(s.arenasAllocated).toBe(1);
    expect(s.arenasAllocatedTotal).toBe(1);
    expect(s.arenasHighWater).toBe(1);
    expect(s.arenaBytes).toBe(PYMALLOC_ARENA_SIZE);
    expect(s.freePools).toBe(62);

    // Spill the 16-byte class into a second pool, add a 100-byte class, free some.
    const more = allocN(pm, 10, 1000);
    const mid = allocN(pm, 100, 7);
    freeAll(pm, small.slice(0, 40));
    freeAll(pm, big.slice(1));
    freeAll(pm, mid.slice(0, 2));
    s = pymallocStats(pm);
    expect(s.classes).toEqual([
      { sizeClass: 0, blockSize: 16, pools: 2, blocksInUse: 1060, freeBlocks: 2 * 1022 - 1060 },
      { sizeClass: 6, blockSize: 112, pools: 1, blocksInUse: 5, freeBlocks: numBlocks(112) - 5 },
      { sizeClass: 31, blockSize: 512, pools: 1, blocksInUse: 1, freeBlocks: 30 },
    ]);
    expect(s.blocksInUse).toBe(1066);
    expect(s.allocatedBytes).toBe(1060 * 16 + 5 * 112 + 512);
    expect(s.freePools).toBe(60);
    freeAll(pm, [...small.slice(40), big[0], ...more, ...mid.slice(2)]);
    s = pymallocStats(pm);
    expect(s.classes).toEqual([]);
    expect(s.blocksInUse).toBe(0);
    expect(s.freePools).toBe(64);
    expect(s.arenasAllocated).toBe(1);
  });
});

describe('pymalloc: destroy', () => {
  it('returns the number of leaked blocks and releases every region', () => {
    const { pm, heap, regionsBefore, bytesBefore } = setup();
    const blocks = allocN(pm, 256, 3 * 64 * numBlocks(256) + 10); // 4 arenas
    expect(pymallocStats(pm).arenasAllocated).toBe(4);
    freeAll(pm, blocks.slice(5));
    expect(pymallocDestroy(pm)).toBe(5);
    const r = regionStats(heap);
    expect(r.regionsInUse).toBe(regionsBefore);
    expect(r.bytesInUse).toBe(bytesBefore);
  });

  it('of a state that never allocated returns 0 and releases its regions', () => {
    const { pm, heap, regionsBefore } = setup();
    expect(regionStats(heap).regionsInUse).toBeGreaterThan(regionsBefore);
    expect(pymallocDestroy(pm)).toBe(0);
    expect(regionStats(heap).regionsInUse).toBe(regionsBefore);
  });
});

describe('pymalloc: create', () => {
  it('a create that runs out of shared memory throws and leaves no region behind', () => {
    const heap = SharedHeap.create({ size: 16 * MiB });
    heaps.push(heap);
    // Leave exactly one 4 KiB granule: room for the state, not for the arena map as well.
    const filler = regionAlloc(heap, regionStats(heap).untouchedBytes - 4 * KiB);
    expect(filler).toBeGreaterThan(0);
    const before = regionStats(heap);
    expect(() => pymallocCreate(heap)).toThrow(/out of shared memory/);
    const after = regionStats(heap);
    expect(after.regionsInUse).toBe(before.regionsInUse);
    expect(after.bytesInUse).toBe(before.bytesInUse);
  });
});

describe('pymalloc: attach', () => {
  it('refuses an address that is not a pymalloc state', () => {
    const { pm, heap } = setup();
    const region = regionAlloc(heap, 4 * KiB);
    expect(() => pymallocAttach(heap, region)).toThrow(FatalError);
    const p = pymallocAlloc(pm, 64);
    expect(() => pymallocAttach(heap, p)).toThrow(FatalError);
    expect(() => pymallocAttach(heap, pm.state + 4)).toThrow(FatalError);
    expect(() => pymallocAttach(heap, 0)).toThrow(FatalError);
    expect(() => pymallocAttach(heap, heap.size + 4096)).toThrow(FatalError);
  });

  it('refuses a state that has been destroyed', () => {
    const { pm, heap } = setup();
    const state = pm.state;
    pymallocFree(pm, pymallocAlloc(pm, 16));
    pymallocDestroy(pm);
    // Region headers carry a tag "so attaching to the wrong memory fails fast" (DESIGN §6).
    expect(() => pymallocAttach(heap, state)).toThrow(FatalError);
  });

  it('a second handle sees the same blocks: free through one, allocate through the other', () => {
    const { pm, heap } = setup();
    const view = SharedHeap.attach(heap.handle());
    heaps.push(view);
    const pm2 = pymallocAttach(view, pm.state);
    expect(pm2.state).toBe(pm.state);
    const blocks = allocN(pm, 48, 10);
    blocks.forEach((b, i) => heap.u8.fill(i + 1, b, b + 48));
    expect(pymallocAddressInRange(pm2, blocks[0])).toBe(true);
    expect(pymallocBlockSize(pm2, blocks[3])).toBe(48);
    expect(view.u8[blocks[3] + 20]).toBe(4);
    expect(pymallocFree(pm2, blocks[3])).toBe(true);
    expect(pymallocStats(pm).blocksInUse).toBe(9);
    // The block freed through pm2 is what pm hands out next, and vice versa.
    expect(pymallocAlloc(pm, 40)).toBe(blocks[3]);
    expect(pymallocFree(pm, blocks[7])).toBe(true);
    expect(pymallocAlloc(pm2, 33)).toBe(blocks[7]);
    expect(pymallocStats(pm2)).toEqual(pymallocStats(pm));
    expect(pymallocStats(pm2).blocksInUse).toBe(10);
  });
});
