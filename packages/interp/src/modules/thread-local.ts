/**
 * `_thread._local` (`threading.local`; CPython's `localobject` in
 * `Modules/_threadmodule.c`, 3.14's design): an object whose attributes
 * each thread sees separately. The class itself is written in
 * `lib/_thread.py`; its attribute slots are the behaviours below, installed
 * by `_ftthread.local_install`.
 *
 * Layout: the class's one `__slots__` word, `_local__impl` (its descriptor
 * removed from the class, so Python code cannot reach it), holds the tuple
 * `(localdicts, args, kw)`: `localdicts` maps each thread's key (a str
 * private to the thread) to that thread's attribute dict; `args` and `kw`
 * are what the class was called with, so that `__init__` runs again, with
 * them, the first time another thread touches the object.
 *
 * Threads: a thread reads its own dict from `localdicts` lock-free (the dict
 * becomes SHARED, then every thread's lookup is a read); the dict it gets is
 * its own, so the attribute lookups that follow count references on objects
 * the thread owns. The object itself gets deferred reference counting
 * (gh-128691; immortal once threads run, the 3.13 measure `ft` uses), so
 * threads loading it from a module do not all count on one word. When a
 * thread ends it removes its dicts from the locals that are still alive
 * (found through weak references: CPython's per-thread sentinel and
 * watchdog weakrefs do the same job), so a pooled worker's next thread
 * starts empty and nothing of an ended thread stays alive.
 */

import {
  dictDelItem,
  dictGetItemRef,
  dictNew,
  dictSize,
  dictSetItem,
  errClear,
  errGetRaisedException,
  errRaise,
  errRaiseInt,
  errSetRaisedException,
  METH_FASTCALL,
  objectGenericGetAttrWithDict,
  objectGenericSetAttrWithDict,
  objectSetAttr,
  StaticType,
  strCheckExact,
  strFromJs,
  strInternFromJs,
  strLength,
  strToJs,
  tupleFromArray,
  tupleGetItem,
  tupleSize,
  typeGenericAlloc,
  typeName,
  typeOf,
  typeSetSlot,
  typeSlot,
  typeSlotId,
  typeSupportsWeakrefs,
  weakrefGetRef,
  weakrefIsDead,
  weakrefNewRef,
  type ObThread,
  type SlotRegistry,
} from '@ft/objects';
import { decref, enableDeferredRefcount, incref, TP_BASICSIZE_OFFSET } from '@ft/refcount';
import { vmOf, type VmThread } from '../vm/vm-thread.js';
import type { FunctionDef } from './module-def.js';

/** The behaviour ids of the class's attribute slots (the same on every thread: registered in one order). */
let getattroId = 0;
let setattroId = 0;

/** Registers `_local`'s `tp_getattro` and `tp_setattro` (every thread, in the interpreter's fixed order). */
export function registerThreadLocalSlots(slots: SlotRegistry): void {
  getattroId = slots.add('getattro', '_thread._local', localGetattro);
  setattroId = slots.add('setattro', '_thread._local', localSetattro);
}

/** What a thread keeps about the locals it has a dict in. */
interface ThreadLocals {
  /** This thread's key in every local's `localdicts` (a str no other thread holds). */
  readonly key: number;
  /** Weak references to the locals this thread made a dict in (released at the thread's end). */
  touched: number[];
  /** The length of {@link touched} at which the references to dead locals are dropped. */
  pruneAt: number;
}

const threadLocals = new WeakMap<VmThread, ThreadLocals>();

/** The last thread asked about and its state: a JavaScript thread runs one Python thread at a time. */
let lastThread: ObThread | null = null;
let lastLocals: ThreadLocals | null = null;

function localsOf(t: ObThread): ThreadLocals | null {
  if (t === lastThread) return lastLocals;
  const vm = vmOf(t);
  let state = threadLocals.get(vm);
  if (state === undefined) {
    const key = strFromJs(t, `<thread ${vm.threadId}>`);
    if (key === 0) return null;
    state = { key, touched: [], pruneAt: 64 };
    threadLocals.set(vm, state);
  }
  lastThread = t;
  lastLocals = state;
  return state;
}

/** Byte offset of the `_local__impl` word: the first word after `object`'s (checked by `local_install`). */
function implOf(t: ObThread, self: number): number {
  return t.u32[(self + t.u32[(t.types[StaticType.Object]! + TP_BASICSIZE_OFFSET) >>> 2]!) >>> 2]!;
}

/**
 * `_ldict`: the calling thread's dict of `self`, a new reference; made on
 * first use, and then `type(self).__init__(self, *args, **kw)` runs with the
 * dict already in place (its attribute stores land there). A failing
 * `__init__` takes the dict away again and its exception stands. 0 with an
 * exception set.
 */
function localDict(t: ObThread, self: number): number {
  const impl = implOf(t, self);
  if (impl === 0) return errRaise(t, StaticType.RuntimeError, 'thread-local object was cleared');
  const localdicts = tupleGetItem(t, impl, 0);
  const state = localsOf(t);
  if (state === null) return 0;
  const found = dictGetItemRef(t, localdicts, state.key);
  if (found !== 0 || t.error.type !== 0) return found;
  return localDictCreate(t, self, impl, localdicts, state, true);
}

/**
 * {@link localDict} for a thread that has no dict in `self` yet (out of
 * line: once per thread and local); `runInit` false for the creating
 * thread, whose `__init__` the class call runs itself.
 */
function localDictCreate(t: ObThread, self: number, impl: number, localdicts: number, state: ThreadLocals, runInit: boolean): number {
  const ldict = dictNew(t);
  if (ldict === 0) return 0;
  const watch = weakrefNewRef(t, self);
  if (watch === 0 || dictSetItem(t, localdicts, state.key, ldict) < 0) {
    if (watch !== 0) decref(t.rc, watch);
    decref(t.rc, ldict);
    return 0;
  }
  state.touched.push(watch);
  if (state.touched.length >= state.pruneAt) pruneTouched(t, state);
  const type = typeOf(t, self);
  if (!runInit || typeSlotId(t, type, 'init') === typeSlotId(t, t.types[StaticType.Object]!, 'init')) return ldict;
  const kw = tupleGetItem(t, impl, 2);
  if (typeSlot(t, type, 'init')!(t, self, tupleGetItem(t, impl, 1), kw === t.none ? 0 : kw) >= 0) return ldict;
  // CPython drops the thread's dict when `__init__` fails: the next access runs it again.
  decref(t.rc, ldict);
  const exc = errGetRaisedException(t);
  if (dictDelItem(t, localdicts, state.key) < 0) errClear(t);
  errSetRaisedException(t, exc);
  return 0;
}

/** Drops the weak references to locals that died (a thread that makes locals as it goes keeps few). */
function pruneTouched(t: ObThread, state: ThreadLocals): void {
  state.touched = state.touched.filter((watch) => {
    if (!weakrefIsDead(t, watch)) return true;
    decref(t.rc, watch);
    return false;
  });
  state.pruneAt = Math.max(64, 2 * state.touched.length);
}

/** The interned `'__dict__'` of the runtime `dictNameThread` belongs to (interned strs live as long as it). */
let dictName = 0;
let dictNameThread: ObThread | null = null;

/** Whether `name` is `'__dict__'`: by identity for the interned names code uses, by text otherwise. */
function isDictName(t: ObThread, name: number): boolean {
  if (t !== dictNameThread) {
    dictName = strInternFromJs(t, '__dict__');
    dictNameThread = t;
  }
  if (name === dictName) return true;
  return strCheckExact(t, name) && strLength(t, name) === 8 && strToJs(t, name) === '__dict__';
}

/** `local_getattro`: `__dict__` is the thread's dict; anything else looks there after the class's data descriptors. */
function localGetattro(t: ObThread, self: number, name: number): number {
  const ldict = localDict(t, self);
  if (ldict === 0) return 0;
  if (isDictName(t, name)) return ldict;
  const r = objectGenericGetAttrWithDict(t, self, name, ldict);
  decref(t.rc, ldict);
  return r;
}

/** `local_setattro`: stores into (`value` 0: deletes from) the thread's dict; `__dict__` is read-only. */
function localSetattro(t: ObThread, self: number, name: number, value: number): number {
  if (isDictName(t, name)) {
    return errRaiseInt(t, StaticType.AttributeError, `'${typeName(t, typeOf(t, self))}' object attribute '__dict__' is read-only`);
  }
  const ldict = localDict(t, self);
  if (ldict === 0) return -1;
  const r = objectGenericSetAttrWithDict(t, self, name, value, ldict);
  decref(t.rc, ldict);
  return r;
}

/**
 * Takes this thread's dicts out of every local it touched that is still
 * alive, then lets go of its key: what runs when a thread ends (its values
 * die now, on their owner, with the thread's VM still there for their
 * finalizers). Errors are cleared: nothing is left to report them to.
 */
export function threadLocalsClear(t: ObThread): void {
  const vm = vmOf(t);
  const state = threadLocals.get(vm);
  if (state === undefined) return;
  threadLocals.delete(vm);
  lastThread = null;
  lastLocals = null;
  for (const watch of state.touched) {
    const local = weakrefGetRef(t, watch);
    decref(t.rc, watch);
    if (local === 0) continue;
    const impl = implOf(t, local);
    if (impl !== 0 && dictDelItem(t, tupleGetItem(t, impl, 0), state.key) < 0) errClear(t);
    decref(t.rc, local);
  }
  decref(t.rc, state.key);
}

function arg(t: ObThread, args: number, i: number): number {
  return t.u32[(args >>> 2) + i]!;
}

/**
 * `local_install(cls)`: makes the class `lib/_thread.py` defined the local
 * type — its slot word checked to be the first after `object`'s (the
 * `_local__impl` descriptor then removed), its attribute slots set to
 * the behaviours above.
 */
function localInstall(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 1) return errRaise(t, StaticType.TypeError, 'local_install expected 1 argument');
  const cls = arg(t, args, 0);
  const objectSize = t.u32[(t.types[StaticType.Object]! + TP_BASICSIZE_OFFSET) >>> 2]!;
  if (t.u32[(cls + TP_BASICSIZE_OFFSET) >>> 2] !== objectSize + 8 || !typeSupportsWeakrefs(t, cls)) {
    return errRaise(t, StaticType.TypeError, "local_install: the class must have __slots__ = ('_local__impl', '__weakref__')");
  }
  const name = strInternFromJs(t, '_local__impl');
  if (name === 0) return 0;
  const removed = objectSetAttr(t, cls, name, 0);
  decref(t.rc, name);
  if (removed < 0 || typeSetSlot(t, cls, 'getattro', getattroId) < 0 || typeSetSlot(t, cls, 'setattro', setattroId) < 0) return 0;
  incref(t.rc, t.none);
  return t.none;
}

/**
 * `local_new(cls, args, kw)`: a new local of `cls` (a subclass of the
 * local type, checked by the caller) remembering its arguments, with the
 * calling thread's dict made at once (its `__init__` is the call's own,
 * run by `type.__call__`). TypeError "Initialization arguments are not
 * supported" when arguments come without an `__init__` to take them.
 */
function localNew(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 3) return errRaise(t, StaticType.TypeError, 'local_new expected 3 arguments');
  const cls = arg(t, args, 0);
  const initArgs = arg(t, args, 1);
  const kw = arg(t, args, 2);
  const hasArgs = tupleSize(t, initArgs) > 0 || (kw !== t.none && dictSize(t, kw) > 0);
  if (hasArgs && typeSlotId(t, cls, 'init') === typeSlotId(t, t.types[StaticType.Object]!, 'init')) {
    return errRaise(t, StaticType.TypeError, 'Initialization arguments are not supported');
  }
  const self = typeGenericAlloc(t, cls);
  if (self === 0) return 0;
  const localdicts = dictNew(t);
  const impl = localdicts === 0 ? 0 : tupleFromArray(t, [localdicts, initArgs, kw]);
  if (localdicts !== 0) decref(t.rc, localdicts);
  if (impl === 0) {
    decref(t.rc, self);
    return 0;
  }
  // SAFETY: not published yet; the word is the class's one slot (local_install checked).
  t.u32[(self + t.u32[(t.types[StaticType.Object]! + TP_BASICSIZE_OFFSET) >>> 2]!) >>> 2] = impl;
  // Deferred, not immortal even once threads run: a local made later must still die when unreachable
  // (one made before the first thread starts is immortalized with the other deferred objects).
  const suppressed = t.rc.suppressImmortalize;
  t.rc.suppressImmortalize = true;
  enableDeferredRefcount(t.rc, self);
  t.rc.suppressImmortalize = suppressed;
  const state = localsOf(t);
  const ldict = state === null ? 0 : localDictCreate(t, self, impl, tupleGetItem(t, impl, 0), state, false);
  if (ldict === 0) {
    decref(t.rc, self);
    return 0;
  }
  decref(t.rc, ldict);
  return self;
}

/** `local_getattr(self, name)` / `local_setattr(self, name[, value])`: the slots by name, for the class's Python-level methods. */
function localGetattr(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 2) return errRaise(t, StaticType.TypeError, 'local_getattr expected 2 arguments');
  const self = arg(t, args, 0);
  const name = arg(t, args, 1);
  if (!strCheckExact(t, name)) return errRaise(t, StaticType.TypeError, `attribute name must be string, not '${typeName(t, typeOf(t, name))}'`);
  return localGetattro(t, self, name);
}

function localSetattr(t: ObThread, _self: number, args: number, nargs: number): number {
  if (nargs !== 2 && nargs !== 3) return errRaise(t, StaticType.TypeError, 'local_setattr expected 2 or 3 arguments');
  const self = arg(t, args, 0);
  const name = arg(t, args, 1);
  if (!strCheckExact(t, name)) return errRaise(t, StaticType.TypeError, `attribute name must be string, not '${typeName(t, typeOf(t, name))}'`);
  if (localSetattro(t, self, name, nargs === 3 ? arg(t, args, 2) : 0) < 0) return 0;
  incref(t.rc, t.none);
  return t.none;
}

/** The `_ftthread` functions behind `_thread._local`. */
export const THREAD_LOCAL_FUNCTIONS: readonly FunctionDef[] = [
  { name: 'local_install', flags: METH_FASTCALL, fn: localInstall },
  { name: 'local_new', flags: METH_FASTCALL, fn: localNew },
  { name: 'local_getattr', flags: METH_FASTCALL, fn: localGetattr },
  { name: 'local_setattr', flags: METH_FASTCALL, fn: localSetattr },
];
