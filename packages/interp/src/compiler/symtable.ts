/**
 * The symbol table, CPython 3.13's `_PySymtable_Build` (`Python/symtable.c`):
 * for each block of a module (the module, classes, functions, lambdas,
 * comprehensions) the names it uses and binds, and — after the analysis in
 * `symtable-analysis.ts` — the scope of each, which tells the compiler which
 * instruction reads or writes it (`LOAD_FAST`, `LOAD_DEREF`, `LOAD_GLOBAL`,
 * `LOAD_NAME`…) and which variables need cells.
 *
 * This file is the first pass: a walk over the AST that records raw facts
 * (the name is assigned here, read here, a parameter, declared global…) and
 * raises the errors that need only what was seen so far (a parameter declared
 * global, a name used before its `global` statement, a duplicate argument,
 * misplaced `import *`, the walrus rules of comprehensions).
 *
 * Differences from CPython: PEP 695 type parameters and `type` statements
 * are refused with a SyntaxError ("type parameters are not supported yet"):
 * their annotation scopes are not built. `'yield'`/`'await' outside
 * function`, `__debug__` assignments and the placement of future imports
 * are the compiler's errors in 3.13, as in CPython, not this pass's.
 */

import {
  ExprContext,
  NodeType,
  type Alias,
  type Arg,
  type Arguments,
  type Attribute,
  type BinOp,
  type Call,
  type Comprehension,
  type ExceptHandler,
  type ExprNode,
  type Located,
  type ModNode,
  type PatternNode,
  type StmtNode,
  type Subscript,
} from '../parser/ast.js';
import { PySyntaxError } from '../parser/syntax-error.js';
import { PyCompilerRecursionError } from './compiler-recursion-error.js';
import { CO_FUTURE_ANNOTATIONS, type FutureFeatures } from './future.js';
import { mangle } from './mangle.js';
import {
  BlockType,
  ComprehensionType,
  DEF_ANNOT,
  DEF_COMP_ITER,
  DEF_GLOBAL,
  DEF_IMPORT,
  DEF_LOCAL,
  DEF_NONLOCAL,
  DEF_PARAM,
  USE,
} from './scope.js';
import { analyzeSymtable } from './symtable-analysis.js';
import { SymtableEntry, type SourceSpan } from './symtable-entry.js';

/**
 * How deep statements, expressions and patterns may nest. CPython counts the
 * same visits against `Py_C_RECURSION_LIMIT` (10,000) less the C frames
 * already in use; run from a script, 3.13.0 accepts a depth of 9,998 and
 * raises at 9,999 (a 9,997-term sum assigned to a name compiles, one more
 * term does not).
 */
export const SYMTABLE_MAX_DEPTH = 9998;

const NO_SPAN: SourceSpan = { lineno: 0, col_offset: 0, end_lineno: 0, end_col_offset: 0 };

/** `struct symtable`: the analyzed blocks of one module. */
export class Symtable {
  constructor(
    /** `st_filename`. */
    readonly filename: string,
    /** `st_future`. */
    readonly future: FutureFeatures,
    /** `st_top`: the module's block. */
    readonly top: SymtableEntry,
    /** `st_blocks`: every block by its AST node (inlined comprehensions and annotation blocks included). */
    readonly blocks: Map<object, SymtableEntry>,
  ) {}

  /** `_PySymtable_Lookup`: the block of `node` (a module, `def`, `class`, `lambda` or comprehension node). */
  lookup(node: object): SymtableEntry {
    const entry = this.blocks.get(node);
    if (entry === undefined) throw new Error('unknown symbol table entry');
    return entry;
  }
}

/**
 * Builds and analyzes the symbol table of `mod` (a `Module`, `Expression` or
 * `Interactive`), or throws a {@link PySyntaxError} (CPython's message and
 * span; offsets are the AST's UTF-8 byte columns plus one, as CPython reports
 * them) or a {@link PyCompilerRecursionError}.
 */
export function buildSymtable(mod: ModNode, filename: string, future: FutureFeatures): Symtable {
  const builder = new SymtableBuilder(filename, future);
  try {
    const top = builder.build(mod);
    analyzeSymtable(top, filename);
    return new Symtable(filename, future, top, builder.blocks);
  } catch (error) {
    // A tree nested deeply on its right (`a ** (b ** (c …`) can still
    // exhaust the JavaScript stack below CPython's limit: the compile fails
    // the way CPython fails deeper.
    if (error instanceof RangeError) throw new PyCompilerRecursionError(filename);
    throw error;
  }
}

/** The first pass: `symtable_visit_*`. */
class SymtableBuilder {
  readonly blocks = new Map<object, SymtableEntry>();
  /** `st_stack`: the blocks being visited, innermost last. */
  private readonly stack: SymtableEntry[] = [];
  /** `st_cur`. */
  private cur!: SymtableEntry;
  /** `st_global`: the module's symbols. */
  private global!: Map<string, number>;
  /** `st_private`: the name of the innermost enclosing class, for mangling. */
  private private_: string | null = null;
  /** `recursion_depth`. */
  private depth = 0;

  constructor(
    private readonly filename: string,
    private readonly future: FutureFeatures,
  ) {}

  build(mod: ModNode): SymtableEntry {
    this.enterBlock('top', BlockType.Module, mod, NO_SPAN);
    const top = this.cur;
    switch (mod._type) {
      case NodeType.Module:
      case NodeType.Interactive:
        for (const s of mod.body) this.visitStmt(s);
        break;
      case NodeType.Expression:
        this.visitExpr(mod.body);
        break;
      case NodeType.FunctionType:
        throw new Error('this compiler does not handle FunctionTypes');
    }
    this.exitBlock();
    return top;
  }

  // ---------------------------------------------------------------- helpers

  private error(msg: string, span: SourceSpan): PySyntaxError {
    return new PySyntaxError('SyntaxError', msg, this.filename, span.lineno, span.col_offset + 1, span.end_lineno, span.end_col_offset + 1, null);
  }

  /** `symtable_enter_block`. */
  private enterBlock(name: string, type: BlockType, key: object, span: Located | SourceSpan): void {
    const prev = this.stack.length > 0 ? this.cur : null;
    const ste = new SymtableEntry(name, type, key, { lineno: span.lineno, col_offset: span.col_offset, end_lineno: span.end_lineno, end_col_offset: span.end_col_offset });
    if (prev !== null && (prev.nested || prev.isFunctionLike())) ste.nested = true;
    this.blocks.set(key, ste);
    this.stack.push(ste);
    // bpo-37757: every walrus in a comprehension's iterable is refused, even
    // one in a lambda or comprehension nested in it.
    if (prev !== null) ste.compIterExpr = prev.compIterExpr;
    this.cur = ste;
    // Annotation blocks (future annotations) are visited for their errors
    // only: the compiler turns the annotations into strings.
    if (type === BlockType.Annotation) return;
    if (type === BlockType.Module) this.global = ste.symbols;
    if (prev !== null) prev.children.push(ste);
  }

  /** `symtable_exit_block`. */
  private exitBlock(): void {
    this.stack.pop();
    if (this.stack.length > 0) this.cur = this.stack[this.stack.length - 1];
  }

  /** `symtable_lookup`: the current block's flags for `name` (mangled). */
  private lookupFlags(name: string): number {
    return this.cur.getSymbol(mangle(this.private_, name));
  }

  /** `symtable_add_def`. */
  private addDef(name: string, flag: number, span: SourceSpan): void {
    this.addDefHelper(name, flag, this.cur, span);
  }

  /** `symtable_add_def_helper`: record `flag` for `name` (mangled) in `ste`. */
  private addDefHelper(name: string, flag: number, ste: SymtableEntry, span: SourceSpan): void {
    const mangled = mangle(this.private_, name);
    const old = ste.symbols.get(mangled);
    let value = flag;
    if (old !== undefined) {
      if (flag & DEF_PARAM && old & DEF_PARAM) throw this.error(`duplicate argument '${name}' in function definition`, span);
      value |= old;
    }
    if (ste.compIterTarget) {
      // An iteration variable: a walrus earlier in the comprehension must not have bound it.
      if (value & (DEF_GLOBAL | DEF_NONLOCAL)) throw this.error(`comprehension inner loop cannot rebind assignment expression target '${name}'`, span);
      value |= DEF_COMP_ITER;
    }
    ste.symbols.set(mangled, value);
    if (flag & DEF_PARAM) {
      ste.varnames.push(mangled);
    } else if (flag & DEF_GLOBAL) {
      // The module learns of names declared global anywhere.
      this.global.set(mangled, (this.global.get(mangled) ?? 0) | flag);
    }
  }

  /** `symtable_record_directive`. */
  private recordDirective(name: string, span: SourceSpan): void {
    const directive = { name: mangle(this.private_, name), span: { lineno: span.lineno, col_offset: span.col_offset, end_lineno: span.end_lineno, end_col_offset: span.end_col_offset } };
    (this.cur.directives ??= []).push(directive);
  }

  private enterVisit(): void {
    if (++this.depth > SYMTABLE_MAX_DEPTH) throw new PyCompilerRecursionError(this.filename);
  }

  private refuseTypeParams(node: Located): never {
    throw this.error('type parameters are not supported yet', node);
  }

  // ---------------------------------------------------------------- statements

  /** `symtable_visit_stmt`. */
  private visitStmt(s: StmtNode): void {
    this.enterVisit();
    switch (s._type) {
      case NodeType.FunctionDef:
      case NodeType.AsyncFunctionDef: {
        this.addDef(s.name, DEF_LOCAL, s);
        this.visitExprs(s.args.defaults);
        this.visitOptionalExprs(s.args.kw_defaults);
        this.visitExprs(s.decorator_list);
        if (s.type_params.length > 0) this.refuseTypeParams(s.type_params[0]);
        this.visitAnnotations(s, s.args, s.returns);
        this.enterBlock(s.name, BlockType.Function, s, s);
        if (s._type === NodeType.AsyncFunctionDef) this.cur.coroutine = true;
        this.visitArguments(s.args);
        this.visitStmts(s.body);
        this.exitBlock();
        break;
      }
      case NodeType.ClassDef: {
        this.addDef(s.name, DEF_LOCAL, s);
        this.visitExprs(s.decorator_list);
        if (s.type_params.length > 0) this.refuseTypeParams(s.type_params[0]);
        this.visitExprs(s.bases);
        for (const k of s.keywords) this.visitExpr(k.value);
        this.enterBlock(s.name, BlockType.Class, s, s);
        const outerPrivate = this.private_;
        this.private_ = s.name;
        this.visitStmts(s.body);
        this.private_ = outerPrivate;
        this.exitBlock();
        break;
      }
      case NodeType.TypeAlias:
        return this.refuseTypeParams(s.type_params.length > 0 ? s.type_params[0] : s);
      case NodeType.Return:
        if (s.value !== null) {
          this.visitExpr(s.value);
          this.cur.returnsValue = true;
        }
        break;
      case NodeType.Delete:
        this.visitExprs(s.targets);
        break;
      case NodeType.Assign:
        this.visitExprs(s.targets);
        this.visitExpr(s.value);
        break;
      case NodeType.AnnAssign: {
        const target = s.target;
        if (target._type === NodeType.Name) {
          const flags = this.lookupFlags(target.id);
          if (flags & (DEF_GLOBAL | DEF_NONLOCAL) && this.cur.symbols !== this.global && s.simple) {
            throw this.error(`annotated name '${target.id}' can't be ${flags & DEF_GLOBAL ? 'global' : 'nonlocal'}`, s);
          }
          if (s.simple) this.addDef(target.id, DEF_ANNOT | DEF_LOCAL, target);
          else if (s.value !== null) this.addDef(target.id, DEF_LOCAL, target);
        } else {
          this.visitExpr(target);
        }
        this.visitAnnotation(s.annotation);
        if (s.value !== null) this.visitExpr(s.value);
        break;
      }
      case NodeType.AugAssign:
        this.visitExpr(s.target);
        this.visitExpr(s.value);
        break;
      case NodeType.For:
      case NodeType.AsyncFor:
        this.visitExpr(s.target);
        this.visitExpr(s.iter);
        this.visitStmts(s.body);
        this.visitStmts(s.orelse);
        break;
      case NodeType.While:
      case NodeType.If:
        this.visitExpr(s.test);
        this.visitStmts(s.body);
        this.visitStmts(s.orelse);
        break;
      case NodeType.Match:
        this.visitExpr(s.subject);
        for (const m of s.cases) {
          this.visitPattern(m.pattern);
          if (m.guard !== null) this.visitExpr(m.guard);
          this.visitStmts(m.body);
        }
        break;
      case NodeType.Raise:
        if (s.exc !== null) {
          this.visitExpr(s.exc);
          if (s.cause !== null) this.visitExpr(s.cause);
        }
        break;
      case NodeType.Try:
      case NodeType.TryStar:
        this.visitStmts(s.body);
        for (const handler of s.handlers) this.visitExceptHandler(handler);
        this.visitStmts(s.orelse);
        this.visitStmts(s.finalbody);
        break;
      case NodeType.Assert:
        this.visitExpr(s.test);
        if (s.msg !== null) this.visitExpr(s.msg);
        break;
      case NodeType.Import:
      case NodeType.ImportFrom:
        for (const alias of s.names) this.visitAlias(alias);
        break;
      case NodeType.Global:
      case NodeType.Nonlocal: {
        const isGlobal = s._type === NodeType.Global;
        const kind = isGlobal ? 'global' : 'nonlocal';
        for (const name of s.names) {
          const flags = this.lookupFlags(name);
          if (flags & DEF_PARAM) throw this.error(`name '${name}' is parameter and ${kind}`, s);
          if (flags & USE) throw this.error(`name '${name}' is used prior to ${kind} declaration`, s);
          if (flags & DEF_ANNOT) throw this.error(`annotated name '${name}' can't be ${kind}`, s);
          if (flags & DEF_LOCAL) throw this.error(`name '${name}' is assigned to before ${kind} declaration`, s);
          this.addDef(name, isGlobal ? DEF_GLOBAL : DEF_NONLOCAL, s);
          this.recordDirective(name, s);
        }
        break;
      }
      case NodeType.Expr:
        this.visitExpr(s.value);
        break;
      case NodeType.Pass:
      case NodeType.Break:
      case NodeType.Continue:
        break;
      case NodeType.With:
      case NodeType.AsyncWith:
        for (const item of s.items) {
          this.visitExpr(item.context_expr);
          if (item.optional_vars !== null) this.visitExpr(item.optional_vars);
        }
        this.visitStmts(s.body);
        break;
    }
    this.depth--;
  }

  private visitStmts(body: StmtNode[]): void {
    for (const s of body) this.visitStmt(s);
  }

  /** `symtable_visit_excepthandler`. */
  private visitExceptHandler(handler: ExceptHandler): void {
    if (handler.type !== null) this.visitExpr(handler.type);
    if (handler.name !== null) this.addDef(handler.name, DEF_LOCAL, handler);
    this.visitStmts(handler.body);
  }

  /** `symtable_visit_alias`: an import binds the first part of a dotted name (`import a.b` binds `a`). */
  private visitAlias(alias: Alias): void {
    const name = alias.asname ?? alias.name;
    if (name === '*') {
      if (this.cur.type !== BlockType.Module) throw this.error('import * only allowed at module level', alias);
      return;
    }
    const dot = name.indexOf('.');
    this.addDef(dot >= 0 ? name.slice(0, dot) : name, DEF_IMPORT, alias);
  }

  // ---------------------------------------------------------------- functions

  /** `symtable_visit_arguments`: the parameters, in `co_varnames` order. */
  private visitArguments(args: Arguments): void {
    for (const arg of args.posonlyargs) this.addDef(arg.arg, DEF_PARAM, arg);
    for (const arg of args.args) this.addDef(arg.arg, DEF_PARAM, arg);
    for (const arg of args.kwonlyargs) this.addDef(arg.arg, DEF_PARAM, arg);
    if (args.vararg !== null) {
      this.addDef(args.vararg.arg, DEF_PARAM, args.vararg);
      this.cur.varargs = true;
    }
    if (args.kwarg !== null) {
      this.addDef(args.kwarg.arg, DEF_PARAM, args.kwarg);
      this.cur.varkeywords = true;
    }
  }

  /** `symtable_visit_annotation`: evaluated in the current block, unless future annotations put it in an annotation block. */
  private visitAnnotation(annotation: ExprNode): void {
    const inBlock = (this.future.features & CO_FUTURE_ANNOTATIONS) !== 0;
    if (inBlock) this.enterBlock('_annotation', BlockType.Annotation, annotation, annotation);
    this.visitExpr(annotation);
    if (inBlock) this.exitBlock();
  }

  /** `symtable_visit_annotations`: a function's parameter and return annotations, seen from the enclosing block. */
  private visitAnnotations(s: StmtNode & Located, args: Arguments, returns: ExprNode | null): void {
    const inBlock = (this.future.features & CO_FUTURE_ANNOTATIONS) !== 0;
    if (inBlock) this.enterBlock('_annotation', BlockType.Annotation, s, s);
    const visitArgAnnotations = (list: Arg[]): void => {
      for (const arg of list) if (arg.annotation !== null) this.visitExpr(arg.annotation);
    };
    visitArgAnnotations(args.posonlyargs);
    visitArgAnnotations(args.args);
    if (args.vararg?.annotation) this.visitExpr(args.vararg.annotation);
    if (args.kwarg?.annotation) this.visitExpr(args.kwarg.annotation);
    visitArgAnnotations(args.kwonlyargs);
    if (inBlock) this.exitBlock();
    if (returns !== null) this.visitAnnotation(returns);
  }

  // ---------------------------------------------------------------- expressions

  /**
   * `symtable_visit_expr`. A left-nested chain (`a + b + c …`, `a.b.c …`,
   * `f()() …`, `x[0][1] …`) is as deep as it is long, and CPython accepts
   * one nearly 10,000 deep, more than the JavaScript stack holds: its left
   * spine is walked with a loop, in CPython's order and with CPython's depth
   * count (each link counts one level, its other operands are visited from
   * its level).
   */
  private visitExpr(e: ExprNode): void {
    if (!isChainLink(e)) return this.visitExprNode(e);
    const spine: ChainLink[] = [];
    let node: ExprNode = e;
    while (isChainLink(node)) {
      this.enterVisit();
      spine.push(node);
      node = node._type === NodeType.BinOp ? node.left : node._type === NodeType.Call ? node.func : node.value;
    }
    this.visitExprNode(node);
    for (let i = spine.length - 1; i >= 0; i--) {
      const link = spine[i];
      switch (link._type) {
        case NodeType.BinOp:
          this.visitExpr(link.right);
          break;
        case NodeType.Call:
          this.visitExprs(link.args);
          for (const k of link.keywords) this.visitExpr(k.value);
          break;
        case NodeType.Subscript:
          this.visitExpr(link.slice);
          break;
        case NodeType.Attribute:
          break;
      }
      this.depth--;
    }
  }

  /** `symtable_visit_expr` for everything but the links of a chain. */
  private visitExprNode(e: ExprNode): void {
    this.enterVisit();
    switch (e._type) {
      case NodeType.NamedExpr:
        this.raiseIfAnnotationBlock('named expression', e);
        this.handleNamedExpr(e.target, e.value, e);
        break;
      case NodeType.BoolOp:
        this.visitExprs(e.values);
        break;
      case NodeType.UnaryOp:
        this.visitExpr(e.operand);
        break;
      case NodeType.Lambda:
        this.visitExprs(e.args.defaults);
        this.visitOptionalExprs(e.args.kw_defaults);
        this.enterBlock('lambda', BlockType.Function, e, e);
        this.visitArguments(e.args);
        this.visitExpr(e.body);
        this.exitBlock();
        break;
      case NodeType.IfExp:
        this.visitExpr(e.test);
        this.visitExpr(e.body);
        this.visitExpr(e.orelse);
        break;
      case NodeType.Dict:
        this.visitOptionalExprs(e.keys);
        this.visitExprs(e.values);
        break;
      case NodeType.Set:
        this.visitExprs(e.elts);
        break;
      case NodeType.GeneratorExp:
        this.handleComprehension(e, 'genexpr', ComprehensionType.Generator, e.generators, e.elt, null);
        break;
      case NodeType.ListComp:
        this.handleComprehension(e, 'listcomp', ComprehensionType.List, e.generators, e.elt, null);
        break;
      case NodeType.SetComp:
        this.handleComprehension(e, 'setcomp', ComprehensionType.Set, e.generators, e.elt, null);
        break;
      case NodeType.DictComp:
        this.handleComprehension(e, 'dictcomp', ComprehensionType.Dict, e.generators, e.key, e.value);
        break;
      case NodeType.Yield:
      case NodeType.YieldFrom:
        this.raiseIfAnnotationBlock('yield expression', e);
        if (e.value !== null) this.visitExpr(e.value);
        this.cur.generator = true;
        if (this.cur.comprehension !== ComprehensionType.None) throw this.error(`'yield' inside ${COMPREHENSION_NAMES[this.cur.comprehension]}`, e);
        break;
      case NodeType.Await:
        this.raiseIfAnnotationBlock('await expression', e);
        this.visitExpr(e.value);
        this.cur.coroutine = true;
        break;
      case NodeType.Compare:
        this.visitExpr(e.left);
        this.visitExprs(e.comparators);
        break;
      case NodeType.FormattedValue:
        this.visitExpr(e.value);
        if (e.format_spec !== null) this.visitExpr(e.format_spec);
        break;
      case NodeType.JoinedStr:
        this.visitExprs(e.values);
        break;
      case NodeType.Constant:
        break;
      case NodeType.Starred:
        this.visitExpr(e.value);
        break;
      // BinOp, Call, Attribute, Subscript: see visitExpr.
      case NodeType.Slice:
        if (e.lower !== null) this.visitExpr(e.lower);
        if (e.upper !== null) this.visitExpr(e.upper);
        if (e.step !== null) this.visitExpr(e.step);
        break;
      case NodeType.Name:
        this.addDef(e.id, e.ctx === ExprContext.Load ? USE : DEF_LOCAL, e);
        // `super()` needs the class cell: reading `super` in a function counts as reading `__class__`.
        if (e.ctx === ExprContext.Load && this.cur.isFunctionLike() && e.id === 'super') this.addDef('__class__', USE, e);
        break;
      case NodeType.List:
      case NodeType.Tuple:
        this.visitExprs(e.elts);
        break;
    }
    this.depth--;
  }

  private visitExprs(list: ExprNode[]): void {
    for (const e of list) this.visitExpr(e);
  }

  /** `VISIT_SEQ_WITH_NULL`: dict keys (`**` entries are null) and keyword-only defaults. */
  private visitOptionalExprs(list: (ExprNode | null)[]): void {
    for (const e of list) if (e !== null) this.visitExpr(e);
  }

  /** `symtable_raise_if_annotation_block`. */
  private raiseIfAnnotationBlock(what: string, e: ExprNode): void {
    if (this.cur.type === BlockType.Annotation) throw this.error(`${what} cannot be used within an annotation`, e);
  }

  /** `symtable_handle_namedexpr`. */
  private handleNamedExpr(target: ExprNode, value: ExprNode, e: ExprNode): void {
    if (this.cur.compIterExpr > 0) throw this.error('assignment expression cannot be used in a comprehension iterable expression', e);
    // Inside a comprehension the target binds in the enclosing function (or module).
    if (this.cur.comprehension !== ComprehensionType.None && target._type === NodeType.Name) this.extendNamedExprScope(target.id, target);
    this.visitExpr(value);
    this.visitExpr(target);
  }

  /**
   * `symtable_extend_namedexpr_scope`: bind a walrus target of a
   * comprehension in the nearest enclosing function (as nonlocal from the
   * comprehension, or global when the function declared it global) or in
   * the module (as global); a class body cannot receive it.
   */
  private extendNamedExprScope(name: string, target: ExprNode): void {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const ste = this.stack[i];
      if (ste.comprehension !== ComprehensionType.None) {
        const flags = ste.getSymbol(mangle(this.private_, name));
        if (flags & DEF_COMP_ITER && flags & DEF_LOCAL) throw this.error(`assignment expression cannot rebind comprehension iteration variable '${name}'`, target);
        continue;
      }
      if (ste.type === BlockType.Function) {
        const flags = ste.getSymbol(mangle(this.private_, name));
        this.addDef(name, flags & DEF_GLOBAL ? DEF_GLOBAL : DEF_NONLOCAL, target);
        this.recordDirective(name, target);
        this.addDefHelper(name, DEF_LOCAL, ste, target);
        return;
      }
      if (ste.type === BlockType.Module) {
        this.addDef(name, DEF_GLOBAL, target);
        this.recordDirective(name, target);
        this.addDefHelper(name, DEF_GLOBAL, ste, target);
        return;
      }
      if (ste.type === BlockType.Class) throw this.error('assignment expression within a comprehension cannot be used in a class body', target);
    }
    throw new Error('BUG: no block for an assignment expression target');
  }

  /**
   * `symtable_handle_comprehension`: the first iterable is evaluated in the
   * current block (and passed in as the implicit parameter `.0`); everything
   * else belongs to the comprehension's own block.
   */
  private handleComprehension(e: ExprNode, name: string, kind: ComprehensionType, generators: Comprehension[], elt: ExprNode, value: ExprNode | null): void {
    const isGenerator = kind === ComprehensionType.Generator;
    const outermost = generators[0];
    this.cur.compIterExpr++;
    this.visitExpr(outermost.iter);
    this.cur.compIterExpr--;
    this.enterBlock(name, BlockType.Function, e, e);
    const comp = this.cur;
    comp.comprehension = kind;
    if (outermost.is_async) comp.coroutine = true;
    this.addDef('.0', DEF_PARAM, comp.span);
    comp.compIterTarget = true;
    this.visitExpr(outermost.target);
    comp.compIterTarget = false;
    this.visitExprs(outermost.ifs);
    for (let i = 1; i < generators.length; i++) this.visitComprehension(generators[i]);
    // A dict comprehension's value is visited before its key, as CPython does.
    if (value !== null) this.visitExpr(value);
    this.visitExpr(elt);
    comp.generator = isGenerator;
    const isAsync = comp.coroutine && !isGenerator;
    this.exitBlock();
    // An inlined async comprehension makes its parent a coroutine (the compiler checks the parent may be one).
    if (isAsync) this.cur.coroutine = true;
  }

  /** `symtable_visit_comprehension`: a `for … in … if …` clause after the first. */
  private visitComprehension(clause: Comprehension): void {
    this.cur.compIterTarget = true;
    this.visitExpr(clause.target);
    this.cur.compIterTarget = false;
    this.cur.compIterExpr++;
    this.visitExpr(clause.iter);
    this.cur.compIterExpr--;
    this.visitExprs(clause.ifs);
    if (clause.is_async) this.cur.coroutine = true;
  }

  // ---------------------------------------------------------------- patterns

  /** `symtable_visit_pattern`: captures bind in the current block. */
  private visitPattern(p: PatternNode): void {
    this.enterVisit();
    switch (p._type) {
      case NodeType.MatchValue:
        this.visitExpr(p.value);
        break;
      case NodeType.MatchSingleton:
        break;
      case NodeType.MatchSequence:
        for (const q of p.patterns) this.visitPattern(q);
        break;
      case NodeType.MatchStar:
        if (p.name !== null) this.addDef(p.name, DEF_LOCAL, p);
        break;
      case NodeType.MatchMapping:
        this.visitExprs(p.keys);
        for (const q of p.patterns) this.visitPattern(q);
        if (p.rest !== null) this.addDef(p.rest, DEF_LOCAL, p);
        break;
      case NodeType.MatchClass:
        this.visitExpr(p.cls);
        for (const q of p.patterns) this.visitPattern(q);
        for (const q of p.kwd_patterns) this.visitPattern(q);
        break;
      case NodeType.MatchAs:
        if (p.pattern !== null) this.visitPattern(p.pattern);
        if (p.name !== null) this.addDef(p.name, DEF_LOCAL, p);
        break;
      case NodeType.MatchOr:
        for (const q of p.patterns) this.visitPattern(q);
        break;
    }
    this.depth--;
  }
}

/** The nodes {@link SymtableBuilder.visitExpr} walks with a loop: those whose first-visited operand may nest deeply. */
type ChainLink = BinOp | Call | Attribute | Subscript;

function isChainLink(e: ExprNode): e is ChainLink {
  const type = e._type;
  return type === NodeType.BinOp || type === NodeType.Call || type === NodeType.Attribute || type === NodeType.Subscript;
}

/** The words of "'yield' inside …". */
const COMPREHENSION_NAMES: Record<ComprehensionType, string> = {
  [ComprehensionType.None]: '',
  [ComprehensionType.List]: 'list comprehension',
  [ComprehensionType.Dict]: 'dict comprehension',
  [ComprehensionType.Set]: 'set comprehension',
  [ComprehensionType.Generator]: 'generator expression',
};
