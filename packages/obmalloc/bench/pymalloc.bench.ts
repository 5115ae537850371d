/**
 * pymalloc over the shared heap against mimalloc over the same heap, each
 * measured in the same run:
 *
 * - `obmalloc/small-object-churn`: random sizes 16–512 bytes with 10,000 live
 *   blocks on one thread: the 10,000 slots are filled (not timed), then each
 *   step frees the block of a random slot and allocates a block of a random
 *   size into it; ns per step. The sizes and slots are drawn once, before
 *   anything is timed, into typed arrays that every allocator replays from
 *   the start (the same workload for all; the RNG is not measured). Rows:
 *   mimalloc's object heap (`miHeapMalloc(t, MI_HEAP_OBJECT, n)` + `miFree`,
 *   the baseline: what the free-threaded build uses for objects), pymalloc
 *   (`pymallocAlloc` + `pymallocFree`, what the GIL build uses), and "raw",
 *   mimalloc's mem heap (tag 0, `PyMem_RawMalloc`'s backing).
 * - `obmalloc/malloc-free-32`: one 32-byte allocation + free pair on one
 *   thread, pymalloc against mimalloc's object heap. With nothing else live
 *   in the size class, every pymalloc free empties the pool and sends it back
 *   to its arena, and the next allocation takes it out again
 *   (`insert_to_freepool` / `allocate_from_new_pool`, as CPython does); a
 *   third row keeps one other 32-byte block live during the loop, so the
 *   pool stays in the used list and the pair is pymalloc's pure fast path.
 *
 * Every case checks its work and throws otherwise: no allocation returned 0,
 * pymalloc took back every block it was given, the live blocks are 16-byte
 * aligned, large enough (pymalloc's block size) and pairwise disjoint, and at
 * the end every block is freed by the allocator's own statistics
 * (`pymallocStats(pm).blocksInUse === 0`, mimalloc's `miStats` live blocks
 * back to where they were). Loops return a value derived from the addresses.
 *
 * Nothing is created at load time: the heap, the mimalloc thread and the
 * pymalloc state are made on first use.
 */

import { SharedHeap } from '@ft/atomics';
import {
  checkLive,
  makeWorkload,
  newWorkingSet,
  timeLoop,
  WS_MAX_SIZE,
  WS_MIN_SIZE,
  WS_SLOTS,
  WS_STEP_MASK,
  type BenchSample,
  type BenchSuite,
  type Workload,
  type WorkingSet,
} from '@ft/harness';
import { MI_HEAP_MEM, MI_HEAP_OBJECT, miCreate, miFree, miHeapMalloc, miStats, miThreadInit, type MiThread } from '@ft/mimalloc';
import { pymallocAlloc, pymallocBlockSize, pymallocCreate, pymallocFree, pymallocStats, type Pymalloc } from '../src/index.js';

// ---------------------------------------------------------------------------
// The workload: the shared working set of @ft/harness.
// ---------------------------------------------------------------------------

// A local copy: an imported binding costs a TDZ check at each use in a loop.
const STEP_MASK = WS_STEP_MASK;
/** The seed of the workload (fixed, so that runs compare). */
const WS_SEED = 0x0b3a_11c5;
/** Bytes of the shared heap (only touched pages cost memory). */
const HEAP_SIZE = 256 << 20;

let theWorkload: Workload | undefined;
function workload(): Workload {
  return (theWorkload ??= makeWorkload(WS_SEED));
}

// ---------------------------------------------------------------------------
// The main thread's heap, mimalloc thread and pymalloc state, made on first use.
// ---------------------------------------------------------------------------

interface MainState {
  readonly heap: SharedHeap;
  readonly t: MiThread;
  readonly pm: Pymalloc;
}

let main: MainState | undefined;

function mainState(): MainState {
  if (main === undefined) {
    const heap = SharedHeap.create({ size: HEAP_SIZE, threadCapacity: 4 });
    const mi = miCreate(heap);
    if (mi === 0) throw new Error('pymalloc.bench: miCreate returned 0');
    const t = miThreadInit(heap, mi, null);
    const pm = pymallocCreate(heap);
    main = { heap, t, pm };
  }
  return main;
}

/** mimalloc's live blocks (all heaps of the thread; exact: nothing else runs). */
function miLive(): number {
  return miStats(mainState().t).liveBlocks;
}

/** pymalloc's blocks in use. */
function pmLive(): number {
  return pymallocStats(mainState().pm).blocksInUse;
}

// ---------------------------------------------------------------------------
// The loops: one plain function per allocator, so each call site stays
// monomorphic.
// ---------------------------------------------------------------------------

function miFill(t: MiThread, tag: number, ws: WorkingSet): void {
  const fill = ws.work.fillSizes;
  for (let i = 0; i < WS_SLOTS; i++) {
    const p = miHeapMalloc(t, tag, fill[i]);
    if (p === 0) ws.failures++;
    ws.live[i] = p;
    ws.liveSize[i] = fill[i];
  }
}

/** `n` churn steps with mimalloc's heap `tag`; returns a checksum of the new addresses. */
function miSteps(t: MiThread, tag: number, ws: WorkingSet, n: number): number {
  const { live, liveSize } = ws;
  const { sizes, slots } = ws.work;
  let k = ws.cursor;
  let acc = 0;
  let failures = 0;
  for (let i = 0; i < n; i++) {
    const slot = slots[k];
    const size = sizes[k];
    miFree(t, live[slot]);
    const p = miHeapMalloc(t, tag, size);
    if (p === 0) failures++;
    live[slot] = p;
    liveSize[slot] = size;
    acc = (acc + p) | 0;
    k = (k + 1) & STEP_MASK;
  }
  ws.cursor = k;
  ws.failures += failures;
  ws.steps += n;
  return acc;
}

function miDrain(t: MiThread, ws: WorkingSet): void {
  for (let i = 0; i < WS_SLOTS; i++) {
    miFree(t, ws.live[i]);
    ws.live[i] = 0;
  }
}

function pmFill(pm: Pymalloc, ws: WorkingSet): void {
  const fill = ws.work.fillSizes;
  for (let i = 0; i < WS_SLOTS; i++) {
    const p = pymallocAlloc(pm, fill[i]);
    if (p === 0) ws.failures++;
    ws.live[i] = p;
    ws.liveSize[i] = fill[i];
  }
}

/** `n` churn steps with pymalloc; returns a checksum of the new addresses. */
function pmSteps(pm: Pymalloc, ws: WorkingSet, n: number): number {
  const { live, liveSize } = ws;
  const { sizes, slots } = ws.work;
  let k = ws.cursor;
  let acc = 0;
  let failures = 0;
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const slot = slots[k];
    const size = sizes[k];
    if (!pymallocFree(pm, live[slot])) refused++;
    const p = pymallocAlloc(pm, size);
    if (p === 0) failures++;
    live[slot] = p;
    liveSize[slot] = size;
    acc = (acc + p) | 0;
    k = (k + 1) & STEP_MASK;
  }
  ws.cursor = k;
  ws.failures += failures;
  ws.refused += refused;
  ws.steps += n;
  return acc;
}

function pmDrain(pm: Pymalloc, ws: WorkingSet): void {
  for (let i = 0; i < WS_SLOTS; i++) {
    if (!pymallocFree(pm, ws.live[i])) ws.refused++;
    ws.live[i] = 0;
  }
}

// ---------------------------------------------------------------------------
// (a) small-object-churn
// ---------------------------------------------------------------------------

function churnMimalloc(tag: number, label: string): BenchSample {
  const { t } = mainState();
  const before = miLive();
  const ws = newWorkingSet(workload());
  miFill(t, tag, ws);
  const filled = miLive() - before;
  if (filled !== WS_SLOTS) throw new Error(`${label}: ${filled} live blocks after filling ${WS_SLOTS} slots`);
  const sample = timeLoop((n) => miSteps(t, tag, ws, n));
  const live = miLive() - before;
  const problem = checkLive(ws, 16);
  miDrain(t, ws);
  const left = miLive() - before;
  if (ws.failures !== 0 || live !== WS_SLOTS || problem !== null || left !== 0) {
    throw new Error(`${label}: ${ws.failures} failed allocations, ${live} live blocks (want ${WS_SLOTS}), ${problem ?? 'blocks disjoint'}, ${left} left after freeing all`);
  }
  return { nsPerOp: sample.nsPerOp, note: `${sample.note}; ${ws.steps} steps checked` };
}

function churnPymalloc(): BenchSample {
  const { pm } = mainState();
  const before = pmLive();
  if (before !== 0) throw new Error(`pymalloc: ${before} blocks in use before the run`);
  const ws = newWorkingSet(workload());
  pmFill(pm, ws);
  const filled = pmLive();
  if (filled !== WS_SLOTS) throw new Error(`pymalloc: ${filled} blocks in use after filling ${WS_SLOTS} slots`);
  const sample = timeLoop((n) => pmSteps(pm, ws, n));
  const stats = pymallocStats(pm);
  const problem = checkLive(ws, 16, { blockSize: (p) => pymallocBlockSize(pm, p) });
  pmDrain(pm, ws);
  const after = pymallocStats(pm);
  if (ws.failures !== 0 || ws.refused !== 0 || stats.blocksInUse !== WS_SLOTS || problem !== null || after.blocksInUse !== 0) {
    throw new Error(
      `pymalloc: ${ws.failures} failed allocations, ${ws.refused} refused frees, ${stats.blocksInUse} blocks in use (want ${WS_SLOTS}), ` +
        `${problem ?? 'blocks disjoint'}, ${after.blocksInUse} left after freeing all`,
    );
  }
  return {
    nsPerOp: sample.nsPerOp,
    note: `${sample.note}; ${ws.steps} steps checked; ${stats.arenasAllocated} arenas (high water ${stats.arenasHighWater}, ${stats.arenasAllocatedTotal} allocated ever), ${after.arenasAllocated} left after freeing all`,
  };
}

// ---------------------------------------------------------------------------
// (b) malloc-free-32
// ---------------------------------------------------------------------------

function mallocFree32Mimalloc(): BenchSample {
  const { t } = mainState();
  const before = miLive();
  let failures = 0;
  const sample = timeLoop((n) => {
    let acc = 0;
    let failed = 0;
    for (let i = 0; i < n; i++) {
      const p = miHeapMalloc(t, MI_HEAP_OBJECT, 32);
      if (p === 0) failed++;
      acc = (acc + p) | 0;
      miFree(t, p);
    }
    failures += failed;
    return acc;
  });
  const left = miLive() - before;
  if (failures !== 0 || left !== 0) throw new Error(`mimalloc: ${failures} allocations of 32 bytes returned 0, ${left} blocks still live after the pairs`);
  return sample;
}

/** `resident`: keep one other 32-byte block live so the pool never empties. */
function mallocFree32Pymalloc(resident: boolean): BenchSample {
  const { pm } = mainState();
  if (pmLive() !== 0) throw new Error('pymalloc: blocks in use before the run');
  const keep = resident ? pymallocAlloc(pm, 32) : 0;
  if (resident && keep === 0) throw new Error('pymalloc: the resident block could not be allocated');
  let failures = 0;
  let refused = 0;
  const sample = timeLoop((n) => {
    let acc = 0;
    let failed = 0;
    let lost = 0;
    for (let i = 0; i < n; i++) {
      const p = pymallocAlloc(pm, 32);
      if (p === 0) failed++;
      acc = (acc + p) | 0;
      if (!pymallocFree(pm, p)) lost++;
    }
    failures += failed;
    refused += lost;
    return acc;
  });
  const inUse = pmLive();
  if (resident && !pymallocFree(pm, keep)) refused++;
  const left = pmLive();
  if (failures !== 0 || refused !== 0 || inUse !== (resident ? 1 : 0) || left !== 0) {
    throw new Error(`pymalloc: ${failures} allocations of 32 bytes returned 0, ${refused} refused frees, ${inUse} blocks in use after the pairs, ${left} at the end`);
  }
  return sample;
}

// ---------------------------------------------------------------------------

export const suites: BenchSuite[] = [
  {
    name: 'obmalloc/small-object-churn',
    description: `random sizes ${WS_MIN_SIZE}–${WS_MAX_SIZE} B, ${WS_SLOTS} live blocks; per step: free a random slot, allocate a random size into it; one thread. Sizes and slots are precomputed (the RNG is not timed)`,
    target: 'pymalloc within 1.2× of mimalloc single-threaded',
    cases: [
      { name: 'mimalloc object heap (tag 1)', baseline: true, run: () => churnMimalloc(MI_HEAP_OBJECT, 'mimalloc object heap') },
      { name: 'pymalloc', run: () => churnPymalloc() },
      { name: 'raw: mimalloc mem heap (tag 0)', run: () => churnMimalloc(MI_HEAP_MEM, 'mimalloc mem heap') },
    ],
  },
  {
    name: 'obmalloc/malloc-free-32',
    description: 'allocate + free 32 bytes on one thread',
    target: 'pymalloc within 1.2× of mimalloc single-threaded',
    cases: [
      { name: 'mimalloc object heap (tag 1)', baseline: true, run: () => mallocFree32Mimalloc() },
      { name: 'pymalloc (the free empties the pool)', run: () => mallocFree32Pymalloc(false) },
      { name: 'pymalloc, one other block keeps the pool in use', run: () => mallocFree32Pymalloc(true) },
    ],
  },
];
