/**
 * Decoding of string and bytes literal bodies (CPython `Parser/string_parser.c`:
 * `decode_unicode_with_escapes` → `_PyUnicode_DecodeUnicodeEscapeInternal`,
 * `decode_bytes_with_escapes` → `_PyBytes_DecodeEscape`), with CPython's
 * messages for the escapes that are errors.
 */

import { lookupUnicodeName } from './unicode-names.js';

/** A bad escape; the adapter turns it into a SyntaxError at the literal. */
export class LiteralDecodeError extends Error {}

const SIMPLE_ESCAPES: Record<string, number> = {
  '\n': -1, // line continuation inside the literal: nothing
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/**
 * Byte position of body index `i` as the unicode-escape codec counts it:
 * CPython first rewrites every non-ASCII character of the body as a
 * ten-byte `\UXXXXXXXX` escape, so its messages count those as ten.
 */
function codecPosition(body: string, i: number): number {
  let pos = 0;
  for (let k = 0; k < i; k++) {
    const c = body.charCodeAt(k);
    if (c < 0x80) pos += 1;
    else {
      pos += 10;
      if (c >= 0xd800 && c <= 0xdbff && k + 1 < i) k++;
    }
  }
  return pos;
}

function unicodeError(body: string, from: number, to: number, reason: string): LiteralDecodeError {
  const start = codecPosition(body, from);
  const end = codecPosition(body, to) - 1;
  const where = end > start ? `bytes in position ${start}-${end}` : `byte 0x${body.charCodeAt(from).toString(16).padStart(2, '0')} in position ${start}`;
  return new LiteralDecodeError(`(unicode error) 'unicodeescape' codec can't decode ${where}: ${reason}`);
}

/** A str literal's body (between the quotes), `raw` for an `r` prefix. */
export function decodeStrBody(body: string, raw: boolean): string {
  if (raw || !body.includes('\\')) return body;
  let out = '';
  let i = 0;
  const n = body.length;
  while (i < n) {
    const backslash = body.indexOf('\\', i);
    if (backslash === -1) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, backslash);
    i = backslash + 1;
    if (i >= n) throw unicodeError(body, backslash, n, '\\ at end of string');
    const c = body[i];
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      if (simple >= 0) out += String.fromCharCode(simple);
      i++;
    } else if (isOctal(c)) {
      let value = 0;
      let k = 0;
      while (k < 3 && isOctal(body[i])) {
        value = value * 8 + (body.charCodeAt(i) - 48);
        i++;
        k++;
      }
      out += String.fromCodePoint(value);
    } else if (c === 'x' || c === 'u' || c === 'U') {
      const digits = c === 'x' ? 2 : c === 'u' ? 4 : 8;
      let k = 0;
      while (k < digits && isHex(body[i + 1 + k])) k++;
      if (k < digits) {
        const what = c === 'x' ? 'truncated \\xXX escape' : c === 'u' ? 'truncated \\uXXXX escape' : 'truncated \\UXXXXXXXX escape';
        throw unicodeError(body, backslash, i + 1 + k, what);
      }
      const value = parseInt(body.slice(i + 1, i + 1 + digits), 16);
      if (value > 0x10ffff) throw unicodeError(body, backslash, i + 1 + digits, 'illegal Unicode character');
      out += String.fromCodePoint(value);
      i += 1 + digits;
    } else if (c === 'N') {
      const close = body[i + 1] === '{' ? body.indexOf('}', i + 2) : -1;
      if (close === -1 || close === i + 2) throw unicodeError(body, backslash, close === -1 ? n : close + 1, 'malformed \\N character escape');
      const cp = lookupUnicodeName(body.slice(i + 2, close));
      if (cp < 0) throw unicodeError(body, backslash, close + 1, 'unknown Unicode character name');
      out += String.fromCodePoint(cp);
      i = close + 1;
    } else {
      // An unknown escape keeps its backslash (CPython warns; not an error).
      out += '\\';
    }
  }
  return out;
}

/** A bytes literal's body; non-ASCII characters were rejected by the caller. */
export function decodeBytesBody(body: string, raw: boolean): Uint8Array {
  const out: number[] = [];
  const n = body.length;
  for (let i = 0; i < n; ) {
    const c = body[i];
    if (c !== '\\' || raw) {
      out.push(body.charCodeAt(i));
      i++;
      continue;
    }
    i++;
    if (i >= n) throw new LiteralDecodeError('(value error) Trailing \\ in string');
    const e = body[i];
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      if (simple >= 0) out.push(simple);
      i++;
    } else if (isOctal(e)) {
      let value = 0;
      let k = 0;
      while (k < 3 && isOctal(body[i])) {
        value = value * 8 + (body.charCodeAt(i) - 48);
        i++;
        k++;
      }
      out.push(value & 0xff);
    } else if (e === 'x') {
      if (!isHex(body[i + 1]) || !isHex(body[i + 2])) throw new LiteralDecodeError(`(value error) invalid \\x escape at position ${i - 1}`);
      out.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      out.push(0x5c);
    }
  }
  return Uint8Array.from(out);
}

/**
 * Replaces the `\N{...}` escapes that py-ast leaves undecoded in an f-string
 * literal part. `decoded` is py-ast's value, `raw` the part's source text:
 * the raw text tells which `\N{` of the value came from an escape and which
 * from an escaped backslash (`\\N{` in the source), in order.
 */
export function decodeNamedEscapesInFStringPart(decoded: string, raw: string): string {
  if (!decoded.includes('\\N{')) return decoded;
  const isEscape: boolean[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '\\') continue;
    if (raw[i + 1] === '\\') {
      if (raw[i + 2] === 'N' && raw[i + 3] === '{') isEscape.push(false);
      i++;
    } else if (raw[i + 1] === 'N' && raw[i + 2] === '{') {
      isEscape.push(true);
      i++;
    } else i++;
  }
  let out = '';
  let from = 0;
  let k = 0;
  for (;;) {
    const at = decoded.indexOf('\\N{', from);
    if (at === -1) break;
    const close = decoded.indexOf('}', at + 3);
    if (close === -1) break;
    out += decoded.slice(from, at);
    if (isEscape[k++] === true) {
      const cp = lookupUnicodeName(decoded.slice(at + 3, close));
      if (cp < 0) throw new LiteralDecodeError("(unicode error) 'unicodeescape' codec can't decode bytes: unknown Unicode character name");
      out += String.fromCodePoint(cp);
    } else out += decoded.slice(at, close + 1);
    from = close + 1;
  }
  return out + decoded.slice(from);
}
