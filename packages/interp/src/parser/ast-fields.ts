/**
 * The fields of every node type, in CPython's order, with their ASDL types
 * (CPython's `_fields` / `_field_types` of `Python/Python-ast.c`), so that
 * generic code — a dump, a walk, a copy — needs no switch of its own.
 */

import { NodeType } from './ast.js';

/**
 * The ASDL type of a field, as a walker needs it: a child node (`node`), an
 * optional one (`node?`), a sequence (`node*`, its items possibly `null`
 * for `Dict.keys` and `arguments.kw_defaults`), or a leaf value.
 * @public
 */
export type FieldKind =
  | 'node'
  | 'node?'
  | 'node*'
  | 'identifier'
  | 'identifier?'
  | 'identifier*'
  | 'string?'
  | 'int'
  | 'constant'
  | 'expr_context'
  | 'boolop'
  | 'operator'
  | 'unaryop'
  | 'cmpop*';

/** One node type's fields and whether it has the four position attributes. @public */
export interface NodeFields {
  readonly fields: readonly (readonly [name: string, kind: FieldKind])[];
  readonly located: boolean;
}

const STMT_BODY = ['body', 'node*'] as const;

/** Fields by node type. @public */
export const NODE_FIELDS: Readonly<Record<NodeType, NodeFields>> = {
  [NodeType.Module]: { located: false, fields: [STMT_BODY, ['type_ignores', 'node*']] },
  [NodeType.Interactive]: { located: false, fields: [STMT_BODY] },
  [NodeType.Expression]: { located: false, fields: [['body', 'node']] },
  [NodeType.FunctionType]: { located: false, fields: [['argtypes', 'node*'], ['returns', 'node']] },

  [NodeType.FunctionDef]: {
    located: true,
    fields: [['name', 'identifier'], ['args', 'node'], STMT_BODY, ['decorator_list', 'node*'], ['returns', 'node?'], ['type_comment', 'string?'], ['type_params', 'node*']],
  },
  [NodeType.AsyncFunctionDef]: {
    located: true,
    fields: [['name', 'identifier'], ['args', 'node'], STMT_BODY, ['decorator_list', 'node*'], ['returns', 'node?'], ['type_comment', 'string?'], ['type_params', 'node*']],
  },
  [NodeType.ClassDef]: {
    located: true,
    fields: [['name', 'identifier'], ['bases', 'node*'], ['keywords', 'node*'], STMT_BODY, ['decorator_list', 'node*'], ['type_params', 'node*']],
  },
  [NodeType.Return]: { located: true, fields: [['value', 'node?']] },
  [NodeType.Delete]: { located: true, fields: [['targets', 'node*']] },
  [NodeType.Assign]: { located: true, fields: [['targets', 'node*'], ['value', 'node'], ['type_comment', 'string?']] },
  [NodeType.TypeAlias]: { located: true, fields: [['name', 'node'], ['type_params', 'node*'], ['value', 'node']] },
  [NodeType.AugAssign]: { located: true, fields: [['target', 'node'], ['op', 'operator'], ['value', 'node']] },
  [NodeType.AnnAssign]: { located: true, fields: [['target', 'node'], ['annotation', 'node'], ['value', 'node?'], ['simple', 'int']] },
  [NodeType.For]: { located: true, fields: [['target', 'node'], ['iter', 'node'], STMT_BODY, ['orelse', 'node*'], ['type_comment', 'string?']] },
  [NodeType.AsyncFor]: { located: true, fields: [['target', 'node'], ['iter', 'node'], STMT_BODY, ['orelse', 'node*'], ['type_comment', 'string?']] },
  [NodeType.While]: { located: true, fields: [['test', 'node'], STMT_BODY, ['orelse', 'node*']] },
  [NodeType.If]: { located: true, fields: [['test', 'node'], STMT_BODY, ['orelse', 'node*']] },
  [NodeType.With]: { located: true, fields: [['items', 'node*'], STMT_BODY, ['type_comment', 'string?']] },
  [NodeType.AsyncWith]: { located: true, fields: [['items', 'node*'], STMT_BODY, ['type_comment', 'string?']] },
  [NodeType.Match]: { located: true, fields: [['subject', 'node'], ['cases', 'node*']] },
  [NodeType.Raise]: { located: true, fields: [['exc', 'node?'], ['cause', 'node?']] },
  [NodeType.Try]: { located: true, fields: [STMT_BODY, ['handlers', 'node*'], ['orelse', 'node*'], ['finalbody', 'node*']] },
  [NodeType.TryStar]: { located: true, fields: [STMT_BODY, ['handlers', 'node*'], ['orelse', 'node*'], ['finalbody', 'node*']] },
  [NodeType.Assert]: { located: true, fields: [['test', 'node'], ['msg', 'node?']] },
  [NodeType.Import]: { located: true, fields: [['names', 'node*']] },
  [NodeType.ImportFrom]: { located: true, fields: [['module', 'identifier?'], ['names', 'node*'], ['level', 'int']] },
  [NodeType.Global]: { located: true, fields: [['names', 'identifier*']] },
  [NodeType.Nonlocal]: { located: true, fields: [['names', 'identifier*']] },
  [NodeType.Expr]: { located: true, fields: [['value', 'node']] },
  [NodeType.Pass]: { located: true, fields: [] },
  [NodeType.Break]: { located: true, fields: [] },
  [NodeType.Continue]: { located: true, fields: [] },

  [NodeType.BoolOp]: { located: true, fields: [['op', 'boolop'], ['values', 'node*']] },
  [NodeType.NamedExpr]: { located: true, fields: [['target', 'node'], ['value', 'node']] },
  [NodeType.BinOp]: { located: true, fields: [['left', 'node'], ['op', 'operator'], ['right', 'node']] },
  [NodeType.UnaryOp]: { located: true, fields: [['op', 'unaryop'], ['operand', 'node']] },
  [NodeType.Lambda]: { located: true, fields: [['args', 'node'], ['body', 'node']] },
  [NodeType.IfExp]: { located: true, fields: [['test', 'node'], ['body', 'node'], ['orelse', 'node']] },
  [NodeType.Dict]: { located: true, fields: [['keys', 'node*'], ['values', 'node*']] },
  [NodeType.Set]: { located: true, fields: [['elts', 'node*']] },
  [NodeType.ListComp]: { located: true, fields: [['elt', 'node'], ['generators', 'node*']] },
  [NodeType.SetComp]: { located: true, fields: [['elt', 'node'], ['generators', 'node*']] },
  [NodeType.DictComp]: { located: true, fields: [['key', 'node'], ['value', 'node'], ['generators', 'node*']] },
  [NodeType.GeneratorExp]: { located: true, fields: [['elt', 'node'], ['generators', 'node*']] },
  [NodeType.Await]: { located: true, fields: [['value', 'node']] },
  [NodeType.Yield]: { located: true, fields: [['value', 'node?']] },
  [NodeType.YieldFrom]: { located: true, fields: [['value', 'node']] },
  [NodeType.Compare]: { located: true, fields: [['left', 'node'], ['ops', 'cmpop*'], ['comparators', 'node*']] },
  [NodeType.Call]: { located: true, fields: [['func', 'node'], ['args', 'node*'], ['keywords', 'node*']] },
  [NodeType.FormattedValue]: { located: true, fields: [['value', 'node'], ['conversion', 'int'], ['format_spec', 'node?']] },
  [NodeType.JoinedStr]: { located: true, fields: [['values', 'node*']] },
  [NodeType.Constant]: { located: true, fields: [['value', 'constant'], ['kind', 'string?']] },
  [NodeType.Attribute]: { located: true, fields: [['value', 'node'], ['attr', 'identifier'], ['ctx', 'expr_context']] },
  [NodeType.Subscript]: { located: true, fields: [['value', 'node'], ['slice', 'node'], ['ctx', 'expr_context']] },
  [NodeType.Starred]: { located: true, fields: [['value', 'node'], ['ctx', 'expr_context']] },
  [NodeType.Name]: { located: true, fields: [['id', 'identifier'], ['ctx', 'expr_context']] },
  [NodeType.List]: { located: true, fields: [['elts', 'node*'], ['ctx', 'expr_context']] },
  [NodeType.Tuple]: { located: true, fields: [['elts', 'node*'], ['ctx', 'expr_context']] },
  [NodeType.Slice]: { located: true, fields: [['lower', 'node?'], ['upper', 'node?'], ['step', 'node?']] },

  [NodeType.comprehension]: { located: false, fields: [['target', 'node'], ['iter', 'node'], ['ifs', 'node*'], ['is_async', 'int']] },
  [NodeType.ExceptHandler]: { located: true, fields: [['type', 'node?'], ['name', 'identifier?'], STMT_BODY] },
  [NodeType.arguments]: {
    located: false,
    fields: [['posonlyargs', 'node*'], ['args', 'node*'], ['vararg', 'node?'], ['kwonlyargs', 'node*'], ['kw_defaults', 'node*'], ['kwarg', 'node?'], ['defaults', 'node*']],
  },
  [NodeType.arg]: { located: true, fields: [['arg', 'identifier'], ['annotation', 'node?'], ['type_comment', 'string?']] },
  [NodeType.keyword]: { located: true, fields: [['arg', 'identifier?'], ['value', 'node']] },
  [NodeType.alias]: { located: true, fields: [['name', 'identifier'], ['asname', 'identifier?']] },
  [NodeType.withitem]: { located: false, fields: [['context_expr', 'node'], ['optional_vars', 'node?']] },
  [NodeType.match_case]: { located: false, fields: [['pattern', 'node'], ['guard', 'node?'], STMT_BODY] },

  [NodeType.MatchValue]: { located: true, fields: [['value', 'node']] },
  [NodeType.MatchSingleton]: { located: true, fields: [['value', 'constant']] },
  [NodeType.MatchSequence]: { located: true, fields: [['patterns', 'node*']] },
  [NodeType.MatchMapping]: { located: true, fields: [['keys', 'node*'], ['patterns', 'node*'], ['rest', 'identifier?']] },
  [NodeType.MatchClass]: { located: true, fields: [['cls', 'node'], ['patterns', 'node*'], ['kwd_attrs', 'identifier*'], ['kwd_patterns', 'node*']] },
  [NodeType.MatchStar]: { located: true, fields: [['name', 'identifier?']] },
  [NodeType.MatchAs]: { located: true, fields: [['pattern', 'node?'], ['name', 'identifier?']] },
  [NodeType.MatchOr]: { located: true, fields: [['patterns', 'node*']] },

  [NodeType.TypeIgnore]: { located: false, fields: [['lineno', 'int'], ['tag', 'identifier']] },

  [NodeType.TypeVar]: { located: true, fields: [['name', 'identifier'], ['bound', 'node?'], ['default_value', 'node?']] },
  [NodeType.ParamSpec]: { located: true, fields: [['name', 'identifier'], ['default_value', 'node?']] },
  [NodeType.TypeVarTuple]: { located: true, fields: [['name', 'identifier'], ['default_value', 'node?']] },
};
