/**
 * Function objects (`Objects/funcobject.c`): a code object with the
 * globals it runs in, its defaults, keyword-only defaults, closure cells,
 * name, qualified name, docstring, module, annotations and attribute
 * dict. Calling one enters the VM through the thread's `evalFunction`
 * (installed by @ft/interp); from a class it binds to the instance as a
 * method.
 *
 * Top-level functions use deferred reference counting (every frame of
 * every thread references them); nested ones do not, so that closures
 * die promptly. The version (function-version.ts) starts as the code's
 * and drops to 0 for good when a critical attribute changes.
 */

import { formatAddress } from '@ft/atomics';
import { decref, enableDeferredRefcount, incref, OB_TYPE_OFFSET, setMaybeWeakref, type RcThread } from '@ft/refcount';
import { CO_NESTED, codeCheck, codeField, CODE_FLAGS_OFFSET, CODE_NAME_OFFSET, CODE_NFREEVARS_OFFSET, CODE_QUALNAME_OFFSET, CODE_CONSTS_OFFSET, codeVersion } from './code.js';
import { dictCheckExact, dictGetItemRef, dictNew } from './dict.js';
import { errRaise, errRaiseInt } from './errors.js';
import { fieldGet, fieldGetRef, fieldSet, fieldsDealloc, fieldsNew, fieldsTraverse, fieldsClear } from './field-object.js';
import { FUNC_CODE_OFFSET, FUNC_VERSION_OFFSET, functionSetVersion } from './function-version.js';
import { StaticType, TPFLAGS_DICT_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import { methodNew } from './method.js';
import { moduleCheck, moduleDict } from './module.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/** `func_globals`: a dict. @public */ export const FUNC_GLOBALS_OFFSET = 20;
/** `func_builtins`: a dict. @public */ export const FUNC_BUILTINS_OFFSET = 24;
/** `func_name`: a str. @public */ export const FUNC_NAME_OFFSET = 28;
/** `func_qualname`: a str. @public */ export const FUNC_QUALNAME_OFFSET = 32;
export { FUNC_CODE_OFFSET, FUNC_VERSION_OFFSET };
/** `func_defaults`: a tuple or 0. @public */ export const FUNC_DEFAULTS_OFFSET = 40;
/** `func_kwdefaults`: a dict or 0. @public */ export const FUNC_KWDEFAULTS_OFFSET = 44;
/** `func_closure`: a tuple of cells or 0. @public */ export const FUNC_CLOSURE_OFFSET = 48;
/** `func_doc`. @internal */ export const FUNC_DOC_OFFSET = 52;
/** `func_dict` (`tp_dictoffset`). @internal */ export const FUNC_DICT_OFFSET = 56;
/** `func_module`. @internal */ export const FUNC_MODULE_OFFSET = 60;
/** `func_annotations`: a dict or 0. @internal */ export const FUNC_ANNOTATIONS_OFFSET = 64;
/** `func_typeparams`: a tuple or 0. @internal */ export const FUNC_TYPEPARAMS_OFFSET = 68;
/** `func_weakreflist` (not an object field). @internal */ export const FUNC_WEAKREFLIST_OFFSET = 72;
/** Bytes of a function object. @internal */ export const FUNCTION_SIZE = 80;

const OBJECT_FIELDS = [
  FUNC_GLOBALS_OFFSET,
  FUNC_BUILTINS_OFFSET,
  FUNC_NAME_OFFSET,
  FUNC_QUALNAME_OFFSET,
  FUNC_CODE_OFFSET,
  FUNC_DEFAULTS_OFFSET,
  FUNC_KWDEFAULTS_OFFSET,
  FUNC_CLOSURE_OFFSET,
  FUNC_DOC_OFFSET,
  FUNC_DICT_OFFSET,
  FUNC_MODULE_OFFSET,
  FUNC_ANNOTATIONS_OFFSET,
  FUNC_TYPEPARAMS_OFFSET,
] as const;

function isInstance(t: ObThread, op: number, flag: number): boolean {
  return typeHasFlag(t, typeOf(t, op), flag);
}

/** A new reference to `op`. */
function newRef(t: ObThread, op: number): number {
  incref(t.rc, op);
  return op;
}

/**
 * `PyFunction_NewWithQualName(code, globals, qualname)`: a new function
 * (qualname 0: the code's). Its module is `globals['__name__']`, its
 * docstring the first constant when that is a str, its builtins
 * `globals['__builtins__']` (a module's dict, or the dict itself) or
 * `builtins` when given. 0 with SystemError (not a code object, globals
 * not a dict) or MemoryError.
 * @public
 */
export function functionNew(t: ObThread, code: number, globals: number, qualname = 0, builtins = 0): number {
  if (!codeCheck(t, code)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  if (!dictCheckExact(t, globals) && !isInstance(t, globals, TPFLAGS_DICT_SUBCLASS)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  const refs: number[] = [];
  const take = (op: number): number => {
    if (op !== 0) refs.push(op);
    return op;
  };
  const release = (): void => {
    for (const op of refs) decref(t.rc, op);
  };
  const nameKey = take(strFromJs(t, '__name__'));
  const builtinsKey = take(strFromJs(t, '__builtins__'));
  if (nameKey === 0 || builtinsKey === 0) {
    release();
    return 0;
  }
  const module = take(dictGetItemRef(t, globals, nameKey));
  if (module === 0 && t.error.type !== 0) {
    release();
    return 0;
  }
  let theBuiltins = builtins;
  if (theBuiltins === 0) {
    const found = take(dictGetItemRef(t, globals, builtinsKey));
    if (found === 0 && t.error.type !== 0) {
      release();
      return 0;
    }
    if (found !== 0 && moduleCheck(t, found)) theBuiltins = moduleDict(t, found);
    else if (found !== 0) theBuiltins = found;
    else theBuiltins = take(dictNew(t));
    if (theBuiltins === 0) {
      release();
      return 0;
    }
  }
  const consts = t.u32[(code + CODE_CONSTS_OFFSET) >>> 2]!;
  const first = tupleSize(t, consts) > 0 ? tupleGetItem(t, consts, 0) : 0;
  const doc = first !== 0 && isInstance(t, first, TPFLAGS_UNICODE_SUBCLASS) ? first : t.none;
  const name = t.u32[(code + CODE_NAME_OFFSET) >>> 2]!;
  const qual = qualname !== 0 ? qualname : t.u32[(code + CODE_QUALNAME_OFFSET) >>> 2]!;
  const op = fieldsNew(t, t.types[StaticType.Function]!, OBJECT_FIELDS, [globals, theBuiltins, name, qual, code, 0, 0, 0, doc, 0, module === 0 ? t.none : module, 0, 0]);
  release();
  if (op === 0) return 0;
  t.u32[(op + FUNC_WEAKREFLIST_OFFSET) >>> 2] = 0; // SAFETY: not published yet
  t.u32[(op + FUNC_VERSION_OFFSET) >>> 2] = 0;
  // MAKE_FUNCTION: the version of the code it is made from.
  functionSetVersion(t, op, codeVersion(t, code));
  if ((codeField(t, code, CODE_FLAGS_OFFSET) & CO_NESTED) === 0) enableDeferredRefcount(t.rc, op);
  return op;
}

/** Whether `op` is a function (`PyFunction_Check`). @public */
export function functionCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Function];
}

/** A field of the function (borrowed; see the FUNC_* offsets). @public */
export function functionField(t: ObThread, func: number, offset: number): number {
  return fieldGet(t, func, offset);
}

/** `PyFunction_GET_CODE` (borrowed). @public */
export function functionCode(t: ObThread, func: number): number {
  return fieldGet(t, func, FUNC_CODE_OFFSET);
}

/**
 * The setters of the critical attributes (`PyFunction_SetDefaults`,
 * `…SetKwDefaults`, `…SetClosure`): the version goes to 0 for good, then
 * the field at `offset` is replaced (None empties it). 0, or -1 with
 * SystemError for a wrong type ("non-tuple default args").
 * @internal
 */
export function functionSetCritical(t: ObThread, func: number, offset: number, value: number): number {
  if (offset !== FUNC_DEFAULTS_OFFSET && offset !== FUNC_KWDEFAULTS_OFFSET && offset !== FUNC_CLOSURE_OFFSET) throw new RangeError(`functionSetCritical: ${offset} is not the offset of __defaults__, __kwdefaults__ or __closure__`);
  const v = value === t.none ? 0 : value;
  if (v !== 0) {
    const ok = offset === FUNC_KWDEFAULTS_OFFSET ? isInstance(t, v, TPFLAGS_DICT_SUBCLASS) : isInstance(t, v, TPFLAGS_TUPLE_SUBCLASS);
    if (!ok) {
      const message = offset === FUNC_DEFAULTS_OFFSET ? 'non-tuple default args' : offset === FUNC_KWDEFAULTS_OFFSET ? 'non-dict keyword only default args' : `expected tuple for closure, got '${typeNameOf(t, v)}'`;
      return errRaiseInt(t, StaticType.SystemError, message);
    }
  }
  functionSetVersion(t, func, 0);
  fieldSet(t, func, offset, v);
  return 0;
}

/** `PyFunction_SetDefaults(func, defaults)`: a tuple or None. @public */
export function functionSetDefaults(t: ObThread, func: number, defaults: number): number {
  return functionSetCritical(t, func, FUNC_DEFAULTS_OFFSET, defaults);
}

/** `PyFunction_SetKwDefaults(func, kwdefaults)`: a dict or None. @public */
export function functionSetKwDefaults(t: ObThread, func: number, kwdefaults: number): number {
  return functionSetCritical(t, func, FUNC_KWDEFAULTS_OFFSET, kwdefaults);
}

/** `PyFunction_SetClosure(func, closure)`: a tuple of cells or None. @public */
export function functionSetClosure(t: ObThread, func: number, closure: number): number {
  return functionSetCritical(t, func, FUNC_CLOSURE_OFFSET, closure);
}

/**
 * `PyFunction_SetAnnotations`: a dict or None; not critical (gh-109998),
 * the version stays. 0, or -1 with SystemError.
 * @public
 */
export function functionSetAnnotations(t: ObThread, func: number, value: number): number {
  const v = value === t.none ? 0 : value;
  if (v !== 0 && !isInstance(t, v, TPFLAGS_DICT_SUBCLASS)) return errRaiseInt(t, StaticType.SystemError, 'non-dict annotations');
  fieldSet(t, func, FUNC_ANNOTATIONS_OFFSET, v);
  return 0;
}

/** `_PyFunction_Vectorcall`: runs the function in the thread's VM (SystemError on a thread without one). @internal */
export function functionVectorcall(t: ObThread, func: number, args: number, nargs: number, kwnames: number): number {
  const evalFunction = t.evalFunction;
  if (evalFunction === null) return errRaise(t, StaticType.SystemError, 'no Python evaluation loop on this thread: call functions from an interpreter thread (@ft/interp)');
  return evalFunction(t, func, args, nargs, kwnames);
}

/** `func_descr_get`: the function itself from the class, a bound method from an instance. @internal */
export function functionDescrGet(t: ObThread, func: number, obj: number, _type: number): number {
  if (obj === 0 || obj === t.none) return newRef(t, func);
  return methodNew(t, func, obj);
}

/** `func_repr`: `<function f at 0x…>` (the qualified name). @internal */
export function functionReprJs(t: ObThread, func: number): string {
  return `<function ${strToJs(t, fieldGet(t, func, FUNC_QUALNAME_OFFSET))} at ${formatAddress(func)}>`;
}

// --- attributes (the getters and setters of function's getset descriptors) ------------

/** A field as a new reference, None when empty. */
function getOrNone(t: ObThread, func: number, offset: number): number {
  const v = fieldGetRef(t, func, offset);
  return v === 0 ? newRef(t, t.none) : v;
}

/** The getters and setters of `function`'s attributes, by name. @internal */
export const functionAttributes = {
  __code__: {
    get: (t: ObThread, func: number): number => fieldGetRef(t, func, FUNC_CODE_OFFSET),
    set: (t: ObThread, func: number, value: number): number => {
      if (value === 0 || !codeCheck(t, value)) return errRaiseInt(t, StaticType.TypeError, '__code__ must be set to a code object');
      const closure = fieldGet(t, func, FUNC_CLOSURE_OFFSET);
      const nclosure = closure === 0 ? 0 : tupleSize(t, closure);
      const nfree = codeField(t, value, CODE_NFREEVARS_OFFSET);
      if (nclosure !== nfree) return errRaiseInt(t, StaticType.ValueError, `${strToJs(t, fieldGet(t, func, FUNC_NAME_OFFSET))}() requires a code object with ${nclosure} free vars, not ${nfree}`);
      functionSetVersion(t, func, 0);
      fieldSet(t, func, FUNC_CODE_OFFSET, value);
      return 0;
    },
  },
  __defaults__: {
    get: (t: ObThread, func: number): number => getOrNone(t, func, FUNC_DEFAULTS_OFFSET),
    set: (t: ObThread, func: number, value: number): number => {
      if (value !== 0 && value !== t.none && !isInstance(t, value, TPFLAGS_TUPLE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, '__defaults__ must be set to a tuple object');
      return functionSetCritical(t, func, FUNC_DEFAULTS_OFFSET, value === 0 ? t.none : value);
    },
  },
  __kwdefaults__: {
    get: (t: ObThread, func: number): number => getOrNone(t, func, FUNC_KWDEFAULTS_OFFSET),
    set: (t: ObThread, func: number, value: number): number => {
      if (value !== 0 && value !== t.none && !isInstance(t, value, TPFLAGS_DICT_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, '__kwdefaults__ must be set to a dict object');
      return functionSetCritical(t, func, FUNC_KWDEFAULTS_OFFSET, value === 0 ? t.none : value);
    },
  },
  __annotations__: {
    get: (t: ObThread, func: number): number => {
      // Created empty on first access (under the function's own discipline: a lost race only drops a fresh empty dict).
      const current = fieldGetRef(t, func, FUNC_ANNOTATIONS_OFFSET);
      if (current !== 0) return current;
      const d = dictNew(t);
      if (d === 0) return 0;
      setMaybeWeakref(t.rc, d); // read by other threads with try-incref (fieldGetRef)
      if (Atomics.compareExchange(t.u32, (func + FUNC_ANNOTATIONS_OFFSET) >>> 2, 0, d) !== 0) {
        decref(t.rc, d);
        return fieldGetRef(t, func, FUNC_ANNOTATIONS_OFFSET);
      }
      return newRef(t, d);
    },
    set: (t: ObThread, func: number, value: number): number => {
      if (value !== 0 && value !== t.none && !isInstance(t, value, TPFLAGS_DICT_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, '__annotations__ must be set to a dict object');
      return functionSetAnnotations(t, func, value === 0 ? t.none : value);
    },
  },
  __name__: {
    get: (t: ObThread, func: number): number => fieldGetRef(t, func, FUNC_NAME_OFFSET),
    set: (t: ObThread, func: number, value: number): number => {
      if (value === 0 || !isInstance(t, value, TPFLAGS_UNICODE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, '__name__ must be set to a string object');
      fieldSet(t, func, FUNC_NAME_OFFSET, value);
      return 0;
    },
  },
  __qualname__: {
    get: (t: ObThread, func: number): number => fieldGetRef(t, func, FUNC_QUALNAME_OFFSET),
    set: (t: ObThread, func: number, value: number): number => {
      if (value === 0 || !isInstance(t, value, TPFLAGS_UNICODE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, '__qualname__ must be set to a string object');
      fieldSet(t, func, FUNC_QUALNAME_OFFSET, value);
      return 0;
    },
  },
  __doc__: {
    get: (t: ObThread, func: number): number => getOrNone(t, func, FUNC_DOC_OFFSET),
    set: (t: ObThread, func: number, value: number): number => {
      fieldSet(t, func, FUNC_DOC_OFFSET, value === 0 ? t.none : value);
      return 0;
    },
  },
  __module__: {
    get: (t: ObThread, func: number): number => getOrNone(t, func, FUNC_MODULE_OFFSET),
    set: (t: ObThread, func: number, value: number): number => {
      fieldSet(t, func, FUNC_MODULE_OFFSET, value === 0 ? t.none : value);
      return 0;
    },
  },
  __type_params__: {
    get: (t: ObThread, func: number): number => {
      const v = fieldGetRef(t, func, FUNC_TYPEPARAMS_OFFSET);
      return v === 0 ? newRef(t, t.emptyTuple) : v;
    },
    set: (t: ObThread, func: number, value: number): number => {
      if (value === 0 || !isInstance(t, value, TPFLAGS_TUPLE_SUBCLASS)) return errRaiseInt(t, StaticType.TypeError, '__type_params__ must be set to a tuple');
      fieldSet(t, func, FUNC_TYPEPARAMS_OFFSET, value);
      return 0;
    },
  },
  __closure__: { get: (t: ObThread, func: number): number => getOrNone(t, func, FUNC_CLOSURE_OFFSET) },
  __globals__: { get: (t: ObThread, func: number): number => fieldGetRef(t, func, FUNC_GLOBALS_OFFSET) },
  __builtins__: { get: (t: ObThread, func: number): number => fieldGetRef(t, func, FUNC_BUILTINS_OFFSET) },
} as const;

/** `tp_traverse`. @internal */
export function functionTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `func_clear`: the fields that can hold cycles (CPython keeps the name and code). @internal */
export function functionClear(rc: RcThread, op: number): void {
  fieldsClear(rc, op, [FUNC_GLOBALS_OFFSET, FUNC_BUILTINS_OFFSET, FUNC_MODULE_OFFSET, FUNC_DEFAULTS_OFFSET, FUNC_KWDEFAULTS_OFFSET, FUNC_DOC_OFFSET, FUNC_DICT_OFFSET, FUNC_CLOSURE_OFFSET, FUNC_ANNOTATIONS_OFFSET, FUNC_TYPEPARAMS_OFFSET]);
}

/** `func_dealloc`: out of the version cache, its weak references cleared, then the fields. @internal */
export function functionDealloc(t: ObThread, op: number): void {
  functionSetVersion(t, op, 0);
  fieldsDealloc(t, op, OBJECT_FIELDS, true);
}
