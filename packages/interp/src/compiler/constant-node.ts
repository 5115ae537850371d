/**
 * The value of a `Constant` node: read from its literal fields, or, for a
 * node the AST optimizer folded (`ast-optimize.ts`), from `folded` — folding
 * makes tuples and frozensets, which no literal is.
 */

import { ConstantType, NodeType, type Constant, type ExprNode, type Located } from '../parser/ast.js';
import type { ConstValue } from './code-unit.js';
import { ELLIPSIS, FALSE, intConst, NONE, strConst, TRUE } from './constant.js';

/** The constant a `Constant` node stands for. */
export function constOfNode(node: Constant): ConstValue {
  switch (node.valueType) {
    case ConstantType.None:
      return NONE;
    case ConstantType.Ellipsis:
      return ELLIPSIS;
    case ConstantType.Bool:
      return node.value ? TRUE : FALSE;
    case ConstantType.Int:
      return intConst(node.value);
    case ConstantType.Float:
      return { type: 'float', value: node.value };
    case ConstantType.Complex:
      return { type: 'complex', real: node.value.real, imag: node.value.imag };
    case ConstantType.Str:
      return strConst(node.value);
    case ConstantType.Bytes:
      return { type: 'bytes', value: node.value };
  }
}

/**
 * A folded constant (a tuple or frozenset made by the AST optimizer) rides
 * on a `Constant` node as `folded`; every other constant is read from the
 * node's literal fields.
 */
export interface FoldedConstant extends Located {
  _type: NodeType.Constant;
  folded: ConstValue;
}

export function valueOfConstantNode(node: ExprNode): ConstValue {
  const folded = (node as unknown as Partial<FoldedConstant>).folded;
  return folded ?? constOfNode(node as Constant);
}

