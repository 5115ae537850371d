/**
 * A small `dis` for the codegen test: a dumped code object (ours or
 * CPython's fixture) as one line per instruction — offset, line, opcode
 * name, oparg and what it refers to — followed by the exception table, so
 * that a mismatch shows as a readable diff rather than two hex strings.
 */

import { decodeExceptionTable } from '../../src/compiler/exception-table.js';
import * as op from '../../src/compiler/opcodes.js';

/** The fields of a dumped code object the disassembler reads (the fixture format). */
export interface DumpedCode {
  name: string;
  qualname: string;
  firstlineno: number;
  code: string;
  consts: unknown[];
  names: string[];
  varnames: string[];
  cellvars: string[];
  freevars: string[];
  exceptiontable: string;
  linetable: string;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The source span of each code unit, from the location table (`co_positions`); null where there is none. */
function positionsOf(linetable: Uint8Array, firstlineno: number, units: number): (string | null)[] {
  const out: (string | null)[] = [];
  let line = firstlineno;
  let pos = 0;
  const varint = (): number => {
    let b = linetable[pos++];
    let value = b & 63;
    let shift = 0;
    while (b & 64) {
      b = linetable[pos++];
      shift += 6;
      value |= (b & 63) << shift;
    }
    return value;
  };
  const svarint = (): number => {
    const v = varint();
    return v & 1 ? -(v >> 1) : v >> 1;
  };
  while (pos < linetable.length) {
    const first = linetable[pos++];
    const code = (first >> 3) & 15;
    const length = (first & 7) + 1;
    let here: string | null;
    if (code === 15) {
      here = null;
    } else if (code === 14) {
      line += svarint();
      const endLine = line + varint();
      const col = varint() - 1;
      const endCol = varint() - 1;
      here = `${line}:${col}-${endLine}:${endCol}`;
    } else if (code === 13) {
      line += svarint();
      here = `${line}`;
    } else if (code >= 10) {
      line += code - 10;
      const col = linetable[pos++];
      const endCol = linetable[pos++];
      here = `${line}:${col}-${endCol}`;
    } else {
      const second = linetable[pos++];
      const col = code * 8 + (second >> 4);
      here = `${line}:${col}-${col + (second & 15)}`;
    }
    for (let i = 0; i < length; i++) out.push(here);
  }
  while (out.length < units) out.push(null);
  return out;
}

function constText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (c !== null && typeof c === 'object' && 'code' in c) return `<code ${(c as { code: DumpedCode }).code.qualname}>`;
  return JSON.stringify(c);
}

/** The listing of one code object (nested ones are listed by the caller). */
export function disassemble(co: DumpedCode): string {
  const code = hexBytes(co.code);
  const units = code.length / 2;
  const lines = positionsOf(hexBytes(co.linetable), co.firstlineno, units);
  const localsplus = [...co.varnames, ...co.cellvars.filter((c) => !co.varnames.includes(c)), ...co.freevars];
  const out: string[] = [`${co.qualname} (line ${co.firstlineno})`];
  let ext = 0;
  let lastLine: string | null | undefined;
  for (let i = 0; i < units; ) {
    const opcode = code[2 * i];
    const arg = code[2 * i + 1] | ext;
    const name = op.OPCODE_NAMES[opcode] ?? `<${opcode}>`;
    const caches = op.INLINE_CACHE_ENTRIES[opcode] ?? 0;
    const next = i + 1 + caches;
    let argText = '';
    if (opcode >= op.HAVE_ARGUMENT) {
      argText = String(arg);
      const flags = op.OPCODE_FLAGS[opcode];
      if (opcode === op.LOAD_CONST || opcode === op.RETURN_CONST) argText += ` (${constText(co.consts[arg])})`;
      else if (opcode === op.LOAD_GLOBAL) argText += ` (${co.names[arg >> 1]}${arg & 1 ? ' + NULL' : ''})`;
      else if (opcode === op.LOAD_ATTR) argText += ` (${co.names[arg >> 1]}${arg & 1 ? ' + method' : ''})`;
      else if (opcode === op.LOAD_SUPER_ATTR) argText += ` (${co.names[arg >> 2]})`;
      else if (flags & op.HAS_NAME_FLAG) argText += ` (${co.names[arg]})`;
      else if (opcode === op.LOAD_FAST_LOAD_FAST || opcode === op.STORE_FAST_LOAD_FAST || opcode === op.STORE_FAST_STORE_FAST) {
        argText += ` (${localsplus[arg >> 4]}, ${localsplus[arg & 15]})`;
      } else if (flags & (op.HAS_LOCAL_FLAG | op.HAS_FREE_FLAG)) argText += ` (${localsplus[arg]})`;
      else if (flags & op.HAS_JUMP_FLAG) {
        const backward = opcode === op.JUMP_BACKWARD || opcode === op.JUMP_BACKWARD_NO_INTERRUPT;
        argText += ` (to ${2 * (backward ? next - arg : next + arg)})`;
      }
    }
    const line = lines[i];
    const lineText = line === lastLine ? '' : line ?? '--';
    lastLine = line;
    out.push(`${String(2 * i).padStart(5)} ${lineText.padEnd(13)} ${name} ${argText}`.trimEnd());
    ext = opcode === op.EXTENDED_ARG ? arg << 8 : 0;
    i = next;
  }
  const table = decodeExceptionTable(hexBytes(co.exceptiontable));
  if (table.length > 0) {
    out.push('ExceptionTable:');
    for (const e of table) out.push(`  ${2 * e.start} to ${2 * e.end} -> ${2 * e.target} [${e.depth}]${e.lasti ? ' lasti' : ''}`);
  }
  return out.join('\n');
}
