/**
 * A compiled code object as plain TypeScript data, CPython 3.13's
 * `PyCodeObject` (`Include/cpython/code.h`) before it is made into a heap
 * object: what the assembler (`assemble.ts`) produces and the VM will load.
 *
 * Constants are tagged values ({@link ConstValue}), nested functions'
 * code included, so that this layer needs no object heap.
 */

/** `co_flags` bits (`Include/cpython/code.h`). */
export const CO_OPTIMIZED = 0x0001;
export const CO_NEWLOCALS = 0x0002;
export const CO_VARARGS = 0x0004;
export const CO_VARKEYWORDS = 0x0008;
export const CO_NESTED = 0x0010;
export const CO_GENERATOR = 0x0020;
export const CO_COROUTINE = 0x0080;
export const CO_ITERABLE_COROUTINE = 0x0100;
export const CO_ASYNC_GENERATOR = 0x0200;

/** `co_localspluskinds` bits (`Include/internal/pycore_code.h`). */
export const CO_FAST_HIDDEN = 0x10;
export const CO_FAST_LOCAL = 0x20;
export const CO_FAST_CELL = 0x40;
export const CO_FAST_FREE = 0x80;

/** A Python `int`: exact, whatever its size. */
export interface IntConst {
  readonly type: 'int';
  readonly value: bigint;
}

/** A constant of a code object (`co_consts` items), by Python type. */
export type ConstValue =
  | { readonly type: 'None' }
  | { readonly type: 'Ellipsis' }
  | { readonly type: 'bool'; readonly value: boolean }
  | IntConst
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'complex'; readonly real: number; readonly imag: number }
  | { readonly type: 'str'; readonly value: string }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'tuple'; readonly items: readonly ConstValue[] }
  | { readonly type: 'frozenset'; readonly items: readonly ConstValue[] }
  | { readonly type: 'code'; readonly code: CodeUnit };

/** The code object. Field names are CPython's. */
export interface CodeUnit {
  readonly co_argcount: number;
  readonly co_posonlyargcount: number;
  readonly co_kwonlyargcount: number;
  /** The deepest the value stack gets (computed over every path, as CPython does). */
  readonly co_stacksize: number;
  readonly co_flags: number;
  readonly co_firstlineno: number;
  /** The code units, little-endian: byte 2k is the opcode, 2k+1 the oparg (view as a `Uint16Array` on little-endian hosts). */
  readonly co_code: Uint8Array;
  readonly co_consts: readonly ConstValue[];
  readonly co_names: readonly string[];
  /** Locals, then cells that are not arguments, then free variables. */
  readonly co_localsplusnames: readonly string[];
  /** One `CO_FAST_*` combination per name of {@link co_localsplusnames}. */
  readonly co_localspluskinds: Uint8Array;
  readonly co_filename: string;
  readonly co_name: string;
  readonly co_qualname: string;
  /** The 3.11+ location table (`Objects/locations.md`). */
  readonly co_linetable: Uint8Array;
  /** The zero-cost exception table (`Objects/exception_handling_notes.txt`). */
  readonly co_exceptiontable: Uint8Array;
}

function namesOfKind(code: CodeUnit, kind: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < code.co_localsplusnames.length; i++) {
    if (code.co_localspluskinds[i] & kind) out.push(code.co_localsplusnames[i]);
  }
  return out;
}

/** `co_varnames`: the fast locals (arguments first). */
export function varnamesOf(code: CodeUnit): string[] {
  return namesOfKind(code, CO_FAST_LOCAL);
}

/** `co_cellvars`: locals that live in cells (arguments included). */
export function cellvarsOf(code: CodeUnit): string[] {
  return namesOfKind(code, CO_FAST_CELL);
}

/** `co_freevars`: the closure's variables. */
export function freevarsOf(code: CodeUnit): string[] {
  return namesOfKind(code, CO_FAST_FREE);
}
