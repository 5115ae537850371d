/**
 * `__del__` (PEP 442, `Objects/typeobject.c`'s `slot_tp_finalize` and
 * `Objects/object.c`'s `PyObject_CallFinalizerFromDealloc`): a class whose
 * MRO defines `__del__` gets the `slot/__del__` finalize behaviour as its
 * `tp_finalize`. It runs once per object (the FINALIZED GC bit): from the
 * instance's dealloc when its count reaches zero — the object is given a
 * reference while `__del__` runs and lives on if `__del__` stored it
 * somewhere — or from the collector for an object in unreachable garbage.
 */

import { decref, GC_BITS_FINALIZED, OB_GC_BITS_OFFSET, resurrectEnd, resurrectStart, TP_FINALIZE_OFFSET, type FinalizeFn } from '@ft/refcount';
import { dictGetItemRef } from './dict.js';
import { errClear, errGetRaisedException, errSetRaisedException } from './errors.js';
import { strInternFromJs } from './intern.js';
import { TP_BASES_OFFSET, TP_DICT_OFFSET, TP_SUBCLASSES_OFFSET } from './layout.js';
import { typeLookupRef } from './method-cache.js';
import type { ObThread } from './ob-thread.js';
import { callSpecial, MISSING } from './call-special.js';
import { typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import { errWriteUnraisable } from './weakref-clear.js';

/**
 * `slot_tp_finalize`: `type(self).__del__(self)` with the pending exception
 * saved around it; an exception from `__del__` is reported as unraisable
 * ("Exception ignored in: <function C.__del__ …>") and dropped.
 * @internal
 */
export function slotFinalize(t: ObThread, op: number): void {
  const pending = errGetRaisedException(t);
  const r = callSpecial(t, op, '__del__', []);
  if (r === 0) {
    const del = lookupDel(t, typeOf(t, op));
    errWriteUnraisable(t, del);
    if (del !== 0) decref(t.rc, del);
  } else if (r !== MISSING) decref(t.rc, r);
  errSetRaisedException(t, pending);
}

/** `__del__` along `type`'s MRO: a new reference, or 0. */
function lookupDel(t: ObThread, type: number): number {
  const key = strInternFromJs(t, '__del__');
  return key === 0 ? 0 : typeLookupRef(t, type, key);
}

/**
 * `PyObject_CallFinalizerFromDealloc` for an instance whose count reached
 * zero: runs its type's finalizer unless it ran already (the FINALIZED
 * bit, set first, so it runs once), with the object resurrected meanwhile.
 * True when the finalizer kept the object alive: the dealloc must stop.
 * @internal
 */
export function callFinalizerFromDealloc(t: ObThread, op: number, finalizers: readonly (FinalizeFn | null)[]): boolean {
  const id = t.u32[(typeOf(t, op) + TP_FINALIZE_OFFSET) >>> 2]!;
  const finalize = id === 0 ? null : finalizers[id];
  if (finalize === null || finalize === undefined) return false;
  // SAFETY: the count is zero: no other thread holds the object, the GC bits are this dealloc's.
  const bits = t.u8[op + OB_GC_BITS_OFFSET]!;
  if ((bits & GC_BITS_FINALIZED) !== 0) return false;
  t.u8[op + OB_GC_BITS_OFFSET] = bits | GC_BITS_FINALIZED;
  resurrectStart(t.rc, op);
  finalize(t.rc, op);
  return resurrectEnd(t.rc, op);
}

/**
 * Sets `type`'s `tp_finalize` to `finalizeId` when its MRO defines
 * `__del__` (its own dict does, or a base finalizes through `__del__`),
 * else to none; with `subclasses` (after `C.__del__ = f` or
 * `del C.__del__`) every subclass is updated too, as `update_slot` does.
 * Reads dicts and words only: the caller may hold the type lock.
 * @internal
 */
export function updateFinalize(t: ObThread, type: number, finalizeId: number, subclasses: boolean): void {
  const u32 = t.u32;
  let has = false;
  const key = strInternFromJs(t, '__del__');
  const own = key === 0 ? 0 : dictGetItemRef(t, u32[(type + TP_DICT_OFFSET) >>> 2]!, key);
  if (own !== 0) {
    decref(t.rc, own);
    has = true;
  } else if (t.error.type !== 0) errClear(t);
  const bases = u32[(type + TP_BASES_OFFSET) >>> 2]!;
  for (let i = 0; !has && bases !== 0 && i < tupleSize(t, bases); i++) has = u32[(tupleGetItem(t, bases, i) + TP_FINALIZE_OFFSET) >>> 2] === finalizeId;
  Atomics.store(u32, (type + TP_FINALIZE_OFFSET) >>> 2, has ? finalizeId : 0);
  if (!subclasses) return;
  const array = u32[(type + TP_SUBCLASSES_OFFSET) >>> 2]!;
  if (array === 0) return;
  const count = u32[array >>> 2]!;
  for (let i = 0; i < count; i++) updateFinalize(t, u32[(array >>> 2) + 2 + i]!, finalizeId, true);
}
