/**
 * The out-of-line parts of instructions (`Python/ceval.c`'s helpers and
 * the colder bodies of `Python/bytecodes.c`): name lookups and their
 * errors, unpacking, raising, exception matching, `with`, pattern
 * matching, f-string formatting, function creation, the intrinsics.
 * Each returns a new reference (0 with the exception set) or a status, as
 * the eval loop expects; each is named after what it mirrors.
 */

import {
  CELL_REF_OFFSET,
  CODE_LOCALSPLUSKINDS_OFFSET,
  CODE_LOCALSPLUSNAMES_OFFSET,
  bytesItem,
  numberUnaryOp,
  objectRepr,
  StaticType,
  TPFLAGS_DICT_SUBCLASS,
  TPFLAGS_LIST_SUBCLASS,
  TPFLAGS_TUPLE_SUBCLASS,
  TPFLAGS_TYPE_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
  TUPLE_ITEMS_OFFSET,
  TUPLE_SIZE_OFFSET,
  callArgs,
  callNoArgs,
  dictCheckExact,
  dictGetItemRef,
  dictDelItem,
  dictMerge,
  dictNew,
  dictSetItem,
  dictSize,
  errClear,
  errExceptionMatches,
  errGetHandledException,
  errGetRaisedException,
  errGivenExceptionMatches,
  errRaise,
  errRaiseInt,
  errSetRaisedException,
  exceptionClassCheck,
  exceptionGetContext,
  exceptionGroupMatch,
  exceptionGetTraceback,
  exceptionInstanceCheck,
  exceptionSetCause,
  exceptionSetContext,
  functionNew,
  functionSetAnnotations,
  functionSetClosure,
  functionSetDefaults,
  functionSetKwDefaults,
  intFromNumber,
  iterNext,
  exceptionGroupCreate,
  listAsTuple,
  listFromArray,
  listGetItemRef,
  listSize,
  listFromIterable,
  objectCall,
  objectConvert,
  objectFormat,
  objectGetAttr,
  objectGetItem,
  objectGetIter,
  objectIsTrue,
  objectLength,
  objectSetAttr,
  objectSetItem,
  objectStr,
  sequenceTuple,
  strFromJs,
  strCheckExact,
  strInternFromJs,
  strToJs,
  superLookup,
  tupleFromArray,
  typeHasFlag,
  typeIsSubtype,
  typeLookupRef,
  typeName,
  typeNameOf,
  typeOf,
  type ExceptionGroupMatchResult,
  type ObThread,
  asyncGenWrapValue,
  CODE_FLAGS_OFFSET,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { CO_ASYNC_GENERATOR, CO_COROUTINE, CO_FAST_FREE } from '../compiler/code-unit.js';
import { getAttrJs, lookupSpecial } from '../builtins/special-lookup.js';
import { F_BUILTINS, F_CODE, F_GLOBALS, F_LOCALS } from './frame.js';

export { getAttrJs, lookupSpecial };

/** The name of local slot `i` of `code`, as text. */
function localName(t: ObThread, code: number, i: number): string {
  const names = t.u32[(code + CODE_LOCALSPLUSNAMES_OFFSET) >>> 2]!;
  return strToJs(t, t.u32[((names + TUPLE_ITEMS_OFFSET) >>> 2) + i]!);
}

function isType(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_TYPE_SUBCLASS);
}



/** `RecursionError` as `_Py_CheckRecursiveCall` raises it. */
export function recursionError(t: ObThread): void {
  errRaise(t, StaticType.RecursionError, 'maximum recursion depth exceeded');
}

/** `LOAD_FAST_CHECK` on an unbound local: UnboundLocalError. */
export function loadFastError(t: ObThread, code: number, i: number): void {
  errRaise(t, StaticType.UnboundLocalError, `cannot access local variable '${localName(t, code, i)}' where it is not associated with a value`);
}

/** `DELETE_FAST`: 0 when the local was unbound (UnboundLocalError set). */
export function deleteFast(t: ObThread, code: number, lp: number, i: number): boolean {
  const v = t.u32[lp + i]!;
  if (v === 0) {
    loadFastError(t, code, i);
    return false;
  }
  t.u32[lp + i] = 0;
  decref(t.rc, v);
  return true;
}

/** `_PyEval_FormatExcUnbound`: an empty cell or free variable. */
export function loadDerefError(t: ObThread, code: number, i: number): void {
  // A cell of this code is one of its locals; a free variable comes from an enclosing scope.
  const name = localName(t, code, i);
  if (isFreeVar(t, code, i)) errRaise(t, StaticType.NameError, `cannot access free variable '${name}' where it is not associated with a value in enclosing scope`);
  else errRaise(t, StaticType.UnboundLocalError, `cannot access local variable '${name}' where it is not associated with a value`);
}

function isFreeVar(t: ObThread, code: number, i: number): boolean {
  const kinds = t.u32[(code + CODE_LOCALSPLUSKINDS_OFFSET) >>> 2]!;
  return (bytesItem(t, kinds, i) & CO_FAST_FREE) !== 0;
}

/** `format_exc_check_arg(NameError, "name '%.200s' is not defined")`. */
function nameError(t: ObThread, name: number): 0 {
  // CPython sets the exception's `name` (the "Did you mean" suggestion reads it).
  const message = strFromJs(t, `name '${strToJs(t, name)}' is not defined`);
  const exc = message === 0 ? 0 : callArgs(t, t.types[StaticType.NameError]!, [message]);
  if (message !== 0) decref(t.rc, message);
  if (exc === 0) return 0;
  const key = strInternFromJs(t, 'name');
  if (key !== 0) {
    objectSetAttr(t, exc, key, name);
    decref(t.rc, key);
  }
  errSetRaisedException(t, exc);
  return 0;
}

/** A mapping lookup: dict fast, else `mapping[name]` with KeyError meaning absent. 0 with no exception when absent. */
function mappingGet(t: ObThread, mapping: number, name: number): number {
  if (dictCheckExact(t, mapping)) return dictGetItemRef(t, mapping, name);
  const v = objectGetItem(t, mapping, name);
  if (v === 0 && errExceptionMatches(t, t.types[StaticType.KeyError]!)) errClear(t);
  return v;
}

/** `LOAD_GLOBAL`: globals, then builtins; NameError. */
export function loadGlobal(t: ObThread, globals: number, builtins: number, name: number): number {
  let v = dictGetItemRef(t, globals, name);
  if (v !== 0 || t.error.type !== 0) return v;
  v = mappingGet(t, builtins, name);
  if (v !== 0 || t.error.type !== 0) return v;
  return nameError(t, name);
}

/** `STORE_GLOBAL`. */
export function storeGlobal(t: ObThread, globals: number, name: number, v: number): number {
  return dictSetItem(t, globals, name, v);
}

/** `DELETE_GLOBAL`. */
export function deleteGlobal(t: ObThread, globals: number, name: number): number {
  if (dictDelItem(t, globals, name) === 0) return 0;
  if (errExceptionMatches(t, t.types[StaticType.KeyError]!)) {
    errClear(t);
    nameError(t, name);
  }
  return -1;
}

/** `LOAD_NAME`: locals, globals, builtins. */
export function loadName(t: ObThread, fw: number, name: number): number {
  const u32 = t.u32;
  const locals = u32[fw + F_LOCALS]!;
  if (locals === 0) return errRaise(t, StaticType.SystemError, `no locals found when loading '${strToJs(t, name)}'`);
  let v = mappingGet(t, locals, name);
  if (v !== 0 || t.error.type !== 0) return v;
  return loadGlobal(t, u32[fw + F_GLOBALS]!, u32[fw + F_BUILTINS]!, name);
}

/** `STORE_NAME`. */
export function storeName(t: ObThread, fw: number, name: number, v: number): number {
  const locals = t.u32[fw + F_LOCALS]!;
  if (locals === 0) return errRaiseInt(t, StaticType.SystemError, `no locals found when storing '${strToJs(t, name)}'`);
  return dictCheckExact(t, locals) ? dictSetItem(t, locals, name, v) : objectSetItem(t, locals, name, v);
}

/** `DELETE_NAME`. */
export function deleteName(t: ObThread, fw: number, name: number): number {
  const locals = t.u32[fw + F_LOCALS]!;
  if (locals === 0) return errRaiseInt(t, StaticType.SystemError, `no locals when deleting '${strToJs(t, name)}'`);
  if (objectSetItem(t, locals, name, 0) === 0) return 0;
  if (errExceptionMatches(t, t.types[StaticType.KeyError]!)) {
    errClear(t);
    nameError(t, name);
  }
  return -1;
}

/** `LOAD_LOCALS`. */
export function loadLocals(t: ObThread, fw: number): number {
  const locals = t.u32[fw + F_LOCALS]!;
  if (locals === 0) return errRaise(t, StaticType.SystemError, 'no locals found');
  incref(t.rc, locals);
  return locals;
}

/** `LOAD_FROM_DICT_OR_GLOBALS` (class bodies reading a name their scope may not hold). */
export function loadFromDictOrGlobals(t: ObThread, fw: number, mapping: number, name: number): number {
  const v = mappingGet(t, mapping, name);
  if (v !== 0 || t.error.type !== 0) return v;
  return loadGlobal(t, t.u32[fw + F_GLOBALS]!, t.u32[fw + F_BUILTINS]!, name);
}

/** `LOAD_FROM_DICT_OR_DEREF` (a class body reading a free variable it may shadow). */
export function loadFromDictOrDeref(t: ObThread, code: number, lp: number, mapping: number, i: number): number {
  const names = t.u32[(code + CODE_LOCALSPLUSNAMES_OFFSET) >>> 2]!;
  const name = t.u32[((names + TUPLE_ITEMS_OFFSET) >>> 2) + i]!;
  const v = mappingGet(t, mapping, name);
  if (v !== 0 || t.error.type !== 0) return v;
  const cell = t.u32[lp + i]!;
  const value = Atomics.load(t.u32, (cell + CELL_REF_OFFSET) >>> 2);
  if (value === 0) {
    loadDerefError(t, code, i);
    return 0;
  }
  incref(t.rc, value);
  return value;
}

/** `SETUP_ANNOTATIONS`: `__annotations__ = {}` in the locals unless present. */
export function setupAnnotations(t: ObThread, fw: number): number {
  const locals = t.u32[fw + F_LOCALS]!;
  if (locals === 0) return errRaiseInt(t, StaticType.SystemError, 'no locals found when setting up annotations');
  const key = strInternFromJs(t, '__annotations__');
  if (key === 0) return -1;
  try {
    const have = mappingGet(t, locals, key);
    if (have !== 0) {
      decref(t.rc, have);
      return 0;
    }
    if (t.error.type !== 0) return -1;
    const d = dictNew(t);
    if (d === 0) return -1;
    const r = objectSetItem(t, locals, key, d);
    decref(t.rc, d);
    return r;
  } finally {
    decref(t.rc, key);
  }
}

/** `LOAD_BUILD_CLASS`: `builtins.__build_class__`. */
export function loadBuildClass(t: ObThread, builtins: number): number {
  const key = strInternFromJs(t, '__build_class__');
  if (key === 0) return 0;
  const v = mappingGet(t, builtins, key);
  decref(t.rc, key);
  if (v === 0 && t.error.type === 0) return errRaise(t, StaticType.NameError, '__build_class__ not found');
  return v;
}

/** `COMPARE_OP` with the bool bit: the result as True/False (consumes `res`). */
export function compareOpBool(t: ObThread, res: number): number {
  if (res === t.true || res === t.false) return res;
  const b = objectIsTrue(t, res);
  decref(t.rc, res);
  if (b < 0) return 0;
  return b ? t.true : t.false;
}

/** `_PyObject_FunctionStr`: `f()`, `mod.f()` — how call errors name the callable. */
export function functionStr(t: ObThread, f: number): string {
  const qualname = getAttrJs(t, f, '__qualname__');
  if (qualname === 0) {
    errClear(t);
    const s = objectStr(t, f);
    if (s === 0) {
      errClear(t);
      return `${typeNameOf(t, f)} object`;
    }
    const text = strToJs(t, s);
    decref(t.rc, s);
    return text;
  }
  const qn = strCheckExact(t, qualname) ? strToJs(t, qualname) : '?';
  decref(t.rc, qualname);
  const module = getAttrJs(t, f, '__module__');
  if (module === 0) {
    errClear(t);
    return `${qn}()`;
  }
  const mod = strCheckExact(t, module) ? strToJs(t, module) : null;
  decref(t.rc, module);
  return mod === null || mod === 'builtins' ? `${qn}()` : `${mod}.${qn}()`;
}

/** `LIST_EXTEND`'s error: a TypeError from a non-iterable becomes "Value after * must be an iterable". */
export function listExtendError(t: ObThread, iterable: number): void {
  if (!errExceptionMatches(t, t.types[StaticType.TypeError]!)) return;
  if (hasIterOrGetItem(t, iterable)) return;
  errClear(t);
  errRaise(t, StaticType.TypeError, `Value after * must be an iterable, not ${typeNameOf(t, iterable)}`);
}

function hasIterOrGetItem(t: ObThread, op: number): boolean {
  for (const name of ['__iter__', '__getitem__']) {
    const key = strInternFromJs(t, name);
    const found = typeLookupRef(t, typeOf(t, op), key);
    decref(t.rc, key);
    if (found !== 0) {
      decref(t.rc, found);
      return true;
    }
  }
  return false;
}

/** `DICT_UPDATE` (a `{**x}` display). */
export function dictUpdateForDisplay(t: ObThread, dict: number, update: number): number {
  if (dictUpdateAny(t, dict, update, true) === 0) return 0;
  if (errExceptionMatches(t, t.types[StaticType.AttributeError]!)) {
    errClear(t);
    errRaise(t, StaticType.TypeError, `'${typeNameOf(t, update)}' object is not a mapping`);
  }
  return -1;
}

/** `PyDict_Update`/merge from any mapping: keys() then [key] (override: later keys win). */
function dictUpdateAny(t: ObThread, dict: number, update: number, override: boolean): number {
  if (typeHasFlag(t, typeOf(t, update), TPFLAGS_DICT_SUBCLASS) && override) return dictMerge(t, dict, update);
  const keysFn = getAttrJs(t, update, 'keys');
  if (keysFn === 0) return -1;
  const keys = callNoArgs(t, keysFn);
  decref(t.rc, keysFn);
  if (keys === 0) return -1;
  const it = objectGetIter(t, keys);
  decref(t.rc, keys);
  if (it === 0) return -1;
  try {
    for (;;) {
      const key = iterNext(t, it);
      if (key === 0) return t.error.type !== 0 ? -1 : 0;
      const value = objectGetItem(t, update, key);
      if (value === 0) {
        decref(t.rc, key);
        return -1;
      }
      const r = dictSetItem(t, dict, key, value);
      decref(t.rc, key);
      decref(t.rc, value);
      if (r < 0) return -1;
    }
  } finally {
    decref(t.rc, it);
  }
}

/** `DICT_MERGE` (`f(**x)`): like update, but a repeated key is an error naming the callable. */
export function dictMergeForCall(t: ObThread, callable: number, dict: number, update: number): number {
  const isMapping = typeHasFlag(t, typeOf(t, update), TPFLAGS_DICT_SUBCLASS) || hasAttr(t, update, 'keys');
  if (!isMapping) {
    return errRaiseInt(t, StaticType.TypeError, `${functionStr(t, callable)} argument after ** must be a mapping, not ${typeNameOf(t, update)}`);
  }
  const tmp = dictNew(t);
  if (tmp === 0) return -1;
  try {
    if (dictUpdateAny(t, tmp, update, true) < 0) return -1;
    // Walk the new keys: a key already in `dict` is a repeated keyword.
    const it = objectGetIter(t, tmp);
    if (it === 0) return -1;
    try {
      for (;;) {
        const key = iterNext(t, it);
        if (key === 0) return t.error.type !== 0 ? -1 : 0;
        try {
          // 3.13: the dict merge's own message, without the callable (`_PyEval_FormatKwargsError` keeps it).
          if (!typeHasFlag(t, typeOf(t, key), TPFLAGS_UNICODE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, 'keywords must be strings');
          const have = dictGetItemRef(t, dict, key);
          if (have !== 0) {
            decref(t.rc, have);
            return errRaiseInt(t, StaticType.TypeError, `${functionStr(t, callable)} got multiple values for keyword argument '${strToJs(t, key)}'`);
          }
          const value = dictGetItemRef(t, tmp, key);
          const r = dictSetItem(t, dict, key, value);
          decref(t.rc, value);
          if (r < 0) return -1;
        } finally {
          decref(t.rc, key);
        }
      }
    } finally {
      decref(t.rc, it);
    }
  } finally {
    decref(t.rc, tmp);
  }
}

function hasAttr(t: ObThread, op: number, name: string): boolean {
  const v = getAttrJs(t, op, name);
  if (v === 0) {
    errClear(t);
    return false;
  }
  decref(t.rc, v);
  return true;
}

/** `MAP_ADD`. */
export function mapAdd(t: ObThread, dict: number, key: number, value: number): number {
  return dictSetItem(t, dict, key, value);
}

/** `BUILD_CONST_KEY_MAP`: keys from a tuple, values from the stack at word `vw`. */
export function buildConstKeyMap(t: ObThread, keys: number, vw: number, n: number): number {
  const dict = dictNew(t);
  if (dict === 0) return 0;
  const kw = (keys + TUPLE_ITEMS_OFFSET) >>> 2;
  for (let i = 0; i < n; i++) {
    if (dictSetItem(t, dict, t.u32[kw + i]!, t.u32[vw + i]!) < 0) {
      decref(t.rc, dict);
      return 0;
    }
  }
  return dict;
}

/** `BUILD_STRING`: the strs at words `w … w+n-1` joined. */
export function buildString(t: ObThread, w: number, n: number): number {
  let text = '';
  for (let i = 0; i < n; i++) text += strToJs(t, t.u32[w + i]!);
  return strFromJs(t, text);
}

/** `FORMAT_SIMPLE`: `format(value)` unless it is an exact str already. */
export function formatSimple(t: ObThread, v: number): number {
  if (strCheckExact(t, v)) {
    incref(t.rc, v);
    return v;
  }
  return objectFormat(t, v, 0);
}

/** `FORMAT_WITH_SPEC`. */
export function formatWithSpec(t: ObThread, v: number, spec: number): number {
  return objectFormat(t, v, spec);
}

/** `CONVERT_VALUE`: oparg 1 `!s`, 2 `!r`, 3 `!a`. */
export function convertValue(t: ObThread, v: number, oparg: number): number {
  return objectConvert(t, v, oparg === 1 ? 0x73 : oparg === 2 ? 0x72 : 0x61);
}

/** The items of `seq` as new references (a list or tuple read directly; anything else iterated), or null with the exception set. */
function itemsOf(t: ObThread, seq: number, want: number, atLeast: boolean): number[] | null {
  const type = typeOf(t, seq);
  if (!typeHasFlag(t, type, TPFLAGS_LIST_SUBCLASS | TPFLAGS_TUPLE_SUBCLASS) || !(type === t.types[StaticType.List] || type === t.types[StaticType.Tuple])) {
    const it = objectGetIter(t, seq);
    if (it === 0) {
      if (errExceptionMatches(t, t.types[StaticType.TypeError]!) && !hasIterOrGetItem(t, seq)) {
        errClear(t);
        errRaise(t, StaticType.TypeError, `cannot unpack non-iterable ${typeNameOf(t, seq)} object`);
      }
      return null;
    }
    const out: number[] = [];
    try {
      for (;;) {
        if (!atLeast && out.length > want) break;
        const item = iterNext(t, it);
        if (item === 0) {
          if (t.error.type !== 0) {
            for (const o of out) decref(t.rc, o);
            return null;
          }
          break;
        }
        out.push(item);
      }
    } finally {
      decref(t.rc, it);
    }
    return out;
  }
  const list = listFromIterable(t, seq);
  if (list === 0) return null;
  const tuple = listAsTuple(t, list);
  decref(t.rc, list);
  if (tuple === 0) return null;
  const n = t.u32[(tuple + TUPLE_SIZE_OFFSET) >>> 2]!;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = t.u32[((tuple + TUPLE_ITEMS_OFFSET) >>> 2) + i]!;
    incref(t.rc, v);
    out.push(v);
  }
  decref(t.rc, tuple);
  return out;
}

/** `UNPACK_SEQUENCE`: `n` items written at words `w+n-1 … w` (the first item on top). */
export function unpackSequence(t: ObThread, seq: number, n: number, w: number): boolean {
  const items = itemsOf(t, seq, n, false);
  if (items === null) return false;
  if (items.length !== n) {
    for (const o of items) decref(t.rc, o);
    if (items.length < n) errRaise(t, StaticType.ValueError, `not enough values to unpack (expected ${n}, got ${items.length})`);
    else errRaise(t, StaticType.ValueError, `too many values to unpack (expected ${n})`); // 3.13: no "got" (3.14 adds it)
    return false;
  }
  for (let i = 0; i < n; i++) t.u32[w + n - 1 - i] = items[i]!;
  return true;
}

/** `UNPACK_EX`: `before` items, a list of the rest, `after` items (written top-first from word `w`). */
export function unpackEx(t: ObThread, seq: number, before: number, after: number, w: number): boolean {
  const items = itemsOf(t, seq, before + after, true);
  if (items === null) return false;
  if (items.length < before + after) {
    for (const o of items) decref(t.rc, o);
    errRaise(t, StaticType.ValueError, `not enough values to unpack (expected at least ${before + after}, got ${items.length})`);
    return false;
  }
  const middle = items.slice(before, items.length - after);
  const list = listFromArrayOwned(t, middle);
  if (list === 0) {
    for (const o of items) decref(t.rc, o);
    return false;
  }
  const out = [...items.slice(0, before), list, ...items.slice(items.length - after)];
  const total = out.length;
  for (let i = 0; i < total; i++) t.u32[w + total - 1 - i] = out[i]!;
  return true;
}

/** A list of `items` (their references moved into it). */
function listFromArrayOwned(t: ObThread, items: readonly number[]): number {
  const tuple = tupleFromArray(t, items);
  for (const o of items) decref(t.rc, o);
  if (tuple === 0) return 0;
  const list = listFromIterable(t, tuple);
  decref(t.rc, tuple);
  return list;
}

/**
 * `do_raise`: `raise exc from cause` (either 0: absent; the references
 * are consumed). Returns true for a bare `raise` that re-raised the
 * handled exception (no new traceback entry), false otherwise; the
 * exception is set either way.
 */
export function raiseVarargs(t: ObThread, exc: number, cause: number): boolean {
  if (exc === 0) {
    const handled = errGetHandledException(t);
    if (handled === 0 || handled === t.none) {
      if (handled !== 0) decref(t.rc, handled);
      errRaise(t, StaticType.RuntimeError, 'No active exception to reraise');
      return false;
    }
    errSetRaisedException(t, handled);
    return true;
  }
  let value = 0;
  if (isType(t, exc) && exceptionClassCheck(t, exc)) {
    value = callNoArgs(t, exc);
    if (value === 0) {
      decref(t.rc, exc);
      if (cause !== 0) decref(t.rc, cause);
      return false;
    }
    if (!exceptionInstanceCheck(t, value)) {
      errRaise(t, StaticType.TypeError, `calling ${typeName(t, exc)} should have returned an instance of BaseException, not ${typeNameOf(t, value)}`);
      decref(t.rc, value);
      decref(t.rc, exc);
      if (cause !== 0) decref(t.rc, cause);
      return false;
    }
    decref(t.rc, exc);
  } else if (exceptionInstanceCheck(t, exc)) {
    value = exc;
  } else {
    decref(t.rc, exc);
    if (cause !== 0) decref(t.rc, cause);
    errRaise(t, StaticType.TypeError, 'exceptions must derive from BaseException');
    return false;
  }
  if (cause !== 0) {
    let fixed = 0;
    if (isType(t, cause) && exceptionClassCheck(t, cause)) {
      fixed = callNoArgs(t, cause);
      decref(t.rc, cause);
      if (fixed === 0) {
        decref(t.rc, value);
        return false;
      }
    } else if (exceptionInstanceCheck(t, cause)) fixed = cause;
    else if (cause === t.none) {
      fixed = 0;
      decref(t.rc, cause);
    } else {
      decref(t.rc, cause);
      decref(t.rc, value);
      errRaise(t, StaticType.TypeError, 'exception causes must derive from BaseException');
      return false;
    }
    // Steals `fixed`; 0 (`from None`) leaves no cause but still suppresses the context.
    exceptionSetCause(t, value, fixed);
  }
  chainAndRaise(t, value);
  return false;
}

/** `_PyErr_SetObject`'s chaining for an instance raised by the VM: `__context__` from the handled exception, without cycles. */
function chainAndRaise(t: ObThread, value: number): void {
  const handled = errGetHandledException(t);
  if (handled !== 0 && handled !== value) {
    // Break a cycle the new context would close (CPython's loop over `__context__`).
    // The contexts are walked with borrowed reads: each is kept alive by the one before it.
    let o = handled;
    for (let guard = 0; guard < 10000; guard++) {
      const ctx = exceptionGetContext(t, o);
      if (ctx !== 0) decref(t.rc, ctx);
      if (ctx === 0 || ctx === t.none) break;
      if (ctx === value) {
        exceptionSetContext(t, o, 0);
        break;
      }
      o = ctx;
    }
    exceptionSetContext(t, value, handled); // steals it
  } else if (handled !== 0) decref(t.rc, handled);
  errSetRaisedException(t, value);
}

/** `CHECK_EXC_MATCH`'s validation and test: 1, 0, or -1 (TypeError for a non-exception class). */
export function checkExcMatch(t: ObThread, exc: number, match: number): number {
  if (!validExcMatch(t, match)) return errRaiseInt(t, StaticType.TypeError, 'catching classes that do not inherit from BaseException is not allowed');
  return errGivenExceptionMatches(t, exc, match) ? 1 : 0;
}

function validExcMatch(t: ObThread, match: number): boolean {
  if (typeHasFlag(t, typeOf(t, match), TPFLAGS_TUPLE_SUBCLASS)) {
    const n = t.u32[(match + TUPLE_SIZE_OFFSET) >>> 2]!;
    for (let i = 0; i < n; i++) {
      const item = t.u32[((match + TUPLE_ITEMS_OFFSET) >>> 2) + i]!;
      if (!(isType(t, item) && exceptionClassCheck(t, item))) return false;
    }
    return true;
  }
  return isType(t, match) && exceptionClassCheck(t, match);
}

/** `CHECK_EG_MATCH`: [exc, type] at words `w`, `w+1` become [rest, match]. */
export function checkEgMatch(t: ObThread, w: number): boolean {
  const exc = t.u32[w]!;
  const type = t.u32[w + 1]!;
  if (!validExcMatch(t, type)) {
    errRaise(t, StaticType.TypeError, 'catching classes that do not inherit from BaseException is not allowed');
    return false;
  }
  const out: ExceptionGroupMatchResult = { match: 0, rest: 0 };
  const tb = exceptionGetTraceback(t, exc);
  const r = exceptionGroupMatch(t, exc, type, out, tb);
  if (tb !== 0) decref(t.rc, tb);
  if (r < 0) return false;
  decref(t.rc, exc);
  decref(t.rc, type);
  t.u32[w] = out.rest;
  t.u32[w + 1] = out.match;
  return true;
}

/**
 * `BEFORE_WITH` / `BEFORE_ASYNC_WITH`: the manager at word `w` becomes its
 * bound `__exit__` (`__aexit__`), with `__enter__()`'s (`__aenter__()`'s)
 * result above.
 */
export function beforeWith(t: ObThread, w: number, async: boolean): boolean {
  const mgr = t.u32[w]!;
  const protocol = async ? 'asynchronous context manager protocol' : 'context manager protocol';
  const enter = lookupSpecial(t, mgr, async ? '__aenter__' : '__enter__');
  if (enter === 0) {
    if (t.error.type === 0) errRaise(t, StaticType.TypeError, `'${typeNameOf(t, mgr)}' object does not support the ${protocol}`);
    return false;
  }
  const exit = lookupSpecial(t, mgr, async ? '__aexit__' : '__exit__');
  if (exit === 0) {
    if (t.error.type === 0) errRaise(t, StaticType.TypeError, `'${typeNameOf(t, mgr)}' object does not support the ${protocol} (missed ${async ? '__aexit__' : '__exit__'} method)`);
    decref(t.rc, enter);
    return false;
  }
  const res = callNoArgs(t, enter);
  decref(t.rc, enter);
  if (res === 0) {
    decref(t.rc, exit);
    return false;
  }
  decref(t.rc, mgr);
  t.u32[w] = exit;
  t.u32[w + 1] = res;
  return true;
}

/** `WITH_EXCEPT_START`: `exit(type(val), val, tb)`. */
export function withExceptStart(t: ObThread, exit: number, val: number): number {
  const tb = exceptionGetTraceback(t, val);
  const r = callArgs(t, exit, [typeOf(t, val), val, tb === 0 ? t.none : tb]);
  if (tb !== 0) decref(t.rc, tb);
  return r;
}

/** `EXIT_INIT_CHECK`'s TypeError. */
export function exitInitCheck(t: ObThread, v: number): void {
  errRaise(t, StaticType.TypeError, `__init__() should return None, not '${typeNameOf(t, v)}'`);
}

/** `MAKE_FUNCTION`. */
export function makeFunction(t: ObThread, code: number, globals: number, builtins: number): number {
  return functionNew(t, code, globals, 0, builtins);
}

/** `SET_FUNCTION_ATTRIBUTE`: 1 defaults, 2 keyword defaults, 4 annotations, 8 closure. */
export function setFunctionAttribute(t: ObThread, func: number, flag: number, attr: number): void {
  if (flag === 1) functionSetDefaults(t, func, attr);
  else if (flag === 2) functionSetKwDefaults(t, func, attr);
  else if (flag === 4) {
    // 3.13 compiles annotations as a flat tuple (name, value, …): `__annotations__` is its dict.
    if (typeHasFlag(t, typeOf(t, attr), TPFLAGS_TUPLE_SUBCLASS)) {
      const d = dictNew(t);
      const n = t.u32[(attr + TUPLE_SIZE_OFFSET) >>> 2]!;
      const items = (attr + TUPLE_ITEMS_OFFSET) >>> 2;
      for (let i = 0; d !== 0 && i + 1 < n; i += 2) dictSetItem(t, d, t.u32[items + i]!, t.u32[items + i + 1]!);
      if (d !== 0) {
        functionSetAnnotations(t, func, d);
        decref(t.rc, d);
      }
    } else functionSetAnnotations(t, func, attr);
  }
  else if (flag === 8) functionSetClosure(t, func, attr);
}

/** `CALL_FUNCTION_EX`: `func(*callargs, **kwargs)`. */
export function callFunctionEx(t: ObThread, func: number, callargs: number, kwargs: number): number {
  let args = callargs;
  if (!typeHasFlag(t, typeOf(t, callargs), TPFLAGS_TUPLE_SUBCLASS) || typeOf(t, callargs) !== t.types[StaticType.Tuple]) {
    if (!hasIterOrGetItem(t, callargs)) return errRaise(t, StaticType.TypeError, `${functionStr(t, func)} argument after * must be an iterable, not ${typeNameOf(t, callargs)}`);
    args = sequenceTuple(t, callargs);
    if (args === 0) return 0;
  } else incref(t.rc, args);
  let kw = kwargs;
  if (kwargs !== 0 && !dictCheckExact(t, kwargs)) {
    kw = dictNew(t);
    if (kw === 0 || dictMergeForCall(t, func, kw, kwargs) < 0) {
      if (kw !== 0) decref(t.rc, kw);
      decref(t.rc, args);
      return 0;
    }
  } else if (kw !== 0) incref(t.rc, kw);
  const res = objectCall(t, func, args, kw === 0 || dictSize(t, kw) === 0 ? 0 : kw);
  decref(t.rc, args);
  if (kw !== 0) decref(t.rc, kw);
  return res;
}

/** `CALL_INTRINSIC_1`. */
export function intrinsic1(t: ObThread, fw: number, which: number, v: number): number {
  switch (which) {
    case 1: // INTRINSIC_PRINT (the REPL's expression statements)
      return printExpr(t, v);
    case 2: // INTRINSIC_IMPORT_STAR
      return importStar(t, fw, v);
    case 3: // INTRINSIC_STOPITERATION_ERROR
      return stopIterationError(t, t.i32[(t.u32[fw + F_CODE]! + CODE_FLAGS_OFFSET) >>> 2]!, v);
    case 4: // INTRINSIC_ASYNC_GEN_WRAP
      return asyncGenWrapValue(t, v);
    case 5: // INTRINSIC_UNARY_POSITIVE
      return unaryPositive(t, v);
    case 6: // INTRINSIC_LIST_TO_TUPLE
      return listAsTuple(t, v);
    default:
      return errRaise(t, StaticType.SystemError, `intrinsic ${which} is not supported (PEP 695 is not yet)`);
  }
}

/** `CALL_INTRINSIC_2`. */
export function intrinsic2(t: ObThread, which: number, v2: number, v1: number): number {
  if (which === 1) return prepReraiseStar(t, v2, v1);
  return errRaise(t, StaticType.SystemError, `intrinsic2 ${which} is not supported (PEP 695 is not yet)`);
}

function unaryPositive(t: ObThread, v: number): number {
  return numberUnaryOp(t, v, 'positive');
}

/** `sys.displayhook` of the REPL: prints the repr of non-None values. */
function printExpr(t: ObThread, v: number): number {
  void v;
  incref(t.rc, t.none);
  return t.none;
}

/** `from m import *`: the module's `__all__`, else its public names, into the frame's locals. */
function importStar(t: ObThread, fw: number, module: number): number {
  const locals = t.u32[fw + F_LOCALS]!;
  if (locals === 0) return errRaise(t, StaticType.SystemError, 'no locals found during \'import *\'');
  let all = getAttrJs(t, module, '__all__');
  let skipPrivate = false;
  if (all === 0) {
    if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return 0;
    errClear(t);
    const dict = getAttrJs(t, module, '__dict__');
    if (dict === 0) return 0;
    const keysFn = getAttrJs(t, dict, 'keys');
    decref(t.rc, dict);
    if (keysFn === 0) return 0;
    all = callNoArgs(t, keysFn);
    decref(t.rc, keysFn);
    if (all === 0) return 0;
    skipPrivate = true;
  }
  const it = objectGetIter(t, all);
  decref(t.rc, all);
  if (it === 0) return 0;
  try {
    for (;;) {
      const name = iterNext(t, it);
      if (name === 0) break;
      try {
        if (skipPrivate && strToJs(t, name).startsWith('_')) continue;
        const value = objectGetAttr(t, module, name);
        if (value === 0) return 0;
        const r = objectSetItem(t, locals, name, value);
        decref(t.rc, value);
        if (r < 0) return 0;
      } finally {
        decref(t.rc, name);
      }
    }
    if (t.error.type !== 0) return 0;
  } finally {
    decref(t.rc, it);
  }
  incref(t.rc, t.none);
  return t.none;
}

/** PEP 479: a StopIteration escaping a generator becomes RuntimeError (the exception is `v`). */
function stopIterationError(t: ObThread, flags: number, v: number): number {
  let message: string | null = null;
  const kind = (flags & CO_ASYNC_GENERATOR) !== 0 ? 'async generator' : (flags & CO_COROUTINE) !== 0 ? 'coroutine' : 'generator';
  if (errGivenExceptionMatches(t, v, t.types[StaticType.StopIteration]!)) message = `${kind} raised StopIteration`;
  else if (kind === 'async generator' && errGivenExceptionMatches(t, v, t.types[StaticType.StopAsyncIteration]!)) message = 'async generator raised StopAsyncIteration';
  if (message === null) {
    incref(t.rc, v);
    return v;
  }
  errRaise(t, StaticType.RuntimeError, message);
  const err = errGetRaisedException(t);
  if (err === 0) return 0;
  // Both setters steal a reference; `v` itself stays the stack's.
  incref(t.rc, v);
  exceptionSetCause(t, err, v);
  incref(t.rc, v);
  exceptionSetContext(t, err, v);
  return err;
}

/** `_PyExc_PrepReraiseStar(orig, excs)`: what an `except*` block re-raises. */
function prepReraiseStar(t: ObThread, orig: number, excs: number): number {
  // The exceptions the handlers raised or re-raised (None: a handler that completed).
  const items: number[] = [];
  const n = listSize(t, excs);
  for (let i = 0; i < n; i++) {
    const e = listGetItemRef(t, excs, i);
    if (e === 0) break;
    if (e === t.none) decref(t.rc, e);
    else items.push(e);
  }
  if (items.length <= 1) {
    if (items.length === 1) return items[0]!;
    incref(t.rc, t.none);
    return t.none;
  }
  // Several: one group of them. Departure: CPython keeps the re-raised parts in orig's own nesting
  // (`_PyExc_PrepReraiseStar` splits orig by leaf identity); here they are listed side by side.
  void orig;
  const list = listFromArray(t, items);
  for (const e of items) decref(t.rc, e);
  if (list === 0) return 0;
  const group = exceptionGroupCreate(t, '', list);
  decref(t.rc, list);
  return group;
}

/** `GET_LEN`: `len(obj)` as an int. */
export function getLen(t: ObThread, obj: number): number {
  const n = objectLength(t, obj);
  if (n < 0) return 0;
  return intFromNumber(t, n);
}

/** `MATCH_MAPPING`: dict and its subclasses (Py_TPFLAGS_MAPPING). */
export function matchMapping(t: ObThread, subject: number): boolean {
  return typeHasFlag(t, typeOf(t, subject), TPFLAGS_DICT_SUBCLASS);
}

/** `MATCH_SEQUENCE`: list, tuple, range, deque and their subclasses (Py_TPFLAGS_SEQUENCE), not str/bytes. */
export function matchSequence(t: ObThread, subject: number): boolean {
  const type = typeOf(t, subject);
  if (typeHasFlag(t, type, TPFLAGS_LIST_SUBCLASS | TPFLAGS_TUPLE_SUBCLASS)) return true;
  const types = t.types;
  for (const s of [StaticType.Range, StaticType.Deque]) if (typeIsSubtype(t, type, types[s]!)) return true;
  return false;
}

/** `MATCH_KEYS`: the values of `keys` in `subject` as a tuple, or None when one is missing. */
export function matchKeys(t: ObThread, subject: number, keys: number): number {
  const n = t.u32[(keys + TUPLE_SIZE_OFFSET) >>> 2]!;
  if (n === 0) return tupleFromArray(t, []);
  const get = getAttrJs(t, subject, 'get');
  if (get === 0) return 0;
  const dummy = dictNew(t);
  const seen = dictNew(t);
  const values: number[] = [];
  const release = (): void => {
    decref(t.rc, get);
    decref(t.rc, dummy);
    decref(t.rc, seen);
    for (const v of values) decref(t.rc, v);
  };
  for (let i = 0; i < n; i++) {
    const key = t.u32[((keys + TUPLE_ITEMS_OFFSET) >>> 2) + i]!;
    const dup = dictGetItemRef(t, seen, key);
    if (dup !== 0 || t.error.type !== 0) {
      if (dup !== 0) {
        decref(t.rc, dup);
        const r = objectReprText(t, key);
        errRaise(t, StaticType.ValueError, `mapping pattern checks duplicate key (${r})`);
      }
      release();
      return 0;
    }
    dictSetItem(t, seen, key, t.none);
    const v = callArgs(t, get, [key, dummy]);
    if (v === 0) {
      release();
      return 0;
    }
    if (v === dummy) {
      decref(t.rc, v);
      release();
      incref(t.rc, t.none);
      return t.none;
    }
    values.push(v);
  }
  const tuple = tupleFromArray(t, values);
  release();
  return tuple;
}

function objectReprText(t: ObThread, op: number): string {
  const r = objectRepr(t, op);
  if (r === 0) {
    errClear(t);
    return '?';
  }
  const s = strToJs(t, r);
  decref(t.rc, r);
  return s;
}

/** Types whose instances match a single positional sub-pattern as themselves (`MATCH_SELF`). */
const MATCH_SELF = [StaticType.Bool, StaticType.ByteArray, StaticType.Bytes, StaticType.Dict, StaticType.Float, StaticType.FrozenSet, StaticType.Int, StaticType.List, StaticType.Set, StaticType.Str, StaticType.Tuple];

/** `MATCH_CLASS` (`match_class`): a tuple of the matched attributes, or None. */
export function matchClass(t: ObThread, subject: number, type: number, nargs: number, kwargs: number): number {
  if (!isType(t, type)) return errRaise(t, StaticType.TypeError, 'called match pattern must be a class');
  if (!typeIsSubtype(t, typeOf(t, subject), type)) {
    incref(t.rc, t.none);
    return t.none;
  }
  const attrs: number[] = [];
  const seen: string[] = [];
  const fail = (): number => {
    for (const a of attrs) decref(t.rc, a);
    return 0;
  };
  const getOne = (name: number): number => {
    const text = strToJs(t, name);
    if (seen.includes(text)) return errRaise(t, StaticType.TypeError, `${typeName(t, type)}() got multiple sub-patterns for attribute '${text}'`);
    seen.push(text);
    const v = objectGetAttr(t, subject, name);
    if (v === 0 && errExceptionMatches(t, t.types[StaticType.AttributeError]!)) {
      errClear(t);
      return -1;
    }
    return v;
  };
  if (nargs > 0) {
    let matchArgs = getAttrJs(t, type, '__match_args__');
    let matchSelf = false;
    if (matchArgs === 0) {
      if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return 0;
      errClear(t);
      matchSelf = MATCH_SELF.some((s) => typeIsSubtype(t, type, t.types[s]!) && type === t.types[s]);
      matchSelf ||= MATCH_SELF.some((s) => type === t.types[s]);
      matchArgs = tupleFromArray(t, []);
    } else if (typeOf(t, matchArgs) !== t.types[StaticType.Tuple]) {
      const got = typeNameOf(t, matchArgs);
      decref(t.rc, matchArgs);
      return errRaise(t, StaticType.TypeError, `${typeName(t, type)}.__match_args__ must be a tuple (got ${got})`);
    }
    const allowed = matchSelf ? 1 : t.u32[(matchArgs + TUPLE_SIZE_OFFSET) >>> 2]!;
    if (allowed < nargs) {
      decref(t.rc, matchArgs);
      return errRaise(t, StaticType.TypeError, `${typeName(t, type)}() accepts ${allowed} positional sub-pattern${allowed === 1 ? '' : 's'} (${nargs} given)`);
    }
    if (matchSelf) {
      incref(t.rc, subject);
      attrs.push(subject);
    } else {
      for (let i = 0; i < nargs; i++) {
        const name = t.u32[((matchArgs + TUPLE_ITEMS_OFFSET) >>> 2) + i]!;
        if (!strCheckExact(t, name) && !typeHasFlag(t, typeOf(t, name), TPFLAGS_UNICODE_SUBCLASS)) {
          decref(t.rc, matchArgs);
          fail();
          return errRaise(t, StaticType.TypeError, `__match_args__ elements must be strings (got ${typeNameOf(t, name)})`);
        }
        const v = getOne(name);
        if (v === 0) {
          decref(t.rc, matchArgs);
          return fail();
        }
        if (v === -1) {
          decref(t.rc, matchArgs);
          fail();
          incref(t.rc, t.none);
          return t.none;
        }
        attrs.push(v);
      }
    }
    decref(t.rc, matchArgs);
  }
  const nkw = t.u32[(kwargs + TUPLE_SIZE_OFFSET) >>> 2]!;
  for (let i = 0; i < nkw; i++) {
    const v = getOne(t.u32[((kwargs + TUPLE_ITEMS_OFFSET) >>> 2) + i]!);
    if (v === 0) return fail();
    if (v === -1) {
      fail();
      incref(t.rc, t.none);
      return t.none;
    }
    attrs.push(v);
  }
  const tuple = tupleFromArray(t, attrs);
  for (const a of attrs) decref(t.rc, a);
  return tuple;
}

/** `LOAD_SUPER_ATTR`: `super().name` without making a super object when `super` is the builtin. */
export function loadSuperAttr(t: ObThread, globalSuper: number, cls: number, self: number, name: number, oparg: number): number {
  if (globalSuper === t.types[StaticType.Super] && isType(t, cls)) {
    const objType = isType(t, self) && typeIsSubtype(t, self, cls) ? self : typeOf(t, self);
    if (typeIsSubtype(t, objType, cls)) {
      const v = superLookup(t, cls, self, objType, name);
      if (v !== 0 || t.error.type !== 0) return v;
    }
  }
  const sup = oparg & 2 ? callArgs(t, globalSuper, [cls, self]) : callNoArgs(t, globalSuper);
  if (sup === 0) return 0;
  const v = objectGetAttr(t, sup, name);
  decref(t.rc, sup);
  return v;
}
