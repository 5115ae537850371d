/**
 * `str % args` (`PyUnicode_Format`, `Objects/unicodeobject.c`): printf-style
 * formatting — `%s %r %a %d %i %u %o %x %X %e %E %f %F %g %G %c %%`, the
 * flags `-+ #0`, a width and a precision (either may be `*`, taken from
 * the arguments), `h`/`l`/`L` ignored, and `%(name)s` keys looked up in a
 * mapping.
 *
 * The arguments are a tuple (one per conversion), a single object (one
 * conversion), or a mapping (any object with `__getitem__` that is not a
 * tuple or a str) for the keys. The parse and the errors follow
 * `unicode_format_arg_parse` / `unicode_format_arg_format` /
 * `unicode_format_arg_output` in order: an argument is taken before its
 * conversion character is checked, so `'%y' % ()` is "not enough arguments
 * for format string"; TypeError "not all arguments converted during string
 * formatting", "%d format: a real number is required, not str", "%x
 * format: an integer is required, not float", "%c requires int or char",
 * "* wants int", "format requires a mapping"; ValueError "incomplete
 * format", "unsupported format character 'y' (0x79) at index 1",
 * "incomplete format key"; OverflowError "%c arg not in range(0x110000)".
 *
 * `bytes % args` and `bytearray % args` (`_PyBytes_FormatEx`, PEP 461)
 * share the parse and the numeric conversions; their `%s`/`%b` take a
 * bytes-like object or `__bytes__`, `%r`/`%a` are `ascii()` encoded,
 * `%c` is one byte, and keys are bytes.
 */

import { decref, incref } from '@ft/refcount';
import { indexCheck, numberIndex, numberLong } from './abstract-number.js';
import { objectGetItem, objectRepr, typeSlot } from './abstract.js';
import { bufferRelease, objectCheckBuffer, objectGetBuffer, PYBUF_SIMPLE } from './buffer.js';
import { byteArrayCheck, byteArrayFromBytes } from './bytearray.js';
import { bytesCheck, bytesFromBytes } from './bytes.js';
import { complexCheck } from './complex.js';
import { errClear, errExceptionMatches, errNoMemory, errRaise } from './errors.js';
import { objectStr } from './exceptions.js';
import { numberAsDouble } from './float.js';
import { doubleToString, DTSF_ALT } from './float-format.js';
import { objectAscii } from './format-builtin.js';
import { callSpecial, MISSING } from './call-special.js';
import { intAsBigInt, intCheckExact } from './int.js';
import { intFormatJs } from './int-format.js';
import { StaticType, TPFLAGS_LONG_SUBCLASS, TPFLAGS_TUPLE_SUBCLASS, TPFLAGS_UNICODE_SUBCLASS } from './layout.js';
import type { ObThread } from './ob-thread.js';
import { STR_MAX_LENGTH } from './str.js';
import { strFromCodePoints } from './str-methods.js';
import { strCodePointAt, strLength } from './str-read.js';
import { typeHasFlag, typeNameOf, typeOf } from './subtype.js';
import { tupleGetItem, tupleSize } from './tuple.js';
import { strCodePoints, UnicodeWriter } from './unicode-writer.js';

const F_LJUST = 1;
const F_SIGN = 2;
const F_BLANK = 4;
const F_ALT = 8;
const F_ZERO = 16;

/** `PY_SSIZE_T_MAX` and `INT_MAX`, the limits of a width and a precision. */
const SSIZE_MAX = 2 ** 63 - 1;
const INT_MAX = 2147483647;

/** `struct unicode_formatter_t`: the state of one formatting. */
interface Formatter {
  /** The format's code points (a 0 read past the end, as C reads the terminator). */
  cps: number[];
  pos: number;
  /** Code points left to read, less one (`fmtcnt` after its decrement). */
  cnt: number;
  /** The current arguments: a tuple, a single object, or a mapping's value. */
  args: number;
  /** Whether `args` is a reference of ours (a mapping's value). */
  argsOwned: boolean;
  /** -1 for a single object. */
  arglen: number;
  argidx: number;
  /** The mapping for `%(key)`, or 0. */
  dict: number;
  w: UnicodeWriter;
  /** Whether a bytes-like object is formatted (the code points are then bytes). */
  bytes: boolean;
}

/** `struct unicode_format_arg_t`: one conversion. */
interface Arg {
  ch: number;
  flags: number;
  width: number;
  prec: number;
  /** Whether a sign may be written (numbers). */
  sign: boolean;
}

function read(ctx: Formatter): number {
  return ctx.pos < ctx.cps.length ? ctx.cps[ctx.pos]! : 0;
}

/** `unicode_format_getnextarg`: the next argument (borrowed), or 0 with TypeError "not enough arguments for format string". */
function nextArg(t: ObThread, ctx: Formatter): number {
  const argidx = ctx.argidx;
  if (argidx < ctx.arglen) {
    ctx.argidx++;
    return ctx.arglen < 0 ? ctx.args : tupleGetItem(t, ctx.args, argidx);
  }
  return errRaise(t, StaticType.TypeError, 'not enough arguments for format string');
}

/** `PyLong_AsSsize_t` / `PyLong_AsInt` of a `*` argument: the value, or null with OverflowError. */
function starValue(t: ObThread, v: number, max: number, cType: string): number | null {
  const x = intAsBigInt(t, v);
  if (x > BigInt(max) || x < -BigInt(max) - 1n) {
    errRaise(t, StaticType.OverflowError, `Python int too large to convert to C ${cType}`);
    return null;
  }
  return Number(x);
}

/** `unicode_format_arg_parse`: the key, flags, width, precision and conversion character; 0, or -1 with the exception. */
function parseArg(t: ObThread, ctx: Formatter, arg: Arg): number {
  arg.ch = read(ctx);
  if (arg.ch === 0x28) {
    // '(key)': the argument is the mapping's value.
    if (ctx.dict === 0) {
      errRaise(t, StaticType.TypeError, 'format requires a mapping');
      return -1;
    }
    ctx.pos++;
    ctx.cnt--;
    const keyStart = ctx.pos;
    let depth = 1;
    while (depth > 0 && --ctx.cnt >= 0) {
      arg.ch = read(ctx);
      if (arg.ch === 0x29) depth--;
      else if (arg.ch === 0x28) depth++;
      ctx.pos++;
    }
    const keyLen = ctx.pos - keyStart - 1;
    if (ctx.cnt < 0 || depth > 0) {
      errRaise(t, StaticType.ValueError, 'incomplete format key');
      return -1;
    }
    const key = ctx.bytes ? bytesFromBytes(t, ctx.cps.slice(keyStart, keyStart + keyLen)) : strFromCodePoints(t, ctx.cps, keyStart, keyStart + keyLen);
    if (key === 0) return -1;
    if (ctx.argsOwned) {
      ctx.argsOwned = false;
      decref(t.rc, ctx.args);
    }
    ctx.args = objectGetItem(t, ctx.dict, key);
    decref(t.rc, key);
    if (ctx.args === 0) return -1;
    ctx.argsOwned = true;
    ctx.arglen = -1;
    ctx.argidx = -2;
  }
  // Flags.
  while (--ctx.cnt >= 0) {
    arg.ch = read(ctx);
    ctx.pos++;
    const flag = arg.ch === 0x2d ? F_LJUST : arg.ch === 0x2b ? F_SIGN : arg.ch === 0x20 ? F_BLANK : arg.ch === 0x23 ? F_ALT : arg.ch === 0x30 ? F_ZERO : 0;
    if (flag === 0) break;
    arg.flags |= flag;
  }
  // Width.
  if (arg.ch === 0x2a) {
    const v = nextArg(t, ctx);
    if (v === 0) return -1;
    if (!typeHasFlag(t, typeOf(t, v), TPFLAGS_LONG_SUBCLASS)) {
      errRaise(t, StaticType.TypeError, '* wants int');
      return -1;
    }
    const width = starValue(t, v, SSIZE_MAX, 'ssize_t');
    if (width === null) return -1;
    arg.width = width;
    if (arg.width < 0) {
      arg.flags |= F_LJUST;
      arg.width = -arg.width;
    }
    if (--ctx.cnt >= 0) {
      arg.ch = read(ctx);
      ctx.pos++;
    }
  } else if (arg.ch >= 0x30 && arg.ch <= 0x39) {
    arg.width = arg.ch - 0x30;
    while (--ctx.cnt >= 0) {
      arg.ch = read(ctx);
      ctx.pos++;
      if (arg.ch < 0x30 || arg.ch > 0x39) break;
      if (arg.width > (SSIZE_MAX - (arg.ch - 0x30)) / 10) {
        errRaise(t, StaticType.ValueError, 'width too big');
        return -1;
      }
      arg.width = arg.width * 10 + (arg.ch - 0x30);
    }
  }
  // Precision.
  if (arg.ch === 0x2e) {
    arg.prec = 0;
    if (--ctx.cnt >= 0) {
      arg.ch = read(ctx);
      ctx.pos++;
    }
    if (arg.ch === 0x2a) {
      const v = nextArg(t, ctx);
      if (v === 0) return -1;
      if (!typeHasFlag(t, typeOf(t, v), TPFLAGS_LONG_SUBCLASS)) {
        errRaise(t, StaticType.TypeError, '* wants int');
        return -1;
      }
      const prec = starValue(t, v, INT_MAX, 'int');
      if (prec === null) return -1;
      arg.prec = prec < 0 ? 0 : prec;
      if (--ctx.cnt >= 0) {
        arg.ch = read(ctx);
        ctx.pos++;
      }
    } else if (arg.ch >= 0x30 && arg.ch <= 0x39) {
      arg.prec = arg.ch - 0x30;
      while (--ctx.cnt >= 0) {
        arg.ch = read(ctx);
        ctx.pos++;
        if (arg.ch < 0x30 || arg.ch > 0x39) break;
        if (arg.prec > (INT_MAX - (arg.ch - 0x30)) / 10) {
          errRaise(t, StaticType.ValueError, 'precision too big');
          return -1;
        }
        arg.prec = arg.prec * 10 + (arg.ch - 0x30);
      }
    }
  }
  // 'h', 'l' and 'L' are ignored ("%ld").
  if (ctx.cnt >= 0 && (arg.ch === 0x68 || arg.ch === 0x6c || arg.ch === 0x4c)) {
    if (--ctx.cnt >= 0) {
      arg.ch = read(ctx);
      ctx.pos++;
    }
  }
  if (ctx.cnt < 0) {
    errRaise(t, StaticType.ValueError, 'incomplete format');
    return -1;
  }
  return 0;
}

/** `PyNumber_Check`: an int, float or complex, or anything with `__index__`, `__int__` or `__float__`. */
function numberCheck(t: ObThread, v: number): boolean {
  const type = typeOf(t, v);
  return typeSlot(t, type, 'index') !== null || typeSlot(t, type, 'int') !== null || typeSlot(t, type, 'float') !== null || complexCheck(t, v);
}

/**
 * `mainformatlong` + `_PyUnicode_FormatLong`: `v` for %d %i %u %o %x %X as
 * JavaScript text (alternate prefix, precision as zero digits, upper case
 * for X); null with the exception.
 */
function formatLong(t: ObThread, v: number, arg: Arg): string | null {
  const type = arg.ch;
  const hexOrOct = type === 0x6f || type === 0x78 || type === 0x58;
  const wrongType = (): null => {
    errRaise(t, StaticType.TypeError, `%${String.fromCharCode(type)} format: ${hexOrOct ? 'an integer is required' : 'a real number is required'}, not ${typeNameOf(t, v)}`);
    return null;
  };
  if (!numberCheck(t, v)) return wrongType();
  let iobj: number;
  if (typeHasFlag(t, typeOf(t, v), TPFLAGS_LONG_SUBCLASS)) {
    incref(t.rc, v);
    iobj = v;
  } else {
    iobj = hexOrOct ? numberIndex(t, v) : numberLong(t, v);
    if (iobj === 0) {
      if (errExceptionMatches(t, t.types[StaticType.TypeError]!)) {
        errClear(t);
        return wrongType();
      }
      return null;
    }
  }
  const base = type === 0x6f ? 8 : hexOrOct ? 16 : 10;
  const text = intFormatJs(t, iobj, base);
  decref(t.rc, iobj);
  if (text === null) return null;
  const negative = text.charCodeAt(0) === 0x2d;
  const sign = negative ? '-' : '';
  const prefix = base === 10 || (arg.flags & F_ALT) === 0 ? '' : text.slice(negative ? 1 : 0, negative ? 3 : 2);
  let digits = text.slice((negative ? 1 : 0) + (base === 10 ? 0 : 2));
  if (arg.prec > digits.length) {
    if (arg.prec > STR_MAX_LENGTH) {
      errNoMemory(t);
      return null;
    }
    digits = '0'.repeat(arg.prec - digits.length) + digits;
  }
  const out = sign + prefix + digits;
  return type === 0x58 ? out.toUpperCase() : out;
}

/** `formatfloat`: `v` for %e %E %f %F %g %G as JavaScript text; null with TypeError "must be real number, not str". */
function formatFloat(t: ObThread, v: number, arg: Arg): string | null {
  const x = numberAsDouble(t, v);
  if (x === -1 && t.error.type !== 0) return null;
  const prec = arg.prec < 0 ? 6 : arg.prec;
  if (prec > STR_MAX_LENGTH) {
    errNoMemory(t);
    return null;
  }
  return doubleToString(x, String.fromCharCode(arg.ch), prec, (arg.flags & F_ALT) !== 0 ? DTSF_ALT : 0);
}

/** `formatchar`: the code point for %c (a str of length 1, or an int in range); -1 with the exception. */
function formatChar(t: ObThread, v: number): number {
  if (typeHasFlag(t, typeOf(t, v), TPFLAGS_UNICODE_SUBCLASS)) {
    if (strLength(t, v) === 1) return strCodePointAt(t, v, 0);
    errRaise(t, StaticType.TypeError, '%c requires int or char');
    return -1;
  }
  // PyLong_AsLongAndOverflow: an int, or what __index__ gives.
  if (!typeHasFlag(t, typeOf(t, v), TPFLAGS_LONG_SUBCLASS) && !indexCheck(t, v)) {
    errRaise(t, StaticType.TypeError, '%c requires int or char');
    return -1;
  }
  const i = numberIndex(t, v);
  if (i === 0) return -1;
  const x = intAsBigInt(t, i);
  decref(t.rc, i);
  if (x < 0n || x > 0x10ffffn) {
    errRaise(t, StaticType.OverflowError, '%c arg not in range(0x110000)');
    return -1;
  }
  return Number(x);
}

/**
 * `unicode_format_arg_output`: `text` (code points) written with the
 * conversion's width, precision (s, r, a), sign and zero padding.
 */
function outputArg(t: ObThread, ctx: Formatter, arg: Arg, text: number[]): number {
  const w = ctx.w;
  const fill = arg.sign && (arg.flags & F_ZERO) !== 0 ? 0x30 : 0x20;
  let len = text.length;
  if ((arg.width === -1 || arg.width <= len) && (arg.prec === -1 || arg.prec >= len) && (arg.flags & (F_SIGN | F_BLANK)) === 0) {
    w.codePoints(text);
    return 0;
  }
  if ((arg.ch === 0x73 || arg.ch === 0x72 || arg.ch === 0x61 || (ctx.bytes && arg.ch === 0x62)) && arg.prec >= 0 && len > arg.prec) len = arg.prec;
  if (arg.width > STR_MAX_LENGTH) {
    errNoMemory(t);
    return -1;
  }
  let p = 0;
  let signChar = 0;
  if (arg.sign) {
    const c = text[0];
    if (c === 0x2d || c === 0x2b) {
      signChar = c;
      len--;
      p++;
    } else if ((arg.flags & F_SIGN) !== 0) signChar = 0x2b;
    else if ((arg.flags & F_BLANK) !== 0) signChar = 0x20;
    else arg.sign = false;
  }
  if (arg.width < len) arg.width = len;
  if (arg.sign) {
    if (fill !== 0x20) w.char(signChar);
    if (arg.width > len) arg.width--;
  }
  const alt = (arg.flags & F_ALT) !== 0 && (arg.ch === 0x78 || arg.ch === 0x58 || arg.ch === 0x6f);
  if (alt) {
    if (fill !== 0x20) {
      w.char(0x30);
      w.char(arg.ch);
      p += 2;
    }
    arg.width -= 2;
    if (arg.width < 0) arg.width = 0;
    len -= 2;
  }
  if (arg.width > len && (arg.flags & F_LJUST) === 0) {
    w.fill(fill, arg.width - len);
    arg.width = len;
  }
  if (fill === 0x20) {
    if (arg.sign) w.char(signChar);
    if (alt) {
      w.char(0x30);
      w.char(arg.ch);
      p += 2;
    }
  }
  if (len > 0) w.codePoints(text, p, p + len);
  if (arg.width > len) w.fill(0x20, arg.width - len);
  return 0;
}

/** JavaScript text as code points (a surrogate pair as one). */
function textCodePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/** A str object's code points, the reference released. */
function takeStr(t: ObThread, s: number): number[] | null {
  if (s === 0) return null;
  const cps = strCodePoints(t, s);
  decref(t.rc, s);
  return cps;
}

/** The bytes of a bytes-like object (`PyObject_GetBuffer` then a copy); null with TypeError. */
function bufferBytes(t: ObThread, v: number): number[] | null {
  const view = objectGetBuffer(t, v, PYBUF_SIMPLE);
  if (view === null) return null;
  const data = Array.from(t.u8.subarray(view.buf, view.buf + view.len));
  bufferRelease(t, view);
  return data;
}

/**
 * `format_obj` (`%s`, `%b` of bytes): the bytes of a bytes-like object or
 * of what its `__bytes__` returns; null with TypeError.
 */
function bytesOfObject(t: ObThread, v: number): number[] | null {
  if (objectCheckBuffer(t, v)) return bufferBytes(t, v);
  const r = callSpecial(t, v, '__bytes__', []);
  if (r === MISSING) {
    errRaise(t, StaticType.TypeError, `%b requires a bytes-like object, or an object that implements __bytes__, not '${typeNameOf(t, v).slice(0, 100)}'`);
    return null;
  }
  if (r === 0) return null;
  const data = bytesCheck(t, r) ? bufferBytes(t, r) : null;
  if (data === null && t.error.type === 0) errRaise(t, StaticType.TypeError, `__bytes__ returned non-bytes (type ${typeNameOf(t, r).slice(0, 200)})`);
  decref(t.rc, r);
  return data;
}

/**
 * `%c` of bytes: the byte of a bytes or bytearray of length 1, or an
 * integer in range(256); -1 with TypeError "%c requires an integer in
 * range(256) or a single byte" or OverflowError.
 */
function formatByte(t: ObThread, v: number): number {
  const wrong = (): number => {
    errRaise(t, StaticType.TypeError, '%c requires an integer in range(256) or a single byte');
    return -1;
  };
  if (bytesCheck(t, v) || byteArrayCheck(t, v)) {
    const data = bytesOfObject(t, v);
    if (data === null) return -1;
    return data.length === 1 ? data[0]! : wrong();
  }
  // PyLong_AsLongAndOverflow: an int, or what __index__ gives; any other type is the TypeError above.
  if (!typeHasFlag(t, typeOf(t, v), TPFLAGS_LONG_SUBCLASS) && !indexCheck(t, v)) return wrong();
  const i = numberIndex(t, v);
  if (i === 0) return -1;
  const x = intAsBigInt(t, i);
  decref(t.rc, i);
  if (x < 0n || x > 255n) {
    errRaise(t, StaticType.OverflowError, '%c arg not in range(256)');
    return -1;
  }
  return Number(x);
}

/**
 * The conversions in which bytes formatting differs from str's: the
 * bytes written (null with the exception), or undefined for a numeric
 * conversion the two share.
 */
function formatBytesArg(t: ObThread, v: number, ch: number): number[] | null | undefined {
  switch (ch) {
    case 0x73: // s
    case 0x62: // b
      return bytesOfObject(t, v);
    case 0x72: // r
    case 0x61: {
      // a: ascii(v), which is all ASCII
      const s = objectAscii(t, v);
      return s === 0 ? null : takeStr(t, s);
    }
    case 0x63: {
      // c
      const c = formatByte(t, v);
      return c < 0 ? null : [c];
    }
    default:
      return undefined;
  }
}

/** `unicode_format_arg_format` + output: one conversion written; 0, or -1 with the exception. */
function formatArg(t: ObThread, ctx: Formatter, arg: Arg): number {
  const v = nextArg(t, ctx);
  if (v === 0) return -1;
  if (ctx.bytes) {
    const data = formatBytesArg(t, v, arg.ch);
    if (data === null) return -1;
    if (data !== undefined) return outputArg(t, ctx, arg, data);
  }
  let text: number[] | null;
  switch (arg.ch) {
    case 0x73: // s
    case 0x72: // r
    case 0x61: // a
      if (intCheckExact(t, v) && arg.width === -1 && arg.prec === -1) {
        const s = intFormatJs(t, v, 10);
        if (s === null) return -1;
        ctx.w.text(s);
        return 0;
      }
      if (arg.ch === 0x73) text = takeStr(t, objectStr(t, v));
      else if (arg.ch === 0x72) text = takeStr(t, objectRepr(t, v));
      else text = takeStr(t, objectAscii(t, v));
      break;
    case 0x69: // i
    case 0x64: // d
    case 0x75: // u
    case 0x6f: // o
    case 0x78: // x
    case 0x58: {
      // X
      const s = formatLong(t, v, arg);
      if (s === null) return -1;
      arg.sign = true;
      text = textCodePoints(s);
      break;
    }
    case 0x65: // e
    case 0x45: // E
    case 0x66: // f
    case 0x46: // F
    case 0x67: // g
    case 0x47: {
      // G
      const s = formatFloat(t, v, arg);
      if (s === null) return -1;
      arg.sign = true;
      text = textCodePoints(s);
      break;
    }
    case 0x63: {
      // c
      const c = formatChar(t, v);
      if (c < 0) return -1;
      text = [c];
      break;
    }
    default: {
      const c = arg.ch;
      errRaise(t, StaticType.ValueError, `unsupported format character '${c >= 31 && c <= 126 ? String.fromCharCode(c) : '?'}' (0x${c.toString(16)}) at index ${ctx.pos - 1}`);
      return -1;
    }
  }
  if (text === null) return -1;
  return outputArg(t, ctx, arg, text);
}

/** `unicode_format_arg`: `%%`, or one conversion; 0, or -1 with the exception. */
function formatOne(t: ObThread, ctx: Formatter): number {
  if (read(ctx) === 0x25) {
    ctx.pos++;
    ctx.cnt--;
    ctx.w.char(0x25);
    return 0;
  }
  const arg: Arg = { ch: 0, flags: 0, width: -1, prec: -1, sign: false };
  if (parseArg(t, ctx, arg) < 0) return -1;
  if (formatArg(t, ctx, arg) < 0) return -1;
  if (ctx.dict !== 0 && ctx.argidx < ctx.arglen) {
    errRaise(t, StaticType.TypeError, `not all arguments converted during ${ctx.bytes ? 'bytes' : 'string'} formatting`);
    return -1;
  }
  return 0;
}

/**
 * The formatting loop shared by str and bytes: `cps` (the format's code
 * points or bytes) with `args`; the writer of the result, or null with the
 * exception.
 */
function formatAll(t: ObThread, cps: number[], args: number, dict: number, bytes: boolean): UnicodeWriter | null {
  const isTuple = typeHasFlag(t, typeOf(t, args), TPFLAGS_TUPLE_SUBCLASS);
  const ctx: Formatter = {
    cps,
    pos: 0,
    cnt: cps.length,
    args,
    argsOwned: false,
    arglen: isTuple ? tupleSize(t, args) : -1,
    argidx: isTuple ? 0 : -2,
    dict,
    w: new UnicodeWriter(),
    bytes,
  };
  let failed = false;
  while (--ctx.cnt >= 0) {
    if (cps[ctx.pos] !== 0x25) {
      const start = ctx.pos++;
      while (ctx.cnt >= 0 && ctx.pos < cps.length && cps[ctx.pos] !== 0x25) {
        ctx.pos++;
        ctx.cnt--;
      }
      ctx.w.codePoints(cps, start, ctx.pos);
      if (ctx.pos >= cps.length) ctx.cnt = -1;
    } else {
      ctx.pos++;
      if (formatOne(t, ctx) < 0) {
        failed = true;
        break;
      }
    }
  }
  if (!failed && ctx.argidx < ctx.arglen && ctx.dict === 0) {
    errRaise(t, StaticType.TypeError, `not all arguments converted during ${bytes ? 'bytes' : 'string'} formatting`);
    failed = true;
  }
  if (ctx.argsOwned) decref(t.rc, ctx.args);
  return failed ? null : ctx.w;
}

/**
 * `PyUnicode_Format(format, args)` (`format % args`): `format` a str,
 * `args` a tuple, a mapping (for `%(key)s`), or a single object; a new
 * str, or 0 with the exception (see the file's comment).
 * @example
 * ```ts
 * strPercentFormat(t, strFromJs(t, '%-6s|%+.2f'), tupleFromArray(t, [s, x]));
 * ```
 * @public
 */
export function strPercentFormat(t: ObThread, format: number, args: number): number {
  const argsType = typeOf(t, args);
  // PyMapping_Check: a __getitem__ (mp_subscript), and neither a tuple nor a str.
  const isMapping = typeSlot(t, argsType, 'subscript') !== null && !typeHasFlag(t, argsType, TPFLAGS_TUPLE_SUBCLASS) && !typeHasFlag(t, argsType, TPFLAGS_UNICODE_SUBCLASS);
  const w = formatAll(t, strCodePoints(t, format), args, isMapping ? args : 0, false);
  return w === null ? 0 : w.finish(t);
}

/**
 * `_PyBytes_FormatEx` (`bytes % args`, `bytearray % args`): `format` a
 * bytes or bytearray; a new object of the same kind (bytes for a bytes
 * subclass), or 0 with the exception.
 * @internal
 */
export function bytesPercentFormat(t: ObThread, format: number, args: number): number {
  const data = bufferBytes(t, format);
  if (data === null) return 0;
  const argsType = typeOf(t, args);
  // A mapping: a __getitem__, and not a tuple, bytes, bytearray or str.
  const isMapping =
    typeSlot(t, argsType, 'subscript') !== null && !typeHasFlag(t, argsType, TPFLAGS_TUPLE_SUBCLASS) && !bytesCheck(t, args) && !byteArrayCheck(t, args) && !typeHasFlag(t, argsType, TPFLAGS_UNICODE_SUBCLASS);
  const w = formatAll(t, data, args, isMapping ? args : 0, true);
  if (w === null) return 0;
  return byteArrayCheck(t, format) ? byteArrayFromBytes(t, w.cps) : bytesFromBytes(t, w.cps);
}
