/**
 * Reading a str object's text (PEP 393 compact layout, layout.ts): the
 * bottom of the string code, used wherever a message needs a name. A str
 * is immutable once published, so its length, kind and data are read
 * plain by any thread holding a reference.
 */

import { STR_DATA_OFFSET, STR_KIND_OFFSET, STR_LENGTH_OFFSET } from './layout.js';
import type { ObThread } from './ob-thread.js';

/** Code points of a str (`PyUnicode_GET_LENGTH`). @public */
export function strLength(t: ObThread, op: number): number {
  return t.u32[(op + STR_LENGTH_OFFSET) >>> 2]!; // SAFETY: immutable once published
}

/** The code point at `i` (`PyUnicode_READ_CHAR`); `i` must be in range. @public */
export function strCodePointAt(t: ObThread, op: number, i: number): number {
  // SAFETY: immutable once published.
  const kind = t.u8[op + STR_KIND_OFFSET]!;
  const data = op + STR_DATA_OFFSET;
  if (kind === 1) return t.u8[data + i]!;
  if (kind === 2) return t.u16[(data >>> 1) + i]!;
  return t.u32[(data >>> 2) + i]!;
}

/** The text of a str as a JavaScript string (`PyUnicode_AsUTF8`'s role here). @public */
export function strToJs(t: ObThread, op: number): string {
  // SAFETY: immutable once published.
  const length = t.u32[(op + STR_LENGTH_OFFSET) >>> 2]!;
  const kind = t.u8[op + STR_KIND_OFFSET]!;
  const data = op + STR_DATA_OFFSET;
  let out = '';
  if (kind === 1) {
    for (let start = 0; start < length; start += 4096) out += String.fromCharCode(...t.u8.subarray(data + start, data + Math.min(length, start + 4096)));
  } else if (kind === 2) {
    const first = data >>> 1;
    for (let start = 0; start < length; start += 4096) out += String.fromCharCode(...t.u16.subarray(first + start, first + Math.min(length, start + 4096)));
  } else {
    const first = data >>> 2;
    for (let start = 0; start < length; start += 4096) out += String.fromCodePoint(...t.u32.subarray(first + start, first + Math.min(length, start + 4096)));
  }
  return out;
}
