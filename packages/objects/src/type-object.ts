/**
 * Type objects (`Objects/typeobject.c`): the static builtin types, created
 * once per runtime and immortal, with their names, bases, MROs and slots,
 * and the version tags the method cache and the VM's specializations key
 * on.
 *
 * Slots are behaviour ids (slot-registry.ts). `PyType_Ready`'s
 * `inherit_slots` copies every empty slot from the base, so a lookup reads
 * one word of the type itself. Static types draw their version tags from
 * the runtime-wide counter (1 … 2^17 - 1); heap types from the
 * interpreter's (from 2^17).
 */

import { gcUntrack } from '@ft/gc';
import { createStaticType, immortalize, TP_BASICSIZE_OFFSET } from '@ft/refcount';
import {
  MAX_GLOBAL_TYPE_VERSION_TAG,
  OS_NEXT_STATIC_VERSION_OFFSET,
  TP_BASE_OFFSET,
  TP_BASES_OFFSET,
  TP_DICT_OFFSET,
  TP_DICTOFFSET_OFFSET,
  TP_FLAGS2_OFFSET,
  TP_MRO_OFFSET,
  TP_NAME_OFFSET,
  TP_SLOTS_OFFSET,
  TP_VERSION_TAG_OFFSET,
  TP_WEAKLISTOFFSET_OFFSET,
  TYPE2_FINAL,
  TYPE2_IMMUTABLE,
  TYPE2_READY,
  TUPLE_ITEMS_OFFSET,
} from './layout.js';
import { SLOT_INDEX, SLOT_KINDS, type ObThread, type SlotKind } from './ob-thread.js';
import { dictNew } from './dict.js';
import { addSubclass } from './heap-type.js';
import { c3Linearize } from './mro.js';
import { strFromJs } from './str.js';
import { tupleFromArray, tupleSize } from './tuple.js';

/** What a static builtin type is made of. @public */
export interface StaticTypeSpec {
  /** `tp_name`. */
  readonly name: string;
  /** `tp_base` (0: none — only `object` has none). */
  readonly base: number;
  /** Bytes of an instance without items; default the base's. */
  readonly basicSize?: number;
  /** Bytes per item of a variable-size instance. */
  readonly itemSize?: number;
  /** `tp_dictoffset`: where an instance keeps its `__dict__` (0: none); default the base's. */
  readonly dictOffset?: number;
  /** `tp_weaklistoffset`: where an instance keeps the head of its weakref list (0: it cannot be weakly referenced); default the base's. Its dealloc calls `clearWeakRefs` (weakref-clear.ts). */
  readonly weaklistOffset?: number;
  /** `tp_flags` bits (TYPE_FLAG_* of refcount, TPFLAGS_* of this package). */
  readonly flags?: number;
  /** Behaviour ids of the refcount registry. */
  readonly dealloc?: number;
  /** Traverse behaviour id. */ readonly traverse?: number;
  /** Clear behaviour id. */ readonly clear?: number;
  /** Finalize behaviour id. */ readonly finalize?: number;
  /** Slot behaviour ids by kind (SlotRegistry); the empty ones are inherited. */
  readonly slots?: Partial<Record<SlotKind, number>>;
  /** Classes may not subclass it (no `Py_TPFLAGS_BASETYPE`: bool, slice, range, …). */
  readonly final?: boolean;
  /** `tp_methods`: the builtin methods its dict gets as method descriptors (type-attributes.ts). */
  readonly methods?: readonly MethodSpec[];
  /** `tp_getset`: the attributes its dict gets as getset descriptors. */
  readonly getsets?: readonly GetSetSpec[];
}

/** `PyMethodDef`: a builtin method of a static type. @public */
export interface MethodSpec {
  /** `ml_name`. */
  readonly name: string;
  /** `ml_meth`: a `vectorcall` slot id, called with the instance as `self`. */
  readonly fn: number;
  /** `ml_flags` (METH_*). */
  readonly flags: number;
}

/** `PyGetSetDef`: a computed attribute of a static type. @public */
export interface GetSetSpec {
  /** The attribute's name. */
  readonly name: string;
  /** A `getter` slot id. */
  readonly get: number;
  /** A `setter` slot id (0: read-only). */
  readonly set?: number;
}

/**
 * A static type's spec as the registrations return it: `baseIndex` names
 * the base by its {@link StaticType} index + 1 (0: none), resolved when the
 * types are created; `extraBaseIndices` the bases after it in `__bases__`
 * (the same way), for a static type with several (CPython's
 * `ExceptionGroup(BaseExceptionGroup, Exception)`): its MRO is their C3
 * linearization, its slots and layout come from `tp_base` alone.
 * @internal
 */
export type BuiltinTypeSpec = Omit<StaticTypeSpec, 'base'> & { readonly baseIndex: number; readonly extraBaseIndices?: readonly number[] };

/**
 * Allocates a static builtin type with its core, base and slots (own, then
 * inherited); its name and MRO come with {@link finishStaticType} once str
 * and tuple exist (bootstrap order).
 * @internal
 */
export function createStaticBuiltinType(t: ObThread, metatype: number, spec: StaticTypeSpec): number {
  const u32 = t.u32;
  const base = spec.base;
  const basicSize = spec.basicSize ?? (base === 0 ? 20 : u32[(base + TP_BASICSIZE_OFFSET) >>> 2]!);
  const type = createStaticType(t.rc, metatype, {
    basicSize,
    itemSize: spec.itemSize ?? 0,
    flags: spec.flags ?? 0,
    dealloc: spec.dealloc ?? 0,
    traverse: spec.traverse ?? 0,
    clear: spec.clear ?? 0,
    finalize: spec.finalize ?? 0,
  });
  // SAFETY: not published yet (every write below).
  u32[(type + TP_BASE_OFFSET) >>> 2] = base;
  t.i32[(type + TP_DICTOFFSET_OFFSET) >>> 2] = spec.dictOffset ?? (base === 0 ? 0 : t.i32[(base + TP_DICTOFFSET_OFFSET) >>> 2]!);
  t.i32[(type + TP_WEAKLISTOFFSET_OFFSET) >>> 2] = spec.weaklistOffset ?? (base === 0 ? 0 : t.i32[(base + TP_WEAKLISTOFFSET_OFFSET) >>> 2]!);
  t.u16[(type + TP_FLAGS2_OFFSET) >>> 1] = TYPE2_IMMUTABLE | (spec.final === true ? TYPE2_FINAL : 0);
  const slots = (type + TP_SLOTS_OFFSET) >>> 2;
  for (const kind of SLOT_KINDS) {
    const own = spec.slots?.[kind] ?? 0;
    u32[slots + SLOT_INDEX[kind]] = own !== 0 || base === 0 ? own : u32[((base + TP_SLOTS_OFFSET) >>> 2) + SLOT_INDEX[kind]]!;
  }
  return type;
}

/**
 * Gives a static type its name, bases and MRO (immortal, untracked) and a
 * version tag, and marks it ready. `extraBases`: the bases after `tp_base`
 * (finished already); the MRO is then the C3 linearization. Returns false
 * when memory ran out (or the bases admit no MRO).
 * @internal
 */
export function finishStaticType(t: ObThread, type: number, name: string, extraBases: readonly number[] = []): boolean {
  const u32 = t.u32;
  const nameStr = strFromJs(t, name);
  if (nameStr === 0) return false;
  immortalize(t.rc, nameStr);
  const base = u32[(type + TP_BASE_OFFSET) >>> 2]!;
  let mroItems = [type];
  if (extraBases.length > 0) {
    const linearized = c3Linearize(t, type, [base, ...extraBases]);
    if (linearized === null) return false;
    mroItems = linearized;
  } else if (base !== 0) {
    const baseMro = u32[(base + TP_MRO_OFFSET) >>> 2]!;
    for (let i = 0; i < tupleSize(t, baseMro); i++) mroItems.push(u32[((baseMro + TUPLE_ITEMS_OFFSET) >>> 2) + i]!);
  }
  const mro = tupleFromArray(t, mroItems);
  const bases = base === 0 ? t.emptyTuple : tupleFromArray(t, [base, ...extraBases]);
  if (mro === 0 || bases === 0) return false;
  for (const tuple of [mro, bases]) {
    if (tuple === t.emptyTuple) continue;
    gcUntrack(t.rc, tuple);
    immortalize(t.rc, tuple);
  }
  // The type's own dict, immortal as the type (its contents change under the type lock).
  const dict = dictNew(t);
  if (dict === 0) return false;
  gcUntrack(t.rc, dict);
  immortalize(t.rc, dict);
  // SAFETY: not published yet (the runtime is being built).
  u32[(type + TP_DICT_OFFSET) >>> 2] = dict;
  u32[(type + TP_NAME_OFFSET) >>> 2] = nameStr;
  u32[(type + TP_BASES_OFFSET) >>> 2] = bases;
  Atomics.store(u32, (type + TP_MRO_OFFSET) >>> 2, mro);
  // `type_ready_add_subclasses`: `int.__subclasses__()` lists bool (the bases' arrays are immortal as they are).
  for (const b of base === 0 ? [] : [base, ...extraBases]) if (!addSubclass(t, b, type)) return false;
  const version = Atomics.add(u32, (t.state + OS_NEXT_STATIC_VERSION_OFFSET) >>> 2, 1);
  if (version <= MAX_GLOBAL_TYPE_VERSION_TAG) Atomics.store(u32, (type + TP_VERSION_TAG_OFFSET) >>> 2, version);
  t.u16[(type + TP_FLAGS2_OFFSET) >>> 1] |= TYPE2_READY;
  return true;
}

/** `tp_version_tag` (0: none; the type is not cacheable now). @public */
export function typeVersionTag(t: ObThread, type: number): number {
  return Atomics.load(t.u32, (type + TP_VERSION_TAG_OFFSET) >>> 2);
}

/** `tp_mro`, a borrowed tuple (valid while the caller is attached: replaced ones go through QSBR). @public */
export function typeMro(t: ObThread, type: number): number {
  return Atomics.load(t.u32, (type + TP_MRO_OFFSET) >>> 2);
}

/** `tp_base`. @public */
export function typeBase(t: ObThread, type: number): number {
  return t.u32[(type + TP_BASE_OFFSET) >>> 2]!; // SAFETY: set before publication
}
