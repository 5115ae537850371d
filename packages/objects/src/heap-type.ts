/**
 * Heap types (`type_new`, `subtype_dealloc`, `type_dealloc`): classes
 * created at run time, ordinary refcounted GC objects. A heap type has its
 * bases, a C3 MRO, its own dict (a copy of the namespace it was created
 * from), member slots for `__slots__` names and a `__dict__` slot in its
 * instances unless `__slots__` says otherwise; each empty slot behaviour
 * is inherited from the first class along the MRO that defines it. Its
 * version tag comes from the interpreter's counter when a lookup first
 * needs one.
 *
 * A heap type may subclass `object`, the builtin containers (`list`,
 * `tuple`, `dict`, `set`, `frozenset`, `collections.deque`) or heap types
 * over them, with mixins over `object` beside them (`class M(Mixin,
 * list)`), as CPython allows. Its instances start with the container's
 * layout, so every container function works on them unchanged; the
 * subclass adds its words after it:
 *
 * - a fixed-size base (list, dict, set, frozenset, deque, object): the
 *   `__slots__` words, then the `__dict__` word, at positive offsets past
 *   the base's `tp_basicsize` (CPython 3.13 keeps the dict before the
 *   header instead, the "managed dict"; here the header has nothing in
 *   front of it, so the dict lives in the body as in CPython before 3.11);
 * - a variable-size base (tuple): the items follow the fixed part, so the
 *   `__dict__` word comes after the last item, and `tp_dictoffset` is -4:
 *   "4 bytes before the end of the instance", the end computed from
 *   `ob_size` (CPython's negative `tp_dictoffset`). A tuple's `ob_size`
 *   never changes, so the slot never moves. `__slots__` words would have
 *   no fixed place either, so a nonempty `__slots__` is refused there, as
 *   CPython refuses it. int and str subclasses are the same with the
 *   items counted from the value itself (the digits of `lv_tag`; the
 *   characters, terminator included, rounded up to a word): `varItems`.
 *
 * Instances count their references to their heap type per thread (the
 * type's unique id, `@ft/refcount`), so that creating objects of one class
 * from many threads does not contend on the type's count. Their dealloc,
 * traverse and clear (`subtype_dealloc`, `subtype_traverse`,
 * `subtype_clear`) handle the words the heap types added and then hand the
 * object to its static base's behaviours (the list's items, the dict's
 * table), which free the memory.
 *
 * Not yet: subclasses of float, complex, bytes, bytearray and the other
 * builtins.
 */

import { gcNew, gcTrack, gcUntrack, gcDel } from '@ft/gc';
import { pyMemFree, pyMemMalloc } from '@ft/obmalloc';
import {
  allocObject,
  createHeapType,
  decref,
  decrefType,
  enableDeferredRefcount,
  freeObject,
  incref,
  OB_SIZE_OFFSET,
  OB_TYPE_OFFSET,
  OBJECT_HEADER_SIZE,
  releaseUniqueId,
  setMaybeWeakref,
  setTypeUniqueId,
  TP_BASICSIZE_OFFSET,
  TP_CLEAR_OFFSET,
  TP_DEALLOC_OFFSET,
  TP_FLAGS_OFFSET,
  TP_ITEMSIZE_OFFSET,
  TP_TRAVERSE_OFFSET,
  TP_UNIQUE_ID_OFFSET,
  TYPE_FLAG_HAVE_GC,
  TYPE_FLAG_HEAPTYPE,
  TYPE_FLAG_STATIC_BUILTIN,
  tryIncref,
  type ClearFn,
  type FinalizeFn,
  type RcThread,
  type TraverseFn,
} from '@ft/refcount';
import { dequeNew } from './deque.js';
import { dictClear, dictCopy, dictGetItemRef, dictNew, dictSetItem, dictSnapshot } from './dict.js';
import { typeReleaseCachedKeys } from './dict-keys.js';
import { errNoMemory, errRaise } from './errors.js';
import {
  LONG_DIGITS_OFFSET,
  LONG_NON_SIZE_BITS,
  LONG_TAG_OFFSET,
  MEMBER_NAME_OFFSET,
  MEMBER_SLOT_OFFSET,
  MEMBER_TYPE_OFFSET,
  StaticType,
  STR_DATA_OFFSET,
  STR_HASH_OFFSET,
  STR_INTERNED_OFFSET,
  STR_KIND_OFFSET,
  STR_LENGTH_OFFSET,
  TPFLAGS_BASE_EXC_SUBCLASS,
  TPFLAGS_DICT_SUBCLASS,
  TPFLAGS_LONG_SUBCLASS,
  TPFLAGS_TUPLE_SUBCLASS,
  TPFLAGS_UNICODE_SUBCLASS,
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
  TP_WEAKLISTOFFSET_OFFSET,
  TUPLE_HASH_OFFSET,
  TYPE2_FINAL,
  TYPE2_READY,
} from './layout.js';
import { callFinalizerFromDealloc } from './instance-finalize.js';
import { listAsTuple, listFromIterable } from './list.js';
import { c3Linearize } from './mro.js';
import { getSetDescrNew } from './descr.js';
import { typeSlot } from './abstract.js';
import type { ObThread } from './ob-thread.js';
import { setNew } from './set.js';
import { strFromJs } from './str.js';
import { strToJs } from './str-read.js';
import { typeHasFlag, typeIsSubtype, typeName, typeNameOf, typeOf } from './subtype.js';
import { TUPLE_MAX_SIZE, tupleFromArray, tupleGetItem, tupleSetItemInit, tupleSize } from './tuple.js';
import { typeLock, typeModifiedLocked, typeUnlock } from './type-version.js';
import { clearWeakRefs } from './weakref-clear.js';

/** Where a variable-size instance keeps its `__dict__`: this many bytes before its end (`tp_dictoffset` < 0). */
const VAR_DICT_OFFSET = -4;

/**
 * The VM's hooks into class creation (`__set_name__`, `__init_subclass__`):
 * each returns 0, or -1 with the exception set. Absent: nothing is called.
 * @public
 */
export interface TypeHooks {
  /** `value.__set_name__(owner, name)`, for every namespace value whose type has one. */
  setName?: (t: ObThread, value: number, owner: number, name: number) => number;
  /**
   * `super(type, type).__init_subclass__(**kwargs)` (`type_new_init_subclass`):
   * `kwargs` is the class statement's keywords (a dict, borrowed), 0 when
   * there were none.
   */
  initSubclass?: (t: ObThread, type: number, kwargs: number) => number;
  /** `PyEval_GetGlobals()`: the running frame's globals (borrowed), 0 when no frame runs; a class made without `__module__` takes their `__name__`. */
  currentGlobals?: (t: ObThread) => number;
  /** `Py_GenericAlias(origin, args)`: `types.GenericAlias(origin, args)` (`list[int]`), a new reference or 0 with the exception. */
  genericAlias?: (t: ObThread, origin: number, args: number) => number;
}

/** The hooks of each thread's VM (one per thread: module scope is thread-local). */
const hooksByThread = new WeakMap<ObThread, TypeHooks>();

/** Installs the VM's class-creation hooks for this thread. @public */
export function setTypeHooks(t: ObThread, hooks: TypeHooks): void {
  hooksByThread.set(t, hooks);
}

/**
 * `Py_GenericAlias(origin, args)` (the `__class_getitem__` of list, dict,
 * type and the other generic builtins): the VM's `types.GenericAlias`; a
 * new reference, or 0 with the exception (TypeError "type 'list' is not
 * subscriptable" without a VM).
 * @internal
 */
export function genericAliasNew(t: ObThread, origin: number, args: number): number {
  const make = hooksByThread.get(t)?.genericAlias;
  if (make === undefined) return errRaise(t, StaticType.TypeError, `type '${typeName(t, origin)}' is not subscriptable`);
  return make(t, origin, args);
}

function isHeapType(u32: Uint32Array, type: number): boolean {
  return (u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) !== 0;
}

/**
 * The first static type along `type`'s chain of bases (`type` itself when
 * static): the builtin whose layout and behaviours an instance's body
 * starts with. SAFETY: `tp_base` is written before a type is published.
 */
function staticBaseOf(u32: Uint32Array, type: number): number {
  let x = type;
  while (isHeapType(u32, x)) x = u32[(x + TP_BASE_OFFSET) >>> 2]!;
  return x;
}

/**
 * `extra_ivars(type, base)` (3.12's rule, before managed dicts): whether
 * instances of `type` have more layout than those of `base` — other than a
 * `__dict__` word that a heap type added at the end (at -4 of a
 * variable-size instance) and a `__weakref__` word it added after that.
 * Adding only those does not make a class solid, so `class M(Mixin, list)`
 * with a plain `Mixin` is allowed.
 */
function extraIvars(t: ObThread, type: number, base: number): boolean {
  const u32 = t.u32;
  const i32 = t.i32;
  const itemSize = u32[(type + TP_ITEMSIZE_OFFSET) >>> 2]!;
  if (itemSize !== u32[(base + TP_ITEMSIZE_OFFSET) >>> 2]) return true;
  let size = u32[(type + TP_BASICSIZE_OFFSET) >>> 2]!;
  // A `__weakref__` word a heap type added last (after its `__dict__`) does not count either.
  const weaklistOffset = i32[(type + TP_WEAKLISTOFFSET_OFFSET) >>> 2]!;
  if (itemSize === 0 && weaklistOffset !== 0 && weaklistOffset + 4 === size && i32[(base + TP_WEAKLISTOFFSET_OFFSET) >>> 2] === 0 && isHeapType(u32, type)) size -= 4;
  const dictOffset = i32[(type + TP_DICTOFFSET_OFFSET) >>> 2]!;
  const trailingDict = itemSize !== 0 ? dictOffset === VAR_DICT_OFFSET : dictOffset !== 0 && dictOffset + 4 === size;
  if (trailingDict && i32[(base + TP_DICTOFFSET_OFFSET) >>> 2] === 0 && isHeapType(u32, type)) size -= 4;
  return size !== u32[(base + TP_BASICSIZE_OFFSET) >>> 2];
}

/** The solid base (`solid_base`): the nearest ancestor whose instances add layout beyond its own solid base's. */
function solidBase(t: ObThread, type: number): number {
  const base = t.u32[(type + TP_BASE_OFFSET) >>> 2]!;
  const solid = base === 0 ? t.types[StaticType.Object]! : solidBase(t, base);
  return extraIvars(t, type, solid) ? type : solid;
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

/**
 * Whether instances of heap types over `staticBase` can be built here: the
 * object-shaped types (object, the exceptions) and the containers whose
 * subclass instances {@link subtypeNew} makes.
 */
function subclassableBase(t: ObThread, staticBase: number): boolean {
  const u32 = t.u32;
  if (u32[(staticBase + TP_BASICSIZE_OFFSET) >>> 2] === OBJECT_HEADER_SIZE && u32[(staticBase + TP_ITEMSIZE_OFFSET) >>> 2] === 0) return true;
  // The exceptions: instances keep the base's layout, __dict__ included (its tp_dictoffset).
  if (typeHasFlag(t, staticBase, TPFLAGS_BASE_EXC_SUBCLASS)) return true;
  const types = t.types;
  return (
    // Metaclasses: their instances are heap types, made by typeNew with the type object's layout.
    staticBase === types[StaticType.Type] ||
    staticBase === types[StaticType.List] ||
    staticBase === types[StaticType.Tuple] ||
    staticBase === types[StaticType.Dict] ||
    staticBase === types[StaticType.Set] ||
    staticBase === types[StaticType.FrozenSet] ||
    staticBase === types[StaticType.Deque] ||
    // Variable-size scalars: the __dict__ word after the digits or the characters (instanceDictSlot).
    staticBase === types[StaticType.Int] ||
    staticBase === types[StaticType.Str]
  );
}

function isSubtypeChain(t: ObThread, a: number, b: number): boolean {
  for (let x = a; x !== 0; x = t.u32[(x + TP_BASE_OFFSET) >>> 2]!) if (x === b) return true;
  return false;
}

/** Adds `type` to `base`'s subclasses (borrowed). SAFETY: the type lock is held, or the runtime is being built. Returns false without memory. @internal */
export function addSubclass(t: ObThread, base: number, type: number): boolean {
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
  // Readers of the array take their reference with try-incref (typeSubclassesRefs).
  setMaybeWeakref(t.rc, type);
  return true;
}

/** Removes `type` from `base`'s subclasses. SAFETY: the type lock is held. */
function removeSubclass(t: ObThread, base: number, type: number): void {
  const u32 = t.u32;
  const array = u32[(base + TP_SUBCLASSES_OFFSET) >>> 2]!;
  if (array === 0) return;
  const count = u32[array >>> 2]!;
  const items = (array >>> 2) + 2;
  for (let i = 0; i < count; i++) {
    if (u32[items + i] === type) {
      // Shifted, not swapped: `__subclasses__()` lists them in the order they were made, as CPython's dict does.
      u32.copyWithin(items + i, items + i + 1, items + count);
      u32[array >>> 2] = count - 1;
      return;
    }
  }
}

/**
 * `type.__subclasses__()` (`_PyType_GetSubclasses`): the live subclasses
 * of `type`, each a new reference, in the order they were made. The base
 * holds borrowed pointers; a subclass leaves the array under the type lock
 * in its dealloc, so under the lock every pointer read is still allocated,
 * and a subclass already dying (its count at zero, its dealloc waiting
 * for the lock) is skipped: `tryIncref` fails for it, as CPython's weak
 * references to subclasses are dead by then. {@link addSubclass} marked
 * each one for such readers.
 * @internal
 */
export function typeSubclassesRefs(t: ObThread, type: number): number[] {
  const u32 = t.u32;
  const out: number[] = [];
  typeLock(t);
  const array = u32[(type + TP_SUBCLASSES_OFFSET) >>> 2]!;
  const count = array === 0 ? 0 : u32[array >>> 2]!;
  for (let i = 0; i < count; i++) {
    const sub = u32[(array >>> 2) + 2 + i]!;
    if (tryIncref(t.rc, sub)) out.push(sub);
  }
  typeUnlock(t);
  return out;
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
export function typeNew(t: ObThread, metatype: number, name: string, bases: number, namespace: number, slotNames: readonly string[] | null = null, kwargs = 0): number {
  const u32 = t.u32;
  // `__slots__` of the namespace when the caller gave none (`type_new_slots`), and whether it names `__dict__`.
  let slotsAddDict = false;
  if (slotNames === null) {
    const parsed = namespaceSlots(t, name, namespace);
    if (parsed === undefined) return 0;
    if (parsed !== null) {
      slotsAddDict = parsed.includes('__dict__');
      slotNames = parsed.filter((n) => n !== '__dict__');
    }
  }
  const baseList: number[] = [];
  for (let i = 0; i < tupleSize(t, bases); i++) baseList.push(tupleGetItem(t, bases, i));
  if (baseList.length === 0) baseList.push(t.types[StaticType.Object]!);
  for (const b of baseList) {
    if (!typeIsSubtype(t, u32[(b + OB_TYPE_OFFSET) >>> 2]!, t.types[StaticType.Type]!)) return errRaise(t, StaticType.TypeError, 'bases must be types');
    if ((t.u16[(b + TP_FLAGS2_OFFSET) >>> 1]! & TYPE2_FINAL) !== 0) return errRaise(t, StaticType.TypeError, `type '${typeName(t, b)}' is not an acceptable base type`);
  }
  const base = bestBase(t, baseList);
  if (base === 0) return 0;
  const staticBase = staticBaseOf(u32, base);
  if (!subclassableBase(t, staticBase)) {
    return errRaise(t, StaticType.TypeError, `type '${typeName(t, staticBase)}' cannot be subclassed in ft yet (object, int, str, list, tuple, dict, set, frozenset, deque and the exceptions can)`);
  }
  const itemSize = u32[(base + TP_ITEMSIZE_OFFSET) >>> 2]!;
  // A metaclass's instances are type objects: nothing can follow their fixed layout (CPython's type is variable-size).
  const metaclassBase = staticBase === t.types[StaticType.Type];
  if ((itemSize !== 0 || metaclassBase) && ((slotNames?.length ?? 0) > 0 || slotsAddDict)) return errRaise(t, StaticType.TypeError, `nonempty __slots__ not supported for subtype of '${typeName(t, base)}'`);
  // `__weakref__` in `__slots__` asks for the weakref list word rather than a member (`type_new_visit_slots`).
  let weaklistOffset = t.i32[(base + TP_WEAKLISTOFFSET_OFFSET) >>> 2]!;
  const mayAddWeak = weaklistOffset === 0 && itemSize === 0;
  let addWeak = slotNames === null && mayAddWeak;
  if (slotNames !== null && slotNames.includes('__weakref__')) {
    if (!mayAddWeak || slotNames.indexOf('__weakref__') !== slotNames.lastIndexOf('__weakref__')) return errRaise(t, StaticType.TypeError, '__weakref__ slot disallowed: we already got one');
    addWeak = true;
    slotNames = slotNames.filter((n) => n !== '__weakref__');
  }

  // Instance layout: the base's, then one word per __slots__ name, then __dict__ unless __slots__
  // was given (after the items for a variable-size base: file comment).
  let size = u32[(base + TP_BASICSIZE_OFFSET) >>> 2]!;
  const slotOffsets: number[] = [];
  for (let i = 0; i < (slotNames?.length ?? 0); i++) {
    slotOffsets.push(size);
    size += 4;
  }
  let dictOffset = t.i32[(base + TP_DICTOFFSET_OFFSET) >>> 2]!;
  if (slotsAddDict && dictOffset !== 0) return errRaise(t, StaticType.TypeError, '__dict__ slot disallowed: we already got one');
  // A class keeps its attributes in its own tp_dict (type_setattro), so a metaclass adds no `__dict__` word.
  const addDict = (slotNames === null || slotsAddDict) && dictOffset === 0 && !metaclassBase;
  if (addDict) {
    dictOffset = itemSize !== 0 ? VAR_DICT_OFFSET : size;
    size += 4;
  }
  // The weakref list word last (never for a variable-size base: CPython 3.13's `may_add_weak`).
  if (addWeak) {
    weaklistOffset = size;
    size += 4;
  }

  const nameStr = strFromJs(t, name);
  if (nameStr === 0) return 0;
  const dict = dictCopy(t, namespace);
  if (dict === 0 || implicitMethodWrappers(t, dict) < 0 || setModuleFromGlobals(t, dict) < 0) {
    decref(t.rc, nameStr);
    if (dict !== 0) decref(t.rc, dict);
    return 0;
  }
  let type: number;
  try {
    type = createHeapType(t.rc, metatype, {
      basicSize: size,
      itemSize,
      // `inherit_special`: the base's flags, its *_SUBCLASS bit among them (PyList_Check and the rest).
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
  t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2] = dictOffset;
  t.i32[(type + TP_WEAKLISTOFFSET_OFFSET) >>> 2] = weaklistOffset;
  const basesTuple = tupleFromArray(t, baseList);
  if (basesTuple === 0) return abandonType(t, type);
  u32[(type + TP_BASES_OFFSET) >>> 2] = basesTuple;
  const mroList = c3Linearize(t, type, baseList);
  if (mroList === null) return abandonType(t, type);
  const mro = tupleFromArray(t, mroList);
  if (mro === 0) return abandonType(t, type);
  // Slots: the type's own are empty; each is inherited from the first class along the MRO that
  // defines it (`inherit_slots`' SLOTDEFINED: set, and not just inherited from its own base), so
  // that in `class M(Mixin, list)` list's repr, iter and unhashable hash win over the ones `Mixin`
  // only inherited from object.
  const slots = (type + TP_SLOTS_OFFSET) >>> 2;
  for (let k = 0; k < TP_SLOTS_MAX; k++) {
    for (let i = 1; i < mroList.length; i++) {
      const from = mroList[i]!;
      const id = u32[((from + TP_SLOTS_OFFSET) >>> 2) + k]!;
      if (id === 0) continue;
      const fromBase = u32[(from + TP_BASE_OFFSET) >>> 2]!;
      if (fromBase !== 0 && u32[((fromBase + TP_SLOTS_OFFSET) >>> 2) + k] === id) continue;
      u32[slots + k] = id;
      break;
    }
  }
  // `fixup_slot_dispatchers`: the special methods the class defines fill their slots.
  if (t.builtinIds.fixupSlots(t, type) < 0) {
    decref(t.rc, mro);
    return abandonType(t, type);
  }
  // `__dict__` and `__weakref__` for the words this class adds (`subtype_getsets_full` and the rest).
  const getsets: [string, number, number][] = [];
  if (addDict) getsets.push(['__dict__', t.builtinIds.subtypeGetSets.dictGet, t.builtinIds.subtypeGetSets.dictSet]);
  if (addWeak) getsets.push(['__weakref__', t.builtinIds.subtypeGetSets.weakrefGet, 0]);
  for (const [attr, get, set] of getsets) {
    const key = strFromJs(t, attr);
    const descr = key === 0 ? 0 : getSetDescrNew(t, type, key, get, set);
    const present = descr === 0 ? 0 : dictGetItemRef(t, dict, key);
    if (present !== 0) decref(t.rc, present);
    const r = descr === 0 || present !== 0 ? 0 : dictSetItem(t, dict, key, descr);
    if (key !== 0) decref(t.rc, key);
    if (descr !== 0) decref(t.rc, descr);
    if (descr === 0 || r < 0 || t.error.type !== 0) {
      decref(t.rc, mro);
      return abandonType(t, type);
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
  // Every thread's code calls and reads classes: deferred counts, as CPython's heap types.
  enableDeferredRefcount(t.rc, type);
  if (!ok) {
    decref(t.rc, type);
    return errNoMemory(t);
  }
  if (runClassHooks(t, type, dict, kwargs) < 0) {
    decref(t.rc, type);
    return 0;
  }
  return type;
}

/**
 * `_Py_Mangle(class name, ident)`: a private name (`__x`, not ending in
 * `__`, no dot) becomes `_Class__x`, with the class name's leading
 * underscores dropped; a class named only with underscores mangles nothing.
 */
function mangle(className: string, ident: string): string {
  if (!ident.startsWith('__') || ident.endsWith('__') || ident.includes('.')) return ident;
  const stripped = className.replace(/^_+/, '');
  return stripped === '' ? ident : `_${stripped}${ident}`;
}

/** `str.isidentifier()` for a slot name (`valid_identifier`). */
function isIdentifier(text: string): boolean {
  return /^[\p{XID_Start}_]\p{XID_Continue}*$/u.test(text);
}

/**
 * `type_new_slots` / `type_new_copy_slots`: the names of the namespace's
 * `__slots__` (a str is one name; anything else is iterated), private ones
 * mangled, sorted as CPython sorts them (that order gives the member
 * offsets); `__dict__` and `__weakref__` stay in the list for the caller.
 * null when the namespace has no `__slots__`; undefined with TypeError
 * ("__slots__ items must be strings, not 'int'", "__slots__ must be
 * identifiers", "__dict__ slot disallowed: we already got one") or
 * ValueError ("'x' in __slots__ conflicts with class variable").
 */
function namespaceSlots(t: ObThread, className: string, namespace: number): string[] | null | undefined {
  const key = strFromJs(t, '__slots__');
  if (key === 0) return undefined;
  const slots = dictGetItemRef(t, namespace, key);
  decref(t.rc, key);
  if (slots === 0) return t.error.type !== 0 ? undefined : null;
  let items: number[];
  if (typeHasFlag(t, typeOf(t, slots), TPFLAGS_UNICODE_SUBCLASS)) {
    items = [slots];
  } else {
    const list = listFromIterable(t, slots);
    decref(t.rc, slots);
    if (list === 0) return undefined;
    const tuple = listAsTuple(t, list);
    decref(t.rc, list);
    if (tuple === 0) return undefined;
    items = [];
    for (let i = 0; i < tupleSize(t, tuple); i++) items.push(tupleGetItem(t, tuple, i));
    const names = slotTexts(t, items);
    decref(t.rc, tuple);
    return names === undefined ? undefined : checkSlotNames(t, className, namespace, names);
  }
  const names = slotTexts(t, items);
  decref(t.rc, slots);
  return names === undefined ? undefined : checkSlotNames(t, className, namespace, names);
}

/** Each `__slots__` item as text: TypeError for one that is not a str or not an identifier. */
function slotTexts(t: ObThread, items: readonly number[]): string[] | undefined {
  const out: string[] = [];
  for (const item of items) {
    if (!typeHasFlag(t, typeOf(t, item), TPFLAGS_UNICODE_SUBCLASS)) {
      errRaise(t, StaticType.TypeError, `__slots__ items must be strings, not '${typeNameOf(t, item)}'`);
      return undefined;
    }
    const text = strToJs(t, item);
    if (!isIdentifier(text)) {
      errRaise(t, StaticType.TypeError, '__slots__ must be identifiers');
      return undefined;
    }
    out.push(text);
  }
  return out;
}

/** Duplicate `__dict__`, mangling, conflicts with class variables, sorting (`type_new_copy_slots`). */
function checkSlotNames(t: ObThread, className: string, namespace: number, names: readonly string[]): string[] | undefined {
  if (names.indexOf('__dict__') !== names.lastIndexOf('__dict__')) {
    errRaise(t, StaticType.TypeError, '__dict__ slot disallowed: we already got one');
    return undefined;
  }
  const out: string[] = [];
  for (const name of names) {
    if (name === '__dict__' || name === '__weakref__') {
      out.push(name);
      continue;
    }
    const mangled = mangle(className, name);
    const key = strFromJs(t, mangled);
    if (key === 0) return undefined;
    const present = dictGetItemRef(t, namespace, key);
    decref(t.rc, key);
    if (present !== 0) {
      decref(t.rc, present);
      errRaise(t, StaticType.ValueError, `'${mangled}' in __slots__ conflicts with class variable`);
      return undefined;
    }
    if (t.error.type !== 0) return undefined;
    out.push(mangled);
  }
  // CPython sorts the list of str objects: by code point (these are identifiers, so UTF-16 order agrees except past the BMP).
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `type_new_set_classcell`'s neighbours in `type_new_set_attrs`: a plain
 * function under `__new__` becomes a staticmethod, under
 * `__init_subclass__` or `__class_getitem__` a classmethod, in the class's
 * own dict (the namespace is not changed). 0, or -1 with MemoryError.
 */
function implicitMethodWrappers(t: ObThread, dict: number): number {
  for (const [name, wrapper] of [
    ['__new__', StaticType.StaticMethod],
    ['__init_subclass__', StaticType.ClassMethod],
    ['__class_getitem__', StaticType.ClassMethod],
  ] as const) {
    const key = strFromJs(t, name);
    if (key === 0) return -1;
    const value = dictGetItemRef(t, dict, key);
    let r = 0;
    if (value !== 0 && typeOf(t, value) === t.types[StaticType.Function]) {
      const wrapped = wrapCallable(t, wrapper, value);
      r = wrapped === 0 ? -1 : dictSetItem(t, dict, key, wrapped);
      if (wrapped !== 0) decref(t.rc, wrapped);
    } else if (value === 0 && t.error.type !== 0) {
      r = -1;
    }
    if (value !== 0) decref(t.rc, value);
    decref(t.rc, key);
    if (r < 0) return -1;
  }
  return 0;
}

/**
 * `type_new_set_module`: a class whose namespace has no `__module__` (one
 * made by calling a metaclass) takes the `__name__` of the running frame's
 * globals, as a class statement's body sets it. 0, or -1 with the exception.
 */
function setModuleFromGlobals(t: ObThread, dict: number): number {
  const key = strFromJs(t, '__module__');
  if (key === 0) return -1;
  let r = 0;
  const present = dictGetItemRef(t, dict, key);
  if (present !== 0) decref(t.rc, present);
  else if (t.error.type !== 0) r = -1;
  else {
    const globals = hooksByThread.get(t)?.currentGlobals?.(t) ?? 0;
    const nameKey = globals === 0 ? 0 : strFromJs(t, '__name__');
    const module = nameKey === 0 ? 0 : dictGetItemRef(t, globals, nameKey);
    if (nameKey !== 0) decref(t.rc, nameKey);
    if (module !== 0) {
      r = dictSetItem(t, dict, key, module);
      decref(t.rc, module);
    } else if (t.error.type !== 0) r = -1;
  }
  decref(t.rc, key);
  return r;
}

/**
 * `staticmethod(fn)` / `classmethod(fn)` through the wrapper type's own
 * constructor (classmethod.ts sits above this file); a new reference, or 0.
 */
function wrapCallable(t: ObThread, wrapper: typeof StaticType.StaticMethod | typeof StaticType.ClassMethod, fn: number): number {
  const type = t.types[wrapper]!;
  const args = tupleFromArray(t, [fn]);
  if (args === 0) return 0;
  const wrapped = typeSlot(t, type, 'new')!(t, type, args, 0);
  decref(t.rc, args);
  return wrapped;
}

/** `__set_name__` for each namespace value, then `__init_subclass__` (`type_new_set_names`, `type_new_init_subclass`). */
function runClassHooks(t: ObThread, type: number, dict: number, kwargs: number): number {
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
  if (hooks.initSubclass !== undefined && hooks.initSubclass(t, type, kwargs) < 0) return -1;
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
 * `PyType_GenericAlloc(type, nitems)`: a new instance of `type` with every
 * word after the header zero (`nitems` items for a variable-size type),
 * tracked when its type is a GC type; 0 with MemoryError. A zeroed list
 * body is an empty list, so this makes a working instance of a list
 * subclass too; the other containers need {@link subtypeNew}.
 * @public
 */
export function typeGenericAlloc(t: ObThread, type: number, nitems = 0): number {
  const gc = (t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HAVE_GC) !== 0;
  const op = gc ? gcNew(t.gc, type, nitems) : allocObject(t.rc, type, nitems);
  if (op === 0) return errNoMemory(t);
  if (gc) gcTrack(t.rc, op);
  return op;
}

/**
 * `type(iterable)` for a heap type without a `__new__` or `__init__` of its
 * own: the static base's `tp_new` (`PyType_GenericAlloc` for object and
 * list, `tuple_subtype_new`, `dict_new`, `make_new_set`, `deque_new`) with
 * the base's `__init__` for the mutable containers. The new instance holds
 * the items of `iterable` (0: none; for a dict base, a dict whose items are
 * copied); `maxlen` bounds a deque (-1: unbounded). A new reference, or 0
 * with an exception (what iterating raised, TypeError for arguments to a
 * class over object, MemoryError).
 *
 * Every other container is first built exact by its own constructor, and
 * its body (the words after the header) then moves into the new instance,
 * leaving the exact one empty to be released: so the container files keep
 * the only code that knows how an empty table or block looks. (One
 * allocation more than CPython per instance.)
 * @public
 */
export function subtypeNew(t: ObThread, type: number, iterable = 0, maxlen = -1): number {
  const u32 = t.u32;
  const types = t.types;
  const base = staticBaseOf(u32, type);
  if (base === types[StaticType.Tuple]) return tupleSubtypeNew(t, type, iterable);
  let exact: number;
  if (base === types[StaticType.List]) {
    if (iterable === 0) return typeGenericAlloc(t, type);
    exact = listFromIterable(t, iterable);
  } else if (base === types[StaticType.Dict]) {
    if (iterable !== 0 && !typeHasFlag(t, typeOf(t, iterable), TPFLAGS_DICT_SUBCLASS)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
    exact = iterable === 0 ? dictNew(t) : dictCopy(t, iterable);
  } else if (base === types[StaticType.Set] || base === types[StaticType.FrozenSet]) {
    exact = setNew(t, iterable, base === types[StaticType.FrozenSet]);
  } else if (base === types[StaticType.Deque]) {
    exact = dequeNew(t, iterable, maxlen);
  } else {
    if (iterable !== 0) return errRaise(t, StaticType.TypeError, `${typeName(t, type)}() takes no arguments`);
    return typeGenericAlloc(t, type);
  }
  if (exact === 0) return 0;
  const op = gcNew(t.gc, type);
  if (op === 0) {
    decref(t.rc, exact);
    return errNoMemory(t);
  }
  // SAFETY: `exact` is fresh on this thread and `op` unpublished: nobody else can see either body.
  // Bodies hold no pointer to their own object, so they move as they are; each container's dealloc
  // takes a zeroed body for an empty one (no items, no table or block to free).
  const bodySize = u32[(base + TP_BASICSIZE_OFFSET) >>> 2]! - OBJECT_HEADER_SIZE;
  t.heap.copy(op + OBJECT_HEADER_SIZE, exact + OBJECT_HEADER_SIZE, bodySize);
  t.heap.fill(exact + OBJECT_HEADER_SIZE, 0, bodySize);
  decref(t.rc, exact);
  gcTrack(t.rc, op);
  return op;
}

/** `tuple_subtype_new`: the items of `iterable` (a tuple's as they are, anything else's through a list) in a new instance of `type`. */
function tupleSubtypeNew(t: ObThread, type: number, iterable: number): number {
  let items = iterable === 0 ? t.emptyTuple : iterable;
  const ownItems = iterable !== 0 && !typeHasFlag(t, typeOf(t, iterable), TPFLAGS_TUPLE_SUBCLASS);
  if (ownItems) {
    const list = listFromIterable(t, iterable);
    if (list === 0) return 0;
    items = listAsTuple(t, list);
    decref(t.rc, list);
    if (items === 0) return 0;
  }
  const n = tupleSize(t, items);
  const op = n > TUPLE_MAX_SIZE ? 0 : gcNew(t.gc, type, n);
  if (op !== 0) {
    for (let i = 0; i < n; i++) {
      const item = tupleGetItem(t, items, i);
      incref(t.rc, item);
      tupleSetItemInit(t, op, i, item);
    }
    t.i32[(op + TUPLE_HASH_OFFSET) >>> 2] = -1; // SAFETY: not published yet; -1: not computed
    gcTrack(t.rc, op);
  }
  if (ownItems) decref(t.rc, items);
  return op === 0 ? errNoMemory(t) : op;
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
 * The address of the instance's `__dict__` word, or 0 when its type gives
 * it none (`_PyObject_ComputedDictPointer`): `tp_dictoffset` bytes into a
 * fixed-size instance; for a negative offset, that many bytes before the
 * end of a variable-size one (file comment). SAFETY: `tp_dictoffset`,
 * `tp_basicsize` and `tp_itemsize` are written before the type is
 * published, and `ob_size` of the only variable-size base that has a dict
 * (tuple) before the instance is.
 * @internal
 */
export function instanceDictSlot(t: Pick<RcThread, 'u32' | 'i32'>, op: number): number {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  const offset = t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2]!;
  if (offset >= 0) return offset === 0 ? 0 : op + offset;
  return op + t.u32[(type + TP_BASICSIZE_OFFSET) >>> 2]! + varItems(t, op, type) * t.u32[(type + TP_ITEMSIZE_OFFSET) >>> 2]! + offset;
}

/**
 * The items a variable-size instance was allocated with: a tuple's
 * `ob_size`; an int's digits (at least one: zero has a digit, as in
 * CPython); a str's data bytes, terminator included, rounded up to a word
 * so that the word after them is aligned (what {@link varSubtypeAlloc}
 * allocated).
 * @internal
 */
export function varItems(t: Pick<RcThread, 'u32' | 'i32'>, op: number, type: number): number {
  const flags = t.u32[(type + TP_FLAGS_OFFSET) >>> 2]!;
  if ((flags & TPFLAGS_LONG_SUBCLASS) !== 0) return Math.max(1, t.u32[(op + LONG_TAG_OFFSET) >>> 2]! >>> LONG_NON_SIZE_BITS);
  if ((flags & TPFLAGS_UNICODE_SUBCLASS) !== 0) {
    const kind = t.u32[(op + STR_KIND_OFFSET) >>> 2]! & 0xff;
    return ((t.u32[(op + STR_LENGTH_OFFSET) >>> 2]! + 1) * kind + 3) & ~3;
  }
  return t.i32[(op + OB_SIZE_OFFSET) >>> 2]!;
}

/**
 * `long_subtype_new` / `unicode_subtype_new`: the value made exact first,
 * then copied into an instance of the subclass `type`; `exact` is
 * released. A new reference, or 0 with the exception.
 * @internal
 */
export function subtypeFromExact(t: ObThread, type: number, exact: number): number {
  if (exact === 0) return 0;
  const op = varSubtypeAlloc(t, type, exact);
  decref(t.rc, exact);
  return op;
}

/**
 * An instance of a subclass of int or str (`long_subtype_new`,
 * `unicode_subtype_new`): `exact`'s body (sign and digits; or length,
 * kind, flags and characters) copied into a new instance of `type` with
 * room for the class's `__dict__` word after it; the str's hash is not
 * cached and it is not interned. A new reference, or 0 with MemoryError.
 * @internal
 */
export function varSubtypeAlloc(t: ObThread, type: number, exact: number): number {
  const items = varItems(t, exact, type);
  const op = typeGenericAlloc(t, type, items);
  if (op === 0) return 0;
  const isStr = (t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TPFLAGS_UNICODE_SUBCLASS) !== 0;
  const body = isStr
    ? STR_DATA_OFFSET - OBJECT_HEADER_SIZE + (t.u32[(exact + STR_LENGTH_OFFSET) >>> 2]! + 1) * t.u8[exact + STR_KIND_OFFSET]!
    : LONG_DIGITS_OFFSET - OBJECT_HEADER_SIZE + 4 * (t.u32[(exact + LONG_TAG_OFFSET) >>> 2]! >>> LONG_NON_SIZE_BITS);
  // SAFETY: `op` is not published yet; `exact` is immutable.
  t.heap.copy(op + OBJECT_HEADER_SIZE, exact + OBJECT_HEADER_SIZE, body);
  if (isStr) {
    t.i32[(op + STR_HASH_OFFSET) >>> 2] = -1;
    t.u8[op + STR_INTERNED_OFFSET] = 0;
  }
  return op;
}

/**
 * Visits the references the heap types along `type`'s chain added to
 * `op` (each its __slots__ words, then its __dict__ word, between its
 * base's size and its own; the __dict__ word alone after a variable-size
 * instance's items) and returns the first nonzero result of `visit`, or 0.
 * `visit` null clears them instead: each word swapped to 0 and its object
 * released. SAFETY: the world is stopped (traverse), or the caller is
 * the collector's clear or the dealloc; the swaps are atomic because a
 * member store of another thread may race a clear.
 */
function visitAddedRefs(t: RcThread, op: number, type: number, visit: ((child: number) => number) | null): number {
  const u32 = t.u32;
  if (u32[(type + TP_ITEMSIZE_OFFSET) >>> 2] !== 0) {
    const slot = instanceDictSlot(t, op);
    return slot === 0 ? 0 : visitWord(t, slot, visit);
  }
  for (let x = type; isHeapType(u32, x); x = u32[(x + TP_BASE_OFFSET) >>> 2]!) {
    const from = u32[(u32[(x + TP_BASE_OFFSET) >>> 2]! + TP_BASICSIZE_OFFSET) >>> 2]!;
    const to = u32[(x + TP_BASICSIZE_OFFSET) >>> 2]!;
    // The weakref list word holds no reference (weakref.ts).
    const weaklist = t.i32[(x + TP_WEAKLISTOFFSET_OFFSET) >>> 2]!;
    for (let off = from; off < to; off += 4) {
      if (off === weaklist) continue;
      const r = visitWord(t, op + off, visit);
      if (r !== 0) return r;
    }
  }
  return 0;
}

function visitWord(t: RcThread, at: number, visit: ((child: number) => number) | null): number {
  if (visit === null) {
    const child = Atomics.exchange(t.u32, at >>> 2, 0);
    if (child !== 0) decref(t, child);
    return 0;
  }
  const child = t.u32[at >>> 2]!;
  return child === 0 ? 0 : visit(child);
}

/**
 * `subtype_traverse`: the type (a heap type counts as a reference), the
 * slots and the __dict__, then the static base's traverse (a list's items,
 * a dict's keys and values); `traverses` is the registry's table of
 * traverse behaviours by id. @internal
 */
export function instanceTraverse(t: RcThread, op: number, visit: (child: number) => number, traverses: readonly (TraverseFn | null)[]): number {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  let r = visit(type);
  if (r === 0) r = visitAddedRefs(t, op, type, visit);
  if (r !== 0) return r;
  const id = t.u32[(staticBaseOf(t.u32, type) + TP_TRAVERSE_OFFSET) >>> 2]!;
  return id === 0 ? 0 : traverses[id]!(t, op, visit);
}

/**
 * `subtype_clear` (the collector's tp_clear): empties the slots and the
 * __dict__, then runs the static base's clear (a list's items, a dict's
 * table); `clears` is the registry's table of clear behaviours by id.
 * @internal
 */
export function instanceClear(t: RcThread, op: number, clears: readonly (ClearFn | null)[]): void {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  visitAddedRefs(t, op, type, null);
  const id = t.u32[(staticBaseOf(t.u32, type) + TP_CLEAR_OFFSET) >>> 2]!;
  if (id !== 0) clears[id]!(t, op);
}

/**
 * `subtype_dealloc`: untrack, release the slots and __dict__, then the
 * static base's dealloc frees the base's part and the memory (a GC base:
 * list, dict, …), or the memory is freed here (object); the type is
 * released last, after the free, as CPython does. @internal
 */
export function instanceDealloc(t: ObThread, op: number, finalizers: readonly (FinalizeFn | null)[]): void {
  const u32 = t.u32;
  // A class with `__del__`: it runs first, and may keep the object alive.
  if (callFinalizerFromDealloc(t, op, finalizers)) return;
  gcUntrack(t.rc, op);
  const type = u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  const base = staticBaseOf(u32, type);
  // A weakref list a heap type added is cleared first, before the slots and the dict go (a static base's own list is its dealloc's).
  if (t.i32[(type + TP_WEAKLISTOFFSET_OFFSET) >>> 2] !== 0 && t.i32[(base + TP_WEAKLISTOFFSET_OFFSET) >>> 2] === 0) clearWeakRefs(t, op);
  visitAddedRefs(t.rc, op, type, null);
  if ((u32[(base + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HAVE_GC) !== 0) t.rc.deallocs[u32[(base + TP_DEALLOC_OFFSET) >>> 2]!]!(t.rc, op);
  else gcDel(t.gc, op);
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

/** `type_dealloc` of a heap type: out of its bases' subclasses, its references (and its instances' shared keys) released, its unique id returned. @internal */
export function heapTypeDealloc(t: ObThread, type: number): void {
  gcUntrack(t.rc, type);
  clearWeakRefs(t, type);
  const u32 = t.u32;
  const bases = u32[(type + TP_BASES_OFFSET) >>> 2]!;
  typeLock(t);
  typeModifiedLocked(t, type);
  if (bases !== 0) for (let i = 0; i < tupleSize(t, bases); i++) removeSubclass(t, tupleGetItem(t, bases, i), type);
  typeUnlock(t);
  const subclasses = u32[(type + TP_SUBCLASSES_OFFSET) >>> 2]!;
  if (subclasses !== 0) pyMemFree(t.domains, subclasses);
  typeReleaseCachedKeys(t, type);
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

