/**
 * The value of a number literal (CPython `parsenumber` of
 * `Parser/action_helpers.c` and `Parser/pegen.c`): an int, a float, or an
 * imaginary number, from the token's text. The tokenizer already checked
 * its form.
 */

import { ConstantType } from './ast.js';

/** A number literal's `Constant` payload. */
export type NumberLiteral =
  | { valueType: ConstantType.Int; value: number | bigint }
  | { valueType: ConstantType.Float; value: number }
  | { valueType: ConstantType.Complex; value: { real: number; imag: number } };

/** Reads `text` (a NUMBER token, underscores allowed). */
export function parseNumberLiteral(text: string): NumberLiteral {
  const digits = text.includes('_') ? text.replace(/_/g, '') : text;
  const last = digits[digits.length - 1];
  if (last === 'j' || last === 'J') return { valueType: ConstantType.Complex, value: { real: 0, imag: Number(digits.slice(0, -1)) } };
  const radix = digits.length > 1 && digits[0] === '0' ? digits[1].toLowerCase() : '';
  if (radix === 'x' || radix === 'o' || radix === 'b') return { valueType: ConstantType.Int, value: intValue(BigInt(`0${radix}${digits.slice(2)}`)) };
  if (/[.eE]/.test(digits)) return { valueType: ConstantType.Float, value: Number(digits) };
  return { valueType: ConstantType.Int, value: intValue(BigInt(digits)) };
}

function intValue(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
