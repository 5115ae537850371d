/**
 * The eval loop's generator work that needs no loop (`RETURN_GENERATOR`'s
 * `_Py_MakeCoro` + `_PyFrame_Copy`, `clear_gen_frame`, and StopIteration's
 * value for `yield from`): moving a frame from the data stack into a new
 * generator, releasing a finished generator's frame.
 */

import {
  callArgs,
  CODE_FLAGS_OFFSET,
  CODE_FRAMESIZE_OFFSET,
  CODE_NAME_OFFSET,
  CODE_QUALNAME_OFFSET,
  errClear,
  errExceptionMatches,
  errGetRaisedException,
  FUNC_NAME_OFFSET,
  FUNC_QUALNAME_OFFSET,
  CODE_UNITS_OFFSET,
  GEN_CREATED,
  GEN_EXECUTING,
  GEN_FRAME_OFFSET,
  GEN_STATE_OFFSET,
  generatorNew,
  StaticType,
  strInternFromJs,
  objectGetAttr,
  type ObThread,
} from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { RESUME, RESUME_OPARG_LOCATION_MASK } from '../compiler/opcodes.js';
import { CO_ASYNC_GENERATOR, CO_COROUTINE } from '../compiler/code-unit.js';
import { getAttrJs } from './ceval-ops.js';
import { F_BUILTINS, F_CODE, F_FRAME_OBJECT, F_FUNC, F_GLOBALS, F_INSTR, F_LOCALS, F_LOCALSPLUS, F_OWNER, F_PREVIOUS, F_STACKTOP, OWNED_BY_GENERATOR } from './frame.js';

/**
 * `RETURN_GENERATOR` (`_Py_MakeCoro`): a new generator, coroutine or async
 * generator (by the code's flags) holding the frame at word `fw`
 * (its words moved, references and all, to resume at code unit `ip`); the
 * data-stack frame is left empty for the caller to pop. 0 with MemoryError.
 */
export function makeGenerator(t: ObThread, fw: number, ip: number): number {
  const u32 = t.u32;
  const code = u32[fw + F_CODE]!;
  const func = u32[fw + F_FUNC]!;
  const words = t.i32[(code + CODE_FRAMESIZE_OFFSET) >>> 2]!;
  const name = func !== 0 ? u32[(func + FUNC_NAME_OFFSET) >>> 2]! : u32[(code + CODE_NAME_OFFSET) >>> 2]!;
  const qualname = func !== 0 ? u32[(func + FUNC_QUALNAME_OFFSET) >>> 2]! : u32[(code + CODE_QUALNAME_OFFSET) >>> 2]!;
  const flags = t.i32[(code + CODE_FLAGS_OFFSET) >>> 2]!;
  const kind = (flags & CO_COROUTINE) !== 0 ? StaticType.Coroutine : (flags & CO_ASYNC_GENERATOR) !== 0 ? StaticType.AsyncGenerator : StaticType.Generator;
  const gen = generatorNew(t, words, name, qualname, kind);
  if (gen === 0) return 0;
  const gw = (gen + GEN_FRAME_OFFSET) >>> 2;
  const used = F_LOCALSPLUS + u32[fw + F_STACKTOP]!;
  u32.copyWithin(gw, fw, fw + used);
  u32.fill(0, fw, fw + used);
  u32[gw + F_PREVIOUS] = 0;
  u32[gw + F_INSTR] = ip;
  u32[gw + F_OWNER] = OWNED_BY_GENERATOR;
  return gen;
}

/**
 * `clear_gen_frame`: a generator's frame has finished: its slots and its
 * header's references go (the code stays, for `gi_code`); the generator
 * owns the memory.
 */
export function clearGeneratorFrame(t: ObThread, fw: number): void {
  const u32 = t.u32;
  const top = fw + F_LOCALSPLUS + u32[fw + F_STACKTOP]!;
  for (let i = fw + F_LOCALSPLUS; i < top; i++) {
    const v = u32[i]!;
    if (v !== 0) {
      u32[i] = 0;
      decref(t.rc, v);
    }
  }
  u32[fw + F_STACKTOP] = 0;
  // Globals and builtins are borrowed from the function when there is one (pushFrame).
  const borrowing = u32[fw + F_FUNC] !== 0;
  if (borrowing) {
    u32[fw + F_GLOBALS] = 0;
    u32[fw + F_BUILTINS] = 0;
  }
  for (const w of borrowing ? BORROWING_HEADER : OWNING_HEADER) {
    const v = u32[fw + w]!;
    if (v !== 0) {
      u32[fw + w] = 0;
      decref(t.rc, v);
    }
  }
}

/** The header words a frame holds references in, with and without a function (its globals and builtins borrowed from it). */
const BORROWING_HEADER = [F_FRAME_OBJECT, F_LOCALS, F_FUNC] as const;
const OWNING_HEADER = [F_FRAME_OBJECT, F_LOCALS, F_BUILTINS, F_GLOBALS, F_FUNC] as const;

/** `StopIteration.value` of `exc` (a new reference; None when it has none). */
export function stopIterationValue(t: ObThread, exc: number): number {
  const v = getAttrJs(t, exc, 'value');
  if (v !== 0) return v;
  errClear(t);
  incref(t.rc, t.none);
  return t.none;
}

/**
 * `_PyGen_FetchStopIterationValue`: when the exception set is a
 * StopIteration, clears it and returns its value (a new reference);
 * otherwise 0 with the exception left set.
 */
export function fetchStopIterationValue(t: ObThread): number {
  if (!errExceptionMatches(t, t.types[StaticType.StopIteration]!)) return 0;
  const exc = errGetRaisedException(t);
  const v = stopIterationValue(t, exc);
  decref(t.rc, exc);
  return v;
}

/** `obj.name(arg)`: a new reference or 0. */
export function callMethodOneArg(t: ObThread, obj: number, name: string, arg: number): number {
  const key = strInternFromJs(t, name);
  const meth = objectGetAttr(t, obj, key);
  decref(t.rc, key);
  if (meth === 0) return 0;
  const r = callArgs(t, meth, [arg]);
  decref(t.rc, meth);
  return r;
}

/** `_PyGen_yf`: the iterator a suspended `yield from` delegates to (a new reference), or 0. */
export function genYieldFrom(t: ObThread, gen: number): number {
  const state = Atomics.load(t.i32, (gen + GEN_STATE_OFFSET) >>> 2);
  if (state === GEN_CREATED || state >= GEN_EXECUTING) return 0;
  const fw = (gen + GEN_FRAME_OFFSET) >>> 2;
  const code = t.u32[fw + F_CODE]!;
  const ip = t.i32[fw + F_INSTR]!;
  const word = t.u16[((code + CODE_UNITS_OFFSET) >>> 1) + ip]!;
  // RESUME's location bits: 2 after `yield from`, 3 after `await` (bit 2 marks a yield inside a handler).
  if ((word & 0xff) !== RESUME || ((word >>> 8) & RESUME_OPARG_LOCATION_MASK) < 2) return 0;
  const yf = t.u32[fw + F_LOCALSPLUS + t.u32[fw + F_STACKTOP]! - 1]!;
  incref(t.rc, yf);
  return yf;
}
