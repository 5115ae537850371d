/**
 * int ↔ text and bytes (`Objects/longobject.c`): `int(text, base)`
 * (`PyLong_FromUnicodeObject` / `PyLong_FromString`), `str(n)` / `repr(n)`
 * / `bin` / `oct` / `hex` (`long_to_decimal_string`, `_PyLong_Format`),
 * CPython's limit on the digits of decimal conversions (gh-95778,
 * `sys.set_int_max_str_digits`), `int.to_bytes` / `int.from_bytes`
 * (`_PyLong_AsByteArray` / `_PyLong_FromByteArray`) and `int.bit_length`.
 *
 * Decimal text is parsed and printed by V8's `BigInt` (native, and far
 * faster than a digit loop in JavaScript); power-of-two bases are read
 * straight into 30-bit digits; other bases are read in chunks that fit a
 * double and combined pairwise with bigint products.
 *
 * Reads of an int's digits are plain: ints are immutable once published.
 */

import { decref } from '@ft/refcount';
import { errRaise, errRaiseInt } from './errors.js';
import { digitsToBigInt, intFromBigInt, longAlloc, longFromSafe, longNormalize } from './int.js';
import { LONG_DIGITS_OFFSET, LONG_MASK, LONG_NON_SIZE_BITS, LONG_SHIFT, LONG_SIGN_MASK, LONG_SIGN_NEGATIVE, LONG_TAG_OFFSET, StaticType, OS_INT_MAX_STR_DIGITS_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs, strReprJs } from './str.js';

/** `_PY_LONG_DEFAULT_MAX_STR_DIGITS`: the default limit on the digits of a decimal conversion. @public */
export const INT_DEFAULT_MAX_STR_DIGITS = 4300;
/** `_PY_LONG_MAX_STR_DIGITS_THRESHOLD`: the smallest limit one can set (0 aside), and the size below which no limit is checked. @public */
export const INT_MAX_STR_DIGITS_THRESHOLD = 640;

/** The limit on the digits of decimal conversions, 0 for none (`sys.get_int_max_str_digits()`): the interpreter's, in the objects state. @public */
export function intGetMaxStrDigits(t: ObThread): number {
  return Atomics.load(t.u32, (t.state + OS_INT_MAX_STR_DIGITS_OFFSET) >>> 2);
}

/**
 * `sys.set_int_max_str_digits(n)`: 0 (no limit) or at least 640, for every
 * thread of the interpreter; 0, or -1 with ValueError "maxdigits must be 0
 * or larger than 640".
 * @public
 */
export function intSetMaxStrDigits(t: ObThread, n: number): number {
  if (!Number.isInteger(n) || (n !== 0 && n < INT_MAX_STR_DIGITS_THRESHOLD) || n > 2 ** 31 - 1) {
    return errRaiseInt(t, StaticType.ValueError, `maxdigits must be 0 or larger than ${INT_MAX_STR_DIGITS_THRESHOLD}`);
  }
  Atomics.store(t.u32, (t.state + OS_INT_MAX_STR_DIGITS_OFFSET) >>> 2, n);
  return 0;
}

// --- parsing -------------------------------------------------------------------------------

/**
 * The code points whose Unicode decimal value is 0 (Unicode 15.1, as
 * python3.13's `unicodedata`): each starts a run of the ten decimal
 * digits 0…9, and no decimal digit lies outside these runs.
 */
const DECIMAL_ZEROS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80,
  0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450,
  0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x11f50, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0,
  0x1e4f0, 0x1e950, 0x1fbf0,
];

/** `Py_UNICODE_TODECIMAL(c)`: the decimal value of a code point, or -1. */
function unicodeDecimal(c: number): number {
  let lo = 0;
  let hi = DECIMAL_ZEROS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (DECIMAL_ZEROS[mid]! <= c) lo = mid;
    else hi = mid - 1;
  }
  const v = c - DECIMAL_ZEROS[lo]!;
  return v >= 0 && v < 10 ? v : -1;
}

/** `Py_UNICODE_ISSPACE(c)` for c ≥ 127 (python3.13's `str.isspace` there). */
function unicodeIsSpace(c: number): boolean {
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** `Py_ISSPACE`: the C locale's whitespace (space, \t, \n, \v, \f, \r). */
function asciiIsSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** `_PyLong_DigitValue`: a character code's digit value, 37 for what is no digit. */
function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 37;
}

/** The transformed text (module scope: thread-local), as character codes. */
let codes = new Uint8Array(64);
const latin1 = new TextDecoder('latin1');

/**
 * `_PyUnicode_TransformDecimalAndSpaceToASCII`: ASCII stays, other
 * whitespace becomes ' ', other decimal digits their ASCII digit, and the
 * first other character '?' (where the text ends, as CPython cuts it).
 * Returns the length.
 */
function transformToAscii(text: string): number {
  if (codes.length < text.length) codes = new Uint8Array(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 127) {
      codes[n++] = c;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (unicodeIsSpace(c)) {
      codes[n++] = 0x20;
      continue;
    }
    const d = unicodeDecimal(c);
    if (d < 0) {
      codes[n++] = 0x3f; // '?'
      break;
    }
    codes[n++] = 48 + d;
  }
  return n;
}

/** 0 with ValueError "invalid literal for int() with base 10: '12a'" (the text's repr cut at 200 characters, `%.200R`). */
function invalidLiteral(t: ObThread, text: string, base: number): 0 {
  const s = strFromJs(t, text);
  if (s === 0) return 0;
  const repr = strReprJs(t, s);
  decref(t.rc, s);
  return errRaise(t, StaticType.ValueError, `invalid literal for int() with base ${base}: ${[...repr].slice(0, 200).join('')}`);
}

/**
 * `int(text, base)` (`PyLong_FromUnicodeObject`): surrounding whitespace,
 * a sign, with base 0 a `0x`/`0o`/`0b` prefix choosing the base (else
 * base 10, where a leading zero is allowed only for 0), with base 16, 8
 * or 2 the same prefix optional, single underscores between digits (and
 * one after a prefix), Unicode decimal digits and whitespace. A new
 * reference, or 0 with ValueError ("invalid literal for int() with base
 * 10: '12a'", "int() base must be \>= 2 and \<= 36, or 0", or the limit
 * on decimal digits: "Exceeds the limit (4300 digits) for integer string
 * conversion: value has 5000 digits; use sys.set_int_max_str_digits() to
 * increase the limit").
 * @example
 * ```ts
 * const n = intFromString(t, '0x_ff', 0); // 255
 * ```
 * @public
 */
export function intFromString(t: ObThread, text: string, base: number): number {
  if (!Number.isInteger(base) || (base !== 0 && base < 2) || base > 36) return errRaise(t, StaticType.ValueError, 'int() base must be >= 2 and <= 36, or 0');
  const n = transformToAscii(text);
  const s = codes;
  let i = 0;
  while (i < n && asciiIsSpace(s[i]!)) i++;
  let negative = false;
  if (i < n && (s[i] === 0x2b || s[i] === 0x2d)) negative = s[i++] === 0x2d;
  let b = base;
  let errorIfNonzero = false;
  const c0 = i < n ? s[i]! : 0;
  const c1 = i + 1 < n ? s[i + 1]! | 0x20 : 0; // lower case
  if (b === 0) {
    if (c0 !== 0x30) b = 10;
    else if (c1 === 0x78) b = 16;
    else if (c1 === 0x6f) b = 8;
    else if (c1 === 0x62) b = 2;
    else {
      // "Old" C-style octal ("010"): invalid unless it is a zero.
      errorIfNonzero = true;
      b = 10;
    }
  }
  if (c0 === 0x30 && ((b === 16 && c1 === 0x78) || (b === 8 && c1 === 0x6f) || (b === 2 && c1 === 0x62))) {
    i += 2;
    if (i < n && s[i] === 0x5f) i++; // one underscore may follow the prefix
  }
  if (i < n && s[i] === 0x5f) return invalidLiteral(t, text, base);
  const start = i;
  let digits = 0;
  let prev = 0;
  for (; i < n; i++) {
    const c = s[i]!;
    if (c === 0x5f) {
      if (prev === 0x5f) return invalidLiteral(t, text, base);
    } else if (digitValue(c) < b) {
      digits++;
    } else {
      break;
    }
    prev = c;
  }
  if (prev === 0x5f || digits === 0) return invalidLiteral(t, text, base);
  const end = i;
  // Only whitespace may follow the digits; checked before the digit limit (`long_from_string_base`).
  while (i < n && asciiIsSpace(s[i]!)) i++;
  if (i !== n) return invalidLiteral(t, text, base);
  if ((b & (b - 1)) !== 0 && digits > INT_MAX_STR_DIGITS_THRESHOLD) {
    const limit = intGetMaxStrDigits(t);
    if (limit > 0 && digits > limit) {
      return errRaise(t, StaticType.ValueError, `Exceeds the limit (${limit} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`);
    }
  }
  if (errorIfNonzero) {
    for (let k = start; k < end; k++) if (s[k] !== 0x30 && s[k] !== 0x5f) return invalidLiteral(t, text, base);
    return longFromSafe(t, 0);
  }
  if ((b & (b - 1)) === 0) return parsePowerOfTwo(t, s, start, end, b, digits, negative);
  return parseOther(t, s, start, end, b, digits, negative);
}

/** Digits of a power-of-two base, straight into 30-bit digits from the least significant character. */
function parsePowerOfTwo(t: ObThread, s: Uint8Array, start: number, end: number, base: number, digits: number, negative: boolean): number {
  const bitsPerChar = 31 - Math.clz32(base);
  const ndigits = Math.ceil((digits * bitsPerChar) / LONG_SHIFT);
  const z = longAlloc(t, ndigits, 0);
  if (z === 0) return 0;
  const u32 = t.u32;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  let k = 0;
  let acc = 0;
  let accBits = 0;
  for (let i = end - 1; i >= start; i--) {
    const c = s[i]!;
    if (c === 0x5f) continue;
    // accBits < 30 and a character adds at most 5 bits: within 35 bits, kept exact in a double.
    acc += digitValue(c) * 2 ** accBits;
    accBits += bitsPerChar;
    if (accBits >= LONG_SHIFT) {
      const digit = acc % 2 ** LONG_SHIFT;
      u32[dz + k++] = digit; // SAFETY: not published yet
      acc = (acc - digit) / 2 ** LONG_SHIFT;
      accBits -= LONG_SHIFT;
    }
  }
  if (k < ndigits) u32[dz + k] = acc; // SAFETY: not published yet
  return longNormalize(t, z, ndigits, negative);
}

/** Digits of any other base: a double while exact, V8's decimal parser, or chunks combined pairwise. */
function parseOther(t: ObThread, s: Uint8Array, start: number, end: number, base: number, digits: number, negative: boolean): number {
  // Characters per chunk such that base^k < 2^53.
  const perChunk = Math.floor(53 / Math.log2(base));
  if (digits <= perChunk) {
    let v = 0;
    for (let i = start; i < end; i++) if (s[i] !== 0x5f) v = v * base + digitValue(s[i]!);
    return longFromSafe(t, negative ? -v : v);
  }
  let value: bigint;
  if (base === 10) {
    const text = latin1.decode(s.subarray(start, end));
    value = BigInt(digits === end - start ? text : text.replaceAll('_', ''));
  } else {
    // Chunks from the least significant end, each < base^perChunk, then pairs joined: hi·B + lo, B squared per round.
    const chunks: bigint[] = [];
    let v = 0;
    let scale = 1;
    let count = 0;
    for (let i = end - 1; i >= start; i--) {
      if (s[i] === 0x5f) continue;
      v += digitValue(s[i]!) * scale;
      scale *= base;
      if (++count === perChunk) {
        chunks.push(BigInt(v));
        v = 0;
        scale = 1;
        count = 0;
      }
    }
    if (count > 0) chunks.push(BigInt(v));
    let power = BigInt(base) ** BigInt(perChunk);
    let level = chunks;
    while (level.length > 1) {
      const next: bigint[] = [];
      for (let k = 0; k < level.length; k += 2) next.push(k + 1 < level.length ? level[k + 1]! * power + level[k]! : level[k]!);
      level = next;
      power *= power;
    }
    value = level[0]!;
  }
  return intFromBigInt(t, negative ? -value : value);
}

// --- printing ------------------------------------------------------------------------------

/**
 * `_PyLong_Format` as JavaScript text: base 10 (`str`, with the digit
 * limit), 2, 8 or 16 with CPython's prefixes (`-0x1f`, as `hex()`); null
 * with ValueError "Exceeds the limit (4300 digits) for integer string
 * conversion; use sys.set_int_max_str_digits() to increase the limit".
 * @public
 */
export function intFormatJs(t: ObThread, op: number, base: 2 | 8 | 10 | 16 = 10): string | null {
  const u32 = t.u32;
  const tag = u32[(op + LONG_TAG_OFFSET) >>> 2]!;
  const n = tag >>> LONG_NON_SIZE_BITS;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  const negative = (tag & LONG_SIGN_MASK) === LONG_SIGN_NEGATIVE;
  if (base === 10) {
    if (n <= 1) return String((1 - (tag & LONG_SIGN_MASK)) * u32[d]!);
    if (n === 2 && u32[d + 1]! < 2 ** 23) return String((1 - (tag & LONG_SIGN_MASK)) * (u32[d + 1]! * 2 ** LONG_SHIFT + u32[d]!));
    // CPython refuses before converting when the digit count alone says too many (its exact test).
    const limit = intGetMaxStrDigits(t);
    if (n >= Math.floor((10 * INT_MAX_STR_DIGITS_THRESHOLD) / (3 * LONG_SHIFT)) + 2 && limit > 0 && Math.floor(limit / (3 * LONG_SHIFT)) <= Math.floor((n - 11) / 10)) {
      errRaise(t, StaticType.ValueError, `Exceeds the limit (${limit} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit`);
      return null;
    }
    const text = digitsToBigInt(u32, d, n).toString();
    // CPython checks the exact length only below 1000 digits: past them it hands the conversion to its
    // `_pylong` module, which does not (so with a limit of 10000, str(10**10000) succeeds).
    if (n <= 1000 && text.length > INT_MAX_STR_DIGITS_THRESHOLD && limit > 0 && text.length > limit) {
      errRaise(t, StaticType.ValueError, `Exceeds the limit (${limit} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit`);
      return null;
    }
    return negative ? `-${text}` : text;
  }
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : '0b';
  const text = n <= 1 ? u32[d]!.toString(base) : digitsToBigInt(u32, d, n).toString(base);
  return negative ? `-${prefix}${text}` : prefix + text;
}

/**
 * `PyNumber_ToBase` / `long_to_decimal_string` (`str(n)`, `repr(n)`,
 * `bin`, `oct`, `hex`): a new str, or 0 with ValueError past the digit
 * limit (base 10 only) — see {@link intFormatJs}.
 * @public
 */
export function intToString(t: ObThread, op: number, base: 2 | 8 | 10 | 16 = 10): number {
  const text = intFormatJs(t, op, base);
  if (text === null) return 0;
  return strFromJs(t, text);
}

// --- bit_length, to_bytes, from_bytes ------------------------------------------------------

/** `int.bit_length()`: bits of |op| (0 for 0). @public */
export function intBitLength(t: ObThread, op: number): number {
  const tag = t.u32[(op + LONG_TAG_OFFSET) >>> 2]!;
  const n = tag >>> LONG_NON_SIZE_BITS;
  if (n === 0) return 0;
  return (n - 1) * LONG_SHIFT + (32 - Math.clz32(t.u32[((op + LONG_DIGITS_OFFSET) >>> 2) + n - 1]!));
}

/** `int.bit_count()`: the number of one bits of |op| (the population count of its digits). @public */
export function intBitCount(t: ObThread, op: number): number {
  const n = t.u32[(op + LONG_TAG_OFFSET) >>> 2]! >>> LONG_NON_SIZE_BITS;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  let count = 0;
  for (let i = 0; i < n; i++) {
    let x = t.u32[d + i]!;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    count += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  }
  return count;
}

/** Whether `byteorder` is 'little' (true) or 'big' (false); null with ValueError otherwise. */
function littleEndian(t: ObThread, byteorder: string): boolean | null {
  if (byteorder === 'little') return true;
  if (byteorder === 'big') return false;
  errRaise(t, StaticType.ValueError, "byteorder must be either 'little' or 'big'");
  return null;
}

/**
 * `int.to_bytes(length, byteorder, *, signed)`: two's complement bytes
 * (`_PyLong_AsByteArray`) as a new Uint8Array, or null with ValueError
 * ("byteorder must be either 'little' or 'big'", "length argument must be
 * non-negative") or OverflowError ("int too big to convert", "can't
 * convert negative int to unsigned").
 * @public
 */
export function intToBytes(t: ObThread, op: number, length: number, byteorder: string, signed: boolean): Uint8Array | null {
  const little = littleEndian(t, byteorder);
  if (little === null) return null;
  if (length < 0) {
    errRaise(t, StaticType.ValueError, 'length argument must be non-negative');
    return null;
  }
  const u32 = t.u32;
  const tag = u32[(op + LONG_TAG_OFFSET) >>> 2]!;
  const n = tag >>> LONG_NON_SIZE_BITS;
  const d = (op + LONG_DIGITS_OFFSET) >>> 2;
  const negative = (tag & LONG_SIGN_MASK) === LONG_SIGN_NEGATIVE;
  if (negative && !signed) {
    errRaise(t, StaticType.OverflowError, "can't convert negative int to unsigned");
    return null;
  }
  // Does it fit? Unsigned: bits ≤ 8·length. Signed: bits ≤ 8·length − 1, or exactly −2^(8·length − 1).
  const bits = intBitLength(t, op);
  const room = 8 * length - (signed ? 1 : 0);
  let fits = bits === 0 || bits <= room;
  // CPython's check looks for sign copies past the last byte and then at the last byte's top bit; with no
  // byte at all only the first happens, so -1 (all sign copies) fits in 0 signed bytes.
  if (!fits && negative && length === 0) fits = n === 1 && u32[d] === 1;
  else if (!fits && negative && bits === room + 1) {
    // |op| a power of two: one top bit, every lower digit 0.
    fits = (u32[d + n - 1]! & (u32[d + n - 1]! - 1)) === 0;
    for (let i = 0; i < n - 1 && fits; i++) fits = u32[d + i] === 0;
  }
  if (!fits) {
    errRaise(t, StaticType.OverflowError, 'int too big to convert');
    return null;
  }
  const out = new Uint8Array(length);
  let k = 0;
  let acc = 0;
  let accBits = 0;
  let carry = 1;
  for (let i = 0; i < n && k < length; i++) {
    let digit = u32[d + i]!;
    if (negative) {
      digit = (digit ^ LONG_MASK) + carry;
      carry = digit >>> LONG_SHIFT;
      digit &= LONG_MASK;
    }
    acc += digit * 2 ** accBits; // below 2^38: exact
    accBits += LONG_SHIFT;
    while (accBits >= 8 && k < length) {
      const byte = acc % 256;
      out[k++] = byte;
      acc = (acc - byte) / 256;
      accBits -= 8;
    }
  }
  if (k < length) {
    // The rest of the last digit, then the sign extension.
    if (negative) acc += (2 ** (8 - (accBits & 7)) - 1) * 2 ** accBits; // ones above the digits' bits
    while (k < length && accBits > 0) {
      const byte = acc % 256;
      out[k++] = byte;
      acc = (acc - byte) / 256;
      accBits -= 8;
    }
    out.fill(negative ? 0xff : 0, k);
  }
  if (!little) out.reverse();
  return out;
}

/**
 * `int.from_bytes(bytes, byteorder, *, signed)` (`_PyLong_FromByteArray`):
 * a new reference, or 0 with ValueError for a bad `byteorder`.
 * @public
 */
export function intFromBytes(t: ObThread, bytes: Uint8Array, byteorder: string, signed: boolean): number {
  const little = littleEndian(t, byteorder);
  if (little === null) return 0;
  const length = bytes.length;
  const byteAt = (k: number): number => bytes[little ? k : length - 1 - k]!; // k from the least significant
  const negative = signed && length > 0 && byteAt(length - 1) >= 0x80;
  const ndigits = Math.ceil((length * 8) / LONG_SHIFT);
  const z = longAlloc(t, ndigits, 0);
  if (z === 0) return 0;
  const u32 = t.u32;
  const dz = (z + LONG_DIGITS_OFFSET) >>> 2;
  let j = 0;
  let acc = 0;
  let accBits = 0;
  let carry = 1;
  for (let k = 0; k < length; k++) {
    acc += byteAt(k) * 2 ** accBits; // below 2^38: exact
    accBits += 8;
    if (accBits >= LONG_SHIFT) {
      let digit = acc % 2 ** LONG_SHIFT;
      acc = (acc - digit) / 2 ** LONG_SHIFT;
      accBits -= LONG_SHIFT;
      if (negative) {
        // The magnitude of a negative two's complement value: complemented and incremented.
        digit = (digit ^ LONG_MASK) + carry;
        carry = digit >>> LONG_SHIFT;
        digit &= LONG_MASK;
      }
      u32[dz + j++] = digit; // SAFETY: not published yet
    }
  }
  if (j < ndigits) {
    let digit = acc;
    if (negative) {
      // The top partial digit, sign-extended to 30 bits before complementing.
      digit = ((digit + (2 ** LONG_SHIFT - 2 ** accBits)) ^ LONG_MASK) + carry;
      digit &= LONG_MASK;
    }
    u32[dz + j] = digit; // SAFETY: not published yet
  }
  return longNormalize(t, z, ndigits, negative);
}
