/**
 * The builtins that need the VM (`Python/bltinmodule.c`): `__build_class__`,
 * `__import__`, `exec`, `eval`, `compile`, `globals`, `locals` — added to
 * the `builtins` module after its other functions — and the class-creation
 * hooks (`__set_name__`, `__init_subclass__`) objects call back.
 */

import {
  TPFLAGS_DICT_SUBCLASS,
  TPFLAGS_LONG_SUBCLASS,
  bytesCheck,
  bytesDecode,
  bytesToJs,
  callArgs,
  callNoArgs,
  cellCheck,
  cellGetRef,
  cellSet,
  codeCheck,
  dictCheckExact,
  dictNew,
  dictSetItem,
  errClear,
  errRaise,
  FUNC_CODE_OFFSET,
  FUNC_GLOBALS_OFFSET,
  FUNC_BUILTINS_OFFSET,
  functionCheck,
  intAsNumber,
  METH_FASTCALL,
  METH_KEYWORDS,
  METH_NOARGS,
  objectCall,
  StaticType,
  strEncodeJs,
  strInternFromJs,
  strToJs,
  superLookup,
  TPFLAGS_TYPE_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
  TUPLE_ITEMS_OFFSET,
  TUPLE_SIZE_OFFSET,
  tupleFromArray,
  typeHasFlag,
  typeIsSubtype,
  typeNameOf,
  typeOf,
  typeSlot,
  type ObThread,
  type TypeHooks,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { genericAlias } from '../modules/generic-alias.js';
import type { ModuleDef } from '../modules/module-def.js';
import { getAttrJs, lookupSpecial } from './ceval-ops.js';
import { fastLocalsDict } from './frame-locals.js';
import { compileToCode, evalCode, evalFunctionWithLocals } from './exec.js';
import { F_GLOBALS, F_LOCALS } from './frame.js';
import { importModuleLevel } from './import.js';
import { vmOf } from './vm-thread.js';

function isType(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_TYPE_SUBCLASS);
}

function isStr(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_UNICODE_SUBCLASS);
}

/** The keyword arguments of a vectorcall as [name, value] pairs. */
function keywords(t: ObThread, args: number, nargs: number, kwnames: number): [string, number][] {
  const out: [string, number][] = [];
  if (kwnames === 0) return out;
  const n = t.u32[(kwnames + TUPLE_SIZE_OFFSET) >>> 2]!;
  for (let i = 0; i < n; i++) out.push([strToJs(t, t.u32[((kwnames + TUPLE_ITEMS_OFFSET) >>> 2) + i]!), t.u32[(args >>> 2) + nargs + i]!]);
  return out;
}

/** `_PyType_CalculateMetaclass`: the most derived metaclass of `meta` and the bases' types. */
function calculateMetaclass(t: ObThread, meta: number, bases: readonly number[]): number {
  let winner = meta;
  for (const base of bases) {
    const tmp = typeOf(t, base);
    if (typeIsSubtype(t, winner, tmp)) continue;
    if (typeIsSubtype(t, tmp, winner)) {
      winner = tmp;
      continue;
    }
    return errRaise(t, StaticType.TypeError, 'metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases');
  }
  return winner;
}

/** `builtin___build_class__(func, name, /, *bases, [metaclass], **kwds)`. */
function buildClass(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  const u32 = t.u32;
  if (nargs < 2) return errRaise(t, StaticType.TypeError, '__build_class__: not enough arguments');
  const func = u32[args >>> 2]!;
  const name = u32[(args >>> 2) + 1]!;
  if (!functionCheck(t, func)) return errRaise(t, StaticType.TypeError, '__build_class__: func must be a function');
  if (!isStr(t, name)) return errRaise(t, StaticType.TypeError, '__build_class__: name is not a string');
  const bases: number[] = [];
  for (let i = 2; i < nargs; i++) bases.push(u32[(args >>> 2) + i]!);
  let meta = 0;
  const extra: [string, number][] = [];
  for (const [k, v] of keywords(t, args, nargs, kwnames)) {
    if (k === 'metaclass') meta = v;
    else extra.push([k, v]);
  }
  // `update_bases`: __mro_entries__ of non-class bases.
  const finalBases: number[] = [];
  let changed = false;
  for (const base of bases) {
    if (isType(t, base)) {
      finalBases.push(base);
      continue;
    }
    const entries = lookupSpecial(t, base, '__mro_entries__');
    if (entries === 0) {
      if (t.error.type !== 0) return 0;
      finalBases.push(base);
      continue;
    }
    changed = true;
    const origBases = tupleFromArray(t, bases);
    const r = callArgs(t, entries, [origBases]);
    decref(t.rc, origBases);
    decref(t.rc, entries);
    if (r === 0) return 0;
    const n = u32[(r + TUPLE_SIZE_OFFSET) >>> 2]!;
    for (let i = 0; i < n; i++) finalBases.push(u32[((r + TUPLE_ITEMS_OFFSET) >>> 2) + i]!);
    decref(t.rc, r);
  }
  if (meta === 0) meta = finalBases.length === 0 ? t.types[StaticType.Type]! : typeOf(t, finalBases[0]!);
  if (isType(t, meta)) {
    meta = calculateMetaclass(t, meta, finalBases);
    if (meta === 0) return 0;
  }
  const basesTuple = tupleFromArray(t, finalBases);
  if (basesTuple === 0) return 0;
  const refs = [basesTuple];
  const release = (): void => {
    for (const r of refs) decref(t.rc, r);
  };
  // `__prepare__`: the namespace (a dict by default).
  let ns = 0;
  const prepare = getAttrJs(t, meta, '__prepare__');
  if (prepare === 0) {
    errClear(t);
    ns = dictNew(t);
  } else {
    ns = callWithKeywords(t, prepare, [name, basesTuple], extra);
    decref(t.rc, prepare);
  }
  if (ns === 0) {
    release();
    return 0;
  }
  refs.push(ns);
  const vm = vmOf(t);
  const code = u32[(func + FUNC_CODE_OFFSET) >>> 2]!;
  const body = evalFunctionWithLocals(vm, func, code, u32[(func + FUNC_GLOBALS_OFFSET) >>> 2]!, u32[(func + FUNC_BUILTINS_OFFSET) >>> 2]!, ns);
  if (body === 0) {
    release();
    return 0;
  }
  refs.push(body);
  if (changed) {
    const orig = tupleFromArray(t, bases);
    const key = strInternFromJs(t, '__orig_bases__');
    const ok = orig !== 0 && dictSetItem(t, ns, key, orig) === 0;
    if (orig !== 0) decref(t.rc, orig);
    decref(t.rc, key);
    if (!ok) {
      release();
      return 0;
    }
  }
  const cls = callWithKeywords(t, meta, [name, basesTuple, ns], extra);
  if (cls !== 0 && cellCheck(t, body)) {
    // The class body's `__class__` cell (zero-argument super and `__class__`).
    const current = cellGetRef(t, body);
    if (current === 0) cellSet(t, body, cls);
    else decref(t.rc, current);
  }
  release();
  return cls;
}

/** `callable(*positional, **keywords)`. */
function callWithKeywords(t: ObThread, callable: number, positional: readonly number[], kw: readonly [string, number][]): number {
  if (kw.length === 0) return callArgs(t, callable, positional);
  const names: number[] = [];
  for (const [k] of kw) names.push(strInternFromJs(t, k));
  const kwnames = tupleFromArray(t, names);
  for (const n of names) decref(t.rc, n);
  if (kwnames === 0) return 0;
  const r = callArgs(t, callable, [...positional, ...kw.map(([, v]) => v)], kwnames);
  decref(t.rc, kwnames);
  return r;
}

/** The globals and locals `exec`/`eval` run in: the caller's when not given. */
function namespaces(t: ObThread, globals: number, locals: number, fname: string): [number, number] | null {
  const vm = vmOf(t);
  const none = t.none;
  if (globals === 0 || globals === none) {
    const fw = vm.currentFrame >>> 2;
    if (fw === 0) {
      errRaise(t, StaticType.SystemError, `${fname}(): no current frame`);
      return null;
    }
    globals = t.u32[fw + F_GLOBALS]!;
    if (locals === 0 || locals === none) {
      locals = t.u32[fw + F_LOCALS]!;
      if (locals === 0) locals = globals;
    }
  } else if (locals === 0 || locals === none) locals = globals;
  if (!dictCheckExact(t, globals) && !typeHasFlag(t, typeOf(t, globals), TPFLAGS_DICT_SUBCLASS)) {
    // eval's message suggests the locals argument when the globals are some other mapping.
    if (fname === 'exec') errRaise(t, StaticType.TypeError, `exec() globals must be a dict, not ${typeNameOf(t, globals)}`);
    else errRaise(t, StaticType.TypeError, isMapping(t, globals) ? 'globals must be a real dict; try eval(expr, {}, mapping)' : 'globals must be a dict');
    return null;
  }
  if (locals !== globals && !isMapping(t, locals)) {
    errRaise(t, StaticType.TypeError, fname === 'exec' ? `locals must be a mapping or None, not ${typeNameOf(t, locals)}` : 'locals must be a mapping');
    return null;
  }
  return [globals, locals];
}

/** `PyMapping_Check`: the type has `__getitem__` (a mapping's or a sequence's). */
function isMapping(t: ObThread, op: number): boolean {
  return typeSlot(t, typeOf(t, op), 'subscript') !== null;
}

/**
 * `_Py_SourceAsString`: the text of a str or bytes source (bytes read as
 * UTF-8); null with SyntaxError "source code string cannot contain null
 * bytes", or the decoding error. Undefined for any other object.
 */
function sourceText(t: ObThread, source: number): string | null | undefined {
  let text: string;
  if (isStr(t, source)) {
    // PyUnicode_AsUTF8AndSize: a lone surrogate cannot be encoded (UnicodeEncodeError).
    text = strToJs(t, source);
    if (/[\ud800-\udfff]/.test(text) && strEncodeJs(t, source) === null) return null;
  } else if (bytesCheck(t, source)) {
    const decoded = bytesDecode(t, source);
    if (decoded === 0) return null;
    text = strToJs(t, decoded);
    decref(t.rc, decoded);
  } else return undefined;
  if (text.includes('\0')) {
    errRaise(t, StaticType.SyntaxError, 'source code string cannot contain null bytes');
    return null;
  }
  return text;
}

/** `exec(source, globals=None, locals=None)` and `eval(...)`. */
function execOrEval(t: ObThread, args: number, nargs: number, kwnames: number, mode: 'exec' | 'eval'): number {
  const u32 = t.u32;
  if (nargs < 1) return errRaise(t, StaticType.TypeError, `${mode}() missing required argument 'source' (pos 1)`);
  if (nargs > 3) return errRaise(t, StaticType.TypeError, `${mode} expected at most 3 arguments, got ${nargs}`);
  let globals = nargs > 1 ? u32[(args >>> 2) + 1]! : 0;
  let locals = nargs > 2 ? u32[(args >>> 2) + 2]! : 0;
  for (const [k, v] of keywords(t, args, nargs, kwnames)) {
    if (k === 'globals') globals = v;
    else if (k === 'locals') locals = v;
    else return errRaise(t, StaticType.TypeError, `${mode}() got an unexpected keyword argument '${k}'`);
  }
  const ns = namespaces(t, globals, locals, mode);
  if (ns === null) return 0;
  const source = u32[args >>> 2]!;
  let code: number;
  if (codeCheck(t, source)) {
    incref(t.rc, source);
    code = source;
  } else {
    let text = sourceText(t, source);
    if (text === undefined) return errRaise(t, StaticType.TypeError, mode === 'exec' ? 'exec() arg 1 must be a string, bytes or code object' : 'eval() arg 1 must be a string, bytes or code object');
    if (text === null) return 0;
    if (mode === 'eval') text = text.replace(/^[ \t]+/, '');
    code = compileToCode(t, text, '<string>', mode);
    if (code === 0) return 0;
  }
  const r = evalCode(vmOf(t), code, ns[0], ns[1] === ns[0] ? 0 : ns[1]);
  decref(t.rc, code);
  if (r === 0 || mode === 'eval') return r;
  decref(t.rc, r);
  incref(t.rc, t.none);
  return t.none;
}

/** `compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1)`. */
function compile(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  const u32 = t.u32;
  const values: number[] = [];
  for (let i = 0; i < nargs; i++) values.push(u32[(args >>> 2) + i]!);
  const order = ['source', 'filename', 'mode', 'flags', 'dont_inherit', 'optimize'];
  for (const [k, v] of keywords(t, args, nargs, kwnames)) {
    const i = order.indexOf(k);
    if (i < 0) return errRaise(t, StaticType.TypeError, `compile() got an unexpected keyword argument '${k}'`);
    values[i] = v;
  }
  if (values[0] === undefined || values[1] === undefined || values[2] === undefined) return errRaise(t, StaticType.TypeError, `compile() missing required argument '${order[values.findIndex((v) => v === undefined)] ?? order[values.length]}'`);
  const filename = compileFilename(t, values[1]!);
  if (filename === null) return 0;
  if (!isStr(t, values[2]!)) return errRaise(t, StaticType.TypeError, `compile() argument 'mode' must be str, not ${typeNameOf(t, values[2]!)}`);
  const mode = strToJs(t, values[2]!);
  if (values[3] !== undefined) {
    if (!typeHasFlag(t, typeOf(t, values[3]), TPFLAGS_LONG_SUBCLASS)) return errRaise(t, StaticType.TypeError, `'${typeNameOf(t, values[3])}' object cannot be interpreted as an integer`);
    const flags = intAsNumber(t, values[3]);
    if (flags < 0 || flags % 1 !== 0 || (flags & ~COMPILE_FLAGS) !== 0 || flags > 0x7fffffff) return errRaise(t, StaticType.ValueError, 'compile(): unrecognised flags');
  }
  if (mode !== 'exec' && mode !== 'eval' && mode !== 'single') return errRaise(t, StaticType.ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
  const text = sourceText(t, values[0]!);
  if (text === undefined) return errRaise(t, StaticType.TypeError, 'compile() arg 1 must be a string, bytes or AST object');
  if (text === null) return 0;
  return compileToCode(t, text, filename, mode);
}

/**
 * The flags `compile()` knows (`PyCF_MASK | PyCF_MASK_OBSOLETE |
 * PyCF_COMPILE_MASK`): the `__future__` features, `CO_NESTED`, and
 * `PyCF_DONT_IMPLY_DEDENT`, `PyCF_ONLY_AST`, `PyCF_TYPE_COMMENTS`,
 * `PyCF_ALLOW_TOP_LEVEL_AWAIT`, `PyCF_ALLOW_INCOMPLETE_INPUT`,
 * `PyCF_OPTIMIZED_AST`.
 */
const COMPILE_FLAGS = 0x1fe0000 | 0x10 | 0x200 | 0x400 | 0x1000 | 0x2000 | 0x4000 | 0x8000;

/**
 * `compile()`'s `filename` (`PyUnicode_FSDecoder`): a str as it is, bytes
 * decoded; null with TypeError "expected str, bytes or os.PathLike
 * object, not int".
 */
function compileFilename(t: ObThread, op: number): string | null {
  if (isStr(t, op)) return strToJs(t, op);
  if (bytesCheck(t, op)) return new TextDecoder().decode(bytesToJs(t, op));
  errRaise(t, StaticType.TypeError, `expected str, bytes or os.PathLike object, not ${typeNameOf(t, op)}`);
  return null;
}

/** `globals()`. */
function globalsFn(t: ObThread): number {
  const fw = vmOf(t).currentFrame >>> 2;
  if (fw === 0) return errRaise(t, StaticType.SystemError, 'globals(): no current frame');
  const g = t.u32[fw + F_GLOBALS]!;
  incref(t.rc, g);
  return g;
}

/**
 * `locals()` (`PyEval_GetFrameLocals`): a module or class body's
 * namespace itself; in a function, a new dict of its bound locals (PEP 667's
 * snapshot).
 */
export function frameLocals(t: ObThread): number {
  const vm = vmOf(t);
  const fw = vm.currentFrame >>> 2;
  if (fw === 0) return errRaise(t, StaticType.SystemError, 'frame does not exist');
  const locals = t.u32[fw + F_LOCALS]!;
  if (locals !== 0) {
    incref(t.rc, locals);
    return locals;
  }
  return fastLocalsDict(t, fw);
}


/** `__import__(name, globals=None, locals=None, fromlist=(), level=0)` (`builtin___import___impl`). */
function dunderImport(t: ObThread, _self: number, args: number, nargs: number, kwnames: number): number {
  const order = ['name', 'globals', 'locals', 'fromlist', 'level'];
  const values: number[] = [];
  if (nargs > 5) return errRaise(t, StaticType.TypeError, `__import__() takes at most 5 arguments (${nargs} given)`);
  for (let i = 0; i < nargs; i++) values[i] = t.u32[(args >>> 2) + i]!;
  for (const [k, v] of keywords(t, args, nargs, kwnames)) {
    const i = order.indexOf(k);
    if (i < 0) return errRaise(t, StaticType.TypeError, `__import__() got an unexpected keyword argument '${k}'`);
    if (values[i] !== undefined) return errRaise(t, StaticType.TypeError, `argument for __import__() given by name ('${k}') and position (${i + 1})`);
    values[i] = v;
  }
  const name = values[0];
  if (name === undefined) return errRaise(t, StaticType.TypeError, "__import__() missing required argument 'name' (pos 1)");
  // `name` is any object to the argument parser; PyImport_ImportModuleLevelObject wants a str.
  if (!isStr(t, name)) return errRaise(t, StaticType.TypeError, 'module name must be a string');
  const globals = values[1] === undefined || values[1] === t.none ? 0 : values[1];
  const fromlist = values[3] ?? t.none;
  const levelObj = values[4];
  const level = levelObj === undefined ? 0 : intAsNumber(t, levelObj);
  if (level < 0) return errRaise(t, StaticType.ValueError, 'level must be >= 0');
  return importModuleLevel(t, name, globals, fromlist, level);
}

/** The builtins only the VM can provide, added to the `builtins` module. */
export const VM_BUILTINS: ModuleDef = {
  name: 'builtins (vm)',
  functions: [
    { name: '__build_class__', flags: METH_FASTCALL | METH_KEYWORDS, fn: buildClass },
    { name: '__import__', flags: METH_FASTCALL | METH_KEYWORDS, fn: dunderImport },
    { name: 'exec', flags: METH_FASTCALL | METH_KEYWORDS, fn: (t, _s, a, n, k) => execOrEval(t, a, n, k, 'exec') },
    { name: 'eval', flags: METH_FASTCALL | METH_KEYWORDS, fn: (t, _s, a, n, k) => execOrEval(t, a, n, k, 'eval') },
    { name: 'compile', flags: METH_FASTCALL | METH_KEYWORDS, fn: compile },
    { name: 'globals', flags: METH_NOARGS, fn: (t) => globalsFn(t) },
    { name: 'locals', flags: METH_NOARGS, fn: (t) => frameLocals(t) },
  ],
};

/** The class-creation hooks of objects' `type.__new__`: `__set_name__` and `__init_subclass__`. */
export const VM_TYPE_HOOKS: TypeHooks = {
  genericAlias,
  setName(t, value, owner, name) {
    const fn = lookupSpecial(t, value, '__set_name__');
    if (fn === 0) return t.error.type !== 0 ? -1 : 0;
    const r = callArgs(t, fn, [owner, name]);
    decref(t.rc, fn);
    if (r === 0) return -1;
    decref(t.rc, r);
    return 0;
  },
  initSubclass(t, type, kwargs) {
    const key = strInternFromJs(t, '__init_subclass__');
    const fn = superLookup(t, type, type, type, key);
    decref(t.rc, key);
    if (fn === 0) return t.error.type !== 0 ? -1 : 0;
    // The class statement's keywords (`class A(B, flag=True)`) go on as `**kwargs`.
    const r = kwargs === 0 ? callNoArgs(t, fn) : objectCall(t, fn, t.emptyTuple, kwargs);
    decref(t.rc, fn);
    if (r === 0) return -1;
    decref(t.rc, r);
    return 0;
  },
  currentGlobals(t) {
    const fw = vmOf(t).currentFrame >>> 2;
    return fw === 0 ? 0 : t.u32[fw + F_GLOBALS]!;
  },
};
