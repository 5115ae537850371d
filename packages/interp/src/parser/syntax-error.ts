/**
 * A syntax error found while parsing, with what CPython's `SyntaxError`
 * carries (`Objects/exceptions.c`: `msg`, `filename`, `lineno`, `offset`,
 * `text`, `end_lineno`, `end_offset`). The compiler turns it into the Python
 * exception of class `type` (`IndentationError` and `TabError` are its
 * subclasses).
 */

/** The three classes a parse error can have. @public */
export type SyntaxErrorType = 'SyntaxError' | 'IndentationError' | 'TabError';

/**
 * A Python syntax error as data. Offsets are CPython's: 1-based, counted in
 * characters of the line (CPython converts its byte offsets with
 * `_PyPegen_byte_offset_to_character_offset`).
 * @public
 */
export class PySyntaxError extends Error {
  constructor(
    readonly type: SyntaxErrorType,
    readonly msg: string,
    readonly filename: string,
    readonly lineno: number,
    readonly offset: number,
    readonly end_lineno: number,
    /** null: none (CPython's `None`, as a `__future__` error has). */
    readonly end_offset: number | null,
    /** The source line (with its newline, as CPython gives it), or null. */
    readonly text: string | null,
  ) {
    super(`${type}: ${msg} (${filename}, line ${lineno})`);
    this.name = 'PySyntaxError';
  }
}
