/**
 * CPython 3.13's builtin exception classes (`Objects/exceptions.c`): the
 * hierarchy as static types, and what the classes with more than
 * BaseException's layout add — `StopIteration.value`, `SystemExit.code`,
 * ImportError's `msg`/`name`/`path`/`name_from`, AttributeError's
 * `name`/`obj`, NameError's `name`, OSError (its errno, strerror and file
 * names, the errno → subclass mapping of its constructor, BlockingIOError's
 * `characters_written`), SyntaxError's location and its `str()`, the
 * Unicode errors' fields and messages — with each one's `__init__` and
 * `__str__`, keyword checks and argument errors worded as CPython's.
 * `InterpreterError` and `InterpreterNotFoundError` are 3.13's
 * `_interpreters` exceptions (`interpreters.InterpreterError`).
 *
 * Not built: `BaseExceptionGroup` and `ExceptionGroup` (CPython makes
 * ExceptionGroup a class with two bases, which static types here cannot
 * have yet), MemoryError's free list, `__reduce__`/`__setstate__`.
 * `UnicodeDecodeError` takes any object as its `object` until bytes exist
 * (its `str()` reads the length and the byte through the sequence
 * protocol). Py_ssize_t fields (`start`, `end`, `characters_written`) hold
 * what a JavaScript number holds exactly: an int between 2^53 and 2^63,
 * which CPython accepts, raises OverflowError here.
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET, TYPE_FLAG_HAVE_GC, type BehaviourRegistry } from '@ft/refcount';
import { numberAsSsize, numberIndex } from './abstract-number.js';
import { objectGetItem, objectLength, objectRepr, objectReprJs, typeSlotId } from './abstract.js';
import { dictGetItemRef, dictSize, dictSnapshot } from './dict.js';
import { excFieldGet, excFieldSet } from './exception-object.js';
import {
  baseExceptionInit,
  baseExceptionNew,
  baseExceptionRepr,
  baseExceptionStr,
  exceptionArgs,
  exceptionAttributes,
  exceptionClear,
  exceptionDealloc,
  exceptionFactory,
  exceptionGetAttro,
  exceptionSetAttro,
  exceptionTraverse,
  noKeywords,
  objectMember,
  objectStr,
  objectStrJs,
  sequenceTuple,
  type ExceptionAttribute,
  type ExceptionAttributes,
} from './exceptions.js';
import { errRaise, errRaiseInt, setExceptionFactory } from './errors.js';
import { intAsBigInt, intCheckExact, intCompactValue, intFromNumber, intIsCompact } from './int.js';
import {
  ATTRIBUTEERROR_NAME_OFFSET,
  ATTRIBUTEERROR_OBJ_OFFSET,
  ATTRIBUTEERROR_SIZE,
  BASE_EXCEPTION_SIZE,
  EXC_ARGS_OFFSET,
  EXC_DICT_OFFSET,
  EXC_ONE_FIELD_SIZE,
  IMPORTERROR_MSG_OFFSET,
  IMPORTERROR_NAME_FROM_OFFSET,
  IMPORTERROR_NAME_OFFSET,
  IMPORTERROR_PATH_OFFSET,
  IMPORTERROR_SIZE,
  NAMEERROR_NAME_OFFSET,
  OSERROR_ERRNO_OFFSET,
  OSERROR_FILENAME2_OFFSET,
  OSERROR_FILENAME_OFFSET,
  OSERROR_SIZE,
  OSERROR_STRERROR_OFFSET,
  OSERROR_WRITTEN_OFFSET,
  StaticType,
  STOPITERATION_VALUE_OFFSET,
  SYNTAXERROR_END_LINENO_OFFSET,
  SYNTAXERROR_END_OFFSET_OFFSET,
  SYNTAXERROR_FILENAME_OFFSET,
  SYNTAXERROR_LINENO_OFFSET,
  SYNTAXERROR_MSG_OFFSET,
  SYNTAXERROR_OFFSET_OFFSET,
  SYNTAXERROR_PRINT_FILE_AND_LINE_OFFSET,
  SYNTAXERROR_SIZE,
  SYNTAXERROR_TEXT_OFFSET,
  SYSTEMEXIT_CODE_OFFSET,
  TPFLAGS_BASE_EXC_SUBCLASS,
  TPFLAGS_LONG_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
  UNICODEERROR_END_OFFSET,
  UNICODEERROR_ENCODING_OFFSET,
  UNICODEERROR_OBJECT_OFFSET,
  UNICODEERROR_REASON_OFFSET,
  UNICODEERROR_SIZE,
  UNICODEERROR_START_OFFSET,
} from './layout.js';
import type { ObThread, SlotKind } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strCheckExact, strFromJs } from './str.js';
import { strCodePointAt, strLength, strToJs } from './str-read.js';
import { typeHasFlag, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';

/**
 * The builtin exception classes: StaticType index, `tp_name`, base. One
 * table for the hierarchy (test/exceptions.test.ts compares it with
 * python3.13's); each class's layout and behaviours come from its nearest
 * ancestor that has its own (below).
 */
const HIERARCHY: readonly (readonly [StaticType, string, StaticType])[] = [
  [StaticType.BaseException, 'BaseException', StaticType.Object],
  [StaticType.Exception, 'Exception', StaticType.BaseException],
  [StaticType.TypeError, 'TypeError', StaticType.Exception],
  [StaticType.ValueError, 'ValueError', StaticType.Exception],
  [StaticType.LookupError, 'LookupError', StaticType.Exception],
  [StaticType.IndexError, 'IndexError', StaticType.LookupError],
  [StaticType.KeyError, 'KeyError', StaticType.LookupError],
  [StaticType.RuntimeError, 'RuntimeError', StaticType.Exception],
  [StaticType.ArithmeticError, 'ArithmeticError', StaticType.Exception],
  [StaticType.OverflowError, 'OverflowError', StaticType.ArithmeticError],
  [StaticType.ZeroDivisionError, 'ZeroDivisionError', StaticType.ArithmeticError],
  [StaticType.MemoryError, 'MemoryError', StaticType.Exception],
  [StaticType.AttributeError, 'AttributeError', StaticType.Exception],
  [StaticType.StopIteration, 'StopIteration', StaticType.Exception],
  [StaticType.SystemError, 'SystemError', StaticType.Exception],
  [StaticType.RecursionError, 'RecursionError', StaticType.RuntimeError],
  [StaticType.NotImplementedError, 'NotImplementedError', StaticType.RuntimeError],
  [StaticType.GeneratorExit, 'GeneratorExit', StaticType.BaseException],
  [StaticType.KeyboardInterrupt, 'KeyboardInterrupt', StaticType.BaseException],
  [StaticType.SystemExit, 'SystemExit', StaticType.BaseException],
  [StaticType.AssertionError, 'AssertionError', StaticType.Exception],
  [StaticType.BufferError, 'BufferError', StaticType.Exception],
  [StaticType.EOFError, 'EOFError', StaticType.Exception],
  [StaticType.ImportError, 'ImportError', StaticType.Exception],
  [StaticType.ModuleNotFoundError, 'ModuleNotFoundError', StaticType.ImportError],
  [StaticType.NameError, 'NameError', StaticType.Exception],
  [StaticType.UnboundLocalError, 'UnboundLocalError', StaticType.NameError],
  [StaticType.OSError, 'OSError', StaticType.Exception],
  [StaticType.BlockingIOError, 'BlockingIOError', StaticType.OSError],
  [StaticType.ChildProcessError, 'ChildProcessError', StaticType.OSError],
  [StaticType.ConnectionError, 'ConnectionError', StaticType.OSError],
  [StaticType.BrokenPipeError, 'BrokenPipeError', StaticType.ConnectionError],
  [StaticType.ConnectionAbortedError, 'ConnectionAbortedError', StaticType.ConnectionError],
  [StaticType.ConnectionRefusedError, 'ConnectionRefusedError', StaticType.ConnectionError],
  [StaticType.ConnectionResetError, 'ConnectionResetError', StaticType.ConnectionError],
  [StaticType.FileExistsError, 'FileExistsError', StaticType.OSError],
  [StaticType.FileNotFoundError, 'FileNotFoundError', StaticType.OSError],
  [StaticType.InterruptedError, 'InterruptedError', StaticType.OSError],
  [StaticType.IsADirectoryError, 'IsADirectoryError', StaticType.OSError],
  [StaticType.NotADirectoryError, 'NotADirectoryError', StaticType.OSError],
  [StaticType.PermissionError, 'PermissionError', StaticType.OSError],
  [StaticType.ProcessLookupError, 'ProcessLookupError', StaticType.OSError],
  [StaticType.TimeoutError, 'TimeoutError', StaticType.OSError],
  [StaticType.ReferenceError, 'ReferenceError', StaticType.Exception],
  [StaticType.StopAsyncIteration, 'StopAsyncIteration', StaticType.Exception],
  [StaticType.SyntaxError, 'SyntaxError', StaticType.Exception],
  [StaticType.IndentationError, 'IndentationError', StaticType.SyntaxError],
  [StaticType.TabError, 'TabError', StaticType.IndentationError],
  [StaticType.IncompleteInputError, '_IncompleteInputError', StaticType.SyntaxError],
  [StaticType.FloatingPointError, 'FloatingPointError', StaticType.ArithmeticError],
  [StaticType.PythonFinalizationError, 'PythonFinalizationError', StaticType.RuntimeError],
  [StaticType.UnicodeError, 'UnicodeError', StaticType.ValueError],
  [StaticType.UnicodeDecodeError, 'UnicodeDecodeError', StaticType.UnicodeError],
  [StaticType.UnicodeEncodeError, 'UnicodeEncodeError', StaticType.UnicodeError],
  [StaticType.UnicodeTranslateError, 'UnicodeTranslateError', StaticType.UnicodeError],
  [StaticType.Warning, 'Warning', StaticType.Exception],
  [StaticType.UserWarning, 'UserWarning', StaticType.Warning],
  [StaticType.DeprecationWarning, 'DeprecationWarning', StaticType.Warning],
  [StaticType.PendingDeprecationWarning, 'PendingDeprecationWarning', StaticType.Warning],
  [StaticType.SyntaxWarning, 'SyntaxWarning', StaticType.Warning],
  [StaticType.RuntimeWarning, 'RuntimeWarning', StaticType.Warning],
  [StaticType.FutureWarning, 'FutureWarning', StaticType.Warning],
  [StaticType.ImportWarning, 'ImportWarning', StaticType.Warning],
  [StaticType.UnicodeWarning, 'UnicodeWarning', StaticType.Warning],
  [StaticType.BytesWarning, 'BytesWarning', StaticType.Warning],
  [StaticType.EncodingWarning, 'EncodingWarning', StaticType.Warning],
  [StaticType.ResourceWarning, 'ResourceWarning', StaticType.Warning],
  [StaticType.InterpreterError, 'interpreters.InterpreterError', StaticType.Exception],
  [StaticType.InterpreterNotFoundError, 'interpreters.InterpreterNotFoundError', StaticType.InterpreterError],
];

/**
 * OSError's errno → subclass mapping (`_PyExc_InitState`'s `errnomap`),
 * with Linux's errno values, as `os.strerror` and Node report them there.
 */
const ERRNO_MAP: ReadonlyMap<number, StaticType> = new Map([
  [1, StaticType.PermissionError], // EPERM
  [2, StaticType.FileNotFoundError], // ENOENT
  [3, StaticType.ProcessLookupError], // ESRCH
  [4, StaticType.InterruptedError], // EINTR
  [10, StaticType.ChildProcessError], // ECHILD
  [11, StaticType.BlockingIOError], // EAGAIN, EWOULDBLOCK
  [13, StaticType.PermissionError], // EACCES
  [17, StaticType.FileExistsError], // EEXIST
  [20, StaticType.NotADirectoryError], // ENOTDIR
  [21, StaticType.IsADirectoryError], // EISDIR
  [32, StaticType.BrokenPipeError], // EPIPE
  [103, StaticType.ConnectionAbortedError], // ECONNABORTED
  [104, StaticType.ConnectionResetError], // ECONNRESET
  [108, StaticType.BrokenPipeError], // ESHUTDOWN
  [110, StaticType.TimeoutError], // ETIMEDOUT
  [111, StaticType.ConnectionRefusedError], // ECONNREFUSED
  [114, StaticType.BlockingIOError], // EALREADY
  [115, StaticType.BlockingIOError], // EINPROGRESS
]);

/** The errnos OSError maps to a subclass, by subclass name (for the tests). @internal */
export function exceptionErrnoMap(): ReadonlyMap<number, StaticType> {
  return ERRNO_MAP;
}

// --- argument parsing (the `PyArg_*` errors these constructors raise) ------------------------

/**
 * `PyArg_ParseTupleAndKeywords(() , kwargs, "|$O…:fname", names)`: the
 * keyword-only arguments `names` from `kwargs` (a dict or 0), each
 * borrowed from the dict or 0; null with TypeError ("ImportError() takes at
 * most 3 keyword arguments (4 given)", "… got an unexpected keyword
 * argument 'foo'").
 */
function keywordOnly(t: ObThread, kwargs: number, fname: string, names: readonly string[]): number[] | null {
  const values = names.map(() => 0);
  if (kwargs === 0) return values;
  const given = dictSize(t, kwargs);
  if (given === 0) return values;
  if (given > names.length) {
    errRaise(t, StaticType.TypeError, `${fname}() takes at most ${names.length} keyword argument${names.length === 1 ? '' : 's'} (${given} given)`);
    return null;
  }
  let found = 0;
  for (let i = 0; i < names.length; i++) {
    const key = strFromJs(t, names[i]!);
    if (key === 0) return null;
    const v = dictGetItemRef(t, kwargs, key);
    decref(t.rc, key);
    if (v === 0) {
      if (t.error.type !== 0) return null;
      continue;
    }
    decref(t.rc, v); // borrowed from here: the caller's dict keeps it
    values[i] = v;
    found++;
  }
  if (found < given) {
    const keys = dictSnapshot(t, kwargs, 0) ?? [];
    let unexpected = '';
    for (const k of keys) {
      const name = typeHasFlag(t, typeOf(t, k), TPFLAGS_UNICODE_SUBCLASS) ? strToJs(t, k) : '';
      if (unexpected === '' && !names.includes(name)) unexpected = name;
      decref(t.rc, k);
    }
    errRaise(t, StaticType.TypeError, `${fname}() got an unexpected keyword argument '${unexpected}'`);
    return null;
  }
  return values;
}

/** `PyArg_ParseTuple`'s count errors for `min`…`max` positional arguments; -1 with TypeError, else 0. */
function argumentCount(t: ObThread, n: number, min: number, max: number): number {
  if (n >= min && n <= max) return 0;
  const plural = (k: number): string => `${k} argument${k === 1 ? '' : 's'}`;
  if (min === max) return errRaiseInt(t, StaticType.TypeError, `function takes exactly ${plural(min)} (${n} given)`);
  if (n < min) return errRaiseInt(t, StaticType.TypeError, `function takes at least ${plural(min)} (${n} given)`);
  return errRaiseInt(t, StaticType.TypeError, `function takes at most ${plural(max)} (${n} given)`);
}

/** The `U` format: a str, or -1 with TypeError ("argument 1 must be str, not int"). */
function requireStr(t: ObThread, op: number, position: number): number {
  if (typeHasFlag(t, typeOf(t, op), TPFLAGS_UNICODE_SUBCLASS)) return 0;
  const got = op === t.none ? 'None' : typeNameOf(t, op);
  return errRaiseInt(t, StaticType.TypeError, `argument ${position} must be str, not ${got}`);
}

/**
 * The `n` format (`PyNumber_Index` then `PyLong_AsSsize_t`): the value, or
 * null with TypeError ("'str' object cannot be interpreted as an integer")
 * or OverflowError ("Python int too large to convert to C ssize_t"; here
 * past ±2^53, file comment).
 */
function ssizeArgument(t: ObThread, op: number): number | null {
  const index = numberIndex(t, op);
  if (index === 0) return null;
  const v = intIsCompact(t, index) ? intCompactValue(t, index) : Number(intAsBigInt(t, index));
  decref(t.rc, index);
  if (Number.isSafeInteger(v)) return v;
  errRaise(t, StaticType.OverflowError, 'Python int too large to convert to C ssize_t');
  return null;
}

// --- fields that are not references ------------------------------------------------------------

function ssizeFieldGet(t: ObThread, op: number, offset: number): number {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  const v = t.f64[(op + offset) >>> 3]!; // SAFETY: under the exception's critical section (a double is not read torn)
  criticalSectionEnd(t.heap);
  return v;
}

function ssizeFieldSet(t: ObThread, op: number, offset: number, v: number): void {
  criticalSectionBegin(t.heap, op + OB_MUTEX_OFFSET);
  t.f64[(op + offset) >>> 3] = v; // SAFETY: under the exception's critical section
  criticalSectionEnd(t.heap);
}

/** A `Py_T_PYSSIZET` member (`start`, `end`): an int; "an integer is required"; not deletable. */
function ssizeMember(offset: number): ExceptionAttribute {
  return {
    get: (t, op) => intFromNumber(t, ssizeFieldGet(t, op, offset)),
    set: (t, op, value) => {
      if (value === 0) return errRaiseInt(t, StaticType.TypeError, "can't delete numeric/char attribute");
      if (!typeHasFlag(t, typeOf(t, value), TPFLAGS_LONG_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, 'an integer is required');
      const v = ssizeArgument(t, value);
      if (v === null) return -1;
      ssizeFieldSet(t, op, offset, v);
      return 0;
    },
  };
}

/** Stores `value` (not stolen; 0 empties) in the reference field at `offset`. */
function setField(t: ObThread, op: number, offset: number, value: number): void {
  if (value !== 0) incref(t.rc, value);
  excFieldSet(t, op, offset, value);
}

// --- StopIteration, SystemExit ------------------------------------------------------------------

/** `StopIteration_init`: `value` is the first argument, or None. */
function stopIterationInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, kwargs) < 0) return -1;
  setField(t, self, STOPITERATION_VALUE_OFFSET, tupleSize(t, args) > 0 ? tupleGetItem(t, args, 0) : t.none);
  return 0;
}

/** `SystemExit_init`: `code` is the one argument, the args tuple for more, unchanged for none. */
function systemExitInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, kwargs) < 0) return -1;
  const n = tupleSize(t, args);
  if (n > 0) setField(t, self, SYSTEMEXIT_CODE_OFFSET, n === 1 ? tupleGetItem(t, args, 0) : args);
  return 0;
}

// --- ImportError, AttributeError, NameError --------------------------------------------------------

/** `ImportError_init`: keyword-only `name`, `path`, `name_from`; `msg` is the one positional argument. */
function importErrorInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, 0) < 0) return -1;
  const kw = keywordOnly(t, kwargs, 'ImportError', ['name', 'path', 'name_from']);
  if (kw === null) return -1;
  setField(t, self, IMPORTERROR_NAME_OFFSET, kw[0]!);
  setField(t, self, IMPORTERROR_PATH_OFFSET, kw[1]!);
  setField(t, self, IMPORTERROR_NAME_FROM_OFFSET, kw[2]!);
  setField(t, self, IMPORTERROR_MSG_OFFSET, tupleSize(t, args) === 1 ? tupleGetItem(t, args, 0) : 0);
  return 0;
}

/** `ImportError_str`: `msg` when it is an exact str, else BaseException's. */
function importErrorStr(t: ObThread, op: number): number {
  const msg = excFieldGet(t, op, IMPORTERROR_MSG_OFFSET);
  if (msg !== 0 && strCheckExact(t, msg)) return msg;
  if (msg !== 0) decref(t.rc, msg);
  return baseExceptionStr(t, op);
}

/** `AttributeError_init`: keyword-only `name` and `obj`. */
function attributeErrorInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, 0) < 0) return -1;
  const kw = keywordOnly(t, kwargs, 'AttributeError', ['name', 'obj']);
  if (kw === null) return -1;
  setField(t, self, ATTRIBUTEERROR_NAME_OFFSET, kw[0]!);
  setField(t, self, ATTRIBUTEERROR_OBJ_OFFSET, kw[1]!);
  return 0;
}

/** `NameError_init`: keyword-only `name`. */
function nameErrorInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, 0) < 0) return -1;
  const kw = keywordOnly(t, kwargs, 'NameError', ['name']);
  if (kw === null) return -1;
  setField(t, self, NAMEERROR_NAME_OFFSET, kw[0]!);
  return 0;
}

// --- OSError ------------------------------------------------------------------------------------------

/** OSError's behaviour ids, for `oserror_use_init`. */
interface OsErrorIds {
  new: number;
  init: number;
}

/**
 * `oserror_use_init`: a subclass that defines `__init__` but not `__new__`
 * parses its arguments in `__init__` (CPython issue 12555), so that extra
 * arguments to `__new__` are ignored.
 */
function osErrorUseInit(t: ObThread, type: number, ids: OsErrorIds): boolean {
  return typeSlotId(t, type, 'init') !== ids.init && typeSlotId(t, type, 'new') === ids.new;
}

/** `PyNumber_Check`: a type with `nb_index`, `nb_int` or `nb_float`. */
function numberCheck(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  return typeSlotId(t, type, 'index') !== 0 || typeSlotId(t, type, 'int') !== 0 || typeSlotId(t, type, 'float') !== 0;
}

/**
 * `oserror_parse_args` + `oserror_init`: with 2 to 5 arguments, `(errno,
 * strerror, filename, winerror, filename2)` (winerror ignored off
 * Windows); a filename stays out of `args`, which keeps the first two; a
 * BlockingIOError's third argument may be `characters_written` instead.
 * 0, or -1 with the exception set.
 */
function osErrorFill(t: ObThread, self: number, args: number): number {
  const n = tupleSize(t, args);
  let errno = 0;
  let strerror = 0;
  let filename = 0;
  let filename2 = 0;
  if (n >= 2 && n <= 5) {
    errno = tupleGetItem(t, args, 0);
    strerror = tupleGetItem(t, args, 1);
    if (n >= 3) filename = tupleGetItem(t, args, 2);
    if (n >= 5) filename2 = tupleGetItem(t, args, 4);
  }
  let keptArgs = args;
  incref(t.rc, keptArgs);
  if (filename !== 0 && filename !== t.none) {
    if (typeOf(t, self) === t.types[StaticType.BlockingIOError] && numberCheck(t, filename)) {
      const written = numberAsSsize(t, filename, StaticType.ValueError);
      if (written === -1 && t.error.type !== 0) {
        decref(t.rc, keptArgs);
        return -1;
      }
      ssizeFieldSet(t, self, OSERROR_WRITTEN_OFFSET, written);
    } else {
      setField(t, self, OSERROR_FILENAME_OFFSET, filename);
      if (filename2 !== 0 && filename2 !== t.none) setField(t, self, OSERROR_FILENAME2_OFFSET, filename2);
      decref(t.rc, keptArgs);
      keptArgs = tupleFromArray(t, [tupleGetItem(t, args, 0), tupleGetItem(t, args, 1)]);
      if (keptArgs === 0) return -1;
    }
  }
  setField(t, self, OSERROR_ERRNO_OFFSET, errno);
  setField(t, self, OSERROR_STRERROR_OFFSET, strerror);
  excFieldSet(t, self, EXC_ARGS_OFFSET, keptArgs);
  return 0;
}

/**
 * `OSError_new`: unless the class parses in `__init__`, no keyword
 * arguments, and `OSError(errno, …)` itself becomes the subclass its errno
 * maps to (`OSError(2, 'x')` is a FileNotFoundError); the fields are
 * filled here.
 */
function osErrorNew(t: ObThread, type: number, args: number, kwargs: number, ids: OsErrorIds): number {
  const useInit = osErrorUseInit(t, type, ids);
  if (!useInit) {
    if (noKeywords(t, typeName(t, type), kwargs) < 0) return 0;
    const n = tupleSize(t, args);
    if (type === t.types[StaticType.OSError] && n >= 2 && n <= 5) {
      const errno = tupleGetItem(t, args, 0);
      if (typeHasFlag(t, typeOf(t, errno), TPFLAGS_LONG_SUBCLASS) && intIsCompact(t, errno)) {
        const mapped = ERRNO_MAP.get(intCompactValue(t, errno));
        if (mapped !== undefined) type = t.types[mapped]!;
      }
    }
  }
  const self = baseExceptionNew(t, type, useInit ? t.emptyTuple : args, 0);
  if (self === 0) return 0;
  ssizeFieldSet(t, self, OSERROR_WRITTEN_OFFSET, -1);
  if (!useInit && osErrorFill(t, self, args) < 0) {
    decref(t.rc, self);
    return 0;
  }
  return self;
}

/** `OSError_init`: nothing when `__new__` did the work; else the same parsing. */
function osErrorInit(t: ObThread, self: number, args: number, kwargs: number, ids: OsErrorIds): number {
  if (!osErrorUseInit(t, typeOf(t, self), ids)) return 0;
  if (noKeywords(t, typeNameOf(t, self), kwargs) < 0) return -1;
  return osErrorFill(t, self, args);
}

/** `OSError_str`: `[Errno 2] No such file: 'f' -> 'g'`, `[Errno 2] No such file`, else BaseException's. */
function osErrorStr(t: ObThread, op: number): number {
  const filename = excFieldGet(t, op, OSERROR_FILENAME_OFFSET);
  const filename2 = excFieldGet(t, op, OSERROR_FILENAME2_OFFSET);
  const errno = excFieldGet(t, op, OSERROR_ERRNO_OFFSET);
  const strerror = excFieldGet(t, op, OSERROR_STRERROR_OFFSET);
  let text: string | null = null;
  let failed = false;
  const str = (x: number): string => {
    const s = failed ? null : objectStrJs(t, x === 0 ? t.none : x);
    if (s === null) failed = true;
    return s ?? '';
  };
  const repr = (x: number): string => {
    const s = failed ? null : objectReprJs(t, x);
    if (s === null) failed = true;
    return s ?? '';
  };
  if (filename !== 0) {
    text = `[Errno ${str(errno)}] ${str(strerror)}: ${repr(filename)}`;
    if (filename2 !== 0) text += ` -> ${repr(filename2)}`;
  } else if (errno !== 0 && strerror !== 0) {
    text = `[Errno ${str(errno)}] ${str(strerror)}`;
  }
  for (const x of [filename, filename2, errno, strerror]) if (x !== 0) decref(t.rc, x);
  if (failed) return 0;
  return text === null ? baseExceptionStr(t, op) : strFromJs(t, text);
}

/** `characters_written`: AttributeError while unset (-1). */
const charactersWritten: ExceptionAttribute = {
  get: (t, op) => {
    const v = ssizeFieldGet(t, op, OSERROR_WRITTEN_OFFSET);
    return v === -1 ? errRaise(t, StaticType.AttributeError, 'characters_written') : intFromNumber(t, v);
  },
  set: (t, op, value) => {
    if (value === 0) {
      if (ssizeFieldGet(t, op, OSERROR_WRITTEN_OFFSET) === -1) return errRaiseInt(t, StaticType.AttributeError, 'characters_written');
      ssizeFieldSet(t, op, OSERROR_WRITTEN_OFFSET, -1);
      return 0;
    }
    const n = numberAsSsize(t, value, StaticType.ValueError);
    if (n === -1 && t.error.type !== 0) return -1;
    ssizeFieldSet(t, op, OSERROR_WRITTEN_OFFSET, n);
    return 0;
  },
};

// --- SyntaxError ------------------------------------------------------------------------------------

/** `SyntaxError_init`: `msg`, and with a second argument its `(filename, lineno, offset, text[, end_lineno, end_offset])`. */
function syntaxErrorInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, kwargs) < 0) return -1;
  const n = tupleSize(t, args);
  if (n >= 1) setField(t, self, SYNTAXERROR_MSG_OFFSET, tupleGetItem(t, args, 0));
  if (n !== 2) return 0;
  const info = sequenceTuple(t, tupleGetItem(t, args, 1));
  if (info === 0) return -1;
  const k = tupleSize(t, info);
  if (argumentCount(t, k, 4, 6) < 0) {
    decref(t.rc, info);
    return -1;
  }
  const item = (i: number): number => (i < k ? tupleGetItem(t, info, i) : 0);
  setField(t, self, SYNTAXERROR_FILENAME_OFFSET, item(0));
  setField(t, self, SYNTAXERROR_LINENO_OFFSET, item(1));
  setField(t, self, SYNTAXERROR_OFFSET_OFFSET, item(2));
  setField(t, self, SYNTAXERROR_TEXT_OFFSET, item(3));
  setField(t, self, SYNTAXERROR_END_LINENO_OFFSET, item(4));
  setField(t, self, SYNTAXERROR_END_OFFSET_OFFSET, item(5));
  decref(t.rc, info);
  if (k === 5) return errRaiseInt(t, StaticType.TypeError, 'end_offset must be provided when end_lineno is provided');
  return 0;
}

/** `SyntaxError_str`: `msg (file.py, line 3)`, with the file's base name; `str(msg)` without a location. */
function syntaxErrorStr(t: ObThread, op: number): number {
  const msg = excFieldGet(t, op, SYNTAXERROR_MSG_OFFSET);
  const filenameObj = excFieldGet(t, op, SYNTAXERROR_FILENAME_OFFSET);
  const lineno = excFieldGet(t, op, SYNTAXERROR_LINENO_OFFSET);
  let filename: string | null = null;
  if (filenameObj !== 0 && typeHasFlag(t, typeOf(t, filenameObj), TPFLAGS_UNICODE_SUBCLASS)) {
    const path = strToJs(t, filenameObj);
    filename = path.slice(path.lastIndexOf('/') + 1); // `my_basename`: SEP is '/'
  }
  let line: string | null = null;
  if (lineno !== 0 && intCheckExact(t, lineno)) {
    // `PyLong_AsLongAndOverflow`: a value past a C long prints -1.
    const v = intAsBigInt(t, lineno);
    line = v >= -(2n ** 63n) && v < 2n ** 63n ? String(v) : '-1';
  }
  if (filenameObj !== 0) decref(t.rc, filenameObj);
  if (lineno !== 0) decref(t.rc, lineno);
  const msgObj = msg === 0 ? t.none : msg;
  let r: number;
  if (filename === null && line === null) {
    r = objectStr(t, msgObj);
  } else {
    const m = objectStrJs(t, msgObj);
    if (m === null) r = 0;
    else if (filename !== null && line !== null) r = strFromJs(t, `${m} (${filename}, line ${line})`);
    else if (filename !== null) r = strFromJs(t, `${m} (${filename})`);
    else r = strFromJs(t, `${m} (line ${line})`);
  }
  if (msg !== 0) decref(t.rc, msg);
  return r;
}

// --- Unicode errors -----------------------------------------------------------------------------------

/**
 * `UnicodeEncodeError_init` ("UUnnU"), `UnicodeDecodeError_init` ("UOnnU")
 * and `UnicodeTranslateError_init` ("UnnU"): the fields from the
 * arguments, after BaseException's init.
 */
function unicodeErrorInit(t: ObThread, self: number, args: number, kwargs: number, format: string): number {
  if (baseExceptionInit(t, self, args, kwargs) < 0) return -1;
  const n = tupleSize(t, args);
  if (argumentCount(t, n, format.length, format.length) < 0) return -1;
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const item = tupleGetItem(t, args, i);
    const f = format[i]!;
    if (f === 'U' && requireStr(t, item, i + 1) < 0) return -1;
    if (f === 'n') {
      const v = ssizeArgument(t, item);
      if (v === null) return -1;
      values.push(v);
    } else {
      values.push(item);
    }
  }
  const translate = format.length === 4;
  const at = translate ? 0 : 1;
  if (!translate) setField(t, self, UNICODEERROR_ENCODING_OFFSET, values[0]!);
  setField(t, self, UNICODEERROR_OBJECT_OFFSET, values[at]!);
  ssizeFieldSet(t, self, UNICODEERROR_START_OFFSET, values[at + 1]!);
  ssizeFieldSet(t, self, UNICODEERROR_END_OFFSET, values[at + 2]!);
  setField(t, self, UNICODEERROR_REASON_OFFSET, values[at + 3]!);
  return 0;
}

/** `PyObject_Str` of a field that may be empty (`<NULL>`, as CPython prints NULL). */
function fieldStrJs(t: ObThread, value: number): string | null {
  return value === 0 ? '<NULL>' : objectStrJs(t, value);
}

function escapeChar(c: number): string {
  if (c <= 0xff) return `\\x${c.toString(16).padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${c.toString(16).padStart(4, '0')}`;
  return `\\U${c.toString(16).padStart(8, '0')}`;
}

/** The `str()` of the three Unicode errors; `kind` 'encode', 'decode' or 'translate'. */
function unicodeErrorStr(t: ObThread, op: number, kind: 'encode' | 'decode' | 'translate'): number {
  const object = excFieldGet(t, op, UNICODEERROR_OBJECT_OFFSET);
  if (object === 0) return t.emptyStr; // not initialized
  const reason = excFieldGet(t, op, UNICODEERROR_REASON_OFFSET);
  const encoding = kind === 'translate' ? 0 : excFieldGet(t, op, UNICODEERROR_ENCODING_OFFSET);
  const start = ssizeFieldGet(t, op, UNICODEERROR_START_OFFSET);
  const end = ssizeFieldGet(t, op, UNICODEERROR_END_OFFSET);
  let text: string | null = null;
  const reasonText = fieldStrJs(t, reason);
  const encodingText = reasonText === null || kind === 'translate' ? '' : fieldStrJs(t, encoding);
  if (reasonText !== null && encodingText !== null) text = unicodeErrorMessage(t, object, kind, start, end, encodingText, reasonText);
  decref(t.rc, object);
  if (reason !== 0) decref(t.rc, reason);
  if (encoding !== 0) decref(t.rc, encoding);
  return text === null ? 0 : strFromJs(t, text);
}

function unicodeErrorMessage(t: ObThread, object: number, kind: 'encode' | 'decode' | 'translate', start: number, end: number, encoding: string, reason: string): string | null {
  let length: number;
  if (kind === 'decode') {
    length = objectLength(t, object);
    if (length < 0) return null;
  } else {
    if (!typeHasFlag(t, typeOf(t, object), TPFLAGS_UNICODE_SUBCLASS)) {
      errRaise(t, StaticType.TypeError, "UnicodeError 'object' attribute must be a string");
      return null;
    }
    length = strLength(t, object);
  }
  const one = start >= 0 && start < length && end >= 0 && end <= length && end === start + 1;
  if (kind === 'decode') {
    if (!one) return `'${encoding}' codec can't decode bytes in position ${start}-${end - 1}: ${reason}`;
    const index = intFromNumber(t, start);
    if (index === 0) return null;
    const item = objectGetItem(t, object, index);
    decref(t.rc, index);
    if (item === 0) return null;
    const byte = intIsCompact(t, item) ? intCompactValue(t, item) & 0xff : 0;
    decref(t.rc, item);
    return `'${encoding}' codec can't decode byte 0x${byte.toString(16).padStart(2, '0')} in position ${start}: ${reason}`;
  }
  const prefix = kind === 'encode' ? `'${encoding}' codec can't encode` : "can't translate";
  if (!one) return `${prefix} characters in position ${start}-${end - 1}: ${reason}`;
  return `${prefix} character '${escapeChar(strCodePointAt(t, object, start))}' in position ${start}: ${reason}`;
}

// --- registration ---------------------------------------------------------------------------------

/** The layout of a class: its size, the reference fields past BaseException's, its attributes. */
interface Layout {
  readonly key: string;
  readonly size: number;
  readonly words: readonly number[];
  readonly attributes: ExceptionAttributes;
}

const om = objectMember;
const LAYOUTS: Readonly<Record<string, Layout>> = {
  base: { key: 'base', size: BASE_EXCEPTION_SIZE, words: [], attributes: exceptionAttributes([]) },
  stopIteration: { key: 'stopIteration', size: EXC_ONE_FIELD_SIZE, words: [STOPITERATION_VALUE_OFFSET], attributes: exceptionAttributes([['value', om(STOPITERATION_VALUE_OFFSET)]]) },
  systemExit: { key: 'systemExit', size: EXC_ONE_FIELD_SIZE, words: [SYSTEMEXIT_CODE_OFFSET], attributes: exceptionAttributes([['code', om(SYSTEMEXIT_CODE_OFFSET)]]) },
  importError: {
    key: 'importError',
    size: IMPORTERROR_SIZE,
    words: [IMPORTERROR_MSG_OFFSET, IMPORTERROR_NAME_OFFSET, IMPORTERROR_PATH_OFFSET, IMPORTERROR_NAME_FROM_OFFSET],
    attributes: exceptionAttributes([
      ['msg', om(IMPORTERROR_MSG_OFFSET)],
      ['name', om(IMPORTERROR_NAME_OFFSET)],
      ['path', om(IMPORTERROR_PATH_OFFSET)],
      ['name_from', om(IMPORTERROR_NAME_FROM_OFFSET)],
    ]),
  },
  attributeError: {
    key: 'attributeError',
    size: ATTRIBUTEERROR_SIZE,
    words: [ATTRIBUTEERROR_OBJ_OFFSET, ATTRIBUTEERROR_NAME_OFFSET],
    attributes: exceptionAttributes([
      ['name', om(ATTRIBUTEERROR_NAME_OFFSET)],
      ['obj', om(ATTRIBUTEERROR_OBJ_OFFSET)],
    ]),
  },
  nameError: { key: 'nameError', size: EXC_ONE_FIELD_SIZE, words: [NAMEERROR_NAME_OFFSET], attributes: exceptionAttributes([['name', om(NAMEERROR_NAME_OFFSET)]]) },
  osError: {
    key: 'osError',
    size: OSERROR_SIZE,
    words: [OSERROR_ERRNO_OFFSET, OSERROR_STRERROR_OFFSET, OSERROR_FILENAME_OFFSET, OSERROR_FILENAME2_OFFSET],
    attributes: exceptionAttributes([
      ['errno', om(OSERROR_ERRNO_OFFSET)],
      ['strerror', om(OSERROR_STRERROR_OFFSET)],
      ['filename', om(OSERROR_FILENAME_OFFSET)],
      ['filename2', om(OSERROR_FILENAME2_OFFSET)],
      ['characters_written', charactersWritten],
    ]),
  },
  syntaxError: {
    key: 'syntaxError',
    size: SYNTAXERROR_SIZE,
    words: [
      SYNTAXERROR_MSG_OFFSET,
      SYNTAXERROR_FILENAME_OFFSET,
      SYNTAXERROR_LINENO_OFFSET,
      SYNTAXERROR_OFFSET_OFFSET,
      SYNTAXERROR_END_LINENO_OFFSET,
      SYNTAXERROR_END_OFFSET_OFFSET,
      SYNTAXERROR_TEXT_OFFSET,
      SYNTAXERROR_PRINT_FILE_AND_LINE_OFFSET,
    ],
    attributes: exceptionAttributes([
      ['msg', om(SYNTAXERROR_MSG_OFFSET)],
      ['filename', om(SYNTAXERROR_FILENAME_OFFSET)],
      ['lineno', om(SYNTAXERROR_LINENO_OFFSET)],
      ['offset', om(SYNTAXERROR_OFFSET_OFFSET)],
      ['text', om(SYNTAXERROR_TEXT_OFFSET)],
      ['end_lineno', om(SYNTAXERROR_END_LINENO_OFFSET)],
      ['end_offset', om(SYNTAXERROR_END_OFFSET_OFFSET)],
      ['print_file_and_line', om(SYNTAXERROR_PRINT_FILE_AND_LINE_OFFSET)],
    ]),
  },
  unicodeError: {
    key: 'unicodeError',
    size: UNICODEERROR_SIZE,
    words: [UNICODEERROR_ENCODING_OFFSET, UNICODEERROR_OBJECT_OFFSET, UNICODEERROR_REASON_OFFSET],
    attributes: exceptionAttributes([
      ['encoding', om(UNICODEERROR_ENCODING_OFFSET)],
      ['object', om(UNICODEERROR_OBJECT_OFFSET)],
      ['start', ssizeMember(UNICODEERROR_START_OFFSET)],
      ['end', ssizeMember(UNICODEERROR_END_OFFSET)],
      ['reason', om(UNICODEERROR_REASON_OFFSET)],
    ]),
  },
};

/** The classes that bring a layout of their own (their subclasses share it). */
const OWN_LAYOUT: ReadonlyMap<StaticType, Layout> = new Map([
  [StaticType.BaseException, LAYOUTS.base!],
  [StaticType.StopIteration, LAYOUTS.stopIteration!],
  [StaticType.SystemExit, LAYOUTS.systemExit!],
  [StaticType.ImportError, LAYOUTS.importError!],
  [StaticType.AttributeError, LAYOUTS.attributeError!],
  [StaticType.NameError, LAYOUTS.nameError!],
  [StaticType.OSError, LAYOUTS.osError!],
  [StaticType.SyntaxError, LAYOUTS.syntaxError!],
  [StaticType.UnicodeEncodeError, LAYOUTS.unicodeError!],
  [StaticType.UnicodeDecodeError, LAYOUTS.unicodeError!],
  [StaticType.UnicodeTranslateError, LAYOUTS.unicodeError!],
]);

/** A static exception type's spec, as builtin-types.ts lists them. @internal */
export interface ExceptionSpec {
  readonly name: string;
  readonly baseIndex: number;
  readonly basicSize: number;
  readonly flags: number;
  readonly dictOffset: number;
  readonly dealloc: number;
  readonly traverse: number;
  readonly clear: number;
  readonly slots: Partial<Record<SlotKind, number>>;
}

/** What {@link registerExceptionTypes} gives builtin-types.ts. @internal */
export interface ExceptionTypes {
  /** The spec of the exception class at StaticType `index`. */
  spec(index: StaticType): ExceptionSpec;
}

/**
 * Registers the exceptions' behaviours and slots (in one fixed order, as
 * every registration), installs errors.ts's exception factory, and returns
 * the static types' specs.
 * @internal
 */
export function registerExceptionTypes(registry: BehaviourRegistry, slots: SlotRegistry, box: { readonly t: ObThread | null }): ExceptionTypes {
  const ob = (): ObThread => box.t!;
  setExceptionFactory(exceptionFactory);

  // Collector behaviours and attribute slots, one set per layout.
  const layoutIds = new Map<string, { dealloc: number; traverse: number; clear: number; getattro: number; setattro: number }>();
  for (const layout of Object.values(LAYOUTS)) {
    const { words, attributes } = layout;
    const name = `objects/exception/${layout.key}`;
    layoutIds.set(layout.key, {
      dealloc: registry.add('dealloc', name, (_rc, op) => exceptionDealloc(ob(), op, words)),
      traverse: registry.add('traverse', name, (rc, op, visit) => exceptionTraverse(rc, op, visit, words)),
      clear: registry.add('clear', name, (rc, op) => exceptionClear(rc, op, words)),
      getattro: slots.add('getattro', `exception/${layout.key}`, (t, op, attr) => exceptionGetAttro(t, op, attr, attributes)),
      setattro: slots.add('setattro', `exception/${layout.key}`, (t, op, attr, value) => exceptionSetAttro(t, op, attr, value, attributes)),
    });
  }

  const osIds: OsErrorIds = { new: 0, init: 0 };
  osIds.new = slots.add('new', 'OSError', (t, type, args, kwargs) => osErrorNew(t, type, args, kwargs, osIds));
  osIds.init = slots.add('init', 'OSError', (t, self, args, kwargs) => osErrorInit(t, self, args, kwargs, osIds));
  const own: ReadonlyMap<StaticType, Partial<Record<SlotKind, number>>> = new Map<StaticType, Partial<Record<SlotKind, number>>>([
    [
      StaticType.BaseException,
      {
        repr: slots.add('repr', 'BaseException', baseExceptionRepr),
        str: slots.add('str', 'BaseException', baseExceptionStr),
        new: slots.add('new', 'BaseException', baseExceptionNew),
        init: slots.add('init', 'BaseException', baseExceptionInit),
      },
    ],
    [
      StaticType.KeyError,
      {
        // `KeyError_str`: the repr of the one argument, so that `{}['']` prints `KeyError: ''`.
        str: slots.add('str', 'KeyError', (t, op) => {
          const args = exceptionArgs(t, op);
          const r = tupleSize(t, args) === 1 ? objectRepr(t, tupleGetItem(t, args, 0)) : baseExceptionStr(t, op);
          decref(t.rc, args);
          return r;
        }),
      },
    ],
    [StaticType.StopIteration, { init: slots.add('init', 'StopIteration', stopIterationInit) }],
    [StaticType.SystemExit, { init: slots.add('init', 'SystemExit', systemExitInit) }],
    [StaticType.ImportError, { init: slots.add('init', 'ImportError', importErrorInit), str: slots.add('str', 'ImportError', importErrorStr) }],
    [StaticType.AttributeError, { init: slots.add('init', 'AttributeError', attributeErrorInit) }],
    [StaticType.NameError, { init: slots.add('init', 'NameError', nameErrorInit) }],
    [StaticType.OSError, { new: osIds.new, init: osIds.init, str: slots.add('str', 'OSError', osErrorStr) }],
    [StaticType.SyntaxError, { init: slots.add('init', 'SyntaxError', syntaxErrorInit), str: slots.add('str', 'SyntaxError', syntaxErrorStr) }],
    [
      StaticType.UnicodeEncodeError,
      {
        init: slots.add('init', 'UnicodeEncodeError', (t, self, args, kwargs) => unicodeErrorInit(t, self, args, kwargs, 'UUnnU')),
        str: slots.add('str', 'UnicodeEncodeError', (t, op) => unicodeErrorStr(t, op, 'encode')),
      },
    ],
    [
      StaticType.UnicodeDecodeError,
      {
        init: slots.add('init', 'UnicodeDecodeError', (t, self, args, kwargs) => unicodeErrorInit(t, self, args, kwargs, 'UOnnU')),
        str: slots.add('str', 'UnicodeDecodeError', (t, op) => unicodeErrorStr(t, op, 'decode')),
      },
    ],
    [
      StaticType.UnicodeTranslateError,
      {
        init: slots.add('init', 'UnicodeTranslateError', (t, self, args, kwargs) => unicodeErrorInit(t, self, args, kwargs, 'UnnU')),
        str: slots.add('str', 'UnicodeTranslateError', (t, op) => unicodeErrorStr(t, op, 'translate')),
      },
    ],
  ]);

  const byIndex = new Map(HIERARCHY.map((row) => [row[0], row]));
  const layoutOf = (index: StaticType): Layout => {
    for (let i: StaticType | undefined = index; i !== undefined && i !== StaticType.Object; i = byIndex.get(i)?.[2]) {
      const layout = OWN_LAYOUT.get(i);
      if (layout !== undefined) return layout;
    }
    throw new Error(`exception-types: no layout for static type ${index}`);
  };
  return {
    spec(index) {
      const row = byIndex.get(index);
      if (row === undefined) throw new Error(`exception-types: static type ${index} is not an exception`);
      const layout = layoutOf(index);
      const ids = layoutIds.get(layout.key)!;
      const ownSlots = own.get(index) ?? {};
      // The attribute slots go with the layout: a class whose base has the same layout inherits them.
      const baseLayout = row[2] === StaticType.Object ? null : layoutOf(row[2]);
      const attrSlots = baseLayout === layout ? {} : { getattro: ids.getattro, setattro: ids.setattro };
      return {
        name: row[1],
        baseIndex: row[2] + 1,
        basicSize: layout.size,
        flags: TYPE_FLAG_HAVE_GC | TPFLAGS_BASE_EXC_SUBCLASS,
        dictOffset: EXC_DICT_OFFSET,
        dealloc: ids.dealloc,
        traverse: ids.traverse,
        clear: ids.clear,
        slots: { ...attrSlots, ...ownSlots },
      };
    },
  };
}

/** The hierarchy table, for the tests: [StaticType, tp_name, base]. @internal */
export function exceptionHierarchy(): readonly (readonly [StaticType, string, StaticType])[] {
  return HIERARCHY;
}
