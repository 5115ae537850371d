/**
 * Source to code object, CPython 3.13's `_PyAST_Compile` and
 * `compiler_setup` (`Python/compile.c`): parse, read the `__future__`
 * features, fold constants in the AST, build the symbol table, generate and
 * assemble the code of every block.
 */

import { parse, type ParseMode } from '../parser/adapter.js';
import type { ModNode } from '../parser/ast.js';
import { optimizeAst } from './ast-optimize.js';
import type { CodeUnit } from './code-unit.js';
import { Codegen } from './codegen.js';
import type { CompileWarningHandler } from './compile-warning.js';
import { futureFeaturesOf } from './future.js';
import { buildSymtable } from './symtable.js';

/** Options of {@link compileSource}. */
export interface CompileOptions {
  /** The `-O` level: 0 (the default) keeps asserts, `__debug__` is True; 2 also drops docstrings. */
  readonly optimize?: number;
  /** Where the compiler's SyntaxWarnings go (none are issued without it); see {@link CompileWarningHandler}. */
  readonly warn?: CompileWarningHandler;
  /** The parser's limit on decimal int literals (`sys.get_int_max_str_digits()`; absent: none). */
  readonly maxIntDigits?: number;
}

/** Compiles a parsed module (the tree is folded in place). */
export function compileAst(mod: ModNode, filename: string, options: CompileOptions = {}): CodeUnit {
  const optimize = options.optimize ?? 0;
  const future = futureFeaturesOf(mod, filename);
  optimizeAst(mod, optimize, future.features);
  const st = buildSymtable(mod, filename, future);
  return new Codegen(st, future, { filename, optimize, warn: options.warn }).compileModule(mod);
}

/**
 * `compile(source, filename, mode)`: the module's code unit, or a
 * `PySyntaxError` (the parser's, the symbol table's or the compiler's, with
 * CPython's message and position) or `PyCompilerRecursionError`.
 */
export function compileSource(source: string, filename: string, mode: ParseMode = 'exec', options: CompileOptions = {}): CodeUnit {
  return compileAst(parse(source, filename, mode, { maxIntDigits: options.maxIntDigits }), filename, options);
}
