/**
 * `dir([object])` (`builtin_dir`, `PyObject_Dir`): the sorted list of
 * what the object's `__dir__` returns. A class may define `__dir__`;
 * the defaults every object inherits are CPython's `object.__dir__` (the
 * instance's `__dict__` merged with its class's attributes),
 * `type.__dir__` (the class dicts along `__bases__`) and
 * `module.__dir__` (the module dict, or its `__dir__` function), written
 * here because @ft/objects' types do not carry them.
 */

import {
  callNoArgs,
  checkPositional,
  dictMergeMapping,
  dictCopy,
  dictGetItemRef,
  dictNew,
  errOccurred,
  iterNext,
  listFromIterable,
  listSort,
  METH_FASTCALL,
  moduleCheck,
  moduleDict,
  objectGetIter,
  strInternFromJs,
  typeHasFlag,
  typeOf,
  TPFLAGS_DICT_SUBCLASS,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import type { FunctionDef } from '../modules/module-def.js';
import { currentFrameLocals } from './frame-locals-hook.js';
import { argAt, getOptionalAttrJs, isType, lookupSpecial } from './special-lookup.js';

function isDict(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_DICT_SUBCLASS);
}

/**
 * `merge_class_dict(dict, aclass)`: `aclass.__dict__` into `dict`, then
 * recursively each of `aclass.__bases__`. 0, or -1 with an exception set.
 */
function mergeClassDict(t: ObThread, dict: number, aclass: number): number {
  const classdict = getOptionalAttrJs(t, aclass, '__dict__');
  if (classdict === 0 && errOccurred(t) !== 0) return -1;
  if (classdict !== 0) {
    const rc = dictMergeMapping(t, dict, classdict);
    decref(t.rc, classdict);
    if (rc < 0) return -1;
  }
  const bases = getOptionalAttrJs(t, aclass, '__bases__');
  if (bases === 0) return errOccurred(t) !== 0 ? -1 : 0;
  const it = objectGetIter(t, bases);
  decref(t.rc, bases);
  if (it === 0) return -1;
  for (;;) {
    const base = iterNext(t, it);
    if (base === 0) break;
    const rc = mergeClassDict(t, dict, base);
    decref(t.rc, base);
    if (rc < 0) {
      decref(t.rc, it);
      return -1;
    }
  }
  decref(t.rc, it);
  return errOccurred(t) !== 0 ? -1 : 0;
}

/** The keys of `dict` as a new list, releasing `dict`. */
function keysConsuming(t: ObThread, dict: number): number {
  const keys = listFromIterable(t, dict);
  decref(t.rc, dict);
  return keys;
}

/** `object.__dir__(self)`: the instance dict's keys and its class's attributes. */
export function objectDirDefault(t: ObThread, self: number): number {
  const own = getOptionalAttrJs(t, self, '__dict__');
  if (own === 0 && errOccurred(t) !== 0) return 0;
  // A copy: `__dict__` itself must not change (and may not be a dict at all).
  const dict = own !== 0 && isDict(t, own) ? dictCopy(t, own) : dictNew(t);
  if (own !== 0) decref(t.rc, own);
  if (dict === 0) return 0;
  const itsclass = getOptionalAttrJs(t, self, '__class__');
  if (itsclass === 0 && errOccurred(t) !== 0) {
    decref(t.rc, dict);
    return 0;
  }
  if (itsclass !== 0) {
    const rc = mergeClassDict(t, dict, itsclass);
    decref(t.rc, itsclass);
    if (rc < 0) {
      decref(t.rc, dict);
      return 0;
    }
  }
  return keysConsuming(t, dict);
}

/** `type.__dir__(self)`: the attributes of the class and of its bases, recursively. */
export function typeDirDefault(t: ObThread, self: number): number {
  const dict = dictNew(t);
  if (dict === 0) return 0;
  if (mergeClassDict(t, dict, self) < 0) {
    decref(t.rc, dict);
    return 0;
  }
  return keysConsuming(t, dict);
}

/**
 * `module.__dir__(self)`: the module dict's `__dir__()` when it defines
 * one, else its keys. The dict is read directly (CPython reads
 * `self.__dict__`, which is that dict: a module cannot replace it).
 */
export function moduleDirDefault(t: ObThread, self: number): number {
  const dict = moduleDict(t, self);
  const key = strInternFromJs(t, '__dir__');
  if (key === 0) return 0;
  const dirfunc = dictGetItemRef(t, dict, key);
  decref(t.rc, key);
  if (dirfunc !== 0) {
    const r = callNoArgs(t, dirfunc);
    decref(t.rc, dirfunc);
    return r;
  }
  if (errOccurred(t) !== 0) return 0;
  return listFromIterable(t, dict);
}

/** `_dir_object(obj)`: `sorted(type(obj).__dir__(obj))`. */
export function objectDir(t: ObThread, obj: number): number {
  const dirfunc = lookupSpecial(t, obj, '__dir__');
  let names: number;
  if (dirfunc !== 0) {
    names = callNoArgs(t, dirfunc);
    decref(t.rc, dirfunc);
  } else if (errOccurred(t) !== 0) {
    return 0;
  } else if (isType(t, obj)) {
    names = typeDirDefault(t, obj);
  } else if (moduleCheck(t, obj)) {
    names = moduleDirDefault(t, obj);
  } else {
    names = objectDirDefault(t, obj);
  }
  if (names === 0) return 0;
  const result = listFromIterable(t, names);
  decref(t.rc, names);
  if (result === 0) return 0;
  if (listSort(t, result) < 0) {
    decref(t.rc, result);
    return 0;
  }
  return result;
}

/** `builtin_dir` (`dir([object])`): without an argument, the sorted names of the caller's locals. */
export function builtinDir(t: ObThread, _self: number, args: number, nargs: number): number {
  if (!checkPositional(t, 'dir', nargs, 0, 1)) return 0;
  if (nargs === 1) return objectDir(t, argAt(t, args, 0));
  // `_dir_locals`: the keys of `locals()`, sorted.
  const locals = currentFrameLocals(t);
  if (locals === 0) return 0;
  const keys = listFromIterable(t, locals);
  decref(t.rc, locals);
  if (keys === 0) return 0;
  if (listSort(t, keys) < 0) {
    decref(t.rc, keys);
    return 0;
  }
  return keys;
}

/** The `PyMethodDef` of `dir`. */
export const DIR_FUNCTIONS: readonly FunctionDef[] = [{ name: 'dir', flags: METH_FASTCALL, fn: builtinDir }];
