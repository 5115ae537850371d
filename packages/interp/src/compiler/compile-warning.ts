/**
 * The warnings the compiler proper issues (`compiler_warn`,
 * `Python/compile.c`): a `SyntaxWarning` for code that is valid but almost
 * certainly wrong — `x is 1`, `(1, 2)(3)`, `[1][0, 1]`, `assert (x, "msg")`.
 * CPython passes each to `PyErr_WarnExplicitObject(SyntaxWarning, msg,
 * filename, lineno)`; when the warnings filter turns it into an exception,
 * the compiler raises a `SyntaxError` with the same message at the
 * offending node instead.
 */

/** One compile-time warning, as `warnings.warn_explicit` receives it. @public */
export interface CompileWarning {
  readonly category: 'SyntaxWarning';
  readonly message: string;
  readonly filename: string;
  readonly lineno: number;
}

/**
 * Receives each warning in the order CPython issues it (a block compiled
 * twice, like a `finally` body, warns twice). Returns true when the warning
 * is to be an error (the `error` action of the warnings filter): compilation
 * then stops with a `SyntaxError` carrying the warning's message.
 * @public
 */
export type CompileWarningHandler = (warning: CompileWarning) => boolean;
