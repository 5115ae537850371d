/**
 * The fields every exception object has (`PyBaseExceptionObject`,
 * layout.ts) and CPython's C API over them (`PyException_GetTraceback`,
 * `PyException_SetCause`, …): the bottom of the exception code, below the
 * thread's exception state (errors.ts), which chains `__context__`.
 *
 * Concurrency: as CPython 3.14's `Objects/exceptions.c`, a field is read
 * (with its reference taken) and replaced under the exception's critical
 * section, so a reader never holds a reference the writer already
 * released. The replaced object is released after the section ends: its
 * dealloc may run arbitrary code, which must not run inside our lock.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET, OB_TYPE_OFFSET } from '@ft/refcount';
import { EXC_ARGS_OFFSET, EXC_CAUSE_OFFSET, EXC_CONTEXT_OFFSET, EXC_SUPPRESS_CONTEXT_OFFSET, EXC_TRACEBACK_OFFSET, TPFLAGS_BASE_EXC_SUBCLASS, TPFLAGS_TYPE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeHasFlag } from './subtype.js';

/** `PyExceptionInstance_Check(op)`: whether `op` is an exception (its type derives from BaseException). @public */
export function exceptionInstanceCheck(t: ObThread, op: number): boolean {
  return typeHasFlag(t, t.u32[(op + OB_TYPE_OFFSET) >>> 2]!, TPFLAGS_BASE_EXC_SUBCLASS);
}

/** `PyExceptionClass_Check(op)`: whether `op` is a type deriving from BaseException. @public */
export function exceptionClassCheck(t: ObThread, op: number): boolean {
  return typeHasFlag(t, t.u32[(op + OB_TYPE_OFFSET) >>> 2]!, TPFLAGS_TYPE_SUBCLASS) && typeHasFlag(t, op, TPFLAGS_BASE_EXC_SUBCLASS);
}

/** The reference in the field at byte `offset` of exception `op`, a new reference, or 0 when the field is empty. @internal */
export function excFieldGet(t: ObThread, op: number, offset: number): number {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const value = t.u32[(op + offset) >>> 2]!; // SAFETY: under the exception's critical section
  if (value !== 0) incref(t.rc, value);
  criticalSectionEnd(t.heap);
  return value;
}

/** Stores `value` (its reference taken over; 0 empties) in the field at byte `offset` of exception `op`, and releases what was there. @internal */
export function excFieldSet(t: ObThread, op: number, offset: number, value: number): void {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const at = (op + offset) >>> 2;
  const old = t.u32[at]!; // SAFETY: under the exception's critical section
  t.u32[at] = value;
  criticalSectionEnd(t.heap);
  if (old !== 0) decref(t.rc, old);
}

/** `PyException_GetTraceback(exc)`: a new reference, or 0 when it has none. @public */
export function exceptionGetTraceback(t: ObThread, exc: number): number {
  return excFieldGet(t, exc, EXC_TRACEBACK_OFFSET);
}

/**
 * `PyException_SetTraceback(exc, tb)` without its type check (`tb` None or
 * 0 clears it; any other object is stored, until tracebacks exist): the
 * reference is not stolen.
 * @public
 */
export function exceptionSetTraceback(t: ObThread, exc: number, tb: number): void {
  if (tb === t.none) tb = 0;
  if (tb !== 0) incref(t.rc, tb);
  excFieldSet(t, exc, EXC_TRACEBACK_OFFSET, tb);
}

/** `PyException_GetCause(exc)`: `__cause__`, a new reference, or 0. @public */
export function exceptionGetCause(t: ObThread, exc: number): number {
  return excFieldGet(t, exc, EXC_CAUSE_OFFSET);
}

/** `PyException_SetCause(exc, cause)`: steals `cause` (0: none) and sets `__suppress_context__`, as every `raise … from …` does. @public */
export function exceptionSetCause(t: ObThread, exc: number, cause: number): void {
  criticalSectionBegin(t.heap, exc + OB_MUTEX_OFFSET);
  const at = (exc + EXC_CAUSE_OFFSET) >>> 2;
  const old = t.u32[at]!; // SAFETY: under the exception's critical section
  t.u32[at] = cause;
  t.u8[exc + EXC_SUPPRESS_CONTEXT_OFFSET] = 1;
  criticalSectionEnd(t.heap);
  if (old !== 0) decref(t.rc, old);
}

/** `PyException_GetContext(exc)`: `__context__`, a new reference, or 0. @public */
export function exceptionGetContext(t: ObThread, exc: number): number {
  return excFieldGet(t, exc, EXC_CONTEXT_OFFSET);
}

/** `PyException_SetContext(exc, context)`: steals `context` (0: none). @public */
export function exceptionSetContext(t: ObThread, exc: number, context: number): void {
  excFieldSet(t, exc, EXC_CONTEXT_OFFSET, context);
}

/** `PyException_GetArgs(exc)`: the args tuple, a new reference. @public */
export function exceptionGetArgs(t: ObThread, exc: number): number {
  const args = excFieldGet(t, exc, EXC_ARGS_OFFSET);
  if (args !== 0) return args;
  incref(t.rc, t.emptyTuple);
  return t.emptyTuple;
}

/** `PyException_SetArgs(exc, args)`: `args` a tuple, not stolen. @public */
export function exceptionSetArgs(t: ObThread, exc: number, args: number): void {
  incref(t.rc, args);
  excFieldSet(t, exc, EXC_ARGS_OFFSET, args);
}

/** `__suppress_context__`. @public */
export function exceptionGetSuppressContext(t: ObThread, exc: number): boolean {
  criticalSectionBegin(t.heap, exc + OB_MUTEX_OFFSET);
  const v = t.u8[exc + EXC_SUPPRESS_CONTEXT_OFFSET]!; // SAFETY: under the exception's critical section
  criticalSectionEnd(t.heap);
  return v !== 0;
}

/** Sets `__suppress_context__`. @public */
export function exceptionSetSuppressContext(t: ObThread, exc: number, suppress: boolean): void {
  criticalSectionBegin(t.heap, exc + OB_MUTEX_OFFSET);
  t.u8[exc + EXC_SUPPRESS_CONTEXT_OFFSET] = suppress ? 1 : 0; // SAFETY: under the exception's critical section
  criticalSectionEnd(t.heap);
}
