/**
 * The eval loop (`_PyEval_EvalFrameDefault`, `Python/ceval.c` with the
 * instruction bodies of `Python/bytecodes.c`): one function, one `switch`
 * over CPython 3.13's code units, running frames on the thread's data
 * stack. A Python-to-Python call pushes a frame and goes on in the same
 * loop (no JavaScript recursion); TypeScript that calls back into Python
 * (a key function, `__eq__`) enters it again through {@link evalFunction}.
 *
 * The loop keeps the heap views and the frame's registers (code units,
 * instruction index, locals, stack pointer, constants, names) in local
 * variables (vm-speed-facts.md rule 6); cold work is out of line, in
 * functions named after the CPython functions they mirror.
 *
 * Exceptions: an instruction that fails leaves the exception set and
 * breaks to the unwinder, which adds a traceback entry for the frame
 * (`PyTraceBack_Here`), finds the innermost handler in the exception
 * table (`get_exception_handler`), pops the stack to its depth, pushes the
 * exception and jumps — or pops the frame and unwinds into the caller.
 */

import {
  CODE_CONSTS_OFFSET,
  CODE_FLAGS_OFFSET,
  CODE_FRAMESIZE_OFFSET,
  CODE_NAMES_OFFSET,
  CODE_NLOCALSPLUS_OFFSET,
  CODE_UNITS_OFFSET,
  CODE_ARGCOUNT_OFFSET,
  CODE_KWONLYARGCOUNT_OFFSET,
  CO_COROUTINE,
  CO_ITERABLE_COROUTINE,
  CO_VARARGS,
  CO_VARKEYWORDS,
  FUNC_BUILTINS_OFFSET,
  FUNC_CLOSURE_OFFSET,
  FUNC_CODE_OFFSET,
  FUNC_GLOBALS_OFFSET,
  METHOD_FUNC_OFFSET,
  METHOD_SELF_OFFSET,
  StaticType,
  TUPLE_ITEMS_OFFSET,
  TUPLE_SIZE_OFFSET,
  CELL_REF_OFFSET,
  FLOAT_VALUE_OFFSET as FLOAT_VALUE,
  LONG_DIGITS_OFFSET as LONG_DIGITS,
  LONG_TAG_OFFSET as LONG_TAG,
  floatFromDouble,
  TP_VERSION_TAG_OFFSET as TP_VERSION_TAG,
  FUNC_VERSION_OFFSET,
  typeVersionTag,
  typeLookupRef,
  subtypeNew,
  typeSlotId,
  dictKeysVersionIs,
  dictVersionedValueRef,
  instanceCannotShadow,
  instanceValueRef,
  moduleDict,
  storeInstanceValue,
  listIterNext,
  listGetItemRef,
  listSetItem,
  listSize,
  dictSubscript,
  rangeIterNext,
  tupleIterNext,
  cellNew,
  dictNew,
  dictSetItem,
  errClear,
  errExceptionMatches,
  errGivenExceptionMatches,
  generatorCheck,
  generatorKindName,
  coroutineCheck,
  GEN_COMPLETED,
  GEN_CREATED,
  GEN_EXC_STATE_OFFSET,
  GEN_EXECUTING,
  GEN_FRAME_OFFSET,
  GEN_STATE_OFFSET,
  GEN_SUSPENDED,
  intFromNumber,
  iterNext,
  iterNextRaw,
  errGetRaisedException,
  errRaise,
  errSetRaisedException,
  errGetHandledException,
  errSetHandledException,
  listAppend,
  listExtend,
  listNew,
  numberBinaryOp,
  numberInPlaceOp,
  numberPower,
  numberUnaryOp,
  objectContains,
  objectGetAttr,
  objectGetItem,
  propertyGetterOf,
  pythonCallOf,
  pythonGetItemOf,
  objectGetIter,
  objectIsTrue,
  objectRichCompare,
  objectSetAttr,
  objectSetItem,
  objectVectorcall,
  setAdd,
  setNew,
  setUpdate,
  sliceNew,
  tupleFromArray,
  type NumberBinarySlot,
  type ObThread,
} from '@ft/objects';
import { EVAL_EVENTS_MASK, handlePending, SAFE_POINT_POLL_INTERVAL } from '@ft/atomics';
import { decref, incref, isUniquelyReferenced, OB_TYPE_OFFSET, setMaybeWeakref, TP_FLAGS_OFFSET, TYPE_FLAG_HEAPTYPE, xGetRef } from '@ft/refcount';
import { initializeLocals } from './call-bind.js';
import { tlbcUnits } from './tlbc.js';
import { keepFrameLocals } from './frame-locals.js';
import { adaptiveCounterTriggers, CACHE_UNITS, specializationMiss, specializeAt } from './specialize.js';
import { initName, specializeBinaryOp, specializeBinarySubscr, specializeCall, specializeCompareOp, specializeForIter, specializeLoadAttr, specializeLoadGlobal, specializeStoreAttr, specializeStoreSubscr, specializeUnpackSequence } from './specialize-decide.js';
import { findHandler } from './code-info.js';
import { F_BUILTINS, F_CODE, F_FRAME_OBJECT, F_FUNC, F_GLOBALS, F_INSTR, F_LOCALS, F_LOCALSPLUS, F_OWNER, F_PREVIOUS, F_STACKTOP, OWNED_BY_GENERATOR, OWNED_BY_THREAD, OWNED_BY_THREAD_INIT } from './frame.js';
import { callMethodOneArg, clearGeneratorFrame, fetchStopIterationValue, makeGenerator, stopIterationValue } from './generator-frame.js';
import { getAIter, getANext, getAwaitable } from './async-ops.js';
import {
  beforeWith,
  buildConstKeyMap,
  buildString,
  callFunctionEx,
  checkExcMatch,
  checkEgMatch,
  deleteFast,
  deleteGlobal,
  deleteName,
  dictMergeForCall,
  dictUpdateForDisplay,
  exitInitCheck,
  formatSimple,
  formatWithSpec,
  convertValue,
  intrinsic1,
  intrinsic2,
  loadBuildClass,
  loadDerefError,
  loadFastError,
  loadFromDictOrDeref,
  loadFromDictOrGlobals,
  loadGlobal,
  loadName,
  loadSuperAttr,
  loadLocals,
  makeFunction,
  matchClass,
  matchKeys,
  matchMapping,
  matchSequence,
  getLen,
  mapAdd,
  raiseVarargs,
  setFunctionAttribute,
  setupAnnotations,
  storeGlobal,
  storeName,
  unpackEx,
  unpackSequence,
  withExceptStart,
  recursionError,
  listExtendError,
  compareOpBool,
} from './ceval-ops.js';
import { importFrom, importName } from './import.js';
import { tracebackHere } from './traceback.js';
import type { VmThread } from './vm-thread.js';

/** `BINARY_OP`'s oparg → the number slot (NB_* order). */
const BINARY_SLOTS: readonly (NumberBinarySlot | 'power')[] = [
  'add', 'and', 'floorDivide', 'lshift', 'matrixMultiply', 'multiply', 'remainder', 'or', 'power', 'rshift', 'subtract', 'trueDivide', 'xor',
];

/** Inline cache units after each opcode, specialized ones included (`_PyOpcode_Caches` of the family), for the return address of a call. */
const CACHES = CACHE_UNITS;

/*
 * The `case` labels of the loop are numeric literals (the opcode's name in
 * a comment): Ignition compiles a switch over Smi literals to a jump table;
 * over imported constants it compiles a chain of comparisons.
 */

/** TypeScript re-entries of the loop on one thread (`Py_C_RECURSION_LIMIT`'s role): 162 was the first overflow measured. */
const MAX_JS_REENTRY = 140;

/** How the loop (re)enters a frame. */
const ENTER = 0;
/** Back from a call: push the result and go on after the calling instruction. */
const RETURN = 1;
/** An exception came out of a call: unwind from the calling instruction. */
const UNWIND = 2;
/** `throwflag`: a generator resumed with an exception raised at its `yield`. */
const THROW = 3;
/** Re-entering a caller after the `__init__` frame of CALL_ALLOC_AND_ENTER_INIT returned (its shim's `EXIT_INIT_CHECK`). */
const RETURN_FROM_INIT = 4;

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
  u32.fill(0, fw + F_LOCALSPLUS, fw + words);
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
 * `_PyEval_Vector` for a Python function called from TypeScript (the
 * thread's `evalFunction`): binds the arguments (borrowed words at byte
 * address `args`) in a new frame and runs it to its return.
 */
export function evalFunction(vm: VmThread, func: number, args: number, nargs: number, kwnames: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const code = u32[(func + FUNC_CODE_OFFSET) >>> 2]!;
  const fw = pushFrame(vm, code, func, u32[(func + FUNC_GLOBALS_OFFSET) >>> 2]!, u32[(func + FUNC_BUILTINS_OFFSET) >>> 2]!, 0, vm.currentFrame);
  if (fw === 0) return 0;
  // The arguments are borrowed here: the frame takes references of its own.
  const nkw = kwnames === 0 ? 0 : u32[(kwnames + TUPLE_SIZE_OFFSET) >>> 2]!;
  const aw = args >>> 2;
  for (let i = 0; i < nargs + nkw; i++) incref(t.rc, u32[aw + i]!);
  if (!initializeLocalsFast(t, func, code, fw + F_LOCALSPLUS, aw, nargs, kwnames)) {
    clearFrame(vm, fw);
    return 0;
  }
  return evalFrame(vm, fw);
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
function pushExactArgsFrame(vm: VmThread, fw: number, base: number, sp: number, version: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  let func = u32[base]!;
  if (u32[base + 1] === 0 && u32[(func + OB_TYPE_OFFSET) >>> 2] === t.types[StaticType.Method]) {
    const method = func;
    func = u32[(method + METHOD_FUNC_OFFSET) >>> 2]!;
    const self = u32[(method + METHOD_SELF_OFFSET) >>> 2]!;
    incref(rc, self);
    incref(rc, func);
    u32[base + 1] = self;
    u32[base] = func;
    decref(rc, method);
  }
  if (u32[(func + OB_TYPE_OFFSET) >>> 2] !== t.types[StaticType.Function] || u32[(func + FUNC_VERSION_OFFSET) >>> 2] !== version) return 0;
  const aw = u32[base + 1] !== 0 ? base + 1 : base + 2;
  t.i32[fw + F_STACKTOP] = base - (fw + F_LOCALSPLUS);
  const nfw = pushFrame(vm, u32[(func + FUNC_CODE_OFFSET) >>> 2]!, func, u32[(func + FUNC_GLOBALS_OFFSET) >>> 2]!, u32[(func + FUNC_BUILTINS_OFFSET) >>> 2]!, 0, fw << 2);
  if (nfw === 0) return -1;
  // The version vouches for the parameters: exactly these positional arguments, moved in with their references.
  u32.copyWithin(nfw + F_LOCALSPLUS, aw, sp);
  decref(rc, func); // the frame took its own
  u32.fill(0, base, sp);
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
function pythonInitOf(t: ObThread, type: number): number {
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
function enterInit(vm: VmThread, fw: number, base: number, sp: number, init: number, nargs: number, kwnames: number): number {
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
  u32.fill(0, base + 1, sp);
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
function enterPython(vm: VmThread, fw: number, func: number, aw: number, nargs: number, top: number, sp: number): number {
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
  u32.fill(0, aw, aw + nargs);
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
function initializeLocalsFast(t: ObThread, func: number, code: number, lw: number, aw: number, nargs: number, kwnames: number): boolean {
  const i32 = t.i32;
  if (kwnames === 0 && (i32[(code + CODE_FLAGS_OFFSET) >>> 2]! & (CO_VARARGS | CO_VARKEYWORDS)) === 0 && i32[(code + CODE_ARGCOUNT_OFFSET) >>> 2] === nargs && i32[(code + CODE_KWONLYARGCOUNT_OFFSET) >>> 2] === 0) {
    t.u32.copyWithin(lw, aw, aw + nargs);
    return true;
  }
  return initializeLocals(t, func, code, lw, aw, nargs, kwnames);
}

/** Entries into {@link evalFrame} on this JavaScript thread (one Python thread runs on it at a time) until one starts with its eval-breaker poll due. */
let entriesUntilPoll = SAFE_POINT_POLL_INTERVAL;

/**
 * Runs the frame at word index `entry` (already pushed and bound) until it
 * returns: the return value (a new reference), or 0 with the exception
 * set. The frame is popped either way.
 */
export function evalFrame(vm: VmThread, entry: number, throwflag = false): number {
  const t = vm.t;
  const u32 = t.u32;
  const i32 = t.i32;
  const u16 = t.u16;
  const rc = t.rc;
  const none = t.none;
  const types = t.types;
  const functionType = types[StaticType.Function]!;
  const intType = types[StaticType.Int]!;
  const rangeIterType = types[StaticType.RangeIter]!;
  const listType = types[StaticType.List]!;
  const tupleType = types[StaticType.Tuple]!;
  const dictType = types[StaticType.Dict]!;
  const listIterType = types[StaticType.ListIter]!;
  const tupleIterType = types[StaticType.TupleIter]!;
  const floatType = types[StaticType.Float]!;
  const f64 = t.f64;
  // Specialization rewrites this thread's copy of the bytecode; off under -X tlbc=0.
  const specializing = vm.specializing;
  const methodType = types[StaticType.Method]!;
  const typeType = types[StaticType.Type]!;
  const moduleType = types[StaticType.Module]!;
  const boolTrue = t.true;
  const boolFalse = t.false;
  // The eval breaker (vm-speed-facts.md rule 1): one Atomics.load every SAFE_POINT_POLL_INTERVAL backward jumps and RESUMEs.
  const participant = vm.participant;
  const breakerIndex = participant === null ? -1 : participant.breakerIndex;
  let poll = SAFE_POINT_POLL_INTERVAL;
  // A frame entered from TypeScript over and over (a generator driven by sum() or list(), a __next__ or __eq__ a
  // builtin calls) runs a few instructions each time and would never count a fresh countdown down: every
  // SAFE_POINT_POLL_INTERVAL entries, this one polls at its first RESUME or backward jump (else such a thread
  // never drops the GIL nor parks for a stop-the-world).
  if (--entriesUntilPoll === 0) {
    entriesUntilPoll = SAFE_POINT_POLL_INTERVAL;
    poll = 1;
  }

  // Re-entries from TypeScript (a dunder method, a key function) each take 4.5–6 KB of JavaScript
  // stack; the main thread has 984 KB: past this many, RecursionError before the stack can overflow
  // in the middle of a refcount update or a critical section (measured: test/bad-input).
  if (vm.jsDepth > MAX_JS_REENTRY) {
    recursionError(t);
    clearFrame(vm, entry);
    return 0;
  }
  vm.jsDepth++;
  vm.depth++;
  if (vm.depth > vm.recursionLimit) {
    vm.depth--;
    vm.jsDepth--;
    recursionError(t);
    clearFrame(vm, entry);
    return 0;
  }
  const savedCurrent = vm.currentFrame;

  let fw = entry;
  let mode = throwflag ? THROW : ENTER;
  /** Set by a re-raise: the exception already has this frame's traceback entry. */
  let skipTraceback = false;
  let retval = 0;
  try {
    reload: for (;;) {
      vm.currentFrame = fw << 2;
      const code = u32[fw + F_CODE]!;
      // This thread's copy of the code units (thread-local bytecode; index 0: the code object's own).
      const cu = vm.tlbcIndex === 0 ? (code + CODE_UNITS_OFFSET) >>> 1 : tlbcUnits(vm, code);
      const lp = fw + F_LOCALSPLUS;
      const consts = (u32[(code + CODE_CONSTS_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
      const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
      let sp = lp + i32[fw + F_STACKTOP]!;
      let ip = i32[fw + F_INSTR]!;
      let here = ip;
      let oparg = 0;
      let unwinding = false;
      if (mode === RETURN) {
        u32[sp++] = retval;
        retval = 0;
        ip = here + 1 + CACHES[u16[cu + here]! & 0xff]!;
      } else if (mode === RETURN_FROM_INIT) {
        // `EXIT_INIT_CHECK` of CALL_ALLOC_AND_ENTER_INIT: the instance already stands in the call's result slot.
        const returned = retval;
        retval = 0;
        if (returned !== none) exitInitCheck(t, returned);
        decref(rc, returned);
        if (returned === none) ip = here + 1 + CACHES[u16[cu + here]! & 0xff]!;
        else unwinding = true;
      } else if (mode === UNWIND) {
        unwinding = true;
      } else if (mode === THROW) {
        // Raised at the `yield` the generator is suspended at (the instruction before its RESUME).
        here = ip - 1;
        unwinding = true;
      }
      mode = ENTER;

      dispatch: for (;;) {
        body: {
          if (unwinding) {
            unwinding = false;
            break body;
          }
          here = ip;
          let word = u16[cu + ip++]!;
          let opcode = word & 0xff;
          oparg = word >>> 8;
          while (opcode === 71 /* EXTENDED_ARG */) {
            word = u16[cu + ip++]!;
            opcode = word & 0xff;
            oparg = (oparg << 8) | (word >>> 8);
            here = ip - 1;
          }
          switch (opcode) {
            case 30 /* NOP */:
              continue;
            case 149 /* RESUME */:
            case 77 /* JUMP_BACKWARD */: {
              if (opcode === 77 /* JUMP_BACKWARD */) ip += 1 - oparg;
              if (--poll === 0) {
                poll = SAFE_POINT_POLL_INTERVAL;
                if (breakerIndex >= 0 && (Atomics.load(i32, breakerIndex) & EVAL_EVENTS_MASK) !== 0) {
                  // `_Py_HandlePending`: a stop-the-world parks here; an async exception is raised here.
                  i32[fw + F_INSTR] = ip;
                  i32[fw + F_STACKTOP] = sp - lp;
                  handlePending(participant!);
                  if (t.error.type !== 0) break body;
                }
              }
              continue;
            }

            case 85 /* LOAD_FAST */: {
              const v = u32[lp + oparg]!;
              incref(rc, v);
              u32[sp++] = v;
              continue;
            }
            case 87 /* LOAD_FAST_CHECK */: {
              const v = u32[lp + oparg]!;
              if (v === 0) {
                loadFastError(t, code, oparg);
                break body;
              }
              incref(rc, v);
              u32[sp++] = v;
              continue;
            }
            case 86 /* LOAD_FAST_AND_CLEAR */: {
              u32[sp++] = u32[lp + oparg]!;
              u32[lp + oparg] = 0;
              continue;
            }
            case 88 /* LOAD_FAST_LOAD_FAST */: {
              const a = u32[lp + (oparg >>> 4)]!;
              const b = u32[lp + (oparg & 15)]!;
              incref(rc, a);
              incref(rc, b);
              u32[sp++] = a;
              u32[sp++] = b;
              continue;
            }
            case 83 /* LOAD_CONST */: {
              const v = u32[consts + oparg]!;
              incref(rc, v);
              u32[sp++] = v;
              continue;
            }
            case 110 /* STORE_FAST */: {
              const old = u32[lp + oparg]!;
              u32[lp + oparg] = u32[--sp]!;
              if (old !== 0) decref(rc, old);
              continue;
            }
            case 111 /* STORE_FAST_LOAD_FAST */: {
              const old = u32[lp + (oparg >>> 4)]!;
              u32[lp + (oparg >>> 4)] = u32[--sp]!;
              if (old !== 0) decref(rc, old);
              const v = u32[lp + (oparg & 15)]!;
              incref(rc, v);
              u32[sp++] = v;
              continue;
            }
            case 112 /* STORE_FAST_STORE_FAST */: {
              const v1 = u32[--sp]!;
              const v2 = u32[--sp]!;
              const old1 = u32[lp + (oparg >>> 4)]!;
              u32[lp + (oparg >>> 4)] = v1;
              if (old1 !== 0) decref(rc, old1);
              const old2 = u32[lp + (oparg & 15)]!;
              u32[lp + (oparg & 15)] = v2;
              if (old2 !== 0) decref(rc, old2);
              continue;
            }
            case 65 /* DELETE_FAST */: {
              // A `del` often frees an object: its finalizer's warnings name this line (the frame's position).
              i32[fw + F_INSTR] = here;
              if (!deleteFast(t, code, lp, oparg)) break body;
              continue;
            }
            case 32 /* POP_TOP */:
            case 11 /* END_FOR */: {
              const v = u32[--sp]!;
              if (v !== 0) decref(rc, v);
              continue;
            }
            case 34 /* PUSH_NULL */:
              u32[sp++] = 0;
              continue;
            case 12 /* END_SEND */: {
              const value = u32[--sp]!;
              decref(rc, u32[sp - 1]!);
              u32[sp - 1] = value;
              continue;
            }
            case 61 /* COPY */: {
              const v = u32[sp - oparg]!;
              incref(rc, v);
              u32[sp++] = v;
              continue;
            }
            case 115 /* SWAP */: {
              const top = u32[sp - 1]!;
              u32[sp - 1] = u32[sp - oparg]!;
              u32[sp - oparg] = top;
              continue;
            }

            case 42 /* UNARY_NEGATIVE */:
            case 41 /* UNARY_INVERT */: {
              const v = u32[sp - 1]!;
              const res = numberUnaryOp(t, v, opcode === 42 /* UNARY_NEGATIVE */ ? 'negative' : 'invert');
              if (res === 0) break body;
              decref(rc, v);
              u32[sp - 1] = res;
              continue;
            }
            case 43 /* UNARY_NOT */: {
              const v = u32[sp - 1]!;
              u32[sp - 1] = v === boolFalse ? boolTrue : boolFalse;
              continue;
            }
            case 40 /* TO_BOOL */: {
              const v = u32[sp - 1]!;
              if (v !== boolTrue && v !== boolFalse) {
                const b = objectIsTrue(t, v);
                if (b < 0) break body;
                decref(rc, v);
                u32[sp - 1] = b ? boolTrue : boolFalse;
              }
              ip += 3;
              continue;
            }
            case 45 /* BINARY_OP */:
            case 150 /* BINARY_OP_ADD_INT */:
            case 151 /* BINARY_OP_SUBTRACT_INT */:
            case 152 /* BINARY_OP_MULTIPLY_INT */:
            case 153 /* BINARY_OP_ADD_FLOAT */:
            case 154 /* BINARY_OP_SUBTRACT_FLOAT */:
            case 155 /* BINARY_OP_MULTIPLY_FLOAT */: {
              const rhs = u32[sp - 1]!;
              const lhs = u32[sp - 2]!;
              if (opcode !== 45) {
                if (opcode <= 152) {
                  if (u32[(lhs + OB_TYPE_OFFSET) >>> 2] === intType && u32[(rhs + OB_TYPE_OFFSET) >>> 2] === intType && u32[(lhs + LONG_TAG) >>> 2]! < 16 && u32[(rhs + LONG_TAG) >>> 2]! < 16) {
                    const a = (1 - (u32[(lhs + LONG_TAG) >>> 2]! & 3)) * u32[(lhs + LONG_DIGITS) >>> 2]!;
                    const b = (1 - (u32[(rhs + LONG_TAG) >>> 2]! & 3)) * u32[(rhs + LONG_DIGITS) >>> 2]!;
                    const r = opcode === 150 ? a + b : opcode === 151 ? a - b : a * b;
                    if (r <= 9007199254740991 && r >= -9007199254740991) {
                      const res = intFromNumber(t, r);
                      if (res === 0) break body;
                      decref(rc, rhs);
                      decref(rc, lhs);
                      u32[sp - 2] = res;
                      sp--;
                      ip += 1;
                      continue;
                    }
                  }
                } else if (u32[(lhs + OB_TYPE_OFFSET) >>> 2] === floatType && u32[(rhs + OB_TYPE_OFFSET) >>> 2] === floatType) {
                  const a = f64[(lhs + FLOAT_VALUE) >>> 3]!;
                  const b = f64[(rhs + FLOAT_VALUE) >>> 3]!;
                  const res = floatResult(t, lhs, rhs, opcode === 153 ? a + b : opcode === 154 ? a - b : a * b);
                  if (res === 0) break body;
                  u32[sp - 2] = res;
                  sp--;
                  ip += 1;
                  continue;
                }
                // A specialized form's guard missed: the generic body runs, the miss counts against the cooldown.
                specializationMiss(u16, cu + here, cu + ip, 45);
              } else {
                // The adaptive counter (specialize.ts): at zero, specialize (or back off).
                if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 45, specializeBinaryOp(t, lhs, rhs, oparg));
              }
              let res: number;
              const lt = u32[(lhs + OB_TYPE_OFFSET) >>> 2]!;
              const rt = u32[(rhs + OB_TYPE_OFFSET) >>> 2]!;
              if (lt === intType && rt === intType && u32[(lhs + LONG_TAG) >>> 2]! < 16 && u32[(rhs + LONG_TAG) >>> 2]! < 16) {
                // Compact ints (`_PyLong_IsCompact`): the operation in doubles, exact below 2**53.
                const a = (1 - (u32[(lhs + LONG_TAG) >>> 2]! & 3)) * u32[(lhs + LONG_DIGITS) >>> 2]!;
                const b = (1 - (u32[(rhs + LONG_TAG) >>> 2]! & 3)) * u32[(rhs + LONG_DIGITS) >>> 2]!;
                const r = compactIntOp(oparg, a, b);
                if (r === r) {
                  res = intFromNumber(t, r);
                  if (res === 0) break body;
                  decref(rc, rhs);
                  decref(rc, lhs);
                  u32[sp - 2] = res;
                  sp--;
                  ip += 1;
                  continue;
                }
              } else if (lt === floatType && rt === floatType) {
                const r = floatOp(oparg, f64[(lhs + FLOAT_VALUE) >>> 3]!, f64[(rhs + FLOAT_VALUE) >>> 3]!);
                if (r === r || oparg === 0 || oparg === 13 || oparg === 5 || oparg === 18 || oparg === 10 || oparg === 23) {
                  res = floatResult(t, lhs, rhs, r);
                  if (res === 0) break body;
                  u32[sp - 2] = res;
                  sp--;
                  ip += 1;
                  continue;
                }
              }
              if (oparg < 13) {
                const kind = BINARY_SLOTS[oparg]!;
                res = kind === 'power' ? numberPower(t, lhs, rhs, none) : numberBinaryOp(t, lhs, rhs, kind);
              } else {
                const kind = BINARY_SLOTS[oparg - 13]!;
                res = kind === 'power' ? numberPower(t, lhs, rhs, none, true) : numberInPlaceOp(t, lhs, rhs, kind);
              }
              if (res === 0) break body;
              decref(rc, rhs);
              decref(rc, lhs);
              u32[sp - 2] = res;
              sp--;
              ip += 1;
              continue;
            }
            case 58 /* COMPARE_OP */:
            case 156 /* COMPARE_OP_INT */:
            case 157 /* COMPARE_OP_FLOAT */: {
              const rhs = u32[sp - 1]!;
              const lhs = u32[sp - 2]!;
              if (opcode !== 58) {
                let a = NaN;
                let b = NaN;
                if (opcode === 156) {
                  if (u32[(lhs + OB_TYPE_OFFSET) >>> 2] === intType && u32[(rhs + OB_TYPE_OFFSET) >>> 2] === intType && u32[(lhs + LONG_TAG) >>> 2]! < 16 && u32[(rhs + LONG_TAG) >>> 2]! < 16) {
                    a = (1 - (u32[(lhs + LONG_TAG) >>> 2]! & 3)) * u32[(lhs + LONG_DIGITS) >>> 2]!;
                    b = (1 - (u32[(rhs + LONG_TAG) >>> 2]! & 3)) * u32[(rhs + LONG_DIGITS) >>> 2]!;
                  }
                } else if (u32[(lhs + OB_TYPE_OFFSET) >>> 2] === floatType && u32[(rhs + OB_TYPE_OFFSET) >>> 2] === floatType) {
                  a = f64[(lhs + FLOAT_VALUE) >>> 3]!;
                  b = f64[(rhs + FLOAT_VALUE) >>> 3]!;
                }
                if (opcode === 156 ? a === a : u32[(lhs + OB_TYPE_OFFSET) >>> 2] === floatType && u32[(rhs + OB_TYPE_OFFSET) >>> 2] === floatType) {
                  decref(rc, rhs);
                  decref(rc, lhs);
                  u32[sp - 2] = compareNumbers(oparg >>> 5, a, b) ? boolTrue : boolFalse;
                  sp--;
                  ip += 1;
                  continue;
                }
                // A specialized form's guard missed: the generic body runs, the miss counts against the cooldown.
                specializationMiss(u16, cu + here, cu + ip, 58);
              } else {
                // The adaptive counter (specialize.ts): at zero, specialize (or back off).
                if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 58, specializeCompareOp(t, lhs, rhs));
              }
              const lt = u32[(lhs + OB_TYPE_OFFSET) >>> 2]!;
              const rt = u32[(rhs + OB_TYPE_OFFSET) >>> 2]!;
              if (lt === intType && rt === intType && u32[(lhs + LONG_TAG) >>> 2]! < 16 && u32[(rhs + LONG_TAG) >>> 2]! < 16) {
                const a = (1 - (u32[(lhs + LONG_TAG) >>> 2]! & 3)) * u32[(lhs + LONG_DIGITS) >>> 2]!;
                const b = (1 - (u32[(rhs + LONG_TAG) >>> 2]! & 3)) * u32[(rhs + LONG_DIGITS) >>> 2]!;
                decref(rc, rhs);
                decref(rc, lhs);
                u32[sp - 2] = compareNumbers(oparg >>> 5, a, b) ? boolTrue : boolFalse;
                sp--;
                ip += 1;
                continue;
              }
              if (lt === floatType && rt === floatType) {
                const r = compareNumbers(oparg >>> 5, f64[(lhs + FLOAT_VALUE) >>> 3]!, f64[(rhs + FLOAT_VALUE) >>> 3]!);
                decref(rc, rhs);
                decref(rc, lhs);
                u32[sp - 2] = r ? boolTrue : boolFalse;
                sp--;
                ip += 1;
                continue;
              }
              let res = objectRichCompare(t, lhs, rhs, oparg >>> 5);
              if (res === 0) break body;
              if (oparg & 16) {
                res = compareOpBool(t, res);
                if (res === 0) break body;
              }
              decref(rc, rhs);
              decref(rc, lhs);
              u32[sp - 2] = res;
              sp--;
              ip += 1;
              continue;
            }
            case 76 /* IS_OP */: {
              const rhs = u32[sp - 1]!;
              const lhs = u32[sp - 2]!;
              const res = (lhs === rhs) !== (oparg === 1) ? boolTrue : boolFalse;
              decref(rc, rhs);
              decref(rc, lhs);
              u32[sp - 2] = res;
              sp--;
              continue;
            }
            case 59 /* CONTAINS_OP */: {
              const rhs = u32[sp - 1]!;
              const lhs = u32[sp - 2]!;
              const r = objectContains(t, rhs, lhs);
              if (r < 0) break body;
              decref(rc, rhs);
              decref(rc, lhs);
              u32[sp - 2] = (r === 1) !== (oparg === 1) ? boolTrue : boolFalse;
              sp--;
              ip += 1;
              continue;
            }
            case 5 /* BINARY_SUBSCR */:
            case 158 /* BINARY_SUBSCR_LIST_INT */:
            case 159 /* BINARY_SUBSCR_TUPLE_INT */:
            case 160 /* BINARY_SUBSCR_DICT */: {
              const sub = u32[sp - 1]!;
              const container = u32[sp - 2]!;
              const ct = u32[(container + OB_TYPE_OFFSET) >>> 2]!;
              if (opcode === 5) {
                // The adaptive counter (specialize.ts): at zero, specialize (or back off).
                if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 5, specializeBinarySubscr(t, container, sub));
              } else if (opcode === 160 ? ct !== dictType : ct !== (opcode === 158 ? listType : tupleType) || u32[(sub + OB_TYPE_OFFSET) >>> 2] !== intType || u32[(sub + LONG_TAG) >>> 2]! >= 16) {
                // A specialized form's guard missed: the generic body runs, the miss counts against the cooldown.
                specializationMiss(u16, cu + here, cu + ip, 5);
              }
              let res: number;
              if (u32[(sub + OB_TYPE_OFFSET) >>> 2] === intType && u32[(sub + LONG_TAG) >>> 2]! < 16 && (ct === listType || ct === tupleType)) {
                // BINARY_SUBSCR_LIST_INT / _TUPLE_INT, negative indices as `list_subscript` takes them.
                let i = (1 - (u32[(sub + LONG_TAG) >>> 2]! & 3)) * u32[(sub + LONG_DIGITS) >>> 2]!;
                if (ct === listType) {
                  if (i < 0) i += listSize(t, container);
                  res = listGetItemRef(t, container, i);
                } else {
                  const n = u32[(container + TUPLE_SIZE_OFFSET) >>> 2]!;
                  if (i < 0) i += n;
                  if (i >= 0 && i < n) {
                    res = u32[((container + TUPLE_ITEMS_OFFSET) >>> 2) + i]!;
                    incref(rc, res);
                  } else res = errRaise(t, StaticType.IndexError, 'tuple index out of range');
                }
              } else if (ct === dictType) res = dictSubscript(t, container, sub);
              else {
                // A class's Python `__getitem__` runs as a frame (`BINARY_SUBSCR_GETITEM`) with the container and key.
                const getitem = pythonGetItemOf(t, ct);
                if (getitem !== 0) {
                  i32[fw + F_INSTR] = here;
                  const nfw = enterPython(vm, fw, getitem, sp - 2, 2, sp - 2, sp);
                  sp = lp + i32[fw + F_STACKTOP]!;
                  if (nfw === 0) break body;
                  fw = nfw;
                  mode = ENTER;
                  continue reload;
                }
                res = objectGetItem(t, container, sub);
              }
              if (res === 0) break body;
              decref(rc, sub);
              decref(rc, container);
              u32[sp - 2] = res;
              sp--;
              ip += 1;
              continue;
            }
            case 4 /* BINARY_SLICE */: {
              const stop = u32[sp - 1]!;
              const start = u32[sp - 2]!;
              const container = u32[sp - 3]!;
              const slice = sliceNew(t, start, stop, 0);
              if (slice === 0) break body;
              const res = objectGetItem(t, container, slice);
              decref(rc, slice);
              if (res === 0) break body;
              decref(rc, stop);
              decref(rc, start);
              decref(rc, container);
              sp -= 2;
              u32[sp - 1] = res;
              continue;
            }
            case 38 /* STORE_SLICE */: {
              const stop = u32[sp - 1]!;
              const start = u32[sp - 2]!;
              const container = u32[sp - 3]!;
              const v = u32[sp - 4]!;
              const slice = sliceNew(t, start, stop, 0);
              if (slice === 0) break body;
              const r = objectSetItem(t, container, slice, v);
              decref(rc, slice);
              if (r < 0) break body;
              decref(rc, stop);
              decref(rc, start);
              decref(rc, container);
              decref(rc, v);
              sp -= 4;
              continue;
            }
            case 39 /* STORE_SUBSCR */:
            case 161 /* STORE_SUBSCR_LIST_INT */:
            case 162 /* STORE_SUBSCR_DICT */: {
              const sub = u32[sp - 1]!;
              const container = u32[sp - 2]!;
              const v = u32[sp - 3]!;
              const ct = u32[(container + OB_TYPE_OFFSET) >>> 2]!;
              if (opcode === 39) {
                // The adaptive counter (specialize.ts): at zero, specialize (or back off).
                if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 39, specializeStoreSubscr(t, container, sub));
              } else if (opcode === 162 ? ct !== dictType : ct !== listType || u32[(sub + OB_TYPE_OFFSET) >>> 2] !== intType || u32[(sub + LONG_TAG) >>> 2]! >= 16) {
                // A specialized form's guard missed: the generic body runs, the miss counts against the cooldown.
                specializationMiss(u16, cu + here, cu + ip, 39);
              }
              if (ct === listType && u32[(sub + OB_TYPE_OFFSET) >>> 2] === intType && u32[(sub + LONG_TAG) >>> 2]! < 16) {
                // STORE_SUBSCR_LIST_INT.
                let i = (1 - (u32[(sub + LONG_TAG) >>> 2]! & 3)) * u32[(sub + LONG_DIGITS) >>> 2]!;
                if (i < 0) i += listSize(t, container);
                if (listSetItem(t, container, i, v) < 0) break body;
              } else if (ct === dictType) {
                if (dictSetItem(t, container, sub, v) < 0) break body;
              } else if (objectSetItem(t, container, sub, v) < 0) break body;
              decref(rc, sub);
              decref(rc, container);
              decref(rc, v);
              sp -= 3;
              ip += 1;
              continue;
            }
            case 9 /* DELETE_SUBSCR */: {
              const sub = u32[sp - 1]!;
              const container = u32[sp - 2]!;
              if (objectSetItem(t, container, sub, 0) < 0) break body;
              decref(rc, sub);
              decref(rc, container);
              sp -= 2;
              continue;
            }
            case 50 /* BUILD_SLICE */: {
              const step = oparg === 3 ? u32[--sp]! : 0;
              const stop = u32[sp - 1]!;
              const start = u32[sp - 2]!;
              const slice = sliceNew(t, start, stop, step);
              if (step !== 0) decref(rc, step);
              decref(rc, stop);
              decref(rc, start);
              sp -= 2;
              if (slice === 0) break body;
              u32[sp++] = slice;
              continue;
            }

            case 52 /* BUILD_TUPLE */: {
              const tuple = tupleFromArray(t, u32.subarray(sp - oparg, sp));
              if (tuple === 0) break body;
              for (let i = sp - oparg; i < sp; i++) decref(rc, u32[i]!);
              sp -= oparg;
              u32[sp++] = tuple;
              continue;
            }
            case 47 /* BUILD_LIST */: {
              const list = listNew(t, 0);
              if (list === 0) break body;
              for (let i = sp - oparg; i < sp; i++) {
                if (listAppend(t, list, u32[i]!) < 0) {
                  decref(rc, list);
                  break body;
                }
              }
              for (let i = sp - oparg; i < sp; i++) decref(rc, u32[i]!);
              sp -= oparg;
              u32[sp++] = list;
              continue;
            }
            case 49 /* BUILD_SET */: {
              const set = setNew(t);
              if (set === 0) break body;
              for (let i = sp - oparg; i < sp; i++) {
                if (setAdd(t, set, u32[i]!) < 0) {
                  decref(rc, set);
                  break body;
                }
              }
              for (let i = sp - oparg; i < sp; i++) decref(rc, u32[i]!);
              sp -= oparg;
              u32[sp++] = set;
              continue;
            }
            case 48 /* BUILD_MAP */: {
              const dict = dictNew(t);
              if (dict === 0) break body;
              for (let i = sp - 2 * oparg; i < sp; i += 2) {
                if (dictSetItem(t, dict, u32[i]!, u32[i + 1]!) < 0) {
                  decref(rc, dict);
                  break body;
                }
              }
              for (let i = sp - 2 * oparg; i < sp; i++) decref(rc, u32[i]!);
              sp -= 2 * oparg;
              u32[sp++] = dict;
              continue;
            }
            case 46 /* BUILD_CONST_KEY_MAP */: {
              const dict = buildConstKeyMap(t, u32[sp - 1]!, sp - 1 - oparg, oparg);
              if (dict === 0) break body;
              for (let i = sp - 1 - oparg; i < sp; i++) decref(rc, u32[i]!);
              sp -= oparg + 1;
              u32[sp++] = dict;
              continue;
            }
            case 51 /* BUILD_STRING */: {
              const s = buildString(t, sp - oparg, oparg);
              if (s === 0) break body;
              for (let i = sp - oparg; i < sp; i++) decref(rc, u32[i]!);
              sp -= oparg;
              u32[sp++] = s;
              continue;
            }
            case 80 /* LIST_APPEND */: {
              const v = u32[sp - 1]!;
              if (listAppend(t, u32[sp - 1 - oparg]!, v) < 0) break body;
              decref(rc, v);
              sp--;
              continue;
            }
            case 105 /* SET_ADD */: {
              const v = u32[sp - 1]!;
              if (setAdd(t, u32[sp - 1 - oparg]!, v) < 0) break body;
              decref(rc, v);
              sp--;
              continue;
            }
            case 95 /* MAP_ADD */: {
              const value = u32[sp - 1]!;
              const key = u32[sp - 2]!;
              if (mapAdd(t, u32[sp - 2 - oparg]!, key, value) < 0) break body;
              decref(rc, value);
              decref(rc, key);
              sp -= 2;
              continue;
            }
            case 81 /* LIST_EXTEND */: {
              const iterable = u32[sp - 1]!;
              if (listExtend(t, u32[sp - 1 - oparg]!, iterable) < 0) {
                listExtendError(t, iterable);
                break body;
              }
              decref(rc, iterable);
              sp--;
              continue;
            }
            case 107 /* SET_UPDATE */: {
              const iterable = u32[sp - 1]!;
              if (setUpdate(t, u32[sp - 1 - oparg]!, iterable) < 0) break body;
              decref(rc, iterable);
              sp--;
              continue;
            }
            case 69 /* DICT_UPDATE */: {
              const update = u32[sp - 1]!;
              if (dictUpdateForDisplay(t, u32[sp - 1 - oparg]!, update) < 0) break body;
              decref(rc, update);
              sp--;
              continue;
            }
            case 68 /* DICT_MERGE */: {
              const update = u32[sp - 1]!;
              if (dictMergeForCall(t, u32[sp - 4 - oparg]!, u32[sp - 1 - oparg]!, update) < 0) break body;
              decref(rc, update);
              sp--;
              continue;
            }

            case 19 /* GET_ITER */: {
              const v = u32[sp - 1]!;
              const it = objectGetIter(t, v);
              if (it === 0) break body;
              decref(rc, v);
              u32[sp - 1] = it;
              continue;
            }
            case 72 /* FOR_ITER */:
            case 163 /* FOR_ITER_LIST */:
            case 164 /* FOR_ITER_TUPLE */:
            case 165 /* FOR_ITER_RANGE */: {
              const it = u32[sp - 1]!;
              // Exact builtin iterators inline (vm-speed-facts rule 3); anything else through tp_iternext.
              const itType = u32[(it + OB_TYPE_OFFSET) >>> 2]!;
              if (opcode === 72) {
                // The adaptive counter (specialize.ts): at zero, specialize (or back off).
                if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 72, specializeForIter(t, it));
              } else if (itType !== (opcode === 163 ? listIterType : opcode === 164 ? tupleIterType : rangeIterType)) {
                // A specialized form's guard missed: the generic body runs, the miss counts against the cooldown.
                specializationMiss(u16, cu + here, cu + ip, 72);
              }
              const next = itType === rangeIterType ? rangeIterNext(t, it) : itType === listIterType ? listIterNext(t, it) : itType === tupleIterType ? tupleIterNext(t, it) : iterNext(t, it);
              if (next === 0) {
                if (t.error.type !== 0) {
                  if (!errExceptionMatches(t, types[StaticType.StopIteration]!)) break body;
                  errClear(t);
                }
                // Exhausted: skip the END_FOR and POP_TOP at the target, and drop the iterator.
                decref(rc, it);
                sp--;
                ip += 1 + oparg + 2;
                continue;
              }
              u32[sp++] = next;
              ip += 1;
              continue;
            }
            case 20 /* GET_LEN */: {
              const len = getLen(t, u32[sp - 1]!);
              if (len === 0) break body;
              u32[sp++] = len;
              continue;
            }

            case 79 /* JUMP_FORWARD */:
              ip += oparg;
              continue;
            case 78 /* JUMP_BACKWARD_NO_INTERRUPT */:
              ip -= oparg;
              continue;
            case 97 /* POP_JUMP_IF_FALSE */: {
              const v = u32[--sp]!;
              ip += 1;
              if (v === boolFalse) ip += oparg;
              else if (v !== boolTrue) {
                const b = objectIsTrue(t, v);
                decref(rc, v);
                if (b < 0) break body;
                if (b === 0) ip += oparg;
              }
              continue;
            }
            case 100 /* POP_JUMP_IF_TRUE */: {
              const v = u32[--sp]!;
              ip += 1;
              if (v === boolTrue) ip += oparg;
              else if (v !== boolFalse) {
                const b = objectIsTrue(t, v);
                decref(rc, v);
                if (b < 0) break body;
                if (b === 1) ip += oparg;
              }
              continue;
            }
            case 98 /* POP_JUMP_IF_NONE */: {
              const v = u32[--sp]!;
              ip += 1;
              if (v === none) ip += oparg;
              else decref(rc, v);
              continue;
            }
            case 99 /* POP_JUMP_IF_NOT_NONE */: {
              const v = u32[--sp]!;
              ip += 1;
              if (v !== none) {
                decref(rc, v);
                ip += oparg;
              }
              continue;
            }

            case 91 /* LOAD_GLOBAL */:
            case 170 /* LOAD_GLOBAL_MODULE */:
            case 171 /* LOAD_GLOBAL_BUILTIN */: {
              const globals = u32[fw + F_GLOBALS]!;
              const builtins = u32[fw + F_BUILTINS]!;
              if (opcode !== 91) {
                // Cache: the entry index, the globals' keys version, the builtins' (specialize-decide.ts).
                const v =
                  opcode === 170
                    ? dictVersionedValueRef(t, globals, u16[cu + ip + 2]!, u16[cu + ip + 1]!)
                    : dictKeysVersionIs(t, globals, u16[cu + ip + 2]!)
                      ? dictVersionedValueRef(t, builtins, u16[cu + ip + 3]!, u16[cu + ip + 1]!)
                      : 0;
                if (v !== 0) {
                  u32[sp++] = v;
                  if (oparg & 1) u32[sp++] = 0;
                  ip += 4;
                  continue;
                }
                specializationMiss(u16, cu + here, cu + ip, 91);
              } else if (specializing && adaptiveCounterTriggers(u16, cu + ip)) {
                specializeAt(u16, cu + here, cu + ip, 91, specializeLoadGlobal(t, globals, builtins, u32[names + (oparg >>> 1)]!, u16, cu + ip));
              }
              const v = loadGlobal(t, globals, builtins, u32[names + (oparg >>> 1)]!);
              if (v === 0) break body;
              u32[sp++] = v;
              if (oparg & 1) u32[sp++] = 0;
              ip += 4;
              continue;
            }
            case 113 /* STORE_GLOBAL */: {
              const v = u32[sp - 1]!;
              if (storeGlobal(t, u32[fw + F_GLOBALS]!, u32[names + oparg]!, v) < 0) break body;
              decref(rc, v);
              sp--;
              continue;
            }
            case 66 /* DELETE_GLOBAL */:
              if (deleteGlobal(t, u32[fw + F_GLOBALS]!, u32[names + oparg]!) < 0) break body;
              continue;
            case 92 /* LOAD_NAME */: {
              const v = loadName(t, fw, u32[names + oparg]!);
              if (v === 0) break body;
              u32[sp++] = v;
              continue;
            }
            case 114 /* STORE_NAME */: {
              const v = u32[sp - 1]!;
              if (storeName(t, fw, u32[names + oparg]!, v) < 0) break body;
              decref(rc, v);
              sp--;
              continue;
            }
            case 67 /* DELETE_NAME */:
              i32[fw + F_INSTR] = here;
              if (deleteName(t, fw, u32[names + oparg]!) < 0) break body;
              continue;
            case 25 /* LOAD_LOCALS */: {
              const v = loadLocals(t, fw);
              if (v === 0) break body;
              u32[sp++] = v;
              continue;
            }
            case 90 /* LOAD_FROM_DICT_OR_GLOBALS */: {
              const mapping = u32[sp - 1]!;
              const v = loadFromDictOrGlobals(t, fw, mapping, u32[names + oparg]!);
              if (v === 0) break body;
              decref(rc, mapping);
              u32[sp - 1] = v;
              continue;
            }
            case 89 /* LOAD_FROM_DICT_OR_DEREF */: {
              const mapping = u32[sp - 1]!;
              const v = loadFromDictOrDeref(t, code, lp, mapping, oparg);
              if (v === 0) break body;
              decref(rc, mapping);
              u32[sp - 1] = v;
              continue;
            }
            case 37 /* SETUP_ANNOTATIONS */:
              if (setupAnnotations(t, fw) < 0) break body;
              continue;

            case 94 /* MAKE_CELL */: {
              const cell = cellNew(t, u32[lp + oparg]!);
              if (cell === 0) break body;
              const old = u32[lp + oparg]!;
              u32[lp + oparg] = cell;
              if (old !== 0) decref(rc, old);
              continue;
            }
            case 62 /* COPY_FREE_VARS */: {
              const closure = u32[(u32[fw + F_FUNC]! + FUNC_CLOSURE_OFFSET) >>> 2]!;
              const cw = (closure + TUPLE_ITEMS_OFFSET) >>> 2;
              const first = i32[(code + CODE_NLOCALSPLUS_OFFSET) >>> 2]! - oparg;
              for (let i = 0; i < oparg; i++) {
                const cell = u32[cw + i]!;
                incref(rc, cell);
                u32[lp + first + i] = cell;
              }
              continue;
            }
            case 84 /* LOAD_DEREF */: {
              const cell = u32[lp + oparg]!;
              // `_PyCell_GetStackRef`: another thread may replace the contents and drop the old value.
              const v = xGetRef(rc, cell + CELL_REF_OFFSET);
              if (v === 0) {
                loadDerefError(t, code, oparg);
                break body;
              }
              u32[sp++] = v;
              continue;
            }
            case 109 /* STORE_DEREF */: {
              const cell = u32[lp + oparg]!;
              const v = u32[--sp]!;
              // Other threads read cells with try-incref (`_PyCell_GetStackRef`): the value must allow it.
              setMaybeWeakref(rc, v);
              const old = Atomics.exchange(u32, (cell + CELL_REF_OFFSET) >>> 2, v);
              if (old !== 0) decref(rc, old);
              continue;
            }
            case 64 /* DELETE_DEREF */: {
              const cell = u32[lp + oparg]!;
              const old = Atomics.exchange(u32, (cell + CELL_REF_OFFSET) >>> 2, 0);
              if (old === 0) {
                loadDerefError(t, code, oparg);
                break body;
              }
              decref(rc, old);
              continue;
            }

            case 82 /* LOAD_ATTR */:
            case 166 /* LOAD_ATTR_METHOD_NO_DICT */:
            case 172 /* LOAD_ATTR_INSTANCE_VALUE */:
            case 173 /* LOAD_ATTR_MODULE */:
            case 174 /* LOAD_ATTR_METHOD_WITH_VALUES */: {
              const owner = u32[sp - 1]!;
              if (opcode !== 82) {
                // The forms' guards and reads (specialize-decide.ts has each one's cache layout). The type's
                // version is read plain, as CPython's relaxed load: a stale tag only misses the guard.
                const cached = (u16[cu + ip + 1]! | (u16[cu + ip + 2]! << 16)) >>> 0;
                if (opcode === 173 /* LOAD_ATTR_MODULE */) {
                  if (u32[(owner + OB_TYPE_OFFSET) >>> 2] === moduleType) {
                    const attr = dictVersionedValueRef(t, moduleDict(t, owner), cached, u16[cu + ip + 3]!);
                    if (attr !== 0) {
                      decref(rc, owner);
                      u32[sp - 1] = attr;
                      ip += 9;
                      continue;
                    }
                  }
                } else if (u32[(u32[(owner + OB_TYPE_OFFSET) >>> 2]! + TP_VERSION_TAG) >>> 2] === cached) {
                  if (opcode === 172 /* LOAD_ATTR_INSTANCE_VALUE */) {
                    const attr = instanceValueRef(t, owner, u16[cu + ip + 3]!);
                    if (attr !== 0) {
                      decref(rc, owner);
                      u32[sp - 1] = attr;
                      ip += 9;
                      continue;
                    }
                  } else if (opcode === 166 /* LOAD_ATTR_METHOD_NO_DICT */ || instanceCannotShadow(t, owner, (u16[cu + ip + 3]! | (u16[cu + ip + 4]! << 16)) >>> 0)) {
                    // `obj.method(...)`: the function and self, no bound method made.
                    const at = opcode === 166 ? ip + 3 : ip + 5;
                    const descr = (u16[cu + at]! | (u16[cu + at + 1]! << 16)) >>> 0;
                    incref(rc, descr);
                    u32[sp - 1] = descr;
                    u32[sp++] = owner;
                    ip += 9;
                    continue;
                  }
                }
                // A specialized form's guard missed: the generic body runs, the miss counts against the cooldown.
                specializationMiss(u16, cu + here, cu + ip, 82);
              } else {
                // The adaptive counter (specialize.ts): at zero, specialize (or back off).
                if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 82, specializeLoadAttr(t, owner, u32[names + (oparg >>> 1)]!, oparg, u16, cu + ip));
              }
              if ((oparg & 1) === 0) {
                // A property with a Python getter: the getter runs as a frame (`LOAD_ATTR_PROPERTY`), owner its argument.
                const fget = propertyGetterOf(t, u32[(owner + OB_TYPE_OFFSET) >>> 2]!, u32[names + (oparg >>> 1)]!);
                if (fget !== 0) {
                  i32[fw + F_INSTR] = here;
                  const nfw = enterPython(vm, fw, fget, sp - 1, 1, sp - 1, sp);
                  sp = lp + i32[fw + F_STACKTOP]!;
                  if (nfw === 0) break body;
                  fw = nfw;
                  mode = ENTER;
                  continue reload;
                }
              }
              const attr = objectGetAttr(t, owner, u32[names + (oparg >>> 1)]!);
              if (attr === 0) break body;
              decref(rc, owner);
              u32[sp - 1] = attr;
              if (oparg & 1) u32[sp++] = 0;
              ip += 9;
              continue;
            }
            case 108 /* STORE_ATTR */:
            case 175 /* STORE_ATTR_INSTANCE_VALUE */: {
              const owner = u32[sp - 1]!;
              const v = u32[sp - 2]!;
              if (opcode === 175) {
                if (u32[(u32[(owner + OB_TYPE_OFFSET) >>> 2]! + TP_VERSION_TAG) >>> 2] === (u16[cu + ip + 1]! | (u16[cu + ip + 2]! << 16)) >>> 0 && storeInstanceValue(t, owner, u16[cu + ip + 3]!, v)) {
                  decref(rc, owner);
                  sp -= 2;
                  ip += 4;
                  continue;
                }
                specializationMiss(u16, cu + here, cu + ip, 108);
              } else if (specializing && adaptiveCounterTriggers(u16, cu + ip)) {
                specializeAt(u16, cu + here, cu + ip, 108, specializeStoreAttr(t, owner, u32[names + oparg]!, u16, cu + ip));
              }
              if (objectSetAttr(t, owner, u32[names + oparg]!, v) < 0) break body;
              decref(rc, owner);
              decref(rc, v);
              sp -= 2;
              ip += 4;
              continue;
            }
            case 63 /* DELETE_ATTR */: {
              const owner = u32[sp - 1]!;
              if (objectSetAttr(t, owner, u32[names + oparg]!, 0) < 0) break body;
              decref(rc, owner);
              sp--;
              continue;
            }
            case 93 /* LOAD_SUPER_ATTR */: {
              const attr = loadSuperAttr(t, u32[sp - 3]!, u32[sp - 2]!, u32[sp - 1]!, u32[names + (oparg >>> 2)]!, oparg);
              if (attr === 0) break body;
              decref(rc, u32[sp - 1]!);
              decref(rc, u32[sp - 2]!);
              decref(rc, u32[sp - 3]!);
              sp -= 3;
              u32[sp++] = attr;
              if (oparg & 1) u32[sp++] = 0;
              ip += 1;
              continue;
            }

            case 53 /* CALL */:
            case 57 /* CALL_KW */:
            case 176 /* CALL_PY_EXACT_ARGS */:
            case 177 /* CALL_ALLOC_AND_ENTER_INIT */: {
              if (opcode > 57) {
                // The specialized forms (specialize-decide.ts): a frame pushed with the arguments copied in.
                const base = sp - 2 - oparg;
                const cached = (u16[cu + ip + 1]! | (u16[cu + ip + 2]! << 16)) >>> 0;
                let nfw = 0;
                if (opcode === 176) nfw = pushExactArgsFrame(vm, fw, base, sp, cached);
                else if (u32[base + 1] === 0 && u32[(u32[base]! + OB_TYPE_OFFSET) >>> 2] === typeType && u32[(u32[base]! + TP_VERSION_TAG) >>> 2] === cached) {
                  // The class's version vouches for its `__init__`: a Python function taking exactly these arguments.
                  const init = typeLookupRef(t, u32[base]!, initName(t));
                  if (init !== 0) nfw = enterInit(vm, fw, base, sp, init, oparg, 0);
                }
                if (nfw > 0) {
                  i32[fw + F_INSTR] = here;
                  if (++vm.depth > vm.recursionLimit) {
                    vm.depth--;
                    clearFrame(vm, nfw);
                    recursionError(t);
                    sp = lp + i32[fw + F_STACKTOP]!;
                    break body;
                  }
                  fw = nfw;
                  mode = ENTER;
                  continue reload;
                }
                if (nfw < 0) {
                  sp = lp + i32[fw + F_STACKTOP]!;
                  break body;
                }
                specializationMiss(u16, cu + here, cu + ip, 53);
              } else if (opcode === 53 && specializing && adaptiveCounterTriggers(u16, cu + ip)) {
                specializeAt(u16, cu + here, cu + ip, 53, specializeCall(t, u32[sp - 2 - oparg]!, u32[sp - 1 - oparg]!, oparg, u16, cu + ip));
              }
              const kwnames = opcode === 57 /* CALL_KW */ ? u32[--sp]! : 0;
              const nkw = kwnames === 0 ? 0 : u32[(kwnames + TUPLE_SIZE_OFFSET) >>> 2]!;
              const base = sp - 2 - oparg;
              let callable = u32[base]!;
              let aw = base + 1;
              let nargs = oparg - nkw;
              if (u32[base + 1] !== 0) nargs++;
              else {
                aw = base + 2;
                const ctype = u32[(callable + OB_TYPE_OFFSET) >>> 2]!;
                if (ctype === methodType) {
                  // A bound method: call its function with its self first (no method object per call).
                  const self = u32[(callable + METHOD_SELF_OFFSET) >>> 2]!;
                  const func = u32[(callable + METHOD_FUNC_OFFSET) >>> 2]!;
                  incref(rc, self);
                  incref(rc, func);
                  u32[base + 1] = self;
                  u32[base] = func;
                  decref(rc, callable);
                  callable = func;
                  aw = base + 1;
                  nargs++;
                } else if (ctype !== functionType) {
                  // An instance of a class with a Python `__call__`: the function, the instance its self (a frame below).
                  const call = pythonCallOf(t, ctype);
                  if (call !== 0) {
                    u32[base + 1] = callable;
                    u32[base] = call;
                    callable = call;
                    aw = base + 1;
                    nargs++;
                  }
                }
              }
              if (u32[(callable + OB_TYPE_OFFSET) >>> 2] === functionType) {
                // `_PyEvalFramePushAndInit`: a new frame, the arguments moved into it.
                const fcode = u32[(callable + FUNC_CODE_OFFSET) >>> 2]!;
                i32[fw + F_INSTR] = here;
                i32[fw + F_STACKTOP] = base - lp;
                const nfw = pushFrame(vm, fcode, callable, u32[(callable + FUNC_GLOBALS_OFFSET) >>> 2]!, u32[(callable + FUNC_BUILTINS_OFFSET) >>> 2]!, 0, fw << 2);
                if (nfw === 0) {
                  i32[fw + F_STACKTOP] = sp - lp;
                  if (kwnames !== 0) decref(rc, kwnames);
                  break body;
                }
                const ok = initializeLocalsFast(t, callable, fcode, nfw + F_LOCALSPLUS, aw, nargs, kwnames);
                if (kwnames !== 0) decref(rc, kwnames);
                // The arguments now belong to the new frame; the callable too (the frame took its own reference).
                decref(rc, callable);
                u32.fill(0, base, sp);
                if (!ok) {
                  clearFrame(vm, nfw);
                  sp = base;
                  break body;
                }
                if (++vm.depth > vm.recursionLimit) {
                  vm.depth--;
                  clearFrame(vm, nfw);
                  recursionError(t);
                  sp = base;
                  break body;
                }
                fw = nfw;
                mode = ENTER;
                continue reload;
              }
              if (aw === base + 2) {
                const init = pythonInitOf(t, callable);
                if (init !== 0) {
                  i32[fw + F_INSTR] = here;
                  const nfw = enterInit(vm, fw, base, sp, init, nargs, kwnames);
                  if (kwnames !== 0) decref(rc, kwnames);
                  sp = lp + i32[fw + F_STACKTOP]!;
                  if (nfw < 0) break body;
                  if (++vm.depth > vm.recursionLimit) {
                    vm.depth--;
                    clearFrame(vm, nfw);
                    recursionError(t);
                    break body;
                  }
                  fw = nfw;
                  mode = ENTER;
                  continue reload;
                }
              }
              const res = objectVectorcall(t, callable, aw << 2, nargs, kwnames);
              if (kwnames !== 0) decref(rc, kwnames);
              for (let i = base; i < sp; i++) {
                const v = u32[i]!;
                if (v !== 0) decref(rc, v);
              }
              sp = base;
              if (res === 0) break body;
              u32[sp++] = res;
              if (opcode !== 57 /* CALL_KW */) ip += 3; // its inline cache (CALL_KW has none in 3.13)
              continue;
            }
            case 54 /* CALL_FUNCTION_EX */: {
              const kwargs = oparg & 1 ? u32[--sp]! : 0;
              const callargs = u32[sp - 1]!;
              const func = u32[sp - 3]!;
              const res = callFunctionEx(t, func, callargs, kwargs);
              if (kwargs !== 0) decref(rc, kwargs);
              decref(rc, callargs);
              decref(rc, func);
              if (u32[sp - 2] !== 0) decref(rc, u32[sp - 2]!);
              sp -= 3;
              if (res === 0) break body;
              u32[sp++] = res;
              continue;
            }
            case 55 /* CALL_INTRINSIC_1 */: {
              const v = u32[sp - 1]!;
              const res = intrinsic1(t, fw, oparg, v);
              if (res === 0) break body;
              decref(rc, v);
              u32[sp - 1] = res;
              continue;
            }
            case 56 /* CALL_INTRINSIC_2 */: {
              const v1 = u32[sp - 1]!;
              const v2 = u32[sp - 2]!;
              const res = intrinsic2(t, oparg, v2, v1);
              if (res === 0) break body;
              decref(rc, v1);
              decref(rc, v2);
              sp--;
              u32[sp - 1] = res;
              continue;
            }
            case 26 /* MAKE_FUNCTION */: {
              const codeObj = u32[sp - 1]!;
              const func = makeFunction(t, codeObj, u32[fw + F_GLOBALS]!, u32[fw + F_BUILTINS]!);
              if (func === 0) break body;
              decref(rc, codeObj);
              u32[sp - 1] = func;
              continue;
            }
            case 106 /* SET_FUNCTION_ATTRIBUTE */: {
              const func = u32[sp - 1]!;
              const attr = u32[sp - 2]!;
              setFunctionAttribute(t, func, oparg, attr);
              decref(rc, attr);
              sp--;
              u32[sp - 1] = func;
              continue;
            }
            case 13 /* EXIT_INIT_CHECK */: {
              const v = u32[sp - 1]!;
              if (v !== none) {
                exitInitCheck(t, v);
                break body;
              }
              decref(rc, v);
              sp--;
              continue;
            }

            case 36 /* RETURN_VALUE */:
            case 103 /* RETURN_CONST */: {
              let res: number;
              if (opcode === 103 /* RETURN_CONST */) {
                res = u32[consts + oparg]!;
                incref(rc, res);
              } else res = u32[--sp]!;
              i32[fw + F_STACKTOP] = sp - lp;
              const previous = u32[fw + F_PREVIOUS]!;
              const done = fw === entry;
              const init = u32[fw + F_OWNER] === OWNED_BY_THREAD_INIT;
              clearFrame(vm, fw);
              if (done) return res;
              vm.depth--;
              fw = previous >>> 2;
              retval = res;
              mode = init ? RETURN_FROM_INIT : RETURN;
              continue reload;
            }

            case 14 /* FORMAT_SIMPLE */: {
              const v = u32[sp - 1]!;
              const res = formatSimple(t, v);
              if (res === 0) break body;
              decref(rc, v);
              u32[sp - 1] = res;
              continue;
            }
            case 15 /* FORMAT_WITH_SPEC */: {
              const spec = u32[sp - 1]!;
              const v = u32[sp - 2]!;
              const res = formatWithSpec(t, v, spec);
              if (res === 0) break body;
              decref(rc, spec);
              decref(rc, v);
              sp--;
              u32[sp - 1] = res;
              continue;
            }
            case 60 /* CONVERT_VALUE */: {
              const v = u32[sp - 1]!;
              const res = convertValue(t, v, oparg);
              if (res === 0) break body;
              decref(rc, v);
              u32[sp - 1] = res;
              continue;
            }

            case 117 /* UNPACK_SEQUENCE */:
            case 167 /* UNPACK_SEQUENCE_TWO_TUPLE */:
            case 168 /* UNPACK_SEQUENCE_TUPLE */:
            case 169 /* UNPACK_SEQUENCE_LIST */: {
              const seq = u32[sp - 1]!;
              if (opcode === 117) {
                // The adaptive counter (specialize.ts): at zero, specialize (or back off).
                if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 117, specializeUnpackSequence(t, seq, oparg));
              } else if (opcode !== 169 && u32[(seq + OB_TYPE_OFFSET) >>> 2] === tupleType && u32[(seq + TUPLE_SIZE_OFFSET) >>> 2] === oparg) {
                // The items in reverse, the first on top.
                const items = (seq + TUPLE_ITEMS_OFFSET) >>> 2;
                for (let i = 0; i < oparg; i++) {
                  const item = u32[items + i]!;
                  incref(rc, item);
                  u32[sp - 1 + oparg - 1 - i] = item;
                }
                decref(rc, seq);
                sp += oparg - 1;
                ip += 1;
                continue;
              } else if (opcode !== 169 || u32[(seq + OB_TYPE_OFFSET) >>> 2] !== listType) {
                // A specialized form's guard missed: the generic body runs, the miss counts against the cooldown.
                specializationMiss(u16, cu + here, cu + ip, 117);
              }
              if (!unpackSequence(t, seq, oparg, sp - 1)) break body;
              decref(rc, seq);
              sp += oparg - 1;
              ip += 1;
              continue;
            }
            case 116 /* UNPACK_EX */: {
              const seq = u32[sp - 1]!;
              const total = (oparg & 0xff) + 1 + (oparg >>> 8);
              if (!unpackEx(t, seq, oparg & 0xff, oparg >>> 8, sp - 1)) break body;
              decref(rc, seq);
              sp += total - 1;
              continue;
            }

            case 101 /* RAISE_VARARGS */: {
              const cause = oparg === 2 ? u32[--sp]! : 0;
              const exc = oparg >= 1 ? u32[--sp]! : 0;
              // A bare `raise` re-raises the handled exception as it is (`do_raise` returning 1): no traceback entry here.
              if (raiseVarargs(t, exc, cause)) skipTraceback = true;
              break body;
            }
            case 102 /* RERAISE */: {
              // The exception goes on as it is (the handler's lasti, if any, is popped by the unwinder).
              errSetRaisedException(t, u32[--sp]!);
              skipTraceback = true;
              break body;
            }
            case 33 /* PUSH_EXC_INFO */: {
              const exc = u32[sp - 1]!;
              const prev = errGetHandledException(t);
              u32[sp - 1] = prev === 0 ? (incref(rc, none), none) : prev;
              errSetHandledException(t, exc);
              u32[sp++] = exc;
              continue;
            }
            case 31 /* POP_EXCEPT */: {
              const prev = u32[--sp]!;
              errSetHandledException(t, prev);
              decref(rc, prev);
              continue;
            }
            case 7 /* CHECK_EXC_MATCH */: {
              const r = checkExcMatch(t, u32[sp - 2]!, u32[sp - 1]!);
              if (r < 0) break body;
              decref(rc, u32[sp - 1]!);
              u32[sp - 1] = r ? boolTrue : boolFalse;
              continue;
            }
            case 6 /* CHECK_EG_MATCH */: {
              if (!checkEgMatch(t, sp - 2)) break body;
              continue;
            }
            case 23 /* LOAD_ASSERTION_ERROR */: {
              const v = types[StaticType.AssertionError]!;
              incref(rc, v);
              u32[sp++] = v;
              continue;
            }
            case 24 /* LOAD_BUILD_CLASS */: {
              const v = loadBuildClass(t, u32[fw + F_BUILTINS]!);
              if (v === 0) break body;
              u32[sp++] = v;
              continue;
            }
            case 2 /* BEFORE_WITH */: {
              if (!beforeWith(t, sp - 1, false)) break body;
              sp++;
              continue;
            }
            case 44 /* WITH_EXCEPT_START */: {
              const res = withExceptStart(t, u32[sp - 4]!, u32[sp - 1]!);
              if (res === 0) break body;
              u32[sp++] = res;
              continue;
            }

            case 75 /* IMPORT_NAME */: {
              const fromlist = u32[sp - 1]!;
              const level = u32[sp - 2]!;
              const res = importName(t, fw, u32[names + oparg]!, fromlist, level);
              if (res === 0) break body;
              decref(rc, fromlist);
              decref(rc, level);
              sp--;
              u32[sp - 1] = res;
              continue;
            }
            case 74 /* IMPORT_FROM */: {
              const res = importFrom(t, u32[sp - 1]!, u32[names + oparg]!);
              if (res === 0) break body;
              u32[sp++] = res;
              continue;
            }

            case 28 /* MATCH_MAPPING */:
            case 29 /* MATCH_SEQUENCE */: {
              const r = opcode === 28 /* MATCH_MAPPING */ ? matchMapping(t, u32[sp - 1]!) : matchSequence(t, u32[sp - 1]!);
              u32[sp++] = r ? boolTrue : boolFalse;
              continue;
            }
            case 27 /* MATCH_KEYS */: {
              const res = matchKeys(t, u32[sp - 2]!, u32[sp - 1]!);
              if (res === 0) break body;
              u32[sp++] = res;
              continue;
            }
            case 96 /* MATCH_CLASS */: {
              const names_ = u32[sp - 1]!;
              const type = u32[sp - 2]!;
              const subject = u32[sp - 3]!;
              const res = matchClass(t, subject, type, oparg, names_);
              if (res === 0) break body;
              decref(rc, names_);
              decref(rc, type);
              decref(rc, subject);
              sp -= 2;
              u32[sp - 1] = res;
              continue;
            }

            case 35 /* RETURN_GENERATOR */: {
              // The frame moves into a new generator object; the caller gets the generator.
              i32[fw + F_STACKTOP] = sp - lp;
              const previous = u32[fw + F_PREVIOUS]!;
              const done = fw === entry;
              const gen = makeGenerator(t, fw, ip);
              if (gen === 0) break body;
              vm.ds.pop(fw);
              if (done) return gen;
              vm.depth--;
              fw = previous >>> 2;
              retval = gen;
              mode = RETURN;
              continue reload;
            }
            case 118 /* YIELD_VALUE */: {
              if (fw !== entry) {
                errRaise(t, StaticType.SystemError, 'YIELD_VALUE outside a resumed generator frame');
                break body;
              }
              const v = u32[--sp]!;
              i32[fw + F_INSTR] = ip;
              i32[fw + F_STACKTOP] = sp - lp;
              vm.yielded = true;
              vm.yieldOparg = oparg & 1;
              return v;
            }
            case 21 /* GET_YIELD_FROM_ITER */: {
              const v = u32[sp - 1]!;
              if (coroutineCheck(t, v)) {
                // A coroutine may be delegated to only from a coroutine (or a `types.coroutine` generator).
                if ((i32[(code + CODE_FLAGS_OFFSET) >>> 2]! & (CO_COROUTINE | CO_ITERABLE_COROUTINE)) === 0) {
                  errRaise(t, StaticType.TypeError, "cannot 'yield from' a coroutine object in a non-coroutine generator");
                  break body;
                }
              } else if (!generatorCheck(t, v)) {
                const it = objectGetIter(t, v);
                if (it === 0) break body;
                decref(rc, v);
                u32[sp - 1] = it;
              }
              continue;
            }
            case 104 /* SEND */: {
              const v = u32[sp - 1]!;
              const receiver = u32[sp - 2]!;
              let res: number;
              let returned = false;
              if (generatorCheck(t, receiver) || coroutineCheck(t, receiver)) {
                i32[fw + F_INSTR] = here;
                i32[fw + F_STACKTOP] = sp - lp;
                res = genSendEx(vm, receiver, v, false);
                returned = vm.genReturned;
                vm.currentFrame = fw << 2;
              } else if (v === none) {
                // The iterator's own `__next__`: a StopIteration it raises carries the result (not PyIter_Next).
                res = iterNextRaw(t, receiver);
                if (res === 0) {
                  if (t.error.type === 0) {
                    incref(rc, none);
                    res = none;
                    returned = true;
                  }
                }
              } else {
                res = callMethodOneArg(t, receiver, 'send', v);
              }
              if (res === 0) {
                // `_PyGen_FetchStopIterationValue`: StopIteration(value) ends the `yield from` with value.
                res = fetchStopIterationValue(t);
                if (res === 0) break body;
                returned = true;
              }
              decref(rc, v);
              u32[sp - 1] = res;
              ip += 1;
              if (returned) ip += oparg;
              continue;
            }
            case 73 /* GET_AWAITABLE */: {
              const iter = getAwaitable(t, u32[sp - 1]!, oparg);
              if (iter === 0) break body;
              decref(rc, u32[sp - 1]!);
              u32[sp - 1] = iter;
              continue;
            }
            case 16 /* GET_AITER */: {
              const iter = getAIter(t, u32[sp - 1]!);
              if (iter === 0) break body;
              decref(rc, u32[sp - 1]!);
              u32[sp - 1] = iter;
              continue;
            }
            case 18 /* GET_ANEXT */: {
              const awaitable = getANext(t, u32[sp - 1]!);
              if (awaitable === 0) break body;
              u32[sp++] = awaitable;
              continue;
            }
            case 10 /* END_ASYNC_FOR */: {
              const exc = u32[sp - 1]!;
              if (!errGivenExceptionMatches(t, exc, types[StaticType.StopAsyncIteration]!)) {
                // Re-raised as it is: its traceback already has this frame.
                sp--;
                errSetRaisedException(t, exc);
                skipTraceback = true;
                break body;
              }
              decref(rc, exc);
              decref(rc, u32[sp - 2]!);
              sp -= 2;
              continue;
            }
            case 1 /* BEFORE_ASYNC_WITH */: {
              if (!beforeWith(t, sp - 1, true)) break body;
              sp++;
              continue;
            }
            case 8 /* CLEANUP_THROW */: {
              const exc = u32[sp - 1]!;
              if (!errGivenExceptionMatches(t, exc, types[StaticType.StopIteration]!)) {
                incref(rc, exc);
                errSetRaisedException(t, exc);
                skipTraceback = true;
                break body;
              }
              const value = stopIterationValue(t, exc);
              decref(rc, u32[sp - 1]!);
              decref(rc, u32[sp - 2]!);
              decref(rc, u32[sp - 3]!);
              sp -= 3;
              incref(rc, none);
              u32[sp++] = none;
              u32[sp++] = value;
              continue;
            }

            default:
              errRaise(t, StaticType.SystemError, `unknown opcode ${opcode} at code unit ${here}`);
              break body;
          }
        }
        // --- error: the exception is set ------------------------------------------------
        if (!skipTraceback) tracebackHere(vm, fw << 2, here);
        skipTraceback = false;
        const handler = findHandler(t, code, here);
        if (handler !== null) {
          const level = lp + i32[(code + CODE_NLOCALSPLUS_OFFSET) >>> 2]! + handler.depth;
          while (sp > level) {
            const v = u32[--sp]!;
            if (v !== 0) decref(rc, v);
          }
          if (handler.lasti) {
            const lasti = intFromNumber(t, here);
            if (lasti === 0) throw new Error('evalFrame: no memory for an exception handler\'s lasti');
            u32[sp++] = lasti;
          }
          const exc = errGetRaisedException(t);
          if (exc === 0) throw new Error('evalFrame: an error without an exception');
          u32[sp++] = exc;
          ip = handler.target;
          continue dispatch;
        }
        // No handler: the frame is done, the exception goes to the caller.
        i32[fw + F_STACKTOP] = sp - lp;
        const previous = u32[fw + F_PREVIOUS]!;
        const done = fw === entry;
        clearFrame(vm, fw);
        if (done) return 0;
        vm.depth--;
        fw = previous >>> 2;
        mode = UNWIND;
        continue reload;
      }
    }
  } finally {
    vm.depth--;
    vm.jsDepth--;
    vm.currentFrame = savedCurrent;
  }
}

/**
 * `gen_send_ex2`: resumes `gen` with `arg` pushed as the value of its
 * `yield` (or, `exc` true, with the exception already set raised there).
 * The value yielded or returned (a new reference; `vm.genReturned` tells
 * which), or 0 with the exception set.
 */
export function genSendEx(vm: VmThread, gen: number, arg: number, exc: boolean): number {
  const t = vm.t;
  const i32 = t.i32;
  const si = (gen + GEN_STATE_OFFSET) >>> 2;
  vm.genReturned = false;
  for (;;) {
    const state = Atomics.load(i32, si);
    if (state === GEN_CREATED && arg !== t.none && !exc) {
      errRaise(t, StaticType.TypeError, `can't send non-None value to a just-started ${generatorKindName(t, gen)}`);
      return 0;
    }
    if (state === GEN_EXECUTING) {
      errRaise(t, StaticType.ValueError, `${generatorKindName(t, gen)} already executing`);
      return 0;
    }
    if (state >= GEN_COMPLETED) {
      // A finished coroutine cannot be awaited again; a generator just ends again.
      if (coroutineCheck(t, gen)) {
        if (exc) errClear(t);
        errRaise(t, StaticType.RuntimeError, 'cannot reuse already awaited coroutine');
        return 0;
      }
      if (exc) return 0; // the thrown exception stays set
      vm.genReturned = true;
      incref(t.rc, t.none);
      return t.none;
    }
    if (Atomics.compareExchange(i32, si, state, GEN_EXECUTING) === state) break;
  }
  const u32 = t.u32;
  const fw = (gen + GEN_FRAME_OFFSET) >>> 2;
  // The sent value is what the `yield` evaluates to (a created generator's first POP_TOP drops it).
  incref(t.rc, arg);
  u32[fw + F_LOCALSPLUS + u32[fw + F_STACKTOP]!] = arg;
  u32[fw + F_STACKTOP]++;
  u32[fw + F_PREVIOUS] = vm.currentFrame;
  // The generator's handled exception goes on top while it runs (`gi_exc_state` linked into `exc_info`).
  const outer = errGetHandledException(t);
  const saved = u32[(gen + GEN_EXC_STATE_OFFSET) >>> 2]!;
  if (saved !== 0) errSetHandledException(t, saved);
  vm.yielded = false;
  const result = evalFrame(vm, fw, exc);
  const inner = errGetHandledException(t);
  u32[(gen + GEN_EXC_STATE_OFFSET) >>> 2] = vm.yielded && inner !== outer ? inner : 0;
  if (!(vm.yielded && inner !== outer) && inner !== 0) decref(t.rc, inner);
  if (saved !== 0) decref(t.rc, saved);
  errSetHandledException(t, outer);
  if (outer !== 0) decref(t.rc, outer);
  u32[fw + F_PREVIOUS] = 0;
  // A generator resumed inside this one (`yield from`) may have left these set: they are this one's now.
  if (vm.yielded) {
    Atomics.store(i32, si, GEN_SUSPENDED + vm.yieldOparg);
    vm.yielded = false;
    vm.genReturned = false;
    return result;
  }
  Atomics.store(i32, si, GEN_COMPLETED);
  vm.genReturned = result !== 0;
  return result;
}

/**
 * `BINARY_OP` on two compact ints (|value| < 2**30) as doubles: the result,
 * or NaN when the operation is not done here (division, shifts, powers and
 * results past 2**53 take the general path).
 */
/**
 * The float result `r` of an operation on floats `lhs` and `rhs`, whose
 * references it consumes (`DECREF_INPUTS_AND_REUSE_FLOAT` of CPython
 * 3.12–3.13): an operand this thread holds the only reference to becomes
 * the result in place, which saves an allocation and a deallocation per
 * operation; otherwise a new float. 0 without memory (the operands kept).
 */
function floatResult(t: ObThread, lhs: number, rhs: number, r: number): number {
  const rc = t.rc;
  if (isUniquelyReferenced(rc, lhs)) {
    t.f64[(lhs + FLOAT_VALUE) >>> 3] = r;
    decref(rc, rhs);
    return lhs;
  }
  if (isUniquelyReferenced(rc, rhs)) {
    t.f64[(rhs + FLOAT_VALUE) >>> 3] = r;
    decref(rc, lhs);
    return rhs;
  }
  const res = floatFromDouble(t, r);
  if (res === 0) return 0;
  decref(rc, rhs);
  decref(rc, lhs);
  return res;
}

function compactIntOp(oparg: number, a: number, b: number): number {
  switch (oparg) {
    case 0: // +
    case 13:
      return a + b;
    case 10: // -
    case 23:
      return a - b;
    case 5: // *
    case 18: {
      const r = a * b;
      return r <= 9007199254740991 && r >= -9007199254740991 ? r : NaN;
    }
    case 1: // &
    case 14:
      return a & b;
    case 7: // |
    case 20:
      return a | b;
    case 12: // ^
    case 25:
      return a ^ b;
    case 2: // //
    case 15:
      return b === 0 ? NaN : Math.floor(a / b);
    case 6: // %
    case 19:
      return b === 0 ? NaN : a - Math.floor(a / b) * b;
    default:
      return NaN;
  }
}

/** `BINARY_OP` on two floats for + - * (NaN from others: the general path, with its ZeroDivisionError and pow rules). */
function floatOp(oparg: number, a: number, b: number): number {
  switch (oparg) {
    case 0:
    case 13:
      return a + b;
    case 10:
    case 23:
      return a - b;
    case 5:
    case 18:
      return a * b;
    case 11: // /
    case 24:
      return b === 0 ? NaN : a / b;
    default:
      return NaN;
  }
}

/** A rich comparison of two numbers (Py_LT … Py_GE). */
function compareNumbers(cmp: number, a: number, b: number): boolean {
  switch (cmp) {
    case 0:
      return a < b;
    case 1:
      return a <= b;
    case 2:
      return a === b;
    case 3:
      return a !== b;
    case 4:
      return a > b;
    default:
      return a >= b;
  }
}
