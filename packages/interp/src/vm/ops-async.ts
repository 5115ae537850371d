/**
 * Coroutine and async-generator instructions out of the eval loop
 * (out-of-line.ts): `await`, `async for`, `async with`, `yield from`'s
 * iterator.
 */

import { CO_COROUTINE, CO_ITERABLE_COROUTINE, CODE_FLAGS_OFFSET, coroutineCheck, errGivenExceptionMatches, errRaise, errSetRaisedException, generatorCheck, objectGetIter, StaticType } from '@ft/objects';
import { decref } from '@ft/refcount';
import { getAIter, getANext, getAwaitable } from './async-ops.js';
import { beforeWith } from './ceval-ops.js';
import { F_CODE } from './frame.js';
import type { OpEntry } from './out-of-line.js';
import type { VmThread } from './vm-thread.js';

/** `GET_YIELD_FROM_ITER`. */
function getYieldFromIterOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const i32 = t.i32;
  const code = u32[fw + F_CODE]!;
  const v = u32[sp - 1]!;
  if (coroutineCheck(t, v)) {
    // A coroutine may be delegated to only from a coroutine (or a `types.coroutine` generator).
    if ((i32[(code + CODE_FLAGS_OFFSET) >>> 2]! & (CO_COROUTINE | CO_ITERABLE_COROUTINE)) === 0) {
      errRaise(t, StaticType.TypeError, "cannot 'yield from' a coroutine object in a non-coroutine generator");
      return -sp;
    }
  } else if (!generatorCheck(t, v)) {
    const it = objectGetIter(t, v);
    if (it === 0) return -sp;
    decref(rc, v);
    u32[sp - 1] = it;
  }
  return sp;
}

/** `GET_AWAITABLE`. */
function getAwaitableOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const iter = getAwaitable(t, u32[sp - 1]!, oparg);
  if (iter === 0) return -sp;
  decref(rc, u32[sp - 1]!);
  u32[sp - 1] = iter;
  return sp;
}

/** `GET_AITER`. */
function getAiterOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const iter = getAIter(t, u32[sp - 1]!);
  if (iter === 0) return -sp;
  decref(rc, u32[sp - 1]!);
  u32[sp - 1] = iter;
  return sp;
}

/** `GET_ANEXT`. */
function getAnextOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const awaitable = getANext(t, u32[sp - 1]!);
  if (awaitable === 0) return -sp;
  u32[sp++] = awaitable;
  return sp;
}

/** `END_ASYNC_FOR`. */
function endAsyncForOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const types = t.types;
  const exc = u32[sp - 1]!;
  if (!errGivenExceptionMatches(t, exc, types[StaticType.StopAsyncIteration]!)) {
    // Re-raised as it is: its traceback already has this frame.
    sp--;
    errSetRaisedException(t, exc);
    vm.skipTraceback = true;
    return -sp;
  }
  decref(rc, exc);
  decref(rc, u32[sp - 2]!);
  sp -= 2;
  return sp;
}

/** `BEFORE_ASYNC_WITH`. */
function beforeAsyncWithOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  if (!beforeWith(t, sp - 1, true)) return -sp;
  sp++;
  return sp;
}

/** The instructions of this file, by opcode. */
export const OPS: readonly OpEntry[] = [
  [21 /* GET_YIELD_FROM_ITER */, getYieldFromIterOp],
  [73 /* GET_AWAITABLE */, getAwaitableOp],
  [16 /* GET_AITER */, getAiterOp],
  [18 /* GET_ANEXT */, getAnextOp],
  [10 /* END_ASYNC_FOR */, endAsyncForOp],
  [1 /* BEFORE_ASYNC_WITH */, beforeAsyncWithOp],
];
