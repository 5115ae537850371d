/**
 * `super()` without arguments (`super_init_without_args` in
 * `Objects/typeobject.c`): the running Python frame's first argument
 * (read through its cell when the argument is captured) and the class in
 * its `__class__` free variable, with CPython's RuntimeErrors.
 */

import {
  bytesItem,
  CELL_REF_OFFSET,
  CODE_ARGCOUNT_OFFSET,
  CODE_LOCALSPLUSKINDS_OFFSET,
  CODE_LOCALSPLUSNAMES_OFFSET,
  CODE_NLOCALSPLUS_OFFSET,
  errRaise,
  StaticType,
  strToJs,
  TPFLAGS_TYPE_SUBCLASS,
  TUPLE_ITEMS_OFFSET,
  typeHasFlag,
  typeNameOf,
  typeOf,
  type ObThread,
} from '@ft/objects';
import { CO_FAST_CELL, CO_FAST_FREE } from '../compiler/code-unit.js';
import { F_CODE, F_LOCALSPLUS } from './frame.js';
import { vmOf } from './vm-thread.js';

/** The frame's `__class__` and first argument (borrowed), or null with RuntimeError set. */
export function superArgs(t: ObThread): { type: number; obj: number } | null {
  const fw = vmOf(t).currentFrame >>> 2;
  const u32 = t.u32;
  const fail = (message: string): null => {
    errRaise(t, StaticType.RuntimeError, message);
    return null;
  };
  if (fw === 0) return fail('super(): no current frame');
  const code = u32[fw + F_CODE]!;
  if (t.i32[(code + CODE_ARGCOUNT_OFFSET) >>> 2] === 0) return fail('super(): no arguments');
  const kinds = u32[(code + CODE_LOCALSPLUSKINDS_OFFSET) >>> 2]!;
  let obj = u32[fw + F_LOCALSPLUS]!;
  // A captured first argument lives in its cell once MAKE_CELL has run.
  if (obj !== 0 && bytesItem(t, kinds, 0) & CO_FAST_CELL && typeOf(t, obj) === t.types[StaticType.Cell]) obj = Atomics.load(u32, (obj + CELL_REF_OFFSET) >>> 2);
  if (obj === 0) return fail('super(): arg[0] deleted');
  const n = t.i32[(code + CODE_NLOCALSPLUS_OFFSET) >>> 2]!;
  const names = (u32[(code + CODE_LOCALSPLUSNAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  for (let i = 0; i < n; i++) {
    if (!(bytesItem(t, kinds, i) & CO_FAST_FREE) || strToJs(t, u32[names + i]!) !== '__class__') continue;
    const cell = u32[fw + F_LOCALSPLUS + i]!;
    const type = cell === 0 ? 0 : Atomics.load(u32, (cell + CELL_REF_OFFSET) >>> 2);
    if (type === 0) return fail('super(): empty __class__ cell');
    if (!typeHasFlag(t, typeOf(t, type), TPFLAGS_TYPE_SUBCLASS)) return fail(`super(): __class__ is not a type (${typeNameOf(t, type)})`);
    return { type, obj };
  }
  return fail('super(): __class__ cell not found');
}
