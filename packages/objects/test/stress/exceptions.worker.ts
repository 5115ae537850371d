/**
 * A worker of the exceptions stress scenario (exceptions.scenario.ts
 * describes the run and the checks).
 */

import { runStressWorker, type StressWorkerContext } from '@ft/harness';
import { processDelayed, qsbrQuiescentState } from '@ft/qsbr';
import { decref, OB_TYPE_OFFSET } from '@ft/refcount';
import {
  errGetRaisedException,
  errOccurred,
  errRaise,
  errSetHandledException,
  errToJs,
  exceptionAddNote,
  exceptionCall,
  exceptionGetContext,
  intCheckExact,
  intFromNumber,
  objectGetAttr,
  objectSetAttr,
  StaticType,
  strFromJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  type ObThread,
} from '../../src/index.js';
import { check, joinRuntime, type Runtime } from '../runtime.js';
import { C_ABORT, C_EXC, C_NOTE, type ExceptionParams, type ExceptionWorkerResult } from './exceptions.scenario.js';

type Ctx = StressWorkerContext<ExceptionParams>;

/** The type word of an object freed under `mimalloc_debug`. */
const POISON_WORD = 0xdddddddd;
const MAX_PROBLEMS = 8;
/** Markers: heap ints (past the small ints), unique per worker and operation. */
const MARK_BASE = 1_000_000;
const MARK_SPAN = 10_000_000;

function note(res: ExceptionWorkerResult, message: string): void {
  if (res.problems.length < MAX_PROBLEMS) res.problems.push(message);
}

/** Whether `op` is an int marker (a live exact int). */
function isMarker(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] !== POISON_WORD && intCheckExact(t, op);
}

/** A field read: None, a live KeyError of one int marker, or (args) a 1-tuple of an int. */
function validRead(t: ObThread, v: number, isArgs: boolean): { ok: boolean; hit: boolean } {
  if (v === t.none) return { ok: !isArgs, hit: false };
  const type = t.u32[(v + OB_TYPE_OFFSET) >>> 2]!;
  if (type === POISON_WORD) return { ok: false, hit: false };
  if (isArgs) {
    if (v === t.emptyTuple) return { ok: true, hit: false };
    return { ok: type === t.types[StaticType.Tuple] && tupleSize(t, v) === 1 && isMarker(t, tupleGetItem(t, v, 0)), hit: false };
  }
  if (type !== t.types[StaticType.KeyError]) return { ok: false, hit: false };
  const args = check(t, objectGetAttr(t, v, NAMES.args!));
  const ok = tupleSize(t, args) === 1 && isMarker(t, tupleGetItem(t, args, 0));
  decref(t.rc, args);
  return { ok, hit: true };
}

const NAMES: Record<string, number> = {};

function body(ctx: Ctx, r: Runtime): ExceptionWorkerResult {
  const t = r.t;
  const ctrl = ctx.params.ctrl;
  const e = Atomics.load(ctrl, C_EXC);
  const noteStr = Atomics.load(ctrl, C_NOTE);
  for (const n of ['__context__', '__cause__', 'args']) NAMES[n] = check(t, strFromJs(t, n));
  const writer = ctx.role === 'writer';
  const res: ExceptionWorkerResult = { role: writer ? 'writer' : 'reader', ops: 0, stores: 0, notes: 0, reads: 0, hits: 0, badReads: 0, raises: 0, badChains: 0, errors: 0, problems: [] };
  for (let i = 0; !ctx.shouldStop(i); i++) {
    if (Atomics.load(ctrl, C_ABORT) !== 0) throw new Error('another worker failed');
    if (writer) {
      const mark = check(t, intFromNumber(t, MARK_BASE + ctx.index * MARK_SPAN + i));
      const args = check(t, tupleFromArray(t, [mark]));
      const x = check(t, exceptionCall(t, t.types[StaticType.KeyError]!, args));
      for (const [name, value] of [[i % 2 === 0 ? '__context__' : '__cause__', x] as const, ['args', args] as const]) {
        res.stores++;
        if (objectSetAttr(t, e, NAMES[name]!, value) < 0) {
          res.errors++;
          note(res, `store ${name}: ${errToJs(t).message}`);
        }
      }
      if (i % 8 === 0) {
        if (exceptionAddNote(t, e, noteStr) < 0) {
          res.errors++;
          note(res, `add_note: ${errToJs(t).message}`);
        } else {
          res.notes++;
        }
      }
      decref(t.rc, x);
      decref(t.rc, args);
      decref(t.rc, mark);
    } else {
      for (const name of ['__context__', '__cause__', 'args']) {
        const v = objectGetAttr(t, e, NAMES[name]!);
        res.reads++;
        if (v === 0) {
          res.badReads++;
          note(res, `read ${name}: ${errToJs(t).message}`);
          continue;
        }
        const { ok, hit } = validRead(t, v, name === 'args');
        if (hit) res.hits++;
        if (!ok) {
          res.badReads++;
          note(res, `read ${name}: object 0x${v.toString(16)} of type word 0x${t.u32[(v + OB_TYPE_OFFSET) >>> 2]!.toString(16)}`);
        }
        decref(t.rc, v);
      }
    }
    // Raise with E handled: the new exception's context is E, whatever E's chain is doing.
    errSetHandledException(t, e);
    errRaise(t, StaticType.ValueError, 'while handling E');
    const raised = errGetRaisedException(t);
    errSetHandledException(t, 0);
    res.raises++;
    const context = raised === 0 ? 0 : exceptionGetContext(t, raised);
    if (context !== e) {
      res.badChains++;
      note(res, `raise ${i}: context 0x${context.toString(16)}, E 0x${e.toString(16)}${raised === 0 && errOccurred(t) !== 0 ? ` (${errToJs(t).message})` : ''}`);
    }
    if (context !== 0) decref(t.rc, context);
    if (raised !== 0) decref(t.rc, raised);
    res.ops = i + 1;
    if ((i & 63) === 0) {
      ctx.progress(i);
      qsbrQuiescentState(r.qsbr);
      processDelayed(r.qsbr);
    }
  }
  for (const n of Object.keys(NAMES)) decref(t.rc, NAMES[n]!);
  return res;
}

runStressWorker<ExceptionParams>((ctx) => {
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
