/**
 * A worker of the bytearray stress scenario (bytearray.scenario.ts
 * describes the run and the checks).
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { processDelayed, qsbrQuiescentState } from '@ft/qsbr';
import { decref } from '@ft/refcount';
import { bufferRelease, objectGetBuffer, PYBUF_SIMPLE } from '../../src/buffer.js';
import {
  byteArrayAppend,
  byteArrayExtend,
  byteArrayGetItem,
  byteArrayInplaceConcat,
  byteArrayInsert,
  byteArrayIter,
  byteArrayIterNext,
  byteArrayPop,
  byteArrayRemove,
  byteArraySeams,
  byteArrayToJs,
} from '../../src/bytearray.js';
import { bytesFromBytes } from '../../src/bytes.js';
import { bytesCount } from '../../src/bytes-methods.js';
import { errFetch, formatError, type ObThread } from '../../src/index.js';
import { intAsNumber, smallInt } from '../../src/int.js';
import { check, joinRuntime, type Runtime } from '../runtime.js';
import { C_ABORT, C_BYTEARRAY, PREFILL, type BytearrayParams, type BytearrayWorkerResult } from './bytearray.scenario.js';

type Ctx = StressWorkerContext<BytearrayParams>;

const MAX_PROBLEMS = 8;

function note(res: BytearrayWorkerResult, message: string): void {
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
function failed(t: ObThread, res: BytearrayWorkerResult, what: string): void {
  const text = errorText(t);
  if (text === 'IndexError: pop from empty bytearray' || text === 'IndexError: bytearray index out of range') res.emptyPops++;
  else if (text === 'ValueError: value not found in bytearray') res.notFound++;
  else if (text === 'BufferError: Existing exports of data: object cannot be re-sized') res.bufferErrors++;
  else {
    res.errors++;
    note(res, `${what}: ${text}`);
  }
}

function body(ctx: Ctx, r: Runtime): BytearrayWorkerResult {
  const t = r.t;
  const { ctrl, control } = ctx.params;
  if (control === 'no-critical-section') byteArraySeams.criticalSection = false;
  const ba = Atomics.load(ctrl, C_BYTEARRAY);
  const markers = control === 'none' ? ctx.workers - 1 : ctx.workers;
  const valid = (b: number): boolean => (b >= 1 && b <= markers) || (control !== 'none' && b === PREFILL);
  const mutator = ctx.role === 'mutator';
  const m = ctx.index + 1;
  const marker = smallInt(t, m);
  const three = check(t, bytesFromBytes(t, [m, m, m]));
  const one = check(t, bytesFromBytes(t, [m]));
  const res: BytearrayWorkerResult = {
    role: mutator ? 'mutator' : 'reader',
    ops: 0,
    marker: mutator ? m : 0,
    added: 0,
    removed: 0,
    popped: new Array<number>(256).fill(0),
    emptyPops: 0,
    notFound: 0,
    bufferErrors: 0,
    reads: 0,
    badReads: 0,
    exports: 0,
    errors: 0,
    problems: [],
  };
  const readByte = (b: number, where: string): void => {
    res.reads++;
    if (!valid(b)) {
      res.badReads++;
      note(res, `${where}: byte 0x${b.toString(16)}`);
    }
  };
  const popped = (op: number, what: string): void => {
    if (op === 0) return failed(t, res, what);
    const b = intAsNumber(t, op);
    readByte(b, what);
    res.popped[b]!++;
  };
  for (let i = 0; !ctx.shouldStop(i); i++) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (mutator && control !== 'none') {
      // The control: appends only (the bytearray was sized so that none reallocates).
      if (byteArrayAppend(t, ba, marker) === 0) res.added++;
      else failed(t, res, 'append');
    } else if (mutator) {
      switch (i & 7) {
        case 0:
          if (byteArrayAppend(t, ba, marker) === 0) res.added++;
          else failed(t, res, 'append');
          break;
        case 1:
          if (byteArrayExtend(t, ba, three) === 0) res.added += 3;
          else failed(t, res, 'extend');
          break;
        case 2:
          popped(byteArrayPop(t, ba), 'pop()');
          break;
        case 3:
          if (byteArrayInsert(t, ba, 0, marker) === 0) res.added++;
          else failed(t, res, 'insert');
          break;
        case 4:
          if (byteArrayRemove(t, ba, marker) === 0) res.removed++;
          else failed(t, res, 'remove');
          break;
        case 5:
          popped(byteArrayPop(t, ba, 0), 'pop(0)');
          break;
        case 6: {
          const self = byteArrayInplaceConcat(t, ba, one);
          if (self !== 0) {
            decref(t.rc, self);
            res.added++;
          } else failed(t, res, '+=');
          break;
        }
        default: {
          const item = byteArrayGetItem(t, ba, -1);
          if (item === 0) failed(t, res, 'b[-1]');
          else readByte(intAsNumber(t, item), 'b[-1]');
        }
      }
    } else {
      switch (i & 3) {
        case 0: {
          for (const b of byteArrayToJs(t, ba)) readByte(b, 'snapshot');
          break;
        }
        case 1: {
          // An export held while reading the whole view: resizes fail meanwhile, in-place reads stay valid.
          const view = objectGetBuffer(t, ba, PYBUF_SIMPLE);
          if (view === null) {
            failed(t, res, 'export');
            break;
          }
          res.exports++;
          for (let k = 0; k < view.len; k++) readByte(t.u8[view.buf + k]!, 'export');
          bufferRelease(t, view);
          break;
        }
        case 2: {
          const n = bytesCount(t, ba, smallInt(t, 1 + (i % markers)));
          if (n < 0) failed(t, res, 'count');
          break;
        }
        default: {
          const it = check(t, byteArrayIter(t, ba));
          for (let k = 0; k < 64; k++) {
            const x = byteArrayIterNext(t, it);
            if (x === 0) break;
            readByte(intAsNumber(t, x), 'iteration');
          }
          decref(t.rc, it);
        }
      }
    }
    res.ops = i + 1;
    if ((i & 63) === 0) {
      ctx.progress(i);
      qsbrQuiescentState(r.qsbr);
      processDelayed(r.qsbr);
    }
  }
  decref(t.rc, three);
  decref(t.rc, one);
  return res;
}

runStressWorker<BytearrayParams>((ctx) => {
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
