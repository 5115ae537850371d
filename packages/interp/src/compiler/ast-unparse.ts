/**
 * An expression back to source text, CPython 3.13's `_PyAST_ExprAsUnicode`
 * (`Python/ast_unparse.c`): what `from __future__ import annotations` stores
 * in place of each annotation. It is not `ast.unparse` (Lib/ast.py): the C
 * unparser has its own spacing and parenthesization (a tuple annotation keeps
 * its parentheses, `lambda` without positional parameters has no space, an
 * integer's attribute is written `1 .real`, an infinite float is `1e309`),
 * and the annotation's text is exactly what CPython stores.
 */

import {
  BoolOperator,
  CmpOperator,
  ConstantType,
  NodeType,
  Operator,
  UnaryOperator,
  type Arg,
  type Arguments,
  type Comprehension,
  type ExprNode,
  type Keyword,
} from '../parser/ast.js';
import { constRepr } from './constant.js';
import { constOfNode } from './constant-node.js';

/** The precedence levels (`PR_*`): an operand below its context's level gets parentheses. */
const enum Pr {
  Tuple,
  /** `if`-`else`, `lambda`. */
  Test,
  Or,
  And,
  Not,
  Cmp,
  /** `|` (`PR_BOR` is `PR_EXPR`). */
  Expr,
  BXor,
  BAnd,
  Shift,
  Arith,
  Term,
  Factor,
  Power,
  Await,
  Atom,
}

const BINOP: Record<Operator, [string, Pr]> = {
  [Operator.Add]: [' + ', Pr.Arith],
  [Operator.Sub]: [' - ', Pr.Arith],
  [Operator.Mult]: [' * ', Pr.Term],
  [Operator.MatMult]: [' @ ', Pr.Term],
  [Operator.Div]: [' / ', Pr.Term],
  [Operator.Mod]: [' % ', Pr.Term],
  [Operator.LShift]: [' << ', Pr.Shift],
  [Operator.RShift]: [' >> ', Pr.Shift],
  [Operator.BitOr]: [' | ', Pr.Expr],
  [Operator.BitXor]: [' ^ ', Pr.BXor],
  [Operator.BitAnd]: [' & ', Pr.BAnd],
  [Operator.FloorDiv]: [' // ', Pr.Term],
  [Operator.Pow]: [' ** ', Pr.Power],
};

const UNARYOP: Record<UnaryOperator, [string, Pr]> = {
  [UnaryOperator.Invert]: ['~', Pr.Factor],
  [UnaryOperator.Not]: ['not ', Pr.Not],
  [UnaryOperator.UAdd]: ['+', Pr.Factor],
  [UnaryOperator.USub]: ['-', Pr.Factor],
};

const CMPOP: Record<CmpOperator, string> = {
  [CmpOperator.Eq]: ' == ',
  [CmpOperator.NotEq]: ' != ',
  [CmpOperator.Lt]: ' < ',
  [CmpOperator.LtE]: ' <= ',
  [CmpOperator.Gt]: ' > ',
  [CmpOperator.GtE]: ' >= ',
  [CmpOperator.Is]: ' is ',
  [CmpOperator.IsNot]: ' is not ',
  [CmpOperator.In]: ' in ',
  [CmpOperator.NotIn]: ' not in ',
};

/** `_PyAST_ExprAsUnicode`: the annotation's text. */
export function exprAsUnicode(e: ExprNode): string {
  return expr(e, Pr.Test);
}

function paren(cond: boolean, text: string): string {
  return cond ? `(${text})` : text;
}

/** `append_ast_expr`. */
function expr(e: ExprNode, level: Pr): string {
  switch (e._type) {
    case NodeType.BoolOp: {
      const [op, pr] = e.op === BoolOperator.And ? [' and ', Pr.And] : [' or ', Pr.Or];
      return paren(level > pr, e.values.map((v) => expr(v, pr + 1)).join(op));
    }
    case NodeType.BinOp: {
      const [op, pr] = BINOP[e.op];
      // `**` is right-associative: its left operand needs the higher level.
      const rassoc = e.op === Operator.Pow ? 1 : 0;
      return paren(level > pr, expr(e.left, pr + rassoc) + op + expr(e.right, pr + 1 - rassoc));
    }
    case NodeType.UnaryOp: {
      const [op, pr] = UNARYOP[e.op];
      return paren(level > pr, op + expr(e.operand, pr));
    }
    case NodeType.Lambda: {
      const positional = e.args.args.length + e.args.posonlyargs.length;
      return paren(level > Pr.Test, `${positional ? 'lambda ' : 'lambda'}${args(e.args)}: ${expr(e.body, Pr.Test)}`);
    }
    case NodeType.IfExp:
      return paren(level > Pr.Test, `${expr(e.body, Pr.Test + 1)} if ${expr(e.test, Pr.Test + 1)} else ${expr(e.orelse, Pr.Test)}`);
    case NodeType.Dict: {
      const items = e.values.map((v, i) => {
        const k = e.keys[i];
        return k !== null ? `${expr(k, Pr.Test)}: ${expr(v, Pr.Test)}` : `**${expr(v, Pr.Expr)}`;
      });
      return `{${items.join(', ')}}`;
    }
    case NodeType.Set:
      return `{${e.elts.map((x) => expr(x, Pr.Test)).join(', ')}}`;
    case NodeType.GeneratorExp:
      return `(${expr(e.elt, Pr.Test)}${comprehensions(e.generators)})`;
    case NodeType.ListComp:
      return `[${expr(e.elt, Pr.Test)}${comprehensions(e.generators)}]`;
    case NodeType.SetComp:
      return `{${expr(e.elt, Pr.Test)}${comprehensions(e.generators)}}`;
    case NodeType.DictComp:
      return `{${expr(e.key, Pr.Test)}: ${expr(e.value, Pr.Test)}${comprehensions(e.generators)}}`;
    case NodeType.Yield:
      return e.value === null ? '(yield)' : `(yield ${expr(e.value, Pr.Test)})`;
    case NodeType.YieldFrom:
      return `(yield from ${expr(e.value, Pr.Test)})`;
    case NodeType.Await:
      return paren(level > Pr.Await, `await ${expr(e.value, Pr.Atom)}`);
    case NodeType.Compare: {
      let text = expr(e.left, Pr.Cmp + 1);
      for (let i = 0; i < e.ops.length; i++) text += CMPOP[e.ops[i]] + expr(e.comparators[i], Pr.Cmp + 1);
      return paren(level > Pr.Cmp, text);
    }
    case NodeType.Call: {
      const func = expr(e.func, Pr.Atom);
      // A lone generator expression argument keeps only its own parentheses.
      if (e.args.length === 1 && e.keywords.length === 0 && e.args[0]._type === NodeType.GeneratorExp) return func + expr(e.args[0], Pr.Test);
      const parts = [...e.args.map((a) => expr(a, Pr.Test)), ...e.keywords.map(keyword)];
      return `${func}(${parts.join(', ')})`;
    }
    case NodeType.Constant:
      if (e.valueType === ConstantType.Ellipsis) return '...';
      return (e.kind ?? '') + constantRepr(e);
    case NodeType.JoinedStr:
      return `f${constRepr({ type: 'str', value: fstringBody(e.values) })}`;
    case NodeType.FormattedValue:
      return formattedValue(e);
    case NodeType.Attribute: {
      const v = e.value;
      // `1.real` would read as a float: an int needs a space before the dot.
      const isInt = v._type === NodeType.Constant && v.valueType === ConstantType.Int;
      return `${expr(v, Pr.Atom)}${isInt ? ' .' : '.'}${e.attr}`;
    }
    case NodeType.Subscript:
      return `${expr(e.value, Pr.Atom)}[${expr(e.slice, Pr.Tuple)}]`;
    case NodeType.Starred:
      return `*${expr(e.value, Pr.Expr)}`;
    case NodeType.Slice: {
      let text = e.lower !== null ? expr(e.lower, Pr.Test) : '';
      text += ':';
      if (e.upper !== null) text += expr(e.upper, Pr.Test);
      if (e.step !== null) text += `:${expr(e.step, Pr.Test)}`;
      return text;
    }
    case NodeType.Name:
      return e.id;
    case NodeType.List:
      return `[${e.elts.map((x) => expr(x, Pr.Test)).join(', ')}]`;
    case NodeType.Tuple: {
      if (e.elts.length === 0) return '()';
      const text = e.elts.map((x) => expr(x, Pr.Test)).join(', ') + (e.elts.length === 1 ? ',' : '');
      return paren(level > Pr.Tuple, text);
    }
    case NodeType.NamedExpr:
      return paren(level > Pr.Tuple, `${expr(e.target, Pr.Atom)} := ${expr(e.value, Pr.Atom)}`);
  }
}

/**
 * `append_repr` of a constant: Python's repr, except that an infinite float
 * (and any `inf` of a complex) is written `1e309`, a literal that reads back
 * as infinity.
 */
function constantRepr(e: ExprNode & { _type: NodeType.Constant }): string {
  const value = constOfNode(e);
  const text = constRepr(value);
  if ((value.type === 'float' && !Number.isFinite(value.value) && !Number.isNaN(value.value)) || value.type === 'complex') {
    return text.replaceAll('inf', '1e309');
  }
  return text;
}

/** `append_ast_arg`. */
function arg(a: Arg): string {
  return a.annotation !== null ? `${a.arg}: ${expr(a.annotation, Pr.Test)}` : a.arg;
}

/** `append_ast_args`: a parameter list (only lambdas reach it here, whose parameters have no annotations). */
function args(a: Arguments): string {
  const parts: string[] = [];
  const positional = [...a.posonlyargs, ...a.args];
  const firstDefault = positional.length - a.defaults.length;
  for (let i = 0; i < positional.length; i++) {
    let text = arg(positional[i]);
    if (i >= firstDefault) text += `=${expr(a.defaults[i - firstDefault], Pr.Test)}`;
    parts.push(text);
    if (a.posonlyargs.length > 0 && i + 1 === a.posonlyargs.length) parts.push('/');
  }
  if (a.vararg !== null || a.kwonlyargs.length > 0) parts.push(`*${a.vararg !== null ? arg(a.vararg) : ''}`);
  const firstKwDefault = a.kwonlyargs.length - a.kw_defaults.length;
  for (let i = 0; i < a.kwonlyargs.length; i++) {
    let text = arg(a.kwonlyargs[i]);
    const d = i >= firstKwDefault ? a.kw_defaults[i - firstKwDefault] : null;
    if (d !== null) text += `=${expr(d, Pr.Test)}`;
    parts.push(text);
  }
  if (a.kwarg !== null) parts.push(`**${arg(a.kwarg)}`);
  return parts.join(', ');
}

/** `append_ast_keyword`. */
function keyword(k: Keyword): string {
  return `${k.arg === null ? '**' : `${k.arg}=`}${expr(k.value, Pr.Test)}`;
}

/** `append_ast_comprehensions`. */
function comprehensions(gens: Comprehension[]): string {
  let text = '';
  for (const gen of gens) {
    text += `${gen.is_async ? ' async for ' : ' for '}${expr(gen.target, Pr.Tuple)} in ${expr(gen.iter, Pr.Test + 1)}`;
    for (const cond of gen.ifs) text += ` if ${expr(cond, Pr.Test + 1)}`;
  }
  return text;
}

/** `build_fstring_body`: the f-string's parts, literal braces doubled, unquoted. */
function fstringBody(values: ExprNode[]): string {
  return values.map(fstringElement).join('');
}

/** `append_fstring_element`. */
function fstringElement(e: ExprNode): string {
  switch (e._type) {
    case NodeType.Constant:
      return e.valueType === ConstantType.Str ? e.value.replaceAll('{', '{{').replaceAll('}', '}}') : '';
    case NodeType.JoinedStr:
      // Only a format spec nests a JoinedStr: its body goes in without quotes.
      return fstringBody(e.values);
    case NodeType.FormattedValue:
      return formattedValue(e);
    default:
      throw new Error('unknown expression kind inside f-string');
  }
}

/** `append_formattedvalue`. */
function formattedValue(e: ExprNode & { _type: NodeType.FormattedValue }): string {
  // Above PR_TEST, so that a lambda's ':' is parenthesized.
  const value = expr(e.value, Pr.Test + 1);
  // `{{` would be an escaped brace: a value that starts with one is set apart.
  let text = value.startsWith('{') ? `{ ${value}` : `{${value}`;
  if (e.conversion > 0) text += `!${String.fromCharCode(e.conversion)}`;
  if (e.format_spec !== null) text += `:${fstringElement(e.format_spec)}`;
  return `${text}}`;
}
