import { SharedHeap } from '@ft/atomics';
import { miCreate, miHeapMalloc, miThreadExit, miThreadInit, miFree } from '@ft/mimalloc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  enableMallocStatsFromEnv,
  formatMallocStats,
  freeThreadedAllocators,
  globalAllocatedBlocks,
  interpreterAllocatedBlocks,
  printMallocStats,
  pymallocAlloc,
  pymallocAllocator,
  pymallocAttach,
  pymallocCreate,
  pymallocRawAllocatedBlocks,
  pymallocFree,
  pymallocStats,
} from '../src/index.js';

let heap: SharedHeap;

beforeEach(() => {
  heap = SharedHeap.create({ size: 64 << 20 });
});

afterEach(() => {
  heap.close();
});

describe('FT_MALLOCSTATS', () => {
  it('prints statistics each time a new arena is created, and on demand at shutdown', () => {
    const pm = pymallocCreate(heap);
    const printed: string[] = [];
    expect(enableMallocStatsFromEnv(pm, {}, (s) => printed.push(s))).toBe(false);
    expect(enableMallocStatsFromEnv(pm, { FT_MALLOCSTATS: '1' }, (s) => printed.push(s))).toBe(true);
    const blocks: number[] = [];
    // 16-byte blocks: (16384 - 32) / 16 = 1022 per pool, 64 pools per arena.
    for (let i = 0; i < 1022 * 64 + 1; i++) blocks.push(pymallocAlloc(pm, 16));
    expect(printed).toHaveLength(2); // the first arena, then the second
    expect(printed[1]).toMatch(/# arenas allocated current\s+= 2/);
    printMallocStats(pm, (s) => printed.push(s));
    expect(printed[2]).toMatch(/# blocks in use\s+= 65409/);
    for (const b of blocks) pymallocFree(pm, b);
  });

  it('formats one line per size class like sys._debugmallocstats()', () => {
    const pm = pymallocCreate(heap);
    for (let i = 0; i < 3; i++) pymallocAlloc(pm, 512);
    const text = formatMallocStats(pymallocStats(pm));
    expect(text).toMatch(/^\s+31\s+512\s+1\s+3\s+28$/m); // (16384 - 32) / 512 = 31 blocks, 3 used
    expect(text).toMatch(/# bytes in allocated blocks\s+= 1536/);
  });
});

describe('allocated-block counts', () => {
  it('free-threaded: mimalloc blocks of every thread, abandoned ones included', () => {
    const mi = miCreate(heap);
    const main = miThreadInit(heap, mi, null);
    const view = SharedHeap.attach(heap.handle());
    const other = miThreadInit(view, mi, null);
    const m = [miHeapMalloc(main, 0, 10), miHeapMalloc(main, 4, 10)];
    const o = [miHeapMalloc(other, 1, 50), miHeapMalloc(other, 2, 50), miHeapMalloc(other, 3, 50)];
    expect(interpreterAllocatedBlocks({ mi: main })).toBe(5);
    expect(interpreterAllocatedBlocks({ mi: other })).toBe(5); // the same from any thread
    miThreadExit(other); // its live blocks are abandoned, not lost
    view.close();
    expect(interpreterAllocatedBlocks({ mi: main })).toBe(5);
    const heap2 = SharedHeap.create({ size: 16 << 20 });
    const main2 = miThreadInit(heap2, miCreate(heap2), null);
    miHeapMalloc(main2, 0, 8);
    expect(globalAllocatedBlocks([{ mi: main }, { mi: main2 }])).toBe(6);
    for (const b of [...m, ...o]) miFree(main, b);
    expect(interpreterAllocatedBlocks({ mi: main })).toBe(0);
    miThreadExit(main2);
    heap2.close();
    miThreadExit(main);
  });

  it('GIL mode: pymalloc blocks plus the blocks pymalloc sent to raw, counted in the state whichever thread allocates', () => {
    const mi = miCreate(heap);
    const main = miThreadInit(heap, mi, null);
    const view = SharedHeap.attach(heap.handle());
    const otherMi = miThreadInit(view, mi, null);
    const pm = pymallocCreate(heap);
    const mine = pymallocAllocator(pm, freeThreadedAllocators(main).raw);
    const theirs = pymallocAllocator(pymallocAttach(view, pm.state), freeThreadedAllocators(otherMi).raw);
    const blocks = [mine.malloc(10), mine.malloc(1000), theirs.malloc(100), theirs.malloc(0), theirs.malloc(4000)];
    // Raw blocks of the mem heap outside pymalloc are not the interpreter's count (CPython's libc blocks are not either).
    const unrelated = miHeapMalloc(main, 0, 10);
    expect(pymallocRawAllocatedBlocks(pm)).toBe(3);
    expect(interpreterAllocatedBlocks({ mi: main, pymalloc: pm })).toBe(5);
    expect(interpreterAllocatedBlocks({ pymalloc: pymallocAttach(view, pm.state) })).toBe(5);
    theirs.free(blocks[1]); // a raw block freed by the other thread
    mine.free(blocks[4]);
    expect(interpreterAllocatedBlocks({ pymalloc: pm })).toBe(3);
    for (const b of [blocks[0], blocks[2], blocks[3]]) mine.free(b);
    expect(interpreterAllocatedBlocks({ pymalloc: pm })).toBe(0);
    miFree(main, unrelated);
    miThreadExit(otherMi);
    view.close();
    miThreadExit(main);
  });
});
