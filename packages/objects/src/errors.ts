/**
 * The thread's exception state and CPython's error convention (DESIGN.md
 * §7): a function that fails sets the exception here and returns 0 (NULL)
 * or -1; its caller checks and propagates. A thrown JavaScript exception is
 * a bug or a fatal error, never a Python exception.
 *
 * Until `@ft/objects` (II) gives exceptions their objects, the state holds
 * the exception's type and its message as a JavaScript string (what
 * `PyErr_SetString` received); `value` stays 0.
 */

import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeIsSubtype, typeName, typeNameOf } from './subtype.js';

/** `PyErr_SetString(type, message)`; returns 0, for `return errSetString(...)` in functions that return a reference. @public */
export function errSetString(t: ObThread, type: number, message: string): 0 {
  const e = t.error;
  e.type = type;
  e.value = 0;
  e.message = message;
  return 0;
}

/** {@link errSetString} with a static exception type; returns 0. @public */
export function errRaise(t: ObThread, type: StaticType, message: string): 0 {
  return errSetString(t, t.types[type]!, message);
}

/** {@link errRaise}, returning -1 (for functions whose error value is -1). @public */
export function errRaiseInt(t: ObThread, type: StaticType, message: string): -1 {
  errSetString(t, t.types[type]!, message);
  return -1;
}

/** `PyErr_Occurred()`: the current exception's type, or 0. @public */
export function errOccurred(t: ObThread): number {
  return t.error.type;
}

/** `PyErr_Clear()`. @public */
export function errClear(t: ObThread): void {
  t.error.type = 0;
  t.error.value = 0;
  t.error.message = '';
}

/** `PyErr_ExceptionMatches(type)`: whether the current exception is an instance of `type`. @public */
export function errExceptionMatches(t: ObThread, type: number): boolean {
  const current = t.error.type;
  return current !== 0 && typeIsSubtype(t, current, type);
}

/** What {@link errFetch} hands back. @public */
export interface FetchedError {
  /** Address of the exception's type. */
  readonly type: number;
  /** The exception instance, when one exists (0 otherwise). */
  readonly value: number;
  /** Its message. */
  readonly message: string;
}

/** `PyErr_GetRaisedException()`: takes the current exception (null when none) and clears it. @public */
export function errFetch(t: ObThread): FetchedError | null {
  const e = t.error;
  if (e.type === 0) return null;
  const fetched = { type: e.type, value: e.value, message: e.message };
  errClear(t);
  return fetched;
}

/** `PyErr_SetRaisedException(fetched)`: makes `fetched` current again (null clears). @public */
export function errRestore(t: ObThread, fetched: FetchedError | null): void {
  if (fetched === null) {
    errClear(t);
    return;
  }
  t.error.type = fetched.type;
  t.error.value = fetched.value;
  t.error.message = fetched.message;
}

/** `PyErr_NoMemory()`: MemoryError with no message; returns 0. @public */
export function errNoMemory(t: ObThread): 0 {
  return errRaise(t, StaticType.MemoryError, '');
}

/** `str(exc)` with its type, as a traceback's last line prints it: `TypeError: message`, or the bare name. @public */
export function formatError(t: ObThread, fetched: FetchedError): string {
  const name = typeName(t, fetched.type);
  return fetched.message === '' ? name : `${name}: ${fetched.message}`;
}

/** `TypeError: unhashable type: 'list'` (`PyObject_HashNotImplemented`); returns -1. @public */
export function errUnhashable(t: ObThread, op: number): -1 {
  return errRaiseInt(t, StaticType.TypeError, `unhashable type: '${typeNameOf(t, op)}'`);
}

/**
 * A JavaScript `Error` for the current exception, cleared from the thread:
 * for JavaScript-facing functions, which throw where C code would return
 * NULL. Its message is CPython's last traceback line (`KeyError: 'a'`).
 * @public
 */
export function errToJs(t: ObThread): PyError {
  const fetched = errFetch(t);
  if (fetched === null) return new PyError('SystemError: error return without exception set', t.types[StaticType.SystemError]!);
  return new PyError(formatError(t, fetched), fetched.type);
}

/** A Python exception surfacing in JavaScript: `pyType` is the exception type's address. @public */
export class PyError extends Error {
  /** Address of the exception's type. */
  readonly pyType: number;
  constructor(message: string, pyType: number) {
    super(message);
    this.name = 'PyError';
    this.pyType = pyType;
  }
}
