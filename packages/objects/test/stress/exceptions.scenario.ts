/**
 * Exceptions with real workers, in the spirit of CPython 3.14's critical
 * sections in `Objects/exceptions.c` (own code): one exception E shared by
 * every worker, its fields replaced and read at once, and each thread's
 * exception state chaining E as the handled exception while E's
 * `__context__` chain changes under the walk. The run uses
 * `mimalloc_debug` (an object freed under a reader reads type word
 * 0xDDDDDDDD) and keeps automatic collections off; the main thread makes E
 * (with its `__notes__` list) and detaches until the check.
 *
 * `objects/exception-fields` — W workers (default 3), each doing, per
 * operation:
 * - writers (even workers): a fresh `KeyError(m)` (m an int unique to the
 *   worker and operation, a heap int) stored as E's `__context__` or
 *   `__cause__` (`objectSetAttr`: the exception's critical section; the
 *   one replaced is released at once), E's `args` replaced by a fresh
 *   `(m,)`, and a note added (`add_note`);
 * - readers (odd workers): E's `__context__`, `__cause__` and `args` read
 *   (`objectGetAttr`): None, or a live KeyError whose one argument is an
 *   int, or a 1-tuple of an int — never a freed or foreign object
 *   (FIELDS_CHECK);
 * - everyone: E set as the thread's handled exception, a lazy ValueError
 *   raised and taken (`errGetRaisedException`): its `__context__` is E
 *   (CHAIN_CHECK) — the chain walk of `_PyErr_SetObject` runs along E's
 *   context while writers replace it.
 * At the end the main thread checks that E's `__notes__` holds exactly one
 * note per `add_note` (NOTES_CHECK), releases E and collects: no exception
 * object is left and the GC objects are back to their number before the
 * run (ACCOUNTING_CHECK).
 */

import { attach, detach } from '@ft/atomics';
import { gcCollect, gcDisable, gcVisitObjects } from '@ft/gc';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { decref, OB_TYPE_OFFSET, processMergeQueue } from '@ft/refcount';
import { exceptionAddNote, exceptionCall, listSize, objectGetAttr, StaticType, strFromJs, TPFLAGS_BASE_EXC_SUBCLASS, typeHasFlag } from '../../src/index.js';
import { check, makeRuntime, type Runtime, type RuntimeHandle } from '../runtime.js';

/** Control words: a worker failed; the shared exception E; the note str. */
export const C_ABORT = 0;
export const C_EXC = 1;
export const C_NOTE = 2;
export const CONTROL_WORDS = 4;

export interface ExceptionParams {
  readonly runtime: RuntimeHandle;
  readonly ctrl: Int32Array;
}

export interface ExceptionWorkerResult {
  readonly role: 'writer' | 'reader';
  ops: number;
  stores: number;
  notes: number;
  reads: number;
  /** Reads that found an exception (not None) in `__context__` or `__cause__`. */
  hits: number;
  badReads: number;
  raises: number;
  badChains: number;
  errors: number;
  problems: string[];
}

interface ExceptionState {
  readonly r: Runtime;
  detached: boolean;
  gcObjects: number;
}

export const FIELDS_CHECK = 'every read of E’s __context__, __cause__ and args gave None, a live KeyError of one int, or a 1-tuple of an int (never a freed object), and no store raised';
export const CHAIN_CHECK = 'every exception raised while E was handled has E as its __context__, E’s chain changing under the walk';
export const NOTES_CHECK = 'E’s __notes__ holds exactly one note per add_note';
export const ACCOUNTING_CHECK = 'after E is released and collected, no exception object is left and the GC objects are back to their number before the run';

function gcObjects(r: Runtime, exceptionsOnly: boolean): number {
  const t = r.t;
  let n = 0;
  // SAFETY: plain reads: the workers are gone and the collector's visit stops the world.
  gcVisitObjects(r.gt, (op) => {
    if (!exceptionsOnly || typeHasFlag(t, t.u32[(op + OB_TYPE_OFFSET) >>> 2]!, TPFLAGS_BASE_EXC_SUBCLASS)) n++;
    return true;
  });
  return n;
}

function sum(results: readonly unknown[], key: keyof ExceptionWorkerResult): number {
  let total = 0;
  for (const x of results) total += ((x as Record<string, number> | undefined)?.[key] as number | undefined) ?? 0;
  return total;
}

function problems(results: readonly unknown[]): string {
  const all: string[] = [];
  for (const x of results) all.push(...((x as { problems?: string[] } | undefined)?.problems ?? []));
  return all.length === 0 ? '' : ` — first problems: ${all.slice(0, 4).join(' | ')}`;
}

function reattach(state: ExceptionState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

export const exceptionScenario: StressScenario<ExceptionParams, ExceptionState> = {
  name: 'objects/exception-fields',
  description: 'writers replace the __context__, __cause__ and args of one shared exception and add notes while readers read them and every worker raises with it as the handled exception; reads are never freed objects, chains are right, notes exact, everything collected',
  worker: new URL('./exceptions.worker.ts', import.meta.url),
  defaultWorkers: 3,
  roles: (n) => {
    if (n < 2) throw new Error('objects/exception-fields needs at least 2 workers');
    return Array.from({ length: n }, (_, w) => (w % 2 === 0 ? 'writer' : 'reader'));
  },
  opsPerWorker: 4000,
  setup: () => {
    // Collections are off during the run, so the exceptions chained into cycles stay until the end: room
    // for a timed run (the stress report's) as well as the budgeted one.
    const r = makeRuntime({ allocator: 'mimalloc_debug', heapSize: 512 << 20 });
    gcDisable(r.gt);
    const t = r.t;
    const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    const state: ExceptionState = { r, detached: false, gcObjects: 0 };
    gcCollect(r.gt);
    state.gcObjects = gcObjects(r, false);
    const e = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple));
    const note = check(t, strFromJs(t, 'note'));
    check(t, exceptionAddNote(t, e, note)); // the list exists before the workers add to it
    Atomics.store(ctrl, C_EXC, e);
    Atomics.store(ctrl, C_NOTE, note);
    detach(r.participant);
    state.detached = true;
    return { params: { runtime: r.handle, ctrl }, state };
  },
  check(ctx: CheckContext<ExceptionParams, ExceptionState>): StressCheck[] {
    const { state, params, results } = ctx;
    reattach(state);
    const { r } = state;
    const t = r.t;
    const p = problems(results);
    processMergeQueue(t.rc);
    const e = Atomics.load(params.ctrl, C_EXC);
    const note = Atomics.load(params.ctrl, C_NOTE);
    const name = check(t, strFromJs(t, '__notes__'));
    const notes = check(t, objectGetAttr(t, e, name));
    const noteCount = listSize(t, notes);
    decref(t.rc, notes);
    decref(t.rc, name);
    decref(t.rc, e);
    decref(t.rc, note);
    processMergeQueue(t.rc);
    gcCollect(r.gt);
    const leftExceptions = gcObjects(r, true);
    const after = gcObjects(r, false);
    const S = (k: keyof ExceptionWorkerResult): number => sum(results, k);
    return [
      { name: FIELDS_CHECK, ok: S('badReads') === 0 && S('errors') === 0, detail: `${S('badReads')} wrong of ${S('reads')} reads (${S('hits')} found an exception), ${S('errors')} errors in ${S('stores')} stores${p}` },
      // A timed run (the stress report) has no budget to count against: it must have raised at all.
      { name: CHAIN_CHECK, ok: S('badChains') === 0 && (ctx.opsPerWorker === Infinity ? S('raises') > 0 : S('raises') === ctx.workers * ctx.opsPerWorker), detail: `${S('badChains')} wrong of ${S('raises')} raises${p}` },
      { name: NOTES_CHECK, ok: noteCount === 1 + S('notes'), detail: `${noteCount} notes for ${1 + S('notes')} add_note calls` },
      { name: ACCOUNTING_CHECK, ok: leftExceptions === 0 && after === state.gcObjects, detail: `${leftExceptions} exceptions left, ${after} GC objects (${state.gcObjects} before)` },
      { name: 'coverage: readers found exceptions in the fields while writers replaced them', ok: S('hits') > 0 && S('stores') > 0, detail: `${S('hits')} of ${S('reads')} reads found an exception, ${S('stores')} stores` },
    ];
  },
  metrics: ({ results }) => [
    { name: 'field stores', value: sum(results, 'stores'), unit: '' },
    { name: 'field reads', value: sum(results, 'reads'), unit: '' },
    { name: 'chained raises', value: sum(results, 'raises'), unit: '' },
  ],
  teardown: (state) => {
    reattach(state);
    state.r.close();
  },
};

/** The exceptions scenario (for a stress report that loads this file). */
export const scenarios = [exceptionScenario];
