/**
 * QSBR hot paths against the baselines named in the issue, each measured in
 * the same run, all on the calling thread:
 *
 * - `qsbr/quiescent-state`: `qsbrQuiescentState` on an attached thread against
 *   one `Atomics.load` + one `Atomics.store` on heap words, with the write
 *   sequence unchanged between calls (the common case: the store is skipped)
 *   and advanced before every call (the advance is inside the timed loop and
 *   nothing is subtracted; its baseline-equivalent row does the same advance).
 * - `qsbr/delayed-free`: one `freeDelayed` plus its share of the processing
 *   against calling the same free callback at once. Every measured call drains
 *   its queue before it returns and checks that the callback ran once per item
 *   queued (and the shared queued/freed counters agree); a run that loses
 *   items throws.
 * - `qsbr/poll`: `qsbrPoll` with a goal the scan can never reach, i.e. the
 *   full scan of the slot table, with 2, 16 and 64 registered threads (half
 *   online), against 2 threads; plus the fast path where the cached read
 *   sequence already answers.
 *
 * One heap and one QSBR state serve the whole file. The slot table only grows
 * (slots are never moved or freed, as in CPython), and a scan reads every slot
 * of it, registered or not, so the poll cases run in the order 2 → 16 → 64 and
 * report the slot count they scanned; `qsbr/delayed-free` runs before
 * `qsbr/poll` so that its processing scans the 8-slot table whether or not the
 * poll suite is selected.
 *
 * Target: quiescentState ≤ 1.5× the baseline.
 */

import { regionAlloc, SharedHeap } from '@ft/atomics';
import { timeLoop, type BenchSample, type BenchSuite } from '@ft/harness';
import {
  FreeCallbackRegistry,
  freeDelayed,
  pendingDelayed,
  processDelayed,
  QSBR_INCR,
  qsbrAdvance,
  qsbrAttach,
  qsbrCreate,
  qsbrPoll,
  qsbrQuiescentState,
  qsbrRegister,
  qsbrStats,
  qsbrUnregister,
  type QsbrThread,
} from '../src/index.js';

const heap = SharedHeap.create({ size: 64 << 20 });
const qsbr = qsbrCreate(heap);
if (qsbr === 0) throw new Error('qsbr.bench: qsbrCreate returned 0 (out of shared memory)');

// ---------------------------------------------------------------------------
// The delayed-free callback: trivial, but with effects the JIT must keep (a
// store into the block and a count), so neither the direct call nor the
// queued one can be optimised away.
// ---------------------------------------------------------------------------

/** Blocks freed by {@link freeBlock} so far (this thread only). */
let freedBlocks = 0;

function freeBlock(h: SharedHeap, address: number): void {
  h.u32[address >>> 2] = 0xdd;
  freedBlocks++;
}

const registry = new FreeCallbackRegistry();
const FREE_BLOCK = registry.register('bench-free-block', freeBlock);

/**
 * A pool of distinct 16-byte blocks handed to the frees in turn. It is far
 * larger than the most items the queue ever holds (one 340-item chunk plus
 * the items since the last reached goal), so no block is queued again while
 * still pending.
 */
const POOL_BLOCKS = 4096;
const POOL_MASK = POOL_BLOCKS - 1;
const BLOCK_SHIFT = 4; // 16-byte blocks
const pool = regionAlloc(heap, POOL_BLOCKS << BLOCK_SHIFT);

/**
 * Two scratch words on separate 64-byte lines for the baselines, standing in
 * for the shared write sequence and the thread's published sequence.
 */
const scratch = regionAlloc(heap, 4096);
const SRC_INDEX = scratch >>> 2;
const DST_INDEX = (scratch + 64) >>> 2;
if (pool === 0 || scratch === 0) throw new Error('qsbr.bench: out of shared memory');

/** This thread's registration; attached for the whole file. */
const t: QsbrThread = qsbrRegister(heap, qsbr, registry);
qsbrAttach(t);

/**
 * ns/op of the "advance + load + store" row of this run, so that the row it
 * stands for can print its own ratio to it (the table's ratio is to the suite
 * baseline, load + store, which does no advance).
 */
let advanceLoadStoreNs: number | undefined;

/** The delayed-free loop reports a quiescent state every QS_EVERY items (a power of two), so that goals get reached. */
const QS_EVERY = 64;

// ---------------------------------------------------------------------------
// qsbr/poll setup: extra "threads" are extra heap views (each its own tid) in
// this JS thread, registered with the same registry.
// ---------------------------------------------------------------------------

interface PollSetup {
  readonly extras: { readonly heap: SharedHeap; readonly thread: QsbrThread }[];
  readonly label: string;
}

/**
 * Registers `threads - 1` more threads next to `t`, so that `threads` are
 * registered and `threads / 2` online (`t` and the first extras). `t` is the
 * online thread kept behind: the write sequence is advanced after it last
 * reported, and it reports nothing while the case runs. The other online
 * threads are current.
 */
function setupPoll(threads: number): PollSetup {
  const extras: { heap: SharedHeap; thread: QsbrThread }[] = [];
  for (let i = 1; i < threads; i++) {
    const h = SharedHeap.attach(heap.handle());
    extras.push({ heap: h, thread: qsbrRegister(h, qsbr, registry) });
  }
  qsbrQuiescentState(t);
  qsbrAdvance(t); // t is now one step behind, and stays there
  const online = threads / 2;
  for (let i = 0; i < online - 1; i++) qsbrAttach(extras[i].thread);
  const stats = qsbrStats(heap, qsbr);
  if (stats.threads !== threads || stats.online !== online) {
    throw new Error(`poll setup: ${stats.threads} registered / ${stats.online} online, wanted ${threads} / ${online}`);
  }
  return { extras, label: `${stats.threads} registered, ${stats.online} online, scans ${stats.slotCapacity} slots` };
}

function teardownPoll(setup: PollSetup): void {
  for (const { heap: h, thread } of setup.extras) {
    qsbrUnregister(thread); // detaches first when online
    h.close();
  }
  qsbrQuiescentState(t);
}

/** Full-scan cost: a goal one step past the write sequence, which no scan can reach while nobody advances. */
function pollScanCase(threads: number, quick: boolean): BenchSample {
  const setup = setupPoll(threads);
  try {
    const goal = (qsbrStats(heap, qsbr).wrSeq + QSBR_INCR) >>> 0;
    let reachedTotal = 0;
    const sample = timeLoop(
      (n) => {
        let reached = 0;
        for (let i = 0; i < n; i++) {
          if (qsbrPoll(t, goal)) reached++;
        }
        reachedTotal += reached;
        return reached;
      },
      { quick },
    );
    if (reachedTotal !== 0) throw new Error(`poll reported an unreachable goal as reached ${reachedTotal} times: the scan was not measured`);
    return { nsPerOp: sample.nsPerOp, note: `${setup.label}; ${sample.note}` };
  } finally {
    teardownPoll(setup);
  }
}

// ---------------------------------------------------------------------------

export const suites: BenchSuite[] = [
  {
    name: 'qsbr/quiescent-state',
    description: 'qsbrQuiescentState(t) on an attached thread vs one Atomics.load + one Atomics.store',
    target: 'quiescentState ≤ 1.5× the baseline',
    cases: [
      {
        name: 'Atomics.load + Atomics.store (baseline)',
        baseline: true,
        run: ({ quick }) =>
          timeLoop(
            (n) => {
              const u32 = heap.u32;
              let acc = 0;
              for (let i = 0; i < n; i++) {
                const v = Atomics.load(u32, SRC_INDEX);
                Atomics.store(u32, DST_INDEX, v);
                acc = (acc + v) | 0;
              }
              return acc;
            },
            { quick },
          ),
      },
      {
        name: 'quiescentState, write sequence unchanged (store skipped)',
        run: ({ quick }) => {
          qsbrQuiescentState(t);
          const seq = t.publishedSeq;
          const sample = timeLoop(
            (n) => {
              let acc = 0;
              for (let i = 0; i < n; i++) {
                qsbrQuiescentState(t);
                acc = (acc + t.publishedSeq) | 0;
              }
              return acc;
            },
            { quick },
          );
          if (t.publishedSeq !== seq) throw new Error('the write sequence moved during the unchanged-sequence case');
          return sample;
        },
      },
      {
        name: 'Atomics.add + Atomics.load + Atomics.store (baseline-equivalent of the next row)',
        run: ({ quick }) => {
          const sample = timeLoop(
            (n) => {
              const u32 = heap.u32;
              let acc = 0;
              for (let i = 0; i < n; i++) {
                Atomics.add(u32, SRC_INDEX, QSBR_INCR);
                const v = Atomics.load(u32, SRC_INDEX);
                Atomics.store(u32, DST_INDEX, v);
                acc = (acc + v) | 0;
              }
              return acc;
            },
            { quick },
          );
          advanceLoadStoreNs = sample.nsPerOp;
          return sample;
        },
      },
      {
        name: 'quiescentState after an advance each time, includes the advance',
        run: ({ quick }) => {
          const sample = timeLoop(
            (n) => {
              let acc = 0;
              for (let i = 0; i < n; i++) {
                qsbrAdvance(t);
                qsbrQuiescentState(t);
                acc = (acc + t.publishedSeq) | 0;
              }
              return acc;
            },
            { quick },
          );
          if (t.publishedSeq !== qsbrStats(heap, qsbr).wrSeq) throw new Error('quiescentState did not publish the advanced write sequence');
          const vsEquivalent = advanceLoadStoreNs === undefined ? '' : `${(sample.nsPerOp / advanceLoadStoreNs).toFixed(2)}× advance + load + store; `;
          return { nsPerOp: sample.nsPerOp, note: `${vsEquivalent}${sample.note}` };
        },
      },
    ],
  },
  {
    name: 'qsbr/delayed-free',
    description: `per item: freeDelayed + its share of processing (automatic when a 340-item chunk fills; qsbrQuiescentState every ${QS_EVERY} items; every item freed before the timed call returns) vs calling the free callback at once`,
    cases: [
      {
        name: 'immediate free: the same callback called directly (baseline)',
        baseline: true,
        run: ({ quick }) => {
          const before = freedBlocks;
          let items = 0;
          const sample = timeLoop(
            (n) => {
              const start = freedBlocks;
              for (let i = 0; i < n; i++) freeBlock(heap, pool + ((i & POOL_MASK) << BLOCK_SHIFT));
              items += n;
              return freedBlocks - start;
            },
            { quick },
          );
          if (freedBlocks - before !== items) throw new Error(`immediate free: ${freedBlocks - before} frees for ${items} items`);
          return sample;
        },
      },
      {
        name: `freeDelayed + processing (qsbrQuiescentState every ${QS_EVERY} items, included)`,
        run: ({ quick }) => {
          const statsBefore = qsbrStats(heap, qsbr);
          const freedBefore = freedBlocks;
          let items = 0;
          const sample = timeLoop(
            (n) => {
              const start = freedBlocks;
              for (let i = 0; i < n; i++) {
                freeDelayed(t, pool + ((i & POOL_MASK) << BLOCK_SHIFT), FREE_BLOCK);
                if ((i & (QS_EVERY - 1)) === QS_EVERY - 1) qsbrQuiescentState(t);
              }
              // Make the newest goals reachable and free what is left, inside
              // the timed call: every item queued here is freed here.
              qsbrAdvance(t);
              qsbrQuiescentState(t);
              processDelayed(t);
              const freed = freedBlocks - start;
              if (freed !== n || pendingDelayed(t) !== 0) {
                throw new Error(`delayed free lost items: ${n} queued, ${freed} freed, ${pendingDelayed(t)} still pending`);
              }
              items += n;
              return freed;
            },
            { quick },
          );
          const statsAfter = qsbrStats(heap, qsbr);
          const queued = (statsAfter.queuedItems - statsBefore.queuedItems) >>> 0;
          const freedShared = (statsAfter.freedItems - statsBefore.freedItems) >>> 0;
          const freed = freedBlocks - freedBefore;
          if (freed !== items || queued !== items || freedShared !== items) {
            throw new Error(`delayed free: ${items} items queued by the loop, ${queued} counted queued, ${freedShared} counted freed, ${freed} callbacks run`);
          }
          return { nsPerOp: sample.nsPerOp, note: `${sample.note}; ${items} items, all freed; scans ${statsAfter.slotCapacity} slots` };
        },
      },
    ],
  },
  {
    name: 'qsbr/poll',
    description: 'qsbrPoll(t, goal) with goal = write sequence + 2, never reachable: the full scan every call; half the threads online, one of them behind',
    cases: [
      { name: 'poll scan, 2 threads (baseline)', baseline: true, run: ({ quick }) => pollScanCase(2, quick) },
      { name: 'poll scan, 16 threads', run: ({ quick }) => pollScanCase(16, quick) },
      { name: 'poll scan, 64 threads', run: ({ quick }) => pollScanCase(64, quick) },
      {
        name: 'poll, goal already reached (fast path), 2 threads',
        run: ({ quick }) => {
          const setup = setupPoll(2);
          try {
            // One scan moves the read sequence up to t's published sequence; that is a reached goal.
            qsbrPoll(t, (qsbrStats(heap, qsbr).wrSeq + QSBR_INCR) >>> 0);
            const goal = qsbrStats(heap, qsbr).rdSeq;
            let calls = 0;
            let reachedTotal = 0;
            const sample = timeLoop(
              (n) => {
                let reached = 0;
                for (let i = 0; i < n; i++) {
                  if (qsbrPoll(t, goal)) reached++;
                }
                calls += n;
                reachedTotal += reached;
                return reached;
              },
              { quick },
            );
            if (reachedTotal !== calls) throw new Error(`fast path: ${calls - reachedTotal} of ${calls} polls missed a reached goal`);
            return { nsPerOp: sample.nsPerOp, note: `${setup.label}; ${sample.note}` };
          } finally {
            teardownPoll(setup);
          }
        },
      },
    ],
  },
];
