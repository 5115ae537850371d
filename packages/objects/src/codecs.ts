/**
 * `str.encode(encoding, errors)` and `bytes.decode(encoding, errors)`
 * (`PyUnicode_AsEncodedString`, `PyUnicode_Decode`,
 * `Objects/unicodeobject.c`, `Python/codecs.c`) for the codecs built into
 * CPython's C core: UTF-8, ASCII, Latin-1, UTF-16 and UTF-32 (with a BOM,
 * or little- or big-endian), under every name `encodings.aliases` gives
 * them (`UTF8`, `utf_8`, `latin1`, `iso-8859-1`, `us-ascii`, `u16`, …:
 * normalized as `encodings.normalize_encoding` does); any other name is
 * LookupError "unknown encoding: foo".
 *
 * Error handlers: `strict`, `ignore`, `replace`, `backslashreplace`,
 * `surrogateescape`, `surrogatepass` and (encoding only)
 * `xmlcharrefreplace` — with the error ranges CPython's codecs report
 * (ASCII and Latin-1 encoders take a run of unencodable characters at
 * once, UTF-8 a run of surrogates, UTF-16/32 one at a time; UTF-8's
 * decoder reports a maximal invalid subsequence: "invalid start byte",
 * "invalid continuation byte", "unexpected end of data"). An unknown
 * handler name is LookupError "unknown error handler name 'foo'", raised
 * only when an error needs it (as CPython). `namereplace` needs the
 * Unicode character names, which ft does not have: it is unknown here.
 * Handlers registered with `codecs.register_error` are not supported.
 *
 * Errors are UnicodeEncodeError / UnicodeDecodeError objects with
 * CPython's fields (`encoding`, `object`, `start`, `end`, `reason`).
 * Bytes objects are not this file's: encoding returns a Uint8Array and
 * decoding reads one; a UnicodeDecodeError's `object` is the object the
 * caller names (the bytes being decoded), or a tuple of the byte values
 * when it names none.
 */

import { decref } from '@ft/refcount';
import { errRaise, errSetObject } from './errors.js';
import { intFromNumber } from './int.js';
import { StaticType } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { strFromJs } from './str.js';
import { tupleFromArray } from './tuple.js';
import { strCodePoints, UnicodeWriter } from './unicode-writer.js';

/** The codecs built in, by the names their errors give. @public */
export type CodecName = 'utf-8' | 'ascii' | 'latin-1' | 'utf-16' | 'utf-16-le' | 'utf-16-be' | 'utf-32' | 'utf-32-le' | 'utf-32-be';

/** `encodings` module names → the codec. */
const MODULES: Record<string, CodecName> = {
  utf_8: 'utf-8',
  ascii: 'ascii',
  latin_1: 'latin-1',
  utf_16: 'utf-16',
  utf_16_le: 'utf-16-le',
  utf_16_be: 'utf-16-be',
  utf_32: 'utf-32',
  utf_32_le: 'utf-32-le',
  utf_32_be: 'utf-32-be',
};

/** `encodings.aliases.aliases` for these codecs (python3.13's table). */
const ALIASES: Record<string, string> = {
  '646': 'ascii',
  'ansi_x3.4_1968': 'ascii',
  'ansi_x3.4_1986': 'ascii',
  ansi_x3_4_1968: 'ascii',
  cp367: 'ascii',
  csascii: 'ascii',
  ibm367: 'ascii',
  iso646_us: 'ascii',
  'iso_646.irv_1991': 'ascii',
  iso_ir_6: 'ascii',
  us: 'ascii',
  us_ascii: 'ascii',
  '8859': 'latin_1',
  cp819: 'latin_1',
  csisolatin1: 'latin_1',
  ibm819: 'latin_1',
  iso8859: 'latin_1',
  iso8859_1: 'latin_1',
  iso_8859_1: 'latin_1',
  iso_8859_1_1987: 'latin_1',
  iso_ir_100: 'latin_1',
  l1: 'latin_1',
  latin: 'latin_1',
  latin1: 'latin_1',
  u16: 'utf_16',
  utf16: 'utf_16',
  unicodebigunmarked: 'utf_16_be',
  utf_16be: 'utf_16_be',
  unicodelittleunmarked: 'utf_16_le',
  utf_16le: 'utf_16_le',
  u32: 'utf_32',
  utf32: 'utf_32',
  utf_32be: 'utf_32_be',
  utf_32le: 'utf_32_le',
  cp65001: 'utf_8',
  u8: 'utf_8',
  utf: 'utf_8',
  utf8: 'utf_8',
  utf8_ucs2: 'utf_8',
  utf8_ucs4: 'utf_8',
};

/**
 * `_Py_normalize_encoding` / `encodings.normalize_encoding`: ASCII
 * letters, digits and dots kept (lower case), every run of other
 * characters one underscore (none at the ends).
 */
function normalizeEncoding(name: string): string {
  let out = '';
  let punct = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46;
    if (alnum) {
      if (punct && out.length > 0) out += '_';
      punct = false;
      out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : name[i]!;
    } else {
      punct = true;
    }
  }
  return out;
}

/**
 * `_PyCodec_Lookup` for the built-in codecs: the codec an encoding name
 * means, or null with LookupError "unknown encoding: foo".
 * @public
 */
export function codecLookup(t: ObThread, encoding: string): CodecName | null {
  const norm = normalizeEncoding(encoding);
  const module = ALIASES[norm] ?? ALIASES[norm.replaceAll('.', '_')] ?? norm;
  const codec = Object.hasOwn(MODULES, module) ? MODULES[module]! : undefined;
  if (codec !== undefined) return codec;
  errRaise(t, StaticType.LookupError, `unknown encoding: ${encoding}`);
  return null;
}

// --- errors -------------------------------------------------------------------------------------

type Handler = 'strict' | 'ignore' | 'replace' | 'backslashreplace' | 'surrogateescape' | 'surrogatepass' | 'xmlcharrefreplace' | 'other';

/** `_Py_GetErrorHandler`: the built-in handler a name means. */
function handlerOf(errors: string): Handler {
  switch (errors) {
    case 'strict':
    case 'ignore':
    case 'replace':
    case 'backslashreplace':
    case 'surrogateescape':
    case 'surrogatepass':
    case 'xmlcharrefreplace':
      return errors;
    default:
      return 'other';
  }
}

/** `PyCodec_LookupError` of a name that is no handler: null with LookupError. */
function unknownHandler(t: ObThread, errors: string): null {
  errRaise(t, StaticType.LookupError, `unknown error handler name '${errors}'`);
  return null;
}

/**
 * Raises `type(encoding, object, start, end, reason)` — a
 * UnicodeEncodeError (`object` the str) or UnicodeDecodeError (`object`
 * the bytes), `object` borrowed; returns null.
 * @internal
 */
export function raiseUnicodeError(t: ObThread, type: StaticType, encoding: string, object: number, start: number, end: number, reason: string): null {
  const enc = strFromJs(t, encoding);
  const why = enc === 0 ? 0 : strFromJs(t, reason);
  const from = why === 0 ? 0 : intFromNumber(t, start);
  const to = from === 0 ? 0 : intFromNumber(t, end);
  if (to !== 0) {
    const args = tupleFromArray(t, [enc, object, from, to, why]);
    if (args !== 0) {
      errSetObject(t, t.types[type]!, args);
      decref(t.rc, args);
    }
  }
  for (const op of [enc, why, from, to]) if (op !== 0) decref(t.rc, op);
  return null;
}

/** The encoding `get_standard_encoding` recognises for `surrogatepass`: bytes per code unit and the byte order, or null. */
function standardEncoding(codec: CodecName): [number, boolean] | null {
  switch (codec) {
    case 'utf-8':
      return [3, true];
    case 'utf-16':
    case 'utf-16-le':
      return [2, true];
    case 'utf-16-be':
      return [2, false];
    case 'utf-32':
    case 'utf-32-le':
      return [4, true];
    case 'utf-32-be':
      return [4, false];
    default:
      return null;
  }
}

// --- encoding -----------------------------------------------------------------------------------

/** A growable byte buffer (`_PyBytesWriter`). */
class ByteWriter {
  buf: Uint8Array;
  n = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(16, size));
  }
  private grow(more: number): void {
    if (this.n + more <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + more));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
  byte(b: number): void {
    this.grow(1);
    this.buf[this.n++] = b;
  }
  bytes(bs: ArrayLike<number>): void {
    this.grow(bs.length);
    for (let i = 0; i < bs.length; i++) this.buf[this.n++] = bs[i]!;
  }
  /** A code unit of `size` bytes (2 or 4) in the byte order. */
  unit(u: number, size: number, little: boolean): void {
    this.grow(size);
    const buf = this.buf;
    if (size === 2) {
      buf[this.n++] = little ? u & 0xff : u >>> 8;
      buf[this.n++] = little ? u >>> 8 : u & 0xff;
    } else if (little) {
      buf[this.n++] = u & 0xff;
      buf[this.n++] = (u >>> 8) & 0xff;
      buf[this.n++] = (u >>> 16) & 0xff;
      buf[this.n++] = u >>> 24;
    } else {
      buf[this.n++] = u >>> 24;
      buf[this.n++] = (u >>> 16) & 0xff;
      buf[this.n++] = (u >>> 8) & 0xff;
      buf[this.n++] = u & 0xff;
    }
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

/** What an encode handler gives: ASCII text or bytes, and where to go on. */
interface EncodeReplacement {
  text: string | null;
  bytes: number[] | null;
  newpos: number;
}

/** `backslashreplace` of one code point. */
function backslashEscape(c: number): string {
  if (c < 0x100) return `\\x${c.toString(16).padStart(2, '0')}`;
  if (c < 0x10000) return `\\u${c.toString(16).padStart(4, '0')}`;
  return `\\U${c.toString(16).padStart(8, '0')}`;
}

/** One encoding in progress: what the handlers and the errors need. */
interface EncodeState {
  t: ObThread;
  str: number;
  cps: number[];
  codec: CodecName;
  /** The codec's name in errors. */
  name: string;
  errors: string;
}

/**
 * `unicode_encode_call_errorhandler` with the built-in handlers: the
 * replacement for `cps[start:end]`, or null with the exception (the
 * original UnicodeEncodeError for strict and for what a handler refuses).
 */
function encodeHandler(s: EncodeState, handler: Handler, start: number, end: number, reason: string): EncodeReplacement | null {
  const { t, cps } = s;
  const fail = (): null => raiseUnicodeError(t, StaticType.UnicodeEncodeError, s.name, s.str, start, end, reason);
  switch (handler) {
    case 'strict':
      return fail();
    case 'ignore':
      return { text: '', bytes: null, newpos: end };
    case 'replace':
      return { text: '?'.repeat(end - start), bytes: null, newpos: end };
    case 'backslashreplace': {
      let text = '';
      for (let i = start; i < end; i++) text += backslashEscape(cps[i]!);
      return { text, bytes: null, newpos: end };
    }
    case 'xmlcharrefreplace': {
      let text = '';
      for (let i = start; i < end; i++) text += `&#${cps[i]!};`;
      return { text, bytes: null, newpos: end };
    }
    case 'surrogateescape': {
      const bytes: number[] = [];
      for (let i = start; i < end; i++) {
        const c = cps[i]!;
        if (c < 0xdc80 || c > 0xdcff) return fail();
        bytes.push(c - 0xdc00);
      }
      return { text: null, bytes, newpos: end };
    }
    case 'surrogatepass': {
      const std = standardEncoding(s.codec);
      if (std === null) return fail();
      const [size, little] = std;
      const bytes: number[] = [];
      for (let i = start; i < end; i++) {
        const c = cps[i]!;
        if (c < 0xd800 || c > 0xdfff) return fail();
        if (size === 3) bytes.push(0xe0 | (c >>> 12), 0x80 | ((c >>> 6) & 0x3f), 0x80 | (c & 0x3f));
        else if (size === 2) bytes.push(...(little ? [c & 0xff, c >>> 8] : [c >>> 8, c & 0xff]));
        else bytes.push(...(little ? [c & 0xff, c >>> 8, 0, 0] : [0, 0, c >>> 8, c & 0xff]));
      }
      return { text: null, bytes, newpos: end };
    }
    default:
      return unknownHandler(t, s.errors);
  }
}

/** `unicode_encode_ucs1`: ASCII (`limit` 0x80) or Latin-1 (0x100). */
function encodeUcs1(s: EncodeState, limit: number): Uint8Array | null {
  const cps = s.cps;
  const n = cps.length;
  const out = new ByteWriter(n);
  const reason = limit === 0x80 ? 'ordinal not in range(128)' : 'ordinal not in range(256)';
  let handler: Handler | null = null;
  let pos = 0;
  while (pos < n) {
    const c = cps[pos]!;
    if (c < limit) {
      out.byte(c);
      pos++;
      continue;
    }
    let collstart = pos;
    let collend = pos + 1;
    while (collend < n && cps[collend]! >= limit) collend++;
    handler ??= handlerOf(s.errors);
    if (handler === 'surrogateescape') {
      // The escaped surrogates are written; the first other character goes to the handler with the rest of the run (which refuses it).
      while (collstart < collend && cps[collstart]! >= 0xdc80 && cps[collstart]! <= 0xdcff) out.byte(cps[collstart++]! - 0xdc00);
      pos = collstart;
      if (collstart === collend) continue;
    }
    const rep = encodeHandler(s, handler, collstart, collend, reason);
    if (rep === null) return null;
    if (rep.bytes !== null) out.bytes(rep.bytes);
    else {
      for (let i = 0; i < rep.text!.length; i++) {
        if (rep.text!.charCodeAt(i) >= limit) return raiseUnicodeError(s.t, StaticType.UnicodeEncodeError, s.name, s.str, collstart, collend, reason);
      }
      for (let i = 0; i < rep.text!.length; i++) out.byte(rep.text!.charCodeAt(i));
    }
    pos = rep.newpos;
  }
  return out.result();
}

/** `unicode_encode_utf8`: surrogates are the only characters it cannot encode. */
function encodeUtf8(s: EncodeState): Uint8Array | null {
  const cps = s.cps;
  const n = cps.length;
  const out = new ByteWriter(n + (n >>> 1));
  let handler: Handler | null = null;
  let i = 0;
  while (i < n) {
    const c = cps[i]!;
    if (c < 0x80) {
      out.byte(c);
      i++;
    } else if (c < 0x800) {
      out.byte(0xc0 | (c >>> 6));
      out.byte(0x80 | (c & 0x3f));
      i++;
    } else if (c < 0xd800 || (c > 0xdfff && c < 0x10000)) {
      out.byte(0xe0 | (c >>> 12));
      out.byte(0x80 | ((c >>> 6) & 0x3f));
      out.byte(0x80 | (c & 0x3f));
      i++;
    } else if (c >= 0x10000) {
      out.byte(0xf0 | (c >>> 18));
      out.byte(0x80 | ((c >>> 12) & 0x3f));
      out.byte(0x80 | ((c >>> 6) & 0x3f));
      out.byte(0x80 | (c & 0x3f));
      i++;
    } else {
      let start = i;
      let end = i + 1;
      while (end < n && cps[end]! >= 0xd800 && cps[end]! <= 0xdfff) end++;
      handler ??= handlerOf(s.errors);
      if (handler === 'surrogateescape') {
        while (start < end && cps[start]! >= 0xdc80 && cps[start]! <= 0xdcff) out.byte(cps[start++]! & 0xff);
        i = start;
        if (start === end) continue;
      }
      const rep = encodeHandler(s, handler, start, end, 'surrogates not allowed');
      if (rep === null) return null;
      if (rep.bytes !== null) out.bytes(rep.bytes);
      else {
        const text = rep.text!;
        for (let k = 0; k < text.length; k++) {
          if (text.charCodeAt(k) >= 0x80) return raiseUnicodeError(s.t, StaticType.UnicodeEncodeError, s.name, s.str, start, end, 'surrogates not allowed');
        }
        for (let k = 0; k < text.length; k++) out.byte(text.charCodeAt(k));
      }
      i = rep.newpos;
    }
  }
  return out.result();
}

/** `_PyUnicode_EncodeUTF16` / `_PyUnicode_EncodeUTF32`: `size` 2 or 4; a BOM (little-endian) unless the byte order is given. */
function encodeUtf16or32(s: EncodeState, size: number, little: boolean, bom: boolean): Uint8Array | null {
  const cps = s.cps;
  const n = cps.length;
  const out = new ByteWriter(n * size + size);
  if (bom) out.unit(0xfeff, size, little);
  let handler: Handler | null = null;
  let pos = 0;
  while (pos < n) {
    const c = cps[pos]!;
    if (c < 0xd800 || c > 0xdfff) {
      if (size === 4 || c < 0x10000) out.unit(c, size, little);
      else {
        out.unit(0xd800 + ((c - 0x10000) >>> 10), 2, little);
        out.unit(0xdc00 + ((c - 0x10000) & 0x3ff), 2, little);
      }
      pos++;
      continue;
    }
    handler ??= handlerOf(s.errors);
    const rep = encodeHandler(s, handler, pos, pos + 1, 'surrogates not allowed');
    if (rep === null) return null;
    if (rep.bytes !== null) {
      if (rep.bytes.length % size !== 0) return raiseUnicodeError(s.t, StaticType.UnicodeEncodeError, s.name, s.str, pos, pos + 1, 'surrogates not allowed');
      out.bytes(rep.bytes);
    } else {
      const text = rep.text!;
      for (let k = 0; k < text.length; k++) {
        if (text.charCodeAt(k) >= 0x80) return raiseUnicodeError(s.t, StaticType.UnicodeEncodeError, s.name, s.str, pos, pos + 1, 'surrogates not allowed');
      }
      for (let k = 0; k < text.length; k++) out.unit(text.charCodeAt(k), size, little);
    }
    pos = rep.newpos;
  }
  return out.result();
}

/**
 * `str.encode(encoding, errors)` (`PyUnicode_AsEncodedString`): the str
 * `str` encoded by a built-in codec, as a new Uint8Array; null with the
 * exception — LookupError ("unknown encoding: foo", "unknown error handler
 * name 'foo'"), UnicodeEncodeError ("'utf-8' codec can't encode character
 * '\\udc80' in position 0: surrogates not allowed", "'ascii' codec can't
 * encode characters in position 1-2: ordinal not in range(128)").
 * @example
 * ```ts
 * strEncodeJs(t, s, 'latin-1', 'xmlcharrefreplace'); // 'a€' → b'a&#8364;'
 * ```
 * @public
 */
export function strEncodeJs(t: ObThread, str: number, encoding = 'utf-8', errors = 'strict'): Uint8Array | null {
  const codec = codecLookup(t, encoding);
  if (codec === null) return null;
  const s: EncodeState = { t, str, cps: strCodePoints(t, str), codec, name: codec, errors };
  switch (codec) {
    case 'utf-8':
      return encodeUtf8(s);
    case 'ascii':
      return encodeUcs1(s, 0x80);
    case 'latin-1':
      return encodeUcs1(s, 0x100);
    case 'utf-16':
      return encodeUtf16or32(s, 2, true, true);
    case 'utf-16-le':
      return encodeUtf16or32(s, 2, true, false);
    case 'utf-16-be':
      return encodeUtf16or32(s, 2, false, false);
    case 'utf-32':
      return encodeUtf16or32(s, 4, true, true);
    case 'utf-32-le':
      return encodeUtf16or32(s, 4, true, false);
    case 'utf-32-be':
      return encodeUtf16or32(s, 4, false, false);
  }
}

// --- decoding -----------------------------------------------------------------------------------

/** One decoding in progress. */
interface DecodeState {
  t: ObThread;
  data: Uint8Array;
  /** The UnicodeDecodeError's `object`, or 0 (made from the data when needed). */
  source: number;
  codec: CodecName;
  errors: string;
  handler: Handler | null;
  w: UnicodeWriter;
}

/** Raises UnicodeDecodeError for `data[start:end]`; null. */
function decodeError(s: DecodeState, name: string, start: number, end: number, reason: string): null {
  const t = s.t;
  let object = s.source;
  if (object === 0) {
    const items: number[] = [];
    for (const b of s.data) items.push(intFromNumber(t, b)); // small ints: immortal
    object = tupleFromArray(t, items);
    if (object === 0) return null;
  }
  raiseUnicodeError(t, StaticType.UnicodeDecodeError, name, object, start, end, reason);
  if (object !== s.source) decref(t.rc, object);
  return null;
}

/**
 * `unicode_decode_call_errorhandler_writer` with the built-in handlers:
 * the replacement for `data[start:end]` written, and the position to go
 * on from; -1 with the exception.
 */
function decodeHandler(s: DecodeState, name: string, start: number, end: number, reason: string): number {
  const { t, data, w } = s;
  s.handler ??= handlerOf(s.errors);
  switch (s.handler) {
    case 'strict':
      decodeError(s, name, start, end, reason);
      return -1;
    case 'ignore':
      return end;
    case 'replace':
      w.char(0xfffd);
      return end;
    case 'backslashreplace':
      for (let i = start; i < end; i++) w.text(`\\x${data[i]!.toString(16).padStart(2, '0')}`);
      return end;
    case 'surrogateescape': {
      // ASCII bytes are refused: nothing escaped is the original error.
      let i = start;
      while (i < end && data[i]! >= 0x80) w.char(0xdc00 + data[i++]!);
      if (i === start) {
        decodeError(s, name, start, end, reason);
        return -1;
      }
      return i;
    }
    case 'surrogatepass': {
      // One surrogate encoded at `start` by this codec, or the original error.
      const std = standardEncoding(s.codec);
      let c = 0;
      if (std !== null && data.length - start >= std[0]) {
        const [size, little] = std;
        const p = start;
        if (size === 3) {
          if ((data[p]! & 0xf0) === 0xe0 && (data[p + 1]! & 0xc0) === 0x80 && (data[p + 2]! & 0xc0) === 0x80) c = ((data[p]! & 0x0f) << 12) + ((data[p + 1]! & 0x3f) << 6) + (data[p + 2]! & 0x3f);
        } else if (size === 2) {
          c = little ? (data[p + 1]! << 8) | data[p]! : (data[p]! << 8) | data[p + 1]!;
        } else {
          c = little ? ((data[p + 3]! << 24) | (data[p + 2]! << 16) | (data[p + 1]! << 8) | data[p]!) >>> 0 : ((data[p]! << 24) | (data[p + 1]! << 16) | (data[p + 2]! << 8) | data[p + 3]!) >>> 0;
        }
      }
      if (std === null || c < 0xd800 || c > 0xdfff) {
        decodeError(s, name, start, end, reason);
        return -1;
      }
      w.char(c);
      return start + std[0];
    }
    case 'xmlcharrefreplace':
      errRaise(t, StaticType.TypeError, "don't know how to handle UnicodeDecodeError in error callback");
      return -1;
    default:
      unknownHandler(t, s.errors);
      return -1;
  }
}

const isContinuation = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;

/** `unicode_decode_utf8`: a maximal invalid subsequence is one error. */
function decodeUtf8(s: DecodeState): number {
  const { data, w } = s;
  const n = data.length;
  let i = 0;
  while (i < n) {
    const b = data[i]!;
    if (b < 0x80) {
      w.char(b);
      i++;
      continue;
    }
    // The error: 0 none; 1 invalid start; 2–4 invalid continuation (the bad byte's offset + 1); 5 end of data.
    let err = 0;
    let len = 0;
    if (b < 0xc2) err = 1;
    else if (b < 0xe0) {
      if (n - i < 2) err = 5;
      else if (!isContinuation(data[i + 1])) err = 2;
      else len = 2;
    } else if (b < 0xf0) {
      const b2 = data[i + 1];
      const bad2 = !isContinuation(b2) || (b === 0xe0 && b2! < 0xa0) || (b === 0xed && b2! >= 0xa0);
      if (n - i < 3) err = n - i >= 2 && bad2 ? 2 : 5;
      else if (bad2) err = 2;
      else if (!isContinuation(data[i + 2])) err = 3;
      else len = 3;
    } else if (b < 0xf5) {
      const b2 = data[i + 1];
      const bad2 = !isContinuation(b2) || (b === 0xf0 && b2! < 0x90) || (b === 0xf4 && b2! >= 0x90);
      if (n - i < 4) {
        if (n - i >= 2 && bad2) err = 2;
        else if (n - i >= 3 && !isContinuation(data[i + 2])) err = 3;
        else err = 5;
      } else if (bad2) err = 2;
      else if (!isContinuation(data[i + 2])) err = 3;
      else if (!isContinuation(data[i + 3])) err = 4;
      else len = 4;
    } else err = 1;
    if (err === 0) {
      let c: number;
      if (len === 2) c = ((b & 0x1f) << 6) | (data[i + 1]! & 0x3f);
      else if (len === 3) c = ((b & 0x0f) << 12) | ((data[i + 1]! & 0x3f) << 6) | (data[i + 2]! & 0x3f);
      else c = ((b & 0x07) << 18) | ((data[i + 1]! & 0x3f) << 12) | ((data[i + 2]! & 0x3f) << 6) | (data[i + 3]! & 0x3f);
      w.char(c);
      i += len;
      continue;
    }
    const end = err === 1 ? i + 1 : err === 5 ? n : i + err - 1;
    const reason = err === 1 ? 'invalid start byte' : err === 5 ? 'unexpected end of data' : 'invalid continuation byte';
    const next = decodeHandler(s, 'utf-8', i, end, reason);
    if (next < 0) return -1;
    i = next;
  }
  return 0;
}

/** `unicode_decode_ascii` (`latin1`: every byte is its code point). */
function decodeUcs1(s: DecodeState, latin1: boolean): number {
  const { data, w } = s;
  const n = data.length;
  let i = 0;
  while (i < n) {
    const b = data[i]!;
    if (b < 0x80 || latin1) {
      w.char(b);
      i++;
      continue;
    }
    const next = decodeHandler(s, 'ascii', i, i + 1, 'ordinal not in range(128)');
    if (next < 0) return -1;
    i = next;
  }
  return 0;
}

/** `PyUnicode_DecodeUTF16Stateful`: `little` null reads a BOM (else little-endian, which it also is on CPython's usual builds). */
function decodeUtf16(s: DecodeState, order: boolean | null): number {
  const { data, w } = s;
  const n = data.length;
  let q = 0;
  let little = order ?? true;
  if (order === null && n >= 2) {
    if (data[0] === 0xff && data[1] === 0xfe) q = 2;
    else if (data[0] === 0xfe && data[1] === 0xff) {
      q = 2;
      little = false;
    }
  }
  const name = little ? 'utf-16-le' : 'utf-16-be';
  const unitAt = (p: number): number => (little ? (data[p + 1]! << 8) | data[p]! : (data[p]! << 8) | data[p + 1]!);
  while (q < n) {
    let start: number;
    let end: number;
    let reason: string;
    if (n - q < 2) {
      start = q;
      end = n;
      reason = 'truncated data';
    } else {
      const u = unitAt(q);
      if (u < 0xd800 || u > 0xdfff) {
        w.char(u);
        q += 2;
        continue;
      }
      if (u >= 0xdc00) {
        start = q;
        end = q + 2;
        reason = 'illegal encoding';
      } else if (n - q < 4) {
        start = q;
        end = n;
        reason = 'unexpected end of data';
      } else {
        const u2 = unitAt(q + 2);
        if (u2 >= 0xdc00 && u2 <= 0xdfff) {
          w.char(0x10000 + ((u - 0xd800) << 10) + (u2 - 0xdc00));
          q += 4;
          continue;
        }
        start = q;
        end = q + 2;
        reason = 'illegal UTF-16 surrogate';
      }
    }
    const next = decodeHandler(s, name, start, end, reason);
    if (next < 0) return -1;
    q = next;
  }
  return 0;
}

/** `PyUnicode_DecodeUTF32Stateful`: as {@link decodeUtf16} by 4-byte units. */
function decodeUtf32(s: DecodeState, order: boolean | null): number {
  const { data, w } = s;
  const n = data.length;
  let q = 0;
  let little = order ?? true;
  if (order === null && n >= 4) {
    if (data[0] === 0xff && data[1] === 0xfe && data[2] === 0 && data[3] === 0) q = 4;
    else if (data[0] === 0 && data[1] === 0 && data[2] === 0xfe && data[3] === 0xff) {
      q = 4;
      little = false;
    }
  }
  const name = little ? 'utf-32-le' : 'utf-32-be';
  while (q < n) {
    let end: number;
    let reason: string;
    if (n - q < 4) {
      end = n;
      reason = 'truncated data';
    } else {
      const c = little ? ((data[q + 3]! << 24) | (data[q + 2]! << 16) | (data[q + 1]! << 8) | data[q]!) >>> 0 : ((data[q]! << 24) | (data[q + 1]! << 16) | (data[q + 2]! << 8) | data[q + 3]!) >>> 0;
      if (c < 0xd800 || (c > 0xdfff && c < 0x110000)) {
        w.char(c);
        q += 4;
        continue;
      }
      end = q + 4;
      reason = c < 0x110000 ? 'code point in surrogate code point range(0xd800, 0xe000)' : 'code point not in range(0x110000)';
    }
    const next = decodeHandler(s, name, q, end, reason);
    if (next < 0) return -1;
    q = next;
  }
  return 0;
}

/**
 * `PyUnicode_Decode(data, encoding, errors)` (`bytes.decode`): the bytes
 * decoded by a built-in codec, as a new str; 0 with the exception —
 * LookupError ("unknown encoding: foo", "unknown error handler name
 * 'foo'"), UnicodeDecodeError ("'utf-8' codec can't decode byte 0xff in
 * position 0: invalid start byte"), TypeError for `xmlcharrefreplace`
 * ("don't know how to handle UnicodeDecodeError in error callback").
 * `source` (borrowed) is the object a UnicodeDecodeError reports as its
 * `object` — the bytes object whose data `data` is; 0 makes it a tuple of
 * the byte values.
 * @public
 */
export function unicodeDecode(t: ObThread, data: Uint8Array, encoding = 'utf-8', errors = 'strict', source = 0): number {
  const codec = codecLookup(t, encoding);
  if (codec === null) return 0;
  const s: DecodeState = { t, data, source, codec, errors, handler: null, w: new UnicodeWriter() };
  let status: number;
  switch (codec) {
    case 'utf-8':
      status = decodeUtf8(s);
      break;
    case 'ascii':
      status = decodeUcs1(s, false);
      break;
    case 'latin-1':
      status = decodeUcs1(s, true);
      break;
    case 'utf-16':
      status = decodeUtf16(s, null);
      break;
    case 'utf-16-le':
      status = decodeUtf16(s, true);
      break;
    case 'utf-16-be':
      status = decodeUtf16(s, false);
      break;
    case 'utf-32':
      status = decodeUtf32(s, null);
      break;
    case 'utf-32-le':
      status = decodeUtf32(s, true);
      break;
    case 'utf-32-be':
      status = decodeUtf32(s, false);
      break;
  }
  return status < 0 ? 0 : s.w.finish(t);
}

/**
 * `bytes(str, encoding, errors)`'s encoding step (bytes.ts): `str`
 * encoded as {@link strEncodeJs} does, `errors` null for strict.
 * @internal
 */
export function encodeStr(t: ObThread, str: number, encoding: string, errors: string | null): Uint8Array | null {
  return strEncodeJs(t, str, encoding, errors ?? 'strict');
}
