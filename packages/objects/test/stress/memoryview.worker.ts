/**
 * A worker of the memoryview stress scenario (memoryview.scenario.ts
 * describes the run and the checks).
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { processDelayed, qsbrQuiescentState } from '@ft/qsbr';
import { decref } from '@ft/refcount';
import { byteArrayAppend, byteArrayPop } from '../../src/bytearray.js';
import { bytesFromBytes } from '../../src/bytes.js';
import {
  errFetch,
  errOccurred,
  formatError,
  memoryIterNext,
  memoryViewAssSubscript,
  memoryViewCast,
  memoryViewFromObject,
  memoryViewIsReleased,
  memoryViewItem,
  memoryViewIter,
  memoryViewRelease,
  memoryViewSubscript,
  memoryViewToJs,
  type ObThread,
} from '../../src/index.js';
import { intAsBigInt, intAsNumber, intFromNumber, smallInt } from '../../src/int.js';
import { sliceNew } from '../../src/slice.js';
import { check, joinRuntime, type Runtime } from '../runtime.js';
import { C_ABORT, C_BYTEARRAY, C_RELEASED_AT, C_VIEW, MAX_WRITERS, SIZE, type MemoryViewParams, type MemoryViewWorkerResult } from './memoryview.scenario.js';

type Ctx = StressWorkerContext<MemoryViewParams>;

const MAX_PROBLEMS = 8;
const RELEASED = 'ValueError: operation forbidden on released memoryview object';
const EXPORTED = 'BufferError: Existing exports of data: object cannot be re-sized';

function note(res: MemoryViewWorkerResult, message: string): void {
  if (res.problems.length < MAX_PROBLEMS) res.problems.push(message);
}

/** The current error as text, cleared. */
function errorText(t: ObThread): string {
  const fetched = errFetch(t)!;
  const text = formatError(t, fetched);
  if (fetched.value !== 0) decref(t.rc, fetched.value);
  return text;
}

/** Sorts a failure into the expected kinds; anything else is an error. */
function failed(t: ObThread, res: MemoryViewWorkerResult, what: string): void {
  const text = errorText(t);
  if (text === RELEASED) res.released++;
  else if (text === EXPORTED) res.bufferErrors++;
  else {
    res.errors++;
    note(res, `${what}: ${text}`);
  }
}

function newResult(role: 'user' | 'resizer', index: number): MemoryViewWorkerResult {
  return { role, ops: 0, index, increments: 0, regions: 0, released: 0, resizesBefore: 0, resizesAfter: 0, bufferErrors: 0, reads: 0, badReads: 0, errors: 0, problems: [] };
}

/** One user operation on `target` (the shared view, or a fresh view once it is released). */
function userOp(t: ObThread, res: MemoryViewWorkerResult, target: number, w: number, i: number, writer: boolean): void {
  switch (i & 3) {
    case 0: {
      if (!writer) break;
      // Only w writes counter w: a read then a write, each under the view's section.
      const item = memoryViewItem(t, target, w);
      if (item === 0) return failed(t, res, 'read counter');
      const v = intAsNumber(t, item);
      decref(t.rc, item);
      if (memoryViewAssSubscript(t, target, smallInt(t, w), smallInt(t, (v + 1) & 0xff)) === 0) res.increments++;
      else failed(t, res, 'write counter');
      break;
    }
    case 1: {
      if (!writer) break;
      const d = memoryViewFromObject(t, target);
      if (d === 0) return failed(t, res, 'memoryview(V)');
      const lo = intFromNumber(t, 8 * (w + 1));
      const hi = intFromNumber(t, 8 * (w + 2));
      const key = check(t, sliceNew(t, lo, hi, t.none));
      decref(t.rc, lo);
      decref(t.rc, hi);
      const part = memoryViewSubscript(t, d, key);
      decref(t.rc, key);
      if (part === 0) {
        failed(t, res, 'slice');
      } else {
        const marker = check(t, bytesFromBytes(t, new Array<number>(8).fill(w + 1)));
        const all = check(t, sliceNew(t, t.none, t.none, t.none));
        if (memoryViewAssSubscript(t, part, all, marker) === 0) res.regions++;
        else failed(t, res, 'fill region');
        decref(t.rc, all);
        decref(t.rc, marker);
        const q = memoryViewCast(t, part, 'Q', 0);
        if (q === 0) {
          failed(t, res, 'cast');
        } else {
          const item = memoryViewItem(t, q, 0);
          if (item === 0) failed(t, res, 'read region');
          else {
            res.reads++;
            if (intAsBigInt(t, item) !== 0x0101010101010101n * BigInt(w + 1)) {
              res.badReads++;
              note(res, `region ${w}: 0x${intAsBigInt(t, item).toString(16)}`);
            }
            decref(t.rc, item);
          }
          if (memoryViewRelease(t, q) < 0) failed(t, res, 'release cast');
          decref(t.rc, q);
        }
        decref(t.rc, part);
      }
      if (memoryViewRelease(t, d) < 0) failed(t, res, 'release view');
      decref(t.rc, d);
      break;
    }
    case 2: {
      const it = memoryViewIter(t, target);
      if (it === 0) return failed(t, res, 'iter');
      for (let k = 0; k < 8; k++) {
        const x = memoryIterNext(t, it);
        if (x === 0) {
          if (errOccurred(t) !== 0) failed(t, res, 'iteration'); // the view released under it
          break;
        }
        res.reads++;
        decref(t.rc, x);
      }
      decref(t.rc, it);
      break;
    }
    default: {
      // A snapshot: each region byte is 0 or its writer's marker (a write under another view's section may be half done).
      const data = memoryViewToJs(t, target);
      if (data === null) return failed(t, res, 'tobytes');
      for (let k = 8; k < SIZE; k++) {
        res.reads++;
        const owner = (k >>> 3) - 1;
        if (data[k] !== 0 && data[k] !== owner + 1) {
          res.badReads++;
          note(res, `snapshot byte ${k}: 0x${data[k]!.toString(16)}`);
        }
      }
    }
  }
}

function body(ctx: Ctx, r: Runtime): MemoryViewWorkerResult {
  const t = r.t;
  const { ctrl } = ctx.params;
  const ba = Atomics.load(ctrl, C_BYTEARRAY);
  const view = Atomics.load(ctrl, C_VIEW);
  const res = newResult(ctx.role === 'user' ? 'user' : 'resizer', ctx.index);
  const releaseAt = Math.max(1, Math.floor(ctx.opsBudget / 4));
  for (let i = 0; !ctx.shouldStop(i); i++) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (res.role === 'user') {
      const writer = ctx.index < MAX_WRITERS;
      // Now and then the shared view even once released: every operation on it must then fail.
      if (!memoryViewIsReleased(t, view) || (i & 15) === 5) {
        userOp(t, res, view, ctx.index, i, writer);
      } else {
        const fresh = memoryViewFromObject(t, ba);
        if (fresh === 0) failed(t, res, 'fresh view');
        else {
          userOp(t, res, fresh, ctx.index, i, writer);
          decref(t.rc, fresh); // released by its dealloc
        }
      }
    } else {
      if (i === releaseAt) {
        if (memoryViewRelease(t, view) < 0) failed(t, res, 'release V');
        Atomics.store(ctrl, C_RELEASED_AT, i);
      }
      tryResize(t, r, res, ba, view);
    }
    res.ops = i + 1;
    if (res.role === 'resizer' && ctx.shouldStop(i + 1) && !memoryViewIsReleased(t, view)) {
      // A run stopped early by time still releases the view once.
      if (memoryViewRelease(t, view) < 0) failed(t, res, 'release V');
      Atomics.store(ctrl, C_RELEASED_AT, i);
    }
    if ((i & 63) === 0) {
      ctx.progress(i);
      qsbrQuiescentState(r.qsbr);
      processDelayed(r.qsbr);
    }
  }
  // Users may hold a view at every moment of the resizer's budget on a loaded machine: it then waits for a
  // gap (at the latest when the users are done), so that a resize after the release is always seen.
  for (let k = 0; res.role === 'resizer' && res.resizesAfter === 0; k++) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (k > 50_000_000) throw new Error('no resize after the release: exports never went');
    tryResize(t, r, res, ba, view);
    if ((k & 63) === 0) {
      qsbrQuiescentState(r.qsbr);
      processDelayed(r.qsbr);
    }
  }
  return res;
}

/** The resizer's step: `append(0)` then, if it went, `pop()` (retried while a view made meanwhile refuses it). */
function tryResize(t: ObThread, r: Runtime, res: MemoryViewWorkerResult, ba: number, view: number): void {
  const released = memoryViewIsReleased(t, view);
  if (byteArrayAppend(t, ba, smallInt(t, 0)) !== 0) return failed(t, res, 'append');
  if (released) res.resizesAfter++;
  else res.resizesBefore++;
  for (let k = 0; ; k++) {
    const popped = byteArrayPop(t, ba);
    if (popped !== 0) {
      decref(t.rc, popped);
      return;
    }
    failed(t, res, 'pop');
    if (k > 10_000_000) throw new Error('pop refused for too long');
    if ((k & 63) === 0) qsbrQuiescentState(r.qsbr);
  }
}

runStressWorker<MemoryViewParams>((ctx) => {
  const r = joinRuntime(ctx.params.runtime);
  try {
    return body(ctx, r);
  } catch (error) {
    Atomics.store(ctx.params.ctrl, C_ABORT, 1);
    throw error;
  } finally {
    r.close();
  }
});
