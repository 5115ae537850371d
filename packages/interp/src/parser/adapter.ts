/**
 * Source text to our AST (the front end of CPython's `_PyParser_ASTFromString`).
 *
 * Parsing is done by the `py-ast` package, pinned to one version; this is the
 * only module that imports it. Writing and maintaining a PEG parser for the
 * whole 3.13 grammar, with CPython's error rules, is months of work that
 * py-ast has done; what it gets wrong is fixed here, where it is contained:
 *
 * - constants are re-read from the source text: py-ast gives `1.0` and `1`
 *   the same JavaScript number, `...` as a string, and bytes as strings;
 *   str and bytes literals are decoded again (py-ast leaves `\N{...}`
 *   undecoded, and cannot tell it from an escaped backslash);
 * - syntax py-ast accepts but CPython 3.13 rejects (see `syntax-checks.ts`:
 *   PEP 758 `except A, B:`, t-strings, an unparenthesized generator argument
 *   among others, walrus targets that are not names) is rejected with
 *   CPython's message;
 * - errors get CPython's type, message and position (`syntax-errors.ts`
 *   pre-scans the tokens for the tokenizer's errors and classifies the rest).
 */

import * as pyAst from 'py-ast';
import {
  BoolOperator,
  CmpOperator,
  ConstantType,
  ExprContext,
  NodeType,
  Operator,
  UnaryOperator,
  type Alias,
  type Arg,
  type Arguments,
  type Comprehension,
  type Constant,
  type ExprNode,
  type Expression,
  type Interactive,
  type Keyword,
  type Module,
  type PatternNode,
  type StmtNode,
  type TypeParamNode,
} from './ast.js';
import { parseNumberLiteral } from './number-literal.js';
import { SourceText } from './source-text.js';
import { decodeBytesBody, decodeNamedEscapesInFStringPart, decodeStrBody, LiteralDecodeError } from './string-literal.js';
import { readStringTokens } from './string-tokens.js';
import { checkTree } from './syntax-checks.js';
import { PyParserOverflowError } from './parser-overflow-error.js';
import { PySyntaxError } from './syntax-error.js';
import { errorAtTokenAfter, scanTokens, syntaxErrorFromParser, type ExprNode as ErrorExpr } from './syntax-errors.js';
import { TokenKind, type Token, type TokenScan } from './tokenizer.js';

/** The parse modes of `compile()`. @public */
export type ParseMode = 'exec' | 'eval' | 'single';

/** A py-ast node as it comes: any fields, named by `nodeType`. */
type Raw = { nodeType: string; [field: string]: any };

/** The root node for each mode. @public */
export interface ParseResult {
  exec: Module;
  eval: Expression;
  single: Interactive;
}

/** What the parser needs of the interpreter's state. @public */
export interface ParseOptions {
  /** `sys.get_int_max_str_digits()`: a longer decimal int literal is a SyntaxError (0 or absent: no limit). */
  readonly maxIntDigits?: number;
}

/**
 * Parses `source` as CPython 3.13's `compile(source, filename, mode,
 * PyCF_ONLY_AST)` does, or throws a {@link PySyntaxError}.
 * @public
 */
export function parse<M extends ParseMode>(source: string, filename: string, mode: M, options: ParseOptions = {}): ParseResult[M] {
  // `exec` input ends with a newline, one added if missing (the tokenizer's `translate_newlines`).
  const appended = mode === 'exec' && source.length > 0 && !source.endsWith('\n');
  const text = new SourceText(appended ? `${source}\n` : source);
  // The tokenizer's own errors (indentation, tabs, unterminated strings,
  // brackets, nesting) come from a scan of our own; CPython reports the
  // first error in token order, so the scan also tells which wins.
  const scan = withSourceLine(scanTokens(text, filename), appended ? text.text.split('\n').length - 1 : 0);
  let raw: Raw;
  let input = text.text;
  /** Where the targets of `async for` clauses py-ast was not shown start (blankAsyncComprehension). */
  const asyncTargets = new Set<number>();
  for (let attempt = 0; ; attempt++) {
    try {
      raw = pyAst.parse(input, { filename }) as unknown as Raw;
      break;
    } catch (error) {
      if (error instanceof RangeError) {
        if (scan.error !== null) throw scan.error;
        // CPython parses a chain of trailers (`a.b.b…`, `f()()…`) in a loop; the compiler's recursion limit stops it.
        if (longestTrailerChain(text.text, scan.tokens) > TRAILER_CHAIN_PARSED) throw error;
        throw new PyParserOverflowError(filename);
      }
      const patched = attempt < 100 ? (mergeCaseStrings(text, input, scan.tokens, error as Error) ?? blankAsyncComprehension(text, input, scan.tokens, error as Error, asyncTargets)) : null;
      if (patched !== null) {
        input = patched;
        continue;
      }
      throw atEndOfStringInput(firstSyntaxError(text, filename, scan, error as Error), text, mode);
    }
  }
  if (scan.error !== null) throw scan.error;
  const converter = new Converter(text, filename, options.maxIntDigits ?? 0, asyncTargets);
  let body: StmtNode[];
  try {
    body = converter.stmts(raw.body);
  } catch (error) {
    if (error instanceof RangeError) throw longestTrailerChain(text.text, scan.tokens) > TRAILER_CHAIN_PARSED ? error : new PyParserOverflowError(filename);
    throw error;
  }
  checkTree(text, filename, body);
  if (mode === 'exec') return { _type: NodeType.Module, body, type_ignores: [] } as Module as ParseResult[M];
  if (mode === 'single') {
    if (body.length > 1) {
      const end = text.index(body[0].end_lineno, body[0].end_col_offset);
      throw errorAtTokenAfter(text, filename, scan.tokens, end, 'multiple statements found while compiling a single statement');
    }
    return { _type: NodeType.Interactive, body } as Interactive as ParseResult[M];
  }
  if (body.length !== 1 || body[0]._type !== NodeType.Expr) {
    // Where CPython's `eval` rule (`expressions NEWLINE* ENDMARKER`) stops:
    // after the leading expression, or at a statement keyword.
    const first = body[0];
    let at = text.text.length;
    if (first !== undefined) {
      const leading = first._type === NodeType.Expr ? first : first._type === NodeType.Assign ? first.targets[0] : first._type === NodeType.AugAssign || first._type === NodeType.AnnAssign ? first.target : null;
      at = leading === null ? text.index(first.lineno, first.col_offset) : text.index(leading.end_lineno, leading.end_col_offset);
    }
    throw atEndOfStringInput(errorAtTokenAfter(text, filename, scan.tokens, at, 'invalid syntax'), text, mode);
  }
  return { _type: NodeType.Expression, body: body[0].value } as Expression as ParseResult[M];
}

/**
 * The error CPython reports first when py-ast rejected the source: the
 * tokenizer's, except an unclosed bracket (found only at the end of the
 * input), which replaces the parser's error only when that error lies on a
 * later line than the bracket (`_PyPegen_tokenize_full_source_to_check_for_errors`)
 * or is the end of the input: `def f(:` is "invalid syntax" at the ':'.
 * (A specific error of the second pass is taken as later: that pass reads
 * ahead.)
 */
function firstSyntaxError(text: SourceText, filename: string, scan: TokenScan, error: Error): PySyntaxError {
  if (scan.error === null) return syntaxErrorFromParser(text, filename, scan, error, parseExpressionForErrors);
  if (!scan.error.msg.endsWith('was never closed')) return scan.error;
  const parsed = syntaxErrorFromParser(text, filename, scan, error, parseExpressionForErrors);
  // A failure at the end of the input is the parser running into the end: the bracket's error.
  const atEnd = text.lineStart(parsed.end_lineno) + (parsed.end_offset ?? parsed.offset) - 1 >= text.text.trimEnd().length;
  return parsed.msg === 'invalid syntax' && parsed.lineno <= scan.error.lineno && !atEnd ? parsed : scan.error;
}

/** Trailers in a row that py-ast and the tree conversion handle without running out of stack (CPython has no such limit: its loop does not recurse). */
const TRAILER_CHAIN_PARSED = 1000;

/**
 * The most trailers (`.name`, `(…)`, `[…]`) that follow one another
 * anywhere in `tokens`: how deep a left-nested chain of attributes, calls
 * and subscripts goes.
 */
function longestTrailerChain(source: string, tokens: readonly Token[]): number {
  const word = (t: Token | undefined): string => (t === undefined ? '' : source.slice(t.start, t.end));
  let best = 0;
  for (let i = 0; i < tokens.length; ) {
    let run = 0;
    let j = i;
    for (;;) {
      const w = word(tokens[j]);
      if (w === '.' && tokens[j + 1]?.kind === TokenKind.Name) {
        run++;
        j += 2;
      } else if (w === '(' || w === '[') {
        // The matching closer is the first later token back at the opener's outer depth.
        const outer = tokens[j]!.level - 1;
        let k = j + 1;
        while (k < tokens.length && tokens[k]!.level > outer) k++;
        if (k >= tokens.length) break;
        run++;
        j = k + 1;
      } else break;
    }
    if (run > best) best = run;
    i = run > 0 ? j : i + 1;
  }
  return best;
}

/**
 * A tokenizer error's line as the source has it: on the last line
 * (`lastLine`, 0 when no newline was added) of `exec` input that had no
 * final newline, without the one the parser added — CPython's tokenizer
 * errors quote the line as read, which has it only after a line
 * continuation read it.
 */
function withSourceLine(scan: TokenScan, lastLine: number): TokenScan {
  const e = scan.error;
  if (lastLine === 0 || e === null || e.text === null || !e.text.endsWith('\n') || e.lineno !== lastLine || e.msg === 'unexpected EOF while parsing') return scan;
  return { ...scan, error: new PySyntaxError(e.type, e.msg, e.filename, e.lineno, e.offset, e.end_lineno, e.end_offset, e.text.slice(0, -1)) };
}

/**
 * CPython's generic error at the end of `eval` or `single` input that has
 * no final newline: the implicit end-of-line token there has no column,
 * so the error says offset 0 (and line 0 for empty input).
 */
function atEndOfStringInput(e: PySyntaxError, text: SourceText, mode: ParseMode): PySyntaxError {
  const source = text.text;
  if (mode === 'exec' || e.msg !== 'invalid syntax' || source.endsWith('\n')) return e;
  if (text.lineStart(e.lineno) + e.offset - 1 < source.length) return e;
  const lineno = source.length === 0 ? 0 : e.lineno;
  return new PySyntaxError(e.type, e.msg, e.filename, lineno, 0, lineno, 0, source.length === 0 ? '' : text.lineWithNewline(e.lineno).replace(/\n$/, ''));
}

/** CPython normalizes a non-ASCII identifier to NFKC (`_PyPegen_new_identifier`). */
function identifier(name: string): string {
  return /^[\x00-\x7f]*$/.test(name) ? name : name.normalize('NFKC');
}

function optIdentifier(name: string | null | undefined): string | null {
  return name === undefined || name === null ? null : identifier(name);
}

/**
 * py-ast (1.16) takes `async for` in list comprehensions and generator
 * expressions but not in set and dict comprehensions (`{x async for x in
 * a}`). When it fails at an `async` followed by `for`, the `async` is
 * blanked (five spaces) in py-ast's input only, so every position stays,
 * and the parse is retried; the start of that clause's target is recorded
 * in `asyncTargets`, and the conversion marks the clause async again.
 * Returns the patched input, or null if the failure is something else.
 */
function blankAsyncComprehension(text: SourceText, input: string, tokens: Token[], error: Error, asyncTargets: Set<number>): string | null {
  const e = error as Error & { lineno?: number; col_offset?: number };
  if (typeof e.lineno !== 'number' || typeof e.col_offset !== 'number') return null;
  const at = text.index(e.lineno, e.col_offset);
  const k = tokens.findIndex((t) => t.start === at);
  if (k < 0 || k + 2 >= tokens.length) return null;
  const word = (i: number): string => (tokens[i].kind === TokenKind.Name ? text.text.slice(tokens[i].start, tokens[i].end) : '');
  if (word(k) !== 'async' || word(k + 1) !== 'for' || tokens[k].level === 0) return null;
  asyncTargets.add(tokens[k + 2].start);
  const inputText = new SourceText(input);
  const start = inputText.index(tokens[k].lineno, text.byteColumn(tokens[k].lineno, tokens[k].start));
  return `${input.slice(0, start)}     ${input.slice(start + 'async'.length)}`;
}

/**
 * py-ast rejects implicitly concatenated strings in a `case` pattern
 * (`case 'a' 'b':`). When it fails at the second string of such a run, the
 * run is replaced, in py-ast's input only, by one string literal of the same
 * UTF-8 length (so every position stays), and the parse is retried; the
 * `Constant` then spans the run, and its value is decoded from the real
 * source. Returns the patched input, or null if the failure is something else.
 */
function mergeCaseStrings(text: SourceText, input: string, tokens: Token[], error: Error): string | null {
  const e = error as Error & { lineno?: number; col_offset?: number };
  if (typeof e.lineno !== 'number' || typeof e.col_offset !== 'number') return null;
  const at = text.index(e.lineno, e.col_offset);
  const k = tokens.findIndex((t) => t.start === at);
  if (k < 1 || tokens[k].kind !== TokenKind.String || tokens[k - 1].kind !== TokenKind.String) return null;
  let first = k - 1;
  while (first > 0 && tokens[first - 1].kind === TokenKind.String) first--;
  let last = k;
  while (last + 1 < tokens.length && tokens[last + 1].kind === TokenKind.String) last++;
  const a = tokens[first];
  const b = tokens[last];
  if (a.lineno !== b.endLineno) return null;
  const lineStart = text.lineStart(a.lineno);
  if (!/^\s*case\b/.test(text.text.slice(lineStart, a.start))) return null;
  const run = text.text.slice(a.start, b.end);
  const prefix = /^[a-zA-Z]*/.exec(run)![0];
  const bytes = Buffer.byteLength(run, 'utf8');
  const filler = 'x'.repeat(bytes - prefix.length - 2);
  if (filler.length < 0) return null;
  const placeholder = `${prefix}'${filler}'`;
  // Replace in py-ast's input: same line structure, same bytes before and after.
  const inputText = new SourceText(input);
  const start = inputText.index(a.lineno, text.byteColumn(a.lineno, a.start));
  const end = inputText.index(b.endLineno, text.byteColumn(b.endLineno, b.end));
  return input.slice(0, start) + placeholder + input.slice(end);
}

/** One expression through py-ast, in the small form the error rules read (see syntax-errors.ts). */
function parseExpressionForErrors(source: string): ErrorExpr | null {
  let raw: Raw;
  try {
    raw = pyAst.parse(source) as unknown as Raw;
  } catch {
    return null;
  }
  const statement = raw.body?.[0] as Raw | undefined;
  if (raw.body.length !== 1 || statement?.nodeType !== 'Expr') return null;
  const text = new SourceText(source);
  const simplify = (node: Raw): ErrorExpr => {
    const children: Raw[] = node.nodeType === 'Tuple' || node.nodeType === 'List' ? node.elts : node.nodeType === 'Starred' ? [node.value] : [];
    let constantName: string | undefined;
    if (node.nodeType === 'Constant') {
      if (node.value === null) constantName = 'None';
      else if (node.value === true) constantName = 'True';
      else if (node.value === false) constantName = 'False';
      else if (node.value === '...' && node.quote_style === undefined) constantName = 'ellipsis';
    }
    return {
      kind: node.nodeType,
      start: text.index(node.lineno, node.col_offset),
      end: text.index(node.end_lineno ?? node.lineno, node.end_col_offset ?? node.col_offset),
      children: children.map(simplify),
      constantName,
    };
  };
  return simplify(statement.value);
}

function contextOf(raw: Raw | undefined): ExprContext {
  return raw === undefined ? ExprContext.Load : ExprContext[raw.nodeType as keyof typeof ExprContext];
}

/** Converts py-ast's tree, node by node, re-reading constants from the source. */
class Converter {
  constructor(
    private readonly text: SourceText,
    private readonly filename: string,
    private readonly maxIntDigits: number,
    /** Source indices where the target of an `async for` clause whose `async` py-ast was not shown starts. */
    private readonly asyncTargets: ReadonlySet<number>,
  ) {}

  private loc(raw: Raw): { lineno: number; col_offset: number; end_lineno: number; end_col_offset: number } {
    return { lineno: raw.lineno, col_offset: raw.col_offset, end_lineno: raw.end_lineno ?? raw.lineno, end_col_offset: raw.end_col_offset ?? raw.col_offset };
  }

  private sourceOf(raw: Raw): string {
    return this.text.text.slice(this.text.index(raw.lineno, raw.col_offset), this.text.index(raw.end_lineno, raw.end_col_offset));
  }

  stmts(list: Raw[] | undefined): StmtNode[] {
    const out: StmtNode[] = [];
    if (list === undefined) return out;
    for (const raw of list) if (raw.nodeType !== 'Comment') out.push(this.stmt(raw));
    return out;
  }

  exprs(list: Raw[] | undefined): ExprNode[] {
    return list === undefined ? [] : list.map((raw) => this.expr(raw));
  }

  optExpr(raw: Raw | undefined | null): ExprNode | null {
    return raw === undefined || raw === null ? null : this.expr(raw);
  }

  stmt(raw: Raw): StmtNode {
    const loc = this.loc(raw);
    switch (raw.nodeType) {
      case 'FunctionDef':
      case 'AsyncFunctionDef':
        return {
          _type: raw.nodeType === 'FunctionDef' ? NodeType.FunctionDef : NodeType.AsyncFunctionDef,
          name: identifier(raw.name),
          args: this.arguments(raw.args),
          body: this.stmts(raw.body),
          decorator_list: this.exprs(raw.decorator_list),
          returns: this.optExpr(raw.returns),
          type_comment: raw.type_comment ?? null,
          type_params: (raw.type_params ?? []).map((p: Raw) => this.typeParam(p)),
          ...loc,
        } as StmtNode;
      case 'ClassDef':
        return {
          _type: NodeType.ClassDef,
          name: identifier(raw.name),
          bases: this.exprs(raw.bases),
          keywords: (raw.keywords ?? []).map((k: Raw) => this.keyword(k)),
          body: this.stmts(raw.body),
          decorator_list: this.exprs(raw.decorator_list),
          type_params: (raw.type_params ?? []).map((p: Raw) => this.typeParam(p)),
          ...loc,
        };
      case 'Return':
        return { _type: NodeType.Return, value: this.optExpr(raw.value), ...loc };
      case 'Delete':
        return { _type: NodeType.Delete, targets: this.exprs(raw.targets), ...loc };
      case 'Assign':
        return { _type: NodeType.Assign, targets: this.exprs(raw.targets), value: this.expr(raw.value), type_comment: raw.type_comment ?? null, ...loc };
      case 'TypeAlias':
        return { _type: NodeType.TypeAlias, name: this.expr(raw.name), type_params: (raw.type_params ?? []).map((p: Raw) => this.typeParam(p)), value: this.expr(raw.value), ...loc };
      case 'AugAssign':
        return { _type: NodeType.AugAssign, target: this.expr(raw.target), op: Operator[raw.op.nodeType as keyof typeof Operator], value: this.expr(raw.value), ...loc };
      case 'AnnAssign':
        return {
          _type: NodeType.AnnAssign,
          target: this.expr(raw.target),
          annotation: this.expr(raw.annotation),
          value: this.optExpr(raw.value),
          // 1 only for a bare name: py-ast also says 1 for `(x): int`.
          simple: raw.target.nodeType === 'Name' && this.text.text[this.text.index(raw.lineno, raw.col_offset)] !== '(' ? 1 : 0,
          ...loc,
        };
      case 'For':
      case 'AsyncFor':
        return {
          _type: raw.nodeType === 'For' ? NodeType.For : NodeType.AsyncFor,
          target: this.expr(raw.target),
          iter: this.expr(raw.iter),
          body: this.stmts(raw.body),
          orelse: this.stmts(raw.orelse),
          type_comment: raw.type_comment ?? null,
          ...loc,
        } as StmtNode;
      case 'While':
        return { _type: NodeType.While, test: this.expr(raw.test), body: this.stmts(raw.body), orelse: this.stmts(raw.orelse), ...loc };
      case 'If':
        return { _type: NodeType.If, test: this.expr(raw.test), body: this.stmts(raw.body), orelse: this.stmts(raw.orelse), ...loc };
      case 'With':
      case 'AsyncWith':
        return {
          _type: raw.nodeType === 'With' ? NodeType.With : NodeType.AsyncWith,
          items: (raw.items as Raw[]).map((item) => ({ _type: NodeType.withitem, context_expr: this.expr(item.context_expr), optional_vars: this.optExpr(item.optional_vars) })),
          body: this.stmts(raw.body),
          type_comment: raw.type_comment ?? null,
          ...loc,
        } as StmtNode;
      case 'Match':
        return {
          _type: NodeType.Match,
          subject: this.expr(raw.subject),
          cases: (raw.cases as Raw[]).map((c) => ({ _type: NodeType.match_case, pattern: this.pattern(c.pattern), guard: this.optExpr(c.guard), body: this.stmts(c.body) })),
          ...loc,
        };
      case 'Raise':
        return { _type: NodeType.Raise, exc: this.optExpr(raw.exc), cause: this.optExpr(raw.cause), ...loc };
      case 'Try':
      case 'TryStar':
        return {
          _type: raw.nodeType === 'Try' ? NodeType.Try : NodeType.TryStar,
          body: this.stmts(raw.body),
          handlers: (raw.handlers as Raw[]).map((h) => ({ _type: NodeType.ExceptHandler, type: this.optExpr(h.type), name: optIdentifier(h.name), body: this.stmts(h.body), ...this.loc(h) })),
          orelse: this.stmts(raw.orelse),
          finalbody: this.stmts(raw.finalbody),
          ...loc,
        } as StmtNode;
      case 'Assert':
        return { _type: NodeType.Assert, test: this.expr(raw.test), msg: this.optExpr(raw.msg), ...loc };
      case 'Import':
        return { _type: NodeType.Import, names: (raw.names as Raw[]).map((a) => this.alias(a)), ...loc };
      case 'ImportFrom':
        return { _type: NodeType.ImportFrom, module: optIdentifier(raw.module), names: (raw.names as Raw[]).map((a) => this.alias(a)), level: raw.level ?? 0, ...loc };
      case 'Global':
        return { _type: NodeType.Global, names: (raw.names as string[]).map(identifier), ...loc };
      case 'Nonlocal':
        return { _type: NodeType.Nonlocal, names: (raw.names as string[]).map(identifier), ...loc };
      case 'Expr':
        return { _type: NodeType.Expr, value: this.expr(raw.value), ...loc };
      case 'Pass':
        return { _type: NodeType.Pass, ...loc };
      case 'Break':
        return { _type: NodeType.Break, ...loc };
      case 'Continue':
        return { _type: NodeType.Continue, ...loc };
    }
    throw new Error(`py-ast adapter: unknown statement node ${raw.nodeType}`);
  }

  expr(raw: Raw): ExprNode {
    const loc = this.loc(raw);
    switch (raw.nodeType) {
      case 'BoolOp':
        return { _type: NodeType.BoolOp, op: BoolOperator[raw.op.nodeType as keyof typeof BoolOperator], values: this.exprs(raw.values), ...loc };
      case 'NamedExpr':
        return { _type: NodeType.NamedExpr, target: this.expr(raw.target), value: this.expr(raw.value), ...loc };
      case 'BinOp':
        return this.binOp(raw);
      case 'UnaryOp':
        return { _type: NodeType.UnaryOp, op: UnaryOperator[raw.op.nodeType as keyof typeof UnaryOperator], operand: this.expr(raw.operand), ...loc };
      case 'Lambda':
        return { _type: NodeType.Lambda, args: this.arguments(raw.args), body: this.expr(raw.body), ...loc };
      case 'IfExp':
        return { _type: NodeType.IfExp, test: this.expr(raw.test), body: this.expr(raw.body), orelse: this.expr(raw.orelse), ...loc };
      case 'Dict':
        return { _type: NodeType.Dict, keys: (raw.keys as (Raw | null)[]).map((k) => this.optExpr(k)), values: this.exprs(raw.values), ...loc };
      case 'Set':
        return { _type: NodeType.Set, elts: this.exprs(raw.elts), ...loc };
      case 'ListComp':
        return { _type: NodeType.ListComp, elt: this.expr(raw.elt), generators: this.comprehensions(raw.generators), ...loc };
      case 'SetComp':
        return { _type: NodeType.SetComp, elt: this.expr(raw.elt), generators: this.comprehensions(raw.generators), ...loc };
      case 'DictComp':
        return { _type: NodeType.DictComp, key: this.expr(raw.key), value: this.expr(raw.value), generators: this.comprehensions(raw.generators), ...loc };
      case 'GeneratorExp':
        return { _type: NodeType.GeneratorExp, elt: this.expr(raw.elt), generators: this.comprehensions(raw.generators), ...loc };
      case 'Await':
        return { _type: NodeType.Await, value: this.expr(raw.value), ...loc };
      case 'Yield':
        return { _type: NodeType.Yield, value: this.optExpr(raw.value), ...loc };
      case 'YieldFrom':
        return { _type: NodeType.YieldFrom, value: this.expr(raw.value), ...loc };
      case 'Compare':
        return {
          _type: NodeType.Compare,
          left: this.expr(raw.left),
          ops: (raw.ops as Raw[]).map((op) => CmpOperator[op.nodeType as keyof typeof CmpOperator]),
          comparators: this.exprs(raw.comparators),
          ...loc,
        };
      case 'Call':
        return { _type: NodeType.Call, func: this.expr(raw.func), args: this.exprs(raw.args), keywords: (raw.keywords ?? []).map((k: Raw) => this.keyword(k)), ...loc };
      case 'FormattedValue':
        return { _type: NodeType.FormattedValue, value: this.expr(raw.value), conversion: raw.conversion ?? -1, format_spec: raw.format_spec ? this.joinedStr(raw.format_spec) : null, ...loc };
      case 'JoinedStr':
        return this.joinedStr(raw);
      case 'Constant':
        return this.constant(raw);
      case 'Attribute':
        return { _type: NodeType.Attribute, value: this.expr(raw.value), attr: identifier(raw.attr), ctx: contextOf(raw.ctx), ...loc };
      case 'Subscript':
        return { _type: NodeType.Subscript, value: this.expr(raw.value), slice: this.subscriptSlice(raw.slice), ctx: contextOf(raw.ctx), ...loc };
      case 'Starred':
        return { _type: NodeType.Starred, value: this.expr(raw.value), ctx: contextOf(raw.ctx), ...loc };
      case 'Name':
        return { _type: NodeType.Name, id: identifier(raw.id), ctx: contextOf(raw.ctx), ...loc };
      case 'List':
        return { _type: NodeType.List, elts: this.exprs(raw.elts), ctx: contextOf(raw.ctx), ...loc };
      case 'Tuple':
        return { _type: NodeType.Tuple, elts: this.exprs(raw.elts), ctx: contextOf(raw.ctx), ...loc };
      case 'Slice':
        return { _type: NodeType.Slice, lower: this.optExpr(raw.lower), upper: this.optExpr(raw.upper), step: this.optExpr(raw.step), ...loc };
      case 'TemplateStr':
      case 'Interpolation':
        // PEP 750 t-strings are 3.14: in 3.13 `t"…"` is a name followed by a string.
        throw this.tStringError(raw);
    }
    throw new Error(`py-ast adapter: unknown expression node ${raw.nodeType}`);
  }

  /** `x[*a]`: CPython's slice is a one-element Tuple around the Starred (py-ast gives the Starred). */
  private subscriptSlice(raw: Raw): ExprNode {
    const slice = this.expr(raw);
    if (slice._type !== NodeType.Starred) return slice;
    return { _type: NodeType.Tuple, elts: [slice], ctx: ExprContext.Load, lineno: slice.lineno, col_offset: slice.col_offset, end_lineno: slice.end_lineno, end_col_offset: slice.end_col_offset };
  }

  /** A chain `a + b + c …` is left-nested: walk its left spine with a loop, not recursion. */
  private binOp(raw: Raw): ExprNode {
    const spine: Raw[] = [];
    let node = raw;
    while (node.nodeType === 'BinOp') {
      spine.push(node);
      node = node.left;
    }
    let left = this.expr(node);
    for (let i = spine.length - 1; i >= 0; i--) {
      const op = spine[i];
      left = { _type: NodeType.BinOp, left, op: Operator[op.op.nodeType as keyof typeof Operator], right: this.expr(op.right), ...this.loc(op) };
    }
    return left;
  }

  /** CPython 3.13 reads `t"…"` as the name `t` then a string: invalid syntax at the string. */
  private tStringError(raw: Raw): PySyntaxError {
    const start = this.text.index(raw.lineno, raw.col_offset) + 1;
    const end = this.text.index(raw.end_lineno, raw.end_col_offset);
    const lineStart = this.text.lineStart(raw.lineno);
    return new PySyntaxError('SyntaxError', 'invalid syntax', this.filename, raw.lineno, start - lineStart + 1, raw.end_lineno, end - this.text.lineStart(raw.end_lineno) + 1, this.text.lineWithNewline(raw.lineno));
  }

  private joinedStr(raw: Raw): ExprNode {
    const values: ExprNode[] = [];
    for (const part of (raw.values ?? []) as Raw[]) {
      if (part.nodeType === 'Constant') {
        values.push({ _type: NodeType.Constant, valueType: ConstantType.Str, value: this.fStringPart(part), kind: null, ...this.loc(part) });
      } else values.push(this.expr(part));
    }
    return { _type: NodeType.JoinedStr, values, ...this.loc(raw) };
  }

  /** A literal part of an f-string: py-ast's value with its `\N{...}` escapes decoded. */
  private fStringPart(part: Raw): string {
    const value = part.value as string;
    if (!value.includes('\\N{')) return value;
    try {
      return decodeNamedEscapesInFStringPart(value, this.sourceOf(part));
    } catch (error) {
      if (error instanceof LiteralDecodeError) throw this.literalError(part, error);
      throw error;
    }
  }

  private literalError(raw: Raw, error: LiteralDecodeError): PySyntaxError {
    return new PySyntaxError('SyntaxError', error.message, this.filename, raw.lineno, raw.col_offset + 1, raw.end_lineno, raw.end_col_offset + 1, this.text.lineWithNewline(raw.lineno));
  }

  /**
   * `_PyPegen_number_token`: a decimal int literal longer than the
   * interpreter's limit on int/str conversions is a SyntaxError, reported
   * on the literal's lines without a column (CPython's -1).
   */
  private checkIntDigits(raw: Raw, source: string): void {
    const limit = this.maxIntDigits;
    if (limit <= 0 || source.length <= limit || /^0[xXoObB]|[.eEjJ]/.test(source)) return;
    const digits = source.replace(/_/g, '').length;
    if (digits <= limit) return;
    const msg = `Exceeds the limit (${limit} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.`;
    throw new PySyntaxError('SyntaxError', msg, this.filename, raw.lineno, 0, raw.end_lineno ?? raw.lineno, 0, this.text.lineWithNewline(raw.lineno));
  }

  private constant(raw: Raw): Constant {
    const loc = this.loc(raw);
    const value = raw.value;
    if (value === null || value === undefined) return { _type: NodeType.Constant, valueType: ConstantType.None, value: null, kind: null, ...loc };
    if (typeof value === 'boolean') return { _type: NodeType.Constant, valueType: ConstantType.Bool, value, kind: null, ...loc };
    // py-ast gives `...` as the string '...': the source tells them apart.
    if (typeof value === 'string' && this.sourceOf(raw) === '...') return { _type: NodeType.Constant, valueType: ConstantType.Ellipsis, value: null, kind: null, ...loc };
    if (typeof value !== 'string') {
      const source = this.sourceOf(raw);
      this.checkIntDigits(raw, source);
      const literal = parseNumberLiteral(source);
      return { _type: NodeType.Constant, kind: null, ...literal, ...loc } as Constant;
    }
    return this.stringConstant(raw);
  }

  /** A str or bytes constant: every literal of an implicit concatenation, decoded from the source. */
  private stringConstant(raw: Raw): Constant {
    const loc = this.loc(raw);
    const text = this.text;
    const tokens = readStringTokens(text.text, text.index(raw.lineno, raw.col_offset), text.index(raw.end_lineno, raw.end_col_offset));
    const isBytes = tokens[0].prefix.toLowerCase().includes('b');
    // CPython sets kind 'u' for a lower-case u prefix only.
    const kind = tokens[0].prefix === 'u' ? 'u' : null;
    try {
      if (isBytes) {
        for (const t of tokens) {
          if (/[^\x00-\x7f]/.test(t.body)) {
            const start = this.text.position(t.start);
            const end = this.text.position(t.end);
            const lineStart = this.text.lineStart(start.lineno);
            throw new PySyntaxError('SyntaxError', 'bytes can only contain ASCII literal characters', this.filename, start.lineno, t.start - lineStart + 1, end.lineno, t.end - this.text.lineStart(end.lineno) + 1, this.text.lineWithNewline(start.lineno));
          }
        }
        const parts = tokens.map((t) => decodeBytesBody(t.body, t.prefix.toLowerCase().includes('r')));
        const total = parts.reduce((n, p) => n + p.length, 0);
        const bytes = new Uint8Array(total);
        let at = 0;
        for (const part of parts) {
          bytes.set(part, at);
          at += part.length;
        }
        return { _type: NodeType.Constant, valueType: ConstantType.Bytes, value: bytes, kind: null, ...loc };
      }
      let value = '';
      for (const t of tokens) value += decodeStrBody(t.body, t.prefix.toLowerCase().includes('r'));
      return { _type: NodeType.Constant, valueType: ConstantType.Str, value, kind, ...loc };
    } catch (error) {
      if (error instanceof LiteralDecodeError) throw this.literalError(raw, error);
      throw error;
    }
  }

  private comprehensions(list: Raw[]): Comprehension[] {
    return list.map((c) => {
      const blanked = this.asyncTargets.size !== 0 && this.asyncTargets.has(this.text.index(c.target.lineno, c.target.col_offset));
      return { _type: NodeType.comprehension, target: this.expr(c.target), iter: this.expr(c.iter), ifs: this.exprs(c.ifs), is_async: c.is_async || blanked ? 1 : 0 };
    });
  }

  private arg(raw: Raw): Arg {
    return { _type: NodeType.arg, arg: identifier(raw.arg), annotation: this.optExpr(raw.annotation), type_comment: raw.type_comment ?? null, ...this.loc(raw) };
  }

  private arguments(raw: Raw | undefined): Arguments {
    if (raw === undefined) return { _type: NodeType.arguments, posonlyargs: [], args: [], vararg: null, kwonlyargs: [], kw_defaults: [], kwarg: null, defaults: [] };
    return {
      _type: NodeType.arguments,
      posonlyargs: (raw.posonlyargs ?? []).map((a: Raw) => this.arg(a)),
      args: (raw.args ?? []).map((a: Raw) => this.arg(a)),
      vararg: raw.vararg ? this.arg(raw.vararg) : null,
      kwonlyargs: (raw.kwonlyargs ?? []).map((a: Raw) => this.arg(a)),
      kw_defaults: (raw.kw_defaults ?? []).map((d: Raw | null) => this.optExpr(d)),
      kwarg: raw.kwarg ? this.arg(raw.kwarg) : null,
      defaults: this.exprs(raw.defaults),
    };
  }

  private keyword(raw: Raw): Keyword {
    return { _type: NodeType.keyword, arg: optIdentifier(raw.arg), value: this.expr(raw.value), ...this.loc(raw) };
  }

  private alias(raw: Raw): Alias {
    return { _type: NodeType.alias, name: identifier(raw.name), asname: optIdentifier(raw.asname), ...this.loc(raw) };
  }

  private typeParam(raw: Raw): TypeParamNode {
    const loc = this.loc(raw);
    const default_value = this.optExpr(raw.default_value);
    if (raw.nodeType === 'TypeVar') return { _type: NodeType.TypeVar, name: identifier(raw.name), bound: this.optExpr(raw.bound), default_value, ...loc };
    if (raw.nodeType === 'ParamSpec') return { _type: NodeType.ParamSpec, name: identifier(raw.name), default_value, ...loc };
    return { _type: NodeType.TypeVarTuple, name: identifier(raw.name), default_value, ...loc };
  }

  private pattern(raw: Raw): PatternNode {
    const loc = this.loc(raw);
    switch (raw.nodeType) {
      case 'MatchValue':
        return { _type: NodeType.MatchValue, value: this.expr(raw.value), ...loc };
      case 'MatchSingleton':
        return { _type: NodeType.MatchSingleton, value: raw.value ?? null, ...loc };
      case 'MatchSequence':
        return { _type: NodeType.MatchSequence, patterns: (raw.patterns as Raw[]).map((p) => this.pattern(p)), ...loc };
      case 'MatchMapping':
        return { _type: NodeType.MatchMapping, keys: this.exprs(raw.keys), patterns: (raw.patterns as Raw[]).map((p) => this.pattern(p)), rest: optIdentifier(raw.rest), ...loc };
      case 'MatchClass':
        return {
          _type: NodeType.MatchClass,
          cls: this.expr(raw.cls),
          patterns: (raw.patterns as Raw[]).map((p) => this.pattern(p)),
          kwd_attrs: ((raw.kwd_attrs ?? []) as string[]).map(identifier),
          kwd_patterns: (raw.kwd_patterns as Raw[]).map((p) => this.pattern(p)),
          ...loc,
        };
      case 'MatchStar':
        return { _type: NodeType.MatchStar, name: optIdentifier(raw.name), ...loc };
      case 'MatchAs':
        return { _type: NodeType.MatchAs, pattern: raw.pattern ? this.pattern(raw.pattern) : null, name: optIdentifier(raw.name), ...loc };
      case 'MatchOr':
        return { _type: NodeType.MatchOr, patterns: (raw.patterns as Raw[]).map((p) => this.pattern(p)), ...loc };
    }
    throw new Error(`py-ast adapter: unknown pattern node ${raw.nodeType}`);
  }
}
