/**
 * Tracebacks (`Python/traceback.c`): `PyTraceBack_Here` puts an entry for
 * a frame in front of the current exception's traceback as the exception
 * passes through it. The entry's frame object is made the first time a
 * frame needs one (`_PyFrame_GetFrameObject`) and kept in the frame's
 * header; its line number and last instruction are brought up to date.
 */

import {
  CODE_SIZE_OFFSET,
  errGetRaisedException,
  errSetRaisedException,
  exceptionGetTraceback,
  exceptionSetTraceback,
  frameObjectNew,
  frameSetLasti,
  frameSetLineno,
  tracebackNew,
  type ObThread,
} from '@ft/objects';
import { decref } from '@ft/refcount';
import { lineOf } from './code-info.js';
import { F_BUILTINS, F_CODE, F_FRAME_OBJECT, F_GLOBALS, F_LOCALS, F_PREVIOUS } from './frame.js';
import type { VmThread } from './vm-thread.js';

/**
 * `_PyFrame_GetFrameObject`: the frame object of the interpreter frame at
 * byte address `frame` (a borrowed reference, kept by the frame), made now
 * if needed, its line set from code unit `index`. 0 on MemoryError.
 */
export function frameObjectOf(t: ObThread, frame: number, index: number): number {
  const u32 = t.u32;
  const fw = frame >>> 2;
  const code = u32[fw + F_CODE]!;
  const line = lineOf(t, code, index, u32[(code + CODE_SIZE_OFFSET) >>> 2]!);
  let f = u32[fw + F_FRAME_OBJECT]!;
  if (f === 0) {
    const previous = u32[fw + F_PREVIOUS]!;
    const back = previous === 0 ? 0 : u32[(previous >>> 2) + F_FRAME_OBJECT]!;
    f = frameObjectNew(t, code, u32[fw + F_GLOBALS]!, u32[fw + F_BUILTINS]!, u32[fw + F_LOCALS]!, back, line, index * 2);
    if (f === 0) return 0;
    u32[fw + F_FRAME_OBJECT] = f;
  } else {
    frameSetLineno(t, f, line);
    frameSetLasti(t, f, index * 2);
  }
  return f;
}

/** `PyTraceBack_Here(frame)`: the frame at byte address `frame`, executing code unit `index`. */
export function tracebackHere(vm: VmThread, frame: number, index: number): void {
  const t = vm.t;
  const exc = errGetRaisedException(t);
  if (exc === 0) return;
  const f = frameObjectOf(t, frame, index);
  if (f !== 0) {
    const old = exceptionGetTraceback(t, exc);
    const code = t.u32[(frame >>> 2) + F_CODE]!;
    const tb = tracebackNew(t, old, f, index * 2, lineOf(t, code, index, t.u32[(code + CODE_SIZE_OFFSET) >>> 2]!));
    if (old !== 0) decref(t.rc, old);
    if (tb !== 0) {
      exceptionSetTraceback(t, exc, tb);
      decref(t.rc, tb);
    }
  }
  // A failure to record the entry (no memory) leaves the exception as it was.
  errSetRaisedException(t, exc);
}
