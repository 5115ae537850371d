/**
 * An objects runtime with the standard TypeScript modules registered
 * (math, _operator, time, _collections), for the module tests: make a
 * module, call one of its functions as Python calls it, and decode the
 * result or the exception (type name and message) for comparison with
 * CPython's.
 */

import {
  callArgs,
  createObjectsRuntime,
  errFetch,
  formatError,
  errToJs,
  floatAsDouble,
  floatCheck,
  floatFromDouble,
  intAsBigInt,
  intFromBigInt,
  listFromArray,
  listGetItemRef,
  listSize,
  moduleDict,
  objectReprJs,
  StaticType,
  strFromJs,
  strToJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  typeNameOf,
  typeOf,
  type ObjectsRuntime,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { COLLECTIONS_MODULE } from '../../src/modules/collections.js';
import { dictGetItemStrRef } from '../../src/modules/dict-util.js';
import { MATH_MODULE } from '../../src/modules/math.js';
import { moduleCreate, registerModules, type RegisteredModule } from '../../src/modules/module-def.js';
import { OPERATOR_MODULE } from '../../src/modules/operator.js';
import { TIME_MODULE } from '../../src/modules/time.js';

/** A value as the fixtures encode it (math_cases.py). */
export type Encoded =
  | { f: string }
  | { i: string }
  | { b: boolean }
  | { s: string }
  | { n: null }
  | { t: Encoded[] }
  | { l: Encoded[] }
  | { r: string };

/** A call's outcome: a value, or an exception. */
export type Outcome = Encoded | { err: string; msg: string };

export interface StdModules {
  readonly rt: ObjectsRuntime;
  readonly t: ObThread;
  /** The module object of `name` (made once). */
  module(name: string): number;
  /** A new reference to `module.name`. */
  attr(module: string, name: string): number;
  /** Calls `module.fn(*args, **kw)` with arguments already objects (borrowed); returns a new reference or 0 with the exception set. */
  callRaw(module: string, fn: string, args: number[], kw?: Record<string, number>): number;
  /** Calls with encoded arguments and encodes the outcome. */
  call(module: string, fn: string, args: Encoded[], kw?: Record<string, Encoded>): Outcome;
  /** The pending exception as {err, msg}, cleared. */
  takeError(): { err: string; msg: string };
  close(): void;
}

const view = new DataView(new ArrayBuffer(8));

export function bitsToDouble(hex: string): number {
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

export function doubleToBits(v: number): string {
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

export function makeStdModules(): StdModules {
  let registered: Map<string, RegisteredModule> | null = null;
  const rt = createObjectsRuntime({
    registerSlots: (s) => {
      registered = registerModules(s, [MATH_MODULE, OPERATOR_MODULE, TIME_MODULE, COLLECTIONS_MODULE]);
    },
  });
  const t = rt.t;
  const modules = new Map<string, number>();
  const module = (name: string): number => {
    let m = modules.get(name);
    if (m === undefined) {
      m = moduleCreate(t, registered!.get(name)!);
      if (m === 0) throw errToJs(t);
      modules.set(name, m);
    }
    return m;
  };
  const attr = (mod: string, name: string): number => {
    const v = dictGetItemStrRef(t, moduleDict(t, module(mod)), name);
    if (v === 0) throw new Error(`${mod}.${name} is missing`);
    return v;
  };
  const encode = (v: Encoded): number => {
    if ('f' in v) return floatFromDouble(t, bitsToDouble(v.f));
    if ('i' in v) return intFromBigInt(t, BigInt(v.i));
    if ('b' in v) return v.b ? t.true : t.false;
    if ('s' in v) return strFromJs(t, v.s);
    if ('n' in v) return t.none;
    if ('r' in v) throw new TypeError(`cannot make an argument of ${v.r}`);
    const items = (('t' in v) ? v.t : v.l).map(encode);
    const r = 't' in v ? tupleFromArray(t, items) : listFromArray(t, items);
    for (const item of items) decref(t.rc, item);
    return r;
  };
  const decode = (op: number): Encoded => {
    if (op === t.true || op === t.false) return { b: op === t.true };
    if (op === t.none) return { n: null };
    const type = typeOf(t, op);
    if (floatCheck(t, op)) return { f: doubleToBits(floatAsDouble(t, op)) };
    if (type === t.types[StaticType.Int]) return { i: intAsBigInt(t, op).toString() };
    if (type === t.types[StaticType.Tuple]) {
      const items: Encoded[] = [];
      for (let i = 0; i < tupleSize(t, op); i++) items.push(decode(tupleGetItem(t, op, i)));
      return { t: items };
    }
    if (type === t.types[StaticType.Str]) return { s: strToJs(t, op) };
    if (type === t.types[StaticType.List]) {
      const items: Encoded[] = [];
      for (let i = 0; i < listSize(t, op); i++) {
        const item = listGetItemRef(t, op, i);
        items.push(decode(item));
        decref(t.rc, item);
      }
      return { l: items };
    }
    return { r: `<${typeNameOf(t, op)} ${objectReprJs(t, op)}>` };
  };
  const takeError = (): { err: string; msg: string } => {
    const e = errFetch(t);
    if (e === null) throw new Error('no exception set');
    const line = formatError(t, e);
    if (e.value !== 0) decref(t.rc, e.value);
    const colon = line.indexOf(': ');
    return colon < 0 ? { err: line, msg: '' } : { err: line.slice(0, colon), msg: line.slice(colon + 2) };
  };
  const callRaw = (mod: string, fn: string, args: number[], kw: Record<string, number> = {}): number => {
    const f = attr(mod, fn);
    const names = Object.keys(kw);
    let kwnames = 0;
    if (names.length > 0) {
      const strs = names.map((n) => strFromJs(t, n));
      kwnames = tupleFromArray(t, strs);
      for (const s of strs) decref(t.rc, s);
    }
    const r = callArgs(t, f, [...args, ...names.map((n) => kw[n]!)], kwnames);
    if (kwnames !== 0) decref(t.rc, kwnames);
    decref(t.rc, f);
    return r;
  };
  return {
    rt,
    t,
    module,
    attr,
    callRaw,
    takeError,
    call(mod, fn, args, kw = {}) {
      const objs = args.map(encode);
      const kwObjs: Record<string, number> = {};
      for (const [k, v] of Object.entries(kw)) kwObjs[k] = encode(v);
      const r = callRaw(mod, fn, objs, kwObjs);
      for (const o of [...objs, ...Object.values(kwObjs)]) decref(t.rc, o);
      if (r === 0) return takeError();
      const out = decode(r);
      decref(t.rc, r);
      return out;
    },
    close() {
      for (const m of modules.values()) decref(t.rc, m);
      rt.close();
    },
  };
}
