/**
 * Doubles to text and back (`Python/pystrtod.c`, `Python/dtoa.c`,
 * `Python/formatter_unicode.c`, `PyFloat_FromString`): correctly rounded
 * digits for `'%e'`/`'%f'`/`'%g'` and `round()` (exact arithmetic on the
 * double's binary value with BigInt, ties to even, as David Gay's dtoa
 * that CPython uses), CPython's layout of them (`PyOS_double_to_string`),
 * the format-spec mini-language of `float.__format__`, and `float(str)`.
 *
 * The shortest round-trip digits (`repr`, dtoa's mode 0) are JavaScript's
 * own: ECMAScript's Number-to-String picks the same digits (float.ts).
 */

import { decref } from '@ft/refcount';
import { typeSlot } from './abstract.js';
import { errNoMemory, errRaise } from './errors.js';
import { floatAsDouble, floatFromDouble, floatReprJs } from './float.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { STR_MAX_LENGTH, strFromJs, strReprJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeName, typeOf } from './subtype.js';

/** `Py_DTSF_SIGN`: always write a sign. @public */ export const DTSF_SIGN = 0x01;
/** `Py_DTSF_ADD_DOT_0`: `.0` after an integral value written without exponent. @public */ export const DTSF_ADD_DOT_0 = 0x02;
/** `Py_DTSF_ALT`: the alternate form (`#`): keep the decimal point and, for `g`, the trailing zeros. @public */ export const DTSF_ALT = 0x04;
/** `Py_DTSF_NO_NEG_0`: a negative value that rounds to zero is written without its sign (`z`). @public */ export const DTSF_NO_NEG_0 = 0x08;

// ---------------------------------------------------------------------------
// Exact decimal digits of a double.
// ---------------------------------------------------------------------------

/** Bits of the double being decomposed (module scope: thread-local). */
const scratch = new Float64Array(1);
const scratchWords = new Uint32Array(scratch.buffer);

/** |x| = bigM · 2^binE exactly, for the last {@link decompose}d x (module scope: thread-local). */
let bigM = 0n;
let binE = 0;

function decompose(ax: number): void {
  scratch[0] = ax;
  const hi = scratchWords[1]!;
  const biased = (hi >>> 20) & 0x7ff;
  bigM = BigInt(hi & 0xfffff) * 0x100000000n + BigInt(scratchWords[0]!);
  if (biased === 0) binE = -1074;
  else {
    bigM += 0x10000000000000n;
    binE = biased - 1075;
  }
}

/**
 * `round(|x| * 10^p)` with ties to even, exactly: |x| is m·2^e with an
 * integer m, so the product is a fraction of two BigInts.
 */
function roundScaled(ax: number, p: number): bigint {
  decompose(ax);
  let num = bigM;
  let den = 1n;
  if (binE >= 0) num <<= BigInt(binE);
  else den <<= BigInt(-binE);
  if (p >= 0) num *= 10n ** BigInt(p);
  else den *= 10n ** BigInt(-p);
  const q = num / den;
  const twiceRest = (num - q * den) * 2n;
  return twiceRest > den || (twiceRest === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** Whether ax ≥ 10^k, exactly. */
function atLeastPow10(ax: number, k: number): boolean {
  decompose(ax);
  let left = bigM;
  let right = 1n;
  if (binE >= 0) left <<= BigInt(binE);
  else right <<= BigInt(-binE);
  if (k >= 0) right *= 10n ** BigInt(k);
  else left *= 10n ** BigInt(-k);
  return left >= right;
}

/** The digits without their trailing zeros (dtoa never returns those). */
function stripZeros(s: string): string {
  let end = s.length;
  while (end > 1 && s.charCodeAt(end - 1) === 48) end--;
  return s.slice(0, end);
}

/** Digits and the decimal point's position, as `_Py_dg_dtoa` returns them: value = 0.d1d2… × 10^decpt. */
interface Digits {
  digits: string;
  decpt: number;
}

/** The result of the last digit generation (module scope: thread-local; one digit string per call). */
const out: Digits = { digits: '', decpt: 0 };

/**
 * Every digit of a double's exact value lies within 1,075 places after the
 * point and 767 significant places: asking for more only adds zeros, which
 * dtoa strips.
 */
const MAX_FIXED_PLACES = 1100;
const MAX_SIGNIFICANT = 800;

/** `_Py_dg_dtoa(ax, 3, p)`: digits up to 10^-p, rounded half to even; '' with decpt -p when that rounds to zero. */
function digitsFixed(ax: number, p: number): void {
  if (ax === 0) {
    out.digits = '0';
    out.decpt = 1;
    return;
  }
  const places = Math.min(p, MAX_FIXED_PLACES);
  const n = roundScaled(ax, places);
  if (n === 0n) {
    out.digits = '';
    out.decpt = -p;
    return;
  }
  const s = n.toString();
  out.digits = stripZeros(s);
  out.decpt = s.length - places;
}

/** `_Py_dg_dtoa(ax, 2, n)`: `n` (≥ 1) significant digits, rounded half to even. */
function digitsSignificant(ax: number, n: number): void {
  if (ax === 0) {
    out.digits = '0';
    out.decpt = 1;
    return;
  }
  const want = Math.min(n, MAX_SIGNIFICANT);
  // The decimal exponent of the first digit: log10 is within one of it; exact comparisons settle it.
  let k = Math.floor(Math.log10(ax));
  if (!atLeastPow10(ax, k)) k--;
  else if (atLeastPow10(ax, k + 1)) k++;
  const q = roundScaled(ax, want - 1 - k);
  if (q === 10n ** BigInt(want)) {
    // Rounded up to the next power of ten.
    out.digits = '1';
    out.decpt = k + 2;
    return;
  }
  out.digits = stripZeros(q.toString());
  out.decpt = k + 1;
}

/** `_Py_dg_dtoa(ax, 0, 0)`: the shortest digits that read back as `ax` (JavaScript's, the same digits). */
function digitsShortest(ax: number): void {
  if (ax === 0) {
    out.digits = '0';
    out.decpt = 1;
    return;
  }
  const exponential = ax.toExponential();
  const e = exponential.indexOf('e');
  out.digits = exponential.length > 1 && exponential[1] === '.' ? exponential[0]! + exponential.slice(2, e) : exponential.slice(0, e);
  out.decpt = Number(exponential.slice(e + 1)) + 1;
}

/**
 * `round(x, ndigits)`'s `double_round`: `x` rounded half to even at
 * 10^-ndigits from its exact value, read back as the nearest double (the
 * sign kept: `round(-0.4)` to 0 places is -0.0); NaN when the result is
 * too large (the caller raises OverflowError "rounded value too large to
 * represent"). `x` finite.
 * @internal
 */
export function doubleRound(x: number, ndigits: number): number {
  const ax = Math.abs(x);
  const negative = x < 0 || Object.is(x, -0);
  let v: number;
  if (ax === 0) v = 0;
  else {
    digitsFixed(ax, ndigits);
    // "0.<digits>e<decpt>" read back correctly rounded: JavaScript's string-to-number is.
    v = out.digits === '' ? 0 : Number(`0.${out.digits}e${out.decpt}`);
  }
  if (v === Infinity) return NaN;
  return negative ? -v : v;
}

/**
 * `PyOS_double_to_string(x, code, precision, flags)`: `code` one of
 * `e f g E F G r` (`r`: repr, precision 0), `flags` the `DTSF_*` bits.
 * CPython's `format_float_short` layout of dtoa's digits.
 * @public
 */
export function doubleToString(x: number, code: string, precision: number, flags: number): string {
  let upper = false;
  let kind = code;
  switch (code) {
    case 'E':
    case 'F':
    case 'G':
      upper = true;
      kind = code.toLowerCase();
      break;
    case 'e':
    case 'f':
    case 'g':
    case 'r':
      break;
    default:
      throw new Error(`doubleToString: format code '${code}'`);
  }
  if (kind === 'e') precision++;
  else if (kind === 'g' && precision === 0) precision = 1;
  else if (kind === 'r' && precision !== 0) throw new Error('doubleToString: repr takes no precision');
  const addSign = (flags & DTSF_SIGN) !== 0;
  const addDot0 = (flags & DTSF_ADD_DOT_0) !== 0;
  const alt = (flags & DTSF_ALT) !== 0;
  if (Number.isNaN(x)) return (addSign ? '+' : '') + (upper ? 'NAN' : 'nan'); // the sign of a nan is never written
  let sign = x < 0 || Object.is(x, -0);
  if (!Number.isFinite(x)) return (sign ? '-' : addSign ? '+' : '') + (upper ? 'INF' : 'inf');
  const ax = Math.abs(x);
  if (kind === 'f') digitsFixed(ax, precision);
  else if (kind === 'r') digitsShortest(ax);
  else digitsSignificant(ax, precision);
  const digits = out.digits;
  let decpt = out.decpt;
  const digitsLen = digits.length;
  if ((flags & DTSF_NO_NEG_0) !== 0 && sign && (digitsLen === 0 || digits === '0')) sign = false;

  // Which slice of the digits, padded with zeros on both sides without end, is written.
  let vdigitsEnd = digitsLen;
  let useExp = false;
  if (kind === 'e') {
    useExp = true;
    vdigitsEnd = precision;
  } else if (kind === 'f') {
    vdigitsEnd = decpt + precision;
  } else if (kind === 'g') {
    if (decpt <= -4 || decpt > (addDot0 ? precision - 1 : precision)) useExp = true;
    if (alt) vdigitsEnd = precision;
  } else if (decpt <= -4 || decpt > 16) {
    useExp = true; // repr turns exponential at 1e16
  }
  let exp = 0;
  if (useExp) {
    exp = decpt - 1;
    decpt = 1;
  }
  const vdigitsStart = decpt <= 0 ? decpt - 1 : 0;
  if (!useExp && addDot0) vdigitsEnd = vdigitsEnd > decpt ? vdigitsEnd : decpt + 1;
  else vdigitsEnd = vdigitsEnd > decpt ? vdigitsEnd : decpt;

  let s = sign ? '-' : addSign ? '+' : '';
  if (decpt <= 0) s += `${'0'.repeat(decpt - vdigitsStart)}.${'0'.repeat(-decpt)}`;
  else s += '0'.repeat(-vdigitsStart);
  if (decpt > 0 && decpt <= digitsLen) s += `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  else s += digits;
  if (digitsLen < decpt) s += `${'0'.repeat(decpt - digitsLen)}.${'0'.repeat(vdigitsEnd - decpt)}`;
  else s += '0'.repeat(vdigitsEnd - digitsLen);
  if (s.charCodeAt(s.length - 1) === 46 && !alt) s = s.slice(0, -1);
  if (useExp) s += `${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return s;
}

// ---------------------------------------------------------------------------
// The format-spec mini-language (`parse_internal_render_format_spec`).
// ---------------------------------------------------------------------------

/** Thousands separators asked for: none, ',' or '_'. */
const SEP_NONE = 0;
const SEP_COMMA = 1;
const SEP_UNDERSCORE = 2;

/** A parsed format spec (`InternalFormatSpec`). @public */
export interface FormatSpec {
  /** The fill character (a code point as a string). */
  fill: string;
  /** `<`, `>`, `=` or `^`. */
  align: string;
  /** '' (default), `+`, `-` or ` `. */
  sign: string;
  /** `z`: coerce negative zero. */
  noNeg0: boolean;
  /** `#`. */
  alternate: boolean;
  /** -1 when not given. */
  width: number;
  /** 0 none, 1 ',', 2 '_'. */
  thousands: number;
  /** -1 when not given. */
  precision: number;
  /** The presentation type, '' when not given. */
  type: string;
}

/** `Py_UNICODE_TODECIMAL(c)` for a code point: 0–9, or -1. @internal */
export function unicodeDecimal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c < 128 || !ND.test(String.fromCodePoint(c))) return -1;
  // Decimal digits come in runs of ten, 0 to 9 in code point order (Unicode's stability policy),
  // and runs may follow each other (the mathematical digits): count the digits before, modulo ten.
  let before = 0;
  while (before < 100 && ND.test(String.fromCodePoint(c - before - 1))) before++;
  return before % 10;
}

const ND = /^\p{Nd}$/u;

/** ValueError with `message`; null, for the parsers' returns. */
function valueError(t: ObThread, message: string): null {
  errRaise(t, StaticType.ValueError, message);
  return null;
}

/** `get_integer`: digits from `pos`; the value (a JS number) and how many were read, or null with ValueError "Too many decimal digits in format string". */
function readInteger(t: ObThread, cps: readonly number[], pos: number): { value: number; count: number } | null {
  let count = 0;
  let text = '';
  for (let i = pos; i < cps.length; i++) {
    const d = unicodeDecimal(cps[i]!);
    if (d < 0) break;
    count++;
    text += String(d);
    // PY_SSIZE_T_MAX = 2^63 - 1.
    if (BigInt(text) > 0x7fffffffffffffffn) return valueError(t, 'Too many decimal digits in format string');
  }
  return { value: count === 0 ? 0 : Number(text), count };
}

/**
 * `parse_internal_render_format_spec` for a number (no default type,
 * right-aligned by default): the parsed spec, or null with ValueError
 * (CPython's messages). `typeName` names the object's type in them.
 * @public
 */
export function parseFormatSpec(t: ObThread, spec: string, typeName: string): FormatSpec | null {
  const cps = Array.from(spec, (c) => c.codePointAt(0)!);
  const end = cps.length;
  const f: FormatSpec = { fill: ' ', align: '>', sign: '', noNeg0: false, alternate: false, width: -1, thousands: SEP_NONE, precision: -1, type: '' };
  const isAlign = (c: number | undefined) => c === 60 || c === 62 || c === 61 || c === 94; // < > = ^
  let pos = 0;
  let fillSpecified = false;
  let alignSpecified = false;
  if (end - pos >= 2 && isAlign(cps[pos + 1])) {
    f.align = String.fromCodePoint(cps[pos + 1]!);
    f.fill = String.fromCodePoint(cps[pos]!);
    fillSpecified = alignSpecified = true;
    pos += 2;
  } else if (end - pos >= 1 && isAlign(cps[pos])) {
    f.align = String.fromCodePoint(cps[pos]!);
    alignSpecified = true;
    pos++;
  }
  if (end - pos >= 1 && (cps[pos] === 43 || cps[pos] === 45 || cps[pos] === 32)) {
    f.sign = String.fromCodePoint(cps[pos]!);
    pos++;
  }
  if (end - pos >= 1 && cps[pos] === 122) {
    f.noNeg0 = true;
    pos++;
  }
  if (end - pos >= 1 && cps[pos] === 35) {
    f.alternate = true;
    pos++;
  }
  // `0` before the width: zero padding after the sign, unless a fill or an alignment was given.
  if (!fillSpecified && end - pos >= 1 && cps[pos] === 48) {
    f.fill = '0';
    if (!alignSpecified) f.align = '=';
    pos++;
  }
  const width = readInteger(t, cps, pos);
  if (width === null) return null;
  if (width.count > 0) f.width = width.value;
  pos += width.count;
  if (end - pos >= 1 && cps[pos] === 44) {
    f.thousands = SEP_COMMA;
    pos++;
  }
  if (end - pos >= 1 && cps[pos] === 95) {
    if (f.thousands !== SEP_NONE) return valueError(t, "Cannot specify both ',' and '_'.");
    f.thousands = SEP_UNDERSCORE;
    pos++;
  }
  if (end - pos >= 1 && cps[pos] === 44 && f.thousands === SEP_UNDERSCORE) return valueError(t, "Cannot specify both ',' and '_'.");
  if (end - pos >= 1 && cps[pos] === 46) {
    pos++;
    const precision = readInteger(t, cps, pos);
    if (precision === null) return null;
    if (precision.count === 0) return valueError(t, 'Format specifier missing precision');
    f.precision = precision.value;
    pos += precision.count;
  }
  if (end - pos > 1) return valueError(t, `Invalid format specifier '${spec}' for object of type '${typeName}'`);
  if (end - pos === 1) f.type = String.fromCodePoint(cps[pos]!);
  // PEP 378 and PEP 515: separators with these types only ('_' also with b, o, x and X: every four digits).
  if (f.thousands !== SEP_NONE && !'defgEGF%'.includes(f.type) && !(f.thousands === SEP_UNDERSCORE && 'boxX'.includes(f.type))) {
    return valueError(t, `Cannot specify '${f.thousands === SEP_COMMA ? ',' : '_'}' with ${presentationTypeText(f.type)}.`);
  }
  return f;
}

/** A presentation type as CPython's messages quote it: `'x'`, or `'\x1'` for a control character. */
function presentationTypeText(type: string): string {
  const c = type.codePointAt(0)!;
  return c > 32 && c < 128 ? `'${type}'` : `'\\x${c.toString(16)}'`;
}

/**
 * `_PyUnicode_InsertThousandsGrouping` with groups of three (or none when
 * `sep` is ''): the digits with separators, padded with zeros (grouped
 * too) to at least `minWidth` characters.
 */
function groupDigits(digits: string, minWidth: number, sep: string): string {
  let remaining = digits.length;
  let min = Math.max(0, minWidth);
  if (sep === '') return '0'.repeat(Math.max(0, Math.max(remaining, min, 1) - remaining)) + digits;
  const groups: string[] = [];
  let pos = digits.length;
  for (;;) {
    const len = Math.min(3, Math.max(remaining, min, 1));
    const zeros = Math.max(0, len - remaining);
    const chars = Math.max(0, Math.min(remaining, len));
    groups.push('0'.repeat(zeros) + digits.slice(pos - chars, pos));
    pos -= chars;
    remaining -= chars;
    min -= len;
    if (remaining <= 0 && min <= 0) break;
    min -= sep.length;
  }
  return groups.reverse().join(sep);
}

/**
 * `format_float_internal`: `x` formatted by a parsed spec; null with
 * ValueError ("precision too big") or MemoryError.
 */
function formatFloatParsed(t: ObThread, x: number, f: FormatSpec): string | null {
  if (f.precision > 2147483647) return valueError(t, 'precision too big');
  let type = f.type;
  let precision = f.precision;
  let flags = 0;
  let defaultPrecision = 6;
  if (f.alternate) flags |= DTSF_ALT;
  if (f.noNeg0) flags |= DTSF_NO_NEG_0;
  if (type === '') {
    // Like repr without a precision; with one, 'g' with at least one digit after the point.
    flags |= DTSF_ADD_DOT_0;
    type = 'r';
    defaultPrecision = 0;
  }
  if (type === 'n') type = 'g'; // the C locale's 'n' is 'g'
  let addPercent = false;
  if (type === '%') {
    type = 'f';
    x *= 100;
    addPercent = true;
  }
  if (precision < 0) precision = defaultPrecision;
  else if (type === 'r') type = 'g';
  // The text would not fit in a str (CPython fails to allocate it).
  if (precision + Math.max(f.width, 0) > STR_MAX_LENGTH) {
    errNoMemory(t);
    return null;
  }
  let text = doubleToString(x, type, precision, flags);
  if (addPercent) text += '%';
  if (f.sign !== '+' && f.sign !== ' ' && f.width === -1 && f.type !== 'n' && f.thousands === SEP_NONE) return text;

  let start = 0;
  let signChar = '';
  if (text.charCodeAt(0) === 45) {
    signChar = '-';
    start = 1;
  }
  // parse_number: the leading digits, then a decimal point, then the rest.
  let pos = start;
  while (pos < text.length && text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57) pos++;
  const digits = text.slice(start, pos);
  const hasDecimal = pos < text.length && text.charCodeAt(pos) === 46;
  const remainder = text.slice(hasDecimal ? pos + 1 : pos);
  const sep = f.thousands === SEP_COMMA ? ',' : f.thousands === SEP_UNDERSCORE ? '_' : '';

  // calc_number_widths and fill_number.
  const sign = f.sign === '+' ? (signChar === '-' ? '-' : '+') : f.sign === ' ' ? (signChar === '-' ? '-' : ' ') : signChar;
  const nonDigits = sign.length + (hasDecimal ? 1 : 0) + remainder.length;
  const minWidth = f.fill === '0' && f.align === '=' ? f.width - nonDigits : 0;
  const grouped = digits.length === 0 ? '' : groupDigits(digits, minWidth, sep);
  const padding = f.width - (nonDigits + grouped.length);
  let left = 0;
  let inner = 0;
  let right = 0;
  if (padding > 0) {
    if (f.align === '<') right = padding;
    else if (f.align === '^') {
      left = padding >> 1;
      right = padding - left;
    } else if (f.align === '=') inner = padding;
    else left = padding;
  }
  return f.fill.repeat(left) + sign + f.fill.repeat(inner) + grouped + (hasDecimal ? '.' : '') + remainder + f.fill.repeat(right);
}

/**
 * `float.__format__(spec)` on a double as JavaScript text, or null with
 * ValueError (an unknown presentation type: "Unknown format code 'd' for
 * object of type 'float'", a bad spec) or MemoryError. The empty spec is
 * `str(x)`. `typeName` names the type in messages (a float subclass's).
 * @public
 */
export function floatFormatJs(t: ObThread, x: number, spec: string, typeName = 'float'): string | null {
  if (spec === '') return floatReprJs(x);
  const f = parseFormatSpec(t, spec, typeName);
  if (f === null) return null;
  switch (f.type) {
    case '':
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
    case 'n':
    case '%':
      return formatFloatParsed(t, x, f);
    default:
      return valueError(t, `Unknown format code ${presentationTypeText(f.type)} for object of type '${typeName}'`);
  }
}

/**
 * `float.__format__(op, spec)` (`_PyFloat_FormatAdvancedWriter`): `spec`
 * a str; a new str, or 0 with an exception. The empty spec is `str(op)`
 * (a float subclass's own `__str__`).
 * @public
 */
export function floatFormat(t: ObThread, op: number, spec: number): number {
  const specText = strToJs(t, spec);
  const type = typeOf(t, op);
  if (specText === '' && type !== t.types[StaticType.Float]) {
    const str = typeSlot(t, type, 'str') ?? typeSlot(t, type, 'repr');
    if (str !== null) return str(t, op);
  }
  const text = floatFormatJs(t, floatAsDouble(t, op), specText, typeName(t, type));
  return text === null ? 0 : strFromJs(t, text);
}

// ---------------------------------------------------------------------------
// float(str) (`PyFloat_FromString`, `_Py_string_to_number_with_underscores`,
// `_PyOS_ascii_strtod`).
// ---------------------------------------------------------------------------

/** `Py_UNICODE_ISSPACE`: the code points str.isspace() accepts. */
function isUnicodeSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    (c >= 28 && c <= 32) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** What `_PyOS_ascii_strtod` reads in full: a decimal number, or inf/infinity/nan, with an optional sign. */
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * `float(text)` (`PyFloat_FromString` of a str): surrounding whitespace
 * ignored, Unicode decimal digits read as ASCII ones, underscores only
 * between digits, `inf`/`infinity`/`nan` in any case with a sign; a new
 * float, or 0 with ValueError "could not convert string to float: 'x'".
 * @public
 */
export function floatFromString(t: ObThread, text: string): number {
  const v = parseFloatText(text);
  if (v !== null) return floatFromDouble(t, v);
  // The message quotes the str as repr() does.
  const str = strFromJs(t, text);
  if (str === 0) return 0;
  const quoted = strReprJs(t, str);
  decref(t.rc, str);
  return errRaise(t, StaticType.ValueError, `could not convert string to float: ${quoted}`);
}

/** The double `text` spells for `float()`, or null when it spells none. */
function parseFloatText(text: string): number | null {
  // _PyUnicode_TransformDecimalAndSpaceToASCII: decimal digits to ASCII, spaces to ' ', other non-ASCII to '?'.
  let ascii = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 128) ascii += ch;
    else if (isUnicodeSpace(c)) ascii += ' ';
    else {
      const d = unicodeDecimal(c);
      ascii += d >= 0 ? String(d) : '?';
    }
  }
  // Underscores: each between two digits (checked over the whole text, as CPython does before stripping).
  if (ascii.includes('_')) {
    let prev = '';
    let kept = '';
    for (const ch of ascii) {
      if (ch === '_') {
        if (!(prev >= '0' && prev <= '9')) return null;
      } else {
        if (prev === '_' && !(ch >= '0' && ch <= '9')) return null;
        kept += ch;
      }
      prev = ch;
    }
    if (prev === '_') return null;
    ascii = kept;
  }
  // Py_ISSPACE around it: ' ', \t, \n, \v, \f, \r (the Unicode ones are ' ' by now; \x1c-\x1f are not ASCII spaces).
  let s = 0;
  let e = ascii.length;
  const space = (c: number) => c === 32 || (c >= 9 && c <= 13);
  while (s < e && space(ascii.charCodeAt(s))) s++;
  while (e > s && space(ascii.charCodeAt(e - 1))) e--;
  const body = ascii.slice(s, e);
  if (DECIMAL.test(body)) return Number(body); // correctly rounded; ±Infinity past the largest double, ±0 below the smallest
  const special = SPECIAL.exec(body);
  if (special !== null) {
    const negative = special[1] === '-';
    if (special[2]!.toLowerCase() === 'nan') return negative ? -NaN : NaN;
    return negative ? -Infinity : Infinity;
  }
  return null;
}
