/**
 * Objects whose body is a fixed list of object words — functions, cells,
 * bound methods, descriptors, modules, properties, super — and the three
 * collector behaviours every such type needs (traverse, clear, dealloc
 * over its list of offsets), written once here.
 *
 * Fields that other threads may replace while one reads them (a cell's
 * contents, a function's `__defaults__`) are read lock-free with
 * `xGetRef` (load, try-incref, re-check the word: `_Py_XGetRef`) and
 * written with an atomic exchange, the old value released afterwards:
 * memory of a freed object is reused only after QSBR, so the re-check is
 * enough (the list's item protocol, DESIGN.md §7).
 */

import { gcDel, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { decref, incref, setMaybeWeakref, xGetRef, type RcThread } from '@ft/refcount';
import { errNoMemory } from './errors.js';
import type { ObThread } from './ob-thread.js';
import { clearWeakRefs } from './weakref-clear.js';

/**
 * A new GC-tracked object of `type` with `values[i]` stored at
 * `offsets[i]` (each a new reference taken here; 0 stays empty); 0 with
 * MemoryError.
 * @internal
 */
export function fieldsNew(t: ObThread, type: number, offsets: readonly number[], values: readonly number[]): number {
  const op = gcNew(t.gc, type);
  if (op === 0) return errNoMemory(t);
  for (let i = 0; i < offsets.length; i++) {
    const v = values[i] ?? 0;
    if (v !== 0) {
      incref(t.rc, v);
      // Other threads read fields with try-incref (fieldGetRef), as they read what fieldSet stores.
      setMaybeWeakref(t.rc, v);
    }
    t.u32[(op + offsets[i]!) >>> 2] = v; // SAFETY: not published yet
  }
  gcTrack(t.rc, op);
  return op;
}

/** The field at `offset` (borrowed: valid while the caller keeps `op` and nobody replaces it). @internal */
export function fieldGet(t: ObThread, op: number, offset: number): number {
  return t.u32[(op + offset) >>> 2]!;
}

/** The field at `offset` as a new reference, safe against a concurrent {@link fieldSet} (`_Py_XGetRef`); 0 when empty. @internal */
export function fieldGetRef(t: ObThread, op: number, offset: number): number {
  return xGetRef(t.rc, op + offset);
}

/**
 * Replaces the field at `offset` with `value` (a new reference taken
 * here; 0 empties it) and releases the old one. Lock-free readers see the
 * old or the new object, never a freed one (see the file's comment).
 * @internal
 */
export function fieldSet(t: ObThread, op: number, offset: number, value: number): void {
  if (value !== 0) {
    incref(t.rc, value);
    // Readers on other threads may try-incref it: its final decref must go through the merge CAS.
    setMaybeWeakref(t.rc, value);
  }
  const old = Atomics.exchange(t.u32, (op + offset) >>> 2, value);
  if (old !== 0) decref(t.rc, old);
}

/** `tp_traverse` over the object words at `offsets`. @internal */
export function fieldsTraverse(rc: RcThread, op: number, visit: (child: number) => number, offsets: readonly number[]): number {
  for (const offset of offsets) {
    const child = rc.u32[(op + offset) >>> 2]!;
    if (child !== 0) {
      const r = visit(child);
      if (r !== 0) return r;
    }
  }
  return 0;
}

/** `tp_clear`: empties the words at `offsets`, releasing what they held. @internal */
export function fieldsClear(rc: RcThread, op: number, offsets: readonly number[]): void {
  for (const offset of offsets) {
    const old = Atomics.exchange(rc.u32, (op + offset) >>> 2, 0);
    if (old !== 0) decref(rc, old);
  }
}

/**
 * `tp_dealloc` of a fixed-field object: untrack, clear the weak references
 * to it when its type keeps them (`weakrefs`; their callbacks run while the
 * fields are still there, as CPython's order), release the fields, free.
 * @internal
 */
export function fieldsDealloc(t: ObThread, op: number, offsets: readonly number[], weakrefs = false): void {
  gcUntrack(t.rc, op);
  if (weakrefs) clearWeakRefs(t, op);
  fieldsClear(t.rc, op, offsets);
  gcDel(t.gc, op);
}
