/**
 * The abstract syntax tree, shaped as CPython 3.13's `ast` module
 * (`Parser/Python.asdl`, `Include/internal/pycore_ast.h`).
 *
 * Node names and field names are CPython's, in its field order. Every node
 * carries `_type`, a small integer of {@link NodeType}: the compiler switches
 * on it (a dense integer switch is a jump table in V8, where a switch over
 * type-name strings is a chain of comparisons). CPython's own `kind` field of
 * `Constant` keeps its name. Enumerations that are sum types of bare
 * constructors in the ASDL (`operator`, `cmpop`, `expr_context`…) are
 * numbered as `pycore_ast.h` numbers them (from 1).
 *
 * Positions are CPython's: `lineno`/`end_lineno` from 1, `col_offset` and
 * `end_col_offset` in UTF-8 bytes from the start of the line.
 *
 * Differences from CPython's objects that a compiler must know:
 * - `Constant` carries `valueType` (a {@link ConstantType}), because a
 *   JavaScript number cannot tell `1` from `1.0`; ints are a `number` when
 *   they are safe integers and a `bigint` beyond.
 * - `str` values are JavaScript strings (UTF-16); `bytes` are `Uint8Array`s.
 */

/**
 * Every node type of the ASDL, including the product types (`arguments`,
 * `arg`, …) whose names CPython spells in lower case. Grouped by sum type,
 * so each group is a dense range.
 * @public
 */
export enum NodeType {
  // mod
  Module = 1,
  Interactive,
  Expression,
  FunctionType,
  // stmt
  FunctionDef,
  AsyncFunctionDef,
  ClassDef,
  Return,
  Delete,
  Assign,
  TypeAlias,
  AugAssign,
  AnnAssign,
  For,
  AsyncFor,
  While,
  If,
  With,
  AsyncWith,
  Match,
  Raise,
  Try,
  TryStar,
  Assert,
  Import,
  ImportFrom,
  Global,
  Nonlocal,
  Expr,
  Pass,
  Break,
  Continue,
  // expr
  BoolOp,
  NamedExpr,
  BinOp,
  UnaryOp,
  Lambda,
  IfExp,
  Dict,
  Set,
  ListComp,
  SetComp,
  DictComp,
  GeneratorExp,
  Await,
  Yield,
  YieldFrom,
  Compare,
  Call,
  FormattedValue,
  JoinedStr,
  Constant,
  Attribute,
  Subscript,
  Starred,
  Name,
  List,
  Tuple,
  Slice,
  // product types and one-constructor sums
  comprehension,
  ExceptHandler,
  arguments,
  arg,
  keyword,
  alias,
  withitem,
  match_case,
  // pattern
  MatchValue,
  MatchSingleton,
  MatchSequence,
  MatchMapping,
  MatchClass,
  MatchStar,
  MatchAs,
  MatchOr,
  // type_ignore
  TypeIgnore,
  // type_param
  TypeVar,
  ParamSpec,
  TypeVarTuple,
}

/** `expr_context` (CPython `Load=1, Store=2, Del=3`). @public */
export enum ExprContext {
  Load = 1,
  Store,
  Del,
}

/** `boolop`. @public */
export enum BoolOperator {
  And = 1,
  Or,
}

/** `operator`, in the ASDL's order (not `BINARY_OP`'s oparg order). @public */
export enum Operator {
  Add = 1,
  Sub,
  Mult,
  MatMult,
  Div,
  Mod,
  Pow,
  LShift,
  RShift,
  BitOr,
  BitXor,
  BitAnd,
  FloorDiv,
}

/** `unaryop`. @public */
export enum UnaryOperator {
  Invert = 1,
  Not,
  UAdd,
  USub,
}

/** `cmpop`. @public */
export enum CmpOperator {
  Eq = 1,
  NotEq,
  Lt,
  LtE,
  Gt,
  GtE,
  Is,
  IsNot,
  In,
  NotIn,
}

/** The Python type of a `Constant`'s value. @public */
export enum ConstantType {
  None = 1,
  Ellipsis,
  Bool,
  Int,
  Float,
  Complex,
  Str,
  Bytes,
}

/** The four position attributes every located node has (the ASDL's `attributes`). @public */
export interface Located {
  /** First line, from 1. */
  lineno: number;
  /** Start column in UTF-8 bytes, from 0. */
  col_offset: number;
  /** Last line, from 1. */
  end_lineno: number;
  /** End column (exclusive) in UTF-8 bytes. */
  end_col_offset: number;
}

// ---------------------------------------------------------------- mod

/** A file or `exec` input. @public */
export interface Module {
  _type: NodeType.Module;
  body: StmtNode[];
  type_ignores: TypeIgnore[];
}

/** `single` input (one interactive statement). @public */
export interface Interactive {
  _type: NodeType.Interactive;
  body: StmtNode[];
}

/** `eval` input. @public */
export interface Expression {
  _type: NodeType.Expression;
  body: ExprNode;
}

/** `func_type` input (a signature type comment); never produced by {@link ModNode} parsing modes here. @public */
export interface FunctionType {
  _type: NodeType.FunctionType;
  argtypes: ExprNode[];
  returns: ExprNode;
}

/** The `mod` sum type. @public */
export type ModNode = Module | Interactive | Expression | FunctionType;

// ---------------------------------------------------------------- stmt

/** `def`. @public */
export interface FunctionDef extends Located {
  _type: NodeType.FunctionDef;
  name: string;
  args: Arguments;
  body: StmtNode[];
  decorator_list: ExprNode[];
  returns: ExprNode | null;
  type_comment: string | null;
  type_params: TypeParamNode[];
}

/** `async def`. @public */
export interface AsyncFunctionDef extends Located {
  _type: NodeType.AsyncFunctionDef;
  name: string;
  args: Arguments;
  body: StmtNode[];
  decorator_list: ExprNode[];
  returns: ExprNode | null;
  type_comment: string | null;
  type_params: TypeParamNode[];
}

/** `class`. @public */
export interface ClassDef extends Located {
  _type: NodeType.ClassDef;
  name: string;
  bases: ExprNode[];
  keywords: Keyword[];
  body: StmtNode[];
  decorator_list: ExprNode[];
  type_params: TypeParamNode[];
}

/** `return`. @public */
export interface Return extends Located {
  _type: NodeType.Return;
  value: ExprNode | null;
}

/** `del`. @public */
export interface Delete extends Located {
  _type: NodeType.Delete;
  targets: ExprNode[];
}

/** `a = b = value`. @public */
export interface Assign extends Located {
  _type: NodeType.Assign;
  targets: ExprNode[];
  value: ExprNode;
  type_comment: string | null;
}

/** `type X[T] = …` (PEP 695). @public */
export interface TypeAlias extends Located {
  _type: NodeType.TypeAlias;
  name: ExprNode;
  type_params: TypeParamNode[];
  value: ExprNode;
}

/** `target op= value`. @public */
export interface AugAssign extends Located {
  _type: NodeType.AugAssign;
  target: ExprNode;
  op: Operator;
  value: ExprNode;
}

/** `target: annotation = value`; `simple` is 1 for a bare unparenthesized name. @public */
export interface AnnAssign extends Located {
  _type: NodeType.AnnAssign;
  target: ExprNode;
  annotation: ExprNode;
  value: ExprNode | null;
  simple: number;
}

/** `for`. @public */
export interface For extends Located {
  _type: NodeType.For;
  target: ExprNode;
  iter: ExprNode;
  body: StmtNode[];
  orelse: StmtNode[];
  type_comment: string | null;
}

/** `async for`. @public */
export interface AsyncFor extends Located {
  _type: NodeType.AsyncFor;
  target: ExprNode;
  iter: ExprNode;
  body: StmtNode[];
  orelse: StmtNode[];
  type_comment: string | null;
}

/** `while`. @public */
export interface While extends Located {
  _type: NodeType.While;
  test: ExprNode;
  body: StmtNode[];
  orelse: StmtNode[];
}

/** `if` (an `elif` is an `If` alone in `orelse`). @public */
export interface If extends Located {
  _type: NodeType.If;
  test: ExprNode;
  body: StmtNode[];
  orelse: StmtNode[];
}

/** `with`. @public */
export interface With extends Located {
  _type: NodeType.With;
  items: WithItem[];
  body: StmtNode[];
  type_comment: string | null;
}

/** `async with`. @public */
export interface AsyncWith extends Located {
  _type: NodeType.AsyncWith;
  items: WithItem[];
  body: StmtNode[];
  type_comment: string | null;
}

/** `match`. @public */
export interface Match extends Located {
  _type: NodeType.Match;
  subject: ExprNode;
  cases: MatchCase[];
}

/** `raise exc from cause`. @public */
export interface Raise extends Located {
  _type: NodeType.Raise;
  exc: ExprNode | null;
  cause: ExprNode | null;
}

/** `try` / `except` / `else` / `finally`. @public */
export interface Try extends Located {
  _type: NodeType.Try;
  body: StmtNode[];
  handlers: ExceptHandler[];
  orelse: StmtNode[];
  finalbody: StmtNode[];
}

/** `try` / `except*`. @public */
export interface TryStar extends Located {
  _type: NodeType.TryStar;
  body: StmtNode[];
  handlers: ExceptHandler[];
  orelse: StmtNode[];
  finalbody: StmtNode[];
}

/** `assert test, msg`. @public */
export interface Assert extends Located {
  _type: NodeType.Assert;
  test: ExprNode;
  msg: ExprNode | null;
}

/** `import a.b as c`. @public */
export interface Import extends Located {
  _type: NodeType.Import;
  names: Alias[];
}

/** `from ..m import x`; `level` counts the leading dots. @public */
export interface ImportFrom extends Located {
  _type: NodeType.ImportFrom;
  module: string | null;
  names: Alias[];
  level: number;
}

/** `global`. @public */
export interface Global extends Located {
  _type: NodeType.Global;
  names: string[];
}

/** `nonlocal`. @public */
export interface Nonlocal extends Located {
  _type: NodeType.Nonlocal;
  names: string[];
}

/** An expression statement. @public */
export interface Expr extends Located {
  _type: NodeType.Expr;
  value: ExprNode;
}

/** `pass`. @public */
export interface Pass extends Located {
  _type: NodeType.Pass;
}

/** `break`. @public */
export interface Break extends Located {
  _type: NodeType.Break;
}

/** `continue`. @public */
export interface Continue extends Located {
  _type: NodeType.Continue;
}

/** The `stmt` sum type. @public */
export type StmtNode =
  | FunctionDef
  | AsyncFunctionDef
  | ClassDef
  | Return
  | Delete
  | Assign
  | TypeAlias
  | AugAssign
  | AnnAssign
  | For
  | AsyncFor
  | While
  | If
  | With
  | AsyncWith
  | Match
  | Raise
  | Try
  | TryStar
  | Assert
  | Import
  | ImportFrom
  | Global
  | Nonlocal
  | Expr
  | Pass
  | Break
  | Continue;

// ---------------------------------------------------------------- expr

/** `a and b and c` (one node for the whole chain). @public */
export interface BoolOp extends Located {
  _type: NodeType.BoolOp;
  op: BoolOperator;
  values: ExprNode[];
}

/** `target := value`. @public */
export interface NamedExpr extends Located {
  _type: NodeType.NamedExpr;
  target: ExprNode;
  value: ExprNode;
}

/** A binary operation. @public */
export interface BinOp extends Located {
  _type: NodeType.BinOp;
  left: ExprNode;
  op: Operator;
  right: ExprNode;
}

/** A unary operation. @public */
export interface UnaryOp extends Located {
  _type: NodeType.UnaryOp;
  op: UnaryOperator;
  operand: ExprNode;
}

/** `lambda args: body`. @public */
export interface Lambda extends Located {
  _type: NodeType.Lambda;
  args: Arguments;
  body: ExprNode;
}

/** `body if test else orelse`. @public */
export interface IfExp extends Located {
  _type: NodeType.IfExp;
  test: ExprNode;
  body: ExprNode;
  orelse: ExprNode;
}

/** A dict display; a `null` key is a `**mapping` entry. @public */
export interface Dict extends Located {
  _type: NodeType.Dict;
  keys: (ExprNode | null)[];
  values: ExprNode[];
}

/** A set display. @public */
export interface Set extends Located {
  _type: NodeType.Set;
  elts: ExprNode[];
}

/** `[elt for …]`. @public */
export interface ListComp extends Located {
  _type: NodeType.ListComp;
  elt: ExprNode;
  generators: Comprehension[];
}

/** `{elt for …}`. @public */
export interface SetComp extends Located {
  _type: NodeType.SetComp;
  elt: ExprNode;
  generators: Comprehension[];
}

/** `{key: value for …}`. @public */
export interface DictComp extends Located {
  _type: NodeType.DictComp;
  key: ExprNode;
  value: ExprNode;
  generators: Comprehension[];
}

/** `(elt for …)`. @public */
export interface GeneratorExp extends Located {
  _type: NodeType.GeneratorExp;
  elt: ExprNode;
  generators: Comprehension[];
}

/** `await value`. @public */
export interface Await extends Located {
  _type: NodeType.Await;
  value: ExprNode;
}

/** `yield value`. @public */
export interface Yield extends Located {
  _type: NodeType.Yield;
  value: ExprNode | null;
}

/** `yield from value`. @public */
export interface YieldFrom extends Located {
  _type: NodeType.YieldFrom;
  value: ExprNode;
}

/** A comparison chain `left op1 c1 op2 c2 …`. @public */
export interface Compare extends Located {
  _type: NodeType.Compare;
  left: ExprNode;
  ops: CmpOperator[];
  comparators: ExprNode[];
}

/** A call. @public */
export interface Call extends Located {
  _type: NodeType.Call;
  func: ExprNode;
  args: ExprNode[];
  keywords: Keyword[];
}

/**
 * One replacement field of an f-string. `conversion` is -1 or the code point
 * of `s`, `r` or `a`; `format_spec` is a `JoinedStr` or `null`.
 * @public
 */
export interface FormattedValue extends Located {
  _type: NodeType.FormattedValue;
  value: ExprNode;
  conversion: number;
  format_spec: ExprNode | null;
}

/** An f-string: `Constant` str parts and `FormattedValue`s. @public */
export interface JoinedStr extends Located {
  _type: NodeType.JoinedStr;
  values: ExprNode[];
}

/** What every `Constant` has besides its value. */
interface ConstantBase extends Located {
  _type: NodeType.Constant;
  /** CPython's `kind`: `'u'` for a `u'…'` literal, otherwise `null`. */
  kind: string | null;
}

/** `None`. @public */
export interface NoneConstant extends ConstantBase {
  valueType: ConstantType.None;
  value: null;
}

/** `...`. @public */
export interface EllipsisConstant extends ConstantBase {
  valueType: ConstantType.Ellipsis;
  value: null;
}

/** `True` / `False`. @public */
export interface BoolConstant extends ConstantBase {
  valueType: ConstantType.Bool;
  value: boolean;
}

/** An int: a `number` when `Number.isSafeInteger`, a `bigint` beyond. @public */
export interface IntConstant extends ConstantBase {
  valueType: ConstantType.Int;
  value: number | bigint;
}

/** A float. @public */
export interface FloatConstant extends ConstantBase {
  valueType: ConstantType.Float;
  value: number;
}

/** A complex number (a literal is `real = 0`). @public */
export interface ComplexConstant extends ConstantBase {
  valueType: ConstantType.Complex;
  value: { real: number; imag: number };
}

/** A str. @public */
export interface StrConstant extends ConstantBase {
  valueType: ConstantType.Str;
  value: string;
}

/** A bytes. @public */
export interface BytesConstant extends ConstantBase {
  valueType: ConstantType.Bytes;
  value: Uint8Array;
}

/** A literal value (`Constant`), told apart by `valueType`. @public */
export type Constant =
  | NoneConstant
  | EllipsisConstant
  | BoolConstant
  | IntConstant
  | FloatConstant
  | ComplexConstant
  | StrConstant
  | BytesConstant;

/** `value.attr`. @public */
export interface Attribute extends Located {
  _type: NodeType.Attribute;
  value: ExprNode;
  attr: string;
  ctx: ExprContext;
}

/** `value[slice]`. @public */
export interface Subscript extends Located {
  _type: NodeType.Subscript;
  value: ExprNode;
  slice: ExprNode;
  ctx: ExprContext;
}

/** `*value`. @public */
export interface Starred extends Located {
  _type: NodeType.Starred;
  value: ExprNode;
  ctx: ExprContext;
}

/** A name. @public */
export interface Name extends Located {
  _type: NodeType.Name;
  id: string;
  ctx: ExprContext;
}

/** A list display or target. @public */
export interface List extends Located {
  _type: NodeType.List;
  elts: ExprNode[];
  ctx: ExprContext;
}

/** A tuple display or target. @public */
export interface Tuple extends Located {
  _type: NodeType.Tuple;
  elts: ExprNode[];
  ctx: ExprContext;
}

/** `lower:upper:step`, only inside a subscript. @public */
export interface Slice extends Located {
  _type: NodeType.Slice;
  lower: ExprNode | null;
  upper: ExprNode | null;
  step: ExprNode | null;
}

/** The `expr` sum type. @public */
export type ExprNode =
  | BoolOp
  | NamedExpr
  | BinOp
  | UnaryOp
  | Lambda
  | IfExp
  | Dict
  | Set
  | ListComp
  | SetComp
  | DictComp
  | GeneratorExp
  | Await
  | Yield
  | YieldFrom
  | Compare
  | Call
  | FormattedValue
  | JoinedStr
  | Constant
  | Attribute
  | Subscript
  | Starred
  | Name
  | List
  | Tuple
  | Slice;

// ---------------------------------------------------------------- products

/** `for target in iter if …` of a comprehension. @public */
export interface Comprehension {
  _type: NodeType.comprehension;
  target: ExprNode;
  iter: ExprNode;
  ifs: ExprNode[];
  is_async: number;
}

/** `except type as name:` (the `excepthandler` sum's one constructor). @public */
export interface ExceptHandler extends Located {
  _type: NodeType.ExceptHandler;
  type: ExprNode | null;
  name: string | null;
  body: StmtNode[];
}

/** A parameter list; `kw_defaults` holds `null` for a keyword-only parameter without default. @public */
export interface Arguments {
  _type: NodeType.arguments;
  posonlyargs: Arg[];
  args: Arg[];
  vararg: Arg | null;
  kwonlyargs: Arg[];
  kw_defaults: (ExprNode | null)[];
  kwarg: Arg | null;
  defaults: ExprNode[];
}

/** One parameter. @public */
export interface Arg extends Located {
  _type: NodeType.arg;
  arg: string;
  annotation: ExprNode | null;
  type_comment: string | null;
}

/** `arg=value` in a call or class bases; `arg` is `null` for `**value`. @public */
export interface Keyword extends Located {
  _type: NodeType.keyword;
  arg: string | null;
  value: ExprNode;
}

/** `name as asname` of an import. @public */
export interface Alias extends Located {
  _type: NodeType.alias;
  name: string;
  asname: string | null;
}

/** `context_expr as optional_vars` of a `with`. @public */
export interface WithItem {
  _type: NodeType.withitem;
  context_expr: ExprNode;
  optional_vars: ExprNode | null;
}

/** `case pattern if guard:`. @public */
export interface MatchCase {
  _type: NodeType.match_case;
  pattern: PatternNode;
  guard: ExprNode | null;
  body: StmtNode[];
}

// ---------------------------------------------------------------- pattern

/** A value pattern (a literal or dotted name). @public */
export interface MatchValue extends Located {
  _type: NodeType.MatchValue;
  value: ExprNode;
}

/** `None`, `True` or `False` as a pattern (compared by identity). @public */
export interface MatchSingleton extends Located {
  _type: NodeType.MatchSingleton;
  value: null | boolean;
}

/** `[p, q, *rest]`. @public */
export interface MatchSequence extends Located {
  _type: NodeType.MatchSequence;
  patterns: PatternNode[];
}

/** `{k: p, **rest}`. @public */
export interface MatchMapping extends Located {
  _type: NodeType.MatchMapping;
  keys: ExprNode[];
  patterns: PatternNode[];
  rest: string | null;
}

/** `Cls(p, attr=q)`. @public */
export interface MatchClass extends Located {
  _type: NodeType.MatchClass;
  cls: ExprNode;
  patterns: PatternNode[];
  kwd_attrs: string[];
  kwd_patterns: PatternNode[];
}

/** `*name` in a sequence pattern (`name` null for `*_`). @public */
export interface MatchStar extends Located {
  _type: NodeType.MatchStar;
  name: string | null;
}

/** `pattern as name`, a capture `name`, or the wildcard `_` (both null). @public */
export interface MatchAs extends Located {
  _type: NodeType.MatchAs;
  pattern: PatternNode | null;
  name: string | null;
}

/** `p | q`. @public */
export interface MatchOr extends Located {
  _type: NodeType.MatchOr;
  patterns: PatternNode[];
}

/** The `pattern` sum type. @public */
export type PatternNode = MatchValue | MatchSingleton | MatchSequence | MatchMapping | MatchClass | MatchStar | MatchAs | MatchOr;

/** `# type: ignore` (only with type comments, which this parser does not collect). @public */
export interface TypeIgnore {
  _type: NodeType.TypeIgnore;
  lineno: number;
  tag: string;
}

// ---------------------------------------------------------------- type_param

/** `T: bound = default` of a PEP 695 parameter list. @public */
export interface TypeVar extends Located {
  _type: NodeType.TypeVar;
  name: string;
  bound: ExprNode | null;
  default_value: ExprNode | null;
}

/** `**P`. @public */
export interface ParamSpec extends Located {
  _type: NodeType.ParamSpec;
  name: string;
  default_value: ExprNode | null;
}

/** `*Ts`. @public */
export interface TypeVarTuple extends Located {
  _type: NodeType.TypeVarTuple;
  name: string;
  default_value: ExprNode | null;
}

/** The `type_param` sum type. @public */
export type TypeParamNode = TypeVar | ParamSpec | TypeVarTuple;

/** Any node. @public */
export type AstNode =
  | ModNode
  | StmtNode
  | ExprNode
  | PatternNode
  | TypeParamNode
  | Comprehension
  | ExceptHandler
  | Arguments
  | Arg
  | Keyword
  | Alias
  | WithItem
  | MatchCase
  | TypeIgnore;
