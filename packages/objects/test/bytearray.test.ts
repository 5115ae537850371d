/**
 * bytearray (bytearray.ts) and the buffer protocol (buffer.ts) against
 * CPython 3.13 (fixtures/bytes-cpython.json, made once by
 * bytes-cpython.py): scripts of mutations — append, extend, pop, insert,
 * remove, clear, item and slice assignment and deletion, `+=`, `*=`,
 * exports made and released — with the contents and `__alloc__()` after
 * every step (CPython's growth and shrink policy, the logical start that
 * `del b[:n]` advances) and each step's result or error; then
 * PyObject_GetBuffer's flags and errors, export counting, iteration,
 * comparison and the methods as Python calls. The heap's live blocks are
 * the same before and after each test.
 */

import { readFileSync } from 'node:fs';
import { miStats } from '@ft/mimalloc';
import { getRefcount } from '@ft/refcount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errFetch, formatError, intFromBigInt, listFromArray, objectHash, objectRichCompareBool, PY_EQ, PY_LT, StaticType, strFromJs, tupleFromArray, type ObThread } from '../src/index.js';
import { floatFromDouble } from '../src/float.js';
import { intAsNumber, intCheckExact } from '../src/int.js';
import { rangeNew } from '../src/range.js';
import { sliceNew } from '../src/slice.js';
import { callArgs } from '../src/call.js';
import { objectGetAttr } from '../src/generic-attr.js';
import { bufferRelease, objectGetBuffer, PYBUF_READ, PYBUF_SIMPLE, PYBUF_WRITABLE, PYBUF_WRITE, type PyBuffer } from '../src/buffer.js';
import { bytesFromBytes } from '../src/bytes.js';
import {
  byteArrayAlloc,
  byteArrayAppend,
  byteArrayAssSubscript,
  byteArrayCheckExact,
  byteArrayClear,
  byteArrayExports,
  byteArrayExtend,
  byteArrayFromBytes,
  byteArrayInplaceConcat,
  byteArrayInplaceRepeat,
  byteArrayInsert,
  byteArrayIter,
  byteArrayIterNext,
  byteArrayNew,
  byteArrayPop,
  byteArrayRemove,
  byteArrayReprJs,
  byteArraySize,
  byteArraySubscript,
  byteArrayToJs,
} from '../src/bytearray.js';
import { bytesContains, bytesFind } from '../src/bytes-methods.js';
import { makeRuntime, release, type Runtime } from './runtime.js';

type Value = null | boolean | number | { b: string } | { ba: string } | { int: string } | { str: string } | { float: number } | { tuple: Value[] } | { list: Value[] } | { range: [number, number] } | { slice: (number | null)[] } | { error: string };
type Step = [string, ...Value[]];
interface Fixture {
  scripts: [string, Step[], [Value, string, number][]][];
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

/** The current exception as `Type: message`, cleared (its object, if one was made, released). */
function errorText(): string {
  const fetched = errFetch(t)!;
  const text = formatError(t, fetched);
  if (fetched.value !== 0) release(r, fetched.value);
  return text;
}

const made: number[] = [];

/** A fixture value as a new object (kept in `made`); null is None. */
function obj(v: Value): number {
  if (v === null) return t.none;
  if (v === true) return t.true;
  if (v === false) return t.false;
  if (typeof v !== 'object') throw new Error(`not an object: ${JSON.stringify(v)}`);
  let op: number;
  if ('b' in v) op = bytesFromBytes(t, hexBytes(v.b));
  else if ('ba' in v) op = byteArrayFromBytes(t, hexBytes(v.ba));
  else if ('int' in v) op = intFromBigInt(t, BigInt(v.int));
  else if ('str' in v) op = strFromJs(t, v.str);
  else if ('float' in v) op = floatFromDouble(t, v.float);
  else if ('tuple' in v) op = tupleFromArray(t, v.tuple.map(obj));
  else if ('list' in v) op = listFromArray(t, v.list.map(obj));
  else if ('range' in v) {
    const args = tupleFromArray(t, v.range.map((n) => obj({ int: String(n) })));
    op = rangeNew(t, args);
    release(r, args);
  } else if ('slice' in v) op = sliceNew(t, ...(v.slice.map((n) => (n === null ? 0 : obj({ int: String(n) }))) as [number, number, number]));
  else throw new Error(`not an object: ${JSON.stringify(v)}`);
  made.push(op);
  return op;
}

/** `bytearray(b"…")`, `bytearray(b"…" * n)` or `bytearray()` as CPython builds it (through __init__: the same allocation). */
function initial(expr: string): number {
  const m = /^bytearray\((?:b"(.*?)"(?: \* (\d+))?)?\)$/.exec(expr);
  if (m === null) throw new Error(`initial ${expr}`);
  if (m[1] === undefined) return byteArrayNew(t);
  const text = m[1].repeat(m[2] === undefined ? 1 : Number(m[2]));
  const src = bytesFromBytes(t, Array.from(text, (c) => c.charCodeAt(0)));
  const op = byteArrayNew(t, src);
  release(r, src);
  return op;
}

/** A step's result: None for a status 0, an int, a bytearray, or the error. */
function stepResult(kind: 'status' | 'object' | 'self', got: number, ba: number): Value {
  if (t.error.type !== 0) return { error: errorText() };
  if (kind === 'status') return null;
  if (kind === 'self') {
    expect(got).toBe(ba);
    release(r, got);
    return null;
  }
  let out: Value;
  if (intCheckExact(t, got)) out = intAsNumber(t, got);
  else if (byteArrayCheckExact(t, got)) out = { ba: toHex(byteArrayToJs(t, got)) };
  else throw new Error('unexpected result');
  release(r, got);
  return out;
}

describe('bytearray mutations against CPython 3.13 (contents and __alloc__ after every step)', () => {
  for (const [expr, steps, records] of fixture.scripts) {
    it(`${expr}: ${steps.map((s) => s[0]).join(', ').slice(0, 120)}`, () => {
      const before = liveBlocks();
      const ba = initial(expr);
      const views: PyBuffer[] = [];
      const got: [Value, string, number][] = [];
      for (const [op, ...args] of steps) {
        made.length = 0;
        let result: Value;
        switch (op) {
          case 'append':
            result = stepResult('status', byteArrayAppend(t, ba, obj(args[0]!)), ba);
            break;
          case 'extend':
            result = stepResult('status', byteArrayExtend(t, ba, obj(args[0]!)), ba);
            break;
          case 'pop':
            result = stepResult('object', byteArrayPop(t, ba, args.length > 0 ? (args[0] as number) : -1), ba);
            break;
          case 'insert':
            result = stepResult('status', byteArrayInsert(t, ba, args[0] as number, obj(args[1]!)), ba);
            break;
          case 'remove':
            result = stepResult('status', byteArrayRemove(t, ba, obj(args[0]!)), ba);
            break;
          case 'clear':
            result = stepResult('status', byteArrayClear(t, ba), ba);
            break;
          case 'setitem':
            result = stepResult('status', byteArrayAssSubscript(t, ba, obj(args[0]!), obj(args[1]!)), ba);
            break;
          case 'delitem':
            result = stepResult('status', byteArrayAssSubscript(t, ba, obj(args[0]!), 0), ba);
            break;
          case 'getitem':
            result = stepResult('object', byteArraySubscript(t, ba, obj(args[0]!)), ba);
            break;
          case 'iadd':
            result = stepResult('self', byteArrayInplaceConcat(t, ba, obj(args[0]!)), ba);
            break;
          case 'imul':
            result = stepResult('self', byteArrayInplaceRepeat(t, ba, args[0] as number), ba);
            break;
          case 'export': {
            const view = objectGetBuffer(t, ba, PYBUF_SIMPLE);
            expect(view).not.toBeNull();
            views.push(view!);
            result = null;
            break;
          }
          case 'release':
            bufferRelease(t, views.pop()!);
            result = null;
            break;
          default:
            throw new Error(`step ${op}`);
        }
        release(r, ...made);
        got.push([result, toHex(byteArrayToJs(t, ba)), byteArrayAlloc(t, ba)]);
      }
      for (const v of views) bufferRelease(t, v);
      expect(byteArrayExports(t, ba)).toBe(0);
      expect(got).toEqual(records);
      expect(getRefcount(r.rc, ba)).toBe(1);
      release(r, ba);
      expect(liveBlocks()).toBe(before);
    });
  }
});

describe('the buffer protocol (PyObject_GetBuffer, PyBuffer_Release)', () => {
  const SYSTEM_ERROR = 'SystemError: Objects/abstract.c:430: bad argument to internal function';

  it('PYBUF_READ and PYBUF_WRITE alone are refused with CPython 3.13\'s SystemError, before the type is looked at', () => {
    const before = liveBlocks();
    const objs = [bytesFromBytes(t, [1]), byteArrayFromBytes(t, [1]), strFromJs(t, 'x'), intFromBigInt(t, 5n)];
    for (const o of objs) {
      for (const flags of [PYBUF_READ, PYBUF_WRITE]) {
        expect(objectGetBuffer(t, o, flags)).toBeNull();
        expect(errorText()).toBe(SYSTEM_ERROR);
      }
    }
    expect(byteArrayExports(t, objs[1]!)).toBe(0);
    release(r, ...objs);
    expect(liveBlocks()).toBe(before);
  });

  it('bytes: a read-only view of its data; PYBUF_WRITABLE is BufferError "Object is not writable."; other flags pass', () => {
    const before = liveBlocks();
    const b = bytesFromBytes(t, [10, 20, 30]);
    for (const flags of [PYBUF_SIMPLE, PYBUF_READ | PYBUF_WRITE, 0x104]) {
      const view = objectGetBuffer(t, b, flags)!;
      expect(view.readonly).toBe(true);
      expect(view.len).toBe(3);
      expect(Array.from(t.u8.subarray(view.buf, view.buf + 3))).toEqual([10, 20, 30]);
      expect(getRefcount(r.rc, b)).toBe(2); // the view holds the exporter
      bufferRelease(t, view);
      bufferRelease(t, view); // released twice: nothing more happens
      expect(getRefcount(r.rc, b)).toBe(1);
    }
    for (const flags of [PYBUF_WRITABLE, PYBUF_WRITABLE | PYBUF_READ]) {
      expect(objectGetBuffer(t, b, flags)).toBeNull();
      expect(errorText()).toBe('BufferError: Object is not writable.');
    }
    release(r, b);
    expect(liveBlocks()).toBe(before);
  });

  it('str and int: TypeError "a bytes-like object is required, not \'str\'"', () => {
    const s = strFromJs(t, 'abc');
    const n = intFromBigInt(t, 7n);
    expect(objectGetBuffer(t, s, PYBUF_SIMPLE)).toBeNull();
    expect(errorText()).toBe("TypeError: a bytes-like object is required, not 'str'");
    expect(objectGetBuffer(t, n, PYBUF_WRITABLE)).toBeNull();
    expect(errorText()).toBe("TypeError: a bytes-like object is required, not 'int'");
    release(r, s, n);
  });

  it('bytearray: a writable view, counted; a write through it shows; resizing waits for the last release', () => {
    const before = liveBlocks();
    const ba = byteArrayFromBytes(t, [1, 2, 3]);
    const v1 = objectGetBuffer(t, ba, PYBUF_WRITABLE)!;
    const v2 = objectGetBuffer(t, ba, PYBUF_SIMPLE)!;
    expect(v1.readonly).toBe(false);
    expect(byteArrayExports(t, ba)).toBe(2);
    t.u8[v1.buf + 1] = 99;
    expect(Array.from(byteArrayToJs(t, ba))).toEqual([1, 99, 3]);
    const one = intFromBigInt(t, 1n);
    expect(byteArrayAppend(t, ba, one)).toBe(-1);
    expect(errorText()).toBe('BufferError: Existing exports of data: object cannot be re-sized');
    expect(byteArrayPop(t, ba)).toBe(0);
    expect(errorText()).toBe('BufferError: Existing exports of data: object cannot be re-sized');
    bufferRelease(t, v1);
    expect(byteArrayExports(t, ba)).toBe(1);
    expect(byteArrayAppend(t, ba, one)).toBe(-1);
    expect(errorText()).toBe('BufferError: Existing exports of data: object cannot be re-sized');
    bufferRelease(t, v2);
    expect(byteArrayExports(t, ba)).toBe(0);
    expect(byteArrayAppend(t, ba, one)).toBe(0);
    expect(Array.from(byteArrayToJs(t, ba))).toEqual([1, 99, 3, 1]);
    // `b += b` exports b before resizing it (CPython's BufferError); `b.extend(b)` copies first.
    expect(byteArrayInplaceConcat(t, ba, ba)).toBe(0);
    expect(errorText()).toBe('BufferError: Existing exports of data: object cannot be re-sized');
    expect(byteArrayExtend(t, ba, ba)).toBe(0);
    expect(Array.from(byteArrayToJs(t, ba))).toEqual([1, 99, 3, 1, 1, 99, 3, 1]);
    const whole = sliceNew(t, 0, 0, 0);
    expect(byteArrayAssSubscript(t, ba, whole, ba)).toBe(0);
    expect(Array.from(byteArrayToJs(t, ba))).toEqual([1, 99, 3, 1, 1, 99, 3, 1]);
    expect(byteArrayExports(t, ba)).toBe(0);
    expect(getRefcount(r.rc, ba)).toBe(1);
    release(r, whole, ba);
    expect(liveBlocks()).toBe(before);
  });
});

describe('bytearray: hash, comparison, iteration, search under its lock, and the methods as Python calls', () => {
  it('is unhashable; compares with bytes either way; repr names the type', () => {
    const ba = byteArrayFromBytes(t, [97, 98]);
    const b = bytesFromBytes(t, [97, 98]);
    const c = bytesFromBytes(t, [97, 99]);
    expect(objectHash(t, ba)).toBe(-1);
    expect(errorText()).toBe("TypeError: unhashable type: 'bytearray'");
    expect(objectRichCompareBool(t, ba, b, PY_EQ)).toBe(1);
    expect(objectRichCompareBool(t, b, ba, PY_EQ)).toBe(1);
    expect(objectRichCompareBool(t, ba, c, PY_LT)).toBe(1);
    expect(objectRichCompareBool(t, c, ba, PY_LT)).toBe(0);
    expect(byteArrayReprJs(t, ba)).toBe("bytearray(b'ab')");
    expect(bytesContains(t, ba, b)).toBe(1);
    expect(bytesFind(t, ba, c)).toBe(-1);
    release(r, ba, b, c);
  });

  it('an iterator reads each byte under the lock and sees the bytearray as it is at each step', () => {
    const before = liveBlocks();
    const ba = byteArrayFromBytes(t, [1, 2]);
    const it = byteArrayIter(t, ba);
    const got: number[] = [];
    const five = intFromBigInt(t, 5n);
    for (let x = byteArrayIterNext(t, it); x !== 0; x = byteArrayIterNext(t, it)) {
      got.push(intAsNumber(t, x));
      if (got.length === 1) byteArrayAppend(t, ba, five);
    }
    expect(got).toEqual([1, 2, 5]);
    byteArrayAppend(t, ba, five);
    expect(byteArrayIterNext(t, it)).toBe(0); // exhausted stays exhausted
    expect(t.error.type).toBe(0);
    release(r, it, ba);
    expect(liveBlocks()).toBe(before);
  });

  /** Attribute names made once (the method cache keeps the last one it saw). */
  const names = new Map<string, number>();
  afterAll(() => {
    for (const n of names.values()) release(r, n);
  });
  const nameOf = (name: string): number => {
    if (!names.has(name)) names.set(name, strFromJs(t, name));
    return names.get(name)!;
  };

  function callMethod(self: number, name: string, args: number[]): string {
    const bound = objectGetAttr(t, self, nameOf(name));
    if (bound === 0) return errorText();
    const res = callArgs(t, bound, args);
    release(r, bound);
    if (res === 0) return errorText();
    const out = res === t.none ? 'None' : intCheckExact(t, res) ? String(intAsNumber(t, res)) : byteArrayCheckExact(t, res) ? byteArrayReprJs(t, res) : '?';
    release(r, res);
    return out;
  }

  it('append, extend, pop, insert, remove, clear, copy, __alloc__ and the shared methods through the type, with CPython\'s argument errors', () => {
    let before = 0;
    for (let pass = 0; pass < 2; pass++) {
      before = liveBlocks();
      const ba = byteArrayNew(t);
      const one = intFromBigInt(t, 1n);
      const big = intFromBigInt(t, 2n ** 70n);
      const x = bytesFromBytes(t, [120, 121]);
      expect(callMethod(ba, 'append', [one])).toBe('None');
      expect(callMethod(ba, 'extend', [x])).toBe('None');
      expect(callMethod(ba, 'insert', [one, one])).toBe('None');
      expect(byteArrayReprJs(t, ba)).toBe("bytearray(b'\\x01\\x01xy')");
      expect(callMethod(ba, 'pop', [])).toBe('121');
      expect(callMethod(ba, 'pop', [one])).toBe('1');
      expect(callMethod(ba, 'remove', [one])).toBe('None');
      expect(callMethod(ba, 'copy', [])).toBe("bytearray(b'x')");
      expect(callMethod(ba, 'find', [x])).toBe('-1');
      expect(callMethod(ba, '__alloc__', [])).toBe(String(byteArrayAlloc(t, ba)));
      expect(callMethod(ba, 'append', [])).toBe('TypeError: bytearray.append() takes exactly one argument (0 given)');
      expect(callMethod(ba, 'pop', [one, one])).toBe('TypeError: pop expected at most 1 argument, got 2');
      expect(callMethod(ba, 'pop', [x])).toBe("TypeError: 'bytes' object cannot be interpreted as an integer");
      expect(callMethod(ba, 'pop', [big])).toBe('OverflowError: Python int too large to convert to C ssize_t');
      expect(callMethod(ba, 'insert', [one])).toBe('TypeError: insert expected 2 arguments, got 1');
      expect(callMethod(ba, 'clear', [])).toBe('None');
      expect(byteArraySize(t, ba)).toBe(0);
      expect(getRefcount(r.rc, ba)).toBe(1);
      release(r, ba, one, big, x);
    }
    expect(liveBlocks()).toBe(before);
  });

  it('bytearray(...) through the type: __new__ then __init__', () => {
    let before = 0;
    for (let pass = 0; pass < 2; pass++) {
      before = liveBlocks();
      const text = strFromJs(t, 'aé');
      const enc = strFromJs(t, 'utf-8');
      const ba = callArgs(t, t.types[StaticType.ByteArray]!, [text, enc]);
      expect(byteArrayReprJs(t, ba)).toBe("bytearray(b'a\\xc3\\xa9')");
      expect(byteArrayAlloc(t, ba)).toBe(4);
      const three = intFromBigInt(t, 3n);
      expect(callArgs(t, t.types[StaticType.ByteArray]!, [three, three, three, three])).toBe(0);
      expect(errorText()).toBe('TypeError: bytearray() takes at most 3 arguments (4 given)');
      release(r, ba, text, enc, three);
    }
    expect(liveBlocks()).toBe(before);
  });
});
