/**
 * Which specialized form an adaptive instruction takes for the operands it
 * sees (`_Py_Specialize_BinaryOp`, `_Py_Specialize_CompareOp`,
 * `_Py_Specialize_BinarySubscr`, `_Py_Specialize_StoreSubscr`,
 * `_Py_Specialize_ForIter`, `_Py_Specialize_LoadAttr`,
 * `_Py_Specialize_UnpackSequence`, `_Py_Specialize_LoadGlobal`,
 * `_Py_Specialize_StoreAttr`): the specialized opcode, or 0 to stay
 * generic (the counter then backs off). Cache words are written at `at`
 * (the counter's unit) + 1 …, little half first.
 */

import {
  CO_ASYNC_GENERATOR,
  CO_COROUTINE,
  CO_GENERATOR,
  CO_ITERABLE_COROUTINE,
  CO_VARARGS,
  CO_VARKEYWORDS,
  CODE_ARGCOUNT_OFFSET,
  CODE_FLAGS_OFFSET,
  CODE_KWONLYARGCOUNT_OFFSET,
  FUNC_CODE_OFFSET,
  functionVersion,
  METHOD_FUNC_OFFSET,
  strInternFromJs,
  dictCheckExact,
  dictKeysSnapshot,
  instanceKeysOf,
  typeInstancesHaveNoDict,
  instanceDictAbsent,
  listSize,
  LONG_TAG_OFFSET,
  moduleDict,
  sharedKeysSnapshot,
  StaticType,
  TUPLE_SIZE_OFFSET,
  typeLookupRef,
  typeSlotId,
  typeVersionTag,
  type KeysSnapshot,
  type ObThread,
} from '@ft/objects';
import { decref, OB_TYPE_OFFSET, TP_FLAGS_OFFSET, TYPE_FLAG_HEAPTYPE } from '@ft/refcount';
import {
  BINARY_OP_ADD_FLOAT,
  BINARY_OP_ADD_INT,
  BINARY_OP_MULTIPLY_FLOAT,
  BINARY_OP_MULTIPLY_INT,
  BINARY_OP_SUBTRACT_FLOAT,
  BINARY_OP_SUBTRACT_INT,
  BINARY_SUBSCR_DICT,
  BINARY_SUBSCR_LIST_INT,
  BINARY_SUBSCR_TUPLE_INT,
  CALL_ALLOC_AND_ENTER_INIT,
  CALL_PY_EXACT_ARGS,
  COMPARE_OP_FLOAT,
  COMPARE_OP_INT,
  FOR_ITER_LIST,
  FOR_ITER_RANGE,
  FOR_ITER_TUPLE,
  LOAD_ATTR_INSTANCE_VALUE,
  LOAD_ATTR_METHOD_NO_DICT,
  LOAD_ATTR_METHOD_LAZY_DICT,
  CALL_BUILTIN_FAST,
  CALL_METHOD_DESCRIPTOR_FAST,
  LOAD_ATTR_METHOD_WITH_VALUES,
  LOAD_ATTR_MODULE,
  LOAD_GLOBAL_BUILTIN,
  LOAD_GLOBAL_MODULE,
  STORE_ATTR_INSTANCE_VALUE,
  STORE_SUBSCR_DICT,
  STORE_SUBSCR_LIST_INT,
  UNPACK_SEQUENCE_LIST,
  UNPACK_SEQUENCE_TUPLE,
  UNPACK_SEQUENCE_TWO_TUPLE,
} from './specialize.js';

function typeIs(t: ObThread, op: number, which: StaticType): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[which];
}

/** A compact int (`_PyLong_IsCompact`, exact type). */
function compactInt(t: ObThread, op: number): boolean {
  return typeIs(t, op, StaticType.Int) && t.u32[(op + LONG_TAG_OFFSET) >>> 2]! < 16;
}

/** `BINARY_OP`: + - * on compact ints or on floats. */
export function specializeBinaryOp(t: ObThread, lhs: number, rhs: number, oparg: number): number {
  const which = oparg === 0 || oparg === 13 ? 0 : oparg === 10 || oparg === 23 ? 1 : oparg === 5 || oparg === 18 ? 2 : -1;
  if (which < 0) return 0;
  if (compactInt(t, lhs) && compactInt(t, rhs)) return [BINARY_OP_ADD_INT, BINARY_OP_SUBTRACT_INT, BINARY_OP_MULTIPLY_INT][which]!;
  if (typeIs(t, lhs, StaticType.Float) && typeIs(t, rhs, StaticType.Float)) return [BINARY_OP_ADD_FLOAT, BINARY_OP_SUBTRACT_FLOAT, BINARY_OP_MULTIPLY_FLOAT][which]!;
  return 0;
}

/** `COMPARE_OP`: two compact ints, or two floats. */
export function specializeCompareOp(t: ObThread, lhs: number, rhs: number): number {
  if (compactInt(t, lhs) && compactInt(t, rhs)) return COMPARE_OP_INT;
  if (typeIs(t, lhs, StaticType.Float) && typeIs(t, rhs, StaticType.Float)) return COMPARE_OP_FLOAT;
  return 0;
}

/** `BINARY_SUBSCR`: list[int], tuple[int], dict[key]. */
export function specializeBinarySubscr(t: ObThread, container: number, sub: number): number {
  if (typeIs(t, container, StaticType.List) && compactInt(t, sub)) return BINARY_SUBSCR_LIST_INT;
  if (typeIs(t, container, StaticType.Tuple) && compactInt(t, sub)) return BINARY_SUBSCR_TUPLE_INT;
  if (typeIs(t, container, StaticType.Dict)) return BINARY_SUBSCR_DICT;
  return 0;
}

/** `STORE_SUBSCR`: list[int] = v, dict[key] = v. */
export function specializeStoreSubscr(t: ObThread, container: number, sub: number): number {
  if (typeIs(t, container, StaticType.List) && compactInt(t, sub)) return STORE_SUBSCR_LIST_INT;
  if (typeIs(t, container, StaticType.Dict)) return STORE_SUBSCR_DICT;
  return 0;
}

/** `FOR_ITER`: the list, tuple and range iterators. */
export function specializeForIter(t: ObThread, it: number): number {
  if (typeIs(t, it, StaticType.ListIter)) return FOR_ITER_LIST;
  if (typeIs(t, it, StaticType.TupleIter)) return FOR_ITER_TUPLE;
  if (typeIs(t, it, StaticType.RangeIter)) return FOR_ITER_RANGE;
  return 0;
}

/** Builtin types whose instances have no `__dict__`: a method found on the type cannot be shadowed. */

/** Writes a 32-bit cache word at units `at`, `at + 1`. */
function cache32(u16: Uint16Array, at: number, value: number): void {
  u16[at] = value & 0xffff;
  u16[at + 1] = value >>> 16;
}

/** One snapshot object per thread (JavaScript runs one thread per realm). */
const snapshot: KeysSnapshot = { version: 0, index: -1 };

/**
 * Whether `type` gets and sets attributes generically (`tp_getattro` and
 * `tp_setattro` those of `object`: no `__getattribute__`, `__getattr__`
 * or `__setattr__` of its own), so that a cached answer stays right while
 * the type's version holds.
 */
function genericAttributes(t: ObThread, type: number): boolean {
  const object = t.types[StaticType.Object]!;
  return typeSlotId(t, type, 'getattro') === typeSlotId(t, object, 'getattro') && typeSlotId(t, type, 'setattro') === typeSlotId(t, object, 'setattro');
}

/**
 * `LOAD_ATTR`, by what the owner is and where the name lives
 * (`_Py_Specialize_LoadAttr`). Cache units after the counter: 1–2 a
 * version, then per form:
 * - `LOAD_ATTR_METHOD_NO_DICT`: an instance without a `__dict__` (a builtin
 *   type's, a class's with `__slots__` only) and a method descriptor or
 *   Python function (3–4, borrowed: the type's version guards it);
 * - `LOAD_ATTR_INSTANCE_VALUE` (plain form): a value in the instance's
 *   split dict, at the shared keys' index in unit 3;
 * - `LOAD_ATTR_METHOD_LAZY_DICT` (method form): a Python function on the
 *   class of an instance that has not made its `__dict__` yet (3–4, as
 *   NO_DICT's; the guard is the type's version and the dict still absent);
 * - `LOAD_ATTR_METHOD_WITH_VALUES` (method form): a Python function on the
 *   class, the shared keys' version (3–4) proving the instance cannot
 *   shadow it, the function (5–6, borrowed);
 * - `LOAD_ATTR_MODULE` (plain form): a module's global, the module dict's
 *   keys version (1–2) and the entry index (unit 3).
 */
export function specializeLoadAttr(t: ObThread, owner: number, name: number, oparg: number, u16: Uint16Array, at: number): number {
  const type = t.u32[(owner + OB_TYPE_OFFSET) >>> 2]!;
  const method = (oparg & 1) !== 0;
  if (type === t.types[StaticType.Module]) {
    if (method) return 0;
    dictKeysSnapshot(t, moduleDict(t, owner), name, snapshot);
    if (snapshot.version === 0 || snapshot.index < 0 || snapshot.index > 0xffff) return 0;
    cache32(u16, at + 1, snapshot.version);
    u16[at + 3] = snapshot.index;
    return LOAD_ATTR_MODULE;
  }
  if (!genericAttributes(t, type)) return 0;
  // The version read on both sides of the lookup (`_PyType_LookupRefAndVersion`): the answer belongs to it.
  const before = typeVersionTag(t, type);
  const descr = typeLookupRef(t, type, name);
  const descrType = descr === 0 ? 0 : t.u32[(descr + OB_TYPE_OFFSET) >>> 2]!;
  if (descr !== 0) decref(t.rc, descr);
  const version = typeVersionTag(t, type);
  if (version === 0 || version !== before) return 0;
  if (method && typeInstancesHaveNoDict(t, type)) {
    if (descrType !== t.types[StaticType.MethodDescriptor] && descrType !== t.types[StaticType.Function]) return 0;
    cache32(u16, at + 1, version);
    cache32(u16, at + 3, descr);
    return LOAD_ATTR_METHOD_NO_DICT;
  }
  if (method && descrType === t.types[StaticType.Function] && instanceDictAbsent(t, owner)) {
    cache32(u16, at + 1, version);
    cache32(u16, at + 3, descr);
    return LOAD_ATTR_METHOD_LAZY_DICT;
  }
  const keys = instanceKeysOf(t, owner);
  if (keys === 0) return 0;
  sharedKeysSnapshot(t, keys, name, snapshot);
  if (method && descrType === t.types[StaticType.Function]) {
    if (snapshot.version === 0 || snapshot.index >= 0) return 0;
    cache32(u16, at + 1, version);
    cache32(u16, at + 3, snapshot.version);
    cache32(u16, at + 5, descr);
    return LOAD_ATTR_METHOD_WITH_VALUES;
  }
  // A value in the instance dict, with nothing of that name on the class to run first or instead.
  if (method || descr !== 0 || snapshot.index < 0) return 0;
  cache32(u16, at + 1, version);
  u16[at + 3] = snapshot.index;
  return LOAD_ATTR_INSTANCE_VALUE;
}

/**
 * `STORE_ATTR` (`_Py_Specialize_StoreAttr`): `STORE_ATTR_INSTANCE_VALUE`
 * when the name is in the class's shared keys and nothing of that name is
 * on the class: the type's version in units 1–2, the index in unit 3.
 */
export function specializeStoreAttr(t: ObThread, owner: number, name: number, u16: Uint16Array, at: number): number {
  const type = t.u32[(owner + OB_TYPE_OFFSET) >>> 2]!;
  if (!genericAttributes(t, type)) return 0;
  const keys = instanceKeysOf(t, owner);
  if (keys === 0) return 0;
  const before = typeVersionTag(t, type);
  const descr = typeLookupRef(t, type, name);
  if (descr !== 0) {
    decref(t.rc, descr);
    return 0;
  }
  const version = typeVersionTag(t, type);
  if (version === 0 || version !== before) return 0;
  sharedKeysSnapshot(t, keys, name, snapshot);
  if (snapshot.index < 0) return 0;
  cache32(u16, at + 1, version);
  u16[at + 3] = snapshot.index;
  return STORE_ATTR_INSTANCE_VALUE;
}

/**
 * `LOAD_GLOBAL` (`_Py_Specialize_LoadGlobal`), CPython 3.13's cache of
 * 16-bit units after the counter: 1 the entry index, 2 the globals' keys
 * version, 3 the builtins' keys version (`LOAD_GLOBAL_BUILTIN`: the name
 * is not a global). Versions past 16 bits stay generic, as in CPython.
 */
export function specializeLoadGlobal(t: ObThread, globals: number, builtins: number, name: number, u16: Uint16Array, at: number): number {
  if (!dictCheckExact(t, globals) || !dictCheckExact(t, builtins)) return 0;
  dictKeysSnapshot(t, globals, name, snapshot);
  const globalsVersion = snapshot.version;
  if (globalsVersion === 0 || globalsVersion > 0xffff) return 0;
  if (snapshot.index >= 0) {
    if (snapshot.index > 0xffff) return 0;
    u16[at + 1] = snapshot.index;
    u16[at + 2] = globalsVersion;
    return LOAD_GLOBAL_MODULE;
  }
  dictKeysSnapshot(t, builtins, name, snapshot);
  if (snapshot.version === 0 || snapshot.version > 0xffff || snapshot.index < 0 || snapshot.index > 0xffff) return 0;
  u16[at + 1] = snapshot.index;
  u16[at + 2] = globalsVersion;
  u16[at + 3] = snapshot.version;
  return LOAD_GLOBAL_BUILTIN;
}

/** `UNPACK_SEQUENCE`: a tuple or list of exactly the right length. */
export function specializeUnpackSequence(t: ObThread, seq: number, n: number): number {
  if (typeIs(t, seq, StaticType.Tuple) && t.u32[(seq + TUPLE_SIZE_OFFSET) >>> 2] === n) return n === 2 ? UNPACK_SEQUENCE_TWO_TUPLE : UNPACK_SEQUENCE_TUPLE;
  if (typeIs(t, seq, StaticType.List) && listSize(t, seq) === n) return UNPACK_SEQUENCE_LIST;
  return 0;
}

/** Code flags that rule out binding the arguments by copying them into the frame. */
const NOT_EXACT = CO_VARARGS | CO_VARKEYWORDS | CO_GENERATOR | CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR;

/** Whether a call of Python function `func` with `nargs` positional arguments binds them by copying (`_PyFunction` "exact args"). */
function exactArgs(t: ObThread, func: number, nargs: number): boolean {
  const code = t.u32[(func + FUNC_CODE_OFFSET) >>> 2]!;
  const i32 = t.i32;
  return (i32[(code + CODE_FLAGS_OFFSET) >>> 2]! & NOT_EXACT) === 0 && i32[(code + CODE_ARGCOUNT_OFFSET) >>> 2] === nargs && i32[(code + CODE_KWONLYARGCOUNT_OFFSET) >>> 2] === 0;
}

/**
 * `CALL` (`_Py_Specialize_Call`), positional arguments only, with `nargs`
 * arguments besides the callable and its self (`self` 0: none; a bound
 * method's is its own), the version in cache units 1–2:
 * - `CALL_PY_EXACT_ARGS`: a Python function (or a bound method of one)
 *   whose parameters are exactly the arguments: the function's version;
 * - `CALL_ALLOC_AND_ENTER_INIT`: a class of the metatype `type` with
 *   `object.__new__` and a Python `__init__` taking exactly self and the
 *   arguments: the class's version (which vouches for its `__init__`).
 */
export function specializeCall(t: ObThread, callable: number, self: number, nargs: number, u16: Uint16Array, at: number): number {
  const types = t.types;
  const type = t.u32[(callable + OB_TYPE_OFFSET) >>> 2]!;
  let func = callable;
  let n = nargs + (self !== 0 ? 1 : 0);
  if (type === types[StaticType.Method] && self === 0) {
    func = t.u32[(callable + METHOD_FUNC_OFFSET) >>> 2]!;
    n++;
  }
  if (t.u32[(func + OB_TYPE_OFFSET) >>> 2] === types[StaticType.Function]) {
    const version = functionVersion(t, func);
    if (version === 0 || !exactArgs(t, func, n)) return 0;
    cache32(u16, at + 1, version);
    return CALL_PY_EXACT_ARGS;
  }
  // A builtin function, or a method descriptor with its self (`obj.append(x)`): called through vectorcall in the loop.
  if (type === types[StaticType.BuiltinFunction] && self === 0) return CALL_BUILTIN_FAST;
  if (type === types[StaticType.MethodDescriptor] && self !== 0) return CALL_METHOD_DESCRIPTOR_FAST;
  if (type !== types[StaticType.Type] || self !== 0) return 0;
  const object = types[StaticType.Object]!;
  if ((t.u32[(callable + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) === 0 || typeSlotId(t, callable, 'new') !== typeSlotId(t, object, 'new')) return 0;
  const before = typeVersionTag(t, callable);
  const init = typeLookupRef(t, callable, initName(t));
  if (init === 0) return 0;
  const ok = t.u32[(init + OB_TYPE_OFFSET) >>> 2] === types[StaticType.Function] && exactArgs(t, init, nargs + 1);
  decref(t.rc, init);
  const version = typeVersionTag(t, callable);
  if (!ok || version === 0 || version !== before) return 0;
  cache32(u16, at + 1, version);
  return CALL_ALLOC_AND_ENTER_INIT;
}

let initNameOf: ObThread | null = null;
let initNameStr = 0;

/** The interned `'__init__'` of `t`'s interpreter (interned strs live as long as it). */
export function initName(t: ObThread): number {
  if (initNameOf !== t) {
    initNameStr = strInternFromJs(t, '__init__');
    initNameOf = t;
  }
  return initNameStr;
}
