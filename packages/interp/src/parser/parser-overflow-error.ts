/**
 * CPython's error for a source nested too deeply for its parser
 * (`_Pypegen_stack_overflow` of `Parser/pegen_errors.c`: a `MemoryError`,
 * "Parser stack overflowed - Python source too complex to parse"). Here it
 * replaces the JavaScript RangeError of a recursion that ran out of stack.
 */

/** The parser ran out of stack; the compiler raises it as CPython's MemoryError. @public */
export class PyParserOverflowError extends Error {
  readonly type = 'MemoryError';
  readonly msg = 'Parser stack overflowed - Python source too complex to parse';

  constructor(readonly filename: string) {
    super('MemoryError: Parser stack overflowed - Python source too complex to parse');
    this.name = 'PyParserOverflowError';
  }
}
