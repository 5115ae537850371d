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
  action: 'park' | 'park-nested-attach' | 'event-wait' | 'mutex-lock-hold' | 'mutex-lock-timed' | 'section-hold';
  addr: number;
  /** Int32 word the actor waits on (until non-zero) before releasing what it holds. */
  release: number;
  expected?: number;
  timeoutMs?: number;
  parkArg?: number;
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
