/**
 * The Python-visible methods, getsets and constructors of `int` and
 * `bool` (`long_methods`, `long_getset`, `long_new`, `bool_new` of
 * `Objects/longobject.c` and `Objects/boolobject.c`), over int.ts,
 * int-format.ts and int-arith.ts.
 *
 * `int(x=0, /, base=10)`: `PyNumber_Long(x)`, or a str parsed in `base`;
 * `bool(x=False, /)`: `PyObject_IsTrue(x)`. `to_bytes` and `from_bytes`
 * wait for the bytes type.
 */

import { decref } from '@ft/refcount';
import { numberAsSsize, numberIndex, numberLong } from './abstract-number.js';
import { objectIsTrue } from './abstract.js';
import { checkPositional, isStr, noKeywords, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { dictSize } from './dict.js';
import { errOccurred, errRaise } from './errors.js';
import { intRound } from './int-arith.js';
import { intBitCount, intBitLength, intFromString } from './int-format.js';
import { intAsBigInt, intCopy, intFromNumber, smallInt } from './int.js';
import { StaticType } from './layout.js';
import { arg, boolResult, FASTCALL, MethodTable, NOARGS, type BuiltinTypeAdditions, type MethodFn } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strToJs } from './str-read.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';

const INT: ArgSpec = { fname: 'int', posonly: 1, names: ['base'], minpos: 0, maxpos: 2 };

/** This thread's scratch for parsed arguments. */
const parsed: number[] = [];

/** `long_long`: an exact int of the value (itself when exact). */
const asInt: MethodFn = (t, self) => intCopy(t, self);

/** `long_new_impl(type, x, base)`: 0, `int(x)`, or a str parsed in `base`; 0 with CPython's errors. */
function intNewImpl(t: ObThread, x: number, base: number): number {
  if (x === 0) {
    if (base !== 0) return errRaise(t, StaticType.TypeError, 'int() missing string argument');
    return smallInt(t, 0);
  }
  if (base === 0) return numberLong(t, x);
  const b = numberAsSsize(t, base, null);
  if (b === -1 && errOccurred(t) !== 0) return 0;
  if ((b !== 0 && b < 2) || b > 36) return errRaise(t, StaticType.ValueError, 'int() base must be >= 2 and <= 36, or 0');
  if (isStr(t, x)) return intFromString(t, strToJs(t, x), b);
  return errRaise(t, StaticType.TypeError, "int() can't convert non-string with explicit base");
}

/** Registers int's methods, getsets and constructor; returns them for int's spec. @internal */
export function registerIntMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'int')
    .method('conjugate', NOARGS, asInt)
    .method('bit_length', NOARGS, (t, self) => intFromNumber(t, intBitLength(t, self)))
    .method('bit_count', NOARGS, (t, self) => intFromNumber(t, intBitCount(t, self)))
    .method('as_integer_ratio', NOARGS, (t, self) => {
      const n = intCopy(t, self);
      if (n === 0) return 0;
      const r = tupleFromArray(t, [n, smallInt(t, 1)]);
      decref(t.rc, n);
      return r;
    })
    .method('is_integer', NOARGS, (t) => boolResult(t, true))
    .method('__trunc__', NOARGS, asInt)
    .method('__floor__', NOARGS, asInt)
    .method('__ceil__', NOARGS, asInt)
    .method('__round__', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, '__round__', nargs, 0, 1)) return 0;
      if (nargs === 0 || arg(t, args, 0) === t.none) return intCopy(t, self);
      const ndigits = numberIndex(t, arg(t, args, 0));
      if (ndigits === 0) return 0;
      const n = intAsBigInt(t, ndigits);
      decref(t.rc, ndigits);
      return intRound(t, self, n);
    })
    .method('__getnewargs__', NOARGS, (t, self) => {
      const n = intCopy(t, self);
      if (n === 0) return 0;
      const r = tupleFromArray(t, [n]);
      decref(t.rc, n);
      return r;
    })
    .getset('real', (t, self) => intCopy(t, self))
    .getset('imag', (t) => smallInt(t, 0))
    .getset('numerator', (t, self) => intCopy(t, self))
    .getset('denominator', (t) => smallInt(t, 1));

  // `long_vectorcall` counts positional arguments itself; with keywords, `long_new`'s clinic parser.
  const newId = slots.add('new', 'int', (t, _type, args, kwargs) => {
    if (kwargs === 0 || dictSize(t, kwargs) === 0) {
      const n = tupleSize(t, args);
      if (!checkPositional(t, 'int', n, 0, 2)) return 0;
      return intNewImpl(t, n > 0 ? tupleGetItem(t, args, 0) : 0, n > 1 ? tupleGetItem(t, args, 1) : 0);
    }
    if (!unpackKeywordsTuple(t, INT, args, kwargs, parsed)) return 0;
    return intNewImpl(t, parsed[0]!, parsed[1]!);
  });
  return table.done({ new: newId });
}

/** Registers bool's constructor; returns it for bool's spec. @internal */
export function registerBoolMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  // `bool_vectorcall` / `bool_new`: `bool(x=False, /)`.
  const newId = slots.add('new', 'bool', (t, _type, args, kwargs) => {
    if (!noKeywords(t, 'bool', kwargs)) return 0;
    const n = tupleSize(t, args);
    if (!checkPositional(t, 'bool', n, 0, 1)) return 0;
    if (n === 0) return t.false;
    const truth = objectIsTrue(t, tupleGetItem(t, args, 0));
    return truth < 0 ? 0 : boolResult(t, truth === 1);
  });
  return { slots: { new: newId } };
}
