/**
 * `complex` (`Objects/complexobject.c`, 3.13): two IEEE doubles in the
 * heap, immutable; its repr, hash, equality and number slots (+ - * / **
 * abs, unary - and +, truth) with int and float operands converted to
 * complex first (3.13 has no mixed-mode rules: `complex(1, -0.0) + 1.0`
 * is `(2+0j)`), and `PyComplex_RealAsDouble` / `ImagAsDouble`, which try
 * `__complex__` before `__float__` (3.13).
 */

import { allocObject, decref, incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { objectRichCompare, PY_EQ, PY_NE } from './abstract.js';
import { errOccurred, errNoMemory, errRaise } from './errors.js';
import { floatAsDouble, floatFromDouble, hashDouble, longAsDouble, numberAsDouble } from './float.js';
import { doubleToString, DTSF_SIGN, unicodeDecimal } from './float-format.js';
import { libmHypot, libmPow } from './float-math.js';
import { COMPLEX_IMAG_OFFSET, COMPLEX_REAL_OFFSET, StaticType, TPFLAGS_LONG_SUBCLASS } from './layout.js';
import type { ObThread, SlotKind } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strFromJs, strReprJs } from './str.js';
import { strToJs } from './str-read.js';
import { unicodeIsSpace } from './str-methods.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';

/** Whether `op` is an exact complex (`PyComplex_CheckExact`). @public */
export function complexCheckExact(t: ObThread, op: number): boolean {
  return typeOf(t, op) === t.types[StaticType.Complex];
}

/** Whether `op` is a complex or an instance of a subclass (`PyComplex_Check`). @public */
export function complexCheck(t: ObThread, op: number): boolean {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!; // SAFETY: ob_type changes only by __class__ assignment, with Atomics; a plain read sees the old or the new type
  const complex = t.types[StaticType.Complex]!;
  return type === complex || typeIsSubtype(t, type, complex);
}

/** `PyComplex_FromDoubles(real, imag)`: a new complex, or 0 with MemoryError. @public */
export function complexFromDoubles(t: ObThread, real: number, imag: number): number {
  const op = allocObject(t.rc, t.types[StaticType.Complex]!);
  if (op === 0) return errNoMemory(t);
  // SAFETY: not published yet; never changed after.
  t.f64[(op + COMPLEX_REAL_OFFSET) >>> 3] = real;
  t.f64[(op + COMPLEX_IMAG_OFFSET) >>> 3] = imag;
  return op;
}

/** `((PyComplexObject *)op)->cval.real` of a complex (or a subclass's instance). @public */
export function complexReal(t: ObThread, op: number): number {
  return t.f64[(op + COMPLEX_REAL_OFFSET) >>> 3]!; // SAFETY: written before publication, never changed after
}

/** `((PyComplexObject *)op)->cval.imag` of a complex (or a subclass's instance). @public */
export function complexImag(t: ObThread, op: number): number {
  return t.f64[(op + COMPLEX_IMAG_OFFSET) >>> 3]!; // SAFETY: written before publication, never changed after
}

// ---------------------------------------------------------------------------
// __complex__ (the VM's: a Python method, found and called by the VM).
// ---------------------------------------------------------------------------

/**
 * What the VM supplies for `__complex__` (`try_complex_special_method`'s
 * lookup and call; there is no slot for it).
 * @public
 */
export interface ComplexHooks {
  /**
   * Looks up `__complex__` on `op`'s type and calls it: its result (a new
   * reference, any type: the caller checks it), or 0 — with no exception
   * when the type has no `__complex__`, with the exception when the call
   * failed.
   */
  callComplex(t: ObThread, op: number): number;
}

/** Each thread's VM hooks (module scope is thread-local; keyed by the thread context). */
const hooksByThread = new WeakMap<ObThread, ComplexHooks>();

/** Installs the VM's `__complex__` hook for this thread. @public */
export function setComplexHooks(t: ObThread, hooks: ComplexHooks): void {
  hooksByThread.set(t, hooks);
}

/**
 * `try_complex_special_method(op)`: `op.__complex__()` when its type has
 * one — a new reference to a complex — else 0 with no exception; 0 with
 * TypeError "__complex__ returned non-complex (type float)" or the call's
 * exception. A complex subclass is accepted (CPython warns first).
 * @internal
 */
export function tryComplexSpecial(t: ObThread, op: number): number {
  const hooks = hooksByThread.get(t);
  if (hooks === undefined) return 0;
  const res = hooks.callComplex(t, op);
  if (res === 0 || complexCheck(t, res)) return res;
  errRaise(t, StaticType.TypeError, `__complex__ returned non-complex (type ${typeNameOf(t, res)})`);
  decref(t.rc, res);
  return 0;
}

/**
 * `PyComplex_RealAsDouble(op)` (3.13): a complex's real part; else
 * `__complex__()`'s; else `PyFloat_AsDouble(op)`. -1 with an exception
 * on error (check {@link errOccurred}).
 * @public
 */
export function complexRealAsDouble(t: ObThread, op: number): number {
  if (complexCheck(t, op)) return complexReal(t, op);
  const special = tryComplexSpecial(t, op);
  if (special !== 0) {
    const v = complexReal(t, special);
    decref(t.rc, special);
    return v;
  }
  if (errOccurred(t) !== 0) return -1;
  return numberAsDouble(t, op);
}

/**
 * `PyComplex_ImagAsDouble(op)` (3.13): a complex's imaginary part; else
 * `__complex__()`'s; else 0.0 once `PyFloat_AsDouble(op)` succeeded (a
 * str raises TypeError "must be real number, not str"). -1 with an
 * exception on error.
 * @public
 */
export function complexImagAsDouble(t: ObThread, op: number): number {
  if (complexCheck(t, op)) return complexImag(t, op);
  const special = tryComplexSpecial(t, op);
  if (special !== 0) {
    const v = complexImag(t, special);
    decref(t.rc, special);
    return v;
  }
  if (errOccurred(t) !== 0) return -1;
  numberAsDouble(t, op);
  return errOccurred(t) !== 0 ? -1 : 0;
}

// ---------------------------------------------------------------------------
// complex(str) (`complex_subtype_from_string`, `complex_from_string_inner`).
// ---------------------------------------------------------------------------

/** What `PyOS_string_to_double` reads at the start of the text: a decimal number, or inf/infinity/nan, with a sign. */
const FLOAT_PREFIX = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)/i;

/** The float at the start of `s` from `i`: its value and where it ends, or null when none is there. */
function floatPrefix(s: string, i: number): [number, number] | null {
  const m = FLOAT_PREFIX.exec(s.slice(i));
  if (m === null) return null;
  const text = m[0].toLowerCase();
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.replace(/^[+-]/, '');
  // Past the double range the parse gives an infinity (no overflow error here).
  const v = body.startsWith('inf') ? sign * Infinity : body === 'nan' ? NaN : Number(text);
  return [v, i + m[0].length];
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

/**
 * `complex(text)` (`complex_subtype_from_string`): `1+2j`, `(1-2.5e3J)`,
 * `j`, `-infj`, `nan`, with surrounding whitespace, Unicode decimal digits
 * and single underscores between digits; a new complex, or 0 with
 * ValueError "complex() arg is a malformed string" (or, for misplaced
 * underscores, "could not convert string to complex: '1__0'").
 * @public
 */
export function complexFromString(t: ObThread, str: number): number {
  // `_PyUnicode_TransformDecimalAndSpaceToASCII`: decimal digits to ASCII, spaces to ' ', anything else past ASCII to '?'.
  let s = '';
  for (const ch of strToJs(t, str)) {
    const c = ch.codePointAt(0)!;
    if (c < 128) s += ch;
    else if (unicodeIsSpace(c)) s += ' ';
    else {
      const d = unicodeDecimal(c);
      s += d >= 0 ? String.fromCharCode(48 + d) : '?';
    }
  }
  // `_Py_string_to_number_with_underscores`: an underscore only between two digits, then dropped.
  if (s.includes('_')) {
    let out = '';
    let prev = '';
    let ok = true;
    for (const c of s) {
      const digit = (x: string): boolean => x >= '0' && x <= '9';
      if (c === '_') {
        if (!digit(prev)) ok = false;
      } else {
        if (prev === '_' && !digit(c)) ok = false;
        out += c;
      }
      prev = c;
    }
    if (!ok || prev === '_') return errRaise(t, StaticType.ValueError, `could not convert string to complex: ${strReprJs(t, str)}`);
    s = out;
  }
  const parsed = parseComplex(s);
  if (parsed === null) return errRaise(t, StaticType.ValueError, 'complex() arg is a malformed string');
  return complexFromDoubles(t, parsed[0], parsed[1]);
}

/** `complex_from_string_inner` on ASCII text: [real, imag], or null when malformed. */
function parseComplex(s: string): [number, number] | null {
  let i = 0;
  let x = 0;
  let y = 0;
  while (isSpace(s[i])) i++;
  const bracket = s[i] === '(';
  if (bracket) {
    i++;
    while (isSpace(s[i])) i++;
  }
  const first = floatPrefix(s, i);
  const isJ = (c: string | undefined): boolean => c === 'j' || c === 'J';
  if (first !== null) {
    // <float>, <float>j, <float><signed-float>j, <float><sign>j
    i = first[1];
    if (s[i] === '+' || s[i] === '-') {
      x = first[0];
      const second = floatPrefix(s, i);
      if (second !== null) {
        y = second[0];
        i = second[1];
      } else {
        y = s[i] === '+' ? 1 : -1;
        i++;
      }
      if (!isJ(s[i])) return null;
      i++;
    } else if (isJ(s[i])) {
      y = first[0];
      i++;
    } else {
      x = first[0];
    }
  } else {
    // <sign>j or j
    if (s[i] === '+' || s[i] === '-') {
      y = s[i] === '+' ? 1 : -1;
      i++;
    } else {
      y = 1;
    }
    if (!isJ(s[i])) return null;
    i++;
  }
  while (isSpace(s[i])) i++;
  if (bracket) {
    if (s[i] !== ')') return null;
    i++;
    while (isSpace(s[i])) i++;
  }
  return i === s.length ? [x, y] : null;
}

// ---------------------------------------------------------------------------
// repr and hash
// ---------------------------------------------------------------------------

/**
 * `complex_repr`: `1j`, `(1+2j)`, `(-0-0j)`, `(nan+infj)` — the parts as
 * repr writes them without `.0`; the real part and the parentheses left
 * out when it is +0.
 * @public
 */
export function complexReprJs(real: number, imag: number): string {
  if (real === 0 && !Object.is(real, -0)) return `${doubleToString(imag, 'r', 0, 0)}j`;
  return `(${doubleToString(real, 'r', 0, 0)}${doubleToString(imag, 'r', 0, DTSF_SIGN)}j)`;
}

/** `_PyHASH_IMAG`. */
const HASH_IMAG = 1000003;

/** `complex_hash`: the real part's hash plus 1000003 × the imaginary part's, wrapping at 32 bits; never -1. @public */
export function complexHash(t: ObThread, op: number): number {
  const h = (hashDouble(op, complexReal(t, op)) + Math.imul(HASH_IMAG, hashDouble(op, complexImag(t, op)))) | 0;
  return h === -1 ? -2 : h;
}

// ---------------------------------------------------------------------------
// Arithmetic. Results come back in module-scope registers (thread-local),
// so that no call allocates an object for a pair of doubles.
// ---------------------------------------------------------------------------

/** The operand converted by {@link toComplex}. */
let opRe = 0;
let opIm = 0;
/** The result of a `_Py_c_*` helper. */
let resRe = 0;
let resIm = 0;
/** `errno` as the `_Py_c_*` helpers set it. */
let cErrno = 0;
const EDOM = 33;
const ERANGE = 34;

/** What {@link toComplex} found. */
const CONVERTED = 0;
const NOT_IMPLEMENTED = 1;
const FAILED = 2;

/** `to_complex` / `TO_COMPLEX`: `op` as (opRe, opIm); NOT_IMPLEMENTED for a type that is not complex, int or float; FAILED with OverflowError for a huge int. */
function toComplex(t: ObThread, op: number): number {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!; // SAFETY: ob_type changes only by __class__ assignment, with Atomics; a plain read sees the old or the new type
  const types = t.types;
  if (type === types[StaticType.Complex]) {
    opRe = complexReal(t, op);
    opIm = complexImag(t, op);
    return CONVERTED;
  }
  opIm = 0;
  if (type === types[StaticType.Float]) {
    opRe = floatAsDouble(t, op);
    return CONVERTED;
  }
  if (typeHasFlag(t, type, TPFLAGS_LONG_SUBCLASS)) {
    opRe = longAsDouble(t, op);
    return opRe === -1 && errOccurred(t) !== 0 ? FAILED : CONVERTED;
  }
  if (typeIsSubtype(t, type, types[StaticType.Complex]!)) {
    opRe = complexReal(t, op);
    opIm = complexImag(t, op);
    return CONVERTED;
  }
  if (typeIsSubtype(t, type, types[StaticType.Float]!)) {
    opRe = floatAsDouble(t, op);
    return CONVERTED;
  }
  return NOT_IMPLEMENTED;
}

/** The slot's answer when an operand did not convert. */
function notConverted(t: ObThread, status: number): number {
  return status === NOT_IMPLEMENTED ? t.notImplemented : 0;
}

/** `_Py_c_prod`. */
function cProd(aRe: number, aIm: number, bRe: number, bIm: number): void {
  resRe = aRe * bRe - aIm * bIm;
  resIm = aRe * bIm + aIm * bRe;
}

/** `_Py_c_quot`: Smith's division, by whichever part of the divisor is larger; EDOM for a zero divisor. */
function cQuot(aRe: number, aIm: number, bRe: number, bIm: number): void {
  const absRe = bRe < 0 ? -bRe : bRe;
  const absIm = bIm < 0 ? -bIm : bIm;
  if (absRe >= absIm) {
    if (absRe === 0) {
      cErrno = EDOM;
      resRe = resIm = 0;
    } else {
      const ratio = bIm / bRe;
      const denom = bRe + bIm * ratio;
      resRe = (aRe + aIm * ratio) / denom;
      resIm = (aIm - aRe * ratio) / denom;
    }
  } else if (absIm >= absRe) {
    const ratio = bRe / bIm;
    const denom = bRe * ratio + bIm;
    resRe = (aRe * ratio + aIm) / denom;
    resIm = (aIm * ratio - aRe) / denom;
  } else {
    resRe = resIm = NaN; // a NaN in the divisor
  }
}

/** `c_powu`: x^n for n ≥ 0 by binary powering (the multiplications CPython makes, in its order). */
function cPowu(xRe: number, xIm: number, n: number): void {
  let rRe = 1;
  let rIm = 0;
  let pRe = xRe;
  let pIm = xIm;
  for (let mask = 1; mask <= n; mask *= 2) {
    if (Math.floor(n / mask) % 2 === 1) {
      cProd(rRe, rIm, pRe, pIm);
      rRe = resRe;
      rIm = resIm;
    }
    cProd(pRe, pIm, pRe, pIm);
    pRe = resRe;
    pIm = resIm;
  }
  resRe = rRe;
  resIm = rIm;
}

/** `_Py_c_pow`: by polar form; EDOM for 0 to a negative or complex power (and, through the C library, for an infinite phase). */
function cPow(aRe: number, aIm: number, bRe: number, bIm: number): void {
  if (bRe === 0 && bIm === 0) {
    resRe = 1;
    resIm = 0;
  } else if (aRe === 0 && aIm === 0) {
    if (bIm !== 0 || bRe < 0) cErrno = EDOM;
    resRe = resIm = 0;
  } else {
    const vabs = libmHypot(aRe, aIm);
    let len = libmPow(vabs, bRe);
    const at = Math.atan2(aIm, aRe);
    let phase = at * bRe;
    if (bIm !== 0) {
      len /= Math.exp(at * bIm);
      phase += bIm * Math.log(vabs);
    }
    // glibc's cos and sin of ±inf set EDOM (complex_pow then raises its ZeroDivisionError).
    if (phase === Infinity || phase === -Infinity) cErrno = EDOM;
    resRe = len * Math.cos(phase);
    resIm = len * Math.sin(phase);
  }
}

function complexAdd(t: ObThread, v: number, w: number): number {
  let s = toComplex(t, v);
  if (s !== CONVERTED) return notConverted(t, s);
  const aRe = opRe;
  const aIm = opIm;
  s = toComplex(t, w);
  if (s !== CONVERTED) return notConverted(t, s);
  return complexFromDoubles(t, aRe + opRe, aIm + opIm);
}

function complexSub(t: ObThread, v: number, w: number): number {
  let s = toComplex(t, v);
  if (s !== CONVERTED) return notConverted(t, s);
  const aRe = opRe;
  const aIm = opIm;
  s = toComplex(t, w);
  if (s !== CONVERTED) return notConverted(t, s);
  return complexFromDoubles(t, aRe - opRe, aIm - opIm);
}

function complexMul(t: ObThread, v: number, w: number): number {
  let s = toComplex(t, v);
  if (s !== CONVERTED) return notConverted(t, s);
  const aRe = opRe;
  const aIm = opIm;
  s = toComplex(t, w);
  if (s !== CONVERTED) return notConverted(t, s);
  cProd(aRe, aIm, opRe, opIm);
  return complexFromDoubles(t, resRe, resIm);
}

function complexDiv(t: ObThread, v: number, w: number): number {
  let s = toComplex(t, v);
  if (s !== CONVERTED) return notConverted(t, s);
  const aRe = opRe;
  const aIm = opIm;
  s = toComplex(t, w);
  if (s !== CONVERTED) return notConverted(t, s);
  cErrno = 0;
  cQuot(aRe, aIm, opRe, opIm);
  if (cErrno === EDOM) return errRaise(t, StaticType.ZeroDivisionError, 'complex division by zero');
  return complexFromDoubles(t, resRe, resIm);
}

/**
 * `complex_pow` (nb_power of complex; float's `**` hands a negative base
 * with a fractional exponent here): a small integral exponent (|n| ≤ 100)
 * by repeated multiplication, any other by polar form; ValueError
 * "complex modulo" with a third argument, ZeroDivisionError "0.0 to a
 * negative or complex power", OverflowError "complex exponentiation".
 * @public
 */
export function complexPow(t: ObThread, v: number, w: number, z: number): number {
  let s = toComplex(t, v);
  if (s !== CONVERTED) return notConverted(t, s);
  const aRe = opRe;
  const aIm = opIm;
  s = toComplex(t, w);
  if (s !== CONVERTED) return notConverted(t, s);
  const bRe = opRe;
  const bIm = opIm;
  if (z !== t.none) return errRaise(t, StaticType.ValueError, 'complex modulo');
  cErrno = 0;
  if (bIm === 0 && bRe === Math.floor(bRe) && Math.abs(bRe) <= 100) {
    // c_powi
    if (bRe > 0) cPowu(aRe, aIm, bRe);
    else {
      cPowu(aRe, aIm, -bRe);
      cQuot(1, 0, resRe, resIm);
    }
  } else {
    cPow(aRe, aIm, bRe, bIm);
  }
  // _Py_ADJUST_ERANGE2: an infinite part is an overflow.
  if (resRe === Infinity || resRe === -Infinity || resIm === Infinity || resIm === -Infinity) {
    if (cErrno === 0) cErrno = ERANGE;
  } else if (cErrno === ERANGE) cErrno = 0;
  if (cErrno === EDOM) return errRaise(t, StaticType.ZeroDivisionError, '0.0 to a negative or complex power');
  if (cErrno === ERANGE) return errRaise(t, StaticType.OverflowError, 'complex exponentiation');
  return complexFromDoubles(t, resRe, resIm);
}

function complexNeg(t: ObThread, op: number): number {
  return complexFromDoubles(t, -complexReal(t, op), -complexImag(t, op));
}

function complexPos(t: ObThread, op: number): number {
  if (complexCheckExact(t, op)) {
    incref(t.rc, op);
    return op;
  }
  return complexFromDoubles(t, complexReal(t, op), complexImag(t, op));
}

/** `complex_abs` (`_Py_c_abs`): an infinite part gives inf even beside a NaN; OverflowError "absolute value too large". */
function complexAbs(t: ObThread, op: number): number {
  const re = complexReal(t, op);
  const im = complexImag(t, op);
  let result: number;
  if (!Number.isFinite(re) || !Number.isFinite(im)) {
    if (re === Infinity || re === -Infinity) result = Infinity;
    else if (im === Infinity || im === -Infinity) result = Infinity;
    else result = NaN;
  } else {
    result = libmHypot(re, im);
    if (!Number.isFinite(result)) return errRaise(t, StaticType.OverflowError, 'absolute value too large');
  }
  return floatFromDouble(t, result);
}

/** `complex_richcompare`: only `==` and `!=`; an int compares with the real part exactly when the imaginary part is 0. */
function complexRichCompare(t: ObThread, v: number, w: number, op: number): number {
  if (op !== PY_EQ && op !== PY_NE) return t.notImplemented;
  const re = complexReal(t, v);
  const im = complexImag(t, v);
  let equal: boolean;
  if (typeHasFlag(t, typeOf(t, w), TPFLAGS_LONG_SUBCLASS)) {
    if (im !== 0) equal = false;
    else {
      // The float's exact comparison with the int.
      const j = floatFromDouble(t, re);
      if (j === 0) return 0;
      const res = objectRichCompare(t, j, w, op);
      decref(t.rc, j);
      return res;
    }
  } else {
    const s = toComplex(t, w);
    if (s !== CONVERTED) return t.notImplemented;
    equal = re === opRe && im === opIm;
  }
  return equal === (op === PY_EQ) ? t.true : t.false;
}

/** Registers complex's slots (always the same ones, in the same order). @internal */
export function registerComplexSlots(slots: SlotRegistry): Partial<Record<SlotKind, number>> {
  return {
    repr: slots.add('repr', 'complex', (t, op) => strFromJs(t, complexReprJs(complexReal(t, op), complexImag(t, op)))),
    hash: slots.add('hash', 'complex', complexHash),
    richcompare: slots.add('richcompare', 'complex', complexRichCompare),
    bool: slots.add('bool', 'complex', (t, op) => (complexReal(t, op) !== 0 || complexImag(t, op) !== 0 ? 1 : 0)),
    add: slots.add('add', 'complex', complexAdd),
    subtract: slots.add('subtract', 'complex', complexSub),
    multiply: slots.add('multiply', 'complex', complexMul),
    trueDivide: slots.add('trueDivide', 'complex', complexDiv),
    power: slots.add('power', 'complex', complexPow),
    negative: slots.add('negative', 'complex', complexNeg),
    positive: slots.add('positive', 'complex', complexPos),
    absolute: slots.add('absolute', 'complex', complexAbs),
  };
}
