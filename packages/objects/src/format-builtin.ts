/**
 * `format(value, spec)` (`PyObject_Format`, `Objects/abstract.c`) and the
 * builtin `__format__` methods behind it (`Python/formatter_unicode.c`):
 * `str.__format__` (`format_string_internal`), `int.__format__`
 * (`format_long_internal`: b c d o x X n, and e E f F g G % through
 * float), `complex.__format__` (`format_complex_internal`) and
 * `object.__format__`; `float.__format__` is float-format.ts's. Also the
 * conversions of f-strings and `str.format` (`!r`, `!s`, `!a`):
 * {@link objectAscii} (`PyObject_ASCII`) here, `PyObject_Repr` in
 * abstract.ts, `PyObject_Str` in exceptions.ts.
 *
 * Dispatch is by the object's type: a str, int (bool too), float or
 * complex — or an instance of a subclass — is formatted by its base's
 * `__format__`; any other object by `object.__format__`. A class written
 * in Python with its own `__format__` is the VM's to call (it comes
 * before this dispatch).
 *
 * The formatters write into a {@link UnicodeWriter}, so that `str.format`
 * (str-format.ts) formats its fields without a str object per spec.
 */

import { decref, incref, TP_FLAGS_OFFSET, TYPE_FLAG_HEAPTYPE } from '@ft/refcount';
import { objectRepr } from './abstract.js';
import { complexCheck, complexImag, complexReal } from './complex.js';
import { errRaise, errNoMemory } from './errors.js';
import { objectStr } from './exceptions.js';
import { floatAsDouble, floatCheck, longAsDouble } from './float.js';
import { doubleToString, DTSF_ALT, DTSF_NO_NEG_0, floatFormatJs } from './float-format.js';
import { calcPadding, GROUP_NONE, parseInternalFormatSpec, splitNumber, unknownPresentationType, writeNumber, type InternalFormatSpec, type NumberParts } from './format-spec.js';
import { intAsBigInt, intCheckExact } from './int.js';
import { intFormatJs, intToString } from './int-format.js';
import { STR_ASCII_OFFSET, StaticType, TPFLAGS_LONG_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { STR_MAX_LENGTH, strCheckExact } from './str.js';
import { strFromCodePoints } from './str-methods.js';
import { strLength } from './str-read.js';
import { typeHasFlag, typeName, typeNameOf, typeOf } from './subtype.js';
import { strCodePoints, UnicodeWriter } from './unicode-writer.js';
import { callSpecial, MISSING } from './call-special.js';

/** `INT_MAX`: the largest precision the float formatters take ("precision too big"). */
const INT_MAX = 2147483647;

const CH_LT = 0x3c;
const CH_GT = 0x3e;
const CH_EQ = 0x3d;

/** 0 with ValueError. */
function valueError(t: ObThread, message: string): -1 {
  errRaise(t, StaticType.ValueError, message);
  return -1;
}

/** `format_obj`: `str(obj)` written; 0, or -1 with the exception. */
function writeStr(t: ObThread, w: UnicodeWriter, obj: number): number {
  const s = objectStr(t, obj);
  if (s === 0) return -1;
  w.str(t, s);
  decref(t.rc, s);
  return 0;
}

/** Whether `width` or `precision` asks for more characters than a str may hold (CPython fails to allocate them). */
function tooLong(t: ObThread, f: InternalFormatSpec): boolean {
  if (Math.max(f.width, 0) + Math.max(f.precision, 0) <= STR_MAX_LENGTH) return false;
  errNoMemory(t);
  return true;
}

// --- str ----------------------------------------------------------------------------------------

/** `format_string_internal`: `value` (a str) by a parsed spec. */
function formatStringInternal(t: ObThread, w: UnicodeWriter, value: number, f: InternalFormatSpec): number {
  if (f.sign !== 0) return valueError(t, f.sign === 0x20 ? 'Space not allowed in string format specifier' : 'Sign not allowed in string format specifier');
  if (f.noNeg0) return valueError(t, 'Negative zero coercion (z) not allowed in string format specifier');
  if (f.alternate) return valueError(t, 'Alternate form (#) not allowed in string format specifier');
  if (f.align === CH_EQ) return valueError(t, "'=' alignment not allowed in string format specifier");
  let len = strLength(t, value);
  if (f.precision >= 0 && len >= f.precision) len = f.precision;
  if (f.width > STR_MAX_LENGTH) {
    errNoMemory(t);
    return -1;
  }
  const [left, right] = calcPadding(len, f.width, f.align);
  w.fill(f.fill, left);
  w.str(t, value, 0, len);
  w.fill(f.fill, right);
  return 0;
}

/** `_PyUnicode_FormatAdvancedWriter`: `str.__format__` of `obj` (a str) by `spec[start:end]`. */
function formatStrAdvanced(t: ObThread, w: UnicodeWriter, obj: number, spec: ArrayLike<number>, start: number, end: number): number {
  if (start === end) {
    if (strCheckExact(t, obj)) {
      w.str(t, obj);
      return 0;
    }
    return writeStr(t, w, obj);
  }
  const f = parseInternalFormatSpec(t, spec, start, end, typeNameOf(t, obj), 0x73, CH_LT);
  if (f === null) return -1;
  if (f.type !== 0x73) {
    unknownPresentationType(t, f.type, typeNameOf(t, obj));
    return -1;
  }
  return formatStringInternal(t, w, obj, f);
}

// --- int ----------------------------------------------------------------------------------------

/** `format_long_internal`: `value` (an int) by a parsed spec of type b, c, d, o, x, X or n. */
function formatLongInternal(t: ObThread, w: UnicodeWriter, value: number, f: InternalFormatSpec): number {
  if (f.precision !== -1) return valueError(t, 'Precision not allowed in integer format specifier');
  if (f.noNeg0) return valueError(t, 'Negative zero coercion (z) not allowed in integer format specifier');
  if (tooLong(t, f)) return -1;
  let parts: NumberParts;
  if (f.type === 0x63) {
    // c: the code point, laid out as a number's "remainder" (no digits to group).
    if (f.sign !== 0) return valueError(t, "Sign not allowed with integer format specifier 'c'");
    if (f.alternate) return valueError(t, "Alternate form (#) not allowed with integer format specifier 'c'");
    const x = intAsBigInt(t, value);
    if (x < -(2n ** 63n) || x >= 2n ** 63n) {
      errRaise(t, StaticType.OverflowError, 'Python int too large to convert to C long');
      return -1;
    }
    if (x < 0n || x > 0x10ffffn) {
      errRaise(t, StaticType.OverflowError, '%c arg not in range(0x110000)');
      return -1;
    }
    parts = { signChar: '', prefix: '', digits: '', hasDecimal: false, remainder: String.fromCodePoint(Number(x)) };
  } else {
    const base = f.type === 0x62 ? 2 : f.type === 0x6f ? 8 : f.type === 0x78 || f.type === 0x58 ? 16 : 10;
    const text = intFormatJs(t, value, base);
    if (text === null) return -1;
    const negative = text.charCodeAt(0) === 0x2d;
    const skip = (negative ? 1 : 0) + (base === 10 ? 0 : 2); // the sign and the 0x / 0o / 0b of `_PyLong_Format`
    parts = {
      signChar: negative ? '-' : '',
      prefix: f.alternate && base !== 10 ? text.slice(skip - 2, skip) : '',
      digits: text.slice(skip),
      hasDecimal: false,
      remainder: '',
    };
  }
  // 'n' groups as the C locale does: not at all.
  writeNumber(w, parts, f.type === 0x6e ? { ...f, thousands: GROUP_NONE } : f, f.type === 0x58);
  return 0;
}

/** `_PyLong_FormatAdvancedWriter`: `int.__format__` of `obj` (an int or a subclass's instance) by `spec[start:end]`. */
function formatIntAdvanced(t: ObThread, w: UnicodeWriter, obj: number, spec: ArrayLike<number>, start: number, end: number): number {
  if (start === end) {
    if (!intCheckExact(t, obj)) return writeStr(t, w, obj);
    const text = intFormatJs(t, obj, 10);
    if (text === null) return -1;
    w.text(text);
    return 0;
  }
  const name = typeNameOf(t, obj);
  const f = parseInternalFormatSpec(t, spec, start, end, name, 0x64, CH_GT);
  if (f === null) return -1;
  switch (f.type) {
    case 0x62: // b
    case 0x63: // c
    case 0x64: // d
    case 0x6f: // o
    case 0x78: // x
    case 0x58: // X
    case 0x6e: // n
      return formatLongInternal(t, w, obj, f);
    case 0x65: // e
    case 0x45: // E
    case 0x66: // f
    case 0x46: // F
    case 0x67: // g
    case 0x47: // G
    case 0x25: {
      // %: through float (PyNumber_Float), with the same spec.
      const x = longAsDouble(t, obj);
      if (x === -1 && t.error.type !== 0) return -1;
      const text = floatFormatJs(t, x, specText(spec, start, end), 'float');
      if (text === null) return -1;
      w.text(text);
      return 0;
    }
    default:
      unknownPresentationType(t, f.type, name);
      return -1;
  }
}

/** The spec as JavaScript text, for float-format.ts's reader. */
function specText(spec: ArrayLike<number>, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCodePoint(spec[i]!);
  return s;
}

// --- float --------------------------------------------------------------------------------------

/** `_PyFloat_FormatAdvancedWriter`: float-format.ts's `float.__format__` (the empty spec is `str(obj)`). */
function formatFloatAdvanced(t: ObThread, w: UnicodeWriter, obj: number, spec: ArrayLike<number>, start: number, end: number): number {
  if (start === end) return writeStr(t, w, obj);
  const text = floatFormatJs(t, floatAsDouble(t, obj), specText(spec, start, end), typeNameOf(t, obj));
  if (text === null) return -1;
  w.text(text);
  return 0;
}

// --- complex ------------------------------------------------------------------------------------

/** `format_complex_internal`: `re + im·j` by a parsed spec of type e E f F g G n or none. */
function formatComplexInternal(t: ObThread, w: UnicodeWriter, re: number, im: number, f: InternalFormatSpec): number {
  if (f.precision > INT_MAX) return valueError(t, 'precision too big');
  if (f.fill === 0x30) return valueError(t, 'Zero padding is not allowed in complex format specifier');
  if (f.align === CH_EQ) return valueError(t, "'=' alignment flag is not allowed in complex format specifier");
  if (tooLong(t, f)) return -1;
  let type = f.type === 0 ? 'r' : String.fromCharCode(f.type);
  let precision = f.precision;
  let defaultPrecision = 6;
  let flags = 0;
  let skipRe = false;
  let addParens = false;
  if (f.alternate) flags |= DTSF_ALT;
  if (f.noNeg0) flags |= DTSF_NO_NEG_0;
  if (f.type === 0) {
    // No type: like str(), the real part left out when it is +0.
    defaultPrecision = 0;
    if (re === 0 && !Object.is(re, -0)) skipRe = true;
    else addParens = true;
  }
  if (type === 'n') type = 'g';
  if (precision < 0) precision = defaultPrecision;
  else if (type === 'r') type = 'g';
  const reText = doubleToString(re, type, precision, flags);
  const imText = doubleToString(im, type, precision, flags);
  const reParts = splitNumber(reText, reText.charCodeAt(0) === 0x2d ? '-' : '');
  const imParts = splitNumber(imText, imText.charCodeAt(0) === 0x2d ? '-' : '');
  // Both parts laid out without padding (the imaginary one always signed when the real one shows), then padded together.
  const thousands = f.type === 0x6e ? GROUP_NONE : f.thousands;
  const reSpec: InternalFormatSpec = { ...f, fill: 0x20, align: CH_LT, width: -1, thousands };
  const imSpec: InternalFormatSpec = { ...reSpec, sign: skipRe ? f.sign : 0x2b };
  const body = new UnicodeWriter();
  if (addParens) body.char(0x28);
  if (!skipRe) writeNumber(body, reParts, reSpec, false);
  writeNumber(body, imParts, imSpec, false);
  body.char(0x6a); // j
  if (addParens) body.char(0x29);
  const [left, right] = calcPadding(body.length, f.width, f.align);
  w.fill(f.fill, left);
  w.codePoints(body.cps);
  if (body.max > w.max) w.max = body.max;
  w.fill(f.fill, right);
  return 0;
}

/** `_PyComplex_FormatAdvancedWriter`: `complex.__format__` of `obj` by `spec[start:end]`. */
function formatComplexAdvanced(t: ObThread, w: UnicodeWriter, obj: number, spec: ArrayLike<number>, start: number, end: number): number {
  if (start === end) return writeStr(t, w, obj);
  const name = typeNameOf(t, obj);
  const f = parseInternalFormatSpec(t, spec, start, end, name, 0, CH_GT);
  if (f === null) return -1;
  switch (f.type) {
    case 0:
    case 0x65: // e
    case 0x45: // E
    case 0x66: // f
    case 0x46: // F
    case 0x67: // g
    case 0x47: // G
    case 0x6e: // n
      return formatComplexInternal(t, w, complexReal(t, obj), complexImag(t, obj), f);
    default:
      unknownPresentationType(t, f.type, name);
      return -1;
  }
}

// --- dispatch -----------------------------------------------------------------------------------

/**
 * `obj.__format__(spec[start:end])` written into `w` for the builtin
 * `__format__` methods: str, int (and bool), float, complex (and their
 * subclasses' instances), else `object.__format__` — the empty spec is
 * `str(obj)`, any other a TypeError "unsupported format string passed to
 * list.__format__". 0, or -1 with the exception.
 * @internal
 */
export function formatBuiltinInto(t: ObThread, w: UnicodeWriter, obj: number, spec: ArrayLike<number>, start: number, end: number): number {
  const type = typeOf(t, obj);
  if (typeHasFlag(t, type, TPFLAGS_UNICODE_SUBCLASS)) return formatStrAdvanced(t, w, obj, spec, start, end);
  if (typeHasFlag(t, type, TPFLAGS_LONG_SUBCLASS)) return formatIntAdvanced(t, w, obj, spec, start, end);
  if (floatCheck(t, obj)) return formatFloatAdvanced(t, w, obj, spec, start, end);
  if (complexCheck(t, obj)) return formatComplexAdvanced(t, w, obj, spec, start, end);
  if (start !== end) {
    errRaise(t, StaticType.TypeError, `unsupported format string passed to ${typeName(t, type)}.__format__`);
    return -1;
  }
  return writeStr(t, w, obj);
}

/**
 * `PyObject_Format` into a writer (`render_field` of `str.format`):
 * an instance of a class calls its `__format__` with
 * `spec[start:end]` (TypeError when that returns no str); the builtin
 * types format directly. 0, or -1 with the exception.
 * @internal
 */
export function formatObjectInto(t: ObThread, w: UnicodeWriter, obj: number, spec: ArrayLike<number>, start: number, end: number): number {
  const type = typeOf(t, obj);
  if ((t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) === 0) return formatBuiltinInto(t, w, obj, spec, start, end);
  const specStr = strFromCodePoints(t, spec, start, end);
  if (specStr === 0) return -1;
  const r = callHeapFormat(t, obj, specStr);
  decref(t.rc, specStr);
  if (r === MISSING) return formatBuiltinInto(t, w, obj, spec, start, end);
  if (r === 0) return -1;
  w.str(t, r);
  decref(t.rc, r);
  return 0;
}

/**
 * A class instance's `__format__(spec)` (`_PyObject_LookupSpecial`): a new
 * str, 0 with the exception (TypeError "__format__ must return a str, not
 * int"), or {@link MISSING}.
 */
function callHeapFormat(t: ObThread, obj: number, spec: number): number {
  const r = callSpecial(t, obj, '__format__', [spec]);
  if (r === MISSING || r === 0 || typeHasFlag(t, typeOf(t, r), TPFLAGS_UNICODE_SUBCLASS)) return r;
  const what = typeNameOf(t, r);
  decref(t.rc, r);
  return errRaise(t, StaticType.TypeError, `__format__ must return a str, not ${what}`);
}

/** A new str from a writer's formatting, or 0 when it failed. */
function finishInto(t: ObThread, w: UnicodeWriter, status: number): number {
  return status < 0 ? 0 : w.finish(t);
}

/**
 * `PyObject_Format(obj, spec)` (`format(obj, spec)`): `spec` a str, or 0
 * for the empty spec; a new str, or 0 with the exception — a ValueError of
 * the spec ("Unknown format code 'x' for object of type 'float'", "Sign
 * not allowed in string format specifier", "Cannot specify ',' with
 * 's'."…), TypeError "unsupported format string passed to
 * object.__format__", OverflowError ("%c arg not in range(0x110000)",
 * "int too large to convert to float"), SystemError for a spec that is
 * not a str. The empty spec gives an exact str itself back, and `str(n)`
 * for an exact int.
 * @public
 */
export function objectFormat(t: ObThread, obj: number, spec: number): number {
  if (spec !== 0 && !typeHasFlag(t, typeOf(t, spec), TPFLAGS_UNICODE_SUBCLASS)) {
    return errRaise(t, StaticType.SystemError, `Format specifier must be a string, not ${typeNameOf(t, spec)}`);
  }
  if (spec === 0 || strLength(t, spec) === 0) {
    if (strCheckExact(t, obj)) {
      incref(t.rc, obj);
      return obj;
    }
    if (intCheckExact(t, obj)) return intToString(t, obj, 10);
  }
  // A class's own `__format__` (or the one it inherits from a builtin base): `_PyObject_LookupSpecial`.
  const type = typeOf(t, obj);
  if ((t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) !== 0) {
    const r = callHeapFormat(t, obj, spec === 0 ? t.emptyStr : spec);
    if (r !== MISSING) return r;
  }
  const cps = spec === 0 ? [] : strCodePoints(t, spec);
  const w = new UnicodeWriter();
  return finishInto(t, w, formatBuiltinInto(t, w, obj, cps, 0, cps.length));
}

/** `str.__format__(self, spec)` (`unicode___format__`): `self` a str, `spec` a str; a new str, or 0 with the exception. @public */
export function strFormat(t: ObThread, self: number, spec: number): number {
  const cps = strCodePoints(t, spec);
  const w = new UnicodeWriter();
  return finishInto(t, w, formatStrAdvanced(t, w, self, cps, 0, cps.length));
}

/** `int.__format__(self, spec)` (`int___format___impl`, bool's too): `spec` a str; a new str, or 0 with the exception. @public */
export function intFormat(t: ObThread, self: number, spec: number): number {
  const cps = strCodePoints(t, spec);
  const w = new UnicodeWriter();
  return finishInto(t, w, formatIntAdvanced(t, w, self, cps, 0, cps.length));
}

/** `complex.__format__(self, spec)` (`complex___format___impl`): `spec` a str; a new str, or 0 with the exception. @public */
export function complexFormat(t: ObThread, self: number, spec: number): number {
  const cps = strCodePoints(t, spec);
  const w = new UnicodeWriter();
  return finishInto(t, w, formatComplexAdvanced(t, w, self, cps, 0, cps.length));
}

/**
 * `object.__format__(self, spec)`: `str(self)` for the empty spec, else
 * TypeError "unsupported format string passed to list.__format__" (the
 * type's name). A new str, or 0 with the exception.
 * @public
 */
export function objectDefaultFormat(t: ObThread, self: number, spec: number): number {
  if (strLength(t, spec) > 0) return errRaise(t, StaticType.TypeError, `unsupported format string passed to ${typeNameOf(t, self)}.__format__`);
  return objectStr(t, self);
}

// --- conversions --------------------------------------------------------------------------------

/**
 * `PyObject_ASCII(op)` (`ascii(op)`, `!a`): `repr(op)` with every
 * non-ASCII code point escaped as `\xe9`, `\u20ac` or `\U0001f600`; a new
 * str, or 0 with the exception.
 * @public
 */
export function objectAscii(t: ObThread, op: number): number {
  const repr = objectRepr(t, op);
  if (repr === 0) return 0;
  if (t.u8[repr + STR_ASCII_OFFSET] === 1) return repr; // SAFETY: immutable once published
  const w = new UnicodeWriter();
  for (const c of strCodePoints(t, repr)) {
    if (c < 0x80) w.char(c);
    else if (c < 0x100) w.text(`\\x${c.toString(16).padStart(2, '0')}`);
    else if (c < 0x10000) w.text(`\\u${c.toString(16).padStart(4, '0')}`);
    else w.text(`\\U${c.toString(16).padStart(8, '0')}`);
  }
  decref(t.rc, repr);
  return w.finish(t);
}

/**
 * `do_conversion` of `str.format` and f-strings: `!r` → repr, `!s` → str,
 * `!a` → ascii of `obj` (code point `conversion`); a new str, or 0 with
 * ValueError "Unknown conversion specifier x" (`\xe9` outside printable
 * ASCII).
 * @public
 */
export function objectConvert(t: ObThread, obj: number, conversion: number): number {
  switch (conversion) {
    case 0x72:
      return objectRepr(t, obj);
    case 0x73:
      return objectStr(t, obj);
    case 0x61:
      return objectAscii(t, obj);
    default:
      return errRaise(t, StaticType.ValueError, `Unknown conversion specifier ${conversion > 32 && conversion < 127 ? String.fromCharCode(conversion) : `\\x${conversion.toString(16)}`}`);
  }
}
