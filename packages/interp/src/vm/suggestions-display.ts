/**
 * The "Did you mean: 'x'?" CPython 3.13 appends when it prints a
 * NameError, AttributeError or ImportError (`traceback.TracebackException`
 * with `_compute_suggestion_error`, the candidates ranked by
 * `_suggestions._generate_suggestions`, our `calculateSuggestion`):
 *
 * - NameError (its `name` set): the names of the innermost traceback
 *   frame's `f_locals`, `f_globals` and `f_builtins`; `self.x` first when
 *   the frame has a `self` with that attribute; a stdlib module name adds
 *   "Did you forget to import 'x'?" (from `sys.stdlib_module_names`);
 * - AttributeError (its `name` and `obj` set): `dir(obj)`, names with a
 *   leading underscore left out unless the misspelt name has one or the
 *   innermost frame's `self` is `obj`;
 * - ImportError of `from m import x` (its `name_from` set): `dir()` of
 *   the top package `__import__(name)` returns, underscored names left
 *   out as above.
 *
 * Every lookup that fails gives no suggestion (CPython's `except
 * Exception: return None`); the printer must never raise.
 */

import {
  calculateSuggestion,
  errClear,
  errOccurred,
  iterNext,
  objectGetAttr,
  objectGetItem,
  objectGetIter,
  StaticType,
  strCheck,
  strFromJs,
  strToJs,
  tracebackCheck,
  tracebackFrame,
  tracebackNext,
  typeIsSubtype,
  typeOf,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { objectDir } from '../builtins/builtin-dir.js';
import { dictGetItemStrRef } from '../modules/dict-util.js';
import { getAttrJs } from './ceval-ops.js';
import { interpOf, sysGetObjectRef } from './interp-state.js';

/** The keys (or items) of an iterable as JavaScript strings; null when iterating fails or an item is no str. */
function iterStrings(t: ObThread, iterable: number): string[] | null {
  const it = objectGetIter(t, iterable);
  if (it === 0) {
    errClear(t);
    return null;
  }
  const out: string[] = [];
  let ok = true;
  for (;;) {
    const item = iterNext(t, it);
    if (item === 0) {
      if (errOccurred(t) !== 0) {
        errClear(t);
        ok = false;
      }
      break;
    }
    if (strCheck(t, item)) out.push(strToJs(t, item));
    else ok = false; // `_generate_suggestions` takes only str candidates.
    decref(t.rc, item);
    if (!ok) break;
  }
  decref(t.rc, it);
  return ok ? out : null;
}

/** An attribute as a new reference, or 0 (any error cleared). */
function attrOrZero(t: ObThread, op: number, name: string): number {
  const v = getAttrJs(t, op, name);
  if (v === 0) errClear(t);
  return v;
}

/** `mapping[key]` as a new reference, or 0 (any error cleared). */
function itemOrZero(t: ObThread, mapping: number, key: string): number {
  const k = strFromJs(t, key);
  if (k === 0) {
    errClear(t);
    return 0;
  }
  const v = objectGetItem(t, mapping, k);
  decref(t.rc, k);
  if (v === 0) errClear(t);
  return v;
}

/** The frame's `f_locals` mapping (a new reference), or 0. */
function frameLocals(t: ObThread, frame: number): number {
  return frame === 0 ? 0 : attrOrZero(t, frame, 'f_locals');
}

/** `d = dir(obj)`, minus names starting with `_` when `hideUnderscored`; null on any error. */
function dirNames(t: ObThread, obj: number, hideUnderscored: boolean): string[] | null {
  const list = objectDir(t, obj);
  if (list === 0) {
    errClear(t);
    return null;
  }
  const names = iterStrings(t, list);
  decref(t.rc, list);
  if (names === null) return null;
  return hideUnderscored ? names.filter((name) => !name.startsWith('_')) : names;
}

/** The candidates for an AttributeError on `exc.obj`. */
function attributeCandidates(t: ObThread, exc: number, tb: number, wrongName: string): string[] | null {
  const obj = attrOrZero(t, exc, 'obj');
  if (obj === 0) return null;
  try {
    let hideUnderscored = !wrongName.startsWith('_');
    if (hideUnderscored && tb !== 0) {
      // Inside a method of `obj` its private names are fair suggestions.
      const frame = tracebackFrameOfInnermost(t, tb);
      const locals = frameLocals(t, frame);
      if (locals !== 0) {
        const self = itemOrZero(t, locals, 'self');
        if (self !== 0) {
          if (self === obj) hideUnderscored = false;
          decref(t.rc, self);
        }
        decref(t.rc, locals);
      }
    }
    return dirNames(t, obj, hideUnderscored);
  } finally {
    decref(t.rc, obj);
  }
}

/** The candidates for `from m import x`'s ImportError: `dir(__import__(m))`. */
function importCandidates(t: ObThread, exc: number, wrongName: string): string[] | null {
  const nameObj = attrOrZero(t, exc, 'name');
  if (nameObj === 0) return null;
  const name = strCheck(t, nameObj) ? strToJs(t, nameObj) : null;
  decref(t.rc, nameObj);
  if (name === null || name === '') return null;
  // `__import__('a.b')` returns the top package `a`; the module failed from is already imported.
  const top = name.split('.')[0]!;
  const modules = interpOf(t).modules;
  if (modules === 0) return null;
  const mod = dictGetItemStrRef(t, modules, top);
  if (mod === 0) {
    errClear(t);
    return null;
  }
  const names = dirNames(t, mod, !wrongName.startsWith('_'));
  decref(t.rc, mod);
  return names;
}

/** The frame of the innermost entry of `tb`, borrowed from the traceback (which the caller holds). */
function tracebackFrameOfInnermost(t: ObThread, tb: number): number {
  let cur = tb;
  let owned = false;
  for (;;) {
    const next = tracebackNext(t, cur);
    if (next === 0) break;
    if (owned) decref(t.rc, cur);
    cur = next;
    owned = true;
  }
  const frame = tracebackFrame(t, cur);
  // Entries own their frames and the chain is held by `tb`: the frame outlives this borrow.
  if (owned) decref(t.rc, cur);
  return frame;
}

/** The NameError candidates (`f_locals`, `f_globals`, `f_builtins`), or `self.x`. */
function nameCandidates(t: ObThread, tb: number, wrongName: string): string[] | { readonly self: string } | null {
  if (tb === 0) return null;
  const frame = tracebackFrameOfInnermost(t, tb);
  const candidates: string[] = [];
  for (const attr of ['f_locals', 'f_globals', 'f_builtins']) {
    const mapping = attrOrZero(t, frame, attr);
    if (mapping === 0) return null;
    const keys = iterStrings(t, mapping);
    decref(t.rc, mapping);
    if (keys === null) return null;
    candidates.push(...keys);
  }
  // In a method, a missing name may be an attribute of the instance.
  const locals = frameLocals(t, frame);
  if (locals !== 0) {
    const self = itemOrZero(t, locals, 'self');
    decref(t.rc, locals);
    if (self !== 0) {
      const key = strFromJs(t, wrongName);
      let has = false;
      if (key !== 0) {
        const v = objectGetAttr(t, self, key);
        decref(t.rc, key);
        if (v !== 0) {
          has = true;
          decref(t.rc, v);
        } else errClear(t);
      } else errClear(t);
      decref(t.rc, self);
      if (has) return { self: `self.${wrongName}` };
    }
  }
  return candidates;
}

/** Whether `name` is in `sys.stdlib_module_names` (false when sys has no such set). */
function isStdlibModuleName(t: ObThread, name: string): boolean {
  const names = sysGetObjectRef(t, 'stdlib_module_names');
  if (names === 0) return false;
  const all = iterStrings(t, names);
  decref(t.rc, names);
  return all !== null && all.includes(name);
}

/** A str attribute as JavaScript text; null when absent, None or not a str. */
function strAttr(t: ObThread, exc: number, name: string): string | null {
  const v = attrOrZero(t, exc, name);
  if (v === 0) return null;
  const text = strCheck(t, v) ? strToJs(t, v) : null;
  decref(t.rc, v);
  return text;
}

/**
 * What `TracebackException.__init__` appends to `str(exc)` for `exc` with
 * traceback `tb` (0: none): '' when nothing, else e.g. ". Did you mean:
 * 'x'?".
 */
export function suggestionSuffix(t: ObThread, exc: number, tb: number): string {
  if (tb !== 0 && !tracebackCheck(t, tb)) tb = 0;
  const type = typeOf(t, exc);
  const isA = (st: StaticType): boolean => typeIsSubtype(t, type, t.types[st]!);
  const nameFrom = isA(StaticType.ImportError) ? strAttr(t, exc, 'name_from') : null;
  if (nameFrom !== null) {
    const wrongName = nameFrom;
    const candidates = importCandidates(t, exc, wrongName);
    const suggestion = candidates === null ? null : calculateSuggestion(candidates, wrongName);
    return suggestion === null ? '' : `. Did you mean: '${suggestion}'?`;
  }
  const isName = isA(StaticType.NameError);
  if (!isName && !isA(StaticType.AttributeError)) return '';
  const wrongName = strAttr(t, exc, 'name');
  if (wrongName === null) return '';
  let suggestion: string | null = null;
  if (isName) {
    const candidates = nameCandidates(t, tb, wrongName);
    if (candidates !== null) suggestion = Array.isArray(candidates) ? calculateSuggestion(candidates, wrongName) : candidates.self;
  } else {
    const candidates = attributeCandidates(t, exc, tb, wrongName);
    if (candidates !== null) suggestion = calculateSuggestion(candidates, wrongName);
  }
  let suffix = suggestion === null ? '' : `. Did you mean: '${suggestion}'?`;
  if (isName && isStdlibModuleName(t, wrongName)) {
    suffix += suggestion === null ? `. Did you forget to import '${wrongName}'?` : ` Or did you forget to import '${wrongName}'?`;
  }
  return suffix;
}
