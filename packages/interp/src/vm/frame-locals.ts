/**
 * A function frame's locals as a dict (`_PyFrame_GetLocals` for an
 * optimized frame, PEP 667's snapshot): `locals()` in a function, and the
 * frame object's `f_locals` kept when a frame that has one ends (so a
 * traceback's frames still show their variables, as CPython's frame
 * objects do once they own their frame).
 */

import { bytesItem, CELL_REF_OFFSET, cellCheck, errClear, errGetRaisedException, errSetRaisedException, frameSetLocals, CODE_LOCALSPLUSKINDS_OFFSET, CODE_LOCALSPLUSNAMES_OFFSET, CODE_NLOCALSPLUS_OFFSET, dictNew, dictSetItem, TUPLE_ITEMS_OFFSET, type ObThread } from '@ft/objects';
import { decref } from '@ft/refcount';
import { CO_FAST_CELL, CO_FAST_FREE, CO_FAST_HIDDEN } from '../compiler/code-unit.js';
import { F_CODE, F_LOCALSPLUS } from './frame.js';

/** A function frame's bound locals (cells read through) as a new dict. */
export function fastLocalsDict(t: ObThread, fw: number): number {
  const u32 = t.u32;
  const code = u32[fw + F_CODE]!;
  const n = t.i32[(code + CODE_NLOCALSPLUS_OFFSET) >>> 2]!;
  const names = (u32[(code + CODE_LOCALSPLUSNAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const kinds = u32[(code + CODE_LOCALSPLUSKINDS_OFFSET) >>> 2]!;
  const d = dictNew(t);
  if (d === 0) return 0;
  for (let i = 0; i < n; i++) {
    const kind = bytesItem(t, kinds, i);
    if (kind & CO_FAST_HIDDEN) continue;
    let v = u32[fw + F_LOCALSPLUS + i]!;
    if (v !== 0 && kind & (CO_FAST_CELL | CO_FAST_FREE) && cellCheck(t, v)) v = Atomics.load(u32, (v + CELL_REF_OFFSET) >>> 2);
    if (v === 0) continue;
    if (dictSetItem(t, d, u32[names + i]!, v) < 0) {
      decref(t.rc, d);
      return 0;
    }
  }
  return d;
}


/** Gives the frame object of the ending function frame at word `fw` a snapshot of its locals (failures leave it without). */
export function keepFrameLocals(t: ObThread, fw: number, frameObject: number): void {
  // The snapshot must not disturb an exception being raised through this frame.
  const saved = t.error.type !== 0 ? errGetRaisedException(t) : 0;
  const d = fastLocalsDict(t, fw);
  if (d !== 0) {
    frameSetLocals(t, frameObject, d);
    decref(t.rc, d);
  } else errClear(t);
  if (saved !== 0) errSetRaisedException(t, saved);
}
