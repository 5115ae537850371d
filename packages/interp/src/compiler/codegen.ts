/**
 * Code generation, CPython 3.13's `Python/compile.c` (the part 3.14 moved to
 * `Python/codegen.c`): the AST, after constant folding (`ast-optimize.ts`)
 * and with its symbol table, becomes one instruction sequence per code unit
 * (module, class body, function, lambda, generator expression), with
 * pseudo-instructions (`JUMP`, `SETUP_FINALLY`, `LOAD_METHOD`…) and labels.
 * Each finished unit goes through the flow-graph passes (`flowgraph.ts`)
 * and the assembler (`assemble.ts`) and becomes a constant of its parent.
 *
 * The instruction choices, their order and their source locations are
 * CPython's, so that the assembled bytecode is byte for byte what CPython
 * 3.13.0 produces.
 */

import {
  BoolOperator,
  CmpOperator,
  ExprContext,
  NodeType,
  Operator,
  UnaryOperator,
  type Arguments,
  type Attribute,
  type Call,
  type ClassDef,
  type Comprehension,
  type Dict,
  type ExprNode,
  type FunctionDef,
  type AsyncFunctionDef,
  type Keyword,
  type Lambda,
  type Located,
  type ModNode,
  type StmtNode,
  type Match,
  type PatternNode,
  type Try,
  type TryStar,
  type With,
  type AsyncWith,
  type For,
  type AsyncFor,
} from '../parser/ast.js';
import { PySyntaxError } from '../parser/syntax-error.js';
import { assembleCodeUnit } from './assemble.js';
import { exprAsUnicode } from './ast-unparse.js';
import {
  CO_ASYNC_GENERATOR,
  CO_COROUTINE,
  CO_GENERATOR,
  CO_NESTED,
  CO_NEWLOCALS,
  CO_OPTIMIZED,
  CO_VARARGS,
  CO_VARKEYWORDS,
  type CodeUnit,
  type ConstValue,
} from './code-unit.js';
import { cleanDoc } from './cleandoc.js';
import type { CompileWarningHandler } from './compile-warning.js';
import { CompilerUnit, FBlockType, IndexedNames, ScopeType, type FBlockInfo } from './compiler-unit.js';
import { constRepr, FALSE, intConst, NONE, strConst, TRUE, tupleConst } from './constant.js';
import { valueOfConstantNode } from './constant-node.js';
import { CO_FUTURE_ANNOTATIONS, type FutureFeatures } from './future.js';
import { NO_LABEL, NO_LOCATION, type Label, type Location } from './instruction-sequence.js';
import { mangle } from './mangle.js';
import * as op from './opcodes.js';
import { BlockType, DEF_COMP_CELL, DEF_FREE_CLASS, DEF_IMPORT, DEF_LOCAL, DEF_NONLOCAL, Scope, SCOPE_MASK, SCOPE_OFFSET, scopeOfSymbol } from './scope.js';
import type { SymtableEntry } from './symtable-entry.js';
import type { Symtable } from './symtable.js';

/** `STACK_USE_GUIDELINE`: above this many items, displays and calls are built piecewise. */
const STACK_USE_GUIDELINE = 30;

/** `CONVERT_VALUE` opargs (`FVC_*`). */
const FVC_STR = 1;
const FVC_REPR = 2;
const FVC_ASCII = 3;

/** `CO_MAXBLOCKS` (3.13): the loops, `try` and `with` blocks one code object may nest statically. */
const CO_MAXBLOCKS = 21;

/** `compare_masks` (`Python/compile.c`): the low bits of `COMPARE_OP`'s oparg by `Py_LT`…`Py_GE`. */
const COMPARE_MASKS = [2, 2 | 8, 8, 1 | 2 | 4, 4, 4 | 8];

/** `Py_LT`…`Py_GE` by AST comparison operator. */
const RICH_COMPARE: Partial<Record<CmpOperator, number>> = {
  [CmpOperator.Lt]: 0,
  [CmpOperator.LtE]: 1,
  [CmpOperator.Eq]: 2,
  [CmpOperator.NotEq]: 3,
  [CmpOperator.Gt]: 4,
  [CmpOperator.GtE]: 5,
};

/** `BINARY_OP` oparg of each AST operator (`binop()`); the in-place form is this plus {@link INPLACE_OFFSET}. */
const BINOP_ARG: Record<Operator, number> = {
  [Operator.Add]: op.NB_ADD,
  [Operator.Sub]: op.NB_SUBTRACT,
  [Operator.Mult]: op.NB_MULTIPLY,
  [Operator.MatMult]: op.NB_MATRIX_MULTIPLY,
  [Operator.Div]: op.NB_TRUE_DIVIDE,
  [Operator.Mod]: op.NB_REMAINDER,
  [Operator.Pow]: op.NB_POWER,
  [Operator.LShift]: op.NB_LSHIFT,
  [Operator.RShift]: op.NB_RSHIFT,
  [Operator.BitOr]: op.NB_OR,
  [Operator.BitXor]: op.NB_XOR,
  [Operator.BitAnd]: op.NB_AND,
  [Operator.FloorDiv]: op.NB_FLOOR_DIVIDE,
};
const INPLACE_OFFSET = op.NB_INPLACE_ADD - op.NB_ADD;

/** Comprehension kinds (`COMP_*`). */
enum CompType {
  GenExp,
  ListComp,
  SetComp,
  DictComp,
}

/** The node's span (`LOC(x)`). */
function LOC(node: Located): Location {
  return { lineno: node.lineno, end_lineno: node.end_lineno, col_offset: node.col_offset, end_col_offset: node.end_col_offset };
}

function LOCATION(lineno: number, end_lineno: number, col_offset: number, end_col_offset: number): Location {
  return { lineno, end_lineno, col_offset, end_col_offset };
}

/** `_PyAST_GetDocString`: the first statement is a str constant. */
function getDocString(body: StmtNode[]): string | null {
  const st = body[0];
  if (st === undefined || st._type !== NodeType.Expr) return null;
  const e = st.value;
  if (e._type !== NodeType.Constant) return null;
  const v = valueOfConstantNode(e);
  return v.type === 'str' ? v.value : null;
}

/** `find_ann`: an annotated assignment anywhere in these statements (not in nested functions or classes). */
function findAnn(stmts: StmtNode[]): boolean {
  for (const st of stmts) {
    switch (st._type) {
      case NodeType.AnnAssign:
        return true;
      case NodeType.For:
      case NodeType.AsyncFor:
      case NodeType.While:
      case NodeType.If:
        if (findAnn(st.body) || findAnn(st.orelse)) return true;
        break;
      case NodeType.With:
      case NodeType.AsyncWith:
        if (findAnn(st.body)) return true;
        break;
      case NodeType.Try:
      case NodeType.TryStar:
        for (const h of st.handlers) if (findAnn(h.body)) return true;
        if (findAnn(st.body) || findAnn(st.finalbody) || findAnn(st.orelse)) return true;
        break;
      case NodeType.Match:
        for (const mc of st.cases) if (findAnn(mc.body)) return true;
        break;
    }
  }
  return false;
}

/** Compares as CPython's `PyList_Sort` of str does: by code point. */
function codePointCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** `dictbytype`: names of `ste` with the given scope or flag, sorted, numbered from `offset`. */
function dictByType(ste: SymtableEntry, scope: Scope, flag: number, offset: number): IndexedNames {
  const names: string[] = [];
  for (const [name, value] of ste.symbols) {
    if (((value >> SCOPE_OFFSET) & SCOPE_MASK) === scope || value & flag) names.push(name);
  }
  names.sort(codePointCompare);
  return new IndexedNames(names, offset);
}

/** `pattern_context`: the state of one pattern's compilation. */
interface PatternContext {
  /** The names captured so far, in the order their values sit on the stack. */
  stores: string[];
  /** Whether an irrefutable pattern is allowed here. */
  allowIrrefutable: boolean;
  /** `fail_pop`: label n pops n items, then falls into label n - 1. */
  failPop: Label[];
  /** Items on top of the stack the pattern still needs (above the captures). */
  onTop: number;
}

function isNonEmptyTupleConstant(e: ExprNode): boolean {
  const v = valueOfConstantNode(e);
  return v.type === 'tuple' && v.items.length > 0;
}

/** `check_is_arg`: an operand `is` may take without warning (not a literal, or a named singleton). */
function isIdentityOperand(e: ExprNode): boolean {
  if (e._type !== NodeType.Constant) return true;
  const t = valueOfConstantNode(e).type;
  return t === 'None' || t === 'bool' || t === 'Ellipsis';
}

/** `infer_type(e)->tp_name`: the type a display or literal evaluates to, null if not known at compile time. */
function inferTypeName(e: ExprNode): string | null {
  switch (e._type) {
    case NodeType.Tuple:
      return 'tuple';
    case NodeType.List:
    case NodeType.ListComp:
      return 'list';
    case NodeType.Dict:
    case NodeType.DictComp:
      return 'dict';
    case NodeType.Set:
    case NodeType.SetComp:
      return 'set';
    case NodeType.GeneratorExp:
      return 'generator';
    case NodeType.Lambda:
      return 'function';
    case NodeType.JoinedStr:
    case NodeType.FormattedValue:
      return 'str';
    case NodeType.Constant: {
      const t = valueOfConstantNode(e).type;
      return t === 'None' ? 'NoneType' : t === 'Ellipsis' ? 'ellipsis' : t;
    }
    default:
      return null;
  }
}

/** `WILDCARD_CHECK`: `_` as a pattern. */
function isWildcard(p: PatternNode): boolean {
  return p._type === NodeType.MatchAs && p.pattern === null && p.name === null;
}

/** Saved state of an inlined comprehension (`inlined_comprehension_state`). */
interface InlinedComprehensionState {
  pushedLocals: string[] | null;
  tempSymbols: Map<string, number> | null;
  fastHidden: Set<string> | null;
  cleanup: Label;
  end: Label;
}

/** Options of one compilation. */
export interface CodegenOptions {
  readonly filename: string;
  /** `c_optimize` (`-O` level): 0 keeps asserts and docstrings. */
  readonly optimize: number;
  /** Receives the SyntaxWarnings (`compiler_warn`). */
  readonly warn?: CompileWarningHandler;
}

/** `struct compiler`: compiles a module with its symbol table into a code unit. */
export class Codegen {
  private u!: CompilerUnit;
  private readonly stack: CompilerUnit[] = [];
  private nestLevel = 0;
  private interactive = false;

  constructor(
    private readonly st: Symtable,
    private readonly future: FutureFeatures,
    private readonly options: CodegenOptions,
  ) {}

  // ---------------------------------------------------------------- errors

  /** `compiler_error`: a SyntaxError at `loc` (offsets are the UTF-8 columns plus one, as CPython reports them). */
  private error(loc: Location, msg: string): PySyntaxError {
    return new PySyntaxError('SyntaxError', msg, this.options.filename, loc.lineno, loc.col_offset + 1, loc.end_lineno, loc.end_col_offset + 1, null);
  }

  /**
   * `compiler_warn`: a SyntaxWarning at `loc`'s line; a SyntaxError at `loc`
   * when the handler makes the warning an error.
   */
  private warn(loc: Location, message: string): void {
    const handler = this.options.warn;
    if (handler === undefined) return;
    if (handler({ category: 'SyntaxWarning', message, filename: this.options.filename, lineno: loc.lineno })) throw this.error(loc, message);
  }

  /** `check_compare`: `is` or `is not` with a literal other than None, True, False or `...`. */
  private checkCompare(e: ExprNode & { _type: NodeType.Compare }): void {
    let left = isIdentityOperand(e.left);
    let leftExpr = e.left;
    for (let i = 0; i < e.ops.length; i++) {
      const cmp = e.ops[i];
      const rightExpr = e.comparators[i];
      const right = isIdentityOperand(rightExpr);
      if ((cmp === CmpOperator.Is || cmp === CmpOperator.IsNot) && (!right || !left)) {
        const literal = !left ? leftExpr : rightExpr;
        const name = inferTypeName(literal)!;
        this.warn(LOC(e), cmp === CmpOperator.Is ? `"is" with '${name}' literal. Did you mean "=="?` : `"is not" with '${name}' literal. Did you mean "!="?`);
        return;
      }
      left = right;
      leftExpr = rightExpr;
    }
  }

  /** `check_caller`: calling a literal or display. */
  private checkCaller(e: ExprNode): void {
    switch (e._type) {
      case NodeType.Constant:
      case NodeType.Tuple:
      case NodeType.List:
      case NodeType.ListComp:
      case NodeType.Dict:
      case NodeType.DictComp:
      case NodeType.Set:
      case NodeType.SetComp:
      case NodeType.GeneratorExp:
      case NodeType.JoinedStr:
      case NodeType.FormattedValue:
        this.warn(LOC(e), `'${inferTypeName(e)}' object is not callable; perhaps you missed a comma?`);
    }
  }

  /** `check_subscripter`: subscripting something that has no `__getitem__` (None, a number, a set, a generator, a function). */
  private checkSubscripter(e: ExprNode): void {
    switch (e._type) {
      case NodeType.Constant: {
        const t = valueOfConstantNode(e).type;
        if (!(t === 'None' || t === 'Ellipsis' || t === 'int' || t === 'bool' || t === 'float' || t === 'complex' || t === 'frozenset')) return;
        break;
      }
      case NodeType.Set:
      case NodeType.SetComp:
      case NodeType.GeneratorExp:
      case NodeType.Lambda:
        break;
      default:
        return;
    }
    this.warn(LOC(e), `'${inferTypeName(e)}' object is not subscriptable; perhaps you missed a comma?`);
  }

  /** `check_index`: a sequence literal indexed by something that is not an int or a slice. */
  private checkIndex(e: ExprNode, s: ExprNode): void {
    const indexType = inferTypeName(s);
    if (indexType === null || indexType === 'int' || indexType === 'bool') return;
    switch (e._type) {
      case NodeType.Constant: {
        const t = valueOfConstantNode(e).type;
        if (!(t === 'str' || t === 'bytes' || t === 'tuple')) return;
        break;
      }
      case NodeType.Tuple:
      case NodeType.List:
      case NodeType.ListComp:
      case NodeType.JoinedStr:
      case NodeType.FormattedValue:
        break;
      default:
        return;
    }
    this.warn(LOC(e), `${inferTypeName(e)} indices must be integers or slices, not ${indexType}; perhaps you missed a comma?`);
  }

  // ---------------------------------------------------------------- emitting

  private addOp(opcode: number, loc: Location): void {
    this.u.seq.addOp(opcode, 0, loc);
  }

  private addOpI(opcode: number, oparg: number, loc: Location): void {
    this.u.seq.addOp(opcode, oparg, loc);
  }

  private addJump(opcode: number, target: Label, loc: Location): void {
    this.u.seq.addOp(opcode, target, loc);
  }

  private newLabel(): Label {
    return this.u.seq.newLabel();
  }

  private useLabel(label: Label): void {
    this.u.seq.useLabel(label);
  }

  /** `ADDOP_LOAD_CONST`. */
  private loadConst(value: ConstValue, loc: Location): void {
    this.addOpI(op.LOAD_CONST, this.u.consts.add(value), loc);
  }

  /** `_Py_MaybeMangle` with the current class. */
  private mangle(name: string): string {
    return mangle(this.u.private_, name);
  }

  /** `compiler_addop_name` (`ADDOP_NAME`): the name is mangled; attribute and super loads get their flag bits. */
  private addOpName(opcode: number, name: string, loc: Location): void {
    let arg = this.u.names.add(this.mangle(name));
    switch (opcode) {
      case op.LOAD_ATTR:
        arg <<= 1;
        break;
      case op.LOAD_METHOD:
        opcode = op.LOAD_ATTR;
        arg = (arg << 1) | 1;
        break;
      case op.LOAD_SUPER_ATTR:
        arg = (arg << 2) | 2;
        break;
      case op.LOAD_SUPER_METHOD:
        opcode = op.LOAD_SUPER_ATTR;
        arg = (arg << 2) | 3;
        break;
      case op.LOAD_ZERO_SUPER_ATTR:
        opcode = op.LOAD_SUPER_ATTR;
        arg <<= 2;
        break;
      case op.LOAD_ZERO_SUPER_METHOD:
        opcode = op.LOAD_SUPER_ATTR;
        arg = (arg << 2) | 1;
        break;
    }
    this.addOpI(opcode, arg, loc);
  }

  /** `ADDOP_N(..., names)`: the name as given, not mangled. */
  private addOpNameRaw(opcode: number, name: string, loc: Location): void {
    this.addOpI(opcode, this.u.names.add(name), loc);
  }

  // ---------------------------------------------------------------- scopes

  /** `compiler_enter_scope`. */
  private enterScope(name: string, scopeType: ScopeType, key: object, lineno: number): void {
    const ste = this.st.lookup(key);
    const cellvars = dictByType(ste, Scope.Cell, DEF_COMP_CELL, 0);
    if (ste.needsClassClosure) cellvars.add('__class__');
    if (ste.needsClassdict) cellvars.add('__classdict__');
    const freevars = dictByType(ste, Scope.Free, DEF_FREE_CLASS, cellvars.size);
    const u = new CompilerUnit(ste, scopeType, name, lineno, new IndexedNames(ste.varnames), cellvars, freevars);
    if (this.u !== undefined) {
      this.stack.push(this.u);
      u.private_ = this.u.private_;
    }
    this.u = u;
    this.nestLevel++;
    let loc = LOCATION(lineno, lineno, 0, 0);
    if (scopeType === ScopeType.Module) {
      loc = LOCATION(0, lineno, 0, 0);
      u.qualname = name;
    } else {
      this.setQualname();
    }
    this.addOpI(op.RESUME, op.RESUME_AT_FUNC_START, loc);
  }

  /** `compiler_exit_scope`. */
  private exitScope(): void {
    this.nestLevel--;
    const parent = this.stack.pop();
    if (parent !== undefined) this.u = parent;
  }

  /** `compiler_set_qualname`. */
  private setQualname(): void {
    const u = this.u;
    let base: string | null = null;
    // The module is the bottom of the stack: its children have no prefix.
    if (this.stack.length > 1) {
      const parent = this.stack[this.stack.length - 1];
      let forceGlobal = false;
      if (u.scopeType === ScopeType.Function || u.scopeType === ScopeType.AsyncFunction || u.scopeType === ScopeType.Class) {
        const mangled = mangle(parent.private_, u.name);
        if (parent.ste.getScope(mangled) === Scope.GlobalExplicit) forceGlobal = true;
      }
      if (!forceGlobal) {
        if (parent.scopeType === ScopeType.Function || parent.scopeType === ScopeType.AsyncFunction || parent.scopeType === ScopeType.Lambda) {
          base = `${parent.qualname}.<locals>`;
        } else {
          base = parent.qualname;
        }
      }
    }
    u.qualname = base !== null ? `${base}.${u.name}` : u.name;
  }

  /** `compute_code_flags`. */
  private computeCodeFlags(): number {
    const ste = this.u.ste;
    let flags = 0;
    if (ste.isFunctionLike()) {
      flags |= CO_NEWLOCALS | CO_OPTIMIZED;
      if (ste.nested) flags |= CO_NESTED;
      if (ste.generator && !ste.coroutine) flags |= CO_GENERATOR;
      if (ste.generator && ste.coroutine) flags |= CO_ASYNC_GENERATOR;
      if (ste.varargs) flags |= CO_VARARGS;
      if (ste.varkeywords) flags |= CO_VARKEYWORDS;
    }
    if (ste.coroutine && !ste.generator) flags |= CO_COROUTINE;
    flags |= this.future.features;
    return flags;
  }

  /** `optimize_and_assemble`: the finished unit as a code unit. */
  private optimizeAndAssemble(addNone: boolean): CodeUnit {
    const codeFlags = this.computeCodeFlags();
    // add_return_at_end: every path that falls off the end returns None.
    if (addNone) this.loadConst(NONE, NO_LOCATION);
    this.addOp(op.RETURN_VALUE, NO_LOCATION);
    return assembleCodeUnit(this.u, codeFlags, this.options.filename);
  }

  // ---------------------------------------------------------------- entry

  /** `compiler_mod` / `compiler_codegen`: the module's code unit. */
  compileModule(mod: ModNode): CodeUnit {
    this.enterScope('<module>', ScopeType.Module, mod, 1);
    const loc = LOCATION(1, 1, 0, 0);
    let addNone = true;
    switch (mod._type) {
      case NodeType.Module:
        this.body(loc, mod.body);
        break;
      case NodeType.Interactive:
        if (findAnn(mod.body)) this.addOp(op.SETUP_ANNOTATIONS, loc);
        this.interactive = true;
        for (const s of mod.body) this.visitStmt(s);
        break;
      case NodeType.Expression:
        this.visitExpr(mod.body);
        addNone = false;
        break;
      case NodeType.FunctionType:
        throw new Error('function type comments are not compiled');
    }
    const code = this.optimizeAndAssemble(addNone);
    this.exitScope();
    return code;
  }

  /** `compiler_body`: a module or class body (docstring into `__doc__`, `SETUP_ANNOTATIONS`). */
  private body(loc: Location, stmts: StmtNode[]): void {
    if (this.u.scopeType === ScopeType.Module && stmts.length > 0) loc = LOC(stmts[0]);
    if (findAnn(stmts)) this.addOp(op.SETUP_ANNOTATIONS, loc);
    if (stmts.length === 0) return;
    let first = 0;
    const docstring = getDocString(stmts);
    if (docstring !== null) {
      first = 1;
      if (this.options.optimize < 2) {
        const st = stmts[0];
        if (st._type !== NodeType.Expr) throw new Error('unreachable');
        this.loadConst(strConst(cleanDoc(docstring)), LOC(st.value));
        this.nameop(NO_LOCATION, '__doc__', ExprContext.Store);
      }
    }
    for (let i = first; i < stmts.length; i++) this.visitStmt(stmts[i]);
  }

  // ---------------------------------------------------------------- names

  /** `forbidden_name`. */
  private checkForbiddenName(loc: Location, name: string, ctx: ExprContext): void {
    if (name !== '__debug__') return;
    if (ctx === ExprContext.Store) throw this.error(loc, 'cannot assign to __debug__');
    if (ctx === ExprContext.Del) throw this.error(loc, 'cannot delete __debug__');
  }

  /** `compiler_nameop`: the load, store or delete instruction the name's scope calls for. */
  private nameop(loc: Location, name: string, ctx: ExprContext): void {
    this.checkForbiddenName(loc, name, ctx);
    const u = this.u;
    const mangled = this.mangle(name);
    const scope = u.ste.getScope(mangled);
    let optype: 'fast' | 'global' | 'deref' | 'name' = 'name';
    let dict = u.names;
    switch (scope) {
      case Scope.Free:
        dict = u.freevars;
        optype = 'deref';
        break;
      case Scope.Cell:
        dict = u.cellvars;
        optype = 'deref';
        break;
      case Scope.Local:
        if (u.ste.isFunctionLike()) optype = 'fast';
        else if (u.fasthidden.get(mangled) === true) optype = 'fast';
        break;
      case Scope.GlobalImplicit:
        if (u.ste.isFunctionLike()) optype = 'global';
        break;
      case Scope.GlobalExplicit:
        optype = 'global';
        break;
    }
    let opcode = 0;
    switch (optype) {
      case 'deref':
        switch (ctx) {
          case ExprContext.Load:
            if (u.ste.type === BlockType.Class && !u.inInlinedComp) {
              opcode = op.LOAD_FROM_DICT_OR_DEREF;
              this.addOp(op.LOAD_LOCALS, loc);
            } else if (u.ste.canSeeClassScope) {
              opcode = op.LOAD_FROM_DICT_OR_DEREF;
              this.addOpI(op.LOAD_DEREF, u.freevars.add('__classdict__'), loc);
            } else {
              opcode = op.LOAD_DEREF;
            }
            break;
          case ExprContext.Store:
            opcode = op.STORE_DEREF;
            break;
          case ExprContext.Del:
            opcode = op.DELETE_DEREF;
            break;
        }
        break;
      case 'fast': {
        opcode = ctx === ExprContext.Load ? op.LOAD_FAST : ctx === ExprContext.Store ? op.STORE_FAST : op.DELETE_FAST;
        this.addOpI(opcode, u.varnames.add(mangled), loc);
        return;
      }
      case 'global':
        switch (ctx) {
          case ExprContext.Load:
            if (u.ste.canSeeClassScope && scope === Scope.GlobalImplicit) {
              opcode = op.LOAD_FROM_DICT_OR_GLOBALS;
              this.addOpI(op.LOAD_DEREF, u.freevars.add('__classdict__'), loc);
            } else {
              opcode = op.LOAD_GLOBAL;
            }
            break;
          case ExprContext.Store:
            opcode = op.STORE_GLOBAL;
            break;
          case ExprContext.Del:
            opcode = op.DELETE_GLOBAL;
            break;
        }
        break;
      case 'name':
        switch (ctx) {
          case ExprContext.Load:
            opcode = u.ste.type === BlockType.Class && u.inInlinedComp ? op.LOAD_GLOBAL : op.LOAD_NAME;
            break;
          case ExprContext.Store:
            opcode = op.STORE_NAME;
            break;
          case ExprContext.Del:
            opcode = op.DELETE_NAME;
            break;
        }
        break;
    }
    let arg = dict.add(mangled);
    if (opcode === op.LOAD_GLOBAL) arg <<= 1;
    this.addOpI(opcode, arg, loc);
  }

  // ---------------------------------------------------------------- fblocks

  private pushFBlock(loc: Location, type: FBlockType, block: Label, exit: Label, datum: FBlockInfo['datum']): void {
    if (this.u.fblocks.length >= CO_MAXBLOCKS) throw this.error(loc, 'too many statically nested blocks');
    this.u.fblocks.push({ type, block, exit, loc, datum });
  }

  private popFBlock(): void {
    this.u.fblocks.pop();
  }

  /** `compiler_unwind_fblock`: leave one block on the way out of a `break`, `continue` or `return`. Returns the location to continue with. */
  private unwindFBlock(loc: Location, info: FBlockInfo, preserveTos: boolean): Location {
    switch (info.type) {
      case FBlockType.WhileLoop:
      case FBlockType.ExceptionHandler:
      case FBlockType.ExceptionGroupHandler:
      case FBlockType.AsyncComprehensionGenerator:
      case FBlockType.StopIteration:
        return loc;
      case FBlockType.ForLoop:
        if (preserveTos) this.addOpI(op.SWAP, 2, loc);
        this.addOp(op.POP_TOP, loc);
        return loc;
      case FBlockType.TryExcept:
        this.addOp(op.POP_BLOCK, loc);
        return loc;
      case FBlockType.FinallyTry:
        this.addOp(op.POP_BLOCK, loc);
        if (preserveTos) this.pushFBlock(loc, FBlockType.PopValue, NO_LABEL, NO_LABEL, null);
        this.visitStmts(info.datum as StmtNode[]);
        if (preserveTos) this.popFBlock();
        return NO_LOCATION;
      case FBlockType.FinallyEnd:
        if (preserveTos) this.addOpI(op.SWAP, 2, loc);
        this.addOp(op.POP_TOP, loc);
        if (preserveTos) this.addOpI(op.SWAP, 2, loc);
        this.addOp(op.POP_BLOCK, loc);
        this.addOp(op.POP_EXCEPT, loc);
        return loc;
      case FBlockType.With:
      case FBlockType.AsyncWith:
        loc = info.loc;
        this.addOp(op.POP_BLOCK, loc);
        if (preserveTos) this.addOpI(op.SWAP, 2, loc);
        this.callExitWithNones(loc);
        if (info.type === FBlockType.AsyncWith) {
          this.addOpI(op.GET_AWAITABLE, 2, loc);
          this.loadConst(NONE, loc);
          this.addYieldFrom(loc, true);
        }
        this.addOp(op.POP_TOP, loc);
        return NO_LOCATION;
      case FBlockType.HandlerCleanup: {
        const name = info.datum as string | null;
        if (name !== null) this.addOp(op.POP_BLOCK, loc);
        if (preserveTos) this.addOpI(op.SWAP, 2, loc);
        this.addOp(op.POP_BLOCK, loc);
        this.addOp(op.POP_EXCEPT, loc);
        if (name !== null) {
          this.loadConst(NONE, loc);
          this.nameop(loc, name, ExprContext.Store);
          this.nameop(loc, name, ExprContext.Del);
        }
        return loc;
      }
      case FBlockType.PopValue:
        if (preserveTos) this.addOpI(op.SWAP, 2, loc);
        this.addOp(op.POP_TOP, loc);
        return loc;
    }
  }

  /** `compiler_unwind_fblock_stack`: unwind to the innermost loop (`wantLoop`) or all the way. */
  private unwindFBlockStack(loc: Location, preserveTos: boolean, wantLoop: boolean): { loc: Location; loop: FBlockInfo | null } {
    const fblocks = this.u.fblocks;
    if (fblocks.length === 0) return { loc, loop: null };
    const top = fblocks[fblocks.length - 1];
    if (top.type === FBlockType.ExceptionGroupHandler) {
      throw this.error(loc, "'break', 'continue' and 'return' cannot appear in an except* block");
    }
    if (wantLoop && (top.type === FBlockType.WhileLoop || top.type === FBlockType.ForLoop)) return { loc, loop: top };
    fblocks.pop();
    loc = this.unwindFBlock(loc, top, preserveTos);
    const result = this.unwindFBlockStack(loc, preserveTos, wantLoop);
    fblocks.push(top);
    return result;
  }

  // ---------------------------------------------------------------- statements

  private visitStmts(stmts: StmtNode[]): void {
    for (const s of stmts) this.visitStmt(s);
  }

  /** `compiler_visit_stmt`. */
  private visitStmt(s: StmtNode): void {
    switch (s._type) {
      case NodeType.FunctionDef:
        return this.functionDef(s, false);
      case NodeType.AsyncFunctionDef:
        return this.functionDef(s, true);
      case NodeType.ClassDef:
        return this.classDef(s);
      case NodeType.TypeAlias:
        throw this.error(LOC(s), 'type aliases are not supported yet');
      case NodeType.Return:
        return this.returnStmt(s);
      case NodeType.Delete:
        for (const t of s.targets) this.visitExpr(t);
        return;
      case NodeType.Assign: {
        const n = s.targets.length;
        this.visitExpr(s.value);
        for (let i = 0; i < n; i++) {
          if (i < n - 1) this.addOpI(op.COPY, 1, LOC(s));
          this.visitExpr(s.targets[i]);
        }
        return;
      }
      case NodeType.AugAssign:
        return this.augAssign(s);
      case NodeType.AnnAssign:
        return this.annAssign(s);
      case NodeType.For:
        return this.forStmt(s);
      case NodeType.AsyncFor:
        return this.asyncFor(s);
      case NodeType.While:
        return this.whileStmt(s);
      case NodeType.If:
        return this.ifStmt(s);
      case NodeType.Match:
        return this.matchStmt(s);
      case NodeType.Raise: {
        let n = 0;
        if (s.exc !== null) {
          this.visitExpr(s.exc);
          n++;
          if (s.cause !== null) {
            this.visitExpr(s.cause);
            n++;
          }
        }
        this.addOpI(op.RAISE_VARARGS, n, LOC(s));
        return;
      }
      case NodeType.Try:
        return s.finalbody.length > 0 ? this.tryFinally(s) : this.tryExcept(s);
      case NodeType.TryStar:
        return this.tryStar(s);
      case NodeType.Assert:
        return this.assertStmt(s);
      case NodeType.Import:
        return this.importStmt(s);
      case NodeType.ImportFrom:
        return this.fromImport(s);
      case NodeType.Global:
      case NodeType.Nonlocal:
        return;
      case NodeType.Expr:
        return this.stmtExpr(LOC(s), s.value);
      case NodeType.Pass:
        this.addOp(op.NOP, LOC(s));
        return;
      case NodeType.Break:
        return this.breakStmt(LOC(s));
      case NodeType.Continue:
        return this.continueStmt(LOC(s));
      case NodeType.With:
        return this.withStmt(s, 0);
      case NodeType.AsyncWith:
        return this.asyncWith(s, 0);
    }
  }

  /** `compiler_stmt_expr`. */
  private stmtExpr(loc: Location, value: ExprNode): void {
    if (this.interactive && this.nestLevel <= 1) {
      this.visitExpr(value);
      this.addOpI(op.CALL_INTRINSIC_1, op.INTRINSIC_PRINT, loc);
      this.addOp(op.POP_TOP, NO_LOCATION);
      return;
    }
    if (value._type === NodeType.Constant) {
      // A constant statement (a docstring elsewhere than first) does nothing.
      this.addOp(op.NOP, loc);
      return;
    }
    this.visitExpr(value);
    this.addOp(op.POP_TOP, NO_LOCATION);
  }

  /** `compiler_return`. */
  private returnStmt(s: StmtNode & { _type: NodeType.Return }): void {
    let loc = LOC(s);
    const value = s.value;
    const preserveTos = value !== null && value._type !== NodeType.Constant;
    if (!this.u.ste.isFunctionLike()) throw this.error(loc, "'return' outside function");
    if (value !== null && this.u.ste.coroutine && this.u.ste.generator) throw this.error(loc, "'return' with value in async generator");
    if (preserveTos) {
      this.visitExpr(value!);
    } else if (value !== null) {
      // The return gets the constant's span.
      loc = LOC(value);
      this.addOp(op.NOP, loc);
    }
    if (value === null || value.lineno !== s.lineno) {
      loc = LOC(s);
      this.addOp(op.NOP, loc);
    }
    loc = this.unwindFBlockStack(loc, preserveTos, false).loc;
    if (value === null) this.loadConst(NONE, loc);
    else if (!preserveTos) this.loadConst(valueOfConstantNode(value), loc);
    this.addOp(op.RETURN_VALUE, loc);
  }

  /** `compiler_break`. */
  private breakStmt(loc: Location): void {
    const origin = loc;
    this.addOp(op.NOP, loc);
    const r = this.unwindFBlockStack(loc, false, true);
    if (r.loop === null) throw this.error(origin, "'break' outside loop");
    loc = this.unwindFBlock(r.loc, r.loop, false);
    this.addJump(op.JUMP, r.loop.exit, loc);
  }

  /** `compiler_continue`. */
  private continueStmt(loc: Location): void {
    const origin = loc;
    this.addOp(op.NOP, loc);
    const r = this.unwindFBlockStack(loc, false, true);
    if (r.loop === null) throw this.error(origin, "'continue' not properly in loop");
    this.addJump(op.JUMP, r.loop.block, r.loc);
  }

  /** `compiler_if`. */
  private ifStmt(s: StmtNode & { _type: NodeType.If }): void {
    const end = this.newLabel();
    let next = end;
    if (s.orelse.length > 0) next = this.newLabel();
    this.jumpIf(LOC(s), s.test, next, false);
    this.visitStmts(s.body);
    if (s.orelse.length > 0) {
      // No eval-breaker check on this forward jump: the flow-graph passes
      // neither thread a conditional jump through it nor copy it per predecessor.
      this.addJump(op.JUMP_NO_INTERRUPT, end, NO_LOCATION);
      this.useLabel(next);
      this.visitStmts(s.orelse);
    }
    this.useLabel(end);
  }

  /** `compiler_while`: the test is compiled twice, before the loop and at its bottom. */
  private whileStmt(s: StmtNode & { _type: NodeType.While }): void {
    const loop = this.newLabel();
    const body = this.newLabel();
    const end = this.newLabel();
    const anchor = this.newLabel();
    this.useLabel(loop);
    this.pushFBlock(LOC(s), FBlockType.WhileLoop, loop, end, null);
    this.jumpIf(LOC(s), s.test, anchor, false);
    this.useLabel(body);
    this.visitStmts(s.body);
    // The test again at the bottom: one conditional jump back per iteration.
    this.jumpIf(LOC(s), s.test, body, true);
    this.popFBlock();
    this.useLabel(anchor);
    this.visitStmts(s.orelse);
    this.useLabel(end);
  }

  /** `compiler_for`. */
  private forStmt(s: For): void {
    let loc = LOC(s);
    const start = this.newLabel();
    const body = this.newLabel();
    const cleanup = this.newLabel();
    const end = this.newLabel();
    this.pushFBlock(loc, FBlockType.ForLoop, start, end, null);
    this.visitExpr(s.iter);
    loc = LOC(s.iter);
    this.addOp(op.GET_ITER, loc);
    this.useLabel(start);
    this.addJump(op.FOR_ITER, cleanup, loc);
    // A NOP on the target's line, so that a multi-line `for` traces its target.
    this.addOp(op.NOP, LOC(s.target));
    this.useLabel(body);
    this.visitExpr(s.target);
    this.visitStmts(s.body);
    this.addJump(op.JUMP, start, NO_LOCATION);
    this.useLabel(cleanup);
    this.addOp(op.END_FOR, NO_LOCATION);
    this.addOp(op.POP_TOP, NO_LOCATION);
    this.popFBlock();
    this.visitStmts(s.orelse);
    this.useLabel(end);
  }

  /** `compiler_async_for`. */
  private asyncFor(s: AsyncFor): void {
    const loc = LOC(s);
    if (this.isTopLevelAwait() && this.u.scopeType !== ScopeType.AsyncFunction) {
      // top-level await is a compile flag we never set
    }
    if (this.u.scopeType !== ScopeType.AsyncFunction) throw this.error(loc, "'async for' outside async function");
    const start = this.newLabel();
    const except = this.newLabel();
    const end = this.newLabel();
    this.visitExpr(s.iter);
    this.addOp(op.GET_AITER, LOC(s.iter));
    this.useLabel(start);
    this.pushFBlock(loc, FBlockType.ForLoop, start, end, null);
    this.addJump(op.SETUP_FINALLY, except, loc);
    this.addOp(op.GET_ANEXT, loc);
    this.loadConst(NONE, loc);
    this.addYieldFrom(loc, true);
    this.addOp(op.POP_BLOCK, loc);
    this.visitExpr(s.target);
    this.visitStmts(s.body);
    this.addJump(op.JUMP, start, NO_LOCATION);
    this.popFBlock();
    this.useLabel(except);
    this.addOp(op.END_ASYNC_FOR, LOC(s.iter));
    this.visitStmts(s.orelse);
    this.useLabel(end);
  }

  /** `compiler_augassign`. */
  private augAssign(s: StmtNode & { _type: NodeType.AugAssign }): void {
    const e = s.target;
    let loc = LOC(e);
    switch (e._type) {
      case NodeType.Attribute:
        this.visitExpr(e.value);
        this.addOpI(op.COPY, 1, loc);
        loc = this.updateStartLocationToMatchAttr(loc, e);
        this.addOpName(op.LOAD_ATTR, e.attr, loc);
        break;
      case NodeType.Subscript:
        this.visitExpr(e.value);
        if (isTwoElementSlice(e.slice)) {
          this.slice(e.slice);
          this.addOpI(op.COPY, 3, loc);
          this.addOpI(op.COPY, 3, loc);
          this.addOpI(op.COPY, 3, loc);
          this.addOp(op.BINARY_SLICE, loc);
        } else {
          this.visitExpr(e.slice);
          this.addOpI(op.COPY, 2, loc);
          this.addOpI(op.COPY, 2, loc);
          this.addOp(op.BINARY_SUBSCR, loc);
        }
        break;
      case NodeType.Name:
        this.nameop(loc, e.id, ExprContext.Load);
        break;
      default:
        throw new Error(`invalid node type (${e._type}) for augmented assignment`);
    }
    loc = LOC(s);
    this.visitExpr(s.value);
    this.addOpI(op.BINARY_OP, BINOP_ARG[s.op] + INPLACE_OFFSET, loc);
    loc = LOC(e);
    switch (e._type) {
      case NodeType.Attribute:
        loc = this.updateStartLocationToMatchAttr(loc, e);
        this.addOpI(op.SWAP, 2, loc);
        this.addOpName(op.STORE_ATTR, e.attr, loc);
        break;
      case NodeType.Subscript:
        if (isTwoElementSlice(e.slice)) {
          this.addOpI(op.SWAP, 4, loc);
          this.addOpI(op.SWAP, 3, loc);
          this.addOpI(op.SWAP, 2, loc);
          this.addOp(op.STORE_SLICE, loc);
        } else {
          this.addOpI(op.SWAP, 3, loc);
          this.addOpI(op.SWAP, 2, loc);
          this.addOp(op.STORE_SUBSCR, loc);
        }
        break;
      case NodeType.Name:
        this.nameop(loc, e.id, ExprContext.Store);
        break;
    }
  }

  /** `check_ann_expr`. */
  private checkAnnExpr(e: ExprNode): void {
    this.visitExpr(e);
    this.addOp(op.POP_TOP, LOC(e));
  }

  /** `check_ann_subscr`. */
  private checkAnnSubscr(e: ExprNode): void {
    switch (e._type) {
      case NodeType.Slice:
        if (e.lower !== null) this.checkAnnExpr(e.lower);
        if (e.upper !== null) this.checkAnnExpr(e.upper);
        if (e.step !== null) this.checkAnnExpr(e.step);
        return;
      case NodeType.Tuple:
        for (const elt of e.elts) this.checkAnnSubscr(elt);
        return;
      default:
        this.checkAnnExpr(e);
    }
  }

  /** `compiler_annassign`. */
  private annAssign(s: StmtNode & { _type: NodeType.AnnAssign }): void {
    const loc = LOC(s);
    const targ = s.target;
    const futureAnnotations = (this.future.features & CO_FUTURE_ANNOTATIONS) !== 0;
    if (s.value !== null) {
      this.visitExpr(s.value);
      this.visitExpr(targ);
    }
    switch (targ._type) {
      case NodeType.Name:
        this.checkForbiddenName(loc, targ.id, ExprContext.Store);
        if (s.simple && (this.u.scopeType === ScopeType.Module || this.u.scopeType === ScopeType.Class)) {
          if (futureAnnotations) this.visitAnnExpr(s.annotation);
          else this.visitExpr(s.annotation);
          this.addOpName(op.LOAD_NAME, '__annotations__', loc);
          this.loadConst(strConst(this.mangle(targ.id)), loc);
          this.addOp(op.STORE_SUBSCR, loc);
        }
        break;
      case NodeType.Attribute:
        this.checkForbiddenName(loc, targ.attr, ExprContext.Store);
        if (s.value === null) this.checkAnnExpr(targ.value);
        break;
      case NodeType.Subscript:
        if (s.value === null) {
          this.checkAnnExpr(targ.value);
          this.checkAnnSubscr(targ.slice);
        }
        break;
      default:
        throw new Error(`invalid node type (${targ._type}) for annotated assignment`);
    }
    // check_annotation: a complex target's annotation is evaluated in a module or class.
    if (!s.simple && !futureAnnotations && (this.u.scopeType === ScopeType.Module || this.u.scopeType === ScopeType.Class)) {
      this.checkAnnExpr(s.annotation);
    }
  }

  /** `compiler_assert`. */
  private assertStmt(s: StmtNode & { _type: NodeType.Assert }): void {
    // A non-empty tuple is always true: the message was meant to be the second operand.
    const test = s.test;
    if ((test._type === NodeType.Tuple && test.elts.length > 0) || (test._type === NodeType.Constant && isNonEmptyTupleConstant(test))) {
      this.warn(LOC(s), 'assertion is always true, perhaps remove parentheses?');
    }
    if (this.options.optimize) return;
    const end = this.newLabel();
    this.jumpIf(LOC(s), s.test, end, true);
    this.addOp(op.LOAD_ASSERTION_ERROR, LOC(s));
    if (s.msg !== null) {
      this.visitExpr(s.msg);
      this.addOpI(op.CALL, 0, LOC(s));
    }
    // The raise is located at the test, as in 3.13.
    this.addOpI(op.RAISE_VARARGS, 1, LOC(s.test));
    this.useLabel(end);
  }

  /** `compiler_import`. */
  private importStmt(s: StmtNode & { _type: NodeType.Import }): void {
    const loc = LOC(s);
    for (const alias of s.names) {
      this.loadConst(intConst(0), loc);
      this.loadConst(NONE, loc);
      this.addOpName(op.IMPORT_NAME, alias.name, loc);
      if (alias.asname !== null) {
        this.importAs(loc, alias.name, alias.asname);
      } else {
        const dot = alias.name.indexOf('.');
        this.nameop(loc, dot === -1 ? alias.name : alias.name.slice(0, dot), ExprContext.Store);
      }
    }
  }

  /** `compiler_import_as`. */
  private importAs(loc: Location, name: string, asname: string): void {
    let dot = name.indexOf('.');
    if (dot !== -1) {
      for (;;) {
        const pos = dot + 1;
        dot = name.indexOf('.', pos);
        const attr = name.slice(pos, dot !== -1 ? dot : name.length);
        this.addOpNameRaw(op.IMPORT_FROM, attr, loc);
        if (dot === -1) break;
        this.addOpI(op.SWAP, 2, loc);
        this.addOp(op.POP_TOP, loc);
      }
      this.nameop(loc, asname, ExprContext.Store);
      this.addOp(op.POP_TOP, loc);
      return;
    }
    this.nameop(loc, asname, ExprContext.Store);
  }

  /** `compiler_from_import`. */
  private fromImport(s: StmtNode & { _type: NodeType.ImportFrom }): void {
    const loc = LOC(s);
    this.loadConst(intConst(s.level), loc);
    const names = tupleConst(s.names.map((a) => strConst(a.name)));
    const fl = this.future.location;
    const after = s.lineno > fl.lineno || (s.lineno === fl.lineno && s.col_offset > fl.col_offset);
    if (after && s.module === '__future__' && s.level === 0) {
      throw this.error(loc, 'from __future__ imports must occur at the beginning of the file');
    }
    this.loadConst(names, loc);
    this.addOpName(op.IMPORT_NAME, s.module ?? '', loc);
    for (let i = 0; i < s.names.length; i++) {
      const alias = s.names[i];
      if (i === 0 && alias.name.startsWith('*')) {
        this.addOpI(op.CALL_INTRINSIC_1, op.INTRINSIC_IMPORT_STAR, loc);
        this.addOp(op.POP_TOP, NO_LOCATION);
        return;
      }
      this.addOpName(op.IMPORT_FROM, alias.name, loc);
      this.nameop(loc, alias.asname ?? alias.name, ExprContext.Store);
    }
    this.addOp(op.POP_TOP, loc);
  }

  // ---------------------------------------------------------------- try / with

  /** `compiler_pop_except_and_reraise`. */
  private popExceptAndReraise(loc: Location): void {
    this.addOpI(op.COPY, 3, loc);
    this.addOp(op.POP_EXCEPT, loc);
    this.addOpI(op.RERAISE, 1, loc);
  }

  /** `compiler_try_finally`. */
  private tryFinally(s: Try | TryStar): void {
    let loc = LOC(s);
    const body = this.newLabel();
    const end = this.newLabel();
    const exit = this.newLabel();
    const cleanup = this.newLabel();
    this.addJump(op.SETUP_FINALLY, end, loc);
    this.useLabel(body);
    this.pushFBlock(loc, FBlockType.FinallyTry, body, end, s.finalbody);
    if (s.handlers.length > 0) {
      if (s._type === NodeType.Try) this.tryExcept(s);
      else this.tryStarExcept(s);
    } else {
      this.visitStmts(s.body);
    }
    this.addOp(op.POP_BLOCK, NO_LOCATION);
    this.popFBlock();
    this.visitStmts(s.finalbody);
    this.addJump(op.JUMP_NO_INTERRUPT, exit, NO_LOCATION);
    this.useLabel(end);
    loc = NO_LOCATION;
    this.addJump(op.SETUP_CLEANUP, cleanup, loc);
    this.addOp(op.PUSH_EXC_INFO, loc);
    this.pushFBlock(loc, FBlockType.FinallyEnd, end, NO_LABEL, null);
    this.visitStmts(s.finalbody);
    this.popFBlock();
    this.addOpI(op.RERAISE, 0, loc);
    this.useLabel(cleanup);
    this.popExceptAndReraise(loc);
    this.useLabel(exit);
  }

  /** `compiler_try_except`. */
  private tryExcept(s: Try): void {
    const loc = LOC(s);
    const body = this.newLabel();
    let except = this.newLabel();
    const end = this.newLabel();
    const cleanup = this.newLabel();
    this.addJump(op.SETUP_FINALLY, except, loc);
    this.useLabel(body);
    this.pushFBlock(loc, FBlockType.TryExcept, body, NO_LABEL, null);
    this.visitStmts(s.body);
    this.popFBlock();
    this.addOp(op.POP_BLOCK, NO_LOCATION);
    this.visitStmts(s.orelse);
    this.addJump(op.JUMP_NO_INTERRUPT, end, NO_LOCATION);
    const n = s.handlers.length;
    this.useLabel(except);
    this.addJump(op.SETUP_CLEANUP, cleanup, NO_LOCATION);
    this.addOp(op.PUSH_EXC_INFO, NO_LOCATION);
    this.pushFBlock(loc, FBlockType.ExceptionHandler, NO_LABEL, NO_LABEL, null);
    for (let i = 0; i < n; i++) {
      const handler = s.handlers[i];
      const hloc = LOC(handler);
      if (handler.type === null && i < n - 1) throw this.error(hloc, "default 'except:' must be last");
      except = this.newLabel();
      if (handler.type !== null) {
        this.visitExpr(handler.type);
        this.addOp(op.CHECK_EXC_MATCH, hloc);
        this.addJump(op.POP_JUMP_IF_FALSE, except, hloc);
      }
      if (handler.name !== null) {
        const cleanupEnd = this.newLabel();
        const cleanupBody = this.newLabel();
        this.nameop(hloc, handler.name, ExprContext.Store);
        this.addJump(op.SETUP_CLEANUP, cleanupEnd, hloc);
        this.useLabel(cleanupBody);
        this.pushFBlock(hloc, FBlockType.HandlerCleanup, cleanupBody, NO_LABEL, handler.name);
        this.visitStmts(handler.body);
        this.popFBlock();
        this.addOp(op.POP_BLOCK, NO_LOCATION);
        this.addOp(op.POP_BLOCK, NO_LOCATION);
        this.addOp(op.POP_EXCEPT, NO_LOCATION);
        this.loadConst(NONE, NO_LOCATION);
        this.nameop(NO_LOCATION, handler.name, ExprContext.Store);
        this.nameop(NO_LOCATION, handler.name, ExprContext.Del);
        this.addJump(op.JUMP_NO_INTERRUPT, end, NO_LOCATION);
        this.useLabel(cleanupEnd);
        this.loadConst(NONE, NO_LOCATION);
        this.nameop(NO_LOCATION, handler.name, ExprContext.Store);
        this.nameop(NO_LOCATION, handler.name, ExprContext.Del);
        this.addOpI(op.RERAISE, 1, NO_LOCATION);
      } else {
        const cleanupBody = this.newLabel();
        this.addOp(op.POP_TOP, hloc);
        this.useLabel(cleanupBody);
        this.pushFBlock(hloc, FBlockType.HandlerCleanup, cleanupBody, NO_LABEL, null);
        this.visitStmts(handler.body);
        this.popFBlock();
        this.addOp(op.POP_BLOCK, NO_LOCATION);
        this.addOp(op.POP_EXCEPT, NO_LOCATION);
        this.addJump(op.JUMP_NO_INTERRUPT, end, NO_LOCATION);
      }
      this.useLabel(except);
    }
    this.popFBlock();
    this.addOpI(op.RERAISE, 0, NO_LOCATION);
    this.useLabel(cleanup);
    this.popExceptAndReraise(NO_LOCATION);
    this.useLabel(end);
  }

  /** `compiler_try_star`. */
  private tryStar(s: TryStar): void {
    if (s.finalbody.length > 0) this.tryFinally(s);
    else this.tryStarExcept(s);
  }

  /**
   * `compiler_try_star_except`: every handler sees what the ones before left
   * unmatched (CHECK_EG_MATCH splits the group); what the handlers raise or
   * leave is collected in a list that PREP_RERAISE_STAR turns into the
   * exception to re-raise, or None.
   */
  private tryStarExcept(s: TryStar): void {
    const loc = LOC(s);
    const body = this.newLabel();
    let except = this.newLabel();
    const orelse = this.newLabel();
    const end = this.newLabel();
    const cleanup = this.newLabel();
    const reraiseStar = this.newLabel();
    this.addJump(op.SETUP_FINALLY, except, loc);
    this.useLabel(body);
    this.pushFBlock(loc, FBlockType.TryExcept, body, NO_LABEL, null);
    this.visitStmts(s.body);
    this.popFBlock();
    this.addOp(op.POP_BLOCK, NO_LOCATION);
    this.addJump(op.JUMP_NO_INTERRUPT, orelse, NO_LOCATION);
    const n = s.handlers.length;
    this.useLabel(except);
    this.addJump(op.SETUP_CLEANUP, cleanup, NO_LOCATION);
    this.addOp(op.PUSH_EXC_INFO, NO_LOCATION);
    // The runtime pushes a block here.
    this.pushFBlock(loc, FBlockType.ExceptionGroupHandler, NO_LABEL, NO_LABEL, null);
    for (let i = 0; i < n; i++) {
      const handler = s.handlers[i];
      const hloc = LOC(handler);
      except = this.newLabel();
      const exceptWithError = this.newLabel();
      const noMatch = this.newLabel();
      if (i === 0) {
        // [orig] → [orig, [], orig]: the list of raised exceptions and the group to split.
        this.addOpI(op.BUILD_LIST, 0, hloc);
        this.addOpI(op.COPY, 2, hloc);
      }
      if (handler.type !== null) {
        this.visitExpr(handler.type);
        this.addOp(op.CHECK_EG_MATCH, hloc);
        this.addOpI(op.COPY, 1, hloc);
        this.addJump(op.POP_JUMP_IF_NONE, noMatch, hloc);
      }
      const cleanupEnd = this.newLabel();
      const cleanupBody = this.newLabel();
      if (handler.name !== null) this.nameop(hloc, handler.name, ExprContext.Store);
      else this.addOp(op.POP_TOP, hloc);
      this.addJump(op.SETUP_CLEANUP, cleanupEnd, hloc);
      this.useLabel(cleanupBody);
      this.pushFBlock(hloc, FBlockType.HandlerCleanup, cleanupBody, NO_LABEL, handler.name);
      this.visitStmts(handler.body);
      this.popFBlock();
      this.addOp(op.POP_BLOCK, NO_LOCATION);
      if (handler.name !== null) {
        this.loadConst(NONE, NO_LOCATION);
        this.nameop(NO_LOCATION, handler.name, ExprContext.Store);
        this.nameop(NO_LOCATION, handler.name, ExprContext.Del);
      }
      this.addJump(op.JUMP_NO_INTERRUPT, except, NO_LOCATION);
      // The handler raised: add its exception to the list.
      this.useLabel(cleanupEnd);
      if (handler.name !== null) {
        this.loadConst(NONE, NO_LOCATION);
        this.nameop(NO_LOCATION, handler.name, ExprContext.Store);
        this.nameop(NO_LOCATION, handler.name, ExprContext.Del);
      }
      this.addOpI(op.LIST_APPEND, 3, NO_LOCATION);
      this.addOp(op.POP_TOP, NO_LOCATION);
      this.addJump(op.JUMP_NO_INTERRUPT, exceptWithError, NO_LOCATION);
      this.useLabel(except);
      // Holds a propagated location.
      this.addOp(op.NOP, NO_LOCATION);
      this.addJump(op.JUMP_NO_INTERRUPT, exceptWithError, NO_LOCATION);
      this.useLabel(noMatch);
      this.addOp(op.POP_TOP, hloc);
      this.useLabel(exceptWithError);
      if (i === n - 1) {
        // The unhandled rest of the group (or None) joins the list.
        this.addOpI(op.LIST_APPEND, 1, NO_LOCATION);
        this.addJump(op.JUMP_NO_INTERRUPT, reraiseStar, NO_LOCATION);
      }
    }
    this.popFBlock();
    const reraise = this.newLabel();
    this.useLabel(reraiseStar);
    this.addOpI(op.CALL_INTRINSIC_2, op.INTRINSIC_PREP_RERAISE_STAR, NO_LOCATION);
    this.addOpI(op.COPY, 1, NO_LOCATION);
    this.addJump(op.POP_JUMP_IF_NOT_NONE, reraise, NO_LOCATION);
    // Nothing to re-raise.
    this.addOp(op.POP_TOP, NO_LOCATION);
    this.addOp(op.POP_BLOCK, NO_LOCATION);
    this.addOp(op.POP_EXCEPT, NO_LOCATION);
    this.addJump(op.JUMP_NO_INTERRUPT, end, NO_LOCATION);
    this.useLabel(reraise);
    this.addOp(op.POP_BLOCK, NO_LOCATION);
    this.addOpI(op.SWAP, 2, NO_LOCATION);
    this.addOp(op.POP_EXCEPT, NO_LOCATION);
    this.addOpI(op.RERAISE, 0, NO_LOCATION);
    this.useLabel(cleanup);
    this.popExceptAndReraise(NO_LOCATION);
    this.useLabel(orelse);
    this.visitStmts(s.orelse);
    this.useLabel(end);
  }

  /** `compiler_call_exit_with_nones`. */
  private callExitWithNones(loc: Location): void {
    this.loadConst(NONE, loc);
    this.loadConst(NONE, loc);
    this.loadConst(NONE, loc);
    this.addOpI(op.CALL, 2, loc);
  }

  /** `compiler_with_except_finish`. */
  private withExceptFinish(cleanup: Label): void {
    const suppress = this.newLabel();
    this.addOp(op.TO_BOOL, NO_LOCATION);
    this.addJump(op.POP_JUMP_IF_TRUE, suppress, NO_LOCATION);
    this.addOpI(op.RERAISE, 2, NO_LOCATION);
    this.useLabel(suppress);
    this.addOp(op.POP_TOP, NO_LOCATION);
    this.addOp(op.POP_BLOCK, NO_LOCATION);
    this.addOp(op.POP_EXCEPT, NO_LOCATION);
    this.addOp(op.POP_TOP, NO_LOCATION);
    this.addOp(op.POP_TOP, NO_LOCATION);
    const exit = this.newLabel();
    this.addJump(op.JUMP_NO_INTERRUPT, exit, NO_LOCATION);
    this.useLabel(cleanup);
    this.popExceptAndReraise(NO_LOCATION);
    this.useLabel(exit);
  }

  /** `compiler_with`. */
  private withStmt(s: With, pos: number): void {
    const item = s.items[pos];
    const block = this.newLabel();
    const final = this.newLabel();
    const exit = this.newLabel();
    const cleanup = this.newLabel();
    this.visitExpr(item.context_expr);
    const loc = LOC(item.context_expr);
    this.addOp(op.BEFORE_WITH, loc);
    this.addJump(op.SETUP_WITH, final, loc);
    this.useLabel(block);
    this.pushFBlock(loc, FBlockType.With, block, final, null);
    if (item.optional_vars !== null) this.visitExpr(item.optional_vars);
    else this.addOp(op.POP_TOP, loc);
    pos++;
    if (pos === s.items.length) this.visitStmts(s.body);
    else this.withStmt(s, pos);
    this.addOp(op.POP_BLOCK, NO_LOCATION);
    this.popFBlock();
    this.callExitWithNones(loc);
    this.addOp(op.POP_TOP, loc);
    this.addJump(op.JUMP, exit, loc);
    this.useLabel(final);
    this.addJump(op.SETUP_CLEANUP, cleanup, loc);
    this.addOp(op.PUSH_EXC_INFO, loc);
    this.addOp(op.WITH_EXCEPT_START, loc);
    this.withExceptFinish(cleanup);
    this.useLabel(exit);
  }

  /** `compiler_async_with`. */
  private asyncWith(s: AsyncWith, pos: number): void {
    const loc0 = LOC(s);
    if (this.u.scopeType !== ScopeType.AsyncFunction) throw this.error(loc0, "'async with' outside async function");
    const item = s.items[pos];
    const block = this.newLabel();
    const final = this.newLabel();
    const exit = this.newLabel();
    const cleanup = this.newLabel();
    this.visitExpr(item.context_expr);
    const loc = LOC(item.context_expr);
    this.addOp(op.BEFORE_ASYNC_WITH, loc);
    this.addOpI(op.GET_AWAITABLE, 1, loc);
    this.loadConst(NONE, loc);
    this.addYieldFrom(loc, true);
    this.addJump(op.SETUP_WITH, final, loc);
    this.useLabel(block);
    this.pushFBlock(loc, FBlockType.AsyncWith, block, final, null);
    if (item.optional_vars !== null) this.visitExpr(item.optional_vars);
    else this.addOp(op.POP_TOP, loc);
    pos++;
    if (pos === s.items.length) this.visitStmts(s.body);
    else this.asyncWith(s, pos);
    this.popFBlock();
    this.addOp(op.POP_BLOCK, loc);
    this.callExitWithNones(loc);
    this.addOpI(op.GET_AWAITABLE, 2, loc);
    this.loadConst(NONE, loc);
    this.addYieldFrom(loc, true);
    this.addOp(op.POP_TOP, loc);
    this.addJump(op.JUMP, exit, loc);
    this.useLabel(final);
    this.addJump(op.SETUP_CLEANUP, cleanup, loc);
    this.addOp(op.PUSH_EXC_INFO, loc);
    this.addOp(op.WITH_EXCEPT_START, loc);
    this.addOpI(op.GET_AWAITABLE, 2, loc);
    this.loadConst(NONE, loc);
    this.addYieldFrom(loc, true);
    this.withExceptFinish(cleanup);
    this.useLabel(exit);
  }

  // ---------------------------------------------------------------- match

  /** `compiler_match` / `compiler_match_inner`. */
  private matchStmt(s: Match): void {
    this.visitExpr(s.subject);
    const end = this.newLabel();
    const cases = s.cases.length;
    const last = s.cases[cases - 1];
    // A trailing `case _:` (not the only case) needs no copy of the subject and no test.
    const hasDefault = isWildcard(last.pattern) && cases > 1 ? 1 : 0;
    for (let i = 0; i < cases - hasDefault; i++) {
      const m = s.cases[i];
      const ploc = LOC(m.pattern);
      const lastTested = i === cases - hasDefault - 1;
      // Every case but the last tested one works on a copy of the subject.
      if (!lastTested) this.addOpI(op.COPY, 1, ploc);
      // Irrefutable cases must be either guarded, last, or both.
      const pc: PatternContext = { stores: [], allowIrrefutable: m.guard !== null || i === cases - 1, failPop: [], onTop: 0 };
      this.pattern(m.pattern, pc);
      // It's a match: store the captured names (they are on the stack, in order).
      for (const name of pc.stores) this.nameop(ploc, name, ExprContext.Store);
      if (m.guard !== null) {
        this.ensureFailPop(pc, 0);
        this.jumpIf(ploc, m.guard, pc.failPop[0], false);
      }
      if (!lastTested) this.addOp(op.POP_TOP, ploc);
      this.visitStmts(m.body);
      this.addJump(op.JUMP, end, NO_LOCATION);
      // A failed match cleans up on the pattern's line, not the body's last one.
      this.emitAndResetFailPop(ploc, pc);
    }
    if (hasDefault) {
      const m = last;
      const ploc = LOC(m.pattern);
      // cases === 1 cannot happen here (hasDefault needs two cases): the
      // default's NOP gives its line a trace event.
      this.addOp(op.NOP, ploc);
      if (m.guard !== null) this.jumpIf(ploc, m.guard, end, false);
      this.visitStmts(m.body);
    }
    this.useLabel(end);
  }

  /** `ensure_fail_pop`: labels for failing with up to `n` items to pop. */
  private ensureFailPop(pc: PatternContext, n: number): void {
    while (pc.failPop.length < n + 1) pc.failPop.push(this.newLabel());
  }

  /** `jump_to_fail_pop`: on failure, pop what is on top and every capture made so far. */
  private jumpToFailPop(loc: Location, pc: PatternContext, opcode: number): void {
    const pops = pc.onTop + pc.stores.length;
    this.ensureFailPop(pc, pops);
    this.addJump(opcode, pc.failPop[pops], loc);
  }

  /** `emit_and_reset_fail_pop`: the chain of POP_TOPs the failure jumps land in. */
  private emitAndResetFailPop(loc: Location, pc: PatternContext): void {
    if (pc.failPop.length === 0) return;
    for (let n = pc.failPop.length - 1; n > 0; n--) {
      this.useLabel(pc.failPop[n]);
      this.addOp(op.POP_TOP, loc);
    }
    this.useLabel(pc.failPop[0]);
    pc.failPop = [];
  }

  /** `pattern_helper_rotate`: 3.10's ROT_N as SWAPs. */
  private patternRotate(loc: Location, count: number): void {
    while (count > 1) this.addOpI(op.SWAP, count--, loc);
  }

  /** `pattern_helper_store_name`: the value on top becomes a capture, below what the pattern still needs. */
  private patternStoreName(loc: Location, name: string | null, pc: PatternContext): void {
    if (name === null) {
      this.addOp(op.POP_TOP, loc);
      return;
    }
    this.checkForbiddenName(loc, name, ExprContext.Store);
    if (pc.stores.includes(name)) throw this.error(loc, `multiple assignments to name ${constRepr(strConst(name))} in pattern`);
    this.patternRotate(loc, pc.onTop + pc.stores.length + 1);
    pc.stores.push(name);
  }

  /** `pattern_unpack_helper`. */
  private patternUnpackHelper(loc: Location, elts: PatternNode[]): void {
    const n = elts.length;
    let seenStar = false;
    for (let i = 0; i < n; i++) {
      if (elts[i]._type !== NodeType.MatchStar) continue;
      if (seenStar) throw this.error(loc, 'multiple starred expressions in sequence pattern');
      if (i >= 1 << 8 || n - i - 1 >= 0x7fffffff >> 8) throw this.error(loc, 'too many expressions in star-unpacking sequence pattern');
      this.addOpI(op.UNPACK_EX, i + ((n - i - 1) << 8), loc);
      seenStar = true;
    }
    if (!seenStar) this.addOpI(op.UNPACK_SEQUENCE, n, loc);
  }

  /** `pattern_helper_sequence_unpack`: unpack the subject, match each item. */
  private patternSequenceUnpack(loc: Location, patterns: PatternNode[], pc: PatternContext): void {
    this.patternUnpackHelper(loc, patterns);
    const size = patterns.length;
    // The items stay on the stack while the ones before them are matched.
    pc.onTop += size;
    for (const p of patterns) {
      pc.onTop--;
      this.patternSubpattern(p, pc);
    }
  }

  /**
   * `pattern_helper_sequence_subscr`: with a `*_`, index the subject instead
   * of unpacking it (negative positions as `len - k`: the subject may not
   * take negative indexes).
   */
  private patternSequenceSubscr(loc: Location, patterns: PatternNode[], star: number, pc: PatternContext): void {
    pc.onTop++;
    const size = patterns.length;
    for (let i = 0; i < size; i++) {
      const p = patterns[i];
      if (isWildcard(p) || i === star) continue;
      this.addOpI(op.COPY, 1, loc);
      if (i < star) {
        this.loadConst(intConst(i), loc);
      } else {
        this.addOp(op.GET_LEN, loc);
        this.loadConst(intConst(size - i), loc);
        this.addOpI(op.BINARY_OP, op.NB_SUBTRACT, loc);
      }
      this.addOp(op.BINARY_SUBSCR, loc);
      this.patternSubpattern(p, pc);
    }
    pc.onTop--;
    this.addOp(op.POP_TOP, loc);
  }

  /** `compiler_pattern_subpattern`: a sub-pattern may be irrefutable. */
  private patternSubpattern(p: PatternNode, pc: PatternContext): void {
    const allow = pc.allowIrrefutable;
    pc.allowIrrefutable = true;
    this.pattern(p, pc);
    pc.allowIrrefutable = allow;
  }

  /** `compiler_pattern`. */
  private pattern(p: PatternNode, pc: PatternContext): void {
    const loc = LOC(p);
    switch (p._type) {
      case NodeType.MatchValue: {
        const v = p.value;
        if (v._type !== NodeType.Constant && v._type !== NodeType.Attribute) throw this.error(loc, 'patterns may only match literals and attribute lookups');
        this.visitExpr(v);
        this.addCompare(loc, CmpOperator.Eq);
        this.addOp(op.TO_BOOL, loc);
        this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
        return;
      }
      case NodeType.MatchSingleton:
        this.loadConst(p.value === null ? NONE : p.value ? TRUE : FALSE, loc);
        this.addCompare(loc, CmpOperator.Is);
        this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
        return;
      case NodeType.MatchSequence:
        return this.patternSequence(p, pc);
      case NodeType.MatchMapping:
        return this.patternMapping(p, pc);
      case NodeType.MatchClass:
        return this.patternClass(p, pc);
      case NodeType.MatchStar:
        return this.patternStoreName(loc, p.name, pc);
      case NodeType.MatchAs:
        if (p.pattern === null) {
          if (!pc.allowIrrefutable) {
            if (p.name !== null) throw this.error(loc, `name capture ${constRepr(strConst(p.name))} makes remaining patterns unreachable`);
            throw this.error(loc, 'wildcard makes remaining patterns unreachable');
          }
          return this.patternStoreName(loc, p.name, pc);
        }
        // A copy to store if the sub-pattern matches.
        pc.onTop++;
        this.addOpI(op.COPY, 1, loc);
        this.pattern(p.pattern, pc);
        pc.onTop--;
        return this.patternStoreName(loc, p.name, pc);
      case NodeType.MatchOr:
        return this.patternOr(p, pc);
    }
  }

  /** `compiler_pattern_sequence`. */
  private patternSequence(p: PatternNode & { _type: NodeType.MatchSequence }, pc: PatternContext): void {
    const loc = LOC(p);
    const patterns = p.patterns;
    const size = patterns.length;
    let star = -1;
    let onlyWildcard = true;
    let starWildcard = false;
    for (let i = 0; i < size; i++) {
      const q = patterns[i];
      if (q._type === NodeType.MatchStar) {
        if (star >= 0) throw this.error(loc, 'multiple starred names in sequence pattern');
        starWildcard = q.name === null;
        onlyWildcard &&= starWildcard;
        star = i;
        continue;
      }
      onlyWildcard &&= isWildcard(q);
    }
    // The subject stays on top during the type and length checks.
    pc.onTop++;
    this.addOp(op.MATCH_SEQUENCE, loc);
    this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
    if (star < 0) {
      this.addOp(op.GET_LEN, loc);
      this.loadConst(intConst(size), loc);
      this.addCompare(loc, CmpOperator.Eq);
      this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
    } else if (size > 1) {
      this.addOp(op.GET_LEN, loc);
      this.loadConst(intConst(size - 1), loc);
      this.addCompare(loc, CmpOperator.GtE);
      this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
    }
    pc.onTop--;
    if (onlyWildcard) this.addOp(op.POP_TOP, loc);
    else if (starWildcard) this.patternSequenceSubscr(loc, patterns, star, pc);
    else this.patternSequenceUnpack(loc, patterns, pc);
  }

  /** `compiler_pattern_mapping`. */
  private patternMapping(p: PatternNode & { _type: NodeType.MatchMapping }, pc: PatternContext): void {
    const loc = LOC(p);
    const keys = p.keys;
    const size = keys.length;
    const starTarget = p.rest;
    pc.onTop++;
    this.addOp(op.MATCH_MAPPING, loc);
    this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
    if (size === 0 && starTarget === null) {
      // `{}`: done, pop the subject.
      pc.onTop--;
      this.addOp(op.POP_TOP, loc);
      return;
    }
    if (size > 0) {
      this.addOp(op.GET_LEN, loc);
      this.loadConst(intConst(size), loc);
      this.addCompare(loc, CmpOperator.GtE);
      this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
    }
    // The keys, literals or dotted names, into one tuple for MATCH_KEYS;
    // a literal key twice is an error.
    const seen = new Set<string>();
    for (const key of keys) {
      if (key._type === NodeType.Constant) {
        const value = valueOfConstantNode(key);
        const k = setKey(value);
        if (seen.has(k)) throw this.error(loc, `mapping pattern checks duplicate key (${constRepr(value)})`);
        seen.add(k);
      } else if (key._type !== NodeType.Attribute) {
        throw this.error(loc, 'mapping pattern keys may only match literals and attribute lookups');
      }
      this.visitExpr(key);
    }
    this.addOpI(op.BUILD_TUPLE, size, loc);
    this.addOp(op.MATCH_KEYS, loc);
    // The keys tuple and the values tuple (or None) are on top of the subject.
    pc.onTop += 2;
    this.addOpI(op.COPY, 1, loc);
    this.loadConst(NONE, loc);
    this.addOpI(op.IS_OP, 1, loc);
    this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
    this.addOpI(op.UNPACK_SEQUENCE, size, loc);
    pc.onTop += size - 1;
    for (const q of p.patterns) {
      pc.onTop--;
      this.patternSubpattern(q, pc);
    }
    // A match: what follows consumes the keys tuple and the subject.
    pc.onTop -= 2;
    if (starTarget !== null) {
      // rest = dict(subject); del rest[key] for each key.
      this.addOpI(op.BUILD_MAP, 0, loc);
      this.addOpI(op.SWAP, 3, loc);
      this.addOpI(op.DICT_UPDATE, 2, loc);
      this.addOpI(op.UNPACK_SEQUENCE, size, loc);
      for (let n = size; n > 0; n--) {
        this.addOpI(op.COPY, 1 + n, loc);
        this.addOpI(op.SWAP, 2, loc);
        this.addOp(op.DELETE_SUBSCR, loc);
      }
      this.patternStoreName(loc, starTarget, pc);
    } else {
      this.addOp(op.POP_TOP, loc);
      this.addOp(op.POP_TOP, loc);
    }
  }

  /** `compiler_pattern_class`. */
  private patternClass(p: PatternNode & { _type: NodeType.MatchClass }, pc: PatternContext): void {
    const loc = LOC(p);
    const patterns = p.patterns;
    const kwdAttrs = p.kwd_attrs;
    const kwdPatterns = p.kwd_patterns;
    const nargs = patterns.length;
    const nattrs = kwdAttrs.length;
    // validate_kwd_attrs: the errors point at the sub-patterns (the parser keeps no node for the names).
    for (let i = 0; i < nattrs; i++) {
      const attr = kwdAttrs[i];
      this.checkForbiddenName(LOC(kwdPatterns[i]), attr, ExprContext.Store);
      for (let j = i + 1; j < nattrs; j++) {
        if (kwdAttrs[j] === attr) throw this.error(LOC(kwdPatterns[j]), `attribute name repeated in class pattern: ${attr}`);
      }
    }
    this.visitExpr(p.cls);
    this.loadConst(tupleConst(kwdAttrs.map(strConst)), loc);
    this.addOpI(op.MATCH_CLASS, nargs, loc);
    this.addOpI(op.COPY, 1, loc);
    this.loadConst(NONE, loc);
    this.addOpI(op.IS_OP, 1, loc);
    // On top: the tuple of the nargs + nattrs attributes, or None.
    pc.onTop++;
    this.jumpToFailPop(loc, pc, op.POP_JUMP_IF_FALSE);
    this.addOpI(op.UNPACK_SEQUENCE, nargs + nattrs, loc);
    pc.onTop += nargs + nattrs - 1;
    for (let i = 0; i < nargs + nattrs; i++) {
      pc.onTop--;
      const q = i < nargs ? patterns[i] : kwdPatterns[i - nargs];
      if (isWildcard(q)) {
        this.addOp(op.POP_TOP, loc);
        continue;
      }
      this.patternSubpattern(q, pc);
    }
  }

  /**
   * `compiler_pattern_or`: each alternative on its own copy of the subject,
   * with its own captures; every alternative must bind the first one's names,
   * and its captures are reordered on the stack to the first one's order.
   */
  private patternOr(p: PatternNode & { _type: NodeType.MatchOr }, pc: PatternContext): void {
    const loc = LOC(p);
    const end = this.newLabel();
    const size = p.patterns.length;
    const old = { stores: pc.stores, allowIrrefutable: pc.allowIrrefutable, failPop: pc.failPop, onTop: pc.onTop };
    let control: string[] | null = null;
    for (let i = 0; i < size; i++) {
      const alt = p.patterns[i];
      const aloc = LOC(alt);
      pc.stores = [];
      // An irrefutable alternative must be last, if it is allowed at all.
      pc.allowIrrefutable = i === size - 1 && old.allowIrrefutable;
      pc.failPop = [];
      pc.onTop = 0;
      this.addOpI(op.COPY, 1, aloc);
      this.pattern(alt, pc);
      const nstores = pc.stores.length;
      if (i === 0) {
        control = pc.stores;
      } else if (nstores !== control!.length) {
        throw this.error(loc, 'alternative patterns bind different names');
      } else if (nstores > 0) {
        for (let icontrol = nstores - 1; icontrol >= 0; icontrol--) {
          const name = control![icontrol];
          const istores = pc.stores.indexOf(name);
          if (istores < 0) throw this.error(loc, 'alternative patterns bind different names');
          if (icontrol !== istores) {
            // Move the first istores + 1 captures up to icontrol, on the stack as in the list.
            let rotations = istores + 1;
            const rotated = pc.stores.splice(0, rotations);
            pc.stores.splice(icontrol - istores, 0, ...rotated);
            while (rotations--) this.patternRotate(aloc, icontrol + 1);
          }
        }
      }
      this.addJump(op.JUMP, end, aloc);
      this.emitAndResetFailPop(aloc, pc);
    }
    pc.stores = old.stores;
    pc.allowIrrefutable = old.allowIrrefutable;
    pc.failPop = old.failPop;
    pc.onTop = old.onTop;
    // No alternative matched: pop the subject's copy and fail.
    this.addOp(op.POP_TOP, loc);
    this.jumpToFailPop(loc, pc, op.JUMP);
    this.useLabel(end);
    const names = control!;
    // Between the new captures and their place: the other new captures, the
    // subject's copy, what the enclosing pattern keeps on top, and the captures made before.
    const nrots = names.length + 1 + pc.onTop + pc.stores.length;
    for (const name of names) {
      this.patternRotate(loc, nrots);
      if (pc.stores.includes(name)) throw this.error(loc, `multiple assignments to name ${constRepr(strConst(name))} in pattern`);
      pc.stores.push(name);
    }
    // Pop the subject's copy.
    this.addOp(op.POP_TOP, loc);
  }

  // ---------------------------------------------------------------- functions and classes

  /** `compiler_check_debug_args`. */
  private checkDebugArgs(args: Arguments): void {
    for (const a of [...args.posonlyargs, ...args.args]) this.checkForbiddenName(LOC(a), a.arg, ExprContext.Store);
    if (args.vararg !== null) this.checkForbiddenName(LOC(args.vararg), args.vararg.arg, ExprContext.Store);
    for (const a of args.kwonlyargs) this.checkForbiddenName(LOC(a), a.arg, ExprContext.Store);
    if (args.kwarg !== null) this.checkForbiddenName(LOC(args.kwarg), args.kwarg.arg, ExprContext.Store);
  }

  /** `compiler_default_arguments`: pushes the defaults tuple and kw-defaults dict; returns the MAKE_FUNCTION flags. */
  private defaultArguments(loc: Location, args: Arguments): number {
    let flags = 0;
    if (args.defaults.length > 0) {
      for (const d of args.defaults) this.visitExpr(d);
      this.addOpI(op.BUILD_TUPLE, args.defaults.length, loc);
      flags |= op.MAKE_FUNCTION_DEFAULTS;
    }
    const keys: ConstValue[] = [];
    for (let i = 0; i < args.kwonlyargs.length; i++) {
      const d = args.kw_defaults[i];
      if (d !== null) {
        keys.push(strConst(this.mangle(args.kwonlyargs[i].arg)));
        this.visitExpr(d);
      }
    }
    if (keys.length > 0) {
      this.loadConst(tupleConst(keys), loc);
      this.addOpI(op.BUILD_CONST_KEY_MAP, keys.length, loc);
      flags |= op.MAKE_FUNCTION_KWDEFAULTS;
    }
    return flags;
  }

  /** `compiler_visit_annexpr`: under `from __future__ import annotations`, the annotation's source text. */
  private visitAnnExpr(annotation: ExprNode): void {
    this.loadConst(strConst(exprAsUnicode(annotation)), LOC(annotation));
  }

  /** `compiler_visit_argannotation`. */
  private argAnnotation(id: string, annotation: ExprNode | null, loc: Location, count: { n: number }): void {
    if (annotation === null) return;
    this.loadConst(strConst(this.mangle(id)), loc);
    if (this.future.features & CO_FUTURE_ANNOTATIONS) {
      this.visitAnnExpr(annotation);
    } else if (annotation._type === NodeType.Starred) {
      this.visitExpr(annotation.value);
      this.addOpI(op.UNPACK_SEQUENCE, 1, loc);
    } else {
      this.visitExpr(annotation);
    }
    count.n += 2;
  }

  /** `compiler_visit_annotations`: pushes the annotations tuple; true if there is one. */
  private annotations(loc: Location, args: Arguments, returns: ExprNode | null): boolean {
    const count = { n: 0 };
    for (const a of args.args) this.argAnnotation(a.arg, a.annotation, loc, count);
    for (const a of args.posonlyargs) this.argAnnotation(a.arg, a.annotation, loc, count);
    if (args.vararg !== null && args.vararg.annotation !== null) this.argAnnotation(args.vararg.arg, args.vararg.annotation, loc, count);
    for (const a of args.kwonlyargs) this.argAnnotation(a.arg, a.annotation, loc, count);
    if (args.kwarg !== null && args.kwarg.annotation !== null) this.argAnnotation(args.kwarg.arg, args.kwarg.annotation, loc, count);
    this.argAnnotation('return', returns, loc, count);
    if (count.n > 0) {
      this.addOpI(op.BUILD_TUPLE, count.n, loc);
      return true;
    }
    return false;
  }

  /** `compiler_function`. */
  private functionDef(s: FunctionDef | AsyncFunctionDef, isAsync: boolean): void {
    this.checkDebugArgs(s.args);
    for (const d of s.decorator_list) this.visitExpr(d);
    const firstlineno = s.decorator_list.length > 0 ? s.decorator_list[0].lineno : s.lineno;
    const loc = LOC(s);
    if (s.type_params.length > 0) throw this.error(loc, 'type parameters are not supported yet');
    let funcflags = this.defaultArguments(loc, s.args);
    if (this.annotations(loc, s.args, s.returns)) funcflags |= op.MAKE_FUNCTION_ANNOTATIONS;
    this.functionBody(s, isAsync, funcflags, firstlineno);
    this.applyDecorators(s.decorator_list);
    this.nameop(loc, s.name, ExprContext.Store);
  }

  /** `compiler_function_body`. */
  private functionBody(s: FunctionDef | AsyncFunctionDef, isAsync: boolean, funcflags: number, firstlineno: number): void {
    this.enterScope(s.name, isAsync ? ScopeType.AsyncFunction : ScopeType.Function, s, firstlineno);
    let first = 0;
    let docstring = getDocString(s.body);
    if (docstring !== null) {
      first = 1;
      docstring = this.options.optimize < 2 ? cleanDoc(docstring) : null;
    }
    this.u.consts.add(docstring !== null ? strConst(docstring) : NONE);
    this.u.argcount = s.args.args.length;
    this.u.posonlyargcount = s.args.posonlyargs.length;
    this.u.kwonlyargcount = s.args.kwonlyargs.length;
    const start = this.newLabel();
    this.useLabel(start);
    const ste = this.u.ste;
    const addStopIterationHandler = ste.coroutine || ste.generator;
    if (addStopIterationHandler) this.pushFBlock(NO_LOCATION, FBlockType.StopIteration, start, NO_LABEL, null);
    for (let i = first; i < s.body.length; i++) this.visitStmt(s.body[i]);
    if (addStopIterationHandler) {
      this.wrapInStopIterationHandler();
      this.popFBlock();
    }
    const code = this.optimizeAndAssemble(true);
    this.exitScope();
    this.makeClosure(LOC(s), code, funcflags);
  }

  /** `wrap_in_stopiteration_handler`: a generator turns a StopIteration that escapes its body into RuntimeError. */
  private wrapInStopIterationHandler(): void {
    const handler = this.newLabel();
    this.u.seq.insert(0, op.SETUP_CLEANUP, handler, NO_LOCATION);
    this.loadConst(NONE, NO_LOCATION);
    this.addOp(op.RETURN_VALUE, NO_LOCATION);
    this.useLabel(handler);
    this.addOpI(op.CALL_INTRINSIC_1, op.INTRINSIC_STOPITERATION_ERROR, NO_LOCATION);
    this.addOpI(op.RERAISE, 1, NO_LOCATION);
  }

  /** `compiler_apply_decorators`. */
  private applyDecorators(decos: ExprNode[]): void {
    for (let i = decos.length - 1; i >= 0; i--) this.addOpI(op.CALL, 0, LOC(decos[i]));
  }

  /** `get_ref_type`. */
  private refType(name: string): Scope | 0 {
    if (this.u.scopeType === ScopeType.Class && (name === '__class__' || name === '__classdict__')) return Scope.Cell;
    return this.u.ste.getScope(name);
  }

  /** `compiler_make_closure`: MAKE_FUNCTION with the closure cells and the attributes pushed before. */
  private makeClosure(loc: Location, code: CodeUnit, flags: number): void {
    const nfree = code.co_localspluskinds.filter((k) => k & 0x80).length;
    if (nfree > 0) {
      const first = code.co_localsplusnames.length - nfree;
      for (let i = first; i < code.co_localsplusnames.length; i++) {
        const name = code.co_localsplusnames[i];
        const reftype = this.refType(name);
        const arg = reftype === Scope.Cell ? this.u.cellvars.get(name) : this.u.freevars.get(name);
        if (arg === undefined) throw new Error(`compiler_make_closure: lookup ${name} in ${this.u.name} failed`);
        this.addOpI(op.LOAD_CLOSURE, arg, loc);
      }
      flags |= op.MAKE_FUNCTION_CLOSURE;
      this.addOpI(op.BUILD_TUPLE, nfree, loc);
    }
    this.loadConst({ type: 'code', code }, loc);
    this.addOp(op.MAKE_FUNCTION, loc);
    if (flags & op.MAKE_FUNCTION_CLOSURE) this.addOpI(op.SET_FUNCTION_ATTRIBUTE, op.MAKE_FUNCTION_CLOSURE, loc);
    if (flags & op.MAKE_FUNCTION_ANNOTATIONS) this.addOpI(op.SET_FUNCTION_ATTRIBUTE, op.MAKE_FUNCTION_ANNOTATIONS, loc);
    if (flags & op.MAKE_FUNCTION_KWDEFAULTS) this.addOpI(op.SET_FUNCTION_ATTRIBUTE, op.MAKE_FUNCTION_KWDEFAULTS, loc);
    if (flags & op.MAKE_FUNCTION_DEFAULTS) this.addOpI(op.SET_FUNCTION_ATTRIBUTE, op.MAKE_FUNCTION_DEFAULTS, loc);
  }

  /** `compiler_lambda`. */
  private lambda(e: Lambda): void {
    this.checkDebugArgs(e.args);
    const loc = LOC(e);
    const funcflags = this.defaultArguments(loc, e.args);
    this.enterScope('<lambda>', ScopeType.Lambda, e, e.lineno);
    // None first, so that a lambda has no docstring.
    this.u.consts.add(NONE);
    this.u.argcount = e.args.args.length;
    this.u.posonlyargcount = e.args.posonlyargs.length;
    this.u.kwonlyargcount = e.args.kwonlyargs.length;
    this.visitExpr(e.body);
    let code: CodeUnit;
    if (this.u.ste.generator) {
      code = this.optimizeAndAssemble(false);
    } else {
      this.addOp(op.RETURN_VALUE, LOC(e.body));
      code = this.optimizeAndAssemble(true);
    }
    this.exitScope();
    this.makeClosure(loc, code, funcflags);
  }

  /** `compiler_class`. */
  private classDef(s: ClassDef): void {
    const decos = s.decorator_list;
    for (const d of decos) this.visitExpr(d);
    const firstlineno = decos.length > 0 ? decos[0].lineno : s.lineno;
    const loc = LOC(s);
    if (s.type_params.length > 0) throw this.error(loc, 'type parameters are not supported yet');
    this.classBody(s, firstlineno);
    this.callHelper(loc, 2, s.bases, s.keywords);
    this.applyDecorators(decos);
    this.nameop(loc, s.name, ExprContext.Store);
  }

  /** `compiler_class_body`: the class body's code, then `LOAD_BUILD_CLASS`, the function and the name. */
  private classBody(s: ClassDef, firstlineno: number): void {
    this.enterScope(s.name, ScopeType.Class, s, firstlineno);
    let loc = LOCATION(firstlineno, firstlineno, 0, 0);
    this.u.private_ = s.name;
    this.nameop(loc, '__name__', ExprContext.Load);
    this.nameop(loc, '__module__', ExprContext.Store);
    this.loadConst(strConst(this.u.qualname), loc);
    this.nameop(loc, '__qualname__', ExprContext.Store);
    this.loadConst(intConst(this.u.firstlineno), loc);
    this.nameop(loc, '__firstlineno__', ExprContext.Store);
    if (this.u.ste.needsClassdict) {
      this.addOp(op.LOAD_LOCALS, loc);
      this.addOpI(op.STORE_DEREF, this.u.cellvars.add('__classdict__'), loc);
    }
    this.body(loc, s.body);
    const attrs = [...this.u.staticAttributes!].sort(codePointCompare);
    this.loadConst(tupleConst(attrs.map(strConst)), NO_LOCATION);
    this.addOpNameRaw(op.STORE_NAME, '__static_attributes__', NO_LOCATION);
    if (this.u.ste.needsClassdict) {
      this.addOpI(op.LOAD_CLOSURE, this.u.cellvars.get('__classdict__')!, NO_LOCATION);
      this.addOpNameRaw(op.STORE_NAME, '__classdictcell__', NO_LOCATION);
    }
    if (this.u.ste.needsClassClosure) {
      this.addOpI(op.LOAD_CLOSURE, this.u.cellvars.get('__class__')!, NO_LOCATION);
      this.addOpI(op.COPY, 1, NO_LOCATION);
      this.addOpNameRaw(op.STORE_NAME, '__classcell__', NO_LOCATION);
    } else {
      this.loadConst(NONE, NO_LOCATION);
    }
    this.addOp(op.RETURN_VALUE, NO_LOCATION);
    const code = this.optimizeAndAssemble(true);
    this.exitScope();
    loc = LOC(s);
    this.addOp(op.LOAD_BUILD_CLASS, loc);
    this.addOp(op.PUSH_NULL, loc);
    this.makeClosure(loc, code, 0);
    this.loadConst(strConst(s.name), loc);
  }

  /** `compiler_maybe_add_static_attribute_to_class`: `self.X = …` in a method records X on the enclosing class. */
  private maybeAddStaticAttribute(e: Attribute): void {
    if (e.value._type !== NodeType.Name || e.ctx !== ExprContext.Store || e.value.id !== 'self') return;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const u = this.stack[i];
      if (u.scopeType === ScopeType.Class) {
        u.staticAttributes!.add(e.attr);
        break;
      }
    }
  }

  // ---------------------------------------------------------------- expressions

  /** `compiler_visit_expr`. */
  visitExpr(e: ExprNode): void {
    const loc = LOC(e);
    switch (e._type) {
      case NodeType.NamedExpr:
        this.visitExpr(e.value);
        this.addOpI(op.COPY, 1, loc);
        this.visitExpr(e.target);
        return;
      case NodeType.BoolOp:
        return this.boolOp(e);
      case NodeType.BinOp:
        this.visitExpr(e.left);
        this.visitExpr(e.right);
        this.addOpI(op.BINARY_OP, BINOP_ARG[e.op], loc);
        return;
      case NodeType.UnaryOp:
        this.visitExpr(e.operand);
        switch (e.op) {
          case UnaryOperator.UAdd:
            this.addOpI(op.CALL_INTRINSIC_1, op.INTRINSIC_UNARY_POSITIVE, loc);
            break;
          case UnaryOperator.Not:
            this.addOp(op.TO_BOOL, loc);
            this.addOp(op.UNARY_NOT, loc);
            break;
          case UnaryOperator.Invert:
            this.addOp(op.UNARY_INVERT, loc);
            break;
          case UnaryOperator.USub:
            this.addOp(op.UNARY_NEGATIVE, loc);
            break;
        }
        return;
      case NodeType.Lambda:
        return this.lambda(e);
      case NodeType.IfExp: {
        const end = this.newLabel();
        const next = this.newLabel();
        this.jumpIf(loc, e.test, next, false);
        this.visitExpr(e.body);
        // As an if statement's: a forward jump without eval-breaker check.
        this.addJump(op.JUMP_NO_INTERRUPT, end, NO_LOCATION);
        this.useLabel(next);
        this.visitExpr(e.orelse);
        this.useLabel(end);
        return;
      }
      case NodeType.Dict:
        return this.dict(e);
      case NodeType.Set:
        return this.starunpackHelper(loc, e.elts, 0, op.BUILD_SET, op.SET_ADD, op.SET_UPDATE, false);
      case NodeType.GeneratorExp:
        return this.comprehension(e, CompType.GenExp, '<genexpr>', e.generators, e.elt, null);
      case NodeType.ListComp:
        return this.comprehension(e, CompType.ListComp, '<listcomp>', e.generators, e.elt, null);
      case NodeType.SetComp:
        return this.comprehension(e, CompType.SetComp, '<setcomp>', e.generators, e.elt, null);
      case NodeType.DictComp:
        return this.comprehension(e, CompType.DictComp, '<dictcomp>', e.generators, e.key, e.value);
      case NodeType.Yield:
        if (!this.u.ste.isFunctionLike()) throw this.error(loc, "'yield' outside function");
        if (e.value !== null) this.visitExpr(e.value);
        else this.loadConst(NONE, loc);
        this.addYield(loc);
        return;
      case NodeType.YieldFrom:
        if (!this.u.ste.isFunctionLike()) throw this.error(loc, "'yield from' outside function");
        if (this.u.scopeType === ScopeType.AsyncFunction) throw this.error(loc, "'yield from' inside async function");
        this.visitExpr(e.value);
        this.addOp(op.GET_YIELD_FROM_ITER, loc);
        this.loadConst(NONE, loc);
        this.addYieldFrom(loc, false);
        return;
      case NodeType.Await:
        if (!this.isTopLevelAwait()) {
          if (!this.u.ste.isFunctionLike()) throw this.error(loc, "'await' outside function");
          if (this.u.scopeType !== ScopeType.AsyncFunction && this.u.scopeType !== ScopeType.Comprehension) {
            throw this.error(loc, "'await' outside async function");
          }
        }
        this.visitExpr(e.value);
        this.addOpI(op.GET_AWAITABLE, 0, loc);
        this.loadConst(NONE, loc);
        this.addYieldFrom(loc, true);
        return;
      case NodeType.Compare:
        return this.compare(e);
      case NodeType.Call:
        return this.call(e);
      case NodeType.Constant:
        this.loadConst(valueOfConstantNode(e), loc);
        return;
      case NodeType.JoinedStr:
        return this.joinedStr(e);
      case NodeType.FormattedValue:
        return this.formattedValue(e);
      case NodeType.Attribute: {
        if (e.ctx === ExprContext.Load && this.canOptimizeSuperCall(e)) {
          this.loadArgsForSuper(e.value as Call);
          const opcode = (e.value as Call).args.length > 0 ? op.LOAD_SUPER_ATTR : op.LOAD_ZERO_SUPER_ATTR;
          this.addOpName(opcode, e.attr, loc);
          this.addOp(op.NOP, this.updateStartLocationToMatchAttr(loc, e));
          return;
        }
        this.maybeAddStaticAttribute(e);
        this.visitExpr(e.value);
        const aloc = this.updateStartLocationToMatchAttr(LOC(e), e);
        switch (e.ctx) {
          case ExprContext.Load:
            this.addOpName(op.LOAD_ATTR, e.attr, aloc);
            break;
          case ExprContext.Store:
            this.checkForbiddenName(aloc, e.attr, e.ctx);
            this.addOpName(op.STORE_ATTR, e.attr, aloc);
            break;
          case ExprContext.Del:
            this.addOpName(op.DELETE_ATTR, e.attr, aloc);
            break;
        }
        return;
      }
      case NodeType.Subscript:
        return this.subscript(e);
      case NodeType.Starred:
        if (e.ctx === ExprContext.Store) throw this.error(loc, 'starred assignment target must be in a list or tuple');
        throw this.error(loc, "can't use starred expression here");
      case NodeType.Slice: {
        const n = this.slice(e);
        this.addOpI(op.BUILD_SLICE, n, loc);
        return;
      }
      case NodeType.Name:
        return this.nameop(loc, e.id, e.ctx);
      case NodeType.List:
        switch (e.ctx) {
          case ExprContext.Store:
            return this.assignmentHelper(loc, e.elts);
          case ExprContext.Load:
            return this.starunpackHelper(loc, e.elts, 0, op.BUILD_LIST, op.LIST_APPEND, op.LIST_EXTEND, false);
          default:
            for (const elt of e.elts) this.visitExpr(elt);
            return;
        }
      case NodeType.Tuple:
        switch (e.ctx) {
          case ExprContext.Store:
            return this.assignmentHelper(loc, e.elts);
          case ExprContext.Load:
            return this.starunpackHelper(loc, e.elts, 0, op.BUILD_LIST, op.LIST_APPEND, op.LIST_EXTEND, true);
          default:
            for (const elt of e.elts) this.visitExpr(elt);
            return;
        }
    }
  }

  /** `IS_TOP_LEVEL_AWAIT`: only with `PyCF_ALLOW_TOP_LEVEL_AWAIT`, which this compiler does not take. */
  private isTopLevelAwait(): boolean {
    return false;
  }

  /** `update_start_location_to_match_attr`: a multi-line attribute is located at its name. */
  private updateStartLocationToMatchAttr(loc: Location, attr: Attribute): Location {
    if (loc.lineno === attr.end_lineno) return loc;
    let { col_offset, end_col_offset, end_lineno } = loc;
    const lineno = attr.end_lineno;
    // CPython subtracts the name's length in code points from a byte column.
    const len = [...attr.attr].length;
    if (len <= attr.end_col_offset) {
      col_offset = attr.end_col_offset - len;
    } else {
      col_offset = -1;
      end_col_offset = -1;
    }
    end_lineno = Math.max(lineno, end_lineno);
    if (lineno === end_lineno) end_col_offset = Math.max(col_offset, end_col_offset);
    return { lineno, end_lineno, col_offset, end_col_offset };
  }

  /** `compiler_boolop`. */
  private boolOp(e: ExprNode & { _type: NodeType.BoolOp }): void {
    const loc = LOC(e);
    const jumpi = e.op === BoolOperator.And ? op.POP_JUMP_IF_FALSE : op.POP_JUMP_IF_TRUE;
    const end = this.newLabel();
    const n = e.values.length - 1;
    for (let i = 0; i < n; i++) {
      this.visitExpr(e.values[i]);
      this.addOpI(op.COPY, 1, loc);
      this.addOp(op.TO_BOOL, loc);
      this.addJump(jumpi, end, loc);
      this.addOp(op.POP_TOP, loc);
    }
    this.visitExpr(e.values[n]);
    this.useLabel(end);
  }

  /** `compiler_addcompare`. */
  private addCompare(loc: Location, cmp: CmpOperator): void {
    switch (cmp) {
      case CmpOperator.Is:
        return this.addOpI(op.IS_OP, 0, loc);
      case CmpOperator.IsNot:
        return this.addOpI(op.IS_OP, 1, loc);
      case CmpOperator.In:
        return this.addOpI(op.CONTAINS_OP, 0, loc);
      case CmpOperator.NotIn:
        return this.addOpI(op.CONTAINS_OP, 1, loc);
      default: {
        const rich = RICH_COMPARE[cmp]!;
        // The comparison in the top three bits; the low four are the mask
        // specialized forms use; bit 4 (bool result) is set by the optimizer.
        this.addOpI(op.COMPARE_OP, (rich << 5) | COMPARE_MASKS[rich], loc);
      }
    }
  }

  /** `compiler_compare`. */
  private compare(e: ExprNode & { _type: NodeType.Compare }): void {
    const loc = LOC(e);
    this.checkCompare(e);
    this.visitExpr(e.left);
    const n = e.ops.length - 1;
    if (n === 0) {
      this.visitExpr(e.comparators[0]);
      this.addCompare(loc, e.ops[0]);
      return;
    }
    const cleanup = this.newLabel();
    for (let i = 0; i < n; i++) {
      this.visitExpr(e.comparators[i]);
      this.addOpI(op.SWAP, 2, loc);
      this.addOpI(op.COPY, 2, loc);
      this.addCompare(loc, e.ops[i]);
      this.addOpI(op.COPY, 1, loc);
      this.addOp(op.TO_BOOL, loc);
      this.addJump(op.POP_JUMP_IF_FALSE, cleanup, loc);
      this.addOp(op.POP_TOP, loc);
    }
    this.visitExpr(e.comparators[n]);
    this.addCompare(loc, e.ops[n]);
    const end = this.newLabel();
    this.addJump(op.JUMP, end, NO_LOCATION);
    this.useLabel(cleanup);
    this.addOpI(op.SWAP, 2, loc);
    this.addOp(op.POP_TOP, loc);
    this.useLabel(end);
  }

  /** `compiler_jump_if`: jump to `next` if the truth of `e` is `cond`. */
  private jumpIf(loc: Location, e: ExprNode, next: Label, cond: boolean): void {
    switch (e._type) {
      case NodeType.UnaryOp:
        if (e.op === UnaryOperator.Not) return this.jumpIf(loc, e.operand, next, !cond);
        break;
      case NodeType.BoolOp: {
        const s = e.values;
        const n = s.length - 1;
        const cond2 = e.op === BoolOperator.Or;
        let next2 = next;
        if (cond2 !== cond) next2 = this.newLabel();
        for (let i = 0; i < n; i++) this.jumpIf(loc, s[i], next2, cond2);
        this.jumpIf(loc, s[n], next, cond);
        if (next2 !== next) this.useLabel(next2);
        return;
      }
      case NodeType.IfExp: {
        const end = this.newLabel();
        const next2 = this.newLabel();
        this.jumpIf(loc, e.test, next2, false);
        this.jumpIf(loc, e.body, next, cond);
        this.addJump(op.JUMP_NO_INTERRUPT, end, NO_LOCATION);
        this.useLabel(next2);
        this.jumpIf(loc, e.orelse, next, cond);
        this.useLabel(end);
        return;
      }
      case NodeType.Compare: {
        const n = e.ops.length - 1;
        if (n > 0) {
          this.checkCompare(e);
          const eloc = LOC(e);
          const cleanup = this.newLabel();
          this.visitExpr(e.left);
          for (let i = 0; i < n; i++) {
            this.visitExpr(e.comparators[i]);
            this.addOpI(op.SWAP, 2, eloc);
            this.addOpI(op.COPY, 2, eloc);
            this.addCompare(eloc, e.ops[i]);
            this.addOp(op.TO_BOOL, eloc);
            this.addJump(op.POP_JUMP_IF_FALSE, cleanup, eloc);
          }
          this.visitExpr(e.comparators[n]);
          this.addCompare(eloc, e.ops[n]);
          this.addOp(op.TO_BOOL, eloc);
          this.addJump(cond ? op.POP_JUMP_IF_TRUE : op.POP_JUMP_IF_FALSE, next, eloc);
          const end = this.newLabel();
          this.addJump(op.JUMP, end, NO_LOCATION);
          this.useLabel(cleanup);
          this.addOp(op.POP_TOP, eloc);
          if (!cond) this.addJump(op.JUMP, next, NO_LOCATION);
          this.useLabel(end);
          return;
        }
        break;
      }
    }
    this.visitExpr(e);
    this.addOp(op.TO_BOOL, LOC(e));
    this.addJump(cond ? op.POP_JUMP_IF_TRUE : op.POP_JUMP_IF_FALSE, next, LOC(e));
  }

  /** `are_all_items_const`. */
  private static allConst(elts: (ExprNode | null)[], begin: number, end: number): boolean {
    for (let i = begin; i < end; i++) {
      const e = elts[i];
      if (e === null || e._type !== NodeType.Constant) return false;
    }
    return true;
  }

  /** `starunpack_helper`: a list, set or tuple display (and positional arguments with `*`). */
  private starunpackHelper(loc: Location, elts: ExprNode[], pushed: number, build: number, add: number, extend: number, tuple: boolean): void {
    const n = elts.length;
    if (n > 2 && Codegen.allConst(elts, 0, n)) {
      const items = elts.map(valueOfConstantNode);
      if (tuple && !pushed) {
        this.loadConst(tupleConst(items), loc);
      } else {
        const folded: ConstValue = add === op.SET_ADD ? { type: 'frozenset', items: uniqueConsts(items) } : tupleConst(items);
        this.addOpI(build, pushed, loc);
        this.loadConst(folded, loc);
        this.addOpI(extend, 1, loc);
        if (tuple) this.addOpI(op.CALL_INTRINSIC_1, op.INTRINSIC_LIST_TO_TUPLE, loc);
      }
      return;
    }
    const big = n + pushed > STACK_USE_GUIDELINE;
    const seenStar = elts.some((elt) => elt._type === NodeType.Starred);
    if (!seenStar && !big) {
      for (const elt of elts) this.visitExpr(elt);
      this.addOpI(tuple ? op.BUILD_TUPLE : build, n + pushed, loc);
      return;
    }
    let sequenceBuilt = false;
    if (big) {
      this.addOpI(build, pushed, loc);
      sequenceBuilt = true;
    }
    for (let i = 0; i < n; i++) {
      const elt = elts[i];
      if (elt._type === NodeType.Starred) {
        if (!sequenceBuilt) {
          this.addOpI(build, i + pushed, loc);
          sequenceBuilt = true;
        }
        this.visitExpr(elt.value);
        this.addOpI(extend, 1, loc);
      } else {
        this.visitExpr(elt);
        if (sequenceBuilt) this.addOpI(add, 1, loc);
      }
    }
    if (tuple) this.addOpI(op.CALL_INTRINSIC_1, op.INTRINSIC_LIST_TO_TUPLE, loc);
  }

  /** `unpack_helper`. */
  private unpackHelper(loc: Location, elts: ExprNode[]): void {
    const n = elts.length;
    let seenStar = false;
    for (let i = 0; i < n; i++) {
      const elt = elts[i];
      if (elt._type === NodeType.Starred && !seenStar) {
        if (i >= 1 << 8 || n - i - 1 >= 0x7fffffff >> 8) throw this.error(loc, 'too many expressions in star-unpacking assignment');
        this.addOpI(op.UNPACK_EX, i + ((n - i - 1) << 8), loc);
        seenStar = true;
      } else if (elt._type === NodeType.Starred) {
        throw this.error(loc, 'multiple starred expressions in assignment');
      }
    }
    if (!seenStar) this.addOpI(op.UNPACK_SEQUENCE, n, loc);
  }

  /** `assignment_helper`. */
  private assignmentHelper(loc: Location, elts: ExprNode[]): void {
    this.unpackHelper(loc, elts);
    for (const elt of elts) this.visitExpr(elt._type === NodeType.Starred ? elt.value : elt);
  }

  /** `compiler_subdict`: the entries `begin`..`end` of a dict display as one dict. */
  private subdict(e: Dict, begin: number, end: number): void {
    const n = end - begin;
    const big = n * 2 > STACK_USE_GUIDELINE;
    const loc = LOC(e);
    if (n > 1 && !big && Codegen.allConst(e.keys, begin, end)) {
      for (let i = begin; i < end; i++) this.visitExpr(e.values[i]);
      const keys: ConstValue[] = [];
      for (let i = begin; i < end; i++) keys.push(valueOfConstantNode(e.keys[i]!));
      this.loadConst(tupleConst(keys), loc);
      this.addOpI(op.BUILD_CONST_KEY_MAP, n, loc);
      return;
    }
    if (big) this.addOpI(op.BUILD_MAP, 0, loc);
    for (let i = begin; i < end; i++) {
      this.visitExpr(e.keys[i]!);
      this.visitExpr(e.values[i]);
      if (big) this.addOpI(op.MAP_ADD, 1, loc);
    }
    if (!big) this.addOpI(op.BUILD_MAP, n, loc);
  }

  /** `compiler_dict`. */
  private dict(e: Dict): void {
    const loc = LOC(e);
    const n = e.values.length;
    let haveDict = false;
    let elements = 0;
    for (let i = 0; i < n; i++) {
      const isUnpacking = e.keys[i] === null;
      if (isUnpacking) {
        if (elements) {
          this.subdict(e, i - elements, i);
          if (haveDict) this.addOpI(op.DICT_UPDATE, 1, loc);
          haveDict = true;
          elements = 0;
        }
        if (!haveDict) {
          this.addOpI(op.BUILD_MAP, 0, loc);
          haveDict = true;
        }
        this.visitExpr(e.values[i]);
        this.addOpI(op.DICT_UPDATE, 1, loc);
      } else if (elements * 2 > STACK_USE_GUIDELINE) {
        this.subdict(e, i - elements, i + 1);
        if (haveDict) this.addOpI(op.DICT_UPDATE, 1, loc);
        haveDict = true;
        elements = 0;
      } else {
        elements++;
      }
    }
    if (elements) {
      this.subdict(e, n - elements, n);
      if (haveDict) this.addOpI(op.DICT_UPDATE, 1, loc);
      haveDict = true;
    }
    if (!haveDict) this.addOpI(op.BUILD_MAP, 0, loc);
  }

  /** `compiler_subscript`. */
  private subscript(e: ExprNode & { _type: NodeType.Subscript }): void {
    const loc = LOC(e);
    const ctx = e.ctx;
    if (ctx === ExprContext.Load) {
      this.checkSubscripter(e.value);
      this.checkIndex(e.value, e.slice);
    }
    this.visitExpr(e.value);
    if (isTwoElementSlice(e.slice) && ctx !== ExprContext.Del) {
      this.slice(e.slice);
      this.addOp(ctx === ExprContext.Load ? op.BINARY_SLICE : op.STORE_SLICE, loc);
    } else {
      this.visitExpr(e.slice);
      this.addOp(ctx === ExprContext.Load ? op.BINARY_SUBSCR : ctx === ExprContext.Store ? op.STORE_SUBSCR : op.DELETE_SUBSCR, loc);
    }
  }

  /** `compiler_slice`: pushes the bounds; returns how many. */
  private slice(s: ExprNode): number {
    if (s._type !== NodeType.Slice) throw new Error('not a slice');
    let n = 2;
    if (s.lower !== null) this.visitExpr(s.lower);
    else this.loadConst(NONE, LOC(s));
    if (s.upper !== null) this.visitExpr(s.upper);
    else this.loadConst(NONE, LOC(s));
    if (s.step !== null) {
      n++;
      this.visitExpr(s.step);
    }
    return n;
  }

  /** `validate_keywords`. */
  private validateKeywords(keywords: Keyword[]): void {
    for (let i = 0; i < keywords.length; i++) {
      const key = keywords[i].arg;
      if (key === null) continue;
      this.checkForbiddenName(LOC(keywords[i]), key, ExprContext.Store);
      for (let j = i + 1; j < keywords.length; j++) {
        const other = keywords[j];
        if (other.arg !== null && other.arg === key) throw this.error(LOC(other), `keyword argument repeated: ${key}`);
      }
    }
  }

  /** `is_import_originated`: the name is bound by an import at module level. */
  private isImportOriginated(e: ExprNode): boolean {
    if (e._type !== NodeType.Name) return false;
    return (this.st.top.getSymbol(e.id) & DEF_IMPORT) !== 0;
  }

  /** `can_optimize_super_call`: `super().attr` or `super(C, self).attr` can use LOAD_SUPER_ATTR. */
  private canOptimizeSuperCall(attr: Attribute): boolean {
    const e = attr.value;
    if (e._type !== NodeType.Call || e.func._type !== NodeType.Name || e.func.id !== 'super' || attr.attr === '__class__' || e.keywords.length !== 0) {
      return false;
    }
    const numArgs = e.args.length;
    if (this.u.ste.getScope('super') !== Scope.GlobalImplicit) return false;
    if (this.st.top.getScope('super') !== 0) return false;
    if (numArgs === 2) return !e.args.some((a) => a._type === NodeType.Starred);
    if (numArgs !== 0) return false;
    if (this.u.argcount === 0 && this.u.posonlyargcount === 0) return false;
    return this.refType('__class__') === Scope.Free;
  }

  /** `load_args_for_super`. */
  private loadArgsForSuper(e: Call): void {
    const loc = LOC(e);
    this.nameop(LOC(e.func), (e.func as ExprNode & { id: string }).id, ExprContext.Load);
    if (e.args.length === 2) {
      this.visitExpr(e.args[0]);
      this.visitExpr(e.args[1]);
      return;
    }
    this.nameop(loc, '__class__', ExprContext.Load);
    const self = this.u.varnames.ordered()[0];
    this.nameop(loc, self, ExprContext.Load);
  }

  /** `maybe_optimize_method_call`: `obj.meth(args)` with LOAD_ATTR's method bit. */
  private maybeOptimizeMethodCall(e: Call): boolean {
    const meth = e.func;
    if (meth._type !== NodeType.Attribute || meth.ctx !== ExprContext.Load) return false;
    if (this.isImportOriginated(meth.value)) return false;
    const argsl = e.args.length;
    const kwdsl = e.keywords.length;
    if (argsl + kwdsl + (kwdsl !== 0 ? 1 : 0) >= STACK_USE_GUIDELINE) return false;
    if (e.args.some((a) => a._type === NodeType.Starred)) return false;
    if (e.keywords.some((k) => k.arg === null)) return false;
    let loc = LOC(meth);
    if (this.canOptimizeSuperCall(meth)) {
      this.loadArgsForSuper(meth.value as Call);
      const opcode = (meth.value as Call).args.length > 0 ? op.LOAD_SUPER_METHOD : op.LOAD_ZERO_SUPER_METHOD;
      this.addOpName(opcode, meth.attr, loc);
      loc = this.updateStartLocationToMatchAttr(loc, meth);
      this.addOp(op.NOP, loc);
    } else {
      this.visitExpr(meth.value);
      loc = this.updateStartLocationToMatchAttr(loc, meth);
      this.addOpName(op.LOAD_METHOD, meth.attr, loc);
    }
    for (const a of e.args) this.visitExpr(a);
    if (kwdsl) {
      for (const k of e.keywords) this.visitExpr(k.value);
      this.callSimpleKwHelper(loc, e.keywords);
      this.addOpI(op.CALL_KW, argsl + kwdsl, this.updateStartLocationToMatchAttr(LOC(e), meth));
    } else {
      this.addOpI(op.CALL, argsl, this.updateStartLocationToMatchAttr(LOC(e), meth));
    }
    return true;
  }

  /** `compiler_call`. */
  private call(e: Call): void {
    this.validateKeywords(e.keywords);
    if (this.maybeOptimizeMethodCall(e)) return;
    this.checkCaller(e.func);
    this.visitExpr(e.func);
    this.addOp(op.PUSH_NULL, LOC(e.func));
    this.callHelper(LOC(e), 0, e.args, e.keywords);
  }

  /** `compiler_call_simple_kw_helper`: the keyword names tuple of CALL_KW. */
  private callSimpleKwHelper(loc: Location, keywords: Keyword[]): void {
    this.loadConst(tupleConst(keywords.map((k) => strConst(k.arg!))), loc);
  }

  /** `compiler_subkwargs`. */
  private subkwargs(loc: Location, keywords: Keyword[], begin: number, end: number): void {
    const n = end - begin;
    const big = n * 2 > STACK_USE_GUIDELINE;
    if (n > 1 && !big) {
      for (let i = begin; i < end; i++) this.visitExpr(keywords[i].value);
      const keys: ConstValue[] = [];
      for (let i = begin; i < end; i++) keys.push(strConst(keywords[i].arg!));
      this.loadConst(tupleConst(keys), loc);
      this.addOpI(op.BUILD_CONST_KEY_MAP, n, loc);
      return;
    }
    if (big) this.addOpI(op.BUILD_MAP, 0, NO_LOCATION);
    for (let i = begin; i < end; i++) {
      this.loadConst(strConst(keywords[i].arg!), loc);
      this.visitExpr(keywords[i].value);
      if (big) this.addOpI(op.MAP_ADD, 1, NO_LOCATION);
    }
    if (!big) this.addOpI(op.BUILD_MAP, n, loc);
  }

  /** `compiler_call_helper`: arguments and the call, `n` arguments being already pushed. */
  private callHelper(loc: Location, n: number, args: ExprNode[], keywords: Keyword[]): void {
    this.validateKeywords(keywords);
    const nelts = args.length;
    const nkwelts = keywords.length;
    const exCall = nelts + nkwelts * 2 > STACK_USE_GUIDELINE || args.some((a) => a._type === NodeType.Starred) || keywords.some((k) => k.arg === null);
    if (!exCall) {
      for (const a of args) this.visitExpr(a);
      if (nkwelts) {
        for (const k of keywords) this.visitExpr(k.value);
        this.callSimpleKwHelper(loc, keywords);
        this.addOpI(op.CALL_KW, n + nelts + nkwelts, loc);
      } else {
        this.addOpI(op.CALL, n + nelts, loc);
      }
      return;
    }
    if (n === 0 && nelts === 1 && args[0]._type === NodeType.Starred) {
      this.visitExpr(args[0].value);
    } else {
      this.starunpackHelper(loc, args, n, op.BUILD_LIST, op.LIST_APPEND, op.LIST_EXTEND, true);
    }
    if (nkwelts) {
      let haveDict = false;
      let nseen = 0;
      for (let i = 0; i < nkwelts; i++) {
        const kw = keywords[i];
        if (kw.arg === null) {
          if (nseen) {
            this.subkwargs(loc, keywords, i - nseen, i);
            if (haveDict) this.addOpI(op.DICT_MERGE, 1, loc);
            haveDict = true;
            nseen = 0;
          }
          if (!haveDict) {
            this.addOpI(op.BUILD_MAP, 0, loc);
            haveDict = true;
          }
          this.visitExpr(kw.value);
          this.addOpI(op.DICT_MERGE, 1, loc);
        } else {
          nseen++;
        }
      }
      if (nseen) {
        this.subkwargs(loc, keywords, nkwelts - nseen, nkwelts);
        if (haveDict) this.addOpI(op.DICT_MERGE, 1, loc);
      }
    }
    this.addOpI(op.CALL_FUNCTION_EX, nkwelts > 0 ? 1 : 0, loc);
  }

  /** `compiler_joined_str`. */
  private joinedStr(e: ExprNode & { _type: NodeType.JoinedStr }): void {
    const loc = LOC(e);
    const count = e.values.length;
    if (count > STACK_USE_GUIDELINE) {
      this.loadConst(strConst(''), loc);
      this.addOpName(op.LOAD_METHOD, 'join', loc);
      this.addOpI(op.BUILD_LIST, 0, loc);
      for (const v of e.values) {
        this.visitExpr(v);
        this.addOpI(op.LIST_APPEND, 1, loc);
      }
      this.addOpI(op.CALL, 1, loc);
      return;
    }
    for (const v of e.values) this.visitExpr(v);
    if (count > 1) this.addOpI(op.BUILD_STRING, count, loc);
    else if (count === 0) this.loadConst(strConst(''), loc);
  }

  /** `compiler_formatted_value`. */
  private formattedValue(e: ExprNode & { _type: NodeType.FormattedValue }): void {
    this.visitExpr(e.value);
    const loc = LOC(e);
    if (e.conversion !== -1) {
      const c = String.fromCharCode(e.conversion);
      const oparg = c === 's' ? FVC_STR : c === 'r' ? FVC_REPR : c === 'a' ? FVC_ASCII : -1;
      if (oparg < 0) throw new Error(`Unrecognized conversion character ${e.conversion}`);
      this.addOpI(op.CONVERT_VALUE, oparg, loc);
    }
    if (e.format_spec !== null) {
      this.visitExpr(e.format_spec);
      this.addOp(op.FORMAT_WITH_SPEC, loc);
    } else {
      this.addOp(op.FORMAT_SIMPLE, loc);
    }
  }

  // ---------------------------------------------------------------- generators

  /** `ADDOP_YIELD`. */
  private addYield(loc: Location): void {
    if (this.u.ste.generator && this.u.ste.coroutine) this.addOpI(op.CALL_INTRINSIC_1, op.INTRINSIC_ASYNC_GEN_WRAP, loc);
    this.addOpI(op.YIELD_VALUE, 0, loc);
    this.addOpI(op.RESUME, op.RESUME_AFTER_YIELD, loc);
  }

  /** `compiler_add_yield_from`: the SEND loop of `yield from` and `await`. */
  private addYieldFrom(loc: Location, isAwait: boolean): void {
    const send = this.newLabel();
    const fail = this.newLabel();
    const exit = this.newLabel();
    this.useLabel(send);
    this.addJump(op.SEND, exit, loc);
    this.addJump(op.SETUP_FINALLY, fail, loc);
    this.addOpI(op.YIELD_VALUE, 1, loc);
    this.addOp(op.POP_BLOCK, NO_LOCATION);
    this.addOpI(op.RESUME, isAwait ? op.RESUME_AFTER_AWAIT : op.RESUME_AFTER_YIELD_FROM, loc);
    this.addJump(op.JUMP_NO_INTERRUPT, send, loc);
    this.useLabel(fail);
    this.addOp(op.CLEANUP_THROW, loc);
    this.useLabel(exit);
    this.addOp(op.END_SEND, loc);
  }

  // ---------------------------------------------------------------- comprehensions

  /** `compiler_comprehension`. */
  private comprehension(e: ExprNode, type: CompType, name: string, generators: Comprehension[], elt: ExprNode, val: ExprNode | null): void {
    const scopeType = this.u.scopeType;
    const entry = this.st.lookup(e);
    const isInlined = entry.compInlined;
    const isAsync = entry.coroutine;
    let loc = LOC(e);
    const outermost = generators[0];
    let state: InlinedComprehensionState | null = null;
    if (isInlined) {
      this.comprehensionIter(outermost);
      state = this.pushInlinedComprehensionState(loc, entry);
    } else {
      this.enterScope(name, ScopeType.Comprehension, e, e.lineno);
    }
    if (isAsync && type !== CompType.GenExp && scopeType !== ScopeType.AsyncFunction && scopeType !== ScopeType.Comprehension) {
      throw this.error(loc, 'asynchronous comprehension outside of an asynchronous function');
    }
    if (type !== CompType.GenExp) {
      const buildOp = type === CompType.ListComp ? op.BUILD_LIST : type === CompType.SetComp ? op.BUILD_SET : op.BUILD_MAP;
      this.addOpI(buildOp, 0, loc);
      if (isInlined) this.addOpI(op.SWAP, 2, loc);
    }
    this.comprehensionGenerator(loc, generators, 0, 0, elt, val, type, isInlined);
    if (state !== null) {
      this.popInlinedComprehensionState(loc, state);
      return;
    }
    if (type !== CompType.GenExp) this.addOp(op.RETURN_VALUE, LOC(e));
    if (type === CompType.GenExp) this.wrapInStopIterationHandler();
    const code = this.optimizeAndAssemble(true);
    this.exitScope();
    loc = LOC(e);
    this.makeClosure(loc, code, 0);
    this.comprehensionIter(outermost);
    this.addOpI(op.CALL, 0, loc);
    if (isAsync && type !== CompType.GenExp) {
      this.addOpI(op.GET_AWAITABLE, 0, loc);
      this.loadConst(NONE, loc);
      this.addYieldFrom(loc, true);
    }
  }

  /** `compiler_comprehension_iter`. */
  private comprehensionIter(comp: Comprehension): void {
    this.visitExpr(comp.iter);
    this.addOp(comp.is_async ? op.GET_AITER : op.GET_ITER, LOC(comp.iter));
  }

  /** `push_inlined_comprehension_state`: isolate the comprehension's names from the enclosing block's. */
  private pushInlinedComprehensionState(loc: Location, entry: SymtableEntry): InlinedComprehensionState {
    const u = this.u;
    const inClassBlock = u.ste.type === BlockType.Class && !u.inInlinedComp;
    u.inInlinedComp++;
    const state: InlinedComprehensionState = { pushedLocals: null, tempSymbols: null, fastHidden: null, cleanup: NO_LABEL, end: NO_LABEL };
    for (const [k, v] of entry.symbols) {
      const symbol = v;
      const scope = scopeOfSymbol(symbol);
      const outv = u.ste.symbols.get(k) ?? 0;
      const outsc = scopeOfSymbol(outv);
      if ((scope !== outsc && scope !== Scope.Free && !(scope === Scope.Cell && outsc === Scope.Free)) || inClassBlock) {
        state.tempSymbols ??= new Map();
        u.ste.symbols.set(k, v);
        state.tempSymbols.set(k, outv);
      }
      if ((symbol & DEF_LOCAL && !(symbol & DEF_NONLOCAL)) || inClassBlock) {
        if (!u.ste.isFunctionLike()) {
          if (u.fasthidden.get(k) !== true) {
            u.fasthidden.set(k, true);
            (state.fastHidden ??= new Set()).add(k);
          }
        }
        (state.pushedLocals ??= []).push(k);
        this.addOpI(op.LOAD_FAST_AND_CLEAR, u.varnames.add(this.mangle(k)), loc);
        if (scope === Scope.Cell) {
          if (outsc === Scope.Free) this.addOpI(op.MAKE_CELL, u.freevars.add(k), loc);
          else this.addOpI(op.MAKE_CELL, u.cellvars.add(k), loc);
        }
      }
    }
    if (state.pushedLocals !== null) {
      this.addOpI(op.SWAP, state.pushedLocals.length + 1, loc);
      state.cleanup = this.newLabel();
      state.end = this.newLabel();
      this.addJump(op.SETUP_FINALLY, state.cleanup, loc);
    }
    return state;
  }

  /** `restore_inlined_comprehension_locals`. */
  private restoreInlinedComprehensionLocals(loc: Location, state: InlinedComprehensionState): void {
    const pushed = state.pushedLocals!;
    this.addOpI(op.SWAP, pushed.length + 1, loc);
    for (let i = pushed.length - 1; i >= 0; i--) this.addOpI(op.STORE_FAST_MAYBE_NULL, this.u.varnames.add(this.mangle(pushed[i])), loc);
  }

  /** `pop_inlined_comprehension_state`. */
  private popInlinedComprehensionState(loc: Location, state: InlinedComprehensionState): void {
    const u = this.u;
    u.inInlinedComp--;
    if (state.tempSymbols !== null) {
      for (const [k, v] of state.tempSymbols) u.ste.symbols.set(k, v);
    }
    if (state.pushedLocals !== null) {
      this.addOp(op.POP_BLOCK, NO_LOCATION);
      this.addJump(op.JUMP_NO_INTERRUPT, state.end, NO_LOCATION);
      this.useLabel(state.cleanup);
      this.addOpI(op.SWAP, 2, NO_LOCATION);
      this.addOp(op.POP_TOP, NO_LOCATION);
      this.restoreInlinedComprehensionLocals(loc, state);
      this.addOpI(op.RERAISE, 0, NO_LOCATION);
      this.useLabel(state.end);
      this.restoreInlinedComprehensionLocals(loc, state);
    }
    if (state.fastHidden !== null) {
      // False, not deleted: the name stays CO_FAST_HIDDEN in the code object.
      for (const k of state.fastHidden) u.fasthidden.set(k, false);
    }
  }

  /** `compiler_comprehension_generator`. */
  private comprehensionGenerator(loc: Location, generators: Comprehension[], genIndex: number, depth: number, elt: ExprNode, val: ExprNode | null, type: CompType, iterOnStack: boolean): void {
    if (generators[genIndex].is_async) this.asyncComprehensionGenerator(loc, generators, genIndex, depth, elt, val, type, iterOnStack);
    else this.syncComprehensionGenerator(loc, generators, genIndex, depth, elt, val, type, iterOnStack);
  }

  /** The innermost part of a comprehension: yield, append, add or store the element. */
  private comprehensionElement(elt: ExprNode, val: ExprNode | null, type: CompType, depth: number): Location {
    let eltLoc = LOC(elt);
    switch (type) {
      case CompType.GenExp:
        this.visitExpr(elt);
        this.addYield(eltLoc);
        this.addOp(op.POP_TOP, eltLoc);
        break;
      case CompType.ListComp:
        this.visitExpr(elt);
        this.addOpI(op.LIST_APPEND, depth + 1, eltLoc);
        break;
      case CompType.SetComp:
        this.visitExpr(elt);
        this.addOpI(op.SET_ADD, depth + 1, eltLoc);
        break;
      case CompType.DictComp:
        this.visitExpr(elt);
        this.visitExpr(val!);
        eltLoc = LOCATION(elt.lineno, val!.end_lineno, elt.col_offset, val!.end_col_offset);
        this.addOpI(op.MAP_ADD, depth + 1, eltLoc);
        break;
    }
    return eltLoc;
  }

  /** `compiler_sync_comprehension_generator`. */
  private syncComprehensionGenerator(loc: Location, generators: Comprehension[], genIndex: number, depth: number, elt: ExprNode, val: ExprNode | null, type: CompType, iterOnStack: boolean): void {
    let start = this.newLabel();
    const ifCleanup = this.newLabel();
    const anchor = this.newLabel();
    const gen = generators[genIndex];
    if (!iterOnStack) {
      if (genIndex === 0) {
        // The outermost iterable is the implicit argument `.0`.
        this.u.argcount = 1;
        this.addOpI(op.LOAD_FAST, 0, loc);
      } else {
        // `for y in [f(x)]` binds y once, without a loop.
        let elts: ExprNode[] | null = null;
        if (gen.iter._type === NodeType.List || gen.iter._type === NodeType.Tuple) elts = gen.iter.elts;
        if (elts !== null && elts.length === 1 && elts[0]._type !== NodeType.Starred) {
          this.visitExpr(elts[0]);
          start = NO_LABEL;
        }
        if (start !== NO_LABEL) {
          this.visitExpr(gen.iter);
          this.addOp(op.GET_ITER, LOC(gen.iter));
        }
      }
    }
    if (start !== NO_LABEL) {
      depth++;
      this.useLabel(start);
      this.addJump(op.FOR_ITER, anchor, LOC(gen.iter));
    }
    this.visitExpr(gen.target);
    for (const cond of gen.ifs) this.jumpIf(loc, cond, ifCleanup, false);
    let eltLoc = LOC(elt);
    if (++genIndex < generators.length) {
      this.comprehensionGenerator(loc, generators, genIndex, depth, elt, val, type, false);
    }
    if (genIndex >= generators.length) eltLoc = this.comprehensionElement(elt, val, type, depth);
    this.useLabel(ifCleanup);
    if (start !== NO_LABEL) {
      this.addJump(op.JUMP, start, eltLoc);
      this.useLabel(anchor);
      this.addOp(op.END_FOR, NO_LOCATION);
      this.addOp(op.POP_TOP, NO_LOCATION);
    }
  }

  /** `compiler_async_comprehension_generator`. */
  private asyncComprehensionGenerator(loc: Location, generators: Comprehension[], genIndex: number, depth: number, elt: ExprNode, val: ExprNode | null, type: CompType, iterOnStack: boolean): void {
    const start = this.newLabel();
    const except = this.newLabel();
    const ifCleanup = this.newLabel();
    const gen = generators[genIndex];
    if (!iterOnStack) {
      if (genIndex === 0) {
        this.u.argcount = 1;
        this.addOpI(op.LOAD_FAST, 0, loc);
      } else {
        this.visitExpr(gen.iter);
        this.addOp(op.GET_AITER, LOC(gen.iter));
      }
    }
    this.useLabel(start);
    this.pushFBlock(loc, FBlockType.AsyncComprehensionGenerator, start, NO_LABEL, null);
    this.addJump(op.SETUP_FINALLY, except, loc);
    this.addOp(op.GET_ANEXT, loc);
    this.loadConst(NONE, loc);
    this.addYieldFrom(loc, true);
    this.addOp(op.POP_BLOCK, loc);
    this.visitExpr(gen.target);
    for (const cond of gen.ifs) this.jumpIf(loc, cond, ifCleanup, false);
    depth++;
    if (++genIndex < generators.length) {
      this.comprehensionGenerator(loc, generators, genIndex, depth, elt, val, type, false);
    }
    if (genIndex >= generators.length) this.comprehensionElement(elt, val, type, depth);
    this.useLabel(ifCleanup);
    this.addJump(op.JUMP, start, NO_LOCATION);
    this.popFBlock();
    this.useLabel(except);
    this.addOp(op.END_ASYNC_FOR, loc);
  }
}

/** `is_two_element_slice`. */
function isTwoElementSlice(s: ExprNode): boolean {
  return s._type === NodeType.Slice && s.step === null;
}

/** A frozenset's items: the first of each group of equal keys. */
function uniqueConsts(items: ConstValue[]): ConstValue[] {
  // Set semantics: 1, 1.0 and True are equal in a set; keep the first.
  const out: ConstValue[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const key = setKey(item);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(item);
    }
  }
  return out;
}

/** Equality as a set sees it (numbers of different types compare equal). */
function setKey(c: ConstValue): string {
  switch (c.type) {
    case 'bool':
      return `n${c.value ? 1 : 0}`;
    case 'int':
      return `n${c.value}`;
    case 'float':
      return Number.isInteger(c.value) ? `n${BigInt(c.value)}` : `n${c.value}`;
    case 'str':
      return `s${c.value}`;
    case 'tuple':
      return `(${c.items.map(setKey).join('|')})`;
    default:
      return `${c.type}:${JSON.stringify(c, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
  }
}
