/**
 * Our code units dumped in the fixture format of
 * tools/compiler/gen_codegen_fixtures.py (which dumps CPython's code
 * objects), so that the two compare as JSON.
 */

import { cellvarsOf, freevarsOf, varnamesOf, type CodeUnit, type ConstValue } from '../../src/compiler/code-unit.js';
import { constRepr } from '../../src/compiler/constant.js';
import type { DumpedCode } from './disassemble.js';

export interface FullDump extends DumpedCode {
  argcount: number;
  posonlyargcount: number;
  kwonlyargcount: number;
  flags: number;
  stacksize: number;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function needsStructure(c: ConstValue): boolean {
  return c.type === 'code' || c.type === 'frozenset';
}

function dumpConst(c: ConstValue): unknown {
  if (c.type === 'code') return { code: dumpCode(c.code) };
  if (c.type === 'frozenset') return { frozenset: c.items.map(constRepr).sort(byCodePoint) };
  if (c.type === 'tuple' && c.items.some(needsStructure)) return { tuple: c.items.map(dumpConst) };
  return constRepr(c);
}

export function dumpCode(co: CodeUnit): FullDump {
  return {
    name: co.co_name,
    qualname: co.co_qualname,
    firstlineno: co.co_firstlineno,
    argcount: co.co_argcount,
    posonlyargcount: co.co_posonlyargcount,
    kwonlyargcount: co.co_kwonlyargcount,
    flags: co.co_flags,
    stacksize: co.co_stacksize,
    code: hex(co.co_code),
    consts: co.co_consts.map(dumpConst),
    names: [...co.co_names],
    varnames: varnamesOf(co),
    cellvars: cellvarsOf(co),
    freevars: freevarsOf(co),
    exceptiontable: hex(co.co_exceptiontable),
    linetable: hex(co.co_linetable),
  };
}

/** Every code object of a dump, depth first (the module first). */
export function allCodes(d: FullDump): FullDump[] {
  const out = [d];
  const visit = (c: unknown): void => {
    if (c === null || typeof c !== 'object') return;
    if ('code' in c) out.push(...allCodes((c as { code: FullDump }).code));
    else if ('tuple' in c) for (const x of (c as { tuple: unknown[] }).tuple) visit(x);
  };
  for (const c of d.consts) visit(c);
  return out;
}
