/**
 * The QSBR torture test. One writer keeps publishing a fresh block (a version
 * number, a pattern derived from it and a checksum) through a shared pointer
 * and retires the old block with `freeDelayed`; the free callback poisons the
 * block with 0xDD and puts it back in a pool the writer takes new blocks from.
 * Readers load the pointer without any lock and verify every word, reporting
 * a quiescent state between reads. With QSBR no reader may ever see poison or
 * a broken checksum. The 'immediate' variant frees (poisons and recycles) the
 * old block right away and must be caught doing exactly that.
 */

import type { StressCheck, StressScenario } from '@ft/harness';
import { regionAlloc, SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { FreeCallbackRegistry, qsbrCreate, qsbrFiniDelayed, qsbrStats } from '../../src/index.js';
import { fillBlock, poolCreate, poolEntries, poolFreeCallback, poolTake } from './torture-block.js';

export interface TortureParams {
  heap: SharedHeapHandle;
  qsbr: number;
  /** The shared pointer readers load: address of a u32 holding the current block. */
  current: number;
  /** Block pool (see torture-block.ts). */
  pool: number;
  blocks: number;
  /** 'qsbr' (the real test) or 'immediate' (the control that must fail). */
  mode: 'qsbr' | 'immediate';
}

export interface TortureResult {
  role: string;
  ops: number;
  reads: number;
  poisonedReads: number;
  tornReads: number;
  writes: number;
}

interface State {
  heap: SharedHeap;
  params: TortureParams;
}

/** The callbacks every thread registers, in this order. */
export function tortureRegistry(pool: number): { registry: FreeCallbackRegistry; poisonAndRecycle: number } {
  const registry = new FreeCallbackRegistry();
  const poisonAndRecycle = registry.register('torture/poison-and-recycle', poolFreeCallback(pool));
  return { registry, poisonAndRecycle };
}

export const qsbrTorture: StressScenario<TortureParams, State> = {
  name: 'qsbr/torture',
  description: '1 writer republishes a checksummed block and retires the old one with freeDelayed; readers verify without locks',
  worker: new URL('./torture.worker.ts', import.meta.url),
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 'writer' : 'reader')),
  opsPerWorker: 200_000,
  setup() {
    const heap = SharedHeap.create({ size: 64 << 20 });
    const qsbr = qsbrCreate(heap);
    const blocks = 4096;
    const pool = poolCreate(heap, blocks);
    const current = regionAlloc(heap, 64);
    // Publish a first block so readers always find one.
    const first = poolTake(heap, pool);
    fillBlock(heap, first, 1);
    Atomics.store(heap.u32, current >>> 2, first);
    const params: TortureParams = { heap: heap.handle(), qsbr, current, pool, blocks, mode: 'qsbr' };
    return { params, state: { heap, params } };
  },
  check({ results, state, params }): StressCheck[] {
    const r = results as TortureResult[];
    const sum = (key: keyof TortureResult): number => r.reduce((a, x) => a + (x[key] as number), 0);
    const heap = state.heap;
    // Everything left in the interpreter queue is freed now: no thread reads any more.
    const { registry } = tortureRegistry(params.pool);
    qsbrFiniDelayed(heap, params.qsbr, registry);
    const inPool = poolEntries(heap, params.pool);
    const current = heap.u32[params.current >>> 2];
    const accounted = new Set([...inPool, current]);
    const stats = qsbrStats(heap, params.qsbr);
    return [
      { name: 'no reader saw a poisoned (freed) block', ok: sum('poisonedReads') === 0, detail: `${sum('poisonedReads')} poisoned of ${sum('reads')} reads` },
      { name: 'no reader saw a torn block', ok: sum('tornReads') === 0, detail: `${sum('tornReads')} torn of ${sum('reads')} reads` },
      { name: 'readers read and the writer wrote', ok: sum('reads') > 0 && sum('writes') > 0, detail: `${sum('reads')} reads, ${sum('writes')} writes` },
      {
        name: 'every block freed exactly once: pool + current hold each block once',
        ok: inPool.length + 1 === params.blocks && accounted.size === params.blocks,
        detail: `${inPool.length} in pool + 1 current, ${accounted.size} distinct, ${params.blocks} blocks`,
      },
      {
        name: 'delayed frees: queued = freed',
        ok: params.mode !== 'qsbr' || stats.queuedItems === stats.freedItems,
        detail: `queued ${stats.queuedItems}, freed ${stats.freedItems}`,
      },
    ];
  },
  metrics: ({ results }) => {
    const r = results as TortureResult[];
    return [
      { name: 'reads', value: r.reduce((a, x) => a + x.reads, 0), unit: '' },
      { name: 'blocks retired', value: r.reduce((a, x) => a + x.writes, 0), unit: '' },
    ];
  },
  teardown: ({ heap }) => heap.close(),
};

export const scenarios = [qsbrTorture];
