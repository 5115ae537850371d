/**
 * bytes and the methods bytes and bytearray share (bytes.ts,
 * bytes-methods.ts) against CPython 3.13 (fixtures/bytes-cpython.json,
 * made once by bytes-cpython.py): every method on edge inputs — bounds
 * negative, past the end and huge, ints and bytes-likes as arguments, the
 * errors' types and messages — reprs of every byte value, hashes under
 * PYTHONHASHSEED=1234, the constructors, fromhex and the decoders. A
 * result is the receiver only where CPython's is (`{"self": true}`), or a
 * fresh object held once; the heap's live blocks are the same before and
 * after each batch.
 */

import { readFileSync } from 'node:fs';
import { miStats } from '@ft/mimalloc';
import { getRefcount, isImmortal } from '@ft/refcount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errFetch, formatError, intFromBigInt, listFromArray, listGetItemRef, listSize, objectRichCompare, StaticType, strFromJs, tupleFromArray, tupleGetItem, tupleSize, type ObThread } from '../src/index.js';
import { floatFromDouble } from '../src/float.js';
import { strHash } from '../src/str.js';
import { intAsNumber, intCheckExact } from '../src/int.js';
import { rangeNew } from '../src/range.js';
import { strFromCodePoints } from '../src/str-methods.js';
import { strCodePointAt, strLength } from '../src/str-read.js';
import { callArgs } from '../src/call.js';
import { objectGetAttr } from '../src/generic-attr.js';
import {
  bytesCheckExact,
  bytesConcat,
  bytesFromBytes,
  bytesGetSlice,
  bytesHash,
  bytesItem,
  bytesIter,
  bytesIterNext,
  bytesNew,
  bytesRepeat,
  bytesReprJs,
  bytesSize,
  bytesSubscript,
  bytesToJs,
} from '../src/bytes.js';
import { byteArrayAlloc, byteArrayCheckExact, byteArrayConcat, byteArrayFromBytes, byteArrayGetSlice, byteArrayNew, byteArrayRepeat, byteArrayReprJs, byteArraySubscript, byteArrayToJs } from '../src/bytearray.js';
import {
  bytesCapitalize,
  bytesContains,
  bytesCount,
  bytesDecode,
  bytesEndsWith,
  bytesFind,
  bytesFromHex,
  bytesHex,
  bytesIndex,
  bytesIsAlnum,
  bytesIsAlpha,
  bytesIsAscii,
  bytesIsDigit,
  bytesIsLower,
  bytesIsSpace,
  bytesIsTitle,
  bytesIsUpper,
  bytesJoin,
  bytesLower,
  bytesLstrip,
  bytesReplace,
  bytesRfind,
  bytesRindex,
  bytesRsplit,
  bytesRstrip,
  bytesSplit,
  bytesStartsWith,
  bytesStrip,
  bytesSwapcase,
  bytesTitle,
  bytesUpper,
} from '../src/bytes-methods.js';
import { makeRuntime, release, type Runtime } from './runtime.js';

type Value = null | boolean | number | { b: string; self?: boolean } | { ba: string } | { int: string } | { str: string } | { cps: number[] } | { float: number } | { tuple: Value[] } | { list: Value[] } | { range: [number, number] } | { error: string } | Value[];
interface Fixture {
  cases: [Value, [string, Value[], Value][]][];
  fromhex: [Value, Value, Value][];
  decode: [string, string | null, string | null, Value][];
  ctors: [(Value | string)[], Value, Value, Value][];
  reprs: [string, string, string][];
  hashes: [string, number][];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/bytes-cpython.json', import.meta.url), 'utf8')) as Fixture;

let r: Runtime;
let t: ObThread;
beforeAll(() => {
  r = makeRuntime();
  t = r.t;
});
afterAll(() => r?.close());

function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks - t.floatFreeList.length - t.intFreeList.length;
}

const hexBytes = (hex: string): number[] => Array.from({ length: hex.length / 2 }, (_, i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16));
const toHex = (data: Uint8Array): string => Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');

/** Objects made for one call's arguments, released after it. */
const made: number[] = [];

/** A fixture value as a new object (kept in `made`); null is None. */
function obj(v: Value): number {
  if (v === null) return t.none;
  if (v === true) return t.true;
  if (v === false) return t.false;
  let op: number;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  if ('b' in v) op = bytesFromBytes(t, hexBytes(v.b));
  else if ('ba' in v) op = byteArrayFromBytes(t, hexBytes(v.ba));
  else if ('int' in v) op = intFromBigInt(t, BigInt(v.int));
  else if ('str' in v) op = strFromJs(t, v.str);
  else if ('cps' in v) op = strFromCodePoints(t, v.cps);
  else if ('float' in v) op = floatFromDouble(t, v.float);
  else if ('tuple' in v) op = tupleFromArray(t, v.tuple.map(obj));
  else if ('list' in v) op = listFromArray(t, v.list.map(obj));
  else if ('range' in v) {
    const args = tupleFromArray(t, v.range.map((n) => obj({ int: String(n) })));
    op = rangeNew(t, args);
    release(r, args);
  } else throw new Error(`not an object: ${JSON.stringify(v)}`);
  made.push(op);
  return op;
}

/** A C-level bound (null: None). */
const pos = (v: Value): number | null => v as number | null;

/** An object result as the fixture writes it (released after). */
function encode(op: number, self: number): Value {
  let out: Value;
  if (op === t.true || op === t.false) return op === t.true;
  if (bytesCheckExact(t, op)) {
    out = { b: toHex(bytesToJs(t, op)) };
    if (op === self) out.self = true;
  } else if (byteArrayCheckExact(t, op)) {
    out = { ba: toHex(byteArrayToJs(t, op)) };
  } else if (intCheckExact(t, op)) {
    out = intAsNumber(t, op);
  } else if (t.u32[(op + 16) >>> 2] === t.types[StaticType.Str]) {
    const cps = Array.from({ length: strLength(t, op) }, (_, i) => strCodePointAt(t, op, i));
    out = cps.some((c) => c >= 0xd800 && c < 0xe000) ? { cps } : { str: String.fromCodePoint(...cps) };
  } else if (t.u32[(op + 16) >>> 2] === t.types[StaticType.List]) {
    out = [];
    for (let i = 0; i < listSize(t, op); i++) {
      const item = listGetItemRef(t, op, i);
      out.push(encode(item, 0));
      // Each piece is fresh (held by the list and this read) or the receiver itself.
      if (item !== self && !isImmortal(r.rc, item)) expect(getRefcount(r.rc, item)).toBe(2);
      release(r, item);
    }
  } else if (t.u32[(op + 16) >>> 2] === t.types[StaticType.Tuple]) {
    out = { tuple: Array.from({ length: tupleSize(t, op) }, (_, i) => encode(tupleGetItem(t, op, i), self)) };
  } else {
    throw new Error(`unexpected result type word ${t.u32[(op + 16) >>> 2]}`);
  }
  return out;
}

/** The current exception as `Type: message`, cleared (its object, if one was made, released). */
function errorText(): string {
  const fetched = errFetch(t)!;
  const text = formatError(t, fetched);
  if (fetched.value !== 0) release(r, fetched.value);
  return text;
}

function error(): Value {
  return { error: errorText() };
}

type Shape = 'object' | 'index' | 'count' | 'tri' | 'bool';
const mutableSelf = (s: number): boolean => byteArrayCheckExact(t, s);
const METHODS: Record<string, [Shape, (s: number, a: Value[]) => number | boolean]> = {
  count: ['count', (s, a) => bytesCount(t, s, obj(a[0]!), pos(a[1]!), pos(a[2]!))],
  find: ['index', (s, a) => bytesFind(t, s, obj(a[0]!), pos(a[1]!), pos(a[2]!))],
  rfind: ['index', (s, a) => bytesRfind(t, s, obj(a[0]!), pos(a[1]!), pos(a[2]!))],
  index: ['count', (s, a) => bytesIndex(t, s, obj(a[0]!), pos(a[1]!), pos(a[2]!))],
  rindex: ['count', (s, a) => bytesRindex(t, s, obj(a[0]!), pos(a[1]!), pos(a[2]!))],
  contains: ['tri', (s, a) => bytesContains(t, s, obj(a[0]!))],
  startswith: ['tri', (s, a) => bytesStartsWith(t, s, obj(a[0]!), pos(a[1]!), pos(a[2]!))],
  endswith: ['tri', (s, a) => bytesEndsWith(t, s, obj(a[0]!), pos(a[1]!), pos(a[2]!))],
  split: ['object', (s, a) => bytesSplit(t, s, obj(a[0]!), a[1] as number)],
  rsplit: ['object', (s, a) => bytesRsplit(t, s, obj(a[0]!), a[1] as number)],
  replace: ['object', (s, a) => bytesReplace(t, s, obj(a[0]!), obj(a[1]!), a[2] as number)],
  strip: ['object', (s, a) => bytesStrip(t, s, obj(a[0]!))],
  lstrip: ['object', (s, a) => bytesLstrip(t, s, obj(a[0]!))],
  rstrip: ['object', (s, a) => bytesRstrip(t, s, obj(a[0]!))],
  upper: ['object', (s) => bytesUpper(t, s)],
  lower: ['object', (s) => bytesLower(t, s)],
  swapcase: ['object', (s) => bytesSwapcase(t, s)],
  capitalize: ['object', (s) => bytesCapitalize(t, s)],
  title: ['object', (s) => bytesTitle(t, s)],
  isdigit: ['bool', (s) => bytesIsDigit(t, s)],
  isalpha: ['bool', (s) => bytesIsAlpha(t, s)],
  isalnum: ['bool', (s) => bytesIsAlnum(t, s)],
  isspace: ['bool', (s) => bytesIsSpace(t, s)],
  islower: ['bool', (s) => bytesIsLower(t, s)],
  isupper: ['bool', (s) => bytesIsUpper(t, s)],
  istitle: ['bool', (s) => bytesIsTitle(t, s)],
  isascii: ['bool', (s) => bytesIsAscii(t, s)],
  hex: ['object', (s, a) => bytesHex(t, s, a[0] === null ? 0 : obj(a[0]!), a[1] as number)],
  repeat: ['object', (s, a) => (mutableSelf(s) ? byteArrayRepeat(t, s, a[0] as number) : bytesRepeat(t, s, a[0] as number))],
  getitem: ['object', (s, a) => (mutableSelf(s) ? byteArraySubscript : bytesSubscript)(t, s, obj({ int: String(a[0]) }))],
  slice: ['object', (s, a) => (mutableSelf(s) ? byteArrayGetSlice : bytesGetSlice)(t, s, pos(a[0]!), pos(a[1]!), pos(a[2]!))],
  concat: ['object', (s, a) => (mutableSelf(s) ? byteArrayConcat : bytesConcat)(t, s, obj(a[0]!))],
  compare: ['object', (s, a) => objectRichCompare(t, s, obj(a[0]!), a[1] as number)],
  join: ['object', (s, a) => bytesJoin(t, s, obj(a[0]!))],
};

/** Problems found, kept short. */
let wrong: string[] = [];
function complain(what: string): void {
  if (wrong.length < 20) wrong.push(what);
}

/** Runs one case; the result as the fixture writes it. */
function run(method: string, selfValue: Value, args: Value[]): Value {
  const [shape, call] = METHODS[method]!;
  made.length = 0;
  const s = obj(selfValue);
  made.length = 0;
  const got = call(s, args);
  let out: Value;
  if (t.error.type !== 0) {
    out = error();
    if (!(got === 0 || got === -1 || (shape === 'index' && got === -2))) complain(`${method}: an error with the result ${String(got)}`);
  } else if (shape === 'bool') {
    out = got as boolean;
  } else if (shape === 'tri') {
    out = got === 1;
  } else if (shape === 'index' || shape === 'count') {
    out = got as number;
  } else {
    const res = got as number;
    out = encode(res, s);
    if (res !== s && !made.includes(res) && !isImmortal(r.rc, res) && getRefcount(r.rc, res) !== 1) complain(`${method}: result refcount ${getRefcount(r.rc, res)}`);
    release(r, res);
  }
  release(r, ...made);
  if (getRefcount(r.rc, s) !== 1) complain(`${method}: receiver's refcount ${getRefcount(r.rc, s)} after the call`);
  release(r, s);
  return out;
}

/** CPython's empty bytes is a singleton (so `b''.upper() is b''`); ft's is not: the mark is dropped for empty receivers. */
function normalize(expected: Value, selfValue: Value): Value {
  if (typeof selfValue === 'object' && selfValue !== null && 'b' in selfValue && selfValue.b === '' && typeof expected === 'object' && expected !== null && 'b' in expected) {
    return { b: expected.b };
  }
  return expected;
}

const byMethod = new Map<string, [Value, Value[], Value][]>();
for (const [self, cases] of fixture.cases) {
  for (const [method, args, expected] of cases) {
    if (!byMethod.has(method)) byMethod.set(method, []);
    byMethod.get(method)!.push([self, args, expected]);
  }
}

describe('bytes and bytearray methods against CPython 3.13', () => {
  for (const [method, cases] of byMethod) {
    it(`${method}: ${cases.length} cases`, () => {
      wrong = [];
      const before = liveBlocks();
      for (const [self, args, expected] of cases) {
        const got = run(method, self, args);
        const want = normalize(expected, self);
        const g = normalize(got, self);
        if (JSON.stringify(g) !== JSON.stringify(want)) complain(`${JSON.stringify(self)}.${method}(${JSON.stringify(args)}): ${JSON.stringify(g)} ≠ ${JSON.stringify(want)}`);
      }
      expect(wrong).toEqual([]);
      expect(liveBlocks()).toBe(before);
    });
  }

  it('the fixture covers the methods, the errors and both receivers', () => {
    expect([...byMethod.keys()].sort()).toEqual(Object.keys(METHODS).sort());
    const errors = new Set<string>();
    for (const [, cases] of fixture.cases) for (const [, , e] of cases) if (typeof e === 'object' && e !== null && 'error' in e) errors.add(e.error);
    for (const e of [
      "TypeError: argument should be integer or bytes-like object, not 'str'",
      'ValueError: byte must be in range(0, 256)',
      'ValueError: subsection not found',
      "TypeError: a bytes-like object is required, not 'str'",
      'TypeError: startswith first arg must be bytes or a tuple of bytes, not str',
      'ValueError: empty separator',
      'TypeError: sequence item 1: expected a bytes-like object, str found',
      'OverflowError: repeated bytes are too long',
      'MemoryError',
      'IndexError: index out of range',
      'IndexError: bytearray index out of range',
      "TypeError: can't concat str to bytes",
      "TypeError: '<' not supported between instances of 'bytes' and 'str'",
      'ValueError: sep must be length 1.',
    ]) {
      expect(errors).toContain(e);
    }
    expect(fixture.cases.some(([self]) => typeof self === 'object' && self !== null && 'ba' in self)).toBe(true);
  });
});

describe('bytes: repr, hash, constructors, fromhex, decode against CPython 3.13', () => {
  it(`repr of every byte value and the quote rules (${fixture.reprs.length} cases)`, () => {
    const before = liveBlocks();
    for (const [hex, bytesRepr, byteArrayRepr] of fixture.reprs) {
      const b = bytesFromBytes(t, hexBytes(hex));
      const ba = byteArrayFromBytes(t, hexBytes(hex));
      expect(bytesReprJs(t, b)).toBe(bytesRepr);
      expect(byteArrayReprJs(t, ba)).toBe(byteArrayRepr);
      release(r, b, ba);
    }
    expect(liveBlocks()).toBe(before);
  });

  it('hash equals the low 32 bits of CPython\'s under PYTHONHASHSEED=1234, and hash(b) == hash(s) for the same ASCII text', () => {
    // One runtime per thread at a time: the seeded one in between.
    r.close();
    const seeded = makeRuntime({ hashSeed: 1234 });
    try {
      const st = seeded.t;
      for (const [hex, expected] of fixture.hashes) {
        const b = bytesFromBytes(st, hexBytes(hex));
        const h = bytesHash(st, b);
        expect(h >>> 0, hex).toBe(expected === 0xffffffff ? 0xfffffffe : expected);
        expect(bytesHash(st, b)).toBe(h); // cached
        release(seeded, b);
      }
    } finally {
      seeded.close();
      r = makeRuntime();
      t = r.t;
    }
    const b = bytesFromBytes(t, [104, 105]);
    const s = strFromJs(t, 'hi');
    expect(bytesHash(t, b)).toBe(strHash(t, s));
    release(r, b, s);
  });

  it(`bytes(...) and bytearray(...) (${fixture.ctors.length} argument lists, with __alloc__)`, () => {
    wrong = [];
    const before = liveBlocks();
    for (const [args, bytesExpected, byteArrayExpected, allocExpected] of fixture.ctors) {
      for (const [which, expected] of [['bytes', bytesExpected], ['bytearray', byteArrayExpected], ['alloc', allocExpected]] as const) {
        made.length = 0;
        const x = args[0] === 'absent' ? 0 : obj(args[0] as Value);
        const encoding = args.length > 1 ? (args[1] as string | null) : null;
        const errors = args.length > 2 ? (args[2] as string | null) : null;
        const op = which === 'bytes' ? bytesNew(t, x, encoding, errors) : byteArrayNew(t, x, encoding, errors);
        let got: Value;
        if (op === 0) got = error();
        else {
          got = which === 'alloc' ? byteArrayAlloc(t, op) : encode(op, x);
          if (typeof got === 'object' && got !== null && 'self' in got) delete got.self;
          release(r, op);
        }
        release(r, ...made);
        if (JSON.stringify(got) !== JSON.stringify(expected)) complain(`${which}(${JSON.stringify(args)}): ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });

  it('bytes(b) of an exact bytes is b itself; bytes() and bytes(0) are empty', () => {
    const b = bytesFromBytes(t, [1, 2]);
    const same = bytesNew(t, b);
    expect(same).toBe(b);
    release(r, same, b);
    const e = bytesNew(t);
    expect(bytesSize(t, e)).toBe(0);
    expect(bytesReprJs(t, e)).toBe("b''");
    release(r, e);
  });

  it(`fromhex (${fixture.fromhex.length} inputs, bytes and bytearray)`, () => {
    wrong = [];
    const before = liveBlocks();
    for (const [input, bytesExpected, byteArrayExpected] of fixture.fromhex) {
      for (const [type, expected] of [[StaticType.Bytes, bytesExpected], [StaticType.ByteArray, byteArrayExpected]] as const) {
        made.length = 0;
        const op = bytesFromHex(t, t.types[type]!, obj(input));
        const got = op === 0 ? error() : encode(op, 0);
        if (op !== 0) release(r, op);
        release(r, ...made);
        if (JSON.stringify(got) !== JSON.stringify(expected)) complain(`${type}.fromhex(${JSON.stringify(input)}): ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });

  it(`decode (${fixture.decode.length} inputs × codecs × error handlers)`, () => {
    wrong = [];
    const before = liveBlocks();
    for (const [hex, encoding, errors, expected] of fixture.decode) {
      for (const kind of ['bytes', 'bytearray'] as const) {
        const self = kind === 'bytes' ? bytesFromBytes(t, hexBytes(hex)) : byteArrayFromBytes(t, hexBytes(hex));
        const op = bytesDecode(t, self, encoding ?? undefined, errors ?? undefined);
        const got = op === 0 ? error() : encode(op, 0);
        if (op !== 0) release(r, op);
        release(r, self);
        if (JSON.stringify(got) !== JSON.stringify(expected)) complain(`${kind} ${hex}.decode(${encoding}, ${errors}): ${JSON.stringify(got)} ≠ ${JSON.stringify(expected)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(liveBlocks()).toBe(before);
  });
});

describe('bytes: identity, iteration, and the methods as Python calls', () => {
  it('iteration yields the bytes as ints, then stops for good', () => {
    const b = bytesFromBytes(t, [0, 7, 255]);
    const it = bytesIter(t, b);
    const got: number[] = [];
    for (let x = bytesIterNext(t, it); x !== 0; x = bytesIterNext(t, it)) got.push(intAsNumber(t, x));
    expect(got).toEqual([0, 7, 255]);
    expect(bytesIterNext(t, it)).toBe(0);
    expect(t.error.type).toBe(0);
    release(r, it, b);
  });

  it('item, a whole slice of an exact bytes (itself), *1 (itself), + b"" (itself)', () => {
    const b = bytesFromBytes(t, [65, 66]);
    expect(intAsNumber(t, bytesItem(t, b, -1))).toBe(66);
    expect(bytesItem(t, b, 2)).toBe(0);
    expect(errorText()).toBe('IndexError: index out of range');
    const e = bytesFromBytes(t, []);
    for (const res of [bytesGetSlice(t, b, null, null), bytesRepeat(t, b, 1), bytesConcat(t, b, e), bytesConcat(t, e, b)]) {
      expect(res).toBe(b);
      release(r, res);
    }
    expect(getRefcount(r.rc, b)).toBe(1);
    release(r, b, e);
  });

  /** `obj.name(*args)` through the type's method descriptor and the vectorcall protocol; its result as text. */
  /** Attribute names made once: the method cache keeps the last name it saw (a strong reference), so fresh ones each pass would count as a leak. */
  const names = new Map<string, number>();
  afterAll(() => {
    for (const n of names.values()) release(r, n);
  });
  function nameOf(name: string): number {
    if (!names.has(name)) names.set(name, strFromJs(t, name));
    return names.get(name)!;
  }

  function callMethod(self: number, name: string, args: number[], kwnames: string[] = []): string {
    const bound = objectGetAttr(t, self, nameOf(name));
    if (bound === 0) return errorText();
    const kw = kwnames.length === 0 ? 0 : tupleFromArray(t, kwnames.map(nameOf));
    const res = callArgs(t, bound, args, kw);
    if (kw !== 0) release(r, kw);
    release(r, bound);
    if (res === 0) return errorText();
    const out = JSON.stringify(encode(res, self));
    release(r, res);
    return out;
  }

  it('count/find/index/rfind/rindex as fast calls: positional bounds by __index__ or None, CPython\'s argument errors', () => {
    // The second pass is measured: the first fills the caches that stay (the thread's argument stack, the method cache's names).
    let before = 0;
    for (let pass = 0; pass < 2; pass++) {
    before = liveBlocks();
    const b = bytesFromBytes(t, [97, 98, 97, 98]);
    const sub = bytesFromBytes(t, [98]);
    const one = obj({ int: '1' });
    const big = obj({ int: String(2n ** 100n) });
    const s = obj({ str: 'x' });
    expect(callMethod(b, 'count', [sub])).toBe('2');
    expect(callMethod(b, 'find', [sub, one])).toBe('1');
    expect(callMethod(b, 'rfind', [sub, t.none, big])).toBe('3');
    expect(callMethod(b, 'index', [sub, big])).toBe('ValueError: subsection not found');
    expect(callMethod(b, 'rindex', [one])).toBe('ValueError: subsection not found');
    expect(callMethod(b, 'count', [])).toBe('TypeError: count expected at least 1 argument, got 0');
    expect(callMethod(b, 'find', [sub, one, one, one])).toBe('TypeError: find expected at most 3 arguments, got 4');
    expect(callMethod(b, 'find', [sub, s])).toBe('TypeError: slice indices must be integers or None or have an __index__ method');
    expect(callMethod(b, 'count', [sub, one], ['start'])).toBe('TypeError: bytes.count() takes no keyword arguments');
    expect(callMethod(b, 'split', [sub, one])).toBe('[{"b":"61"},{"b":"6162"}]');
    expect(callMethod(b, 'split', [sub, one], ['maxsplit'])).toBe('[{"b":"61"},{"b":"6162"}]');
    expect(callMethod(b, 'split', [one], ['x'])).toBe("TypeError: split() got an unexpected keyword argument 'x'");
    expect(callMethod(b, 'split', [sub, sub], ['sep'])).toBe("TypeError: argument for split() given by name ('sep') and position (1)");
    expect(callMethod(b, 'split', [sub, big])).toBe('OverflowError: Python int too large to convert to C ssize_t');
    expect(callMethod(b, 'upper', [one])).toBe('TypeError: bytes.upper() takes no arguments (1 given)');
    expect(callMethod(b, 'join', [])).toBe('TypeError: bytes.join() takes exactly one argument (0 given)');
    expect(callMethod(b, 'decode', [one])).toBe("TypeError: decode() argument 'encoding' must be str, not int");
    expect(callMethod(b, 'hex', [s, obj({ int: '2' })], ['bytes_per_sep'])).toBe('{"str":"6162x6162"}');
    expect(callMethod(b, 'isalpha', [])).toBe('true');
    release(r, ...made.splice(0));
    release(r, b, sub);
    }
    expect(liveBlocks()).toBe(before);
  });

  it('bytes(...) through the type: source/encoding/errors by position or keyword', () => {
    let before = 0;
    for (let pass = 0; pass < 2; pass++) {
    before = liveBlocks();
    const text = obj({ str: 'é' });
    const enc = obj({ str: 'latin-1' });
    const five = obj({ int: '5' });
    const call = (args: number[], kw: string[] = []): string => {
      const kwn = kw.length === 0 ? 0 : tupleFromArray(t, kw.map(nameOf));
      const res = callArgs(t, t.types[StaticType.Bytes]!, args, kwn);
      if (kwn !== 0) release(r, kwn);
      if (res === 0) return errorText();
      const out = JSON.stringify(encode(res, 0));
      release(r, res);
      return out;
    };
    expect(call([text, enc])).toBe('{"b":"e9"}');
    expect(call([text, enc], ['encoding'])).toBe('{"b":"e9"}');
    expect(call([five])).toBe('{"b":"0000000000"}');
    expect(call([five, five])).toBe("TypeError: bytes() argument 'encoding' must be str, not int");
    expect(call([five], ['x'])).toBe("TypeError: bytes() got an unexpected keyword argument 'x'");
    expect(call([five, enc, enc, enc])).toBe('TypeError: bytes() takes at most 3 arguments (4 given)');
    // fromhex is a class method: bound to the type it is read from.
    const hex = obj({ str: '41 42' });
    for (const [type, expected] of [[StaticType.Bytes, '{"b":"4142"}'], [StaticType.ByteArray, '{"ba":"4142"}']] as const) {
      const fromhex = objectGetAttr(t, t.types[type]!, nameOf('fromhex'));
      const res = callArgs(t, fromhex, [hex]);
      expect(JSON.stringify(encode(res, 0))).toBe(expected);
      release(r, res, fromhex);
    }
    release(r, ...made.splice(0));
    }
    expect(liveBlocks()).toBe(before);
  });
});
