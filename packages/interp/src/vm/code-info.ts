/**
 * What the eval loop needs to know about a code object beyond its code
 * units, decoded once per thread and cached: the exception table
 * (`get_exception_handler`) and the line of an instruction
 * (`PyCode_Addr2Line`, reading the 3.11+ location table). Code objects
 * never change once made; a cache entry is keyed by address and checked
 * against `co_version` (unique per code object), so a freed code object's
 * address reused by another is not confused with it.
 */

import { bytesAsUint8Array, codeVersion, CODE_EXCEPTIONTABLE_OFFSET, CODE_FIRSTLINENO_OFFSET, CODE_LINETABLE_OFFSET, type ObThread } from '@ft/objects';
import { decodeExceptionTable, type ExceptionTableEntry } from '../compiler/exception-table.js';

/** Decoded tables of one code object. */
export interface CodeInfo {
  readonly version: number;
  readonly handlers: readonly ExceptionTableEntry[];
  /** Line of each code unit (-1: none), decoded on first use. */
  lines: Int32Array | null;
}

const caches = new WeakMap<ObThread, Map<number, CodeInfo>>();

/** The decoded tables of `code`. */
export function codeInfo(t: ObThread, code: number): CodeInfo {
  let cache = caches.get(t);
  if (cache === undefined) {
    cache = new Map();
    caches.set(t, cache);
  }
  const version = codeVersion(t, code);
  let info = cache.get(code);
  if (info === undefined || info.version !== version) {
    const table = bytesAsUint8Array(t, t.u32[(code + CODE_EXCEPTIONTABLE_OFFSET) >>> 2]!);
    info = { version, handlers: decodeExceptionTable(table), lines: null };
    cache.set(code, info);
  }
  return info;
}

/** `get_exception_handler`: the innermost entry covering code unit `index`, or null. */
export function findHandler(t: ObThread, code: number, index: number): ExceptionTableEntry | null {
  for (const entry of codeInfo(t, code).handlers) {
    // Entries are sorted by start and do not overlap (the assembler's order).
    if (index < entry.start) return null;
    if (index < entry.end) return entry;
  }
  return null;
}

/** Decodes the location table into a line per code unit. */
function decodeLines(table: Uint8Array, firstLine: number, units: number): Int32Array {
  const lines = new Int32Array(units).fill(-1);
  let pos = 0;
  let line = firstLine;
  let unit = 0;
  const varint = (): number => {
    let b = table[pos++]!;
    let value = b & 0x3f;
    let shift = 6;
    while (b & 0x40) {
      b = table[pos++]!;
      value |= (b & 0x3f) << shift;
      shift += 6;
    }
    return value;
  };
  const signedVarint = (): number => {
    const v = varint();
    return v & 1 ? -(v >>> 1) : v >>> 1;
  };
  while (pos < table.length && unit < units) {
    const first = table[pos++]!;
    const code = (first >> 3) & 15;
    const length = (first & 7) + 1;
    let here = line;
    if (code === 15) here = -1;
    else if (code === 14) {
      line += signedVarint();
      here = line;
      varint();
      varint();
      varint();
    } else if (code === 13) {
      line += signedVarint();
      here = line;
    } else if (code >= 10) {
      line += code - 10;
      here = line;
      pos += 2;
    } else {
      pos += 1;
    }
    for (let i = 0; i < length && unit < units; i++) lines[unit++] = here;
  }
  return lines;
}

/** `PyCode_Addr2Line`: the source line of code unit `index` (-1: none). */
export function lineOf(t: ObThread, code: number, index: number, units: number): number {
  const info = codeInfo(t, code);
  if (info.lines === null) {
    const table = bytesAsUint8Array(t, t.u32[(code + CODE_LINETABLE_OFFSET) >>> 2]!);
    info.lines = decodeLines(table, t.i32[(code + CODE_FIRSTLINENO_OFFSET) >>> 2]!, units);
  }
  return index >= 0 && index < info.lines.length ? info.lines[index]! : -1;
}
