/**
 * Module objects (`Objects/moduleobject.c`): a namespace dict with the
 * module's name, and for a builtin module the address of its
 * per-interpreter state (`md_state`, each interpreter having its own
 * module object). Attribute lookups fall back to the dict's
 * `__getattr__` (PEP 562) and name the module in their error ("module
 * 'm' has no attribute 'x'").
 */

import { decref, enableDeferredRefcount, setMaybeWeakref, type RcThread } from '@ft/refcount';
import { objectReprJs } from './abstract.js';
import { callOneArg } from './call.js';
import { dictGetItemRef, dictNew, dictSetItem } from './dict.js';
import { errClear, errExceptionMatches, errRaise } from './errors.js';
import { fieldGet, fieldsDealloc, fieldsNew, fieldsTraverse, fieldsClear } from './field-object.js';
import { objectGenericGetAttr } from './generic-attr.js';
import { StaticType, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeNameOf, typeOf } from './subtype.js';

/** `md_dict` (`tp_dictoffset`). @internal */ export const MODULE_DICT_OFFSET = 20;
/** `md_name`: a str. @internal */ export const MODULE_NAME_OFFSET = 24;
/** `md_state`: the address of a builtin module's state for this interpreter (0: none); not an object. @internal */ export const MODULE_STATE_OFFSET = 28;
/** `md_weaklist` (not an object field). @internal */ export const MODULE_WEAKLIST_OFFSET = 32;
/** Bytes of a module object. @internal */ export const MODULE_SIZE = 36;

const OBJECT_FIELDS = [MODULE_DICT_OFFSET, MODULE_NAME_OFFSET] as const;

function isStr(t: ObThread, op: number): boolean {
  return typeHasFlag(t, typeOf(t, op), TPFLAGS_UNICODE_SUBCLASS);
}

/**
 * `PyModule_NewObject(name)` with `__doc__` (0: None): a module whose dict
 * holds `__name__`, `__doc__`, `__package__`, `__loader__` and `__spec__`
 * (the last three None); 0 with TypeError ("module() argument 'name' must
 * be str, not int") or MemoryError.
 * @public
 */
export function moduleNew(t: ObThread, name: number, doc = 0): number {
  if (!isStr(t, name)) return errRaise(t, StaticType.TypeError, `module() argument 'name' must be str, not ${typeNameOf(t, name)}`);
  const dict = dictNew(t);
  if (dict === 0) return 0;
  // Other threads read md_dict with try-incref (generic-attr.ts instanceDict): it must accept them.
  setMaybeWeakref(t.rc, dict);
  const entries: [string, number][] = [
    ['__name__', name],
    ['__doc__', doc === 0 ? t.none : doc],
    ['__package__', t.none],
    ['__loader__', t.none],
    ['__spec__', t.none],
  ];
  for (const [key, value] of entries) {
    const k = strFromJs(t, key);
    if (k === 0 || dictSetItem(t, dict, k, value) < 0) {
      if (k !== 0) decref(t.rc, k);
      decref(t.rc, dict);
      return 0;
    }
    decref(t.rc, k);
  }
  const op = fieldsNew(t, t.types[StaticType.Module]!, OBJECT_FIELDS, [dict, name]);
  decref(t.rc, dict);
  if (op === 0) return 0;
  t.u32[(op + MODULE_STATE_OFFSET) >>> 2] = 0; // SAFETY: not published yet
  t.u32[(op + MODULE_WEAKLIST_OFFSET) >>> 2] = 0;
  // Every thread's code reads modules and their globals: deferred counts, as CPython's `track_module`.
  enableDeferredRefcount(t.rc, dict);
  enableDeferredRefcount(t.rc, op);
  return op;
}

/** `PyModule_New(name)` from JavaScript text. @public */
export function moduleFromJs(t: ObThread, name: string): number {
  const s = strFromJs(t, name);
  if (s === 0) return 0;
  const op = moduleNew(t, s);
  decref(t.rc, s);
  return op;
}

/** Whether `op` is a module (`PyModule_Check`, subclasses included). @public */
export function moduleCheck(t: ObThread, op: number): boolean {
  return typeIsSubtype(t, typeOf(t, op), t.types[StaticType.Module]!);
}

/** `PyModule_GetDict` (borrowed). @public */
export function moduleDict(t: ObThread, module: number): number {
  return fieldGet(t, module, MODULE_DICT_OFFSET);
}

/** `md_state` of a builtin module (0: none). @public */
export function moduleState(t: ObThread, module: number): number {
  return t.u32[(module + MODULE_STATE_OFFSET) >>> 2]!;
}

/** Sets `md_state` (the module's creator, before it is published). @public */
export function moduleSetState(t: ObThread, module: number, state: number): void {
  t.u32[(module + MODULE_STATE_OFFSET) >>> 2] = state;
}

/** The module's `__name__` as JavaScript text, or null when it has none that is a str. */
function moduleNameJs(t: ObThread, module: number): string | null {
  const key = strFromJs(t, '__name__');
  if (key === 0) return null;
  const v = dictGetItemRef(t, moduleDict(t, module), key);
  decref(t.rc, key);
  if (v === 0) {
    errClear(t);
    return null;
  }
  const text = isStr(t, v) ? strToJs(t, v) : null;
  decref(t.rc, v);
  return text;
}

/**
 * `module_getattro`: the generic lookup, then the dict's `__getattr__`
 * (PEP 562), then AttributeError "module 'm' has no attribute 'x'".
 * @internal
 */
export function moduleGetAttro(t: ObThread, module: number, name: number): number {
  const r = objectGenericGetAttr(t, module, name);
  if (r !== 0 || !errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return r;
  errClear(t);
  const key = strFromJs(t, '__getattr__');
  if (key === 0) return 0;
  const hook = dictGetItemRef(t, moduleDict(t, module), key);
  decref(t.rc, key);
  if (hook !== 0) {
    const v = callOneArg(t, hook, name);
    decref(t.rc, hook);
    return v;
  }
  if (t.error.type !== 0) return 0;
  const modName = moduleNameJs(t, module);
  const attr = strToJs(t, name);
  if (modName === null) return errRaise(t, StaticType.AttributeError, `module has no attribute '${attr}'`);
  return errRaise(t, StaticType.AttributeError, `module '${modName}' has no attribute '${attr}'`);
}

/** `module_repr`: `<module 'm'>`, `<module 'm' from 'path'>` (its `__file__`). @internal */
export function moduleReprJs(t: ObThread, module: number): string | null {
  const name = moduleNameJs(t, module) ?? '?';
  const key = strFromJs(t, '__file__');
  if (key === 0) return null;
  const file = dictGetItemRef(t, moduleDict(t, module), key);
  decref(t.rc, key);
  if (file === 0) {
    errClear(t);
    return `<module '${name}'>`;
  }
  const text = isStr(t, file) ? strToJs(t, file) : objectReprJs(t, file);
  decref(t.rc, file);
  return text === null ? null : `<module '${name}' from '${text}'>`;
}

/** `tp_traverse`. @internal */
export function moduleTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `tp_clear`: the dict (cycles go through it). @internal */
export function moduleClear(rc: RcThread, op: number): void {
  fieldsClear(rc, op, [MODULE_DICT_OFFSET]);
}

/** `tp_dealloc`. @internal */
export function moduleDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, OBJECT_FIELDS, true);
}

