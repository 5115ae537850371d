/**
 * JavaScript values to Python objects and back (DESIGN.md §7), for
 * JavaScript code that fills and reads the shared heap without Python.
 *
 * | JavaScript | Python |
 * |---|---|
 * | `null`, `undefined` | `None` (back: `null`) |
 * | boolean | `bool` |
 * | number | `int` when it is a safe integer, else `float` (Pyodide's rule); back: an int within ±2^53 − 1 is a number, a larger one a bigint |
 * | bigint | `int` |
 * | string | `str` |
 * | array | `list` (back: list, tuple and deque give arrays) |
 * | plain object, `Map` | `dict` (back: a plain object when every key is a str, else a Map; `dicts` chooses) |
 * | `Set` | `set` (back: set and frozenset give Sets) |
 *
 * Containers are converted with their cycles: an array that contains
 * itself becomes a list that contains itself, and back. Functions,
 * symbols and objects of other classes have no Python counterpart: a
 * JavaScript TypeError names what it met. A Python error on the way (an
 * unhashable key, MemoryError) is thrown as a {@link PyError}.
 */

import { decref, incref } from '@ft/refcount';
import { dequeSnapshot } from './deque.js';
import { dictNew, dictSetItem, dictSnapshot } from './dict.js';
import { errToJs } from './errors.js';
import { floatAsDouble, floatCheckExact, floatFromDouble } from './float.js';
import { intAsBigInt, intCompactValue, intFromBigInt, intFromNumber, intIsCompact } from './int.js';
import { StaticType, TPFLAGS_DICT_SUBCLASS, TPFLAGS_LIST_SUBCLASS, TPFLAGS_LONG_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import { listAppend, listAsTuple, listNew } from './list.js';
import type { ObThread } from './ob-thread.js';
import { setAdd, setNew, setSnapshot } from './set.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/** Options of {@link toJS}. @public */
export interface ToJSOptions {
  /**
   * What a dict becomes: `'auto'` (default) a plain object when every key
   * is a str, else a Map; `'map'` always a Map; `'object'` always a plain
   * object (a non-str key is a TypeError).
   */
  readonly dicts?: 'auto' | 'map' | 'object';
}

/** A thrown {@link PyError} for the thread's current exception. */
function fail(t: ObThread): never {
  throw errToJs(t);
}

/** What `value` is, for a TypeError. */
function describe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return `an instance of ${proto?.constructor?.name ?? 'an unknown class'}`;
}

/** Whether `value` is a plain object (`{}`, `Object.create(null)`). */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `value` as a new Python object in the shared heap (a new reference;
 * `None`, `True`, `False` and small ints are immortal).
 * @throws TypeError for a value with no Python counterpart (a function, a
 * symbol, an instance of a class); PyError for a Python error on the way.
 * @public
 */
export function toPython(t: ObThread, value: unknown): number {
  return convertToPython(t, value, null);
}

/** {@link toPython} with the containers converted so far (`seen`: JS object → Python object, borrowed). */
function convertToPython(t: ObThread, value: unknown, seen: Map<object, number> | null): number {
  switch (typeof value) {
    case 'number': {
      const op = Number.isSafeInteger(value) ? intFromNumber(t, value) : floatFromDouble(t, value);
      return op !== 0 ? op : fail(t);
    }
    case 'string': {
      const op = strFromJs(t, value);
      return op !== 0 ? op : fail(t);
    }
    case 'boolean':
      return value ? t.true : t.false;
    case 'bigint': {
      const op = intFromBigInt(t, value);
      return op !== 0 ? op : fail(t);
    }
    case 'undefined':
      return t.none;
    case 'object': {
      if (value === null) return t.none;
      const map = seen ?? new Map<object, number>();
      const known = map.get(value);
      if (known !== undefined) {
        // A container made earlier in this conversion (a cycle): alive while the conversion holds it.
        incref(t.rc, known);
        return known;
      }
      return containerToPython(t, value, map);
    }
    default:
      throw new TypeError(`toPython: ${describe(value)} has no Python counterpart`);
  }
}

/** An array, plain object, Map or Set as a new list, dict or set (`seen` holds it while its items convert). */
function containerToPython(t: ObThread, value: object, seen: Map<object, number>): number {
  if (Array.isArray(value)) {
    const list = listNew(t, 0);
    if (list === 0) fail(t);
    seen.set(value, list);
    try {
      for (const item of value as unknown[]) {
        const op = convertToPython(t, item, seen);
        const r = listAppend(t, list, op);
        decref(t.rc, op);
        if (r < 0) fail(t);
      }
    } catch (error) {
      decref(t.rc, list);
      throw error;
    }
    return list;
  }
  if (value instanceof Map || isPlainObject(value)) {
    const dict = dictNew(t);
    if (dict === 0) fail(t);
    seen.set(value, dict);
    try {
      const entries: Iterable<[unknown, unknown]> = value instanceof Map ? (value as Map<unknown, unknown>) : Object.entries(value);
      for (const [k, v] of entries) {
        const key = convertToPython(t, k, seen);
        let val = 0;
        try {
          val = convertToPython(t, v, seen);
          if (dictSetItem(t, dict, key, val) < 0) fail(t);
        } finally {
          decref(t.rc, key);
          if (val !== 0) decref(t.rc, val);
        }
      }
    } catch (error) {
      decref(t.rc, dict);
      throw error;
    }
    return dict;
  }
  if (value instanceof Set) {
    const set = setNew(t);
    if (set === 0) fail(t);
    try {
      for (const item of value as Set<unknown>) {
        const op = convertToPython(t, item, seen);
        const r = setAdd(t, set, op);
        decref(t.rc, op);
        if (r < 0) fail(t);
      }
    } catch (error) {
      decref(t.rc, set);
      throw error;
    }
    return set;
  }
  throw new TypeError(`toPython: ${describe(value)} has no Python counterpart (arrays, plain objects, Maps and Sets do)`);
}

/**
 * The JavaScript value of Python object `op` (table in the file comment),
 * containers converted deeply, with their cycles.
 * @throws TypeError for an object with no JavaScript counterpart (a
 * complex, a class instance, a type).
 * @public
 */
export function toJS(t: ObThread, op: number, options: ToJSOptions = {}): unknown {
  return convertToJS(t, op, options.dicts ?? 'auto', null);
}

/** {@link toJS} with the containers converted so far. */
function convertToJS(t: ObThread, op: number, dicts: 'auto' | 'map' | 'object', seen: Map<number, unknown> | null): unknown {
  if (op === t.none) return null;
  if (op === t.true) return true;
  if (op === t.false) return false;
  const type = typeOf(t, op);
  if (typeHasFlag(t, type, TPFLAGS_LONG_SUBCLASS)) {
    if (intIsCompact(t, op)) return intCompactValue(t, op);
    const big = intAsBigInt(t, op);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  if (typeHasFlag(t, type, TPFLAGS_UNICODE_SUBCLASS)) return strToJs(t, op);
  if (floatCheckExact(t, op) || typeIsSubtype(t, type, t.types[StaticType.Float]!)) return floatAsDouble(t, op);
  const map = seen ?? new Map<number, unknown>();
  const known = map.get(op);
  if (known !== undefined) return known;
  if (typeHasFlag(t, type, TPFLAGS_LIST_SUBCLASS)) {
    const tuple = listAsTuple(t, op); // one consistent snapshot of the items
    if (tuple === 0) fail(t);
    const out: unknown[] = [];
    map.set(op, out);
    try {
      for (let i = 0; i < tupleSize(t, tuple); i++) out.push(convertToJS(t, tupleGetItem(t, tuple, i), dicts, map));
    } finally {
      decref(t.rc, tuple);
    }
    return out;
  }
  if (typeHasFlag(t, type, TPFLAGS_TUPLE_SUBCLASS)) {
    const out: unknown[] = [];
    map.set(op, out);
    for (let i = 0; i < tupleSize(t, op); i++) out.push(convertToJS(t, tupleGetItem(t, op, i), dicts, map));
    return out;
  }
  if (typeHasFlag(t, type, TPFLAGS_DICT_SUBCLASS)) return dictToJS(t, op, dicts, map);
  if (typeIsSubtype(t, type, t.types[StaticType.Set]!) || typeIsSubtype(t, type, t.types[StaticType.FrozenSet]!)) {
    const out = new Set<unknown>();
    map.set(op, out);
    const keys = setSnapshot(t, op);
    try {
      for (const key of keys) out.add(convertToJS(t, key, dicts, map));
    } finally {
      for (const key of keys) decref(t.rc, key);
    }
    return out;
  }
  if (typeIsSubtype(t, type, t.types[StaticType.Deque]!)) {
    const out: unknown[] = [];
    map.set(op, out);
    const items = dequeSnapshot(t, op);
    try {
      for (const item of items) out.push(convertToJS(t, item, dicts, map));
    } finally {
      for (const item of items) decref(t.rc, item);
    }
    return out;
  }
  throw new TypeError(`toJS: a '${typeNameOf(t, op)}' object has no JavaScript counterpart`);
}

/** A dict's items (one snapshot under its lock) as a plain object or a Map. */
function dictToJS(t: ObThread, op: number, dicts: 'auto' | 'map' | 'object', seen: Map<number, unknown>): unknown {
  const items = dictSnapshot(t, op, 2);
  if (items === null) fail(t);
  try {
    const allStr = items.every((pair) => typeHasFlag(t, typeOf(t, tupleGetItem(t, pair, 0)), TPFLAGS_UNICODE_SUBCLASS));
    if (dicts === 'object' && !allStr) throw new TypeError('toJS: a dict with a key that is not a str cannot become a plain object (use dicts: "map")');
    if (dicts === 'map' || (dicts === 'auto' && !allStr)) {
      const out = new Map<unknown, unknown>();
      seen.set(op, out);
      for (const pair of items) out.set(convertToJS(t, tupleGetItem(t, pair, 0), dicts, seen), convertToJS(t, tupleGetItem(t, pair, 1), dicts, seen));
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(op, out);
    for (const pair of items) {
      // `Object.defineProperty`, not assignment: a key '__proto__' is an ordinary key here.
      Object.defineProperty(out, strToJs(t, tupleGetItem(t, pair, 0)), { value: convertToJS(t, tupleGetItem(t, pair, 1), dicts, seen), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    for (const pair of items) decref(t.rc, pair);
  }
}
