/**
 * Exceptions as objects: CPython 3.13's builtin hierarchy, construction,
 * str/repr and attributes of every class (expected values from
 * fixtures/exceptions-cpython.py, run once with python3.13), the cause and
 * context rules, add_note, OSError's errno mapping, Python-level
 * subclasses raised and matched, the thread's exception state (lazy and
 * object exceptions, fetch/restore, chaining against the handled
 * exception), balanced reference counts and collected cycles.
 *
 * Not compared: the construction of BaseExceptionGroup and ExceptionGroup
 * (test/exception-group.test.ts has them), and for UnicodeDecodeError the reprs that show its `object` (CPython makes it
 * bytes; ft has no bytes yet and the test passes a list of ints).
 */

import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect, gcVisitObjects } from '@ft/gc';
import { getRefcount, isImmortal, OB_TYPE_OFFSET } from '@ft/refcount';
import {
  dictNew,
  dictSetItem,
  dictSubscript,
  errClear,
  errExceptionMatches,
  errFetch,
  errGetHandledException,
  errGetRaisedException,
  errGivenExceptionMatches,
  errOccurred,
  errRaise,
  errRestore,
  errSetHandledException,
  errSetNone,
  errSetObject,
  errSetRaisedException,
  errToJs,
  exceptionAddNote,
  exceptionCall,
  exceptionClassCheck,
  exceptionGetArgs,
  exceptionGetCause,
  exceptionGetContext,
  exceptionGetSuppressContext,
  exceptionInstanceCheck,
  exceptionSetCause,
  exceptionSetContext,
  exceptionWithTraceback,
  formatError,
  intFromBigInt,
  intFromNumber,
  listFromArray,
  objectGetAttr,
  objectReprJs,
  objectSetAttr,
  PyError,
  StaticType,
  strFromJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  typeBase,
  typeHasFlag,
  typeMro,
  typeName,
  typeNew,
  typeOf,
  TPFLAGS_BASE_EXC_SUBCLASS,
  type ObThread,
} from '../src/index.js';
import { objectStrJs } from '../src/exceptions.js';
import { exceptionHierarchy } from '../src/exception-hierarchy.js';
import fixture from './fixtures/exceptions-cpython.json' with { type: 'json' };
import { check, makeRuntime, release, type Runtime } from './runtime.js';

type Json = null | boolean | number | string | Json[] | { int: string } | { list: Json[] } | { bytes: number[] };
interface Case {
  type: string;
  args: Json[];
  kwargs?: Record<string, Json>;
  error?: string;
  result?: string;
  str?: string;
  repr?: string;
  attrs?: Record<string, string>;
}

const GROUPS = new Set(['BaseExceptionGroup', 'ExceptionGroup']);

let r: Runtime;
afterEach(() => r?.close());

/** The current exception's traceback line, the exception cleared (its object released). */
function lastError(t: ObThread): string {
  return errToJs(t).message;
}

/** A Python object for a fixture value, and the objects made on the way that the caller releases. */
function toPy(t: ObThread, v: Json, made: number[]): number {
  let op: number;
  if (v === null) return t.none;
  if (v === true) return t.true;
  if (v === false) return t.false;
  if (typeof v === 'number') op = check(t, intFromNumber(t, v));
  else if (typeof v === 'string') op = check(t, strFromJs(t, v));
  else if (Array.isArray(v)) op = check(t, tupleFromArray(t, v.map((x) => toPy(t, x, made))));
  else if ('int' in v) op = check(t, intFromBigInt(t, BigInt(v.int)));
  else if ('list' in v) op = check(t, listFromArray(t, v.list.map((x) => toPy(t, x, made))));
  else op = check(t, listFromArray(t, v.bytes.map((x) => toPy(t, x, made))));
  made.push(op);
  return op;
}

/** Every static exception type by its tp_name. */
function exceptionTypes(t: ObThread): Map<string, number> {
  const byName = new Map<string, number>();
  for (let i = 0; i < StaticType.Count; i++) {
    const type = t.types[i]!;
    if (typeHasFlag(t, type, TPFLAGS_BASE_EXC_SUBCLASS)) byName.set(typeName(t, type), type);
  }
  return byName;
}

function mroNames(t: ObThread, type: number): string[] {
  const mro = typeMro(t, type);
  return Array.from({ length: tupleSize(t, mro) }, (_, i) => typeName(t, tupleGetItem(t, mro, i)));
}

function str(t: ObThread, name: string): number {
  return check(t, strFromJs(t, name));
}

function getattr(t: ObThread, obj: number, name: string): number {
  const key = str(t, name);
  const v = objectGetAttr(t, obj, key);
  release(r, key);
  return v;
}

function setattr(t: ObThread, obj: number, name: string, value: number): number {
  const key = str(t, name);
  const rc = objectSetAttr(t, obj, key, value);
  release(r, key);
  return rc;
}

/** `repr(getattr(obj, name))`, or the exception's line. */
function attrRepr(t: ObThread, obj: number, name: string): string {
  const v = getattr(t, obj, name);
  if (v === 0) return lastError(t);
  const text = objectReprJs(t, v);
  release(r, v);
  return text ?? lastError(t);
}

/**
 * `type(*args, **kwargs)` from fixture values: the exception (0 with the error set), the argument
 * objects to release, and their reference counts before the call.
 */
function construct(t: ObThread, type: number, args: Json[], kwargs?: Record<string, Json>): { exc: number; made: number[]; before: number[] } {
  const made: number[] = [];
  const argsTuple = check(t, tupleFromArray(t, args.map((a) => toPy(t, a, made))));
  made.push(argsTuple);
  let kw = 0;
  if (kwargs !== undefined) {
    kw = check(t, dictNew(t));
    made.push(kw);
    for (const [k, v] of Object.entries(kwargs)) {
      const key = str(t, k);
      check(t, dictSetItem(t, kw, key, toPy(t, v, made)));
      release(r, key);
    }
  }
  const before = made.map((op) => getRefcount(r.rc, op));
  return { exc: exceptionCall(t, type, argsTuple, kw), made, before };
}

/** Live (tracked) exception objects. */
function liveExceptions(t: ObThread): number {
  let n = 0;
  gcVisitObjects(r.gt, (op) => {
    if (typeHasFlag(t, t.u32[(op + OB_TYPE_OFFSET) >>> 2]!, TPFLAGS_BASE_EXC_SUBCLASS)) n++;
    return true;
  });
  return n;
}

/** `class name(*bases): pass`. */
function makeClass(t: ObThread, name: string, bases: number[]): number {
  const ns = check(t, dictNew(t));
  const basesTuple = check(t, tupleFromArray(t, bases));
  const type = typeNew(t, t.types[StaticType.Type]!, name, basesTuple, ns);
  release(r, ns, basesTuple);
  return type;
}

describe('the builtin exception hierarchy (CPython 3.13)', () => {
  it('every class, its base and MRO, as python3.13 lists them', () => {
    r = makeRuntime();
    const t = r.t;
    const byName = exceptionTypes(t);
    // BaseExceptionGroup and ExceptionGroup too (exception-group-types.ts; ExceptionGroup has two bases).
    const expected = fixture.hierarchy as [string, string, string[]][];
    expect(expected.length).toBe(71);
    for (const [name, base, mro] of expected) {
      const type = byName.get(name);
      expect(type, name).toBeDefined();
      expect(typeName(t, typeBase(t, type!)), name).toBe(base);
      expect(mroNames(t, type!), name).toEqual(mro);
      expect(exceptionClassCheck(t, type!)).toBe(true);
    }
    expect(byName.size).toBe(expected.length);
    // The table the types are made from names each one at its StaticType index.
    for (const [index, name] of exceptionHierarchy()) expect(typeName(t, t.types[index]!)).toBe(name);
    expect(typeName(t, t.types[StaticType.PythonFinalizationError]!)).toBe('PythonFinalizationError');
    expect(mroNames(t, t.types[StaticType.InterpreterNotFoundError]!)[1]).toBe('interpreters.InterpreterError');
    expect(exceptionClassCheck(t, t.types[StaticType.Int]!)).toBe(false);
    expect(exceptionClassCheck(t, t.none)).toBe(false);
  });
});

describe('construction, str, repr and attributes of every class (CPython 3.13)', () => {
  it(`${(fixture.cases as Case[]).length} cases: the result type, str(), repr() and each attribute, or CPython's error; arguments released`, () => {
    r = makeRuntime();
    const t = r.t;
    const byName = exceptionTypes(t);
    let compared = 0;
    for (const c of fixture.cases as Case[]) {
      if (GROUPS.has(c.type)) continue;
      const label = `${c.type}(${JSON.stringify(c.args)}${c.kwargs ? `, ${JSON.stringify(c.kwargs)}` : ''})`;
      const type = byName.get(c.type)!;
      const { exc, made, before } = construct(t, type, c.args, c.kwargs);
      if (c.error !== undefined) {
        expect(exc, label).toBe(0);
        expect(lastError(t), label).toBe(c.error);
      } else {
        expect(exc, `${label}: ${exc === 0 ? lastError(t) : ''}`).not.toBe(0);
        expect(typeName(t, typeOf(t, exc)), label).toBe(c.result);
        expect(objectStrJs(t, exc), label).toBe(c.str);
        const decode = c.type === 'UnicodeDecodeError';
        if (!decode) expect(objectReprJs(t, exc), label).toBe(c.repr);
        for (const [name, repr] of Object.entries(c.attrs!)) {
          if (decode && (name === 'object' || name === 'args')) continue;
          expect(attrRepr(t, exc, name), `${label}.${name}`).toBe(repr);
        }
        expect(exceptionInstanceCheck(t, exc)).toBe(true);
        release(r, exc);
      }
      expect(errOccurred(t), label).toBe(0);
      // The exception's references to its arguments went with it.
      for (let i = 0; i < made.length; i++) if (!isImmortal(r.rc, made[i]!)) expect(getRefcount(r.rc, made[i]!), `${label}: argument ${i}`).toBe(before[i]);
      release(r, ...made.reverse());
      compared++;
    }
    expect(compared).toBeGreaterThan(600);
    expect(gcCollect(r.gt)).toBe(0);
    expect(liveExceptions(t)).toBe(0);
  });

  it('attribute stores and deletes: CPython’s rules and messages (args, __cause__, __context__, __traceback__, __suppress_context__, members)', () => {
    r = makeRuntime();
    const t = r.t;
    const byName = exceptionTypes(t);
    for (const row of fixture.stores as Json[][]) {
      const [typeName_, args, attr] = row as [string, Json[], string];
      // `e.args = 'ab'` iterates a str: str has no iterator in ft yet (it comes with str's methods).
      if (attr === 'args' && row[3] === 'ab') continue;
      const hasValue = row.length === 5;
      let expected = row[row.length - 1] as string;
      // Until traceback objects exist (the VM's), `__traceback__` keeps any object.
      if (attr === '__traceback__' && row[3] === 1) expected = 'ok 1 False';
      const { exc, made } = construct(t, byName.get(typeName_)!, args);
      check(t, exc);
      const value = hasValue ? toPy(t, row[3]!, made) : 0;
      const label = `${typeName_}.${attr} ${hasValue ? `= ${JSON.stringify(row[3])}` : 'deleted'}`;
      if (setattr(t, exc, attr, value) < 0) {
        expect(lastError(t), label).toBe(expected);
      } else {
        const sup = getattr(t, exc, '__suppress_context__');
        expect(`ok ${attrRepr(t, exc, attr)} ${objectReprJs(t, sup)}`, label).toBe(expected);
      }
      release(r, exc, ...made.reverse());
    }
    expect(liveExceptions(t)).toBe(0);
  });

  it('add_note: a list in __dict__, TypeError for a note that is not a str or __notes__ that is not a list', () => {
    r = makeRuntime();
    const t = r.t;
    for (const [notes, expected] of fixture.notes as [Json[], string][]) {
      const exc = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple));
      const made: number[] = [];
      let outcome = '';
      for (const n of notes) {
        if (exceptionAddNote(t, exc, toPy(t, n, made)) < 0) {
          outcome = lastError(t);
          break;
        }
      }
      if (outcome === '') outcome = `ok ${attrRepr(t, exc, '__notes__')}`;
      expect(outcome, JSON.stringify(notes)).toBe(expected);
      // __notes__ lives in the instance dict.
      const dict = getattr(t, exc, '__dict__');
      if (expected.startsWith('ok')) expect(objectReprJs(t, dict)).toBe(`{'__notes__': ${expected.slice(3)}}`);
      release(r, dict, exc, ...made);
    }
    const exc = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple));
    const five = check(t, intFromNumber(t, 5));
    check(t, setattr(t, exc, '__notes__', five));
    const note = str(t, 'x');
    expect(exceptionAddNote(t, exc, note)).toBe(-1);
    expect(lastError(t)).toBe(fixture.notesNotAList);
    release(r, note, five, exc);
  });

  it("OSError(errno, strerror) is the subclass CPython maps the errno to (Linux's errnos); subclasses keep their own type", () => {
    r = makeRuntime();
    const t = r.t;
    const map = fixture.errnoMap as Record<string, string>;
    const strerror = str(t, 'x');
    for (let n = 0; n < 200; n++) {
      const errno = check(t, intFromNumber(t, n));
      const args = check(t, tupleFromArray(t, [errno, strerror]));
      const exc = check(t, exceptionCall(t, t.types[StaticType.OSError]!, args));
      expect(typeName(t, typeOf(t, exc)), `errno ${n}`).toBe(map[String(n)] ?? 'OSError');
      expect(objectStrJs(t, exc)).toBe(`[Errno ${n}] x`);
      release(r, exc, args, errno);
    }
    release(r, strerror);
    expect(Object.keys(map).length).toBe(18);
  });
});

describe('cause, context, traceback', () => {
  it('__cause__ sets __suppress_context__; __context__ does not; the C API steals as CPython’s; with_traceback returns the exception', () => {
    r = makeRuntime();
    const t = r.t;
    const a = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple));
    const b = check(t, exceptionCall(t, t.types[StaticType.KeyError]!, t.emptyTuple));
    expect(exceptionGetCause(t, a)).toBe(0);
    expect(exceptionGetSuppressContext(t, a)).toBe(false);
    exceptionSetContext(t, a, b);
    expect(getRefcount(r.rc, b)).toBe(1); // stolen: `a` holds the only other reference... ours was given
    check(t, exceptionGetContext(t, a)); // a new reference
    expect(getRefcount(r.rc, b)).toBe(2);
    release(r, b);
    expect(exceptionGetSuppressContext(t, a)).toBe(false);
    const c = check(t, exceptionCall(t, t.types[StaticType.TypeError]!, t.emptyTuple));
    exceptionSetCause(t, a, c); // stolen
    expect(exceptionGetSuppressContext(t, a)).toBe(true);
    expect(attrRepr(t, a, '__cause__')).toBe('TypeError()');
    expect(attrRepr(t, a, '__context__')).toBe('KeyError()');
    // with_traceback: any object for now (tracebacks come with the VM), None clears.
    const tb = check(t, listFromArray(t, []));
    const same = check(t, exceptionWithTraceback(t, a, tb));
    expect(same).toBe(a);
    expect(attrRepr(t, a, '__traceback__')).toBe('[]');
    release(r, same, tb);
    release(r, check(t, exceptionWithTraceback(t, a, t.none)));
    expect(attrRepr(t, a, '__traceback__')).toBe('None');
    const args = check(t, exceptionGetArgs(t, a));
    expect(args).toBe(t.emptyTuple);
    release(r, a);
    expect(liveExceptions(t)).toBe(0);
  });

  it('cycles through __context__, __cause__ and __traceback__ are collected', () => {
    r = makeRuntime();
    const t = r.t;
    const a = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple));
    const b = check(t, exceptionCall(t, t.types[StaticType.OSError]!, t.emptyTuple));
    check(t, setattr(t, a, '__context__', b));
    check(t, setattr(t, b, '__cause__', a));
    // exc -> traceback -> exc, through a list standing in for a traceback (and one through args).
    const c = check(t, exceptionCall(t, t.types[StaticType.StopIteration]!, t.emptyTuple));
    const holder = check(t, listFromArray(t, [c]));
    release(r, check(t, exceptionWithTraceback(t, c, holder)));
    const d = check(t, exceptionCall(t, t.types[StaticType.SystemExit]!, t.emptyTuple));
    const args = check(t, listFromArray(t, [d]));
    const argsTuple = check(t, tupleFromArray(t, [args]));
    check(t, setattr(t, d, 'args', argsTuple));
    release(r, a, b, c, holder, d, args, argsTuple);
    expect(liveExceptions(t)).toBe(4);
    expect(gcCollect(r.gt)).toBeGreaterThanOrEqual(6);
    expect(liveExceptions(t)).toBe(0);
  });

  it('a context chain of 20,000 exceptions is freed without deep recursion (the trashcan)', () => {
    r = makeRuntime({ heapSize: 128 << 20 });
    const t = r.t;
    const marker = str(t, 'marker');
    const markerArgs = check(t, tupleFromArray(t, [marker]));
    let head = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, markerArgs));
    for (let i = 0; i < 20000; i++) {
      const next = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple));
      exceptionSetContext(t, next, head); // stolen
      head = next;
    }
    expect(getRefcount(r.rc, marker)).toBe(2);
    release(r, head);
    expect(getRefcount(r.rc, markerArgs)).toBe(1);
    expect(liveExceptions(t)).toBe(0);
    release(r, markerArgs, marker);
  });
});

describe('the thread’s exception state', () => {
  it('a lazy exception prints and normalizes as the object would: type(message), type() for the empty message', () => {
    r = makeRuntime();
    const t = r.t;
    errRaise(t, StaticType.ValueError, 'bad value');
    const fetched = errFetch(t)!;
    expect(fetched.value).toBe(0);
    expect(formatError(t, fetched)).toBe('ValueError: bad value');
    errRestore(t, fetched);
    const exc = errGetRaisedException(t);
    expect(errOccurred(t)).toBe(0);
    expect(objectReprJs(t, exc)).toBe("ValueError('bad value')");
    errSetRaisedException(t, exc); // stolen
    expect(lastError(t)).toBe('ValueError: bad value');

    errRaise(t, StaticType.StopIteration, '');
    const stop = errGetRaisedException(t);
    expect(objectReprJs(t, stop)).toBe('StopIteration()');
    expect(attrRepr(t, stop, 'value')).toBe('None');
    release(r, stop);
    errRaise(t, StaticType.MemoryError, '');
    expect(lastError(t)).toBe('MemoryError');
    expect(liveExceptions(t)).toBe(0);
  });

  it('errFetch / errRestore keep the object; formatError and errToJs print str(exc); errToJs releases it', () => {
    r = makeRuntime();
    const t = r.t;
    const key = str(t, 'a');
    errSetObject(t, t.types[StaticType.KeyError]!, key);
    const fetched = errFetch(t)!;
    expect(fetched.value).not.toBe(0);
    expect(fetched.type).toBe(t.types[StaticType.KeyError]);
    expect(formatError(t, fetched)).toBe("KeyError: 'a'");
    errRestore(t, fetched);
    const exc = errGetRaisedException(t);
    expect(exc).toBe(fetched.value);
    const args = check(t, exceptionGetArgs(t, exc));
    expect(tupleGetItem(t, args, 0)).toBe(key); // the key itself, not a copy of its repr
    release(r, args);
    errSetRaisedException(t, exc);
    const error = errToJs(t);
    expect(error).toBeInstanceOf(PyError);
    expect(error.message).toBe("KeyError: 'a'");
    expect(error.pyType).toBe(t.types[StaticType.KeyError]);
    expect(getRefcount(r.rc, key)).toBe(1);
    // A tuple value is the arguments; a 1-tuple gives a tuple as the one argument.
    const pair = check(t, tupleFromArray(t, [key, key]));
    errSetObject(t, t.types[StaticType.KeyError]!, pair);
    expect(lastError(t)).toBe("KeyError: ('a', 'a')");
    const wrapped = check(t, tupleFromArray(t, [pair]));
    errSetObject(t, t.types[StaticType.KeyError]!, wrapped);
    expect(lastError(t)).toBe("KeyError: ('a', 'a')");
    errSetNone(t, t.types[StaticType.ValueError]!);
    expect(lastError(t)).toBe('ValueError');
    errSetObject(t, t.types[StaticType.Int]!, key);
    expect(lastError(t)).toBe("SystemError: _PyErr_SetObject: exception <class 'int'> is not a BaseException subclass");
    // An exception instance is raised as it is.
    const inst = check(t, exceptionCall(t, t.types[StaticType.IndexError]!, t.emptyTuple));
    errSetObject(t, t.types[StaticType.LookupError]!, inst);
    expect(errGetRaisedException(t)).toBe(inst);
    release(r, inst, inst, wrapped, pair, key);
    expect(liveExceptions(t)).toBe(0);
  });

  it('dict[k] raises KeyError(k) with the key object (raiseKeyError through errSetObject)', () => {
    r = makeRuntime();
    const t = r.t;
    const d = check(t, dictNew(t));
    const k = check(t, tupleFromArray(t, [t.none]));
    expect(dictSubscript(t, d, k)).toBe(0);
    const exc = errGetRaisedException(t);
    const args = check(t, exceptionGetArgs(t, exc));
    expect(tupleGetItem(t, args, 0)).toBe(k);
    expect(objectStrJs(t, exc)).toBe('(None,)');
    errSetRaisedException(t, exc);
    expect(lastError(t)).toBe('KeyError: (None,)');
    release(r, args, k, d);
  });

  it('matching: types, instances, tuples of types (nested too); a non-exception matches only itself', () => {
    r = makeRuntime();
    const t = r.t;
    const ty = (i: StaticType): number => t.types[i]!;
    errRaise(t, StaticType.FileNotFoundError, 'gone');
    expect(errExceptionMatches(t, ty(StaticType.OSError))).toBe(true);
    expect(errExceptionMatches(t, ty(StaticType.Exception))).toBe(true);
    expect(errExceptionMatches(t, ty(StaticType.PermissionError))).toBe(false);
    const tuple = check(t, tupleFromArray(t, [ty(StaticType.KeyError), ty(StaticType.OSError)]));
    const nested = check(t, tupleFromArray(t, [ty(StaticType.KeyError), tuple]));
    const none = check(t, tupleFromArray(t, [ty(StaticType.KeyError), ty(StaticType.TypeError)]));
    expect(errExceptionMatches(t, tuple)).toBe(true);
    expect(errExceptionMatches(t, nested)).toBe(true);
    expect(errExceptionMatches(t, none)).toBe(false);
    expect(errExceptionMatches(t, ty(StaticType.Object))).toBe(false);
    const exc = errGetRaisedException(t);
    expect(errGivenExceptionMatches(t, exc, ty(StaticType.OSError))).toBe(true);
    expect(errGivenExceptionMatches(t, exc, nested)).toBe(true);
    expect(errGivenExceptionMatches(t, exc, ty(StaticType.ValueError))).toBe(false);
    expect(errGivenExceptionMatches(t, 0, ty(StaticType.ValueError))).toBe(false);
    expect(errGivenExceptionMatches(t, ty(StaticType.Int), ty(StaticType.Object))).toBe(false);
    expect(errGivenExceptionMatches(t, ty(StaticType.Int), ty(StaticType.Int))).toBe(true);
    release(r, exc, none, nested, tuple);
  });

  it('raising while an exception is handled chains it as __context__ (lazy and object exceptions), never to itself, cutting cycles', () => {
    r = makeRuntime();
    const t = r.t;
    const handled = check(t, exceptionCall(t, t.types[StaticType.KeyError]!, t.emptyTuple));
    errSetHandledException(t, handled);
    const h = errGetHandledException(t);
    expect(h).toBe(handled);
    release(r, h);

    errRaise(t, StaticType.ValueError, 'during');
    let exc = errGetRaisedException(t);
    expect(attrRepr(t, exc, '__context__')).toBe('KeyError()');
    expect(attrRepr(t, exc, '__suppress_context__')).toBe('False');
    release(r, exc);

    const key = str(t, 'k');
    errSetObject(t, t.types[StaticType.KeyError]!, key);
    exc = errGetRaisedException(t);
    expect(attrRepr(t, exc, '__context__')).toBe('KeyError()');
    release(r, exc, key);

    // Raising the handled exception itself: no context to itself.
    errSetObject(t, t.types[StaticType.KeyError]!, handled);
    exc = errGetRaisedException(t);
    expect(exc).toBe(handled);
    expect(attrRepr(t, exc, '__context__')).toBe('None');
    release(r, exc);

    // handled.__context__ is `x`; raising `x` cuts that link, then x.__context__ = handled.
    const x = check(t, exceptionCall(t, t.types[StaticType.TypeError]!, t.emptyTuple));
    check(t, setattr(t, handled, '__context__', x));
    errSetObject(t, t.types[StaticType.TypeError]!, x);
    exc = errGetRaisedException(t);
    expect(exc).toBe(x);
    expect(attrRepr(t, handled, '__context__')).toBe('None');
    expect(attrRepr(t, x, '__context__')).toBe('KeyError()');
    release(r, exc, x);

    // A pre-existing cycle along the handled chain is walked once.
    const p = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple));
    const q = check(t, exceptionCall(t, t.types[StaticType.ValueError]!, t.emptyTuple));
    check(t, setattr(t, handled, '__context__', p));
    check(t, setattr(t, p, '__context__', q));
    check(t, setattr(t, q, '__context__', p));
    errRaise(t, StaticType.RuntimeError, 'cycle');
    exc = errGetRaisedException(t);
    expect(attrRepr(t, exc, '__context__')).toBe('KeyError()');
    release(r, exc, p, q);

    errSetHandledException(t, t.none);
    expect(errGetHandledException(t)).toBe(0);
    errRaise(t, StaticType.ValueError, 'after');
    exc = errGetRaisedException(t);
    expect(attrRepr(t, exc, '__context__')).toBe('None');
    release(r, exc, handled);
    expect(gcCollect(r.gt)).toBe(2); // p and q
    expect(liveExceptions(t)).toBe(0);
  });

  it('errClear releases an exception object; errRestore releases the one it replaces', () => {
    r = makeRuntime();
    const t = r.t;
    const key = str(t, 'gone');
    errSetObject(t, t.types[StaticType.KeyError]!, key);
    expect(getRefcount(r.rc, key)).toBe(2);
    errClear(t);
    expect(getRefcount(r.rc, key)).toBe(1);
    errSetObject(t, t.types[StaticType.KeyError]!, key);
    errRestore(t, null);
    expect(getRefcount(r.rc, key)).toBe(1);
    errSetObject(t, t.types[StaticType.KeyError]!, key);
    errRaise(t, StaticType.ValueError, 'replaces');
    expect(getRefcount(r.rc, key)).toBe(1);
    errClear(t);
    release(r, key);
    expect(liveExceptions(t)).toBe(0);
  });
});

describe('Python-level subclasses (heap types over the exceptions)', () => {
  it('class MyError(ValueError): instances keep the base’s layout and __dict__, are raised and matched, print their name', () => {
    r = makeRuntime();
    const t = r.t;
    const ValueError = t.types[StaticType.ValueError]!;
    const MyError = check(t, makeClass(t, 'MyError', [ValueError]));
    expect(mroNames(t, MyError)).toEqual(['MyError', 'ValueError', 'Exception', 'BaseException', 'object']);
    expect(exceptionClassCheck(t, MyError)).toBe(true);
    const x = str(t, 'x');
    const args = check(t, tupleFromArray(t, [x]));
    const e = check(t, exceptionCall(t, MyError, args));
    expect(typeOf(t, e)).toBe(MyError);
    expect(objectReprJs(t, e)).toBe("MyError('x')");
    const one = check(t, intFromNumber(t, 1));
    check(t, setattr(t, e, 'extra', one));
    expect(attrRepr(t, e, 'extra')).toBe('1');
    expect(attrRepr(t, e, 'args')).toBe("('x',)");
    check(t, exceptionAddNote(t, e, x));
    expect(attrRepr(t, e, '__notes__')).toBe("['x']");

    errSetObject(t, MyError, e);
    expect(errExceptionMatches(t, MyError)).toBe(true);
    expect(errExceptionMatches(t, ValueError)).toBe(true);
    const tuple = check(t, tupleFromArray(t, [t.types[StaticType.KeyError]!, MyError]));
    expect(errExceptionMatches(t, tuple)).toBe(true);
    expect(errExceptionMatches(t, t.types[StaticType.TypeError]!)).toBe(false);
    expect(lastError(t)).toBe('MyError: x');
    // Raised lazily with a message, it is created through the inherited new/init.
    errSetObject(t, MyError, x);
    const made = errGetRaisedException(t);
    expect(typeOf(t, made)).toBe(MyError);
    expect(objectStrJs(t, made)).toBe('x');
    release(r, made, tuple, one, e, args, x);
    expect(liveExceptions(t)).toBe(0);

    // A subclass of OSError keeps its own type (the errno mapping is OSError's alone) and the fields.
    const MyOSError = check(t, makeClass(t, 'MyOSError', [t.types[StaticType.OSError]!]));
    const errno = check(t, intFromNumber(t, 2));
    const strerror = str(t, 'missing');
    const osArgs = check(t, tupleFromArray(t, [errno, strerror]));
    const oe = check(t, exceptionCall(t, MyOSError, osArgs));
    expect(typeName(t, typeOf(t, oe))).toBe('MyOSError');
    expect(objectStrJs(t, oe)).toBe('[Errno 2] missing');
    expect(attrRepr(t, oe, 'errno')).toBe('2');
    release(r, oe, osArgs, strerror, errno);

    // Two exception layouts cannot be combined, as in CPython.
    expect(makeClass(t, 'X', [t.types[StaticType.OSError]!, t.types[StaticType.SyntaxError]!])).toBe(0);
    expect(lastError(t)).toBe('TypeError: multiple bases have instance lay-out conflict');
    const Both = check(t, makeClass(t, 'Both', [MyOSError, ValueError]));
    expect(mroNames(t, Both)).toEqual(['Both', 'MyOSError', 'OSError', 'ValueError', 'Exception', 'BaseException', 'object']);
    release(r, Both, MyOSError, MyError);
    expect(gcCollect(r.gt)).toBeGreaterThanOrEqual(0);
    expect(liveExceptions(t)).toBe(0);
  });
});
