/**
 * Frame objects (`PyFrameObject`, `Objects/frameobject.c`) as snapshots:
 * the VM makes one when a traceback or `sys._getframe()` needs to show a
 * frame, and keeps its line and last instruction up to date through the
 * setters here. (CPython's frame object is a view of the interpreter's own
 * frame record; here it is a copy of what Python code can read: the code,
 * the namespaces, the caller, the line.)
 *
 * Layout (a fixed-field GC object; not subclassable, no instances from
 * Python: "cannot create 'frame' instances"):
 *
 *  20  u32  f_back      the calling frame (strong) or 0: TS setter (frameSetBack)
 *  24  u32  f_code      the code object (strong): creator
 *  28  u32  f_globals   dict (strong): creator
 *  32  u32  f_builtins  dict (strong): creator
 *  36  u32  f_locals    dict (strong) or 0 (a function's frame: locals live in the VM): creator, frameSetLocals
 *  40  u32  f_trace     the trace function (strong) or 0: the `f_trace` setter
 *  44  i32  f_lineno    the current line (-1: unknown): frameSetLineno
 *  48  i32  f_lasti     the last instruction as a byte offset (CPython's `f_lasti`: code units × 2; -1: none yet): frameSetLasti
 *  52  u32  trace flags bit 0 `f_trace_lines` (1 at creation), bit 1 `f_trace_opcodes`: their setters, Atomics
 *
 * Reference words are replaced with an atomic exchange and read lock-free
 * (field-object.ts), so that a frame shown to another thread (through a
 * traceback) never hands out a freed object; the two integers are single
 * words.
 */

import { formatAddress } from '@ft/atomics';
import { gcNew, gcTrack } from '@ft/gc';
import { incref, OB_TYPE_OFFSET, setMaybeWeakref, type RcThread } from '@ft/refcount';
import { CODE_FILENAME_OFFSET, CODE_NAME_OFFSET } from './code.js';
import { dictNew } from './dict.js';
import { errNoMemory, errRaiseInt } from './errors.js';
import { fieldGetRef, fieldSet, fieldsClear, fieldsDealloc, fieldsTraverse } from './field-object.js';
import { intFromNumber } from './int.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strReprJs } from './str.js';
import { strToJs } from './str-read.js';

/** @internal */ export const FRAME_BACK_OFFSET = 20;
/** @internal */ export const FRAME_CODE_OFFSET = 24;
/** @internal */ export const FRAME_GLOBALS_OFFSET = 28;
/** @internal */ export const FRAME_BUILTINS_OFFSET = 32;
/** @internal */ export const FRAME_LOCALS_OFFSET = 36;
/** @internal */ export const FRAME_TRACE_OFFSET = 40;
/** @internal */ export const FRAME_LINENO_OFFSET = 44;
/** @internal */ export const FRAME_LASTI_OFFSET = 48;
/** @internal */ export const FRAME_TRACE_FLAGS_OFFSET = 52;
/** Bytes of a frame object. @internal */ export const FRAME_OBJECT_SIZE = 56;

/** `f_trace_lines` in the trace flags. */
const TRACE_LINES = 1;
/** `f_trace_opcodes` in the trace flags. */
const TRACE_OPCODES = 2;

/** The reference words (traverse, clear, dealloc). */
const OBJECT_FIELDS = [FRAME_BACK_OFFSET, FRAME_CODE_OFFSET, FRAME_GLOBALS_OFFSET, FRAME_BUILTINS_OFFSET, FRAME_LOCALS_OFFSET, FRAME_TRACE_OFFSET] as const;

/** Whether `op` is a frame (`PyFrame_Check`). @public */
export function frameCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Frame];
}

/**
 * A new frame object for `code` running with `globals` and `builtins`
 * (dicts), `locals` (a dict, or 0 when the VM keeps them), called from
 * `back` (a frame, or 0), at line `lineno` with `lasti` the last
 * instruction's byte offset (-1: none). Every reference is taken here. 0
 * with MemoryError.
 * @public
 */
export function frameObjectNew(t: ObThread, code: number, globals: number, builtins: number, locals: number, back: number, lineno: number, lasti: number): number {
  const f = gcNew(t.gc, t.types[StaticType.Frame]!);
  if (f === 0) return errNoMemory(t);
  const u32 = t.u32;
  const values = [back, code, globals, builtins, locals, 0];
  for (let i = 0; i < OBJECT_FIELDS.length; i++) {
    const v = values[i]!;
    if (v !== 0) {
      incref(t.rc, v);
      setMaybeWeakref(t.rc, v); // read by other threads with try-incref (fieldGetRef)
    }
    u32[(f + OBJECT_FIELDS[i]!) >>> 2] = v; // SAFETY: not published yet
  }
  t.i32[(f + FRAME_LINENO_OFFSET) >>> 2] = lineno | 0;
  t.i32[(f + FRAME_LASTI_OFFSET) >>> 2] = lasti | 0;
  t.u32[(f + FRAME_TRACE_FLAGS_OFFSET) >>> 2] = TRACE_LINES;
  gcTrack(t.rc, f);
  return f;
}

/** Sets the frame's current line (`f_lineno`; -1: unknown). @public */
export function frameSetLineno(t: ObThread, f: number, lineno: number): void {
  Atomics.store(t.i32, (f + FRAME_LINENO_OFFSET) >>> 2, lineno | 0);
}

/** Sets the frame's last instruction, a byte offset (`f_lasti`; -1: none). @public */
export function frameSetLasti(t: ObThread, f: number, lasti: number): void {
  Atomics.store(t.i32, (f + FRAME_LASTI_OFFSET) >>> 2, lasti | 0);
}

/** Sets the frame's caller (`f_back`: a frame, or 0 for none); the new one is referenced, the old released. @public */
export function frameSetBack(t: ObThread, f: number, back: number): void {
  fieldSet(t, f, FRAME_BACK_OFFSET, back);
}

/** Sets the frame's locals dict (0: none, `f_locals` then reads as a new empty dict). @public */
export function frameSetLocals(t: ObThread, f: number, locals: number): void {
  fieldSet(t, f, FRAME_LOCALS_OFFSET, locals);
}

/** The frame's line (`PyFrame_GetLineNumber`; -1 unknown). @public */
export function frameLineno(t: ObThread, f: number): number {
  return Atomics.load(t.i32, (f + FRAME_LINENO_OFFSET) >>> 2);
}

/** The frame's last instruction as a byte offset (-1: none). @public */
export function frameLasti(t: ObThread, f: number): number {
  return Atomics.load(t.i32, (f + FRAME_LASTI_OFFSET) >>> 2);
}

/** `PyFrame_GetCode(f)`: the code object, a new reference (0 only after the collector cleared the frame). @public */
export function frameGetCode(t: ObThread, f: number): number {
  return fieldGetRef(t, f, FRAME_CODE_OFFSET);
}

/** `PyFrame_GetBack(f)`: the calling frame (a new reference), or 0 for none. @public */
export function frameGetBack(t: ObThread, f: number): number {
  return fieldGetRef(t, f, FRAME_BACK_OFFSET);
}

/** A reference word as a new reference, None when it is empty. */
function fieldOrNone(t: ObThread, f: number, offset: number): number {
  const v = fieldGetRef(t, f, offset);
  if (v !== 0) return v;
  incref(t.rc, t.none);
  return t.none;
}

/** A trace flag as a Python bool; its setter takes only a bool ("attribute value type must be bool"; `f_trace_lines` cannot be deleted). */
function traceFlag(bit: number, deletable: boolean): { get: (t: ObThread, f: number) => number; set: (t: ObThread, f: number, value: number) => number } {
  return {
    get: (t, f) => ((Atomics.load(t.u32, (f + FRAME_TRACE_FLAGS_OFFSET) >>> 2) & bit) !== 0 ? t.true : t.false),
    set: (t, f, value) => {
      if (value === 0 && !deletable) return errRaiseInt(t, StaticType.TypeError, "can't delete numeric/char attribute");
      if (value !== t.true && value !== t.false) return errRaiseInt(t, StaticType.TypeError, 'attribute value type must be bool');
      if (value === t.true) Atomics.or(t.u32, (f + FRAME_TRACE_FLAGS_OFFSET) >>> 2, bit);
      else Atomics.and(t.u32, (f + FRAME_TRACE_FLAGS_OFFSET) >>> 2, ~bit);
      return 0;
    },
  };
}

/** The Python attributes of frames, by name: getter and (for `f_trace`, `f_lineno` and the trace flags) setter. @internal */
export const FRAME_ATTRIBUTES: Record<string, { get: (t: ObThread, f: number) => number; set?: (t: ObThread, f: number, value: number) => number }> = {
  f_back: { get: (t, f) => fieldOrNone(t, f, FRAME_BACK_OFFSET) },
  f_code: { get: (t, f) => fieldOrNone(t, f, FRAME_CODE_OFFSET) },
  f_globals: { get: (t, f) => fieldOrNone(t, f, FRAME_GLOBALS_OFFSET) },
  f_builtins: { get: (t, f) => fieldOrNone(t, f, FRAME_BUILTINS_OFFSET) },
  // A function's frame keeps its locals in the VM: an empty dict stands in (CPython 3.13 shows a FrameLocalsProxy).
  f_locals: { get: (t, f) => fieldGetRef(t, f, FRAME_LOCALS_OFFSET) || dictNew(t) },
  f_lineno: {
    // `frame_getlineno`: None when the line is unknown.
    get: (t, f) => {
      const lineno = frameLineno(t, f);
      if (lineno >= 0) return intFromNumber(t, lineno);
      incref(t.rc, t.none);
      return t.none;
    },
    // `frame_setlineno`: jumping needs a trace function, which this VM does not run.
    set: (t) => errRaiseInt(t, StaticType.ValueError, 'f_lineno can only be set in a trace function'),
  },
  f_lasti: { get: (t, f) => intFromNumber(t, Math.max(-1, frameLasti(t, f))) },
  f_trace: {
    get: (t, f) => fieldOrNone(t, f, FRAME_TRACE_OFFSET),
    // `frame_settrace`: None (or a delete) clears it.
    set: (t, f, value) => {
      fieldSet(t, f, FRAME_TRACE_OFFSET, value === t.none ? 0 : value);
      return 0;
    },
  },
  // A member (`Py_T_BOOL`) in CPython; a getset there too for opcodes, whose delete crashes 3.13.0: a TypeError here.
  f_trace_lines: traceFlag(TRACE_LINES, false),
  f_trace_opcodes: traceFlag(TRACE_OPCODES, true),
};

/** `frame_repr`: `<frame at 0x…, file 'x.py', line 3, code f>`. @internal */
export function frameReprJs(t: ObThread, f: number): string {
  const code = t.u32[(f + FRAME_CODE_OFFSET) >>> 2]!;
  if (code === 0) return `<frame at ${formatAddress(f)}>`; // cleared by the collector
  const filename = t.u32[(code + CODE_FILENAME_OFFSET) >>> 2]!;
  const name = t.u32[(code + CODE_NAME_OFFSET) >>> 2]!;
  return `<frame at ${formatAddress(f)}, file ${strReprJs(t, filename)}, line ${frameLineno(t, f)}, code ${strToJs(t, name)}>`;
}

/** `frame_traverse`. @internal */
export function frameTraverse(rc: RcThread, f: number, visit: (child: number) => number): number {
  return fieldsTraverse(rc, f, visit, OBJECT_FIELDS);
}

/** `frame_tp_clear`: every reference dropped (the collector breaking a cycle through the frame). @internal */
export function frameClear(rc: RcThread, f: number): void {
  fieldsClear(rc, f, OBJECT_FIELDS);
}

/** `frame_dealloc`. @internal */
export function frameDealloc(t: ObThread, f: number): void {
  fieldsDealloc(t, f, OBJECT_FIELDS);
}
