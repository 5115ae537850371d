/**
 * Names, cells, functions, imports and intrinsics out of the eval loop
 * (out-of-line.ts): the module-level and class-body name instructions,
 * `del`, `super()` attributes, `import`, function objects and their
 * attributes, `f(*args, **kwargs)`.
 */

import { CELL_REF_OFFSET, cellNew, CODE_NAMES_OFFSET, objectSetAttr, StaticType, TUPLE_ITEMS_OFFSET } from '@ft/objects';
import { decref, incref } from '@ft/refcount';
import { callFunctionEx, deleteFast, deleteGlobal, deleteName, exitInitCheck, intrinsic1, intrinsic2, loadBuildClass, loadDerefError, loadFromDictOrDeref, loadFromDictOrGlobals, loadLocals, loadName, loadSuperAttr, makeFunction, setFunctionAttribute, setupAnnotations, storeGlobal, storeName } from './ceval-ops.js';
import { F_BUILTINS, F_CODE, F_GLOBALS, F_INSTR, F_LOCALSPLUS } from './frame.js';
import { importFrom, importName } from './import.js';
import type { OpEntry } from './out-of-line.js';
import type { VmThread } from './vm-thread.js';

/** `DELETE_FAST`. */
function deleteFastOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const i32 = t.i32;
  const code = u32[fw + F_CODE]!;
  const lp = fw + F_LOCALSPLUS;
  // A `del` often frees an object: its finalizer's warnings name this line (the frame's position).
  i32[fw + F_INSTR] = here;
  if (!deleteFast(t, code, lp, oparg)) return -sp;
  return sp;
}

/** `STORE_GLOBAL`. */
function storeGlobalOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const v = u32[sp - 1]!;
  if (storeGlobal(t, u32[fw + F_GLOBALS]!, u32[names + oparg]!, v) < 0) return -sp;
  decref(rc, v);
  sp--;
  return sp;
}

/** `DELETE_GLOBAL`. */
function deleteGlobalOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  if (deleteGlobal(t, u32[fw + F_GLOBALS]!, u32[names + oparg]!) < 0) return -sp;
  return sp;
}

/** `LOAD_NAME`. */
function loadNameOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const v = loadName(t, fw, u32[names + oparg]!);
  if (v === 0) return -sp;
  u32[sp++] = v;
  return sp;
}

/** `STORE_NAME`. */
function storeNameOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const v = u32[sp - 1]!;
  if (storeName(t, fw, u32[names + oparg]!, v) < 0) return -sp;
  decref(rc, v);
  sp--;
  return sp;
}

/** `DELETE_NAME`. */
function deleteNameOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const i32 = t.i32;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  i32[fw + F_INSTR] = here;
  if (deleteName(t, fw, u32[names + oparg]!) < 0) return -sp;
  return sp;
}

/** `LOAD_LOCALS`. */
function loadLocalsOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const v = loadLocals(t, fw);
  if (v === 0) return -sp;
  u32[sp++] = v;
  return sp;
}

/** `LOAD_FROM_DICT_OR_GLOBALS`. */
function loadFromDictOrGlobalsOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const mapping = u32[sp - 1]!;
  const v = loadFromDictOrGlobals(t, fw, mapping, u32[names + oparg]!);
  if (v === 0) return -sp;
  decref(rc, mapping);
  u32[sp - 1] = v;
  return sp;
}

/** `LOAD_FROM_DICT_OR_DEREF`. */
function loadFromDictOrDerefOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const code = u32[fw + F_CODE]!;
  const lp = fw + F_LOCALSPLUS;
  const mapping = u32[sp - 1]!;
  const v = loadFromDictOrDeref(t, code, lp, mapping, oparg);
  if (v === 0) return -sp;
  decref(rc, mapping);
  u32[sp - 1] = v;
  return sp;
}

/** `SETUP_ANNOTATIONS`. */
function setupAnnotationsOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  if (setupAnnotations(t, fw) < 0) return -sp;
  return sp;
}

/** `MAKE_CELL`. */
function makeCellOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const lp = fw + F_LOCALSPLUS;
  const cell = cellNew(t, u32[lp + oparg]!);
  if (cell === 0) return -sp;
  const old = u32[lp + oparg]!;
  u32[lp + oparg] = cell;
  if (old !== 0) decref(rc, old);
  return sp;
}

/** `DELETE_DEREF`. */
function deleteDerefOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const code = u32[fw + F_CODE]!;
  const lp = fw + F_LOCALSPLUS;
  const cell = u32[lp + oparg]!;
  const old = Atomics.exchange(u32, (cell + CELL_REF_OFFSET) >>> 2, 0);
  if (old === 0) {
    loadDerefError(t, code, oparg);
    return -sp;
  }
  decref(rc, old);
  return sp;
}

/** `DELETE_ATTR`. */
function deleteAttrOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const owner = u32[sp - 1]!;
  if (objectSetAttr(t, owner, u32[names + oparg]!, 0) < 0) return -sp;
  decref(rc, owner);
  sp--;
  return sp;
}

/** `LOAD_SUPER_ATTR`. */
function loadSuperAttrOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const attr = loadSuperAttr(t, u32[sp - 3]!, u32[sp - 2]!, u32[sp - 1]!, u32[names + (oparg >>> 2)]!, oparg);
  if (attr === 0) return -sp;
  decref(rc, u32[sp - 1]!);
  decref(rc, u32[sp - 2]!);
  decref(rc, u32[sp - 3]!);
  sp -= 3;
  u32[sp++] = attr;
  if (oparg & 1) u32[sp++] = 0;
  return sp;
}

/** `IMPORT_NAME`. */
function importNameOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const fromlist = u32[sp - 1]!;
  const level = u32[sp - 2]!;
  const res = importName(t, fw, u32[names + oparg]!, fromlist, level);
  if (res === 0) return -sp;
  decref(rc, fromlist);
  decref(rc, level);
  sp--;
  u32[sp - 1] = res;
  return sp;
}

/** `IMPORT_FROM`. */
function importFromOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const code = u32[fw + F_CODE]!;
  const names = (u32[(code + CODE_NAMES_OFFSET) >>> 2]! + TUPLE_ITEMS_OFFSET) >>> 2;
  const res = importFrom(t, u32[sp - 1]!, u32[names + oparg]!);
  if (res === 0) return -sp;
  u32[sp++] = res;
  return sp;
}

/** `LOAD_BUILD_CLASS`. */
function loadBuildClassOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const v = loadBuildClass(t, u32[fw + F_BUILTINS]!);
  if (v === 0) return -sp;
  u32[sp++] = v;
  return sp;
}

/** `LOAD_ASSERTION_ERROR`. */
function loadAssertionErrorOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const types = t.types;
  const v = types[StaticType.AssertionError]!;
  incref(rc, v);
  u32[sp++] = v;
  return sp;
}

/** `MAKE_FUNCTION`. */
function makeFunctionOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const codeObj = u32[sp - 1]!;
  const func = makeFunction(t, codeObj, u32[fw + F_GLOBALS]!, u32[fw + F_BUILTINS]!);
  if (func === 0) return -sp;
  decref(rc, codeObj);
  u32[sp - 1] = func;
  return sp;
}

/** `SET_FUNCTION_ATTRIBUTE`. */
function setFunctionAttributeOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const func = u32[sp - 1]!;
  const attr = u32[sp - 2]!;
  setFunctionAttribute(t, func, oparg, attr);
  decref(rc, attr);
  sp--;
  u32[sp - 1] = func;
  return sp;
}

/** `CALL_FUNCTION_EX`. */
function callFunctionExOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const kwargs = oparg & 1 ? u32[--sp]! : 0;
  const callargs = u32[sp - 1]!;
  const func = u32[sp - 3]!;
  const res = callFunctionEx(t, func, callargs, kwargs);
  if (kwargs !== 0) decref(rc, kwargs);
  decref(rc, callargs);
  decref(rc, func);
  if (u32[sp - 2] !== 0) decref(rc, u32[sp - 2]!);
  sp -= 3;
  if (res === 0) return -sp;
  u32[sp++] = res;
  return sp;
}

/** `CALL_INTRINSIC_1`. */
function callIntrinsic1Op(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const v = u32[sp - 1]!;
  const res = intrinsic1(t, fw, oparg, v);
  if (res === 0) return -sp;
  decref(rc, v);
  u32[sp - 1] = res;
  return sp;
}

/** `CALL_INTRINSIC_2`. */
function callIntrinsic2Op(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const v1 = u32[sp - 1]!;
  const v2 = u32[sp - 2]!;
  const res = intrinsic2(t, oparg, v2, v1);
  if (res === 0) return -sp;
  decref(rc, v1);
  decref(rc, v2);
  sp--;
  u32[sp - 1] = res;
  return sp;
}

/** `EXIT_INIT_CHECK`. */
function exitInitCheckOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const none = t.none;
  const v = u32[sp - 1]!;
  if (v !== none) {
    exitInitCheck(t, v);
    return -sp;
  }
  decref(rc, v);
  sp--;
  return sp;
}

/** The instructions of this file, by opcode. */
export const OPS: readonly OpEntry[] = [
  [65 /* DELETE_FAST */, deleteFastOp],
  [113 /* STORE_GLOBAL */, storeGlobalOp],
  [66 /* DELETE_GLOBAL */, deleteGlobalOp],
  [92 /* LOAD_NAME */, loadNameOp],
  [114 /* STORE_NAME */, storeNameOp],
  [67 /* DELETE_NAME */, deleteNameOp],
  [25 /* LOAD_LOCALS */, loadLocalsOp],
  [90 /* LOAD_FROM_DICT_OR_GLOBALS */, loadFromDictOrGlobalsOp],
  [89 /* LOAD_FROM_DICT_OR_DEREF */, loadFromDictOrDerefOp],
  [37 /* SETUP_ANNOTATIONS */, setupAnnotationsOp],
  [94 /* MAKE_CELL */, makeCellOp],
  [64 /* DELETE_DEREF */, deleteDerefOp],
  [63 /* DELETE_ATTR */, deleteAttrOp],
  [93 /* LOAD_SUPER_ATTR */, loadSuperAttrOp],
  [75 /* IMPORT_NAME */, importNameOp],
  [74 /* IMPORT_FROM */, importFromOp],
  [24 /* LOAD_BUILD_CLASS */, loadBuildClassOp],
  [23 /* LOAD_ASSERTION_ERROR */, loadAssertionErrorOp],
  [26 /* MAKE_FUNCTION */, makeFunctionOp],
  [106 /* SET_FUNCTION_ATTRIBUTE */, setFunctionAttributeOp],
  [54 /* CALL_FUNCTION_EX */, callFunctionExOp],
  [55 /* CALL_INTRINSIC_1 */, callIntrinsic1Op],
  [56 /* CALL_INTRINSIC_2 */, callIntrinsic2Op],
  [13 /* EXIT_INIT_CHECK */, exitInitCheckOp],
];
