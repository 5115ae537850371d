/**
 * `float` (`Objects/floatobject.c`): an immutable IEEE double in the heap.
 * This file holds the object and its `repr`; arithmetic, formatting and
 * rounding build on it.
 */

import { allocObject, OB_TYPE_OFFSET } from '@ft/refcount';
import { errNoMemory } from './errors.js';
import { FLOAT_VALUE_OFFSET, StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';

/** Whether `op` is an exact float (`PyFloat_CheckExact`). @public */
export function floatCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Float];
}

/** `PyFloat_FromDouble(v)`: a new float, or 0 with MemoryError. @public */
export function floatFromDouble(t: ObThread, v: number): number {
  const op = allocObject(t.rc, t.types[StaticType.Float]!);
  if (op === 0) return errNoMemory(t);
  t.f64[(op + FLOAT_VALUE_OFFSET) >>> 3] = v; // SAFETY: not published yet; never changed after
  return op;
}

/** `PyFloat_AS_DOUBLE(op)` of a float (or a float subclass's instance). @public */
export function floatAsDouble(t: ObThread, op: number): number {
  return t.f64[(op + FLOAT_VALUE_OFFSET) >>> 3]!;
}

/**
 * `float_repr` (`PyOS_double_to_string(v, 'r', 0, Py_DTSF_ADD_DOT_0)`): the
 * shortest digits that read back as `v` — JavaScript's shortest
 * round-trip digits are the same digits — laid out as CPython lays them
 * out: positional while the decimal point falls between 4 places left of
 * the first digit and 16 places right of it (`1e-05`, `0.0001`,
 * `1000000000000000.0`, `1e+16`), with `.0` on integral values, a
 * two-digit exponent at least, and `inf`, `-inf`, `nan`.
 * @public
 */
export function floatReprJs(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  // "d.ddde±x": the shortest round-trip digits and the exponent of the first one.
  const exponential = Math.abs(v).toExponential();
  const e = exponential.indexOf('e');
  const digits = exponential.slice(0, e).replace('.', '');
  const decpt = Number(exponential.slice(e + 1)) + 1; // where the decimal point falls, counted from the first digit
  const sign = v < 0 ? '-' : '';
  if (decpt <= -4 || decpt > 16) {
    const exp = decpt - 1;
    const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}
