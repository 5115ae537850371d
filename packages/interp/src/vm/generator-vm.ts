/**
 * Resuming generators (`gen_send_ex2`, `gen_send`, `gen_iternext`,
 * `_gen_throw`, `gen_close`, `_PyGen_yf` of `Objects/genobject.c`): the
 * generator's frame, inside the generator object, is linked under the
 * caller's and run by the eval loop until it yields or finishes. The
 * generator's handled exception (`gi_exc_state`) is swapped in while it
 * runs. The move to "executing" is a compare-and-swap on the state word.
 */

import {
  callArgs,
  callNoArgs,
  coroutineCheck,
  errClear,
  errExceptionMatches,
  errGetRaisedException,
  errRaise,
  errSetObject,
  errSetRaisedException,
  exceptionClassCheck,
  exceptionInstanceCheck,
  exceptionSetTraceback,
  GEN_COMPLETED,
  GEN_CREATED,
  GEN_EXECUTING,
  GEN_FRAME_OFFSET,
  GEN_STATE_OFFSET,
  GEN_SUSPENDED,
  generatorCheck,
  generatorKindName,
  StaticType,
  TPFLAGS_TYPE_SUBCLASS,
  typeHasFlag,
  typeIsSubtype,
  typeNameOf,
  typeOf,
  type GeneratorOps,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { getAttrJs } from './ceval-ops.js';
import { getAwaitableIter } from './async-ops.js';
import { genSendEx } from './ceval.js';
import { genYieldFrom } from './generator-frame.js';
import { F_INSTR, F_LOCALSPLUS, F_STACKTOP } from './frame.js';
import { frameObjectOf } from './traceback.js';
import { warnUnawaited } from './unawaited-warning.js';
import { vmOf, type VmThread } from './vm-thread.js';

/** Word index of a generator's frame. */
function frameOf(gen: number): number {
  return (gen + GEN_FRAME_OFFSET) >>> 2;
}

/** Sets StopIteration for a generator's return value (`_PyGen_SetStopIterationValue`); consumes `value`. */
function setStopIteration(t: ObThread, value: number): 0 {
  if (value === t.none) errSetObject(t, t.types[StaticType.StopIteration]!, 0);
  else {
    // A tuple value must arrive as one argument, not unpacked.
    const args = tupleOf(t, value);
    errSetObject(t, t.types[StaticType.StopIteration]!, args);
    decref(t.rc, args);
  }
  decref(t.rc, value);
  return 0;
}

import { tupleFromArray } from '@ft/objects';
function tupleOf(t: ObThread, value: number): number {
  return tupleFromArray(t, [value]);
}

/** `gen.send(value)`. */
function send(t: ObThread, gen: number, value: number): number {
  const vm = vmOf(t);
  const r = genSendEx(vm, gen, value, false);
  if (r === 0 || !vm.genReturned) return r;
  return setStopIteration(t, r);
}

/** `gen_iternext`: the next value; 0 without an exception when it returned None. */
function iternext(t: ObThread, gen: number): number {
  const vm = vmOf(t);
  const r = genSendEx(vm, gen, t.none, false);
  if (r === 0 || !vm.genReturned) return r;
  if (r === t.none) {
    decref(t.rc, r);
    return 0;
  }
  return setStopIteration(t, r);
}

/** `gen_close_iter`: closes the iterator a `yield from` delegates to. 0, or -1 with the exception set. */
function closeIter(t: ObThread, yf: number): number {
  if (generatorCheck(t, yf) || coroutineCheck(t, yf)) {
    const r = close(t, yf);
    if (r === 0) return -1;
    decref(t.rc, r);
    return 0;
  }
  const meth = getAttrJs(t, yf, 'close');
  if (meth === 0) {
    if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return -1;
    errClear(t);
    return 0;
  }
  const r = callNoArgs(t, meth);
  decref(t.rc, meth);
  if (r === 0) return -1;
  decref(t.rc, r);
  return 0;
}

/** `gen.close()`: GeneratorExit raised at its `yield`; a value it yields instead is a RuntimeError. */
function close(t: ObThread, gen: number): number {
  const vm = vmOf(t);
  const si = (gen + GEN_STATE_OFFSET) >>> 2;
  const state = Atomics.load(t.i32, si);
  if (state === GEN_CREATED) {
    // Never started: nothing to run, its frame just goes.
    if (Atomics.compareExchange(t.i32, si, GEN_CREATED, GEN_COMPLETED) === GEN_CREATED) clearGenFrame(vm, gen);
    incref(t.rc, t.none);
    return t.none;
  }
  if (state >= GEN_COMPLETED) {
    incref(t.rc, t.none);
    return t.none;
  }
  let err = 0;
  const yf = genYieldFrom(t, gen);
  if (yf !== 0) {
    err = closeIter(t, yf);
    decref(t.rc, yf);
  }
  if (err === 0) errSetObject(t, t.types[StaticType.GeneratorExit]!, 0);
  const r = genSendEx(vm, gen, t.none, true);
  if (r !== 0) {
    if (vm.genReturned) return r; // it returned a value on GeneratorExit (3.13: close() gives it back)
    decref(t.rc, r);
    return errRaise(t, StaticType.RuntimeError, `${generatorKindName(t, gen)} ignored GeneratorExit`);
  }
  if (errExceptionMatches(t, t.types[StaticType.StopIteration]!) || errExceptionMatches(t, t.types[StaticType.GeneratorExit]!)) {
    const exc = errGetRaisedException(t);
    const value = typeIsSubtype(t, typeOf(t, exc), t.types[StaticType.StopIteration]!) ? getAttrJs(t, exc, 'value') : 0;
    decref(t.rc, exc);
    if (value !== 0) return value;
    errClear(t);
    incref(t.rc, t.none);
    return t.none;
  }
  return 0;
}

/** Releases the frame of a generator that never ran. */
function clearGenFrame(vm: VmThread, gen: number): void {
  const t = vm.t;
  const fw = frameOf(gen);
  const top = fw + F_LOCALSPLUS + t.u32[fw + F_STACKTOP]!;
  for (let i = fw + F_LOCALSPLUS; i < top; i++) {
    const v = t.u32[i]!;
    if (v !== 0) {
      t.u32[i] = 0;
      decref(t.rc, v);
    }
  }
  t.u32[fw + F_STACKTOP] = 0;
}

function isType(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_TYPE_SUBCLASS);
}

/** `_gen_throw`: delegates to a `yield from` iterator first, else raises the exception at the generator's `yield`. */
function genThrow(t: ObThread, gen: number, typ: number, val: number, tb: number): number {
  const vm = vmOf(t);
  const yf = genYieldFrom(t, gen);
  if (yf !== 0) {
    let ret = 0;
    if (typ === t.types[StaticType.GeneratorExit]! || (isType(t, typ) && typeIsSubtype(t, typ, t.types[StaticType.GeneratorExit]!))) {
      // Close the delegate, then raise GeneratorExit here.
      const si = (gen + GEN_STATE_OFFSET) >>> 2;
      Atomics.store(t.i32, si, GEN_EXECUTING);
      const err = closeIter(t, yf);
      Atomics.store(t.i32, si, GEN_SUSPENDED + 1);
      decref(t.rc, yf);
      if (err < 0) return genSendEx2Throw(vm, gen);
      return throwHere(t, vm, gen, typ, val, tb);
    }
    if (generatorCheck(t, yf) || coroutineCheck(t, yf)) ret = genThrow(t, yf, typ, val, tb);
    else {
      const meth = getAttrJs(t, yf, 'throw');
      if (meth === 0) {
        decref(t.rc, yf);
        if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return 0;
        errClear(t);
        return throwHere(t, vm, gen, typ, val, tb);
      }
      const args = [typ];
      if (val !== 0) args.push(val);
      if (tb !== 0) args.push(tb);
      ret = callArgs(t, meth, args);
      decref(t.rc, meth);
    }
    decref(t.rc, yf);
    if (ret !== 0) return ret;
    // The delegate raised (StopIteration included): CLEANUP_THROW at the `yield from` sorts it out.
    return genSendEx2Throw(vm, gen);
  }
  return throwHere(t, vm, gen, typ, val, tb);
}

/** Resumes `gen` with the exception that is set raised at its `yield`. */
function genSendEx2Throw(vm: VmThread, gen: number): number {
  const r = genSendEx(vm, gen, vm.t.none, true);
  if (r === 0 || !vm.genReturned) return r;
  return setStopIteration(vm.t, r);
}

/** `throw_here`: the exception made from (typ, val, tb) as `raise` would, then raised in the generator. */
function throwHere(t: ObThread, vm: VmThread, gen: number, typ: number, val: number, tb: number): number {
  if (tb !== 0 && tb !== t.none && typeOf(t, tb) !== t.types[StaticType.Traceback]) return errRaise(t, StaticType.TypeError, 'throw() third argument must be a traceback object');
  let exc: number;
  if (isType(t, typ) && exceptionClassCheck(t, typ)) {
    if (val !== 0 && val !== t.none && exceptionInstanceCheck(t, val) && typeIsSubtype(t, typeOf(t, val), typ)) {
      incref(t.rc, val);
      exc = val;
    } else {
      exc = val === 0 || val === t.none ? callNoArgs(t, typ) : callArgs(t, typ, [val]);
      if (exc === 0) return 0;
    }
  } else if (exceptionInstanceCheck(t, typ)) {
    if (val !== 0 && val !== t.none) return errRaise(t, StaticType.TypeError, 'instance exception may not have a separate value');
    incref(t.rc, typ);
    exc = typ;
  } else {
    return errRaise(t, StaticType.TypeError, `exceptions must be classes or instances deriving from BaseException, not ${typeNameOf(t, typ)}`);
  }
  if (tb !== 0 && tb !== t.none) exceptionSetTraceback(t, exc, tb);
  errSetRaisedException(t, exc);
  return genSendEx2Throw(vm, gen);
}

/** `gen.throw(value)` / `gen.throw(type[, value[, traceback]])`. */
function throwMethod(t: ObThread, gen: number, args: number, nargs: number): number {
  if (nargs < 1 || nargs > 3) return errRaise(t, StaticType.TypeError, nargs < 1 ? 'throw expected at least 1 argument, got 0' : `throw expected at most 3 arguments, got ${nargs}`);
  const a = (i: number): number => (i < nargs ? t.u32[(args >>> 2) + i]! : 0);
  return genThrow(t, gen, a(0), a(1), a(2));
}

/** `gi_frame`: the frame object while the generator has a frame, else None. */
function frame(t: ObThread, gen: number): number {
  const state = Atomics.load(t.i32, (gen + GEN_STATE_OFFSET) >>> 2);
  if (state >= GEN_COMPLETED) {
    incref(t.rc, t.none);
    return t.none;
  }
  const f = frameObjectOf(t, gen + GEN_FRAME_OFFSET, t.i32[frameOf(gen) + F_INSTR]!);
  if (f === 0) return 0;
  incref(t.rc, f);
  return f;
}

/** `gi_yieldfrom`. */
function yieldFrom(t: ObThread, gen: number): number {
  const yf = genYieldFrom(t, gen);
  if (yf !== 0) return yf;
  incref(t.rc, t.none);
  return t.none;
}

/** The generator operations the objects' generator type calls. */
export const GENERATOR_OPS: GeneratorOps = { send, throw: throwMethod, close, iternext, frame, yieldFrom, awaitableIter: getAwaitableIter, unawaited: warnUnawaited };
