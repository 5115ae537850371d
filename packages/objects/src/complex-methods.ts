/**
 * `complex`'s Python-visible methods, getsets and constructor
 * (`complex_methods`, `complex_members`, `complex_new` of
 * `Objects/complexobject.c`), over complex.ts.
 *
 * `complex(real=0, imag=0)` from numbers as CPython 3.13 combines them
 * (`complex(1+2j, 3j)` is `(-2+2j)`: each part may itself be complex, and
 * the result is `real + imag*1j`), or from a str (`complex('1+2j')`,
 * complex.ts's parser).
 */

import { decref } from '@ft/refcount';
import { typeSlotId } from './abstract.js';
import { badArgument, isStr, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { complexFormat } from './format-builtin.js';
import { complexCheck, complexCheckExact, complexFromDoubles, complexFromString, complexImag, complexReal, tryComplexSpecial } from './complex.js';
import { errOccurred, errRaise } from './errors.js';
import { numberFloat } from './float-arith.js';
import { floatAsDouble, floatFromDouble } from './float.js';
import { StaticType } from './layout.js';
import { arg, MethodTable, newRef, NOARGS, ONE_ARG, type BuiltinTypeAdditions } from './method-table.js';
import type { ObThread } from './ob-thread.js';
import type { SlotRegistry } from './slot-registry.js';
import { typeNameOf, typeOf } from './subtype.js';
import { tupleFromArray } from './tuple.js';

const COMPLEX: ArgSpec = { fname: 'complex', posonly: 0, names: ['real', 'imag'], minpos: 0, maxpos: 2 };

/** This thread's scratch for parsed arguments. */
const parsed: number[] = [];

/** Whether `op` is a number `complex()` takes: a complex, or something with `__float__` or `__index__`. */
function isNumber(t: ObThread, op: number): boolean {
  const type = typeOf(t, op);
  return complexCheck(t, op) || typeSlotId(t, type, 'float') !== 0 || typeSlotId(t, type, 'index') !== 0;
}

/** `PyNumber_Float(op)` as a double; undefined with the exception. */
function asDouble(t: ObThread, op: number): number | undefined {
  const f = numberFloat(t, op);
  if (f === 0) return undefined;
  const v = floatAsDouble(t, f);
  decref(t.rc, f);
  return v;
}

/** `complex_new_impl(type, real, imag)` (either 0 when not given); 0 with CPython's errors. */
function complexNewImpl(t: ObThread, r: number, i: number): number {
  if (r === 0) r = t.false; // `_PyLong_GetZero()`: any zero does
  if (complexCheckExact(t, r) && i === 0) return newRef(t, r);
  if (isStr(t, r)) {
    if (i !== 0) return errRaise(t, StaticType.TypeError, "complex() can't take second arg if first is a string");
    return complexFromString(t, r);
  }
  if (i !== 0 && isStr(t, i)) return errRaise(t, StaticType.TypeError, "complex() second arg can't be a string");
  let own = 0;
  const special = tryComplexSpecial(t, r);
  if (special !== 0) {
    r = special;
    own = special;
  } else if (errOccurred(t) !== 0) {
    return 0;
  }
  try {
    if (!isNumber(t, r)) return errRaise(t, StaticType.TypeError, `complex() first argument must be a string or a number, not '${typeNameOf(t, r)}'`);
    if (i !== 0 && !isNumber(t, i)) return errRaise(t, StaticType.TypeError, `complex() second argument must be a number, not '${typeNameOf(t, i)}'`);
    let crReal: number;
    let crImag = 0;
    const crIsComplex = complexCheck(t, r);
    if (crIsComplex) {
      crReal = complexReal(t, r);
      crImag = complexImag(t, r);
    } else {
      const v = asDouble(t, r);
      if (v === undefined) return 0;
      crReal = v;
    }
    let ciReal: number;
    let ciImag = 0;
    const ciIsComplex = i !== 0 && complexCheck(t, i);
    if (i === 0) {
      ciReal = crImag;
    } else if (ciIsComplex) {
      ciReal = complexReal(t, i);
      ciImag = complexImag(t, i);
    } else {
      const v = asDouble(t, i);
      if (v === undefined) return 0;
      ciReal = v;
    }
    if (ciIsComplex) crReal -= ciImag;
    if (crIsComplex && i !== 0) ciReal += crImag;
    return complexFromDoubles(t, crReal, ciReal);
  } finally {
    if (own !== 0) decref(t.rc, own);
  }
}

/** Registers complex's methods, getsets and constructor; returns them for complex's spec. @internal */
export function registerComplexMethods(slots: SlotRegistry): BuiltinTypeAdditions {
  const table = new MethodTable(slots, 'complex')
    .method('conjugate', NOARGS, (t, self) => complexFromDoubles(t, complexReal(t, self), -complexImag(t, self)))
    .method('__complex__', NOARGS, (t, self) => (complexCheckExact(t, self) ? newRef(t, self) : complexFromDoubles(t, complexReal(t, self), complexImag(t, self))))
    .method('__getnewargs__', NOARGS, (t, self) => {
      const re = floatFromDouble(t, complexReal(t, self));
      const im = re === 0 ? 0 : floatFromDouble(t, complexImag(t, self));
      if (im === 0) {
        if (re !== 0) decref(t.rc, re);
        return 0;
      }
      const r = tupleFromArray(t, [re, im]);
      decref(t.rc, re);
      decref(t.rc, im);
      return r;
    })
    .method('__format__', ONE_ARG, (t, self, args) => {
      const spec = arg(t, args, 0);
      return isStr(t, spec) ? complexFormat(t, self, spec) : badArgument(t, '__format__', null, 'str', spec);
    })
    .getset('real', (t, self) => floatFromDouble(t, complexReal(t, self)))
    .getset('imag', (t, self) => floatFromDouble(t, complexImag(t, self)));

  // No vectorcall in 3.13: the clinic parser's messages ("complex() takes at most 2 arguments (3 given)").
  const newId = slots.add('new', 'complex', (t, _type, args, kwargs) => {
    if (!unpackKeywordsTuple(t, COMPLEX, args, kwargs, parsed)) return 0;
    return complexNewImpl(t, parsed[0]!, parsed[1]!);
  });
  return table.done({ new: newId });
}
