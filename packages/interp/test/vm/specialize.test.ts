/**
 * Specialization and thread-local bytecode (issue 21 item 4): adaptive
 * instructions specialize after their warm-up, a guard miss runs the
 * generic body and counts against the cooldown until the instruction is
 * respecialized or goes back to generic, results stay CPython's through
 * every type change; a thread with its own TLBC index specializes its own
 * copy and leaves the main copy alone; `-X tlbc=0` specializes nothing.
 * Expected output from CPython 3.13.0 (the program ran there once).
 */

import { createObjectsRuntime, CODE_SIZE_OFFSET, CODE_TLBC_OFFSET, CODE_UNITS_OFFSET, FUNC_CODE_OFFSET, moduleDict, type ObThread } from '@ft/objects';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../src/cli/run-program.js';
import { dictGetItemStrRef } from '../../src/modules/dict-util.js';
import { compileToCode } from '../../src/vm/compile-code.js';
import { evalCode } from '../../src/vm/exec.js';
import { createInterpreter, createMainModule, registerInterpreter } from '../../src/vm/interpreter.js';
import type { RegisteredModule } from '../../src/modules/module-def.js';
import {
  DEOPT,
  LOAD_ATTR_INSTANCE_VALUE,
  LOAD_ATTR_METHOD_NO_DICT,
  LOAD_ATTR_METHOD_WITH_VALUES,
  LOAD_ATTR_MODULE,
  LOAD_GLOBAL_BUILTIN,
  LOAD_GLOBAL_MODULE,
  STORE_ATTR_INSTANCE_VALUE,
  CALL_ALLOC_AND_ENTER_INIT,
  CALL_PY_EXACT_ARGS,
} from '../../src/vm/specialize.js';
import { vmOf } from '../../src/vm/vm-thread.js';

const PROGRAM = "def add(a, b):\n    return a + b\ndef sub(a, b):\n    return a - b\ndef mul(a, b):\n    return a * b\ndef lt(a, b):\n    return a < b\ndef item(c, k):\n    return c[k]\ndef store(c, k, v):\n    c[k] = v\n    return c[k]\ndef loop(it):\n    total = []\n    for x in it:\n        total.append(x)\n    return total\ndef unpack(s):\n    a, b = s\n    return b, a\ndef meth(o):\n    return o.count(1)\nfor i in range(200):\n    add(i, 1); sub(i, 1); mul(i, 2); add(1.5, 2.0); lt(i, 3); item([1, 2, 3], 1); item((4, 5), 0); item({'k': i}, 'k')\n    store([0, 0], 1, i); store({}, 'x', i); loop([1, 2]); loop((3,)); loop(range(2)); unpack((1, 2)); unpack([3, 4]); meth([1, 1, 2])\nprint(add(2**40, 2**40), add(1.5, 2), add('a', 'b'), add([1], [2]), add(2**62, 2**62))\nprint(sub(10**20, 1), sub(0.5, 2), mul(2**30, 2**30), mul('ab', 3), mul(1.5, 1.5))\nprint(lt(1.5, 2), lt('a', 'b'), lt(2**70, 3), lt(3, 2.5))\nprint(item('xyz', 1), item({'k': 1}, 'k'), item([1, 2, 3], -1), item((1, 2), -2), item(range(10), 3))\ntry:\n    item([1], 5)\nexcept IndexError as e:\n    print('IndexError', e)\nprint(store({}, 'a', 1), store([0, 0], -1, 9), store(bytearray(b'ab'), 0, 65))\nprint(loop('ab'), loop({3: 0}), loop(x for x in (7, 8)), loop(range(3)))\nprint(unpack('xy'), unpack([5, 6]), unpack({1: 0, 2: 0}))\ntry:\n    unpack((1, 2, 3))\nexcept ValueError as e:\n    print('ValueError', e)\nprint(meth((1, 1, 1)), meth([1]))\nclass C:\n    def count(self, x):\n        return 'C.count'\nprint(meth(C()))\n";
/** `python3.13 spec_prog.py`'s output. */
const EXPECTED = "2199023255552 3.5 ab [1, 2] 9223372036854775808\n99999999999999999999 -1.5 1152921504606846976 ababab 2.25\nTrue True False False\ny 1 3 1 3\nIndexError list index out of range\n1 9 65\n['a', 'b'] [3] [7, 8] [0, 1, 2]\n('y', 'x') (6, 5) (2, 1)\nValueError too many values to unpack (expected 2)\n3 1\nC.count\n";

/** Runs `source` on an interpreter of its own; returns the thread context and the main module's dict. */
function interpreterWith(source: string, options: { tlbc?: boolean; tlbcIndex?: number }) {
  let registered: Map<string, RegisteredModule> | null = null;
  const rt = createObjectsRuntime({ registerSlots: (s) => void (registered = registerInterpreter(s)) });
  const sink = { write() {}, flush() {} };
  const vm = createInterpreter(rt.t, registered!, { argv: [''], path: [], stdout: sink, stderr: sink, participant: rt.participant, ...options });
  const main = createMainModule(vm, null);
  const dict = moduleDict(rt.t, main);
  const code = compileToCode(rt.t, source, '<test>', 'exec');
  expect(code).not.toBe(0);
  const r = evalCode(vm, code, dict);
  expect(r).not.toBe(0);
  return { rt, t: rt.t, dict };
}

/** The opcodes of a function's code units at u16 index `base` (EXTENDED_ARG kept, caches skipped by DEOPT's family sizes). */
function opcodesAt(t: ObThread, base: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(t.u16[base + i]! & 0xff);
  return out;
}

function codeOf(t: ObThread, dict: number, name: string): number {
  const f = dictGetItemStrRef(t, dict, name);
  expect(f).not.toBe(0);
  const code = t.u32[(f + FUNC_CODE_OFFSET) >>> 2]!;
  return code;
}

const WARM = `
def add(a, b):
    return a + b
def index(c, i):
    return c[i]
for i in range(100):
    add(i, 1)
    index([1, 2], 1)
`;

describe('specialization', () => {
  it('every specialized family keeps CPython 3.13 results through type changes (specialization on and -X tlbc=0)', async () => {
    for (const xoptions of [[], ['tlbc=0']]) {
      const r = await runProgram({ code: PROGRAM, xoptions });
      expect({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }).toEqual({ stdout: EXPECTED, stderr: '', exitCode: 0 });
    }
  });

  it('after warm-up the main copy holds specialized instructions; a type change deoptimizes after the cooldown', () => {
    const { rt, t, dict } = interpreterWith(WARM, {});
    const add = codeOf(t, dict, 'add');
    const base = (add + CODE_UNITS_OFFSET) >>> 1;
    const n = t.u32[(add + CODE_SIZE_OFFSET) >>> 2]!;
    expect(opcodesAt(t, base, n)).toContain(150); // BINARY_OP_ADD_INT
    const index = codeOf(t, dict, 'index');
    expect(opcodesAt(t, (index + CODE_UNITS_OFFSET) >>> 1, t.u32[(index + CODE_SIZE_OFFSET) >>> 2]!)).toContain(158); // BINARY_SUBSCR_LIST_INT
    // 60 calls with strs: 52 misses exhaust the cooldown, then BINARY_OP respecializes or stays generic.
    const code = compileToCode(t, "for i in range(60):\n    add('a', 'b')\n", '<test>', 'exec');
    expect(evalCode(vmOf(t), code, dict)).not.toBe(0);
    const after = opcodesAt(t, base, n);
    expect(after).not.toContain(150);
    expect(after.some((op) => DEOPT[op] === 45)).toBe(true);
    rt.close();
  });

  it('a thread with its own TLBC index specializes its copy; the main copy stays as compiled', () => {
    const { rt, t, dict } = interpreterWith(WARM, { tlbcIndex: 1 });
    const add = codeOf(t, dict, 'add');
    const n = t.u32[(add + CODE_SIZE_OFFSET) >>> 2]!;
    const main = opcodesAt(t, (add + CODE_UNITS_OFFSET) >>> 1, n);
    expect(main.every((op) => op < 150)).toBe(true);
    const array = t.u32[(add + CODE_TLBC_OFFSET) >>> 2]!;
    expect(array).not.toBe(0);
    const copy = t.u32[(array >>> 2) + 1]!;
    expect(copy).not.toBe(0);
    expect(opcodesAt(t, copy >>> 1, n)).toContain(150);
    rt.close();
  });

  it('-X tlbc=0: one shared copy and nothing specialized', () => {
    const { rt, t, dict } = interpreterWith(WARM, { tlbc: false, tlbcIndex: 1 });
    const add = codeOf(t, dict, 'add');
    const n = t.u32[(add + CODE_SIZE_OFFSET) >>> 2]!;
    expect(opcodesAt(t, (add + CODE_UNITS_OFFSET) >>> 1, n).every((op) => op < 150)).toBe(true);
    expect(t.u32[(add + CODE_TLBC_OFFSET) >>> 2]).toBe(0);
    rt.close();
  });

  // The attribute, global and call forms: each deoptimized by what can change under it (a deleted or
  // shadowing attribute, a replaced __dict__, a dict turned combined, a property, __slots__,
  // __setattr__, a method shadowed or replaced, a module attribute rebound or deleted, a global
  // rebound, deleted or shadowing a builtin, builtins patched, a function's __code__ or __defaults__
  // replaced, __init__ replaced, returning non-None or raising, __new__, a metaclass __call__), and
  // __init__ recursing 500 deep (frames, not JavaScript re-entry). Output from CPython 3.13.0.
  const DEOPT_PROGRAM = readFileSync(new URL('./specialize-deopt.py', import.meta.url), 'utf8');
  const DEOPT_EXPECTED = readFileSync(new URL('./specialize-deopt.expected.txt', import.meta.url), 'utf8');

  it('attribute, global and call forms keep CPython 3.13 results through every deoptimization (on and -X tlbc=0)', async () => {
    for (const xoptions of [[], ['tlbc=0']]) {
      const r = await runProgram({ code: DEOPT_PROGRAM, xoptions });
      expect({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }).toEqual({ stdout: DEOPT_EXPECTED, stderr: '', exitCode: 0 });
    }
  });

  it('after warm-up each attribute, global and call form is in place', () => {
    const warmup = DEOPT_PROGRAM.slice(0, DEOPT_PROGRAM.indexOf('out = []'));
    const { rt, t, dict } = interpreterWith(warmup, {});
    const opcodesOf = (name: string) => {
      const code = codeOf(t, dict, name);
      return opcodesAt(t, (code + CODE_UNITS_OFFSET) >>> 1, t.u32[(code + CODE_SIZE_OFFSET) >>> 2]!);
    };
    expect(opcodesOf('getx')).toContain(LOAD_ATTR_INSTANCE_VALUE);
    expect(opcodesOf('setx')).toContain(STORE_ATTR_INSTANCE_VALUE);
    expect(opcodesOf('call_norm')).toContain(LOAD_ATTR_METHOD_WITH_VALUES);
    expect(opcodesOf('sqrt_of')).toEqual(expect.arrayContaining([LOAD_GLOBAL_MODULE, LOAD_ATTR_MODULE]));
    expect(opcodesOf('glob')).toContain(LOAD_GLOBAL_MODULE);
    expect(opcodesOf('builtin_len')).toContain(LOAD_GLOBAL_BUILTIN);
    rt.close();
    const calls = DEOPT_PROGRAM.slice(DEOPT_PROGRAM.indexOf('# CALL_PY_EXACT_ARGS'), DEOPT_PROGRAM.indexOf("print(call3(add3, 100)"));
    const late = interpreterWith(calls + "class Pt:\n    def __init__(self, x):\n        self.x = x\ndef make(cls, v):\n    return cls(v)\nfor i in range(300):\n    make(Pt, i)\n", {});
    const lateOpcodes = (name: string) => {
      const code = codeOf(late.t, late.dict, name);
      return opcodesAt(late.t, (code + CODE_UNITS_OFFSET) >>> 1, late.t.u32[(code + CODE_SIZE_OFFSET) >>> 2]!);
    };
    expect(lateOpcodes('call3')).toContain(CALL_PY_EXACT_ARGS);
    expect(lateOpcodes('call_bound')).toContain(CALL_PY_EXACT_ARGS);
    expect(lateOpcodes('make')).toContain(CALL_ALLOC_AND_ENTER_INIT);
    late.rt.close();
    const slotsPart = DEOPT_PROGRAM.slice(DEOPT_PROGRAM.indexOf('# LOAD_ATTR_METHOD_NO_DICT on a class'), DEOPT_PROGRAM.indexOf("print(call_norm_slotted(sl))"));
    const slotted = interpreterWith(slotsPart, {});
    const slottedCode = codeOf(slotted.t, slotted.dict, 'call_norm_slotted');
    expect(opcodesAt(slotted.t, (slottedCode + CODE_UNITS_OFFSET) >>> 1, slotted.t.u32[(slottedCode + CODE_SIZE_OFFSET) >>> 2]!)).toContain(LOAD_ATTR_METHOD_NO_DICT);
    slotted.rt.close();
  });
});
