/**
 * From the compiler's {@link CodeUnit} to a code object in the shared heap
 * (`_PyCode_New` via `makecode` in `Python/assemble.c`): constants become
 * objects (nested functions' code first), names and local names are
 * interned strs, the line and exception tables bytes.
 */

import {
  bytesFromBytes,
  codeNew,
  complexFromDoubles,
  floatFromDouble,
  getConstant,
  intFromBigInt,
  PY_CONSTANT_ELLIPSIS,
  setNew,
  strFromJs,
  strInternFromJs,
  tupleFromArray,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import type { CodeUnit, ConstValue } from '../compiler/code-unit.js';
import { CO_FAST_CELL, CO_FAST_FREE, CO_FAST_LOCAL } from '../compiler/code-unit.js';
import { quicken } from './specialize.js';

/** Releases every reference of `refs` (the objects made so far). */
function releaseAll(t: ObThread, refs: readonly number[]): void {
  for (const r of refs) if (r !== 0) decref(t.rc, r);
}

/** A tuple of new objects made by `make` (0 with the exception set). */
function tupleOf<T>(t: ObThread, items: readonly T[], make: (item: T) => number): number {
  const made: number[] = [];
  for (const item of items) {
    const op = make(item);
    if (op === 0) {
      releaseAll(t, made);
      return 0;
    }
    made.push(op);
  }
  const tuple = tupleFromArray(t, made);
  releaseAll(t, made);
  return tuple;
}

/** Whether CPython interns a str constant: all name characters (`all_name_chars` in `intern_string_constants`). */
function isIdentifierLike(s: string): boolean {
  return /^[A-Za-z0-9_]*$/.test(s);
}

/** A constant as a new reference (0 with the exception set). */
export function constantObject(t: ObThread, c: ConstValue, filename: string): number {
  switch (c.type) {
    case 'None':
      return t.none;
    case 'Ellipsis':
      return getConstant(t, PY_CONSTANT_ELLIPSIS);
    case 'bool':
      return c.value ? t.true : t.false;
    case 'int':
      return intFromBigInt(t, c.value);
    case 'float':
      return floatFromDouble(t, c.value);
    case 'complex':
      return complexFromDoubles(t, c.real, c.imag);
    case 'str':
      return isIdentifierLike(c.value) ? strInternFromJs(t, c.value) : strFromJs(t, c.value);
    case 'bytes':
      return bytesFromBytes(t, c.value);
    case 'tuple':
      return tupleOf(t, c.items, (item) => constantObject(t, item, filename));
    case 'frozenset': {
      const items = tupleOf(t, c.items, (item) => constantObject(t, item, filename));
      if (items === 0) return 0;
      const set = setNew(t, items, true);
      decref(t.rc, items);
      return set;
    }
    case 'code':
      return codeObjectFromUnit(t, c.code, filename);
  }
}

/**
 * A new code object for `unit` and, through its constants, every code
 * object nested in it. `filename` overrides the unit's (`compile()`'s
 * argument wins). 0 with the exception set.
 */
export function codeObjectFromUnit(t: ObThread, unit: CodeUnit, filename = unit.co_filename): number {
  const made: number[] = [];
  const keep = (op: number): number => {
    made.push(op);
    return op;
  };
  try {
    const consts = keep(tupleOf(t, unit.co_consts, (c) => constantObject(t, c, filename)));
    if (consts === 0) return 0;
    const names = keep(tupleOf(t, unit.co_names, (n) => strInternFromJs(t, n)));
    if (names === 0) return 0;
    const localsplusnames = keep(tupleOf(t, unit.co_localsplusnames, (n) => strInternFromJs(t, n)));
    if (localsplusnames === 0) return 0;
    const localspluskinds = keep(bytesFromBytes(t, unit.co_localspluskinds));
    const filenameStr = keep(strFromJs(t, filename));
    const name = keep(strInternFromJs(t, unit.co_name));
    const qualname = keep(strFromJs(t, unit.co_qualname));
    const linetable = keep(bytesFromBytes(t, unit.co_linetable));
    const exceptiontable = keep(bytesFromBytes(t, unit.co_exceptiontable));
    if (made.includes(0)) return 0;
    let nlocals = 0;
    let ncellvars = 0;
    let nfreevars = 0;
    for (const kind of unit.co_localspluskinds) {
      if (kind & CO_FAST_FREE) nfreevars++;
      else if (kind & CO_FAST_CELL && !(kind & CO_FAST_LOCAL)) ncellvars++;
      else nlocals++;
    }
    const bytes = unit.co_code;
    const code = new Uint16Array(bytes.length >>> 1);
    for (let i = 0; i < code.length; i++) code[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    // `_PyCode_Quicken`: adaptive instructions start with their warm-up counters.
    quicken(code, 0, code.length);
    return codeNew(t, {
      argcount: unit.co_argcount,
      posonlyargcount: unit.co_posonlyargcount,
      kwonlyargcount: unit.co_kwonlyargcount,
      nlocals,
      ncellvars,
      nfreevars,
      stacksize: unit.co_stacksize,
      flags: unit.co_flags,
      firstlineno: unit.co_firstlineno,
      code,
      consts,
      names,
      localsplusnames,
      localspluskinds,
      filename: filenameStr,
      name,
      qualname,
      linetable,
      exceptiontable,
    });
  } finally {
    releaseAll(t, made);
  }
}
