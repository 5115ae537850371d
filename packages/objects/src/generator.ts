/**
 * Generator objects (`Objects/genobject.c`, `Include/internal/pycore_frame.h`):
 * a generator holds its function's frame inside itself (`gi_iframe`), in
 * the same layout as the frames on a thread's data stack, so that the VM
 * runs it in place when it is resumed. Its state (`gi_frame_state`)
 * moves created → suspended ⇄ executing → completed → cleared; the move
 * to executing is a compare-and-swap, so two threads resuming one
 * generator at once get "generator already executing" rather than both
 * running it (CPython 3.14's free-threaded rule).
 *
 * What resuming means (`gen_send_ex2`, `_gen_throw`, `gen_close`) is the
 * VM's: the methods and slots here call the thread's {@link GeneratorOps},
 * installed by @ft/interp, as functions call its `evalFunction`. The
 * layout, the collector's view of the frame and the object's lifetime are
 * this file's.
 */

import { formatAddress } from '@ft/atomics';
import { gcDel, gcIsFinalized, gcNew, gcTrack, gcUntrack } from '@ft/gc';
import { decref, incref, OB_TYPE_OFFSET, resurrectEnd, resurrectStart, type RcThread } from '@ft/refcount';
import { errGetRaisedException, errNoMemory, errRaise, errSetRaisedException } from './errors.js';
import { StaticType } from './layout.js';
import type { GeneratorOps, ObThread } from './ob-thread.js';
import { strToJs } from './str-read.js';
import { clearWeakRefs, errWriteUnraisable } from './weakref-clear.js';

/** `gi_weakreflist`. @public */ export const GEN_WEAKREFLIST_OFFSET = 20;
/** `gi_name` (str). @public */ export const GEN_NAME_OFFSET = 24;
/** `gi_qualname` (str). @public */ export const GEN_QUALNAME_OFFSET = 28;
/** `gi_frame_state` (i32, one of GEN_*; Atomics). @public */ export const GEN_STATE_OFFSET = 32;
/** `gi_exc_state.exc_value`: the exception its frame is handling while suspended (strong, or 0). @public */ export const GEN_EXC_STATE_OFFSET = 36;
/** Async generators' `ag_running_async` and `ag_closed` (u32 bits GEN_FLAG_*; plain: written by the thread resuming it, which its executing state or the awaiting task makes the only one). @public */ export const GEN_FLAGS_OFFSET = 40;
/** `gi_iframe`: the generator's frame, in the data stack's frame layout. @public */ export const GEN_FRAME_OFFSET = 44;

/** `ag_running_async`: an `asend`/`athrow` of this async generator is in progress. @public */ export const GEN_FLAG_RUNNING_ASYNC = 1;
/** `ag_closed`: the async generator was closed (`aclose()`, or it ended). @public */ export const GEN_FLAG_CLOSED = 2;

/** `FRAME_CREATED`: not started. @public */ export const GEN_CREATED = -3;
/** `FRAME_SUSPENDED`: stopped at a `yield`. @public */ export const GEN_SUSPENDED = -2;
/** `FRAME_SUSPENDED_YIELD_FROM`: stopped inside a `yield from`. @public */ export const GEN_SUSPENDED_YIELD_FROM = -1;
/** `FRAME_EXECUTING`. @public */ export const GEN_EXECUTING = 0;
/** `FRAME_COMPLETED`: returned or raised; its frame's slots are released. @public */ export const GEN_COMPLETED = 1;
/** `FRAME_CLEARED`: its frame's header is released too. @public */ export const GEN_CLEARED = 4;

/**
 * The interpreter frame's header words (`_PyInterpreterFrame`): word
 * indices from the frame's start. Shared by the VM's frames and the
 * frames inside generators; the header is `FRAME_SPECIALS_WORDS` long.
 * @public
 */
export const FrameWord = {
  /** `f_executable`: the code object (strong). */
  Code: 0,
  /** `f_funcobj` (strong, or 0). */
  Func: 1,
  /** `f_globals` (strong). */
  Globals: 2,
  /** `f_builtins` (strong). */
  Builtins: 3,
  /** `f_locals` (strong, or 0). */
  Locals: 4,
  /** The calling frame's byte address (0: none). */
  Previous: 5,
  /** Code unit index of the instruction to run next (or the one calling out). */
  Instr: 6,
  /** Slots in use after the header (locals plus stack). */
  StackTop: 7,
  /** Who owns the frame: 0 the thread's data stack, 1 a generator. */
  Owner: 8,
  /** The frame object made for it (strong, or 0). */
  FrameObject: 9,
  /** The first local slot. */
  LocalsPlus: 10,
} as const;

/**
 * The header words that hold strong references: globals and builtins only
 * in a frame without a function (a function's frame borrows them from it,
 * as CPython's frames do).
 */
const OWNING_HEADER = [FrameWord.Code, FrameWord.Func, FrameWord.Globals, FrameWord.Builtins, FrameWord.Locals, FrameWord.FrameObject] as const;
const BORROWING_HEADER = [FrameWord.Code, FrameWord.Func, FrameWord.Locals, FrameWord.FrameObject] as const;

/** The strong header words of the frame at word `fw`. */
function headerObjects(u32: Uint32Array, fw: number): readonly number[] {
  return u32[fw + FrameWord.Func] !== 0 ? BORROWING_HEADER : OWNING_HEADER;
}

export type { GeneratorOps } from './ob-thread.js';

/** The thread's generator operations; null with SystemError set when no VM runs on this thread. @internal */
export function generatorOps(t: ObThread): GeneratorOps | null {
  const ops = t.genOps;
  if (ops === null) errRaise(t, StaticType.SystemError, 'no Python evaluation loop on this thread: generators run on interpreter threads (@ft/interp)');
  return ops;
}

/**
 * `make_gen`: a new generator, created, whose frame of `frameWords` words
 * is zero (the VM copies its frame in), named `name`/`qualname` (strs,
 * references taken). Tracked by the collector. 0 with MemoryError.
 * `kind` is the type: a generator, a coroutine or an async generator
 * (`_Py_MakeCoro` by the code's flags); they share this layout.
 * @public
 */
export function generatorNew(t: ObThread, frameWords: number, name: number, qualname: number, kind: GeneratorKind = StaticType.Generator): number {
  const gen = gcNew(t.gc, t.types[kind]!, frameWords);
  if (gen === 0) return errNoMemory(t);
  const u32 = t.u32;
  // SAFETY: not published yet.
  u32.fill(0, (gen + GEN_WEAKREFLIST_OFFSET) >>> 2, ((gen + GEN_FRAME_OFFSET) >>> 2) + frameWords);
  incref(t.rc, name);
  incref(t.rc, qualname);
  u32[(gen + GEN_NAME_OFFSET) >>> 2] = name;
  u32[(gen + GEN_QUALNAME_OFFSET) >>> 2] = qualname;
  t.i32[(gen + GEN_STATE_OFFSET) >>> 2] = GEN_CREATED;
  gcTrack(t.rc, gen);
  return gen;
}

/** The types laid out as generators. @public */
export type GeneratorKind = typeof StaticType.Generator | typeof StaticType.Coroutine | typeof StaticType.AsyncGenerator;

/** Whether `op` is a generator (`PyGen_CheckExact`). @public */
export function generatorCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Generator];
}

/** Whether `op` is a coroutine (`PyCoro_CheckExact`). @public */
export function coroutineCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Coroutine];
}

/** Whether `op` is an async generator (`PyAsyncGen_CheckExact`). @public */
export function asyncGenCheck(t: ObThread, op: number): boolean {
  return t.u32[(op + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.AsyncGenerator];
}

/** Whether `op` is laid out as a generator: a generator, a coroutine or an async generator (`PyGen_CheckExact` and the others, for what resumes them). @public */
export function generatorLikeCheck(t: ObThread, op: number): boolean {
  const type = t.u32[(op + OB_TYPE_OFFSET) >>> 2]!;
  const types = t.types;
  return type === types[StaticType.Generator] || type === types[StaticType.Coroutine] || type === types[StaticType.AsyncGenerator];
}

/** The generator-like object's kind as CPython's messages name it: `generator`, `coroutine` or `async generator`. @public */
export function generatorKindName(t: ObThread, gen: number): string {
  if (coroutineCheck(t, gen)) return 'coroutine';
  if (asyncGenCheck(t, gen)) return 'async generator';
  return 'generator';
}

/** `gi_frame_state`. @public */
export function generatorState(t: ObThread, gen: number): number {
  return Atomics.load(t.i32, (gen + GEN_STATE_OFFSET) >>> 2);
}

/** `gen_repr` / `coro_repr` / `async_gen_repr`: `<generator object f at 0x…>` (the qualified name). @internal */
export function generatorReprJs(t: ObThread, gen: number): string {
  const kind = coroutineCheck(t, gen) ? 'coroutine' : asyncGenCheck(t, gen) ? 'async_generator' : 'generator';
  return `<${kind} object ${strToJs(t, t.u32[(gen + GEN_QUALNAME_OFFSET) >>> 2]!)} at ${formatAddress(gen)}>`;
}

/** Releases the frame's local and stack slots (`_PyFrame_ClearLocals`), leaving its header. @public */
export function generatorClearSlots(rc: RcThread, gen: number): void {
  const u32 = rc.u32;
  const fw = (gen + GEN_FRAME_OFFSET) >>> 2;
  const top = fw + FrameWord.LocalsPlus + u32[fw + FrameWord.StackTop]!;
  for (let i = fw + FrameWord.LocalsPlus; i < top; i++) {
    const v = u32[i]!;
    if (v !== 0) {
      u32[i] = 0;
      decref(rc, v);
    }
  }
  u32[fw + FrameWord.StackTop] = 0;
}

/** Releases the frame's header references (`_PyFrame_ClearExceptCode` and the code): the generator is cleared. */
function clearHeader(rc: RcThread, gen: number): void {
  const u32 = rc.u32;
  const fw = (gen + GEN_FRAME_OFFSET) >>> 2;
  const header = headerObjects(u32, fw);
  if (header === BORROWING_HEADER) {
    u32[fw + FrameWord.Globals] = 0;
    u32[fw + FrameWord.Builtins] = 0;
  }
  for (const w of header) {
    const v = u32[fw + w]!;
    if (v !== 0) {
      u32[fw + w] = 0;
      decref(rc, v);
    }
  }
}

/** `gen_traverse`: name, qualname, the saved exception, and the frame's references while it has them. @internal */
export function generatorTraverse(rc: RcThread, gen: number, visit: (child: number) => number): number {
  const u32 = rc.u32;
  for (const off of [GEN_NAME_OFFSET, GEN_QUALNAME_OFFSET, GEN_EXC_STATE_OFFSET]) {
    const v = u32[(gen + off) >>> 2]!;
    if (v !== 0) {
      const r = visit(v);
      if (r !== 0) return r;
    }
  }
  const state = Atomics.load(rc.i32, (gen + GEN_STATE_OFFSET) >>> 2);
  if (state >= GEN_CLEARED) return 0;
  const fw = (gen + GEN_FRAME_OFFSET) >>> 2;
  for (const w of headerObjects(u32, fw)) {
    const v = u32[fw + w]!;
    if (v !== 0) {
      const r = visit(v);
      if (r !== 0) return r;
    }
  }
  // A running frame's slots are the running thread's; the world is stopped, so they are at rest here.
  const top = fw + FrameWord.LocalsPlus + u32[fw + FrameWord.StackTop]!;
  for (let i = fw + FrameWord.LocalsPlus; i < top; i++) {
    const v = u32[i]!;
    if (v !== 0) {
      const r = visit(v);
      if (r !== 0) return r;
    }
  }
  return 0;
}

/** `gen_clear` (the collector breaking a cycle): the frame and the saved exception. @internal */
export function generatorClear(rc: RcThread, gen: number): void {
  const u32 = rc.u32;
  if (Atomics.load(rc.i32, (gen + GEN_STATE_OFFSET) >>> 2) < GEN_CLEARED) {
    generatorClearSlots(rc, gen);
    clearHeader(rc, gen);
    Atomics.store(rc.i32, (gen + GEN_STATE_OFFSET) >>> 2, GEN_CLEARED);
  }
  const exc = u32[(gen + GEN_EXC_STATE_OFFSET) >>> 2]!;
  if (exc !== 0) {
    u32[(gen + GEN_EXC_STATE_OFFSET) >>> 2] = 0;
    decref(rc, exc);
  }
}

/** `_PyGen_Finalize` (PEP 442): a suspended generator, coroutine or async generator is closed (its `finally` blocks run). @internal */
export function generatorFinalize(t: ObThread, op: number): void {
  const state = generatorState(t, op);
  if (t.genOps === null) return;
  // A coroutine that never ran: "coroutine '…' was never awaited".
  if (state === GEN_CREATED && coroutineCheck(t, op)) t.genOps.unawaited(t, op);
  if (state === GEN_CREATED || state >= GEN_EXECUTING) return;
  const r = t.genOps.close(t, op);
  if (r === 0) errWriteUnraisable(t, op);
  else decref(t.rc, r);
}

/** `gen_dealloc` (its finalizer, `close()`, ran before). @internal */
export function generatorDealloc(t: ObThread, gen: number): void {
  const state = Atomics.load(t.i32, (gen + GEN_STATE_OFFSET) >>> 2);
  if (state === GEN_CREATED && t.genOps !== null && coroutineCheck(t, gen) && !gcIsFinalized(t.rc, gen)) {
    // `PyObject_CallFinalizerFromDealloc` → `_PyGen_Finalize`: a coroutine that never ran is reported
    // (unless the collector's finalize pass already did).
    t.genOps.unawaited(t, gen);
  } else if ((state === GEN_SUSPENDED || state === GEN_SUSPENDED_YIELD_FROM) && t.genOps !== null) {
    // `PyObject_CallFinalizerFromDealloc` → `_PyGen_Finalize`: a suspended generator is closed (its
    // `finally` blocks run) before it goes; the close may resurrect it.
    resurrectStart(t.rc, gen);
    const pending = errGetRaisedException(t);
    const r = t.genOps.close(t, gen);
    if (r === 0) errWriteUnraisable(t, gen);
    else decref(t.rc, r);
    errSetRaisedException(t, pending);
    if (resurrectEnd(t.rc, gen)) return;
  }
  gcUntrack(t.rc, gen);
  if (t.u32[(gen + GEN_WEAKREFLIST_OFFSET) >>> 2] !== 0) clearWeakRefs(t, gen);
  generatorClear(t.rc, gen);
  for (const off of [GEN_NAME_OFFSET, GEN_QUALNAME_OFFSET]) {
    const v = t.u32[(gen + off) >>> 2]!;
    if (v !== 0) {
      t.u32[(gen + off) >>> 2] = 0;
      decref(t.rc, v);
    }
  }
  gcDel(t.gc, gen);
}
