/**
 * Cell objects (`Objects/cellobject.c`): the box a closure shares with
 * the function that made it, one per variable captured. Reads are
 * lock-free (`PyCell_GetRef`: load, try-incref, re-check) and writes an
 * atomic exchange (field-object.ts), so that threads running closures
 * over one variable never see a freed object.
 */

import { formatAddress } from '@ft/atomics';
import { decref, incref, OB_TYPE_OFFSET, type RcThread } from '@ft/refcount';
import { objectRichCompare } from './abstract.js';
import { errRaise } from './errors.js';
import { fieldGetRef, fieldSet, fieldsDealloc, fieldsNew, fieldsTraverse, fieldsClear } from './field-object.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeNameOf } from './subtype.js';

/** `ob_ref`: the contents, or 0 when empty. @public */ export const CELL_REF_OFFSET = 20;
/** Bytes of a cell. @internal */ export const CELL_SIZE = 24;

const OBJECT_FIELDS = [CELL_REF_OFFSET] as const;

/** `PyCell_New(value)` (0: empty): a new cell; 0 with MemoryError. @public */
export function cellNew(t: ObThread, value: number): number {
  return fieldsNew(t, t.types[StaticType.Cell]!, OBJECT_FIELDS, [value]);
}

/** Whether `op` is a cell (`PyCell_Check`). @public */
export function cellCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Cell];
}

/** `PyCell_GetRef`: the contents as a new reference, 0 when empty (no exception). Lock-free. @public */
export function cellGetRef(t: ObThread, cell: number): number {
  return fieldGetRef(t, cell, CELL_REF_OFFSET);
}

/** `PyCell_SetTakeRef` without the take: stores `value` (a new reference is taken; 0 empties it). @public */
export function cellSet(t: ObThread, cell: number, value: number): void {
  fieldSet(t, cell, CELL_REF_OFFSET, value);
}

/** `cell_contents` getter: ValueError "Cell is empty" for an empty cell. @internal */
export function cellGetContents(t: ObThread, cell: number): number {
  const v = cellGetRef(t, cell);
  return v !== 0 ? v : errRaise(t, StaticType.ValueError, 'Cell is empty');
}

/** `cell_contents` setter (`value` 0 empties the cell). @internal */
export function cellSetContents(t: ObThread, cell: number, value: number): number {
  cellSet(t, cell, value);
  return 0;
}

/**
 * `cell_richcompare`: cells compare by their contents; an empty cell is
 * less than a full one, and two empty cells are equal.
 * @internal
 */
export function cellRichCompare(t: ObThread, a: number, b: number, op: number): number {
  if (!cellCheck(t, a) || !cellCheck(t, b)) {
    incref(t.rc, t.notImplemented);
    return t.notImplemented;
  }
  const x = cellGetRef(t, a);
  const y = cellGetRef(t, b);
  let r: number;
  if (x !== 0 && y !== 0) r = objectRichCompare(t, x, y, op);
  else {
    // Compare "has contents" as 0/1, as CPython does.
    const c = (x !== 0 ? 1 : 0) - (y !== 0 ? 1 : 0);
    const truth = [c < 0, c <= 0, c === 0, c !== 0, c > 0, c >= 0][op]!;
    r = truth ? t.true : t.false;
    incref(t.rc, r);
  }
  if (x !== 0) decref(t.rc, x);
  if (y !== 0) decref(t.rc, y);
  return r;
}

/** `cell_repr`: `<cell at 0x…: int object at 0x…>`, `<cell at 0x…: empty>`. @internal */
export function cellReprJs(t: ObThread, cell: number): string {
  const v = cellGetRef(t, cell);
  if (v === 0) return `<cell at ${formatAddress(cell)}: empty>`;
  const text = `<cell at ${formatAddress(cell)}: ${typeNameOf(t, v)} object at ${formatAddress(v)}>`;
  decref(t.rc, v);
  return text;
}

/** `tp_traverse`. @internal */
export function cellTraverse(rc: RcThread, op: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, op, visit, OBJECT_FIELDS);
}

/** `tp_clear`. @internal */
export function cellClear(rc: RcThread, op: number): void {
  fieldsClear(rc, op, OBJECT_FIELDS);
}

/** `tp_dealloc`. @internal */
export function cellDealloc(t: ObThread, op: number): void {
  fieldsDealloc(t, op, OBJECT_FIELDS);
}
