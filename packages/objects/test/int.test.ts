/**
 * int: arithmetic, text and bytes against CPython 3.13. The expected
 * values come from fixtures/int-arith-cpython.json and
 * int-format-cpython.json, made once by the .py files beside them; every
 * result is compared as text (floats by repr, errors as "Type: message"),
 * its hash is checked against the 32-bit rule (|v| mod 2^31 − 1 with the
 * sign, -1 → -2), a result in -5 … 256 must be the immortal small int and
 * any other a fresh object held once, and the heap's live blocks are the
 * same before and after each batch (nothing leaked, nothing freed twice).
 */
import { readFileSync } from 'node:fs';
import { miStats } from '@ft/mimalloc';
import { getRefcount } from '@ft/refcount';
import { afterEach, describe, expect, it } from 'vitest';
import {
  errFetch,
  floatAsDouble,
  floatCheckExact,
  floatReprJs,
  formatError,
  intAsBigInt,
  intBitLength,
  intCheckExact,
  intFormatJs,
  intFromBigInt,
  intFromBytes,
  intFromNumber,
  intFromString,
  intGetMaxStrDigits,
  intHash,
  intSetMaxStrDigits,
  intToBytes,
  intToString,
  numberBinaryOp,
  numberPower,
  numberUnaryOp,
  objectRepr,
  SMALL_INT_MAX,
  SMALL_INT_MIN,
  smallInt,
  StaticType,
  strFromJs,
  strToJs,
  tupleGetItem,
  tupleSize,
  typeSlotId,
  type NumberBinarySlot,
  type ObThread,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

type Row = (string | number | boolean)[];
const arith = JSON.parse(readFileSync(new URL('./fixtures/int-arith-cpython.json', import.meta.url), 'utf8')) as {
  operands: string[];
  binaryOps: NumberBinarySlot[];
  binary: Row[];
  unary: string[][];
  shifts: Row[];
  trueDivide: string[][];
  powBases: string[];
  exponents: string[];
  modExponents: string[];
  moduli: string[];
  powers: Row[];
  powMod: Row[];
};
const format = JSON.parse(readFileSync(new URL('./fixtures/int-format-cpython.json', import.meta.url), 'utf8')) as {
  parse: Row[];
  limitParse: Row[];
  limitStr: Row[];
  limitSet: Row[];
  formats: string[][];
  toBytes: Row[];
  fromBytes: Row[];
};

const HASH_MODULUS = 2n ** 31n - 1n;

/** The 32-bit build's hash of an int: |v| mod 2^31 − 1 with v's sign, -1 becoming -2. */
function hash32(v: bigint): number {
  const h = Number((v < 0n ? -v : v) % HASH_MODULUS) * (v < 0n ? -1 : 1);
  return h === -1 ? -2 : h;
}

function lastError(t: ObThread): string {
  return `!${formatError(t, errFetch(t)!)}`;
}

/** The heap's live blocks, less those the thread's free lists keep for reuse (allocated, but no object's). */
function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks - r.t.floatFreeList.length - r.t.intFreeList.length;
}

/**
 * The live blocks once the free lists (float's, tuple's) hold what a batch
 * hands back: a few floats and divmod tuples made and released first, so
 * that a batch that takes one and returns it leaves the count unchanged.
 */
function settledLiveBlocks(t: ObThread): number {
  const seven = check(t, intFromNumber(t, 7));
  const held: number[] = [];
  for (let i = 0; i < 4; i++) {
    held.push(check(t, numberBinaryOp(t, seven, seven, 'trueDivide')));
    held.push(check(t, numberBinaryOp(t, seven, seven, 'divmod')));
  }
  release(r, seven, ...held);
  return liveBlocks();
}

/** Problems found, kept short. */
const wrong: string[] = [];
function mismatch(what: string, got: string, expected: string): void {
  if (wrong.length < 12) wrong.push(`${what}: got ${got.slice(0, 120)}, expected ${expected.slice(0, 120)}`);
}

/**
 * A result as the fixtures write it (an int's decimal text, "f" + repr of
 * a float, "!Type: message"), after checking its hash and its ownership
 * (`operands`: what the operation may hand back with a new reference);
 * releases it.
 */
function resultText(t: ObThread, op: number, what: string, operands: number[] = []): string {
  if (op === 0) return lastError(t);
  let text: string;
  if (floatCheckExact(t, op)) {
    text = `f${floatReprJs(floatAsDouble(t, op))}`;
  } else if (intCheckExact(t, op)) {
    text = intFormatJs(t, op) ?? lastError(t);
    const v = intAsBigInt(t, op);
    if (String(v) !== text) mismatch(`${what} (text vs bigint)`, text, String(v));
    if (intHash(t, op) !== hash32(v)) mismatch(`${what} hash`, String(intHash(t, op)), String(hash32(v)));
    if (v >= BigInt(SMALL_INT_MIN) && v <= BigInt(SMALL_INT_MAX)) {
      if (op !== smallInt(t, Number(v))) mismatch(`${what} small int`, `${op}`, 'the immortal small int');
    } else {
      const expected = operands.includes(op) ? 2 : 1;
      if (getRefcount(r.rc, op) !== expected) mismatch(`${what} refcount`, String(getRefcount(r.rc, op)), String(expected));
    }
  } else {
    text = `<not an int or float: ${op}>`;
  }
  release(r, op);
  return text;
}

/** The ints of `texts` (also checked against the bigint conversion), by text. */
function makeInts(t: ObThread, texts: readonly string[]): number[] {
  return texts.map((s) => {
    const op = check(t, intFromString(t, s, 10));
    const viaBigInt = check(t, intFromBigInt(t, BigInt(s)));
    if (intAsBigInt(t, op) !== BigInt(s) || intAsBigInt(t, viaBigInt) !== BigInt(s)) mismatch(`operand ${s.slice(0, 30)}`, String(intAsBigInt(t, op)), s);
    release(r, viaBigInt);
    return op;
  });
}

/** Every operand is held by the test alone again (or immortal). */
function expectOperandsBalanced(t: ObThread, ops: number[]): void {
  for (const op of ops) {
    const v = intAsBigInt(t, op);
    if (v >= BigInt(SMALL_INT_MIN) && v <= BigInt(SMALL_INT_MAX)) continue;
    if (getRefcount(r.rc, op) !== 1) mismatch(`operand ${String(v).slice(0, 30)} refcount`, String(getRefcount(r.rc, op)), '1');
  }
}

describe('int arithmetic against CPython 3.13', () => {
  it(`+ - * // % / & | ^ and divmod on ${arith.binary.length} operand pairs`, () => {
    r = makeRuntime({ heapSize: 128 << 20 });
    const t = r.t;
    wrong.length = 0;
    const ops = makeInts(t, arith.operands);
    const before = settledLiveBlocks(t);
    for (const row of arith.binary) {
      const a = ops[row[0] as number]!;
      const b = ops[row[1] as number]!;
      const label = `${arith.operands[row[0] as number]!.slice(0, 24)} ? ${arith.operands[row[1] as number]!.slice(0, 24)}`;
      arith.binaryOps.forEach((kind, k) => {
        const expected = row[2 + k] as string;
        const got = resultText(t, numberBinaryOp(t, a, b, kind), `${kind} ${label}`, [a, b]);
        if (got !== expected) mismatch(`${kind} ${label}`, got, expected);
      });
      // divmod(a, b) is (a // b, a % b), or the same error as //.
      const floorDivide = row[2 + arith.binaryOps.indexOf('floorDivide')] as string;
      const remainder = row[2 + arith.binaryOps.indexOf('remainder')] as string;
      const pair = numberBinaryOp(t, a, b, 'divmod');
      if (pair === 0) {
        const got = lastError(t);
        if (got !== floorDivide) mismatch(`divmod ${label}`, got, floorDivide);
      } else {
        expect(tupleSize(t, pair)).toBe(2);
        const q = tupleGetItem(t, pair, 0);
        const m = tupleGetItem(t, pair, 1);
        const got = `${intFormatJs(t, q)}, ${intFormatJs(t, m)}`;
        if (got !== `${floorDivide}, ${remainder}`) mismatch(`divmod ${label}`, got, `${floorDivide}, ${remainder}`);
        release(r, pair);
      }
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
    expectOperandsBalanced(t, ops);
    expect(wrong).toEqual([]);
    release(r, ...ops);
  });

  it(`- + abs ~ float() bit_length on ${arith.unary.length} operands`, () => {
    r = makeRuntime();
    const t = r.t;
    wrong.length = 0;
    const ops = makeInts(t, arith.unary.map((row) => row[0]!));
    const before = settledLiveBlocks(t);
    arith.unary.forEach((row, i) => {
      const a = ops[i]!;
      (['negative', 'positive', 'absolute', 'invert'] as const).forEach((kind, k) => {
        const got = resultText(t, numberUnaryOp(t, a, kind), `${kind} ${row[0]!.slice(0, 30)}`, [a]);
        if (got !== row[1 + k]) mismatch(`${kind} ${row[0]!.slice(0, 30)}`, got, row[1 + k]!);
      });
      const asFloat = resultText(t, floatOf(t, a), `float ${row[0]!.slice(0, 30)}`);
      if (asFloat !== row[5]) mismatch(`float ${row[0]!.slice(0, 30)}`, asFloat, row[5]!);
      if (String(intBitLength(t, a)) !== row[6]) mismatch(`bit_length ${row[0]!.slice(0, 30)}`, String(intBitLength(t, a)), row[6]!);
    });
    expect(liveBlocks()).toBe(before);
    expectOperandsBalanced(t, ops);
    expect(wrong).toEqual([]);
    release(r, ...ops);
  });

  it(`<< and >> on ${arith.shifts.length} (operand, count) pairs; negative and huge counts`, () => {
    r = makeRuntime({ heapSize: 128 << 20 });
    const t = r.t;
    wrong.length = 0;
    const ops = makeInts(t, arith.operands);
    const before = settledLiveBlocks(t);
    for (const row of arith.shifts) {
      const a = ops[row[0] as number]!;
      const s = check(t, intFromNumber(t, row[1] as number));
      const label = `${arith.operands[row[0] as number]!.slice(0, 30)} by ${row[1]}`;
      const left = resultText(t, numberBinaryOp(t, a, s, 'lshift'), `<< ${label}`, [a]);
      if (left !== row[2]) mismatch(`<< ${label}`, left, row[2] as string);
      const right = resultText(t, numberBinaryOp(t, a, s, 'rshift'), `>> ${label}`, [a]);
      if (right !== row[3]) mismatch(`>> ${label}`, right, row[3] as string);
      release(r, s);
    }
    expect(liveBlocks()).toBe(before);
    // 1 << -1, 1 >> -1: ValueError; x >> 2**100: 0 or -1; 0 << 2**100: 0; 1 << 2**100, 1 << 2**40: MemoryError (as python3.13).
    const [one, minusOne, zero, huge, big, negBig] = [1n, -1n, 0n, 2n ** 100n, 2n ** 40n, -(3n ** 300n)].map((v) => check(t, intFromBigInt(t, v)));
    expect(resultText(t, numberBinaryOp(t, one!, minusOne!, 'lshift'), '1 << -1')).toBe('!ValueError: negative shift count');
    expect(resultText(t, numberBinaryOp(t, one!, minusOne!, 'rshift'), '1 >> -1')).toBe('!ValueError: negative shift count');
    expect(resultText(t, numberBinaryOp(t, negBig!, huge!, 'rshift'), '-3**300 >> 2**100')).toBe('-1');
    expect(resultText(t, numberBinaryOp(t, ops[arith.operands.indexOf(String(3n ** 200n))]!, huge!, 'rshift'), '3**200 >> 2**100')).toBe('0');
    expect(resultText(t, numberBinaryOp(t, zero!, huge!, 'lshift'), '0 << 2**100')).toBe('0');
    expect(resultText(t, numberBinaryOp(t, one!, huge!, 'lshift'), '1 << 2**100')).toBe('!MemoryError');
    expect(resultText(t, numberBinaryOp(t, one!, big!, 'lshift'), '1 << 2**40')).toBe('!MemoryError');
    release(r, one!, minusOne!, zero!, huge!, big!, negBig!);
    expectOperandsBalanced(t, ops);
    expect(wrong).toEqual([]);
    release(r, ...ops);
  });

  it(`true division rounds as CPython on ${arith.trueDivide.length} cases (halfway cases, subnormals, overflow)`, () => {
    r = makeRuntime();
    const t = r.t;
    wrong.length = 0;
    for (const [x, y, expected] of arith.trueDivide) {
      const [a, b] = makeInts(t, [x!, y!]);
      const got = resultText(t, numberBinaryOp(t, a!, b!, 'trueDivide'), `${x!.slice(0, 30)} / ${y!.slice(0, 30)}`);
      if (got !== expected) mismatch(`${x!.slice(0, 30)} / ${y!.slice(0, 30)}`, got, expected!);
      release(r, a!, b!);
    }
    expect(wrong).toEqual([]);
  });

  it(`** on ${arith.powers.length} cases (negative exponents give floats) and pow() with a modulus on ${arith.powMod.length}`, () => {
    r = makeRuntime({ heapSize: 128 << 20 });
    const t = r.t;
    wrong.length = 0;
    const bases = makeInts(t, arith.powBases);
    const exponents = makeInts(t, arith.exponents);
    const modExponents = makeInts(t, arith.modExponents);
    const moduli = makeInts(t, arith.moduli);
    const before = settledLiveBlocks(t);
    for (const [i, j, expected] of arith.powers as [number, number, string][]) {
      const label = `${arith.powBases[i]!.slice(0, 20)} ** ${arith.exponents[j]}`;
      const got = resultText(t, numberPower(t, bases[i]!, exponents[j]!, t.none), label, [bases[i]!]);
      if (got !== expected) mismatch(label, got, expected);
    }
    for (const [i, j, k, expected] of arith.powMod as [number, number, number, string][]) {
      const label = `pow(${arith.powBases[i]!.slice(0, 20)}, ${arith.modExponents[j]}, ${arith.moduli[k]})`;
      const got = resultText(t, numberPower(t, bases[i]!, modExponents[j]!, moduli[k]!), label);
      if (got !== expected) mismatch(label, got, expected);
    }
    expect(liveBlocks()).toBe(before);
    const all = [...bases, ...exponents, ...modExponents, ...moduli];
    expectOperandsBalanced(t, all);
    expect(wrong).toEqual([]);
    release(r, ...all);
  });

  it('compact fast paths: small results are the immortal statics, products past 2^53 are exact, mixed types say NotImplemented', () => {
    r = makeRuntime();
    const t = r.t;
    wrong.length = 0;
    const values = [0, 1, -1, 5, -6, 255, 256, 257, 40000, -40000, 2 ** 26 + 3, 2 ** 30 - 1, -(2 ** 30 - 1), 123456789, -987654321];
    const ops = values.map((v) => check(t, intFromNumber(t, v)));
    for (let i = 0; i < values.length; i++) {
      for (let j = 0; j < values.length; j++) {
        const x = BigInt(values[i]!);
        const y = BigInt(values[j]!);
        const cases: [NumberBinarySlot, bigint | null][] = [
          ['add', x + y],
          ['subtract', x - y],
          ['multiply', x * y],
          ['and', x & y],
          ['or', x | y],
          ['xor', x ^ y],
          ['floorDivide', y === 0n ? null : x / y - ((x % y !== 0n && (x % y < 0n) !== (y < 0n)) ? 1n : 0n)],
        ];
        for (const [kind, expected] of cases) {
          const got = resultText(t, numberBinaryOp(t, ops[i]!, ops[j]!, kind), `${kind} ${x} ${y}`, [ops[i]!, ops[j]!]);
          if (expected !== null && got !== String(expected)) mismatch(`${kind} ${x} ${y}`, got, String(expected));
        }
      }
    }
    expect(wrong).toEqual([]);
    const s = check(t, strFromJs(t, 'a'));
    for (const kind of ['add', 'multiply', 'lshift', 'and', 'trueDivide', 'floorDivide'] as const) {
      expect(t.slots[kind][typeSlotIdOfInt(t, kind)]!(t, ops[1]!, s)).toBe(t.notImplemented);
      expect(t.slots[kind][typeSlotIdOfInt(t, kind)]!(t, s, ops[1]!)).toBe(t.notImplemented);
    }
    expect(t.slots.power[typeSlotIdOfInt(t, 'power')]!(t, ops[1]!, ops[1]!, s)).toBe(t.notImplemented);
    release(r, s, ...ops);
  });

  it("ZeroDivisionError, ValueError and OverflowError messages as python3.13's", () => {
    r = makeRuntime();
    const t = r.t;
    const [one, zero, hugeInt, two, four, minusOne] = [1n, 0n, 10n ** 400n, 2n, 4n, -1n].map((v) => check(t, intFromBigInt(t, v)));
    const cases: [() => number, string][] = [
      [() => numberBinaryOp(t, one!, zero!, 'floorDivide'), '!ZeroDivisionError: integer division or modulo by zero'],
      [() => numberBinaryOp(t, one!, zero!, 'remainder'), '!ZeroDivisionError: integer modulo by zero'],
      [() => numberBinaryOp(t, one!, zero!, 'divmod'), '!ZeroDivisionError: integer division or modulo by zero'],
      [() => numberBinaryOp(t, one!, zero!, 'trueDivide'), '!ZeroDivisionError: division by zero'],
      [() => numberBinaryOp(t, hugeInt!, zero!, 'floorDivide'), '!ZeroDivisionError: integer division or modulo by zero'],
      [() => numberBinaryOp(t, hugeInt!, zero!, 'remainder'), '!ZeroDivisionError: integer modulo by zero'],
      [() => numberBinaryOp(t, hugeInt!, zero!, 'trueDivide'), '!ZeroDivisionError: division by zero'],
      [() => numberBinaryOp(t, hugeInt!, one!, 'trueDivide'), '!OverflowError: integer division result too large for a float'],
      [() => numberPower(t, two!, one!, zero!), '!ValueError: pow() 3rd argument cannot be 0'],
      [() => numberPower(t, two!, minusOne!, four!), '!ValueError: base is not invertible for the given modulus'],
      [() => numberPower(t, zero!, minusOne!, t.none), '!ZeroDivisionError: 0.0 cannot be raised to a negative power'],
      [() => numberPower(t, hugeInt!, minusOne!, t.none), '!OverflowError: int too large to convert to float'],
    ];
    for (const [operation, message] of cases) expect(resultText(t, operation(), message)).toBe(message);
    release(r, one!, zero!, hugeInt!, two!, four!, minusOne!);
  });

  it('bool: & | ^ of two bools are bools, with an int they are ints; arithmetic is int’s', () => {
    r = makeRuntime();
    const t = r.t;
    const one = check(t, intFromNumber(t, 1));
    const T = t.true;
    const F = t.false;
    expect(numberBinaryOp(t, T, F, 'and')).toBe(F);
    expect(numberBinaryOp(t, T, T, 'and')).toBe(T);
    expect(numberBinaryOp(t, T, F, 'or')).toBe(T);
    expect(numberBinaryOp(t, F, F, 'or')).toBe(F);
    expect(numberBinaryOp(t, T, T, 'xor')).toBe(F);
    expect(numberBinaryOp(t, T, F, 'xor')).toBe(T);
    // True & 1 == 1 (an int), 1 | False == 1, True + True == 2, -True == -1, ~True == -2, True / 2 == 0.5, +True == 1 (an int).
    expect(numberBinaryOp(t, T, one, 'and')).toBe(smallInt(t, 1));
    expect(numberBinaryOp(t, one, F, 'or')).toBe(smallInt(t, 1));
    expect(numberBinaryOp(t, T, T, 'add')).toBe(smallInt(t, 2));
    expect(numberUnaryOp(t, T, 'negative')).toBe(smallInt(t, -1));
    expect(numberUnaryOp(t, T, 'invert')).toBe(smallInt(t, -2));
    expect(numberUnaryOp(t, T, 'positive')).toBe(smallInt(t, 1));
    expect(resultText(t, numberBinaryOp(t, T, smallInt(t, 2), 'trueDivide'), 'True / 2')).toBe('f0.5');
    expect(resultText(t, numberPower(t, T, smallInt(t, 5), t.none), 'True ** 5')).toBe('1');
    release(r, one);
  });
});

/** `int`'s slot id of `kind` (the static type's word). */
function typeSlotIdOfInt(t: ObThread, kind: Parameters<typeof numberBinaryOp>[3] | 'power'): number {
  return typeSlotId(t, t.types[StaticType.Int]!, kind);
}

/** `float(op)` through int's `nb_float`. */
function floatOf(t: ObThread, op: number): number {
  return t.slots.float[typeSlotId(t, t.types[StaticType.Int]!, 'float')]!(t, op);
}

describe('int text and bytes against CPython 3.13', () => {
  it(`int(text, base) on ${format.parse.length} cases`, () => {
    r = makeRuntime();
    const t = r.t;
    wrong.length = 0;
    const before = settledLiveBlocks(t);
    for (const [text, base, expected] of format.parse as [string, number, string][]) {
      const got = resultText(t, intFromString(t, text, base), `int(${JSON.stringify(text).slice(0, 40)}, ${base})`);
      if (got !== expected) mismatch(`int(${JSON.stringify(text).slice(0, 40)}, ${base})`, got, expected);
    }
    expect(liveBlocks()).toBe(before);
    expect(wrong).toEqual([]);
  });

  it('str, repr, hex, oct, bin', () => {
    r = makeRuntime();
    const t = r.t;
    wrong.length = 0;
    for (const [decimal, hex, oct, bin] of format.formats) {
      const op = check(t, intFromString(t, decimal!, 10));
      const bases = [10, 16, 8, 2] as const;
      [decimal, hex, oct, bin].forEach((expected, k) => {
        const s = check(t, intToString(t, op, bases[k]));
        if (strToJs(t, s) !== expected) mismatch(`format ${decimal!.slice(0, 30)} base ${bases[k]}`, strToJs(t, s), expected!);
        release(r, s);
      });
      const repr = check(t, objectRepr(t, op));
      if (strToJs(t, repr) !== decimal) mismatch(`repr ${decimal!.slice(0, 30)}`, strToJs(t, repr), decimal!);
      release(r, repr, op);
    }
    expect(wrong).toEqual([]);
  });

  it('the digit limit of decimal conversions (default 4300; 640, 0 = none, 10000), both ways, and setting it', () => {
    r = makeRuntime({ heapSize: 128 << 20 });
    const t = r.t;
    wrong.length = 0;
    expect(intGetMaxStrDigits(t)).toBe(4300);
    for (const [limit, unit, repeat, tail, base, expected] of format.limitParse as [number, string, number, string, number, string][]) {
      check(t, intSetMaxStrDigits(t, limit));
      const op = intFromString(t, unit.repeat(repeat) + tail, base);
      let got: string;
      if (op === 0) got = lastError(t);
      else {
        const v = intAsBigInt(t, op);
        const m = v < 0n ? -v : v;
        got = `ok ${m.toString(2).length - (m === 0n ? 1 : 0)} ${(m & (2n ** 64n - 1n)).toString(16)}`;
        release(r, op);
      }
      if (got !== expected) mismatch(`limit ${limit}: int(${unit}*${repeat}+${JSON.stringify(tail)}, ${base})`, got, expected);
    }
    for (const [limit, base, exponent, sign, delta, expected] of format.limitStr as [number, number, number, number, number, string][]) {
      check(t, intSetMaxStrDigits(t, limit));
      const op = check(t, intFromBigInt(t, BigInt(sign) * (BigInt(base) ** BigInt(exponent) + BigInt(delta))));
      const s = intToString(t, op, 10);
      let got: string;
      if (s === 0) got = lastError(t);
      else {
        const text = strToJs(t, s);
        got = `ok ${text.length} ${text.slice(-20)}`;
        release(r, s);
      }
      if (got !== expected) mismatch(`limit ${limit}: str(${sign}*(${base}**${exponent}+${delta}))`, got, expected);
      // repr goes through the same limit.
      const repr = objectRepr(t, op);
      if (repr === 0) {
        const error = lastError(t);
        if (error !== expected) mismatch(`limit ${limit}: repr`, error, expected);
      } else release(r, repr);
      release(r, op);
    }
    check(t, intSetMaxStrDigits(t, 4300));
    for (const [n, expected] of format.limitSet as [number, string][]) {
      const got = intSetMaxStrDigits(t, n) === 0 ? 'None' : lastError(t);
      expect(`${n}: ${got}`).toBe(`${n}: ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it(`to_bytes on ${format.toBytes.length} cases, from_bytes on ${format.fromBytes.length}`, () => {
    r = makeRuntime();
    const t = r.t;
    wrong.length = 0;
    const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    for (const [value, length, order, signed, expected] of format.toBytes as [string, number, string, boolean, string][]) {
      const op = check(t, intFromString(t, value, 10));
      const bytes = intToBytes(t, op, length, order, signed);
      const got = bytes === null ? lastError(t) : hex(bytes);
      if (got !== expected) mismatch(`(${value.slice(0, 30)}).to_bytes(${length}, ${order}, signed=${signed})`, got, expected);
      release(r, op);
    }
    const before = settledLiveBlocks(t);
    for (const [data, order, signed, expected] of format.fromBytes as [string, string, boolean, string][]) {
      const bytes = Uint8Array.from(data.match(/../g) ?? [], (b) => parseInt(b, 16));
      const got = resultText(t, intFromBytes(t, bytes, order, signed), `from_bytes(${data.slice(0, 30)}, ${order}, signed=${signed})`);
      if (got !== expected) mismatch(`from_bytes(${data.slice(0, 30)}, ${order}, signed=${signed})`, got, expected);
    }
    expect(liveBlocks()).toBe(before);
    expect(wrong).toEqual([]);
  });
});
