/**
 * `_PyUnicodeWriter` (`Objects/unicodeobject.c`): the builder the
 * formatting code writes into — `format()`, `str.format`, `%`-formatting —
 * as code points, with the largest one tracked so that the result is made
 * in PEP 393's narrowest kind in one allocation.
 *
 * Code points, not JavaScript text: a str may hold lone surrogates, and a
 * high surrogate followed by a low one are two code points in Python,
 * which a JavaScript string would read back as one. Text that the
 * formatting code makes itself (digits, signs, fill characters) is
 * appended from JavaScript strings, where a surrogate pair is meant as one
 * code point; the str objects being formatted are copied code point by
 * code point.
 */

import { STR_DATA_OFFSET, STR_KIND_OFFSET, STR_LENGTH_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { STR_MAX_LENGTH } from './str.js';
import { strNew, unitsOf } from './str-methods.js';
import { errNoMemory } from './errors.js';

/** The code points of a str object, `[start, end)` (all of it by default). @internal */
export function strCodePoints(t: ObThread, op: number, start = 0, end = -1): number[] {
  // SAFETY: a str is immutable once published.
  const length = t.u32[(op + STR_LENGTH_OFFSET) >>> 2]!;
  const stop = end < 0 || end > length ? length : end;
  const kind = t.u8[op + STR_KIND_OFFSET]!;
  const units = unitsOf(t, kind);
  const first = (op + STR_DATA_OFFSET) >>> (kind >>> 1);
  const out = new Array<number>(Math.max(0, stop - start));
  for (let i = start; i < stop; i++) out[i - start] = units[first + i]!;
  return out;
}

/** JavaScript text from code points (lone surrogates kept as they are), for messages and small texts. @internal */
export function codePointsToJs(cps: ArrayLike<number>, start = 0, end = cps.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCodePoint(cps[i]!);
  return s;
}

/**
 * A str under construction (`_PyUnicodeWriter`): code points appended,
 * then {@link UnicodeWriter.finish} makes the str object.
 * @internal
 */
export class UnicodeWriter {
  /** The code points written so far. */
  readonly cps: number[] = [];
  /** The largest code point written (`maxchar`). */
  max = 0;

  /** Code points written. */
  get length(): number {
    return this.cps.length;
  }

  /** `_PyUnicodeWriter_WriteChar`. */
  char(c: number): void {
    this.cps.push(c);
    if (c > this.max) this.max = c;
  }

  /** `c` written `n` times (`_PyUnicode_FastFill`). */
  fill(c: number, n: number): void {
    if (n <= 0) return;
    const cps = this.cps;
    for (let i = 0; i < n; i++) cps.push(c);
    if (c > this.max) this.max = c;
  }

  /** JavaScript text made by the formatting code (a surrogate pair is one code point). */
  text(s: string): void {
    const cps = this.cps;
    let max = this.max;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        const low = s.charCodeAt(i + 1);
        if (low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      cps.push(c);
      if (c > max) max = c;
    }
    this.max = max;
  }

  /** Code points from an array, `[start, end)`. */
  codePoints(src: ArrayLike<number>, start = 0, end = src.length): void {
    const cps = this.cps;
    let max = this.max;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      cps.push(c);
      if (c > max) max = c;
    }
    this.max = max;
  }

  /** `_PyUnicodeWriter_WriteSubstring`: a str object's code points `[start, end)` (all by default). */
  str(t: ObThread, op: number, start = 0, end = -1): void {
    // SAFETY: a str is immutable once published.
    const length = t.u32[(op + STR_LENGTH_OFFSET) >>> 2]!;
    const stop = end < 0 || end > length ? length : end;
    const kind = t.u8[op + STR_KIND_OFFSET]!;
    const units = unitsOf(t, kind);
    const first = (op + STR_DATA_OFFSET) >>> (kind >>> 1);
    const cps = this.cps;
    let max = this.max;
    for (let i = start; i < stop; i++) {
      const c = units[first + i]!;
      cps.push(c);
      if (c > max) max = c;
    }
    this.max = max;
  }

  /**
   * `_PyUnicodeWriter_Finish`: a new str of the code points written, in
   * the narrowest kind; 0 with MemoryError.
   */
  finish(t: ObThread): number {
    const cps = this.cps;
    const n = cps.length;
    if (n > STR_MAX_LENGTH) return errNoMemory(t);
    const op = strNew(t, n, this.max);
    if (op === 0) return 0;
    if (n === 0) return op;
    const kind = t.u8[op + STR_KIND_OFFSET]!;
    const units = unitsOf(t, kind);
    const first = (op + STR_DATA_OFFSET) >>> (kind >>> 1);
    for (let i = 0; i < n; i++) units[first + i] = cps[i]!; // SAFETY: not published yet
    return op;
  }
}
