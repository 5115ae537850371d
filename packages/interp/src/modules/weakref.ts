/**
 * `_weakref` (CPython's `Modules/_weakref.c`): the weak reference types of
 * `@ft/objects` (`ref` is `weakref.ReferenceType` itself, a type one calls)
 * and the functions over an object's weakref list; lib/weakref.py builds
 * the containers and `finalize` on them.
 */

import {
  checkPositional,
  dictDelItem,
  dictGetItemRef,
  errClear,
  errExceptionMatches,
  errOccurred,
  intFromNumber,
  listFromArray,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_O,
  moduleDict,
  noKwnames,
  StaticType,
  weakrefCheck,
  weakrefCount,
  weakrefIsDead,
  weakrefNewProxy,
  weakrefsOf,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { dictSetItemStr } from './dict-util.js';
import type { FunctionDef, ModuleDef } from './module-def.js';

/** `weakref.proxy(object[, callback])`: `PyArg_UnpackTuple(args, "proxy", 1, 2)`, no keywords. */
function proxy(t: ObThread, _module: number, args: number, nargs: number, kwnames: number): number {
  if (!noKwnames(t, '_weakref.proxy', kwnames)) return 0;
  if (!checkPositional(t, 'proxy', nargs, 1, 2)) return 0;
  const words = t.u32;
  const callback = nargs === 2 ? words[(args >>> 2) + 1]! : 0;
  return weakrefNewProxy(t, words[args >>> 2]!, callback === t.none ? 0 : callback);
}

/**
 * `_weakref._remove_dead_weakref(dict, key)`: deletes `dict[key]` when it
 * is a weak reference whose referent is gone (a WeakValueDictionary's
 * removal callback, which must not delete a live value stored since).
 */
function removeDeadWeakref(t: ObThread, _module: number, args: number, nargs: number): number {
  if (!checkPositional(t, '_remove_dead_weakref', nargs, 2, 2)) return 0;
  const dict = t.u32[args >>> 2]!;
  const key = t.u32[(args >>> 2) + 1]!;
  const value = dictGetItemRef(t, dict, key);
  if (value === 0) {
    if (errOccurred(t) !== 0) return 0;
  } else {
    const dead = weakrefCheck(t, value) && weakrefIsDead(t, value);
    decref(t.rc, value);
    if (dead && dictDelItem(t, dict, key) < 0) {
      // Removed meanwhile by another thread: CPython ignores that KeyError.
      if (!errExceptionMatches(t, t.types[StaticType.KeyError]!)) return 0;
      errClear(t);
    }
  }
  incref(t.rc, t.none);
  return t.none;
}

/** `weakref.getweakrefs(object)`: a list of the weak references and proxies to it, newest first. */
function getweakrefs(t: ObThread, _module: number, args: number): number {
  const refs = weakrefsOf(t, t.u32[args >>> 2]!);
  const list = listFromArray(t, refs);
  for (const wr of refs) decref(t.rc, wr);
  return list;
}

const FUNCTIONS: FunctionDef[] = [
  { name: 'getweakrefcount', flags: METH_O, fn: (t, _m, args) => intFromNumber(t, weakrefCount(t, t.u32[args >>> 2]!)) },
  { name: 'getweakrefs', flags: METH_O, fn: getweakrefs },
  { name: 'proxy', flags: METH_FASTCALL | METH_KEYWORDS, fn: proxy },
  { name: '_remove_dead_weakref', flags: METH_FASTCALL, fn: removeDeadWeakref },
];

/** `weakref_exec`: the three types, `ref` being `ReferenceType`. */
function exec(t: ObThread, module: number): number {
  const dict = moduleDict(t, module);
  const types: readonly (readonly [string, StaticType])[] = [
    ['ref', StaticType.WeakRef],
    ['ReferenceType', StaticType.WeakRef],
    ['ProxyType', StaticType.WeakProxy],
    ['CallableProxyType', StaticType.WeakCallableProxy],
  ];
  for (const [name, type] of types) if (dictSetItemStr(t, dict, name, t.types[type]!) < 0) return -1;
  return 0;
}

/** `_weakref`. */
export const WEAKREF_MODULE: ModuleDef = {
  name: '_weakref',
  doc: 'Weak-reference support module.',
  functions: FUNCTIONS,
  exec,
};
