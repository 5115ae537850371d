/**
 * The symbol table's second pass, CPython 3.13's `symtable_analyze`
 * (`Python/symtable.c`): from the raw flags of every name in every block,
 * decide each name's scope — local, cell, free, explicit or implicit global.
 *
 * Blocks are analyzed from the module down. Each block receives from its
 * parent the names bound in enclosing functions (`bound`) and the names
 * declared global (`global`); it returns the names its children use freely
 * (`free`). A name a child uses freely and this block binds becomes a cell
 * here; one this block does not bind travels up as free. Classes are
 * transparent to their methods: what a class binds is not visible to them,
 * except `__class__`, which the class provides as a cell when a method asks.
 *
 * A list, set or dict comprehension (not a generator expression) is analyzed
 * as a block of its own and then inlined into its parent (PEP 709): its names
 * join the parent's symbols, its children become the parent's children.
 *
 * Errors found here (nonlocal names without binding, `nonlocal` at module
 * level, a name both nonlocal and global) are placed at the statement that
 * declared the name.
 */

import { PySyntaxError } from '../parser/syntax-error.js';
import { BlockType, DEF_BOUND, DEF_COMP_CELL, DEF_FREE_CLASS, DEF_GLOBAL, DEF_NONLOCAL, DEF_PARAM, flagsOfSymbol, Scope, SCOPE_OFFSET, scopeOfSymbol } from './scope.js';
import type { SymtableEntry } from './symtable-entry.js';

/** Analyzes the whole table below `top` (a module block) in place. */
export function analyzeSymtable(top: SymtableEntry, filename: string): void {
  analyzeBlock(top, null, new Set(), new Set(), null, filename);
}

/** `error_at_directive`: raise `msg` at the first `global`/`nonlocal` that declared `name`. */
function errorAtDirective(ste: SymtableEntry, name: string, msg: string, filename: string): never {
  for (const directive of ste.directives ?? []) {
    if (directive.name === name) {
      const s = directive.span;
      throw new PySyntaxError('SyntaxError', msg, filename, s.lineno, s.col_offset + 1, s.end_lineno, s.end_col_offset + 1, null);
    }
  }
  throw new Error('BUG: internal directive bookkeeping broken');
}

/**
 * `analyze_name`: the scope of one name of `ste`, from its flags and what the
 * enclosing blocks provide. Updates `local`, `free` and `global` (the
 * caller's copies) as CPython does.
 */
function analyzeName(
  ste: SymtableEntry,
  scopes: Map<string, Scope>,
  name: string,
  flags: number,
  bound: Set<string> | null,
  local: Set<string>,
  free: Set<string>,
  global: Set<string>,
  classEntry: SymtableEntry | null,
  filename: string,
): void {
  if (flags & DEF_GLOBAL) {
    if (flags & DEF_NONLOCAL) errorAtDirective(ste, name, `name '${name}' is nonlocal and global`, filename);
    scopes.set(name, Scope.GlobalExplicit);
    global.add(name);
    bound?.delete(name);
    return;
  }
  if (flags & DEF_NONLOCAL) {
    if (bound === null) errorAtDirective(ste, name, 'nonlocal declaration not allowed at module level', filename);
    if (!bound.has(name)) errorAtDirective(ste, name, `no binding for nonlocal '${name}' found`, filename);
    scopes.set(name, Scope.Free);
    ste.free = true;
    free.add(name);
    return;
  }
  if (flags & DEF_BOUND) {
    scopes.set(name, Scope.Local);
    local.add(name);
    global.delete(name);
    return;
  }
  // A PEP 695 scope inside a class sees the class's own bindings first,
  // then the globals, never an outer function's binding of the same name.
  if (classEntry !== null) {
    const classFlags = classEntry.getSymbol(name);
    if (classFlags & DEF_GLOBAL) {
      scopes.set(name, Scope.GlobalExplicit);
      return;
    }
    if (classFlags & DEF_BOUND && !(classFlags & DEF_NONLOCAL)) {
      scopes.set(name, Scope.GlobalImplicit);
      return;
    }
  }
  if (bound !== null && bound.has(name)) {
    scopes.set(name, Scope.Free);
    ste.free = true;
    free.add(name);
    return;
  }
  if (global.has(name)) {
    scopes.set(name, Scope.GlobalImplicit);
    return;
  }
  // A nested block that reads a global still counts as having free
  // variables (CPython keeps this historical meaning of ste_free).
  if (ste.nested) ste.free = true;
  scopes.set(name, Scope.GlobalImplicit);
}

/** `is_free_in_any_child`. */
function isFreeInAnyChild(entry: SymtableEntry, name: string): boolean {
  return entry.children.some((child) => child.getScope(name) === Scope.Free);
}

/**
 * `inline_comprehension`: merge the analyzed comprehension `comp` into `ste`.
 * Its names that `ste` does not have are copied with their flags and scope;
 * its cells are remembered (`inlinedCells`) so that `ste` makes them cells
 * too. A name free in the comprehension that `ste` binds (a function, not a
 * class) is no longer free, unless a block nested in the comprehension
 * needs it as a closure.
 */
function inlineComprehension(ste: SymtableEntry, comp: SymtableEntry, scopes: Map<string, Scope>, compFree: Set<string>, inlinedCells: Set<string>): void {
  let removeDunderClass = false;
  for (const [name, compSymbol] of comp.symbols) {
    if (compSymbol & DEF_PARAM) continue; // the implicit `.0`
    let scope = scopeOfSymbol(compSymbol) as Scope;
    const onlyFlags = flagsOfSymbol(compSymbol);
    if (scope === Scope.Cell || onlyFlags & DEF_COMP_CELL) inlinedCells.add(name);
    const existing = ste.symbols.get(name);
    // `__class__` never goes free through a class body (see dropClassFree):
    // in a class, a comprehension's `__class__` is looked up as a global.
    if (scope === Scope.Free && ste.type === BlockType.Class && name === '__class__') {
      scope = Scope.GlobalImplicit;
      compFree.delete(name);
      removeDunderClass = true;
    }
    if (existing === undefined) {
      ste.symbols.set(name, onlyFlags);
      scopes.set(name, scope);
    } else if (existing & DEF_BOUND && ste.type !== BlockType.Class) {
      if (!isFreeInAnyChild(comp, name)) compFree.delete(name);
    }
  }
  if (removeDunderClass) comp.symbols.delete('__class__');
}

/** `analyze_cells`: locals that children use freely become cells, and are free no more. */
function analyzeCells(scopes: Map<string, Scope>, free: Set<string>, inlinedCells: Set<string>): void {
  for (const [name, scope] of scopes) {
    if (scope !== Scope.Local) continue;
    if (!free.has(name) && !inlinedCells.has(name)) continue;
    scopes.set(name, Scope.Cell);
    free.delete(name);
  }
}

/** `drop_class_free`: `__class__` (and `__classdict__`) free in methods are provided by the class itself. */
function dropClassFree(ste: SymtableEntry, free: Set<string>): void {
  if (free.delete('__class__')) ste.needsClassClosure = true;
  if (free.delete('__classdict__')) ste.needsClassdict = true;
}

/**
 * `update_symbols`: store each name's scope in its value, and add the names
 * that are free in children and pass through this block (free here too,
 * unless nothing encloses a binding: then they are globals and not added).
 * In a class, a name free in a method that the class also has is marked
 * `DEF_FREE_CLASS`.
 */
function updateSymbols(
  symbols: Map<string, number>,
  scopes: Map<string, Scope>,
  bound: Set<string> | null,
  free: Set<string>,
  inlinedCells: Set<string>,
  classFlag: boolean,
): void {
  for (const [name, value] of symbols) {
    let flags = value;
    if (inlinedCells.has(name)) flags |= DEF_COMP_CELL;
    const scope = scopes.get(name);
    if (scope === undefined) throw new Error(`BUG: symbol ${name} has no scope`);
    symbols.set(name, flags | (scope << SCOPE_OFFSET));
  }
  for (const name of free) {
    const value = symbols.get(name);
    if (value !== undefined) {
      if (classFlag) symbols.set(name, value | DEF_FREE_CLASS);
      continue;
    }
    if (bound !== null && !bound.has(name)) continue;
    symbols.set(name, Scope.Free << SCOPE_OFFSET);
  }
}

/** `analyze_block`: analyze `ste` and, recursively, its children; adds the names free in `ste` to `free`. */
function analyzeBlock(ste: SymtableEntry, bound: Set<string> | null, free: Set<string>, global: Set<string>, classEntry: SymtableEntry | null, filename: string): void {
  const local = new Set<string>();
  const scopes = new Map<string, Scope>();
  const newGlobal = new Set<string>();
  const newFree = new Set<string>();
  const newBound = new Set<string>();
  const inlinedCells = new Set<string>();
  const isClass = ste.type === BlockType.Class;

  // A class's own bindings are invisible to its methods: what they see is
  // what enclosed the class, taken before the class's names are analyzed.
  if (isClass) {
    for (const name of global) newGlobal.add(name);
    if (bound !== null) for (const name of bound) newBound.add(name);
  }
  for (const [name, flags] of ste.symbols) analyzeName(ste, scopes, name, flags, bound, local, free, global, classEntry, filename);
  if (!isClass) {
    if (ste.isFunctionLike()) for (const name of local) newBound.add(name);
    if (bound !== null) for (const name of bound) newBound.add(name);
    for (const name of global) newGlobal.add(name);
  } else {
    newBound.add('__class__');
    newBound.add('__classdict__');
  }

  for (const entry of ste.children) {
    let newClassEntry: SymtableEntry | null = null;
    if (entry.canSeeClassScope) newClassEntry = isClass ? ste : classEntry;
    const inline = entry.comprehension !== 0 && !entry.generator;
    // The child starts from the free names gathered so far (CPython copies
    // the set), so inlining can only drop names this comprehension added.
    const childFree = new Set(newFree);
    analyzeBlock(entry, new Set(newBound), childFree, new Set(newGlobal), newClassEntry, filename);
    if (inline) {
      inlineComprehension(ste, entry, scopes, childFree, inlinedCells);
      entry.compInlined = true;
    }
    for (const name of childFree) newFree.add(name);
    if (entry.free || entry.childFree) ste.childFree = true;
  }

  // An inlined comprehension leaves the tree; its children take its place.
  for (let i = ste.children.length - 1; i >= 0; i--) {
    const entry = ste.children[i];
    if (entry.compInlined) ste.children.splice(i, 1, ...entry.children);
  }

  if (ste.isFunctionLike()) analyzeCells(scopes, newFree, inlinedCells);
  else if (isClass) dropClassFree(ste, newFree);
  updateSymbols(ste.symbols, scopes, bound, newFree, inlinedCells, isClass || ste.canSeeClassScope);
  for (const name of newFree) free.add(name);
}
