/**
 * Binding a call's arguments to a new frame's parameters
 * (`initialize_locals` in `Python/ceval.c`), with CPython's TypeErrors:
 * too many positional arguments, missing ones, unexpected or repeated
 * keywords, positional-only parameters passed by keyword.
 */

import {
  CODE_ARGCOUNT_OFFSET,
  CODE_FLAGS_OFFSET,
  CODE_KWONLYARGCOUNT_OFFSET,
  CODE_LOCALSPLUSNAMES_OFFSET,
  CODE_POSONLYARGCOUNT_OFFSET,
  CO_VARARGS,
  CO_VARKEYWORDS,
  dictGetItemRef,
  dictNew,
  dictSetItem,
  errRaiseInt,
  FUNC_DEFAULTS_OFFSET,
  FUNC_KWDEFAULTS_OFFSET,
  FUNC_QUALNAME_OFFSET,
  StaticType,
  strEq,
  strToJs,
  TPFLAGS_UNICODE_SUBCLASS,
  TUPLE_ITEMS_OFFSET,
  TUPLE_SIZE_OFFSET,
  tupleFromArray,
  typeHasFlag,
  typeOf,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';

/** The function's `__qualname__` as text. */
function qualnameOf(t: ObThread, func: number): string {
  return strToJs(t, t.u32[(func + FUNC_QUALNAME_OFFSET) >>> 2]!);
}

/** `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` (`format_missing`). */
function nameList(names: readonly string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length === 1) return q[0]!;
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/**
 * Fills the parameters of a frame whose locals start at word `lw` from
 * `nargs` positional words at word `aw` followed by the keyword values
 * named by `kwnames` (a tuple, or 0). Every argument reference is moved
 * into the frame (or released); the locals were all 0. Returns false with
 * the exception set (the caller clears the frame).
 */
export function initializeLocals(t: ObThread, func: number, code: number, lw: number, aw: number, nargs: number, kwnames: number): boolean {
  const u32 = t.u32;
  const i32 = t.i32;
  const argcount = i32[(code + CODE_ARGCOUNT_OFFSET) >>> 2]!;
  const posonly = i32[(code + CODE_POSONLYARGCOUNT_OFFSET) >>> 2]!;
  const kwonly = i32[(code + CODE_KWONLYARGCOUNT_OFFSET) >>> 2]!;
  const flags = i32[(code + CODE_FLAGS_OFFSET) >>> 2]!;
  const totalArgs = argcount + kwonly;
  const names = u32[(code + CODE_LOCALSPLUSNAMES_OFFSET) >>> 2]!;
  const namesW = (names + TUPLE_ITEMS_OFFSET) >>> 2;
  const nkw = kwnames === 0 ? 0 : u32[(kwnames + TUPLE_SIZE_OFFSET) >>> 2]!;
  let ok = true;
  let kwdict = 0;
  if (flags & CO_VARKEYWORDS) {
    kwdict = dictNew(t);
    if (kwdict === 0) ok = false;
    u32[lw + totalArgs + (flags & CO_VARARGS ? 1 : 0)] = kwdict;
  }
  const n = Math.min(nargs, argcount);
  for (let j = 0; j < n; j++) u32[lw + j] = u32[aw + j]!;
  if (flags & CO_VARARGS) {
    const rest: number[] = [];
    for (let j = n; j < nargs; j++) rest.push(u32[aw + j]!);
    const tuple = ok ? tupleFromArray(t, rest) : 0;
    for (const r of rest) decref(t.rc, r);
    if (tuple === 0) ok = false;
    u32[lw + totalArgs] = tuple;
  }
  // Keywords: each value moves to its parameter, or into **kwargs.
  const kwW = kwnames === 0 ? 0 : (kwnames + TUPLE_ITEMS_OFFSET) >>> 2;
  let posonlyPassed: string[] | null = null;
  for (let k = 0; k < nkw; k++) {
    const name = u32[kwW + k]!;
    const value = u32[aw + nargs + k]!;
    if (!ok) {
      decref(t.rc, value);
      continue;
    }
    if (!typeHasFlag(t, typeOf(t, name), TPFLAGS_UNICODE_SUBCLASS)) {
      errRaiseInt(t, StaticType.TypeError, `${qualnameOf(t, func)}() keywords must be strings`);
      decref(t.rc, value);
      ok = false;
      continue;
    }
    let j = -1;
    for (let p = posonly; p < totalArgs; p++) {
      const pname = u32[namesW + p]!;
      if (pname === name || strEq(t, pname, name)) {
        j = p;
        break;
      }
    }
    if (j < 0) {
      if (kwdict !== 0) {
        if (dictSetItem(t, kwdict, name, value) < 0) ok = false;
        decref(t.rc, value);
        continue;
      }
      let isPosonly = false;
      for (let p = 0; p < posonly; p++) if (strEq(t, u32[namesW + p]!, name)) isPosonly = true;
      if (isPosonly) (posonlyPassed ??= []).push(strToJs(t, name));
      else {
        errRaiseInt(t, StaticType.TypeError, `${qualnameOf(t, func)}() got an unexpected keyword argument '${strToJs(t, name)}'`);
        ok = false;
      }
      decref(t.rc, value);
      continue;
    }
    if (u32[lw + j] !== 0) {
      errRaiseInt(t, StaticType.TypeError, `${qualnameOf(t, func)}() got multiple values for argument '${strToJs(t, name)}'`);
      decref(t.rc, value);
      ok = false;
      continue;
    }
    u32[lw + j] = value;
  }
  if (!ok) return false;
  if (posonlyPassed !== null) {
    errRaiseInt(t, StaticType.TypeError, `${qualnameOf(t, func)}() got some positional-only arguments passed as keyword arguments: '${posonlyPassed.join(', ')}'`);
    return false;
  }
  const defaults = u32[(func + FUNC_DEFAULTS_OFFSET) >>> 2]!;
  const defcount = defaults === 0 ? 0 : u32[(defaults + TUPLE_SIZE_OFFSET) >>> 2]!;
  if (nargs > argcount && !(flags & CO_VARARGS)) {
    let kwonlyGiven = 0;
    for (let i = argcount; i < totalArgs; i++) if (u32[lw + i] !== 0) kwonlyGiven++;
    const sig = defcount > 0 ? `from ${argcount - defcount} to ${argcount}` : `${argcount}`;
    const plural = defcount > 0 || argcount !== 1;
    const kwonlySig = kwonlyGiven > 0 ? ` positional argument${nargs !== 1 ? 's' : ''} (and ${kwonlyGiven} keyword-only argument${kwonlyGiven !== 1 ? 's' : ''})` : '';
    errRaiseInt(t, StaticType.TypeError, `${qualnameOf(t, func)}() takes ${sig} positional argument${plural ? 's' : ''} but ${nargs}${kwonlySig} ${nargs === 1 && kwonlyGiven === 0 ? 'was' : 'were'} given`);
    return false;
  }
  if (nargs < argcount) {
    const m = argcount - defcount;
    const missing: string[] = [];
    for (let i = nargs; i < m; i++) if (u32[lw + i] === 0) missing.push(strToJs(t, u32[namesW + i]!));
    if (missing.length > 0) {
      errRaiseInt(t, StaticType.TypeError, `${qualnameOf(t, func)}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${nameList(missing)}`);
      return false;
    }
    const defW = defaults === 0 ? 0 : (defaults + TUPLE_ITEMS_OFFSET) >>> 2;
    for (let i = Math.max(nargs, m); i < argcount; i++) {
      if (u32[lw + i] === 0) {
        const d = u32[defW + (i - m)]!;
        incref(t.rc, d);
        u32[lw + i] = d;
      }
    }
  }
  if (kwonly > 0) {
    const kwdefs = u32[(func + FUNC_KWDEFAULTS_OFFSET) >>> 2]!;
    const missing: string[] = [];
    for (let i = argcount; i < totalArgs; i++) {
      if (u32[lw + i] !== 0) continue;
      const name = u32[namesW + i]!;
      if (kwdefs !== 0) {
        const d = dictGetItemRef(t, kwdefs, name);
        if (d !== 0) {
          u32[lw + i] = d;
          continue;
        }
        if (t.error.type !== 0) return false;
      }
      missing.push(strToJs(t, name));
    }
    if (missing.length > 0) {
      errRaiseInt(t, StaticType.TypeError, `${qualnameOf(t, func)}() missing ${missing.length} required keyword-only argument${missing.length === 1 ? '' : 's'}: ${nameList(missing)}`);
      return false;
    }
  }
  return true;
}
