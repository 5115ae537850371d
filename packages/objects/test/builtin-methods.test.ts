/**
 * The builtin types' Python-visible methods, getsets and constructors
 * (builtin-methods.ts and the tables it registers) against CPython 3.13:
 * fixtures/builtin-methods-cpython.json, made once by
 * builtin-methods-cpython.py, holds calls as Python code makes them —
 * `[1, 2, 3].pop(0)`, `dict.fromkeys('ab', 0)`, `deque([1], maxlen=2)`,
 * wrong argument counts, types and keywords among them — with the result's
 * repr or the error's "Type: message", and the receiver's repr after the
 * call. Here the same objects are built in the heap, the attribute is
 * looked up with `PyObject_GetAttr` and called with the vectorcall shape
 * (keywords as kwnames), and the reprs compared (the elements of sets
 * sorted: the heap's hashes are a 32-bit build's, so set order differs).
 *
 * Every case's objects are released, and the whole fixture runs twice: the
 * heap's live blocks (less the free lists' spares) must be the same after
 * the second run as after the first — nothing leaked, nothing freed twice.
 */

import { getConstantBorrowed, PY_CONSTANT_ELLIPSIS } from '../src/constants.js';
import { readFileSync } from 'node:fs';
import { miStats } from '@ft/mimalloc';
import { decref } from '@ft/refcount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complexFromDoubles,
  dictNew,
  dictSetItem,
  errFetch,
  floatFromDouble,
  formatError,
  intFromBigInt,
  listFromArray,
  listGetItemRef,
  listSize,
  objectGetAttr,
  objectSetAttr,
  objectReprJs,
  setAdd,
  setNew,
  StaticType,
  strFromJs,
  strInternFromJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  typeHasFlag,
  typeIsSubtype,
  typeName,
  typeNew,
  typeOf,
  type ObThread,
} from '../src/index.js';
import { byteArrayFromBytes } from '../src/bytearray.js';
import { bytesFromBytes } from '../src/bytes.js';
import { callArgs } from '../src/call.js';
import { dequeNew } from '../src/deque.js';
import { dictSnapshot } from '../src/dict.js';
import { setSnapshot } from '../src/set.js';
import { TPFLAGS_DICT_SUBCLASS, TPFLAGS_LIST_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS } from '../src/layout.js';
import { rangeNew } from '../src/range.js';
import { sliceNew } from '../src/slice.js';
import { makeRuntime, type Runtime } from './runtime.js';

/** A value as the generator encodes it (`enc` there). */
type Encoded = null | boolean | { [tag: string]: unknown };

interface Case {
  recv: Encoded;
  /** The attribute called; `.name` reads a getset; null calls the receiver. */
  name: string | null;
  args: Encoded[];
  kw: [string, Encoded][];
  result?: string;
  same?: boolean;
  error?: string;
  after: string;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/builtin-methods-cpython.json', import.meta.url), 'utf8')) as Case[];

const TYPES: Record<string, StaticType> = {
  list: StaticType.List,
  tuple: StaticType.Tuple,
  dict: StaticType.Dict,
  set: StaticType.Set,
  frozenset: StaticType.FrozenSet,
  deque: StaticType.Deque,
  str: StaticType.Str,
  int: StaticType.Int,
  bool: StaticType.Bool,
  float: StaticType.Float,
  complex: StaticType.Complex,
  range: StaticType.Range,
  slice: StaticType.Slice,
  object: StaticType.Object,
  type: StaticType.Type,
  BaseException: StaticType.BaseException,
  ValueError: StaticType.ValueError,
  KeyError: StaticType.KeyError,
};

/** The generator's classes: `class L(list): pass` and the others. */
const CLASSES: Record<string, StaticType> = { L: StaticType.List, T: StaticType.Tuple, D: StaticType.Dict, S: StaticType.Set, F: StaticType.FrozenSet, Q: StaticType.Deque };

let r: Runtime;
let t: ObThread;
const classes = new Map<string, number>();

beforeAll(() => {
  r = makeRuntime();
  t = r.t;
  for (const [name, base] of Object.entries(CLASSES)) {
    const ns = dictNew(t);
    for (const [k, v] of [['__module__', '__main__'], ['__qualname__', name]]) {
      const key = strFromJs(t, k);
      const value = strFromJs(t, v);
      dictSetItem(t, ns, key, value);
      decref(t.rc, key);
      decref(t.rc, value);
    }
    const bases = tupleFromArray(t, [t.types[base]!]);
    classes.set(name, typeNew(t, t.types[StaticType.Type]!, name, bases, ns));
    decref(t.rc, ns);
    decref(t.rc, bases);
  }
});
afterAll(() => {
  for (const cls of classes.values()) decref(t.rc, cls);
  r?.close();
});

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
  const many = (items: unknown) => (items as Encoded[]).map(build);
  const releaseAll = (ops: number[]) => {
    for (const op of ops) decref(t.rc, op);
  };
  switch (tag) {
    case 'i':
      return must(intFromBigInt(t, BigInt(body as string)), 'an int');
    case 'f':
      return must(floatFromDouble(t, parseFloatRepr(body as string)), 'a float');
    case 'c': {
      const [re, im] = body as [string, string];
      return must(complexFromDoubles(t, parseFloatRepr(re), parseFloatRepr(im)), 'a complex');
    }
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
    case 'dq': {
      const items = many(body);
      const list = must(listFromArray(t, items), 'a list');
      releaseAll(items);
      const maxlen = (v as { maxlen: number | null }).maxlen;
      const d = must(dequeNew(t, list, maxlen ?? -1), 'a deque');
      decref(t.rc, list);
      return d;
    }
    case 'range': {
      const parts = (body as string[]).map((x) => must(intFromBigInt(t, BigInt(x)), 'an int'));
      const args = must(tupleFromArray(t, parts), 'a tuple');
      releaseAll(parts);
      const op = must(rangeNew(t, args), 'a range');
      decref(t.rc, args);
      return op;
    }
    case 'slice': {
      const parts = many(body);
      const op = must(sliceNew(t, parts[0]!, parts[1]!, parts[2]!), 'a slice');
      releaseAll(parts);
      return op;
    }
    case 'type': {
      const type = t.types[TYPES[body as string]!]!;
      if (type === undefined) throw new Error(`unknown type ${String(body)}`);
      return type; // immortal
    }
    case 'cls':
      return classes.get(body as string)!; // the test keeps its reference
    case 'new': {
      const args = many((v as { args: Encoded[] }).args);
      const op = must(callArgs(t, classes.get(body as string)!, args), `an instance of ${String(body)}`);
      releaseAll(args);
      return op;
    }
    case 'attr': {
      const [obj, attr] = body as [Encoded, string];
      const o = build(obj);
      const op = must(objectGetAttr(t, o, name(attr)), `attribute ${attr}`);
      releaseAll([o]);
      return op;
    }
    case 'const':
      return body === 'Ellipsis' ? getConstantBorrowed(t, PY_CONSTANT_ELLIPSIS) : t.notImplemented;
    case 'exc': {
      const args = many((v as { args: Encoded[] }).args);
      const op = must(callArgs(t, t.types[TYPES[body as string]!]!, args), `an exception ${String(body)}`);
      releaseAll(args);
      return op;
    }
  }
  throw new Error(`unknown encoding ${JSON.stringify(v)}`);
}

/** `repr` with the elements of sets sorted, as the generator's `canon`. */
function canon(op: number): string {
  const type = typeOf(t, op);
  const set = t.types[StaticType.Set]!;
  const frozenset = t.types[StaticType.FrozenSet]!;
  if (typeIsSubtype(t, type, set) || typeIsSubtype(t, type, frozenset)) {
    const keys = setSnapshot(t, op);
    const items = keys.map(canon).sort();
    for (const k of keys) decref(t.rc, k);
    if (type === set) return items.length === 0 ? 'set()' : `{${items.join(', ')}}`;
    return items.length === 0 ? `${typeName(t, type)}()` : `${typeName(t, type)}({${items.join(', ')}})`;
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

/** The call a case describes, as Python source (for the failure report). */
function describeCase(c: Case): string {
  const show = (v: Encoded): string => JSON.stringify(v);
  const args = [...c.args.map(show), ...c.kw.map(([k, v]) => `${k}=${show(v)}`)].join(', ');
  return c.name === null ? `${show(c.recv)}(${args})` : c.name.startsWith('.') ? `${show(c.recv)}${c.name}` : `${show(c.recv)}.${c.name}(${args})`;
}

interface Outcome {
  result?: string;
  same?: boolean;
  error?: string;
  after: string;
}

/**
 * The interned str `text` (immortal), made once per runtime: attribute
 * names are interned (the VM's are), and the method cache keeps the names
 * it has seen, so a fresh str per lookup would stay alive in it.
 */
const interned = new Map<string, number>();
function name(text: string): number {
  let s = interned.get(text);
  if (s === undefined) {
    s = must(strInternFromJs(t, text), 'a name');
    interned.set(text, s);
  }
  return s;
}

/** Runs one case; every object it made is released. */
function run(c: Case): Outcome {
  const recv = build(c.recv);
  const out: Outcome = { after: '' };
  let target = recv;
  let ownTarget = false;
  if (c.name !== null) {
    target = objectGetAttr(t, recv, name(c.name.startsWith('.') ? c.name.slice(1) : c.name));
    ownTarget = true;
  }
  if (target === 0) {
    out.error = lastError();
  } else if (c.name !== null && c.name.startsWith('.')) {
    out.result = canon(target);
    out.same = target === recv;
  } else {
    const args = c.args.map(build);
    const kwValues = c.kw.map(([, v]) => build(v));
    const kwStrs = c.kw.map(([k]) => name(k));
    const kwnames = kwStrs.length === 0 ? 0 : must(tupleFromArray(t, kwStrs), 'kwnames');
    const result = callArgs(t, target, [...args, ...kwValues], kwnames);
    if (result === 0) {
      out.error = lastError();
    } else {
      out.result = canon(result);
      out.same = result === recv;
      decref(t.rc, result);
    }
    for (const op of [...args, ...kwValues]) decref(t.rc, op);
    if (kwnames !== 0) decref(t.rc, kwnames);
  }
  if (ownTarget && target !== 0) decref(t.rc, target);
  out.after = canon(recv);
  decref(t.rc, recv);
  return out;
}

/** The heap's live blocks, less those the thread's free lists keep for reuse. */
function liveBlocks(): number {
  return miStats(r.rc.mi!).liveBlocks - t.floatFreeList.length - t.intFreeList.length;
}

/**
 * Methods whose result is compared by value only: CPython's
 * `_PyUnicodeWriter` hands back the one str written whole into an empty
 * writer (`'ab'.format()` is `'ab'` itself); unicode-writer.ts always
 * builds a new str.
 */
const VALUE_ONLY = new Set(['format', 'format_map', '__format__', '__mod__']);

/** Runs the cases; returns the mismatches, as lines. */
function runAll(cases: readonly Case[]): string[] {
  const wrong: string[] = [];
  for (const c of cases) {
    let got: Outcome;
    try {
      got = run(c);
    } catch (e) {
      wrong.push(`${describeCase(c)}: threw ${(e as Error).message}`);
      continue;
    }
    const show = (o: Outcome): string => (o.error !== undefined ? `error ${o.error}` : `${o.result}${o.same === true ? ' (the receiver)' : ''}`) + `; after: ${o.after}`;
    if (c.name !== null && VALUE_ONLY.has(c.name)) got.same = c.same;
    const expected = show({ result: c.result, same: c.same, error: c.error, after: c.after });
    if (show(got) !== expected) wrong.push(`${describeCase(c)}:\n    got      ${show(got)}\n    expected ${expected}`);
  }
  return wrong;
}

/** The fixture's cases grouped by the receiver's kind (the first tag of its encoding, or its type's name). */
function groupOf(c: Case): string {
  const recv = c.recv;
  if (recv === null || typeof recv === 'boolean') return 'constants';
  const [tag, body] = Object.entries(recv)[0]!;
  if (tag === 'type' || tag === 'cls' || tag === 'new') return `${tag} ${String(body)}`.replace(/^(type|cls|new) /, '');
  return tag;
}

const groups = new Map<string, Case[]>();
for (const c of fixture) {
  const g = groupOf(c);
  if (!groups.has(g)) groups.set(g, []);
  groups.get(g)!.push(c);
}

describe('builtin methods against CPython 3.13', () => {
  for (const [group, cases] of groups) {
    it(`${group}: ${cases.length} calls`, () => {
      const wrong = runAll(cases);
      expect(wrong.slice(0, 25).join('\n')).toBe('');
    });
  }

  it('leave the heap as they found it (the whole fixture run twice)', () => {
    runAll(fixture);
    const before = liveBlocks();
    runAll(fixture);
    expect(liveBlocks()).toBe(before);
  });
});

describe('attributes assigned through the getsets', () => {
  /** `setattr(op, name, value)` (`value` 0 deletes): null, or the error line. */
  function setattr(op: number, attr: string, value: number): string | null {
    return objectSetAttr(t, op, name(attr), value) < 0 ? lastError() : null;
  }
  /** The canonical repr of `getattr(op, name)`, or the error line. */
  function getattr(op: number, attr: string): string {
    const v = objectGetAttr(t, op, name(attr));
    if (v === 0) return lastError();
    const text = canon(v);
    decref(t.rc, v);
    return text;
  }

  it("of a class: __module__, __qualname__ and __doc__ (a builtin type's are immutable), as CPython 3.13", () => {
    const ns = dictNew(t);
    const bases = tupleFromArray(t, [t.types[StaticType.List]!]);
    const cls = must(typeNew(t, t.types[StaticType.Type]!, 'K', bases, ns), 'a class');
    const other = must(typeNew(t, t.types[StaticType.Type]!, 'M', bases, ns), 'a class');
    decref(t.rc, ns);
    decref(t.rc, bases);
    const m = must(strFromJs(t, 'm'), 'a str');
    const qual = must(strFromJs(t, 'Q.K'), 'a str');
    const five = must(intFromBigInt(t, 5n), 'an int');
    expect(getattr(cls, '__doc__')).toBe('None');
    expect(getattr(cls, '__module__')).toBe('AttributeError: __module__');
    expect(setattr(cls, '__module__', m)).toBeNull();
    expect(canon(cls)).toBe("<class 'm.K'>");
    expect(setattr(t.types[StaticType.List]!, '__module__', m)).toBe("TypeError: cannot set '__module__' attribute of immutable type 'list'");
    expect(setattr(cls, '__module__', 0)).toBe("TypeError: cannot delete '__module__' attribute of immutable type 'K'");
    expect(setattr(cls, '__qualname__', five)).toBe("TypeError: can only assign string to K.__qualname__, not 'int'");
    expect(setattr(cls, '__qualname__', qual)).toBeNull();
    expect(canon(cls)).toBe("<class 'm.Q.K'>");
    expect(getattr(cls, '__name__')).toBe("'K'");
    expect(setattr(cls, '__name__', five)).toBe("TypeError: can only assign string to K.__name__, not 'int'");
    expect(setattr(t.types[StaticType.Int]!, '__name__', m)).toBe("TypeError: cannot set '__name__' attribute of immutable type 'int'");
    const renamed = must(strFromJs(t, 'K2'), 'a str');
    expect(setattr(cls, '__name__', renamed)).toBeNull();
    expect(getattr(cls, '__name__')).toBe("'K2'");
    expect(getattr(cls, '__qualname__')).toBe("'Q.K'");
    decref(t.rc, renamed);
    expect(setattr(cls, '__doc__', m)).toBeNull();
    expect(getattr(cls, '__doc__')).toBe("'m'");
    expect(setattr(cls, '__doc__', 0)).toBe("TypeError: cannot delete '__doc__' attribute of immutable type 'K2'");
    // __class__: between classes of the same layout only.
    const x = must(callArgs(t, cls, []), 'an instance');
    expect(setattr(x, '__class__', other)).toBeNull();
    expect(typeOf(t, x)).toBe(other);
    expect(setattr(x, '__class__', five)).toBe("TypeError: __class__ must be set to a class, not 'int' object");
    expect(setattr(x, '__class__', t.types[StaticType.Dict]!)).toBe('TypeError: __class__ assignment only supported for mutable types or ModuleType subclasses');
    expect(setattr(x, '__class__', 0)).toBe("TypeError: can't delete __class__ attribute");
    for (const op of [x, m, qual, five, cls, other]) decref(t.rc, op);
  });
});
