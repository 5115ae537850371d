/**
 * The number protocol's dispatch (abstract-number.ts): which operand's
 * slot runs, the NotImplemented fallbacks, the sequence fallbacks of `+`
 * and `*`, and CPython 3.13's TypeErrors (messages from python3.13, run
 * once, written next to the expression that produced them).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  errFetch,
  formatError,
  intFromBigInt,
  intFromNumber,
  listFromArray,
  listReprJs,
  numberAsSsize,
  numberBinaryOp,
  numberIndex,
  numberInPlaceOp,
  numberPower,
  numberUnaryOp,
  objectReprJs,
  StaticType,
  strFromJs,
  tupleFromArray,
  tupleNew,
  typeGenericAlloc,
  typeNew,
  typeSetSlot,
  dictNew,
  type ObThread,
  type SlotRegistry,
} from '../src/index.js';
import { check, makeRuntime, release, type Runtime } from './runtime.js';

let r: Runtime;
afterEach(() => r?.close());

function lastError(): string {
  return formatError(r.t, errFetch(r.t)!);
}

/** Who answered, and with which operands, in the order the slots ran. */
const calls: string[] = [];
/** Whether each class's slot answers or says NotImplemented. */
const answers = { A: true, B: true };
const ids = { addA: 0, addB: 0, powA: 0, inplaceA: 0, neg: 0, index: 0, badIndex: 0, badInt: 0 };
let marks: { A: number; B: number } = { A: 0, B: 0 };

function register(slots: SlotRegistry): void {
  const binary = (who: 'A' | 'B') => (t: ObThread, v: number, w: number) => {
    calls.push(`${who}(${v === w ? 'self' : 'v,w'})`);
    return answers[who] ? marks[who] : t.notImplemented;
  };
  ids.addA = slots.add('add', 'test/A', binary('A'));
  ids.addB = slots.add('add', 'test/B', binary('B'));
  ids.powA = slots.add('power', 'test/A', (t, _v, _w, z) => {
    calls.push(`A.pow(${z === t.none ? 'None' : 'z'})`);
    return marks.A;
  });
  ids.inplaceA = slots.add('inplaceAdd', 'test/A', (t) => {
    calls.push('A+=');
    return answers.A ? marks.A : t.notImplemented;
  });
  ids.neg = slots.add('negative', 'test/A', () => {
    calls.push('-A');
    return marks.A;
  });
  ids.index = slots.add('index', 'test/A', (t) => intFromNumber(t, 7));
  ids.badIndex = slots.add('index', 'test/B', (t) => strFromJs(t, 'x'));
  ids.badInt = slots.add('int', 'test/C', (t) => strFromJs(t, 'x'));
}

/** Classes A and B(A) whose slots are the test's, and one instance of each. */
function classes(t: ObThread): { A: number; B: number; a: number; b: number } {
  const make = (name: string, bases: number[]) => {
    const ns = check(t, dictNew(t));
    const basesTuple = check(t, tupleFromArray(t, bases));
    const type = check(t, typeNew(t, t.types[StaticType.Type]!, name, basesTuple, ns));
    release(r, ns, basesTuple);
    return type;
  };
  const A = make('A', []);
  const B = make('B', [A]);
  check(t, typeSetSlot(t, A, 'add', ids.addA));
  check(t, typeSetSlot(t, A, 'power', ids.powA));
  check(t, typeSetSlot(t, A, 'inplaceAdd', ids.inplaceA));
  check(t, typeSetSlot(t, A, 'negative', ids.neg));
  check(t, typeSetSlot(t, A, 'index', ids.index));
  check(t, typeSetSlot(t, B, 'add', ids.addB));
  check(t, typeSetSlot(t, B, 'index', ids.badIndex));
  const a = check(t, typeGenericAlloc(t, A));
  const b = check(t, typeGenericAlloc(t, B));
  // The slots return these (immortal singletons: no reference to manage).
  marks = { A: t.true, B: t.false };
  return { A, B, a, b };
}

describe('number protocol', () => {
  it("the right operand's slot goes first when its type is a proper subtype of the left's; NotImplemented passes the turn", () => {
    r = makeRuntime({ registerSlots: register });
    const t = r.t;
    const { A, B, a, b } = classes(t);
    calls.length = 0;
    answers.A = answers.B = true;
    expect(numberBinaryOp(t, a, b, 'add')).toBe(t.false); // B's slot answered
    expect(calls).toEqual(['B(v,w)']);
    calls.length = 0;
    expect(numberBinaryOp(t, b, a, 'add')).toBe(t.false); // b's own type first: B
    expect(calls).toEqual(['B(v,w)']);
    calls.length = 0;
    answers.B = false;
    expect(numberBinaryOp(t, a, b, 'add')).toBe(t.true);
    expect(calls).toEqual(['B(v,w)', 'A(v,w)']);
    calls.length = 0;
    answers.A = false;
    expect(numberBinaryOp(t, a, b, 'add')).toBe(0);
    expect(calls).toEqual(['B(v,w)', 'A(v,w)']);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for +: 'A' and 'B'");
    // Same types: one call.
    calls.length = 0;
    answers.A = true;
    expect(numberBinaryOp(t, a, a, 'add')).toBe(t.true);
    expect(calls).toEqual(['A(self)']);
    // In place: the in-place slot first, then the binary one when it says NotImplemented.
    calls.length = 0;
    expect(numberInPlaceOp(t, a, a, 'add')).toBe(t.true);
    expect(calls).toEqual(['A+=']);
    calls.length = 0;
    answers.A = false;
    expect(numberInPlaceOp(t, a, a, 'add')).toBe(0);
    expect(calls).toEqual(['A+=', 'A(self)']);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for +=: 'A' and 'A'");
    answers.A = answers.B = true;
    // pow with and without a modulus; unary minus.
    calls.length = 0;
    expect(numberPower(t, a, a, t.none)).toBe(t.true);
    expect(numberPower(t, a, a, a)).toBe(t.true);
    expect(calls).toEqual(['A.pow(None)', 'A.pow(z)']);
    expect(numberUnaryOp(t, a, 'negative')).toBe(t.true);
    release(r, a, b, B, A);
  });

  it("CPython's TypeErrors when no slot answers", () => {
    r = makeRuntime();
    const t = r.t;
    const one = check(t, intFromNumber(t, 1));
    const s = check(t, strFromJs(t, 'a'));
    // 1 + 'a'
    expect(numberBinaryOp(t, one, s, 'add')).toBe(0);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for +: 'int' and 'str'");
    // x = 1; x += 'a'
    expect(numberInPlaceOp(t, one, s, 'add')).toBe(0);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for +=: 'int' and 'str'");
    // pow('a', 2); pow('a', 2, 3)
    expect(numberPower(t, s, one, t.none)).toBe(0);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for ** or pow(): 'str' and 'int'");
    expect(numberPower(t, s, one, one)).toBe(0);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for ** or pow(): 'str', 'int', 'int'");
    // x = 'a'; x **= 'b'
    expect(numberPower(t, s, s, t.none, true)).toBe(0);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for **=: 'str' and 'str'");
    // divmod('a', 1); 'a' @ 'b'
    expect(numberBinaryOp(t, s, one, 'divmod')).toBe(0);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for divmod(): 'str' and 'int'");
    expect(numberBinaryOp(t, s, s, 'matrixMultiply')).toBe(0);
    expect(lastError()).toBe("TypeError: unsupported operand type(s) for @: 'str' and 'str'");
    // -'a', +'a', abs('a'), ~'a'
    const unary: [Parameters<typeof numberUnaryOp>[2], string][] = [
      ['negative', "TypeError: bad operand type for unary -: 'str'"],
      ['positive', "TypeError: bad operand type for unary +: 'str'"],
      ['absolute', "TypeError: bad operand type for abs(): 'str'"],
      ['invert', "TypeError: bad operand type for unary ~: 'str'"],
    ];
    for (const [kind, message] of unary) {
      expect(numberUnaryOp(t, s, kind)).toBe(0);
      expect(lastError()).toBe(message);
    }
    // operator.index('a')
    expect(numberIndex(t, s)).toBe(0);
    expect(lastError()).toBe("TypeError: 'str' object cannot be interpreted as an integer");
    release(r, one, s);
  });

  it('+ and * fall back to the sequence protocol: list concatenation and repetition, either side', () => {
    r = makeRuntime();
    const t = r.t;
    const [one, two, three] = [1, 2, 3].map((n) => check(t, intFromNumber(t, n)));
    const lst = check(t, listFromArray(t, [one!, two!]));
    const tup = check(t, tupleFromArray(t, [three!]));
    // [1, 2] * 2; 2 * [1, 2]
    const rep = check(t, numberBinaryOp(t, lst, two!, 'multiply'));
    expect(listReprJs(t, rep)).toBe('[1, 2, 1, 2]');
    const rep2 = check(t, numberBinaryOp(t, two!, lst, 'multiply'));
    expect(listReprJs(t, rep2)).toBe('[1, 2, 1, 2]');
    // [1] * 2.0 (a str here: any non-index); [1] * (2**70)
    const s = check(t, strFromJs(t, 'b'));
    expect(numberBinaryOp(t, lst, s, 'multiply')).toBe(0);
    expect(lastError()).toBe("TypeError: can't multiply sequence by non-int of type 'str'");
    const huge = check(t, intFromBigInt(t, 2n ** 70n));
    expect(numberBinaryOp(t, lst, huge, 'multiply')).toBe(0);
    expect(lastError()).toBe("OverflowError: cannot fit 'int' into an index-sized integer");
    expect(numberAsSsize(t, huge, null)).toBe(Number.MAX_SAFE_INTEGER);
    // [1] + (2,); x = [1, 2]; x += (3,); x *= 2
    expect(numberBinaryOp(t, lst, tup, 'add')).toBe(0);
    expect(lastError()).toBe('TypeError: can only concatenate list (not "tuple") to list');
    const same = check(t, numberInPlaceOp(t, lst, tup, 'add'));
    expect(same).toBe(lst);
    expect(listReprJs(t, lst)).toBe('[1, 2, 3]');
    const twice = check(t, numberInPlaceOp(t, lst, two!, 'multiply'));
    expect(objectReprJs(t, twice)).toBe('[1, 2, 3, 1, 2, 3]');
    release(r, rep, rep2, s, huge, same, twice, lst, tup, one!, two!, three!);
  });

  it('__index__: its int, or "__index__ returned non-int"', () => {
    r = makeRuntime({ registerSlots: register });
    const t = r.t;
    const { A, B, a, b } = classes(t);
    expect(numberAsSsize(t, a, StaticType.IndexError)).toBe(7);
    expect(numberIndex(t, b)).toBe(0);
    expect(lastError()).toBe('TypeError: __index__ returned non-int (type str)');
    const empty = check(t, tupleNew(t, 0));
    release(r, empty, a, b, B, A);
  });
});

describe('str through the protocols', () => {
  it("'ab' + 'cd', 'ab' * 3, 'b' in 'abc', s[1], s[::-1], and CPython's TypeErrors", async () => {
    const { objectContains, objectGetItem } = await import('../src/index.js');
    const { sliceNew } = await import('../src/slice.js');
    r = makeRuntime();
    const t = r.t;
    const ab = check(t, strFromJs(t, 'ab'));
    const cd = check(t, strFromJs(t, 'cd'));
    const three = check(t, intFromNumber(t, 3));
    const one = check(t, intFromNumber(t, 1));
    const minus = check(t, intFromNumber(t, -1));
    const joined = check(t, numberBinaryOp(t, ab, cd, 'add'));
    expect(objectReprJs(t, joined)).toBe("'abcd'");
    const repeated = check(t, numberBinaryOp(t, three, ab, 'multiply'));
    expect(objectReprJs(t, repeated)).toBe("'ababab'");
    expect(objectContains(t, joined, cd)).toBe(1);
    const item = check(t, objectGetItem(t, joined, one));
    expect(objectReprJs(t, item)).toBe("'b'");
    const backwards = check(t, sliceNew(t, 0, 0, minus));
    const reversed = check(t, objectGetItem(t, joined, backwards));
    expect(objectReprJs(t, reversed)).toBe("'dcba'");
    // 'a'['x'];  1 in 'abc'
    expect(objectGetItem(t, ab, cd)).toBe(0);
    expect(lastError()).toBe("TypeError: string indices must be integers, not 'str'");
    expect(objectContains(t, ab, one)).toBe(-1);
    expect(lastError()).toBe("TypeError: 'in <string>' requires string as left operand, not int");
    release(r, ab, cd, three, one, minus, joined, repeated, item, backwards, reversed);
  });
});

describe('int(x) (PyNumber_Long)', () => {
  it("CPython 3.13's results and errors", async () => {
    const { floatFromDouble, numberLong, intCheckExact, typeSetSlot: setSlot } = await import('../src/index.js');
    r = makeRuntime({ registerSlots: register });
    const t = r.t;
    const { A, B, a, b } = classes(t);
    const show = (op: number): string => {
      const v = numberLong(t, op);
      if (v === 0) return lastError();
      const out = `${objectReprJs(t, v)}${intCheckExact(t, v) ? '' : ' (not an exact int)'}`;
      release(r, v);
      return out;
    };
    const values: [number, string][] = [
      [t.none, "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"],
      [check(t, strFromJs(t, ' 12 ')), '12'],
      [check(t, strFromJs(t, '1.5')), "ValueError: invalid literal for int() with base 10: '1.5'"],
      [check(t, floatFromDouble(t, 2.9)), '2'],
      [check(t, floatFromDouble(t, -2.9)), '-2'],
      [check(t, floatFromDouble(t, Infinity)), 'OverflowError: cannot convert float infinity to integer'],
      [t.true, '1'],
      [check(t, listFromArray(t, [])), "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'list'"],
      [a, '7'], // __index__ only
    ];
    for (const [op, expected] of values) expect(show(op)).toBe(expected);
    // __int__ returning a str: class C(A) with such an __int__ slot.
    check(t, setSlot(t, B, 'int', ids.badInt));
    expect(show(b)).toBe('TypeError: __int__ returned non-int (type str)');
    release(r, ...values.map(([op]) => op).filter((op) => op !== t.none && op !== t.true && op !== a), a, b, B, A);
  });
});
