/**
 * `_operator` (CPython's `Modules/_operator.c`): the operators as plain
 * functions — `add` … `xor`, their in-place forms, the comparisons,
 * `not_`/`truth`/`is_`/`is_not`, `contains`/`countOf`/`indexOf`,
 * `getitem`/`setitem`/`delitem`, `concat`/`iconcat`, `index`,
 * `length_hint` and `call` — with CPython 3.13's messages.
 * `itemgetter`, `attrgetter` and `methodcaller` are in lib/operator.py.
 */

import {
  checkPositional,
  errClear,
  errExceptionMatches,
  errOccurred,
  errRaise,
  intAsBigInt,
  intFromNumber,
  iterNext,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_O,
  numberBinaryOp,
  numberIndex,
  numberInPlaceOp,
  numberPower,
  numberUnaryOp,
  objectGetItem,
  objectIsTrue,
  objectLength,
  objectRichCompare,
  objectRichCompareBool,
  objectSetItem,
  objectVectorcall,
  PY_EQ,
  PY_GE,
  PY_GT,
  PY_LE,
  PY_LT,
  PY_NE,
  ssizeArg,
  StaticType,
  TPFLAGS_LONG_SUBCLASS,
  typeHasFlag,
  typeNameOf,
  typeOf,
  typeSlot,
  callNoArgs,
  type NumberBinarySlot,
  type NumberUnarySlot,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { lookupSpecial } from './lookup-special.js';
import type { FunctionDef, ModuleDef } from './module-def.js';

function arg(t: ObThread, args: number, i: number): number {
  return t.u32[(args >>> 2) + i]!;
}

function bool(t: ObThread, v: boolean): number {
  return v ? t.true : t.false;
}

/** A function of two positional arguments ("add expected 2 arguments, got 1"). */
function binary(name: string, fn: (t: ObThread, a: number, b: number) => number): FunctionDef {
  return {
    name,
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => (checkPositional(t, name, nargs, 2, 2) ? fn(t, arg(t, args, 0), arg(t, args, 1)) : 0),
  };
}

function unary(name: string, fn: (t: ObThread, a: number) => number): FunctionDef {
  return { name, flags: METH_O, fn: (t, _self, args) => fn(t, arg(t, args, 0)) };
}

function numberOp(name: string, slot: NumberBinarySlot): FunctionDef {
  return binary(name, (t, a, b) => numberBinaryOp(t, a, b, slot));
}

function inplaceOp(name: string, slot: NumberBinarySlot): FunctionDef {
  return binary(name, (t, a, b) => numberInPlaceOp(t, a, b, slot));
}

function unaryOp(name: string, slot: NumberUnarySlot): FunctionDef {
  return unary(name, (t, a) => numberUnaryOp(t, a, slot));
}

function compare(name: string, op: number): FunctionDef {
  return binary(name, (t, a, b) => objectRichCompare(t, a, b, op));
}

/**
 * `_PySequence_IterSearch`: walks `seq` comparing with `obj` (identity,
 * then ==). 'count' gives the number of matches, 'index' the first
 * position (ValueError when none), 'contains' 1 or 0; -1 with an
 * exception set.
 */
function iterSearch(t: ObThread, seq: number, obj: number, mode: 'count' | 'index' | 'contains'): number {
  const iter = typeSlot(t, typeOf(t, seq), 'iter');
  if (iter === null) {
    errRaise(t, StaticType.TypeError, `argument of type '${typeNameOf(t, seq)}' is not iterable`);
    return -1;
  }
  const it = iter(t, seq);
  if (it === 0) return -1;
  let count = 0;
  for (let i = 0; ; i++) {
    const item = iterNext(t, it);
    if (item === 0) {
      decref(t.rc, it);
      if (errOccurred(t) !== 0) return -1;
      if (mode === 'index') {
        errRaise(t, StaticType.ValueError, 'sequence.index(x): x not in sequence');
        return -1;
      }
      return mode === 'count' ? count : 0;
    }
    const eq = objectRichCompareBool(t, item, obj, PY_EQ);
    decref(t.rc, item);
    if (eq < 0) {
      decref(t.rc, it);
      return -1;
    }
    if (eq === 1) {
      if (mode !== 'count') {
        decref(t.rc, it);
        return mode === 'index' ? i : 1;
      }
      count++;
    }
  }
}

/** `operator.concat` / `iconcat`: only for sequences (`sq_concat`), as CPython checks. */
function concat(inplace: boolean): FunctionDef {
  return binary(inplace ? 'iconcat' : 'concat', (t, a, b) => {
    const type = typeOf(t, a);
    const sqConcat = typeSlot(t, type, 'concat');
    if (sqConcat === null) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, a)}' object can't be concatenated`);
    if (inplace) {
      const sqInplace = typeSlot(t, type, 'inplaceConcat');
      if (sqInplace !== null) return sqInplace(t, a, b);
    }
    return sqConcat(t, a, b);
  });
}

/** `PyObject_LengthHint(o, default)`: -1 with an exception set. */
function lengthHint(t: ObThread, o: number, dflt: number): number {
  if (typeSlot(t, typeOf(t, o), 'length') !== null) {
    const n = objectLength(t, o);
    if (n >= 0) return n;
    if (!errExceptionMatches(t, t.types[StaticType.TypeError]!)) return -1;
    errClear(t);
  }
  const hint = lookupSpecial(t, o, '__length_hint__');
  if (hint === 0) return errOccurred(t) !== 0 ? -1 : dflt;
  const result = callNoArgs(t, hint);
  decref(t.rc, hint);
  if (result === 0) {
    if (!errExceptionMatches(t, t.types[StaticType.TypeError]!)) return -1;
    errClear(t);
    return dflt;
  }
  if (result === t.notImplemented) {
    decref(t.rc, result);
    return dflt;
  }
  if (!typeHasFlag(t, typeOf(t, result), TPFLAGS_LONG_SUBCLASS)) {
    errRaise(t, StaticType.TypeError, `__length_hint__ must be an integer, not ${typeNameOf(t, result)}`);
    decref(t.rc, result);
    return -1;
  }
  const v = intAsBigInt(t, result);
  decref(t.rc, result);
  if (v >= 2n ** 63n || v < -(2n ** 63n)) {
    errRaise(t, StaticType.OverflowError, 'Python int too large to convert to C ssize_t');
    return -1;
  }
  if (v < 0n) {
    errRaise(t, StaticType.ValueError, '__length_hint__() should return >= 0');
    return -1;
  }
  return Number(v);
}

const FUNCTIONS: FunctionDef[] = [
  unaryOp('abs', 'absolute'),
  numberOp('add', 'add'),
  numberOp('and_', 'and'),
  {
    name: 'call',
    flags: METH_FASTCALL | METH_KEYWORDS,
    fn: (t, _self, args, nargs, kwnames) => {
      if (!checkPositional(t, 'call', nargs, 1, Number.MAX_SAFE_INTEGER)) return 0;
      return objectVectorcall(t, arg(t, args, 0), args + 4, nargs - 1, kwnames);
    },
  },
  concat(false),
  binary('contains', (t, a, b) => {
    const contains = typeSlot(t, typeOf(t, a), 'contains');
    const r = contains !== null ? contains(t, a, b) : iterSearch(t, a, b, 'contains');
    return r < 0 ? 0 : bool(t, r === 1);
  }),
  binary('countOf', (t, a, b) => {
    const n = iterSearch(t, a, b, 'count');
    return n < 0 ? 0 : intFromNumber(t, n);
  }),
  binary('delitem', (t, a, b) => (objectSetItem(t, a, b, 0) < 0 ? 0 : t.none)),
  compare('eq', PY_EQ),
  numberOp('floordiv', 'floorDivide'),
  compare('ge', PY_GE),
  binary('getitem', objectGetItem),
  compare('gt', PY_GT),
  inplaceOp('iadd', 'add'),
  inplaceOp('iand', 'and'),
  concat(true),
  inplaceOp('ifloordiv', 'floorDivide'),
  inplaceOp('ilshift', 'lshift'),
  inplaceOp('imatmul', 'matrixMultiply'),
  inplaceOp('imod', 'remainder'),
  inplaceOp('imul', 'multiply'),
  unary('index', numberIndex),
  binary('indexOf', (t, a, b) => {
    const n = iterSearch(t, a, b, 'index');
    return n < 0 ? 0 : intFromNumber(t, n);
  }),
  unaryOp('inv', 'invert'),
  unaryOp('invert', 'invert'),
  inplaceOp('ior', 'or'),
  binary('ipow', (t, a, b) => numberPower(t, a, b, t.none, true)),
  inplaceOp('irshift', 'rshift'),
  binary('is_', (t, a, b) => bool(t, a === b)),
  binary('is_not', (t, a, b) => bool(t, a !== b)),
  inplaceOp('isub', 'subtract'),
  inplaceOp('itruediv', 'trueDivide'),
  inplaceOp('ixor', 'xor'),
  compare('le', PY_LE),
  {
    name: 'length_hint',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'length_hint', nargs, 1, 2)) return 0;
      let dflt = 0;
      if (nargs === 2) {
        const d = ssizeArg(t, arg(t, args, 1));
        if (d === undefined) return 0;
        dflt = d;
      }
      const n = lengthHint(t, arg(t, args, 0), dflt);
      return n === -1 && errOccurred(t) !== 0 ? 0 : intFromNumber(t, n);
    },
  },
  numberOp('lshift', 'lshift'),
  compare('lt', PY_LT),
  numberOp('matmul', 'matrixMultiply'),
  numberOp('mod', 'remainder'),
  numberOp('mul', 'multiply'),
  compare('ne', PY_NE),
  unaryOp('neg', 'negative'),
  unary('not_', (t, a) => {
    const r = objectIsTrue(t, a);
    return r < 0 ? 0 : bool(t, r === 0);
  }),
  numberOp('or_', 'or'),
  unaryOp('pos', 'positive'),
  binary('pow', (t, a, b) => numberPower(t, a, b, t.none)),
  numberOp('rshift', 'rshift'),
  {
    name: 'setitem',
    flags: METH_FASTCALL,
    fn: (t, _self, args, nargs) => {
      if (!checkPositional(t, 'setitem', nargs, 3, 3)) return 0;
      return objectSetItem(t, arg(t, args, 0), arg(t, args, 1), arg(t, args, 2)) < 0 ? 0 : t.none;
    },
  },
  numberOp('sub', 'subtract'),
  numberOp('truediv', 'trueDivide'),
  unary('truth', (t, a) => {
    const r = objectIsTrue(t, a);
    return r < 0 ? 0 : bool(t, r === 1);
  }),
  numberOp('xor', 'xor'),
];

/** `_operator`: registered under that name; lib/operator.py re-exports it. */
export const OPERATOR_MODULE: ModuleDef = {
  name: '_operator',
  doc: 'Operator interface.\n\nThis module exports a set of functions implemented in C corresponding\nto the intrinsic operators of Python.  For example, operator.add(x, y)\nis equivalent to the expression x+y.  The function names are those\nused for special methods; variants without leading and trailing\n\'__\' are also provided for convenience.',
  functions: FUNCTIONS,
};
