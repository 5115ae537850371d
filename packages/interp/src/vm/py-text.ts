/**
 * The few Python string operations the traceback printer is written in
 * terms of, with Python's definitions where JavaScript's differ:
 * `str.isspace` / `strip` (Python's whitespace set), `str.splitlines`
 * (its eight line boundaries), `textwrap.dedent` (spaces and tabs, lines
 * split at `\n` only, as its MULTILINE regular expressions do) and
 * `textwrap.indent`. Offsets and lengths count code points, as Python's
 * do: text is handled as arrays of code points where it is measured.
 */

/** `str.isspace()` for one code point (`Py_UNICODE_ISSPACE`). */
export function isPySpace(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** `str.strip()`. */
export function pyStrip(s: string): string {
  return pyRstrip(pyLstrip(s));
}

/** `str.lstrip()`. */
export function pyLstrip(s: string): string {
  const cps = Array.from(s);
  let i = 0;
  while (i < cps.length && isPySpace(cps[i]!)) i++;
  return cps.slice(i).join('');
}

/** `str.rstrip()`. */
export function pyRstrip(s: string): string {
  const cps = Array.from(s);
  let j = cps.length;
  while (j > 0 && isPySpace(cps[j - 1]!)) j--;
  return cps.slice(0, j).join('');
}

/** `str.splitlines(keepends)`: `\r\n` and each of `\n \r \v \f \x1c \x1d \x1e \x85 \u2028 \u2029` end a line. */
export function pySplitlines(s: string, keepends = false): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    out.push(s.slice(start, keepends ? m.index + m[0].length : m.index));
    start = m.index + m[0].length;
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}

/** `textwrap.dedent(text)`. */
export function textwrapDedent(text: string): string {
  const lines = text.split('\n').map((line) => (/^[ \t]+$/.test(line) ? '' : line));
  let margin: string | null = null;
  for (const line of lines) {
    const m = /^([ \t]*)[^ \t]/.exec(line);
    if (m === null) continue;
    const indent = m[1]!;
    if (margin === null || margin.startsWith(indent)) margin = indent;
    else if (!indent.startsWith(margin)) {
      let i = 0;
      while (i < margin.length && i < indent.length && margin[i] === indent[i]) i++;
      margin = margin.slice(0, i);
    }
  }
  if (margin) {
    const m = margin;
    return lines.map((line) => (line.startsWith(m) ? line.slice(m.length) : line)).join('\n');
  }
  return lines.join('\n');
}

/** `textwrap.indent(text, prefix, predicate)`: the predicate defaults to "not only whitespace". */
export function textwrapIndent(text: string, prefix: string, predicate: (line: string) => boolean = (line) => !isAllSpace(line)): string {
  return pySplitlines(text, true)
    .map((line) => (predicate(line) ? prefix + line : line))
    .join('');
}

/** `s.isspace()` (false for ''). */
function isAllSpace(s: string): boolean {
  if (s === '') return false;
  for (const ch of s) if (!isPySpace(ch)) return false;
  return true;
}

/** `len(bytes(s, 'utf-8')[:offset].decode('utf-8', 'replace'))`: a UTF-8 byte offset into `s` as a code point offset. */
export function byteOffsetToCharOffset(s: string, offset: number): number {
  const bytes = new TextEncoder().encode(s);
  const slice = bytes.subarray(0, Math.max(0, Math.min(offset, bytes.length)));
  return Array.from(new TextDecoder('utf-8').decode(slice)).length;
}

/** Python's `seq[start:stop]` bounds for a sequence of `length` items (negative indexes from the end, clamped). */
export function pySliceBounds(length: number, start: number, stop: number): [number, number] {
  const norm = (i: number): number => (i < 0 ? Math.max(0, length + i) : Math.min(i, length));
  return [norm(start), norm(stop)];
}
