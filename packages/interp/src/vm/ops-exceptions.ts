/**
 * Raising and handling exceptions out of the eval loop (out-of-line.ts):
 * `raise`, re-raise, the `except` and `except*` matching, the handled
 * exception's save and restore, `with` entry and exit.
 */

import { errGetHandledException, errGivenExceptionMatches, errSetHandledException, errSetRaisedException, StaticType } from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { beforeWith, checkEgMatch, checkExcMatch, raiseVarargs, withExceptStart } from './ceval-ops.js';
import { stopIterationValue } from './generator-frame.js';
import type { OpEntry } from './out-of-line.js';
import type { VmThread } from './vm-thread.js';

/** `RAISE_VARARGS`. */
function raiseVarargsOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const cause = oparg === 2 ? u32[--sp]! : 0;
  const exc = oparg >= 1 ? u32[--sp]! : 0;
  // A bare `raise` re-raises the handled exception as it is (`do_raise` returning 1): no traceback entry here.
  if (raiseVarargs(t, exc, cause)) vm.skipTraceback = true;
  return -sp;
}

/** `RERAISE`. */
function reraiseOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  // The exception goes on as it is (the handler's lasti, if any, is popped by the unwinder).
  errSetRaisedException(t, u32[--sp]!);
  vm.skipTraceback = true;
  return -sp;
}

/** `PUSH_EXC_INFO`. */
function pushExcInfoOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const none = t.none;
  const exc = u32[sp - 1]!;
  const prev = errGetHandledException(t);
  u32[sp - 1] = prev === 0 ? (incref(rc, none), none) : prev;
  errSetHandledException(t, exc);
  u32[sp++] = exc;
  return sp;
}

/** `POP_EXCEPT`. */
function popExceptOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const prev = u32[--sp]!;
  errSetHandledException(t, prev);
  decref(rc, prev);
  return sp;
}

/** `CHECK_EXC_MATCH`. */
function checkExcMatchOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const boolTrue = t.true;
  const boolFalse = t.false;
  const r = checkExcMatch(t, u32[sp - 2]!, u32[sp - 1]!);
  if (r < 0) return -sp;
  decref(rc, u32[sp - 1]!);
  u32[sp - 1] = r ? boolTrue : boolFalse;
  return sp;
}

/** `CHECK_EG_MATCH`. */
function checkEgMatchOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  if (!checkEgMatch(t, sp - 2)) return -sp;
  return sp;
}

/** `BEFORE_WITH`. */
function beforeWithOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  if (!beforeWith(t, sp - 1, false)) return -sp;
  sp++;
  return sp;
}

/** `WITH_EXCEPT_START`. */
function withExceptStartOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const res = withExceptStart(t, u32[sp - 4]!, u32[sp - 1]!);
  if (res === 0) return -sp;
  u32[sp++] = res;
  return sp;
}

/** `CLEANUP_THROW`. */
function cleanupThrowOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const none = t.none;
  const types = t.types;
  const exc = u32[sp - 1]!;
  if (!errGivenExceptionMatches(t, exc, types[StaticType.StopIteration]!)) {
    incref(rc, exc);
    errSetRaisedException(t, exc);
    vm.skipTraceback = true;
    return -sp;
  }
  const value = stopIterationValue(t, exc);
  decref(rc, u32[sp - 1]!);
  decref(rc, u32[sp - 2]!);
  decref(rc, u32[sp - 3]!);
  sp -= 3;
  incref(rc, none);
  u32[sp++] = none;
  u32[sp++] = value;
  return sp;
}

/** The instructions of this file, by opcode. */
export const OPS: readonly OpEntry[] = [
  [101 /* RAISE_VARARGS */, raiseVarargsOp],
  [102 /* RERAISE */, reraiseOp],
  [33 /* PUSH_EXC_INFO */, pushExcInfoOp],
  [31 /* POP_EXCEPT */, popExceptOp],
  [7 /* CHECK_EXC_MATCH */, checkExcMatchOp],
  [6 /* CHECK_EG_MATCH */, checkEgMatchOp],
  [2 /* BEFORE_WITH */, beforeWithOp],
  [44 /* WITH_EXCEPT_START */, withExceptStartOp],
  [8 /* CLEANUP_THROW */, cleanupThrowOp],
];
