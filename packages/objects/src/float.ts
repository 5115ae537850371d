/**
 * `float` (`Objects/floatobject.c`): an immutable IEEE double in the heap.
 * This file holds the object, its `repr`, and the conversions of other
 * objects to a double (`PyFloat_AsDouble`, `PyLong_AsDouble`);
 * arithmetic (float-arith.ts), formatting and parsing (float-format.ts)
 * build on it.
 */

import { allocObject, decref, freeListPop, freeListPush, freeObject, initObject, OB_TYPE_OFFSET } from '@ft/refcount';
import { typeSlot } from './abstract.js';
import { numberIndex } from './abstract-number.js';
import { errNoMemory, errRaise } from './errors.js';
import { intAsBigInt, intAsNumber, intCheckExact, intCompactValue, intDigitCount } from './int.js';
import { FLOAT_VALUE_OFFSET, HASH_MODULUS, StaticType, TPFLAGS_LONG_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';

/** Whether `op` is an exact float (`PyFloat_CheckExact`). @public */
export function floatCheckExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Float];
}

/** Whether `op` is a float or an instance of a subclass of float (`PyFloat_Check`). @public */
export function floatCheck(t: ObThread, op: number): boolean {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!; // SAFETY: ob_type changes only by __class__ assignment, with Atomics; a plain read sees the old or the new type
  const float = t.types[StaticType.Float]!;
  return type === float || typeIsSubtype(t, type, float);
}

export { FLOAT_FREELIST_MAX } from './free-lists.js';

/**
 * `PyFloat_FromDouble(v)`: a new float, or 0 with MemoryError. A float the
 * thread freed before is reused first (CPython's per-thread free list):
 * only its header is written again.
 * @public
 */
export function floatFromDouble(t: ObThread, v: number): number {
  let op = freeListPop(t.floatFreeList);
  if (op !== 0) {
    initObject(t.rc, op, t.types[StaticType.Float]!);
  } else {
    op = allocObject(t.rc, t.types[StaticType.Float]!);
    if (op === 0) return errNoMemory(t);
  }
  t.f64[(op + FLOAT_VALUE_OFFSET) >>> 3] = v; // SAFETY: not published yet; never changed after
  return op;
}

/**
 * `float_dealloc`: an exact float goes to the thread's free list while it
 * has room (the block stays allocated, for {@link floatFromDouble}); a
 * subclass's instance and the overflow are freed. The owner's last
 * `decref` of a float it never shared puts it there itself
 * (`@ft/refcount`'s free lists); this runs for the rest.
 * @internal
 */
export function floatDealloc(t: ObThread, op: number): void {
  // SAFETY: op is dead: its header is this thread's to read.
  if (!freeListPush(t.floatFreeList, t.u32, op, t.u32[(op + OB_TYPE_OFFSET) >>> 2]!)) freeObject(t.rc, op);
}

/** Frees the thread's free-listed floats (`_PyObject_ClearFreeLists`): when it leaves the runtime. @internal */
export function floatClearFreeList(t: ObThread): void {
  for (let op = freeListPop(t.floatFreeList); op !== 0; op = freeListPop(t.floatFreeList)) freeObject(t.rc, op);
}

/** `PyFloat_AS_DOUBLE(op)` of a float (or a float subclass's instance). @public */
export function floatAsDouble(t: ObThread, op: number): number {
  return t.f64[(op + FLOAT_VALUE_OFFSET) >>> 3]!; // SAFETY: written before publication, never changed after
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

/**
 * `PyLong_AsDouble(op)` of an int (any int subclass, bool too): the
 * nearest double, ties to even (one rounding, as CPython's), or -1 with
 * OverflowError "int too large to convert to float" when it rounds past
 * the largest double. Check {@link errOccurred} after a -1.
 * @public
 */
export function longAsDouble(t: ObThread, op: number): number {
  const n = intDigitCount(t, op);
  // Two 30-bit digits: hi * 2^30 is exact, so adding lo rounds once.
  if (n <= 2) return n <= 1 ? intCompactValue(t, op) : intAsNumber(t, op);
  // Number(bigint) rounds to nearest, ties to even, and gives ±Infinity
  // exactly when CPython's _PyLong_Frexp overflows (a value that rounds up to
  // 2^1024); 36 digits are past 2^1050, so those need no conversion to know it.
  const v = n >= 36 ? Infinity : Number(intAsBigInt(t, op));
  if (v === Infinity || v === -Infinity) {
    errRaise(t, StaticType.OverflowError, 'int too large to convert to float');
    return -1;
  }
  return v;
}

/**
 * `PyFloat_AsDouble(op)`: a float's value; else `__float__` (`nb_float`,
 * whose result must be a float: TypeError "X.__float__ returned non-float
 * (type Y)"), else `__index__` and {@link longAsDouble}; else TypeError
 * "must be real number, not str". -1 with the exception on error (check
 * {@link errOccurred}).
 * @public
 */
export function numberAsDouble(t: ObThread, op: number): number {
  const type = typeOf(t, op);
  if (type === t.types[StaticType.Float]) return floatAsDouble(t, op);
  if (intCheckExact(t, op)) return longAsDouble(t, op);
  if (floatCheck(t, op)) return floatAsDouble(t, op);
  const nbFloat = typeSlot(t, type, 'float');
  if (nbFloat === null) {
    if (typeSlot(t, type, 'index') !== null || typeHasFlag(t, type, TPFLAGS_LONG_SUBCLASS)) {
      const index = numberIndex(t, op);
      if (index === 0) return -1;
      const v = longAsDouble(t, index);
      decref(t.rc, index);
      return v;
    }
    errRaise(t, StaticType.TypeError, `must be real number, not ${typeNameOf(t, op)}`);
    return -1;
  }
  const res = nbFloat(t, op);
  if (res === 0) return -1;
  // A float subclass is accepted (CPython warns with a DeprecationWarning first).
  if (!floatCheck(t, res)) {
    errRaise(t, StaticType.TypeError, `${typeNameOf(t, op)}.__float__ returned non-float (type ${typeNameOf(t, res)})`);
    decref(t.rc, res);
    return -1;
  }
  const v = floatAsDouble(t, res);
  decref(t.rc, res);
  return v;
}

/** The bits of a double being hashed (module scope: thread-local). */
const hashScratch = new Float64Array(1);
const hashWords = new Uint32Array(hashScratch.buffer);

/**
 * `_Py_HashDouble(inst, v)` of a 32-bit build: a finite value's hash is
 * the rational number's residue modulo 2^31 - 1 with its sign (so an
 * integral float hashes as the int), ±inf hash to ±314159, and a NaN by
 * the identity of the object `inst` that holds it (3.10+). Never -1.
 * @public
 */
export function hashDouble(inst: number, v: number): number {
  if (v !== v) {
    // `_Py_HashPointer`: the address rotated by 4 bits (its low bits are always 0).
    const h = ((inst >>> 4) | (inst << 28)) | 0;
    return h === -1 ? -2 : h;
  }
  if (v === Infinity) return 314159;
  if (v === -Infinity) return -314159;
  if (v === 0) return 0;
  // |v| = m · 2^e with a 53-bit integer m; 2^31 ≡ 1 (mod 2^31 - 1), so 2^e ≡ 2^(e mod 31).
  hashScratch[0] = v;
  const hi = hashWords[1]!;
  const biased = (hi >>> 20) & 0x7ff;
  let m = (hi & 0xfffff) * 0x100000000 + hashWords[0]!;
  let e = -1074;
  if (biased !== 0) {
    m += 2 ** 52;
    e = biased - 1075;
  }
  const x = m % HASH_MODULUS; // exact: fmod of doubles
  const k = ((e % 31) + 31) % 31;
  // x · 2^k mod (2^31 - 1): a rotation left by k within 31 bits.
  const r = (((x << k) & 0x7fffffff) | (x >>> (31 - k))) >>> 0;
  const h = v < 0 ? -r : r;
  return h === -1 ? -2 : h;
}
