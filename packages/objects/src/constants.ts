/**
 * `Py_GetConstant` / `Py_GetConstantBorrowed` (CPython 3.13's limited API,
 * `Objects/object.c`): the singletons and common constants by index, so
 * that code outside this package — the VM's `LOAD_CONST` of `None`, an
 * extension written against the limited API — needs no address of its own.
 */

import { immortalize } from '@ft/refcount';
import { bytesFromBytes } from './bytes.js';
import { errRaise } from './errors.js';
import { OS_SINGLETONS_OFFSET, SINGLETON_ELLIPSIS, SINGLETON_EMPTY_BYTES, StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';

/** `Py_CONSTANT_NONE`. @public */ export const PY_CONSTANT_NONE = 0;
/** `Py_CONSTANT_FALSE`. @public */ export const PY_CONSTANT_FALSE = 1;
/** `Py_CONSTANT_TRUE`. @public */ export const PY_CONSTANT_TRUE = 2;
/** `Py_CONSTANT_ELLIPSIS`. @public */ export const PY_CONSTANT_ELLIPSIS = 3;
/** `Py_CONSTANT_NOT_IMPLEMENTED`. @public */ export const PY_CONSTANT_NOT_IMPLEMENTED = 4;
/** `Py_CONSTANT_ZERO`: the int 0. @public */ export const PY_CONSTANT_ZERO = 5;
/** `Py_CONSTANT_ONE`: the int 1. @public */ export const PY_CONSTANT_ONE = 6;
/** `Py_CONSTANT_EMPTY_STR`. @public */ export const PY_CONSTANT_EMPTY_STR = 7;
/** `Py_CONSTANT_EMPTY_BYTES`. @public */ export const PY_CONSTANT_EMPTY_BYTES = 8;
/** `Py_CONSTANT_EMPTY_TUPLE`. @public */ export const PY_CONSTANT_EMPTY_TUPLE = 9;

/** The shared empty bytes, made on first use: one immortal object whichever thread gets there first. */
function emptyBytes(t: ObThread): number {
  const word = ((t.state + OS_SINGLETONS_OFFSET) >>> 2) + SINGLETON_EMPTY_BYTES;
  const existing = Atomics.load(t.u32, word);
  if (existing !== 0) return existing;
  const made = bytesFromBytes(t, []);
  if (made === 0) return 0;
  immortalize(t.rc, made);
  const seen = Atomics.compareExchange(t.u32, word, 0, made);
  // A thread that lost the race keeps its immortal copy unreachable: a few bytes, once.
  return seen === 0 ? made : seen;
}

/**
 * `Py_GetConstantBorrowed(id)`: the constant (immortal, so a borrowed
 * reference stays valid), or 0 with SystemError ("bad argument to
 * internal function") for an unknown index.
 * @public
 */
export function getConstantBorrowed(t: ObThread, id: number): number {
  switch (id) {
    case PY_CONSTANT_NONE:
      return t.none;
    case PY_CONSTANT_FALSE:
      return t.false;
    case PY_CONSTANT_TRUE:
      return t.true;
    case PY_CONSTANT_ELLIPSIS:
      return t.u32[((t.state + OS_SINGLETONS_OFFSET) >>> 2) + SINGLETON_ELLIPSIS]!;
    case PY_CONSTANT_NOT_IMPLEMENTED:
      return t.notImplemented;
    case PY_CONSTANT_ZERO:
      return t.u32[t.smallIntsIndex + 5]!;
    case PY_CONSTANT_ONE:
      return t.u32[t.smallIntsIndex + 6]!;
    case PY_CONSTANT_EMPTY_STR:
      return t.emptyStr;
    case PY_CONSTANT_EMPTY_BYTES:
      return emptyBytes(t);
    case PY_CONSTANT_EMPTY_TUPLE:
      return t.emptyTuple;
    default:
      return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  }
}

/** `Py_GetConstant(id)`: as {@link getConstantBorrowed}, a new reference (immortal: nothing to count). @public */
export function getConstant(t: ObThread, id: number): number {
  return getConstantBorrowed(t, id);
}
