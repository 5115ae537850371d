/**
 * Arithmetic and comparisons on unboxed numbers for the eval loop's fast
 * paths (the bodies CPython's specialized `BINARY_OP_*` and `COMPARE_OP_*`
 * forms run): compact ints (`_PyLong_IsCompact`, exact in doubles below
 * 2**53) and floats, and the float result that reuses a dying operand.
 */

import { FLOAT_VALUE_OFFSET as FLOAT_VALUE, floatFromDouble, type ObThread } from '@ft/objects';
import { decref, isUniquelyReferenced } from '@ft/refcount';

/**
 * The float result `r` of an operation on floats `lhs` and `rhs`, whose
 * references it consumes (`DECREF_INPUTS_AND_REUSE_FLOAT` of CPython
 * 3.12–3.13): an operand this thread holds the only reference to becomes
 * the result in place, which saves an allocation and a deallocation per
 * operation; otherwise a new float. 0 without memory (the operands kept).
 */
export function floatResult(t: ObThread, lhs: number, rhs: number, r: number): number {
  const rc = t.rc;
  if (isUniquelyReferenced(rc, lhs)) {
    t.f64[(lhs + FLOAT_VALUE) >>> 3] = r;
    decref(rc, rhs);
    return lhs;
  }
  if (isUniquelyReferenced(rc, rhs)) {
    t.f64[(rhs + FLOAT_VALUE) >>> 3] = r;
    decref(rc, lhs);
    return rhs;
  }
  const res = floatFromDouble(t, r);
  if (res === 0) return 0;
  decref(rc, rhs);
  decref(rc, lhs);
  return res;
}

/**
 * `BINARY_OP` (plain or in-place oparg) on the values `a` and `b` of two
 * compact ints: the result, exact (|a|, |b| < 2**30), or NaN where the
 * general path must run (a product past 2**53, division by zero — its
 * ZeroDivisionError — and the operators not done here: shifts, powers,
 * true division, matrix multiplication).
 */
export function compactIntOp(oparg: number, a: number, b: number): number {
  switch (oparg) {
    case 0: // +
    case 13:
      return a + b;
    case 10: // -
    case 23:
      return a - b;
    case 5: // *
    case 18: {
      const r = a * b;
      return r <= 9007199254740991 && r >= -9007199254740991 ? r : NaN;
    }
    case 1: // &
    case 14:
      return a & b;
    case 7: // |
    case 20:
      return a | b;
    case 12: // ^
    case 25:
      return a ^ b;
    case 2: // //
    case 15:
      return b === 0 ? NaN : Math.floor(a / b);
    case 6: // %
    case 19:
      return b === 0 ? NaN : a - Math.floor(a / b) * b;
    default:
      return NaN;
  }
}

/** `BINARY_OP` on two floats for + - * (NaN from others: the general path, with its ZeroDivisionError and pow rules). */
export function floatOp(oparg: number, a: number, b: number): number {
  switch (oparg) {
    case 0:
    case 13:
      return a + b;
    case 10:
    case 23:
      return a - b;
    case 5:
    case 18:
      return a * b;
    case 11: // /
    case 24:
      return b === 0 ? NaN : a / b;
    default:
      return NaN;
  }
}

/** A rich comparison of two numbers (Py_LT … Py_GE). */
export function compareNumbers(cmp: number, a: number, b: number): boolean {
  switch (cmp) {
    case 0:
      return a < b;
    case 1:
      return a <= b;
    case 2:
      return a === b;
    case 3:
      return a !== b;
    case 4:
      return a > b;
    default:
      return a >= b;
  }
}
