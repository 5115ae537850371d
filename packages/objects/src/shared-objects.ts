/**
 * The JavaScript façade: a dict and a list in the shared heap that plain
 * JavaScript uses like a `Map` and an array, from any worker, without
 * Python code. One thread creates them; it hands their {@link
 * SharedObjectHandle} (a small plain object) to workers, which open their
 * own views on it. Every operation is the object layer's, with its
 * free-threaded contract: `get`, `has`, `length` read lock-free; `set`,
 * `delete`, `push` are atomic; iteration walks one consistent snapshot.
 *
 * Values cross with {@link toPython} / {@link toJS}; a dict or list stored
 * inside comes back as a view of that same shared container (so
 * `outer.get('inner').set(…)` changes what every worker sees), anything
 * else as a JavaScript value. A Python error is thrown as a
 * {@link PyError} whose `name` is the Python type's (`KeyError`).
 *
 * A view holds a reference to its container: `release()` (or `using`)
 * gives it back; a view dropped without it is released by the thread
 * later (a FinalizationRegistry queues it and the thread's next façade
 * call releases it — never from the finalizer itself, which may run while
 * the thread is detached).
 */

import { decref, incref } from '@ft/refcount';
import { dictClear, dictContains, dictDelItem, dictGetItemRef, dictNew, dictSetItem, dictSize, dictSnapshot, dictStoredKeyRef } from './dict.js';
import { errExceptionMatches, errClear, errToJs, type PyError } from './errors.js';
import { toJS, toPython } from './interop.js';
import { StaticType, TPFLAGS_DICT_SUBCLASS, TPFLAGS_LIST_SUBCLASS } from './layout.js';
import { listAppend, listAsTuple, listContains, listGetItemRef, listNew, listPop, listSetItem, listSize } from './list.js';
import { listDelSlice } from './list-slice.js';
import type { ObjectsRuntime } from './objects-runtime.js';
import type { ObThread } from './ob-thread.js';
import { intCompactValue, intIsCompact } from './int.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeName, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';

/** What a worker opens a shared dict or list with (structured-cloneable). @public */
export interface SharedObjectHandle {
  /** What the container is. */
  readonly kind: 'dict' | 'list';
  /** The container's address in the heap. */
  readonly address: number;
}

/** Per thread (module scope is thread-local): references that dropped views left to release. */
const pendingReleases: { rt: ObjectsRuntime; address: number }[] = [];
const finalizer = new FinalizationRegistry<{ rt: ObjectsRuntime; address: number }>((held) => {
  pendingReleases.push(held);
});

/** Releases what dropped views left behind. The thread is attached: it is using the façade. */
function drainPending(): void {
  while (pendingReleases.length > 0) {
    const { rt, address } = pendingReleases.pop()!;
    decref(rt.rc, address);
  }
}

/**
 * Str keys made from JavaScript strings, per thread (a hot key costs no
 * allocation), and which of them are a dict's own key objects (adopted
 * after a hit, so that lookups match by identity); cleared when full.
 */
interface KeyCache {
  readonly strs: Map<string, number>;
  readonly adopted: Set<number>;
}
const keyCache = new WeakMap<ObThread, KeyCache>();
const KEY_CACHE_MAX = 1024;

/** The thread's key cache. */
function keyCacheOf(t: ObThread): KeyCache {
  let cache = keyCache.get(t);
  if (cache === undefined) keyCache.set(t, (cache = { strs: new Map(), adopted: new Set() }));
  return cache;
}

/** The str for a JavaScript string key, from the cache (borrowed: the cache holds it). */
function strKey(t: ObThread, cache: KeyCache, key: string): number {
  const known = cache.strs.get(key);
  if (known !== undefined) return known;
  const op = strFromJs(t, key);
  if (op === 0) throwPython(t);
  if (cache.strs.size >= KEY_CACHE_MAX) {
    for (const old of cache.strs.values()) decref(t.rc, old);
    cache.strs.clear();
    cache.adopted.clear();
  }
  cache.strs.set(key, op);
  return op;
}

/** Throws the thread's Python exception as a PyError named after its type. */
function throwPython(t: ObThread): never {
  const error: PyError = errToJs(t);
  error.name = typeName(t, error.pyType);
  throw error;
}

/** A new reference `op` as what a façade call returns: a view for a dict or list (which takes the reference), else its JavaScript value. */
function valueToJS(rt: ObjectsRuntime, op: number): unknown {
  const t = rt.t;
  const type = typeOf(t, op);
  // The common values first, by exact type (a plain read: these objects never change type).
  if (type === t.types[StaticType.Int] && intIsCompact(t, op)) {
    const value = intCompactValue(t, op);
    decref(t.rc, op);
    return value;
  }
  if (type === t.types[StaticType.Str]) {
    const value = strToJs(t, op);
    decref(t.rc, op);
    return value;
  }
  if (typeHasFlag(t, type, TPFLAGS_DICT_SUBCLASS)) return new SharedDict(rt, op);
  if (typeHasFlag(t, type, TPFLAGS_LIST_SUBCLASS)) return new SharedList(rt, op);
  try {
    return toJS(t, op);
  } finally {
    decref(t.rc, op);
  }
}

/** A JavaScript value as a new Python reference: a view stores its own container, anything else converts. */
function valueToPython(t: ObThread, value: unknown): number {
  if (value instanceof SharedView) {
    const address = value.address;
    incref(t.rc, address);
    return address;
  }
  return toPython(t, value);
}

/** What the views have in common: the thread's runtime and a counted reference to the container. @public */
export abstract class SharedView {
  /** The thread's runtime this view works in. */
  protected readonly rt: ObjectsRuntime;
  private held: boolean;
  /** The container's address in the heap. */
  readonly address: number;

  /** @internal (takes over the reference `address`) */
  constructor(rt: ObjectsRuntime, address: number) {
    this.rt = rt;
    this.address = address;
    this.held = true;
    finalizer.register(this, { rt, address }, this);
  }

  /** What another worker opens this container with. */
  abstract get handle(): SharedObjectHandle;

  /** Gives the view's reference back; the view is unusable afterwards. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    finalizer.unregister(this);
    decref(this.rt.rc, this.address);
  }

  /** `using view = …`: {@link SharedView.release}. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** The thread's context, after releasing what dropped views left; throws once released. */
  protected ob(): ObThread {
    if (!this.held) throw new TypeError(`${this.constructor.name}: the view was released`);
    if (pendingReleases.length > 0) drainPending();
    return this.rt.t;
  }
}

/**
 * A dict in the shared heap, used like a `Map` from any worker.
 * @example
 * ```ts
 * const scores = SharedDict.create(rt, { alice: 1 });
 * worker.postMessage(scores.handle);
 * // in the worker:
 * const scores = SharedDict.open(rt, handle);
 * scores.set('bob', 2);
 * ```
 * @public
 */
export class SharedDict extends SharedView implements Iterable<[unknown, unknown]> {
  /** A new shared dict, filled from a plain object or a Map when given. */
  static create(rt: ObjectsRuntime, init?: Record<string, unknown> | Map<unknown, unknown>): SharedDict {
    const t = rt.t;
    const op = init === undefined ? dictNew(t) : toPython(t, init);
    if (op === 0) throwPython(t);
    if (!typeHasFlag(t, typeOf(t, op), TPFLAGS_DICT_SUBCLASS)) {
      decref(t.rc, op);
      throw new TypeError('SharedDict.create: init must be a plain object or a Map');
    }
    return new SharedDict(rt, op);
  }

  /** A view of the dict another thread shared (its {@link SharedView.handle}). */
  static open(rt: ObjectsRuntime, handle: SharedObjectHandle): SharedDict {
    return new SharedDict(rt, openHandle(rt, handle, 'dict'));
  }

  /** The thread's cache of str keys. */
  private readonly strKeys = keyCacheOf(this.rt.t);
  /** Whether the key {@link SharedDict.pyKey} returned last is the caller's to release. */
  private keyOwned = false;

  /** The Python key of `key`: a cached str for a string (borrowed), else a new object. */
  private pyKey(t: ObThread, key: unknown): number {
    if (typeof key === 'string') {
      this.keyOwned = false;
      return strKey(t, this.strKeys, key);
    }
    const op = toPython(t, key);
    this.keyOwned = true;
    return op;
  }

  /** Releases a key from {@link SharedDict.pyKey} if it is the caller's. */
  private dropKey(t: ObThread, k: number): void {
    if (this.keyOwned) decref(t.rc, k);
  }

  /** What another worker opens this dict with ({@link SharedDict.open}). */
  get handle(): SharedObjectHandle {
    return { kind: 'dict', address: this.address };
  }

  /** `d[key]` as a JavaScript value (a view for a dict or list), or undefined when missing. */
  get(key: unknown): unknown {
    const t = this.ob();
    const k = this.pyKey(t, key);
    const value = dictGetItemRef(t, this.address, k);
    if (value !== 0 && typeof key === 'string') this.adoptStoredKey(t, key, k);
    this.dropKey(t, k);
    if (value === 0) {
      if (t.error.type !== 0) throwPython(t);
      return undefined;
    }
    return valueToJS(this.rt, value);
  }

  /**
   * After a hit by the cached str `k` for `key`: when the dict stores a
   * different (equal) key object, the cache keeps that one instead, so that
   * the next lookups match by identity (no comparison and no reference to
   * take on the key: the lookups' fast path).
   */
  private adoptStoredKey(t: ObThread, key: string, k: number): void {
    const cache = this.strKeys;
    if (cache.adopted.has(k) || cache.strs.get(key) !== k) return;
    const stored = dictStoredKeyRef(t, this.address, k);
    if (stored === 0) {
      errClear(t);
      return;
    }
    cache.adopted.add(stored);
    if (stored === k) {
      decref(t.rc, stored); // already the dict's own
      return;
    }
    cache.strs.set(key, stored); // the cache's reference moves to the stored key
    decref(t.rc, k);
  }

  /** `d[key] = value`; atomic. */
  set(key: unknown, value: unknown): this {
    const t = this.ob();
    const k = this.pyKey(t, key);
    const owned = this.keyOwned;
    let v = 0;
    try {
      v = valueToPython(t, value);
      if (dictSetItem(t, this.address, k, v) < 0) throwPython(t);
    } finally {
      if (owned) decref(t.rc, k);
      if (v !== 0) decref(t.rc, v);
    }
    return this;
  }

  /** `key in d`. */
  has(key: unknown): boolean {
    const t = this.ob();
    const k = this.pyKey(t, key);
    const r = dictContains(t, this.address, k);
    this.dropKey(t, k);
    if (r < 0) throwPython(t);
    return r === 1;
  }

  /** `del d[key]`: true, or false when it was missing; atomic. */
  delete(key: unknown): boolean {
    const t = this.ob();
    const k = this.pyKey(t, key);
    const r = dictDelItem(t, this.address, k);
    this.dropKey(t, k);
    if (r === 0) return true;
    if (errExceptionMatches(t, t.types[StaticType.KeyError]!)) {
      errClear(t);
      return false;
    }
    return throwPython(t);
  }

  /** `d.clear()`. */
  clear(): void {
    dictClear(this.ob(), this.address);
  }

  /** `len(d)`, lock-free. */
  get length(): number {
    return dictSize(this.ob(), this.address);
  }

  /** `len(d)` (as a Map names it). */
  get size(): number {
    return this.length;
  }

  /** The (key, value) pairs of one snapshot taken under the dict's lock. */
  *entries(): IterableIterator<[unknown, unknown]> {
    const t = this.ob();
    const pairs = dictSnapshot(t, this.address, 2);
    if (pairs === null) throwPython(t);
    try {
      for (let i = 0; i < pairs.length; i++) {
        const pair = pairs[i]!;
        const key = tupleGetItem(t, pair, 0);
        const value = tupleGetItem(t, pair, 1);
        incref(t.rc, value);
        yield [toJS(t, key), valueToJS(this.rt, value)];
      }
    } finally {
      for (const pair of pairs) decref(t.rc, pair);
    }
  }

  /** The keys of one snapshot. */
  *keys(): IterableIterator<unknown> {
    for (const [key] of this.entries()) yield key;
  }

  /** The values of one snapshot. */
  *values(): IterableIterator<unknown> {
    for (const [, value] of this.entries()) yield value;
  }

  /** `for (const [key, value] of d)`: {@link SharedDict.entries}. */
  [Symbol.iterator](): IterableIterator<[unknown, unknown]> {
    return this.entries();
  }

  /** A deep JavaScript copy (a plain object when every key is a str, else a Map). */
  toJS(): unknown {
    return toJS(this.ob(), this.address);
  }
}

/**
 * A list in the shared heap, used like an array from any worker.
 * @public
 */
export class SharedList extends SharedView implements Iterable<unknown> {
  /** A new shared list, filled from an array when given. */
  static create(rt: ObjectsRuntime, init: readonly unknown[] = []): SharedList {
    const t = rt.t;
    const op = init.length === 0 ? listNew(t, 0) : toPython(t, init);
    if (op === 0) throwPython(t);
    return new SharedList(rt, op);
  }

  /** A view of the list another thread shared. */
  static open(rt: ObjectsRuntime, handle: SharedObjectHandle): SharedList {
    return new SharedList(rt, openHandle(rt, handle, 'list'));
  }

  /** What another worker opens this list with ({@link SharedList.open}). */
  get handle(): SharedObjectHandle {
    return { kind: 'list', address: this.address };
  }

  /** `lst[i]` (a negative `i` counts from the end) as a JavaScript value, or undefined out of range. */
  get(i: number): unknown {
    const t = this.ob();
    const index = checkIndex(i, 'get');
    const n = listSize(t, this.address);
    const value = listGetItemRef(t, this.address, index < 0 ? index + n : index);
    if (value === 0) {
      errClear(t); // IndexError: out of range reads as undefined, as an array's do
      return undefined;
    }
    return valueToJS(this.rt, value);
  }

  /** `lst[i] = value`; throws IndexError (a PyError) out of range. */
  set(i: number, value: unknown): this {
    const t = this.ob();
    const index = checkIndex(i, 'set');
    const v = valueToPython(t, value);
    const n = listSize(t, this.address);
    // listSetItem steals the reference.
    if (listSetItem(t, this.address, index < 0 ? index + n : index, v) < 0) throwPython(t);
    return this;
  }

  /** `lst.append(v)` for each value, atomically each; returns the new length. */
  push(...values: unknown[]): number {
    const t = this.ob();
    for (const value of values) {
      const v = valueToPython(t, value);
      const r = listAppend(t, this.address, v);
      decref(t.rc, v);
      if (r < 0) throwPython(t);
    }
    return listSize(t, this.address);
  }

  /** `lst.pop()`: the last item, or undefined when empty; atomic. */
  pop(): unknown {
    const t = this.ob();
    const value = listPop(t, this.address);
    if (value === 0) {
      errClear(t); // IndexError: pop from empty list
      return undefined;
    }
    return valueToJS(this.rt, value);
  }

  /** `del lst[i]`: true, or false out of range; atomic. */
  delete(i: number): boolean {
    const t = this.ob();
    const index = checkIndex(i, 'delete');
    const n = listSize(t, this.address);
    const j = index < 0 ? index + n : index;
    if (j < 0 || j >= n) return false;
    if (listDelSlice(t, this.address, j, j + 1) < 0) throwPython(t);
    return true;
  }

  /** `value in lst`. */
  includes(value: unknown): boolean {
    const t = this.ob();
    const v = valueToPython(t, value);
    const r = listContains(t, this.address, v);
    decref(t.rc, v);
    if (r < 0) throwPython(t);
    return r === 1;
  }

  /** `len(lst)`, lock-free. */
  get length(): number {
    return listSize(this.ob(), this.address);
  }

  /** The items of one snapshot taken under the list's lock. */
  *[Symbol.iterator](): IterableIterator<unknown> {
    const t = this.ob();
    const tuple = listAsTuple(t, this.address);
    if (tuple === 0) throwPython(t);
    try {
      for (let i = 0; i < tupleSize(t, tuple); i++) {
        const item = tupleGetItem(t, tuple, i);
        incref(t.rc, item);
        yield valueToJS(this.rt, item);
      }
    } finally {
      decref(t.rc, tuple);
    }
  }

  /** A deep JavaScript copy. */
  toJS(): unknown {
    return toJS(this.ob(), this.address);
  }
}

/** An index argument: an integer, else RangeError. */
function checkIndex(i: number, what: string): number {
  if (!Number.isSafeInteger(i)) throw new RangeError(`SharedList.${what}: the index must be an integer, got ${String(i)}`);
  return i;
}

/** A new reference to the container a handle names, after checking it is what the handle says. */
function openHandle(rt: ObjectsRuntime, handle: SharedObjectHandle, kind: 'dict' | 'list'): number {
  const t = rt.t;
  if (typeof handle !== 'object' || handle === null || handle.kind !== kind || !Number.isInteger(handle.address) || handle.address <= 0 || handle.address % 4 !== 0 || handle.address >= t.heap.size) {
    throw new TypeError(`Shared${kind === 'dict' ? 'Dict' : 'List'}.open: not a shared ${kind}'s handle`);
  }
  const op = handle.address;
  const flag = kind === 'dict' ? TPFLAGS_DICT_SUBCLASS : TPFLAGS_LIST_SUBCLASS;
  if (!typeHasFlag(t, typeOf(t, op), flag)) throw new TypeError(`Shared${kind === 'dict' ? 'Dict' : 'List'}.open: the handle's object is not a ${kind}`);
  incref(t.rc, op);
  return op;
}
