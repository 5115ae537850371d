/**
 * CPython's syntax errors for sources py-ast rejects.
 */

import type { SourceText } from './source-text.js';
import { PySyntaxError } from './syntax-error.js';

/** What the token pre-scan found. */
export interface TokenScan {
  readonly error: PySyntaxError | null;
}

export function scanTokens(_text: SourceText, _filename: string): TokenScan {
  return { error: null };
}

export function syntaxErrorFromParser(text: SourceText, filename: string, _scan: TokenScan, error: Error): PySyntaxError {
  const e = error as Error & { lineno?: number; col_offset?: number; end_lineno?: number; end_col_offset?: number };
  const lineno = e.lineno ?? 1;
  return new PySyntaxError('SyntaxError', 'invalid syntax', filename, lineno, (e.col_offset ?? 0) + 1, e.end_lineno ?? lineno, (e.end_col_offset ?? 0) + 1, text.line(lineno));
}
