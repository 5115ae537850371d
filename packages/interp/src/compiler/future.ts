/**
 * `from __future__ import …` statements, CPython 3.13's `_PyFuture_FromAST`
 * (`Python/future.c`): which features a module turns on, and the errors for
 * features that do not exist. Runs before the symbol table, which needs
 * `annotations` (annotations then go to blocks of their own and are never
 * evaluated).
 *
 * Only the statements at the top of a module (after an optional docstring)
 * count; a `from __future__ import` further down is the compiler's error
 * ("from __future__ imports must occur at the beginning of the file"),
 * which it finds by comparing with {@link FutureFeatures.location}.
 */

import { ConstantType, NodeType, type ModNode, type StmtNode } from '../parser/ast.js';
import { PySyntaxError } from '../parser/syntax-error.js';

/** `CO_FUTURE_BARRY_AS_BDFL` (`Include/cpython/code.h`): `<>` instead of `!=`. */
export const CO_FUTURE_BARRY_AS_BDFL = 0x400000;
/** `CO_FUTURE_ANNOTATIONS`: PEP 563 string annotations. */
export const CO_FUTURE_ANNOTATIONS = 0x1000000;

/** The features of 3.13 that are always on: accepted, no flag. */
const MANDATORY_FEATURES = new Set([
  'nested_scopes',
  'generators',
  'division',
  'absolute_import',
  'with_statement',
  'print_function',
  'unicode_literals',
  'generator_stop',
]);

/** `_PyFutureFeatures`. */
export interface FutureFeatures {
  /** `CO_FUTURE_*` bits. */
  features: number;
  /** The last future statement (line and columns as in the AST), or -1s when there is none. */
  location: { lineno: number; col_offset: number; end_lineno: number; end_col_offset: number };
}

/** No future statement. */
export function noFutureFeatures(): FutureFeatures {
  return { features: 0, location: { lineno: -1, col_offset: -1, end_lineno: -1, end_col_offset: -1 } };
}

/** CPython's `_PyAST_GetDocString`: the first statement is a str literal. */
function hasDocString(body: StmtNode[]): boolean {
  const first = body[0];
  return first !== undefined && first._type === NodeType.Expr && first.value._type === NodeType.Constant && first.value.valueType === ConstantType.Str;
}

/**
 * The future features of `mod`, or a {@link PySyntaxError}: "not a chance"
 * for `braces`, "future feature X is not defined" for an unknown one. As in
 * 3.13 the error is placed at the statement (offset = its column + 1) with no
 * end: `end_lineno` is the line, `end_offset` null (CPython's `None`).
 */
export function futureFeaturesOf(mod: ModNode, filename: string): FutureFeatures {
  const future = noFutureFeatures();
  if (mod._type !== NodeType.Module && mod._type !== NodeType.Interactive) return future;
  const body = mod.body;
  for (let i = hasDocString(body) ? 1 : 0; i < body.length; i++) {
    const s = body[i];
    if (s._type !== NodeType.ImportFrom || s.level !== 0 || s.module !== '__future__') return future;
    for (const alias of s.names) {
      const feature = alias.name;
      if (MANDATORY_FEATURES.has(feature)) continue;
      if (feature === 'barry_as_FLUFL') future.features |= CO_FUTURE_BARRY_AS_BDFL;
      else if (feature === 'annotations') future.features |= CO_FUTURE_ANNOTATIONS;
      else {
        const msg = feature === 'braces' ? 'not a chance' : `future feature ${feature} is not defined`;
        // CPython sets only the start (`PyErr_SyntaxLocationObject`): the end offset is None.
        throw new PySyntaxError('SyntaxError', msg, filename, s.lineno, s.col_offset + 1, s.lineno, null, null);
      }
    }
    future.location = { lineno: s.lineno, col_offset: s.col_offset, end_lineno: s.end_lineno, end_col_offset: s.end_col_offset };
  }
  return future;
}
