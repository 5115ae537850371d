/**
 * Built-in modules written in TypeScript (CPython's `PyModuleDef` with its
 * `m_methods` and `Py_mod_exec`): a module's functions are behaviours
 * registered in the slot registry on every thread in one fixed order (so
 * their ids agree everywhere, DESIGN.md §2), and the module object itself
 * is made once per interpreter, in the shared heap, when first imported.
 */

import { builtinFunctionNew, moduleDict, moduleFromJs, strFromJs, strInternFromJs, type ObThread, type SlotRegistry } from '@ft/objects';
import { decref, enableDeferredRefcount } from '@ft/refcount';
import { dictSetItemStr } from './dict-util.js';

/**
 * A builtin function's behaviour, the vectorcall shape: `self` is the
 * module (or the bound object), `args` the heap address of `nargs`
 * positional words followed by the keyword values named by `kwnames` (a
 * tuple of str, or 0). Returns a new reference, or 0 with an exception set.
 */
export type BuiltinFn = (t: ObThread, self: number, args: number, nargs: number, kwnames: number) => number;

/** `PyMethodDef` of a module function. */
export interface FunctionDef {
  /** `ml_name`. */
  readonly name: string;
  /** `ml_flags`: METH_NOARGS, METH_O, METH_FASTCALL or METH_FASTCALL | METH_KEYWORDS (from @ft/objects). */
  readonly flags: number;
  /** `ml_meth`. */
  readonly fn: BuiltinFn;
}

/** `PyModuleDef`. */
export interface ModuleDef {
  /** The module's name, as imported (`math`, `_functools`). */
  readonly name: string;
  /** `__doc__` (absent: None). */
  readonly doc?: string;
  /** `m_methods`. */
  readonly functions: readonly FunctionDef[];
  /**
   * `Py_mod_exec`: fills the module after its functions are set (constants,
   * types). Returns 0, or -1 with an exception set.
   */
  readonly exec?: (t: ObThread, module: number) => number;
}

/** The behaviour ids of one module's functions, in its `functions` order. */
export interface RegisteredModule {
  readonly def: ModuleDef;
  readonly ids: readonly number[];
}

/**
 * Registers the functions of `defs` in `slots` (every thread, same `defs`
 * in the same order) and returns their ids by module name.
 */
export function registerModules(slots: SlotRegistry, defs: readonly ModuleDef[]): Map<string, RegisteredModule> {
  const out = new Map<string, RegisteredModule>();
  for (const def of defs) {
    if (out.has(def.name)) throw new Error(`registerModules: two modules named '${def.name}'`);
    const ids = def.functions.map((f) => slots.add('vectorcall', `${def.name}.${f.name}`, f.fn));
    out.set(def.name, { def, ids });
  }
  return out;
}

/**
 * `PyModule_FromDefAndSpec` + `PyModule_ExecDef`: a new module object with
 * its functions (each `__self__` the module, `__module__` its name), then
 * its `exec`. 0 with an exception set.
 */
export function moduleCreate(t: ObThread, registered: RegisteredModule): number {
  const { def, ids } = registered;
  const module = moduleFromJs(t, def.name);
  if (module === 0) return 0;
  const dict = moduleDict(t, module);
  const moduleName = strFromJs(t, def.name);
  if (moduleName === 0) {
    decref(t.rc, module);
    return 0;
  }
  let ok = true;
  if (def.doc !== undefined) ok = setStr(t, dict, '__doc__', def.doc);
  for (let i = 0; ok && i < def.functions.length; i++) {
    const f = def.functions[i]!;
    const name = strInternFromJs(t, f.name);
    const fn = name === 0 ? 0 : moduleFunctionNew(t, name, ids[i]!, f.flags, module, moduleName);
    if (name !== 0) decref(t.rc, name);
    ok = fn !== 0 && dictSetItemStr(t, dict, f.name, fn) === 0;
    if (fn !== 0) decref(t.rc, fn);
  }
  decref(t.rc, moduleName);
  if (ok && def.exec !== undefined) ok = def.exec(t, module) === 0;
  if (!ok) {
    decref(t.rc, module);
    return 0;
  }
  return module;
}

/**
 * A module's builtin function (`len`, `math.floor`), with deferred
 * reference counting as the module's Python functions have: once a second
 * thread starts (the 3.13 measure `ft` runs with) it is immortal, so threads
 * calling it do not all count on its one shared word (each `LOAD_GLOBAL`
 * of a builtin is an incref). 0 with the exception set.
 */
function moduleFunctionNew(t: ObThread, name: number, id: number, flags: number, module: number, moduleName: number): number {
  const fn = builtinFunctionNew(t, name, id, flags, module, moduleName);
  if (fn !== 0) enableDeferredRefcount(t.rc, fn);
  return fn;
}

/** Adds the functions of `registered` to an existing module (the VM's own builtins go into `builtins`). 0, or -1 with an exception set. */
export function moduleAddFunctions(t: ObThread, module: number, registered: RegisteredModule): number {
  const dict = moduleDict(t, module);
  const { def, ids } = registered;
  const moduleName = strFromJs(t, 'builtins');
  if (moduleName === 0) return -1;
  try {
    for (let i = 0; i < def.functions.length; i++) {
      const f = def.functions[i]!;
      const name = strInternFromJs(t, f.name);
      const fn = name === 0 ? 0 : moduleFunctionNew(t, name, ids[i]!, f.flags, module, moduleName);
      if (name !== 0) decref(t.rc, name);
      const ok = fn !== 0 && dictSetItemStr(t, dict, f.name, fn) === 0;
      if (fn !== 0) decref(t.rc, fn);
      if (!ok) return -1;
    }
    return 0;
  } finally {
    decref(t.rc, moduleName);
  }
}

function setStr(t: ObThread, dict: number, key: string, text: string): boolean {
  const value = strFromJs(t, text);
  if (value === 0) return false;
  const rc = dictSetItemStr(t, dict, key, value);
  decref(t.rc, value);
  return rc === 0;
}
