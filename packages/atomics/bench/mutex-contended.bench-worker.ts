import { runBenchWorker } from '@ft/harness';
import {
  criticalSectionBegin,
  criticalSectionEnd,
  mutexLock,
  mutexUnlock,
  rawMutexLock,
  rawMutexUnlock,
  SharedHeap,
  type SharedHeapHandle,
} from '../src/index.js';
import { futexLock, futexUnlock } from './futex-mutex.js';

interface Params {
  heap: SharedHeapHandle;
  kind: 'futex' | 'pymutex' | 'raw' | 'critical-section';
  mutex: number;
  word: number;
  counter: number;
  ops: number;
}

runBenchWorker<Params>(({ params }) => {
  const heap = SharedHeap.attach(params.heap);
  const { mutex, word, ops } = params;
  const u32 = heap.u32;
  const i32 = heap.i32;
  const counter = params.counter >>> 2;
  const start = performance.now();
  // One loop per kind keeps every call site monomorphic.
  // SAFETY: the counter is only touched under the lock being measured.
  switch (params.kind) {
    case 'futex':
      for (let i = 0; i < ops; i++) {
        futexLock(i32, word >>> 2);
        u32[counter]++;
        futexUnlock(i32, word >>> 2);
      }
      break;
    case 'pymutex':
      for (let i = 0; i < ops; i++) {
        mutexLock(heap, mutex);
        u32[counter]++;
        mutexUnlock(heap, mutex);
      }
      break;
    case 'raw':
      for (let i = 0; i < ops; i++) {
        rawMutexLock(heap, word);
        u32[counter]++;
        rawMutexUnlock(heap, word);
      }
      break;
    case 'critical-section':
      for (let i = 0; i < ops; i++) {
        criticalSectionBegin(heap, mutex);
        u32[counter]++;
        criticalSectionEnd(heap);
      }
      break;
  }
  const elapsedMs = performance.now() - start;
  heap.close();
  return { ops, elapsedMs };
});
