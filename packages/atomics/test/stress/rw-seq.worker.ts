import { runStressWorker } from '@ft/harness';
import {
  rwMutexIsWriteLocked,
  rwMutexLock,
  rwMutexReaderCount,
  rwMutexRLock,
  rwMutexRUnlock,
  rwMutexUnlock,
  seqLockBeginRead,
  seqLockEndRead,
  seqLockLockWrite,
  seqLockUnlockWrite,
  SharedHeap,
} from '../../src/index.js';
import { RECORD_WORDS, type RecordParams, type RecordResult } from './rw-seq.scenario.js';

runStressWorker<RecordParams>((ctx) => {
  const heap = SharedHeap.attach(ctx.params.heap);
  const { lock, kind, guarded } = ctx.params;
  const u32 = heap.u32;
  const base = ctx.params.record >>> 2;
  const result: RecordResult = { role: ctx.role, ops: 0, writes: 0, consistentReads: 0, tornReads: 0, retries: 0, badLockState: 0 };
  const writer = ctx.role === 'writer';
  const rw = kind === 'rwmutex';

  // SAFETY: the record is written only under the write lock; reads are plain
  // on purpose, it is the lock's job to make them consistent.
  const readRecordIsTorn = (): boolean => {
    const first = u32[base];
    for (let i = 1; i < RECORD_WORDS; i++) if (u32[base + i] !== first) return true;
    return false;
  };

  while (!ctx.shouldStop(result.ops)) {
    if (writer) {
      if (rw) rwMutexLock(heap, lock);
      else seqLockLockWrite(heap, lock);
      const next = result.writes + 1;
      for (let i = 0; i < RECORD_WORDS; i++) u32[base + i] = next;
      result.writes = next;
      if (rw) rwMutexUnlock(heap, lock);
      else seqLockUnlockWrite(heap, lock);
    } else if (rw) {
      rwMutexRLock(heap, lock);
      if (rwMutexIsWriteLocked(heap, lock) || rwMutexReaderCount(heap, lock) < 1) result.badLockState++;
      if (readRecordIsTorn()) result.tornReads++;
      else result.consistentReads++;
      rwMutexRUnlock(heap, lock);
    } else {
      for (;;) {
        const sequence = guarded ? seqLockBeginRead(heap, lock) : 0;
        const torn = readRecordIsTorn();
        if (guarded && !seqLockEndRead(heap, lock, sequence)) {
          result.retries++;
          continue;
        }
        if (torn) result.tornReads++;
        else result.consistentReads++;
        break;
      }
    }
    result.ops++;
    if ((result.ops & 255) === 0) ctx.progress(result.ops);
  }
  ctx.progress(result.ops);
  heap.close();
  return result;
});
