/**
 * Pushing and popping frames on the thread's data stack
 * (`_PyFrame_PushUnchecked`, `_PyFrame_ClearExceptCode`,
 * `_PyEvalFramePushAndInit`): the frame header's references, the arguments
 * moved in, and the ways a call enters a Python frame without nesting the
 * JavaScript stack — a specialized call, a class's `__init__`, a getter,
 * `__getitem__` or `__call__` a slot would have called through JavaScript.
 * The eval loop and its out-of-line instructions (out-of-line.ts) share it.
 */

import {
  CODE_ARGCOUNT_OFFSET,
  CODE_FLAGS_OFFSET,
  CODE_FRAMESIZE_OFFSET,
  CODE_KWONLYARGCOUNT_OFFSET,
  CODE_NLOCALSPLUS_OFFSET,
  CO_VARARGS,
  CO_VARKEYWORDS,
  FUNC_BUILTINS_OFFSET,
  FUNC_CODE_OFFSET,
  FUNC_GLOBALS_OFFSET,
  FUNC_VERSION_OFFSET,
  METHOD_FUNC_OFFSET,
  METHOD_SELF_OFFSET,
  StaticType,
  errRaise,
  subtypeNew,
  typeLookupRef,
  typeSlotId,
  type ObThread,
} from '@ft/objects';
import { decref, incref, OB_TYPE_OFFSET, TP_FLAGS_OFFSET, TYPE_FLAG_HEAPTYPE } from '@ft/refcount';
import { initializeLocals } from './call-bind.js';
import { recursionError } from './ceval-ops.js';
import { keepFrameLocals } from './frame-locals.js';
import { F_BUILTINS, F_CODE, F_FRAME_OBJECT, F_FUNC, F_GLOBALS, F_INSTR, F_LOCALS, F_LOCALSPLUS, F_OWNER, F_PREVIOUS, F_STACKTOP, OWNED_BY_GENERATOR, OWNED_BY_THREAD, OWNED_BY_THREAD_INIT } from './frame.js';
import { clearGeneratorFrame } from './generator-frame.js';
import { initName } from './specialize-decide.js';
import type { VmThread } from './vm-thread.js';

/**
 * Zeroes words `from`…`to` (excluded) of the heap. A loop, not
 * `TypedArray.prototype.fill`: the builtin is a call into the runtime that
 * cost more than the whole call it served for the few words of a frame.
 */
export function zeroWords(u32: Uint32Array, from: number, to: number): void {
  for (let i = from; i < to; i++) u32[i] = 0;
}

/** Moves the `n` words at `from` to `to` (ranges that do not overlap) and zeroes the source (a loop, as {@link zeroWords}). */
export function moveWords(u32: Uint32Array, to: number, from: number, n: number): void {
  for (let i = 0; i < n; i++) {
    u32[to + i] = u32[from + i]!;
    u32[from + i] = 0;
  }
}

/**
 * Pushes a frame for `code` on the thread's data stack with its header
 * set (references taken for code, function, globals, builtins and
 * locals) and every slot 0: the frame's word index, or 0 with MemoryError.
 */
export function pushFrame(vm: VmThread, code: number, func: number, globals: number, builtins: number, locals: number, previous: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const words = t.i32[(code + CODE_FRAMESIZE_OFFSET) >>> 2]!;
  const ds = vm.ds;
  let fw = ds.top;
  if (fw + words > ds.limit) {
    fw = ds.pushSlow(words);
    if (fw === 0) {
      errRaise(t, StaticType.MemoryError, '');
      return 0;
    }
  } else ds.top = fw + words;
  incref(t.rc, code);
  // A function's frame borrows its globals and builtins from the function, which it holds (CPython's
  // frames always borrow them); a frame without one (exec of module code) holds its own.
  if (func !== 0) incref(t.rc, func);
  else {
    incref(t.rc, globals);
    incref(t.rc, builtins);
  }
  if (locals !== 0) incref(t.rc, locals);
  u32[fw + F_CODE] = code;
  u32[fw + F_FUNC] = func;
  u32[fw + F_GLOBALS] = globals;
  u32[fw + F_BUILTINS] = builtins;
  u32[fw + F_LOCALS] = locals;
  u32[fw + F_PREVIOUS] = previous;
  u32[fw + F_INSTR] = 0;
  u32[fw + F_STACKTOP] = t.i32[(code + CODE_NLOCALSPLUS_OFFSET) >>> 2]!;
  u32[fw + F_OWNER] = OWNED_BY_THREAD;
  u32[fw + F_FRAME_OBJECT] = 0;
  zeroWords(u32, fw + F_LOCALSPLUS, fw + words);
  return fw;
}

/** `_PyFrame_ClearExceptCode` + pop: releases every slot and the header's references, then frees the frame's words. */
export function clearFrame(vm: VmThread, fw: number): void {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  if (u32[fw + F_OWNER] === OWNED_BY_GENERATOR) {
    clearGeneratorFrame(t, fw);
    return;
  }
  // The frame object outlives the frame (a traceback holds it): it keeps a snapshot of the locals.
  if (u32[fw + F_FRAME_OBJECT] !== 0 && u32[fw + F_LOCALS] === 0) keepFrameLocals(t, fw, u32[fw + F_FRAME_OBJECT]!);
  const top = fw + F_LOCALSPLUS + u32[fw + F_STACKTOP]!;
  for (let i = fw + F_LOCALSPLUS; i < top; i++) {
    const v = u32[i]!;
    if (v !== 0) {
      u32[i] = 0;
      decref(rc, v);
    }
  }
  const frameObject = u32[fw + F_FRAME_OBJECT]!;
  if (frameObject !== 0) decref(rc, frameObject);
  if (u32[fw + F_LOCALS] !== 0) decref(rc, u32[fw + F_LOCALS]!);
  if (u32[fw + F_FUNC] !== 0) decref(rc, u32[fw + F_FUNC]!);
  else {
    decref(rc, u32[fw + F_BUILTINS]!);
    decref(rc, u32[fw + F_GLOBALS]!);
  }
  decref(rc, u32[fw + F_CODE]!);
  vm.ds.pop(fw);
}

/**
 * CALL_PY_EXACT_ARGS (and CPython's CALL_BOUND_METHOD_EXACT_ARGS): when
 * the callable at word `base` (or a bound method's function) is a Python
 * function of version `version`, a frame for it with the arguments (words
 * `base + 1` or `+ 2` up to `sp`) moved in, and the caller's stack top
 * saved below the callable: the new frame's word index. 0 when the guard
 * misses (the stack is as it was, a bound method unpacked as CALL does),
 * -1 with MemoryError.
 */
export function pushExactArgsFrame(vm: VmThread, fw: number, base: number, sp: number, version: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  let func = u32[base]!;
  if (u32[base + 1] === 0 && u32[(func + OB_TYPE_OFFSET) >>> 2] === vm.methodType) {
    const method = func;
    func = u32[(method + METHOD_FUNC_OFFSET) >>> 2]!;
    const self = u32[(method + METHOD_SELF_OFFSET) >>> 2]!;
    incref(rc, self);
    incref(rc, func);
    u32[base + 1] = self;
    u32[base] = func;
    decref(rc, method);
  }
  if (u32[(func + OB_TYPE_OFFSET) >>> 2] !== vm.functionType || u32[(func + FUNC_VERSION_OFFSET) >>> 2] !== version) return 0;
  const aw = u32[base + 1] !== 0 ? base + 1 : base + 2;
  t.i32[fw + F_STACKTOP] = base - (fw + F_LOCALSPLUS);
  const nfw = pushFrame(vm, u32[(func + FUNC_CODE_OFFSET) >>> 2]!, func, u32[(func + FUNC_GLOBALS_OFFSET) >>> 2]!, u32[(func + FUNC_BUILTINS_OFFSET) >>> 2]!, 0, fw << 2);
  if (nfw === 0) return -1;
  // The version vouches for the parameters: exactly these positional arguments, moved in with their references.
  moveWords(u32, nfw + F_LOCALSPLUS, aw, sp - aw);
  decref(rc, func); // the frame took its own
  zeroWords(u32, base, aw);
  return nfw;
}

/**
 * The `__init__` a call of class `type` runs as a frame of its own (a new
 * reference), or 0 when the call goes through `type_call` instead: a class
 * of the metatype `type` whose instances come from `object.__new__`, with
 * a Python function as `__init__` (CPython specializes exactly these as
 * CALL_ALLOC_AND_ENTER_INIT; here the generic CALL enters them too, so
 * constructing objects never nests the JavaScript stack).
 */
export function pythonInitOf(t: ObThread, type: number): number {
  const types = t.types;
  const u32 = t.u32;
  if (u32[(type + OB_TYPE_OFFSET) >>> 2] !== types[StaticType.Type] || (u32[(type + TP_FLAGS_OFFSET) >>> 2]! & TYPE_FLAG_HEAPTYPE) === 0) return 0;
  if (typeSlotId(t, type, 'new') !== typeSlotId(t, types[StaticType.Object]!, 'new')) return 0;
  const init = typeLookupRef(t, type, initName(t));
  if (init === 0 || u32[(init + OB_TYPE_OFFSET) >>> 2] === types[StaticType.Function]) return init;
  decref(t.rc, init);
  return 0;
}

/**
 * Enters `init` (a reference it takes over) for a call of the class at word
 * `base` with `nargs` arguments from word `base + 2` (and `kwnames`, whose
 * reference stays the caller's): a new instance stands in the class's place
 * as the call's result, and `__init__`'s frame gets it and the arguments,
 * marked so that its return checks for None (`RETURN_FROM_INIT`, CPython's
 * `_Py_InitCleanup` shim). The frame's word index; -1 with an exception:
 * MemoryError with the stack as it was, or a TypeError of the binding with
 * the instance left as the result to unwind.
 */
export function enterInit(vm: VmThread, fw: number, base: number, sp: number, init: number, nargs: number, kwnames: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const lp = fw + F_LOCALSPLUS;
  const type = u32[base]!;
  const self = subtypeNew(t, type);
  if (self === 0) {
    decref(rc, init);
    return -1;
  }
  const code = u32[(init + FUNC_CODE_OFFSET) >>> 2]!;
  t.i32[fw + F_STACKTOP] = base + 1 - lp;
  const nfw = pushFrame(vm, code, init, u32[(init + FUNC_GLOBALS_OFFSET) >>> 2]!, u32[(init + FUNC_BUILTINS_OFFSET) >>> 2]!, 0, fw << 2);
  decref(rc, init); // the frame holds its own
  if (nfw === 0) {
    t.i32[fw + F_STACKTOP] = sp - lp;
    decref(rc, self);
    return -1;
  }
  // `self` first, then the arguments: bound from the words after the class (the null slot now holds self).
  u32[base] = self;
  decref(rc, type);
  incref(rc, self);
  u32[base + 1] = self;
  const ok = initializeLocalsFast(t, u32[nfw + F_FUNC]!, code, nfw + F_LOCALSPLUS, base + 1, nargs + 1, kwnames);
  zeroWords(u32, base + 1, sp);
  if (!ok) {
    clearFrame(vm, nfw);
    return -1;
  }
  u32[nfw + F_OWNER] = OWNED_BY_THREAD_INIT;
  return nfw;
}

/**
 * Enters Python function `func` (a reference it takes over) as a frame
 * with the `nargs` words from `aw` as its positional arguments, moved in
 * (their words zeroed), the caller's stack cut to word `top` meanwhile: a
 * getter, `__getitem__` or `__call__` that a slot would have called
 * through JavaScript (frame-entry.ts of @ft/objects). The frame's word
 * index, counted in the recursion depth; 0 with an exception: MemoryError
 * with the caller's stack as it was (`sp`), or a binding error or
 * RecursionError with the arguments released and the stack cut to `top`
 * (the caller reloads sp from the frame).
 */
export function enterPython(vm: VmThread, fw: number, func: number, aw: number, nargs: number, top: number, sp: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const lp = fw + F_LOCALSPLUS;
  const code = u32[(func + FUNC_CODE_OFFSET) >>> 2]!;
  t.i32[fw + F_STACKTOP] = top - lp;
  const nfw = pushFrame(vm, code, func, u32[(func + FUNC_GLOBALS_OFFSET) >>> 2]!, u32[(func + FUNC_BUILTINS_OFFSET) >>> 2]!, 0, fw << 2);
  decref(t.rc, func); // the frame holds its own
  if (nfw === 0) {
    t.i32[fw + F_STACKTOP] = sp - lp;
    return 0;
  }
  const ok = initializeLocalsFast(t, u32[nfw + F_FUNC]!, code, nfw + F_LOCALSPLUS, aw, nargs, 0);
  zeroWords(u32, aw, aw + nargs);
  if (!ok) {
    clearFrame(vm, nfw);
    return 0;
  }
  if (++vm.depth > vm.recursionLimit) {
    vm.depth--;
    clearFrame(vm, nfw);
    recursionError(t);
    return 0;
  }
  return nfw;
}

/** {@link initializeLocals} with the common case inline: exactly the positional parameters, nothing else. */
export function initializeLocalsFast(t: ObThread, func: number, code: number, lw: number, aw: number, nargs: number, kwnames: number): boolean {
  const i32 = t.i32;
  if (kwnames === 0 && (i32[(code + CODE_FLAGS_OFFSET) >>> 2]! & (CO_VARARGS | CO_VARKEYWORDS)) === 0 && i32[(code + CODE_ARGCOUNT_OFFSET) >>> 2] === nargs && i32[(code + CODE_KWONLYARGCOUNT_OFFSET) >>> 2] === 0) {
    const u32 = t.u32;
    for (let i = 0; i < nargs; i++) u32[lw + i] = u32[aw + i]!;
    return true;
  }
  return initializeLocals(t, func, code, lw, aw, nargs, kwnames);
}
