/**
 * What the debug hooks cost (`FT_MALLOC=mimalloc_debug`, `pymalloc_debug`;
 * CPython's `PYTHONMALLOC=…_debug`), measured in the same run as the plain
 * allocators they wrap:
 *
 * - `obmalloc/debug-hooks-overhead`: the churn of pymalloc.bench.ts (random
 *   sizes 16–512 bytes, 10,000 live blocks, one thread; per step free the
 *   block of a random slot and allocate a random size into it; sizes and
 *   slots drawn once, before anything is timed, from the same fixed seed)
 *   through the public entry points `pyMemMalloc` + `pyMemFree` of allocator
 *   domains made by `createAllocatorDomains`. Rows: 'mimalloc' (the
 *   baseline: the free-threaded build's mem domain, mimalloc's mem heap),
 *   'mimalloc_debug' (the same wrapped by the debug hooks), and GIL mode's
 *   'pymalloc' and 'pymalloc_debug' (`mode: 'gil'` with a pymalloc state).
 *   Each debug row's note gives its ratio to its own plain row of the same
 *   run, which is what the target is about. Under the hooks every request
 *   grows by 3·S = 24 bytes, so pymalloc_debug sends the requests above 488
 *   bytes to the raw heap (as CPython's debug build does above 512 - 24).
 *
 * Each case runs in a fresh worker of its own: the domain entry points
 * (`pyMemMalloc` → `checkedMalloc` → `allocator.malloc`) are shared code,
 * so running the four configurations one after another on one thread would
 * make those call sites polymorphic for the later cases only and skew the
 * ratios; a process uses one configuration, so each is measured alone, with
 * its own JIT state. The heap, the mimalloc state (unchecked, as a release
 * build runs) and the pymalloc state are made once, on first use, on the
 * main thread; each worker makes its own `MiThread` and domains, fills the
 * working set (not timed), times the steps with `timeLoop` (calibration
 * runs first, as warm-up), checks its live blocks (non-zero, 16-byte
 * aligned, pairwise disjoint including the debug frames around them), frees
 * them all and checks by the allocators' own statistics that nothing is
 * left (mimalloc live blocks, pymalloc blocks in use) before `miThreadExit`;
 * the main thread checks both again after the worker is gone. Any failure
 * throws.
 */

import { SharedHeap, type SharedHeapHandle } from '@ft/atomics';
import { runBenchWorkers, WS_MAX_SIZE, WS_MIN_SIZE, WS_SLOTS, type BenchSample, type BenchSuite } from '@ft/harness';
import { miCreate, miStats, miThreadInit, type MiThread } from '@ft/mimalloc';
import { DEBUG_S, pymallocCreate, pymallocStats, type Pymalloc } from '../src/index.js';

// ---------------------------------------------------------------------------
// The workload: @ft/harness's working set, as pymalloc.bench.ts's churn (same seed).
// ---------------------------------------------------------------------------

/** The seed of the workload (pymalloc.bench.ts's, so that the figures compare). */
export const WS_SEED = 0x0b3a_11c5;
/** Bytes of the shared heap (only touched pages cost memory). */
const HEAP_SIZE = 256 << 20;

// ---------------------------------------------------------------------------
// What a case's worker is given and reports back.
// ---------------------------------------------------------------------------

/** The four configurations measured. */
export type HooksConfig = 'mimalloc' | 'mimalloc_debug' | 'pymalloc' | 'pymalloc_debug';

/** Parameters of debug-hooks.bench-worker.ts. */
export interface DebugHooksParams {
  heap: SharedHeapHandle;
  /** The interpreter's mimalloc state. */
  mi: number;
  /** The GIL-mode pymalloc state (used by the pymalloc rows). */
  pymalloc: number;
  config: HooksConfig;
  /** Results, written by the worker (indexes below). */
  out: Float64Array;
  /** timeLoop's note (UTF-8, NUL-padded), written by the worker. */
  note: Uint8Array;
}

/** Indexes of `DebugHooksParams.out`. */
export const OUT_NS_PER_OP = 0;
export const OUT_STEPS = 1;
export const OUT_FAILURES = 2;
/** Live blocks by the allocators' statistics after the timed steps (want WS_SLOTS). */
export const OUT_LIVE_AFTER_STEPS = 3;
/** 1 when the live blocks were non-zero, aligned and disjoint. */
export const OUT_LIVE_OK = 4;
/** Live mimalloc blocks / pymalloc blocks in use after freeing everything (want 0). */
export const OUT_MI_LEFT = 5;
export const OUT_PM_LEFT = 6;
/** Of the live blocks after the steps, those the raw heap holds (pymalloc rows: requests pymalloc passed on). */
export const OUT_RAW_LIVE = 7;
export const OUT_DONE = 8;
export const OUT_WORDS = 16;
/** Bytes of `DebugHooksParams.note`. */
export const NOTE_BYTES = 256;
/** Debug frame bytes around a block (size field + API id + leading guard; trailing guard). */
export const DEBUG_FRAME_BEFORE = 2 * DEBUG_S;
export const DEBUG_FRAME_AFTER = DEBUG_S;

// ---------------------------------------------------------------------------
// The main thread's heap, mimalloc thread and pymalloc state, made on first use.
// ---------------------------------------------------------------------------

interface MainState {
  readonly heap: SharedHeap;
  readonly mi: number;
  readonly t: MiThread;
  readonly pm: Pymalloc;
}

let main: MainState | undefined;

function mainState(): MainState {
  if (main === undefined) {
    const heap = SharedHeap.create({ size: HEAP_SIZE, threadCapacity: 4 });
    const mi = miCreate(heap);
    if (mi === 0) throw new Error('debug-hooks.bench: miCreate returned 0');
    const t = miThreadInit(heap, mi, null);
    const pm = pymallocCreate(heap);
    main = { heap, mi, t, pm };
  }
  return main;
}

const worker = new URL('./debug-hooks.bench-worker.ts', import.meta.url);

/** Figures of the plain rows, for the debug rows' notes (same run). */
const plainNs = new Map<HooksConfig, number>();

async function measure(config: HooksConfig): Promise<BenchSample> {
  const { heap, mi, t, pm } = mainState();
  const out = new Float64Array(new SharedArrayBuffer(8 * OUT_WORDS));
  const note = new Uint8Array(new SharedArrayBuffer(NOTE_BYTES));
  const params: DebugHooksParams = { heap: heap.handle(), mi, pymalloc: pm.state, config, out, note };
  await runBenchWorkers(worker, 1, params);
  // The worker is gone (miThreadExit, heap closed): these views are exact.
  const miLeft = miStats(t).liveBlocks;
  const pmLeft = pymallocStats(pm).blocksInUse;
  const problems: string[] = [];
  if (out[OUT_DONE] !== 1) problems.push('the worker did not finish');
  if (out[OUT_FAILURES] !== 0) problems.push(`${out[OUT_FAILURES]} allocations returned 0`);
  if (out[OUT_LIVE_AFTER_STEPS] !== WS_SLOTS) problems.push(`${out[OUT_LIVE_AFTER_STEPS]} live blocks after the steps (want ${WS_SLOTS})`);
  if (out[OUT_LIVE_OK] !== 1) problems.push('live blocks null, misaligned or overlapping');
  if (out[OUT_MI_LEFT] !== 0 || out[OUT_PM_LEFT] !== 0) problems.push(`after freeing all, the worker saw ${out[OUT_MI_LEFT]} mimalloc blocks and ${out[OUT_PM_LEFT]} pymalloc blocks`);
  if (miLeft !== 0 || pmLeft !== 0) problems.push(`after the worker exited, ${miLeft} mimalloc blocks and ${pmLeft} pymalloc blocks are live`);
  if (problems.length > 0) throw new Error(`${config}: ${problems.join('; ')}`);
  const nsPerOp = out[OUT_NS_PER_OP];
  const timing = new TextDecoder().decode(note.slice()).replace(/\0+$/, '');
  const parts = [timing, `${formatCount(out[OUT_STEPS])} steps checked, all freed`];
  if (config.startsWith('pymalloc')) parts.push(`${((100 * out[OUT_RAW_LIVE]) / WS_SLOTS).toFixed(1)}% of live blocks from raw`);
  const base = config.replace(/_debug$/, '') as HooksConfig;
  if (base === config) {
    plainNs.set(config, nsPerOp);
  } else {
    // The plain row of this run, or (when a filter left it out) measured now.
    const plain = plainNs.get(base) ?? (await measure(base)).nsPerOp;
    parts.unshift(`${(nsPerOp / plain).toFixed(2)}× plain ${base} (${plain.toFixed(1)} ns)`);
  }
  return { nsPerOp, note: parts.join('; ') };
}

function formatCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toPrecision(3)}M` : n >= 1e3 ? `${(n / 1e3).toPrecision(3)}k` : String(n);
}

export const suites: BenchSuite[] = [
  {
    name: 'obmalloc/debug-hooks-overhead',
    description:
      `pyMemMalloc + pyMemFree churn, random sizes ${WS_MIN_SIZE}–${WS_MAX_SIZE} B, ${WS_SLOTS} live blocks, one thread (a fresh worker per row); ` +
      'plain allocators against the same wrapped by the debug hooks (S = 8: size, API id and guards written on malloc, checked on free, fills 0xCD/0xDD)',
    target: 'debug hooks at most 4× the plain cost (mimalloc_debug ÷ mimalloc and pymalloc_debug ÷ pymalloc, in the notes)',
    cases: [
      { name: "'mimalloc' (mem heap)", baseline: true, run: () => measure('mimalloc') },
      { name: "'mimalloc_debug'", run: () => measure('mimalloc_debug') },
      { name: "'pymalloc' (GIL mode)", run: () => measure('pymalloc') },
      { name: "'pymalloc_debug' (GIL mode)", run: () => measure('pymalloc_debug') },
    ],
  },
];
