/**
 * The numeric builtins of `Python/bltinmodule.c`: `abs`, `divmod`, `pow`,
 * `round`, `bin`, `oct`, `hex`, `sum`, `min` and `max`, with CPython
 * 3.13's argument checking and messages. The arithmetic itself is the
 * number protocol of @ft/objects; `sum` keeps CPython's three phases
 * (exact ints in a machine word, exact floats with Neumaier's compensated
 * summation, then `+`), because which phase adds an item changes the
 * result of float sums.
 */

import {
  callNoArgs,
  callOneArg,
  checkPositional,
  errOccurred,
  errRaise,
  floatAsDouble,
  floatCheckExact,
  floatFromDouble,
  intAsBigInt,
  intCheckExact,
  intCompactValue,
  intFromBigInt,
  intFromNumber,
  intIsCompact,
  intToString,
  iterNext,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_O,
  numberBinaryOp,
  numberIndex,
  numberPower,
  numberUnaryOp,
  objectGetIter,
  objectRichCompareBool,
  objectTypeCheck,
  PY_GT,
  PY_LT,
  StaticType,
  typeNameOf,
  typeOf,
  unpackKeywords,
  type ArgSpec,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import type { FunctionDef } from '../modules/module-def.js';
import { argAt, lookupSpecial } from './special-lookup.js';

/** `builtin_abs` (METH_O): `PyNumber_Absolute`. */
export function builtinAbs(t: ObThread, _self: number, args: number): number {
  return numberUnaryOp(t, argAt(t, args, 0), 'absolute');
}

/** `builtin_divmod` (`divmod(x, y, /)`): `PyNumber_Divmod`. */
export function builtinDivmod(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'divmod', nargs, 2, 2)) return 0;
  return numberBinaryOp(t, argAt(t, args, 0), argAt(t, args, 1), 'divmod');
}

const POW_SPEC: ArgSpec = { fname: 'pow', posonly: 0, names: ['base', 'exp', 'mod'], minpos: 2, maxpos: 3 };

/** `builtin_pow` (`pow(base, exp, mod=None)`): `PyNumber_Power`. */
export function builtinPow(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  const out: number[] = [];
  if (!unpackKeywords(t, POW_SPEC, args, nargs, kwnames, out)) return 0;
  return numberPower(t, out[0]!, out[1]!, out[2] || t.none);
}

const ROUND_SPEC: ArgSpec = { fname: 'round', posonly: 0, names: ['number', 'ndigits'], minpos: 1, maxpos: 2 };

/** `builtin_round` (`round(number, ndigits=None)`): the number's `__round__`, looked up on its type. */
export function builtinRound(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  const out: number[] = [];
  if (!unpackKeywords(t, ROUND_SPEC, args, nargs, kwnames, out)) return 0;
  const number = out[0]!;
  const ndigits = out[1]!;
  const round = lookupSpecial(t, number, '__round__');
  if (round === 0) {
    if (errOccurred(t) === 0) errRaise(t, StaticType.TypeError, `type ${typeNameOf(t, number)} doesn't define __round__ method`);
    return 0;
  }
  const result = ndigits === 0 || ndigits === t.none ? callNoArgs(t, round) : callOneArg(t, round, ndigits);
  decref(t.rc, round);
  return result;
}

/** `PyNumber_ToBase(n, base)`: `n.__index__()` in base 2, 8 or 16 with its prefix. */
function numberToBase(t: ObThread, n: number, base: 2 | 8 | 16): number {
  const index = numberIndex(t, n);
  if (index === 0) return 0;
  const text = intToString(t, index, base);
  decref(t.rc, index);
  return text;
}

/** `builtin_bin` (METH_O): `'-0b101'`. */
export function builtinBin(t: ObThread, _self: number, args: number): number {
  return numberToBase(t, argAt(t, args, 0), 2);
}

/** `builtin_oct` (METH_O): `'0o10'`. */
export function builtinOct(t: ObThread, _self: number, args: number): number {
  return numberToBase(t, argAt(t, args, 0), 8);
}

/** `builtin_hex` (METH_O): `'-0xff'`. */
export function builtinHex(t: ObThread, _self: number, args: number): number {
  return numberToBase(t, argAt(t, args, 0), 16);
}

const SUM_SPEC: ArgSpec = { fname: 'sum', posonly: 1, names: ['start'], minpos: 1, maxpos: 2 };

/** C `long` of a 64-bit build: the range of `sum`'s integer phase. */
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);
/** Below this magnitude a JavaScript number adds compact ints exactly. */
const EXACT_NUMBER_LIMIT = 2 ** 52;

/**
 * `PyLong_AsLongAndOverflow` for an int (or subclass) object: its value
 * when it fits a C long, else null.
 */
function intAsLong(t: ObThread, op: number): bigint | null {
  const v = intIsCompact(t, op) ? BigInt(intCompactValue(t, op)) : intAsBigInt(t, op);
  return v > LONG_MAX || v < LONG_MIN ? null : v;
}

/** `result + item` through the number protocol, releasing both. */
function addConsuming(t: ObThread, result: number, item: number): number {
  const sum = numberBinaryOp(t, result, item, 'add');
  decref(t.rc, result);
  decref(t.rc, item);
  return sum;
}

/**
 * `builtin_sum_impl` (`sum(iterable, /, start=0)`): the integer phase
 * (exact ints and bools in a C long), the float phase (exact floats with
 * compensation, ints that fit a C long added as doubles), then `+`; each
 * phase hands over when an item does not fit it.
 */
export function builtinSum(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  const out: number[] = [];
  if (!unpackKeywords(t, SUM_SPEC, args, nargs, kwnames, out)) return 0;
  const it = objectGetIter(t, out[0]!);
  if (it === 0) return 0;
  let result = out[1]!;
  if (result === 0) {
    result = intFromNumber(t, 0);
  } else {
    // Strings, bytes and bytearrays have a join that does not copy quadratically.
    const refusal = objectTypeCheck(t, result, t.types[StaticType.Str]!)
      ? "sum() can't sum strings [use ''.join(seq) instead]"
      : objectTypeCheck(t, result, t.types[StaticType.Bytes]!)
        ? "sum() can't sum bytes [use b''.join(seq) instead]"
        : objectTypeCheck(t, result, t.types[StaticType.ByteArray]!)
          ? "sum() can't sum bytearray [use b''.join(seq) instead]"
          : null;
    if (refusal !== null) {
      decref(t.rc, it);
      return errRaise(t, StaticType.TypeError, refusal);
    }
    incref(t.rc, result);
  }
  const state: SumState = { result, done: false };
  if (sumInts(t, it, state) && !state.done && floatCheckExact(t, state.result)) sumFloats(t, it, state);
  if (state.result !== 0 && !state.done) sumGeneric(t, it, state);
  decref(t.rc, it);
  return state.result;
}

/** A sum in progress: the object so far (owned; 0 after an error), and whether the iterator ran out. */
interface SumState {
  result: number;
  done: boolean;
}

/**
 * The integer phase: while the sum and the items are exact ints (or
 * bools) and the running total fits a C long. Leaves in `state` the
 * object the next phase continues from, or the total when the iterator
 * ran out; false with the exception set.
 */
function sumInts(t: ObThread, it: number, state: SumState): boolean {
  const result = state.result;
  if (!intCheckExact(t, result)) return true;
  const start = intAsLong(t, result);
  if (start === null) return true; // already past a C long: `+` from the start
  decref(t.rc, result);
  state.result = 0;
  // The total as a number while small (the common case), as a bigint past that.
  let small = Number(start);
  let big: bigint | null = Math.abs(small) < EXACT_NUMBER_LIMIT ? null : start;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      if (errOccurred(t) !== 0) return false;
      state.result = big === null ? intFromNumber(t, small) : intFromBigInt(t, big);
      state.done = true;
      return state.result !== 0;
    }
    if (intCheckExact(t, item) || typeOf(t, item) === t.types[StaticType.Bool]) {
      if (big === null && intIsCompact(t, item)) {
        const b = intCompactValue(t, item);
        const next = small + b;
        if (Math.abs(next) < EXACT_NUMBER_LIMIT) {
          small = next;
          decref(t.rc, item);
          continue;
        }
      }
      const total = big ?? BigInt(small);
      const b = intAsLong(t, item);
      if (b !== null && (total >= 0n ? b <= LONG_MAX - total : b >= LONG_MIN - total)) {
        big = total + b;
        decref(t.rc, item);
        continue;
      }
    }
    // Not an int, or the total would leave a C long: the objects again, and `+`.
    const partial = big === null ? intFromNumber(t, small) : intFromBigInt(t, big);
    if (partial === 0) {
      decref(t.rc, item);
      return false;
    }
    state.result = addConsuming(t, partial, item);
    return state.result !== 0;
  }
}

/**
 * The float phase (Neumaier's improvement of Kahan–Babuška summation, as
 * CPython 3.12+): exact floats with compensation, int items that fit a C
 * long added as doubles. As {@link sumInts}.
 */
function sumFloats(t: ObThread, it: number, state: SumState): boolean {
  let sum = floatAsDouble(t, state.result);
  let c = 0;
  decref(t.rc, state.result);
  state.result = 0;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      if (errOccurred(t) !== 0) return false;
      // Adding a zero compensation would lose the sign of -0.0; an infinite one would make a NaN.
      if (c !== 0 && Number.isFinite(c)) sum += c;
      state.result = floatFromDouble(t, sum);
      state.done = true;
      return state.result !== 0;
    }
    if (floatCheckExact(t, item)) {
      const x = floatAsDouble(t, item);
      const s = sum + x;
      if (Math.abs(sum) >= Math.abs(x)) c += sum - s + x;
      else c += x - s + sum;
      sum = s;
      decref(t.rc, item);
      continue;
    }
    if (objectTypeCheck(t, item, t.types[StaticType.Int]!)) {
      const v = intAsLong(t, item);
      if (v !== null) {
        sum += Number(v);
        decref(t.rc, item);
        continue;
      }
    }
    if (c !== 0 && Number.isFinite(c)) sum += c;
    const partial = floatFromDouble(t, sum);
    if (partial === 0) {
      decref(t.rc, item);
      return false;
    }
    state.result = addConsuming(t, partial, item);
    return state.result !== 0;
  }
}

/** The last phase: `result = result + item` for the rest (never in place: `sum(lists, start)` must not change `start`). */
function sumGeneric(t: ObThread, it: number, state: SumState): void {
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      if (errOccurred(t) !== 0) {
        decref(t.rc, state.result);
        state.result = 0;
      }
      return;
    }
    state.result = addConsuming(t, state.result, item);
    if (state.result === 0) return;
  }
}

const MIN_SPEC: ArgSpec = { fname: 'min', posonly: 0, names: ['key', 'default'], minpos: 0, maxpos: 0 };
const MAX_SPEC: ArgSpec = { fname: 'max', posonly: 0, names: ['key', 'default'], minpos: 0, maxpos: 0 };

/**
 * `min_max`: the least (`PY_LT`) or greatest (`PY_GT`) of the arguments,
 * or of the one iterable; the first of equal ones wins. `key` and
 * `default` are keyword-only.
 */
function minMax(t: ObThread, args: number, nargs: number, kwnames: number, op: typeof PY_LT | typeof PY_GT): number {
  const name = op === PY_LT ? 'min' : 'max';
  if (nargs === 0) return errRaise(t, StaticType.TypeError, `${name} expected at least 1 argument, got 0`);
  let keyfunc = 0;
  let dflt = 0;
  if (kwnames !== 0) {
    const out: number[] = [];
    if (!unpackKeywords(t, op === PY_LT ? MIN_SPEC : MAX_SPEC, args + nargs * 4, 0, kwnames, out)) return 0;
    keyfunc = out[0]!;
    dflt = out[1]!;
  }
  const positional = nargs > 1;
  if (positional && dflt !== 0) return errRaise(t, StaticType.TypeError, `Cannot specify a default for ${name}() with multiple positional arguments`);
  let it = 0;
  if (!positional) {
    it = objectGetIter(t, argAt(t, args, 0));
    if (it === 0) return 0;
  }
  if (keyfunc === t.none) keyfunc = 0;
  let bestItem = 0;
  let bestVal = 0;
  let failed = false;
  for (let i = 0; ; i++) {
    let item: number;
    if (it === 0) {
      if (i >= nargs) break;
      item = argAt(t, args, i);
      incref(t.rc, item);
    } else {
      item = iterNext(t, it);
      if (item === 0) {
        failed = errOccurred(t) !== 0;
        break;
      }
    }
    let val = item;
    if (keyfunc !== 0) {
      val = callOneArg(t, keyfunc, item);
      if (val === 0) {
        decref(t.rc, item);
        failed = true;
        break;
      }
    } else {
      incref(t.rc, item);
    }
    if (bestVal === 0) {
      bestItem = item;
      bestVal = val;
      continue;
    }
    const cmp = objectRichCompareBool(t, val, bestVal, op);
    if (cmp > 0) {
      decref(t.rc, bestVal);
      decref(t.rc, bestItem);
      bestVal = val;
      bestItem = item;
      continue;
    }
    decref(t.rc, item);
    decref(t.rc, val);
    if (cmp < 0) {
      failed = true;
      break;
    }
  }
  if (it !== 0) decref(t.rc, it);
  if (bestVal !== 0) decref(t.rc, bestVal);
  if (failed) {
    if (bestItem !== 0) decref(t.rc, bestItem);
    return 0;
  }
  if (bestItem !== 0) return bestItem;
  if (dflt !== 0) {
    incref(t.rc, dflt);
    return dflt;
  }
  return errRaise(t, StaticType.ValueError, `${name}() iterable argument is empty`);
}

/** `builtin_min` (`min(iterable, *[, default=obj, key=func])`, `min(arg1, arg2, *args, *[, key=func])`). */
export function builtinMin(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  return minMax(t, args, nargs, kwnames, PY_LT);
}

/** `builtin_max`: as {@link builtinMin}, the greatest. */
export function builtinMax(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  return minMax(t, args, nargs, kwnames, PY_GT);
}

/** The numeric builtins' `PyMethodDef`s, in `builtin_methods` order. */
export const NUMERIC_FUNCTIONS: readonly FunctionDef[] = [
  { name: 'abs', flags: METH_O, fn: builtinAbs },
  { name: 'bin', flags: METH_O, fn: builtinBin },
  { name: 'divmod', flags: METH_FASTCALL, fn: builtinDivmod },
  { name: 'hex', flags: METH_O, fn: builtinHex },
  { name: 'max', flags: METH_FASTCALL | METH_KEYWORDS, fn: builtinMax },
  { name: 'min', flags: METH_FASTCALL | METH_KEYWORDS, fn: builtinMin },
  { name: 'oct', flags: METH_O, fn: builtinOct },
  { name: 'pow', flags: METH_FASTCALL | METH_KEYWORDS, fn: builtinPow },
  { name: 'round', flags: METH_FASTCALL | METH_KEYWORDS, fn: builtinRound },
  { name: 'sum', flags: METH_FASTCALL | METH_KEYWORDS, fn: builtinSum },
];
