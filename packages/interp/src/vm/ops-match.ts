/**
 * Structural pattern matching out of the eval loop (out-of-line.ts):
 * `match` statements' mapping, class and length tests.
 */

import { decref } from '@ft/refcount';
import { getLen, matchClass, matchKeys, matchMapping, matchSequence } from './ceval-ops.js';
import type { OpEntry } from './out-of-line.js';
import type { VmThread } from './vm-thread.js';

/** `MATCH_KEYS`. */
function matchKeysOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const res = matchKeys(t, u32[sp - 2]!, u32[sp - 1]!);
  if (res === 0) return -sp;
  u32[sp++] = res;
  return sp;
}

/** `MATCH_CLASS`. */
function matchClassOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const rc = t.rc;
  const names_ = u32[sp - 1]!;
  const type = u32[sp - 2]!;
  const subject = u32[sp - 3]!;
  const res = matchClass(t, subject, type, oparg, names_);
  if (res === 0) return -sp;
  decref(rc, names_);
  decref(rc, type);
  decref(rc, subject);
  sp -= 2;
  u32[sp - 1] = res;
  return sp;
}

/** `GET_LEN`. */
function getLenOp(vm: VmThread, fw: number, sp: number, oparg: number, here: number): number {
  const t = vm.t;
  const u32 = t.u32;
  const len = getLen(t, u32[sp - 1]!);
  if (len === 0) return -sp;
  u32[sp++] = len;
  return sp;
}

/** `MATCH_MAPPING` and `MATCH_SEQUENCE`: whether the subject's type is a mapping (a sequence), pushed as a bool. */
function matchKind(vm: VmThread, sp: number, mapping: boolean): number {
  const t = vm.t;
  const subject = t.u32[sp - 1]!;
  t.u32[sp] = (mapping ? matchMapping(t, subject) : matchSequence(t, subject)) ? t.true : t.false;
  return sp + 1;
}

/** The instructions of this file, by opcode. */
export const OPS: readonly OpEntry[] = [
  [28 /* MATCH_MAPPING */, (vm, fw, sp) => matchKind(vm, sp, true)],
  [29 /* MATCH_SEQUENCE */, (vm, fw, sp) => matchKind(vm, sp, false)],
  [27 /* MATCH_KEYS */, matchKeysOp],
  [96 /* MATCH_CLASS */, matchClassOp],
  [20 /* GET_LEN */, getLenOp],
];
