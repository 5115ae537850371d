/**
 * Source lines for tracebacks (`linecache.getline` over `tokenize.open`):
 * a file read in the encoding its BOM or coding cookie names (UTF-8
 * otherwise), split as Python's text mode splits it (universal newlines:
 * `\r\n`, `\r` and `\n` end a line). A file that cannot be read or decoded
 * has no lines, and the traceback shows none, as CPython's does.
 */

import { readFileSync } from 'node:fs';

/** The coding cookie of PEP 263 (`tokenize.cookie_re`). */
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** Sources with no file, by the thread that runs them: `-c` code as `<string>`. */
const registered = new WeakMap<object, Map<string, string[]>>();

/**
 * Gives pseudo-file `filename` the lines of `text` in the tracebacks
 * {@link SourceLines} made for `owner` (a thread) show: CPython 3.13 puts
 * the `-c` code in `linecache` as `<string>`, so every `<string>` frame's
 * line comes from it (an `exec`'d string's frames too, as there).
 */
export function registerSource(owner: object, filename: string, text: string): void {
  let files = registered.get(owner);
  if (files === undefined) registered.set(owner, (files = new Map()));
  files.set(filename, splitLines(text));
}

/** `linecache`'s view of one file: its lines without their ends, or null. */
export class SourceLines {
  private readonly files: Map<string, string[] | null>;

  /** `owner`: the thread whose registered sources (`-c`'s) are seen. */
  constructor(owner?: object) {
    this.files = new Map(owner === undefined ? [] : registered.get(owner));
  }

  /** Line `lineno` (1-based) of `filename` without its line end; '' when there is none (as `getline` gives ''). */
  getline(filename: string, lineno: number): string {
    const lines = this.linesOf(filename);
    if (lines === null || lineno < 1 || lineno > lines.length) return '';
    return lines[lineno - 1]!;
  }

  private linesOf(filename: string): string[] | null {
    let lines = this.files.get(filename);
    if (lines === undefined) {
      lines = readLines(filename);
      this.files.set(filename, lines);
    }
    return lines;
  }
}

function readLines(filename: string): string[] | null {
  // Pseudo-files (`<string>`, `<stdin>`) have no source on disk.
  if (filename.startsWith('<') && filename.endsWith('>')) return null;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(filename);
  } catch {
    return null;
  }
  let text: string;
  try {
    text = decodeSource(bytes);
  } catch {
    return null;
  }
  return splitLines(text);
}

/** Universal newlines; a final line end makes no extra (empty) line. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `tokenize.detect_encoding` + decode: BOM, cookie in the first two lines, else UTF-8; throws on bad bytes. */
function decodeSource(bytes: Uint8Array): string {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  let encoding = 'utf-8';
  const head = new TextDecoder('latin1').decode(bytes.subarray(start, Math.min(bytes.length, start + 1024)));
  const firstLines = head.split(/\r\n|\r|\n/, 2);
  for (const line of firstLines) {
    const m = CODING_COOKIE.exec(line);
    if (m !== null) {
      encoding = m[1]!;
      break;
    }
    // The cookie may be on line 2 only when line 1 is blank or a comment.
    if (!/^[ \t\f]*(#.*)?$/.test(line)) break;
  }
  return new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(start));
}
