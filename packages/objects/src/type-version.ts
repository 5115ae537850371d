/**
 * The type lock and version tags (`TYPE_LOCK`, `assign_version_tag`,
 * `type_modified_unlocked`). One lock per interpreter guards every type's
 * mutable state — its dict's contents as the type sees them, its
 * subclasses, its version — taken as a critical section, so that walking
 * the subclass tree never nests per-type locks.
 *
 * A version tag names one state of a type's attributes: the method cache
 * and the VM's specializations key on it. Any change to a type's
 * attributes clears the tag of the type and of every subclass (they
 * inherit the attribute); the next lookup assigns a fresh one. A type that
 * used {@link MAX_VERSIONS_PER_CLASS} tags gets no more (it is modified too
 * often to be worth caching).
 */

import { errRaiseInt } from './errors.js';
import { criticalSectionBegin, criticalSectionEnd } from '@ft/atomics';
import { TYPE_FLAG_HEAPTYPE, TP_FLAGS_OFFSET } from '@ft/refcount';
import {
  MAX_GLOBAL_TYPE_VERSION_TAG,
  MAX_VERSIONS_PER_CLASS,
  OS_NEXT_HEAP_VERSION_OFFSET,
  OS_NEXT_STATIC_VERSION_OFFSET,
  OS_TYPE_LOCK_OFFSET,
  TP_FLAGS2_OFFSET,
  TP_MRO_OFFSET,
  TP_SUBCLASSES_OFFSET,
  TP_VERSION_TAG_OFFSET,
  TP_VERSIONS_USED_OFFSET,
  TP_SLOTS_OFFSET,
  StaticType,
  TUPLE_ITEMS_OFFSET,
  TUPLE_SIZE_OFFSET,
  TYPE2_READY,
} from './layout.js';
import { SLOT_INDEX, type ObThread, type SlotKind } from './ob-thread.js';
import { typeName } from './subtype.js';

/** `BEGIN_TYPE_LOCK()`. @internal */
export function typeLock(t: ObThread): void {
  criticalSectionBegin(t.heap, t.state + OS_TYPE_LOCK_OFFSET);
}

/** `END_TYPE_LOCK()`. @internal */
export function typeUnlock(t: ObThread): void {
  criticalSectionEnd(t.heap);
}

/**
 * `assign_version_tag`: the type's tag, assigning one (to its bases first:
 * a type may have a tag only if all its bases do) when it has none; 0 when
 * it cannot have one. SAFETY: the type lock is held.
 * @internal
 */
export function assignVersionTag(t: ObThread, type: number): number {
  const u32 = t.u32;
  const current = Atomics.load(u32, (type + TP_VERSION_TAG_OFFSET) >>> 2);
  if (current !== 0) return current;
  if ((t.u16[(type + TP_FLAGS2_OFFSET) >>> 1]! & TYPE2_READY) === 0) return 0;
  if (t.u16[(type + TP_VERSIONS_USED_OFFSET) >>> 1]! >= MAX_VERSIONS_PER_CLASS) return 0;
  const mro = u32[(type + TP_MRO_OFFSET) >>> 2]!;
  const n = t.i32[(mro + TUPLE_SIZE_OFFSET) >>> 2]!;
  for (let i = 1; i < n; i++) if (assignVersionTag(t, u32[((mro + TUPLE_ITEMS_OFFSET) >>> 2) + i]!) === 0) return 0;
  let version: number;
  if ((u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) !== 0) {
    // The interpreter's counter, under the type lock; 0 after wrapping: exhausted.
    const next = u32[(t.state + OS_NEXT_HEAP_VERSION_OFFSET) >>> 2]!;
    if (next === 0) return 0;
    u32[(t.state + OS_NEXT_HEAP_VERSION_OFFSET) >>> 2] = (next + 1) >>> 0;
    version = next;
  } else {
    version = Atomics.add(u32, (t.state + OS_NEXT_STATIC_VERSION_OFFSET) >>> 2, 1);
    if (version > MAX_GLOBAL_TYPE_VERSION_TAG) return 0;
  }
  // `tp_versions_used` (CPython: an atomic 16-bit add; the type lock serializes it here).
  t.u16[(type + TP_VERSIONS_USED_OFFSET) >>> 1]!++;
  Atomics.store(u32, (type + TP_VERSION_TAG_OFFSET) >>> 2, version); // CPython: relaxed
  return version;
}

/**
 * `type_modified_unlocked`: clears the version tag of `type` and of every
 * subclass (subclasses first), so that no cache or specialization keyed
 * on the old state matches again. SAFETY: the type lock is held.
 * @internal
 */
export function typeModifiedLocked(t: ObThread, type: number): void {
  const u32 = t.u32;
  if (Atomics.load(u32, (type + TP_VERSION_TAG_OFFSET) >>> 2) === 0) return;
  const subclasses = u32[(type + TP_SUBCLASSES_OFFSET) >>> 2]!;
  if (subclasses !== 0) {
    const count = u32[subclasses >>> 2]!;
    for (let i = 0; i < count; i++) typeModifiedLocked(t, u32[(subclasses >>> 2) + 2 + i]!);
  }
  Atomics.store(u32, (type + TP_VERSION_TAG_OFFSET) >>> 2, 0); // CPython: relaxed
}

/** `PyType_Modified(type)`: invalidates the type's version tag (and its subclasses'). @public */
export function typeModified(t: ObThread, type: number): void {
  // The unlocked check first, as CPython's: a type without a tag has nothing cached.
  if (Atomics.load(t.u32, (type + TP_VERSION_TAG_OFFSET) >>> 2) === 0) return;
  typeLock(t);
  typeModifiedLocked(t, type);
  typeUnlock(t);
}

/**
 * Sets slot `kind` of a heap type to behaviour `id` (what the VM does when
 * a class defines `__hash__`, `__eq__`, …: `update_slot`), and the same slot
 * of every subclass that inherited the old one; under the type lock, with
 * the versions cleared. 0, or -1 with TypeError for a static type.
 * @public
 */
export function typeSetSlot(t: ObThread, type: number, kind: SlotKind, id: number): number {
  if ((t.u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) === 0) {
    return errRaiseInt(t, StaticType.TypeError, `cannot set slots of immutable type '${typeName(t, type)}'`);
  }
  if (id !== 0 && (t.slots[kind][id] ?? null) === null) throw new RangeError(`typeSetSlot: no ${kind} behaviour with id ${id} is registered`);
  typeLock(t);
  typeModifiedLocked(t, type);
  setSlotDown(t, type, SLOT_INDEX[kind], t.u32[((type + TP_SLOTS_OFFSET) >>> 2) + SLOT_INDEX[kind]]!, id);
  typeUnlock(t);
  return 0;
}

/** Sets the slot in `type` and, depth first, in each subclass still holding the inherited `old`. SAFETY: the type lock is held. */
function setSlotDown(t: ObThread, type: number, index: number, old: number, id: number): void {
  const u32 = t.u32;
  Atomics.store(u32, ((type + TP_SLOTS_OFFSET) >>> 2) + index, id);
  const subclasses = u32[(type + TP_SUBCLASSES_OFFSET) >>> 2]!;
  if (subclasses === 0) return;
  const count = u32[subclasses >>> 2]!;
  for (let i = 0; i < count; i++) {
    const sub = u32[(subclasses >>> 2) + 2 + i]!;
    if (u32[((sub + TP_SLOTS_OFFSET) >>> 2) + index] === old) setSlotDown(t, sub, index, old, id);
  }
}
