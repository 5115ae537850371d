import { fileURLToPath } from 'node:url';
import { FatalError, SharedHeap } from '@ft/atomics';
import { miCreate, miThreadExit, miThreadInit, type MiThread } from '@ft/mimalloc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AllocatorDomains,
  debugAllocator,
  DEFAULT_DOMAIN,
  freeThreadedAllocators,
  getAllocator,
  javascriptStackFrames,
  pyMemCalloc,
  pyMemFree,
  pyMemMalloc,
  pyMemRawFree,
  pyMemRawMalloc,
  pyMemRealloc,
  pyObjectFree,
  pyObjectMalloc,
  setAllocator,
  setupDebugHooks,
  TraceMalloc,
  TRACEMALLOC_MAX_FRAMES,
  type TraceFrame,
} from '../src/index.js';

const THIS_FILE = fileURLToPath(import.meta.url);

let heap: SharedHeap;
let t: MiThread;
let domains: AllocatorDomains;
let tm: TraceMalloc;

beforeEach(() => {
  heap = SharedHeap.create({ size: 32 << 20 });
  t = miThreadInit(heap, miCreate(heap), null);
  const a = freeThreadedAllocators(t);
  domains = new AllocatorDomains(heap, a.raw, a.mem, a.object);
  tm = new TraceMalloc();
});

afterEach(() => {
  tm.stop();
  miThreadExit(t);
  heap.close();
});

/** The line that called `callerLine`, read from the stack without the provider under test. */
function callerLine(): number {
  const lines = new Error().stack!.split('\n').filter((l) => l.includes(THIS_FILE));
  return Number(/:(\d+):\d+\)?$/.exec(lines[1])![1]);
}

type DomainCall = (d: AllocatorDomains, ...args: number[]) => number;
let lineA = 0;
let lineB = 0;
// Two call sites. Each records its own line number on the line that calls
// into the domains, which is the most recent frame tracemalloc keeps.
function siteA(fn: DomainCall, ...args: number[]): number {
  lineA = callerLine(); return fn(domains, ...args);
}
function siteB(fn: DomainCall, ...args: number[]): number {
  lineB = callerLine(); return fn(domains, ...args);
}

const at = (lineno: number): TraceFrame[] => [{ filename: THIS_FILE, lineno }];

/** Runs `fn`, expects a FatalError, returns its message. */
function fatal(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FatalError);
    return (e as Error).message;
  }
  throw new Error('expected a fatal error');
}

describe('tracemalloc: traces from two call sites', () => {
  it('statistics by line give exact sizes and counts per call site, and frees remove traces', () => {
    tm.start(domains);
    const a1 = siteA(pyMemMalloc, 100);
    const a2 = siteA(pyObjectMalloc, 200);
    const a3 = siteA(pyMemRawMalloc, 300);
    const b = [0, 1, 2, 3, 4].map(() => siteB(pyObjectMalloc, 2048));
    expect(lineA).not.toBe(lineB);

    const snap = tm.snapshot();
    expect(snap.tracebackLimit).toBe(1);
    expect(new Map(snap.traces.map((tr) => [tr.address, [tr.domain, tr.size]]))).toEqual(
      new Map<number, number[]>([[a1, [0, 100]], [a2, [0, 200]], [a3, [0, 300]], ...b.map((p): [number, number[]] => [p, [0, 2048]])]),
    );
    const stats = tm.statistics(snap, 'lineno');
    expect(stats).toEqual([
      { traceback: at(lineB), size: 10240, count: 5 },
      { traceback: at(lineA), size: 600, count: 3 },
    ]);
    expect(tm.topReport(stats, 10)).toEqual([
      `${THIS_FILE}:${lineB}: size=10.0 KiB, count=5, average=2048 B`,
      `${THIS_FILE}:${lineA}: size=600 B, count=3, average=200 B`,
    ]);
    expect(tm.topReport(stats, 1)).toEqual([`${THIS_FILE}:${lineB}: size=10.0 KiB, count=5, average=2048 B`]);
    expect(tm.getTracedMemory()).toEqual({ current: 10840, peak: 10840 });

    pyMemFree(domains, a1);
    pyObjectFree(domains, b[0]);
    expect(tm.getTraceback(DEFAULT_DOMAIN, a1)).toBeUndefined();
    expect(tm.getTraceback(DEFAULT_DOMAIN, b[0])).toBeUndefined();
    expect(tm.getTraceback(DEFAULT_DOMAIN, a2)).toEqual(at(lineA));
    const after = tm.statistics(tm.snapshot(), 'lineno');
    expect(after).toEqual([
      { traceback: at(lineB), size: 8192, count: 4 },
      { traceback: at(lineA), size: 500, count: 2 },
    ]);
    expect(tm.topReport(after, 5)).toEqual([
      `${THIS_FILE}:${lineB}: size=8192 B, count=4, average=2048 B`,
      `${THIS_FILE}:${lineA}: size=500 B, count=2, average=250 B`,
    ]);
    expect(tm.getTracedMemory()).toEqual({ current: 8692, peak: 10840 });

    pyObjectFree(domains, a2);
    pyMemRawFree(domains, a3);
    for (const p of b.slice(1)) pyObjectFree(domains, p);
    expect(tm.snapshot().traces).toEqual([]);
    expect(tm.statistics(tm.snapshot(), 'lineno')).toEqual([]);
    expect(tm.getTracedMemory()).toEqual({ current: 0, peak: 10840 });
  });

  it('calloc is traced with nelem * elsize bytes', () => {
    tm.start(domains);
    const p = siteA(pyMemCalloc, 12, 10);
    expect(tm.snapshot().traces).toEqual([{ domain: 0, address: p, size: 120, traceback: at(lineA) }]);
    pyMemFree(domains, p);
    expect(tm.snapshot().traces).toEqual([]);
  });

  it('realloc moves the trace to the new block with the realloc call site; in place it updates it; a failed one keeps it', () => {
    tm.start(domains);
    const p = siteA(pyMemMalloc, 64);
    const q = siteB(pyMemRealloc, p, 5000);
    expect(q).not.toBe(p); // precondition: 64 → 5000 changes mimalloc size class
    expect(tm.getTraceback(DEFAULT_DOMAIN, p)).toBeUndefined();
    expect(tm.snapshot().traces).toEqual([{ domain: 0, address: q, size: 5000, traceback: at(lineB) }]);
    expect(tm.getTracedMemory()).toEqual({ current: 5000, peak: 5000 });

    const r = siteA(pyMemRealloc, q, 4800);
    expect(r).toBe(q); // precondition: mimalloc shrinks in place
    expect(tm.snapshot().traces).toEqual([{ domain: 0, address: q, size: 4800, traceback: at(lineA) }]);
    expect(tm.getTracedMemory()).toEqual({ current: 4800, peak: 5000 });

    // 2 GiB cannot come from a 32 MiB heap: the allocator under tracemalloc fails.
    expect(pyMemRealloc(domains, r, 0x7fffffff)).toBe(0);
    expect(tm.snapshot().traces).toEqual([{ domain: 0, address: r, size: 4800, traceback: at(lineA) }]);
    expect(tm.getTracedMemory()).toEqual({ current: 4800, peak: 5000 });

    // A failed malloc adds nothing either.
    expect(pyMemMalloc(domains, 0x7fffffff)).toBe(0);
    expect(tm.snapshot().traces).toHaveLength(1);
    pyMemFree(domains, r);
    expect(tm.getTracedMemory()).toEqual({ current: 0, peak: 5000 });
  });

  it('current and peak are exact; resetPeak and clearTraces', () => {
    tm.start(domains);
    const p1 = pyMemMalloc(domains, 1000);
    const p2 = pyObjectMalloc(domains, 2000);
    expect(tm.getTracedMemory()).toEqual({ current: 3000, peak: 3000 });
    pyObjectFree(domains, p2);
    expect(tm.getTracedMemory()).toEqual({ current: 1000, peak: 3000 });
    const p3 = pyMemRawMalloc(domains, 500);
    expect(tm.getTracedMemory()).toEqual({ current: 1500, peak: 3000 });
    tm.resetPeak();
    expect(tm.getTracedMemory()).toEqual({ current: 1500, peak: 1500 });
    tm.clearTraces();
    expect(tm.getTracedMemory()).toEqual({ current: 0, peak: 0 });
    expect(tm.snapshot().traces).toEqual([]);
    expect(tm.isTracing()).toBe(true);
    // Freeing a block whose trace was cleared changes nothing.
    pyMemFree(domains, p1);
    pyMemRawFree(domains, p3);
    expect(tm.getTracedMemory()).toEqual({ current: 0, peak: 0 });
  });
});

describe('tracemalloc: start and stop', () => {
  it('stop restores the exact allocator objects and clears the traces', () => {
    const originals = { raw: getAllocator(domains, 'raw'), mem: getAllocator(domains, 'mem'), object: getAllocator(domains, 'object') };
    expect(tm.isTracing()).toBe(false);
    tm.start(domains);
    expect(tm.isTracing()).toBe(true);
    for (const d of ['raw', 'mem', 'object'] as const) expect(getAllocator(domains, d)).not.toBe(originals[d]);
    const p = pyMemMalloc(domains, 10);
    expect(tm.snapshot().traces).toHaveLength(1);

    tm.stop();
    expect(tm.isTracing()).toBe(false);
    for (const d of ['raw', 'mem', 'object'] as const) expect(getAllocator(domains, d)).toBe(originals[d]);
    expect(tm.getTracedMemory()).toEqual({ current: 0, peak: 0 });
    expect(tm.getTraceback(DEFAULT_DOMAIN, p)).toBeUndefined();
    expect(tm.getTracebackOf(p)).toBeUndefined();
    expect(() => tm.snapshot()).toThrow(/must be tracing/);

    // Allocations while stopped are not traced; a restart begins empty.
    const q = pyMemMalloc(domains, 20);
    tm.start(domains);
    expect(tm.snapshot().traces).toEqual([]);
    pyMemFree(domains, p);
    pyMemFree(domains, q);
    expect(tm.getTracedMemory()).toEqual({ current: 0, peak: 0 });
  });

  it('start while tracing is a no-op: same wrappers, same limit, traces kept, other domains untouched', () => {
    tm.start(domains, 3);
    const wrappers = { raw: domains.raw, mem: domains.mem, object: domains.object };
    const p = pyMemMalloc(domains, 10);
    const a = freeThreadedAllocators(t);
    const other = new AllocatorDomains(heap, a.raw, a.mem, a.object);
    tm.start(domains, 7);
    tm.start(other, 2);
    expect(tm.getTracebackLimit()).toBe(3);
    expect({ raw: domains.raw, mem: domains.mem, object: domains.object }).toEqual(wrappers);
    for (const d of ['raw', 'mem', 'object'] as const) expect(getAllocator(domains, d)).toBe(wrappers[d]);
    expect(other.raw).toBe(a.raw);
    expect(other.mem).toBe(a.mem);
    expect(other.object).toBe(a.object);
    expect(tm.snapshot().traces.map((tr) => tr.address)).toEqual([p]);
    tm.stop();
    // One stop restores the allocators saved by the first start.
    expect(getAllocator(domains, 'mem')).not.toBe(wrappers.mem);
    pyMemFree(domains, p);
  });

  it('maxFrames out of [1, 65535] is a RangeError, even while tracing', () => {
    for (const bad of [0, -1, TRACEMALLOC_MAX_FRAMES + 1, 1.5, Number.NaN]) {
      expect(() => tm.start(domains, bad)).toThrow(RangeError);
      expect(tm.isTracing()).toBe(false);
    }
    expect(() => tm.start(domains, 0)).toThrow('the number of frames must be in range [1; 65535]');
    tm.start(domains, TRACEMALLOC_MAX_FRAMES);
    expect(tm.getTracebackLimit()).toBe(65535);
    expect(() => tm.start(domains, 0)).toThrow(RangeError);
    expect(tm.isTracing()).toBe(true);
  });

  it('a trace is only recorded if tracing is still on after the allocator returns', () => {
    const base = getAllocator(domains, 'mem');
    setAllocator(domains, 'mem', { ...base, malloc: (n) => { const p = base.malloc(n); tm.stop(); return p; } });
    const hook = getAllocator(domains, 'mem');
    tm.start(domains);
    const p = pyMemMalloc(domains, 100);
    expect(p).not.toBe(0);
    expect(tm.isTracing()).toBe(false);
    expect(getAllocator(domains, 'mem')).toBe(hook);
    tm.start(domains);
    expect(tm.snapshot().traces).toEqual([]);
    expect(tm.getTracedMemory()).toEqual({ current: 0, peak: 0 });
    tm.stop();
    base.free(p);
  });
});

describe('tracemalloc: track and untrack', () => {
  it('return -2 when not tracing, 0 when tracing, -1 for invalid arguments', () => {
    expect(tm.track(5, 0x1000, 77)).toBe(-2);
    expect(tm.untrack(5, 0x1000)).toBe(-2);
    tm.start(domains);
    expect(tm.track(5, 0x1000, 77)).toBe(0);
    expect(tm.track(0, 0x1000, 3)).toBe(0); // same address, another domain: a second trace
    expect(tm.getTracedMemory()).toEqual({ current: 80, peak: 80 });
    // Each trace has the traceback of its own track call, one line apart.
    expect(tm.getTraceback(5, 0x1000)?.[0].filename).toBe(THIS_FILE);
    expect(tm.getTraceback(0, 0x1000)).toEqual(at(tm.getTraceback(5, 0x1000)![0].lineno + 1));
    expect(tm.getTraceback(6, 0x1000)).toBeUndefined();
    const traces = tm.snapshot().traces.map((tr) => [tr.domain, tr.address, tr.size]);
    expect(traces).toHaveLength(2);
    expect(traces).toEqual(expect.arrayContaining([[5, 0x1000, 77], [0, 0x1000, 3]]));

    expect(tm.track(5, 0x1000, 50)).toBe(0); // retracking replaces
    expect(tm.getTracedMemory()).toEqual({ current: 53, peak: 80 });
    expect(tm.untrack(5, 0x1000)).toBe(0);
    expect(tm.untrack(5, 0x1000)).toBe(0); // nothing left: still 0
    expect(tm.untrack(9, 0x2000)).toBe(0);
    expect(tm.getTraceback(5, 0x1000)).toBeUndefined();
    expect(tm.getTracedMemory()).toEqual({ current: 3, peak: 80 });

    expect(tm.track(-1, 0x1000, 1)).toBe(-1);
    expect(tm.track(2 ** 32, 0x1000, 1)).toBe(-1);
    expect(tm.track(1, 1.5, 1)).toBe(-1);
    expect(tm.track(1, 0x1000, -1)).toBe(-1);
    expect(tm.untrack(1, -8)).toBe(-1);
    expect(tm.track(0xffffffff, 0xfffffff0, 0)).toBe(0);
    expect(tm.snapshot().traces).toHaveLength(2);

    tm.stop();
    expect(tm.track(5, 0x1000, 77)).toBe(-2);
    expect(tm.untrack(0, 0x1000)).toBe(-2);
  });
});

describe('tracemalloc: re-entrancy', () => {
  it('an allocator under tracemalloc that allocates through another domain creates one trace, not two', () => {
    const inner: number[] = [];
    const base = getAllocator(domains, 'object');
    setAllocator(domains, 'object', {
      ...base,
      malloc: (n) => {
        inner.push(pyMemMalloc(domains, 24)); // through the tracing mem wrapper
        return base.malloc(n);
      },
    });
    tm.start(domains);
    const p = pyObjectMalloc(domains, 40);
    expect(inner).toHaveLength(1);
    expect(tm.snapshot().traces.map((tr) => [tr.address, tr.size])).toEqual([[p, 40]]);
    expect(tm.getTraceback(DEFAULT_DOMAIN, inner[0])).toBeUndefined();
    expect(tm.getTracedMemory().current).toBe(40);
    // The flag is down again: a direct mem allocation is traced.
    const q = pyMemMalloc(domains, 24);
    expect(tm.snapshot().traces).toHaveLength(2);
    pyObjectFree(domains, p);
    pyMemFree(domains, q);
    pyMemFree(domains, inner[0]);
    expect(tm.snapshot().traces).toEqual([]);
  });

  it('a nested realloc drops the old trace without adding one; a nested free removes its trace', () => {
    let victim = 0;
    let freed = 0;
    let moved = 0;
    const base = getAllocator(domains, 'object');
    setAllocator(domains, 'object', {
      ...base,
      malloc: (n) => {
        moved = pyMemRealloc(domains, victim, 5000);
        pyMemFree(domains, freed);
        return base.malloc(n);
      },
    });
    tm.start(domains);
    victim = pyMemMalloc(domains, 64);
    freed = pyMemMalloc(domains, 32);
    expect(tm.snapshot().traces).toHaveLength(2);
    const p = pyObjectMalloc(domains, 16);
    expect(moved).not.toBe(0);
    expect(moved).not.toBe(victim); // precondition: the block moved
    expect(tm.snapshot().traces.map((tr) => [tr.address, tr.size])).toEqual([[p, 16]]);
    expect(tm.getTracedMemory().current).toBe(16);
    pyObjectFree(domains, p);
    pyMemFree(domains, moved);
  });

  it('an allocator that throws leaves the flag down: the next allocation is traced', () => {
    const base = getAllocator(domains, 'mem');
    let fail = true;
    setAllocator(domains, 'mem', {
      ...base,
      malloc: (n) => {
        if (fail) throw new Error('boom');
        return base.malloc(n);
      },
    });
    tm.start(domains);
    expect(() => pyMemMalloc(domains, 8)).toThrow('boom');
    fail = false;
    const p = pyMemMalloc(domains, 8);
    expect(tm.snapshot().traces.map((tr) => tr.address)).toEqual([p]);
    pyMemFree(domains, p);
  });
});

describe('tracemalloc: frame providers', () => {
  it("a custom provider's frames appear in snapshots, truncated to the limit; statistics and report by traceback and by file", () => {
    const asked: number[] = [];
    let frames: TraceFrame[] = [];
    tm.setFrameProvider((max) => {
      asked.push(max);
      return frames;
    });
    tm.start(domains, 2);
    frames = [
      { filename: 'x.py', lineno: 3 },
      { filename: 'main.py', lineno: 10 },
      { filename: 'deeper.py', lineno: 1 },
    ];
    const blocks = [512, 512, 512].map((n) => pyObjectMalloc(domains, n));
    frames = [
      { filename: 'x.py', lineno: 4 },
      { filename: 'main.py', lineno: 10 },
    ];
    blocks.push(pyMemMalloc(domains, 5000), pyMemMalloc(domains, 5000), pyMemMalloc(domains, 5000));
    frames = [];
    blocks.push(pyMemRawMalloc(domains, 7));
    expect(asked).toEqual([2, 2, 2, 2, 2, 2, 2]);

    const snap = tm.snapshot();
    expect(snap.tracebackLimit).toBe(2);
    const byAddress = new Map(snap.traces.map((tr) => [tr.address, tr.traceback]));
    expect(byAddress.get(blocks[0])).toEqual([
      { filename: 'x.py', lineno: 3 },
      { filename: 'main.py', lineno: 10 },
    ]);
    expect(byAddress.get(blocks[3])).toEqual([
      { filename: 'x.py', lineno: 4 },
      { filename: 'main.py', lineno: 10 },
    ]);
    expect(byAddress.get(blocks[6])).toEqual([{ filename: '<unknown>', lineno: 0 }]);
    // Interned: equal tracebacks are one object.
    expect(byAddress.get(blocks[0])).toBe(byAddress.get(blocks[1]));

    const byTraceback = tm.statistics(snap, 'traceback');
    expect(byTraceback.map((s) => [s.size, s.count])).toEqual([
      [15000, 3],
      [1536, 3],
      [7, 1],
    ]);
    // str(Traceback) is its oldest frame, as in CPython.
    expect(tm.topReport(byTraceback, 3)).toEqual([
      'main.py:10: size=14.6 KiB, count=3, average=5000 B',
      'main.py:10: size=1536 B, count=3, average=512 B',
      '<unknown>:0: size=7 B, count=1, average=7 B',
    ]);
    expect(tm.topReport(tm.statistics(snap, 'lineno'), 2)).toEqual([
      'x.py:4: size=14.6 KiB, count=3, average=5000 B',
      'x.py:3: size=1536 B, count=3, average=512 B',
    ]);
    expect(tm.topReport(tm.statistics(snap, 'filename'), 5)).toEqual([
      'x.py:0: size=16.1 KiB, count=6, average=2756 B',
      '<unknown>:0: size=7 B, count=1, average=7 B',
    ]);
    expect(tm.getTracebackOf(blocks[0])).toBe('  File "x.py", line 3\n  File "main.py", line 10');
    for (const p of blocks) pyMemFree(domains, p);
  });

  it("sizes are formatted like Lib/tracemalloc.py's _format_size, ties rounding to even", () => {
    tm.setFrameProvider(() => [{ filename: 'f.py', lineno: 1 }]);
    const report = (size: number, count: number): string => tm.topReport([{ traceback: [{ filename: 'f.py', lineno: 1 }], size, count }], 1)[0];
    expect(report(1025, 2)).toBe('f.py:1: size=1025 B, count=2, average=512 B'); // 512.5 → 512
    expect(report(1027, 2)).toBe('f.py:1: size=1027 B, count=2, average=514 B'); // 513.5 → 514
    expect(report(12544, 1)).toBe('f.py:1: size=12.2 KiB, count=1, average=12.2 KiB'); // 12.25 → 12.2
    expect(report(10239, 1)).toBe('f.py:1: size=10239 B, count=1, average=10239 B');
    expect(report(102400, 1)).toBe('f.py:1: size=100 KiB, count=1, average=100 KiB');
    expect(report(5 * 1024 ** 3, 1)).toBe('f.py:1: size=5120 MiB, count=1, average=5120 MiB');
    expect(report(3 * 1024 ** 5, 1)).toBe('f.py:1: size=3072 TiB, count=1, average=3072 TiB');
    expect(report(0, 0)).toBe('f.py:1: size=0 B, count=0');
  });

  it('the default provider gives the JavaScript call site, without @ft/obmalloc frames, up to the limit', () => {
    tm.start(domains, 3);
    const p = siteA(pyObjectMalloc, 8);
    const tb = tm.getTraceback(DEFAULT_DOMAIN, p)!;
    expect(tb).toHaveLength(3);
    expect(tb[0]).toEqual({ filename: THIS_FILE, lineno: lineA });
    expect(tb[1].filename).toBe(THIS_FILE); // the test body that called siteA
    expect(tb.some((f) => f.filename.includes('/obmalloc/src/'))).toBe(false);
    expect(tm.getTracebackOf(p)!.split('\n')[0]).toBe(`  File "${THIS_FILE}", line ${lineA}`);
    // Called directly: the first frame is the caller's line.
    const here = javascriptStackFrames(1);
    expect(here).toEqual([{ filename: THIS_FILE, lineno: expect.any(Number) }]);
    pyObjectFree(domains, p);
  });

  it('the default provider reads deeper when more of its own frames than it allowed for sit above the caller', () => {
    tm.start(domains, 1);
    // Twenty debug layers over the tracing wrapper: twenty more @ft/obmalloc
    // frames between the caller and the capture, past the first read's window.
    for (let i = 0; i < 20; i++) setAllocator(domains, 'mem', debugAllocator(heap, getAllocator(domains, 'mem'), 'mem'));
    const p = siteB(pyMemMalloc, 8);
    expect(tm.snapshot().traces).toEqual([{ domain: 0, address: p - 20 * 16, size: 8 + 20 * 24, traceback: at(lineB) }]);
    pyMemFree(domains, p);
    expect(tm.snapshot().traces).toEqual([]);
    // A deep stack of this file's frames is read up to the limit asked for.
    const deep = (n: number): readonly TraceFrame[] => (n === 0 ? javascriptStackFrames(40) : deep(n - 1));
    const frames = deep(30);
    expect(frames).toHaveLength(40);
    expect(frames.slice(0, 32).every((f) => f.filename === THIS_FILE)).toBe(true);
  });
});

describe('tracemalloc: debug hooks', () => {
  it("the debug hooks' report includes the allocation traceback when wired to getTracebackOf", () => {
    setupDebugHooks(heap, domains, { allocationTraceback: (p) => tm.getTracebackOf(p) });
    tm.start(domains, 5);
    const p = siteA(pyMemMalloc, 32);
    heap.u8[p + 32] = 0; // damage the trailing guard
    const message = fatal(() => pyMemFree(domains, p));
    expect(message).toContain('bad trailing pad byte');
    expect(message).toContain(`Memory block allocated at (most recent call first):\n  File "${THIS_FILE}", line ${lineA}\n`);
    expect(message).not.toContain('Enable tracemalloc');
  });

  it('without tracing the report asks for tracemalloc', () => {
    setupDebugHooks(heap, domains, { allocationTraceback: (p) => tm.getTracebackOf(p) });
    const p = pyMemMalloc(domains, 32);
    heap.u8[p + 32] = 0;
    const message = fatal(() => pyMemFree(domains, p));
    expect(message).toContain('Enable tracemalloc to get the memory block allocation traceback');
    expect(message).not.toContain(THIS_FILE);
  });
});
