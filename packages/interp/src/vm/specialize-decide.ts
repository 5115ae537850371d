/**
 * Which specialized form an adaptive instruction takes for the operands it
 * sees (`_Py_Specialize_BinaryOp`, `_Py_Specialize_CompareOp`,
 * `_Py_Specialize_BinarySubscr`, `_Py_Specialize_StoreSubscr`,
 * `_Py_Specialize_ForIter`, `_Py_Specialize_LoadAttr`,
 * `_Py_Specialize_UnpackSequence`): the specialized opcode, or 0 to stay
 * generic (the counter then backs off).
 */

import { listSize, LONG_TAG_OFFSET, StaticType, TUPLE_SIZE_OFFSET, typeLookupRef, typeVersionTag, type ObThread } from '@ft/objects';
import { decref, OB_TYPE_OFFSET } from '@ft/refcount';
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
  COMPARE_OP_FLOAT,
  COMPARE_OP_INT,
  FOR_ITER_LIST,
  FOR_ITER_RANGE,
  FOR_ITER_TUPLE,
  LOAD_ATTR_METHOD_NO_DICT,
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
const NO_DICT_TYPES = [StaticType.List, StaticType.Dict, StaticType.Str, StaticType.Tuple, StaticType.Set, StaticType.FrozenSet, StaticType.Int, StaticType.Float, StaticType.Bytes, StaticType.ByteArray, StaticType.Deque, StaticType.Bool, StaticType.Complex, StaticType.Range];

/**
 * `LOAD_ATTR` in its method form on an instance of a builtin type without
 * a `__dict__`, the attribute a method descriptor: the type's version and
 * the descriptor go into the cache (units 1–2 and 3–4 after `at`, the
 * counter's unit). The descriptor is borrowed: the version guards it.
 */
export function specializeLoadAttr(t: ObThread, owner: number, name: number, oparg: number, u16: Uint16Array, at: number): number {
  if ((oparg & 1) === 0) return 0;
  const type = t.u32[(owner + OB_TYPE_OFFSET) >>> 2]!;
  if (!NO_DICT_TYPES.some((s) => t.types[s] === type)) return 0;
  const version = typeVersionTag(t, type);
  if (version === 0) return 0;
  const descr = typeLookupRef(t, type, name);
  if (descr === 0) return 0;
  const ok = t.u32[(descr + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.MethodDescriptor];
  decref(t.rc, descr);
  if (!ok) return 0;
  u16[at + 1] = version & 0xffff;
  u16[at + 2] = version >>> 16;
  u16[at + 3] = descr & 0xffff;
  u16[at + 4] = descr >>> 16;
  return LOAD_ATTR_METHOD_NO_DICT;
}

/** `UNPACK_SEQUENCE`: a tuple or list of exactly the right length. */
export function specializeUnpackSequence(t: ObThread, seq: number, n: number): number {
  if (typeIs(t, seq, StaticType.Tuple) && t.u32[(seq + TUPLE_SIZE_OFFSET) >>> 2] === n) return n === 2 ? UNPACK_SEQUENCE_TWO_TUPLE : UNPACK_SEQUENCE_TUPLE;
  if (typeIs(t, seq, StaticType.List) && listSize(t, seq) === n) return UNPACK_SEQUENCE_LIST;
  return 0;
}
