/**
 * CPython's syntax error for a source py-ast rejects (the messages of
 * `Parser/pegen_errors.c` and of the grammar's `invalid_*` rules that the
 * second, error-reporting pass of CPython's parser adds).
 *
 * py-ast says where it failed but in its own words; this module finds our
 * token at that place and decides what CPython would say there. Each case
 * mirrors one CPython rule; what none matches is CPython's generic
 * "invalid syntax" at that token.
 */

import { fStringFieldError } from './fstring-errors.js';
import type { SourceText } from './source-text.js';
import { PySyntaxError } from './syntax-error.js';
import { TokenKind, type Token, type TokenScan } from './tokenizer.js';

export { scanTokens } from './tokenizer.js';

/**
 * An expression as the error rules need it: py-ast's node type name, its
 * place in the parsed text (string indices), the children that matter for
 * targets, and what `_PyPegen_get_expr_name` calls a constant.
 */
export interface ExprNode {
  readonly kind: string;
  readonly start: number;
  readonly end: number;
  readonly children: readonly ExprNode[];
  readonly constantName?: string;
}

/** Parses one expression for the error rules (the adapter's, through py-ast), or null. */
export type ExpressionParser = (source: string) => ExprNode | null;

/** Where py-ast failed, as it reports it. */
interface ParserFailure {
  readonly message: string;
  /** String index of the failing token, or -1. */
  readonly index: number;
}

/** Block headers and how CPython names them in "expected an indented block after …". */
const BLOCK_NAMES: Record<string, string> = {
  def: 'function definition',
  class: 'class definition',
};

/** Tokens that start an expression (for "Perhaps you forgot a comma?"). */
const EXPRESSION_KEYWORDS = new Set(['None', 'True', 'False', 'not', 'lambda', 'await']);
const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield',
]);
const SOFT_KEYWORDS = new Set(['match', 'case', '_', 'type']);

/** CPython's SyntaxError for py-ast's `error` on `text`. */
export function syntaxErrorFromParser(text: SourceText, filename: string, scan: TokenScan, error: Error, parseExpression: ExpressionParser): PySyntaxError {
  const failure = failureOf(text, error);
  const reporter = new Reporter(text, filename, scan.tokens, parseExpression);
  return reporter.classify(failure);
}

function failureOf(text: SourceText, error: Error): ParserFailure {
  const e = error as Error & { lineno?: number; col_offset?: number };
  if (typeof e.lineno === 'number' && typeof e.col_offset === 'number') {
    return { message: error.message, index: text.index(e.lineno, e.col_offset) };
  }
  // py-ast's lexer errors carry the place in the message only (in characters).
  const match = / at line (\d+), column (\d+)$/.exec(error.message);
  if (match !== null) return { message: error.message, index: text.lineStart(Number(match[1])) + Number(match[2]) };
  return { message: error.message, index: -1 };
}

class Reporter {
  constructor(
    private readonly text: SourceText,
    private readonly filename: string,
    private readonly tokens: Token[],
    private readonly parseExpression: ExpressionParser,
  ) {}

  /** 1-based character offset of string index `index` on line `lineno`. */
  private offset(lineno: number, index: number): number {
    return index - this.text.lineStart(lineno) + 1;
  }

  private error(msg: string, lineno: number, offset: number, endLineno: number, endOffset: number, type: 'SyntaxError' | 'IndentationError' = 'SyntaxError'): PySyntaxError {
    return new PySyntaxError(type, msg, this.filename, lineno, offset, endLineno, endOffset, this.text.lineWithNewline(lineno));
  }

  /** An error spanning token `t` (a NEWLINE spans one column). */
  private atToken(msg: string, t: Token): PySyntaxError {
    const offset = this.offset(t.lineno, t.start);
    if (t.kind === TokenKind.Newline || t.start === t.end) return this.error(msg, t.lineno, offset, t.lineno, offset + 1);
    return this.error(msg, t.lineno, offset, t.endLineno, this.offset(t.endLineno, t.end));
  }

  /** An error from the start of token `a` to the end of token `b`. */
  private spanning(msg: string, a: Token, b: Token): PySyntaxError {
    return this.error(msg, a.lineno, this.offset(a.lineno, a.start), b.endLineno, this.offset(b.endLineno, b.end));
  }

  private tokenIndexAt(index: number): number {
    let lo = 0;
    let hi = this.tokens.length - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].start < index || (this.tokens[mid].start === index && this.tokens[mid].kind === TokenKind.Dedent && mid + 1 < this.tokens.length && this.tokens[mid + 1].start === index)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private word(t: Token): string {
    return this.text.text.slice(t.start, t.end);
  }

  classify(failure: ParserFailure): PySyntaxError {
    const k = failure.index < 0 ? this.tokens.length - 1 : this.tokenIndexAt(failure.index);
    const t = this.tokens[k];
    if (t === undefined) return this.error('invalid syntax', 1, 1, 1, 1);
    const message = failure.message;
    if (message.startsWith('f-string')) {
      const inField = this.fStringError(k);
      if (inField !== null) return inField;
    }
    if (message.startsWith('unexpected indent')) {
      // CPython's INDENT token: the offset is the indentation's width.
      return this.error('unexpected indent', t.lineno, t.start - this.text.lineStart(t.lineno), t.lineno, -1, 'IndentationError');
    }
    if (message.startsWith('Expected indented block')) return this.expectedIndentedBlock(k);
    if (message.startsWith('Expected \':\' after except clause') && this.word(t) === ',') return this.exceptWithoutParentheses(k);
    if (message.startsWith("Expected ':'") && t.kind === TokenKind.Newline) return this.atToken("expected ':'", t);
    const known = this.knownRule(message, k);
    if (known !== null) return known;
    if (message.startsWith('cannot assign to')) return this.invalidAssignment(k) ?? this.atToken('invalid syntax', t);
    if (message.startsWith('parameter without a default follows parameter with a default')) return this.defaultOrder(k);
    const legacy = this.legacyCall(k);
    if (legacy !== null) return legacy;
    const named = this.invalidNamedExpression(k);
    if (named !== null) return named;
    const comma = this.forgotComma(k);
    if (comma !== null) return comma;
    return this.atToken('invalid syntax', t);
  }

  /** An error inside the replacement fields of the string tokens from `k` on (fstring-errors.ts), or null. */
  private fStringError(k: number): PySyntaxError | null {
    for (let i = k; i < this.tokens.length && this.tokens[i].kind === TokenKind.String; i++) {
      const e = fStringFieldError(this.text.text, this.tokens[i].start, this.tokens[i].end);
      if (e === null) continue;
      const start = this.text.position(e.start);
      const end = this.text.position(e.end);
      return this.error(e.msg, start.lineno, this.offset(start.lineno, e.start), end.lineno, this.offset(end.lineno, e.end));
    }
    return null;
  }

  /** `invalid_*_stmt` rules: `'if' … ':' NEWLINE !INDENT`. */
  private expectedIndentedBlock(k: number): PySyntaxError {
    // The header: the logical line whose ':' NEWLINE precedes the failing token.
    let newline = k - 1;
    while (newline >= 0 && this.tokens[newline].kind !== TokenKind.Newline) newline--;
    let first = newline - 1;
    while (first > 0 && ![TokenKind.Newline, TokenKind.Indent, TokenKind.Dedent].includes(this.tokens[first - 1].kind)) first--;
    let keyword = first >= 0 ? this.tokens[first] : this.tokens[k];
    // Decorators are lines of their own; `async def` and `async for` name the second word.
    if (this.word(keyword) === 'async' && first + 1 < this.tokens.length) keyword = this.tokens[first + 1];
    const word = this.word(keyword);
    let name = BLOCK_NAMES[word] ?? `'${word}' statement`;
    if (word === 'except' && this.word(this.tokens[first + 1]) === '*') name = "'except*' statement";
    const msg = `expected an indented block after ${name} on line ${keyword.lineno}`;
    const t = this.tokens[k];
    if ((t.kind === TokenKind.EndMarker || t.kind === TokenKind.Dedent) && newline >= 0) {
      const nl = this.tokens[newline];
      return this.error(msg, nl.lineno, this.offset(nl.lineno, nl.start), nl.lineno, -1, 'IndentationError');
    }
    const at = this.atToken(msg, t);
    return this.error(msg, at.lineno, at.offset, at.end_lineno, at.end_offset ?? -1, 'IndentationError');
  }

  /** `invalid_except_stmt`: `except A, B:` (PEP 758 allows it from 3.14 only). */
  private exceptWithoutParentheses(k: number): PySyntaxError {
    let start = k;
    while (start > 0 && this.word(this.tokens[start - 1]) !== 'except') start--;
    let end = k;
    while (end + 1 < this.tokens.length && this.word(this.tokens[end + 1]) !== ':' && this.tokens[end + 1].kind !== TokenKind.Newline) end++;
    return this.spanning('multiple exception types must be parenthesized', this.tokens[start], this.tokens[end]);
  }

  /**
   * `invalid_assignment` / `invalid_named_expression`: the target that is not
   * assignable, named as `_PyPegen_get_expr_name` names it; "here. Maybe you
   * meant '==' …" when the bad target is the expression just before a single
   * `=` and is not None/True/False or a display.
   */
  private invalidAssignment(k: number): PySyntaxError | null {
    // The logical line's tokens and its level-0 '=' signs.
    let first = k;
    while (first > 0 && ![TokenKind.Newline, TokenKind.Indent, TokenKind.Dedent].includes(this.tokens[first - 1].kind)) first--;
    let last = k;
    while (last + 1 < this.tokens.length && this.tokens[last + 1].kind !== TokenKind.Newline && this.tokens[last + 1].kind !== TokenKind.EndMarker) last++;
    const base = this.tokens[first].level;
    const equals: number[] = [];
    for (let i = first; i <= last; i++) if (this.word(this.tokens[i]) === '=' && this.tokens[i].level === base) equals.push(i);
    if (equals.length === 0 || equals[0] === first) return null;
    const targetSource = this.text.text.slice(this.tokens[first].start, this.tokens[equals[0] - 1].end);
    const target = this.parseExpression(targetSource);
    if (target === null) return null;
    const bad = invalidTarget(target);
    if (bad === null) return null;
    const name = expressionName(bad);
    const startIndex = this.tokens[first].start + bad.start;
    const endIndex = this.tokens[first].start + bad.end;
    const start = this.text.position(startIndex);
    const end = this.text.position(endIndex);
    const endsAtEquals = bad.end === targetSource.length;
    const plain = name === 'None' || name === 'True' || name === 'False' || bad.kind === 'List' || bad.kind === 'Tuple' || bad.kind === 'GeneratorExp';
    const msg = equals.length === 1 && endsAtEquals && !plain ? `cannot assign to ${name} here. Maybe you meant '==' instead of '='?` : `cannot assign to ${name}`;
    return this.error(msg, start.lineno, this.offset(start.lineno, startIndex), end.lineno, this.offset(end.lineno, endIndex));
  }

  /**
   * The rules whose message py-ast already gives as CPython words it (the
   * place is CPython's), and the ones recognized from the tokens around
   * the failure: augmented assignment to a non-target, `del` of one, a
   * bare `*` argument, `**` in a dict comprehension. Null for none.
   */
  private knownRule(message: string, k: number): PySyntaxError | null {
    const t = this.tokens[k];
    const msg = message.replace(/ at line \d+, column \d+$/, '');
    switch (msg) {
      case 'named arguments must follow bare *': {
        const star = this.previousWord(k, '*');
        // A lambda's error is at the token after its bare '*'; a def's at the '*'.
        return this.atToken(msg, star !== null && !this.inLambda(star) ? this.tokens[star] : t);
      }
      case '* argument may appear only once': {
        const star = this.previousWord(k, '*');
        return this.atToken(msg, this.tokens[star ?? k]);
      }
      case 'positional argument follows keyword argument':
      case 'positional argument follows keyword argument unpacking':
        // CPython raises it at the last token it read: the one after the argument.
        return this.atToken(msg, this.tokens[Math.min(this.argumentEnd(k) + 1, this.tokens.length - 1)]);
      case 'iterable argument unpacking follows keyword argument unpacking':
        return this.spanning(msg, this.tokens[k > 0 ? k - 1 : k], this.tokens[this.argumentEnd(k)]);
      case "cannot have both 'except' and 'except*' on the same 'try'": {
        const except = this.previousWord(k, 'except');
        return except === null ? null : this.atToken(msg, this.tokens[except]);
      }
    }
    const first = this.lineFirst(k);
    const augmented = this.invalidAugmentedTarget(first);
    if (augmented !== null) return augmented;
    if (this.word(this.tokens[first]) === 'del') {
      const del = this.invalidDelTarget(first);
      if (del !== null) return del;
    }
    if (this.word(t) === 'for' && msg.startsWith("Expected '}'")) {
      const open = this.openerOf(k);
      const after = open === null ? undefined : this.tokens[open + 1];
      if (after !== undefined && this.word(after) === '**') return this.atToken('dict unpacking cannot be used in dict comprehension', after);
    }
    if (k >= 2 && this.word(this.tokens[k - 1]) === '*' && (this.word(t) === ')' || this.word(t) === ',') && ['(', ','].includes(this.word(this.tokens[k - 2]))) {
      return this.atToken('Invalid star expression', t);
    }
    return null;
  }

  /** The index of the nearest token at or before `k` on its logical line that reads `word`, or null. */
  private previousWord(k: number, word: string): number | null {
    for (let i = k; i >= 0 && this.tokens[i].kind !== TokenKind.Newline; i--) if (this.word(this.tokens[i]) === word) return i;
    return null;
  }

  /** Whether token `i` belongs to a lambda's parameters (a `lambda` before it at its depth, no bracket between). */
  private inLambda(i: number): boolean {
    const level = this.tokens[i].level;
    for (let j = i - 1; j >= 0; j--) {
      const tok = this.tokens[j];
      if (tok.kind === TokenKind.Newline || tok.level < level) return false;
      if (tok.level === level && this.word(tok) === 'lambda') return true;
      if (tok.level === level && isOpener(this.word(tok))) return false;
    }
    return false;
  }

  /** The last token of the call argument starting at token `k` (before the next `,` or the closing bracket at its depth). */
  private argumentEnd(k: number): number {
    const level = this.tokens[k].level;
    let end = k;
    while (end + 1 < this.tokens.length) {
      const n = this.tokens[end + 1];
      if (n.level < level || (n.level === level && this.word(n) === ',') || n.kind === TokenKind.Newline) break;
      end++;
    }
    return end;
  }

  /** The first token of token `k`'s logical line. */
  private lineFirst(k: number): number {
    let first = k;
    while (first > 0 && ![TokenKind.Newline, TokenKind.Indent, TokenKind.Dedent].includes(this.tokens[first - 1].kind)) first--;
    return first;
  }

  /** The bracket token that encloses token `k`, or null at depth 0. */
  private openerOf(k: number): number | null {
    const level = this.tokens[k].level;
    for (let i = k - 1; i >= 0; i--) if (this.tokens[i].level === level && isOpener(this.word(this.tokens[i]))) return i;
    return null;
  }

  /**
   * `invalid_assignment`'s augmented case: `a, b += 1`, `1 += 1` —
   * "'tuple' is an illegal expression for augmented assignment" over the
   * target, when the line's first depth-0 augmented operator follows
   * something that is not a name, attribute or subscript.
   */
  private invalidAugmentedTarget(first: number): PySyntaxError | null {
    const base = this.tokens[first].level;
    let op = first;
    while (op < this.tokens.length && this.tokens[op].kind !== TokenKind.Newline && !(this.tokens[op].level === base && AUGMENTED_OPERATORS.has(this.word(this.tokens[op])))) op++;
    if (op >= this.tokens.length || op === first || this.tokens[op].kind === TokenKind.Newline) return null;
    const target = this.parseExpression(this.text.text.slice(this.tokens[first].start, this.tokens[op - 1].end));
    if (target === null || target.kind === 'Name' || target.kind === 'Attribute' || target.kind === 'Subscript') return null;
    return this.spanning(`'${expressionName(target)}' is an illegal expression for augmented assignment`, this.tokens[first], this.tokens[op - 1]);
  }

  /** `invalid_del_stmt`: "cannot delete function call" over the first target `del` cannot take. */
  private invalidDelTarget(del: number): PySyntaxError | null {
    const start = del + 1;
    let end = start;
    while (end + 1 < this.tokens.length && this.tokens[end + 1].kind !== TokenKind.Newline && this.tokens[end + 1].kind !== TokenKind.EndMarker && this.word(this.tokens[end + 1]) !== ';') end++;
    if (start > end || start >= this.tokens.length) return null;
    if (this.word(this.tokens[start]) === '*') return this.spanning('cannot delete starred', this.tokens[start], this.tokens[Math.min(start + 1, end)]);
    const base = this.tokens[start].start;
    const targets = this.parseExpression(this.text.text.slice(base, this.tokens[end].end));
    if (targets === null) return null;
    const bad = invalidTarget(targets, true);
    if (bad === null) return null;
    const from = this.text.position(base + bad.start);
    const to = this.text.position(base + bad.end);
    return this.error(`cannot delete ${expressionName(bad)}`, from.lineno, this.offset(from.lineno, base + bad.start), to.lineno, this.offset(to.lineno, base + bad.end));
  }

  /**
   * `invalid_parameters` / `invalid_lambda_parameters`: the first parameter
   * without a default after one with a default (py-ast says so, at the
   * token after it).
   */
  private defaultOrder(k: number): PySyntaxError {
    let i = k;
    while (i > 0 && this.tokens[i].kind !== TokenKind.Name) i--;
    return this.atToken('parameter without a default follows parameter with a default', this.tokens[i]);
  }

  /**
   * `invalid_legacy_expression`: Python 2's `print x` / `exec code` (the
   * name, not an attribute, followed by an expression instead of a call),
   * from the name to the end of the expressions.
   */
  private legacyCall(k: number): PySyntaxError | null {
    const t = this.tokens[k];
    const name = this.tokens[k - 1];
    if (name === undefined || name.kind !== TokenKind.Name || !this.startsExpression(t) || this.word(t) === '(') return null;
    const w = this.word(name);
    if ((w !== 'print' && w !== 'exec') || (k >= 2 && this.word(this.tokens[k - 2]) === '.')) return null;
    let end = k;
    while (end + 1 < this.tokens.length) {
      const n = this.tokens[end + 1];
      // A closing bracket at the name's level closes a bracket the expressions opened; the enclosing one is a level below.
      if (n.kind === TokenKind.Newline || n.kind === TokenKind.EndMarker || n.level < name.level || (n.level === name.level && this.word(n) === ';')) break;
      end++;
    }
    return this.spanning(`Missing parentheses in call to '${w}'. Did you mean ${w}(...)?`, name, this.tokens[end]);
  }

  /**
   * `invalid_named_expression`: `=` between two `bitwise_or`s where a
   * named expression stands (`if x = 1:`, `[x = 1]`, `(y = 1)`): "Maybe you
   * meant '==' or ':=' …" for a name, "cannot assign to … here" for any
   * other target; in a call's parentheses `invalid_kwarg`'s "expression
   * cannot contain assignment". Null when the `=` is not such a place.
   */
  private invalidNamedExpression(k: number): PySyntaxError | null {
    const eq = this.tokens[k];
    if (this.word(eq) !== '=') return null;
    const level = eq.level;
    let a = k;
    while (a > 0 && this.inBitwiseOr(this.tokens[a - 1], level)) a--;
    let b = k + 1;
    if (a === k || !this.startsExpression(this.tokens[a]) || b >= this.tokens.length || !this.startsExpression(this.tokens[b])) return null;
    while (b + 1 < this.tokens.length && this.inBitwiseOr(this.tokens[b + 1], level)) b++;
    const after = this.tokens[b + 1];
    if (after !== undefined && (this.word(after) === '=' || this.word(after) === ':=')) return null;
    const place = this.namedExpressionPlace(a, level);
    if (place === null) return null;
    const first = this.tokens[a];
    const bare = a === k - 1 && first.kind === TokenKind.Name;
    if (place === 'call') return bare ? null : this.spanning('expression cannot contain assignment, perhaps you meant "=="?', first, eq);
    if (bare) {
      const w = this.word(first);
      if (w === 'True' || w === 'False' || w === 'None') return null;
      return this.spanning("invalid syntax. Maybe you meant '==' or ':=' instead of '='?", first, this.tokens[b]);
    }
    const target = this.parseExpression(this.text.text.slice(first.start, this.tokens[k - 1].end));
    if (target === null || target.kind === 'List' || target.kind === 'Tuple' || target.kind === 'GeneratorExp') return null;
    return this.spanning(`cannot assign to ${expressionName(target)} here. Maybe you meant '==' instead of '='?`, first, this.tokens[k - 1]);
  }

  /**
   * Where the expression starting at token `a` (bracket depth `level`)
   * stands: 'named' for a named_expression (an `if`/`elif`/`while`
   * condition, a display's or a subscript's item, parentheses), 'call' for
   * a call's argument, null for anywhere else.
   */
  private namedExpressionPlace(a: number, level: number): 'named' | 'call' | null {
    const before = this.tokens[a - 1];
    if (before === undefined) return null;
    const w = this.word(before);
    if (level === 0) {
      const lineStart = a < 2 || [TokenKind.Newline, TokenKind.Indent, TokenKind.Dedent].includes(this.tokens[a - 2].kind);
      return lineStart && (w === 'if' || w === 'elif' || w === 'while') ? 'named' : null;
    }
    if (w !== ',' && !isOpener(w)) return null;
    let open = a - 1;
    while (open >= 0 && !(this.tokens[open].level === level && isOpener(this.word(this.tokens[open])))) open--;
    if (open < 0) return null;
    const callee = this.tokens[open - 1];
    return this.word(this.tokens[open]) === '(' && callee !== undefined && this.endsExpression(callee) ? 'call' : 'named';
  }

  /** Whether token `t` belongs to a `bitwise_or` whose own tokens are at bracket depth `level`. */
  private inBitwiseOr(t: Token, level: number): boolean {
    if (t.level > level) return true;
    if (t.level < level || t.kind === TokenKind.Newline || t.kind === TokenKind.EndMarker) return false;
    const w = this.word(t);
    if (t.kind === TokenKind.Name) return !KEYWORDS.has(w) || w === 'None' || w === 'True' || w === 'False' || w === 'await';
    return t.kind === TokenKind.Number || t.kind === TokenKind.String || isCloser(w) || BITWISE_OR_OPERATORS.has(w);
  }

  /**
   * `invalid_expression`: two expressions side by side inside brackets
   * (`print(1 2)`), the range from the first's start to the second's end.
   */
  private forgotComma(k: number): PySyntaxError | null {
    const t = this.tokens[k];
    const previous = this.tokens[k - 1];
    if (previous === undefined || t.level === 0 || !this.endsExpression(previous) || !this.startsExpression(t)) return null;
    // The first expression: back to a separator at the same depth.
    let a = k - 1;
    while (a > 0) {
      const p = this.tokens[a - 1];
      if (p.level < t.level) break;
      if (p.level === t.level && isSeparator(this.word(p))) break;
      a--;
    }
    // `NAME STRING` and soft keywords are other rules' business.
    const aWord = this.word(this.tokens[a]);
    if (SOFT_KEYWORDS.has(aWord)) return null;
    if (this.tokens[a].kind === TokenKind.Name && this.tokens[a + 1]?.kind === TokenKind.String) return null;
    // The second expression: forward to a separator or the closing bracket.
    let b = k;
    while (b + 1 < this.tokens.length) {
      const n = this.tokens[b + 1];
      if (n.level < t.level || (n.level === t.level && (isSeparator(this.word(n)) || isCloser(this.word(n))))) break;
      if (n.kind === TokenKind.Newline || n.kind === TokenKind.EndMarker) break;
      // A second pair of adjacent atoms ends `b` (`[a b c]`: b is `b`).
      if (this.endsExpression(this.tokens[b]) && (n.kind === TokenKind.Name || n.kind === TokenKind.Number || n.kind === TokenKind.String) && !KEYWORDS.has(this.word(n))) break;
      b++;
    }
    return this.spanning('invalid syntax. Perhaps you forgot a comma?', this.tokens[a], this.tokens[b]);
  }

  private endsExpression(t: Token): boolean {
    const w = this.word(t);
    if (t.kind === TokenKind.Name) return !KEYWORDS.has(w) || w === 'None' || w === 'True' || w === 'False';
    return t.kind === TokenKind.Number || t.kind === TokenKind.String || w === ')' || w === ']' || w === '}' || w === '...';
  }

  private startsExpression(t: Token): boolean {
    const w = this.word(t);
    if (t.kind === TokenKind.Name) return !KEYWORDS.has(w) || EXPRESSION_KEYWORDS.has(w);
    return t.kind === TokenKind.Number || t.kind === TokenKind.String || w === '(' || w === '[' || w === '{' || w === '...' || w === '-' || w === '+' || w === '~';
  }
}

/**
 * An error at the first token at or after string index `index` (the
 * statement that follows an expression in `eval` mode, the second statement
 * in `single` mode).
 */
export function errorAtTokenAfter(text: SourceText, filename: string, tokens: Token[], index: number, msg: string): PySyntaxError {
  const t = tokens.find((token) => token.start >= index && token.kind !== TokenKind.Dedent && token.kind !== TokenKind.Indent) ?? tokens[tokens.length - 1];
  const lineno = t.lineno;
  const offset = t.start - text.lineStart(lineno) + 1;
  const endOffset = t.kind === TokenKind.Newline || t.start === t.end ? offset + 1 : t.end - text.lineStart(t.endLineno) + 1;
  return new PySyntaxError('SyntaxError', msg, filename, lineno, offset, t.endLineno, endOffset, text.lineWithNewline(lineno));
}

function isSeparator(w: string): boolean {
  return w === ',' || w === '=' || w === ':=' || w === ':' || w === 'if' || w === 'else' || w === 'for' || w === 'in' || w === 'lambda' || w === 'yield' || w === '(' || w === '[' || w === '{';
}

function isOpener(w: string): boolean {
  return w === '(' || w === '[' || w === '{';
}

/** The operators inside a `bitwise_or` (arithmetic, shifts, bitwise, power, attribute access, `...`). */
const BITWISE_OR_OPERATORS = new Set(['+', '-', '*', '/', '//', '%', '@', '**', '~', '|', '^', '&', '<<', '>>', '.', '...']);

function isCloser(w: string): boolean {
  return w === ')' || w === ']' || w === '}';
}

/** CPython's `_PyPegen_get_invalid_target` for an assignment target (`del`'s targets with `forDel`: a starred one is invalid). */
function invalidTarget(e: ExprNode, forDel = false): ExprNode | null {
  switch (e.kind) {
    case 'Name':
    case 'Attribute':
    case 'Subscript':
      return null;
    case 'Tuple':
    case 'List':
      for (const item of e.children) {
        const bad = invalidTarget(item, forDel);
        if (bad !== null) return bad;
      }
      return null;
    case 'Starred':
      return forDel ? e : invalidTarget(e.children[0]);
    default:
      return e;
  }
}

/** The augmented assignment operators. */
const AUGMENTED_OPERATORS = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '@=', '&=', '|=', '^=', '>>=', '<<=', '**=']);

/** CPython's `_PyPegen_get_expr_name`. */
function expressionName(e: ExprNode): string {
  switch (e.kind) {
    case 'Constant':
      return e.constantName ?? 'literal';
    case 'Call':
      return 'function call';
    case 'BoolOp':
    case 'BinOp':
    case 'UnaryOp':
      return 'expression';
    case 'Compare':
      return 'comparison';
    case 'Lambda':
      return 'lambda';
    case 'IfExp':
      return 'conditional expression';
    case 'NamedExpr':
      return 'named expression';
    case 'Dict':
      return 'dict literal';
    case 'Set':
      return 'set display';
    case 'ListComp':
      return 'list comprehension';
    case 'SetComp':
      return 'set comprehension';
    case 'DictComp':
      return 'dict comprehension';
    case 'GeneratorExp':
      return 'generator expression';
    case 'Await':
      return 'await expression';
    case 'Yield':
    case 'YieldFrom':
      return 'yield expression';
    case 'JoinedStr':
    case 'FormattedValue':
      return 'f-string expression';
    case 'Tuple':
      return 'tuple';
    case 'List':
      return 'list';
    case 'Starred':
      return 'starred';
    case 'Name':
      return 'name';
    case 'Attribute':
      return 'attribute';
    case 'Subscript':
      return 'subscript';
    case 'Slice':
      return 'slice';
    default:
      return 'expression';
  }
}
