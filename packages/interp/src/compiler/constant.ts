/**
 * Constants as the compiler handles them: making them from literals, the
 * key that tells which constants are the same (`_PyCode_ConstantKey`,
 * `Objects/codeobject.c`), and their Python `repr`.
 *
 * The key matters for the bytecode: `co_consts` holds each distinct
 * constant once, and "distinct" is CPython's: `1`, `1.0` and `True` are three
 * constants although they compare equal, `0.0` and `-0.0` are two, tuples
 * are the same when their items' keys are.
 */

import type { CodeUnit, ConstValue } from './code-unit.js';

export const NONE: ConstValue = { type: 'None' };
export const ELLIPSIS: ConstValue = { type: 'Ellipsis' };
export const TRUE: ConstValue = { type: 'bool', value: true };
export const FALSE: ConstValue = { type: 'bool', value: false };

export function intConst(value: number | bigint): ConstValue {
  return { type: 'int', value: BigInt(value) };
}

export function strConst(value: string): ConstValue {
  return { type: 'str', value };
}

export function tupleConst(items: readonly ConstValue[]): ConstValue {
  return { type: 'tuple', items };
}

/**
 * A code object is its own key: equal codes (`code_richcompare`: name,
 * argument counts, flags, first line, bytecode, constants, names, local
 * names, line and exception tables; not the qualified name) are one
 * constant. Two equal codes arise when a block is compiled twice — a
 * `while` test (at the top and at the bottom) or a `finally` body (normal
 * and exceptional exit) holding a lambda or a generator expression.
 */
const codeKeys = new WeakMap<CodeUnit, string>();

function codeKey(code: CodeUnit): string {
  let key = codeKeys.get(code);
  if (key === undefined) {
    const bytes = (b: Uint8Array): string => Array.from(b).join(',');
    const fields = JSON.stringify([
      code.co_name,
      code.co_argcount,
      code.co_posonlyargcount,
      code.co_kwonlyargcount,
      code.co_flags,
      code.co_firstlineno,
      bytes(code.co_code),
      code.co_names,
      code.co_localsplusnames,
      bytes(code.co_linetable),
      bytes(code.co_exceptiontable),
    ]);
    // The constants' keys go in verbatim behind their lengths, not through
    // JSON.stringify: escaping a nested code's key again at every level made
    // the keys of nested lambdas grow exponentially with the depth.
    const consts = code.co_consts.map((c) => {
      const k = constKey(c);
      return `${k.length}:${k}`;
    });
    key = `@${fields.length}:${fields}${consts.length}:${consts.join('')})`;
    codeKeys.set(code, key);
  }
  return key;
}

function floatKey(x: number): string {
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

/**
 * A NaN equals nothing, not even itself; CPython's key holds the float
 * object, so one NaN object is one constant and two NaN objects (two folded
 * `inf * 0`) are two. Here the constant's object stands for CPython's: a
 * folded node keeps its one value, however often it is compiled.
 */
const nanIds = new WeakMap<ConstValue, number>();
let nextNanId = 0;

function nanKey(c: ConstValue): string {
  let id = nanIds.get(c);
  if (id === undefined) nanIds.set(c, (id = nextNanId++));
  return `nan#${id}`;
}

/** `_PyCode_ConstantKey` as a string: equal keys are the same constant. */
export function constKey(c: ConstValue): string {
  switch (c.type) {
    case 'None':
      return 'N';
    case 'Ellipsis':
      return 'E';
    case 'bool':
      return c.value ? 'T' : 'F';
    case 'int':
      return `i${c.value}`;
    case 'float':
      return Number.isNaN(c.value) ? nanKey(c) : `f${floatKey(c.value)}`;
    case 'complex':
      return Number.isNaN(c.real) || Number.isNaN(c.imag) ? nanKey(c) : `c${floatKey(c.real)},${floatKey(c.imag)}`;
    case 'str':
      return `s${c.value.length}:${c.value}`;
    case 'bytes':
      return `b${Array.from(c.value).join(',')};`;
    case 'tuple':
      return `(${c.items.map(constKey).join('|')})`;
    case 'frozenset':
      return `{${c.items.map(constKey).sort().join('|')}}`;
    case 'code':
      return codeKey(c.code);
  }
}

// ---------------------------------------------------------------- repr

/** `float.__repr__` digits (`'r'` format): shortest round-trip, Python's switch to exponent notation. */
export function floatRepr(x: number, addDot0 = true): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? (addDot0 ? '-0.0' : '-0') : addDot0 ? '0.0' : '0';
  const [mantissa, expText] = Math.abs(x).toExponential().split('e');
  const exp = Number(expText);
  const digits = mantissa.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  let text: string;
  if (exp < 0) text = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length <= exp + 1) text = digits + '0'.repeat(exp + 1 - digits.length) + (addDot0 ? '.0' : '');
  else text = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return sign + text;
}

function complexRepr(real: number, imag: number): string {
  const im = floatRepr(imag, false);
  if (real === 0 && !Object.is(real, -0)) return `${im}j`;
  const re = floatRepr(real, false);
  // Py_DTSF_SIGN: the imaginary part always has a sign (a NaN's is '+').
  const signed = im.startsWith('-') ? im : `+${im}`;
  return `(${re}${signed}j)`;
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `str.__repr__`: Python's choice of quotes and escapes. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (cp !== 0x20 && NON_PRINTABLE.test(ch)) {
      out += cp <= 0xff ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    } else out += ch;
  }
  return out + quote;
}

/** `bytes.__repr__`. */
export function bytesRepr(b: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const x of b) {
    if (x === 0x27) hasSingle = true;
    else if (x === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${quote}`;
  for (const x of b) {
    const ch = String.fromCharCode(x);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (x < 0x20 || x >= 0x7f) out += `\\x${hex(x, 2)}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr` of a constant (a code object as `<code object NAME>`). */
export function constRepr(c: ConstValue): string {
  switch (c.type) {
    case 'None':
      return 'None';
    case 'Ellipsis':
      return 'Ellipsis';
    case 'bool':
      return c.value ? 'True' : 'False';
    case 'int':
      return c.value.toString();
    case 'float':
      return floatRepr(c.value);
    case 'complex':
      return complexRepr(c.real, c.imag);
    case 'str':
      return strRepr(c.value);
    case 'bytes':
      return bytesRepr(c.value);
    case 'tuple':
      return c.items.length === 1 ? `(${constRepr(c.items[0])},)` : `(${c.items.map(constRepr).join(', ')})`;
    case 'frozenset':
      return c.items.length === 0 ? 'frozenset()' : `frozenset({${c.items.map(constRepr).join(', ')}})`;
    case 'code':
      return `<code object ${c.code.co_name}>`;
  }
}
