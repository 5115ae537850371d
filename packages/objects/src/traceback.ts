/**
 * Traceback objects (`PyTracebackObject`, `Python/traceback.c`): one entry
 * per frame an exception passed through, linked from the newest frame back
 * to the outermost by `tb_next` — `PyTraceBack_Here` puts a new entry in
 * front of the exception's traceback each time the exception leaves a
 * frame ({@link tracebackNew}).
 *
 * Layout (a fixed-field GC object; `types.TracebackType(tb_next, tb_frame,
 * tb_lasti, tb_lineno)` makes one from Python, not subclassable):
 *
 *  20  u32  tb_next    the next entry (strong) or 0: replaced by the `tb_next` setter (atomic exchange,
 *                      read lock-free: field-object.ts)
 *  24  u32  tb_frame   the frame (strong): creator
 *  28  i32  tb_lasti   the instruction's byte offset: creator
 *  32  i32  tb_lineno  the line, -1 when unknown: creator
 */

import { incref, OB_TYPE_OFFSET, type RcThread, setMaybeWeakref } from '@ft/refcount';
import { badArgument, cIntArg, unpackKeywordsTuple, type ArgSpec } from './arg-parse.js';
import { errNoMemory, errRaise, errRaiseInt } from './errors.js';
import { fieldGetRef, fieldSet, fieldsClear, fieldsDealloc, fieldsTraverse } from './field-object.js';
import { frameCheck } from './frame-object.js';
import { gcNew, gcTrack } from '@ft/gc';
import { intFromNumber } from './int.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { typeNameOf } from './subtype.js';

/** @internal */ export const TB_NEXT_OFFSET = 20;
/** @internal */ export const TB_FRAME_OFFSET = 24;
/** @internal */ export const TB_LASTI_OFFSET = 28;
/** @internal */ export const TB_LINENO_OFFSET = 32;
/** Bytes of a traceback object. @internal */ export const TRACEBACK_OBJECT_SIZE = 36;

const OBJECT_FIELDS = [TB_NEXT_OFFSET, TB_FRAME_OFFSET] as const;

/** Whether `op` is a traceback (`PyTraceBack_Check`). @public */
export function tracebackCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Traceback];
}

/**
 * `tb_create_raw`: a new traceback entry for `frame` (a frame object) in
 * front of `next` (a traceback, or 0 for the last entry), at byte offset
 * `lasti` and line `lineno` (-1: unknown); both references are taken
 * here. 0 with SystemError when `frame` is no frame or `next` no
 * traceback, MemoryError.
 * @public
 */
export function tracebackNew(t: ObThread, next: number, frame: number, lasti: number, lineno: number): number {
  if ((next !== 0 && !tracebackCheck(t, next)) || !frameCheck(t, frame)) return errRaise(t, StaticType.SystemError, 'bad argument to internal function');
  const tb = gcNew(t.gc, t.types[StaticType.Traceback]!);
  if (tb === 0) return errNoMemory(t);
  if (next !== 0) {
    incref(t.rc, next);
    setMaybeWeakref(t.rc, next); // tb_next is read with try-incref (tracebackNext) from any thread
  }
  incref(t.rc, frame);
  // SAFETY: not published yet.
  t.u32[(tb + TB_NEXT_OFFSET) >>> 2] = next;
  t.u32[(tb + TB_FRAME_OFFSET) >>> 2] = frame;
  t.i32[(tb + TB_LASTI_OFFSET) >>> 2] = lasti | 0;
  t.i32[(tb + TB_LINENO_OFFSET) >>> 2] = lineno | 0;
  gcTrack(t.rc, tb);
  return tb;
}

/** The next entry (a new reference), or 0 at the last one. @public */
export function tracebackNext(t: ObThread, tb: number): number {
  return fieldGetRef(t, tb, TB_NEXT_OFFSET);
}

/** The entry's frame (borrowed: never replaced while the traceback lives). @public */
export function tracebackFrame(t: ObThread, tb: number): number {
  return t.u32[(tb + TB_FRAME_OFFSET) >>> 2]!;
}

/** The entry's line (-1: unknown). @public */
export function tracebackLineno(t: ObThread, tb: number): number {
  return t.i32[(tb + TB_LINENO_OFFSET) >>> 2]!;
}

/** The entry's instruction, a byte offset. @public */
export function tracebackLasti(t: ObThread, tb: number): number {
  return t.i32[(tb + TB_LASTI_OFFSET) >>> 2]!;
}

const TRACEBACK_SPEC: ArgSpec = { fname: 'traceback', posonly: 0, names: ['tb_next', 'tb_frame', 'tb_lasti', 'tb_lineno'], minpos: 4, maxpos: 4 };

/**
 * `tb_new` (`types.TracebackType(tb_next, tb_frame, tb_lasti,
 * tb_lineno)`): "traceback() missing required argument 'tb_frame' (pos
 * 2)", "traceback() argument 'tb_frame' must be frame, not int", "expected
 * traceback object or None, got 'int'"; the two ints through `__index__`
 * within C int.
 * @internal
 */
export function tracebackTypeNew(t: ObThread, _type: number, args: number, kwargs: number): number {
  const out: number[] = [];
  if (!unpackKeywordsTuple(t, TRACEBACK_SPEC, args, kwargs, out)) return 0;
  const [next, frame, lastiArg, linenoArg] = out as [number, number, number, number];
  if (!frameCheck(t, frame)) return badArgument(t, 'traceback', 'tb_frame', 'frame', frame);
  const lasti = cIntArg(t, lastiArg);
  if (lasti === undefined) return 0;
  const lineno = cIntArg(t, linenoArg);
  if (lineno === undefined) return 0;
  if (next !== t.none && !tracebackCheck(t, next)) return errRaise(t, StaticType.TypeError, `expected traceback object or None, got '${typeNameOf(t, next)}'`);
  return tracebackNew(t, next === t.none ? 0 : next, frame, lasti, lineno);
}

/**
 * `tb_next_set` (`value` 0: a delete): None or a traceback; TypeError
 * "can't delete tb_next attribute", "expected traceback object, got
 * 'int'"; ValueError "traceback loop detected" when `tb` is reachable from
 * `value`. 0, or -1 with the exception.
 * @internal
 */
export function tracebackSetNext(t: ObThread, tb: number, value: number): number {
  if (value === 0) return errRaiseInt(t, StaticType.TypeError, "can't delete tb_next attribute");
  let next = value;
  if (next === t.none) next = 0;
  else if (!tracebackCheck(t, next)) return errRaiseInt(t, StaticType.TypeError, `expected traceback object, got '${typeNameOf(t, next)}'`);
  // The chain below `next` is walked borrowed, as CPython's check (the entries belong to the caller's thread).
  for (let cursor = next; cursor !== 0; cursor = t.u32[(cursor + TB_NEXT_OFFSET) >>> 2]!) {
    if (cursor === tb) return errRaiseInt(t, StaticType.ValueError, 'traceback loop detected');
  }
  fieldSet(t, tb, TB_NEXT_OFFSET, next);
  return 0;
}

/** `readonly attribute` for the members `tb_frame` and `tb_lasti`. */
const readonly = (t: ObThread): number => errRaiseInt(t, StaticType.AttributeError, 'readonly attribute');

/** The Python attributes of tracebacks, by name. @internal */
export const TRACEBACK_ATTRIBUTES: Record<string, { get: (t: ObThread, tb: number) => number; set?: (t: ObThread, tb: number, value: number) => number }> = {
  tb_next: {
    get: (t, tb) => {
      const next = tracebackNext(t, tb);
      if (next !== 0) return next;
      incref(t.rc, t.none);
      return t.none;
    },
    set: tracebackSetNext,
  },
  tb_frame: {
    get: (t, tb) => {
      const frame = fieldGetRef(t, tb, TB_FRAME_OFFSET);
      if (frame !== 0) return frame;
      incref(t.rc, t.none);
      return t.none;
    },
    set: readonly,
  },
  tb_lasti: { get: (t, tb) => intFromNumber(t, tracebackLasti(t, tb)), set: readonly },
  // `tb_lineno_get`: CPython computes an unknown line from tb_lasti and the code's line table; the VM passes the line, so an unknown one reads None.
  tb_lineno: {
    get: (t, tb) => {
      const lineno = tracebackLineno(t, tb);
      if (lineno >= 0) return intFromNumber(t, lineno);
      incref(t.rc, t.none);
      return t.none;
    },
  },
};

/** `tb_traverse`. @internal */
export function tracebackTraverse(rc: RcThread, tb: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, tb, visit, OBJECT_FIELDS);
}

/** `tb_clear`. @internal */
export function tracebackClear(rc: RcThread, tb: number): void {
  fieldsClear(rc, tb, OBJECT_FIELDS);
}

/** `tb_dealloc` (a long chain's nested deallocs are flattened by the refcount layer's trashcan). @internal */
export function tracebackDealloc(t: ObThread, tb: number): void {
  fieldsDealloc(t, tb, OBJECT_FIELDS);
}
