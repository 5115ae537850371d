/**
 * CPython's syntax errors inside an f-string's replacement fields (the
 * `invalid_replacement_field` / `invalid_conversion_character` rules of
 * its grammar and the f-string tokenizer's checks), found by walking the
 * literal's source text: py-ast only says "f-string: invalid syntax in
 * interpolated expression" at the start of the string.
 *
 * Handled: a field with no expression ("valid expression required before
 * '}'"), a `lambda` not in parentheses, a missing or unknown conversion
 * character. Anything else is left to the caller (null).
 */

/** An error's message and the string indices `[start, end)` it spans. */
export interface FStringError {
  readonly msg: string;
  readonly start: number;
  readonly end: number;
}

/** Outcome of scanning one field: the index just past it, or an error. */
type FieldResult = { readonly end: number } | { readonly error: FStringError } | null;

const WHITESPACE = /[ \t\f\r\n]/;
const IDENTIFIER_CHAR = /[\p{L}\p{N}_]/u;

/**
 * The first error CPython reports in the f-string literal `text[start:end)`
 * (prefix, quotes and body), or null when this module finds none.
 */
export function fStringFieldError(text: string, start: number, end: number): FStringError | null {
  let i = start;
  while (i < end && /[a-zA-Z]/.test(text[i]!)) i++;
  const prefix = text.slice(start, i).toLowerCase();
  if (!prefix.includes('f')) return null;
  const quote = text[i];
  const triple = text[i + 1] === quote && text[i + 2] === quote;
  const bodyStart = i + (triple ? 3 : 1);
  const bodyEnd = end - (triple ? 3 : 1);
  const scanner = new FieldScanner(text, bodyEnd);
  for (let j = bodyStart; j < bodyEnd; ) {
    const c = text[j];
    if (c === '\\' && !prefix.includes('r')) {
      j += 2;
    } else if (c === '{' && text[j + 1] === '{') {
      j += 2;
    } else if (c === '{') {
      const r = scanner.field(j + 1);
      if (r === null) return null;
      if ('error' in r) return r.error;
      j = r.end;
    } else j++;
  }
  return null;
}

class FieldScanner {
  constructor(
    private readonly text: string,
    private readonly limit: number,
  ) {}

  private skipSpace(i: number): number {
    while (i < this.limit && WHITESPACE.test(this.text[i]!)) i++;
    return i;
  }

  /** A replacement field from just after its `{`. */
  field(from: number): FieldResult {
    const text = this.text;
    const j = this.skipSpace(from);
    const first = text[j];
    if (first === '}' || first === '!' || first === ':' || first === '=') {
      return { error: { msg: `f-string: valid expression required before '${first}'`, start: j, end: j + 1 } };
    }
    if (text.startsWith('lambda', j) && !IDENTIFIER_CHAR.test(text[j + 6] ?? '')) {
      const colon = this.expressionEnd(j + 6);
      if (colon !== null && text[colon] === ':') return { error: { msg: 'f-string: lambda expressions are not allowed without parentheses', start: j, end: colon + 1 } };
      return null;
    }
    let k = this.expressionEnd(j);
    if (k === null) return null;
    if (text[k] === '=') k = this.skipSpace(k + 1);
    if (text[k] === '!') {
      const c = text[k + 1];
      if (c === undefined || k + 1 >= this.limit) return null;
      if (c === '}' || c === ':') return { error: { msg: 'f-string: missing conversion character', start: k + 1, end: k + 2 } };
      if (c !== 's' && c !== 'r' && c !== 'a') {
        return { error: { msg: `f-string: invalid conversion character '${c}': expected 's', 'r', or 'a'`, start: k + 1, end: k + 2 } };
      }
      k = this.skipSpace(k + 2);
    }
    if (text[k] === ':') return this.formatSpec(k + 1);
    return text[k] === '}' ? { end: k + 1 } : null;
  }

  /** A format spec from just after its `:` to just past the field's `}`; nested fields are checked too. */
  private formatSpec(from: number): FieldResult {
    for (let i = from; i < this.limit; ) {
      const c = this.text[i];
      if (c === '{') {
        const r = this.field(i + 1);
        if (r === null || 'error' in r) return r;
        i = r.end;
      } else if (c === '}') return { end: i + 1 };
      else i++;
    }
    return null;
  }

  /**
   * Where the field's expression ends: the index of the first `}`, `!`
   * (not `!=`), `:` (a walrus needs parentheses here) or lone `=` outside
   * brackets and strings; null when the literal ends first.
   */
  private expressionEnd(from: number): number | null {
    const text = this.text;
    let depth = 0;
    for (let i = from; i < this.limit; i++) {
      const c = text[i]!;
      if (c === "'" || c === '"') {
        const close = text.indexOf(c, i + 1);
        if (close < 0 || close >= this.limit) return null;
        i = close;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || (c === '}' && depth > 0)) depth--;
      else if (depth === 0) {
        if (c === '}' || c === ':') return i;
        if (c === '!' && text[i + 1] !== '=') return i;
        if (c === '=' && text[i + 1] !== '=' && !'=!<>'.includes(text[i - 1]!)) return i;
      }
    }
    return null;
  }
}
