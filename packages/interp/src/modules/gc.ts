/**
 * The `gc` module (CPython's `Modules/gcmodule.c`): a thin layer over the
 * collector's API in `@ft/gc` (`gcCollect`, `gcGetCount`, …) that parses
 * arguments with CPython 3.13's messages and turns the results into
 * objects. `gc.garbage` and `gc.callbacks` are lists of the module:
 *
 * - the collector keeps what it could not free in a vector of its shared
 *   state; each `gc.collect()` moves those objects into the module's
 *   `garbage` list (CPython appends to that list directly);
 * - `gc.callbacks` are called with "start" and "stop" around the
 *   collections `gc.collect()` runs (automatic collections happen inside
 *   an allocation, where running Python code is not possible here).
 */

import {
  DEBUG_COLLECTABLE,
  DEBUG_LEAK,
  DEBUG_SAVEALL,
  DEBUG_STATS,
  DEBUG_UNCOLLECTABLE,
  gcClearGarbage,
  gcCollect,
  gcDisable,
  gcEnable,
  gcFreeze,
  gcGarbage,
  gcGetCount,
  gcGetDebug,
  gcGetFreezeCount,
  gcGetObjects,
  gcGetReferents,
  gcGetReferrers,
  gcGetStats,
  gcGetThreshold,
  gcIsEnabled,
  gcIsFinalized,
  gcIsTracked,
  gcSetDebug,
  gcSetThreshold,
  gcUnfreeze,
  NUM_GENERATIONS,
} from '@ft/gc';
import {
  callArgs,
  cIntArg,
  indexCheck,
  intAsBigInt,
  numberAsSsize,
  numberIndex,
  dictNew,
  dictSetItem,
  errOccurred,
  errRaise,
  intFromNumber,
  listAppend,
  listCheckExact,
  listFromArray,
  listGetItemRef,
  listNew,
  listSize,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_NOARGS,
  METH_O,
  moduleDict,
  StaticType,
  strFromJs,
  tupleFromArray,
  typeNameOf,
  unpackKeywords,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { dictGetItemStrRef, dictSetItemStr } from './dict-util.js';
import type { FunctionDef, ModuleDef } from './module-def.js';

function bool(t: ObThread, value: boolean): number {
  const op = value ? t.true : t.false;
  incref(t.rc, op);
  return op;
}

function noneRef(t: ObThread): number {
  incref(t.rc, t.none);
  return t.none;
}

/** A tuple of small ints (get_count, get_threshold). */
function intTuple(t: ObThread, values: readonly number[]): number {
  const items = values.map((v) => intFromNumber(t, v));
  const tuple = items.includes(0) ? 0 : tupleFromArray(t, items);
  for (const item of items) if (item !== 0) decref(t.rc, item);
  return tuple;
}

/** A list that takes over the references in `items` (get_objects, get_referrers, get_referents). */
function listOwning(t: ObThread, items: readonly number[]): number {
  const list = listFromArray(t, items);
  for (const item of items) decref(t.rc, item);
  return list;
}

/**
 * The module's list called `name` (a new reference), or 0 without an
 * error when the name is unbound or is not a list (a program may rebind it).
 */
function moduleList(t: ObThread, module: number, name: string): number {
  const list = dictGetItemStrRef(t, moduleDict(t, module), name);
  if (list === 0) return 0;
  if (!listCheckExact(t, list)) {
    decref(t.rc, list);
    return 0;
  }
  return list;
}

/**
 * Moves what the collector found uncollectable (or kept for DEBUG_SAVEALL)
 * into `gc.garbage`: appended in the collector's order, then released by
 * the collector's vector. -1 with an exception set.
 */
function drainGarbage(t: ObThread, module: number): number {
  const found = gcGarbage(t.gc);
  if (found.length === 0) return 0;
  const garbage = moduleList(t, module, 'garbage');
  if (garbage === 0) return 0;
  let rc = 0;
  for (const op of found) {
    if (listAppend(t, garbage, op) < 0) {
      rc = -1;
      break;
    }
  }
  decref(t.rc, garbage);
  if (rc === 0) gcClearGarbage(t.gc);
  return rc;
}

/** `{'generation': g, 'collected': n, 'uncollectable': m}`, the info of a callback. */
function callbackInfo(t: ObThread, generation: number, collected: number, uncollectable: number): number {
  const info = dictNew(t);
  if (info === 0) return 0;
  for (const [key, value] of [['generation', generation], ['collected', collected], ['uncollectable', uncollectable]] as const) {
    const v = intFromNumber(t, value);
    const rc = v === 0 ? -1 : dictSetItemStr(t, info, key, v);
    if (v !== 0) decref(t.rc, v);
    if (rc < 0) {
      decref(t.rc, info);
      return 0;
    }
  }
  return info;
}

/**
 * `invoke_gc_callback`: calls every callable of `gc.callbacks` (a snapshot)
 * with `phase` and the info dict. An error in a callback is reported as
 * unraisable by CPython; here it propagates out of gc.collect() after the
 * other callbacks are skipped, which is what a caller can observe first.
 */
function invokeCallbacks(t: ObThread, module: number, phase: 'start' | 'stop', generation: number, collected: number, uncollectable: number): number {
  const callbacks = moduleList(t, module, 'callbacks');
  if (callbacks === 0) return errOccurred(t) !== 0 ? -1 : 0;
  const n = listSize(t, callbacks);
  if (n === 0) {
    decref(t.rc, callbacks);
    return 0;
  }
  const phaseStr = strFromJs(t, phase);
  const info = phaseStr === 0 ? 0 : callbackInfo(t, generation, collected, uncollectable);
  let rc = info === 0 ? -1 : 0;
  for (let i = 0; rc === 0 && i < listSize(t, callbacks); i++) {
    const cb = listGetItemRef(t, callbacks, i);
    if (cb === 0) break;
    const r = callArgs(t, cb, [phaseStr, info], 0);
    decref(t.rc, cb);
    if (r === 0) rc = -1;
    else decref(t.rc, r);
  }
  if (info !== 0) decref(t.rc, info);
  if (phaseStr !== 0) decref(t.rc, phaseStr);
  decref(t.rc, callbacks);
  return rc;
}

const COLLECT_SPEC = { fname: 'collect', posonly: 0, names: ['generation'], minpos: 0, maxpos: 1 };

/** `gc.collect(generation=2)`: the number of unreachable objects found. */
function collect(t: ObThread, module: number, args: number, nargs: number, kwnames: number): number {
  const out: number[] = [];
  if (!unpackKeywords(t, COLLECT_SPEC, args, nargs, kwnames, out)) return 0;
  let generation = NUM_GENERATIONS - 1;
  if (out[0] !== undefined && out[0] !== 0) {
    const g = cIntArg(t, out[0]);
    if (g === undefined) return 0;
    generation = g;
  }
  if (generation < 0 || generation >= NUM_GENERATIONS) return errRaise(t, StaticType.ValueError, 'invalid generation');
  const uncollectableBefore = gcGetStats(t.gc)[generation]!.uncollectable;
  if (invokeCallbacks(t, module, 'start', generation, 0, 0) < 0) return 0;
  const found = gcCollect(t.gc, generation);
  // A finalizer or weakref callback that failed left its error with the collector's unraisable hook, not here.
  if (errOccurred(t) !== 0) return 0;
  const uncollectable = gcGetStats(t.gc)[generation]!.uncollectable - uncollectableBefore;
  if (drainGarbage(t, module) < 0) return 0;
  if (invokeCallbacks(t, module, 'stop', generation, found - uncollectable, uncollectable) < 0) return 0;
  return intFromNumber(t, found);
}

/** `gc.set_threshold(threshold0[, threshold1[, threshold2]])`: `PyArg_ParseTuple("i|ii")` after a count check. */
function setThreshold(t: ObThread, _module: number, args: number, nargs: number, kwnames: number): number {
  if (kwnames !== 0) return errRaise(t, StaticType.TypeError, 'set_threshold() takes no keyword arguments');
  if (nargs < 1 || nargs > 3) return errRaise(t, StaticType.TypeError, 'gc.set_threshold requires 1 to 3 arguments');
  const values: number[] = [];
  for (let i = 0; i < nargs; i++) {
    const v = cSignedIntArg(t, t.u32[(args >>> 2) + i]!);
    if (v === undefined) return 0;
    values.push(v);
  }
  gcSetThreshold(t.gc, values[0]!, values[1], values[2]);
  return noneRef(t);
}

/**
 * The `i` format of `PyArg_Parse*` (`PyLong_AsLong`, then the C int range):
 * undefined with TypeError ("'str' object cannot be interpreted as an
 * integer") or OverflowError ("signed integer is greater than maximum").
 */
function cSignedIntArg(t: ObThread, op: number): number | undefined {
  const index = numberIndex(t, op);
  if (index === 0) return undefined;
  const v = intAsBigInt(t, index);
  decref(t.rc, index);
  if (v >= 2n ** 63n || v < -(2n ** 63n)) {
    errRaise(t, StaticType.OverflowError, 'Python int too large to convert to C long');
    return undefined;
  }
  if (v > 0x7fffffffn) {
    errRaise(t, StaticType.OverflowError, 'signed integer is greater than maximum');
    return undefined;
  }
  if (v < -0x80000000n) {
    errRaise(t, StaticType.OverflowError, 'signed integer is less than minimum');
    return undefined;
  }
  return Number(v);
}

function setDebug(t: ObThread, _module: number, args: number): number {
  const flags = cSignedIntArg(t, t.u32[args >>> 2]!);
  if (flags === undefined) return 0;
  gcSetDebug(t.gc, flags);
  return noneRef(t);
}

const OBJECTS_SPEC = { fname: 'get_objects', posonly: 0, names: ['generation'], minpos: 0, maxpos: 1 };

/** `gc.get_objects(generation=None)`. */
function getObjects(t: ObThread, _module: number, args: number, nargs: number, kwnames: number): number {
  const out: number[] = [];
  if (!unpackKeywords(t, OBJECTS_SPEC, args, nargs, kwnames, out)) return 0;
  let generation: number | undefined;
  const arg = out[0] ?? 0;
  if (arg !== 0 && arg !== t.none) {
    // `_Py_convert_optional_to_ssize_t`.
    if (!indexCheck(t, arg)) return errRaise(t, StaticType.TypeError, `argument should be integer or None, not '${typeNameOf(t, arg)}'`);
    const g = numberAsSsize(t, arg, null);
    if (g === -1 && errOccurred(t) !== 0) return 0;
    if (g >= NUM_GENERATIONS) return errRaise(t, StaticType.ValueError, `generation parameter must be less than the number of available generations (${NUM_GENERATIONS})`);
    if (g < -1) return errRaise(t, StaticType.ValueError, 'generation parameter cannot be negative');
    generation = g;
  }
  return listOwning(t, gcGetObjects(t.gc, generation === -1 ? undefined : generation));
}

/** The words of a `*args` call as an array. */
function argWords(t: ObThread, args: number, nargs: number): number[] {
  return Array.from(t.u32.subarray(args >>> 2, (args >>> 2) + nargs));
}

/** `gc.get_stats()`: one dict per generation. */
function getStats(t: ObThread): number {
  const stats = gcGetStats(t.gc);
  const list = listNew(t, 0);
  if (list === 0) return 0;
  for (const s of stats) {
    const d = dictNew(t);
    let ok = d !== 0;
    for (const [key, value] of [['collections', s.collections], ['collected', s.collected], ['uncollectable', s.uncollectable]] as const) {
      if (!ok) break;
      const k = strFromJs(t, key);
      const v = intFromNumber(t, value);
      ok = k !== 0 && v !== 0 && dictSetItem(t, d, k, v) === 0;
      if (k !== 0) decref(t.rc, k);
      if (v !== 0) decref(t.rc, v);
    }
    ok = ok && listAppend(t, list, d) === 0;
    if (d !== 0) decref(t.rc, d);
    if (!ok) {
      decref(t.rc, list);
      return 0;
    }
  }
  return list;
}

const FUNCTIONS: FunctionDef[] = [
  { name: 'enable', flags: METH_NOARGS, fn: (t) => (gcEnable(t.gc), noneRef(t)) },
  { name: 'disable', flags: METH_NOARGS, fn: (t) => (gcDisable(t.gc), noneRef(t)) },
  { name: 'isenabled', flags: METH_NOARGS, fn: (t) => bool(t, gcIsEnabled(t.gc)) },
  { name: 'collect', flags: METH_FASTCALL | METH_KEYWORDS, fn: collect },
  { name: 'get_debug', flags: METH_NOARGS, fn: (t) => intFromNumber(t, gcGetDebug(t.gc)) },
  { name: 'set_debug', flags: METH_O, fn: setDebug },
  { name: 'get_count', flags: METH_NOARGS, fn: (t) => intTuple(t, gcGetCount(t.gc)) },
  { name: 'get_threshold', flags: METH_NOARGS, fn: (t) => intTuple(t, gcGetThreshold(t.gc)) },
  { name: 'set_threshold', flags: METH_FASTCALL | METH_KEYWORDS, fn: setThreshold },
  { name: 'get_objects', flags: METH_FASTCALL | METH_KEYWORDS, fn: getObjects },
  { name: 'get_stats', flags: METH_NOARGS, fn: (t) => getStats(t) },
  { name: 'get_referrers', flags: METH_FASTCALL, fn: (t, _m, args, nargs) => listOwning(t, gcGetReferrers(t.gc, ...argWords(t, args, nargs))) },
  { name: 'get_referents', flags: METH_FASTCALL, fn: (t, _m, args, nargs) => listOwning(t, gcGetReferents(t.gc, ...argWords(t, args, nargs))) },
  { name: 'is_tracked', flags: METH_O, fn: (t, _m, args) => bool(t, gcIsTracked(t.rc, t.u32[args >>> 2]!)) },
  { name: 'is_finalized', flags: METH_O, fn: (t, _m, args) => bool(t, gcIsFinalized(t.rc, t.u32[args >>> 2]!)) },
  { name: 'freeze', flags: METH_NOARGS, fn: (t) => (gcFreeze(t.gc), noneRef(t)) },
  { name: 'unfreeze', flags: METH_NOARGS, fn: (t) => (gcUnfreeze(t.gc), noneRef(t)) },
  { name: 'get_freeze_count', flags: METH_NOARGS, fn: (t) => intFromNumber(t, gcGetFreezeCount(t.gc)) },
];

const CONSTANTS: readonly (readonly [string, number])[] = [
  ['DEBUG_STATS', DEBUG_STATS],
  ['DEBUG_COLLECTABLE', DEBUG_COLLECTABLE],
  ['DEBUG_UNCOLLECTABLE', DEBUG_UNCOLLECTABLE],
  ['DEBUG_SAVEALL', DEBUG_SAVEALL],
  ['DEBUG_LEAK', DEBUG_LEAK],
];

/** `gcmodule_exec`: the two lists and the DEBUG_* flags. */
function exec(t: ObThread, module: number): number {
  const dict = moduleDict(t, module);
  for (const name of ['garbage', 'callbacks']) {
    const list = listNew(t, 0);
    if (list === 0) return -1;
    const rc = dictSetItemStr(t, dict, name, list);
    decref(t.rc, list);
    if (rc < 0) return -1;
  }
  for (const [name, value] of CONSTANTS) {
    const v = intFromNumber(t, value);
    if (v === 0) return -1;
    const rc = dictSetItemStr(t, dict, name, v);
    decref(t.rc, v);
    if (rc < 0) return -1;
  }
  return 0;
}

/** `gc`. */
export const GC_MODULE: ModuleDef = {
  name: 'gc',
  doc: 'The cycle collector: run it (collect), switch it on and off, tune and inspect it.',
  functions: FUNCTIONS,
  exec,
};
