import { regionStats, SharedHeap } from '@ft/atomics';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  POOL_OVERHEAD,
  PYMALLOC_ARENA_SIZE,
  PYMALLOC_POOL_SIZE,
  pymallocAddressInRange,
  pymallocAlloc,
  pymallocBlockSize,
  pymallocCreate,
  pymallocDestroy,
  pymallocFree,
  pymallocStats,
  type Pymalloc,
} from '../src/index.js';
import {
  ARENA_ADDRESS_OFFSET,
  ARENA_NEXTARENA_OFFSET,
  ARENA_NFREEPOOLS_OFFSET,
  ARENA_NTOTALPOOLS_OFFSET,
  ARENA_OBJECT_SIZE,
  ARENA_PREVARENA_OFFSET,
  PM_ARENAS_OFFSET,
  PM_MAXARENAS_OFFSET,
  PM_NFP2LASTA_OFFSET,
  PM_USABLE_ARENAS_OFFSET,
  PM_USEDPOOLS_OFFSET,
  POOL_COUNT_OFFSET,
  POOL_FREEBLOCK_OFFSET,
  POOL_NEXTPOOL_OFFSET,
  POOL_PREVPOOL_OFFSET,
  POOL_SZIDX_OFFSET,
  PYMALLOC_MAX_POOLS_IN_ARENA,
  PYMALLOC_SIZE_CLASSES,
} from '../src/layout.js';

/*
 * Random alloc(1..512)/free sequences against a shadow model (address → block
 * size and fill byte). Commands come in batches; after every batch the stats,
 * every live block's contents and pymalloc's internal lists (the usable-arena
 * list sorted by free pools, nfp2lasta, the used-pool lists) are checked.
 * Replay a failure with FT_PROPERTY_SEED=<seed> (and fast-check's printed path).
 */

const MiB = 1024 * 1024;
const POOL = PYMALLOC_POOL_SIZE;
const HEAP_SIZE = 192 * MiB;
const SEED = process.env.FT_PROPERTY_SEED !== undefined ? Number(process.env.FT_PROPERTY_SEED) : 0x50594d41;
const NUM_RUNS = Number(process.env.FT_PROPERTY_RUNS ?? 120);
console.log(`pymalloc property seed ${SEED} (FT_PROPERTY_SEED), ${NUM_RUNS} runs per property`);

type Cmd =
  | { kind: 'alloc'; n: number }
  | { kind: 'allocMany'; n: number; count: number }
  | { kind: 'free'; pick: number }
  | { kind: 'freePool'; pick: number }
  | { kind: 'freeArena'; pick: number; keep: number };

/** Small sizes, the largest classes (few blocks per pool: pools and arenas turn over), anything. */
const sizeArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }) },
  { weight: 3, arbitrary: fc.integer({ min: 384, max: 512 }) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 512 }) },
);
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 30, arbitrary: fc.record({ kind: fc.constant('alloc' as const), n: sizeArb }) },
  { weight: 14, arbitrary: fc.record({ kind: fc.constant('allocMany' as const), n: sizeArb, count: fc.integer({ min: 1, max: 4000 }) }) },
  { weight: 30, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('freePool' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('freeArena' as const), pick: fc.nat(), keep: fc.integer({ min: 0, max: 3 }) }) },
);
const batchesArb = fc.array(fc.array(cmdArb, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 });

const classSize = (n: number): number => (n + 15) & ~15;
const numBlocks = (size: number): number => Math.floor((POOL - POOL_OVERHEAD) / size);
const poolOf = (p: number): number => p - (p % POOL);
/** Default arena allocator: 1 MiB-aligned arenas. */
const arenaOf = (p: number): number => Math.floor(p / MiB);

interface Live {
  size: number;
  byte: number;
}

class Model {
  readonly live = new Map<number, Live>();
  /** Addresses in a dense array for picking (swap-removal). */
  readonly order: number[] = [];
  readonly index = new Map<number, number>();
  /** Per pool: block size and live count (all live blocks of a pool share one size). */
  readonly pools = new Map<number, { size: number; count: number }>();
  private nextByte = 1;

  constructor(
    readonly heap: SharedHeap,
    readonly pm: Pymalloc,
  ) {}

  alloc(n: number): void {
    const { pm, heap } = this;
    const p = pymallocAlloc(pm, n);
    if (p === 0) throw new Error(`pymallocAlloc(${n}) returned 0 with ${this.live.size} live blocks`);
    const size = classSize(n);
    const pool = poolOf(p);
    const off = p - pool;
    // In range, aligned, at a block boundary of its pool, not already handed out.
    if (p % 16 !== 0) throw new Error(`block ${p} not 16-byte aligned`);
    if (p + size > heap.size) throw new Error(`block ${p} (+${size}) beyond the heap`);
    if (off < POOL_OVERHEAD || off + size > POOL || (off - POOL_OVERHEAD) % size !== 0) {
      throw new Error(`block ${p} of ${size} bytes at pool offset ${off}: not a block boundary`);
    }
    if (this.live.has(p)) throw new Error(`block ${p} handed out twice`);
    if (!pymallocAddressInRange(pm, p)) throw new Error(`block ${p} not in range`);
    const bs = pymallocBlockSize(pm, p);
    if (bs !== size) throw new Error(`pymallocBlockSize(${p}) = ${bs}, expected ${size} for n=${n}`);
    const info = this.pools.get(pool);
    if (info !== undefined && info.size !== size) {
      throw new Error(`pool ${pool} holds live ${info.size}-byte blocks but handed out a ${size}-byte block ${p}`);
    }
    if (info === undefined) this.pools.set(pool, { size, count: 1 });
    else info.count++;
    const byte = this.nextByte;
    this.nextByte = (this.nextByte % 255) + 1;
    heap.u8.fill(byte, p, p + size);
    this.live.set(p, { size, byte });
    this.index.set(p, this.order.length);
    this.order.push(p);
  }

  free(p: number): void {
    const b = this.live.get(p);
    if (b === undefined) throw new Error(`model: ${p} is not live`);
    this.check(p, b);
    if (!pymallocFree(this.pm, p)) throw new Error(`pymallocFree(${p}) returned false`);
    this.live.delete(p);
    const i = this.index.get(p)!;
    const last = this.order.pop()!;
    if (last !== p) {
      this.order[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(p);
    const info = this.pools.get(poolOf(p))!;
    if (--info.count === 0) this.pools.delete(poolOf(p));
  }

  check(p: number, b: Live): void {
    const view = this.heap.u8.subarray(p, p + b.size);
    for (let i = 0; i < view.length; i++) {
      if (view[i] !== b.byte) throw new Error(`block ${p} (${b.size} bytes) byte ${i} is ${view[i]}, expected ${b.byte}: overwritten`);
    }
  }

  pick(pick: number): number | undefined {
    return this.order.length === 0 ? undefined : this.order[pick % this.order.length];
  }

  run(cmd: Cmd): void {
    switch (cmd.kind) {
      case 'alloc':
        this.alloc(cmd.n);
        break;
      case 'allocMany':
        for (let i = 0; i < cmd.count; i++) this.alloc(cmd.n);
        break;
      case 'free': {
        const p = this.pick(cmd.pick);
        if (p !== undefined) this.free(p);
        break;
      }
      case 'freePool': {
        const p = this.pick(cmd.pick);
        if (p === undefined) break;
        const pool = poolOf(p);
        for (const q of [...this.live.keys()].filter((q) => poolOf(q) === pool)) this.free(q);
        break;
      }
      case 'freeArena': {
        // Everything in one arena except `keep` blocks: the arena drains or nearly drains.
        const p = this.pick(cmd.pick);
        if (p === undefined) break;
        const arena = arenaOf(p);
        const victims = [...this.live.keys()].filter((q) => arenaOf(q) === arena);
        for (const q of victims.slice(cmd.keep)) this.free(q);
        break;
      }
    }
  }

  /** Everything the model knows, compared with pymalloc's view. */
  verify(): void {
    const { pm } = this;
    for (const [p, b] of this.live) this.check(p, b);
    const s = pymallocStats(pm);
    expect(s.blocksInUse).toBe(this.live.size);
    const perClass = new Array<number>(PYMALLOC_SIZE_CLASSES).fill(0);
    for (const b of this.live.values()) perClass[(b.size >> 4) - 1]++;
    const poolsPerClass = new Array<number>(PYMALLOC_SIZE_CLASSES).fill(0);
    for (const info of this.pools.values()) poolsPerClass[(info.size >> 4) - 1]++;
    const expected = [];
    for (let c = 0; c < PYMALLOC_SIZE_CLASSES; c++) {
      if (poolsPerClass[c] === 0) continue;
      const size = (c + 1) << 4;
      expected.push({ sizeClass: c, blockSize: size, pools: poolsPerClass[c], blocksInUse: perClass[c], freeBlocks: poolsPerClass[c] * numBlocks(size) - perClass[c] });
    }
    expect(s.classes).toEqual(expected);
    expect(s.allocatedBytes).toBe([...this.live.values()].reduce((sum, b) => sum + b.size, 0));
    expect(s.arenasAllocated).toBeLessThanOrEqual(s.arenasHighWater);
    expect(s.arenasHighWater).toBeLessThanOrEqual(s.arenasAllocatedTotal);
    expect(s.arenaBytes).toBe(s.arenasAllocated * PYMALLOC_ARENA_SIZE);
    // Pools in use plus free pools fit in the arenas (64 pools each at most).
    expect(this.pools.size + s.freePools).toBeLessThanOrEqual(s.arenasAllocated * PYMALLOC_MAX_POOLS_IN_ARENA);
    checkLists(pm, s.freePools, this.pools);
  }
}

/** The usable-arena list, nfp2lasta and the used-pool lists agree with each other and with the model. */
function checkLists(pm: Pymalloc, freePools: number, livePools: Map<number, { size: number; count: number }>): void {
  const u32 = pm.u32;
  const st = pm.state;
  const arenas = u32[(st + PM_ARENAS_OFFSET) >>> 2];
  const max = u32[(st + PM_MAXARENAS_OFFSET) >>> 2];
  const desc = (link: number): number => arenas + (link - 1) * ARENA_OBJECT_SIZE;
  const field = (addr: number, off: number): number => u32[(addr + off) >>> 2];

  // Arenas with free pools, by descriptor link.
  const withFree = new Set<number>();
  let sumFree = 0;
  let allocated = 0;
  let whollyFree = 0;
  for (let i = 0; i < max; i++) {
    const ao = arenas + i * ARENA_OBJECT_SIZE;
    if (field(ao, ARENA_ADDRESS_OFFSET) === 0) continue;
    allocated++;
    const nf = field(ao, ARENA_NFREEPOOLS_OFFSET);
    sumFree += nf;
    if (nf > 0) withFree.add(i + 1);
    if (nf === field(ao, ARENA_NTOTALPOOLS_OFFSET)) whollyFree++;
  }
  expect(sumFree).toBe(freePools);
  // At most one wholly free arena is kept (bpo-37257).
  expect(whollyFree).toBeLessThanOrEqual(1);

  // Walk the usable list: linked both ways, ascending free pools, exactly the arenas with free pools.
  const seen: number[] = [];
  let prev = 0;
  let prevNf = 0;
  const lastWith = new Array<number>(PYMALLOC_MAX_POOLS_IN_ARENA + 1).fill(0);
  for (let link = u32[(st + PM_USABLE_ARENAS_OFFSET) >>> 2]; link !== 0; link = field(desc(link), ARENA_NEXTARENA_OFFSET)) {
    if (seen.length > max) throw new Error('usable-arena list has a cycle');
    const ao = desc(link);
    expect(field(ao, ARENA_ADDRESS_OFFSET)).not.toBe(0);
    expect(field(ao, ARENA_PREVARENA_OFFSET)).toBe(prev);
    const nf = field(ao, ARENA_NFREEPOOLS_OFFSET);
    expect(nf).toBeGreaterThan(0);
    expect(nf).toBeGreaterThanOrEqual(prevNf);
    lastWith[nf] = link;
    seen.push(link);
    prev = link;
    prevNf = nf;
  }
  expect(new Set(seen).size).toBe(seen.length);
  expect([...seen].sort((a, b) => a - b)).toEqual([...withFree].sort((a, b) => a - b));
  // A wholly free arena can only be the last usable one.
  for (const link of seen.slice(0, -1)) {
    const ao = desc(link);
    expect(field(ao, ARENA_NFREEPOOLS_OFFSET)).toBeLessThan(field(ao, ARENA_NTOTALPOOLS_OFFSET));
  }
  // nfp2lasta[k] is the rightmost usable arena with exactly k free pools.
  const nfp2lasta = Array.from({ length: PYMALLOC_MAX_POOLS_IN_ARENA + 1 }, (_, k) => u32[(st + PM_NFP2LASTA_OFFSET + 4 * k) >>> 2]);
  expect(nfp2lasta).toEqual(lastWith);
  expect(allocated).toBeGreaterThanOrEqual(seen.length);

  // Used-pool lists: each pool has its class, free blocks and live blocks; counts match the model.
  const inUsed = new Set<number>();
  for (let c = 0; c < PYMALLOC_SIZE_CLASSES; c++) {
    // Circular, headed by a pseudo header whose nextpool/prevpool are usedpools[2c], usedpools[2c + 1].
    const list = st + PM_USEDPOOLS_OFFSET + 8 * c - POOL_NEXTPOOL_OFFSET;
    let before = list;
    for (let pool = u32[(list + POOL_NEXTPOOL_OFFSET) >>> 2]; pool !== list; pool = u32[(pool + POOL_NEXTPOOL_OFFSET) >>> 2]) {
      if (inUsed.has(pool)) throw new Error(`pool ${pool} twice in the used lists`);
      inUsed.add(pool);
      expect(u32[(pool + POOL_PREVPOOL_OFFSET) >>> 2]).toBe(before);
      expect(u32[(pool + POOL_SZIDX_OFFSET) >>> 2]).toBe(c);
      expect(u32[(pool + POOL_FREEBLOCK_OFFSET) >>> 2]).not.toBe(0);
      const info = livePools.get(pool);
      expect(info?.size).toBe((c + 1) << 4);
      expect(u32[(pool + POOL_COUNT_OFFSET) >>> 2]).toBe(info?.count);
      before = pool;
    }
    expect(u32[(list + POOL_PREVPOOL_OFFSET) >>> 2], `class ${c}: the list's last pool`).toBe(before);
  }
  // Pools with live blocks that are not in a used list must be full.
  for (const [pool, info] of livePools) {
    expect(u32[(pool + POOL_COUNT_OFFSET) >>> 2]).toBe(info.count);
    if (!inUsed.has(pool)) {
      expect(info.count).toBe(numBlocks(info.size));
      expect(u32[(pool + POOL_FREEBLOCK_OFFSET) >>> 2]).toBe(0);
    }
  }
}

describe('pymalloc property', () => {
  let heap: SharedHeap;
  beforeAll(() => {
    heap = SharedHeap.create({ size: HEAP_SIZE });
  });
  afterAll(() => heap.close());

  it('random alloc/free batches match a shadow model; freeing everything leaves at most one arena', () => {
    const started = Date.now();
    let maxArenas = 0;
    let maxLive = 0;
    let runsWithArenas = 0;
    let runsReleasing = 0;
    fc.assert(
      fc.property(batchesArb, (batches) => {
        const before = regionStats(heap);
        const pm = pymallocCreate(heap);
        const model = new Model(heap, pm);
        try {
          let runArenas = 0;
          for (const batch of batches) {
            for (const cmd of batch) model.run(cmd);
            model.verify();
            maxLive = Math.max(maxLive, model.live.size);
            runArenas = Math.max(runArenas, pymallocStats(pm).arenasAllocated);
          }
          for (const p of [...model.order]) model.free(p);
          model.verify();
          const s = pymallocStats(pm);
          maxArenas = Math.max(maxArenas, runArenas);
          if (runArenas >= 3) runsWithArenas++;
          if (s.arenasAllocatedTotal > s.arenasAllocated) runsReleasing++;
          expect(s.blocksInUse).toBe(0);
          expect(s.classes).toEqual([]);
          expect(s.arenasAllocated).toBeLessThanOrEqual(1);
        } finally {
          const leaked = pymallocDestroy(pm);
          const after = regionStats(heap);
          expect(after.regionsInUse).toBe(before.regionsInUse);
          expect(after.bytesInUse).toBe(before.bytesInUse);
          if (model.live.size === 0) expect(leaked).toBe(0);
        }
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
    console.log(
      `pymalloc property: ${NUM_RUNS} runs in ${Date.now() - started} ms, up to ${maxLive} live blocks and ${maxArenas} arenas; ` +
        `${runsWithArenas} runs reached 3+ arenas, ${runsReleasing} released an arena`,
    );
    // The generator must actually reach the multi-arena paths.
    expect(maxArenas).toBeGreaterThanOrEqual(3);
    expect(runsWithArenas).toBeGreaterThanOrEqual(5);
    expect(runsReleasing).toBeGreaterThanOrEqual(5);
  });
});
