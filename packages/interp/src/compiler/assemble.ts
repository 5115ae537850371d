/**
 * From a finished compiler unit to a code object, CPython 3.13's
 * `optimize_and_assemble_code_unit` (`Python/compile.c`) and
 * `_PyAssemble_MakeCodeObject` (`Python/assemble.c`): the flow-graph passes,
 * then jump offsets (relative, in code units, counted from the end of the
 * jump and its caches, with `EXTENDED_ARG` prefixes until the sizes settle),
 * the code units with their inline caches, the location table, the
 * exception table, and the locals-plus names and kinds.
 */

import { CO_FAST_CELL, CO_FAST_FREE, CO_FAST_HIDDEN, CO_FAST_LOCAL, type CodeUnit } from './code-unit.js';
import type { CompilerUnit } from './compiler-unit.js';
import { encodeExceptionTable, type ExceptionTableEntry } from './exception-table.js';
import { CfgBuilder, hasJump, instrSize, type AssemblerInstr } from './flowgraph.js';
import { sameLocation, type Location } from './instruction-sequence.js';
import { LocationTableWriter } from './location-table.js';
import * as op from './opcodes.js';

/** `resolve_jump_offsets`: instruction offsets, and jump opargs as relative distances. */
function resolveJumpOffsets(instrs: AssemblerInstr[]): void {
  let recompile: boolean;
  do {
    let totsize = 0;
    for (const instr of instrs) {
      instr.offset = totsize;
      totsize += instrSize(instr.opcode, instr.oparg);
    }
    recompile = false;
    let offset = 0;
    for (const instr of instrs) {
      const isize = instrSize(instr.opcode, instr.oparg);
      offset += isize;
      if (hasJump(instr.opcode)) {
        const target = instrs[instr.target].offset;
        instr.oparg = target < offset ? offset - target : target - offset;
        if (instrSize(instr.opcode, instr.oparg) !== isize) recompile = true;
      }
    }
  } while (recompile);
}

/** `write_instr` for every instruction: EXTENDED_ARG prefixes, the instruction, its CACHE units. */
function emitCode(instrs: AssemblerInstr[]): Uint8Array {
  let total = 0;
  for (const i of instrs) total += instrSize(i.opcode, i.oparg);
  const code = new Uint8Array(total * 2);
  let pos = 0;
  for (const instr of instrs) {
    const oparg = instr.oparg;
    const caches = op.INLINE_CACHE_ENTRIES[instr.opcode];
    const ilen = instrSize(instr.opcode, oparg) - caches;
    for (let shift = (ilen - 1) * 8; shift > 0; shift -= 8) {
      code[pos++] = op.EXTENDED_ARG;
      code[pos++] = (oparg >> shift) & 0xff;
    }
    code[pos++] = instr.opcode;
    code[pos++] = oparg & 0xff;
    pos += caches * 2;
  }
  return code;
}

/** `assemble_location_info`. */
function locationTable(instrs: AssemblerInstr[], firstlineno: number): Uint8Array {
  const w = new LocationTableWriter(firstlineno);
  let loc: Location | null = null;
  let size = 0;
  for (const instr of instrs) {
    if (loc === null || !sameLocation(loc, instr.loc)) {
      if (loc !== null) w.emit(loc, size);
      loc = instr.loc;
      size = 0;
    }
    size += instrSize(instr.opcode, instr.oparg);
  }
  if (loc !== null) w.emit(loc, size);
  return w.bytes();
}

/** `assemble_exception_table`: one entry per run of instructions with the same handler. */
function exceptionTable(instrs: AssemblerInstr[]): Uint8Array {
  const entries: ExceptionTableEntry[] = [];
  let ioffset = 0;
  let handler: AssemblerInstr['handler'] = null;
  let start = -1;
  const flush = (end: number): void => {
    if (handler === null) return;
    let depth = handler.startdepth - 1;
    if (handler.preserveLasti) depth -= 1;
    entries.push({ start, end, target: instrs[handler.index].offset, depth, lasti: handler.preserveLasti });
  };
  for (const instr of instrs) {
    const h = instr.handler;
    if ((h?.index ?? -1) !== (handler?.index ?? -1)) {
      flush(ioffset);
      start = ioffset;
      handler = h;
    }
    ioffset += instrSize(instr.opcode, instr.oparg);
  }
  flush(ioffset);
  return encodeExceptionTable(entries);
}

/**
 * Optimizes and assembles the unit (its sequence ends with a return). The
 * unit's constant table is not changed: the code object gets its own list.
 */
export function assembleCodeUnit(u: CompilerUnit, codeFlags: number, filename: string): CodeUnit {
  const consts = [...u.consts.values];
  const g = CfgBuilder.fromSequence(u.seq);
  const nlocals = u.varnames.size;
  const nparams = u.ste.varnames.length;
  g.optimizeCodeUnit(consts, nlocals, nparams, u.firstlineno);
  const stacksize = g.calculateStackdepth();
  const umd = { varnames: u.varnames, cellvars: u.cellvars, freevars: u.freevars, firstlineno: u.firstlineno };
  const nlocalsplus = g.prepareLocalsplus(umd, codeFlags);
  g.convertPseudoOps();
  g.normalizeJumps();
  const instrs = g.toInstructions();
  resolveJumpOffsets(instrs);

  // compute_localsplus_info.
  const names: string[] = new Array(nlocalsplus);
  const kinds = new Uint8Array(nlocalsplus);
  for (const [name, offset] of u.varnames.map) {
    let kind = CO_FAST_LOCAL;
    if (u.fasthidden.has(name)) kind |= CO_FAST_HIDDEN;
    if (u.cellvars.has(name)) kind |= CO_FAST_CELL;
    names[offset] = name;
    kinds[offset] = kind;
  }
  let numdropped = 0;
  for (const [name, index] of u.cellvars.map) {
    if (u.varnames.has(name)) {
      numdropped++;
      continue;
    }
    const offset = index + nlocals - numdropped;
    names[offset] = name;
    kinds[offset] = CO_FAST_CELL;
  }
  for (const [name, index] of u.freevars.map) {
    const offset = index + nlocals - numdropped;
    names[offset] = name;
    kinds[offset] = CO_FAST_FREE;
  }

  return {
    co_argcount: u.posonlyargcount + u.argcount,
    co_posonlyargcount: u.posonlyargcount,
    co_kwonlyargcount: u.kwonlyargcount,
    co_stacksize: stacksize,
    co_flags: codeFlags,
    co_firstlineno: u.firstlineno,
    co_code: emitCode(instrs),
    co_consts: consts,
    co_names: u.names.ordered(),
    co_localsplusnames: names,
    co_localspluskinds: kinds,
    co_filename: filename,
    co_name: u.name,
    co_qualname: u.qualname,
    co_linetable: locationTable(instrs, u.firstlineno),
    co_exceptiontable: exceptionTable(instrs),
  };
}
