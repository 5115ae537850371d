/**
 * The `sys` module (`Python/sysmodule.c`): the functions here, and the
 * values the interpreter sets when it makes the module (argv, path,
 * modules, the standard streams, flags, implementation, version).
 */

import {
  errGetHandledException,
  errRaise,
  errSetObject,
  exceptionGetTraceback,
  intFromNumber,
  intGetMaxStrDigits,
  intSetMaxStrDigits,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_NOARGS,
  METH_O,
  numberAsSsize,
  StaticType,
  strIntern,
  TPFLAGS_UNICODE_SUBCLASS,
  tupleFromArray,
  typeHasFlag,
  typeNameOf,
  typeOf,
  unpackKeywords,
  type ObThread,
} from '@ft/objects';
import { getRefcount, incref, decref } from '@ft/refcount';
import type { ModuleDef } from './module-def.js';
import { vmOf } from '../vm/vm-thread.js';

/** `sys.exit(arg=None)`: raises SystemExit(arg). */
function exit(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs > 1) return errRaise(t, StaticType.TypeError, `exit expected at most 1 argument, got ${nargs}`);
  errSetObject(t, t.types[StaticType.SystemExit]!, nargs === 1 ? t.u32[args >>> 2]! : 0);
  return 0;
}

/** `sys.getrecursionlimit()`. */
function getRecursionLimit(t: ObThread): number {
  return intFromNumber(t, vmOf(t).recursionLimit);
}

/** `sys.setrecursionlimit(limit)`. */
const SET_INT_MAX_STR_DIGITS_SPEC = { fname: 'set_int_max_str_digits', posonly: 0, names: ['maxdigits'], minpos: 1, maxpos: 1 };

/** `sys.set_int_max_str_digits(maxdigits)`: the interpreter's limit on decimal int/str conversions (0: none, else at least 640). */
function setIntMaxStrDigits(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  const out: number[] = [];
  if (!unpackKeywords(t, SET_INT_MAX_STR_DIGITS_SPEC, args, nargs, kwnames, out)) return 0;
  const n = numberAsSsize(t, out[0]!, StaticType.OverflowError);
  if (n === -1 && t.error.type !== 0) return 0;
  if (intSetMaxStrDigits(t, n) < 0) return 0;
  incref(t.rc, t.none);
  return t.none;
}

function setRecursionLimit(t: ObThread, _self: number, args: number): number {
  const arg = t.u32[args >>> 2]!;
  if (typeOf(t, arg) === t.types[StaticType.Float]) return errRaise(t, StaticType.TypeError, "'float' object cannot be interpreted as an integer");
  const limit = numberAsSsize(t, arg, StaticType.OverflowError);
  if (limit === -1 && t.error.type !== 0) return 0;
  if (limit < 1) return errRaise(t, StaticType.ValueError, 'recursion limit must be greater or equal than 1');
  const vm = vmOf(t);
  if (vm.depth >= limit) return errRaise(t, StaticType.RecursionError, `cannot set the recursion limit to ${limit} at the recursion depth ${vm.depth}: the limit is too low`);
  vm.recursionLimit = limit;
  incref(t.rc, t.none);
  return t.none;
}

/** `sys.getrefcount(obj)`: its count, plus the argument's own reference as CPython counts it (METH_O functions get the argument words). */
function getRefcountFn(t: ObThread, _self: number, args: number): number {
  const arg = t.u32[args >>> 2]!;
  return intFromNumber(t, getRefcount(t.rc, arg) + 1);
}

/** `sys.intern(s)`. */
function intern(t: ObThread, _self: number, args: number): number {
  const arg = t.u32[args >>> 2]!;
  if (typeOf(t, arg) !== t.types[StaticType.Str]) {
    if (typeHasFlag(t, typeOf(t, arg), TPFLAGS_UNICODE_SUBCLASS)) return errRaise(t, StaticType.TypeError, `can't intern ${typeNameOf(t, arg)}`);
    return errRaise(t, StaticType.TypeError, `intern() argument must be str, not ${typeNameOf(t, arg)}`);
  }
  return strIntern(t, arg);
}

/** `sys.exception()`: the exception being handled, or None. */
function exception(t: ObThread): number {
  const e = errGetHandledException(t);
  if (e !== 0) return e;
  incref(t.rc, t.none);
  return t.none;
}

/** `sys.exc_info()`: (type, value, traceback) of the exception being handled. */
function excInfo(t: ObThread): number {
  const e = errGetHandledException(t);
  if (e === 0) return tupleFromArray(t, [t.none, t.none, t.none]);
  const tb = exceptionGetTraceback(t, e);
  const r = tupleFromArray(t, [typeOf(t, e), e, tb === 0 ? t.none : tb]);
  if (tb !== 0) decref(t.rc, tb);
  decref(t.rc, e);
  return r;
}

/** `sys._is_gil_enabled()`: whether the interpreter runs with a GIL (free-threaded by default). */
function isGilEnabled(t: ObThread): number {
  const on = vmOf(t).interp.gilEnabled;
  return on ? t.true : t.false;
}

export const SYS_MODULE: ModuleDef = {
  name: 'sys',
  doc: 'Access to the interpreter: argv, path, modules, the standard streams, recursion limit, exit.',
  functions: [
    { name: 'exit', flags: METH_FASTCALL, fn: exit },
    { name: 'getrecursionlimit', flags: METH_NOARGS, fn: (t) => getRecursionLimit(t) },
    { name: 'get_int_max_str_digits', flags: METH_NOARGS, fn: (t) => intFromNumber(t, intGetMaxStrDigits(t)) },
    { name: 'set_int_max_str_digits', flags: METH_FASTCALL | METH_KEYWORDS, fn: setIntMaxStrDigits },
    { name: 'setrecursionlimit', flags: METH_O, fn: setRecursionLimit },
    { name: 'getrefcount', flags: METH_O, fn: getRefcountFn },
    { name: 'intern', flags: METH_O, fn: intern },
    { name: 'exception', flags: METH_NOARGS, fn: (t) => exception(t) },
    { name: 'exc_info', flags: METH_NOARGS, fn: (t) => excInfo(t) },
    { name: '_is_gil_enabled', flags: METH_NOARGS, fn: (t) => isGilEnabled(t) },
  ],
};
