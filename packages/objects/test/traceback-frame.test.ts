/**
 * Traceback objects (traceback.ts) and frame objects (frame-object.ts),
 * against CPython 3.13 (fixtures/traceback-frame-cpython.py, run once with
 * python3.13): each case of the fixture is built here by the same name —
 * `f` a frame of a code object `f` of 'x.py' at line 3, `TB` the
 * traceback type, `x` = TB(None, f, 6, 9) and `y` = TB(x, f, 4, 2) — and
 * must give the same repr or error line. Then what only TypeScript sees
 * (the VM's constructors and setters), and a reference cycle through each
 * type, which the collector must free.
 *
 * No multi-threaded stress test: a traceback's `tb_next` and a frame's
 * `f_back`, `f_locals` and `f_trace` are replaced with an atomic exchange
 * and read lock-free through field-object.ts (its own stress tests), and
 * the rest is written once.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { gcCollect } from '@ft/gc';
import { decref } from '@ft/refcount';
import {
  callArgs,
  codeNew,
  dictNew,
  dictSetItem,
  errFetch,
  formatError,
  frameCheck,
  frameGetBack,
  frameGetCode,
  frameLasti,
  frameLineno,
  frameObjectNew,
  frameSetBack,
  frameSetLasti,
  frameSetLineno,
  frameSetLocals,
  intFromBigInt,
  intFromNumber,
  objectGetAttr,
  objectReprJs,
  objectSetAttr,
  StaticType,
  strFromJs,
  tracebackCheck,
  tracebackFrame,
  tracebackLasti,
  tracebackLineno,
  tracebackNew,
  tracebackNext,
  tupleFromArray,
  typeNew,
  typeOf,
  weakrefIsDead,
  weakrefNewRef,
  type CodeSpec,
  type ObThread,
} from '../src/index.js';
import { check, makeRuntime, type Runtime } from './runtime.js';

const F = JSON.parse(readFileSync(new URL('./fixtures/traceback-frame-cpython.json', import.meta.url), 'utf8')) as Record<string, string>;

let r: Runtime;
afterEach(() => r?.close());

function str(t: ObThread, text: string): number {
  return check(t, strFromJs(t, text));
}

/** A code object `name` of file `filename` (what a frame's repr and f_code show). */
function makeCode(t: ObThread, name: string, filename: string): number {
  const spec: CodeSpec = {
    argcount: 0,
    posonlyargcount: 0,
    kwonlyargcount: 0,
    nlocals: 0,
    ncellvars: 0,
    nfreevars: 0,
    stacksize: 1,
    flags: 0,
    firstlineno: 3,
    code: new Uint16Array([0x0095, 0x0053]),
    consts: check(t, tupleFromArray(t, [t.none])),
    names: t.emptyTuple,
    localsplusnames: t.emptyTuple,
    localspluskinds: t.emptyStr,
    filename: str(t, filename),
    name: str(t, name),
    qualname: str(t, name),
    linetable: t.emptyStr,
    exceptiontable: t.emptyStr,
  };
  const code = check(t, codeNew(t, spec));
  for (const op of [spec.consts, spec.filename, spec.name, spec.qualname]) decref(t.rc, op);
  return code;
}

/** The objects of the cases (new references kept until the runtime closes). */
class World {
  readonly code: number;
  readonly globals: number;
  readonly builtins: number;
  readonly f: number;
  readonly TB: number;

  constructor(readonly t: ObThread) {
    this.code = makeCode(t, 'f', 'x.py');
    this.globals = check(t, dictNew(t));
    this.builtins = check(t, dictNew(t));
    this.f = check(t, frameObjectNew(t, this.code, this.globals, this.builtins, 0, 0, 3, 4));
    this.TB = t.types[StaticType.Traceback]!;
  }

  int(n: number | bigint): number {
    return check(this.t, typeof n === 'bigint' ? intFromBigInt(this.t, n) : intFromNumber(this.t, n));
  }
  /** `TB(*pos, **kw)`: 0 with the exception when it fails. */
  tb(pos: number[], kw: Record<string, number> = {}): number {
    const t = this.t;
    const names = Object.keys(kw);
    const kwnames = names.length === 0 ? 0 : check(t, tupleFromArray(t, names.map((n) => str(t, n))));
    const op = callArgs(t, this.TB, [...pos, ...names.map((n) => kw[n]!)], kwnames);
    if (kwnames !== 0) decref(t.rc, kwnames);
    return op;
  }
  get(op: number, name: string): number {
    const key = str(this.t, name);
    const v = objectGetAttr(this.t, op, key);
    decref(this.t.rc, key);
    return v;
  }
  /** `op.name = value` (`value` 0: `del op.name`): None, or 0 with the exception. */
  set(op: number, name: string, value: number): number {
    const key = str(this.t, name);
    const rc = objectSetAttr(this.t, op, key, value);
    decref(this.t.rc, key);
    return rc < 0 ? 0 : this.t.none;
  }
  bool(v: boolean): number {
    return v ? this.t.true : this.t.false;
  }
  /** A tuple of the values (each a new reference, or a plain JavaScript boolean/number); 0 when one failed. */
  tuple(values: (number | boolean)[]): number {
    const items: number[] = [];
    for (const v of values) {
      if (typeof v === 'boolean') items.push(this.bool(v));
      else if (v === 0) return 0;
      else items.push(v);
    }
    return check(this.t, tupleFromArray(this.t, items));
  }
  /** Runs statements (each 0 on failure) and gives `result` (None when absent). */
  run(...steps: (() => number)[]): number {
    let last = this.t.none;
    for (const step of steps) {
      last = step();
      if (last === 0) return 0;
    }
    return last;
  }
}

function cases(w: World): Record<string, () => number> {
  const t = w.t;
  const { f } = w;
  const none = t.none;
  const fresh = () => {
    const x = check(t, w.tb([none, f, w.int(6), w.int(9)]));
    const y = check(t, w.tb([x, f, w.int(4), w.int(2)]));
    return { x, y };
  };
  const is = (a: number, b: number) => a !== 0 && a === b;
  return {
    'TB()': () => w.tb([]),
    'TB(None)': () => w.tb([none]),
    'TB(None, f, 0)': () => w.tb([none, f, w.int(0)]),
    'TB(1, f, 0, 1)': () => w.tb([w.int(1), f, w.int(0), w.int(1)]),
    'TB(None, 1, 0, 1)': () => w.tb([none, w.int(1), w.int(0), w.int(1)]),
    "TB(None, f, 'a', 1)": () => w.tb([none, f, str(t, 'a'), w.int(1)]),
    "TB(None, f, 0, 'b')": () => w.tb([none, f, w.int(0), str(t, 'b')]),
    'TB(None, f, 0, 2**40)': () => w.tb([none, f, w.int(0), w.int(2n ** 40n)]),
    'TB(None, f, 0, 1, 5)': () => w.tb([none, f, w.int(0), w.int(1), w.int(5)]),
    'TB(None, f, 0, 1, x=5)': () => w.tb([none, f, w.int(0), w.int(1)], { x: w.int(5) }),
    'TB(None, f, 0, 1, tb_next=None)': () => w.tb([none, f, w.int(0), w.int(1)], { tb_next: none }),
    '(lambda t: (t.tb_next, t.tb_frame is f, t.tb_lasti, t.tb_lineno))(TB(tb_next=None, tb_frame=f, tb_lasti=6, tb_lineno=9))': () => {
      const tb = check(t, w.tb([], { tb_next: none, tb_frame: f, tb_lasti: w.int(6), tb_lineno: w.int(9) }));
      return w.tuple([w.get(tb, 'tb_next'), is(w.get(tb, 'tb_frame'), f), w.get(tb, 'tb_lasti'), w.get(tb, 'tb_lineno')]);
    },
    '(lambda t: (t.tb_next is x, t.tb_frame is f, t.tb_lasti, t.tb_lineno))(TB(x, f, -4, 0))': () => {
      const { x } = fresh();
      const tb = check(t, w.tb([x, f, w.int(-4), w.int(0)]));
      return w.tuple([is(w.get(tb, 'tb_next'), x), is(w.get(tb, 'tb_frame'), f), w.get(tb, 'tb_lasti'), w.get(tb, 'tb_lineno')]);
    },
    '(y.tb_next is x, x.tb_next, y.tb_frame is f, y.tb_lasti, y.tb_lineno)': () => {
      const { x, y } = fresh();
      return w.tuple([is(w.get(y, 'tb_next'), x), w.get(x, 'tb_next'), is(w.get(y, 'tb_frame'), f), w.get(y, 'tb_lasti'), w.get(y, 'tb_lineno')]);
    },
    '!x.tb_next = y': () => {
      const { x, y } = fresh();
      return w.set(x, 'tb_next', y);
    },
    '!x.tb_next = x': () => {
      const { x } = fresh();
      return w.set(x, 'tb_next', x);
    },
    '!z = TB(y, f, 0, 0); x.tb_next = z': () => {
      const { x, y } = fresh();
      const z = check(t, w.tb([y, f, w.int(0), w.int(0)]));
      return w.set(x, 'tb_next', z);
    },
    '!x.tb_next = 1': () => w.set(fresh().x, 'tb_next', w.int(1)),
    '!del x.tb_next': () => w.set(fresh().x, 'tb_next', 0),
    '!y.tb_next = None; result = y.tb_next': () => {
      const { y } = fresh();
      return w.run(
        () => w.set(y, 'tb_next', none),
        () => w.get(y, 'tb_next'),
      );
    },
    '!z = TB(None, f, 0, 0); x.tb_next = z; result = (x.tb_next is z, y.tb_next.tb_next is z)': () => {
      const { x, y } = fresh();
      const z = check(t, w.tb([none, f, w.int(0), w.int(0)]));
      return w.run(
        () => w.set(x, 'tb_next', z),
        () => w.tuple([is(w.get(x, 'tb_next'), z), is(w.get(w.get(y, 'tb_next'), 'tb_next'), z)]),
      );
    },
    '!x.tb_lasti = 1': () => w.set(fresh().x, 'tb_lasti', w.int(1)),
    '!x.tb_lineno = 1': () => w.set(fresh().x, 'tb_lineno', w.int(1)),
    '!x.tb_frame = 1': () => w.set(fresh().x, 'tb_frame', w.int(1)),
    '!del x.tb_frame': () => w.set(fresh().x, 'tb_frame', 0),
    '!x.foo = 1': () => w.set(fresh().x, 'foo', w.int(1)),
    'type(x)': () => typeOf(t, fresh().x),

    f: () => f,
    '(f.f_code.co_name, f.f_code.co_filename, f.f_lineno)': () => w.tuple([w.get(w.get(f, 'f_code'), 'co_name'), w.get(w.get(f, 'f_code'), 'co_filename'), w.get(f, 'f_lineno')]),
    'type(f)': () => typeOf(t, f),
    'type(f)()': () => callArgs(t, typeOf(t, f), []),
    '!f.f_lineno = 3': () => w.set(f, 'f_lineno', w.int(3)),
    '!f.f_code = 3': () => w.set(f, 'f_code', w.int(3)),
    '!f.f_back = 3': () => w.set(f, 'f_back', w.int(3)),
    '!f.f_lasti = 3': () => w.set(f, 'f_lasti', w.int(3)),
    '!f.f_locals = 3': () => w.set(f, 'f_locals', w.int(3)),
    '!f.f_globals = 3': () => w.set(f, 'f_globals', w.int(3)),
    '!f.f_builtins = 3': () => w.set(f, 'f_builtins', w.int(3)),
    '!del f.f_code': () => w.set(f, 'f_code', 0),
    '!f.foo = 3': () => w.set(f, 'foo', w.int(3)),
    '!f.f_trace = 3; result = f.f_trace': () =>
      w.run(
        () => w.set(f, 'f_trace', w.int(3)),
        () => w.get(f, 'f_trace'),
      ),
    '!f.f_trace = 3; del f.f_trace; result = f.f_trace': () =>
      w.run(
        () => w.set(f, 'f_trace', w.int(3)),
        () => w.set(f, 'f_trace', 0),
        () => w.get(f, 'f_trace'),
      ),
    '!f.f_trace = 3; f.f_trace = None; result = f.f_trace': () =>
      w.run(
        () => w.set(f, 'f_trace', w.int(3)),
        () => w.set(f, 'f_trace', none),
        () => w.get(f, 'f_trace'),
      ),
    '(f.f_trace_lines, f.f_trace_opcodes)': () => w.tuple([w.get(f, 'f_trace_lines'), w.get(f, 'f_trace_opcodes')]),
    '!f.f_trace_lines = 1': () => w.set(f, 'f_trace_lines', w.int(1)),
    '!f.f_trace_opcodes = 1': () => w.set(f, 'f_trace_opcodes', w.int(1)),
    '!del f.f_trace_lines': () => w.set(f, 'f_trace_lines', 0),
    '!f.f_trace_lines = False; f.f_trace_opcodes = True; result = (f.f_trace_lines, f.f_trace_opcodes); f.f_trace_lines = True; f.f_trace_opcodes = False': () => {
      let result = 0;
      w.run(
        () => w.set(f, 'f_trace_lines', t.false),
        () => w.set(f, 'f_trace_opcodes', t.true),
        () => (result = w.tuple([w.get(f, 'f_trace_lines'), w.get(f, 'f_trace_opcodes')])),
        () => w.set(f, 'f_trace_lines', t.true),
        () => w.set(f, 'f_trace_opcodes', t.false),
      );
      return result;
    },
  };
}

function outcome(t: ObThread, make: () => number): string {
  const op = make();
  if (op === 0) return formatError(t, errFetch(t)!);
  const text = objectReprJs(t, op);
  if (text === null) return formatError(t, errFetch(t)!);
  return `OK ${text.replace(/0x[0-9a-f]+/g, '0x…')}`;
}

describe('tracebacks and frames', () => {
  it('give what CPython 3.13 gives, case by case', () => {
    r = makeRuntime();
    const w = new World(r.t);
    const table = cases(w);
    expect(Object.keys(table).sort()).toEqual(Object.keys(F).sort());
    const got: Record<string, string> = {};
    for (const [name, make] of Object.entries(table)) got[name] = outcome(r.t, make);
    expect(got).toEqual(F);
  });

  it('are built and updated by the VM from TypeScript', () => {
    r = makeRuntime();
    const t = r.t;
    const w = new World(t);
    const outer = check(t, frameObjectNew(t, w.code, w.globals, w.builtins, w.globals, 0, 1, -1));
    expect(frameCheck(t, outer)).toBe(true);
    expect(frameCheck(t, w.globals)).toBe(false);
    expect(frameGetBack(t, outer)).toBe(0);
    expect(objectReprJs(t, w.get(outer, 'f_back'))).toBe('None');
    expect(w.get(outer, 'f_locals')).toBe(w.globals); // a module's frame: its locals are its globals
    expect(w.get(outer, 'f_globals')).toBe(w.globals);
    expect(w.get(outer, 'f_builtins')).toBe(w.builtins);
    expect(objectReprJs(t, w.get(outer, 'f_lasti'))).toBe('-1');
    // A function's frame without a locals dict shows a new empty one each time.
    const a = w.get(w.f, 'f_locals');
    expect(objectReprJs(t, a)).toBe('{}');
    expect(w.get(w.f, 'f_locals')).not.toBe(a);
    // The VM's setters.
    frameSetBack(t, w.f, outer);
    const back = frameGetBack(t, w.f);
    expect(back).toBe(outer);
    decref(t.rc, back);
    expect(w.get(w.f, 'f_back')).toBe(outer);
    frameSetLineno(t, w.f, 12);
    frameSetLasti(t, w.f, 40);
    expect([frameLineno(t, w.f), frameLasti(t, w.f)]).toEqual([12, 40]);
    expect(objectReprJs(t, w.get(w.f, 'f_lineno'))).toBe('12');
    expect(objectReprJs(t, w.get(w.f, 'f_lasti'))).toBe('40');
    expect(objectReprJs(t, w.f)).toMatch(/^<frame at 0x[0-9a-f]+, file 'x\.py', line 12, code f>$/);
    frameSetLineno(t, w.f, -1);
    expect(objectReprJs(t, w.get(w.f, 'f_lineno'))).toBe('None'); // an unknown line
    const locals = check(t, dictNew(t));
    frameSetLocals(t, w.f, locals);
    expect(w.get(w.f, 'f_locals')).toBe(locals);
    frameSetBack(t, w.f, 0);
    expect(frameGetBack(t, w.f)).toBe(0);
    const code = frameGetCode(t, w.f);
    expect(code).toBe(w.code);
    decref(t.rc, code);

    // PyTraceBack_Here's shape: each new entry goes in front.
    const tb1 = check(t, tracebackNew(t, 0, outer, 10, 1));
    const tb2 = check(t, tracebackNew(t, tb1, w.f, 22, 12));
    expect(tracebackCheck(t, tb2)).toBe(true);
    expect(tracebackCheck(t, outer)).toBe(false);
    const next = tracebackNext(t, tb2);
    expect(next).toBe(tb1);
    decref(t.rc, next);
    expect(tracebackNext(t, tb1)).toBe(0);
    expect([tracebackFrame(t, tb2), tracebackLasti(t, tb2), tracebackLineno(t, tb2)]).toEqual([w.f, 22, 12]);
    // An unknown line reads None (CPython computes it from tb_lasti and the line table; the VM passes it).
    const unknown = check(t, tracebackNew(t, 0, outer, 0, -1));
    expect(objectReprJs(t, w.get(unknown, 'tb_lineno'))).toBe('None');
    // Bad arguments from TypeScript: SystemError, as PyErr_BadInternalCall.
    expect(tracebackNew(t, outer, outer, 0, 0)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('SystemError: bad argument to internal function');
    expect(tracebackNew(t, 0, tb1, 0, 0)).toBe(0);
    expect(formatError(t, errFetch(t)!)).toBe('SystemError: bad argument to internal function');
    expect(objectReprJs(t, tb2)).toMatch(/^<traceback object at 0x[0-9a-f]+>$/);
  });
});

describe('a reference cycle', () => {
  /** An instance of a fresh class (it has a __dict__ and takes weak references). */
  function instance(t: ObThread): number {
    const ns = check(t, dictNew(t));
    const C = check(t, typeNew(t, t.types[StaticType.Type]!, 'C', t.emptyTuple, ns));
    decref(t.rc, ns);
    const obj = check(t, callArgs(t, C, []));
    decref(t.rc, C);
    return obj;
  }

  /** obj.it = made; made reaches obj; dropped: alive until a collection, then freed. */
  function expectCollected(t: ObThread, obj: number, made: number): void {
    const key = str(t, 'it');
    check(t, objectSetAttr(t, obj, key, made));
    decref(t.rc, key);
    const wr = check(t, weakrefNewRef(t, obj));
    decref(t.rc, obj);
    gcCollect(r.gt);
    expect(weakrefIsDead(t, wr)).toBe(false); // `made` is still held here
    decref(t.rc, made);
    expect(weakrefIsDead(t, wr)).toBe(false); // a cycle: counting alone frees nothing
    gcCollect(r.gt);
    expect(weakrefIsDead(t, wr)).toBe(true);
    decref(t.rc, wr);
  }

  it('through a frame (its locals) is collected', () => {
    r = makeRuntime();
    const t = r.t;
    const w = new World(t);
    const obj = instance(t);
    const locals = check(t, dictNew(t));
    const key = str(t, 'o');
    check(t, dictSetItem(t, locals, key, obj));
    decref(t.rc, key);
    const frame = check(t, frameObjectNew(t, w.code, w.globals, w.builtins, locals, 0, 1, 0));
    decref(t.rc, locals);
    expectCollected(t, obj, frame);
  });

  it('through a frame (its f_trace) is collected', () => {
    r = makeRuntime();
    const t = r.t;
    const w = new World(t);
    const obj = instance(t);
    const frame = check(t, frameObjectNew(t, w.code, w.globals, w.builtins, 0, 0, 1, 0));
    expect(w.set(frame, 'f_trace', obj)).toBe(t.none);
    expectCollected(t, obj, frame);
  });

  it('through a traceback (its frame, and its tb_next) is collected', () => {
    r = makeRuntime();
    const t = r.t;
    const w = new World(t);
    const obj = instance(t);
    const locals = check(t, dictNew(t));
    const key = str(t, 'o');
    check(t, dictSetItem(t, locals, key, obj));
    decref(t.rc, key);
    const frame = check(t, frameObjectNew(t, w.code, w.globals, w.builtins, locals, 0, 1, 0));
    decref(t.rc, locals);
    const inner = check(t, tracebackNew(t, 0, frame, 0, 1));
    decref(t.rc, frame);
    const outer = check(t, tracebackNew(t, inner, w.f, 0, 3));
    decref(t.rc, inner);
    expectCollected(t, obj, outer);
  });
});
