/**
 * A JSON form of the tree that holds every field and position (what
 * CPython's `ast.dump(tree, include_attributes=True)` shows, as data). The
 * conformance fixtures hold CPython's trees in this form, written by
 * `tools/parser/gen_ast_fixtures.py`; the two writers must agree.
 *
 * A node is an object with `_type` (CPython's class name), its fields, then
 * its positions. Enumerations are their names (`"Load"`, `"Add"`). Constant
 * values: `null`, `true`, `false`, a JSON string for a str, and
 * `{"int": "<decimal>"}`, `{"float": <number> | "inf"}`,
 * `{"complex": [<real>, <imag>]}`, `{"bytes": "<hex>"}`,
 * `{"Ellipsis": true}` for the rest.
 */

import { BoolOperator, CmpOperator, ConstantType, ExprContext, NodeType, Operator, UnaryOperator, type AstNode, type Constant } from './ast.js';
import { NODE_FIELDS, type FieldKind } from './ast-fields.js';

/** A JSON value. @public */
export type AstJson = null | boolean | number | string | AstJson[] | { [key: string]: AstJson };

const POSITIONS = ['lineno', 'col_offset', 'end_lineno', 'end_col_offset'] as const;

function floatJson(value: number): number | string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Number.isNaN(value)) return 'nan';
  return value;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function constantJson(node: Constant): AstJson {
  switch (node.valueType) {
    case ConstantType.None:
      return null;
    case ConstantType.Ellipsis:
      return { Ellipsis: true };
    case ConstantType.Bool:
      return node.value;
    case ConstantType.Int:
      return { int: String(node.value) };
    case ConstantType.Float:
      return { float: floatJson(node.value) };
    case ConstantType.Complex:
      return { complex: [floatJson(node.value.real), floatJson(node.value.imag)] };
    case ConstantType.Str:
      return node.value;
    case ConstantType.Bytes:
      return { bytes: hex(node.value) };
  }
}

function fieldJson(node: AstNode, kind: FieldKind, value: unknown): AstJson {
  switch (kind) {
    case 'node':
      return astToJson(value as AstNode);
    case 'node?':
      return value === null ? null : astToJson(value as AstNode);
    case 'node*':
      return (value as (AstNode | null)[]).map((item) => (item === null ? null : astToJson(item)));
    case 'identifier':
    case 'identifier?':
    case 'string?':
    case 'int':
      return value as string | number | null;
    case 'identifier*':
      return [...(value as string[])];
    case 'constant':
      // MatchSingleton holds a bare None/True/False.
      return node._type === NodeType.Constant ? constantJson(node) : (value as boolean | null);
    case 'expr_context':
      return ExprContext[value as ExprContext];
    case 'boolop':
      return BoolOperator[value as BoolOperator];
    case 'operator':
      return Operator[value as Operator];
    case 'unaryop':
      return UnaryOperator[value as UnaryOperator];
    case 'cmpop*':
      return (value as CmpOperator[]).map((op) => CmpOperator[op]);
  }
}

/** The tree as JSON data, every field and position included. @public */
export function astToJson(node: AstNode): AstJson {
  const { fields, located } = NODE_FIELDS[node._type];
  const out: { [key: string]: AstJson } = { _type: NodeType[node._type] };
  const record = node as unknown as Record<string, unknown>;
  for (const [name, kind] of fields) out[name] = fieldJson(node, kind, record[name]);
  if (located) for (const name of POSITIONS) out[name] = record[name] as number;
  return out;
}
