/**
 * One Mersenne Twister shared by real workers — CPython 3.13's free-threaded
 * contract for `random.Random` (every method under the generator's critical
 * section): each draw is whole, no word is drawn twice or lost, and the
 * state stays the one a single thread would have.
 *
 * `interp/random-shared-generator` — W workers (default 3) call
 * `_random.getrandbits(state, 32)` (one word) and, every fifth call,
 * `getrandbits(state, 64)` (two consecutive words, low first) on one state
 * object seeded with the run's seed, recording every word they get.
 *
 * Checks: the words all workers drew are, as a multiset, exactly the first
 * N words of a single-threaded generator with the same seed
 * (WORDS_CHECK); each 64-bit draw's two words are consecutive in that
 * stream (WHOLE_DRAWS_CHECK); the shared state afterwards equals the
 * single-threaded one after N words (STATE_CHECK); no call failed.
 *
 * Control (`control: 'no-critical-section'`, the seam
 * `randomSeams.criticalSection` off in the workers): two threads read the
 * same index, or one reads words the other is twisting, so words repeat
 * or go missing — WORDS_CHECK must fail. The state is a bytes object of a
 * fixed size, so the races corrupt words, never memory.
 */

import { attach, detach } from '@ft/atomics';
import type { CheckContext, StressCheck, StressScenario } from '@ft/harness';
import { decref } from '@ft/refcount';
import {
  callArgs,
  createObjectsRuntime,
  errToJs,
  intAsBigInt,
  intFromBigInt,
  moduleDict,
  tupleGetItem,
  type ObjectsRuntime,
  type ObjectsRuntimeHandle,
  type SlotRegistry,
} from '@ft/objects';
import { dictGetItemStrRef } from '../../src/modules/dict-util.js';
import { moduleCreate, registerModules, type RegisteredModule } from '../../src/modules/module-def.js';
import { genrandUint32, MT_STATE_WORDS, seedFromBigInt } from '../../src/modules/random-mt.js';
import { RANDOM_MODULE } from '../../src/modules/random.js';

/** Control words: a worker failed; the state object; `_random.getrandbits`. */
export const C_ABORT = 0;
export const C_STATE = 1;
export const C_GETRANDBITS = 2;
export const CONTROL_WORDS = 4;

export type RandomControl = 'none' | 'no-critical-section';

export interface RandomParams {
  readonly runtime: ObjectsRuntimeHandle;
  readonly ctrl: Int32Array;
  readonly control: RandomControl;
}

export interface RandomWorkerResult {
  ops: number;
  /** Every word drawn, in the order drawn. */
  words: number[];
  /** Indexes into `words` of the low words of 64-bit draws (the high word follows). */
  pairs: number[];
  errors: number;
  problems: string[];
}

interface RandomState {
  readonly r: ObjectsRuntime;
  readonly seed: bigint;
  detached: boolean;
  module: number;
  state: number;
  getrandbits: number;
}

export const WORDS_CHECK = 'the words all workers drew are exactly the first N words of one generator with the same seed (none repeated, none lost)';
export const WHOLE_DRAWS_CHECK = "every 64-bit draw's two words are consecutive in the single-threaded stream";
export const STATE_CHECK = 'the shared state afterwards equals a single-threaded generator after the same N words';
export const ERRORS_CHECK = 'no call failed';

/** What every thread registers, in the same order: the `_random` module's functions. */
export function registerRandomSlots(slots: SlotRegistry): Map<string, RegisteredModule> {
  return registerModules(slots, [RANDOM_MODULE]);
}

function reattach(state: RandomState): void {
  if (!state.detached) return;
  attach(state.r.participant);
  state.detached = false;
}

function ok(r: ObjectsRuntime, op: number): number {
  if (op === 0) throw errToJs(r.t);
  return op;
}

function setup(control: RandomControl, runSeed: number): { params: RandomParams; state: RandomState } {
  let registered: Map<string, RegisteredModule> | undefined;
  const r = createObjectsRuntime({ registerSlots: (slots) => (registered = registerRandomSlots(slots)) });
  const t = r.t;
  const module = ok(r, moduleCreate(t, registered!.get('_random')!));
  const fn = (name: string): number => ok(r, dictGetItemStrRef(t, moduleDict(t, module), name));
  const newState = fn('new_state');
  const seedFn = fn('seed');
  const getrandbits = fn('getrandbits');
  const state = ok(r, callArgs(t, newState, []));
  const seed = BigInt(runSeed) * 0x9e3779b97f4a7c15n; // a multi-word key
  const seedObj = ok(r, intFromBigInt(t, seed));
  decref(t.rc, ok(r, callArgs(t, seedFn, [state, seedObj])));
  decref(t.rc, seedObj);
  decref(t.rc, newState);
  decref(t.rc, seedFn);
  const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  Atomics.store(ctrl, C_STATE, state);
  Atomics.store(ctrl, C_GETRANDBITS, getrandbits);
  const s: RandomState = { r, seed, detached: false, module, state, getrandbits };
  detach(r.participant);
  s.detached = true;
  return { params: { runtime: r.handle, ctrl, control }, state: s };
}

function sum(results: readonly unknown[], key: 'ops' | 'errors'): number {
  let total = 0;
  for (const x of results) total += (x as RandomWorkerResult | undefined)?.[key] ?? 0;
  return total;
}

export const randomScenario: StressScenario<RandomParams, RandomState> = {
  name: 'interp/random-shared-generator',
  description: 'workers draw 32- and 64-bit values from one shared Mersenne Twister state; the words drawn are exactly one generator\'s first N, each 64-bit draw whole, the final state the single-threaded one',
  worker: new URL('./random.worker.ts', import.meta.url),
  defaultWorkers: 3,
  roles: (n) => Array.from({ length: n }, () => 'drawer'),
  opsPerWorker: 40_000,
  setup: (ctx) => setup('none', ctx.seed),
  check(ctx: CheckContext<RandomParams, RandomState>): StressCheck[] {
    const { state, results } = ctx;
    reattach(state);
    const t = state.r.t;
    const drawn = (results as (RandomWorkerResult | undefined)[]).filter((x) => x !== undefined);
    const all: number[] = [];
    for (const x of drawn) for (const w of x.words) all.push(w);
    const n = all.length;
    // The single-threaded stream and the state after it.
    const mt = new Uint32Array(MT_STATE_WORDS);
    seedFromBigInt(mt, 0, state.seed);
    const stream = new Uint32Array(n);
    for (let i = 0; i < n; i++) stream[i] = genrandUint32(mt, 0);
    const sortedDrawn = Uint32Array.from(all).sort();
    const sortedStream = stream.slice().sort();
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (sortedDrawn[i] !== sortedStream[i]) mismatches++;
    // Whole 64-bit draws: the high word right after the low one in the stream.
    const positions = new Map<number, number[]>();
    stream.forEach((w, i) => {
      const list = positions.get(w);
      if (list === undefined) positions.set(w, [i]);
      else list.push(i);
    });
    let pairs = 0;
    let torn = 0;
    for (const x of drawn) {
      for (const at of x.pairs) {
        pairs++;
        const lo = positions.get(x.words[at]!) ?? [];
        const hi = new Set(positions.get(x.words[at + 1]!) ?? []);
        if (!lo.some((p) => hi.has(p + 1))) torn++;
      }
    }
    // The shared state now.
    const getstate = ok(state.r, dictGetItemStrRef(t, moduleDict(t, state.module), 'getstate'));
    const tuple = ok(state.r, callArgs(t, getstate, [state.state]));
    let stateDiffers = 0;
    for (let i = 0; i < MT_STATE_WORDS; i++) if (Number(intAsBigInt(t, tupleGetItem(t, tuple, i))) !== mt[i]) stateDiffers++;
    decref(t.rc, tuple);
    decref(t.rc, getstate);
    const problems = drawn.flatMap((x) => x.problems).slice(0, 4);
    return [
      { name: WORDS_CHECK, ok: mismatches === 0 && n > 0, detail: `${n} words drawn, ${mismatches} positions of the sorted multisets differ` },
      { name: WHOLE_DRAWS_CHECK, ok: torn === 0, detail: `${torn} of ${pairs} 64-bit draws not consecutive` },
      { name: STATE_CHECK, ok: stateDiffers === 0, detail: `${stateDiffers} of ${MT_STATE_WORDS} state words differ` },
      { name: ERRORS_CHECK, ok: sum(results, 'errors') === 0, detail: `${sum(results, 'errors')} errors${problems.length > 0 ? ': ' + problems.join(' | ') : ''}` },
    ];
  },
  metrics: ({ results }) => [{ name: 'calls', value: sum(results, 'ops'), unit: '' }],
  teardown: (state) => {
    if (state.detached) {
      // After a hang the workers were terminated wherever they were: only the heap is closed then.
      state.r.heap.close();
      return;
    }
    const rc = state.r.t.rc;
    decref(rc, state.state);
    decref(rc, state.getrandbits);
    decref(rc, state.module);
    state.r.close();
  },
};

/** The control: the workers draw without the critical section (see the file comment). */
export const randomControlScenario: StressScenario<RandomParams, RandomState> = {
  ...randomScenario,
  name: 'interp/random-shared-generator-control',
  setup: (ctx) => setup('no-critical-section', ctx.seed),
};

/** The scenario (for a stress report that loads this file; the control is run by the stress test only). */
export const scenarios = [randomScenario];
