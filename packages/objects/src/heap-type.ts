/**
 * Heap types (`type_new`, `subtype_dealloc`, `type_dealloc`): classes
 * created at run time, ordinary refcounted GC objects. A heap type has its
 * bases, a C3 MRO, its own dict (a copy of the namespace it was created
 * from), member slots for `__slots__` names and a `__dict__` slot in its
 * instances unless `__slots__` says otherwise; its empty slot behaviours
 * are inherited along the MRO. Its version tag comes from the
 * interpreter's counter when a lookup first needs one.
 *
 * Instances count their references to their heap type per thread (the
 * type's unique id, `@ft/refcount`), so that creating objects of one class
 * from many threads does not contend on the type's count.
 *
 * Limits for now: the solid base must be `object` (or another heap type
 * over it) — subclassing list, dict, int, str or tuple comes with their
 * subclass support.
 */

import { gcNew, gcTrack, gcUntrack, gcDel } from '@ft/gc';
import { pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import {
  allocObject,
  createHeapType,
  decref,
  decrefType,
  freeObject,
  incref,
  OB_TYPE_OFFSET,
  releaseUniqueId,
  setTypeUniqueId,
  TP_BASICSIZE_OFFSET,
  TP_FLAGS_OFFSET,
  TP_ITEMSIZE_OFFSET,
  TP_UNIQUE_ID_OFFSET,
  TYPE_FLAG_HAVE_GC,
  TYPE_FLAG_HEAPTYPE,
  TYPE_FLAG_STATIC_BUILTIN,
  type RcThread,
} from '@ft/refcount';
import { dictClear, dictCopy, dictSetItem, dictSnapshot } from './dict.js';
import { errNoMemory, errRaise } from './errors.js';
import {
  MEMBER_NAME_OFFSET,
  MEMBER_SLOT_OFFSET,
  MEMBER_TYPE_OFFSET,
  StaticType,
  TP_BASE_OFFSET,
  TP_BASES_OFFSET,
  TP_DICT_OFFSET,
  TP_DICTOFFSET_OFFSET,
  TP_FLAGS2_OFFSET,
  TP_MRO_OFFSET,
  TP_NAME_OFFSET,
  TP_SLOTS_MAX,
  TP_SLOTS_OFFSET,
  TP_SUBCLASSES_OFFSET,
  TYPE2_FINAL,
  TYPE2_READY,
} from './layout.js';
import { c3Linearize } from './mro.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeIsSubtype, typeName } from './subtype.js';
import { tupleFromArray, tupleGetItem, tupleSize } from './tuple.js';
import { typeLock, typeModifiedLocked, typeUnlock } from './type-version.js';

/**
 * The VM's hooks into class creation (`__set_name__`, `__init_subclass__`):
 * each returns 0, or -1 with the exception set. Absent: nothing is called.
 * @public
 */
export interface TypeHooks {
  /** `value.__set_name__(owner, name)`, for every namespace value whose type has one. */
  setName?: (t: ObThread, value: number, owner: number, name: number) => number;
  /** `super(type, type).__init_subclass__(**kwargs)`. */
  initSubclass?: (t: ObThread, type: number) => number;
}

/** The hooks of each thread's VM (one per thread: module scope is thread-local). */
const hooksByThread = new WeakMap<ObThread, TypeHooks>();

/** Installs the VM's class-creation hooks for this thread. @public */
export function setTypeHooks(t: ObThread, hooks: TypeHooks): void {
  hooksByThread.set(t, hooks);
}

/** The solid base (`solid_base`): the nearest ancestor that adds instance layout, here the one whose instances differ in size. */
function solidBase(t: ObThread, type: number): number {
  const u32 = t.u32;
  let solid = type;
  for (;;) {
    const base = u32[(solid + TP_BASE_OFFSET) >>> 2]!;
    if (base === 0) return solid;
    if (u32[(base + TP_BASICSIZE_OFFSET) >>> 2] !== u32[(solid + TP_BASICSIZE_OFFSET) >>> 2] || u32[(solid + TP_DICTOFFSET_OFFSET) >>> 2] !== u32[(base + TP_DICTOFFSET_OFFSET) >>> 2]) {
      // Heap types add slots or a dict: they are solid themselves.
      return solid;
    }
    solid = base;
  }
}

/** `best_base`: the base whose solid base extends every other's, or 0 with TypeError ("multiple bases have instance lay-out conflict"). */
function bestBase(t: ObThread, bases: readonly number[]): number {
  let winner = 0;
  let base = 0;
  for (const candidate of bases) {
    const solid = solidBase(t, candidate);
    if (winner === 0) {
      winner = solid;
      base = candidate;
    } else if (isSubtypeChain(t, winner, solid)) {
      // the winner already extends this one
    } else if (isSubtypeChain(t, solid, winner)) {
      winner = solid;
      base = candidate;
    } else {
      return errRaise(t, StaticType.TypeError, 'multiple bases have instance lay-out conflict');
    }
  }
  return base;
}

function isSubtypeChain(t: ObThread, a: number, b: number): boolean {
  for (let x = a; x !== 0; x = t.u32[(x + TP_BASE_OFFSET) >>> 2]!) if (x === b) return true;
  return false;
}

/** Adds `type` to `base`'s subclasses (borrowed). SAFETY: the type lock is held. Returns false without memory. */
function addSubclass(t: ObThread, base: number, type: number): boolean {
  const u32 = t.u32;
  const at = (base + TP_SUBCLASSES_OFFSET) >>> 2;
  let array = u32[at]!;
  const count = array === 0 ? 0 : u32[array >>> 2]!;
  const capacity = array === 0 ? 0 : u32[(array >>> 2) + 1]!;
  if (count === capacity) {
    const bigger = pyMemMalloc(t.domains, 8 + 4 * Math.max(4, capacity * 2));
    if (bigger === 0) return false;
    u32[bigger >>> 2] = count;
    u32[(bigger >>> 2) + 1] = Math.max(4, capacity * 2);
    for (let i = 0; i < count; i++) u32[(bigger >>> 2) + 2 + i] = u32[(array >>> 2) + 2 + i]!;
    if (array !== 0) pyMemFree(t.domains, array);
    array = bigger;
    u32[at] = array;
  }
  u32[(array >>> 2) + 2 + count] = type;
  u32[array >>> 2] = count + 1;
  return true;
}

/** Removes `type` from `base`'s subclasses. SAFETY: the type lock is held. */
function removeSubclass(t: ObThread, base: number, type: number): void {
  const u32 = t.u32;
  const array = u32[(base + TP_SUBCLASSES_OFFSET) >>> 2]!;
  if (array === 0) return;
  const count = u32[array >>> 2]!;
  for (let i = 0; i < count; i++) {
    if (u32[(array >>> 2) + 2 + i] === type) {
      u32[(array >>> 2) + 2 + i] = u32[(array >>> 2) + 2 + count - 1]!;
      u32[array >>> 2] = count - 1;
      return;
    }
  }
}

/**
 * `type(name, bases, namespace)` (`type_new`): a new heap type, a new
 * reference, or 0 with an exception (TypeError for a base that is not a
 * type or not subclassable, a duplicate base, an inconsistent MRO, a
 * layout conflict; or what a `__set_name__` / `__init_subclass__` hook
 * raised). `bases` is a tuple (empty: `(object,)`); `namespace` a dict,
 * copied; `slotNames` the `__slots__` (null: instances get a `__dict__`).
 * @public
 */
export function typeNew(t: ObThread, metatype: number, name: string, bases: number, namespace: number, slotNames: readonly string[] | null = null): number {
  const u32 = t.u32;
  const baseList: number[] = [];
  for (let i = 0; i < tupleSize(t, bases); i++) baseList.push(tupleGetItem(t, bases, i));
  if (baseList.length === 0) baseList.push(t.types[StaticType.Object]!);
  for (const b of baseList) {
    if (!typeIsSubtype(t, u32[(b + OB_TYPE_OFFSET) >>> 2]!, t.types[StaticType.Type]!)) return errRaise(t, StaticType.TypeError, 'bases must be types');
    if ((t.u16[(b + TP_FLAGS2_OFFSET) >>> 1]! & TYPE2_FINAL) !== 0) return errRaise(t, StaticType.TypeError, `type '${typeName(t, b)}' is not an acceptable base type`);
  }
  const base = bestBase(t, baseList);
  if (base === 0) return 0;
  const solid = solidBase(t, base);
  if (solid !== t.types[StaticType.Object] && (u32[(solid + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) === 0 && u32[(solid + TP_BASICSIZE_OFFSET) >>> 2] !== 20) {
    return errRaise(t, StaticType.TypeError, `type '${typeName(t, solid)}' cannot be subclassed in ft yet (only classes over object are)`);
  }

  // Instance layout: the base's, then one word per __slots__ name, then __dict__ unless __slots__ was given.
  let size = u32[(base + TP_BASICSIZE_OFFSET) >>> 2]!;
  const slotOffsets: number[] = [];
  for (let i = 0; i < (slotNames?.length ?? 0); i++) {
    slotOffsets.push(size);
    size += 4;
  }
  let dictOffset = u32[(base + TP_DICTOFFSET_OFFSET) >>> 2]!;
  if (slotNames === null && dictOffset === 0) {
    dictOffset = size;
    size += 4;
  }

  const nameStr = strFromJs(t, name);
  if (nameStr === 0) return 0;
  const dict = dictCopy(t, namespace);
  if (dict === 0) {
    decref(t.rc, nameStr);
    return 0;
  }
  let type: number;
  try {
    type = createHeapType(t.rc, metatype, {
      basicSize: size,
      itemSize: u32[(base + TP_ITEMSIZE_OFFSET) >>> 2]!,
      flags: TYPE_FLAG_HAVE_GC | (u32[(base + TP_FLAGS_OFFSET) >>> 2]! & ~(TYPE_FLAG_HEAPTYPE | TYPE_FLAG_STATIC_BUILTIN)),
      dealloc: t.builtinIds.instanceDealloc,
      traverse: t.builtinIds.instanceTraverse,
      clear: t.builtinIds.instanceClear,
    });
  } catch {
    decref(t.rc, nameStr);
    decref(t.rc, dict);
    return errNoMemory(t);
  }
  // SAFETY: not published yet (every plain write until the type is tracked and returned).
  u32[(type + TP_NAME_OFFSET) >>> 2] = nameStr;
  incref(t.rc, base);
  u32[(type + TP_BASE_OFFSET) >>> 2] = base;
  u32[(type + TP_DICT_OFFSET) >>> 2] = dict;
  u32[(type + TP_DICTOFFSET_OFFSET) >>> 2] = dictOffset;
  const basesTuple = tupleFromArray(t, baseList);
  if (basesTuple === 0) return abandonType(t, type);
  u32[(type + TP_BASES_OFFSET) >>> 2] = basesTuple;
  const mroList = c3Linearize(t, type, baseList);
  if (mroList === null) return abandonType(t, type);
  const mro = tupleFromArray(t, mroList);
  if (mro === 0) return abandonType(t, type);
  // Slots: the type's own are empty; each is inherited from the first class along the MRO that has it.
  const slots = (type + TP_SLOTS_OFFSET) >>> 2;
  for (let k = 0; k < TP_SLOTS_MAX; k++) {
    for (let i = 1; i < mroList.length; i++) {
      const id = u32[((mroList[i]! + TP_SLOTS_OFFSET) >>> 2) + k]!;
      if (id !== 0) {
        u32[slots + k] = id;
        break;
      }
    }
  }
  // Member descriptors for __slots__.
  for (let i = 0; i < slotOffsets.length; i++) {
    const member = memberNew(t, type, slotNames![i]!, slotOffsets[i]!);
    if (member === 0) {
      decref(t.rc, mro);
      return abandonType(t, type);
    }
    const key = u32[(member + MEMBER_NAME_OFFSET) >>> 2]!;
    const r = dictSetItem(t, dict, key, member);
    decref(t.rc, member);
    if (r < 0) {
      decref(t.rc, mro);
      return abandonType(t, type);
    }
  }
  typeLock(t);
  Atomics.store(u32, (type + TP_MRO_OFFSET) >>> 2, mro);
  let ok = true;
  for (const b of baseList) ok = addSubclass(t, b, type) && ok;
  t.u16[(type + TP_FLAGS2_OFFSET) >>> 1] = TYPE2_READY;
  typeUnlock(t);
  gcTrack(t.rc, type);
  if (!ok) {
    decref(t.rc, type);
    return errNoMemory(t);
  }
  if (runClassHooks(t, type, dict) < 0) {
    decref(t.rc, type);
    return 0;
  }
  return type;
}

/** `__set_name__` for each namespace value, then `__init_subclass__` (`type_new_set_names`, `type_new_init_subclass`). */
function runClassHooks(t: ObThread, type: number, dict: number): number {
  const hooks = hooksByThread.get(t);
  if (hooks === undefined) return 0;
  if (hooks.setName !== undefined) {
    const items = dictItemsSnapshot(t, dict);
    for (const [key, value] of items) {
      if (hooks.setName(t, value, type, key) < 0) {
        releasePairs(t, items);
        return -1;
      }
    }
    releasePairs(t, items);
  }
  if (hooks.initSubclass !== undefined && hooks.initSubclass(t, type) < 0) return -1;
  return 0;
}

function dictItemsSnapshot(t: ObThread, dict: number): [number, number][] {
  const pairs = dictSnapshot(t, dict, 2) ?? [];
  const out: [number, number][] = [];
  for (const pair of pairs) {
    const k = tupleGetItem(t, pair, 0);
    const v = tupleGetItem(t, pair, 1);
    incref(t.rc, k);
    incref(t.rc, v);
    out.push([k, v]);
    decref(t.rc, pair);
  }
  return out;
}

function releasePairs(t: ObThread, pairs: [number, number][]): void {
  for (const [k, v] of pairs) {
    decref(t.rc, k);
    decref(t.rc, v);
  }
}

/**
 * `PyType_GenericAlloc(type, 0)`: a new instance of `type` with every slot
 * empty, tracked when its type is a GC type; 0 with MemoryError.
 * @public
 */
export function typeGenericAlloc(t: ObThread, type: number): number {
  const op = allocObject(t.rc, type, 0);
  if (op === 0) return errNoMemory(t);
  if ((t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HAVE_GC) !== 0) gcTrack(t.rc, op);
  return op;
}

/** Frees a heap type that failed before it was published (its fields so far released); returns 0. */
function abandonType(t: ObThread, type: number): 0 {
  decref(t.rc, type);
  return 0;
}

/** A member descriptor for `__slots__` name `name` at byte `offset` of the instances of `type`; 0 with MemoryError. */
function memberNew(t: ObThread, type: number, name: string, offset: number): number {
  const nameStr = strFromJs(t, name);
  if (nameStr === 0) return 0;
  const member = gcNew(t.gc, t.types[StaticType.MemberDescriptor]!);
  if (member === 0) {
    decref(t.rc, nameStr);
    return errNoMemory(t);
  }
  // SAFETY: not published yet.
  t.u32[(member + MEMBER_TYPE_OFFSET) >>> 2] = type;
  t.u32[(member + MEMBER_NAME_OFFSET) >>> 2] = nameStr;
  t.u32[(member + MEMBER_SLOT_OFFSET) >>> 2] = offset;
  return member;
}

/** A member descriptor's name as JavaScript text. @internal */
export function memberName(t: ObThread, member: number): string {
  return strToJs(t, t.u32[(member + MEMBER_NAME_OFFSET) >>> 2]!);
}

// --- behaviours ---------------------------------------------------------------------------

/**
 * Calls `visit` with the byte offset of each reference an instance of
 * `type` holds in its body: every heap type along its chain of bases adds
 * the words between its base's size and its own (its __slots__, then its
 * __dict__ slot if it added one).
 */
function instanceSlots(t: RcThread, type: number, visit: (offset: number) => void): void {
  const u32 = t.u32;
  for (let x = type; (u32[(x + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) !== 0; x = u32[(x + TP_BASE_OFFSET) >>> 2]!) {
    const from = u32[(u32[(x + TP_BASE_OFFSET) >>> 2]! + TP_BASICSIZE_OFFSET) >>> 2]!;
    const to = u32[(x + TP_BASICSIZE_OFFSET) >>> 2]!;
    for (let off = from; off < to; off += 4) visit(off);
  }
}

/** `subtype_traverse`: the type (a heap type counts as a reference), the slots and the __dict__. @internal */
export function instanceTraverse(t: RcThread, op: number, visit: (child: number) => number): number {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  let r = visit(type);
  instanceSlots(t, type, (off) => {
    if (r !== 0) return;
    const child = t.u32[(op + off) >>> 2]!;
    if (child !== 0) r = visit(child);
  });
  return r;
}

/** `subtype_clear`: empties the slots and the __dict__ (the collector's tp_clear). @internal */
export function instanceClear(t: RcThread, op: number): void {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  instanceSlots(t, type, (off) => {
    const child = Atomics.exchange(t.u32, (op + off) >>> 2, 0);
    if (child !== 0) decref(t, child);
  });
}

/** `subtype_dealloc`: untrack, release the slots and __dict__, free, release the type. @internal */
export function instanceDealloc(t: ObThread, op: number): void {
  gcUntrack(t.rc, op);
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  instanceClear(t.rc, op);
  gcDel(t.gc, op);
  decrefType(t.rc, type);
}

/** `type_traverse`: the dict, MRO, bases and base. @internal */
export function heapTypeTraverse(t: RcThread, type: number, visit: (child: number) => number): number {
  const u32 = t.u32;
  for (const off of [TP_DICT_OFFSET, TP_MRO_OFFSET, TP_BASES_OFFSET, TP_BASE_OFFSET]) {
    const child = u32[(type + off) >>> 2]!;
    if (child !== 0) {
      const r = visit(child);
      if (r !== 0) return r;
    }
  }
  return 0;
}

/** `type_clear`: invalidates the type's caches, empties its dict and drops its MRO. @internal */
export function heapTypeClear(t: ObThread, type: number): void {
  typeLock(t);
  typeModifiedLocked(t, type);
  typeUnlock(t);
  const dict = t.u32[(type + TP_DICT_OFFSET) >>> 2]!;
  if (dict !== 0) dictClear(t, dict);
  const mro = Atomics.exchange(t.u32, (type + TP_MRO_OFFSET) >>> 2, 0);
  if (mro !== 0) decref(t.rc, mro);
}

/** `type_dealloc` of a heap type: out of its bases' subclasses, its references released, its unique id returned. @internal */
export function heapTypeDealloc(t: ObThread, type: number): void {
  gcUntrack(t.rc, type);
  const u32 = t.u32;
  const bases = u32[(type + TP_BASES_OFFSET) >>> 2]!;
  typeLock(t);
  typeModifiedLocked(t, type);
  if (bases !== 0) for (let i = 0; i < tupleSize(t, bases); i++) removeSubclass(t, tupleGetItem(t, bases, i), type);
  typeUnlock(t);
  const subclasses = u32[(type + TP_SUBCLASSES_OFFSET) >>> 2]!;
  if (subclasses !== 0) pyMemFree(t.domains, subclasses);
  for (const off of [TP_MRO_OFFSET, TP_BASES_OFFSET, TP_DICT_OFFSET, TP_NAME_OFFSET, TP_BASE_OFFSET]) {
    const child = u32[(type + off) >>> 2]!;
    u32[(type + off) >>> 2] = 0;
    if (child !== 0) decref(t.rc, child);
  }
  const id = u32[(type + TP_UNIQUE_ID_OFFSET) >>> 2]!;
  if (id !== 0) {
    setTypeUniqueId(t.rc, type, 0);
    releaseUniqueId(t.rc, id);
  }
  freeObject(t.rc, type);
}

/** The member descriptor's dealloc. @internal */
export function memberDealloc(t: ObThread, member: number): void {
  const name = t.u32[(member + MEMBER_NAME_OFFSET) >>> 2]!;
  if (name !== 0) decref(t.rc, name);
  gcDel(t.gc, member);
}

