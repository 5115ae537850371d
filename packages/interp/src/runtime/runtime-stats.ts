/**
 * What the runtime holds, layer by layer, in one snapshot: thread states
 * registered with each layer, the region allocator's records, mimalloc's
 * segments and live blocks, QSBR's queues. `ft --stats` prints it; the
 * tests use it to check that threads leave nothing behind (a thread's
 * state, heaps, QSBR slot and records all go back when it ends).
 *
 * Exact when the other threads are idle or joined; racy (but harmless)
 * while they run, as each layer's own statistics are.
 */

import { regionStats } from '@ft/atomics';
import { miStats } from '@ft/mimalloc';
import { qsbrStats } from '@ft/qsbr';
import { registeredThreads } from '@ft/refcount';
import type { Runtime } from './runtime.js';

/** A snapshot of the runtime's memory and threads. @public */
export interface RuntimeStats {
  /** Thread states registered with reference counting (the main thread's included). */
  readonly threadStates: number;
  /** Threads with a QSBR slot. */
  readonly qsbrThreads: number;
  /** Threads with mimalloc heaps. */
  readonly miThreads: number;
  /** Bytes of the shared heap's region allocator in use (interpreter, thread and layer records). */
  readonly regionBytesInUse: number;
  /** Regions in use. */
  readonly regionsInUse: number;
  /** mimalloc segments alive (4 MiB each). */
  readonly segments: number;
  /** Huge segments alive (one block each, larger than 4 MiB). */
  readonly hugeSegments: number;
  /** Of the segments, abandoned by threads that ended and not reclaimed yet. */
  readonly abandonedSegments: number;
  /** Blocks allocated and not freed, in every heap. */
  readonly liveBlocks: number;
  /** Their bytes. */
  readonly liveBytes: number;
  /** Blocks queued for a delayed free (QSBR) and not freed yet. */
  readonly delayedFreesPending: number;
}

/**
 * The runtime's statistics (`sys._debugmallocstats`-like; what `--stats`
 * prints), read from the calling (main) thread.
 * @public
 */
export function runtimeStats(rt: Runtime): RuntimeStats {
  const objects = rt.objects;
  const heap = objects.heap;
  const region = regionStats(heap);
  const mi = miStats(objects.rc.mi!);
  const qsbr = qsbrStats(heap, objects.handle.qsbr);
  return {
    threadStates: registeredThreads(objects.rc),
    qsbrThreads: qsbr.threads,
    miThreads: mi.threads,
    regionBytesInUse: region.bytesInUse,
    regionsInUse: region.regionsInUse,
    segments: mi.segments,
    hugeSegments: mi.hugeSegments,
    abandonedSegments: mi.abandonedSegments,
    liveBlocks: mi.liveBlocks,
    liveBytes: mi.liveBytes,
    delayedFreesPending: qsbr.queuedItems - qsbr.freedItems,
  };
}
