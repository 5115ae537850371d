/**
 * `float.hex()` and `float.fromhex(string)` (`float_hex_impl`,
 * `float_fromhex` of `Objects/floatobject.c`): a double as C99's `%a`
 * would write it with CPython's fixed shape — `0x1.<13 hex digits>p±e`
 * for a normal number, `0x0.<13 digits>p-1022` for a subnormal one — and
 * back, the hexadecimal significand rounded half to even into a double.
 *
 * The parsing follows CPython's grammar: ASCII whitespace around,
 * `inf` / `infinity` / `nan` (any case, signed), else a sign, an optional
 * `0x`, hex digits with an optional point (at least one digit), an
 * optional `p` exponent in decimal. Rounding is done exactly on a BigInt
 * significand, so every input has the one correctly rounded result.
 */

/** `DBL_MIN_EXP - DBL_MANT_DIG`: a value below 2**this rounds to zero. */
const UNDERFLOW_EXP = -1021 - 53;
/** `DBL_MAX_EXP`. */
const DBL_MAX_EXP = 1024;
/** `DBL_MIN_EXP`. */
const DBL_MIN_EXP = -1021;
/** `DBL_MANT_DIG`. */
const DBL_MANT_DIG = 53;
/** `LONG_MAX / 2` of a 64-bit `long`: a larger exponent overflows, a smaller negative one is zero. */
const HALF_LONG = 2n ** 62n;

/** `float.hex()` as JavaScript text: `0x1.8000000000000p+1` for 3.0, `inf`, `-0x0.0p+0`. @public */
export function floatHexJs(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0x0.0p+0' : '0x0.0p+0';
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  // The 52 fraction bits as 13 hex digits: 5 from the high word, 8 from the low one.
  const fraction = (hi & 0xfffff).toString(16).padStart(5, '0') + lo.toString(16).padStart(8, '0');
  // A subnormal is 0x0.<fraction>p-1022, as CPython's frexp/ldexp walk writes it.
  const lead = biased === 0 ? '0' : '1';
  const exp = biased === 0 ? -1022 : biased - 1023;
  return `${x < 0 ? '-' : ''}0x${lead}.${fraction}p${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
}

/** `Py_ISSPACE` for one UTF-16 unit: ASCII whitespace only. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\x0b' || c === '\x0c';
}

/** The outcome of {@link floatFromHexJs}: the value, or which error CPython raises. */
export type FromHexResult = { readonly value: number } | { readonly error: 'invalid' | 'overflow' };

/**
 * `float.fromhex(string)` on JavaScript text: the correctly rounded
 * double, or the error to raise — 'invalid' (ValueError "invalid
 * hexadecimal floating-point string") or 'overflow' (OverflowError
 * "hexadecimal value too large to represent as a float").
 * @public
 */
export function floatFromHexJs(text: string): FromHexResult {
  const invalid = { error: 'invalid' } as const;
  let i = 0;
  const n = text.length;
  while (isSpace(text[i])) i++;
  let end = n;
  while (end > i && isSpace(text[end - 1])) end--;
  const body = text.slice(i, end);
  // `_Py_parse_inf_or_nan`: a sign, then inf / infinity / nan in any case, and nothing after.
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(body);
  if (special !== null) {
    const negative = special[1] === '-';
    const value = special[2]!.toLowerCase() === 'nan' ? NaN : Infinity;
    return { value: negative ? -value : value };
  }
  const m = /^([+-]?)(?:0[xX])?([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/.exec(body);
  if (m === null) return invalid;
  const intDigits = m[2]!;
  const fracDigits = m[3] ?? '';
  if (intDigits.length + fracDigits.length === 0) return invalid;
  const negative = m[1] === '-';
  const signed = (v: number): FromHexResult => ({ value: negative ? -v : v });
  const significand = BigInt(`0x${intDigits}${fracDigits}`);
  if (significand === 0n) return signed(0);
  const exp10 = m[4] === undefined ? 0n : BigInt(m[4]);
  // Exponents past ±LONG_MAX/2 are decided before any arithmetic, as in CPython.
  if (exp10 < -HALF_LONG) return signed(0);
  if (exp10 > HALF_LONG) return { error: 'overflow' };
  // value = significand * 2**exp; its top bit is 2**(topExp - 1).
  const exp = Number(exp10) - 4 * fracDigits.length;
  const topExp = exp + significand.toString(2).length;
  if (topExp < UNDERFLOW_EXP) return signed(0);
  if (topExp > DBL_MAX_EXP) return { error: 'overflow' };
  // The exponent of the rounded value's last bit (the subnormals' is fixed).
  const lsb = Math.max(topExp, DBL_MIN_EXP) - DBL_MANT_DIG;
  if (exp >= lsb) return signed(Number(significand) * 2 ** exp);
  const shift = BigInt(lsb - exp);
  let q = significand >> shift;
  const rest = significand & ((1n << shift) - 1n);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  // Rounding up past the largest double.
  if (topExp === DBL_MAX_EXP && q === 1n << BigInt(DBL_MANT_DIG)) return { error: 'overflow' };
  return signed(Number(q) * 2 ** lsb);
}
