/**
 * What the builtin exception classes with more than BaseException's layout
 * add (`Objects/exceptions.c`): `StopIteration.value`, `SystemExit.code`,
 * ImportError's `msg`/`name`/`path`/`name_from`, AttributeError's
 * `name`/`obj`, NameError's `name`, OSError (its errno, strerror and file
 * names, the errno → subclass mapping of its constructor, BlockingIOError's
 * `characters_written`), SyntaxError's location and its `str()`, the
 * Unicode errors' fields and messages — each one's `__init__` and
 * `__str__`, with keyword checks and argument errors worded as CPython's.
 * exception-hierarchy.ts makes the classes from them.
 *
 * Not built: MemoryError's free list, `__reduce__`/`__setstate__`.
 * `UnicodeDecodeError` takes any object as its `object` until bytes exist
 * (its `str()` reads the length and the byte through the sequence
 * protocol). Py_ssize_t fields (`start`, `end`, `characters_written`) hold
 * what a JavaScript number holds exactly: an int between 2^53 and 2^63,
 * which CPython accepts, raises OverflowError here.
 *
 * Concurrency: as exceptions.ts — every field under the exception's
 * critical section (the Py_ssize_t doubles too, so they are never read
 * torn).
 */

import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { decref, incref, OB_MUTEX_OFFSET } from '@ft/refcount';
import { numberAsSsize, numberIndex } from './abstract-number.js';
import { objectGetItem, objectLength, objectReprJs, typeSlotId } from './abstract.js';
import { dictGetItemRef, dictSize, dictSnapshot } from './dict.js';
import { excFieldGet, excFieldSet } from './exception-object.js';
import { baseExceptionInit, baseExceptionNew, baseExceptionStr, noKeywords, objectStr, objectStrJs, sequenceTuple, type ExceptionAttribute } from './exceptions.js';
import { errRaise, errRaiseInt } from './errors.js';
import { intAsBigInt, intCheckExact, intCompactValue, intFromNumber, intIsCompact } from './int.js';
import {
  ATTRIBUTEERROR_NAME_OFFSET,
  ATTRIBUTEERROR_OBJ_OFFSET,
  EXC_ARGS_OFFSET,
  IMPORTERROR_MSG_OFFSET,
  IMPORTERROR_NAME_FROM_OFFSET,
  IMPORTERROR_NAME_OFFSET,
  IMPORTERROR_PATH_OFFSET,
  NAMEERROR_NAME_OFFSET,
  OSERROR_ERRNO_OFFSET,
  OSERROR_FILENAME2_OFFSET,
  OSERROR_FILENAME_OFFSET,
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
  SYNTAXERROR_TEXT_OFFSET,
  SYSTEMEXIT_CODE_OFFSET,
  TPFLAGS_LONG_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
  UNICODEERROR_END_OFFSET,
  UNICODEERROR_ENCODING_OFFSET,
  UNICODEERROR_OBJECT_OFFSET,
  UNICODEERROR_REASON_OFFSET,
  UNICODEERROR_START_OFFSET,
} from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strCheckExact, strFromJs } from './str.js';
import { strCodePointAt, strLength, strToJs } from './str-read.js';
import { typeHasFlag, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';

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

/** A `Py_T_PYSSIZET` member (`start`, `end`): an int; "an integer is required"; not deletable. @internal */
export function ssizeMember(offset: number): ExceptionAttribute {
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

/** `StopIteration_init`: `value` is the first argument, or None. @internal */
export function stopIterationInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, kwargs) < 0) return -1;
  setField(t, self, STOPITERATION_VALUE_OFFSET, tupleSize(t, args) > 0 ? tupleGetItem(t, args, 0) : t.none);
  return 0;
}

/** `SystemExit_init`: `code` is the one argument, the args tuple for more, unchanged for none. @internal */
export function systemExitInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, kwargs) < 0) return -1;
  const n = tupleSize(t, args);
  if (n > 0) setField(t, self, SYSTEMEXIT_CODE_OFFSET, n === 1 ? tupleGetItem(t, args, 0) : args);
  return 0;
}

// --- ImportError, AttributeError, NameError --------------------------------------------------------

/** `ImportError_init`: keyword-only `name`, `path`, `name_from`; `msg` is the one positional argument. @internal */
export function importErrorInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, 0) < 0) return -1;
  const kw = keywordOnly(t, kwargs, 'ImportError', ['name', 'path', 'name_from']);
  if (kw === null) return -1;
  setField(t, self, IMPORTERROR_NAME_OFFSET, kw[0]!);
  setField(t, self, IMPORTERROR_PATH_OFFSET, kw[1]!);
  setField(t, self, IMPORTERROR_NAME_FROM_OFFSET, kw[2]!);
  setField(t, self, IMPORTERROR_MSG_OFFSET, tupleSize(t, args) === 1 ? tupleGetItem(t, args, 0) : 0);
  return 0;
}

/** `ImportError_str`: `msg` when it is an exact str, else BaseException's. @internal */
export function importErrorStr(t: ObThread, op: number): number {
  const msg = excFieldGet(t, op, IMPORTERROR_MSG_OFFSET);
  if (msg !== 0 && strCheckExact(t, msg)) return msg;
  if (msg !== 0) decref(t.rc, msg);
  return baseExceptionStr(t, op);
}

/** `AttributeError_init`: keyword-only `name` and `obj`. @internal */
export function attributeErrorInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, 0) < 0) return -1;
  const kw = keywordOnly(t, kwargs, 'AttributeError', ['name', 'obj']);
  if (kw === null) return -1;
  setField(t, self, ATTRIBUTEERROR_NAME_OFFSET, kw[0]!);
  setField(t, self, ATTRIBUTEERROR_OBJ_OFFSET, kw[1]!);
  return 0;
}

/** `NameError_init`: keyword-only `name`. @internal */
export function nameErrorInit(t: ObThread, self: number, args: number, kwargs: number): number {
  if (baseExceptionInit(t, self, args, 0) < 0) return -1;
  const kw = keywordOnly(t, kwargs, 'NameError', ['name']);
  if (kw === null) return -1;
  setField(t, self, NAMEERROR_NAME_OFFSET, kw[0]!);
  return 0;
}

// --- OSError ------------------------------------------------------------------------------------------

/** OSError's behaviour ids, for `oserror_use_init`. @internal */
export interface OsErrorIds {
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
 * @internal
 */
export function osErrorNew(t: ObThread, type: number, args: number, kwargs: number, ids: OsErrorIds): number {
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

/** `OSError_init`: nothing when `__new__` did the work; else the same parsing. @internal */
export function osErrorInit(t: ObThread, self: number, args: number, kwargs: number, ids: OsErrorIds): number {
  if (!osErrorUseInit(t, typeOf(t, self), ids)) return 0;
  if (noKeywords(t, typeNameOf(t, self), kwargs) < 0) return -1;
  return osErrorFill(t, self, args);
}

/** `OSError_str`: `[Errno 2] No such file: 'f' -> 'g'`, `[Errno 2] No such file`, else BaseException's. @internal */
export function osErrorStr(t: ObThread, op: number): number {
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

/** `characters_written`: AttributeError while unset (-1). @internal */
export const charactersWritten: ExceptionAttribute = {
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

/** `SyntaxError_init`: `msg`, and with a second argument its `(filename, lineno, offset, text[, end_lineno, end_offset])`. @internal */
export function syntaxErrorInit(t: ObThread, self: number, args: number, kwargs: number): number {
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

/** `SyntaxError_str`: `msg (file.py, line 3)`, with the file's base name; `str(msg)` without a location. @internal */
export function syntaxErrorStr(t: ObThread, op: number): number {
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
 * @internal
 */
export function unicodeErrorInit(t: ObThread, self: number, args: number, kwargs: number, format: string): number {
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

/** The `str()` of the three Unicode errors; `kind` 'encode', 'decode' or 'translate'. @internal */
export function unicodeErrorStr(t: ObThread, op: number, kind: 'encode' | 'decode' | 'translate'): number {
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
