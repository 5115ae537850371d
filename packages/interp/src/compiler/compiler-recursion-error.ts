/**
 * CPython's error for a tree too deep to compile: the symbol table (and the
 * compiler's other recursive passes) count their depth and raise
 * `RecursionError: maximum recursion depth exceeded during compilation`
 * rather than overflow the C stack. The parser accepts some of these trees
 * (a left-nested 10,000-term sum), so the check is ours to make too.
 */

/** A `RecursionError` raised while compiling; the compiler turns it into the Python exception. */
export class PyCompilerRecursionError extends Error {
  readonly type = 'RecursionError';
  readonly msg = 'maximum recursion depth exceeded during compilation';

  constructor(readonly filename: string) {
    super('RecursionError: maximum recursion depth exceeded during compilation');
    this.name = 'PyCompilerRecursionError';
  }
}
