/**
 * Calling objects (`Objects/call.c`): the vectorcall shape the VM and the
 * builtins use (DESIGN.md §8) and the tuple/dict shape of `tp_call`, each
 * reaching the other when a type has only one of the two.
 *
 * Vectorcall arguments are words in the heap (`PyObject *const *args`):
 * the VM passes a pointer into its own data stack; TypeScript callers
 * push theirs on this thread's argument stack ({@link argsPush}), a PyMem
 * block used as a stack so that calls nest (a key function calling back
 * into Python calling a builtin …) without allocating per call.
 */

import { decref, incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { argsPop, argsPush, vectorcallOf } from './call-args.js';
import { typeSlot } from './type-slots.js';
import { dictCheckExact, dictNew, dictSetItem, dictSnapshot } from './dict.js';
import { errNoMemory, errRaise } from './errors.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS, TUPLE_ITEMS_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleFromArray, tupleGetItem, tupleNew, tupleSetItemInit, tupleSize } from './tuple.js';

export { argsPop, argsPush, argsRelease } from './call-args.js';

/**
 * `PyObject_Vectorcall(callable, args, nargs, kwnames)`: the callable's
 * vectorcall, or its `tp_call` with the arguments packed into a tuple and
 * a dict (`_PyObject_MakeTpCall`); 0 with TypeError ("'int' object is not
 * callable").
 * @public
 */
export function objectVectorcall(t: ObThread, callable: number, args: number, nargs: number, kwnames: number): number {
  const vectorcall = vectorcallOf(t, callable);
  if (vectorcall !== null) return vectorcall(t, callable, args, nargs, kwnames);
  const call = typeSlot(t, t.u32[(callable + OB_TYPE_OFFSET) >>> 2]!, 'call');
  if (call === null) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, callable)}' object is not callable`);
  const tuple = tupleFromArray(t, t.u32.subarray(args >>> 2, (args >>> 2) + nargs));
  if (tuple === 0) return 0;
  let kwargs = 0;
  if (kwnames !== 0 && tupleSize(t, kwnames) > 0) {
    kwargs = stackToDict(t, args + 4 * nargs, kwnames);
    if (kwargs === 0) {
      decref(t.rc, tuple);
      return 0;
    }
  }
  const r = call(t, callable, tuple, kwargs);
  decref(t.rc, tuple);
  if (kwargs !== 0) decref(t.rc, kwargs);
  return r;
}

/** `_PyStack_AsDict`: a dict of the keyword arguments at `values`; 0 with an exception. */
function stackToDict(t: ObThread, values: number, kwnames: number): number {
  const d = dictNew(t);
  if (d === 0) return 0;
  const n = tupleSize(t, kwnames);
  for (let i = 0; i < n; i++) {
    if (dictSetItem(t, d, tupleGetItem(t, kwnames, i), t.u32[(values >>> 2) + i]!) < 0) {
      decref(t.rc, d);
      return 0;
    }
  }
  return d;
}

/**
 * `PyObject_Call(callable, args, kwargs)` (`kwargs` a dict or 0): the
 * callable's vectorcall with the tuple's items and the dict's items
 * pushed on the argument stack (`PyVectorcall_Call`), or its `tp_call`;
 * 0 with TypeError when it is not callable.
 * @public
 */
export function objectCall(t: ObThread, callable: number, args: number, kwargs: number): number {
  const vectorcall = vectorcallOf(t, callable);
  if (vectorcall === null) {
    const call = typeSlot(t, t.u32[(callable + OB_TYPE_OFFSET) >>> 2]!, 'call');
    if (call === null) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, callable)}' object is not callable`);
    return call(t, callable, args, kwargs);
  }
  const nargs = tupleSize(t, args);
  const positional = t.u32.subarray((args + TUPLE_ITEMS_OFFSET) >>> 2, ((args + TUPLE_ITEMS_OFFSET) >>> 2) + nargs);
  if (kwargs === 0) return vectorcallArray(t, callable, positional, 0);
  // One snapshot of the dict under its lock: the names and values agree even if another thread changes it.
  const pairs = dictCheckExact(t, kwargs) ? dictSnapshot(t, kwargs, 2) : null;
  if (pairs === null) return dictCheckExact(t, kwargs) ? 0 : errRaise(t, StaticType.TypeError, 'keywords must be a dict');
  if (pairs.length === 0) return vectorcallArray(t, callable, positional, 0);
  const kwnames = tupleNew(t, pairs.length);
  if (kwnames === 0) {
    for (const p of pairs) decref(t.rc, p);
    return 0;
  }
  const values: number[] = Array.from(positional);
  for (let i = 0; i < pairs.length; i++) {
    const key = tupleGetItem(t, pairs[i]!, 0);
    if (!typeHasFlag(t, typeOf(t, key), TPFLAGS_UNICODE_SUBCLASS)) {
      for (const p of pairs) decref(t.rc, p);
      decref(t.rc, kwnames);
      return errRaise(t, StaticType.TypeError, 'keywords must be strings');
    }
    incref(t.rc, key);
    tupleSetItemInit(t, kwnames, i, key);
    values.push(tupleGetItem(t, pairs[i]!, 1));
  }
  const r = vectorcallArray(t, callable, values, kwnames, nargs);
  for (const p of pairs) decref(t.rc, p);
  decref(t.rc, kwnames);
  return r;
}


/**
 * Calls `callable` with `values` (borrowed; the last `tupleSize(kwnames)`
 * of them are keyword arguments, the first `nargs` positional).
 */
function vectorcallArray(t: ObThread, callable: number, values: ArrayLike<number>, kwnames: number, nargs = values.length): number {
  const args = argsPush(t, values);
  if (args === 0) return 0;
  const r = objectVectorcall(t, callable, args, nargs, kwnames);
  argsPop(t, args, values.length);
  return r;
}

/** `PyObject_CallNoArgs(callable)`. @public */
export function callNoArgs(t: ObThread, callable: number): number {
  return objectVectorcall(t, callable, 0, 0, 0);
}

/** `PyObject_CallOneArg(callable, arg)`. @public */
export function callOneArg(t: ObThread, callable: number, arg: number): number {
  return vectorcallArray(t, callable, [arg], 0);
}

/**
 * `PyObject_CallFunctionObjArgs(callable, ...args)`: positional
 * arguments from a JavaScript array (borrowed), and keyword arguments
 * when `kwnames` names the last of them.
 * @public
 */
export function callArgs(t: ObThread, callable: number, args: ArrayLike<number>, kwnames = 0): number {
  return vectorcallArray(t, callable, args, kwnames, args.length - (kwnames === 0 ? 0 : tupleSize(t, kwnames)));
}
