/**
 * A scripted second thread for unit tests: performs one named action on the
 * shared heap and reports through postMessage. Interleavings are driven by
 * flag words in shared memory (Atomics.wait), never by sleeps.
 */

import { parentPort, workerData } from 'node:worker_threads';
import {
  criticalSectionBegin,
  criticalSectionEnd,
  eventIsSet,
  eventWait,
  mutexLock,
  mutexLockTimed,
  mutexUnlock,
  LOCK_DETACH,
  park,
  parkUnparkValue,
  SharedHeap,
  type SharedHeapHandle,
} from '../../src/index.js';

export interface ActorData {
  heap: SharedHeapHandle;
  action: 'park' | 'park-nested-attach' | 'event-wait' | 'mutex-lock-hold' | 'mutex-lock-timed' | 'section-hold' | 'fill-copy';
  addr: number;
  /** Int32 word the actor waits on (until non-zero) before releasing what it holds. */
  release: number;
  expected?: number;
  timeoutMs?: number;
  parkArg?: number;
  /** 'fill-copy': bytes to fill at `addr` (then copied to `addr + length`). */
  length?: number;
}

const data = (workerData as { data: ActorData }).data;
const heap = SharedHeap.attach(data.heap);
const post = (message: Record<string, unknown>): void => parentPort!.postMessage({ tid: heap.tid, ...message });

function waitForRelease(): void {
  const index = data.release >>> 2;
  while (Atomics.load(heap.i32, index) === 0) Atomics.wait(heap.i32, index, 0, 1000);
}

switch (data.action) {
  case 'park': {
    const status = park(heap, data.addr, data.expected ?? 0, 1, data.timeoutMs ?? -1, data.parkArg ?? 0, false);
    post({ status, unparkValue: parkUnparkValue(heap) });
    break;
  }
  case 'park-nested-attach': {
    // An attach hook that parks again (as re-locking a critical section may)
    // must not clobber the outer park's unpark value.
    heap.setBlockingHooks(
      () => {},
      (h) => {
        park(h, data.release, 0, 4, 0, 0, false);
      },
    );
    const status = park(heap, data.addr, data.expected ?? 0, 1, -1, 0, true);
    post({ status, unparkValue: parkUnparkValue(heap) });
    break;
  }
  case 'event-wait': {
    eventWait(heap, data.addr);
    post({ set: eventIsSet(heap, data.addr) });
    break;
  }
  case 'mutex-lock-hold': {
    mutexLock(heap, data.addr);
    post({ acquired: true, handedOff: parkUnparkValue(heap) });
    waitForRelease();
    mutexUnlock(heap, data.addr);
    post({ released: true });
    break;
  }
  case 'mutex-lock-timed': {
    const started = performance.now();
    const status = mutexLockTimed(heap, data.addr, data.timeoutMs ?? 0, LOCK_DETACH);
    post({ status, waitedMs: performance.now() - started });
    break;
  }
  case 'fill-copy': {
    // This thread's own fill and copy over the same memory; published by
    // the Atomics.store on the release word (the main thread waits on it).
    const length = data.length ?? 0;
    heap.fill(data.addr, 0xa5 + heap.tid, length);
    heap.copy(data.addr + length, data.addr, length);
    Atomics.store(heap.i32, data.release >>> 2, heap.tid);
    Atomics.notify(heap.i32, data.release >>> 2);
    post({ done: true });
    break;
  }
  case 'section-hold': {
    criticalSectionBegin(heap, data.addr);
    post({ acquired: true });
    waitForRelease();
    criticalSectionEnd(heap);
    post({ released: true });
    break;
  }
}
heap.close();
