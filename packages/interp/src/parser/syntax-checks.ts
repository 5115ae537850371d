/**
 * Checks on the converted tree for syntax that py-ast accepts and CPython
 * 3.13's grammar rejects (its `invalid_*` rules that match valid-looking
 * trees):
 * - `invalid_arguments`: a generator expression that is not the only
 *   argument must be parenthesized (`f(x for x in y, 1)`);
 * - `invalid_named_expression`: the target of `:=` must be a name;
 * - an assignment expression as a statement or an assigned value must be
 *   parenthesized (`x := 1`, `y = x := 1`: "invalid syntax" at `:=`);
 * - `invalid_try_stmt`: a `try` needs an `except` or a `finally` block;
 * - `invalid_import_from_targets`: no trailing comma without parentheses.
 *
 * The walk uses an explicit stack: a left-nested chain such as a 100,000-term
 * sum is as deep as it is long.
 */

import { NodeType, type AstNode, type Call, type ClassDef, type ExprNode, type GeneratorExp, type Located, type ImportFrom, type StmtNode, type Try, type TryStar } from './ast.js';
import { NODE_FIELDS } from './ast-fields.js';
import type { SourceText } from './source-text.js';
import { PySyntaxError } from './syntax-error.js';

/** CPython's `_PyPegen_get_expr_name` for the targets `:=` rejects. */
function expressionName(e: ExprNode): string {
  switch (e._type) {
    case NodeType.Attribute:
      return 'attribute';
    case NodeType.Subscript:
      return 'subscript';
    case NodeType.Starred:
      return 'starred';
    case NodeType.Tuple:
      return 'tuple';
    case NodeType.List:
      return 'list';
    case NodeType.Call:
      return 'function call';
    case NodeType.Constant:
      return 'literal';
    case NodeType.Compare:
      return 'comparison';
    default:
      return 'expression';
  }
}

/** A generator expression written without its own parentheses (its span ends with its last clause). */
function isBareGenerator(g: GeneratorExp): boolean {
  const last = g.generators[g.generators.length - 1];
  const tail = last.ifs.length > 0 ? last.ifs[last.ifs.length - 1] : last.iter;
  return g.end_lineno === tail.end_lineno && g.end_col_offset === tail.end_col_offset;
}

/** Whether the expression starting at string index `start` is inside parentheses of its own (`(x := 1)`). */
function isParenthesized(source: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && (source[i] === ' ' || source[i] === '\t' || source[i] === '\f')) i--;
  return source[i] === '(';
}

/**
 * The string indices `[start, end)` of the first token at or after
 * `from` (spaces, newlines, comments and line continuations skipped): a
 * name or a number as a word, anything else one character; null at the end.
 */
function nextTokenAfter(source: string, from: number): [number, number] | null {
  let i = from;
  for (;;) {
    const c = source[i];
    if (c === undefined) return null;
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === ' ' || c === '\t' || c === '\f' || c === '\r' || c === '\n' || (c === '\\' && source[i + 1] === '\n')) {
      i += c === '\\' ? 2 : 1;
    } else break;
  }
  let end = i + 1;
  if (/[\p{L}\p{N}_]/u.test(source[i]!)) while (end < source.length && /[\p{L}\p{N}_]/u.test(source[end]!)) end++;
  return [i, end];
}

/** Throws a PySyntaxError for the first construct CPython 3.13 would reject. */
export function checkTree(text: SourceText, filename: string, body: StmtNode[]): void {
  const fail = (msg: string, node: Located): never => {
    const start = text.index(node.lineno, node.col_offset) - text.lineStart(node.lineno) + 1;
    const end = text.index(node.end_lineno, node.end_col_offset) - text.lineStart(node.end_lineno) + 1;
    throw new PySyntaxError('SyntaxError', msg, filename, node.lineno, start, node.end_lineno, end, text.lineWithNewline(node.lineno));
  };
  const checkArguments = (args: ExprNode[], keywordCount: number): void => {
    if (args.length + keywordCount < 2) return;
    for (const arg of args) {
      // py-ast starts such a generator at the call's '(': the span CPython reports starts at its element.
      if (arg._type === NodeType.GeneratorExp && isBareGenerator(arg)) fail('Generator expression must be parenthesized', { ...arg, lineno: arg.elt.lineno, col_offset: arg.elt.col_offset });
    }
  };
  /** An error from string index `start` to `end` (null: to the end of the line, CPython's -1). */
  const failAt = (msg: string, start: number, end: number | null): never => {
    const from = text.position(start);
    const startOffset = start - text.lineStart(from.lineno) + 1;
    const to = end === null ? from : text.position(end);
    const endOffset = end === null ? -1 : end - text.lineStart(to.lineno) + 1;
    throw new PySyntaxError('SyntaxError', msg, filename, from.lineno, startOffset, to.lineno, endOffset, text.lineWithNewline(from.lineno));
  };
  /** A walrus written bare where a statement or an assigned value stands: "invalid syntax" at its `:=`. */
  const checkBareWalrus = (value: ExprNode | null): void => {
    if (value === null || value._type !== NodeType.NamedExpr) return;
    const start = text.index(value.lineno, value.col_offset);
    if (isParenthesized(text.text, start)) return;
    const op = text.text.indexOf(':=', text.index(value.target.end_lineno, value.target.end_col_offset));
    if (op >= 0) failAt('invalid syntax', op, op + 2);
  };
  /** A `try` with neither handlers nor `finally`: the error is at what follows its body. */
  const checkTry = (node: Try | TryStar): void => {
    if (node.handlers.length > 0 || node.finalbody.length > 0) return;
    const last = node.body[node.body.length - 1];
    const after = last === undefined ? text.index(node.lineno, node.col_offset) : text.index(last.end_lineno, last.end_col_offset);
    const next = nextTokenAfter(text.text, after);
    if (next === null) failAt("expected 'except' or 'finally' block", after, null);
    else failAt("expected 'except' or 'finally' block", next[0], next[1]);
  };
  /** `invalid_import_from_targets`: `from a import b,` — a trailing comma needs parentheses. */
  const checkImportFrom = (node: ImportFrom): void => {
    const source = text.text;
    const last = node.names[node.names.length - 1];
    if (last === undefined) return;
    let end = text.index(last.end_lineno, last.end_col_offset);
    const names = source.indexOf('import', text.index(node.lineno, node.col_offset));
    if (names < 0 || source.slice(names + 6, end).trimStart().startsWith('(')) return;
    while (source[end] === ' ' || source[end] === '\t') end++;
    if (source[end] !== ',') return;
    let at = end + 1;
    while (source[at] === ' ' || source[at] === '\t') at++;
    // The error spans the token after the comma (a comment, or the end of the line) on the comma's line.
    const lineEnd = source.indexOf('\n', at);
    const width = source[at] === '#' ? (lineEnd < 0 ? source.length : lineEnd) - at + 1 : 1;
    const { lineno } = text.position(at);
    const offset = at - text.lineStart(lineno) + 1;
    throw new PySyntaxError('SyntaxError', 'trailing comma not allowed without surrounding parentheses', filename, lineno, offset, lineno, offset + width, text.lineWithNewline(lineno));
  };
  const stack: unknown[] = [...body].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as AstNode | null;
    if (node === null || typeof node !== 'object') continue;
    switch (node._type) {
      case NodeType.Call:
        checkArguments((node as Call).args, (node as Call).keywords.length);
        break;
      case NodeType.ClassDef:
        checkArguments((node as ClassDef).bases, (node as ClassDef).keywords.length);
        break;
      case NodeType.NamedExpr:
        if (node.target._type !== NodeType.Name) fail(`cannot use assignment expressions with ${expressionName(node.target)}`, node.target);
        break;
      case NodeType.AnnAssign:
        checkBareWalrus(node.annotation);
        checkBareWalrus(node.value);
        break;
      case NodeType.Expr:
      case NodeType.Assign:
      case NodeType.AugAssign:
        checkBareWalrus(node.value);
        break;
      case NodeType.Try:
      case NodeType.TryStar:
        checkTry(node);
        break;
      case NodeType.ImportFrom:
        checkImportFrom(node);
        break;
    }
    const record = node as unknown as Record<string, unknown>;
    const fields = NODE_FIELDS[node._type].fields;
    for (let f = fields.length - 1; f >= 0; f--) {
      const [name, kind] = fields[f];
      if (kind === 'node' || kind === 'node?') stack.push(record[name]);
      else if (kind === 'node*') {
        const items = record[name] as unknown[];
        for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]);
      }
    }
  }
}
