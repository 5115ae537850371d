/**
 * float arithmetic (`Objects/floatobject.c`, 3.13): float's number slots,
 * hash and comparison — an int operand converted to the nearest double
 * (OverflowError "int too large to convert to float" past the largest),
 * comparisons with ints exact at any size — and `round`, `is_integer`,
 * `as_integer_ratio`, `float(x)`. Registered by builtin-types.ts through
 * {@link registerFloatSlots}, with complex's (complex.ts).
 *
 * int's slots answer NotImplemented for a float operand, so mixed
 * arithmetic (`1 + 1.5`) runs here, in float's reflected slot.
 */

import { decref, incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { PY_EQ, PY_GE, PY_GT, PY_LE, PY_LT, PY_NE, typeSlot } from './abstract.js';
import { numberAsSsize, numberIndex } from './abstract-number.js';
import { complexPow, registerComplexSlots } from './complex.js';
import { errOccurred, errRaise } from './errors.js';
import { floatAsDouble, floatCheck, floatCheckExact, floatFromDouble, hashDouble, longAsDouble } from './float.js';
import { doubleRound, floatFromString } from './float-format.js';
import { libmPow } from './float-math.js';
import { intAsBigInt, intCompactValue, intDigitCount, intFromBigInt, intFromNumber, intSign } from './int.js';
import { StaticType, TPFLAGS_LONG_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread, SlotKind } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strToJs } from './str-read.js';
import { tupleNew, tupleSetItemInit } from './tuple.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';

/** The slot ids of `float` and `complex`, registered in a fixed order. @internal */
export interface FloatSlots {
  readonly float: Partial<Record<SlotKind, number>>;
  readonly complex: Partial<Record<SlotKind, number>>;
}

// ---------------------------------------------------------------------------
// CONVERT_TO_DOUBLE: the operand's double, with its outcome in module scope
// (thread-local), so that no call allocates.
// ---------------------------------------------------------------------------

const CONVERTED = 0;
const NOT_IMPLEMENTED = 1;
const FAILED = 2;
let convertStatus = CONVERTED;

/** `CONVERT_TO_DOUBLE(op)`: a float's value or an int's nearest double; sets {@link convertStatus}. */
function toDouble(t: ObThread, op: number): number {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!; // SAFETY: ob_type changes only by __class__ assignment, with Atomics; a plain read sees the old or the new type
  if (type === t.types[StaticType.Float]) {
    convertStatus = CONVERTED;
    return floatAsDouble(t, op);
  }
  if (typeHasFlag(t, type, TPFLAGS_LONG_SUBCLASS)) {
    const v = longAsDouble(t, op);
    convertStatus = v === -1 && errOccurred(t) !== 0 ? FAILED : CONVERTED;
    return v;
  }
  if (typeIsSubtype(t, type, t.types[StaticType.Float]!)) {
    convertStatus = CONVERTED;
    return floatAsDouble(t, op);
  }
  convertStatus = NOT_IMPLEMENTED;
  return 0;
}

/** What a slot returns when an operand did not convert: NotImplemented, or 0 with the OverflowError. */
function notConverted(t: ObThread): number {
  return convertStatus === NOT_IMPLEMENTED ? t.notImplemented : 0;
}

function floatAdd(t: ObThread, v: number, w: number): number {
  const a = toDouble(t, v);
  if (convertStatus !== CONVERTED) return notConverted(t);
  const b = toDouble(t, w);
  if (convertStatus !== CONVERTED) return notConverted(t);
  return floatFromDouble(t, a + b);
}

function floatSub(t: ObThread, v: number, w: number): number {
  const a = toDouble(t, v);
  if (convertStatus !== CONVERTED) return notConverted(t);
  const b = toDouble(t, w);
  if (convertStatus !== CONVERTED) return notConverted(t);
  return floatFromDouble(t, a - b);
}

function floatMul(t: ObThread, v: number, w: number): number {
  const a = toDouble(t, v);
  if (convertStatus !== CONVERTED) return notConverted(t);
  const b = toDouble(t, w);
  if (convertStatus !== CONVERTED) return notConverted(t);
  return floatFromDouble(t, a * b);
}

function floatDiv(t: ObThread, v: number, w: number): number {
  const a = toDouble(t, v);
  if (convertStatus !== CONVERTED) return notConverted(t);
  const b = toDouble(t, w);
  if (convertStatus !== CONVERTED) return notConverted(t);
  if (b === 0) return errRaise(t, StaticType.ZeroDivisionError, 'float division by zero');
  return floatFromDouble(t, a / b);
}

/** `float_rem`: `fmod` (JavaScript's `%` is exactly it) moved to the divisor's sign; a zero remainder takes the divisor's sign. */
function floatRem(t: ObThread, v: number, w: number): number {
  const vx = toDouble(t, v);
  if (convertStatus !== CONVERTED) return notConverted(t);
  const wx = toDouble(t, w);
  if (convertStatus !== CONVERTED) return notConverted(t);
  if (wx === 0) return errRaise(t, StaticType.ZeroDivisionError, 'float modulo by zero');
  let mod = vx % wx;
  if (mod !== 0) {
    if (wx < 0 !== mod < 0) mod += wx;
  } else {
    mod = wx < 0 || Object.is(wx, -0) ? -0 : 0;
  }
  return floatFromDouble(t, mod);
}

/** `_float_div_mod`'s results (module scope: thread-local). */
let divResult = 0;
let modResult = 0;

/** `_float_div_mod(vx, wx)`: the floor quotient snapped to an integral value, and the remainder with the divisor's sign. */
function floatDivMod(vx: number, wx: number): void {
  let mod = vx % wx;
  let div = (vx - mod) / wx;
  if (mod !== 0) {
    if (wx < 0 !== mod < 0) {
      mod += wx;
      div -= 1;
    }
  } else {
    mod = wx < 0 || Object.is(wx, -0) ? -0 : 0;
  }
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    // Zero with the sign of the true quotient.
    const q = vx / wx;
    floordiv = q < 0 || Object.is(q, -0) ? -0 : 0;
  }
  divResult = floordiv;
  modResult = mod;
}

function floatFloorDiv(t: ObThread, v: number, w: number): number {
  const vx = toDouble(t, v);
  if (convertStatus !== CONVERTED) return notConverted(t);
  const wx = toDouble(t, w);
  if (convertStatus !== CONVERTED) return notConverted(t);
  if (wx === 0) return errRaise(t, StaticType.ZeroDivisionError, 'float floor division by zero');
  floatDivMod(vx, wx);
  return floatFromDouble(t, divResult);
}

function floatDivmod(t: ObThread, v: number, w: number): number {
  const vx = toDouble(t, v);
  if (convertStatus !== CONVERTED) return notConverted(t);
  const wx = toDouble(t, w);
  if (convertStatus !== CONVERTED) return notConverted(t);
  if (wx === 0) return errRaise(t, StaticType.ZeroDivisionError, 'float divmod()');
  floatDivMod(vx, wx);
  const mod = modResult;
  const div = floatFromDouble(t, divResult);
  if (div === 0) return 0;
  const rem = floatFromDouble(t, mod);
  if (rem === 0) {
    decref(t.rc, div);
    return 0;
  }
  const tuple = tupleNew(t, 2);
  if (tuple === 0) {
    decref(t.rc, div);
    decref(t.rc, rem);
    return 0;
  }
  tupleSetItemInit(t, tuple, 0, div);
  tupleSetItemInit(t, tuple, 1, rem);
  return tuple;
}

/** `DOUBLE_IS_ODD_INTEGER(x)` of a finite x. */
function isOddInteger(x: number): boolean {
  return Math.abs(x) % 2 === 1;
}

/**
 * `float_pow`: the special cases of C99's pow sorted out first (x**0 is
 * 1, 1**y is 1, nan and inf operands, zero bases), a negative base with
 * a fractional exponent handed to complex; TypeError for a modulus,
 * ZeroDivisionError "0.0 cannot be raised to a negative power", the
 * OverflowError of ERANGE.
 */
function floatPow(t: ObThread, v: number, w: number, z: number): number {
  if (z !== t.none) return errRaise(t, StaticType.TypeError, 'pow() 3rd argument not allowed unless all arguments are integers');
  let iv = toDouble(t, v);
  if (convertStatus !== CONVERTED) return notConverted(t);
  const iw = toDouble(t, w);
  if (convertStatus !== CONVERTED) return notConverted(t);
  if (iw === 0) return floatFromDouble(t, 1);
  if (iv !== iv) return floatFromDouble(t, iv);
  if (iw !== iw) return floatFromDouble(t, iv === 1 ? 1 : iw);
  if (iw === Infinity || iw === -Infinity) {
    iv = Math.abs(iv);
    if (iv === 1) return floatFromDouble(t, 1);
    if (iw > 0 === iv > 1) return floatFromDouble(t, Infinity);
    return floatFromDouble(t, 0);
  }
  if (iv === Infinity || iv === -Infinity) {
    const odd = isOddInteger(iw);
    if (iw > 0) return floatFromDouble(t, odd ? iv : Infinity);
    return floatFromDouble(t, odd && iv < 0 ? -0 : 0);
  }
  if (iv === 0) {
    if (iw < 0) return errRaise(t, StaticType.ZeroDivisionError, '0.0 cannot be raised to a negative power');
    return floatFromDouble(t, isOddInteger(iw) ? iv : 0);
  }
  let negate = false;
  if (iv < 0) {
    // A negative number to a fractional power is complex.
    if (iw !== Math.floor(iw)) return complexPow(t, v, w, z);
    iv = -iv;
    negate = isOddInteger(iw);
  }
  if (iv === 1) return floatFromDouble(t, negate ? -1 : 1);
  const ix = libmPow(iv, iw);
  // _Py_ADJUST_ERANGE1: an infinite result of finite operands overflowed (an underflow to 0 is not an error).
  if (ix === Infinity) return errRaise(t, StaticType.OverflowError, "(34, 'Numerical result out of range')");
  return floatFromDouble(t, negate ? -ix : ix);
}

function floatNeg(t: ObThread, op: number): number {
  return floatFromDouble(t, -floatAsDouble(t, op));
}

function floatAbs(t: ObThread, op: number): number {
  return floatFromDouble(t, Math.abs(floatAsDouble(t, op)));
}

/** `float_float` (nb_float, nb_positive): an exact float itself, a subclass's value as a new float. */
function floatFloat(t: ObThread, op: number): number {
  if (floatCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  return floatFromDouble(t, floatAsDouble(t, op));
}

/**
 * `PyLong_FromDouble(v)` of an integral double: a new int, or 0 with
 * OverflowError "cannot convert float infinity to integer" / ValueError
 * "cannot convert float NaN to integer".
 */
function longFromIntegralDouble(t: ObThread, v: number): number {
  if (Number.isSafeInteger(v)) return intFromNumber(t, v === 0 ? 0 : v);
  if (v !== v) return errRaise(t, StaticType.ValueError, 'cannot convert float NaN to integer');
  if (v === Infinity || v === -Infinity) return errRaise(t, StaticType.OverflowError, 'cannot convert float infinity to integer');
  return intFromBigInt(t, BigInt(v)); // exact: v is integral
}

/** `float___trunc___impl` (nb_int): `int(x)`, truncated toward zero. */
function floatInt(t: ObThread, op: number): number {
  return longFromIntegralDouble(t, Math.trunc(floatAsDouble(t, op)));
}

/**
 * `float_richcompare`: against a float as IEEE does (every comparison
 * with a NaN false but `!=`); against an int of any size exactly (the
 * double's integral part compared as a bigint); NotImplemented otherwise.
 */
function floatRichCompare(t: ObThread, v: number, w: number, op: number): number {
  const i = floatAsDouble(t, v);
  let j: number;
  const type = t.u32[(w + OB_TYPE_OFFSET) >>> 2]!; // SAFETY: ob_type changes only by __class__ assignment, with Atomics; a plain read sees the old or the new type
  if (type === t.types[StaticType.Float]) j = floatAsDouble(t, w);
  else if (typeHasFlag(t, type, TPFLAGS_LONG_SUBCLASS)) {
    if (!Number.isFinite(i)) j = 0; // inf and nan compare with every int as with 0
    else if (intDigitCount(t, w) <= 1) j = intCompactValue(t, w);
    else return compareResult(t, compareWithInt(t, i, w), 0, op);
  } else if (typeIsSubtype(t, type, t.types[StaticType.Float]!)) j = floatAsDouble(t, w);
  else return t.notImplemented;
  return compareResult(t, i, j, op);
}

/** `i <op> j` as True or False (IEEE: NaN compares false but with `!=`). */
function compareResult(t: ObThread, i: number, j: number, op: number): number {
  let r: boolean;
  switch (op) {
    case PY_LT:
      r = i < j;
      break;
    case PY_LE:
      r = i <= j;
      break;
    case PY_EQ:
      r = i === j;
      break;
    case PY_NE:
      r = i !== j;
      break;
    case PY_GT:
      r = i > j;
      break;
    case PY_GE:
      r = i >= j;
      break;
    default:
      r = false;
  }
  return r ? t.true : t.false;
}

/** The sign of the finite `x` minus the int `w`, exactly: -1, 0 or 1. */
function compareWithInt(t: ObThread, x: number, w: number): number {
  const xs = x > 0 ? 1 : x < 0 ? -1 : 0;
  const ws = intSign(t, w);
  if (xs !== ws) return xs - ws;
  // Same sign: x - w has the sign of floor(x) - w when x is not integral (w integral); floor(x) is exact as a bigint.
  const fl = Math.floor(x);
  const big = BigInt(fl);
  const n = intAsBigInt(t, w);
  if (big < n) return -1;
  if (big > n) return 1;
  return fl === x ? 0 : 1;
}

function floatHash(t: ObThread, op: number): number {
  return hashDouble(op, floatAsDouble(t, op));
}

// ---------------------------------------------------------------------------
// Methods (the VM binds them as float's methods).
// ---------------------------------------------------------------------------

/**
 * `float.__round__(ndigits)` (`float___round___impl`): `ndigits` 0 or
 * None rounds to an int, half to even (`round(2.5)` is 2; OverflowError
 * / ValueError for inf and nan); an int `ndigits` gives the float nearest
 * to `x` correctly rounded half to even at 10^-ndigits (inf and nan
 * unchanged; OverflowError "rounded value too large to represent").
 * A new reference, or 0 with an exception.
 * @public
 */
export function floatRound(t: ObThread, op: number, ndigits: number): number {
  const x = floatAsDouble(t, op);
  if (ndigits === 0 || ndigits === t.none) {
    let rounded = Math.round(x); // half up…
    if (Math.abs(x - Math.trunc(x)) === 0.5) rounded = 2 * Math.round(x / 2); // …and a half to even
    return longFromIntegralDouble(t, rounded === 0 ? 0 : rounded);
  }
  // PyNumber_AsSsize_t(ndigits, NULL): clamped; JavaScript's clamp (±2^53) is past every bound below.
  const n = numberAsSsize(t, ndigits, null);
  if (n === -1 && errOccurred(t) !== 0) return 0;
  if (!Number.isFinite(x)) return floatFromDouble(t, x);
  // NDIGITS_MAX: x rounds to itself; NDIGITS_MIN: to a zero of x's sign.
  if (n > 323) return floatFromDouble(t, x);
  if (n < -308) return floatFromDouble(t, x < 0 || Object.is(x, -0) ? -0 : 0);
  const rounded = doubleRound(x, n);
  if (rounded !== rounded) return errRaise(t, StaticType.OverflowError, 'rounded value too large to represent');
  return floatFromDouble(t, rounded);
}

/** `float.is_integer()`: True for a finite integral value. @public */
export function floatIsInteger(t: ObThread, op: number): number {
  const x = floatAsDouble(t, op);
  return Number.isFinite(x) && Math.floor(x) === x ? t.true : t.false;
}

/**
 * `float.as_integer_ratio()`: `(numerator, denominator)` in lowest terms
 * with a positive denominator (a power of two), a new tuple; 0 with
 * OverflowError "cannot convert Infinity to integer ratio" / ValueError
 * "cannot convert NaN to integer ratio".
 * @public
 */
export function floatAsIntegerRatio(t: ObThread, op: number): number {
  const x = floatAsDouble(t, op);
  if (x !== x) return errRaise(t, StaticType.ValueError, 'cannot convert NaN to integer ratio');
  if (!Number.isFinite(x)) return errRaise(t, StaticType.OverflowError, 'cannot convert Infinity to integer ratio');
  // x = m · 2^e with an odd m (or 0).
  let m = x;
  let e = 0;
  while (m !== Math.floor(m)) {
    m *= 2; // exact: scaling a finite double by 2 until it is integral never overflows
    e--;
  }
  let num = BigInt(m);
  let den = 1n;
  if (e < 0) {
    den = 1n << BigInt(-e);
    while ((num & 1n) === 0n && den > 1n) {
      num >>= 1n;
      den >>= 1n;
    }
  }
  const a = intFromBigInt(t, num);
  if (a === 0) return 0;
  const b = intFromBigInt(t, den);
  if (b === 0) {
    decref(t.rc, a);
    return 0;
  }
  const tuple = tupleNew(t, 2);
  if (tuple === 0) {
    decref(t.rc, a);
    decref(t.rc, b);
    return 0;
  }
  tupleSetItemInit(t, tuple, 0, a);
  tupleSetItemInit(t, tuple, 1, b);
  return tuple;
}

/**
 * `PyNumber_Float(op)` (`float(x)`): an exact float itself; else
 * `__float__` (a float subclass's result turned into a float; TypeError
 * "X.__float__ returned non-float (type Y)"), `__index__` (OverflowError
 * for a huge int), a float subclass's value, or a str parsed by
 * {@link floatFromString}; TypeError "float() argument must be a string
 * or a real number, not 'list'" otherwise. A new reference or 0.
 * @public
 */
export function numberFloat(t: ObThread, op: number): number {
  if (floatCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  const type = typeOf(t, op);
  const nbFloat = typeSlot(t, type, 'float');
  if (nbFloat !== null) {
    const res = nbFloat(t, op);
    if (res === 0 || floatCheckExact(t, res)) return res;
    if (!floatCheck(t, res)) {
      errRaise(t, StaticType.TypeError, `${typeNameOf(t, op)}.__float__ returned non-float (type ${typeNameOf(t, res)})`);
      decref(t.rc, res);
      return 0;
    }
    const value = floatAsDouble(t, res);
    decref(t.rc, res);
    return floatFromDouble(t, value);
  }
  if (typeSlot(t, type, 'index') !== null || typeHasFlag(t, type, TPFLAGS_LONG_SUBCLASS)) {
    const index = numberIndex(t, op);
    if (index === 0) return 0;
    const value = longAsDouble(t, index);
    decref(t.rc, index);
    if (value === -1 && errOccurred(t) !== 0) return 0;
    return floatFromDouble(t, value);
  }
  if (floatCheck(t, op)) return floatFromDouble(t, floatAsDouble(t, op));
  if (typeHasFlag(t, type, TPFLAGS_UNICODE_SUBCLASS)) return floatFromString(t, strToJs(t, op));
  return errRaise(t, StaticType.TypeError, `float() argument must be a string or a real number, not '${typeNameOf(t, op)}'`);
}

/** Registers float's and complex's slots (always the same ones, in the same order). @internal */
export function registerFloatSlots(slots: SlotRegistry): FloatSlots {
  const float = {
    hash: slots.add('hash', 'float', floatHash),
    richcompare: slots.add('richcompare', 'float', floatRichCompare),
    add: slots.add('add', 'float', floatAdd),
    subtract: slots.add('subtract', 'float', floatSub),
    multiply: slots.add('multiply', 'float', floatMul),
    trueDivide: slots.add('trueDivide', 'float', floatDiv),
    floorDivide: slots.add('floorDivide', 'float', floatFloorDiv),
    remainder: slots.add('remainder', 'float', floatRem),
    divmod: slots.add('divmod', 'float', floatDivmod),
    power: slots.add('power', 'float', floatPow),
    negative: slots.add('negative', 'float', floatNeg),
    positive: slots.add('positive', 'float', floatFloat),
    absolute: slots.add('absolute', 'float', floatAbs),
    int: slots.add('int', 'float', floatInt),
    float: slots.add('float', 'float', floatFloat),
  };
  return { float, complex: registerComplexSlots(slots) };
}
