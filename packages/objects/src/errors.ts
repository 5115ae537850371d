/**
 * The thread's exception state and CPython's error convention (DESIGN.md
 * §7): a function that fails sets the exception here and returns 0 (NULL)
 * or -1; its caller checks and propagates. A thrown JavaScript exception is
 * a bug or a fatal error, never a Python exception.
 *
 * The state (`t.error`, CPython's `PyThreadState.current_exception`) holds
 * an exception object (`value`, a strong reference; `type` is its type) or,
 * on the cheap path that most raising code takes, only a type and a message
 * (`value` 0): what `PyErr_SetString` received, before any object exists.
 * The object is created ("normalized", `type(message)`, or `type()` for the
 * empty message: `MemoryError()`, `StopIteration()`) only when someone
 * asks for it ({@link errGetRaisedException}), or at once when the thread
 * is handling another exception, because `__context__` must name the
 * exception handled *when this one was raised* (`_PyErr_SetObject`).
 * CPython 3.12+ creates every exception eagerly; a lazy one prints the same
 * traceback line (`formatError`), so nothing but the cost differs.
 *
 * The handled exception (`exc_info`, what `sys.exception()` returns) is the
 * VM's: its stack of handlers sets the topmost one here with
 * {@link errSetHandledException}. Until the VM exists nothing sets it and
 * raising never pays for chaining beyond one module-variable test.
 *
 * Exception objects are created by exceptions.ts, above every file that
 * allocates; this file sits below them all (they raise through it), so the
 * creation is reached through a factory that exceptions.ts installs when a
 * thread registers the builtin types (one per JavaScript thread: module
 * scope is thread-local, and the code is the same on every thread).
 */

import { decref, incref } from '@ft/refcount';
import { exceptionClassCheck, exceptionGetContext, exceptionInstanceCheck, exceptionSetContext } from './exception-object.js';
import { StaticType, TP_SLOTS_OFFSET, TPFLAGS_TUPLE_SUBCLASS, TPFLAGS_TYPE_SUBCLASS, TUPLE_ITEMS_OFFSET, TUPLE_SIZE_OFFSET } from './layout.js';
import { SLOT_INDEX, type ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';

/**
 * Creates exception objects for this file (installed by exceptions.ts):
 * each returns a new reference, or 0 with the failure set as the current
 * exception.
 * @internal
 */
export interface ExceptionFactory {
  /** `type(message)`, or `type()` when `message` is empty. */
  fromMessage(t: ObThread, type: number, message: string): number;
  /** `_PyErr_CreateException(type, value)`: `type()` for 0 or None, `type(*value)` for a tuple, else `type(value)`. */
  fromValue(t: ObThread, type: number, value: number): number;
}

let factory: ExceptionFactory | null = null;

/** Installs the exception factory (exceptions.ts, when a thread registers the builtin types). @internal */
export function setExceptionFactory(f: ExceptionFactory): void {
  factory = f;
}

/** The handled exception of each thread (`tstate->exc_info->exc_value`): a strong reference, 0 when none. */
interface HandledException {
  value: number;
}
const handledByThread = new WeakMap<ObThread, HandledException>();
/** How many of this JavaScript thread's ObThreads have a handled exception: 0 keeps raising free of the lookup. */
let handledCount = 0;
/** Depth of normalizations in progress: an exception raised while creating one is not chained (it could recurse forever when memory is out). */
let normalizing = 0;

/** `PyErr_SetString(type, message)`; returns 0, for `return errSetString(...)` in functions that return a reference. @public */
export function errSetString(t: ObThread, type: number, message: string): 0 {
  const e = t.error;
  const old = e.value;
  e.type = type;
  e.value = 0;
  e.message = message;
  if (old !== 0) decref(t.rc, old);
  if (handledCount !== 0 && normalizing === 0) chainHandledSlow(t);
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

/** `PyErr_Clear()`: the current exception (if an object) released. @public */
export function errClear(t: ObThread): void {
  const e = t.error;
  const old = e.value;
  e.type = 0;
  e.value = 0;
  e.message = '';
  if (old !== 0) decref(t.rc, old);
}

/**
 * `PyErr_GivenExceptionMatches(err, exc)`: whether `err` (an exception
 * type, an exception instance, or 0) matches `exc` (an exception type or a
 * tuple of them, nested tuples too): `err`'s type is `exc` or derives from
 * it. Anything else matches only itself, as in CPython.
 * @public
 */
export function errGivenExceptionMatches(t: ObThread, err: number, exc: number): boolean {
  if (err === 0 || exc === 0) return false;
  if (typeHasFlag(t, typeOf(t, exc), TPFLAGS_TUPLE_SUBCLASS)) {
    // SAFETY: a tuple is immutable once published.
    const n = t.i32[(exc + TUPLE_SIZE_OFFSET) >>> 2]!;
    const items = (exc + TUPLE_ITEMS_OFFSET) >>> 2;
    for (let i = 0; i < n; i++) if (errGivenExceptionMatches(t, err, t.u32[items + i]!)) return true;
    return false;
  }
  const type = exceptionInstanceCheck(t, err) ? typeOf(t, err) : err;
  if (type === exc) return true;
  return exceptionClassCheck(t, type) && exceptionClassCheck(t, exc) && typeIsSubtype(t, type, exc);
}

/**
 * `PyErr_ExceptionMatches(exc)`: whether the current exception matches
 * `exc`, an exception type or a tuple of them.
 * @public
 */
export function errExceptionMatches(t: ObThread, exc: number): boolean {
  const current = t.error.type;
  return current !== 0 && (current === exc || errGivenExceptionMatches(t, current, exc));
}

/** What {@link errFetch} hands back. @public */
export interface FetchedError {
  /** Address of the exception's type. */
  readonly type: number;
  /**
   * The exception object, a strong reference that goes with the fetched
   * error (give it back with {@link errRestore}, or release it); 0 while
   * the exception is only a type and a message.
   */
  readonly value: number;
  /** Its message, while `value` is 0 ('' once the object exists). */
  readonly message: string;
}

/**
 * Takes the current exception (null when none) as it is, without creating
 * its object, and clears the state: the fetched error owns the object's
 * reference when there is one. {@link errRestore} puts it back. (CPython's
 * `PyErr_Fetch`; {@link errGetRaisedException} returns the object.)
 * @public
 */
export function errFetch(t: ObThread): FetchedError | null {
  const e = t.error;
  if (e.type === 0) return null;
  const fetched = { type: e.type, value: e.value, message: e.message };
  e.type = 0;
  e.value = 0;
  e.message = '';
  return fetched;
}

/**
 * Makes `fetched` the current exception again (null clears), taking over
 * its reference; whatever exception was current is released (`PyErr_Restore`).
 * @public
 */
export function errRestore(t: ObThread, fetched: FetchedError | null): void {
  if (fetched === null) {
    errClear(t);
    return;
  }
  const e = t.error;
  const old = e.value;
  e.type = fetched.type;
  e.value = fetched.value;
  e.message = fetched.message;
  if (old !== 0) decref(t.rc, old);
}

/**
 * `PyErr_GetRaisedException()`: the current exception object (created now
 * if it was only a type and a message), a new reference, and the state
 * cleared; 0 when no exception is set. If creating the object fails, that
 * failure is what is returned instead (CPython's behaviour); 0 with a
 * MemoryError left set only when not even a MemoryError can be made.
 * @public
 */
export function errGetRaisedException(t: ObThread): number {
  const e = t.error;
  if (e.type === 0) return 0;
  if (e.value === 0 && !normalize(t)) return 0;
  const exc = e.value;
  e.type = 0;
  e.value = 0;
  e.message = '';
  return exc;
}

/**
 * Creates the object of the current lazy exception. Creating it may raise
 * (out of memory, a class whose constructor fails): that exception replaces
 * it and is created in turn, a bounded number of times. Returns whether the
 * state now holds an object.
 */
function normalize(t: ObThread): boolean {
  const e = t.error;
  for (let attempt = 0; attempt < 3 && e.type !== 0 && e.value === 0; attempt++) {
    const type = e.type;
    const message = e.message;
    // "Functions must not be called with an exception set" (CPython issue #23571).
    e.type = 0;
    e.message = '';
    normalizing++;
    let exc: number;
    try {
      exc = factory!.fromMessage(t, type, message);
    } finally {
      normalizing--;
    }
    if (exc !== 0) {
      if (e.type !== 0) errClear(t);
      e.type = typeOf(t, exc);
      e.value = exc;
      return true;
    }
  }
  return e.value !== 0;
}

/**
 * `PyErr_SetRaisedException(exc)`: makes `exc` (an exception instance; 0
 * clears) the current exception, stealing the reference, without chaining
 * (the VM's re-raise and restore); the previous one is released.
 * @public
 */
export function errSetRaisedException(t: ObThread, exc: number): void {
  const e = t.error;
  const old = e.value;
  e.type = exc === 0 ? 0 : typeOf(t, exc);
  e.value = exc;
  e.message = '';
  if (old !== 0) decref(t.rc, old);
}

/**
 * `PyErr_SetObject(type, value)` (`_PyErr_SetObject`): raises `value` when
 * it is already an instance of `type`, else `type(value)` (`type()` for 0 or
 * None, `type(*value)` for a tuple — pass a 1-tuple to give a tuple as the
 * one argument, as `KeyError` needs); while an exception is being handled,
 * it becomes the new one's `__context__`. SystemError when `type` is not an
 * exception class. The reference to `value` is not stolen.
 * @public
 */
export function errSetObject(t: ObThread, type: number, value: number): void {
  if (!exceptionClassCheck(t, type)) {
    const repr = typeHasFlag(t, typeOf(t, type), TPFLAGS_TYPE_SUBCLASS) ? `<class '${typeName(t, type)}'>` : `<${typeNameOf(t, type)} object>`;
    errSetString(t, t.types[StaticType.SystemError]!, `_PyErr_SetObject: exception ${repr} is not a BaseException subclass`);
    return;
  }
  let exc: number;
  if (value !== 0 && exceptionInstanceCheck(t, value) && typeIsSubtype(t, typeOf(t, value), type)) {
    incref(t.rc, value);
    exc = value;
  } else {
    errClear(t);
    normalizing++;
    try {
      exc = factory!.fromValue(t, type, value);
    } finally {
      normalizing--;
    }
    if (exc === 0) return; // the failure is the exception now
  }
  const handled = handledCount === 0 ? 0 : currentHandled(t);
  if (handled !== 0) chainContext(t, exc, handled);
  errSetRaisedException(t, exc);
}

/** `PyErr_SetNone(type)`: `type()` raised. @public */
export function errSetNone(t: ObThread, type: number): void {
  errSetObject(t, type, 0);
}

/** `PyErr_GetHandledException()` (`sys.exception()`): the exception being handled, a new reference, or 0. @public */
export function errGetHandledException(t: ObThread): number {
  const handled = currentHandled(t);
  if (handled !== 0) incref(t.rc, handled);
  return handled;
}

/**
 * `PyErr_SetHandledException(exc)`: the exception the VM's innermost
 * active handler is handling (0 or None: none), not stolen. The VM calls it
 * as it enters and leaves handlers (and generators, whose frames keep their
 * own); raising while one is set chains it as `__context__`.
 * @public
 */
export function errSetHandledException(t: ObThread, exc: number): void {
  if (exc === t.none) exc = 0;
  let record = handledByThread.get(t);
  if (record === undefined) {
    if (exc === 0) return;
    record = { value: 0 };
    handledByThread.set(t, record);
  }
  const old = record.value;
  if (exc !== 0) incref(t.rc, exc);
  record.value = exc;
  if (old === 0 && exc !== 0) handledCount++;
  else if (old !== 0 && exc === 0) handledCount--;
  if (old !== 0) decref(t.rc, old);
}

function currentHandled(t: ObThread): number {
  return handledByThread.get(t)?.value ?? 0;
}

/** A lazy exception raised while another is handled: its object is made now, so that it can name the handled one as its context. */
function chainHandledSlow(t: ObThread): void {
  const handled = currentHandled(t);
  if (handled === 0) return;
  const exc = errGetRaisedException(t);
  if (exc === 0) return; // no memory even for the object: the lazy MemoryError stays, unchained
  chainContext(t, exc, handled);
  errSetRaisedException(t, exc);
}

/**
 * `exc.__context__ = handled` unless they are the same, after cutting `exc`
 * out of `handled`'s context chain so that no new cycle is made (a cycle
 * already there is walked once, with Floyd's tortoise and hare, as
 * `_PyErr_SetObject` does). The walk holds a reference to each exception
 * it stands on: another thread may replace a `__context__` meanwhile and
 * release the exception that was there (CPython borrows them, under the
 * GIL's protection).
 */
function chainContext(t: ObThread, exc: number, handled: number): void {
  if (exc === handled) return;
  incref(t.rc, handled);
  incref(t.rc, handled);
  let o = handled;
  let slow = handled;
  let toggle = false;
  for (;;) {
    const context = exceptionGetContext(t, o);
    if (context === 0) break;
    if (context === exc) {
      exceptionSetContext(t, o, 0);
      decref(t.rc, context);
      break;
    }
    decref(t.rc, o);
    o = context;
    if (o === slow) break; // a cycle that was there before
    if (toggle) {
      const next = exceptionGetContext(t, slow);
      decref(t.rc, slow);
      slow = next;
      if (slow === 0) break; // the chain changed under the walk: it ends
    }
    toggle = !toggle;
  }
  decref(t.rc, o);
  if (slow !== 0) decref(t.rc, slow);
  incref(t.rc, handled);
  exceptionSetContext(t, exc, handled);
}

/** `PyErr_NoMemory()`: MemoryError with no message; returns 0. @public */
export function errNoMemory(t: ObThread): 0 {
  return errRaise(t, StaticType.MemoryError, '');
}

/**
 * `str(op)` of an exception through its type's `str` slot (or `repr`),
 * as JavaScript text, or null when it raised (the error left set). The
 * slots are called directly: abstract.ts sits above this file.
 */
function exceptionStrJs(t: ObThread, op: number): string | null {
  const slots = (typeOf(t, op) + TP_SLOTS_OFFSET) >>> 2;
  const str = t.slots.str[t.u32[slots + SLOT_INDEX.str]!] ?? t.slots.repr[t.u32[slots + SLOT_INDEX.repr]!] ?? null;
  if (str === null) return null;
  const s = str(t, op);
  if (s === 0) return null;
  const text = strToJs(t, s);
  decref(t.rc, s);
  return text;
}

/**
 * The last line of a traceback for `fetched` (`traceback.format_exception_only`):
 * `TypeError: message`, or the bare type name when `str(exc)` is empty
 * (`<exception str() failed>` when it raises). The type's name is its
 * `tp_name` (`interpreters.InterpreterError` for a static type of a module).
 * @public
 */
export function formatError(t: ObThread, fetched: FetchedError): string {
  const name = typeName(t, fetched.type);
  let text = fetched.message;
  if (fetched.value !== 0) {
    const saved = errFetch(t);
    const s = exceptionStrJs(t, fetched.value);
    if (s === null) errClear(t);
    errRestore(t, saved);
    text = s ?? '<exception str() failed>';
  }
  return text === '' ? name : `${name}: ${text}`;
}

/** `TypeError: unhashable type: 'list'` (`PyObject_HashNotImplemented`); returns -1. @public */
export function errUnhashable(t: ObThread, op: number): -1 {
  return errRaiseInt(t, StaticType.TypeError, `unhashable type: '${typeNameOf(t, op)}'`);
}

/**
 * A JavaScript `Error` for the current exception, cleared from the thread
 * (its object released): for JavaScript-facing functions, which throw where
 * C code would return NULL. Its message is CPython's last traceback line
 * (`KeyError: 'a'`).
 * @public
 */
export function errToJs(t: ObThread): PyError {
  const fetched = errFetch(t);
  if (fetched === null) return new PyError('SystemError: error return without exception set', t.types[StaticType.SystemError]!);
  const message = formatError(t, fetched);
  if (fetched.value !== 0) decref(t.rc, fetched.value);
  return new PyError(message, fetched.type);
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
