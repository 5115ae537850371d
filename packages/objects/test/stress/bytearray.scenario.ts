/**
 * One bytearray mutated by real workers at once — CPython 3.14's contract
 * for bytearray (every operation under the object's critical section),
 * which 3.13's bytearray did not keep. The run uses `mimalloc_debug`: a
 * buffer freed under a reader reads 0xDD, which is no marker.
 *
 * `objects/bytearray-mutators` — W workers (default 3): W−1 mutators and
 * one reader. Mutator w owns the marker byte w+1 and, per operation, in
 * turn: `b.append(m)`, `b.extend(bytes([m, m, m]))`, `b.pop()`,
 * `b.insert(0, m)`, `b.remove(m)`, `b.pop(0)`, `b += bytes([m])`, and a
 * read of `b[-1]`; every popped byte is counted by its value, every
 * expected failure by its kind ("pop from empty bytearray", "value not
 * found in bytearray", BufferError while the reader holds an export). The
 * reader takes snapshots (`bytes(b)`), holds buffer exports while it reads
 * the whole view, counts a marker (`b.count(m)`) and iterates.
 *
 * Checks: for every marker, the bytes left in `b` are exactly those added
 * less those popped and removed (CONSERVATION_CHECK), and the length
 * agrees; every byte anyone read was a marker, never freed memory
 * (READS_CHECK); no other error; no export left (EXPORTS_CHECK).
 *
 * Control (`control: 'no-critical-section'`, the seam
 * `byteArraySeams.criticalSection` off in the workers): W mutators only
 * append their markers to a bytearray the main thread pre-sized so that
 * no append reallocates (nothing is freed: the run stays memory-safe);
 * without the lock two appends read the same size and one byte is lost —
 * CONSERVATION_CHECK must fail.
 */

import { attach, detach } from '@ft/atomics';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { decref, getRefcount } from '@ft/refcount';
import { byteArrayAppend, byteArrayExports, byteArrayNew, byteArrayRead, byteArraySize, byteArrayToJs } from '../../src/bytearray.js';
import { intFromBigInt } from '../../src/index.js';
import { check, makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

/** Control words: a worker failed; the bytearray. */
export const C_ABORT = 0;
export const C_BYTEARRAY = 1;
export const CONTROL_WORDS = 4;

/** The byte the control's pre-sized bytearray is filled with (no worker's marker). */
export const PREFILL = 0x7e;
/** Bytes the control's bytearray starts with: its allocation then leaves room for PREFILL_SIZE / 8 appends without a reallocation. */
export const PREFILL_SIZE = 1_600_000;

export type BytearrayControl = 'none' | 'no-critical-section';

export interface BytearrayParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
  readonly control: BytearrayControl;
}

export interface BytearrayWorkerResult {
  readonly role: 'mutator' | 'reader';
  ops: number;
  /** The marker (mutators). */
  marker: number;
  /** Bytes of the marker added (append, extend, insert, +=). */
  added: number;
  /** Bytes removed by `remove(m)`. */
  removed: number;
  /** Popped bytes counted by value (index = the byte). */
  popped: number[];
  emptyPops: number;
  notFound: number;
  bufferErrors: number;
  /** Bytes read (snapshots, views, items, iteration) and those that were no marker. */
  reads: number;
  badReads: number;
  /** Reader: exports held and the bytes read through them. */
  exports: number;
  errors: number;
  problems: string[];
}

interface BytearrayState {
  readonly r: Runtime;
  detached: boolean;
  ba: number;
  prefill: number;
}

export const CONSERVATION_CHECK = 'for every marker, the bytes left in the bytearray are exactly those added less those popped and removed, and its length agrees';
export const READS_CHECK = 'every byte any thread read (snapshots, exports, items, iteration) was a marker — never freed memory (0xDD) or a torn value';
export const ERRORS_CHECK = 'no operation failed but with the expected errors (pop from an empty bytearray, a value not found, BufferError while exported)';
export const EXPORTS_CHECK = 'no buffer export is left and the bytearray is held by the main thread alone';

function sum(results: readonly unknown[], key: keyof BytearrayWorkerResult): number {
  let total = 0;
  for (const x of results) total += ((x as Record<string, number> | undefined)?.[key] as number | undefined) ?? 0;
  return total;
}

function problems(results: readonly unknown[]): string {
  const all: string[] = [];
  for (const x of results) all.push(...((x as { problems?: string[] } | undefined)?.problems ?? []));
  return all.length === 0 ? '' : ` — first problems: ${all.slice(0, 4).join(' | ')}`;
}

function reattach(state: BytearrayState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

/**
 * A runtime and the shared bytearray: empty, or for the control
 * PREFILL_SIZE + 1 bytes of PREFILL whose allocation (grown once by
 * CPython's policy, by an eighth) leaves room for its appends, so that
 * none reallocates while the lock is off.
 */
function setup(control: BytearrayControl): { params: BytearrayParams; state: BytearrayState } {
  const r = makeRuntime({ allocator: 'mimalloc_debug' });
  const t = r.t;
  const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  let ba: number;
  let prefill = 0;
  if (control === 'none') {
    ba = check(t, byteArrayNew(t));
  } else {
    const size = check(t, intFromBigInt(t, BigInt(PREFILL_SIZE)));
    ba = check(t, byteArrayNew(t, size));
    decref(t.rc, size);
    check(t, byteArrayAppend(t, ba, t.u32[t.smallIntsIndex + 5 + PREFILL]!));
    prefill = PREFILL_SIZE + 1;
    byteArrayRead(t, ba, (addr, n) => t.heap.fill(addr, PREFILL, n)); // SAFETY: not shared yet
  }
  Atomics.store(ctrl, C_BYTEARRAY, ba);
  const state: BytearrayState = { r, detached: false, ba, prefill };
  detach(r.participant);
  state.detached = true;
  return { params: { runtime: r.handle, ctrl, control }, state };
}

export const bytearrayScenario: StressScenario<BytearrayParams, BytearrayState> = {
  name: 'objects/bytearray-mutators',
  description:
    'mutators append, extend, pop, insert, remove and += on one bytearray while a reader snapshots it, holds buffer exports and iterates; per-marker conservation exact, every read a marker, no export left',
  worker: new URL('./bytearray.worker.ts', import.meta.url),
  defaultWorkers: 3,
  roles: (n) => {
    if (n < 2) throw new Error('objects/bytearray-mutators needs at least 2 workers');
    return Array.from({ length: n }, (_, w) => (w < n - 1 ? 'mutator' : 'reader'));
  },
  opsPerWorker: 20_000,
  setup: () => setup('none'),
  check(ctx: CheckContext<BytearrayParams, BytearrayState>): StressCheck[] {
    const { state, results, params } = ctx;
    reattach(state);
    const t = state.r.t;
    const ba = state.ba;
    const mutators = (results as BytearrayWorkerResult[]).filter((x) => x?.role === 'mutator');
    const content = byteArrayToJs(t, ba);
    const counts = new Array<number>(256).fill(0);
    for (const b of content) counts[b]!++;
    const markers = ctx.roles.map((_, w) => w + 1).slice(0, params.control === 'none' ? ctx.workers - 1 : ctx.workers);
    const popped = new Array<number>(256).fill(0);
    for (const m of mutators) m.popped.forEach((n, b) => (popped[b]! += n));
    const wrong: string[] = [];
    let expectedLength = state.prefill;
    for (const m of markers) {
      const mine = mutators.find((x) => x.marker === m);
      const expected = (mine?.added ?? 0) - (mine?.removed ?? 0) - popped[m]!;
      expectedLength += expected;
      if (counts[m] !== expected) wrong.push(`marker ${m}: ${counts[m]} left, ${expected} expected (${mine?.added} added, ${mine?.removed} removed, ${popped[m]} popped)`);
    }
    const prefillLeft = counts[PREFILL]! + popped[PREFILL]!;
    if (prefillLeft !== state.prefill) wrong.push(`${prefillLeft} prefill bytes accounted for, ${state.prefill} expected`);
    const strays = content.length - markers.reduce((n, m) => n + counts[m]!, 0) - counts[PREFILL]!;
    const p = problems(results);
    const S = (k: keyof BytearrayWorkerResult): number => sum(results, k);
    const length = byteArraySize(t, ba);
    const exports = byteArrayExports(t, ba);
    const refs = getRefcount(t.rc, ba);
    return [
      { name: CONSERVATION_CHECK, ok: wrong.length === 0 && length === expectedLength && strays === 0, detail: `length ${length} (${expectedLength} expected), ${strays} stray bytes${wrong.length > 0 ? ': ' + wrong.slice(0, 3).join('; ') : ''}` },
      { name: READS_CHECK, ok: S('badReads') === 0, detail: `${S('badReads')} of ${S('reads')} bytes read were no marker${p}` },
      { name: ERRORS_CHECK, ok: S('errors') === 0, detail: `${S('errors')} unexpected errors; expected ones: ${S('emptyPops')} empty pops, ${S('notFound')} not found, ${S('bufferErrors')} BufferErrors${p}` },
      { name: EXPORTS_CHECK, ok: exports === 0 && refs === 1, detail: `${exports} exports, refcount ${refs}` },
      {
        name: 'coverage: bytes were added, popped and removed, and the reader held exports while mutators ran',
        ok: params.control !== 'none' || (S('added') > 0 && popped.some((n) => n > 0) && S('removed') > 0 && S('exports') > 0),
        detail: `${S('added')} added, ${popped.reduce((a, b) => a + b, 0)} popped, ${S('removed')} removed, ${S('exports')} exports, ${S('bufferErrors')} BufferErrors`,
      },
    ];
  },
  metrics: ({ results }) => [
    { name: 'bytes added', value: sum(results, 'added'), unit: '' },
    { name: 'bytes removed', value: sum(results, 'removed'), unit: '' },
    { name: 'bytes read', value: sum(results, 'reads'), unit: '' },
    { name: 'exports', value: sum(results, 'exports'), unit: '' },
    { name: 'BufferErrors', value: sum(results, 'bufferErrors'), unit: '' },
  ],
  teardown: (state) => {
    if (state.detached) {
      // After a hang the workers were terminated wherever they were: only the heap is closed then.
      state.r.heap.close();
      return;
    }
    decref(state.r.t.rc, state.ba);
    state.r.close();
  },
};

/** The control: every worker a mutator that only appends, the seam off, the bytearray pre-sized (see `setup`). */
export const bytearrayControlScenario: StressScenario<BytearrayParams, BytearrayState> = {
  ...bytearrayScenario,
  name: 'objects/bytearray-mutators-control',
  roles: (n) => Array.from({ length: n }, () => 'mutator'),
  setup: () => setup('no-critical-section'),
};

/** The bytearray scenario (for a stress report that loads this file; the control is run by the stress test only). */
export const scenarios = [bytearrayScenario];
