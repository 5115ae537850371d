/**
 * The symbol table's vocabulary (CPython 3.13 `Include/internal/pycore_symtable.h`):
 * the kinds of block, the per-name flags collected from the source, and the
 * scopes the analysis resolves them to.
 *
 * A symbol's value is one integer, as in CPython's `ste_symbols`: the flags in
 * the low bits and, once the block is analyzed, its scope shifted left by
 * {@link SCOPE_OFFSET}. The values are CPython's, so a table dumped from here
 * compares bit for bit with the `_symtable` module's.
 */

/** `_Py_block_ty`: what kind of namespace a block is (CPython's numbering, as `_symtable.TYPE_*`). */
export enum BlockType {
  /** A `def`, `async def`, `lambda` or comprehension. */
  Function = 0,
  Class = 1,
  Module = 2,
  /** Annotations under `from __future__ import annotations`: visited, never evaluated, not a child. */
  Annotation = 3,
  /** PEP 695 blocks: never built here (type parameters are refused). */
  TypeAlias = 4,
  TypeParameters = 5,
  TypeVariable = 6,
}

/** `_Py_comprehension_ty`. @see SymtableEntry.comprehension */
export enum ComprehensionType {
  None = 0,
  List = 1,
  Dict = 2,
  Set = 3,
  Generator = 4,
}

/** `global` statement (or a walrus in a module-level comprehension). */
export const DEF_GLOBAL = 1;
/** Assigned in the block (any store or delete target, `def`/`class` name, `except … as`, pattern capture). */
export const DEF_LOCAL = 2;
/** A parameter (including a comprehension's implicit `.0`). */
export const DEF_PARAM = 4;
/** `nonlocal` statement (or a walrus target seen from inside a comprehension). */
export const DEF_NONLOCAL = 8;
/** Read in the block. */
export const USE = 16;
/** Declared by CPython, never set by its symbol table (kept for the bit layout). */
export const DEF_FREE = 32;
/** In a class: the name is free in a method and also bound or global in the class body. */
export const DEF_FREE_CLASS = 64;
/** Bound by an import. */
export const DEF_IMPORT = 128;
/** Has a variable annotation (`x: int`). */
export const DEF_ANNOT = 256;
/** An iteration variable of a comprehension. */
export const DEF_COMP_ITER = 512;
/** A PEP 695 type parameter (never set here). */
export const DEF_TYPE_PARAM = 1024;
/** A cell of an inlined comprehension, kept on the enclosing block's symbol. */
export const DEF_COMP_CELL = 2048;

/** The flags that make a name local to its block. */
export const DEF_BOUND = DEF_LOCAL | DEF_PARAM | DEF_IMPORT;

/** Where the scope sits in a symbol's value. */
export const SCOPE_OFFSET = 12;
/** The scope's bits once shifted down (CPython reuses the four low flags' mask). */
export const SCOPE_MASK = DEF_GLOBAL | DEF_LOCAL | DEF_PARAM | DEF_NONLOCAL;

/** The scope a name resolves to; 0 before analysis. */
export enum Scope {
  Local = 1,
  GlobalExplicit = 2,
  GlobalImplicit = 3,
  Free = 4,
  Cell = 5,
}

/** The scope part of a symbol's value (CPython's `SYMBOL_TO_SCOPE`). */
export function scopeOfSymbol(symbol: number): Scope | 0 {
  return (symbol >> SCOPE_OFFSET) & SCOPE_MASK;
}

/** The flag part of a symbol's value (without the scope). */
export function flagsOfSymbol(symbol: number): number {
  return symbol & ((1 << SCOPE_OFFSET) - 1);
}
