/**
 * `PyType_IsSubtype` and the type's name, read without a lock.
 *
 * A type's MRO tuple is replaced (under the type lock) only by a new tuple
 * stored with `Atomics.store`; the old one is released through QSBR, so a
 * reader that loaded it may walk it to the end (gh-117306's reasoning: the
 * MRO is read without a lock, and a concurrent `__bases__` assignment
 * gives the reader either the old or the new order, never a torn one).
 */

import { OB_TYPE_OFFSET, TP_FLAGS_OFFSET } from '@ft/refcount';
import { TP_BASE_OFFSET, TP_MRO_OFFSET, TP_NAME_OFFSET, TUPLE_ITEMS_OFFSET, TUPLE_SIZE_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';

/** `Py_TYPE(op)`. @public */
export function typeOf(t: ObThread, op: number): number {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2]!; // SAFETY: ob_type changes only by __class__ assignment, with Atomics (generic-attr.ts); a plain read sees either
}

/** `PyType_IsSubtype(a, b)`: whether `b` is in `a`'s MRO (or, before `a` has one, in its base chain). @public */
export function typeIsSubtype(t: ObThread, a: number, b: number): boolean {
  if (a === b) return true;
  const u32 = t.u32;
  const mro = Atomics.load(u32, (a + TP_MRO_OFFSET) >>> 2);
  if (mro !== 0) {
    // SAFETY: a tuple is immutable once published; this one stays allocated until QSBR (file comment).
    const n = u32[(mro + TUPLE_SIZE_OFFSET) >>> 2]!;
    const items = (mro + TUPLE_ITEMS_OFFSET) >>> 2;
    for (let i = 0; i < n; i++) if (u32[items + i] === b) return true;
    return false;
  }
  // Not ready yet: the base chain (`type_is_subtype_base_chain`).
  for (let base = a; base !== 0; base = u32[(base + TP_BASE_OFFSET) >>> 2]!) if (base === b) return true;
  return false;
}

/** `PyType_HasFeature(type, flag)`: `tp_flags` read atomically (CPython: relaxed). @public */
export function typeHasFlag(t: ObThread, type: number, flag: number): boolean {
  return (Atomics.load(t.u32, (type + TP_FLAGS_OFFSET) >>> 2) & flag) !== 0;
}

/** `PyObject_TypeCheck(op, type)`. @public */
export function objectTypeCheck(t: ObThread, op: number, type: number): boolean {
  const own = typeOf(t, op);
  return own === type || typeIsSubtype(t, own, type);
}

/** A type's `__name__` (`tp_name`) as a JavaScript string. @public */
export function typeName(t: ObThread, type: number): string {
  const name = t.u32[(type + TP_NAME_OFFSET) >>> 2]!; // SAFETY: set before the type is published; a heap type's __name__ assignment swaps it with Atomics and frees the old one through QSBR
  return name === 0 ? '?' : strToJs(t, name);
}

/** The name of `op`'s type (`Py_TYPE(op)->tp_name`), for messages. @public */
export function typeNameOf(t: ObThread, op: number): string {
  return typeName(t, typeOf(t, op));
}
