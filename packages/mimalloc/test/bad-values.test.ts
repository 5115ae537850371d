/**
 * Wrong JavaScript values at every public entry point (issue 14.2): each
 * size, count, alignment, address, tag and option parameter gets numeric
 * strings, arrays, NaN, ±Infinity, -1, 1.5, 2^32, 2^40, undefined, null,
 * objects and bigints, and each call must give the documented outcome of
 * src/argument-checks.ts — a TypeError, a RangeError, or 0 for an integer
 * too large to allocate — with nothing written: after every call the heap's
 * bytes are exactly what they were, and afterwards miStats reports the same
 * blocks, the thread table is unchanged, a fresh allocation and free work,
 * and (once) a worker can still attach and free a block of ours.
 */

import { liveThreadCount, SharedHeap } from '@ft/atomics';
import { nextMessage, spawnTsWorker } from '@ft/harness';
import { FreeCallbackRegistry, qsbrCreate, qsbrRegister, qsbrUnregister } from '@ft/qsbr';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MI_HEAP_GC,
  MI_HEAP_MEM,
  MI_HEAP_OBJECT,
  miAbandonThread,
  miCollect,
  miCreate,
  miFree,
  miHeapCalloc,
  miHeapMalloc,
  miHeapMallocAligned,
  miHeapRealloc,
  miHeapZalloc,
  miMalloc,
  miStats,
  miThreadInit,
  miThreadSetDebugHeader,
  miUsableSize,
  miVisitBlocks,
  type MiOptions,
  type MiThread,
} from '../src/index.js';
import { closeHeaps, MiB, setup, type Env } from './fixture.js';
import type { AttachData, AttachReply } from './workers/attach.worker.js';
import { within } from './workers/worker-steps.js';

afterEach(closeHeaps);

const ATTACH_WORKER = new URL('./workers/attach.worker.ts', import.meta.url);
/** A small heap: every refused call is followed by a compare of all its bytes. */
const HEAP_BYTES = 16 * MiB;

/** The values every numeric parameter is tried with, labelled for messages. */
const BAD_VALUES: ReadonlyArray<readonly [string, unknown]> = [
  ['"100" (numeric string)', '100'],
  ['"abc"', 'abc'],
  ['[100] (array)', [100]],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-1', -1],
  ['1.5', 1.5],
  ['2**32', 2 ** 32],
  ['2**40', 2 ** 40],
  ['undefined', undefined],
  ['null', null],
  ['{} (object)', {}],
  ['{ valueOf: () => 100 }', { valueOf: () => 100 }],
  ['100n (bigint)', 100n],
  ['true', true],
];

type Outcome = 'TypeError' | 'RangeError' | 'returns 0';

/** The documented outcome for a size parameter (size, count, alignment). */
function sizeOutcome(v: unknown): Outcome {
  if (typeof v !== 'number') return 'TypeError';
  return Number.isInteger(v) && v >= 0 ? 'returns 0' : 'RangeError';
}

/** The documented outcome for an address parameter that is not 0 and not inside the heap. */
function addressOutcome(v: unknown): Outcome {
  return typeof v !== 'number' ? 'TypeError' : 'RangeError';
}

/** What a call did: the class of the error it threw, or what it returned. */
function outcomeOf(call: () => unknown): string {
  try {
    const r = call();
    return r === 0 ? 'returns 0' : `returns ${String(r)}`;
  } catch (e) {
    if (e instanceof TypeError) return 'TypeError';
    if (e instanceof RangeError) return 'RangeError';
    return `throws ${String(e)}`;
  }
}

/** What must hold after refused calls, taken before them. */
interface Baseline {
  bytes: Uint8Array;
  liveBlocks: number;
  threads: number;
  liveThreads: number;
}

/** A live block per standard heap (the calls below must leave them alone), then the baseline. */
function populate(env: Env): { blocks: number[]; baseline: Baseline } {
  const { t } = env;
  const blocks = [miMalloc(t, 100), miHeapMalloc(t, MI_HEAP_OBJECT, 48), miHeapMalloc(t, MI_HEAP_GC, 1000), miMalloc(t, 300 * 1024)];
  for (const [i, p] of blocks.entries()) {
    expect(p).not.toBe(0);
    t.u8.fill(0x30 + i, p, p + 48);
  }
  return { blocks, baseline: baselineOf(env) };
}

function baselineOf(env: Env): Baseline {
  const stats = miStats(env.t);
  return { bytes: new Uint8Array(env.heap.u8), liveBlocks: stats.liveBlocks, threads: stats.threads, liveThreads: liveThreadCount(env.heap) };
}

/** Every byte of the heap is as in the baseline: the call wrote nothing. */
function expectUnchanged(env: Env, baseline: Baseline, what: string): void {
  const now = Buffer.from(env.heap.buffer, 0, env.heap.size);
  expect(Buffer.compare(now, Buffer.from(baseline.bytes.buffer, 0, env.heap.size)), `${what}: the heap's bytes changed`).toBe(0);
}

/** The heap works as before: same blocks and threads, a fresh allocation and free, and another view can attach. */
function expectHeapWorks(env: Env, baseline: Baseline): void {
  const { t, heap } = env;
  const stats = miStats(t);
  expect({ liveBlocks: stats.liveBlocks, threads: stats.threads, liveThreads: liveThreadCount(heap) }).toEqual({
    liveBlocks: baseline.liveBlocks,
    threads: baseline.threads,
    liveThreads: baseline.liveThreads,
  });
  for (const size of [0, 24, 5000, 200 * 1024, 3 * MiB]) {
    const p = miMalloc(t, size);
    expect(p, `a fresh allocation of ${size} bytes`).not.toBe(0);
    expect(miUsableSize(t, p)).toBeGreaterThanOrEqual(size);
    miFree(t, p);
  }
  // Attaching checks the heap's magic word and layout version.
  const view = SharedHeap.attach(heap.handle());
  view.close();
}

/** Runs `call` with every bad value, expecting `expected(value)` and an unchanged heap after each. */
function tryAll(env: Env, baseline: Baseline, name: string, expected: (v: unknown) => Outcome, call: (v: unknown) => unknown): void {
  const wrong: string[] = [];
  for (const [label, value] of BAD_VALUES) {
    const got = outcomeOf(() => call(value));
    if (got !== expected(value)) wrong.push(`${name}(${label}): ${got}, expected ${expected(value)}`);
    expectUnchanged(env, baseline, `${name}(${label})`);
  }
  expect(wrong).toEqual([]);
}

describe.each([false, true])('bad values at the public entry points (checked = %s)', (checked) => {
  it('sizes: miMalloc, miHeapMalloc, miHeapZalloc', () => {
    const env = setup(checked, HEAP_BYTES);
    const { t } = env;
    const { baseline } = populate(env);
    tryAll(env, baseline, 'miMalloc', sizeOutcome, (v) => miMalloc(t, v as number));
    for (const tag of [MI_HEAP_MEM, MI_HEAP_OBJECT, MI_HEAP_GC]) {
      tryAll(env, baseline, `miHeapMalloc tag ${tag}`, sizeOutcome, (v) => miHeapMalloc(t, tag, v as number));
      tryAll(env, baseline, `miHeapZalloc tag ${tag}`, sizeOutcome, (v) => miHeapZalloc(t, tag, v as number));
    }
    expectHeapWorks(env, baseline);
  });

  it('count and size of miHeapCalloc', () => {
    const env = setup(checked, HEAP_BYTES);
    const { t } = env;
    const { baseline } = populate(env);
    tryAll(env, baseline, 'miHeapCalloc count', sizeOutcome, (v) => miHeapCalloc(t, MI_HEAP_MEM, v as number, 16));
    tryAll(env, baseline, 'miHeapCalloc size', sizeOutcome, (v) => miHeapCalloc(t, MI_HEAP_OBJECT, 16, v as number));
    // The other argument bad too: the first bad one decides, nothing is allocated.
    tryAll(env, baseline, 'miHeapCalloc both', (v) => (sizeOutcome(v) === 'returns 0' ? 'returns 0' : sizeOutcome(v)), (v) => miHeapCalloc(t, MI_HEAP_MEM, v as number, v as number));
    expectHeapWorks(env, baseline);
  });

  it('size and alignment of miHeapMallocAligned', () => {
    const env = setup(checked, HEAP_BYTES);
    const { t } = env;
    const { baseline } = populate(env);
    tryAll(env, baseline, 'miHeapMallocAligned size', sizeOutcome, (v) => miHeapMallocAligned(t, MI_HEAP_MEM, v as number, 64));
    tryAll(env, baseline, 'miHeapMallocAligned alignment', sizeOutcome, (v) => miHeapMallocAligned(t, MI_HEAP_MEM, 64, v as number));
    expectHeapWorks(env, baseline);
  });

  it('size and address of miHeapRealloc: refused before anything is freed, the block stays valid', () => {
    const env = setup(checked, HEAP_BYTES);
    const { t } = env;
    const { blocks, baseline } = populate(env);
    const p = blocks[0];
    tryAll(env, baseline, 'miHeapRealloc(p, size)', sizeOutcome, (v) => miHeapRealloc(t, MI_HEAP_MEM, p, v as number));
    tryAll(env, baseline, 'miHeapRealloc(0, size)', sizeOutcome, (v) => miHeapRealloc(t, MI_HEAP_MEM, 0, v as number));
    tryAll(env, baseline, 'miHeapRealloc(address, 64)', addressOutcome, (v) => miHeapRealloc(t, MI_HEAP_MEM, v as number, 64));
    // The numeric string of a live block's address is not that address.
    expect(outcomeOf(() => miHeapRealloc(t, MI_HEAP_MEM, String(p) as unknown as number, 64))).toBe('TypeError');
    expectUnchanged(env, baseline, 'miHeapRealloc(String(p), 64)');
    expectHeapWorks(env, baseline);
    // p is still a live block: it resizes and frees normally.
    const q = miHeapRealloc(t, MI_HEAP_MEM, p, 4000);
    expect(q).not.toBe(0);
    for (let i = 0; i < 48; i++) expect(t.u8[q + i]).toBe(0x30);
    miFree(t, q);
  });

  it('addresses: miUsableSize', () => {
    const env = setup(checked, HEAP_BYTES);
    const { t, heap } = env;
    const { blocks, baseline } = populate(env);
    tryAll(env, baseline, 'miUsableSize', addressOutcome, (v) => miUsableSize(t, v as number));
    for (const addr of [16, heap.regionStart - 4, heap.size, heap.size + 64]) {
      expect(outcomeOf(() => miUsableSize(t, addr)), `miUsableSize(${addr})`).toBe('RangeError');
    }
    expect(miUsableSize(t, 0)).toBe(0);
    expect(miUsableSize(t, blocks[1])).toBeGreaterThanOrEqual(48);
    expectHeapWorks(env, baseline);
  });

  it('addresses: miFree never writes for NaN, undefined, "abc", 1.5, {}, 2**40, -1, 2**32 and the rest; a worker can still attach', async () => {
    const env = setup(checked, HEAP_BYTES);
    const { t, heap, mi } = env;
    const { blocks, baseline } = populate(env);
    tryAll(env, baseline, 'miFree', addressOutcome, (v) => miFree(t, v as number));
    // Outside the allocatable range: the reserved prefix (heap header, thread table) and past the end.
    for (const addr of [4, 8, 16, heap.regionStart - 16, heap.size, heap.size + 4, 0xfffffffc]) {
      expect(outcomeOf(() => miFree(t, addr)), `miFree(${addr})`).toBe('RangeError');
      expectUnchanged(env, baseline, `miFree(${addr})`);
    }
    expect(outcomeOf(() => miFree(t, String(blocks[0]) as unknown as number))).toBe('TypeError');
    expect(outcomeOf(() => miFree(t, blocks[0] + 0.5))).toBe('RangeError');
    expectUnchanged(env, baseline, 'miFree of a live block as a string or plus 0.5');
    miFree(t, 0); // NULL: nothing to do
    expectUnchanged(env, baseline, 'miFree(0)');
    expectHeapWorks(env, baseline);

    // A worker attaches, frees one of our blocks and allocates its own.
    const data: AttachData = { heap: heap.handle(), mi, block: blocks[0], size: 48, byte: 0x30 };
    const worker = spawnTsWorker(ATTACH_WORKER, data);
    try {
      const reply = await within(nextMessage<AttachReply>(worker), 'attaching worker');
      expect(reply.tid).not.toBe(heap.tid);
      expect(reply.blockIntact).toBe(true);
      expect(reply.allocated).toBe(100);
    } finally {
      await worker.terminate();
    }
    for (const p of blocks.slice(1)) miFree(t, p);
    miCollect(t, true);
    const end = miStats(t);
    expect({ liveBlocks: end.liveBlocks, threads: end.threads }).toEqual({ liveBlocks: 0, threads: 1 });
  });

  it('heap tags of every tagged entry point', () => {
    const env = setup(checked, HEAP_BYTES);
    const { t } = env;
    const { blocks, baseline } = populate(env);
    const tagOutcome = (v: unknown): Outcome => (typeof v !== 'number' ? 'TypeError' : 'RangeError');
    const calls: [string, (tag: number) => unknown][] = [
      ['miHeapMalloc', (tag) => miHeapMalloc(t, tag, 16)],
      ['miHeapZalloc', (tag) => miHeapZalloc(t, tag, 16)],
      ['miHeapCalloc', (tag) => miHeapCalloc(t, tag, 2, 8)],
      ['miHeapMallocAligned', (tag) => miHeapMallocAligned(t, tag, 16, 64)],
      ['miHeapRealloc', (tag) => miHeapRealloc(t, tag, blocks[0], 4000)],
    ];
    for (const [name, call] of calls) {
      tryAll(env, baseline, `${name} tag`, tagOutcome, (v) => call(v as number));
      for (const tag of [16, 255]) expect(outcomeOf(() => call(tag)), `${name} tag ${tag}`).toBe('RangeError');
    }
    expectUnchanged(env, baseline, 'tags');
    expectHeapWorks(env, baseline);
  });

  it('miCollect, miVisitBlocks, miThreadSetDebugHeader: bad flags, masks, visitors and sizes are refused before any page is touched', () => {
    const env = setup(checked, HEAP_BYTES);
    const { t } = env;
    const { blocks, baseline } = populate(env);
    // A block on its page's local free list while the page still has free
    // blocks: a collection or a visit would write (it joins the two lists).
    miFree(t, blocks[0]);
    const before = baselineOf(env);
    const wrong: string[] = [];
    const expectOutcome = (what: string, call: () => unknown, expected: string): void => {
      const got = outcomeOf(call);
      if (got !== expected) wrong.push(`${what}: ${got}, expected ${expected}`);
      expectUnchanged(env, before, what);
    };
    const notBooleans = [...BAD_VALUES.filter(([, v]) => typeof v !== 'boolean'), ['"false"', 'false'], ['0', 0], ['1', 1]] as const;
    for (const [label, value] of notBooleans) {
      expectOutcome(`miCollect(${label})`, () => miCollect(t, value as boolean), 'TypeError');
    }
    for (const [label, value] of BAD_VALUES) {
      const expected = typeof value !== 'number' ? 'TypeError' : 'RangeError';
      expectOutcome(`miVisitBlocks(${label})`, () => miVisitBlocks(t, value as number, () => {}), expected);
      expectOutcome(`miThreadSetDebugHeader(${label})`, () => miThreadSetDebugHeader(t, value as number), expected);
    }
    for (const mask of [0x10000, 0x7fffffff]) expectOutcome(`miVisitBlocks(${mask})`, () => miVisitBlocks(t, mask, () => {}), 'RangeError');
    for (const [label, visitor] of [['undefined', undefined], ['null', null], ['an object', {}], ['a number', 1]] as const) {
      expectOutcome(`miVisitBlocks visitor ${label}`, () => miVisitBlocks(t, 0xffff, visitor as unknown as () => void), 'TypeError');
    }
    for (const bytes of [4, 12, 72]) expectOutcome(`miThreadSetDebugHeader(${bytes})`, () => miThreadSetDebugHeader(t, bytes), 'RangeError');
    expect(wrong).toEqual([]);
    // The valid calls still work.
    expect(miVisitBlocks(t, 0xffff, () => {})).toBe(3);
    miCollect(t, false);
    expectHeapWorks(env, { ...before, bytes: new Uint8Array(0) });
  });

  it('miThreadInit, miAbandonThread and miCreate: bad registrations, thread ids and options are refused before anything is written', () => {
    const env = setup(checked, HEAP_BYTES);
    const { heap, mi } = env;
    populate(env);
    const wrong: string[] = [];
    // A second identity (its own tid) that has no mimalloc state yet.
    const view = SharedHeap.attach(heap.handle());
    try {
      const withViewSlot = baselineOf(env);
      const other = SharedHeap.create({ size: 4 * MiB });
      try {
        const foreign = qsbrRegister(other, qsbrCreate(other), new FreeCallbackRegistry());
        for (const [label, qsbr] of [['{}', {}], ['"qsbr"', 'qsbr'], ['1', 1], ['undefined', undefined], ["another heap's QsbrThread", foreign]] as const) {
          const got = outcomeOf(() => miThreadInit(view, mi, qsbr as unknown as null));
          if (got !== 'TypeError') wrong.push(`miThreadInit qsbr ${label}: ${got}`);
          expectUnchanged(env, withViewSlot, `miThreadInit qsbr ${label}`);
          const abandoned = outcomeOf(() => miAbandonThread(heap, mi, view.tid, qsbr as unknown as null));
          if (abandoned !== 'TypeError') wrong.push(`miAbandonThread qsbr ${label}: ${abandoned}`);
          expectUnchanged(env, withViewSlot, `miAbandonThread qsbr ${label}`);
        }
        qsbrUnregister(foreign);
      } finally {
        other.close();
      }
      // The view can still set up its state, and it is the only new thread.
      const t2: MiThread = miThreadInit(view, mi, null);
      expect(miStats(t2).threads).toBe(2);
      for (const [label, tid] of BAD_VALUES) {
        const expected = typeof tid !== 'number' ? 'TypeError' : 'RangeError';
        const got = outcomeOf(() => miAbandonThread(heap, mi, tid as number, null));
        if (got !== expected) wrong.push(`miAbandonThread tid ${label}: ${got}, expected ${expected}`);
      }
      for (const tid of [0, heap.threadCapacity + 1, 1 << 20]) {
        const got = outcomeOf(() => miAbandonThread(heap, mi, tid, null));
        if (got !== 'RangeError') wrong.push(`miAbandonThread tid ${tid}: ${got}`);
      }
      expect(miStats(t2).threads).toBe(2);
    } finally {
      view.close();
    }
    const afterView = baselineOf(env);
    const expectOutcome = (what: string, call: () => unknown, expected: string): void => {
      const got = outcomeOf(call);
      if (got !== expected) wrong.push(`${what}: ${got}, expected ${expected}`);
      expectUnchanged(env, afterView, what);
    };
    const badOptions: [string, unknown][] = [
      ['null', null],
      ['"checked"', 'checked'],
      ['1', 1],
      ['[true]', [true]],
      ['{ checked: "yes" }', { checked: 'yes' }],
      ['{ checked: 1 }', { checked: 1 }],
      ['{ checked: null }', { checked: null }],
      ['{ chekced: true } (misspelt)', { chekced: true }],
    ];
    for (const [label, options] of badOptions) expectOutcome(`miCreate(${label})`, () => miCreate(heap, options as MiOptions), 'TypeError');
    expect(wrong).toEqual([]);
    expectHeapWorks(env, afterView);
  });
});
