/**
 * The source as the tokenizer sees it (CPython's `tok_state` input after
 * `translate_newlines`): `\r\n` and lone `\r` become `\n`, and positions are
 * (line from 1, column in UTF-8 bytes). Maps those positions back to string
 * indices, for reading a node's text.
 */

/** One line's start index and, for a line that is not ASCII, its UTF-8 byte columns. */
interface LineInfo {
  readonly start: number;
  readonly end: number;
  /** byteToIndex[b] = string index of the character at byte column b; null for an ASCII line; undefined until first needed. */
  byteToIndex?: Int32Array | null;
}

/** The normalized source with a line index. */
export class SourceText {
  readonly text: string;
  private readonly lines: LineInfo[] = [];

  constructor(source: string) {
    this.text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
    const text = this.text;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) {
        this.lines.push({ start, end: text.length });
        break;
      }
      this.lines.push({ start, end: nl });
      start = nl + 1;
    }
  }

  /** Number of lines (a final line without `\n` counts; so does the empty one after a final `\n`). */
  get lineCount(): number {
    return this.lines.length;
  }

  /** The text of line `lineno` (from 1) without its newline, or '' past the end. */
  line(lineno: number): string {
    const info = this.lines[lineno - 1];
    return info === undefined ? '' : this.text.slice(info.start, info.end);
  }

  /**
   * The text of line `lineno` with its newline when it has one: the `text`
   * of a SyntaxError the parser (not the tokenizer) raises, which CPython
   * takes from the tokenizer's line buffer.
   */
  lineWithNewline(lineno: number): string {
    const info = this.lines[lineno - 1];
    if (info === undefined) return '';
    return info.end < this.text.length ? this.text.slice(info.start, info.end + 1) : this.text.slice(info.start, info.end);
  }

  /** String index of the line's first character. */
  lineStart(lineno: number): number {
    const info = this.lines[lineno - 1];
    return info === undefined ? this.text.length : info.start;
  }

  /** String index of (lineno, UTF-8 byte column). */
  index(lineno: number, byteColumn: number): number {
    const info = this.lines[lineno - 1];
    if (info === undefined) return this.text.length;
    const map = this.byteMap(info);
    if (map === null) return Math.min(info.start + byteColumn, info.end + 1);
    return byteColumn < map.length ? info.start + map[byteColumn] : info.end + 1;
  }

  /** (line, UTF-8 byte column) of a string index. */
  position(index: number): { lineno: number; col: number } {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lines[mid].start <= index) lo = mid;
      else hi = mid - 1;
    }
    const info = this.lines[lo];
    return { lineno: lo + 1, col: utf8Length(this.text, info.start, index) };
  }

  /** UTF-8 byte column of string index `index` on line `lineno`. */
  byteColumn(lineno: number, index: number): number {
    const info = this.lines[lineno - 1];
    return info === undefined ? 0 : utf8Length(this.text, info.start, index);
  }

  private byteMap(info: LineInfo): Int32Array | null {
    if (info.byteToIndex !== undefined) return info.byteToIndex;
    const text = this.text;
    let ascii = true;
    for (let i = info.start; i < info.end; i++) {
      if (text.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      info.byteToIndex = null;
      return null;
    }
    const bytes: number[] = [];
    for (let i = info.start; i < info.end; ) {
      const pair = i + 1 < info.end && isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1));
      const next = pair ? i + 2 : i + 1;
      const width = utf8Length(text, i, next);
      for (let b = 0; b < width; b++) bytes.push(i - info.start);
      i = next;
    }
    bytes.push(info.end - info.start); // the end of the line
    info.byteToIndex = Int32Array.from(bytes);
    return info.byteToIndex;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** UTF-8 length of text[from, to) (a lone surrogate counts 3, as CPython's surrogatepass would). */
export function utf8Length(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (isHighSurrogate(c) && i + 1 < to && isLowSurrogate(text.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
