/**
 * The Python-visible methods, getsets and constructors of `int` and
 * `bool` (`long_methods`, `long_getset`, `long_new`, `bool_new` of
 * `Objects/longobject.c` and `Objects/boolobject.c`), over int.ts,
 * int-format.ts and int-arith.ts.
 *
 * `int(x=0, /, base=10)`: `PyNumber_Long(x)`, or a str parsed in `base`;
 * `bool(x=False, /)`: `PyObject_IsTrue(x)`. `to_bytes` / `from_bytes`
 * convert through bytes objects (bytes.ts), `__format__` is
 * format-builtin.ts's.
 */

import { decref } from '@ft/refcount';
import { numberAsSsize, numberIndex, numberLong } from './abstract-number.js';
import { objectIsTrue } from './abstract.js';
import { badArgument, boolArg, checkPositional, cStringArg, isStr, noKeywords, ssizeArg, unpackKeywords, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { objectCheckBuffer } from './buffer.js';
import { byteArrayReprJs, byteArrayToJs } from './bytearray.js';
import { bytesCheck, bytesFromBytes, bytesFromObject, bytesReprJs, bytesToJs } from './bytes.js';
import { callOneArg } from './call.js';
import { intFormat } from './format-builtin.js';
import { dictSize } from './dict.js';
import { subtypeFromExact } from './heap-type.js';
import { errExceptionMatches, errFetch, errNoMemory, errOccurred, errRaise } from './errors.js';
import { intRound } from './int-arith.js';
import { intBitCount, intBitLength, intFromBytes, intFromString, intToBytes } from './int-format.js';
import { intAsBigInt, intCopy, intFromNumber, smallInt } from './int.js';
import { BYTES_MAX_SIZE, StaticType } from './layout.js';
import { arg, boolResult, CLASS, FASTCALL, FASTCALL_KEYWORDS, MethodTable, NOARGS, ONE_ARG, type BuiltinTypeAdditions, type MethodFn } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { strToJs } from './str-read.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';

const INT: ArgSpec = { fname: 'int', posonly: 1, names: ['base'], minpos: 0, maxpos: 2 };
const TO_BYTES: ArgSpec = { fname: 'to_bytes', posonly: 0, names: ['length', 'byteorder', 'signed'], minpos: 0, maxpos: 2 };
const FROM_BYTES: ArgSpec = { fname: 'from_bytes', posonly: 0, names: ['bytes', 'byteorder', 'signed'], minpos: 1, maxpos: 2 };

/** This thread's scratch for parsed arguments. */
const parsed: number[] = [];

/** `long_long`: an exact int of the value (itself when exact). */
const asInt: MethodFn = (t, self) => intCopy(t, self);

/**
 * The text a bytes or bytearray `x` holds as a number to parse
 * (`_PyLong_FromBytes`, `PyFloat_FromString` of a buffer), with the repr
 * CPython's ValueError quotes; null when `x` is neither. Bytes past ASCII,
 * and the separators `\x1c`…`\x1f`, become U+FFFF: the byte parsers know
 * only ASCII digits and whitespace.
 * @internal
 */
export function bytesNumberText(t: ObThread, x: number): { text: string; repr: string } | null {
  if (!objectCheckBuffer(t, x)) return null;
  const exact = bytesCheck(t, x);
  const data = exact ? bytesToJs(t, x) : byteArrayToJs(t, x);
  let text = '';
  for (const b of data) text += b >= 0x80 || (b >= 0x1c && b <= 0x1f) ? '\uffff' : String.fromCharCode(b);
  return { text, repr: exact ? bytesReprJs(t, x) : byteArrayReprJs(t, x) };
}

/** Runs `parse`; a ValueError it raises is replaced by one quoting `repr` after `prefix` (CPython quotes the bytes object). @internal */
export function parseQuoting(t: ObThread, parse: () => number, prefix: string, repr: string): number {
  const r = parse();
  if (r === 0 && errExceptionMatches(t, t.types[StaticType.ValueError]!)) {
    const fetched = errFetch(t);
    if (fetched !== null && fetched.value !== 0) decref(t.rc, fetched.value);
    return errRaise(t, StaticType.ValueError, `${prefix}${repr}`);
  }
  return r;
}

/** `long_new_impl(type, x, base)`: 0, `int(x)`, or a str parsed in `base`; 0 with CPython's errors. */
function intNewImpl(t: ObThread, x: number, base: number): number {
  if (x === 0) {
    if (base !== 0) return errRaise(t, StaticType.TypeError, 'int() missing string argument');
    return smallInt(t, 0);
  }
  if (base === 0) {
    // `PyNumber_Long` reads bytes and bytearrays as decimal text.
    const bytesText = bytesNumberText(t, x);
    if (bytesText === null) return numberLong(t, x);
    return parseQuoting(t, () => intFromString(t, bytesText.text, 10), 'invalid literal for int() with base 10: ', bytesText.repr);
  }
  const b = numberAsSsize(t, base, null);
  if (b === -1 && errOccurred(t) !== 0) return 0;
  if ((b !== 0 && b < 2) || b > 36) return errRaise(t, StaticType.ValueError, 'int() base must be >= 2 and <= 36, or 0');
  if (isStr(t, x)) return intFromString(t, strToJs(t, x), b);
  const bytesText = bytesNumberText(t, x);
  if (bytesText !== null) return parseQuoting(t, () => intFromString(t, bytesText.text, b), `invalid literal for int() with base ${b}: `, bytesText.repr);
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
      if (nargs === 0) return intCopy(t, self);
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
    .method('to_bytes', FASTCALL_KEYWORDS, (t, self, args, nargs, kwnames) => {
      if (!unpackKeywords(t, TO_BYTES, args, nargs, kwnames, parsed)) return 0;
      const [lengthArg, orderArg, signedArg] = parsed as [number, number, number];
      const length = lengthArg === 0 ? 1 : ssizeArg(t, lengthArg);
      if (length === undefined) return 0;
      const order = orderArg === 0 ? 'big' : cStringArg(t, 'to_bytes', 'byteorder', orderArg);
      if (order === undefined || order === null) return 0;
      const signed = boolArg(t, signedArg, false);
      if (signed === undefined) return 0;
      // `PyBytes_FromStringAndSize(NULL, length)` comes first: a length no bytes can have is a MemoryError.
      if (length > BYTES_MAX_SIZE) return errNoMemory(t);
      const data = intToBytes(t, self, length, order, signed);
      return data === null ? 0 : bytesFromBytes(t, data);
    })
    .method('from_bytes', CLASS | FASTCALL_KEYWORDS, (t, cls, args, nargs, kwnames) => {
      if (!unpackKeywords(t, FROM_BYTES, args, nargs, kwnames, parsed)) return 0;
      const [bytesArg, orderArg, signedArg] = parsed as [number, number, number];
      const order = orderArg === 0 ? 'big' : cStringArg(t, 'from_bytes', 'byteorder', orderArg);
      if (order === undefined || order === null) return 0;
      const signed = boolArg(t, signedArg, false);
      if (signed === undefined) return 0;
      // `PyObject_Bytes(bytes)`: a bytes as it is, a buffer or an iterable of ints copied.
      const data = bytesFromObject(t, bytesArg);
      if (data === 0) return 0;
      const n = intFromBytes(t, bytesToJs(t, data), order, signed);
      decref(t.rc, data);
      // A subclass (bool) is made from the int.
      if (n === 0 || cls === t.types[StaticType.Int]) return n;
      const r = callOneArg(t, cls, n);
      decref(t.rc, n);
      return r;
    })
    .method('__format__', ONE_ARG, (t, self, args) => {
      const spec = arg(t, args, 0);
      return isStr(t, spec) ? intFormat(t, self, spec) : badArgument(t, '__format__', null, 'str', spec);
    })
    .getset('real', (t, self) => intCopy(t, self))
    .getset('imag', (t) => smallInt(t, 0))
    .getset('numerator', (t, self) => intCopy(t, self))
    .getset('denominator', (t) => smallInt(t, 1));

  // `long_vectorcall` counts positional arguments itself; with keywords, `long_new`'s clinic parser.
  const newId = slots.add('new', 'int', (t, type, args, kwargs) => {
    let exact: number;
    if (kwargs === 0 || dictSize(t, kwargs) === 0) {
      const n = tupleSize(t, args);
      if (!checkPositional(t, 'int', n, 0, 2)) return 0;
      exact = intNewImpl(t, n > 0 ? tupleGetItem(t, args, 0) : 0, n > 1 ? tupleGetItem(t, args, 1) : 0);
    } else {
      if (!unpackKeywordsTuple(t, INT, args, kwargs, parsed)) return 0;
      exact = intNewImpl(t, parsed[0]!, parsed[1]!);
    }
    return type === t.types[StaticType.Int] ? exact : subtypeFromExact(t, type, exact);
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

