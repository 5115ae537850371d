/**
 * Docstring cleaning at compile time, new in CPython 3.13
 * (`_PyCompile_CleanDoc`, `Python/compile.c`): tabs expanded, the first
 * line's leading spaces dropped, and the common indentation of the other
 * non-blank lines removed, as `inspect.cleandoc` does (except that trailing
 * and leading blank lines are kept).
 */

/** `str.expandtabs()` with the default tab size 8. */
function expandTabs(s: string): string {
  if (!s.includes('\t')) return s;
  let out = '';
  let column = 0;
  for (const ch of s) {
    if (ch === '\t') {
      const n = 8 - (column % 8);
      out += ' '.repeat(n);
      column += n;
    } else {
      out += ch;
      column = ch === '\n' || ch === '\r' ? 0 : column + 1;
    }
  }
  return out;
}

/** The docstring as CPython 3.13 stores it in `co_consts` / `__doc__`. */
export function cleanDoc(doc: string): string {
  doc = expandTabs(doc);
  const n = doc.length;
  let p = 0;
  // The margin: the least indentation of the non-blank lines after the first.
  while (p < n && doc[p++] !== '\n');
  let margin = Infinity;
  while (p < n) {
    const s = p;
    while (doc[p] === ' ') p++;
    if (p < n && doc[p] !== '\n') margin = Math.min(margin, p - s);
    while (p < n && doc[p++] !== '\n');
  }
  if (margin === Infinity) margin = 0;
  p = 0;
  while (doc[p] === ' ') p++;
  if (p === 0 && margin === 0) return doc;
  let out = '';
  while (p < n) {
    const ch = doc[p++];
    out += ch;
    if (ch === '\n') break;
  }
  while (p < n) {
    for (let i = 0; i < margin; i++, p++) {
      if (doc[p] !== ' ') break;
    }
    while (p < n) {
      const ch = doc[p++];
      out += ch;
      if (ch === '\n') break;
    }
  }
  return out;
}
