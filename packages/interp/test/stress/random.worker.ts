/**
 * A worker of the shared-generator stress scenario (random.scenario.ts
 * describes the run and the checks).
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { processDelayed, qsbrQuiescentState } from '@ft/qsbr';
import { decref } from '@ft/refcount';
import { callArgs, errToJs, intAsBigInt, intFromNumber, joinObjectsRuntime, type ObjectsRuntime } from '@ft/objects';
import { randomSeams } from '../../src/modules/random.js';
import { C_ABORT, C_GETRANDBITS, C_STATE, registerRandomSlots, type RandomParams, type RandomWorkerResult } from './random.scenario.js';

type Ctx = StressWorkerContext<RandomParams>;

const MAX_PROBLEMS = 8;

function body(ctx: Ctx, r: ObjectsRuntime): RandomWorkerResult {
  const t = r.t;
  const { ctrl, control } = ctx.params;
  if (control === 'no-critical-section') randomSeams.criticalSection = false;
  const state = Atomics.load(ctrl, C_STATE);
  const getrandbits = Atomics.load(ctrl, C_GETRANDBITS);
  const k32 = intFromNumber(t, 32);
  const k64 = intFromNumber(t, 64);
  const res: RandomWorkerResult = { ops: 0, words: [], pairs: [], errors: 0, problems: [] };
  for (let i = 0; !ctx.shouldStop(i); i++) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    const wide = i % 5 === 4;
    const v = callArgs(t, getrandbits, [state, wide ? k64 : k32]);
    if (v === 0) {
      res.errors++;
      const message = errToJs(t).message;
      if (res.problems.length < MAX_PROBLEMS) res.problems.push(message);
    } else {
      const x = intAsBigInt(t, v);
      decref(t.rc, v);
      if (wide) {
        res.pairs.push(res.words.length);
        res.words.push(Number(x & 0xffffffffn), Number(x >> 32n));
      } else {
        res.words.push(Number(x));
      }
    }
    res.ops = i + 1;
    if ((i & 63) === 0) {
      ctx.progress(i);
      qsbrQuiescentState(r.qsbr);
      processDelayed(r.qsbr);
    }
  }
  decref(t.rc, k32);
  decref(t.rc, k64);
  return res;
}

runStressWorker<RandomParams>((ctx) => {
  const r = joinObjectsRuntime(ctx.params.runtime, (slots) => {
    registerRandomSlots(slots);
  });
  try {
    return body(ctx, r);
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    throw error;
  } finally {
    r.close();
  }
});
