/**
 * Builtin functions and methods (`Objects/methodobject.c`,
 * `builtin_function_or_method`): a TypeScript function registered by id
 * (a `vectorcall` slot behaviour, DESIGN.md §8) with its name, calling
 * flags and, for a bound method, the object it is bound to (`__self__`).
 *
 * Every builtin has the vectorcall shape `(t, self, args, nargs,
 * kwnames)`; the flags only say what is checked before the call, with
 * CPython's messages: `METH_NOARGS` ("list.clear() takes no arguments (1
 * given)"), `METH_O` ("len() takes exactly one argument (0 given)"),
 * `METH_FASTCALL` without `METH_KEYWORDS` ("… takes no keyword
 * arguments").
 */

import { decref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { formatAddress } from '@ft/atomics';
import { errRaise } from './errors.js';
import { fieldGet, fieldsDealloc, fieldsNew, fieldsTraverse } from './field-object.js';
import { StaticType, TPFLAGS_TYPE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { typeQualNameJs } from './type-names.js';
import { tupleSize } from './tuple.js';

/** `METH_VARARGS` (not used: every builtin takes vectorcall arguments). @public */ export const METH_VARARGS = 0x1;
/** `METH_KEYWORDS`: with METH_FASTCALL, keyword arguments are passed as kwnames. @public */ export const METH_KEYWORDS = 0x2;
/** `METH_NOARGS`: no arguments. @public */ export const METH_NOARGS = 0x4;
/** `METH_O`: exactly one positional argument. @public */ export const METH_O = 0x8;
/** `METH_CLASS`: a class method of a type (bound to the type). @public */ export const METH_CLASS = 0x10;
/** `METH_STATIC`: a static method of a type. @public */ export const METH_STATIC = 0x20;
/** `METH_FASTCALL`: positional arguments only unless METH_KEYWORDS. @public */ export const METH_FASTCALL = 0x80;

/** `m_ml->ml_name`: a str. @internal */ export const BUILTIN_NAME_OFFSET = 20;
/** `m_self`: the bound object, or 0 for a module-level function. @internal */ export const BUILTIN_SELF_OFFSET = 24;
/** `m_module`: the module's name (a str), or 0. @internal */ export const BUILTIN_MODULE_OFFSET = 28;
/** `mm_class`: the type that defines a method, or 0. @internal */ export const BUILTIN_CLASS_OFFSET = 32;
/** `m_ml->ml_meth`: the behaviour id (a `vectorcall` slot id); not an object. @internal */ export const BUILTIN_FN_OFFSET = 36;
/** `m_ml->ml_flags` (METH_*); not an object. @internal */ export const BUILTIN_FLAGS_OFFSET = 40;
/** Bytes of a builtin function object. @internal */ export const BUILTIN_SIZE = 44;

const OBJECT_FIELDS = [BUILTIN_NAME_OFFSET, BUILTIN_SELF_OFFSET, BUILTIN_MODULE_OFFSET, BUILTIN_CLASS_OFFSET] as const;

/**
 * What the checks before a builtin's call report: the qualified name of
 * `op` (a builtin function or method descriptor) as CPython prints it in
 * the errors (`list.append`, `len`). A plain function of the object, so
 * that a call allocates nothing for an error it does not raise.
 */
export type QualName = (t: ObThread, op: number) => string;

/**
 * Calls builtin `fn` (a vectorcall id) on `self` after the checks its
 * `flags` ask for (`cfunction_vectorcall_*`, `method_vectorcall_*`); 0 with
 * TypeError when they fail.
 * @internal
 */
export function callBuiltin(t: ObThread, fn: number, flags: number, self: number, args: number, nargs: number, kwnames: number, qualName: QualName, named: number): number {
  const nkw = kwnames === 0 ? 0 : tupleSize(t, kwnames);
  if ((flags & METH_KEYWORDS) === 0 && nkw !== 0) return errRaise(t, StaticType.TypeError, `${qualName(t, named)}() takes no keyword arguments`);
  if ((flags & METH_NOARGS) !== 0 && nargs !== 0) return errRaise(t, StaticType.TypeError, `${qualName(t, named)}() takes no arguments (${nargs} given)`);
  if ((flags & METH_O) !== 0 && nargs !== 1) return errRaise(t, StaticType.TypeError, `${qualName(t, named)}() takes exactly one argument (${nargs} given)`);
  const f = t.slots.vectorcall[fn];
  if (f === null || f === undefined) return errRaise(t, StaticType.SystemError, `bad builtin function id ${fn}`);
  return f(t, self, args, nargs, kwnames);
}

/**
 * `PyCMethod_New`: a builtin function `name` calling behaviour `fn` with
 * `flags`, bound to `self` (0: a module-level function; its `__self__` is
 * then the module or None), defined by `definingClass` (0 for functions)
 * in module `module` (a str, or 0). 0 with MemoryError.
 * @public
 */
export function builtinFunctionNew(t: ObThread, name: number, fn: number, flags: number, self: number, module: number, definingClass = 0): number {
  const op = fieldsNew(t, t.types[StaticType.BuiltinFunction]!, OBJECT_FIELDS, [name, self, module, definingClass]);
  if (op === 0) return 0;
  t.u32[(op + BUILTIN_FN_OFFSET) >>> 2] = fn; // SAFETY: not published yet
  t.u32[(op + BUILTIN_FLAGS_OFFSET) >>> 2] = flags;
  return op;
}

/** `PyCFunction_NewEx` from JavaScript text: a module-level builtin function. @public */
export function builtinFunctionFromJs(t: ObThread, name: string, fn: number, flags: number, module = 0): number {
  const nameStr = strFromJs(t, name);
  if (nameStr === 0) return 0;
  const op = builtinFunctionNew(t, nameStr, fn, flags, 0, module);
  decref(t.rc, nameStr);
  return op;
}

/** Whether `op` is a builtin function or method (`PyCFunction_Check`). @public */
export function builtinFunctionCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.BuiltinFunction];
}

/** The function's name (borrowed str). @internal */
export function builtinName(t: ObThread, op: number): number {
  return fieldGet(t, op, BUILTIN_NAME_OFFSET);
}

/** `__self__` as stored (borrowed; 0 for a function without one). @internal */
export function builtinSelf(t: ObThread, op: number): number {
  return fieldGet(t, op, BUILTIN_SELF_OFFSET);
}

/**
 * The qualified name the errors and `__qualname__` use
 * (`meth_get__qualname__`): `len` for a function of a module; for a method
 * its receiver's type's `__qualname__` — `list.append`, `deque.pop`,
 * `L.append` bound to an instance of a subclass `L` — or, for a class
 * method, the class's (`dict.fromkeys`).
 * @internal
 */
export function builtinQualNameJs(t: ObThread, op: number): string {
  const name = strToJs(t, builtinName(t, op));
  const self = builtinSelf(t, op);
  if (self === 0 || typeOf(t, self) === t.types[StaticType.Module]) return name;
  const type = typeHasFlag(t, typeOf(t, self), TPFLAGS_TYPE_SUBCLASS) ? self : typeOf(t, self);
  return `${typeQualNameJs(t, type)}.${name}`;
}

/**
 * The name `_PyObject_FunctionStr` gives a builtin in its argument errors
 * (without the `()`): the qualified name, behind `__module__` when that
 * is set and is not `builtins` — `math.trunc`, `sys.exit`, but `len` and
 * `list.append` (a method's `__module__` is None).
 * @internal
 */
export function builtinFunctionStrJs(t: ObThread, op: number): string {
  const qualName = builtinQualNameJs(t, op);
  const module = fieldGet(t, op, BUILTIN_MODULE_OFFSET);
  if (module === 0 || module === t.none || t.u32[(module + OB_TYPE_OFFSET) >>> 2] !== t.types[StaticType.Str]) return qualName;
  const moduleName = strToJs(t, module);
  return moduleName === 'builtins' ? qualName : `${moduleName}.${qualName}`;
}

/** `cfunction_vectorcall`: the `tp_vectorcall` of builtin functions. @internal */
export function builtinVectorcall(t: ObThread, op: number, args: number, nargs: number, kwnames: number): number {
  const u32 = t.u32;
  return callBuiltin(t, u32[(op + BUILTIN_FN_OFFSET) >>> 2]!, u32[(op + BUILTIN_FLAGS_OFFSET) >>> 2]!, u32[(op + BUILTIN_SELF_OFFSET) >>> 2]!, args, nargs, kwnames, builtinFunctionStrJs, op);
}

/** `meth_repr`: `<built-in function len>`, `<built-in method append of list object at 0x…>`. @internal */
export function builtinReprJs(t: ObThread, op: number): string {
  const self = builtinSelf(t, op);
  const name = strToJs(t, builtinName(t, op));
  if (self === 0 || t.u32[(self + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Module]) return `<built-in function ${name}>`;
  return `<built-in method ${name} of ${typeNameOf(t, self)} object at ${formatAddress(self)}>`;
}

/** `tp_traverse`. @internal */
export function builtinTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `tp_dealloc`. @internal */
export function builtinDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, OBJECT_FIELDS);
}
