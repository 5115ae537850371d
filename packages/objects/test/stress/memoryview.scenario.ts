/**
 * Memoryviews of one bytearray used by real workers at once, and released
 * under them (memoryview.ts's contract: items read and written under the
 * view's critical section, which release() takes; every view holds an
 * export of the bytearray until it is released). The run uses
 * `mimalloc_debug`: a buffer freed under a view reads 0xDD.
 *
 * `objects/memoryview-release-race` — W workers (default 3): W−1 users and
 * one resizer. The main thread makes a bytearray of 64 zero bytes and a
 * view V of it, shared by all. User w (w < 8) owns the counter byte w and
 * the region of 8 bytes at 8(w+1); per operation, in turn, through V
 * while V is not released and through a fresh view of the bytearray once
 * it is: it increments its counter (read, then write: only w writes it);
 * it makes a view of V (`memoryview(V)`, a slice, a cast to 'Q'), fills
 * its region with w+1 through the slice and reads it back through the
 * cast; it iterates V's first items. The resizer tries `append` then `pop`
 * on the bytearray (a pop refused by an export is retried; after its budget
 * it keeps trying until one resize after the release went) and, a quarter
 * of the way through its budget, releases V — once; users, who still try
 * V now and then, see "operation forbidden on released memoryview object".
 *
 * Checks: every counter equals its user's successful increments (mod 256)
 * and every written region is its user's marker — no write lost, torn or
 * made into freed memory (COUNTERS_CHECK); no resize succeeded before V's
 * release, some after (RESIZE_CHECK); no error but the expected ones
 * (ERRORS_CHECK); the bytearray has its 64 bytes, no export, and only the
 * main thread's references to it and to V (EXPORTS_CHECK).
 */

import { attach, detach } from '@ft/atomics';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { decref, getRefcount } from '@ft/refcount';
import { byteArrayExports, byteArrayFromBytes, byteArrayToJs } from '../../src/bytearray.js';
import { memoryViewFromObject, memoryViewIsReleased } from '../../src/index.js';
import { check, makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

/** Control words: a worker failed; the bytearray; the shared view; the resizer's op index at release (0: not yet). */
export const C_ABORT = 0;
export const C_BYTEARRAY = 1;
export const C_VIEW = 2;
export const C_RELEASED_AT = 3;
export const CONTROL_WORDS = 4;

/** Bytes of the shared bytearray: 8 counters, then one 8-byte region per user. */
export const SIZE = 64;
/** Users beyond this many share no bytes with anyone (they only read). */
export const MAX_WRITERS = 7;

export interface MemoryViewParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
}

export interface MemoryViewWorkerResult {
  readonly role: 'user' | 'resizer';
  ops: number;
  /** User: its index, successful increments of its counter, regions written and read back. */
  index: number;
  increments: number;
  regions: number;
  /** Released-view errors (expected once V is released). */
  released: number;
  /** Resizer: resizes that succeeded before / after V's release, refused ones. */
  resizesBefore: number;
  resizesAfter: number;
  bufferErrors: number;
  /** Items read and those that were not what their writer left there (freed memory, torn values). */
  reads: number;
  badReads: number;
  errors: number;
  problems: string[];
}

interface MemoryViewState {
  readonly r: Runtime;
  detached: boolean;
  ba: number;
  view: number;
}

export const COUNTERS_CHECK = "every counter byte equals its user's successful increments (mod 256) and every region its user's marker: no write lost, torn or made into freed memory";
export const RESIZE_CHECK = "no resize of the bytearray succeeded while the shared view was not released, and some did after";
export const ERRORS_CHECK = 'no operation failed but with the expected errors (BufferError on a resize while exported, ValueError on the released view)';
export const EXPORTS_CHECK = 'the bytearray keeps its 64 bytes, no export is left, and only the main thread holds the bytearray and the view';

function sum(results: readonly unknown[], key: keyof MemoryViewWorkerResult): number {
  let total = 0;
  for (const x of results) total += ((x as Record<string, number> | undefined)?.[key] as number | undefined) ?? 0;
  return total;
}

function problems(results: readonly unknown[]): string {
  const all: string[] = [];
  for (const x of results) all.push(...((x as { problems?: string[] } | undefined)?.problems ?? []));
  return all.length === 0 ? '' : ` — first problems: ${all.slice(0, 4).join(' | ')}`;
}

function reattach(state: MemoryViewState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

function setup(): { params: MemoryViewParams; state: MemoryViewState } {
  const r = makeRuntime({ allocator: 'mimalloc_debug' });
  const t = r.t;
  const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  const ba = check(t, byteArrayFromBytes(t, new Array<number>(SIZE).fill(0)));
  const view = check(t, memoryViewFromObject(t, ba));
  Atomics.store(ctrl, C_BYTEARRAY, ba);
  Atomics.store(ctrl, C_VIEW, view);
  const state: MemoryViewState = { r, detached: false, ba, view };
  detach(r.participant);
  state.detached = true;
  return { params: { runtime: r.handle, ctrl }, state };
}

export const memoryViewScenario: StressScenario<MemoryViewParams, MemoryViewState> = {
  name: 'objects/memoryview-release-race',
  description:
    'users read and write a bytearray through a shared memoryview and views made from it while a resizer tries to resize the bytearray and releases the view a quarter of the way; counters exact, regions intact, no resize while exported',
  worker: new URL('./memoryview.worker.ts', import.meta.url),
  defaultWorkers: 3,
  roles: (n) => {
    if (n < 2) throw new Error('objects/memoryview-release-race needs at least 2 workers');
    return Array.from({ length: n }, (_, w) => (w < n - 1 ? 'user' : 'resizer'));
  },
  opsPerWorker: 20_000,
  setup,
  check(ctx: CheckContext<MemoryViewParams, MemoryViewState>): StressCheck[] {
    const { state, results } = ctx;
    reattach(state);
    const t = state.r.t;
    const content = byteArrayToJs(t, state.ba);
    const users = (results as MemoryViewWorkerResult[]).filter((x) => x?.role === 'user');
    const wrong: string[] = [];
    for (const u of users) {
      if (u.index >= MAX_WRITERS) continue;
      if (content[u.index] !== u.increments % 256) wrong.push(`counter ${u.index}: ${content[u.index]}, ${u.increments % 256} expected`);
      if (u.regions > 0) {
        for (let k = 0; k < 8; k++) if (content[8 * (u.index + 1) + k] !== u.index + 1) wrong.push(`region ${u.index} byte ${k}: ${content[8 * (u.index + 1) + k]}`);
      }
    }
    const p = problems(results);
    const S = (k: keyof MemoryViewWorkerResult): number => sum(results, k);
    const exports = byteArrayExports(t, state.ba);
    const refs = getRefcount(t.rc, state.ba);
    const viewRefs = getRefcount(t.rc, state.view);
    return [
      { name: COUNTERS_CHECK, ok: wrong.length === 0 && S('badReads') === 0, detail: `${S('increments')} increments, ${S('regions')} regions written, ${S('badReads')} of ${S('reads')} reads wrong${wrong.length > 0 ? ': ' + wrong.slice(0, 3).join('; ') : ''}${p}` },
      {
        name: RESIZE_CHECK,
        ok: S('resizesBefore') === 0 && S('resizesAfter') > 0 && memoryViewIsReleased(t, state.view),
        detail: `${S('resizesBefore')} resizes before the release, ${S('resizesAfter')} after, ${S('bufferErrors')} refused`,
      },
      { name: ERRORS_CHECK, ok: S('errors') === 0, detail: `${S('errors')} unexpected errors; ${S('bufferErrors')} BufferErrors, ${S('released')} released-view errors${p}` },
      { name: EXPORTS_CHECK, ok: content.length === SIZE && exports === 0 && refs === 2 && viewRefs === 1, detail: `length ${content.length}, ${exports} exports, refcounts ${refs} (bytearray: main and view) and ${viewRefs} (view)` },
      {
        name: 'coverage: users incremented, wrote regions and met the released view',
        ok: S('increments') > 0 && S('regions') > 0 && S('released') > 0,
        detail: `${S('increments')} increments, ${S('regions')} regions, ${S('released')} released-view errors`,
      },
    ];
  },
  metrics: ({ results }) => [
    { name: 'increments', value: sum(results, 'increments'), unit: '' },
    { name: 'regions written', value: sum(results, 'regions'), unit: '' },
    { name: 'resizes', value: sum(results, 'resizesAfter'), unit: '' },
    { name: 'BufferErrors', value: sum(results, 'bufferErrors'), unit: '' },
    { name: 'released-view errors', value: sum(results, 'released'), unit: '' },
  ],
  teardown: (state) => {
    if (state.detached) {
      // After a hang the workers were terminated wherever they were: only the heap is closed then.
      state.r.heap.close();
      return;
    }
    decref(state.r.t.rc, state.view);
    decref(state.r.t.rc, state.ba);
    state.r.close();
  },
};

/** The memoryview scenario (for a stress report that loads this file). */
export const scenarios = [memoryViewScenario];
