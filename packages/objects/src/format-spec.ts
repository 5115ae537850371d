/**
 * The format-spec mini-language (`Python/formatter_unicode.c`,
 * `parse_internal_render_format_spec`):
 * `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`, as
 * every builtin `__format__` reads it, with CPython's ValueErrors. Each
 * caller passes what its type defaults to: the presentation type (`'s'`
 * for str, `'d'` for int, none for float and complex) and the alignment
 * (`'<'` for str, `'>'` for numbers — the `0` flag means `'='` only then).
 *
 * Also the two pieces of layout the number formatters share:
 * `_PyUnicode_InsertThousandsGrouping` (digits grouped by three, or by
 * four for `_` with b, o, x and X, zero padding grouped too) and
 * `calc_number_widths` + `fill_number` (padding, sign, prefix, digits,
 * decimal point and the rest, in that order).
 *
 * float-format.ts keeps its own reader of the same language for
 * `float.__format__` (`parseFormatSpec`), which predates this file; it
 * agrees with this one for numbers.
 */

import { errRaise } from './errors.js';
import { unicodeDecimal } from './float-format.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { codePointsToJs, type UnicodeWriter } from './unicode-writer.js';

/** `LT_NO_LOCALE`: no grouping asked for. @public */ export const GROUP_NONE = 0;
/** `LT_DEFAULT_LOCALE`: `,` every three digits. @public */ export const GROUP_COMMA = 0x2c;
/** `LT_UNDERSCORE_LOCALE`: `_` every three digits. @public */ export const GROUP_UNDERSCORE = 0x5f;
/** `LT_UNDER_FOUR_LOCALE`: `_` every four digits (b, o, x, X). @public */ export const GROUP_UNDERSCORE_FOUR = 0x5f + 0x100;

/** A parsed format spec (`InternalFormatSpec`); characters as code points, 0 for none. @public */
export interface InternalFormatSpec {
  /** The fill character (default space). */
  fill: number;
  /** `<`, `>`, `=` or `^` (the caller's default when not given). */
  align: number;
  /** 0, `+`, `-` or space. */
  sign: number;
  /** `z`: negative zero coerced to zero. */
  noNeg0: boolean;
  /** `#`. */
  alternate: boolean;
  /** -1 when not given. */
  width: number;
  /** One of the `GROUP_*` values. */
  thousands: number;
  /** -1 when not given. */
  precision: number;
  /** The presentation type (the caller's default when not given; 0 for none). */
  type: number;
}

/** `PY_SSIZE_T_MAX` as the digit readers check it. */
const SSIZE_MAX = 2n ** 63n - 1n;

/** ValueError with `message`; null for the parsers' returns. */
function valueError(t: ObThread, message: string): null {
  errRaise(t, StaticType.ValueError, message);
  return null;
}

/**
 * `get_integer` of formatter_unicode.c: the decimal digits (any Unicode
 * decimal digit) from `pos`; `[value, count]`, or null with ValueError
 * "Too many decimal digits in format string" past `PY_SSIZE_T_MAX`. A
 * value past 2^53 is not exact (no str is that long: the caller fails
 * with MemoryError).
 * @internal
 */
export function readSpecInteger(t: ObThread, cps: ArrayLike<number>, pos: number, end: number): [number, number] | null {
  let value = 0;
  let big = 0n;
  let count = 0;
  for (let i = pos; i < end; i++) {
    const d = unicodeDecimal(cps[i]!);
    if (d < 0) break;
    count++;
    if (value < 2 ** 49) value = value * 10 + d;
    else {
      if (big === 0n) big = BigInt(value);
      big = big * 10n + BigInt(d);
      if (big > SSIZE_MAX) return valueError(t, 'Too many decimal digits in format string');
      value = Number(big);
    }
  }
  return [value, count];
}

/** A presentation type as CPython's messages show it: `'x'`, or `'\x1'` outside printable ASCII. @internal */
export function presentationTypeText(type: number): string {
  return type > 32 && type < 128 ? `'${String.fromCharCode(type)}'` : `'\\x${type.toString(16)}'`;
}

/** `unknown_presentation_type`: null with ValueError "Unknown format code 'd' for object of type 'str'". @internal */
export function unknownPresentationType(t: ObThread, type: number, typeName: string): null {
  return valueError(t, `Unknown format code ${presentationTypeText(type)} for object of type '${typeName}'`);
}

const isAlign = (c: number | undefined): boolean => c === 0x3c || c === 0x3e || c === 0x3d || c === 0x5e; // < > = ^

/**
 * `parse_internal_render_format_spec`: the spec `cps[start:end]` (code
 * points) parsed with the caller's defaults (`defaultType` 0 for none,
 * `defaultAlign` `'<'` or `'>'`); null with ValueError ("Invalid format
 * specifier '10.2fx' for object of type 'float'", "Format specifier
 * missing precision", "Cannot specify both ',' and '_'.", "Cannot specify
 * ',' with 's'.", "Too many decimal digits in format string"). `typeName`
 * names the object's type in them.
 * @public
 */
export function parseInternalFormatSpec(
  t: ObThread,
  cps: ArrayLike<number>,
  start: number,
  end: number,
  typeName: string,
  defaultType: number,
  defaultAlign: number,
): InternalFormatSpec | null {
  const f: InternalFormatSpec = { fill: 0x20, align: defaultAlign, sign: 0, noNeg0: false, alternate: false, width: -1, thousands: GROUP_NONE, precision: -1, type: defaultType };
  let pos = start;
  let fillSpecified = false;
  let alignSpecified = false;
  if (end - pos >= 2 && isAlign(cps[pos + 1])) {
    f.align = cps[pos + 1]!;
    f.fill = cps[pos]!;
    fillSpecified = alignSpecified = true;
    pos += 2;
  } else if (end - pos >= 1 && isAlign(cps[pos])) {
    f.align = cps[pos]!;
    alignSpecified = true;
    pos++;
  }
  if (end - pos >= 1 && (cps[pos] === 0x2b || cps[pos] === 0x2d || cps[pos] === 0x20)) f.sign = cps[pos++]!;
  if (end - pos >= 1 && cps[pos] === 0x7a) {
    f.noNeg0 = true; // z
    pos++;
  }
  if (end - pos >= 1 && cps[pos] === 0x23) {
    f.alternate = true; // #
    pos++;
  }
  // A `0` before the width: zero fill (backwards compatibility), and '=' alignment for types aligned right by default.
  if (!fillSpecified && end - pos >= 1 && cps[pos] === 0x30) {
    f.fill = 0x30;
    if (!alignSpecified && defaultAlign === 0x3e) f.align = 0x3d;
    pos++;
  }
  const width = readSpecInteger(t, cps, pos, end);
  if (width === null) return null;
  if (width[1] > 0) f.width = width[0];
  pos += width[1];
  if (end - pos >= 1 && cps[pos] === 0x2c) {
    f.thousands = GROUP_COMMA;
    pos++;
  }
  if (end - pos >= 1 && cps[pos] === 0x5f) {
    if (f.thousands !== GROUP_NONE) return valueError(t, "Cannot specify both ',' and '_'.");
    f.thousands = GROUP_UNDERSCORE;
    pos++;
  }
  if (end - pos >= 1 && cps[pos] === 0x2c && f.thousands === GROUP_UNDERSCORE) return valueError(t, "Cannot specify both ',' and '_'.");
  if (end - pos >= 1 && cps[pos] === 0x2e) {
    pos++;
    const precision = readSpecInteger(t, cps, pos, end);
    if (precision === null) return null;
    if (precision[1] === 0) return valueError(t, 'Format specifier missing precision');
    f.precision = precision[0];
    pos += precision[1];
  }
  if (end - pos > 1) return valueError(t, `Invalid format specifier '${codePointsToJs(cps, start, end)}' for object of type '${typeName}'`);
  if (end - pos === 1) f.type = cps[pos]!;
  if (f.thousands !== GROUP_NONE) {
    const type = f.type;
    if (f.thousands === GROUP_UNDERSCORE && (type === 0x62 || type === 0x6f || type === 0x78 || type === 0x58)) {
      f.thousands = GROUP_UNDERSCORE_FOUR; // PEP 515: '_' every four digits in b, o, x and X
    } else if (type !== 0 && !'defgEG%F'.includes(String.fromCodePoint(type))) {
      // PEP 378: grouping with the decimal types only.
      return valueError(t, `Cannot specify '${f.thousands === GROUP_COMMA ? ',' : '_'}' with ${presentationTypeText(type)}.`);
    }
  }
  return f;
}

// --- laying out numbers -------------------------------------------------------------------------

/**
 * `_PyUnicode_InsertThousandsGrouping`: `digits` with `sep` every `group`
 * digits from the right (none when `group` is 0), zeros added in front —
 * and grouped — until it is at least `minWidth` characters long (at least
 * one digit).
 * @internal
 */
export function groupDigits(digits: string, minWidth: number, group: number, sep: string): string {
  let remaining = digits.length;
  let min = minWidth;
  if (group === 0) {
    const len = Math.max(remaining, min, 1);
    return '0'.repeat(Math.max(0, len - remaining)) + digits;
  }
  const parts: string[] = [];
  let pos = remaining;
  for (;;) {
    const len = Math.min(group, Math.max(remaining, min, 1));
    const zeros = Math.max(0, len - remaining);
    const chars = Math.max(0, Math.min(remaining, len));
    parts.push('0'.repeat(zeros) + digits.slice(pos - chars, pos));
    pos -= chars;
    remaining -= chars;
    min -= group;
    if (remaining <= 0 && min <= 0) break;
    min -= sep.length;
  }
  return parts.reverse().join(sep);
}

/** The separator and group size of a `GROUP_*` value (`get_locale_info`; 'n' is the C locale's: none). */
function groupingOf(thousands: number): [number, string] {
  if (thousands === GROUP_COMMA) return [3, ','];
  if (thousands === GROUP_UNDERSCORE) return [3, '_'];
  if (thousands === GROUP_UNDERSCORE_FOUR) return [4, '_'];
  return [0, ''];
}

/** A number split for layout: the parts `calc_number_widths` counts. @internal */
export interface NumberParts {
  /** '-' when the text had one, else ''. */
  signChar: string;
  /** `0x`, `0o`, `0b` (upper-cased with X), or ''. */
  prefix: string;
  /** The integer digits (grouped), '' for none (`c`, nan, inf). */
  digits: string;
  /** Whether a decimal point follows the digits. */
  hasDecimal: boolean;
  /** What follows: fraction, exponent, `%`, or the `c` character. */
  remainder: string;
}

/**
 * `parse_number`: a formatted number's text (after its sign) split into
 * the leading ASCII digits, a decimal point, and the rest.
 * @internal
 */
export function splitNumber(text: string, signChar: string): NumberParts {
  let pos = signChar === '' ? 0 : 1;
  const start = pos;
  while (pos < text.length && text.charCodeAt(pos) >= 48 && text.charCodeAt(pos) <= 57) pos++;
  const hasDecimal = pos < text.length && text.charCodeAt(pos) === 46;
  return { signChar, prefix: '', digits: text.slice(start, pos), hasDecimal, remainder: text.slice(hasDecimal ? pos + 1 : pos) };
}

/** Code points in JavaScript text (a surrogate pair is one: `c`'s character may be astral). */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) n--;
    }
  }
  return n;
}

/**
 * `calc_number_widths` + `fill_number`: a number's parts written with the
 * spec's sign, grouping and padding (`f.width`, `f.align`, `f.fill`; pass
 * a spec with width -1 for no padding). `upper` upper-cases the digits
 * and prefix (`X`). Returns the characters written.
 * @internal
 */
export function writeNumber(w: UnicodeWriter, parts: NumberParts, f: InternalFormatSpec, upper: boolean): number {
  const sign = f.sign === 0x2b ? (parts.signChar === '-' ? '-' : '+') : f.sign === 0x20 ? (parts.signChar === '-' ? '-' : ' ') : parts.signChar;
  const nonDigits = sign.length + parts.prefix.length + (parts.hasDecimal ? 1 : 0) + codePointLength(parts.remainder);
  const minWidth = f.fill === 0x30 && f.align === 0x3d ? f.width - nonDigits : 0;
  const [group, sep] = groupingOf(f.thousands);
  let grouped = parts.digits.length === 0 ? '' : groupDigits(parts.digits, minWidth, group, sep);
  if (upper) grouped = grouped.toUpperCase();
  const padding = f.width - (nonDigits + grouped.length);
  let left = 0;
  let inner = 0;
  let right = 0;
  if (padding > 0) {
    if (f.align === 0x3c) right = padding;
    else if (f.align === 0x5e) {
      left = padding >> 1;
      right = padding - left;
    } else if (f.align === 0x3d) inner = padding;
    else left = padding;
  }
  w.fill(f.fill, left);
  w.text(sign);
  w.text(upper ? parts.prefix.toUpperCase() : parts.prefix);
  w.fill(f.fill, inner);
  w.text(grouped);
  if (parts.hasDecimal) w.char(0x2e);
  w.text(parts.remainder);
  w.fill(f.fill, right);
  return left + nonDigits + inner + grouped.length + right;
}

/**
 * `calc_padding`: `[left, right]` padding of `chars` characters to
 * `width` by `align` (`'='` as `'<'`).
 * @internal
 */
export function calcPadding(chars: number, width: number, align: number): [number, number] {
  const total = width >= 0 && chars < width ? width : chars;
  const left = align === 0x3e ? total - chars : align === 0x5e ? (total - chars) >> 1 : 0;
  return [left, total - chars - left];
}
