/**
 * Per-interpreter allocator states created and ended by some workers while
 * others allocate: the runtime's list of interpreters (a linked list under a
 * PyMutex in the runtime record) is changed by `obmallocStateCreate` and
 * `obmallocStateEnd` and scanned by every debug-mode free that leaves the
 * interpreter's own pymalloc, all at once.
 *
 * The main thread creates the heap, the interpreter's mimalloc state, a GIL
 * runtime (`obmallocRuntimeCreate(heap, { mode: 'gil' })`) and the main
 * interpreter's state (id 0). Workers alternate two roles:
 *
 * - 'allocator': creates one interpreter with its own state (id 1000 + index)
 *   in the worker itself, takes `pymalloc_debug` domains with it, and then
 *   replaces random slots with object blocks of 1..1500 bytes (about a third
 *   go to raw, whose debug-mode free scans the runtime's list), each carrying
 *   a byte pattern checked at its free. Every 64 operations it checks that
 *   `interpreterAllocatedBlocks` equals its live blocks exactly, that one of
 *   its blocks has no foreign owner, and that the block a creator published
 *   (see below) is owned by the interpreter published with it or, if that
 *   one has ended meanwhile, by nobody. At the end it frees everything and
 *   ends its interpreter, which must report no leak.
 * - 'creator': over and over, creates an interpreter with its own state
 *   (unique id), allocates a few blocks (some raw), publishes one pymalloc
 *   block with the interpreter id, checks the count, frees all but 0..3
 *   blocks, withdraws the publication, ends the interpreter and checks that
 *   the report's leak count is exactly what it kept (the raw blocks it kept
 *   are then freed through mimalloc; the pymalloc ones went with the arenas).
 *
 * Every misuse the debug hooks catch is a fatal error that kills the worker,
 * so a list scan that read a state being destroyed, or a lost list entry,
 * shows up as a crashed run or a failed check.
 *
 * Exact checks after the join: no pattern broken, no count wrong, no
 * foreign-owner answer wrong, every interpreter's end report as expected;
 * the runtime's list holds only the main interpreter; its leak total equals
 * the sum of the leaks the creators kept; the main state was never touched.
 *
 * Control ('wrong-owner'): each creator keeps its first interpreter and its
 * published block alive until the run stops, and each allocator, once, frees
 * that block with its own domains: the debug hooks must stop that worker with
 * the cross-interpreter fatal error.
 */

import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { miCreate, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import {
  obmallocInterpreters,
  obmallocRuntimeCreate,
  obmallocRuntimeLeaks,
  obmallocStateAttach,
  obmallocStateCreate,
  pymallocStats,
  type ObmallocState,
} from '../../src/index.js';

export interface InterpreterStatesParams {
  heap: SharedHeapHandle;
  mi: number;
  runtime: number;
  /** Published block: [sequence, interpreter id, address] per creator, in an Int32Array of its own. */
  published: Int32Array;
  /** Live blocks at most per allocator. */
  slots: number;
  /** Blocks a creator's interpreter allocates. */
  creatorBlocks: number;
  /** 'normal' or 'wrong-owner' (the control). */
  mode: 'normal' | 'wrong-owner';
}

export interface InterpreterStatesResult {
  role: string;
  ops: number;
  allocs: number;
  frees: number;
  corruptions: number;
  badCounts: number;
  badOwners: number;
  /** Lookups of a creator's published block that found its interpreter alive. */
  ownersFound: number;
  interpretersCreated: number;
  interpretersEnded: number;
  badReports: number;
  /** Blocks creators kept when their interpreters ended. */
  leaksKept: number;
  problems: string[];
}

interface State {
  heap: SharedHeap;
  t: MiThread;
  main: ObmallocState;
}

/** Words per creator in `published`. */
export const PUBLISHED_STRIDE = 4;

const sum = (results: readonly InterpreterStatesResult[], key: keyof InterpreterStatesResult): number => results.reduce((a, r) => a + (r[key] as number), 0);

export const interpreterStates: StressScenario<InterpreterStatesParams, State> = {
  name: 'obmalloc/interpreter-states',
  description: 'creators create and end interpreters with their own pymalloc state while allocators free through the debug hooks, which scan the runtime list',
  worker: new URL('./interpreter-states.worker.ts', import.meta.url),
  defaultWorkers: 4,
  roles: (workers) => Array.from({ length: workers }, (_, i) => (i % 2 === 0 ? 'creator' : 'allocator')),
  opsPerWorker: 20_000,
  setup({ workers }) {
    const heap = SharedHeap.create({ size: 256 << 20, threadCapacity: 8 });
    const mi = miCreate(heap);
    if (mi === 0) throw new Error('obmalloc/interpreter-states: no room for the mimalloc state');
    const t = miThreadInit(heap, mi, null);
    const runtime = obmallocRuntimeCreate(heap, { mode: 'gil' });
    const main = obmallocStateAttach(heap, obmallocStateCreate(heap, runtime, { id: 0, mi }), t);
    const published = new Int32Array(new SharedArrayBuffer(4 * PUBLISHED_STRIDE * workers));
    const params: InterpreterStatesParams = { heap: heap.handle(), mi, runtime, published, slots: 256, creatorBlocks: 12, mode: 'normal' };
    return { params, state: { heap, t, main } };
  },
  check(ctx: CheckContext<InterpreterStatesParams, State>): StressCheck[] {
    const r = ctx.results as InterpreterStatesResult[];
    const { main } = ctx.state;
    const problems = r.flatMap((x, w) => x.problems.map((p) => `worker ${w}: ${p}`)).slice(0, 6);
    const problemText = problems.length > 0 ? `; ${problems.join('; ')}` : '';
    const living = obmallocInterpreters(main);
    const leaks = obmallocRuntimeLeaks(main);
    const mainStats = pymallocStats(main.pymalloc);
    const creators = r.filter((x) => x.role === 'creator');
    return [
      { name: 'no block pattern broken', ok: sum(r, 'corruptions') === 0, detail: `${sum(r, 'corruptions')} broken of ${sum(r, 'frees')} frees${problemText}` },
      { name: 'allocations = frees (blocks kept by ended interpreters excepted)', ok: sum(r, 'allocs') === sum(r, 'frees') + sum(r, 'leaksKept') && sum(r, 'allocs') > 0, detail: `${sum(r, 'allocs')} allocations, ${sum(r, 'frees')} frees, ${sum(r, 'leaksKept')} kept` },
      { name: 'interpreterAllocatedBlocks exact at every check', ok: sum(r, 'badCounts') === 0, detail: `${sum(r, 'badCounts')} wrong${problemText}` },
      { name: 'foreign-owner lookups never name a wrong interpreter', ok: sum(r, 'badOwners') === 0, detail: `${sum(r, 'badOwners')} wrong, ${sum(r, 'ownersFound')} published blocks found with their owner${problemText}` },
      { name: 'every interpreter created was ended, with the leak count it should report', ok: sum(r, 'interpretersCreated') === sum(r, 'interpretersEnded') && sum(r, 'badReports') === 0 && creators.every((c) => c.interpretersCreated > 0), detail: `${sum(r, 'interpretersCreated')} created, ${sum(r, 'interpretersEnded')} ended, ${sum(r, 'badReports')} wrong reports` },
      { name: "the runtime's list holds the main interpreter only", ok: living.length === 1 && living[0].id === 0, detail: `ids ${living.map((i) => i.id).join(', ')}` },
      { name: "the runtime's leak total is the sum of the blocks kept", ok: leaks === sum(r, 'leaksKept'), detail: `${leaks} in the runtime, ${sum(r, 'leaksKept')} kept by creators` },
      { name: "the main interpreter's state was never used", ok: mainStats.arenasAllocatedTotal === 0, detail: `${mainStats.arenasAllocatedTotal} arenas ever` },
    ];
  },
  metrics: ({ results, elapsedMs }) => {
    const r = results as InterpreterStatesResult[];
    return [
      { name: 'interpreters created', value: sum(r, 'interpretersCreated'), unit: '' },
      { name: 'interpreter rate', value: (sum(r, 'interpretersCreated') * 1000) / elapsedMs, unit: '/s' },
      { name: 'allocations', value: sum(r, 'allocs'), unit: '' },
      { name: 'owners found', value: sum(r, 'ownersFound'), unit: '' },
      { name: 'leaks kept', value: sum(r, 'leaksKept'), unit: '' },
    ];
  },
  teardown: ({ heap, t }) => {
    miThreadExit(t);
    heap.close();
  },
};

export const scenarios = [interpreterStates];
