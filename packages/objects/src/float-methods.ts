/**
 * `float`'s Python-visible methods, getsets and constructor
 * (`float_methods`, `float_getset`, `float_new` of
 * `Objects/floatobject.c`), over float.ts, float-arith.ts and
 * float-format.ts.
 *
 * `float(x=0.0, /)` is `PyNumber_Float(x)` (a str parsed, `__float__`,
 * `__index__`; bytes and bytearrays read as text). `float.hex` and
 * `float.fromhex` are float-hex.ts's.
 */

import { decref } from '@ft/refcount';
import { numberLong } from './abstract-number.js';
import { badArgument, checkPositional, isStr, noKeywords } from './arg-parse.js';
import { floatAsIntegerRatio, floatIsInteger, floatRound, numberFloat } from './float-arith.js';
import { floatFormat, floatFromString } from './float-format.js';
import { floatAsDouble, floatCheckExact, floatFromDouble } from './float.js';
import { bytesNumberText, parseQuoting } from './int-methods.js';
import { callOneArg } from './call.js';
import { errRaise } from './errors.js';
import { floatFromHexJs, floatHexJs } from './float-hex.js';
import { StaticType } from './layout.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { arg, CLASS, FASTCALL, MethodTable, newRef, NOARGS, ONE_ARG, type BuiltinTypeAdditions, type MethodFn } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';

/** `float_float`: an exact float of the value (itself when exact). */
function asFloat(t: ObThread, self: number): number {
  return floatCheckExact(t, self) ? newRef(t, self) : floatFromDouble(t, floatAsDouble(t, self));
}

/** `math.floor` / `math.ceil` of the value as an int (`float___floor___impl`): OverflowError for an infinity, ValueError for a NaN. */
function rounded(round: (x: number) => number): MethodFn {
  return (t, self) => {
    const f = floatFromDouble(t, round(floatAsDouble(t, self)));
    if (f === 0) return 0;
    const r = numberLong(t, f);
    decref(t.rc, f);
    return r;
  };
}

/**
 * `float.fromhex(string)` (`float_fromhex`): the value of the hexadecimal
 * text, `cls(value)` for a subclass; TypeError "bad argument type for
 * built-in operation" for anything but a str, ValueError / OverflowError
 * as float-hex.ts decides.
 */
function fromHex(t: ObThread, cls: number, string: number): number {
  if (!isStr(t, string)) return errRaise(t, StaticType.TypeError, 'bad argument type for built-in operation');
  const parsed = floatFromHexJs(strToJs(t, string));
  if ('error' in parsed) {
    return parsed.error === 'overflow'
      ? errRaise(t, StaticType.OverflowError, 'hexadecimal value too large to represent as a float')
      : errRaise(t, StaticType.ValueError, 'invalid hexadecimal floating-point string');
  }
  const result = floatFromDouble(t, parsed.value);
  if (result === 0 || cls === t.types[StaticType.Float]) return result;
  const r = callOneArg(t, cls, result);
  decref(t.rc, result);
  return r;
}

/** Registers float's methods, getsets and constructor; returns them for float's spec. @internal */
export function registerFloatMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'float')
    .method('conjugate', NOARGS, (t, self) => asFloat(t, self))
    .method('is_integer', NOARGS, (t, self) => floatIsInteger(t, self))
    .method('as_integer_ratio', NOARGS, (t, self) => floatAsIntegerRatio(t, self))
    .method('__trunc__', NOARGS, (t, self) => numberLong(t, self))
    .method('__floor__', NOARGS, rounded(Math.floor))
    .method('__ceil__', NOARGS, rounded(Math.ceil))
    .method('__round__', FASTCALL, (t, self, args, nargs) => {
      if (!checkPositional(t, '__round__', nargs, 0, 1)) return 0;
      return floatRound(t, self, nargs === 0 ? 0 : arg(t, args, 0));
    })
    .method('__getnewargs__', NOARGS, (t, self) => {
      const f = asFloat(t, self);
      if (f === 0) return 0;
      const r = tupleFromArray(t, [f]);
      decref(t.rc, f);
      return r;
    })
    .method('__format__', ONE_ARG, (t, self, args) => {
      const spec = arg(t, args, 0);
      if (!isStr(t, spec)) return badArgument(t, '__format__', null, 'str', spec);
      return floatFormat(t, self, spec);
    })
    .method('hex', NOARGS, (t, self) => strFromJs(t, floatHexJs(floatAsDouble(t, self))))
    .method('fromhex', CLASS | ONE_ARG, (t, cls, args) => fromHex(t, cls, arg(t, args, 0)))
    .method('__getformat__', CLASS | ONE_ARG, (t, _cls, args) => {
      const typestr = arg(t, args, 0);
      if (!isStr(t, typestr)) return badArgument(t, '__getformat__', null, 'str', typestr);
      const name = strToJs(t, typestr);
      if (name !== 'double' && name !== 'float') return errRaise(t, StaticType.ValueError, "__getformat__() argument 1 must be 'double' or 'float'");
      return strFromJs(t, 'IEEE, little-endian');
    })
    .getset('real', (t, self) => asFloat(t, self))
    .getset('imag', (t) => floatFromDouble(t, 0));

  // `float_vectorcall` / `float_new_impl`.
  const newId = slots.add('new', 'float', (t, _type, args, kwargs) => {
    if (!noKeywords(t, 'float', kwargs)) return 0;
    const n = tupleSize(t, args);
    if (!checkPositional(t, 'float', n, 0, 1)) return 0;
    if (n === 0) return floatFromDouble(t, 0);
    // `PyFloat_FromString` reads bytes and bytearrays as text.
    const x = tupleGetItem(t, args, 0);
    const bytesText = bytesNumberText(t, x);
    if (bytesText === null) return numberFloat(t, x);
    return parseQuoting(t, () => floatFromString(t, bytesText.text), 'could not convert string to float: ', bytesText.repr);
  });
  return table.done({ new: newId });
}
