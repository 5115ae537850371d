/**
 * tracemalloc's C side (CPython `Python/tracemalloc.c`, 3.13): while tracing,
 * every block handed out by the three allocator domains is recorded in a
 * trace table keyed by (domain, address), with its requested size and the
 * traceback of the code that asked for it; the table yields snapshots,
 * statistics grouped by line or by traceback, the traced memory (current and
 * peak) and the traceback of one block (which the debug hooks print when they
 * find a damaged block).
 *
 * Mechanism, as in CPython: `start` saves the allocator of each domain and
 * installs wrappers over them (`tracemalloc_alloc_gil`, `tracemalloc_realloc_gil`,
 * `tracemalloc_free`, with `tracemalloc_raw_*` behaving alike here). A wrapper
 * calls the saved allocator and then, only if tracing is still on
 * (gh-128679: something may have stopped tracing meanwhile), adds, moves or
 * removes the trace. A re-entrancy flag makes nested calls — an allocator
 * that itself allocates through the domains — bypass tracing, so one request
 * is traced once; a nested realloc still drops the old block's trace and a
 * nested free still removes its trace. All three domains trace under
 * {@link DEFAULT_DOMAIN} (0) as CPython does; `track`/`untrack`
 * (`PyTraceMalloc_Track`/`PyTraceMalloc_Untrack`) accept any unsigned domain.
 * Tracebacks are interned, as CPython's `tracemalloc_tracebacks` table does,
 * and dropped with the traces.
 *
 * Where we differ from CPython:
 * - **Per thread.** Allocators are JavaScript objects, so each thread has its
 *   own {@link AllocatorDomains} (DESIGN.md §2) and a `TraceMalloc` traces one
 *   thread's domains; its trace table is that thread's alone (CPython has one
 *   process-wide table under `TABLES_LOCK`). Limitation: a block allocated by
 *   this thread and freed by another thread keeps its trace in this thread's
 *   table — and counts in its traced memory — until this thread untracks it,
 *   reuses the address (a new trace replaces a stale one) or stops tracing.
 *   Conversely a block this thread frees that another thread allocated has no
 *   trace here, and freeing it removes nothing.
 * - The traceback is taken *before* the saved allocator runs (same frames:
 *   nothing between the two changes the stack), so a frame provider that
 *   throws leaves nothing allocated instead of a block CPython would have to
 *   free again or, for realloc, abort on.
 * - Frames come from a pluggable {@link FrameProvider}; the default one reads
 *   the JavaScript stack until the interpreter plugs in Python frames.
 * - The ref tracer (`_PyTraceMalloc_TraceRef`, re-stamping a reused object
 *   block's traceback on `_Py_NewReference`) is not here yet: it belongs with
 *   the object layer's new-reference path.
 */

import { fileURLToPath } from 'node:url';
import { getAllocator, setAllocator, type AllocatorDomains, type MemAllocator } from './allocator-domains.js';

/** The domain under which the raw, mem and object domains are traced (`DEFAULT_DOMAIN`). @public */
export const DEFAULT_DOMAIN = 0;

/** Largest traceback limit accepted by {@link TraceMalloc.start} (`MAX_NFRAME`). @public */
export const TRACEMALLOC_MAX_FRAMES = 65535;

/**
 * One frame of a traceback (`frame_t`).
 * @public
 */
export interface TraceFrame {
  /** Source file name (a path for JavaScript frames; a `file:` URL is turned into a path). */
  readonly filename: string;
  /** Line number, 0 when unknown. */
  readonly lineno: number;
}

/**
 * Supplies the frames of the current call stack, **most recent first**, at
 * most `maxFrames` of them (extra ones are dropped; an empty list is recorded
 * as `<unknown>:0`, CPython's empty traceback). Called on every traced
 * allocation, so it should be cheap; it is only called while tracing.
 * Allocations it makes through the traced domains are not traced.
 * @public
 */
export type FrameProvider = (maxFrames: number) => readonly TraceFrame[];

/**
 * One traced block (`trace_t` with its key).
 * @public
 */
export interface MemoryTrace {
  /** Trace domain: {@link DEFAULT_DOMAIN} for the allocator domains, any u32 for `track`. */
  readonly domain: number;
  /** Block address. */
  readonly address: number;
  /** Requested size in bytes. */
  readonly size: number;
  /** Where it was allocated, most recent frame first (`_tracemalloc._get_traces`' order). */
  readonly traceback: readonly TraceFrame[];
}

/**
 * The traces at one moment (`tracemalloc.Snapshot`).
 * @public
 */
export interface TraceMallocSnapshot {
  /** Every trace, in no particular order. */
  readonly traces: readonly MemoryTrace[];
  /** The traceback limit tracing ran with (`traceback_limit`). */
  readonly tracebackLimit: number;
}

/**
 * How {@link TraceMalloc.statistics} groups traces: by the most recent
 * frame's file (`filename`, line shown as 0), by its file and line (`lineno`)
 * or by the whole traceback (`traceback`).
 * @public
 */
export type StatisticKeyType = 'filename' | 'lineno' | 'traceback';

/**
 * Traces grouped under one key (`tracemalloc.Statistic`).
 * @public
 */
export interface TraceStatistic {
  /** The key: one frame for `lineno` and `filename`, the full traceback (most recent first) for `traceback`. */
  readonly traceback: readonly TraceFrame[];
  /** Total size in bytes. */
  readonly size: number;
  /** Number of blocks. */
  readonly count: number;
}

/**
 * Traced memory in bytes (`tracemalloc.get_traced_memory()`).
 * @public
 */
export interface TracedMemory {
  /** Sum of the sizes of the traced blocks. */
  readonly current: number;
  /** Highest `current` since tracing started or the peak was reset. */
  readonly peak: number;
}

/** A trace table entry; the key is the table key. */
interface TraceRecord {
  size: number;
  traceback: readonly TraceFrame[];
}

/** `tracemalloc_empty_traceback`: what a trace records when there are no frames. */
const EMPTY_TRACEBACK: readonly TraceFrame[] = Object.freeze([Object.freeze({ filename: '<unknown>', lineno: 0 })]);

const isU32 = (x: number): boolean => Number.isInteger(x) && x >= 0 && x <= 0xffffffff;

/**
 * Traces one thread's allocator domains (the C half of CPython's
 * `tracemalloc`: `_PyTraceMalloc_Start`/`_Stop`, the allocator wrappers, the
 * trace table, `PyTraceMalloc_Track`/`Untrack`, `_PyMem_DumpTraceback`),
 * plus the reporting of `Lib/tracemalloc.py` that the tests and tools need
 * (snapshot, statistics, top-N report).
 *
 * A `TraceMalloc` belongs to the thread that created it: the tables are plain
 * JavaScript objects of that thread (see the module documentation for what
 * that means for blocks freed by other threads).
 *
 * @example
 * ```ts
 * const tm = new TraceMalloc();
 * tm.start(domains, 10);
 * const p = pyMemMalloc(domains, 1000);
 * for (const line of tm.topReport(tm.statistics(tm.snapshot(), 'lineno'), 10)) console.log(line);
 * // /app/main.ts:3: size=1000 B, count=1, average=1000 B
 * tm.stop(); // the domains get their own allocators back
 * ```
 * @example
 * Debug hooks that print where a damaged block came from: install the hooks
 * first and start tracing on top of them, so that tracemalloc records the
 * addresses the program sees.
 * ```ts
 * const tm = new TraceMalloc();
 * setupDebugHooks(heap, domains, { allocationTraceback: (p) => tm.getTracebackOf(p) });
 * tm.start(domains, 25);
 * // a fatal error for a damaged block now ends with
 * // Memory block allocated at (most recent call first):
 * //   File "/app/main.ts", line 12
 * ```
 * @public
 */
export class TraceMalloc {
  /** `tracemalloc_config.tracing`. */
  private tracing = false;
  /** `tracemalloc_config.max_nframe`. */
  private maxFrames = 1;
  /** `tracemalloc_reentrant_key`: set while a wrapper is busy on this thread. */
  private reentrant = false;
  private domains: AllocatorDomains | null = null;
  /** `allocators.{raw,mem,obj}`: what `start` found installed. */
  private saved: { raw: MemAllocator; mem: MemAllocator; object: MemAllocator } | null = null;
  /** `tracemalloc_traces`: traces of {@link DEFAULT_DOMAIN}, by address. */
  private readonly traces = new Map<number, TraceRecord>();
  /** `tracemalloc_domains`: traces of the other domains. */
  private readonly domainTraces = new Map<number, Map<number, TraceRecord>>();
  /** `tracemalloc_tracebacks`: interned tracebacks. */
  private readonly tracebacks = new Map<string, readonly TraceFrame[]>();
  private tracedMemory = 0;
  private peakTracedMemory = 0;
  private frameProvider: FrameProvider = javascriptStackFrames;

  /**
   * Starts tracing `domains` (`tracemalloc.start(nframe)` —
   * `_PyTraceMalloc_Start`), recording at most `maxFrames` frames per
   * traceback. Saves the allocator installed for each domain and installs
   * tracing wrappers over them. Does nothing when already tracing (the
   * arguments are still checked first, as in CPython).
   * @throws RangeError when `maxFrames` is not an integer in [1, 65535].
   */
  start(domains: AllocatorDomains, maxFrames = 1): void {
    if (!(Number.isInteger(maxFrames) && maxFrames >= 1 && maxFrames <= TRACEMALLOC_MAX_FRAMES)) {
      throw new RangeError(`the number of frames must be in range [1; ${TRACEMALLOC_MAX_FRAMES}]`);
    }
    if (this.tracing) return;
    this.maxFrames = maxFrames;
    const saved = { raw: getAllocator(domains, 'raw'), mem: getAllocator(domains, 'mem'), object: getAllocator(domains, 'object') };
    this.saved = saved;
    this.domains = domains;
    setAllocator(domains, 'raw', this.wrap(saved.raw));
    setAllocator(domains, 'mem', this.wrap(saved.mem));
    setAllocator(domains, 'object', this.wrap(saved.object));
    // Last, as in CPython: the wrappers are in place before anything is recorded.
    this.tracing = true;
  }

  /**
   * Stops tracing (`tracemalloc.stop()` — `_PyTraceMalloc_Stop`): puts back
   * the exact allocators `start` saved and clears the traces, the interned
   * tracebacks and the traced-memory counters. Like CPython it restores the
   * saved allocators unconditionally, so a hook installed over the tracing
   * wrappers after `start` is dropped too. Does nothing when not tracing.
   */
  stop(): void {
    if (!this.tracing) return;
    this.tracing = false;
    const domains = this.domains!;
    const saved = this.saved!;
    setAllocator(domains, 'raw', saved.raw);
    setAllocator(domains, 'mem', saved.mem);
    setAllocator(domains, 'object', saved.object);
    this.domains = null;
    this.saved = null;
    this.clearTables();
  }

  /** Whether tracing is on (`tracemalloc.is_tracing()`). */
  isTracing(): boolean {
    return this.tracing;
  }

  /** The traceback limit of the last `start` (`tracemalloc.get_traceback_limit()`; 1 before any). */
  getTracebackLimit(): number {
    return this.maxFrames;
  }

  /**
   * Replaces the frame provider (default: {@link javascriptStackFrames}).
   * The interpreter plugs in one that reads Python frames.
   * @example
   * ```ts
   * tm.setFrameProvider((max) => pythonFramesOf(currentThreadState(), max));
   * ```
   */
  setFrameProvider(fn: FrameProvider): void {
    this.frameProvider = fn;
  }

  /**
   * Records a block of domain `domain` (`PyTraceMalloc_Track`), with the
   * current traceback; a trace already at (domain, ptr) is replaced.
   * @returns 0 on success, -2 when not tracing, -1 when an argument is not
   * an unsigned 32-bit integer.
   */
  track(domain: number, ptr: number, size: number): number {
    if (!this.tracing) return -2;
    if (!isU32(domain) || !isU32(ptr) || !isU32(size)) return -1;
    const wasReentrant = this.reentrant;
    this.reentrant = true;
    let traceback: readonly TraceFrame[];
    try {
      traceback = this.captureTraceback();
    } finally {
      this.reentrant = wasReentrant;
    }
    // gh-128679: the provider may have stopped tracing.
    if (!this.tracing) return -2;
    this.addTrace(domain, ptr, size, traceback);
    return 0;
  }

  /**
   * Forgets the block at (domain, ptr) (`PyTraceMalloc_Untrack`); untracking
   * an address without a trace succeeds too.
   * @returns 0 on success, -2 when not tracing, -1 when an argument is not
   * an unsigned 32-bit integer.
   */
  untrack(domain: number, ptr: number): number {
    if (!this.tracing) return -2;
    if (!isU32(domain) || !isU32(ptr)) return -1;
    this.removeTrace(domain, ptr);
    return 0;
  }

  /**
   * The traceback of the block at (domain, ptr), most recent frame first
   * (`_PyTraceMalloc_GetTraceback`), or undefined when not tracing or not traced.
   */
  getTraceback(domain: number, ptr: number): readonly TraceFrame[] | undefined {
    if (!this.tracing) return undefined;
    const table = domain === DEFAULT_DOMAIN ? this.traces : this.domainTraces.get(domain);
    return table?.get(ptr)?.traceback;
  }

  /**
   * Where the block at `address` ({@link DEFAULT_DOMAIN}) was allocated, one
   * `  File "name", line N` line per frame, most recent first, as
   * `_PyMem_DumpTraceback` writes it; undefined when not tracing or not
   * traced. Fits the debug hooks' `allocationTraceback` option (see the
   * class example).
   */
  getTracebackOf(address: number): string | undefined {
    const traceback = this.getTraceback(DEFAULT_DOMAIN, address);
    if (traceback === undefined) return undefined;
    return traceback.map((f) => `  File "${f.filename}", line ${f.lineno}`).join('\n');
  }

  /** Current and peak traced memory in bytes (`tracemalloc.get_traced_memory()`; zeros when not tracing). */
  getTracedMemory(): TracedMemory {
    if (!this.tracing) return { current: 0, peak: 0 };
    return { current: this.tracedMemory, peak: this.peakTracedMemory };
  }

  /** Sets the peak to the current traced memory (`tracemalloc.reset_peak()`); nothing when not tracing. */
  resetPeak(): void {
    if (!this.tracing) return;
    this.peakTracedMemory = this.tracedMemory;
  }

  /** Forgets every trace and zeroes the counters, tracing on (`tracemalloc.clear_traces()`); nothing when not tracing. */
  clearTraces(): void {
    if (!this.tracing) return;
    this.clearTables();
  }

  /**
   * The traces now (`tracemalloc.take_snapshot()`): a copy, unaffected by
   * later allocations.
   * @throws Error when not tracing, as `take_snapshot` raises RuntimeError.
   */
  snapshot(): TraceMallocSnapshot {
    if (!this.tracing) throw new Error('the tracemalloc module must be tracing memory allocations to take a snapshot');
    const traces: MemoryTrace[] = [];
    for (const [address, t] of this.traces) traces.push({ domain: DEFAULT_DOMAIN, address, size: t.size, traceback: t.traceback });
    for (const [domain, table] of this.domainTraces) {
      for (const [address, t] of table) traces.push({ domain, address, size: t.size, traceback: t.traceback });
    }
    return { traces, tracebackLimit: this.maxFrames };
  }

  /**
   * Groups a snapshot's traces (`Snapshot.statistics(key_type)`, not
   * cumulative) and sorts the groups as CPython does: by size, then count,
   * then key, all descending.
   * @throws Error for an unknown key type.
   */
  statistics(snapshot: TraceMallocSnapshot, keyType: StatisticKeyType): TraceStatistic[] {
    if (keyType !== 'filename' && keyType !== 'lineno' && keyType !== 'traceback') throw new Error(`unknown key_type: '${String(keyType)}'`);
    const groups = new Map<string, { traceback: readonly TraceFrame[]; size: number; count: number }>();
    // Many traces share an interned traceback: derive each one's key once.
    const keyOf = new Map<readonly TraceFrame[], string>();
    const frameOf = new Map<string, readonly TraceFrame[]>();
    for (const trace of snapshot.traces) {
      let key = keyOf.get(trace.traceback);
      if (key === undefined) {
        const frames =
          keyType === 'traceback'
            ? trace.traceback
            : keyType === 'lineno'
              ? trace.traceback.slice(0, 1)
              : [{ filename: trace.traceback[0].filename, lineno: 0 }];
        key = tracebackKey(frames, frames.length);
        keyOf.set(trace.traceback, key);
        if (!frameOf.has(key)) frameOf.set(key, frames);
      }
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { traceback: frameOf.get(key)!, size: trace.size, count: 1 });
      else {
        group.size += trace.size;
        group.count++;
      }
    }
    return [...groups.values()].sort((a, b) => b.size - a.size || b.count - a.count || compareTracebacks(b.traceback, a.traceback));
  }

  /**
   * The first `n` statistics as text, one line each, formatted as
   * `str(Statistic)`: `"main.py:3: size=12.0 KiB, count=3, average=4096 B"`.
   * The location is `str(Traceback)`, which in CPython is the *oldest*
   * frame of the key (the only one for `lineno` and `filename`); sizes use
   * `_format_size` (bytes below 10 KiB, then one decimal below 100 units).
   */
  topReport(stats: readonly TraceStatistic[], n: number): string[] {
    return stats.slice(0, Math.max(0, n)).map((s) => {
      const oldest = s.traceback[s.traceback.length - 1];
      let text = `${oldest.filename}:${oldest.lineno}: size=${formatSize(s.size)}, count=${s.count}`;
      if (s.count !== 0) text += `, average=${formatSize(s.size / s.count)}`;
      return text;
    });
  }

  /** The wrapper installed over one domain's saved allocator. */
  private wrap(alloc: MemAllocator): MemAllocator {
    return {
      malloc: (n: number): number => {
        if (this.reentrant) return alloc.malloc(n);
        this.reentrant = true;
        try {
          const traceback = this.captureTraceback();
          const p = alloc.malloc(n);
          if (p !== 0 && this.tracing) this.addTrace(DEFAULT_DOMAIN, p, n, traceback);
          return p;
        } finally {
          this.reentrant = false;
        }
      },
      calloc: (nelem: number, elsize: number): number => {
        if (this.reentrant) return alloc.calloc(nelem, elsize);
        this.reentrant = true;
        try {
          const traceback = this.captureTraceback();
          const p = alloc.calloc(nelem, elsize);
          if (p !== 0 && this.tracing) this.addTrace(DEFAULT_DOMAIN, p, nelem * elsize, traceback);
          return p;
        } finally {
          this.reentrant = false;
        }
      },
      realloc: (p: number, n: number): number => {
        if (this.reentrant) {
          // A nested realloc (pymalloc growing an arena, say) is not traced,
          // but the block it replaced must not keep a trace.
          const q = alloc.realloc(p, n);
          if (q !== 0 && p !== 0) this.removeTrace(DEFAULT_DOMAIN, p);
          return q;
        }
        this.reentrant = true;
        try {
          const traceback = this.captureTraceback();
          const q = alloc.realloc(p, n);
          // A failed realloc leaves p, and so its trace, as they were.
          if (q === 0 || !this.tracing) return q;
          if (p !== 0 && q !== p) this.removeTrace(DEFAULT_DOMAIN, p);
          this.addTrace(DEFAULT_DOMAIN, q, n, traceback);
          return q;
        } finally {
          this.reentrant = false;
        }
      },
      free: (p: number): void => {
        // Not re-entrancy aware, as in CPython: a nested free still removes its trace.
        alloc.free(p);
        if (this.tracing) this.removeTrace(DEFAULT_DOMAIN, p);
      },
    };
  }

  /** `traceback_new`: the current frames, truncated and interned. */
  private captureTraceback(): readonly TraceFrame[] {
    const frames = this.frameProvider(this.maxFrames);
    const n = Math.min(frames.length, this.maxFrames);
    if (n === 0) return EMPTY_TRACEBACK;
    const key = tracebackKey(frames, n);
    let traceback = this.tracebacks.get(key);
    if (traceback === undefined) {
      const copy: TraceFrame[] = [];
      for (let i = 0; i < n; i++) {
        const lineno = frames[i].lineno;
        // CPython stores a negative line number as 0.
        copy.push(Object.freeze({ filename: String(frames[i].filename), lineno: lineno > 0 ? Math.trunc(lineno) : 0 }));
      }
      traceback = Object.freeze(copy);
      this.tracebacks.set(key, traceback);
    }
    return traceback;
  }

  /** `tracemalloc_add_trace`: a trace already at the key is updated in place. */
  private addTrace(domain: number, ptr: number, size: number, traceback: readonly TraceFrame[]): void {
    let table = this.traces;
    if (domain !== DEFAULT_DOMAIN) {
      let t = this.domainTraces.get(domain);
      if (t === undefined) {
        t = new Map();
        this.domainTraces.set(domain, t);
      }
      table = t;
    }
    const old = table.get(ptr);
    if (old !== undefined) {
      this.tracedMemory -= old.size;
      old.size = size;
      old.traceback = traceback;
    } else {
      table.set(ptr, { size, traceback });
    }
    this.tracedMemory += size;
    if (this.tracedMemory > this.peakTracedMemory) this.peakTracedMemory = this.tracedMemory;
  }

  /** `tracemalloc_remove_trace`. */
  private removeTrace(domain: number, ptr: number): void {
    const table = domain === DEFAULT_DOMAIN ? this.traces : this.domainTraces.get(domain);
    if (table === undefined) return;
    const old = table.get(ptr);
    if (old === undefined) return;
    table.delete(ptr);
    this.tracedMemory -= old.size;
  }

  /** `tracemalloc_clear_traces`. */
  private clearTables(): void {
    this.traces.clear();
    this.domainTraces.clear();
    this.tracebacks.clear();
    this.tracedMemory = 0;
    this.peakTracedMemory = 0;
  }
}

function tracebackKey(frames: readonly TraceFrame[], n: number): string {
  let key = '';
  for (let i = 0; i < n; i++) key += `${frames[i].filename}\0${frames[i].lineno}\0`;
  return key;
}

/** CPython's `Traceback` ordering: frames compared oldest first, each by (filename, lineno). */
function compareTracebacks(a: readonly TraceFrame[], b: readonly TraceFrame[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 1; i <= n; i++) {
    const fa = a[a.length - i];
    const fb = b[b.length - i];
    if (fa.filename !== fb.filename) return fa.filename < fb.filename ? -1 : 1;
    if (fa.lineno !== fb.lineno) return fa.lineno - fb.lineno;
  }
  return a.length - b.length;
}

/** `Lib/tracemalloc.py` `_format_size(size, sign=False)`. */
function formatSize(size: number): string {
  let value = size;
  for (const unit of ['B', 'KiB', 'MiB', 'GiB']) {
    if (Math.abs(value) < 100 && unit !== 'B') return `${formatFixed(value, 1)} ${unit}`;
    if (Math.abs(value) < 10 * 1024) return `${formatFixed(value, 0)} ${unit}`;
    value /= 1024;
  }
  return Math.abs(value) < 100 ? `${formatFixed(value, 1)} TiB` : `${formatFixed(value, 0)} TiB`;
}

/**
 * Python's `'%.*f' % x`: like `toFixed`, except that an exact tie rounds to
 * even (`'%.0f' % 512.5 == '512'`, `'%.1f' % 12.25 == '12.2'`) where
 * `toFixed` rounds away from zero.
 */
function formatFixed(x: number, digits: number): string {
  const rounded = x.toFixed(digits);
  if (!(Math.abs(x) < 1e21)) return rounded;
  // Every double this size needs far fewer than 100 decimals: the expansion is exact.
  const exact = x.toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (!/^50*$/.test(rest)) return rounded;
  const kept = exact.slice(0, digits === 0 ? dot : dot + 1 + digits);
  return (kept.charCodeAt(kept.length - 1) - 48) % 2 === 0 ? kept : rounded;
}

/** Where this module lives: frames in this package's `src/` or `dist/` are the "C side" and never recorded. */
const OWN_DIRECTORIES: readonly string[] = ((): string[] => {
  try {
    const file = fileURLToPath(import.meta.url);
    const sep = file.includes('\\') && !file.includes('/') ? '\\' : '/';
    const dir = file.slice(0, file.lastIndexOf(sep) + 1);
    const parent = dir.slice(0, dir.slice(0, -1).lastIndexOf(sep) + 1);
    return parent === '' ? [dir] : [dir, `${parent}src${sep}`, `${parent}dist${sep}`];
  } catch {
    return [];
  }
})();

/** Frames tolerated above the caller's before the stack is read again, deeper. */
const OWN_FRAMES_ALLOWANCE = 16;

/**
 * The default {@link FrameProvider}: the JavaScript call stack, most recent
 * first, read from `new Error().stack` (so a source-map-aware
 * `Error.prepareStackTrace` gives source file lines). Frames of
 * `@ft/obmalloc` itself — the domain entry points, hooks and tracemalloc,
 * CPython's C side — are skipped, so the most recent frame is the code that
 * called `pyMemMalloc` and friends. Frames without a location (`native`,
 * `<anonymous>`) keep their text as the file name and line 0.
 * @example
 * ```ts
 * tm.setFrameProvider(javascriptStackFrames); // back to the default
 * ```
 * @public
 */
export function javascriptStackFrames(maxFrames: number): TraceFrame[] {
  const frames: TraceFrame[] = [];
  const savedLimit = Error.stackTraceLimit;
  let limit = maxFrames + OWN_FRAMES_ALLOWANCE;
  for (;;) {
    let stack: string | undefined;
    Error.stackTraceLimit = limit;
    try {
      stack = new Error().stack;
    } finally {
      Error.stackTraceLimit = savedLimit;
    }
    if (stack === undefined) return frames;
    frames.length = 0;
    let seen = 0;
    let start = 0;
    while (start < stack.length) {
      let end = stack.indexOf('\n', start);
      if (end === -1) end = stack.length;
      const frame = parseStackLine(stack.slice(start, end));
      start = end + 1;
      if (frame === null) continue;
      seen++;
      if (isOwnFrame(frame.filename)) continue;
      frames.push(frame);
      if (frames.length === maxFrames) return frames;
    }
    // The whole stack fitted: there is no more to find.
    if (seen < limit) return frames;
    limit *= 4;
  }
}

function isOwnFrame(filename: string): boolean {
  for (const dir of OWN_DIRECTORIES) if (filename.startsWith(dir)) return true;
  return false;
}

/** One `    at name (file:line:column)` line of a V8 stack, or null for other lines. */
function parseStackLine(line: string): TraceFrame | null {
  const at = line.indexOf('at ');
  if (at === -1 || line.slice(0, at).trim() !== '') return null;
  const text = line.slice(at + 3).trim();
  let location = text;
  if (text.endsWith(')')) {
    // The location is in the last balanced parentheses ("eval at f (x.js:1:2), <anonymous>:3:4" nests).
    let depth = 0;
    for (let i = text.length - 1; i >= 0; i--) {
      const c = text.charCodeAt(i);
      if (c === 0x29) depth++;
      else if (c === 0x28 && --depth === 0) {
        location = text.slice(i + 1, -1);
        break;
      }
    }
  }
  const m = /^(.*):(\d+):(\d+)$/.exec(location);
  let filename = m === null ? location : m[1];
  const lineno = m === null ? 0 : Number(m[2]);
  if (filename.startsWith('file://')) {
    try {
      filename = fileURLToPath(filename);
    } catch {
      // keep the URL
    }
  }
  return { filename, lineno };
}
