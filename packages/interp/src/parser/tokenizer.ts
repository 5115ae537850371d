/**
 * A tokenizer for error reporting (CPython `Parser/lexer/lexer.c`,
 * `tok_get_normal_mode` and its helpers). py-ast tokenizes for itself; this
 * scan exists because CPython's tokenizer errors take precedence over every
 * parser error (`_PyPegen_tokenize_full_source_to_check_for_errors` runs
 * after a failed parse and replaces its error), so the adapter must know the
 * first tokenizer error in the file, with CPython's message and position,
 * and the tokens up to it, to classify a parser error.
 *
 * It reproduces the tokenizer's errors: inconsistent tabs (TabError), bad
 * dedents, too deep indentation, unterminated strings, unmatched and
 * unclosed brackets, too many nested brackets (200, `MAXLEVEL`), invalid
 * characters and number literals, a stray line continuation. f-strings are
 * one STRING token here; their replacement fields are scanned for brackets
 * and nested strings.
 */

import type { SourceText } from './source-text.js';
import { PySyntaxError, type SyntaxErrorType } from './syntax-error.js';

/** Token kinds the classifier needs. */
export const enum TokenKind {
  Name,
  Number,
  String,
  Op,
  Newline,
  Indent,
  Dedent,
  EndMarker,
}

/** One token: kind, text, and where it is (string indices and line). */
export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  readonly lineno: number;
  readonly endLineno: number;
  /** Bracket depth before this token. */
  readonly level: number;
}

/** The scan's result: tokens up to the first error, and that error. */
export interface TokenScan {
  readonly tokens: Token[];
  readonly error: PySyntaxError | null;
}

/** CPython's `MAXLEVEL` (bracket nesting) and `MAXINDENT`. */
const MAX_LEVEL = 200;
const MAX_INDENT = 100;
const TAB_SIZE = 8;

const THREE_CHAR_OPS = new Set(['**=', '//=', '>>=', '<<=', '...', '!=']);
const TWO_CHAR_OPS = new Set(['!=', '%=', '&=', '**', '*=', '+=', '-=', '->', '//', '/=', ':=', '<<', '<=', '==', '>=', '>>', '@=', '^=', '|=']);

class ScanError extends Error {
  constructor(
    readonly type: SyntaxErrorType,
    readonly msg: string,
    readonly lineno: number,
    /** 1-based character offset, or a raw value CPython reports (0, -1). */
    readonly offset: number,
    readonly endLineno: number,
    readonly endOffset: number,
  ) {
    super(msg);
  }
}

function isIdentifierStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c >= 0x80;
}

function isIdentifierChar(c: number): boolean {
  return isIdentifierStart(c) || (c >= 0x30 && c <= 0x39);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

const XID_START = /^[\p{XID_Start}_]$/u;
const XID_CONTINUE = /^\p{XID_Continue}$/u;
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** Tokenizer errors CPython finds after reading their whole line (its text keeps the newline). */
const WHOLE_LINE_ERRORS = /was never closed$|^unexpected character after line continuation character$|^unexpected EOF while parsing$|^unindent does not match any outer indentation level$|^inconsistent use of tabs and spaces in indentation$/;

/** Scans the whole source; never throws (errors are returned). */
export function scanTokens(text: SourceText, filename: string): TokenScan {
  const scanner = new Scanner(text);
  try {
    scanner.run();
    return { tokens: scanner.tokens, error: null };
  } catch (error) {
    if (!(error instanceof ScanError)) throw error;
    // The line as the tokenizer had read it: whole (with its newline) for the errors found at its end;
    // an unclosed bracket's line is quoted so only when it is the last one read.
    const lastLine = text.lineStart(error.lineno + 1) >= text.text.length;
    const whole = WHOLE_LINE_ERRORS.test(error.msg) && (lastLine || !error.msg.endsWith('was never closed'));
    const line = whole ? text.lineWithNewline(error.lineno) : text.line(error.lineno);
    return {
      tokens: scanner.tokens,
      error: new PySyntaxError(error.type, error.msg, filename, error.lineno, error.offset, error.endLineno, error.endOffset, line),
    };
  }
}

class Scanner {
  readonly tokens: Token[] = [];
  private readonly src: string;
  private pos = 0;
  private lineno = 1;
  private lineStart = 0;
  private readonly indents = [0];
  private readonly altIndents = [0];
  /** Open brackets: the character, its index and line. */
  private readonly brackets: { char: string; index: number; lineno: number }[] = [];

  constructor(private readonly text: SourceText) {
    this.src = text.text;
  }

  /** 1-based character offset of string index `index` on the current line. */
  private offsetOf(index: number, lineStart = this.lineStart): number {
    return index - lineStart + 1;
  }

  private error(msg: string, offset: number, endOffset: number, type: SyntaxErrorType = 'SyntaxError', lineno = this.lineno): ScanError {
    return new ScanError(type, msg, lineno, offset, lineno, endOffset);
  }

  private push(kind: TokenKind, start: number, end: number, lineno = this.lineno): void {
    this.tokens.push({ kind, start, end, lineno, endLineno: this.lineno, level: this.brackets.length });
  }

  private newLine(at: number): void {
    this.lineno++;
    this.lineStart = at;
  }

  run(): void {
    const src = this.src;
    let atLineStart = true;
    for (;;) {
      if (atLineStart) {
        atLineStart = false;
        if (this.indentation()) continue;
      }
      // Skip spaces, tabs and form feeds between tokens.
      let c = src[this.pos];
      while (c === ' ' || c === '\t' || c === '\f') c = src[++this.pos];
      if (c === undefined) {
        this.endOfInput();
        return;
      }
      if (c === '#') {
        while (this.pos < src.length && src[this.pos] !== '\n') this.pos++;
        continue;
      }
      if (c === '\n') {
        // A blank or comment-only line gives no NEWLINE (CPython's NL).
        const last = this.tokens[this.tokens.length - 1];
        if (this.brackets.length === 0 && last !== undefined && last.kind !== TokenKind.Newline) this.push(TokenKind.Newline, this.pos, this.pos + 1);
        this.pos++;
        this.newLine(this.pos);
        atLineStart = this.brackets.length === 0;
        continue;
      }
      if (c === '\\') {
        const next = src[this.pos + 1];
        if (next === '\n') {
          // At the end of the input the error points just past the backslash, on its line.
          const eofOffset = this.offsetOf(this.pos + 1);
          this.pos += 2;
          this.newLine(this.pos);
          if (this.pos >= src.length) throw this.error('unexpected EOF while parsing', eofOffset, -1, 'SyntaxError', this.lineno - 1);
          continue;
        }
        if (next === undefined) throw this.error('unexpected EOF while parsing', this.offsetOf(this.pos + 1), -1);
        throw this.error('unexpected character after line continuation character', this.offsetOf(this.pos + 1), 0);
      }
      const code = src.charCodeAt(this.pos);
      if (isIdentifierStart(code)) {
        const start = this.pos;
        while (this.pos < src.length && isIdentifierChar(src.charCodeAt(this.pos))) this.pos++;
        const word = src.slice(start, this.pos);
        // A string prefix (r, b, u, f and their combinations) glued to a quote.
        const quote = src[this.pos];
        if ((quote === '"' || quote === "'") && /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])$/.test(word)) {
          this.string(start, word);
          continue;
        }
        if (code >= 0x80 || /[^\x00-\x7f]/.test(word)) this.verifyIdentifier(start, word);
        this.push(TokenKind.Name, start, this.pos);
        continue;
      }
      if (isDigit(c) || (c === '.' && isDigit(src[this.pos + 1]))) {
        this.number();
        continue;
      }
      if (c === '"' || c === "'") {
        this.string(this.pos, '');
        continue;
      }
      if (c === '(' || c === '[' || c === '{') {
        if (this.brackets.length >= MAX_LEVEL) throw this.error('too many nested parentheses', this.offsetOf(this.pos), this.offsetOf(this.pos));
        this.brackets.push({ char: c, index: this.pos, lineno: this.lineno });
        this.push(TokenKind.Op, this.pos, this.pos + 1);
        this.pos++;
        continue;
      }
      if (c === ')' || c === ']' || c === '}') {
        this.closeBracket(c);
        this.push(TokenKind.Op, this.pos, this.pos + 1);
        this.pos++;
        continue;
      }
      // A control character is no token (CPython's tokenizer refuses it by name).
      if (code < 0x20 || code === 0x7f) {
        const offset = this.offsetOf(this.pos);
        throw this.error(`invalid non-printable character U+${code.toString(16).toUpperCase().padStart(4, '0')}`, offset, offset);
      }
      const three = src.slice(this.pos, this.pos + 3);
      const two = src.slice(this.pos, this.pos + 2);
      const width = THREE_CHAR_OPS.has(three) && three.length === 3 ? 3 : TWO_CHAR_OPS.has(two) ? 2 : 1;
      this.push(TokenKind.Op, this.pos, this.pos + width);
      this.pos += width;
    }
  }

  private closeBracket(c: string): void {
    const open = this.brackets.pop();
    const offset = this.offsetOf(this.pos);
    if (open === undefined) throw this.error(`unmatched '${c}'`, offset, offset);
    const expected = open.char === '(' ? ')' : open.char === '[' ? ']' : '}';
    if (c !== expected) {
      const where = open.lineno === this.lineno ? '' : ` on line ${open.lineno}`;
      throw this.error(`closing parenthesis '${c}' does not match opening parenthesis '${open.char}'${where}`, offset, offset);
    }
  }

  /**
   * Measures a line's indentation and emits INDENT/DEDENT (CPython: `col`
   * with tabs to the next multiple of 8, `altcol` with tabs of width 1; the
   * two must order lines the same way or it is a TabError). Returns true if
   * the line is blank or a comment (nothing to tokenize on it as a line).
   */
  private indentation(): boolean {
    const src = this.src;
    let col = 0;
    let altcol = 0;
    let i = this.pos;
    for (;; i++) {
      const c = src[i];
      if (c === ' ') {
        col++;
        altcol++;
      } else if (c === '\t') {
        col = (Math.floor(col / TAB_SIZE) + 1) * TAB_SIZE;
        altcol++;
      } else if (c === '\f') {
        col = altcol = 0;
      } else break;
    }
    const c = src[i];
    if (c === '#' || c === '\n' || c === undefined) {
      this.pos = i;
      return false;
    }
    this.pos = i;
    const top = this.indents.length - 1;
    const tabError = (): ScanError => this.error('inconsistent use of tabs and spaces in indentation', 1, 0, 'TabError');
    if (col === this.indents[top]) {
      if (altcol !== this.altIndents[top]) throw tabError();
    } else if (col > this.indents[top]) {
      if (this.indents.length >= MAX_INDENT) throw this.error('too many levels of indentation', 1, 0, 'IndentationError');
      if (altcol <= this.altIndents[top]) throw tabError();
      this.indents.push(col);
      this.altIndents.push(altcol);
      this.push(TokenKind.Indent, this.lineStart, i);
    } else {
      while (this.indents.length > 1 && col < this.indents[this.indents.length - 1]) {
        this.indents.pop();
        this.altIndents.pop();
        this.push(TokenKind.Dedent, i, i);
      }
      if (col !== this.indents[this.indents.length - 1]) {
        const lineEnd = src.indexOf('\n', i);
        throw this.error('unindent does not match any outer indentation level', this.offsetOf(lineEnd === -1 ? src.length : lineEnd), -1, 'IndentationError');
      }
      if (altcol !== this.altIndents[this.altIndents.length - 1]) throw tabError();
    }
    return false;
  }

  private endOfInput(): void {
    const open = this.brackets[this.brackets.length - 1];
    if (open !== undefined) {
      throw new ScanError('SyntaxError', `'${open.char}' was never closed`, open.lineno, open.index - this.text.lineStart(open.lineno) + 1, open.lineno, 0);
    }
    const last = this.tokens[this.tokens.length - 1];
    if (last !== undefined && last.kind !== TokenKind.Newline && last.kind !== TokenKind.Dedent && last.kind !== TokenKind.Indent) {
      this.push(TokenKind.Newline, this.pos, this.pos);
    }
    for (let k = this.indents.length - 1; k > 0; k--) this.push(TokenKind.Dedent, this.pos, this.pos);
    this.push(TokenKind.EndMarker, this.pos, this.pos);
  }

  /** CPython's `verify_identifier`: the NFKC form must be an identifier, else the first bad character is named. */
  private verifyIdentifier(start: number, word: string): void {
    const chars = [...word];
    let index = start;
    for (let k = 0; k < chars.length; k++) {
      const ch = chars[k];
      const ok = k === 0 ? XID_START.test(ch.normalize('NFKC')[0] ?? ch) || XID_START.test(ch) : XID_CONTINUE.test(ch) || XID_CONTINUE.test(ch.normalize('NFKC')[0] ?? ch);
      if (!ok) {
        const cp = ch.codePointAt(0)!;
        const hex = cp.toString(16).toUpperCase().padStart(4, '0');
        const offset = this.offsetOf(index);
        if (NOT_PRINTABLE.test(ch)) throw this.error(`invalid non-printable character U+${hex}`, offset, offset);
        throw this.error(`invalid character '${ch}' (U+${hex})`, offset, offset);
      }
      index += ch.length;
    }
  }

  /** A number literal, with CPython's checks on its form. */
  private number(): void {
    const src = this.src;
    const start = this.pos;
    const digitsOf = (test: (c: string) => boolean, kind: string): void => {
      // Digits with single underscores between them.
      for (;;) {
        while (this.pos < src.length && test(src[this.pos])) this.pos++;
        if (src[this.pos] !== '_') return;
        this.pos++;
        if (!test(src[this.pos] ?? '')) throw this.error(`invalid ${kind} literal`, this.offsetOf(this.pos) - 1, this.offsetOf(this.pos) - 1);
      }
    };
    const endOfNumber = (kind: string): void => {
      // Only an ASCII letter glued to the number is this error (CPython:
      // `c < 128`); other characters are the next token's problem.
      const c = src.charCodeAt(this.pos);
      if (this.pos < src.length && c < 0x80 && isIdentifierStart(c)) {
        // `1if x else y` and friends are allowed (CPython warns): a keyword may follow.
        const rest = src.slice(this.pos, this.pos + 6);
        if (/^(?:and|else|for|if|in|is|not|or)\b/.test(rest)) return;
        // CPython backs up to the letter and reports the column before it.
        throw this.error(`invalid ${kind} literal`, this.offsetOf(this.pos) - 1, this.offsetOf(this.pos) - 1);
      }
    };
    const c = src[this.pos];
    const radix = c === '0' ? (src[this.pos + 1] ?? '').toLowerCase() : '';
    if (radix === 'x' || radix === 'o' || radix === 'b') {
      this.pos += 2;
      const kind = radix === 'x' ? 'hexadecimal' : radix === 'o' ? 'octal' : 'binary';
      const valid = radix === 'x' ? (d: string) => /^[0-9a-fA-F]$/.test(d) : radix === 'o' ? (d: string) => d >= '0' && d <= '7' : (d: string) => d === '0' || d === '1';
      if (src[this.pos] === '_') this.pos++;
      if (!valid(src[this.pos] ?? '')) {
        const d = src[this.pos];
        if (radix !== 'x' && isDigit(d)) throw this.error(`invalid digit '${d}' in ${kind} literal`, this.offsetOf(this.pos), this.offsetOf(this.pos));
        throw this.error(`invalid ${kind} literal`, this.offsetOf(this.pos) - 1, this.offsetOf(this.pos) - 1);
      }
      digitsOf(valid, kind);
      const d = src[this.pos];
      if (radix !== 'x' && isDigit(d)) throw this.error(`invalid digit '${d}' in ${kind} literal`, this.offsetOf(this.pos), this.offsetOf(this.pos));
      endOfNumber(kind);
      this.push(TokenKind.Number, start, this.pos);
      return;
    }
    let isFloat = false;
    if (c !== '.') digitsOf(isDigit, 'decimal');
    const intEnd = this.pos;
    if (src[this.pos] === '.') {
      isFloat = true;
      this.pos++;
      if (isDigit(src[this.pos])) digitsOf(isDigit, 'decimal');
    }
    if (src[this.pos] === 'e' || src[this.pos] === 'E') {
      const save = this.pos;
      this.pos++;
      if (src[this.pos] === '+' || src[this.pos] === '-') this.pos++;
      if (isDigit(src[this.pos])) {
        isFloat = true;
        digitsOf(isDigit, 'decimal');
      } else {
        this.pos = save;
        throw this.error('invalid decimal literal', this.offsetOf(save), this.offsetOf(save));
      }
    }
    if (src[this.pos] === 'j' || src[this.pos] === 'J') {
      this.pos++;
      isFloat = true;
      endOfNumber('imaginary');
    } else endOfNumber('decimal');
    if (!isFloat && src[start] === '0' && /[1-9]/.test(src.slice(start, intEnd).replace(/_/g, ''))) {
      throw this.error('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', this.offsetOf(start), this.offsetOf(start + 1));
    }
    this.push(TokenKind.Number, start, this.pos);
  }

  /** A string literal starting at `start` with prefix `prefix` (the quote at this.pos). */
  private string(start: number, prefix: string): void {
    const startLine = this.lineno;
    const startLineStart = this.lineStart;
    this.pos = this.stringEnd(start, prefix, this.pos, startLine, startLineStart);
    this.push(TokenKind.String, start, this.pos, startLine);
  }

  /** Index just past the string whose quote is at `quoteAt`; follows newlines inside it. */
  private stringEnd(start: number, prefix: string, quoteAt: number, startLine: number, startLineStart: number): number {
    const src = this.src;
    const quote = src[quoteAt];
    const triple = src[quoteAt + 1] === quote && src[quoteAt + 2] === quote;
    const isF = /[fF]/.test(prefix);
    const isRaw = /[rR]/.test(prefix);
    let i = quoteAt + (triple ? 3 : 1);
    const unterminated = (): ScanError => {
      // CPython's line count at the end of input does not include the
      // empty line after a final newline.
      const detected = i >= src.length && src[src.length - 1] === '\n' ? this.lineno - 1 : this.lineno;
      const what = isF ? 'f-string' : 'string';
      const msg = triple ? `unterminated triple-quoted ${what} literal (detected at line ${detected})` : `unterminated ${what} literal (detected at line ${detected})`;
      const offset = start - startLineStart + 1;
      return new ScanError('SyntaxError', msg, startLine, offset, startLine, offset);
    };
    for (;;) {
      const c = src[i];
      if (c === undefined) throw unterminated();
      if (c === '\n') {
        if (!triple) throw unterminated();
        i++;
        this.newLine(i);
        continue;
      }
      if (c === '\\') {
        if (src[i + 1] === '\n') {
          i += 2;
          this.newLine(i);
          continue;
        }
        if (src[i + 1] === undefined) {
          i++;
          continue;
        }
        // A backslash does not escape a brace: the brace still opens or closes a field.
        if (isF && (src[i + 1] === '{' || src[i + 1] === '}')) {
          i++;
          continue;
        }
        if (isF && !isRaw && src[i + 1] === 'N' && src[i + 2] === '{') {
          const close = src.indexOf('}', i + 3);
          if (close !== -1) {
            i = close + 1;
            continue;
          }
        }
        i += 2;
        continue;
      }
      if (c === quote && (!triple || (src[i + 1] === quote && src[i + 2] === quote))) return i + (triple ? 3 : 1);
      if (isF && c === '{') {
        if (src[i + 1] === '{') {
          i += 2;
          continue;
        }
        i = this.replacementField(i + 1, quote, triple);
        continue;
      }
      if (isF && c === '}') {
        // Outside a replacement field a brace is doubled: `}}` is one '}'.
        if (src[i + 1] === '}') {
          i += 2;
          continue;
        }
        throw this.error("f-string: single '}' is not allowed", this.offsetOf(i), this.offsetOf(i));
      }
      i++;
    }
  }

  /**
   * Skips an f-string replacement field from just after its `{` to just after
   * its `}`: brackets count toward the nesting limit and must match, strings
   * inside are scanned as strings, a `:` at depth 0 starts a format spec that
   * may hold nested fields.
   */
  private replacementField(from: number, quote: string, triple: boolean): number {
    const src = this.src;
    const depth = this.brackets.length;
    this.brackets.push({ char: '{', index: from - 1, lineno: this.lineno });
    let i = from;
    for (;;) {
      const c = src[i];
      if (c === undefined) return i;
      if (c === '\n') {
        i++;
        this.newLine(i);
        continue;
      }
      // The enclosing string ends inside the field.
      if (c === quote && !triple && this.brackets.length === depth + 1) throw this.error("f-string: expecting '}'", this.offsetOf(i), this.offsetOf(i));
      if (c === "'" || c === '"') {
        let p = i;
        let pre = '';
        while (p > from && /[a-zA-Z]/.test(src[p - 1])) p--;
        pre = src.slice(p, i);
        i = this.stringEnd(p, pre, i, this.lineno, this.lineStart);
        continue;
      }
      if (c === '(' || c === '[' || c === '{') {
        if (this.brackets.length >= MAX_LEVEL) throw this.error('too many nested parentheses', this.offsetOf(i), this.offsetOf(i));
        this.brackets.push({ char: c, index: i, lineno: this.lineno });
        i++;
        continue;
      }
      if (c === ')' || c === ']' || c === '}') {
        if (this.brackets.length === depth + 1 && c === '}') {
          this.brackets.pop();
          return i + 1;
        }
        const saved = this.pos;
        this.pos = i;
        this.closeBracket(c);
        this.pos = saved;
        i++;
        continue;
      }
      if (c === ':' && this.brackets.length === depth + 1 && src[i + 1] !== '=') {
        // Format spec: literal text with nested fields, up to the closing '}'.
        i++;
        for (;;) {
          const d = src[i];
          if (d === undefined || (d === quote && !triple)) return i;
          if (d === '\n') {
            i++;
            this.newLine(i);
            continue;
          }
          if (d === '{') {
            i = this.replacementField(i + 1, quote, triple);
            continue;
          }
          if (d === '}') {
            this.brackets.pop();
            return i + 1;
          }
          i++;
        }
      }
      i++;
    }
  }
}
