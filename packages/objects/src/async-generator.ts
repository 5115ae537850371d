/**
 * Async generators' awaitables (`Objects/genobject.c`: `async_gen_asend_*`,
 * `async_gen_athrow_*`, `async_gen_unwrap_value`): `agen.__anext__()` and
 * `agen.asend(v)` make an `async_generator_asend`, `agen.athrow(...)` and
 * `agen.aclose()` an `async_generator_athrow`. Each is an iterator an event
 * loop drives with `send`/`throw`: what the async generator awaits passes
 * out through it; what it yields comes back wrapped
 * (`async_generator_wrapped_value`, made by the VM's ASYNC_GEN_WRAP) and
 * is unwrapped here into the awaitable's StopIteration(value).
 *
 * The async generator's own frame runs through the thread's
 * {@link GeneratorOps} (the VM's), as a generator's; the flags
 * `ag_running_async` and `ag_closed` live in its GEN_FLAGS word.
 *
 * Layouts (body after the 20-byte object header):
 *
 *  async_generator_asend          20 u32 gen (strong), 24 u32 sendval (strong, or 0), 28 i32 state
 *  async_generator_athrow         20 u32 gen (strong), 24 u32 args (a tuple, strong; 0: aclose()), 28 i32 state
 *  async_generator_wrapped_value  20 u32 value (strong)
 *
 * Like CPython's, an awaitable belongs to the task that awaits it: the
 * state words are plain, as the generator's own frame is guarded by its
 * executing state.
 */

import { decref, incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { errClear, errExceptionMatches, errRaise, errSetNone, errSetObject } from './errors.js';
import { fieldsNew } from './field-object.js';
import { GEN_FLAG_CLOSED, GEN_FLAG_RUNNING_ASYNC, GEN_FLAGS_OFFSET, GEN_COMPLETED, generatorOps, generatorState } from './generator.js';
import { StaticType, TUPLE_ITEMS_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { tupleFromArray, tupleSize } from './tuple-core.js';

/** The async generator (strong). @internal */ export const AG_AWAITABLE_GEN_OFFSET = 20;
/** asend: the value to send first (strong, or 0); athrow: the arguments tuple (strong; 0 for aclose()). @internal */ export const AG_AWAITABLE_ARG_OFFSET = 24;
/** `AWAITABLE_STATE_*` (i32). @internal */ export const AG_AWAITABLE_STATE_OFFSET = 28;
/** Bytes of an asend or athrow object. @internal */ export const AG_AWAITABLE_SIZE = 32;
/** A wrapped value's value (strong). @internal */ export const AG_WRAPPED_VALUE_OFFSET = 20;
/** Bytes of a wrapped value. @internal */ export const AG_WRAPPED_SIZE = 24;
/** The object words of each. @internal */ export const AG_AWAITABLE_FIELDS = [AG_AWAITABLE_GEN_OFFSET, AG_AWAITABLE_ARG_OFFSET] as const;
/** @internal */ export const AG_WRAPPED_FIELDS = [AG_WRAPPED_VALUE_OFFSET] as const;

/** `AWAITABLE_STATE_INIT`: not started. */
const INIT = 0;
/** `AWAITABLE_STATE_ITER`: being iterated. */
const ITER = 1;
/** `AWAITABLE_STATE_CLOSED`: finished; cannot be awaited again. */
const CLOSED = 2;

function genOf(t: ObThread, o: number): number {
  return t.u32[(o + AG_AWAITABLE_GEN_OFFSET) >>> 2]!;
}

function stateOf(t: ObThread, o: number): number {
  return t.i32[(o + AG_AWAITABLE_STATE_OFFSET) >>> 2]!;
}

function setState(t: ObThread, o: number, state: number): void {
  t.i32[(o + AG_AWAITABLE_STATE_OFFSET) >>> 2] = state;
}

function flag(t: ObThread, gen: number, bit: number): boolean {
  return (t.u32[(gen + GEN_FLAGS_OFFSET) >>> 2]! & bit) !== 0;
}

function setFlag(t: ObThread, gen: number, bit: number, on: boolean): void {
  const i = (gen + GEN_FLAGS_OFFSET) >>> 2;
  t.u32[i] = on ? t.u32[i]! | bit : t.u32[i]! & ~bit;
}

/** `_PyAsyncGenValueWrapperNew`: the value an async generator's `yield` hands out (ASYNC_GEN_WRAP). @public */
export function asyncGenWrapValue(t: ObThread, value: number): number {
  return fieldsNew(t, t.types[StaticType.AsyncGenWrappedValue]!, AG_WRAPPED_FIELDS, [value]);
}

function isWrapped(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.AsyncGenWrappedValue];
}

/** `_PyGen_SetStopIterationValue(value)`: StopIteration(value), a tuple arriving as one argument; consumes `value`. */
function setStopIterationValue(t: ObThread, value: number): void {
  const args = tupleFromArray(t, [value]);
  decref(t.rc, value);
  if (args === 0) return;
  errSetObject(t, t.types[StaticType.StopIteration]!, args);
  decref(t.rc, args);
}

/** An async generator's return reaches its awaiter as StopAsyncIteration (`gen_send_ex`); the VM's ops raise StopIteration there. */
function returnedAsStopAsync(t: ObThread, result: number): number {
  if (result === 0 && errExceptionMatches(t, t.types[StaticType.StopIteration]!)) {
    errClear(t);
    errSetNone(t, t.types[StaticType.StopAsyncIteration]!);
  }
  return result;
}

/** `gen_send(gen, arg)` of an async generator. */
function genSend(t: ObThread, gen: number, arg: number): number {
  const ops = generatorOps(t);
  return ops === null ? 0 : returnedAsStopAsync(t, ops.send(t, gen, arg));
}

/** `gen_throw(gen, args)` of an async generator (the arguments as a vectorcall's). */
function genThrow(t: ObThread, gen: number, args: number, nargs: number): number {
  const ops = generatorOps(t);
  return ops === null ? 0 : returnedAsStopAsync(t, ops.throw(t, gen, args, nargs));
}

/** `gen_throw(gen, GeneratorExit)`. */
function genThrowExit(t: ObThread, gen: number): number {
  const args = tupleFromArray(t, [t.types[StaticType.GeneratorExit]!]);
  if (args === 0) return 0;
  const r = genThrow(t, gen, args + TUPLE_ITEMS_OFFSET, 1);
  decref(t.rc, args);
  return r;
}

/**
 * `async_gen_unwrap_value`: a wrapped value (the generator yielded)
 * becomes StopIteration(value); an error or the end closes the generator
 * when it is StopAsyncIteration or GeneratorExit; anything else is an
 * awaited value passing out, returned as it is.
 */
function unwrap(t: ObThread, gen: number, result: number): number {
  if (result === 0) {
    if (t.error.type === 0) errSetNone(t, t.types[StaticType.StopAsyncIteration]!);
    if (errExceptionMatches(t, t.types[StaticType.StopAsyncIteration]!) || errExceptionMatches(t, t.types[StaticType.GeneratorExit]!)) setFlag(t, gen, GEN_FLAG_CLOSED, true);
    setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, false);
    return 0;
  }
  if (isWrapped(t, result)) {
    const value = t.u32[(result + AG_WRAPPED_VALUE_OFFSET) >>> 2]!;
    incref(t.rc, value);
    decref(t.rc, result);
    setStopIterationValue(t, value);
    setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, false);
    return 0;
  }
  return result;
}

// --- async_generator_asend -----------------------------------------------------------------

/** `async_gen_asend_new`: `agen.__anext__()` (`sendval` 0) or `agen.asend(sendval)`. @internal */
export function asendNew(t: ObThread, gen: number, sendval: number): number {
  return fieldsNew(t, t.types[StaticType.AsyncGenASend]!, AG_AWAITABLE_FIELDS, [gen, sendval]);
}

const REUSED_ASEND = 'cannot reuse already awaited __anext__()/asend()';
const ANEXT_RUNNING = 'anext(): asynchronous generator is already running';

/** `async_gen_asend_send`. @internal */
export function asendSend(t: ObThread, o: number, arg: number): number {
  const gen = genOf(t, o);
  const state = stateOf(t, o);
  if (state === CLOSED) return errRaise(t, StaticType.RuntimeError, REUSED_ASEND);
  let value = arg;
  if (state === INIT) {
    if (flag(t, gen, GEN_FLAG_RUNNING_ASYNC)) {
      setState(t, o, CLOSED);
      return errRaise(t, StaticType.RuntimeError, ANEXT_RUNNING);
    }
    if (arg === 0 || arg === t.none) {
      const sendval = t.u32[(o + AG_AWAITABLE_ARG_OFFSET) >>> 2]!;
      value = sendval === 0 ? t.none : sendval;
    }
    setState(t, o, ITER);
  }
  setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, true);
  const result = unwrap(t, gen, genSend(t, gen, value === 0 ? t.none : value));
  if (result === 0) setState(t, o, CLOSED);
  return result;
}

/** `async_gen_asend_throw`. @internal */
export function asendThrow(t: ObThread, o: number, args: number, nargs: number): number {
  const gen = genOf(t, o);
  const state = stateOf(t, o);
  if (state === CLOSED) return errRaise(t, StaticType.RuntimeError, REUSED_ASEND);
  if (state === INIT) {
    if (flag(t, gen, GEN_FLAG_RUNNING_ASYNC)) {
      setState(t, o, CLOSED);
      return errRaise(t, StaticType.RuntimeError, ANEXT_RUNNING);
    }
    setState(t, o, ITER);
    setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, true);
  }
  const result = unwrap(t, gen, genThrow(t, gen, args, nargs));
  if (result === 0) {
    setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, false);
    setState(t, o, CLOSED);
  }
  return result;
}

// --- async_generator_athrow ----------------------------------------------------------------

/** `async_gen_athrow_new`: `agen.athrow(*args)` (`args` a tuple) or `agen.aclose()` (`args` 0). @internal */
export function athrowNew(t: ObThread, gen: number, args: number): number {
  return fieldsNew(t, t.types[StaticType.AsyncGenAThrow]!, AG_AWAITABLE_FIELDS, [gen, args]);
}

const REUSED_ATHROW = 'cannot reuse already awaited aclose()/athrow()';
const IGNORED_EXIT = 'async generator ignored GeneratorExit';

function athrowArgs(t: ObThread, o: number): number {
  return t.u32[(o + AG_AWAITABLE_ARG_OFFSET) >>> 2]!;
}

/** The check_error exit of `async_gen_athrow_send`: aclose() ends with StopIteration where the generator ended. */
function athrowCheckError(t: ObThread, o: number, gen: number): 0 {
  setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, false);
  setState(t, o, CLOSED);
  if (athrowArgs(t, o) === 0 && (errExceptionMatches(t, t.types[StaticType.StopAsyncIteration]!) || errExceptionMatches(t, t.types[StaticType.GeneratorExit]!))) {
    errClear(t);
    errSetNone(t, t.types[StaticType.StopIteration]!);
  }
  return 0;
}

/** The yield_close exit: the generator yielded a value while being closed. */
function athrowYieldClose(t: ObThread, o: number, gen: number): 0 {
  setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, false);
  setState(t, o, CLOSED);
  return errRaise(t, StaticType.RuntimeError, IGNORED_EXIT);
}

function athrowRunning(t: ObThread, o: number): 0 {
  setState(t, o, CLOSED);
  return errRaise(t, StaticType.RuntimeError, athrowArgs(t, o) === 0 ? 'aclose(): asynchronous generator is already running' : 'athrow(): asynchronous generator is already running');
}

/** `async_gen_athrow_send`. @internal */
export function athrowSend(t: ObThread, o: number, arg: number): number {
  const gen = genOf(t, o);
  const state = stateOf(t, o);
  const args = athrowArgs(t, o);
  if (state === CLOSED) return errRaise(t, StaticType.RuntimeError, REUSED_ATHROW);
  if (generatorState(t, gen) >= GEN_COMPLETED) {
    setState(t, o, CLOSED);
    errSetNone(t, t.types[StaticType.StopIteration]!);
    return 0;
  }
  if (state === INIT) {
    if (flag(t, gen, GEN_FLAG_RUNNING_ASYNC)) return athrowRunning(t, o);
    if (flag(t, gen, GEN_FLAG_CLOSED)) {
      setState(t, o, CLOSED);
      errSetNone(t, t.types[StaticType.StopAsyncIteration]!);
      return 0;
    }
    if (arg !== 0 && arg !== t.none) return errRaise(t, StaticType.RuntimeError, "can't send non-None value to a just-started coroutine");
    setState(t, o, ITER);
    setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, true);
    let retval: number;
    if (args === 0) {
      setFlag(t, gen, GEN_FLAG_CLOSED, true);
      retval = genThrowExit(t, gen);
      if (retval !== 0 && isWrapped(t, retval)) {
        decref(t.rc, retval);
        return athrowYieldClose(t, o, gen);
      }
    } else {
      const n = tupleSize(t, args);
      retval = unwrap(t, gen, genThrow(t, gen, args + TUPLE_ITEMS_OFFSET, n));
    }
    if (retval === 0) return athrowCheckError(t, o, gen);
    return retval;
  }
  const retval = genSend(t, gen, arg === 0 ? t.none : arg);
  if (args !== 0) return unwrap(t, gen, retval);
  if (retval === 0) return athrowCheckError(t, o, gen);
  if (isWrapped(t, retval)) {
    decref(t.rc, retval);
    return athrowYieldClose(t, o, gen);
  }
  return retval;
}

/** `async_gen_athrow_throw`. @internal */
export function athrowThrow(t: ObThread, o: number, throwArgs: number, nargs: number): number {
  const gen = genOf(t, o);
  const state = stateOf(t, o);
  const args = athrowArgs(t, o);
  if (state === CLOSED) return errRaise(t, StaticType.RuntimeError, REUSED_ATHROW);
  if (state === INIT) {
    if (flag(t, gen, GEN_FLAG_RUNNING_ASYNC)) return athrowRunning(t, o);
    setState(t, o, ITER);
    setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, true);
  }
  const retval = genThrow(t, gen, throwArgs, nargs);
  if (args !== 0) {
    const r = unwrap(t, gen, retval);
    if (r === 0) {
      setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, false);
      setState(t, o, CLOSED);
    }
    return r;
  }
  if (retval !== 0 && isWrapped(t, retval)) {
    decref(t.rc, retval);
    return athrowYieldClose(t, o, gen);
  }
  if (retval === 0) {
    setFlag(t, gen, GEN_FLAG_RUNNING_ASYNC, false);
    setState(t, o, CLOSED);
    if (errExceptionMatches(t, t.types[StaticType.StopAsyncIteration]!) || errExceptionMatches(t, t.types[StaticType.GeneratorExit]!)) {
      errClear(t);
      errSetNone(t, t.types[StaticType.StopIteration]!);
    }
  }
  return retval;
}

/**
 * `async_gen_asend_close` / `async_gen_athrow_close`: GeneratorExit thrown
 * in through `throwFn`; None when it ended the generator, RuntimeError
 * when it yielded instead.
 */
export function awaitableClose(t: ObThread, o: number, throwFn: (t: ObThread, o: number, args: number, nargs: number) => number): number {
  if (stateOf(t, o) === CLOSED) {
    incref(t.rc, t.none);
    return t.none;
  }
  const args = tupleFromArray(t, [t.types[StaticType.GeneratorExit]!]);
  if (args === 0) return 0;
  const result = throwFn(t, o, args + TUPLE_ITEMS_OFFSET, 1);
  decref(t.rc, args);
  if (result === 0) {
    const types = t.types;
    if (errExceptionMatches(t, types[StaticType.StopIteration]!) || errExceptionMatches(t, types[StaticType.StopAsyncIteration]!) || errExceptionMatches(t, types[StaticType.GeneratorExit]!)) {
      errClear(t);
      incref(t.rc, t.none);
      return t.none;
    }
    return 0;
  }
  decref(t.rc, result);
  return errRaise(t, StaticType.RuntimeError, 'coroutine ignored GeneratorExit');
}

/** Whether the async generator's `ag_running_async` is set (`ag_running`). @internal */
export function asyncGenRunning(t: ObThread, gen: number): boolean {
  return flag(t, gen, GEN_FLAG_RUNNING_ASYNC);
}
