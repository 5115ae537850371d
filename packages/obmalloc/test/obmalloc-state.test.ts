import { FatalError, formatAddress, regionStats, SharedHeap } from '@ft/atomics';
import { miCreate, miHeapMalloc, miFree, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createAllocatorDomains,
  defaultArenaAllocator,
  globalAllocatedBlocks,
  interpreterAllocatedBlocks,
  obmallocForeignOwner,
  obmallocInterpreters,
  obmallocRuntimeCreate,
  obmallocRuntimeLeaks,
  obmallocStateAttach,
  obmallocStateCreate,
  obmallocStateEnd,
  pymallocRawAllocatedBlocks,
  pymallocSetArenaAllocator,
  pymallocStats,
  pyObjectFree,
  pyObjectMalloc,
  pyObjectRealloc,
  pyMemFree,
  pyMemMalloc,
  type AllocatorDomains,
  type ObmallocState,
} from '../src/index.js';

let heap: SharedHeap;
let mi: number;
let t: MiThread;

beforeEach(() => {
  heap = SharedHeap.create({ size: 64 << 20 });
  mi = miCreate(heap, { checked: true });
  t = miThreadInit(heap, mi, null);
});

afterEach(() => {
  miThreadExit(t);
  heap.close();
});

/** Runs `fn`, expects a FatalError, returns its message. */
function fatal(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FatalError);
    return (e as Error).message;
  }
  throw new Error('expected a fatal error');
}

/** A GIL runtime with the main interpreter (0), an interpreter with its own state (1) and one sharing the main state (2). */
function gilRuntime(): { runtime: number; main: ObmallocState; own: ObmallocState; legacy: ObmallocState } {
  const runtime = obmallocRuntimeCreate(heap, { mode: 'gil' });
  const main = obmallocStateAttach(heap, obmallocStateCreate(heap, runtime, { id: 0, mi }), t);
  const own = obmallocStateAttach(heap, obmallocStateCreate(heap, runtime, { id: 1, mi }), t);
  const legacy = obmallocStateAttach(heap, obmallocStateCreate(heap, runtime, { id: 2, useMainObmalloc: true, mi }), t);
  return { runtime, main, own, legacy };
}

/** Debug pymalloc domains of one interpreter (all in this JS thread; each interpreter would have its own lock). */
function debugDomains(s: ObmallocState): AllocatorDomains {
  return createAllocatorDomains(heap, 'pymalloc_debug', { mi: t, mode: 'gil', interpreter: s });
}

describe('per-interpreter allocator state: creation and sharing', () => {
  it('the main interpreter and interpreters without use_main_obmalloc own a state; the others share the main one', () => {
    const { main, own, legacy } = gilRuntime();
    expect([main.ownsState, own.ownsState, legacy.ownsState]).toEqual([true, true, false]);
    expect([main.isMain, own.isMain, legacy.isMain]).toEqual([true, false, false]);
    expect(own.pymalloc.state).not.toBe(main.pymalloc.state);
    expect(legacy.pymalloc.state).toBe(main.pymalloc.state);
    expect(legacy.mode).toBe('gil');
    const list = obmallocInterpreters(main);
    expect(list.map((i) => [i.id, i.ownsState, i.mi])).toEqual([
      [2, false, mi],
      [1, true, mi],
      [0, true, mi],
    ]);
    // A block of the shared state is in no other interpreter's arenas, for either user.
    const d = debugDomains(legacy);
    const p = pyObjectMalloc(d, 40);
    expect(obmallocForeignOwner(own, p)).toBe(0);
    expect(obmallocForeignOwner(main, p)).toBe(-1);
    expect(obmallocForeignOwner(legacy, p)).toBe(-1);
    pyObjectFree(debugDomains(main), p); // the main interpreter frees what the legacy one allocated: same state
  });

  it('refuses a second main interpreter, interpreters before the main one, and ids in use', () => {
    const runtime = obmallocRuntimeCreate(heap, { mode: 'gil' });
    expect(() => obmallocStateCreate(heap, runtime, { id: 1 })).toThrow(/interpreter 1 is created before the main interpreter/);
    obmallocStateCreate(heap, runtime, { id: 0 });
    expect(() => obmallocStateCreate(heap, runtime, { id: 0 })).toThrow(/main interpreter \(id 0\) already has its allocator state/);
    obmallocStateCreate(heap, runtime, { id: 5 });
    expect(() => obmallocStateCreate(heap, runtime, { id: 5, useMainObmalloc: true })).toThrow(/interpreter id 5 is already in use/);
    expect(fatal(() => obmallocStateAttach(heap, 4096 * 3))).toMatch(/is not a living interpreter's allocator state/);
  });
});

describe('debug mode: a block of another interpreter\'s pymalloc freed by this one is a fatal error', () => {
  it('free and realloc name the address and both interpreters, with the debug dump', () => {
    const { main, own, legacy } = gilRuntime();
    const p = pyObjectMalloc(debugDomains(own), 48);
    const block = p - 16;
    const freeMessage = fatal(() => pyObjectFree(debugDomains(main), p));
    expect(freeMessage).toMatch(new RegExp(`Debug memory block at address p=${formatAddress(p)}: API 'o'`));
    expect(freeMessage).toMatch(/48 bytes originally requested/);
    expect(freeMessage).toContain(`_PyMem_DebugFree: block ${formatAddress(block)} belongs to the pymalloc state of interpreter 1, but interpreter 0 (the current interpreter) is freeing it`);
    // The failed free touched nothing: the owner can still free it... after a realloc by a sharing interpreter fails too.
    const reallocMessage = fatal(() => pyObjectRealloc(debugDomains(legacy), p, 100));
    expect(reallocMessage).toContain(`_PyMem_DebugRealloc: block ${formatAddress(block)} belongs to the pymalloc state of interpreter 1, but interpreter 2 (the current interpreter, using the main interpreter's state)`);
    // The mem domain is checked too.
    const m = pyMemMalloc(debugDomains(main), 24);
    expect(fatal(() => pyMemFree(debugDomains(own), m))).toContain(`belongs to the pymalloc state of interpreter 0, but interpreter 1`);
    pyObjectFree(debugDomains(own), p);
    pyMemFree(debugDomains(legacy), m); // shares the main state: its block
    expect(pymallocStats(own.pymalloc).blocksInUse).toBe(0);
    expect(pymallocStats(main.pymalloc).blocksInUse).toBe(0);
  });

  it('raw fallbacks (large blocks) of the right interpreter pass, and so does everything without another owner', () => {
    const { main, own } = gilRuntime();
    const d = debugDomains(own);
    const big = pyObjectMalloc(d, 4000);
    expect(obmallocForeignOwner(own, big)).toBe(-1);
    expect(pymallocRawAllocatedBlocks(own.pymalloc)).toBe(1);
    pyObjectFree(d, big);
    expect(pymallocRawAllocatedBlocks(own.pymalloc)).toBe(0);
    // Without the debug hooks nothing is checked (as in CPython's release build): only the lookup says it.
    const p = pyObjectMalloc(createAllocatorDomains(heap, 'pymalloc', { mi: t, mode: 'gil', interpreter: own }), 32);
    expect(obmallocForeignOwner(main, p)).toBe(1);
    expect(obmallocForeignOwner(own, p)).toBe(-1);
  });
});

describe('ending an interpreter', () => {
  it('releases every arena of an owned state through its arena allocator and reports the blocks still allocated', () => {
    const runtime = obmallocRuntimeCreate(heap, { mode: 'gil' });
    const main = obmallocStateAttach(heap, obmallocStateCreate(heap, runtime, { id: 0 }), t);
    const warm = miHeapMalloc(t, 4, 8); // the raw heap's segment exists before the snapshot
    const before = regionStats(heap);
    const sub = obmallocStateAttach(heap, obmallocStateCreate(heap, runtime, { id: 7 }), t);
    const freed: number[] = [];
    const base = defaultArenaAllocator(heap);
    pymallocSetArenaAllocator(sub.pymalloc, { alloc: base.alloc, free: (address, size) => (freed.push(address), base.free(address, size)) });
    const d = createAllocatorDomains(heap, 'pymalloc_debug', { mi: t, mode: 'gil', interpreter: sub });
    // 512-byte blocks (+24 debug bytes: class 544 is not pymalloc's, so 488 + 24 = 512): 31 per pool, 64 pools per arena.
    const blocks: number[] = [];
    for (let i = 0; i < 31 * 64 * 2 + 5; i++) blocks.push(pyObjectMalloc(d, 488));
    const raw = [pyObjectMalloc(d, 2000), pyObjectMalloc(d, 3000)];
    expect(pymallocStats(sub.pymalloc).arenasAllocated).toBe(3);
    for (let i = 0; i < blocks.length - 10; i++) pyObjectFree(d, blocks[i]);
    pyObjectFree(d, raw[0]);
    const arenas = pymallocStats(sub.pymalloc).arenasAllocated;
    expect(arenas).toBeGreaterThan(0);
    const freedBefore = freed.length; // emptied arenas are released on the way (all but the last usable one)
    expect(interpreterAllocatedBlocks(sub)).toBe(11);
    expect(globalAllocatedBlocks([main, sub])).toBe(11);
    const report = obmallocStateEnd(sub);
    expect(report).toEqual({ id: 7, ownedState: true, leakedBlocks: 11, releasedArenas: arenas });
    expect(freed.length - freedBefore).toBe(arenas);
    expect(obmallocRuntimeLeaks(main)).toBe(11);
    expect(globalAllocatedBlocks([main])).toBe(11); // interpreter_leaks stay in the global count
    expect(obmallocInterpreters(main).map((i) => i.id)).toEqual([0]);
    // Everything the interpreter's state took from the region allocator is back (the raw block is mimalloc's).
    const after = regionStats(heap);
    expect([after.regionsInUse, after.bytesInUse]).toEqual([before.regionsInUse, before.bytesInUse]);
    expect(fatal(() => obmallocStateAttach(heap, sub.record))).toMatch(/is not a living interpreter's allocator state/);
    expect(fatal(() => obmallocStateEnd(sub))).toMatch(/interpreter 7's allocator state at 0x[0-9a-f]{8} was already ended/);
    miFree(t, raw[1] - 16);
    miFree(t, warm);
  });

  it('an interpreter that shared the main state leaves it untouched; the main state cannot be ended', () => {
    const { main, own, legacy } = gilRuntime();
    const p = pyObjectMalloc(debugDomains(legacy), 64);
    expect(fatal(() => interpreterAllocatedBlocks(legacy))).toMatch(/interpreter 2 doesn't have its own allocator/);
    expect(interpreterAllocatedBlocks(main)).toBe(1);
    expect(globalAllocatedBlocks([main, own, legacy])).toBe(1);
    expect(obmallocStateEnd(legacy)).toEqual({ id: 2, ownedState: false, leakedBlocks: 0, releasedArenas: 0 });
    expect(interpreterAllocatedBlocks(main)).toBe(1);
    expect(pymallocStats(main.pymalloc).arenasAllocated).toBe(1);
    expect(() => obmallocStateEnd(main)).toThrow(/interpreter 0 is the main interpreter: its allocator state is shared .* lives as long as the runtime/);
    pyObjectFree(debugDomains(main), p);
    expect(obmallocStateEnd(own)).toEqual({ id: 1, ownedState: true, leakedBlocks: 0, releasedArenas: 0 });
    expect(obmallocRuntimeLeaks(main)).toBe(0);
    // Ended interpreters' ids can be used again.
    obmallocStateCreate(heap, main.runtime, { id: 1 });
  });

  it('after the owner ended, a block of its released arenas is nobody\'s: checked mimalloc reports the stray free', () => {
    const { main, own } = gilRuntime();
    const p = pyObjectMalloc(debugDomains(own), 32);
    obmallocStateEnd(own);
    expect(obmallocForeignOwner(main, p)).toBe(-1);
    expect(fatal(() => pyObjectFree(debugDomains(main), p))).toMatch(/not a block of this interpreter's mimalloc heap \(foreign pointer\)/);
  });
});

describe('free-threaded runtime', () => {
  it('counts an interpreter through its mimalloc state, from any thread', () => {
    const runtime = obmallocRuntimeCreate(heap);
    const main = obmallocStateAttach(heap, obmallocStateCreate(heap, runtime, { id: 0, mi }), t);
    const sub = obmallocStateAttach(heap, obmallocStateCreate(heap, runtime, { id: 1, useMainObmalloc: true, mi }), t);
    expect(main.mode).toBe('free-threaded');
    const d = createAllocatorDomains(heap, 'mimalloc_debug', { mi: t, interpreter: main });
    const p = pyObjectMalloc(d, 100);
    const q = miHeapMalloc(t, 0, 10);
    expect(interpreterAllocatedBlocks(main)).toBe(2);
    expect(interpreterAllocatedBlocks(sub)).toBe(2); // the same mimalloc state was given
    expect(() => interpreterAllocatedBlocks(obmallocStateAttach(heap, main.record))).toThrow(/neither a pymalloc state .* nor a mimalloc thread/);
    pyObjectFree(d, p);
    miFree(t, q);
    expect(globalAllocatedBlocks([main])).toBe(0);
  });
});
