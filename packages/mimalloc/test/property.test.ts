import { Buffer } from 'node:buffer';
import { SharedHeap } from '@ft/atomics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  miCollect,
  miCreate,
  miFree,
  miHeapCalloc,
  miHeapMalloc,
  miHeapRealloc,
  miStats,
  miThreadExit,
  miThreadInit,
  miUsableSize,
  miVisitBlocks,
  type MiThread,
} from '../src/index.js';

/*
 * Random malloc/free/realloc/calloc sequences against a shadow model: a map
 * from address to {size, fill byte, tag}. Replay a failure with
 * FT_PROPERTY_SEED=<seed> (and fast-check's printed path).
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const HEAP_SIZE = 256 * MiB;
const SEED = process.env.FT_PROPERTY_SEED !== undefined ? Number(process.env.FT_PROPERTY_SEED) : 0x6d696d61;
const NUM_RUNS = Number(process.env.FT_PROPERTY_RUNS ?? 250);
console.log(`mimalloc property seed ${SEED} (FT_PROPERTY_SEED), ${NUM_RUNS} runs per property`);

type Op =
  | { kind: 'malloc'; tag: number; size: number }
  | { kind: 'calloc'; tag: number; count: number; size: number }
  | { kind: 'free'; pick: number }
  | { kind: 'realloc'; pick: number; size: number }
  | { kind: 'visit' };

/** Mostly 0..1024, some up to 200 KiB, rare up to 3 MiB (large and huge pages). */
const sizeArb = fc.oneof(
  { weight: 85, arbitrary: fc.integer({ min: 0, max: 1024 }) },
  { weight: 13, arbitrary: fc.integer({ min: 1025, max: 200 * KiB }) },
  { weight: 2, arbitrary: fc.integer({ min: 200 * KiB + 1, max: 3 * MiB }) },
);
const tagArb = fc.integer({ min: 0, max: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('malloc' as const), tag: tagArb, size: sizeArb }) },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('calloc' as const), tag: tagArb, count: fc.integer({ min: 0, max: 64 }), size: fc.integer({ min: 0, max: 512 }) }),
  },
  { weight: 35, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 15, arbitrary: fc.record({ kind: fc.constant('realloc' as const), pick: fc.nat(), size: sizeArb }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'visit' as const }) },
);

interface Block {
  size: number;
  byte: number;
  tag: number;
}

const scratch = Buffer.alloc(3 * MiB + 64 * KiB);

class Model {
  live = new Map<number, Block>();
  private nextByte = 1;
  constructor(
    readonly heap: SharedHeap,
    readonly t: MiThread,
  ) {}

  byte(): number {
    const b = this.nextByte;
    this.nextByte = (this.nextByte % 254) + 1; // 1..254: never 0 (calloc) nor 0xDD-only by accident of order
    return b;
  }

  view(p: number, size: number): Buffer {
    return Buffer.from(this.heap.buffer, p, size);
  }

  filledWith(p: number, size: number, byte: number): boolean {
    if (size === 0) return true;
    scratch.fill(byte, 0, size);
    return this.view(p, size).equals(scratch.subarray(0, size));
  }

  /** Checks a fresh block and records it, filled with its own byte. */
  add(p: number, size: number, tag: number, what: string): void {
    expect(p, `${what}: returned 0`).not.toBe(0);
    expect(p % 8, `${what}: ${p} not 8-byte aligned`).toBe(0);
    if (size >= 16) expect(p % 16, `${what}: ${p} not 16-byte aligned`).toBe(0);
    expect(miUsableSize(this.t, p), `${what}: usable size`).toBeGreaterThanOrEqual(size);
    const end = p + Math.max(size, 1);
    for (const [q, b] of this.live) {
      const qEnd = q + Math.max(b.size, 1);
      if (p < qEnd && q < end) expect.fail(`${what}: [${p}, ${end}) overlaps live [${q}, ${qEnd})`);
    }
    const byte = this.byte();
    this.view(p, size).fill(byte);
    this.live.set(p, { size, byte, tag });
  }

  check(p: number, what: string): Block {
    const b = this.live.get(p);
    if (b === undefined) expect.fail(`${what}: ${p} is not live`);
    expect(this.filledWith(p, b.size, b.byte), `${what}: contents of ${p} (${b.size} bytes, byte ${b.byte})`).toBe(true);
    return b;
  }

  pick(n: number): number | undefined {
    if (this.live.size === 0) return undefined;
    let i = n % this.live.size;
    for (const p of this.live.keys()) if (i-- === 0) return p;
    return undefined;
  }

  visitMatches(): void {
    const seen = new Map<number, number>();
    const count = miVisitBlocks(this.t, 0xf, (block, size) => {
      expect(seen.has(block), `block ${block} visited twice`).toBe(false);
      seen.set(block, size);
    });
    expect(count).toBe(seen.size);
    const want = [...this.live.keys()].sort((a, b) => a - b);
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(want);
    for (const [p, size] of seen) expect(size).toBeGreaterThanOrEqual(this.live.get(p)!.size);
    // one tag at a time
    for (let tag = 0; tag < 4; tag++) {
      const got: number[] = [];
      miVisitBlocks(this.t, 1 << tag, (block) => got.push(block));
      const expected = want.filter((p) => this.live.get(p)!.tag === tag);
      expect(got.sort((a, b) => a - b), `tag ${tag}`).toEqual(expected);
    }
  }

  run(op: Op): void {
    const t = this.t;
    switch (op.kind) {
      case 'malloc':
        this.add(miHeapMalloc(t, op.tag, op.size), op.size, op.tag, `malloc(${op.size}) tag ${op.tag}`);
        return;
      case 'calloc': {
        const p = miHeapCalloc(t, op.tag, op.count, op.size);
        const total = op.count * op.size;
        expect(p, `calloc(${op.count}, ${op.size})`).not.toBe(0);
        expect(this.filledWith(p, total, 0), `calloc(${op.count}, ${op.size}) at ${p} is zeroed`).toBe(true);
        this.add(p, total, op.tag, `calloc(${op.count}, ${op.size})`);
        return;
      }
      case 'free': {
        const p = this.pick(op.pick);
        if (p === undefined) return;
        this.check(p, 'free');
        miFree(t, p);
        this.live.delete(p);
        return;
      }
      case 'realloc': {
        const p = this.pick(op.pick);
        if (p === undefined) return;
        const old = this.check(p, 'realloc');
        const q = miHeapRealloc(t, old.tag, p, op.size);
        expect(q, `realloc(${p}, ${old.size} -> ${op.size})`).not.toBe(0);
        const kept = Math.min(old.size, op.size);
        expect(this.filledWith(q, kept, old.byte), `realloc ${old.size} -> ${op.size}: first ${kept} bytes kept`).toBe(true);
        this.live.delete(p);
        this.add(q, op.size, old.tag, `realloc(${old.size} -> ${op.size})`);
        return;
      }
      case 'visit':
        this.visitMatches();
        return;
    }
  }

  finish(): void {
    this.visitMatches();
    for (const p of [...this.live.keys()]) {
      this.check(p, 'final');
      miFree(this.t, p);
      this.live.delete(p);
    }
    miCollect(this.t, true);
    const s = miStats(this.t);
    expect({ liveBlocks: s.liveBlocks, liveBytes: s.liveBytes, segments: s.segments, hugeSegments: s.hugeSegments }).toEqual({
      liveBlocks: 0,
      liveBytes: 0,
      segments: 0,
      hugeSegments: 0,
    });
    expect(miVisitBlocks(this.t, 0xffff, () => {})).toBe(0);
  }
}

function runSequence(checked: boolean, ops: Op[]): void {
  const heap = SharedHeap.create({ size: HEAP_SIZE });
  try {
    const mi = miCreate(heap, { checked });
    const model = new Model(heap, miThreadInit(heap, mi, null));
    for (const op of ops) model.run(op);
    model.finish();
  } finally {
    heap.close();
  }
}

describe.each([false, true])('random malloc/free/realloc/calloc sequences (checked = %s)', (checked) => {
  it('no overlap, contents survive, calloc zeroes, 16-byte alignment, visiting sees the live set, everything returns', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 300, size: 'max' }), (ops) => runSequence(checked, ops)),
      // A failing run shrinks for at most a minute, then reports what it has.
      { seed: SEED + (checked ? 1 : 0), numRuns: NUM_RUNS, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
  });
});

/*
 * Two "threads" in this JS thread (each its own heap view and tid): blocks
 * are allocated by either, freed by either (the other's frees take the
 * thread-free and delayed-free paths), and a thread may exit (its pages are
 * abandoned; it re-initialises, and abandoned segments get reclaimed).
 */
type Op2 =
  | { kind: 'malloc'; by: number; tag: number; size: number }
  | { kind: 'free'; by: number; pick: number }
  | { kind: 'realloc'; by: number; pick: number; size: number }
  | { kind: 'exit'; by: number }
  | { kind: 'visit'; by: number };

const byArb = fc.integer({ min: 0, max: 1 });
const op2Arb: fc.Arbitrary<Op2> = fc.oneof(
  { weight: 45, arbitrary: fc.record({ kind: fc.constant('malloc' as const), by: byArb, tag: tagArb, size: sizeArb }) },
  { weight: 38, arbitrary: fc.record({ kind: fc.constant('free' as const), by: byArb, pick: fc.nat() }) },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('realloc' as const), by: byArb, pick: fc.nat(), size: sizeArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('exit' as const), by: byArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('visit' as const), by: byArb }) },
);

function runTwoThreads(checked: boolean, ops: Op2[]): void {
  const heap = SharedHeap.create({ size: HEAP_SIZE });
  const view = SharedHeap.attach(heap.handle());
  try {
    const mi = miCreate(heap, { checked });
    const views = [heap, view];
    const ts = views.map((v) => miThreadInit(v, mi, null));
    const models = ts.map((t) => new Model(heap, t));
    // One shared live set: both models see the same map.
    const live = models[0].live;
    models[1].live = live;
    for (const op of ops) {
      const model = models[op.by];
      switch (op.kind) {
        case 'malloc':
          model.run({ kind: 'malloc', tag: op.tag, size: op.size });
          break;
        case 'free':
          model.run({ kind: 'free', pick: op.pick });
          break;
        case 'realloc':
          model.run({ kind: 'realloc', pick: op.pick, size: op.size });
          break;
        case 'visit':
          model.visitMatches();
          break;
        case 'exit': {
          miThreadExit(ts[op.by]);
          ts[op.by] = miThreadInit(views[op.by], mi, null);
          const fresh = new Model(heap, ts[op.by]);
          fresh.live = live;
          models[op.by] = fresh;
          models[op.by].visitMatches();
          break;
        }
      }
    }
    // Free everything, alternating threads, then both collect.
    models[0].visitMatches();
    let i = 0;
    for (const p of [...live.keys()]) {
      const by = i++ & 1;
      models[by].check(p, 'final');
      miFree(ts[by], p);
      live.delete(p);
    }
    miCollect(ts[0], true);
    miCollect(ts[1], true);
    miCollect(ts[0], true);
    const s = miStats(ts[0]);
    expect({ liveBlocks: s.liveBlocks, segments: s.segments, hugeSegments: s.hugeSegments, abandoned: s.abandonedSegments }).toEqual({
      liveBlocks: 0,
      segments: 0,
      hugeSegments: 0,
      abandoned: 0,
    });
  } finally {
    view.close();
    heap.close();
  }
}

describe.each([false, true])('two threads: cross-thread free, exit and reclaim (checked = %s)', (checked) => {
  it('same invariants with blocks freed by the other thread and abandoned segments', () => {
    fc.assert(
      fc.property(fc.array(op2Arb, { minLength: 1, maxLength: 300, size: 'max' }), (ops) => runTwoThreads(checked, ops)),
      { seed: SEED + 3 + (checked ? 1 : 0), numRuns: NUM_RUNS, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
  });
});

it('a long run on one heap (pages reused across many cycles)', () => {
  const ops = fc.sample(fc.array(opArb, { minLength: 3000, maxLength: 3000 }), { seed: SEED + 2, numRuns: 1 })[0];
  runSequence(false, ops);
});
