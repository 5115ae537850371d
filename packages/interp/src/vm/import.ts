/**
 * The import system (`Python/import.c`'s `PyImport_ImportModuleLevelObject`
 * and the path-based finder of `importlib._bootstrap_external`, in
 * TypeScript): `sys.modules` first, then the built-in modules written in
 * TypeScript, then `.py` files and packages (`__init__.py`) along
 * `sys.path` (a package's `__path__` for its submodules); relative
 * imports resolved against `__package__`; a module is in `sys.modules`
 * while its body runs and removed again if the body fails.
 */

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  callArgs,
  codecLookup,
  dictDelItem,
  dictGetItemRef,
  dictSetItem,
  errClear,
  errExceptionMatches,
  errGetRaisedException,
  errRaise,
  errSetRaisedException,
  iterNext,
  listFromArray,
  moduleDict,
  moduleFromJs,
  objectGetAttr,
  objectGetIter,
  objectIsTrue,
  objectSetAttr,
  StaticType,
  strFromJs,
  strInternFromJs,
  strToJs,
  intAsNumber,
  unicodeDecode,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { moduleCreate } from '../modules/module-def.js';
import { F_GLOBALS } from './frame.js';
import { compileToCode, raiseSyntaxError } from './compile-code.js';
import { PySyntaxError } from '../parser/syntax-error.js';
import { interpOf } from './interp-state.js';
import { vmOf } from './vm-thread.js';

function str(t: ObThread, text: string): number {
  return strInternFromJs(t, text);
}

/** `d[key]` by JavaScript key: a new reference or 0 (absent, or an error set). */
function getItem(t: ObThread, dict: number, key: string): number {
  const k = str(t, key);
  if (k === 0) return 0;
  const v = dictGetItemRef(t, dict, k);
  decref(t.rc, k);
  return v;
}

function setItem(t: ObThread, dict: number, key: string, value: number): number {
  const k = str(t, key);
  if (k === 0) return -1;
  const r = dictSetItem(t, dict, k, value);
  decref(t.rc, k);
  return r;
}

function getAttrText(t: ObThread, op: number, name: string): string | null {
  const k = str(t, name);
  const v = objectGetAttr(t, op, k);
  decref(t.rc, k);
  if (v === 0) {
    errClear(t);
    return null;
  }
  const text = typeof v === 'number' && v !== t.none ? safeStr(t, v) : null;
  decref(t.rc, v);
  return text;
}

function safeStr(t: ObThread, op: number): string | null {
  try {
    return strToJs(t, op);
  } catch {
    return null;
  }
}

/**
 * `PyErr_SetImportError` / `_PyErr_SetModuleNotFoundError`: raises
 * `type(message)` with its `name`, `path` and `name_from` attributes set
 * (each left None when not given), as `except ImportError as e: e.name`
 * sees them. Always 0.
 */
function raiseImportError(t: ObThread, type: StaticType, message: string, attrs: { name?: string | null; path?: string | null; nameFrom?: number }): 0 {
  const text = strFromJs(t, message);
  const exc = text === 0 ? 0 : callArgs(t, t.types[type]!, [text]);
  if (text !== 0) decref(t.rc, text);
  if (exc === 0) return 0;
  const set = (attr: string, value: number): void => {
    const key = str(t, attr);
    if (key === 0 || value === 0) return;
    if (objectSetAttr(t, exc, key, value) < 0) errClear(t);
    decref(t.rc, key);
  };
  for (const [attr, value] of [['name', attrs.name], ['path', attrs.path]] as const) {
    if (value === undefined || value === null) continue;
    const v = strFromJs(t, value);
    set(attr, v);
    if (v !== 0) decref(t.rc, v);
  }
  if (attrs.nameFrom !== undefined) set('name_from', attrs.nameFrom);
  errSetRaisedException(t, exc);
  return 0;
}

/** `ModuleNotFoundError: No module named 'x'` with its `name`. */
function moduleNotFound(t: ObThread, name: string): 0 {
  return raiseImportError(t, StaticType.ModuleNotFoundError, `No module named '${name}'`, { name });
}

/** `resolve_name`: the absolute name of a relative import from the frame's globals. */
function resolveName(t: ObThread, name: string, globals: number, level: number): string | null {
  let pkg: string | null = null;
  const p = getItem(t, globals, '__package__');
  if (p !== 0) {
    if (p !== t.none) pkg = safeStr(t, p);
    decref(t.rc, p);
  }
  if (pkg === null) {
    const n = getItem(t, globals, '__name__');
    if (n === 0) {
      errRaise(t, StaticType.KeyError, "'__name__' not in globals");
      return null;
    }
    pkg = safeStr(t, n);
    decref(t.rc, n);
    const path = getItem(t, globals, '__path__');
    if (path !== 0) decref(t.rc, path);
    else if (pkg !== null) pkg = pkg.includes('.') ? pkg.slice(0, pkg.lastIndexOf('.')) : '';
  }
  if (pkg === null || pkg === '') {
    errRaise(t, StaticType.ImportError, 'attempted relative import with no known parent package');
    return null;
  }
  const parts = pkg.split('.');
  if (level - 1 >= parts.length) {
    errRaise(t, StaticType.ImportError, 'attempted relative import beyond top-level package');
    return null;
  }
  const base = parts.slice(0, parts.length - (level - 1)).join('.');
  return name === '' ? base : `${base}.${name}`;
}

/** The directories to search for a top-level module: `sys.path` (strs only). */
function searchPath(t: ObThread, parentPath: number): string[] {
  const interp = interpOf(t);
  let list = parentPath;
  if (list === 0) {
    const sysDict = moduleDict(t, interp.sys);
    list = getItem(t, sysDict, 'path');
    if (list === 0) return [];
  } else incref(t.rc, list);
  const out: string[] = [];
  const it = objectGetIter(t, list);
  decref(t.rc, list);
  if (it === 0) {
    errClear(t);
    return out;
  }
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) break;
    const s = safeStr(t, item);
    if (s !== null) out.push(s);
    decref(t.rc, item);
  }
  errClear(t);
  decref(t.rc, it);
  return out;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Finds `name`'s last component in `dirs`: a package (`__init__.py`) or a `.py` file. */
function findSource(dirs: readonly string[], last: string): { file: string; packageDir: string | null } | null {
  for (const dir of dirs) {
    const base = join(dir === '' ? '.' : dir, last);
    const init = join(base, '__init__.py');
    if (isFile(init)) return { file: init, packageDir: base };
    if (isFile(`${base}.py`)) return { file: `${base}.py`, packageDir: null };
    // A directory without __init__.py would be a namespace package: not supported, the search goes on.
  }
  return null;
}

/** Decodes a source file as UTF-8, raising CPython's SyntaxError for bytes that are not. */
/** PEP 263's declaration: `coding[:=]name` in a comment on line 1, or on line 2 after a blank or comment line. */
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/**
 * `get_normal_name`: the name a cookie's encoding is reported by — `utf-8`
 * and `iso-8859-1` for their spellings (with or without a `-suffix`),
 * any other as written.
 */
function normalEncodingName(name: string): string {
  const lower = name.slice(0, 12).toLowerCase().replaceAll('_', '-');
  if (lower === 'utf-8' || lower.startsWith('utf-8-')) return 'utf-8';
  for (const latin of ['latin-1', 'iso-8859-1', 'iso-latin-1']) if (lower === latin || lower.startsWith(`${latin}-`)) return 'iso-8859-1';
  return name;
}

/**
 * The encoding of a source file (the tokenizer's `check_bom` and
 * `check_coding_spec`): utf-8 unless a cookie on its first two lines
 * declares another; null with SyntaxError "encoding problem: name" for an
 * unknown encoding or one other than utf-8 after a UTF-8 BOM.
 */
function sourceEncoding(t: ObThread, bytes: Uint8Array): string | null {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const head = new TextDecoder('latin1').decode(bytes.subarray(bom ? 3 : 0, Math.min(bytes.length, 1024)));
  const [first = '', second = ''] = head.split('\n');
  let match = CODING_COOKIE.exec(first);
  if (match === null && /^[ \t\f]*(?:#.*)?\r?$/.test(first)) match = CODING_COOKIE.exec(second);
  if (match === null) return 'utf-8';
  const name = normalEncodingName(match[1]!);
  if (bom && name !== 'utf-8') {
    errRaise(t, StaticType.SyntaxError, `encoding problem: ${name} with BOM`);
    return null;
  }
  if (codecLookup(t, name) === null) {
    errClear(t);
    errRaise(t, StaticType.SyntaxError, `encoding problem: ${name}`);
    return null;
  }
  return name;
}

export function readSource(t: ObThread, file: string): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    errRaise(t, StaticType.FileNotFoundError, `[Errno 2] No such file or directory: '${file}'`);
    return null;
  }
  const declared = sourceEncoding(t, bytes);
  if (declared === null) return null;
  let text: string;
  try {
    if (declared !== 'utf-8') {
      const decoded = unicodeDecode(t, bytes, declared);
      if (decoded === 0) return null;
      text = strToJs(t, decoded);
      decref(t.rc, decoded);
    } else text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    let bad = 0;
    let line = 1;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 10) line++;
      if (bytes[i]! >= 0x80) {
        bad = bytes[i]!;
        break;
      }
    }
    errRaise(t, StaticType.SyntaxError, `Non-UTF-8 code starting with '\\x${bad.toString(16)}' in file ${file} on line ${line}, but no encoding declared; see https://peps.python.org/pep-0263/ for details`);
    return null;
  }
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    // The tokenizer's check: the line is shown up to the null byte (C's string end).
    const lineStart = text.lastIndexOf('\n', nul) + 1;
    const lineno = text.slice(0, nul).split('\n').length;
    const offset = nul - lineStart + 1;
    raiseSyntaxError(t, new PySyntaxError('SyntaxError', 'source code cannot contain null bytes', file, lineno, offset, lineno, offset, text.slice(lineStart, nul)));
    return null;
  }
  return text;
}

/**
 * Sets `module.__spec__` to `_frozen_importlib.ModuleSpec(name, None,
 * origin=origin)`; for a package (`path`, its `__path__` list) the spec's
 * `submodule_search_locations` is that same list, and a module from a file
 * has a location. 0, or -1 with the exception.
 */
function setModuleSpec(t: ObThread, module: number, name: string, origin: string, path: number, fromFile: boolean): number {
  const bootstrap = importDotted(t, '_frozen_importlib');
  if (bootstrap === 0) return -1;
  const cls = getAttr(t, bootstrap, 'ModuleSpec');
  decref(t.rc, bootstrap);
  if (cls === 0) return -1;
  const nameStr = strFromJs(t, name);
  const spec = nameStr === 0 ? 0 : callArgs(t, cls, [nameStr, t.none]);
  if (nameStr !== 0) decref(t.rc, nameStr);
  decref(t.rc, cls);
  if (spec === 0) return -1;
  const originStr = strFromJs(t, origin);
  let ok = originStr !== 0 && setAttr(t, spec, 'origin', originStr) === 0;
  if (originStr !== 0) decref(t.rc, originStr);
  if (ok && path !== 0) ok = setAttr(t, spec, 'submodule_search_locations', path) === 0;
  if (ok && fromFile) ok = setAttr(t, spec, 'has_location', t.true) === 0;
  if (ok) ok = setItem(t, moduleDict(t, module), '__spec__', spec) === 0;
  decref(t.rc, spec);
  return ok ? 0 : -1;
}

/** `getattr(obj, name)` by JavaScript name: a new reference or 0 with the exception. */
function getAttr(t: ObThread, obj: number, name: string): number {
  const k = str(t, name);
  if (k === 0) return 0;
  const v = objectGetAttr(t, obj, k);
  decref(t.rc, k);
  return v;
}

/** `setattr(obj, name, value)` by JavaScript name: 0, or -1 with the exception. */
function setAttr(t: ObThread, obj: number, name: string, value: number): number {
  const k = str(t, name);
  if (k === 0) return -1;
  const r = objectSetAttr(t, obj, k, value);
  decref(t.rc, k);
  return r;
}

/** Loads one module whose parents are imported already: a new reference, or 0 (ModuleNotFoundError when absent). */
function loadModule(t: ObThread, fullName: string, parent: number): number {
  const interp = interpOf(t);
  const registered = interp.registered.get(fullName);
  if (registered !== undefined) {
    const module = moduleCreate(t, registered);
    if (module === 0) return 0;
    if (setItem(t, interp.modules, fullName, module) < 0 || setModuleSpec(t, module, fullName, 'built-in', 0, false) < 0) {
      decref(t.rc, module);
      return 0;
    }
    return module;
  }
  let parentPath = 0;
  if (parent !== 0) {
    const k = str(t, '__path__');
    parentPath = objectGetAttr(t, parent, k);
    decref(t.rc, k);
    if (parentPath === 0) {
      errClear(t);
      const parentName = fullName.slice(0, fullName.lastIndexOf('.'));
      return raiseImportError(t, StaticType.ModuleNotFoundError, `No module named '${fullName}'; '${parentName}' is not a package`, { name: fullName });
    }
  }
  const dirs = searchPath(t, parentPath);
  if (parentPath !== 0) decref(t.rc, parentPath);
  const last = fullName.slice(fullName.lastIndexOf('.') + 1);
  const found = findSource(dirs, last);
  if (found === null) return moduleNotFound(t, fullName);
  const source = readSource(t, found.file);
  if (source === null) return 0;
  const module = moduleFromJs(t, fullName);
  if (module === 0) return 0;
  const dict = moduleDict(t, module);
  const packageName = found.packageDir !== null ? fullName : fullName.includes('.') ? fullName.slice(0, fullName.lastIndexOf('.')) : '';
  const fileStr = strFromJs(t, found.file);
  const pkgStr = strFromJs(t, packageName);
  let ok = fileStr !== 0 && pkgStr !== 0 && setItem(t, dict, '__file__', fileStr) === 0 && setItem(t, dict, '__package__', pkgStr) === 0;
  if (fileStr !== 0) decref(t.rc, fileStr);
  if (pkgStr !== 0) decref(t.rc, pkgStr);
  let path = 0;
  if (ok && found.packageDir !== null) {
    const dirStr = strFromJs(t, found.packageDir);
    path = dirStr === 0 ? 0 : listFromArray(t, [dirStr]);
    if (dirStr !== 0) decref(t.rc, dirStr);
    ok = path !== 0 && setItem(t, dict, '__path__', path) === 0;
  }
  ok = ok && setModuleSpec(t, module, fullName, found.file, path, true) === 0;
  if (path !== 0) decref(t.rc, path);
  ok = ok && setItem(t, dict, '__builtins__', interp.builtins) === 0 && setItem(t, interp.modules, fullName, module) === 0;
  if (!ok) {
    decref(t.rc, module);
    return 0;
  }
  const code = compileToCode(t, source, found.file, 'exec');
  const result = code === 0 ? 0 : vmOf(t).execModule(code, dict);
  if (code !== 0) decref(t.rc, code);
  if (result === 0) {
    // `remove_module`: a failed import leaves nothing behind.
    const k = str(t, fullName);
    const exc = errGetRaisedException(t);
    dictDelItem(t, interp.modules, k);
    errClear(t);
    errSetRaisedException(t, exc);
    decref(t.rc, k);
    decref(t.rc, module);
    return 0;
  }
  decref(t.rc, result);
  // What the body left in sys.modules is the module (a module may replace itself).
  const final = getItem(t, interp.modules, fullName);
  decref(t.rc, module);
  if (final === 0 && t.error.type === 0) return errRaise(t, StaticType.ImportError, `Loaded module ${fullName} not found in sys.modules`);
  return final;
}

/** `import_find_and_load` for a dotted name: each component in turn; the last module (a new reference). */
function importDotted(t: ObThread, fullName: string): number {
  const interp = interpOf(t);
  const parts = fullName.split('.');
  let parent = 0;
  let name = '';
  for (let i = 0; i < parts.length; i++) {
    name = i === 0 ? parts[0]! : `${name}.${parts[i]}`;
    let module = getItem(t, interp.modules, name);
    if (module === 0) {
      if (t.error.type !== 0) {
        if (parent !== 0) decref(t.rc, parent);
        return 0;
      }
      module = loadModule(t, name, parent);
      if (module === 0) {
        if (parent !== 0) decref(t.rc, parent);
        return 0;
      }
      if (parent !== 0) {
        // The submodule becomes an attribute of its package.
        const k = str(t, parts[i]!);
        objectSetAttr(t, parent, k, module);
        decref(t.rc, k);
        errClear(t);
      }
    } else if (module === t.none) {
      decref(t.rc, module);
      if (parent !== 0) decref(t.rc, parent);
      return errRaise(t, StaticType.ModuleNotFoundError, `import of ${name} halted; None in sys.modules`);
    }
    if (parent !== 0) decref(t.rc, parent);
    parent = module;
  }
  return parent;
}

/** `PyImport_ImportModule(name)` from TypeScript: a new reference or 0. */
export function importModule(t: ObThread, name: string): number {
  return importDotted(t, name);
}

/**
 * `IMPORT_NAME` (`import_name` → `PyImport_ImportModuleLevelObject`):
 * `import a.b.c` gives `a`; with a from-list, `a.b.c` itself (its
 * submodules named in the list imported when they are not attributes).
 */
export function importName(t: ObThread, fw: number, name: number, fromlist: number, level: number): number {
  return importModuleLevel(t, name, t.u32[fw + F_GLOBALS]!, fromlist, intAsNumber(t, level));
}

/**
 * `PyImport_ImportModuleLevelObject(name, globals, locals, fromlist,
 * level)`: what `IMPORT_NAME` and `__import__` do, relative imports
 * resolved against `globals` (a dict, or 0 for an absolute import).
 */
export function importModuleLevel(t: ObThread, name: number, globals: number, fromlist: number, lvl: number): number {
  let fullName = strToJs(t, name);
  if (lvl > 0 && globals === 0) return errRaise(t, StaticType.KeyError, "'__name__' not in globals");
  if (lvl > 0) {
    const resolved = resolveName(t, fullName, globals, lvl);
    if (resolved === null) return 0;
    fullName = resolved;
  } else if (fullName === '') return errRaise(t, StaticType.ValueError, 'Empty module name');
  const module = importDotted(t, fullName);
  if (module === 0) return 0;
  const hasFromlist = fromlist !== t.none && fromlist !== 0 && objectIsTrue(t, fromlist) === 1;
  if (!hasFromlist) {
    if (lvl === 0 && fullName.includes('.')) {
      decref(t.rc, module);
      return getItem(t, interpOf(t).modules, fullName.split('.')[0]!);
    }
    if (lvl > 0) {
      // `from . import x` handled with a from-list; a bare relative import returns the top of what was named.
      const requested = strToJs(t, name);
      if (requested.includes('.')) {
        decref(t.rc, module);
        const top = fullName.slice(0, fullName.length - requested.length + requested.indexOf('.'));
        return getItem(t, interpOf(t).modules, top);
      }
    }
    return module;
  }
  // `_handle_fromlist`: import submodules the list names that are not attributes yet.
  const path = getItem(t, moduleDictOrZero(t, module), '__path__');
  if (path !== 0) {
    decref(t.rc, path);
    const it = objectGetIter(t, fromlist);
    if (it === 0) {
      decref(t.rc, module);
      return 0;
    }
    for (;;) {
      const item = iterNext(t, it);
      if (item === 0) break;
      const sub = safeStr(t, item);
      if (sub !== null && sub !== '*') {
        const have = objectGetAttr(t, module, item);
        if (have !== 0) decref(t.rc, have);
        else {
          errClear(t);
          const m = importDotted(t, `${fullName}.${sub}`);
          if (m !== 0) decref(t.rc, m);
          else if (errExceptionMatches(t, t.types[StaticType.ModuleNotFoundError]!)) errClear(t);
          else {
            decref(t.rc, item);
            decref(t.rc, it);
            decref(t.rc, module);
            return 0;
          }
        }
      }
      decref(t.rc, item);
    }
    decref(t.rc, it);
  }
  return module;
}

function moduleDictOrZero(t: ObThread, module: number): number {
  try {
    return moduleDict(t, module);
  } catch {
    return 0;
  }
}

/** `IMPORT_FROM` (`import_from`): the attribute, else the submodule in `sys.modules`, else ImportError. */
export function importFrom(t: ObThread, module: number, name: number): number {
  const v = objectGetAttr(t, module, name);
  if (v !== 0) return v;
  if (!errExceptionMatches(t, t.types[StaticType.AttributeError]!)) return 0;
  errClear(t);
  const modName = getAttrText(t, module, '__name__');
  if (modName !== null) {
    const sub = getItem(t, interpOf(t).modules, `${modName}.${strToJs(t, name)}`);
    if (sub !== 0) return sub;
    errClear(t);
  }
  const file = getAttrText(t, module, '__file__');
  const where = file === null ? 'unknown location' : file;
  return raiseImportError(t, StaticType.ImportError, `cannot import name '${strToJs(t, name)}' from '${modName ?? '<unknown module name>'}' (${where})`, { name: modName, path: file, nameFrom: name });
}
