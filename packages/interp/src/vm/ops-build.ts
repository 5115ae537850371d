/**
 * Building and taking apart values out of the eval loop (out-of-line.ts):
 * tuples, lists, sets, dicts and slices from the stack, the displays'
 * `*`/`**` unpacking, `UNPACK_EX`, f-string formatting.
 */

import { dictNew, dictSetItem, listAppend, listExtend, listNew, objectGetItem, objectSetItem, setAdd, setNew, setUpdate, sliceNew, tupleFromArray } from '@ft/objects';
import { decref } from '@ft/refcount';
import { buildConstKeyMap, buildString, convertValue, dictMergeForCall, dictUpdateForDisplay, formatSimple, formatWithSpec, listExtendError, mapAdd, unpackEx } from './ceval-ops.js';
import type { OpEntry } from './out-of-line.js';
import type { VmThread } from './vm-thread.js';

/** `BINARY_SLICE`. */
function binarySliceOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const stop = u32[sp - 1]!;
  const start = u32[sp - 2]!;
  const container = u32[sp - 3]!;
  const slice = sliceNew(t, start, stop, 0);
  if (slice === 0) return -sp;
  const res = objectGetItem(t, container, slice);
  decref(rc, slice);
  if (res === 0) return -sp;
  decref(rc, stop);
  decref(rc, start);
  decref(rc, container);
  sp -= 2;
  u32[sp - 1] = res;
  return sp;
}

/** `STORE_SLICE`. */
function storeSliceOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const stop = u32[sp - 1]!;
  const start = u32[sp - 2]!;
  const container = u32[sp - 3]!;
  const v = u32[sp - 4]!;
  const slice = sliceNew(t, start, stop, 0);
  if (slice === 0) return -sp;
  const r = objectSetItem(t, container, slice, v);
  decref(rc, slice);
  if (r < 0) return -sp;
  decref(rc, stop);
  decref(rc, start);
  decref(rc, container);
  decref(rc, v);
  sp -= 4;
  return sp;
}

/** `DELETE_SUBSCR`. */
function deleteSubscrOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const sub = u32[sp - 1]!;
  const container = u32[sp - 2]!;
  if (objectSetItem(t, container, sub, 0) < 0) return -sp;
  decref(rc, sub);
  decref(rc, container);
  sp -= 2;
  return sp;
}

/** `BUILD_SLICE`. */
function buildSliceOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const step = oparg === 3 ? u32[--sp]! : 0;
  const stop = u32[sp - 1]!;
  const start = u32[sp - 2]!;
  const slice = sliceNew(t, start, stop, step);
  if (step !== 0) decref(rc, step);
  decref(rc, stop);
  decref(rc, start);
  sp -= 2;
  if (slice === 0) return -sp;
  u32[sp++] = slice;
  return sp;
}

/** `BUILD_TUPLE`. */
function buildTupleOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const tuple = tupleFromArray(t, u32.subarray(sp - oparg, sp));
  if (tuple === 0) return -sp;
  for (let i = sp - oparg; i < sp; i++) decref(rc, u32[i]!);
  sp -= oparg;
  u32[sp++] = tuple;
  return sp;
}

/** `BUILD_LIST`. */
function buildListOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const list = listNew(t, 0);
  if (list === 0) return -sp;
  for (let i = sp - oparg; i < sp; i++) {
    if (listAppend(t, list, u32[i]!) < 0) {
      decref(rc, list);
      return -sp;
    }
  }
  for (let i = sp - oparg; i < sp; i++) decref(rc, u32[i]!);
  sp -= oparg;
  u32[sp++] = list;
  return sp;
}

/** `BUILD_SET`. */
function buildSetOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const set = setNew(t);
  if (set === 0) return -sp;
  for (let i = sp - oparg; i < sp; i++) {
    if (setAdd(t, set, u32[i]!) < 0) {
      decref(rc, set);
      return -sp;
    }
  }
  for (let i = sp - oparg; i < sp; i++) decref(rc, u32[i]!);
  sp -= oparg;
  u32[sp++] = set;
  return sp;
}

/** `BUILD_MAP`. */
function buildMapOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const dict = dictNew(t);
  if (dict === 0) return -sp;
  for (let i = sp - 2 * oparg; i < sp; i += 2) {
    if (dictSetItem(t, dict, u32[i]!, u32[i + 1]!) < 0) {
      decref(rc, dict);
      return -sp;
    }
  }
  for (let i = sp - 2 * oparg; i < sp; i++) decref(rc, u32[i]!);
  sp -= 2 * oparg;
  u32[sp++] = dict;
  return sp;
}

/** `BUILD_CONST_KEY_MAP`. */
function buildConstKeyMapOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const dict = buildConstKeyMap(t, u32[sp - 1]!, sp - 1 - oparg, oparg);
  if (dict === 0) return -sp;
  for (let i = sp - 1 - oparg; i < sp; i++) decref(rc, u32[i]!);
  sp -= oparg + 1;
  u32[sp++] = dict;
  return sp;
}

/** `BUILD_STRING`. */
function buildStringOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const s = buildString(t, sp - oparg, oparg);
  if (s === 0) return -sp;
  for (let i = sp - oparg; i < sp; i++) decref(rc, u32[i]!);
  sp -= oparg;
  u32[sp++] = s;
  return sp;
}

/** `SET_ADD`. */
function setAddOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const v = u32[sp - 1]!;
  if (setAdd(t, u32[sp - 1 - oparg]!, v) < 0) return -sp;
  decref(rc, v);
  sp--;
  return sp;
}

/** `MAP_ADD`. */
function mapAddOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const value = u32[sp - 1]!;
  const key = u32[sp - 2]!;
  if (mapAdd(t, u32[sp - 2 - oparg]!, key, value) < 0) return -sp;
  decref(rc, value);
  decref(rc, key);
  sp -= 2;
  return sp;
}

/** `LIST_EXTEND`. */
function listExtendOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const iterable = u32[sp - 1]!;
  if (listExtend(t, u32[sp - 1 - oparg]!, iterable) < 0) {
    listExtendError(t, iterable);
    return -sp;
  }
  decref(rc, iterable);
  sp--;
  return sp;
}

/** `SET_UPDATE`. */
function setUpdateOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const iterable = u32[sp - 1]!;
  if (setUpdate(t, u32[sp - 1 - oparg]!, iterable) < 0) return -sp;
  decref(rc, iterable);
  sp--;
  return sp;
}

/** `DICT_UPDATE`. */
function dictUpdateOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const update = u32[sp - 1]!;
  if (dictUpdateForDisplay(t, u32[sp - 1 - oparg]!, update) < 0) return -sp;
  decref(rc, update);
  sp--;
  return sp;
}

/** `DICT_MERGE`. */
function dictMergeOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const update = u32[sp - 1]!;
  if (dictMergeForCall(t, u32[sp - 4 - oparg]!, u32[sp - 1 - oparg]!, update) < 0) return -sp;
  decref(rc, update);
  sp--;
  return sp;
}

/** `UNPACK_EX`. */
function unpackExOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const seq = u32[sp - 1]!;
  const total = (oparg & 0xff) + 1 + (oparg >>> 8);
  if (!unpackEx(t, seq, oparg & 0xff, oparg >>> 8, sp - 1)) return -sp;
  decref(rc, seq);
  sp += total - 1;
  return sp;
}

/** `FORMAT_SIMPLE`. */
function formatSimpleOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const v = u32[sp - 1]!;
  const res = formatSimple(t, v);
  if (res === 0) return -sp;
  decref(rc, v);
  u32[sp - 1] = res;
  return sp;
}

/** `FORMAT_WITH_SPEC`. */
function formatWithSpecOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const spec = u32[sp - 1]!;
  const v = u32[sp - 2]!;
  const res = formatWithSpec(t, v, spec);
  if (res === 0) return -sp;
  decref(rc, spec);
  decref(rc, v);
  sp--;
  u32[sp - 1] = res;
  return sp;
}

/** `CONVERT_VALUE`. */
function convertValueOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const v = u32[sp - 1]!;
  const res = convertValue(t, v, oparg);
  if (res === 0) return -sp;
  decref(rc, v);
  u32[sp - 1] = res;
  return sp;
}

/** The instructions of this file, by opcode. */
export const OPS: readonly OpEntry[] = [
  [4 /* BINARY_SLICE */, binarySliceOp],
  [38 /* STORE_SLICE */, storeSliceOp],
  [9 /* DELETE_SUBSCR */, deleteSubscrOp],
  [50 /* BUILD_SLICE */, buildSliceOp],
  [52 /* BUILD_TUPLE */, buildTupleOp],
  [47 /* BUILD_LIST */, buildListOp],
  [49 /* BUILD_SET */, buildSetOp],
  [48 /* BUILD_MAP */, buildMapOp],
  [46 /* BUILD_CONST_KEY_MAP */, buildConstKeyMapOp],
  [51 /* BUILD_STRING */, buildStringOp],
  [105 /* SET_ADD */, setAddOp],
  [95 /* MAP_ADD */, mapAddOp],
  [81 /* LIST_EXTEND */, listExtendOp],
  [107 /* SET_UPDATE */, setUpdateOp],
  [69 /* DICT_UPDATE */, dictUpdateOp],
  [68 /* DICT_MERGE */, dictMergeOp],
  [116 /* UNPACK_EX */, unpackExOp],
  [14 /* FORMAT_SIMPLE */, formatSimpleOp],
  [15 /* FORMAT_WITH_SPEC */, formatWithSpecOp],
  [60 /* CONVERT_VALUE */, convertValueOp],
];
