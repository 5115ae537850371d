/**
 * Weak references (`Objects/weakrefobject.c`, free-threaded build):
 * `weakref.ref`, and what `weakref.proxy` (weakref-proxy.ts) and the
 * referent's dealloc (weakref-clear.ts) share with it — the per-object
 * list, the striped locks, `_PyWeakref_GET_REF`, creation with the
 * canonical callback-less ref and proxy, and clearing.
 *
 * A referent whose type has a `tp_weaklistoffset` keeps the head of a
 * doubly linked list of the weakrefs to it in that word of its own (a
 * borrowed pointer each way: neither keeps the other alive). The
 * callback-less `ref` (the "basic ref", shared by every `ref(o)`) is first,
 * then the callback-less proxy, then every other weakref, newest first —
 * so the callbacks of a dying object run newest first.
 *
 * Thread safety, as CPython 3.13t: the list, its head word, `wr_object` and
 * `wr_callback` are guarded by one of 127 striped PyMutexes in the objects
 * state, the one of the referent's address (`WEAKREF_LIST_LOCK`), taken
 * without detaching (`_Py_LOCK_DONT_DETACH`, so that a WeakValueDictionary's
 * delete-if-dead is atomic) — code holding a stripe therefore never
 * allocates, frees, or runs Python code. A weakref remembers the address it
 * was made for (its lock key), so it can take the right stripe after its
 * referent is gone. The weakref's hash is guarded by its own critical
 * section. Both the referent and the weakref get the MAYBE_WEAKREF flag
 * (`_PyObject_SetMaybeWeakref`), so that their owners' last release goes
 * through the merge CAS and a racing try-incref either wins or fails.
 * The collector clears weakrefs with the world stopped, without locks.
 */

import { LOCK_DONT_DETACH, criticalSectionBegin, criticalSectionEnd, formatAddress, mutexLockFlags, mutexUnlock } from '@ft/atomics';
import { gcNew, gcTrack, gcUntrack, gcDel } from '@ft/gc';
import { decref, incref, OB_MUTEX_OFFSET, OB_TYPE_OFFSET, setMaybeWeakref, TP_FLAGS_OFFSET, tryIncref, TYPE_FLAG_HEAPTYPE, type RcThread } from '@ft/refcount';
import { objectHash, objectRichCompare, PY_EQ, PY_NE, typeSlotId } from './abstract.js';
import { dictGetItemRef } from './dict.js';
import { errClear, errNoMemory, errRaise, errRaiseInt } from './errors.js';
import {
  DICT_USED_OFFSET,
  NUM_WEAKREF_LIST_LOCKS,
  OS_WEAKREF_LOCKS_OFFSET,
  StaticType,
  TP_DICT_OFFSET,
  TP_WEAKLISTOFFSET_OFFSET,
  TPFLAGS_TYPE_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
  WR_CALLBACK_OFFSET,
  WR_HASH_OFFSET,
  WR_LOCK_KEY_OFFSET,
  WR_NEXT_OFFSET,
  WR_OBJECT_OFFSET,
  WR_PREV_OFFSET,
} from './layout.js';
import { typeLookupRef } from './method-cache.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strLength, strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/** What the list and lock code needs of a thread (an ObThread has it; so do the collector's hooks). */
type Views = Pick<ObThread, 'u32' | 'i32'>;

// --- the striped locks ------------------------------------------------------------------------

/**
 * The seam of the stress test's control: with the stripes off, list
 * updates race (and must be seen to corrupt). Per thread (module scope is
 * thread-local): every worker of a control run turns it off.
 * @internal
 */
export const weakrefSeams = { stripesDisabled: false };

/** The PyMutex byte guarding the weakrefs of the object at `key` (`WEAKREF_LIST_LOCK(obj)`). */
function stripe(t: ObThread, key: number): number {
  return t.state + OS_WEAKREF_LOCKS_OFFSET + ((key >>> 0) % NUM_WEAKREF_LIST_LOCKS);
}

/** `LOCK_WEAKREFS(obj)`: never detaches (file comment). @internal */
export function weakrefsLock(t: ObThread, key: number): void {
  if (!weakrefSeams.stripesDisabled) mutexLockFlags(t.heap, stripe(t, key), LOCK_DONT_DETACH);
}

/** `UNLOCK_WEAKREFS(obj)`. @internal */
export function weakrefsUnlock(t: ObThread, key: number): void {
  if (!weakrefSeams.stripesDisabled) mutexUnlock(t.heap, stripe(t, key));
}

// --- checks and fields ------------------------------------------------------------------------

/** `_PyType_SUPPORTS_WEAKREFS(type)`: whether its instances keep a weakref list. @public */
export function typeSupportsWeakrefs(t: Pick<ObThread, 'i32'>, type: number): boolean {
  return t.i32[(type + TP_WEAKLISTOFFSET_OFFSET) >>> 2]! > 0; // SAFETY: written before the type is published
}

/**
 * `GET_WEAKREFS_LISTPTR(op)`: the address of `op`'s list head word, or 0
 * when its type has none. @internal
 */
export function weaklistPtr(t: Views, op: number): number {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  const offset = t.i32[(type + TP_WEAKLISTOFFSET_OFFSET) >>> 2]!; // SAFETY: written before the type is published
  return offset > 0 ? op + offset : 0;
}

/** `PyWeakref_CheckRefExact(op)`. @public */
export function weakrefCheckRefExact(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.WeakRef];
}

/** `PyWeakref_CheckRef(op)`: a `weakref.ref` or an instance of a subclass. @public */
export function weakrefCheckRef(t: ObThread, op: number): boolean {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  const ref = t.types[StaticType.WeakRef]!;
  return type === ref || typeIsSubtype(t, type, ref);
}

/** `PyWeakref_CheckProxy(op)`: a proxy or a callable proxy (neither can be subclassed). @public */
export function weakrefCheckProxy(t: Pick<ObThread, 'u32' | 'types'>, op: number): boolean {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2];
  return type === t.types[StaticType.WeakProxy] || type === t.types[StaticType.WeakCallableProxy];
}

/** `PyWeakref_Check(op)`: a ref or a proxy. @public */
export function weakrefCheck(t: ObThread, op: number): boolean {
  return weakrefCheckProxy(t, op) || weakrefCheckRef(t, op);
}

function callbackOf(t: Views, wr: number): number {
  return t.u32[(wr + WR_CALLBACK_OFFSET) >>> 2]!;
}

function isBasicRef(t: ObThread, wr: number): boolean {
  return callbackOf(t, wr) === 0 && weakrefCheckRefExact(t, wr);
}

function isBasicProxy(t: ObThread, wr: number): boolean {
  return callbackOf(t, wr) === 0 && weakrefCheckProxy(t, wr);
}

/** `is_basic_ref_or_proxy`: a callback-less exact ref or proxy (the ones `ref(o)` / `proxy(o)` share). SAFETY: the stripe is held. @internal */
export function isBasicRefOrProxy(t: ObThread, wr: number): boolean {
  return isBasicRef(t, wr) || isBasicProxy(t, wr);
}

/** The first weakref of `op`'s list (0: none), read as a lock-free first look or under the stripe. @internal */
export function weaklistHead(t: Views, list: number): number {
  return Atomics.load(t.u32, list >>> 2);
}

/** The next weakref in a list. SAFETY: the stripe is held or the world is stopped. @internal */
export function weakrefNext(t: Views, wr: number): number {
  return t.u32[(wr + WR_NEXT_OFFSET) >>> 2]!;
}

/** `_PyWeakref_GetWeakrefCount(head)`. SAFETY: the stripe is held or the world is stopped. */
function countFrom(t: Views, head: number): number {
  let n = 0;
  for (let wr = head; wr !== 0; wr = weakrefNext(t, wr)) n++;
  return n;
}

/** `_PyWeakref_GetWeakrefCountThreadsafe(op)` (`weakref.getweakrefcount`): 0 when its type has no weakrefs. @public */
export function weakrefCount(t: ObThread, op: number): number {
  const list = weaklistPtr(t, op);
  if (list === 0) return 0;
  weakrefsLock(t, op);
  const n = countFrom(t, weaklistHead(t, list));
  weakrefsUnlock(t, op);
  return n;
}

/**
 * The weakrefs to `op`, head first, each a new reference (`weakref.getweakrefs`);
 * weakrefs that are being destroyed are left out (`_Py_TryIncref`).
 * @public
 */
export function weakrefsOf(t: ObThread, op: number): number[] {
  const out: number[] = [];
  const list = weaklistPtr(t, op);
  if (list === 0) return out;
  weakrefsLock(t, op);
  for (let wr = weaklistHead(t, list); wr !== 0; wr = weakrefNext(t, wr)) if (tryIncref(t.rc, wr)) out.push(wr);
  weakrefsUnlock(t, op);
  return out;
}

/**
 * `subtype_getweakref` (an instance's `__weakref__`): the first weakref to
 * `op` (a new reference), or None when it has none (or its type keeps no
 * list); one being destroyed counts as none.
 * @public
 */
export function weakrefFirst(t: ObThread, op: number): number {
  const list = weaklistPtr(t, op);
  let first = 0;
  if (list !== 0) {
    weakrefsLock(t, op);
    const head = weaklistHead(t, list);
    if (head !== 0 && tryIncref(t.rc, head)) first = head;
    weakrefsUnlock(t, op);
  }
  if (first !== 0) return first;
  incref(t.rc, t.none);
  return t.none;
}

// --- reading the referent -------------------------------------------------------------------------

/**
 * `_PyWeakref_GET_REF(wr)`: the referent, a new reference, or 0 (no error
 * set) once it is gone. Lock-free first look; then under the stripe the
 * weakref must still point at it (a clear and a reuse of the address may
 * have come between) and the referent must still be alive (`_Py_TryIncref`:
 * one whose count reached zero is dying even before its weakrefs are
 * cleared).
 * @public
 */
export function weakrefGetRef(t: ObThread, wr: number): number {
  const u32 = t.u32;
  const obj = Atomics.load(u32, (wr + WR_OBJECT_OFFSET) >>> 2);
  if (obj === t.none) return 0;
  weakrefsLock(t, obj);
  if (Atomics.load(u32, (wr + WR_OBJECT_OFFSET) >>> 2) === t.none) {
    weakrefsUnlock(t, obj);
    return 0;
  }
  const alive = tryIncref(t.rc, obj);
  weakrefsUnlock(t, obj);
  return alive ? obj : 0;
}

/** `_PyWeakref_IS_DEAD(wr)` without taking a reference: whether the referent is gone. @public */
export function weakrefIsDead(t: ObThread, wr: number): boolean {
  const obj = weakrefGetRef(t, wr);
  if (obj === 0) return true;
  decref(t.rc, obj);
  return false;
}

/**
 * `PyWeakref_GetRef(ref, &obj)`: the referent (a new reference) or None
 * when it is gone; 0 with TypeError ("expected a weakref") for anything
 * else.
 * @public
 */
export function weakrefGetObject(t: ObThread, ref: number): number {
  if (!weakrefCheck(t, ref)) return errRaise(t, StaticType.TypeError, 'expected a weakref');
  const obj = weakrefGetRef(t, ref);
  if (obj !== 0) return obj;
  incref(t.rc, t.none);
  return t.none;
}

/** The callback (a new reference, 0 for none): `ref.__callback__`. @public */
export function weakrefCallback(t: ObThread, wr: number): number {
  const key = t.u32[(wr + WR_LOCK_KEY_OFFSET) >>> 2]!;
  weakrefsLock(t, key);
  const callback = callbackOf(t, wr);
  if (callback !== 0) incref(t.rc, callback); // the weakref's reference keeps it alive while the stripe is held
  weakrefsUnlock(t, key);
  return callback;
}

// --- creating ---------------------------------------------------------------------------------

/** Which basic weakref a creation may reuse. */
const enum Kind {
  Ref,
  Proxy,
}

/** Scratch of {@link getBasicRefs} (module scope is per thread). */
const basic = { ref: 0, proxy: 0 };

/** `get_basic_refs(head)`: the callback-less ref and proxy at the head of a list. SAFETY: the stripe is held. */
function getBasicRefs(t: ObThread, head: number): void {
  basic.ref = 0;
  basic.proxy = 0;
  if (head === 0 || callbackOf(t, head) !== 0) return;
  let at = head;
  if (weakrefCheckRefExact(t, at)) {
    basic.ref = at;
    at = weakrefNext(t, at);
  }
  if (at !== 0 && callbackOf(t, at) === 0 && weakrefCheckProxy(t, at)) basic.proxy = at;
}

/** `try_reuse_basic_ref`: the basic ref or proxy with a new reference, unless a callback was asked for or it is dying. SAFETY: the stripe is held. */
function tryReuseBasic(t: ObThread, kind: Kind, callback: number): number {
  if (callback !== 0) return 0;
  const candidate = kind === Kind.Ref ? basic.ref : basic.proxy;
  return candidate !== 0 && tryIncref(t.rc, candidate) ? candidate : 0;
}

/**
 * `new_weakref` + `init_weakref`: a tracked weakref of `type` to `obj`,
 * not yet in `obj`'s list; 0 with MemoryError. Allocated without the
 * stripe (allocating may start a collection, which must not find this
 * thread holding a stripe it does not detach from).
 */
function allocWeakref(t: ObThread, type: number, obj: number, callback: number): number {
  const wr = gcNew(t.gc, type);
  if (wr === 0) return errNoMemory(t);
  const u32 = t.u32;
  // SAFETY: not published yet (zeroed: no neighbours).
  u32[(wr + WR_OBJECT_OFFSET) >>> 2] = obj;
  t.i32[(wr + WR_HASH_OFFSET) >>> 2] = -1;
  u32[(wr + WR_LOCK_KEY_OFFSET) >>> 2] = obj;
  if (callback !== 0) incref(t.rc, callback);
  u32[(wr + WR_CALLBACK_OFFSET) >>> 2] = callback;
  setMaybeWeakref(t.rc, obj);
  setMaybeWeakref(t.rc, wr);
  gcTrack(t.rc, wr);
  return wr;
}

/**
 * `get_or_create_weakref`: a weakref of `kind` to `obj` (`callback` 0 or
 * None: none), reusing the basic one when no callback is asked for; 0
 * with TypeError ("cannot create weak reference to 'list' object") or
 * MemoryError. `proxyType` chooses the proxy's type (callable or not).
 */
function getOrCreate(t: ObThread, kind: Kind, type: number, obj: number, callback: number): number {
  const list = weaklistPtr(t, obj);
  if (list === 0) return errRaise(t, StaticType.TypeError, `cannot create weak reference to '${typeNameOf(t, obj)}' object`);
  if (callback === t.none) callback = 0;
  weakrefsLock(t, obj);
  getBasicRefs(t, weaklistHead(t, list));
  let reused = tryReuseBasic(t, kind, callback);
  weakrefsUnlock(t, obj);
  if (reused !== 0) return reused;
  const fresh = allocWeakref(t, type, obj, callback);
  if (fresh === 0) return 0;
  weakrefsLock(t, obj);
  // Another thread may have made the basic one meanwhile.
  getBasicRefs(t, weaklistHead(t, list));
  reused = tryReuseBasic(t, kind, callback);
  if (reused !== 0) {
    weakrefsUnlock(t, obj);
    decref(t.rc, fresh);
    return reused;
  }
  // `get_prev`: the basic ref at the head, the basic proxy after it, the rest after both.
  const prev = isBasicRef(t, fresh) ? 0 : isBasicProxy(t, fresh) ? basic.ref : basic.proxy !== 0 ? basic.proxy : basic.ref;
  const u32 = t.u32;
  if (prev === 0) {
    // `insert_head`
    const next = u32[list >>> 2]!;
    u32[(fresh + WR_PREV_OFFSET) >>> 2] = 0;
    u32[(fresh + WR_NEXT_OFFSET) >>> 2] = next;
    if (next !== 0) u32[(next + WR_PREV_OFFSET) >>> 2] = fresh;
    Atomics.store(u32, list >>> 2, fresh);
  } else {
    // `insert_after`
    const next = u32[(prev + WR_NEXT_OFFSET) >>> 2]!;
    u32[(fresh + WR_PREV_OFFSET) >>> 2] = prev;
    u32[(fresh + WR_NEXT_OFFSET) >>> 2] = next;
    if (next !== 0) u32[(next + WR_PREV_OFFSET) >>> 2] = fresh;
    u32[(prev + WR_NEXT_OFFSET) >>> 2] = fresh;
  }
  weakrefsUnlock(t, obj);
  return fresh;
}

/**
 * `PyWeakref_NewRef(obj, callback)` (`weakref.ref(obj[, callback])`): a
 * new reference to a weakref — the shared callback-less one when
 * `callback` is 0 or None; 0 with TypeError ("cannot create weak reference
 * to 'list' object") or MemoryError.
 * @public
 */
export function weakrefNewRef(t: ObThread, obj: number, callback = 0): number {
  return getOrCreate(t, Kind.Ref, t.types[StaticType.WeakRef]!, obj, callback);
}

/**
 * `PyWeakref_NewProxy(obj, callback)` (`weakref.proxy(obj[, callback])`):
 * a `weakref.CallableProxyType` when `obj` is callable, else a
 * `weakref.ProxyType`; as {@link weakrefNewRef}.
 * @public
 */
export function weakrefNewProxy(t: ObThread, obj: number, callback = 0): number {
  // `PyCallable_Check`: a `tp_call` (or the call protocol's other entry) in the type; every class is
  // callable (`type_call`), whether or not the metatype names its call in a slot yet.
  const type = typeOf(t, obj);
  const callable = typeSlotId(t, type, 'call') !== 0 || typeSlotId(t, type, 'vectorcall') !== 0 || typeHasFlag(t, type, TPFLAGS_TYPE_SUBCLASS);
  return getOrCreate(t, Kind.Proxy, t.types[callable ? StaticType.WeakCallableProxy : StaticType.WeakProxy]!, obj, callback);
}

// --- clearing ---------------------------------------------------------------------------------

/**
 * `clear_weakref_lock_held(wr, &callback)`: unlinks `wr` from its
 * referent's list and points it at None; returns its callback (whose
 * reference passes to the caller, the weakref keeping none) when
 * `steal`, else 0 and the callback stays. SAFETY: the stripe of `wr`'s
 * lock key is held, or the world is stopped.
 * @internal
 */
export function clearWeakrefLockHeld(t: Views, none: number, wr: number, steal: boolean): number {
  const u32 = t.u32;
  const obj = Atomics.load(u32, (wr + WR_OBJECT_OFFSET) >>> 2);
  if (obj !== none) {
    const list = weaklistPtr(t, obj);
    const prev = u32[(wr + WR_PREV_OFFSET) >>> 2]!;
    const next = u32[(wr + WR_NEXT_OFFSET) >>> 2]!;
    // The head word is read lock-free by ClearWeakRefs' first look: a seq-cst store.
    if (u32[list >>> 2] === wr) Atomics.store(u32, list >>> 2, next);
    Atomics.store(u32, (wr + WR_OBJECT_OFFSET) >>> 2, none);
    if (prev !== 0) u32[(prev + WR_NEXT_OFFSET) >>> 2] = next;
    if (next !== 0) u32[(next + WR_PREV_OFFSET) >>> 2] = prev;
    u32[(wr + WR_PREV_OFFSET) >>> 2] = 0;
    u32[(wr + WR_NEXT_OFFSET) >>> 2] = 0;
  }
  if (!steal) return 0;
  const callback = u32[(wr + WR_CALLBACK_OFFSET) >>> 2]!;
  u32[(wr + WR_CALLBACK_OFFSET) >>> 2] = 0;
  return callback;
}

/** `clear_weakref(wr)`: unlinks it under its stripe and releases its callback. */
function clearWeakref(t: ObThread, wr: number): void {
  const key = t.u32[(wr + WR_LOCK_KEY_OFFSET) >>> 2]!;
  weakrefsLock(t, key);
  const callback = clearWeakrefLockHeld(t, t.none, wr, true);
  weakrefsUnlock(t, key);
  if (callback !== 0) decref(t.rc, callback);
}

/** `weakref_dealloc` / `proxy_dealloc`. @internal */
export function weakrefDealloc(t: ObThread, wr: number): void {
  gcUntrack(t.rc, wr);
  clearWeakref(t, wr);
  gcDel(t.gc, wr);
}

/** `gc_traverse`: the callback. @internal */
export function weakrefTraverse(t: RcThread, wr: number, visit: (child: number) => number): number {
  const callback = t.u32[(wr + WR_CALLBACK_OFFSET) >>> 2]!;
  return callback === 0 ? 0 : visit(callback);
}

/** `gc_clear`: the weakref is garbage; unlinked (if the collector has not) and its callback released. @internal */
export function weakrefTpClear(t: ObThread, wr: number): void {
  clearWeakref(t, wr);
}

// --- the ref type's slots ---------------------------------------------------------------------

/** `weakref_hash`: the referent's hash, kept from the first call; TypeError "weak object has gone away" when first asked after it died. @internal */
export function weakrefHash(t: ObThread, wr: number): number {
  const i32 = t.i32;
  criticalSectionBegin(t.heap, wr + OB_MUTEX_OFFSET);
  let hash = i32[(wr + WR_HASH_OFFSET) >>> 2]!;
  if (hash === -1) {
    const obj = weakrefGetRef(t, wr);
    if (obj === 0) {
      errRaise(t, StaticType.TypeError, 'weak object has gone away');
    } else {
      hash = objectHash(t, obj);
      decref(t.rc, obj);
      i32[(wr + WR_HASH_OFFSET) >>> 2] = hash;
    }
  }
  criticalSectionEnd(t.heap);
  return hash;
}

/**
 * `_PyObject_LookupSpecial(obj, "__name__")` as a JavaScript string, or
 * null: the referent's type's `__name__` attribute through its descriptor
 * (a function's name); for a class, its `__name__` while `type` has no
 * descriptor of its own for it. Errors are swallowed (a repr).
 */
function specialName(t: ObThread, obj: number): string | null {
  const key = strFromJs(t, '__name__');
  if (key === 0) {
    errClear(t);
    return null;
  }
  const type = typeOf(t, obj);
  const descr = typeLookupRef(t, type, key);
  decref(t.rc, key);
  let name = 0;
  if (descr !== 0) {
    name = descrValue(t, descr, obj, type);
    decref(t.rc, descr);
  } else if (typeHasFlag(t, type, TPFLAGS_TYPE_SUBCLASS)) {
    // A class's `__name__`: its tp_name after the module part (heap types' tp_name is the bare name).
    const full = typeName(t, obj);
    return full.slice(full.lastIndexOf('.') + 1);
  }
  if (name === 0) {
    errClear(t);
    return null;
  }
  const text = typeHasFlag(t, typeOf(t, name), TPFLAGS_UNICODE_SUBCLASS) ? strToJs(t, name) : null;
  decref(t.rc, name);
  return text;
}

/** A descriptor's `__get__(obj, type)` result, or the attribute itself when it is no descriptor (a new reference; 0 with an exception). */
function descrValue(t: ObThread, descr: number, obj: number, type: number): number {
  const id = typeSlotId(t, typeOf(t, descr), 'descrGet');
  if (id === 0) {
    incref(t.rc, descr);
    return descr;
  }
  return t.slots.descrGet[id]!(t, descr, obj, type);
}

/** `type.__dict__[key]` as JavaScript text when it is a str, else null (no exception). */
function typeDictText(t: ObThread, type: number, key: string): string | null {
  const name = strFromJs(t, key);
  const value = name === 0 ? 0 : dictGetItemRef(t, t.u32[(type + TP_DICT_OFFSET) >>> 2]!, name);
  if (name !== 0) decref(t.rc, name);
  if (value === 0) {
    errClear(t);
    return null;
  }
  const text = typeHasFlag(t, typeOf(t, value), TPFLAGS_UNICODE_SUBCLASS) ? strToJs(t, value) : null;
  decref(t.rc, value);
  return text;
}

/**
 * `PyType_GetFullyQualifiedName(type)` (the `%T` of the reprs): a static
 * type's `tp_name` (`collections.deque`); a heap type's `__qualname__`,
 * after its `__module__` unless that is `builtins` or `__main__` (or not a
 * str): `mymod.C.Inner`, `Foo`.
 * @internal
 */
export function typeFullyQualifiedNameJs(t: ObThread, type: number): string {
  if ((t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) === 0) return typeName(t, type);
  const qualname = typeDictText(t, type, '__qualname__') ?? typeName(t, type);
  const module = typeDictText(t, type, '__module__');
  return module === null || module === 'builtins' || module === '__main__' ? qualname : `${module}.${qualname}`;
}

/** `weakref_repr`: `<weakref at 0x…; to 'Foo' at 0x…>` (the type's fully qualified name), with ` (name)` for a referent with a `__name__`; `<weakref at 0x…; dead>`. @internal */
export function weakrefReprJs(t: ObThread, wr: number): string {
  const obj = weakrefGetRef(t, wr);
  if (obj === 0) return `<weakref at ${formatAddress(wr)}; dead>`;
  const name = specialName(t, obj);
  const text = `<weakref at ${formatAddress(wr)}; to '${typeFullyQualifiedNameJs(t, typeOf(t, obj))}' at ${formatAddress(obj)}${name === null ? '' : ` (${name})`}>`;
  decref(t.rc, obj);
  return text;
}

/**
 * `weakref_richcompare`: two weakrefs are equal when their referents are
 * (compared as `==` / `!=`), or, once either is gone, when they are the
 * same weakref; NotImplemented for ordering or another type. @internal
 */
export function weakrefRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if ((op !== PY_EQ && op !== PY_NE) || !weakrefCheck(t, a) || !weakrefCheck(t, b)) {
    incref(t.rc, t.notImplemented);
    return t.notImplemented;
  }
  const x = weakrefGetRef(t, a);
  const y = weakrefGetRef(t, b);
  if (x === 0 || y === 0) {
    if (x !== 0) decref(t.rc, x);
    if (y !== 0) decref(t.rc, y);
    const same = (a === b) === (op === PY_EQ);
    const r = same ? t.true : t.false;
    incref(t.rc, r);
    return r;
  }
  const r = objectRichCompare(t, x, y, op);
  decref(t.rc, x);
  decref(t.rc, y);
  return r;
}

/** `weakref_vectorcall`: `ref()` — the referent or None; TypeError for arguments ("weakref expected 0 arguments, got 1", "weakref() takes no keyword arguments"). @internal */
export function weakrefCall(t: ObThread, wr: number, args: number, kwargs: number): number {
  if (kwargs !== 0 && dictNonEmpty(t, kwargs)) return errRaise(t, StaticType.TypeError, 'weakref() takes no keyword arguments');
  const n = tupleSize(t, args);
  if (n !== 0) return errRaise(t, StaticType.TypeError, `weakref expected 0 arguments, got ${n}`);
  const obj = weakrefGetRef(t, wr);
  if (obj !== 0) return obj;
  incref(t.rc, t.none);
  return t.none;
}

function dictNonEmpty(t: ObThread, dict: number): boolean {
  return Atomics.load(t.u32, (dict + DICT_USED_OFFSET) >>> 2) !== 0; // a snapshot, as PyDict_GET_SIZE
}

/** `parse_weakref_init_args`: (obj, callback) from 1 or 2 positional arguments, or null with CPython's TypeError. */
function parseArgs(t: ObThread, fn: string, args: number): [number, number] | null {
  const n = tupleSize(t, args);
  if (n < 1) {
    errRaise(t, StaticType.TypeError, `${fn} expected at least 1 argument, got ${n}`);
    return null;
  }
  if (n > 2) {
    errRaise(t, StaticType.TypeError, `${fn} expected at most 2 arguments, got ${n}`);
    return null;
  }
  return [tupleGetItem(t, args, 0), n === 2 ? tupleGetItem(t, args, 1) : 0];
}

/** `weakref___new__`: `weakref.ref(obj[, callback])`. @internal */
export function weakrefNew(t: ObThread, type: number, args: number, _kwargs: number): number {
  const parsed = parseArgs(t, '__new__', args);
  if (parsed === null) return 0;
  return getOrCreate(t, Kind.Ref, type, parsed[0], parsed[1]);
}

/** `weakref___init__`: only checks the arguments ("ref() takes no keyword arguments"). @internal */
export function weakrefInit(t: ObThread, _self: number, args: number, kwargs: number): number {
  if (kwargs !== 0 && dictNonEmpty(t, kwargs)) return errRaiseInt(t, StaticType.TypeError, 'ref() takes no keyword arguments');
  return parseArgs(t, '__init__', args) === null ? -1 : 0;
}
