/**
 * The number protocol (`Objects/abstract.c`: `binary_op1`, `binary_iop1`,
 * `ternary_op`, `PyNumber_*`): `a + b` and the rest dispatched through
 * the operands' number slots, with CPython's rules — the right operand's
 * slot goes first when its type is a proper subtype of the left's, a slot
 * that does not know its operands answers `NotImplemented` and the other
 * side is asked, `+` and `*` fall back to the sequence protocol
 * (`sq_concat`, `sq_repeat`), an in-place operator tries its in-place slot
 * first — and CPython's TypeErrors when nobody answers.
 */

import { decref, incref } from '@ft/refcount';
import { typeSlot, typeSlotId } from './abstract.js';
import { errOccurred, errRaise } from './errors.js';
import { intAsNumber, intCheckExact, intCompactValue, intCopy, intIsCompact } from './int.js';
import { intFromString } from './int-format.js';
import { StaticType, TPFLAGS_LONG_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { BinaryFn, ObThread, SlotKind, TernaryFn } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';

/** The binary number slots, for {@link numberBinaryOp}. @public */
export type NumberBinarySlot = 'add' | 'subtract' | 'multiply' | 'remainder' | 'divmod' | 'lshift' | 'rshift' | 'and' | 'xor' | 'or' | 'floorDivide' | 'trueDivide' | 'matrixMultiply';

/** The in-place forms of the binary slots. */
const INPLACE: { readonly [K in NumberBinarySlot]: SlotKind | null } = {
  add: 'inplaceAdd',
  subtract: 'inplaceSubtract',
  multiply: 'inplaceMultiply',
  remainder: 'inplaceRemainder',
  divmod: null,
  lshift: 'inplaceLshift',
  rshift: 'inplaceRshift',
  and: 'inplaceAnd',
  xor: 'inplaceXor',
  or: 'inplaceOr',
  floorDivide: 'inplaceFloorDivide',
  trueDivide: 'inplaceTrueDivide',
  matrixMultiply: 'inplaceMatrixMultiply',
};

/** The operator each slot implements, as CPython's messages name it. */
const SYMBOL: { readonly [K in NumberBinarySlot]: string } = {
  add: '+',
  subtract: '-',
  multiply: '*',
  remainder: '%',
  divmod: 'divmod()',
  lshift: '<<',
  rshift: '>>',
  and: '&',
  xor: '^',
  or: '|',
  floorDivide: '//',
  trueDivide: '/',
  matrixMultiply: '@',
};

/** The binary slot `kind` of `op`'s type, or null. */
function binarySlot(t: ObThread, op: number, kind: SlotKind): BinaryFn | null {
  return typeSlot(t, typeOf(t, op), kind) as BinaryFn | null;
}

/**
 * `binary_op1`: `kind` of `v` and `w`, asking `w`'s type first when it is a
 * proper subtype of `v`'s; a new reference, `NotImplemented` (a new
 * reference) when neither knows, or 0 with an exception.
 */
function binaryOp1(t: ObThread, v: number, w: number, kind: SlotKind): number {
  const tv = typeOf(t, v);
  const tw = typeOf(t, w);
  const idV = typeSlotId(t, tv, kind);
  const idW = tw === tv ? 0 : typeSlotId(t, tw, kind);
  const slotV = idV === 0 ? null : (t.slots[kind][idV] as BinaryFn);
  let slotW = idW === 0 || idW === idV ? null : (t.slots[kind][idW] as BinaryFn);
  const notImplemented = t.notImplemented;
  if (slotV !== null) {
    if (slotW !== null && typeIsSubtype(t, tw, tv)) {
      const x = slotW(t, v, w);
      if (x !== notImplemented) return x;
      slotW = null;
    }
    const x = slotV(t, v, w);
    if (x !== notImplemented) return x;
  }
  if (slotW !== null) {
    const x = slotW(t, v, w);
    if (x !== notImplemented) return x;
  }
  return notImplemented;
}

/** `binop_type_error`: 0 with TypeError "unsupported operand type(s) for +: 'int' and 'str'". */
function binopTypeError(t: ObThread, v: number, w: number, symbol: string): 0 {
  return errRaise(t, StaticType.TypeError, `unsupported operand type(s) for ${symbol}: '${typeNameOf(t, v)}' and '${typeNameOf(t, w)}'`);
}

/**
 * `binary_op` (`PyNumber_Add` … `PyNumber_MatrixMultiply`): `v <op> w`, a
 * new reference or 0 with an exception. `+` falls back to `v`'s
 * `sq_concat`, `*` to the `sq_repeat` of the operand that is a sequence.
 * @public
 */
export function numberBinaryOp(t: ObThread, v: number, w: number, kind: NumberBinarySlot): number {
  const result = binaryOp1(t, v, w, kind);
  if (result !== t.notImplemented) return result;
  if (kind === 'add') {
    const concat = typeSlot(t, typeOf(t, v), 'concat');
    if (concat !== null) return concat(t, v, w);
  } else if (kind === 'multiply') {
    const repeatV = typeSlot(t, typeOf(t, v), 'repeat');
    if (repeatV !== null) return sequenceRepeat(t, repeatV, v, w);
    const repeatW = typeSlot(t, typeOf(t, w), 'repeat');
    if (repeatW !== null) return sequenceRepeat(t, repeatW, w, v);
  }
  return binopTypeError(t, v, w, SYMBOL[kind]);
}

/**
 * `binary_iop` (`PyNumber_InPlaceAdd` …): `v <op>= w` — `v`'s in-place
 * slot first, then the binary operation (and for `+=` / `*=` the sequence
 * protocol's in-place forms); a new reference or 0 with an exception.
 * @public
 */
export function numberInPlaceOp(t: ObThread, v: number, w: number, kind: NumberBinarySlot): number {
  const inplace = INPLACE[kind];
  if (inplace !== null) {
    const slot = binarySlot(t, v, inplace);
    if (slot !== null) {
      const x = slot(t, v, w);
      if (x !== t.notImplemented) return x;
    }
  }
  const result = binaryOp1(t, v, w, kind);
  if (result !== t.notImplemented) return result;
  const tv = typeOf(t, v);
  if (kind === 'add') {
    const concat = typeSlot(t, tv, 'inplaceConcat') ?? typeSlot(t, tv, 'concat');
    if (concat !== null) return concat(t, v, w);
  } else if (kind === 'multiply') {
    const repeatV = typeSlot(t, tv, 'inplaceRepeat') ?? typeSlot(t, tv, 'repeat');
    if (repeatV !== null) return sequenceRepeat(t, repeatV, v, w);
    const repeatW = typeSlot(t, typeOf(t, w), 'repeat');
    if (repeatW !== null) return sequenceRepeat(t, repeatW, w, v);
  }
  return binopTypeError(t, v, w, kind === 'divmod' ? 'divmod()' : `${SYMBOL[kind]}=`);
}

/** `sequence_repeat`: `seq * n` for an index `n`; TypeError "can't multiply sequence by non-int of type 'float'". */
function sequenceRepeat(t: ObThread, repeat: (t: ObThread, op: number, n: number) => number, seq: number, n: number): number {
  if (!indexCheck(t, n)) return errRaise(t, StaticType.TypeError, `can't multiply sequence by non-int of type '${typeNameOf(t, n)}'`);
  const count = numberAsSsize(t, n, StaticType.OverflowError);
  if (count === -1 && errOccurred(t)) return 0;
  return repeat(t, seq, count);
}

/**
 * `ternary_op` (`PyNumber_Power(v, w, z)`, `z` None for two-argument
 * `pow`): the slots of `v`, then `w` (first when its type is a proper
 * subtype of `v`'s), then `z`; a new reference or 0 with TypeError
 * ("unsupported operand type(s) for ** or pow(): 'str' and 'int'").
 * @public
 */
export function numberPower(t: ObThread, v: number, w: number, z: number, inplace = false): number {
  const notImplemented = t.notImplemented;
  if (inplace) {
    const slot = typeSlot(t, typeOf(t, v), 'inplacePower');
    if (slot !== null) {
      const x = slot(t, v, w, z);
      if (x !== notImplemented) return x;
    }
  }
  const tv = typeOf(t, v);
  const tw = typeOf(t, w);
  const idV = typeSlotId(t, tv, 'power');
  const idW = tw === tv ? 0 : typeSlotId(t, tw, 'power');
  const slotV = idV === 0 ? null : (t.slots.power[idV] as TernaryFn);
  let slotW = idW === 0 || idW === idV ? null : (t.slots.power[idW] as TernaryFn);
  if (slotV !== null) {
    if (slotW !== null && typeIsSubtype(t, tw, tv)) {
      const x = slotW(t, v, w, z);
      if (x !== notImplemented) return x;
      slotW = null;
    }
    const x = slotV(t, v, w, z);
    if (x !== notImplemented) return x;
  }
  if (slotW !== null) {
    const x = slotW(t, v, w, z);
    if (x !== notImplemented) return x;
  }
  if (z !== t.none) {
    const idZ = typeSlotId(t, typeOf(t, z), 'power');
    if (idZ !== 0 && idZ !== idV && idZ !== idW) {
      const x = (t.slots.power[idZ] as TernaryFn)(t, v, w, z);
      if (x !== notImplemented) return x;
    }
    return errRaise(t, StaticType.TypeError, `unsupported operand type(s) for ${inplace ? '**=' : '** or pow()'}: '${typeNameOf(t, v)}', '${typeNameOf(t, w)}', '${typeNameOf(t, z)}'`);
  }
  return binopTypeError(t, v, w, inplace ? '**=' : '** or pow()');
}

/** The unary number slots, for {@link numberUnaryOp}. @public */
export type NumberUnarySlot = 'negative' | 'positive' | 'absolute' | 'invert';

const UNARY_SYMBOL: { readonly [K in NumberUnarySlot]: string } = { negative: 'unary -', positive: 'unary +', absolute: 'abs()', invert: 'unary ~' };

/**
 * `PyNumber_Negative` / `Positive` / `Absolute` / `Invert`: a new reference,
 * or 0 with TypeError ("bad operand type for unary -: 'str'").
 * @public
 */
export function numberUnaryOp(t: ObThread, op: number, kind: NumberUnarySlot): number {
  const slot = typeSlot(t, typeOf(t, op), kind);
  if (slot !== null) return slot(t, op);
  return errRaise(t, StaticType.TypeError, `bad operand type for ${UNARY_SYMBOL[kind]}: '${typeNameOf(t, op)}'`);
}

/** `PyIndex_Check(op)`: whether `op`'s type has `nb_index`. @public */
export function indexCheck(t: ObThread, op: number): boolean {
  return typeSlotId(t, typeOf(t, op), 'index') !== 0;
}

/**
 * `PyNumber_Index(op)`: `op` as an int (a new reference) — itself when it
 * is one, else what its `__index__` returns — or 0 with TypeError ("'str'
 * object cannot be interpreted as an integer", "__index__ returned non-int
 * (type str)").
 * @public
 */
export function numberIndex(t: ObThread, op: number): number {
  if (intCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  const slot = typeSlot(t, typeOf(t, op), 'index');
  if (slot === null) {
    if (typeHasFlag(t, typeOf(t, op), TPFLAGS_LONG_SUBCLASS)) {
      incref(t.rc, op);
      return op;
    }
    return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, op)}' object cannot be interpreted as an integer`);
  }
  const result = slot(t, op);
  if (result === 0 || intCheckExact(t, result)) return result;
  if (!typeHasFlag(t, typeOf(t, result), TPFLAGS_LONG_SUBCLASS)) {
    const type = typeNameOf(t, result);
    decref(t.rc, result);
    return errRaise(t, StaticType.TypeError, `__index__ returned non-int (type ${type})`);
  }
  return result;
}

/**
 * `PyNumber_AsSsize_t(op, exc)`: `op.__index__()` as a JavaScript integer.
 * CPython's `Py_ssize_t` is 64 bits: a value past ±2^63 raises `exc`
 * ("cannot fit 'int' into an index-sized integer") or is clamped when
 * `exc` is null; one between ±2^53 (what a JavaScript number holds
 * exactly) and ±2^63 comes back clamped to ±(2^53 − 1), a size no object
 * can have, so that callers raise what CPython raises for it
 * (MemoryError, IndexError). -1 with an exception on error (check
 * {@link errOccurred}).
 * @public
 */
export function numberAsSsize(t: ObThread, op: number, exc: StaticType | null): number {
  const value = numberIndex(t, op);
  if (value === 0) return -1;
  const n = intIsCompact(t, value) ? intCompactValue(t, value) : intAsNumber(t, value);
  decref(t.rc, value);
  if (Number.isSafeInteger(n)) return n;
  if (exc === null || Math.abs(n) < 2 ** 63) return n < 0 ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  errRaise(t, exc, `cannot fit '${typeNameOf(t, op)}' into an index-sized integer`);
  return -1;
}

/**
 * `PyNumber_Long(op)` (`int(op)`): an exact int (a new reference) — `op`
 * itself, a copy of an int subclass's value, what its `__int__` or
 * `__index__` returns, or a str parsed in base 10 — or 0 with CPython's
 * errors ("__int__ returned non-int (type str)", "int() argument must be a
 * string, a bytes-like object or a real number, not 'NoneType'", the
 * parser's ValueError).
 * @public
 */
export function numberLong(t: ObThread, op: number): number {
  if (intCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  const type = typeOf(t, op);
  const toInt = typeSlot(t, type, 'int');
  if (toInt !== null) {
    const result = toInt(t, op);
    if (result === 0 || intCheckExact(t, result)) return result;
    if (!typeHasFlag(t, typeOf(t, result), TPFLAGS_LONG_SUBCLASS)) {
      const name = typeNameOf(t, result);
      decref(t.rc, result);
      return errRaise(t, StaticType.TypeError, `__int__ returned non-int (type ${name})`);
    }
    const copy = intCopy(t, result);
    decref(t.rc, result);
    return copy;
  }
  if (typeSlot(t, type, 'index') !== null) {
    const index = numberIndex(t, op);
    if (index === 0 || intCheckExact(t, index)) return index;
    const copy = intCopy(t, index);
    decref(t.rc, index);
    return copy;
  }
  if (typeHasFlag(t, type, TPFLAGS_UNICODE_SUBCLASS)) return intFromString(t, strToJs(t, op), 10);
  return errRaise(t, StaticType.TypeError, `int() argument must be a string, a bytes-like object or a real number, not '${typeNameOf(t, op)}'`);
}
