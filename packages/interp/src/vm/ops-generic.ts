/**
 * The generic bodies of the adaptive instruction families (`BINARY_OP`,
 * `COMPARE_OP`, `BINARY_SUBSCR`, `STORE_SUBSCR`, `LOAD_GLOBAL`,
 * `LOAD_ATTR`, `STORE_ATTR`, `CALL`, `UNPACK_SEQUENCE`, `TO_BOOL`) and the
 * other operators, run out of the eval loop (out-of-line.ts): the loop
 * keeps each family's specialized forms, its adaptive counter and the fast
 * paths for compact ints, floats, lists, tuples and dicts, and comes here
 * for everything else — including a specialized form whose guard missed.
 */

import {
  CODE_NAMES_OFFSET,
  FUNC_BUILTINS_OFFSET,
  FUNC_CODE_OFFSET,
  FUNC_GLOBALS_OFFSET,
  METHOD_FUNC_OFFSET,
  METHOD_SELF_OFFSET,
  StaticType,
  TUPLE_ITEMS_OFFSET,
  TUPLE_SIZE_OFFSET,
  numberBinaryOp,
  numberInPlaceOp,
  numberPower,
  numberUnaryOp,
  objectContains,
  objectGetAttr,
  objectGetItem,
  objectGetIter,
  objectIsTrue,
  objectRichCompare,
  objectSetAttr,
  objectSetItem,
  objectVectorcall,
  propertyGetterOf,
  pythonCallOf,
  pythonGetItemOf,
  type NumberBinarySlot,
} from '@ft/objects';
import { decref, incref, OB_TYPE_OFFSET } from '@ft/refcount';
import { compareOpBool, loadGlobal, recursionError, unpackSequence } from './ceval-ops.js';
import { clearFrame, enterInit, enterPython, initializeLocalsFast, pushFrame, pythonInitOf, zeroWords } from './frame-push.js';
import { F_BUILTINS, F_CODE, F_GLOBALS, F_INSTR, F_LOCALSPLUS, F_STACKTOP } from './frame.js';
import type { OpEntry } from './out-of-line.js';
import type { VmThread } from './vm-thread.js';

/** `BINARY_OP`'s oparg → the number slot (NB_* order). */
const BINARY_SLOTS: readonly (NumberBinarySlot | 'power')[] = [
  'add', 'and', 'floorDivide', 'lshift', 'matrixMultiply', 'multiply', 'remainder', 'or', 'power', 'rshift', 'subtract', 'trueDivide', 'xor',
];

/** The names of a frame's code object (`co_names`), as a word index of its first item. */
function namesOf(u32: Uint32Array, fw: number): number {
  return (u32[(u32[fw + F_CODE]! + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
}

/** `UNARY_NEGATIVE` and `UNARY_INVERT`. */
function unaryOp(vm: VmThread, sp: number, slot: 'negative' | 'invert'): number {
  const t = vm.t;
  const v = t.u32[sp - 1]!;
  const res = numberUnaryOp(t, v, slot);
  if (res === 0) return -sp;
  decref(t.rc, v);
  t.u32[sp - 1] = res;
  return sp;
}

/** `TO_BOOL` of anything but a bool. */
function toBool(vm: VmThread, fw: number, sp: number): number {
  const t = vm.t;
  const v = t.u32[sp - 1]!;
  const b = objectIsTrue(t, v);
  if (b < 0) return -sp;
  decref(t.rc, v);
  t.u32[sp - 1] = b ? t.true : t.false;
  return sp;
}

/** `BINARY_OP` through the number protocol (`PyNumber_Add` … and the in-place forms). */
function binaryOp(vm: VmThread, fw: number, sp: number, oparg: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rhs = u32[sp - 1]!;
  const lhs = u32[sp - 2]!;
  let res: number;
  if (oparg < 13) {
    const kind = BINARY_SLOTS[oparg]!;
    res = kind === 'power' ? numberPower(t, lhs, rhs, t.none) : numberBinaryOp(t, lhs, rhs, kind);
  } else {
    const kind = BINARY_SLOTS[oparg - 13]!;
    res = kind === 'power' ? numberPower(t, lhs, rhs, t.none, true) : numberInPlaceOp(t, lhs, rhs, kind);
  }
  if (res === 0) return -sp;
  decref(t.rc, rhs);
  decref(t.rc, lhs);
  u32[sp - 2] = res;
  return sp - 1;
}

/** `COMPARE_OP` through rich comparison (`PyObject_RichCompare`), made a bool when the oparg says so. */
function compareOp(vm: VmThread, fw: number, sp: number, oparg: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rhs = u32[sp - 1]!;
  const lhs = u32[sp - 2]!;
  let res = objectRichCompare(t, lhs, rhs, oparg >>> 5);
  if (res === 0) return -sp;
  if (oparg & 16) {
    res = compareOpBool(t, res);
    if (res === 0) return -sp;
  }
  decref(t.rc, rhs);
  decref(t.rc, lhs);
  u32[sp - 2] = res;
  return sp - 1;
}

/** `BINARY_SUBSCR`: a class's Python `__getitem__` runs as a frame (`BINARY_SUBSCR_GETITEM`); else `PyObject_GetItem`. */
function binarySubscrOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const sub = u32[sp - 1]!;
  const container = u32[sp - 2]!;
  const getitem = pythonGetItemOf(t, u32[(container + OB_TYPE_OFFSET) >>> 2]!);
  if (getitem !== 0) {
    t.i32[fw + F_INSTR] = here;
    const nfw = enterPython(vm, fw, getitem, sp - 2, 2, sp - 2, sp);
    if (nfw === 0) return -(fw + F_LOCALSPLUS + t.i32[fw + F_STACKTOP]!);
    vm.enterFrame = nfw;
    return 0;
  }
  const res = objectGetItem(t, container, sub);
  if (res === 0) return -sp;
  decref(t.rc, sub);
  decref(t.rc, container);
  u32[sp - 2] = res;
  return sp - 1;
}

/** `STORE_SUBSCR` through `PyObject_SetItem`. */
function storeSubscr(vm: VmThread, fw: number, sp: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const sub = u32[sp - 1]!;
  const container = u32[sp - 2]!;
  const v = u32[sp - 3]!;
  if (objectSetItem(t, container, sub, v) < 0) return -sp;
  decref(t.rc, sub);
  decref(t.rc, container);
  decref(t.rc, v);
  return sp - 3;
}

/** `LOAD_GLOBAL`: the globals, then the builtins (`_PyEval_LoadGlobalStackRef`), and a NULL after it when the oparg says so. */
function loadGlobalOp(vm: VmThread, fw: number, sp: number, oparg: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const v = loadGlobal(t, u32[fw + F_GLOBALS]!, u32[fw + F_BUILTINS]!, u32[namesOf(u32, fw) + (oparg >>> 1)]!);
  if (v === 0) return -sp;
  u32[sp++] = v;
  if (oparg & 1) u32[sp++] = 0;
  return sp;
}

/** `LOAD_ATTR`: a property with a Python getter runs as a frame (`LOAD_ATTR_PROPERTY`), its owner the argument; else `PyObject_GetAttr`. */
function loadAttrOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const owner = u32[sp - 1]!;
  const name = u32[namesOf(u32, fw) + (oparg >>> 1)]!;
  if ((oparg & 1) === 0) {
    const fget = propertyGetterOf(t, u32[(owner + OB_TYPE_OFFSET) >>> 2]!, name);
    if (fget !== 0) {
      t.i32[fw + F_INSTR] = here;
      const nfw = enterPython(vm, fw, fget, sp - 1, 1, sp - 1, sp);
      if (nfw === 0) return -(fw + F_LOCALSPLUS + t.i32[fw + F_STACKTOP]!);
      vm.enterFrame = nfw;
      return 0;
    }
  }
  const attr = objectGetAttr(t, owner, name);
  if (attr === 0) return -sp;
  decref(t.rc, owner);
  u32[sp - 1] = attr;
  if (oparg & 1) u32[sp++] = 0;
  return sp;
}

/** `STORE_ATTR` through `PyObject_SetAttr`. */
function storeAttr(vm: VmThread, fw: number, sp: number, oparg: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const owner = u32[sp - 1]!;
  const v = u32[sp - 2]!;
  if (objectSetAttr(t, owner, u32[namesOf(u32, fw) + oparg]!, v) < 0) return -sp;
  decref(t.rc, owner);
  decref(t.rc, v);
  return sp - 2;
}

/** `UNPACK_SEQUENCE` of any iterable (`unpack_iterable`). */
function unpackSequenceOp(vm: VmThread, fw: number, sp: number, oparg: number): number {
  const t = vm.t;
  const seq = t.u32[sp - 1]!;
  if (!unpackSequence(t, seq, oparg, sp - 1)) return -sp;
  decref(t.rc, seq);
  return sp + oparg - 1;
}

/**
 * `CALL` and `CALL_KW` (`kw`: the keyword names tuple on top): a bound
 * method is unpacked (no method object per call), an instance with a
 * Python `__call__` calls it with the instance first; a Python function,
 * or a class whose `__init__` is one (`CALL_ALLOC_AND_ENTER_INIT`), gets a
 * frame the loop runs next (`_PyEvalFramePushAndInit`); anything else is
 * called through vectorcall.
 */
function callOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number, kw: boolean): number {
  const t = vm.t;
  const u32 = t.u32;
  const i32 = t.i32;
  const rc = t.rc;
  const types = t.types;
  const functionType = types[StaticType.Function]!;
  const lp = fw + F_LOCALSPLUS;
  const kwnames = kw ? u32[--sp]! : 0;
  const nkw = kwnames === 0 ? 0 : u32[(kwnames + TUPLE_SIZE_OFFSET) >>> 2]!;
  const base = sp - 2 - oparg;
  let callable = u32[base]!;
  let aw = base + 1;
  let nargs = oparg - nkw;
  if (u32[base + 1] !== 0) nargs++;
  else {
    aw = base + 2;
    const ctype = u32[(callable + OB_TYPE_OFFSET) >>> 2]!;
    if (ctype === types[StaticType.Method]) {
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
      return -sp;
    }
    const ok = initializeLocalsFast(t, callable, fcode, nfw + F_LOCALSPLUS, aw, nargs, kwnames);
    if (kwnames !== 0) decref(rc, kwnames);
    // The arguments now belong to the new frame; the callable too (the frame took its own reference).
    decref(rc, callable);
    zeroWords(u32, base, sp);
    if (!ok) {
      clearFrame(vm, nfw);
      return -base;
    }
    if (++vm.depth > vm.recursionLimit) {
      vm.depth--;
      clearFrame(vm, nfw);
      recursionError(t);
      return -base;
    }
    vm.enterFrame = nfw;
    return 0;
  }
  if (aw === base + 2) {
    const init = pythonInitOf(t, callable);
    if (init !== 0) {
      i32[fw + F_INSTR] = here;
      const nfw = enterInit(vm, fw, base, sp, init, nargs, kwnames);
      if (kwnames !== 0) decref(rc, kwnames);
      if (nfw < 0) return -(lp + i32[fw + F_STACKTOP]!);
      if (++vm.depth > vm.recursionLimit) {
        vm.depth--;
        clearFrame(vm, nfw);
        recursionError(t);
        return -(lp + i32[fw + F_STACKTOP]!);
      }
      vm.enterFrame = nfw;
      return 0;
    }
  }
  const res = objectVectorcall(t, callable, aw << 2, nargs, kwnames);
  if (kwnames !== 0) decref(rc, kwnames);
  for (let i = base; i < sp; i++) {
    const v = u32[i]!;
    if (v !== 0) decref(rc, v);
  }
  if (res === 0) return -base;
  u32[base] = res;
  return base + 1;
}

/** `CONTAINS_OP`. */
function containsOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const boolTrue = t.true;
  const boolFalse = t.false;
  const rhs = u32[sp - 1]!;
  const lhs = u32[sp - 2]!;
  const r = objectContains(t, rhs, lhs);
  if (r < 0) return -sp;
  decref(rc, rhs);
  decref(rc, lhs);
  u32[sp - 2] = (r === 1) !== (oparg === 1) ? boolTrue : boolFalse;
  sp--;
  return sp;
}

/** `GET_ITER`. */
function getIterOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const v = u32[sp - 1]!;
  const it = objectGetIter(t, v);
  if (it === 0) return -sp;
  decref(rc, v);
  u32[sp - 1] = it;
  return sp;
}


/** The instructions of this file, by opcode: each family's specialized forms come here when their guard misses. */
export const OPS: readonly OpEntry[] = [
  [42 /* UNARY_NEGATIVE */, (vm, fw, sp) => unaryOp(vm, sp, 'negative')],
  [41 /* UNARY_INVERT */, (vm, fw, sp) => unaryOp(vm, sp, 'invert')],
  [40 /* TO_BOOL */, toBool],
  ...[45, 150, 151, 152, 153, 154, 155].map((op): OpEntry => [op /* BINARY_OP and its forms */, binaryOp]),
  ...[58, 156, 157].map((op): OpEntry => [op /* COMPARE_OP and its forms */, compareOp]),
  [59 /* CONTAINS_OP */, containsOp],
  ...[5, 158, 159, 160].map((op): OpEntry => [op /* BINARY_SUBSCR and its forms */, binarySubscrOp]),
  ...[39, 161, 162].map((op): OpEntry => [op /* STORE_SUBSCR and its forms */, storeSubscr]),
  [19 /* GET_ITER */, getIterOp],
  ...[91, 170, 171].map((op): OpEntry => [op /* LOAD_GLOBAL and its forms */, loadGlobalOp]),
  ...[82, 166, 172, 173, 174, 178].map((op): OpEntry => [op /* LOAD_ATTR and its forms */, loadAttrOp]),
  ...[108, 175].map((op): OpEntry => [op /* STORE_ATTR and its form */, storeAttr]),
  ...[117, 167, 168, 169].map((op): OpEntry => [op /* UNPACK_SEQUENCE and its forms */, unpackSequenceOp]),
  ...[53, 176, 177, 179, 180].map((op): OpEntry => [op /* CALL and its forms */, (vm, fw, sp, oparg, here) => callOp(vm, fw, sp, oparg, here, false)]),
  [57 /* CALL_KW */, (vm, fw, sp, oparg, here) => callOp(vm, fw, sp, oparg, here, true)],
];
