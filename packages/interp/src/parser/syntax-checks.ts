/**
 * Checks on the converted tree for syntax that py-ast accepts and CPython
 * 3.13's grammar rejects (its `invalid_*` rules that match valid-looking
 * trees):
 * - `invalid_arguments`: a generator expression that is not the only
 *   argument must be parenthesized (`f(x for x in y, 1)`);
 * - `invalid_named_expression`: the target of `:=` must be a name.
 *
 * The walk uses an explicit stack: a left-nested chain such as a 100,000-term
 * sum is as deep as it is long.
 */

import { NodeType, type AstNode, type Call, type ClassDef, type ExprNode, type GeneratorExp, type Located, type StmtNode } from './ast.js';
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
