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
  CODE_NAMES_OFFSET,
  CODE_NLOCALSPLUS_OFFSET,
  CODE_UNITS_OFFSET,
  FUNC_BUILTINS_OFFSET,
  FUNC_CLOSURE_OFFSET,
  FUNC_CODE_OFFSET,
  FUNC_GLOBALS_OFFSET,
  StaticType,
  TUPLE_ITEMS_OFFSET,
  TUPLE_SIZE_OFFSET,
  CELL_REF_OFFSET,
  FLOAT_VALUE_OFFSET as FLOAT_VALUE,
  LONG_DIGITS_OFFSET as LONG_DIGITS,
  LONG_TAG_OFFSET as LONG_TAG,
  TP_VERSION_TAG_OFFSET as TP_VERSION_TAG,
  typeLookupRef,
  dictKeysVersionIs,
  dictVersionedValueRef,
  instanceCannotShadow,
  instanceDictAbsent,
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
  dictSetItem,
  errClear,
  errExceptionMatches,
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
  errGetHandledException,
  errSetHandledException,
  listAppend,
  objectIsTrue,
  objectVectorcall,
} from '@ft/objects';
import { EVAL_EVENTS_MASK, handlePending, SAFE_POINT_POLL_INTERVAL } from '@ft/atomics';
import { decref, incref, OB_TYPE_OFFSET, setMaybeWeakref, xGetRef } from '@ft/refcount';
import { tlbcUnits } from './tlbc.js';
import { adaptiveCounterTriggers, CACHE_UNITS, specializationMiss, specializeAt } from './specialize.js';
import {
  initName,
  specializeBinaryOp,
  specializeBinarySubscr,
  specializeCall,
  specializeCompareOp,
  specializeForIter,
  specializeLoadAttr,
  specializeLoadGlobal,
  specializeStoreAttr,
  specializeStoreSubscr,
  specializeUnpackSequence,
} from './specialize-decide.js';
import { findHandler } from './code-info.js';
import { F_BUILTINS, F_CODE, F_FUNC, F_GLOBALS, F_INSTR, F_LOCALSPLUS, F_OWNER, F_PREVIOUS, F_STACKTOP, OWNED_BY_THREAD_INIT } from './frame.js';
import { callMethodOneArg, fetchStopIterationValue, makeGenerator } from './generator-frame.js';
import { exitInitCheck, loadDerefError, loadFastError, recursionError } from './ceval-ops.js';
import { tracebackHere } from './traceback.js';
import { clearFrame, enterInit, initializeLocalsFast, pushExactArgsFrame, pushFrame } from './frame-push.js';
import { compactIntOp, compareNumbers, floatOp, floatResult } from './number-fast.js';
import { OUT_OF_LINE } from './ops-table.js';
import type { VmThread } from './vm-thread.js';

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

/** Entries into {@link evalFrame} on this JavaScript thread (one Python thread runs on it at a time) until one starts with its eval-breaker poll due. */
let entriesUntilPoll = SAFE_POINT_POLL_INTERVAL;

/**
 * Runs the frame at word index `entry` (already pushed and bound) until it
 * returns: the return value (a new reference), or 0 with the exception
 * set. The frame is popped either way.
 */
export function evalFrame(vm: VmThread, entry: number, throwflag = false): number {
  const t = vm.t;
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
  try {
    return runFrames(vm, entry, throwflag);
  } finally {
    vm.depth--;
    vm.jsDepth--;
    vm.currentFrame = savedCurrent;
  }
}

/**
 * The loop of {@link evalFrame}, in a function of its own with no `try`:
 * inside a `try`, every call the loop makes gets an exception edge to the
 * handler carrying the whole frame state, which multiplied TurboFan's work
 * on the loop (out-of-line.ts says why its compile time matters).
 */
function runFrames(vm: VmThread, entry: number, throwflag: boolean): number {
  const t = vm.t;
  const u32 = t.u32;
  const i32 = t.i32;
  const u16 = t.u16;
  const rc = t.rc;
  const none = t.none;
  const types = t.types;
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
  const typeType = types[StaticType.Type]!;
  const builtinFunctionType = types[StaticType.BuiltinFunction]!;
  const methodDescriptorType = types[StaticType.MethodDescriptor]!;
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


  let fw = entry;
  let mode = throwflag ? THROW : ENTER;
  /** Set by a re-raise: the exception already has this frame's traceback entry. */
  let skipTraceback = false;
  let retval = 0;
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
        outOfLine: switch (opcode) {
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

          case 43 /* UNARY_NOT */: {
            const v = u32[sp - 1]!;
            u32[sp - 1] = v === boolFalse ? boolTrue : boolFalse;
            continue;
          }
          case 40 /* TO_BOOL */: {
            const v = u32[sp - 1]!;
            if (v !== boolTrue && v !== boolFalse) break outOfLine;
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
              break outOfLine;
            }
            // The adaptive counter (specialize.ts): at zero, specialize (or back off).
            if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 45, specializeBinaryOp(t, lhs, rhs, oparg));
            const lt = u32[(lhs + OB_TYPE_OFFSET) >>> 2]!;
            const rt = u32[(rhs + OB_TYPE_OFFSET) >>> 2]!;
            if (lt === intType && rt === intType && u32[(lhs + LONG_TAG) >>> 2]! < 16 && u32[(rhs + LONG_TAG) >>> 2]! < 16) {
              // Compact ints (`_PyLong_IsCompact`): the operation in doubles, exact below 2**53.
              const a = (1 - (u32[(lhs + LONG_TAG) >>> 2]! & 3)) * u32[(lhs + LONG_DIGITS) >>> 2]!;
              const b = (1 - (u32[(rhs + LONG_TAG) >>> 2]! & 3)) * u32[(rhs + LONG_DIGITS) >>> 2]!;
              const r = compactIntOp(oparg, a, b);
              if (r === r) {
                const res = intFromNumber(t, r);
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
                const res = floatResult(t, lhs, rhs, r);
                if (res === 0) break body;
                u32[sp - 2] = res;
                sp--;
                ip += 1;
                continue;
              }
            }
            break outOfLine;
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
              break outOfLine;
            }
            // The adaptive counter (specialize.ts): at zero, specialize (or back off).
            if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 58, specializeCompareOp(t, lhs, rhs));
            const lt = u32[(lhs + OB_TYPE_OFFSET) >>> 2]!;
            const rt = u32[(rhs + OB_TYPE_OFFSET) >>> 2]!;
            let r: boolean;
            if (lt === intType && rt === intType && u32[(lhs + LONG_TAG) >>> 2]! < 16 && u32[(rhs + LONG_TAG) >>> 2]! < 16) {
              const a = (1 - (u32[(lhs + LONG_TAG) >>> 2]! & 3)) * u32[(lhs + LONG_DIGITS) >>> 2]!;
              const b = (1 - (u32[(rhs + LONG_TAG) >>> 2]! & 3)) * u32[(rhs + LONG_DIGITS) >>> 2]!;
              r = compareNumbers(oparg >>> 5, a, b);
            } else if (lt === floatType && rt === floatType) {
              r = compareNumbers(oparg >>> 5, f64[(lhs + FLOAT_VALUE) >>> 3]!, f64[(rhs + FLOAT_VALUE) >>> 3]!);
            } else break outOfLine;
            decref(rc, rhs);
            decref(rc, lhs);
            u32[sp - 2] = r ? boolTrue : boolFalse;
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
              break outOfLine;
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
            else break outOfLine;
            if (res === 0) break body;
            decref(rc, sub);
            decref(rc, container);
            u32[sp - 2] = res;
            sp--;
            ip += 1;
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
              break outOfLine;
            }
            if (ct === listType && u32[(sub + OB_TYPE_OFFSET) >>> 2] === intType && u32[(sub + LONG_TAG) >>> 2]! < 16) {
              // STORE_SUBSCR_LIST_INT.
              let i = (1 - (u32[(sub + LONG_TAG) >>> 2]! & 3)) * u32[(sub + LONG_DIGITS) >>> 2]!;
              if (i < 0) i += listSize(t, container);
              if (listSetItem(t, container, i, v) < 0) break body;
            } else if (ct === dictType) {
              if (dictSetItem(t, container, sub, v) < 0) break body;
            } else break outOfLine;
            decref(rc, sub);
            decref(rc, container);
            decref(rc, v);
            sp -= 3;
            ip += 1;
            continue;
          }
          case 80 /* LIST_APPEND */: {
            const v = u32[sp - 1]!;
            if (listAppend(t, u32[sp - 1 - oparg]!, v) < 0) break body;
            decref(rc, v);
            sp--;
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
            if (opcode === 91) {
              // The adaptive counter (specialize.ts): at zero, specialize (or back off).
              if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 91, specializeLoadGlobal(t, globals, u32[fw + F_BUILTINS]!, u32[names + (oparg >>> 1)]!, u16, cu + ip));
              break outOfLine;
            }
            // Cache: the entry index, the globals' keys version, the builtins' (specialize-decide.ts).
            const v =
              opcode === 170
                ? dictVersionedValueRef(t, globals, u16[cu + ip + 2]!, u16[cu + ip + 1]!)
                : dictKeysVersionIs(t, globals, u16[cu + ip + 2]!)
                  ? dictVersionedValueRef(t, u32[fw + F_BUILTINS]!, u16[cu + ip + 3]!, u16[cu + ip + 1]!)
                  : 0;
            if (v === 0) {
              specializationMiss(u16, cu + here, cu + ip, 91);
              break outOfLine;
            }
            u32[sp++] = v;
            if (oparg & 1) u32[sp++] = 0;
            ip += 4;
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
          case 82 /* LOAD_ATTR */:
            // The adaptive counter (specialize.ts): at zero, specialize (or back off).
            if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 82, specializeLoadAttr(t, u32[sp - 1]!, u32[names + (oparg >>> 1)]!, oparg, u16, cu + ip));
            break outOfLine;
          case 166 /* LOAD_ATTR_METHOD_NO_DICT */:
          case 178 /* LOAD_ATTR_METHOD_LAZY_DICT */:
          case 172 /* LOAD_ATTR_INSTANCE_VALUE */:
          case 173 /* LOAD_ATTR_MODULE */:
          case 174 /* LOAD_ATTR_METHOD_WITH_VALUES */: {
            // The forms' guards and reads (specialize-decide.ts has each one's cache layout). The type's
            // version is read plain, as CPython's relaxed load: a stale tag only misses the guard.
            const owner = u32[sp - 1]!;
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
              } else if (
                opcode === 166 /* LOAD_ATTR_METHOD_NO_DICT */ ||
                (opcode === 178 /* LOAD_ATTR_METHOD_LAZY_DICT */ ? instanceDictAbsent(t, owner) : instanceCannotShadow(t, owner, (u16[cu + ip + 3]! | (u16[cu + ip + 4]! << 16)) >>> 0))
              ) {
                // `obj.method(...)`: the function and self, no bound method made.
                const at = opcode === 174 ? ip + 5 : ip + 3;
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
            break outOfLine;
          }
          case 108 /* STORE_ATTR */:
            // The adaptive counter (specialize.ts): at zero, specialize (or back off).
            if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 108, specializeStoreAttr(t, u32[sp - 1]!, u32[names + oparg]!, u16, cu + ip));
            break outOfLine;
          case 175 /* STORE_ATTR_INSTANCE_VALUE */: {
            const owner = u32[sp - 1]!;
            if (u32[(u32[(owner + OB_TYPE_OFFSET) >>> 2]! + TP_VERSION_TAG) >>> 2] === (u16[cu + ip + 1]! | (u16[cu + ip + 2]! << 16)) >>> 0 && storeInstanceValue(t, owner, u16[cu + ip + 3]!, u32[sp - 2]!)) {
              decref(rc, owner);
              sp -= 2;
              ip += 4;
              continue;
            }
            specializationMiss(u16, cu + here, cu + ip, 108);
            break outOfLine;
          }
          case 53 /* CALL */:
            // The adaptive counter (specialize.ts): at zero, specialize (or back off).
            if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 53, specializeCall(t, u32[sp - 2 - oparg]!, u32[sp - 1 - oparg]!, oparg, u16, cu + ip));
            break outOfLine;
          case 179 /* CALL_BUILTIN_FAST */:
          case 180 /* CALL_METHOD_DESCRIPTOR_FAST */: {
            // A builtin function (no self), or a method descriptor with its self: vectorcall, no frame.
            const base = sp - 2 - oparg;
            const ctype = u32[(u32[base]! + OB_TYPE_OFFSET) >>> 2]!;
            if (opcode === 179 ? u32[base + 1] === 0 && ctype === builtinFunctionType : u32[base + 1] !== 0 && ctype === methodDescriptorType) {
              const aw = opcode === 179 ? base + 2 : base + 1;
              const res = objectVectorcall(t, u32[base]!, aw << 2, sp - aw, 0);
              for (let i = base; i < sp; i++) {
                const v = u32[i]!;
                if (v !== 0) decref(rc, v);
              }
              sp = base;
              if (res === 0) break body;
              u32[sp++] = res;
              ip += 3;
              continue;
            }
            specializationMiss(u16, cu + here, cu + ip, 53);
            break outOfLine;
          }
          case 176 /* CALL_PY_EXACT_ARGS */:
          case 177 /* CALL_ALLOC_AND_ENTER_INIT */: {
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
            break outOfLine;
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

          case 117 /* UNPACK_SEQUENCE */:
            // The adaptive counter (specialize.ts): at zero, specialize (or back off).
            if (specializing && adaptiveCounterTriggers(u16, cu + ip)) specializeAt(u16, cu + here, cu + ip, 117, specializeUnpackSequence(t, u32[sp - 1]!, oparg));
            break outOfLine;
          case 167 /* UNPACK_SEQUENCE_TWO_TUPLE */:
          case 168 /* UNPACK_SEQUENCE_TUPLE */: {
            const seq = u32[sp - 1]!;
            if (u32[(seq + OB_TYPE_OFFSET) >>> 2] === tupleType && u32[(seq + TUPLE_SIZE_OFFSET) >>> 2] === oparg) {
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
            }
            specializationMiss(u16, cu + here, cu + ip, 117);
            break outOfLine;
          }
          case 169 /* UNPACK_SEQUENCE_LIST */:
            if (u32[(u32[sp - 1]! + OB_TYPE_OFFSET) >>> 2] !== listType) specializationMiss(u16, cu + here, cu + ip, 117);
            break outOfLine;
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
          default:
            break outOfLine;
        }
        // Everything else, and a family's generic body, runs out of the loop (out-of-line.ts).
        const r = OUT_OF_LINE[opcode]!(vm, fw, sp, oparg, here);
        if (r > 0) {
          sp = r;
          ip += CACHES[opcode]!;
          continue;
        }
        if (r < 0) {
          sp = -r;
          if (vm.skipTraceback) {
            vm.skipTraceback = false;
            skipTraceback = true;
          }
          break body;
        }
        fw = vm.enterFrame;
        mode = ENTER;
        continue reload;
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