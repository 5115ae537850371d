/**
 * `BaseException` (`Objects/exceptions.c`): the exception object every
 * builtin and Python-level exception class shares — `args`, `__cause__`,
 * `__context__`, `__suppress_context__`, `__traceback__`, the instance
 * `__dict__` (`__notes__` lives there, as `add_note` puts it) — its
 * construction (`BaseException_new`, `BaseException_init`), `str()`,
 * `repr()`, its collector behaviours, and how the thread's exception state
 * creates exception objects (errors.ts's factory). exception-types.ts adds
 * each builtin class's own `__init__` and `__str__`, exception-hierarchy.ts
 * makes the static classes with their layouts.
 *
 * Attributes: CPython describes them with member and getset descriptors in
 * the type's dict. Here the static types' dicts stay empty (their getset
 * descriptors would need a descriptor type per kind of field and a step
 * after the types are created that fills the dicts), and each exception
 * layout has a `getattro`/`setattro` slot that looks the name up in its
 * table of attributes ({@link ExceptionAttributes}) — but only after the
 * type's MRO: when a class along it defines the name (a Python subclass's
 * property or plain class attribute), generic attribute access takes over,
 * so precedence is CPython's (the getset descriptors sit on the static base,
 * last in the MRO but for `object`, and are data descriptors, winning over
 * the instance dict). What differs: `ValueError.__dict__` does not list
 * them, and `ValueError.args` on the class raises AttributeError.
 *
 * Concurrency: fields are read and replaced under the exception's critical
 * section (exception-object.ts), as CPython 3.14; a new exception's fields
 * are written plain before it is published.
 */

import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET, type RcThread } from '@ft/refcount';
import { checkStrResult, objectRepr, objectReprJs, typeSlot } from './abstract.js';
import { dictSize } from './dict.js';
import {
  excFieldGet,
  excFieldSet,
  exceptionGetSuppressContext,
  exceptionInstanceCheck,
  exceptionSetCause,
  exceptionSetSuppressContext,
  exceptionSetTraceback,
} from './exception-object.js';
import { errExceptionMatches, errClear, errRaise, errRaiseInt, type ExceptionFactory } from './errors.js';
import { objectGenericGetAttr, objectGenericSetAttr, objectGetAttr, objectGetDict, objectSetAttr, objectSetDict } from './generic-attr.js';
import { EXC_ARGS_OFFSET, EXC_CAUSE_OFFSET, EXC_CONTEXT_OFFSET, EXC_DICT_OFFSET, EXC_NOTES_OFFSET, EXC_TRACEBACK_OFFSET, StaticType, TPFLAGS_LIST_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import { listAppend, listAsTuple, listFromIterable, listNew } from './list.js';
import { typeLookupRef } from './method-cache.js';
import type { ObThread } from './ob-thread.js';
import { strInternFromJs } from './intern.js';
import { strCheckExact, strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { objectTypeCheck, typeHasFlag, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleCheckExact, tupleFromArray, tupleGetItem, tupleReprJs, tupleSize } from './tuple.js';

/** The reference fields every exception has (layout.ts), visited and released in this order. */
const BASE_WORDS = [EXC_DICT_OFFSET, EXC_ARGS_OFFSET, EXC_NOTES_OFFSET, EXC_TRACEBACK_OFFSET, EXC_CONTEXT_OFFSET, EXC_CAUSE_OFFSET] as const;

// --- helpers the types share ----------------------------------------------------------------

/** `PyObject_Str(op)`: a new str, or 0 with the exception set. @public */
export function objectStr(t: ObThread, op: number): number {
  if (strCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  const str = typeSlot(t, typeOf(t, op), 'str');
  return str !== null ? checkStrResult(t, str(t, op), '__str__') : objectRepr(t, op);
}

/** `str(op)` as JavaScript text; null with the exception set. @public */
export function objectStrJs(t: ObThread, op: number): string | null {
  const s = objectStr(t, op);
  if (s === 0) return null;
  const text = strToJs(t, s);
  decref(t.rc, s);
  return text;
}

/** `_PyArg_NoKeywords(name, kwargs)`: 0, or -1 with TypeError ("ValueError() takes no keyword arguments") when `kwargs` holds any. @internal */
export function noKeywords(t: ObThread, name: string, kwargs: number): number {
  if (kwargs === 0 || dictSize(t, kwargs) === 0) return 0;
  return errRaiseInt(t, StaticType.TypeError, `${name}() takes no keyword arguments`);
}

/** `_PyType_Name`: a type's name after its last dot (`interpreters.InterpreterError` is `InterpreterError` in a repr). */
function shortTypeName(t: ObThread, type: number): string {
  const name = typeName(t, type);
  return name.slice(name.lastIndexOf('.') + 1);
}

/** `PySequence_Tuple(op)`: a tuple of `op`'s items (itself when it is an exact tuple), a new reference, or 0. @public */
export function sequenceTuple(t: ObThread, op: number): number {
  if (tupleCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  const list = listFromIterable(t, op);
  if (list === 0) return 0;
  const tuple = listAsTuple(t, list);
  decref(t.rc, list);
  return tuple;
}

// --- attributes -------------------------------------------------------------------------------

/** One attribute of exception objects (a getset or member descriptor of CPython's). @internal */
export interface ExceptionAttribute {
  /** The value, a new reference, or 0 with the exception set. */
  get(t: ObThread, op: number): number;
  /** 0, or -1 with the exception set; `value` 0 deletes. */
  set(t: ObThread, op: number, value: number): number;
}

/** The attributes of one exception layout, by name. @internal */
export type ExceptionAttributes = ReadonlyMap<string, ExceptionAttribute>;

function noneIfEmpty(t: ObThread, value: number): number {
  if (value !== 0) return value;
  incref(t.rc, t.none);
  return t.none;
}

/**
 * A `_Py_T_OBJECT` member at byte `offset`: reads None while empty; any
 * object may be stored, and deleting empties it.
 * @internal
 */
export function objectMember(offset: number): ExceptionAttribute {
  return {
    get: (t, op) => noneIfEmpty(t, excFieldGet(t, op, offset)),
    set: (t, op, value) => {
      if (value !== 0) incref(t.rc, value);
      excFieldSet(t, op, offset, value);
      return 0;
    },
  };
}

const argsAttribute: ExceptionAttribute = {
  get: (t, op) => noneIfEmpty(t, excFieldGet(t, op, EXC_ARGS_OFFSET)),
  set: (t, op, value) => {
    if (value === 0) return errRaiseInt(t, StaticType.TypeError, 'args may not be deleted');
    const seq = sequenceTuple(t, value);
    if (seq === 0) return -1;
    excFieldSet(t, op, EXC_ARGS_OFFSET, seq);
    return 0;
  },
};

const tracebackAttribute: ExceptionAttribute = {
  get: (t, op) => noneIfEmpty(t, excFieldGet(t, op, EXC_TRACEBACK_OFFSET)),
  set: (t, op, value) => {
    if (value === 0) return errRaiseInt(t, StaticType.TypeError, '__traceback__ may not be deleted');
    // CPython accepts a traceback or None ("__traceback__ must be a traceback or None"); traceback
    // objects come with the VM, so until then any object is kept.
    exceptionSetTraceback(t, op, value);
    return 0;
  },
};

const contextAttribute: ExceptionAttribute = {
  get: (t, op) => noneIfEmpty(t, excFieldGet(t, op, EXC_CONTEXT_OFFSET)),
  set: (t, op, value) => {
    if (value === 0) return errRaiseInt(t, StaticType.TypeError, '__context__ may not be deleted');
    if (value === t.none) value = 0;
    else if (!exceptionInstanceCheck(t, value)) return errRaiseInt(t, StaticType.TypeError, 'exception context must be None or derive from BaseException');
    else incref(t.rc, value);
    excFieldSet(t, op, EXC_CONTEXT_OFFSET, value);
    return 0;
  },
};

const causeAttribute: ExceptionAttribute = {
  get: (t, op) => noneIfEmpty(t, excFieldGet(t, op, EXC_CAUSE_OFFSET)),
  set: (t, op, value) => {
    if (value === 0) return errRaiseInt(t, StaticType.TypeError, '__cause__ may not be deleted');
    if (value === t.none) value = 0;
    else if (!exceptionInstanceCheck(t, value)) return errRaiseInt(t, StaticType.TypeError, 'exception cause must be None or derive from BaseException');
    else incref(t.rc, value);
    exceptionSetCause(t, op, value); // None too sets __suppress_context__
    return 0;
  },
};

const suppressContextAttribute: ExceptionAttribute = {
  get: (t, op) => (exceptionGetSuppressContext(t, op) ? t.true : t.false), // immortal
  set: (t, op, value) => {
    // A `Py_T_BOOL` member.
    if (value === 0) return errRaiseInt(t, StaticType.TypeError, "can't delete numeric/char attribute");
    if (value !== t.true && value !== t.false) return errRaiseInt(t, StaticType.TypeError, 'attribute value type must be bool');
    exceptionSetSuppressContext(t, op, value === t.true);
    return 0;
  },
};

const dictAttribute: ExceptionAttribute = {
  get: objectGetDict,
  set: (t, op, value) => (value === 0 ? errRaiseInt(t, StaticType.TypeError, 'cannot delete __dict__') : objectSetDict(t, op, value)),
};

/** BaseException's attributes (`BaseException_getset`, `BaseException_members`). */
const BASE_ATTRIBUTES: readonly (readonly [string, ExceptionAttribute])[] = [
  ['__dict__', dictAttribute],
  ['args', argsAttribute],
  ['__traceback__', tracebackAttribute],
  ['__context__', contextAttribute],
  ['__cause__', causeAttribute],
  ['__suppress_context__', suppressContextAttribute],
];

/** The attributes of a layout: BaseException's, then `extra`. @internal */
export function exceptionAttributes(extra: readonly (readonly [string, ExceptionAttribute])[]): ExceptionAttributes {
  return new Map([...BASE_ATTRIBUTES, ...extra]);
}

/**
 * The `getattro` of exceptions (file comment): a name that no class along
 * the MRO defines and that is one of `attributes` is answered from the
 * object's fields; everything else is `PyObject_GenericGetAttr`.
 * @internal
 */
export function exceptionGetAttro(t: ObThread, op: number, name: number, attributes: ExceptionAttributes): number {
  const attribute = attributes.get(strToJs(t, name));
  if (attribute !== undefined && !definedAlongMro(t, op, name)) return attribute.get(t, op);
  return objectGenericGetAttr(t, op, name);
}

/** The `setattro` of exceptions: as {@link exceptionGetAttro}, for stores and deletes (`value` 0). @internal */
export function exceptionSetAttro(t: ObThread, op: number, name: number, value: number, attributes: ExceptionAttributes): number {
  const attribute = attributes.get(strToJs(t, name));
  if (attribute !== undefined && !definedAlongMro(t, op, name)) return attribute.set(t, op, value);
  return objectGenericSetAttr(t, op, name, value);
}

function definedAlongMro(t: ObThread, op: number, name: number): boolean {
  const found = typeLookupRef(t, typeOf(t, op), name);
  if (found === 0) return false;
  decref(t.rc, found);
  return true;
}

// --- construction, str, repr ----------------------------------------------------------------

/**
 * `BaseException_new(type, args, kwargs)`: a new, tracked instance of
 * `type` (any exception class: its size is the type's) holding `args`
 * (the positional arguments; keywords are left to `__init__`); 0 with
 * MemoryError.
 * @internal
 */
export function baseExceptionNew(t: ObThread, type: number, args: number, _kwargs: number): number {
  const op = gcNew(t.gc, type);
  if (op === 0) {
    errRaise(t, StaticType.MemoryError, '');
    return 0;
  }
  const a = args === 0 ? t.emptyTuple : args;
  incref(t.rc, a);
  t.u32[(op + EXC_ARGS_OFFSET) >>> 2] = a; // SAFETY: not published yet (the rest is zero: NULL)
  gcTrack(t.rc, op);
  return op;
}

/** `BaseException_init(self, args, kwargs)`: `self.args = args`; TypeError for keyword arguments. @internal */
export function baseExceptionInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (noKeywords(t, typeNameOf(t, self), kwargs) < 0) return -1;
  exceptionSetArgsField(t, self, args);
  return 0;
}

function exceptionSetArgsField(t: ObThread, self: number, args: number): void {
  const a = args === 0 ? t.emptyTuple : args;
  incref(t.rc, a);
  excFieldSet(t, self, EXC_ARGS_OFFSET, a);
}

/** The args tuple of `op`, a new reference (`()` when unset). @internal */
export function exceptionArgs(t: ObThread, op: number): number {
  const args = excFieldGet(t, op, EXC_ARGS_OFFSET);
  if (args !== 0) return args;
  incref(t.rc, t.emptyTuple);
  return t.emptyTuple;
}

/** `BaseException_str`: '' without arguments, `str(arg)` for one, `str(args)` for more; a new str or 0. @internal */
export function baseExceptionStr(t: ObThread, op: number): number {
  const args = exceptionArgs(t, op);
  const n = tupleSize(t, args);
  const r = n === 0 ? t.emptyStr : objectStr(t, n === 1 ? tupleGetItem(t, args, 0) : args);
  decref(t.rc, args);
  return r;
}

/** `BaseException_repr`: `ValueError('x')`, `ValueError()`, `ValueError(1, 2)`; a new str or 0. @internal */
export function baseExceptionRepr(t: ObThread, op: number): number {
  const args = exceptionArgs(t, op);
  const n = tupleSize(t, args);
  const inner = n === 1 ? objectReprJs(t, tupleGetItem(t, args, 0)) : tupleReprJs(t, args);
  decref(t.rc, args);
  if (inner === null) return 0;
  const name = shortTypeName(t, typeOf(t, op));
  return strFromJs(t, n === 1 ? `${name}(${inner})` : `${name}${inner}`);
}

/**
 * `type(*args, **kwargs)` for an exception class (`type_call`): the
 * metatype's `call` slot when it has one (the VM's), else the type's `new`
 * slot and then, for an instance of `type`, its `init` slot. A new
 * reference, or 0 with the exception set.
 * @public
 */
export function exceptionCall(t: ObThread, type: number, args: number, kwargs = 0): number {
  const call = typeSlot(t, typeOf(t, type), 'call');
  if (call !== null) return call(t, type, args, kwargs);
  const create = typeSlot(t, type, 'new');
  if (create === null) return errRaise(t, StaticType.TypeError, `cannot create '${typeName(t, type)}' instances`);
  const obj = create(t, type, args, kwargs);
  if (obj === 0 || !objectTypeCheck(t, obj, type)) return obj;
  const init = typeSlot(t, typeOf(t, obj), 'init');
  if (init !== null && init(t, obj, args, kwargs) < 0) {
    decref(t.rc, obj);
    return 0;
  }
  return obj;
}

/** `_PyErr_CreateException`'s check: `exc` an exception instance, else TypeError. */
function checkCreated(t: ObThread, type: number, exc: number): number {
  if (exc === 0 || exceptionInstanceCheck(t, exc)) return exc;
  const got = typeNameOf(t, exc);
  decref(t.rc, exc);
  return errRaise(t, StaticType.TypeError, `calling <class '${typeName(t, type)}'> should have returned an instance of BaseException, not ${got}`);
}

/** How the thread's exception state creates exception objects (errors.ts). @internal */
export const exceptionFactory: ExceptionFactory = {
  fromMessage(t, type, message) {
    let args = t.emptyTuple;
    if (message !== '') {
      const s = strFromJs(t, message);
      if (s === 0) return 0;
      args = tupleFromArray(t, [s]);
      decref(t.rc, s);
      if (args === 0) return 0;
    }
    const exc = exceptionCall(t, type, args);
    decref(t.rc, args);
    return checkCreated(t, type, exc);
  },
  fromValue(t, type, value) {
    let args: number;
    if (value === 0 || value === t.none) {
      args = t.emptyTuple;
      incref(t.rc, args);
    } else if (typeHasFlag(t, typeOf(t, value), TPFLAGS_TUPLE_SUBCLASS)) {
      args = value;
      incref(t.rc, args);
    } else {
      args = tupleFromArray(t, [value]);
      if (args === 0) return 0;
    }
    const exc = exceptionCall(t, type, args);
    decref(t.rc, args);
    return checkCreated(t, type, exc);
  },
};

// --- methods ------------------------------------------------------------------------------------

/**
 * `BaseException.add_note(note)`: appends `note` (a str) to the
 * exception's `__notes__` list, creating it; 0, or -1 with TypeError
 * ("note must be a str, not 'int'", "Cannot add note: __notes__ is not a
 * list") or what the attribute access raised.
 * @public
 */
export function exceptionAddNote(t: ObThread, exc: number, note: number): number {
  if (!typeHasFlag(t, typeOf(t, note), TPFLAGS_UNICODE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, `note must be a str, not '${typeNameOf(t, note)}'`);
  // Under the exception's critical section, as CPython 3.14: two threads adding the first notes at
  // once make one list (unless one of them blocks inside, which suspends the section).
  criticalSectionBegin(t.heap, exc + OB_MUTEX_OFFSET);
  const r = addNoteLocked(t, exc, note);
  criticalSectionEnd(t.heap);
  return r;
}

function addNoteLocked(t: ObThread, exc: number, note: number): number {
  const name = strInternFromJs(t, '__notes__'); // interned: the method cache keeps the names it looks up
  if (name === 0) return -1;
  let notes = objectGetAttr(t, exc, name);
  if (notes === 0) {
    // `PyObject_GetOptionalAttr`: a missing attribute is no error.
    if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) {
      decref(t.rc, name);
      return -1;
    }
    errClear(t);
    notes = listNew(t, 0);
    if (notes === 0 || objectSetAttr(t, exc, name, notes) < 0) {
      if (notes !== 0) decref(t.rc, notes);
      decref(t.rc, name);
      return -1;
    }
  }
  decref(t.rc, name);
  let r: number;
  if (!typeHasFlag(t, typeOf(t, notes), TPFLAGS_LIST_SUBCLASS)) r = errRaiseInt(t, StaticType.TypeError, 'Cannot add note: __notes__ is not a list');
  else r = listAppend(t, notes, note);
  decref(t.rc, notes);
  return r;
}

/**
 * `BaseException.with_traceback(tb)`: sets `__traceback__` (None clears;
 * any object is kept until traceback objects exist) and returns the
 * exception, a new reference.
 * @public
 */
export function exceptionWithTraceback(t: ObThread, exc: number, tb: number): number {
  exceptionSetTraceback(t, exc, tb);
  incref(t.rc, exc);
  return exc;
}

// --- collector behaviours ----------------------------------------------------------------------

/** `BaseException_traverse` and its extensions: every reference field, BaseException's then `words`. @internal */
export function exceptionTraverse(t: RcThread, op: number, visit: (child: number) => number, words: readonly number[]): number {
  const u32 = t.u32;
  for (const off of BASE_WORDS) {
    const child = u32[(op + off) >>> 2]!;
    if (child !== 0) {
      const r = visit(child);
      if (r !== 0) return r;
    }
  }
  for (const off of words) {
    const child = u32[(op + off) >>> 2]!;
    if (child !== 0) {
      const r = visit(child);
      if (r !== 0) return r;
    }
  }
  return 0;
}

/**
 * `BaseException_clear` and its extensions (the collector's `tp_clear`):
 * each field swapped to empty and released (atomically: a setter of
 * another thread may race the collector's clear).
 * @internal
 */
export function exceptionClear(t: RcThread, op: number, words: readonly number[]): void {
  for (const off of BASE_WORDS) clearWord(t, op + off);
  for (const off of words) clearWord(t, op + off);
}

function clearWord(t: RcThread, at: number): void {
  const child = Atomics.exchange(t.u32, at >>> 2, 0);
  if (child !== 0) decref(t, child);
}

/** How deep exception deallocs are nested on this thread, and the references they left for the outermost to release. */
let deallocDepth = 0;
const deferredReleases: number[] = [];
/** Past this depth a dying exception's fields are released by the outermost dealloc (CPython's trashcan, bpo-44348). */
const TRASHCAN_DEPTH = 50;

/**
 * `BaseException_dealloc` and its extensions: untrack, release the fields,
 * free. A long `__context__` chain would nest one dealloc per link; past a
 * depth the fields' references go to a list the outermost dealloc releases
 * in a loop, so the stack stays flat (what CPython's trashcan does).
 * @internal
 */
export function exceptionDealloc(t: ObThread, op: number, words: readonly number[]): void {
  gcUntrack(t.rc, op);
  const u32 = t.u32;
  const deep = deallocDepth >= TRASHCAN_DEPTH;
  deallocDepth++;
  // SAFETY: the exception is dead: its fields are ours alone.
  for (const off of BASE_WORDS) releaseWord(t, u32, op + off, deep);
  for (const off of words) releaseWord(t, u32, op + off, deep);
  gcDel(t.gc, op);
  deallocDepth--;
  if (deallocDepth === 0) {
    deallocDepth = 1; // what the loop releases nests below it
    while (deferredReleases.length > 0) decref(t.rc, deferredReleases.pop()!);
    deallocDepth = 0;
  }
}

function releaseWord(t: ObThread, u32: Uint32Array, at: number, defer: boolean): void {
  const child = u32[at >>> 2]!;
  if (child === 0) return;
  u32[at >>> 2] = 0;
  if (defer) deferredReleases.push(child);
  else decref(t.rc, child);
}
