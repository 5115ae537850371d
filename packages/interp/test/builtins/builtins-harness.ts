/**
 * An objects runtime with the `builtins` module and a fake interpreter
 * for the builtins' tests: output sinks that collect text, an optional
 * `sys` module, a `fakefile` module whose `write` / `flush` / `readline`
 * functions stand for a Python file object, and helpers to rebuild the
 * call trees of test/fixtures/builtins/calls.json on ft.
 */

import {
  byteArrayFromBytes,
  bytesFromBytes,
  callArgs,
  complexFromDoubles,
  createObjectsRuntime,
  dictNew,
  dictSetItem,
  errRaise,
  errToJs,
  floatFromDouble,
  getConstant,
  intFromBigInt,
  listFromArray,
  METH_FASTCALL,
  METH_NOARGS,
  METH_O,
  moduleDict,
  moduleFromJs,
  objectGetAttr,
  objectReprJs,
  PY_CONSTANT_ELLIPSIS,
  PY_CONSTANT_NOT_IMPLEMENTED,
  rangeNew,
  setNew,
  StaticType,
  strFromJs,
  strInternFromJs,
  strToJs,
  tupleFromArray,
  type ObjectsRuntime,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { BUILTINS_MODULE } from '../../src/builtins/builtins-module.js';
import { dictGetItemStrRef, dictSetItemStr } from '../../src/modules/dict-util.js';
import { moduleCreate, registerModules, type ModuleDef, type RegisteredModule } from '../../src/modules/module-def.js';
import { setInterp, type Interp, type OutputSink } from '../../src/vm/interp-state.js';

/** A sink that keeps what was written and counts flushes. */
export class CollectingSink implements OutputSink {
  text = '';
  flushes = 0;
  write(text: string): void {
    this.text += text;
  }
  flush(): void {
    this.flushes++;
  }
}

/** What the `fakefile` module's functions saw and will answer (reset by each harness). */
export const fakeFile = { written: [] as string[], flushes: 0, lines: [] as (string | Uint8Array | number)[], failWrite: false };

const FAKE_FILE_MODULE: ModuleDef = {
  name: 'fakefile',
  functions: [
    {
      name: 'write',
      flags: METH_O,
      fn: (t, _self, args) => {
        if (fakeFile.failWrite) return errRaise(t, StaticType.OSError, 'disk full');
        fakeFile.written.push(strToJs(t, t.u32[args >>> 2]!));
        return strFromJs(t, 'ignored');
      },
    },
    {
      name: 'flush',
      flags: METH_NOARGS,
      fn: (t) => {
        fakeFile.flushes++;
        return t.none;
      },
    },
    {
      name: 'readline',
      flags: METH_NOARGS,
      fn: (t) => {
        const line = fakeFile.lines.shift() ?? '';
        return typeof line === 'string' ? strFromJs(t, line) : typeof line === 'number' ? intFromBigInt(t, BigInt(line)) : bytesFromBytes(t, line);
      },
    },
    { name: 'always_true', flags: METH_FASTCALL, fn: (t) => t.true },
    { name: 'always_false', flags: METH_FASTCALL, fn: (t) => t.false },
    { name: 'boom', flags: METH_FASTCALL, fn: (t) => errRaise(t, StaticType.ValueError, 'boom') },
    {
      name: 'count_args',
      flags: METH_FASTCALL,
      fn: (t, _self, _args, nargs) => strFromJs(t, `called with ${nargs}`),
    },
    { name: 'names', flags: METH_NOARGS, fn: (t) => tupleFromArray(t, [strFromJs(t, 'b'), strFromJs(t, 'a'), strFromJs(t, 'c')]) },
  ],
};

export interface Harness {
  readonly rt: ObjectsRuntime;
  readonly t: ObThread;
  /** The builtins module and its dict. */
  readonly builtins: number;
  readonly dict: number;
  readonly interp: Interp;
  readonly stdout: CollectingSink;
  readonly stderr: CollectingSink;
  /** The `fakefile` module (its functions are its attributes). */
  readonly fakefile: number;
  close(): void;
}

/** A runtime with `builtins` and `fakefile` registered, a fake interpreter without `sys` bound to its thread. */
export function makeHarness(): Harness {
  let modules: Map<string, RegisteredModule> | null = null;
  const rt = createObjectsRuntime({ hashSeed: 0, registerSlots: (s) => void (modules = registerModules(s, [BUILTINS_MODULE, FAKE_FILE_MODULE])) });
  const t = rt.t;
  const stdout = new CollectingSink();
  const stderr = new CollectingSink();
  const interp: Interp = { modules: 0, builtins: 0, sys: 0, stdoutObject: 0, stderrObject: 0, registered: modules!, gilEnabled: false, stdout, stderr };
  setInterp(t, interp);
  const builtins = moduleCreate(t, modules!.get('builtins')!);
  if (builtins === 0) throw errToJs(t);
  interp.builtins = builtins;
  const fakefile = moduleCreate(t, modules!.get('fakefile')!);
  if (fakefile === 0) throw errToJs(t);
  fakeFile.written = [];
  fakeFile.flushes = 0;
  fakeFile.lines = [];
  fakeFile.failWrite = false;
  return { rt, t, builtins, dict: moduleDict(t, builtins), interp, stdout, stderr, fakefile, close: () => rt.close() };
}

/**
 * Gives the fake interpreter a `sys` module whose stdout and stderr are
 * the interpreter's own stream objects (two fresh modules standing for
 * them), plus the given entries. Returns the sys module.
 */
export function installSys(h: Harness, entries: Record<string, number> = {}): number {
  const { t, interp } = h;
  const sys = moduleFromJs(t, 'sys');
  interp.sys = sys;
  interp.stdoutObject = moduleFromJs(t, 'stdout');
  interp.stderrObject = moduleFromJs(t, 'stderr');
  const dict = moduleDict(t, sys);
  dictSetItemStr(t, dict, 'stdout', interp.stdoutObject);
  dictSetItemStr(t, dict, 'stderr', interp.stderrObject);
  for (const [k, v] of Object.entries(entries)) dictSetItemStr(t, dict, k, v);
  return sys;
}

/** `builtins.<name>` (a new reference). @throws when absent. */
export function builtin(h: Harness, name: string): number {
  const f = dictGetItemStrRef(h.t, h.dict, name);
  if (f === 0) throw new Error(`builtins has no '${name}'`);
  return f;
}

/** An attribute of `obj` by name (a new reference). @throws the Python error. */
export function attr(h: Harness, obj: number, name: string): number {
  const key = strInternFromJs(h.t, name);
  const v = objectGetAttr(h.t, obj, key);
  if (v === 0) throw errToJs(h.t);
  return v;
}

/**
 * Calls `callable` with positional `args` and keyword `kw` (all
 * borrowed): the result (a new reference) or the Python error thrown.
 */
export function callWith(h: Harness, callable: number, args: readonly number[], kw: readonly (readonly [string, number])[] = []): number {
  const { t } = h;
  const kwnames = kw.length === 0 ? 0 : tupleFromArray(t, kw.map(([k]) => strInternFromJs(t, k)));
  const r = callArgs(t, callable, [...args, ...kw.map(([, v]) => v)], kwnames);
  if (kwnames !== 0) decref(t.rc, kwnames);
  if (r === 0) throw errToJs(t);
  return r;
}

/** `builtins.<name>(*args, **kw)` — see {@link callWith}. */
export function callBuiltin(h: Harness, name: string, args: readonly number[], kw: readonly (readonly [string, number])[] = []): number {
  const f = builtin(h, name);
  try {
    return callWith(h, f, args, kw);
  } finally {
    decref(h.t.rc, f);
  }
}

/** `repr(op)` as text. */
export function reprOf(h: Harness, op: number): string {
  const text = objectReprJs(h.t, op);
  if (text === null) throw errToJs(h.t);
  return text;
}

/** An encoded value or call of the fixtures (tools/builtins/gen_builtins_fixtures.py). */
export type Encoded =
  | { c: 'None' | 'True' | 'False' | 'Ellipsis' | 'NotImplemented' }
  | { i: string }
  | { f: string }
  | { z: [string, string] }
  | { s: string }
  | { b: number[] }
  | { ba: number[] }
  | { l: Encoded[] }
  | { t: Encoded[] }
  | { d: [Encoded, Encoded][] }
  | { set: Encoded[] }
  | { fs: Encoded[] }
  | { r: [number, number, number] }
  | { n: string }
  | { attr: [Encoded, string] }
  | { call: string; args: Encoded[]; kw: [string, Encoded][] };

function parseDouble(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan') return NaN;
  return Number(text);
}

/** Builds the object an encoded tree stands for (a new reference); a call runs on ft. @throws the Python error of a call. */
export function decode(h: Harness, e: Encoded): number {
  const { t } = h;
  const all = (items: Encoded[]): number[] => items.map((x) => decode(h, x));
  const consume = (items: number[], make: (items: number[]) => number): number => {
    const r = make(items);
    for (const x of items) decref(t.rc, x);
    if (r === 0) throw errToJs(t);
    return r;
  };
  if ('c' in e) {
    return { None: t.none, True: t.true, False: t.false, Ellipsis: getConstant(t, PY_CONSTANT_ELLIPSIS), NotImplemented: getConstant(t, PY_CONSTANT_NOT_IMPLEMENTED) }[e.c];
  }
  if ('i' in e) return intFromBigInt(t, BigInt(e.i));
  if ('f' in e) return floatFromDouble(t, parseDouble(e.f));
  if ('z' in e) return complexFromDoubles(t, parseDouble(e.z[0]), parseDouble(e.z[1]));
  if ('s' in e) return strFromJs(t, e.s);
  if ('b' in e) return bytesFromBytes(t, e.b);
  if ('ba' in e) return byteArrayFromBytes(t, e.ba);
  if ('l' in e) return consume(all(e.l), (xs) => listFromArray(t, xs));
  if ('t' in e) return consume(all(e.t), (xs) => tupleFromArray(t, xs));
  if ('set' in e || 'fs' in e) {
    const list = consume(all('set' in e ? e.set : e.fs), (xs) => listFromArray(t, xs));
    return consume([list], ([l]) => setNew(t, l!, 'fs' in e));
  }
  if ('d' in e) {
    const d = dictNew(t);
    for (const [k, v] of e.d) {
      const key = decode(h, k);
      const value = decode(h, v);
      dictSetItem(t, d, key, value);
      decref(t.rc, key);
      decref(t.rc, value);
    }
    return d;
  }
  if ('r' in e) return consume(e.r.map((n) => intFromBigInt(t, BigInt(n))), (xs) => consume([tupleFromArray(t, xs)], ([args]) => rangeNew(t, args!)));
  if ('n' in e) return builtin(h, e.n);
  if ('attr' in e) {
    const obj = decode(h, e.attr[0]);
    try {
      return attr(h, obj, e.attr[1]);
    } finally {
      decref(t.rc, obj);
    }
  }
  const args = all(e.args);
  const kw = e.kw.map(([k, v]) => [k, decode(h, v)] as const);
  try {
    return callBuiltin(h, e.call, args, kw);
  } finally {
    for (const a of args) decref(t.rc, a);
    for (const [, v] of kw) decref(t.rc, v);
  }
}
