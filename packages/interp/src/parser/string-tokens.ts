/**
 * The string literal tokens of one implicitly concatenated `Constant`
 * (`'a' "b"` … across lines inside brackets), read back from the source so
 * that each can be decoded with its own prefix.
 */

/** One string literal token: prefix letters, body between the quotes, and where it is. */
export interface StringToken {
  readonly prefix: string;
  readonly body: string;
  readonly start: number;
  readonly end: number;
}

/** The string tokens between `start` and `end` (string indices). */
export function readStringTokens(text: string, start: number, end: number): StringToken[] {
  const tokens: StringToken[] = [];
  let i = start;
  while (i < end) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
    } else if (c === '#') {
      while (i < end && text[i] !== '\n') i++;
    } else {
      const tokenStart = i;
      while (/[a-zA-Z]/.test(text[i])) i++;
      const prefix = text.slice(tokenStart, i);
      const quote = text[i];
      const triple = text[i + 1] === quote && text[i + 2] === quote;
      const quoteLength = triple ? 3 : 1;
      const bodyStart = i + quoteLength;
      let j = bodyStart;
      for (;;) {
        if (j >= text.length) break;
        const d = text[j];
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === quote && (!triple || (text[j + 1] === quote && text[j + 2] === quote))) break;
        j++;
      }
      tokens.push({ prefix, body: text.slice(bodyStart, j), start: tokenStart, end: j + quoteLength });
      i = j + quoteLength;
    }
  }
  return tokens;
}
