/**
 * Readers never see a torn multi-word value: one writer repeatedly writes a
 * 16-word record (every word the same sequence number) while readers read it
 * concurrently, through the RW mutex (readers share, the writer excludes) or
 * through the seqlock (readers retry when a write overlapped). The 'unguarded'
 * seqlock variant reads without validating and must see torn records, which
 * shows the check can fail.
 */

import type { StressCheck, StressScenario } from '@ft/harness';
import { regionAlloc, SharedHeap, type SharedHeapHandle } from '../../src/index.js';

export const RECORD_WORDS = 16;

export interface RecordParams {
  heap: SharedHeapHandle;
  /** The lock word (RW mutex or seqlock), 4-byte aligned. */
  lock: number;
  /** The record: RECORD_WORDS u32, on its own cache lines. */
  record: number;
  kind: 'rwmutex' | 'seqlock';
  /** false = the control: seqlock readers skip validation. */
  guarded: boolean;
}

export interface RecordResult {
  role: string;
  ops: number;
  writes: number;
  consistentReads: number;
  tornReads: number;
  retries: number;
  /** RW mutex: a reader saw the write bit set or zero readers while holding a read lock. */
  badLockState: number;
}

interface State {
  heap: SharedHeap;
}

function makeScenario(kind: RecordParams['kind']): StressScenario<RecordParams, State> {
  return {
    name: `atomics/${kind}-readers`,
    description: `1 writer updates a 16-word record, readers read it under the ${kind === 'rwmutex' ? 'RW mutex' : 'seqlock'}`,
    worker: new URL('./rw-seq.worker.ts', import.meta.url),
    defaultWorkers: 3,
    roles: (n) => Array.from({ length: n }, (_, i) => (i === 0 ? 'writer' : 'reader')),
    opsPerWorker: 100_000,
    setup() {
      const heap = SharedHeap.create({ size: 4 << 20 });
      const region = regionAlloc(heap, 4096);
      return { params: { heap: heap.handle(), lock: region, record: region + 64, kind, guarded: true }, state: { heap } };
    },
    check({ results, state, params }): StressCheck[] {
      const r = results as RecordResult[];
      const sum = (key: keyof RecordResult): number => r.reduce((a, x) => a + (x[key] as number), 0);
      const writes = sum('writes');
      const final = Array.from(state.heap.u32.subarray(params.record >>> 2, (params.record >>> 2) + RECORD_WORDS));
      const checks: StressCheck[] = [
        { name: 'no reader saw a torn record', ok: sum('tornReads') === 0, detail: `${sum('tornReads')} torn of ${sum('consistentReads') + sum('tornReads')} reads` },
        { name: 'readers read and the writer wrote', ok: sum('consistentReads') > 0 && writes > 0, detail: `${sum('consistentReads')} reads, ${writes} writes` },
        { name: 'the record holds the last write in every word', ok: final.every((w) => w === writes), detail: `words ${final[0]}…${final[RECORD_WORDS - 1]}, writes ${writes}` },
        { name: 'lock word released at the end', ok: state.heap.u32[params.lock >>> 2] === (kind === 'seqlock' ? 2 * writes : 0), detail: `lock word ${state.heap.u32[params.lock >>> 2]}` },
      ];
      if (kind === 'rwmutex') {
        checks.push({ name: 'readers always saw themselves counted and no writer', ok: sum('badLockState') === 0, detail: `${sum('badLockState')} bad states` });
      }
      return checks;
    },
    metrics: ({ results }) => [
      { name: 'reads', value: (results as RecordResult[]).reduce((a, x) => a + x.consistentReads, 0), unit: '' },
      { name: 'retries', value: (results as RecordResult[]).reduce((a, x) => a + x.retries, 0), unit: '' },
    ],
    teardown: ({ heap }) => heap.close(),
  };
}

export const rwMutexReaders = makeScenario('rwmutex');
export const seqLockReaders = makeScenario('seqlock');
export const scenarios = [rwMutexReaders, seqLockReaders];
