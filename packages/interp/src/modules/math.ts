/**
 * The `math` module (CPython's `Modules/mathmodule.c`), with CPython
 * 3.13's results and messages: a NaN from a non-NaN argument is
 * ValueError "math domain error", an infinity from a finite one
 * OverflowError "math range error" (or the domain error at a
 * singularity), the integer functions (`isqrt`, `gcd`, `factorial`,
 * `comb`, …) exact over big ints, and `fsum`, `hypot`, `dist`, `fma`,
 * `remainder`, `ldexp` exact as CPython's are.
 *
 * The transcendental functions are JavaScript's `Math` (V8's fdlibm
 * ports) where CPython calls the C library: those agree with glibc to
 * within an ulp, and most of the time exactly (the tests measure how
 * often). `pow` and `exp2` go through float's own `**`, which is
 * correctly rounded but for about one input in a million; `erf`/`erfc`
 * are glibc's approximations (math-erf.ts); `gamma`/`lgamma` CPython's
 * Lanczos (math-float.ts).
 */

import {
  callNoArgs,
  checkPositional,
  errClear,
  errExceptionMatches,
  errOccurred,
  errRaise,
  floatAsDouble,
  floatCheckExact,
  floatFromDouble,
  intAsBigInt,
  intCheckExact,
  intFromBigInt,
  intFromNumber,
  iterNext,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_O,
  moduleDict,
  numberAsDouble,
  numberBinaryOp,
  numberIndex,
  numberLong,
  numberPower,
  objectGetIter,
  smallInt,
  StaticType,
  TPFLAGS_LONG_SUBCLASS,
  tupleFromArray,
  typeHasFlag,
  typeNameOf,
  typeOf,
  unpackKeywords,
  type ArgSpec,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { dictSetItemStr } from './dict-util.js';
import { lookupSpecial } from './lookup-special.js';
import { erf, erfc } from './math-erf.js';
import {
  copySign,
  doubleToScaled,
  cbrt,
  ExactSum,
  fmaFinite,
  frexp,
  fromOrderedBits,
  gamma,
  ldexp,
  lgamma,
  nextAfter,
  orderedBits,
  remainder,
  roundScaled,
  bigBitLength,
  vectorNorm,
  type Errno,
} from './math-float.js';
import type { FunctionDef, ModuleDef } from './module-def.js';

const DOMAIN = 'math domain error';
const RANGE = 'math range error';
/** `LLONG_MAX`, the bound of factorial's and comb's arguments. */
const LLONG_MAX = 2n ** 63n - 1n;

function arg(t: ObThread, args: number, i: number): number {
  return t.u32[(args >>> 2) + i]!;
}

/** `PyFloat_AsDouble` (with `ASSIGN_DOUBLE`'s fast paths): the value, or null with the exception set. */
function asDouble(t: ObThread, op: number): number | null {
  const v = numberAsDouble(t, op);
  return v === -1 && errOccurred(t) !== 0 ? null : v;
}

function newFloat(t: ObThread, v: number): number {
  return floatFromDouble(t, v);
}

/**
 * `math_1`: a one-argument C function with CPython's error rules (a NaN
 * from a non-NaN: domain error; an infinity from a finite argument:
 * range error when `canOverflow`, else a singularity, domain error).
 */
function math1(name: string, fn: (x: number) => number, canOverflow: boolean): FunctionDef {
  return {
    name,
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      const r = fn(x);
      if (Number.isNaN(r) && !Number.isNaN(x)) return errRaise(t, StaticType.ValueError, DOMAIN);
      if (!Number.isFinite(r) && !Number.isNaN(r) && Number.isFinite(x)) {
        return errRaise(t, canOverflow ? StaticType.OverflowError : StaticType.ValueError, canOverflow ? RANGE : DOMAIN);
      }
      return newFloat(t, r);
    },
  };
}

/** `math_1a`: a function that reports its own errno (gamma, lgamma, erf, erfc). */
function math1a(name: string, fn: (x: number, t: ObThread) => Errno): FunctionDef {
  return {
    name,
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      const { value, errno } = fn(x, t);
      if (errno === 'EDOM') return errRaise(t, StaticType.ValueError, DOMAIN);
      // ERANGE: an overflow raises, an underflow (|r| < 1.5) does not.
      if (errno === 'ERANGE' && Math.abs(value) >= 1.5) return errRaise(t, StaticType.OverflowError, RANGE);
      return newFloat(t, value);
    },
  };
}

/** `math_2`: a two-argument C function (NaN from non-NaNs: domain error; inf from finites: range error). */
function math2(name: string, fn: (x: number, y: number) => number): FunctionDef {
  return {
    name,
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, name, nargs, 2, 2)) return 0;
      const x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      const y = asDouble(t, arg(t, args, 1));
      if (y === null) return 0;
      return finish2(t, x, y, fn(x, y));
    },
  };
}

function finish2(t: ObThread, x: number, y: number, r: number): number {
  if (Number.isNaN(r)) {
    if (!Number.isNaN(x) && !Number.isNaN(y)) return errRaise(t, StaticType.ValueError, DOMAIN);
  } else if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) {
    return errRaise(t, StaticType.OverflowError, RANGE);
  }
  return newFloat(t, r);
}

/**
 * The C library's `pow` for finite x, y whose result is real: float's
 * `**` (correctly rounded but for about one input in a million), with an
 * overflow as ±inf. null with an exception other than overflow.
 */
function libmPow(t: ObThread, x: number, y: number): number | null {
  const fx = newFloat(t, x);
  if (fx === 0) return null;
  const fy = newFloat(t, y);
  if (fy === 0) {
    decref(t.rc, fx);
    return null;
  }
  const r = numberPower(t, fx, fy, t.none);
  decref(t.rc, fx);
  decref(t.rc, fy);
  if (r === 0) {
    if (!errExceptionMatches(t, t.types[StaticType.OverflowError]!)) return null;
    errClear(t);
    const oddInteger = Number.isInteger(y) && Math.abs(y % 2) === 1;
    return x < 0 && oddInteger ? -Infinity : Infinity;
  }
  const v = floatAsDouble(t, r);
  decref(t.rc, r);
  return v;
}

/** `math.pow(x, y)`: C99 Annex F for the special values, then libm pow. */
function mathPow(t: ObThread, x: number, y: number): number | null {
  let r: number;
  let errno: 'EDOM' | 'ERANGE' | null = null;
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    if (Number.isNaN(x)) r = y === 0 ? 1 : x;
    else if (Number.isNaN(y)) r = x === 1 ? 1 : y;
    else if (!Number.isFinite(x)) {
      const oddY = Number.isFinite(y) && Math.abs(y) % 2 === 1;
      if (y > 0) r = oddY ? x : Math.abs(x);
      else if (y === 0) r = 1;
      else r = oddY ? copySign(0, x) : 0;
    } else if (Math.abs(x) === 1) r = 1;
    else if ((y > 0 && Math.abs(x) > 1) || (y < 0 && Math.abs(x) < 1)) r = Math.abs(y);
    else r = 0;
  } else if (x === 0 && y < 0) {
    errno = 'EDOM'; // 0 ** negative: a singularity
    r = 0;
  } else if (x < 0 && !Number.isInteger(y)) {
    errno = 'EDOM'; // a negative base with a fractional exponent: not real
    r = 0;
  } else if (y === 0 || x === 1) {
    r = 1;
  } else {
    const p = libmPow(t, x, y);
    if (p === null) return null;
    r = p;
    if (!Number.isFinite(r)) errno = 'ERANGE';
  }
  if (errno === 'EDOM') {
    errRaise(t, StaticType.ValueError, DOMAIN);
    return null;
  }
  if (errno === 'ERANGE') {
    errRaise(t, StaticType.OverflowError, RANGE);
    return null;
  }
  return r;
}

/** An int argument as a bigint (`PyNumber_Index`), or null with the exception set. */
function indexBig(t: ObThread, op: number): bigint | null {
  const index = numberIndex(t, op);
  if (index === 0) return null;
  const v = intAsBigInt(t, index);
  decref(t.rc, index);
  return v;
}

function bigGcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** ⌊√n⌋ for n ≥ 0 (Newton's iteration from above). */
function bigIsqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bigBitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** lo·(lo+1)·…·(hi−1) by halves, so that the big multiplications are balanced. */
function rangeProduct(lo: bigint, hi: bigint): bigint {
  const n = hi - lo;
  if (n <= 0n) return 1n;
  if (n <= 16n) {
    let p = 1n;
    for (let i = lo; i < hi; i++) p *= i;
    return p;
  }
  const mid = lo + n / 2n;
  return rangeProduct(lo, mid) * rangeProduct(mid, hi);
}

/**
 * `loghelper`: log of an int (however big: from its leading bits and its
 * bit length) or of a double, with the domain error for x ≤ 0.
 */
function logOf(t: ObThread, op: number, fn: (x: number) => number): number | null {
  if (typeHasFlag(t, typeOf(t, op), TPFLAGS_LONG_SUBCLASS)) {
    const n = intAsBigInt(t, op);
    if (n <= 0n) {
      errRaise(t, StaticType.ValueError, DOMAIN);
      return null;
    }
    const v = Number(n);
    if (Number.isFinite(v)) return fn(v);
    // Too big for a double: log(m·2^e) = log(m) + e·log(2), m in [0.5, 1).
    const e = bigBitLength(n);
    let m = roundScaled(n, -e);
    let exp = e;
    if (m === 1) {
      m = 0.5;
      exp += 1;
    }
    return fn(m) + fn(2) * exp;
  }
  const x = asDouble(t, op);
  if (x === null) return null;
  if (Number.isNaN(x)) return x;
  if (x <= 0) {
    errRaise(t, StaticType.ValueError, DOMAIN);
    return null;
  }
  return fn(x);
}

function logFunction(name: string, fn: (x: number) => number): FunctionDef {
  return {
    name,
    flags: METH_O,
    fn: (t, _self, args) => {
      const r = logOf(t, arg(t, args, 0), fn);
      return r === null ? 0 : newFloat(t, r);
    },
  };
}

/** `PyLong_FromDouble`: OverflowError for infinities, ValueError for NaN (float's own `__int__`). */
function intFromDouble(t: ObThread, v: number): number {
  const f = newFloat(t, v);
  if (f === 0) return 0;
  const r = numberLong(t, f);
  decref(t.rc, f);
  return r;
}

/** `math.floor` / `math.ceil`: a float directly; else the type's `__floor__`/`__ceil__`; else through float. */
function rounding(name: 'floor' | 'ceil', round: (x: number) => number): FunctionDef {
  return {
    name,
    flags: METH_O,
    fn: (t, _self, args) => {
      const op = arg(t, args, 0);
      if (!floatCheckExact(t, op)) {
        const method = lookupSpecial(t, op, `__${name}__`);
        if (method !== 0) {
          const r = callNoArgs(t, method);
          decref(t.rc, method);
          return r;
        }
        if (errOccurred(t) !== 0) return 0;
      }
      const x = asDouble(t, op);
      return x === null ? 0 : intFromDouble(t, round(x));
    },
  };
}

/** Each iterated item in turn (borrowed for the call); false when iteration or `each` failed. */
function forEachItem(t: ObThread, iterable: number, each: (item: number) => boolean): boolean {
  const it = objectGetIter(t, iterable);
  if (it === 0) return false;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      decref(t.rc, it);
      return errOccurred(t) === 0;
    }
    const ok = each(item);
    decref(t.rc, item);
    if (!ok) {
      decref(t.rc, it);
      return false;
    }
  }
}

/** The items of an iterable as new references (`PySequence_Tuple`), or null with the exception set. */
function collect(t: ObThread, iterable: number): number[] | null {
  const items: number[] = [];
  const ok = forEachItem(t, iterable, (item) => {
    incref(t.rc, item);
    items.push(item);
    return true;
  });
  if (!ok) {
    for (const item of items) decref(t.rc, item);
    return null;
  }
  return items;
}

function releaseAll(t: ObThread, items: readonly number[]): void {
  for (const item of items) decref(t.rc, item);
}

const PROD_SPEC: ArgSpec = { fname: 'prod', posonly: 1, names: ['start'], minpos: 1, maxpos: 1 };
const ISCLOSE_SPEC: ArgSpec = { fname: 'isclose', posonly: 0, names: ['a', 'b', 'rel_tol', 'abs_tol'], minpos: 2, maxpos: 2 };
const NEXTAFTER_SPEC: ArgSpec = { fname: 'nextafter', posonly: 2, names: ['steps'], minpos: 2, maxpos: 2 };

function isInt(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_LONG_SUBCLASS);
}

const FUNCTIONS: FunctionDef[] = [
  math1('acos', Math.acos, false),
  math1('acosh', Math.acosh, false),
  math1('asin', Math.asin, false),
  math1('asinh', Math.asinh, false),
  math1('atan', Math.atan, false),
  math2('atan2', Math.atan2),
  math1('atanh', Math.atanh, false),
  math1('cbrt', cbrt, false),
  rounding('ceil', Math.ceil),
  math2('copysign', copySign),
  math1('cos', Math.cos, false),
  math1('cosh', Math.cosh, true),
  {
    name: 'degrees',
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      return x === null ? 0 : newFloat(t, x * (180 / Math.PI));
    },
  },
  {
    name: 'dist',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'dist', nargs, 2, 2)) return 0;
      const p = collect(t, arg(t, args, 0));
      if (p === null) return 0;
      const q = collect(t, arg(t, args, 1));
      if (q === null) {
        releaseAll(t, p);
        return 0;
      }
      try {
        if (p.length !== q.length) return errRaise(t, StaticType.ValueError, 'both points must have the same number of dimensions');
        const diffs: number[] = [];
        let max = 0;
        let foundNaN = false;
        for (let i = 0; i < p.length; i++) {
          const px = asDouble(t, p[i]!);
          if (px === null) return 0;
          const qx = asDouble(t, q[i]!);
          if (qx === null) return 0;
          const d = Math.abs(px - qx);
          diffs.push(d);
          foundNaN ||= Number.isNaN(d);
          if (d > max) max = d;
        }
        return newFloat(t, vectorNorm(diffs, max, foundNaN));
      } finally {
        releaseAll(t, p);
        releaseAll(t, q);
      }
    },
  },
  math1a('erf', (x) => ({ value: erf(x), errno: null })),
  math1a('erfc', (x) => ({ value: erfc(x), errno: null })),
  math1('exp', Math.exp, true),
  {
    name: 'exp2',
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      let r: number;
      if (Number.isNaN(x)) r = x;
      else if (x === Infinity) r = x;
      else if (x === -Infinity) r = 0;
      else {
        const p = libmPow(t, 2, x);
        if (p === null) return 0;
        r = p;
      }
      if (!Number.isFinite(r) && Number.isFinite(x)) return errRaise(t, StaticType.OverflowError, RANGE);
      return newFloat(t, r);
    },
  },
  math1('expm1', Math.expm1, true),
  math1('fabs', Math.abs, false),
  {
    name: 'factorial',
    flags: METH_O,
    fn: (t, _self, args) => {
      const n = indexBig(t, arg(t, args, 0));
      if (n === null) return 0;
      if (n > LLONG_MAX) return errRaise(t, StaticType.OverflowError, `factorial() argument should not exceed ${LLONG_MAX}`);
      if (n < 0n) return errRaise(t, StaticType.ValueError, 'factorial() not defined for negative values');
      return intFromBigInt(t, rangeProduct(2n, n + 1n));
    },
  },
  rounding('floor', Math.floor),
  {
    name: 'fma',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'fma', nargs, 3, 3)) return 0;
      const xyz: number[] = [];
      for (let i = 0; i < 3; i++) {
        const v = asDouble(t, arg(t, args, i));
        if (v === null) return 0;
        xyz.push(v);
      }
      const [x, y, z] = xyz as [number, number, number];
      let r: number;
      if (Number.isFinite(x) && Number.isFinite(y)) r = Number.isFinite(z) ? fmaFinite(x, y, z) : z;
      else r = x * y + z; // an infinite or NaN product is exact
      if (!Number.isFinite(r)) {
        if (Number.isNaN(r)) {
          if (!Number.isNaN(x) && !Number.isNaN(y) && !Number.isNaN(z)) return errRaise(t, StaticType.ValueError, 'invalid operation in fma');
        } else if (Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z)) {
          return errRaise(t, StaticType.OverflowError, 'overflow in fma');
        }
      }
      return newFloat(t, r);
    },
  },
  math2('fmod', (x, y) => (!Number.isFinite(y) && !Number.isNaN(y) && Number.isFinite(x) ? x : x % y)),
  {
    name: 'frexp',
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      const [m, e] = frexp(x);
      const mant = newFloat(t, m);
      if (mant === 0) return 0;
      const exp = intFromNumber(t, e);
      if (exp === 0) {
        decref(t.rc, mant);
        return 0;
      }
      const r = tupleFromArray(t, [mant, exp]);
      decref(t.rc, mant);
      decref(t.rc, exp);
      return r;
    },
  },
  {
    name: 'fsum',
    flags: METH_O,
    fn: (t, _self, args) => {
      const sum = new ExactSum();
      const ok = forEachItem(t, arg(t, args, 0), (item) => {
        const x = asDouble(t, item);
        if (x === null) return false;
        if (!sum.add(x)) {
          errRaise(t, StaticType.OverflowError, 'intermediate overflow in fsum');
          return false;
        }
        return true;
      });
      if (!ok) return 0;
      const r = sum.result();
      if (typeof r === 'string') return errRaise(t, StaticType.ValueError, r);
      return newFloat(t, r);
    },
  },
  math1a('gamma', (x, t) => gamma(x, (a, b) => libmPow(t, a, b) ?? NaN)),
  {
    name: 'gcd',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      let g = 0n;
      for (let i = 0; i < nargs; i++) {
        const v = indexBig(t, arg(t, args, i));
        if (v === null) return 0;
        g = bigGcd(g, v);
      }
      return intFromBigInt(t, g);
    },
  },
  {
    name: 'hypot',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      const coords: number[] = [];
      let max = 0;
      let foundNaN = false;
      for (let i = 0; i < nargs; i++) {
        const x = asDouble(t, arg(t, args, i));
        if (x === null) return 0;
        const a = Math.abs(x);
        coords.push(a);
        foundNaN ||= Number.isNaN(a);
        if (a > max) max = a;
      }
      return newFloat(t, vectorNorm(coords, max, foundNaN));
    },
  },
  {
    name: 'isclose',
    flags: METH_FASTCALL | METH_KEYWORDS,
    fn: (t, _self, args, nargs, kwnames) => {
      const out: number[] = [];
      if (!unpackKeywords(t, ISCLOSE_SPEC, args, nargs, kwnames, out)) return 0;
      const values: number[] = [];
      const defaults = [0, 0, 1e-9, 0];
      for (let i = 0; i < 4; i++) {
        if (out[i] === 0) {
          values.push(defaults[i]!);
          continue;
        }
        const v = asDouble(t, out[i]!);
        if (v === null) return 0;
        values.push(v);
      }
      const [a, b, relTol, absTol] = values as [number, number, number, number];
      if (relTol < 0 || absTol < 0) return errRaise(t, StaticType.ValueError, 'tolerances must be non-negative');
      let close: boolean;
      if (a === b) close = true;
      else if (a === Infinity || a === -Infinity || b === Infinity || b === -Infinity) close = false;
      else {
        const diff = Math.abs(b - a);
        close = diff <= Math.abs(relTol * b) || diff <= Math.abs(relTol * a) || diff <= absTol;
      }
      return close ? t.true : t.false;
    },
  },
  {
    name: 'isfinite',
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      return x === null ? 0 : Number.isFinite(x) ? t.true : t.false;
    },
  },
  {
    name: 'isinf',
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      return x === null ? 0 : x === Infinity || x === -Infinity ? t.true : t.false;
    },
  },
  {
    name: 'isnan',
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      return x === null ? 0 : Number.isNaN(x) ? t.true : t.false;
    },
  },
  {
    name: 'isqrt',
    flags: METH_O,
    fn: (t, _self, args) => {
      const n = indexBig(t, arg(t, args, 0));
      if (n === null) return 0;
      if (n < 0n) return errRaise(t, StaticType.ValueError, 'isqrt() argument must be nonnegative');
      return intFromBigInt(t, bigIsqrt(n));
    },
  },
  {
    name: 'lcm',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      let l = 1n;
      for (let i = 0; i < nargs; i++) {
        const v = indexBig(t, arg(t, args, i));
        if (v === null) return 0;
        if (l === 0n) continue; // still checked: every argument must be an int
        if (v === 0n) l = 0n;
        else {
          const a = v < 0n ? -v : v;
          l = (l / bigGcd(l, a)) * a;
        }
      }
      return intFromBigInt(t, l);
    },
  },
  {
    name: 'ldexp',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'ldexp', nargs, 2, 2)) return 0;
      const x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      const i = arg(t, args, 1);
      if (!isInt(t, i)) return errRaise(t, StaticType.TypeError, 'Expected an int as second argument to ldexp.');
      const big = intAsBigInt(t, i);
      let r: number;
      if (x === 0 || !Number.isFinite(x)) r = x;
      else if (big > 2147483647n) return errRaise(t, StaticType.OverflowError, RANGE);
      else if (big < -2147483648n) r = copySign(0, x);
      else {
        r = ldexp(x, Number(big));
        if (!Number.isFinite(r)) return errRaise(t, StaticType.OverflowError, RANGE);
      }
      return newFloat(t, r);
    },
  },
  math1a('lgamma', lgamma),
  {
    name: 'log',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'log', nargs, 1, 2)) return 0;
      const num = logOf(t, arg(t, args, 0), Math.log);
      if (num === null) return 0;
      if (nargs === 1) return newFloat(t, num);
      const den = logOf(t, arg(t, args, 1), Math.log);
      if (den === null) return 0;
      if (den === 0) return errRaise(t, StaticType.ZeroDivisionError, 'float division by zero');
      return newFloat(t, num / den);
    },
  },
  logFunction('log10', Math.log10),
  math1('log1p', Math.log1p, false),
  logFunction('log2', Math.log2),
  {
    name: 'modf',
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      let frac: number;
      let whole: number;
      if (Number.isNaN(x)) [frac, whole] = [x, x];
      else if (!Number.isFinite(x)) [frac, whole] = [copySign(0, x), x];
      else {
        whole = Math.trunc(x);
        frac = copySign(x - whole, x); // −2.0 gives (−0.0, −2.0), as C's modf
      }
      const a = newFloat(t, frac);
      if (a === 0) return 0;
      const b = newFloat(t, whole);
      if (b === 0) {
        decref(t.rc, a);
        return 0;
      }
      const r = tupleFromArray(t, [a, b]);
      decref(t.rc, a);
      decref(t.rc, b);
      return r;
    },
  },
  {
    name: 'nextafter',
    flags: METH_FASTCALL | METH_KEYWORDS,
    fn: (t, _self, args, nargs, kwnames) => {
      const out: number[] = [];
      if (!unpackKeywords(t, NEXTAFTER_SPEC, args, nargs, kwnames, out)) return 0;
      const x = asDouble(t, out[0]!);
      if (x === null) return 0;
      const y = asDouble(t, out[1]!);
      if (y === null) return 0;
      const stepsArg = out[2] ?? 0;
      if (stepsArg === 0 || stepsArg === t.none) return newFloat(t, nextAfter(x, y));
      const steps = indexBig(t, stepsArg);
      if (steps === null) return 0;
      if (steps < 0n) return errRaise(t, StaticType.ValueError, 'steps must be a non-negative integer');
      if (steps === 0n || Number.isNaN(x)) return newFloat(t, x);
      if (Number.isNaN(y)) return newFloat(t, y);
      const ox = orderedBits(x);
      const oy = orderedBits(y);
      if (Object.is(x, y)) return newFloat(t, x);
      const distance = oy > ox ? oy - ox : ox - oy;
      if (distance <= steps) return newFloat(t, y);
      const o = oy > ox ? ox + steps : ox - steps;
      return newFloat(t, o === 0n ? copySign(0, x) : fromOrderedBits(o));
    },
  },
  {
    name: 'perm',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'perm', nargs, 1, 2)) return 0;
      const n = indexBig(t, arg(t, args, 0));
      if (n === null) return 0;
      if (nargs === 1 || arg(t, args, 1) === t.none) {
        if (n > LLONG_MAX) return errRaise(t, StaticType.OverflowError, `factorial() argument should not exceed ${LLONG_MAX}`);
        if (n < 0n) return errRaise(t, StaticType.ValueError, 'factorial() not defined for negative values');
        return intFromBigInt(t, rangeProduct(2n, n + 1n));
      }
      const k = indexBig(t, arg(t, args, 1));
      if (k === null) return 0;
      if (n < 0n) return errRaise(t, StaticType.ValueError, 'n must be a non-negative integer');
      if (k < 0n) return errRaise(t, StaticType.ValueError, 'k must be a non-negative integer');
      if (k > n) return smallInt(t, 0);
      if (k > LLONG_MAX) return errRaise(t, StaticType.OverflowError, `k must not exceed ${LLONG_MAX}`);
      return intFromBigInt(t, rangeProduct(n - k + 1n, n + 1n));
    },
  },
  {
    name: 'comb',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'comb', nargs, 2, 2)) return 0;
      const n = indexBig(t, arg(t, args, 0));
      if (n === null) return 0;
      const k0 = indexBig(t, arg(t, args, 1));
      if (k0 === null) return 0;
      if (n < 0n) return errRaise(t, StaticType.ValueError, 'n must be a non-negative integer');
      if (k0 < 0n) return errRaise(t, StaticType.ValueError, 'k must be a non-negative integer');
      if (k0 > n) return smallInt(t, 0);
      const k = n - k0 < k0 ? n - k0 : k0;
      if (k > LLONG_MAX) return errRaise(t, StaticType.OverflowError, `min(n - k, k) must not exceed ${LLONG_MAX}`);
      return intFromBigInt(t, rangeProduct(n - k + 1n, n + 1n) / rangeProduct(2n, k + 1n));
    },
  },
  {
    name: 'pow',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'pow', nargs, 2, 2)) return 0;
      const x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      const y = asDouble(t, arg(t, args, 1));
      if (y === null) return 0;
      const r = mathPow(t, x, y);
      return r === null ? 0 : newFloat(t, r);
    },
  },
  {
    name: 'prod',
    flags: METH_FASTCALL | METH_KEYWORDS,
    fn: (t, _self, args, nargs, kwnames) => {
      const out: number[] = [];
      if (!unpackKeywords(t, PROD_SPEC, args, nargs, kwnames, out)) return 0;
      let result = out[1] ? out[1] : smallInt(t, 1);
      incref(t.rc, result);
      const ok = forEachItem(t, out[0]!, (item) => {
        const next = numberBinaryOp(t, result, item, 'multiply');
        decref(t.rc, result);
        result = next;
        return next !== 0;
      });
      if (!ok) {
        if (result !== 0) decref(t.rc, result);
        return 0;
      }
      return result;
    },
  },
  {
    name: 'radians',
    flags: METH_O,
    fn: (t, _self, args) => {
      const x = asDouble(t, arg(t, args, 0));
      return x === null ? 0 : newFloat(t, x * (Math.PI / 180));
    },
  },
  math2('remainder', remainder),
  math1('sin', Math.sin, false),
  math1('sinh', Math.sinh, true),
  math1('sqrt', Math.sqrt, false),
  {
    name: 'sumprod',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'sumprod', nargs, 2, 2)) return 0;
      return sumprod(t, arg(t, args, 0), arg(t, args, 1));
    },
  },
  math1('tan', Math.tan, false),
  math1('tanh', Math.tanh, false),
  {
    name: 'trunc',
    flags: METH_O,
    fn: (t, _self, args) => {
      const op = arg(t, args, 0);
      if (floatCheckExact(t, op)) return numberLong(t, op);
      const method = lookupSpecial(t, op, '__trunc__');
      if (method === 0) {
        if (errOccurred(t) !== 0) return 0;
        return errRaise(t, StaticType.TypeError, `type ${typeNameOf(t, op)} doesn't define __trunc__ method`);
      }
      const r = callNoArgs(t, method);
      decref(t.rc, method);
      return r;
    },
  },
  {
    name: 'ulp',
    flags: METH_O,
    fn: (t, _self, args) => {
      let x = asDouble(t, arg(t, args, 0));
      if (x === null) return 0;
      if (Number.isNaN(x)) return newFloat(t, x);
      x = Math.abs(x);
      if (x === Infinity) return newFloat(t, x);
      if (x === Number.MAX_VALUE) return newFloat(t, x - nextAfter(x, -Infinity));
      return newFloat(t, nextAfter(x, Infinity) - x);
    },
  },
];

/**
 * `math.sumprod(p, q)`: Σ p[i]·q[i]. Ints only: exact, an int. Floats
 * and ints: the exact sum of the exact products rounded once (CPython
 * keeps it in triple-length floats, within 2^-100 or so of this). Other
 * types: `+` and `*` in order from int 0.
 */
function sumprod(t: ObThread, pIter: number, qIter: number): number {
  const p = collect(t, pIter);
  if (p === null) return 0;
  const q = collect(t, qIter);
  if (q === null) {
    releaseAll(t, p);
    return 0;
  }
  try {
    if (p.length !== q.length) return errRaise(t, StaticType.ValueError, 'Inputs are not the same length');
    const all = [...p, ...q];
    const numeric = all.every((v) => floatCheckExact(t, v) || intCheckExact(t, v) || typeOf(t, v) === t.types[StaticType.Bool]);
    if (numeric) {
      const anyFloat = all.some((v) => floatCheckExact(t, v));
      if (!anyFloat) {
        let total = 0n;
        for (let i = 0; i < p.length; i++) total += intAsBigInt(t, p[i]!) * intAsBigInt(t, q[i]!);
        return intFromBigInt(t, total);
      }
      const terms: [bigint, number][] = [];
      let special = 0;
      let exact = true;
      for (let i = 0; i < p.length; i++) {
        const a = asDouble(t, p[i]!);
        if (a === null) return 0;
        const b = asDouble(t, q[i]!);
        if (b === null) return 0;
        // CPython adds the products as doubles once one is not finite
        // (an overflowing product too: 1e308·10 − 1e308·10 is nan).
        const product = a * b;
        special += product;
        if (!Number.isFinite(product)) {
          exact = false;
          continue;
        }
        const [ma, ea] = doubleToScaled(a);
        const [mb, eb] = doubleToScaled(b);
        terms.push([ma * mb, ea + eb]);
      }
      if (!exact) return newFloat(t, special);
      if (terms.length === 0) return newFloat(t, 0);
      const e = Math.min(...terms.map(([, te]) => te));
      let total = 0n;
      for (const [m, te] of terms) total += m << BigInt(te - e);
      return newFloat(t, roundScaled(total, e));
    }
    let total = smallInt(t, 0);
    for (let i = 0; i < p.length; i++) {
      const product = numberBinaryOp(t, p[i]!, q[i]!, 'multiply');
      if (product === 0) {
        decref(t.rc, total);
        return 0;
      }
      const next = numberBinaryOp(t, total, product, 'add');
      decref(t.rc, product);
      decref(t.rc, total);
      if (next === 0) return 0;
      total = next;
    }
    return total;
  } finally {
    releaseAll(t, p);
    releaseAll(t, q);
  }
}

/** `math`: the functions above and the constants pi, e, tau, inf, nan. */
export const MATH_MODULE: ModuleDef = {
  name: 'math',
  doc: 'This module provides access to the mathematical functions\ndefined by the C standard.',
  functions: FUNCTIONS,
  exec: (t, module) => {
    const dict = moduleDict(t, module);
    for (const [name, value] of [
      ['pi', Math.PI],
      ['e', Math.E],
      ['tau', 2 * Math.PI],
      ['inf', Infinity],
      ['nan', NaN],
    ] as const) {
      const f = newFloat(t, value);
      if (f === 0) return -1;
      const rc = dictSetItemStr(t, dict, name, f);
      decref(t.rc, f);
      if (rc < 0) return -1;
    }
    return 0;
  },
};
