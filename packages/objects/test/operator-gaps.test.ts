/**
 * Operators and methods real programs hit, against CPython 3.13:
 * fixtures/operator-gaps-cpython.json, made once by
 * operator-gaps-cpython.py, holds `a <op> b` — tuple `+` / `*`, the set,
 * frozenset, dict and dict-view operators, in-place forms and comparisons,
 * bool arithmetic — and method calls — `float.hex` / `fromhex`,
 * `str.maketrans` / `translate`, the bytes and bytearray layout methods,
 * dict views' `isdisjoint` / `__reversed__` / `in` — with the result's repr
 * (or the error's "Type: message"), whether the result is the left operand
 * itself, and the left operand's repr afterwards.
 *
 * Here the same operands are built in the heap; an operator goes through
 * the number protocol (`numberBinaryOp`, `numberInPlaceOp`, with the slot
 * dispatch, reflected operands and CPython's TypeErrors) or
 * `objectRichCompare`, a method through `PyObject_GetAttr` and a call. Set
 * elements are compared sorted (the heap's hashes are a 32-bit build's).
 * Every object is released, and the whole fixture runs twice: the heap's
 * live blocks must be the same after the second run as after the first.
 */

import { readFileSync } from 'node:fs';
import { miStats } from '@ft/mimalloc';
import { decref } from '@ft/refcount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dictNew,
  dictSetItem,
  errFetch,
  floatFromDouble,
  formatError,
  intFromBigInt,
  listFromArray,
  listGetItemRef,
  listSize,
  numberBinaryOp,
  numberInPlaceOp,
  objectGetAttr,
  objectReprJs,
  objectRichCompare,
  PY_EQ,
  PY_GE,
  PY_GT,
  PY_LE,
  PY_LT,
  PY_NE,
  setAdd,
  setNew,
  StaticType,
  strFromJs,
  strInternFromJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  typeOf,
  type NumberBinarySlot,
  type ObThread,
} from '../src/index.js';
import { byteArrayFromBytes } from '../src/bytearray.js';
import { bytesFromBytes } from '../src/bytes.js';
import { callArgs } from '../src/call.js';
import { dictSnapshot, dictView } from '../src/dict.js';
import { TPFLAGS_DICT_SUBCLASS, TPFLAGS_LIST_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS } from '../src/layout.js';
import { setSnapshot } from '../src/set.js';
import { typeHasFlag } from '../src/subtype.js';
import { makeRuntime, type Runtime } from './runtime.js';

/** A value as the generator encodes it (`enc` there). */
type Encoded = null | boolean | { [tag: string]: unknown };

interface Case {
  /** An operator (`|`, `|=`, `<`, …) with `b`, or a method name with `args`. */
  op?: string;
  call?: string;
  a: Encoded;
  b?: Encoded;
  args?: Encoded[];
  result?: string;
  same?: boolean;
  error?: string;
  after: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/operator-gaps-cpython.json', import.meta.url), 'utf8')) as Case[];

const BINARY: Record<string, NumberBinarySlot> = {
  '+': 'add',
  '-': 'subtract',
  '*': 'multiply',
  '%': 'remainder',
  '//': 'floorDivide',
  '<<': 'lshift',
  '>>': 'rshift',
  '&': 'and',
  '|': 'or',
  '^': 'xor',
};
const COMPARE: Record<string, number> = { '<': PY_LT, '<=': PY_LE, '==': PY_EQ, '!=': PY_NE, '>': PY_GT, '>=': PY_GE };
const TYPES: Record<string, StaticType> = { str: StaticType.Str, bytes: StaticType.Bytes, bytearray: StaticType.ByteArray, float: StaticType.Float, tuple: StaticType.Tuple };

let r: Runtime;
let t: ObThread;
beforeAll(() => {
  r = makeRuntime();
  t = r.t;
});
afterAll(() => r?.close());

/** The current exception as "Type: message", cleared (its object released). */
function lastError(): string {
  const fetched = errFetch(t);
  if (fetched === null) return '(no exception set)';
  const text = formatError(t, fetched);
  if (fetched.value !== 0) decref(t.rc, fetched.value);
  return text;
}

function must(op: number, what: string): number {
  if (op === 0) throw new Error(`building ${what}: ${lastError()}`);
  return op;
}

function parseFloatRepr(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan') return NaN;
  return Number(text);
}

/** A new reference to the object `v` encodes. */
function build(v: Encoded): number {
  if (v === null) return t.none;
  if (v === true) return t.true;
  if (v === false) return t.false;
  const [tag, body] = Object.entries(v)[0]!;
  const many = (items: unknown): number[] => (items as Encoded[]).map(build);
  const releaseAll = (ops: number[]): void => {
    for (const op of ops) decref(t.rc, op);
  };
  switch (tag) {
    case 'i':
      return must(intFromBigInt(t, BigInt(body as string)), 'an int');
    case 'f':
      return must(floatFromDouble(t, parseFloatRepr(body as string)), 'a float');
    case 's':
      return must(strFromJs(t, body as string), 'a str');
    case 'b':
      return must(bytesFromBytes(t, body as number[]), 'a bytes');
    case 'ba':
      return must(byteArrayFromBytes(t, body as number[]), 'a bytearray');
    case 'l':
    case 't': {
      const items = many(body);
      const op = must(tag === 'l' ? listFromArray(t, items) : tupleFromArray(t, items), 'a sequence');
      releaseAll(items);
      return op;
    }
    case 'd': {
      const d = must(dictNew(t), 'a dict');
      for (const [k, x] of body as [Encoded, Encoded][]) {
        const key = build(k);
        const value = build(x);
        must(dictSetItem(t, d, key, value) === 0 ? 1 : 0, 'a dict item');
        releaseAll([key, value]);
      }
      return d;
    }
    case 'set':
    case 'fs': {
      const s = must(setNew(t, 0, tag === 'fs'), 'a set');
      for (const x of many(body)) {
        must(setAdd(t, s, x) === 0 ? 1 : 0, 'a set item');
        decref(t.rc, x);
      }
      return s;
    }
    case 'keys':
    case 'values':
    case 'items': {
      const d = build(body as Encoded);
      const view = must(dictView(t, d, tag === 'keys' ? 0 : tag === 'values' ? 1 : 2), 'a view');
      decref(t.rc, d);
      return view;
    }
    case 'type':
      return t.types[TYPES[body as string]!]!; // immortal
  }
  throw new Error(`unknown encoding ${JSON.stringify(v)}`);
}

/** `repr` with the elements of sets sorted, as the generator's `canon`. */
function canon(op: number): string {
  const type = typeOf(t, op);
  if (type === t.types[StaticType.Set] || type === t.types[StaticType.FrozenSet]) {
    const keys = setSnapshot(t, op);
    const items = keys.map(canon).sort();
    for (const k of keys) decref(t.rc, k);
    if (type === t.types[StaticType.Set]) return items.length === 0 ? 'set()' : `{${items.join(', ')}}`;
    return items.length === 0 ? 'frozenset()' : `frozenset({${items.join(', ')}})`;
  }
  if (typeHasFlag(t, type, TPFLAGS_LIST_SUBCLASS)) {
    const parts: string[] = [];
    for (let i = 0; i < listSize(t, op); i++) {
      const item = listGetItemRef(t, op, i);
      parts.push(canon(item));
      decref(t.rc, item);
    }
    return `[${parts.join(', ')}]`;
  }
  if (typeHasFlag(t, type, TPFLAGS_TUPLE_SUBCLASS)) {
    const n = tupleSize(t, op);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(canon(tupleGetItem(t, op, i)));
    return n === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
  }
  if (typeHasFlag(t, type, TPFLAGS_DICT_SUBCLASS)) {
    const pairs = dictSnapshot(t, op, 2) ?? [];
    const parts = pairs.map((p) => `${canon(tupleGetItem(t, p, 0))}: ${canon(tupleGetItem(t, p, 1))}`);
    for (const p of pairs) decref(t.rc, p);
    return `{${parts.join(', ')}}`;
  }
  const text = objectReprJs(t, op);
  return text ?? `(repr failed: ${lastError()})`;
}

/** Interned attribute names (immortal), made once. */
const interned = new Map<string, number>();
function name(text: string): number {
  let s = interned.get(text);
  if (s === undefined) {
    s = must(strInternFromJs(t, text), 'a name');
    interned.set(text, s);
  }
  return s;
}

interface Outcome {
  result?: string;
  same?: boolean;
  error?: string;
  after: string;
}

/** The operation of a case on `a` (a new reference, or 0 with an exception). */
function perform(c: Case, a: number): number {
  if (c.op !== undefined) {
    const b = build(c.b!);
    let result: number;
    if (c.op in COMPARE) result = objectRichCompare(t, a, b, COMPARE[c.op]!);
    else if (c.op.endsWith('=')) result = numberInPlaceOp(t, a, b, BINARY[c.op.slice(0, -1)]!);
    else result = numberBinaryOp(t, a, b, BINARY[c.op]!);
    decref(t.rc, b);
    return result;
  }
  const method = objectGetAttr(t, a, name(c.call!));
  if (method === 0) return 0;
  const args = c.args!.map(build);
  const result = callArgs(t, method, args);
  for (const op of args) decref(t.rc, op);
  decref(t.rc, method);
  return result;
}

/** Runs one case; every object it made is released. A `__reversed__` result is shown as the list of its items, as the generator records it. */
function runCase(c: Case): Outcome {
  const a = build(c.a);
  const out: Outcome = { after: '' };
  const result = perform(c, a);
  if (result === 0) {
    out.error = lastError();
  } else {
    out.result = c.call === '__reversed__' ? reversedItems(result) : canon(result);
    out.same = result === a;
    decref(t.rc, result);
  }
  out.after = canon(a);
  decref(t.rc, a);
  return out;
}

/** The items a reversed iterator yields, as a list's repr. */
function reversedItems(it: number): string {
  const list = must(callArgs(t, t.types[StaticType.List]!, [it]), 'a list');
  const text = canon(list);
  decref(t.rc, list);
  return text;
}

function describeCase(c: Case): string {
  const show = (v: Encoded | undefined): string => JSON.stringify(v);
  return c.op !== undefined ? `${show(c.a)} ${c.op} ${show(c.b)}` : `${show(c.a)}.${c.call}(${(c.args ?? []).map(show).join(', ')})`;
}

/** Runs the cases; returns the mismatches, as lines. */
function runAll(cases: readonly Case[]): string[] {
  const wrong: string[] = [];
  for (const c of cases) {
    let got: Outcome;
    try {
      got = runCase(c);
    } catch (e) {
      wrong.push(`${describeCase(c)}: threw ${(e as Error).message}`);
      continue;
    }
    const show = (o: Outcome): string => (o.error !== undefined ? `error ${o.error}` : `${o.result}${o.same === true ? ' (the left operand)' : ''}`) + `; after: ${o.after}`;
    const expected = show(c);
    if (show(got) !== expected) wrong.push(`${describeCase(c)}:\n    got      ${show(got)}\n    expected ${expected}`);
  }
  return wrong;
}

/** The heap's live blocks, less those the thread's free lists keep for reuse. */
function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks - t.floatFreeList.length - t.intFreeList.length;
}

/** The cases by what they exercise: the operator or method name and the left operand's encoding tag. */
function groupOf(c: Case): string {
  const tag = c.a === null || typeof c.a === 'boolean' ? 'const' : Object.keys(c.a)[0]!;
  return c.op !== undefined ? `${tag} operators` : `${tag} methods`;
}

const groups = new Map<string, Case[]>();
for (const c of fixture) {
  const g = groupOf(c);
  if (!groups.has(g)) groups.set(g, []);
  groups.get(g)!.push(c);
}

describe('operator and method gaps against CPython 3.13', () => {
  for (const [group, cases] of groups) {
    it(`${group}: ${cases.length} cases`, () => {
      expect(runAll(cases).slice(0, 25).join('\n')).toBe('');
    });
  }

  it('leave the heap as they found it (the whole fixture run twice)', () => {
    runAll(fixture);
    const before = liveBlocks();
    runAll(fixture);
    expect(liveBlocks()).toBe(before);
  });
});
