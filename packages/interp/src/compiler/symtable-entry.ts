/**
 * One block of the symbol table: a module, class, function, lambda or
 * comprehension, CPython 3.13's `PySTEntryObject` (`pycore_symtable.h`).
 * The first pass (`symtable.ts`) fills in the raw flags of each name and the
 * facts about the block; the analysis (`symtable-analysis.ts`) adds each
 * name's scope and the facts that depend on other blocks (free variables,
 * cells, the class closure, inlined comprehensions).
 */

import { BlockType, ComprehensionType, scopeOfSymbol, type Scope } from './scope.js';

/** A source span in the AST's units (lines from 1, columns in UTF-8 bytes from 0). */
export interface SourceSpan {
  lineno: number;
  col_offset: number;
  end_lineno: number;
  end_col_offset: number;
}

/** Where a `global` or `nonlocal` declared a name (CPython's `ste_directives` tuples), for errors found by the analysis. */
export interface Directive {
  /** The mangled name. */
  readonly name: string;
  readonly span: SourceSpan;
}

/** `PySTEntryObject`. */
export class SymtableEntry {
  /** `ste_symbols`: (mangled) name → flags, and the scope once analyzed, in first-seen order. */
  readonly symbols = new Map<string, number>();
  /** `ste_varnames`: the parameters in order (positional-only, positional, keyword-only, `*args`, `**kwargs`). */
  readonly varnames: string[] = [];
  /** `ste_children`: nested blocks in source order; after analysis an inlined comprehension is replaced by its own children. */
  children: SymtableEntry[] = [];
  /** `ste_directives`. */
  directives: Directive[] | null = null;

  /** `ste_nested`: inside a function (at any depth). */
  nested = false;
  /** `ste_free`: the block has free variables (or, nested, refers to globals). */
  free = false;
  /** `ste_child_free`: a child block has free variables. */
  childFree = false;
  /** `ste_generator`: has `yield`, or is a generator expression. */
  generator = false;
  /** `ste_coroutine`: `async def`, has `await`, or is an async comprehension. */
  coroutine = false;
  /** `ste_comprehension`. */
  comprehension: ComprehensionType = ComprehensionType.None;
  /** `ste_varargs`: has `*args`. */
  varargs = false;
  /** `ste_varkeywords`: has `**kwargs`. */
  varkeywords = false;
  /** `ste_returns_value`: has `return` with a value. */
  returnsValue = false;
  /** `ste_needs_class_closure`: a class whose methods use `__class__` (or `super()`): the class body makes the cell. */
  needsClassClosure = false;
  /** `ste_needs_classdict`: a class whose annotation scopes read its namespace (PEP 695; never set here). */
  needsClassdict = false;
  /** `ste_comp_inlined`: a list/set/dict comprehension inlined into its parent (PEP 709). */
  compInlined = false;
  /** `ste_comp_iter_target`: while visiting a comprehension's iteration target. */
  compIterTarget = false;
  /** `ste_can_see_class_scope`: an annotation scope that reads the enclosing class's names (PEP 695; never set here). */
  canSeeClassScope = false;
  /** `ste_comp_iter_expr`: while visiting a comprehension's iterable expression (inherited by nested blocks). */
  compIterExpr = 0;

  constructor(
    /** `ste_name`: the function or class name, or `top`, `lambda`, `genexpr`, `listcomp`, `setcomp`, `dictcomp`. */
    readonly name: string,
    /** `ste_type`. */
    readonly type: BlockType,
    /** The AST node the block belongs to (CPython's `ste_id` is its address). */
    readonly key: object,
    /** `ste_lineno` … `ste_end_col_offset`: the node's span (0s for the module). */
    readonly span: SourceSpan,
  ) {}

  /** `ste_lineno`. */
  get lineno(): number {
    return this.span.lineno;
  }

  /** `_PyST_GetSymbol`: the name's value, 0 when the block does not know it. */
  getSymbol(name: string): number {
    return this.symbols.get(name) ?? 0;
  }

  /** `_PyST_GetScope`: the name's scope, 0 when unknown or not yet analyzed. */
  getScope(name: string): Scope | 0 {
    return scopeOfSymbol(this.getSymbol(name));
  }

  /** `_PyST_IsFunctionLike`: a function or one of the PEP 695 blocks, which work like functions. */
  isFunctionLike(): boolean {
    return this.type === BlockType.Function || this.type === BlockType.TypeVariable || this.type === BlockType.TypeAlias || this.type === BlockType.TypeParameters;
  }
}
